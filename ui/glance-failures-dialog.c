/* glance-failures-dialog.c — a row per file: its name as the title, the reason as the
 * subtitle, the full path in the tooltip (a toast names a file; details live here). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-failures-dialog.h"
#include "glance-library.h"

struct _GlanceFailuresDialog {
    AdwWindow parent_instance;
    GtkListBox *failures_list;
    GtkLabel *summary_label;
};

G_DEFINE_FINAL_TYPE(GlanceFailuresDialog, glance_failures_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_RETRY, N_SIGNALS };
static guint signals[N_SIGNALS];

static void on_retry_clicked(GlanceFailuresDialog *self)
{
    g_signal_emit(self, signals[SIGNAL_RETRY], 0);
    gtk_window_close(GTK_WINDOW(self));
}

static void glance_failures_dialog_dispose(GObject *object)
{
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_FAILURES_DIALOG);
    G_OBJECT_CLASS(glance_failures_dialog_parent_class)->dispose(object);
}

static void glance_failures_dialog_class_init(GlanceFailuresDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_failures_dialog_dispose;
    signals[SIGNAL_RETRY] = g_signal_new("retry", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 0);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/io/github/glance/Glance/ui/glance-failures-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceFailuresDialog, failures_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceFailuresDialog, summary_label);
    gtk_widget_class_bind_template_callback(widget_class, on_retry_clicked);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void glance_failures_dialog_init(GlanceFailuresDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

static GtkWidget *failure_row_new(const GlanceLibraryFailure *failure)
{
    GtkWidget *row = adw_action_row_new();
    g_autofree char *name = g_filename_display_basename(failure->path);
    g_autofree char *shown_path = g_filename_display_name(failure->path);
    g_autofree char *title = g_markup_escape_text(name, -1);
    g_autofree char *reason = g_markup_escape_text(failure->reason ? failure->reason : "", -1);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), reason);
    gtk_widget_set_tooltip_text(row, shown_path);
    GtkWidget *icon = gtk_image_new_from_icon_name("image-missing-symbolic");
    gtk_accessible_update_property(GTK_ACCESSIBLE(icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Could not be read"), -1);
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), icon);
    return row;
}

GlanceFailuresDialog *glance_failures_dialog_new(GtkWindow *parent, GPtrArray *failures)
{
    GlanceFailuresDialog *self = g_object_new(GLANCE_TYPE_FAILURES_DIALOG, "transient-for", parent, NULL);
    for (guint i = 0; i < failures->len; i++)
        gtk_list_box_append(self->failures_list, failure_row_new(failures->pdata[i]));
    g_autofree char *summary = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE,
                    "Glance could not read %u file in the library folders, so searches leave it out. "
                    "Retry reads it again, for example after it was repaired or replaced.",
                    "Glance could not read %u files in the library folders, so searches leave them out. "
                    "Retry reads them again, for example after they were repaired or replaced.",
                    failures->len),
        failures->len);
    gtk_label_set_text(self->summary_label, summary);
    return self;
}

GtkListBox *glance_failures_dialog_get_list(GlanceFailuresDialog *self)
{
    return self->failures_list;
}

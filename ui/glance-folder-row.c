/* glance-folder-row.c — the path is shown as the file system names it for people.
 * Removing a folder only takes it off the folder list (its photos stay in the database,
 * out of searches), so Undo in the toast puts it back with nothing to index again. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-folder-row.h"
#include "glance-window.h"

struct _GlanceFolderRow {
    AdwActionRow parent_instance;
    GtkButton *remove_button;
    char *folder;
};

G_DEFINE_FINAL_TYPE(GlanceFolderRow, glance_folder_row, ADW_TYPE_ACTION_ROW)

static void on_undo(AdwToast *toast, gpointer folder)
{
    (void)toast;
    glance_application_add_library_folder(GLANCE_APPLICATION_DEFAULT, folder);
}

static void on_remove_clicked(GlanceFolderRow *self)
{
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    g_autofree char *name = g_filename_display_basename(self->folder);
    char *folder = g_strdup(self->folder);
    /* The list is rebuilt here, this row with it: nothing of self is used below. */
    g_action_group_activate_action(G_ACTION_GROUP(g_application_get_default()), "remove-folder",
                                   g_variant_new_string(folder));
    /* Translators: a toast; %s is a folder's name */
    g_autofree char *message = g_strdup_printf(_("“%s” removed from the library"), name);
    AdwToast *toast = adw_toast_new(message);
    adw_toast_set_button_label(toast, _("_Undo"));
    adw_toast_set_priority(toast, ADW_TOAST_PRIORITY_HIGH);
    g_signal_connect_data(toast, "button-clicked", G_CALLBACK(on_undo), folder, (GClosureNotify)(void (*)(void))g_free, 0);
    if (GLANCE_IS_WINDOW(root))
        glance_window_add_toast(GLANCE_WINDOW(root), toast);
    else if (ADW_IS_PREFERENCES_WINDOW(root))
        adw_preferences_window_add_toast(ADW_PREFERENCES_WINDOW(root), toast);
    else
        g_object_unref(toast);
}

static void glance_folder_row_dispose(GObject *object)
{
    g_clear_pointer(&GLANCE_FOLDER_ROW(object)->folder, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_FOLDER_ROW);
    G_OBJECT_CLASS(glance_folder_row_parent_class)->dispose(object);
}

static void glance_folder_row_class_init(GlanceFolderRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_folder_row_dispose;
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-folder-row.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceFolderRow, remove_button);
    gtk_widget_class_bind_template_callback(widget_class, on_remove_clicked);
}

static void glance_folder_row_init(GlanceFolderRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *glance_folder_row_new(const char *folder)
{
    GlanceFolderRow *self = g_object_new(GLANCE_TYPE_FOLDER_ROW, NULL);
    g_autofree char *name = g_filename_display_basename(folder);
    g_autofree char *shown_path = g_filename_display_name(folder);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self), name);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self), shown_path);
    g_autofree char *spoken = g_strdup_printf(_("Remove %s from the library"), name);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    self->folder = g_strdup(folder);
    return GTK_WIDGET(self);
}

void glance_folder_rows_fill(GtkListBox *list, char **folders)
{
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(list))))
        gtk_list_box_remove(list, child);
    for (guint i = 0; folders[i]; i++)
        gtk_list_box_append(list, glance_folder_row_new(folders[i]));
}

/* glance-folder-row.c — the path is shown as the file system names it for people. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-folder-row.h"

struct _GlanceFolderRow {
    AdwActionRow parent_instance;
    GtkButton *remove_button;
};

G_DEFINE_FINAL_TYPE(GlanceFolderRow, glance_folder_row, ADW_TYPE_ACTION_ROW)

static void glance_folder_row_dispose(GObject *object)
{
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_FOLDER_ROW);
    G_OBJECT_CLASS(glance_folder_row_parent_class)->dispose(object);
}

static void glance_folder_row_class_init(GlanceFolderRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_folder_row_dispose;
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-folder-row.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceFolderRow, remove_button);
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
    gtk_actionable_set_action_target(GTK_ACTIONABLE(self->remove_button), "s", folder);
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

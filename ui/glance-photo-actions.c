/* glance-photo-actions.c — Open With… as GTK 4.8 offers it (GtkAppChooserDialog, launched
 * with the display's launch context) and Show in Files over the FileManager1 D-Bus
 * interface that Nautilus, Nemo, Dolphin and Thunar implement. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-photo-actions.h"
#include "glance-window.h"

/* ---- Open With… ---- */

static void on_app_chosen(GtkDialog *dialog, int response, gpointer data)
{
    g_autoptr(GFile) file = data;
    g_autoptr(GAppInfo) app = response == GTK_RESPONSE_OK
        ? gtk_app_chooser_get_app_info(GTK_APP_CHOOSER(dialog)) : NULL;
    GtkWindow *parent = gtk_window_get_transient_for(GTK_WINDOW(dialog));
    if (app) {
        g_autoptr(GdkAppLaunchContext) context = gdk_display_get_app_launch_context(
            gtk_widget_get_display(GTK_WIDGET(dialog)));
        GList files = { file, NULL, NULL };
        g_autoptr(GError) error = NULL;
        if (!g_app_info_launch(app, &files, G_APP_LAUNCH_CONTEXT(context), &error) && parent) {
            g_autofree char *name = g_file_get_basename(file);
            /* Translators: a toast: "Could not open beach.jpg with Image Viewer" */
            g_autofree char *message = g_strdup_printf(_("Could not open %s with %s"), name,
                                                       g_app_info_get_display_name(app));
            glance_show_toast(GTK_WIDGET(parent), message);
        }
    }
    gtk_window_destroy(GTK_WINDOW(dialog));
}

void glance_photo_open_with(GtkWindow *parent, const char *path)
{
    GFile *file = g_file_new_for_path(path);
    GtkWidget *dialog = gtk_app_chooser_dialog_new(parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, file);
    g_autofree char *name = g_file_get_basename(file);
    /* Translators: the title of the "Open With" dialog: "Open beach.jpg With" */
    g_autofree char *title = g_strdup_printf(_("Open %s With"), name);
    gtk_window_set_title(GTK_WINDOW(dialog), title);
    g_signal_connect(dialog, "response", G_CALLBACK(on_app_chosen), file);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* ---- Show in Files ---- */

typedef struct {
    GtkWidget *widget;   /* a weak pointer: toasts go to its window while it lives */
    GFile *file;
} ShowInFiles;

static void show_in_files_free(ShowInFiles *show)
{
    g_clear_weak_pointer(&show->widget);
    g_object_unref(show->file);
    g_free(show);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ShowInFiles, show_in_files_free)

static void on_folder_opened(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(ShowInFiles) show = data;
    g_autoptr(GError) error = NULL;
    if (!g_app_info_launch_default_for_uri_finish(result, &error) && show->widget) {
        g_autoptr(GFile) folder = g_file_get_parent(show->file);
        g_autofree char *name = g_file_get_basename(folder);
        /* Translators: a toast: "Could not open the folder Pictures" */
        g_autofree char *message = g_strdup_printf(_("Could not open the folder %s"), name);
        glance_show_toast(show->widget, message);
    }
}

static void open_folder(ShowInFiles *show)
{
    g_autoptr(GFile) folder = g_file_get_parent(show->file);
    g_autofree char *uri = g_file_get_uri(folder);
    g_autoptr(GdkAppLaunchContext) context = show->widget
        ? gdk_display_get_app_launch_context(gtk_widget_get_display(show->widget)) : NULL;
    g_app_info_launch_default_for_uri_async(uri, G_APP_LAUNCH_CONTEXT(context), NULL, on_folder_opened, show);
}

static void on_items_shown(GObject *source, GAsyncResult *result, gpointer data)
{
    ShowInFiles *show = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (reply)
        show_in_files_free(show);
    else
        open_folder(show);   /* no file manager on the bus */
}

static void on_session_bus(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    ShowInFiles *show = data;
    g_autoptr(GDBusConnection) bus = g_bus_get_finish(result, NULL);
    if (!bus) {
        open_folder(show);
        return;
    }
    g_autofree char *uri = g_file_get_uri(show->file);
    const char *uris[] = { uri, NULL };
    g_dbus_connection_call(bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                           "org.freedesktop.FileManager1", "ShowItems", g_variant_new("(^ass)", uris, ""), NULL,
                           G_DBUS_CALL_FLAGS_NONE, 10000, NULL, on_items_shown, show);
}

void glance_photo_show_in_files(GtkWidget *widget, const char *path)
{
    ShowInFiles *show = g_new0(ShowInFiles, 1);
    g_set_weak_pointer(&show->widget, widget);
    show->file = g_file_new_for_path(path);
    g_bus_get(G_BUS_TYPE_SESSION, NULL, on_session_bus, show);
}

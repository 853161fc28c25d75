/* glance-photo-actions.h — what a photo file can be handed to outside Glance: another
 * application (Open With…) and the file manager (Show in Files). The viewer and the
 * results' context menu both call these. */
#ifndef GLANCE_PHOTO_ACTIONS_H
#define GLANCE_PHOTO_ACTIONS_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows a GtkAppChooserDialog for the photo's type over `parent`; the application chosen
 * opens the photo. A failure to start it becomes a toast. */
void glance_photo_open_with(GtkWindow *parent, const char *path);
/* Asks the file manager to show the photo selected (org.freedesktop.FileManager1
 * ShowItems on the session bus); without one, opens the photo's folder with the
 * default application for folders. A failure becomes a toast in `widget`'s window. */
void glance_photo_show_in_files(GtkWidget *widget, const char *path);

G_END_DECLS
#endif

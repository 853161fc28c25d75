/* glance-image-drop.h — a place for one image: shows it, or an empty state inviting the
 * user to open, drop or paste one. Used once by Ask and twice by Compare. */
#ifndef GLANCE_IMAGE_DROP_H
#define GLANCE_IMAGE_DROP_H
#include <adwaita.h>
#include "glance-photo.h"
#include "glance-where-overlay-picture.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_IMAGE_DROP (glance_image_drop_get_type())
G_DECLARE_FINAL_TYPE(GlanceImageDrop, glance_image_drop, GLANCE, IMAGE_DROP, GtkWidget)

/* The loaded photo (NULL while empty); notify::photo fires once a new one has loaded. */
GlancePhoto *glance_image_drop_get_photo(GlanceImageDrop *self);
/* Shows an already loaded photo (or NULL to clear) at once. */
void glance_image_drop_set_photo(GlanceImageDrop *self, GlancePhoto *photo);
/* Loads in the background; a photo that fails to load leaves a toast and the old one. */
void glance_image_drop_load(GlanceImageDrop *self, GlancePhoto *photo);
void glance_image_drop_load_file(GlanceImageDrop *self, GFile *file);
/* Shows the file chooser. */
void glance_image_drop_open(GlanceImageDrop *self);
/* Reads an image (texture or file) from the clipboard; FALSE when it holds none. */
gboolean glance_image_drop_paste(GlanceImageDrop *self, GdkClipboard *clipboard);
gboolean glance_image_drop_is_loading(GlanceImageDrop *self);
/* The picture showing the photo: pages lay where their answer looked over it. */
GlanceWhereOverlayPicture *glance_image_drop_get_picture(GlanceImageDrop *self);

G_END_DECLS
#endif

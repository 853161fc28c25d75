/* glance-photo.h — an image the user gave the app (a file, a dropped or pasted texture):
 * what the window shows and the pixels the model reads, decoded once, off the main thread. */
#ifndef GLANCE_PHOTO_H
#define GLANCE_PHOTO_H
#include <gtk/gtk.h>
#include "glance-picture.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_PHOTO (glance_photo_get_type())
G_DECLARE_FINAL_TYPE(GlancePhoto, glance_photo, GLANCE, PHOTO, GObject)

GlancePhoto *glance_photo_new_for_file(GFile *file);
GlancePhoto *glance_photo_new_for_texture(GdkTexture *texture);

GFile *glance_photo_get_file(GlancePhoto *self);          /* NULL for textures */
const char *glance_photo_get_title(GlancePhoto *self);    /* display name */
/* Identifies the image across sessions (history): its path, or a checksum of a pasted
 * image's pixels. Known once loaded. */
const char *glance_photo_get_key(GlancePhoto *self);
/* What the window shows (the model's input, scaled down for very large photos). */
GdkTexture *glance_photo_get_texture(GlancePhoto *self);
gboolean glance_photo_is_loaded(GlancePhoto *self);

/* Decodes the photo in a worker thread and makes the texture; fails on non-images. */
void glance_photo_load_async(GlancePhoto *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean glance_photo_load_finish(GlancePhoto *self, GAsyncResult *result, GError **error);

/* The pixels the model reads (thread-safe, decoded on first use): what tasks take. */
GlancePicture *glance_photo_get_picture(GlancePhoto *self);

G_END_DECLS
#endif

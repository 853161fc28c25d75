/* glance-picture.h — an image a user gave a front end (a file, or encoded bytes such as a
 * pasted image's PNG), decoded once, on first use, in whatever thread asks first: the
 * pixels the model reads, exactly as `glance-cli` decodes the same file (glance-image.h).
 * Thread-safe. The front ends never see the engine's image type: tasks take a picture
 * (glance-task-runner.h) and drawing takes its pixels. */
#ifndef GLANCE_PICTURE_H
#define GLANCE_PICTURE_H
#include <gio/gio.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_PICTURE (glance_picture_get_type())
G_DECLARE_FINAL_TYPE(GlancePicture, glance_picture, GLANCE, PICTURE, GObject)

/* Makes the encoded image on the decoding thread (e.g. a texture saved as PNG). */
typedef GBytes *(*GlancePictureBytesFunc)(gpointer data, GError **error);

GlancePicture *glance_picture_new_for_file(GFile *file);
/* data is freed with data_free once the bytes are made, or with the picture. */
GlancePicture *glance_picture_new_for_bytes_func(GlancePictureBytesFunc func, gpointer data,
                                                 GDestroyNotify data_free);

/* Decodes the picture if that was not done yet; FALSE with the decoding error (the same
 * error every time; it names a file by its name, not its path, ready for a toast). */
gboolean glance_picture_decode(GlancePicture *self, GError **error);
/* After a successful decode: tightly packed RGB8 rows, valid for the picture's lifetime. */
const guint8 *glance_picture_get_pixels(GlancePicture *self, int *width, int *height, int *stride);
/* Identifies the image across sessions (the question history): its path, its URI, or
 * "sha256:<hex>" of the pixels of an image given as bytes. NULL until decoded. */
const char *glance_picture_get_key(GlancePicture *self);

G_END_DECLS
#endif

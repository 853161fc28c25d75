/* glance-photo-details.h — what the photo viewer tells about a file: its size in bytes, its
 * pixel size, when it was taken and with which camera (EXIF), read without decoding it. */
#ifndef GLANCE_PHOTO_DETAILS_H
#define GLANCE_PHOTO_DETAILS_H
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
    char *path;
    guint64 file_size;     /* bytes                                                 */
    int width, height;     /* pixels as stored (before EXIF orientation); 0 if unknown */
    GDateTime *taken;      /* EXIF DateTimeOriginal & co., or NULL                  */
    char *camera_make;     /* EXIF Make, or NULL                                    */
    char *camera_model;    /* EXIF Model, or NULL                                   */
} GlancePhotoDetails;

/* Reads the details of an image file. Fails (G_IO_ERROR) only when the file cannot be
 * read; a file gdk-pixbuf does not know keeps width and height 0. */
GlancePhotoDetails *glance_photo_details_read(const char *path, GError **error);
void glance_photo_details_read_async(const char *path, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
GlancePhotoDetails *glance_photo_details_read_finish(GAsyncResult *result, GError **error);
/* "Canon EOS 80D" from make "Canon" and model "Canon EOS 80D" (a model that already names
 * its make is not prefixed twice); NULL when neither is known. */
char *glance_photo_details_dup_camera(const GlancePhotoDetails *details);
void glance_photo_details_free(GlancePhotoDetails *details);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlancePhotoDetails, glance_photo_details_free)

G_END_DECLS
#endif

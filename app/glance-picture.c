/* glance-picture.c — one lock around the lazy decode: the first thread to ask decodes,
 * the others wait and share the result (or the error). */
#include "glance-picture.h"
#include "glance-image.h"
#include "glance-picture-image.h"

struct _GlancePicture {
    GObject parent_instance;
    GFile *file;
    GlancePictureBytesFunc bytes_func;
    gpointer bytes_data;
    GDestroyNotify bytes_data_free;

    GMutex lock;               /* guards what the decode fills in below */
    GlanceDecodedImage *decoded;
    GError *decode_error;
    char *key;
};

G_DEFINE_FINAL_TYPE(GlancePicture, glance_picture, G_TYPE_OBJECT)

static void clear_bytes_source(GlancePicture *self)
{
    if (self->bytes_data_free && self->bytes_data)
        self->bytes_data_free(self->bytes_data);
    self->bytes_data = NULL;
    self->bytes_func = NULL;
}

static void glance_picture_finalize(GObject *object)
{
    GlancePicture *self = GLANCE_PICTURE(object);
    g_clear_object(&self->file);
    clear_bytes_source(self);
    glance_decoded_image_free(self->decoded);
    g_clear_error(&self->decode_error);
    g_free(self->key);
    g_mutex_clear(&self->lock);
    G_OBJECT_CLASS(glance_picture_parent_class)->finalize(object);
}

static void glance_picture_class_init(GlancePictureClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = glance_picture_finalize;
}

static void glance_picture_init(GlancePicture *self)
{
    g_mutex_init(&self->lock);
}

GlancePicture *glance_picture_new_for_file(GFile *file)
{
    GlancePicture *self = g_object_new(GLANCE_TYPE_PICTURE, NULL);
    self->file = g_object_ref(file);
    return self;
}

GlancePicture *glance_picture_new_for_bytes_func(GlancePictureBytesFunc func, gpointer data,
                                                 GDestroyNotify data_free)
{
    GlancePicture *self = g_object_new(GLANCE_TYPE_PICTURE, NULL);
    self->bytes_func = func;
    self->bytes_data = data;
    self->bytes_data_free = data_free;
    return self;
}

/* Locked. */
static void decode_locked(GlancePicture *self)
{
    if (self->decoded || self->decode_error)
        return;
    if (self->file) {
        g_autofree char *path = g_file_get_path(self->file);
        if (path) {
            self->decoded = glance_image_load_named(path, 0, &self->decode_error);
            self->key = g_steal_pointer(&path);
        } else {
            g_autoptr(GBytes) bytes = g_file_load_bytes(self->file, NULL, NULL, &self->decode_error);
            if (bytes)
                self->decoded = glance_image_from_bytes(bytes, 0, &self->decode_error);
            self->key = g_file_get_uri(self->file);
        }
        return;
    }
    g_autoptr(GBytes) bytes = self->bytes_func(self->bytes_data, &self->decode_error);
    clear_bytes_source(self);
    if (bytes)
        self->decoded = glance_image_from_bytes(bytes, 0, &self->decode_error);
    if (self->decoded) {
        const GlanceImage *im = &self->decoded->image;
        g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, im->pixels,
                                                           (gsize)im->stride * im->height);
        self->key = g_strdup_printf("sha256:%s", sum);
    }
}

const GlanceImage *glance_picture_get_image(GlancePicture *self, GError **error)
{
    g_mutex_lock(&self->lock);
    decode_locked(self);
    const GlanceImage *image = self->decoded ? &self->decoded->image : NULL;
    if (!image && error)
        *error = g_error_copy(self->decode_error);
    g_mutex_unlock(&self->lock);
    return image;
}

gboolean glance_picture_decode(GlancePicture *self, GError **error)
{
    return glance_picture_get_image(self, error) != NULL;
}

const guint8 *glance_picture_get_pixels(GlancePicture *self, int *width, int *height, int *stride)
{
    g_mutex_lock(&self->lock);
    const GlanceImage *image = self->decoded ? &self->decoded->image : NULL;
    g_mutex_unlock(&self->lock);
    g_return_val_if_fail(image != NULL, NULL);
    *width = image->width;
    *height = image->height;
    *stride = image->stride;
    return image->pixels;
}

const char *glance_picture_get_key(GlancePicture *self)
{
    g_mutex_lock(&self->lock);
    const char *key = self->key;
    g_mutex_unlock(&self->lock);
    return key;
}

/* glance-photo.c — decoding goes through app/glance-picture so the model sees exactly the
 * pixels `glance-cli` would give it for the same file; this class adds what is shown. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-photo.h"

/* Photos larger than this are scaled down for display only. */
#define DISPLAY_MAX_SIDE 2048

struct _GlancePhoto {
    GObject parent_instance;
    GFile *file;
    GdkTexture *source_texture;  /* pasted or dropped image data */
    char *title;
    GdkTexture *texture;         /* set on the main thread when loading finishes */
    GlancePicture *picture;      /* the pixels the model reads (app/, thread-safe) */
};

G_DEFINE_FINAL_TYPE(GlancePhoto, glance_photo, G_TYPE_OBJECT)

enum { PROP_0, PROP_TEXTURE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void glance_photo_finalize(GObject *object)
{
    GlancePhoto *self = GLANCE_PHOTO(object);
    g_clear_object(&self->file);
    g_clear_object(&self->source_texture);
    g_clear_object(&self->texture);
    g_free(self->title);
    g_clear_object(&self->picture);
    G_OBJECT_CLASS(glance_photo_parent_class)->finalize(object);
}

static void glance_photo_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GlancePhoto *self = GLANCE_PHOTO(object);
    switch (id) {
    case PROP_TEXTURE:
        g_value_set_object(value, self->texture);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_photo_class_init(GlancePhotoClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = glance_photo_finalize;
    object_class->get_property = glance_photo_get_property;
    properties[PROP_TEXTURE] = g_param_spec_object("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void glance_photo_init(GlancePhoto *self)
{
    (void)self;
}

GlancePhoto *glance_photo_new_for_file(GFile *file)
{
    GlancePhoto *self = g_object_new(GLANCE_TYPE_PHOTO, NULL);
    self->file = g_object_ref(file);
    self->picture = glance_picture_new_for_file(file);
    g_autofree char *base = g_file_get_basename(file);
    self->title = base ? g_filename_display_name(base) : g_file_get_uri(file);
    return self;
}

static GBytes *texture_png(gpointer texture, GError **error)
{
    (void)error;
    return gdk_texture_save_to_png_bytes(texture);
}

GlancePhoto *glance_photo_new_for_texture(GdkTexture *texture)
{
    GlancePhoto *self = g_object_new(GLANCE_TYPE_PHOTO, NULL);
    self->source_texture = g_object_ref(texture);
    /* PNG is lossless, so decoding it gives back the texture's own pixels. */
    self->picture = glance_picture_new_for_bytes_func(texture_png, g_object_ref(texture), g_object_unref);
    self->title = g_strdup(_("Pasted Image"));
    return self;
}

GFile *glance_photo_get_file(GlancePhoto *self) { return self->file; }
const char *glance_photo_get_title(GlancePhoto *self) { return self->title; }
GdkTexture *glance_photo_get_texture(GlancePhoto *self) { return self->texture; }
gboolean glance_photo_is_loaded(GlancePhoto *self) { return self->texture != NULL; }

GlancePicture *glance_photo_get_picture(GlancePhoto *self) { return self->picture; }

const char *glance_photo_get_key(GlancePhoto *self)
{
    return glance_picture_get_key(self->picture);
}

static GdkTexture *texture_for_picture(GlancePicture *picture)
{
    int width, height, stride;
    const guint8 *pixels = glance_picture_get_pixels(picture, &width, &height, &stride);
    g_autoptr(GBytes) bytes = g_bytes_new(pixels, (gsize)stride * height);
    g_autoptr(GdkPixbuf) full = gdk_pixbuf_new_from_bytes(bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                                          width, height, stride);
    int longest = MAX(width, height);
    if (longest <= DISPLAY_MAX_SIDE)
        return gdk_texture_new_for_pixbuf(full);
    double scale = (double)DISPLAY_MAX_SIDE / longest;
    g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple(full, MAX(1, (int)(width * scale)),
                                                         MAX(1, (int)(height * scale)),
                                                         GDK_INTERP_BILINEAR);
    return gdk_texture_new_for_pixbuf(small);
}

static void load_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)data, (void)cancellable;
    GlancePhoto *self = source;
    GError *error = NULL;
    if (!glance_picture_decode(self->picture, &error)) {
        g_task_return_error(task, error);
        return;
    }
    GdkTexture *texture = self->source_texture ? g_object_ref(self->source_texture)
                                               : texture_for_picture(self->picture);
    g_task_return_pointer(task, texture, g_object_unref);
}

void glance_photo_load_async(GlancePhoto *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_photo_load_async);
    g_task_run_in_thread(task, load_thread);
}

gboolean glance_photo_load_finish(GlancePhoto *self, GAsyncResult *result, GError **error)
{
    GdkTexture *texture = g_task_propagate_pointer(G_TASK(result), error);
    if (!texture)
        return FALSE;
    if (!self->texture) {
        self->texture = texture;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_TEXTURE]);
    } else {
        g_object_unref(texture);
    }
    return TRUE;
}

/* glance-image.c — gdk-pixbuf decoding with a pixel limit checked before any pixel is decoded. */
#include "glance-image.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

G_DEFINE_QUARK(glance-image-error-quark, glance_image_error)

typedef struct {
    int max_side;
    gboolean too_large;
    int width, height;
} SizeCheck;

static void on_size_prepared(GdkPixbufLoader *loader, int width, int height, gpointer data)
{
    SizeCheck *check = data;
    check->width = width;
    check->height = height;
    if (width <= 0 || height <= 0 || (gint64)width * height > GLANCE_IMAGE_MAX_PIXELS) {
        check->too_large = TRUE;
        /* A 0x0 request makes the PNG and JPEG loaders stop before allocating anything
         * (a 1x1 request does not: the PNG loader still decodes the full bitmap). */
        gdk_pixbuf_loader_set_size(loader, 0, 0);
        return;
    }
    int short_side = MIN(width, height);
    if (check->max_side > 0 && short_side > check->max_side) {
        double scale = (double)check->max_side / short_side;
        gdk_pixbuf_loader_set_size(loader, MAX(1, (int)(width * scale + 0.5)),
                                   MAX(1, (int)(height * scale + 0.5)));
    }
}

/* gdk-pixbuf's incremental loaders return a partly grey picture for a cut-off PNG or
 * JPEG without an error; a file that lacks its end marker is refused instead. */
static gboolean looks_complete(const guint8 *data, gsize len, GdkPixbufFormat *format)
{
    g_autofree char *name = format ? gdk_pixbuf_format_get_name(format) : NULL;
    gsize tail = MIN(len, 64);
    const guint8 *end = data + len - tail;
    if (name && !strcmp(name, "png"))
        return memmem(end, tail, "IEND", 4) != NULL;
    if (name && !strcmp(name, "jpeg"))
        return memmem(end, tail, "\xff\xd9", 2) != NULL;
    return TRUE;
}

static GlanceDecodedImage *from_pixbuf(GdkPixbuf *pixbuf)
{
    int w = gdk_pixbuf_get_width(pixbuf), h = gdk_pixbuf_get_height(pixbuf);
    int channels = gdk_pixbuf_get_n_channels(pixbuf);
    int stride = gdk_pixbuf_get_rowstride(pixbuf);
    const guint8 *src = gdk_pixbuf_read_pixels(pixbuf);
    GlanceDecodedImage *out = g_new0(GlanceDecodedImage, 1);
    out->pixels = g_malloc((gsize)w * h * 3);
    for (int y = 0; y < h; y++) {
        const guint8 *row = src + (gsize)y * stride;
        guint8 *dst = out->pixels + (gsize)y * w * 3;
        if (channels == 3) {
            memcpy(dst, row, (gsize)w * 3);
        } else {
            for (int x = 0; x < w; x++)
                memcpy(dst + x * 3, row + x * channels, 3);
        }
    }
    out->image.pixels = out->pixels;
    out->image.width = w;
    out->image.height = h;
    out->image.stride = w * 3;
    return out;
}

GlanceDecodedImage *glance_image_from_bytes(GBytes *bytes, int max_side, GError **error)
{
    SizeCheck check = { .max_side = max_side };
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new();
    g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), &check);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    g_autoptr(GError) local = NULL;
    gboolean ok = len > 0 && gdk_pixbuf_loader_write(loader, data, len, &local);
    gboolean closed = gdk_pixbuf_loader_close(loader, ok ? &local : NULL);
    if (check.too_large) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_TOO_LARGE,
                    "image is %d x %d pixels, more than the limit of %lld", check.width,
                    check.height, (long long)GLANCE_IMAGE_MAX_PIXELS);
        return NULL;
    }
    GdkPixbuf *pixbuf = ok && closed ? gdk_pixbuf_loader_get_pixbuf(loader) : NULL;
    if (pixbuf && !looks_complete(data, len, gdk_pixbuf_loader_get_format(loader))) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_DECODE,
                    "cannot decode image: the file is truncated");
        return NULL;
    }
    if (!pixbuf) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_DECODE, "cannot decode image: %s",
                    len == 0 ? "the file is empty"
                    : local ? local->message : "unknown or truncated format");
        return NULL;
    }
    /* Camera photos store their rotation in EXIF; show and embed them upright. */
    g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation(pixbuf);
    return from_pixbuf(upright ? upright : pixbuf);
}

GlanceDecodedImage *glance_image_load(const char *path, int max_side, GError **error)
{
    /* GMappedFile's "Is a directory" after an mmap attempt reads as a system fault. */
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s is a folder, not an image", path);
        return NULL;
    }
    g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, error);
    if (!file)
        return NULL;
    g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(file);
    g_autoptr(GError) local = NULL;
    GlanceDecodedImage *image = glance_image_from_bytes(bytes, max_side, &local);
    if (!image)
        g_set_error(error, local->domain, local->code, "%s: %s", path, local->message);
    return image;
}

void glance_decoded_image_free(GlanceDecodedImage *image)
{
    if (!image)
        return;
    g_free(image->pixels);
    g_free(image);
}

/* glance-image.c — gdk-pixbuf decoding at a bounded size, with the declared size checked
 * (too large, decompression bomb) before any pixel is decoded. */
#include "glance-image.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

G_DEFINE_QUARK(glance-image-error-quark, glance_image_error)

typedef struct {
    int max_side;
    gint64 file_bytes;
    GError *refused;     /* set when the declared size is refused */
} SizeCheck;

static char *format_bytes(gint64 bytes)
{
    return g_format_size_full((guint64)MAX(bytes, 0), G_FORMAT_SIZE_DEFAULT);
}

gboolean glance_image_check_size(int width, int height, gint64 file_bytes, GError **error)
{
    gint64 pixels = (gint64)width * height;
    if (width <= 0 || height <= 0) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_DECODE,
                    "the file is damaged: it says the picture is %d × %d pixels", width, height);
        return FALSE;
    }
    if (file_bytes > 0 && pixels > GLANCE_IMAGE_BOMB_MIN_PIXELS &&
        pixels / file_bytes > GLANCE_IMAGE_BOMB_PIXELS_PER_BYTE) {
        g_autofree char *size = format_bytes(file_bytes);
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_BOMB,
                    "the file claims %d × %d pixels in only %s, which only a decompression bomb does; "
                    "it was not opened", width, height, size);
        return FALSE;
    }
    if (pixels > GLANCE_IMAGE_MAX_PIXELS) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_TOO_LARGE,
                    "the photo is %d × %d pixels (%lld megapixels); Glance opens photos up to %lld megapixels",
                    width, height, (long long)(pixels / 1000000), (long long)(GLANCE_IMAGE_MAX_PIXELS / 1000000));
        return FALSE;
    }
    return TRUE;
}

static void on_size_prepared(GdkPixbufLoader *loader, int width, int height, gpointer data)
{
    SizeCheck *check = data;
    if (!glance_image_check_size(width, height, check->file_bytes, &check->refused)) {
        /* A 0x0 request makes the PNG and JPEG loaders stop before allocating anything
         * (a 1x1 request does not: the PNG loader still decodes the full bitmap). */
        gdk_pixbuf_loader_set_size(loader, 0, 0);
        return;
    }
    /* JPEG honours the request in the decoder (DCT scaling, 1/2 to 1/8); the others
     * decode whole and are scaled once, within GLANCE_IMAGE_MAX_PIXELS. */
    int short_side = MIN(width, height);
    if (short_side > check->max_side) {
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

/* gdk-pixbuf's messages ("Error interpreting JPEG image file (Not a JPEG file: starts
 * with 0x3c 0x21)") are for programmers; the reason a person can act on is one of a few. */
static const char *plain_reason(const GError *error, gsize len)
{
    if (len == 0)
        return "the file is empty";
    if (error && g_error_matches(error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
        return "the file is not a photo, or in a format Glance cannot read";
    if (error && g_error_matches(error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
        return "there is not enough memory to open it";
    return "the file is damaged or not a photo";
}

GlanceDecodedImage *glance_image_from_bytes(GBytes *bytes, int max_side, GError **error)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    SizeCheck check = { .max_side = max_side > 0 ? max_side : GLANCE_IMAGE_DEFAULT_SIDE, .file_bytes = len };
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new();
    g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), &check);
    g_autoptr(GError) local = NULL;
    gboolean ok = len > 0 && gdk_pixbuf_loader_write(loader, data, len, &local);
    gboolean closed = gdk_pixbuf_loader_close(loader, ok ? &local : NULL);
    if (check.refused) {
        g_propagate_error(error, check.refused);
        return NULL;
    }
    GdkPixbuf *pixbuf = ok && closed ? gdk_pixbuf_loader_get_pixbuf(loader) : NULL;
    if (pixbuf && !looks_complete(data, len, gdk_pixbuf_loader_get_format(loader))) {
        g_set_error(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_DECODE,
                    "the file is incomplete (truncated): it ends before the picture does");
        return NULL;
    }
    if (!pixbuf) {
        g_set_error_literal(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_DECODE, plain_reason(local, len));
        return NULL;
    }
    /* Camera photos store their rotation in EXIF; show and embed them upright. */
    g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation(pixbuf);
    return from_pixbuf(upright ? upright : pixbuf);
}

/* Errors name the file as shown: the path (CLI) or its name (a toast). */
static GlanceDecodedImage *load_file(const char *path, const char *shown, int max_side, GError **error)
{
    /* GMappedFile's "Is a directory" after an mmap attempt reads as a system fault. */
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s is a folder, not an image", shown);
        return NULL;
    }
    g_autoptr(GError) open_error = NULL;
    g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, &open_error);
    if (!file) {
        const char *reason = g_error_matches(open_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? "there is no such file"
                             : g_error_matches(open_error, G_FILE_ERROR, G_FILE_ERROR_ACCES)
                                 ? "you do not have permission to read it"
                                 : open_error->message; /* rare (EIO, ELOOP): as the system says */
        g_set_error(error, G_FILE_ERROR, open_error->code, "%s could not be read: %s", shown, reason);
        return NULL;
    }
    g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(file);
    g_autoptr(GError) local = NULL;
    GlanceDecodedImage *image = glance_image_from_bytes(bytes, max_side, &local);
    if (!image)
        g_set_error(error, local->domain, local->code, "%s could not be read: %s", shown, local->message);
    return image;
}

GlanceDecodedImage *glance_image_load(const char *path, int max_side, GError **error)
{
    return load_file(path, path, max_side, error);
}

GlanceDecodedImage *glance_image_load_named(const char *path, int max_side, GError **error)
{
    g_autofree char *name = g_filename_display_basename(path);
    return load_file(path, name, max_side, error);
}

void glance_decoded_image_free(GlanceDecodedImage *image)
{
    if (!image)
        return;
    g_free(image->pixels);
    g_free(image);
}

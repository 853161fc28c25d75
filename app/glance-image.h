/* glance-image.h — decoding user images into the engine's RGB8 form (gdk-pixbuf). */
#ifndef GLANCE_IMAGE_H
#define GLANCE_IMAGE_H
#include <glib.h>
#include "glance-engine.h"

#define GLANCE_IMAGE_ERROR (glance_image_error_quark())
GQuark glance_image_error_quark(void);
typedef enum {
    GLANCE_IMAGE_ERROR_DECODE,    /* damaged, cut off, empty or not an image          */
    GLANCE_IMAGE_ERROR_TOO_LARGE, /* more pixels than GLANCE_IMAGE_MAX_PIXELS          */
    GLANCE_IMAGE_ERROR_BOMB,      /* a small file claiming a huge size (decompression bomb) */
} GlanceImageErrorCode;

/* Photos up to this many pixels open (a 250-megapixel panorama does); bigger ones are
 * refused before any pixel is decoded. */
#define GLANCE_IMAGE_MAX_PIXELS (300LL * 1000 * 1000)
/* A file that claims more than this many pixels per byte of file, above
 * GLANCE_IMAGE_BOMB_MIN_PIXELS, is a decompression bomb: even a flat-colour PNG needs
 * about a byte per 300 pixels, a flat JPEG one per 100. */
#define GLANCE_IMAGE_BOMB_PIXELS_PER_BYTE 2000
#define GLANCE_IMAGE_BOMB_MIN_PIXELS (16LL * 1000 * 1000)
/* max_side 0 decodes at most this many pixels on the short side: what the models and
 * the viewer need (a 12-megapixel photo, 4000 x 3000, is decoded whole; a 108-megapixel
 * one at a reduced scale, JPEG's DCT scaling, so memory stays bounded). */
#define GLANCE_IMAGE_DEFAULT_SIDE 3072

typedef struct {
    GlanceImage image;   /* points into pixels */
    guint8 *pixels;      /* owned, tightly packed RGB8 */
} GlanceDecodedImage;

/* Decodes any format gdk-pixbuf reads; alpha is composited on white.
 * An image whose short side is above max_side (GLANCE_IMAGE_DEFAULT_SIDE for 0) is
 * decoded at reduced size, JPEG in the decoder itself (the result keeps its aspect
 * ratio and is max_side on its short side). Errors are worded for a person: the path
 * (glance_image_load) or nothing (from_bytes) followed by what is wrong in plain words. */
/* Whether an image that declares width x height pixels in a file of file_bytes may be
 * decoded: FALSE with GLANCE_IMAGE_ERROR_TOO_LARGE or _BOMB (a message without the path). */
gboolean glance_image_check_size(int width, int height, gint64 file_bytes, GError **error);
GlanceDecodedImage *glance_image_load(const char *path, int max_side, GError **error);
/* The same, its errors naming the file by its name ("beach.jpg could not be read: the file
 * is damaged or not a photo"): for a toast. */
GlanceDecodedImage *glance_image_load_named(const char *path, int max_side, GError **error);
GlanceDecodedImage *glance_image_from_bytes(GBytes *bytes, int max_side, GError **error);
void glance_decoded_image_free(GlanceDecodedImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceDecodedImage, glance_decoded_image_free)
#endif

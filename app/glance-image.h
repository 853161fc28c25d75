/* glance-image.h — decoding user images into the engine's RGB8 form (gdk-pixbuf). */
#ifndef GLANCE_IMAGE_H
#define GLANCE_IMAGE_H
#include <glib.h>
#include "glance-engine.h"

#define GLANCE_IMAGE_ERROR (glance_image_error_quark())
GQuark glance_image_error_quark(void);
typedef enum { GLANCE_IMAGE_ERROR_DECODE, GLANCE_IMAGE_ERROR_TOO_LARGE } GlanceImageErrorCode;

/* Images above this many pixels are refused before decoding (decompression bombs). */
#define GLANCE_IMAGE_MAX_PIXELS (100LL * 1000 * 1000)

typedef struct {
    GlanceImage image;   /* points into pixels */
    guint8 *pixels;      /* owned, tightly packed RGB8 */
} GlanceDecodedImage;

/* Decodes any format gdk-pixbuf reads; alpha is composited on white.
 * max_side > 0 asks the loader to decode at reduced size where it can
 * (the result keeps its aspect ratio and is at least max_side on its short side). */
GlanceDecodedImage *glance_image_load(const char *path, int max_side, GError **error);
GlanceDecodedImage *glance_image_from_bytes(GBytes *bytes, int max_side, GError **error);
void glance_decoded_image_free(GlanceDecodedImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceDecodedImage, glance_decoded_image_free)
#endif

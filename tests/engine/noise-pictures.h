/* noise-pictures.h — small pictures of hashed bytes, all different, for tests that need
 * several images (test-batch.c, test-memory.c). */
#ifndef GLANCE_TEST_NOISE_PICTURES_H
#define GLANCE_TEST_NOISE_PICTURES_H
#include "glance-engine.h"
#include <glib.h>

static inline guint8 *make_picture(int w, int h, int seed)
{
    guint8 *p = g_malloc((gsize)w * h * 3);
    for (int i = 0; i < w * h * 3; i++)
        p[i] = (guint8)(((i + seed * 7919) * 2654435761u) >> 24);
    return p;
}

/* count pictures of 40x30, 53x37, 66x44 ...: pixels[i] to g_free, images[i] over them. */
static inline void make_pictures(int count, guint8 **pixels, GlanceImage *images)
{
    for (int i = 0; i < count; i++) {
        int w = 40 + 13 * i, h = 30 + 7 * i;
        pixels[i] = make_picture(w, h, i);
        images[i] = (GlanceImage){ pixels[i], w, h, 3 * w };
    }
}

#endif

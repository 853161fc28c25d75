/* glance-where-overlay.c — the map of where an answer looked, coloured and laid over
 * the photo. */
#include "glance-where-overlay.h"
#include <math.h>

/* viridis (matplotlib) at 33 evenly spaced points; linear between them. */
static const guint8 viridis[33][3] = {
    { 68, 1, 84 },
    { 71, 13, 96 },
    { 72, 24, 106 },
    { 72, 35, 116 },
    { 71, 45, 123 },
    { 69, 55, 129 },
    { 66, 64, 134 },
    { 62, 73, 137 },
    { 59, 82, 139 },
    { 55, 91, 141 },
    { 51, 99, 141 },
    { 47, 107, 142 },
    { 44, 114, 142 },
    { 41, 122, 142 },
    { 38, 130, 142 },
    { 35, 137, 142 },
    { 33, 145, 140 },
    { 31, 152, 139 },
    { 31, 160, 136 },
    { 34, 167, 133 },
    { 40, 174, 128 },
    { 50, 182, 122 },
    { 63, 188, 115 },
    { 78, 195, 107 },
    { 94, 201, 98 },
    { 112, 207, 87 },
    { 132, 212, 75 },
    { 152, 216, 62 },
    { 173, 220, 48 },
    { 194, 223, 35 },
    { 216, 226, 25 },
    { 236, 229, 27 },
    { 253, 231, 37 }
};

void glance_where_overlay_colour(double v, guint8 rgb[3])
{
    v = CLAMP(v, 0.0, 1.0) * 32.0;
    int i = MIN((int)v, 31);
    double t = v - i;
    for (int ch = 0; ch < 3; ch++)
        rgb[ch] = (guint8)lround((1.0 - t) * viridis[i][ch] + t * viridis[i + 1][ch]);
}

/* The map at a point of the grid in patch units, patch centres at k + 0.5: bilinear,
 * held flat beyond the outer centres. */
static double sample(const GlanceWhere *where, double gy, double gx)
{
    double y = CLAMP(gy - 0.5, 0.0, where->rows - 1.0), x = CLAMP(gx - 0.5, 0.0, where->cols - 1.0);
    int y0 = MIN((int)y, where->rows - 1), x0 = MIN((int)x, where->cols - 1);
    int y1 = MIN(y0 + 1, where->rows - 1), x1 = MIN(x0 + 1, where->cols - 1);
    double ty = y - y0, tx = x - x0;
    const float *w = where->weights;
    double top = (1 - tx) * w[y0 * where->cols + x0] + tx * w[y0 * where->cols + x1];
    double bottom = (1 - tx) * w[y1 * where->cols + x0] + tx * w[y1 * where->cols + x1];
    return (1 - ty) * top + ty * bottom;
}

GdkPixbuf *glance_where_overlay_layer(const GlanceWhere *where, int width, int height, double opacity)
{
    g_return_val_if_fail(where && where->rows > 0 && where->cols > 0, NULL);
    if (width < 1 || height < 1)
        return NULL;
    GdkPixbuf *layer = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, width, height);
    if (!layer)
        return NULL;
    float top = 0.0f;
    for (int i = 0; i < where->rows * where->cols; i++)
        top = MAX(top, where->weights[i]);
    int stride = gdk_pixbuf_get_rowstride(layer);
    guint8 *pixels = gdk_pixbuf_get_pixels(layer);
    for (int y = 0; y < height; y++) {
        guint8 *px = pixels + (gsize)y * stride;
        double gy = (y + 0.5) * where->rows / height;
        for (int x = 0; x < width; x++, px += 4) {
            double v = sample(where, gy, (x + 0.5) * where->cols / width);
            v = top > 0.0f ? v / top : 0.0;
            glance_where_overlay_colour(v, px);
            /* Fainter where the map is low, so the photo stays readable around what it
             * looked at (a colour question is about those pixels). */
            px[3] = (guint8)lround(CLAMP(opacity, 0.0, 1.0) * (0.3 + 0.7 * v) * 255.0);
        }
    }
    return layer;
}

GdkPixbuf *glance_where_overlay_photo(GdkPixbuf *photo, const GlanceWhere *where, double opacity)
{
    int width = gdk_pixbuf_get_width(photo), height = gdk_pixbuf_get_height(photo);
    g_autoptr(GdkPixbuf) layer = glance_where_overlay_layer(where, width, height, opacity);
    GdkPixbuf *out = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, width, height);
    if (!layer || !out) {
        g_clear_object(&out);
        return NULL;
    }
    /* A photo with alpha is first laid on white, as the model saw it. */
    gdk_pixbuf_fill(out, 0xffffffff);
    gdk_pixbuf_composite(photo, out, 0, 0, width, height, 0, 0, 1, 1, GDK_INTERP_NEAREST, 255);
    gdk_pixbuf_composite(layer, out, 0, 0, width, height, 0, 0, 1, 1, GDK_INTERP_NEAREST, 255);
    return out;
}

/* glance-where-overlay.h — drawing where an answer looked over the photo: the map in
 * viridis (perceptually uniform, readable with every common colour-vision deficiency),
 * semi-transparent (most opaque where the map is highest), stretched back over the photo's own aspect (the model saw the photo
 * squeezed into a square, so the grid spans the whole photo) and upsampled smoothly.
 * Shared by `glance-cli --where-image` and the GUI's overlay picture. */
#ifndef GLANCE_WHERE_OVERLAY_H
#define GLANCE_WHERE_OVERLAY_H
#include <gdk-pixbuf/gdk-pixbuf.h>
#include "glance-where.h"

G_BEGIN_DECLS

/* How opaque the map is laid over a photo by default. */
#define GLANCE_WHERE_OVERLAY_OPACITY 0.55

/* The colour map at v in [0, 1] (clamped): viridis, dark purple to yellow. */
void glance_where_overlay_colour(double v, guint8 rgb[3]);

/* A width x height RGBA layer: the map bilinearly interpolated between patch centres,
 * scaled so its highest patch is the top of the colour map (v = 1); alpha is
 * opacity * (0.3 + 0.7 v), so the photo shows through where the map is low.
 * NULL for an empty size. */
GdkPixbuf *glance_where_overlay_layer(const GlanceWhere *where, int width, int height, double opacity);

/* The photo (any pixbuf) with the layer composited over it, as a new RGB pixbuf of the
 * photo's size. */
GdkPixbuf *glance_where_overlay_photo(GdkPixbuf *photo, const GlanceWhere *where, double opacity);

G_END_DECLS
#endif

/* glance-where-overlay-picture.h — a photo with the map of where an answer looked laid
 * over it (app/glance-where-overlay.h draws the map), shown or hidden by "show-where":
 * the picture behind "Show Where It Looked". The photo is fitted inside the widget
 * keeping its aspect; the map covers exactly the photo (the model saw it squeezed to a
 * square, so the map's grid spans the whole photo). */
#ifndef GLANCE_WHERE_OVERLAY_PICTURE_H
#define GLANCE_WHERE_OVERLAY_PICTURE_H
#include <gtk/gtk.h>
#include "glance-where.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_WHERE_OVERLAY_PICTURE (glance_where_overlay_picture_get_type())
G_DECLARE_FINAL_TYPE(GlanceWhereOverlayPicture, glance_where_overlay_picture, GLANCE, WHERE_OVERLAY_PICTURE,
                     GtkWidget)

GtkWidget *glance_where_overlay_picture_new(void);
/* The photo ("paintable"; NULL: nothing drawn). */
void glance_where_overlay_picture_set_paintable(GlanceWhereOverlayPicture *self, GdkPaintable *paintable);
GdkPaintable *glance_where_overlay_picture_get_paintable(GlanceWhereOverlayPicture *self);
/* The map ("where", copied; NULL: none, e.g. while a new answer is computed). */
void glance_where_overlay_picture_set_where(GlanceWhereOverlayPicture *self, const GlanceWhere *where);
const GlanceWhere *glance_where_overlay_picture_get_where(GlanceWhereOverlayPicture *self);
/* Whether the map is drawn ("show-where", default FALSE); nothing is drawn without a map. */
void glance_where_overlay_picture_set_show_where(GlanceWhereOverlayPicture *self, gboolean show);
gboolean glance_where_overlay_picture_get_show_where(GlanceWhereOverlayPicture *self);
/* TRUE when the next frame draws the map: show-where, a map and a photo. */
gboolean glance_where_overlay_picture_get_drawing_where(GlanceWhereOverlayPicture *self);

G_END_DECLS
#endif

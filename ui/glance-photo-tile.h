/* glance-photo-tile.h — a search result in the grid: its thumbnail, loaded lazily while the
 * tile is bound, and its score and a "find similar" button on hover. */
#ifndef GLANCE_PHOTO_TILE_H
#define GLANCE_PHOTO_TILE_H
#include <gtk/gtk.h>
#include "glance-photo-item.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_PHOTO_TILE (glance_photo_tile_get_type())
G_DECLARE_FINAL_TYPE(GlancePhotoTile, glance_photo_tile, GLANCE, PHOTO_TILE, GtkWidget)

GtkWidget *glance_photo_tile_new(void);
/* Binds an item (NULL unbinds), cancelling the previous item's thumbnail if still loading. */
void glance_photo_tile_set_item(GlancePhotoTile *self, GlancePhotoItem *item);
GlancePhotoItem *glance_photo_tile_get_item(GlancePhotoTile *self);

G_END_DECLS
#endif

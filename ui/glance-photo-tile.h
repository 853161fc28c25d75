/* glance-photo-tile.h — a search result in the grid: its thumbnail, loaded lazily while the
 * tile is bound, its score and a "find similar" button on hover, and its menu. */
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
/* Opens the photo's menu (Ask, Compare, Find Similar, Open With, Show in Files) at (x, y)
 * in the tile, or under its centre when x or y is negative; a right-click, a long press,
 * Shift+F10 and the Menu key open it. */
void glance_photo_tile_popup_menu(GlancePhotoTile *self, double x, double y);

G_END_DECLS
#endif

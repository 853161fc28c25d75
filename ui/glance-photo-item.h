/* glance-photo-item.h — one search result: a photo, its score, and its thumbnail once loaded. */
#ifndef GLANCE_PHOTO_ITEM_H
#define GLANCE_PHOTO_ITEM_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_PHOTO_ITEM (glance_photo_item_get_type())
G_DECLARE_FINAL_TYPE(GlancePhotoItem, glance_photo_item, GLANCE, PHOTO_ITEM, GObject)

GlancePhotoItem *glance_photo_item_new(const char *path, double score);
const char *glance_photo_item_get_path(GlancePhotoItem *self);
const char *glance_photo_item_get_title(GlancePhotoItem *self);
double glance_photo_item_get_score(GlancePhotoItem *self);
GdkTexture *glance_photo_item_get_thumbnail(GlancePhotoItem *self);
void glance_photo_item_set_thumbnail(GlancePhotoItem *self, GdkTexture *thumbnail);

G_END_DECLS
#endif

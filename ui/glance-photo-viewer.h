/* glance-photo-viewer.h — one search result seen large: the photo fitted to the window and
 * zoomable, its details (path, date taken, size, camera), its actions (Ask, Compare, Find
 * Similar, Open With, Show in Files), and the previous and next results. A modal window
 * over the main one, as GNOME Photos' preview sits over its grid: Escape returns to the
 * results as they were. */
#ifndef GLANCE_PHOTO_VIEWER_H
#define GLANCE_PHOTO_VIEWER_H
#include <adwaita.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_PHOTO_VIEWER (glance_photo_viewer_get_type())
G_DECLARE_FINAL_TYPE(GlancePhotoViewer, glance_photo_viewer, GLANCE, PHOTO_VIEWER, AdwWindow)

/* Shows results[position] (a GListModel of GlancePhotoItem) over `source`'s window. The
 * actions Ask, Compare and Find Similar run as source's page.ask-about, page.compare and
 * page.find-similar (each with the photo's path), then the viewer closes. */
GlancePhotoViewer *glance_photo_viewer_new(GtkWidget *source, GListModel *results, guint position);
guint glance_photo_viewer_get_position(GlancePhotoViewer *self);
const char *glance_photo_viewer_get_path(GlancePhotoViewer *self);
/* The picture shown: a texture decoded at most at the monitor's size; NULL while loading. */
GdkTexture *glance_photo_viewer_get_texture(GlancePhotoViewer *self);
/* 0 when the photo is fitted to the window, else pixels shown per photo pixel. */
double glance_photo_viewer_get_zoom(GlancePhotoViewer *self);
/* The words of the search the results came from (NULL: none, e.g. a search by a photo):
 * "Why This Result?" lays the map of image-text matching with them over the photo. */
void glance_photo_viewer_set_search_text(GlancePhotoViewer *self, const char *text);
/* TRUE while that map is being made. */
gboolean glance_photo_viewer_is_matching(GlancePhotoViewer *self);

G_END_DECLS
#endif

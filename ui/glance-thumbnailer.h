/* glance-thumbnailer.h — thumbnails for the search results, loaded on two worker threads,
 * the most recently requested first (what scrolled into view last), and kept in a small
 * cache. Cancelled requests (tiles scrolled away) are skipped without decoding. */
#ifndef GLANCE_THUMBNAILER_H
#define GLANCE_THUMBNAILER_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_THUMBNAILER (glance_thumbnailer_get_type())
G_DECLARE_FINAL_TYPE(GlanceThumbnailer, glance_thumbnailer, GLANCE, THUMBNAILER, GObject)

GlanceThumbnailer *glance_thumbnailer_get_default(void);
/* A cached thumbnail, or NULL. Main thread. */
GdkTexture *glance_thumbnailer_lookup(GlanceThumbnailer *self, const char *path);
void glance_thumbnailer_load_async(GlanceThumbnailer *self, const char *path, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GdkTexture *glance_thumbnailer_load_finish(GlanceThumbnailer *self, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

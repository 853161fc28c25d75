/* glance-search-page.h — the photo library: folders, background indexing, search as you
 * type, and a grid of results that open in Ask or find similar photos. */
#ifndef GLANCE_SEARCH_PAGE_H
#define GLANCE_SEARCH_PAGE_H
#include <adwaita.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_SEARCH_PAGE (glance_search_page_get_type())
G_DECLARE_FINAL_TYPE(GlanceSearchPage, glance_search_page, GLANCE, SEARCH_PAGE, GtkWidget)

/* TRUE while the library is being opened or indexed. */
gboolean glance_search_page_is_indexing(GlanceSearchPage *self);
/* Index jobs that have run to completion since the page was created. */
guint glance_search_page_get_completed_index_runs(GlanceSearchPage *self);
/* The results shown (GlancePhotoItem), best first. */
GListModel *glance_search_page_get_results(GlanceSearchPage *self);

G_END_DECLS
#endif

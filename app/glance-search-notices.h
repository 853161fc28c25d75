/* glance-search-notices.h — the notices of a library search (glance-notices.h), judged
 * from its results one way for `glance-cli search` and the Search page. */
#ifndef GLANCE_SEARCH_NOTICES_H
#define GLANCE_SEARCH_NOTICES_H
#include <gio/gio.h>
#include "glance-library-search.h"

G_BEGIN_DECLS

/* results: what glance_library_search() returned (GlanceSearchResult *, re-ranked or
 * not). Of GlanceNotice; NULL with an error when a query image cannot be read. */
GPtrArray *glance_search_notices(GlanceLibrary *library, GlanceQuery *query, GPtrArray *results,
                                 GError **error);
/* The same in a GTask thread (query and results referenced). */
void glance_search_notices_async(GlanceLibrary *library, GlanceQuery *query, GPtrArray *results,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *glance_search_notices_finish(GlanceLibrary *library, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

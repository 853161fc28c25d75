/* glance-library-search.h — finding photos by text or example image.
 *
 * The serving model's vectors are held in one contiguous matrix, loaded on the first
 * search and topped up incrementally as indexing adds rows (the serving model is the
 * current one, or the previous one while the current one is re-indexing: see
 * glance_library_set_model); a search is one BLAS
 * matrix-vector product and a top-k selection. Only photos whose files still exist
 * are returned. The best candidates can be re-ranked with the fusion encoder's
 * image-text matching head, as VLMo itself does after dual-encoder retrieval. */
#ifndef GLANCE_LIBRARY_SEARCH_H
#define GLANCE_LIBRARY_SEARCH_H
#include "glance-library.h"
#include "glance-query.h"

G_BEGIN_DECLS

typedef struct {
    int limit;            /* results wanted; 0: 20                                         */
    int rerank;           /* re-rank this many top candidates with ITM; 0: off            */
    char **folders;       /* only photos under one of these folders; NULL: anywhere        */
    char **types;         /* only these formats ("jpeg", "png"; extensions such as "jpg"
                             work too); NULL: any                                          */
    gint64 taken_after;   /* unix seconds, inclusive; G_MININT64: no bound                 */
    gint64 taken_before;  /* unix seconds, exclusive; G_MAXINT64: no bound                 */
} GlanceSearchOptions;

/* Default options: limit 20, no re-ranking, no filters. */
void glance_search_options_init(GlanceSearchOptions *options);

typedef struct {
    char *path;
    double score;        /* what the results are ordered by: rerank_score when re-ranked,
                            else itc_score                                                 */
    double itc_score;    /* cosine similarity of the photo's vector and the query vector   */
    double rerank_score; /* weighted ITM match probability of the query's texts; NAN when
                            the photo was not re-ranked                                    */
    gint64 taken;        /* unix seconds: EXIF date the photo was taken, else file mtime   */
    gboolean taken_from_exif;
    char *format;        /* gdk-pixbuf format name, e.g. "jpeg"                           */
} GlanceSearchResult;
void glance_search_result_free(GlanceSearchResult *result);

/* Best first (GlanceSearchResult *, freed with the array). An empty array when nothing
 * matches or no photo has a vector of the serving model. */
GPtrArray *glance_library_search(GlanceLibrary *library, GlanceQuery *query,
                                 const GlanceSearchOptions *options, GCancellable *cancellable,
                                 GError **error);
/* The same in a GTask thread; query is referenced and options copied. */
void glance_library_search_async(GlanceLibrary *library, GlanceQuery *query,
                                 const GlanceSearchOptions *options, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *glance_library_search_finish(GlanceLibrary *library, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

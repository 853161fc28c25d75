/* glance-search-notices.c — a search is judged by its best dual-encoder (ITC) score, the
 * score the match threshold was calibrated on, even when re-ranking reordered it. */
#include "glance-search-notices.h"
#include "glance-notices.h"
#include <math.h>

GPtrArray *glance_search_notices(GlanceLibrary *library, GlanceQuery *query, GPtrArray *results, GError **error)
{
    double best = NAN;
    for (guint i = 0; i < results->len; i++) {
        double score = ((GlanceSearchResult *)results->pdata[i])->itc_score;
        best = isnan(best) ? score : MAX(best, score);
    }
    return glance_notices_for_search(glance_library_get_model(library), query, best, error);
}

typedef struct {
    GlanceQuery *query;
    GPtrArray *results;
} JudgeData;

static void judge_data_free(gpointer data)
{
    JudgeData *d = data;
    glance_query_unref(d->query);
    g_ptr_array_unref(d->results);
    g_free(d);
}

static void judge_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)cancellable;
    JudgeData *d = data;
    GError *error = NULL;
    GPtrArray *notices = glance_search_notices(source, d->query, d->results, &error);
    if (notices)
        g_task_return_pointer(task, notices, (GDestroyNotify)g_ptr_array_unref);
    else
        g_task_return_error(task, error);
}

void glance_search_notices_async(GlanceLibrary *library, GlanceQuery *query, GPtrArray *results,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    JudgeData *d = g_new0(JudgeData, 1);
    d->query = glance_query_ref(query);
    d->results = g_ptr_array_ref(results);
    g_autoptr(GTask) task = g_task_new(library, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_search_notices_async);
    g_task_set_task_data(task, d, judge_data_free);
    g_task_run_in_thread(task, judge_thread);
}

GPtrArray *glance_search_notices_finish(GlanceLibrary *library, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* glance-history-async.c — the history calls in a GTask thread, for the GUI: each opens
 * its own connection, so they may run while a search or an index job does. */
#include "glance-history.h"
#include <gio/gio.h>

typedef struct {
    char *db_path;
    char *image_key;
    char *question;     /* add */
    char *answer;       /* add */
    double score;       /* add */
    guint limit;        /* list */
} HistoryCall;

static void history_call_free(HistoryCall *call)
{
    g_free(call->db_path);
    g_free(call->image_key);
    g_free(call->question);
    g_free(call->answer);
    g_free(call);
}

static HistoryCall *history_call_new(const char *db_path, const char *image_key)
{
    HistoryCall *call = g_new0(HistoryCall, 1);
    call->db_path = g_strdup(db_path);
    call->image_key = g_strdup(image_key);
    return call;
}

static void run(HistoryCall *call, gpointer source_tag, GTaskThreadFunc func, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, source_tag);
    g_task_set_return_on_cancel(task, TRUE);   /* a stale listing is not waited for */
    g_task_set_task_data(task, call, (GDestroyNotify)history_call_free);
    g_task_run_in_thread(task, func);
}

static void return_boolean(GTask *task, gboolean ok, GError *error)
{
    if (ok)
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void add_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    HistoryCall *call = data;
    GError *error = NULL;
    return_boolean(task, glance_history_add(call->db_path, call->image_key, call->question, call->answer,
                                            call->score, &error), error);
}

void glance_history_add_async(const char *db_path, const char *image_key, const char *question,
                              const char *answer, double score, GAsyncReadyCallback callback, gpointer user_data)
{
    HistoryCall *call = history_call_new(db_path, image_key);
    call->question = g_strdup(question);
    call->answer = g_strdup(answer);
    call->score = score;
    run(call, glance_history_add_async, add_thread, NULL, callback, user_data);
}

static void clear_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    HistoryCall *call = data;
    GError *error = NULL;
    return_boolean(task, glance_history_clear(call->db_path, call->image_key, &error), error);
}

void glance_history_clear_async(const char *db_path, const char *image_key, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    run(history_call_new(db_path, image_key), glance_history_clear_async, clear_thread, NULL, callback, user_data);
}

gboolean glance_history_edit_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

static void list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    HistoryCall *call = data;
    GError *error = NULL;
    GPtrArray *entries = glance_history_list(call->db_path, call->image_key, call->limit, &error);
    if (entries)
        g_task_return_pointer(task, entries, (GDestroyNotify)g_ptr_array_unref);
    else
        g_task_return_error(task, error);
}

void glance_history_list_async(const char *db_path, const char *image_key, guint limit, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
    HistoryCall *call = history_call_new(db_path, image_key);
    call->limit = limit;
    run(call, glance_history_list_async, list_thread, cancellable, callback, user_data);
}

GPtrArray *glance_history_list_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* glance-library-status.c — counts and the serving model, in one call; the failures list. */
#include "glance-library-status.h"

gboolean glance_library_get_status(GlanceLibrary *library, GlanceLibraryStatus *status, GError **error)
{
    if (!glance_library_get_counts(library, &status->counts, error))
        return FALSE;
    g_autofree char *serving = glance_library_dup_serving_model_id(library, error);
    if (!serving)
        return FALSE;
    status->previous_model_serves = g_strcmp0(serving, glance_library_get_model_id(library)) != 0;
    return TRUE;
}

static void status_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)data, (void)cancellable;
    GlanceLibraryStatus *status = g_new0(GlanceLibraryStatus, 1);
    GError *error = NULL;
    if (glance_library_get_status(source, status, &error)) {
        g_task_return_pointer(task, status, g_free);
    } else {
        g_free(status);
        g_task_return_error(task, error);
    }
}

void glance_library_get_status_async(GlanceLibrary *library, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(library, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_library_get_status_async);
    g_task_run_in_thread(task, status_thread);
}

gboolean glance_library_get_status_finish(GlanceLibrary *library, GAsyncResult *result,
                                          GlanceLibraryStatus *status, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), FALSE);
    g_autofree GlanceLibraryStatus *out = g_task_propagate_pointer(G_TASK(result), error);
    if (!out)
        return FALSE;
    *status = *out;
    return TRUE;
}

static void list_failures_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)cancellable;
    GError *error = NULL;
    GPtrArray *failures = glance_library_list_failures_in(source, data, &error);
    if (failures)
        g_task_return_pointer(task, failures, (GDestroyNotify)g_ptr_array_unref);
    else
        g_task_return_error(task, error);
}

/* A GTask over the library with a copy of folders as its data, run in a thread. */
static void run_on_folders(GlanceLibrary *library, const char *const *folders, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data, gpointer source_tag,
                           GTaskThreadFunc thread)
{
    g_autoptr(GTask) task = g_task_new(library, cancellable, callback, user_data);
    g_task_set_source_tag(task, source_tag);
    g_task_set_task_data(task, g_strdupv((char **)folders), (GDestroyNotify)g_strfreev);
    g_task_run_in_thread(task, thread);
}

void glance_library_list_failures_async(GlanceLibrary *library, const char *const *folders,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
    run_on_folders(library, folders, cancellable, callback, user_data, glance_library_list_failures_async,
                   list_failures_thread);
}

GPtrArray *glance_library_list_failures_finish(GlanceLibrary *library, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static void forget_failures_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)cancellable;
    GError *error = NULL;
    if (glance_library_forget_failures(source, data, &error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

void glance_library_forget_failures_async(GlanceLibrary *library, const char *const *folders,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
    run_on_folders(library, folders, cancellable, callback, user_data, glance_library_forget_failures_async,
                   forget_failures_thread);
}

gboolean glance_library_forget_failures_finish(GlanceLibrary *library, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

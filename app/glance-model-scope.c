/* glance-model-scope.c — the scope is metadata: opening the model maps it without
 * reading its weights. */
#include "glance-model-scope.h"
#include "glance-model-handle.h"
#include "glance-notices.h"

char *glance_model_scope_read(const char *model_path, GError **error)
{
    g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(model_path, error);
    if (!handle)
        return NULL;
    const char *scope = glance_model_metadata(glance_model_handle_get_model(handle), GLANCE_META_SCOPE);
    return scope && *scope ? g_strdup(glance_notices_translate_scope(scope)) : NULL;
}

static void read_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    GError *error = NULL;
    char *scope = glance_model_scope_read(data, &error);
    if (error)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, scope, g_free);
}

void glance_model_scope_read_async(const char *model_path, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_scope_read_async);
    g_task_set_task_data(task, g_strdup(model_path), g_free);
    g_task_run_in_thread(task, read_thread);
}

char *glance_model_scope_read_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

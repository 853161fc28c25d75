/* glance-library-open.c — the database first (a library that is not there is the
 * clearer error), then the retrieval model, then set_model hashes it (cached). */
#include "glance-library-open.h"
#include "glance-library-private.h"
#include "glance-model-handle.h"
#include "glance-paths.h"
#include "glance-task-model.h"

GlanceLibrary *glance_library_open_with_model(const GlanceLibraryOpenOptions *options, GError **error)
{
    g_autofree char *db = options->db_path ? g_strdup(options->db_path) : glance_paths_default_db();
    g_autoptr(GlanceLibrary) library = glance_library_open(db, options->create, error);
    if (!library)
        return NULL;
    g_autofree char *path = glance_task_model_path(NULL, options->model_arg, GLANCE_MODEL_TASK_RETRIEVAL, error);
    if (!path)
        return NULL;
    GlanceModelHandle *handle = glance_model_handle_open(path, error);
    if (!handle)
        return NULL;
    glance_model_handle_set_threads(handle, options->threads);
    if (!glance_library_set_model(library, glance_model_handle_get_model(handle), path, error)) {
        glance_model_handle_unref(handle);
        return NULL;
    }
    g_mutex_lock(&library->lock);
    glance_model_handle_unref(library->model_handle);
    library->model_handle = handle;
    g_mutex_unlock(&library->lock);
    return g_steal_pointer(&library);
}

char *glance_library_dup_model_path(GlanceLibrary *library)
{
    g_mutex_lock(&library->lock);
    char *path = g_strdup(library->model_path);
    g_mutex_unlock(&library->lock);
    return path;
}

typedef struct {
    GlanceLibraryOpenOptions options;
    char *db_path, *model_arg;   /* what options point at */
} OpenRequest;

static void open_request_free(OpenRequest *request)
{
    g_free(request->db_path);
    g_free(request->model_arg);
    g_free(request);
}

static void open_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    OpenRequest *request = data;
    GError *error = NULL;
    GlanceLibrary *library = glance_library_open_with_model(&request->options, &error);
    if (library)
        g_task_return_pointer(task, library, g_object_unref);
    else
        g_task_return_error(task, error);
}

void glance_library_open_with_model_async(const GlanceLibraryOpenOptions *options, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
    OpenRequest *request = g_new0(OpenRequest, 1);
    request->options = *options;
    request->options.db_path = request->db_path = g_strdup(options->db_path);
    request->options.model_arg = request->model_arg = g_strdup(options->model_arg);
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_library_open_with_model_async);
    g_task_set_task_data(task, request, (GDestroyNotify)open_request_free);
    g_task_run_in_thread(task, open_thread);
}

GlanceLibrary *glance_library_open_with_model_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

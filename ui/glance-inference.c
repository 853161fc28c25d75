/* glance-inference.c — a registry snapshot on the main thread (so choosing a model path
 * costs no I/O), a file monitor to keep it fresh, and error wording for the window. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-inference.h"
#include "glance-model-registry.h"
#include "glance-paths.h"

struct _GlanceInference {
    GObject parent_instance;
    GSettings *settings;
    GlanceModelRegistry *registry;   /* main-thread snapshot of models.json */
    GFileMonitor *registry_monitor;
    GlanceTaskRunner *runner;
};

G_DEFINE_FINAL_TYPE(GlanceInference, glance_inference, G_TYPE_OBJECT)

enum { SIGNAL_MODELS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

char *glance_inference_dup_model_path(GlanceInference *self, GlanceModelTask task)
{
    char *path = self->registry ? glance_task_model_path(self->registry, NULL, task, NULL) : NULL;
    return path ? path : glance_paths_default_model();   /* a damaged registry: the bundled model */
}

gboolean glance_inference_uses_bundled_model(GlanceInference *self, GlanceModelTask task)
{
    return !self->registry || !glance_model_registry_get_default(self->registry, glance_model_task_name(task));
}

int glance_inference_get_threads(GlanceInference *self)
{
    return g_settings_get_int(self->settings, "threads");
}

static void reload_registry(GlanceInference *self)
{
    g_autoptr(GError) error = NULL;
    if (!self->registry)
        self->registry = glance_model_registry_load(NULL, &error);
    else if (!glance_model_registry_reload(self->registry, &error))
        g_clear_pointer(&self->registry, glance_model_registry_free);
    if (error)
        g_warning("%s", error->message);   /* a damaged registry: the bundled model serves */
}

void glance_inference_reload_models(GlanceInference *self)
{
    reload_registry(self);
    g_signal_emit(self, signals[SIGNAL_MODELS_CHANGED], 0);
}

static void on_registry_changed(GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                                gpointer data)
{
    (void)monitor, (void)file, (void)other;
    if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED &&
        event != G_FILE_MONITOR_EVENT_DELETED && event != G_FILE_MONITOR_EVENT_RENAMED &&
        event != G_FILE_MONITOR_EVENT_MOVED_IN)
        return;
    glance_inference_reload_models(data);
}

void glance_inference_prepare(GlanceInference *self, GlanceModelTask task)
{
    g_autofree char *path = glance_inference_dup_model_path(self, task);
    glance_task_runner_prepare(self->runner, path);
}

/* The runner's error, worded for the window: which model is at fault and what to do. */
static void reword_error(GError **error, const char *model_path, GlanceModelTask task)
{
    if (!*error || (*error)->domain != GLANCE_TASK_RUNNER_ERROR)
        return;
    g_autoptr(GError) original = g_steal_pointer(error);
    switch (original->code) {
    case GLANCE_TASK_RUNNER_ERROR_MODEL_MISSING:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    _("The model file “%s” is missing. Choose or import a model in Preferences."), model_path);
        break;
    case GLANCE_TASK_RUNNER_ERROR_NO_HEAD:
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, task == GLANCE_MODEL_TASK_VQA
            ? _("This model cannot answer questions. Choose another model for questions in Preferences.")
            : task == GLANCE_MODEL_TASK_NLVR2
            ? _("This model cannot judge statements about two images. Choose another model for comparing in Preferences.")
            : _("This model cannot match photos with text. Choose another model for search in Preferences."));
        break;
    default:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Cannot open the model: %s"), original->message);
    }
}

/* A pass queued on the runner, its result handed on with the error reworded. */
typedef gpointer (*PassFinish)(GlanceTaskRunner *runner, GAsyncResult *result, GError **error);

typedef struct {
    GTask *task;
    char *model_path;
    GlanceModelTask model_task;
    PassFinish finish;
    GDestroyNotify result_free;
} Pass;

static Pass *pass_new(GlanceInference *self, GlanceModelTask model_task, gpointer source_tag, PassFinish finish,
                      GDestroyNotify result_free, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
    Pass *pass = g_new0(Pass, 1);
    pass->task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(pass->task, source_tag);
    pass->model_path = glance_inference_dup_model_path(self, model_task);
    pass->model_task = model_task;
    pass->finish = finish;
    pass->result_free = result_free;
    glance_task_runner_set_threads(self->runner, glance_inference_get_threads(self));
    return pass;
}

static void on_pass_done(GObject *source, GAsyncResult *result, gpointer data)
{
    Pass *pass = data;
    GError *error = NULL;
    gpointer done = pass->finish(GLANCE_TASK_RUNNER(source), result, &error);
    reword_error(&error, pass->model_path, pass->model_task);
    if (done)
        g_task_return_pointer(pass->task, done, pass->result_free);
    else
        g_task_return_error(pass->task, error);
    g_object_unref(pass->task);
    g_free(pass->model_path);
    g_free(pass);
}

static gpointer pass_finish(GlanceInference *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

void glance_inference_ask_async(GlanceInference *self, GlancePhoto *photo, const char *question,
                                int top, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    Pass *pass = pass_new(self, GLANCE_MODEL_TASK_VQA, glance_inference_ask_async,
                          (PassFinish)glance_task_runner_ask_finish, (GDestroyNotify)glance_ask_result_free,
                          cancellable, callback, user_data);
    glance_task_runner_ask_async(self->runner, pass->model_path, glance_photo_get_picture(photo), question, top,
                                 cancellable, on_pass_done, pass);
}

GlanceAskResult *glance_inference_ask_finish(GlanceInference *self, GAsyncResult *result, GError **error)
{
    return pass_finish(self, result, error);
}

void glance_inference_compare_async(GlanceInference *self, GlancePhoto *left, GlancePhoto *right,
                                    const char *statement, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    Pass *pass = pass_new(self, GLANCE_MODEL_TASK_NLVR2, glance_inference_compare_async,
                          (PassFinish)glance_task_runner_compare_finish, (GDestroyNotify)glance_compare_result_free,
                          cancellable, callback, user_data);
    glance_task_runner_compare_async(self->runner, pass->model_path, glance_photo_get_picture(left),
                                     glance_photo_get_picture(right), statement, cancellable, on_pass_done, pass);
}

GlanceCompareResult *glance_inference_compare_finish(GlanceInference *self, GAsyncResult *result,
                                                     GError **error)
{
    return pass_finish(self, result, error);
}

void glance_inference_match_async(GlanceInference *self, GlancePicture *picture, const char *text,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    Pass *pass = pass_new(self, GLANCE_MODEL_TASK_RETRIEVAL, glance_inference_match_async,
                          (PassFinish)glance_task_runner_match_finish, (GDestroyNotify)glance_match_result_free,
                          cancellable, callback, user_data);
    glance_task_runner_match_async(self->runner, pass->model_path, picture, text, cancellable, on_pass_done, pass);
}

GlanceMatchResult *glance_inference_match_finish(GlanceInference *self, GAsyncResult *result, GError **error)
{
    return pass_finish(self, result, error);
}

/* ---- object ---- */

static void glance_inference_dispose(GObject *object)
{
    GlanceInference *self = GLANCE_INFERENCE(object);
    g_clear_object(&self->runner);
    g_clear_object(&self->settings);
    if (self->registry_monitor)
        g_file_monitor_cancel(self->registry_monitor);
    g_clear_object(&self->registry_monitor);
    g_clear_pointer(&self->registry, glance_model_registry_free);
    G_OBJECT_CLASS(glance_inference_parent_class)->dispose(object);
}

static void glance_inference_class_init(GlanceInferenceClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = glance_inference_dispose;
    signals[SIGNAL_MODELS_CHANGED] = g_signal_new("models-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void glance_inference_init(GlanceInference *self)
{
    self->runner = glance_task_runner_new();
}

GlanceInference *glance_inference_new(GSettings *settings)
{
    GlanceInference *self = g_object_new(GLANCE_TYPE_INFERENCE, NULL);
    self->settings = g_object_ref(settings);
    reload_registry(self);
    g_autofree char *dir = glance_models_dir();
    g_autofree char *path = g_build_filename(dir, "models.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path(path);
    self->registry_monitor = g_file_monitor_file(file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
    if (self->registry_monitor)
        g_signal_connect(self->registry_monitor, "changed", G_CALLBACK(on_registry_changed), self);
    return self;
}

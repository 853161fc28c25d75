/* glance-inference.c — one worker thread owns every open model and its context, so the
 * cache needs no locks; jobs carry the model path chosen when they were queued. */
#include "config.h"
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include "glance-catalogue.h"
#include "glance-inference.h"
#include "glance-model-registry.h"
#include "glance-paths.h"

/* Models kept open on the worker (one per task is the common case). */
#define MAX_OPEN_MODELS 3

struct _GlanceInference {
    GObject parent_instance;
    GSettings *settings;
    GlanceModelRegistry *registry;   /* main-thread snapshot of models.json */
    GFileMonitor *registry_monitor;
    GThreadPool *worker;     /* one thread: passes run one after another */
    int threads;             /* from settings, read by the worker atomically */
    /* Worker-thread state. */
    GQueue open_models;      /* of OpenModel, most recently used first */
    int applied_threads;
};

G_DEFINE_FINAL_TYPE(GlanceInference, glance_inference, G_TYPE_OBJECT)

typedef struct {
    char *path;
    GStatBuf stat;           /* the file as it was when mapped: reopen when replaced */
    GlanceModel *model;
    GlanceContext *ctx;
} OpenModel;

typedef struct {
    GlanceModelTask task;
    char *model_path;
    GlanceInferenceFunc func;
    gpointer data;
    GDestroyNotify data_free;
    GDestroyNotify result_free;
} Job;

enum { SIGNAL_MODELS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *glance_model_task_name(GlanceModelTask task)
{
    static const char *const names[] = {
        [GLANCE_MODEL_TASK_VQA] = GLANCE_TASK_VQA,
        [GLANCE_MODEL_TASK_NLVR2] = GLANCE_TASK_NLVR2,
        [GLANCE_MODEL_TASK_RETRIEVAL] = GLANCE_TASK_RETRIEVAL,
    };
    return names[task];
}

void glance_ask_result_free(GlanceAskResult *result)
{
    if (!result)
        return;
    g_clear_pointer(&result->answers, g_array_unref);
    g_free(result);
}

static void open_model_free(OpenModel *m)
{
    glance_context_free(m->ctx);
    glance_model_close(m->model);
    g_free(m->path);
    g_free(m);
}

static void job_free(Job *job)
{
    if (job->data_free)
        job->data_free(job->data);
    g_free(job->model_path);
    g_free(job);
}

char *glance_inference_dup_model_path(GlanceInference *self, GlanceModelTask task)
{
    if (!self->registry)
        return glance_paths_default_model();
    return glance_model_registry_default_path(self->registry, glance_model_task_name(task));
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
    GlanceInference *self = data;
    if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED &&
        event != G_FILE_MONITOR_EVENT_DELETED && event != G_FILE_MONITOR_EVENT_RENAMED &&
        event != G_FILE_MONITOR_EVENT_MOVED_IN)
        return;
    reload_registry(self);
    g_signal_emit(self, signals[SIGNAL_MODELS_CHANGED], 0);
}

static gboolean same_file(const GStatBuf *a, const GStatBuf *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtime == b->st_mtime;
}

/* Worker thread only. */
static OpenModel *acquire_model(GlanceInference *self, const char *path, GError **error)
{
    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    _("The model file “%s” is missing. Choose or import a model in Preferences."), path);
        return NULL;
    }
    for (GList *l = self->open_models.head; l; l = l->next) {
        OpenModel *m = l->data;
        if (g_strcmp0(m->path, path) != 0)
            continue;
        g_queue_unlink(&self->open_models, l);
        if (same_file(&m->stat, &st)) {
            g_queue_push_head_link(&self->open_models, l);
            return m;
        }
        open_model_free(m);   /* re-imported since: map the new file */
        g_list_free(l);
        break;
    }
    OpenModel *m = g_new0(OpenModel, 1);
    GlanceError err = { 0 };
    if (glance_model_open(path, &m->model, &err) != GLANCE_OK ||
        glance_context_new(m->model, &m->ctx, &err) != GLANCE_OK) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Cannot open the model: %s"), err.message);
        glance_model_close(m->model);
        g_free(m);
        return NULL;
    }
    m->path = g_strdup(path);
    m->stat = st;
    g_queue_push_head(&self->open_models, m);
    while (self->open_models.length > MAX_OPEN_MODELS)
        open_model_free(g_queue_pop_tail(&self->open_models));
    return m;
}

static int cancel_requested(void *cancellable)
{
    return g_cancellable_is_cancelled(cancellable);
}

static void run_job(gpointer item, gpointer pool_data)
{
    GTask *task = item;
    GlanceInference *self = pool_data;
    Job *job = g_task_get_task_data(task);
    GCancellable *cancellable = g_task_get_cancellable(task);
    GError *error = NULL;

    if (g_task_return_error_if_cancelled(task))
        goto out;
    int threads = g_atomic_int_get(&self->threads);
    if (threads != self->applied_threads) {
        glance_set_threads(threads);
        self->applied_threads = threads;
    }
    OpenModel *m = acquire_model(self, job->model_path, &error);
    if (!m) {
        g_task_return_error(task, error);
        goto out;
    }
    glance_context_set_cancel(m->ctx, cancellable ? cancel_requested : NULL, cancellable);
    gpointer result = job->func(m->ctx, job->data, cancellable, &error);
    glance_context_set_cancel(m->ctx, NULL, NULL);
    if (result)
        g_task_return_pointer(task, result, job->result_free);
    else
        g_task_return_error(task, error);
out:
    g_object_unref(task);
}

void glance_inference_run_async(GlanceInference *self, GlanceModelTask task_kind, GlanceInferenceFunc func,
                                gpointer data, GDestroyNotify data_free, GDestroyNotify result_free,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_inference_run_async);
    Job *job = g_new0(Job, 1);
    job->task = task_kind;
    job->model_path = glance_inference_dup_model_path(self, task_kind);
    job->func = func;
    job->data = data;
    job->data_free = data_free;
    job->result_free = result_free;
    g_task_set_task_data(task, job, (GDestroyNotify)job_free);
    g_thread_pool_push(self->worker, task, NULL);
}

gpointer glance_inference_run_finish(GlanceInference *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- prepare ---- */

static gpointer prepare_on_worker(GlanceContext *ctx, gpointer data, GCancellable *cancellable, GError **error)
{
    (void)data, (void)cancellable, (void)error;
    return ctx;   /* acquiring the model was the work; the context is not handed out */
}

void glance_inference_prepare(GlanceInference *self, GlanceModelTask task)
{
    glance_inference_run_async(self, task, prepare_on_worker, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- ask ---- */

typedef struct {
    GlancePhoto *photo;
    char *question;
    int top;
} AskJob;

static void ask_job_free(AskJob *job)
{
    g_object_unref(job->photo);
    g_free(job->question);
    g_free(job);
}

static void scored_answer_clear(GlanceScoredAnswer *a)
{
    g_free(a->answer);
}

static gpointer ask_on_worker(GlanceContext *ctx, gpointer data, GCancellable *cancellable, GError **error)
{
    (void)cancellable;
    AskJob *job = data;
    if (!glance_model_config(glance_context_model(ctx))->has_vqa) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                            _("This model cannot answer questions. Choose another model for questions in Preferences."));
        return NULL;
    }
    const GlanceImage *image = glance_photo_get_image(job->photo, error);
    if (!image)
        return NULL;
    gint64 start = g_get_monotonic_time();
    g_autoptr(GArray) answers = glance_task_ask(ctx, image, job->question, job->top, NULL, error);
    if (!answers)
        return NULL;
    GlanceAskResult *result = g_new0(GlanceAskResult, 1);
    result->seconds = (g_get_monotonic_time() - start) / 1e6;
    result->answers = g_array_sized_new(FALSE, FALSE, sizeof(GlanceScoredAnswer), answers->len);
    g_array_set_clear_func(result->answers, (GDestroyNotify)scored_answer_clear);
    for (guint i = 0; i < answers->len; i++) {
        const GlanceAnswer *a = &g_array_index(answers, GlanceAnswer, i);
        GlanceScoredAnswer copy = { g_strdup(a->answer), a->score };
        g_array_append_val(result->answers, copy);
    }
    return result;
}

void glance_inference_ask_async(GlanceInference *self, GlancePhoto *photo, const char *question,
                                int top, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    AskJob *job = g_new0(AskJob, 1);
    job->photo = g_object_ref(photo);
    job->question = g_strdup(question);
    job->top = top;
    glance_inference_run_async(self, GLANCE_MODEL_TASK_VQA, ask_on_worker, job, (GDestroyNotify)ask_job_free,
                               (GDestroyNotify)glance_ask_result_free, cancellable, callback, user_data);
}

GlanceAskResult *glance_inference_ask_finish(GlanceInference *self, GAsyncResult *result, GError **error)
{
    return glance_inference_run_finish(self, result, error);
}

/* ---- compare ---- */

typedef struct {
    GlancePhoto *left, *right;
    char *statement;
} CompareJob;

static void compare_job_free(CompareJob *job)
{
    g_object_unref(job->left);
    g_object_unref(job->right);
    g_free(job->statement);
    g_free(job);
}

static gpointer compare_on_worker(GlanceContext *ctx, gpointer data, GCancellable *cancellable, GError **error)
{
    (void)cancellable;
    CompareJob *job = data;
    if (!glance_model_config(glance_context_model(ctx))->has_nlvr2) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                            _("This model cannot judge statements about two images. Choose another model for comparing in Preferences."));
        return NULL;
    }
    const GlanceImage *left = glance_photo_get_image(job->left, error);
    if (!left)
        return NULL;
    const GlanceImage *right = glance_photo_get_image(job->right, error);
    if (!right)
        return NULL;
    GlanceJudgement *judgement = g_new0(GlanceJudgement, 1);
    if (!glance_task_compare(ctx, left, right, job->statement, judgement, error))
        g_clear_pointer(&judgement, g_free);
    return judgement;
}

void glance_inference_compare_async(GlanceInference *self, GlancePhoto *left, GlancePhoto *right,
                                    const char *statement, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    CompareJob *job = g_new0(CompareJob, 1);
    job->left = g_object_ref(left);
    job->right = g_object_ref(right);
    job->statement = g_strdup(statement);
    glance_inference_run_async(self, GLANCE_MODEL_TASK_NLVR2, compare_on_worker, job,
                               (GDestroyNotify)compare_job_free, g_free, cancellable, callback, user_data);
}

gboolean glance_inference_compare_finish(GlanceInference *self, GAsyncResult *result,
                                         GlanceJudgement *judgement, GError **error)
{
    g_autofree GlanceJudgement *out = glance_inference_run_finish(self, result, error);
    if (!out)
        return FALSE;
    *judgement = *out;
    return TRUE;
}

/* ---- object ---- */

static void on_threads_changed(GSettings *settings, const char *key, gpointer data)
{
    GlanceInference *self = data;
    g_atomic_int_set(&self->threads, g_settings_get_int(settings, key));
}

static void glance_inference_dispose(GObject *object)
{
    GlanceInference *self = GLANCE_INFERENCE(object);
    if (self->worker) {
        /* Drop queued jobs, let the running pass finish, then close the models. */
        g_thread_pool_free(g_steal_pointer(&self->worker), TRUE, TRUE);
        g_queue_clear_full(&self->open_models, (GDestroyNotify)open_model_free);
    }
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
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
    g_queue_init(&self->open_models);
    self->applied_threads = -1;
}

GlanceInference *glance_inference_new(GSettings *settings)
{
    GlanceInference *self = g_object_new(GLANCE_TYPE_INFERENCE, NULL);
    self->settings = g_object_ref(settings);
    self->worker = g_thread_pool_new_full(run_job, self, g_object_unref, 1, FALSE, NULL);
    g_signal_connect(settings, "changed::threads", G_CALLBACK(on_threads_changed), self);
    on_threads_changed(settings, "threads", self);

    reload_registry(self);
    g_autofree char *dir = glance_models_dir();
    g_autofree char *path = g_build_filename(dir, "models.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path(path);
    self->registry_monitor = g_file_monitor_file(file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
    if (self->registry_monitor)
        g_signal_connect(self->registry_monitor, "changed", G_CALLBACK(on_registry_changed), self);
    return self;
}

/* glance-task-runner.c — one worker thread owns every open model handle, so the cache
 * needs no locks; jobs carry the model path chosen when they were queued. */
#include "glance-task-runner.h"
#include "glance-model-handle.h"
#include "glance-notices.h"
#include "glance-picture-image.h"
#include "glance-tasks.h"

/* Models kept open on the worker (one per task is the common case). */
#define MAX_OPEN_MODELS 3

G_DEFINE_QUARK(glance-task-runner-error-quark, glance_task_runner_error)

struct _GlanceTaskRunner {
    GObject parent_instance;
    GThreadPool *worker;     /* one thread: passes run one after another */
    int threads;             /* read by the worker atomically */
    /* Worker-thread state. */
    GQueue open_models;      /* of GlanceModelHandle, most recently used first */
};

G_DEFINE_FINAL_TYPE(GlanceTaskRunner, glance_task_runner, G_TYPE_OBJECT)

/* The pass a job runs on the worker, with the context of its model. */
typedef gpointer (*TaskFunc)(GlanceContext *ctx, gpointer data, GError **error);

typedef struct {
    char *model_path;
    TaskFunc func;
    gpointer data;
    GDestroyNotify data_free;
    GDestroyNotify result_free;
} Job;

void glance_ask_result_free(GlanceAskResult *result)
{
    if (!result)
        return;
    g_clear_pointer(&result->answers, g_array_unref);
    g_clear_pointer(&result->where, glance_where_free);
    g_clear_pointer(&result->notices, g_ptr_array_unref);
    g_free(result);
}

void glance_compare_result_free(GlanceCompareResult *result)
{
    if (!result)
        return;
    g_clear_pointer(&result->notices, g_ptr_array_unref);
    g_clear_pointer(&result->where[0], glance_where_free);
    g_clear_pointer(&result->where[1], glance_where_free);
    g_free(result);
}

void glance_match_result_free(GlanceMatchResult *result)
{
    if (!result)
        return;
    g_clear_pointer(&result->where, glance_where_free);
    g_free(result);
}

static void job_free(Job *job)
{
    if (job->data_free)
        job->data_free(job->data);
    g_free(job->model_path);
    g_free(job);
}

/* Worker thread only. A handle whose file was replaced is dropped for a new one, so the
 * old mapping goes as soon as no pass uses it. */
static GlanceModelHandle *acquire_model(GlanceTaskRunner *self, const char *path, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, GLANCE_TASK_RUNNER_ERROR, GLANCE_TASK_RUNNER_ERROR_MODEL_MISSING,
                    "the model file %s is missing", path);
        return NULL;
    }
    for (GList *l = self->open_models.head; l; l = l->next) {
        GlanceModelHandle *handle = l->data;
        if (g_strcmp0(glance_model_handle_get_path(handle), path) != 0)
            continue;
        g_queue_unlink(&self->open_models, l);
        if (!glance_model_handle_is_stale(handle)) {
            g_queue_push_head_link(&self->open_models, l);
            return handle;
        }
        glance_model_handle_unref(handle);
        g_list_free(l);
        break;
    }
    g_autoptr(GError) local = NULL;
    GlanceModelHandle *handle = glance_model_handle_open(path, &local);
    if (!handle) {
        g_set_error_literal(error, GLANCE_TASK_RUNNER_ERROR, GLANCE_TASK_RUNNER_ERROR_MODEL_UNREADABLE,
                            local->message);
        return NULL;
    }
    g_queue_push_head(&self->open_models, handle);
    while (self->open_models.length > MAX_OPEN_MODELS)
        glance_model_handle_unref(g_queue_pop_tail(&self->open_models));
    return handle;
}

static int cancel_requested(void *cancellable)
{
    return g_cancellable_is_cancelled(cancellable);
}

static void run_job(gpointer item, gpointer pool_data)
{
    GTask *task = item;
    GlanceTaskRunner *self = pool_data;
    Job *job = g_task_get_task_data(task);
    GCancellable *cancellable = g_task_get_cancellable(task);
    GError *error = NULL;
    GlanceModelHandle *handle = NULL;
    GlanceContext *ctx = NULL;

    if (g_task_return_error_if_cancelled(task))
        goto out;
    if (!(handle = acquire_model(self, job->model_path, &error))) {
        g_task_return_error(task, error);
        goto out;
    }
    glance_model_handle_set_threads(handle, g_atomic_int_get(&self->threads));
    if (!(ctx = glance_model_handle_get_context(handle, &error))) {
        g_task_return_error(task, error);
        goto out;
    }
    if (!job->func) {   /* prepare: opening the model was the work */
        g_task_return_boolean(task, TRUE);
        goto out;
    }
    glance_context_set_cancel(ctx, cancellable ? cancel_requested : NULL, cancellable);
    gpointer result = job->func(ctx, job->data, &error);
    glance_context_set_cancel(ctx, NULL, NULL);
    if (result)
        g_task_return_pointer(task, result, job->result_free);
    else
        g_task_return_error(task, error);
out:
    g_object_unref(task);
}

static void queue_job(GlanceTaskRunner *self, const char *model_path, TaskFunc func, gpointer data,
                      GDestroyNotify data_free, GDestroyNotify result_free, gpointer source_tag,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, source_tag);
    Job *job = g_new0(Job, 1);
    job->model_path = g_strdup(model_path);
    job->func = func;
    job->data = data;
    job->data_free = data_free;
    job->result_free = result_free;
    g_task_set_task_data(task, job, (GDestroyNotify)job_free);
    g_thread_pool_push(self->worker, task, NULL);
}

void glance_task_runner_prepare(GlanceTaskRunner *self, const char *model_path)
{
    queue_job(self, model_path, NULL, NULL, NULL, NULL, glance_task_runner_prepare, NULL, NULL, NULL);
}

void glance_task_runner_set_threads(GlanceTaskRunner *self, int threads)
{
    g_atomic_int_set(&self->threads, MAX(threads, 0));
}

/* A model without the head a task needs is the user's choice to change, not a fault. */
static gboolean check_head(GlanceContext *ctx, gboolean has_head, const char *task, GError **error)
{
    if (has_head)
        return TRUE;
    const char *name = glance_model_name(glance_context_model(ctx));
    g_set_error(error, GLANCE_TASK_RUNNER_ERROR, GLANCE_TASK_RUNNER_ERROR_NO_HEAD,
                "the model %s has no %s head", name && *name ? name : "chosen", task);
    return FALSE;
}

/* ---- ask ---- */

typedef struct {
    GlancePicture *picture;
    char *question;
    int top;
} AskJob;

static void ask_job_free(AskJob *job)
{
    g_object_unref(job->picture);
    g_free(job->question);
    g_free(job);
}

static void scored_answer_clear(GlanceScoredAnswer *a)
{
    g_free(a->answer);
}

static gpointer ask_on_worker(GlanceContext *ctx, gpointer data, GError **error)
{
    AskJob *job = data;
    if (!check_head(ctx, glance_model_config(glance_context_model(ctx))->has_vqa, "question answering", error))
        return NULL;
    const GlanceImage *image = glance_picture_get_image(job->picture, error);
    if (!image)
        return NULL;
    gint64 start = g_get_monotonic_time();
    g_autoptr(GlanceWhere) where = NULL;
    g_autoptr(GArray) answers = glance_task_ask_where(ctx, image, job->question, job->top, NULL,
                                                      GLANCE_WHERE_DEFAULT, &where, error);
    if (!answers)
        return NULL;
    double seconds = (g_get_monotonic_time() - start) / 1e6;
    GPtrArray *notices = glance_notices_for_ask(glance_context_model(ctx), image, job->question, answers, error);
    if (!notices)
        return NULL;
    GlanceAskResult *result = g_new0(GlanceAskResult, 1);
    result->where = g_steal_pointer(&where);
    result->seconds = seconds;
    result->notices = notices;
    result->answers = g_array_sized_new(FALSE, FALSE, sizeof(GlanceScoredAnswer), answers->len);
    g_array_set_clear_func(result->answers, (GDestroyNotify)scored_answer_clear);
    for (guint i = 0; i < answers->len; i++) {
        const GlanceAnswer *a = &g_array_index(answers, GlanceAnswer, i);
        GlanceScoredAnswer copy = { g_strdup(a->answer), a->score };
        g_array_append_val(result->answers, copy);
    }
    return result;
}

void glance_task_runner_ask_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *picture,
                                  const char *question, int top, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
    AskJob *job = g_new0(AskJob, 1);
    job->picture = g_object_ref(picture);
    job->question = g_strdup(question);
    job->top = top;
    queue_job(self, model_path, ask_on_worker, job, (GDestroyNotify)ask_job_free,
              (GDestroyNotify)glance_ask_result_free, glance_task_runner_ask_async, cancellable, callback,
              user_data);
}

GlanceAskResult *glance_task_runner_ask_finish(GlanceTaskRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- compare ---- */

typedef struct {
    GlancePicture *left, *right;
    char *statement;
} CompareJob;

static void compare_job_free(CompareJob *job)
{
    g_object_unref(job->left);
    g_object_unref(job->right);
    g_free(job->statement);
    g_free(job);
}

static gpointer compare_on_worker(GlanceContext *ctx, gpointer data, GError **error)
{
    CompareJob *job = data;
    if (!check_head(ctx, glance_model_config(glance_context_model(ctx))->has_nlvr2, "NLVR2", error))
        return NULL;
    const GlanceImage *left = glance_picture_get_image(job->left, error);
    if (!left)
        return NULL;
    const GlanceImage *right = glance_picture_get_image(job->right, error);
    if (!right)
        return NULL;
    g_autoptr(GlanceCompareResult) result = g_new0(GlanceCompareResult, 1);
    if (!glance_task_compare_where(ctx, left, right, job->statement, GLANCE_WHERE_DEFAULT, &result->judgement,
                                   result->where, error))
        return NULL;
    result->notices = glance_notices_for_compare(glance_context_model(ctx), left, right, job->statement,
                                                 &result->judgement, error);
    return result->notices ? g_steal_pointer(&result) : NULL;
}

void glance_task_runner_compare_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *left,
                                      GlancePicture *right, const char *statement, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
    CompareJob *job = g_new0(CompareJob, 1);
    job->left = g_object_ref(left);
    job->right = g_object_ref(right);
    job->statement = g_strdup(statement);
    queue_job(self, model_path, compare_on_worker, job, (GDestroyNotify)compare_job_free,
              (GDestroyNotify)glance_compare_result_free,
              glance_task_runner_compare_async, cancellable, callback, user_data);
}

GlanceCompareResult *glance_task_runner_compare_finish(GlanceTaskRunner *self, GAsyncResult *result,
                                                       GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- match ---- */

typedef struct {
    GlancePicture *picture;
    char *text;
} MatchJob;

static void match_job_free(MatchJob *job)
{
    g_object_unref(job->picture);
    g_free(job->text);
    g_free(job);
}

static gpointer match_on_worker(GlanceContext *ctx, gpointer data, GError **error)
{
    MatchJob *job = data;
    if (!check_head(ctx, glance_model_config(glance_context_model(ctx))->has_itm, "image-text matching", error))
        return NULL;
    const GlanceImage *image = glance_picture_get_image(job->picture, error);
    if (!image)
        return NULL;
    g_autoptr(GlanceMatchResult) result = g_new0(GlanceMatchResult, 1);
    if (!glance_task_match_where(ctx, image, job->text, GLANCE_WHERE_DEFAULT, &result->judgement, &result->where,
                                 error))
        return NULL;
    return g_steal_pointer(&result);
}

void glance_task_runner_match_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *picture,
                                    const char *text, GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    MatchJob *job = g_new0(MatchJob, 1);
    job->picture = g_object_ref(picture);
    job->text = g_strdup(text);
    queue_job(self, model_path, match_on_worker, job, (GDestroyNotify)match_job_free,
              (GDestroyNotify)glance_match_result_free, glance_task_runner_match_async, cancellable, callback,
              user_data);
}

GlanceMatchResult *glance_task_runner_match_finish(GlanceTaskRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- object ---- */

static void glance_task_runner_dispose(GObject *object)
{
    GlanceTaskRunner *self = GLANCE_TASK_RUNNER(object);
    if (self->worker) {
        /* Drop queued jobs, let the running pass finish, then close the models. */
        g_thread_pool_free(g_steal_pointer(&self->worker), TRUE, TRUE);
        g_queue_clear_full(&self->open_models, (GDestroyNotify)glance_model_handle_unref);
    }
    G_OBJECT_CLASS(glance_task_runner_parent_class)->dispose(object);
}

static void glance_task_runner_class_init(GlanceTaskRunnerClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = glance_task_runner_dispose;
}

static void glance_task_runner_init(GlanceTaskRunner *self)
{
    g_queue_init(&self->open_models);
    self->worker = g_thread_pool_new_full(run_job, self, g_object_unref, 1, FALSE, NULL);
}

GlanceTaskRunner *glance_task_runner_new(void)
{
    return g_object_new(GLANCE_TYPE_TASK_RUNNER, NULL);
}

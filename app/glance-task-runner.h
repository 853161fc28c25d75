/* glance-task-runner.h — the GUI's questions to the model, off its main thread.
 *
 * Passes are queued on one worker thread (two BLAS pools on the same cores only slow each
 * other down). Each job names the model file its task uses (glance-task-model.h) and
 * runs on a GlanceModelHandle kept open for the next job (a file replaced on disk is
 * opened again); cancel it between layers through its GCancellable. Each answer comes
 * judged (glance-notices.h), as glance-cli judges it. Results arrive on
 * the thread-default main context of the caller. */
#ifndef GLANCE_TASK_RUNNER_H
#define GLANCE_TASK_RUNNER_H
#include <gio/gio.h>
#include "glance-judgement.h"
#include "glance-picture.h"
#include "glance-where.h"

G_BEGIN_DECLS

#define GLANCE_TASK_RUNNER_ERROR (glance_task_runner_error_quark())
GQuark glance_task_runner_error_quark(void);
typedef enum {
    GLANCE_TASK_RUNNER_ERROR_MODEL_MISSING,    /* the model file is gone                  */
    GLANCE_TASK_RUNNER_ERROR_MODEL_UNREADABLE, /* it is not a model the engine can open   */
    GLANCE_TASK_RUNNER_ERROR_NO_HEAD,          /* the model has no head for this task     */
} GlanceTaskRunnerError;

/* One answer, copied out of the model. */
typedef struct {
    char *answer;
    double score;
} GlanceScoredAnswer;

typedef struct {
    GArray *answers;      /* of GlanceScoredAnswer, best first */
    GPtrArray *notices;   /* of GlanceNotice (glance-notices.h): what to tell the user */
    double seconds;       /* time the pass took on the worker */
    GlanceWhere *where;   /* where the answer looked (GLANCE_WHERE_DEFAULT), for the
                             "Show Where It Looked" picture; it costs the pass about 0.5% */
} GlanceAskResult;

void glance_ask_result_free(GlanceAskResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceAskResult, glance_ask_result_free)

typedef struct {
    GlanceJudgement judgement;
    GPtrArray *notices;   /* of GlanceNotice (glance-notices.h): what to tell the user */
    GlanceWhere *where[2]; /* where the verdict looked in the left and right image */
} GlanceCompareResult;

void glance_compare_result_free(GlanceCompareResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceCompareResult, glance_compare_result_free)

/* Image-text matching of one photo with a search's text: "why this result?". */
typedef struct {
    GlanceJudgement judgement;
    GlanceWhere *where;   /* where the match looked in the photo */
} GlanceMatchResult;

void glance_match_result_free(GlanceMatchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceMatchResult, glance_match_result_free)

#define GLANCE_TYPE_TASK_RUNNER (glance_task_runner_get_type())
G_DECLARE_FINAL_TYPE(GlanceTaskRunner, glance_task_runner, GLANCE, TASK_RUNNER, GObject)

GlanceTaskRunner *glance_task_runner_new(void);
/* Threads for the passes of jobs queued from now on; 0: all cores. */
void glance_task_runner_set_threads(GlanceTaskRunner *self, int threads);

/* Opens model_path on the worker ahead of the first pass, so the first answer does not
 * wait for it. */
void glance_task_runner_prepare(GlanceTaskRunner *self, const char *model_path);

void glance_task_runner_ask_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *picture,
                                  const char *question, int top, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
GlanceAskResult *glance_task_runner_ask_finish(GlanceTaskRunner *self, GAsyncResult *result, GError **error);

void glance_task_runner_compare_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *left,
                                      GlancePicture *right, const char *statement, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
GlanceCompareResult *glance_task_runner_compare_finish(GlanceTaskRunner *self, GAsyncResult *result,
                                                       GError **error);

void glance_task_runner_match_async(GlanceTaskRunner *self, const char *model_path, GlancePicture *picture,
                                    const char *text, GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GlanceMatchResult *glance_task_runner_match_finish(GlanceTaskRunner *self, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

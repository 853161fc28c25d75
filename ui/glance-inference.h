/* glance-inference.h — runs the model for the pages, off the main thread.
 *
 * Passes are queued on one worker thread (two BLAS pools on the same cores only slow each
 * other down); each job borrows a GlanceContext of the model its task uses and can be
 * cancelled between layers through its GCancellable. The main loop only receives results. */
#ifndef GLANCE_INFERENCE_H
#define GLANCE_INFERENCE_H
#include <gio/gio.h>
#include "glance-photo.h"
#include "glance-tasks.h"

G_BEGIN_DECLS

typedef enum {
    GLANCE_MODEL_TASK_VQA,
    GLANCE_MODEL_TASK_NLVR2,
    GLANCE_MODEL_TASK_RETRIEVAL,
} GlanceModelTask;

/* One shown answer, copied out of the model. */
typedef struct {
    char *answer;
    double score;
} GlanceScoredAnswer;

typedef struct {
    GArray *answers;      /* of GlanceScoredAnswer, best first */
    double seconds;       /* time the pass took on the worker */
} GlanceAskResult;

void glance_ask_result_free(GlanceAskResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceAskResult, glance_ask_result_free)

#define GLANCE_TYPE_INFERENCE (glance_inference_get_type())
G_DECLARE_FINAL_TYPE(GlanceInference, glance_inference, GLANCE, INFERENCE, GObject)

GlanceInference *glance_inference_new(GSettings *settings);

/* "vqa", "nlvr2", "retrieval": the task's name in the model registry and catalogue. */
const char *glance_model_task_name(GlanceModelTask task);

/* The model file a task uses: the registry's default for it (app/models, shared with
 * glance-cli: chosen in Preferences, or the latest model installed for it), else the
 * bundled model ($GLANCE_MODEL overrides that). Newly allocated.
 * "models-changed" is emitted when the registry changes on disk (this or another
 * process installed, removed or chose a model). */
char *glance_inference_dup_model_path(GlanceInference *self, GlanceModelTask task);
/* Re-reads the registry now (after this process changed it) and emits "models-changed". */
void glance_inference_reload_models(GlanceInference *self);

/* Opens the task's model on the worker ahead of the first pass (a photo is on screen, a
 * question will follow), so the first answer does not wait for it. */
void glance_inference_prepare(GlanceInference *self, GlanceModelTask task);

void glance_inference_ask_async(GlanceInference *self, GlancePhoto *photo, const char *question,
                                int top, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
GlanceAskResult *glance_inference_ask_finish(GlanceInference *self, GAsyncResult *result,
                                             GError **error);

void glance_inference_compare_async(GlanceInference *self, GlancePhoto *left, GlancePhoto *right,
                                    const char *statement, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean glance_inference_compare_finish(GlanceInference *self, GAsyncResult *result,
                                         GlanceJudgement *judgement, GError **error);

/* Runs func(model_context, data) on the inference worker with the model of `task`;
 * for callers that need a pass the two above do not cover (the library's query vector). */
typedef gpointer (*GlanceInferenceFunc)(GlanceContext *ctx, gpointer data, GCancellable *cancellable,
                                        GError **error);
void glance_inference_run_async(GlanceInference *self, GlanceModelTask task, GlanceInferenceFunc func,
                                gpointer data, GDestroyNotify data_free, GDestroyNotify result_free,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
gpointer glance_inference_run_finish(GlanceInference *self, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

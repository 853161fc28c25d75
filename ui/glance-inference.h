/* glance-inference.h — the GUI's link to the model: which model each task uses (the
 * registry's choice, followed live as it changes on disk) and the passes, which run on
 * app/'s task runner (glance-task-runner.h) with the thread count from GSettings.
 * Errors come back as sentences for the window, translated. */
#ifndef GLANCE_INFERENCE_H
#define GLANCE_INFERENCE_H
#include <gio/gio.h>
#include "glance-photo.h"
#include "glance-task-model.h"
#include "glance-task-runner.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_INFERENCE (glance_inference_get_type())
G_DECLARE_FINAL_TYPE(GlanceInference, glance_inference, GLANCE, INFERENCE, GObject)

GlanceInference *glance_inference_new(GSettings *settings);

/* The model file a task uses (glance_task_model_path with this process's snapshot of the
 * registry: the same answer glance-cli gives). Newly allocated.
 * "models-changed" is emitted when the registry changes on disk (this or another
 * process installed, removed or chose a model). */
char *glance_inference_dup_model_path(GlanceInference *self, GlanceModelTask task);
/* TRUE while `task` uses the bundled model (no installed model serves it by default):
 * the pages then say what that model can see. */
gboolean glance_inference_uses_bundled_model(GlanceInference *self, GlanceModelTask task);
/* Re-reads the registry now (after this process changed it) and emits "models-changed". */
void glance_inference_reload_models(GlanceInference *self);
/* The thread count the Preferences chose (0: all cores). */
int glance_inference_get_threads(GlanceInference *self);

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
GlanceCompareResult *glance_inference_compare_finish(GlanceInference *self, GAsyncResult *result,
                                                     GError **error);

/* Image-text matching of a photo with a search's text on the search model, and where it
 * looked: "why this result?" in the photo viewer. */
void glance_inference_match_async(GlanceInference *self, GlancePicture *picture, const char *text,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GlanceMatchResult *glance_inference_match_finish(GlanceInference *self, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

/* test-task-runner-where.c — the GUI's Ask job carries where the answer looked: a map of
 * the bundled model's 8 x 8 patches summing to 1, the same map `glance_task_ask_where`
 * gives in this thread (so the page shows the map of the answer it shows). */
#include "check.h"
#include "glance-image.h"
#include "glance-model-handle.h"
#include "glance-task-runner.h"
#include "glance-tasks.h"
#include <math.h>

#define BUNDLED "data/models/glance-shapeworld.safetensors"
#define PHOTO "data/samples/scene-6.png"
#define QUESTION "what size is the orange star?"

static void on_asked(GObject *source, GAsyncResult *result, gpointer data)
{
    GlanceAskResult **out = data;
    g_autoptr(GError) error = NULL;
    *out = glance_task_runner_ask_finish(GLANCE_TASK_RUNNER(source), result, &error);
    CHECK(*out != NULL, "ask failed: %s", error ? error->message : "?");
}

int main(void)
{
    g_autoptr(GlanceTaskRunner) runner = glance_task_runner_new();
    g_autoptr(GFile) file = g_file_new_for_path(PHOTO);
    g_autoptr(GlancePicture) picture = glance_picture_new_for_file(file);
    GlanceAskResult *result = NULL;
    gboolean done = FALSE;
    glance_task_runner_ask_async(runner, BUNDLED, picture, QUESTION, 3, NULL, on_asked, &result);
    for (int i = 0; i < 6000 && !result; i++)
        g_main_context_iteration(NULL, TRUE);
    done = result != NULL;
    CHECK(done, "no answer");
    if (!done)
        return check_summary("task-runner-where");
    const GlanceWhere *where = result->where;
    CHECK(where && where->rows == 8 && where->cols == 8, "map grid %d x %d", where ? where->rows : -1,
          where ? where->cols : -1);
    if (where) {
        double total = 0;
        for (int i = 0; i < 64; i++)
            total += where->weights[i];
        CHECK(fabs(total - 1.0) < 1e-5, "weights sum to %.7f", total);
        /* The same pass here, through the app's own call. */
        g_autoptr(GError) error = NULL;
        g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(BUNDLED, &error);
        GlanceContext *ctx = handle ? glance_model_handle_get_context(handle, &error) : NULL;
        g_autoptr(GlanceDecodedImage) image = glance_image_load(PHOTO, 0, &error);
        g_autoptr(GlanceWhere) here = NULL;
        g_autoptr(GArray) answers = ctx && image ? glance_task_ask_where(ctx, &image->image, QUESTION, 3, NULL,
                                                                         GLANCE_WHERE_DEFAULT, &here, &error)
                                                 : NULL;
        CHECK(answers && here, "ask here: %s", error ? error->message : "?");
        if (here) {
            double worst = 0;
            for (int i = 0; i < 64; i++)
                worst = fmax(worst, fabs(here->weights[i] - where->weights[i]));
            CHECK(worst < 1e-6, "the runner's map differs from the app call's by %g", worst);
        }
    }
    glance_ask_result_free(result);
    return check_summary("task-runner-where");
}

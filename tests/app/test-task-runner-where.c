/* test-task-runner-where.c — the GUI's Ask, Compare and Match jobs carry where the
 * answer looked: maps of the bundled model's 8 x 8 patches summing to 1 (two for
 * Compare), the same maps the app's calls give in this thread (so the pages show the
 * map of the answer they show). */
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

static void on_compared(GObject *source, GAsyncResult *result, gpointer data)
{
    GlanceCompareResult **out = data;
    g_autoptr(GError) error = NULL;
    *out = glance_task_runner_compare_finish(GLANCE_TASK_RUNNER(source), result, &error);
    CHECK(*out != NULL, "compare failed: %s", error ? error->message : "?");
}

static void on_matched(GObject *source, GAsyncResult *result, gpointer data)
{
    GlanceMatchResult **out = data;
    g_autoptr(GError) error = NULL;
    *out = glance_task_runner_match_finish(GLANCE_TASK_RUNNER(source), result, &error);
    CHECK(*out != NULL, "match failed: %s", error ? error->message : "?");
}

/* A map of the 8 x 8 grid summing to 1, equal to `here` (the app call's) when given. */
static void check_map(const GlanceWhere *where, const GlanceWhere *here, const char *what)
{
    CHECK(where && where->rows == 8 && where->cols == 8, "%s: map grid %d x %d", what, where ? where->rows : -1,
          where ? where->cols : -1);
    if (!where || where->rows != 8 || where->cols != 8)
        return;
    double total = 0, worst = 0;
    for (int i = 0; i < 64; i++) {
        total += where->weights[i];
        if (here)
            worst = fmax(worst, fabs(here->weights[i] - where->weights[i]));
    }
    CHECK(fabs(total - 1.0) < 1e-5, "%s: weights sum to %.7f", what, total);
    CHECK(here != NULL, "%s: no map from the app call", what);
    CHECK(worst < 1e-6, "%s: the runner's map differs from the app call's by %g", what, worst);
}

#define LEFT "data/samples/scene-1.png"
#define STATEMENT "there is a red object"
#define TEXT "a large orange star"

/* Compare and Match through the runner against the app's calls on this thread. */
static void compare_and_match(GlanceTaskRunner *runner)
{
    g_autoptr(GFile) left_file = g_file_new_for_path(LEFT);
    g_autoptr(GFile) right_file = g_file_new_for_path(PHOTO);
    g_autoptr(GlancePicture) left = glance_picture_new_for_file(left_file);
    g_autoptr(GlancePicture) right = glance_picture_new_for_file(right_file);
    g_autoptr(GlanceCompareResult) compared = NULL;
    g_autoptr(GlanceMatchResult) matched = NULL;
    glance_task_runner_compare_async(runner, BUNDLED, left, right, STATEMENT, NULL, on_compared, &compared);
    glance_task_runner_match_async(runner, BUNDLED, right, TEXT, NULL, on_matched, &matched);
    for (int i = 0; i < 6000 && !(compared && matched); i++)
        g_main_context_iteration(NULL, TRUE);
    CHECK(compared && matched, "compare and match answered");
    if (!compared || !matched)
        return;

    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(BUNDLED, &error);
    GlanceContext *ctx = handle ? glance_model_handle_get_context(handle, &error) : NULL;
    g_autoptr(GlanceDecodedImage) left_image = glance_image_load(LEFT, 0, &error);
    g_autoptr(GlanceDecodedImage) right_image = glance_image_load(PHOTO, 0, &error);
    CHECK(ctx && left_image && right_image, "open here: %s", error ? error->message : "?");
    if (!ctx || !left_image || !right_image)
        return;
    GlanceJudgement judgement;
    GlanceWhere *pair[2] = { NULL, NULL };
    CHECK(glance_task_compare_where(ctx, &left_image->image, &right_image->image, STATEMENT, GLANCE_WHERE_DEFAULT,
                                    &judgement, pair, &error), "compare here: %s", error ? error->message : "?");
    check_map(compared->where[0], pair[0], "compare, left");
    check_map(compared->where[1], pair[1], "compare, right");
    g_autoptr(GlanceWhere) match = NULL;
    CHECK(glance_task_match_where(ctx, &right_image->image, TEXT, GLANCE_WHERE_DEFAULT, &judgement, &match, &error),
          "match here: %s", error ? error->message : "?");
    check_map(matched->where, match, "match");
    CHECK(fabs(matched->judgement.probability - judgement.probability) < 1e-6, "match probability %g, here %g",
          matched->judgement.probability, judgement.probability);
    glance_where_free(pair[0]);
    glance_where_free(pair[1]);
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
    compare_and_match(runner);
    return check_summary("task-runner-where");
}

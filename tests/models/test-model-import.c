/* test-model-import.c — app/models/glance-model-import: what Preferences' "Import VLMo
 * Checkpoint…" runs, without the GUI. Names from file names; the official-layout golden
 * checkpoint imported and registered as the default for every task its heads serve, with
 * its SHA-256, size and file:// URI; progress on the caller's main context, rising, never
 * after the result; a file that is not a checkpoint leaves nothing behind; Cancel. */
#include "check.h"
#include "glance-checksum.h"
#include "glance-model-import.h"
#include "glance-task-model.h"
#include "glance-model-registry.h"
#include <glib/gstdio.h>
#include <string.h>

#define CHECKPOINT "../shared/golden/vlmo-ref-a/vlmo-ref-a.pt"

static void check_names(void)
{
    static const struct { const char *path, *name; } cases[] = {
        { "/x/VLMo Base (VQA).pt", "vlmo-base-vqa" },
        { "vlmo_base_patch16_480_vqa.pt", "vlmo_base_patch16_480_vqa" },
        { "/a/b/--Weird  Name!!.ckpt", "weird-name" },
        { "/a/.pt", "pt" },
        { "/a/???.bin", "imported" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = glance_model_name_for_file(cases[i].path);
        CHECK(g_str_equal(name, cases[i].name), "%s -> %s, not %s", cases[i].path, name, cases[i].name);
    }
    g_autofree char *long_name = glance_model_name_for_file(
        "/x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pt");
    CHECK(strlen(long_name) == 64, "names stop at 64 characters: %zu", strlen(long_name));
}

typedef struct {
    GMainLoop *loop;
    GlanceInstalledModel *model;
    GError *error;
    guint progress_calls;
    double last_fraction;
    gboolean rising;
    gboolean after_result;   /* progress arrived after the result */
    gboolean done;
    GThread *main_thread;
    gboolean other_thread;   /* progress arrived on another thread */
} Run;

static void on_progress(double fraction, const char *stage, gpointer data)
{
    (void)stage;
    Run *run = data;
    run->progress_calls++;
    run->rising &= fraction >= run->last_fraction;
    run->last_fraction = fraction;
    run->after_result |= run->done;
    run->other_thread |= g_thread_self() != run->main_thread;
}

static void on_imported(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    Run *run = data;
    run->model = glance_model_import_finish(result, &run->error);
    run->done = TRUE;
    g_main_loop_quit(run->loop);
}

static void run_import(Run *run, const char *path, GCancellable *cancellable)
{
    run->loop = g_main_loop_new(NULL, FALSE);
    run->rising = TRUE;
    run->main_thread = g_thread_self();
    glance_model_import_async(path, on_progress, run, NULL, cancellable, on_imported, run);
    g_main_loop_run(run->loop);
    /* Anything still queued would arrive now: it must not. */
    for (int i = 0; i < 50; i++)
        g_main_context_iteration(NULL, FALSE), g_usleep(2000);
    g_main_loop_unref(run->loop);
}

static gboolean cancel_soon(gpointer cancellable)
{
    g_cancellable_cancel(cancellable);
    return G_SOURCE_REMOVE;
}

int main(void)
{
    const char *tmp_root = g_getenv("GLANCE_TEST_TMP");
    if (!tmp_root) {
        fprintf(stderr, "run through meson test\n");
        return 1;
    }
    check_names();
    g_autofree char *root = g_build_filename(tmp_root, "model-import", NULL);
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", root);
    g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
    g_autofree char *xdg = g_build_filename(root, "xdg", NULL);
    g_setenv("XDG_DATA_HOME", xdg, TRUE);
    g_autofree char *models = g_build_filename(xdg, "glance", "models", NULL);

    /* A copy under the name a user might have given it. */
    g_autofree char *dir = g_build_filename(root, "downloads", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *checkpoint = g_build_filename(dir, "VLMo Ref (A).pt", NULL);
    g_autofree char *contents = NULL;
    gsize len = 0;
    CHECK(g_file_get_contents(CHECKPOINT, &contents, &len, NULL) && g_file_set_contents(checkpoint, contents, len, NULL),
          "copy the golden checkpoint");

    Run ok = { 0 };
    run_import(&ok, checkpoint, NULL);
    CHECK(ok.model != NULL, "import: %s", ok.error ? ok.error->message : "");
    if (ok.model) {
        g_autofree char *sha = glance_file_sha256(checkpoint, NULL, NULL);
        g_autofree char *uri = g_filename_to_uri(checkpoint, NULL, NULL);
        g_autofree char *tasks = g_strjoinv(",", ok.model->tasks);
        g_autofree char *defaults = g_strjoinv(",", ok.model->default_for);
        CHECK(g_str_equal(ok.model->name, "vlmo-ref-a"), "name %s", ok.model->name);
        CHECK(g_str_equal(ok.model->title, "vlmo-ref-a"), "title %s", ok.model->title);
        CHECK(g_str_equal(tasks, "retrieval,vqa,nlvr2"), "tasks %s", tasks);
        CHECK(g_str_equal(defaults, tasks), "default for every task it serves: %s", defaults);
        CHECK(g_strcmp0(ok.model->sha256, sha) == 0 && ok.model->size == len, "the checkpoint's SHA-256 and size");
        CHECK(g_strcmp0(ok.model->url, uri) == 0, "url %s", ok.model->url);
        CHECK(g_file_test(ok.model->path, G_FILE_TEST_IS_REGULAR) && g_str_has_prefix(ok.model->path, models),
              "the model file is in the models folder: %s", ok.model->path);
        g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
        const GlanceInstalledModel *vqa = registry ? glance_model_registry_get_default(registry, "vqa") : NULL;
        CHECK(vqa && g_str_equal(vqa->name, "vlmo-ref-a"), "the registry has it as the vqa default");
    }
    CHECK(ok.progress_calls > 0 && ok.rising && ok.last_fraction <= 1.0,
          "progress: %u calls, rising %d", ok.progress_calls, ok.rising);
    CHECK(!ok.after_result && !ok.other_thread, "progress on the main context, never after the result");
    glance_installed_model_free(ok.model);
    g_clear_error(&ok.error);

    /* Not a checkpoint: an error, nothing registered, no model file left. */
    g_autofree char *junk = g_build_filename(dir, "junk.pt", NULL);
    g_file_set_contents(junk, "not a zip archive", -1, NULL);
    Run bad = { 0 };
    run_import(&bad, junk, NULL);
    g_autofree char *junk_model = g_build_filename(models, "junk.safetensors", NULL);
    CHECK(!bad.model && bad.error, "a file that is not a checkpoint fails");
    CHECK(!g_file_test(junk_model, G_FILE_TEST_EXISTS), "and leaves no model file");
    g_autoptr(GlanceModelRegistry) after_bad = glance_model_registry_load(NULL, NULL);
    CHECK(after_bad && !glance_model_registry_find(after_bad, "junk"), "and registers nothing");
    g_clear_error(&bad.error);

    /* Cancelled at once: G_IO_ERROR_CANCELLED, nothing registered. */
    g_autofree char *second = g_build_filename(dir, "second.pt", NULL);
    g_file_set_contents(second, contents, len, NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_idle_add(cancel_soon, cancellable);
    Run cancelled = { 0 };
    run_import(&cancelled, second, cancellable);
    CHECK(!cancelled.model && g_error_matches(cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
          "cancel: %s", cancelled.error ? cancelled.error->message : "imported");
    g_autoptr(GlanceModelRegistry) after_cancel = glance_model_registry_load(NULL, NULL);
    CHECK(after_cancel && !glance_model_registry_find(after_cancel, "second"), "a cancelled import registers nothing");
    g_clear_error(&cancelled.error);

    /* No silent default: the user picks the bundled model for nlvr2 and keeps vlmo-ref-a
     * for vqa and retrieval (a choice); a second import takes only nlvr2, which uses the
     * bundled model, and says that vqa and retrieval could switch to it. */
    g_autoptr(GlanceModelRegistry) chooser = glance_model_registry_load(NULL, NULL);
    CHECK(chooser && glance_task_model_set_default(chooser, GLANCE_MODEL_TASK_NLVR2, GLANCE_MODEL_BUNDLED_NAME, NULL),
          "models default nlvr2 bundled");
    g_autofree char *third = g_build_filename(dir, "third.pt", NULL);
    g_file_set_contents(third, contents, len, NULL);
    Run again = { 0 };
    run_import(&again, third, NULL);
    CHECK(again.model != NULL, "second import: %s", again.error ? again.error->message : "");
    if (again.model) {
        g_autofree char *defaults = g_strjoinv(",", again.model->default_for);
        CHECK(g_str_equal(defaults, "nlvr2"), "the second import takes only the task on the built-in model: %s",
              defaults);
        g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
        CHECK(registry && g_str_equal(glance_task_model_default_name(registry, GLANCE_MODEL_TASK_VQA), "vlmo-ref-a") &&
                  g_str_equal(glance_task_model_default_name(registry, GLANCE_MODEL_TASK_RETRIEVAL), "vlmo-ref-a") &&
                  g_str_equal(glance_task_model_default_name(registry, GLANCE_MODEL_TASK_NLVR2), "third"),
              "vqa and retrieval keep the user's vlmo-ref-a; nlvr2 switched from the built-in model");
        g_auto(GStrv) could = registry ? glance_task_model_could_switch(registry, "third") : NULL;
        g_autofree char *could_text = could ? g_strjoinv(",", could) : g_strdup("");
        CHECK(g_str_equal(could_text, "vqa,retrieval"), "vqa and retrieval could switch to it: %s", could_text);
    }
    glance_installed_model_free(again.model);
    g_clear_error(&again.error);
    return check_summary("model-import");
}

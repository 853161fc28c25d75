/* test-library-task-model.c — one library, one model, whichever front end indexes it.
 * The GUI's Search page opens its library with glance_library_open_with_model_async()
 * and no --model; `glance-cli index` opens it with cli_library_open(), the same app call.
 * Both must pick the retrieval task's model: the registry's default when one is set
 * (here the golden model, registered as "ref"), else the bundled model. The check: after
 * the GUI's path indexed a folder, `glance-cli index` finds every photo unchanged (it
 * would re-encode them under another model), and the model id is the SHA-256 of ref. */
#include "check.h"
#include "glance-checksum.h"
#include "glance-library-index.h"
#include "glance-library-open.h"
#include "glance-model-registry.h"
#include "glance-task-model.h"
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const images[] = { "img0_100x75.png", "img1_64x64.png", "img2_200x120.png", "img3_33x47.png" };

static void on_opened(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GlanceLibrary **out = data;
    g_autoptr(GError) error = NULL;
    *out = glance_library_open_with_model_finish(result, &error);
    CHECK(*out != NULL, "open_with_model_async: %s", error ? error->message : "");
}

/* The Search page's call: no --model, run to completion on this thread's main loop. */
static GlanceLibrary *open_like_the_gui(const char *db)
{
    GlanceLibraryOpenOptions options = { .db_path = db, .create = TRUE, .threads = 1 };
    GlanceLibrary *library = NULL;
    gboolean waiting = TRUE;
    glance_library_open_with_model_async(&options, NULL, on_opened, &library);
    while (waiting) {
        g_main_context_iteration(NULL, TRUE);
        waiting = library == NULL && check_failures == 0;
    }
    return library;
}

/* `glance-cli index --db DB FOLDER --json` in a fresh process; the parsed stats or NULL. */
static JsonObject *cli_index(const char *db, const char *folder)
{
    const char *cli = g_getenv("GLANCE_CLI");
    const char *argv[] = { cli, "index", "--db", db, "--json", folder, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
        !g_spawn_check_wait_status(status, &error)) {
        CHECK(FALSE, "glance-cli index: %s %s", error ? error->message : "", err ? err : "");
        return NULL;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, out, -1, NULL))
        return NULL;
    return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

static gint64 stat_of(JsonObject *stats, const char *name)
{
    return stats ? json_object_get_int_member(stats, name) : -1;
}

/* Registers the golden model as "ref" for every task, as an install would. */
static gboolean register_ref(const char *golden, const char *models_dir)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(models_dir, NULL);
    if (!registry)
        return FALSE;
    g_autofree char *path = glance_model_registry_file_for(registry, "ref", ".safetensors");
    g_autofree char *contents = NULL;
    gsize len;
    if (g_mkdir_with_parents(models_dir, 0755) != 0 || !g_file_get_contents(golden, &contents, &len, NULL) ||
        !g_file_set_contents(path, contents, len, NULL))
        return FALSE;
    char *tasks[] = { "retrieval", "vqa", "nlvr2", NULL };
    char *none[] = { NULL };
    GlanceInstalledModel model = { .name = "ref", .title = "Reference", .path = path, .tasks = tasks,
                                   .sha256 = "", .file_size = len, .dtype = "f32", .url = "", .default_for = none };
    return glance_model_registry_add(registry, &model, NULL);
}

int main(void)
{
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    const char *tmp_root = g_getenv("GLANCE_TEST_TMP");
    if (!golden || !tmp_root || !g_getenv("GLANCE_CLI")) {
        fprintf(stderr, "run through meson test\n");
        return 1;
    }
    g_autofree char *root = g_build_filename(tmp_root, "library-task-model", NULL);
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", root);
    g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
    g_autofree char *xdg = g_build_filename(root, "xdg", NULL);
    g_setenv("XDG_DATA_HOME", xdg, TRUE);   /* this process and the glance-cli it runs */
    g_unsetenv("GLANCE_MODEL");
    g_autofree char *models_dir = g_build_filename(xdg, "glance", "models", NULL);
    g_autofree char *photos = g_build_filename(root, "photos", NULL);
    g_mkdir_with_parents(photos, 0755);
    for (gsize i = 0; i < G_N_ELEMENTS(images); i++) {
        g_autofree char *src = g_build_filename("..", "shared", "golden", "vlmo-ref-a", "images", images[i], NULL);
        g_autofree char *dst = g_build_filename(photos, images[i], NULL);
        g_autofree char *contents = NULL;
        gsize len;
        CHECK(g_file_get_contents(src, &contents, &len, NULL) && g_file_set_contents(dst, contents, len, NULL),
              "copy %s", images[i]);
    }

    /* ref becomes the retrieval model: registered, then chosen as `models default` does. */
    CHECK(register_ref(golden, models_dir), "register ref");
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(models_dir, NULL);
    CHECK(registry && glance_task_model_set_default(registry, GLANCE_MODEL_TASK_RETRIEVAL, "ref", NULL),
          "models default retrieval ref");
    g_autofree char *ref_path = glance_model_registry_file_for(registry, "ref", ".safetensors");
    g_autofree char *ref_sha256 = glance_file_sha256(ref_path, NULL, NULL);

    /* The GUI's path indexes the folder. */
    g_autofree char *db = g_build_filename(root, "library.db", NULL);
    g_autoptr(GlanceLibrary) library = open_like_the_gui(db);
    if (!library)
        return check_summary("library-task-model");
    CHECK(g_strcmp0(glance_library_get_model_id(library), ref_sha256) == 0,
          "the GUI's library uses ref: model id %s, ref %s", glance_library_get_model_id(library), ref_sha256);
    g_autofree char *model_path = glance_library_dup_model_path(library);
    CHECK(model_path && g_str_has_suffix(model_path, "ref.safetensors"), "its model file: %s", model_path);
    GlanceIndexStats stats = { 0 };
    g_autoptr(GError) error = NULL;
    const char *folders[] = { photos, NULL };
    GlanceIndexOptions options = { .blas_threads = 1, .decode_threads = 1 };
    CHECK(glance_library_index(library, folders, &options, NULL, NULL, NULL, &stats, &error),
          "index: %s", error ? error->message : "");
    CHECK(stats.added == G_N_ELEMENTS(images), "the GUI's path added %u photos", stats.added);
    g_clear_object(&library);

    /* glance-cli index, no --model: the same model, so nothing to encode. */
    g_autoptr(JsonObject) cli = cli_index(db, photos);
    CHECK(stat_of(cli, "unchanged") == G_N_ELEMENTS(images) && stat_of(cli, "added") == 0 &&
          stat_of(cli, "updated") == 0, "glance-cli index found %" G_GINT64_FORMAT " unchanged, %" G_GINT64_FORMAT
          " updated", stat_of(cli, "unchanged"), stat_of(cli, "updated"));

    /* The check can fail: back to the bundled model for retrieval, glance-cli must
     * encode every photo again (they lack the bundled model's vector). */
    CHECK(glance_task_model_set_default(registry, GLANCE_MODEL_TASK_RETRIEVAL, GLANCE_MODEL_BUNDLED_NAME, NULL),
          "models default retrieval bundled");
    g_autoptr(JsonObject) bundled = cli_index(db, photos);
    CHECK(stat_of(bundled, "updated") == G_N_ELEMENTS(images),
          "with the bundled model glance-cli updated %" G_GINT64_FORMAT " photos", stat_of(bundled, "updated"));
    library = open_like_the_gui(db);
    CHECK(library && g_strcmp0(glance_library_get_model_id(library), ref_sha256) != 0,
          "and the GUI's path follows to the bundled model");
    return check_summary("library-task-model");
}

/* test-catalogue-registry.c — without a network: the shipped catalogue, catalogues
 * that must be refused (with the entry and member named), the https-or-loopback
 * rule, and the registry of installed models (defaults per task, removal, two
 * processes editing at once, damaged files, what --model NAME resolves to). */
#include "glance-catalogue.h"
#include "glance-download.h"
#include "glance-model-install.h"
#include "glance-model-registry.h"
#include "glance-task-model.h"
#include <string.h>
#include <glib/gstdio.h>

static char *test_dir;   /* under $GLANCE_TEST_TMP, emptied at start */

static char *write_temp(const char *name, const char *text)
{
    char *path = g_build_filename(test_dir, name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* ---- the catalogue ---- */

static void test_shipped_catalogue(void)
{
    GError *error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(glance_catalogue_get_n_entries(catalogue), ==, 15);
    const char *const expected[][3] = {   /* name, task, published value */
        { "vlmo-base-vqa", "vqa", "76.6" },        { "vlmo-base-plus-vqa", "vqa", "78.5" },
        { "vlmo-large-vqa", "vqa", "79.9" },       { "vlmo-base-nlvr2", "nlvr2", "83.3" },
        { "vlmo-base-plus-nlvr2", "nlvr2", "85.1" }, { "vlmo-large-nlvr2", "nlvr2", "86.9" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_find(catalogue, expected[i][0], &error);
        g_assert_no_error(error);
        g_assert_true(glance_catalogue_entry_has_task(entry, expected[i][1]));
        g_assert_nonnull(entry->published_metrics[0]);
        g_assert_cmpfloat_with_epsilon(entry->published_values[0], g_ascii_strtod(expected[i][2], NULL), 1e-9);
    }
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
        g_assert_true(g_str_has_prefix(entry->url, "https://"));
        g_assert_true(glance_download_url_is_allowed(entry->url, NULL));
        g_assert_true(entry->heads == 12 || entry->heads == 16);
        g_assert_true(entry->image_size == 224 || entry->image_size == 384 || entry->image_size == 480);
        g_autofree char *vocab = glance_model_vocab_path(entry->vocab, &error);
        g_assert_no_error(error);
        if (entry->answers) {
            g_autofree char *answers = glance_model_answers_path(entry->answers, &error);
            g_assert_no_error(error);
        }
        /* Copies outlive the catalogue (installs in a thread). */
        g_autoptr(GlanceCatalogueEntry) copy = glance_catalogue_entry_copy(entry);
        g_assert_cmpstr(copy->url, ==, entry->url);
        g_assert_cmpuint(g_strv_length(copy->published_metrics), ==, g_strv_length(entry->published_metrics));
    }
    /* The recommended set: one per task, the Ask model at 480 px, each in plain words. */
    g_autoptr(GPtrArray) set = glance_catalogue_list_recommended(catalogue);
    g_assert_cmpuint(set->len, ==, 3);
    const char *const tasks[] = { "vqa", "nlvr2", "retrieval" };
    for (gsize i = 0; i < G_N_ELEMENTS(tasks); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_recommended(catalogue, tasks[i]);
        g_assert_nonnull(entry);
        g_assert_true(glance_catalogue_entry_has_task(entry, tasks[i]));
        g_assert_nonnull(entry->summary);
        g_assert_nonnull(entry->source);
        g_assert_cmpstr(entry->scope, ==, "everyday photos");
        g_assert_null(strstr(entry->summary, "@1"));   /* no benchmark jargon */
    }
    g_assert_cmpint(glance_catalogue_get_recommended(catalogue, "vqa")->image_size, ==, 480);
    g_assert_cmpstr(glance_catalogue_get_recommended(catalogue, "nlvr2")->name, ==, "vlmo-base-nlvr2");
    g_assert_true(g_str_has_suffix(glance_catalogue_get_recommended(catalogue, "retrieval")->name, "-coco") ||
                  g_str_has_suffix(glance_catalogue_get_recommended(catalogue, "retrieval")->name, "-f30k"));
    const GlanceCatalogueEntry *base = glance_catalogue_find(catalogue, "vlmo-base", NULL);
    g_assert_cmpuint(g_strv_length(base->recommended_for), ==, 0);
    g_assert_cmpstr(base->url, ==, "https://github.com/wenhui0924/vlmo_ckpts/releases/download/vlmo/"
                                   "vlmo_base_patch16_224.pt");
    g_assert_null(glance_catalogue_find(catalogue, "vlmo-huge", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND);
    g_clear_error(&error);
}

static void test_catalogue_env_override(void)
{
    g_autofree char *path = write_temp("env-catalogue.json", "{\"version\":1,\"models\":[]}");
    g_setenv("GLANCE_CATALOGUE", path, TRUE);
    g_autofree char *chosen = glance_catalogue_default_path();
    g_assert_cmpstr(chosen, ==, path);
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, NULL);
    g_assert_cmpuint(glance_catalogue_get_n_entries(catalogue), ==, 0);
    g_unsetenv("GLANCE_CATALOGUE");
}

#define GOOD_ENTRY_PREFIX "{\"name\":\"m\",\"title\":\"M\",\"family\":\"base\",\"image_size\":384,"
static void test_bad_catalogues(void)
{
    static const char *const cases[][2] = {   /* catalogue text, words the message must hold */
        { "not json", "cannot read the model catalogue" },
        { "{\"version\":2,\"models\":[]}", "version 2" },
        { "{\"models\":[]}", "expected {\"version\": 1" },
        { "{\"version\":1,\"models\":[{\"name\":\"../up\"}]}", "model 1: \"name\" may hold only" },
        { "{\"version\":1,\"models\":[{\"name\":\"Big\"}]}", "\"name\" may hold only" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"vqa\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"bert-base-uncased\",\"answers\":null}]}", "model 1 ('m'): \"answers\" is needed exactly" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"captioning\"]}]}", "\"tasks\" may only" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[],\"url\":\"https://x\"}]}",
          "\"tasks\" must be a non-empty list" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"ftp://x/m.pt\","
          "\"vocab\":\"v\"}]}", "\"url\" must be an http(s) address" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"size\":-5,\"vocab\":\"v\"}]}", "\"size\" is out of range" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"size\":1.5,\"vocab\":\"v\"}]}", "\"size\" must be a whole number" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"sha256\":\"ABC\",\"vocab\":\"v\"}]}", "\"sha256\" must be 64 lower-case hex" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"v\",\"published\":{\"acc\":\"high\"}}]}", "\"published\" must map each metric" },
        { "{\"version\":1,\"models\":[{\"name\":\"m\",\"title\":\"M\",\"family\":\"huge\",\"tasks\":[\"vqa\"],"
          "\"image_size\":384,\"url\":\"https://x/m.pt\",\"vocab\":\"v\",\"answers\":\"a\"}]}", "\"family\" must be" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"v\"}," GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\",\"vocab\":\"v\"}]}",
          "model 2 ('m'): \"name\" appears twice" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"v\",\"recommended_for\":[\"vqa\"]}]}", "\"recommended_for\" may only name tasks the model serves" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"v\",\"recommended_for\":[\"nlvr2\"]},{\"name\":\"n\",\"title\":\"N\",\"family\":\"base\","
          "\"image_size\":384,\"tasks\":[\"nlvr2\"],\"url\":\"https://x/n.pt\",\"vocab\":\"v\","
          "\"recommended_for\":[\"nlvr2\"]}]}", "model 2 ('n'): \"recommended_for\" names a task another" },
        { "{\"version\":1,\"models\":[" GOOD_ENTRY_PREFIX "\"tasks\":[\"nlvr2\"],\"url\":\"https://x/m.pt\","
          "\"vocab\":\"v\",\"summary\":3}]}", "\"summary\" must be a non-empty string" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = write_temp("bad-catalogue.json", cases[i][0]);
        GError *error = NULL;
        GlanceCatalogue *catalogue = glance_catalogue_load(path, &error);
        g_assert_null(catalogue);
        g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE);
        if (!strstr(error->message, cases[i][1]))
            g_error("case %zu: '%s' lacks '%s'", i, error->message, cases[i][1]);
        g_assert_nonnull(strstr(error->message, path));
        g_error_free(error);
    }
    /* Unknown vocabulary and answer ids are refused before any download. */
    GError *error = NULL;
    g_assert_null(glance_model_vocab_path("gpt2", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE);
    g_clear_error(&error);
    g_assert_null(glance_model_answers_path("gqa-1842", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE);
    g_clear_error(&error);
}

static void test_model_names(void)
{
    const char *good[] = { "vlmo-base", "a", "vlmo_large.v2", "0x" };
    const char *bad[] = { "", ".hidden", "-x", "a/b", "..", "A", "a b", "é",
                          "x12345678901234567890123456789012345678901234567890123456789012345" };
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
        g_assert_true(glance_model_name_is_valid(good[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(glance_model_name_is_valid(bad[i]));
    g_assert_false(glance_model_name_is_valid(NULL));
}

/* ---- https, or http on loopback only ---- */

static void test_url_rule(void)
{
    const char *allowed[] = {
        "https://github.com/x.pt", "HTTPS://example.com:8443/a?b=c", "http://127.0.0.1:8000/x.pt",
        "http://127.3.4.5/x", "http://localhost/x.pt", "http://LOCALHOST:1/x", "http://[::1]:9/x.pt",
    };
    const char *refused[] = {
        "http://example.com/x.pt", "http://127.0.0.1.evil.com/x", "http://localhost.evil.com/x",
        "http://10.0.0.1/x", "http://[::2]/x", "http://user@example.com/x", "ftp://127.0.0.1/x",
        "file:///etc/passwd", "gopher://localhost/x", "not a url", "",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(allowed); i++)
        if (!glance_download_url_is_allowed(allowed[i], NULL))
            g_error("refused %s", allowed[i]);
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        GError *error = NULL;
        if (glance_download_url_is_allowed(refused[i], &error))
            g_error("allowed %s", refused[i]);
        g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_INSECURE);
        g_error_free(error);
    }
}

/* ---- the registry ---- */

static char *make_model_file(const char *dir, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".safetensors", NULL);
    char *path = g_build_filename(dir, file, NULL);
    g_assert_true(g_file_set_contents(path, "model", -1, NULL));
    return path;
}

static void add_model(GlanceModelRegistry *registry, const char *name, const char *task1, const char *task2)
{
    g_autofree char *path = make_model_file(glance_model_registry_get_dir(registry), name);
    char *tasks[] = { (char *)task1, (char *)task2, NULL };
    GlanceInstalledModel model = { .name = (char *)name, .title = (char *)name, .path = path, .tasks = tasks,
                                   .sha256 = "00", .size = 10, .file_size = 5, .dtype = "f32",
                                   .url = "https://x" };
    GError *error = NULL;
    g_assert_true(glance_model_registry_add(registry, &model, &error));
    g_assert_no_error(error);
}

static const char *default_name(GlanceModelRegistry *registry, const char *task)
{
    const GlanceInstalledModel *model = glance_model_registry_get_default(registry, task);
    return model ? model->name : "bundled";
}

static void test_registry_defaults(void)
{
    g_autofree char *dir = g_build_filename(test_dir, "registry-defaults", NULL);
    g_mkdir_with_parents(dir, 0755);
    GError *error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(dir, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(glance_model_registry_get_n_models(registry), ==, 0);
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "bundled");
    g_autofree char *bundled = glance_model_registry_default_path(registry, "vqa");
    g_autofree char *expected_bundled = glance_model_registry_resolve(registry, NULL, NULL);
    g_assert_cmpstr(bundled, ==, expected_bundled);

    add_model(registry, "a", "vqa", "nlvr2");
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "a");
    g_assert_cmpstr(default_name(registry, "nlvr2"), ==, "a");
    g_assert_cmpstr(default_name(registry, "retrieval"), ==, "bundled");
    add_model(registry, "b", "vqa", NULL);          /* vqa already has a model: a keeps it */
    add_model(registry, "c", "retrieval", NULL);    /* retrieval used the bundled model: c takes it */
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "a");
    g_assert_cmpstr(default_name(registry, "nlvr2"), ==, "a");
    g_assert_cmpstr(default_name(registry, "retrieval"), ==, "c");
    g_assert_cmpuint(g_strv_length(glance_model_registry_find(registry, "b")->default_for), ==, 0);
    g_auto(GStrv) b_could = glance_task_model_could_switch(registry, "b");
    g_assert_cmpuint(g_strv_length(b_could), ==, 1);
    g_assert_cmpstr(b_could[0], ==, "vqa");
    g_auto(GStrv) c_could = glance_task_model_could_switch(registry, "c");
    g_assert_cmpuint(g_strv_length(c_could), ==, 0);
    g_autofree char *vqa_path = glance_model_registry_default_path(registry, "vqa");
    g_assert_true(g_str_has_suffix(vqa_path, "/a.safetensors"));

    /* Choosing a default by hand; a model can only serve its own tasks. */
    g_assert_true(glance_model_registry_set_default(registry, "vqa", "b", &error));
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "b");
    g_assert_true(glance_model_registry_set_default(registry, "vqa", "a", &error));
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "a");
    g_assert_false(glance_model_registry_set_default(registry, "retrieval", "a", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(glance_model_registry_set_default(registry, "captions", "a", &error));
    g_clear_error(&error);
    g_assert_false(glance_model_registry_set_default(registry, "vqa", "zz", &error));
    g_clear_error(&error);
    g_assert_true(glance_model_registry_set_default(registry, "retrieval", NULL, &error));
    g_assert_cmpstr(default_name(registry, "retrieval"), ==, "bundled");
    g_assert_true(glance_model_registry_set_default(registry, "retrieval", "c", &error));

    /* Removing a default hands the task to the newest model that serves it. */
    g_assert_true(glance_model_registry_remove(registry, "a", &error));
    g_assert_no_error(error);
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "b");
    g_assert_cmpstr(default_name(registry, "nlvr2"), ==, "bundled");
    g_autofree char *a_path = g_build_filename(dir, "a.safetensors", NULL);
    g_assert_false(g_file_test(a_path, G_FILE_TEST_EXISTS));
    g_assert_false(glance_model_registry_remove(registry, "a", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* Re-adding a name replaces it, as the newest: it keeps the tasks it had (retrieval)
     * and takes none from another model (vqa stays b). */
    add_model(registry, "c", "retrieval", "vqa");
    g_assert_cmpuint(glance_model_registry_get_n_models(registry), ==, 2);
    g_assert_cmpstr(glance_model_registry_get_model(registry, 1)->name, ==, "c");
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "b");
    g_assert_cmpstr(default_name(registry, "retrieval"), ==, "c");

    /* The file on disk says the same after a fresh load. */
    g_autoptr(GlanceModelRegistry) again = glance_model_registry_load(dir, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(default_name(again, "vqa"), ==, "b");
    g_assert_cmpstr(default_name(again, "retrieval"), ==, "c");
    const GlanceInstalledModel *c = glance_model_registry_find(again, "c");
    g_assert_cmpstr(c->sha256, ==, "00");
    g_assert_cmpuint(c->size, ==, 10);
    g_assert_cmpuint(c->file_size, ==, 5);
    g_assert_cmpstr(c->dtype, ==, "f32");
}

/* Two registry objects stand for the GUI and the CLI: each edit re-reads the file. */
static void test_registry_two_writers(void)
{
    g_autofree char *dir = g_build_filename(test_dir, "registry-two", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autoptr(GlanceModelRegistry) gui = glance_model_registry_load(dir, NULL);
    g_autoptr(GlanceModelRegistry) cli = glance_model_registry_load(dir, NULL);
    add_model(gui, "x", "vqa", NULL);
    add_model(cli, "y", "nlvr2", NULL);   /* cli had not seen x: it must not drop it */
    g_assert_cmpuint(glance_model_registry_get_n_models(cli), ==, 2);
    g_assert_cmpuint(glance_model_registry_get_n_models(gui), ==, 1);   /* a snapshot ... */
    g_assert_true(glance_model_registry_reload(gui, NULL));             /* ... until reloaded */
    g_assert_cmpuint(glance_model_registry_get_n_models(gui), ==, 2);
    g_assert_true(glance_model_registry_remove(gui, "y", NULL));
    g_assert_true(glance_model_registry_reload(cli, NULL));
    g_assert_null(glance_model_registry_find(cli, "y"));
    g_assert_nonnull(glance_model_registry_find(cli, "x"));
}

static void test_registry_damaged(void)
{
    g_autofree char *dir = g_build_filename(test_dir, "registry-damaged", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *file = g_build_filename(dir, "models.json", NULL);
    static const char *const damaged[] = {
        "{\"version\":1,\"models\":[",
        "[]",
        "{\"version\":9,\"models\":[]}",
        "{\"version\":1,\"models\":[{\"name\":\"../x\",\"path\":\"/m\",\"tasks\":[],\"default_for\":[]}]}",
        "{\"version\":1,\"models\":[{\"name\":\"x\",\"path\":\"relative\",\"tasks\":[],\"default_for\":[]}]}",
        "{\"version\":1,\"models\":[{\"name\":\"x\",\"path\":\"/m\",\"tasks\":[\"vqa\"]}]}",
        "{\"version\":1,\"models\":[{\"name\":\"x\",\"path\":\"/m\",\"tasks\":[\"x\"],\"default_for\":[]}]}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(damaged); i++) {
        g_assert_true(g_file_set_contents(file, damaged[i], -1, NULL));
        GError *error = NULL;
        g_assert_null(glance_model_registry_load(dir, &error));
        g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_REGISTRY);
        g_assert_nonnull(strstr(error->message, "is damaged"));
        g_error_free(error);
    }
    /* Two defaults for one task (edited by hand): the later model keeps it;
     * a default for a task the model does not serve is dropped. */
    g_assert_true(g_file_set_contents(file,
        "{\"version\":1,\"models\":["
        "{\"name\":\"p\",\"path\":\"/p\",\"tasks\":[\"vqa\"],\"default_for\":[\"vqa\"]},"
        "{\"name\":\"q\",\"path\":\"/q\",\"tasks\":[\"vqa\"],\"default_for\":[\"vqa\",\"nlvr2\"]}]}", -1, NULL));
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(dir, NULL);
    g_assert_cmpstr(default_name(registry, "vqa"), ==, "q");
    g_assert_cmpstr(default_name(registry, "nlvr2"), ==, "bundled");
    g_assert_cmpuint(g_strv_length(glance_model_registry_find(registry, "p")->default_for), ==, 0);
}

static void test_resolve(void)
{
    g_autofree char *dir = g_build_filename(test_dir, "registry-resolve", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(dir, NULL);
    add_model(registry, "installed", "vqa", NULL);
    GError *error = NULL;
    g_autofree char *by_name = glance_model_registry_resolve(registry, "installed", &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_suffix(by_name, "/installed.safetensors"));
    g_autofree char *by_hand = make_model_file(dir, "by-hand");
    g_autofree char *found = glance_model_registry_resolve(registry, "by-hand", &error);
    g_assert_cmpstr(found, ==, by_hand);
    g_autofree char *path = glance_model_registry_resolve(registry, "some/where.safetensors", &error);
    g_assert_cmpstr(path, ==, "some/where.safetensors");
    g_assert_null(glance_model_registry_resolve(registry, "nothing", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND);
    g_clear_error(&error);
    /* A registered model whose file vanished says so. */
    g_unlink(by_name);
    g_assert_null(glance_model_registry_resolve(registry, "installed", &error));
    g_assert_nonnull(strstr(error->message, "lost its file"));
    g_clear_error(&error);
    /* remove still cleans it out of the registry. */
    g_assert_true(glance_model_registry_remove(registry, "installed", &error));
    g_assert_null(glance_model_registry_find(registry, "installed"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    test_dir = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "models-unit", NULL);
    g_autofree char *command = g_strdup_printf("rm -rf '%s'", test_dir);
    g_assert_true(g_spawn_command_line_sync(command, NULL, NULL, NULL, NULL));
    g_mkdir_with_parents(test_dir, 0755);
    g_unsetenv("GLANCE_CATALOGUE");

    g_test_add_func("/models/catalogue/shipped", test_shipped_catalogue);
    g_test_add_func("/models/catalogue/env-override", test_catalogue_env_override);
    g_test_add_func("/models/catalogue/refused", test_bad_catalogues);
    g_test_add_func("/models/catalogue/names", test_model_names);
    g_test_add_func("/models/download/url-rule", test_url_rule);
    g_test_add_func("/models/registry/defaults", test_registry_defaults);
    g_test_add_func("/models/registry/two-writers", test_registry_two_writers);
    g_test_add_func("/models/registry/damaged", test_registry_damaged);
    g_test_add_func("/models/registry/resolve", test_resolve);
    int status = g_test_run();
    g_free(test_dir);
    return status;
}

/* test-library-switch.c — switching the retrieval model: the previous model's vectors keep
 * serving searches, with the same ranking, while the new model is only partly indexed (an
 * index job cancelled half-way), in this process, in a library opened afresh (as the app
 * does) and in `glance-cli search`; the new model serves once its vectors are complete,
 * with exactly the results of a library indexed with it alone. Model A is a copy of the
 * golden model (so its file can be taken away), model B its F16 import: another SHA-256
 * and slightly different vectors. */
#include "glance-library.h"
#include "glance-library-index.h"
#include "glance-library-search.h"
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define N_PHOTOS 20
#define QUERY "a red circle"

static char *tmp;      /* $GLANCE_TEST_TMP/library-switch */
static char *photos;   /* tmp/photos */
static char *a_path, *b_path;
static GlanceModel *model_a, *model_b;

/* ---- fixtures ---- */

static char *run_or_die(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("%s: %s", argv[0], error->message);
    return out;
}

static char *in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void copy_file(const char *src, const char *dst)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(src, &data, &len, &error));
    g_assert_true(g_file_set_contents(dst, data, len, &error));
}

static GlanceLibrary *open_library(const char *db, GlanceModel *model, const char *model_path)
{
    g_autoptr(GError) error = NULL;
    GlanceLibrary *lib = glance_library_open(db, TRUE, &error);
    g_assert_no_error(error);
    g_assert_true(glance_library_set_model(lib, model, model_path, &error));
    g_assert_no_error(error);
    return lib;
}

static void index_all(GlanceLibrary *lib)
{
    g_autoptr(GError) error = NULL;
    const char *folders[] = { photos, NULL };
    g_assert_true(glance_library_index(lib, folders, NULL, NULL, NULL, NULL, NULL, &error));
    g_assert_no_error(error);
}

static GPtrArray *search(GlanceLibrary *lib)
{
    g_autoptr(GlanceQuery) q = glance_query_new();
    glance_query_add_text(q, QUERY, 1);
    GlanceSearchOptions o;
    glance_search_options_init(&o);
    o.limit = 100;
    g_autoptr(GError) error = NULL;
    GPtrArray *results = glance_library_search(lib, q, &o, NULL, &error);
    g_assert_no_error(error);
    return results;
}

/* Same photos in the same order with the same scores (the same vectors: exactly). */
static gboolean same_results(GPtrArray *x, GPtrArray *y)
{
    if (x->len != y->len)
        return FALSE;
    for (guint i = 0; i < x->len; i++) {
        GlanceSearchResult *a = x->pdata[i], *b = y->pdata[i];
        if (strcmp(a->path, b->path) != 0 || a->score != b->score)
            return FALSE;
    }
    return TRUE;
}

static char *serving(GlanceLibrary *lib)
{
    g_autoptr(GError) error = NULL;
    char *id = glance_library_dup_serving_model_id(lib, &error);
    g_assert_no_error(error);
    return id;
}

static guint indexed(GlanceLibrary *lib)
{
    GlanceLibraryCounts counts;
    g_assert_true(glance_library_get_counts(lib, &counts, NULL));
    return counts.indexed;
}

typedef struct {
    GCancellable *cancellable;
} CancelOnFailure;

/* Failure reports are never throttled: cancelling at the broken file in the middle of
 * the folder stops the job half-way, deterministically with one decoder. */
static void cancel_on_failure(const GlanceIndexProgress *p, gpointer data)
{
    CancelOnFailure *c = data;
    if (p->failed_path)
        g_cancellable_cancel(c->cancellable);
}

/* `glance-cli search --json` with model_path: the paths and scores must be expected's. */
static void check_cli(const char *db, const char *model_path, GPtrArray *expected)
{
    const char *cli = g_getenv("GLANCE_CLI");
    g_assert_nonnull(cli);
    g_autofree char *out = run_or_die((const char *[]){ cli, "search", "--db", db, "--model", model_path, "--json",
                                                        "--limit", "100", QUERY, NULL });
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_data(parser, out, -1, &error));
    JsonArray *results = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)), "results");
    g_assert_cmpuint(json_array_get_length(results), ==, expected->len);
    for (guint i = 0; i < expected->len; i++) {
        JsonObject *r = json_array_get_object_element(results, i);
        GlanceSearchResult *e = expected->pdata[i];
        g_assert_cmpstr(json_object_get_string_member(r, "path"), ==, e->path);
        g_assert_cmpfloat_with_epsilon(json_object_get_double_member(r, "score"), e->score, 1e-6);
    }
}

/* ---- the switch ---- */

static void test_switch(void)
{
    g_autofree char *db = in(tmp, "switch.db");
    GlanceLibrary *lib = open_library(db, model_a, a_path);
    index_all(lib);
    g_autofree char *id_a = g_strdup(glance_library_get_model_id(lib));
    g_autoptr(GPtrArray) results_a = search(lib);
    g_assert_cmpuint(results_a->len, ==, N_PHOTOS);
    g_autofree char *serving_a = serving(lib);
    g_assert_cmpstr(serving_a, ==, id_a);

    /* Switched, nothing indexed with B yet: A still answers, exactly as before. */
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_library_set_model(lib, model_b, b_path, &error));
    g_autofree char *id_b = g_strdup(glance_library_get_model_id(lib));
    g_assert_cmpstr(id_b, !=, id_a);
    g_autofree char *serving_switched = serving(lib);
    g_assert_cmpstr(serving_switched, ==, id_a);
    g_autoptr(GPtrArray) switched = search(lib);
    g_assert_true(same_results(switched, results_a));

    /* B indexed half-way (cancelled at the broken file in the middle). */
    g_autofree char *broken = in(photos, "s0010-broken.png");
    g_assert_true(g_file_set_contents(broken, "", 0, NULL));
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    CancelOnFailure cancel = { cancellable };
    GlanceIndexOptions one_decoder = { .decode_threads = 1 };
    const char *folders[] = { photos, NULL };
    g_assert_false(glance_library_index(lib, folders, &one_decoder, cancel_on_failure, &cancel, cancellable, NULL,
                                        &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error(&error);
    guint partial = indexed(lib);
    g_assert_cmpuint(partial, >, 0);
    g_assert_cmpuint(partial, <, N_PHOTOS);
    g_test_message("B indexed %u of %u photos when cancelled", partial, N_PHOTOS);
    g_autofree char *serving_partial = serving(lib);
    g_assert_cmpstr(serving_partial, ==, id_a);
    g_autoptr(GPtrArray) during = search(lib);
    g_assert_true(same_results(during, results_a));

    /* A library opened afresh with B (the app after a model change, another process)
     * makes the same choice: it opens A itself from the file it was used from. */
    GlanceLibrary *reopened = open_library(db, model_b, b_path);
    g_autofree char *serving_reopened = serving(reopened);
    g_assert_cmpstr(serving_reopened, ==, id_a);
    g_autoptr(GPtrArray) reopened_results = search(reopened);
    g_assert_true(same_results(reopened_results, results_a));
    g_object_unref(reopened);
    check_cli(db, b_path, results_a);

    /* A's file gone: B serves with the vectors it has. */
    g_autofree char *a_away = g_strconcat(a_path, ".away", NULL);
    g_assert_cmpint(g_rename(a_path, a_away), ==, 0);
    GlanceLibrary *without_a = open_library(db, model_b, b_path);
    g_autofree char *serving_without_a = serving(without_a);
    g_assert_cmpstr(serving_without_a, ==, id_b);
    g_autoptr(GPtrArray) partial_results = search(without_a);
    g_assert_cmpuint(partial_results->len, ==, partial);
    g_object_unref(without_a);
    g_assert_cmpint(g_rename(a_away, a_path), ==, 0);

    /* B complete: B serves, exactly as a library indexed with B alone. */
    index_all(lib);
    g_assert_cmpuint(indexed(lib), ==, N_PHOTOS);
    g_autofree char *serving_b = serving(lib);
    g_assert_cmpstr(serving_b, ==, id_b);
    g_autoptr(GPtrArray) results_b = search(lib);
    g_autofree char *db_b = in(tmp, "only-b.db");
    GlanceLibrary *only_b = open_library(db_b, model_b, b_path);
    index_all(only_b);
    g_autoptr(GPtrArray) reference_b = search(only_b);
    g_object_unref(only_b);
    g_assert_true(same_results(results_b, reference_b));
    g_assert_false(same_results(results_b, results_a)); /* F16 weights: other scores */
    check_cli(db, b_path, reference_b);
    /* And recorded: a library opened with B serves B too. */
    GlanceLibrary *after = open_library(db, model_b, b_path);
    g_autofree char *serving_after = serving(after);
    g_assert_cmpstr(serving_after, ==, id_b);
    g_object_unref(after);

    /* Back to A, whose vectors are complete: it serves at once. */
    g_assert_true(glance_library_set_model(lib, model_a, a_path, &error));
    g_autofree char *serving_back = serving(lib);
    g_assert_cmpstr(serving_back, ==, id_a);
    g_autoptr(GPtrArray) back = search(lib);
    g_assert_true(same_results(back, results_a));
    g_object_unref(lib);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *base = g_getenv("GLANCE_TEST_TMP");
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    const char *cli = g_getenv("GLANCE_CLI");
    if (!base || !golden || !cli) {
        g_printerr("GLANCE_TEST_TMP, GLANCE_GOLDEN_MODEL_FILE and GLANCE_CLI must be set (run through meson test)\n");
        return 1;
    }
    tmp = g_build_filename(base, "library-switch", NULL);
    photos = g_build_filename(tmp, "photos", NULL);
    g_free(run_or_die((const char *[]){ "rm", "-rf", tmp, NULL }));
    g_mkdir_with_parents(tmp, 0700);
    g_autofree char *n = g_strdup_printf("%d", N_PHOTOS);
    g_free(run_or_die((const char *[]){ "/usr/bin/python3", "tests/library/make-photos.py", photos, n, "--seed", "5",
                                        NULL }));
    g_autofree char *captions = in(photos, "captions.json");
    g_unlink(captions);
    a_path = in(tmp, "model-a.safetensors");
    b_path = in(tmp, "model-b-f16.safetensors");
    copy_file(golden, a_path);
    g_free(run_or_die((const char *[]){ cli, "import", "../shared/golden/vlmo-ref-a/vlmo-ref-a.pt", "--vocab",
                                        "../shared/vocab/bert-base-uncased-vocab.txt", "--answers",
                                        "../shared/vqa/vqav2-answers-3129.txt", "--dtype", "f16", "-o", b_path,
                                        NULL }));
    GlanceError err = { 0 };
    if (glance_model_open(a_path, &model_a, &err) != GLANCE_OK || glance_model_open(b_path, &model_b, &err) != GLANCE_OK) {
        g_printerr("%s\n", err.message);
        return 1;
    }
    glance_set_threads(1);
    g_test_add_func("/library/switch/previous-model-serves-until-complete", test_switch);
    int status = g_test_run();
    glance_model_close(model_a);
    glance_model_close(model_b);
    return status;
}

/* test-variants.c — the engine on checkpoint layouts that the official golden
 * data (../shared/golden/vlmo-ref-a) does not cover: absolute positions without
 * layer scale (base-plus), F16 storage, DeepSpeed and {"model"} wrappings,
 * other vlffn_start, image, patch and text sizes, partial head sets.
 *
 * tests/golden/make-variants.py builds the checkpoints and their expected
 * outputs with the project's PyTorch reference (tools/train/vlmo.py, proven
 * against the official code by the pytorch-reference-golden test). This test
 * imports each checkpoint with `glance-cli import` (the real user path), opens
 * the result and compares every engine entry point against those outputs
 * within 1e-4 + 1e-4 * |expected|. It runs the same checks on the file the
 * Python exporter wrote from the same weights ("[py-export]"), which tells an
 * importer problem from an engine problem and covers the trainer's export.
 *
 * Usage: test-variants [OUTDIR]   (run from the source root; meson does)
 * OUTDIR defaults to $GLANCE_BUILD_DIR/tests/golden/variants and is
 * (re)generated when missing or older than the generator. Exit 77 = skipped
 * (no PyTorch to generate the data). */
#include "glance-engine.h"
#include "npy.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TOL_ABS 1e-4
#define TOL_REL 1e-4
#define EXIT_SKIP 77

static const char *GENERATOR = "tests/golden/make-variants.py";
static const char *REFERENCE = "tools/train/vlmo.py";

/* ---- bookkeeping: worst error per output kind ---- */

typedef struct {
    char kind[48];
    double worst;     /* max |a - e| / (TOL_ABS + TOL_REL |e|) */
    double worst_abs; /* max |a - e| at that worst case */
    char where[96];   /* variant/case */
    int checked;
} KindStat;

static KindStat stats[32];
static int n_stats;
static int failures;

static KindStat *kind_stat(const char *kind)
{
    for (int i = 0; i < n_stats; i++)
        if (strcmp(stats[i].kind, kind) == 0)
            return &stats[i];
    g_assert(n_stats < (int)G_N_ELEMENTS(stats));
    KindStat *s = &stats[n_stats++];
    g_strlcpy(s->kind, kind, sizeof s->kind);
    return s;
}

static void fail(const char *where, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "FAIL %s: %s\n", where, msg);
    g_free(msg);
    failures++;
}

/* Compares `count` floats with the expected .npy at outdir/rel. */
static void compare(const char *kind, const char *where, const float *actual, size_t count,
                    const char *outdir, const char *rel)
{
    char *path = g_build_filename(outdir, rel, NULL);
    Npy expected;
    if (npy_load(path, &expected) != 0) {
        fail(where, "%s: cannot read %s", kind, path);
        g_free(path);
        return;
    }
    g_free(path);
    if (strcmp(expected.dtype, "<f4") != 0 || expected.count != count) {
        fail(where, "%s: expected %zu float32 values, %s holds %zu of %s", kind, count, rel,
             expected.count, expected.dtype);
        npy_free(&expected);
        return;
    }
    const float *e = expected.data;
    double worst = 0, worst_abs = 0;
    for (size_t i = 0; i < count; i++) {
        double err = fabs((double)actual[i] - (double)e[i]);
        double fraction = err / (TOL_ABS + TOL_REL * fabs((double)e[i]));
        if (!(fraction <= worst)) { /* also catches NaN */
            worst = isnan(fraction) ? INFINITY : fraction;
            worst_abs = err;
        }
    }
    npy_free(&expected);
    KindStat *s = kind_stat(kind);
    s->checked++;
    if (worst >= s->worst) {
        s->worst = worst;
        s->worst_abs = worst_abs;
        g_strlcpy(s->where, where, sizeof s->where);
    }
    if (worst > 1.0)
        fail(where, "%s off by %.3g (%.2f x tolerance)", kind, worst_abs, worst);
}

/* A call that must fail with GLANCE_ERR_UNSUPPORTED (the head is absent). */
static void expect_unsupported(const char *what, const char *where, GlanceStatus status)
{
    KindStat *s = kind_stat("absent head -> UNSUPPORTED");
    s->checked++;
    if (status != GLANCE_ERR_UNSUPPORTED)
        fail(where, "%s on a model without that head returned %s, not UNSUPPORTED", what,
             glance_status_name(status));
}

static gboolean ok(GlanceStatus status, const GlanceError *err, const char *what,
                   const char *where)
{
    if (status == GLANCE_OK)
        return TRUE;
    fail(where, "%s: %s: %s", what, glance_status_name(status), err->message);
    return FALSE;
}

/* ---- inputs ---- */

static float *load_pixels(const char *outdir, const char *rel, int image_size)
{
    char *path = g_build_filename(outdir, rel, NULL);
    Npy npy;
    int rc = npy_load(path, &npy);
    g_free(path);
    if (rc != 0)
        return NULL;
    if (strcmp(npy.dtype, "<f4") != 0 || npy.count != (size_t)3 * image_size * image_size) {
        fprintf(stderr, "%s: not (3, %d, %d) float32\n", rel, image_size, image_size);
        npy_free(&npy);
        return NULL;
    }
    return npy.data; /* the caller frees it */
}

static int32_t *json_ids(JsonObject *c, int *n)
{
    JsonArray *a = json_object_get_array_member(c, "ids");
    *n = (int)json_array_get_length(a);
    int32_t *ids = g_new(int32_t, *n);
    for (int i = 0; i < *n; i++)
        ids[i] = (int32_t)json_array_get_int_element(a, i);
    return ids;
}

static const char *output(JsonObject *c, const char *name)
{
    JsonObject *o = json_object_get_object_member(c, "outputs");
    return json_object_has_member(o, name) ? json_object_get_string_member(o, name) : NULL;
}

/* ---- generating and importing ---- */

static gboolean newer(const char *a, const char *b)
{
    GStatBuf sa, sb;
    return g_stat(a, &sa) == 0 && g_stat(b, &sb) == 0 && sa.st_mtime > sb.st_mtime;
}

/* Returns 0, EXIT_SKIP or 1. */
static int ensure_variants(const char *outdir)
{
    char *manifest = g_build_filename(outdir, "manifest.json", NULL);
    gboolean fresh = g_file_test(manifest, G_FILE_TEST_EXISTS) &&
                     !newer(GENERATOR, manifest) && !newer(REFERENCE, manifest);
    g_free(manifest);
    if (fresh)
        return 0;
    const char *argv[] = {"/usr/bin/python3", GENERATOR, outdir, NULL};
    int wait_status;
    GError *error = NULL;
    printf("generating %s with %s\n", outdir, GENERATOR);
    fflush(stdout); /* before the child writes to the same stream */
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                      &wait_status, &error)) {
        fprintf(stderr, "cannot run %s: %s\n", GENERATOR, error->message);
        g_error_free(error);
        return EXIT_SKIP;
    }
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == EXIT_SKIP)
        return EXIT_SKIP;
    if (!g_spawn_check_wait_status(wait_status, &error)) {
        fprintf(stderr, "%s failed: %s\n", GENERATOR, error->message);
        g_error_free(error);
        return 1;
    }
    return 0;
}

static gboolean import_variant(const char *cli, const char *outdir, JsonObject *v,
                               const char *out_path)
{
    const char *name = json_object_get_string_member(v, "name");
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup(cli));
    g_ptr_array_add(argv, g_strdup("import"));
    g_ptr_array_add(argv, g_build_filename(outdir, json_object_get_string_member(v, "checkpoint"), NULL));
    g_ptr_array_add(argv, g_strdup("--vocab"));
    g_ptr_array_add(argv, g_build_filename(outdir, json_object_get_string_member(v, "vocab"), NULL));
    if (!json_node_is_null(json_object_get_member(v, "answers"))) {
        g_ptr_array_add(argv, g_strdup("--answers"));
        g_ptr_array_add(argv, g_build_filename(outdir, json_object_get_string_member(v, "answers"), NULL));
    }
    JsonArray *flags = json_object_get_array_member(v, "flags");
    for (guint i = 0; i < json_array_get_length(flags); i++)
        g_ptr_array_add(argv, g_strdup(json_array_get_string_element(flags, i)));
    g_ptr_array_add(argv, g_strdup("--name"));
    g_ptr_array_add(argv, g_strdup(name));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup(out_path));
    g_ptr_array_add(argv, NULL);

    g_unlink(out_path);
    char *err_text = NULL;
    int wait_status;
    GError *error = NULL;
    gboolean ran = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, NULL, &err_text, &wait_status, &error);
    gboolean good = ran && g_spawn_check_wait_status(wait_status, &error);
    if (!good) {
        char *cmd = g_strjoinv(" ", (char **)argv->pdata);
        fail(name, "import failed (%s): %s\n  %s", error ? error->message : "?",
             err_text ? g_strstrip(err_text) : "", cmd);
        g_free(cmd);
    }
    g_clear_error(&error);
    g_free(err_text);
    g_ptr_array_unref(argv);
    return good;
}

/* The importer must infer what the reference was built with. */
static void check_config(const GlanceConfig *c, JsonObject *want, const char *where)
{
#define INT_FIELD(field) { #field, c->field }
    struct { const char *key; int have; } fields[] = {
        INT_FIELD(dim), INT_FIELD(depth), INT_FIELD(heads), INT_FIELD(mlp_hidden),
        INT_FIELD(vlffn_start), INT_FIELD(patch_size), INT_FIELD(image_size),
        INT_FIELD(max_text_len), INT_FIELD(vocab_size), INT_FIELD(rel_pos),
        INT_FIELD(abs_pos), INT_FIELD(layer_scale), INT_FIELD(token_types),
        INT_FIELD(num_answers),
    };
#undef INT_FIELD
    KindStat *s = kind_stat("model config");
    s->checked++;
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        JsonNode *node = json_object_get_member(want, fields[i].key);
        int expected = json_node_get_value_type(node) == G_TYPE_BOOLEAN
                           ? json_node_get_boolean(node) : (int)json_node_get_int(node);
        if (fields[i].have != expected)
            fail(where, "config %s = %d, expected %d", fields[i].key, fields[i].have, expected);
    }
    struct { const char *head; int have; } heads[] = {
        {"pooler", c->has_pooler}, {"itm", c->has_itm}, {"itc", c->has_itc},
        {"itc_vl", c->has_itc_vl}, {"mlm", c->has_mlm}, {"vqa", c->has_vqa},
        {"nlvr2", c->has_nlvr2},
    };
    JsonArray *present = json_object_get_array_member(want, "heads_present");
    for (size_t i = 0; i < G_N_ELEMENTS(heads); i++) {
        int expected = 0;
        for (guint j = 0; j < json_array_get_length(present); j++)
            expected |= strcmp(json_array_get_string_element(present, j), heads[i].head) == 0;
        if (!!heads[i].have != expected)
            fail(where, "head %s present = %d, expected %d", heads[i].head, heads[i].have,
                 expected);
    }
}

/* ---- one case ---- */

static void run_case(GlanceContext *ctx, const GlanceConfig *cfg, const char *outdir,
                     const char *variant, JsonObject *c)
{
    char *where = g_strdup_printf("%s/%s", variant, json_object_get_string_member(c, "id"));
    const char *kind = json_object_get_string_member(c, "kind");
    int dim = cfg->dim, patches = (cfg->image_size / cfg->patch_size) * (cfg->image_size / cfg->patch_size);
    GlanceError err = {0};
    int n_ids = 0;
    int32_t *ids = json_object_has_member(c, "ids") ? json_ids(c, &n_ids) : NULL;
    float *pixels = NULL;
    if (json_object_has_member(c, "pixels") &&
        !(pixels = load_pixels(outdir, json_object_get_string_member(c, "pixels"), cfg->image_size))) {
        fail(where, "cannot load the input pixels");
        goto out;
    }

    if (strcmp(kind, "fusion") == 0) {
        float *cls = g_new(float, dim), *raw = g_new(float, dim);
        float *text = g_new(float, (size_t)n_ids * dim);
        float *image = g_new(float, (size_t)(1 + patches) * dim);
        GlanceFusionOutputs o = { .cls_feats = cls, .raw_cls_feats = raw, .text_feats = text, .image_feats = image };
        int token_type = (int)json_object_get_int_member(c, "token_type");
        if (ok(glance_fusion_forward(ctx, ids, n_ids, pixels, token_type, &o, &err),
               &err, "glance_fusion_forward", where)) {
            compare("fusion cls_feats", where, cls, dim, outdir, output(c, "cls_feats"));
            if (output(c, "raw_cls_feats")) {
                compare("fusion raw_cls_feats", where, raw, dim, outdir, output(c, "raw_cls_feats"));
                compare("fusion text_feats", where, text, (size_t)n_ids * dim, outdir,
                        output(c, "text_feats"));
                compare("fusion image_feats", where, image, (size_t)(1 + patches) * dim, outdir,
                        output(c, "image_feats"));
            }
            float logits2[2];
            if (output(c, "vqa_logits")) {
                float *vqa = g_new(float, cfg->num_answers);
                if (ok(glance_vqa_head(ctx, cls, vqa, &err), &err, "glance_vqa_head", where))
                    compare("vqa logits", where, vqa, cfg->num_answers, outdir, output(c, "vqa_logits"));
                g_free(vqa);
            } else if (!cfg->has_vqa) {
                float dummy[1];
                expect_unsupported("glance_vqa_head", where, glance_vqa_head(ctx, cls, dummy, &err));
            }
            if (output(c, "itm_logits")) {
                if (ok(glance_itm_head(ctx, cls, logits2, &err), &err, "glance_itm_head", where))
                    compare("itm logits", where, logits2, 2, outdir, output(c, "itm_logits"));
            } else if (!cfg->has_itm) {
                expect_unsupported("glance_itm_head", where, glance_itm_head(ctx, cls, logits2, &err));
            }
            if (!cfg->has_nlvr2)
                expect_unsupported("glance_nlvr2_head", where,
                                   glance_nlvr2_head(ctx, cls, cls, logits2, &err));
        }
        g_free(cls); g_free(raw); g_free(text); g_free(image);
    } else if (strcmp(kind, "nlvr2") == 0) {
        float *left = load_pixels(outdir, json_object_get_string_member(c, "left"), cfg->image_size);
        float *right = load_pixels(outdir, json_object_get_string_member(c, "right"), cfg->image_size);
        float *cls_l = g_new(float, dim), *cls_r = g_new(float, dim), logits[2];
        GlanceFusionOutputs ol = { .cls_feats = cls_l }, or_ = { .cls_feats = cls_r };
        if (!left || !right)
            fail(where, "cannot load the input pixels");
        else if (ok(glance_fusion_forward(ctx, ids, n_ids, left, 1, &ol, &err), &err, "fusion left", where) &&
                 ok(glance_fusion_forward(ctx, ids, n_ids, right, 2, &or_, &err), &err, "fusion right", where) &&
                 ok(glance_nlvr2_head(ctx, cls_l, cls_r, logits, &err), &err, "glance_nlvr2_head", where))
            compare("nlvr2 logits", where, logits, 2, outdir, output(c, "nlvr2_logits"));
        g_free(left); g_free(right); g_free(cls_l); g_free(cls_r);
    } else if (strcmp(kind, "image") == 0 || strcmp(kind, "text") == 0) {
        gboolean is_image = kind[0] == 'i';
        float *vec = g_new(float, dim);
        for (int vl = 0; vl <= 1; vl++) {
            const char *want = output(c, vl ? "vl_vector" : "vector");
            GlanceStatus st = is_image ? glance_image_forward(ctx, pixels, vl, vec, &err)
                                       : glance_text_forward(ctx, ids, n_ids, vl, vec, &err);
            char label[32];
            g_snprintf(label, sizeof label, "itc %s%s", kind, vl ? " vl" : "");
            if (want) {
                if (ok(st, &err, label, where))
                    compare(label, where, vec, dim, outdir, want);
            } else if (vl && !cfg->has_itc_vl) {
                expect_unsupported(label, where, st);
            }
        }
        g_free(vec);
    } else if (strcmp(kind, "mlm") == 0) {
        float *logits = g_new(float, cfg->vocab_size);
        int position = (int)json_object_get_int_member(c, "position");
        if (ok(glance_mlm_forward(ctx, ids, n_ids, pixels, position, logits, &err), &err,
               "glance_mlm_forward", where))
            compare(pixels ? "mlm fusion logits" : "mlm text logits", where, logits,
                    cfg->vocab_size, outdir, output(c, "logits"));
        g_free(logits);
    } else {
        fail(where, "unknown case kind %s", kind);
    }
out:
    g_free(ids);
    g_free(pixels);
    g_free(where);
}

/* ---- one variant ---- */

/* cli == NULL: the Python exporter's file instead of an import. */
static void run_variant(const char *cli, const char *outdir, JsonObject *v)
{
    const char *variant = json_object_get_string_member(v, "name");
    char *name = g_strdup_printf("%s[%s]", variant, cli ? "import" : "py-export");
    char *model_path = cli ? g_strdup_printf("%s/%s/model.safetensors", outdir, variant)
                           : g_build_filename(outdir, json_object_get_string_member(v, "reference_model"), NULL);
    int failures_before = failures;
    GlanceModel *model = NULL;
    GlanceContext *ctx = NULL;
    GlanceError err = {0};

    if (cli && !import_variant(cli, outdir, v, model_path))
        goto out;
    if (!ok(glance_model_open(model_path, &model, &err), &err, "glance_model_open", name) ||
        !ok(glance_context_new(model, &ctx, &err), &err, "glance_context_new", name))
        goto out;
    const GlanceConfig *cfg = glance_model_config(model);
    check_config(cfg, json_object_get_object_member(v, "config"), name);
    if (failures != failures_before)
        goto out; /* a wrong architecture makes every comparison meaningless */

    JsonArray *cases = json_object_get_array_member(v, "cases");
    for (guint i = 0; i < json_array_get_length(cases); i++) {
        JsonObject *c = json_array_get_object_element(cases, i);
        if (strcmp(json_object_get_string_member(c, "kind"), "logit_scales") == 0) {
            char *where = g_strdup_printf("%s/logit_scales", name);
            for (int vl = 0; vl <= 1; vl++) {
                const char *want = output(c, vl ? "logit_vl_scale_exp" : "logit_scale_exp");
                float scale = glance_model_logit_scale(model, vl);
                if (want)
                    compare("exp(logit scale)", where, &scale, 1, outdir, want);
            }
            g_free(where);
            continue;
        }
        run_case(ctx, cfg, outdir, name, c);
    }
out:
    printf("%-24s %s\n", name, failures == failures_before ? "ok" : "FAILED");
    glance_context_free(ctx);
    glance_model_close(model);
    g_free(model_path);
    g_free(name);
}

int main(int argc, char **argv)
{
    const char *build = g_getenv("GLANCE_BUILD_DIR");
    char *outdir = argc > 1 ? g_strdup(argv[1])
                            : g_build_filename(build ? build : "build", "tests", "golden",
                                               "variants", NULL);
    int rc = ensure_variants(outdir);
    if (rc != 0) {
        if (rc == EXIT_SKIP)
            printf("SKIP: cannot generate the variant checkpoints (no PyTorch)\n");
        g_free(outdir);
        return rc;
    }
    const char *cli = g_getenv("GLANCE_CLI");
    if (!cli) /* still run the py-export half */
        fail("setup", "GLANCE_CLI is not set (meson sets it to the glance-cli path)");

    char *manifest_path = g_build_filename(outdir, "manifest.json", NULL);
    JsonParser *parser = json_parser_new();
    GError *error = NULL;
    if (!json_parser_load_from_file(parser, manifest_path, &error)) {
        fprintf(stderr, "%s: %s\n", manifest_path, error->message);
        return 1;
    }
    glance_set_threads(1);
    JsonArray *variants = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "variants");
    for (guint i = 0; i < json_array_get_length(variants); i++) {
        if (cli)
            run_variant(cli, outdir, json_array_get_object_element(variants, i));
        run_variant(NULL, outdir, json_array_get_object_element(variants, i));
    }

    printf("\n%-30s %8s %12s %7s  %s\n", "output kind", "worst/tol", "max abs err", "checks",
           "where");
    for (int i = 0; i < n_stats; i++)
        printf("%-30s %8.4f %12.3e %7d  %s\n", stats[i].kind, stats[i].worst, stats[i].worst_abs,
               stats[i].checked, stats[i].where);
    printf("%s\n", failures ? "FAIL" : "PASS");

    g_object_unref(parser);
    g_free(manifest_path);
    g_free(outdir);
    return failures ? 1 : 0;
}

/* test-golden.c — reproduces every output of ../shared/golden/vlmo-ref-a, end to end:
 * the official checkpoint goes through `glance-cli import`, images are decoded from the
 * PNG files, texts tokenised from the raw strings. Tolerance (from the manifest):
 * |actual - expected| <= 1e-4 + 1e-4 |expected| (debug hidden states 2e-4 + 2e-4 |e|).
 * Prints the worst error of each output kind as a fraction of its tolerance. */
#include "glance-engine.h"
#include "engine-private.h"
#include "glance-image.h"
#include "npy.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN "../shared/golden/vlmo-ref-a"

static int failures, checks;

/* Worst error per output kind, as a fraction of the tolerance. */
static GHashTable *worst;

static void note_worst(const char *kind, double fraction)
{
    double *w = g_hash_table_lookup(worst, kind);
    if (!w) {
        w = g_new0(double, 1);
        g_hash_table_insert(worst, g_strdup(kind), w);
    }
    if (fraction > *w)
        *w = fraction;
}

static void fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    failures++;
}

static Npy load_npy(const char *rel)
{
    g_autofree char *path = g_build_filename(GOLDEN, rel, NULL);
    Npy npy;
    if (npy_load(path, &npy) != 0) {
        fail("cannot read %s", path);
        exit(1);
    }
    return npy;
}

/* Compares count floats; expected may be a prefix of a larger array (stride = row length). */
static void check_floats(const char *kind, const char *case_id, const float *actual, const float *expected,
                         long count, double tol)
{
    double worst_fraction = 0;
    long worst_at = 0;
    for (long i = 0; i < count; i++) {
        double allowed = tol + tol * fabs(expected[i]);
        double err = fabs((double)actual[i] - expected[i]);
        double fraction = isnan(err) ? INFINITY : err / allowed;
        if (fraction > worst_fraction) {
            worst_fraction = fraction;
            worst_at = i;
        }
    }
    checks++;
    note_worst(kind, worst_fraction);
    if (worst_fraction > 1.0)
        fail("%s %s: element %ld is %.7g, expected %.7g (%.2f x tolerance)", case_id, kind, worst_at,
             actual[worst_at], expected[worst_at], worst_fraction);
}

static void check_file(const char *kind, const char *case_id, const float *actual, JsonObject *outputs,
                       const char *name, long count, double tol)
{
    JsonObject *o = json_object_get_object_member(outputs, name);
    Npy e = load_npy(json_object_get_string_member(o, "file"));
    if ((long)e.count < count) {
        fail("%s %s: expected array has %zu elements, need %ld", case_id, kind, e.count, count);
    } else {
        check_floats(kind, case_id, actual, e.data, count, tol);
    }
    npy_free(&e);
}

typedef struct {
    GlanceModel *model;
    GlanceContext *ctx;
    JsonArray *texts, *images;
    int dim;
    int32_t ids[8][64];       /* per text, tokenised by the engine */
    int n_ids[8];
    float *pixels[8];         /* per image, preprocessed by the engine */
    GlanceDecodedImage *decoded[8];
} Golden;

static void check_tokens(Golden *g)
{
    for (guint t = 0; t < json_array_get_length(g->texts); t++) {
        JsonObject *text = json_array_get_object_element(g->texts, t);
        const char *raw = json_object_get_string_member(text, "text");
        JsonArray *ids = json_object_get_array_member(text, "input_ids");
        JsonArray *mask = json_object_get_array_member(text, "attention_mask");
        GlanceError err = { 0 };
        if (glance_tokenize(g->model, raw, g->ids[t], &g->n_ids[t], &err) != GLANCE_OK) {
            fail("tokenize text %u: %s", t, err.message);
            continue;
        }
        int real = 0;
        for (guint i = 0; i < json_array_get_length(mask); i++)
            real += (int)json_array_get_int_element(mask, i);
        gboolean same = real == g->n_ids[t];
        for (int i = 0; same && i < real; i++)
            same = g->ids[t][i] == json_array_get_int_element(ids, i);
        checks++;
        if (!same)
            fail("text %u \"%s\": token ids differ from the reference", t, raw);
    }
}

static void check_images(Golden *g)
{
    for (guint i = 0; i < json_array_get_length(g->images); i++) {
        JsonObject *image = json_array_get_object_element(g->images, i);
        g_autofree char *path = g_build_filename(GOLDEN, json_object_get_string_member(image, "file"), NULL);
        GError *error = NULL;
        g->decoded[i] = glance_image_load(path, 0, &error);
        if (!g->decoded[i]) {
            fail("decode %s: %s", path, error->message);
            exit(1);
        }
        const GlanceConfig *c = glance_model_config(g->model);
        int size = c->image_size;
        g_autofree uint8_t *rgb = g_malloc((gsize)size * size * 3);
        GlanceError err = { 0 };
        if (glance_resize_rgb8(&g->decoded[i]->image, size, rgb, &err) != GLANCE_OK) {
            fail("resize image %u: %s", i, err.message);
            exit(1);
        }
        Npy resized = load_npy(json_object_get_string_member(json_object_get_object_member(image, "resized_uint8"),
                                                             "file"));
        checks++;
        if (resized.count != (size_t)size * size * 3 || memcmp(resized.data, rgb, resized.count) != 0)
            fail("image %u: resized pixels differ from PIL's", i);
        npy_free(&resized);
        g->pixels[i] = g_new(float, 3 * size * size);
        glance_preprocess_image(g->model, &g->decoded[i]->image, g->pixels[i], &err);
        Npy pv = load_npy(json_object_get_string_member(json_object_get_object_member(image, "pixel_values"),
                                                        "file"));
        checks++;
        if (pv.count != (size_t)3 * size * size || memcmp(pv.data, g->pixels[i], pv.count * 4) != 0)
            fail("image %u: pixel values differ", i);
        npy_free(&pv);
    }
}

/* Collects block outputs through the engine's test hook. */
typedef struct {
    float *rows;    /* (calls, n, dim) */
    int calls, n;
} BlockTrace;

static void record_block(void *data, int call, const float *x, int n, int dim)
{
    BlockTrace *t = data;
    t->rows = g_realloc(t->rows, (gsize)(call + 1) * n * dim * sizeof(float));
    memcpy(t->rows + (gsize)call * n * dim, x, (gsize)n * dim * sizeof(float));
    t->calls = call + 1;
    t->n = n;
}

/* Debug block outputs are stored padded: (calls, padded_n, dim); compare the real rows.
 * rows_map(i) gives the padded row of our row i. */
static void check_blocks(Golden *g, const char *case_id, BlockTrace *trace, const char *file, int n_text,
                         int text_stride, const int *call_map, int calls)
{
    Npy e = load_npy(file);
    int padded_n = (int)e.shape[1], dim = g->dim;
    for (int c = 0; c < calls; c++) {
        const float *exp_call = (const float *)e.data + (long)call_map[c] * padded_n * dim;
        const float *act_call = trace->rows + (long)c * trace->n * dim;
        char kind[64];
        snprintf(kind, sizeof kind, "debug block outputs");
        for (int r = 0; r < trace->n; r++) {
            int pr = r < n_text ? r : text_stride + (r - n_text);
            check_floats(kind, case_id, act_call + (long)r * dim, exp_call + (long)pr * dim, dim, 2e-4);
        }
    }
    npy_free(&e);
}

static void run_fusion(Golden *g, JsonObject *c, const char *id)
{
    int t = (int)json_object_get_int_member(c, "text"), im = (int)json_object_get_int_member(c, "image");
    JsonObject *outputs = json_object_get_object_member(c, "outputs");
    int dim = g->dim, max_len = glance_model_config(g->model)->max_text_len;
    float *cls = g_new(float, dim), *raw = g_new(float, dim);
    float *text_feats = g_new(float, g->n_ids[t] * dim), *image_feats = g_new(float, 4096 * dim);
    GlanceFusionOutputs out = { .cls_feats = cls, .raw_cls_feats = raw, .text_feats = text_feats, .image_feats = image_feats };
    GlanceError err = { 0 };
    BlockTrace trace = { 0 };
    JsonObject *debug = json_object_has_member(c, "debug") ? json_object_get_object_member(c, "debug") : NULL;
    if (debug)
        glance_context_set_block_hook(g->ctx, record_block, &trace);
    if (glance_fusion_forward(g->ctx, g->ids[t], g->n_ids[t], g->pixels[im], 1, &out, &err) != GLANCE_OK) {
        fail("%s: %s", id, err.message);
        return;
    }
    glance_context_set_block_hook(g->ctx, NULL, NULL);
    check_file("fusion cls_feats", id, cls, outputs, "cls_feats", dim, 1e-4);
    check_file("fusion raw_cls_feats", id, raw, outputs, "raw_cls_feats", dim, 1e-4);
    check_file("fusion text_feats", id, text_feats, outputs, "text_feats", (long)g->n_ids[t] * dim, 1e-4);
    const GlanceConfig *cfg = glance_model_config(g->model);
    long side = cfg->image_size / cfg->patch_size;
    check_file("fusion image_feats", id, image_feats, outputs, "image_feats", (1 + side * side) * dim, 1e-4);
    float *logits = g_new(float, glance_model_num_answers(g->model));
    glance_vqa_head(g->ctx, cls, logits, &err);
    check_file("vqa logits", id, logits, outputs, "vqa_logits", glance_model_num_answers(g->model), 1e-4);
    float itm[2];
    glance_itm_head(g->ctx, cls, itm, &err);
    check_file("itm logits", id, itm, outputs, "itm_logits", 2, 1e-4);

    /* The user-level call, from decoded image and raw question, must agree too. */
    const char *raw_text = json_object_get_string_member(json_array_get_object_element(g->texts, t), "text");
    if (glance_vqa(g->ctx, &g->decoded[im]->image, raw_text, logits, &err) != GLANCE_OK)
        fail("%s glance_vqa: %s", id, err.message);
    else
        check_file("vqa logits (end to end)", id, logits, outputs, "vqa_logits", glance_model_num_answers(g->model), 1e-4);

    if (debug) {
        int calls = 0;
        int map[16];
        for (int i = 0; i < trace.calls && i < 16; i++)
            map[calls++] = i;
        check_blocks(g, id, &trace,
                     json_object_get_string_member(json_object_get_object_member(debug, "block_outputs"), "file"),
                     g->n_ids[t], max_len, map, calls);
        g_free(trace.rows);
    }
    g_free(logits);
    g_free(cls); g_free(raw); g_free(text_feats); g_free(image_feats);
}

static void run_nlvr2(Golden *g, JsonObject *c, const char *id)
{
    int t = (int)json_object_get_int_member(c, "text");
    int left = (int)json_object_get_int_member(c, "image_left"), right = (int)json_object_get_int_member(c, "image_right");
    JsonObject *outputs = json_object_get_object_member(c, "outputs");
    g_autofree float *cl = g_new(float, g->dim), *cr = g_new(float, g->dim);
    GlanceFusionOutputs ol = { .cls_feats = cl }, orr = { .cls_feats = cr };
    GlanceError err = { 0 };
    float logits[2];
    if (glance_fusion_forward(g->ctx, g->ids[t], g->n_ids[t], g->pixels[left], 1, &ol, &err) != GLANCE_OK ||
        glance_fusion_forward(g->ctx, g->ids[t], g->n_ids[t], g->pixels[right], 2, &orr, &err) != GLANCE_OK ||
        glance_nlvr2_head(g->ctx, cl, cr, logits, &err) != GLANCE_OK) {
        fail("%s: %s", id, err.message);
        return;
    }
    check_file("nlvr2 cls_feats", id, cl, outputs, "cls_feats_left", g->dim, 1e-4);
    check_file("nlvr2 cls_feats", id, cr, outputs, "cls_feats_right", g->dim, 1e-4);
    check_file("nlvr2 logits", id, logits, outputs, "nlvr2_logits", 2, 1e-4);
    const char *raw_text = json_object_get_string_member(json_array_get_object_element(g->texts, t), "text");
    if (glance_nlvr2(g->ctx, &g->decoded[left]->image, &g->decoded[right]->image, raw_text, logits, &err) != GLANCE_OK)
        fail("%s glance_nlvr2: %s", id, err.message);
    else
        check_file("nlvr2 logits (end to end)", id, logits, outputs, "nlvr2_logits", 2, 1e-4);
}

/* Retrieval vectors are kept for the score matrices. */
static float image_vec[2][8][512], text_vec[2][8][512];

static void run_retrieval(Golden *g, JsonObject *c, const char *id, gboolean is_image)
{
    int idx = (int)json_object_get_int_member(c, is_image ? "image" : "text");
    JsonObject *outputs = json_object_get_object_member(c, "outputs");
    JsonObject *debug = json_object_has_member(c, "debug") ? json_object_get_object_member(c, "debug") : NULL;
    for (int vl = 0; vl < 2; vl++) {
        float *v = is_image ? image_vec[vl][idx] : text_vec[vl][idx];
        GlanceError err = { 0 };
        BlockTrace trace = { 0 };
        if (debug)
            glance_context_set_block_hook(g->ctx, record_block, &trace);
        GlanceStatus s = is_image ? glance_image_forward(g->ctx, g->pixels[idx], vl, v, &err)
                                  : glance_text_forward(g->ctx, g->ids[idx], g->n_ids[idx], vl, v, &err);
        glance_context_set_block_hook(g->ctx, NULL, NULL);
        if (s != GLANCE_OK) {
            fail("%s: %s", id, err.message);
            return;
        }
        check_file(is_image ? (vl ? "image ITC-VL vector" : "image ITC vector")
                            : (vl ? "text ITC-VL vector" : "text ITC vector"),
                   id, v, outputs, vl ? "cls_vlffn_feats" : "cls_feats", g->dim, 1e-4);
        if (debug) {
            /* Official order: every layer with the modality expert, then the VL layers again. */
            const GlanceConfig *cfg = glance_model_config(g->model);
            int map[16], calls = 0;
            for (int i = 0; i < trace.calls && i < 16; i++)
                map[calls++] = vl && i >= cfg->vlffn_start ? cfg->depth + (i - cfg->vlffn_start) : i;
            check_blocks(g, id, &trace,
                         json_object_get_string_member(json_object_get_object_member(debug, "block_outputs"), "file"),
                         is_image ? 0 : trace.n, is_image ? 0 : cfg->max_text_len, map, calls);
            g_free(trace.rows);
        }
        /* User-level call agrees with the preprocessed one. */
        float *again = g_new(float, g->dim);
        const char *raw_text = is_image ? NULL
            : json_object_get_string_member(json_array_get_object_element(g->texts, idx), "text");
        s = is_image ? glance_embed_image(g->ctx, &g->decoded[idx]->image, vl, again, &err)
                     : glance_embed_text(g->ctx, raw_text, vl, again, &err);
        if (s != GLANCE_OK)
            fail("%s embed: %s", id, err.message);
        else
            check_floats("ITC vectors (end to end)", id, again, v, g->dim, 1e-6);
        g_free(again);
    }
}

static void run_scores(Golden *g, JsonObject *c, const char *id)
{
    JsonObject *outputs = json_object_get_object_member(c, "outputs");
    int n_img = (int)json_array_get_length(g->images), n_txt = (int)json_array_get_length(g->texts);
    for (int vl = 0; vl < 2; vl++) {
        float scale = glance_model_logit_scale(g->model, vl);
        float *scores = g_new(float, n_img * n_txt);
        for (int i = 0; i < n_img; i++)
            for (int t = 0; t < n_txt; t++) {
                double dot = 0;
                for (int j = 0; j < g->dim; j++)
                    dot += (double)image_vec[vl][i][j] * text_vec[vl][t][j];
                scores[i * n_txt + t] = scale * (float)dot;
            }
        check_file("ITC score matrices", id, scores, outputs, vl ? "itc_vl_logits" : "itc_logits", n_img * n_txt, 1e-4);
        float raw = logf(scale);
        check_file("logit scales", id, &raw, outputs, vl ? "logit_vl_scale" : "logit_scale", 1, 1e-4);
        g_free(scores);
    }
}

static int argmax(const float *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static void check_argmax(const char *id, JsonObject *outputs, const int *actual, int n)
{
    JsonObject *o = json_object_get_object_member(outputs, "argmax");
    Npy e = load_npy(json_object_get_string_member(o, "file"));
    checks++;
    for (int i = 0; i < n && i < (int)e.count; i++)
        if (((int64_t *)e.data)[i] != actual[i])
            fail("%s argmax[%d] = %d, expected %lld", id, i, actual[i], (long long)((int64_t *)e.data)[i]);
    npy_free(&e);
}

static void run_mlm(Golden *g, JsonObject *c, const char *id, const char *kind)
{
    JsonObject *outputs = json_object_get_object_member(c, "outputs");
    int vocab = glance_model_config(g->model)->vocab_size;
    g_autofree float *logits = g_new(float, vocab);
    GlanceError err = { 0 };
    if (!strcmp(kind, "mlm_text")) {
        int t = (int)json_object_get_int_member(c, "text");
        JsonArray *positions = json_object_get_array_member(c, "positions");
        int n = (int)json_array_get_length(positions), maxes[8];
        g_autofree float *first50 = g_new(float, n * 50);
        for (int p = 0; p < n; p++) {
            if (glance_mlm_forward(g->ctx, g->ids[t], g->n_ids[t], NULL, (int)json_array_get_int_element(positions, p),
                                   logits, &err) != GLANCE_OK) {
                fail("%s: %s", id, err.message);
                return;
            }
            memcpy(first50 + p * 50, logits, 50 * sizeof(float));
            maxes[p] = argmax(logits, vocab);
        }
        check_file("MLM logits", id, first50, outputs, "logits_first50", n * 50, 1e-4);
        check_argmax(id, outputs, maxes, n);
    } else {
        JsonArray *ids_json = json_object_get_array_member(c, "input_ids");
        JsonArray *mask = json_object_get_array_member(c, "attention_mask");
        int32_t ids[64];
        int n = 0;
        for (guint i = 0; i < json_array_get_length(mask) && n < 64; i++)
            if (json_array_get_int_element(mask, i))
                ids[n++] = (int32_t)json_array_get_int_element(ids_json, i);
        int pos = (int)json_object_get_int_member(c, "masked_position");
        const float *pixels = !strcmp(kind, "mlm_fusion_masked")
            ? g->pixels[json_object_get_int_member(c, "image")] : NULL;
        if (glance_mlm_forward(g->ctx, ids, n, pixels, pos, logits, &err) != GLANCE_OK) {
            fail("%s: %s", id, err.message);
            return;
        }
        check_file("MLM logits", id, logits, outputs, "logits", vocab, 1e-4);
        int best = argmax(logits, vocab);
        check_argmax(id, outputs, &best, 1);
    }
}

/* Imports the official checkpoint with the CLI (the path a user takes). */
static char *import_reference(void)
{
    const char *given = g_getenv("GLANCE_GOLDEN_MODEL");
    if (given)
        return g_strdup(given);
    const char *cli = g_getenv("GLANCE_CLI"), *tmp = g_getenv("GLANCE_TEST_TMP");
    if (!cli || !tmp) {
        fail("GLANCE_CLI and GLANCE_TEST_TMP must be set (run through meson test)");
        exit(1);
    }
    g_mkdir_with_parents(tmp, 0755);
    char *out = g_build_filename(tmp, "golden-vlmo-ref-a.safetensors", NULL);
    g_autofree char *cmd = g_strdup_printf(
        "'%s' import " GOLDEN "/vlmo-ref-a.pt --vocab ../shared/vocab/bert-base-uncased-vocab.txt "
        "--answers ../shared/vqa/vqav2-answers-3129.txt --name vlmo-ref-a -o '%s'", cli, out);
    int status = system(cmd);
    if (status != 0) {
        fail("import failed (%d): %s", status, cmd);
        exit(1);
    }
    return out;
}

int main(void)
{
    worst = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree char *model_path = import_reference();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(parser, GOLDEN "/manifest.json", &error)) {
        fprintf(stderr, "manifest: %s\n", error->message);
        return 1;
    }
    JsonObject *manifest = json_node_get_object(json_parser_get_root(parser));
    Golden g = { 0 };
    GlanceError err = { 0 };
    if (glance_model_open(model_path, &g.model, &err) != GLANCE_OK ||
        glance_context_new(g.model, &g.ctx, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL open model: %s\n", err.message);
        return 1;
    }
    g.dim = glance_model_config(g.model)->dim;
    g.texts = json_object_get_array_member(manifest, "texts");
    g.images = json_object_get_array_member(manifest, "images");
    check_tokens(&g);
    check_images(&g);
    JsonArray *cases = json_object_get_array_member(manifest, "cases");
    for (guint i = 0; i < json_array_get_length(cases); i++) {
        JsonObject *c = json_array_get_object_element(cases, i);
        const char *id = json_object_get_string_member(c, "id"), *kind = json_object_get_string_member(c, "kind");
        if (!strcmp(kind, "fusion")) run_fusion(&g, c, id);
        else if (!strcmp(kind, "nlvr2")) run_nlvr2(&g, c, id);
        else if (!strcmp(kind, "retrieval_image")) run_retrieval(&g, c, id, TRUE);
        else if (!strcmp(kind, "retrieval_text")) run_retrieval(&g, c, id, FALSE);
        else if (!strcmp(kind, "retrieval_scores")) run_scores(&g, c, id);
        else if (g_str_has_prefix(kind, "mlm")) run_mlm(&g, c, id, kind);
        else fail("%s: unknown case kind '%s'", id, kind);
    }
    printf("worst error per output kind, as a fraction of the tolerance:\n");
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, worst);
    while (g_hash_table_iter_next(&it, &key, &value))
        printf("  %-28s %.4f\n", (char *)key, *(double *)value);
    printf("golden: %d checks, %d failures\n", checks, failures);
    for (int i = 0; i < 8; i++) {
        g_free(g.pixels[i]);
        glance_decoded_image_free(g.decoded[i]);
    }
    glance_context_free(g.ctx);
    glance_model_close(g.model);
    g_hash_table_destroy(worst);
    return failures ? 1 : 0;
}

/* test-where.c — where the pooled answer looked (engine/where.c), on the imported golden
 * checkpoint (official layout, relative positions) and the bundled model:
 * - every method gives a map of the patch grid, non-negative, summing to 1, for VQA, ITM
 *   and both NLVR2 images, and asking for it leaves the logits bit for bit unchanged;
 * - the last-layer map equals the [CLS] attention recomputed here from the residual
 *   stream entering the last block (bundled model: no relative-position bias to redo);
 * - the methods differ, and a bad method or missing buffer is refused. */
#include "check.h"
#include "model.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BUNDLED "data/models/glance-shapeworld.safetensors"

/* A picture with something in it: a grey gradient with a saturated square. */
static uint8_t *make_pixels(int w, int h, int sx, int sy, int side)
{
    uint8_t *px = malloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = px + ((size_t)y * w + x) * 3;
            int in = x >= sx && x < sx + side && y >= sy && y < sy + side;
            p[0] = in ? 230 : (uint8_t)(90 + x % 40);
            p[1] = in ? 30 : (uint8_t)(95 + y % 30);
            p[2] = in ? 40 : 100;
        }
    return px;
}

static void check_map(const char *what, const GlanceModel *m, const GlanceWhereMap *map)
{
    const GlanceConfig *c = glance_model_config(m);
    int side = c->image_size / c->patch_size, rows = -1, cols = -1;
    glance_where_grid(m, &rows, &cols);
    CHECK(rows == side && cols == side, "%s: grid_of %d x %d, want %d x %d", what, rows, cols, side, side);
    CHECK(map->rows == side && map->cols == side, "%s: map grid %d x %d, want %d x %d", what, map->rows, map->cols,
          side, side);
    double total = 0.0, top = 0.0;
    int negative = 0;
    for (int i = 0; i < side * side; i++) {
        total += map->weights[i];
        negative += !(map->weights[i] >= 0.0f);
        top = fmax(top, map->weights[i]);
    }
    CHECK(negative == 0, "%s: %d negative or NaN weights", what, negative);
    CHECK(fabs(total - 1.0) < 1e-5, "%s: weights sum to %.7f", what, total);
    CHECK(top < 1.0 && top > 1.0 / (side * side), "%s: highest weight %g (flat or one-hot?)", what, top);
}

static int same_floats(const float *a, const float *b, int n)
{
    return memcmp(a, b, (size_t)n * sizeof(float)) == 0;
}

static void check_model(const char *path)
{
    GlanceModel *m = NULL;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(path, &m, &err) != GLANCE_OK || glance_context_new(m, &ctx, &err) != GLANCE_OK) {
        CHECK(0, "%s: %s", path, err.message);
        glance_model_close(m);
        return;
    }
    const GlanceConfig *c = glance_model_config(m);
    int side = c->image_size / c->patch_size, patches = side * side, n_answers = glance_model_num_answers(m);
    uint8_t *px_a = make_pixels(120, 80, 70, 40, 30), *px_b = make_pixels(64, 64, 4, 4, 20);
    GlanceImage a = { px_a, 120, 80, 360 }, b = { px_b, 64, 64, 192 };
    const char *question = "what color is the square?";
    float *maps = calloc((size_t)GLANCE_WHERE_N_METHODS * patches, sizeof(float));
    float *plain = calloc((size_t)n_answers + 1, sizeof(float)), *with = calloc((size_t)n_answers + 1, sizeof(float));

    if (c->has_vqa) {
        CHECK(glance_vqa(ctx, &a, question, plain, &err) == GLANCE_OK, "%s vqa: %s", path, err.message);
        for (int method = 0; method < GLANCE_WHERE_N_METHODS; method++) {
            GlanceWhereMap map = { .method = (GlanceWhereMethod)method, .weights = maps + method * patches };
            char what[256];
            snprintf(what, sizeof what, "%s vqa %s", path, glance_where_method_name(map.method));
            CHECK(glance_vqa_where(ctx, &a, question, with, &map, &err) == GLANCE_OK, "%s: %s", what, err.message);
            check_map(what, m, &map);
            CHECK(same_floats(plain, with, n_answers), "%s: the logits changed", what);
        }
        /* The methods read different layers: their maps differ. */
        for (int i = 0; i < GLANCE_WHERE_N_METHODS; i++)
            for (int j = i + 1; j < GLANCE_WHERE_N_METHODS; j++)
                CHECK(!same_floats(maps + i * patches, maps + j * patches, patches), "%s: %s and %s give one map",
                      path, glance_where_method_name(i), glance_where_method_name(j));
        /* Refusals change nothing. */
        float *untouched = maps + GLANCE_WHERE_DEFAULT * patches;
        float first = untouched[0];
        GlanceWhereMap bad = { .method = GLANCE_WHERE_N_METHODS, .weights = untouched };
        CHECK(glance_vqa_where(ctx, &a, question, with, &bad, &err) == GLANCE_ERR_INVALID && untouched[0] == first,
              "%s: an unknown method is not refused", path);
        GlanceWhereMap no_buffer = { .method = GLANCE_WHERE_ROLLOUT };
        CHECK(glance_vqa_where(ctx, &a, question, with, &no_buffer, &err) == GLANCE_ERR_INVALID,
              "%s: a map without weights is not refused", path);
        /* The context still answers as before after a refusal. */
        CHECK(glance_vqa(ctx, &a, question, with, &err) == GLANCE_OK && same_floats(plain, with, n_answers),
              "%s: answers changed after a refused map", path);
    }
    if (c->has_itm) {
        float plain2[2], with2[2];
        GlanceWhereMap map = { .method = GLANCE_WHERE_DEFAULT, .weights = maps };
        CHECK(glance_itm(ctx, &b, "a red square", plain2, &err) == GLANCE_OK, "%s itm: %s", path, err.message);
        CHECK(glance_itm_where(ctx, &b, "a red square", with2, &map, &err) == GLANCE_OK, "%s itm: %s", path,
              err.message);
        check_map("itm", m, &map);
        CHECK(same_floats(plain2, with2, 2), "%s itm: the logits changed", path);
    }
    if (c->has_nlvr2) {
        float plain2[2], with2[2];
        GlanceWhereMap pair[2] = { { .method = GLANCE_WHERE_DEFAULT, .weights = maps },
                                   { .method = GLANCE_WHERE_DEFAULT, .weights = maps + patches } };
        const char *st = "both images contain a red square";
        CHECK(glance_nlvr2(ctx, &a, &b, st, plain2, &err) == GLANCE_OK, "%s nlvr2: %s", path, err.message);
        CHECK(glance_nlvr2_where(ctx, &a, &b, st, with2, pair, &err) == GLANCE_OK, "%s nlvr2: %s", path, err.message);
        check_map("nlvr2 left", m, &pair[0]);
        check_map("nlvr2 right", m, &pair[1]);
        CHECK(!same_floats(maps, maps + patches, patches), "%s nlvr2: the two images got one map", path);
        CHECK(same_floats(plain2, with2, 2), "%s nlvr2: the logits changed", path);
    }
    free(plain); free(with); free(maps); free(px_a); free(px_b);
    glance_context_free(ctx);
    glance_model_close(m);
}

/* ---- the last-layer map against the attention recomputed from its input ---- */

typedef struct {
    int want_call;
    float *x; /* copy of the residual stream after block want_call */
} StreamGrab;

static void grab_stream(void *data, int call, const float *x, int n, int dim)
{
    StreamGrab *g = data;
    if (call == g->want_call)
        memcpy(g->x, x, (size_t)n * dim * sizeof(float));
}

static void check_last_layer_reference(void)
{
    GlanceModel *m = NULL;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(BUNDLED, &m, &err) != GLANCE_OK || glance_context_new(m, &ctx, &err) != GLANCE_OK) {
        CHECK(0, "bundled: %s", err.message);
        glance_model_close(m);
        return;
    }
    const GlanceConfig *c = &m->config;
    CHECK(!c->rel_pos, "the bundled model gained relative positions: the reference below ignores them");
    int dim = c->dim, heads = c->heads, hd = dim / heads, patches = m->num_patches;
    int32_t ids[64];
    int n_ids = 0;
    CHECK(glance_tokenize(m, "what size is the red square?", ids, &n_ids, &err) == GLANCE_OK, "%s", err.message);
    float *pixels = malloc((size_t)3 * c->image_size * c->image_size * sizeof(float));
    uint8_t *px = make_pixels(96, 96, 60, 12, 14);
    GlanceImage image = { px, 96, 96, 288 };
    CHECK(glance_preprocess_image(m, &image, pixels, &err) == GLANCE_OK, "%s", err.message);
    int n = n_ids + 1 + patches;
    StreamGrab grab = { c->depth - 2, malloc((size_t)n * dim * sizeof(float)) };
    glance_context_set_block_hook(ctx, grab_stream, &grab);
    float *map = calloc((size_t)patches, sizeof(float));
    GlanceWhereMap where = { .method = GLANCE_WHERE_LAST_LAYER, .weights = map };
    GlanceFusionOutputs out = { .where = &where };
    CHECK(glance_fusion_forward(ctx, ids, n_ids, pixels, 1, &out, &err) == GLANCE_OK, "%s", err.message);

    /* LayerNorm of every row, q of row 0 and k of every row, softmax per head. */
    const GlanceBlockWeights *b = &m->w.blocks[c->depth - 1];
    /* The reference reads the F32 qkv weights; a reduced-precision file has none. */
    CHECK(b->qkv_w.kind == GLANCE_MATRIX_F32 && b->qkv_w.f32, "the reference needs an F32 model");
    float *xn = malloc((size_t)n * dim * sizeof(float)), *k = malloc((size_t)n * dim * sizeof(float));
    float *q = malloc((size_t)dim * sizeof(float));
    for (int i = 0; i < n; i++) {
        const float *row = grab.x + (size_t)i * dim;
        double mean = 0, var = 0;
        for (int j = 0; j < dim; j++) mean += row[j];
        mean /= dim;
        for (int j = 0; j < dim; j++) var += (row[j] - mean) * (row[j] - mean);
        var /= dim;
        for (int j = 0; j < dim; j++)
            xn[(size_t)i * dim + j] = (float)((row[j] - mean) / sqrt(var + c->norm_eps)) * b->norm1_w[j] + b->norm1_b[j];
    }
    for (int o = 0; o < dim; o++) {
        double s = b->q_bias[o];
        for (int j = 0; j < dim; j++) s += (double)b->qkv_w.f32[(size_t)o * dim + j] * xn[j];
        q[o] = (float)s;
        for (int i = 0; i < n; i++) {
            double t = 0; /* no k bias in VLMo */
            for (int j = 0; j < dim; j++) t += (double)b->qkv_w.f32[(size_t)(dim + o) * dim + j] * xn[(size_t)i * dim + j];
            k[(size_t)i * dim + o] = (float)t;
        }
    }
    double *mean_attention = calloc((size_t)n, sizeof(double)), *scores = calloc((size_t)n, sizeof(double));
    for (int h = 0; h < heads; h++) {
        double top = -INFINITY, total = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < hd; j++) s += (double)q[h * hd + j] * k[(size_t)i * dim + h * hd + j];
            scores[i] = s / sqrt((double)hd);
            top = fmax(top, scores[i]);
        }
        for (int i = 0; i < n; i++) total += (scores[i] = exp(scores[i] - top));
        for (int i = 0; i < n; i++) mean_attention[i] += scores[i] / total / heads;
    }
    double patch_total = 0, worst = 0;
    for (int p = 0; p < patches; p++) patch_total += mean_attention[n_ids + 1 + p];
    for (int p = 0; p < patches; p++)
        worst = fmax(worst, fabs(map[p] - mean_attention[n_ids + 1 + p] / patch_total));
    CHECK(worst < 1e-5, "last-layer map differs from the recomputed [CLS] attention by %g", worst);
    printf("last-layer map vs recomputed attention: max abs difference %.2g over %d patches\n", worst, patches);

    free(mean_attention); free(scores); free(xn); free(k); free(q); free(map); free(grab.x); free(pixels); free(px);
    glance_context_free(ctx);
    glance_model_close(m);
}

int main(void)
{
    const char *golden = getenv("GLANCE_GOLDEN_MODEL_FILE");
    CHECK(golden != NULL, "GLANCE_GOLDEN_MODEL_FILE is not set (run through meson test)");
    if (golden)
        check_model(golden);
    check_model(BUNDLED);
    check_last_layer_reference();
    return check_summary("where");
}

/* forward.c — the VLMo forward pass: embeddings, blocks with modality experts, the
 * three ways of running them (fusion, image only, text only) and the task heads.
 * Padding is never computed: sequences hold only real tokens. */
#include "context.h"
#include "kernels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Which expert a block's FFN uses. SPLIT: text expert on the first n_text rows,
 * image expert on the rest (the lower layers of the fusion encoder). */
typedef enum { FFN_TEXT, FFN_IMAG, FFN_SPLIT, FFN_VL } FfnRoute;

static void *scratch(size_t count, size_t size, int *failed)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        *failed = 1;
    return p;
}

static int f32_ffn(const GlanceExpertWeights *e)
{
    return e->fc1_w.kind == GLANCE_MATRIX_F32 || e->fc2_w.kind == GLANCE_MATRIX_F32;
}

/* Whether every block's q k v product can write q over its own input (context.h). */
static int all_qkv_lowp(const GlanceModel *m)
{
    for (int l = 0; l < m->config.depth; l++) {
        GlanceMatrixKind kind = m->w.blocks[l].qkv_w.kind;
        if (kind != GLANCE_MATRIX_Q8 && kind != GLANCE_MATRIX_BF16)
            return 0;
    }
    return m->config.dim % GLANCE_PANEL_ROWS == 0;
}

static int all_proj_lowp(const GlanceModel *m)
{
    for (int l = 0; l < m->config.depth; l++) {
        GlanceMatrixKind kind = m->w.blocks[l].proj_w.kind;
        if (kind != GLANCE_MATRIX_Q8 && kind != GLANCE_MATRIX_BF16)
            return 0;
    }
    return 1;
}

/* Whether a preprocessed image (3 planes of image_size^2) fits in xn (rows x dim). */
static int pixels_in_xn(const GlanceModel *m, size_t rows)
{
    const GlanceConfig *c = &m->config;
    return (size_t)3 * c->image_size * c->image_size <= rows * c->dim;
}

/* Groups of heads whose k v are made and used one group at a time (context.h): 4 where
 * the heads split into 4 groups of whole panels, the projection can write over its
 * input and the image and its im2col patches can live outside work (then work holds
 * only a group's k v and FFN rows); else 2 where they split in two (work then holds
 * n x dim: the projection's output, the patches); else 1. */
static int qkv_head_groups(const GlanceModel *m)
{
    const GlanceConfig *c = &m->config;
    if (!all_qkv_lowp(m))
        return 1;
    if (c->heads % 4 == 0 && (c->dim / 4) % GLANCE_PANEL_ROWS == 0 && all_proj_lowp(m) &&
        pixels_in_xn(m, (size_t)(c->max_text_len + 1 + m->num_patches)))
        return 4;
    return c->heads % 2 == 0 && (c->dim / 2) % GLANCE_PANEL_ROWS == 0 ? 2 : 1;
}

/* Contexts for fewer tokens than this keep q k v of all heads in work (context.h): their
 * buffers are small beside the weights, and the grouped layout's extra pool rounds made q8
 * passes at 224 px (237 tokens) 20% slower. VLMo-Base at 384 and 480 px (617 and 941
 * tokens) groups. Tests set 0 to run the grouped layout on small checkpoints. */
static int grouping_min_rows = 512;

void glance_set_grouping_min_rows(int rows)
{
    grouping_min_rows = rows > 0 ? rows : 0;
}

/* Bytes of the im2col patches of one image: (patches, 3*p*p) floats. */
static size_t patches_bytes(const GlanceModel *m)
{
    return (size_t)m->num_patches * 3 * m->config.patch_size * m->config.patch_size * sizeof(float);
}

/* Floats of work for `rows` rows: the widest use, and at least the im2col patches (and
 * the image behind them, where it does not go in xn) unless they go in scratch. */
static size_t work_floats(const GlanceContext *ctx, size_t rows)
{
    const GlanceModel *m = ctx->model;
    size_t patches = patches_bytes(m) / sizeof(float);
    size_t least = ctx->patches_in_scratch ? 0 : pixels_in_xn(m, (size_t)ctx->n_max) ? patches : 2 * patches;
    return rows * ctx->work_width > least ? rows * ctx->work_width : least;
}

static int any_f32_expert(const GlanceModel *m)
{
    for (int l = 0; l < m->config.depth; l++) {
        const GlanceBlockWeights *b = &m->w.blocks[l];
        if (f32_ffn(&b->text) || f32_ffn(&b->imag) || (l >= m->config.vlffn_start && f32_ffn(&b->vl)))
            return 1;
    }
    return 0;
}

GlanceStatus glance_context_new(GlanceModel *model, GlanceContext **out, GlanceError *err)
{
    if (!model || !out)
        return glance_fail(err, GLANCE_ERR_INVALID, "no model");
    const GlanceConfig *c = &model->config;
    GlanceContext *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    ctx->model = model;
    size_t n = (size_t)(c->max_text_len + 1 + model->num_patches);
    int grouped = (int)n >= grouping_min_rows;
    ctx->q_in_xn = grouped && all_qkv_lowp(model);
    ctx->head_groups = grouped ? qkv_head_groups(model) : 1;
    ctx->patches_in_scratch = ctx->proj_in_xn = ctx->head_groups > 2;
    size_t work = ctx->patches_in_scratch ? 0 : (size_t)3 * c->patch_size * c->patch_size;
    size_t qkv = ctx->q_in_xn ? (size_t)2 * c->dim / ctx->head_groups : (size_t)3 * c->dim;
    if (qkv > work) work = qkv;
    /* An F32 FFN runs on all rows at once (BLAS repacks the weights per call); the
     * other kinds' rows are independent and their weights need no packing, so their
     * hidden activations are made a part of the rows at a time (ffn_rows). */
    if (any_f32_expert(model) && (size_t)c->mlp_hidden > work) work = (size_t)c->mlp_hidden;
    ctx->work_width = (int)work;
    size_t head = (size_t)2 * c->dim;
    if ((size_t)c->vocab_size > head) head = (size_t)c->vocab_size;
    if ((size_t)c->num_answers > head) head = (size_t)c->num_answers;
    ctx->n_max = (int)n;
    int failed = glance_context_reserve(ctx, (int)n, NULL) != GLANCE_OK;
    ctx->head_a = scratch(head, sizeof(float), &failed);
    ctx->head_b = scratch(head, sizeof(float), &failed);
    ctx->rel.n_text = ctx->rel.n_image = -1;
    if (model->w.rel_pos_table) {
        ctx->rel.row_runs = scratch(n + 1, sizeof(int), &failed);
        ctx->rel.row_index = scratch(n, sizeof(int), &failed);
        ctx->rel.lines = scratch((size_t)2 * model->w.rel_pos_rows * c->heads, sizeof(float), &failed);
    }
    if (failed) {
        glance_context_free(ctx);
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for a %zu-token context", n);
    }
    *out = ctx;
    return GLANCE_OK;
}

GlanceStatus glance_context_reserve(GlanceContext *ctx, int rows, GlanceError *err)
{
    if (rows <= ctx->rows_cap)
        return GLANCE_OK;
    const GlanceModel *m = ctx->model;
    size_t n = (size_t)rows, dim = (size_t)m->config.dim;
    size_t work = work_floats(ctx, n);
    size_t old = (size_t)ctx->rows_cap, old_work = work_floats(ctx, old);
    float **buffers[] = { &ctx->x, &ctx->xn, &ctx->work };
    size_t floats[] = { n * dim, n * dim, work };
    size_t kept[] = { old * dim, old * dim, old ? old_work : 0 };
    for (int i = 0; i < 3; i++) {
        /* On 64 bytes: rows of activations (dims are multiples of 16) then start a cache
         * line, and the small-n kernel's 64-byte loads never straddle two (half its
         * speed). malloc's large blocks sit 16 bytes past a page. */
        size_t bytes = (floats[i] * sizeof(float) + 63) / 64 * 64;
        float *grown = aligned_alloc(64, bytes);
        if (!grown)
            return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for %d rows of activations", rows);
        if (*buffers[i])
            memcpy(grown, *buffers[i], kept[i] * sizeof(float));
        free(*buffers[i]);
        *buffers[i] = grown;
    }
    /* The rows count only once the scratch fits them too: a refusal here must leave a
     * context whose next, smaller pass still finds its scratch big enough. */
    int old_rows = ctx->rows_cap, old_ffn_rows = ctx->ffn_rows;
    ctx->rows_cap = rows;
    ctx->ffn_rows = (int)(work / (size_t)m->config.mlp_hidden);
    GlanceStatus s = glance_context_fit_scratch(ctx, err);
    if (s != GLANCE_OK) {
        ctx->rows_cap = old_rows;
        ctx->ffn_rows = old_ffn_rows;
    }
    return s;
}

float *glance_context_pixels(GlanceContext *ctx)
{
    const GlanceConfig *c = &ctx->model->config;
    if (pixels_in_xn(ctx->model, (size_t)ctx->n_max))
        return ctx->xn;
    return ctx->work + (size_t)ctx->model->num_patches * 3 * c->patch_size * c->patch_size;
}

/* Where embed_image cuts the image into patches (context.h, patches_in_scratch). */
static float *context_patches(GlanceContext *ctx)
{
    return ctx->patches_in_scratch ? ctx->scratch : ctx->work;
}

/* Attention's scores come first in scratch: (threads, QUERY_BLOCK, n_max) floats. */
static size_t scores_bytes(const GlanceContext *ctx)
{
    int threads = ctx->pool ? glance_pool_threads(ctx->pool) : 1;
    return ((size_t)threads * QUERY_BLOCK * ctx->n_max * sizeof(float) + 63) / 64 * 64;
}

void *glance_context_qkv_acts(GlanceContext *ctx)
{
    return ctx->head_groups > 1 ? (char *)ctx->scratch + scores_bytes(ctx) : ctx->scratch;
}

/* The most activations a reduced-precision GEMM of this model quantises: all rows
 * for fc1, qkv and proj, ffn_rows for fc2 (its input is the FFN hidden). */
static size_t lowp_bytes(const GlanceContext *ctx)
{
    const GlanceModel *m = ctx->model;
    int ffn_rows = ctx->ffn_rows < ctx->rows_cap ? ctx->ffn_rows : ctx->rows_cap;
    size_t most = 0;
    for (int l = 0; l < m->config.depth; l++) {
        const GlanceBlockWeights *b = &m->w.blocks[l];
        const GlanceMatrix *all[] = { &b->qkv_w, &b->proj_w, &b->text.fc1_w, &b->imag.fc1_w, &b->vl.fc1_w,
                                      &b->text.fc2_w, &b->imag.fc2_w, &b->vl.fc2_w };
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            int rows = i < 5 ? ctx->rows_cap : ffn_rows;
            size_t bytes = glance_lowp_scratch_bytes(all[i]->kind, rows, all[i]->cols);
            most = bytes > most ? bytes : most;
        }
    }
    return most;
}

GlanceStatus glance_context_fit_scratch(GlanceContext *ctx, GlanceError *err)
{
    size_t need = scores_bytes(ctx);
    if (ctx->head_groups > 1) /* the q k v product's input stays quantised behind the scores */
        for (int l = 0; l < ctx->model->config.depth; l++) {
            const GlanceMatrix *qkv = &ctx->model->w.blocks[l].qkv_w;
            size_t both = scores_bytes(ctx) + glance_lowp_scratch_bytes(qkv->kind, ctx->rows_cap, qkv->cols);
            need = both > need ? both : need;
        }
    size_t lowp = lowp_bytes(ctx);
    need = lowp > need ? lowp : need;
    if (ctx->patches_in_scratch && patches_bytes(ctx->model) > need)
        need = patches_bytes(ctx->model);
    if (need <= ctx->scratch_bytes)
        return GLANCE_OK;
    void *grown = realloc(ctx->scratch, need);
    if (!grown)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for %zu bytes of scratch", need);
    ctx->scratch = grown;
    ctx->scratch_bytes = need;
    return GLANCE_OK;
}

void glance_context_free(GlanceContext *ctx)
{
    if (!ctx)
        return;
    glance_context_free_threads(ctx);
    free(ctx->x); free(ctx->xn); free(ctx->work); free(ctx->scratch);
    free(ctx->head_a); free(ctx->head_b); free(ctx->rel.lines); free(ctx->rel.runs);
    free(ctx->rel.row_runs); free(ctx->rel.row_index);
    free(ctx);
}

void glance_context_set_cancel(GlanceContext *ctx, GlanceCancelFunc func, void *user_data)
{
    ctx->cancel = func;
    ctx->cancel_data = user_data;
}

GlanceModel *glance_context_model(GlanceContext *ctx) { return ctx->model; }

void glance_context_set_ffn_rows(GlanceContext *ctx, int rows)
{
    ctx->ffn_rows_max = rows > 0 ? rows : 0;
}

void glance_context_set_block_hook(GlanceContext *ctx, GlanceBlockHook hook, void *user_data)
{
    ctx->block_hook = hook;
    ctx->block_hook_data = user_data;
    ctx->block_calls = 0;
}

/* ---- embeddings ---- */

static void embed_text(GlanceContext *ctx, const int32_t *ids, int n, float *out)
{
    const GlanceModel *m = ctx->model;
    const GlanceWeights *w = &m->w;
    int dim = m->config.dim;
    for (int i = 0; i < n; i++) {
        float *row = out + (long)i * dim;
        const float *word = w->word_emb + (long)ids[i] * dim;
        for (int j = 0; j < dim; j++)
            row[j] = word[j] + w->text_type_emb[j] + (w->text_pos_emb ? w->text_pos_emb[(long)i * dim + j] : 0.0f);
    }
    glance_layernorm(ctx->pool, out, out, n, dim, w->text_norm_w, w->text_norm_b, m->config.text_eps);
    /* VLMo adds its own token type 0 after BERT's LayerNorm. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < dim; j++)
            out[(long)i * dim + j] += w->token_type_emb[j];
}

/* Patch embedding as a (patches, 3*p*p) x (3*p*p, dim) product; rows of `out`:
 * image [CLS], then patches row-major. Returns 1 + patches. */
static int embed_image(GlanceContext *ctx, const float *pixels, int token_type, float *out)
{
    const GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    const GlanceWeights *w = &m->w;
    int dim = c->dim, p = c->patch_size, side = m->patches_side, size = c->image_size;
    int patch_len = 3 * p * p;
    float *cols = context_patches(ctx);
    for (int py = 0; py < side; py++)
        for (int px = 0; px < side; px++) {
            float *col = cols + (long)(py * side + px) * patch_len;
            for (int ch = 0; ch < 3; ch++)
                for (int ky = 0; ky < p; ky++)
                    memcpy(col + (ch * p + ky) * p,
                           pixels + ((long)ch * size + py * p + ky) * size + px * p, (size_t)p * sizeof(float));
        }
    glance_linear(ctx->pool, out + dim, cols, m->num_patches, patch_len, w->patch_w, w->patch_b, dim, 0);
    memcpy(out, w->cls_token, (size_t)dim * sizeof(float));
    int n = 1 + m->num_patches;
    if (w->pos_embed)
        glance_residual_add(ctx->pool, out, w->pos_embed, NULL, n, dim);
    const float *type = w->token_type_emb + (long)token_type * dim;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < dim; j++)
            out[(long)i * dim + j] += type[j];
    return n;
}

/* ---- one block ---- */

static void attention(GlanceContext *ctx, const GlanceBlockWeights *b, int layer, int n)
{
    const GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    int dim = c->dim;

    glance_layernorm(ctx->pool, ctx->xn, ctx->x, n, dim, b->norm1_w, b->norm1_b, c->norm_eps);
    if (ctx->q_in_xn) { /* q over its input in xn; attention makes k v from the quantised input */
        void *acts = glance_context_qkv_acts(ctx);
        GlanceLowpPart q = { ctx->xn, dim, 0, dim };
        glance_lowp_quantise(ctx->pool, acts, ctx->xn, n, &b->qkv_w);
        glance_lowp_gemm_parts(ctx->pool, acts, n, &b->qkv_w, &q, 1);
    } else {
        glance_linear_matrix(ctx->pool, ctx->scratch, ctx->work, ctx->xn, n, ctx->seqs, &b->qkv_w, NULL, 0);
    }
    glance_attention_heads(ctx, &b->qkv_w, b->q_bias, b->v_bias, layer, n); /* heads into xn */
    if (ctx->where_probs && layer >= ctx->where_first)
        glance_where_keep_layer(ctx, layer, n);
    /* q k v are spent: the projection goes into work, or over its input in xn (which a
     * Q8 or BF16 product has quantised before it writes) where work is narrower. */
    float *projected = ctx->proj_in_xn ? ctx->xn : ctx->work;
    glance_linear_matrix(ctx->pool, ctx->scratch, projected, ctx->xn, n, ctx->seqs, &b->proj_w, b->proj_b, 0);
    glance_residual_add(ctx->pool, ctx->x, projected, b->gamma_1, n, dim);
}

static void expert(GlanceContext *ctx, const GlanceExpertWeights *e, const float *gamma, int first, int count)
{
    const GlanceConfig *c = &ctx->model->config;
    int dim = c->dim;
    /* The hidden activations of ffn_rows rows fit in work; an F32 FFN always has room
     * for all rows (and its row groups stay whole). */
    int step = f32_ffn(e) ? count : ctx->ffn_rows;
    if (ctx->ffn_rows_max > 0 && ctx->ffn_rows_max < step && !f32_ffn(e))
        step = ctx->ffn_rows_max;
    for (int r = 0; r < count; r += step) {
        int rows = count - r < step ? count - r : step;
        float *x = ctx->x + (long)(first + r) * dim, *xn = ctx->xn + (long)(first + r) * dim;
        int groups = rows == count ? ctx->seqs : 1;
        glance_layernorm(ctx->pool, xn, x, rows, dim, e->norm_w, e->norm_b, c->norm_eps);
        glance_linear_matrix(ctx->pool, ctx->scratch, ctx->work, xn, rows, groups, &e->fc1_w, e->fc1_b, 1);
        glance_linear_matrix(ctx->pool, ctx->scratch, xn, ctx->work, rows, groups, &e->fc2_w, e->fc2_b, 0);
        glance_residual_add(ctx->pool, x, xn, gamma, rows, dim);
    }
}

static void block(GlanceContext *ctx, int layer, int n, int n_text, FfnRoute route)
{
    const GlanceBlockWeights *b = &ctx->model->w.blocks[layer];
    attention(ctx, b, layer, n);
    switch (route) {
    case FFN_TEXT: expert(ctx, &b->text, b->gamma_2, 0, n); break;
    case FFN_IMAG: expert(ctx, &b->imag, b->gamma_2, 0, n); break;
    case FFN_VL: expert(ctx, &b->vl, b->gamma_2, 0, n); break;
    case FFN_SPLIT:
        expert(ctx, &b->text, b->gamma_2, 0, n_text);
        expert(ctx, &b->imag, b->gamma_2, n_text, n - n_text);
        break;
    }
}

static GlanceStatus check_cancel(GlanceContext *ctx, GlanceError *err)
{
    if (ctx->cancel && ctx->cancel(ctx->cancel_data))
        return glance_fail(err, GLANCE_ERR_CANCELLED, "cancelled");
    return GLANCE_OK;
}

/* Runs blocks [from, to) on ctx->x. */
static GlanceStatus run_blocks(GlanceContext *ctx, int from, int to, int n, int n_text, FfnRoute route,
                               GlanceError *err)
{
    for (int l = from; l < to; l++) {
        GlanceStatus s = check_cancel(ctx, err);
        if (s != GLANCE_OK)
            return s;
        block(ctx, l, n, n_text, route);
        if (ctx->block_hook)
            ctx->block_hook(ctx->block_hook_data, ctx->block_calls++, ctx->x, n, ctx->model->config.dim);
    }
    return GLANCE_OK;
}

/* ---- checks shared by the entry points ---- */

static GlanceStatus check_ids(const GlanceModel *m, const int32_t *ids, int n_ids, GlanceError *err)
{
    if (!ids || n_ids < 1)
        return glance_fail(err, GLANCE_ERR_INVALID, "empty text");
    if (n_ids > m->config.max_text_len)
        return glance_fail(err, GLANCE_ERR_INVALID, "%d tokens, the model takes at most %d", n_ids,
                           m->config.max_text_len);
    for (int i = 0; i < n_ids; i++)
        if (ids[i] < 0 || ids[i] >= m->config.vocab_size)
            return glance_fail(err, GLANCE_ERR_INVALID, "token id %d out of range", ids[i]);
    return GLANCE_OK;
}

#define REQUIRE_HEAD(m, flag, what)                                                                   \
    do {                                                                                              \
        if (!(m)->config.flag)                                                                        \
            return glance_fail(err, GLANCE_ERR_UNSUPPORTED, "model '%s' has no %s head", (m)->name, what); \
    } while (0)

/* ---- fusion encoder ---- */

static void pooler(GlanceContext *ctx, const float *cls, float *out)
{
    const GlanceModel *m = ctx->model;
    glance_linear(ctx->pool, out, cls, 1, m->config.dim, m->w.pooler_w, m->w.pooler_b, m->config.dim, 0);
    for (int j = 0; j < m->config.dim; j++)
        out[j] = tanhf(out[j]);
}

/* Leaves the final-normed sequence in ctx->x: n_ids text rows, then the image rows. */
static GlanceStatus fusion_pass(GlanceContext *ctx, const int32_t *ids, int n_ids, const float *pixels,
                                int token_type, GlanceWhereMap *where, int *n_out, GlanceError *err)
{
    GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    GlanceStatus s = check_ids(m, ids, n_ids, err);
    if (s != GLANCE_OK)
        return s;
    if (!pixels)
        return glance_fail(err, GLANCE_ERR_INVALID, "no image");
    if (token_type < 1 || token_type >= c->token_types)
        return glance_fail(err, GLANCE_ERR_INVALID, "image token type %d not in this model", token_type);
    s = glance_context_prepare(ctx, err);
    if (s != GLANCE_OK)
        return s;
    embed_text(ctx, ids, n_ids, ctx->x);
    int n = n_ids + embed_image(ctx, pixels, token_type, ctx->x + (long)n_ids * c->dim);
    s = glance_relpos_prepare(ctx, n_ids, n - n_ids, err);
    if (s != GLANCE_OK)
        return s;
    if (where && (s = glance_where_begin(ctx, where, n, err)) != GLANCE_OK)
        return s;
    s = run_blocks(ctx, 0, c->vlffn_start, n, n_ids, FFN_SPLIT, err);
    if (s == GLANCE_OK)
        s = run_blocks(ctx, c->vlffn_start, c->depth, n, n_ids, FFN_VL, err);
    if (s == GLANCE_OK && where)
        glance_where_finish(ctx, n_ids, n, where);
    glance_where_end(ctx);
    if (s != GLANCE_OK)
        return s;
    glance_layernorm(ctx->pool, ctx->x, ctx->x, n, c->dim, m->w.norm_w, m->w.norm_b, c->norm_eps);
    *n_out = n;
    return GLANCE_OK;
}

GlanceStatus glance_fusion_forward(GlanceContext *ctx, const int32_t *ids, int n_ids, const float *pixel_values,
                                   int token_type, GlanceFusionOutputs *out, GlanceError *err)
{
    GlanceModel *m = ctx->model;
    int dim = m->config.dim, n;
    if (out && out->cls_feats)
        REQUIRE_HEAD(m, has_pooler, "pooler");
    GlanceStatus s = fusion_pass(ctx, ids, n_ids, pixel_values, token_type, out ? out->where : NULL, &n, err);
    if (s != GLANCE_OK || !out)
        return s;
    if (out->raw_cls_feats)
        memcpy(out->raw_cls_feats, ctx->x, (size_t)dim * sizeof(float));
    if (out->text_feats)
        memcpy(out->text_feats, ctx->x, (size_t)n_ids * dim * sizeof(float));
    if (out->image_feats)
        memcpy(out->image_feats, ctx->x + (long)n_ids * dim, (size_t)(n - n_ids) * dim * sizeof(float));
    if (out->cls_feats)
        pooler(ctx, ctx->x, out->cls_feats);
    return GLANCE_OK;
}

static void classifier(GlanceContext *ctx, const GlanceClassifierWeights *h, const float *in, float *logits)
{
    float *hidden = ctx->head_a;
    glance_linear(ctx->pool, hidden, in, 1, h->in, h->fc1_w, h->fc1_b, h->hidden, 0);
    glance_layernorm(NULL, hidden, hidden, 1, h->hidden, h->norm_w, h->norm_b, ctx->model->config.head_eps);
    glance_gelu(hidden, h->hidden);
    glance_linear(ctx->pool, logits, hidden, 1, h->hidden, h->fc2_w, h->fc2_b, h->out, 0);
}

GlanceStatus glance_vqa_head(GlanceContext *ctx, const float *cls_feats, float *logits, GlanceError *err)
{
    REQUIRE_HEAD(ctx->model, has_vqa, "VQA");
    GlanceStatus ps = glance_context_prepare(ctx, err);
    if (ps != GLANCE_OK)
        return ps;
    classifier(ctx, &ctx->model->w.vqa, cls_feats, logits);
    return GLANCE_OK;
}

GlanceStatus glance_itm_head(GlanceContext *ctx, const float *cls_feats, float logits[2], GlanceError *err)
{
    const GlanceModel *m = ctx->model;
    REQUIRE_HEAD(m, has_itm, "image-text matching");
    glance_linear(NULL, logits, cls_feats, 1, m->config.dim, m->w.itm_w, m->w.itm_b, 2, 0);
    return GLANCE_OK;
}

GlanceStatus glance_nlvr2_head(GlanceContext *ctx, const float *cls_left, const float *cls_right, float logits[2],
                               GlanceError *err)
{
    const GlanceModel *m = ctx->model;
    REQUIRE_HEAD(m, has_nlvr2, "NLVR2");
    GlanceStatus ps = glance_context_prepare(ctx, err);
    if (ps != GLANCE_OK)
        return ps;
    int dim = m->config.dim;
    float *pair = ctx->head_b;
    memcpy(pair, cls_left, (size_t)dim * sizeof(float));
    memcpy(pair + dim, cls_right, (size_t)dim * sizeof(float));
    classifier(ctx, &m->w.nlvr2, pair, logits);
    return GLANCE_OK;
}

/* ---- dual encoder ---- */

/* Runs a single-modality pass whose embeddings are already in ctx->x, then the ITC
 * projection of the [CLS] row: the modality expert throughout, or (vl) the expert up
 * to vlffn_start and the VL expert above it. */
static GlanceStatus single_modality_pass(GlanceContext *ctx, int n, FfnRoute route, int vl, const float *proj,
                                         float *vector, GlanceError *err)
{
    GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    int top = vl ? c->vlffn_start : c->depth;
    GlanceStatus s = run_blocks(ctx, 0, top, n, 0, route, err);
    if (s == GLANCE_OK && vl)
        s = run_blocks(ctx, c->vlffn_start, c->depth, n, 0, FFN_VL, err);
    if (s != GLANCE_OK)
        return s;
    /* Only the [CLS] row is needed after the last block. */
    glance_layernorm(NULL, ctx->xn, ctx->x, 1, c->dim, m->w.norm_w, m->w.norm_b, c->norm_eps);
    glance_linear(ctx->pool, vector, ctx->xn, 1, c->dim, proj, NULL, c->dim, 0);
    glance_l2_normalize(vector, c->dim);
    return GLANCE_OK;
}

/* Images side by side in ctx->x: the row-wise work (norms, projections, experts) runs
 * on all of them as one taller matrix; attention stays within each image. */
GlanceStatus glance_image_forward_batch(GlanceContext *ctx, const float *pixel_values, int count, int vl, float *vectors,
                                 GlanceError *err)
{
    GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    if (vl)
        REQUIRE_HEAD(m, has_itc_vl, "VL-FFN retrieval (itc_vl)");
    else
        REQUIRE_HEAD(m, has_itc, "retrieval (itc)");
    if (!pixel_values || count < 1)
        return glance_fail(err, GLANCE_ERR_INVALID, "no image");
    int per_image = 1 + m->num_patches, n = count * per_image;
    GlanceStatus s = glance_context_prepare(ctx, err);
    if (s == GLANCE_OK)
        s = glance_context_reserve(ctx, n, err);
    if (s == GLANCE_OK)
        s = glance_relpos_prepare(ctx, 0, per_image, err);
    if (s != GLANCE_OK)
        return s;
    long plane = 3L * c->image_size * c->image_size;
    for (int i = 0; i < count; i++)
        embed_image(ctx, pixel_values + i * plane, 1, ctx->x + (long)i * per_image * c->dim);
    ctx->seqs = count;
    int top = vl ? c->vlffn_start : c->depth;
    s = run_blocks(ctx, 0, top, n, 0, FFN_IMAG, err);
    if (s == GLANCE_OK && vl)
        s = run_blocks(ctx, c->vlffn_start, c->depth, n, 0, FFN_VL, err);
    ctx->seqs = 1;
    if (s != GLANCE_OK)
        return s;
    /* Only each image's [CLS] row is needed after the last block. */
    const float *proj = vl ? m->w.itc_vl_image_proj : m->w.itc_image_proj;
    for (int i = 0; i < count; i++) {
        float *vector = vectors + (long)i * c->dim;
        glance_layernorm(NULL, ctx->xn, ctx->x + (long)i * per_image * c->dim, 1, c->dim, m->w.norm_w, m->w.norm_b,
                  c->norm_eps);
        glance_linear(ctx->pool, vector, ctx->xn, 1, c->dim, proj, NULL, c->dim, 0);
        glance_l2_normalize(vector, c->dim);
    }
    return GLANCE_OK;
}

GlanceStatus glance_image_forward(GlanceContext *ctx, const float *pixel_values, int vl, float *vector,
                                  GlanceError *err)
{
    return glance_image_forward_batch(ctx, pixel_values, 1, vl, vector, err);
}

GlanceStatus glance_text_forward(GlanceContext *ctx, const int32_t *ids, int n_ids, int vl, float *vector,
                                 GlanceError *err)
{
    GlanceModel *m = ctx->model;
    if (vl)
        REQUIRE_HEAD(m, has_itc_vl, "VL-FFN retrieval (itc_vl)");
    else
        REQUIRE_HEAD(m, has_itc, "retrieval (itc)");
    GlanceStatus s = check_ids(m, ids, n_ids, err);
    if (s == GLANCE_OK)
        s = glance_context_prepare(ctx, err);
    if (s != GLANCE_OK)
        return s;
    embed_text(ctx, ids, n_ids, ctx->x);
    s = glance_relpos_prepare(ctx, n_ids, 0, err);
    if (s != GLANCE_OK)
        return s;
    return single_modality_pass(ctx, n_ids, FFN_TEXT, vl, vl ? m->w.itc_vl_text_proj : m->w.itc_text_proj, vector,
                                err);
}

/* ---- masked language modelling ---- */

GlanceStatus glance_mlm_forward(GlanceContext *ctx, const int32_t *ids, int n_ids, const float *pixel_values,
                                int position, float *logits, GlanceError *err)
{
    GlanceModel *m = ctx->model;
    const GlanceConfig *c = &m->config;
    REQUIRE_HEAD(m, has_mlm, "masked language modelling");
    GlanceStatus s = check_ids(m, ids, n_ids, err);
    if (s != GLANCE_OK)
        return s;
    if (position < 0 || position >= n_ids)
        return glance_fail(err, GLANCE_ERR_INVALID, "position %d outside the %d tokens", position, n_ids);
    s = glance_context_prepare(ctx, err);
    if (s != GLANCE_OK)
        return s;
    if (pixel_values) {
        int n;
        s = fusion_pass(ctx, ids, n_ids, pixel_values, 1, NULL, &n, err);
    } else {
        embed_text(ctx, ids, n_ids, ctx->x);
        s = glance_relpos_prepare(ctx, n_ids, 0, err);
        if (s == GLANCE_OK)
            s = run_blocks(ctx, 0, c->depth, n_ids, 0, FFN_TEXT, err);
        if (s == GLANCE_OK)
            glance_layernorm(ctx->pool, ctx->x, ctx->x, n_ids, c->dim, m->w.norm_w, m->w.norm_b, c->norm_eps);
    }
    if (s != GLANCE_OK)
        return s;
    float *h = ctx->head_a;
    glance_linear(ctx->pool, h, ctx->x + (long)position * c->dim, 1, c->dim, m->w.mlm_dense_w, m->w.mlm_dense_b, c->dim,
           1);
    glance_layernorm(NULL, h, h, 1, c->dim, m->w.mlm_norm_w, m->w.mlm_norm_b, c->text_eps);
    glance_linear(ctx->pool, logits, h, 1, c->dim, m->w.mlm_decoder_w, m->w.mlm_bias, c->vocab_size, 0);
    return GLANCE_OK;
}

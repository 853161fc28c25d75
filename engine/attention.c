/* attention.c — the shared multi-head self-attention of a block, and the relative
 * position bias it adds. All heads run as one blocked computation on the pool: a work
 * item is (sequence, head, block of QUERY_BLOCK queries), whose scores stay in cache
 * from the q k^T product through the fused bias + softmax to the product with v. */
#include "context.h"
#include "kernels.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- relative position index, as the official code builds its three tables ---- */

static int image_pair_row(const GlanceModel *m, int q, int k)
{
    int nrd = m->rel_image_rows, side = m->patches_side;
    if (q == 0 && k == 0) return nrd - 1;
    if (q == 0) return nrd - 3;
    if (k == 0) return nrd - 2;
    int yq = (q - 1) / side, xq = (q - 1) % side, yk = (k - 1) / side, xk = (k - 1) % side;
    /* query minus key, shifted to be non-negative */
    return (yq - yk + side - 1) * (2 * side - 1) + (xq - xk + side - 1);
}

static int text_pair_row(const GlanceModel *m, int q, int k)
{
    int nrd = m->rel_image_rows, half = m->config.rel_pos_text_len;
    if (q == 0 && k == 0) return nrd + 2 * half + 1;
    if (q == 0) return nrd + 2 * half - 1;
    if (k == 0) return nrd + 2 * half;
    return (k - q) + nrd + half; /* key minus query: the opposite sign to the image part */
}

/* Row of the table for query q and key k of a sequence of n_text text then image tokens. */
static int pair_row(const GlanceModel *m, int n_text, int q, int k)
{
    if (q < n_text && k < n_text) return text_pair_row(m, q, k);
    if (q >= n_text && k >= n_text) return image_pair_row(m, q - n_text, k - n_text);
    return q < n_text ? m->rel_image_rows      /* text -> image */
                      : m->rel_image_rows + 1; /* image -> text */
}

/* Each head of the layer being run gets a line: its column of the table, then that
 * column reversed, so a run of keys whose rows count down is also an ascending slice.
 * Made per layer, on the pool (a few microseconds a head), so the copies of all
 * layers (twice the table) never sit in memory. */
typedef struct {
    GlanceContext *ctx;
    int layer;
} LinesJob;

static void build_lines(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const LinesJob *j = arg;
    const GlanceModel *m = j->ctx->model;
    int rows = m->w.rel_pos_rows, cols = m->config.depth * m->config.heads;
    for (int h = begin; h < end; h++) {
        float *line = j->ctx->rel.lines + (long)h * 2 * rows;
        const float *column = m->w.rel_pos_table + (long)j->layer * m->config.heads + h;
        for (int r = 0; r < rows; r++)
            line[r] = line[2 * rows - 1 - r] = column[(long)r * cols];
    }
}

static GlanceStatus add_run(RelPosBias *rel, BiasRun run, GlanceError *err)
{
    if (rel->n_runs == rel->runs_cap) {
        int cap = rel->runs_cap ? 2 * rel->runs_cap : 4096;
        BiasRun *grown = realloc(rel->runs, (size_t)cap * sizeof *grown);
        if (!grown)
            return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for the relative-position bias");
        rel->runs = grown;
        rel->runs_cap = cap;
    }
    rel->runs[rel->n_runs++] = run;
    return GLANCE_OK;
}

/* Splits every query's row of table rows into runs that count up, down or repeat. */
static GlanceStatus build_runs(GlanceContext *ctx, int n_text, int n, GlanceError *err)
{
    const GlanceModel *m = ctx->model;
    RelPosBias *rel = &ctx->rel;
    int rows = m->w.rel_pos_rows, *index = rel->row_index;
    rel->n_runs = 0;
    for (int q = 0; q < n; q++) {
        rel->row_runs[q] = rel->n_runs;
        for (int k = 0; k < n; k++)
            index[k] = pair_row(m, n_text, q, k);
        for (int k = 0; k < n;) {
            int step = k + 1 < n ? index[k + 1] - index[k] : 0, len = 1;
            if (step < -1 || step > 1)
                step = 0;
            else
                while (k + len < n && index[k + len] == index[k] + len * step)
                    len++;
            BiasRun run = { (uint16_t)k, (uint16_t)len, (uint32_t)(step < 0 ? 2 * rows - 1 - index[k] : index[k]),
                            step != 0 };
            GlanceStatus s = add_run(rel, run, err);
            if (s != GLANCE_OK)
                return s;
            k += len;
        }
    }
    rel->row_runs[n] = rel->n_runs;
    return GLANCE_OK;
}

GlanceStatus glance_relpos_prepare(GlanceContext *ctx, int n_text, int n_image, GlanceError *err)
{
    RelPosBias *rel = &ctx->rel;
    if (!ctx->model->w.rel_pos_table || (rel->n_text == n_text && rel->n_image == n_image))
        return GLANCE_OK;
    if (n_text + n_image > UINT16_MAX) /* BiasRun's columns */
        return glance_fail(err, GLANCE_ERR_INVALID, "%d tokens: at most %d with relative positions", n_text + n_image,
                           UINT16_MAX);
    rel->n_text = rel->n_image = -2; /* no shape until the runs are complete */
    GlanceStatus s = build_runs(ctx, n_text, n_text + n_image, err);
    if (s == GLANCE_OK) {
        rel->n_text = n_text;
        rel->n_image = n_image;
    }
    return s;
}

/* ---- heads ---- */

/* Where row 0's q, k and v of the heads being run lie, and the strides between rows:
 * all three side by side in work, or (ctx->q_in_xn) q over the normed input in xn and
 * one head group's k and v side by side in work. */
typedef struct {
    float *q, *k, *v;     /* q of head 0; k and v of the group's first head */
    int q_stride, kv_stride;
} QkvLayout;

static QkvLayout qkv_layout(const GlanceContext *ctx)
{
    int dim = ctx->model->config.dim, width = dim / ctx->head_groups;
    if (ctx->q_in_xn)
        return (QkvLayout){ ctx->xn, ctx->work, ctx->work + width, dim, 2 * width };
    return (QkvLayout){ ctx->work, ctx->work + dim, ctx->work + 2 * dim, 3 * dim, 3 * dim };
}

/* Adds the biases of q (and scales it) and of v, on `cols` columns from row 0's q and v;
 * either may be NULL. */
typedef struct {
    float *q, *v;
    int q_stride, v_stride, cols;
    const float *q_bias, *v_bias;
    float scale;
} QkvBiasJob;

static void qkv_bias_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const QkvBiasJob *j = arg;
    for (int i = begin; i < end; i++) {
        if (j->q) {
            float *q = j->q + (long)i * j->q_stride;
            for (int c = 0; c < j->cols; c++)
                q[c] = (q[c] + j->q_bias[c]) * j->scale; /* q is scaled before q k^T, as officially */
        }
        if (j->v) {
            float *v = j->v + (long)i * j->v_stride;
            for (int c = 0; c < j->cols; c++)
                v[c] += j->v_bias[c];
        }
    }
}

typedef struct {
    GlanceContext *ctx;
    QkvLayout qkv;
    int head0, heads;   /* the heads run: [head0, head0 + heads) */
    const float *lines; /* ctx->rel.lines, made for this layer, or NULL */
    float *keep;        /* (heads, n, n) where the probabilities go for a where map, or NULL */
    int n, blocks;
} AttentionJob;

/* A work item reads its block of q (all of it, by the first product) before it writes
 * the heads' outputs into xn: where q lies in xn, it overwrites only its own q. */
static void attention_items(void *arg, int begin, int end, int thread)
{
    const AttentionJob *j = arg;
    GlanceContext *ctx = j->ctx;
    const GlanceModel *m = ctx->model;
    int dim = m->config.dim, hd = dim / m->config.heads, n = j->n;
    int q_stride = j->qkv.q_stride, kv_stride = j->qkv.kv_stride;
    float *scores = (float *)ctx->scratch + (long)thread * QUERY_BLOCK * ctx->n_max;
    for (int item = begin; item < end; item++) {
        int h = j->head0 + item / j->blocks % j->heads, q0 = (item % j->blocks) * QUERY_BLOCK;
        long first = item / j->blocks / j->heads * (long)n; /* the sequence's first row */
        int rows = n - q0 < QUERY_BLOCK ? n - q0 : QUERY_BLOCK;
        const float *q = j->qkv.q + (first + q0) * q_stride + h * hd;
        const float *k = j->qkv.k + first * kv_stride + (h - j->head0) * hd;
        const float *v = j->qkv.v + first * kv_stride + (h - j->head0) * hd;
        /* Hot spot for long sequences: (rows, hd) x (hd, n), then (rows, n) x (n, hd). */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, hd, 1.0f, q, q_stride, k, kv_stride, 0.0f,
                    scores, n);
        const float *line = j->lines ? j->lines + (long)h * 2 * m->w.rel_pos_rows : NULL;
        const RelPosBias *rel = &ctx->rel;
        for (int i = q0; i < q0 + rows; i++)
            glance_softmax_biased_row(scores + (long)(i - q0) * n, line, line ? rel->runs + rel->row_runs[i] : NULL,
                               line ? rel->row_runs[i + 1] - rel->row_runs[i] : 0, n);
        if (j->keep) /* a where map reads this layer: keep this head's probabilities (one sequence) */
            memcpy(j->keep + ((long)h * n + q0) * n, scores, (size_t)rows * n * sizeof(float));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hd, n, 1.0f, scores, n, v, kv_stride, 0.0f,
                    ctx->xn + (first + q0) * dim + h * hd, dim);
    }
}

void glance_attention_heads(GlanceContext *ctx, const GlanceMatrix *qkv_w, const float *q_bias, const float *v_bias,
                            int layer, int n)
{
    const GlanceModel *m = ctx->model;
    int heads = m->config.heads, dim = m->config.dim;
    float scale = 1.0f / sqrtf((float)(dim / heads));
    QkvLayout qkv = qkv_layout(ctx);
    int seq_len = n / ctx->seqs;
    AttentionJob job = { ctx, qkv, 0, heads, NULL, NULL, seq_len, (seq_len + QUERY_BLOCK - 1) / QUERY_BLOCK };
    if (ctx->where_probs && layer >= ctx->where_first)
        job.keep = ctx->where_probs;
    if (m->w.rel_pos_table) {
        LinesJob lines_job = { ctx, layer };
        glance_pool_run(ctx->pool, heads, 1, build_lines, &lines_job);
        job.lines = ctx->rel.lines;
    }
    if (!ctx->q_in_xn) {
        QkvBiasJob bias = { qkv.q, qkv.v, qkv.q_stride, qkv.kv_stride, dim, q_bias, v_bias, scale };
        glance_pool_run(ctx->pool, n, 0, qkv_bias_rows, &bias);
        glance_pool_run(ctx->pool, ctx->seqs * heads * job.blocks, 1, attention_items, &job);
        return;
    }
    QkvBiasJob q_bias_job = { qkv.q, NULL, qkv.q_stride, 0, dim, q_bias, NULL, scale };
    glance_pool_run(ctx->pool, n, 0, qkv_bias_rows, &q_bias_job);
    /* Each group's k and v: the product's columns dim + first and 2*dim + first. */
    int width = dim / ctx->head_groups;
    void *acts = glance_context_qkv_acts(ctx);
    job.heads = heads / ctx->head_groups;
    for (int g = 0; g < ctx->head_groups; g++) {
        int first = g * width;
        GlanceLowpPart kv[2] = { { qkv.k, qkv.kv_stride, dim + first, width },
                                 { qkv.v, qkv.kv_stride, 2 * dim + first, width } };
        glance_lowp_gemm_parts(ctx->pool, acts, n, qkv_w, kv, 2);
        QkvBiasJob v_bias_job = { NULL, qkv.v, 0, qkv.kv_stride, width, NULL, v_bias + first, scale };
        glance_pool_run(ctx->pool, n, 0, qkv_bias_rows, &v_bias_job);
        job.head0 = g * job.heads;
        glance_pool_run(ctx->pool, ctx->seqs * job.heads * job.blocks, 1, attention_items, &job);
    }
}

/* attention.c — the shared multi-head self-attention of a block, and the relative
 * position bias it adds. All heads run as one blocked computation on the pool: a work
 * item is (head, block of QUERY_BLOCK queries), whose scores stay in cache from the
 * q k^T product through the fused bias + softmax to the product with v. */
#include "context.h"
#include "kernels.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

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

typedef struct {
    GlanceContext *ctx;
    int n_text, n;
} IndexJob;

static void index_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const IndexJob *j = arg;
    const GlanceModel *m = j->ctx->model;
    int n = j->n, n_text = j->n_text;
    for (int q = begin; q < end; q++)
        for (int k = 0; k < n; k++) {
            int row;
            if (q < n_text && k < n_text) row = text_pair_row(m, q, k);
            else if (q >= n_text && k >= n_text) row = image_pair_row(m, q - n_text, k - n_text);
            else if (q < n_text) row = m->rel_image_rows;       /* text -> image */
            else row = m->rel_image_rows + 1;                   /* image -> text */
            j->ctx->rel.index[(long)q * n + k] = row;
        }
}

/* The table is (rows, depth*heads); a (layer, head) pair reads one column of it. */
static void transpose_table(GlanceContext *ctx)
{
    const GlanceModel *m = ctx->model;
    int rows = m->w.rel_pos_rows, cols = m->config.depth * m->config.heads;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            ctx->rel.columns[(long)c * rows + r] = m->w.rel_pos_table[(long)r * cols + c];
}

void relpos_prepare(GlanceContext *ctx, int n_text, int n_image)
{
    if (!ctx->model->w.rel_pos_table || (ctx->rel.n_text == n_text && ctx->rel.n_image == n_image))
        return;
    if (ctx->rel.n_text < 0)
        transpose_table(ctx);
    IndexJob job = { ctx, n_text, n_text + n_image };
    pool_run(ctx->pool, job.n, 0, index_rows, &job);
    ctx->rel.n_text = n_text;
    ctx->rel.n_image = n_image;
}

/* ---- heads ---- */

typedef struct {
    GlanceContext *ctx;
    const float *q_bias, *v_bias;
    float scale;
} QkvBiasJob;

static void qkv_bias_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const QkvBiasJob *j = arg;
    int dim = j->ctx->model->config.dim;
    for (int i = begin; i < end; i++) {
        float *row = j->ctx->qkv + (long)i * 3 * dim;
        for (int c = 0; c < dim; c++) {
            row[c] = (row[c] + j->q_bias[c]) * j->scale; /* q is scaled before q k^T, as officially */
            row[2 * dim + c] += j->v_bias[c];
        }
    }
}

typedef struct {
    GlanceContext *ctx;
    const float *bias; /* this layer's first head's column of ctx->rel.columns, or NULL */
    int n, blocks;
} AttentionJob;

static void attention_items(void *arg, int begin, int end, int thread)
{
    const AttentionJob *j = arg;
    GlanceContext *ctx = j->ctx;
    const GlanceModel *m = ctx->model;
    int dim = m->config.dim, hd = dim / m->config.heads, stride = 3 * dim, n = j->n;
    float *scores = ctx->scores + (long)thread * QUERY_BLOCK * ctx->n_max;
    for (int item = begin; item < end; item++) {
        int h = item / j->blocks, q0 = (item % j->blocks) * QUERY_BLOCK;
        int rows = n - q0 < QUERY_BLOCK ? n - q0 : QUERY_BLOCK;
        const float *q = ctx->qkv + (long)q0 * stride + h * hd;
        const float *k = ctx->qkv + dim + h * hd, *v = ctx->qkv + 2 * dim + h * hd;
        /* Hot spot for long sequences: (rows, hd) x (hd, n), then (rows, n) x (n, hd). */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, hd, 1.0f, q, stride, k, stride, 0.0f,
                    scores, n);
        const float *bias = j->bias ? j->bias + (long)h * m->w.rel_pos_rows : NULL;
        for (int i = 0; i < rows; i++)
            softmax_biased_row(scores + (long)i * n, bias, bias ? ctx->rel.index + (long)(q0 + i) * n : NULL, n);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hd, n, 1.0f, scores, n, v, stride, 0.0f,
                    ctx->attn + (long)q0 * dim + h * hd, dim);
    }
}

void attention_heads(GlanceContext *ctx, const float *q_bias, const float *v_bias, int layer, int n)
{
    const GlanceModel *m = ctx->model;
    int heads = m->config.heads;
    QkvBiasJob bias_job = { ctx, q_bias, v_bias, 1.0f / sqrtf((float)(m->config.dim / heads)) };
    pool_run(ctx->pool, n, 0, qkv_bias_rows, &bias_job);
    AttentionJob job = { ctx, NULL, n, (n + QUERY_BLOCK - 1) / QUERY_BLOCK };
    if (m->w.rel_pos_table)
        job.bias = ctx->rel.columns + (long)layer * heads * m->w.rel_pos_rows;
    pool_run(ctx->pool, heads * job.blocks, 1, attention_items, &job);
}

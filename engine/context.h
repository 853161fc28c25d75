/* context.h — a GlanceContext: the scratch memory and threads of one caller's passes.
 * Shared by forward.c (the passes), attention.c and threads.c. */
#ifndef GLANCE_CONTEXT_H
#define GLANCE_CONTEXT_H

#include "kernels.h"
#include "model.h"
#include "pool.h"

/* Rows of queries one attention work item takes: its scores (QUERY_BLOCK x n, 1 MB at
 * 480 px) stay in L2, and few blocks mean few repacks of each head's keys. */
#define QUERY_BLOCK 256

/* The relative-position bias, laid out for the fused bias + softmax. */
typedef struct {
    int n_text, n_image; /* shape the runs were built for; -1 before the first pass */
    float *lines;        /* (heads, 2*rows): the layer being run's column of the table
                            per head, then the same reversed (one layer at a time:
                            all of them would be twice the table, 4 MB at VLMo-Base) */
    BiasRun *runs;       /* every query's runs of bias, query after query           */
    int n_runs, runs_cap;
    int *row_runs;       /* (n_max+1) query q's runs are [row_runs[q], row_runs[q+1]) */
    int *row_index;      /* (n_max) scratch: one query's table rows                  */
} RelPosBias;

struct GlanceContext {
    GlanceModel *model;
    int n_max;          /* longest sequence: max_text_len + 1 + patches       */
    int rows_cap;       /* rows of x, xn, work: n_max, or more after a batched
                           pass (context_reserve)                              */
    int work_width;     /* max(3*dim, 3*p*p) (2*dim / head_groups for 3*dim
                           where q_in_xn), and mlp_hidden if an FFN is F32     */
    int q_in_xn;        /* every block's qkv is Q8 or BF16: their GEMM has read
                           its input before it writes, so q goes over the
                           normed input in xn and work holds only k and v      */
    int head_groups;    /* where q_in_xn: the heads' k v are made (from the
                           quantised input, kept behind the scores in scratch)
                           and used one group of heads at a time, so work holds
                           one group's (n, 2*dim / head_groups); else 1       */
    int proj_in_xn;     /* every proj is Q8 or BF16 and work is narrower than
                           dim (head_groups > 2): the projection goes over its
                           input in xn                                         */
    int patches_in_scratch; /* the same: embed_image's im2col patches go in
                           scratch (free before the blocks), the image in xn  */
    int ffn_rows;       /* rows of FFN hidden activations work holds at once   */
    int ffn_rows_max;   /* tests only (glance_context_set_ffn_rows): 0 or fewer */
    int seqs;           /* sequences side by side in x this pass (a batch of
                           images); attention never mixes them. 1 otherwise */
    float *x;           /* (n, dim) residual stream                           */
    float *xn;          /* (n, dim) normed input of a sub-layer; the heads'
                           outputs (the q k v product has read the normed x) */
    float *work;        /* (n, work_width), one buffer for what is never live
                           at the same time: q k v (n, 3*dim) during attention
                           (one head group's k v where q_in_xn),
                           then the projected heads (n, dim), then the FFN's
                           hidden activations (ffn_rows, mlp_hidden); im2col
                           patches (at least patches * 3*p*p floats; not where
                           patches_in_scratch), and
                           behind them the image they are cut from where it
                           does not fit in xn (glance_context_pixels)          */
    float *head_a, *head_b; /* (max(2*dim, vocab, answers)) head scratch      */
    RelPosBias rel;
    int threads;        /* requested; 0: the process default (glance_set_threads) */
    GlancePool *pool;   /* glance_pool_threads(pool) threads, made by context_prepare */
    /* Per-pass scratch, shared because its users never overlap: the im2col patches
     * where patches_in_scratch; attention's scores (threads, QUERY_BLOCK, n_max
     * floats), with the q k v product's quantised input behind them while head
     * groups run (glance_context_qkv_acts); each reduced-precision GEMM's quantised
     * activations (glance_lowp_scratch_bytes). Sized ahead by
     * glance_context_fit_scratch, so a pass allocates nothing. */
    void *scratch;
    size_t scratch_bytes;
    GlanceCancelFunc cancel;
    void *cancel_data;
    float *where_probs;  /* (heads, n, n) this layer's attention probabilities, kept
                            only while a pass makes a where map (where.c); else NULL */
    float *where_layers; /* (depth - where_first, n, n) head-averaged, layer by layer */
    int where_first;     /* the first layer the map's method reads                    */
    GlanceBlockHook block_hook; /* tests only */
    void *block_hook_data;
    int block_calls;
};

/* Called at the start of every pass: (re)makes the pool and per-thread scratch when
 * the wanted thread count changed. */
GlanceStatus glance_context_prepare(GlanceContext *ctx, GlanceError *err);
void glance_context_free_threads(GlanceContext *ctx);
/* Makes the row buffers hold at least `rows` rows (and the scratch fit them). */
GlanceStatus glance_context_reserve(GlanceContext *ctx, int rows, GlanceError *err);
/* Where a preprocessed image goes before a single-image pass: in ctx->xn where it fits
 * (the pass uses xn only after the patch embedding), else behind the im2col patches in
 * ctx->work; no buffer of its own either way (valid until the pass). */
float *glance_context_pixels(GlanceContext *ctx);
/* Where the q k v product's quantised input goes (q_in_xn): behind attention's scores in
 * ctx->scratch when the heads run in groups (it is read again for each group). */
void *glance_context_qkv_acts(GlanceContext *ctx);
/* Grows ctx->scratch to what the current threads and rows_cap need. */
GlanceStatus glance_context_fit_scratch(GlanceContext *ctx, GlanceError *err);
/* Dual encoder on `count` preprocessed images at once (engine/forward.c). */
GlanceStatus glance_image_forward_batch(GlanceContext *ctx, const float *pixel_values, int count, int vl, float *vectors,
                                 GlanceError *err);

/* Builds ctx->rel's runs for a sequence of n_text text then n_image image tokens,
 * unless it already holds that shape (the runs serve every layer and head). */
GlanceStatus glance_relpos_prepare(GlanceContext *ctx, int n_text, int n_image, GlanceError *err);
/* Multi-head attention of block `layer` on n rows (ctx->seqs sequences of n / ctx->seqs
 * rows) of q k v before their biases, heads' outputs into ctx->xn. q k v are in
 * ctx->work; or, where ctx->q_in_xn, q is in ctx->xn and k v are made here, a head
 * group at a time, from qkv_w and its quantised input (glance_context_qkv_acts). */
void glance_attention_heads(GlanceContext *ctx, const GlanceMatrix *qkv_w, const float *q_bias, const float *v_bias,
                            int layer, int n);

/* where.c: the attention a map of where the pass looked needs. begin allocates for a
 * fusion pass of n rows (where->method checked), keep_layer averages a layer's heads
 * after its attention, finish turns the kept layers into the map, end frees (always
 * call it after begin, also on failure). */
GlanceStatus glance_where_begin(GlanceContext *ctx, const GlanceWhereMap *where, int n, GlanceError *err);
/* keep_layer: layer >= ctx->where_first only (attention keeps no other layer). */
void glance_where_keep_layer(GlanceContext *ctx, int layer, int n);
void glance_where_finish(GlanceContext *ctx, int n_text, int n, GlanceWhereMap *where);
void glance_where_end(GlanceContext *ctx);

#endif

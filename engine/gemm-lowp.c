/* gemm-lowp.c — glance_lowp_gemm (matrix.h): prepare the activations on all threads
 * (Q8, BF16; F16 takes them as they are), then give each thread a slice of output
 * panels, as glance_linear does for F32. */
#include "cpu.h"
#include "gemm-lowp.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

typedef struct {
    const float *in;
    LowpActs acts;
    int8_t *q;
    int16_t *q16;
    float *scale;
    int32_t *sum;
    uint16_t *bf;
    const GlanceMatrix *w;
    float *out;
    int panels_per_chunk;
} LowpJob;

/* Symmetric per-row int8: q = round(x * 127 / max|x|), so a row's largest value maps
 * to +-127 and one outlier token does not cost the others their precision. */
MULTIVERSION
static void quantise_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    LowpJob *j = arg;
    int cols = j->acts.cols;
    for (int i = begin; i < end; i++) {
        const float *x = j->in + (long)i * cols;
        int8_t *q = j->q + (long)i * cols;
        float top = 0;
        for (int k = 0; k < cols; k++)
            top = fabsf(x[k]) > top ? fabsf(x[k]) : top;
        float inv = top > 0 ? 127.0f / top : 0.0f;
        int32_t sum = 0;
        for (int k = 0; k < cols; k++) {
            float v = x[k] * inv;
            int32_t r = (int32_t)(v + (v >= 0 ? 0.5f : -0.5f));
            q[k] = (int8_t)r;
            sum += r;
        }
        if (j->q16)
            for (int k = 0; k < cols; k++)
                j->q16[(long)i * cols + k] = q[k];
        j->scale[i] = top > 0 ? top / 127.0f : 0.0f;
        j->sum[i] = sum;
    }
}

static void round_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    LowpJob *j = arg;
    glance_bf16_round_rows(j->in, j->bf, j->acts.cols, begin, end);
}

static void gemm_panels(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const LowpJob *j = arg;
    int panels = j->w->rows / GLANCE_PANEL_ROWS;
    int p0 = begin * j->panels_per_chunk, p1 = end * j->panels_per_chunk;
    p1 = p1 < panels ? p1 : panels;
    if (p1 <= p0)
        return;
    if (j->w->kind == GLANCE_MATRIX_Q8)
        glance_q8_panels(&j->acts, j->w, j->out, p0, p1);
    else if (j->w->kind == GLANCE_MATRIX_BF16)
        glance_bf16_panels(&j->acts, j->w, j->out, p0, p1);
    else
        glance_f16_panels(&j->acts, j->w, j->out, p0, p1);
}

static void run(GlancePool *pool, int items, int grain, PoolFunc fn, LowpJob *job)
{
    if (pool)
        glance_pool_run(pool, items, grain, fn, job);
    else
        fn(job, 0, items, 0);
}

/* Rows for a whole last block of 16: the AMX kernels load 16 rows at a time. */
static size_t padded_rows(int n)
{
    return (size_t)(n + 15) / 16 * 16;
}

/* The AVX2 Q8 kernel reads the activations widened to int16 as well. */
static int q8_wants_q16(void)
{
    return !glance_cpu()->avx512_vnni && glance_cpu()->avx2;
}

size_t glance_lowp_scratch_bytes(GlanceMatrixKind kind, int n, int cols)
{
    size_t cells = padded_rows(n) * (size_t)cols;
    if (kind == GLANCE_MATRIX_Q8) /* per-row scale and sum, then int8 (and int16) values */
        return (size_t)n * 8 + cells * (q8_wants_q16() ? 3 : 1);
    if (kind == GLANCE_MATRIX_BF16)
        return cells * 2;
    return 0;
}

void glance_lowp_gemm(GlancePool *pool, void *scratch, float *out, const float *in, int n, const GlanceMatrix *w)
{
    LowpJob job = { .in = in, .w = w, .out = out };
    job.acts.n = n;
    job.acts.cols = w->cols;
    job.acts.x = in;
    char *block = scratch;
    size_t cells = padded_rows(n) * w->cols, pad = (padded_rows(n) - (size_t)n) * w->cols;
    if (w->kind == GLANCE_MATRIX_Q8) {
        job.scale = (float *)block;
        job.sum = (int32_t *)(block + (size_t)n * 4);
        job.q16 = q8_wants_q16() ? (int16_t *)(block + (size_t)n * 8) : NULL;
        job.q = (int8_t *)(block + (size_t)n * 8 + (job.q16 ? cells * 2 : 0));
        job.acts.q = job.q;
        job.acts.q16 = job.q16;
        job.acts.scale = job.scale;
        job.acts.sum = job.sum;
        memset(job.q + cells - pad, 0, pad);
        run(pool, n, 0, quantise_rows, &job);
    } else if (w->kind == GLANCE_MATRIX_BF16) {
        job.bf = (uint16_t *)block;
        job.acts.bf = job.bf;
        memset(job.bf + cells - pad, 0, pad * 2);
        run(pool, n, 0, round_rows, &job);
    }
    int threads = pool ? glance_pool_threads(pool) : 1;
    int panels = w->rows / GLANCE_PANEL_ROWS;
    job.panels_per_chunk = (panels + threads - 1) / threads;
    /* Chunks of 4 panels keep the kernels on their widest tile. */
    job.panels_per_chunk = (job.panels_per_chunk + 3) / 4 * 4;
    run(pool, (panels + job.panels_per_chunk - 1) / job.panels_per_chunk, 1, gemm_panels, &job);
}

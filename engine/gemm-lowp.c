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

enum { MAX_PARTS = 4 };

typedef struct {
    const float *in;
    LowpActs acts;
    int8_t *q;
    int16_t *q16;
    float *scale;
    int32_t *sum;
    uint16_t *bf;
    /* The output columns in parts, each a matrix of its own (its first panel and scales;
     * rows: the floats between its output rows), written to out[i]. */
    GlanceMatrix part[MAX_PARTS];
    float *out[MAX_PARTS];
    int part_end[MAX_PARTS]; /* panels of parts 0..i together */
    int n_parts;
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

static void part_panels(const LowpJob *j, int part, int p0, int p1)
{
    const GlanceMatrix *w = &j->part[part];
    if (w->kind == GLANCE_MATRIX_Q8)
        glance_q8_panels(&j->acts, w, j->out[part], p0, p1);
    else if (w->kind == GLANCE_MATRIX_BF16)
        glance_bf16_panels(&j->acts, w, j->out[part], p0, p1);
    else
        glance_f16_panels(&j->acts, w, j->out[part], p0, p1);
}

/* A chunk's panels, in the parts they belong to. A panel's numbers never depend on the
 * panels computed with it, so splitting the output changes no bit. */
static void gemm_panels(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const LowpJob *j = arg;
    int p0 = begin * j->panels_per_chunk, p1 = end * j->panels_per_chunk;
    for (int i = 0, first = 0; i < j->n_parts; first = j->part_end[i++]) {
        int a = p0 > first ? p0 : first, b = p1 < j->part_end[i] ? p1 : j->part_end[i];
        if (a < b)
            part_panels(j, i, a - first, b - first);
    }
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

/* Where the activations in the kernel's form lie in scratch, for n rows into w. */
static void place_acts(LowpJob *job, void *scratch, const float *in, int n, const GlanceMatrix *w)
{
    job->in = in;
    job->acts.n = n;
    job->acts.cols = w->cols;
    job->acts.x = in;
    char *block = scratch;
    size_t cells = padded_rows(n) * w->cols;
    if (w->kind == GLANCE_MATRIX_Q8) {
        job->scale = (float *)block;
        job->sum = (int32_t *)(block + (size_t)n * 4);
        job->q16 = q8_wants_q16() ? (int16_t *)(block + (size_t)n * 8) : NULL;
        job->q = (int8_t *)(block + (size_t)n * 8 + (job->q16 ? cells * 2 : 0));
        job->acts.q = job->q;
        job->acts.q16 = job->q16;
        job->acts.scale = job->scale;
        job->acts.sum = job->sum;
    } else if (w->kind == GLANCE_MATRIX_BF16) {
        job->bf = (uint16_t *)block;
        job->acts.bf = job->bf;
    }
}

static void quantise(GlancePool *pool, LowpJob *job, const GlanceMatrix *w)
{
    int n = job->acts.n;
    size_t cells = padded_rows(n) * w->cols, pad = (padded_rows(n) - (size_t)n) * w->cols;
    if (w->kind == GLANCE_MATRIX_Q8) {
        memset(job->q + cells - pad, 0, pad);
        run(pool, n, 0, quantise_rows, job);
    } else if (w->kind == GLANCE_MATRIX_BF16) {
        memset(job->bf + cells - pad, 0, pad * 2);
        run(pool, n, 0, round_rows, job);
    }
}

static void multiply(GlancePool *pool, LowpJob *job, const GlanceMatrix *w, const GlanceLowpPart *parts, int n_parts)
{
    size_t panel_bytes = (size_t)GLANCE_PANEL_ROWS * w->cols * (w->kind == GLANCE_MATRIX_Q8 ? 1 : 2);
    int panels = 0;
    job->n_parts = n_parts;
    for (int i = 0; i < n_parts; i++) {
        GlanceMatrix *part = &job->part[i];
        *part = *w;
        part->panels = (const char *)w->panels + (size_t)(parts[i].first / GLANCE_PANEL_ROWS) * panel_bytes;
        part->scale = w->scale ? w->scale + parts[i].first : NULL;
        part->rows = parts[i].stride;
        job->out[i] = parts[i].out;
        panels += parts[i].count / GLANCE_PANEL_ROWS;
        job->part_end[i] = panels;
    }
    int threads = pool ? glance_pool_threads(pool) : 1;
    job->panels_per_chunk = (panels + threads - 1) / threads;
    /* Chunks of 4 panels keep the kernels on their widest tile. */
    job->panels_per_chunk = (job->panels_per_chunk + 3) / 4 * 4;
    run(pool, (panels + job->panels_per_chunk - 1) / job->panels_per_chunk, 1, gemm_panels, job);
}

void glance_lowp_gemm(GlancePool *pool, void *scratch, float *out, const float *in, int n, const GlanceMatrix *w)
{
    LowpJob job = { 0 };
    place_acts(&job, scratch, in, n, w);
    quantise(pool, &job, w);
    GlanceLowpPart all = { out, w->rows, 0, w->rows };
    multiply(pool, &job, w, &all, 1);
}

void glance_lowp_quantise(GlancePool *pool, void *scratch, const float *in, int n, const GlanceMatrix *w)
{
    LowpJob job = { 0 };
    place_acts(&job, scratch, in, n, w);
    quantise(pool, &job, w);
}

void glance_lowp_gemm_parts(GlancePool *pool, void *scratch, int n, const GlanceMatrix *w, const GlanceLowpPart *parts,
                            int n_parts)
{
    LowpJob job = { 0 };
    place_acts(&job, scratch, NULL, n, w);
    multiply(pool, &job, w, parts, n_parts < MAX_PARTS ? n_parts : MAX_PARTS);
}

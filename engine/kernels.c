/* kernels.c — matrix products go to cblas (one OpenBLAS thread per pool thread); the
 * rest are loops written so the compiler vectorises them. Functions marked
 * MULTIVERSION are compiled for AVX-512, AVX2+FMA and plain x86-64, and the loader
 * picks one for the CPU at hand (GCC's target_clones), so one binary runs anywhere. */
#include "kernels.h"
#include "sgemm.h"
#include "cpu.h"
#include "gemm-f32-small.h"
#include "vecmath.h"
#include <cblas.h>
#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

/* Partial sums kept in LANES accumulators so reductions vectorise. */
#define LANES 16

MULTIVERSION
static void gelu_rows(float *x, int rows, int cols, long stride)
{
    for (int i = 0; i < rows; i++) {
        float *row = x + i * stride;
        for (int j = 0; j < cols; j++)
            row[j] = 0.5f * row[j] * (1.0f + vm_erff(row[j] * (float)M_SQRT1_2));
    }
}

void glance_gelu(float *x, long count)
{
    gelu_rows(x, 1, (int)count, 0);
}

MULTIVERSION
void glance_bias_gelu(float *out, long ldo, int rows, int cols, const float *b, int gelu)
{
    if (b)
        for (int i = 0; i < rows; i++) {
            float *row = out + i * ldo;
            for (int c = 0; c < cols; c++)
                row[c] += b[c];
        }
    if (gelu)
        gelu_rows(out, rows, cols, ldo);
}

typedef struct {
    float *out;
    const float *in, *w, *b;
    int n, group_rows, in_dim, out_dim, gelu, cols_per_chunk, merge_groups, small_n;
    GlanceSgemmLibrary library;
} LinearJob;

/* Multiply-adds per call below which BLAS may take small-matrix kernels (OpenBLAS
 * 0.3.21 on AVX-512: 100^3), whose sums are grouped differently; a margin above it. */
#define GEMM_SMALL_MACS (8.0 * 100 * 100 * 100)

/* One slice of output columns: its GEMM, bias and activation while the slice is warm. */
static void linear_columns(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const LinearJob *j = arg;
    int c0 = begin * j->cols_per_chunk;
    int c1 = end * j->cols_per_chunk < j->out_dim ? end * j->cols_per_chunk : j->out_dim;
    if (c1 <= c0)
        return;
    const float *b = j->b ? j->b + c0 : NULL;
    /* Short groups (a text): the weights are the whole cost, read once by the small-n
     * kernel, which adds bias and GELU itself. Each row's numbers depend on that row
     * alone there, as they do per group with BLAS. A CPU without FMA would run its plain
     * C path on emulated fmaf: BLAS is faster there. */
    if (j->small_n) {
        glance_sgemm_small(j->out + c0, j->out_dim, j->in, j->n, j->in_dim, j->w + (long)c0 * j->in_dim, c1 - c0, b,
                           j->gelu);
        return;
    }
    /* The bias goes in first and the GEMM adds to it (beta = 1): with beta = 0 OpenBLAS
     * clears C in a pass of its own, and the bias would take another. */
    if (j->b)
        for (int i = 0; i < j->n; i++)
            memcpy(j->out + (long)i * j->out_dim + c0, j->b + c0, (size_t)(c1 - c0) * sizeof(float));
    float beta = j->b ? 1.0f : 0.0f;
    /* Where a row's sums do not depend on how many rows share the call, a batch is one
     * GEMM and the weights are packed once for all its sequences; elsewhere one GEMM
     * per sequence keeps each bit for bit what it is alone. */
    int rows = j->merge_groups ? j->n : j->group_rows;
    /* Hot spot: every projection and FFN of the model lands here. */
    for (int r = 0; r < j->n; r += rows)
        glance_sgemm_nt(j->library, rows, c1 - c0, j->in_dim, j->in + (long)r * j->in_dim, j->in_dim, j->w + (long)c0 * j->in_dim,
                        j->in_dim, beta, j->out + (long)r * j->out_dim + c0, j->out_dim);
    if (j->gelu)
        gelu_rows(j->out + c0, j->n, c1 - c0, j->out_dim);
}

static void linear_run(GlancePool *pool, float *out, const float *in, int n, int groups, int in_dim, const float *w,
                       const float *b, int out_dim, int gelu, int best_library);

/* The patch embedding and the heads: OpenBLAS (or the small-n kernel), so that a q8 or
 * bf16 model, whose big layers never come here, never loads oneDNN. */
void glance_linear(GlancePool *pool, float *out, const float *in, int n, int in_dim, const float *w, const float *b,
            int out_dim, int gelu)
{
    linear_run(pool, out, in, n, 1, in_dim, w, b, out_dim, gelu, 0);
}

void glance_linear_grouped(GlancePool *pool, float *out, const float *in, int n, int groups, int in_dim, const float *w,
                    const float *b, int out_dim, int gelu)
{
    linear_run(pool, out, in, n, groups, in_dim, w, b, out_dim, gelu, 1);
}

static void linear_run(GlancePool *pool, float *out, const float *in, int n, int groups, int in_dim, const float *w,
                       const float *b, int out_dim, int gelu, int best_library)
{
    /* Columns, not rows, are split: each thread then streams only its share of the
     * weights, which are the larger operand at every sequence length used here. */
    int threads = pool ? glance_pool_threads(pool) : 1;
    int per = (out_dim + threads - 1) / threads;
    per = (per + 15) / 16 * 16;
    int chunks = (out_dim + per - 1) / per, narrowest = out_dim - (chunks - 1) * per;
    int small = (double)(n / groups) * narrowest * in_dim <= GEMM_SMALL_MACS;
    /* Short groups go to the small-n kernel (linear_columns), which needs no GEMM library. */
    int small_n = n / groups <= GLANCE_SMALL_N_MAX && glance_cpu()->fma_hardware;
    GlanceSgemmLibrary library = best_library && !small_n ? glance_sgemm_best() : GLANCE_SGEMM_OPENBLAS;
    int merge = groups > 1 && !small && glance_sgemm_rows_independent(library);
    LinearJob job = { out, in, w, b, n, n / groups, in_dim, out_dim, gelu, per, merge, small_n, library };
    if (pool)
        glance_pool_run(pool, chunks, 1, linear_columns, &job);
    else
        linear_columns(&job, 0, chunks, 0);
}

typedef struct {
    float *out;
    const float *b;
    int cols, gelu;
} BiasJob;

static void bias_gelu_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const BiasJob *j = arg;
    glance_bias_gelu(j->out + (long)begin * j->cols, j->cols, end - begin, j->cols, j->b, j->gelu);
}

void glance_linear_matrix(GlancePool *pool, void *scratch, float *out, const float *in, int n, int groups,
                          const GlanceMatrix *w, const float *b, int gelu)
{
    if (w->kind == GLANCE_MATRIX_F32) {
        glance_linear_grouped(pool, out, in, n, groups, w->cols, w->f32, b, w->rows, gelu);
        return;
    }
    glance_lowp_gemm(pool, scratch, out, in, n, w);
    if (!b && !gelu)
        return;
    BiasJob job = { out, b, w->rows, gelu };
    if (pool)
        glance_pool_run(pool, n, 0, bias_gelu_rows, &job);
    else
        bias_gelu_rows(&job, 0, n, 0);
}

typedef struct {
    float *out;
    const float *in, *w, *b;
    int dim;
    float eps;
} NormJob;

MULTIVERSION
static void layernorm_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const NormJob *j = arg;
    int dim = j->dim, body = dim / LANES * LANES;
    for (int i = begin; i < end; i++) {
        const float *x = j->in + (long)i * dim;
        float *y = j->out + (long)i * dim;
        double acc[LANES] = { 0 };
        for (int k = 0; k < body; k += LANES)
            for (int l = 0; l < LANES; l++)
                acc[l] += x[k + l];
        double mean = 0;
        for (int k = body; k < dim; k++)
            mean += x[k];
        for (int l = 0; l < LANES; l++)
            mean += acc[l];
        mean /= dim;
        double sq[LANES] = { 0 };
        for (int k = 0; k < body; k += LANES)
            for (int l = 0; l < LANES; l++)
                sq[l] += (x[k + l] - mean) * (x[k + l] - mean);
        double var = 0;
        for (int k = body; k < dim; k++)
            var += (x[k] - mean) * (x[k] - mean);
        for (int l = 0; l < LANES; l++)
            var += sq[l];
        var /= dim;
        float inv = (float)(1.0 / sqrt(var + j->eps));
        float m = (float)mean;
        for (int k = 0; k < dim; k++)
            y[k] = (x[k] - m) * inv * j->w[k] + j->b[k];
    }
}

void glance_layernorm(GlancePool *pool, float *out, const float *in, int n, int dim, const float *w, const float *b,
               float eps)
{
    NormJob job = { out, in, w, b, dim, eps };
    if (pool)
        glance_pool_run(pool, n, 0, layernorm_rows, &job);
    else
        layernorm_rows(&job, 0, n, 0);
}

typedef struct {
    float *x;
    const float *y, *gamma;
    int dim;
} ResidualJob;

MULTIVERSION
static void residual_rows(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const ResidualJob *j = arg;
    for (int i = begin; i < end; i++) {
        float *x = j->x + (long)i * j->dim;
        const float *y = j->y + (long)i * j->dim;
        if (j->gamma)
            for (int k = 0; k < j->dim; k++)
                x[k] += j->gamma[k] * y[k];
        else
            for (int k = 0; k < j->dim; k++)
                x[k] += y[k];
    }
}

void glance_residual_add(GlancePool *pool, float *x, const float *y, const float *gamma, int n, int dim)
{
    ResidualJob job = { x, y, gamma, dim };
    if (pool)
        glance_pool_run(pool, n, 0, residual_rows, &job);
    else
        residual_rows(&job, 0, n, 0);
}

MULTIVERSION
void glance_softmax_biased_row(float *x, const float *bias, const BiasRun *runs, int n_runs, int cols)
{
    int body = cols / LANES * LANES;
    for (int r = 0; r < n_runs; r++) {
        float *dst = x + runs[r].start;
        const float *src = bias + runs[r].src;
        if (runs[r].step)
            for (int k = 0; k < runs[r].len; k++)
                dst[k] += src[k];
        else
            for (int k = 0; k < runs[r].len; k++)
                dst[k] += src[0];
    }
    float top[LANES];
    for (int l = 0; l < LANES; l++)
        top[l] = x[0];
    for (int k = 0; k < body; k += LANES)
        for (int l = 0; l < LANES; l++)
            top[l] = x[k + l] > top[l] ? x[k + l] : top[l];
    float max = x[0];
    for (int k = body; k < cols; k++)
        max = x[k] > max ? x[k] : max;
    for (int l = 0; l < LANES; l++)
        max = top[l] > max ? top[l] : max;
    float acc[LANES] = { 0 };
    for (int k = 0; k < body; k += LANES)
        for (int l = 0; l < LANES; l++) {
            x[k + l] = vm_expf(x[k + l] - max);
            acc[l] += x[k + l];
        }
    float sum = 0;
    for (int k = body; k < cols; k++) {
        x[k] = vm_expf(x[k] - max);
        sum += x[k];
    }
    for (int l = 0; l < LANES; l++)
        sum += acc[l];
    float inv = 1.0f / sum;
    for (int k = 0; k < cols; k++)
        x[k] *= inv;
}

void glance_l2_normalize(float *v, int dim)
{
    double sum = 0;
    for (int j = 0; j < dim; j++)
        sum += (double)v[j] * v[j];
    /* F.normalize clamps the norm at 1e-12. */
    double norm = sqrt(sum);
    float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));
    for (int j = 0; j < dim; j++)
        v[j] *= inv;
}

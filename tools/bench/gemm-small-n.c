/* gemm-small-n.c — where the small-n F32 kernel (engine/gemm-f32-small.c) stops paying:
 * the GEMMs of a VLMo-Base pass through 12 layers (qkv 768 -> 2304, proj 768 -> 768,
 * fc1 768 -> 3072 with GELU, fc2 3072 -> 768), each split by output columns across the
 * engine's pool as glance_linear does, once with OpenBLAS (one thread per pool thread,
 * then bias and GELU) and once with the small-n kernel, for each row count asked. The
 * 340 MB of weights are distinct per layer, so they stream from memory as in a pass.
 * Best of --reps; the two are interleaved so a noisy machine hits both alike.
 *
 *   build-rel/tools/bench/gemm-small-n --threads 2 --rows 1,4,12,24,32,48,64
 *   GLANCE_CPU=avx2 build-rel/tools/bench/gemm-small-n ...   (the AVX2 kernel) */
#include "gemm-f32-small.h"
#include "kernels.h"
#include "pool.h"
#include <cblas.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define LAYERS 12
#define DIM 768

typedef struct {
    int in_dim, out_dim, gelu;
} Shape;

static const Shape shapes[] = { { DIM, 3 * DIM, 0 }, { DIM, DIM, 0 }, { DIM, 4 * DIM, 1 }, { 4 * DIM, DIM, 0 } };
#define N_SHAPES ((int)(sizeof shapes / sizeof shapes[0]))

typedef struct {
    float *out;
    const float *in, *w, *b;
    int n, in_dim, out_dim, gelu, per, small;
} Job;

static void columns(void *arg, int begin, int end, int thread)
{
    (void)thread;
    const Job *j = arg;
    int c0 = begin * j->per, c1 = end * j->per < j->out_dim ? end * j->per : j->out_dim;
    if (c1 <= c0)
        return;
    if (j->small) {
        glance_sgemm_small(j->out + c0, j->out_dim, j->in, j->n, j->in_dim, j->w + (long)c0 * j->in_dim, c1 - c0,
                           j->b + c0, j->gelu);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->n, c1 - c0, j->in_dim, 1.0f, j->in, j->in_dim,
                j->w + (long)c0 * j->in_dim, j->in_dim, 0.0f, j->out + c0, j->out_dim);
    glance_bias_gelu(j->out + c0, j->out_dim, j->n, c1 - c0, j->b + c0, j->gelu);
}

/* --cpu-time: the process's CPU time instead of the wall clock, which on a shared machine
 * leaves out the time other processes held the cores (with --threads 1 it is the
 * kernel's own time; with more it also counts the pool's spinning). */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec t;
    clock_gettime(clock_id, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* One pass's GEMMs on n rows; seconds. */
static double pass(GlancePool *pool, float **weights, const float *bias, const float *in, float *out, int n,
                   int small)
{
    int threads = glance_pool_threads(pool);
    double t0 = now();
    for (int l = 0; l < LAYERS; l++)
        for (int s = 0; s < N_SHAPES; s++) {
            int per = ((shapes[s].out_dim + threads - 1) / threads + 15) / 16 * 16;
            Job job = { out, in, weights[l * N_SHAPES + s], bias, n, shapes[s].in_dim, shapes[s].out_dim,
                        shapes[s].gelu, per, small };
            glance_pool_run(pool, (shapes[s].out_dim + per - 1) / per, 1, columns, &job);
        }
    return now() - t0;
}

int main(int argc, char **argv)
{
    int threads = 2, reps = 7;
    gboolean cpu_time = FALSE, small_only = FALSE;
    g_autofree char *rows_arg = NULL;
    GOptionEntry entries[] = {
        { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Pool threads (default 2)", "T" },
        { "rows", 0, 0, G_OPTION_ARG_STRING, &rows_arg, "Row counts (default 1,4,8,12,16,24,32,40,48,64)", "LIST" },
        { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Passes timed per figure, best kept (default 7)", "R" },
        { "small-only", 0, 0, G_OPTION_ARG_NONE, &small_only, "Time only the small-n kernel (for perf stat)", NULL },
        { "cpu-time", 0, 0, G_OPTION_ARG_NONE, &cpu_time, "Time by the process's CPU time, not the wall clock", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- small-n F32 kernel against OpenBLAS");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error) || threads < 1 || reps < 1) {
        fprintf(stderr, "gemm-small-n: %s\n", error ? error->message : "threads and reps must be positive");
        return 2;
    }
    g_auto(GStrv) rows = g_strsplit(rows_arg ? rows_arg : "1,4,8,12,16,24,32,40,48,64", ",", -1);
    if (cpu_time)
        clock_id = CLOCK_PROCESS_CPUTIME_ID;
    openblas_set_num_threads(1);
    GlancePool *pool = glance_pool_new(threads);
    if (!pool)
        return 1;

    float *weights[LAYERS * N_SHAPES];
    double bytes = 0;
    for (int i = 0; i < LAYERS * N_SHAPES; i++) {
        long count = (long)shapes[i % N_SHAPES].in_dim * shapes[i % N_SHAPES].out_dim;
        weights[i] = g_new(float, count);
        for (long k = 0; k < count; k++)
            weights[i][k] = (float)((k * 7919 + i) % 2001 - 1000) * 1e-5f;
        bytes += count * 4.0;
    }
    float *bias = g_new0(float, 4 * DIM);
    int max_rows = 0;
    for (int r = 0; rows[r]; r++)
        max_rows = MAX(max_rows, atoi(rows[r]));
    /* Aligned as the engine's activations are (glance_context_reserve). */
    size_t act_bytes = ((size_t)max_rows * 4 * DIM * sizeof(float) + 63) / 64 * 64;
    float *in = aligned_alloc(64, act_bytes), *out = aligned_alloc(64, act_bytes);
    if (getenv("MISALIGN")) in += 4;
    for (long k = 0; k < (long)max_rows * 4 * DIM; k++)
        in[k] = (float)(k % 97 - 48) * 0.01f;

    const char *path_names[] = { "generic", "avx2", "avx512" };
    printf("threads %d, small-n path %s, %.0f MB of weights, best of %d, %s\n", threads,
           path_names[glance_sgemm_small_path()], bytes / 1e6, reps, cpu_time ? "CPU time" : "wall clock");
    printf("%5s %12s %12s %9s %14s\n", "rows", "openblas ms", "small ms", "speed-up", "small GB/s");
    for (int r = 0; rows[r]; r++) {
        int n = atoi(rows[r]);
        if (n < 1)
            continue;
        double best_blas = 1e9, best_small = 1e9;
        for (int rep = 0; rep < reps; rep++) {
            if (!small_only)
                best_blas = MIN(best_blas, pass(pool, weights, bias, in, out, n, 0));
            best_small = MIN(best_small, pass(pool, weights, bias, in, out, n, 1));
        }
        printf("%5d %12.2f %12.2f %8.2fx %14.1f\n", n, best_blas * 1e3, best_small * 1e3, best_blas / best_small,
               bytes / best_small / 1e9);
    }
    for (int i = 0; i < LAYERS * N_SHAPES; i++)
        g_free(weights[i]);
    g_free(bias);
    if (getenv("MISALIGN")) in -= 4;
    free(in);
    free(out);
    glance_pool_free(pool);
    return 0;
}

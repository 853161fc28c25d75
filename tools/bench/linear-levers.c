/* linear-levers.c — one thread's column slice of a VLMo-Base linear layer (ROWS tokens,
 * GROUPS sequences side by side, K inputs, COLS of the outputs), the ways the engine has
 * computed it: OpenBLAS with beta = 0 and a bias pass, one call per sequence (before
 * i14g); the bias pre-filled and beta = 1; that as one call for all sequences; and
 * oneDNN's sgemm, per sequence and as one call. The weights cycle through 32 copies so
 * that, as in a pass, they come from memory and not from cache. Best of REPS, and whether
 * one call gives each sequence's rows bit for bit what a call of its own gives.
 * Not part of the build (docs/performance.md, "Faster fp32 linear layers"):
 *
 *   cc -O2 -fopenmp tools/bench/linear-levers.c -lopenblas -ldnnl -o /tmp/linear-levers
 *   /tmp/linear-levers 197 1 768 1152 40     # qkv of one 224-px image, half the columns
 *   /tmp/linear-levers 1576 8 768 1536 10    # fc1 of a batch of 8
 */
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int);
enum { COPIES = 32 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_floats(long count)
{
    float *p = malloc((size_t)count * sizeof *p);
    for (long i = 0; i < count; i++)
        p[i] = (float)(rand() % 2001 - 1000) / 1000.0f;
    return p;
}

enum { OLD, PREFILL, PREFILL_ONE_CALL, ONEDNN, ONEDNN_ONE_CALL, WAYS };
static const char *names[WAYS] = { "openblas beta=0 + bias pass, per sequence", "openblas bias pre-filled, per sequence",
                                   "openblas bias pre-filled, one call", "onednn bias pre-filled, per sequence",
                                   "onednn bias pre-filled, one call" };

static void product(int way, int n, int groups, int k, int cols, const float *x, const float *w, const float *b,
                    float *y)
{
    int rows = way == PREFILL_ONE_CALL || way == ONEDNN_ONE_CALL ? n : n / groups;
    if (way != OLD)
        for (int i = 0; i < n; i++)
            memcpy(y + (long)i * cols, b, (size_t)cols * sizeof(float));
    for (int r = 0; r < n; r += rows) {
        if (way >= ONEDNN)
            dnnl_sgemm('N', 'T', rows, cols, k, 1.0f, x + (long)r * k, k, w, k, 1.0f, y + (long)r * cols, cols);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, k, 1.0f, x + (long)r * k, k, w, k,
                        way == OLD ? 0.0f : 1.0f, y + (long)r * cols, cols);
    }
    if (way == OLD)
        for (int i = 0; i < n; i++)
            for (int c = 0; c < cols; c++)
                y[(long)i * cols + c] += b[c];
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s ROWS GROUPS K COLS REPS\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), groups = atoi(argv[2]), k = atoi(argv[3]), cols = atoi(argv[4]), reps = atoi(argv[5]);
    if (n < 1 || groups < 1 || n % groups || k < 1 || cols < 1 || reps < 1) {
        fprintf(stderr, "ROWS must be a multiple of GROUPS; all positive\n");
        return 2;
    }
    openblas_set_num_threads(1);
    omp_set_num_threads(1);
    long wsize = (long)cols * k;
    float *x = random_floats((long)n * k), *w = random_floats(wsize * COPIES), *b = random_floats(cols);
    float *y = malloc((size_t)n * cols * sizeof(float)), *alone = malloc((size_t)n * cols * sizeof(float));
    double best[WAYS];
    for (int v = 0; v < WAYS; v++)
        best[v] = 1e9;
    for (int rep = 0; rep < reps; rep++)
        for (int v = 0; v < WAYS; v++) { /* interleaved, so the machine's load falls on all alike */
            double t0 = now();
            product(v, n, groups, k, cols, x, w + wsize * (rep % COPIES), b, y);
            double t = now() - t0;
            best[v] = t < best[v] ? t : best[v];
        }
    double macs = (double)n * k * cols;
    printf("%d rows (%d sequences) x %d -> %d columns, best of %d\n", n, groups, k, cols, reps);
    for (int v = 0; v < WAYS; v++)
        printf("  %-44s %8.3f ms  %5.1f GMAC/s  %.3f of the first\n", names[v], best[v] * 1e3, macs / best[v] / 1e9,
               best[v] / best[0]);
    for (int lib = 0; lib < 2 && groups > 1; lib++) {
        product(lib ? ONEDNN : PREFILL, n, groups, k, cols, x, w, b, alone);
        product(lib ? ONEDNN_ONE_CALL : PREFILL_ONE_CALL, n, groups, k, cols, x, w, b, y);
        long differ = 0;
        for (int i = 0; i < n; i++)
            differ += memcmp(y + (long)i * cols, alone + (long)i * cols, (size_t)cols * sizeof(float)) != 0;
        printf("  %s: %ld of %d rows differ between one call and a call per sequence\n", lib ? "onednn" : "openblas",
               differ, n);
    }
    return 0;
}

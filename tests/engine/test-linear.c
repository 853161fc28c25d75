/* test-linear.c — glance_linear_grouped at VLMo-Base shapes: each group's rows are bit
 * for bit those of a call on that group alone (a batch runs as one GEMM above the
 * small-matrix size, so this holds only if BLAS sums a row the same whatever the row
 * count), the bias (added inside the GEMM) and GELU are right against a double-precision
 * product, a thread count changes nothing, and the GEMM library starts no threads of
 * its own (oneDNN's OpenMP must stay at one thread per caller). */
#include "kernels.h"
#include "sgemm.h"
#include "check.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEQ = 197 }; /* one 224-px image's tokens */

static float *random_floats(long count, unsigned seed)
{
    float *p = malloc((size_t)count * sizeof *p);
    for (long i = 0; i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    return p;
}

/* Largest difference from the exact in @ w^T + b (then GELU), relative to the row's scale. */
static double worst_error(const float *out, const float *in, const float *w, const float *b, int n, int in_dim,
                          int out_dim, int gelu)
{
    double worst = 0;
    for (int i = 0; i < n; i += 37) /* a sample of rows, every column */
        for (int c = 0; c < out_dim; c++) {
            double sum = b ? b[c] : 0;
            for (int k = 0; k < in_dim; k++)
                sum += (double)in[(long)i * in_dim + k] * w[(long)c * in_dim + k];
            if (gelu)
                sum = 0.5 * sum * (1 + erf(sum / sqrt(2)));
            worst = fmax(worst, fabs(out[(long)i * out_dim + c] - sum) / sqrt(in_dim));
        }
    return worst;
}

static int process_threads(void)
{
    DIR *dir = opendir("/proc/self/task");
    int count = 0;
    for (struct dirent *e; dir && (e = readdir(dir));)
        count += e->d_name[0] != '.';
    if (dir)
        closedir(dir);
    return count;
}

static void test_shape(int groups, int in_dim, int out_dim, int with_bias, int gelu)
{
    int n = SEQ * groups;
    float *in = random_floats((long)n * in_dim, 1), *w = random_floats((long)out_dim * in_dim, 2);
    float *b = with_bias ? random_floats(out_dim, 3) : NULL;
    float *together = malloc((size_t)n * out_dim * sizeof(float));
    float *alone = malloc((size_t)n * out_dim * sizeof(float));
    for (int threads = 1; threads <= 2; threads++) {
        GlancePool *pool = glance_pool_new(threads);
        int before = process_threads();
        memset(together, 0x7f, (size_t)n * out_dim * sizeof(float)); /* stale numbers must not survive */
        glance_linear_grouped(pool, together, in, n, groups, in_dim, w, b, out_dim, gelu);
        for (int g = 0; g < groups; g++)
            glance_linear_grouped(pool, alone + (long)g * SEQ * out_dim, in + (long)g * SEQ * in_dim, SEQ, 1, in_dim,
                                  w, b, out_dim, gelu);
        CHECK(!memcmp(together, alone, (size_t)n * out_dim * sizeof(float)),
              "%d threads, %d groups, %d -> %d: a group's rows differ from the group alone", threads, groups, in_dim,
              out_dim);
        double err = worst_error(together, in, w, b, n, in_dim, out_dim, gelu);
        CHECK(err < 1e-5, "%d threads, %d -> %d%s%s: off by %.3g", threads, in_dim, out_dim, b ? " + bias" : "",
              gelu ? ", GELU" : "", err);
        CHECK(process_threads() == before, "%d threads, %d -> %d: %d threads before the products, %d after",
              threads, in_dim, out_dim, before, process_threads());
        glance_pool_free(pool);
    }
    free(in);
    free(w);
    free(b);
    free(together);
    free(alone);
}

/* Whether a shared object whose name starts with `prefix` is mapped into this process. */
static int library_mapped(const char *prefix)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (maps && !found && fgets(line, sizeof line, maps)) {
        const char *name = strrchr(line, '/');
        found = name && !strncmp(name + 1, prefix, strlen(prefix));
    }
    if (maps)
        fclose(maps);
    return found;
}

/* glance_linear (the patch embedding, the heads: what q8 and bf16 models run in fp32)
 * never loads oneDNN; the big layers' glance_linear_grouped loads it where it exists. */
static void test_onednn_loaded_only_for_big_layers(void)
{
    int in_dim = 768, out_dim = 768;
    float *in = random_floats((long)SEQ * in_dim, 4), *w = random_floats((long)out_dim * in_dim, 5);
    float *out = malloc((size_t)SEQ * out_dim * sizeof(float));
    GlancePool *pool = glance_pool_new(2);
    CHECK(!library_mapped("libdnnl"), "oneDNN is mapped before any product");
    glance_linear(pool, out, in, SEQ, in_dim, w, NULL, out_dim, 0);
    CHECK(worst_error(out, in, w, NULL, SEQ, in_dim, out_dim, 0) < 1e-5, "glance_linear is off");
    CHECK(!library_mapped("libdnnl"), "glance_linear (patch embedding, heads) loaded oneDNN");
    glance_linear_grouped(pool, out, in, SEQ, 1, in_dim, w, NULL, out_dim, 0);
    GlanceSgemmLibrary best = glance_sgemm_best();
    CHECK(library_mapped("libdnnl") == (best == GLANCE_SGEMM_ONEDNN), "the big layers use %s, libdnnl %s mapped",
          glance_sgemm_library_name(best), library_mapped("libdnnl") ? "is" : "is not");
    glance_pool_free(pool);
    free(in);
    free(w);
    free(out);
}

int main(void)
{
    test_onednn_loaded_only_for_big_layers();
    GlanceSgemmLibrary best = glance_sgemm_best();
    printf("GEMM library %s; a batch as one call: %s\n", glance_sgemm_library_name(best),
           glance_sgemm_rows_independent(best) ? "yes" : "no");
    test_shape(3, 768, 2304, 0, 0); /* qkv: no bias */
    test_shape(3, 768, 3072, 1, 1); /* fc1 */
    test_shape(3, 3072, 768, 1, 0); /* fc2 */
    test_shape(8, 768, 768, 1, 0);  /* proj, a batch of 8 as library indexing runs it */
    test_shape(3, 24, 40, 1, 0);    /* below the small-matrix size: one GEMM per group */
    return check_summary("linear");
}

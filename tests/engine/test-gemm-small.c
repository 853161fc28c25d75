/* test-gemm-small.c — the small-n F32 kernel (engine/gemm-f32-small.c) on every path
 * this process may use (GLANCE_CPU narrows it: meson runs this test natively and under
 * avx512, avx2 and generic):
 *   - against a double-precision reference, within a bound on float sums, for every row
 *     count up to GLANCE_SMALL_N_MAX, odd shapes (inner and output sizes that are not
 *     multiples of 16 or of a tile), with and without bias and GELU, into a strided
 *     output whose gaps must stay untouched;
 *   - against cblas_sgemm followed by the same bias and GELU, within the same bound;
 *   - AVX-512, AVX2 and plain C bit for bit equal, and each row's numbers the same
 *     whatever the row count (a row alone gives the bits it gets among others);
 *   - glance_sgemm_small takes the path GLANCE_CPU allows, and glance_linear sends short
 *     inputs to it (same bits, one thread or two) and longer ones to BLAS (all to BLAS on
 *     a CPU without FMA). */
#include "cpu.h"
#include "gemm-f32-small.h"
#include "kernels.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        checks++;                                                                                 \
        if (!(cond)) {                                                                            \
            failures++;                                                                           \
            if (failures <= 20) {                                                                 \
                printf("FAIL ");                                                                  \
                printf(__VA_ARGS__);                                                              \
                printf("\n");                                                                     \
            }                                                                                     \
        }                                                                                         \
    } while (0)

static const char *path_name[] = { "generic", "avx2", "avx512" };

/* Deterministic values in [-1, 1) with a few exact zeros and larger ones. */
static unsigned rng = 12345;
static float next_value(void)
{
    rng = rng * 1103515245u + 12345u;
    unsigned r = (rng >> 8) & 0xFFFF;
    if (r % 29 == 0)
        return 0.0f;
    float v = (float)r / 32768.0f - 1.0f;
    return r % 31 == 0 ? v * 8.0f : v;
}

static void fill(float *x, long count)
{
    for (long i = 0; i < count; i++)
        x[i] = next_value();
}

static double gelu_ref(double v)
{
    return 0.5 * v * (1.0 + erf(v / sqrt(2.0)));
}

/* |float result - exact| bound: 16 lanes of about k/16 sequential sums each, 4 folds,
 * every step within one rounding of the magnitude sum; GELU's slope is below 1.13 and
 * the engine's erf is within 2e-7 absolute. */
static double bound(double magnitude, int k, double pre_gelu, int gelu)
{
    double eps = 1.0 / (1 << 23);
    double sum_err = (k / 16 + 8) * eps * magnitude;
    return gelu ? 1.13 * sum_err + 1e-7 * fabs(pre_gelu) + 2 * eps * fabs(pre_gelu) + 1e-30 : sum_err + 1e-30;
}

typedef struct {
    int n, k, cols, bias, gelu;
    long ldo;
    const float *x, *w, *b;
} Case;

/* out must be (n, ldo) with gaps: cells past cols hold a marker that must survive. */
static void check_against_reference(const Case *c, const float *out, const char *what)
{
    int bad = 0;
    for (int i = 0; i < c->n && bad < 3; i++) {
        for (int o = 0; o < c->cols && bad < 3; o++) {
            double exact = 0, magnitude = 0;
            for (int j = 0; j < c->k; j++) {
                double p = (double)c->x[(long)i * c->k + j] * c->w[(long)o * c->k + j];
                exact += p;
                magnitude += fabs(p);
            }
            if (c->bias) {
                exact += c->b[o];
                magnitude += fabs(c->b[o]);
            }
            double pre = exact;
            if (c->gelu)
                exact = gelu_ref(exact);
            double got = out[(long)i * c->ldo + o];
            double tol = bound(magnitude, c->k, pre, c->gelu);
            if (!(fabs(got - exact) <= tol)) {
                bad++;
                CHECK(0, "%s: n %d k %d cols %d bias %d gelu %d: row %d out %d: %.9g, exact %.9g (bound %.3g)", what,
                      c->n, c->k, c->cols, c->bias, c->gelu, i, o, got, exact, tol);
            }
        }
        for (long g = c->cols; g < c->ldo && bad < 3; g++)
            if (memcmp(&out[(long)i * c->ldo + g], &(float){ -777.0f }, 4) != 0) {
                bad++;
                CHECK(0, "%s: n %d k %d cols %d: gap cell (%d, %ld) written", what, c->n, c->k, c->cols, i, g);
            }
    }
    if (!bad)
        checks++;
}

static float *marked_output(const Case *c)
{
    float *out = malloc(sizeof(float) * (size_t)c->n * c->ldo);
    for (long i = 0; i < (long)c->n * c->ldo; i++)
        out[i] = -777.0f;
    return out;
}

static int path_available(GlanceSmallPath p)
{
    const GlanceCpu *cpu = glance_cpu();
    return p == GLANCE_SMALL_GENERIC || (p == GLANCE_SMALL_AVX2 && cpu->avx2) || (p == GLANCE_SMALL_AVX512 && cpu->avx512);
}

static void run_case(const Case *c)
{
    float *outs[3] = { NULL, NULL, NULL };
    for (int p = 0; p < 3; p++) {
        if (!path_available((GlanceSmallPath)p))
            continue;
        outs[p] = marked_output(c);
        glance_sgemm_small_on((GlanceSmallPath)p, outs[p], c->ldo, c->x, c->n, c->k, c->w, c->cols,
                              c->bias ? c->b : NULL, c->gelu);
        check_against_reference(c, outs[p], path_name[p]);
    }
    for (int p = 1; p < 3; p++)
        if (outs[p])
            CHECK(!memcmp(outs[p], outs[GLANCE_SMALL_GENERIC], sizeof(float) * (size_t)c->n * c->ldo),
                  "n %d k %d cols %d bias %d gelu %d: %s and generic differ", c->n, c->k, c->cols, c->bias, c->gelu,
                  path_name[p]);

    /* BLAS and the engine's epilogue, as glance_linear runs longer inputs. */
    float *blas = marked_output(c);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c->n, c->cols, c->k, 1.0f, c->x, c->k, c->w, c->k, 0.0f,
                blas, (int)c->ldo);
    glance_bias_gelu(blas, c->ldo, c->n, c->cols, c->bias ? c->b : NULL, c->gelu);
    check_against_reference(c, blas, "cblas");
    GlanceSmallPath native = glance_sgemm_small_path();
    int bad = 0;
    for (int i = 0; i < c->n && !bad; i++)
        for (int o = 0; o < c->cols && !bad; o++) {
            double magnitude = 0;
            for (int j = 0; j < c->k; j++)
                magnitude += fabs((double)c->x[(long)i * c->k + j] * c->w[(long)o * c->k + j]);
            float a = outs[native][(long)i * c->ldo + o], b = blas[(long)i * c->ldo + o];
            double tol = 2 * bound(magnitude + (c->bias ? fabs(c->b[o]) : 0), c->k, b, c->gelu);
            if (!(fabs((double)a - b) <= tol)) {
                bad = 1;
                CHECK(0, "%s against cblas: n %d k %d cols %d: (%d, %d) %.9g vs %.9g", path_name[native], c->n, c->k,
                      c->cols, i, o, a, b);
            }
        }
    if (!bad)
        checks++;

    /* Row i alone: the same bits as among n rows (the tail tiles repeat rows, not sums). */
    if (c->n > 1) {
        int i = c->n - 1 - (c->n / 3);
        float *alone = malloc(sizeof(float) * (size_t)c->ldo);
        for (long g = 0; g < c->ldo; g++)
            alone[g] = -777.0f;
        glance_sgemm_small(alone, c->ldo, c->x + (long)i * c->k, 1, c->k, c->w, c->cols, c->bias ? c->b : NULL,
                           c->gelu);
        CHECK(!memcmp(alone, outs[native] + (long)i * c->ldo, sizeof(float) * (size_t)c->cols),
              "n %d k %d cols %d: row %d alone differs from the same row among %d", c->n, c->k, c->cols, i, c->n);
        free(alone);
    }
    free(blas);
    for (int p = 0; p < 3; p++)
        free(outs[p]);
}

static void odd_shapes(void)
{
    static const int shapes[][2] = { { 1, 1 }, { 3, 5 }, { 16, 16 }, { 17, 19 }, { 47, 33 }, { 130, 70 } };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int k = shapes[s][0], cols = shapes[s][1];
        float *w = malloc(sizeof(float) * (size_t)k * cols), *b = malloc(sizeof(float) * cols);
        float *x = malloc(sizeof(float) * (size_t)k * GLANCE_SMALL_N_MAX);
        fill(w, (long)k * cols);
        fill(b, cols);
        fill(x, (long)k * GLANCE_SMALL_N_MAX);
        for (int n = 1; n <= GLANCE_SMALL_N_MAX; n++)
            for (int variant = 0; variant < 4; variant++) {
                Case c = { n, k, cols, variant & 1, variant >> 1, cols + (variant == 3 ? 7 : variant), x, w, b };
                run_case(&c);
            }
        free(w);
        free(b);
        free(x);
    }
}

/* VLMo-Base's sizes: a text's 12 rows through a slice of fc1, a few through fc2. */
static void model_shapes(void)
{
    static const int shapes[][3] = { { 12, 768, 100 }, { 3, 3072, 40 } };
    for (size_t s = 0; s < 2; s++) {
        int n = shapes[s][0], k = shapes[s][1], cols = shapes[s][2];
        float *w = malloc(sizeof(float) * (size_t)k * cols), *b = malloc(sizeof(float) * cols);
        float *x = malloc(sizeof(float) * (size_t)k * n);
        fill(w, (long)k * cols);
        fill(b, cols);
        fill(x, (long)k * n);
        Case c = { n, k, cols, 1, s == 0, cols + 3, x, w, b };
        run_case(&c);
        free(w);
        free(b);
        free(x);
    }
}

/* glance_linear: short inputs through the small kernel (same bits, split across two
 * threads or not, grouped or not), longer ones through BLAS. */
static void linear_routing(void)
{
    int k = 70, cols = 90, n_long = GLANCE_SMALL_N_MAX + 1;
    float *w = malloc(sizeof(float) * (size_t)k * cols), *b = malloc(sizeof(float) * cols);
    float *x = malloc(sizeof(float) * (size_t)k * n_long * 2);
    float *small = malloc(sizeof(float) * (size_t)cols * n_long * 2);
    float *linear = malloc(sizeof(float) * (size_t)cols * n_long * 2);
    fill(w, (long)k * cols);
    fill(b, cols);
    fill(x, (long)k * n_long * 2);
    GlancePool *two = glance_pool_new(2);
    CHECK(two != NULL, "no pool of two threads");

    int n = GLANCE_SMALL_N_MAX;
    if (!glance_cpu()->fma_hardware) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, cols, k, 1.0f, x, k, w, k, 0.0f, small, cols);
        glance_bias_gelu(small, cols, n, cols, b, 1);
        glance_linear(NULL, linear, x, n, k, w, b, cols, 1);
        CHECK(!memcmp(small, linear, sizeof(float) * (size_t)n * cols), "no FMA here, yet glance_linear is not BLAS");
        goto done;
    }
    glance_sgemm_small(small, cols, x, n, k, w, cols, b, 1);
    glance_linear(NULL, linear, x, n, k, w, b, cols, 1);
    CHECK(!memcmp(small, linear, sizeof(float) * (size_t)n * cols), "glance_linear on %d rows is not the small kernel", n);
    memset(linear, 0, sizeof(float) * (size_t)n * cols);
    glance_linear(two, linear, x, n, k, w, b, cols, 1);
    CHECK(!memcmp(small, linear, sizeof(float) * (size_t)n * cols), "glance_linear on two threads differs from one");
    /* Two groups of GLANCE_SMALL_N_MAX rows (two texts side by side): each group's bits. */
    glance_sgemm_small(small + (long)n * cols, cols, x + (long)n * k, n, k, w, cols, b, 1);
    glance_linear_grouped(two, linear, x, 2 * n, 2, k, w, b, cols, 1);
    CHECK(!memcmp(small, linear, sizeof(float) * (size_t)2 * n * cols), "two groups of %d rows differ from each alone", n);

    /* One row more: BLAS, whose sums differ from the small kernel's somewhere. */
    float *blas = malloc(sizeof(float) * (size_t)cols * n_long);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n_long, cols, k, 1.0f, x, k, w, k, 0.0f, blas, cols);
    glance_bias_gelu(blas, cols, n_long, cols, b, 1);
    glance_linear(NULL, linear, x, n_long, k, w, b, cols, 1);
    CHECK(!memcmp(blas, linear, sizeof(float) * (size_t)n_long * cols), "glance_linear on %d rows is not BLAS", n_long);
    glance_sgemm_small(small, cols, x, n_long, k, w, cols, b, 1);
    CHECK(memcmp(small, blas, sizeof(float) * (size_t)n_long * cols) != 0,
          "the small kernel and BLAS agree bit for bit here: the routing check above proves nothing");
    free(blas);
done:
    glance_pool_free(two);
    free(w);
    free(b);
    free(x);
    free(small);
    free(linear);
}

static void dispatch(void)
{
    const char *force = getenv("GLANCE_CPU");
    GlanceSmallPath p = glance_sgemm_small_path();
    const GlanceCpu *cpu = glance_cpu();
    GlanceSmallPath best = cpu->avx512 ? GLANCE_SMALL_AVX512 : cpu->avx2 ? GLANCE_SMALL_AVX2 : GLANCE_SMALL_GENERIC;
    CHECK(p == best, "path %s, the CPU allows %s", path_name[p], path_name[best]);
    if (force && !strcmp(force, "generic"))
        CHECK(p == GLANCE_SMALL_GENERIC, "GLANCE_CPU=generic but path %s", path_name[p]);
    if (force && !strcmp(force, "avx2"))
        CHECK(p != GLANCE_SMALL_AVX512, "GLANCE_CPU=avx2 but path avx512");
    printf("GLANCE_CPU=%s: small-n path %s\n", force ? force : "(unset)", path_name[p]);
}

int main(void)
{
    openblas_set_num_threads(1);
    dispatch();
    odd_shapes();
    model_shapes();
    linear_routing();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

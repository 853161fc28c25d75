/* test-vecmath.c — the engine's branch-free exp and erf against libm, and the kernels
 * built on them (GELU, the fused bias + softmax) against plain libm formulas. */
#include "kernels.h"
#include "vecmath.h"
#include "check.h"
#include <math.h>
#include <stdlib.h>

/* Distance in units in the last place between two positive floats. */
static double ulps(float got, double want)
{
    float w = (float)want;
    return fabs((double)got - want) / (nextafterf(w, INFINITY) - w);
}

static void test_exp(void)
{
    double worst = 0, worst_x = 0;
    for (double x = -86.5; x <= 88.0; x += 0.000731) {
        double u = ulps(vm_expf((float)x), exp((float)x));
        if (u > worst) {
            worst = u;
            worst_x = x;
        }
    }
    CHECK(worst <= 2.0, "vm_expf: %.2f ulp at x = %.6f", worst, worst_x);
    CHECK(vm_expf(0.0f) == 1.0f, "exp(0) = %.9g", vm_expf(0.0f));
    CHECK(vm_expf(-1000.0f) >= 0.0f && vm_expf(-1000.0f) < 1e-37f, "exp(-1000) = %g", vm_expf(-1000.0f));
    CHECK(isfinite(vm_expf(1000.0f)) && vm_expf(1000.0f) > 1e38f, "exp(1000) = %g", vm_expf(1000.0f));
}

static void test_erf(void)
{
    double worst = 0, worst_x = 0;
    for (double x = -7.0; x <= 7.0; x += 0.0001373) {
        double e = fabs(vm_erff((float)x) - erf((float)x));
        if (e > worst) {
            worst = e;
            worst_x = x;
        }
    }
    CHECK(worst <= 2e-7, "vm_erff: absolute error %.3g at x = %.6f", worst, worst_x);
    CHECK(vm_erff(0.0f) == 0.0f && vm_erff(-0.5f) == -vm_erff(0.5f), "erf not odd around 0");
    /* near 0 erf is relative-accurate, which the GELU of small activations needs */
    for (float x = 1e-6f; x < 0.5f; x *= 1.7f)
        CHECK(fabs(vm_erff(x) / erf(x) - 1) < 3e-7, "vm_erff(%g) relative error %.3g", x, vm_erff(x) / erf(x) - 1);
}

static void test_gelu(void)
{
    enum { N = 2001 };
    static float x[N];
    for (int i = 0; i < N; i++)
        x[i] = -10.0f + 20.0f * i / (N - 1);
    static float y[N];
    for (int i = 0; i < N; i++)
        y[i] = x[i];
    glance_gelu(y, N);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        double want = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));
        bad += fabs(y[i] - want) > 1e-6 * (1 + fabs(want));
    }
    CHECK(bad == 0, "gelu: %d of %d values off", bad, N);
}

static void test_softmax(void)
{
    /* a row long enough for the vector body and a tail, with bias runs of both kinds */
    enum { COLS = 901, TABLE = 1000 };
    static float row[COLS], bias[TABLE], added[COLS];
    const BiasRun runs[] = { { 0, 300, 5, 1 }, { 300, 1, 2, 0 }, { 301, 500, 100, 1 }, { 801, 100, 7, 0 } };
    unsigned seed = 7;
    for (int i = 0; i < TABLE; i++)
        bias[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16) / 65536.0f * 4 - 2;
    for (int k = 0; k < COLS; k++)
        row[k] = (float)((seed = seed * 1103515245u + 12345u) >> 16) / 65536.0f * 30 - 15;
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < runs[r].len; k++)
            added[runs[r].start + k] = bias[runs[r].src + k * runs[r].step];
    double want[COLS], max = -INFINITY, sum = 0;
    for (int k = 0; k < COLS; k++) {
        want[k] = (double)row[k] + added[k];
        max = want[k] > max ? want[k] : max;
    }
    for (int k = 0; k < COLS; k++)
        sum += want[k] = exp(want[k] - max);
    glance_softmax_biased_row(row, bias, runs, 4, COLS);
    double total = 0, worst = 0;
    for (int k = 0; k < COLS; k++) {
        total += row[k];
        double e = fabs(row[k] - want[k] / sum) / (want[k] / sum + 1e-30);
        worst = e > worst ? e : worst;
    }
    CHECK(fabs(total - 1) < 1e-5, "softmax row sums to %.8f", total);
    CHECK(worst < 2e-6, "softmax: relative error %.3g", worst);
    float two[2] = { 0, 0 };
    glance_softmax_biased_row(two, NULL, NULL, 0, 2);
    CHECK(two[0] == 0.5f && two[1] == 0.5f, "softmax of (0, 0) = (%g, %g)", two[0], two[1]);
}

int main(void)
{
    test_exp();
    test_erf();
    test_gelu();
    test_softmax();
    return check_summary("vecmath");
}

/* gemm-bf16.c — bf16 x bf16 -> f32 GEMM on BF16 panels (matrix.h) with AVX-512 BF16's
 * vdpbf16ps. Only used where the CPU has it: elsewhere model.c unpacks BF16 weights to
 * F32 once at load and the F32 path runs. */
#include "cpu.h"
#include "gemm-lowp.h"
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

int glance_bf16_kernel_available(void)
{
    return glance_cpu()->avx512_bf16;
}

void glance_bf16_round_rows(const float *in, uint16_t *bf, int cols, int r0, int r1)
{
    for (long i = (long)r0 * cols; i < (long)r1 * cols; i++)
        bf[i] = glance_bf16_bits(in[i]);
}

#ifdef HAVE_X86
#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline)) static inline

BF16_TARGET void bf16_tile(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p, const int R, const int P)
{
    int steps = w->cols / 2;
    __m512 acc[6][4];
    for (int i = 0; i < R; i++)
        for (int q = 0; q < P; q++)
            acc[i][q] = _mm512_setzero_ps();
    const uint16_t *wp[4];
    for (int q = 0; q < P; q++)
        wp[q] = (const uint16_t *)w->panels + (long)(p + q) * steps * 32;
    const uint16_t *x = a->bf + (long)r * a->cols;
    for (int s = 0; s < steps; s++) {
        __m512i wv[4];
        for (int q = 0; q < P; q++)
            wv[q] = _mm512_loadu_si512(wp[q] + (long)s * 32);
        for (int i = 0; i < R; i++) {
            int32_t two;
            memcpy(&two, x + (long)i * a->cols + s * 2, 4);
            __m512i xv = _mm512_set1_epi32(two);
            for (int q = 0; q < P; q++)
                acc[i][q] = _mm512_dpbf16_ps(acc[i][q], (__m512bh)wv[q], (__m512bh)xv);
        }
    }
    for (int i = 0; i < R; i++)
        for (int q = 0; q < P; q++)
            _mm512_storeu_ps(out + (long)(r + i) * w->rows + (p + q) * 16, acc[i][q]);
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void bf16_avx512(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            bf16_tile(a, w, out, r, p, 6, 4);
        for (; r < a->n; r++)
            bf16_tile(a, w, out, r, p, 1, 4);
    }
    for (; p < p1; p++) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            bf16_tile(a, w, out, r, p, 6, 1);
        for (; r < a->n; r++)
            bf16_tile(a, w, out, r, p, 1, 1);
    }
}
#endif

/* Plain C, for completeness (a BF16 matrix is only packed where the kernel exists). */
static void bf16_generic(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    int steps = w->cols / 2;
    for (int p = p0; p < p1; p++)
        for (int i = 0; i < a->n; i++) {
            float acc[GLANCE_PANEL_ROWS] = { 0 };
            const uint16_t *wp = (const uint16_t *)w->panels + (long)p * steps * 32;
            const uint16_t *x = a->bf + (long)i * a->cols;
            for (int s = 0; s < steps; s++, wp += 32)
                for (int o = 0; o < 16; o++)
                    for (int k = 0; k < 2; k++) {
                        uint32_t wb = (uint32_t)wp[o * 2 + k] << 16, xb = (uint32_t)x[s * 2 + k] << 16;
                        float wf, xf;
                        memcpy(&wf, &wb, 4);
                        memcpy(&xf, &xb, 4);
                        acc[o] += wf * xf;
                    }
            memcpy(out + (long)i * w->rows + p * 16, acc, sizeof acc);
        }
}

void glance_bf16_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
#ifdef HAVE_X86
    if (glance_cpu()->avx512_bf16) {
        bf16_avx512(a, w, out, p0, p1);
        return;
    }
#endif
    bf16_generic(a, w, out, p0, p1);
}

/* gemm-q8.c — int8 x int8 -> int32 GEMM on Q8 panels (matrix.h), three ways:
 *   AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes, so the weights are
 *     made unsigned (w + 128, one xor) and 128 * sum(q) is taken off each row after;
 *   AVX2: both sides widened to int16 and multiplied with vpmaddwd (no VNNI byte
 *     trick: vpmaddubsw would saturate at 255 * 127 * 2);
 *   plain C.
 * Integer sums are exact, so the three agree bit for bit before the float epilogue:
 * out = sum * scale_x[row] * scale_w[col]. */
#include "cpu.h"
#include "gemm-lowp.h"
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

/* Plain C: one panel of 16 outputs at a time. */
static void q8_generic(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    const int8_t *panels = w->panels;
    int steps = w->cols / 4;
    for (int p = p0; p < p1; p++)
        for (int i = 0; i < a->n; i++) {
            int32_t acc[GLANCE_PANEL_ROWS] = { 0 };
            const int8_t *x = a->q + (long)i * a->cols;
            const int8_t *wp = panels + (long)p * steps * 64;
            for (int s = 0; s < steps; s++, wp += 64)
                for (int o = 0; o < 16; o++)
                    for (int k = 0; k < 4; k++)
                        acc[o] += (int32_t)wp[o * 4 + k] * x[s * 4 + k];
            float *row = out + (long)i * w->rows + p * 16;
            for (int o = 0; o < 16; o++)
                row[o] = (float)acc[o] * (a->scale[i] * w->scale[p * 16 + o]);
        }
}

#ifdef HAVE_X86
#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline
#define AVX2_TARGET __attribute__((target("avx2,fma"), always_inline)) static inline

/* R rows x P panels: R * P accumulators in registers (R, P constants after inlining). */
VNNI_TARGET void q8_vnni_tile(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p, const int R,
                              const int P)
{
    const int8_t *panels = w->panels;
    int steps = w->cols / 4;
    const __m512i offset = _mm512_set1_epi8((char)0x80);
    __m512i acc[6][4];
    for (int i = 0; i < R; i++)
        for (int q = 0; q < P; q++)
            acc[i][q] = _mm512_setzero_si512();
    const int8_t *wp[4];
    for (int q = 0; q < P; q++)
        wp[q] = panels + (long)(p + q) * steps * 64;
    const int8_t *x = a->q + (long)r * a->cols;
    for (int s = 0; s < steps; s++) {
        __m512i wv[4];
        for (int q = 0; q < P; q++)
            wv[q] = _mm512_xor_si512(_mm512_loadu_si512(wp[q] + (long)s * 64), offset);
        for (int i = 0; i < R; i++) {
            int32_t four;
            memcpy(&four, x + (long)i * a->cols + s * 4, 4);
            __m512i xv = _mm512_set1_epi32(four);
            for (int q = 0; q < P; q++)
                acc[i][q] = _mm512_dpbusd_epi32(acc[i][q], wv[q], xv);
        }
    }
    for (int i = 0; i < R; i++) {
        __m512i offset_sum = _mm512_set1_epi32(128 * a->sum[r + i]);
        __m512 sx = _mm512_set1_ps(a->scale[r + i]);
        for (int q = 0; q < P; q++) {
            int col = (p + q) * 16;
            __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[i][q], offset_sum));
            v = _mm512_mul_ps(v, _mm512_mul_ps(sx, _mm512_loadu_ps(w->scale + col)));
            _mm512_storeu_ps(out + (long)(r + i) * w->rows + col, v);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void q8_vnni(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            q8_vnni_tile(a, w, out, r, p, 6, 4);
        for (; r < a->n; r++)
            q8_vnni_tile(a, w, out, r, p, 1, 4);
    }
    for (; p < p1; p++) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            q8_vnni_tile(a, w, out, r, p, 6, 1);
        for (; r < a->n; r++)
            q8_vnni_tile(a, w, out, r, p, 1, 1);
    }
}

/* Each 16-byte quarter of a step (4 rows x 4 columns) widens to 16 int16; vpmaddwd with
 * the row's 4 activations repeated gives per weight row two partial sums (columns 0-1
 * and 2-3), added pairwise at the end. */
AVX2_TARGET void q8_avx2_tile(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p, const int R)
{
    const int8_t *wp = (const int8_t *)w->panels + (long)p * (w->cols / 4) * 64;
    int steps = w->cols / 4;
    __m256i acc[2][4];
    for (int i = 0; i < R; i++)
        for (int q = 0; q < 4; q++)
            acc[i][q] = _mm256_setzero_si256();
    for (int s = 0; s < steps; s++, wp += 64) {
        __m256i wv[4];
        for (int q = 0; q < 4; q++)
            wv[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wp + q * 16)));
        for (int i = 0; i < R; i++) {
            int64_t four;
            memcpy(&four, a->q16 + (long)(r + i) * a->cols + s * 4, 8);
            __m256i xv = _mm256_set1_epi64x(four);
            for (int q = 0; q < 4; q++)
                acc[i][q] = _mm256_add_epi32(acc[i][q], _mm256_madd_epi16(wv[q], xv));
        }
    }
    for (int i = 0; i < R; i++) {
        __m256 sx = _mm256_set1_ps(a->scale[r + i]);
        for (int h = 0; h < 2; h++) {
            /* hadd gives rows (0 1 4 5 | 2 3 6 7) of the 8; the permute puts them in order */
            __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[i][2 * h], acc[i][2 * h + 1]), 0xD8);
            int col = p * 16 + h * 8;
            __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(sx, _mm256_loadu_ps(w->scale + col)));
            _mm256_storeu_ps(out + (long)(r + i) * w->rows + col, v);
        }
    }
}

__attribute__((target("avx2,fma")))
static void q8_avx2(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    for (int p = p0; p < p1; p++) {
        int r = 0;
        for (; r + 2 <= a->n; r += 2)
            q8_avx2_tile(a, w, out, r, p, 2);
        for (; r < a->n; r++)
            q8_avx2_tile(a, w, out, r, p, 1);
    }
}
#endif

void glance_q8_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
#ifdef HAVE_X86
    const GlanceCpu *cpu = glance_cpu();
    if (cpu->avx512_vnni) {
        q8_vnni(a, w, out, p0, p1);
        return;
    }
    if (cpu->avx2 && a->q16) {
        q8_avx2(a, w, out, p0, p1);
        return;
    }
#endif
    q8_generic(a, w, out, p0, p1);
}

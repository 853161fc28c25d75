/* gemm-f16.c — F32 activations times F16 weights, the weights read row-major from the
 * mapped file and widened to F32 per tile (vcvtph2ps), so an F16 file stays 16-bit in
 * memory. Products and sums are F32, as with the weights converted at load; only the
 * order of the sums differs from BLAS. Each (row, output) is one dot product in a fixed
 * order, whatever the tile, so batching never changes a number. */
#include "cpu.h"
#include "gemm-lowp.h"
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

/* Sums of k in [from, cols) for one (row, output): the tail after the vector steps. */
static float tail_dot(const float *x, const uint16_t *w, int from, int cols)
{
    float acc = 0;
    for (int k = from; k < cols; k++)
        acc += x[k] * glance_f16_to_float(w[k]);
    return acc;
}

static void f16_generic(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    const uint16_t *weights = w->panels;
    for (int i = 0; i < a->n; i++)
        for (int o = p0 * 16; o < p1 * 16; o++)
            out[(long)i * w->rows + o] = tail_dot(a->x + (long)i * a->cols, weights + (long)o * w->cols, 0, w->cols);
}

#ifdef HAVE_X86
#define F16_512 __attribute__((target("avx512f,f16c,fma"), always_inline)) static inline
#define F16_256 __attribute__((target("avx2,f16c,fma"), always_inline)) static inline

/* Named accumulators: GCC keeps an array of zmm in memory. */
#define DECL4(i) __m512 c##i##0 = _mm512_setzero_ps(), c##i##1 = c##i##0, c##i##2 = c##i##0, c##i##3 = c##i##0
#define STEP4(i)                                                                                  \
    do {                                                                                          \
        __m512 xv = _mm512_loadu_ps(a->x + (long)(r + (i)) * cols + k);                           \
        c##i##0 = _mm512_fmadd_ps(xv, w0, c##i##0);                                               \
        c##i##1 = _mm512_fmadd_ps(xv, w1, c##i##1);                                               \
        c##i##2 = _mm512_fmadd_ps(xv, w2, c##i##2);                                               \
        c##i##3 = _mm512_fmadd_ps(xv, w3, c##i##3);                                               \
    } while (0)
#define STORE4(i)                                                                                 \
    do {                                                                                          \
        const float *x = a->x + (long)(r + (i)) * cols;                                           \
        float *row = out + (long)(r + (i)) * w->rows + o;                                         \
        row[0] = _mm512_reduce_add_ps(c##i##0) + tail_dot(x, wr0, body, cols);                    \
        row[1] = _mm512_reduce_add_ps(c##i##1) + tail_dot(x, wr1, body, cols);                    \
        row[2] = _mm512_reduce_add_ps(c##i##2) + tail_dot(x, wr2, body, cols);                    \
        row[3] = _mm512_reduce_add_ps(c##i##3) + tail_dot(x, wr3, body, cols);                    \
    } while (0)
#define WEIGHTS4()                                                                                \
    int cols = w->cols, body = cols / 16 * 16;                                                    \
    const uint16_t *wr0 = (const uint16_t *)w->panels + (long)o * cols, *wr1 = wr0 + cols;        \
    const uint16_t *wr2 = wr1 + cols, *wr3 = wr2 + cols
#define LOAD4()                                                                                   \
    __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr0 + k)));                  \
    __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr1 + k)));                  \
    __m512 w2 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr2 + k)));                  \
    __m512 w3 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr3 + k)))

/* 4 rows x 4 outputs, 16 columns a step; the 16 lanes are summed at the end. */
F16_512 void f16_4x4_512(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int o)
{
    WEIGHTS4();
    DECL4(0); DECL4(1); DECL4(2); DECL4(3);
    for (int k = 0; k < body; k += 16) {
        LOAD4();
        STEP4(0); STEP4(1); STEP4(2); STEP4(3);
    }
    STORE4(0); STORE4(1); STORE4(2); STORE4(3);
}

/* One row x 4 outputs: the rows left over, summed in the same order. */
F16_512 void f16_1x4_512(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int o)
{
    WEIGHTS4();
    DECL4(0);
    for (int k = 0; k < body; k += 16) {
        LOAD4();
        STEP4(0);
    }
    STORE4(0);
}

__attribute__((target("avx512f,f16c,fma")))
static void f16_avx512(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    for (int o = p0 * 16; o < p1 * 16; o += 4) {
        int r = 0;
        for (; r + 4 <= a->n; r += 4)
            f16_4x4_512(a, w, out, r, o);
        for (; r < a->n; r++)
            f16_1x4_512(a, w, out, r, o);
    }
}

/* The same on ymm: R rows x 4 outputs, 8 columns a step. */
F16_256 void f16_tile_256(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int o, const int R)
{
    int cols = w->cols, body = cols / 8 * 8;
    const uint16_t *wr[4];
    #pragma GCC unroll 8
    for (int q = 0; q < 4; q++)
        wr[q] = (const uint16_t *)w->panels + (long)(o + q) * cols;
    __m256 acc[2][4];
    #pragma GCC unroll 8
    for (int i = 0; i < R; i++)
        #pragma GCC unroll 8
        for (int q = 0; q < 4; q++)
            acc[i][q] = _mm256_setzero_ps();
    for (int k = 0; k < body; k += 8) {
        __m256 wv[4];
        #pragma GCC unroll 8
        for (int q = 0; q < 4; q++)
            wv[q] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(wr[q] + k)));
        #pragma GCC unroll 8
        for (int i = 0; i < R; i++) {
            __m256 xv = _mm256_loadu_ps(a->x + (long)(r + i) * cols + k);
            #pragma GCC unroll 8
            for (int q = 0; q < 4; q++)
                acc[i][q] = _mm256_fmadd_ps(xv, wv[q], acc[i][q]);
        }
    }
    #pragma GCC unroll 8
    for (int i = 0; i < R; i++)
        #pragma GCC unroll 8
        for (int q = 0; q < 4; q++) {
            __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc[i][q]), _mm256_extractf128_ps(acc[i][q], 1));
            s = _mm_add_ps(s, _mm_movehl_ps(s, s));
            s = _mm_add_ss(s, _mm_movehdup_ps(s));
            out[(long)(r + i) * w->rows + o + q] =
                _mm_cvtss_f32(s) + tail_dot(a->x + (long)(r + i) * cols, wr[q], body, cols);
        }
}

__attribute__((target("avx2,f16c,fma")))
static void f16_avx2(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    for (int o = p0 * 16; o < p1 * 16; o += 4) {
        int r = 0;
        for (; r + 2 <= a->n; r += 2)
            f16_tile_256(a, w, out, r, o, 2);
        for (; r < a->n; r++)
            f16_tile_256(a, w, out, r, o, 1);
    }
}
#endif

void glance_f16_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
#ifdef HAVE_X86
    const GlanceCpu *cpu = glance_cpu();
    if (cpu->avx512) {
        f16_avx512(a, w, out, p0, p1);
        return;
    }
    if (cpu->avx2) {
        f16_avx2(a, w, out, p0, p1);
        return;
    }
#endif
    f16_generic(a, w, out, p0, p1);
}

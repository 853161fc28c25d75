/* gemm-bf16.c — bf16 x bf16 -> f32 GEMM on BF16 panels (matrix.h) with AVX-512 BF16's
 * vdpbf16ps, or with AMX (tdpbf16ps) where Linux grants it and a row holds whole
 * 32-column tiles. Only used where the CPU has AVX-512 BF16: elsewhere model.c unpacks
 * BF16 weights to F32 once at load and the F32 path runs. */
#include "amx.h"
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

/* acc += pairs of bf16 products. As with vpdpbusd (gemm-q8.c), GCC 12's intrinsic copies
 * and spills the accumulators; the plain instruction does not. */
BF16_TARGET __m512 dpbf16(__m512 acc, __m512i a, __m512i b)
{
    __asm__("vdpbf16ps %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
    return acc;
}

#define DECL4(i) __m512 c##i##0 = _mm512_setzero_ps(), c##i##1 = c##i##0, c##i##2 = c##i##0, c##i##3 = c##i##0
#define STEP4(i)                                                                                  \
    do {                                                                                          \
        int32_t two;                                                                              \
        memcpy(&two, x + (long)(i) * a->cols + s * 2, 4);                                         \
        __m512i xv = _mm512_set1_epi32(two);                                                      \
        c##i##0 = dpbf16(c##i##0, w0, xv);                                                        \
        c##i##1 = dpbf16(c##i##1, w1, xv);                                                        \
        c##i##2 = dpbf16(c##i##2, w2, xv);                                                        \
        c##i##3 = dpbf16(c##i##3, w3, xv);                                                        \
    } while (0)
#define STORE4(i)                                                                                 \
    do {                                                                                          \
        float *row = out + (long)(r + (i)) * w->rows + p * 16;                                    \
        _mm512_storeu_ps(row, c##i##0);                                                           \
        _mm512_storeu_ps(row + 16, c##i##1);                                                      \
        _mm512_storeu_ps(row + 32, c##i##2);                                                      \
        _mm512_storeu_ps(row + 48, c##i##3);                                                      \
    } while (0)
#define LOAD4()                                                                                   \
    __m512i w0 = _mm512_loadu_si512(wp + s * 32), w1 = _mm512_loadu_si512(wp + (steps + s) * 32); \
    __m512i w2 = _mm512_loadu_si512(wp + (2 * steps + s) * 32);                                   \
    __m512i w3 = _mm512_loadu_si512(wp + (3 * steps + s) * 32)

/* 6 rows x 4 panels (64 outputs). */
BF16_TARGET void bf16_6x4(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 2;
    const uint16_t *wp = (const uint16_t *)w->panels + p * steps * 32;
    const uint16_t *x = a->bf + (long)r * a->cols;
    DECL4(0); DECL4(1); DECL4(2); DECL4(3); DECL4(4); DECL4(5);
    for (long s = 0; s < steps; s++) {
        LOAD4();
        STEP4(0); STEP4(1); STEP4(2); STEP4(3); STEP4(4); STEP4(5);
    }
    STORE4(0); STORE4(1); STORE4(2); STORE4(3); STORE4(4); STORE4(5);
}

/* One row x 4 panels: the rows left over. */
BF16_TARGET void bf16_1x4(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 2;
    const uint16_t *wp = (const uint16_t *)w->panels + p * steps * 32;
    const uint16_t *x = a->bf + (long)r * a->cols;
    DECL4(0);
    for (long s = 0; s < steps; s++) {
        LOAD4();
        STEP4(0);
    }
    STORE4(0);
}

/* One row x one panel: the panels left over. */
BF16_TARGET void bf16_1x1(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 2;
    const uint16_t *wp = (const uint16_t *)w->panels + p * steps * 32;
    const uint16_t *x = a->bf + (long)r * a->cols;
    __m512 acc = _mm512_setzero_ps();
    for (long s = 0; s < steps; s++) {
        int32_t two;
        memcpy(&two, x + s * 2, 4);
        acc = dpbf16(acc, _mm512_loadu_si512(wp + s * 32), _mm512_set1_epi32(two));
    }
    _mm512_storeu_ps(out + (long)r * w->rows + p * 16, acc);
}

/* AMX: a 16-row block of activations against two panels at a time (tdpbf16ps: 16 x 16
 * outputs, 32 columns, per instruction). A panel's 16 column pairs of 64 bytes are one
 * weight tile as they lie in the file. Panels outside, rows inside: the panels' tiles
 * stay in L1 while the rows pass. */
__attribute__((target("amx-tile,amx-bf16")))
static void bf16_amx(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    long steps = w->cols / 2, ldx = (long)a->cols * 2, ldo = (long)w->rows * 4;
    const uint8_t *panels = w->panels;
    float part[AMX_ROWS * 32];
    amx_begin();
    for (int p = p0; p < p1; p += 2) {
        int two = p + 1 < p1;
        const uint8_t *b0 = panels + p * steps * 64, *b1 = b0 + steps * 64;
        for (int r = 0; r < a->n; r += AMX_ROWS) {
            const uint16_t *x = a->bf + (long)r * a->cols;
            _tile_zero(0);
            _tile_zero(1);
            for (long k = 0; k < a->cols; k += 32) {
                _tile_loadd(2, x + k, ldx);
                _tile_loadd(3, b0 + k / 2 * 64, 64);
                _tile_dpbf16ps(0, 2, 3);
                if (two) {
                    _tile_loadd(4, b1 + k / 2 * 64, 64);
                    _tile_dpbf16ps(1, 2, 4);
                }
            }
            float *dst = out + (long)r * w->rows + p * 16;
            if (r + AMX_ROWS <= a->n && two) {
                _tile_stored(0, dst, ldo);
                _tile_stored(1, dst + 16, ldo);
                continue;
            }
            _tile_stored(0, part, 128);
            _tile_stored(1, part + 16, 128);
            for (int i = 0; i < AMX_ROWS && r + i < a->n; i++)
                memcpy(dst + (long)i * w->rows, part + i * 32, (two ? 32 : 16) * sizeof(float));
        }
    }
    _tile_release();
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void bf16_avx512(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            bf16_6x4(a, w, out, r, p);
        for (; r < a->n; r++)
            bf16_1x4(a, w, out, r, p);
    }
    for (; p < p1; p++)
        for (int r = 0; r < a->n; r++)
            bf16_1x1(a, w, out, r, p);
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
    if (glance_cpu()->amx && w->cols % 32 == 0) {
        bf16_amx(a, w, out, p0, p1);
        return;
    }
    if (glance_cpu()->avx512_bf16) {
        bf16_avx512(a, w, out, p0, p1);
        return;
    }
#endif
    bf16_generic(a, w, out, p0, p1);
}

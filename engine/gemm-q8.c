/* gemm-q8.c — int8 x int8 -> int32 GEMM on Q8 panels (matrix.h), four ways:
 *   AMX (tdpbssd) where Linux grants it and a row holds whole 64-column tiles;
 *   AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes, so the weights are
 *     made unsigned (w + 128, one xor) and 128 * sum(q) is taken off each row after;
 *   AVX2: both sides widened to int16 and multiplied with vpmaddwd (no VNNI byte
 *     trick: vpmaddubsw would saturate at 255 * 127 * 2);
 *   plain C.
 * Integer sums are exact, so the three agree bit for bit before the float epilogue:
 * out = sum * scale_x[row] * scale_w[col]. */
#include "amx.h"
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

/* acc += u8 x s8 in groups of 4. GCC 12's _mm512_dpbusd_epi32 copies and spills the
 * accumulators around every instruction (half the speed); the plain instruction does not. */
VNNI_TARGET __m512i dpbusd(__m512i acc, __m512i u8, __m512i s8)
{
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u8), "v"(s8));
    return acc;
}

/* The accumulators are named variables, not an array, which GCC keeps in memory. */
#define DECL4(i) __m512i c##i##0 = _mm512_setzero_si512(), c##i##1 = c##i##0, c##i##2 = c##i##0, c##i##3 = c##i##0
#define STEP4(i)                                                                                  \
    do {                                                                                          \
        int32_t four;                                                                             \
        memcpy(&four, x + (long)(i) * a->cols + s * 4, 4);                                        \
        __m512i xv = _mm512_set1_epi32(four);                                                     \
        c##i##0 = dpbusd(c##i##0, w0, xv);                                           \
        c##i##1 = dpbusd(c##i##1, w1, xv);                                           \
        c##i##2 = dpbusd(c##i##2, w2, xv);                                           \
        c##i##3 = dpbusd(c##i##3, w3, xv);                                           \
    } while (0)
#define STORE4(i)                                                                                 \
    do {                                                                                          \
        store16(a, w, out, r + (i), p * 16, c##i##0);                                             \
        store16(a, w, out, r + (i), p * 16 + 16, c##i##1);                                        \
        store16(a, w, out, r + (i), p * 16 + 32, c##i##2);                                        \
        store16(a, w, out, r + (i), p * 16 + 48, c##i##3);                                        \
    } while (0)

/* out = (sum - 128 * sum(q)) * scale_x * scale_w: the offset undoes the xor's +128. */
VNNI_TARGET void store16(const LowpActs *a, const GlanceMatrix *w, float *out, int row, int col, __m512i acc)
{
    __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, _mm512_set1_epi32(128 * a->sum[row])));
    v = _mm512_mul_ps(v, _mm512_mul_ps(_mm512_set1_ps(a->scale[row]), _mm512_loadu_ps(w->scale + col)));
    _mm512_storeu_ps(out + (long)row * w->rows + col, v);
}

VNNI_TARGET __m512i load_panel(const int8_t *p)
{
    return _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_set1_epi8((char)0x80));
}

/* 6 rows x 4 panels (64 outputs): 24 accumulators, 4 weight vectors, a broadcast. */
VNNI_TARGET void q8_vnni_6x4(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 4;
    const int8_t *wp = (const int8_t *)w->panels + p * steps * 64;
    const int8_t *x = a->q + (long)r * a->cols;
    DECL4(0); DECL4(1); DECL4(2); DECL4(3); DECL4(4); DECL4(5);
    for (long s = 0; s < steps; s++) {
        __m512i w0 = load_panel(wp + s * 64), w1 = load_panel(wp + (steps + s) * 64);
        __m512i w2 = load_panel(wp + (2 * steps + s) * 64), w3 = load_panel(wp + (3 * steps + s) * 64);
        STEP4(0); STEP4(1); STEP4(2); STEP4(3); STEP4(4); STEP4(5);
    }
    STORE4(0); STORE4(1); STORE4(2); STORE4(3); STORE4(4); STORE4(5);
}

/* One row x 4 panels: the rows left over. */
VNNI_TARGET void q8_vnni_1x4(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 4;
    const int8_t *wp = (const int8_t *)w->panels + p * steps * 64;
    const int8_t *x = a->q + (long)r * a->cols;
    DECL4(0);
    for (long s = 0; s < steps; s++) {
        __m512i w0 = load_panel(wp + s * 64), w1 = load_panel(wp + (steps + s) * 64);
        __m512i w2 = load_panel(wp + (2 * steps + s) * 64), w3 = load_panel(wp + (3 * steps + s) * 64);
        STEP4(0);
    }
    STORE4(0);
}

/* One row x one panel: the panels left over. */
VNNI_TARGET void q8_vnni_1x1(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p)
{
    long steps = w->cols / 4;
    const int8_t *wp = (const int8_t *)w->panels + p * steps * 64;
    const int8_t *x = a->q + (long)r * a->cols;
    __m512i acc = _mm512_setzero_si512();
    for (long s = 0; s < steps; s++) {
        int32_t four;
        memcpy(&four, x + s * 4, 4);
        acc = dpbusd(acc, load_panel(wp + s * 64), _mm512_set1_epi32(four));
    }
    store16(a, w, out, r, p * 16, acc);
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void q8_vnni(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
        int r = 0;
        for (; r + 6 <= a->n; r += 6)
            q8_vnni_6x4(a, w, out, r, p);
        for (; r < a->n; r++)
            q8_vnni_1x4(a, w, out, r, p);
    }
    for (; p < p1; p++)
        for (int r = 0; r < a->n; r++)
            q8_vnni_1x1(a, w, out, r, p);
}

/* AMX: tdpbssd multiplies signed by signed bytes (no offset), 16 x 16 outputs and 64
 * columns per instruction; a panel's 16 steps of 64 bytes are one weight tile as they
 * lie in the file. The int32 sums are the same as vpdpbusd's after its offset. */
__attribute__((target("amx-tile,amx-int8,avx512f")))
static void q8_amx(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1)
{
    long steps = w->cols / 4, ldx = a->cols;
    const int8_t *panels = w->panels;
    int32_t part[AMX_ROWS * 32];
    amx_begin();
    for (int p = p0; p < p1; p += 2) {
        int two = p + 1 < p1;
        const int8_t *b0 = panels + p * steps * 64, *b1 = b0 + steps * 64;
        __m512 sw0 = _mm512_loadu_ps(w->scale + p * 16);
        __m512 sw1 = two ? _mm512_loadu_ps(w->scale + p * 16 + 16) : sw0;
        for (int r = 0; r < a->n; r += AMX_ROWS) {
            const int8_t *x = a->q + (long)r * a->cols;
            _tile_zero(0);
            _tile_zero(1);
            for (long k = 0; k < a->cols; k += 64) {
                _tile_loadd(2, x + k, ldx);
                _tile_loadd(3, b0 + k / 4 * 64, 64);
                _tile_dpbssd(0, 2, 3);
                if (two) {
                    _tile_loadd(4, b1 + k / 4 * 64, 64);
                    _tile_dpbssd(1, 2, 4);
                }
            }
            _tile_stored(0, part, 128);
            _tile_stored(1, part + 16, 128);
            for (int i = 0; i < AMX_ROWS && r + i < a->n; i++) {
                __m512 sx = _mm512_set1_ps(a->scale[r + i]);
                float *dst = out + (long)(r + i) * w->rows + p * 16;
                _mm512_storeu_ps(dst, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(part + i * 32)),
                                                    _mm512_mul_ps(sx, sw0)));
                if (two)
                    _mm512_storeu_ps(dst + 16, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(part + i * 32 + 16)),
                                                             _mm512_mul_ps(sx, sw1)));
            }
        }
    }
    _tile_release();
}

/* Each 16-byte quarter of a step (4 rows x 4 columns) widens to 16 int16; vpmaddwd with
 * the row's 4 activations repeated gives per weight row two partial sums (columns 0-1
 * and 2-3), added pairwise at the end. */
AVX2_TARGET void q8_avx2_tile(const LowpActs *a, const GlanceMatrix *w, float *out, int r, int p, const int R)
{
    const int8_t *wp = (const int8_t *)w->panels + (long)p * (w->cols / 4) * 64;
    int steps = w->cols / 4;
    __m256i acc[2][4];
    #pragma GCC unroll 8
    for (int i = 0; i < R; i++)
        #pragma GCC unroll 8
        for (int q = 0; q < 4; q++)
            acc[i][q] = _mm256_setzero_si256();
    for (int s = 0; s < steps; s++, wp += 64) {
        __m256i wv[4];
        #pragma GCC unroll 8
        for (int q = 0; q < 4; q++)
            wv[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wp + q * 16)));
        #pragma GCC unroll 8
        for (int i = 0; i < R; i++) {
            int64_t four;
            memcpy(&four, a->q16 + (long)(r + i) * a->cols + s * 4, 8);
            __m256i xv = _mm256_set1_epi64x(four);
            #pragma GCC unroll 8
            for (int q = 0; q < 4; q++)
                acc[i][q] = _mm256_add_epi32(acc[i][q], _mm256_madd_epi16(wv[q], xv));
        }
    }
    #pragma GCC unroll 8
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
    if (cpu->amx && w->cols % 64 == 0) {
        q8_amx(a, w, out, p0, p1);
        return;
    }
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

/* gemm-f32-small.c — glance_sgemm_small (gemm-f32-small.h). At a dozen rows every
 * projection is bound by reading its weights, and BLAS first copies (packs) its weight
 * slice: each weight read twice and written once. Here W is read once, row-major as
 * stored: a tile of a few outputs' weight rows is fetched while the first rows go past,
 * then stays in L1 for the rest; bias and GELU follow per block of columns while the
 * block is warm.
 *
 * The sum order is fixed so that every path gives the same bits: 16 partial sums per
 * (row, output), lane l taking k = l mod 16 by fused multiply-add in k order (past the
 * end of a row, masked loads add 0 x 0), folded as s8[l] = p[l] + p[l + 8], then
 * s4 = s8[l] + s8[l + 4], s2, s1. The folds are transpose-adds: 16 (AVX-512) or 4
 * (AVX2) dot products are folded at once into one vector, lane 4t + o holding row t,
 * output o of the tile. Plain C does the same with fmaf. */
#include "gemm-f32-small.h"
#include "cpu.h"
#include "kernels.h"
#include <math.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

/* Columns per block: the tiles of a block are done for all rows, then its bias and
 * GELU, on a patch (n x 64 floats) still in L1. */
#define BLOCK_COLS 64

/* A tile: outputs' weight rows w[o], input rows x[t] (repeated where a tile hangs over
 * the edge), the sums into res[4 * t + o]. */
typedef void (*TileFunc)(const float *const *w, const float *const *x, int k, float *res);
#define MAX_TILE_ROWS 6

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

/* Plain C: the same 16 lanes, fused multiply-adds and fold, so the same bits. fmaf is one
 * instruction in the clones for CPUs with FMA and libm's exact emulation elsewhere. */
MULTIVERSION
static void tile_generic(const float *const *w, const float *const *x, int k, float *res)
{
    for (int t = 0; t < 4; t++)
        for (int o = 0; o < 4; o++) {
            float p[16] = { 0 };
            int body = k / 16 * 16;
            for (int j = 0; j < body; j += 16)
                for (int l = 0; l < 16; l++)
                    p[l] = fmaf(w[o][j + l], x[t][j + l], p[l]);
            /* past the end the vector paths add 0 x 0, which turns a -0 sum into +0 */
            for (int l = 0; l < 16 && body < k; l++)
                p[l] = l < k - body ? fmaf(w[o][body + l], x[t][body + l], p[l]) : p[l] + 0.0f;
            for (int step = 8; step >= 1; step /= 2)
                for (int l = 0; l < step; l++)
                    p[l] += p[l + step];
            res[4 * t + o] = p[0];
        }
}

#ifdef HAVE_X86
#define AVX512_INLINE __attribute__((target("avx512f,avx2,fma"), always_inline)) static inline
#define AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

/* Shuffles within 128-bit blocks: [a0 a1 b0 b1], [a2 a3 b2 b3] and [a0 a2 b0 b2], [a1 a3 b1 b3]. */
#define LOW_PAIRS _MM_SHUFFLE(1, 0, 1, 0)
#define HIGH_PAIRS _MM_SHUFFLE(3, 2, 3, 2)
#define EVEN_LANES _MM_SHUFFLE(2, 0, 2, 0)
#define ODD_LANES _MM_SHUFFLE(3, 1, 3, 1)

/* [a's s8, b's s8]: the first fold of two dot products' 16 lanes. */
AVX512_INLINE __m512 fold8_512(__m512 a, __m512 b)
{
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, LOW_PAIRS), _mm512_shuffle_f32x4(a, b, HIGH_PAIRS));
}

/* [a's s8, b's s8], [c's, d's] -> 128-bit blocks [a's s4, b's s4, c's s4, d's s4]. */
AVX512_INLINE __m512 fold4_512(__m512 ab, __m512 cd)
{
    return _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, EVEN_LANES), _mm512_shuffle_f32x4(ab, cd, ODD_LANES));
}

/* In each 128-bit block: [p's s2, q's s2], then [p's s1, q's s1, r's, s's]. */
AVX512_INLINE __m512 fold2_512(__m512 p, __m512 q)
{
    return _mm512_add_ps(_mm512_shuffle_ps(p, q, LOW_PAIRS), _mm512_shuffle_ps(p, q, HIGH_PAIRS));
}

AVX512_INLINE __m512 fold1_512(__m512 p, __m512 q)
{
    return _mm512_add_ps(_mm512_shuffle_ps(p, q, EVEN_LANES), _mm512_shuffle_ps(p, q, ODD_LANES));
}

/* Named accumulators (GCC keeps an array of zmm in memory): c<o><t>, output o, row t.
 * A step loads 4 weight vectors and, row by row, one activation vector for 4 products. */
#define DECL_ROW(t) __m512 c0##t = _mm512_setzero_ps(), c1##t = c0##t, c2##t = c0##t, c3##t = c0##t;
#define STEP_ROW(t, xv)                                                                           \
    {                                                                                             \
        __m512 x_##t = xv;                                                                        \
        c0##t = _mm512_fmadd_ps(w0, x_##t, c0##t);                                                \
        c1##t = _mm512_fmadd_ps(w1, x_##t, c1##t);                                                \
        c2##t = _mm512_fmadd_ps(w2, x_##t, c2##t);                                                \
        c3##t = _mm512_fmadd_ps(w3, x_##t, c3##t);                                                \
    }
#define STEP_ROW_FULL(t) STEP_ROW(t, _mm512_loadu_ps(x[t] + j))
#define STEP_ROW_MASKED(t) STEP_ROW(t, _mm512_maskz_loadu_ps(m, x[t] + j))
#define REP4(M) M(0) M(1) M(2) M(3)
#define REP6(M) REP4(M) M(4) M(5)
/* Rows a, b, c, d folded (d = 4o + t over them): their sums in dst, lane 4t + o. */
#define FOLD_ROWS(a, b, c, d, dst)                                                                \
    {                                                                                             \
        __m512 q0 = fold4_512(fold8_512(c0##a, c0##b), fold8_512(c0##c, c0##d));                  \
        __m512 q1 = fold4_512(fold8_512(c1##a, c1##b), fold8_512(c1##c, c1##d));                  \
        __m512 q2 = fold4_512(fold8_512(c2##a, c2##b), fold8_512(c2##c, c2##d));                  \
        __m512 q3 = fold4_512(fold8_512(c3##a, c3##b), fold8_512(c3##c, c3##d));                  \
        _mm512_storeu_ps(dst, fold1_512(fold2_512(q0, q1), fold2_512(q2, q3)));                   \
    }

/* Hot spot: 4 outputs x R rows (REP), 16 lanes of k a step; res gets lane 4t + o. */
#define TILE_4xR(name, REP, FOLDS)                                                                \
    __attribute__((target("avx512f,avx2,fma"))) static void name(const float *const *w,         \
                                                                 const float *const *x, int k,   \
                                                                 float *res)                      \
    {                                                                                             \
        REP(DECL_ROW)                                                                             \
        int j = 0;                                                                                \
        for (; j + 16 <= k; j += 16) {                                                            \
            __m512 w0 = _mm512_loadu_ps(w[0] + j), w1 = _mm512_loadu_ps(w[1] + j);                \
            __m512 w2 = _mm512_loadu_ps(w[2] + j), w3 = _mm512_loadu_ps(w[3] + j);                \
            REP(STEP_ROW_FULL)                                                                    \
        }                                                                                         \
        if (j < k) {                                                                              \
            __mmask16 m = (__mmask16)((1u << (k - j)) - 1);                                       \
            __m512 w0 = _mm512_maskz_loadu_ps(m, w[0] + j), w1 = _mm512_maskz_loadu_ps(m, w[1] + j); \
            __m512 w2 = _mm512_maskz_loadu_ps(m, w[2] + j), w3 = _mm512_maskz_loadu_ps(m, w[3] + j); \
            REP(STEP_ROW_MASKED)                                                                  \
        }                                                                                         \
        FOLDS                                                                                     \
    }
/* 4 rows for short inputs; 6 otherwise (fewer weight reloads per product: 75 against 66
 * GMAC/s at 12 rows from L2). Rows 4 and 5 are folded with themselves repeated. */
TILE_4xR(tile_4x4_avx512, REP4, FOLD_ROWS(0, 1, 2, 3, res))
TILE_4xR(tile_4x6_avx512, REP6, FOLD_ROWS(0, 1, 2, 3, res) FOLD_ROWS(4, 5, 4, 5, res + 16))

/* On ymm the 16 lanes are two accumulators, low (l < 8) and high. */
AVX2_INLINE __m256 fold8_256(__m256 low, __m256 high)
{
    return _mm256_add_ps(low, high);
}

/* [a's s8], [b's s8] -> [a's s4, b's s4]. */
AVX2_INLINE __m256 fold4_256(__m256 a, __m256 b)
{
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

#define STEP_256(t, xl, xh)                                                                       \
    do {                                                                                          \
        c0##t##l = _mm256_fmadd_ps(w0l, xl, c0##t##l);                                            \
        c0##t##h = _mm256_fmadd_ps(w0h, xh, c0##t##h);                                            \
        c1##t##l = _mm256_fmadd_ps(w1l, xl, c1##t##l);                                            \
        c1##t##h = _mm256_fmadd_ps(w1h, xh, c1##t##h);                                            \
    } while (0)
#define STEPS_256(load)                                                                           \
    do {                                                                                          \
        __m256 w0l = load(w[0], 0), w0h = load(w[0], 8), w1l = load(w[1], 0), w1h = load(w[1], 8); \
        __m256 x0l = load(x[0], 0), x0h = load(x[0], 8);                                          \
        STEP_256(0, x0l, x0h);                                                                    \
        __m256 x1l = load(x[1], 0), x1h = load(x[1], 8);                                          \
        STEP_256(1, x1l, x1h);                                                                    \
    } while (0)

/* 2 outputs x 2 rows; res gets lanes 4t + o for o, t < 2. */
__attribute__((target("avx2,fma")))
static void tile_avx2(const float *const *w, const float *const *x, int k, float *res)
{
    __m256 c00l = _mm256_setzero_ps(), c00h = c00l, c01l = c00l, c01h = c00l;
    __m256 c10l = c00l, c10h = c00l, c11l = c00l, c11h = c00l;
    int j = 0;
#define LOAD8_FULL(row, half) _mm256_loadu_ps((row) + j + (half))
    for (; j + 16 <= k; j += 16)
        STEPS_256(LOAD8_FULL);
    if (j < k) {
        /* maskload takes lanes whose mask has the sign bit: lane i of half h while j + h + i < k */
        __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(k - j), lane);
        __m256i m8 = _mm256_cmpgt_epi32(_mm256_set1_epi32(k - j - 8), lane);
#define LOAD8_MASKED(row, half) _mm256_maskload_ps((row) + j + (half), (half) ? m8 : m0)
        STEPS_256(LOAD8_MASKED);
    }
    /* Dot products d = 2o + t: [d0 s4, d1 s4], [d2, d3] -> blocks [d0 s2, d2 s2], [d1, d3]
     * -> [d0, d2, d0, d2], [d1, d3, d1, d3]: lane 4t + o. */
    __m256 a = fold4_256(fold8_256(c00l, c00h), fold8_256(c01l, c01h));
    __m256 b = fold4_256(fold8_256(c10l, c10h), fold8_256(c11l, c11h));
    __m256 p = _mm256_add_ps(_mm256_shuffle_ps(a, b, LOW_PAIRS), _mm256_shuffle_ps(a, b, HIGH_PAIRS));
    __m256 s = _mm256_add_ps(_mm256_shuffle_ps(p, p, EVEN_LANES), _mm256_shuffle_ps(p, p, ODD_LANES));
    _mm256_storeu_ps(res, s);
}
#endif

GlanceSmallPath glance_sgemm_small_path(void)
{
    const GlanceCpu *cpu = glance_cpu();
    return cpu->avx512 ? GLANCE_SMALL_AVX512 : cpu->avx2 ? GLANCE_SMALL_AVX2 : GLANCE_SMALL_GENERIC;
}

void glance_sgemm_small_on(GlanceSmallPath path, float *out, long ldo, const float *in, int n, int in_dim,
                           const float *w, int cols, const float *b, int gelu)
{
    TileFunc tile = tile_generic;
    int tile_outs = 4, tile_rows = 4;
#ifdef HAVE_X86
    if (path == GLANCE_SMALL_AVX512) {
        tile = n <= 4 ? tile_4x4_avx512 : tile_4x6_avx512;
        tile_rows = n <= 4 ? 4 : 6;
    } else if (path == GLANCE_SMALL_AVX2) {
        tile = tile_avx2;
        tile_outs = tile_rows = 2;
    }
#else
    (void)path;
#endif
    for (int c0 = 0; c0 < cols; c0 += BLOCK_COLS) {
        int c1 = c0 + BLOCK_COLS < cols ? c0 + BLOCK_COLS : cols;
        for (int o = c0; o < c1; o += tile_outs) {
            /* Past the edge a tile repeats its last output or row; only real ones are stored. */
            const float *w_rows[4], *x_rows[MAX_TILE_ROWS];
            for (int q = 0; q < 4; q++)
                w_rows[q] = w + (long)(o + q < c1 ? o + q : c1 - 1) * in_dim;
            int outs = c1 - o < tile_outs ? c1 - o : tile_outs;
            for (int r = 0; r < n; r += tile_rows) {
                for (int t = 0; t < MAX_TILE_ROWS; t++)
                    x_rows[t] = in + (long)(r + t < n ? r + t : n - 1) * in_dim;
                float res[4 * (MAX_TILE_ROWS + 2)];
                tile(w_rows, x_rows, in_dim, res);
                int rows = n - r < tile_rows ? n - r : tile_rows;
                for (int t = 0; t < rows; t++)
                    for (int q = 0; q < outs; q++)
                        out[(long)(r + t) * ldo + o + q] = res[4 * t + q];
            }
        }
        glance_bias_gelu(out + c0, ldo, n, c1 - c0, b ? b + c0 : NULL, gelu);
    }
}

void glance_sgemm_small(float *out, long ldo, const float *in, int n, int in_dim, const float *w, int cols,
                        const float *b, int gelu)
{
    glance_sgemm_small_on(glance_sgemm_small_path(), out, ldo, in, n, in_dim, w, cols, b, gelu);
}

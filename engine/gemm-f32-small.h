/* gemm-f32-small.h — F32 products for short inputs (a text's dozen tokens, a question's
 * tokens through the text expert of a fusion pass): the weights read once, in place. */
#ifndef GLANCE_GEMM_F32_SMALL_H
#define GLANCE_GEMM_F32_SMALL_H

/* glance_linear uses this kernel for groups of at most this many rows and BLAS above
 * (and always BLAS on a CPU without FMA): measured with tools/bench/gemm-small-n.c
 * (docs/performance.md, "Short inputs"). */
#define GLANCE_SMALL_N_MAX 24

typedef enum {
    GLANCE_SMALL_GENERIC, /* plain C (fmaf)                                           */
    GLANCE_SMALL_AVX2,    /* AVX2 + FMA: 2 outputs x 2 rows a tile                    */
    GLANCE_SMALL_AVX512,  /* AVX-512 F: 4 outputs x 6 rows a tile (4 for <= 4 rows)   */
} GlanceSmallPath;

/* out[i * ldo + c] = sum_k in[i * in_dim + k] * w[c * in_dim + k] (+ b[c], then exact
 * GELU if `gelu`) for rows i < n and outputs c < cols; w is (cols, in_dim) row-major, b
 * may be NULL, out must not overlap in or w. Each (row, output) is one dot product in a
 * fixed order, whatever n, the tile or the thread, and every path gives the same bits
 * (16 partial sums of fused multiply-adds, lane l holding k = l mod 16, folded (l, l + 8),
 * then + 4, + 2, + 1), so GLANCE_CPU changes no number. */
void glance_sgemm_small(float *out, long ldo, const float *in, int n, int in_dim, const float *w, int cols,
                        const float *b, int gelu);
/* The same on a given path, which the CPU must have (tests, benchmarks). */
void glance_sgemm_small_on(GlanceSmallPath path, float *out, long ldo, const float *in, int n, int in_dim,
                           const float *w, int cols, const float *b, int gelu);
/* The path glance_sgemm_small takes here: the CPU's best, narrowed by GLANCE_CPU (cpu.h). */
GlanceSmallPath glance_sgemm_small_path(void);

#endif

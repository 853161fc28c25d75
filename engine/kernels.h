/* kernels.h — the small functions a forward pass is made of. Those taking a pool split
 * their rows (or, for short inputs, their output columns) across its threads; pool may
 * be NULL to run on the caller alone. */
#ifndef GLANCE_KERNELS_H
#define GLANCE_KERNELS_H

#include "matrix.h"
#include "pool.h"

/* out (n, out_dim) = in (n, in_dim) @ w^T + b, then exact GELU if `gelu`; w is
 * (out_dim, in_dim) row-major, b may be NULL. out must not overlap in. */
void glance_linear(GlancePool *pool, float *out, const float *in, int n, int in_dim, const float *w, const float *b,
            int out_dim, int gelu);
/* The same on n / groups rows at a time, so that each group's numbers are bit for bit
 * those of a call on that group alone (BLAS picks its kernels by shape). */
void glance_linear_grouped(GlancePool *pool, float *out, const float *in, int n, int groups, int in_dim, const float *w,
                    const float *b, int out_dim, int gelu);
/* glance_linear_grouped on a big layer's weight, whatever its form (matrix.h): F32
 * through BLAS, Q8, BF16 and F16 through their kernels (with `scratch` of
 * glance_lowp_scratch_bytes), then bias and GELU. */
void glance_linear_matrix(GlancePool *pool, void *scratch, float *out, const float *in, int n, int groups,
                          const GlanceMatrix *w, const float *b, int gelu);
/* out[i * ldo + c] += b[c] (b may be NULL), then exact GELU if `gelu`, for rows < rows and
 * c < cols: a GEMM's epilogue on its slice while the slice is warm. */
void glance_bias_gelu(float *out, long ldo, int rows, int cols, const float *b, int gelu);
/* Row-wise LayerNorm; out may equal in. Statistics in double, as PyTorch's result is exact to float. */
void glance_layernorm(GlancePool *pool, float *out, const float *in, int n, int dim, const float *w, const float *b,
               float eps);
/* x += gamma * y per channel (gamma NULL: plain residual). */
void glance_residual_add(GlancePool *pool, float *x, const float *y, const float *gamma, int n, int dim);
/* Exact (erf) GELU, in place, on the caller's thread. */
void glance_gelu(float *x, long count);
/* Columns [start, start+len) of a row get bias[src + i * step]: step 1 walks a slice of
 * the bias, step 0 repeats one value. A row's relative-position bias is a few dozen of
 * these (one per image row of keys), so it is added without a gather. */
typedef struct {
    uint16_t start, len;    /* a sequence has at most 65535 tokens (glance_relpos_prepare) */
    uint32_t src : 31, step : 1;
} BiasRun;                  /* 8 bytes: a pass at 480 px has some 30000 of them */
/* Softmax of x + the bias its runs describe (runs NULL: plain softmax), in place: the
 * attention's relative-position add fused with its softmax. */
void glance_softmax_biased_row(float *x, const float *bias, const BiasRun *runs, int n_runs, int cols);
/* Scales v to unit L2 norm (a zero vector stays zero). */
void glance_l2_normalize(float *v, int dim);
#endif

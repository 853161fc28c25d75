/* matrix.h — the weight of a big linear layer (qkv, proj, fc1, fc2) in the form its
 * GEMM reads: F32 as in the file, or a reduced-precision layout (docs/model-format.md,
 * "Reduced precision").
 *
 * Panels: rows (output features) in groups of 16; within a panel, the columns (input
 * features) in steps of 4 (Q8) or 2 (BF16), each step holding its 16 rows side by side,
 * so a kernel loads 16 rows x one step with one 64-byte load, and 16 steps are one AMX
 * weight tile:
 *   Q8   int8 (o, k) at ((o / 16) * (cols / 4) + k / 4) * 64 + (o % 16) * 4 + k % 4
 *   BF16 u16  (o, k) at ((o / 16) * (cols / 2) + k / 2) * 32 + (o % 16) * 2 + k % 2 */
#ifndef GLANCE_MATRIX_H
#define GLANCE_MATRIX_H
#include "pool.h"
#include <stddef.h>
#include <stdint.h>

typedef enum {
    GLANCE_MATRIX_F32,   /* f32: (rows, cols) row-major                              */
    GLANCE_MATRIX_Q8,    /* panels: int8 Q8 panels (from the file); scale: (rows)    */
    GLANCE_MATRIX_BF16,  /* panels: BF16 panels (from the file)                       */
    GLANCE_MATRIX_F16,   /* panels: the row-major F16 matrix of an F16 file (rows % 16
                            == 0), widened per tile: the file stays 16-bit in memory  */
} GlanceMatrixKind;

typedef struct {
    const float *f32;    /* first: the schema binder fills it like any F32 weight      */
    GlanceMatrixKind kind;
    const void *panels;
    const float *scale;  /* Q8: row o's weights are int8 * scale[o]                   */
    int rows, cols;
} GlanceMatrix;

#define GLANCE_PANEL_ROWS 16

/* out (n, w->rows) = in (n, w->cols) @ w^T for a Q8, BF16 or F16 matrix: the activations
 * are quantised per row (Q8: int8 with one scale per row; BF16: rounded to bf16; F16:
 * kept F32), then the output columns are split across the pool. out must not overlap
 * in for F16 (its kernels read in as they go; Q8 and BF16 have quantised all of it
 * before the first output, so out may be in itself); scratch holds glance_lowp_scratch_bytes(w->kind, n, w->cols). Bias and GELU are the caller's (glance_linear_matrix in kernels.c). Each row's
 * result depends on that row alone, so batching never changes a number. */
void glance_lowp_gemm(GlancePool *pool, void *scratch, float *out, const float *in, int n, const GlanceMatrix *w);
/* Some output columns of a Q8 or BF16 product, and where they go. */
typedef struct {
    float *out;   /* row 0 of the part's first column                         */
    int stride;   /* floats from one row of out to the next (>= count)       */
    int first;    /* the part's first column of the output, and its number   */
    int count;    /* of columns: multiples of GLANCE_PANEL_ROWS               */
} GlanceLowpPart;

/* glance_lowp_gemm in two steps, for several products from one input (Q8 and BF16
 * only): quantise puts the activations into scratch, then each gemm_parts call (as
 * often as wanted while scratch is untouched) writes the parts' columns of in @ w^T,
 * the same bits as glance_lowp_gemm's. As the input is no longer read after
 * quantising, a part's out may overlap it (the q k v product writes q over its normed
 * input). At most 4 parts a call. */
void glance_lowp_quantise(GlancePool *pool, void *scratch, const float *in, int n, const GlanceMatrix *w);
void glance_lowp_gemm_parts(GlancePool *pool, void *scratch, int n, const GlanceMatrix *w, const GlanceLowpPart *parts,
                            int n_parts);
/* Bytes of `scratch` glance_lowp_gemm needs for n rows into a matrix of this kind with
 * `cols` columns: the activations in the kernel's form (0 for F32 and F16). The caller
 * provides it (a context's scratch), so a pass never allocates and cannot fail for
 * memory halfway. */
size_t glance_lowp_scratch_bytes(GlanceMatrixKind kind, int n, int cols);

/* BF16 panels back to a row-major F32 matrix (CPUs without the BF16 kernel). */
void glance_unpack_bf16_panels(float *out, const uint8_t *panels, int rows, int cols);

/* IEEE binary16 bits to float, exactly (subnormals, infinities and NaN included). */
static inline float glance_f16_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { /* subnormal: renormalise */
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((mant & 0x3FF) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000 | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

/* f to bfloat16 bits, rounded to nearest even (a NaN stays a NaN). */
static inline uint16_t glance_bf16_bits(float f)
{
    uint32_t bits;
    __builtin_memcpy(&bits, &f, 4);
    if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x7FFFFFu))
        return (uint16_t)((bits >> 16) | 0x40u);
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}
/* Whether the BF16 kernel runs here (AVX-512 BF16, not narrowed by GLANCE_CPU). */
int glance_bf16_kernel_available(void);

#endif

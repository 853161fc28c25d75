/* gemm-lowp.h — the reduced-precision kernels behind glance_lowp_gemm (matrix.h): the
 * activations, prepared once per call, and the kernels that fill output panels. */
#ifndef GLANCE_GEMM_LOWP_H
#define GLANCE_GEMM_LOWP_H
#include "matrix.h"

typedef struct {
    int n, cols;
    const int8_t *q;      /* Q8: (n, cols) round(x / scale)                        */
    const int16_t *q16;   /* Q8 on the AVX2 path: the same values widened, or NULL */
    const float *scale;   /* Q8: (n) max |x| / 127 per row                         */
    const int32_t *sum;   /* Q8: (n) sum of the row's q (for vpdpbusd's u8 offset) */
    const uint16_t *bf;   /* BF16: (n, cols) x rounded to nearest even             */
    const float *x;       /* F16: (n, cols) the activations as they are            */
} LowpActs;

/* Output columns of panels [p0, p1) for all n rows: out is (n, w->rows) row-major. */
void glance_q8_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1);
void glance_bf16_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1);
/* F16: w->panels is the row-major F16 matrix; "panels" are 16 outputs. */
void glance_f16_panels(const LowpActs *a, const GlanceMatrix *w, float *out, int p0, int p1);
/* Rows [r0, r1) of the BF16 activations. */
void glance_bf16_round_rows(const float *in, uint16_t *bf, int cols, int r0, int r1);

#endif

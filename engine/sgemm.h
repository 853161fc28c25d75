/* sgemm.h — the fp32 matrix product of the linear layers, on the calling thread only. */
#ifndef GLANCE_SGEMM_H
#define GLANCE_SGEMM_H

/* c (m, n; row stride ldc) = a (m, k) @ b^T + beta * c, b being (n, k): row-major, as
 * the linear layers' weights are stored. Through oneDNN where the build has it (its
 * kernels need no slower packing of the weights than OpenBLAS's), else cblas. */
void glance_sgemm_nt(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc);
/* Whether, above the small-matrix sizes, a row of the product comes out bit for bit the
 * same however many rows share the call (so a batch may be one call): true only for the
 * kernels where this was checked. */
int glance_sgemm_rows_independent(void);
/* "onednn" or "openblas": which library glance_sgemm_nt calls (bench, tests). */
const char *glance_sgemm_library(void);

#endif

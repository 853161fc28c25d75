/* sgemm.h — the fp32 matrix product of the linear layers, on the calling thread only. */
#ifndef GLANCE_SGEMM_H
#define GLANCE_SGEMM_H

typedef enum { GLANCE_SGEMM_OPENBLAS, GLANCE_SGEMM_ONEDNN } GlanceSgemmLibrary;

/* The library for an fp32 model's big layers: oneDNN where the build has it and it can
 * be loaded (the first call loads it; its kernels need no slower packing of the weights
 * than OpenBLAS's), else OpenBLAS. */
GlanceSgemmLibrary glance_sgemm_best(void);
/* c (m, n; row stride ldc) = a (m, k) @ b^T + beta * c, b being (n, k): row-major, as
 * the linear layers' weights are stored, through `lib` (OpenBLAS if it is not loaded). */
void glance_sgemm_nt(GlanceSgemmLibrary lib, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc);
/* Whether, above the small-matrix sizes, a row of `lib`'s product comes out bit for bit
 * the same however many rows share the call (so a batch may be one call): true only for
 * the kernels where this was checked. */
int glance_sgemm_rows_independent(GlanceSgemmLibrary lib);
/* "onednn" or "openblas" (bench, tests). */
const char *glance_sgemm_library_name(GlanceSgemmLibrary lib);

#endif

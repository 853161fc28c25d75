/* kernels.h — the small pure functions a forward pass is made of. */
#ifndef GLANCE_KERNELS_H
#define GLANCE_KERNELS_H

/* out (n, out_dim) = in (n, in_dim) @ w^T + b; w is (out_dim, in_dim) row-major, b may be NULL. */
void linear(float *out, const float *in, int n, int in_dim, const float *w, const float *b, int out_dim);
/* Row-wise LayerNorm; out may equal in. Statistics in double, as PyTorch's result is exact to float. */
void layernorm(float *out, const float *in, int n, int dim, const float *w, const float *b, float eps);
/* Exact (erf) GELU, in place. */
void gelu(float *x, long count);
/* Row-wise softmax, in place. */
void softmax_rows(float *x, int rows, int cols);
/* x += gamma * y per channel (gamma NULL: plain residual). */
void residual_add(float *x, const float *y, const float *gamma, int n, int dim);
/* Scales v to unit L2 norm (a zero vector stays zero). */
void l2_normalize(float *v, int dim);
#endif

/* kernels.c — matrix products go to cblas; the rest is a few loops. */
#include "kernels.h"
#include <cblas.h>
#include <math.h>
#include <string.h>

void linear(float *out, const float *in, int n, int in_dim, const float *w, const float *b, int out_dim)
{
    /* Hot spot: every projection and FFN of the model lands here. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out_dim, in_dim, 1.0f, in, in_dim, w, in_dim,
                0.0f, out, out_dim);
    if (b)
        for (int i = 0; i < n; i++) {
            float *row = out + (long)i * out_dim;
            for (int j = 0; j < out_dim; j++)
                row[j] += b[j];
        }
}

void layernorm(float *out, const float *in, int n, int dim, const float *w, const float *b, float eps)
{
    for (int i = 0; i < n; i++) {
        const float *x = in + (long)i * dim;
        float *y = out + (long)i * dim;
        double mean = 0, var = 0;
        for (int j = 0; j < dim; j++)
            mean += x[j];
        mean /= dim;
        for (int j = 0; j < dim; j++)
            var += (x[j] - mean) * (x[j] - mean);
        var /= dim;
        float inv = (float)(1.0 / sqrt(var + eps));
        float m = (float)mean;
        for (int j = 0; j < dim; j++)
            y[j] = (x[j] - m) * inv * w[j] + b[j];
    }
}

void gelu(float *x, long count)
{
    for (long i = 0; i < count; i++)
        x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * (float)M_SQRT1_2));
}

void softmax_rows(float *x, int rows, int cols)
{
    for (int i = 0; i < rows; i++) {
        float *row = x + (long)i * cols;
        float max = row[0];
        for (int j = 1; j < cols; j++)
            max = row[j] > max ? row[j] : max;
        float sum = 0;
        for (int j = 0; j < cols; j++) {
            row[j] = expf(row[j] - max);
            sum += row[j];
        }
        float inv = 1.0f / sum;
        for (int j = 0; j < cols; j++)
            row[j] *= inv;
    }
}

void residual_add(float *x, const float *y, const float *gamma, int n, int dim)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < dim; j++)
            x[(long)i * dim + j] += gamma ? gamma[j] * y[(long)i * dim + j] : y[(long)i * dim + j];
}

void l2_normalize(float *v, int dim)
{
    double sum = 0;
    for (int j = 0; j < dim; j++)
        sum += (double)v[j] * v[j];
    /* F.normalize clamps the norm at 1e-12. */
    double norm = sqrt(sum);
    float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));
    for (int j = 0; j < dim; j++)
        v[j] *= inv;
}

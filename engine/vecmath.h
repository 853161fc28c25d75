/* vecmath.h — expf and erff without branches, so that the loops of kernels.c that call
 * them vectorise. Accuracy (checked against libm by tests/engine/test-vecmath.c):
 * exp within 2 ulp on [-86.5, 88]; erf within 2e-7 absolute everywhere. */
#ifndef GLANCE_VECMATH_H
#define GLANCE_VECMATH_H

#include <stdint.h>
#include <string.h>

static inline float vm_bits_to_float(int32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* e^x: x = n ln2 + r with |r| <= ln2/2 (ln2 split in two for an exact product), e^r by
 * its degree-7 Taylor polynomial (error 5e-9), 2^n put in the exponent bits. Inputs
 * below -86.5 give e^-86.5 (3e-38) instead of a denormal or zero: harmless in a softmax. */
static inline float vm_expf(float x)
{
    x = x < -86.5f ? -86.5f : x;
    x = x > 88.0f ? 88.0f : x;
    /* round to nearest by adding and removing 1.5 * 2^23 */
    float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    /* n = 128 (x near 88) would overflow the exponent: split 2^n as 2^(n-1) * 2 */
    return p * vm_bits_to_float(((int32_t)n + 126) << 23) * 2.0f;
}

/* erf(x) = sign(x) * (|x| < 1 ? |x| P(x^2) : 1 - e^(-x^2) Q(1/|x|)); P and Q are least
 * squares fits (degree 6 in x^2 on [0, 1], degree 9 in 1/x on [1, 4]). Beyond |x| = 4
 * erf is 1 to float precision, so |x| is clamped there. */
static inline float vm_erff(float x)
{
    float a = x < 0 ? -x : x;
    a = a > 4.0f ? 4.0f : a;
    float u = a * a;
    float p = 7.882500358391553e-05f;
    p = p * u + -0.0008018859080038965f;
    p = p * u + 0.005189312621951103f;
    p = p * u + -0.02685432881116867f;
    p = p * u + 0.11283597350120544f;
    p = p * u + -0.3761262595653534f;
    p = p * u + 1.1283791065216064f;
    float small = a * p;
    float t = 1.0f / (a > 1.0f ? a : 1.0f);
    float q = 0.029994240030646324f;
    q = q * t + -0.17506366968154907f;
    q = q * t + 0.4254124164581299f;
    q = q * t + -0.5170658230781555f;
    q = q * t + 0.2192375212907791f;
    q = q * t + 0.2421845942735672f;
    q = q * t + -0.38054147362709045f;
    q = q * t + 0.02168639563024044f;
    q = q * t + 0.5616088509559631f;
    q = q * t + 0.00013050893903709948f;
    float large = 1.0f - vm_expf(-u) * q;
    float r = a < 1.0f ? small : large;
    return x < 0 ? -r : r;
}

#endif

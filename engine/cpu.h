/* cpu.h — which reduced-precision kernels this CPU runs. Read once per process from
 * the CPU's feature bits; GLANCE_CPU narrows the choice so that the test suite covers
 * every path on one machine:
 *   GLANCE_CPU=avx512   as on a CPU without AMX (AVX-512 VNNI / BF16 kernels)
 *   GLANCE_CPU=avx2     as on a CPU without AVX-512 (AVX2 + FMA + F16C kernels)
 *   GLANCE_CPU=generic  plain C only
 * The fp32 loops of kernels.c and vecmath.h are picked by the loader and do not follow it;
 * the small-n F32 GEMM (gemm-f32-small.c) does, all its paths giving the same bits. */
#ifndef GLANCE_CPU_H
#define GLANCE_CPU_H

typedef struct {
    int avx2;         /* AVX2, FMA and F16C                              */
    int avx512;       /* AVX-512 F and BW                                 */
    int avx512_vnni;  /* vpdpbusd on zmm                                  */
    int avx512_bf16;  /* vdpbf16ps                                        */
    int amx;          /* AMX tiles with int8 and bf16, granted by Linux   */
    int fma_hardware; /* FMA instructions exist (never narrowed: it says
                         whether libm's fmaf is one instruction)          */
} GlanceCpu;

const GlanceCpu *glance_cpu(void);
/* "amx", "avx512-vnni", "avx2" or "generic": the q8 kernel in use (bench, tests). */
const char *glance_cpu_q8_path(void);

#endif

/* sgemm.c — the linear layers' fp32 GEMM (sgemm.h). oneDNN runs on the calling pool
 * thread alone: its OpenMP runtime is told one thread per caller, so it never starts a
 * team of its own to spin against the engine's pool. Like the other fp32 kernels it
 * picks its code for the CPU itself and does not follow GLANCE_CPU (ONEDNN_MAX_CPU_ISA
 * narrows it: AVX2 gives the golden suite's numbers too). */
#include "sgemm.h"
#include <cblas.h>
#include <pthread.h>
#include <strings.h>
#ifdef GLANCE_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#else
char *openblas_get_corename(void);
#endif

void glance_sgemm_nt(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc)
{
#ifdef GLANCE_HAVE_DNNL
    omp_set_num_threads(1); /* per calling thread: OpenMP keeps this setting per thread */
    if (dnnl_sgemm('N', 'T', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc) == dnnl_success)
        return;
    /* oneDNN refuses only what it cannot run (no memory for its buffers): cblas can. */
#endif
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

static int rows_independent;
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

/* Found by comparing each row of one product with the same rows computed alone
 * (tests/engine/test-linear.c): oneDNN's AVX-512 kernels and OpenBLAS's SkylakeX ones
 * sum a row the same whatever the row count; oneDNN's AVX2 and OpenBLAS's Haswell and
 * Zen ones do not (they treat the last rows of a call differently). */
static void find_rows_independent(void)
{
#ifdef GLANCE_HAVE_DNNL
    unsigned avx512 = (unsigned)dnnl_cpu_isa_avx512_core; /* ISAs are nested bit sets */
    rows_independent = (dnnl_get_effective_cpu_isa() & avx512) == avx512;
#else
    const char *core = openblas_get_corename();
    rows_independent = core && (!strcasecmp(core, "skylakex") || !strcasecmp(core, "cooperlake"));
#endif
}

int glance_sgemm_rows_independent(void)
{
    pthread_once(&rows_once, find_rows_independent);
    return rows_independent;
}

const char *glance_sgemm_library(void)
{
#ifdef GLANCE_HAVE_DNNL
    return "onednn";
#else
    return "openblas";
#endif
}

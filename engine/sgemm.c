/* sgemm.c — the linear layers' fp32 GEMM (sgemm.h). oneDNN is loaded (dlopen) the first
 * time an fp32 model's big layers ask for it, so processes that run only q8 / bf16 models
 * never map it or its OpenMP runtime (measured: about 6 MiB of resident pages, which put
 * bf16 over the memory goal). It runs on the calling pool thread alone: its
 * OpenMP runtime is told one thread per caller, so it never starts a team of its own to
 * spin against the engine's pool. Like the other fp32 kernels it picks its code for the
 * CPU itself and does not follow GLANCE_CPU (ONEDNN_MAX_CPU_ISA narrows it: AVX2 gives
 * the golden suite's numbers too). */
#include "sgemm.h"
#include <cblas.h>
#include <pthread.h>
#include <strings.h>
#ifdef GLANCE_HAVE_DNNL
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_version.h>
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define DNNL_SONAME "libdnnl.so." STRINGIFY(DNNL_VERSION_MAJOR)

static struct {
    __typeof__(dnnl_sgemm) *sgemm;
    __typeof__(dnnl_get_effective_cpu_isa) *isa;
    void (*omp_set_num_threads)(int);
} dnnl;
static pthread_once_t dnnl_once = PTHREAD_ONCE_INIT;

/* A missing or partial library leaves OpenBLAS in charge: oneDNN is a speed-up only. */
static void load_dnnl(void)
{
    void *lib = dlopen(DNNL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    /* A handle's lookups cover its dependencies: the OpenMP runtime oneDNN was built on. */
    void *sgemm = dlsym(lib, "dnnl_sgemm"), *isa = dlsym(lib, "dnnl_get_effective_cpu_isa");
    void *threads = dlsym(lib, "omp_set_num_threads");
    if (!sgemm || !isa || !threads) {
        dlclose(lib);
        return;
    }
    dnnl.sgemm = (__typeof__(dnnl.sgemm))sgemm;
    dnnl.isa = (__typeof__(dnnl.isa))isa;
    dnnl.omp_set_num_threads = (void (*)(int))threads;
}
#endif

char *openblas_get_corename(void);

GlanceSgemmLibrary glance_sgemm_best(void)
{
#ifdef GLANCE_HAVE_DNNL
    pthread_once(&dnnl_once, load_dnnl);
    if (dnnl.sgemm)
        return GLANCE_SGEMM_ONEDNN;
#endif
    return GLANCE_SGEMM_OPENBLAS;
}

void glance_sgemm_nt(GlanceSgemmLibrary lib, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc)
{
#ifdef GLANCE_HAVE_DNNL
    if (lib == GLANCE_SGEMM_ONEDNN && dnnl.sgemm) {
        dnnl.omp_set_num_threads(1); /* per calling thread: OpenMP keeps this setting per thread */
        if (dnnl.sgemm('N', 'T', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc) == dnnl_success)
            return;
        /* oneDNN refuses only what it cannot run (no memory for its buffers): cblas can. */
    }
#else
    (void)lib;
#endif
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

static int openblas_rows_independent;
static pthread_once_t openblas_once = PTHREAD_ONCE_INIT;

/* Found by comparing each row of one product with the same rows computed alone
 * (tests/engine/test-linear.c): oneDNN's AVX-512 kernels and OpenBLAS's SkylakeX ones
 * sum a row the same whatever the row count; oneDNN's AVX2 and OpenBLAS's Haswell and
 * Zen ones do not (they treat the last rows of a call differently). */
static void find_openblas_rows_independent(void)
{
    const char *core = openblas_get_corename();
    openblas_rows_independent = core && (!strcasecmp(core, "skylakex") || !strcasecmp(core, "cooperlake"));
}

int glance_sgemm_rows_independent(GlanceSgemmLibrary lib)
{
#ifdef GLANCE_HAVE_DNNL
    if (lib == GLANCE_SGEMM_ONEDNN && dnnl.isa) {
        unsigned avx512 = (unsigned)dnnl_cpu_isa_avx512_core; /* ISAs are nested bit sets */
        return (dnnl.isa() & avx512) == avx512;
    }
#endif
    pthread_once(&openblas_once, find_openblas_rows_independent);
    return openblas_rows_independent;
}

const char *glance_sgemm_library_name(GlanceSgemmLibrary lib)
{
    return lib == GLANCE_SGEMM_ONEDNN ? "onednn" : "openblas";
}

/* gemm-vs-onednn.c — one GEMM of a VLMo-Base layer (M tokens x K inputs x N outputs) on
 * one thread: OpenBLAS sgemm, oneDNN (Debian's libdnnl-dev 2.6) sgemm, u8s8s32 gemm and
 * bf16 matmul (weights reordered to its preferred layout first), and Glance's Q8 and BF16
 * kernels as the engine dispatches them (GLANCE_CPU=avx512 etc. narrows them). Best of 7.
 * Not part of the build: it is how docs/performance.md chose its own kernels.
 *
 *   apt-get install libdnnl-dev
 *   cc -O2 tools/bench/gemm-vs-onednn.c -Iengine -Iengine/include build-rel/engine/libglance-engine.a \
 *      -lopenblas -ldnnl -lglib-2.0 -lm -lpthread -o /tmp/gemm-vs-onednn
 *   OMP_NUM_THREADS=1 /tmp/gemm-vs-onednn 197 768 3072
 */
#include "glance-engine.h"
#include "matrix.h"
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define TIME(label, expr)                                                                                   \
    do {                                                                                                    \
        expr;                                                                                               \
        double best = 1e9;                                                                                  \
        for (int rep = 0; rep < 7; rep++) {                                                                 \
            double t0 = now();                                                                              \
            expr;                                                                                           \
            double took = now() - t0;                                                                       \
            best = took < best ? took : best;                                                               \
        }                                                                                                   \
        printf("%-32s %8.3f ms %7.1f GMAC/s\n", label, best * 1e3, (double)M * N * K / best / 1e9);         \
    } while (0)
#define CHECK(x)                                                                                            \
    do {                                                                                                    \
        if ((x) != dnnl_success) {                                                                          \
            fprintf(stderr, "oneDNN failed: %s\n", #x);                                                      \
            return 1;                                                                                       \
        }                                                                                                   \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: %s M K N\n", argv[0]), 2;
    long M = atol(argv[1]), K = atol(argv[2]), N = atol(argv[3]);
    float *A = malloc(sizeof(float) * M * K), *W = malloc(sizeof(float) * N * K), *C = malloc(sizeof(float) * M * N);
    uint8_t *Au = malloc(M * K);
    int8_t *Ws = malloc(N * K), *q = aligned_alloc(64, N * K);
    int32_t *Ci = malloc(sizeof(int32_t) * M * N), co = 0;
    uint16_t *Abf = malloc(2 * M * K), *b = aligned_alloc(64, 2 * N * K);
    float *scale = malloc(sizeof(float) * N);
    for (long i = 0; i < M * K; i++) {
        A[i] = (float)((i * 7919) % 1000) / 500.0f - 1;
        Au[i] = (uint8_t)(i * 31);
        Abf[i] = glance_bf16_bits(A[i]);
    }
    for (long i = 0; i < N * K; i++) {
        W[i] = (float)((i * 104729) % 1000) / 5000.0f - 0.1f;
        Ws[i] = (int8_t)(i * 17);
    }
    printf("M=%ld K=%ld N=%ld, one thread\n", M, K, N);
    TIME("OpenBLAS sgemm", cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1, A, K, W, K, 0, C, N));
    TIME("oneDNN sgemm", dnnl_sgemm('N', 'T', M, N, K, 1, A, K, W, K, 0, C, N));
    TIME("oneDNN gemm_u8s8s32", dnnl_gemm_u8s8s32('N', 'T', 'F', M, N, K, 1, Au, K, 0, Ws, K, 0, 0, Ci, N, &co));

    dnnl_engine_t eng;
    dnnl_stream_t st;
    CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
    dnnl_memory_desc_t src_md, wany_md, dst_md, w_md;
    dnnl_dims_t sd = { M, K }, wd = { K, N }, dd = { M, N };
    CHECK(dnnl_memory_desc_init_by_tag(&src_md, 2, sd, dnnl_bf16, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&wany_md, 2, wd, dnnl_bf16, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&w_md, 2, wd, dnnl_f32, dnnl_ba));
    CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 2, dd, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t mmd;
    dnnl_primitive_desc_t pd, rpd;
    CHECK(dnnl_matmul_desc_init(&mmd, &src_md, &wany_md, NULL, &dst_md));
    CHECK(dnnl_primitive_desc_create(&pd, &mmd, NULL, eng, NULL));
    const char *impl = NULL;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    const dnnl_memory_desc_t *wpref = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t mw32, mw, ms, md;
    CHECK(dnnl_memory_create(&mw32, &w_md, eng, W));
    CHECK(dnnl_memory_create(&mw, wpref, eng, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&ms, &src_md, eng, Abf));
    CHECK(dnnl_memory_create(&md, &dst_md, eng, C));
    CHECK(dnnl_reorder_primitive_desc_create(&rpd, &w_md, eng, wpref, eng, NULL));
    dnnl_primitive_t rp, mm;
    CHECK(dnnl_primitive_create(&rp, rpd));
    dnnl_exec_arg_t rargs[2] = { { DNNL_ARG_FROM, mw32 }, { DNNL_ARG_TO, mw } };
    CHECK(dnnl_primitive_execute(rp, st, 2, rargs));
    dnnl_stream_wait(st);
    CHECK(dnnl_primitive_create(&mm, pd));
    dnnl_exec_arg_t args[3] = { { DNNL_ARG_SRC, ms }, { DNNL_ARG_WEIGHTS, mw }, { DNNL_ARG_DST, md } };
    printf("(oneDNN bf16 matmul implementation: %s)\n", impl ? impl : "?");
    TIME("oneDNN bf16 matmul", (dnnl_primitive_execute(mm, st, 3, args), dnnl_stream_wait(st)));

    glance_quantise_q8(W, (int)N, (int)K, q, scale);
    GlanceMatrix gq = { .kind = GLANCE_MATRIX_Q8, .panels = q, .scale = scale, .rows = (int)N, .cols = (int)K };
    size_t scratch_bytes = glance_lowp_scratch_bytes(GLANCE_MATRIX_Q8, (int)M, (int)K);
    if (glance_lowp_scratch_bytes(GLANCE_MATRIX_BF16, (int)M, (int)K) > scratch_bytes)
        scratch_bytes = glance_lowp_scratch_bytes(GLANCE_MATRIX_BF16, (int)M, (int)K);
    void *scratch = malloc(scratch_bytes);
    if (!scratch)
        return 1;
    TIME("Glance q8 (quantising incl.)", glance_lowp_gemm(NULL, scratch, C, A, (int)M, &gq));
    glance_pack_bf16(W, (int)N, (int)K, b);
    GlanceMatrix gb = { .kind = GLANCE_MATRIX_BF16, .panels = b, .rows = (int)N, .cols = (int)K };
    TIME("Glance bf16 (rounding incl.)", glance_lowp_gemm(NULL, scratch, C, A, (int)M, &gb));
    return 0;
}

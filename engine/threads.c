/* threads.c — how many threads a context's passes use, and the pool that runs them.
 * OpenBLAS is kept at one thread: the engine calls it from its own pool's threads,
 * each on its own slice, so BLAS never has idle workers spinning while the engine's
 * element-wise loops run (measured at a quarter of a pass's time before). */
#include "context.h"
#include <cblas.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int default_threads; /* 0: every core this process may use */

static int available_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void glance_set_threads(int n)
{
    atomic_store(&default_threads, n > 0 ? n : 0);
}

void glance_context_set_threads(GlanceContext *ctx, int n)
{
    ctx->threads = n > 0 ? n : 0;
}

void glance_context_free_threads(GlanceContext *ctx)
{
    glance_pool_free(ctx->pool);
    ctx->pool = NULL;
}

GlanceStatus glance_context_prepare(GlanceContext *ctx, GlanceError *err)
{
    int wanted = ctx->threads ? ctx->threads : atomic_load(&default_threads);
    if (wanted <= 0)
        wanted = available_cores();
    ctx->seqs = 1;
    if (ctx->pool && glance_pool_threads(ctx->pool) == wanted)
        return GLANCE_OK;
    glance_context_free_threads(ctx);
    openblas_set_num_threads(1);
    ctx->pool = glance_pool_new(wanted);
    if (!ctx->pool)
        return glance_fail(err, GLANCE_ERR_NOMEM, "cannot start %d engine threads", wanted);
    /* Each thread's attention scores live in the shared scratch. */
    GlanceStatus s = glance_context_fit_scratch(ctx, err);
    if (s != GLANCE_OK)
        glance_context_free_threads(ctx);
    return s;
}

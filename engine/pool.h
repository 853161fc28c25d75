/* pool.h — the engine's own threads. A context owns one pool; every parallel part of
 * a pass (GEMM slices, norms, activations, attention blocks) runs on it, and BLAS is
 * called from its threads with OpenBLAS at one thread, so no second pool spins on the
 * same cores. Workers spin briefly between the regions of a pass, then sleep. */
#ifndef GLANCE_POOL_H
#define GLANCE_POOL_H

typedef struct GlancePool GlancePool;

/* Processes items [begin, end); `thread` (0 = the caller) indexes per-thread scratch. */
typedef void (*PoolFunc)(void *arg, int begin, int end, int thread);

/* threads >= 1 (1: no workers, everything runs on the caller). NULL if out of memory
 * or threads cannot be started. */
GlancePool *glance_pool_new(int threads);
void glance_pool_free(GlancePool *pool);
int glance_pool_threads(const GlancePool *pool);

/* Runs fn over [0, items) in chunks of `grain` items handed out in turn, and returns
 * when every chunk is done. grain <= 0: one even chunk per thread. Not reentrant. */
void glance_pool_run(GlancePool *pool, int items, int grain, PoolFunc fn, void *arg);

#endif

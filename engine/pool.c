/* pool.c — a fixed set of pthreads that share out the chunks of one loop at a time.
 * A job is published by bumping `generation`; workers spin a few microseconds for the
 * next one (a pass runs hundreds of short regions back to back) and then sleep on a
 * condition variable, so an idle engine costs no CPU. */
#include "pool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* About 20-50 microseconds of polling before sleeping. */
#define SPIN_ROUNDS 4000

typedef struct {
    GlancePool *pool;
    int index;
} Worker;

struct GlancePool {
    int threads;
    pthread_t *handles;
    Worker *workers;
    int started;               /* workers actually running           */
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* a new job or stop                  */
    pthread_cond_t done;       /* the last worker finished the job   */
    atomic_uint generation;    /* bumped once per job                */
    atomic_int stop;
    atomic_int pending;        /* workers still inside the job       */
    atomic_int next;           /* first item not yet handed out      */
    PoolFunc fn;
    void *arg;
    int items, grain;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_chunks(GlancePool *pool, int thread)
{
    for (;;) {
        int begin = atomic_fetch_add_explicit(&pool->next, pool->grain, memory_order_relaxed);
        if (begin >= pool->items)
            return;
        int end = begin + pool->grain < pool->items ? begin + pool->grain : pool->items;
        pool->fn(pool->arg, begin, end, thread);
    }
}

static void *worker_main(void *p)
{
    Worker *w = p;
    GlancePool *pool = w->pool;
    unsigned seen = 0;
    for (;;) {
        unsigned gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        for (int i = 0; gen == seen && i < SPIN_ROUNDS; i++) {
            cpu_relax();
            gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        }
        if (gen == seen) {
            pthread_mutex_lock(&pool->lock);
            while ((gen = atomic_load(&pool->generation)) == seen && !atomic_load(&pool->stop))
                pthread_cond_wait(&pool->wake, &pool->lock);
            pthread_mutex_unlock(&pool->lock);
        }
        if (atomic_load(&pool->stop))
            return NULL;
        seen = gen;
        run_chunks(pool, w->index);
        if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool->lock);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

GlancePool *glance_pool_new(int threads)
{
    if (threads < 1)
        threads = 1;
    GlancePool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->handles = calloc((size_t)threads, sizeof *pool->handles);
    pool->workers = calloc((size_t)threads, sizeof *pool->workers);
    if (!pool->handles || !pool->workers) {
        glance_pool_free(pool);
        return NULL;
    }
    for (int i = 1; i < threads; i++) {
        pool->workers[i] = (Worker){ pool, i };
        if (pthread_create(&pool->handles[i], NULL, worker_main, &pool->workers[i]) != 0) {
            glance_pool_free(pool);
            return NULL;
        }
        pool->started = i;
    }
    return pool;
}

void glance_pool_free(GlancePool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->stop, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 1; i <= pool->started; i++)
        pthread_join(pool->handles[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
    free(pool->handles);
    free(pool->workers);
    free(pool);
}

int glance_pool_threads(const GlancePool *pool) { return pool->threads; }

void glance_pool_run(GlancePool *pool, int items, int grain, PoolFunc fn, void *arg)
{
    if (items <= 0)
        return;
    int workers = pool->threads - 1;
    if (grain <= 0)
        grain = (items + pool->threads - 1) / pool->threads;
    if (workers == 0 || grain >= items) {
        fn(arg, 0, items, 0);
        return;
    }
    pool->fn = fn;
    pool->arg = arg;
    pool->items = items;
    pool->grain = grain;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->pending, workers, memory_order_relaxed);
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    run_chunks(pool, 0);
    for (int i = 0; atomic_load_explicit(&pool->pending, memory_order_acquire) > 0 && i < SPIN_ROUNDS; i++)
        cpu_relax();
    if (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&pool->lock);
        while (atomic_load(&pool->pending) > 0)
            pthread_cond_wait(&pool->done, &pool->lock);
        pthread_mutex_unlock(&pool->lock);
    }
}

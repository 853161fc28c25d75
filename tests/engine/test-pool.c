/* test-pool.c — the engine's thread pool hands out every item exactly once, whatever
 * the thread count and chunk size, back to back as a pass uses it; and a context's
 * own thread count gives the same numbers as a single thread. */
#include "glance-engine.h"
#include "pool.h"
#include "check.h"
#include <glib.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

enum { ITEMS = 1000, MAX_THREADS = 5 };

typedef struct {
    atomic_int seen[ITEMS];
    atomic_int bad_thread;
    int threads;
} Tally;

static void count_items(void *arg, int begin, int end, int thread)
{
    Tally *t = arg;
    if (thread < 0 || thread >= t->threads)
        atomic_store(&t->bad_thread, 1);
    for (int i = begin; i < end; i++)
        atomic_fetch_add(&t->seen[i], 1);
}

static void test_every_item_once(void)
{
    static Tally tally;
    for (int threads = 1; threads <= MAX_THREADS; threads++) {
        GlancePool *pool = glance_pool_new(threads);
        CHECK(pool && glance_pool_threads(pool) == threads, "pool of %d threads", threads);
        if (!pool)
            continue;
        const int grains[] = { 0, 1, 7, 64, 5000 };
        for (int g = 0; g < 5; g++)
            for (int round = 0; round < 50; round++) { /* back to back, as in a pass */
                int items = round % 2 ? ITEMS : round * 3;
                memset(&tally, 0, sizeof tally);
                tally.threads = threads;
                glance_pool_run(pool, items, grains[g], count_items, &tally);
                int wrong = 0;
                for (int i = 0; i < ITEMS; i++)
                    wrong += atomic_load(&tally.seen[i]) != (i < items);
                CHECK(wrong == 0 && !atomic_load(&tally.bad_thread),
                      "%d threads, grain %d, %d items: %d items not run exactly once", threads, grains[g], items,
                      wrong);
            }
        glance_pool_free(pool);
    }
    glance_pool_free(NULL);
}

/* Same image through a one-thread and a three-thread context of one model. */
static void test_context_threads(const char *path)
{
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(path, &model, &err) != GLANCE_OK) {
        CHECK(0, "cannot open %s: %s", path, err.message);
        return;
    }
    const GlanceConfig *c = glance_model_config(model);
    int side = c->image_size;
    guint8 *pixels = g_malloc((gsize)side * side * 3);
    for (int i = 0; i < side * side * 3; i++)
        pixels[i] = (guint8)((i * 2654435761u) >> 24);
    GlanceImage image = { pixels, side, side, side * 3 };
    int dim = glance_model_embed_dim(model);
    float *one = g_new0(float, dim), *three = g_new0(float, dim);
    GlanceContext *a = NULL, *b = NULL;
    glance_set_threads(1);
    CHECK(glance_context_new(model, &a, &err) == GLANCE_OK && glance_context_new(model, &b, &err) == GLANCE_OK,
          "contexts: %s", err.message);
    glance_context_set_threads(b, 3);
    CHECK(glance_embed_image(a, &image, 0, one, &err) == GLANCE_OK, "one thread: %s", err.message);
    CHECK(glance_embed_image(b, &image, 0, three, &err) == GLANCE_OK, "three threads: %s", err.message);
    double worst = 0;
    for (int i = 0; i < dim; i++)
        worst = fmax(worst, fabs(one[i] - three[i]));
    CHECK(worst < 1e-6, "three threads differ from one by %.3g", worst);
    /* back to the process default, and again */
    glance_context_set_threads(b, 0);
    CHECK(glance_embed_image(b, &image, 0, three, &err) == GLANCE_OK, "default threads: %s", err.message);
    CHECK(!memcmp(one, three, dim * sizeof(float)), "the process default (1) differs from one thread");
    glance_context_free(a);
    glance_context_free(b);
    glance_model_close(model);
    g_free(one);
    g_free(three);
    g_free(pixels);
}

int main(void)
{
    test_every_item_once();
    const char *path = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    CHECK(path != NULL, "GLANCE_GOLDEN_MODEL_FILE unset");
    if (path)
        test_context_threads(path);
    return check_summary("pool");
}

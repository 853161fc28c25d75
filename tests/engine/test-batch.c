/* test-batch.c — glance_embed_images gives each image, bit for bit, the vector
 * glance_embed_image gives it alone (the library relies on a photo's vector not
 * depending on its batch), at one and at several threads, and leaves the context fit
 * for the single-image and fusion passes that follow. */
#include "glance-engine.h"
#include "check.h"
#include "noise-pictures.h"
#include <glib.h>
#include <math.h>
#include <string.h>

enum { COUNT = 3 };

static double max_difference(const float *a, const float *b, int n)
{
    double worst = 0;
    for (int i = 0; i < n; i++)
        worst = fmax(worst, fabs(a[i] - b[i]));
    return worst;
}

static void test_batch(GlanceModel *model, int threads)
{
    GlanceError err = { 0 };
    GlanceContext *ctx = NULL;
    if (glance_context_new(model, &ctx, &err) != GLANCE_OK) {
        CHECK(0, "context: %s", err.message);
        return;
    }
    glance_context_set_threads(ctx, threads);
    int dim = glance_model_embed_dim(model);
    guint8 *pixels[COUNT];
    GlanceImage images[COUNT];
    make_pictures(COUNT, pixels, images);
    float *alone = g_new0(float, COUNT * dim), *together = g_new0(float, COUNT * dim);
    float logits_before[2], logits_after[2];
    CHECK(glance_itm(ctx, &images[0], "a red square", logits_before, &err) == GLANCE_OK, "itm: %s", err.message);
    for (int i = 0; i < COUNT; i++)
        CHECK(glance_embed_image(ctx, &images[i], 0, alone + i * dim, &err) == GLANCE_OK, "image %d: %s", i,
              err.message);
    CHECK(glance_embed_images(ctx, images, COUNT, 0, together, &err) == GLANCE_OK, "batch: %s", err.message);
    for (int i = 0; i < COUNT; i++)
        CHECK(max_difference(alone + i * dim, together + i * dim, dim) == 0,
              "%d threads: image %d differs in a batch by %.3g", threads, i,
              max_difference(alone + i * dim, together + i * dim, dim));
    CHECK(max_difference(together, together + dim, dim) > 1e-3, "two different images gave one vector");
    /* single passes after a batch: the context's scratch and bias cache still right */
    float again[1024];
    CHECK(dim <= 1024 && glance_embed_image(ctx, &images[1], 0, again, &err) == GLANCE_OK, "again: %s",
          err.message);
    CHECK(!memcmp(again, alone + dim, dim * sizeof(float)), "a single image after a batch changed");
    CHECK(glance_itm(ctx, &images[0], "a red square", logits_after, &err) == GLANCE_OK, "itm: %s", err.message);
    CHECK(!memcmp(logits_before, logits_after, sizeof logits_after), "a fusion pass after a batch changed");
    CHECK(glance_embed_images(ctx, images, 0, 0, together, &err) == GLANCE_ERR_INVALID, "zero images accepted");
    CHECK(glance_embed_images(ctx, NULL, 2, 0, together, &err) == GLANCE_ERR_INVALID, "no images accepted");
    for (int i = 0; i < COUNT; i++)
        g_free(pixels[i]);
    g_free(alone);
    g_free(together);
    glance_context_free(ctx);
}

int main(void)
{
    const char *path = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (!path || glance_model_open(path, &model, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL cannot open the golden model (%s): %s\n", path ? path : "unset", err.message);
        return 1;
    }
    test_batch(model, 1);
    test_batch(model, 3);
    glance_model_close(model);
    return check_summary("batch");
}

/* test-engine-api.c — the engine's contract beyond the numbers: bad arguments are
 * refused, missing heads are reported, a pass can be cancelled, and one model serves
 * many threads with results identical to a single thread's. */
#include "glance-engine.h"
#include <glib.h>
#include "check.h"
#include <math.h>
#include <stdio.h>
#include <string.h>


static GlanceModel *model;

/* A deterministic test picture: gradients and a square. */
static guint8 *make_picture(int w, int h, int seed)
{
    guint8 *p = g_malloc((gsize)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            guint8 *px = p + ((gsize)y * w + x) * 3;
            gboolean inside = x > w / 4 && x < w / 2 && y > h / 3 && y < 2 * h / 3;
            px[0] = (guint8)(inside ? 220 : (x * 255 / w + seed * 40));
            px[1] = (guint8)(inside ? 30 : y * 255 / h);
            px[2] = (guint8)((x + y + seed * 17) & 0xFF);
        }
    return p;
}

static int cancel_at_once(void *data)
{
    (*(int *)data)++;
    return 1;
}

static void test_bad_arguments(GlanceContext *ctx)
{
    float logits[4096], v[1024];
    GlanceError err = { 0 };
    g_autofree guint8 *pixels = make_picture(40, 30, 0);
    GlanceImage image = { pixels, 40, 30, 120 };
    CHECK(glance_vqa(ctx, &image, "", logits, &err) == GLANCE_ERR_INVALID, "empty question accepted");
    CHECK(strstr(err.message, "empty") != NULL, "message: %s", err.message);
    CHECK(glance_vqa(ctx, &image, "  \t\n ", logits, &err) == GLANCE_ERR_INVALID, "blank question accepted");
    CHECK(glance_vqa(ctx, NULL, "what?", logits, &err) == GLANCE_ERR_INVALID, "no image accepted");
    CHECK(glance_vqa(ctx, &image, "bad \xff\xfe utf-8", logits, &err) == GLANCE_ERR_INVALID, "invalid UTF-8 accepted");
    GlanceImage zero = { pixels, 0, 30, 120 };
    CHECK(glance_embed_image(ctx, &zero, 0, v, &err) == GLANCE_ERR_INVALID, "zero-width image accepted");
    GlanceImage short_stride = { pixels, 40, 30, 100 };
    CHECK(glance_embed_image(ctx, &short_stride, 0, v, &err) == GLANCE_ERR_INVALID, "short stride accepted");
    int32_t ids[3] = { 101, 999999, 102 };
    CHECK(glance_text_forward(ctx, ids, 3, 0, v, &err) == GLANCE_ERR_INVALID, "out-of-range token id accepted");
    CHECK(glance_text_forward(ctx, ids, 0, 0, v, &err) == GLANCE_ERR_INVALID, "zero tokens accepted");
    CHECK(glance_mlm_forward(ctx, (int32_t[]){ 101, 102 }, 2, NULL, 5, logits, &err) == GLANCE_ERR_INVALID,
          "MLM position outside the text accepted");
    float pixels_f[3 * 64 * 64] = { 0 };
    CHECK(glance_fusion_forward(ctx, (int32_t[]){ 101, 102 }, 2, pixels_f, 7, NULL, &err) == GLANCE_ERR_INVALID,
          "token type 7 accepted");
}

static void test_cancel(GlanceContext *ctx)
{
    int calls = 0;
    float logits[4096];
    GlanceError err = { 0 };
    g_autofree guint8 *pixels = make_picture(50, 50, 1);
    GlanceImage image = { pixels, 50, 50, 150 };
    glance_context_set_cancel(ctx, cancel_at_once, &calls);
    CHECK(glance_vqa(ctx, &image, "what is this?", logits, &err) == GLANCE_ERR_CANCELLED, "not cancelled");
    CHECK(calls == 1, "cancel polled %d times before stopping", calls);
    glance_context_set_cancel(ctx, NULL, NULL);
    CHECK(glance_vqa(ctx, &image, "what is this?", logits, &err) == GLANCE_OK, "context unusable after cancel: %s",
          err.message);
}

typedef struct {
    int seed;
    float vector[1024];
    float logits[2];
    GlanceStatus status;
} Job;

static gpointer run_job(gpointer data)
{
    Job *job = data;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    job->status = glance_context_new(model, &ctx, &err);
    g_autofree guint8 *pixels = make_picture(64 + job->seed, 48, job->seed);
    GlanceImage image = { pixels, 64 + job->seed, 48, (64 + job->seed) * 3 };
    for (int round = 0; round < 3 && job->status == GLANCE_OK; round++) {
        job->status = glance_embed_image(ctx, &image, 0, job->vector, &err);
        if (job->status == GLANCE_OK)
            job->status = glance_itm(ctx, &image, "a red square on a gradient", job->logits, &err);
    }
    glance_context_free(ctx);
    return NULL;
}

static void test_threads(void)
{
    enum { N = 4 };
    Job single[N], parallel[N];
    memset(single, 0, sizeof single);
    memset(parallel, 0, sizeof parallel);
    for (int i = 0; i < N; i++) {
        single[i].seed = parallel[i].seed = i;
        run_job(&single[i]);
    }
    GThread *threads[N];
    for (int i = 0; i < N; i++)
        threads[i] = g_thread_new("job", run_job, &parallel[i]);
    for (int i = 0; i < N; i++)
        g_thread_join(threads[i]);
    for (int i = 0; i < N; i++) {
        CHECK(single[i].status == GLANCE_OK && parallel[i].status == GLANCE_OK, "job %d failed", i);
        CHECK(!memcmp(single[i].vector, parallel[i].vector, sizeof single[i].vector) &&
              !memcmp(single[i].logits, parallel[i].logits, sizeof single[i].logits),
              "job %d: threaded result differs from the single-threaded one", i);
    }
    CHECK(memcmp(single[0].vector, single[1].vector, sizeof single[0].vector) != 0,
          "different images gave the same vector");
}

int main(void)
{
    const char *path = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    GlanceError err = { 0 };
    if (!path || glance_model_open(path, &model, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL cannot open the golden model (%s): %s\n", path ? path : "unset", err.message);
        return 1;
    }
    glance_set_threads(1);
    GlanceContext *ctx = NULL;
    CHECK(glance_context_new(model, &ctx, &err) == GLANCE_OK, "context: %s", err.message);
    CHECK(glance_model_answer(model, -1) == NULL && glance_model_answer(model, 3129) == NULL,
          "answer lookup out of range");
    CHECK(!strcmp(glance_model_answer(model, 0), "net"), "label 0 is '%s'", glance_model_answer(model, 0));
    test_bad_arguments(ctx);
    test_cancel(ctx);
    test_threads();
    glance_context_free(ctx);
    glance_model_close(model);
    return check_summary("engine api");
}

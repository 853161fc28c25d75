/* tasks.c — the user-level calls: raw text and RGB8 images in, task outputs out.
 * Each one tokenises, preprocesses and runs the lower-level passes of forward.c. */
#include "context.h"
#include <stdlib.h>
#include <string.h>

GlanceStatus glance_tokenize(const GlanceModel *model, const char *text, int32_t *ids, int *n_ids,
                             GlanceError *err)
{
    if (!text)
        return glance_fail(err, GLANCE_ERR_INVALID, "no text");
    return glance_wordpiece_encode(model->vocab, text, model->config.max_text_len, ids, n_ids, err);
}

GlanceStatus glance_preprocess_image(const GlanceModel *model, const GlanceImage *image, float *pixel_values,
                                     GlanceError *err)
{
    int size = model->config.image_size;
    uint8_t *rgb = malloc((size_t)size * size * 3);
    if (!rgb)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    GlanceStatus s = glance_resize_rgb8(image, size, rgb, err);
    if (s == GLANCE_OK) {
        /* HWC uint8 -> CHW in [-1, 1], computed exactly as ToTensor + Normalize(0.5, 0.5). */
        long plane = (long)size * size;
        for (long i = 0; i < plane; i++)
            for (int ch = 0; ch < 3; ch++)
                pixel_values[ch * plane + i] = ((float)rgb[i * 3 + ch] / 255.0f - 0.5f) / 0.5f;
    }
    free(rgb);
    return s;
}

/* Inputs of one pass, prepared from what the user gave. */
typedef struct {
    int32_t *ids;
    int n_ids;
    float *pixels; /* in the context's own buffers (glance_context_pixels): not freed */
} Prepared;

static void prepared_free(Prepared *p)
{
    free(p->ids);
}

static GlanceStatus prepare(GlanceContext *ctx, const char *text, const GlanceImage *image, Prepared *p,
                            GlanceError *err)
{
    memset(p, 0, sizeof *p);
    const GlanceModel *m = glance_context_model(ctx);
    const GlanceConfig *c = &m->config;
    if (text) {
        const char *t = text;
        while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
            t++;
        if (!*t)
            return glance_fail(err, GLANCE_ERR_INVALID, "the text is empty");
        p->ids = malloc((size_t)c->max_text_len * sizeof *p->ids);
        if (!p->ids)
            return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
        GlanceStatus s = glance_tokenize(m, text, p->ids, &p->n_ids, err);
        if (s != GLANCE_OK)
            return s;
    }
    if (image) {
        p->pixels = glance_context_pixels(ctx);
        return glance_preprocess_image(m, image, p->pixels, err);
    }
    return GLANCE_OK;
}

/* One fusion pass to the pooled [CLS]. */
static GlanceStatus pooled(GlanceContext *ctx, const GlanceImage *image, const char *text, int token_type,
                           float *cls, GlanceWhereMap *where, GlanceError *err)
{
    Prepared p;
    GlanceStatus s = prepare(ctx, text, image, &p, err);
    if (s == GLANCE_OK) {
        GlanceFusionOutputs out = { .cls_feats = cls, .where = where };
        s = glance_fusion_forward(ctx, p.ids, p.n_ids, p.pixels, token_type, &out, err);
    }
    prepared_free(&p);
    return s;
}

#define REQUIRE(cond, status, ...) \
    do { if (!(cond)) return glance_fail(err, status, __VA_ARGS__); } while (0)

GlanceStatus glance_vqa(GlanceContext *ctx, const GlanceImage *image, const char *question, float *logits,
                        GlanceError *err)
{
    return glance_vqa_where(ctx, image, question, logits, NULL, err);
}

GlanceStatus glance_vqa_where(GlanceContext *ctx, const GlanceImage *image, const char *question, float *logits,
                              GlanceWhereMap *where, GlanceError *err)
{
    const GlanceModel *m = glance_context_model(ctx);
    REQUIRE(m->config.has_vqa, GLANCE_ERR_UNSUPPORTED, "model '%s' cannot answer questions (no VQA head)", m->name);
    REQUIRE(image && question, GLANCE_ERR_INVALID, "an image and a question are needed");
    float *cls = malloc((size_t)m->config.dim * sizeof *cls);
    REQUIRE(cls, GLANCE_ERR_NOMEM, "out of memory");
    GlanceStatus s = pooled(ctx, image, question, 1, cls, where, err);
    if (s == GLANCE_OK)
        s = glance_vqa_head(ctx, cls, logits, err);
    free(cls);
    return s;
}

GlanceStatus glance_itm(GlanceContext *ctx, const GlanceImage *image, const char *text, float logits[2],
                        GlanceError *err)
{
    return glance_itm_where(ctx, image, text, logits, NULL, err);
}

GlanceStatus glance_itm_where(GlanceContext *ctx, const GlanceImage *image, const char *text, float logits[2],
                              GlanceWhereMap *where, GlanceError *err)
{
    const GlanceModel *m = glance_context_model(ctx);
    REQUIRE(m->config.has_itm, GLANCE_ERR_UNSUPPORTED, "model '%s' has no image-text matching head", m->name);
    REQUIRE(image && text, GLANCE_ERR_INVALID, "an image and a text are needed");
    float *cls = malloc((size_t)m->config.dim * sizeof *cls);
    REQUIRE(cls, GLANCE_ERR_NOMEM, "out of memory");
    GlanceStatus s = pooled(ctx, image, text, 1, cls, where, err);
    if (s == GLANCE_OK)
        s = glance_itm_head(ctx, cls, logits, err);
    free(cls);
    return s;
}

GlanceStatus glance_nlvr2(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                          const char *statement, float logits[2], GlanceError *err)
{
    return glance_nlvr2_where(ctx, left, right, statement, logits, NULL, err);
}

GlanceStatus glance_nlvr2_where(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                                const char *statement, float logits[2], GlanceWhereMap where[2], GlanceError *err)
{
    const GlanceModel *m = glance_context_model(ctx);
    REQUIRE(m->config.has_nlvr2, GLANCE_ERR_UNSUPPORTED, "model '%s' cannot compare image pairs (no NLVR2 head)",
            m->name);
    REQUIRE(left && right && statement, GLANCE_ERR_INVALID, "two images and a statement are needed");
    float *cls = malloc((size_t)2 * m->config.dim * sizeof *cls);
    REQUIRE(cls, GLANCE_ERR_NOMEM, "out of memory");
    /* The right image is token type 2, as in NLVR2 fine-tuning. */
    GlanceStatus s = pooled(ctx, left, statement, 1, cls, where ? &where[0] : NULL, err);
    if (s == GLANCE_OK)
        s = pooled(ctx, right, statement, 2, cls + m->config.dim, where ? &where[1] : NULL, err);
    if (s == GLANCE_OK)
        s = glance_nlvr2_head(ctx, cls, cls + m->config.dim, logits, err);
    free(cls);
    return s;
}

GlanceStatus glance_embed_image(GlanceContext *ctx, const GlanceImage *image, int vl, float *vector,
                                GlanceError *err)
{
    REQUIRE(image, GLANCE_ERR_INVALID, "no image");
    Prepared p;
    GlanceStatus s = prepare(ctx, NULL, image, &p, err);
    if (s == GLANCE_OK)
        s = glance_image_forward(ctx, p.pixels, vl, vector, err);
    prepared_free(&p);
    return s;
}

GlanceStatus glance_embed_images(GlanceContext *ctx, const GlanceImage *images, int count, int vl, float *vectors,
                                 GlanceError *err)
{
    REQUIRE(images && vectors && count >= 1, GLANCE_ERR_INVALID, "no images");
    const GlanceModel *m = glance_context_model(ctx);
    long plane = 3L * m->config.image_size * m->config.image_size;
    float *pixels = malloc((size_t)count * plane * sizeof *pixels);
    REQUIRE(pixels, GLANCE_ERR_NOMEM, "out of memory for %d images", count);
    GlanceStatus s = GLANCE_OK;
    for (int i = 0; i < count && s == GLANCE_OK; i++)
        s = glance_preprocess_image(m, &images[i], pixels + i * plane, err);
    if (s == GLANCE_OK)
        s = glance_image_forward_batch(ctx, pixels, count, vl, vectors, err);
    free(pixels);
    return s;
}

GlanceStatus glance_embed_text(GlanceContext *ctx, const char *text, int vl, float *vector, GlanceError *err)
{
    REQUIRE(text, GLANCE_ERR_INVALID, "no text");
    Prepared p;
    GlanceStatus s = prepare(ctx, text, NULL, &p, err);
    if (s == GLANCE_OK)
        s = glance_text_forward(ctx, p.ids, p.n_ids, vl, vector, err);
    prepared_free(&p);
    return s;
}

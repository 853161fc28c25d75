/* where.c — where the pooled answer looked: a map over the patch grid from the fusion
 * layers' attention. Attention rollout (Abnar & Zuidema 2020): each layer's heads
 * averaged, the residual identity added (0.5 A + 0.5 I, rows still summing to 1) and
 * the layers chained; only the [CLS] row of the product is needed, so it is carried
 * from the top layer down as a vector (n^2 work a layer, not n^3). The last layer's
 * [CLS] attention is the same with one layer: the identity only adds to [CLS] itself,
 * which is not a patch. */
#include "context.h"
#include <stdlib.h>
#include <string.h>

static const char *const method_names[GLANCE_WHERE_N_METHODS] = {
    [GLANCE_WHERE_ROLLOUT] = "rollout",
    [GLANCE_WHERE_VL_ROLLOUT] = "vl-rollout",
    [GLANCE_WHERE_LAST_LAYER] = "last-layer",
};

const char *glance_where_method_name(GlanceWhereMethod method)
{
    return (unsigned)method < GLANCE_WHERE_N_METHODS ? method_names[method] : NULL;
}

GlanceWhereMethod glance_where_method_from_name(const char *name)
{
    for (int i = 0; name && i < GLANCE_WHERE_N_METHODS; i++)
        if (strcmp(name, method_names[i]) == 0)
            return (GlanceWhereMethod)i;
    return GLANCE_WHERE_N_METHODS;
}

void glance_where_grid(const GlanceModel *model, int *rows, int *cols)
{
    if (rows)
        *rows = model->patches_side;
    if (cols)
        *cols = model->patches_side;
}

/* The lowest layer a method reads. */
static int first_layer(const GlanceConfig *c, GlanceWhereMethod method)
{
    switch (method) {
    case GLANCE_WHERE_VL_ROLLOUT: return c->vlffn_start < c->depth ? c->vlffn_start : c->depth - 1;
    case GLANCE_WHERE_LAST_LAYER: return c->depth - 1;
    default: return 0;
    }
}

GlanceStatus glance_where_begin(GlanceContext *ctx, const GlanceWhereMap *where, int n, GlanceError *err)
{
    const GlanceConfig *c = &ctx->model->config;
    if ((unsigned)where->method >= GLANCE_WHERE_N_METHODS)
        return glance_fail(err, GLANCE_ERR_INVALID, "unknown where-map method %d", (int)where->method);
    if (!where->weights)
        return glance_fail(err, GLANCE_ERR_INVALID, "no buffer for the where map");
    ctx->where_first = first_layer(c, where->method);
    size_t square = (size_t)n * n;
    /* where_probs also holds finish's two rolled-out rows (2n doubles), so that
     * finish, which cannot fail, allocates nothing. */
    size_t probs = (size_t)c->heads * square * sizeof(float), rows = (size_t)2 * n * sizeof(double);
    ctx->where_probs = malloc(probs > rows ? probs : rows);
    ctx->where_layers = malloc((size_t)(c->depth - ctx->where_first) * square * sizeof(float));
    if (!ctx->where_probs || !ctx->where_layers) {
        glance_where_end(ctx);
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for the attention of a %d-token where map", n);
    }
    return GLANCE_OK;
}

void glance_where_keep_layer(GlanceContext *ctx, int layer, int n)
{
    int heads = ctx->model->config.heads;
    size_t square = (size_t)n * n;
    float *mean = ctx->where_layers + (size_t)(layer - ctx->where_first) * square;
    memcpy(mean, ctx->where_probs, square * sizeof(float));
    for (int h = 1; h < heads; h++) {
        const float *probs = ctx->where_probs + (size_t)h * square;
        for (size_t i = 0; i < square; i++)
            mean[i] += probs[i];
    }
    for (size_t i = 0; i < square; i++)
        mean[i] /= (float)heads;
}

void glance_where_finish(GlanceContext *ctx, int n_text, int n, GlanceWhereMap *where)
{
    const GlanceModel *m = ctx->model;
    int depth = m->config.depth, patches = m->num_patches;
    size_t square = (size_t)n * n;
    /* Two n-vectors: the rolled-out [CLS] row and the next one, in the spent
     * probabilities' buffer (begin sized it for them). */
    double *row = (double *)(void *)ctx->where_probs, *next = row + n;
    glance_where_grid(m, &where->rows, &where->cols);
    memset(row, 0, (size_t)n * sizeof *row);
    row[0] = 1.0; /* the text [CLS], the row the pooler reads */
    for (int l = depth - 1; l >= ctx->where_first; l--) {
        const float *mean = ctx->where_layers + (size_t)(l - ctx->where_first) * square;
        for (int k = 0; k < n; k++)
            next[k] = 0.5 * row[k];
        for (int i = 0; i < n; i++) {
            double r = 0.5 * row[i];
            if (r == 0.0)
                continue;
            const float *a = mean + (size_t)i * n;
            for (int k = 0; k < n; k++)
                next[k] += r * a[k];
        }
        memcpy(row, next, (size_t)n * sizeof *row);
    }
    /* The image rows are its [CLS], then the patches row-major. */
    const double *patch = row + n_text + 1;
    double total = 0.0;
    for (int p = 0; p < patches; p++)
        total += patch[p];
    for (int p = 0; p < patches; p++)
        where->weights[p] = total > 0.0 ? (float)(patch[p] / total) : 1.0f / (float)patches;
}

void glance_where_end(GlanceContext *ctx)
{
    free(ctx->where_probs);
    free(ctx->where_layers);
    ctx->where_probs = ctx->where_layers = NULL;
}

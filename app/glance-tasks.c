/* glance-tasks.c — scores from logits: sigmoid for VQA, a two-way softmax for the rest. */
#include "glance-tasks.h"
#include <gio/gio.h>
#include <math.h>
#include <string.h>

static int by_score_desc(gconstpointer a, gconstpointer b)
{
    const GlanceAnswer *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

/* A map for the engine to fill: its weights are those of a new GlanceWhere. */
static GlanceWhereMap where_map_new(const GlanceModel *model, GlanceWhereMethod method, GlanceWhere **where)
{
    GlanceWhereMap map = { .method = method };
    glance_where_grid(model, &map.rows, &map.cols);
    *where = glance_where_new(map.rows, map.cols);
    map.weights = (*where)->weights;
    return map;
}

GArray *glance_task_ask(GlanceContext *ctx, const GlanceImage *image, const char *question, int top,
                        float *logits, GError **error)
{
    return glance_task_ask_where(ctx, image, question, top, logits, GLANCE_WHERE_DEFAULT, NULL, error);
}

GArray *glance_task_ask_where(GlanceContext *ctx, const GlanceImage *image, const char *question, int top,
                              float *logits, GlanceWhereMethod method, GlanceWhere **where, GError **error)
{
    const GlanceModel *model = glance_context_model(ctx);
    int n = glance_model_num_answers(model);
    g_autofree float *all = g_new0(float, MAX(n, 1));
    g_autoptr(GlanceWhere) map_owner = NULL;
    GlanceWhereMap map = { 0 };
    if (where)
        map = where_map_new(model, method, &map_owner);
    GlanceError err = { 0 };
    if (glance_vqa_where(ctx, image, question, all, where ? &map : NULL, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return NULL;
    }
    if (where)
        *where = g_steal_pointer(&map_owner);
    if (logits)
        memcpy(logits, all, (size_t)n * sizeof(float));
    GArray *answers = g_array_sized_new(FALSE, FALSE, sizeof(GlanceAnswer), n);
    for (int i = 0; i < n; i++) {
        const char *text = glance_model_answer(model, i);
        /* Labels without an answer (VQAv2's label 125) can never be predicted. */
        if (!text || !*text)
            continue;
        GlanceAnswer a = { i, text, 1.0f / (1.0f + expf(-all[i])) };
        g_array_append_val(answers, a);
    }
    g_array_sort(answers, by_score_desc);
    g_array_set_size(answers, MIN((guint)MAX(top, 1), answers->len));
    return answers;
}

static void judge(const float logits[2], GlanceJudgement *out)
{
    out->logits[0] = logits[0];
    out->logits[1] = logits[1];
    out->probability = 1.0f / (1.0f + expf(logits[0] - logits[1]));
    out->verdict = logits[1] > logits[0];
}

gboolean glance_task_compare(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                             const char *statement, GlanceJudgement *out, GError **error)
{
    return glance_task_compare_where(ctx, left, right, statement, GLANCE_WHERE_DEFAULT, out, NULL, error);
}

gboolean glance_task_compare_where(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                                   const char *statement, GlanceWhereMethod method, GlanceJudgement *out,
                                   GlanceWhere *where[2], GError **error)
{
    float logits[2];
    g_autoptr(GlanceWhere) left_owner = NULL;
    g_autoptr(GlanceWhere) right_owner = NULL;
    GlanceWhereMap maps[2] = { { 0 }, { 0 } };
    if (where) {
        maps[0] = where_map_new(glance_context_model(ctx), method, &left_owner);
        maps[1] = where_map_new(glance_context_model(ctx), method, &right_owner);
    }
    GlanceError err = { 0 };
    if (glance_nlvr2_where(ctx, left, right, statement, logits, where ? maps : NULL, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    if (where) {
        where[0] = g_steal_pointer(&left_owner);
        where[1] = g_steal_pointer(&right_owner);
    }
    judge(logits, out);
    return TRUE;
}

gboolean glance_task_match(GlanceContext *ctx, const GlanceImage *image, const char *text,
                           GlanceJudgement *out, GError **error)
{
    return glance_task_match_where(ctx, image, text, GLANCE_WHERE_DEFAULT, out, NULL, error);
}

gboolean glance_task_match_where(GlanceContext *ctx, const GlanceImage *image, const char *text,
                                 GlanceWhereMethod method, GlanceJudgement *out, GlanceWhere **where,
                                 GError **error)
{
    float logits[2];
    g_autoptr(GlanceWhere) map_owner = NULL;
    GlanceWhereMap map = { 0 };
    if (where)
        map = where_map_new(glance_context_model(ctx), method, &map_owner);
    GlanceError err = { 0 };
    if (glance_itm_where(ctx, image, text, logits, where ? &map : NULL, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    if (where)
        *where = g_steal_pointer(&map_owner);
    judge(logits, out);
    return TRUE;
}

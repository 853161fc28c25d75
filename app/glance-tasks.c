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

GArray *glance_task_ask(GlanceContext *ctx, const GlanceImage *image, const char *question, int top,
                        float *logits, GError **error)
{
    const GlanceModel *model = glance_context_model(ctx);
    int n = glance_model_num_answers(model);
    g_autofree float *all = g_new0(float, MAX(n, 1));
    GlanceError err = { 0 };
    if (glance_vqa(ctx, image, question, all, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return NULL;
    }
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
    float logits[2];
    GlanceError err = { 0 };
    if (glance_nlvr2(ctx, left, right, statement, logits, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    judge(logits, out);
    return TRUE;
}

gboolean glance_task_match(GlanceContext *ctx, const GlanceImage *image, const char *text,
                           GlanceJudgement *out, GError **error)
{
    float logits[2];
    GlanceError err = { 0 };
    if (glance_itm(ctx, image, text, logits, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    judge(logits, out);
    return TRUE;
}

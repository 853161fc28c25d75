/* glance-tasks.h — the three questions a user asks, as the CLI and the GUI both ask them:
 * engine outputs turned into answers, verdicts and probabilities. */
#ifndef GLANCE_TASKS_H
#define GLANCE_TASKS_H
#include <glib.h>
#include "glance-engine-error.h"
#include "glance-judgement.h"

typedef struct {
    int label;
    const char *answer;  /* owned by the model */
    float score;         /* sigmoid(logit), as VQA is trained with binary cross-entropy */
} GlanceAnswer;


/* Top `top` answers, best first (top is clamped to the answer count). logits may be
 * NULL, or receive every one of the model's num_answers logits. */
GArray *glance_task_ask(GlanceContext *ctx, const GlanceImage *image, const char *question, int top,
                        float *logits, GError **error);
gboolean glance_task_compare(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                             const char *statement, GlanceJudgement *out, GError **error);
gboolean glance_task_match(GlanceContext *ctx, const GlanceImage *image, const char *text,
                           GlanceJudgement *out, GError **error);
#endif

/* glance-tasks.h — the three questions a user asks, as the CLI and the GUI both ask them:
 * engine outputs turned into answers, verdicts and probabilities. */
#ifndef GLANCE_TASKS_H
#define GLANCE_TASKS_H
#include <glib.h>
#include "glance-engine-error.h"
#include "glance-judgement.h"
#include "glance-where.h"

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

/* The same three, and where the answer looked: *where (or where[0] the left image's,
 * where[1] the right's) receives a new map made by `method` (GLANCE_WHERE_DEFAULT
 * unless measuring), NULL on failure. */
GArray *glance_task_ask_where(GlanceContext *ctx, const GlanceImage *image, const char *question, int top,
                              float *logits, GlanceWhereMethod method, GlanceWhere **where, GError **error);
gboolean glance_task_compare_where(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                                   const char *statement, GlanceWhereMethod method, GlanceJudgement *out,
                                   GlanceWhere *where[2], GError **error);
gboolean glance_task_match_where(GlanceContext *ctx, const GlanceImage *image, const char *text,
                                 GlanceWhereMethod method, GlanceJudgement *out, GlanceWhere **where,
                                 GError **error);
#endif

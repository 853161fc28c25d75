/* glance-judgement.h — a yes/no answer with its probability (NLVR2 and image-text
 * matching), apart from glance-tasks.h so front ends can hold one without the engine. */
#ifndef GLANCE_JUDGEMENT_H
#define GLANCE_JUDGEMENT_H
#include <gio/gio.h>

typedef struct {
    gboolean verdict;    /* NLVR2: the statement holds; ITM: the text matches */
    float probability;   /* softmax probability of "true" / "match" */
    float logits[2];     /* [false, true] */
} GlanceJudgement;
#endif

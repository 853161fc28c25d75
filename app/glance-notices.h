/* glance-notices.h — the judgement of an answer: what a person must be told so that a
 * confident-looking answer is never silently wrong (docs/model-scope.md). The CLI prints
 * notices, the GUI shows them; both get them from here. */
#ifndef GLANCE_NOTICES_H
#define GLANCE_NOTICES_H
#include <glib.h>
#include <json-glib/json-glib.h>
#include "glance-domain.h"
#include "glance-notice.h"
#include "glance-engine.h"
#include "glance-query.h"
#include "glance-tasks.h"

/* What a model knows: its scope sentence, its domain check and its thresholds, from the
 * model file's metadata, or documented defaults for files without calibration. */
typedef struct {
    char *scope;                 /* glance.scope, NULL when the model has none           */
    GlanceDomainCheck *domain;   /* NULL: no domain check (official checkpoints)          */
    double vqa_low_confidence;   /* best VQA answer score below this: low_confidence       */
    double nlvr2_low_confidence; /* NLVR2 verdict probability below this: low_confidence  */
    double no_good_match;        /* best search score (cosine) below this: no_good_match  */
    gboolean calibrated;         /* the thresholds come from glance.calibration          */
} GlanceModelKnowledge;

/* Defaults for models without glance.calibration (official checkpoints), see
 * docs/model-scope.md. */
#define GLANCE_DEFAULT_VQA_LOW_CONFIDENCE 0.5
#define GLANCE_DEFAULT_NLVR2_LOW_CONFIDENCE 0.6
#define GLANCE_DEFAULT_NO_GOOD_MATCH 0.2

/* NULL with an error when the model's scope metadata cannot be read. */
GlanceModelKnowledge *glance_model_knowledge_new(const GlanceModel *model, GError **error);
void glance_model_knowledge_free(GlanceModelKnowledge *knowledge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelKnowledge, glance_model_knowledge_free)

/* Each judge appends its notices (GlanceNotice *) to `notices`, a GPtrArray made by
 * glance_notices_new(); FALSE with an error only when the input cannot be read. */
GPtrArray *glance_notices_new(void);
/* unknown_words and question_truncated. */
gboolean glance_notices_judge_text(const GlanceModel *model, const char *text, GPtrArray *notices,
                                   GError **error);
/* outside_model_scope; `which` names the image in the message ("left"), may be NULL. */
gboolean glance_notices_judge_image(const GlanceModelKnowledge *knowledge, const GlanceImage *image,
                                    const char *which, GPtrArray *notices, GError **error);

/* Whole answers, as the CLI and the GUI show them. */
GPtrArray *glance_notices_for_ask(const GlanceModel *model, const GlanceImage *image, const char *question,
                                  GArray *answers, GError **error);
GPtrArray *glance_notices_for_compare(const GlanceModel *model, const GlanceImage *left,
                                      const GlanceImage *right, const char *statement,
                                      const GlanceJudgement *judgement, GError **error);
GPtrArray *glance_notices_for_match(const GlanceModel *model, const GlanceImage *image, const char *text,
                                    GError **error);
/* A search: its texts are read, its example images checked; best_score is the best
 * result's dual-encoder (ITC) score, NAN when there is no result. The score is held
 * against the calibrated match score only for a query of one text (the calibration's
 * case); a query the model cannot read a word of never has a good match. */
GPtrArray *glance_notices_for_search(const GlanceModel *model, const GlanceQuery *query, double best_score,
                                     GError **error);

/* "notices": [{"code", "message", "words"?, "tokens_read"?, "tokens"?}, ...] */
void glance_notices_add_json(JsonBuilder *builder, GPtrArray *notices);
#endif

/* glance-eval.h — accuracy of a model on JSONL evaluation sets (the `glance-cli eval`
 * formats of DESIGN.md), so bundled and official models are judged the same way. */
#ifndef GLANCE_EVAL_H
#define GLANCE_EVAL_H
#include <glib.h>
#include <json-glib/json-glib.h>
#include "glance-engine.h"

typedef enum { GLANCE_EVAL_VQA, GLANCE_EVAL_NLVR2, GLANCE_EVAL_RETRIEVAL } GlanceEvalTask;

/* Called after each example with (done, total). */
typedef void (*GlanceEvalProgress)(int done, int total, gpointer user_data);

/* Runs the set and returns the result object:
 *   vqa/nlvr2: {"task", "n", "accuracy", "per_type": {type: {"n", "accuracy"}}, "predictions"}
 *              (per_type when lines carry a "type" key; VQA accuracy counts the top answer being
 *              one of "answers"; predictions: the top answer / the verdict of each line, in
 *              order, so two models can be compared answer by answer)
 *   retrieval: {"task", "n", "images", "text_to_image": {"r1","r5","r10"}, "image_to_text": {...}}
 * Paths in the file are relative to its folder. */
JsonNode *glance_eval_run(GlanceContext *ctx, GlanceEvalTask task, const char *jsonl_path,
                          GlanceEvalProgress progress, gpointer user_data, GError **error);
gboolean glance_eval_task_from_name(const char *name, GlanceEvalTask *task);
#endif

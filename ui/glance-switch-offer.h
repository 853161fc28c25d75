/* glance-switch-offer.h — after an install or an import: a task that still used the
 * built-in model has already switched (app/models does that); a task that keeps a model
 * someone chose is only offered the new one (glance_task_model_could_switch()), in an
 * AdwMessageDialog "Use “X” for Ask?" with Keep Current and Switch. Never silently. */
#ifndef GLANCE_SWITCH_OFFER_H
#define GLANCE_SWITCH_OFFER_H
#include <adwaita.h>
#include "glance-inference.h"

G_BEGIN_DECLS

/* One dialog per model of `names` that could take a task, one after another, over
 * `parent`. Switch makes the model the task's default (glance_models_set_default_async())
 * and reloads `inference`'s models. */
void glance_offer_switch(GtkWindow *parent, GlanceInference *inference, const char *const *names);

G_END_DECLS
#endif

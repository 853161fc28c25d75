/* glance-task-model.h — which model a task uses, decided one way for the CLI and the GUI:
 * `--model` when given, else the registry's default for the task (chosen with
 * `glance-cli models default TASK NAME` or in Preferences, or the latest model installed
 * for the task), else the bundled model. */
#ifndef GLANCE_TASK_MODEL_H
#define GLANCE_TASK_MODEL_H
#include <glib.h>
#include "glance-model-registry.h"

G_BEGIN_DECLS

typedef enum {
    GLANCE_MODEL_TASK_VQA,
    GLANCE_MODEL_TASK_NLVR2,
    GLANCE_MODEL_TASK_RETRIEVAL,
} GlanceModelTask;
#define GLANCE_MODEL_N_TASKS 3

/* What `--model` and `models default` accept for the bundled model when no installed
 * model has this name; what `info --json` lists for a task the bundled model serves. */
#define GLANCE_MODEL_BUNDLED_NAME "bundled"

/* "vqa", "nlvr2", "retrieval": the task's name in the registry and the catalogue. */
const char *glance_model_task_name(GlanceModelTask task);
/* FALSE for any other name. */
gboolean glance_model_task_from_name(const char *name, GlanceModelTask *task);

/* The file `task` uses. model_arg (a path or a name, as `--model` takes it) wins when not
 * NULL. registry may be NULL: the default registry is read (a damaged one is an error).
 * Newly allocated. */
char *glance_task_model_path(const GlanceModelRegistry *registry, const char *model_arg, GlanceModelTask task,
                             GError **error);

/* The name of the model serving `task` by default: an installed model's name, or
 * GLANCE_MODEL_BUNDLED_NAME. */
const char *glance_task_model_default_name(const GlanceModelRegistry *registry, GlanceModelTask task);

/* Makes NAME the default model of `task` in the registry (and so in every front end):
 * an installed model that serves the task, or GLANCE_MODEL_BUNDLED_NAME. */
gboolean glance_task_model_set_default(GlanceModelRegistry *registry, GlanceModelTask task, const char *name,
                                       GError **error);

/* After an install or an import: the tasks (GLANCE_TASK_* names) that the installed
 * model NAME serves but that keep another installed model someone chose — "this task
 * could switch to NAME". The GUI offers the switch (glance_task_model_set_default()),
 * the CLI prints how. Empty when NAME took all its tasks or is not installed. */
GStrv glance_task_model_could_switch(const GlanceModelRegistry *registry, const char *name);

G_END_DECLS
#endif

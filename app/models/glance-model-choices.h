/* glance-model-choices.h — the models a user can choose for each task: the bundled one
 * (its heads read from its file) and every installed one (its tasks from the registry),
 * with the one each task uses now. What Preferences shows; `glance-cli models` prints
 * the same registry. */
#ifndef GLANCE_MODEL_CHOICES_H
#define GLANCE_MODEL_CHOICES_H
#include <gio/gio.h>
#include "glance-task-model.h"

G_BEGIN_DECLS

typedef struct {
    char *name;        /* the registry name; "" for the bundled model */
    char *title;       /* the registry's title; for the bundled model, its glance.name or file name */
    gboolean tasks[GLANCE_MODEL_N_TASKS];
} GlanceModelChoice;

typedef struct {
    GPtrArray *models;                      /* of GlanceModelChoice: the bundled model first
                                               (missing when its file does not open) */
    char *defaults[GLANCE_MODEL_N_TASKS];   /* per task: the name serving it, "" bundled */
} GlanceModelChoices;

void glance_model_choices_free(GlanceModelChoices *choices);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelChoices, glance_model_choices_free)

/* Reads the default registry and opens the bundled model; blocking. */
GlanceModelChoices *glance_model_choices_list(GError **error);
void glance_model_choices_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GlanceModelChoices *glance_model_choices_list_finish(GAsyncResult *result, GError **error);

/* The registry edits Preferences makes, in a GTask thread (they take the registry's file
 * lock): make NAME ("" or NULL: the bundled model) the default for a task, or remove an
 * installed model. */
void glance_models_set_default_async(GlanceModelTask task, const char *name, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void glance_models_remove_async(const char *name, GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
/* For both edits. */
gboolean glance_models_edit_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

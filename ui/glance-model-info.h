/* glance-model-info.h — a model the user can choose for a task in Preferences, as an
 * object a combo row can show: one GlanceModelChoice of app/models. */
#ifndef GLANCE_MODEL_INFO_H
#define GLANCE_MODEL_INFO_H
#include <gio/gio.h>
#include "glance-model-choices.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_MODEL_INFO (glance_model_info_get_type())
G_DECLARE_FINAL_TYPE(GlanceModelInfo, glance_model_info, GLANCE, MODEL_INFO, GObject)

/* The registry name; "" for the bundled model. */
const char *glance_model_info_get_name(GlanceModelInfo *self);
/* "title" property: what the chooser shows. */
const char *glance_model_info_get_title(GlanceModelInfo *self);
gboolean glance_model_info_supports(GlanceModelInfo *self, GlanceModelTask task);

typedef struct {
    GListStore *models;     /* of GlanceModelInfo: the bundled model first */
    char *defaults[GLANCE_MODEL_N_TASKS]; /* per task: the registry name serving it, "" bundled */
} GlanceModelList;

void glance_model_list_free(GlanceModelList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelList, glance_model_list_free)

/* glance_model_choices_list_async(), as objects. */
void glance_model_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GlanceModelList *glance_model_list_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

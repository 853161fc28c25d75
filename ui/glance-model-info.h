/* glance-model-info.h — a model the user can choose for a task in Preferences: the
 * bundled one, or one in the model registry (app/models), with the tasks it serves. */
#ifndef GLANCE_MODEL_INFO_H
#define GLANCE_MODEL_INFO_H
#include <gio/gio.h>
#include "glance-inference.h"

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
    char *defaults[3];      /* per GlanceModelTask: the registry name serving it, "" bundled */
} GlanceModelList;

void glance_model_list_free(GlanceModelList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelList, glance_model_list_free)

/* In a thread: the bundled model (opened to read its heads) and the registry. */
void glance_model_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GlanceModelList *glance_model_list_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

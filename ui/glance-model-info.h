/* glance-model-info.h — a model file the user can choose in Preferences, with the tasks its
 * heads support. */
#ifndef GLANCE_MODEL_INFO_H
#define GLANCE_MODEL_INFO_H
#include <gio/gio.h>
#include "glance-inference.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_MODEL_INFO (glance_model_info_get_type())
G_DECLARE_FINAL_TYPE(GlanceModelInfo, glance_model_info, GLANCE, MODEL_INFO, GObject)

/* The file; "" for the default model (the bundled one, or $GLANCE_MODEL). */
const char *glance_model_info_get_setting(GlanceModelInfo *self);
const char *glance_model_info_get_path(GlanceModelInfo *self);
/* "title" property: what the chooser shows. */
const char *glance_model_info_get_title(GlanceModelInfo *self);
gboolean glance_model_info_supports(GlanceModelInfo *self, GlanceModelTask task);

/* In a thread: the default model, then every model in $XDG_DATA_HOME/glance/models,
 * each opened to read its heads (files that do not open are left out). */
void glance_model_info_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GListStore *glance_model_info_list_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

/* glance-model-scope.h — what a model file says it can see (its glance.scope sentence,
 * docs/model-scope.md), for a front end to tell the user before any answer. */
#ifndef GLANCE_MODEL_SCOPE_H
#define GLANCE_MODEL_SCOPE_H
#include <gio/gio.h>

G_BEGIN_DECLS

/* The sentence translated where the catalogue has it (glance_notices_translate_scope),
 * or NULL without error when the model carries none. Opens the model: blocking. */
char *glance_model_scope_read(const char *model_path, GError **error);
/* The same in a GTask thread. */
void glance_model_scope_read_async(const char *model_path, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* NULL: the model has no scope (error unset) or could not be read (error set). */
char *glance_model_scope_read_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

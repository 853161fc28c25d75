/* glance-model-import.h — "Import" of a checkpoint the user already has: convert it to
 * NAME.safetensors in the models folder and register it, where it becomes the default
 * for those tasks its heads serve that still use the bundled model (never replacing a
 * model someone chose: glance_task_model_could_switch() says which tasks could switch). The sibling of glance-model-install.h (which downloads
 * first); Preferences' "Import VLMo Checkpoint…" calls this.
 *
 * NAME comes from the file name. The BERT vocabulary and the VQAv2 answer list that ship
 * with Glance are used; a checkpoint without a VQA head refuses the answer list, and is
 * imported again without it. The registry records the SHA-256 and size of the
 * checkpoint and its file:// URI. Nothing is registered and no model file is left when
 * the import fails or is cancelled (G_IO_ERROR_CANCELLED). */
#ifndef GLANCE_MODEL_IMPORT_H
#define GLANCE_MODEL_IMPORT_H
#include <gio/gio.h>
#include "glance-model-registry.h"

G_BEGIN_DECLS

/* fraction of the conversion in [0, 1]; stage says what is being converted (may be NULL). */
typedef void (*GlanceModelImportProgressFunc)(double fraction, const char *stage, gpointer user_data);

/* A valid registry name from a file name: "VLMo Base (VQA).pt" -> "vlmo-base-vqa". */
char *glance_model_name_for_file(const char *path);

/* Blocking. models_dir NULL: glance_models_dir(). Returns the registered model. */
GlanceInstalledModel *glance_model_import(const char *checkpoint_path, const char *models_dir,
                                          GlanceModelImportProgressFunc progress, gpointer progress_data,
                                          GCancellable *cancellable, GError **error);

/* The same in a GTask thread; progress (may be NULL) runs on the caller's main context,
 * coalesced, never after callback (glance-progress-relay.h). */
void glance_model_import_async(const char *checkpoint_path, GlanceModelImportProgressFunc progress,
                               gpointer progress_data, GDestroyNotify progress_destroy,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GlanceInstalledModel *glance_model_import_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

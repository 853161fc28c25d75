/* glance-model-set.h — "Get Recommended Models": the catalogue's recommended set (one
 * model per task, "recommended_for"), installed one after another with one progress for
 * the whole set: bytes, speed and time left. Models already installed are skipped; each
 * install is glance_model_install() (resumable, the same cleanup), so stopping the set
 * — Cancel, or "pause" as a Cancel followed by a later call — keeps every byte, and the
 * next call resumes where it stopped. Each installed model takes only the tasks that
 * still use the bundled model (glance-model-registry.h); the others keep the user's
 * choice, and glance_task_model_could_switch() says which.
 *
 *   glance_model_install_recommended_async(catalogue, GLANCE_IMPORT_DTYPE_F32, on_progress, self,
 *                                          NULL, cancellable, on_done, self);
 *   GPtrArray *installed = glance_model_install_recommended_finish(result, &error);
 */
#ifndef GLANCE_MODEL_SET_H
#define GLANCE_MODEL_SET_H
#include <gio/gio.h>
#include "glance-catalogue.h"
#include "glance-model-install.h"

G_BEGIN_DECLS

typedef struct {
    guint index;              /* the model being installed now, from 0                     */
    guint n_models;           /* models the set installs (those already installed excluded) */
    const char *name;         /* its name                                                  */
    GlanceInstallStage stage; /* downloading or importing it                               */
    guint64 bytes_done;       /* downloaded over the whole set, resumed bytes included     */
    guint64 bytes_total;      /* to download over the whole set; 0 while a size is unknown */
    double bytes_per_second;  /* over the last few seconds; 0 while not yet measured       */
    double seconds_left;      /* of the downloads; -1 while unknown                        */
    double import_fraction;   /* importing: of this model's import in [0, 1]               */
} GlanceSetProgress;

/* The struct is valid only during the call. */
typedef void (*GlanceSetProgressFunc)(const GlanceSetProgress *progress, gpointer user_data);

/* The recommended entries not yet installed in models_dir (NULL: the default), in
 * catalogue order; pointers into the catalogue. */
GPtrArray *glance_model_recommended_missing(const GlanceCatalogue *catalogue, const char *models_dir,
                                            GError **error);

/* Blocking. opts: dtype and models_dir (its progress member is not used). Returns the
 * models installed now (GlanceInstalledModel*, empty when all were there), or NULL with
 * the first error: models installed before it stay installed. */
GPtrArray *glance_model_install_recommended(const GlanceCatalogue *catalogue, const GlanceInstallOptions *opts,
                                            GlanceSetProgressFunc progress, gpointer progress_data,
                                            GCancellable *cancellable, GError **error);

/* The same in a GTask thread (the catalogue is read again from its file there);
 * progress runs on the caller's main context, coalesced, never after callback. */
void glance_model_install_recommended_async(const GlanceCatalogue *catalogue, GlanceImportDtype dtype,
                                            GlanceSetProgressFunc progress, gpointer progress_data,
                                            GDestroyNotify progress_destroy, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *glance_model_install_recommended_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

/* glance-model-install.h — "Get" for one catalogue entry: download the official
 * checkpoint (resumable), import it to NAME.safetensors, record the SHA-256 of what
 * was downloaded, delete the .pt and register the model, which becomes the default
 * for those of its tasks that still use the bundled model (a task with a model someone
 * chose keeps it: glance_task_model_could_switch()). The catalogue's `scope` is
 * written to the model's glance.scope. The CLI (`glance-cli models get`) and the
 * Preferences page call this.
 *
 * Whatever fails or is cancelled, nothing is registered, and the only file left
 * behind is NAME.pt.part when it holds bytes the next attempt can resume from
 * (also after a cancelled import: the complete download is kept as the .part, so
 * trying again imports without downloading). The error message says which.
 *
 * In a GUI: glance_model_install_async() runs the work in a thread; progress and the
 * result arrive on the caller's thread-default main context; cancel with the
 * GCancellable (G_IO_ERROR_CANCELLED within about a second).
 */
#ifndef GLANCE_MODEL_INSTALL_H
#define GLANCE_MODEL_INSTALL_H
#include <gio/gio.h>
#include "glance-catalogue.h"
#include "glance-import.h"
#include "glance-model-registry.h"

G_BEGIN_DECLS

typedef enum {
    GLANCE_INSTALL_STAGE_DOWNLOAD,   /* bytes_done of bytes_total                 */
    GLANCE_INSTALL_STAGE_IMPORT,     /* fraction, and detail: the tensor at hand  */
} GlanceInstallStage;

typedef struct {
    GlanceInstallStage stage;
    guint64 bytes_done;      /* download: bytes in hand, resumed ones included      */
    guint64 bytes_total;     /* download: 0 while unknown                           */
    double fraction;         /* of this stage in [0, 1]; -1 while unknown           */
    const char *detail;      /* import: what is being converted; may be NULL        */
} GlanceInstallProgress;

/* The struct is valid only during the call. */
typedef void (*GlanceInstallProgressFunc)(const GlanceInstallProgress *progress, gpointer user_data);

typedef struct {
    GlanceImportDtype dtype;         /* F32 (default) or F16: half the disk and memory */
    const char *models_dir;          /* NULL: glance_models_dir()                      */
    GlanceInstallProgressFunc progress;
    gpointer progress_data;
} GlanceInstallOptions;

void glance_install_options_init(GlanceInstallOptions *opts);

/* Blocking; call from a worker thread or a command-line tool. Returns the registered
 * model (its default_for: the tasks it took), or NULL with an error. */
GlanceInstalledModel *glance_model_install(const GlanceCatalogueEntry *entry, const GlanceInstallOptions *opts,
                                           GCancellable *cancellable, GError **error);

/* The same in a GTask thread. `entry` is copied. `progress` (may be NULL) runs on the
 * calling thread's main context, coalesced to the latest state, never after `callback`;
 * `progress_destroy` frees progress_data when the job is over. */
void glance_model_install_async(const GlanceCatalogueEntry *entry, GlanceImportDtype dtype,
                                GlanceInstallProgressFunc progress, gpointer progress_data,
                                GDestroyNotify progress_destroy, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
GlanceInstalledModel *glance_model_install_finish(GAsyncResult *result, GError **error);

/* Bytes of NAME's resumable partial download in models_dir (NULL: the default), 0 when none. */
guint64 glance_model_install_partial_size(const char *models_dir, const char *name);
/* Deletes NAME's partial download ("Cancel" rather than "Pause"); BUSY while NAME is
 * being installed. TRUE when there is none. */
gboolean glance_model_install_discard_partial(const char *models_dir, const char *name, GError **error);

/* The files a catalogue entry names, in data/: vocab/ and answers/. NULL with an
 * error when this Glance does not ship them. Newly allocated. */
char *glance_model_vocab_path(const char *vocab_id, GError **error);
char *glance_model_answers_path(const char *answers_id, GError **error);

G_END_DECLS
#endif

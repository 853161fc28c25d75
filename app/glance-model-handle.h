/* glance-model-handle.h — a model file opened once and shared: the one way app/, the CLI
 * and the GUI get a GlanceModel and its contexts (as whisper.cpp splits a model's
 * weights from each caller's state).
 *
 * A handle is refcounted and thread-safe. It maps the file once; each thread that asks
 * gets its own GlanceContext, made on first use and kept for the next call. When the
 * file changes on disk (its inode, size or mtime: re-imported, replaced by an install),
 * the next glance_model_handle_get_context() maps the new file; a thread's previous
 * context and model stay valid until that same thread asks again, so a pass running
 * elsewhere never loses its weights. The thread count is a parameter of the handle,
 * applied to every context it hands out (glance_context_set_threads). */
#ifndef GLANCE_MODEL_HANDLE_H
#define GLANCE_MODEL_HANDLE_H
#include <gio/gio.h>
#include "glance-engine-error.h"

G_BEGIN_DECLS

typedef struct _GlanceModelHandle GlanceModelHandle;

/* Opens the model file at path. A file that is not a safetensors file at all fails with
 * "PATH: not a Glance model file"; a folder, with the engine's message. */
GlanceModelHandle *glance_model_handle_open(const char *path, GError **error);
GlanceModelHandle *glance_model_handle_ref(GlanceModelHandle *handle);
void glance_model_handle_unref(GlanceModelHandle *handle);

const char *glance_model_handle_get_path(GlanceModelHandle *handle);
/* Threads for the passes of every context handed out from now on; 0: all cores. */
void glance_model_handle_set_threads(GlanceModelHandle *handle, int threads);
int glance_model_handle_get_threads(GlanceModelHandle *handle);

/* The calling thread's context, on the file as it is now (mapped again if it changed).
 * Valid until this thread calls this function again on this handle, or the last unref.
 * glance_context_model(ctx) is the model it runs. */
GlanceContext *glance_model_handle_get_context(GlanceModelHandle *handle, GError **error);
/* The model as mapped now (without looking at the disk): for its config, name and
 * answers. Valid while the handle is (an earlier version stays mapped until then). */
GlanceModel *glance_model_handle_get_model(GlanceModelHandle *handle);
/* TRUE when the file on disk is no longer the one mapped (or is gone). */
gboolean glance_model_handle_is_stale(GlanceModelHandle *handle);

/* The thread count the command line asks for: $GLANCE_THREADS, 0 (all cores) when unset.
 * Also applies it to BLAS calls made outside any context (the library's ranking). The
 * one place that reads GLANCE_THREADS or sets the engine's process-wide count. */
int glance_threads_from_environment(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelHandle, glance_model_handle_unref)

G_END_DECLS
#endif

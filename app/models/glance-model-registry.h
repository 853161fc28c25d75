/* glance-model-registry.h — the models installed in $XDG_DATA_HOME/glance/models/,
 * which one serves each task, and what `--model NAME` means.
 *
 * The registry is one small JSON file, models.json, beside the model files:
 *   {"version":1,"models":[{"name","title","path","tasks","sha256","size",
 *                           "file_size","dtype","url","default_for"}]}
 * in install order. Every change takes an advisory lock, re-reads the file, edits
 * and writes it back atomically (temporary file + rename), so the GUI and the CLI
 * can change it at the same time without losing each other's edits. A registry
 * object is a snapshot: call glance_model_registry_reload() to see other
 * processes' changes. It is not thread-safe; give each thread its own.
 *
 * Defaults: each task has at most one default model. A freshly installed model
 * becomes the default only for those of its tasks that still use the bundled model;
 * a task whose model someone chose keeps it (glance_task_model_could_switch() lists
 * those, for the GUI to ask). Removing a default hands the task to the most recently
 * installed model that serves it, else to the bundled model.
 */
#ifndef GLANCE_MODEL_REGISTRY_H
#define GLANCE_MODEL_REGISTRY_H
#include <glib.h>
#include "glance-models-error.h"

G_BEGIN_DECLS

typedef struct {
    char *name;          /* the --model name; a valid model name (glance-catalogue.h) */
    char *title;         /* for people; the catalogue's title                         */
    char *path;          /* absolute path of the .safetensors                         */
    GStrv tasks;         /* of GLANCE_TASK_*                                          */
    char *sha256;        /* lower-case hex SHA-256 of the downloaded checkpoint       */
    guint64 size;        /* bytes of the downloaded checkpoint                        */
    guint64 file_size;   /* bytes of the .safetensors on disk                         */
    char *dtype;         /* "f32" or "f16"                                            */
    char *url;           /* where the checkpoint came from                            */
    GStrv default_for;   /* the tasks this model is the default for (registry-owned)  */
} GlanceInstalledModel;

GlanceInstalledModel *glance_installed_model_copy(const GlanceInstalledModel *model);
void glance_installed_model_free(GlanceInstalledModel *model);
gboolean glance_installed_model_has_task(const GlanceInstalledModel *model, const char *task);

typedef struct GlanceModelRegistry GlanceModelRegistry;

/* $XDG_DATA_HOME/glance/models. Newly allocated; not created here. */
char *glance_models_dir(void);

/* dir NULL: glance_models_dir(). A missing registry file is an empty registry;
 * a damaged one is GLANCE_MODELS_ERROR_REGISTRY. */
GlanceModelRegistry *glance_model_registry_load(const char *dir, GError **error);
gboolean glance_model_registry_reload(GlanceModelRegistry *registry, GError **error);
void glance_model_registry_free(GlanceModelRegistry *registry);

const char *glance_model_registry_get_dir(const GlanceModelRegistry *registry);
/* DIR/NAME<suffix>: where a model's files live (".safetensors", ".pt", ".pt.part"). */
char *glance_model_registry_file_for(const GlanceModelRegistry *registry, const char *name,
                                     const char *suffix);

guint glance_model_registry_get_n_models(const GlanceModelRegistry *registry);
/* In install order, oldest first. */
const GlanceInstalledModel *glance_model_registry_get_model(const GlanceModelRegistry *registry,
                                                            guint index);
const GlanceInstalledModel *glance_model_registry_find(const GlanceModelRegistry *registry,
                                                       const char *name);

/* The installed model that serves `task` by default, or NULL: the bundled model. */
const GlanceInstalledModel *glance_model_registry_get_default(const GlanceModelRegistry *registry,
                                                              const char *task);
/* The file serving `task`: the installed default's path, else the bundled model. */
char *glance_model_registry_default_path(const GlanceModelRegistry *registry, const char *task);

/* Registers `model` (copied; its default_for is ignored) and makes it the default for
 * those of its tasks that use the bundled model now. A model of the same name is
 * replaced, and keeps the tasks it was the default for. */
gboolean glance_model_registry_add(GlanceModelRegistry *registry, const GlanceInstalledModel *model,
                                   GError **error);
/* Unregisters NAME, then deletes its file and any partial download of it
 * (NAME.pt.part, NAME.pt). NOT_FOUND when there was nothing of NAME to remove. */
gboolean glance_model_registry_remove(GlanceModelRegistry *registry, const char *name, GError **error);
/* Makes NAME the default for `task`; NAME NULL: back to the bundled model. */
gboolean glance_model_registry_set_default(GlanceModelRegistry *registry, const char *task,
                                           const char *name, GError **error);

/* What `--model ARG` names: NULL → the bundled model; an existing file or anything
 * with a '/' → that path; an installed model's name → its file; NAME.safetensors
 * in the models folder (files placed there by hand) → that file. Newly allocated. */
char *glance_model_registry_resolve(const GlanceModelRegistry *registry, const char *name_or_path,
                                    GError **error);
/* The same, loading the default registry only when a name must be looked up. */
char *glance_models_resolve(const char *name_or_path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceInstalledModel, glance_installed_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModelRegistry, glance_model_registry_free)

G_END_DECLS
#endif

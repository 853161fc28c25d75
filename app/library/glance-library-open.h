/* glance-library-open.h — a library together with the model it indexes and searches
 * with, chosen as every task's model is (glance-task-model.h: `--model`, else the
 * registry's default for retrieval, else the bundled model). `glance-cli index`,
 * `glance-cli search` and the GUI's Search page all open their library here, so one
 * library is indexed with one model whichever front end runs. The library owns the
 * model (a GlanceModelHandle) and closes it when finalized. */
#ifndef GLANCE_LIBRARY_OPEN_H
#define GLANCE_LIBRARY_OPEN_H
#include "glance-library.h"

G_BEGIN_DECLS

typedef struct {
    const char *db_path;     /* NULL: glance_paths_default_db()                      */
    gboolean create;         /* create the database (and its folder) when missing   */
    const char *model_arg;   /* `--model`: a path or an installed name; NULL: the task's */
    int threads;             /* for the model's passes; 0: all cores                */
} GlanceLibraryOpenOptions;

GlanceLibrary *glance_library_open_with_model(const GlanceLibraryOpenOptions *options, GError **error);
/* The same in a GTask thread; options are copied. */
void glance_library_open_with_model_async(const GlanceLibraryOpenOptions *options, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GlanceLibrary *glance_library_open_with_model_finish(GAsyncResult *result, GError **error);

/* The file of the library's current model (newly allocated), or NULL before one is set. */
char *glance_library_dup_model_path(GlanceLibrary *library);

G_END_DECLS
#endif

/* glance-library.h — the photo library: a SQLite cache of photos and their image vectors,
 * shared by glance-cli and the GUI. No SQL leaves app/library/.
 *
 * A GlanceLibrary is one database file plus the model whose vectors it indexes and
 * searches (after a model switch, the previous model's vectors serve searches until the
 * new ones are complete: see glance_library_set_model). Typical use (GUI):
 *
 *     GlanceLibrary *library = glance_library_open(db_path, TRUE, &error);
 *     glance_library_set_model(library, model, model_path, &error);
 *     glance_library_index_async(library, folders, NULL, on_progress, self, NULL,
 *                                cancellable, on_indexed, self);      // glance-library-index.h
 *     glance_library_search_async(library, query, &options, cancellable,
 *                                 on_results, self);                  // glance-library-search.h
 *
 * Threads: every function may be called from any thread; searches are serialised by an
 * internal lock, and an index job runs on its own database connection, so the UI can
 * search while a job indexes. Several processes may use one database at once (WAL). */
#ifndef GLANCE_LIBRARY_H
#define GLANCE_LIBRARY_H
#include <gio/gio.h>
#include "glance-engine.h"

G_BEGIN_DECLS

#define GLANCE_LIBRARY_ERROR (glance_library_error_quark())
GQuark glance_library_error_quark(void);
typedef enum {
    GLANCE_LIBRARY_ERROR_DATABASE,      /* SQLite failed: the message says what and why       */
    GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY, /* the file is not a Glance library (or not SQLite)   */
    GLANCE_LIBRARY_ERROR_TOO_NEW,       /* written by a newer Glance: schema version unknown  */
    GLANCE_LIBRARY_ERROR_NOT_FOUND,     /* no database there (opened without create), no such folder */
    GLANCE_LIBRARY_ERROR_NO_MODEL,      /* glance_library_set_model() was not called          */
    GLANCE_LIBRARY_ERROR_MODEL,         /* the model cannot do retrieval (no ITC / ITM head)  */
    GLANCE_LIBRARY_ERROR_QUERY,         /* a query or search option is malformed              */
} GlanceLibraryErrorCode;

/* The newest database schema (PRAGMA user_version) this build reads and writes. */
#define GLANCE_LIBRARY_SCHEMA_VERSION 3

#define GLANCE_TYPE_LIBRARY (glance_library_get_type())
G_DECLARE_FINAL_TYPE(GlanceLibrary, glance_library, GLANCE, LIBRARY, GObject)

/* Opens (create: creating it and its folder if missing) the library at db_path and
 * brings its schema up to date. Refuses a file from a newer Glance or one that is not
 * a Glance library, leaving it untouched. */
GlanceLibrary *glance_library_open(const char *db_path, gboolean create, GError **error);
const char *glance_library_get_path(GlanceLibrary *library);

/* Chooses the current model: the one whose vectors index jobs compute. model is
 * borrowed: keep it open while the library uses it (until the next set_model or the
 * last unref). model_path is the file it was opened from; its SHA-256 is the model id
 * (cached in the database by path, size and mtime, so a large file is hashed once).
 *
 * Switching models: searches keep using the previously serving model's vectors until
 * the current model's vectors cover every photo those cover (an index job with the new
 * model completes); then the current model serves, and the database records it as the
 * serving model (at set_model or at the end of an index job, in whichever process).
 * The database remembers the serving model, so a library opened later (another
 * process, the app restarted mid-way) makes the same choice. To embed text queries the
 * library opens the previous model itself, read-only, from the file it was last used
 * from, and owns it: it is closed under the library's lock, never during a search, once
 * the current model takes over or the library is finalized. If that file is gone or
 * changed, the current model serves with the vectors it has. */
gboolean glance_library_set_model(GlanceLibrary *library, GlanceModel *model, const char *model_path,
                                  GError **error);
/* Hex SHA-256 of the current model file, or NULL before set_model. */
const char *glance_library_get_model_id(GlanceLibrary *library);
/* The current model (borrowed; NULL before set_model). */
GlanceModel *glance_library_get_model(GlanceLibrary *library);
/* The id of the model whose vectors a search uses now (newly allocated): the current
 * model's id, or the previous model's while the current one is re-indexing. Compare it
 * with glance_library_get_model_id() to tell the user. Reads the database (a query,
 * skipped when no other connection wrote since the last decision); call it off the
 * main thread. NULL with GLANCE_LIBRARY_ERROR_NO_MODEL before set_model. */
char *glance_library_dup_serving_model_id(GlanceLibrary *library, GError **error);

/* Decoding size for index and query images: the loader may decode at reduced size, but
 * never below this many pixels on the short side (twice the model's input). */
int glance_library_decode_side(GlanceLibrary *library);

typedef struct {
    guint photos;  /* files known to the library (indexed or failed)      */
    guint indexed; /* photos with a vector of the current model           */
    guint failed;  /* photos that could not be read or decoded            */
} GlanceLibraryCounts;
gboolean glance_library_get_counts(GlanceLibrary *library, GlanceLibraryCounts *counts, GError **error);

/* A file the library could not index, and why. */
typedef struct {
    char *path;
    char *reason;
} GlanceLibraryFailure;
void glance_library_failure_free(GlanceLibraryFailure *failure);
/* Every recorded failure, by path (GlanceLibraryFailure *, freed with the array). */
GPtrArray *glance_library_list_failures(GlanceLibrary *library, GError **error);
/* The recorded failures under these folders (absolute or relative; NULL: all). */
GPtrArray *glance_library_list_failures_in(GlanceLibrary *library, const char *const *folders, GError **error);
/* Forgets the recorded failures under these folders (NULL: all), so that the next index
 * job tries those files again even though they did not change (Retry). */
gboolean glance_library_forget_failures(GlanceLibrary *library, const char *const *folders, GError **error);

G_END_DECLS
#endif

/* glance-library-private.h — what the library's own files share: the object's fields,
 * database helpers and the vector matrix. Nothing outside app/library/ includes it. */
#ifndef GLANCE_LIBRARY_PRIVATE_H
#define GLANCE_LIBRARY_PRIVATE_H
#include <sqlite3.h>
#include "glance-library.h"
#include "glance-vector-matrix.h"
#include "glance-image.h"

/* A model searches can use: its engine context and its vectors. */
typedef struct {
    GlanceModel *model;         /* NULL when unset                                     */
    GlanceContext *ctx;         /* query embedding and re-ranking                      */
    char sha256[65];            /* hex; the model id                                   */
    gint64 row;                 /* models.id                                           */
    int dim;                    /* ITC vector length                                   */
    GlanceVectorMatrix *matrix; /* its vectors, NULL until a search                    */
    gint64 matrix_data_version; /* PRAGMA data_version when the matrix was last synced */
} LibrarySearcher;

struct _GlanceLibrary {
    GObject parent_instance;
    char *db_path;
    /* Guards everything below: searches may run in GTask threads. */
    GMutex lock;
    sqlite3 *db;              /* this object's connection; an index job opens its own */
    /* The current model: indexing embeds with it. Its model is borrowed (set_model). */
    LibrarySearcher current;
    char *model_path;
    /* Set when the library opened its model itself (glance-library-open.h): owned, and
     * current.model is its model. */
    struct _GlanceModelHandle *model_handle;
    /* The previously serving model, while the current model's vectors do not yet cover
     * its photos: opened by the library itself from the file it was last used from,
     * owned, and closed (under the lock, so never during a search) once the current
     * model takes over. model is NULL when none is open. */
    LibrarySearcher previous;
    gboolean serve_previous;  /* the last decision: previous serves searches            */
    gint64 serving_data_version; /* PRAGMA data_version of that decision; -1: decide again */
};

/* Opens a connection with the library's settings (WAL, busy timeout, foreign keys) and
 * migrates the schema to GLANCE_LIBRARY_SCHEMA_VERSION, or refuses the file. */
sqlite3 *library_db_open(const char *path, gboolean create, GError **error);
void library_db_close(sqlite3 *db);

/* GLANCE_LIBRARY_ERROR_DATABASE with "what: sqlite's message". Returns FALSE. */
gboolean library_db_fail(GError **error, sqlite3 *db, const char *what);
gboolean library_db_exec(sqlite3 *db, const char *sql, GError **error);
/* Prepares or fails with the statement's purpose in the message. */
sqlite3_stmt *library_db_prepare(sqlite3 *db, const char *sql, GError **error);
/* BEGIN IMMEDIATE: takes the write lock up front, so a busy database waits for the
 * busy timeout instead of failing on the first write of a read transaction. */
gboolean library_db_begin_write(sqlite3 *db, GError **error);
gboolean library_db_commit(sqlite3 *db, GError **error);
void library_db_rollback(sqlite3 *db);
gint64 library_db_data_version(sqlite3 *db);

/* glance-library-schema.c: check refuses a newer schema (or a file that is not SQLite)
 * without writing; migrate brings an older one up to date. */
gboolean library_schema_check(sqlite3 *db, const char *path, GError **error);
gboolean library_schema_migrate(sqlite3 *db, const char *path, GError **error);

/* Vectors are stored as little-endian float32 blobs. */
void library_vector_to_blob(const float *vector, int dim, guint8 *blob);
void library_vector_from_blob(const guint8 *blob, int dim, float *vector);

/* [lo, hi) bounds of the paths under folder in byte order: "folder/" <= p < "folder0". */
void library_folder_range(const char *folder, char **lo, char **hi);

/* Absolute, without "." / ".." or a trailing separator; symlinks are kept as written. */
char *library_normalize_path(const char *path);

/* Refuses an image whose header claims too many pixels (glance_image_check_size), reading only
 * the header. Needed before glance_image_load/from_bytes: gdk-pixbuf's PNG (and other)
 * loaders allocate the full bitmap after "size-prepared" even when asked for 1 x 1, so a
 * small PNG claiming 20000 x 20000 would be decoded (1.2 GB, seconds) before being refused. */
gboolean library_check_image_size(const char *path, GError **error);
/* library_check_image_size, then glance_image_load. */
GlanceDecodedImage *library_load_image(const char *path, int decode_side, GError **error);

/* Image decoding size for the current model (glance_library_decode_side). */
int library_decode_side(const GlanceModel *model);

/* Switching models (glance-library.c). The serving model is recorded in models.served
 * (the largest value); a model takes over once its vectors cover every photo that the
 * serving model's vectors cover. */

/* Records model_row as the serving model if it is not and its vectors now cover the
 * serving model's photos. Reads first: writes (and takes the write lock) only then. */
gboolean library_promote_model(sqlite3 *db, gint64 model_row, GError **error);
/* The searcher that serves searches now: current, or previous (opened here when
 * needed). Decided again whenever another connection wrote. Call under the lock. */
LibrarySearcher *library_serving_searcher(GlanceLibrary *library, GError **error);

#endif

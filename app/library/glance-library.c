/* glance-library.c — the GlanceLibrary object: its database connection, the current
 * model and its id, which model serves searches while another one is being indexed,
 * and the small queries the UI needs (counts, failures). */
#include "glance-library-private.h"
#include "glance-tasks.h"
#include "glance-checksum.h"
#include "glance-model-handle.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Long enough for another process's batch commit; short enough to report a stuck lock. */
#define BUSY_TIMEOUT_MS 15000

G_DEFINE_FINAL_TYPE(GlanceLibrary, glance_library, G_TYPE_OBJECT)

/* ---- database helpers ---- */

gboolean library_db_fail(GError **error, sqlite3 *db, const char *what)
{
    int code = sqlite3_errcode(db);
    int kind = code == SQLITE_NOTADB ? GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY : GLANCE_LIBRARY_ERROR_DATABASE;
    g_set_error(error, GLANCE_LIBRARY_ERROR, kind, "%s: %s", what, sqlite3_errmsg(db));
    return FALSE;
}

gboolean library_db_exec(sqlite3 *db, const char *sql, GError **error)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    return library_db_fail(error, db, "database");
}

sqlite3_stmt *library_db_prepare(sqlite3 *db, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        library_db_fail(error, db, "preparing a query");
        return NULL;
    }
    return stmt;
}

gboolean library_db_begin_write(sqlite3 *db, GError **error)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    return library_db_fail(error, db, "starting a write");
}

gboolean library_db_commit(sqlite3 *db, GError **error)
{
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    library_db_fail(error, db, "committing");
    library_db_rollback(db);
    return FALSE;
}

void library_db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

gint64 library_db_data_version(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    gint64 version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

void library_db_close(sqlite3 *db)
{
    sqlite3_close_v2(db);
}

sqlite3 *library_db_open(const char *path, gboolean create, GError **error)
{
    if (!create && !g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND,
                    "no library at %s (run 'glance-cli index FOLDER' first)", path);
        return NULL;
    }
    if (create) {
        g_autofree char *dir = g_path_get_dirname(path);
        if (g_mkdir_with_parents(dir, 0700) != 0) {
            int e = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot create %s: %s", dir,
                        g_strerror(e));
            return NULL;
        }
    }
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        g_autofree char *what = g_strdup_printf("cannot open %s", path);
        library_db_fail(error, db, what);
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 0);
    /* A newer Glance's file is refused before anything (even the journal mode) is written. */
    if (!library_schema_check(db, path, error)) {
        sqlite3_close_v2(db);
        return NULL;
    }
    g_autofree char *what = g_strdup_printf("cannot use %s", path);
    /* WAL lets searches read while an index job writes; NORMAL sync is safe in WAL
     * against a killed process (only a power cut may drop the last commits). */
    if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
        library_db_fail(error, db, what);
        sqlite3_close_v2(db);
        return NULL;
    }
    if (!library_schema_migrate(db, path, error)) {
        sqlite3_close_v2(db);
        return NULL;
    }
    return db;
}

void library_vector_to_blob(const float *vector, int dim, guint8 *blob)
{
    for (int i = 0; i < dim; i++) {
        guint32 bits;
        memcpy(&bits, &vector[i], 4);
        bits = GUINT32_TO_LE(bits);
        memcpy(blob + 4 * i, &bits, 4);
    }
}

void library_vector_from_blob(const guint8 *blob, int dim, float *vector)
{
    for (int i = 0; i < dim; i++) {
        guint32 bits;
        memcpy(&bits, blob + 4 * i, 4);
        bits = GUINT32_FROM_LE(bits);
        memcpy(&vector[i], &bits, 4);
    }
}

void library_folder_range(const char *folder, char **lo, char **hi)
{
    /* '0' follows '/' in ASCII, so [folder/, folder0) is exactly the paths inside. */
    gboolean is_root = !strcmp(folder, G_DIR_SEPARATOR_S);
    *lo = is_root ? g_strdup("/") : g_strconcat(folder, "/", NULL);
    *hi = is_root ? g_strdup("0") : g_strconcat(folder, "0", NULL);
}

char *library_normalize_path(const char *path)
{
    char *canonical = g_canonicalize_filename(path, NULL);
    gsize len = strlen(canonical);
    while (len > 1 && canonical[len - 1] == G_DIR_SEPARATOR)
        canonical[--len] = '\0';
    return canonical;
}

gboolean library_check_image_size(const char *path, GError **error)
{
    int width = 0, height = 0;
    GStatBuf st;
    /* get_file_info stops the loader with a 0 x 0 size: no loader allocates pixels. */
    if (gdk_pixbuf_get_file_info(path, &width, &height) &&
        !glance_image_check_size(width, height, g_stat(path, &st) == 0 ? st.st_size : 0, error))
        return FALSE;
    return TRUE; /* unknown formats fail in the decoder with their own reason */
}

GlanceDecodedImage *library_load_image(const char *path, int decode_side, GError **error)
{
    g_autoptr(GError) local = NULL;
    if (!library_check_image_size(path, &local)) {
        g_set_error(error, local->domain, local->code, "%s could not be read: %s", path, local->message);
        return NULL;
    }
    return glance_image_load(path, decode_side, error);
}

int library_decode_side(const GlanceModel *model)
{
    /* Reduced-size decoding (JPEG's DCT scaling) saves most of the decode time; keeping
     * twice the model's input leaves the final resize to the reference bicubic. */
    return 2 * glance_model_config(model)->image_size;
}

/* ---- the object ---- */

/* Frees the searcher's context and vectors; closes its model only when it owns it. */
static void searcher_clear(LibrarySearcher *searcher, gboolean owns_model)
{
    glance_vector_matrix_free(searcher->matrix);
    glance_context_free(searcher->ctx);
    if (owns_model && searcher->model)
        glance_model_close(searcher->model);
    memset(searcher, 0, sizeof *searcher);
}

static void glance_library_finalize(GObject *object)
{
    GlanceLibrary *self = GLANCE_LIBRARY(object);
    searcher_clear(&self->previous, TRUE);
    searcher_clear(&self->current, FALSE); /* borrowed */
    glance_model_handle_unref(self->model_handle); /* after the contexts on its model */
    library_db_close(self->db);
    g_free(self->model_path);
    g_free(self->db_path);
    g_mutex_clear(&self->lock);
    G_OBJECT_CLASS(glance_library_parent_class)->finalize(object);
}

static void glance_library_class_init(GlanceLibraryClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = glance_library_finalize;
}

static void glance_library_init(GlanceLibrary *self)
{
    g_mutex_init(&self->lock);
    self->serving_data_version = -1;
}

GlanceLibrary *glance_library_open(const char *db_path, gboolean create, GError **error)
{
    g_autofree char *path = library_normalize_path(db_path);
    sqlite3 *db = library_db_open(path, create, error);
    if (!db)
        return NULL;
    GlanceLibrary *self = g_object_new(GLANCE_TYPE_LIBRARY, NULL);
    self->db = db;
    self->db_path = g_steal_pointer(&path);
    return self;
}

const char *glance_library_get_path(GlanceLibrary *self)
{
    return self->db_path;
}

/* The model id: the file's SHA-256, from the cache when path, size and mtime match. */
static gboolean model_file_sha256(sqlite3 *db, const char *path, char hex[65], GError **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "%s: %s", path, g_strerror(e));
        return FALSE;
    }
    gint64 mtime_ns = (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    sqlite3_stmt *stmt = library_db_prepare(db, "SELECT sha256 FROM model_files WHERE path = ?1 AND size = ?2 "
                                                "AND mtime_ns = ?3", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_text(stmt, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, st.st_size);
    sqlite3_bind_int64(stmt, 3, mtime_ns);
    gboolean cached = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_bytes(stmt, 0) == 64;
    if (cached)
        g_strlcpy(hex, (const char *)sqlite3_column_text(stmt, 0), 65);
    sqlite3_finalize(stmt);
    if (cached)
        return TRUE;
    g_autofree char *sum = glance_file_sha256(path, NULL, error);
    if (!sum)
        return FALSE;
    g_strlcpy(hex, sum, 65);
    stmt = library_db_prepare(db, "INSERT OR REPLACE INTO model_files(path, size, mtime_ns, sha256) "
                                  "VALUES (?1, ?2, ?3, ?4)", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_text(stmt, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, st.st_size);
    sqlite3_bind_int64(stmt, 3, mtime_ns);
    sqlite3_bind_text(stmt, 4, hex, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || library_db_fail(error, db, "remembering the model's hash");
}

/* The models row of sha256, inserted when new (a search of a known model writes nothing). */
static gboolean register_model(sqlite3 *db, const char *sha256, const char *name, int dim, gint64 *row,
                               GError **error)
{
    static const char *const steps[] = {
        "SELECT id, dim FROM models WHERE sha256 = ?1",
        "INSERT INTO models(sha256, name, dim) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(sha256) DO UPDATE SET name = excluded.name RETURNING id, dim",
    };
    sqlite3_stmt *stmt = NULL;
    int rc = SQLITE_DONE;
    for (gsize i = 0; i < G_N_ELEMENTS(steps) && rc != SQLITE_ROW; i++) {
        sqlite3_finalize(stmt);
        stmt = library_db_prepare(db, steps[i], error);
        if (!stmt)
            return FALSE;
        sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_TRANSIENT);
        if (i == 1) {
            sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(stmt, 3, dim);
        }
        rc = sqlite3_step(stmt);
    }
    gboolean ok = rc == SQLITE_ROW;
    if (ok) {
        *row = sqlite3_column_int64(stmt, 0);
        if (sqlite3_column_int(stmt, 1) != dim) {
            g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_MODEL,
                        "the library knows model %.12s with %d-dimensional vectors, not %d",
                        sha256, sqlite3_column_int(stmt, 1), dim);
            ok = FALSE;
        }
    } else {
        library_db_fail(error, db, "registering the model");
    }
    sqlite3_finalize(stmt);
    return ok;
}

gboolean glance_library_set_model(GlanceLibrary *self, GlanceModel *model, const char *model_path, GError **error)
{
    g_return_val_if_fail(GLANCE_IS_LIBRARY(self), FALSE);
    g_return_val_if_fail(model && model_path, FALSE);
    const GlanceConfig *config = glance_model_config(model);
    const char *name = glance_model_name(model);
    if (!config->has_itc || glance_model_embed_dim(model) <= 0) {
        g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_MODEL,
                    "model %s has no retrieval (ITC) head, so it cannot index or search photos",
                    name && *name ? name : model_path);
        return FALSE;
    }
    g_autofree char *path = library_normalize_path(model_path);
    char sha256[65];
    int dim = glance_model_embed_dim(model);
    gint64 row = 0;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    g_mutex_lock(&self->lock);
    gboolean ok = model_file_sha256(self->db, path, sha256, error) &&
                  register_model(self->db, sha256, name ? name : "", dim, &row, error) &&
                  library_promote_model(self->db, row, error);
    if (ok && glance_context_new(model, &ctx, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        ok = FALSE;
    }
    if (ok) {
        LibrarySearcher *current = &self->current;
        glance_context_free(current->ctx);
        current->ctx = ctx;
        current->model = model;
        g_free(self->model_path);
        self->model_path = g_steal_pointer(&path);
        memcpy(current->sha256, sha256, sizeof sha256);
        current->row = row;
        current->dim = dim;
        if (current->matrix && current->matrix->dim != dim)
            g_clear_pointer(&current->matrix, glance_vector_matrix_free);
        if (current->matrix)
            glance_vector_matrix_clear(current->matrix);
        current->matrix_data_version = -1; /* reload for the new model on the next search */
        self->serving_data_version = -1;   /* and decide again which model serves */
    }
    g_mutex_unlock(&self->lock);
    return ok;
}

const char *glance_library_get_model_id(GlanceLibrary *self)
{
    return self->current.model ? self->current.sha256 : NULL;
}

GlanceModel *glance_library_get_model(GlanceLibrary *self)
{
    return self->current.model;
}

int glance_library_decode_side(GlanceLibrary *self)
{
    return self->current.model ? library_decode_side(self->current.model) : 0;
}

/* ---- which model serves searches ---- */

/* The recorded serving model (serving_row 0: none yet), and whether model_row's vectors
 * cover every photo that the serving model's vectors cover. One statement, so one
 * snapshot even while another connection indexes. Free when model_row is the serving
 * model; during a switch it walks the serving model's rows up to the first photo the
 * new model lacks (about 0.1 s at 100,000 photos). */
static gboolean serving_state(sqlite3 *db, gint64 model_row, gint64 *serving_row, char sha256[65], int *dim,
                              gboolean *covered, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(db,
        "SELECT s.id, s.sha256, s.dim, CASE WHEN s.id = ?1 THEN 1 ELSE NOT EXISTS ("   /* CASE: lazily */
        "    SELECT 1 FROM embeddings e WHERE e.model_id = s.id AND NOT EXISTS ("
        "        SELECT 1 FROM embeddings c WHERE c.photo_id = e.photo_id AND c.model_id = ?1)) END "
        "FROM models s WHERE s.served IS NOT NULL ORDER BY s.served DESC LIMIT 1", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, model_row);
    int rc = sqlite3_step(stmt);
    *serving_row = 0;
    *dim = 0;
    *covered = TRUE;
    sha256[0] = '\0';
    if (rc == SQLITE_ROW) {
        *serving_row = sqlite3_column_int64(stmt, 0);
        g_strlcpy(sha256, (const char *)sqlite3_column_text(stmt, 1), 65);
        *dim = sqlite3_column_int(stmt, 2);
        *covered = sqlite3_column_int(stmt, 3);
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE || library_db_fail(error, db, "finding the serving model");
}

gboolean library_promote_model(sqlite3 *db, gint64 model_row, GError **error)
{
    gint64 serving_row;
    char sha256[65];
    int dim;
    gboolean covered;
    if (!serving_state(db, model_row, &serving_row, sha256, &dim, &covered, error))
        return FALSE;
    if (serving_row == model_row || !covered)
        return TRUE;
    /* The same test again inside the write: another process may have indexed or
     * promoted since the read. */
    sqlite3_stmt *stmt = library_db_prepare(db,
        "UPDATE models SET served = (SELECT coalesce(max(served), 0) + 1 FROM models) "
        "WHERE id = ?1 AND NOT EXISTS ("
        "    SELECT 1 FROM models s WHERE s.served = (SELECT max(served) FROM models) AND (s.id = ?1 OR EXISTS ("
        "        SELECT 1 FROM embeddings e WHERE e.model_id = s.id AND NOT EXISTS ("
        "            SELECT 1 FROM embeddings c WHERE c.photo_id = e.photo_id AND c.model_id = ?1))))", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, model_row);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || library_db_fail(error, db, "recording the serving model");
}

/* Opens the model sha256 from a file it was used from (model_files), trusting the
 * cached hash when the size and mtime still match, as set_model does. FALSE when no
 * such file is left (moved, removed, replaced): the current model then serves alone. */
static gboolean open_previous(GlanceLibrary *self, gint64 row, const char *sha256, int dim)
{
    sqlite3_stmt *stmt = library_db_prepare(self->db, "SELECT path, size, mtime_ns FROM model_files "
                                                      "WHERE sha256 = ?1 ORDER BY rowid DESC", NULL);
    if (!stmt)
        return FALSE;
    sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_TRANSIENT);
    LibrarySearcher *previous = &self->previous;
    while (!previous->model && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(stmt, 0);
        struct stat st;
        if (!path || stat(path, &st) != 0 || st.st_size != sqlite3_column_int64(stmt, 1) ||
            (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != sqlite3_column_int64(stmt, 2))
            continue;
        GlanceModel *model = NULL;
        GlanceContext *ctx = NULL;
        GlanceError err = { 0 };
        if (glance_model_open(path, &model, &err) != GLANCE_OK)
            continue;
        if (!glance_model_config(model)->has_itc || glance_model_embed_dim(model) != dim ||
            glance_context_new(model, &ctx, &err) != GLANCE_OK) {
            glance_model_close(model);
            continue;
        }
        previous->model = model;
        previous->ctx = ctx;
        g_strlcpy(previous->sha256, sha256, sizeof previous->sha256);
        previous->row = row;
        previous->dim = dim;
        previous->matrix_data_version = -1;
    }
    sqlite3_finalize(stmt);
    return previous->model != NULL;
}

LibrarySearcher *library_serving_searcher(GlanceLibrary *self, GError **error)
{
    gint64 version = library_db_data_version(self->db);
    if (version < 0 || version != self->serving_data_version) {
        gint64 serving_row;
        char sha256[65];
        int dim;
        gboolean covered;
        if (!serving_state(self->db, self->current.row, &serving_row, sha256, &dim, &covered, error))
            return NULL;
        gboolean previous = serving_row != 0 && serving_row != self->current.row && !covered;
        if (previous && self->previous.row != serving_row) {
            searcher_clear(&self->previous, TRUE);
            previous = open_previous(self, serving_row, sha256, dim);
        }
        if (!previous)
            searcher_clear(&self->previous, TRUE); /* no search runs: the lock is held */
        self->serve_previous = previous;
        self->serving_data_version = version;
    }
    return self->serve_previous ? &self->previous : &self->current;
}

char *glance_library_dup_serving_model_id(GlanceLibrary *self, GError **error)
{
    g_return_val_if_fail(GLANCE_IS_LIBRARY(self), NULL);
    char *id = NULL;
    g_mutex_lock(&self->lock);
    if (!self->current.model) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NO_MODEL,
                            "no model chosen for the library");
    } else {
        LibrarySearcher *serving = library_serving_searcher(self, error);
        id = serving ? g_strdup(serving->sha256) : NULL;
    }
    g_mutex_unlock(&self->lock);
    return id;
}

gboolean glance_library_get_counts(GlanceLibrary *self, GlanceLibraryCounts *counts, GError **error)
{
    memset(counts, 0, sizeof *counts);
    g_mutex_lock(&self->lock);
    sqlite3_stmt *stmt = library_db_prepare(self->db,
        "SELECT (SELECT count(*) FROM photos), "
        "       (SELECT count(*) FROM embeddings WHERE model_id = ?1), "
        "       (SELECT count(*) FROM photos WHERE error IS NOT NULL)", error);
    gboolean ok = stmt != NULL;
    if (ok) {
        sqlite3_bind_int64(stmt, 1, self->current.model ? self->current.row : -1);
        ok = sqlite3_step(stmt) == SQLITE_ROW;
        if (ok) {
            counts->photos = sqlite3_column_int(stmt, 0);
            counts->indexed = sqlite3_column_int(stmt, 1);
            counts->failed = sqlite3_column_int(stmt, 2);
        } else {
            library_db_fail(error, self->db, "counting photos");
        }
    }
    sqlite3_finalize(stmt);
    g_mutex_unlock(&self->lock);
    return ok;
}

void glance_library_failure_free(GlanceLibraryFailure *failure)
{
    if (!failure)
        return;
    g_free(failure->path);
    g_free(failure->reason);
    g_free(failure);
}

/* Binds the path range of one folder (or everything) to ?1 and ?2. */
static void bind_folder_range(sqlite3_stmt *stmt, const char *folder)
{
    g_autofree char *lo = NULL, *hi = NULL;
    if (folder) {
        g_autofree char *normal = library_normalize_path(folder);
        library_folder_range(normal, &lo, &hi);
    }
    sqlite3_reset(stmt);
    sqlite3_bind_text(stmt, 1, lo ? lo : "", -1, SQLITE_TRANSIENT);
    if (hi)
        sqlite3_bind_text(stmt, 2, hi, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_blob(stmt, 2, "\xff", 1, SQLITE_STATIC); /* a blob sorts after every text */
}

GPtrArray *glance_library_list_failures_in(GlanceLibrary *self, const char *const *folders, GError **error)
{
    static const char *const everything[] = { NULL, NULL };
    const char *const *each = folders ? folders : everything;
    g_mutex_lock(&self->lock);
    GPtrArray *failures = NULL;
    sqlite3_stmt *stmt = library_db_prepare(self->db, "SELECT path, error FROM photos WHERE error IS NOT NULL "
                                                      "AND path >= ?1 AND path < ?2 ORDER BY path", error);
    if (stmt) {
        failures = g_ptr_array_new_with_free_func((GDestroyNotify)glance_library_failure_free);
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        int rc = SQLITE_DONE;
        for (guint i = 0; rc == SQLITE_DONE && (i == 0 || each[i]); i++) {
            bind_folder_range(stmt, each[i]);
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                const char *path = (const char *)sqlite3_column_text(stmt, 0);
                if (!g_hash_table_add(seen, g_strdup(path)))
                    continue; /* nested folders given both */
                GlanceLibraryFailure *f = g_new0(GlanceLibraryFailure, 1);
                f->path = g_strdup(path);
                f->reason = g_strdup((const char *)sqlite3_column_text(stmt, 1));
                g_ptr_array_add(failures, f);
            }
        }
        if (rc != SQLITE_DONE) {
            library_db_fail(error, self->db, "listing the files that could not be read");
            g_clear_pointer(&failures, g_ptr_array_unref);
        }
        sqlite3_finalize(stmt);
    }
    g_mutex_unlock(&self->lock);
    return failures;
}

GPtrArray *glance_library_list_failures(GlanceLibrary *self, GError **error)
{
    return glance_library_list_failures_in(self, NULL, error);
}

gboolean glance_library_forget_failures(GlanceLibrary *self, const char *const *folders, GError **error)
{
    static const char *const everything[] = { NULL, NULL };
    const char *const *each = folders ? folders : everything;
    g_mutex_lock(&self->lock);
    gboolean began = library_db_begin_write(self->db, error);
    sqlite3_stmt *stmt = began ? library_db_prepare(self->db, "DELETE FROM photos WHERE error IS NOT NULL "
                                                              "AND path >= ?1 AND path < ?2", error) : NULL;
    gboolean ok = stmt != NULL;
    for (guint i = 0; ok && (i == 0 || each[i]); i++) {
        bind_folder_range(stmt, each[i]);
        ok = sqlite3_step(stmt) == SQLITE_DONE ||
             library_db_fail(error, self->db, "forgetting the files that could not be read");
    }
    sqlite3_finalize(stmt);
    if (ok)
        ok = library_db_commit(self->db, error);
    else if (began)
        library_db_rollback(self->db);
    g_mutex_unlock(&self->lock);
    return ok;
}

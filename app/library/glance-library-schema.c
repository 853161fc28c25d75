/* glance-library-schema.c — the database schema and its migrations. PRAGMA user_version
 * is the schema version: 0 is a new, empty file; migrations[i] takes version i to i + 1.
 * A later schema is added by appending a step, never by editing an old one, so every
 * earlier database can be brought forward. A file from a newer Glance is refused
 * untouched rather than half understood. */
#include "glance-library-private.h"

/* Version 1: photos, the models that indexed them, one vector per (photo, model). */
static const char schema_v1[] =
    "CREATE TABLE models ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"         /* hex SHA-256 of the model file: the model id */
    "  name TEXT NOT NULL DEFAULT '',"
    "  dim INTEGER NOT NULL"                 /* ITC vector length */
    ");"
    /* Caches a model file's hash, so opening a large model does not re-read it. */
    "CREATE TABLE model_files ("
    "  path TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL,"
    "  mtime_ns INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL"
    ");"
    "CREATE TABLE photos ("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL UNIQUE,"           /* absolute, as walked (symlinks kept) */
    "  size INTEGER NOT NULL,"
    "  mtime_ns INTEGER NOT NULL,"
    "  content_sha256 BLOB,"                 /* NULL only when the file could not be read */
    "  format TEXT NOT NULL DEFAULT '',"     /* gdk-pixbuf format name, from the extension */
    "  taken INTEGER NOT NULL,"              /* unix seconds: EXIF date, else mtime */
    "  taken_from_exif INTEGER NOT NULL DEFAULT 0,"
    "  error TEXT"                           /* why it could not be indexed; NULL if fine */
    ");"
    "CREATE INDEX photos_by_content ON photos(content_sha256);"
    "CREATE INDEX photos_by_taken ON photos(taken);"
    "CREATE TABLE embeddings ("
    /* AUTOINCREMENT: ids only grow, so a search can load just the rows newer than its
     * matrix; a changed vector is deleted and inserted, never updated in place. */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    "  dim INTEGER NOT NULL,"
    "  vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),"  /* little-endian float32 */
    "  UNIQUE (photo_id, model_id)"
    ");"
    "CREATE INDEX embeddings_by_model ON embeddings(model_id, id);";

/* Version 2: the questions asked about each image (the Ask page's history). */
static const char schema_v2[] =
    "CREATE TABLE question_history ("
    "  image TEXT NOT NULL,"          /* path, or sha256:<hex> of a pasted image */
    "  question TEXT NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  asked_at INTEGER NOT NULL,"    /* unix seconds */
    "  PRIMARY KEY (image, question)"
    ");";

/* Version 3: which model serves searches. When the model changes, the old vectors keep
 * serving until the new model's cover the same photos; then the new one is recorded.
 * The serving model has the largest `served`. A version-2 library had one model in use:
 * the one with the most vectors is taken to be it. */
static const char schema_v3[] =
    "ALTER TABLE models ADD COLUMN served INTEGER;"   /* NULL: never served searches */
    "UPDATE models SET served = 1 WHERE id = ("
    "  SELECT model_id FROM embeddings GROUP BY model_id ORDER BY count(*) DESC, model_id DESC LIMIT 1"
    ");";

static const struct {
    const char *summary;
    const char *sql;
} migrations[] = {
    { "photos, models and per-model vectors", schema_v1 },
    { "question history", schema_v2 },
    { "the model that serves searches", schema_v3 },
};

G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == GLANCE_LIBRARY_SCHEMA_VERSION);

static gboolean read_version(sqlite3 *db, int *version, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(db, "PRAGMA user_version", error);
    if (!stmt)
        return FALSE;
    int rc = sqlite3_step(stmt);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || library_db_fail(error, db, "reading the schema version");
}

static gboolean has_tables(sqlite3 *db, gboolean *any, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(db, "SELECT count(*) FROM sqlite_master", error);
    if (!stmt)
        return FALSE;
    int rc = sqlite3_step(stmt);
    *any = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) > 0;
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || library_db_fail(error, db, "reading the schema");
}

static gboolean refuse_newer(int version, const char *path, GError **error)
{
    g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_TOO_NEW,
                "%s was written by a newer version of Glance (library schema %d; this version "
                "reads up to %d): update Glance or use another --db",
                path, version, GLANCE_LIBRARY_SCHEMA_VERSION);
    return FALSE;
}

gboolean library_schema_check(sqlite3 *db, const char *path, GError **error)
{
    int version;
    g_autoptr(GError) local = NULL;
    if (!read_version(db, &version, &local)) {
        if (g_error_matches(local, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY))
            g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY,
                        "%s is not a Glance library (not an SQLite database); choose another --db", path);
        else
            g_set_error(error, local->domain, local->code, "%s: %s", path, local->message);
        return FALSE;
    }
    return version <= GLANCE_LIBRARY_SCHEMA_VERSION || refuse_newer(version, path, error);
}

gboolean library_schema_migrate(sqlite3 *db, const char *path, GError **error)
{
    int version;
    if (!read_version(db, &version, error))
        return FALSE;
    if (version == GLANCE_LIBRARY_SCHEMA_VERSION)
        return TRUE; /* the common case needs no write lock */
    if (version > GLANCE_LIBRARY_SCHEMA_VERSION)
        return refuse_newer(version, path, error);
    /* Another process may be migrating too: decide again under the write lock. */
    if (!library_db_begin_write(db, error))
        return FALSE;
    if (!read_version(db, &version, error))
        goto fail;
    if (version > GLANCE_LIBRARY_SCHEMA_VERSION) {
        refuse_newer(version, path, error);
        goto fail;
    }
    if (version == 0) {
        gboolean any;
        if (!has_tables(db, &any, error))
            goto fail;
        if (any) {
            g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY,
                        "%s is an SQLite database but not a Glance library; choose another --db", path);
            goto fail;
        }
    }
    for (; version < GLANCE_LIBRARY_SCHEMA_VERSION; version++) {
        if (!library_db_exec(db, migrations[version].sql, NULL)) {
            g_autofree char *what = g_strdup_printf("migrating the library to schema %d (%s)", version + 1,
                                                    migrations[version].summary);
            library_db_fail(error, db, what);
            goto fail;
        }
    }
    char set[64];
    g_snprintf(set, sizeof set, "PRAGMA user_version = %d", GLANCE_LIBRARY_SCHEMA_VERSION);
    if (!library_db_exec(db, set, error) || !library_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    library_db_rollback(db);
    return FALSE;
}

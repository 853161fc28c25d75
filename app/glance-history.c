/* glance-history.c — one table, question_history, in the library's database file. The
 * library owns that file's schema (PRAGMA user_version), so a new file is created by
 * glance_library_open() first and this table is added beside the library's own. */
#include "glance-history.h"
#include "glance-library.h"
#include <gio/gio.h>
#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 15000

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS question_history ("
    "  image TEXT NOT NULL,"          /* path, or sha256:<hex> of a pasted image */
    "  question TEXT NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  asked_at INTEGER NOT NULL,"    /* unix seconds */
    "  PRIMARY KEY (image, question))";

void glance_history_entry_free(GlanceHistoryEntry *entry)
{
    if (!entry)
        return;
    g_free(entry->question);
    g_free(entry->answer);
    g_free(entry);
}

static gboolean fail(GError **error, sqlite3 *db, const char *what)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "question history: %s: %s", what,
                db ? sqlite3_errmsg(db) : "out of memory");
    return FALSE;
}

static void close_db(sqlite3 *db)
{
    sqlite3_close_v2(db);
}

/* A connection with the table in place; NULL with *error set, or NULL without error when
 * `create` is FALSE and there is no database yet. */
static sqlite3 *open_db(const char *db_path, gboolean create, GError **error)
{
    if (!g_file_test(db_path, G_FILE_TEST_EXISTS)) {
        if (!create)
            return NULL;
        /* Let the library create the file and its schema. */
        GlanceLibrary *library = glance_library_open(db_path, TRUE, error);
        if (!library)
            return NULL;
        g_object_unref(library);
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        fail(error, db, db_path);
        close_db(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, create_table, NULL, NULL, NULL) != SQLITE_OK) {
        fail(error, db, db_path);
        close_db(db);
        return NULL;
    }
    return db;
}

gboolean glance_history_add(const char *db_path, const char *image_key, const char *question,
                            const char *answer, double score, GError **error)
{
    g_return_val_if_fail(image_key && question && answer, FALSE);
    sqlite3 *db = open_db(db_path, TRUE, error);
    if (!db)
        return FALSE;
    sqlite3_stmt *stmt = NULL;
    gboolean ok = sqlite3_prepare_v2(db,
        "INSERT OR REPLACE INTO question_history (image, question, answer, score, asked_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &stmt, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(stmt, 1, image_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, question, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, answer, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(stmt, 4, score);
        sqlite3_bind_int64(stmt, 5, g_get_real_time() / G_USEC_PER_SEC);
        ok = sqlite3_step(stmt) == SQLITE_DONE;
    }
    if (!ok)
        fail(error, db, "recording a question");
    sqlite3_finalize(stmt);
    close_db(db);
    return ok;
}

GPtrArray *glance_history_list(const char *db_path, const char *image_key, guint limit, GError **error)
{
    GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)glance_history_entry_free);
    GError *local = NULL;
    sqlite3 *db = open_db(db_path, FALSE, &local);
    if (!db) {
        if (local) {
            g_propagate_error(error, local);
            g_clear_pointer(&entries, g_ptr_array_unref);
        }
        return entries;
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db,
            "SELECT question, answer, score, asked_at FROM question_history WHERE image = ?1 "
            "ORDER BY asked_at DESC, rowid DESC LIMIT ?2", -1, &stmt, NULL) != SQLITE_OK) {
        fail(error, db, "reading questions");
        g_clear_pointer(&entries, g_ptr_array_unref);
    } else {
        sqlite3_bind_text(stmt, 1, image_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 2, limit ? limit : G_MAXINT32);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            GlanceHistoryEntry *entry = g_new0(GlanceHistoryEntry, 1);
            entry->question = g_strdup((const char *)sqlite3_column_text(stmt, 0));
            entry->answer = g_strdup((const char *)sqlite3_column_text(stmt, 1));
            entry->score = sqlite3_column_double(stmt, 2);
            entry->asked_at = sqlite3_column_int64(stmt, 3);
            g_ptr_array_add(entries, entry);
        }
        if (rc != SQLITE_DONE) {
            fail(error, db, "reading questions");
            g_clear_pointer(&entries, g_ptr_array_unref);
        }
    }
    sqlite3_finalize(stmt);
    close_db(db);
    return entries;
}

gboolean glance_history_clear(const char *db_path, const char *image_key, GError **error)
{
    GError *local = NULL;
    sqlite3 *db = open_db(db_path, FALSE, &local);
    if (!db) {
        if (local)
            g_propagate_error(error, local);
        return local == NULL;
    }
    sqlite3_stmt *stmt = NULL;
    gboolean ok = sqlite3_prepare_v2(db, "DELETE FROM question_history WHERE image = ?1", -1, &stmt,
                                     NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(stmt, 1, image_key, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(stmt) == SQLITE_DONE;
    }
    if (!ok)
        fail(error, db, "forgetting questions");
    sqlite3_finalize(stmt);
    close_db(db);
    return ok;
}

/* glance-history.c — the questions asked about each image, kept in the library's database
 * (table question_history, created by the library's schema migrations) so the Ask page can
 * offer them again. */
#include "glance-history.h"
#include "glance-library-private.h"
#include <gio/gio.h>
#include <sqlite3.h>

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
    g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_DATABASE, "question history: %s: %s", what,
                db ? sqlite3_errmsg(db) : "out of memory");
    return FALSE;
}

static void close_db(sqlite3 *db)
{
    sqlite3_close_v2(db);
}

/* A connection to the migrated database; NULL with *error set, or NULL without error when
 * `create` is FALSE and there is no library yet (no history either). */
static sqlite3 *open_db(const char *db_path, gboolean create, GError **error)
{
    GError *local = NULL;
    g_autofree char *path = library_normalize_path(db_path);
    sqlite3 *db = library_db_open(path, create, &local);
    if (!db && !create && g_error_matches(local, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND))
        g_clear_error(&local);
    if (local)
        g_propagate_error(error, local);
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

/* glance-history.h — the questions asked about each image, kept in the library database
 * (library.db) beside the photos, so they outlive the session and follow the GUI and the
 * CLI alike. An image is known by a key: its path, or "sha256:<hex>" of the pixels of a
 * pasted image. Every function opens its own connection and may run in any thread. */
#ifndef GLANCE_HISTORY_H
#define GLANCE_HISTORY_H
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
    char *question;
    char *answer;     /* the best answer given */
    double score;     /* its confidence, 0..1 */
    gint64 asked_at;  /* unix seconds */
} GlanceHistoryEntry;

void glance_history_entry_free(GlanceHistoryEntry *entry);

/* Records that `question` about `image_key` got `answer`; asking the same question
 * again replaces the older record. Creates the database (a library) when missing. */
gboolean glance_history_add(const char *db_path, const char *image_key, const char *question,
                            const char *answer, double score, GError **error);

/* At most `limit` entries for the image, newest first (GlanceHistoryEntry *, freed with
 * the array). An empty array when there are none or no database yet. */
GPtrArray *glance_history_list(const char *db_path, const char *image_key, guint limit, GError **error);

/* Forgets every question about the image. */
gboolean glance_history_clear(const char *db_path, const char *image_key, GError **error);

/* The same three in a GTask thread (glance-history-async.c), for the GUI. A cancelled
 * listing returns G_IO_ERROR_CANCELLED at once. */
void glance_history_add_async(const char *db_path, const char *image_key, const char *question,
                              const char *answer, double score, GAsyncReadyCallback callback, gpointer user_data);
void glance_history_clear_async(const char *db_path, const char *image_key, GAsyncReadyCallback callback,
                                gpointer user_data);
/* For add and clear. */
gboolean glance_history_edit_finish(GAsyncResult *result, GError **error);
void glance_history_list_async(const char *db_path, const char *image_key, guint limit, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *glance_history_list_finish(GAsyncResult *result, GError **error);

G_END_DECLS
#endif

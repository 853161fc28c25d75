/* glance-library-status.h — what the Search page shows about its library: how many
 * photos are indexed or failed, and whether the previous model still serves searches
 * while a newly chosen one is being indexed (glance_library_set_model), and the files
 * that could not be read. */
#ifndef GLANCE_LIBRARY_STATUS_H
#define GLANCE_LIBRARY_STATUS_H
#include "glance-library.h"

G_BEGIN_DECLS

typedef struct {
    GlanceLibraryCounts counts;
    gboolean previous_model_serves;  /* the current model is still being indexed */
} GlanceLibraryStatus;

/* Reads the database: call it off the main thread, or use the async form. */
gboolean glance_library_get_status(GlanceLibrary *library, GlanceLibraryStatus *status, GError **error);
void glance_library_get_status_async(GlanceLibrary *library, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean glance_library_get_status_finish(GlanceLibrary *library, GAsyncResult *result,
                                          GlanceLibraryStatus *status, GError **error);

/* glance_library_list_failures_in and glance_library_forget_failures in a GTask thread
 * (folders copied; NULL: all). list_failures_finish returns the GPtrArray of
 * GlanceLibraryFailure, NULL with an error. */
void glance_library_list_failures_async(GlanceLibrary *library, const char *const *folders,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *glance_library_list_failures_finish(GlanceLibrary *library, GAsyncResult *result, GError **error);
void glance_library_forget_failures_async(GlanceLibrary *library, const char *const *folders,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean glance_library_forget_failures_finish(GlanceLibrary *library, GAsyncResult *result, GError **error);

G_END_DECLS
#endif

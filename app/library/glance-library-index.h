/* glance-library-index.h — bringing the library up to date with folders on disk.
 *
 * A job walks the folders, decodes new and changed images on worker threads while one
 * thread encodes them with the current model, and commits in batches: a job killed at
 * any moment loses at most the batch in flight, and the next job picks up the rest.
 * A photo is known by its path and (size, mtime); a file whose content (SHA-256) is
 * already in the library takes the stored vector instead of being encoded again.
 * Files that cannot be decoded are recorded with the reason and not retried until
 * their size or mtime changes. */
#ifndef GLANCE_LIBRARY_INDEX_H
#define GLANCE_LIBRARY_INDEX_H
#include "glance-library.h"

G_BEGIN_DECLS

/* What a job did. Every scanned file is exactly one of added, updated, unchanged or
 * failed; removed counts photos under the folders that are gone from disk. */
typedef struct {
    guint scanned;   /* image files found under the folders                             */
    guint added;     /* new photos, now searchable                                      */
    guint updated;   /* known photos whose file changed (or that lacked this model's vector) */
    guint unchanged; /* known photos left as they were                                  */
    guint removed;   /* photos whose file is gone, dropped from the library             */
    guint failed;    /* files that cannot be decoded, this time or (unchanged) before    */
    /* How the added and updated photos got their vectors: */
    guint encoded;   /* decoded and run through the image encoder                      */
    guint reused;    /* identical content already had a vector (moved, copied, touched) */
} GlanceIndexStats;

typedef enum {
    GLANCE_INDEX_PHASE_SCANNING, /* walking folders: done = image files found so far    */
    GLANCE_INDEX_PHASE_INDEXING, /* done of total new or changed files processed        */
    GLANCE_INDEX_PHASE_REMOVING, /* dropping photos whose files are gone                */
    GLANCE_INDEX_PHASE_DONE,
} GlanceIndexPhase;

typedef struct {
    GlanceIndexPhase phase;
    guint done, total;
    double rate;              /* files per second, recent average (0 until known)     */
    double seconds_left;      /* estimate for this phase, < 0 while unknown            */
    const char *current_path; /* the file just handled, may be NULL                    */
    /* Set (and current_path == failed_path) when this report is about a file that just
     * failed; such reports are never dropped by throttling. */
    const char *failed_path;
    const char *failed_reason;
    GlanceIndexStats stats;   /* counts so far                                         */
} GlanceIndexProgress;

/* Called at most about ten times a second, plus once per failure and per phase change. */
typedef void (*GlanceIndexProgressFunc)(const GlanceIndexProgress *progress, gpointer user_data);

typedef struct {
    int decode_threads;   /* image decoding workers; 0: a quarter of the cores, 1..4  */
    int blas_threads;     /* threads of the encoder's context; 0: every core (the
                             decoders mostly wait); -1: the engine's default          */
    int batch_size;       /* photos per commit; 0: 64                                  */
    double batch_seconds; /* commit at least this often; 0: 2 s                        */
} GlanceIndexOptions;

/* Indexes folders (absolute or relative paths) with the current model, in the calling
 * thread; progress is called in that thread too. Cancelling stops between files (and
 * between encoder layers), commits the finished ones and fails with
 * G_IO_ERROR_CANCELLED; stats (may be NULL) holds the counts so far in every case.
 * Photos under a folder are removed only after a complete walk of it, never under a
 * subfolder that could not be read. At the end (cancelled too), the current model is
 * recorded as the serving model if its vectors now cover the previous one's photos
 * (glance_library_set_model). */
gboolean glance_library_index(GlanceLibrary *library, const char *const *folders,
                              const GlanceIndexOptions *options, GlanceIndexProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable,
                              GlanceIndexStats *stats, GError **error);

/* The same in a GTask thread. progress runs in the thread-default main context of the
 * caller (progress_destroy frees progress_data when the job is over). */
void glance_library_index_async(GlanceLibrary *library, const char *const *folders,
                                const GlanceIndexOptions *options, GlanceIndexProgressFunc progress,
                                gpointer progress_data, GDestroyNotify progress_destroy,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean glance_library_index_finish(GlanceLibrary *library, GAsyncResult *result,
                                     GlanceIndexStats *stats, GError **error);

G_END_DECLS
#endif

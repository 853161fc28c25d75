/* glance-library-index.c — the index job: walk, decode in parallel, encode, commit.
 *
 * Threads: decode workers read each file, hash it, find its EXIF date and decode it at
 * reduced size; the job's own thread runs the image encoder on what they produce, up
 * to ENCODE_BATCH images per pass, and writes the results. A bounded queue between
 * them keeps at most two batches of decoded images in memory, so the next batch is
 * decoded while the current one is encoded. Decoding costs a fraction of encoding, so
 * the decoders mostly wait on that queue and the encoder's context takes every core.
 *
 * Safety: each batch is one transaction holding both a photo's row and its vector, so
 * a kill at any moment leaves whole photos or none; the next job sees the committed
 * ones as unchanged and does the rest. Photos whose files are gone are removed only
 * after every file was handled, so a moved file can still take its old vector. */
#include "glance-library-index.h"
#include "glance-library-private.h"
#include "glance-library-scan.h"
#include "glance-exif.h"
#include "glance-image.h"
#include "glance-progress-relay.h"
#include "glance-tasks.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bigger files are refused unread: no photo is this large, and reading one would
 * hold its whole size in memory. */
#define MAX_FILE_BYTES (1024LL * 1024 * 1024)
#define REPORT_INTERVAL_US (100 * 1000)
#define RATE_WINDOW 20            /* samples, */
#define RATE_SAMPLE_US (500 * 1000) /* half a second apart: a 10 s moving rate */
/* Images per encoder pass: taller matrix products, at about 20 MB each at 384 px. */
#define ENCODE_BATCH 8

/* What the library knew about a path when the job started. */
typedef struct {
    gint64 id;
    gint64 size, mtime_ns;
    guint8 sha256[32];
    gboolean has_sha256;
    gboolean failed;     /* recorded with an error                   */
    gboolean has_vector; /* has a vector of the current model        */
} KnownPhoto;

/* A file to (re)index. */
typedef struct {
    const LibraryScanFile *file;
    const KnownPhoto *known; /* NULL for a new path */
} IndexWork;

/* A file after decoding, then after encoding. */
typedef struct {
    const IndexWork *work;
    gint64 size, mtime_ns;   /* as read: the content hashed is the content recorded */
    guint8 sha256[32];
    gboolean has_sha256;
    gint64 taken;
    gboolean taken_from_exif;
    gboolean reusable;       /* identical content already had a vector when decoded */
    GlanceDecodedImage *image;
    float *vector;           /* dim floats once encoded or reused */
    gboolean keeps_vector;   /* content unchanged and its vector kept as it is     */
    char *error;             /* why it cannot be indexed                            */
} IndexItem;

typedef struct {
    GlanceLibrary *library;
    GlanceModel *model;
    gint64 model_row;
    int dim;
    int decode_side;
    sqlite3 *db;
    GCancellable *cancellable;
    GlanceIndexProgressFunc progress;
    gpointer progress_data;
    int decode_threads, encoder_threads, batch_size;
    double batch_seconds;
    GlanceIndexStats stats;

    GHashTable *known;        /* path -> KnownPhoto, photos under the folders */
    GArray *work;             /* IndexWork */
    gint next_work;           /* next index into work, taken atomically by decoders */
    GAsyncQueue *decoded;     /* IndexItem *, decoders -> encoder */
    GMutex lock;              /* guards the fields below */
    GCond room;
    guint in_flight, capacity;
    gboolean stop;
    GHashTable *content_with_vector; /* 32-byte SHA-256 (GBytes) that have a vector */

    GPtrArray *batch;         /* IndexItem *, encoded and waiting for the commit */
    gint64 batch_started_us;

    GlanceIndexPhase phase;
    guint done, total;
    gint64 last_report_us;
    gint64 sample_us[RATE_WINDOW];
    guint sample_done[RATE_WINDOW];
    guint n_samples;
} IndexJob;

static void item_free(IndexItem *item)
{
    if (!item)
        return;
    glance_decoded_image_free(item->image);
    g_free(item->vector);
    g_free(item->error);
    g_free(item);
}

/* ---- progress ---- */

static double job_rate(IndexJob *job)
{
    if (job->n_samples < 2)
        return 0;
    guint newest = (job->n_samples - 1) % RATE_WINDOW;
    guint oldest = job->n_samples > RATE_WINDOW ? job->n_samples % RATE_WINDOW : 0;
    double seconds = (job->sample_us[newest] - job->sample_us[oldest]) / 1e6;
    return seconds > 0 ? (job->sample_done[newest] - job->sample_done[oldest]) / seconds : 0;
}

static void report(IndexJob *job, const char *path, const char *failed_reason, gboolean force)
{
    gint64 now = g_get_monotonic_time();
    guint newest = job->n_samples ? (job->n_samples - 1) % RATE_WINDOW : 0;
    if (job->n_samples == 0 || now - job->sample_us[newest] >= RATE_SAMPLE_US) {
        job->sample_us[job->n_samples % RATE_WINDOW] = now;
        job->sample_done[job->n_samples % RATE_WINDOW] = job->done;
        job->n_samples++;
    }
    if (!job->progress || (!force && !failed_reason && now - job->last_report_us < REPORT_INTERVAL_US))
        return;
    job->last_report_us = now;
    double rate = job_rate(job);
    GlanceIndexProgress p = {
        .phase = job->phase,
        .done = job->done,
        .total = job->total,
        .rate = rate,
        .seconds_left = rate > 0 && job->total >= job->done ? (job->total - job->done) / rate : -1,
        .current_path = path,
        .failed_path = failed_reason ? path : NULL,
        .failed_reason = failed_reason,
        .stats = job->stats,
    };
    job->progress(&p, job->progress_data);
}

static void set_phase(IndexJob *job, GlanceIndexPhase phase, guint total)
{
    job->phase = phase;
    job->done = 0;
    job->total = total;
    job->n_samples = 0;
    report(job, NULL, NULL, TRUE);
}

static void on_scan_progress(guint found, gpointer data)
{
    IndexJob *job = data;
    job->done = found;
    report(job, NULL, NULL, FALSE);
}

/* ---- what the library knows ---- */

static void copy_sha256(sqlite3_stmt *stmt, int column, guint8 out[32], gboolean *has)
{
    *has = sqlite3_column_bytes(stmt, column) == 32;
    if (*has)
        memcpy(out, sqlite3_column_blob(stmt, column), 32);
}

static gboolean load_known(IndexJob *job, char **roots, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(job->db,
        "SELECT p.id, p.path, p.size, p.mtime_ns, p.content_sha256, p.error IS NOT NULL, e.id IS NOT NULL "
        "FROM photos p LEFT JOIN embeddings e ON e.photo_id = p.id AND e.model_id = ?1 "
        "WHERE p.path >= ?2 AND p.path < ?3", error);
    if (!stmt)
        return FALSE;
    for (char **root = roots; *root; root++) {
        g_autofree char *lo = NULL, *hi = NULL;
        library_folder_range(*root, &lo, &hi);
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, 1, job->model_row);
        sqlite3_bind_text(stmt, 2, lo, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, hi, -1, SQLITE_TRANSIENT);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            KnownPhoto *k = g_new0(KnownPhoto, 1);
            k->id = sqlite3_column_int64(stmt, 0);
            k->size = sqlite3_column_int64(stmt, 2);
            k->mtime_ns = sqlite3_column_int64(stmt, 3);
            copy_sha256(stmt, 4, k->sha256, &k->has_sha256);
            k->failed = sqlite3_column_int(stmt, 5);
            k->has_vector = sqlite3_column_int(stmt, 6);
            g_hash_table_replace(job->known, g_strdup((const char *)sqlite3_column_text(stmt, 1)), k);
        }
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(stmt);
            return library_db_fail(error, job->db, "reading the library");
        }
    }
    sqlite3_finalize(stmt);

    /* Every content that has a vector: a moved or copied file takes it over. */
    stmt = library_db_prepare(job->db,
        "SELECT DISTINCT p.content_sha256 FROM photos p JOIN embeddings e ON e.photo_id = p.id "
        "WHERE e.model_id = ?1 AND length(p.content_sha256) = 32", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, job->model_row);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        g_hash_table_add(job->content_with_vector, g_bytes_new(sqlite3_column_blob(stmt, 0), 32));
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || library_db_fail(error, job->db, "reading the library");
}

/* Sorts scanned files into unchanged (counted now) and work for the pipeline. */
static void plan_work(IndexJob *job, LibraryScan *scan)
{
    for (guint i = 0; i < scan->files->len; i++) {
        const LibraryScanFile *f = &g_array_index(scan->files, LibraryScanFile, i);
        const KnownPhoto *k = g_hash_table_lookup(job->known, f->path);
        job->stats.scanned++;
        if (k && k->size == f->size && k->mtime_ns == f->mtime_ns) {
            if (k->failed) { /* not retried until the file changes */
                job->stats.failed++;
                continue;
            }
            if (k->has_vector) {
                job->stats.unchanged++;
                continue;
            }
        }
        IndexWork w = { f, k };
        g_array_append_val(job->work, w);
    }
}

/* ---- decoding (worker threads) ---- */

static gboolean is_cancelled(void *data)
{
    return g_cancellable_is_cancelled(data);
}

/* Reads a whole file; fails with a short reason (the path is recorded beside it). */
static GBytes *read_file(const char *path, IndexItem *item)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        item->error = g_strdup_printf("cannot read the file: %s", g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    item->size = st.st_size;
    item->mtime_ns = (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    item->taken = st.st_mtim.tv_sec;
    if (st.st_size > MAX_FILE_BYTES) {
        item->error = g_strdup_printf("the file is larger than %lld MiB", MAX_FILE_BYTES >> 20);
        close(fd);
        return NULL;
    }
    guint8 *data = g_malloc(MAX(st.st_size, 1));
    gsize got = 0;
    while (got < (gsize)st.st_size) {
        ssize_t n = read(fd, data + got, st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            item->error = g_strdup_printf("cannot read the file: %s", g_strerror(errno));
            break;
        }
        if (n == 0) /* shrunk while reading: what was read is decoded (and likely fails) */
            break;
        got += n;
    }
    close(fd);
    if (item->error) {
        g_free(data);
        return NULL;
    }
    item->size = got;
    return g_bytes_new_take(data, got);
}

static IndexItem *decode_one(IndexJob *job, const IndexWork *work)
{
    IndexItem *item = g_new0(IndexItem, 1);
    item->work = work;
    /* As scanned, until the open file says otherwise: an unreadable file is recorded
     * with the stat it will still have next time, so it is not retried until it changes. */
    item->size = work->file->size;
    item->mtime_ns = work->file->mtime_ns;
    item->taken = work->file->mtime_ns / 1000000000;
    g_autoptr(GBytes) bytes = read_file(work->file->path, item);
    if (!bytes)
        return item;
    gsize len;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, data, len);
    gsize digest_len = 32;
    g_checksum_get_digest(sum, item->sha256, &digest_len);
    item->has_sha256 = TRUE;
    GlanceExifDate date;
    gint64 taken;
    if (glance_exif_find_date(data, len, &date) && (taken = glance_exif_date_to_unix(&date)) != 0) {
        item->taken = taken;
        item->taken_from_exif = TRUE;
    }
    g_autoptr(GBytes) key = g_bytes_new_static(item->sha256, 32);
    g_mutex_lock(&job->lock);
    item->reusable = g_hash_table_contains(job->content_with_vector, key);
    g_mutex_unlock(&job->lock);
    if (item->reusable)
        return item;
    g_autoptr(GError) error = NULL;
    if (!library_check_image_size(work->file->path, &error)) {
        item->error = g_strdup(error->message);
        return item;
    }
    item->image = glance_image_from_bytes(bytes, job->decode_side, &error);
    if (!item->image)
        item->error = g_strdup(error->message);
    return item;
}

static gpointer decode_worker(gpointer data)
{
    IndexJob *job = data;
    for (;;) {
        g_mutex_lock(&job->lock);
        while (!job->stop && job->in_flight >= job->capacity)
            g_cond_wait(&job->room, &job->lock);
        gboolean stop = job->stop;
        if (!stop)
            job->in_flight++;
        g_mutex_unlock(&job->lock);
        if (stop)
            break;
        guint i = (guint)g_atomic_int_add(&job->next_work, 1);
        if (i >= job->work->len || g_cancellable_is_cancelled(job->cancellable)) {
            g_mutex_lock(&job->lock);
            job->in_flight--;
            g_mutex_unlock(&job->lock);
            break;
        }
        g_async_queue_push(job->decoded, decode_one(job, &g_array_index(job->work, IndexWork, i)));
    }
    return NULL;
}

/* ---- encoding and writing (the job's thread) ---- */

/* A stored or pending vector with this content, into out. */
static gboolean find_vector(IndexJob *job, const guint8 sha256[32], float *out)
{
    for (guint i = 0; i < job->batch->len; i++) {
        IndexItem *pending = job->batch->pdata[i];
        if (pending->vector && !memcmp(pending->sha256, sha256, 32)) {
            memcpy(out, pending->vector, sizeof(float) * job->dim);
            return TRUE;
        }
    }
    sqlite3_stmt *stmt = NULL;
    gboolean found = FALSE;
    if (sqlite3_prepare_v2(job->db,
            "SELECT e.vector FROM embeddings e JOIN photos p ON p.id = e.photo_id "
            "WHERE p.content_sha256 = ?1 AND e.model_id = ?2 AND e.dim = ?3 LIMIT 1", -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_blob(stmt, 1, sha256, 32, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, job->model_row);
        sqlite3_bind_int(stmt, 3, job->dim);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_bytes(stmt, 0) == 4 * job->dim) {
            library_vector_from_blob(sqlite3_column_blob(stmt, 0), job->dim, out);
            found = TRUE;
        }
    }
    sqlite3_finalize(stmt);
    return found;
}

/* Gives the item its vector if it can be kept or reused; TRUE when it must be encoded
 * (its image then decoded) and FALSE when it is done or failed. */
static gboolean needs_encoding(IndexJob *job, IndexItem *item)
{
    const KnownPhoto *k = item->work->known;
    if (item->reusable && k && k->has_vector && k->has_sha256 && !memcmp(k->sha256, item->sha256, 32)) {
        item->keeps_vector = TRUE; /* touched, not changed */
        job->stats.reused++;
        return FALSE;
    }
    item->vector = g_new(float, job->dim);
    if (item->reusable && find_vector(job, item->sha256, item->vector)) {
        job->stats.reused++;
        return FALSE;
    }
    if (!item->image) { /* the vector it was to reuse is gone: decode after all */
        g_autoptr(GError) error = NULL;
        item->image = library_load_image(item->work->file->path, job->decode_side, &error);
        if (!item->image) {
            item->error = g_strdup(error->message);
            return FALSE;
        }
    }
    return TRUE;
}

static void encoded(IndexJob *job, IndexItem *item)
{
    g_clear_pointer(&item->image, glance_decoded_image_free);
    job->stats.encoded++;
    g_autoptr(GBytes) key = g_bytes_new(item->sha256, 32);
    g_mutex_lock(&job->lock);
    g_hash_table_add(job->content_with_vector, g_steal_pointer(&key));
    g_mutex_unlock(&job->lock);
}

/* Gives each item its vector: kept, reused or encoded, those to encode in one pass.
 * FALSE only when cancelled. */
static gboolean vectorize(IndexJob *job, GlanceContext *ctx, IndexItem **items, int n)
{
    IndexItem *todo[ENCODE_BATCH];
    GlanceImage images[ENCODE_BATCH];
    int count = 0;
    for (int i = 0; i < n; i++)
        if (!items[i]->error && needs_encoding(job, items[i])) {
            todo[count] = items[i];
            images[count++] = items[i]->image->image;
        }
    if (count == 0)
        return TRUE;
    g_autofree float *vectors = g_new(float, (gsize)count * job->dim);
    GlanceError err = { 0 };
    GlanceStatus status = glance_embed_images(ctx, images, count, 0, vectors, &err);
    if (status == GLANCE_ERR_CANCELLED)
        return FALSE;
    for (int i = 0; i < count; i++) {
        if (status == GLANCE_OK) {
            memcpy(todo[i]->vector, vectors + (gsize)i * job->dim, (gsize)job->dim * sizeof(float));
        } else if (count > 1) { /* alone, so the failure lands on the image that failed */
            GlanceStatus alone = glance_embed_image(ctx, &images[i], 0, todo[i]->vector, &err);
            if (alone == GLANCE_ERR_CANCELLED)
                return FALSE;
            if (alone != GLANCE_OK) {
                todo[i]->error = g_strdup_printf("the image encoder failed: %s", err.message);
                continue;
            }
        } else {
            todo[i]->error = g_strdup_printf("the image encoder failed: %s", err.message);
            continue;
        }
        encoded(job, todo[i]);
    }
    return TRUE;
}

static gboolean write_item(IndexJob *job, sqlite3_stmt *upsert, sqlite3_stmt *drop_vectors,
                           sqlite3_stmt *insert_vector, IndexItem *item, guint8 *blob)
{
    const KnownPhoto *k = item->work->known;
    sqlite3_reset(upsert);
    sqlite3_bind_text(upsert, 1, item->work->file->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(upsert, 2, item->size);
    sqlite3_bind_int64(upsert, 3, item->mtime_ns);
    if (item->has_sha256)
        sqlite3_bind_blob(upsert, 4, item->sha256, 32, SQLITE_STATIC);
    else
        sqlite3_bind_null(upsert, 4);
    sqlite3_bind_text(upsert, 5, item->work->file->format, -1, SQLITE_STATIC);
    sqlite3_bind_int64(upsert, 6, item->taken);
    sqlite3_bind_int(upsert, 7, item->taken_from_exif);
    if (item->error)
        sqlite3_bind_text(upsert, 8, item->error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(upsert, 8);
    if (sqlite3_step(upsert) != SQLITE_ROW)
        return FALSE;
    gint64 photo_id = sqlite3_column_int64(upsert, 0);
    sqlite3_reset(upsert);
    gboolean same_content = k && k->has_sha256 && item->has_sha256 && !memcmp(k->sha256, item->sha256, 32);
    if (!same_content || item->error) { /* every model's vector of the old content is stale */
        sqlite3_reset(drop_vectors);
        sqlite3_bind_int64(drop_vectors, 1, photo_id);
        if (sqlite3_step(drop_vectors) != SQLITE_DONE)
            return FALSE;
    }
    if (item->error || item->keeps_vector)
        return TRUE;
    library_vector_to_blob(item->vector, job->dim, blob);
    sqlite3_reset(insert_vector);
    sqlite3_bind_int64(insert_vector, 1, photo_id);
    sqlite3_bind_int64(insert_vector, 2, job->model_row);
    sqlite3_bind_int(insert_vector, 3, job->dim);
    sqlite3_bind_blob(insert_vector, 4, blob, 4 * job->dim, SQLITE_STATIC);
    return sqlite3_step(insert_vector) == SQLITE_DONE;
}

static gboolean commit_batch(IndexJob *job, GError **error)
{
    if (job->batch->len == 0)
        return TRUE;
    sqlite3_stmt *upsert = NULL, *drop_vectors = NULL, *insert_vector = NULL;
    g_autofree guint8 *blob = g_malloc(4 * job->dim);
    gboolean ok = library_db_begin_write(job->db, error);
    if (ok) {
        upsert = library_db_prepare(job->db,
            "INSERT INTO photos(path, size, mtime_ns, content_sha256, format, taken, taken_from_exif, error) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
            "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "content_sha256 = excluded.content_sha256, format = excluded.format, taken = excluded.taken, "
            "taken_from_exif = excluded.taken_from_exif, error = excluded.error RETURNING id", error);
        drop_vectors = upsert ? library_db_prepare(job->db, "DELETE FROM embeddings WHERE photo_id = ?1", error) : NULL;
        /* REPLACE deletes and re-inserts, so a changed vector gets a new, higher id. */
        insert_vector = drop_vectors ? library_db_prepare(job->db,
            "INSERT OR REPLACE INTO embeddings(photo_id, model_id, dim, vector) VALUES (?1, ?2, ?3, ?4)", error) : NULL;
        ok = insert_vector != NULL;
    }
    for (guint i = 0; ok && i < job->batch->len; i++) {
        if (!write_item(job, upsert, drop_vectors, insert_vector, job->batch->pdata[i], blob))
            ok = library_db_fail(error, job->db, "saving a photo");
    }
    sqlite3_finalize(upsert);
    sqlite3_finalize(drop_vectors);
    sqlite3_finalize(insert_vector);
    ok = ok && library_db_commit(job->db, error);
    if (!ok)
        library_db_rollback(job->db);
    g_ptr_array_set_size(job->batch, 0);
    job->batch_started_us = g_get_monotonic_time();
    return ok;
}

static void count_item(IndexJob *job, IndexItem *item)
{
    if (item->error)
        job->stats.failed++;
    else if (item->work->known)
        job->stats.updated++;
    else
        job->stats.added++;
}

static void stop_decoders(IndexJob *job, GPtrArray *threads)
{
    g_mutex_lock(&job->lock);
    job->stop = TRUE;
    g_cond_broadcast(&job->room);
    g_mutex_unlock(&job->lock);
    for (guint i = 0; i < threads->len; i++)
        g_thread_join(threads->pdata[i]);
    g_ptr_array_set_size(threads, 0);
    IndexItem *left;
    while ((left = g_async_queue_try_pop(job->decoded)))
        item_free(left);
}

static gboolean run_pipeline(IndexJob *job, GError **error)
{
    if (job->work->len == 0)
        return TRUE;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    if (glance_context_new(job->model, &ctx, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    glance_context_set_cancel(ctx, is_cancelled, job->cancellable);
    glance_context_set_threads(ctx, job->encoder_threads);
    job->capacity = MAX(2 * job->decode_threads + 2, 2 * ENCODE_BATCH);
    g_autoptr(GPtrArray) threads = g_ptr_array_new();
    for (int i = 0; i < job->decode_threads; i++)
        g_ptr_array_add(threads, g_thread_new("glance-decode", decode_worker, job));
    job->batch_started_us = g_get_monotonic_time();
    gboolean ok = TRUE;
    while (job->done < job->work->len) {
        if (g_cancellable_set_error_if_cancelled(job->cancellable, error)) {
            ok = FALSE;
            break;
        }
        /* what is decoded already, up to a batch; waiting only for the first */
        IndexItem *items[ENCODE_BATCH];
        int n = 0;
        items[n] = g_async_queue_timeout_pop(job->decoded, 100 * 1000);
        while (items[n] && ++n < ENCODE_BATCH)
            items[n] = g_async_queue_try_pop(job->decoded);
        if (n == 0)
            continue;
        g_mutex_lock(&job->lock);
        job->in_flight -= n;
        g_cond_broadcast(&job->room);
        g_mutex_unlock(&job->lock);
        if (!vectorize(job, ctx, items, n)) {
            for (int i = 0; i < n; i++)
                item_free(items[i]);
            continue; /* cancelled mid-pass: the loop's check reports it */
        }
        for (int i = 0; i < n; i++) {
            if (g_cancellable_is_cancelled(job->cancellable)) { /* stop between files */
                item_free(items[i]);
                continue;
            }
            job->done++;
            count_item(job, items[i]);
            g_ptr_array_add(job->batch, items[i]);
            report(job, items[i]->work->file->path, items[i]->error, FALSE);
        }
        if (job->batch->len >= (guint)job->batch_size ||
            g_get_monotonic_time() - job->batch_started_us >= job->batch_seconds * 1e6) {
            if (!(ok = commit_batch(job, error)))
                break;
        }
    }
    stop_decoders(job, threads);
    glance_context_free(ctx);
    /* What is finished is kept, cancelled or not. */
    GError *commit_error = NULL;
    if (!commit_batch(job, ok ? error : &commit_error))
        ok = FALSE;
    g_clear_error(&commit_error);
    return ok;
}

static gboolean under_any(const char *path, GPtrArray *dirs)
{
    for (guint i = 0; i < dirs->len; i++) {
        gsize n = strlen(dirs->pdata[i]);
        if (!strncmp(path, dirs->pdata[i], n) && path[n] == G_DIR_SEPARATOR)
            return TRUE;
    }
    return FALSE;
}

/* Drops the photos under the folders whose files the walk did not find. */
static gboolean remove_missing(IndexJob *job, LibraryScan *scan, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < scan->files->len; i++)
        g_hash_table_add(seen, g_array_index(scan->files, LibraryScanFile, i).path);
    g_autoptr(GArray) gone = g_array_new(FALSE, FALSE, sizeof(gint64));
    GHashTableIter it;
    gpointer path, value;
    g_hash_table_iter_init(&it, job->known);
    while (g_hash_table_iter_next(&it, &path, &value))
        if (!g_hash_table_contains(seen, path) && !under_any(path, scan->unreadable_dirs))
            g_array_append_val(gone, ((KnownPhoto *)value)->id);
    if (gone->len == 0)
        return TRUE;
    set_phase(job, GLANCE_INDEX_PHASE_REMOVING, gone->len);
    if (!library_db_begin_write(job->db, error))
        return FALSE;
    sqlite3_stmt *stmt = library_db_prepare(job->db, "DELETE FROM photos WHERE id = ?1", error);
    gboolean ok = stmt != NULL;
    for (guint i = 0; ok && i < gone->len; i++) {
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, 1, g_array_index(gone, gint64, i));
        ok = sqlite3_step(stmt) == SQLITE_DONE || library_db_fail(error, job->db, "removing a photo");
        if (ok && sqlite3_changes(job->db) > 0)
            job->stats.removed++;
    }
    sqlite3_finalize(stmt);
    if (ok)
        return library_db_commit(job->db, error);
    library_db_rollback(job->db);
    job->stats.removed = 0;
    return FALSE;
}

static void resolve_threads(IndexJob *job, const GlanceIndexOptions *options)
{
    int cores = MAX(1, (int)g_get_num_processors());
    int decoders = options && options->decode_threads > 0 ? options->decode_threads : CLAMP(cores / 4, 1, 4);
    job->decode_threads = decoders;
    int blas = options ? options->blas_threads : 0;
    job->encoder_threads = blas > 0 ? blas : blas == 0 ? cores : 0; /* 0: the engine's default */
    job->batch_size = options && options->batch_size > 0 ? options->batch_size : 64;
    job->batch_seconds = options && options->batch_seconds > 0 ? options->batch_seconds : 2.0;
}

gboolean glance_library_index(GlanceLibrary *library, const char *const *folders,
                              const GlanceIndexOptions *options, GlanceIndexProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable, GlanceIndexStats *stats,
                              GError **error)
{
    g_return_val_if_fail(GLANCE_IS_LIBRARY(library), FALSE);
    IndexJob job = {
        .library = library,
        .cancellable = cancellable,
        .progress = progress,
        .progress_data = progress_data,
    };
    g_mutex_lock(&library->lock);
    job.model = library->current.model;
    job.model_row = library->current.row;
    job.dim = library->current.dim;
    g_autofree char *db_path = g_strdup(library->db_path);
    g_mutex_unlock(&library->lock);
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!job.model) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NO_MODEL,
                            "no model chosen for the library");
        return FALSE;
    }
    job.decode_side = library_decode_side(job.model);
    resolve_threads(&job, options);
    /* The job's own connection: the library's stays free for searches meanwhile. */
    job.db = library_db_open(db_path, FALSE, error);
    if (!job.db)
        return FALSE;
    job.known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    job.content_with_vector = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    job.work = g_array_new(FALSE, FALSE, sizeof(IndexWork));
    job.decoded = g_async_queue_new();
    job.batch = g_ptr_array_new_with_free_func((GDestroyNotify)item_free);
    g_mutex_init(&job.lock);
    g_cond_init(&job.room);

    set_phase(&job, GLANCE_INDEX_PHASE_SCANNING, 0);
    g_autoptr(LibraryScan) scan = library_scan_folders(folders, cancellable, on_scan_progress, &job, error);
    gboolean ok = scan && load_known(&job, scan->roots, error);
    if (ok) {
        plan_work(&job, scan);
        set_phase(&job, GLANCE_INDEX_PHASE_INDEXING, job.work->len);
        ok = run_pipeline(&job, error);
    }
    if (ok)
        ok = remove_missing(&job, scan, error);
    /* Complete now (or even after a cancelled job that had little left)? Then this model
     * serves searches from here on. Cancelled or not; not after a failure. */
    if (scan && (ok || g_cancellable_is_cancelled(cancellable))) {
        g_autoptr(GError) promote_error = NULL;
        if (!library_promote_model(job.db, job.model_row, ok ? error : &promote_error))
            ok = FALSE;
    }
    if (ok) {
        job.phase = GLANCE_INDEX_PHASE_DONE;
        job.done = job.total;
        report(&job, NULL, NULL, TRUE);
    }
    if (stats)
        *stats = job.stats;
    g_ptr_array_unref(job.batch);
    g_async_queue_unref(job.decoded);
    g_array_unref(job.work);
    g_hash_table_unref(job.content_with_vector);
    g_hash_table_unref(job.known);
    g_mutex_clear(&job.lock);
    g_cond_clear(&job.room);
    library_db_close(job.db);
    return ok;
}

/* ---- the GTask wrapper ---- */

/* The caller's progress callback and its data, shared by the job and every progress
 * report still queued in the caller's main context; freed by whichever ends last. */
typedef struct {
    gatomicrefcount refs;
    GlanceIndexProgressFunc func;
    gpointer data;
    GDestroyNotify destroy;
    GMainContext *context;
} ProgressSink;

static ProgressSink *sink_ref(ProgressSink *sink)
{
    g_atomic_ref_count_inc(&sink->refs);
    return sink;
}

static void sink_unref(ProgressSink *sink)
{
    if (!g_atomic_ref_count_dec(&sink->refs))
        return;
    if (sink->destroy)
        sink->destroy(sink->data);
    g_main_context_unref(sink->context);
    g_free(sink);
}

typedef struct {
    ProgressSink *sink;
    GlanceIndexProgress progress;
    char *current_path, *failed_path, *failed_reason;
} QueuedProgress;

static gboolean deliver_progress(gpointer data)
{
    QueuedProgress *q = data;
    q->sink->func(&q->progress, q->sink->data);
    return G_SOURCE_REMOVE;
}

static void free_queued_progress(gpointer data)
{
    QueuedProgress *q = data;
    sink_unref(q->sink);
    g_free(q->current_path);
    g_free(q->failed_path);
    g_free(q->failed_reason);
    g_free(q);
}

static void queue_progress(const GlanceIndexProgress *progress, gpointer data)
{
    ProgressSink *sink = data;
    QueuedProgress *q = g_new0(QueuedProgress, 1);
    q->sink = sink_ref(sink);
    q->progress = *progress;
    q->progress.current_path = q->current_path = g_strdup(progress->current_path);
    q->progress.failed_path = q->failed_path = g_strdup(progress->failed_path);
    q->progress.failed_reason = q->failed_reason = g_strdup(progress->failed_reason);
    glance_context_post(sink->context, deliver_progress, q, free_queued_progress);
}

typedef struct {
    char **folders;
    GlanceIndexOptions options;
    gboolean has_options;
    ProgressSink *sink; /* NULL without a progress callback */
    GlanceIndexStats stats;
} IndexTaskData;

static void index_task_data_free(gpointer data)
{
    IndexTaskData *d = data;
    g_strfreev(d->folders);
    if (d->sink)
        sink_unref(d->sink);
    g_free(d);
}

static gboolean release_sink(gpointer data)
{
    sink_unref(data);
    return G_SOURCE_REMOVE;
}

static void index_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    IndexTaskData *d = data;
    GError *error = NULL;
    gboolean ok = glance_library_index(source, (const char *const *)d->folders, d->has_options ? &d->options : NULL,
                                       d->sink ? queue_progress : NULL, d->sink, cancellable, &d->stats, &error);
    /* Let go of the progress callback in the caller's context, after the reports queued
     * before and before the result: progress_destroy never runs in this thread. */
    ProgressSink *sink = g_steal_pointer(&d->sink);
    if (sink)
        glance_context_post(sink->context, release_sink, sink, NULL);
    if (ok)
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

void glance_library_index_async(GlanceLibrary *library, const char *const *folders,
                                const GlanceIndexOptions *options, GlanceIndexProgressFunc progress,
                                gpointer progress_data, GDestroyNotify progress_destroy,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    IndexTaskData *d = g_new0(IndexTaskData, 1);
    d->folders = g_strdupv((char **)folders);
    if (options) {
        d->options = *options;
        d->has_options = TRUE;
    }
    if (progress) {
        d->sink = g_new0(ProgressSink, 1);
        g_atomic_ref_count_init(&d->sink->refs);
        d->sink->func = progress;
        d->sink->data = progress_data;
        d->sink->destroy = progress_destroy;
        d->sink->context = g_main_context_ref_thread_default();
    } else if (progress_destroy) {
        progress_destroy(progress_data);
    }
    g_autoptr(GTask) task = g_task_new(library, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_library_index_async);
    g_task_set_task_data(task, d, index_task_data_free);
    /* A cancelled job still reports what it finished, so the task must not short-cut. */
    g_task_set_return_on_cancel(task, FALSE);
    g_task_run_in_thread(task, index_thread);
}

gboolean glance_library_index_finish(GlanceLibrary *library, GAsyncResult *result, GlanceIndexStats *stats,
                                     GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), FALSE);
    IndexTaskData *d = g_task_get_task_data(G_TASK(result));
    if (stats)
        *stats = d->stats;
    return g_task_propagate_boolean(G_TASK(result), error);
}

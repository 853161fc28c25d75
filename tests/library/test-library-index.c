/* test-library-index.c — the library API end to end on temporary folders of ShapeWorld
 * scenes, with the golden (random-weights) model: exact counts for every kind of change,
 * broken files, symlink loops, cancellation, vectors per model, search with filters,
 * example images, re-ranking and deleted files. Rankings by text mean nothing with
 * random weights; what is checked is what must hold for any model. */
#include "glance-library.h"
#include "glance-library-index.h"
#include "glance-library-search.h"
#include "glance-library-private.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <errno.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utime.h>
#include <sys/resource.h>
#include <zlib.h>

#define N_PHOTOS 12

static char *tmp;          /* $GLANCE_TEST_TMP/library-index */
static char *photos;       /* tmp/photos: the indexed folder */
static char *model_path;
static GlanceModel *model;

/* ---- fixtures ---- */

/* Root reads any folder through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, so as root (as CI
 * runs) an "unreadable" folder would test nothing. Dropping both from this process before
 * any thread starts makes mode 0 binding on root too; files stay root's own. */
static void drop_permission_override(void)
{
    if (geteuid() != 0)
        return;
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0)
        g_error("capget: %s", g_strerror(errno));
    const int caps[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
    for (gsize i = 0; i < G_N_ELEMENTS(caps); i++) {
        guint32 bit = 1u << (caps[i] % 32);
        data[caps[i] / 32].effective &= ~bit;
        data[caps[i] / 32].permitted &= ~bit;
        data[caps[i] / 32].inheritable &= ~bit;
    }
    if (syscall(SYS_capset, &header, data) != 0)
        g_error("capset: %s", g_strerror(errno));
}

static void run_or_die(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("%s: %s", argv[0], error->message);
}

static void remove_tree(const char *path)
{
    run_or_die((const char *[]){ "rm", "-rf", path, NULL });
}

static char *in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void make_scenes(const char *dir, int n, int seed)
{
    g_autofree char *seed_arg = g_strdup_printf("%d", seed), *n_arg = g_strdup_printf("%d", n);
    run_or_die((const char *[]){ "/usr/bin/python3", "tests/library/make-photos.py", dir, n_arg, "--seed", seed_arg,
                                 NULL });
    g_autofree char *captions = in(dir, "captions.json");
    g_unlink(captions);
}

static void write_bytes(const char *path, const void *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, data, len, &error))
        g_error("%s", error->message);
}

static void put_chunk(GByteArray *png, const char *type, const guint8 *data, guint32 len)
{
    guint8 head[8] = { len >> 24, len >> 16, len >> 8, len, type[0], type[1], type[2], type[3] };
    g_byte_array_append(png, head, 8);
    g_byte_array_append(png, data, len);
    g_autoptr(GByteArray) crc_input = g_byte_array_new();
    g_byte_array_append(crc_input, head + 4, 4);
    g_byte_array_append(crc_input, data, len);
    guint32 crc = crc32(0, crc_input->data, crc_input->len); /* zlib's */
    guint8 tail[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
    g_byte_array_append(png, tail, 4);
}

/* A decompression bomb: a few KB of PNG that claim 12000 x 9000 pixels (324 MB decoded);
 * only its first rows are written. */
static void write_bomb_png(const char *path)
{
    const guint32 w = 12000, h = 9000;
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
    guint8 ihdr[13] = { 0, 0, w >> 8, w & 0xff, 0, 0, h >> 8, h & 0xff, 8, 2, 0, 0, 0 };
    put_chunk(png, "IHDR", ihdr, sizeof ihdr);
    z_stream z = { 0 };
    g_assert_cmpint(deflateInit(&z, 9), ==, Z_OK);
    g_autofree guint8 *row = g_malloc0(1 + 3 * w); /* filter byte 0, then black */
    g_autoptr(GByteArray) idat = g_byte_array_new();
    guint8 out[1 << 16];
    const guint32 rows = 64;
    for (guint32 y = 0; y < rows; y++) {
        z.next_in = row;
        z.avail_in = 1 + 3 * w;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            g_assert_cmpint(deflate(&z, y + 1 == rows ? Z_FINISH : Z_NO_FLUSH), !=, Z_STREAM_ERROR);
            g_byte_array_append(idat, out, sizeof out - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    put_chunk(png, "IDAT", idat->data, idat->len);
    put_chunk(png, "IEND", NULL, 0);
    write_bytes(path, png->data, png->len);
}

/* An EXIF block (little-endian TIFF) with DateTimeOriginal only. */
static GByteArray *exif_app1(const char *date)
{
    GByteArray *b = g_byte_array_new();
    static const guint8 head[] = {
        'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
        1, 0, 0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0,          /* IFD0: ExifIFD -> 26 */
        1, 0, 0x03, 0x90, 2, 0, 20, 0, 0, 0, 44, 0, 0, 0, 0, 0, 0, 0,         /* Exif IFD: 0x9003 -> 44 */
    };
    g_byte_array_append(b, head, sizeof head);
    g_byte_array_append(b, (const guint8 *)date, 20);
    return b;
}

/* Re-encodes a PNG as JPEG, optionally with an EXIF capture date. */
static void write_jpeg(const char *png_path, const char *jpeg_path, const char *exif_date)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file(png_path, &error);
    g_assert_no_error(error);
    g_autofree char *jpeg = NULL;
    gsize len = 0;
    g_assert_true(gdk_pixbuf_save_to_buffer(pixbuf, &jpeg, &len, "jpeg", &error, "quality", "90", NULL));
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_byte_array_append(out, (const guint8 *)jpeg, 2); /* SOI */
    if (exif_date) {
        g_autoptr(GByteArray) app1 = exif_app1(exif_date);
        guint seg = app1->len + 2;
        guint8 marker[4] = { 0xFF, 0xE1, seg >> 8, seg & 0xff };
        g_byte_array_append(out, marker, 4);
        g_byte_array_append(out, app1->data, app1->len);
    }
    g_byte_array_append(out, (const guint8 *)jpeg + 2, len - 2);
    write_bytes(jpeg_path, out->data, out->len);
}

/* The same picture, flipped: new content no file in the library has. */
static void write_flipped(const char *src, const char *dst)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file(src, &error);
    g_assert_no_error(error);
    g_autoptr(GdkPixbuf) flipped = gdk_pixbuf_flip(pixbuf, TRUE);
    g_assert_true(gdk_pixbuf_save(flipped, dst, "png", &error, NULL));
}

static void set_mtime(const char *path, time_t when)
{
    struct utimbuf t = { when, when };
    g_assert_cmpint(utime(path, &t), ==, 0);
}

static void copy_file(const char *src, const char *dst)
{
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(src, &data, &len, NULL));
    write_bytes(dst, data, len);
}

/* ---- indexing with expectations ---- */

typedef struct {
    guint failures_reported; /* progress reports carrying a failed path */
    guint reports;
    GThread *thread;         /* where reports arrived */
    GCancellable *cancellable;
    gboolean destroyed;      /* progress_destroy ran */
} ProgressLog;

static void on_progress(const GlanceIndexProgress *p, gpointer data)
{
    ProgressLog *log = data;
    log->reports++;
    log->thread = g_thread_self();
    if (p->failed_path) {
        g_assert_nonnull(p->failed_reason);
        log->failures_reported++;
    }
    g_assert_cmpuint(p->stats.added + p->stats.updated + p->stats.unchanged + p->stats.failed, <=, p->stats.scanned);
}

typedef struct {
    guint scanned, added, updated, unchanged, removed, failed, encoded, reused;
} Expect;

static void index_expect(GlanceLibrary *lib, const char *step, Expect e, guint failures_reported)
{
    ProgressLog log = { 0 };
    GlanceIndexStats s;
    g_autoptr(GError) error = NULL;
    const char *folders[] = { photos, NULL };
    gboolean ok = glance_library_index(lib, folders, NULL, on_progress, &log, NULL, &s, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    if (s.scanned != e.scanned || s.added != e.added || s.updated != e.updated || s.unchanged != e.unchanged ||
        s.removed != e.removed || s.failed != e.failed || s.encoded != e.encoded || s.reused != e.reused ||
        log.failures_reported != failures_reported)
        g_error("%s: got scanned %u added %u updated %u unchanged %u removed %u failed %u encoded %u reused %u "
                "(failures reported %u); expected %u %u %u %u %u %u %u %u (%u)",
                step, s.scanned, s.added, s.updated, s.unchanged, s.removed, s.failed, s.encoded, s.reused,
                log.failures_reported, e.scanned, e.added, e.updated, e.unchanged, e.removed, e.failed, e.encoded,
                e.reused, failures_reported);
    g_assert_cmpuint(s.added + s.updated + s.unchanged + s.failed, ==, s.scanned);
}

/* No duplicates, every vector has its photo, the database is sound. */
static void check_database(const char *db_path)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(db_path, &db), ==, SQLITE_OK);
    static const struct {
        const char *sql;
        const char *expected;
    } checks[] = {
        { "PRAGMA integrity_check", "ok" },
        { "SELECT count(*) FROM (SELECT path FROM photos GROUP BY path HAVING count(*) > 1)", "0" },
        { "SELECT count(*) FROM (SELECT 1 FROM embeddings GROUP BY photo_id, model_id HAVING count(*) > 1)", "0" },
        { "SELECT count(*) FROM embeddings WHERE photo_id NOT IN (SELECT id FROM photos)", "0" },
        { "SELECT count(*) FROM embeddings e JOIN photos p ON p.id = e.photo_id WHERE p.error IS NOT NULL", "0" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(checks); i++) {
        sqlite3_stmt *stmt = NULL;
        g_assert_cmpint(sqlite3_prepare_v2(db, checks[i].sql, -1, &stmt, NULL), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
        g_assert_cmpstr((const char *)sqlite3_column_text(stmt, 0), ==, checks[i].expected);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
}

static char *fresh_db(const char *name)
{
    char *path = in(tmp, name);
    g_autofree char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
    g_unlink(path);
    g_unlink(wal);
    g_unlink(shm);
    return path;
}

static GlanceLibrary *open_library(const char *db_path, GlanceModel *m, const char *m_path)
{
    g_autoptr(GError) error = NULL;
    GlanceLibrary *lib = glance_library_open(db_path, TRUE, &error);
    g_assert_no_error(error);
    g_assert_true(glance_library_set_model(lib, m, m_path, &error));
    g_assert_no_error(error);
    return lib;
}

/* ---- the changes a user makes ---- */

static void test_incremental_counts(void)
{
    g_autofree char *db = fresh_db("changes.db");
    GlanceLibrary *lib = open_library(db, model, model_path);
    g_autofree char *sub = in(photos, "sub"), *notes = in(photos, "notes.txt");
    write_bytes(notes, "not a photo, and no image extension: ignored\n", -1);

    /* Broken files: each fails with a reason, none stops the run. */
    g_autofree char *corrupt = in(photos, "corrupt.jpg"), *truncated = in(photos, "truncated.png"),
                    *empty = in(photos, "empty.png"), *huge = in(photos, "huge.png"), *text = in(photos, "text.gif");
    g_autofree char *s0 = in(photos, "s0000.png");
    g_autofree char *s0_data = NULL;
    gsize s0_len;
    g_assert_true(g_file_get_contents(s0, &s0_data, &s0_len, NULL));
    guint8 garbage[600];
    for (gsize i = 0; i < sizeof garbage; i++)
        garbage[i] = (guint8)(i * 37 + 11);
    garbage[0] = 0xFF, garbage[1] = 0xD8, garbage[2] = 0xFF; /* a JPEG start, then noise */
    write_bytes(corrupt, garbage, sizeof garbage);
    write_bytes(truncated, s0_data, s0_len / 3);
    write_bytes(empty, "", 0);
    write_bomb_png(huge);
    write_bytes(text, "GIF? no: just text in a .gif file\n", -1);
    const guint bad = 5, n = N_PHOTOS;

    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    index_expect(lib, "first index", (Expect){ .scanned = n + bad, .added = n, .failed = bad, .encoded = n }, bad);
    getrusage(RUSAGE_SELF, &after);
    /* The bomb was refused from its header: decoding it would have taken 324 MB. */
    g_assert_cmpint(after.ru_maxrss - before.ru_maxrss, <, 150 * 1024);
    check_database(db);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) failures = glance_library_list_failures(lib, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(failures->len, ==, bad);
    for (guint i = 0; i < failures->len; i++) {
        GlanceLibraryFailure *f = failures->pdata[i];
        g_test_message("failed: %s: %s", f->path, f->reason);
        if (g_str_has_suffix(f->path, "huge.png"))
            g_assert_nonnull(strstr(f->reason, "decompression bomb"));
        else if (g_str_has_suffix(f->path, "empty.png"))
            g_assert_nonnull(strstr(f->reason, "empty"));
        else /* in plain words, without gdk-pixbuf's jargon */
            g_assert_true(strstr(f->reason, "not a photo") || strstr(f->reason, "incomplete"));
    }

    index_expect(lib, "second index", (Expect){ .scanned = n + bad, .unchanged = n, .failed = bad }, 0);

    g_autofree char *s1 = in(photos, "s0001.png");
    set_mtime(s1, time(NULL) - 3600);
    index_expect(lib, "touch", (Expect){ .scanned = n + bad, .updated = 1, .unchanged = n - 1, .failed = bad, .reused = 1 }, 0);

    g_autofree char *s2 = in(photos, "s0002.png");
    write_flipped(s2, s2);
    index_expect(lib, "edit", (Expect){ .scanned = n + bad, .updated = 1, .unchanged = n - 1, .failed = bad, .encoded = 1 }, 0);

    g_autofree char *s3 = in(photos, "s0003.png");
    g_assert_cmpint(g_unlink(s3), ==, 0);
    index_expect(lib, "delete", (Expect){ .scanned = n - 1 + bad, .unchanged = n - 1, .removed = 1, .failed = bad }, 0);

    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    g_autofree char *s4 = in(photos, "s0004.png"), *s4_moved = in(sub, "moved.png");
    g_assert_cmpint(g_rename(s4, s4_moved), ==, 0);
    index_expect(lib, "move", (Expect){ .scanned = n - 1 + bad, .added = 1, .unchanged = n - 2, .removed = 1,
                                        .failed = bad, .reused = 1 }, 0);

    g_autofree char *s5 = in(photos, "s0005.png"), *s5_copy = in(sub, "copy of s0005.PNG");
    copy_file(s5, s5_copy);
    index_expect(lib, "copy", (Expect){ .scanned = n + bad, .added = 1, .unchanged = n - 1, .failed = bad, .reused = 1 }, 0);

    /* A failed file that is fixed is retried (and its content is known: reused). */
    copy_file(s5, truncated);
    index_expect(lib, "fix", (Expect){ .scanned = n + bad, .updated = 1, .unchanged = n, .failed = bad - 1, .reused = 1 }, 0);

    /* A good file that breaks loses its vector and is recorded as failed. */
    g_autofree char *s6 = in(photos, "s0006.png");
    write_bytes(s6, "broken now", -1);
    index_expect(lib, "break", (Expect){ .scanned = n + bad, .unchanged = n, .failed = bad }, 1);
    check_database(db);

    /* A symlink back up the tree ends; a link to a folder outside adds its photos once. */
    g_autofree char *loop = in(sub, "loop"), *outside = in(tmp, "outside"), *link = in(photos, "linked");
    g_assert_cmpint(symlink("..", loop), ==, 0);
    remove_tree(outside);
    make_scenes(outside, 2, 77);
    g_assert_cmpint(symlink(outside, link), ==, 0);
    g_autofree char *link2 = in(sub, "linked-again");
    g_assert_cmpint(symlink(outside, link2), ==, 0);
    index_expect(lib, "symlinks", (Expect){ .scanned = n + bad + 2, .added = 2, .unchanged = n, .failed = bad, .encoded = 2 }, 0);

    /* A folder that cannot be listed keeps its photos (as root too: main() drops the
     * permission override). */
    g_assert_cmpint(chmod(sub, 0), ==, 0);
    g_autoptr(GDir) listing = g_dir_open(sub, 0, NULL);
    g_assert_null(listing);
    index_expect(lib, "unreadable", (Expect){ .scanned = n + bad, .unchanged = n, .failed = bad }, 0);
    g_assert_cmpint(chmod(sub, 0700), ==, 0);
    index_expect(lib, "readable again", (Expect){ .scanned = n + bad + 2, .unchanged = n + 2, .failed = bad }, 0);

    GlanceLibraryCounts counts;
    g_assert_true(glance_library_get_counts(lib, &counts, &error));
    g_assert_cmpuint(counts.photos, ==, n + bad + 2);
    g_assert_cmpuint(counts.indexed, ==, n + 2);
    g_assert_cmpuint(counts.failed, ==, bad);
    check_database(db);

    /* Errors: a missing folder; no model chosen. */
    const char *missing[] = { "/nonexistent/glance/folder", NULL };
    g_assert_false(glance_library_index(lib, missing, NULL, NULL, NULL, NULL, NULL, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_object_unref(lib);
    GlanceLibrary *bare = glance_library_open(db, FALSE, &error);
    const char *folders[] = { photos, NULL };
    g_assert_false(glance_library_index(bare, folders, NULL, NULL, NULL, NULL, NULL, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NO_MODEL);
    g_object_unref(bare);

    /* Leave the folder as the search test expects: the photos and the broken files. */
    g_unlink(link);
    g_unlink(link2);
    g_unlink(loop);
}

/* ---- async, progress in the caller's context, cancellation and resuming ---- */

/* ---- cancellation and resuming; async with progress in the caller's context ---- */

/* Cancels on the 4th failure report (failures are never throttled). With one decoder
 * the files arrive in walk order: corrupt.jpg, empty.png, huge.png fail, s0000, s0001,
 * s0002 and s0005 are added, s0006 (broken) is the 4th failure. */
static void cancel_on_fourth_failure(const GlanceIndexProgress *p, gpointer data)
{
    ProgressLog *log = data;
    if (p->failed_path && ++log->failures_reported == 4)
        g_cancellable_cancel(log->cancellable);
}

static void test_cancel_resume(void)
{
    g_autofree char *db = fresh_db("cancel.db");
    GlanceLibrary *lib = open_library(db, model, model_path);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    ProgressLog log = { .cancellable = cancellable };
    const char *folders[] = { photos, NULL };
    GlanceIndexOptions one_decoder = { .decode_threads = 1 };
    GlanceIndexStats first, second;
    g_autoptr(GError) error = NULL;
    g_assert_false(glance_library_index(lib, folders, &one_decoder, cancel_on_fourth_failure, &log, cancellable,
                                        &first, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error(&error);
    g_assert_cmpuint(first.added, ==, 4);
    g_assert_cmpuint(first.failed, ==, 4);
    g_assert_cmpuint(first.removed, ==, 0);
    GlanceLibraryCounts counts;
    g_assert_true(glance_library_get_counts(lib, &counts, NULL));
    g_assert_cmpuint(counts.indexed, ==, 4); /* what was finished was committed */
    g_assert_cmpuint(counts.photos, ==, 8);
    check_database(db);

    /* The next job does the rest, and nothing twice. */
    g_assert_true(glance_library_index(lib, folders, NULL, NULL, NULL, NULL, &second, &error));
    g_assert_cmpuint(second.unchanged, ==, 4);
    g_assert_cmpuint(second.added, ==, 8);
    g_assert_cmpuint(second.failed, ==, 5);
    g_assert_true(glance_library_get_counts(lib, &counts, NULL));
    g_assert_cmpuint(counts.indexed, ==, 12);
    check_database(db);
    g_object_unref(lib);
}

typedef struct {
    GMainLoop *loop;
    gboolean ok;
    GError *error;
    GlanceIndexStats stats;
} AsyncResult;

static void on_indexed(GObject *source, GAsyncResult *result, gpointer data)
{
    AsyncResult *r = data;
    r->ok = glance_library_index_finish(GLANCE_LIBRARY(source), result, &r->stats, &r->error);
    g_main_loop_quit(r->loop);
}

static void record_thread(const GlanceIndexProgress *p, gpointer data)
{
    ProgressLog *log = data;
    log->reports++;
    log->thread = g_thread_self();
    log->failures_reported += p->failed_path != NULL;
}

static void free_log(gpointer data)
{
    ((ProgressLog *)data)->destroyed = TRUE;
}

static void test_async(void)
{
    g_autofree char *db = fresh_db("async.db");
    GlanceLibrary *lib = open_library(db, model, model_path);
    const char *folders[] = { photos, NULL };
    AsyncResult r = { .loop = g_main_loop_new(NULL, FALSE) };

    /* Cancelled before it starts: an error, nothing written. */
    g_autoptr(GCancellable) cancelled = g_cancellable_new();
    g_cancellable_cancel(cancelled);
    glance_library_index_async(lib, folders, NULL, NULL, NULL, NULL, cancelled, on_indexed, &r);
    g_main_loop_run(r.loop);
    g_assert_false(r.ok);
    g_assert_error(r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error(&r.error);

    ProgressLog log = { 0 };
    glance_library_index_async(lib, folders, NULL, record_thread, &log, free_log, NULL, on_indexed, &r);
    g_main_loop_run(r.loop);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_no_error(r.error);
    g_assert_true(r.ok);
    g_assert_cmpuint(r.stats.added, ==, 12);
    g_assert_cmpuint(log.failures_reported, ==, 5);
    g_assert_cmpuint(log.reports, >=, 5);
    g_assert_true(log.thread == g_thread_self()); /* progress came to this thread's context */
    g_assert_true(log.destroyed);
    g_main_loop_unref(r.loop);
    g_object_unref(lib);
}

/* ---- search ---- */

static GPtrArray *search(GlanceLibrary *lib, const char *text, const GlanceSearchOptions *options)
{
    g_autoptr(GlanceQuery) q = glance_query_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_query_parse(q, text, &error));
    GPtrArray *results = glance_library_search(lib, q, options, NULL, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < results->len; i++) {
        GlanceSearchResult *r = results->pdata[i];
        g_assert_true(g_file_test(r->path, G_FILE_TEST_IS_REGULAR));
        if (i > 0)
            g_assert_cmpfloat(((GlanceSearchResult *)results->pdata[i - 1])->score, >=, r->score);
    }
    return results;
}

static gboolean contains_path(GPtrArray *results, const char *path)
{
    for (guint i = 0; i < results->len; i++)
        if (!strcmp(((GlanceSearchResult *)results->pdata[i])->path, path))
            return TRUE;
    return FALSE;
}

static void on_searched(GObject *source, GAsyncResult *result, gpointer data)
{
    GPtrArray **out = data;
    g_autoptr(GError) error = NULL;
    *out = glance_library_search_finish(GLANCE_LIBRARY(source), result, &error);
    g_assert_no_error(error);
}

static void test_search(void)
{
    g_autofree char *db = fresh_db("search.db");
    GlanceLibrary *lib = open_library(db, model, model_path);
    /* JPEGs with and without an EXIF date, a PNG with an old mtime. */
    g_autofree char *dated = in(photos, "dated.jpg"), *undated = in(photos, "undated.jpeg");
    g_autofree char *s7 = in(photos, "s0007.png"), *s8 = in(photos, "s0008.png"), *s9 = in(photos, "s0009.png");
    write_jpeg(s7, dated, "2010:06:15 12:00:00");
    write_jpeg(s8, undated, NULL);
    set_mtime(s9, 1104580800); /* 2005-01-01 12:00 UTC */
    const char *folders[] = { photos, NULL };
    GlanceIndexStats stats;
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_library_index(lib, folders, NULL, NULL, NULL, NULL, &stats, &error));
    guint indexed = stats.added;
    g_assert_cmpuint(indexed, >=, 10);

    GlanceSearchOptions o;
    glance_search_options_init(&o);
    g_autoptr(GPtrArray) all = search(lib, "a large red circle", &o);
    g_assert_cmpuint(all->len, ==, indexed);
    o.limit = 3;
    g_autoptr(GPtrArray) three = search(lib, "\"red\" + 0.5*\"circle\" - \"blue\"", &o);
    g_assert_cmpuint(three->len, ==, 3);

    /* An example image finds itself first, at cosine 1. */
    g_autofree char *example = g_strdup_printf("image:\"%s\"", s7);
    g_autoptr(GPtrArray) by_image = search(lib, example, &o);
    g_assert_cmpstr(((GlanceSearchResult *)by_image->pdata[0])->path, ==, s7);
    g_assert_cmpfloat_with_epsilon(((GlanceSearchResult *)by_image->pdata[0])->score, 1.0, 1e-4);

    /* Filters: type, EXIF date, mtime date, folder. */
    glance_search_options_init(&o);
    char *jpeg_types[] = { "jpg", NULL };
    o.types = jpeg_types;
    g_autoptr(GPtrArray) jpegs = search(lib, "a shape", &o);
    g_assert_cmpuint(jpegs->len, ==, 2);
    g_assert_true(contains_path(jpegs, dated) && contains_path(jpegs, undated));
    glance_search_options_init(&o);
    o.taken_after = 1275350400;  /* 2010-06-01 UTC */
    o.taken_before = 1277942400; /* 2010-07-01 UTC */
    g_autoptr(GPtrArray) june = search(lib, "a shape", &o);
    g_assert_cmpuint(june->len, ==, 1);
    g_assert_cmpstr(((GlanceSearchResult *)june->pdata[0])->path, ==, dated);
    g_assert_true(((GlanceSearchResult *)june->pdata[0])->taken_from_exif);
    o.taken_after = 1104000000;
    o.taken_before = 1105000000;
    g_autoptr(GPtrArray) old = search(lib, "a shape", &o);
    g_assert_cmpuint(old->len, ==, 1);
    g_assert_cmpstr(((GlanceSearchResult *)old->pdata[0])->path, ==, s9);
    g_assert_false(((GlanceSearchResult *)old->pdata[0])->taken_from_exif);
    glance_search_options_init(&o);
    g_autofree char *sub = in(photos, "sub");
    char *sub_only[] = { sub, NULL };
    o.folders = sub_only;
    g_autoptr(GPtrArray) in_sub = search(lib, "a shape", &o);
    g_assert_cmpuint(in_sub->len, ==, 2); /* moved.png and the copy */
    char *bad_type[] = { "docx", NULL };
    o.types = bad_type;
    g_autoptr(GlanceQuery) q = glance_query_new();
    glance_query_add_text(q, "x", 1);
    g_assert_null(glance_library_search(lib, q, &o, NULL, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY);
    g_clear_error(&error);

    /* Terms that cancel out. */
    g_autoptr(GlanceQuery) zero = glance_query_new();
    glance_query_parse(zero, "\"dog\" - \"dog\"", NULL);
    g_assert_null(glance_library_search(lib, zero, NULL, NULL, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY);
    g_clear_error(&error);

    /* Re-ranking: the top K carry ITM scores, in order; the rest do not. */
    glance_search_options_init(&o);
    o.limit = 8;
    o.rerank = 4;
    g_autoptr(GPtrArray) reranked = search(lib, "a large red circle", &o);
    g_assert_cmpuint(reranked->len, ==, 8);
    for (guint i = 0; i < reranked->len; i++) {
        GlanceSearchResult *r = reranked->pdata[i];
        g_assert_true(i < 4 ? !isnan(r->rerank_score) : isnan(r->rerank_score));
        if (i < 4)
            g_assert_true(r->rerank_score >= 0 && r->rerank_score <= 1);
    }
    /* The re-ranked four are the dual encoder's top four. */
    o.rerank = 0;
    o.limit = 4;
    g_autoptr(GPtrArray) plain = search(lib, "a large red circle", &o);
    for (guint i = 0; i < 4; i++)
        g_assert_true(contains_path(plain, ((GlanceSearchResult *)reranked->pdata[i])->path));

    /* A deleted file is not returned, even before the next index. */
    g_assert_cmpint(g_unlink(s7), ==, 0);
    glance_search_options_init(&o);
    o.limit = 100;
    g_autoptr(GPtrArray) after_delete = search(lib, "a shape", &o);
    g_assert_cmpuint(after_delete->len, ==, indexed - 1);
    g_assert_false(contains_path(after_delete, s7));

    /* Rows another connection adds reach this library's matrix (incrementally), and so
     * do rows it removes (a full reload). */
    GlanceLibrary *other = open_library(db, model, model_path);
    g_autofree char *extra = in(photos, "extra.png");
    write_flipped(s8, extra);
    g_assert_true(glance_library_index(other, folders, NULL, NULL, NULL, NULL, &stats, &error));
    g_assert_cmpuint(stats.added, ==, 1);
    g_assert_cmpuint(stats.removed, ==, 1);
    g_autoptr(GPtrArray) after_add = search(lib, "a shape", &o);
    g_assert_cmpuint(after_add->len, ==, indexed);
    g_assert_true(contains_path(after_add, extra));
    g_object_unref(other);

    /* Async search. */
    GPtrArray *async_results = NULL;
    g_autoptr(GlanceQuery) aq = glance_query_new();
    glance_query_add_text(aq, "a small green star", 1);
    glance_library_search_async(lib, aq, &o, NULL, on_searched, &async_results);
    while (!async_results)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(async_results->len, ==, indexed);
    g_ptr_array_unref(async_results);
    g_object_unref(lib);
    check_database(db);
}

/* ---- two models in one database ---- */

static void test_vectors_per_model(void)
{
    g_autofree char *db = fresh_db("models.db");
    g_autofree char *f16_path = in(tmp, "ref-f16.safetensors");
    const char *cli = g_getenv("GLANCE_CLI");
    g_assert_nonnull(cli);
    run_or_die((const char *[]){ cli, "import", "../shared/golden/vlmo-ref-a/vlmo-ref-a.pt", "--vocab",
                                 "../shared/vocab/bert-base-uncased-vocab.txt", "--answers",
                                 "../shared/vqa/vqav2-answers-3129.txt", "--dtype", "f16", "-o", f16_path, NULL });
    GlanceModel *f16 = NULL;
    GlanceError err = { 0 };
    g_assert_cmpint(glance_model_open(f16_path, &f16, &err), ==, GLANCE_OK);

    GlanceLibrary *lib = open_library(db, model, model_path);
    const char *folders[] = { photos, NULL };
    GlanceIndexStats a, b;
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_library_index(lib, folders, NULL, NULL, NULL, NULL, &a, &error));
    g_autofree char *id_f32 = g_strdup(glance_library_get_model_id(lib));
    g_assert_true(glance_library_set_model(lib, f16, f16_path, &error));
    g_assert_cmpstr(glance_library_get_model_id(lib), !=, id_f32);
    g_assert_cmpuint(strlen(glance_library_get_model_id(lib)), ==, 64);
    /* Another model: every photo needs its own vector, none is borrowed across models. */
    g_assert_true(glance_library_index(lib, folders, NULL, NULL, NULL, NULL, &b, &error));
    g_assert_cmpuint(b.added, ==, 0);
    g_assert_cmpuint(b.updated, ==, a.added);
    /* Identical files share a vector within a model; whether a copy is reused or encoded
     * again depends on which batch of 8 it lands in, so only the sum is fixed. */
    g_assert_cmpuint(b.encoded + b.reused, ==, a.encoded + a.reused);
    g_assert_cmpuint(b.encoded, >=, 1);
    g_assert_cmpuint(b.failed, ==, a.failed); /* decode failures do not depend on the model */
    GlanceLibraryCounts counts;
    g_assert_true(glance_library_get_counts(lib, &counts, &error));
    g_assert_cmpuint(counts.indexed, ==, a.added);
    /* Search with each model sees exactly its own vectors. */
    GlanceSearchOptions o;
    glance_search_options_init(&o);
    o.limit = 1000;
    g_autoptr(GPtrArray) r16 = search(lib, "a shape", &o);
    g_assert_cmpuint(r16->len, ==, a.added);
    g_assert_true(glance_library_set_model(lib, model, model_path, &error));
    g_autoptr(GPtrArray) r32 = search(lib, "a shape", &o);
    g_assert_cmpuint(r32->len, ==, a.added);
    g_object_unref(lib);
    glance_model_close(f16);
    sqlite3 *raw = NULL;
    sqlite3_open(db, &raw);
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2(raw, "SELECT count(*), count(DISTINCT model_id) FROM embeddings", -1, &stmt, NULL);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(stmt, 0), ==, 2 * a.added);
    g_assert_cmpint(sqlite3_column_int(stmt, 1), ==, 2);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
}

int main(int argc, char **argv)
{
    drop_permission_override();
    g_test_init(&argc, &argv, NULL);
    const char *base = g_getenv("GLANCE_TEST_TMP");
    model_path = g_strdup(g_getenv("GLANCE_GOLDEN_MODEL_FILE"));
    if (!base || !model_path) {
        g_printerr("GLANCE_TEST_TMP and GLANCE_GOLDEN_MODEL_FILE must be set (run through meson test)\n");
        return 1;
    }
    tmp = g_build_filename(base, "library-index", NULL);
    photos = g_build_filename(tmp, "photos", NULL);
    remove_tree(tmp);
    g_mkdir_with_parents(tmp, 0700);
    make_scenes(photos, N_PHOTOS, 11);
    GlanceError err = { 0 };
    if (glance_model_open(model_path, &model, &err) != GLANCE_OK) {
        g_printerr("%s\n", err.message);
        return 1;
    }
    glance_set_threads(1);
    /* GTest runs the index tests in this order, then the search test: each starts from
     * the folder the previous one left. */
    g_test_add_func("/library/index/incremental-counts", test_incremental_counts);
    g_test_add_func("/library/index/cancel-resume", test_cancel_resume);
    g_test_add_func("/library/index/async", test_async);
    g_test_add_func("/library/search/filters-images-rerank", test_search);
    g_test_add_func("/library/index/vectors-per-model", test_vectors_per_model);
    int status = g_test_run();
    glance_model_close(model);
    return status;
}

/* test-library-unit.c — the library's pure parts: EXIF dates, query arithmetic, top-k
 * selection, and opening databases of every schema version (empty, current, newer,
 * foreign, garbage). No model needed. */
#include "glance-exif.h"
#include "glance-query.h"
#include "glance-library.h"
#include "glance-history.h"
#include "glance-library-private.h"
#include "glance-vector-matrix.h"
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* ---- EXIF: byte builders ---- */

typedef struct {
    GByteArray *b;
    gboolean be;
} Writer;

static void put16(Writer *w, guint v)
{
    guint8 x[2] = { w->be ? v >> 8 : v & 0xff, w->be ? v & 0xff : v >> 8 };
    g_byte_array_append(w->b, x, 2);
}

static void put32(Writer *w, guint32 v)
{
    guint8 x[4];
    for (int i = 0; i < 4; i++)
        x[w->be ? 3 - i : i] = (v >> (8 * i)) & 0xff;
    g_byte_array_append(w->b, x, 4);
}

typedef struct {
    guint tag;
    const char *ascii; /* NULL: a LONG pointer to the Exif IFD */
} Entry;

/* A TIFF structure: IFD0 with `ifd0` entries and, when exif_n > 0, an Exif sub-IFD. */
static GByteArray *make_tiff(gboolean be, const Entry *ifd0, int ifd0_n, const Entry *exif, int exif_n)
{
    Writer w = { g_byte_array_new(), be };
    g_byte_array_append(w.b, (const guint8 *)(be ? "MM\0*" : "II*\0"), 4);
    put32(&w, 8);
    /* Layout: IFD0 at 8, Exif IFD right after, then every string. */
    int n0 = ifd0_n + (exif_n > 0);
    guint32 exif_at = 8 + 2 + 12 * n0 + 4;
    guint32 strings_at = exif_at + (exif_n > 0 ? 2 + 12 * exif_n + 4 : 0);
    GByteArray *strings = g_byte_array_new();
    const Entry *lists[2] = { ifd0, exif };
    int counts[2] = { ifd0_n, exif_n };
    for (int l = 0; l < 2; l++) {
        if (l == 1 && exif_n == 0)
            break;
        put16(&w, counts[l] + (l == 0 && exif_n > 0));
        if (l == 0 && exif_n > 0) {
            put16(&w, 0x8769);
            put16(&w, 4);
            put32(&w, 1);
            put32(&w, exif_at);
        }
        for (int i = 0; i < counts[l]; i++) {
            guint32 len = strlen(lists[l][i].ascii) + 1;
            put16(&w, lists[l][i].tag);
            put16(&w, 2);
            put32(&w, len);
            if (len <= 4) {
                guint8 inline_value[4] = { 0 };
                memcpy(inline_value, lists[l][i].ascii, len);
                g_byte_array_append(w.b, inline_value, 4);
            } else {
                put32(&w, strings_at + strings->len);
                g_byte_array_append(strings, (const guint8 *)lists[l][i].ascii, len);
            }
        }
        put32(&w, 0);
    }
    g_byte_array_append(w.b, strings->data, strings->len);
    g_byte_array_unref(strings);
    return w.b;
}

static GByteArray *wrap_jpeg(GByteArray *tiff)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"\xFF\xD8", 2);
    /* An APP0 and an XMP APP1 first: the reader must skip segments that are not EXIF. */
    static const guint8 app0[] = { 0xFF, 0xE0, 0, 7, 'J', 'F', 'I', 'F', 0 };
    g_byte_array_append(b, app0, sizeof app0);
    static const guint8 xmp[] = { 0xFF, 0xE1, 0, 8, 'h', 't', 't', 'p', ':', '/' };
    g_byte_array_append(b, xmp, sizeof xmp);
    guint len = tiff->len + 8;
    guint8 head[10] = { 0xFF, 0xE1, len >> 8, len & 0xff, 'E', 'x', 'i', 'f', 0, 0 };
    g_byte_array_append(b, head, sizeof head);
    g_byte_array_append(b, tiff->data, tiff->len);
    g_byte_array_append(b, (const guint8 *)"\xFF\xDA\x00\x02\xFF\xD9", 6);
    return b;
}

static GByteArray *wrap_png(GByteArray *tiff)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
    static const guint8 ihdr[] = { 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0 };
    g_byte_array_append(b, ihdr, sizeof ihdr);
    guint8 len[4] = { tiff->len >> 24, tiff->len >> 16, tiff->len >> 8, tiff->len };
    g_byte_array_append(b, len, 4);
    g_byte_array_append(b, (const guint8 *)"eXIf", 4);
    g_byte_array_append(b, tiff->data, tiff->len);
    g_byte_array_append(b, (const guint8 *)"\0\0\0\0", 4);
    return b;
}

static GByteArray *wrap_webp(GByteArray *tiff, gboolean with_prefix)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"RIFF\0\0\0\0WEBP", 12);
    g_byte_array_append(b, (const guint8 *)"VP8X\x0a\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
    guint n = tiff->len + (with_prefix ? 6 : 0);
    guint8 head[8] = { 'E', 'X', 'I', 'F', n & 0xff, n >> 8, n >> 16, n >> 24 };
    g_byte_array_append(b, head, 8);
    if (with_prefix)
        g_byte_array_append(b, (const guint8 *)"Exif\0\0", 6);
    g_byte_array_append(b, tiff->data, tiff->len);
    return b;
}

static void assert_date(GByteArray *bytes, int y, int mo, int d, int h, int mi, int s)
{
    GlanceExifDate date;
    g_assert_true(glance_exif_find_date(bytes->data, bytes->len, &date));
    g_assert_cmpint(date.year, ==, y);
    g_assert_cmpint(date.month, ==, mo);
    g_assert_cmpint(date.day, ==, d);
    g_assert_cmpint(date.hour, ==, h);
    g_assert_cmpint(date.minute, ==, mi);
    g_assert_cmpint(date.second, ==, s);
}

static const Entry ifd0_dated[] = { { 0x0132, "2001:02:03 04:05:06" } };
static const Entry exif_full[] = {
    { 0x9004, "2015:05:05 05:05:05" },
    { 0x9003, "2020:01:02 03:04:05" },
    { 0x9011, "+02:00" },
};

static void test_exif_containers(void)
{
    for (int be = 0; be <= 1; be++) {
        g_autoptr(GByteArray) tiff = make_tiff(be, ifd0_dated, 1, exif_full, 3);
        assert_date(tiff, 2020, 1, 2, 3, 4, 5);
        g_autoptr(GByteArray) jpeg = wrap_jpeg(tiff);
        assert_date(jpeg, 2020, 1, 2, 3, 4, 5);
        g_autoptr(GByteArray) png = wrap_png(tiff);
        assert_date(png, 2020, 1, 2, 3, 4, 5);
        g_autoptr(GByteArray) webp = wrap_webp(tiff, FALSE);
        assert_date(webp, 2020, 1, 2, 3, 4, 5);
        g_autoptr(GByteArray) webp_prefixed = wrap_webp(tiff, TRUE);
        assert_date(webp_prefixed, 2020, 1, 2, 3, 4, 5);
    }
}

static void test_exif_preference_and_offset(void)
{
    g_autoptr(GByteArray) full = make_tiff(FALSE, ifd0_dated, 1, exif_full, 3);
    GlanceExifDate date;
    g_assert_true(glance_exif_find_date(full->data, full->len, &date));
    g_assert_true(date.has_offset);
    g_assert_cmpint(date.offset_minutes, ==, 120);
    /* 2020-01-02 03:04:05 at +02:00 is 01:04:05 UTC. */
    g_assert_cmpint(glance_exif_date_to_unix(&date), ==, 1577934245 - 7200);

    static const Entry digitized_only[] = { { 0x9004, "2015:05:05 05:05:05" } };
    g_autoptr(GByteArray) digitized = make_tiff(TRUE, ifd0_dated, 1, digitized_only, 1);
    assert_date(digitized, 2015, 5, 5, 5, 5, 5);
    g_autoptr(GByteArray) ifd0_only = make_tiff(FALSE, ifd0_dated, 1, NULL, 0);
    assert_date(ifd0_only, 2001, 2, 3, 4, 5, 6);
    g_assert_true(glance_exif_find_date(ifd0_only->data, ifd0_only->len, &date));
    g_assert_false(date.has_offset);
}

static void test_exif_invalid(void)
{
    static const Entry zero[] = { { 0x9003, "0000:00:00 00:00:00" } };
    static const Entry blank[] = { { 0x9003, "    :  :     :  :  " } };
    static const Entry feb30[] = { { 0x9003, "2021:02:30 10:00:00" } };
    static const Entry tiny[] = { { 0x9003, "abc" } }; /* inline value, too short */
    const Entry *bad[] = { zero, blank, feb30, tiny };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GByteArray) tiff = make_tiff(FALSE, NULL, 0, bad[i], 1);
        GlanceExifDate date;
        g_assert_false(glance_exif_find_date(tiff->data, tiff->len, &date));
    }
    GlanceExifDate date;
    g_assert_false(glance_exif_find_date(NULL, 0, &date));
    g_assert_false(glance_exif_find_date((const guint8 *)"\xFF\xD8", 2, &date));
    g_assert_false(glance_exif_find_date((const guint8 *)"plain text, not an image", 24, &date));
}

/* Every prefix and every single-byte corruption: no crash, no read outside (run under
 * ASan or valgrind to see the second). */
static void test_exif_truncated_and_corrupted(void)
{
    g_autoptr(GByteArray) tiff = make_tiff(TRUE, ifd0_dated, 1, exif_full, 3);
    g_autoptr(GByteArray) jpeg = wrap_jpeg(tiff);
    GlanceExifDate date;
    for (guint len = 0; len <= jpeg->len; len++) {
        guint8 *copy = g_memdup2(jpeg->data, len); /* exact-size heap block */
        glance_exif_find_date(copy, len, &date);
        g_free(copy);
    }
    for (guint at = 0; at < jpeg->len; at++) {
        for (int value = 0; value < 256; value += 51) {
            guint8 *copy = g_memdup2(jpeg->data, jpeg->len);
            copy[at] = value;
            glance_exif_find_date(copy, jpeg->len, &date);
            g_free(copy);
        }
    }
}

/* ---- query arithmetic ---- */

static GlanceQuery *parse_ok(const char *text)
{
    GlanceQuery *q = glance_query_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_query_parse(q, text, &error));
    g_assert_no_error(error);
    return q;
}

static void assert_term(GlanceQuery *q, guint i, GlanceQueryTermKind kind, const char *value, double weight)
{
    const GlanceQueryTerm *t = glance_query_get_term(q, i);
    g_assert_cmpint(t->kind, ==, kind);
    g_assert_cmpstr(t->value, ==, value);
    g_assert_cmpfloat_with_epsilon(t->weight, weight, 1e-12);
}

static void test_query_plain(void)
{
    g_autoptr(GlanceQuery) q = parse_ok("  red car at the beach - black-and-white  ");
    g_assert_cmpuint(glance_query_get_n_terms(q), ==, 1);
    assert_term(q, 0, GLANCE_QUERY_TEXT, "red car at the beach - black-and-white", 1);
}

static void test_query_arithmetic(void)
{
    g_autoptr(GlanceQuery) q = parse_ok("\"beach\" + \"sunset\" - \"people\"");
    g_assert_cmpuint(glance_query_get_n_terms(q), ==, 3);
    assert_term(q, 0, GLANCE_QUERY_TEXT, "beach", 1);
    assert_term(q, 1, GLANCE_QUERY_TEXT, "sunset", 1);
    assert_term(q, 2, GLANCE_QUERY_TEXT, "people", -1);

    g_autoptr(GlanceQuery) w = parse_ok("-0.5*\"snow\" + 2 * \"dog\"+\"cat\"*1.5e0 - .25 \"say \\\"hi\\\" \\\\o/\"");
    g_assert_cmpuint(glance_query_get_n_terms(w), ==, 4);
    assert_term(w, 0, GLANCE_QUERY_TEXT, "snow", -0.5);
    assert_term(w, 1, GLANCE_QUERY_TEXT, "dog", 2);
    assert_term(w, 2, GLANCE_QUERY_TEXT, "cat", 1.5);
    assert_term(w, 3, GLANCE_QUERY_TEXT, "say \"hi\" \\o/", -0.25);

    g_autoptr(GlanceQuery) img = parse_ok("image:photos/cat.jpg + 0.3*image:\"my dog.png\" - \"hat\"");
    g_assert_cmpuint(glance_query_get_n_terms(img), ==, 3);
    assert_term(img, 0, GLANCE_QUERY_IMAGE, "photos/cat.jpg", 1);
    assert_term(img, 1, GLANCE_QUERY_IMAGE, "my dog.png", 0.3);
    assert_term(img, 2, GLANCE_QUERY_TEXT, "hat", -1);

    /* Round trip through the printed form. */
    g_autofree char *printed = glance_query_to_string(w);
    g_autoptr(GlanceQuery) again = parse_ok(printed);
    for (guint i = 0; i < 4; i++) {
        const GlanceQueryTerm *t = glance_query_get_term(w, i);
        assert_term(again, i, t->kind, t->value, t->weight);
    }
}

static void test_query_errors(void)
{
    static const struct {
        const char *text;
        const char *message_part;
    } cases[] = {
        { "", "empty" },
        { "   ", "empty" },
        { "\"beach", "unterminated quote at column 1" },
        { "\"beach\" \"sunset\"", "expected + or - between terms at column 9" },
        { "\"beach\" + ", "expected a quoted text or image:FILE at column 11" },
        { "\"beach\" + sunset", "expected a quoted text or image:FILE at column 11" },
        { "\"\"", "empty text" },
        { "image:", "empty image path" },
        { "2*\"a\"*3", "one weight" },
        { "\"a\" * x", "expected a number" },
        { "1e999*\"a\"", "expected a number" },
        { "\"a\" + - \"b\"", "expected a quoted text" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GlanceQuery) q = glance_query_new();
        g_autoptr(GError) error = NULL;
        g_assert_false(glance_query_parse(q, cases[i].text, &error));
        g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY);
        if (!strstr(error->message, cases[i].message_part))
            g_error("query %s: message '%s' lacks '%s'", cases[i].text, error->message, cases[i].message_part);
        g_assert_cmpuint(glance_query_get_n_terms(q), ==, 0); /* nothing appended on error */
    }
}

/* ---- top-k ---- */

static void test_top_k(void)
{
    const int dim = 7, n = 1000;
    GlanceVectorMatrix *m = glance_vector_matrix_new(dim);
    GRand *rng = g_rand_new_with_seed(3);
    float v[7];
    for (int i = 0; i < n; i++) {
        for (int d = 0; d < dim; d++)
            v[d] = (float)g_rand_double_range(rng, -1, 1);
        if (i % 10 == 3) /* exact duplicates: ties broken by row order */
            memcpy(v, m->vectors + (i - 1) * dim, sizeof v);
        glance_vector_matrix_append(m, v, 100 + i, i + 1);
    }
    float q[7] = { 0.3f, -0.2f, 0.5f, 0.1f, 0.0f, -0.7f, 0.2f };
    g_autofree guint8 *eligible = g_new(guint8, n);
    for (int i = 0; i < n; i++)
        eligible[i] = i % 3 != 0;
    double brute[1000];
    for (int i = 0; i < n; i++) {
        brute[i] = 0;
        for (int d = 0; d < dim; d++)
            brute[i] += (double)m->vectors[i * dim + d] * q[d];
    }
    gsize rows[1200];
    float scores[1200];
    const gsize ks[] = { 1, 10, 333, 1200 };
    for (gsize t = 0; t < G_N_ELEMENTS(ks); t++) {
        for (int masked = 0; masked <= 1; masked++) {
            gsize got = glance_vector_matrix_top_k(m, q, masked ? eligible : NULL, ks[t], rows, scores);
            gsize eligible_n = masked ? 666 : (gsize)n;
            g_assert_cmpuint(got, ==, MIN(ks[t], eligible_n));
            for (gsize i = 0; i < got; i++) {
                g_assert_true(!masked || eligible[rows[i]]);
                g_assert_cmpfloat_with_epsilon(scores[i], brute[rows[i]], 1e-5);
                if (i > 0) {
                    g_assert_cmpfloat(scores[i - 1], >=, scores[i]);
                    if (scores[i - 1] == scores[i])
                        g_assert_cmpuint(rows[i - 1], <, rows[i]);
                }
            }
            /* Nothing left out scores above the last one kept. */
            for (int i = 0; got == ks[t] && i < n; i++) {
                gboolean kept = FALSE;
                for (gsize j = 0; j < got; j++)
                    kept |= rows[j] == (gsize)i;
                if (!kept && (!masked || eligible[i]))
                    g_assert_cmpfloat(brute[i], <=, scores[got - 1] + 1e-5);
            }
        }
    }
    g_assert_cmpuint(glance_vector_matrix_top_k(m, q, NULL, 0, rows, scores), ==, 0);
    g_rand_free(rng);
    glance_vector_matrix_free(m);
}

/* ---- opening databases ---- */

static char *tmp_path(const char *name)
{
    const char *base = g_getenv("GLANCE_TEST_TMP");
    g_autofree char *dir = g_build_filename(base ? base : g_get_tmp_dir(), "library-unit", NULL);
    g_mkdir_with_parents(dir, 0700);
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
    g_unlink(path);
    g_unlink(wal);
    g_unlink(shm);
    return path;
}

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    int v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

static void run_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

static void test_open_versions(void)
{
    g_autoptr(GError) error = NULL;
    /* Missing, without create. */
    g_autofree char *missing = tmp_path("missing.db");
    g_assert_null(glance_library_open(missing, FALSE, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND);
    g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
    g_clear_error(&error);

    /* A zero-byte file is an empty version-0 database: migrated to the current schema. */
    g_autofree char *empty = tmp_path("empty.db");
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    GlanceLibrary *lib = glance_library_open(empty, FALSE, &error);
    g_assert_no_error(error);
    g_clear_object(&lib);
    g_assert_cmpint(user_version(empty), ==, GLANCE_LIBRARY_SCHEMA_VERSION);
    /* A version-0 database SQLite already wrote (journal mode set, no tables). */
    g_autofree char *v0 = tmp_path("v0.db");
    run_sql(v0, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 0; VACUUM");
    lib = glance_library_open(v0, FALSE, &error);
    g_assert_no_error(error);
    g_clear_object(&lib);
    g_assert_cmpint(user_version(v0), ==, GLANCE_LIBRARY_SCHEMA_VERSION);
    /* Reopening the current version changes nothing. */
    lib = glance_library_open(v0, FALSE, &error);
    g_assert_no_error(error);
    GlanceLibraryCounts counts;
    g_assert_true(glance_library_get_counts(lib, &counts, &error));
    g_assert_cmpuint(counts.photos, ==, 0);
    g_clear_object(&lib);

    /* A version-1 library (before the question history) keeps its rows and gains the table. */
    g_autofree char *v1 = tmp_path("v1.db");
    lib = glance_library_open(v1, TRUE, &error);
    g_assert_no_error(error);
    g_clear_object(&lib);
    run_sql(v1, "DROP TABLE question_history; ALTER TABLE models DROP COLUMN served; "
                "INSERT INTO models (sha256, dim) VALUES ('ab', 4); PRAGMA user_version = 1");
    g_assert_true(glance_history_add(v1, "/photos/a.png", "what colour?", "red", 0.9, &error));
    g_assert_no_error(error);
    g_assert_cmpint(user_version(v1), ==, GLANCE_LIBRARY_SCHEMA_VERSION);
    g_autoptr(GPtrArray) asked = glance_history_list(v1, "/photos/a.png", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(asked->len, ==, 1);
    g_assert_cmpstr(((GlanceHistoryEntry *)asked->pdata[0])->answer, ==, "red");
    g_autoptr(GPtrArray) none = glance_history_list(missing, "/photos/a.png", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(none->len, ==, 0);
    g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));

    /* A version-2 library (before the serving model was recorded): the model with the
     * most vectors is taken to be the one that served. */
    g_autofree char *v2 = tmp_path("v2.db");
    lib = glance_library_open(v2, TRUE, &error);
    g_assert_no_error(error);
    g_clear_object(&lib);
    run_sql(v2, "ALTER TABLE models DROP COLUMN served; "
                "INSERT INTO models (id, sha256, dim) VALUES (1, 'old', 1), (2, 'used', 1), (3, 'unused', 1); "
                "INSERT INTO photos (id, path, size, mtime_ns, taken) VALUES (1, '/p/1.png', 1, 1, 1), "
                "(2, '/p/2.png', 1, 1, 1); "
                "INSERT INTO embeddings (photo_id, model_id, dim, vector) VALUES (1, 1, 1, zeroblob(4)), "
                "(1, 2, 1, zeroblob(4)), (2, 2, 1, zeroblob(4)); PRAGMA user_version = 2");
    lib = glance_library_open(v2, FALSE, &error);
    g_assert_no_error(error);
    g_clear_object(&lib);
    g_assert_cmpint(user_version(v2), ==, GLANCE_LIBRARY_SCHEMA_VERSION);
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint(sqlite3_open(v2, &raw), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(raw, "SELECT group_concat(sha256 || '=' || coalesce(served, 'null'), ' ') "
                                            "FROM (SELECT * FROM models ORDER BY id)", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(stmt, 0), ==, "old=null used=1 unused=null");
    sqlite3_finalize(stmt);
    sqlite3_close(raw);

    /* A newer Glance's library: refused, byte for byte untouched. */
    g_autofree char *future = tmp_path("future.db");
    run_sql(future, "PRAGMA journal_mode = DELETE; CREATE TABLE photos_v9(x); PRAGMA user_version = 9");
    g_autofree char *before = NULL, *after = NULL;
    gsize before_len, after_len;
    g_assert_true(g_file_get_contents(future, &before, &before_len, NULL));
    g_assert_null(glance_library_open(future, TRUE, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_TOO_NEW);
    g_assert_nonnull(strstr(error->message, "newer version of Glance"));
    g_assert_nonnull(strstr(error->message, "schema 9"));
    g_clear_error(&error);
    g_assert_true(g_file_get_contents(future, &after, &after_len, NULL));
    g_assert_cmpmem(before, before_len, after, after_len);
    g_assert_cmpint(user_version(future), ==, 9);

    /* Someone else's SQLite database at version 0. */
    g_autofree char *foreign = tmp_path("foreign.db");
    run_sql(foreign, "CREATE TABLE contacts(name TEXT)");
    g_assert_null(glance_library_open(foreign, TRUE, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY);
    g_clear_error(&error);

    /* Not SQLite at all. */
    g_autofree char *garbage = tmp_path("garbage.db");
    g_assert_true(g_file_set_contents(garbage, "this is not a database, just some text that is long enough", -1, NULL));
    g_assert_null(glance_library_open(garbage, TRUE, &error));
    g_assert_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_A_LIBRARY);
    g_clear_error(&error);

    /* Creating, with the parent folder. */
    g_autofree char *fresh_dir = tmp_path("new-folder");
    g_autofree char *fresh = g_build_filename(fresh_dir, "sub", "library.db", NULL);
    lib = glance_library_open(fresh, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(glance_library_get_path(lib), ==, fresh);
    g_clear_object(&lib);
    g_assert_cmpint(user_version(fresh), ==, GLANCE_LIBRARY_SCHEMA_VERSION);
}

static void test_folder_range(void)
{
    char *lo, *hi;
    library_folder_range("/a/b", &lo, &hi);
    g_assert_cmpstr(lo, ==, "/a/b/");
    g_assert_cmpstr(hi, ==, "/a/b0");
    /* "/a/b-c/x" and "/a/bc" sort outside [lo, hi); "/a/b/x" inside. */
    g_assert_cmpint(strcmp("/a/b/x", lo), >=, 0);
    g_assert_cmpint(strcmp("/a/b/x", hi), <, 0);
    g_assert_true(strcmp("/a/b-c/x", lo) < 0 || strcmp("/a/b-c/x", hi) >= 0);
    g_assert_true(strcmp("/a/bc", lo) < 0 || strcmp("/a/bc", hi) >= 0);
    g_free(lo);
    g_free(hi);
    g_autofree char *n = library_normalize_path("/x/./y//z/../w/");
    g_assert_cmpstr(n, ==, "/x/y/w");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/library/exif/containers", test_exif_containers);
    g_test_add_func("/library/exif/preference-and-offset", test_exif_preference_and_offset);
    g_test_add_func("/library/exif/invalid", test_exif_invalid);
    g_test_add_func("/library/exif/truncated-and-corrupted", test_exif_truncated_and_corrupted);
    g_test_add_func("/library/query/plain", test_query_plain);
    g_test_add_func("/library/query/arithmetic", test_query_arithmetic);
    g_test_add_func("/library/query/errors", test_query_errors);
    g_test_add_func("/library/matrix/top-k", test_top_k);
    g_test_add_func("/library/db/open-versions", test_open_versions);
    g_test_add_func("/library/db/folder-range", test_folder_range);
    return g_test_run();
}

/* test-zip.c — the checkpoint zip reader on archives built here byte by byte:
 * stored, deflated and ZIP64 entries, and every kind of damage. */
#include "glance-import-error.h"
#include "glance-zip.h"
#include <string.h>
#include <zlib.h>

typedef struct {
    const char *name;
    const char *data;
    gboolean deflate;
    gboolean level0;    /* deflate without compressing: the data stays readable in the archive */
} Entry;

static void put16(GByteArray *b, guint v)
{
    guint8 x[2] = { v & 0xff, (v >> 8) & 0xff };
    g_byte_array_append(b, x, 2);
}
static void put32(GByteArray *b, guint32 v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}
static void put64(GByteArray *b, guint64 v)
{
    put32(b, (guint32)v);
    put32(b, (guint32)(v >> 32));
}

static GByteArray *raw_deflate(const char *data, int level)
{
    z_stream s = { 0 };
    g_assert_cmpint(deflateInit2(&s, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
    GByteArray *out = g_byte_array_sized_new(strlen(data) + 64);
    g_byte_array_set_size(out, (guint)(deflateBound(&s, strlen(data))));
    s.next_in = (Bytef *)data;
    s.avail_in = (uInt)strlen(data);
    s.next_out = out->data;
    s.avail_out = out->len;
    g_assert_cmpint(deflate(&s, Z_FINISH), ==, Z_STREAM_END);
    g_byte_array_set_size(out, (guint)s.total_out);
    deflateEnd(&s);
    return out;
}

/* A zip archive; with zip64 the central directory saturates sizes and
 * offsets and carries the real ones in ZIP64 extra fields and records. */
static GByteArray *build_zip(const Entry *entries, guint n, gboolean zip64, const char *comment)
{
    GByteArray *zip = g_byte_array_new();
    guint32 offsets[16];
    GByteArray *payloads[16];
    for (guint i = 0; i < n; i++) {
        const Entry *e = &entries[i];
        payloads[i] = e->deflate ? raw_deflate(e->data, e->level0 ? 0 : 9) : NULL;
        const guint8 *payload = payloads[i] ? payloads[i]->data : (const guint8 *)e->data;
        guint32 csize = payloads[i] ? payloads[i]->len : (guint32)strlen(e->data);
        offsets[i] = zip->len;
        put32(zip, 0x04034b50);
        put16(zip, 20);
        put16(zip, 0);
        put16(zip, e->deflate ? 8 : 0);
        put32(zip, 0);
        put32(zip, (guint32)crc32(0, (const Bytef *)e->data, (uInt)strlen(e->data)));
        put32(zip, csize);
        put32(zip, (guint32)strlen(e->data));
        put16(zip, (guint)strlen(e->name));
        put16(zip, 4); /* a padding extra field, as torch writes to align data */
        g_byte_array_append(zip, (const guint8 *)e->name, (guint)strlen(e->name));
        put16(zip, 0x4246); /* "FB" */
        put16(zip, 0);
        g_byte_array_append(zip, payload, csize);
    }
    guint32 directory = zip->len;
    for (guint i = 0; i < n; i++) {
        const Entry *e = &entries[i];
        guint32 csize = payloads[i] ? payloads[i]->len : (guint32)strlen(e->data);
        put32(zip, 0x02014b50);
        put16(zip, 45);
        put16(zip, 45);
        put16(zip, 0);
        put16(zip, e->deflate ? 8 : 0);
        put32(zip, 0);
        put32(zip, (guint32)crc32(0, (const Bytef *)e->data, (uInt)strlen(e->data)));
        put32(zip, zip64 ? 0xFFFFFFFFu : csize);
        put32(zip, zip64 ? 0xFFFFFFFFu : (guint32)strlen(e->data));
        put16(zip, (guint)strlen(e->name));
        put16(zip, zip64 ? 28 : 0);
        put16(zip, 0);
        put16(zip, 0);
        put16(zip, 0);
        put32(zip, 0);
        put32(zip, zip64 ? 0xFFFFFFFFu : offsets[i]);
        g_byte_array_append(zip, (const guint8 *)e->name, (guint)strlen(e->name));
        if (zip64) {
            put16(zip, 0x0001);
            put16(zip, 24);
            put64(zip, strlen(e->data));
            put64(zip, csize);
            put64(zip, offsets[i]);
        }
        if (payloads[i])
            g_byte_array_unref(payloads[i]);
    }
    guint32 directory_size = zip->len - directory;
    if (zip64) {
        guint32 record = zip->len;
        put32(zip, 0x06064b50);
        put64(zip, 44);
        put16(zip, 45);
        put16(zip, 45);
        put32(zip, 0);
        put32(zip, 0);
        put64(zip, n);
        put64(zip, n);
        put64(zip, directory_size);
        put64(zip, directory);
        put32(zip, 0x07064b50);
        put32(zip, 0);
        put64(zip, record);
        put32(zip, 1);
    }
    put32(zip, 0x06054b50);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, zip64 ? 0xFFFF : n);
    put16(zip, zip64 ? 0xFFFF : n);
    put32(zip, zip64 ? 0xFFFFFFFFu : directory_size);
    put32(zip, zip64 ? 0xFFFFFFFFu : directory);
    put16(zip, comment ? (guint)strlen(comment) : 0);
    if (comment)
        g_byte_array_append(zip, (const guint8 *)comment, (guint)strlen(comment));
    return zip;
}

static const Entry sample[] = {
    { "ckpt/data.pkl", "\x80\x02}q\x00.", FALSE, FALSE },
    { "ckpt/data/0", "0123456789abcdef0123456789abcdef", TRUE, FALSE },
    { "ckpt/version", "3\n", FALSE, FALSE },
};

static void check_sample(GByteArray *bytes)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceZip) zip = glance_zip_open_memory(bytes->data, bytes->len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(glance_zip_n_entries(zip), ==, G_N_ELEMENTS(sample));
    for (guint i = 0; i < G_N_ELEMENTS(sample); i++) {
        const GlanceZipEntry *entry = glance_zip_find(zip, sample[i].name);
        g_assert_nonnull(entry);
        g_assert_cmpuint(entry->size, ==, strlen(sample[i].data));
        const guint8 *data = glance_zip_read(zip, entry, &error);
        g_assert_no_error(error);
        g_assert_cmpmem(data, entry->size, sample[i].data, strlen(sample[i].data));
        /* a second read returns the same bytes (inflated once, CRC checked once) */
        g_assert_true(glance_zip_read(zip, entry, &error) == data);
    }
    g_assert_null(glance_zip_find(zip, "ckpt/data/1"));
}

static void test_stored_and_deflated(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), FALSE, NULL);
    check_sample(bytes);
}

static void test_zip64(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), TRUE, NULL);
    check_sample(bytes);
}

static void test_comment(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), FALSE,
                                            "a comment that contains PK\x05\x06 inside");
    check_sample(bytes);
}

static void expect_open_error(const guint8 *data, gsize size, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    GlanceZip *zip = glance_zip_open_memory(data, size, &error);
    g_assert_null(zip);
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT);
    if (fragment && !strstr(error->message, fragment))
        g_error("'%s' does not mention '%s'", error->message, fragment);
}

static void test_not_a_zip(void)
{
    const char *text = "this is a text file, not an archive\n";
    expect_open_error((const guint8 *)text, strlen(text), "end-of-central-directory");
    expect_open_error((const guint8 *)"", 0, "end-of-central-directory");
}

static void test_every_truncation_fails(void)
{
    for (int zip64 = 0; zip64 <= 1; zip64++) {
        g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), zip64, NULL);
        /* Each prefix is copied to its own allocation so ASan sees any overread. */
        for (guint n = 0; n < bytes->len; n++) {
            guint8 *prefix = g_memdup2(bytes->data, MAX(n, 1));
            expect_open_error(prefix, n, NULL);
            g_free(prefix);
        }
    }
}

static gsize find_bytes(GByteArray *b, const char *needle, gsize length)
{
    for (gsize i = 0; i + length <= b->len; i++)
        if (!memcmp(b->data + i, needle, length))
            return i;
    g_assert_not_reached();
}

static void test_offsets_outside_file(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), FALSE, NULL);
    gsize central = find_bytes(bytes, "PK\x01\x02", 4);
    /* local header offset of the first entry far past the end */
    g_autoptr(GByteArray) far = g_byte_array_new();
    g_byte_array_append(far, bytes->data, bytes->len);
    memset(far->data + central + 42, 0x7f, 4);
    expect_open_error(far->data, far->len, "outside the file");
    /* compressed size larger than the file */
    g_autoptr(GByteArray) big = g_byte_array_new();
    g_byte_array_append(big, bytes->data, bytes->len);
    memset(big->data + central + 20, 0x7f, 4);
    memset(big->data + central + 24, 0x7f, 4);
    expect_open_error(big->data, big->len, "more than the file holds");
    /* central directory offset past the end */
    g_autoptr(GByteArray) dir = g_byte_array_new();
    g_byte_array_append(dir, bytes->data, bytes->len);
    memset(dir->data + dir->len - 6, 0x7f, 4);
    expect_open_error(dir->data, dir->len, "outside the file");
}

static void test_corrupt_data_fails_crc(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), FALSE, NULL);
    gsize at = find_bytes(bytes, "3\n", 2); /* the stored "version" entry's data */
    bytes->data[at] = '4';
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceZip) zip = glance_zip_open_memory(bytes->data, bytes->len, &error);
    g_assert_no_error(error);
    g_assert_null(glance_zip_read(zip, glance_zip_find(zip, "ckpt/version"), &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT);
    g_assert_nonnull(strstr(error->message, "CRC"));
}

/* The same for a deflated entry: its stream still inflates, to different bytes. */
static void test_corrupt_deflated_data_fails_crc(void)
{
    const Entry entries[] = {
        { "ckpt/data.pkl", "\x80\x02}q\x00.", FALSE, FALSE },
        { "ckpt/data/0", "0123456789abcdef0123456789abcdef", TRUE, TRUE },
    };
    g_autoptr(GByteArray) bytes = build_zip(entries, G_N_ELEMENTS(entries), FALSE, NULL);
    gsize at = find_bytes(bytes, "89abcdef0", 9);
    bytes->data[at] = 'X';
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceZip) zip = glance_zip_open_memory(bytes->data, bytes->len, &error);
    g_assert_no_error(error);
    const GlanceZipEntry *entry = glance_zip_find(zip, "ckpt/data/0");
    g_assert_cmpuint(entry->method, ==, 8);
    g_assert_null(glance_zip_read(zip, entry, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT);
    g_assert_nonnull(strstr(error->message, "CRC"));
    /* and a second read does not hand out the bad bytes either */
    g_clear_error(&error);
    g_assert_null(glance_zip_read(zip, entry, &error));
    g_assert_nonnull(error);
}

static void test_duplicate_names(void)
{
    const Entry twice[] = { { "a/data.pkl", "x", FALSE, FALSE }, { "a/data.pkl", "y", FALSE, FALSE } };
    g_autoptr(GByteArray) bytes = build_zip(twice, 2, FALSE, NULL);
    expect_open_error(bytes->data, bytes->len, "appears twice");
}

/* Every single-byte change must give either a working archive or an error. */
static void test_bit_flips_never_crash(void)
{
    g_autoptr(GByteArray) bytes = build_zip(sample, G_N_ELEMENTS(sample), TRUE, NULL);
    for (guint i = 0; i < bytes->len; i++) {
        for (int bit = (int)(i % 8); bit < 8; bit += 8) {
            guint8 *copy = g_memdup2(bytes->data, bytes->len);
            copy[i] ^= (guint8)(1u << bit);
            GlanceZip *zip = glance_zip_open_memory(copy, bytes->len, NULL);
            for (guint k = 0; zip && k < glance_zip_n_entries(zip); k++) {
                g_autoptr(GError) error = NULL;
                glance_zip_read(zip, glance_zip_entry(zip, k), &error);
            }
            glance_zip_free(zip);
            g_free(copy);
        }
    }
}

static void test_missing_file(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(glance_zip_open_file("/nonexistent/checkpoint.pt", &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/zip/stored-and-deflated", test_stored_and_deflated);
    g_test_add_func("/zip/zip64", test_zip64);
    g_test_add_func("/zip/comment", test_comment);
    g_test_add_func("/zip/not-a-zip", test_not_a_zip);
    g_test_add_func("/zip/every-truncation-fails", test_every_truncation_fails);
    g_test_add_func("/zip/offsets-outside-file", test_offsets_outside_file);
    g_test_add_func("/zip/corrupt-data-fails-crc", test_corrupt_data_fails_crc);
    g_test_add_func("/zip/corrupt-deflated-data-fails-crc", test_corrupt_deflated_data_fails_crc);
    g_test_add_func("/zip/duplicate-names", test_duplicate_names);
    g_test_add_func("/zip/bit-flips-never-crash", test_bit_flips_never_crash);
    g_test_add_func("/zip/missing-file", test_missing_file);
    return g_test_run();
}

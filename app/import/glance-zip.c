/* glance-zip.c — zip central directory, ZIP64, stored and deflated entries.
 *
 * Only the central directory is trusted for names and sizes (torch writes
 * data descriptors nowhere, but other tools do); the local header is read only
 * to find where the data starts, since torch pads it with an extra field so
 * tensor data lands 64-byte aligned. Every read is bounds-checked first. */
#include "glance-zip.h"
#include "glance-import-error.h"
#include <string.h>
#include <gio/gio.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_EOCD64_LOCATOR 0x07064b50u

#define EOCD_SIZE 22
#define EOCD64_LOCATOR_SIZE 20
#define EOCD64_MIN_SIZE 56
#define CENTRAL_SIZE 46
#define LOCAL_SIZE 30
#define MAX_COMMENT 65535

#define FLAG_ENCRYPTED 0x0001u
#define METHOD_STORED 0
#define METHOD_DEFLATE 8

struct GlanceZip {
    GMappedFile *mapping;  /* NULL for archives in memory */
    const guint8 *data;
    guint64 size;
    GPtrArray *entries;    /* GlanceZipEntry*, central directory order */
    GHashTable *by_name;   /* name -> GlanceZipEntry* (borrowed)       */
    GHashTable *inflated;  /* GlanceZipEntry* -> guint8* contents      */
    GHashTable *verified;  /* GlanceZipEntry* set: CRC already checked */
};

static guint16 le16(const guint8 *p) { return (guint16)(p[0] | p[1] << 8); }
static guint32 le32(const guint8 *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}
static guint64 le64(const guint8 *p) { return le32(p) | (guint64)le32(p + 4) << 32; }

/* TRUE when [offset, offset + length) lies inside the archive. */
static gboolean in_bounds(const GlanceZip *zip, guint64 offset, guint64 length)
{
    return offset <= zip->size && length <= zip->size - offset;
}

static gboolean fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT, "not a valid zip archive: %s",
                message);
    return FALSE;
}

static void entry_free(gpointer data)
{
    GlanceZipEntry *entry = data;
    g_free(entry->name);
    g_free(entry);
}

/* The end-of-central-directory record is the last thing in the file, followed
 * only by a comment of the length it declares: search backwards for one whose
 * comment length ends exactly at the end of the file. */
static gint64 find_eocd(const GlanceZip *zip)
{
    if (zip->size < EOCD_SIZE)
        return -1;
    guint64 lowest = zip->size > EOCD_SIZE + MAX_COMMENT ? zip->size - EOCD_SIZE - MAX_COMMENT : 0;
    for (guint64 pos = zip->size - EOCD_SIZE + 1; pos-- > lowest;) {
        const guint8 *p = zip->data + pos;
        if (le32(p) == SIG_EOCD && pos + EOCD_SIZE + le16(p + 20) == zip->size)
            return (gint64)pos;
    }
    return -1;
}

typedef struct {
    guint64 n_entries;
    guint64 directory_size;
    guint64 directory_offset;
} Directory;

static gboolean read_zip64_eocd(const GlanceZip *zip, guint64 eocd, Directory *dir, GError **error)
{
    if (eocd < EOCD64_LOCATOR_SIZE || le32(zip->data + eocd - EOCD64_LOCATOR_SIZE) != SIG_EOCD64_LOCATOR)
        return fail(error, "the archive needs ZIP64 but has no ZIP64 locator");
    const guint8 *locator = zip->data + eocd - EOCD64_LOCATOR_SIZE;
    guint64 record = le64(locator + 8);
    if (!in_bounds(zip, record, EOCD64_MIN_SIZE) || record > eocd - EOCD64_LOCATOR_SIZE)
        return fail(error, "ZIP64 end record offset %" G_GUINT64_FORMAT " is outside the file", record);
    const guint8 *p = zip->data + record;
    if (le32(p) != SIG_EOCD64)
        return fail(error, "bad ZIP64 end record signature");
    if (le32(p + 16) != 0 || le32(p + 20) != 0)
        return fail(error, "multi-disk archives are not supported");
    dir->n_entries = le64(p + 32);
    dir->directory_size = le64(p + 40);
    dir->directory_offset = le64(p + 48);
    return TRUE;
}

/* Replaces 0xFFFFFFFF fields with their 64-bit values from the ZIP64 extra
 * field (id 0x0001), which lists only the saturated fields, in this order. */
static gboolean apply_zip64_extra(const guint8 *extra, guint extra_len, GlanceZipEntry *entry,
                                  gboolean size_full, gboolean csize_full, gboolean offset_full,
                                  GError **error)
{
    guint pos = 0;
    while (pos + 4 <= extra_len) {
        guint16 id = le16(extra + pos), len = le16(extra + pos + 2);
        if (pos + 4 + len > extra_len)
            return fail(error, "entry '%s' has a truncated extra field", entry->name);
        if (id == 0x0001) {
            const guint8 *field = extra + pos + 4;
            guint used = 0;
            guint64 *targets[3] = { size_full ? &entry->size : NULL,
                                    csize_full ? &entry->compressed_size : NULL,
                                    offset_full ? &entry->header_offset : NULL };
            for (int i = 0; i < 3; i++) {
                if (!targets[i])
                    continue;
                if (used + 8 > len)
                    return fail(error, "entry '%s' has a short ZIP64 extra field", entry->name);
                *targets[i] = le64(field + used);
                used += 8;
            }
            return TRUE;
        }
        pos += 4 + len;
    }
    if (size_full || csize_full || offset_full)
        return fail(error, "entry '%s' needs a ZIP64 extra field but has none", entry->name);
    return TRUE;
}

static gboolean read_directory(GlanceZip *zip, GError **error)
{
    gint64 eocd_pos = find_eocd(zip);
    if (eocd_pos < 0)
        return fail(error, "no end-of-central-directory record");
    guint64 eocd = (guint64)eocd_pos;
    const guint8 *p = zip->data + eocd;
    if (le16(p + 4) != 0 || le16(p + 6) != 0)
        return fail(error, "multi-disk archives are not supported");
    Directory dir = { le16(p + 10), le32(p + 12), le32(p + 16) };
    if (dir.n_entries == 0xFFFF || dir.directory_size == 0xFFFFFFFFu ||
        dir.directory_offset == 0xFFFFFFFFu) {
        if (!read_zip64_eocd(zip, eocd, &dir, error))
            return FALSE;
    }
    if (!in_bounds(zip, dir.directory_offset, dir.directory_size))
        return fail(error, "central directory (offset %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                    " bytes) lies outside the file", dir.directory_offset, dir.directory_size);
    /* Each entry takes at least CENTRAL_SIZE bytes: bounds the allocation. */
    if (dir.n_entries > dir.directory_size / CENTRAL_SIZE)
        return fail(error, "central directory is too small for %" G_GUINT64_FORMAT " entries",
                    dir.n_entries);

    guint64 pos = dir.directory_offset, end = dir.directory_offset + dir.directory_size;
    for (guint64 i = 0; i < dir.n_entries; i++) {
        if (pos + CENTRAL_SIZE > end)
            return fail(error, "central directory entry %" G_GUINT64_FORMAT " is truncated", i);
        const guint8 *c = zip->data + pos;
        if (le32(c) != SIG_CENTRAL)
            return fail(error, "bad central directory signature at entry %" G_GUINT64_FORMAT, i);
        guint name_len = le16(c + 28), extra_len = le16(c + 30), comment_len = le16(c + 32);
        if (pos + CENTRAL_SIZE + name_len + extra_len + comment_len > end)
            return fail(error, "central directory entry %" G_GUINT64_FORMAT " overruns the directory", i);
        if (le16(c + 34) != 0 && le16(c + 34) != 0xFFFF)
            return fail(error, "multi-disk archives are not supported");

        GlanceZipEntry *entry = g_new0(GlanceZipEntry, 1);
        g_ptr_array_add(zip->entries, entry);
        entry->name = g_strndup((const char *)c + CENTRAL_SIZE, name_len);
        if (strlen(entry->name) != name_len)
            return fail(error, "entry %" G_GUINT64_FORMAT " has a NUL byte in its name", i);
        entry->flags = le16(c + 8);
        entry->method = le16(c + 10);
        entry->crc32 = le32(c + 16);
        entry->compressed_size = le32(c + 20);
        entry->size = le32(c + 24);
        entry->header_offset = le32(c + 42);
        if (!apply_zip64_extra(c + CENTRAL_SIZE + name_len, extra_len, entry,
                               entry->size == 0xFFFFFFFFu, entry->compressed_size == 0xFFFFFFFFu,
                               entry->header_offset == 0xFFFFFFFFu, error))
            return FALSE;
        if (!in_bounds(zip, entry->header_offset, LOCAL_SIZE))
            return fail(error, "entry '%s' starts outside the file", entry->name);
        if (entry->compressed_size > zip->size)
            return fail(error, "entry '%s' claims %" G_GUINT64_FORMAT " bytes, more than the file holds",
                        entry->name, entry->compressed_size);
        /* deflate cannot expand data more than ~1032:1: a larger claim is a
         * memory bomb or damage, refused before anything is allocated */
        if (entry->method == METHOD_DEFLATE && entry->size / 1032 > entry->compressed_size + 1)
            return fail(error, "entry '%s' claims %" G_GUINT64_FORMAT " bytes from %" G_GUINT64_FORMAT
                        " compressed, more than deflate can produce", entry->name, entry->size,
                        entry->compressed_size);
        if (g_hash_table_contains(zip->by_name, entry->name))
            return fail(error, "entry '%s' appears twice", entry->name);
        g_hash_table_insert(zip->by_name, entry->name, entry);
        pos += CENTRAL_SIZE + name_len + extra_len + comment_len;
    }
    return TRUE;
}

static GlanceZip *zip_new(void)
{
    GlanceZip *zip = g_new0(GlanceZip, 1);
    zip->entries = g_ptr_array_new_with_free_func(entry_free);
    zip->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    zip->inflated = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    zip->verified = g_hash_table_new(g_direct_hash, g_direct_equal);
    return zip;
}

GlanceZip *glance_zip_open_memory(const guint8 *data, gsize size, GError **error)
{
    g_autoptr(GlanceZip) zip = zip_new();
    zip->data = data;
    zip->size = size;
    if (!read_directory(zip, error))
        return NULL;
    return g_steal_pointer(&zip);
}

GlanceZip *glance_zip_open_file(const char *path, GError **error)
{
    g_autoptr(GError) local = NULL;
    GMappedFile *mapping = g_mapped_file_new(path, FALSE, &local);
    if (!mapping) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO, "%s", local->message);
        return NULL;
    }
    g_autoptr(GlanceZip) zip = zip_new();
    zip->mapping = mapping;
    zip->data = (const guint8 *)g_mapped_file_get_contents(mapping);
    zip->size = g_mapped_file_get_length(mapping);
    if (!read_directory(zip, error))
        return NULL;
    return g_steal_pointer(&zip);
}

void glance_zip_free(GlanceZip *zip)
{
    if (!zip)
        return;
    g_hash_table_destroy(zip->verified);
    g_hash_table_destroy(zip->inflated);
    g_hash_table_destroy(zip->by_name);
    g_ptr_array_free(zip->entries, TRUE);
    if (zip->mapping)
        g_mapped_file_unref(zip->mapping);
    g_free(zip);
}

guint glance_zip_n_entries(const GlanceZip *zip)
{
    return zip->entries->len;
}

const GlanceZipEntry *glance_zip_entry(const GlanceZip *zip, guint index)
{
    return index < zip->entries->len ? g_ptr_array_index(zip->entries, index) : NULL;
}

const GlanceZipEntry *glance_zip_find(const GlanceZip *zip, const char *name)
{
    return g_hash_table_lookup(zip->by_name, name);
}

/* GZlibDecompressor hands zlib uInt-sized counts: feed it at most this much. */
#define INFLATE_CHUNK ((gsize)1 << 30)

/* Raw deflate through GIO's zlib converter (GLib already links zlib). */
static guint8 *inflate_entry(const GlanceZipEntry *entry, const guint8 *src, GError **error)
{
    /* +1 so an empty entry still gets a non-NULL buffer. */
    guint8 *out = g_try_malloc(entry->size + 1);
    if (!out) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_LIMIT,
                    "not enough memory to inflate '%s' (%" G_GUINT64_FORMAT " bytes)", entry->name,
                    entry->size);
        return NULL;
    }
    g_autoptr(GZlibDecompressor) inflater = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW);
    guint64 in_pos = 0, out_pos = 0;
    GConverterResult result = G_CONVERTER_CONVERTED;
    while (result != G_CONVERTER_FINISHED) {
        gsize in_n = (gsize)MIN(entry->compressed_size - in_pos, INFLATE_CHUNK);
        gsize out_n = (gsize)MIN(entry->size - out_pos, INFLATE_CHUNK);
        GConverterFlags flags = in_pos + in_n == entry->compressed_size ? G_CONVERTER_INPUT_AT_END
                                                                         : G_CONVERTER_NO_FLAGS;
        /* With the output full, offer one spare byte: the stream must end
         * without using it, or the entry is longer than declared. */
        guint8 spare;
        guint8 *dest = out_n ? out + out_pos : &spare;
        gsize n_read = 0, n_written = 0;
        result = g_converter_convert(G_CONVERTER(inflater), src + in_pos, in_n, dest, MAX(out_n, 1),
                                     flags, &n_read, &n_written, NULL);
        if (out_n == 0 && n_written > 0) {
            result = G_CONVERTER_ERROR;
            break;
        }
        in_pos += n_read;
        out_pos += n_written;
        if (result == G_CONVERTER_ERROR || (result != G_CONVERTER_FINISHED && n_read == 0 && n_written == 0))
            break;
    }
    if (result != G_CONVERTER_FINISHED || out_pos != entry->size) {
        g_free(out);
        fail(error, "entry '%s' does not inflate to its declared %" G_GUINT64_FORMAT " bytes",
             entry->name, entry->size);
        return NULL;
    }
    return out;
}

/* CRC-32 (IEEE, reflected 0xEDB88320), as zip stores it. */
static guint32 crc_table[256];

static void crc_table_init(void)
{
    for (guint32 n = 0; n < 256; n++) {
        guint32 c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static guint32 crc_of(const guint8 *data, guint64 size)
{
    static gsize table_ready = 0;
    if (g_once_init_enter(&table_ready)) {
        crc_table_init();
        g_once_init_leave(&table_ready, 1);
    }
    guint32 crc = 0xFFFFFFFFu;
    for (guint64 i = 0; i < size; i++)
        crc = crc_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

const guint8 *glance_zip_read(GlanceZip *zip, const GlanceZipEntry *entry, GError **error)
{
    if (entry->flags & FLAG_ENCRYPTED) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                    "zip entry '%s' is encrypted", entry->name);
        return NULL;
    }
    if (entry->method != METHOD_STORED && entry->method != METHOD_DEFLATE) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                    "zip entry '%s' uses compression method %u (only stored and deflate are read)",
                    entry->name, entry->method);
        return NULL;
    }
    const guint8 *local = zip->data + entry->header_offset; /* bounds checked at open */
    if (le32(local) != SIG_LOCAL) {
        fail(error, "entry '%s' has a bad local header signature", entry->name);
        return NULL;
    }
    guint64 data_offset = entry->header_offset + LOCAL_SIZE + le16(local + 26) + le16(local + 28);
    if (!in_bounds(zip, data_offset, entry->compressed_size)) {
        fail(error, "entry '%s' (%" G_GUINT64_FORMAT " bytes at offset %" G_GUINT64_FORMAT
             ") runs past the end of the file", entry->name, entry->compressed_size, data_offset);
        return NULL;
    }
    ((GlanceZipEntry *)entry)->data_offset = data_offset;
    const guint8 *raw = zip->data + data_offset;
    const guint8 *contents;
    if (entry->method == METHOD_STORED) {
        if (entry->compressed_size != entry->size) {
            fail(error, "stored entry '%s' has different sizes (%" G_GUINT64_FORMAT " and %"
                 G_GUINT64_FORMAT ")", entry->name, entry->compressed_size, entry->size);
            return NULL;
        }
        contents = raw;
    } else {
        contents = g_hash_table_lookup(zip->inflated, entry);
        if (!contents) {
            guint8 *inflated = inflate_entry(entry, raw, error);
            if (!inflated)
                return NULL;
            g_hash_table_insert(zip->inflated, (gpointer)entry, inflated);
            contents = inflated;
        }
    }
    if (!g_hash_table_contains(zip->verified, entry)) {
        if (crc_of(contents, entry->size) != entry->crc32) {
            fail(error, "entry '%s' is corrupt (CRC mismatch)", entry->name);
            return NULL;
        }
        g_hash_table_add(zip->verified, (gpointer)entry);
    }
    return contents;
}

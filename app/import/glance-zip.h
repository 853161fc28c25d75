/* glance-zip.h — a read-only zip archive reader for torch.save checkpoints.
 *
 * Reads the central directory (ZIP64 when the archive needs it), checks every
 * offset and size against the archive's length, and hands out entry contents:
 * stored entries point straight into the mapping, deflated ones are inflated
 * once (GIO's zlib converter). Contents are CRC-checked on first access. */
#ifndef GLANCE_ZIP_H
#define GLANCE_ZIP_H
#include <glib.h>

G_BEGIN_DECLS

typedef struct GlanceZip GlanceZip;

typedef struct {
    char *name;              /* entry path inside the archive, NUL-terminated   */
    guint64 size;            /* uncompressed size                               */
    guint64 compressed_size; /* bytes stored in the archive                     */
    guint64 header_offset;   /* offset of the local file header                 */
    guint64 data_offset;     /* offset of the (compressed) data, from the local
                                header; 0 until the entry is first read          */
    guint32 crc32;
    guint16 method;          /* 0 stored, 8 deflate                             */
    guint16 flags;
} GlanceZipEntry;

/* Maps the file read-only. */
GlanceZip *glance_zip_open_file(const char *path, GError **error);
/* Reads an archive held in memory; `data` must outlive the GlanceZip. */
GlanceZip *glance_zip_open_memory(const guint8 *data, gsize size, GError **error);
void glance_zip_free(GlanceZip *zip);

guint glance_zip_n_entries(const GlanceZip *zip);
const GlanceZipEntry *glance_zip_entry(const GlanceZip *zip, guint index);
/* NULL when absent. */
const GlanceZipEntry *glance_zip_find(const GlanceZip *zip, const char *name);

/* The entry's uncompressed contents (entry->size bytes, not NUL-terminated),
 * valid until glance_zip_free(). NULL with an error when the entry is damaged. */
const guint8 *glance_zip_read(GlanceZip *zip, const GlanceZipEntry *entry, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceZip, glance_zip_free)

G_END_DECLS
#endif

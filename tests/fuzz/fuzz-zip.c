/* fuzz-zip.c — libFuzzer target: the checkpoint zip reader on arbitrary bytes.
 * Opens the archive from memory and reads (inflates, CRC-checks) every entry;
 * anything may fail, nothing may crash, leak or read out of bounds.
 * Build and run: docs/fuzzing.md. */
#include "glance-zip.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GlanceZip *zip = glance_zip_open_memory(data, size, NULL);
    if (!zip)
        return 0;
    for (guint i = 0; i < glance_zip_n_entries(zip); i++) {
        const GlanceZipEntry *entry = glance_zip_entry(zip, i);
        GError *error = NULL;
        const guint8 *contents = glance_zip_read(zip, entry, &error);
        if (contents && entry->size > 0) {
            /* touch the first and last byte: both must be inside the buffer */
            volatile guint8 sink = contents[0] ^ contents[entry->size - 1];
            (void)sink;
        }
        g_clear_error(&error);
        g_assert(glance_zip_find(zip, entry->name) == entry);
    }
    glance_zip_free(zip);
    return 0;
}

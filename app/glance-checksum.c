/* glance-checksum.c — streamed in 1 MiB chunks: model files are gigabytes. */
#include "glance-checksum.h"

char *glance_file_sha256(const char *path, GCancellable *cancellable, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) in = g_file_read(file, cancellable, error);
    if (!in)
        return NULL;
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guint8 *chunk = g_malloc(1 << 20);
    gssize n;
    while ((n = g_input_stream_read(G_INPUT_STREAM(in), chunk, 1 << 20, cancellable, error)) > 0)
        g_checksum_update(sum, chunk, n);
    return n < 0 ? NULL : g_strdup(g_checksum_get_string(sum));
}

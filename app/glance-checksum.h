/* glance-checksum.h — the SHA-256 of a file, as models are identified (the library's model
 * id, the registry's record of an imported checkpoint). */
#ifndef GLANCE_CHECKSUM_H
#define GLANCE_CHECKSUM_H
#include <gio/gio.h>

/* Lower-case hex, newly allocated; NULL with an error when the file cannot be read. */
char *glance_file_sha256(const char *path, GCancellable *cancellable, GError **error);
#endif

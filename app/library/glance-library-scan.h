/* glance-library-scan.h — finding the image files under folders (internal to app/library). */
#ifndef GLANCE_LIBRARY_SCAN_H
#define GLANCE_LIBRARY_SCAN_H
#include <gio/gio.h>

typedef struct {
    char *path;          /* absolute, as walked: a symlink keeps its own name      */
    gint64 size;
    gint64 mtime_ns;
    const char *format;  /* gdk-pixbuf format name for the extension (static)     */
} LibraryScanFile;

typedef struct {
    char **roots;               /* the folders, normalised                          */
    GArray *files;              /* LibraryScanFile, in walk order                   */
    GPtrArray *unreadable_dirs; /* folders that could not be listed: what the library
                                   knows under them is kept, not removed            */
} LibraryScan;

/* Called every few hundred files with the number found so far. */
typedef void (*LibraryScanProgress)(guint found, gpointer user_data);

/* Walks every folder recursively, following symlinks but visiting each real folder
 * once (so loops end), skipping hidden entries and files whose extension no
 * gdk-pixbuf loader claims. Fails only when a root is missing or not a folder, or on
 * cancellation; a subfolder that cannot be read is listed in unreadable_dirs. */
LibraryScan *library_scan_folders(const char *const *folders, GCancellable *cancellable,
                                  LibraryScanProgress progress, gpointer progress_data, GError **error);
void library_scan_free(LibraryScan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LibraryScan, library_scan_free)

/* The gdk-pixbuf format name for a file name's extension ("IMG.JPG" -> "jpeg"), or NULL. */
const char *library_scan_format_for_name(const char *name);
/* The format name a user's --type means: a format name or any of its extensions. */
const char *library_scan_format_for_type(const char *type);

#endif

/* glance-library-scan.c — the folder walk. An explicit stack (no recursion, so depth is
 * unbounded) and a set of visited (device, inode) pairs: a symlink back up the tree,
 * or two links to one folder, is walked once. */
#include "glance-library-scan.h"
#include "glance-library-private.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Lower-case extension -> interned format name, for every enabled loader. */
static GHashTable *format_by_extension(void)
{
    static gsize once;
    static GHashTable *table;
    if (g_once_init_enter(&once)) {
        GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        GSList *formats = gdk_pixbuf_get_formats();
        for (GSList *l = formats; l; l = l->next) {
            GdkPixbufFormat *format = l->data;
            if (gdk_pixbuf_format_is_disabled(format))
                continue;
            g_autofree char *name = gdk_pixbuf_format_get_name(format);
            g_auto(GStrv) extensions = gdk_pixbuf_format_get_extensions(format);
            for (char **e = extensions; e && *e; e++)
                g_hash_table_insert(t, g_ascii_strdown(*e, -1), (gpointer)g_intern_string(name));
        }
        g_slist_free(formats);
        table = t;
        g_once_init_leave(&once, 1);
    }
    return table;
}

const char *library_scan_format_for_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1])
        return NULL;
    g_autofree char *ext = g_ascii_strdown(dot + 1, -1);
    return g_hash_table_lookup(format_by_extension(), ext);
}

const char *library_scan_format_for_type(const char *type)
{
    g_autofree char *lower = g_ascii_strdown(type[0] == '.' ? type + 1 : type, -1);
    const char *format = g_hash_table_lookup(format_by_extension(), lower);
    if (format)
        return format;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, format_by_extension());
    while (g_hash_table_iter_next(&it, NULL, &value))
        if (!strcmp(value, lower))
            return value;
    return NULL;
}

static void clear_file(gpointer p)
{
    g_free(((LibraryScanFile *)p)->path);
}

void library_scan_free(LibraryScan *scan)
{
    if (!scan)
        return;
    g_strfreev(scan->roots);
    g_array_unref(scan->files);
    g_ptr_array_unref(scan->unreadable_dirs);
    g_free(scan);
}

static char *inode_key(const struct stat *st)
{
    return g_strdup_printf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists dir's entries (sorted, hidden ones dropped), or NULL when it cannot be read. */
static GPtrArray *list_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (!d)
        return NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (name[0] != '.')
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    return names;
}

/* Reverses stack[from..]. */
static void reverse_tail(GPtrArray *stack, guint from)
{
    for (guint a = from, b = stack->len; a + 1 < b; a++, b--) {
        gpointer t = stack->pdata[a];
        stack->pdata[a] = stack->pdata[b - 1];
        stack->pdata[b - 1] = t;
    }
}

LibraryScan *library_scan_folders(const char *const *folders, GCancellable *cancellable,
                                  LibraryScanProgress progress, gpointer progress_data, GError **error)
{
    g_autoptr(LibraryScan) scan = g_new0(LibraryScan, 1);
    scan->files = g_array_new(FALSE, FALSE, sizeof(LibraryScanFile));
    g_array_set_clear_func(scan->files, clear_file);
    scan->unreadable_dirs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GStrvBuilder) roots = g_strv_builder_new();
    g_autoptr(GHashTable) visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func(g_free);

    for (const char *const *f = folders; f && *f; f++) {
        g_autofree char *root = library_normalize_path(*f);
        struct stat st;
        int stat_errno = stat(root, &st) != 0 ? errno : 0;
        if (stat_errno || !S_ISDIR(st.st_mode)) {
            if (!stat_errno)
                g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND, "%s is a file, not a folder",
                            root);
            else
                g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND, "the folder %s %s", root,
                            stat_errno == ENOENT ? "does not exist (moved, renamed or on a drive that is not connected?)"
                            : stat_errno == EACCES ? "cannot be opened: you do not have permission"
                            : g_strerror(stat_errno));
            return NULL;
        }
        g_strv_builder_add(roots, root);
        if (g_hash_table_add(visited, inode_key(&st)))
            g_ptr_array_add(stack, g_steal_pointer(&root));
    }
    scan->roots = g_strv_builder_end(roots);
    /* Depth first; the stack is reversed so folders come out in the order given. */
    reverse_tail(stack, 0);
    guint last_report = 0;
    while (stack->len > 0) {
        g_autofree char *dir = g_ptr_array_steal_index(stack, stack->len - 1);
        if (g_cancellable_set_error_if_cancelled(cancellable, error))
            return NULL;
        g_autoptr(GPtrArray) names = list_dir(dir);
        if (!names) {
            /* A root that cannot be read is the user's explicit request: say so. */
            if (g_strv_contains((const char *const *)scan->roots, dir)) {
                g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NOT_FOUND,
                            "the folder %s cannot be read (no permission, or the drive is gone)", dir);
                return NULL;
            }
            g_ptr_array_add(scan->unreadable_dirs, g_steal_pointer(&dir));
            continue;
        }
        guint first_child = stack->len;
        for (guint i = 0; i < names->len; i++) {
            g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
            struct stat st;
            if (stat(path, &st) != 0) /* a dangling symlink, or gone since the listing */
                continue;
            if (S_ISDIR(st.st_mode)) {
                if (g_hash_table_add(visited, inode_key(&st)))
                    g_ptr_array_add(stack, g_steal_pointer(&path));
                continue;
            }
            const char *format = S_ISREG(st.st_mode) ? library_scan_format_for_name(names->pdata[i]) : NULL;
            if (!format)
                continue;
            LibraryScanFile file = {
                .path = g_steal_pointer(&path),
                .size = st.st_size,
                .mtime_ns = (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                .format = format,
            };
            g_array_append_val(scan->files, file);
        }
        /* Children were pushed in name order; reverse them so the first pops first. */
        reverse_tail(stack, first_child);
        if (progress && scan->files->len - last_report >= 256) {
            last_report = scan->files->len;
            progress(last_report, progress_data);
        }
    }
    if (progress)
        progress(scan->files->len, progress_data);
    return g_steal_pointer(&scan);
}

/* glance-thumbnailer.c — a thumbnail the desktop already made (the freedesktop thumbnail
 * cache, ~/.cache/thumbnails/large) is used when it is up to date; otherwise the photo is
 * decoded at reduced size, which JPEG does cheaply. */
#include "config.h"
#include <glib/gstdio.h>
#include "glance-thumbnailer.h"

#define THUMBNAIL_SIZE 256
#define WORKERS 2
#define CACHE_ENTRIES 400

struct _GlanceThumbnailer {
    GObject parent_instance;
    GThreadPool *pool;
    guint64 next_sequence;
    GHashTable *cache;   /* path -> GdkTexture */
    GQueue cache_order; /* of paths (owned by cache keys), most recent first */
};

G_DEFINE_FINAL_TYPE(GlanceThumbnailer, glance_thumbnailer, G_TYPE_OBJECT)

typedef struct {
    char *path;
    guint64 sequence;
} Request;

static void request_free(Request *request)
{
    g_free(request->path);
    g_free(request);
}

/* The freedesktop cache's thumbnail, if it describes the file as it is now. */
static GdkPixbuf *load_cached_thumbnail(const char *path)
{
    g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
    if (!uri)
        return NULL;
    g_autofree char *md5 = g_compute_checksum_for_string(G_CHECKSUM_MD5, uri, -1);
    g_autofree char *name = g_strconcat(md5, ".png", NULL);
    g_autofree char *thumb = g_build_filename(g_get_user_cache_dir(), "thumbnails", "large", name, NULL);
    GStatBuf st;
    if (g_stat(path, &st) != 0 || !g_file_test(thumb, G_FILE_TEST_IS_REGULAR))
        return NULL;
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file(thumb, NULL);
    const char *mtime = pixbuf ? gdk_pixbuf_get_option(pixbuf, "tEXt::Thumb::MTime") : NULL;
    if (!mtime || g_ascii_strtoll(mtime, NULL, 10) != (gint64)st.st_mtime)
        return NULL;
    return g_steal_pointer(&pixbuf);
}

static void load_thumbnail(gpointer item, gpointer pool_data)
{
    (void)pool_data;
    GTask *task = item;
    Request *request = g_task_get_task_data(task);
    if (!g_task_return_error_if_cancelled(task)) {
        GError *error = NULL;
        g_autoptr(GdkPixbuf) pixbuf = load_cached_thumbnail(request->path);
        if (!pixbuf) {
            /* Small images are shown as they are, never scaled up. */
            int width = 0, height = 0;
            gboolean small = gdk_pixbuf_get_file_info(request->path, &width, &height) &&
                             width <= THUMBNAIL_SIZE && height <= THUMBNAIL_SIZE;
            g_autoptr(GdkPixbuf) decoded =
                small ? gdk_pixbuf_new_from_file(request->path, &error)
                      : gdk_pixbuf_new_from_file_at_scale(request->path, THUMBNAIL_SIZE, THUMBNAIL_SIZE, TRUE, &error);
            if (decoded)
                pixbuf = gdk_pixbuf_apply_embedded_orientation(decoded);
        }
        if (pixbuf)
            g_task_return_pointer(task, gdk_texture_new_for_pixbuf(pixbuf), g_object_unref);
        else
            g_task_return_error(task, error);
    }
    g_object_unref(task);
}

/* Newest request first. */
static int by_sequence_desc(gconstpointer a, gconstpointer b, gpointer data)
{
    (void)data;
    Request *x = g_task_get_task_data((GTask *)a), *y = g_task_get_task_data((GTask *)b);
    return (x->sequence < y->sequence) - (x->sequence > y->sequence);
}

GdkTexture *glance_thumbnailer_lookup(GlanceThumbnailer *self, const char *path)
{
    return g_hash_table_lookup(self->cache, path);
}

static void cache_insert(GlanceThumbnailer *self, const char *path, GdkTexture *texture)
{
    if (g_hash_table_contains(self->cache, path))
        return;
    char *key = g_strdup(path);
    g_hash_table_insert(self->cache, key, g_object_ref(texture));
    g_queue_push_head(&self->cache_order, key);
    while (self->cache_order.length > CACHE_ENTRIES)
        g_hash_table_remove(self->cache, g_queue_pop_tail(&self->cache_order));
}

void glance_thumbnailer_load_async(GlanceThumbnailer *self, const char *path, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_thumbnailer_load_async);
    GdkTexture *cached = glance_thumbnailer_lookup(self, path);
    if (cached) {
        g_task_return_pointer(task, g_object_ref(cached), g_object_unref);
        g_object_unref(task);
        return;
    }
    Request *request = g_new0(Request, 1);
    request->path = g_strdup(path);
    request->sequence = ++self->next_sequence;
    g_task_set_task_data(task, request, (GDestroyNotify)request_free);
    g_thread_pool_push(self->pool, task, NULL);
}

GdkTexture *glance_thumbnailer_load_finish(GlanceThumbnailer *self, GAsyncResult *result, GError **error)
{
    GdkTexture *texture = g_task_propagate_pointer(G_TASK(result), error);
    Request *request = g_task_get_task_data(G_TASK(result));
    if (texture && request)
        cache_insert(self, request->path, texture);
    return texture;
}

static void glance_thumbnailer_finalize(GObject *object)
{
    GlanceThumbnailer *self = GLANCE_THUMBNAILER(object);
    g_thread_pool_free(self->pool, TRUE, TRUE);
    g_queue_clear(&self->cache_order);
    g_hash_table_unref(self->cache);
    G_OBJECT_CLASS(glance_thumbnailer_parent_class)->finalize(object);
}

static void glance_thumbnailer_class_init(GlanceThumbnailerClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = glance_thumbnailer_finalize;
}

static void glance_thumbnailer_init(GlanceThumbnailer *self)
{
    self->pool = g_thread_pool_new_full(load_thumbnail, self, g_object_unref, WORKERS, FALSE, NULL);
    g_thread_pool_set_sort_function(self->pool, by_sequence_desc, NULL);
    self->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    g_queue_init(&self->cache_order);
}

GlanceThumbnailer *glance_thumbnailer_get_default(void)
{
    static GlanceThumbnailer *instance;
    if (!instance)
        instance = g_object_new(GLANCE_TYPE_THUMBNAILER, NULL);
    return instance;
}

/* glance-model-handle.c — one mapping per file version, one context per thread.
 *
 * A Mapping is refcounted by the handle and by every thread context made from it. A
 * replaced mapping stays with the handle (retired) until its last unref, because
 * glance_model_handle_get_model() callers borrow it for the handle's lifetime; callers
 * that keep handles for long (the GUI's task runner) drop a stale handle for a new one. */
#include "glance-model-handle.h"
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    GlanceModel *model;
    GStatBuf stat;           /* the file as it was when mapped */
} Mapping;

typedef struct {
    Mapping *mapping;        /* a reference */
    GlanceContext *ctx;
} ThreadContext;

struct _GlanceModelHandle {
    char *path;
    GMutex lock;             /* guards everything below */
    Mapping *current;        /* a reference */
    GPtrArray *retired;      /* of Mapping references: earlier versions of the file */
    GHashTable *contexts;    /* GThread * -> ThreadContext */
    int threads;
};

static void mapping_clear(Mapping *mapping)
{
    glance_model_close(mapping->model);
}

static void mapping_unref(Mapping *mapping)
{
    g_atomic_rc_box_release_full(mapping, (GDestroyNotify)mapping_clear);
}

static void thread_context_free(ThreadContext *tc)
{
    glance_context_free(tc->ctx);
    mapping_unref(tc->mapping);
    g_free(tc);
}

static gboolean same_file(const GStatBuf *a, const GStatBuf *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtime == b->st_mtime;
}

/* A safetensors file starts with an 8-byte header length and a JSON object. Anything
 * else gets one plain sentence rather than the engine's remark on its header length. */
static gboolean looks_like_model_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return TRUE;   /* the engine says why it cannot be read */
    unsigned char head[9];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    guint64 length = 0;
    for (int i = 7; i >= 0 && n == sizeof head; i--)
        length = length << 8 | head[i];
    return n == sizeof head && head[8] == '{' && length >= 2;
}

static Mapping *mapping_open(const char *path, GError **error)
{
    GStatBuf st;
    if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && !looks_like_model_file(path)) {
        g_set_error(error, GLANCE_ENGINE_ERROR, GLANCE_ERR_FORMAT, "%s: not a Glance model file", path);
        return NULL;
    }
    Mapping *mapping = g_atomic_rc_box_new0(Mapping);
    GlanceError err = { 0 };
    if (glance_model_open(path, &mapping->model, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        g_atomic_rc_box_release(mapping);
        return NULL;
    }
    mapping->stat = st;
#ifdef __GLIBC__
    /* Opening parsed the header into many small blocks, since freed: give their pages
     * back rather than carry them through every pass. */
    malloc_trim(0);
#endif
    return mapping;
}

GlanceModelHandle *glance_model_handle_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    Mapping *mapping = mapping_open(path, error);
    if (!mapping)
        return NULL;
    GlanceModelHandle *handle = g_atomic_rc_box_new0(GlanceModelHandle);
    handle->path = g_strdup(path);
    g_mutex_init(&handle->lock);
    handle->current = mapping;
    handle->contexts = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)thread_context_free);
    handle->retired = g_ptr_array_new_with_free_func((GDestroyNotify)mapping_unref);
    return handle;
}

GlanceModelHandle *glance_model_handle_ref(GlanceModelHandle *handle)
{
    return g_atomic_rc_box_acquire(handle);
}

static void handle_clear(GlanceModelHandle *handle)
{
    g_hash_table_destroy(handle->contexts);   /* contexts before the mappings they use */
    g_ptr_array_unref(handle->retired);
    mapping_unref(handle->current);
    g_mutex_clear(&handle->lock);
    g_free(handle->path);
}

void glance_model_handle_unref(GlanceModelHandle *handle)
{
    if (handle)
        g_atomic_rc_box_release_full(handle, (GDestroyNotify)handle_clear);
}

const char *glance_model_handle_get_path(GlanceModelHandle *handle)
{
    return handle->path;
}

void glance_model_handle_set_threads(GlanceModelHandle *handle, int threads)
{
    g_mutex_lock(&handle->lock);
    handle->threads = MAX(threads, 0);
    g_mutex_unlock(&handle->lock);
}

int glance_model_handle_get_threads(GlanceModelHandle *handle)
{
    g_mutex_lock(&handle->lock);
    int threads = handle->threads;
    g_mutex_unlock(&handle->lock);
    return threads;
}

GlanceModel *glance_model_handle_get_model(GlanceModelHandle *handle)
{
    g_mutex_lock(&handle->lock);
    GlanceModel *model = handle->current->model;
    g_mutex_unlock(&handle->lock);
    return model;
}

gboolean glance_model_handle_is_stale(GlanceModelHandle *handle)
{
    GStatBuf st;
    if (g_stat(handle->path, &st) != 0)
        return TRUE;
    g_mutex_lock(&handle->lock);
    gboolean stale = !same_file(&handle->current->stat, &st);
    g_mutex_unlock(&handle->lock);
    return stale;
}

/* Locked. Maps the file again when it changed; a missing file keeps the mapping (the
 * weights are still mapped) but is reported, since the user removed the model. */
static gboolean refresh_mapping(GlanceModelHandle *handle, GError **error)
{
    GStatBuf st;
    if (g_stat(handle->path, &st) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such file", handle->path);
        return FALSE;
    }
    if (same_file(&handle->current->stat, &st))
        return TRUE;
    Mapping *mapping = mapping_open(handle->path, error);
    if (!mapping)
        return FALSE;
    g_ptr_array_add(handle->retired, handle->current);
    handle->current = mapping;
    return TRUE;
}

GlanceContext *glance_model_handle_get_context(GlanceModelHandle *handle, GError **error)
{
    g_mutex_lock(&handle->lock);
    GlanceContext *ctx = NULL;
    if (!refresh_mapping(handle, error))
        goto out;
    ThreadContext *tc = g_hash_table_lookup(handle->contexts, g_thread_self());
    if (!tc || tc->mapping != handle->current) {
        GlanceError err = { 0 };
        GlanceContext *fresh = NULL;
        if (glance_context_new(handle->current->model, &fresh, &err) != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            goto out;
        }
        tc = g_new0(ThreadContext, 1);
        tc->mapping = g_atomic_rc_box_acquire(handle->current);
        tc->ctx = fresh;
        g_hash_table_replace(handle->contexts, g_thread_self(), tc);
    }
    /* Every time: until the engine has its own pool, the count is process-wide. */
    glance_context_set_threads(tc->ctx, handle->threads);
    ctx = tc->ctx;
out:
    g_mutex_unlock(&handle->lock);
    return ctx;
}

int glance_threads_from_environment(void)
{
    const char *value = g_getenv("GLANCE_THREADS");
    int threads = value ? MAX(atoi(value), 0) : 0;
    glance_set_threads(threads);
    return threads;
}

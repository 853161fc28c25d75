/* glance-catalogue-sizes.c — catalogue sizes: the catalogue's, the cache's, else the
 * server's (contract: glance-catalogue-sizes.h). */
#include "glance-catalogue-sizes.h"
#include "glance-download.h"
#include "glance-model-registry.h"
#include <json-glib/json-glib.h>

#define STATE_FILE "catalogue-state.json"
#define STATE_VERSION 1
#define PROBE_TIMEOUT_S 10

typedef struct {
    guint64 size;
    GError *why;     /* NULL when known, or when nobody asked */
} FileSize;

struct GlanceCatalogueSizes {
    GHashTable *by_name;   /* entry name -> FileSize* */
};

static void file_size_free(FileSize *size)
{
    g_clear_error(&size->why);
    g_free(size);
}

void glance_catalogue_sizes_free(GlanceCatalogueSizes *sizes)
{
    if (!sizes)
        return;
    g_hash_table_unref(sizes->by_name);
    g_free(sizes);
}

guint64 glance_catalogue_sizes_get(const GlanceCatalogueSizes *sizes, const char *name, const GError **why)
{
    const FileSize *size = g_hash_table_lookup(sizes->by_name, name);
    if (why)
        *why = size ? size->why : NULL;
    return size ? size->size : 0;
}

/* URL -> bytes, from the state file; an unreadable file is an empty cache (it is only a cache). */
static GHashTable *read_cache(const char *file)
{
    GHashTable *cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_file(parser, file, NULL))
        return cache;
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *object = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!object || json_object_get_int_member_with_default(object, "version", 0) != STATE_VERSION)
        return cache;
    JsonNode *node = json_object_get_member(object, "sizes");
    if (!node || !JSON_NODE_HOLDS_OBJECT(node))
        return cache;
    JsonObject *sizes = json_node_get_object(node);
    g_autoptr(GList) urls = json_object_get_members(sizes);
    for (GList *l = urls; l; l = l->next) {
        JsonNode *value = json_object_get_member(sizes, l->data);
        if (json_node_get_value_type(value) == G_TYPE_INT64 && json_node_get_int(value) > 0)
            g_hash_table_insert(cache, g_strdup(l->data), GSIZE_TO_POINTER((gsize)json_node_get_int(value)));
    }
    return cache;
}

/* Atomic replace; a failure only costs asking again next time. */
static void write_cache(const char *dir, const char *file, GHashTable *cache)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, STATE_VERSION);
    json_builder_set_member_name(b, "sizes");
    json_builder_begin_object(b);
    g_autoptr(GList) urls = g_list_sort(g_hash_table_get_keys(cache), (GCompareFunc)g_strcmp0);
    for (GList *l = urls; l; l = l->next) {
        json_builder_set_member_name(b, l->data);
        json_builder_add_int_value(b, (gint64)GPOINTER_TO_SIZE(g_hash_table_lookup(cache, l->data)));
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autoptr(JsonGenerator) generator = json_generator_new();
    json_generator_set_pretty(generator, TRUE);
    json_generator_set_root(generator, root);
    g_autofree char *text = json_generator_to_data(generator, NULL);
    if (g_mkdir_with_parents(dir, 0755) == 0)
        g_file_set_contents_full(file, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL);
}

static char *url_host(const char *url)
{
    g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    return g_strdup(uri && g_uri_get_host(uri) ? g_uri_get_host(uri) : url);
}

static GlanceCatalogueSizes *look_up(const GlanceCatalogue *catalogue, const char *models_dir, gboolean online,
                                     GCancellable *cancellable)
{
    g_autofree char *dir = models_dir ? g_strdup(models_dir) : glance_models_dir();
    g_autofree char *file = g_build_filename(dir, STATE_FILE, NULL);
    g_autoptr(GHashTable) cache = read_cache(file);
    g_autoptr(GHashTable) unreachable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean learned = FALSE;
    GlanceCatalogueSizes *sizes = g_new0(GlanceCatalogueSizes, 1);
    sizes->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)file_size_free);
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
        FileSize *size = g_new0(FileSize, 1);
        g_hash_table_insert(sizes->by_name, g_strdup(entry->name), size);
        size->size = entry->size ? entry->size : GPOINTER_TO_SIZE(g_hash_table_lookup(cache, entry->url));
        if (size->size || !online)
            continue;
        g_autofree char *host = url_host(entry->url);
        if (g_hash_table_contains(unreachable, host)) {
            g_set_error_literal(&size->why, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE,
                                GLANCE_MODELS_UNREACHABLE_MESSAGE);
            continue;
        }
        if (glance_download_probe_size(entry->url, PROBE_TIMEOUT_S, cancellable, &size->size, &size->why)) {
            g_hash_table_insert(cache, g_strdup(entry->url), GSIZE_TO_POINTER((gsize)size->size));
            learned = TRUE;
        } else if (g_error_matches(size->why, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE)) {
            g_hash_table_add(unreachable, g_steal_pointer(&host));
        }
    }
    if (learned)
        write_cache(dir, file, cache);
    return sizes;
}

GlanceCatalogueSizes *glance_catalogue_sizes_cached(const GlanceCatalogue *catalogue, const char *models_dir)
{
    return look_up(catalogue, models_dir, FALSE, NULL);
}

GlanceCatalogueSizes *glance_catalogue_sizes_fetch(const GlanceCatalogue *catalogue, const char *models_dir,
                                                   GCancellable *cancellable)
{
    return look_up(catalogue, models_dir, TRUE, cancellable);
}

/* ---- in a thread ---- */

static void fetch_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    g_autoptr(GlanceCatalogue) catalogue = data ? glance_catalogue_load(data, NULL) : NULL;
    GError *error = NULL;
    if (!catalogue) {
        g_set_error(&error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE, "cannot read the catalogue %s",
                    (const char *)data);
        g_task_return_error(task, error);
        return;
    }
    GlanceCatalogueSizes *sizes = glance_catalogue_sizes_fetch(catalogue, NULL, cancellable);
    if (g_cancellable_set_error_if_cancelled(cancellable, &error)) {
        glance_catalogue_sizes_free(sizes);
        g_task_return_error(task, error);
        return;
    }
    g_task_return_pointer(task, sizes, (GDestroyNotify)glance_catalogue_sizes_free);
}

void glance_catalogue_sizes_fetch_async(const GlanceCatalogue *catalogue, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_catalogue_sizes_fetch_async);
    /* The thread reads the same file again: entries stay owned by one thread each. */
    g_task_set_task_data(task, g_strdup(glance_catalogue_get_path(catalogue)), g_free);
    g_task_run_in_thread(task, fetch_in_thread);
}

GlanceCatalogueSizes *glance_catalogue_sizes_fetch_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

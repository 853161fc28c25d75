/* glance-catalogue.c — reads data/catalogue.json (format: DESIGN.md, "Command line").
 * Everything is checked here, once, so downloads and the UI can trust the fields:
 * names are safe file stems, URLs are http(s), sizes are whole bytes. */
#include "glance-catalogue.h"
#include "glance-paths.h"
#include <json-glib/json-glib.h>
#include <string.h>

#define CATALOGUE_VERSION 1

struct GlanceCatalogue {
    char *path;
    GPtrArray *entries;   /* GlanceCatalogueEntry*, in file order */
};

static const char *const known_tasks[] = { GLANCE_TASK_RETRIEVAL, GLANCE_TASK_VQA, GLANCE_TASK_NLVR2 };
static const char *const known_families[] = { "base", "base-plus", "large" };

gboolean glance_model_name_is_valid(const char *name)
{
    if (!name || !g_ascii_isalnum(name[0]) || strlen(name) > 64)
        return FALSE;
    for (const char *p = name; *p; p++)
        if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '.' || *p == '_' || *p == '-'))
            return FALSE;
    return TRUE;
}

static gboolean in_list(const char *word, const char *const *list, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (!g_strcmp0(word, list[i]))
            return TRUE;
    return FALSE;
}

gboolean glance_task_name_is_valid(const char *task)
{
    return in_list(task, known_tasks, G_N_ELEMENTS(known_tasks));
}

const GlanceCatalogueEntry *glance_catalogue_get_recommended(const GlanceCatalogue *catalogue, const char *task)
{
    for (guint i = 0; i < catalogue->entries->len; i++) {
        const GlanceCatalogueEntry *entry = catalogue->entries->pdata[i];
        if (task && g_strv_contains((const char *const *)entry->recommended_for, task))
            return entry;
    }
    return NULL;
}

GPtrArray *glance_catalogue_list_recommended(const GlanceCatalogue *catalogue)
{
    GPtrArray *set = g_ptr_array_new();
    for (guint i = 0; i < catalogue->entries->len; i++) {
        GlanceCatalogueEntry *entry = catalogue->entries->pdata[i];
        if (entry->recommended_for[0])
            g_ptr_array_add(set, entry);
    }
    return set;
}

gboolean glance_catalogue_entry_has_task(const GlanceCatalogueEntry *entry, const char *task)
{
    return entry && task && g_strv_contains((const char *const *)entry->tasks, task);
}

char *glance_catalogue_default_path(void)
{
    const char *env = g_getenv("GLANCE_CATALOGUE");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(glance_paths_datadir(), "catalogue.json", NULL);
}

void glance_catalogue_entry_free(GlanceCatalogueEntry *entry)
{
    if (!entry)
        return;
    g_free(entry->name);
    g_free(entry->title);
    g_free(entry->family);
    g_strfreev(entry->tasks);
    g_free(entry->url);
    g_free(entry->sha256);
    g_free(entry->vocab);
    g_free(entry->answers);
    g_strfreev(entry->published_metrics);
    g_free(entry->published_values);
    g_free(entry->summary);
    g_free(entry->source);
    g_free(entry->scope);
    g_strfreev(entry->recommended_for);
    g_free(entry);
}

GlanceCatalogueEntry *glance_catalogue_entry_copy(const GlanceCatalogueEntry *entry)
{
    GlanceCatalogueEntry *copy = g_new0(GlanceCatalogueEntry, 1);
    copy->name = g_strdup(entry->name);
    copy->title = g_strdup(entry->title);
    copy->family = g_strdup(entry->family);
    copy->tasks = g_strdupv(entry->tasks);
    copy->image_size = entry->image_size;
    copy->url = g_strdup(entry->url);
    copy->size = entry->size;
    copy->sha256 = g_strdup(entry->sha256);
    copy->vocab = g_strdup(entry->vocab);
    copy->answers = g_strdup(entry->answers);
    copy->heads = entry->heads;
    copy->published_metrics = g_strdupv(entry->published_metrics);
    guint n = g_strv_length(entry->published_metrics);
    copy->published_values = g_memdup2(entry->published_values, MAX(n, 1) * sizeof(double));
    copy->summary = g_strdup(entry->summary);
    copy->source = g_strdup(entry->source);
    copy->scope = g_strdup(entry->scope);
    copy->recommended_for = g_strdupv(entry->recommended_for);
    return copy;
}

/* ---- field readers: each names the entry and the member it rejects ---- */

typedef struct {
    const char *path;
    guint index;
    const char *name;   /* once known, for friendlier messages */
} Where;

static gboolean fail(GError **error, const Where *where, const char *member, const char *problem)
{
    if (where->name)
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "catalogue %s: model %u ('%s'): \"%s\" %s", where->path, where->index + 1, where->name,
                    member, problem);
    else
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "catalogue %s: model %u: \"%s\" %s", where->path, where->index + 1, member, problem);
    return FALSE;
}

static gboolean read_string(JsonObject *object, const char *member, gboolean nullable, char **out,
                            const Where *where, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);
    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        if (nullable)
            return TRUE;
        return fail(error, where, member, "is missing");
    }
    if (json_node_get_value_type(node) != G_TYPE_STRING || !*json_node_get_string(node))
        return fail(error, where, member, "must be a non-empty string");
    *out = g_strdup(json_node_get_string(node));
    return TRUE;
}

/* A whole number in [min, max]; null allowed when nullable (then *out stays 0). */
static gboolean read_count(JsonObject *object, const char *member, gboolean nullable, gint64 min,
                           gint64 max, gint64 *out, const Where *where, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);
    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        if (nullable)
            return TRUE;
        return fail(error, where, member, "is missing");
    }
    if (json_node_get_value_type(node) != G_TYPE_INT64)
        return fail(error, where, member, "must be a whole number");
    gint64 value = json_node_get_int(node);
    if (value < min || value > max)
        return fail(error, where, member, "is out of range");
    *out = value;
    return TRUE;
}

static gboolean is_lower_hex(const char *text, gsize length)
{
    if (strlen(text) != length)
        return FALSE;
    for (const char *p = text; *p; p++)
        if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
            return FALSE;
    return TRUE;
}

/* "tasks" must be a non-empty list; "recommended_for" may be absent or empty. */
static gboolean read_tasks(JsonObject *object, const char *member, gboolean optional, GStrv *out,
                           const Where *where, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);
    if (optional && (!node || JSON_NODE_HOLDS_NULL(node))) {
        *out = g_new0(char *, 1);
        return TRUE;
    }
    if (!node || !JSON_NODE_HOLDS_ARRAY(node) ||
        (!optional && json_array_get_length(json_node_get_array(node)) == 0))
        return fail(error, where, member, optional ? "must be a list" : "must be a non-empty list");
    JsonArray *array = json_node_get_array(node);
    g_autoptr(GStrvBuilder) tasks = g_strv_builder_new();
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *task = json_array_get_element(array, i);
        if (json_node_get_value_type(task) != G_TYPE_STRING ||
            !glance_task_name_is_valid(json_node_get_string(task)))
            return fail(error, where, member, "may only hold \"retrieval\", \"vqa\" and \"nlvr2\"");
        g_strv_builder_add(tasks, json_node_get_string(task));
    }
    *out = g_strv_builder_end(tasks);
    return TRUE;
}

static gboolean read_published(JsonObject *object, GlanceCatalogueEntry *entry, const Where *where,
                               GError **error)
{
    JsonNode *node = json_object_get_member(object, "published");
    g_autoptr(GStrvBuilder) metrics = g_strv_builder_new();
    g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
    if (node && !JSON_NODE_HOLDS_NULL(node)) {
        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, where, "published", "must be an object of {metric: number}");
        JsonObject *published = json_node_get_object(node);
        g_autoptr(GList) names = json_object_get_members(published);   /* file order */
        for (GList *l = names; l; l = l->next) {
            JsonNode *value = json_object_get_member(published, l->data);
            GType type = json_node_get_value_type(value);
            if (!JSON_NODE_HOLDS_VALUE(value) || (type != G_TYPE_DOUBLE && type != G_TYPE_INT64))
                return fail(error, where, "published", "must map each metric to a number");
            double number = json_node_get_double(value);
            g_strv_builder_add(metrics, l->data);
            g_array_append_val(values, number);
        }
    }
    entry->published_metrics = g_strv_builder_end(metrics);
    entry->published_values = g_new0(double, MAX(values->len, 1));
    if (values->len)
        memcpy(entry->published_values, values->data, values->len * sizeof(double));
    return TRUE;
}

static GlanceCatalogueEntry *read_entry(JsonNode *node, Where *where, GError **error)
{
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        fail(error, where, "model", "must be an object");
        return NULL;
    }
    JsonObject *object = json_node_get_object(node);
    g_autoptr(GlanceCatalogueEntry) entry = g_new0(GlanceCatalogueEntry, 1);
    gint64 image_size = 0, size = 0, heads = 0;

    if (!read_string(object, "name", FALSE, &entry->name, where, error))
        return NULL;
    if (!glance_model_name_is_valid(entry->name)) {
        fail(error, where, "name", "may hold only a-z, 0-9, '.', '_' and '-' (at most 64)");
        return NULL;
    }
    where->name = entry->name;
    if (!read_string(object, "title", FALSE, &entry->title, where, error) ||
        !read_string(object, "family", FALSE, &entry->family, where, error) ||
        !read_tasks(object, "tasks", FALSE, &entry->tasks, where, error) ||
        !read_count(object, "image_size", FALSE, 16, 4096, &image_size, where, error) ||
        !read_string(object, "url", FALSE, &entry->url, where, error) ||
        !read_count(object, "size", TRUE, 1, G_MAXINT64, &size, where, error) ||
        !read_string(object, "sha256", TRUE, &entry->sha256, where, error) ||
        !read_string(object, "vocab", FALSE, &entry->vocab, where, error) ||
        !read_string(object, "answers", TRUE, &entry->answers, where, error) ||
        !read_count(object, "heads", TRUE, 1, 1024, &heads, where, error) ||
        !read_published(object, entry, where, error) ||
        !read_string(object, "summary", TRUE, &entry->summary, where, error) ||
        !read_string(object, "source", TRUE, &entry->source, where, error) ||
        !read_string(object, "scope", TRUE, &entry->scope, where, error) ||
        !read_tasks(object, "recommended_for", TRUE, &entry->recommended_for, where, error))
        return NULL;
    for (char **task = entry->recommended_for; *task; task++)
        if (!glance_catalogue_entry_has_task(entry, *task)) {
            fail(error, where, "recommended_for", "may only name tasks the model serves");
            return NULL;
        }
    if (!in_list(entry->family, known_families, G_N_ELEMENTS(known_families))) {
        fail(error, where, "family", "must be \"base\", \"base-plus\" or \"large\"");
        return NULL;
    }
    if (!g_str_has_prefix(entry->url, "https://") && !g_str_has_prefix(entry->url, "http://")) {
        fail(error, where, "url", "must be an http(s) address");
        return NULL;
    }
    if (entry->sha256 && !is_lower_hex(entry->sha256, 64)) {
        fail(error, where, "sha256", "must be 64 lower-case hex digits or null");
        return NULL;
    }
    if (glance_catalogue_entry_has_task(entry, GLANCE_TASK_VQA) != (entry->answers != NULL)) {
        fail(error, where, "answers", "is needed exactly when the model serves \"vqa\"");
        return NULL;
    }
    entry->image_size = (int)image_size;
    entry->size = (guint64)size;
    entry->heads = (int)heads;
    return g_steal_pointer(&entry);
}

GlanceCatalogue *glance_catalogue_load(const char *path, GError **error)
{
    g_autofree char *chosen = path ? g_strdup(path) : glance_catalogue_default_path();
    g_autoptr(JsonParser) parser = json_parser_new();
    GError *local = NULL;
    if (!json_parser_load_from_file(parser, chosen, &local)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "cannot read the model catalogue %s: %s", chosen, local->message);
        g_error_free(local);
        return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *object = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    JsonNode *version = object ? json_object_get_member(object, "version") : NULL;
    JsonNode *models = object ? json_object_get_member(object, "models") : NULL;
    if (!version || json_node_get_value_type(version) != G_TYPE_INT64 || !models ||
        !JSON_NODE_HOLDS_ARRAY(models)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "catalogue %s: expected {\"version\": 1, \"models\": [...]}", chosen);
        return NULL;
    }
    if (json_node_get_int(version) != CATALOGUE_VERSION) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "catalogue %s: version %" G_GINT64_FORMAT " is not one this Glance reads (%d)",
                    chosen, json_node_get_int(version), CATALOGUE_VERSION);
        return NULL;
    }

    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify)glance_catalogue_entry_free);
    JsonArray *array = json_node_get_array(models);
    for (guint i = 0; i < json_array_get_length(array); i++) {
        Where where = { chosen, i, NULL };
        GlanceCatalogueEntry *entry = read_entry(json_array_get_element(array, i), &where, error);
        if (!entry)
            return NULL;
        for (guint j = 0; j < entries->len; j++) {
            const GlanceCatalogueEntry *earlier = entries->pdata[j];
            const char *problem = !strcmp(earlier->name, entry->name) ? "name" : NULL;
            for (char **task = entry->recommended_for; !problem && *task; task++)
                if (g_strv_contains((const char *const *)earlier->recommended_for, *task))
                    problem = "recommended_for";
            if (problem) {
                fail(error, &where, problem,
                     !strcmp(problem, "name") ? "appears twice" : "names a task another model is recommended for");
                glance_catalogue_entry_free(entry);
                return NULL;
            }
        }
        g_ptr_array_add(entries, entry);
    }
    GlanceCatalogue *catalogue = g_new0(GlanceCatalogue, 1);
    catalogue->path = g_steal_pointer(&chosen);
    catalogue->entries = g_steal_pointer(&entries);
    return catalogue;
}

void glance_catalogue_free(GlanceCatalogue *catalogue)
{
    if (!catalogue)
        return;
    g_ptr_array_unref(catalogue->entries);
    g_free(catalogue->path);
    g_free(catalogue);
}

const char *glance_catalogue_get_path(const GlanceCatalogue *catalogue)
{
    return catalogue->path;
}

guint glance_catalogue_get_n_entries(const GlanceCatalogue *catalogue)
{
    return catalogue->entries->len;
}

const GlanceCatalogueEntry *glance_catalogue_get_entry(const GlanceCatalogue *catalogue, guint index)
{
    g_return_val_if_fail(index < catalogue->entries->len, NULL);
    return catalogue->entries->pdata[index];
}

const GlanceCatalogueEntry *glance_catalogue_find(const GlanceCatalogue *catalogue, const char *name,
                                                  GError **error)
{
    for (guint i = 0; i < catalogue->entries->len; i++) {
        const GlanceCatalogueEntry *entry = catalogue->entries->pdata[i];
        if (!g_strcmp0(entry->name, name))
            return entry;
    }
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                "the catalogue %s has no model named '%s'", catalogue->path, name);
    return NULL;
}

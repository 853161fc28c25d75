/* glance-model-registry.c — models.json: read, edit under a lock, write atomically. */
#include "glance-model-registry.h"
#include "glance-catalogue.h"
#include "glance-paths.h"
#include "glance-task-model.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define REGISTRY_FILE "models.json"
#define REGISTRY_LOCK "models.json.lock"
#define REGISTRY_VERSION 1

struct GlanceModelRegistry {
    char *dir;
    char *file;
    GPtrArray *models;    /* GlanceInstalledModel*, install order */
};

/* ---- GlanceInstalledModel ---- */

void glance_installed_model_free(GlanceInstalledModel *model)
{
    if (!model)
        return;
    g_free(model->name);
    g_free(model->title);
    g_free(model->path);
    g_strfreev(model->tasks);
    g_free(model->sha256);
    g_free(model->dtype);
    g_free(model->url);
    g_strfreev(model->default_for);
    g_free(model);
}

GlanceInstalledModel *glance_installed_model_copy(const GlanceInstalledModel *model)
{
    GlanceInstalledModel *copy = g_new0(GlanceInstalledModel, 1);
    copy->name = g_strdup(model->name);
    copy->title = g_strdup(model->title);
    copy->path = g_strdup(model->path);
    copy->tasks = g_strdupv(model->tasks);
    copy->sha256 = g_strdup(model->sha256);
    copy->size = model->size;
    copy->file_size = model->file_size;
    copy->dtype = g_strdup(model->dtype);
    copy->url = g_strdup(model->url);
    copy->default_for = model->default_for ? g_strdupv(model->default_for) : g_new0(char *, 1);
    return copy;
}

gboolean glance_installed_model_has_task(const GlanceInstalledModel *model, const char *task)
{
    return model && task && model->tasks && g_strv_contains((const char *const *)model->tasks, task);
}

static gboolean is_default_for(const GlanceInstalledModel *model, const char *task)
{
    return model->default_for && g_strv_contains((const char *const *)model->default_for, task);
}

static void set_default_flag(GlanceInstalledModel *model, const char *task, gboolean on)
{
    if (is_default_for(model, task) == on)
        return;
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    for (char **t = model->default_for; t && *t; t++)
        if (strcmp(*t, task) != 0)
            g_strv_builder_add(builder, *t);
    if (on)
        g_strv_builder_add(builder, task);
    g_strfreev(model->default_for);
    model->default_for = g_strv_builder_end(builder);
}

/* ---- reading models.json ---- */

static gboolean damaged(GError **error, const char *file, const char *problem)
{
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_REGISTRY,
                "the registry of installed models %s is damaged: %s", file, problem);
    return FALSE;
}

static char *dup_string_member(JsonObject *object, const char *member)
{
    JsonNode *node = json_object_get_member(object, member);
    if (!node || json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return g_strdup(json_node_get_string(node));
}

static guint64 get_size_member(JsonObject *object, const char *member)
{
    JsonNode *node = json_object_get_member(object, member);
    if (!node || json_node_get_value_type(node) != G_TYPE_INT64 || json_node_get_int(node) < 0)
        return 0;
    return (guint64)json_node_get_int(node);
}

/* A list of task names, or NULL when the member is not one. */
static GStrv dup_task_list(JsonObject *object, const char *member)
{
    JsonNode *node = json_object_get_member(object, member);
    if (!node || !JSON_NODE_HOLDS_ARRAY(node))
        return NULL;
    JsonArray *array = json_node_get_array(node);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *task = json_array_get_element(array, i);
        if (json_node_get_value_type(task) != G_TYPE_STRING ||
            !glance_task_name_is_valid(json_node_get_string(task)))
            return NULL;
        g_strv_builder_add(builder, json_node_get_string(task));
    }
    return g_strv_builder_end(builder);
}

static GPtrArray *read_models(const char *file, GError **error)
{
    g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func((GDestroyNotify)glance_installed_model_free);
    g_autofree char *text = NULL;
    gsize length = 0;
    GError *local = NULL;
    if (!g_file_get_contents(file, &text, &length, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(local);
            return g_steal_pointer(&models);   /* nothing installed yet */
        }
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_REGISTRY,
                    "cannot read the registry of installed models: %s", local->message);
        g_error_free(local);
        return NULL;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, (gssize)length, &local)) {
        damaged(error, file, local->message);
        g_error_free(local);
        return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *object = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    JsonNode *list = object ? json_object_get_member(object, "models") : NULL;
    if (!list || !JSON_NODE_HOLDS_ARRAY(list)) {
        damaged(error, file, "no \"models\" list");
        return NULL;
    }
    if (json_object_get_int_member_with_default(object, "version", 0) != REGISTRY_VERSION) {
        damaged(error, file, "not a version this Glance reads");
        return NULL;
    }
    JsonArray *array = json_node_get_array(list);
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *node = json_array_get_element(array, i);
        if (!JSON_NODE_HOLDS_OBJECT(node)) {
            damaged(error, file, "an entry is not an object");
            return NULL;
        }
        JsonObject *entry = json_node_get_object(node);
        g_autoptr(GlanceInstalledModel) model = g_new0(GlanceInstalledModel, 1);
        model->name = dup_string_member(entry, "name");
        model->title = dup_string_member(entry, "title");
        model->path = dup_string_member(entry, "path");
        model->tasks = dup_task_list(entry, "tasks");
        model->sha256 = dup_string_member(entry, "sha256");
        model->size = get_size_member(entry, "size");
        model->file_size = get_size_member(entry, "file_size");
        model->dtype = dup_string_member(entry, "dtype");
        model->url = dup_string_member(entry, "url");
        model->default_for = dup_task_list(entry, "default_for");
        if (!glance_model_name_is_valid(model->name) || !model->path ||
            !g_path_is_absolute(model->path) || !model->tasks || !model->default_for) {
            damaged(error, file, "an entry lacks a valid name, path, tasks or default_for");
            return NULL;
        }
        for (guint j = 0; j < models->len; j++)
            if (!strcmp(((GlanceInstalledModel *)models->pdata[j])->name, model->name)) {
                damaged(error, file, "a model is listed twice");
                return NULL;
            }
        g_ptr_array_add(models, g_steal_pointer(&model));
    }
    /* One default per task, and only for tasks the model serves: the latest claim wins. */
    for (guint i = models->len; i-- > 0;) {
        GlanceInstalledModel *model = models->pdata[i];
        g_auto(GStrv) claimed = g_strdupv(model->default_for);
        for (char **task = claimed; *task; task++) {
            if (!glance_installed_model_has_task(model, *task)) {
                set_default_flag(model, *task, FALSE);
                continue;
            }
            for (guint j = 0; j < i; j++)
                set_default_flag(models->pdata[j], *task, FALSE);
        }
    }
    return g_steal_pointer(&models);
}

/* ---- writing ---- */

static void add_string_list(JsonBuilder *builder, const char *member, char **list)
{
    json_builder_set_member_name(builder, member);
    json_builder_begin_array(builder);
    for (char **item = list; item && *item; item++)
        json_builder_add_string_value(builder, *item);
    json_builder_end_array(builder);
}

static void add_string(JsonBuilder *builder, const char *member, const char *value)
{
    json_builder_set_member_name(builder, member);
    if (value)
        json_builder_add_string_value(builder, value);
    else
        json_builder_add_null_value(builder);
}

static gboolean write_models(const char *dir, const char *file, GPtrArray *models, GError **error)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "version");
    json_builder_add_int_value(builder, REGISTRY_VERSION);
    json_builder_set_member_name(builder, "models");
    json_builder_begin_array(builder);
    for (guint i = 0; i < models->len; i++) {
        const GlanceInstalledModel *model = models->pdata[i];
        json_builder_begin_object(builder);
        add_string(builder, "name", model->name);
        add_string(builder, "title", model->title);
        add_string(builder, "path", model->path);
        add_string_list(builder, "tasks", model->tasks);
        add_string(builder, "sha256", model->sha256);
        json_builder_set_member_name(builder, "size");
        json_builder_add_int_value(builder, (gint64)model->size);
        json_builder_set_member_name(builder, "file_size");
        json_builder_add_int_value(builder, (gint64)model->file_size);
        add_string(builder, "dtype", model->dtype);
        add_string(builder, "url", model->url);
        add_string_list(builder, "default_for", model->default_for);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    json_builder_end_object(builder);

    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autoptr(JsonGenerator) generator = json_generator_new();
    json_generator_set_pretty(generator, TRUE);
    json_generator_set_root(generator, root);
    gsize length = 0;
    g_autofree char *text = json_generator_to_data(generator, &length);
    GError *local = NULL;
    if (g_mkdir_with_parents(dir, 0755) != 0 ||
        !g_file_set_contents_full(file, text, (gssize)length,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                  &local)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO,
                    "cannot write the registry of installed models %s: %s", file,
                    local ? local->message : g_strerror(errno));
        g_clear_error(&local);
        return FALSE;
    }
    return TRUE;
}

/* Serialises edits between processes; the lock goes with the descriptor. */
static int lock_registry(const char *dir, GError **error)
{
    g_autofree char *path = g_build_filename(dir, REGISTRY_LOCK, NULL);
    int fd = -1;
    if (g_mkdir_with_parents(dir, 0755) == 0)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    while (fd >= 0 && flock(fd, LOCK_EX) != 0 && errno == EINTR)
        ;
    if (fd < 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO,
                    "cannot lock the registry of installed models in %s: %s", dir, g_strerror(errno));
    }
    return fd;
}

typedef gboolean (*RegistryEdit)(GPtrArray *models, gpointer data, GError **error);

/* Lock, re-read (another process may have changed it), edit, write, unlock. */
static gboolean update_registry(GlanceModelRegistry *registry, RegistryEdit edit, gpointer data,
                                GError **error)
{
    int fd = lock_registry(registry->dir, error);
    if (fd < 0)
        return FALSE;
    gboolean ok = FALSE;
    GPtrArray *models = read_models(registry->file, error);
    if (models && edit(models, data, error) && write_models(registry->dir, registry->file, models, error)) {
        g_ptr_array_unref(registry->models);
        registry->models = g_steal_pointer(&models);
        ok = TRUE;
    }
    if (models)
        g_ptr_array_unref(models);
    close(fd);
    return ok;
}

/* ---- the registry ---- */

char *glance_models_dir(void)
{
    return g_build_filename(g_get_user_data_dir(), "glance", "models", NULL);
}

GlanceModelRegistry *glance_model_registry_load(const char *dir, GError **error)
{
    g_autoptr(GlanceModelRegistry) registry = g_new0(GlanceModelRegistry, 1);
    registry->dir = dir ? g_strdup(dir) : glance_models_dir();
    registry->file = g_build_filename(registry->dir, REGISTRY_FILE, NULL);
    registry->models = read_models(registry->file, error);
    if (!registry->models)
        return NULL;
    return g_steal_pointer(&registry);
}

gboolean glance_model_registry_reload(GlanceModelRegistry *registry, GError **error)
{
    GPtrArray *models = read_models(registry->file, error);
    if (!models)
        return FALSE;
    g_ptr_array_unref(registry->models);
    registry->models = models;
    return TRUE;
}

void glance_model_registry_free(GlanceModelRegistry *registry)
{
    if (!registry)
        return;
    if (registry->models)
        g_ptr_array_unref(registry->models);
    g_free(registry->dir);
    g_free(registry->file);
    g_free(registry);
}

const char *glance_model_registry_get_dir(const GlanceModelRegistry *registry)
{
    return registry->dir;
}

char *glance_model_registry_file_for(const GlanceModelRegistry *registry, const char *name,
                                     const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);
    return g_build_filename(registry->dir, file, NULL);
}

guint glance_model_registry_get_n_models(const GlanceModelRegistry *registry)
{
    return registry->models->len;
}

const GlanceInstalledModel *glance_model_registry_get_model(const GlanceModelRegistry *registry,
                                                            guint index)
{
    g_return_val_if_fail(index < registry->models->len, NULL);
    return registry->models->pdata[index];
}

static gint find_index(GPtrArray *models, const char *name)
{
    for (guint i = 0; i < models->len; i++)
        if (!g_strcmp0(((GlanceInstalledModel *)models->pdata[i])->name, name))
            return (gint)i;
    return -1;
}

const GlanceInstalledModel *glance_model_registry_find(const GlanceModelRegistry *registry,
                                                       const char *name)
{
    gint index = find_index(registry->models, name);
    return index < 0 ? NULL : registry->models->pdata[index];
}

const GlanceInstalledModel *glance_model_registry_get_default(const GlanceModelRegistry *registry,
                                                              const char *task)
{
    for (guint i = 0; i < registry->models->len; i++) {
        const GlanceInstalledModel *model = registry->models->pdata[i];
        if (is_default_for(model, task))
            return model;
    }
    return NULL;
}

char *glance_model_registry_default_path(const GlanceModelRegistry *registry, const char *task)
{
    const GlanceInstalledModel *model = glance_model_registry_get_default(registry, task);
    return model ? g_strdup(model->path) : glance_paths_default_model();
}

/* The task passes to the most recently installed model that serves it. */
static void hand_over_default(GPtrArray *models, const char *task)
{
    for (guint i = models->len; i-- > 0;) {
        GlanceInstalledModel *model = models->pdata[i];
        if (glance_installed_model_has_task(model, task)) {
            set_default_flag(model, task, TRUE);
            return;
        }
    }
}

static gboolean edit_add(GPtrArray *models, gpointer data, GError **error)
{
    const GlanceInstalledModel *added = data;
    (void)error;
    gint old = find_index(models, added->name);
    g_auto(GStrv) was_default_for = NULL;
    if (old >= 0) {
        GlanceInstalledModel *replaced = models->pdata[old];
        was_default_for = g_steal_pointer(&replaced->default_for);
        g_ptr_array_remove_index(models, (guint)old);
    }
    GlanceInstalledModel *model = glance_installed_model_copy(added);
    g_strfreev(model->default_for);
    model->default_for = g_new0(char *, 1);
    /* Never replace a choice silently: the model takes a task only from the bundled
     * model (no installed default), or back from its own older copy. */
    for (char **task = model->tasks; *task; task++) {
        gboolean taken = FALSE;
        for (guint i = 0; i < models->len && !taken; i++)
            taken = is_default_for(models->pdata[i], *task);
        if (!taken || (was_default_for && g_strv_contains((const char *const *)was_default_for, *task))) {
            for (guint i = 0; i < models->len; i++)
                set_default_flag(models->pdata[i], *task, FALSE);
            set_default_flag(model, *task, TRUE);
        }
    }
    g_ptr_array_add(models, model);
    return TRUE;
}

gboolean glance_model_registry_add(GlanceModelRegistry *registry, const GlanceInstalledModel *model,
                                   GError **error)
{
    g_return_val_if_fail(glance_model_name_is_valid(model->name) && model->path && model->tasks, FALSE);
    return update_registry(registry, edit_add, (gpointer)model, error);
}

typedef struct {
    const char *name;
    GlanceInstalledModel *removed;   /* out: the entry taken out */
} RemoveEdit;

static gboolean edit_remove(GPtrArray *models, gpointer data, GError **error)
{
    RemoveEdit *edit = data;
    (void)error;
    gint index = find_index(models, edit->name);
    if (index < 0)
        return TRUE;   /* may still have a partial download to delete */
    edit->removed = g_ptr_array_steal_index(models, (guint)index);
    for (char **task = edit->removed->default_for; *task; task++)
        hand_over_default(models, *task);
    return TRUE;
}

/* Deletes a file if present; TRUE when something was deleted. */
static gboolean delete_file(const char *path)
{
    return g_unlink(path) == 0;
}

gboolean glance_model_registry_remove(GlanceModelRegistry *registry, const char *name, GError **error)
{
    if (!glance_model_name_is_valid(name)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                    "'%s' is not a model name", name);
        return FALSE;
    }
    RemoveEdit edit = { name, NULL };
    if (!update_registry(registry, edit_remove, &edit, error))
        return FALSE;
    /* Files go after the registry is written: a crash in between leaves an orphan
     * file, never a registered model without its file. */
    gboolean removed_something = edit.removed != NULL;
    if (edit.removed) {
        g_autofree char *parent = g_path_get_dirname(edit.removed->path);
        if (!strcmp(parent, registry->dir))   /* never delete a file we did not install */
            delete_file(edit.removed->path);
        glance_installed_model_free(edit.removed);
    }
    const char *partials[] = { ".pt.part", ".pt" };
    for (gsize i = 0; i < G_N_ELEMENTS(partials); i++) {
        g_autofree char *path = glance_model_registry_file_for(registry, name, partials[i]);
        removed_something |= delete_file(path);
    }
    if (!removed_something) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                    "no installed model named '%s'", name);
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    const char *task;
    const char *name;
} DefaultEdit;

static gboolean edit_set_default(GPtrArray *models, gpointer data, GError **error)
{
    DefaultEdit *edit = data;
    gint index = edit->name ? find_index(models, edit->name) : -1;
    if (edit->name && index < 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                    "no installed model named '%s'", edit->name);
        return FALSE;
    }
    if (index >= 0 && !glance_installed_model_has_task(models->pdata[index], edit->task)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                    "the model '%s' does not serve the task '%s'", edit->name, edit->task);
        return FALSE;
    }
    for (guint i = 0; i < models->len; i++)
        set_default_flag(models->pdata[i], edit->task, (gint)i == index);
    return TRUE;
}

gboolean glance_model_registry_set_default(GlanceModelRegistry *registry, const char *task,
                                           const char *name, GError **error)
{
    if (!glance_task_name_is_valid(task)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                    "'%s' is not a task (retrieval, vqa or nlvr2)", task);
        return FALSE;
    }
    DefaultEdit edit = { task, name };
    return update_registry(registry, edit_set_default, &edit, error);
}

/* ---- --model NAME ---- */

static gboolean names_a_file(const char *name_or_path)
{
    return g_file_test(name_or_path, G_FILE_TEST_EXISTS) || strchr(name_or_path, G_DIR_SEPARATOR);
}

static char *resolve_name(const GlanceModelRegistry *registry, const char *name, GError **error)
{
    const GlanceInstalledModel *model = registry ? glance_model_registry_find(registry, name) : NULL;
    if (model) {
        if (!g_file_test(model->path, G_FILE_TEST_IS_REGULAR)) {
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                        "the installed model '%s' has lost its file %s; remove it and get it again",
                        name, model->path);
            return NULL;
        }
        return g_strdup(model->path);
    }
    /* A file dropped into the models folder by hand is usable by name too. */
    g_autofree char *dir = registry ? g_strdup(registry->dir) : glance_models_dir();
    g_autofree char *file = g_strconcat(name, ".safetensors", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer(&path);
    if (strcmp(name, GLANCE_MODEL_BUNDLED_NAME) == 0)
        return glance_paths_default_model();
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NOT_FOUND,
                "no model file or installed model named '%s'", name);
    return NULL;
}

char *glance_model_registry_resolve(const GlanceModelRegistry *registry, const char *name_or_path,
                                    GError **error)
{
    if (!name_or_path)
        return glance_paths_default_model();
    if (names_a_file(name_or_path))
        return g_strdup(name_or_path);
    return resolve_name(registry, name_or_path, error);
}

char *glance_models_resolve(const char *name_or_path, GError **error)
{
    if (!name_or_path)
        return glance_paths_default_model();
    if (names_a_file(name_or_path))
        return g_strdup(name_or_path);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, error);
    if (!registry)
        return NULL;
    return resolve_name(registry, name_or_path, error);
}

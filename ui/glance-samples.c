/* glance-samples.c — samples.json is read leniently: a scene's image may be called
 * "image", "file" or "path"; questions and statements may be strings or objects with a
 * "question" / "statement" / "text" member; anything unknown is ignored. */
#include "config.h"
#include <json-glib/json-glib.h>
#include "glance-paths.h"
#include "glance-samples.h"

struct _GlanceSamples {
    GObject parent_instance;
    char *dir;
    GPtrArray *scenes;  /* of GlanceSampleScene */
    GPtrArray *pairs;   /* of GlanceSamplePair */
};

G_DEFINE_FINAL_TYPE(GlanceSamples, glance_samples, G_TYPE_OBJECT)

static void scene_free(GlanceSampleScene *scene)
{
    g_free(scene->path);
    g_free(scene->title);
    g_strfreev(scene->questions);
    g_free(scene);
}

static void pair_free(GlanceSamplePair *pair)
{
    g_free(pair->left);
    g_free(pair->right);
    g_strfreev(pair->statements);
    g_free(pair);
}

static void glance_samples_finalize(GObject *object)
{
    GlanceSamples *self = GLANCE_SAMPLES(object);
    g_free(self->dir);
    g_ptr_array_unref(self->scenes);
    g_ptr_array_unref(self->pairs);
    G_OBJECT_CLASS(glance_samples_parent_class)->finalize(object);
}

static void glance_samples_class_init(GlanceSamplesClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = glance_samples_finalize;
}

static void glance_samples_init(GlanceSamples *self)
{
    self->scenes = g_ptr_array_new_with_free_func((GDestroyNotify)scene_free);
    self->pairs = g_ptr_array_new_with_free_func((GDestroyNotify)pair_free);
}

static const char *first_string_member(JsonObject *object, const char *const *names)
{
    for (; *names; names++) {
        JsonNode *node = json_object_get_member(object, *names);
        if (node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
            return json_node_get_string(node);
    }
    return NULL;
}

/* An existing image file named relative to the samples folder, or NULL. */
static char *resolve_image(GlanceSamples *self, const char *name)
{
    if (!name || !*name)
        return NULL;
    char *path = g_path_is_absolute(name) ? g_strdup(name) : g_build_filename(self->dir, name, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer(&path, g_free);
    return path;
}

/* Strings from `array_name` (strings or objects) and from a single `single_name` string. */
static GStrv collect_texts(JsonObject *object, const char *array_name, const char *single_name,
                           const char *const *text_members)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    JsonNode *node = json_object_get_member(object, array_name);
    if (node && JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *array = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(array); i++) {
            JsonNode *item = json_array_get_element(array, i);
            const char *text = NULL;
            if (JSON_NODE_HOLDS_VALUE(item) && json_node_get_value_type(item) == G_TYPE_STRING)
                text = json_node_get_string(item);
            else if (JSON_NODE_HOLDS_OBJECT(item))
                text = first_string_member(json_node_get_object(item), text_members);
            if (text && *text)
                g_strv_builder_add(builder, text);
        }
    }
    const char *const single[] = { single_name, NULL };
    const char *text = first_string_member(object, single);
    if (text && *text)
        g_strv_builder_add(builder, text);
    return g_strv_builder_end(builder);
}

static void read_json(GlanceSamples *self, JsonNode *root)
{
    static const char *const image_members[] = { "image", "file", "path", NULL };
    static const char *const left_members[] = { "left", "left_image", "image_left", NULL };
    static const char *const right_members[] = { "right", "right_image", "image_right", NULL };
    static const char *const question_members[] = { "question", "text", NULL };
    static const char *const statement_members[] = { "statement", "text", NULL };
    if (!JSON_NODE_HOLDS_OBJECT(root))
        return;
    JsonObject *top = json_node_get_object(root);
    JsonNode *scenes = json_object_get_member(top, "scenes");
    if (scenes && JSON_NODE_HOLDS_ARRAY(scenes)) {
        JsonArray *array = json_node_get_array(scenes);
        for (guint i = 0; i < json_array_get_length(array); i++) {
            JsonNode *item = json_array_get_element(array, i);
            if (!JSON_NODE_HOLDS_OBJECT(item))
                continue;
            JsonObject *o = json_node_get_object(item);
            g_autofree char *path = resolve_image(self, first_string_member(o, image_members));
            if (!path)
                continue;
            GlanceSampleScene *scene = g_new0(GlanceSampleScene, 1);
            scene->path = g_steal_pointer(&path);
            static const char *const title_members[] = { "title", "caption", NULL };
            scene->title = g_strdup(first_string_member(o, title_members));
            scene->questions = collect_texts(o, "questions", "question", question_members);
            g_ptr_array_add(self->scenes, scene);
        }
    }
    JsonNode *pairs = json_object_get_member(top, "pairs");
    if (pairs && JSON_NODE_HOLDS_ARRAY(pairs)) {
        JsonArray *array = json_node_get_array(pairs);
        for (guint i = 0; i < json_array_get_length(array); i++) {
            JsonNode *item = json_array_get_element(array, i);
            if (!JSON_NODE_HOLDS_OBJECT(item))
                continue;
            JsonObject *o = json_node_get_object(item);
            g_autofree char *left = resolve_image(self, first_string_member(o, left_members));
            g_autofree char *right = resolve_image(self, first_string_member(o, right_members));
            if (!left || !right)
                continue;
            GlanceSamplePair *pair = g_new0(GlanceSamplePair, 1);
            pair->left = g_steal_pointer(&left);
            pair->right = g_steal_pointer(&right);
            pair->statements = collect_texts(o, "statements", "statement", statement_members);
            g_ptr_array_add(self->pairs, pair);
        }
    }
}

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* Without samples.json: every image is a scene, and consecutive images make pairs. */
static void read_folder(GlanceSamples *self)
{
    g_autoptr(GDir) dir = g_dir_open(self->dir, 0, NULL);
    if (!dir)
        return;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *lower = g_ascii_strdown(name, -1);
        if (g_str_has_suffix(lower, ".png") || g_str_has_suffix(lower, ".jpg") ||
            g_str_has_suffix(lower, ".jpeg"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++) {
        GlanceSampleScene *scene = g_new0(GlanceSampleScene, 1);
        scene->path = g_build_filename(self->dir, names->pdata[i], NULL);
        scene->questions = g_new0(char *, 1);
        g_ptr_array_add(self->scenes, scene);
    }
    for (guint i = 0; i + 1 < names->len; i += 2) {
        GlanceSamplePair *pair = g_new0(GlanceSamplePair, 1);
        pair->left = g_build_filename(self->dir, names->pdata[i], NULL);
        pair->right = g_build_filename(self->dir, names->pdata[i + 1], NULL);
        pair->statements = g_new0(char *, 1);
        g_ptr_array_add(self->pairs, pair);
    }
}

GlanceSamples *glance_samples_new_from_dir(const char *dir)
{
    GlanceSamples *self = g_object_new(GLANCE_TYPE_SAMPLES, NULL);
    self->dir = g_strdup(dir);
    g_autofree char *json = g_build_filename(dir, "samples.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (g_file_test(json, G_FILE_TEST_EXISTS)) {
        if (json_parser_load_from_mapped_file(parser, json, &error))
            read_json(self, json_parser_get_root(parser));
        else
            g_warning("%s: %s", json, error->message);
    }
    if (self->scenes->len == 0 && self->pairs->len == 0)
        read_folder(self);
    return self;
}

GlanceSamples *glance_samples_load_default(void)
{
    g_autofree char *dir = g_build_filename(glance_paths_datadir(), "samples", NULL);
    return glance_samples_new_from_dir(dir);
}

const char *glance_samples_get_dir(GlanceSamples *self) { return self->dir; }
guint glance_samples_get_n_scenes(GlanceSamples *self) { return self->scenes->len; }
guint glance_samples_get_n_pairs(GlanceSamples *self) { return self->pairs->len; }

const GlanceSampleScene *glance_samples_get_scene(GlanceSamples *self, guint index)
{
    return index < self->scenes->len ? self->scenes->pdata[index] : NULL;
}

const GlanceSamplePair *glance_samples_get_pair(GlanceSamples *self, guint index)
{
    return index < self->pairs->len ? self->pairs->pdata[index] : NULL;
}

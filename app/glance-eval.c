/* glance-eval.c — reads a JSONL set line by line, runs each example, counts. */
#include "glance-eval.h"
#include "glance-image.h"
#include "glance-tasks.h"
#include <cblas.h>
#include <gio/gio.h>
#include <string.h>

gboolean glance_eval_task_from_name(const char *name, GlanceEvalTask *task)
{
    static const char *names[] = { "vqa", "nlvr2", "retrieval" };
    for (int i = 0; i < 3; i++)
        if (!g_strcmp0(name, names[i])) {
            *task = (GlanceEvalTask)i;
            return TRUE;
        }
    return FALSE;
}

/* Per-type tallies: type -> int[2] {correct, n}. */
static void tally(GHashTable *types, int *totals, const char *type, gboolean correct)
{
    totals[0] += correct;
    totals[1]++;
    if (!type)
        return;
    int *t = g_hash_table_lookup(types, type);
    if (!t) {
        t = g_new0(int, 2);
        g_hash_table_insert(types, g_strdup(type), t);
    }
    t[0] += correct;
    t[1]++;
}

static GPtrArray *read_lines(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error))
        return NULL;
    GPtrArray *objects = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    char **lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (!*g_strstrip(lines[i]))
            continue;
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) local = NULL;
        if (!json_parser_load_from_data(parser, lines[i], -1, &local) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%d: not a JSON object%s%s", path, i + 1,
                        local ? ": " : "", local ? local->message : "");
            g_strfreev(lines);
            g_ptr_array_unref(objects);
            return NULL;
        }
        g_ptr_array_add(objects, json_node_copy(json_parser_get_root(parser)));
    }
    g_strfreev(lines);
    if (objects->len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no examples", path);
        g_ptr_array_unref(objects);
        return NULL;
    }
    return objects;
}

static const char *member_string(JsonObject *o, const char *key, const char *path, int line, GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    if (!n || json_node_get_value_type(n) != G_TYPE_STRING) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: example %d has no \"%s\" string", path, line, key);
        return NULL;
    }
    return json_node_get_string(n);
}

static GlanceDecodedImage *load_relative(const char *dir, const char *name, GError **error)
{
    g_autofree char *path = g_path_is_absolute(name) ? g_strdup(name) : g_build_filename(dir, name, NULL);
    return glance_image_load(path, 0, error);
}

static void add_accuracy(JsonBuilder *b, int correct, int n)
{
    json_builder_set_member_name(b, "n");
    json_builder_add_int_value(b, n);
    json_builder_set_member_name(b, "accuracy");
    json_builder_add_double_value(b, n ? (double)correct / n : 0.0);
}

static JsonNode *classification_result(const char *task, GHashTable *types, const int *totals)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "task");
    json_builder_add_string_value(b, task);
    add_accuracy(b, totals[0], totals[1]);
    if (g_hash_table_size(types)) {
        json_builder_set_member_name(b, "per_type");
        json_builder_begin_object(b);
        g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(types), (GCompareFunc)strcmp);
        for (GList *k = keys; k; k = k->next) {
            int *t = g_hash_table_lookup(types, k->data);
            json_builder_set_member_name(b, k->data);
            json_builder_begin_object(b);
            add_accuracy(b, t[0], t[1]);
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static gboolean eval_example(GlanceContext *ctx, GlanceEvalTask task, JsonObject *o, const char *dir,
                             const char *path, int line, gboolean *correct, JsonArray *predictions, GError **error)
{
    if (task == GLANCE_EVAL_VQA) {
        const char *image_name = member_string(o, "image", path, line, error);
        const char *question = image_name ? member_string(o, "question", path, line, error) : NULL;
        JsonArray *answers = json_object_has_member(o, "answers") ? json_object_get_array_member(o, "answers") : NULL;
        if (!question)
            return FALSE;
        if (!answers) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: example %d has no \"answers\" list", path, line);
            return FALSE;
        }
        g_autoptr(GlanceDecodedImage) image = load_relative(dir, image_name, error);
        if (!image)
            return FALSE;
        g_autoptr(GArray) top = glance_task_ask(ctx, &image->image, question, 1, NULL, error);
        if (!top)
            return FALSE;
        const char *predicted = g_array_index(top, GlanceAnswer, 0).answer;
        json_array_add_string_element(predictions, predicted);
        *correct = FALSE;
        for (guint i = 0; i < json_array_get_length(answers); i++)
            if (!g_strcmp0(json_array_get_string_element(answers, i), predicted))
                *correct = TRUE;
        return TRUE;
    }
    const char *left_name = member_string(o, "left", path, line, error);
    const char *right_name = left_name ? member_string(o, "right", path, line, error) : NULL;
    const char *statement = right_name ? member_string(o, "statement", path, line, error) : NULL;
    if (!statement)
        return FALSE;
    if (!json_object_has_member(o, "label")) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: example %d has no \"label\"", path, line);
        return FALSE;
    }
    gboolean label = json_object_get_boolean_member(o, "label");
    g_autoptr(GlanceDecodedImage) left = load_relative(dir, left_name, error);
    g_autoptr(GlanceDecodedImage) right = left ? load_relative(dir, right_name, error) : NULL;
    GlanceJudgement j;
    if (!right || !glance_task_compare(ctx, &left->image, &right->image, statement, &j, error))
        return FALSE;
    json_array_add_boolean_element(predictions, j.verdict);
    *correct = j.verdict == label;
    return TRUE;
}

/* Recall@k both ways. Captions of one image (the same "image" path) all count as right. */
static JsonNode *eval_retrieval(GlanceContext *ctx, GPtrArray *lines, const char *dir, const char *path,
                                GlanceEvalProgress progress, gpointer user_data, GError **error)
{
    int n = (int)lines->len, dim = glance_model_embed_dim(glance_context_model(ctx));
    g_autoptr(GHashTable) image_index = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree int *image_of = g_new(int, n);
    g_autoptr(GPtrArray) image_names = g_ptr_array_new();
    for (int i = 0; i < n; i++) {
        JsonObject *o = json_node_get_object(lines->pdata[i]);
        const char *name = member_string(o, "image", path, i + 1, error);
        if (!name || !member_string(o, "caption", path, i + 1, error))
            return NULL;
        gpointer found;
        if (!g_hash_table_lookup_extended(image_index, name, NULL, &found)) {
            found = GINT_TO_POINTER(image_names->len);
            g_hash_table_insert(image_index, (gpointer)name, found);
            g_ptr_array_add(image_names, (gpointer)name);
        }
        image_of[i] = GPOINTER_TO_INT(found);
    }
    int n_images = (int)image_names->len;
    g_autofree float *images = g_new(float, (gsize)n_images * dim), *texts = g_new(float, (gsize)n * dim);
    GlanceError err = { 0 };
    for (int i = 0; i < n_images; i++) {
        g_autoptr(GlanceDecodedImage) image = load_relative(dir, image_names->pdata[i], error);
        if (!image)
            return NULL;
        if (glance_embed_image(ctx, &image->image, 0, images + (gsize)i * dim, &err) != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            return NULL;
        }
        if (progress)
            progress(i + 1, n_images + n, user_data);
    }
    for (int i = 0; i < n; i++) {
        const char *caption = json_object_get_string_member(json_node_get_object(lines->pdata[i]), "caption");
        if (glance_embed_text(ctx, caption, 0, texts + (gsize)i * dim, &err) != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            return NULL;
        }
        if (progress)
            progress(n_images + i + 1, n_images + n, user_data);
    }
    /* scores (texts, images) */
    g_autofree float *scores = g_new(float, (gsize)n * n_images);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n_images, dim, 1.0f, texts, dim, images, dim, 0.0f,
                scores, n_images);
    static const int ks[3] = { 1, 5, 10 };
    int t2i[3] = { 0 }, i2t[3] = { 0 };
    for (int t = 0; t < n; t++) {
        const float *row = scores + (gsize)t * n_images;
        int rank = 0; /* images scoring above the right one */
        for (int i = 0; i < n_images; i++)
            rank += row[i] > row[image_of[t]];
        for (int k = 0; k < 3; k++)
            t2i[k] += rank < ks[k];
    }
    for (int i = 0; i < n_images; i++) {
        /* rank of the best-scoring right caption among all captions */
        float best = -G_MAXFLOAT;
        for (int t = 0; t < n; t++)
            if (image_of[t] == i && scores[(gsize)t * n_images + i] > best)
                best = scores[(gsize)t * n_images + i];
        int rank = 0;
        for (int t = 0; t < n; t++)
            rank += image_of[t] != i && scores[(gsize)t * n_images + i] > best;
        for (int k = 0; k < 3; k++)
            i2t[k] += rank < ks[k];
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "task");
    json_builder_add_string_value(b, "retrieval");
    json_builder_set_member_name(b, "n");
    json_builder_add_int_value(b, n);
    json_builder_set_member_name(b, "images");
    json_builder_add_int_value(b, n_images);
    const char *sides[2] = { "text_to_image", "image_to_text" };
    const int *hits[2] = { t2i, i2t };
    const int totals[2] = { n, n_images };
    for (int s = 0; s < 2; s++) {
        json_builder_set_member_name(b, sides[s]);
        json_builder_begin_object(b);
        for (int k = 0; k < 3; k++) {
            char key[8];
            g_snprintf(key, sizeof key, "r%d", ks[k]);
            json_builder_set_member_name(b, key);
            json_builder_add_double_value(b, (double)hits[s][k] / totals[s]);
        }
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

JsonNode *glance_eval_run(GlanceContext *ctx, GlanceEvalTask task, const char *jsonl_path,
                          GlanceEvalProgress progress, gpointer user_data, GError **error)
{
    g_autoptr(GPtrArray) lines = read_lines(jsonl_path, error);
    if (!lines)
        return NULL;
    g_autofree char *dir = g_path_get_dirname(jsonl_path);
    if (task == GLANCE_EVAL_RETRIEVAL)
        return eval_retrieval(ctx, lines, dir, jsonl_path, progress, user_data, error);
    g_autoptr(GHashTable) types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    int totals[2] = { 0 };
    g_autoptr(JsonArray) predictions = json_array_new();
    for (guint i = 0; i < lines->len; i++) {
        JsonObject *o = json_node_get_object(lines->pdata[i]);
        gboolean correct = FALSE;
        if (!eval_example(ctx, task, o, dir, jsonl_path, (int)i + 1, &correct, predictions, error))
            return NULL;
        const char *type = json_object_has_member(o, "type") ? json_object_get_string_member(o, "type") : NULL;
        tally(types, totals, type, correct);
        if (progress)
            progress((int)i + 1, (int)lines->len, user_data);
    }
    JsonNode *result = classification_result(task == GLANCE_EVAL_VQA ? "vqa" : "nlvr2", types, totals);
    json_object_set_array_member(json_node_get_object(result), "predictions", json_array_ref(predictions));
    return result;
}

/* glance-state-dict.c — from a checkpoint's root object to a list of tensors. */
#include "glance-state-dict.h"
#include "glance-import-error.h"
#include <string.h>

#define DEEPSPEED_PREFIX "module."

static void source_tensor_free(gpointer data)
{
    GlanceSourceTensor *t = data;
    g_free(t->name);
    g_free(t);
}

/* The official loader tries these keys in this order. */
static const char *const wrapper_keys[] = { "state_dict", "module", "model" };

static const GlancePickleValue *unwrap(const GlancePickleValue *root, const char **wrapper,
                                       GError **error)
{
    if (!root || root->kind != GLANCE_PICKLE_DICT) {
        g_autofree char *what = glance_pickle_describe(root);
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_NOT_VLMO,
                    "the checkpoint holds %s, not a state dict", what);
        return NULL;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(wrapper_keys); i++) {
        const GlancePickleValue *inner = glance_pickle_dict_get(root, wrapper_keys[i]);
        if (!inner)
            continue;
        if (inner->kind != GLANCE_PICKLE_DICT) {
            g_autofree char *what = glance_pickle_describe(inner);
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_NOT_VLMO,
                        "the checkpoint's \"%s\" holds %s, not a state dict (a whole pickled "
                        "model cannot be imported; save its state_dict())",
                        wrapper_keys[i], what);
            return NULL;
        }
        *wrapper = wrapper_keys[i];
        return inner;
    }
    *wrapper = "";
    return root;
}

static gboolean all_tensor_keys_have_prefix(const GlancePickleValue *dict, const char *prefix)
{
    gboolean any = FALSE;
    for (gsize i = 0; i < dict->dict.length; i++) {
        const GlancePickleValue *key = dict->dict.keys[i];
        if (dict->dict.values[i]->kind != GLANCE_PICKLE_TENSOR)
            continue;
        if (key->kind != GLANCE_PICKLE_STRING || !g_str_has_prefix(key->string.data, prefix))
            return FALSE;
        any = TRUE;
    }
    return any;
}

gboolean glance_state_dict_extract(const GlancePickleValue *root, GlanceStateDict *out,
                                   GError **error)
{
    memset(out, 0, sizeof *out);
    const char *wrapper = NULL;
    const GlancePickleValue *dict = unwrap(root, &wrapper, error);
    if (!dict)
        return FALSE;

    /* DeepSpeed saves "module."-prefixed names (the official loader strips
     * them under "module"); DistributedDataParallel does the same in plain
     * dicts, so strip them wherever every tensor name carries the prefix. */
    gboolean strip = all_tensor_keys_have_prefix(dict, DEEPSPEED_PREFIX);

    out->tensors = g_ptr_array_new_with_free_func(source_tensor_free);
    out->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    out->wrapper = g_strdup(wrapper);
    for (gsize i = 0; i < dict->dict.length; i++) {
        const GlancePickleValue *key = dict->dict.keys[i], *value = dict->dict.values[i];
        if (value->kind != GLANCE_PICKLE_TENSOR || key->kind != GLANCE_PICKLE_STRING) {
            out->n_other++;
            continue;
        }
        const char *name = key->string.data;
        if (strlen(name) != key->string.length || !g_utf8_validate(name, -1, NULL)) {
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                        "state dict key %" G_GSIZE_FORMAT " is not a valid UTF-8 name", i);
            glance_state_dict_clear(out);
            return FALSE;
        }
        if (strip || (!strcmp(wrapper, "module") && g_str_has_prefix(name, DEEPSPEED_PREFIX)))
            name += strlen(DEEPSPEED_PREFIX);

        GlanceSourceTensor *t = g_hash_table_lookup(out->by_name, name);
        if (!t) { /* a repeated key overrides, as in a Python dict */
            t = g_new0(GlanceSourceTensor, 1);
            t->name = g_strdup(name);
            g_ptr_array_add(out->tensors, t);
            g_hash_table_insert(out->by_name, t->name, t);
        }
        const GlancePickleValue *storage = value->tensor.storage;
        t->dtype = storage->storage.dtype;
        t->ndim = value->tensor.ndim;
        memcpy(t->shape, value->tensor.shape, sizeof t->shape);
        memcpy(t->stride, value->tensor.stride, sizeof t->stride);
        t->storage_offset = value->tensor.offset;
        t->storage_key = storage->storage.key;
        t->storage_type = storage->storage.type_name;
        t->storage_numel = storage->storage.numel;
    }
    return TRUE;
}

void glance_state_dict_clear(GlanceStateDict *state_dict)
{
    if (state_dict->tensors)
        g_ptr_array_free(state_dict->tensors, TRUE);
    if (state_dict->by_name)
        g_hash_table_destroy(state_dict->by_name);
    g_free(state_dict->wrapper);
    memset(state_dict, 0, sizeof *state_dict);
}

const GlanceSourceTensor *glance_state_dict_get(const GlanceStateDict *state_dict, const char *name)
{
    return g_hash_table_lookup(state_dict->by_name, name);
}

gint64 glance_source_tensor_numel(const GlanceSourceTensor *tensor)
{
    gint64 numel = 1;
    for (int i = 0; i < tensor->ndim; i++) {
        if (tensor->shape[i] != 0 && numel > G_MAXINT64 / tensor->shape[i])
            return -1; /* overflow: callers treat as invalid */
        numel *= tensor->shape[i];
    }
    return numel;
}

char *glance_shape_to_string(int ndim, const gint64 *shape)
{
    GString *s = g_string_new("[");
    for (int i = 0; i < ndim; i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
    g_string_append_c(s, ']');
    return g_string_free(s, FALSE);
}

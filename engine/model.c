/* model.c — open a Glance model file: read glance.config, then point every weight at
 * its tensor after checking the tensor's exact shape. */
#include "cpu.h"
#include "tensor-schema.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    GlanceModel *model;
    GlanceError *err;
    GlanceStatus status;
} Binder;

/* Records memory the model owns (freed by glance_model_close); NULL if out of memory. */
static void *keep(Binder *b, void *memory, const char *name)
{
    void **list = realloc(b->model->converted, (size_t)(b->model->n_converted + 1) * sizeof *list);
    if (!memory || !list) {
        free(memory);
        if (list)
            b->model->converted = list;
        b->status = glance_fail(b->err, GLANCE_ERR_NOMEM, "out of memory converting '%s'", name);
        return NULL;
    }
    b->model->converted = list;
    list[b->model->n_converted++] = memory;
    return memory;
}

/* F32 data aligned for float is used in place; everything else is converted once. */
static const float *tensor_as_f32(Binder *b, const StTensor *t)
{
    if (t->dtype == ST_F32 && ((uintptr_t)t->data % sizeof(float)) == 0)
        return (const float *)t->data;
    float *out = keep(b, malloc((size_t)t->count * sizeof(float) + 1), t->name);
    if (!out)
        return NULL;
    for (int64_t i = 0; i < t->count; i++) {
        if (t->dtype == ST_F32) {
            memcpy(&out[i], t->data + i * 4, 4);
        } else {
            uint16_t h;
            memcpy(&h, t->data + i * 2, 2);
            if (t->dtype == ST_F16) {
                out[i] = glance_f16_to_float(h);
            } else {
                uint32_t bits = (uint32_t)h << 16;
                memcpy(&out[i], &bits, 4);
            }
        }
    }
    return out;
}

/* Binds a tensor of exactly the given shape (dims after the name, ndim of them).
 * Leading dimensions of size 1 in the file are tolerated ((1,1,dim) for (dim)). */
static const float *bindv(Binder *b, int required, int ndim, const int64_t *dims, const char *name)
{
    if (b->status != GLANCE_OK)
        return NULL;
    const StTensor *t = glance_st_find(b->model->file, name);
    if (!t) {
        if (required)
            b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "missing tensor '%s'", name);
        return NULL;
    }
    if (t->dtype == ST_OTHER || t->dtype == ST_I8) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "tensor '%s' has dtype %s, expected F32, F16 or BF16",
                                name, t->dtype_name);
        return NULL;
    }
    int skip = t->ndim - ndim;
    int ok = skip >= 0;
    for (int i = 0; ok && i < skip; i++)
        ok = t->shape[i] == 1;
    for (int i = 0; ok && i < ndim; i++)
        ok = t->shape[skip + i] == dims[i];
    if (!ok) {
        char want[128] = "", got[128] = "";
        for (int i = 0; i < ndim; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", i ? ", " : "", (long long)dims[i]);
        for (int i = 0; i < t->ndim; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", i ? ", " : "", (long long)t->shape[i]);
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "tensor '%s' has shape [%s], the config needs [%s]",
                                name, got, want);
        return NULL;
    }
    return tensor_as_f32(b, t);
}

static int shape_is(const StTensor *t, int64_t rows, int64_t cols)
{
    return t->ndim == 2 && t->shape[0] == rows && t->shape[1] == cols;
}

/* A Q8 matrix: int8 panels used in place from the mapping, and NAME.scale, F32 (rows). */
static void bind_q8(Binder *b, const StTensor *t, GlanceMatrix *m)
{
    char scale_name[192];
    snprintf(scale_name, sizeof scale_name, "%s.scale", t->name);
    if (!shape_is(t, m->rows, m->cols) || m->rows % GLANCE_PANEL_ROWS || m->cols % 4) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT,
                                "Q8 tensor '%s' must have shape [%d, %d] with rows a multiple of 16 and "
                                "columns of 4", t->name, m->rows, m->cols);
        return;
    }
    const StTensor *s = glance_st_find(b->model->file, scale_name);
    if (!s) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "Q8 tensor '%s' has no scale tensor '%s'", t->name,
                                scale_name);
        return;
    }
    if (s->dtype != ST_F32 || s->ndim != 1 || s->shape[0] != m->rows) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "scale tensor '%s' must be F32 of shape [%d]",
                                scale_name, m->rows);
        return;
    }
    const float *scale = tensor_as_f32(b, s);
    for (int i = 0; scale && i < m->rows; i++)
        if (!(scale[i] >= 0 && scale[i] < 1e30f)) {
            b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "scale tensor '%s' holds %g at row %d", scale_name,
                                    (double)scale[i], i);
            return;
        }
    m->kind = GLANCE_MATRIX_Q8;
    m->panels = t->data;
    m->scale = scale;
}

/* BF16 panels (a glance.precision "bf16" file): used in place by the BF16 kernel, or
 * unpacked to F32 once where the CPU has none. */
static void bind_bf16(Binder *b, const StTensor *t, GlanceMatrix *m)
{
    if (!shape_is(t, m->rows, m->cols) || m->rows % GLANCE_PANEL_ROWS || m->cols % 2) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT,
                                "BF16 tensor '%s' must have shape [%d, %d] with rows a multiple of 16 and "
                                "columns of 2", t->name, m->rows, m->cols);
        return;
    }
    if (glance_bf16_kernel_available()) {
        m->kind = GLANCE_MATRIX_BF16;
        m->panels = t->data;
        return;
    }
    float *f32 = keep(b, malloc((size_t)t->count * sizeof(float) + 1), t->name);
    if (f32)
        glance_unpack_bf16_panels(f32, t->data, m->rows, m->cols);
    m->f32 = f32;
}

/* A big layer's weight (tensor-schema.c's MATRIX entries): Q8 or BF16 panels as
 * stored; F16 used in place; otherwise F32 as any weight (converted from row-major BF16,
 * or from F16 on a CPU without F16C). */
static void bind_matrix(Binder *b, int required, const int64_t *shape, const char *name, GlanceMatrix *m)
{
    if (b->status != GLANCE_OK)
        return;
    *m = (GlanceMatrix){ .kind = GLANCE_MATRIX_F32, .rows = (int)shape[0], .cols = (int)shape[1] };
    const StTensor *t = glance_st_find(b->model->file, name);
    if (t && t->dtype == ST_I8) {
        bind_q8(b, t, m);
        return;
    }
    if (t && t->dtype == ST_BF16 && b->model->bf16_panels) {
        bind_bf16(b, t, m);
        return;
    }
    /* F16 stays 16-bit where F16C can widen it per tile. */
    if (t && t->dtype == ST_F16 && glance_cpu()->avx2 && shape_is(t, m->rows, m->cols) &&
        m->rows % GLANCE_PANEL_ROWS == 0 && (uintptr_t)t->data % 2 == 0) {
        m->kind = GLANCE_MATRIX_F16;
        m->panels = t->data;
        return;
    }
    m->f32 = bindv(b, required, 2, shape, name);
}

static float bind_scalar(Binder *b, const char *name)
{
    static const int64_t one[1] = { 1 };
    const float *v = bindv(b, 0, 1, one, name);
    if (!v && b->status == GLANCE_OK && glance_st_find(b->model->file, name))
        v = bindv(b, 1, 0, NULL, name); /* stored 0-dimensional */
    return v ? v[0] : 0.0f;
}

/* Binds schema tensor i (of block `block`) into the field at `base`. Leading
 * constant-1 dimensions of the official shape are dropped ((1, 1, dim) -> (dim));
 * bindv tolerates them in the file. */
static void bind_tensor(Binder *b, int i, int block, char *base)
{
    const GlanceTensorSpec *spec = glance_tensor_spec(i);
    char name[160];
    int64_t shape[4];
    if (!glance_tensor_name(spec, block, name, sizeof name)) {
        b->status = glance_fail(b->err, GLANCE_ERR_FORMAT, "tensor name '%s' is too long", spec->name);
        return;
    }
    int ndim = glance_tensor_shape(spec, &b->model->config, shape), skip = 0;
    while (skip < ndim && spec->shape[skip].size == GLANCE_SIZE_CONST && spec->shape[skip].times == 1)
        skip++;
    void *field = base + glance_tensor_field(i);
    if (spec->flags & GLANCE_TENSOR_SCALAR)
        *(float *)field = bind_scalar(b, name);
    else if (spec->flags & GLANCE_TENSOR_MATRIX)
        bind_matrix(b, !(spec->flags & GLANCE_TENSOR_OPTIONAL), shape + skip, name, field);
    else
        *(const float **)field = bindv(b, !(spec->flags & GLANCE_TENSOR_OPTIONAL), ndim - skip, shape + skip, name);
}

static void bind_weights(Binder *b)
{
    GlanceModel *m = b->model;
    const GlanceConfig *c = &m->config;
    GlanceWeights *w = &m->w;
    for (int i = 0; i < glance_tensor_count() && b->status == GLANCE_OK; i++) {
        const GlanceTensorSpec *spec = glance_tensor_spec(i);
        if ((spec->flags & GLANCE_TENSOR_READ_IF_ABS_POS) && !c->abs_pos)
            continue;
        if (!(spec->flags & GLANCE_TENSOR_PER_BLOCK)) {
            if (glance_tensor_applies(spec, c, 0))
                bind_tensor(b, i, 0, (char *)w);
            continue;
        }
        for (int l = 0; l < c->depth && b->status == GLANCE_OK; l++)
            if (glance_tensor_applies(spec, c, l))
                bind_tensor(b, i, l, (char *)&w->blocks[l]);
    }
    if (c->rel_pos)
        w->rel_pos_rows = m->rel_image_rows + 2 * c->rel_pos_text_len + 2;
    w->vqa = (GlanceClassifierWeights){ w->vqa.fc1_w, w->vqa.fc1_b, w->vqa.norm_w, w->vqa.norm_b,
                                        w->vqa.fc2_w, w->vqa.fc2_b, c->dim, 2 * c->dim, c->num_answers };
    w->nlvr2 = (GlanceClassifierWeights){ w->nlvr2.fc1_w, w->nlvr2.fc1_b, w->nlvr2.norm_w, w->nlvr2.norm_b,
                                          w->nlvr2.fc2_w, w->nlvr2.fc2_b, 2 * c->dim, 2 * c->dim, 2 };
}

static int has_head(const JsonValue *heads, const char *name)
{
    if (!heads || heads->type != JSON_ARRAY)
        return 0;
    for (int i = 0; i < heads->count; i++)
        if (heads->items[i].type == JSON_STRING && !strcmp(heads->items[i].string, name))
            return 1;
    return 0;
}

/* Reads glance.config and checks that the numbers describe a buildable model. */
static GlanceStatus read_config(GlanceModel *m, GlanceError *err)
{
    const char *format = glance_st_metadata(m->file, GLANCE_META_FORMAT);
    const char *text = glance_st_metadata(m->file, GLANCE_META_CONFIG);
    if (!format || !text)
        return glance_fail(err, GLANCE_ERR_FORMAT,
                           "not a Glance model (no glance.format / glance.config metadata; "
                           "convert official checkpoints with 'glance-cli import')");
    if (strcmp(format, "1") != 0)
        return glance_fail(err, GLANCE_ERR_FORMAT, "unsupported glance.format '%s' (this version reads 1)", format);
    char reason[128] = "";
    JsonValue *json = glance_json_parse(text, strlen(text), reason, sizeof reason);
    if (!json || json->type != JSON_OBJECT) {
        glance_json_free(json);
        return glance_fail(err, GLANCE_ERR_FORMAT, "glance.config is not a JSON object: %s", reason);
    }
    GlanceConfig *c = &m->config;
    c->dim = (int)glance_json_get_number(json, "dim", 0);
    c->depth = (int)glance_json_get_number(json, "depth", 0);
    c->heads = (int)glance_json_get_number(json, "heads", 0);
    c->mlp_hidden = (int)glance_json_get_number(json, "mlp_hidden", 0);
    c->vlffn_start = (int)glance_json_get_number(json, "vlffn_start", -1);
    c->patch_size = (int)glance_json_get_number(json, "patch_size", 0);
    c->image_size = (int)glance_json_get_number(json, "image_size", 0);
    c->max_text_len = (int)glance_json_get_number(json, "max_text_len", 0);
    c->vocab_size = (int)glance_json_get_number(json, "vocab_size", 0);
    c->rel_pos = glance_json_get_bool(json, "rel_pos", 0);
    c->rel_pos_text_len = (int)glance_json_get_number(json, "rel_pos_text_len", 196);
    c->abs_pos = glance_json_get_bool(json, "abs_pos", 0);
    c->layer_scale = glance_json_get_bool(json, "layer_scale", 0);
    c->token_types = (int)glance_json_get_number(json, "token_types", 2);
    c->norm_eps = (float)glance_json_get_number(json, "norm_eps", 1e-6);
    c->text_eps = (float)glance_json_get_number(json, "text_eps", 1e-12);
    c->head_eps = (float)glance_json_get_number(json, "head_eps", 1e-5);
    c->num_answers = (int)glance_json_get_number(json, "num_answers", 0);
    const JsonValue *heads = glance_json_object_get(json, "heads_present");
    for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++)
        glance_config_set_head(c, h, has_head(heads, glance_head_name(h)));
    glance_json_free(json);

    /* Bounds keep every later size computation far from overflow. */
    if (c->dim < 1 || c->dim > 8192 || c->depth < 1 || c->depth > 128 || c->heads < 1 ||
        c->dim % c->heads != 0 || c->mlp_hidden < 1 || c->mlp_hidden > 65536 ||
        c->vlffn_start < 0 || c->vlffn_start > c->depth || c->patch_size < 1 ||
        c->image_size < c->patch_size || c->image_size > 4096 || c->image_size % c->patch_size != 0 ||
        c->max_text_len < 2 || c->max_text_len > 4096 || c->vocab_size < 1 || c->vocab_size > 10000000 ||
        c->token_types < 2 || c->token_types > 16 ||
        (c->rel_pos && (c->rel_pos_text_len < c->max_text_len || c->rel_pos_text_len > 65536)) ||
        c->num_answers < 0 || c->num_answers > 1000000 ||
        (c->has_vqa && c->num_answers < 1) || (c->has_nlvr2 && c->token_types < 3) ||
        ((c->has_vqa || c->has_nlvr2 || c->has_itm) && !c->has_pooler) ||
        !(c->norm_eps > 0) || !(c->text_eps > 0) || !(c->head_eps > 0))
        return glance_fail(err, GLANCE_ERR_FORMAT, "glance.config describes an impossible model");
    m->patches_side = c->image_size / c->patch_size;
    m->num_patches = m->patches_side * m->patches_side;
    m->rel_image_rows = (2 * m->patches_side - 1) * (2 * m->patches_side - 1) + 3;
    return GLANCE_OK;
}

static GlanceStatus read_answers(GlanceModel *m, GlanceError *err)
{
    if (!m->config.has_vqa)
        return GLANCE_OK;
    m->answers_blob = glance_st_take_metadata(m->file, GLANCE_META_ANSWERS); /* split in place below */
    if (!m->answers_blob)
        return glance_fail(err, GLANCE_ERR_FORMAT, "the model has a VQA head but no glance.answers list");
    m->answers = calloc((size_t)m->config.num_answers, sizeof *m->answers);
    if (!m->answers_blob || !m->answers)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    char *line = m->answers_blob;
    for (int i = 0; i < m->config.num_answers; i++) {
        if (!line)
            return glance_fail(err, GLANCE_ERR_FORMAT, "glance.answers has %d lines, the VQA head has %d outputs",
                               i, m->config.num_answers);
        m->answers[i] = line;
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
            line = nl + 1;
        } else {
            line = NULL;
        }
    }
    m->num_answers = m->config.num_answers;
    return GLANCE_OK;
}

GlanceStatus glance_model_open(const char *path, GlanceModel **out, GlanceError *err)
{
    if (!out || !path)
        return glance_fail(err, GLANCE_ERR_INVALID, "no model path given");
    *out = NULL;
    GlanceModel *m = calloc(1, sizeof *m);
    if (!m)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    GlanceError local = { 0 };
    GlanceStatus s = glance_st_open(path, &m->file, err);
    if (s != GLANCE_OK) {
        glance_model_close(m);
        return s;
    }
    s = read_config(m, &local);
    if (s == GLANCE_OK)
        s = read_answers(m, &local);
    if (s == GLANCE_OK) {
        /* Taken from the file: the parsed vocabulary is what the model keeps. */
        char *vocab = glance_st_take_metadata(m->file, GLANCE_META_VOCAB);
        if (!vocab) {
            s = glance_fail(&local, GLANCE_ERR_FORMAT, "no glance.vocab metadata");
        } else {
            m->vocab = glance_vocab_new(vocab, strlen(vocab), &local);
            free(vocab);
            if (!m->vocab)
                s = local.status ? local.status : GLANCE_ERR_FORMAT;
            else if (glance_vocab_size(m->vocab) > m->config.vocab_size)
                s = glance_fail(&local, GLANCE_ERR_FORMAT, "the vocabulary has %d pieces, the embedding only %d rows",
                                glance_vocab_size(m->vocab), m->config.vocab_size);
        }
    }
    if (s == GLANCE_OK) {
        const char *precision = glance_st_metadata(m->file, GLANCE_META_PRECISION);
        if (precision && strcmp(precision, "q8") && strcmp(precision, "bf16"))
            s = glance_fail(&local, GLANCE_ERR_FORMAT, "unsupported glance.precision '%s' (q8 or bf16)", precision);
        m->bf16_panels = precision && !strcmp(precision, "bf16");
    }
    if (s == GLANCE_OK) {
        m->w.blocks = calloc((size_t)m->config.depth, sizeof *m->w.blocks);
        if (!m->w.blocks)
            s = glance_fail(&local, GLANCE_ERR_NOMEM, "out of memory");
    }
    if (s == GLANCE_OK) {
        Binder b = { m, &local, GLANCE_OK };
        bind_weights(&b);
        s = b.status;
    }
    if (s != GLANCE_OK) {
        glance_fail(err, s, "%s: %s", path, local.message);
        glance_model_close(m);
        return s;
    }
    const char *name = glance_st_metadata(m->file, GLANCE_META_NAME);
    m->name = strdup(name ? name : "");
    *out = m;
    return GLANCE_OK;
}

void glance_model_close(GlanceModel *model)
{
    if (!model)
        return;
    for (int i = 0; i < model->n_converted; i++)
        free(model->converted[i]);
    free(model->converted);
    free(model->w.blocks);
    free(model->answers);
    free(model->answers_blob);
    free(model->name);
    glance_vocab_free(model->vocab);
    glance_st_close(model->file);
    free(model);
}

const GlanceConfig *glance_model_config(const GlanceModel *model) { return &model->config; }
const char *glance_model_name(const GlanceModel *model) { return model->name; }
int glance_model_num_answers(const GlanceModel *model) { return model->num_answers; }
int glance_model_embed_dim(const GlanceModel *model) { return model->config.dim; }

const char *glance_model_metadata(const GlanceModel *model, const char *key)
{
    return model && key ? glance_st_metadata(model->file, key) : NULL;
}

GlanceStatus glance_text_inspect(const GlanceModel *model, const char *text, int *n_tokens, int *n_unknown,
                                 GlanceUnknownWordFunc unknown, void *user_data, GlanceError *err)
{
    if (!model || !text)
        return glance_fail(err, GLANCE_ERR_INVALID, "no model or no text");
    return glance_wordpiece_inspect(model->vocab, text, n_tokens, n_unknown, unknown, user_data, err);
}

const char *glance_model_answer(const GlanceModel *model, int label)
{
    return label >= 0 && label < model->num_answers ? model->answers[label] : NULL;
}

float glance_model_logit_scale(const GlanceModel *model, int vl)
{
    if (vl ? !model->config.has_itc_vl : !model->config.has_itc)
        return 1.0f;
    return expf(vl ? model->w.logit_vl_scale : model->w.logit_scale);
}

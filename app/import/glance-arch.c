/* glance-arch.c — architecture inference from tensor shapes.
 *
 * A few anchor tensors fix the sizes (dim and vocabulary from the word
 * embedding, FFN width from block 0, patch size from the patch embedding,
 * heads from the relative-position table); then every tensor the config
 * implies is looked up and its shape compared, so a contradiction is
 * reported with both the offending tensor and the anchor it contradicts. */
#include "glance-arch.h"
#include "glance-import-error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORD_EMBEDDINGS "text_embeddings.word_embeddings.weight"
#define POSITION_EMBEDDINGS "text_embeddings.position_embeddings.weight"
#define PATCH_WEIGHT "transformer.patch_embed.proj.weight"
#define POS_EMBED "transformer.pos_embed"
#define REL_POS_TABLE "relative_position_bias_table"
#define TOKEN_TYPES "token_type_embeddings.weight"
#define VQA_OUT "vqa_classifier.3.weight"
#define MLP_HIDDEN_ANCHOR "transformer.blocks.0.mlp_text.fc1.weight"

/* The sizes a tensor's expected shape is built from; named in messages. */
enum {
    Q_DIM = 1 << 0,
    Q_HIDDEN = 1 << 1,
    Q_VOCAB = 1 << 2,
    Q_PATCH = 1 << 3,
    Q_TEXT = 1 << 4,
    Q_ANSWERS = 1 << 5,
    Q_TOKEN_TYPES = 1 << 6,
    Q_HEADS = 1 << 7,
    Q_IMAGE = 1 << 8,
};

typedef struct {
    const GlanceStateDict *sd;
    const GlanceArchOverrides *overrides;
    GlanceConfig *c;
    GPtrArray *plan;
    GHashTable *planned;       /* names already in the plan */
    gint64 rel_pos_rows;       /* rows of the relative-position table */
    GError **error;
} Inference;

static const GlanceSourceTensor *find(const Inference *inf, const char *name)
{
    return glance_state_dict_get(inf->sd, name);
}

static gboolean has_prefix_tensor(const Inference *inf, const char *prefix)
{
    for (guint i = 0; i < inf->sd->tensors->len; i++) {
        const GlanceSourceTensor *t = g_ptr_array_index(inf->sd->tensors, i);
        if (g_str_has_prefix(t->name, prefix))
            return TRUE;
    }
    return FALSE;
}

static char *explain(const Inference *inf, guint quantities)
{
    const GlanceConfig *c = inf->c;
    GString *s = g_string_new(NULL);
#define ADD(...) g_string_append_printf(s, "%s", s->len ? ", " : ""), g_string_append_printf(s, __VA_ARGS__)
    if (quantities & Q_DIM)
        ADD("dim %d from '%s'", c->dim, WORD_EMBEDDINGS);
    if (quantities & Q_VOCAB)
        ADD("vocabulary %d from '%s'", c->vocab_size, WORD_EMBEDDINGS);
    if (quantities & Q_HIDDEN)
        ADD("mlp_hidden %d from '%s'", c->mlp_hidden, MLP_HIDDEN_ANCHOR);
    if (quantities & Q_PATCH)
        ADD("patch_size %d from '%s'", c->patch_size, PATCH_WEIGHT);
    if (quantities & Q_IMAGE)
        ADD("image_size %d", c->image_size);
    if (quantities & Q_HEADS)
        ADD("heads %d, depth %d", c->heads, c->depth);
    if (quantities & Q_TEXT)
        ADD("max_text_len %d", c->max_text_len);
    if (quantities & Q_ANSWERS)
        ADD("%d answers from '%s'", c->num_answers, VQA_OUT);
    if (quantities & Q_TOKEN_TYPES)
        ADD("%d token types from '%s'", c->token_types, TOKEN_TYPES);
#undef ADD
    return g_string_free(s, FALSE);
}

static gboolean set_error(Inference *inf, GlanceImportError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean set_error(Inference *inf, GlanceImportError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(inf->error, GLANCE_IMPORT_ERROR, code, message);
    return FALSE;
}

static void plan_free(gpointer data)
{
    GlanceTensorPlan *p = data;
    g_free(p->name);
    g_free(p);
}

/* Requires tensor `name` with exactly `shape` and plans it (output shape =
 * `shape`). A 0-d source is accepted for shape [1] (logit scales); with
 * `rows_prefix` a source with more rows than shape[0] is cut (text positions
 * beyond --max-text-len). */
static gboolean expect_full(Inference *inf, const char *name, int ndim, const gint64 *shape,
                            guint quantities, gboolean rows_prefix)
{
    const GlanceSourceTensor *t = find(inf, name);
    g_autofree char *want = glance_shape_to_string(ndim, shape);
    if (!t) {
        g_autofree char *why = explain(inf, quantities);
        return set_error(inf, GLANCE_IMPORT_ERROR_NOT_VLMO,
                         "incomplete VLMo checkpoint: tensor '%s' %s is missing (%s)", name, want, why);
    }
    gboolean fits = t->ndim == ndim;
    for (int i = 0; fits && i < ndim; i++)
        fits = t->shape[i] == shape[i] || (rows_prefix && i == 0 && t->shape[0] > shape[0]);
    if (!fits && ndim == 1 && shape[0] == 1 && t->ndim == 0)
        fits = TRUE;
    if (!fits) {
        g_autofree char *got = glance_shape_to_string(t->ndim, t->shape);
        g_autofree char *why = explain(inf, quantities);
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "tensor '%s' has shape %s, but %s follows from %s", name, got, want, why);
    }
    GlanceTensorPlan *p = g_new0(GlanceTensorPlan, 1);
    p->name = g_strdup(name);
    p->view.source = t;
    p->view.ndim = ndim;
    memcpy(p->view.shape, shape, (gsize)ndim * sizeof *shape);
    g_ptr_array_add(inf->plan, p);
    g_hash_table_add(inf->planned, p->name);
    return TRUE;
}

/* A 2-D anchor: sets *rows / *cols after checking it is 2-D. */
static gboolean anchor_2d(Inference *inf, const char *name, gint64 *rows, gint64 *cols)
{
    const GlanceSourceTensor *t = find(inf, name);
    if (!t)
        return set_error(inf, GLANCE_IMPORT_ERROR_NOT_VLMO,
                         "incomplete VLMo checkpoint: tensor '%s' is missing", name);
    if (t->ndim != 2 || t->shape[0] < 1 || t->shape[1] < 1) {
        g_autofree char *got = glance_shape_to_string(t->ndim, t->shape);
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "tensor '%s' has shape %s; a non-empty 2-D matrix was expected", name, got);
    }
    if (t->shape[0] > G_MAXINT32 || t->shape[1] > G_MAXINT32) {
        g_autofree char *got = glance_shape_to_string(t->ndim, t->shape);
        return set_error(inf, GLANCE_IMPORT_ERROR_LIMIT,
                         "tensor '%s' has shape %s; sizes beyond 2^31 are not supported", name, got);
    }
    *rows = t->shape[0];
    if (cols)
        *cols = t->shape[1];
    return TRUE;
}

static char *block_name(int block, const char *suffix)
{
    return g_strdup_printf("transformer.blocks.%d.%s", block, suffix);
}

/* The anchors that make a state dict a VLMo one; missing ones mean "not VLMo". */
static gboolean check_is_vlmo(Inference *inf)
{
    static const char *const anchors[] = { WORD_EMBEDDINGS, PATCH_WEIGHT,
                                           "transformer.blocks.0.attn.qkv.weight", MLP_HIDDEN_ANCHOR };
    GString *missing = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(anchors); i++)
        if (!find(inf, anchors[i]))
            g_string_append_printf(missing, "%s'%s'", missing->len ? ", " : "", anchors[i]);
    if (missing->len == 0) {
        g_string_free(missing, TRUE);
        return TRUE;
    }
    GString *sample = g_string_new(NULL);
    guint n = inf->sd->tensors->len;
    for (guint i = 0; i < MIN(n, 3); i++) {
        const GlanceSourceTensor *t = g_ptr_array_index(inf->sd->tensors, i);
        g_string_append_printf(sample, "%s'%s'", i ? ", " : "", t->name);
    }
    set_error(inf, GLANCE_IMPORT_ERROR_NOT_VLMO,
              "not a VLMo checkpoint: it has no %s (its state dict has %u tensor%s%s%s%s)",
              missing->str, n, n == 1 ? "" : "s", n ? ", e.g. " : "", sample->str,
              n > 3 ? ", ..." : "");
    g_string_free(missing, TRUE);
    g_string_free(sample, TRUE);
    return FALSE;
}

/* Counts blocks 0..depth-1 and rejects stray block numbers beyond a gap. */
static gboolean infer_depth(Inference *inf)
{
    int depth = 0;
    for (;; depth++) {
        g_autofree char *name = block_name(depth, "attn.qkv.weight");
        if (!find(inf, name))
            break;
    }
    for (guint i = 0; i < inf->sd->tensors->len; i++) {
        const GlanceSourceTensor *t = g_ptr_array_index(inf->sd->tensors, i);
        if (!g_str_has_prefix(t->name, "transformer.blocks."))
            continue;
        const char *digits = t->name + strlen("transformer.blocks.");
        char *end = NULL;
        guint64 index = g_ascii_strtoull(digits, &end, 10);
        if (end != digits && *end == '.' && index >= (guint64)depth)
            return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                             "tensor '%s' belongs to block %" G_GUINT64_FORMAT ", but "
                             "'transformer.blocks.%d.attn.qkv.weight' is missing", t->name, index, depth);
    }
    inf->c->depth = depth;
    return TRUE;
}

static int default_heads(int dim)
{
    if (dim == 544)
        return 16; /* vlmo_base_plus: 16 heads of 34 */
    return dim % 64 == 0 ? dim / 64 : 0;
}

static gboolean infer_heads(Inference *inf)
{
    GlanceConfig *c = inf->c;
    int wanted = inf->overrides->heads;
    if (c->rel_pos) {
        gint64 rows, cols;
        if (!anchor_2d(inf, REL_POS_TABLE, &rows, &cols))
            return FALSE;
        inf->rel_pos_rows = rows;
        if (cols % c->depth != 0)
            return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                             "'%s' has %" G_GINT64_FORMAT " columns, which is not heads x depth "
                             "for the %d blocks found", REL_POS_TABLE, cols, c->depth);
        c->heads = (int)(cols / c->depth);
        if (wanted && wanted != c->heads)
            return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                             "--heads %d contradicts '%s': its %" G_GINT64_FORMAT " columns are "
                             "heads x depth = %d x %d", wanted, REL_POS_TABLE, cols, c->heads, c->depth);
    } else {
        c->heads = wanted ? wanted : default_heads(c->dim);
        if (!c->heads)
            return set_error(inf, GLANCE_IMPORT_ERROR_INVALID,
                             "cannot tell the number of attention heads of a model with dim %d "
                             "and no '%s'; pass --heads", c->dim, REL_POS_TABLE);
    }
    if (c->dim % c->heads != 0)
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "%d heads do not divide dim %d (from '%s')%s", c->heads, c->dim,
                         WORD_EMBEDDINGS, c->rel_pos ? " (heads from '" REL_POS_TABLE "')" : "");
    return TRUE;
}

/* Image side from the absolute position embedding, the relative-position
 * table or --image-size, whichever exist; they must agree. */
static gboolean infer_image_size(Inference *inf)
{
    GlanceConfig *c = inf->c;
    int wanted = inf->overrides->image_size;
    if (wanted && wanted % c->patch_size != 0)
        return set_error(inf, GLANCE_IMPORT_ERROR_INVALID,
                         "--image-size %d is not a multiple of the patch size %d (from '%s')",
                         wanted, c->patch_size, PATCH_WEIGHT);
    c->image_size = wanted;

    if (c->abs_pos) {
        const GlanceSourceTensor *t = find(inf, POS_EMBED);
        gint64 grid = t->ndim == 3 && t->shape[1] >= 2
                          ? (gint64)llround(sqrt((double)(t->shape[1] - 1))) : 0;
        if (t->ndim != 3 || t->shape[0] != 1 || t->shape[2] != c->dim || grid < 1 ||
            grid * grid != t->shape[1] - 1) {
            g_autofree char *got = glance_shape_to_string(t->ndim, t->shape);
            return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                             "'%s' has shape %s, not [1, 1 + a square number of patches, dim %d]",
                             POS_EMBED, got, c->dim);
        }
        int from_pos = (int)grid * c->patch_size;
        if (wanted && wanted != from_pos)
            return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                             "--image-size %d contradicts '%s': %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                             " patches of %d px make %d px", wanted, POS_EMBED, grid, grid,
                             c->patch_size, from_pos);
        c->image_size = from_pos;
    }

    if (c->rel_pos) {
        /* rows = (2w-1)^2 + 3 image entries, 2T text entries and 2 text <-> image */
        gint64 rows = inf->rel_pos_rows;
        if (c->image_size) {
            gint64 w = c->image_size / c->patch_size;
            if (w > 1 << 16)
                return set_error(inf, GLANCE_IMPORT_ERROR_INVALID, "image_size %d is too large",
                                 c->image_size);
            gint64 text_rows = rows - (2 * w - 1) * (2 * w - 1) - 5;
            if (text_rows < 4 || text_rows % 2 != 0)
                return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                                 "'%s' has %" G_GINT64_FORMAT " rows, which does not fit a %"
                                 G_GINT64_FORMAT "x%" G_GINT64_FORMAT " patch grid (image_size %d, "
                                 "patch_size %d)", REL_POS_TABLE, rows, w, w, c->image_size,
                                 c->patch_size);
            c->rel_pos_text_len = (int)(text_rows / 2);
        } else {
            gint64 square = rows - 2 * GLANCE_ARCH_DEFAULT_REL_POS_TEXT_LEN - 5;
            gint64 side = square > 0 ? (gint64)llround(sqrt((double)square)) : 0;
            if (side < 1 || side * side != square || side % 2 == 0)
                return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                                 "'%s' has %" G_GINT64_FORMAT " rows: no square patch grid fits "
                                 "beside a %d-token text table; pass --image-size", REL_POS_TABLE,
                                 rows, GLANCE_ARCH_DEFAULT_REL_POS_TEXT_LEN);
            c->rel_pos_text_len = GLANCE_ARCH_DEFAULT_REL_POS_TEXT_LEN;
            c->image_size = (int)((side + 1) / 2) * c->patch_size;
        }
    }
    if (!c->image_size)
        return set_error(inf, GLANCE_IMPORT_ERROR_INVALID,
                         "cannot tell the image size: the checkpoint has neither '%s' nor '%s'; "
                         "pass --image-size", REL_POS_TABLE, POS_EMBED);
    return TRUE;
}

static gboolean infer_text_len(Inference *inf)
{
    GlanceConfig *c = inf->c;
    gint64 rows, cols;
    if (!anchor_2d(inf, POSITION_EMBEDDINGS, &rows, &cols))
        return FALSE;
    int wanted = inf->overrides->max_text_len;
    if (wanted && wanted > rows)
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "--max-text-len %d exceeds the %" G_GINT64_FORMAT " text positions of '%s'",
                         wanted, rows, POSITION_EMBEDDINGS);
    c->max_text_len = wanted ? wanted : (int)rows;
    if (c->max_text_len < 2)
        return set_error(inf, GLANCE_IMPORT_ERROR_INVALID,
                         "max_text_len %d leaves no room for [CLS] and [SEP]", c->max_text_len);
    if (c->rel_pos && c->max_text_len > c->rel_pos_text_len)
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "max_text_len %d (from %s) exceeds the %d text positions of '%s'",
                         c->max_text_len, wanted ? "--max-text-len" : "'" POSITION_EMBEDDINGS "'",
                         c->rel_pos_text_len, REL_POS_TABLE);
    return TRUE;
}

/* The sizes an expected shape is made of, for messages. */
static guint quantities_of(const GlanceTensorSpec *spec)
{
    guint q = 0;
    for (int i = 0; i < spec->ndim; i++) {
        switch (spec->shape[i].size) {
        case GLANCE_SIZE_DIM: q |= Q_DIM; break;
        case GLANCE_SIZE_HIDDEN: q |= Q_HIDDEN; break;
        case GLANCE_SIZE_VOCAB: q |= Q_VOCAB; break;
        case GLANCE_SIZE_PATCH: q |= Q_PATCH; break;
        case GLANCE_SIZE_TEXT: q |= Q_TEXT; break;
        case GLANCE_SIZE_ANSWERS: q |= Q_ANSWERS; break;
        case GLANCE_SIZE_TOKEN_TYPES: q |= Q_TOKEN_TYPES; break;
        case GLANCE_SIZE_POSITIONS: q |= Q_PATCH | Q_IMAGE; break;
        case GLANCE_SIZE_HEADS_DEPTH: q |= Q_HEADS; break;
        case GLANCE_SIZE_CONST:
        case GLANCE_SIZE_REL_ROWS: break;
        }
    }
    return q;
}

/* Plans schema tensor `spec` for block `block` when the config has it. */
static gboolean plan_tensor(Inference *inf, const GlanceTensorSpec *spec, int block)
{
    if (!glance_tensor_applies(spec, inf->c, block))
        return TRUE;
    char name[160];
    gint64 shape[4];
    if (!glance_tensor_name(spec, block, name, sizeof name))
        return set_error(inf, GLANCE_IMPORT_ERROR_LIMIT, "block %d is beyond what a name can hold", block);
    if ((spec->flags & GLANCE_TENSOR_OPTIONAL) && !find(inf, name))
        return TRUE;
    int ndim = glance_tensor_shape(spec, inf->c, shape);
    if (!expect_full(inf, name, ndim, shape, quantities_of(spec), (spec->flags & GLANCE_TENSOR_LEADING_ROWS) != 0))
        return FALSE;
    GlanceTensorPlan *planned = g_ptr_array_index(inf->plan, inf->plan->len - 1);
    planned->matrix = (spec->flags & GLANCE_TENSOR_MATRIX) != 0;
    return TRUE;
}

/* vlffn_start is the first block with mlp_vl.fc1.weight: any other VL-FFN tensor
 * below it is a fragment. */
static gboolean check_no_partial_vlffn(Inference *inf, int i)
{
    g_autofree char *stray = block_name(i, "mlp_vl.");
    g_autofree char *stray_norm = block_name(i, "norm2_vl.");
    if (has_prefix_tensor(inf, stray) || has_prefix_tensor(inf, stray_norm))
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "block %d has a partial VL-FFN ('%s*' or '%s*' without "
                         "'transformer.blocks.%d.mlp_vl.fc1.weight')", i, stray, stray_norm, i);
    return TRUE;
}

/* Optional heads are present when any tensor carries the first component of one of
 * their names ("itc_text_proj.", or "logit_scale" itself); then all of the head must be there. */
static void detect_heads(Inference *inf)
{
    for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++) {
        gboolean present = FALSE;
        for (int i = 0; i < glance_tensor_count() && !present; i++) {
            const GlanceTensorSpec *spec = glance_tensor_spec(i);
            if (spec->head != h)
                continue;
            const char *dot = strchr(spec->name, '.');
            g_autofree char *prefix = dot ? g_strndup(spec->name, (gsize)(dot - spec->name + 1)) : NULL;
            present = prefix ? has_prefix_tensor(inf, prefix) : find(inf, spec->name) != NULL;
        }
        glance_config_set_head(inf->c, h, present);
    }
}

/* What a head needs before its tensors can be planned. */
static gboolean prepare_head(Inference *inf, GlanceHead head)
{
    GlanceConfig *c = inf->c;
    if (head == GLANCE_HEAD_VQA && c->has_vqa) {
        gint64 answers, cols;
        if (!anchor_2d(inf, VQA_OUT, &answers, &cols))
            return FALSE;
        c->num_answers = (int)answers;
    }
    if (head == GLANCE_HEAD_NLVR2 && c->has_nlvr2 && c->token_types < 3)
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "the checkpoint has an NLVR2 head but '%s' has only %d rows (3 needed: "
                         "text, left image, right image)", TOKEN_TYPES, c->token_types);
    return TRUE;
}

/* The plan: every tensor of the schema the config implies, in the official order;
 * the per-block run is planned block by block. */
static gboolean plan_schema(Inference *inf)
{
    const GlanceConfig *c = inf->c;
    int n = glance_tensor_count();
    GlanceHead head = GLANCE_HEAD_NONE;
    for (int i = 0; i < n; i++) {
        const GlanceTensorSpec *spec = glance_tensor_spec(i);
        if (spec->head != head && !(spec->flags & GLANCE_TENSOR_OPTIONAL)) {
            head = spec->head;
            if (!prepare_head(inf, head))
                return FALSE;
        }
        if (!(spec->flags & GLANCE_TENSOR_PER_BLOCK)) {
            if (!plan_tensor(inf, spec, 0))
                return FALSE;
            continue;
        }
        int end = i;
        while (end < n && (glance_tensor_spec(end)->flags & GLANCE_TENSOR_PER_BLOCK))
            end++;
        for (int block = 0; block < c->depth; block++) {
            for (int k = i; k < end; k++)
                if (!plan_tensor(inf, glance_tensor_spec(k), block))
                    return FALSE;
            if (block < c->vlffn_start && !check_no_partial_vlffn(inf, block))
                return FALSE;
        }
        i = end - 1;
    }
    return TRUE;
}

static gboolean infer(Inference *inf)
{
    GlanceConfig *c = inf->c;
    if (!check_is_vlmo(inf))
        return FALSE;

    gint64 vocab, dim, hidden, hidden_cols;
    if (!anchor_2d(inf, WORD_EMBEDDINGS, &vocab, &dim))
        return FALSE;
    c->vocab_size = (int)vocab;
    c->dim = (int)dim;

    const GlanceSourceTensor *patch = find(inf, PATCH_WEIGHT);
    if (patch->ndim != 4 || patch->shape[0] != dim || patch->shape[1] != 3 || patch->shape[2] < 1 ||
        patch->shape[2] != patch->shape[3] || patch->shape[2] > 4096) {
        g_autofree char *got = glance_shape_to_string(patch->ndim, patch->shape);
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "'%s' has shape %s, but [dim, 3, patch, patch] with dim %d (from '%s') "
                         "was expected", PATCH_WEIGHT, got, c->dim, WORD_EMBEDDINGS);
    }
    c->patch_size = (int)patch->shape[2];

    if (!infer_depth(inf) || !anchor_2d(inf, MLP_HIDDEN_ANCHOR, &hidden, &hidden_cols))
        return FALSE;
    c->mlp_hidden = (int)hidden;

    c->vlffn_start = c->depth;
    for (int i = 0; i < c->depth; i++) {
        g_autofree char *name = block_name(i, "mlp_vl.fc1.weight");
        if (find(inf, name)) {
            c->vlffn_start = i;
            break;
        }
    }
    g_autofree char *gamma = block_name(0, "gamma_1");
    c->layer_scale = find(inf, gamma) != NULL;
    c->rel_pos = find(inf, REL_POS_TABLE) != NULL;
    c->abs_pos = find(inf, POS_EMBED) != NULL;
    c->norm_eps = 1e-6f;
    c->text_eps = 1e-12f;
    c->head_eps = 1e-5f;

    gint64 token_types, token_cols;
    if (!anchor_2d(inf, TOKEN_TYPES, &token_types, &token_cols))
        return FALSE;
    c->token_types = (int)token_types;
    if (c->token_types < 2)
        return set_error(inf, GLANCE_IMPORT_ERROR_SHAPE,
                         "'%s' has %d row; text and image need 2", TOKEN_TYPES, c->token_types);

    if (!infer_heads(inf) || !infer_image_size(inf) || !infer_text_len(inf))
        return FALSE;

    detect_heads(inf);
    return plan_schema(inf);
}

gboolean glance_arch_infer(const GlanceStateDict *state_dict, const GlanceArchOverrides *overrides,
                           GlanceArch *out, GError **error)
{
    static const GlanceArchOverrides none = { 0 };
    memset(out, 0, sizeof *out);
    if (overrides && (overrides->heads < 0 || overrides->image_size < 0 || overrides->max_text_len < 0)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "--heads, --image-size and --max-text-len must be positive");
        return FALSE;
    }
    out->plan = g_ptr_array_new_with_free_func(plan_free);
    Inference inf = {
        .sd = state_dict,
        .overrides = overrides ? overrides : &none,
        .c = &out->config,
        .plan = out->plan,
        .planned = g_hash_table_new(g_str_hash, g_str_equal),
        .error = error,
    };
    gboolean ok = infer(&inf);
    if (ok)
        out->n_unused = state_dict->tensors->len - g_hash_table_size(inf.planned);
    g_hash_table_destroy(inf.planned);
    if (!ok)
        glance_arch_clear(out);
    return ok;
}

void glance_arch_clear(GlanceArch *arch)
{
    if (arch->plan)
        g_ptr_array_free(arch->plan, TRUE);
    memset(arch, 0, sizeof *arch);
}

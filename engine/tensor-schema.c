/* tensor-schema.c — the VLMo tensors, written once: official name, shape in terms of
 * the config, head, and the weights field the engine binds it to. The order is the
 * official state dict's, which is also the order of tensors in an imported file. */
#include "tensor-schema.h"
#include <stddef.h>
#include <stdio.h>

#define D(s, t) { GLANCE_SIZE_##s, t }
#define C(n) { GLANCE_SIZE_CONST, n }
#define W(field) offsetof(GlanceWeights, field)
#define B(field) offsetof(GlanceBlockWeights, field)
#define BLOCK GLANCE_TENSOR_PER_BLOCK
#define VL (GLANCE_TENSOR_PER_BLOCK | GLANCE_TENSOR_VL_BLOCKS)
#define MATRIX GLANCE_TENSOR_MATRIX /* its field is a GlanceMatrix */

typedef struct {
    GlanceTensorSpec spec;
    size_t field;
} Entry;

/* One modality expert of block %d: a LayerNorm and a two-layer MLP. */
#define EXPERT(kind, member, flags)                                                                      \
    { { "transformer.blocks.%d.norm2_" kind ".weight", GLANCE_HEAD_NONE, flags, 1, { D(DIM, 1) } },      \
      B(member.norm_w) },                                                                                 \
    { { "transformer.blocks.%d.norm2_" kind ".bias", GLANCE_HEAD_NONE, flags, 1, { D(DIM, 1) } },        \
      B(member.norm_b) },                                                                                 \
    { { "transformer.blocks.%d.mlp_" kind ".fc1.weight", GLANCE_HEAD_NONE, flags | MATRIX, 2,                    \
        { D(HIDDEN, 1), D(DIM, 1) } }, B(member.fc1_w) },                                                 \
    { { "transformer.blocks.%d.mlp_" kind ".fc1.bias", GLANCE_HEAD_NONE, flags, 1, { D(HIDDEN, 1) } },   \
      B(member.fc1_b) },                                                                                  \
    { { "transformer.blocks.%d.mlp_" kind ".fc2.weight", GLANCE_HEAD_NONE, flags | MATRIX, 2,                    \
        { D(DIM, 1), D(HIDDEN, 1) } }, B(member.fc2_w) },                                                 \
    { { "transformer.blocks.%d.mlp_" kind ".fc2.bias", GLANCE_HEAD_NONE, flags, 1, { D(DIM, 1) } },      \
      B(member.fc2_b) }

/* A Linear -> LayerNorm -> GELU -> Linear classifier of `in` inputs and `out` outputs. */
#define CLASSIFIER(prefix, head, member, in, out)                                                        \
    { { prefix ".0.weight", head, 0, 2, { D(DIM, 2), in } }, W(member.fc1_w) },                           \
    { { prefix ".0.bias", head, 0, 1, { D(DIM, 2) } }, W(member.fc1_b) },                                 \
    { { prefix ".1.weight", head, 0, 1, { D(DIM, 2) } }, W(member.norm_w) },                              \
    { { prefix ".1.bias", head, 0, 1, { D(DIM, 2) } }, W(member.norm_b) },                                \
    { { prefix ".3.weight", head, 0, 2, { out, D(DIM, 2) } }, W(member.fc2_w) },                          \
    { { prefix ".3.bias", head, 0, 1, { out } }, W(member.fc2_b) }

static const Entry schema[] = {
    { { "relative_position_bias_table", GLANCE_HEAD_NONE, GLANCE_TENSOR_REL_POS, 2,
        { D(REL_ROWS, 1), D(HEADS_DEPTH, 1) } }, W(rel_pos_table) },
    { { "logit_scale", GLANCE_HEAD_ITC, GLANCE_TENSOR_SCALAR | GLANCE_TENSOR_OPTIONAL, 1, { C(1) } },
      W(logit_scale) },
    { { "logit_vl_scale", GLANCE_HEAD_ITC_VL, GLANCE_TENSOR_SCALAR | GLANCE_TENSOR_OPTIONAL, 1, { C(1) } },
      W(logit_vl_scale) },
    { { "transformer.cls_token", GLANCE_HEAD_NONE, 0, 3, { C(1), C(1), D(DIM, 1) } }, W(cls_token) },
    { { "transformer.pos_embed", GLANCE_HEAD_NONE, GLANCE_TENSOR_ABS_POS, 3,
        { C(1), D(POSITIONS, 1), D(DIM, 1) } }, W(pos_embed) },
    { { "transformer.patch_embed.proj.weight", GLANCE_HEAD_NONE, 0, 4,
        { D(DIM, 1), C(3), D(PATCH, 1), D(PATCH, 1) } }, W(patch_w) },
    { { "transformer.patch_embed.proj.bias", GLANCE_HEAD_NONE, 0, 1, { D(DIM, 1) } }, W(patch_b) },

    { { "transformer.blocks.%d.gamma_1", GLANCE_HEAD_NONE, BLOCK | GLANCE_TENSOR_LAYER_SCALE, 1,
        { D(DIM, 1) } }, B(gamma_1) },
    { { "transformer.blocks.%d.gamma_2", GLANCE_HEAD_NONE, BLOCK | GLANCE_TENSOR_LAYER_SCALE, 1,
        { D(DIM, 1) } }, B(gamma_2) },
    { { "transformer.blocks.%d.norm1.weight", GLANCE_HEAD_NONE, BLOCK, 1, { D(DIM, 1) } }, B(norm1_w) },
    { { "transformer.blocks.%d.norm1.bias", GLANCE_HEAD_NONE, BLOCK, 1, { D(DIM, 1) } }, B(norm1_b) },
    { { "transformer.blocks.%d.attn.q_bias", GLANCE_HEAD_NONE, BLOCK, 1, { D(DIM, 1) } }, B(q_bias) },
    { { "transformer.blocks.%d.attn.v_bias", GLANCE_HEAD_NONE, BLOCK, 1, { D(DIM, 1) } }, B(v_bias) },
    { { "transformer.blocks.%d.attn.qkv.weight", GLANCE_HEAD_NONE, BLOCK | MATRIX, 2, { D(DIM, 3), D(DIM, 1) } },
      B(qkv_w) },
    { { "transformer.blocks.%d.attn.proj.weight", GLANCE_HEAD_NONE, BLOCK | MATRIX, 2, { D(DIM, 1), D(DIM, 1) } },
      B(proj_w) },
    { { "transformer.blocks.%d.attn.proj.bias", GLANCE_HEAD_NONE, BLOCK, 1, { D(DIM, 1) } }, B(proj_b) },
    EXPERT("text", text, BLOCK),
    EXPERT("imag", imag, BLOCK),
    EXPERT("vl", vl, VL),

    { { "transformer.norm.weight", GLANCE_HEAD_NONE, 0, 1, { D(DIM, 1) } }, W(norm_w) },
    { { "transformer.norm.bias", GLANCE_HEAD_NONE, 0, 1, { D(DIM, 1) } }, W(norm_b) },
    { { "text_embeddings.word_embeddings.weight", GLANCE_HEAD_NONE, 0, 2, { D(VOCAB, 1), D(DIM, 1) } },
      W(word_emb) },
    /* Relative-position models add no absolute text positions, though their files hold them. */
    { { "text_embeddings.position_embeddings.weight", GLANCE_HEAD_NONE,
        GLANCE_TENSOR_LEADING_ROWS | GLANCE_TENSOR_READ_IF_ABS_POS, 2,
        { D(TEXT, 1), D(DIM, 1) } }, W(text_pos_emb) },
    /* BertEmbeddings keeps two token types; only row 0 (text) is ever used. */
    { { "text_embeddings.token_type_embeddings.weight", GLANCE_HEAD_NONE, 0, 2, { C(2), D(DIM, 1) } },
      W(text_type_emb) },
    { { "text_embeddings.LayerNorm.weight", GLANCE_HEAD_NONE, 0, 1, { D(DIM, 1) } }, W(text_norm_w) },
    { { "text_embeddings.LayerNorm.bias", GLANCE_HEAD_NONE, 0, 1, { D(DIM, 1) } }, W(text_norm_b) },
    { { "token_type_embeddings.weight", GLANCE_HEAD_NONE, 0, 2, { D(TOKEN_TYPES, 1), D(DIM, 1) } },
      W(token_type_emb) },

    { { "pooler.dense.weight", GLANCE_HEAD_POOLER, 0, 2, { D(DIM, 1), D(DIM, 1) } }, W(pooler_w) },
    { { "pooler.dense.bias", GLANCE_HEAD_POOLER, 0, 1, { D(DIM, 1) } }, W(pooler_b) },
    { { "mlm_score.bias", GLANCE_HEAD_MLM, 0, 1, { D(VOCAB, 1) } }, W(mlm_bias) },
    { { "mlm_score.transform.dense.weight", GLANCE_HEAD_MLM, 0, 2, { D(DIM, 1), D(DIM, 1) } },
      W(mlm_dense_w) },
    { { "mlm_score.transform.dense.bias", GLANCE_HEAD_MLM, 0, 1, { D(DIM, 1) } }, W(mlm_dense_b) },
    { { "mlm_score.transform.LayerNorm.weight", GLANCE_HEAD_MLM, 0, 1, { D(DIM, 1) } }, W(mlm_norm_w) },
    { { "mlm_score.transform.LayerNorm.bias", GLANCE_HEAD_MLM, 0, 1, { D(DIM, 1) } }, W(mlm_norm_b) },
    { { "mlm_score.decoder.weight", GLANCE_HEAD_MLM, 0, 2, { D(VOCAB, 1), D(DIM, 1) } },
      W(mlm_decoder_w) },
    { { "itm_score.fc.weight", GLANCE_HEAD_ITM, 0, 2, { C(2), D(DIM, 1) } }, W(itm_w) },
    { { "itm_score.fc.bias", GLANCE_HEAD_ITM, 0, 1, { C(2) } }, W(itm_b) },
    { { "itc_text_proj.fc.weight", GLANCE_HEAD_ITC, 0, 2, { D(DIM, 1), D(DIM, 1) } }, W(itc_text_proj) },
    { { "itc_image_proj.fc.weight", GLANCE_HEAD_ITC, 0, 2, { D(DIM, 1), D(DIM, 1) } }, W(itc_image_proj) },
    { { "itc_vl_text_proj.fc.weight", GLANCE_HEAD_ITC_VL, 0, 2, { D(DIM, 1), D(DIM, 1) } },
      W(itc_vl_text_proj) },
    { { "itc_vl_image_proj.fc.weight", GLANCE_HEAD_ITC_VL, 0, 2, { D(DIM, 1), D(DIM, 1) } },
      W(itc_vl_image_proj) },
    CLASSIFIER("vqa_classifier", GLANCE_HEAD_VQA, vqa, D(DIM, 1), D(ANSWERS, 1)),
    CLASSIFIER("nlvr2_classifier", GLANCE_HEAD_NLVR2, nlvr2, D(DIM, 2), C(2)),
};

int glance_tensor_count(void) { return (int)(sizeof schema / sizeof schema[0]); }

const GlanceTensorSpec *glance_tensor_spec(int i)
{
    return i >= 0 && i < glance_tensor_count() ? &schema[i].spec : NULL;
}

size_t glance_tensor_field(int i) { return schema[i].field; }

int glance_tensor_applies(const GlanceTensorSpec *spec, const GlanceConfig *c, int block)
{
    unsigned f = spec->flags;
    if (!glance_config_has_head(c, spec->head) || ((f & GLANCE_TENSOR_LAYER_SCALE) && !c->layer_scale) ||
        ((f & GLANCE_TENSOR_ABS_POS) && !c->abs_pos) || ((f & GLANCE_TENSOR_REL_POS) && !c->rel_pos))
        return 0;
    if (f & GLANCE_TENSOR_PER_BLOCK)
        return block >= 0 && block < c->depth && (!(f & GLANCE_TENSOR_VL_BLOCKS) || block >= c->vlffn_start);
    return 1;
}

int glance_tensor_name(const GlanceTensorSpec *spec, int block, char *buf, size_t size)
{
    int n = spec->flags & GLANCE_TENSOR_PER_BLOCK ? snprintf(buf, size, spec->name, block)
                                                  : snprintf(buf, size, "%s", spec->name);
    return n >= 0 && (size_t)n < size;
}

static int64_t size_of(GlanceDim d, const GlanceConfig *c)
{
    int64_t grid = c->patch_size > 0 ? c->image_size / c->patch_size : 0;
    switch (d.size) {
    case GLANCE_SIZE_CONST: return d.times;
    case GLANCE_SIZE_DIM: return (int64_t)d.times * c->dim;
    case GLANCE_SIZE_HIDDEN: return (int64_t)d.times * c->mlp_hidden;
    case GLANCE_SIZE_VOCAB: return (int64_t)d.times * c->vocab_size;
    case GLANCE_SIZE_PATCH: return (int64_t)d.times * c->patch_size;
    case GLANCE_SIZE_TEXT: return (int64_t)d.times * c->max_text_len;
    case GLANCE_SIZE_ANSWERS: return (int64_t)d.times * c->num_answers;
    case GLANCE_SIZE_TOKEN_TYPES: return (int64_t)d.times * c->token_types;
    case GLANCE_SIZE_POSITIONS: return d.times * (1 + grid * grid);
    case GLANCE_SIZE_REL_ROWS: return d.times * ((2 * grid - 1) * (2 * grid - 1) + 3 + 2 * (int64_t)c->rel_pos_text_len + 2);
    case GLANCE_SIZE_HEADS_DEPTH: return (int64_t)d.times * c->heads * c->depth;
    }
    return 0;
}

int glance_tensor_shape(const GlanceTensorSpec *spec, const GlanceConfig *c, int64_t shape[4])
{
    for (int i = 0; i < spec->ndim; i++)
        shape[i] = size_of(spec->shape[i], c);
    return spec->ndim;
}

static const char *const head_names[GLANCE_N_HEADS] = {
    [GLANCE_HEAD_POOLER] = "pooler", [GLANCE_HEAD_ITM] = "itm",   [GLANCE_HEAD_ITC] = "itc",
    [GLANCE_HEAD_ITC_VL] = "itc_vl", [GLANCE_HEAD_MLM] = "mlm",   [GLANCE_HEAD_VQA] = "vqa",
    [GLANCE_HEAD_NLVR2] = "nlvr2",
};

const char *glance_head_name(GlanceHead head)
{
    return (unsigned)head < GLANCE_N_HEADS ? head_names[head] : NULL;
}

static int *head_field(GlanceConfig *c, GlanceHead head)
{
    switch (head) {
    case GLANCE_HEAD_POOLER: return &c->has_pooler;
    case GLANCE_HEAD_ITM: return &c->has_itm;
    case GLANCE_HEAD_ITC: return &c->has_itc;
    case GLANCE_HEAD_ITC_VL: return &c->has_itc_vl;
    case GLANCE_HEAD_MLM: return &c->has_mlm;
    case GLANCE_HEAD_VQA: return &c->has_vqa;
    case GLANCE_HEAD_NLVR2: return &c->has_nlvr2;
    default: return NULL;
    }
}

int glance_config_has_head(const GlanceConfig *c, GlanceHead head)
{
    int *field = head_field((GlanceConfig *)c, head);
    return field ? *field != 0 : head == GLANCE_HEAD_NONE;
}

void glance_config_set_head(GlanceConfig *c, GlanceHead head, int present)
{
    int *field = head_field(c, head);
    if (field)
        *field = present != 0;
}

/* glance-engine.h — the public interface of libglance-engine, a C implementation
 * of VLMo (Mixture-of-Modality-Experts). No GTK, no SQLite, no image decoding:
 * images come in as RGB8 buffers, text as UTF-8.
 *
 * Lifetimes: one GlanceModel (weights mmap'd read-only) is shared by any number
 * of threads; each thread owns a GlanceContext holding its scratch memory.
 * Every function returns a GlanceStatus; on failure it fills *err (if given)
 * with a one-line message. Nothing aborts on bad input. */
#ifndef GLANCE_ENGINE_H
#define GLANCE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    GLANCE_OK = 0,
    GLANCE_ERR_IO,          /* file missing, unreadable, mmap failed          */
    GLANCE_ERR_FORMAT,      /* malformed model file                           */
    GLANCE_ERR_INVALID,     /* bad argument: empty text, zero-sized image ... */
    GLANCE_ERR_UNSUPPORTED, /* the model lacks the head this call needs       */
    GLANCE_ERR_NOMEM,
    GLANCE_ERR_CANCELLED,
} GlanceStatus;

typedef struct {
    GlanceStatus status;
    char message[512];
} GlanceError;

typedef struct GlanceModel GlanceModel;
typedef struct GlanceContext GlanceContext;

/* Architecture, read from the model file's glance.config metadata. */
typedef struct {
    int dim;              /* embed_dim                                        */
    int depth;            /* number of blocks                                 */
    int heads;            /* attention heads                                  */
    int mlp_hidden;       /* FFN hidden width                                 */
    int vlffn_start;      /* first block with mlp_vl / norm2_vl               */
    int patch_size;       /* pixels per patch side                            */
    int image_size;       /* square input side S                              */
    int max_text_len;     /* tokens including [CLS] and [SEP]                 */
    int vocab_size;       /* rows of the word embedding                       */
    int rel_pos;          /* 1: relative position bias table (base, large)    */
    int rel_pos_text_len; /* max_text_len_of_initckpt: text half-width of the
                             relative-position table (196 in official models) */
    int abs_pos;          /* 1: absolute pos embeddings (base-plus)           */
    int layer_scale;      /* 1: gamma_1 / gamma_2 present                     */
    int token_types;      /* rows of token_type_embeddings (3 with NLVR2)     */
    float norm_eps;       /* transformer LayerNorms (1e-6)                    */
    float text_eps;       /* BertEmbeddings LayerNorm, MLM transform (1e-12)  */
    float head_eps;       /* LayerNorms inside the VQA / NLVR2 heads (1e-5)   */
    int num_answers;      /* VQA classes, 0 without a VQA head                */
    int has_pooler, has_itm, has_itc, has_itc_vl, has_mlm, has_vqa, has_nlvr2;
} GlanceConfig;

/* ---- the VLMo tensor schema ----
 * One table of every tensor a model file may hold: its official state-dict name,
 * its shape in terms of the config, and the head it belongs to. The engine binds
 * weights from it, the importer plans model files from it, front ends list heads
 * from it. Metadata keys of a model file are named here once as well. */
#define GLANCE_META_FORMAT "glance.format"   /* "1"                                */
#define GLANCE_META_CONFIG "glance.config"   /* JSON, see docs/model-format.md     */
#define GLANCE_META_VOCAB "glance.vocab"     /* newline-joined WordPiece pieces    */
#define GLANCE_META_ANSWERS "glance.answers" /* newline-joined VQA answers         */
#define GLANCE_META_NAME "glance.name"
#define GLANCE_META_PRECISION "glance.precision" /* "q8" or "bf16": the matrices' form;
                                                    absent: as their dtypes say      */
/* What a model knows (docs/model-scope.md); optional, written by tools/train/calibrate.py. */
#define GLANCE_META_SCOPE "glance.scope"             /* one plain sentence            */
#define GLANCE_META_DOMAIN "glance.domain"           /* JSON: the out-of-domain check */
#define GLANCE_META_CALIBRATION "glance.calibration" /* JSON: notice thresholds       */

/* Optional task heads, in the order glance.config's "heads_present" lists them. */
typedef enum {
    GLANCE_HEAD_POOLER,
    GLANCE_HEAD_ITM,
    GLANCE_HEAD_ITC,
    GLANCE_HEAD_ITC_VL,
    GLANCE_HEAD_MLM,
    GLANCE_HEAD_VQA,
    GLANCE_HEAD_NLVR2,
    GLANCE_N_HEADS,
    GLANCE_HEAD_NONE = GLANCE_N_HEADS /* the backbone, present in every model */
} GlanceHead;

/* What one dimension of a tensor is made of: `times` x the named size
 * (GLANCE_SIZE_CONST: the number `times` itself). */
typedef enum {
    GLANCE_SIZE_CONST,
    GLANCE_SIZE_DIM,
    GLANCE_SIZE_HIDDEN,      /* mlp_hidden                                        */
    GLANCE_SIZE_VOCAB,       /* vocab_size                                        */
    GLANCE_SIZE_PATCH,       /* patch_size                                        */
    GLANCE_SIZE_TEXT,        /* max_text_len                                      */
    GLANCE_SIZE_ANSWERS,     /* num_answers                                       */
    GLANCE_SIZE_TOKEN_TYPES, /* token_types                                       */
    GLANCE_SIZE_POSITIONS,   /* 1 + (image_size / patch_size)^2                   */
    GLANCE_SIZE_REL_ROWS,    /* (2w-1)^2 + 3 + 2 * rel_pos_text_len + 2, w = grid */
    GLANCE_SIZE_HEADS_DEPTH, /* heads * depth                                     */
} GlanceSize;

typedef struct {
    GlanceSize size;
    int times;
} GlanceDim;

enum {
    GLANCE_TENSOR_PER_BLOCK = 1 << 0,   /* name holds "%d", the block number             */
    GLANCE_TENSOR_VL_BLOCKS = 1 << 1,   /* only in blocks >= vlffn_start (VL-FFN)        */
    GLANCE_TENSOR_LAYER_SCALE = 1 << 2, /* only with layer_scale                         */
    GLANCE_TENSOR_ABS_POS = 1 << 3,     /* only with abs_pos                             */
    GLANCE_TENSOR_REL_POS = 1 << 4,     /* only with rel_pos                             */
    GLANCE_TENSOR_OPTIONAL = 1 << 5,    /* may be absent even when its head is present   */
    GLANCE_TENSOR_SCALAR = 1 << 6,      /* one number, stored as [1] or 0-dimensional    */
    GLANCE_TENSOR_LEADING_ROWS = 1 << 7, /* checkpoints may hold more rows; the first count */
    GLANCE_TENSOR_READ_IF_ABS_POS = 1 << 8, /* in every file; read only with abs_pos     */
    GLANCE_TENSOR_MATRIX = 1 << 9       /* a big linear layer's weight (qkv, proj, fc1,
                                           fc2): Q8 or BF16 in reduced-precision files  */
};

typedef struct {
    const char *name;   /* official state-dict key; "%d" is the block number */
    GlanceHead head;
    unsigned flags;     /* GLANCE_TENSOR_*                                   */
    int ndim;
    GlanceDim shape[4]; /* as the official checkpoint stores it              */
} GlanceTensorSpec;

/* The schema in the official state-dict order; i in [0, glance_tensor_count()). */
int glance_tensor_count(void);
const GlanceTensorSpec *glance_tensor_spec(int i);
/* 1 if a model of config c holds this tensor (in block `block` for per-block ones). */
int glance_tensor_applies(const GlanceTensorSpec *spec, const GlanceConfig *c, int block);
/* The tensor's name for block `block` (ignored unless per-block); 0 if it does not fit. */
int glance_tensor_name(const GlanceTensorSpec *spec, int block, char *buf, size_t size);
/* The tensor's shape for config c; returns ndim. */
int glance_tensor_shape(const GlanceTensorSpec *spec, const GlanceConfig *c, int64_t shape[4]);
/* "pooler", "itm", "itc", "itc_vl", "mlm", "vqa", "nlvr2" (NULL for GLANCE_HEAD_NONE). */
const char *glance_head_name(GlanceHead head);
int glance_config_has_head(const GlanceConfig *c, GlanceHead head); /* 1 for GLANCE_HEAD_NONE */
void glance_config_set_head(GlanceConfig *c, GlanceHead head, int present);

/* An 8-bit RGB image owned by the caller. */
typedef struct {
    const uint8_t *pixels;
    int width, height;
    int stride; /* bytes per row, >= 3 * width */
} GlanceImage;

/* Returns non-zero to cancel the running pass (checked between layers). */
typedef int (*GlanceCancelFunc)(void *user_data);

/* A big layer's weight (GLANCE_TENSOR_MATRIX) in Q8 form, as `glance-cli import --dtype
 * q8` stores it (docs/model-format.md): w is (rows, cols) row-major F32; panels gets
 * rows * cols bytes, scale one float per row. Returns 0, writing nothing useful, when
 * rows % 16 or cols % 4 is not 0 or w holds a non-finite value. */
int glance_quantise_q8(const float *w, int rows, int cols, int8_t *panels, float *scale);
/* The same in BF16 form (`import --dtype bf16`): rows * cols bfloat16 values, rounded to
 * nearest even, in panels. Returns 0 when rows % 16 or cols % 2 is not 0. */
int glance_pack_bf16(const float *w, int rows, int cols, uint16_t *panels);

/* ---- model ---- */
GlanceStatus glance_model_open(const char *path, GlanceModel **out, GlanceError *err);
void glance_model_close(GlanceModel *model);
const GlanceConfig *glance_model_config(const GlanceModel *model);
const char *glance_model_name(const GlanceModel *model);     /* glance.name, may be "" */
int glance_model_num_answers(const GlanceModel *model);
const char *glance_model_answer(const GlanceModel *model, int label); /* NULL if out of range */
int glance_model_embed_dim(const GlanceModel *model);        /* ITC vector length */
/* A __metadata__ string of the model file (GLANCE_META_*), NULL when absent; it lives as
 * long as the model. Not glance.vocab and glance.answers: the model keeps them parsed
 * (glance_tokenize, glance_model_answer), not as text. */
const char *glance_model_metadata(const GlanceModel *model, const char *key);
const char *glance_status_name(GlanceStatus status);

/* ---- context ---- */
GlanceStatus glance_context_new(GlanceModel *model, GlanceContext **out, GlanceError *err);
void glance_context_free(GlanceContext *ctx);
GlanceModel *glance_context_model(GlanceContext *ctx);
void glance_context_set_cancel(GlanceContext *ctx, GlanceCancelFunc func, void *user_data);
/* Threads used by the passes of contexts that set none themselves (the process
 * default). 0 = all cores. The engine runs its own threads and keeps OpenBLAS at one. */
void glance_set_threads(int n);
/* Threads used by this context's passes, whatever the process default. 0 = follow
 * glance_set_threads. Takes effect at the context's next pass. */
void glance_context_set_threads(GlanceContext *ctx, int n);

/* ---- inputs ---- */
/* Tokenise: [CLS] pieces [SEP], truncated to max_text_len. ids must hold
 * max_text_len entries; *n_ids receives the real length (no padding). */
GlanceStatus glance_tokenize(const GlanceModel *model, const char *text,
                             int32_t *ids, int *n_ids, GlanceError *err);
/* Called with each word of a text that the vocabulary cannot read: bytes [0, len), not
 * NUL-terminated, lower-cased and without accents as the tokenizer saw it. */
typedef void (*GlanceUnknownWordFunc)(const char *word, size_t len, void *user_data);
/* What the model makes of a text, for telling a user: *n_tokens receives the ids the
 * whole text gives including [CLS] and [SEP], before truncation to max_text_len (more
 * than max_text_len: the end is not read), *n_unknown (may be NULL) how many are [UNK];
 * `unknown` (may be NULL) is called once per word, in order, that becomes [UNK] or
 * vanishes. */
GlanceStatus glance_text_inspect(const GlanceModel *model, const char *text, int *n_tokens, int *n_unknown,
                                 GlanceUnknownWordFunc unknown, void *user_data, GlanceError *err);
/* Resize to image_size x image_size exactly as PIL BICUBIC does; out_rgb
 * receives S*S*3 bytes. */
GlanceStatus glance_resize_rgb8(const GlanceImage *image, int size, uint8_t *out_rgb,
                                GlanceError *err);
/* Resize and normalise to (3, S, S) floats in [-1, 1]. */
GlanceStatus glance_preprocess_image(const GlanceModel *model, const GlanceImage *image,
                                     float *pixel_values, GlanceError *err);

/* ---- where it looked ---- */
/* A map over the image's patch grid of how much the pooled [CLS] (what the VQA, ITM
 * and NLVR2 heads read) rests on each patch, from the fusion layers' attention; see
 * docs/where-it-looked.md. Asking for one keeps the attention probabilities of the
 * pass (about heads * n^2 floats more memory, n = text + image tokens); without it
 * the pass is unchanged. */
typedef enum {
    GLANCE_WHERE_ROLLOUT,    /* attention rollout over every layer (Abnar & Zuidema 2020):
                                heads averaged, the residual identity added, layers chained */
    GLANCE_WHERE_VL_ROLLOUT, /* the same over the VL-FFN layers (vlffn_start..depth) only */
    GLANCE_WHERE_LAST_LAYER, /* the last layer's [CLS] attention, heads averaged         */
    GLANCE_WHERE_N_METHODS
} GlanceWhereMethod;

/* The method the front ends use, chosen by the pointing game (docs/where-it-looked.md). */
#define GLANCE_WHERE_DEFAULT GLANCE_WHERE_LAST_LAYER

typedef struct {
    GlanceWhereMethod method; /* in: how to compute the map                             */
    int rows, cols;           /* out: the patch grid (image_size / patch_size each)     */
    float *weights;           /* in: caller's rows * cols floats (glance_where_grid);
                                 out: row-major over the square image the model saw,
                                 each >= 0, summing to 1                                */
} GlanceWhereMap;

/* The patch grid of the model's maps: weights of a GlanceWhereMap need rows * cols. */
void glance_where_grid(const GlanceModel *model, int *rows, int *cols);
/* Names for front ends and measurement: "rollout", "vl-rollout", "last-layer". */
const char *glance_where_method_name(GlanceWhereMethod method);
/* GLANCE_WHERE_N_METHODS when the name is none of them. */
GlanceWhereMethod glance_where_method_from_name(const char *name);

/* ---- tasks (text and images as the user gives them) ---- */
/* VQA: num_answers logits (scores are sigmoid(logit)). */
GlanceStatus glance_vqa(GlanceContext *ctx, const GlanceImage *image, const char *question,
                        float *logits, GlanceError *err);
/* The same, and where (may be NULL) receives the map of where it looked. */
GlanceStatus glance_vqa_where(GlanceContext *ctx, const GlanceImage *image, const char *question,
                              float *logits, GlanceWhereMap *where, GlanceError *err);
/* NLVR2: logits[0] = false, logits[1] = true. */
GlanceStatus glance_nlvr2(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                          const char *statement, float logits[2], GlanceError *err);
/* The same, and where (may be NULL) receives two maps: where[0] the left image's,
 * where[1] the right's. */
GlanceStatus glance_nlvr2_where(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                                const char *statement, float logits[2], GlanceWhereMap where[2],
                                GlanceError *err);
/* Image-text matching: logits[0] = no match, logits[1] = match. */
GlanceStatus glance_itm(GlanceContext *ctx, const GlanceImage *image, const char *text,
                        float logits[2], GlanceError *err);
GlanceStatus glance_itm_where(GlanceContext *ctx, const GlanceImage *image, const char *text,
                              float logits[2], GlanceWhereMap *where, GlanceError *err);
/* Dual encoder, L2-normalised ITC vectors of glance_model_embed_dim() floats.
 * vl != 0 selects the VL-FFN path (itc_vl_*_proj) of pre-trained checkpoints. */
GlanceStatus glance_embed_image(GlanceContext *ctx, const GlanceImage *image, int vl,
                                float *vector, GlanceError *err);
GlanceStatus glance_embed_text(GlanceContext *ctx, const char *text, int vl,
                               float *vector, GlanceError *err);
/* The image vectors of `count` images in one pass (taller matrix products, so more
 * images per second than one call each); vectors receives count * embed_dim floats,
 * image i's at i * embed_dim, the same vectors glance_embed_image gives. Memory grows
 * with count (about 20 MB per image at 384 px for VLMo-Base): batches of 4-16 suit. */
GlanceStatus glance_embed_images(GlanceContext *ctx, const GlanceImage *images, int count, int vl,
                                 float *vectors, GlanceError *err);
/* Logit scale exp(logit_scale) for ITC scores (1 when absent). */
float glance_model_logit_scale(const GlanceModel *model, int vl);

/* ---- lower level: preprocessed inputs (tests, batch tools) ---- */
typedef struct {
    float *cls_feats;     /* (dim) pooler output, may be NULL                   */
    float *raw_cls_feats; /* (dim) final-normed text [CLS], may be NULL         */
    float *text_feats;    /* (n_ids, dim), may be NULL                          */
    float *image_feats;   /* (1 + patches, dim), may be NULL                    */
    GlanceWhereMap *where; /* where the pooled [CLS] looked, may be NULL        */
} GlanceFusionOutputs;

/* Fusion encoder on token ids and normalised pixels; token_type 1 or 2. */
GlanceStatus glance_fusion_forward(GlanceContext *ctx, const int32_t *ids, int n_ids,
                                   const float *pixel_values, int token_type,
                                   GlanceFusionOutputs *out, GlanceError *err);
GlanceStatus glance_vqa_head(GlanceContext *ctx, const float *cls_feats, float *logits,
                             GlanceError *err);
GlanceStatus glance_itm_head(GlanceContext *ctx, const float *cls_feats, float logits[2],
                             GlanceError *err);
GlanceStatus glance_nlvr2_head(GlanceContext *ctx, const float *cls_left, const float *cls_right,
                               float logits[2], GlanceError *err);
/* Single-modality encoders on preprocessed inputs; vector as above. */
GlanceStatus glance_image_forward(GlanceContext *ctx, const float *pixel_values, int vl,
                                  float *vector, GlanceError *err);
GlanceStatus glance_text_forward(GlanceContext *ctx, const int32_t *ids, int n_ids, int vl,
                                 float *vector, GlanceError *err);
/* Masked language modelling: vocab_size logits at text position `position`.
 * pixel_values NULL: text-only MLM; otherwise vision-language MLM (fusion). */
GlanceStatus glance_mlm_forward(GlanceContext *ctx, const int32_t *ids, int n_ids,
                                const float *pixel_values, int position, float *logits,
                                GlanceError *err);

#ifdef __cplusplus
}
#endif
#endif

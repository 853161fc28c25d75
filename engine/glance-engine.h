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

/* An 8-bit RGB image owned by the caller. */
typedef struct {
    const uint8_t *pixels;
    int width, height;
    int stride; /* bytes per row, >= 3 * width */
} GlanceImage;

/* Returns non-zero to cancel the running pass (checked between layers). */
typedef int (*GlanceCancelFunc)(void *user_data);

/* ---- model ---- */
GlanceStatus glance_model_open(const char *path, GlanceModel **out, GlanceError *err);
void glance_model_close(GlanceModel *model);
const GlanceConfig *glance_model_config(const GlanceModel *model);
const char *glance_model_name(const GlanceModel *model);     /* glance.name, may be "" */
int glance_model_num_answers(const GlanceModel *model);
const char *glance_model_answer(const GlanceModel *model, int label); /* NULL if out of range */
int glance_model_embed_dim(const GlanceModel *model);        /* ITC vector length */
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
/* Resize to image_size x image_size exactly as PIL BICUBIC does; out_rgb
 * receives S*S*3 bytes. */
GlanceStatus glance_resize_rgb8(const GlanceImage *image, int size, uint8_t *out_rgb,
                                GlanceError *err);
/* Resize and normalise to (3, S, S) floats in [-1, 1]. */
GlanceStatus glance_preprocess_image(const GlanceModel *model, const GlanceImage *image,
                                     float *pixel_values, GlanceError *err);

/* ---- tasks (text and images as the user gives them) ---- */
/* VQA: num_answers logits (scores are sigmoid(logit)). */
GlanceStatus glance_vqa(GlanceContext *ctx, const GlanceImage *image, const char *question,
                        float *logits, GlanceError *err);
/* NLVR2: logits[0] = false, logits[1] = true. */
GlanceStatus glance_nlvr2(GlanceContext *ctx, const GlanceImage *left, const GlanceImage *right,
                          const char *statement, float logits[2], GlanceError *err);
/* Image-text matching: logits[0] = no match, logits[1] = match. */
GlanceStatus glance_itm(GlanceContext *ctx, const GlanceImage *image, const char *text,
                        float logits[2], GlanceError *err);
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

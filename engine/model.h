/* model.h — the weights of a VLMo model: pointers into the mapped file (F32; the big
 * layers' Q8, BF16 or F16 matrices, matrix.h) or into buffers converted to F32 once at
 * load (other F16 / BF16 tensors). Names are the official state-dict keys. */
#ifndef GLANCE_MODEL_H
#define GLANCE_MODEL_H
#include "engine-private.h"
#include "matrix.h"
#include "safetensors.h"
#include "tokenizer.h"

/* One modality expert: a LayerNorm and a two-layer GELU MLP. */
typedef struct {
    const float *norm_w, *norm_b; /* (dim)            transformer.blocks.N.norm2_{text,imag,vl}  */
    GlanceMatrix fc1_w;            /* (hidden, dim)    transformer.blocks.N.mlp_{...}.fc1.weight  */
    const float *fc1_b;           /* (hidden)                                                    */
    GlanceMatrix fc2_w;            /* (dim, hidden)    transformer.blocks.N.mlp_{...}.fc2.weight  */
    const float *fc2_b;           /* (dim)                                                       */
} GlanceExpertWeights;

typedef struct {
    const float *norm1_w, *norm1_b; /* (dim)        transformer.blocks.N.norm1                      */
    GlanceMatrix qkv_w;            /* (3*dim, dim) transformer.blocks.N.attn.qkv.weight            */
    const float *q_bias, *v_bias;   /* (dim)        transformer.blocks.N.attn.{q,v}_bias (no k bias) */
    GlanceMatrix proj_w;            /* (dim, dim)   transformer.blocks.N.attn.proj.weight           */
    const float *proj_b;            /* (dim)        transformer.blocks.N.attn.proj.bias             */
    const float *gamma_1, *gamma_2; /* (dim)        layer scale; NULL without it                    */
    GlanceExpertWeights text, imag; /* L-FFN and V-FFN                                              */
    GlanceExpertWeights vl;         /* VL-FFN, only for N >= vlffn_start (else zeroed)              */
} GlanceBlockWeights;

/* A Linear -> LayerNorm -> GELU -> Linear task head (vqa_classifier, nlvr2_classifier). */
typedef struct {
    const float *fc1_w, *fc1_b;     /* {vqa,nlvr2}_classifier.0                                     */
    const float *norm_w, *norm_b;   /* {vqa,nlvr2}_classifier.1                                     */
    const float *fc2_w, *fc2_b;     /* {vqa,nlvr2}_classifier.3                                     */
    int in, hidden, out;
} GlanceClassifierWeights;

typedef struct {
    const float *patch_w;         /* (dim, 3, p, p)  transformer.patch_embed.proj.weight  */
    const float *patch_b;         /* (dim)           transformer.patch_embed.proj.bias    */
    const float *cls_token;       /* (dim)           transformer.cls_token                */
    const float *pos_embed;       /* (1+P, dim)      transformer.pos_embed (abs_pos only) */
    const float *rel_pos_table;   /* (rows, heads*depth) relative_position_bias_table     */
    int rel_pos_rows;
    const float *word_emb;        /* (vocab, dim)    text_embeddings.word_embeddings      */
    const float *text_pos_emb;    /* (max_text_len, dim) text_embeddings.position_embeddings (abs_pos only) */
    const float *text_type_emb;   /* (dim) row 0 of text_embeddings.token_type_embeddings */
    const float *text_norm_w, *text_norm_b; /* text_embeddings.LayerNorm                   */
    const float *token_type_emb;  /* (token_types, dim) token_type_embeddings             */
    GlanceBlockWeights *blocks;   /* depth                                                */
    const float *norm_w, *norm_b; /* transformer.norm                                     */
    const float *pooler_w, *pooler_b;   /* pooler.dense                                   */
    const float *itm_w, *itm_b;         /* (2, dim) itm_score.fc                          */
    const float *itc_text_proj, *itc_image_proj;       /* (dim, dim) itc_*_proj.fc.weight */
    const float *itc_vl_text_proj, *itc_vl_image_proj; /* itc_vl_*_proj.fc.weight        */
    float logit_scale, logit_vl_scale;  /* raw parameters                                 */
    const float *mlm_dense_w, *mlm_dense_b; /* mlm_score.transform.dense                  */
    const float *mlm_norm_w, *mlm_norm_b;   /* mlm_score.transform.LayerNorm              */
    const float *mlm_decoder_w;             /* (vocab, dim) mlm_score.decoder.weight      */
    const float *mlm_bias;                  /* (vocab) mlm_score.bias                     */
    GlanceClassifierWeights vqa, nlvr2;
} GlanceWeights;

struct GlanceModel {
    GlanceConfig config;
    char *name;
    StFile *file;
    GlanceVocab *vocab;
    char *answers_blob;   /* glance.answers copy, split in place */
    char **answers;
    int num_answers;
    GlanceWeights w;
    void **converted;     /* F16/BF16/unaligned tensors converted to F32 */
    int n_converted;
    int bf16_panels;      /* glance.precision bf16: BF16 matrices are in panels */
    int patches_side;     /* image_size / patch_size */
    int num_patches;
    int rel_image_rows;   /* (2*side-1)^2 + 3: image part of the relative table */
};

#endif

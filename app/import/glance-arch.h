/* glance-arch.h — infers a VLMo architecture (GlanceConfig) from the shapes
 * in a state dict, and plans which tensors the model file gets, checking each
 * against the shape the inferred architecture implies.
 *
 * Where each value comes from:
 *   dim, vocab_size   text_embeddings.word_embeddings.weight [vocab, dim]
 *   patch_size        transformer.patch_embed.proj.weight [dim, 3, p, p]
 *   depth             blocks 0.. with attn.qkv.weight (a gap is an error)
 *   mlp_hidden        transformer.blocks.0.mlp_text.fc1.weight rows
 *   vlffn_start       first block with mlp_vl (depth when none)
 *   layer_scale       gamma_1 present; abs_pos: transformer.pos_embed present;
 *   rel_pos           relative_position_bias_table present
 *   heads             rel_pos: table columns / depth (--heads must agree);
 *                     otherwise --heads, else dim / 64 (544 -> 16, base-plus)
 *   image_size        abs_pos: sqrt(pos_embed rows - 1) * patch; rel_pos: the
 *                     table has (2w-1)^2 + 3 + 2T + 2 rows for a w x w patch
 *                     grid and a text half-width T (max_text_len_of_initckpt):
 *                     T = 196 is assumed and w solved for (446 rows -> w = 4),
 *                     unless --image-size fixes w and T is solved for instead
 *   rel_pos_text_len  T above; 0 without a table
 *   max_text_len      text position embedding rows; --max-text-len may lower it
 *                     (the file keeps the first rows), never raise it, and with
 *                     a table it may not exceed T
 *   token_types       token_type_embeddings.weight rows (3 needed for NLVR2)
 *   heads_present     any tensor under pooler., itm_score., itc_*_proj. /
 *                     logit_scale, itc_vl_*_proj. / logit_vl_scale, mlm_score.,
 *                     vqa_classifier., nlvr2_classifier.; then all of the head
 *   num_answers       vqa_classifier.3.weight rows
 * eps values are the official constants (1e-6, 1e-12, 1e-5). */
#ifndef GLANCE_ARCH_H
#define GLANCE_ARCH_H
#include <glib.h>
#include "glance-checkpoint.h"
#include "glance-engine.h"
#include "glance-state-dict.h"

G_BEGIN_DECLS

/* max_text_len_of_initckpt of every official VLMo model: the text half of the
 * relative-position table, assumed unless --image-size pins the image half. */
#define GLANCE_ARCH_DEFAULT_REL_POS_TEXT_LEN 196

typedef struct {
    int heads;        /* 0: infer */
    int image_size;   /* 0: infer */
    int max_text_len; /* 0: the rows of text_embeddings.position_embeddings */
} GlanceArchOverrides;

typedef struct {
    char *name;             /* tensor name in the model file */
    GlanceTensorView view;  /* what to copy from the checkpoint, with its output shape */
    gboolean matrix;        /* a big layer's weight (GLANCE_TENSOR_MATRIX)          */
} GlanceTensorPlan;

typedef struct {
    GlanceConfig config;
    GPtrArray *plan;        /* GlanceTensorPlan*, in file order */
    guint n_unused;         /* state-dict tensors left out (buffers, unknown keys) */
} GlanceArch;

gboolean glance_arch_infer(const GlanceStateDict *state_dict, const GlanceArchOverrides *overrides,
                           GlanceArch *out, GError **error);
void glance_arch_clear(GlanceArch *arch);

G_END_DECLS
#endif

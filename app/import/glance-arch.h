/* glance-arch.h — infers a VLMo architecture (GlanceConfig) from the shapes
 * in a state dict, and plans which tensors the model file gets, checking each
 * against the shape the inferred architecture implies. */
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

/* glance-state-dict.h — finds the model's state dict inside an unpickled
 * checkpoint and lists its tensors (metadata only; no tensor data is read).
 *
 * Accepted wrappings, tried in the official loader's order: Lightning's
 * {"state_dict": ...}, DeepSpeed's {"module": ...} (its "module." prefixes
 * removed), {"model": ...}, and a plain state dict. Everything else in the
 * checkpoint (optimizer state, hyper-parameters, epochs) is ignored. */
#ifndef GLANCE_STATE_DICT_H
#define GLANCE_STATE_DICT_H
#include <glib.h>
#include "glance-pickle.h"

G_BEGIN_DECLS

#define GLANCE_MAX_DIMS GLANCE_PICKLE_MAX_DIMS

typedef struct {
    char *name;                /* state-dict key without wrapper prefixes        */
    GlanceTensorDtype dtype;   /* of the storage                                 */
    int ndim;
    gint64 shape[GLANCE_MAX_DIMS];
    gint64 stride[GLANCE_MAX_DIMS]; /* in elements                               */
    gint64 storage_offset;     /* in elements                                    */
    const char *storage_key;   /* archive entry <stem>/data/<key>; owned by the pickle */
    const char *storage_type;  /* e.g. "torch.FloatStorage", for messages        */
    gint64 storage_numel;      /* elements the storage holds                     */
} GlanceSourceTensor;

typedef struct {
    GPtrArray *tensors;        /* GlanceSourceTensor*, state-dict order, unique names */
    GHashTable *by_name;       /* name -> GlanceSourceTensor* (borrowed)         */
    char *wrapper;             /* "state_dict", "module", "model" or "" (plain)  */
    guint n_other;             /* state-dict entries that are not tensors        */
} GlanceStateDict;

/* Fills `out` from the checkpoint's root object; the result borrows strings
 * from the pickle, which must outlive it. */
gboolean glance_state_dict_extract(const GlancePickleValue *root, GlanceStateDict *out,
                                   GError **error);
void glance_state_dict_clear(GlanceStateDict *state_dict);

const GlanceSourceTensor *glance_state_dict_get(const GlanceStateDict *state_dict, const char *name);
gint64 glance_source_tensor_numel(const GlanceSourceTensor *tensor);
/* "[446, 16]" */
char *glance_shape_to_string(int ndim, const gint64 *shape);

G_END_DECLS
#endif

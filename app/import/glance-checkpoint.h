/* glance-checkpoint.h — a torch.save checkpoint opened for import: the zip
 * archive, its unpickled data.pkl, the state dict inside, and access to each
 * tensor's elements (any stride, F32 / F16 / BF16 / F64 storages). */
#ifndef GLANCE_CHECKPOINT_H
#define GLANCE_CHECKPOINT_H
#include <glib.h>
#include "glance-state-dict.h"
#include "glance-zip.h"

G_BEGIN_DECLS

typedef struct GlanceCheckpoint GlanceCheckpoint;

GlanceCheckpoint *glance_checkpoint_open(const char *path, GError **error);
void glance_checkpoint_free(GlanceCheckpoint *checkpoint);

const GlanceStateDict *glance_checkpoint_state_dict(const GlanceCheckpoint *checkpoint);

/* A view of a source tensor to copy out: the tensor itself, or a prefix of
 * its rows (dim 0), or a 0-dimensional tensor seen as shape [1]. */
typedef struct {
    const GlanceSourceTensor *source;
    int ndim;
    gint64 shape[GLANCE_MAX_DIMS];
} GlanceTensorView;

/* Writes the view's elements, row-major, as `out_dtype` (F32 or F16) into
 * `dest` (numel * element size bytes). Checks the view against its storage
 * first: dtype, storage size, offset and strides. */
gboolean glance_checkpoint_copy_tensor(GlanceCheckpoint *checkpoint, const GlanceTensorView *view,
                                       GlanceTensorDtype out_dtype, guint8 *dest, GError **error);

/* When the view's bytes already sit contiguous in the archive in `out_dtype`,
 * returns them (no copy); NULL otherwise, or with *error set when the data is
 * damaged. */
const guint8 *glance_checkpoint_direct_bytes(GlanceCheckpoint *checkpoint, const GlanceTensorView *view,
                                             GlanceTensorDtype out_dtype, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceCheckpoint, glance_checkpoint_free)

G_END_DECLS
#endif

/* glance-safetensors-writer.h — writes a Glance model file: safetensors with
 * the JSON header space-padded so data starts 64-byte aligned, and every
 * tensor at a 64-byte aligned offset (docs/model-format.md).
 *
 * The file is built under a temporary name beside the target and renamed
 * into place by _commit(); freeing an uncommitted writer deletes it, so an
 * error never leaves a half-written model behind. */
#ifndef GLANCE_SAFETENSORS_WRITER_H
#define GLANCE_SAFETENSORS_WRITER_H
#include <glib.h>
#include "glance-tensor-dtype.h"

G_BEGIN_DECLS

#define GLANCE_SAFETENSORS_ALIGNMENT 64

typedef struct GlanceSafetensorsWriter GlanceSafetensorsWriter;

GlanceSafetensorsWriter *glance_safetensors_writer_new(const char *path, GError **error);
/* Deletes the temporary file unless committed. */
void glance_safetensors_writer_free(GlanceSafetensorsWriter *writer);

/* Declare everything first ... */
void glance_safetensors_writer_set_metadata(GlanceSafetensorsWriter *writer, const char *key,
                                            const char *value);
void glance_safetensors_writer_add_tensor(GlanceSafetensorsWriter *writer, const char *name,
                                          GlanceTensorDtype dtype, int ndim, const gint64 *shape);
/* ... then write the header, each tensor's bytes in declaration order, and commit. */
gboolean glance_safetensors_writer_write_header(GlanceSafetensorsWriter *writer, GError **error);
gboolean glance_safetensors_writer_write_tensor(GlanceSafetensorsWriter *writer, const void *data,
                                                gsize length, GError **error);
gboolean glance_safetensors_writer_commit(GlanceSafetensorsWriter *writer, GError **error);

/* Bytes the declared tensor takes. */
gsize glance_safetensors_writer_tensor_size(const GlanceSafetensorsWriter *writer, guint index);
guint64 glance_safetensors_writer_file_size(const GlanceSafetensorsWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceSafetensorsWriter, glance_safetensors_writer_free)

G_END_DECLS
#endif

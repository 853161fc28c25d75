/* glance-tensor-dtype.h — element types of checkpoint storages and of the
 * written model file, with the half-precision conversions between them. */
#ifndef GLANCE_TENSOR_DTYPE_H
#define GLANCE_TENSOR_DTYPE_H
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    GLANCE_DTYPE_UNKNOWN = 0,
    GLANCE_DTYPE_F32,
    GLANCE_DTYPE_F16,
    GLANCE_DTYPE_BF16,
    GLANCE_DTYPE_F64,
    GLANCE_DTYPE_I64,
    GLANCE_DTYPE_I32,
    GLANCE_DTYPE_I16,
    GLANCE_DTYPE_I8,
    GLANCE_DTYPE_U8,
    GLANCE_DTYPE_BOOL,
} GlanceTensorDtype;

/* Bytes per element; 0 for GLANCE_DTYPE_UNKNOWN. */
gsize glance_dtype_size(GlanceTensorDtype dtype);
/* Safetensors spelling: "F32", "F16", "BF16", ... */
const char *glance_dtype_name(GlanceTensorDtype dtype);
/* The dtype a torch storage class stands for ("FloatStorage" -> F32);
 * GLANCE_DTYPE_UNKNOWN for anything else. */
GlanceTensorDtype glance_dtype_from_torch_storage(const char *type_name);
gboolean glance_dtype_is_float(GlanceTensorDtype dtype);

/* One element of a float dtype at `src` (any alignment, little-endian) as a float. */
float glance_dtype_load_float(GlanceTensorDtype dtype, const guint8 *src);
/* IEEE binary16 with round-to-nearest-even (overflow to infinity, NaN kept). */
guint16 glance_float_to_f16(float value);
float glance_f16_to_float(guint16 bits);
float glance_bf16_to_float(guint16 bits);


G_END_DECLS
#endif

/* tensor-schema.h — where the binder stores each tensor of the schema
 * (glance-engine.h's GlanceTensorSpec table). */
#ifndef GLANCE_TENSOR_SCHEMA_H
#define GLANCE_TENSOR_SCHEMA_H
#include "model.h"

/* Offset of tensor i's field: in GlanceWeights, or in GlanceBlockWeights for per-block
 * tensors. The field is a `const float *`, a `float` for scalars, or a GlanceMatrix for
 * GLANCE_TENSOR_MATRIX tensors. */
size_t glance_tensor_field(int i);

#endif

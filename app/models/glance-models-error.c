/* glance-models-error.c — the GError domain of app/models. */
#include "glance-models-error.h"

G_DEFINE_QUARK(glance-models-error-quark, glance_models_error)

/* glance-engine-error.c — engine status → GError. */
#include "glance-engine-error.h"

G_DEFINE_QUARK(glance-engine-error-quark, glance_engine_error)

void glance_set_error_from_engine(GError **error, const GlanceError *err)
{
    const char *message = err->message[0] ? err->message : glance_status_name(err->status);
    if (err->status == GLANCE_ERR_CANCELLED)
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, message);
    else
        g_set_error_literal(error, GLANCE_ENGINE_ERROR, err->status, message);
}

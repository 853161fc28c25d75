/* glance-engine-error.h — the one way an engine status becomes a GError.
 *
 * Engine failures get the GLANCE_ENGINE_ERROR domain with the status as the code, except
 * cancellation, which is G_IO_ERROR_CANCELLED as everywhere else in GIO, so callers (the
 * CLI's exit status, the GUI's silent Cancel) tell it apart with one check. */
#ifndef GLANCE_ENGINE_ERROR_H
#define GLANCE_ENGINE_ERROR_H
#include <gio/gio.h>
#include "glance-engine.h"

G_BEGIN_DECLS

#define GLANCE_ENGINE_ERROR (glance_engine_error_quark())
GQuark glance_engine_error_quark(void);

/* Codes are GlanceStatus values (GLANCE_ERR_IO, _FORMAT, _INVALID, _UNSUPPORTED, _NOMEM). */
void glance_set_error_from_engine(GError **error, const GlanceError *err);

G_END_DECLS
#endif

/* engine-private.h — what the engine's files share and the public header hides. */
#ifndef GLANCE_ENGINE_PRIVATE_H
#define GLANCE_ENGINE_PRIVATE_H

#include "glance-engine.h"
#include <stdarg.h>

/* Fills err (may be NULL) and returns status, so callers can `return glance_fail(...)`. */
GlanceStatus glance_fail(GlanceError *err, GlanceStatus status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

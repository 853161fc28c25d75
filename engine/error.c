/* error.c — status names and the one way errors are reported. */
#include "engine-private.h"
#include <stdio.h>

GlanceStatus glance_fail(GlanceError *err, GlanceStatus status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

const char *glance_status_name(GlanceStatus status)
{
    switch (status) {
    case GLANCE_OK: return "ok";
    case GLANCE_ERR_IO: return "i/o error";
    case GLANCE_ERR_FORMAT: return "bad format";
    case GLANCE_ERR_INVALID: return "invalid input";
    case GLANCE_ERR_UNSUPPORTED: return "unsupported";
    case GLANCE_ERR_NOMEM: return "out of memory";
    case GLANCE_ERR_CANCELLED: return "cancelled";
    }
    return "unknown error";
}

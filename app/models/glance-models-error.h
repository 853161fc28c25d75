/* glance-models-error.h — the one GError domain of the model catalogue, the
 * registry of installed models, downloads and installs. Cancellation is
 * reported as G_IO_ERROR_CANCELLED, as everywhere else in GIO. */
#ifndef GLANCE_MODELS_ERROR_H
#define GLANCE_MODELS_ERROR_H
#include <glib.h>

G_BEGIN_DECLS

#define GLANCE_MODELS_ERROR (glance_models_error_quark())

typedef enum {
    GLANCE_MODELS_ERROR_CATALOGUE,   /* the catalogue file is unreadable or malformed     */
    GLANCE_MODELS_ERROR_REGISTRY,    /* the registry of installed models is damaged       */
    GLANCE_MODELS_ERROR_NOT_FOUND,   /* no such catalogue entry or installed model        */
    GLANCE_MODELS_ERROR_INSECURE,    /* plain http to a non-loopback host, or not http(s) */
    GLANCE_MODELS_ERROR_NETWORK,     /* could not connect, or the connection dropped      */
    GLANCE_MODELS_ERROR_TIMEOUT,     /* no connection, or no data, within the time limit  */
    GLANCE_MODELS_ERROR_HTTP,        /* the server answered with an error status          */
    GLANCE_MODELS_ERROR_SIZE,        /* the file's size is not the one expected           */
    GLANCE_MODELS_ERROR_CHECKSUM,    /* the file's SHA-256 is not the one expected        */
    GLANCE_MODELS_ERROR_NO_SPACE,    /* not enough free disk space                        */
    GLANCE_MODELS_ERROR_BUSY,        /* another process is downloading the same file      */
    GLANCE_MODELS_ERROR_IO,          /* a local file could not be read or written         */
    GLANCE_MODELS_ERROR_IMPORT,      /* the download is not a checkpoint Glance can import */
    GLANCE_MODELS_ERROR_NO_HEAD,     /* an imported checkpoint has no head Glance can use  */
    GLANCE_MODELS_ERROR_UNREACHABLE, /* the server cannot be reached (offline, DNS, refused);
                                        the message is GLANCE_MODELS_UNREACHABLE_MESSAGE     */
} GlanceModelsError;

/* For people, as is: a GUI shows it in the model's row (and may translate it by code). */
#define GLANCE_MODELS_UNREACHABLE_MESSAGE "Can't reach the download server — check your connection"

GQuark glance_models_error_quark(void);

G_END_DECLS
#endif

/* glance-import-error.h — the one GError domain of the checkpoint importer
 * (zip reader, pickle interpreter, state-dict extraction, inference, writer). */
#ifndef GLANCE_IMPORT_ERROR_H
#define GLANCE_IMPORT_ERROR_H
#include <glib.h>

G_BEGIN_DECLS

#define GLANCE_IMPORT_ERROR (glance_import_error_quark())

typedef enum {
    GLANCE_IMPORT_ERROR_IO,          /* a file is missing, unreadable or unwritable     */
    GLANCE_IMPORT_ERROR_FORMAT,      /* malformed zip archive or pickle                 */
    GLANCE_IMPORT_ERROR_UNSUPPORTED, /* well-formed, but a feature we do not read       */
    GLANCE_IMPORT_ERROR_NOT_VLMO,    /* a checkpoint, but not of a VLMo model           */
    GLANCE_IMPORT_ERROR_SHAPE,       /* tensor shapes contradict each other or a flag   */
    GLANCE_IMPORT_ERROR_INVALID,     /* bad option: vocabulary or answers do not fit... */
    GLANCE_IMPORT_ERROR_LIMIT,       /* input exceeds a safety bound (size, nesting)    */
} GlanceImportError;

GQuark glance_import_error_quark(void);

G_END_DECLS
#endif

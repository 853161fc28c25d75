/* glance-import-error.c — the importer's error domain. */
#include "glance-import-error.h"

G_DEFINE_QUARK(glance-import-error-quark, glance_import_error)

/* glance-paths.h — where Glance finds its bundled data, models and library. */
#ifndef GLANCE_PATHS_H
#define GLANCE_PATHS_H
#include <glib.h>

/* data/ as installed, or the source tree's data/ when running uninstalled. */
const char *glance_paths_datadir(void);
/* The bundled default model file (may not exist yet). Newly allocated. */
char *glance_paths_default_model(void);
/* $XDG_DATA_HOME/glance (created on demand by callers that write). Newly allocated. */
char *glance_paths_user_dir(void);
/* $XDG_DATA_HOME/glance/library.db. Newly allocated. */
char *glance_paths_default_db(void);
#endif

/* cli-library.h — what `glance-cli index` and `search` share: --db, and the library
 * opened with its retrieval model (glance-library-open.h, as the GUI opens it). */
#ifndef GLANCE_CLI_LIBRARY_H
#define GLANCE_CLI_LIBRARY_H
#include "cli-common.h"
#include "glance-library.h"

extern char *cli_db_arg;
extern GOptionEntry cli_library_entries[];

/* Opens --db (default: glance_paths_default_db(); create: make it if missing) with
 * --model, else the retrieval task's model, and $GLANCE_THREADS threads. */
GlanceLibrary *cli_library_open(gboolean create, GError **error);
#endif

/* cli-library.h — what `glance-cli index` and `search` share: --db, and a library
 * opened with the --model whose vectors it indexes and searches. */
#ifndef GLANCE_CLI_LIBRARY_H
#define GLANCE_CLI_LIBRARY_H
#include "cli-common.h"
#include "glance-library.h"

extern char *cli_db_arg;
extern GOptionEntry cli_library_entries[];

typedef struct {
    GlanceLibrary *library;
    GlanceModel *model;
} CliLibrary;

/* Opens --db (default: glance_paths_default_db(); create: make it if missing), opens
 * --model and makes it the library's current model. */
CliLibrary *cli_library_open(gboolean create, GError **error);
void cli_library_free(CliLibrary *cli);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliLibrary, cli_library_free)
#endif

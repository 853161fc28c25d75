/* cli-library.c — opening the library and its model for index and search. */
#include "cli-library.h"
#include "glance-paths.h"
#include "glance-model-registry.h"

char *cli_db_arg;

GOptionEntry cli_library_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli_db_arg,
      "Library database (default: $XDG_DATA_HOME/glance/library.db)", "DB" },
    { NULL },
};

CliLibrary *cli_library_open(gboolean create, GError **error)
{
    g_autoptr(CliLibrary) cli = g_new0(CliLibrary, 1);
    g_autofree char *db = cli_db_arg ? g_strdup(cli_db_arg) : glance_paths_default_db();
    cli->library = glance_library_open(db, create, error);
    if (!cli->library)
        return NULL;
    /* The library needs the file itself: its SHA-256 is the model id. */
    g_autofree char *path = glance_models_resolve(cli_model_arg, error);
    if (!path)
        return NULL;
    cli->model = cli_open_model(path, error);
    if (!cli->model || !glance_library_set_model(cli->library, cli->model, path, error))
        return NULL;
    return g_steal_pointer(&cli);
}

void cli_library_free(CliLibrary *cli)
{
    if (!cli)
        return;
    /* The library borrows the model: it goes first. */
    g_clear_object(&cli->library);
    glance_model_close(cli->model);
    g_free(cli);
}

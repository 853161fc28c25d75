/* cli-library.c — opening the library and its model for index and search. */
#include "cli-library.h"
#include "glance-paths.h"
#include <string.h>

char *cli_db_arg;

GOptionEntry cli_library_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli_db_arg,
      "Library database (default: $XDG_DATA_HOME/glance/library.db)", "DB" },
    { NULL },
};

/* The file --model names, resolved as cli_open_model() does: the library needs the
 * path itself, because the file's SHA-256 is the model id. */
static char *model_path(const char *model_arg)
{
    if (!model_arg)
        return glance_paths_default_model();
    if (g_file_test(model_arg, G_FILE_TEST_EXISTS) || strchr(model_arg, G_DIR_SEPARATOR))
        return g_strdup(model_arg);
    g_autofree char *dir = glance_paths_user_dir();
    g_autofree char *file = g_strconcat(model_arg, ".safetensors", NULL);
    return g_build_filename(dir, "models", file, NULL);
}

CliLibrary *cli_library_open(gboolean create, GError **error)
{
    g_autoptr(CliLibrary) cli = g_new0(CliLibrary, 1);
    g_autofree char *db = cli_db_arg ? g_strdup(cli_db_arg) : glance_paths_default_db();
    cli->library = glance_library_open(db, create, error);
    if (!cli->library)
        return NULL;
    g_autofree char *path = model_path(cli_model_arg);
    cli->model = cli_open_model(g_file_test(path, G_FILE_TEST_EXISTS) ? path : cli_model_arg, error);
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

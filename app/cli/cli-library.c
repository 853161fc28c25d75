/* cli-library.c — opening the library and its model for index and search. */
#include "cli-library.h"
#include "glance-library-open.h"

char *cli_db_arg;

GOptionEntry cli_library_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli_db_arg,
      "Library database (default: $XDG_DATA_HOME/glance/library.db)", "DB" },
    { NULL },
};

GlanceLibrary *cli_library_open(gboolean create, GError **error)
{
    GlanceLibraryOpenOptions options = {
        .db_path = cli_db_arg,
        .create = create,
        .model_arg = cli_model_arg,
        .threads = glance_threads_from_environment(),
    };
    return glance_library_open_with_model(&options, error);
}

/* glance-paths.c — installed data first, the source tree's data/ for uninstalled runs. */
#include "config.h"
#include "glance-paths.h"

#define BUNDLED_MODEL "models/glance-shapeworld.safetensors"

const char *glance_paths_datadir(void)
{
    static gsize once;
    static char *dir;
    if (g_once_init_enter(&once)) {
        const char *env = g_getenv("GLANCE_DATADIR");
        char *probe = g_build_filename(GLANCE_PKGDATADIR, BUNDLED_MODEL, NULL);
        const char *chosen = env ? env
            : g_file_test(probe, G_FILE_TEST_EXISTS) ? GLANCE_PKGDATADIR : GLANCE_SOURCE_DATADIR;
        g_free(probe);
        dir = g_strdup(chosen);
        g_once_init_leave(&once, 1);
    }
    return dir;
}

char *glance_paths_default_model(void)
{
    const char *env = g_getenv("GLANCE_MODEL");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(glance_paths_datadir(), BUNDLED_MODEL, NULL);
}

char *glance_paths_user_dir(void)
{
    return g_build_filename(g_get_user_data_dir(), "glance", NULL);
}

char *glance_paths_default_db(void)
{
    return g_build_filename(g_get_user_data_dir(), "glance", "library.db", NULL);
}

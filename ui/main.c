/* main.c — the `glance` binary: locale, then the single-instance application. */
#include "config.h"
#include <glib/gi18n.h>
#include <locale.h>
#include "glance-application.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    const char *localedir = g_getenv("GLANCE_LOCALEDIR");  /* uninstalled runs, tests */
    bindtextdomain(GETTEXT_PACKAGE, localedir ? localedir : GLANCE_LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    g_autoptr(GlanceApplication) app = glance_application_new(GLANCE_APPLICATION_ID,
                                                              G_APPLICATION_HANDLES_OPEN);
    return g_application_run(G_APPLICATION(app), argc, argv);
}

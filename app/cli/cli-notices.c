/* cli-notices.c — notices as lines on stderr, so stdout keeps only the answer. */
#include "cli-notices.h"
#include "glance-notices.h"

void cli_print_notices(GPtrArray *notices)
{
    for (guint i = 0; notices && i < notices->len; i++)
        g_printerr("%s\n", ((GlanceNotice *)notices->pdata[i])->message);
}

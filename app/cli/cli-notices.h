/* cli-notices.h — how ask, compare, match and search show the judgement of their answer
 * (glance-notices.h): in --json, a "notices" member; otherwise one line each on stderr. */
#ifndef GLANCE_CLI_NOTICES_H
#define GLANCE_CLI_NOTICES_H
#include <glib.h>

void cli_print_notices(GPtrArray *notices);
#endif

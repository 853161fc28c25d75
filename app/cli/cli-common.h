/* cli-common.h — what every glance-cli command shares: errors, model lookup, JSON output. */
#ifndef GLANCE_CLI_COMMON_H
#define GLANCE_CLI_COMMON_H
#include <glib.h>
#include <json-glib/json-glib.h>
#include "glance-engine.h"
#include "glance-image.h"

/* Prints "glance-cli: <message>" on stderr and returns the exit status 1. */
int cli_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Same, from a GError (consumed). */
int cli_fail_error(GError *error);

/* Parses options; on failure prints the reason and returns FALSE. */
gboolean cli_parse(GOptionContext *context, int *argc, char ***argv);

/* Opens --model (a path or an installed model's name; NULL: the bundled model). */
GlanceModel *cli_open_model(const char *model_arg, GError **error);
/* GError from an engine error. */
void cli_set_engine_error(GError **error, const GlanceError *err);

/* A model, a context and the decoded images a command works on. */
typedef struct {
    GlanceModel *model;
    GlanceContext *ctx;
    GlanceDecodedImage **images;
    int n_images;
} CliSession;

/* Opens --model, makes a context and decodes the images (full size, as the
 * reference preprocessing needs). Prints the error and returns NULL on failure. */
CliSession *cli_session_new(int n_images, const char **image_paths, GError **error);
void cli_session_free(CliSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliSession, cli_session_free)

/* Writes the builder's root as one line of JSON on stdout. */
void cli_print_json(JsonBuilder *builder);
void cli_json_add_floats(JsonBuilder *builder, const char *member, const float *values, int n);

/* Options every command takes. */
extern char *cli_model_arg;
extern gboolean cli_json;
extern GOptionEntry cli_common_entries[];
#endif

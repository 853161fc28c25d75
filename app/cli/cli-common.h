/* cli-common.h — what every glance-cli command shares: errors, model lookup, JSON output. */
#ifndef GLANCE_CLI_COMMON_H
#define GLANCE_CLI_COMMON_H
#include <glib.h>
#include <json-glib/json-glib.h>
#include "glance-image.h"
#include "glance-model-handle.h"
#include "glance-task-model.h"

/* Exit statuses: 0 success, 1 failure, 2 usage error (`--help` exits 0). */
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE 2

/* Prints "glance-cli: <message>" on stderr and returns CLI_EXIT_FAILURE. */
int cli_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Same, from a GError (consumed). */
int cli_fail_error(GError *error);
/* Prints "glance-cli: <message>" on stderr and returns CLI_EXIT_USAGE: the command line
 * itself is wrong (missing or extra arguments, an option out of range). */
int cli_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parses options; on failure prints the reason and returns FALSE (exit CLI_EXIT_USAGE). */
gboolean cli_parse(GOptionContext *context, int *argc, char ***argv);

/* Which model a command uses without --model: a task's (glance-task-model.h), or
 * CLI_MODEL_BUNDLED for commands about a model file rather than a task (info, bench). */
#define CLI_MODEL_BUNDLED (-1)

/* Opens --model for `task` (a GlanceModelTask or CLI_MODEL_BUNDLED), with the thread
 * count of $GLANCE_THREADS. */
GlanceModelHandle *cli_open_model(int task, GError **error);

/* A model, this thread's context and the decoded images a command works on. */
typedef struct {
    GlanceModelHandle *handle;
    GlanceModel *model;      /* the handle's */
    GlanceContext *ctx;      /* the handle's, for this thread */
    GlanceDecodedImage **images;
    int n_images;
} CliSession;

/* Opens the model of `task` (as cli_open_model), gets a context and decodes the images
 * (full size, as the reference preprocessing needs). Prints the error and returns NULL
 * on failure when error is NULL. */
CliSession *cli_session_new(int task, int n_images, const char **image_paths, GError **error);
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

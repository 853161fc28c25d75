/* cli-where.h — `--where`, `--where-image` and `--where-method` of ask, compare and
 * match: where the answer looked, as JSON, text or a picture (docs/where-it-looked.md). */
#ifndef GLANCE_CLI_WHERE_H
#define GLANCE_CLI_WHERE_H
#include <glib.h>
#include <json-glib/json-glib.h>
#include "glance-engine.h"
#include "glance-image.h"
#include "glance-where.h"

extern GOptionEntry cli_where_entries[];

/* TRUE when the command line asks for a map (--where or --where-image). */
gboolean cli_where_wanted(void);
/* The method of --where-method (GLANCE_WHERE_DEFAULT without it); FALSE after printing a
 * usage error for an unknown name. */
gboolean cli_where_method(GlanceWhereMethod *method);
/* "where": {"grid": [rows, cols], "weights": [...], "method": NAME}, or (left/right
 * non-NULL) "where": {"left": {...}, "right": {...}}. */
void cli_where_add_json(JsonBuilder *builder, GlanceWhereMethod method, const GlanceWhere *where);
void cli_where_add_json_pair(JsonBuilder *builder, GlanceWhereMethod method, GlanceWhere *const where[2]);
/* Prints the map as rows of percentages, under a heading naming `which` (may be NULL). */
void cli_where_print(const GlanceWhere *where, const char *which);
/* Writes the photo with the map over it as a PNG at path. */
gboolean cli_where_write_image(const GlanceDecodedImage *photo, const GlanceWhere *where, const char *path,
                               GError **error);
/* For compare: path with "-left" / "-right" before its extension ("out.png" ->
 * "out-left.png"). */
char *cli_where_side_path(const char *path, const char *side);
/* The --where-image path, NULL without it. */
const char *cli_where_image_path(void);
#endif

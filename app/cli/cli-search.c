/* cli-search.c — `glance-cli search [--db DB] "query" [--image FILE]...`: photos best
 * first, by text, example image or both (query arithmetic in glance-query.h). */
#include "cli-library.h"
#include "cli-commands.h"
#include "cli-notices.h"
#include "glance-notices.h"
#include "glance-search-notices.h"
#include "glance-library-search.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GPtrArray *images; /* --image FILE, in order */

static gboolean add_image(const char *option, const char *value, gpointer data, GError **error)
{
    (void)option, (void)data, (void)error;
    g_ptr_array_add(images, g_strdup(value));
    return TRUE;
}

/* YYYY-MM-DD (local midnight) or an ISO 8601 date and time (local unless it says). */
static gboolean parse_date(const char *text, gint64 *out)
{
    g_autoptr(GTimeZone) local = g_time_zone_new_local();
    g_autoptr(GDateTime) when = g_date_time_new_from_iso8601(text, local);
    if (!when) {
        int y, m, d;
        char end;
        if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
            return FALSE;
        when = g_date_time_new(local, y, m, d, 0, 0, 0);
    }
    if (!when)
        return FALSE;
    *out = g_date_time_to_unix(when);
    return TRUE;
}

static void print_results(GPtrArray *results, GPtrArray *notices, gboolean reranked)
{
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "results");
        json_builder_begin_array(b);
        for (guint i = 0; i < results->len; i++) {
            GlanceSearchResult *r = results->pdata[i];
            g_autofree char *path = g_filename_display_name(r->path);
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "path");
            json_builder_add_string_value(b, path);
            json_builder_set_member_name(b, "score");
            json_builder_add_double_value(b, r->score);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        glance_notices_add_json(b, notices);
        json_builder_end_object(b);
        cli_print_json(b);
        return;
    }
    cli_print_notices(notices);
    for (guint i = 0; i < results->len; i++) {
        GlanceSearchResult *r = results->pdata[i];
        if (reranked && !isnan(r->rerank_score))
            printf("%7.4f  (dual encoder %.4f)  %s\n", r->score, r->itc_score, r->path);
        else
            printf("%7.4f  %s\n", r->score, r->path);
    }
}

int cli_search(int argc, char **argv)
{
    int limit = 20, rerank = 0;
    g_auto(GStrv) folders = NULL, types = NULL;
    g_autofree char *after = NULL, *before = NULL;
    images = g_ptr_array_new_with_free_func(g_free);
    GOptionEntry entries[] = {
        { "image", 'i', 0, G_OPTION_ARG_CALLBACK, add_image, "Search by this example image too (repeatable)", "FILE" },
        { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "How many results (default 20)", "N" },
        { "rerank", 0, 0, G_OPTION_ARG_INT, &rerank,
          "Re-rank the best K with the image-text matching head (slower, often better)", "K" },
        { "folder", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &folders, "Only photos under this folder (repeatable)", "DIR" },
        { "type", 0, 0, G_OPTION_ARG_STRING_ARRAY, &types, "Only this file type, e.g. jpeg, png (repeatable)", "TYPE" },
        { "after", 0, 0, G_OPTION_ARG_STRING, &after, "Only photos taken on or after DATE (EXIF, else file time)", "DATE" },
        { "before", 0, 0, G_OPTION_ARG_STRING, &before, "Only photos taken before DATE", "DATE" },
        { NULL },
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("[QUERY] - find photos by text or example image");
    g_option_context_set_description(opts,
        "QUERY is plain text, or arithmetic on quoted texts and images:\n"
        "  glance-cli search 'red car at the beach'\n"
        "  glance-cli search '\"beach\" + \"sunset\" - 0.5*\"people\"'\n"
        "  glance-cli search --image cat.jpg '\"a hat\"'      (also: image:cat.jpg inside QUERY)\n");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, cli_library_entries, NULL);
    g_option_context_add_main_entries(opts, entries, NULL);
    g_autoptr(GPtrArray) owned_images = images;
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    if (argc > 2)
        return cli_usage("search takes one query; quote it, e.g. '\"beach\" + \"sunset\"' (try --help)");
    if (argc < 2 && images->len == 0)
        return cli_usage("search needs a query or --image FILE (try --help)");
    if (limit < 1 || rerank < 0)
        return cli_usage("--limit must be at least 1 and --rerank at least 0");

    GlanceSearchOptions options;
    glance_search_options_init(&options);
    options.limit = limit;
    options.rerank = rerank;
    options.folders = folders;
    options.types = types;
    if (after && !parse_date(after, &options.taken_after))
        return cli_usage("--after: '%s' is not a date (YYYY-MM-DD or ISO 8601)", after);
    if (before && !parse_date(before, &options.taken_before))
        return cli_usage("--before: '%s' is not a date (YYYY-MM-DD or ISO 8601)", before);

    GError *error = NULL;
    g_autoptr(GlanceQuery) query = glance_query_new();
    if (argc == 2 && !glance_query_parse(query, argv[1], &error))
        return cli_fail_error(error);
    for (guint i = 0; i < images->len; i++)
        glance_query_add_image(query, images->pdata[i], 1.0);

    g_autoptr(GlanceLibrary) library = cli_library_open(FALSE, &error);
    if (!library)
        return cli_fail_error(error);
    g_autoptr(GPtrArray) results = glance_library_search(library, query, &options, NULL, &error);
    if (!results)
        return cli_fail_error(error);
    GlanceLibraryCounts counts;
    if (results->len == 0 && glance_library_get_counts(library, &counts, NULL) && counts.indexed == 0)
        fprintf(stderr, "glance-cli: no photo in %s is indexed with this model yet (run 'glance-cli index FOLDER')\n",
                glance_library_get_path(library));
    g_autoptr(GPtrArray) notices = glance_search_notices(library, query, results, &error);
    if (!notices)
        return cli_fail_error(error);
    print_results(results, notices, rerank > 0);
    return 0;
}

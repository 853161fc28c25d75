/* cli-judge.c — `glance-cli compare` (NLVR2) and `glance-cli match` (ITM): both end in
 * a yes/no judgement with a probability, so they share their output. */
#include "cli-common.h"
#include "cli-commands.h"
#include "cli-notices.h"
#include "cli-where.h"
#include "glance-notices.h"
#include "glance-tasks.h"
#include <stdio.h>

/* where: NULL, one map (match) or two (compare, where[1] non-NULL). */
static int print_judgement(const GlanceJudgement *j, GPtrArray *notices, const char *verdict_key, const char *yes,
                           const char *no, GlanceWhereMethod method, GlanceWhere *const *where)
{
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        if (verdict_key) {
            json_builder_set_member_name(b, verdict_key);
            json_builder_add_boolean_value(b, j->verdict);
        }
        json_builder_set_member_name(b, "probability");
        json_builder_add_double_value(b, j->probability);
        cli_json_add_floats(b, "logits", j->logits, 2);
        if (where && verdict_key)
            cli_where_add_json_pair(b, method, where);
        else if (where)
            cli_where_add_json(b, method, where[0]);
        glance_notices_add_json(b, notices);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        printf("%s (%.1f%%)\n", j->verdict ? yes : no, 100.0 * j->probability);
        if (where && verdict_key) {
            cli_where_print(where[0], "left image");
            cli_where_print(where[1], "right image");
        } else if (where) {
            cli_where_print(where[0], NULL);
        }
        cli_print_notices(notices);
    }
    return 0;
}

static gboolean parse(int *argc, char ***argv, const char *usage, GlanceWhereMethod *where_method)
{
    g_autoptr(GOptionContext) opts = g_option_context_new(usage);
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, cli_where_entries, NULL);
    return cli_parse(opts, argc, argv) && cli_where_method(where_method);
}

static void free_pair(GlanceWhere *(*pair)[2])
{
    glance_where_free((*pair)[0]);
    glance_where_free((*pair)[1]);
}

int cli_compare(int argc, char **argv)
{
    GlanceWhereMethod method;
    if (!parse(&argc, &argv, "LEFT RIGHT STATEMENT - is the statement true of the image pair?", &method))
        return 2;
    if (argc != 4)
        return cli_usage("compare needs a left image, a right image and a statement (try --help)");
    g_autoptr(CliSession) session = cli_session_new(GLANCE_MODEL_TASK_NLVR2, 2, (const char *[]){ argv[1], argv[2] }, NULL);
    if (!session)
        return 1;
    GlanceJudgement j;
    GError *error = NULL;
    __attribute__((cleanup(free_pair))) GlanceWhere *where[2] = { NULL, NULL };
    if (!glance_task_compare_where(session->ctx, &session->images[0]->image, &session->images[1]->image, argv[3],
                                   method, &j, cli_where_wanted() ? where : NULL, &error))
        return cli_fail_error(error);
    for (int side = 0; side < 2 && cli_where_image_path(); side++) {
        g_autofree char *path = cli_where_side_path(cli_where_image_path(), side ? "right" : "left");
        if (!cli_where_write_image(session->images[side], where[side], path, &error))
            return cli_fail_error(error);
    }
    g_autoptr(GPtrArray) notices = glance_notices_for_compare(session->model, &session->images[0]->image,
                                                              &session->images[1]->image, argv[3], &j, &error);
    if (!notices)
        return cli_fail_error(error);
    return print_judgement(&j, notices, "verdict", "True", "False", method, where[0] ? where : NULL);
}

int cli_match(int argc, char **argv)
{
    GlanceWhereMethod method;
    if (!parse(&argc, &argv, "IMAGE TEXT - does the text describe the image?", &method))
        return 2;
    if (argc != 3)
        return cli_usage("match needs an image and a text (try --help)");
    g_autoptr(CliSession) session = cli_session_new(GLANCE_MODEL_TASK_RETRIEVAL, 1, (const char *[]){ argv[1] }, NULL);
    if (!session)
        return 1;
    GlanceJudgement j;
    GError *error = NULL;
    g_autoptr(GlanceWhere) where = NULL;
    if (!glance_task_match_where(session->ctx, &session->images[0]->image, argv[2], method, &j,
                                 cli_where_wanted() ? &where : NULL, &error))
        return cli_fail_error(error);
    if (cli_where_image_path() && !cli_where_write_image(session->images[0], where, cli_where_image_path(), &error))
        return cli_fail_error(error);
    g_autoptr(GPtrArray) notices = glance_notices_for_match(session->model, &session->images[0]->image, argv[2], &error);
    if (!notices)
        return cli_fail_error(error);
    return print_judgement(&j, notices, NULL, "Match", "No match", method, where ? &where : NULL);
}

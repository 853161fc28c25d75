/* cli-ask.c — `glance-cli ask IMAGE "question"`: visual question answering. */
#include "cli-common.h"
#include "cli-commands.h"
#include "cli-notices.h"
#include "cli-where.h"
#include "glance-notices.h"
#include "glance-tasks.h"
#include <stdio.h>

int cli_ask(int argc, char **argv)
{
    int top = 5;
    gboolean with_logits = FALSE;
    GOptionEntry entries[] = {
        { "top", 'k', 0, G_OPTION_ARG_INT, &top, "How many answers to show (default 5)", "K" },
        { "logits", 0, 0, G_OPTION_ARG_NONE, &with_logits, "Include every answer's logit (with --json)", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("IMAGE QUESTION - answer a question about an image");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, entries, NULL);
    g_option_context_add_main_entries(opts, cli_where_entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    GlanceWhereMethod where_method;
    if (!cli_where_method(&where_method))
        return 2;
    if (argc != 3)
        return cli_usage("ask needs an image and a question (try --help)");
    if (top < 1)
        return cli_usage("--top must be at least 1");
    g_autoptr(CliSession) session = cli_session_new(GLANCE_MODEL_TASK_VQA, 1, (const char *[]){ argv[1] }, NULL);
    if (!session)
        return 1;
    int n = glance_model_num_answers(session->model);
    g_autofree float *logits = g_new0(float, MAX(n, 1));
    GError *error = NULL;
    g_autoptr(GlanceWhere) where = NULL;
    g_autoptr(GArray) answers = glance_task_ask_where(session->ctx, &session->images[0]->image, argv[2], top,
                                                      logits, where_method, cli_where_wanted() ? &where : NULL,
                                                      &error);
    if (!answers)
        return cli_fail_error(error);
    if (cli_where_image_path() && !cli_where_write_image(session->images[0], where, cli_where_image_path(), &error))
        return cli_fail_error(error);
    g_autoptr(GPtrArray) notices = glance_notices_for_ask(session->model, &session->images[0]->image, argv[2],
                                                          answers, &error);
    if (!notices)
        return cli_fail_error(error);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        const char *name = glance_model_name(session->model);
        json_builder_set_member_name(b, "model");
        json_builder_add_string_value(b, *name ? name : cli_model_arg ? cli_model_arg : "");
        json_builder_set_member_name(b, "question");
        json_builder_add_string_value(b, argv[2]);
        json_builder_set_member_name(b, "image");
        json_builder_add_string_value(b, argv[1]);
        json_builder_set_member_name(b, "answers");
        json_builder_begin_array(b);
        for (guint i = 0; i < answers->len; i++) {
            GlanceAnswer *a = &g_array_index(answers, GlanceAnswer, i);
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "answer");
            json_builder_add_string_value(b, a->answer);
            json_builder_set_member_name(b, "score");
            json_builder_add_double_value(b, a->score);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        if (with_logits)
            cli_json_add_floats(b, "logits", logits, n);
        if (where)
            cli_where_add_json(b, where_method, where);
        glance_notices_add_json(b, notices);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        for (guint i = 0; i < answers->len; i++) {
            GlanceAnswer *a = &g_array_index(answers, GlanceAnswer, i);
            printf("%5.1f%%  %s\n", 100.0 * a->score, a->answer);
        }
        if (where)
            cli_where_print(where, NULL);
        cli_print_notices(notices);
    }
    return 0;
}

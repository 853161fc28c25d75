/* cli-eval.c — `glance-cli eval vqa|nlvr2|retrieval FILE.jsonl`: accuracy on a set. */
#include "cli-common.h"
#include "cli-commands.h"
#include "glance-eval.h"
#include <stdio.h>
#include <unistd.h>

static void show_progress(int done, int total, gpointer data)
{
    (void)data;
    if (isatty(STDERR_FILENO) && (done == total || done % 10 == 0))
        fprintf(stderr, "\r%d / %d%s", done, total, done == total ? "\n" : "");
}

static void print_human(JsonObject *r)
{
    const char *task = json_object_get_string_member(r, "task");
    if (!g_strcmp0(task, "retrieval")) {
        printf("retrieval: %ld captions, %ld images\n", (long)json_object_get_int_member(r, "n"),
               (long)json_object_get_int_member(r, "images"));
        const char *sides[2] = { "text_to_image", "image_to_text" };
        for (int s = 0; s < 2; s++) {
            JsonObject *o = json_object_get_object_member(r, sides[s]);
            printf("  %-14s R@1 %5.1f%%  R@5 %5.1f%%  R@10 %5.1f%%\n", sides[s],
                   100 * json_object_get_double_member(o, "r1"), 100 * json_object_get_double_member(o, "r5"),
                   100 * json_object_get_double_member(o, "r10"));
        }
        return;
    }
    printf("%s: accuracy %.2f%% over %ld examples\n", task, 100 * json_object_get_double_member(r, "accuracy"),
           (long)json_object_get_int_member(r, "n"));
    if (!json_object_has_member(r, "per_type"))
        return;
    JsonObject *types = json_object_get_object_member(r, "per_type");
    g_autoptr(GList) names = json_object_get_members(types);
    for (GList *l = names; l; l = l->next) {
        JsonObject *t = json_object_get_object_member(types, l->data);
        printf("  %-24s %6.2f%%  (%ld)\n", (char *)l->data, 100 * json_object_get_double_member(t, "accuracy"),
               (long)json_object_get_int_member(t, "n"));
    }
}

int cli_eval(int argc, char **argv)
{
    g_autoptr(GOptionContext) opts = g_option_context_new("vqa|nlvr2|retrieval FILE.jsonl - accuracy on a set");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    GlanceEvalTask task;
    GlanceModelTask model_task;
    if (argc != 3 || !glance_eval_task_from_name(argv[1], &task) || !glance_model_task_from_name(argv[1], &model_task))
        return cli_usage("eval needs a task (vqa, nlvr2 or retrieval) and a JSONL file (try --help)");
    g_autoptr(CliSession) session = cli_session_new(model_task, 0, NULL, NULL);
    if (!session)
        return 1;
    GError *error = NULL;
    g_autoptr(JsonNode) result = glance_eval_run(session->ctx, task, argv[2], show_progress, NULL, &error);
    if (!result)
        return cli_fail_error(error);
    if (cli_json) {
        g_autoptr(JsonGenerator) gen = json_generator_new();
        json_generator_set_root(gen, result);
        g_autofree char *text = json_generator_to_data(gen, NULL);
        printf("%s\n", text);
    } else {
        print_human(json_node_get_object(result));
    }
    return 0;
}

/* cli-info.c — `glance-cli info`: what a model file holds; without --model, also which
 * model each task uses (glance-task-model.h). */
#include "cli-common.h"
#include "cli-commands.h"
#include "glance-model-registry.h"
#include <stdio.h>

/* "tasks": {"vqa": NAME, "nlvr2": NAME, "retrieval": NAME}, or one human line. */
static gboolean add_task_models(JsonBuilder *b, GError **error)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, error);
    if (!registry)
        return FALSE;
    if (b) {
        json_builder_set_member_name(b, "tasks");
        json_builder_begin_object(b);
    } else {
        printf("task models:  ");
    }
    for (GlanceModelTask t = 0; t < GLANCE_MODEL_N_TASKS; t++) {
        const char *name = glance_task_model_default_name(registry, t);
        if (b) {
            json_builder_set_member_name(b, glance_model_task_name(t));
            json_builder_add_string_value(b, name);
        } else {
            printf(" %s %s%s", glance_model_task_name(t), name, t + 1 < GLANCE_MODEL_N_TASKS ? "," : "\n");
        }
    }
    if (b)
        json_builder_end_object(b);
    return TRUE;
}

int cli_info(int argc, char **argv)
{
    g_autoptr(GOptionContext) opts = g_option_context_new("- describe a model");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return CLI_EXIT_USAGE;
    if (argc != 1)
        return cli_usage("info takes no arguments; name the model with --model (try --help)");
    GError *error = NULL;
    g_autoptr(GlanceModelHandle) handle = cli_open_model(CLI_MODEL_BUNDLED, &error);
    if (!handle)
        return cli_fail_error(error);
    GlanceModel *model = glance_model_handle_get_model(handle);
    const GlanceConfig *c = glance_model_config(model);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, glance_model_name(model));
        struct { const char *key; int value; } ints[] = {
            { "dim", c->dim }, { "depth", c->depth }, { "heads", c->heads }, { "mlp_hidden", c->mlp_hidden },
            { "vlffn_start", c->vlffn_start }, { "patch_size", c->patch_size }, { "image_size", c->image_size },
            { "max_text_len", c->max_text_len }, { "vocab_size", c->vocab_size }, { "token_types", c->token_types },
            { "num_answers", c->num_answers },
        };
        for (gsize i = 0; i < G_N_ELEMENTS(ints); i++) {
            json_builder_set_member_name(b, ints[i].key);
            json_builder_add_int_value(b, ints[i].value);
        }
        json_builder_set_member_name(b, "rel_pos");
        json_builder_add_boolean_value(b, c->rel_pos);
        json_builder_set_member_name(b, "abs_pos");
        json_builder_add_boolean_value(b, c->abs_pos);
        json_builder_set_member_name(b, "layer_scale");
        json_builder_add_boolean_value(b, c->layer_scale);
        json_builder_set_member_name(b, "heads_present");
        json_builder_begin_array(b);
        for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++)
            if (glance_config_has_head(c, h))
                json_builder_add_string_value(b, glance_head_name(h));
        json_builder_end_array(b);
        if (!cli_model_arg && !add_task_models(b, &error))
            return cli_fail_error(error);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        printf("name:          %s\n", glance_model_name(model));
        printf("architecture:  width %d, %d layers, %d heads, FFN %d, VL-FFN from layer %d\n", c->dim, c->depth,
               c->heads, c->mlp_hidden, c->vlffn_start);
        printf("positions:     %s%s\n", c->rel_pos ? "relative bias" : "absolute",
               c->layer_scale ? ", layer scale" : "");
        printf("image:         %d px in %d px patches\n", c->image_size, c->patch_size);
        printf("text:          up to %d tokens, vocabulary %d\n", c->max_text_len, c->vocab_size);
        printf("heads:        ");
        for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++)
            if (glance_config_has_head(c, h))
                printf(" %s", glance_head_name(h));
        printf("\n");
        if (c->has_vqa)
            printf("answers:       %d\n", c->num_answers);
        if (!cli_model_arg && !add_task_models(NULL, &error))
            return cli_fail_error(error);
    }
    return 0;
}

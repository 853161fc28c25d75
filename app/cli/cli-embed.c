/* cli-embed.c — `glance-cli embed`: dual-encoder (ITC) vectors, in the order given. */
#include "cli-common.h"
#include "cli-commands.h"
#include "glance-tasks.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    gboolean is_image;
    char *input;
} EmbedInput;

static GArray *inputs; /* EmbedInput, in command-line order */

static gboolean add_input(const char *option, const char *value, gpointer data, GError **error)
{
    (void)data, (void)error;
    EmbedInput in = { !strcmp(option, "--image") || !strcmp(option, "-i"), g_strdup(value) };
    g_array_append_val(inputs, in);
    return TRUE;
}

static void clear_input(gpointer p)
{
    g_free(((EmbedInput *)p)->input);
}

int cli_embed(int argc, char **argv)
{
    gboolean vl = FALSE;
    inputs = g_array_new(FALSE, FALSE, sizeof(EmbedInput));
    g_array_set_clear_func(inputs, clear_input);
    GOptionEntry entries[] = {
        { "image", 'i', 0, G_OPTION_ARG_CALLBACK, add_input, "An image to embed (repeatable)", "FILE" },
        { "text", 't', 0, G_OPTION_ARG_CALLBACK, add_input, "A text to embed (repeatable)", "TEXT" },
        { "vl", 0, 0, G_OPTION_ARG_NONE, &vl, "Use the VL-FFN retrieval path (itc_vl) of pre-trained models", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("- dual-encoder vectors of images and texts");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, entries, NULL);
    int status = 0;
    if (!cli_parse(opts, &argc, &argv)) {
        status = 2;
    } else if (argc != 1 || inputs->len == 0) {
        status = cli_usage("embed takes --image FILE and --text TEXT options (try --help)");
    }
    g_autoptr(CliSession) session = status ? NULL : cli_session_new(GLANCE_MODEL_TASK_RETRIEVAL, 0, NULL, NULL);
    if (!status && !session)
        status = 1;
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "embeddings");
    json_builder_begin_array(b);
    int dim = session ? glance_model_embed_dim(session->model) : 0;
    g_autofree float *vector = g_new0(float, MAX(dim, 1));
    for (guint i = 0; !status && i < inputs->len; i++) {
        EmbedInput *in = &g_array_index(inputs, EmbedInput, i);
        GlanceError err = { 0 };
        GlanceStatus s;
        if (in->is_image) {
            GError *error = NULL;
            g_autoptr(GlanceDecodedImage) image = glance_image_load(in->input, 0, &error);
            if (!image) {
                status = cli_fail_error(error);
                break;
            }
            s = glance_embed_image(session->ctx, &image->image, vl, vector, &err);
        } else {
            s = glance_embed_text(session->ctx, in->input, vl, vector, &err);
        }
        if (s != GLANCE_OK) {
            status = cli_fail("%s", err.message);
            break;
        }
        if (cli_json) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "input");
            json_builder_add_string_value(b, in->input);
            json_builder_set_member_name(b, "kind");
            json_builder_add_string_value(b, in->is_image ? "image" : "text");
            cli_json_add_floats(b, "vector", vector, dim);
            json_builder_end_object(b);
        } else {
            printf("%s %s:", in->is_image ? "image" : "text", in->input);
            for (int j = 0; j < dim; j++)
                printf(" %.6g", vector[j]);
            printf("\n");
        }
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    if (!status && cli_json)
        cli_print_json(b);
    g_array_unref(inputs);
    return status;
}

/* cli-common.c — shared plumbing of glance-cli commands. */
#include "cli-common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>

char *cli_model_arg;
gboolean cli_json;

GOptionEntry cli_common_entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &cli_model_arg,
      "Model file or installed model name (default: the task's model, see 'glance-cli models')", "MODEL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli_json, "Print one JSON object on stdout", NULL },
    { NULL },
};

static void print_message(const char *fmt, va_list ap)
{
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    fprintf(stderr, "glance-cli: %s\n", message);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_message(fmt, ap);
    va_end(ap);
    return CLI_EXIT_FAILURE;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_message(fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_fail_error(GError *error)
{
    int status = cli_fail("%s", error ? error->message : "unknown error");
    g_clear_error(&error);
    return status;
}

gboolean cli_parse(GOptionContext *context, int *argc, char ***argv)
{
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, argc, argv, &error)) {
        cli_usage("%s", error->message);
        return FALSE;
    }
    return TRUE;
}

GlanceModelHandle *cli_open_model(int task, GError **error)
{
    g_autofree char *path = task == CLI_MODEL_BUNDLED
        ? glance_models_resolve(cli_model_arg, error)
        : glance_task_model_path(NULL, cli_model_arg, (GlanceModelTask)task, error);
    if (!path)
        return NULL;
    GlanceModelHandle *handle = glance_model_handle_open(path, error);
    if (handle)
        glance_model_handle_set_threads(handle, glance_threads_from_environment());
    return handle;
}

void cli_print_json(JsonBuilder *builder)
{
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

void cli_json_add_floats(JsonBuilder *builder, const char *member, const float *values, int n)
{
    json_builder_set_member_name(builder, member);
    json_builder_begin_array(builder);
    for (int i = 0; i < n; i++)
        json_builder_add_double_value(builder, values[i]);
    json_builder_end_array(builder);
}

CliSession *cli_session_new(int task, int n_images, const char **image_paths, GError **error)
{
    g_autoptr(CliSession) session = g_new0(CliSession, 1);
    GError *local = NULL;
    session->handle = cli_open_model(task, &local);
    if (!session->handle || !(session->ctx = glance_model_handle_get_context(session->handle, &local)))
        goto fail;
    session->model = glance_context_model(session->ctx);
    session->images = g_new0(GlanceDecodedImage *, MAX(n_images, 1));
    for (; session->n_images < n_images; session->n_images++) {
        session->images[session->n_images] = glance_image_load(image_paths[session->n_images], 0, &local);
        if (!session->images[session->n_images])
            goto fail;
    }
    return g_steal_pointer(&session);
fail:
    if (error)
        g_propagate_error(error, local);
    else
        cli_fail_error(local);
    return NULL;
}

void cli_session_free(CliSession *session)
{
    if (!session)
        return;
    for (int i = 0; i < session->n_images; i++)
        glance_decoded_image_free(session->images[i]);
    g_free(session->images);
    glance_model_handle_unref(session->handle);   /* its contexts and model with it */
    g_free(session);
}

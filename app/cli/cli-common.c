/* cli-common.c — shared plumbing of glance-cli commands. */
#include "cli-common.h"
#include "glance-paths.h"
#include "glance-model-registry.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>

char *cli_model_arg;
gboolean cli_json;

GOptionEntry cli_common_entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &cli_model_arg,
      "Model file or installed model name (default: the bundled model)", "MODEL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli_json, "Print one JSON object on stdout", NULL },
    { NULL },
};

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "glance-cli: %s\n", message);
    return 1;
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
        cli_fail("%s", error->message);
        return FALSE;
    }
    return TRUE;
}

void cli_set_engine_error(GError **error, const GlanceError *err)
{
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, err->message);
}

GlanceModel *cli_open_model(const char *model_arg, GError **error)
{
    /* A path, an installed model's name (app/models registry), or the bundled model. */
    g_autofree char *path = glance_models_resolve(model_arg, error);
    if (!path)
        return NULL;
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(path, &model, &err) != GLANCE_OK) {
        cli_set_engine_error(error, &err);
        return NULL;
    }
    return model;
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

CliSession *cli_session_new(int n_images, const char **image_paths, GError **error)
{
    g_autoptr(CliSession) session = g_new0(CliSession, 1);
    GError *local = NULL;
    session->model = cli_open_model(cli_model_arg, &local);
    if (!session->model)
        goto fail;
    const char *threads = g_getenv("GLANCE_THREADS");
    glance_set_threads(threads ? atoi(threads) : 0);
    GlanceError err = { 0 };
    if (glance_context_new(session->model, &session->ctx, &err) != GLANCE_OK) {
        cli_set_engine_error(&local, &err);
        goto fail;
    }
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
    glance_context_free(session->ctx);
    glance_model_close(session->model);
    g_free(session);
}

/* cli-models.c — `glance-cli models`: the catalogue and what is installed;
 * `models get NAME` downloads, imports and registers; `models remove NAME`.
 * All the work is in app/models/; this file only prints. */
#include "cli-commands.h"
#include "cli-common.h"
#include "glance-catalogue.h"
#include "glance-model-install.h"
#include "glance-model-registry.h"
#include "glance-task-model.h"
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const all_tasks[] = { GLANCE_TASK_RETRIEVAL, GLANCE_TASK_VQA, GLANCE_TASK_NLVR2 };

static void add_string_array(JsonBuilder *b, const char *member, char **items)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (char **item = items; item && *item; item++)
        json_builder_add_string_value(b, *item);
    json_builder_end_array(b);
}

static void add_installed_json(JsonBuilder *b, const GlanceInstalledModel *model)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, model->name);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, model->path);
    add_string_array(b, "tasks", model->tasks);
    add_string_array(b, "default_for", model->default_for);
    json_builder_set_member_name(b, "title");
    json_builder_add_string_value(b, model->title);
    json_builder_set_member_name(b, "sha256");
    json_builder_add_string_value(b, model->sha256);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)model->size);
    json_builder_set_member_name(b, "file_size");
    json_builder_add_int_value(b, (gint64)model->file_size);
    json_builder_set_member_name(b, "dtype");
    json_builder_add_string_value(b, model->dtype);
    json_builder_end_object(b);
}

static void add_available_json(JsonBuilder *b, const GlanceCatalogueEntry *entry, gboolean installed,
                               guint64 partial)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, entry->name);
    json_builder_set_member_name(b, "size");
    if (entry->size)
        json_builder_add_int_value(b, (gint64)entry->size);
    else
        json_builder_add_null_value(b);   /* unknown until the server says */
    add_string_array(b, "tasks", entry->tasks);
    json_builder_set_member_name(b, "installed");
    json_builder_add_boolean_value(b, installed);
    json_builder_set_member_name(b, "title");
    json_builder_add_string_value(b, entry->title);
    json_builder_set_member_name(b, "family");
    json_builder_add_string_value(b, entry->family);
    json_builder_set_member_name(b, "image_size");
    json_builder_add_int_value(b, entry->image_size);
    json_builder_set_member_name(b, "url");
    json_builder_add_string_value(b, entry->url);
    json_builder_set_member_name(b, "published");
    json_builder_begin_object(b);
    for (guint i = 0; entry->published_metrics[i]; i++) {
        json_builder_set_member_name(b, entry->published_metrics[i]);
        json_builder_add_double_value(b, entry->published_values[i]);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "partial");   /* bytes of a resumable download */
    json_builder_add_int_value(b, (gint64)partial);
    json_builder_end_object(b);
}

static char *format_size(guint64 bytes)
{
    if (!bytes)
        return g_strdup("?");
    return g_format_size_full(bytes, G_FORMAT_SIZE_DEFAULT);
}

static char *format_published(const GlanceCatalogueEntry *entry)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; entry->published_metrics[i]; i++)
        g_string_append_printf(text, "%s%s %.1f", i ? ", " : "", entry->published_metrics[i],
                               entry->published_values[i]);
    return g_string_free(text, FALSE);
}

static int list_models(void)
{
    GError *error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    if (!catalogue)
        return cli_fail_error(error);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry)
        return cli_fail_error(error);
    const char *dir = glance_model_registry_get_dir(registry);
    guint n_installed = glance_model_registry_get_n_models(registry);

    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "installed");
        json_builder_begin_array(b);
        for (guint i = 0; i < n_installed; i++)
            add_installed_json(b, glance_model_registry_get_model(registry, i));
        json_builder_end_array(b);
        json_builder_set_member_name(b, "available");
        json_builder_begin_array(b);
        for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
            const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
            add_available_json(b, entry, glance_model_registry_find(registry, entry->name) != NULL,
                               glance_model_install_partial_size(dir, entry->name));
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "defaults");   /* task -> installed model; null: bundled */
        json_builder_begin_object(b);
        for (gsize t = 0; t < G_N_ELEMENTS(all_tasks); t++) {
            const GlanceInstalledModel *model = glance_model_registry_get_default(registry, all_tasks[t]);
            json_builder_set_member_name(b, all_tasks[t]);
            if (model)
                json_builder_add_string_value(b, model->name);
            else
                json_builder_add_null_value(b);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
        cli_print_json(b);
        return 0;
    }

    printf("Available (%s):\n", glance_catalogue_get_path(catalogue));
    printf("  %-24s %-10s %6s %9s  %s\n", "NAME", "TASKS", "IMAGE", "SIZE", "PUBLISHED");
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
        g_autofree char *tasks = g_strjoinv(",", entry->tasks);
        g_autofree char *size = format_size(entry->size);
        g_autofree char *published = format_published(entry);
        guint64 partial = glance_model_install_partial_size(dir, entry->name);
        g_autofree char *partial_size = format_size(partial);
        const char *state = glance_model_registry_find(registry, entry->name) ? "  [installed]" : "";
        printf("  %-24s %-10s %4dpx %9s  %s%s", entry->name, tasks, entry->image_size, size,
               *published ? published : "-", state);
        if (partial)
            printf("  [%s downloaded, resumable]", partial_size);
        printf("\n");
    }
    printf("\nInstalled (%s):\n", dir);
    if (!n_installed)
        printf("  none; get one with 'glance-cli models get NAME'\n");
    for (guint i = 0; i < n_installed; i++) {
        const GlanceInstalledModel *model = glance_model_registry_get_model(registry, i);
        g_autofree char *tasks = g_strjoinv(",", model->tasks);
        g_autofree char *size = format_size(model->file_size);
        printf("  %-24s %-10s %9s %s\n", model->name, tasks, size, model->dtype ? model->dtype : "");
    }
    printf("\nDefault model per task:\n");
    for (gsize t = 0; t < G_N_ELEMENTS(all_tasks); t++) {
        const GlanceInstalledModel *model = glance_model_registry_get_default(registry, all_tasks[t]);
        printf("  %-10s %s\n", all_tasks[t], model ? model->name : "the bundled model");
    }
    return 0;
}

/* ---- models get ---- */

typedef struct {
    GMainLoop *loop;
    GCancellable *cancellable;
    GlanceInstalledModel *model;
    GError *error;
    gboolean show_progress;
    gboolean progress_shown;
} GetRun;

static void draw_bar(double fraction, char bar[31])
{
    int filled = (int)(fraction * 30.0);   /* full only when done */
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
}

/* One self-overwriting line on stderr (only on a terminal: scripts see only errors). */
static void show_progress(const GlanceInstallProgress *p, gpointer data)
{
    GetRun *run = data;
    char bar[31];
    if (p->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        g_autofree char *done = g_format_size(p->bytes_done);
        if (p->bytes_total) {
            g_autofree char *total = g_format_size(p->bytes_total);
            draw_bar(p->fraction, bar);
            fprintf(stderr, "\rdownloading [%s] %3d%%  %s of %s   ", bar, (int)(p->fraction * 100.0),
                    done, total);
        } else {
            fprintf(stderr, "\rdownloading  %s   ", done);
        }
    } else {
        draw_bar(MAX(p->fraction, 0.0), bar);
        fprintf(stderr, "\rimporting   [%s] %3d%%  %-28.28s", bar, (int)(MAX(p->fraction, 0.0) * 100.0),
                p->detail ? p->detail : "");
    }
    fflush(stderr);
    run->progress_shown = TRUE;
}

static void clear_progress(GetRun *run)
{
    if (run->progress_shown)
        fprintf(stderr, "\r%-78s\r", "");
    run->progress_shown = FALSE;
}

static void on_installed(GObject *source, GAsyncResult *result, gpointer data)
{
    GetRun *run = data;
    (void)source;
    run->model = glance_model_install_finish(result, &run->error);
    g_main_loop_quit(run->loop);
}

static gboolean on_interrupt(gpointer data)
{
    GetRun *run = data;
    g_cancellable_cancel(run->cancellable);   /* the install cleans up and returns */
    return G_SOURCE_CONTINUE;
}

static int get_model(const char *name, const char *dtype)
{
    GError *error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    if (!catalogue)
        return cli_fail_error(error);
    const GlanceCatalogueEntry *entry = glance_catalogue_find(catalogue, name, &error);
    if (!entry)
        return cli_fail_error(error);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry)
        return cli_fail_error(error);
    const GlanceInstalledModel *installed = glance_model_registry_find(registry, name);
    if (installed && g_file_test(installed->path, G_FILE_TEST_IS_REGULAR)) {
        if (cli_json) {
            g_autoptr(JsonBuilder) b = json_builder_new();
            add_installed_json(b, installed);
            cli_print_json(b);
        } else {
            printf("%s is already installed: %s\n", name, installed->path);
        }
        return 0;
    }

    GetRun run = { 0 };
    run.loop = g_main_loop_new(NULL, FALSE);
    run.cancellable = g_cancellable_new();
    run.show_progress = isatty(STDERR_FILENO);
    guint sigint = g_unix_signal_add(SIGINT, on_interrupt, &run);
    guint sigterm = g_unix_signal_add(SIGTERM, on_interrupt, &run);
    GlanceImportDtype import_dtype = dtype && !strcmp(dtype, "f16") ? GLANCE_IMPORT_DTYPE_F16
                                                                     : GLANCE_IMPORT_DTYPE_F32;
    glance_model_install_async(entry, import_dtype, run.show_progress ? show_progress : NULL, &run, NULL,
                               run.cancellable, on_installed, &run);
    g_main_loop_run(run.loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    clear_progress(&run);
    g_main_loop_unref(run.loop);
    g_object_unref(run.cancellable);
    if (!run.model)
        return cli_fail_error(run.error);

    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        add_installed_json(b, run.model);
        cli_print_json(b);
    } else {
        g_autofree char *size = g_format_size(run.model->file_size);
        g_autofree char *defaults = g_strjoinv(", ", run.model->default_for);
        printf("Installed %s (%s, %s): %s\n", run.model->name, run.model->dtype, size, run.model->path);
        printf("  default for: %s\n", *defaults ? defaults : "-");
        printf("  sha256 of the download: %s\n", run.model->sha256);
    }
    glance_installed_model_free(run.model);
    return 0;
}

/* ---- models default ---- */

static int set_default(const char *task_name, const char *name)
{
    GlanceModelTask task;
    if (!glance_model_task_from_name(task_name, &task))
        return cli_usage("models default: '%s' is not a task (vqa, nlvr2 or retrieval)", task_name);
    GError *error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry || !glance_task_model_set_default(registry, task, name, &error))
        return cli_fail_error(error);
    const char *chosen = glance_task_model_default_name(registry, task);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "task");
        json_builder_add_string_value(b, task_name);
        json_builder_set_member_name(b, "model");
        json_builder_add_string_value(b, chosen);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        printf("%s now uses %s\n", task_name, chosen);
    }
    return 0;
}

/* ---- models remove ---- */

static int remove_model(const char *name)
{
    GError *error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry)
        return cli_fail_error(error);
    gboolean was_installed = glance_model_registry_find(registry, name) != NULL;
    if (!glance_model_registry_remove(registry, name, &error))
        return cli_fail_error(error);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "removed");
        json_builder_add_string_value(b, name);
        json_builder_set_member_name(b, "was_installed");
        json_builder_add_boolean_value(b, was_installed);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        printf(was_installed ? "Removed %s\n" : "Removed the partial download of %s\n", name);
    }
    return 0;
}

int cli_models(int argc, char **argv)
{
    g_autofree char *dtype = NULL;
    GOptionEntry entries[] = {
        { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype, "get: stored precision, f32 (default) or f16", "f32|f16" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &cli_json, "Print one JSON object on stdout", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("[get NAME | remove NAME | default TASK NAME] - the model catalogue");
    g_option_context_set_description(context,
        "With no subcommand: the catalogue of official VLMo checkpoints, the installed models\n"
        "and the default model for each task. 'get NAME' downloads (resuming an interrupted\n"
        "download), imports and registers a model; 'remove NAME' deletes it; 'default TASK NAME'\n"
        "makes NAME (an installed model, or 'bundled') the model TASK (vqa, nlvr2, retrieval)\n"
        "uses when no --model is given, in glance-cli and the app alike.\n"
        "Models live in $XDG_DATA_HOME/glance/models; GLANCE_CATALOGUE=FILE replaces the catalogue.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!cli_parse(context, &argc, &argv))
        return 2;
    if (dtype && strcmp(dtype, "f32") != 0 && strcmp(dtype, "f16") != 0)
        return cli_usage("models: --dtype must be f32 or f16, not '%s'", dtype);
    if (argc == 1)
        return list_models();
    const char *sub = argv[1];
    if (!strcmp(sub, "get") || !strcmp(sub, "remove")) {
        if (argc != 3)
            return cli_usage("models %s: which model? (glance-cli models %s NAME)", sub, sub);
        if (!glance_model_name_is_valid(argv[2]))
            return cli_usage("models %s: '%s' is not a model name (see 'glance-cli models')", sub, argv[2]);
        return !strcmp(sub, "get") ? get_model(argv[2], dtype) : remove_model(argv[2]);
    }
    if (!strcmp(sub, "default")) {
        if (argc != 4)
            return cli_usage("models default: which task and model? (glance-cli models default TASK NAME)");
        return set_default(argv[2], argv[3]);
    }
    return cli_usage("models: unknown subcommand '%s' (get NAME, remove NAME, default TASK NAME, or nothing to "
                     "list)", sub);
}

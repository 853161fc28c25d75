/* cli-models.c — `glance-cli models`: the catalogue and what is installed;
 * `models get NAME` downloads, imports and registers; `models get --recommended`
 * the recommended set; `models remove NAME`; `models default TASK NAME`.
 * All the work is in app/models/; this file only prints. */
#include "cli-commands.h"
#include "cli-common.h"
#include "glance-catalogue.h"
#include "glance-catalogue-sizes.h"
#include "glance-model-install.h"
#include "glance-model-set.h"
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

/* could_switch (may be NULL): tasks the model serves that kept another model. */
static void add_installed_json(JsonBuilder *b, const GlanceInstalledModel *model, char **could_switch)
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
    if (could_switch)
        add_string_array(b, "could_switch", could_switch);
    json_builder_end_object(b);
}

static void add_optional_string(JsonBuilder *b, const char *member, const char *value)
{
    json_builder_set_member_name(b, member);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

static void add_available_json(JsonBuilder *b, const GlanceCatalogueEntry *entry, gboolean installed,
                               guint64 partial, const GlanceCatalogueSizes *sizes)
{
    const GError *why = NULL;
    guint64 size = glance_catalogue_sizes_get(sizes, entry->name, &why);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, entry->name);
    json_builder_set_member_name(b, "size");
    if (size)
        json_builder_add_int_value(b, (gint64)size);
    else
        json_builder_add_null_value(b);   /* the server could not be asked */
    if (!size && why) {
        json_builder_set_member_name(b, "size_error");
        json_builder_add_string_value(b, why->message);
    }
    add_string_array(b, "tasks", entry->tasks);
    add_string_array(b, "recommended_for", entry->recommended_for);
    add_optional_string(b, "summary", entry->summary);
    add_optional_string(b, "source", entry->source);
    add_optional_string(b, "scope", entry->scope);
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
    /* Unknown sizes are asked of the servers once, then read from the cache. */
    g_autoptr(GlanceCatalogueSizes) sizes = glance_catalogue_sizes_fetch(catalogue, dir, NULL);

    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "installed");
        json_builder_begin_array(b);
        for (guint i = 0; i < n_installed; i++)
            add_installed_json(b, glance_model_registry_get_model(registry, i), NULL);
        json_builder_end_array(b);
        json_builder_set_member_name(b, "available");
        json_builder_begin_array(b);
        for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
            const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
            add_available_json(b, entry, glance_model_registry_find(registry, entry->name) != NULL,
                               glance_model_install_partial_size(dir, entry->name), sizes);
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

    g_autoptr(GPtrArray) recommended = glance_catalogue_list_recommended(catalogue);
    if (recommended->len) {
        printf("Recommended (get them all with 'glance-cli models get --recommended'):\n");
        for (guint i = 0; i < recommended->len; i++) {
            const GlanceCatalogueEntry *entry = recommended->pdata[i];
            g_autofree char *size = format_size(glance_catalogue_sizes_get(sizes, entry->name, NULL));
            printf("  %-24s %9s  %s\n", entry->name, size, entry->summary ? entry->summary : entry->title);
            if (entry->source)
                printf("  %-24s %9s  from %s\n", "", "", entry->source);
        }
        printf("\n");
    }
    printf("Available (%s):\n", glance_catalogue_get_path(catalogue));
    printf("  %-24s %-10s %6s %9s  %s\n", "NAME", "TASKS", "IMAGE", "SIZE", "PUBLISHED");
    const GError *size_problem = NULL;
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
        g_autofree char *tasks = g_strjoinv(",", entry->tasks);
        const GError *why = NULL;
        g_autofree char *size = format_size(glance_catalogue_sizes_get(sizes, entry->name, &why));
        if (why && !size_problem)
            size_problem = why;
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
    if (size_problem)
        printf("  (? : size unknown. %s)\n", size_problem->message);
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
    GlanceInstalledModel *model;   /* get NAME */
    GPtrArray *set;                /* get --recommended */
    GError *error;
    gboolean show_progress;
    gboolean progress_shown;
    guint signals[2];
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

/* The set's one line: which model, bytes of the whole set, speed, time left. */
static void show_set_progress(const GlanceSetProgress *p, gpointer data)
{
    GetRun *run = data;
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_append_printf(line, "\rgetting %u/%u %s: ", p->index + 1, p->n_models, p->name);
    if (p->stage == GLANCE_INSTALL_STAGE_IMPORT) {
        g_string_append_printf(line, "importing %3d%%", (int)(p->import_fraction * 100.0));
    } else {
        g_autofree char *done = g_format_size(p->bytes_done);
        g_autofree char *total = p->bytes_total ? g_format_size(p->bytes_total) : g_strdup("?");
        g_string_append_printf(line, "%s of %s", done, total);
        if (p->bytes_per_second > 0) {
            g_autofree char *speed = g_format_size((guint64)p->bytes_per_second);
            g_string_append_printf(line, ", %s/s", speed);
        }
        if (p->seconds_left >= 0) {
            guint64 left = (guint64)(p->seconds_left + 0.5);
            if (left >= 3600)
                g_string_append_printf(line, ", %" G_GUINT64_FORMAT " h %02" G_GUINT64_FORMAT " min left",
                                       left / 3600, left % 3600 / 60);
            else if (left >= 60)
                g_string_append_printf(line, ", %" G_GUINT64_FORMAT " min %02" G_GUINT64_FORMAT " s left",
                                       left / 60, left % 60);
            else
                g_string_append_printf(line, ", %" G_GUINT64_FORMAT " s left", left);
        }
    }
    fprintf(stderr, "%-79s", line->str);
    fflush(stderr);
    run->progress_shown = TRUE;
}

static void on_set_installed(GObject *source, GAsyncResult *result, gpointer data)
{
    GetRun *run = data;
    (void)source;
    run->set = glance_model_install_recommended_finish(result, &run->error);
    g_main_loop_quit(run->loop);
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

static GlanceImportDtype import_dtype(const char *dtype)
{
    return dtype && !strcmp(dtype, "f16") ? GLANCE_IMPORT_DTYPE_F16 : GLANCE_IMPORT_DTYPE_F32;
}

/* Ctrl-C and SIGTERM cancel the install, which cleans up and returns. */
static void start_get(GetRun *run)
{
    run->loop = g_main_loop_new(NULL, FALSE);
    run->cancellable = g_cancellable_new();
    run->show_progress = isatty(STDERR_FILENO);
    run->signals[0] = g_unix_signal_add(SIGINT, on_interrupt, run);
    run->signals[1] = g_unix_signal_add(SIGTERM, on_interrupt, run);
}

static void finish_get(GetRun *run)
{
    g_main_loop_run(run->loop);
    g_source_remove(run->signals[0]);
    g_source_remove(run->signals[1]);
    clear_progress(run);
    g_main_loop_unref(run->loop);
    g_object_unref(run->cancellable);
}

/* The pages people know the tasks by. */
static const char *task_page(const char *task)
{
    if (!strcmp(task, GLANCE_TASK_VQA))
        return "Ask";
    if (!strcmp(task, GLANCE_TASK_NLVR2))
        return "Compare";
    return "Search";
}

/* What an install changed: the tasks it took, and those that kept someone's choice. */
static void print_changes(const GlanceModelRegistry *registry, const GlanceInstalledModel *model,
                          char **could_switch)
{
    for (char **task = model->default_for; task && *task; task++)
        printf("%s now uses %s\n", task_page(*task), model->name);
    for (char **task = could_switch; task && *task; task++) {
        GlanceModelTask id;
        if (!glance_model_task_from_name(*task, &id))
            continue;
        printf("%s keeps %s; run `glance-cli models default %s %s` to switch\n", task_page(*task),
               glance_task_model_default_name(registry, id), *task, model->name);
    }
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
            add_installed_json(b, installed, NULL);
            cli_print_json(b);
        } else {
            printf("%s is already installed: %s\n", name, installed->path);
        }
        return 0;
    }

    GetRun run = { 0 };
    start_get(&run);
    glance_model_install_async(entry, import_dtype(dtype), run.show_progress ? show_progress : NULL, &run, NULL,
                               run.cancellable, on_installed, &run);
    finish_get(&run);
    if (!run.model)
        return cli_fail_error(run.error);

    if (!glance_model_registry_reload(registry, &error))
        return cli_fail_error(error);
    g_auto(GStrv) could_switch = glance_task_model_could_switch(registry, run.model->name);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        add_installed_json(b, run.model, could_switch);
        cli_print_json(b);
    } else {
        g_autofree char *size = g_format_size(run.model->file_size);
        printf("Installed %s (%s, %s): %s\n", run.model->name, run.model->dtype, size, run.model->path);
        printf("  sha256 of the download: %s\n", run.model->sha256);
        print_changes(registry, run.model, could_switch);
    }
    glance_installed_model_free(run.model);
    return 0;
}

static int get_recommended(const char *dtype)
{
    GError *error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    if (!catalogue)
        return cli_fail_error(error);
    g_autoptr(GPtrArray) recommended = glance_catalogue_list_recommended(catalogue);
    if (!recommended->len) {
        g_set_error(&error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                    "the catalogue %s recommends no model", glance_catalogue_get_path(catalogue));
        return cli_fail_error(error);
    }
    GetRun run = { 0 };
    start_get(&run);
    glance_model_install_recommended_async(catalogue, import_dtype(dtype), run.show_progress ? show_set_progress : NULL,
                                           &run, NULL, run.cancellable, on_set_installed, &run);
    finish_get(&run);
    if (!run.set)
        return cli_fail_error(run.error);
    g_autoptr(GPtrArray) set = run.set;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry)
        return cli_fail_error(error);
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "installed");
        json_builder_begin_array(b);
        for (guint i = 0; i < set->len; i++) {
            const GlanceInstalledModel *model = set->pdata[i];
            const GlanceInstalledModel *now = glance_model_registry_find(registry, model->name);
            g_auto(GStrv) could_switch = glance_task_model_could_switch(registry, model->name);
            add_installed_json(b, now ? now : model, could_switch);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "recommended");
        json_builder_begin_array(b);
        for (guint i = 0; i < recommended->len; i++)
            json_builder_add_string_value(b, ((GlanceCatalogueEntry *)recommended->pdata[i])->name);
        json_builder_end_array(b);
        json_builder_end_object(b);
        cli_print_json(b);
        return 0;
    }
    if (!set->len)
        printf("The recommended models are installed already.\n");
    for (guint i = 0; i < set->len; i++) {
        const GlanceInstalledModel *model = set->pdata[i];
        const GlanceInstalledModel *now = glance_model_registry_find(registry, model->name);
        g_autofree char *size = g_format_size(model->file_size);
        g_auto(GStrv) could_switch = glance_task_model_could_switch(registry, model->name);
        printf("Installed %s (%s, %s): %s\n", model->name, model->dtype, size, model->path);
        print_changes(registry, now ? now : model, could_switch);
    }
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
    gboolean recommended = FALSE;
    GOptionEntry entries[] = {
        { "recommended", 0, 0, G_OPTION_ARG_NONE, &recommended,
          "get: the recommended set, one model for each task (Ask, Compare, Search)", NULL },
        { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype, "get: stored precision, f32 (default) or f16", "f32|f16" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &cli_json, "Print one JSON object on stdout", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("[get NAME | get --recommended | remove NAME | default TASK NAME] - the model catalogue");
    g_option_context_set_description(context,
        "With no subcommand: the catalogue of official VLMo checkpoints, the installed models\n"
        "and the default model for each task. 'get NAME' downloads (resuming an interrupted\n"
        "download), imports and registers a model; 'get --recommended' does so for the\n"
        "recommended model of each task. A new model takes over only the tasks that still use\n"
        "the bundled model; 'remove NAME' deletes it; 'default TASK NAME'\n"
        "makes NAME (an installed model, or 'bundled') the model TASK (vqa, nlvr2, retrieval)\n"
        "uses when no --model is given, in glance-cli and the app alike.\n"
        "Models live in $XDG_DATA_HOME/glance/models; GLANCE_CATALOGUE=FILE replaces the catalogue.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!cli_parse(context, &argc, &argv))
        return 2;
    if (dtype && strcmp(dtype, "f32") != 0 && strcmp(dtype, "f16") != 0)
        return cli_usage("models: --dtype must be f32 or f16, not '%s'", dtype);
    if (recommended && (argc != 2 || strcmp(argv[1], "get") != 0))
        return cli_usage("models: --recommended goes with get alone (glance-cli models get --recommended)");
    if (recommended)
        return get_recommended(dtype);
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

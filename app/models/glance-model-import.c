/* glance-model-import.c — import, register, and undo the file on any failure. */
#include "glance-model-import.h"
#include "glance-checksum.h"
#include "glance-import.h"
#include "glance-model-install.h"
#include "glance-progress-relay.h"
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(GlanceImportReport, glance_import_report_clear)

char *glance_model_name_for_file(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    GString *name = g_string_new(NULL);
    for (const char *p = base; *p && name->len < 64; p++) {
        char c = g_ascii_tolower(*p);
        if (g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-')
            g_string_append_c(name, c);
        else if (name->len && name->str[name->len - 1] != '-')
            g_string_append_c(name, '-');
    }
    while (name->len && !g_ascii_isalnum(name->str[0]))
        g_string_erase(name, 0, 1);
    while (name->len && name->str[name->len - 1] == '-')
        g_string_truncate(name, name->len - 1);
    if (!name->len)
        g_string_assign(name, "imported");
    return g_string_free(name, FALSE);
}

static gboolean import_with(GlanceImportOptions *opts, const char *answers, GlanceImportReport *report,
                            GCancellable *cancellable, GError **error)
{
    opts->answers_path = answers;
    glance_import_report_clear(report);
    return glance_import_checkpoint(opts, report, cancellable, error);
}

/* The tasks the written heads serve, in the registry's order. */
static GStrv tasks_of(const GlanceConfig *config)
{
    g_autoptr(GStrvBuilder) tasks = g_strv_builder_new();
    if (config->has_itc)
        g_strv_builder_add(tasks, GLANCE_TASK_RETRIEVAL);
    if (config->has_vqa)
        g_strv_builder_add(tasks, GLANCE_TASK_VQA);
    if (config->has_nlvr2)
        g_strv_builder_add(tasks, GLANCE_TASK_NLVR2);
    return g_strv_builder_end(tasks);
}

GlanceInstalledModel *glance_model_import(const char *checkpoint_path, const char *models_dir,
                                          GlanceModelImportProgressFunc progress, gpointer progress_data,
                                          GCancellable *cancellable, GError **error)
{
    g_autofree char *vocab = glance_model_vocab_path("bert-base-uncased", error);
    if (!vocab)
        return NULL;
    g_autofree char *answers = glance_model_answers_path("vqav2-3129", NULL);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(models_dir, error);
    if (!registry)
        return NULL;
    g_mkdir_with_parents(glance_model_registry_get_dir(registry), 0755);
    g_autofree char *name = glance_model_name_for_file(checkpoint_path);
    g_autofree char *output = glance_model_registry_file_for(registry, name, ".safetensors");

    GlanceImportOptions opts;
    glance_import_options_init(&opts);
    opts.checkpoint_path = checkpoint_path;
    opts.vocab_path = vocab;
    opts.output_path = output;
    opts.name = name;
    opts.progress = progress;
    opts.progress_data = progress_data;
    g_auto(GlanceImportReport) report = { 0 };
    /* The answer list is needed with a VQA head and refused without one: a checkpoint
     * that refuses it (pre-trained, NLVR2, retrieval) is imported again without. */
    GError *first = NULL;
    if (!import_with(&opts, answers, &report, cancellable, &first)) {
        if (!answers || !g_error_matches(first, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID) ||
            !import_with(&opts, NULL, &report, cancellable, NULL)) {
            g_propagate_error(error, first);
            return NULL;
        }
        g_clear_error(&first);
    }
    GStatBuf st = { 0 };
    g_stat(checkpoint_path, &st);
    g_autoptr(GlanceInstalledModel) model = g_new0(GlanceInstalledModel, 1);
    model->name = g_strdup(name);
    model->title = g_strdup(report.name && *report.name ? report.name : name);
    model->path = g_strdup(output);
    model->tasks = tasks_of(&report.config);
    model->sha256 = glance_file_sha256(checkpoint_path, cancellable, NULL);
    model->size = st.st_size;
    model->file_size = report.file_size;
    model->dtype = g_strdup("f32");
    model->url = g_filename_to_uri(checkpoint_path, NULL, NULL);
    model->default_for = g_new0(char *, 1);
    if (!model->tasks[0]) {
        g_unlink(output);
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NO_HEAD,
                    "%s has no head Glance can use", checkpoint_path);
        return NULL;
    }
    if (!glance_model_registry_add(registry, model, error)) {
        g_unlink(output);
        return NULL;
    }
    /* The registry's copy knows which tasks it now serves by default. */
    return glance_installed_model_copy(glance_model_registry_find(registry, name));
}

/* ---- in a thread ---- */

typedef struct {
    char *checkpoint_path;
    GlanceProgressRelay *relay;     /* NULL without a progress callback */
} ImportJob;

typedef struct {
    double fraction;
    char *stage;
} ImportProgress;

static void import_job_free(ImportJob *job)
{
    g_free(job->checkpoint_path);
    glance_progress_relay_free(job->relay);
    g_free(job);
}

static gpointer progress_copy(gpointer state)
{
    ImportProgress *copy = g_memdup2(state, sizeof *copy);
    copy->stage = g_strdup(copy->stage);
    return copy;
}

static void progress_free(gpointer state)
{
    g_free(((ImportProgress *)state)->stage);
    g_free(state);
}

static void deliver_progress(gconstpointer state, GCallback callback, gpointer data)
{
    const ImportProgress *progress = state;
    ((GlanceModelImportProgressFunc)callback)(progress->fraction, progress->stage, data);
}

static void queue_progress(double fraction, const char *stage, gpointer data)
{
    ImportProgress progress = { fraction, (char *)stage };
    glance_progress_relay_push(data, &progress);
}

static void import_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    ImportJob *job = data;
    GError *error = NULL;
    GlanceInstalledModel *model = glance_model_import(job->checkpoint_path, NULL, job->relay ? queue_progress : NULL,
                                                      job->relay, cancellable, &error);
    if (model)
        g_task_return_pointer(task, model, (GDestroyNotify)glance_installed_model_free);
    else
        g_task_return_error(task, error);
}

void glance_model_import_async(const char *checkpoint_path, GlanceModelImportProgressFunc progress,
                               gpointer progress_data, GDestroyNotify progress_destroy,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    ImportJob *job = g_new0(ImportJob, 1);
    job->checkpoint_path = g_strdup(checkpoint_path);
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_import_async);
    job->relay = glance_progress_relay_new(task, progress_copy, progress_free, deliver_progress, G_CALLBACK(progress),
                                           progress_data, progress_destroy);
    g_task_set_task_data(task, job, (GDestroyNotify)import_job_free);
    g_task_run_in_thread(task, import_thread);
}

GlanceInstalledModel *glance_model_import_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

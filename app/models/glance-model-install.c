/* glance-model-install.c — download → import → register, and the cleanup of each
 * step's failure (contract: glance-model-install.h). */
#include "glance-model-install.h"
#include "glance-progress-relay.h"
#include "glance-download.h"
#include "glance-paths.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* Peak disk use is the .pt and the .safetensors side by side; the latter is about
 * the checkpoint's size as F32, half of it as F16 (plus vocabulary and header). */
#define SPACE_RATIO_F32 1.05
#define SPACE_RATIO_F16 0.55

/* The word lists a catalogue entry may name, and the files in data/ that hold them. */
static const struct {
    const char *id;
    const char *file;
} vocab_files[] = {
    { "bert-base-uncased", "vocab/bert-base-uncased-vocab.txt" },
}, answer_files[] = {
    { "vqav2-3129", "answers/vqav2-answers-3129.txt" },
};

static char *shipped_file(const char *id, gboolean answers, GError **error)
{
    gsize n = answers ? G_N_ELEMENTS(answer_files) : G_N_ELEMENTS(vocab_files);
    for (gsize i = 0; i < n; i++) {
        const char *known_id = answers ? answer_files[i].id : vocab_files[i].id;
        const char *file = answers ? answer_files[i].file : vocab_files[i].file;
        if (g_strcmp0(id, known_id) != 0)
            continue;
        char *path = g_build_filename(glance_paths_datadir(), file, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return path;
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "%s is missing (installation damaged?)",
                    path);
        g_free(path);
        return NULL;
    }
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CATALOGUE,
                "the catalogue asks for the %s '%s', which this version of Glance does not ship",
                answers ? "answer list" : "vocabulary", id);
    return NULL;
}

char *glance_model_vocab_path(const char *vocab_id, GError **error)
{
    return shipped_file(vocab_id, FALSE, error);
}

char *glance_model_answers_path(const char *answers_id, GError **error)
{
    return shipped_file(answers_id, TRUE, error);
}

void glance_install_options_init(GlanceInstallOptions *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->dtype = GLANCE_IMPORT_DTYPE_F32;
}

guint64 glance_model_install_partial_size(const char *models_dir, const char *name)
{
    g_autofree char *dir = models_dir ? g_strdup(models_dir) : glance_models_dir();
    g_autofree char *file = g_strconcat(name, ".pt.part", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    struct stat st;
    return g_stat(path, &st) == 0 ? (guint64)st.st_size : 0;
}

/* ---- one install at a time per model, across processes ---- */

/* A lock file, DIR/.NAME.installing, removed when the install ends. After locking,
 * the path must still name the locked file: else another process removed it
 * between our open and our lock, and we try again. */
static int lock_install(const char *dir, const char *name, GError **error)
{
    g_autofree char *file = g_strconcat(".", name, ".installing", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    for (int attempt = 0; attempt < 5; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot create %s: %s", path,
                        g_strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_BUSY,
                        "%s is already being installed by another process", name);
            return -1;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && g_stat(path, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            return fd;
        close(fd);
    }
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_BUSY, "cannot lock %s", path);
    return -1;
}

static void unlock_install(const char *dir, const char *name, int fd)
{
    g_autofree char *file = g_strconcat(".", name, ".installing", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_unlink(path);   /* while still locked: a waiting process then retries on a new file */
    close(fd);
}

gboolean glance_model_install_discard_partial(const char *models_dir, const char *name, GError **error)
{
    g_autofree char *dir = models_dir ? g_strdup(models_dir) : glance_models_dir();
    int lock = lock_install(dir, name, error);   /* never under a running install */
    if (lock < 0)
        return FALSE;
    g_autofree char *file = g_strconcat(name, ".pt.part", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    gboolean ok = g_unlink(path) == 0 || errno == ENOENT;
    if (!ok)
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot delete %s: %s", path,
                    g_strerror(errno));
    unlock_install(dir, name, lock);
    return ok;
}

/* ---- progress ---- */

typedef struct {
    const GlanceInstallOptions *opts;
} ProgressRelay;

static void relay_download(guint64 done, guint64 total, gpointer data)
{
    const ProgressRelay *relay = data;
    GlanceInstallProgress p = { GLANCE_INSTALL_STAGE_DOWNLOAD, done, total,
                                total ? (double)done / (double)total : -1.0, NULL };
    relay->opts->progress(&p, relay->opts->progress_data);
}

static void relay_import(double fraction, const char *stage, gpointer data)
{
    const ProgressRelay *relay = data;
    GlanceInstallProgress p = { GLANCE_INSTALL_STAGE_IMPORT, 0, 0, fraction, stage };
    relay->opts->progress(&p, relay->opts->progress_data);
}

/* ---- the steps ---- */

/* Prefixes the model's name and, when a .part survives, says the next try resumes. */
static void explain_failure(GError **error, GError *cause, const char *dir, const char *name)
{
    guint64 kept = glance_model_install_partial_size(dir, name);
    g_autofree char *kept_text = g_format_size(kept);
    g_autofree char *resume = kept ? g_strdup_printf("; %s are kept and the next attempt resumes from there",
                                                     kept_text)
                                   : NULL;
    if (g_error_matches(cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "getting %s was cancelled%s", name,
                    resume ? resume : "");
    else if (g_error_matches(cause, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE))
        g_set_error(error, cause->domain, cause->code, "%s%s", cause->message,   /* plain, for a row */
                    resume ? resume : "");
    else
        g_set_error(error, cause->domain, cause->code, "cannot get %s: %s%s", name, cause->message,
                    resume ? resume : "");
    g_error_free(cause);
}

/* A download that never became a model: keep it for a retry only when it is
 * still good (cancelled or the registry failed), else delete it. */
static void set_aside_download(const char *pt_path, const char *part_path, gboolean keep)
{
    if (!keep || g_rename(pt_path, part_path) != 0)
        g_unlink(pt_path);
}

static GlanceInstalledModel *install_locked(const GlanceCatalogueEntry *entry, const GlanceInstallOptions *opts,
                                            GlanceModelRegistry *registry, GCancellable *cancellable,
                                            GError **error)
{
    g_autofree char *vocab = glance_model_vocab_path(entry->vocab, error);
    if (!vocab)
        return NULL;
    g_autofree char *answers = NULL;
    if (entry->answers && !(answers = glance_model_answers_path(entry->answers, error)))
        return NULL;
    g_autofree char *part_path = glance_model_registry_file_for(registry, entry->name, ".pt.part");
    g_autofree char *pt_path = glance_model_registry_file_for(registry, entry->name, ".pt");
    g_autofree char *model_path = glance_model_registry_file_for(registry, entry->name, ".safetensors");
    ProgressRelay relay = { opts };

    GlanceDownloadOptions download;
    glance_download_options_init(&download);
    download.url = entry->url;
    download.part_path = part_path;
    download.output_path = pt_path;
    download.expected_size = entry->size;
    download.expected_sha256 = entry->sha256;
    download.extra_space_ratio = opts->dtype == GLANCE_IMPORT_DTYPE_F16 ? SPACE_RATIO_F16 : SPACE_RATIO_F32;
    if (opts->progress) {
        download.progress = relay_download;
        download.progress_data = &relay;
    }
    GlanceDownloadResult downloaded;
    if (!glance_download_file(&download, &downloaded, cancellable, error))
        return NULL;

    GlanceImportOptions import;
    glance_import_options_init(&import);
    import.checkpoint_path = pt_path;
    import.vocab_path = vocab;
    import.answers_path = answers;
    import.output_path = model_path;
    import.name = entry->name;
    import.scope = entry->scope;   /* notices then say what the model knows */
    import.heads = entry->heads;
    import.image_size = entry->image_size;
    import.dtype = opts->dtype;
    if (opts->progress) {
        import.progress = relay_import;
        import.progress_data = &relay;
    }
    GlanceImportReport report;
    GError *import_error = NULL;
    if (!glance_import_checkpoint(&import, &report, cancellable, &import_error)) {
        gboolean cancelled = g_error_matches(import_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        set_aside_download(pt_path, part_path, cancelled);
        if (cancelled)
            g_propagate_error(error, import_error);
        else {
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IMPORT,
                        "the download is not a VLMo checkpoint Glance can import: %s", import_error->message);
            g_error_free(import_error);
        }
        return NULL;
    }
    guint64 file_size = report.file_size;
    glance_import_report_clear(&report);

    /* Last chance to cancel: after this the model is registered. */
    GlanceInstalledModel model = {
        .name = entry->name, .title = entry->title, .path = model_path, .tasks = entry->tasks,
        .sha256 = downloaded.sha256, .size = downloaded.size, .file_size = file_size,
        .dtype = opts->dtype == GLANCE_IMPORT_DTYPE_F16 ? "f16" : "f32", .url = entry->url,
    };
    if (g_cancellable_set_error_if_cancelled(cancellable, error) ||
        !glance_model_registry_add(registry, &model, error)) {
        if (!glance_model_registry_find(registry, entry->name))
            g_unlink(model_path);
        set_aside_download(pt_path, part_path, TRUE);
        return NULL;
    }
    g_unlink(pt_path);
    return glance_installed_model_copy(glance_model_registry_find(registry, entry->name));
}

GlanceInstalledModel *glance_model_install(const GlanceCatalogueEntry *entry, const GlanceInstallOptions *opts,
                                           GCancellable *cancellable, GError **error)
{
    GlanceInstallOptions defaults;
    if (!opts) {
        glance_install_options_init(&defaults);
        opts = &defaults;
    }
    GError *cause = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(opts->models_dir, &cause);
    if (!registry) {
        g_propagate_error(error, cause);
        return NULL;
    }
    const char *dir = glance_model_registry_get_dir(registry);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot create %s: %s", dir,
                    g_strerror(errno));
        return NULL;
    }
    int lock = lock_install(dir, entry->name, error);
    if (lock < 0)
        return NULL;
    GlanceInstalledModel *model = install_locked(entry, opts, registry, cancellable, &cause);
    unlock_install(dir, entry->name, lock);
    if (!model)
        explain_failure(error, cause, dir, entry->name);
    return model;
}

/* ---- in a thread, for the GUI ---- */

typedef struct {
    GlanceCatalogueEntry *entry;
    GlanceImportDtype dtype;
    GlanceProgressRelay *relay;   /* NULL without a progress callback */
} InstallJob;

static void install_job_free(InstallJob *job)
{
    glance_catalogue_entry_free(job->entry);
    glance_progress_relay_free(job->relay);
    g_free(job);
}

/* A progress state that owns its detail, for the relay. */
static gpointer progress_copy(gpointer state)
{
    GlanceInstallProgress *copy = g_memdup2(state, sizeof *copy);
    copy->detail = g_strdup(copy->detail);
    return copy;
}

static void progress_free(gpointer state)
{
    g_free((char *)((GlanceInstallProgress *)state)->detail);
    g_free(state);
}

static void deliver_progress(gconstpointer state, GCallback callback, gpointer data)
{
    ((GlanceInstallProgressFunc)callback)(state, data);
}

static void queue_progress(const GlanceInstallProgress *progress, gpointer data)
{
    glance_progress_relay_push(data, progress);
}

static void install_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    InstallJob *job = data;
    (void)source;
    GlanceInstallOptions opts;
    glance_install_options_init(&opts);
    opts.dtype = job->dtype;
    if (job->relay) {
        opts.progress = queue_progress;
        opts.progress_data = job->relay;
    }
    GError *error = NULL;
    GlanceInstalledModel *model = glance_model_install(job->entry, &opts, cancellable, &error);
    if (model)
        g_task_return_pointer(task, model, (GDestroyNotify)glance_installed_model_free);
    else
        g_task_return_error(task, error);
}

void glance_model_install_async(const GlanceCatalogueEntry *entry, GlanceImportDtype dtype,
                                GlanceInstallProgressFunc progress, gpointer progress_data,
                                GDestroyNotify progress_destroy, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    InstallJob *job = g_new0(InstallJob, 1);
    job->entry = glance_catalogue_entry_copy(entry);
    job->dtype = dtype;
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    job->relay = glance_progress_relay_new(task, progress_copy, progress_free, deliver_progress, G_CALLBACK(progress),
                                           progress_data, progress_destroy);
    g_task_set_source_tag(task, glance_model_install_async);
    /* The worker's verdict stands: a model registered just as Cancel was pressed is installed. */
    g_task_set_check_cancellable(task, FALSE);
    g_task_set_task_data(task, job, (GDestroyNotify)install_job_free);
    g_task_run_in_thread(task, install_in_thread);
}

GlanceInstalledModel *glance_model_install_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* glance-model-set.c — the recommended set, installed in turn with one progress
 * (contract: glance-model-set.h). */
#include "glance-model-set.h"
#include "glance-catalogue-sizes.h"
#include "glance-progress-relay.h"

#define SPEED_WINDOW_US (5 * G_USEC_PER_SEC)   /* speed: bytes over the last 5 s */
#define SPEED_MIN_SPAN_US (G_USEC_PER_SEC / 2)

GPtrArray *glance_model_recommended_missing(const GlanceCatalogue *catalogue, const char *models_dir,
                                            GError **error)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(models_dir, error);
    if (!registry)
        return NULL;
    g_autoptr(GPtrArray) set = glance_catalogue_list_recommended(catalogue);
    GPtrArray *missing = g_ptr_array_new();
    for (guint i = 0; i < set->len; i++) {
        const GlanceCatalogueEntry *entry = set->pdata[i];
        const GlanceInstalledModel *installed = glance_model_registry_find(registry, entry->name);
        if (!installed || !g_file_test(installed->path, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add(missing, set->pdata[i]);
    }
    return missing;
}

typedef struct {
    gint64 time_us;
    guint64 bytes;
} Sample;

typedef struct {
    GlanceSetProgressFunc callback;
    gpointer data;
    GlanceSetProgress state;
    guint64 *sizes;          /* per model of the set; 0: unknown until its download says */
    guint64 finished_bytes;  /* of the models done                                       */
    GArray *samples;         /* Sample, of the current download, within the window       */
} SetTracker;

static guint64 set_total(const SetTracker *t)
{
    guint64 total = 0;
    for (guint i = 0; i < t->state.n_models; i++) {
        if (!t->sizes[i])
            return 0;
        total += t->sizes[i];
    }
    return total;
}

/* Speed from the samples of this download only: resumed bytes are not speed. */
static void measure_speed(SetTracker *t, guint64 bytes_of_model)
{
    gint64 now = g_get_monotonic_time();
    Sample sample = { now, bytes_of_model };
    g_array_append_val(t->samples, sample);
    while (t->samples->len > 2 && now - g_array_index(t->samples, Sample, 1).time_us > SPEED_WINDOW_US)
        g_array_remove_index(t->samples, 0);
    const Sample *first = &g_array_index(t->samples, Sample, 0);
    gint64 span = now - first->time_us;
    if (span >= SPEED_MIN_SPAN_US && bytes_of_model >= first->bytes)
        t->state.bytes_per_second = (double)(bytes_of_model - first->bytes) * G_USEC_PER_SEC / (double)span;
}

static void on_install_progress(const GlanceInstallProgress *p, gpointer data)
{
    SetTracker *t = data;
    t->state.stage = p->stage;
    if (p->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        if (p->bytes_total)
            t->sizes[t->state.index] = p->bytes_total;
        measure_speed(t, p->bytes_done);
        t->state.bytes_done = t->finished_bytes + p->bytes_done;
        t->state.import_fraction = 0;
    } else {
        t->state.import_fraction = MAX(p->fraction, 0.0);
    }
    t->state.bytes_total = set_total(t);
    t->state.seconds_left = -1;
    if (t->state.bytes_total && t->state.bytes_per_second > 0)
        t->state.seconds_left =
            (double)(t->state.bytes_total - MIN(t->state.bytes_done, t->state.bytes_total)) / t->state.bytes_per_second;
    t->callback(&t->state, t->data);
}

GPtrArray *glance_model_install_recommended(const GlanceCatalogue *catalogue, const GlanceInstallOptions *opts,
                                            GlanceSetProgressFunc progress, gpointer progress_data,
                                            GCancellable *cancellable, GError **error)
{
    GlanceInstallOptions install;
    if (opts)
        install = *opts;
    else
        glance_install_options_init(&install);
    g_autoptr(GPtrArray) missing = glance_model_recommended_missing(catalogue, install.models_dir, error);
    if (!missing)
        return NULL;
    g_autoptr(GPtrArray) installed = g_ptr_array_new_with_free_func((GDestroyNotify)glance_installed_model_free);
    if (!missing->len)
        return g_steal_pointer(&installed);

    /* Sizes for the total: the catalogue's, cached, or asked once (glance-catalogue-sizes.h). */
    g_autoptr(GlanceCatalogueSizes) sizes = glance_catalogue_sizes_fetch(catalogue, install.models_dir, cancellable);
    SetTracker tracker = { progress, progress_data, { 0 }, g_new0(guint64, missing->len), 0,
                           g_array_new(FALSE, FALSE, sizeof(Sample)) };
    tracker.state.n_models = missing->len;
    for (guint i = 0; i < missing->len; i++)
        tracker.sizes[i] = glance_catalogue_sizes_get(sizes, ((GlanceCatalogueEntry *)missing->pdata[i])->name, NULL);
    if (progress) {
        install.progress = on_install_progress;
        install.progress_data = &tracker;
    }
    gboolean ok = TRUE;
    for (guint i = 0; i < missing->len && ok; i++) {
        const GlanceCatalogueEntry *entry = missing->pdata[i];
        tracker.state.index = i;
        tracker.state.name = entry->name;
        g_array_set_size(tracker.samples, 0);
        GlanceInstalledModel *model = glance_model_install(entry, &install, cancellable, error);
        if (model) {
            g_ptr_array_add(installed, model);
            tracker.finished_bytes += tracker.sizes[i] ? tracker.sizes[i] : model->size;
            tracker.sizes[i] = model->size;
        }
        ok = model != NULL;
    }
    g_free(tracker.sizes);
    g_array_unref(tracker.samples);
    return ok ? g_steal_pointer(&installed) : NULL;
}

/* ---- in a thread ---- */

typedef struct {
    char *catalogue_path;
    GlanceImportDtype dtype;
    GlanceProgressRelay *relay;
} SetJob;

static void set_job_free(SetJob *job)
{
    g_free(job->catalogue_path);
    glance_progress_relay_free(job->relay);
    g_free(job);
}

static gpointer progress_copy(gpointer state)
{
    GlanceSetProgress *copy = g_memdup2(state, sizeof *copy);
    copy->name = g_strdup(copy->name);
    return copy;
}

static void progress_free(gpointer state)
{
    g_free((char *)((GlanceSetProgress *)state)->name);
    g_free(state);
}

static void deliver_progress(gconstpointer state, GCallback callback, gpointer data)
{
    ((GlanceSetProgressFunc)callback)(state, data);
}

static void queue_progress(const GlanceSetProgress *progress, gpointer data)
{
    glance_progress_relay_push(data, progress);
}

static void set_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    SetJob *job = data;
    GError *error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(job->catalogue_path, &error);
    GlanceInstallOptions opts;
    glance_install_options_init(&opts);
    opts.dtype = job->dtype;
    GPtrArray *installed = catalogue ? glance_model_install_recommended(catalogue, &opts,
                                                                        job->relay ? queue_progress : NULL,
                                                                        job->relay, cancellable, &error)
                                     : NULL;
    if (installed)
        g_task_return_pointer(task, installed, (GDestroyNotify)g_ptr_array_unref);
    else
        g_task_return_error(task, error);
}

void glance_model_install_recommended_async(const GlanceCatalogue *catalogue, GlanceImportDtype dtype,
                                            GlanceSetProgressFunc progress, gpointer progress_data,
                                            GDestroyNotify progress_destroy, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
    SetJob *job = g_new0(SetJob, 1);
    job->catalogue_path = g_strdup(glance_catalogue_get_path(catalogue));
    job->dtype = dtype;
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_install_recommended_async);
    job->relay = glance_progress_relay_new(task, progress_copy, progress_free, deliver_progress, G_CALLBACK(progress),
                                           progress_data, progress_destroy);
    /* As for one install: a model registered just as Cancel was pressed is installed. */
    g_task_set_check_cancellable(task, FALSE);
    g_task_set_task_data(task, job, (GDestroyNotify)set_job_free);
    g_task_run_in_thread(task, set_in_thread);
}

GPtrArray *glance_model_install_recommended_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* glance-search-page-library.c — the Search page's library: opened (with the retrieval
 * model it owns, chosen by app/ as for glance-cli) in a thread the first time the page is
 * shown; index jobs run in the library's own thread and report progress here. Pausing
 * cancels the job, which commits what it finished; resuming starts an incremental job
 * that skips everything already indexed. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-library-index.h"
#include "glance-library-open.h"
#include "glance-library-status.h"
#include "glance-paths.h"
#include "glance-search-page-private.h"
#include "glance-window.h"

void _glance_search_page_update_index_controls(GlanceSearchPage *self)
{
    gboolean paused = self->paused && !self->indexing;
    gtk_button_set_icon_name(self->pause_button, paused ? "media-playback-start-symbolic"
                                                        : "media-playback-pause-symbolic");
    const char *what = paused ? _("Resume Indexing") : _("Pause Indexing");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->pause_button), what);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->pause_button), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.pause", self->indexing || self->paused);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.stop", self->indexing || self->paused);
    gtk_revealer_set_reveal_child(self->index_revealer, self->indexing || self->paused);
}

/* ---- counts ---- */

static void on_counted(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
    GlanceLibraryStatus status;
    if (!glance_library_get_status_finish(GLANCE_LIBRARY(source), result, &status, NULL))
        return;
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->counting)
        return;
    g_clear_object(&self->counting);
    gboolean grew = status.counts.indexed > self->counts.indexed;
    self->counts = status.counts;
    _glance_search_page_update_count_label(self);
    /* "Photos are still being indexed" on screen, and some now are: search again. */
    if (grew && self->indexing && self->shown_query && g_list_model_get_n_items(G_LIST_MODEL(self->results)) == 0) {
        g_clear_pointer(&self->shown_query, g_free);
        _glance_search_page_run_search(self);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->serving_label), status.previous_model_serves);
}

void _glance_search_page_refresh_counts(GlanceSearchPage *self)
{
    if (!self->library)
        return;
    _glance_search_page_cancel(&self->counting);
    self->counting = g_cancellable_new();
    glance_library_get_status_async(self->library, self->counting, on_counted,
                                    _glance_search_page_job_new(self, self->counting));
}

/* ---- indexing ---- */

static char *format_time_left(double seconds)
{
    if (seconds < 0)
        return NULL;
    if (seconds < 60) {
        guint s = MAX(1, (guint)(seconds + 0.5));
        return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "about %u second left", "about %u seconds left", s), s);
    }
    if (seconds < 3600) {
        guint m = (guint)(seconds / 60 + 0.5);
        return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "about %u minute left", "about %u minutes left", m), m);
    }
    guint h = (guint)(seconds / 3600 + 0.5);
    return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "about %u hour left", "about %u hours left", h), h);
}

static void on_index_progress(const GlanceIndexProgress *progress, gpointer data)
{
    SearchPageJob *job = data;
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->indexing)
        return;
    g_autofree char *text = NULL;
    switch (progress->phase) {
    case GLANCE_INDEX_PHASE_SCANNING:
        text = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "Looking for photos… %u found",
                                           "Looking for photos… %u found", progress->done), progress->done);
        gtk_progress_bar_pulse(self->index_progress);
        break;
    case GLANCE_INDEX_PHASE_INDEXING: {
        g_autofree char *left = format_time_left(progress->seconds_left);
        g_autofree char *count = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "Indexing %u of %u photo",
                                                             "Indexing %u of %u photos", progress->total),
                                                 progress->done, progress->total);
        /* Translators: "Indexing 10 of 200 photos · about 2 minutes left" */
        text = left ? g_strdup_printf(_("%s · %s"), count, left) : g_steal_pointer(&count);
        gtk_progress_bar_set_fraction(self->index_progress,
                                      progress->total ? (double)progress->done / progress->total : 0.0);
        /* The footer counts along (the job commits in batches, every 2 s at most). */
        gint64 now = g_get_monotonic_time();
        if (now - self->last_count_refresh_us > G_USEC_PER_SEC) {
            self->last_count_refresh_us = now;
            _glance_search_page_refresh_counts(self);
        }
        break;
    }
    case GLANCE_INDEX_PHASE_REMOVING:
        text = g_strdup(_("Forgetting photos that were removed…"));
        break;
    case GLANCE_INDEX_PHASE_DONE:
        text = g_strdup(_("Finishing…"));
        gtk_progress_bar_set_fraction(self->index_progress, 1.0);
        break;
    }
    gtk_label_set_text(self->index_label, text);
}

static void on_indexed(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
    GlanceIndexStats stats = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean ok = glance_library_index_finish(GLANCE_LIBRARY(source), result, &stats, &error);
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->indexing)
        return;   /* superseded by a newer job */
    g_clear_object(&self->indexing);
    if (ok)
        self->completed_index_runs++;
    if (self->paused) {
        guint n = stats.added + stats.updated;
        g_autofree char *text = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                                            "Indexing paused · %u new or changed photo indexed so far",
                                                            "Indexing paused · %u new or changed photos indexed so far", n),
                                                n);
        gtk_label_set_text(self->index_label, text);
    } else if (!ok && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        /* A toast in a few words; the reason stays on the indexing row. */
        glance_show_toast(GTK_WIDGET(self), _("Indexing stopped because of an error"));
        self->paused = TRUE; /* the row stays, with the reason and Resume */
        g_autofree char *details = g_strdup_printf(_("Indexing stopped: %s"), error->message);
        gtk_label_set_text(self->index_label, details);
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->index_label), error->message);
    }
    _glance_search_page_update_index_controls(self);
    _glance_search_page_refresh_counts(self);
    /* New photos may match the query on screen. */
    g_clear_pointer(&self->shown_query, g_free);
    _glance_search_page_run_search(self);
}

void _glance_search_page_start_indexing(GlanceSearchPage *self)
{
    _glance_search_page_cancel(&self->indexing);
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    if (!self->library || self->paused || self->stopped || !folders[0]) {
        _glance_search_page_update_index_controls(self);
        return;
    }
    self->indexing = g_cancellable_new();
    SearchPageJob *job = _glance_search_page_job_new(self, self->indexing);
    GlanceIndexOptions options = { 0 };
    /* The Preferences' thread count; 0 (all cores) lets the job share them with its decoders. */
    options.blas_threads = glance_inference_get_threads(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT));
    gtk_label_set_text(self->index_label, _("Looking for photos…"));
    gtk_progress_bar_set_fraction(self->index_progress, 0);
    glance_library_index_async(self->library, (const char *const *)folders, &options,
                               on_index_progress, _glance_search_page_job_ref(job), _glance_search_page_job_unref,
                               self->indexing,
                               on_indexed, job);
    _glance_search_page_update_index_controls(self);
}

/* ---- opening the library ---- */

static void on_opened(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(SearchPageJob) job = data;
    g_autoptr(GError) error = NULL;
    GlanceLibrary *library = glance_library_open_with_model_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->opening) {
        g_clear_object(&library);
        return;
    }
    g_clear_object(&self->opening);
    if (!library) {
        g_autofree char *message = NULL;
        if (g_error_matches(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_MODEL))
            message = g_strdup(_("The model chosen for search cannot search photos. Choose another one in Preferences."));
        else if (error->domain != GLANCE_LIBRARY_ERROR)
            message = g_strdup_printf(_("Cannot open the search model: %s"), error->message);
        adw_status_page_set_description(self->unavailable_page, message ? message : error->message);
        _glance_search_page_show_content(self);
        _glance_search_page_update_index_controls(self);
        return;
    }
    adw_status_page_set_description(self->unavailable_page, NULL);
    self->library = library;
    _glance_search_page_refresh_counts(self);
    _glance_search_page_start_indexing(self);
    _glance_search_page_run_search(self);
    _glance_search_page_show_content(self);
}

void _glance_search_page_open_library(GlanceSearchPage *self)
{
    _glance_search_page_cancel(&self->opening);
    _glance_search_page_cancel(&self->indexing);
    _glance_search_page_cancel(&self->searching);
    _glance_search_page_cancel(&self->counting);
    g_clear_object(&self->library);
    g_clear_pointer(&self->shown_query, g_free);
    gtk_widget_set_visible(GTK_WIDGET(self->serving_label), FALSE);
    /* The retrieval model as app/ chooses it for every front end (glance-library-open.h),
     * so this library is indexed with the model `glance-cli index` would use. */
    GlanceInference *inference = glance_application_get_inference(GLANCE_APPLICATION_DEFAULT);
    g_free(self->model_path);
    self->model_path = glance_inference_dup_model_path(inference, GLANCE_MODEL_TASK_RETRIEVAL);
    g_autofree char *db = glance_paths_default_db();
    GlanceLibraryOpenOptions options = {
        .db_path = db,
        .create = TRUE,
        .threads = glance_inference_get_threads(inference),
    };
    self->opening = g_cancellable_new();
    glance_library_open_with_model_async(&options, self->opening, on_opened,
                                         _glance_search_page_job_new(self, self->opening));
    _glance_search_page_update_index_controls(self);
}

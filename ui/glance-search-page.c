/* glance-search-page.c — built on app/library: the library (with the retrieval model it
 * owns) is opened in a thread the first time the page is shown; index jobs run in
 * the library's own thread and report progress here; searches go through
 * glance_library_search_async. Pausing cancels the job, which commits what it finished;
 * resuming starts an incremental job that skips everything already indexed. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-folder-row.h"
#include "glance-library-index.h"
#include "glance-library-open.h"
#include "glance-library-status.h"
#include "glance-library-search.h"
#include "glance-paths.h"
#include "glance-photo-item.h"
#include "glance-photo-tile.h"
#include "glance-search-page.h"
#include "glance-window.h"

#define RESULTS_LIMIT 500
#define RERANK_CANDIDATES 40

struct _GlanceSearchPage {
    GtkWidget parent_instance;
    GtkSearchEntry *search_entry;
    GtkToggleButton *precise_button;
    GtkListBox *folders_list;
    GtkRevealer *index_revealer;
    GtkLabel *index_label;
    GtkProgressBar *index_progress;
    GtkButton *pause_button;
    GtkStack *content_stack;
    AdwStatusPage *unavailable_page;
    AdwStatusPage *start_page;
    AdwStatusPage *empty_page;
    GtkGridView *results_grid;
    GtkLabel *count_label;
    GtkLabel *serving_label;

    GSettings *settings;
    GlanceLibrary *library;      /* NULL until opened; it owns its retrieval model */
    GCancellable *opening;
    GCancellable *indexing;
    GCancellable *searching;
    GCancellable *counting;
    gboolean started;            /* the page was shown once: the library is wanted */
    gboolean paused;
    gboolean stopped;
    guint completed_index_runs;
    GlanceLibraryCounts counts;
    GListStore *results;
    char *shown_query;           /* the query the results belong to */
    char *model_path;            /* the retrieval model the library was opened with */
};

G_DEFINE_FINAL_TYPE(GlanceSearchPage, glance_search_page, GTK_TYPE_WIDGET)

static void start_indexing(GlanceSearchPage *self);
static void run_search(GlanceSearchPage *self);

gboolean glance_search_page_is_indexing(GlanceSearchPage *self) { return self->opening || self->indexing; }
guint glance_search_page_get_completed_index_runs(GlanceSearchPage *self) { return self->completed_index_runs; }
GListModel *glance_search_page_get_results(GlanceSearchPage *self) { return G_LIST_MODEL(self->results); }

static void cancel_and_clear(GCancellable **cancellable)
{
    if (*cancellable)
        g_cancellable_cancel(*cancellable);
    g_clear_object(cancellable);
}

/* Work started for the page, tied to the cancellable it was started with. */
typedef struct {
    GlanceSearchPage *self;
    GCancellable *cancellable;
    GlanceLibrary *library;      /* a reference: a running job keeps its library and model */
} PageJob;

static PageJob *page_job_new(GlanceSearchPage *self, GCancellable *cancellable)
{
    PageJob *job = g_rc_box_new0(PageJob);
    job->self = g_object_ref(self);
    job->cancellable = g_object_ref(cancellable);
    job->library = self->library ? g_object_ref(self->library) : NULL;
    return job;
}

static void page_job_clear(PageJob *job)
{
    g_object_unref(job->self);
    g_object_unref(job->cancellable);
    g_clear_object(&job->library);
}

static void page_job_unref(gpointer job) { g_rc_box_release_full(job, (GDestroyNotify)page_job_clear); }
static PageJob *page_job_ref(PageJob *job) { return g_rc_box_acquire(job); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PageJob, page_job_unref)

static char **dup_folders(GlanceSearchPage *self)
{
    return g_settings_get_strv(self->settings, "library-folders");
}

/* ---- what the page shows ---- */

static void update_count_label(GlanceSearchPage *self)
{
    if (!self->library) {
        gtk_label_set_text(self->count_label, "");
        return;
    }
    g_autofree char *indexed = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u photo indexed",
                                                           "%u photos indexed", self->counts.indexed),
                                               self->counts.indexed);
    if (self->counts.failed > 0) {
        g_autofree char *failed = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u could not be read",
                                                              "%u could not be read", self->counts.failed),
                                                  self->counts.failed);
        /* Translators: "120 photos indexed · 2 could not be read" */
        g_autofree char *both = g_strdup_printf(_("%s · %s"), indexed, failed);
        gtk_label_set_text(self->count_label, both);
    } else {
        gtk_label_set_text(self->count_label, indexed);
    }
    g_autofree char *start = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE,
                    "%u photo can be searched. Type what you are looking for, such as “a red circle”.",
                    "%u photos can be searched. Type what you are looking for, such as “a red circle”.",
                    self->counts.indexed),
        self->counts.indexed);
    adw_status_page_set_description(self->start_page, start);
}

static void show_content(GlanceSearchPage *self)
{
    g_auto(GStrv) folders = dup_folders(self);
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *query = g_strstrip(g_strdup(text));
    const char *page;
    if (!folders[0])
        page = "no-folders";
    else if (adw_status_page_get_description(self->unavailable_page) && !self->library && !self->opening)
        page = "unavailable";
    else if (!*query || !self->shown_query)
        page = "start";
    else if (g_list_model_get_n_items(G_LIST_MODEL(self->results)) == 0)
        page = "empty";
    else
        page = "results";
    gtk_stack_set_visible_child_name(self->content_stack, page);
}

static void rebuild_folders_list(GlanceSearchPage *self)
{
    g_auto(GStrv) folders = dup_folders(self);
    glance_folder_rows_fill(self->folders_list, folders);
    gtk_widget_set_visible(GTK_WIDGET(self->folders_list), folders[0] != NULL);
}

static void update_index_controls(GlanceSearchPage *self)
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
    g_autoptr(PageJob) job = data;
    GlanceLibraryStatus status;
    if (!glance_library_get_status_finish(GLANCE_LIBRARY(source), result, &status, NULL))
        return;
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->counting)
        return;
    g_clear_object(&self->counting);
    self->counts = status.counts;
    update_count_label(self);
    gtk_widget_set_visible(GTK_WIDGET(self->serving_label), status.previous_model_serves);
}

static void refresh_counts(GlanceSearchPage *self)
{
    if (!self->library)
        return;
    cancel_and_clear(&self->counting);
    self->counting = g_cancellable_new();
    glance_library_get_status_async(self->library, self->counting, on_counted, page_job_new(self, self->counting));
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
    PageJob *job = data;
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
    g_autoptr(PageJob) job = data;
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
        g_autofree char *message = g_strdup_printf(_("Indexing failed: %s"), error->message);
        glance_show_toast(GTK_WIDGET(self), message);
    }
    update_index_controls(self);
    refresh_counts(self);
    /* New photos may match the query on screen. */
    g_clear_pointer(&self->shown_query, g_free);
    run_search(self);
}

static void start_indexing(GlanceSearchPage *self)
{
    cancel_and_clear(&self->indexing);
    g_auto(GStrv) folders = dup_folders(self);
    if (!self->library || self->paused || self->stopped || !folders[0]) {
        update_index_controls(self);
        return;
    }
    self->indexing = g_cancellable_new();
    PageJob *job = page_job_new(self, self->indexing);
    GlanceIndexOptions options = { 0 };
    /* The Preferences' thread count; 0 (all cores) lets the job share them with its decoders. */
    options.blas_threads = glance_inference_get_threads(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT));
    gtk_label_set_text(self->index_label, _("Looking for photos…"));
    gtk_progress_bar_set_fraction(self->index_progress, 0);
    glance_library_index_async(self->library, (const char *const *)folders, &options,
                               on_index_progress, page_job_ref(job), page_job_unref, self->indexing,
                               on_indexed, job);
    update_index_controls(self);
}

/* ---- opening the library ---- */

static void on_opened(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(PageJob) job = data;
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
        show_content(self);
        update_index_controls(self);
        return;
    }
    adw_status_page_set_description(self->unavailable_page, NULL);
    self->library = library;
    refresh_counts(self);
    start_indexing(self);
    run_search(self);
    show_content(self);
}

static void open_library(GlanceSearchPage *self)
{
    cancel_and_clear(&self->opening);
    cancel_and_clear(&self->indexing);
    cancel_and_clear(&self->searching);
    cancel_and_clear(&self->counting);
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
    glance_library_open_with_model_async(&options, self->opening, on_opened, page_job_new(self, self->opening));
    update_index_controls(self);
}

/* ---- searching ---- */

static void on_searched(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(PageJob) job = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = glance_library_search_finish(GLANCE_LIBRARY(source), result, &error);
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->searching)
        return;
    g_clear_object(&self->searching);
    if (!found) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            glance_show_toast(GTK_WIDGET(self), error->message);
        return;
    }
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < found->len; i++) {
        GlanceSearchResult *r = found->pdata[i];
        g_ptr_array_add(items, glance_photo_item_new(r->path, r->score));
    }
    g_list_store_splice(self->results, 0, g_list_model_get_n_items(G_LIST_MODEL(self->results)),
                        items->pdata, items->len);
    g_free(self->shown_query);
    self->shown_query = g_object_steal_data(G_OBJECT(job->cancellable), "query");
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *description = self->counts.indexed == 0 && self->indexing
        ? g_strdup(_("No photo is indexed yet; results appear as indexing goes on."))
        : g_strdup_printf(_("Nothing in the library matches “%s”."), text);
    adw_status_page_set_description(self->empty_page, description);
    show_content(self);
}

static void run_search(GlanceSearchPage *self)
{
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *query_text = g_strstrip(g_strdup(text));
    gtk_widget_remove_css_class(GTK_WIDGET(self->search_entry), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), NULL);
    cancel_and_clear(&self->searching);
    if (!*query_text) {
        g_clear_pointer(&self->shown_query, g_free);
        g_list_store_remove_all(self->results);
        show_content(self);
        return;
    }
    if (!self->library)
        return;   /* runs again once the library is open */
    /* Typing settles on text already searched (a delayed search-changed after a
     * programmatic set_text, Enter): nothing new to do. */
    if (g_strcmp0(self->shown_query, query_text) == 0)
        return;
    g_autoptr(GlanceQuery) query = glance_query_new();
    g_autoptr(GError) error = NULL;
    if (!glance_query_parse(query, query_text, &error)) {
        gtk_widget_add_css_class(GTK_WIDGET(self->search_entry), "error");
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), error->message);
        return;
    }
    g_auto(GStrv) folders = dup_folders(self);
    GlanceSearchOptions options;
    glance_search_options_init(&options);
    options.limit = RESULTS_LIMIT;
    options.rerank = g_settings_get_boolean(self->settings, "precise-search") ? RERANK_CANDIDATES : 0;
    options.folders = folders;
    self->searching = g_cancellable_new();
    g_object_set_data_full(G_OBJECT(self->searching), "query", g_strdup(query_text), g_free);
    glance_library_search_async(self->library, query, &options, self->searching, on_searched,
                                page_job_new(self, self->searching));
}

static void on_search_changed(GlanceSearchPage *self)
{
    run_search(self);
}

static void on_search_activate(GlanceSearchPage *self)
{
    /* Enter opens the best result, if the results on screen are for this text. */
    if (!self->searching && g_list_model_get_n_items(G_LIST_MODEL(self->results)) > 0)
        gtk_widget_activate_action(GTK_WIDGET(self), "page.open-result", "u", 0);
}

/* ---- results ---- */

static void open_in_ask(GlanceSearchPage *self, const char *path)
{
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    if (!GLANCE_IS_WINDOW(root))
        return;
    g_autoptr(GFile) file = g_file_new_for_path(path);
    glance_window_open_files(GLANCE_WINDOW(root), &file, 1);
}

static void on_result_activated(GlanceSearchPage *self, guint position)
{
    g_autoptr(GlancePhotoItem) item = g_list_model_get_item(G_LIST_MODEL(self->results), position);
    if (item)
        open_in_ask(self, glance_photo_item_get_path(item));
}

static void setup_tile(GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
    (void)factory, (void)data;
    gtk_list_item_set_child(list_item, glance_photo_tile_new());
}

static void bind_tile(GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
    (void)factory, (void)data;
    glance_photo_tile_set_item(GLANCE_PHOTO_TILE(gtk_list_item_get_child(list_item)),
                               gtk_list_item_get_item(list_item));
}

static void unbind_tile(GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
    (void)factory, (void)data;
    glance_photo_tile_set_item(GLANCE_PHOTO_TILE(gtk_list_item_get_child(list_item)), NULL);
}

/* ---- actions ---- */

static char *quote_path(const char *path)
{
    GString *quoted = g_string_new("image:\"");
    for (const char *p = path; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(quoted, '\\');
        g_string_append_c(quoted, *p);
    }
    g_string_append_c(quoted, '"');
    return g_string_free(quoted, FALSE);
}

static void find_similar_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    g_autofree char *query = quote_path(g_variant_get_string(param, NULL));
    /* The query stays visible and editable: "image:…" + "at night" works too. Replacing
     * the text passes through an empty entry, which must not flash the start page. */
    g_signal_handlers_block_by_func(self->search_entry, on_search_changed, self);
    gtk_editable_set_text(GTK_EDITABLE(self->search_entry), query);
    g_signal_handlers_unblock_by_func(self->search_entry, on_search_changed, self);
    run_search(self);
}

static void open_result_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    on_result_activated(GLANCE_SEARCH_PAGE(widget), g_variant_get_uint32(param));
}

static void pause_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    if (self->indexing) {
        self->paused = TRUE;
        g_cancellable_cancel(self->indexing);   /* on_indexed reports what was done */
    } else if (self->paused) {
        self->paused = FALSE;
        start_indexing(self);
    }
    update_index_controls(self);
}

static void stop_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    self->stopped = TRUE;
    self->paused = FALSE;
    cancel_and_clear(&self->indexing);
    update_index_controls(self);
    refresh_counts(self);
}

static void open_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    gtk_widget_activate_action(widget, "app.add-folder", NULL);
}

static void focus_entry_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    gtk_widget_grab_focus(GTK_WIDGET(GLANCE_SEARCH_PAGE(widget)->search_entry));
}

static void cancel_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    if (*gtk_editable_get_text(GTK_EDITABLE(self->search_entry)))
        gtk_editable_set_text(GTK_EDITABLE(self->search_entry), "");
}

static void toggle_precise_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    gtk_toggle_button_set_active(self->precise_button, !gtk_toggle_button_get_active(self->precise_button));
}

static void sample_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)widget, (void)name, (void)param;
    GlanceApplication *app = GLANCE_APPLICATION_DEFAULT;
    GlanceSamples *samples = glance_application_get_samples(app);
    if (samples)
        glance_application_add_library_folder(app, glance_samples_get_dir(samples));
}

/* ---- settings ---- */

static void on_settings_changed(GSettings *settings, const char *key, gpointer data)
{
    (void)settings;
    GlanceSearchPage *self = data;
    if (g_str_equal(key, "library-folders")) {
        rebuild_folders_list(self);
        self->paused = self->stopped = FALSE;
        if (self->started && !self->library && !self->opening)
            open_library(self);
        start_indexing(self);
        g_clear_pointer(&self->shown_query, g_free);
        run_search(self);
        show_content(self);
    } else if (g_str_equal(key, "precise-search")) {
        g_clear_pointer(&self->shown_query, g_free);
        run_search(self);
    }
}

/* Another model is chosen for search (in Preferences, or installed): the library indexes
 * with it, while the previous model's vectors keep answering searches until the new
 * ones are complete (serving_label says so); both stay in the database for switching back. */
static void on_models_changed(GlanceInference *inference, gpointer data)
{
    GlanceSearchPage *self = data;
    g_autofree char *path = glance_inference_dup_model_path(inference, GLANCE_MODEL_TASK_RETRIEVAL);
    if (self->started && g_strcmp0(path, self->model_path) != 0)
        open_library(self);
}

static void glance_search_page_map(GtkWidget *widget)
{
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    GTK_WIDGET_CLASS(glance_search_page_parent_class)->map(widget);
    if (!self->started) {
        self->started = TRUE;
        open_library(self);
    }
}

static void glance_search_page_dispose(GObject *object)
{
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(object);
    cancel_and_clear(&self->opening);
    cancel_and_clear(&self->indexing);
    cancel_and_clear(&self->searching);
    cancel_and_clear(&self->counting);
    g_clear_object(&self->library);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    g_clear_object(&self->results);
    g_clear_pointer(&self->shown_query, g_free);
    g_clear_pointer(&self->model_path, g_free);
    GApplication *app = g_application_get_default();
    if (GLANCE_IS_APPLICATION(app) && glance_application_get_inference(GLANCE_APPLICATION(app)))
        g_signal_handlers_disconnect_by_data(glance_application_get_inference(GLANCE_APPLICATION(app)), self);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_SEARCH_PAGE);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_search_page_parent_class)->dispose(object);
}

static void glance_search_page_class_init(GlanceSearchPageClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_search_page_dispose;
    widget_class->map = glance_search_page_map;

    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-search-page.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, search_entry);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, precise_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, folders_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, index_revealer);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, index_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, index_progress);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, pause_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, content_stack);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, unavailable_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, start_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, empty_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, results_grid);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, count_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, serving_label);
    gtk_widget_class_bind_template_callback(widget_class, on_search_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_search_activate);
    gtk_widget_class_bind_template_callback(widget_class, on_result_activated);

    gtk_widget_class_install_action(widget_class, "page.find-similar", "s", find_similar_action);
    gtk_widget_class_install_action(widget_class, "page.open-result", "u", open_result_action);
    gtk_widget_class_install_action(widget_class, "page.pause", NULL, pause_action);
    gtk_widget_class_install_action(widget_class, "page.stop", NULL, stop_action);
    gtk_widget_class_install_action(widget_class, "page.open", NULL, open_action);
    gtk_widget_class_install_action(widget_class, "page.focus-entry", NULL, focus_entry_action);
    gtk_widget_class_install_action(widget_class, "page.cancel", NULL, cancel_action);
    gtk_widget_class_install_action(widget_class, "page.toggle-precise", NULL, toggle_precise_action);
    gtk_widget_class_install_action(widget_class, "page.sample", NULL, sample_action);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "page.pause", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "page.toggle-precise", NULL);
}

static void glance_search_page_init(GlanceSearchPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_label_set_text(self->serving_label,
                       _("Re-indexing for the new model; results come from the previous model until it finishes."));
    self->results = g_list_store_new(GLANCE_TYPE_PHOTO_ITEM);
    GtkListItemFactory *factory = gtk_signal_list_item_factory_new();
    g_signal_connect(factory, "setup", G_CALLBACK(setup_tile), NULL);
    g_signal_connect(factory, "bind", G_CALLBACK(bind_tile), NULL);
    g_signal_connect(factory, "unbind", G_CALLBACK(unbind_tile), NULL);
    gtk_grid_view_set_factory(self->results_grid, factory);
    g_object_unref(factory);
    GtkNoSelection *selection = gtk_no_selection_new(g_object_ref(G_LIST_MODEL(self->results)));
    gtk_grid_view_set_model(self->results_grid, GTK_SELECTION_MODEL(selection));
    g_object_unref(selection);

    GApplication *app = g_application_get_default();
    GSettings *settings = GLANCE_IS_APPLICATION(app) ? glance_application_get_settings(GLANCE_APPLICATION(app)) : NULL;
    if (settings) {
        self->settings = g_object_ref(settings);
        g_settings_bind(settings, "precise-search", self->precise_button, "active", G_SETTINGS_BIND_DEFAULT);
        g_signal_connect(settings, "changed", G_CALLBACK(on_settings_changed), self);
        g_signal_connect(glance_application_get_inference(GLANCE_APPLICATION(app)), "models-changed",
                         G_CALLBACK(on_models_changed), self);
        rebuild_folders_list(self);
    }
    update_index_controls(self);
    show_content(self);
}

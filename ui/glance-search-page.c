/* glance-search-page.c — the Search page: the object, what it shows, and searching as
 * you type (glance_library_search_async). The library's lifecycle and indexing live in
 * glance-search-page-library.c, the page.* actions in glance-search-page-actions.c. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-failures-dialog.h"
#include "glance-folder-row.h"
#include "glance-library-search.h"
#include "glance-library-status.h"
#include "glance-photo-item.h"
#include "glance-photo-tile.h"
#include "glance-search-notices.h"
#include "glance-search-page-private.h"
#include "glance-window.h"

#define RESULTS_LIMIT 500
#define RERANK_CANDIDATES 40

/* The Filters popover's choices; the query grammar's --type names (docs/library.md). */
enum { TAKEN_ANY, TAKEN_WEEK, TAKEN_MONTH, TAKEN_YEAR, TAKEN_OLDER };
static const char *const type_filter_formats[] = { NULL, "jpeg", "png", "webp", "gif", "tiff" };

G_DEFINE_FINAL_TYPE(GlanceSearchPage, glance_search_page, GTK_TYPE_WIDGET)

gboolean glance_search_page_is_indexing(GlanceSearchPage *self) { return self->opening || self->indexing; }
guint glance_search_page_get_completed_index_runs(GlanceSearchPage *self) { return self->completed_index_runs; }
GListModel *glance_search_page_get_results(GlanceSearchPage *self) { return G_LIST_MODEL(self->results); }

void _glance_search_page_cancel(GCancellable **cancellable)
{
    if (*cancellable)
        g_cancellable_cancel(*cancellable);
    g_clear_object(cancellable);
}

SearchPageJob *_glance_search_page_job_new(GlanceSearchPage *self, GCancellable *cancellable)
{
    SearchPageJob *job = g_rc_box_new0(SearchPageJob);
    job->self = g_object_ref(self);
    job->cancellable = g_object_ref(cancellable);
    job->library = self->library ? g_object_ref(self->library) : NULL;
    return job;
}

static void page_job_clear(SearchPageJob *job)
{
    g_object_unref(job->self);
    g_object_unref(job->cancellable);
    g_clear_object(&job->library);
}

void _glance_search_page_job_unref(gpointer job) { g_rc_box_release_full(job, (GDestroyNotify)page_job_clear); }
SearchPageJob *_glance_search_page_job_ref(SearchPageJob *job) { return g_rc_box_acquire(job); }

char **_glance_search_page_dup_folders(GlanceSearchPage *self)
{
    return g_settings_get_strv(self->settings, "library-folders");
}

/* ---- what the page shows ---- */

void _glance_search_page_update_count_label(GlanceSearchPage *self)
{
    gtk_widget_set_visible(GTK_WIDGET(self->failures_button), self->library && self->counts.failed > 0);
    if (!self->library) {
        gtk_label_set_text(self->count_label, "");
        return;
    }
    /* Refreshed while an index job runs, so it agrees with "Indexing 12 of 16". */
    g_autofree char *indexed = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u photo indexed",
                                                           "%u photos indexed", self->counts.indexed),
                                               self->counts.indexed);
    gtk_label_set_text(self->count_label, indexed);
    if (self->counts.failed > 0) {
        /* The footer's link to the list of those files, with the reason for each. */
        g_autofree char *failed = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u could not be read",
                                                              "%u could not be read", self->counts.failed),
                                                  self->counts.failed);
        gtk_label_set_text(self->failures_label, failed);
    }
    g_autofree char *start = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE,
                    "%u photo can be searched. Type what you are looking for, such as “a red circle”.",
                    "%u photos can be searched. Type what you are looking for, such as “a red circle”.",
                    self->counts.indexed),
        self->counts.indexed);
    g_autofree char *described = glance_model_banner_describe(self->model_banner, start);
    adw_status_page_set_description(self->start_page, described);
}

void _glance_search_page_show_content(GlanceSearchPage *self)
{
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *query = g_strstrip(g_strdup(text));
    const char *page;
    if (self->similar_path && !*query)
        page = self->shown_query && g_list_model_get_n_items(G_LIST_MODEL(self->results)) > 0 ? "results" : "empty";
    else if (!folders[0])
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
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    glance_folder_rows_fill(self->folders_list, folders);
    gtk_widget_set_visible(GTK_WIDGET(self->folders_list), folders[0] != NULL);
}

/* ---- searching ---- */

/* The results shown with their judgement: "No good matches" over weaker ones, and any
 * other notice (unknown words, an example photo outside the model's world). */
static void show_results(GlanceSearchPage *self, GCancellable *cancellable, GPtrArray *found, GPtrArray *notices)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < found->len; i++) {
        GlanceSearchResult *r = found->pdata[i];
        g_ptr_array_add(items, glance_photo_item_new(r->path, r->score));
    }
    g_list_store_splice(self->results, 0, g_list_model_get_n_items(G_LIST_MODEL(self->results)),
                        items->pdata, items->len);
    gboolean no_good_match = glance_notices_find(notices, GLANCE_NOTICE_NO_GOOD_MATCH) != NULL;
    glance_notice_list_show(self->notice_list, notices, GLANCE_NOTICE_NO_GOOD_MATCH);
    gtk_widget_set_visible(self->no_good_match_label, no_good_match);
    gtk_widget_set_visible(self->weaker_label, no_good_match);
    gtk_widget_set_visible(self->judgement_box,
                           no_good_match || gtk_widget_get_visible(GTK_WIDGET(self->notice_list)));
    g_free(self->shown_query);
    self->shown_query = g_object_steal_data(G_OBJECT(cancellable), "query");
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *description = self->indexing || self->opening
        ? g_strdup(_("Photos are still being indexed; results appear as indexing goes on."))
        : *text ? g_strdup_printf(_("Nothing in the library matches “%s”."), text)
                : g_strdup(_("Nothing in the library matches the filters."));
    adw_status_page_set_description(self->empty_page, description);
    _glance_search_page_show_content(self);
}

typedef struct {
    SearchPageJob *job;
    GPtrArray *found;
} Searched;

static void searched_free(Searched *searched)
{
    _glance_search_page_job_unref(searched->job);
    g_ptr_array_unref(searched->found);
    g_free(searched);
}

static void on_judged(GObject *source, GAsyncResult *result, gpointer data)
{
    Searched *searched = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) notices = glance_search_notices_finish(GLANCE_LIBRARY(source), result, &error);
    GlanceSearchPage *self = searched->job->self;
    if (searched->job->cancellable == self->searching) {
        g_clear_object(&self->searching);
        if (!notices)   /* the results stand; only what to say about them is missing */
            g_warning("judging the search: %s", error->message);
        show_results(self, searched->job->cancellable, searched->found, notices);
    }
    searched_free(searched);
}

static void on_searched(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = glance_library_search_finish(GLANCE_LIBRARY(source), result, &error);
    GlanceSearchPage *self = job->self;
    if (job->cancellable != self->searching)
        return;
    if (!found) {
        g_clear_object(&self->searching);
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        /* A toast in a few words, naming a file by its name; the details on the entry. */
        g_autofree char *name = self->similar_path ? g_filename_display_basename(self->similar_path) : NULL;
        g_autofree char *message = name && error->domain != GLANCE_LIBRARY_ERROR /* the photo's own errors */
            ? g_strdup_printf(_("%s could not be read"), name) : g_strdup(_("The search could not run"));
        glance_show_toast(GTK_WIDGET(self), message);
        gtk_widget_add_css_class(GTK_WIDGET(self->search_entry), "error");
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), error->message);
        return;
    }
    /* Judged before shown, so weak results never appear as good ones first. */
    Searched *searched = g_new0(Searched, 1);
    searched->job = _glance_search_page_job_ref(job);
    searched->found = g_ptr_array_ref(found);
    GlanceQuery *query = g_object_get_data(G_OBJECT(job->cancellable), "glance-query");
    glance_search_notices_async(GLANCE_LIBRARY(source), query, found, job->cancellable, on_judged, searched);
}

static void apply_filters(GlanceSearchPage *self, GlanceSearchOptions *options, char **library_folders)
{
    options->folders = library_folders;
    guint folder = gtk_drop_down_get_selected(self->folder_filter);
    if (self->filter_folders && folder > 0 && folder <= g_strv_length(self->filter_folders)) {
        static char *chosen[2];
        chosen[0] = self->filter_folders[folder - 1];
        options->folders = chosen;   /* read by the async call, which copies options */
    }
    guint type = gtk_drop_down_get_selected(self->type_filter);
    if (type > 0 && type < G_N_ELEMENTS(type_filter_formats)) {
        static char *types[2];
        types[0] = (char *)type_filter_formats[type];
        options->types = types;
    }
    gint64 now = g_get_real_time() / G_USEC_PER_SEC, day = 24 * 3600;
    switch (gtk_drop_down_get_selected(self->date_filter)) {
    case TAKEN_WEEK: options->taken_after = now - 7 * day; break;
    case TAKEN_MONTH: options->taken_after = now - 30 * day; break;
    case TAKEN_YEAR: options->taken_after = now - 365 * day; break;
    case TAKEN_OLDER: options->taken_before = now - 365 * day; break;
    default: break;
    }
}

static gboolean filters_active(GlanceSearchPage *self)
{
    return gtk_drop_down_get_selected(self->date_filter) > 0 || gtk_drop_down_get_selected(self->folder_filter) > 0 ||
           gtk_drop_down_get_selected(self->type_filter) > 0;
}

void _glance_search_page_run_search(GlanceSearchPage *self)
{
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *query_text = g_strstrip(g_strdup(text));
    gtk_widget_remove_css_class(GTK_WIDGET(self->search_entry), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), NULL);
    _glance_search_page_cancel(&self->searching);
    if (!*query_text && !self->similar_path) {
        g_clear_pointer(&self->shown_query, g_free);
        g_list_store_remove_all(self->results);
        _glance_search_page_show_content(self);
        return;
    }
    if (!self->library)
        return;   /* runs again once the library is open */
    /* What the results on screen answer: the text, the similar photo and the filters. */
    g_autofree char *key = g_strdup_printf("%s\n%s\n%u %u %u", query_text, self->similar_path ? self->similar_path : "",
                                           gtk_drop_down_get_selected(self->date_filter),
                                           gtk_drop_down_get_selected(self->folder_filter),
                                           gtk_drop_down_get_selected(self->type_filter));
    /* Typing settles on text already searched (a delayed search-changed after a
     * programmatic set_text, Enter): nothing new to do. */
    if (g_strcmp0(self->shown_query, key) == 0)
        return;
    g_autoptr(GlanceQuery) query = glance_query_new();
    g_autoptr(GError) error = NULL;
    if (*query_text && !glance_query_parse(query, query_text, &error)) {
        gtk_widget_add_css_class(GTK_WIDGET(self->search_entry), "error");
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), error->message);
        return;
    }
    if (self->similar_path)
        glance_query_add_image(query, self->similar_path, 1.0);
    /* Re-checking matches photos against the query's words: a photo alone has none, so
     * Precise leaves such a search as the dual encoder ranks it. */
    gboolean has_text = FALSE;
    for (guint i = 0; i < glance_query_get_n_terms(query); i++) {
        const GlanceQueryTerm *term = glance_query_get_term(query, i);
        has_text |= term->kind == GLANCE_QUERY_TEXT && term->weight > 0;
    }
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    GlanceSearchOptions options;
    glance_search_options_init(&options);
    options.limit = RESULTS_LIMIT;
    options.rerank = has_text && g_settings_get_boolean(self->settings, "precise-search") ? RERANK_CANDIDATES : 0;
    apply_filters(self, &options, folders);
    self->searching = g_cancellable_new();
    g_object_set_data_full(G_OBJECT(self->searching), "query", g_steal_pointer(&key), g_free);
    g_object_set_data_full(G_OBJECT(self->searching), "glance-query", glance_query_ref(query),
                           (GDestroyNotify)glance_query_unref);
    glance_library_search_async(self->library, query, &options, self->searching, on_searched,
                                _glance_search_page_job_new(self, self->searching));
}

void _glance_search_page_find_similar(GlanceSearchPage *self, const char *path)
{
    g_free(self->similar_path);
    self->similar_path = g_strdup(path);
    gtk_widget_set_visible(self->similar_chip, path != NULL);
    if (path) {
        g_autofree char *name = g_filename_display_basename(path);
        /* Translators: a chip before the search entry; %s is a file name, "beach.jpg" */
        g_autofree char *label = g_strdup_printf(_("Similar to %s"), name);
        gtk_label_set_text(self->similar_label, label);
        gtk_widget_set_tooltip_text(self->similar_chip, path);
    }
    /* The chip is the query; typed text narrows it down. Emptying the entry must not
     * flash the start page. */
    g_signal_handlers_block_by_func(self->search_entry, _glance_search_page_on_search_changed, self);
    gtk_editable_set_text(GTK_EDITABLE(self->search_entry), "");
    g_signal_handlers_unblock_by_func(self->search_entry, _glance_search_page_on_search_changed, self);
    _glance_search_page_run_search(self);
}

static void clear_similar_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    _glance_search_page_find_similar(GLANCE_SEARCH_PAGE(widget), NULL);
}

static void on_filter_changed(GlanceSearchPage *self)
{
    /* The button lights up while a filter narrows the results. */
    if (filters_active(self))
        gtk_widget_add_css_class(GTK_WIDGET(self->filters_button), "filters-active");
    else
        gtk_widget_remove_css_class(GTK_WIDGET(self->filters_button), "filters-active");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->filters_button),
                                filters_active(self) ? _("Filters are on: only some photos are searched")
                                                     : _("Only photos from a time, a folder or of a type"));
    _glance_search_page_run_search(self);
}

static void rebuild_folder_filter(GlanceSearchPage *self)
{
    g_autofree char *selected = NULL;
    guint old = gtk_drop_down_get_selected(self->folder_filter);
    if (self->filter_folders && old > 0 && old <= g_strv_length(self->filter_folders))
        selected = g_strdup(self->filter_folders[old - 1]);
    g_strfreev(self->filter_folders);
    self->filter_folders = _glance_search_page_dup_folders(self);
    g_autoptr(GtkStringList) names = gtk_string_list_new(NULL);
    gtk_string_list_append(names, _("All folders"));
    guint keep = 0;
    for (guint i = 0; self->filter_folders[i]; i++) {
        g_autofree char *name = g_filename_display_basename(self->filter_folders[i]);
        gtk_string_list_append(names, name);
        if (!g_strcmp0(selected, self->filter_folders[i]))
            keep = i + 1;
    }
    g_signal_handlers_block_by_func(self->folder_filter, on_filter_changed, self);
    gtk_drop_down_set_model(self->folder_filter, G_LIST_MODEL(names));
    gtk_drop_down_set_selected(self->folder_filter, keep);
    g_signal_handlers_unblock_by_func(self->folder_filter, on_filter_changed, self);
}

static void setup_filters(GlanceSearchPage *self)
{
    const char *const dates[] = { _("Any time"), _("In the last 7 days"), _("In the last 30 days"),
                                  _("In the last 12 months"), _("More than a year ago"), NULL };
    g_autoptr(GtkStringList) date_names = gtk_string_list_new(dates);
    gtk_drop_down_set_model(self->date_filter, G_LIST_MODEL(date_names));
    const char *const types[] = { _("Any type"), "JPEG", "PNG", "WebP", "GIF", "TIFF", NULL };
    g_autoptr(GtkStringList) type_names = gtk_string_list_new(types);
    gtk_drop_down_set_model(self->type_filter, G_LIST_MODEL(type_names));
    rebuild_folder_filter(self);
    g_signal_connect_swapped(self->date_filter, "notify::selected", G_CALLBACK(on_filter_changed), self);
    g_signal_connect_swapped(self->folder_filter, "notify::selected", G_CALLBACK(on_filter_changed), self);
    g_signal_connect_swapped(self->type_filter, "notify::selected", G_CALLBACK(on_filter_changed), self);
}

/* ---- first run: the Pictures folder ---- */

static const char *pictures_folder(void)
{
    const char *dir = g_get_user_special_dir(G_USER_DIRECTORY_PICTURES);
    /* xdg-user-dirs points unset folders at home: never offer the whole home folder. */
    if (!dir || !g_strcmp0(dir, g_get_home_dir()) || !g_file_test(dir, G_FILE_TEST_IS_DIR))
        return NULL;
    return dir;
}

static void add_pictures_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)widget, (void)name, (void)param;
    const char *dir = pictures_folder();
    if (dir)
        glance_application_add_library_folder(GLANCE_APPLICATION_DEFAULT, dir);
}

static void offer_pictures(GlanceSearchPage *self)
{
    const char *dir = pictures_folder();
    gtk_widget_set_visible(GTK_WIDGET(self->pictures_button), dir != NULL);
    /* With the Pictures folder offered, it is the suggested first step. */
    if (dir) {
        g_autofree char *name = g_filename_display_basename(dir);
        /* Translators: %s is the Pictures folder's name as the desktop shows it */
        g_autofree char *label = g_strdup_printf(_("Add “%s”"), name);
        gtk_button_set_label(self->pictures_button, label);
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->pictures_button), dir);
    }
}

/* ---- the files that could not be read ---- */

static void on_failures_forgotten(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
    g_autoptr(GError) error = NULL;
    GlanceSearchPage *self = job->self;
    if (!glance_library_forget_failures_finish(GLANCE_LIBRARY(source), result, &error)) {
        g_autofree char *message = g_strdup_printf(_("Could not retry: %s"), error->message);
        glance_show_toast(GTK_WIDGET(self), message);
        return;
    }
    if (job->library != self->library)
        return;
    self->paused = self->stopped = FALSE;
    _glance_search_page_refresh_counts(self);
    _glance_search_page_start_indexing(self);
}

static void on_retry(GlanceFailuresDialog *dialog, gpointer data)
{
    (void)dialog;
    GlanceSearchPage *self = data;
    if (!self->library)
        return;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    glance_library_forget_failures_async(self->library, NULL, cancellable, on_failures_forgotten,
                                         _glance_search_page_job_new(self, cancellable));
}

static void on_failures_listed(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) failures = glance_library_list_failures_finish(GLANCE_LIBRARY(source), result, &error);
    GlanceSearchPage *self = job->self;
    if (!failures) {
        g_autofree char *message = g_strdup_printf(_("Could not list the files: %s"), error->message);
        glance_show_toast(GTK_WIDGET(self), message);
        return;
    }
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    GlanceFailuresDialog *dialog = glance_failures_dialog_new(GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL, failures);
    g_signal_connect_object(dialog, "retry", G_CALLBACK(on_retry), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

void _glance_search_page_show_failures(GlanceSearchPage *self)
{
    if (!self->library)
        return;
    /* Every recorded failure, as the footer counts them (glance_library_get_counts). */
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    glance_library_list_failures_async(self->library, NULL, cancellable, on_failures_listed,
                                       _glance_search_page_job_new(self, cancellable));
}

static void show_failures_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    _glance_search_page_show_failures(GLANCE_SEARCH_PAGE(widget));
}

void _glance_search_page_on_search_changed(GlanceSearchPage *self)
{
    _glance_search_page_run_search(self);
}

static void on_search_activate(GlanceSearchPage *self)
{
    /* Enter opens the best result, if the results on screen are for this text. */
    if (!self->searching && g_list_model_get_n_items(G_LIST_MODEL(self->results)) > 0)
        gtk_widget_activate_action(GTK_WIDGET(self), "page.open-result", "u", 0);
}

/* ---- results ---- */

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

/* ---- settings ---- */

static void on_settings_changed(GSettings *settings, const char *key, gpointer data)
{
    (void)settings;
    GlanceSearchPage *self = data;
    if (g_str_equal(key, "library-folders")) {
        rebuild_folders_list(self);
        rebuild_folder_filter(self);
        self->paused = self->stopped = FALSE;
        if (self->started && !self->library && !self->opening)
            _glance_search_page_open_library(self);
        _glance_search_page_start_indexing(self);
        g_clear_pointer(&self->shown_query, g_free);
        _glance_search_page_run_search(self);
        _glance_search_page_show_content(self);
    } else if (g_str_equal(key, "precise-search")) {
        g_clear_pointer(&self->shown_query, g_free);
        _glance_search_page_run_search(self);
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
        _glance_search_page_open_library(self);
}

static void glance_search_page_map(GtkWidget *widget)
{
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    GTK_WIDGET_CLASS(glance_search_page_parent_class)->map(widget);
    if (!self->started) {
        self->started = TRUE;
        _glance_search_page_open_library(self);
    }
}

static void glance_search_page_dispose(GObject *object)
{
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(object);
    _glance_search_page_cancel(&self->opening);
    _glance_search_page_cancel(&self->indexing);
    g_clear_handle_id(&self->count_tick, g_source_remove);
    _glance_search_page_cancel(&self->searching);
    _glance_search_page_cancel(&self->counting);
    g_clear_object(&self->library);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    g_clear_object(&self->results);
    g_clear_pointer(&self->shown_query, g_free);
    g_clear_pointer(&self->model_path, g_free);
    g_clear_pointer(&self->similar_path, g_free);
    g_clear_pointer(&self->filter_folders, g_strfreev);
    GApplication *app = g_application_get_default();
    if (GLANCE_IS_APPLICATION(app) && glance_application_get_inference(GLANCE_APPLICATION(app)))
        g_signal_handlers_disconnect_by_data(glance_application_get_inference(GLANCE_APPLICATION(app)), self);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_SEARCH_PAGE);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_search_page_parent_class)->dispose(object);
}

/* While the built-in model searches, the empty states say what it sees, as the banner. */
static void on_banner_changed(GlanceSearchPage *self)
{
    g_autofree char *no_folders = glance_model_banner_describe(
        self->model_banner, _("Add a folder of photos. Glance indexes them on this computer, then finds them from a "
                              "description of what is in them."));
    adw_status_page_set_description(self->no_folders_page, no_folders);
    _glance_search_page_update_count_label(self);
}

static void glance_search_page_class_init(GlanceSearchPageClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_search_page_dispose;
    widget_class->map = glance_search_page_map;

    g_type_ensure(GLANCE_TYPE_MODEL_BANNER);
    g_type_ensure(GLANCE_TYPE_NOTICE_LIST);
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
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, failures_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, failures_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, similar_chip);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, similar_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, filters_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, date_filter);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, folder_filter);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, type_filter);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, pictures_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, model_banner);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, no_folders_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, judgement_box);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, no_good_match_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, notice_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceSearchPage, weaker_label);
    gtk_widget_class_bind_template_callback_full(widget_class, "on_search_changed",
                                                 G_CALLBACK(_glance_search_page_on_search_changed));
    gtk_widget_class_bind_template_callback(widget_class, on_search_activate);
    gtk_widget_class_bind_template_callback(widget_class, on_banner_changed);
    gtk_widget_class_bind_template_callback_full(widget_class, "on_result_activated",
                                                 G_CALLBACK(_glance_search_page_open_result));
    _glance_search_page_install_actions(widget_class);
    gtk_widget_class_install_action(widget_class, "page.clear-similar", NULL, clear_similar_action);
    gtk_widget_class_install_action(widget_class, "page.add-pictures", NULL, add_pictures_action);
    gtk_widget_class_install_action(widget_class, "page.show-failures", NULL, show_failures_action);
}

static void glance_search_page_init(GlanceSearchPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    on_banner_changed(self);
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
    setup_filters(self);
    offer_pictures(self);
    _glance_search_page_update_index_controls(self);
    _glance_search_page_show_content(self);
}

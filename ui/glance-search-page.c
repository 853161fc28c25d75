/* glance-search-page.c — the Search page: the object, what it shows, and searching as
 * you type (glance_library_search_async). The library's lifecycle and indexing live in
 * glance-search-page-library.c, the page.* actions in glance-search-page-actions.c. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-folder-row.h"
#include "glance-library-search.h"
#include "glance-photo-item.h"
#include "glance-photo-tile.h"
#include "glance-search-page-private.h"
#include "glance-window.h"

#define RESULTS_LIMIT 500
#define RERANK_CANDIDATES 40

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

void _glance_search_page_show_content(GlanceSearchPage *self)
{
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
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
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    glance_folder_rows_fill(self->folders_list, folders);
    gtk_widget_set_visible(GTK_WIDGET(self->folders_list), folders[0] != NULL);
}

/* ---- searching ---- */

static void on_searched(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(SearchPageJob) job = data;
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
    _glance_search_page_show_content(self);
}

void _glance_search_page_run_search(GlanceSearchPage *self)
{
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->search_entry));
    g_autofree char *query_text = g_strstrip(g_strdup(text));
    gtk_widget_remove_css_class(GTK_WIDGET(self->search_entry), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->search_entry), NULL);
    _glance_search_page_cancel(&self->searching);
    if (!*query_text) {
        g_clear_pointer(&self->shown_query, g_free);
        g_list_store_remove_all(self->results);
        _glance_search_page_show_content(self);
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
    g_auto(GStrv) folders = _glance_search_page_dup_folders(self);
    GlanceSearchOptions options;
    glance_search_options_init(&options);
    options.limit = RESULTS_LIMIT;
    options.rerank = g_settings_get_boolean(self->settings, "precise-search") ? RERANK_CANDIDATES : 0;
    options.folders = folders;
    self->searching = g_cancellable_new();
    g_object_set_data_full(G_OBJECT(self->searching), "query", g_strdup(query_text), g_free);
    glance_library_search_async(self->library, query, &options, self->searching, on_searched,
                                _glance_search_page_job_new(self, self->searching));
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
    _glance_search_page_cancel(&self->searching);
    _glance_search_page_cancel(&self->counting);
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
    gtk_widget_class_bind_template_callback_full(widget_class, "on_search_changed",
                                                 G_CALLBACK(_glance_search_page_on_search_changed));
    gtk_widget_class_bind_template_callback(widget_class, on_search_activate);
    gtk_widget_class_bind_template_callback_full(widget_class, "on_result_activated",
                                                 G_CALLBACK(_glance_search_page_open_result));
    _glance_search_page_install_actions(widget_class);

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
    _glance_search_page_update_index_controls(self);
    _glance_search_page_show_content(self);
}

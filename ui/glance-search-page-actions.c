/* glance-search-page-actions.c — the page.* actions of the Search page and their keys;
 * what a result does when activated (the viewer) and the actions its viewer and its
 * context menu offer on a photo (each takes the photo's path). */
#include "config.h"
#include "glance-application.h"
#include "glance-compare-page.h"
#include "glance-library-search.h"
#include "glance-photo-actions.h"
#include "glance-photo-viewer.h"
#include "glance-search-page-private.h"
#include "glance-window.h"

static void find_similar_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    _glance_search_page_find_similar(GLANCE_SEARCH_PAGE(widget), g_variant_get_string(param, NULL));
}

/* The words the results were found by, for "why this result?": the query's heaviest
 * text (shown_query's first line is the text searched); NULL for none. */
static char *shown_search_text(GlanceSearchPage *self)
{
    if (!self->shown_query)
        return NULL;
    g_autofree char *text = g_strndup(self->shown_query, strcspn(self->shown_query, "\n"));
    g_autoptr(GlanceQuery) query = glance_query_new();
    if (!*g_strstrip(text) || !glance_query_parse(query, text, NULL))
        return NULL;
    const GlanceQueryTerm *best = NULL;
    for (guint i = 0; i < glance_query_get_n_terms(query); i++) {
        const GlanceQueryTerm *term = glance_query_get_term(query, i);
        if (term->kind == GLANCE_QUERY_TEXT && term->weight > 0 && (!best || term->weight > best->weight))
            best = term;
    }
    return best ? g_strdup(best->value) : NULL;
}

/* A click, Enter on a result, or Enter in the entry (the best result): the viewer. */
void _glance_search_page_open_result(GlanceSearchPage *self, guint position)
{
    if (position >= g_list_model_get_n_items(G_LIST_MODEL(self->results)))
        return;
    GlancePhotoViewer *viewer = glance_photo_viewer_new(GTK_WIDGET(self), G_LIST_MODEL(self->results), position);
    g_autofree char *search_text = shown_search_text(self);
    glance_photo_viewer_set_search_text(viewer, search_text);
    gtk_window_present(GTK_WINDOW(viewer));
}

static void ask_about_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    GtkRoot *root = gtk_widget_get_root(widget);
    if (!GLANCE_IS_WINDOW(root))
        return;
    g_autoptr(GFile) file = g_file_new_for_path(g_variant_get_string(param, NULL));
    glance_window_open_files(GLANCE_WINDOW(root), &file, 1);
}

static void compare_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    GtkRoot *root = gtk_widget_get_root(widget);
    if (!GLANCE_IS_WINDOW(root))
        return;
    g_autoptr(GFile) file = g_file_new_for_path(g_variant_get_string(param, NULL));
    glance_window_set_page(GLANCE_WINDOW(root), "compare");
    glance_compare_page_load_file(GLANCE_COMPARE_PAGE(glance_window_get_page(GLANCE_WINDOW(root), "compare")), file);
}

static void open_with_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    GtkRoot *root = gtk_widget_get_root(widget);
    glance_photo_open_with(GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL, g_variant_get_string(param, NULL));
}

static void show_in_files_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    glance_photo_show_in_files(widget, g_variant_get_string(param, NULL));
}

static void open_result_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    _glance_search_page_open_result(GLANCE_SEARCH_PAGE(widget), g_variant_get_uint32(param));
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
        _glance_search_page_start_indexing(self);
    }
    _glance_search_page_update_index_controls(self);
}

static void stop_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceSearchPage *self = GLANCE_SEARCH_PAGE(widget);
    self->stopped = TRUE;
    self->paused = FALSE;
    _glance_search_page_cancel(&self->indexing);
    _glance_search_page_update_index_controls(self);
    _glance_search_page_refresh_counts(self);
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

void _glance_search_page_install_actions(GtkWidgetClass *widget_class)
{
    gtk_widget_class_install_action(widget_class, "page.find-similar", "s", find_similar_action);
    gtk_widget_class_install_action(widget_class, "page.open-result", "u", open_result_action);
    gtk_widget_class_install_action(widget_class, "page.ask-about", "s", ask_about_action);
    gtk_widget_class_install_action(widget_class, "page.compare", "s", compare_action);
    gtk_widget_class_install_action(widget_class, "page.open-with", "s", open_with_action);
    gtk_widget_class_install_action(widget_class, "page.show-in-files", "s", show_in_files_action);
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

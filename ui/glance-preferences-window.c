/* glance-preferences-window.c — which model serves each task lives in the model
 * registry (app/models), shared with glance-cli; the other settings are GSettings keys
 * bound to their controls. The catalogue is a list of GlanceCatalogueRow, the folders of
 * GlanceFolderRow; the checkpoint import is in glance-preferences-window-import.c. An
 * installed or imported model takes the tasks that still use the built-in model (app/models
 * decides); a task that keeps a model someone chose is asked (glance-switch-offer.h). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-catalogue-row.h"
#include "glance-folder-row.h"
#include "glance-model-info.h"
#include "glance-catalogue-sizes.h"
#include "glance-preferences-window-private.h"
#include "glance-switch-offer.h"
#include "glance-window.h"

G_DEFINE_FINAL_TYPE(GlancePreferencesWindow, glance_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void reload_models(GlancePreferencesWindow *self);

static AdwComboRow *combo_for(GlancePreferencesWindow *self, GlanceModelTask task)
{
    AdwComboRow *rows[] = { self->vqa_row, self->nlvr2_row, self->retrieval_row };
    return rows[task];
}

/* ---- registry edits (app/models runs them in a thread: they take a file lock) ---- */

static void on_registry_edited(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlancePreferencesWindow) self = data;
    g_autoptr(GError) error = NULL;
    if (!glance_models_edit_finish(result, &error)) {
        g_autofree char *message = g_strdup_printf(_("The choice could not be saved: %s"), error->message);
        glance_show_toast(GTK_WIDGET(self), message);
    }
    glance_inference_reload_models(self->inference);   /* the pages follow; this window reloads */
}

/* ---- model choosers ---- */

static gboolean supports_task(gpointer item, gpointer data)
{
    return glance_model_info_supports(item, GPOINTER_TO_INT(data));
}

static void on_combo_selected(AdwComboRow *row, GParamSpec *pspec, gpointer data)
{
    (void)pspec;
    GlancePreferencesWindow *self = data;
    if (self->updating_rows || !self->models)
        return;
    for (GlanceModelTask t = GLANCE_MODEL_TASK_VQA; t <= GLANCE_MODEL_TASK_RETRIEVAL; t++) {
        GlanceModelInfo *info = combo_for(self, t) == row ? adw_combo_row_get_selected_item(row) : NULL;
        if (!info || g_str_equal(glance_model_info_get_name(info), self->models->defaults[t]))
            continue;
        const char *name = glance_model_info_get_name(info);
        g_free(self->models->defaults[t]);
        self->models->defaults[t] = g_strdup(name);
        glance_models_set_default_async(t, name, NULL, on_registry_edited, g_object_ref(self));
    }
}

static void on_models_listed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GError) error = NULL;
    GlanceModelList *models = glance_model_list_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the window closed, or a newer listing runs */
    GlancePreferencesWindow *self = data;
    g_clear_object(&self->listing);
    if (!models) {
        g_autofree char *message = g_strdup_printf(_("The installed models could not be listed: %s"), error->message);
        glance_show_toast(GTK_WIDGET(self), message);
        return;
    }
    g_clear_pointer(&self->models, glance_model_list_free);
    self->models = models;
    self->updating_rows = TRUE;
    for (GlanceModelTask t = GLANCE_MODEL_TASK_VQA; t <= GLANCE_MODEL_TASK_RETRIEVAL; t++) {
        GtkCustomFilter *filter = gtk_custom_filter_new(supports_task, GINT_TO_POINTER(t), NULL);
        GtkFilterListModel *filtered = gtk_filter_list_model_new(g_object_ref(G_LIST_MODEL(models->models)),
                                                                 GTK_FILTER(filter));
        AdwComboRow *row = combo_for(self, t);
        adw_combo_row_set_model(row, G_LIST_MODEL(filtered));
        guint n = g_list_model_get_n_items(G_LIST_MODEL(filtered)), selected = 0;
        for (guint i = 0; i < n; i++) {
            g_autoptr(GlanceModelInfo) info = g_list_model_get_item(G_LIST_MODEL(filtered), i);
            if (g_str_equal(glance_model_info_get_name(info), models->defaults[t]))
                selected = i;
        }
        adw_combo_row_set_selected(row, n ? selected : GTK_INVALID_LIST_POSITION);
        gtk_widget_set_sensitive(GTK_WIDGET(row), n > 1);
        g_object_unref(filtered);
    }
    self->updating_rows = FALSE;
}

/* ---- the catalogue: the recommended set, then every other model (a GlanceCatalogueRow each) ---- */

static gboolean is_installed(const GlanceModelList *models, const char *name)
{
    for (guint i = 0; models && i < g_list_model_get_n_items(G_LIST_MODEL(models->models)); i++) {
        g_autoptr(GlanceModelInfo) info = g_list_model_get_item(G_LIST_MODEL(models->models), i);
        if (g_str_equal(glance_model_info_get_name(info), name))
            return TRUE;
    }
    return FALSE;
}

/* Every GlanceCatalogueRow of both lists, in order. */
static GPtrArray *catalogue_rows(GlancePreferencesWindow *self)
{
    GPtrArray *rows = g_ptr_array_new();
    GtkListBox *lists[] = { self->recommended_list, self->catalogue_list };
    for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
        for (GtkWidget *row = gtk_widget_get_first_child(GTK_WIDGET(lists[l])); row;
             row = gtk_widget_get_next_sibling(row))
            if (GLANCE_IS_CATALOGUE_ROW(row))
                g_ptr_array_add(rows, row);
    return rows;
}

static void show_catalogue_rows(GlancePreferencesWindow *self)
{
    g_autoptr(GPtrArray) rows = catalogue_rows(self);
    for (guint i = 0; i < rows->len; i++)
        glance_catalogue_row_set_installed(rows->pdata[i],
                                           is_installed(self->models, glance_catalogue_row_get_name(rows->pdata[i])));
    glance_recommended_install_refresh(self->recommended_install);
}

static void on_catalogue_models_changed(GlancePreferencesWindow *self)
{
    glance_inference_reload_models(self->inference);   /* the pages follow; this window reloads */
}

/* A model just installed or imported: the tasks that keep another model are asked. */
static void offer_switch(GlancePreferencesWindow *self, const char *const *names)
{
    glance_offer_switch(GTK_WINDOW(self), self->inference, names);
}

static void on_row_installed(GlancePreferencesWindow *self, const char *name)
{
    offer_switch(self, (const char *const[]){ name, NULL });
}

static void on_sizes(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceCatalogueSizes) sizes = glance_catalogue_sizes_fetch_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the window closed, or Retry asks again */
    GlancePreferencesWindow *self = data;
    g_clear_object(&self->sizing);
    if (!sizes)
        return;
    gboolean unreachable = FALSE;
    g_autoptr(GPtrArray) rows = catalogue_rows(self);
    for (guint i = 0; i < rows->len; i++) {
        const GError *why = NULL;
        guint64 bytes = glance_catalogue_sizes_get(sizes, glance_catalogue_row_get_name(rows->pdata[i]), &why);
        glance_catalogue_row_set_size(rows->pdata[i], bytes, why);
        unreachable |= g_error_matches(why, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->offline_row), unreachable);
}

static void clear_catalogue(GlancePreferencesWindow *self)
{
    g_autoptr(GPtrArray) rows = catalogue_rows(self);
    for (guint i = 0; i < rows->len; i++)
        gtk_list_box_remove(GTK_LIST_BOX(gtk_widget_get_parent(rows->pdata[i])), rows->pdata[i]);
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->catalogue_list))))
        gtk_list_box_remove(self->catalogue_list, child);   /* "cannot be read" */
}

static void build_catalogue(GlancePreferencesWindow *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    gtk_widget_set_visible(GTK_WIDGET(self->offline_row), FALSE);
    if (!catalogue) {
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("The catalogue of models cannot be read"));
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), error->message);
        gtk_list_box_append(self->catalogue_list, row);
        gtk_widget_set_visible(GTK_WIDGET(self->recommended_install), FALSE);
        return;
    }
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
        GtkWidget *row = glance_catalogue_row_new(entry);
        g_signal_connect_swapped(row, "models-changed", G_CALLBACK(on_catalogue_models_changed), self);
        g_signal_connect_swapped(row, "installed", G_CALLBACK(on_row_installed), self);
        gboolean recommended = entry->recommended_for && entry->recommended_for[0];
        gtk_list_box_append(recommended ? self->recommended_list : self->catalogue_list, row);
        if (recommended)   /* the set's rows wait while the set installs them (their Get would find it busy) */
            g_object_bind_property(self->recommended_install, "busy", row, "sensitive",
                                   G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
    }
    glance_recommended_install_set_catalogue(self->recommended_install, catalogue);
    if (self->sizing)
        g_cancellable_cancel(self->sizing);
    g_clear_object(&self->sizing);
    self->sizing = g_cancellable_new();
    glance_catalogue_sizes_fetch_async(catalogue, self->sizing, on_sizes, self);
}

/* Retry after "Can't reach the download server": the catalogue is read and asked again. */
static void on_retry_clicked(GlancePreferencesWindow *self)
{
    clear_catalogue(self);
    build_catalogue(self);
    show_catalogue_rows(self);
}

void glance_preferences_window_show_models(GlancePreferencesWindow *self)
{
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(self), self->catalogue_page);
}

static void on_models_listed_then_catalogue(GObject *source, GAsyncResult *result, gpointer data)
{
    if (g_cancellable_is_cancelled(g_task_get_cancellable(G_TASK(result))))
        return;   /* the window may be gone */
    GlancePreferencesWindow *self = data;
    on_models_listed(source, result, data);
    show_catalogue_rows(self);
}

static void reload_models(GlancePreferencesWindow *self)
{
    if (self->listing)
        g_cancellable_cancel(self->listing);
    g_clear_object(&self->listing);
    self->listing = g_cancellable_new();
    glance_model_list_async(self->listing, on_models_listed_then_catalogue, self);
}

/* ---- library folders ---- */

static void rebuild_folders(GlancePreferencesWindow *self)
{
    g_auto(GStrv) folders = g_settings_get_strv(self->settings, "library-folders");
    glance_folder_rows_fill(self->folders_list, folders);
    if (!folders[0]) {
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("No folders yet"));
        gtk_widget_add_css_class(row, "dim-label");
        gtk_list_box_append(self->folders_list, row);
    }
}

/* ---- object ---- */

static void on_folders_changed(GSettings *settings, const char *key, gpointer data)
{
    (void)settings, (void)key;
    rebuild_folders(data);
}

static void glance_preferences_window_dispose(GObject *object)
{
    GlancePreferencesWindow *self = GLANCE_PREFERENCES_WINDOW(object);
    if (self->listing)
        g_cancellable_cancel(self->listing);
    g_clear_object(&self->listing);
    if (self->importing)
        g_cancellable_cancel(self->importing);
    g_clear_object(&self->importing);
    if (self->sizing)
        g_cancellable_cancel(self->sizing);
    g_clear_object(&self->sizing);
    if (self->chooser)
        gtk_native_dialog_destroy(GTK_NATIVE_DIALOG(self->chooser));
    g_clear_object(&self->chooser);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    if (self->inference)
        g_signal_handlers_disconnect_by_data(self->inference, self);
    g_clear_object(&self->inference);
    g_clear_pointer(&self->models, glance_model_list_free);
    g_clear_pointer(&self->import_name, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_PREFERENCES_WINDOW);
    G_OBJECT_CLASS(glance_preferences_window_parent_class)->dispose(object);
}

static void glance_preferences_window_class_init(GlancePreferencesWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_preferences_window_dispose;
    g_type_ensure(GLANCE_TYPE_RECOMMENDED_INSTALL);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/io/github/glance/Glance/ui/glance-preferences-window.ui");
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, vqa_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, nlvr2_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, retrieval_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, import_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, import_progress_box);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, import_progress);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, import_icon);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, threads_spin);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, answers_spin);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, folders_list);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, catalogue_list);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, recommended_list);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, offline_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, catalogue_page);
    gtk_widget_class_bind_template_child(widget_class, GlancePreferencesWindow, recommended_install);
    gtk_widget_class_bind_template_callback(widget_class, on_retry_clicked);
    gtk_widget_class_bind_template_callback_full(widget_class, "on_import_activated",
                                                 G_CALLBACK(_glance_preferences_window_choose_checkpoint));
    gtk_widget_class_bind_template_callback_full(widget_class, "on_import_cancel_clicked",
                                                 G_CALLBACK(_glance_preferences_window_cancel_import));
}

static void glance_preferences_window_init(GlancePreferencesWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    for (GlanceModelTask t = GLANCE_MODEL_TASK_VQA; t <= GLANCE_MODEL_TASK_RETRIEVAL; t++) {
        AdwComboRow *row = combo_for(self, t);
        adw_combo_row_set_expression(row, gtk_property_expression_new(GLANCE_TYPE_MODEL_INFO, NULL, "title"));
        g_signal_connect(row, "notify::selected", G_CALLBACK(on_combo_selected), self);
    }
}

GlancePreferencesWindow *glance_preferences_window_new(GlanceApplication *app)
{
    GlancePreferencesWindow *self = g_object_new(GLANCE_TYPE_PREFERENCES_WINDOW, NULL);
    self->settings = g_object_ref(glance_application_get_settings(app));
    self->inference = g_object_ref(glance_application_get_inference(app));
    g_settings_bind(self->settings, "threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "answer-count", self->answers_spin, "value", G_SETTINGS_BIND_DEFAULT);
    g_signal_connect(self->settings, "changed::library-folders", G_CALLBACK(on_folders_changed), self);
    g_signal_connect_swapped(self->inference, "models-changed", G_CALLBACK(reload_models), self);
    g_signal_connect_swapped(self->recommended_install, "models-changed", G_CALLBACK(on_catalogue_models_changed),
                             self);
    g_signal_connect_swapped(self->recommended_install, "installed", G_CALLBACK(offer_switch), self);
    rebuild_folders(self);
    build_catalogue(self);
    reload_models(self);
    return self;
}

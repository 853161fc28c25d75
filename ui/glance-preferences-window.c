/* glance-preferences-window.c — which model serves each task lives in the model
 * registry (app/models), shared with glance-cli; the other settings are GSettings keys
 * bound to their controls. An import runs glance_model_import_async() and a catalogue
 * "Get" runs glance_model_install_async(), each with its progress in its row; whatever
 * finishes is registered and becomes the default for its tasks. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-catalogue.h"
#include "glance-model-import.h"
#include "glance-model-info.h"
#include "glance-model-install.h"
#include "glance-preferences-window.h"
#include "glance-window.h"

struct _GlancePreferencesWindow {
    AdwPreferencesWindow parent_instance;
    AdwComboRow *vqa_row;
    AdwComboRow *nlvr2_row;
    AdwComboRow *retrieval_row;
    AdwActionRow *import_row;
    GtkBox *import_progress_box;
    GtkProgressBar *import_progress;
    GtkImage *import_icon;
    GtkSpinButton *threads_spin;
    GtkSpinButton *answers_spin;
    GtkListBox *folders_list;
    GtkListBox *catalogue_list;

    GSettings *settings;
    GlanceInference *inference;
    GlanceModelList *models;
    GCancellable *listing;
    GCancellable *importing;
    GtkFileChooserNative *chooser;
    GPtrArray *catalogue_rows;   /* of CatalogueRow */
    gboolean updating_rows;      /* selecting from the registry, not from the user */
};

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
    if (!glance_models_edit_finish(result, &error))
        glance_show_toast(GTK_WIDGET(self), error->message);
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
        glance_show_toast(GTK_WIDGET(self), error->message);
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

/* ---- the catalogue ---- */

typedef struct {
    GlancePreferencesWindow *self;   /* not a reference: the window outlives its rows' jobs' UI */
    GlanceCatalogueEntry *entry;
    AdwActionRow *row;
    GtkStack *state;                 /* "get", "busy", "installed" */
    GtkButton *get_button;
    GtkProgressBar *progress;
    GCancellable *installing;
} CatalogueRow;

static void catalogue_row_free(CatalogueRow *row)
{
    if (row->installing)
        g_cancellable_cancel(row->installing);
    g_clear_object(&row->installing);
    glance_catalogue_entry_free(row->entry);
    g_free(row);
}

static char *describe_tasks(GStrv tasks)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    for (char **t = tasks; t && *t; t++)
        g_strv_builder_add(names, g_str_equal(*t, GLANCE_TASK_VQA) ? _("questions")
                                  : g_str_equal(*t, GLANCE_TASK_NLVR2) ? _("comparing")
                                  : _("search"));
    g_auto(GStrv) list = g_strv_builder_end(names);
    return g_strjoinv(", ", list);
}

static char *describe_entry(const GlanceCatalogueEntry *entry)
{
    g_autofree char *size = entry->size ? g_format_size(entry->size) : g_strdup(_("size unknown"));
    g_autofree char *tasks = describe_tasks(entry->tasks);
    GString *text = g_string_new(NULL);
    /* Translators: a catalogue model: its download size, then the tasks it serves */
    g_string_append_printf(text, _("%s · for %s"), size, tasks);
    for (guint i = 0; entry->published_metrics && entry->published_metrics[i]; i++)
        /* Translators: a published accuracy, e.g. "VQAv2 test-dev 76.6%" */
        g_string_append_printf(text, _(" · %s %.1f%%"), entry->published_metrics[i], entry->published_values[i]);
    return g_string_free(text, FALSE);
}

static void show_catalogue_row(CatalogueRow *row, const GlanceModelList *models)
{
    gboolean installed = FALSE;
    for (guint i = 0; models && i < g_list_model_get_n_items(G_LIST_MODEL(models->models)); i++) {
        g_autoptr(GlanceModelInfo) info = g_list_model_get_item(G_LIST_MODEL(models->models), i);
        installed |= g_str_equal(glance_model_info_get_name(info), row->entry->name);
    }
    if (row->installing)
        gtk_stack_set_visible_child_name(row->state, "busy");
    else if (installed)
        gtk_stack_set_visible_child_name(row->state, "installed");
    else {
        gboolean partial = glance_model_install_partial_size(NULL, row->entry->name) > 0;
        gtk_button_set_label(row->get_button, partial ? _("_Resume") : _("_Get"));
        gtk_stack_set_visible_child_name(row->state, "get");
    }
}

/* The row installing with `cancellable`, or NULL when its window has closed. */
static CatalogueRow *row_for_job(GCancellable *cancellable)
{
    GlancePreferencesWindow *self = g_object_get_data(G_OBJECT(cancellable), "window");
    for (guint i = 0; self && i < self->catalogue_rows->len; i++)
        if (((CatalogueRow *)self->catalogue_rows->pdata[i])->installing == cancellable)
            return self->catalogue_rows->pdata[i];
    return NULL;
}

static void on_install_progress(const GlanceInstallProgress *progress, gpointer data)
{
    CatalogueRow *row = row_for_job(data);
    if (!row)
        return;
    if (progress->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        g_autofree char *done = g_format_size(progress->bytes_done);
        g_autofree char *total = progress->bytes_total ? g_format_size(progress->bytes_total) : NULL;
        /* Translators: download progress, e.g. "Downloading 12.0 MB of 800.0 MB" */
        g_autofree char *text = total ? g_strdup_printf(_("Downloading %s of %s"), done, total)
                                      : g_strdup_printf(_("Downloading %s"), done);
        gtk_progress_bar_set_text(row->progress, text);
        if (progress->bytes_total)
            gtk_progress_bar_set_fraction(row->progress, (double)progress->bytes_done / progress->bytes_total);
        else
            gtk_progress_bar_pulse(row->progress);
    } else {
        gtk_progress_bar_set_text(row->progress, _("Converting"));
        if (progress->fraction >= 0)
            gtk_progress_bar_set_fraction(row->progress, progress->fraction);
    }
}

static void on_installed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GCancellable *cancellable = data;   /* the row may be gone: find it by its job */
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceInstalledModel) model = glance_model_install_finish(result, &error);
    CatalogueRow *row = row_for_job(cancellable);
    g_object_unref(cancellable);
    if (!row)
        return;
    GlancePreferencesWindow *self = row->self;
    g_clear_object(&row->installing);
    if (model) {
        g_autofree char *tasks = describe_tasks(model->tasks);
        g_autofree char *message = g_strdup_printf(_("“%s” is installed and now used for %s"), row->entry->title, tasks);
        glance_show_toast(GTK_WIDGET(self), message);
        glance_inference_reload_models(self->inference);
    } else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_autofree char *message = g_strdup_printf(_("Could not get “%s”: %s"), row->entry->title, error->message);
        glance_show_toast(GTK_WIDGET(self), message);
    }
    show_catalogue_row(row, self->models);
}

static void on_get_clicked(GtkButton *button, gpointer data)
{
    (void)button;
    CatalogueRow *row = data;
    if (row->installing)
        return;
    row->installing = g_cancellable_new();
    g_object_set_data(G_OBJECT(row->installing), "window", row->self);
    gtk_progress_bar_set_fraction(row->progress, 0);
    gtk_progress_bar_set_text(row->progress, _("Starting"));
    show_catalogue_row(row, row->self->models);
    glance_model_install_async(row->entry, GLANCE_IMPORT_DTYPE_F32, on_install_progress,
                               g_object_ref(row->installing), g_object_unref, row->installing, on_installed,
                               g_object_ref(row->installing));
}

static void on_cancel_get_clicked(GtkButton *button, gpointer data)
{
    (void)button;
    CatalogueRow *row = data;
    if (row->installing)
        g_cancellable_cancel(row->installing);
}

static void on_remove_clicked(GtkButton *button, gpointer data)
{
    (void)button;
    CatalogueRow *row = data;
    glance_models_remove_async(row->entry->name, NULL, on_registry_edited, g_object_ref(row->self));
}

static GtkWidget *icon_button(const char *icon, const char *tooltip, const char *spoken)
{
    GtkWidget *button = gtk_button_new_from_icon_name(icon);
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(button, "flat");
    gtk_widget_set_tooltip_text(button, tooltip);
    gtk_accessible_update_property(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    return button;
}

static void build_catalogue(GlancePreferencesWindow *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
    if (!catalogue) {
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("The catalogue of models cannot be read"));
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), error->message);
        gtk_list_box_append(self->catalogue_list, row);
        return;
    }
    for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
        CatalogueRow *row = g_new0(CatalogueRow, 1);
        row->self = self;
        row->entry = glance_catalogue_entry_copy(glance_catalogue_get_entry(catalogue, i));
        row->row = ADW_ACTION_ROW(adw_action_row_new());
        adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row->row), FALSE);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row->row), row->entry->title);
        g_autofree char *subtitle = describe_entry(row->entry);
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row->row), subtitle);

        row->state = GTK_STACK(gtk_stack_new());
        gtk_stack_set_hhomogeneous(row->state, FALSE);
        gtk_widget_set_valign(GTK_WIDGET(row->state), GTK_ALIGN_CENTER);
        row->get_button = GTK_BUTTON(gtk_button_new_with_mnemonic(_("_Get")));
        gtk_widget_set_valign(GTK_WIDGET(row->get_button), GTK_ALIGN_CENTER);
        g_autofree char *get_spoken = g_strdup_printf(_("Download and install %s"), row->entry->title);
        gtk_accessible_update_property(GTK_ACCESSIBLE(row->get_button), GTK_ACCESSIBLE_PROPERTY_LABEL, get_spoken, -1);
        g_signal_connect(row->get_button, "clicked", G_CALLBACK(on_get_clicked), row);
        gtk_stack_add_named(row->state, GTK_WIDGET(row->get_button), "get");

        GtkWidget *busy = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
        row->progress = GTK_PROGRESS_BAR(gtk_progress_bar_new());
        gtk_progress_bar_set_show_text(row->progress, TRUE);
        gtk_widget_set_size_request(GTK_WIDGET(row->progress), 160, -1);
        gtk_widget_set_valign(GTK_WIDGET(row->progress), GTK_ALIGN_CENTER);
        gtk_accessible_update_property(GTK_ACCESSIBLE(row->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       _("Download progress"), -1);
        GtkWidget *cancel = icon_button("process-stop-symbolic", _("Cancel Download"), _("Cancel the download"));
        g_signal_connect(cancel, "clicked", G_CALLBACK(on_cancel_get_clicked), row);
        gtk_box_append(GTK_BOX(busy), GTK_WIDGET(row->progress));
        gtk_box_append(GTK_BOX(busy), cancel);
        gtk_stack_add_named(row->state, busy, "busy");

        GtkWidget *installed = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *label = gtk_label_new(_("Installed"));
        gtk_widget_add_css_class(label, "dim-label");
        g_autofree char *remove_spoken = g_strdup_printf(_("Remove %s"), row->entry->title);
        GtkWidget *remove = icon_button("user-trash-symbolic", _("Remove Model"), remove_spoken);
        g_signal_connect(remove, "clicked", G_CALLBACK(on_remove_clicked), row);
        gtk_box_append(GTK_BOX(installed), label);
        gtk_box_append(GTK_BOX(installed), remove);
        gtk_stack_add_named(row->state, installed, "installed");

        adw_action_row_add_suffix(row->row, GTK_WIDGET(row->state));
        gtk_list_box_append(self->catalogue_list, GTK_WIDGET(row->row));
        g_ptr_array_add(self->catalogue_rows, row);
        show_catalogue_row(row, self->models);
    }
}

static void on_models_listed_then_catalogue(GObject *source, GAsyncResult *result, gpointer data)
{
    if (g_cancellable_is_cancelled(g_task_get_cancellable(G_TASK(result))))
        return;   /* the window may be gone */
    GlancePreferencesWindow *self = data;
    on_models_listed(source, result, data);
    for (guint i = 0; i < self->catalogue_rows->len; i++)
        show_catalogue_row(self->catalogue_rows->pdata[i], self->models);
}

static void reload_models(GlancePreferencesWindow *self)
{
    if (self->listing)
        g_cancellable_cancel(self->listing);
    g_clear_object(&self->listing);
    self->listing = g_cancellable_new();
    glance_model_list_async(self->listing, on_models_listed_then_catalogue, self);
}

/* ---- importing a checkpoint by hand (app/models: glance-model-import.h) ---- */

static void on_import_progress(double fraction, const char *stage, gpointer data)
{
    (void)stage;
    GlancePreferencesWindow *self = data;
    if (self->importing)
        gtk_progress_bar_set_fraction(self->import_progress, fraction);
}

static void set_importing(GlancePreferencesWindow *self, gboolean importing)
{
    gtk_widget_set_visible(GTK_WIDGET(self->import_progress_box), importing);
    gtk_widget_set_visible(GTK_WIDGET(self->import_icon), !importing);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(self->import_row), !importing);
    gtk_progress_bar_set_fraction(self->import_progress, 0);
}

static void on_imported(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlancePreferencesWindow) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceInstalledModel) model = glance_model_import_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->importing)
        return;   /* the window was closed */
    g_clear_object(&self->importing);
    set_importing(self, FALSE);
    if (!model) {
        if (g_error_matches(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NO_HEAD)) {
            g_autofree char *message = g_strdup_printf(_("Import failed: %s"),
                                                       _("The checkpoint has no head Glance can use"));
            glance_show_toast(GTK_WIDGET(self), message);
        } else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *message = g_strdup_printf(_("Import failed: %s"), error->message);
            glance_show_toast(GTK_WIDGET(self), message);
        }
        return;
    }
    g_autofree char *message = g_strdup_printf(_("Imported “%s”; it is now used for the tasks it supports"),
                                               model->title);
    glance_show_toast(GTK_WIDGET(self), message);
    glance_inference_reload_models(self->inference);
}

void glance_preferences_window_import(GlancePreferencesWindow *self, GFile *checkpoint)
{
    if (self->importing)
        return;
    g_autofree char *path = g_file_get_path(checkpoint);
    if (!path) {
        glance_show_toast(GTK_WIDGET(self), _("Only local files can be imported"));
        return;
    }
    self->importing = g_cancellable_new();
    set_importing(self, TRUE);
    glance_model_import_async(path, on_import_progress, g_object_ref(self), g_object_unref, self->importing,
                              on_imported, g_object_ref(self));
}

static void on_checkpoint_chosen(GtkNativeDialog *dialog, int response, gpointer data)
{
    GlancePreferencesWindow *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        if (file)
            glance_preferences_window_import(self, file);
    }
    g_clear_object(&self->chooser);
}

static void on_import_activated(GlancePreferencesWindow *self)
{
    if (self->importing || self->chooser)
        return;
    self->chooser = gtk_file_chooser_native_new(_("Import VLMo Checkpoint"), GTK_WINDOW(self),
                                                GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
    GtkFileFilter *checkpoints = gtk_file_filter_new();
    gtk_file_filter_set_name(checkpoints, _("PyTorch Checkpoints"));
    gtk_file_filter_add_suffix(checkpoints, "pt");
    gtk_file_filter_add_suffix(checkpoints, "pth");
    gtk_file_filter_add_suffix(checkpoints, "ckpt");
    gtk_file_filter_add_suffix(checkpoints, "bin");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(self->chooser), checkpoints);
    g_object_unref(checkpoints);
    g_signal_connect(self->chooser, "response", G_CALLBACK(on_checkpoint_chosen), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(self->chooser));
}

static void on_import_cancel_clicked(GlancePreferencesWindow *self)
{
    if (self->importing)
        g_cancellable_cancel(self->importing);
}

/* ---- library folders ---- */

static void rebuild_folders(GlancePreferencesWindow *self)
{
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->folders_list))))
        gtk_list_box_remove(self->folders_list, child);
    g_auto(GStrv) folders = g_settings_get_strv(self->settings, "library-folders");
    for (guint i = 0; folders[i]; i++) {
        GtkWidget *row = adw_action_row_new();
        g_autofree char *name = g_filename_display_basename(folders[i]);
        g_autofree char *shown_path = g_filename_display_name(folders[i]);
        adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), name);
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), shown_path);
        g_autofree char *spoken = g_strdup_printf(_("Remove %s from the library"), name);
        GtkWidget *remove = icon_button("user-trash-symbolic", _("Remove Folder"), spoken);
        gtk_actionable_set_action_target(GTK_ACTIONABLE(remove), "s", folders[i]);
        gtk_actionable_set_action_name(GTK_ACTIONABLE(remove), "app.remove-folder");
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), remove);
        gtk_list_box_append(self->folders_list, row);
    }
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
    if (self->chooser)
        gtk_native_dialog_destroy(GTK_NATIVE_DIALOG(self->chooser));
    g_clear_object(&self->chooser);
    if (self->catalogue_rows) {
        /* Downloads stop with the window: a partial one resumes with the next "Get". */
        for (guint i = 0; i < self->catalogue_rows->len; i++) {
            CatalogueRow *row = self->catalogue_rows->pdata[i];
            if (row->installing)
                g_object_set_data(G_OBJECT(row->installing), "window", NULL);
        }
        g_clear_pointer(&self->catalogue_rows, g_ptr_array_unref);
    }
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    if (self->inference)
        g_signal_handlers_disconnect_by_data(self->inference, self);
    g_clear_object(&self->inference);
    g_clear_pointer(&self->models, glance_model_list_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_PREFERENCES_WINDOW);
    G_OBJECT_CLASS(glance_preferences_window_parent_class)->dispose(object);
}

static void glance_preferences_window_class_init(GlancePreferencesWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_preferences_window_dispose;
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
    gtk_widget_class_bind_template_callback(widget_class, on_import_activated);
    gtk_widget_class_bind_template_callback(widget_class, on_import_cancel_clicked);
}

static void glance_preferences_window_init(GlancePreferencesWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->catalogue_rows = g_ptr_array_new_with_free_func((GDestroyNotify)catalogue_row_free);
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
    rebuild_folders(self);
    build_catalogue(self);
    reload_models(self);
    return self;
}

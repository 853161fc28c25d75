/* glance-preferences-window.c — every control is bound to GSettings; the model choosers
 * list what glance-model-info finds, filtered by the heads each task needs; an import runs
 * app/import's glance_import_checkpoint() in a thread with its progress shown in the row. */
#include "config.h"
#include <glib/gi18n.h>
#include <string.h>
#include "glance-import.h"
#include "glance-model-info.h"
#include "glance-paths.h"
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

    GSettings *settings;
    GListStore *models;
    GCancellable *listing;
    GCancellable *importing;
    GtkFileChooserNative *chooser;
    gboolean updating_rows;   /* selecting from settings, not from the user */
};

G_DEFINE_FINAL_TYPE(GlancePreferencesWindow, glance_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const struct {
    const char *key;
    GlanceModelTask task;
} combo_tasks[] = {
    { "vqa-model", GLANCE_MODEL_TASK_VQA },
    { "nlvr2-model", GLANCE_MODEL_TASK_NLVR2 },
    { "retrieval-model", GLANCE_MODEL_TASK_RETRIEVAL },
};

static AdwComboRow *combo_for(GlancePreferencesWindow *self, guint i)
{
    AdwComboRow *rows[] = { self->vqa_row, self->nlvr2_row, self->retrieval_row };
    return rows[i];
}

/* ---- model choosers ---- */

static gboolean supports_task(gpointer item, gpointer data)
{
    return glance_model_info_supports(item, GPOINTER_TO_INT(data));
}

static void select_from_settings(GlancePreferencesWindow *self)
{
    self->updating_rows = TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(combo_tasks); i++) {
        AdwComboRow *row = combo_for(self, i);
        GListModel *model = adw_combo_row_get_model(row);
        g_autofree char *chosen = g_settings_get_string(self->settings, combo_tasks[i].key);
        guint n = model ? g_list_model_get_n_items(model) : 0, selected = GTK_INVALID_LIST_POSITION;
        for (guint j = 0; j < n && selected == GTK_INVALID_LIST_POSITION; j++) {
            g_autoptr(GlanceModelInfo) info = g_list_model_get_item(model, j);
            if (g_strcmp0(glance_model_info_get_setting(info), chosen) == 0)
                selected = j;
        }
        if (selected == GTK_INVALID_LIST_POSITION && n > 0)
            selected = 0;   /* a chosen file that went away: the default takes over */
        adw_combo_row_set_selected(row, selected);
        gtk_widget_set_sensitive(GTK_WIDGET(row), n > 0);
    }
    self->updating_rows = FALSE;
}

static void on_combo_selected(AdwComboRow *row, GParamSpec *pspec, gpointer data)
{
    (void)pspec;
    GlancePreferencesWindow *self = data;
    if (self->updating_rows)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(combo_tasks); i++) {
        if (combo_for(self, i) != row)
            continue;
        GlanceModelInfo *info = adw_combo_row_get_selected_item(row);
        if (info)
            g_settings_set_string(self->settings, combo_tasks[i].key, glance_model_info_get_setting(info));
    }
}

static void on_models_listed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GError) error = NULL;
    g_autoptr(GListStore) models = glance_model_info_list_finish(result, &error);
    if (!models)
        return;   /* cancelled: the window closed */
    GlancePreferencesWindow *self = data;
    g_clear_object(&self->listing);
    g_set_object(&self->models, models);
    self->updating_rows = TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(combo_tasks); i++) {
        GtkCustomFilter *filter = gtk_custom_filter_new(supports_task, GINT_TO_POINTER(combo_tasks[i].task), NULL);
        GtkFilterListModel *filtered = gtk_filter_list_model_new(g_object_ref(G_LIST_MODEL(models)),
                                                                 GTK_FILTER(filter));
        adw_combo_row_set_model(combo_for(self, i), G_LIST_MODEL(filtered));
        g_object_unref(filtered);
    }
    self->updating_rows = FALSE;
    select_from_settings(self);
}

static void reload_models(GlancePreferencesWindow *self)
{
    if (self->listing)
        g_cancellable_cancel(self->listing);
    g_clear_object(&self->listing);
    self->listing = g_cancellable_new();
    glance_model_info_list_async(self->listing, on_models_listed, self);
}

/* ---- import ---- */

typedef struct {
    char *checkpoint;
    char *output;
    char *vocab;
    char *answers;
    GlanceImportReport report;
    /* progress, from the import thread to the main loop */
    GMutex lock;
    double fraction;
    guint idle_id;
    GTask *task;       /* not a reference: the job lives in it */
} ImportJob;

static void import_job_free(ImportJob *job)
{
    g_free(job->checkpoint);
    g_free(job->output);
    g_free(job->vocab);
    g_free(job->answers);
    glance_import_report_clear(&job->report);
    g_mutex_clear(&job->lock);
    g_free(job);
}

static gboolean show_import_progress(gpointer data)
{
    GTask *task = data;
    ImportJob *job = g_task_get_task_data(task);
    GlancePreferencesWindow *self = g_task_get_source_object(task);
    g_mutex_lock(&job->lock);
    double fraction = job->fraction;
    job->idle_id = 0;
    g_mutex_unlock(&job->lock);
    if (self->importing)
        gtk_progress_bar_set_fraction(self->import_progress, fraction);
    return G_SOURCE_REMOVE;
}

static void on_import_progress(double fraction, const char *stage, gpointer data)
{
    (void)stage;
    ImportJob *job = data;
    g_mutex_lock(&job->lock);
    job->fraction = fraction;
    if (!job->idle_id)
        job->idle_id = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, show_import_progress,
                                       g_object_ref(job->task), g_object_unref);
    g_mutex_unlock(&job->lock);
}

static void import_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    ImportJob *job = data;
    GlanceImportOptions opts;
    glance_import_options_init(&opts);
    opts.checkpoint_path = job->checkpoint;
    opts.vocab_path = job->vocab;
    opts.answers_path = job->answers;
    opts.output_path = job->output;
    opts.progress = on_import_progress;
    opts.progress_data = job;
    GError *error = NULL;
    if (glance_import_checkpoint(&opts, &job->report, cancellable, &error)) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    /* The answer list is needed with a VQA head and refused without one: a checkpoint
     * that refuses it (pre-trained, NLVR2, retrieval) is imported again without. */
    if (job->answers && g_error_matches(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID)) {
        GError *second = NULL;
        opts.answers_path = NULL;
        glance_import_report_clear(&job->report);
        if (glance_import_checkpoint(&opts, &job->report, cancellable, &second)) {
            g_clear_error(&error);
            g_task_return_boolean(task, TRUE);
            return;
        }
        g_clear_error(&second);
    }
    g_task_return_error(task, error);
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
    (void)data;
    GlancePreferencesWindow *self = GLANCE_PREFERENCES_WINDOW(source);
    ImportJob *job = g_task_get_task_data(G_TASK(result));
    g_autoptr(GError) error = NULL;
    gboolean ok = g_task_propagate_boolean(G_TASK(result), &error);
    g_clear_object(&self->importing);
    set_importing(self, FALSE);
    if (!ok) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *message = g_strdup_printf(_("Import failed: %s"), error->message);
            glance_show_toast(GTK_WIDGET(self), message);
        }
        return;
    }
    /* A freshly imported model becomes the one its tasks use. */
    const GlanceConfig *config = &job->report.config;
    if (config->has_vqa)
        g_settings_set_string(self->settings, "vqa-model", job->output);
    if (config->has_nlvr2)
        g_settings_set_string(self->settings, "nlvr2-model", job->output);
    if (config->has_itc && !config->has_vqa && !config->has_nlvr2)
        g_settings_set_string(self->settings, "retrieval-model", job->output);
    g_autofree char *message = g_strdup_printf(_("Imported “%s”"), job->report.name ? job->report.name : job->output);
    glance_show_toast(GTK_WIDGET(self), message);
    reload_models(self);
}

/* A data file shipped in data/ (vocabulary, answer list), or NULL. */
static char *find_data_file(const char *folder, const char *name)
{
    char *path = g_build_filename(glance_paths_datadir(), folder, name, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer(&path, g_free);
    return path;
}

void glance_preferences_window_import(GlancePreferencesWindow *self, GFile *checkpoint)
{
    if (self->importing)
        return;
    g_autofree char *path = g_file_get_path(checkpoint);
    ImportJob *job = g_new0(ImportJob, 1);
    g_mutex_init(&job->lock);
    job->checkpoint = g_steal_pointer(&path);
    job->vocab = find_data_file("vocab", "bert-base-uncased-vocab.txt");
    job->answers = find_data_file("answers", "vqav2-answers-3129.txt");
    if (!job->checkpoint || !job->vocab) {
        glance_show_toast(GTK_WIDGET(self), !job->checkpoint ? _("Only local files can be imported")
                                                             : _("The BERT vocabulary is not installed"));
        import_job_free(job);
        return;
    }
    g_autofree char *base = g_path_get_basename(job->checkpoint);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    g_autofree char *user_dir = glance_paths_user_dir();
    g_autofree char *models_dir = g_build_filename(user_dir, "models", NULL);
    g_autofree char *file_name = g_strconcat(base, ".safetensors", NULL);
    g_mkdir_with_parents(models_dir, 0755);
    job->output = g_build_filename(models_dir, file_name, NULL);

    self->importing = g_cancellable_new();
    set_importing(self, TRUE);
    g_autoptr(GTask) task = g_task_new(self, self->importing, on_imported, NULL);
    job->task = task;
    g_task_set_task_data(task, job, (GDestroyNotify)import_job_free);
    g_task_run_in_thread(task, import_thread);
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
        GtkWidget *remove = gtk_button_new_from_icon_name("user-trash-symbolic");
        gtk_widget_set_valign(remove, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class(remove, "flat");
        gtk_widget_set_tooltip_text(remove, _("Remove Folder"));
        g_autofree char *spoken = g_strdup_printf(_("Remove %s from the library"), name);
        gtk_accessible_update_property(GTK_ACCESSIBLE(remove), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
        gtk_actionable_set_action_name(GTK_ACTIONABLE(remove), "app.remove-folder");
        gtk_actionable_set_action_target(GTK_ACTIONABLE(remove), "s", folders[i]);
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

static void on_settings_changed(GSettings *settings, const char *key, gpointer data)
{
    (void)settings;
    GlancePreferencesWindow *self = data;
    if (g_str_equal(key, "library-folders"))
        rebuild_folders(self);
    else if (g_str_has_suffix(key, "-model"))
        select_from_settings(self);
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
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    g_clear_object(&self->models);
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
    gtk_widget_class_bind_template_callback(widget_class, on_import_activated);
    gtk_widget_class_bind_template_callback(widget_class, on_import_cancel_clicked);
}

static void glance_preferences_window_init(GlancePreferencesWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    for (guint i = 0; i < G_N_ELEMENTS(combo_tasks); i++) {
        AdwComboRow *row = combo_for(self, i);
        adw_combo_row_set_expression(row, gtk_property_expression_new(GLANCE_TYPE_MODEL_INFO, NULL, "title"));
        g_signal_connect(row, "notify::selected", G_CALLBACK(on_combo_selected), self);
    }
}

GlancePreferencesWindow *glance_preferences_window_new(GlanceApplication *app)
{
    GlancePreferencesWindow *self = g_object_new(GLANCE_TYPE_PREFERENCES_WINDOW, NULL);
    self->settings = g_object_ref(glance_application_get_settings(app));
    g_settings_bind(self->settings, "threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "answer-count", self->answers_spin, "value", G_SETTINGS_BIND_DEFAULT);
    g_signal_connect(self->settings, "changed", G_CALLBACK(on_settings_changed), self);
    rebuild_folders(self);
    reload_models(self);
    return self;
}

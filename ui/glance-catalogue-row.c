/* glance-catalogue-row.c — a download stops with its row (the window closing): a partial
 * one resumes with the next Get. A failure is said in the row, never in a toast (a toast
 * cuts a long reason off mid-sentence). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-catalogue-row.h"
#include "glance-model-choices.h"
#include "glance-model-install.h"

struct _GlanceCatalogueRow {
    AdwExpanderRow parent_instance;
    GtkStack *state;                 /* "get", "busy", "installed" */
    GtkButton *get_button;
    GtkProgressBar *progress;
    GtkButton *remove_button;
    AdwActionRow *results_row;
    AdwActionRow *trained_row;

    GlanceCatalogueEntry *entry;
    GCancellable *installing;        /* NULL unless a Get runs */
    gboolean installed;
    guint64 size;                    /* bytes; 0 while unknown */
    gboolean size_asked;             /* the server was asked (or the catalogue knew) */
    char *failure;                   /* why the last Get failed, shown in place of the summary */
};

G_DEFINE_FINAL_TYPE(GlanceCatalogueRow, glance_catalogue_row, ADW_TYPE_EXPANDER_ROW)

enum { SIGNAL_MODELS_CHANGED, SIGNAL_INSTALLED, N_SIGNALS };
static guint signals[N_SIGNALS];

char *glance_describe_tasks(char **tasks)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    for (char **t = tasks; t && *t; t++)
        g_strv_builder_add(names, g_str_equal(*t, GLANCE_TASK_VQA) ? _("questions")
                                  : g_str_equal(*t, GLANCE_TASK_NLVR2) ? _("comparing")
                                  : _("search"));
    g_auto(GStrv) list = g_strv_builder_end(names);
    return g_strjoinv(", ", list);
}

const char *glance_describe_models_error(const GError *error)
{
    if (g_error_matches(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE))
        return _("Can't reach the download server — check your connection");
    return error->message;
}

/* "Answers questions about a photo (Ask). …" then "1.2 GB · from Microsoft Research…". */
static void show_subtitle(GlanceCatalogueRow *self)
{
    if (self->failure) {
        adw_expander_row_set_subtitle(ADW_EXPANDER_ROW(self), self->failure);
        return;
    }
    g_autofree char *tasks = glance_describe_tasks(self->entry->tasks);
    /* Translators: what a catalogue model is for when the catalogue has no summary */
    g_autofree char *what = self->entry->summary ? g_strdup(self->entry->summary)
                                                 : g_strdup_printf(_("For %s"), tasks);
    g_autofree char *size = self->size ? g_format_size(self->size)
                            : self->size_asked ? g_strdup(_("size unknown"))
                            : g_strdup(_("checking the size…"));
    /* Translators: a catalogue model: what it is for, then its download size */
    g_autofree char *text = self->entry->source ? g_strdup_printf(_("%s\n%s · from %s"), what, size,
                                                                  self->entry->source)
                                                : g_strdup_printf(_("%s\n%s"), what, size);
    adw_expander_row_set_subtitle(ADW_EXPANDER_ROW(self), text);
}

/* The details: published figures and what it was trained for. */
static void show_details(GlanceCatalogueRow *self)
{
    GString *results = g_string_new(NULL);
    for (guint i = 0; self->entry->published_metrics && self->entry->published_metrics[i]; i++)
        /* Translators: a published accuracy, e.g. "VQAv2 test-dev 76.6%" */
        g_string_append_printf(results, _("%s%s %.1f%%"), i ? " · " : "", self->entry->published_metrics[i],
                               self->entry->published_values[i]);
    adw_action_row_set_subtitle(self->results_row, results->len ? results->str : _("None published"));
    g_string_free(results, TRUE);
    g_autofree char *tasks = glance_describe_tasks(self->entry->tasks);
    /* Translators: the tasks of a model, then the photo size it was trained at */
    g_autofree char *trained = g_strdup_printf(_("%s, on photos of %d × %d pixels"), tasks, self->entry->image_size,
                                               self->entry->image_size);
    adw_action_row_set_subtitle(self->trained_row, trained);
}

static void show_state(GlanceCatalogueRow *self)
{
    if (self->installing) {
        gtk_stack_set_visible_child_name(self->state, "busy");
    } else if (self->installed) {
        gtk_stack_set_visible_child_name(self->state, "installed");
    } else {
        gboolean partial = glance_model_install_partial_size(NULL, self->entry->name) > 0;
        gtk_button_set_label(self->get_button, self->failure ? _("_Retry") : partial ? _("_Resume") : _("_Get"));
        gtk_stack_set_visible_child_name(self->state, "get");
    }
}

void glance_catalogue_row_set_installed(GlanceCatalogueRow *self, gboolean installed)
{
    self->installed = installed;
    show_state(self);
}

void glance_catalogue_row_set_size(GlanceCatalogueRow *self, guint64 bytes, const GError *why)
{
    (void)why;   /* the window says "can't reach" once, above the rows */
    self->size = bytes ? bytes : self->entry->size;
    self->size_asked = TRUE;
    show_subtitle(self);
}

const char *glance_catalogue_row_get_name(GlanceCatalogueRow *self)
{
    return self->entry->name;
}

/* The install of `cancellable` is still this row's (not cancelled by the row going away). */
static gboolean is_current(GlanceCatalogueRow *self, GCancellable *cancellable)
{
    return self->installing && self->installing == cancellable;
}

static void on_install_progress(const GlanceInstallProgress *progress, gpointer data)
{
    GlanceCatalogueRow *self = data;
    if (!self->installing)
        return;
    if (progress->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        g_autofree char *done = g_format_size(progress->bytes_done);
        g_autofree char *total = progress->bytes_total ? g_format_size(progress->bytes_total) : NULL;
        /* Translators: download progress, e.g. "Downloading 12.0 MB of 800.0 MB" */
        g_autofree char *text = total ? g_strdup_printf(_("Downloading %s of %s"), done, total)
                                      : g_strdup_printf(_("Downloading %s"), done);
        gtk_progress_bar_set_text(self->progress, text);
        if (progress->bytes_total)
            gtk_progress_bar_set_fraction(self->progress, (double)progress->bytes_done / progress->bytes_total);
        else
            gtk_progress_bar_pulse(self->progress);
    } else {
        gtk_progress_bar_set_text(self->progress, _("Converting"));
        if (progress->fraction >= 0)
            gtk_progress_bar_set_fraction(self->progress, progress->fraction);
    }
}

typedef struct {
    GlanceCatalogueRow *self;   /* a reference */
    GCancellable *cancellable;  /* a reference: which install this was */
} InstallCall;

static void on_installed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    InstallCall *call = data;
    GlanceCatalogueRow *self = call->self;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceInstalledModel) model = glance_model_install_finish(result, &error);
    if (is_current(self, call->cancellable)) {
        g_clear_object(&self->installing);
        if (model) {
            self->installed = TRUE;
            g_signal_emit(self, signals[SIGNAL_INSTALLED], 0, model->name);
            g_signal_emit(self, signals[SIGNAL_MODELS_CHANGED], 0);
        } else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            self->failure = g_strdup(glance_describe_models_error(error));
            show_subtitle(self);
        }
        show_state(self);
    }
    g_object_unref(call->cancellable);
    g_object_unref(call->self);
    g_free(call);
}

static void on_get_clicked(GlanceCatalogueRow *self)
{
    if (self->installing)
        return;
    g_clear_pointer(&self->failure, g_free);   /* the summary again, in place of the reason */
    show_subtitle(self);
    self->installing = g_cancellable_new();
    gtk_progress_bar_set_fraction(self->progress, 0);
    gtk_progress_bar_set_text(self->progress, _("Starting"));
    show_state(self);
    InstallCall *call = g_new0(InstallCall, 1);
    call->self = g_object_ref(self);
    call->cancellable = g_object_ref(self->installing);
    glance_model_install_async(self->entry, GLANCE_IMPORT_DTYPE_F32, on_install_progress, g_object_ref(self),
                               g_object_unref, self->installing, on_installed, call);
}

static void on_cancel_clicked(GlanceCatalogueRow *self)
{
    if (self->installing)
        g_cancellable_cancel(self->installing);
}

static void on_removed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceCatalogueRow) self = data;
    g_autoptr(GError) error = NULL;
    if (!glance_models_edit_finish(result, &error)) {
        g_free(self->failure);
        self->failure = g_strdup_printf(_("“%s” could not be removed: %s"), self->entry->title, error->message);
        show_subtitle(self);
    }
    g_signal_emit(self, signals[SIGNAL_MODELS_CHANGED], 0);
}

static void on_remove_clicked(GlanceCatalogueRow *self)
{
    g_clear_pointer(&self->failure, g_free);
    show_subtitle(self);
    glance_models_remove_async(self->entry->name, NULL, on_removed, g_object_ref(self));
}

static void glance_catalogue_row_dispose(GObject *object)
{
    GlanceCatalogueRow *self = GLANCE_CATALOGUE_ROW(object);
    if (self->installing)
        g_cancellable_cancel(self->installing);
    g_clear_object(&self->installing);
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_CATALOGUE_ROW);
    G_OBJECT_CLASS(glance_catalogue_row_parent_class)->dispose(object);
}

static void glance_catalogue_row_finalize(GObject *object)
{
    GlanceCatalogueRow *self = GLANCE_CATALOGUE_ROW(object);
    glance_catalogue_entry_free(self->entry);
    g_free(self->failure);
    G_OBJECT_CLASS(glance_catalogue_row_parent_class)->finalize(object);
}

static void glance_catalogue_row_class_init(GlanceCatalogueRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_catalogue_row_dispose;
    G_OBJECT_CLASS(klass)->finalize = glance_catalogue_row_finalize;
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-catalogue-row.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, state);
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, get_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, progress);
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, remove_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, results_row);
    gtk_widget_class_bind_template_child(widget_class, GlanceCatalogueRow, trained_row);
    gtk_widget_class_bind_template_callback(widget_class, on_get_clicked);
    gtk_widget_class_bind_template_callback(widget_class, on_cancel_clicked);
    gtk_widget_class_bind_template_callback(widget_class, on_remove_clicked);
    signals[SIGNAL_MODELS_CHANGED] = g_signal_new("models-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_INSTALLED] = g_signal_new("installed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void glance_catalogue_row_init(GlanceCatalogueRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *glance_catalogue_row_new(const GlanceCatalogueEntry *entry)
{
    GlanceCatalogueRow *self = g_object_new(GLANCE_TYPE_CATALOGUE_ROW, NULL);
    self->entry = glance_catalogue_entry_copy(entry);
    self->size = entry->size;
    self->size_asked = entry->size != 0;
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self), entry->title);
    show_subtitle(self);
    show_details(self);
    g_autofree char *get_spoken = g_strdup_printf(_("Download and install %s"), entry->title);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->get_button), GTK_ACCESSIBLE_PROPERTY_LABEL, get_spoken, -1);
    g_autofree char *remove_spoken = g_strdup_printf(_("Remove %s"), entry->title);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   remove_spoken, -1);
    show_state(self);
    return GTK_WIDGET(self);
}

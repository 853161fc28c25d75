/* glance-recommended-install.c — one run of the set at a time; Pause and Cancel both
 * cancel it, and its end decides what the view shows: paused (Resume), idle, or the
 * reason it failed (contract: glance-recommended-install.h). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-catalogue-row.h"
#include "glance-model-set.h"
#include "glance-recommended-install.h"

struct _GlanceRecommendedInstall {
    GtkBox parent_instance;
    GtkStack *state;             /* "idle", "done", "busy" */
    GtkButton *get_button;
    GtkLabel *message;
    GtkLabel *current_label;
    GtkProgressBar *progress;
    GtkLabel *stats_label;
    GtkButton *pause_button;
    GtkButton *cancel_button;

    GlanceCatalogue *catalogue;  /* its own copy, read from the same file */
    GCancellable *running;       /* NULL unless a run is under way */
    GStrv started;               /* the models missing when the run (or the paused one) began */
    gboolean pausing;            /* the run stops to be resumed */
    gboolean paused;             /* stopped, bytes kept, Resume waits */
    gboolean cancelling;         /* the run stops and its bytes go */
    guint64 bytes_done, bytes_total;
};

G_DEFINE_FINAL_TYPE(GlanceRecommendedInstall, glance_recommended_install, GTK_TYPE_BOX)

enum { SIGNAL_MODELS_CHANGED, SIGNAL_INSTALLED, N_SIGNALS };
static guint signals[N_SIGNALS];
enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *props[N_PROPS];

gboolean glance_recommended_install_get_busy(GlanceRecommendedInstall *self)
{
    return self->running || self->paused;
}

static void glance_recommended_install_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    if (id == PROP_BUSY)
        g_value_set_boolean(value, glance_recommended_install_get_busy(GLANCE_RECOMMENDED_INSTALL(object)));
    else
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

/* Names of the recommended models not installed yet; NULL with the reason on screen. */
static GStrv missing_names(GlanceRecommendedInstall *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) missing = glance_model_recommended_missing(self->catalogue, NULL, &error);
    if (!missing) {
        gtk_label_set_text(self->message, error->message);
        gtk_widget_set_visible(GTK_WIDGET(self->message), TRUE);
        return NULL;
    }
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    for (guint i = 0; i < missing->len; i++)
        g_strv_builder_add(names, ((GlanceCatalogueEntry *)missing->pdata[i])->name);
    return g_strv_builder_end(names);
}

void glance_recommended_install_refresh(GlanceRecommendedInstall *self)
{
    if (self->running || self->paused || !self->catalogue)
        return;
    g_auto(GStrv) missing = missing_names(self);
    g_autoptr(GPtrArray) set = glance_catalogue_list_recommended(self->catalogue);
    gtk_widget_set_visible(GTK_WIDGET(self), set->len > 0);
    gtk_stack_set_visible_child_name(self->state, missing && !missing[0] ? "done" : "idle");
}

void glance_recommended_install_set_catalogue(GlanceRecommendedInstall *self, const GlanceCatalogue *catalogue)
{
    g_autoptr(GError) error = NULL;
    g_clear_pointer(&self->catalogue, glance_catalogue_free);
    self->catalogue = glance_catalogue_load(glance_catalogue_get_path(catalogue), &error);
    gtk_widget_set_visible(GTK_WIDGET(self), self->catalogue != NULL);
    gtk_widget_set_visible(GTK_WIDGET(self->message), FALSE);   /* a new look: the old failure is gone */
    gtk_button_set_label(self->get_button, _("_Get Recommended Models"));
    glance_recommended_install_refresh(self);
}

static const char *title_of(GlanceRecommendedInstall *self, const char *name)
{
    const GlanceCatalogueEntry *entry = glance_catalogue_find(self->catalogue, name, NULL);
    return entry ? entry->title : name;
}

/* "about 3 min left" */
static char *format_time_left(double seconds)
{
    guint s = (guint)(seconds + 0.5);
    if (s < 60)
        return g_strdup_printf(_("about %u s left"), s);
    if (s < 3600)
        return g_strdup_printf(_("about %u min left"), (s + 30) / 60);
    return g_strdup_printf(_("about %u h %u min left"), s / 3600, (s % 3600) / 60);
}

/* "12.0 MB of 30.0 MB" (or "12.0 MB" while the total is unknown) */
static char *format_bytes(guint64 done, guint64 total)
{
    g_autofree char *done_text = g_format_size(done);
    g_autofree char *total_text = total ? g_format_size(total) : NULL;
    /* Translators: bytes downloaded of the set's total, e.g. "12.0 MB of 800.0 MB" */
    return total ? g_strdup_printf(_("%s of %s"), done_text, total_text) : g_strdup(done_text);
}

static void on_progress(const GlanceSetProgress *p, gpointer data)
{
    GlanceRecommendedInstall *self = data;
    if (!self->running || self->pausing || self->cancelling)
        return;
    self->bytes_done = p->bytes_done;
    self->bytes_total = p->bytes_total;
    g_autofree char *current = p->stage == GLANCE_INSTALL_STAGE_DOWNLOAD
        /* Translators: "Getting 1 of 3: VLMo-Base, fine-tuned on VQAv2" */
        ? g_strdup_printf(_("Getting %u of %u: %s"), p->index + 1, p->n_models, title_of(self, p->name))
        /* Translators: "Converting 1 of 3: VLMo-Base, fine-tuned on VQAv2" */
        : g_strdup_printf(_("Converting %u of %u: %s"), p->index + 1, p->n_models, title_of(self, p->name));
    gtk_label_set_text(self->current_label, current);
    if (p->bytes_total)
        gtk_progress_bar_set_fraction(self->progress, MIN(1.0, (double)p->bytes_done / (double)p->bytes_total));
    else
        gtk_progress_bar_pulse(self->progress);
    GString *stats = g_string_new(NULL);
    g_autofree char *bytes = format_bytes(p->bytes_done, p->bytes_total);
    g_string_append(stats, bytes);
    if (p->bytes_per_second > 0) {
        g_autofree char *speed = g_format_size((guint64)p->bytes_per_second);
        /* Translators: download speed, e.g. " · 2.1 MB/s" */
        g_string_append_printf(stats, _(" · %s/s"), speed);
    }
    if (p->seconds_left >= 0) {
        g_autofree char *left = format_time_left(p->seconds_left);
        g_string_append_printf(stats, " · %s", left);
    }
    gtk_label_set_text(self->stats_label, stats->str);
    g_string_free(stats, TRUE);
}

/* Deletes what the set had downloaded so far ("Cancel"). */
static void discard_partials(GlanceRecommendedInstall *self)
{
    for (guint i = 0; self->started && self->started[i]; i++) {
        g_autoptr(GError) error = NULL;
        if (!glance_model_install_discard_partial(NULL, self->started[i], &error))
            g_warning("%s", error->message);
    }
}

/* The models of the run now installed: those it began with, less those still missing. */
static GStrv newly_installed(GlanceRecommendedInstall *self)
{
    g_auto(GStrv) missing = missing_names(self);
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    for (guint i = 0; missing && self->started && self->started[i]; i++)
        if (!g_strv_contains((const char *const *)missing, self->started[i]))
            g_strv_builder_add(names, self->started[i]);
    return g_strv_builder_end(names);
}

typedef struct {
    GlanceRecommendedInstall *self;   /* a reference */
    GCancellable *cancellable;        /* a reference: which run this was */
} RunCall;

static void show_paused(GlanceRecommendedInstall *self)
{
    g_autofree char *bytes = format_bytes(self->bytes_done, self->bytes_total);
    /* Translators: the set stopped to be resumed, e.g. "Paused at 12.0 MB of 30.0 MB" */
    g_autofree char *text = g_strdup_printf(_("Paused at %s"), bytes);
    gtk_label_set_text(self->stats_label, text);
    gtk_button_set_label(self->pause_button, _("_Resume"));
    gtk_widget_set_sensitive(GTK_WIDGET(self->pause_button), TRUE);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), TRUE);
}

static void on_run_done(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    RunCall *call = data;
    GlanceRecommendedInstall *self = call->self;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) installed = glance_model_install_recommended_finish(result, &error);
    if (self->running == call->cancellable) {
        g_clear_object(&self->running);
        g_auto(GStrv) names = newly_installed(self);
        if (self->pausing && !installed) {
            self->paused = TRUE;
            show_paused(self);
        } else {
            if (self->cancelling)
                discard_partials(self);
            else if (!installed && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
                gtk_label_set_text(self->message, glance_describe_models_error(error));
                gtk_widget_set_visible(GTK_WIDGET(self->message), TRUE);
                gtk_button_set_label(self->get_button, _("_Retry"));
            }
            g_clear_pointer(&self->started, g_strfreev);
            glance_recommended_install_refresh(self);
        }
        self->pausing = self->cancelling = FALSE;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
        if (names[0])
            g_signal_emit(self, signals[SIGNAL_INSTALLED], 0, names);
        g_signal_emit(self, signals[SIGNAL_MODELS_CHANGED], 0);
    }
    g_object_unref(call->cancellable);
    g_object_unref(call->self);
    g_free(call);
}

static void start_run(GlanceRecommendedInstall *self)
{
    if (self->running || !self->catalogue)
        return;
    if (!self->paused) {
        g_strfreev(self->started);
        self->started = missing_names(self);
        if (!self->started)
            return;
        self->bytes_done = self->bytes_total = 0;
        gtk_progress_bar_set_fraction(self->progress, 0);
        gtk_label_set_text(self->current_label, _("Checking the sizes…"));
        gtk_label_set_text(self->stats_label, "");
    }
    self->paused = FALSE;
    gtk_widget_set_visible(GTK_WIDGET(self->message), FALSE);
    gtk_button_set_label(self->get_button, _("_Get Recommended Models"));
    gtk_button_set_label(self->pause_button, _("_Pause"));
    gtk_widget_set_sensitive(GTK_WIDGET(self->pause_button), TRUE);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), TRUE);
    gtk_stack_set_visible_child_name(self->state, "busy");
    self->running = g_cancellable_new();
    RunCall *call = g_new0(RunCall, 1);
    call->self = g_object_ref(self);
    call->cancellable = g_object_ref(self->running);
    glance_model_install_recommended_async(self->catalogue, GLANCE_IMPORT_DTYPE_F32, on_progress,
                                           g_object_ref(self), g_object_unref, self->running, on_run_done, call);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
}

static void on_get_clicked(GlanceRecommendedInstall *self)
{
    start_run(self);
}

static void on_pause_clicked(GlanceRecommendedInstall *self)
{
    if (self->paused) {
        start_run(self);   /* Resume: the .part files make it carry on */
    } else if (self->running && !self->cancelling) {
        self->pausing = TRUE;
        gtk_label_set_text(self->stats_label, _("Pausing…"));
        gtk_widget_set_sensitive(GTK_WIDGET(self->pause_button), FALSE);
        g_cancellable_cancel(self->running);
    }
}

static void on_cancel_clicked(GlanceRecommendedInstall *self)
{
    if (self->running) {
        self->cancelling = TRUE;
        self->pausing = FALSE;
        gtk_label_set_text(self->stats_label, _("Cancelling…"));
        gtk_widget_set_sensitive(GTK_WIDGET(self->pause_button), FALSE);
        gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), FALSE);
        g_cancellable_cancel(self->running);
    } else if (self->paused) {
        self->paused = FALSE;
        discard_partials(self);
        g_clear_pointer(&self->started, g_strfreev);
        glance_recommended_install_refresh(self);
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
    }
}

static void glance_recommended_install_dispose(GObject *object)
{
    GlanceRecommendedInstall *self = GLANCE_RECOMMENDED_INSTALL(object);
    if (self->running)
        g_cancellable_cancel(self->running);   /* the window closed: a pause, the bytes stay */
    g_clear_object(&self->running);
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_RECOMMENDED_INSTALL);
    G_OBJECT_CLASS(glance_recommended_install_parent_class)->dispose(object);
}

static void glance_recommended_install_finalize(GObject *object)
{
    GlanceRecommendedInstall *self = GLANCE_RECOMMENDED_INSTALL(object);
    g_clear_pointer(&self->catalogue, glance_catalogue_free);
    g_strfreev(self->started);
    G_OBJECT_CLASS(glance_recommended_install_parent_class)->finalize(object);
}

static void glance_recommended_install_class_init(GlanceRecommendedInstallClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_recommended_install_dispose;
    G_OBJECT_CLASS(klass)->finalize = glance_recommended_install_finalize;
    G_OBJECT_CLASS(klass)->get_property = glance_recommended_install_get_property;
    props[PROP_BUSY] = g_param_spec_boolean("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(G_OBJECT_CLASS(klass), N_PROPS, props);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/io/github/glance/Glance/ui/glance-recommended-install.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, state);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, get_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, message);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, current_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, progress);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, stats_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, pause_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceRecommendedInstall, cancel_button);
    gtk_widget_class_bind_template_callback(widget_class, on_get_clicked);
    gtk_widget_class_bind_template_callback(widget_class, on_pause_clicked);
    gtk_widget_class_bind_template_callback(widget_class, on_cancel_clicked);
    signals[SIGNAL_MODELS_CHANGED] = g_signal_new("models-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_INSTALLED] = g_signal_new("installed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void glance_recommended_install_init(GlanceRecommendedInstall *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

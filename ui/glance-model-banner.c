/* glance-model-banner.c — follows the registry (GlanceInference "models-changed"): shown
 * while the task uses the built-in model, hidden as soon as another model serves it. The
 * scope sentence is read from the model file once per file, off the main thread. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-adaptive-box.h"
#include "glance-application.h"
#include "glance-model-banner.h"
#include "glance-model-scope.h"

struct _GlanceModelBanner {
    GtkWidget parent_instance;
    GtkRevealer *revealer;
    GtkLabel *scope_label;

    GlanceModelTask task;
    char *scope_path;        /* the model file scope_label describes */
    GCancellable *reading;   /* the scope of another file, being read */
};

G_DEFINE_FINAL_TYPE(GlanceModelBanner, glance_model_banner, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_TASK, PROP_TEXT, N_PROPS };
static GParamSpec *properties[N_PROPS];

const char *glance_model_banner_get_text(GlanceModelBanner *self)
{
    return gtk_widget_get_visible(GTK_WIDGET(self)) ? gtk_label_get_text(self->scope_label) : "";
}

char *glance_model_banner_describe(GlanceModelBanner *self, const char *description)
{
    const char *text = glance_model_banner_get_text(self);
    if (!*text)
        return g_strdup(description);
    /* Translators: under an empty page's description while the built-in model is used; %s is "The built-in model sees only coloured shapes on plain backgrounds" */
    g_autofree char *limits = g_strdup_printf(_("%s. For your own photos, use “Get a Model for Real Photos”."), text);
    return g_strdup_printf("%s\n\n%s", description, limits);
}

static void set_shown(GlanceModelBanner *self, gboolean shown)
{
    gboolean was = gtk_widget_get_visible(GTK_WIDGET(self));
    gtk_widget_set_visible(GTK_WIDGET(self), shown);
    gtk_revealer_set_reveal_child(self->revealer, shown);
    if (was != shown)
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_TEXT]);
}

static void show_scope(GlanceModelBanner *self, const char *scope)
{
    /* Translators: %s is what the model was trained on, "coloured shapes on plain backgrounds" */
    g_autofree char *text = scope ? g_strdup_printf(_("The built-in model sees only %s"), scope)
                                  : g_strdup(_("The built-in model was not trained on real photos"));
    gtk_label_set_text(self->scope_label, text);
    /* A screen reader announces the banner by what it says. */
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
    set_shown(self, TRUE);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_TEXT]);
}

static void on_scope_read(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceModelBanner) self = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *scope = glance_model_scope_read_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_object(&self->reading);
    if (error)   /* the pages say why when they use the model; the banner stays generic */
        g_debug("reading the model's scope: %s", error->message);
    show_scope(self, scope);
}

/* NULL in a process without the application (a widget built on its own). */
static GlanceInference *app_inference(void)
{
    GApplication *app = g_application_get_default();
    return GLANCE_IS_APPLICATION(app) ? glance_application_get_inference(GLANCE_APPLICATION(app)) : NULL;
}

static void refresh(GlanceModelBanner *self)
{
    GlanceInference *inference = app_inference();
    if (self->reading)
        g_cancellable_cancel(self->reading);
    g_clear_object(&self->reading);
    if (!inference || !glance_inference_uses_bundled_model(inference, self->task)) {
        set_shown(self, FALSE);
        return;
    }
    g_autofree char *path = glance_inference_dup_model_path(inference, self->task);
    if (self->scope_path && g_str_equal(self->scope_path, path) && *gtk_label_get_text(self->scope_label)) {
        set_shown(self, TRUE);
        return;
    }
    g_free(self->scope_path);
    self->scope_path = g_steal_pointer(&path);
    gtk_label_set_text(self->scope_label, "");
    self->reading = g_cancellable_new();
    glance_model_scope_read_async(self->scope_path, self->reading, on_scope_read, g_object_ref(self));
}

static void glance_model_banner_constructed(GObject *object)
{
    G_OBJECT_CLASS(glance_model_banner_parent_class)->constructed(object);
    GlanceModelBanner *self = GLANCE_MODEL_BANNER(object);
    GlanceInference *inference = app_inference();
    if (inference)
        g_signal_connect_object(inference, "models-changed", G_CALLBACK(refresh), self, G_CONNECT_SWAPPED);
    refresh(self);
}

static void glance_model_banner_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    GlanceModelBanner *self = GLANCE_MODEL_BANNER(object);
    GlanceModelTask task;
    switch (id) {
    case PROP_TASK:
        if (!glance_model_task_from_name(g_value_get_string(value), &task))
            g_warning("GlanceModelBanner: no task “%s”", g_value_get_string(value));
        else
            self->task = task;
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_model_banner_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GlanceModelBanner *self = GLANCE_MODEL_BANNER(object);
    switch (id) {
    case PROP_TASK:
        g_value_set_string(value, glance_model_task_name(self->task));
        break;
    case PROP_TEXT:
        g_value_set_string(value, glance_model_banner_get_text(self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_model_banner_dispose(GObject *object)
{
    GlanceModelBanner *self = GLANCE_MODEL_BANNER(object);
    if (self->reading)
        g_cancellable_cancel(self->reading);
    g_clear_object(&self->reading);
    g_clear_pointer(&self->scope_path, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_MODEL_BANNER);
    G_OBJECT_CLASS(glance_model_banner_parent_class)->dispose(object);
}

static void glance_model_banner_class_init(GlanceModelBannerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->constructed = glance_model_banner_constructed;
    object_class->set_property = glance_model_banner_set_property;
    object_class->get_property = glance_model_banner_get_property;
    object_class->dispose = glance_model_banner_dispose;
    /* "vqa", "nlvr2" or "retrieval": the task whose model the banner follows. */
    properties[PROP_TASK] = g_param_spec_string("task", NULL, NULL, "vqa",
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    /* What the banner says while shown, else "" (the pages' empty states repeat it). */
    properties[PROP_TEXT] = g_param_spec_string("text", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    g_type_ensure(GLANCE_TYPE_ADAPTIVE_BOX);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-model-banner.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceModelBanner, revealer);
    gtk_widget_class_bind_template_child(widget_class, GlanceModelBanner, scope_label);
    gtk_widget_class_set_css_name(widget_class, "glance-model-banner");
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void glance_model_banner_init(GlanceModelBanner *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

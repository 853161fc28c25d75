/* glance-model-info.c — app/models decides what can be chosen; this wraps it for the
 * combo rows and words the bundled model's title. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-model-info.h"
#include <string.h>

struct _GlanceModelInfo {
    GObject parent_instance;
    char *name;      /* "" for the bundled model */
    char *title;
    gboolean tasks[GLANCE_MODEL_N_TASKS];
};

G_DEFINE_FINAL_TYPE(GlanceModelInfo, glance_model_info, G_TYPE_OBJECT)

enum { PROP_0, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void glance_model_info_finalize(GObject *object)
{
    GlanceModelInfo *self = GLANCE_MODEL_INFO(object);
    g_free(self->name);
    g_free(self->title);
    G_OBJECT_CLASS(glance_model_info_parent_class)->finalize(object);
}

static void glance_model_info_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    switch (id) {
    case PROP_TITLE:
        g_value_set_string(value, GLANCE_MODEL_INFO(object)->title);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_model_info_class_init(GlanceModelInfoClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = glance_model_info_finalize;
    object_class->get_property = glance_model_info_get_property;
    properties[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void glance_model_info_init(GlanceModelInfo *self)
{
    (void)self;
}

const char *glance_model_info_get_name(GlanceModelInfo *self) { return self->name; }
const char *glance_model_info_get_title(GlanceModelInfo *self) { return self->title; }

gboolean glance_model_info_supports(GlanceModelInfo *self, GlanceModelTask task)
{
    return task < G_N_ELEMENTS(self->tasks) && self->tasks[task];
}

void glance_model_list_free(GlanceModelList *list)
{
    if (!list)
        return;
    g_clear_object(&list->models);
    for (guint i = 0; i < G_N_ELEMENTS(list->defaults); i++)
        g_free(list->defaults[i]);
    g_free(list);
}

static GlanceModelInfo *info_for_choice(const GlanceModelChoice *choice)
{
    GlanceModelInfo *self = g_object_new(GLANCE_TYPE_MODEL_INFO, NULL);
    self->name = g_strdup(choice->name);
    /* Translators: the model that comes with Glance; %s is its name */
    self->title = *choice->name ? g_strdup(choice->title) : g_strdup_printf(_("Bundled (%s)"), choice->title);
    memcpy(self->tasks, choice->tasks, sizeof self->tasks);
    return self;
}

static void on_listed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GTask) task = data;
    GError *error = NULL;
    g_autoptr(GlanceModelChoices) choices = glance_model_choices_list_finish(result, &error);
    if (!choices) {
        g_task_return_error(task, error);
        return;
    }
    GlanceModelList *list = g_new0(GlanceModelList, 1);
    list->models = g_list_store_new(GLANCE_TYPE_MODEL_INFO);
    for (guint i = 0; i < choices->models->len; i++) {
        g_autoptr(GlanceModelInfo) info = info_for_choice(choices->models->pdata[i]);
        g_list_store_append(list->models, info);
    }
    for (guint t = 0; t < GLANCE_MODEL_N_TASKS; t++)
        list->defaults[t] = g_steal_pointer(&choices->defaults[t]);
    g_task_return_pointer(task, list, (GDestroyNotify)glance_model_list_free);
}

void glance_model_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_list_async);
    glance_model_choices_list_async(cancellable, on_listed, task);
}

GlanceModelList *glance_model_list_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

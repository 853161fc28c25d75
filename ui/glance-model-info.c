/* glance-model-info.c — the registry says which tasks an installed model serves; the
 * bundled model's heads are read from its glance.config through the engine, so a chooser
 * never offers a model a task it has no head for. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-model-info.h"
#include "glance-model-registry.h"
#include "glance-paths.h"

struct _GlanceModelInfo {
    GObject parent_instance;
    char *name;      /* "" for the bundled model */
    char *title;
    gboolean tasks[3];
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

/* NULL when the bundled model is missing or does not open. */
static GlanceModelInfo *bundled_model_info(void)
{
    g_autofree char *path = glance_paths_default_model();
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(path, &model, &err) != GLANCE_OK)
        return NULL;
    const GlanceConfig *config = glance_model_config(model);
    GlanceModelInfo *self = g_object_new(GLANCE_TYPE_MODEL_INFO, NULL);
    self->name = g_strdup("");
    self->tasks[GLANCE_MODEL_TASK_VQA] = config->has_vqa;
    self->tasks[GLANCE_MODEL_TASK_NLVR2] = config->has_nlvr2;
    self->tasks[GLANCE_MODEL_TASK_RETRIEVAL] = config->has_itc;
    const char *name = glance_model_name(model);
    g_autofree char *base = g_path_get_basename(path);
    /* Translators: the model that comes with Glance; %s is its name */
    self->title = g_strdup_printf(_("Bundled (%s)"), name && *name ? name : base);
    glance_model_close(model);
    return self;
}

static void list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)data, (void)cancellable;
    g_autoptr(GlanceModelList) list = g_new0(GlanceModelList, 1);
    list->models = g_list_store_new(GLANCE_TYPE_MODEL_INFO);
    g_autoptr(GlanceModelInfo) bundled = bundled_model_info();
    if (bundled)
        g_list_store_append(list->models, bundled);

    GError *error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry) {
        g_task_return_error(task, error);
        return;
    }
    for (guint i = 0; i < glance_model_registry_get_n_models(registry); i++) {
        const GlanceInstalledModel *installed = glance_model_registry_get_model(registry, i);
        g_autoptr(GlanceModelInfo) info = g_object_new(GLANCE_TYPE_MODEL_INFO, NULL);
        info->name = g_strdup(installed->name);
        info->title = g_strdup(installed->title && *installed->title ? installed->title : installed->name);
        for (GlanceModelTask t = GLANCE_MODEL_TASK_VQA; t <= GLANCE_MODEL_TASK_RETRIEVAL; t++)
            info->tasks[t] = glance_installed_model_has_task(installed, glance_model_task_name(t));
        g_list_store_append(list->models, info);
    }
    for (GlanceModelTask t = GLANCE_MODEL_TASK_VQA; t <= GLANCE_MODEL_TASK_RETRIEVAL; t++) {
        const GlanceInstalledModel *chosen = glance_model_registry_get_default(registry, glance_model_task_name(t));
        list->defaults[t] = g_strdup(chosen ? chosen->name : "");
    }
    g_task_return_pointer(task, g_steal_pointer(&list), (GDestroyNotify)glance_model_list_free);
}

void glance_model_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_list_async);
    g_task_run_in_thread(task, list_thread);
}

GlanceModelList *glance_model_list_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

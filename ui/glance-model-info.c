/* glance-model-info.c — reads each model's glance.config through the engine (an mmap and
 * a header parse), so a chooser never offers a model a task it has no head for. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-model-info.h"
#include "glance-paths.h"

struct _GlanceModelInfo {
    GObject parent_instance;
    char *setting;   /* "" for the default */
    char *path;
    char *title;
    gboolean tasks[3];
};

G_DEFINE_FINAL_TYPE(GlanceModelInfo, glance_model_info, G_TYPE_OBJECT)

enum { PROP_0, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void glance_model_info_finalize(GObject *object)
{
    GlanceModelInfo *self = GLANCE_MODEL_INFO(object);
    g_free(self->setting);
    g_free(self->path);
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

const char *glance_model_info_get_setting(GlanceModelInfo *self) { return self->setting; }
const char *glance_model_info_get_path(GlanceModelInfo *self) { return self->path; }
const char *glance_model_info_get_title(GlanceModelInfo *self) { return self->title; }

gboolean glance_model_info_supports(GlanceModelInfo *self, GlanceModelTask task)
{
    return task < G_N_ELEMENTS(self->tasks) && self->tasks[task];
}

/* NULL when the file is not a model the engine opens. */
static GlanceModelInfo *model_info_read(const char *path, gboolean is_default)
{
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(path, &model, &err) != GLANCE_OK)
        return NULL;
    const GlanceConfig *config = glance_model_config(model);
    GlanceModelInfo *self = g_object_new(GLANCE_TYPE_MODEL_INFO, NULL);
    self->path = g_strdup(path);
    self->setting = g_strdup(is_default ? "" : path);
    self->tasks[GLANCE_MODEL_TASK_VQA] = config->has_vqa;
    self->tasks[GLANCE_MODEL_TASK_NLVR2] = config->has_nlvr2;
    self->tasks[GLANCE_MODEL_TASK_RETRIEVAL] = config->has_itc;
    const char *name = glance_model_name(model);
    g_autofree char *base = g_path_get_basename(path);
    const char *shown = name && *name ? name : base;
    /* Translators: the model used when none is chosen; %s is its name */
    self->title = is_default ? g_strdup_printf(_("Default (%s)"), shown) : g_strdup(shown);
    glance_model_close(model);
    return self;
}

static int compare_titles(gconstpointer a, gconstpointer b, gpointer data)
{
    (void)data;
    return g_utf8_collate(GLANCE_MODEL_INFO((gpointer)a)->title, GLANCE_MODEL_INFO((gpointer)b)->title);
}

static void list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)data, (void)cancellable;
    GListStore *store = g_list_store_new(GLANCE_TYPE_MODEL_INFO);
    g_autofree char *default_path = glance_paths_default_model();
    g_autoptr(GlanceModelInfo) default_info = model_info_read(default_path, TRUE);
    if (default_info)
        g_list_store_append(store, default_info);

    g_autofree char *user_dir = glance_paths_user_dir();
    g_autofree char *models_dir = g_build_filename(user_dir, "models", NULL);
    g_autoptr(GDir) dir = g_dir_open(models_dir, 0, NULL);
    g_autoptr(GListStore) installed = g_list_store_new(GLANCE_TYPE_MODEL_INFO);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
        if (!g_str_has_suffix(name, ".safetensors"))
            continue;
        g_autofree char *path = g_build_filename(models_dir, name, NULL);
        g_autoptr(GlanceModelInfo) info = model_info_read(path, FALSE);
        if (info)
            g_list_store_append(installed, info);
    }
    g_list_store_sort(installed, compare_titles, NULL);
    for (guint i = 0; i < g_list_model_get_n_items(G_LIST_MODEL(installed)); i++) {
        g_autoptr(GObject) item = g_list_model_get_item(G_LIST_MODEL(installed), i);
        g_list_store_append(store, item);
    }
    g_task_return_pointer(task, store, g_object_unref);
}

void glance_model_info_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_info_list_async);
    g_task_run_in_thread(task, list_thread);
}

GListStore *glance_model_info_list_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

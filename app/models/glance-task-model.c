/* glance-task-model.c — `--model`, else the registry's default, else the bundled model. */
#include "glance-task-model.h"
#include "glance-catalogue.h"
#include <string.h>

static const char *const task_names[GLANCE_MODEL_N_TASKS] = {
    [GLANCE_MODEL_TASK_VQA] = GLANCE_TASK_VQA,
    [GLANCE_MODEL_TASK_NLVR2] = GLANCE_TASK_NLVR2,
    [GLANCE_MODEL_TASK_RETRIEVAL] = GLANCE_TASK_RETRIEVAL,
};

const char *glance_model_task_name(GlanceModelTask task)
{
    g_return_val_if_fail((guint)task < GLANCE_MODEL_N_TASKS, NULL);
    return task_names[task];
}

gboolean glance_model_task_from_name(const char *name, GlanceModelTask *task)
{
    for (guint t = 0; name && t < GLANCE_MODEL_N_TASKS; t++)
        if (strcmp(name, task_names[t]) == 0) {
            *task = t;
            return TRUE;
        }
    return FALSE;
}

char *glance_task_model_path(const GlanceModelRegistry *registry, const char *model_arg, GlanceModelTask task,
                             GError **error)
{
    g_autoptr(GlanceModelRegistry) loaded = NULL;
    if (!registry) {
        loaded = glance_model_registry_load(NULL, error);
        if (!loaded)
            return NULL;
        registry = loaded;
    }
    if (model_arg)
        return glance_model_registry_resolve(registry, model_arg, error);
    return glance_model_registry_default_path(registry, glance_model_task_name(task));
}

gboolean glance_task_model_set_default(GlanceModelRegistry *registry, GlanceModelTask task, const char *name,
                                       GError **error)
{
    /* An installed model may be called "bundled" too: then the name means it. */
    gboolean bundled = strcmp(name, GLANCE_MODEL_BUNDLED_NAME) == 0 && !glance_model_registry_find(registry, name);
    return glance_model_registry_set_default(registry, glance_model_task_name(task), bundled ? NULL : name, error);
}

const char *glance_task_model_default_name(const GlanceModelRegistry *registry, GlanceModelTask task)
{
    const GlanceInstalledModel *model = glance_model_registry_get_default(registry, glance_model_task_name(task));
    return model ? model->name : GLANCE_MODEL_BUNDLED_NAME;
}

GStrv glance_task_model_could_switch(const GlanceModelRegistry *registry, const char *name)
{
    g_autoptr(GStrvBuilder) tasks = g_strv_builder_new();
    const GlanceInstalledModel *model = glance_model_registry_find(registry, name);
    for (guint t = 0; model && t < GLANCE_MODEL_N_TASKS; t++) {
        const GlanceInstalledModel *current = glance_model_registry_get_default(registry, task_names[t]);
        if (glance_installed_model_has_task(model, task_names[t]) && current && current != model)
            g_strv_builder_add(tasks, task_names[t]);
    }
    return g_strv_builder_end(tasks);
}

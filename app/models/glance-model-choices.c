/* glance-model-choices.c — the bundled model's heads come from its glance.config through
 * a model handle, so a chooser never offers a model a task it has no head for. */
#include "glance-model-choices.h"
#include "glance-model-handle.h"
#include "glance-paths.h"

static void choice_free(GlanceModelChoice *choice)
{
    g_free(choice->name);
    g_free(choice->title);
    g_free(choice);
}

void glance_model_choices_free(GlanceModelChoices *choices)
{
    if (!choices)
        return;
    g_clear_pointer(&choices->models, g_ptr_array_unref);
    for (guint t = 0; t < GLANCE_MODEL_N_TASKS; t++)
        g_free(choices->defaults[t]);
    g_free(choices);
}

/* NULL when the bundled model is missing or does not open. */
static GlanceModelChoice *bundled_choice(void)
{
    g_autofree char *path = glance_paths_default_model();
    g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(path, NULL);
    if (!handle)
        return NULL;
    GlanceModel *model = glance_model_handle_get_model(handle);
    const GlanceConfig *config = glance_model_config(model);
    GlanceModelChoice *choice = g_new0(GlanceModelChoice, 1);
    choice->name = g_strdup("");
    choice->tasks[GLANCE_MODEL_TASK_VQA] = config->has_vqa;
    choice->tasks[GLANCE_MODEL_TASK_NLVR2] = config->has_nlvr2;
    choice->tasks[GLANCE_MODEL_TASK_RETRIEVAL] = config->has_itc;
    const char *name = glance_model_name(model);
    choice->title = name && *name ? g_strdup(name) : g_path_get_basename(path);
    return choice;
}

GlanceModelChoices *glance_model_choices_list(GError **error)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, error);
    if (!registry)
        return NULL;
    GlanceModelChoices *choices = g_new0(GlanceModelChoices, 1);
    choices->models = g_ptr_array_new_with_free_func((GDestroyNotify)choice_free);
    GlanceModelChoice *bundled = bundled_choice();
    if (bundled)
        g_ptr_array_add(choices->models, bundled);
    for (guint i = 0; i < glance_model_registry_get_n_models(registry); i++) {
        const GlanceInstalledModel *installed = glance_model_registry_get_model(registry, i);
        GlanceModelChoice *choice = g_new0(GlanceModelChoice, 1);
        choice->name = g_strdup(installed->name);
        choice->title = g_strdup(installed->title && *installed->title ? installed->title : installed->name);
        for (guint t = 0; t < GLANCE_MODEL_N_TASKS; t++)
            choice->tasks[t] = glance_installed_model_has_task(installed, glance_model_task_name(t));
        g_ptr_array_add(choices->models, choice);
    }
    for (guint t = 0; t < GLANCE_MODEL_N_TASKS; t++) {
        const GlanceInstalledModel *chosen = glance_model_registry_get_default(registry, glance_model_task_name(t));
        choices->defaults[t] = g_strdup(chosen ? chosen->name : "");
    }
    return choices;
}

static void list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)data, (void)cancellable;
    GError *error = NULL;
    GlanceModelChoices *choices = glance_model_choices_list(&error);
    if (choices)
        g_task_return_pointer(task, choices, (GDestroyNotify)glance_model_choices_free);
    else
        g_task_return_error(task, error);
}

void glance_model_choices_list_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_model_choices_list_async);
    g_task_run_in_thread(task, list_thread);
}

GlanceModelChoices *glance_model_choices_list_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- registry edits ---- */

typedef struct {
    gboolean set_default;   /* else: remove */
    GlanceModelTask task;
    char *name;
} RegistryEdit;

static void registry_edit_free(RegistryEdit *edit)
{
    g_free(edit->name);
    g_free(edit);
}

static void edit_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    RegistryEdit *edit = data;
    GError *error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    gboolean ok = registry &&
        (edit->set_default
             ? glance_model_registry_set_default(registry, glance_model_task_name(edit->task), edit->name, &error)
             : glance_model_registry_remove(registry, edit->name, &error));
    if (ok)
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void run_edit(RegistryEdit *edit, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_models_edit_finish);
    g_task_set_task_data(task, edit, (GDestroyNotify)registry_edit_free);
    g_task_run_in_thread(task, edit_thread);
}

void glance_models_set_default_async(GlanceModelTask task, const char *name, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
    RegistryEdit *edit = g_new0(RegistryEdit, 1);
    edit->set_default = TRUE;
    edit->task = task;
    edit->name = name && *name ? g_strdup(name) : NULL;
    run_edit(edit, cancellable, callback, user_data);
}

void glance_models_remove_async(const char *name, GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    RegistryEdit *edit = g_new0(RegistryEdit, 1);
    edit->name = g_strdup(name);
    run_edit(edit, cancellable, callback, user_data);
}

gboolean glance_models_edit_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

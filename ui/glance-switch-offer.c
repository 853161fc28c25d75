/* glance-switch-offer.c — "Use “X” for Ask?": the offers are queued, so two models
 * installed together never stack two dialogs (contract: glance-switch-offer.h). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-catalogue.h"
#include "glance-model-choices.h"
#include "glance-switch-offer.h"
#include "glance-window.h"

typedef struct {
    char *name;          /* the new model */
    char *heading;
    char *body;
    GStrv tasks;         /* GLANCE_TASK_* names it could take */
} Offer;

typedef struct {
    GtkWindow *parent;           /* a reference */
    GlanceInference *inference;  /* a reference */
    GQueue offers;               /* Offer*, the first one on screen */
} Offers;

static void offer_free(Offer *offer)
{
    g_free(offer->name);
    g_free(offer->heading);
    g_free(offer->body);
    g_strfreev(offer->tasks);
    g_free(offer);
}

static void offers_free(Offers *offers)
{
    g_queue_clear_full(&offers->offers, (GDestroyNotify)offer_free);
    g_object_unref(offers->parent);
    g_object_unref(offers->inference);
    g_free(offers);
}

/* The page a task serves, as the window names it. */
static const char *page_of(const char *task)
{
    return g_str_equal(task, GLANCE_TASK_VQA) ? _("Ask") : g_str_equal(task, GLANCE_TASK_NLVR2) ? _("Compare")
                                                                                               : _("Search");
}

static Offer *offer_new(const GlanceModelRegistry *registry, const char *name)
{
    g_auto(GStrv) tasks = glance_task_model_could_switch(registry, name);
    const GlanceInstalledModel *model = glance_model_registry_find(registry, name);
    if (!model || !tasks[0])
        return NULL;
    GString *pages = g_string_new(page_of(tasks[0]));
    GString *body = g_string_new(NULL);
    for (guint i = 0; tasks[i]; i++) {
        if (i > 0 && !tasks[i + 1])
            /* Translators: the last of the pages a model could serve: "Ask and Search" */
            g_string_append_printf(pages, _(" and %s"), page_of(tasks[i]));
        else if (i > 0)
            /* Translators: joins the pages a model could serve: "Ask, Compare and Search" */
            g_string_append_printf(pages, _(", %s"), page_of(tasks[i]));
        const GlanceInstalledModel *current = glance_model_registry_get_default(registry, tasks[i]);
        /* Translators: "Ask uses “VLMo-Base, fine-tuned on VQAv2”, which you chose." */
        g_string_append_printf(body, _("%s uses “%s”, which you chose.\n"), page_of(tasks[i]),
                               current ? current->title : "");
    }
    g_string_append(body, _("Glance changes your choice only if you say so; you can change it later in Preferences."));
    Offer *offer = g_new0(Offer, 1);
    offer->name = g_strdup(name);
    /* Translators: "Use “VLMo-Base, fine-tuned on VQAv2” for Ask?" */
    offer->heading = g_strdup_printf(_("Use “%s” for %s?"), model->title, pages->str);
    offer->body = g_string_free(body, FALSE);
    offer->tasks = g_steal_pointer(&tasks);
    g_string_free(pages, TRUE);
    return offer;
}

static void show_next(Offers *offers);

static void on_switched(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceInference) inference = data;
    g_autoptr(GError) error = NULL;
    if (!glance_models_edit_finish(result, &error))
        g_warning("the switch could not be saved: %s", error->message);
    glance_inference_reload_models(inference);
}

static void on_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    Offers *offers = data;
    g_signal_handlers_disconnect_by_data(dialog, offers);   /* one answer per dialog */
    Offer *offer = g_queue_pop_head(&offers->offers);
    if (g_str_equal(response, "switch"))
        for (guint i = 0; offer->tasks[i]; i++) {
            GlanceModelTask task;
            if (glance_model_task_from_name(offer->tasks[i], &task))
                glance_models_set_default_async(task, offer->name, NULL, on_switched,
                                                g_object_ref(offers->inference));
        }
    offer_free(offer);
    show_next(offers);
}

static void show_next(Offers *offers)
{
    Offer *offer = g_queue_peek_head(&offers->offers);
    if (!offer) {
        offers_free(offers);
        return;
    }
    GtkWidget *dialog = adw_message_dialog_new(offers->parent, offer->heading, offer->body);
    AdwMessageDialog *message = ADW_MESSAGE_DIALOG(dialog);
    adw_message_dialog_add_response(message, "keep", _("_Keep Current"));
    adw_message_dialog_add_response(message, "switch", _("_Switch"));
    adw_message_dialog_set_response_appearance(message, "switch", ADW_RESPONSE_SUGGESTED);
    adw_message_dialog_set_default_response(message, "keep");
    adw_message_dialog_set_close_response(message, "keep");
    g_signal_connect(dialog, "response", G_CALLBACK(on_response), offers);
    gtk_window_present(GTK_WINDOW(dialog));
}

void glance_offer_switch(GtkWindow *parent, GlanceInference *inference, const char *const *names)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, &error);
    if (!registry) {
        glance_show_toast(GTK_WIDGET(parent), _("The installed models could not be read"));
        return;
    }
    Offers *offers = g_new0(Offers, 1);
    offers->parent = g_object_ref(parent);
    offers->inference = g_object_ref(inference);
    g_queue_init(&offers->offers);
    for (guint i = 0; names && names[i]; i++) {
        Offer *offer = offer_new(registry, names[i]);
        if (offer)
            g_queue_push_tail(&offers->offers, offer);
    }
    show_next(offers);
}

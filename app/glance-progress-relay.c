/* glance-progress-relay.c — coalesced delivery through an idle source on the caller's context. */
#include "glance-progress-relay.h"

struct _GlanceProgressRelay {
    GTask *task;                 /* not a reference: the relay lives in the task's data */
    GMainContext *context;
    GBoxedCopyFunc copy;
    GDestroyNotify state_free;
    GlanceProgressDeliverFunc deliver;
    GCallback callback;
    gpointer callback_data;
    GDestroyNotify callback_destroy;
    GMutex lock;                 /* guards latest */
    gpointer latest;             /* the newest undelivered state; NULL when none */
};

GlanceProgressRelay *glance_progress_relay_new(GTask *task, GBoxedCopyFunc copy, GDestroyNotify state_free,
                                               GlanceProgressDeliverFunc deliver, GCallback callback,
                                               gpointer callback_data, GDestroyNotify callback_destroy)
{
    if (!callback) {
        if (callback_destroy)
            callback_destroy(callback_data);
        return NULL;
    }
    GlanceProgressRelay *relay = g_new0(GlanceProgressRelay, 1);
    relay->task = task;
    relay->context = g_main_context_ref_thread_default();
    relay->copy = copy;
    relay->state_free = state_free;
    relay->deliver = deliver;
    relay->callback = callback;
    relay->callback_data = callback_data;
    relay->callback_destroy = callback_destroy;
    g_mutex_init(&relay->lock);
    return relay;
}

void glance_progress_relay_free(GlanceProgressRelay *relay)
{
    if (!relay)
        return;
    if (relay->latest)
        relay->state_free(relay->latest);
    if (relay->callback_destroy)
        relay->callback_destroy(relay->callback_data);
    g_main_context_unref(relay->context);
    g_mutex_clear(&relay->lock);
    g_free(relay);
}

/* Main context. */
static gboolean deliver_latest(gpointer data)
{
    GlanceProgressRelay *relay = data;
    g_mutex_lock(&relay->lock);
    gpointer state = g_steal_pointer(&relay->latest);
    g_mutex_unlock(&relay->lock);
    if (state && !g_task_get_completed(relay->task))
        relay->deliver(state, relay->callback, relay->callback_data);
    if (state)
        relay->state_free(state);
    return G_SOURCE_REMOVE;
}

static void release_task(gpointer data)
{
    g_object_unref(((GlanceProgressRelay *)data)->task);   /* may free the relay: last use */
}

void glance_progress_relay_push(GlanceProgressRelay *relay, gconstpointer state)
{
    if (!relay)
        return;
    gpointer copy = relay->copy((gpointer)state);
    g_mutex_lock(&relay->lock);
    gboolean queued = relay->latest != NULL;
    gpointer older = relay->latest;
    relay->latest = copy;
    g_mutex_unlock(&relay->lock);
    if (older)
        relay->state_free(older);
    if (!queued) {
        g_object_ref(relay->task);
        glance_context_post(relay->context, deliver_latest, relay, release_task);
    }
}

void glance_context_post(GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
    /* A source, never g_main_context_invoke_full: that runs func right here when no
     * thread owns the context at this moment (a caller between starting its task and
     * running its loop), i.e. on the worker thread. */
    GSource *source = g_idle_source_new();
    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, func, data, notify);
    g_source_attach(source, context);
    g_source_unref(source);
}

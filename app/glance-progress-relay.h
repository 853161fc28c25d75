/* glance-progress-relay.h — progress from a worker thread to the main context of the
 * thread that started the job: the one way app/'s `_async` calls report progress.
 *
 * The worker pushes states as fast as it likes; the relay keeps only the newest, queues
 * at most one delivery, and never delivers after the job's GTask has returned its result,
 * so a callback never sees progress after its completion. */
#ifndef GLANCE_PROGRESS_RELAY_H
#define GLANCE_PROGRESS_RELAY_H
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GlanceProgressRelay GlanceProgressRelay;

/* Runs on the main context: calls the caller's callback (cast back to its own type) with
 * the state, valid during the call. */
typedef void (*GlanceProgressDeliverFunc)(gconstpointer state, GCallback callback, gpointer callback_data);

/* Call on the thread that starts the job, before the worker runs. copy deep-copies a
 * state, state_free frees a copy; callback_destroy (may be NULL) frees callback_data when
 * the relay is freed. Returns NULL, having freed callback_data, when callback is NULL:
 * pushing to a NULL relay does nothing. Store the relay in the task's data and free it
 * with the task: the relay does not reference the task, each queued delivery does. */
GlanceProgressRelay *glance_progress_relay_new(GTask *task, GBoxedCopyFunc copy, GDestroyNotify state_free,
                                               GlanceProgressDeliverFunc deliver, GCallback callback,
                                               gpointer callback_data, GDestroyNotify callback_destroy);
/* Worker thread: the newest state (copied). relay may be NULL. */
void glance_progress_relay_push(GlanceProgressRelay *relay, gconstpointer state);
void glance_progress_relay_free(GlanceProgressRelay *relay);

/* Any thread: runs func(data) on the thread that runs `context`, at default priority,
 * after what is queued there already, then notify(data) — unlike
 * g_main_context_invoke_full, never on the calling thread. */
void glance_context_post(GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify notify);

G_END_DECLS
#endif

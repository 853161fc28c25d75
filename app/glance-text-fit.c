/* glance-text-fit.c — the text is cut into whitespace-separated words and each word is
 * tokenised alone: BERT's basic tokenizer splits on whitespace before anything else, so
 * the pieces add up to the whole text's, and the running sum says where the model stops
 * reading (the engine's glance_tokenize truncates, so it cannot count past the limit). */
#include "config.h"
#include "glance-engine.h"
#include "glance-text-fit.h"
#include "glance-engine-error.h"
#include "glance-model-handle.h"

gboolean glance_text_fit_measure(GlanceModelHandle *handle, const char *text, GlanceTextFit *fit,
                                 GError **error)
{
    g_return_val_if_fail(handle && text && fit, FALSE);
    const GlanceModel *model = glance_model_handle_get_model(handle);
    int max_len = glance_model_config(model)->max_text_len;
    int budget = MAX(0, max_len - 2);   /* [CLS] and [SEP] take two places */
    g_autofree int32_t *ids = g_new(int32_t, MAX(max_len, 1));
    *fit = (GlanceTextFit){ 0, 0, strlen(text) };
    gboolean cut = FALSE;
    for (const char *p = text; *p;) {
        while (*p && g_unichar_isspace(g_utf8_get_char_validated(p, -1)))
            p = g_utf8_next_char(p);
        const char *start = p;
        while (*p && !g_unichar_isspace(g_utf8_get_char_validated(p, -1)))
            p = g_utf8_next_char(p);
        if (p == start)
            break;
        g_autofree char *word = g_strndup(start, p - start);
        GlanceError err = { 0 };
        int n_ids = 0;
        if (glance_tokenize(model, word, ids, &n_ids, &err) != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            return FALSE;
        }
        int pieces = MAX(0, n_ids - 2);
        if (!cut && fit->n_pieces + pieces > budget) {
            cut = TRUE;   /* this word is the first the model does not read in full */
            fit->read_bytes = start - text;
        }
        fit->n_pieces += pieces;
    }
    fit->n_read = MIN(fit->n_pieces, budget);
    return TRUE;
}

static void measure_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    const char *const *args = data;   /* { model_path, text } */
    GError *error = NULL;
    g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(args[0], &error);
    GlanceTextFit *fit = g_new0(GlanceTextFit, 1);
    if (!handle || !glance_text_fit_measure(handle, args[1], fit, &error)) {
        g_free(fit);
        g_task_return_error(task, error);
        return;
    }
    g_task_return_pointer(task, fit, g_free);
}

void glance_text_fit_async(const char *model_path, const char *text, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_text_fit_async);
    const char *args[] = { model_path, text, NULL };
    g_task_set_task_data(task, g_strdupv((char **)args), (GDestroyNotify)g_strfreev);
    g_task_set_return_on_cancel(task, TRUE);
    g_task_run_in_thread(task, measure_in_thread);
}

gboolean glance_text_fit_finish(GAsyncResult *result, GlanceTextFit *fit, GError **error)
{
    g_autofree GlanceTextFit *measured = g_task_propagate_pointer(G_TASK(result), error);
    if (!measured)
        return FALSE;
    *fit = *measured;
    return TRUE;
}

/* glance-text-fit.h — how much of a question or statement a model reads. The engine keeps
 * max_text_len tokens ([CLS], WordPiece pieces, [SEP]) and drops the rest without a word;
 * this tells a front end before the person asks (the GUI's question entry). */
#ifndef GLANCE_TEXT_FIT_H
#define GLANCE_TEXT_FIT_H
#include <gio/gio.h>

G_BEGIN_DECLS

/* Opaque here (glance-model-handle.h is private to app/ and its CLI). */
typedef struct _GlanceModelHandle GlanceModelHandle;

typedef struct {
    int n_pieces;     /* WordPiece pieces the whole text makes                         */
    int n_read;       /* of them, the ones the model reads (at most max_text_len - 2)  */
    gsize read_bytes; /* the text up to this byte is read in full (its length if all)  */
} GlanceTextFit;

/* Measures text (UTF-8) against the model's tokenizer and text length. */
gboolean glance_text_fit_measure(GlanceModelHandle *handle, const char *text, GlanceTextFit *fit,
                                 GError **error);

/* The same off the calling thread, opening the model file at model_path there. */
void glance_text_fit_async(const char *model_path, const char *text, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
gboolean glance_text_fit_finish(GAsyncResult *result, GlanceTextFit *fit, GError **error);

G_END_DECLS
#endif

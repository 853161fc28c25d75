/* glance-notice.h — one notice about an answer (docs/model-scope.md): the code, the
 * message a person reads and its details. What front ends hold; the judgement that makes
 * notices is glance-notices.h. */
#ifndef GLANCE_NOTICE_H
#define GLANCE_NOTICE_H
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    GLANCE_NOTICE_UNKNOWN_WORDS,       /* words the vocabulary cannot read         */
    GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE, /* the image fails the model's domain check  */
    GLANCE_NOTICE_QUESTION_TRUNCATED,  /* the text is longer than the model reads   */
    GLANCE_NOTICE_LOW_CONFIDENCE,      /* the answer is below the calibrated score   */
    GLANCE_NOTICE_NO_GOOD_MATCH,       /* no search result reaches the match score   */
} GlanceNoticeCode;

typedef struct {
    GlanceNoticeCode code;
    char *message;     /* one plain sentence for a person who is not a programmer   */
    GStrv words;       /* unknown_words: the words, as the model saw them; else NULL */
    int tokens_read;   /* question_truncated: word pieces the model read; else 0     */
    int tokens;        /* question_truncated: word pieces of the whole text          */
} GlanceNotice;

/* "unknown_words", "outside_model_scope", ... (the --json codes). */
const char *glance_notice_code_name(GlanceNoticeCode code);
void glance_notice_free(GlanceNotice *notice);

/* A model's glance.scope sentence in the user's language when the catalogue has it
 * (the bundled model's, the catalogue's "everyday photos"), else as written. */
const char *glance_notices_translate_scope(const char *scope);

G_END_DECLS
#endif

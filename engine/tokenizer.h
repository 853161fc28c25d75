/* tokenizer.h — BERT uncased WordPiece, as Hugging Face BertTokenizer(do_lower_case=True)
 * tokenises plain text (engine-internal; the model loader owns one GlanceVocab).
 *
 * A GlanceVocab never changes after glance_vocab_new(), so any number of threads may
 * look pieces up and encode text with one vocabulary at the same time.
 *
 * Decisions where the reference has no answer or a C API needs one:
 * - Text must be valid UTF-8; anything else is rejected with GLANCE_ERR_INVALID
 *   (Python never sees such bytes: decoding them fails before the tokenizer runs).
 * - Special-token names written in the text ("[SEP]", "[MASK]") are plain text here:
 *   "[MASK]" becomes "[", "mask", "]". HF would map them to their ids; a user's
 *   words must not inject sequence structure, and MLM callers work with ids.
 * - Unicode tables are GLib's (Unicode 15 for GLib 2.74): a character assigned in one
 *   Unicode version and not in another can be classified differently than by the
 *   Python that ran the reference.
 * - The empty text (or one with nothing but whitespace and control characters)
 *   encodes to [CLS] [SEP], as HF does; refusing it is the caller's choice. */
#ifndef GLANCE_TOKENIZER_H
#define GLANCE_TOKENIZER_H

#include "glance-engine.h"
#include <stddef.h>
#include <stdint.h>

/* WordPiece's limit: a longer word (in code points) becomes one [UNK]. */
#define GLANCE_WORDPIECE_MAX_WORD_CHARS 100

typedef struct GlanceVocab GlanceVocab;

/* Parses a newline-joined vocabulary: line n is the piece with id n; one trailing
 * newline is fine, a '\r' before a '\n' is dropped. When a piece appears twice, lookups
 * find the later id (as HF's dict does). Returns NULL and fills err on empty or
 * non-UTF-8 input or out of memory. */
GlanceVocab *glance_vocab_new(const char *newline_joined, size_t len, GlanceError *err);
void glance_vocab_free(GlanceVocab *vocab); /* NULL is fine */
int glance_vocab_size(const GlanceVocab *vocab);
/* The id of a piece, -1 if absent. */
int32_t glance_vocab_lookup(const GlanceVocab *vocab, const char *piece);
/* The id of ("##" if continuation) + bytes[0..len), -1 if absent; bytes need no NUL. */
int32_t glance_vocab_lookup_span(const GlanceVocab *vocab, int continuation,
                                 const char *bytes, size_t len);
/* The piece with this id, NULL if out of range. */
const char *glance_vocab_piece(const GlanceVocab *vocab, int32_t id);

/* [CLS] pieces [SEP]: at most max_len (>= 2) ids including the two specials, no
 * padding; *n_ids receives the count. [CLS], [SEP] and [UNK] are looked up by name:
 * a vocabulary without them gives GLANCE_ERR_FORMAT. */
GlanceStatus glance_wordpiece_encode(const GlanceVocab *vocab, const char *text, int max_len,
                                     int32_t *ids, int *n_ids, GlanceError *err);

/* What a text makes, without truncation: *n_tokens ids including [CLS] and [SEP], of
 * which *n_unknown (may be NULL) are [UNK]; `unknown` (may be NULL) hears each word that
 * becomes [UNK] or vanishes, as the tokenizer saw it (lower-cased, accents stripped,
 * punctuation split off). */
GlanceStatus glance_wordpiece_inspect(const GlanceVocab *vocab, const char *text, int *n_tokens,
                                      int *n_unknown, GlanceUnknownWordFunc unknown, void *user_data,
                                      GlanceError *err);

#endif

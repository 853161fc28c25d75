/* tokenizer.c — text -> [CLS] WordPiece ids [SEP], step by step as HF's
 * BasicTokenizer + WordpieceTokenizer (bert-base-uncased) do it:
 *   clean (drop controls, whitespace -> space) and isolate CJK ideographs,
 *   split on whitespace, per word: lower-case, NFD, drop Mn, split punctuation,
 *   then greedy longest-match WordPiece on each piece.
 * Words are processed one at a time and the walk stops once max_len is reached,
 * so a huge paste costs no more than its first words. */
#include "engine-private.h"
#include "tokenizer.h"
#include <glib.h>
#include <string.h>

/* Where the ids go; full when only [SEP] still fits. With ids NULL it only counts
 * (no capacity) and tells `unknown` about each word the vocabulary cannot cover. */
typedef struct {
    int32_t *ids;
    int count;
    int capacity; /* max_len - 1 */
    int32_t unk_id;
    GlanceUnknownWordFunc unknown;
    void *user_data;
    int n_unk; /* [UNK] ids pushed, when counting */
} IdSink;

static int sink_full(const IdSink *sink)
{
    return sink->ids && sink->count >= sink->capacity;
}

static void sink_push(IdSink *sink, int32_t id)
{
    if (!sink->ids) {
        sink->count++;
        sink->n_unk += id == sink->unk_id;
    }
    else if (!sink_full(sink))
        sink->ids[sink->count++] = id;
}

static void sink_unknown(IdSink *sink, const char *word, size_t len)
{
    if (sink->unknown)
        sink->unknown(word, len, sink->user_data);
}

/* ---- character classes (HF: _is_control, _is_whitespace, _is_punctuation) ---- */

static int is_bert_control(gunichar c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return 0;
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
        return 1;
    default:
        return 0;
    }
}

static int is_bert_whitespace(gunichar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR;
}

/* Python's str.split() also splits on these two, which cleaning leaves in place. */
static int is_line_or_paragraph_separator(gunichar c)
{
    GUnicodeType type = g_unichar_type(c);
    return type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

static int is_cjk_ideograph(gunichar c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/* ASCII symbols such as $ + < = > ^ ` | ~ count as punctuation too. */
static int is_bert_punctuation(gunichar c)
{
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
        (c >= 123 && c <= 126))
        return 1;
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
        return 1;
    default:
        return 0;
    }
}

/* ---- lower-casing as Python's str.lower() ---- */

static int is_cased(gunichar c)
{
    return g_unichar_isupper(c) || g_unichar_islower(c) || g_unichar_istitle(c);
}

/* Unicode Case_Ignorable: marks, format characters, modifiers and the
 * word-internal punctuation of the Word_Break property (MidLetter, MidNumLet,
 * Single_Quote). */
static int is_case_ignorable(gunichar c)
{
    switch (g_unichar_type(c)) {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_FORMAT:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_MODIFIER_SYMBOL:
        return 1;
    default:
        break;
    }
    switch (c) {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387: case 0x055F:
    case 0x05F4: case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13:
    case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
        return 1;
    default:
        return 0;
    }
}

/* Capital sigma ends a word (Unicode's Final_Sigma context) when a cased letter
 * comes before it and none after it, skipping case-ignorable characters. GLib's
 * g_utf8_strdown only looks at the next character, Python at both sides. */
static gunichar lower_sigma(const gunichar *word, size_t n, size_t i)
{
    size_t j = i;
    while (j > 0 && is_case_ignorable(word[j - 1]))
        j--;
    if (j == 0 || !is_cased(word[j - 1]))
        return 0x03C3;
    j = i + 1;
    while (j < n && is_case_ignorable(word[j]))
        j++;
    return j < n && is_cased(word[j]) ? 0x03C3 : 0x03C2;
}

/* Python's full lower-case mapping, locale-independent (g_utf8_strdown follows the
 * locale: Turkish would turn "I" into a dotless i). U+0130 is the only character
 * whose unconditional lower case is two characters. */
static void append_lower(GString *out, const gunichar *word, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gunichar c = word[i];
        if (c < 0x80) {
            g_string_append_c(out, (char)g_ascii_tolower((gchar)c));
        } else if (c == 0x0130) {
            g_string_append_c(out, 'i');
            g_string_append_unichar(out, 0x0307);
        } else if (c == 0x03A3) {
            g_string_append_unichar(out, lower_sigma(word, n, i));
        } else {
            g_string_append_unichar(out, g_unichar_tolower(c));
        }
    }
}

/* ---- WordPiece ---- */

/* Greedy longest match: the longest vocabulary piece at each position, "##" after
 * the first; a word that cannot be covered, or is too long, is one [UNK]. */
static void wordpiece(const GlanceVocab *vocab, const char *word, size_t len, IdSink *sink)
{
    size_t offsets[GLANCE_WORDPIECE_MAX_WORD_CHARS + 1]; /* byte offset of each char */
    int32_t pieces[GLANCE_WORDPIECE_MAX_WORD_CHARS];
    int n_chars = 0, n_pieces = 0;
    for (const char *p = word; p < word + len; p = g_utf8_next_char(p)) {
        if (n_chars == GLANCE_WORDPIECE_MAX_WORD_CHARS) {
            sink_unknown(sink, word, len);
            sink_push(sink, sink->unk_id);
            return;
        }
        offsets[n_chars++] = (size_t)(p - word);
    }
    offsets[n_chars] = len;

    for (int start = 0; start < n_chars;) {
        int end = n_chars;
        int32_t id = -1;
        for (; end > start; end--) {
            id = glance_vocab_lookup_span(vocab, start > 0, word + offsets[start],
                                          offsets[end] - offsets[start]);
            if (id >= 0)
                break;
        }
        if (id < 0) {
            sink_unknown(sink, word, len);
            sink_push(sink, sink->unk_id);
            return;
        }
        pieces[n_pieces++] = id;
        start = end;
    }
    for (int i = 0; i < n_pieces; i++)
        sink_push(sink, pieces[i]);
}

/* Every punctuation character is a word of its own; the runs between are words. */
static void split_punctuation(const GlanceVocab *vocab, const char *text, size_t len, IdSink *sink)
{
    const char *run = text;
    const char *end = text + len;
    for (const char *p = text; p < end && !sink_full(sink);) {
        const char *next = g_utf8_next_char(p);
        if (is_bert_punctuation(g_utf8_get_char(p))) {
            if (p > run)
                wordpiece(vocab, run, (size_t)(p - run), sink);
            wordpiece(vocab, p, (size_t)(next - p), sink);
            run = next;
        }
        p = next;
    }
    if (end > run)
        wordpiece(vocab, run, (size_t)(end - run), sink);
}

/* Removes non-spacing marks (accents after NFD) in place; returns the new length. */
static size_t drop_nonspacing_marks(char *text, size_t len)
{
    size_t kept = 0;
    for (const char *p = text; p < text + len;) {
        const char *next = g_utf8_next_char(p);
        if (g_unichar_type(g_utf8_get_char(p)) != G_UNICODE_NON_SPACING_MARK) {
            memmove(text + kept, p, (size_t)(next - p));
            kept += (size_t)(next - p);
        }
        p = next;
    }
    return kept;
}

/* One whitespace-delimited word, already cleaned: lower-case, strip accents,
 * split punctuation, WordPiece. scratch is reused from word to word. */
static GlanceStatus encode_word(const GlanceVocab *vocab, const gunichar *word, size_t n,
                                GString *scratch, IdSink *sink, GlanceError *err)
{
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        ascii &= word[i] < 0x80;
    g_string_truncate(scratch, 0);
    append_lower(scratch, word, n);
    if (ascii) { /* NFD changes nothing and there are no marks */
        split_punctuation(vocab, scratch->str, scratch->len, sink);
        return GLANCE_OK;
    }
    char *nfd = g_utf8_normalize(scratch->str, (gssize)scratch->len, G_NORMALIZE_NFD);
    if (!nfd)
        return glance_fail(err, GLANCE_ERR_NOMEM, "tokenizer: cannot normalise a word");
    size_t len = drop_nonspacing_marks(nfd, strlen(nfd));
    if (len == 0) /* nothing but accents: the word vanishes */
        sink_unknown(sink, scratch->str, scratch->len);
    split_punctuation(vocab, nfd, len, sink);
    g_free(nfd);
    return GLANCE_OK;
}

/* Cleans the text and cuts it into words (CJK ideographs stand alone), handing each
 * to encode_word until the sink is full. */
static GlanceStatus encode_text(const GlanceVocab *vocab, const char *text, IdSink *sink,
                                GlanceError *err)
{
    GArray *word = g_array_new(FALSE, FALSE, sizeof(gunichar));
    GString *scratch = g_string_new(NULL);
    GlanceStatus status = GLANCE_OK;
    for (const char *p = text;; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c != 0 && (c == 0xFFFD || is_bert_control(c)))
            continue;
        int cjk = is_cjk_ideograph(c);
        int ends_word = c == 0 || cjk || is_bert_whitespace(c) || is_line_or_paragraph_separator(c);
        if (ends_word && word->len > 0) {
            status = encode_word(vocab, (const gunichar *)(void *)word->data, word->len,
                                 scratch, sink, err);
            g_array_set_size(word, 0);
        }
        if (cjk && status == GLANCE_OK && !sink_full(sink))
            status = encode_word(vocab, &c, 1, scratch, sink, err);
        if (c == 0 || status != GLANCE_OK || sink_full(sink))
            break;
        if (!ends_word)
            g_array_append_val(word, c);
    }
    g_string_free(scratch, TRUE);
    g_array_free(word, TRUE);
    return status;
}

static GlanceStatus lookup_special(const GlanceVocab *vocab, const char *name, int32_t *id,
                                   GlanceError *err)
{
    *id = glance_vocab_lookup(vocab, name);
    if (*id < 0)
        return glance_fail(err, GLANCE_ERR_FORMAT, "the vocabulary has no %s token", name);
    return GLANCE_OK;
}

static GlanceStatus lookup_specials(const GlanceVocab *vocab, int32_t *cls_id, int32_t *sep_id,
                                    int32_t *unk_id, GlanceError *err)
{
    GlanceStatus status = lookup_special(vocab, "[CLS]", cls_id, err);
    if (status == GLANCE_OK)
        status = lookup_special(vocab, "[SEP]", sep_id, err);
    if (status == GLANCE_OK)
        status = lookup_special(vocab, "[UNK]", unk_id, err);
    return status;
}

GlanceStatus glance_wordpiece_inspect(const GlanceVocab *vocab, const char *text, int *n_tokens,
                                      int *n_unknown, GlanceUnknownWordFunc unknown, void *user_data,
                                      GlanceError *err)
{
    if (n_tokens)
        *n_tokens = 0;
    if (n_unknown)
        *n_unknown = 0;
    if (!vocab || !text || !n_tokens)
        return glance_fail(err, GLANCE_ERR_INVALID, "tokenizer: missing argument");
    const char *bad;
    if (!g_utf8_validate(text, -1, &bad))
        return glance_fail(err, GLANCE_ERR_INVALID, "text is not valid UTF-8 (byte %td)",
                           bad - text);
    int32_t cls_id, sep_id;
    IdSink sink = { .ids = NULL, .unknown = unknown, .user_data = user_data };
    GlanceStatus status = lookup_specials(vocab, &cls_id, &sep_id, &sink.unk_id, err);
    if (status == GLANCE_OK)
        status = encode_text(vocab, text, &sink, err);
    if (status == GLANCE_OK) {
        *n_tokens = sink.count + 2; /* [CLS] and [SEP] */
        if (n_unknown)
            *n_unknown = sink.n_unk;
    }
    return status;
}

GlanceStatus glance_wordpiece_encode(const GlanceVocab *vocab, const char *text, int max_len,
                                     int32_t *ids, int *n_ids, GlanceError *err)
{
    if (n_ids)
        *n_ids = 0;
    if (!vocab || !text || !ids || !n_ids)
        return glance_fail(err, GLANCE_ERR_INVALID, "tokenizer: missing argument");
    if (max_len < 2)
        return glance_fail(err, GLANCE_ERR_INVALID,
                           "tokenizer: max_len %d leaves no room for [CLS] and [SEP]", max_len);
    const char *bad;
    if (!g_utf8_validate(text, -1, &bad))
        return glance_fail(err, GLANCE_ERR_INVALID, "text is not valid UTF-8 (byte %td)",
                           bad - text);
    int32_t cls_id, sep_id;
    IdSink sink = { .ids = ids, .count = 0, .capacity = max_len - 1 };
    GlanceStatus status = lookup_specials(vocab, &cls_id, &sep_id, &sink.unk_id, err);
    if (status != GLANCE_OK)
        return status;

    sink_push(&sink, cls_id);
    status = encode_text(vocab, text, &sink, err);
    if (status != GLANCE_OK)
        return status;
    ids[sink.count] = sep_id; /* capacity kept this slot free */
    *n_ids = sink.count + 1;
    return GLANCE_OK;
}

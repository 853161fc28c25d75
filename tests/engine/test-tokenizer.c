/* test-tokenizer.c — the WordPiece tokenizer against Hugging Face's BertTokenizer:
 * the golden manifest's texts, edge cases whose ids were produced by HF's
 * BasicTokenizer + WordpieceTokenizer (transformers 4.x, Python 3.11 unicodedata),
 * vocabulary parsing, invalid input and concurrent readers. */
#include "tokenizer.h"
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define VOCAB_PATH "../shared/vocab/bert-base-uncased-vocab.txt"
#define MANIFEST_PATH "../shared/golden/vlmo-ref-a/manifest.json"
#define MAX_IDS 512

#include "check.h"

static void print_ids(const char *label, const int32_t *ids, int n)
{
    printf("  %s:", label);
    for (int i = 0; i < n; i++)
        printf(" %d", ids[i]);
    printf("\n");
}

/* Encodes text and compares with the expected ids; returns 1 when equal. */
static int expect_ids(const GlanceVocab *vocab, const char *name, const char *text, int max_len,
                      const int32_t *expected, int n_expected)
{
    int32_t ids[MAX_IDS];
    int n = -1;
    GlanceError err = { 0 };
    GlanceStatus status = glance_wordpiece_encode(vocab, text, max_len, ids, &n, &err);
    int ok = status == GLANCE_OK && n == n_expected &&
             memcmp(ids, expected, (size_t)n * sizeof *ids) == 0;
    CHECK(ok, "%s: ids differ (status %d %s)", name, status, err.message);
    if (!ok && status == GLANCE_OK) {
        print_ids("expected", expected, n_expected);
        print_ids("got     ", ids, n);
    }
    return ok;
}

static GlanceVocab *load_bert_vocab(void)
{
    gchar *text = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(VOCAB_PATH, &text, &len, &error)) {
        printf("cannot read " VOCAB_PATH ": %s\n", error->message);
        g_error_free(error);
        return NULL;
    }
    GlanceError err = { 0 };
    GlanceVocab *vocab = glance_vocab_new(text, len, &err);
    g_free(text);
    if (!vocab)
        printf("glance_vocab_new: %s\n", err.message);
    return vocab;
}

/* ---- the golden manifest: ids and word pieces of every text ---- */

static void test_golden_texts(const GlanceVocab *vocab)
{
    GError *error = NULL;
    JsonParser *parser = json_parser_new();
    if (!json_parser_load_from_file(parser, MANIFEST_PATH, &error)) {
        CHECK(0, "cannot parse " MANIFEST_PATH ": %s", error->message);
        g_error_free(error);
        g_object_unref(parser);
        return;
    }
    JsonObject *manifest = json_node_get_object(json_parser_get_root(parser));
    JsonObject *config = json_object_get_object_member(manifest, "config");
    int max_len = (int)json_object_get_int_member(config, "max_text_len");
    JsonArray *texts = json_object_get_array_member(manifest, "texts");
    guint n_texts = json_array_get_length(texts);
    CHECK(n_texts == 7, "manifest has %u texts, expected 7", n_texts);
    int exact = 0;
    for (guint t = 0; t < n_texts; t++) {
        JsonObject *entry = json_array_get_object_element(texts, t);
        const char *text = json_object_get_string_member(entry, "text");
        JsonArray *input_ids = json_object_get_array_member(entry, "input_ids");
        JsonArray *mask = json_object_get_array_member(entry, "attention_mask");
        JsonArray *pieces = json_object_get_array_member(entry, "wordpieces");
        int32_t expected[MAX_IDS];
        int n_expected = 0;
        for (guint i = 0; i < json_array_get_length(input_ids) && n_expected < MAX_IDS; i++)
            if (json_array_get_int_element(mask, i))
                expected[n_expected++] = (int32_t)json_array_get_int_element(input_ids, i);
        char name[64];
        snprintf(name, sizeof name, "golden text %u", t);
        exact += expect_ids(vocab, name, text, max_len, expected, n_expected);

        /* The pieces between [CLS] and [SEP] spell the manifest's word pieces
         * (before truncation; the truncated text keeps a prefix of them). */
        guint n_pieces = json_array_get_length(pieces);
        int same = 1;
        for (int i = 1; i + 1 < n_expected && (guint)(i - 1) < n_pieces; i++) {
            const char *piece = glance_vocab_piece(vocab, expected[i]);
            same &= piece && strcmp(piece, json_array_get_string_element(pieces, (guint)i - 1)) == 0;
        }
        CHECK(same, "golden text %u: word pieces differ from the manifest", t);
    }
    printf("golden texts: %d of %u tokenised exactly\n", exact, n_texts);
    g_object_unref(parser);
}

/* ---- edge cases, ids from HF's tokenizer ---- */

typedef struct {
    const char *name;
    const char *text;
    int max_len;
    int32_t ids[48];
    int n_ids;
} TokenCase;

/* Expected ids come from running the algorithm of transformers' BertTokenizer
 * (BasicTokenizer + WordpieceTokenizer, do_lower_case) with Python 3.11's unicodedata
 * on this vocabulary; the comment above a case spells its pieces. */
static const TokenCase hf_cases[] = {
    { "empty", "", 40,
      { 101, 102 }, 2 },
    { "whitespace only", " \011\012\015 \343\200\200\302\240\342\200\203 ", 40,
      { 101, 102 }, 2 },
    /* ? ! . . . */
    { "punctuation only", "?!...", 40,
      { 101, 1029, 999, 1012, 1012, 1012, 102 }, 7 },
    /* hello , how are you ? */
    { "vocab README example", "Hello, how are you?", 40,
      { 101, 7592, 1010, 2129, 2024, 2017, 1029, 102 }, 8 },
    /* cr ##eme br ##ule ##e a l ' ecole , naive ang ##strom */
    { "accents stripped", "Cr\303\250me Br\303\273l\303\251e \303\240 l'\303\211cole, NA\303\217VE \303\205ngstr\303\266m", 40,
      { 101, 13675, 21382, 7987, 9307, 2063, 1037, 1048, 1005, 12431, 1010, 15743,
        17076, 15687, 102 }, 15 },
    /* 我 [UNK] 北 京 abc 東 京 def */
    { "CJK ideographs stand alone", "\346\210\221\347\210\261\345\214\227\344\272\254abc\346\235\261\344\272\254def", 40,
      { 101, 1855, 100, 1781, 1755, 5925, 1879, 1755, 13366, 102 }, 10 },
    /* [UNK] [UNK] */
    { "CJK compatibility ideograph", "\357\244\200\350\261\210", 40,
      { 101, 100, 100, 102 }, 4 },
    /* abc ##de ##f */
    { "controls removed, not spaces", "a\001b\177c\342\200\213d\302\255e\357\277\275f", 40,
      { 101, 5925, 3207, 2546, 102 }, 5 },
    /* snow ##man */
    { "format char inside word", "snow\342\200\215man", 40,
      { 101, 4586, 2386, 102 }, 4 },
    /* aaa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ## ... */
    { "100-char word", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 40,
      { 101, 13360, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057,
        11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057,
        11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057,
        11057, 11057, 11057, 102 }, 40 },
    /* [UNK] */
    { "101-char word", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "a", 40,
      { 101, 100, 102 }, 3 },
    /* aaa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ##aa ## ... */
    { "101 chars with punctuation", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
      "b", 40,
      { 101, 13360, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057,
        11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057, 11057,
        11057, 11057, 11057, 11057, 11057, 11057, 2050, 1011, 22861, 10322, 10322, 10322,
        10322, 10322, 10322, 102 }, 40 },
    /* one two */
    { "truncated to 4", "one two three four five", 4,
      { 101, 2028, 2048, 102 }, 4 },
    { "truncated to 2", "one two", 2,
      { 101, 102 }, 2 },
    /* una ##ffa */
    { "truncated mid-word", "unaffable unaffable", 4,
      { 101, 14477, 20961, 102 }, 4 },
    /* ο ##δ ##ος σ σ ##α a ##ς . σ ' */
    { "final sigma", "\316\237\316\224\316\237\316\243 \316\243 \316\243\316\221 a\316\243. \316\243'", 40,
      { 101, 1169, 29722, 15297, 1173, 1173, 14608, 1037, 19579, 1012, 1173, 1005,
        102 }, 13 },
    /* istanbul */
    { "dotted capital I", "\304\260stanbul", 40,
      { 101, 9960, 102 }, 3 },
    /* [UNK] [UNK] */
    { "snowman unknown", "\342\230\203 \342\230\203\342\230\203", 40,
      { 101, 100, 100, 102 }, 4 },
    /* [ mask ] [ sep ] */
    { "special names are text", "[MASK] [SEP]", 40,
      { 101, 1031, 7308, 1033, 1031, 19802, 1033, 102 }, 8 },
    /* hello world again */
    { "line separator splits", "hello\342\200\250world\342\200\251again", 40,
      { 101, 7592, 2088, 2153, 102 }, 5 },
    /* 5 ##€ 3 ##° ##c $ 5 a + b */
    { "symbols are not punctuation", "5\342\202\254 3\302\260C $5 a+b", 40,
      { 101, 1019, 30102, 1017, 7737, 2278, 1002, 1019, 1037, 1009, 1038, 102 }, 12 },
    /* state - of - the - art */
    { "hyphenated", "state-of-the-art", 40,
      { 101, 2110, 1011, 1997, 1011, 1996, 1011, 2396, 102 }, 9 },
    /* e x */
    { "combining marks alone", "e\314\201 \314\201 \314\200\314\200x", 40,
      { 101, 1041, 1060, 102 }, 4 },
    /* [UNK] ﬁ ##ne */
    { "fullwidth and ligature", "\357\274\241\357\274\242\357\274\243 \357\254\201ne", 40,
      { 101, 100, 1984, 2638, 102 }, 5 },
    /* i [UNK] [UNK] ! */
    { "emoji", "I \342\235\244 \360\237\215\225!", 40,
      { 101, 1045, 100, 100, 999, 102 }, 6 },
};

static void test_hf_cases(const GlanceVocab *vocab)
{
    int n_cases = (int)G_N_ELEMENTS(hf_cases), exact = 0;
    for (int i = 0; i < n_cases; i++) {
        const TokenCase *c = &hf_cases[i];
        exact += expect_ids(vocab, c->name, c->text, c->max_len, c->ids, c->n_ids);
    }
    printf("HF edge cases: %d of %d tokenised exactly\n", exact, n_cases);
}

/* A 1 MB word and a long text stop at max_len without trouble. */
static void test_long_inputs(const GlanceVocab *vocab)
{
    size_t len = 1 << 20;
    char *text = g_malloc(len + 1);
    memset(text, 'x', len);
    text[len] = '\0';
    int32_t ids[40];
    int n = 0;
    GlanceStatus status = glance_wordpiece_encode(vocab, text, 40, ids, &n, NULL);
    CHECK(status == GLANCE_OK && n == 3 && ids[1] == 100, "1 MB word: one [UNK] (n=%d)", n);
    for (size_t i = 0; i < len; i += 4)
        memcpy(text + i, "the ", 4);
    gint64 start = g_get_monotonic_time();
    status = glance_wordpiece_encode(vocab, text, 40, ids, &n, NULL);
    gint64 elapsed = g_get_monotonic_time() - start;
    CHECK(status == GLANCE_OK && n == 40 && ids[38] == 1996 && ids[39] == 102,
          "1 MB of words: truncated to 40 (n=%d)", n);
    CHECK(elapsed < 1000000, "1 MB of words: %lld us, stops after max_len words", (long long)elapsed);
    g_free(text);
}

/* ---- invalid input ---- */

static void test_invalid_utf8(const GlanceVocab *vocab)
{
    static const char *const bad_texts[] = {
        "abc\377",           /* a byte that never occurs in UTF-8 */
        "caf\351",           /* Latin-1 e-acute                    */
        "\303(",             /* a lead byte without continuation   */
        "\300\257",          /* overlong '/'                       */
        "\355\240\200",      /* a UTF-16 surrogate                 */
        "\364\220\200\200",  /* beyond U+10FFFF                    */
        "ok \342\202",       /* truncated at the end               */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad_texts); i++) {
        int32_t ids[8] = { 0 };
        int n = 99;
        GlanceError err = { 0 };
        GlanceStatus status = glance_wordpiece_encode(vocab, bad_texts[i], 8, ids, &n, &err);
        CHECK(status == GLANCE_ERR_INVALID && err.status == GLANCE_ERR_INVALID && n == 0 &&
                  strstr(err.message, "UTF-8") != NULL,
              "invalid UTF-8 #%zu rejected (status %d, n %d, \"%s\")", i, status, n, err.message);
    }
}

static void test_bad_arguments(const GlanceVocab *vocab)
{
    int32_t ids[4];
    int n = 0;
    GlanceError err = { 0 };
    CHECK(glance_wordpiece_encode(vocab, "a", 1, ids, &n, &err) == GLANCE_ERR_INVALID,
          "max_len 1 is refused");
    CHECK(glance_wordpiece_encode(vocab, "a", 0, ids, &n, &err) == GLANCE_ERR_INVALID,
          "max_len 0 is refused");
    CHECK(glance_wordpiece_encode(NULL, "a", 4, ids, &n, &err) == GLANCE_ERR_INVALID,
          "NULL vocabulary is refused");
    CHECK(glance_wordpiece_encode(vocab, NULL, 4, ids, &n, &err) == GLANCE_ERR_INVALID,
          "NULL text is refused");
    CHECK(glance_wordpiece_encode(vocab, "a", 4, NULL, &n, NULL) == GLANCE_ERR_INVALID,
          "NULL ids is refused");
    CHECK(glance_wordpiece_encode(vocab, "a", 4, ids, NULL, NULL) == GLANCE_ERR_INVALID,
          "NULL n_ids is refused");
}

/* ---- the vocabulary ---- */

static void test_vocab_lookup(const GlanceVocab *vocab)
{
    CHECK(glance_vocab_size(vocab) == 30522, "bert vocabulary size %d", glance_vocab_size(vocab));
    CHECK(glance_vocab_lookup(vocab, "[PAD]") == 0 && glance_vocab_lookup(vocab, "[UNK]") == 100 &&
              glance_vocab_lookup(vocab, "[CLS]") == 101 && glance_vocab_lookup(vocab, "[SEP]") == 102 &&
              glance_vocab_lookup(vocab, "[MASK]") == 103 && glance_vocab_lookup(vocab, ".") == 1012 &&
              glance_vocab_lookup(vocab, "the") == 1996 && glance_vocab_lookup(vocab, "is") == 2003,
          "the README's ids");
    CHECK(glance_vocab_lookup(vocab, "##s") == 2015, "##s is 2015");
    CHECK(glance_vocab_lookup(vocab, "glancewordnotthere") == -1, "absent piece gives -1");
    CHECK(glance_vocab_lookup(vocab, "") == -1 && glance_vocab_lookup(vocab, NULL) == -1,
          "empty and NULL pieces give -1");
    CHECK(glance_vocab_lookup_span(vocab, 1, "sxyz", 1) == 2015, "span lookup with ## prefix");
    const char *piece = glance_vocab_piece(vocab, 7592);
    CHECK(piece && strcmp(piece, "hello") == 0, "piece 7592 is hello");
    CHECK(glance_vocab_piece(vocab, -1) == NULL && glance_vocab_piece(vocab, 30522) == NULL,
          "out-of-range ids give NULL");
}

static GlanceVocab *vocab_from(const char *text, GlanceError *err)
{
    return glance_vocab_new(text, strlen(text), err);
}

static void test_small_vocabularies(void)
{
    static const char toy[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n##a\nuna\n";
    GlanceError err = { 0 };
    GlanceVocab *vocab = vocab_from(toy, &err);
    CHECK(vocab && glance_vocab_size(vocab) == 9, "toy vocabulary: 9 pieces");
    if (vocab) {
        /* Specials are looked up by name: here [CLS] is 2, [SEP] 3, [UNK] 1. Greedy
         * longest match takes "una", then nothing covers "ffable": the whole word is
         * [UNK], although un ##aff ##able would have covered it. */
        expect_ids(vocab, "toy: greedy, not optimal", "unaffable", 8, (const int32_t[]){ 2, 1, 3 }, 3);
        expect_ids(vocab, "toy: word-initial pieces have no ##", "UN AFF ABLE", 8,
                   (const int32_t[]){ 2, 4, 1, 1, 3 }, 5);
        glance_vocab_free(vocab);
    }

    vocab = vocab_from("[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able", &err);
    CHECK(vocab && glance_vocab_size(vocab) == 6, "no trailing newline: 6 pieces");
    if (vocab)
        expect_ids(vocab, "toy without trailing newline", "Unaffable", 8,
                   (const int32_t[]){ 1, 3, 4, 5, 2 }, 5);
    glance_vocab_free(vocab);

    vocab = vocab_from("[UNK]\r\n[CLS]\r\n[SEP]\r\nhi\r\n", &err);
    CHECK(vocab && glance_vocab_lookup(vocab, "hi") == 3 && glance_vocab_size(vocab) == 4,
          "CRLF lines: the \\r is not part of the piece");
    glance_vocab_free(vocab);

    vocab = vocab_from("[UNK]\n[CLS]\n[SEP]\nhi\nhi\n", &err);
    CHECK(vocab && glance_vocab_lookup(vocab, "hi") == 4 && glance_vocab_size(vocab) == 5 &&
              strcmp(glance_vocab_piece(vocab, 3), "hi") == 0,
          "a repeated piece looks up as its last id");
    glance_vocab_free(vocab);

    vocab = vocab_from("a\n\nb\n", &err);
    CHECK(vocab && glance_vocab_size(vocab) == 3 && glance_vocab_lookup(vocab, "b") == 2,
          "an empty line keeps its id");
    if (vocab) {
        int32_t ids[4];
        int n = 0;
        err.message[0] = '\0';
        GlanceStatus status = glance_wordpiece_encode(vocab, "a", 4, ids, &n, &err);
        CHECK(status == GLANCE_ERR_FORMAT && strstr(err.message, "[CLS]") != NULL,
              "a vocabulary without [CLS] cannot encode (status %d, \"%s\")", status, err.message);
    }
    glance_vocab_free(vocab);

    err.status = GLANCE_OK;
    CHECK(glance_vocab_new("", 0, &err) == NULL && err.status == GLANCE_ERR_FORMAT,
          "an empty vocabulary is refused");
    CHECK(glance_vocab_new(NULL, 4, &err) == NULL, "a NULL vocabulary is refused");
    err.status = GLANCE_OK;
    CHECK(vocab_from("ok\nbad\377\n", &err) == NULL && err.status == GLANCE_ERR_FORMAT &&
              strstr(err.message, "line 2") != NULL,
          "a non-UTF-8 vocabulary line is refused with its number (\"%s\")", err.message);
    CHECK(glance_vocab_new("a\0b\n", 4, &err) == NULL, "a NUL byte inside a piece is refused");
    glance_vocab_free(NULL);
    CHECK(glance_vocab_size(NULL) == 0 && glance_vocab_lookup(NULL, "a") == -1 &&
              glance_vocab_piece(NULL, 0) == NULL,
          "NULL vocabulary accessors are safe");
}

/* ---- concurrent readers ---- */

typedef struct {
    const GlanceVocab *vocab;
    int mismatches;
} ThreadJob;

static gpointer encode_many(gpointer data)
{
    ThreadJob *job = data;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < G_N_ELEMENTS(hf_cases); i++) {
            const TokenCase *c = &hf_cases[i];
            int32_t ids[MAX_IDS];
            int n = 0;
            if (glance_wordpiece_encode(job->vocab, c->text, c->max_len, ids, &n, NULL) != GLANCE_OK ||
                n != c->n_ids || memcmp(ids, c->ids, (size_t)n * sizeof *ids) != 0)
                job->mismatches++;
        }
    }
    return NULL;
}

static void test_concurrent_readers(const GlanceVocab *vocab)
{
    enum { N_THREADS = 4 };
    ThreadJob jobs[N_THREADS];
    GThread *threads[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        jobs[t] = (ThreadJob){ .vocab = vocab };
        threads[t] = g_thread_new("encode", encode_many, &jobs[t]);
    }
    int mismatches = 0;
    for (int t = 0; t < N_THREADS; t++) {
        g_thread_join(threads[t]);
        mismatches += jobs[t].mismatches;
    }
    CHECK(mismatches == 0, "4 threads sharing one vocabulary: %d mismatches", mismatches);
}

int main(void)
{
    GlanceVocab *vocab = load_bert_vocab();
    CHECK(vocab != NULL, "the bert-base-uncased vocabulary loads");
    if (vocab) {
        test_vocab_lookup(vocab);
        test_golden_texts(vocab);
        test_hf_cases(vocab);
        test_long_inputs(vocab);
        test_invalid_utf8(vocab);
        test_bad_arguments(vocab);
        test_concurrent_readers(vocab);
    }
    test_small_vocabularies();
    glance_vocab_free(vocab);
    return check_summary("tokenizer");
}

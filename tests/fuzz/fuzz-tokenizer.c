/* fuzz-tokenizer.c — libFuzzer target: WordPiece encoding of arbitrary bytes (valid
 * or not UTF-8) with the bert-base-uncased vocabulary, and vocabulary parsing of
 * arbitrary bytes. Beyond "no crash", it checks the output's invariants: [CLS] first,
 * [SEP] last, ids in range, and that a shorter max_len gives a prefix of a longer one.
 *
 * Input layout: byte 0 picks the mode (bit 7: the rest is a vocabulary) and max_len
 * (2 + bits 0..5); the rest is the text or the vocabulary.
 * The vocabulary is read from $GLANCE_FUZZ_VOCAB or ../shared/vocab/ (run from the
 * source root, as the replay test does). */
#include "tokenizer.h"
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LONG_MAX_LEN 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const GlanceVocab *bert_vocab(void)
{
    static GlanceVocab *vocab;
    if (vocab)
        return vocab;
    const char *path = g_getenv("GLANCE_FUZZ_VOCAB");
    if (!path)
        path = "../shared/vocab/bert-base-uncased-vocab.txt";
    gchar *text = NULL;
    gsize len = 0;
    GlanceError err = { 0 };
    if (!g_file_get_contents(path, &text, &len, NULL) || !(vocab = glance_vocab_new(text, len, &err))) {
        fprintf(stderr, "fuzz-tokenizer: cannot load the vocabulary %s %s\n", path, err.message);
        abort();
    }
    g_free(text);
    return vocab;
}

static void require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz-tokenizer: invariant broken: %s\n", what);
        abort();
    }
}

/* Encodes at max_len and at LONG_MAX_LEN and checks the two agree. */
static void encode_and_check(const GlanceVocab *vocab, const char *text, int max_len)
{
    int32_t short_ids[64 + 2], long_ids[LONG_MAX_LEN];
    int n_short = -1, n_long = -1;
    GlanceStatus short_status = glance_wordpiece_encode(vocab, text, max_len, short_ids, &n_short, NULL);
    GlanceStatus long_status = glance_wordpiece_encode(vocab, text, LONG_MAX_LEN, long_ids, &n_long, NULL);
    require(short_status == long_status, "the status does not depend on max_len");
    if (short_status != GLANCE_OK) {
        require(n_short == 0 && n_long == 0, "a failed encode reports no ids");
        return;
    }
    int32_t cls = glance_vocab_lookup(vocab, "[CLS]"), sep = glance_vocab_lookup(vocab, "[SEP]");
    require(n_short >= 2 && n_short <= max_len && n_long >= 2 && n_long <= LONG_MAX_LEN,
            "the count lies in [2, max_len]");
    require(short_ids[0] == cls && long_ids[0] == cls, "[CLS] comes first");
    require(short_ids[n_short - 1] == sep && long_ids[n_long - 1] == sep, "[SEP] comes last");
    for (int i = 0; i < n_long; i++)
        require(long_ids[i] >= 0 && long_ids[i] < glance_vocab_size(vocab), "ids are in range");
    int pieces = n_short - 2;
    require(pieces == (n_long - 2 < max_len - 2 ? n_long - 2 : max_len - 2),
            "truncation keeps min(pieces, max_len - 2)");
    require(memcmp(short_ids + 1, long_ids + 1, (size_t)pieces * sizeof *short_ids) == 0,
            "a shorter max_len gives a prefix");
}

static void fuzz_vocabulary(const uint8_t *data, size_t size)
{
    GlanceError err = { 0 };
    GlanceVocab *vocab = glance_vocab_new((const char *)data, size, &err);
    if (!vocab)
        return;
    for (int32_t id = 0; id < glance_vocab_size(vocab); id++) {
        const char *piece = glance_vocab_piece(vocab, id);
        require(piece != NULL, "every id has a piece");
        int32_t found = glance_vocab_lookup(vocab, piece);
        require(found >= id && strcmp(glance_vocab_piece(vocab, found), piece) == 0,
                "a piece looks up to itself or a later duplicate");
    }
    if (glance_vocab_lookup(vocab, "[CLS]") >= 0 && glance_vocab_lookup(vocab, "[SEP]") >= 0 &&
        glance_vocab_lookup(vocab, "[UNK]") >= 0)
        encode_and_check(vocab, "Hello, unaffable ΣΑΣ 東京 caf\xc3\xa9!", 8);
    glance_vocab_free(vocab);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 0x80) {
        fuzz_vocabulary(data + 1, size - 1);
        return 0;
    }
    int max_len = 2 + (data[0] & 0x3F);
    char *text = malloc(size); /* the rest, NUL-terminated (a NUL inside ends it early) */
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    encode_and_check(bert_vocab(), text, max_len);
    free(text);
    return 0;
}

/* vocab.c — the WordPiece vocabulary: id -> piece, and an open-addressing hash
 * table for piece -> id that WordPiece probes with byte spans (no copies). */
#include "engine-private.h"
#include "tokenizer.h"
#include <glib.h>
#include <stdlib.h>
#include <string.h>

struct GlanceVocab {
    char *text;           /* the pieces, each followed by a NUL, one after another    */
    uint32_t *starts;     /* (size + 1) piece id is text + starts[id], and
                             starts[id + 1] - starts[id] - 1 bytes long: one offset a
                             piece instead of a pointer and a length (a vocabulary of
                             30522 pieces stays at 0.6 MB)                           */
    int32_t *slots;       /* (slot_mask + 1) ids, -1 = empty                         */
    uint32_t slot_mask;   /* table size - 1, the size a power of two                 */
    int size;             /* number of pieces                                        */
    size_t longest_piece; /* bytes; longer spans cannot be in the table              */
};

static const char CONTINUATION[] = "##";
enum { CONTINUATION_LEN = 2 };

/* FNV-1a, continued over a second span so "##" + bytes needs no buffer. */
static uint32_t hash_bytes(uint32_t h, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)bytes[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t hash_span(int continuation, const char *bytes, size_t len)
{
    uint32_t h = 2166136261u;
    if (continuation)
        h = hash_bytes(h, CONTINUATION, CONTINUATION_LEN);
    return hash_bytes(h, bytes, len);
}

static const char *piece_at(const GlanceVocab *vocab, int32_t id)
{
    return vocab->text + vocab->starts[id];
}

static size_t piece_len(const GlanceVocab *vocab, int32_t id)
{
    return vocab->starts[id + 1] - vocab->starts[id] - 1;
}

static int piece_equals(const GlanceVocab *vocab, int32_t id, int continuation,
                        const char *bytes, size_t len)
{
    const char *piece = piece_at(vocab, id);
    size_t prefix = continuation ? CONTINUATION_LEN : 0;
    if (piece_len(vocab, id) != prefix + len)
        return 0;
    if (continuation && memcmp(piece, CONTINUATION, CONTINUATION_LEN) != 0)
        return 0;
    return memcmp(piece + prefix, bytes, len) == 0;
}

/* The slot holding this span, or the empty slot where it would go. */
static uint32_t find_slot(const GlanceVocab *vocab, int continuation, const char *bytes, size_t len)
{
    uint32_t i = hash_span(continuation, bytes, len) & vocab->slot_mask;
    while (vocab->slots[i] >= 0 && !piece_equals(vocab, vocab->slots[i], continuation, bytes, len))
        i = (i + 1) & vocab->slot_mask;
    return i;
}

static int count_lines(const char *text, size_t len)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (len > 0 && text[len - 1] != '\n')
        lines++; /* a last line without its newline */
    return lines > (size_t)INT32_MAX / 4 ? -1 : (int)lines;
}

/* Packs the lines of vocab->text in place into vocab->size NUL-terminated pieces (a
 * line's "\r\n" or "\n" becomes one NUL); fails on a non-UTF-8 line. */
static GlanceStatus split_pieces(GlanceVocab *vocab, size_t len, GlanceError *err)
{
    char *line = vocab->text, *out = vocab->text;
    for (int id = 0; id < vocab->size; id++) {
        char *newline = memchr(line, '\n', (size_t)(vocab->text + len - line));
        char *end = newline ? newline : vocab->text + len;
        char *next = newline ? newline + 1 : end;
        if (end > line && end[-1] == '\r')
            end--;
        size_t length = (size_t)(end - line);
        if (!g_utf8_validate_len(line, length, NULL))
            return glance_fail(err, GLANCE_ERR_FORMAT,
                               "vocabulary line %d is not valid UTF-8", id + 1);
        memmove(out, line, length); /* out never passes line: the NUL takes the newline's place */
        out[length] = '\0';
        vocab->starts[id] = (uint32_t)(out - vocab->text);
        out += length + 1;
        if (length > vocab->longest_piece)
            vocab->longest_piece = length;
        line = next;
    }
    vocab->starts[vocab->size] = (uint32_t)(out - vocab->text);
    return GLANCE_OK;
}

static void index_pieces(GlanceVocab *vocab)
{
    for (int32_t id = 0; id < vocab->size; id++) {
        uint32_t slot = find_slot(vocab, 0, piece_at(vocab, id), piece_len(vocab, id));
        vocab->slots[slot] = id; /* a repeated piece keeps its last id */
    }
}

GlanceVocab *glance_vocab_new(const char *newline_joined, size_t len, GlanceError *err)
{
    if (!newline_joined || len == 0) {
        glance_fail(err, GLANCE_ERR_FORMAT, "the vocabulary is empty");
        return NULL;
    }
    int size = count_lines(newline_joined, len);
    if (size < 0 || len > UINT32_MAX) {
        glance_fail(err, GLANCE_ERR_FORMAT, "the vocabulary is too large (%zu bytes)", len);
        return NULL;
    }
    uint32_t slots = 2;
    while (slots < 2u * (uint32_t)size) /* at most half full: short probe runs */
        slots *= 2;

    GlanceVocab *vocab = calloc(1, sizeof *vocab);
    if (vocab) {
        vocab->size = size;
        vocab->slot_mask = slots - 1;
        vocab->text = malloc(len + 1); /* + 1: room for the last piece's NUL */
        vocab->starts = malloc(((size_t)size + 1) * sizeof *vocab->starts);
        vocab->slots = malloc((size_t)slots * sizeof *vocab->slots);
    }
    if (!vocab || !vocab->text || !vocab->starts || !vocab->slots) {
        glance_vocab_free(vocab);
        glance_fail(err, GLANCE_ERR_NOMEM, "out of memory for a vocabulary of %d pieces", size);
        return NULL;
    }
    memcpy(vocab->text, newline_joined, len);
    vocab->text[len] = '\0';
    memset(vocab->slots, 0xff, (size_t)slots * sizeof *vocab->slots); /* all -1 */
    if (split_pieces(vocab, len, err) != GLANCE_OK) {
        glance_vocab_free(vocab);
        return NULL;
    }
    index_pieces(vocab);
    return vocab;
}

void glance_vocab_free(GlanceVocab *vocab)
{
    if (!vocab)
        return;
    free(vocab->text);
    free(vocab->starts);
    free(vocab->slots);
    free(vocab);
}

int glance_vocab_size(const GlanceVocab *vocab)
{
    return vocab ? vocab->size : 0;
}

int32_t glance_vocab_lookup_span(const GlanceVocab *vocab, int continuation,
                                 const char *bytes, size_t len)
{
    if (!vocab || !bytes)
        return -1;
    if (len + (continuation ? CONTINUATION_LEN : 0) > vocab->longest_piece)
        return -1; /* cheap exit for WordPiece's first, longest tries */
    return vocab->slots[find_slot(vocab, continuation, bytes, len)];
}

int32_t glance_vocab_lookup(const GlanceVocab *vocab, const char *piece)
{
    return piece ? glance_vocab_lookup_span(vocab, 0, piece, strlen(piece)) : -1;
}

const char *glance_vocab_piece(const GlanceVocab *vocab, int32_t id)
{
    if (!vocab || id < 0 || id >= vocab->size)
        return NULL;
    return piece_at(vocab, id);
}

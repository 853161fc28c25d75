/* test-text-inspect.c — glance_text_inspect (what a text makes before truncation, which
 * words the vocabulary cannot read) and glance_model_metadata, on the bundled model's
 * 105-piece ShapeWorld vocabulary. */
#include "glance-engine.h"
#include "check.h"
#include <glib.h>
#include <string.h>

typedef struct {
    char words[8][128];
    int n;
} Words;

static void collect(const char *word, size_t len, void *user_data)
{
    Words *w = user_data;
    if (w->n < 8 && len < sizeof w->words[0]) {
        memcpy(w->words[w->n], word, len);
        w->words[w->n++][len] = '\0';
    }
}

static int inspect(GlanceModel *m, const char *text, Words *w, int *n_unknown)
{
    int n_tokens = -1;
    GlanceError err;
    memset(w, 0, sizeof *w);
    if (glance_text_inspect(m, text, &n_tokens, n_unknown, collect, w, &err) != GLANCE_OK)
        return -1;
    return n_tokens;
}

int main(void)
{
    GlanceModel *m = NULL;
    GlanceError err;
    if (glance_model_open("data/models/glance-shapeworld.safetensors", &m, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL bundled model: %s\n", err.message);
        return 1;
    }
    Words w;
    int n_unknown = -1;
    int32_t ids[64];
    int n_ids = 0;

    int n = inspect(m, "What colour is the CAR?", &w, &n_unknown);
    glance_tokenize(m, "What colour is the CAR?", ids, &n_ids, &err);
    CHECK(n == n_ids && n == 8, "a short text: as many tokens as glance_tokenize gives (%d, %d)", n, n_ids);
    CHECK(w.n == 1 && !strcmp(w.words[0], "car") && n_unknown == 1, "'CAR' is unknown, named lower-case (%d: %s)",
          w.n, w.words[0]);

    n = inspect(m, "is there a hexagon, a cyan star and a café?", &w, &n_unknown);
    CHECK(w.n == 1 && !strcmp(w.words[0], "cafe") && n_unknown == 1,
          "word pieces (he ##xa ##gon, cy ##an) are known; 'café' is read without its accent (%s)", w.words[0]);

    char longword[130];
    memset(longword, 'a', 101);
    longword[101] = '\0';
    g_autofree char *text = g_strdup_printf("red %s \xcc\x81 blue", longword); /* a lone combining accent */
    n = inspect(m, text, &w, &n_unknown);
    CHECK(w.n == 2 && strlen(w.words[0]) == 101 && !strcmp(w.words[1], "\xcc\x81"),
          "a word over 100 characters becomes [UNK], a word of only an accent vanishes (%d words)", w.n);
    CHECK(n == 5 && n_unknown == 1, "red [UNK] blue: 5 tokens, one of them [UNK] (%d, %d)", n, n_unknown);

    GString *many = g_string_new(NULL);
    for (int i = 0; i < 60; i++)
        g_string_append(many, "red ");
    n = inspect(m, many->str, &w, NULL);
    glance_tokenize(m, many->str, ids, &n_ids, &err);
    CHECK(n == 62 && n_ids == glance_model_config(m)->max_text_len, "60 words: 62 tokens before truncation, %d read",
          n_ids);
    g_string_free(many, TRUE);

    CHECK(inspect(m, "\xff bad", &w, NULL) == -1, "invalid UTF-8 is refused");
    CHECK(glance_text_inspect(m, NULL, &n, NULL, NULL, NULL, &err) == GLANCE_ERR_INVALID, "no text is refused");

    const char *scope = glance_model_metadata(m, GLANCE_META_SCOPE);
    CHECK(scope && !strcmp(scope, "coloured shapes on plain backgrounds"), "glance.scope of the bundled model");
    CHECK(glance_model_metadata(m, "glance.no-such-key") == NULL, "a missing key is NULL");
    CHECK(!strcmp(glance_model_metadata(m, GLANCE_META_NAME), glance_model_name(m)), "glance.name as the getter has it");
    /* Held parsed, not as text as well (the tokenizer above read the vocabulary). */
    CHECK(glance_model_metadata(m, GLANCE_META_VOCAB) == NULL && glance_model_metadata(m, GLANCE_META_ANSWERS) == NULL,
          "glance.vocab and glance.answers are kept only parsed");
    CHECK(glance_model_num_answers(m) > 0 && glance_model_answer(m, 0) != NULL, "the answers, parsed");
    glance_model_close(m);
    return check_summary("text-inspect");
}

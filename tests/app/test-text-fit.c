/* test-text-fit.c — app/glance-text-fit: how much of a text the model reads, against the
 * engine's own tokenizer. A short question is read whole; a long one is read up to a
 * word boundary whose prefix fits in max_text_len - 2 pieces while one more word does
 * not; the async form gives the same, and a missing model file is an error. */
#include "check.h"
#include "glance-engine.h"
#include "glance-text-fit.h"
#include "glance-model-handle.h"
#include <string.h>

/* Pieces the engine keeps for text ([CLS] and [SEP] not counted). */
static int engine_pieces(GlanceModelHandle *handle, const char *text)
{
    const GlanceModel *model = glance_model_handle_get_model(handle);
    int32_t ids[1024];
    int n = 0;
    GlanceError err = { 0 };
    if (glance_model_config(model)->max_text_len > 1024 || glance_tokenize(model, text, ids, &n, &err) != GLANCE_OK)
        return -1;
    return n - 2;
}

static void on_measured(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GlanceTextFit *fit = data;
    g_autoptr(GError) error = NULL;
    if (!glance_text_fit_finish(result, fit, &error))
        fit->n_pieces = -1;
}

static void check_model(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceModelHandle) handle = glance_model_handle_open(path, &error);
    CHECK(handle != NULL, "%s opens: %s", path, error ? error->message : "");
    if (!handle)
        return;
    int budget = glance_model_config(glance_model_handle_get_model(handle))->max_text_len - 2;

    const char *short_question = "  what color is the circle?  ";
    GlanceTextFit fit;
    CHECK(glance_text_fit_measure(handle, short_question, &fit, &error), "a short question is measured");
    CHECK(fit.n_pieces == engine_pieces(handle, short_question) && fit.n_read == fit.n_pieces &&
          fit.read_bytes == strlen(short_question),
          "a short question is read whole (%d pieces, engine %d, read to byte %zu of %zu)", fit.n_pieces,
          engine_pieces(handle, short_question), fit.read_bytes, strlen(short_question));

    g_autoptr(GString) long_question = g_string_new("is the large red circle ");
    while ((int)long_question->len < 40 * budget)
        g_string_append(long_question, "bigger than the small blue square and ");
    g_string_append(long_question, "the green star?");
    CHECK(glance_text_fit_measure(handle, long_question->str, &fit, &error), "a long question is measured");
    CHECK(fit.n_pieces > budget && fit.n_read == budget, "a long question makes %d pieces, %d read (limit %d)",
          fit.n_pieces, fit.n_read, budget);
    g_autofree char *read = g_strndup(long_question->str, fit.read_bytes);
    const char *next_end = strchr(long_question->str + fit.read_bytes, ' ');
    g_autofree char *one_more = next_end ? g_strndup(long_question->str, next_end - long_question->str) : NULL;
    CHECK(fit.read_bytes > 0 && engine_pieces(handle, read) <= budget && one_more &&
          engine_pieces(handle, one_more) == budget,
          "the model reads up to byte %zu: %d pieces, one word more fills the %d places",
          fit.read_bytes, engine_pieces(handle, read), budget);

    GlanceTextFit async_fit = { 0 };
    glance_text_fit_async(path, long_question->str, NULL, on_measured, &async_fit);
    while (async_fit.n_pieces == 0)
        g_main_context_iteration(NULL, TRUE);
    CHECK(async_fit.n_pieces == fit.n_pieces && async_fit.read_bytes == fit.read_bytes,
          "the async form agrees (%d pieces to byte %zu)", async_fit.n_pieces, async_fit.read_bytes);
}

int main(void)
{
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    CHECK(golden != NULL, "GLANCE_GOLDEN_MODEL_FILE is set");
    if (golden)
        check_model(golden);
    if (g_file_test("data/models/glance-shapeworld.safetensors", G_FILE_TEST_EXISTS))
        check_model("data/models/glance-shapeworld.safetensors");

    GlanceTextFit fit = { 0 };
    glance_text_fit_async("/nonexistent/model.safetensors", "a question", NULL, on_measured, &fit);
    while (fit.n_pieces == 0)
        g_main_context_iteration(NULL, TRUE);
    CHECK(fit.n_pieces == -1, "a missing model file is an error");
    return check_summary("text-fit");
}

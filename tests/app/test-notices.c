/* test-notices.c — the judgement of answers (app/glance-notices.c) on the bundled model,
 * whose metadata carries a scope, a domain check and calibrated thresholds, and on the
 * golden official-layout checkpoint, which carries none (documented defaults). */
#include "glance-notices.h"
#include "glance-image.h"
#include "check.h"
#include <math.h>
#include <string.h>

#define BUNDLED "data/models/glance-shapeworld.safetensors"
#define SCENE "data/samples/scene-1.png"
#define PHOTO "tests/fixtures/photos/skimage-chelsea.jpg"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModel, glance_model_close)

static GlanceModel *open_model(const char *path)
{
    GlanceModel *model = NULL;
    GlanceError err;
    if (glance_model_open(path, &model, &err) != GLANCE_OK)
        fprintf(stderr, "cannot open %s: %s\n", path, err.message);
    return model;
}

static const GlanceNotice *find(GPtrArray *notices, GlanceNoticeCode code)
{
    for (guint i = 0; notices && i < notices->len; i++)
        if (((GlanceNotice *)notices->pdata[i])->code == code)
            return notices->pdata[i];
    return NULL;
}

static GArray *one_answer(float score)
{
    GArray *answers = g_array_new(FALSE, FALSE, sizeof(GlanceAnswer));
    GlanceAnswer a = { 0, "red", score };
    g_array_append_val(answers, a);
    return answers;
}

static void test_text(GlanceModel *model, const GlanceImage *scene)
{
    GError *error = NULL;
    g_autoptr(GArray) sure = one_answer(0.99f);
    g_autoptr(GPtrArray) car = glance_notices_for_ask(model, scene, "What colour is the CAR at the beach?", sure, &error);
    const GlanceNotice *n = find(car, GLANCE_NOTICE_UNKNOWN_WORDS);
    CHECK(n && n->words && g_strv_length(n->words) == 3 && !strcmp(n->words[0], "car") &&
              !strcmp(n->words[1], "at") && !strcmp(n->words[2], "beach"),
          "unknown_words names car, at, beach (lower-cased, in order)");
    CHECK(n && strstr(n->message, "does not know the words 'car', 'at' and 'beach'"), "message: %s",
          n ? n->message : "(none)");
    CHECK(car && car->len == 1, "a known scene, a sure answer: only unknown_words (%u notices)", car ? car->len : 0);

    g_autoptr(GPtrArray) known = glance_notices_for_ask(model, scene, "What colour is the squäre?", sure, &error);
    CHECK(known && known->len == 0, "accents stripped as the tokenizer does: 'squäre' is known (%u notices)",
          known ? known->len : 0);
    g_autoptr(GPtrArray) twice = glance_notices_for_ask(model, scene, "a dog and a dog", sure, &error);
    n = find(twice, GLANCE_NOTICE_UNKNOWN_WORDS);
    CHECK(n && g_strv_length(n->words) == 1 && strstr(n->message, "the word 'dog'"), "a word is named once");

    int max_len = glance_model_config(model)->max_text_len;
    GString *longer = g_string_new("how many");
    for (int i = 0; i < max_len; i++)
        g_string_append(longer, " red");
    g_autoptr(GPtrArray) cut = glance_notices_for_ask(model, scene, longer->str, sure, &error);
    n = find(cut, GLANCE_NOTICE_QUESTION_TRUNCATED);
    CHECK(n && n->tokens_read == max_len && n->tokens == max_len + 4, "question_truncated: read %d of %d (got %d of %d)",
          max_len, max_len + 4, n ? n->tokens_read : 0, n ? n->tokens : 0);
    g_string_truncate(longer, 0);
    g_string_append(longer, "how many");
    for (int i = 0; i < max_len - 4; i++) /* [CLS] how many red... [SEP] fills max_len exactly */
        g_string_append(longer, " red");
    g_autoptr(GPtrArray) fits = glance_notices_for_ask(model, scene, longer->str, sure, &error);
    CHECK(fits && !find(fits, GLANCE_NOTICE_QUESTION_TRUNCATED), "a text of exactly max_len tokens is not truncated");
    g_string_free(longer, TRUE);
    g_clear_error(&error);
}

static void test_scope_and_confidence(GlanceModel *model, const GlanceImage *scene, const GlanceImage *photo)
{
    GError *error = NULL;
    g_autoptr(GlanceModelKnowledge) k = glance_model_knowledge_new(model, &error);
    CHECK(k && k->calibrated && k->domain && k->scope && !strcmp(k->scope, "coloured shapes on plain backgrounds"),
          "the bundled model carries its scope, domain check and calibration");
    CHECK(k && k->vqa_low_confidence > 0.3 && k->vqa_low_confidence < 0.99 && k->nlvr2_low_confidence > 0.5 &&
              k->nlvr2_low_confidence < 0.99,
          "calibrated thresholds in range (vqa %.3f, nlvr2 %.3f)", k ? k->vqa_low_confidence : 0,
          k ? k->nlvr2_low_confidence : 0);

    g_autoptr(GArray) sure = one_answer(0.99f);
    g_autoptr(GArray) unsure = one_answer(0.3f);
    g_autoptr(GPtrArray) on_photo = glance_notices_for_ask(model, photo, "what color is the circle?", sure, &error);
    const GlanceNotice *n = find(on_photo, GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE);
    CHECK(n && strstr(n->message, "does not look like anything the model was trained on") &&
              strstr(n->message, "coloured shapes"),
          "outside_model_scope on a cat photo: %s", n ? n->message : "(none)");
    g_autoptr(GPtrArray) low = glance_notices_for_ask(model, scene, "what color is the circle?", unsure, &error);
    CHECK(low && low->len == 1 && find(low, GLANCE_NOTICE_LOW_CONFIDENCE), "low_confidence at 30%%, nothing else");

    GlanceJudgement coin = { TRUE, 0.51f, { 0, 0 } }, firm = { FALSE, 0.01f, { 0, 0 } };
    g_autoptr(GPtrArray) c1 = glance_notices_for_compare(model, scene, photo, "both images contain a red circle", &coin, &error);
    CHECK(c1 && find(c1, GLANCE_NOTICE_LOW_CONFIDENCE), "NLVR2 at 51%% is a coin flip: not sure");
    n = find(c1, GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE);
    CHECK(n && strstr(n->message, "The right photo") && c1->len == 2, "compare names the right photo only");
    g_autoptr(GPtrArray) c2 = glance_notices_for_compare(model, scene, scene, "both images contain a red circle", &firm, &error);
    CHECK(c2 && c2->len == 0, "a firm false verdict (99%%) on two scenes: no notice (%u)", c2 ? c2->len : 0);
    g_clear_error(&error);
}

static void test_search(GlanceModel *model)
{
    GError *error = NULL;
    g_autoptr(GlanceModelKnowledge) k = glance_model_knowledge_new(model, &error);
    g_autoptr(GlanceQuery) gibberish = glance_query_new();
    glance_query_add_text(gibberish, "xqzvw", 1.0);
    g_autoptr(GPtrArray) g1 = glance_notices_for_search(model, gibberish, 0.99, &error);
    const GlanceNotice *n = find(g1, GLANCE_NOTICE_NO_GOOD_MATCH);
    CHECK(n && strstr(n->message, "cannot read any word") && find(g1, GLANCE_NOTICE_UNKNOWN_WORDS),
          "gibberish: no_good_match however high the score, and the unknown word named");

    g_autoptr(GlanceQuery) caption = glance_query_new();
    glance_query_add_text(caption, "a large red circle", 1.0);
    g_autoptr(GPtrArray) good = glance_notices_for_search(model, caption, k->no_good_match + 0.01, &error);
    CHECK(good && good->len == 0, "a caption above the match score: no notice");
    g_autoptr(GPtrArray) weak = glance_notices_for_search(model, caption, k->no_good_match - 0.01, &error);
    CHECK(weak && find(weak, GLANCE_NOTICE_NO_GOOD_MATCH), "just below the match score: no_good_match");
    g_autoptr(GPtrArray) empty = glance_notices_for_search(model, caption, NAN, &error);
    CHECK(empty && find(empty, GLANCE_NOTICE_NO_GOOD_MATCH), "no result at all: no_good_match");

    g_autoptr(GlanceQuery) by_photo = glance_query_new();
    glance_query_add_image(by_photo, PHOTO, 1.0);
    g_autoptr(GPtrArray) p = glance_notices_for_search(model, by_photo, 0.1, &error);
    CHECK(p && p->len == 1 && find(p, GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE),
          "an example photo: outside_model_scope, and its score is not held to the text calibration");
    g_clear_error(&error);
}

/* An official-layout checkpoint without calibration: defaults, no domain check. */
static void test_uncalibrated(const GlanceImage *photo)
{
    const char *path = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    g_autoptr(GlanceModel) model = path ? open_model(path) : NULL;
    CHECK(model, "golden model %s opens", path ? path : "(GLANCE_GOLDEN_MODEL_FILE unset)");
    if (!model)
        return;
    GError *error = NULL;
    g_autoptr(GlanceModelKnowledge) k = glance_model_knowledge_new(model, &error);
    CHECK(k && !k->calibrated && !k->domain && !k->scope && k->vqa_low_confidence == GLANCE_DEFAULT_VQA_LOW_CONFIDENCE &&
              k->nlvr2_low_confidence == GLANCE_DEFAULT_NLVR2_LOW_CONFIDENCE &&
              k->no_good_match == GLANCE_DEFAULT_NO_GOOD_MATCH,
          "uncalibrated model: documented defaults, no scope, no domain check");
    g_autoptr(GArray) sure = one_answer(0.9f);
    g_autoptr(GPtrArray) notices = glance_notices_for_ask(model, photo, "what color is the car?", sure, &error);
    CHECK(notices && notices->len == 0, "a real photo and known words on an official vocabulary: no notice (%u)",
          notices ? notices->len : 0);
    g_autoptr(GArray) unsure = one_answer(0.4f);
    g_autoptr(GPtrArray) low = glance_notices_for_ask(model, photo, "what color is the car?", unsure, &error);
    CHECK(low && find(low, GLANCE_NOTICE_LOW_CONFIDENCE), "default VQA threshold 0.5: 40%% is not sure");
    g_clear_error(&error);
}

int main(void)
{
    g_autoptr(GlanceModel) model = open_model(BUNDLED);
    GError *error = NULL;
    g_autoptr(GlanceDecodedImage) scene = glance_image_load(SCENE, 0, &error);
    g_autoptr(GlanceDecodedImage) photo = glance_image_load(PHOTO, 0, &error);
    CHECK(model && scene && photo, "bundled model and fixtures load");
    if (!model || !scene || !photo)
        return check_summary("notices");
    test_text(model, &scene->image);
    test_scope_and_confidence(model, &scene->image, &photo->image);
    test_search(model);
    test_uncalibrated(&photo->image);
    return check_summary("notices");
}

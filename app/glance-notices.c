/* glance-notices.c — judging answers against what the model knows. Thresholds come from
 * the model file (tools/train/calibrate.py measured them on held-out data); official
 * checkpoints without them get the documented defaults of glance-notices.h. */
#include "config.h"
#include <glib/gi18n-lib.h>
#include "glance-notices.h"
#include "glance-image.h"
#include <math.h>
#include <string.h>

/* Messages are translated for the GUI, which binds the catalogue; the CLI never does, so
 * its lines and --json stay in English. The bundled model's scope is listed here so
 * that it is translated too. */
static const char *const known_scopes[] G_GNUC_UNUSED = {
    N_("coloured shapes on plain backgrounds"),
    N_("everyday photos"),
};

static const char *const code_names[] = {
    [GLANCE_NOTICE_UNKNOWN_WORDS] = "unknown_words",
    [GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE] = "outside_model_scope",
    [GLANCE_NOTICE_QUESTION_TRUNCATED] = "question_truncated",
    [GLANCE_NOTICE_LOW_CONFIDENCE] = "low_confidence",
    [GLANCE_NOTICE_NO_GOOD_MATCH] = "no_good_match",
};

const char *glance_notice_code_name(GlanceNoticeCode code)
{
    return code_names[code];
}

void glance_notice_free(GlanceNotice *notice)
{
    if (!notice)
        return;
    g_free(notice->message);
    g_strfreev(notice->words);
    g_free(notice);
}

GPtrArray *glance_notices_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)glance_notice_free);
}

static GlanceNotice *add_notice(GPtrArray *notices, GlanceNoticeCode code, char *message)
{
    GlanceNotice *n = g_new0(GlanceNotice, 1);
    n->code = code;
    n->message = message;
    g_ptr_array_add(notices, n);
    return n;
}

/* ---- what the model knows ---- */

static gboolean read_calibration(GlanceModelKnowledge *k, const char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "The model's calibration (%s) is not a JSON object", GLANCE_META_CALIBRATION);
        return FALSE;
    }
    JsonObject *o = json_node_get_object(json_parser_get_root(parser));
    k->vqa_low_confidence = json_object_get_double_member_with_default(o, "vqa_low_confidence", k->vqa_low_confidence);
    k->nlvr2_low_confidence =
        json_object_get_double_member_with_default(o, "nlvr2_low_confidence", k->nlvr2_low_confidence);
    k->no_good_match = json_object_get_double_member_with_default(o, "retrieval_no_good_match", k->no_good_match);
    k->calibrated = TRUE;
    return TRUE;
}

GlanceModelKnowledge *glance_model_knowledge_new(const GlanceModel *model, GError **error)
{
    g_autoptr(GlanceModelKnowledge) k = g_new0(GlanceModelKnowledge, 1);
    k->vqa_low_confidence = GLANCE_DEFAULT_VQA_LOW_CONFIDENCE;
    k->nlvr2_low_confidence = GLANCE_DEFAULT_NLVR2_LOW_CONFIDENCE;
    k->no_good_match = GLANCE_DEFAULT_NO_GOOD_MATCH;
    k->scope = g_strdup(glance_model_metadata(model, GLANCE_META_SCOPE));
    const char *calibration = glance_model_metadata(model, GLANCE_META_CALIBRATION);
    if (calibration && !read_calibration(k, calibration, error))
        return NULL;
    GError *local = NULL;
    k->domain = glance_domain_check_new(model, &local);
    if (local) {
        g_propagate_error(error, local);
        return NULL;
    }
    return g_steal_pointer(&k);
}

void glance_model_knowledge_free(GlanceModelKnowledge *knowledge)
{
    if (!knowledge)
        return;
    g_free(knowledge->scope);
    glance_domain_check_free(knowledge->domain);
    g_free(knowledge);
}

/* ---- the judges ---- */

static void collect_word(const char *word, size_t len, void *user_data)
{
    GPtrArray *words = user_data;
    char *w = g_strndup(word, len);
    for (guint i = 0; i < words->len; i++)
        if (!strcmp(words->pdata[i], w)) { /* name each word once */
            g_free(w);
            return;
        }
    g_ptr_array_add(words, w);
}

/* "'car'", "'car' and 'beach'", "'a', 'b' and 'c'" */
static char *quoted_list(char **words, guint n)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        if (i > 0)
            /* Translators: between the words the model does not know: "'a', 'b' and 'c'" */
            g_string_append(s, i + 1 == n ? _(" and ") : _(", "));
        /* Translators: a word the model does not know, quoted: 'car' */
        g_string_append_printf(s, C_("unknown word", "'%s'"), words[i]);
    }
    return g_string_free(s, FALSE);
}

const char *glance_notices_translate_scope(const char *scope)
{
    return scope && *scope ? _(scope) : scope;
}

/* Reads the text as the model will; *readable: some word piece is not [UNK]. */
static gboolean judge_text(const GlanceModel *model, const char *text, GPtrArray *notices, gboolean *readable,
                           GError **error)
{
    GPtrArray *words = g_ptr_array_new();
    int n_tokens = 0, n_unknown = 0;
    GlanceError err;
    if (glance_text_inspect(model, text, &n_tokens, &n_unknown, collect_word, words, &err) != GLANCE_OK) {
        g_ptr_array_free(words, TRUE);
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    if (readable)
        *readable = n_tokens - 2 > n_unknown;
    if (words->len > 0) {
        g_ptr_array_add(words, NULL);
        char **list = (char **)g_ptr_array_free(words, FALSE);
        g_autofree char *quoted = quoted_list(list, g_strv_length(list));
        GlanceNotice *n = add_notice(notices, GLANCE_NOTICE_UNKNOWN_WORDS,
                                     g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "The model does not know the word %s",
                                                                 "The model does not know the words %s",
                                                                 g_strv_length(list)),
                                                     quoted));
        n->words = list;
    } else {
        g_ptr_array_free(words, TRUE);
    }
    int max_len = glance_model_config(model)->max_text_len;
    if (n_tokens > max_len) {
        GlanceNotice *n = add_notice(notices, GLANCE_NOTICE_QUESTION_TRUNCATED,
                                     g_strdup_printf(_("The text is too long: the model read only the first %d of "
                                                       "its %d word pieces and ignored the rest"),
                                                     max_len - 2, n_tokens - 2));
        n->tokens_read = max_len;
        n->tokens = n_tokens;
    }
    return TRUE;
}

gboolean glance_notices_judge_text(const GlanceModel *model, const char *text, GPtrArray *notices, GError **error)
{
    return judge_text(model, text, notices, NULL, error);
}

gboolean glance_notices_judge_image(const GlanceModelKnowledge *knowledge, const GlanceImage *image,
                                    const char *which, GPtrArray *notices, GError **error)
{
    if (!knowledge->domain)
        return TRUE;
    gboolean outside = FALSE;
    if (!glance_domain_check_image(knowledge->domain, image, &outside, error))
        return FALSE;
    if (!outside)
        return TRUE;
    const char *photo = !which ? _("This photo")
        : g_str_equal(which, "left") ? _("The left photo")
        : g_str_equal(which, "right") ? _("The right photo") : _("The example photo");
    /* Translators: %s is "This photo", "The left photo", ... */
    g_autofree char *sentence = g_strdup_printf(_("%s does not look like anything the model was trained on"), photo);
    add_notice(notices, GLANCE_NOTICE_OUTSIDE_MODEL_SCOPE,
               knowledge->scope
                   /* Translators: the sentence above, then what the model knows: "coloured shapes on plain backgrounds" */
                   ? g_strdup_printf(_("%s (it knows only %s)"), sentence, glance_notices_translate_scope(knowledge->scope))
                   : g_steal_pointer(&sentence));
    return TRUE;
}

static void judge_confidence(GPtrArray *notices, double confidence, double threshold)
{
    if (confidence < threshold)
        add_notice(notices, GLANCE_NOTICE_LOW_CONFIDENCE,
                   g_strdup_printf(_("Not sure: the model is only %.0f%% confident, and at that level its answers "
                                     "are often wrong"),
                                   100.0 * confidence));
}

/* ---- whole answers ---- */

static GPtrArray *start(const GlanceModel *model, GlanceModelKnowledge **knowledge, GError **error)
{
    *knowledge = glance_model_knowledge_new(model, error);
    return *knowledge ? glance_notices_new() : NULL;
}

static GPtrArray *fail(GPtrArray *notices)
{
    g_ptr_array_unref(notices);
    return NULL;
}

GPtrArray *glance_notices_for_ask(const GlanceModel *model, const GlanceImage *image, const char *question,
                                  GArray *answers, GError **error)
{
    g_autoptr(GlanceModelKnowledge) k = NULL;
    GPtrArray *notices = start(model, &k, error);
    if (!notices || !judge_text(model, question, notices, NULL, error) ||
        !glance_notices_judge_image(k, image, NULL, notices, error))
        return notices ? fail(notices) : NULL;
    if (answers && answers->len > 0)
        judge_confidence(notices, g_array_index(answers, GlanceAnswer, 0).score, k->vqa_low_confidence);
    return notices;
}

GPtrArray *glance_notices_for_compare(const GlanceModel *model, const GlanceImage *left, const GlanceImage *right,
                                      const char *statement, const GlanceJudgement *judgement, GError **error)
{
    g_autoptr(GlanceModelKnowledge) k = NULL;
    GPtrArray *notices = start(model, &k, error);
    if (!notices || !judge_text(model, statement, notices, NULL, error) ||
        !glance_notices_judge_image(k, left, "left", notices, error) ||
        !glance_notices_judge_image(k, right, "right", notices, error))
        return notices ? fail(notices) : NULL;
    double p = judgement->probability;
    judge_confidence(notices, MAX(p, 1.0 - p), k->nlvr2_low_confidence);
    return notices;
}

GPtrArray *glance_notices_for_match(const GlanceModel *model, const GlanceImage *image, const char *text,
                                    GError **error)
{
    g_autoptr(GlanceModelKnowledge) k = NULL;
    GPtrArray *notices = start(model, &k, error);
    if (!notices || !judge_text(model, text, notices, NULL, error) ||
        !glance_notices_judge_image(k, image, NULL, notices, error))
        return notices ? fail(notices) : NULL;
    return notices;
}

/* Each example image of the query, decoded and checked. */
static gboolean judge_query_image(const GlanceModelKnowledge *k, const char *path, GPtrArray *notices, GError **error)
{
    if (!k->domain)
        return TRUE;
    g_autoptr(GlanceDecodedImage) decoded = glance_image_load(path, 0, error);
    return decoded && glance_notices_judge_image(k, &decoded->image, "example", notices, error);
}

GPtrArray *glance_notices_for_search(const GlanceModel *model, const GlanceQuery *query, double best_score,
                                     GError **error)
{
    g_autoptr(GlanceModelKnowledge) k = NULL;
    GPtrArray *notices = start(model, &k, error);
    if (!notices)
        return NULL;
    guint n_terms = glance_query_get_n_terms(query);
    gboolean any_readable = FALSE;
    for (guint i = 0; i < n_terms; i++) {
        const GlanceQueryTerm *term = glance_query_get_term(query, i);
        gboolean readable = TRUE;
        if (term->kind == GLANCE_QUERY_TEXT ? !judge_text(model, term->value, notices, &readable, error)
                                            : !judge_query_image(k, term->value, notices, error))
            return fail(notices);
        any_readable |= readable;
    }
    gboolean one_text = n_terms == 1 && glance_query_get_term(query, 0)->kind == GLANCE_QUERY_TEXT;
    if (!any_readable)
        add_notice(notices, GLANCE_NOTICE_NO_GOOD_MATCH,
                   g_strdup(_("No good matches: the model cannot read any word of the search")));
    else if (isnan(best_score) || (one_text && best_score < k->no_good_match))
        add_notice(notices, GLANCE_NOTICE_NO_GOOD_MATCH,
                   g_strdup(_("No good matches: no photo in the library matches the search well")));
    return notices;
}

void glance_notices_add_json(JsonBuilder *b, GPtrArray *notices)
{
    json_builder_set_member_name(b, "notices");
    json_builder_begin_array(b);
    for (guint i = 0; notices && i < notices->len; i++) {
        const GlanceNotice *n = notices->pdata[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "code");
        json_builder_add_string_value(b, glance_notice_code_name(n->code));
        json_builder_set_member_name(b, "message");
        json_builder_add_string_value(b, n->message);
        if (n->words) {
            json_builder_set_member_name(b, "words");
            json_builder_begin_array(b);
            for (char **w = n->words; *w; w++)
                json_builder_add_string_value(b, *w);
            json_builder_end_array(b);
        }
        if (n->code == GLANCE_NOTICE_QUESTION_TRUNCATED) {
            json_builder_set_member_name(b, "tokens_read");
            json_builder_add_int_value(b, n->tokens_read);
            json_builder_set_member_name(b, "tokens");
            json_builder_add_int_value(b, n->tokens);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

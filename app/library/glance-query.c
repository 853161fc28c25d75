/* glance-query.c — parsing query arithmetic into weighted terms (syntax in glance-query.h).
 * A hand-written recursive-descent reader over one string; errors name the column. */
#include "glance-query.h"
#include "glance-library.h"
#include <math.h>
#include <string.h>

struct _GlanceQuery {
    gatomicrefcount refs;
    GArray *terms; /* GlanceQueryTerm */
};

static void clear_term(gpointer p)
{
    g_free(((GlanceQueryTerm *)p)->value);
}

GlanceQuery *glance_query_new(void)
{
    GlanceQuery *query = g_new0(GlanceQuery, 1);
    g_atomic_ref_count_init(&query->refs);
    query->terms = g_array_new(FALSE, FALSE, sizeof(GlanceQueryTerm));
    g_array_set_clear_func(query->terms, clear_term);
    return query;
}

GlanceQuery *glance_query_ref(GlanceQuery *query)
{
    g_atomic_ref_count_inc(&query->refs);
    return query;
}

void glance_query_unref(GlanceQuery *query)
{
    if (query && g_atomic_ref_count_dec(&query->refs)) {
        g_array_unref(query->terms);
        g_free(query);
    }
}

G_DEFINE_BOXED_TYPE(GlanceQuery, glance_query, glance_query_ref, glance_query_unref)

static void add_term(GArray *terms, GlanceQueryTermKind kind, const char *value, double weight)
{
    GlanceQueryTerm term = { kind, g_strdup(value), weight };
    g_array_append_val(terms, term);
}

void glance_query_add_text(GlanceQuery *query, const char *text, double weight)
{
    add_term(query->terms, GLANCE_QUERY_TEXT, text, weight);
}

void glance_query_add_image(GlanceQuery *query, const char *path, double weight)
{
    add_term(query->terms, GLANCE_QUERY_IMAGE, path, weight);
}

guint glance_query_get_n_terms(const GlanceQuery *query)
{
    return query->terms->len;
}

const GlanceQueryTerm *glance_query_get_term(const GlanceQuery *query, guint index)
{
    g_return_val_if_fail(index < query->terms->len, NULL);
    return &g_array_index(query->terms, GlanceQueryTerm, index);
}

/* ---- the reader ---- */

typedef struct {
    const char *text;
    const char *at;
    GArray *terms;
    GError **error;
} Reader;

static gboolean fail_at(Reader *r, const char *what)
{
    g_set_error(r->error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY,
                "query: %s at column %d", what, (int)g_utf8_pointer_to_offset(r->text, r->at) + 1);
    return FALSE;
}

static void skip_space(Reader *r)
{
    while (g_ascii_isspace(*r->at))
        r->at++;
}

static gboolean starts_number(const char *p)
{
    return g_ascii_isdigit(p[0]) || (p[0] == '.' && g_ascii_isdigit(p[1]));
}

static gboolean read_number(Reader *r, double *value)
{
    char *end = NULL;
    *value = g_ascii_strtod(r->at, &end);
    if (end == r->at || !isfinite(*value))
        return fail_at(r, "expected a number");
    r->at = end;
    return TRUE;
}

/* A double-quoted string with \" and \\ escapes; *out is newly allocated. */
static gboolean read_quoted(Reader *r, char **out)
{
    const char *start = r->at;
    GString *s = g_string_new(NULL);
    for (r->at++; *r->at && *r->at != '"'; r->at++) {
        if (*r->at == '\\' && (r->at[1] == '"' || r->at[1] == '\\'))
            r->at++;
        g_string_append_c(s, *r->at);
    }
    if (*r->at != '"') {
        r->at = start;
        g_string_free(s, TRUE);
        return fail_at(r, "unterminated quote");
    }
    r->at++;
    *out = g_string_free(s, FALSE);
    return TRUE;
}

/* operand := "text" | image:PATH | image:"PATH" */
static gboolean read_operand(Reader *r, GlanceQueryTermKind *kind, char **value)
{
    const char *start = r->at;
    if (*r->at == '"') {
        *kind = GLANCE_QUERY_TEXT;
        if (!read_quoted(r, value))
            return FALSE;
    } else if (g_str_has_prefix(r->at, "image:")) {
        *kind = GLANCE_QUERY_IMAGE;
        r->at += strlen("image:");
        if (*r->at == '"') {
            if (!read_quoted(r, value))
                return FALSE;
        } else {
            const char *path = r->at;
            while (*r->at && !g_ascii_isspace(*r->at))
                r->at++;
            *value = g_strndup(path, r->at - path);
        }
    } else {
        return fail_at(r, "expected a quoted text or image:FILE");
    }
    if (!**value) {
        g_clear_pointer(value, g_free);
        r->at = start;
        return fail_at(r, *kind == GLANCE_QUERY_TEXT ? "empty text" : "empty image path");
    }
    return TRUE;
}

/* term := [NUMBER ['*']] operand ['*' NUMBER] */
static gboolean read_term(Reader *r, double sign)
{
    double weight = 1;
    gboolean weighted_before = FALSE;
    if (starts_number(r->at)) {
        if (!read_number(r, &weight))
            return FALSE;
        weighted_before = TRUE;
        skip_space(r);
        if (*r->at == '*') {
            r->at++;
            skip_space(r);
        }
    }
    GlanceQueryTermKind kind;
    char *value = NULL;
    if (!read_operand(r, &kind, &value))
        return FALSE;
    const char *after = r->at;
    skip_space(r);
    if (*r->at == '*') {
        r->at++;
        skip_space(r);
        double factor;
        if (weighted_before) {
            g_free(value);
            return fail_at(r, "a term takes one weight");
        }
        if (!read_number(r, &factor)) {
            g_free(value);
            return FALSE;
        }
        weight = factor;
    } else {
        r->at = after;
    }
    add_term(r->terms, kind, value, sign * weight);
    g_free(value);
    return TRUE;
}

/* expr := [sign] term {sign term} */
static gboolean read_expression(Reader *r)
{
    skip_space(r);
    double sign = 1;
    if (*r->at == '+' || *r->at == '-') {
        sign = *r->at == '-' ? -1 : 1;
        r->at++;
        skip_space(r);
    }
    for (;;) {
        if (!read_term(r, sign))
            return FALSE;
        skip_space(r);
        if (!*r->at)
            return TRUE;
        if (*r->at != '+' && *r->at != '-')
            return fail_at(r, "expected + or - between terms");
        sign = *r->at == '-' ? -1 : 1;
        r->at++;
        skip_space(r);
    }
}

gboolean glance_query_parse(GlanceQuery *query, const char *text, GError **error)
{
    const char *trimmed = text;
    while (g_ascii_isspace(*trimmed))
        trimmed++;
    if (!*trimmed) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY, "query: the query is empty");
        return FALSE;
    }
    /* Plain words are one text: "black-and-white photo" must not become arithmetic. */
    if (!strchr(trimmed, '"') && !g_str_has_prefix(trimmed, "image:")) {
        g_autofree char *plain = g_strstrip(g_strdup(trimmed));
        add_term(query->terms, GLANCE_QUERY_TEXT, plain, 1);
        return TRUE;
    }
    g_autoptr(GArray) terms = g_array_new(FALSE, FALSE, sizeof(GlanceQueryTerm));
    g_array_set_clear_func(terms, clear_term);
    Reader r = { text, text, terms, error };
    if (!read_expression(&r))
        return FALSE;
    for (guint i = 0; i < terms->len; i++) {
        GlanceQueryTerm *t = &g_array_index(terms, GlanceQueryTerm, i);
        add_term(query->terms, t->kind, t->value, t->weight);
    }
    return TRUE;
}

static void append_quoted(GString *s, const char *value)
{
    g_string_append_c(s, '"');
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

char *glance_query_to_string(const GlanceQuery *query)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < query->terms->len; i++) {
        const GlanceQueryTerm *t = glance_query_get_term(query, i);
        double w = fabs(t->weight);
        if (i > 0 || t->weight < 0)
            g_string_append(s, i == 0 ? "-" : t->weight < 0 ? " - " : " + ");
        if (w != 1) {
            /* The shortest of %.15g and %.17g that reads back as the same double. */
            char number[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_formatd(number, sizeof number, "%.15g", w);
            if (g_ascii_strtod(number, NULL) != w)
                g_ascii_formatd(number, sizeof number, "%.17g", w);
            g_string_append_printf(s, "%s*", number);
        }
        if (t->kind == GLANCE_QUERY_IMAGE)
            g_string_append(s, "image:");
        append_quoted(s, t->value);
    }
    return g_string_free(s, FALSE);
}

/* fuzz-query.c — libFuzzer target: the search query parser (app/library/glance-query.c)
 * on arbitrary text up to its first NUL. Beyond "no crash": a refused query appends no
 * term and says why; an accepted one has non-empty terms with finite weights, and its
 * printed form parses back to the same terms. */
#include "glance-query.h"
#include "glance-library.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *)data, size);
    g_autoptr(GlanceQuery) query = glance_query_new();
    g_autoptr(GError) error = NULL;
    if (!glance_query_parse(query, text, &error)) {
        if (!error || !error->message[0] || glance_query_get_n_terms(query) != 0)
            abort();
        return 0;
    }
    guint n = glance_query_get_n_terms(query);
    if (n == 0 || error)
        abort();
    for (guint i = 0; i < n; i++) {
        const GlanceQueryTerm *t = glance_query_get_term(query, i);
        if (!t->value[0] || !isfinite(t->weight))
            abort();
    }
    /* Round trip: what glance_query_to_string prints means the same query. A plain
     * text that starts like a number or "image:" is printed quoted, so it re-parses. */
    g_autofree char *printed = glance_query_to_string(query);
    g_autoptr(GlanceQuery) again = glance_query_new();
    if (!glance_query_parse(again, printed, NULL) || glance_query_get_n_terms(again) != n)
        abort();
    for (guint i = 0; i < n; i++) {
        const GlanceQueryTerm *a = glance_query_get_term(query, i), *b = glance_query_get_term(again, i);
        if (a->kind != b->kind || strcmp(a->value, b->value) || fabs(a->weight - b->weight) > 1e-9 * fabs(a->weight))
            abort();
    }
    return 0;
}

/* glance-query.h — what a search looks for: weighted texts and example images, combined
 * the way CLIP search tools do ("beach" + "sunset" - "people").
 *
 * Syntax of glance_query_parse():
 *   red car at the beach              no double quote: the whole string is one text
 *   "beach" + "sunset" - "people"     quoted texts joined by + and -
 *   0.5*"snow" + 2 * "dog"            a weight before a term (or "dog"*2 after it)
 *   image:photos/cat.jpg + "hat"      an example image; image:"my cat.jpg" with spaces
 * Inside quotes, \" and \\ stand for " and \. The query vector is the weighted sum of the
 * terms' unit vectors, normalised again. */
#ifndef GLANCE_QUERY_H
#define GLANCE_QUERY_H
#include <glib-object.h>

G_BEGIN_DECLS

typedef enum { GLANCE_QUERY_TEXT, GLANCE_QUERY_IMAGE } GlanceQueryTermKind;

typedef struct {
    GlanceQueryTermKind kind;
    char *value;  /* the text, or the image's path */
    double weight;
} GlanceQueryTerm;

/* A reference-counted list of terms; immutable once handed to a search. */
typedef struct _GlanceQuery GlanceQuery;
#define GLANCE_TYPE_QUERY (glance_query_get_type())
GType glance_query_get_type(void);

GlanceQuery *glance_query_new(void);
GlanceQuery *glance_query_ref(GlanceQuery *query);
void glance_query_unref(GlanceQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceQuery, glance_query_unref)

/* Appends the terms of text (syntax above). On a syntax error nothing is appended and
 * the message names the column (GLANCE_LIBRARY_ERROR_QUERY). */
gboolean glance_query_parse(GlanceQuery *query, const char *text, GError **error);
void glance_query_add_text(GlanceQuery *query, const char *text, double weight);
void glance_query_add_image(GlanceQuery *query, const char *path, double weight);

guint glance_query_get_n_terms(const GlanceQuery *query);
const GlanceQueryTerm *glance_query_get_term(const GlanceQuery *query, guint index);
/* The query as it would be typed, e.g. `"beach" + 0.5*"sunset"` (for messages). */
char *glance_query_to_string(const GlanceQuery *query);

G_END_DECLS
#endif

/* glance-where.h — where an answer looked: a map over the square image the model saw,
 * one weight a patch (docs/where-it-looked.md). The front ends get it from the tasks
 * and draw it with glance-where-overlay.h; they never see the engine's types. */
#ifndef GLANCE_WHERE_H
#define GLANCE_WHERE_H
#include <glib-object.h>

G_BEGIN_DECLS

typedef struct {
    int rows, cols;  /* the model's patch grid                                     */
    float *weights;  /* rows * cols, row-major from the top left, each >= 0, sum 1 */
} GlanceWhere;

#define GLANCE_TYPE_WHERE (glance_where_get_type())
GType glance_where_get_type(void);

/* A map of rows x cols zero weights, to be filled. */
GlanceWhere *glance_where_new(int rows, int cols);
GlanceWhere *glance_where_copy(const GlanceWhere *where);
void glance_where_free(GlanceWhere *where);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceWhere, glance_where_free)

G_END_DECLS
#endif

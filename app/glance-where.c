/* glance-where.c — the map of where an answer looked, as a boxed value. */
#include "glance-where.h"
#include <string.h>

G_DEFINE_BOXED_TYPE(GlanceWhere, glance_where, glance_where_copy, glance_where_free)

GlanceWhere *glance_where_new(int rows, int cols)
{
    g_return_val_if_fail(rows > 0 && cols > 0, NULL);
    GlanceWhere *where = g_new0(GlanceWhere, 1);
    where->rows = rows;
    where->cols = cols;
    where->weights = g_new0(float, (gsize)rows * cols);
    return where;
}

GlanceWhere *glance_where_copy(const GlanceWhere *where)
{
    GlanceWhere *copy = glance_where_new(where->rows, where->cols);
    memcpy(copy->weights, where->weights, (gsize)where->rows * where->cols * sizeof(float));
    return copy;
}

void glance_where_free(GlanceWhere *where)
{
    if (!where)
        return;
    g_free(where->weights);
    g_free(where);
}

/* glance-vector-matrix.h — n unit vectors of one dimension in one contiguous row-major
 * block, ranked against a query with one cblas_sgemv. Shared by search and the
 * benchmark; knows nothing of SQLite. */
#ifndef GLANCE_VECTOR_MATRIX_H
#define GLANCE_VECTOR_MATRIX_H
#include <glib.h>

typedef struct {
    int dim;
    gsize n, capacity;   /* rows used, rows allocated                              */
    float *vectors;      /* (capacity, dim), rows 0..n-1 valid                     */
    gint64 *photo_ids;   /* (capacity) photos.id of each row                       */
    gint64 *row_ids;     /* (capacity) embeddings.id of each row, ascending        */
    float *scores;       /* (capacity) scratch for the product, kept between calls */
} GlanceVectorMatrix;

GlanceVectorMatrix *glance_vector_matrix_new(int dim);
void glance_vector_matrix_free(GlanceVectorMatrix *matrix);
/* Appends a row (copies dim floats). */
void glance_vector_matrix_append(GlanceVectorMatrix *matrix, const float *vector, gint64 photo_id,
                                 gint64 row_id);
void glance_vector_matrix_clear(GlanceVectorMatrix *matrix);

/* The k best rows for query (dim floats), best first: rows[i] and scores[i] for
 * i < the returned count (min(k, eligible rows)). eligible may be NULL, else one flag
 * per row; rows with a zero flag are skipped. */
gsize glance_vector_matrix_top_k(GlanceVectorMatrix *matrix, const float *query, const guint8 *eligible,
                                 gsize k, gsize *rows, float *scores);

#endif

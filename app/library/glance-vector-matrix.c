/* glance-vector-matrix.c — scores = vectors · query in one sgemv (the hot spot: it
 * streams the whole matrix, so it is memory-bound), then a size-k min-heap picks the
 * best rows in one pass over the scores. */
#include "glance-vector-matrix.h"
#include <cblas.h>
#include <string.h>

GlanceVectorMatrix *glance_vector_matrix_new(int dim)
{
    GlanceVectorMatrix *m = g_new0(GlanceVectorMatrix, 1);
    m->dim = dim;
    return m;
}

void glance_vector_matrix_free(GlanceVectorMatrix *m)
{
    if (!m)
        return;
    g_free(m->vectors);
    g_free(m->photo_ids);
    g_free(m->row_ids);
    g_free(m->scores);
    g_free(m);
}

void glance_vector_matrix_clear(GlanceVectorMatrix *m)
{
    m->n = 0;
}

void glance_vector_matrix_append(GlanceVectorMatrix *m, const float *vector, gint64 photo_id, gint64 row_id)
{
    if (m->n == m->capacity) {
        /* Doubling keeps a library that grows one batch at a time from re-copying. */
        m->capacity = MAX(1024, m->capacity * 2);
        m->vectors = g_renew(float, m->vectors, m->capacity * m->dim);
        m->photo_ids = g_renew(gint64, m->photo_ids, m->capacity);
        m->row_ids = g_renew(gint64, m->row_ids, m->capacity);
        g_free(m->scores);
        m->scores = g_new(float, m->capacity);
    }
    memcpy(m->vectors + m->n * m->dim, vector, sizeof(float) * m->dim);
    m->photo_ids[m->n] = photo_id;
    m->row_ids[m->n] = row_id;
    m->n++;
}

/* Heap order: the worst kept candidate on top; lower score is worse, and on equal
 * scores the later row, so results are deterministic. */
static gboolean worse(const float *scores, gsize a, gsize b)
{
    return scores[a] < scores[b] || (scores[a] == scores[b] && a > b);
}

static void sift_down(gsize *heap, gsize size, const float *scores, gsize i)
{
    for (;;) {
        gsize l = 2 * i + 1, r = l + 1, top = i;
        if (l < size && worse(scores, heap[l], heap[top]))
            top = l;
        if (r < size && worse(scores, heap[r], heap[top]))
            top = r;
        if (top == i)
            return;
        gsize t = heap[i];
        heap[i] = heap[top];
        heap[top] = t;
        i = top;
    }
}

static void sift_up(gsize *heap, const float *scores, gsize i)
{
    while (i > 0) {
        gsize parent = (i - 1) / 2;
        if (!worse(scores, heap[i], heap[parent]))
            return;
        gsize t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
    }
}

gsize glance_vector_matrix_top_k(GlanceVectorMatrix *m, const float *query, const guint8 *eligible, gsize k,
                                 gsize *rows, float *scores_out)
{
    if (m->n == 0 || k == 0)
        return 0;
    float *scores = m->scores;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)m->n, m->dim, 1.0f, m->vectors, m->dim, query, 1, 0.0f,
                scores, 1);
    /* rows doubles as the heap: the k best so far, worst on top. */
    gsize size = 0;
    for (gsize i = 0; i < m->n; i++) {
        if (eligible && !eligible[i])
            continue;
        if (size < k) {
            rows[size] = i;
            sift_up(rows, scores, size++);
        } else if (worse(scores, rows[0], i)) {
            rows[0] = i;
            sift_down(rows, size, scores, 0);
        }
    }
    /* Pop the worst to the back: the array ends up best first. */
    for (gsize end = size; end > 1; end--) {
        gsize t = rows[0];
        rows[0] = rows[end - 1];
        rows[end - 1] = t;
        sift_down(rows, end - 1, scores, 0);
    }
    for (gsize i = 0; i < size; i++)
        scores_out[i] = scores[rows[i]];
    return size;
}

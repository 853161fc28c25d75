/* glance-library-search.c — query vector, ranking, filters, existence, re-ranking.
 *
 * A search uses one model throughout (query vector, matrix, re-ranking): the serving
 * one, which is the current model or, while the current model is being indexed, the
 * previous one (library_serving_searcher). Its matrix is synced before each search: nothing is
 * read when PRAGMA data_version says no other connection wrote; otherwise the rows
 * with ids above the newest loaded one are appended, and only when rows were also
 * deleted (ids never come back; a changed vector gets a new id) is it reloaded whole. */
#include "glance-library-search.h"
#include "glance-library-private.h"
#include "glance-library-scan.h"
#include "glance-image.h"
#include "glance-tasks.h"
#include <math.h>
#include <string.h>
#include <sys/stat.h>

void glance_search_options_init(GlanceSearchOptions *options)
{
    memset(options, 0, sizeof *options);
    options->limit = 20;
    options->taken_after = G_MININT64;
    options->taken_before = G_MAXINT64;
}

void glance_search_result_free(GlanceSearchResult *result)
{
    if (!result)
        return;
    g_free(result->path);
    g_free(result->format);
    g_free(result);
}

/* ---- the matrix ---- */

static gboolean append_rows(GlanceLibrary *self, LibrarySearcher *s, gint64 after_id, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(self->db,
        "SELECT id, photo_id, vector FROM embeddings WHERE model_id = ?1 AND id > ?2 AND dim = ?3 ORDER BY id",
        error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, s->row);
    sqlite3_bind_int64(stmt, 2, after_id);
    sqlite3_bind_int(stmt, 3, s->dim);
    g_autofree float *vector = g_new(float, s->dim);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(stmt, 2) != 4 * s->dim)
            continue; /* a vector of another size is never mixed in */
        library_vector_from_blob(sqlite3_column_blob(stmt, 2), s->dim, vector);
        glance_vector_matrix_append(s->matrix, vector, sqlite3_column_int64(stmt, 1),
                                    sqlite3_column_int64(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || library_db_fail(error, self->db, "loading vectors");
}

static gboolean count_rows(GlanceLibrary *self, LibrarySearcher *s, gint64 *count, GError **error)
{
    sqlite3_stmt *stmt = library_db_prepare(self->db,
        "SELECT count(*) FROM embeddings WHERE model_id = ?1 AND dim = ?2", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, s->row);
    sqlite3_bind_int(stmt, 2, s->dim);
    gboolean ok = sqlite3_step(stmt) == SQLITE_ROW;
    *count = ok ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    return ok || library_db_fail(error, self->db, "counting vectors");
}

static gboolean sync_matrix(GlanceLibrary *self, LibrarySearcher *s, GError **error)
{
    gint64 version = library_db_data_version(self->db);
    if (s->matrix && version == s->matrix_data_version && version >= 0)
        return TRUE;
    if (!s->matrix)
        s->matrix = glance_vector_matrix_new(s->dim);
    /* One read transaction: the count and the rows come from the same snapshot. */
    if (!library_db_exec(self->db, "BEGIN", error))
        return FALSE;
    GlanceVectorMatrix *m = s->matrix;
    gint64 newest = m->n ? m->row_ids[m->n - 1] : 0, count = 0;
    gboolean ok = append_rows(self, s, newest, error) && count_rows(self, s, &count, error);
    if (ok && (gsize)count != m->n) { /* rows were deleted or replaced: start over */
        glance_vector_matrix_clear(m);
        ok = append_rows(self, s, 0, error);
    }
    library_db_exec(self->db, "COMMIT", NULL);
    s->matrix_data_version = ok ? version : -1;
    if (!ok)
        glance_vector_matrix_clear(m);
    return ok;
}

/* ---- the query vector ---- */

static gboolean embed_query(LibrarySearcher *s, GlanceQuery *query, float *out, GError **error)
{
    int dim = s->dim;
    g_autofree float *term_vector = g_new(float, dim);
    memset(out, 0, sizeof(float) * dim);
    for (guint i = 0; i < glance_query_get_n_terms(query); i++) {
        const GlanceQueryTerm *t = glance_query_get_term(query, i);
        GlanceError err = { 0 };
        GlanceStatus status;
        if (t->kind == GLANCE_QUERY_TEXT) {
            status = glance_embed_text(s->ctx, t->value, 0, term_vector, &err);
        } else {
            g_autoptr(GlanceDecodedImage) image = library_load_image(t->value, library_decode_side(s->model), error);
            if (!image)
                return FALSE;
            status = glance_embed_image(s->ctx, &image->image, 0, term_vector, &err);
        }
        if (status != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            return FALSE;
        }
        for (int d = 0; d < dim; d++)
            out[d] += (float)t->weight * term_vector[d];
    }
    double norm = 0;
    for (int d = 0; d < dim; d++)
        norm += (double)out[d] * out[d];
    norm = sqrt(norm);
    if (norm < 1e-6) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY,
                            "query: its terms cancel out (the weighted sum is zero)");
        return FALSE;
    }
    for (int d = 0; d < dim; d++)
        out[d] = (float)(out[d] / norm);
    return TRUE;
}

/* ---- filters ---- */

static gboolean has_filters(const GlanceSearchOptions *o)
{
    return (o->folders && o->folders[0]) || (o->types && o->types[0]) || o->taken_after != G_MININT64 ||
           o->taken_before != G_MAXINT64;
}

/* One flag per matrix row: does its photo pass the filters? The filters become one SQL
 * query over photos; rows are matched by photo id. */
static guint8 *eligible_rows(GlanceLibrary *self, const GlanceVectorMatrix *m, const GlanceSearchOptions *o,
                             GError **error)
{
    GString *sql = g_string_new("SELECT id FROM photos WHERE error IS NULL");
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    if (o->folders && o->folders[0]) {
        g_string_append(sql, " AND (");
        for (char **f = o->folders; *f; f++) {
            g_autofree char *folder = library_normalize_path(*f);
            char *lo, *hi;
            library_folder_range(folder, &lo, &hi);
            g_ptr_array_add(texts, lo);
            g_ptr_array_add(texts, hi);
            g_string_append_printf(sql, "%s(path >= ?%u AND path < ?%u)", f == o->folders ? "" : " OR ",
                                   texts->len - 1, texts->len);
        }
        g_string_append(sql, ")");
    }
    if (o->types && o->types[0]) {
        g_string_append(sql, " AND format IN (");
        for (char **t = o->types; *t; t++) {
            const char *format = library_scan_format_for_type(*t);
            if (!format) {
                g_set_error(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY,
                            "unknown file type '%s' (no image loader reads it)", *t);
                g_string_free(sql, TRUE);
                return NULL;
            }
            g_ptr_array_add(texts, g_strdup(format));
            g_string_append_printf(sql, "%s?%u", t == o->types ? "" : ", ", texts->len);
        }
        g_string_append(sql, ")");
    }
    guint after = texts->len + 1, before = texts->len + 2;
    g_string_append_printf(sql, " AND taken >= ?%u AND taken < ?%u", after, before);
    sqlite3_stmt *stmt = library_db_prepare(self->db, sql->str, error);
    g_string_free(sql, TRUE);
    if (!stmt)
        return NULL;
    for (guint i = 0; i < texts->len; i++)
        sqlite3_bind_text(stmt, i + 1, texts->pdata[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, after, o->taken_after);
    sqlite3_bind_int64(stmt, before, o->taken_before);
    g_autoptr(GHashTable) passing = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        g_hash_table_add(passing, g_memdup2(&(gint64){ sqlite3_column_int64(stmt, 0) }, sizeof(gint64)));
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        library_db_fail(error, self->db, "filtering photos");
        return NULL;
    }
    guint8 *eligible = g_malloc0(MAX(m->n, 1));
    for (gsize i = 0; i < m->n; i++)
        eligible[i] = g_hash_table_contains(passing, &m->photo_ids[i]);
    return eligible;
}

/* ---- results ---- */

/* The photo's row, as a result, if its file is still there (and a file). */
static GlanceSearchResult *existing_result(GlanceLibrary *self, sqlite3_stmt *lookup, gint64 photo_id, float score)
{
    sqlite3_reset(lookup);
    sqlite3_bind_int64(lookup, 1, photo_id);
    if (sqlite3_step(lookup) != SQLITE_ROW)
        return NULL; /* removed since the matrix was synced */
    const char *path = (const char *)sqlite3_column_text(lookup, 0);
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    (void)self;
    GlanceSearchResult *r = g_new0(GlanceSearchResult, 1);
    r->path = g_strdup(path);
    r->itc_score = r->score = score;
    r->rerank_score = NAN;
    r->taken = sqlite3_column_int64(lookup, 1);
    r->taken_from_exif = sqlite3_column_int(lookup, 2);
    r->format = g_strdup((const char *)sqlite3_column_text(lookup, 3));
    return r;
}

/* The best `wanted` existing photos. Candidates are taken in growing rounds, so a
 * library full of deleted files still fills the list without scoring everything twice
 * per photo. */
static GPtrArray *collect(GlanceLibrary *self, GlanceVectorMatrix *m, const float *query, guint8 *eligible,
                          gsize wanted, GError **error)
{
    GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify)glance_search_result_free);
    sqlite3_stmt *lookup = library_db_prepare(self->db,
        "SELECT path, taken, taken_from_exif, format FROM photos WHERE id = ?1 AND error IS NULL", error);
    if (!lookup) {
        g_ptr_array_unref(results);
        return NULL;
    }
    gsize k = MIN(m->n, wanted + wanted / 2 + 16), done = 0;
    g_autofree gsize *rows = NULL;
    g_autofree float *scores = NULL;
    while (results->len < wanted && k > done) {
        rows = g_renew(gsize, rows, k);
        scores = g_renew(float, scores, k);
        gsize found = glance_vector_matrix_top_k(m, query, eligible, k, rows, scores);
        for (gsize i = done; i < found && results->len < wanted; i++) {
            GlanceSearchResult *r = existing_result(self, lookup, m->photo_ids[rows[i]], scores[i]);
            if (r)
                g_ptr_array_add(results, r);
        }
        if (found < k)
            break; /* every eligible row was seen */
        done = k;
        k = MIN(m->n, k * 4);
    }
    sqlite3_finalize(lookup);
    return results;
}

static int by_rerank_score(gconstpointer a, gconstpointer b)
{
    const GlanceSearchResult *x = *(GlanceSearchResult *const *)a, *y = *(GlanceSearchResult *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->itc_score < y->itc_score) - (x->itc_score > y->itc_score);
}

/* VLMo's second stage: the fusion encoder judges each (photo, text) pair with the ITM
 * head. The score is the query's text weights times the match probabilities, so
 * "beach" - "people" rewards beaches and penalises people as the vector query does. */
static gboolean rerank(LibrarySearcher *s, GlanceQuery *query, GPtrArray *results, guint count,
                       GCancellable *cancellable, GError **error)
{
    if (!glance_model_config(s->model)->has_itm) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_MODEL,
                            "--rerank needs a model with an image-text matching (ITM) head");
        return FALSE;
    }
    gboolean has_text = FALSE;
    for (guint t = 0; t < glance_query_get_n_terms(query); t++)
        has_text |= glance_query_get_term(query, t)->kind == GLANCE_QUERY_TEXT;
    if (!has_text) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY,
                            "re-ranking matches photos against text: the query has none");
        return FALSE;
    }
    count = MIN(count, results->len);
    g_autoptr(GPtrArray) head = g_ptr_array_new();
    for (guint i = 0; i < count; i++) {
        if (g_cancellable_set_error_if_cancelled(cancellable, error))
            return FALSE;
        GlanceSearchResult *r = results->pdata[i];
        g_autoptr(GlanceDecodedImage) image = library_load_image(r->path, library_decode_side(s->model), NULL);
        if (!image) /* changed into something unreadable since it was indexed: not a result */
            continue;
        double score = 0;
        for (guint t = 0; t < glance_query_get_n_terms(query); t++) {
            const GlanceQueryTerm *term = glance_query_get_term(query, t);
            if (term->kind != GLANCE_QUERY_TEXT)
                continue;
            GlanceJudgement match;
            if (!glance_task_match(s->ctx, &image->image, term->value, &match, error))
                return FALSE;
            score += term->weight * match.probability;
        }
        r->rerank_score = r->score = score;
        g_ptr_array_add(head, r);
    }
    g_ptr_array_sort(head, by_rerank_score);
    /* The re-ranked block, then the rest in dual-encoder order; unreadable ones dropped. */
    g_autoptr(GPtrArray) rest = g_ptr_array_new();
    for (guint i = count; i < results->len; i++)
        g_ptr_array_add(rest, results->pdata[i]);
    for (guint i = 0; i < count; i++)
        if (isnan(((GlanceSearchResult *)results->pdata[i])->rerank_score))
            glance_search_result_free(results->pdata[i]);
    g_ptr_array_set_free_func(results, NULL);
    g_ptr_array_set_size(results, 0);
    g_ptr_array_extend(results, head, NULL, NULL);
    g_ptr_array_extend(results, rest, NULL, NULL);
    g_ptr_array_set_free_func(results, (GDestroyNotify)glance_search_result_free);
    return TRUE;
}

static int engine_cancel(void *data)
{
    return g_cancellable_is_cancelled(data);
}

GPtrArray *glance_library_search(GlanceLibrary *self, GlanceQuery *query, const GlanceSearchOptions *options,
                                 GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(GLANCE_IS_LIBRARY(self), NULL);
    GlanceSearchOptions defaults;
    if (!options) {
        glance_search_options_init(&defaults);
        options = &defaults;
    }
    if (glance_query_get_n_terms(query) == 0) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY, "query: the query is empty");
        return NULL;
    }
    if (options->limit < 0 || options->rerank < 0) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_QUERY,
                            "the limit and the re-rank count cannot be negative");
        return NULL;
    }
    gsize limit = options->limit > 0 ? (gsize)options->limit : 20;
    g_mutex_lock(&self->lock);
    GPtrArray *results = NULL;
    g_autofree guint8 *eligible = NULL;
    g_autofree float *query_vector = NULL;
    LibrarySearcher *s = NULL;
    if (!self->current.model) {
        g_set_error_literal(error, GLANCE_LIBRARY_ERROR, GLANCE_LIBRARY_ERROR_NO_MODEL,
                            "no model chosen for the library");
        goto out;
    }
    /* The current model, or the previous one while the current one is re-indexing. */
    if (!(s = library_serving_searcher(self, error)))
        goto out;
    glance_context_set_cancel(s->ctx, cancellable ? engine_cancel : NULL, cancellable);
    query_vector = g_new(float, s->dim);
    if (!embed_query(s, query, query_vector, error) || !sync_matrix(self, s, error))
        goto out;
    if (has_filters(options) && !(eligible = eligible_rows(self, s->matrix, options, error)))
        goto out;
    /* Re-ranking may promote any of its candidates, so it needs all of them. */
    results = collect(self, s->matrix, query_vector, eligible, MAX(limit, (gsize)options->rerank), error);
    if (results && options->rerank > 0 && !rerank(s, query, results, options->rerank, cancellable, error))
        g_clear_pointer(&results, g_ptr_array_unref);
    if (results && results->len > limit)
        g_ptr_array_set_size(results, limit);
out:
    if (s)
        glance_context_set_cancel(s->ctx, NULL, NULL);
    g_mutex_unlock(&self->lock);
    return results;
}

/* ---- the GTask wrapper ---- */

typedef struct {
    GlanceQuery *query;
    GlanceSearchOptions options;
} SearchTaskData;

static void search_task_data_free(gpointer data)
{
    SearchTaskData *d = data;
    glance_query_unref(d->query);
    g_strfreev(d->options.folders);
    g_strfreev(d->options.types);
    g_free(d);
}

static void search_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    SearchTaskData *d = data;
    GError *error = NULL;
    GPtrArray *results = glance_library_search(source, d->query, &d->options, cancellable, &error);
    if (results)
        g_task_return_pointer(task, results, (GDestroyNotify)g_ptr_array_unref);
    else
        g_task_return_error(task, error);
}

void glance_library_search_async(GlanceLibrary *library, GlanceQuery *query, const GlanceSearchOptions *options,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    SearchTaskData *d = g_new0(SearchTaskData, 1);
    d->query = glance_query_ref(query);
    if (options) {
        d->options = *options;
        d->options.folders = g_strdupv(options->folders);
        d->options.types = g_strdupv(options->types);
    } else {
        glance_search_options_init(&d->options);
    }
    g_autoptr(GTask) task = g_task_new(library, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_library_search_async);
    g_task_set_task_data(task, d, search_task_data_free);
    g_task_run_in_thread(task, search_thread);
}

GPtrArray *glance_library_search_finish(GlanceLibrary *library, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, library), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* cli-bench-search.c — `glance-cli bench search`: the library's ranking step (one sgemv
 * over the vector matrix plus top-k) on random unit vectors, at one or more library
 * sizes, so the figure and its growth can be read off directly. */
#include "cli-common.h"
#include "cli-commands.h"
#include "glance-vector-matrix.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void random_unit(GRand *rng, float *v, int dim)
{
    double norm = 0;
    for (int d = 0; d < dim; d++) {
        v[d] = (float)g_rand_double_range(rng, -1, 1);
        norm += (double)v[d] * v[d];
    }
    for (int d = 0; d < dim; d++)
        v[d] = (float)(v[d] / sqrt(norm));
}

int cli_bench_search(int argc, char **argv)
{
    int n = 100000, dim = 768, limit = 10, repeat = 30;
    g_autofree char *sizes_arg = NULL;
    GOptionEntry entries[] = {
        { "n", 0, 0, G_OPTION_ARG_INT, &n, "Vectors in the library (default 100000)", "N" },
        { "dim", 0, 0, G_OPTION_ARG_INT, &dim, "Vector dimension (default 768)", "D" },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Top-k (default 10)", "K" },
        { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Timed queries per size (default 30)", "R" },
        { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_arg,
          "Comma-separated library sizes instead of --n, e.g. 10000,100000,300000", "LIST" },
        { NULL },
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("- time top-k search over random unit vectors");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(int));
    if (sizes_arg) {
        g_auto(GStrv) parts = g_strsplit(sizes_arg, ",", -1);
        for (char **p = parts; *p; p++) {
            int size = atoi(*p);
            g_array_append_val(sizes, size);
        }
    } else {
        g_array_append_val(sizes, n);
    }
    int largest = 0;
    for (guint i = 0; i < sizes->len; i++) {
        int size = g_array_index(sizes, int, i);
        if (size < 1 || size > 10000000)
            return cli_usage("library sizes must be 1..10000000");
        largest = MAX(largest, size);
    }
    if (dim < 1 || dim > 8192 || limit < 1 || repeat < 1)
        return cli_usage("--dim must be 1..8192, --limit and --repeat at least 1");
    int threads = glance_threads_from_environment();   /* the ranking's BLAS runs outside any context */

    GlanceVectorMatrix *m = glance_vector_matrix_new(dim);
    GRand *rng = g_rand_new_with_seed(42);
    g_autofree float *v = g_new(float, dim);
    for (int i = 0; i < largest; i++) {
        random_unit(rng, v, dim);
        glance_vector_matrix_append(m, v, i, i + 1);
    }
    g_autofree gsize *rows = g_new(gsize, limit);
    g_autofree float *scores = g_new(float, limit);
    g_autofree double *ms = g_new(double, repeat);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "dim");
    json_builder_add_int_value(b, dim);
    json_builder_set_member_name(b, "limit");
    json_builder_add_int_value(b, limit);
    json_builder_set_member_name(b, "threads");
    json_builder_add_int_value(b, threads);
    json_builder_set_member_name(b, "sizes");
    json_builder_begin_array(b);
    if (!cli_json)
        printf("top-%d over unit vectors of dimension %d (sgemv + heap), per query:\n", limit, dim);
    for (guint s = 0; s < sizes->len; s++) {
        gsize full = m->n;
        m->n = g_array_index(sizes, int, s); /* the first rows stand for a smaller library */
        for (int r = -2; r < repeat; r++) { /* two warm-up queries */
            random_unit(rng, v, dim);
            gint64 start = g_get_monotonic_time();
            glance_vector_matrix_top_k(m, v, NULL, limit, rows, scores);
            if (r >= 0)
                ms[r] = (g_get_monotonic_time() - start) / 1e3;
        }
        qsort(ms, repeat, sizeof *ms, compare_doubles);
        double median = ms[repeat / 2], best = ms[0];
        double gb_per_s = m->n * (double)dim * sizeof(float) / (median / 1e3) / 1e9;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "n");
        json_builder_add_int_value(b, m->n);
        json_builder_set_member_name(b, "ms_median");
        json_builder_add_double_value(b, median);
        json_builder_set_member_name(b, "ms_min");
        json_builder_add_double_value(b, best);
        json_builder_end_object(b);
        if (!cli_json)
            printf("  n = %8zu: median %7.2f ms, best %7.2f ms  (%.1f GB/s of vectors)\n", m->n, median, best,
                   gb_per_s);
        m->n = full;
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    if (cli_json)
        cli_print_json(b);
    g_rand_free(rng);
    glance_vector_matrix_free(m);
    return 0;
}

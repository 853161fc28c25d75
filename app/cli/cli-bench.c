/* cli-bench.c — `glance-cli bench SUBJECT`: throughput figures measured in-process, so
 * that start-up and loading are not counted. Subjects are listed in `subjects` below. */
#include "cli-common.h"
#include "cli-commands.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* A picture with some structure, so no pass is degenerate. */
static guint8 *bench_picture(int w, int h)
{
    guint8 *p = g_malloc((gsize)w * h * 3);
    for (int i = 0; i < w * h * 3; i++)
        p[i] = (guint8)((i * 2654435761u) >> 24);
    return p;
}

typedef struct {
    const char *name;
    double seconds_per_call;
} BenchFigure;

/* Runs `fn` until at least min_seconds have passed (and at least 3 times) after one warm-up. */
#define TIME_CALLS(min_seconds, calls_out, seconds_out, body)                           \
    do {                                                                                \
        body;                                                                           \
        gint64 start_ = g_get_monotonic_time();                                         \
        int n_ = 0;                                                                     \
        while (n_ < 3 || g_get_monotonic_time() - start_ < (gint64)((min_seconds) * 1e6)) { \
            body;                                                                       \
            n_++;                                                                       \
        }                                                                               \
        *(seconds_out) = (g_get_monotonic_time() - start_) / 1e6 / n_;                  \
        *(calls_out) = n_;                                                              \
    } while (0)

/* Seconds to open the model once its file is in the page cache: the best of three. */
static double time_model_open(const char *path, GError **error)
{
    double best = G_MAXDOUBLE;
    for (int i = 0; i < 3; i++) {
        gint64 start = g_get_monotonic_time();
        GlanceModel *model = NULL;
        GlanceError err = { 0 };
        if (glance_model_open(path, &model, &err) != GLANCE_OK) {
            glance_set_error_from_engine(error, &err);
            return -1;
        }
        best = MIN(best, (g_get_monotonic_time() - start) / 1e6);
        glance_model_close(model);
    }
    return best;
}

/* The most memory the process has held resident so far: with --passes vqa, the peak of
 * a VQA pass (tools/bench/vqa_memory.py sets it against the weights it reads). */
static gint64 peak_rss_bytes(void)
{
    struct rusage usage;
    return getrusage(RUSAGE_SELF, &usage) == 0 ? (gint64)usage.ru_maxrss * 1024 : -1;
}

static int bench_engine(int argc, char **argv)
{
    double min_seconds = 2.0;
    int size = 640;
    g_autofree char *only = NULL;
    GOptionEntry entries[] = {
        { "passes", 0, 0, G_OPTION_ARG_STRING, &only, "Time only these passes (comma-separated names)", "LIST" },
        { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &min_seconds, "Time per figure (default 2)", "S" },
        { "image-size", 0, 0, G_OPTION_ARG_INT, &size, "Side of the input picture before resizing (640)", "N" },
        { NULL },
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("- per-call time of each engine pass");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    if (size < 1 || size > 8192 || min_seconds <= 0)
        return cli_usage("--image-size must be 1..8192 and --seconds positive");
    g_autoptr(CliSession) session = cli_session_new(CLI_MODEL_BUNDLED, 0, NULL, NULL);
    if (!session)
        return 1;
    const GlanceConfig *c = glance_model_config(session->model);
    g_autofree guint8 *pixels = bench_picture(size, size * 3 / 4);
    GlanceImage image = { pixels, size, size * 3 / 4, size * 3 };
    enum { BATCH = 8 };
    GlanceImage batch[BATCH];
    for (int i = 0; i < BATCH; i++)
        batch[i] = image; /* the same picture: timing does not depend on the content */
    const char *question = "how many red circles are there in the picture?";
    g_autofree float *out = g_new0(float, MAX(c->num_answers, BATCH * c->dim) + 2);
    g_autofree float *pv = g_new(float, 3 * c->image_size * c->image_size);
    GlanceError err = { 0 };
    GlanceContext *ctx = session->ctx;
    struct {
        const char *name;
        int enabled;
    } passes[] = {
        { "preprocess", 1 },
        { "vqa", c->has_vqa },
        { "nlvr2", c->has_nlvr2 },
        { "itm", c->has_itm },
        { "embed_image", c->has_itc },
        { "embed_text", c->has_itc },
        { "embed_image_batch", c->has_itc }, /* per image, BATCH at a time */
        { "vqa_where", c->has_vqa },          /* vqa and the map of where it looked */
    };
    int grid_rows, grid_cols;
    glance_where_grid(session->model, &grid_rows, &grid_cols);
    g_autofree float *where_weights = g_new(float, grid_rows * grid_cols);
    GlanceWhereMap where = { .method = GLANCE_WHERE_DEFAULT, .weights = where_weights };
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "model");
    json_builder_add_string_value(b, glance_model_name(session->model));
    json_builder_set_member_name(b, "threads");
    json_builder_add_int_value(b, glance_model_handle_get_threads(session->handle));
    json_builder_set_member_name(b, "seconds_per_call");
    json_builder_begin_object(b);
    for (gsize i = 0; i < G_N_ELEMENTS(passes); i++) {
        if (!passes[i].enabled)
            continue;
        if (only) {
            g_auto(GStrv) wanted = g_strsplit(only, ",", -1);
            if (!g_strv_contains((const char *const *)wanted, passes[i].name))
                continue;
        }
        int calls = 0;
        double seconds = 0;
        GlanceStatus s = GLANCE_OK;
        switch (i) {
        case 0: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_preprocess_image(session->model, &image, pv, &err)); break;
        case 1: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_vqa(ctx, &image, question, out, &err)); break;
        case 2: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_nlvr2(ctx, &image, &image, question, out, &err)); break;
        case 3: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_itm(ctx, &image, question, out, &err)); break;
        case 4: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_embed_image(ctx, &image, 0, out, &err)); break;
        case 5: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_embed_text(ctx, question, 0, out, &err)); break;
        case 6:
            TIME_CALLS(min_seconds, &calls, &seconds, s = glance_embed_images(ctx, batch, BATCH, 0, out, &err));
            seconds /= BATCH;
            break;
        case 7: TIME_CALLS(min_seconds, &calls, &seconds, s = glance_vqa_where(ctx, &image, question, out, &where, &err)); break;
        }
        if (s != GLANCE_OK)
            return cli_fail("%s: %s", passes[i].name, err.message);
        json_builder_set_member_name(b, passes[i].name);
        json_builder_add_double_value(b, seconds);
        if (!cli_json)
            printf("%-17s %9.3f ms/call  (%d calls)\n", passes[i].name, seconds * 1e3, calls);
    }
    json_builder_end_object(b);
    /* Before the load timing, whose extra copies of the model would count. */
    gint64 rss = peak_rss_bytes();
    g_autoptr(GError) error = NULL;
    double load = time_model_open(glance_model_handle_get_path(session->handle), &error);
    if (load < 0)
        return cli_fail_error(g_steal_pointer(&error));
    json_builder_set_member_name(b, "load");
    json_builder_add_double_value(b, load);
    json_builder_set_member_name(b, "peak_rss_bytes");
    json_builder_add_int_value(b, rss);
    if (!cli_json)
        printf("%-17s %9.3f ms\n%-17s %9.1f MiB\n", "load", load * 1e3, "peak_rss", rss / 1048576.0);
    json_builder_end_object(b);
    if (cli_json)
        cli_print_json(b);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subjects[] = {
    { "engine", bench_engine, "per-call time of preprocessing and every task pass" },
    { "search", cli_bench_search, "top-k library search over N random vectors (cli-bench-search.c)" },
};

int cli_bench(int argc, char **argv)
{
    if (argc >= 2)
        for (gsize i = 0; i < G_N_ELEMENTS(subjects); i++)
            if (!strcmp(argv[1], subjects[i].name))
                return subjects[i].run(argc - 1, argv + 1);
    fprintf(stderr, "Usage: glance-cli bench SUBJECT [OPTIONS...]\n\nSubjects:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(subjects); i++)
        fprintf(stderr, "  %-10s %s\n", subjects[i].name, subjects[i].summary);
    return 2;
}

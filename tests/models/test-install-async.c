/* test-install-async.c — glance_model_install_async() as the Preferences page uses it,
 * against the loopback server (http-server.py): progress arrives on the main context
 * and never after the result; Cancel during the download and during the import ends
 * in G_IO_ERROR_CANCELLED within about a second, with nothing registered and the
 * download kept as NAME.pt.part; trying again finishes without downloading again
 * (catalogue size known: no request at all; unknown: one Range request answered 416).
 * Then the recommended set as "Get Recommended Models" drives it: sizes asked in a
 * thread (an unreachable server in plain words), one progress for the set with speed
 * and time left, Cancel as pause, and a second call that resumes and finishes. */
#include "glance-catalogue.h"
#include "glance-catalogue-sizes.h"
#include "glance-model-install.h"
#include "glance-model-registry.h"
#include "glance-model-set.h"
#include "glance-task-model.h"
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

static char *work_dir;       /* $GLANCE_TEST_TMP/models-async */
static char *models_dir;     /* $XDG_DATA_HOME/glance/models  */
static char *request_log;
static GSubprocess *server;
static GlanceCatalogue *catalogue;
static int server_port;
static char *www_dir;

/* ---- fixtures: checkpoints, server, catalogue ---- */

static void run_or_skip(const char *const *argv)
{
    GError *error = NULL;
    g_autoptr(GSubprocess) child = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error(error);
    g_assert_true(g_subprocess_wait(child, NULL, NULL));
    if (g_subprocess_get_if_exited(child) && g_subprocess_get_exit_status(child) == 77)
        exit(77);   /* no PyTorch: skipped */
    g_assert_true(g_subprocess_get_successful(child));
}

static void start_server(const char *www, int *port)
{
    g_autofree char *port_file = g_build_filename(work_dir, "port", NULL);
    request_log = g_build_filename(work_dir, "requests.log", NULL);
    const char *argv[] = { "/usr/bin/python3", "tests/models/http-server.py", www, port_file, request_log, NULL };
    GError *error = NULL;
    server = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    for (int i = 0; i < 200 && !g_file_get_contents(port_file, &text, NULL, NULL); i++)
        g_usleep(50 * 1000);
    g_assert_nonnull(text);
    *port = atoi(text);
}

static void write_catalogue(const char *www, int port)
{
    g_autofree char *sizes_path = g_build_filename(www, "sizes.json", NULL);
    g_autofree char *sizes = NULL;
    g_assert_true(g_file_get_contents(sizes_path, &sizes, NULL, NULL));
    /* "vqa.pt": [bytes, sha] — the first number after the key */
    gint64 vqa_size = g_ascii_strtoll(strchr(strstr(sizes, "\"vqa.pt\""), '[') + 1, NULL, 10);
    GString *json = g_string_new("{\"version\":1,\"models\":[");
    static const struct { const char *name, *path; gboolean sized; } entries[] = {
        { "async-ok", "/files/vqa.pt", TRUE },
        { "async-slow", "/slow/vqa.pt", TRUE },
        { "async-import-sized", "/files/vqa.pt", TRUE },
        { "async-import-unsized", "/files/vqa.pt", FALSE },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(entries); i++) {
        g_autofree char *size = entries[i].sized ? g_strdup_printf("%" G_GINT64_FORMAT, vqa_size) : g_strdup("null");
        g_string_append_printf(json,
            "%s{\"name\":\"%s\",\"title\":\"t\",\"family\":\"base\",\"tasks\":[\"vqa\"],\"image_size\":32,"
            "\"url\":\"http://127.0.0.1:%d%s\",\"size\":%s,\"sha256\":null,\"vocab\":\"bert-base-uncased\","
            "\"answers\":\"vqav2-3129\",\"heads\":2,\"published\":{}}",
            i ? "," : "", entries[i].name, port, entries[i].path, size);
    }
    g_string_append(json, "]}");
    g_autofree char *path = g_build_filename(work_dir, "catalogue.json", NULL);
    g_assert_true(g_file_set_contents(path, json->str, -1, NULL));
    g_string_free(json, TRUE);
    GError *error = NULL;
    catalogue = glance_catalogue_load(path, &error);
    g_assert_no_error(error);
}

static guint requests_for(const char *path)
{
    g_autofree char *log = NULL;
    g_file_get_contents(request_log, &log, NULL, NULL);
    g_autofree char *needle = g_strdup_printf("\"path\": \"%s\"", path);
    guint n = 0;
    for (const char *p = log; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static gboolean is_registered(const char *name)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
    return registry && glance_model_registry_find(registry, name) != NULL;
}

static guint64 file_size(const char *name, const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);
    g_autofree char *path = g_build_filename(models_dir, file, NULL);
    struct stat st;
    return g_stat(path, &st) == 0 ? (guint64)st.st_size : 0;
}

/* ---- one async install, driven like a GUI would ---- */

/* Let late progress deliveries (if any were wrongly queued) run, so that a check after
 * this sees them. */
static void drain_late_deliveries(void)
{
    for (int i = 0; i < 20; i++) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(10 * 1000);
    }
}

typedef enum { CANCEL_NEVER, CANCEL_IN_DOWNLOAD, CANCEL_IN_IMPORT } CancelWhen;

typedef struct {
    GMainLoop *loop;
    GCancellable *cancellable;
    CancelWhen cancel_when;
    GThread *main_thread;
    guint download_reports, import_reports;
    guint64 last_bytes, total_seen;
    gboolean finished, progress_after_finish, progress_data_freed;
    gint64 cancelled_at;
    GlanceInstalledModel *model;
    GError *error;
} Run;

static void on_progress(const GlanceInstallProgress *p, gpointer data)
{
    Run *run = data;
    g_assert_true(g_thread_self() == run->main_thread);   /* delivered on the main context */
    if (run->finished)
        run->progress_after_finish = TRUE;
    if (p->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        g_assert_cmpuint(run->import_reports, ==, 0);       /* stages come in order */
        g_assert_cmpuint(p->bytes_done, >=, run->last_bytes);
        run->last_bytes = p->bytes_done;
        run->total_seen = MAX(run->total_seen, p->bytes_total);
        run->download_reports++;
        if (run->cancel_when == CANCEL_IN_DOWNLOAD && p->bytes_done > 0 && !run->cancelled_at) {
            run->cancelled_at = g_get_monotonic_time();
            g_cancellable_cancel(run->cancellable);
        }
    } else {
        g_assert_true(p->fraction >= 0.0 && p->fraction <= 1.0);
        run->import_reports++;
        if (run->cancel_when == CANCEL_IN_IMPORT && !run->cancelled_at) {
            run->cancelled_at = g_get_monotonic_time();
            g_cancellable_cancel(run->cancellable);
        }
    }
}

static void on_progress_data_freed(gpointer data)
{
    ((Run *)data)->progress_data_freed = TRUE;
}

static void on_done(GObject *source, GAsyncResult *result, gpointer data)
{
    Run *run = data;
    (void)source;
    run->model = glance_model_install_finish(result, &run->error);
    run->finished = TRUE;
    g_main_loop_quit(run->loop);
}

static void install(Run *run, const char *name, CancelWhen cancel_when)
{
    memset(run, 0, sizeof *run);
    run->loop = g_main_loop_new(NULL, FALSE);
    run->cancellable = g_cancellable_new();
    run->cancel_when = cancel_when;
    run->main_thread = g_thread_self();
    const GlanceCatalogueEntry *entry = glance_catalogue_find(catalogue, name, NULL);
    g_assert_nonnull(entry);
    glance_model_install_async(entry, GLANCE_IMPORT_DTYPE_F32, on_progress, run, on_progress_data_freed,
                               run->cancellable, on_done, run);
    g_main_loop_run(run->loop);
    drain_late_deliveries();
    g_assert_false(run->progress_after_finish);
    g_assert_true(run->progress_data_freed);
    g_main_loop_unref(run->loop);
    g_object_unref(run->cancellable);
}

static void run_clear(Run *run)
{
    glance_installed_model_free(run->model);
    g_clear_error(&run->error);
}

static void test_install_with_progress(void)
{
    Run run;
    install(&run, "async-ok", CANCEL_NEVER);
    g_assert_no_error(run.error);
    g_assert_cmpstr(run.model->name, ==, "async-ok");
    g_assert_cmpstr(run.model->default_for[0], ==, "vqa");
    g_assert_cmpuint(run.download_reports, >, 0);
    g_assert_cmpuint(run.import_reports, >, 0);
    g_assert_cmpuint(run.total_seen, ==, run.model->size);
    g_assert_true(is_registered("async-ok"));
    g_assert_cmpuint(file_size("async-ok", ".safetensors"), ==, run.model->file_size);
    g_assert_cmpuint(file_size("async-ok", ".pt"), ==, 0);
    run_clear(&run);
}

static void test_cancel_during_download(void)
{
    Run run;
    install(&run, "async-slow", CANCEL_IN_DOWNLOAD);
    g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_nonnull(strstr(run.error->message, "resumes"));
    gint64 reaction_ms = (g_get_monotonic_time() - run.cancelled_at) / 1000;
    g_assert_cmpint(reaction_ms, <, 2500);
    g_assert_null(run.model);
    g_assert_false(is_registered("async-slow"));
    g_assert_cmpuint(file_size("async-slow", ".pt.part"), >, 0);
    g_assert_cmpuint(file_size("async-slow", ".safetensors"), ==, 0);
    run_clear(&run);
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
    g_assert_true(glance_model_registry_remove(registry, "async-slow", NULL));   /* drops the .part */
    g_assert_cmpuint(file_size("async-slow", ".pt.part"), ==, 0);
}

/* Cancel (not Pause) of "Get Recommended Models": the .part goes, but never from under an
 * install that holds NAME's lock (here this test holds it, as a running install would). */
static void test_discard_partial(void)
{
    Run run;
    install(&run, "async-slow", CANCEL_IN_DOWNLOAD);
    g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    run_clear(&run);
    guint64 kept = file_size("async-slow", ".pt.part");
    g_assert_cmpuint(kept, >, 0);

    g_autofree char *lock_path = g_build_filename(models_dir, ".async-slow.installing", NULL);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    g_assert_cmpint(lock, >=, 0);
    g_assert_cmpint(flock(lock, LOCK_EX | LOCK_NB), ==, 0);
    GError *error = NULL;
    g_assert_false(glance_model_install_discard_partial(NULL, "async-slow", &error));
    g_assert_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_BUSY);
    g_clear_error(&error);
    g_assert_cmpuint(file_size("async-slow", ".pt.part"), ==, kept);
    g_unlink(lock_path);
    close(lock);

    g_assert_true(glance_model_install_discard_partial(NULL, "async-slow", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(file_size("async-slow", ".pt.part"), ==, 0);
    g_assert_cmpuint(glance_model_install_partial_size(NULL, "async-slow"), ==, 0);
    g_assert_true(glance_model_install_discard_partial(NULL, "async-slow", &error));   /* none: nothing to do */
    g_assert_no_error(error);
    g_assert_false(is_registered("async-slow"));
}

/* The blocking API, cancelling from its own progress callback: the import is then
 * surely still running (through the async API it may finish before Cancel lands). */
static void cancel_on_import(const GlanceInstallProgress *p, gpointer data)
{
    if (p->stage == GLANCE_INSTALL_STAGE_IMPORT)
        g_cancellable_cancel(data);
}

/* Cancelled while importing: the complete download waits as the .part; the next
 * try imports it without downloading (size known) or after one 416 (unknown). */
static void cancel_import_then_retry(const char *name, guint extra_requests)
{
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    GlanceInstallOptions opts;
    glance_install_options_init(&opts);
    opts.progress = cancel_on_import;
    opts.progress_data = cancellable;
    GError *error = NULL;
    GlanceInstalledModel *model = glance_model_install(glance_catalogue_find(catalogue, name, NULL), &opts,
                                                       cancellable, &error);
    g_assert_null(model);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_nonnull(strstr(error->message, "resumes"));
    g_clear_error(&error);
    g_assert_false(is_registered(name));
    guint64 kept = file_size(name, ".pt.part");
    g_assert_cmpuint(kept, >, 1000000);
    g_assert_cmpuint(file_size(name, ".pt"), ==, 0);
    g_assert_cmpuint(file_size(name, ".safetensors"), ==, 0);

    Run run;

    guint before = requests_for("/files/vqa.pt");
    install(&run, name, CANCEL_NEVER);
    g_assert_no_error(run.error);
    g_assert_cmpuint(run.model->size, ==, kept);
    g_assert_true(is_registered(name));
    g_assert_cmpuint(file_size(name, ".pt.part"), ==, 0);
    g_assert_cmpuint(requests_for("/files/vqa.pt") - before, ==, extra_requests);
    run_clear(&run);
}

static void test_cancel_during_import_sized(void)
{
    cancel_import_then_retry("async-import-sized", 0);
}

static void test_cancel_during_import_unsized(void)
{
    cancel_import_then_retry("async-import-unsized", 1);
    g_autofree char *log = NULL;
    g_assert_true(g_file_get_contents(request_log, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, "\"range\": \"bytes="));
}

/* ---- the recommended set ---- */

static gint64 size_in_sizes_json(const char *file)
{
    g_autofree char *path = g_build_filename(www_dir, "sizes.json", NULL);
    g_autofree char *sizes = NULL;
    g_assert_true(g_file_get_contents(path, &sizes, NULL, NULL));
    g_autofree char *key = g_strdup_printf("\"%s\"", file);
    return g_ascii_strtoll(strchr(strstr(sizes, key), '[') + 1, NULL, 10);
}

/* set-vqa (recommended for vqa) at vqa_path, set-retrieval (retrieval), and an entry on
 * a port nobody listens on. Returns the catalogue, loaded from its file. */
static GlanceCatalogue *write_set_catalogue(const char *vqa_path, int closed_port)
{
    g_autofree char *json = g_strdup_printf(
        "{\"version\":1,\"models\":["
        "{\"name\":\"set-vqa\",\"title\":\"t\",\"family\":\"base\",\"tasks\":[\"vqa\"],\"image_size\":32,"
        "\"url\":\"http://127.0.0.1:%d%s\",\"size\":null,\"sha256\":null,\"vocab\":\"bert-base-uncased\","
        "\"answers\":\"vqav2-3129\",\"heads\":2,\"recommended_for\":[\"vqa\"],\"scope\":\"everyday photos\"},"
        "{\"name\":\"set-retrieval\",\"title\":\"t\",\"family\":\"base\",\"tasks\":[\"retrieval\"],"
        "\"image_size\":32,\"url\":\"http://127.0.0.1:%d/files/retrieval.pt\",\"size\":null,\"sha256\":null,"
        "\"vocab\":\"bert-base-uncased\",\"answers\":null,\"heads\":2,\"recommended_for\":[\"retrieval\"]},"
        "{\"name\":\"set-offline\",\"title\":\"t\",\"family\":\"base\",\"tasks\":[\"nlvr2\"],\"image_size\":32,"
        "\"url\":\"http://127.0.0.1:%d/nlvr2.pt\",\"size\":null,\"sha256\":null,\"vocab\":\"bert-base-uncased\","
        "\"answers\":null,\"heads\":2}]}",
        server_port, vqa_path, server_port, closed_port);
    g_autofree char *path = g_build_filename(work_dir, "set-catalogue.json", NULL);
    g_assert_true(g_file_set_contents(path, json, -1, NULL));
    GError *error = NULL;
    GlanceCatalogue *set = glance_catalogue_load(path, &error);
    g_assert_no_error(error);
    return set;
}

static int closed_port(void)
{
    g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
    g_assert_true(g_socket_bind(socket, any, TRUE, NULL));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(socket, NULL);
    int port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_socket_close(socket, NULL);
    return port;
}

typedef struct {
    GMainLoop *loop;
    GThread *main_thread;
    GlanceCatalogueSizes *sizes;
    GPtrArray *installed;
    GError *error;
    gboolean finished, progress_after_finish, cancel_when_measured;
    GCancellable *cancellable;
    guint reports, max_index, n_models;
    guint64 last_done, total;
    double speed, seconds_left;
} SetRun;

static void on_sizes(GObject *source, GAsyncResult *result, gpointer data)
{
    SetRun *run = data;
    (void)source;
    run->sizes = glance_catalogue_sizes_fetch_finish(result, &run->error);
    g_main_loop_quit(run->loop);
}

static void test_set_sizes_async(void)
{
    g_autoptr(GlanceCatalogue) set = write_set_catalogue("/files/vqa.pt", closed_port());
    SetRun run = { 0 };
    run.loop = g_main_loop_new(NULL, FALSE);
    glance_catalogue_sizes_fetch_async(set, NULL, on_sizes, &run);
    g_main_loop_run(run.loop);
    g_main_loop_unref(run.loop);
    g_assert_no_error(run.error);
    const GError *why = NULL;
    g_assert_cmpuint(glance_catalogue_sizes_get(run.sizes, "set-vqa", &why), ==, size_in_sizes_json("vqa.pt"));
    g_assert_null(why);
    g_assert_cmpuint(glance_catalogue_sizes_get(run.sizes, "set-retrieval", NULL), ==,
                     size_in_sizes_json("retrieval.pt"));
    g_assert_cmpuint(glance_catalogue_sizes_get(run.sizes, "set-offline", &why), ==, 0);
    g_assert_error(why, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE);
    g_assert_cmpstr(why->message, ==, "Can't reach the download server — check your connection");
    glance_catalogue_sizes_free(run.sizes);
    /* Without the network, only what was cached: the two answers. */
    g_autoptr(GlanceCatalogueSizes) cached = glance_catalogue_sizes_cached(set, NULL);
    g_assert_cmpuint(glance_catalogue_sizes_get(cached, "set-vqa", NULL), ==, size_in_sizes_json("vqa.pt"));
    g_assert_cmpuint(glance_catalogue_sizes_get(cached, "set-offline", &why), ==, 0);
    g_assert_null(why);
}

static void on_set_progress(const GlanceSetProgress *p, gpointer data)
{
    SetRun *run = data;
    g_assert_true(g_thread_self() == run->main_thread);
    if (run->finished)
        run->progress_after_finish = TRUE;
    g_assert_cmpuint(p->index, <, p->n_models);
    if (p->stage == GLANCE_INSTALL_STAGE_DOWNLOAD) {
        g_assert_cmpuint(p->bytes_done, >=, run->last_done);
        run->last_done = p->bytes_done;
    }
    run->reports++;
    run->max_index = MAX(run->max_index, p->index);
    run->n_models = p->n_models;
    run->total = p->bytes_total;
    if (p->bytes_per_second > 0) {
        run->speed = p->bytes_per_second;
        run->seconds_left = p->seconds_left;
        if (run->cancel_when_measured && !g_cancellable_is_cancelled(run->cancellable))
            g_cancellable_cancel(run->cancellable);   /* "Pause" */
    }
}

static void on_set_done(GObject *source, GAsyncResult *result, gpointer data)
{
    SetRun *run = data;
    (void)source;
    run->installed = glance_model_install_recommended_finish(result, &run->error);
    run->finished = TRUE;
    g_main_loop_quit(run->loop);
}

static void install_set(SetRun *run, const GlanceCatalogue *set, gboolean pause)
{
    memset(run, 0, sizeof *run);
    run->loop = g_main_loop_new(NULL, FALSE);
    run->main_thread = g_thread_self();
    run->cancellable = g_cancellable_new();
    run->cancel_when_measured = pause;
    run->seconds_left = -2;
    glance_model_install_recommended_async(set, GLANCE_IMPORT_DTYPE_F32, on_set_progress, run, NULL, run->cancellable,
                                           on_set_done, run);
    g_main_loop_run(run->loop);
    drain_late_deliveries();
    g_assert_false(run->progress_after_finish);
    g_main_loop_unref(run->loop);
    g_object_unref(run->cancellable);
}

static void test_set_pause_and_resume(void)
{
    /* set-vqa from the slow path: speed and time left are measured, then "Pause". */
    g_autoptr(GlanceCatalogue) slow = write_set_catalogue("/slow/vqa.pt", closed_port());
    SetRun run;
    install_set(&run, slow, TRUE);
    g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null(run.installed);
    g_assert_cmpuint(run.n_models, ==, 2);
    g_assert_cmpuint(run.total, ==, size_in_sizes_json("vqa.pt") + size_in_sizes_json("retrieval.pt"));
    g_assert_cmpfloat(run.speed, >, 0);
    g_assert_cmpfloat(run.seconds_left, >, 0);
    g_assert_false(is_registered("set-vqa"));
    guint64 kept = file_size("set-vqa", ".pt.part");
    g_assert_cmpuint(kept, >, 0);
    g_clear_error(&run.error);

    /* Resume (from a fast path for the rest): a Range request, the set installed. */
    g_autoptr(GlanceCatalogue) fast = write_set_catalogue("/files/vqa.pt", closed_port());
    install_set(&run, fast, FALSE);
    g_assert_no_error(run.error);
    g_assert_cmpuint(run.installed->len, ==, 2);
    g_assert_cmpuint(run.max_index, ==, 1);
    g_autofree char *range = g_strdup_printf("\"path\": \"/files/vqa.pt\", \"range\": \"bytes=%" G_GUINT64_FORMAT "-\"",
                                             kept);
    g_autofree char *log = NULL;
    g_file_get_contents(request_log, &log, NULL, NULL);
    g_assert_nonnull(strstr(log, range));
    /* vqa kept the model installed earlier in this test (async-ok); retrieval took set-retrieval. */
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
    g_assert_cmpstr(glance_task_model_default_name(registry, GLANCE_MODEL_TASK_VQA), ==, "async-ok");
    g_assert_cmpstr(glance_task_model_default_name(registry, GLANCE_MODEL_TASK_RETRIEVAL), ==, "set-retrieval");
    g_auto(GStrv) could = glance_task_model_could_switch(registry, "set-vqa");
    g_assert_cmpstr(could[0], ==, "vqa");
    g_ptr_array_unref(run.installed);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    work_dir = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "models-async", NULL);
    g_autofree char *command = g_strdup_printf("rm -rf '%s'", work_dir);
    g_assert_true(g_spawn_command_line_sync(command, NULL, NULL, NULL, NULL));
    g_autofree char *www = g_build_filename(work_dir, "www", NULL);
    g_autofree char *xdg = g_build_filename(work_dir, "xdg", NULL);
    g_mkdir_with_parents(www, 0755);
    /* Before anything asks GLib for the user data dir: installs stay in the build dir. */
    g_setenv("XDG_DATA_HOME", xdg, TRUE);
    g_setenv("GLANCE_DOWNLOAD_STALL_TIMEOUT", "5", TRUE);
    g_unsetenv("http_proxy");
    g_unsetenv("all_proxy");
    g_unsetenv("ALL_PROXY");
    models_dir = glance_models_dir();

    const char *generate[] = { "/usr/bin/python3", "tests/models/make-checkpoints.py", www, NULL };
    run_or_skip(generate);
    int port = 0;
    start_server(www, &port);
    write_catalogue(www, port);
    server_port = port;
    www_dir = www;

    g_test_add_func("/models/install/progress", test_install_with_progress);
    g_test_add_func("/models/install/cancel-download", test_cancel_during_download);
    g_test_add_func("/models/install/discard-partial", test_discard_partial);
    g_test_add_func("/models/install/cancel-import-sized", test_cancel_during_import_sized);
    g_test_add_func("/models/install/cancel-import-unsized", test_cancel_during_import_unsized);
    g_test_add_func("/models/set/sizes-async", test_set_sizes_async);
    g_test_add_func("/models/set/pause-and-resume", test_set_pause_and_resume);
    int status = g_test_run();

    g_subprocess_force_exit(server);
    g_subprocess_wait(server, NULL, NULL);
    g_object_unref(server);
    glance_catalogue_free(catalogue);
    g_free(models_dir);
    g_free(request_log);
    g_free(work_dir);
    return status;
}

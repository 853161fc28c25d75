/* test-model-handle.c — app/glance-model-handle: one context per thread, kept between
 * calls; the file replaced on disk is mapped again on the next request, while a thread's
 * earlier context keeps working on the weights it had; the thread count; clear errors
 * for files that are not models. Two real models: the golden one and the bundled one. */
#include "check.h"
#include "glance-model-handle.h"
#include <glib/gstdio.h>
#include <string.h>

#define TEXT "two small blue squares"

typedef struct {
    GlanceModelHandle *handle;
    GAsyncQueue *requests;   /* of GINT_TO_POINTER: 1 ask the handle, 2 reuse the context, 3 quit */
    GAsyncQueue *replies;    /* of Reply */
    GlanceContext *ctx;      /* the worker's last context */
} Worker;

typedef struct {
    GlanceContext *ctx;
    char *model_name;
    float *vector;
    int dim;
} Reply;

static void reply_free(Reply *r)
{
    g_free(r->model_name);
    g_free(r->vector);
    g_free(r);
}

static Reply *embed(GlanceContext *ctx)
{
    Reply *r = g_new0(Reply, 1);
    r->ctx = ctx;
    if (!ctx)
        return r;
    GlanceModel *model = glance_context_model(ctx);
    r->model_name = g_strdup(glance_model_name(model));
    r->dim = glance_model_embed_dim(model);
    r->vector = g_new0(float, r->dim);
    GlanceError err = { 0 };
    if (glance_embed_text(ctx, TEXT, 0, r->vector, &err) != GLANCE_OK)
        g_clear_pointer(&r->vector, g_free);
    return r;
}

/* A thread that lives across the file's replacement: asks the handle (1) or keeps using
 * the context it had (2). */
static gpointer worker_main(gpointer data)
{
    Worker *w = data;
    for (;;) {
        int request = GPOINTER_TO_INT(g_async_queue_pop(w->requests));
        if (request == 3)
            return NULL;
        if (request == 1)
            w->ctx = glance_model_handle_get_context(w->handle, NULL);
        g_async_queue_push(w->replies, embed(w->ctx));
    }
}

static Reply *ask_worker(Worker *w, int request)
{
    g_async_queue_push(w->requests, GINT_TO_POINTER(request));
    return g_async_queue_pop(w->replies);
}

static gboolean same_vector(const Reply *a, const Reply *b)
{
    return a->vector && b->vector && a->dim == b->dim && memcmp(a->vector, b->vector, a->dim * sizeof(float)) == 0;
}

/* Writes src's bytes to a new file and renames it over dst: a new inode, as installs do. */
static gboolean replace_file(const char *src, const char *dst)
{
    g_autofree char *contents = NULL;
    gsize len;
    g_autofree char *tmp = g_strconcat(dst, ".new", NULL);
    return g_file_get_contents(src, &contents, &len, NULL) && g_file_set_contents(tmp, contents, len, NULL) &&
           g_rename(tmp, dst) == 0;
}

int main(void)
{
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    const char *tmp_root = g_getenv("GLANCE_TEST_TMP");
    if (!golden || !tmp_root) {
        fprintf(stderr, "run through meson test\n");
        return 1;
    }
    g_autofree char *bundled = g_build_filename("data", "models", "glance-shapeworld.safetensors", NULL);
    g_autofree char *dir = g_build_filename(tmp_root, "model-handle", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *path = g_build_filename(dir, "model.safetensors", NULL);
    CHECK(replace_file(golden, path), "copy the golden model");

    GError *error = NULL;
    GlanceModelHandle *handle = glance_model_handle_open(path, &error);
    CHECK(handle != NULL, "open: %s", error ? error->message : "");
    if (!handle)
        return check_summary("model-handle");
    CHECK(!glance_model_handle_is_stale(handle), "a fresh handle is not stale");
    CHECK(g_str_equal(glance_model_name(glance_model_handle_get_model(handle)), "vlmo-ref-a"), "the golden model");

    /* Threads. */
    CHECK(glance_model_handle_get_threads(handle) == 0, "0 (all cores) by default");
    glance_model_handle_set_threads(handle, 1);
    CHECK(glance_model_handle_get_threads(handle) == 1, "set_threads(1)");
    glance_model_handle_set_threads(handle, -3);
    CHECK(glance_model_handle_get_threads(handle) == 0, "a negative count means all cores");
    glance_model_handle_set_threads(handle, 1);

    /* One context per thread, the same one each time a thread asks. */
    GlanceContext *main_ctx = glance_model_handle_get_context(handle, &error);
    CHECK(main_ctx != NULL, "context: %s", error ? error->message : "");
    CHECK(glance_model_handle_get_context(handle, NULL) == main_ctx, "the same context for the same thread");
    Worker w = { handle, g_async_queue_new(), g_async_queue_new_full((GDestroyNotify)reply_free), NULL };
    GThread *thread = g_thread_new("worker", worker_main, &w);
    Reply *before = ask_worker(&w, 1);
    Reply *main_before = embed(main_ctx);
    CHECK(before->ctx && before->ctx != main_ctx, "another thread gets its own context");
    CHECK(before->ctx && glance_context_model(before->ctx) == glance_context_model(main_ctx),
          "both contexts run the one mapped model");
    CHECK(same_vector(before, main_before), "both contexts compute the same vector");
    Reply *again = ask_worker(&w, 1);
    CHECK(again->ctx == before->ctx, "the worker gets its context back");
    reply_free(again);

    /* The file is replaced by another model. */
    g_usleep(10000);
    CHECK(replace_file(bundled, path), "replace the file with the bundled model");
    CHECK(glance_model_handle_is_stale(handle), "a replaced file makes the handle stale");
    GlanceContext *main_after = glance_model_handle_get_context(handle, &error);
    CHECK(main_after && main_after != main_ctx, "a new context after the file changed");
    CHECK(main_after && g_str_equal(glance_model_name(glance_context_model(main_after)), "glance-shapeworld"),
          "it runs the new model: %s", main_after ? glance_model_name(glance_context_model(main_after)) : "none");
    CHECK(!glance_model_handle_is_stale(handle), "not stale once mapped again");
    CHECK(g_str_equal(glance_model_name(glance_model_handle_get_model(handle)), "glance-shapeworld"),
          "get_model gives the new model");
    Reply *old_ctx = ask_worker(&w, 2);
    CHECK(same_vector(old_ctx, before) && g_str_equal(old_ctx->model_name, "vlmo-ref-a"),
          "the worker's earlier context still runs the old weights");
    Reply *after = ask_worker(&w, 1);
    CHECK(after->ctx != before->ctx && after->model_name && g_str_equal(after->model_name, "glance-shapeworld"),
          "when the worker asks again it gets the new model");
    Reply *main_new = embed(main_after);
    CHECK(same_vector(after, main_new), "the new contexts agree");
    CHECK(!same_vector(after, before), "the new model computes another vector");
    reply_free(old_ctx);
    reply_free(after);
    reply_free(main_new);
    reply_free(before);
    reply_free(main_before);
    g_async_queue_push(w.requests, GINT_TO_POINTER(3));
    g_thread_join(thread);

    /* A file that is gone is an error; the handle keeps what it mapped. */
    g_unlink(path);
    g_clear_error(&error);
    CHECK(glance_model_handle_get_context(handle, &error) == NULL &&
          g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND), "a removed file: %s",
          error ? error->message : "no error");
    CHECK(glance_model_handle_is_stale(handle), "a removed file is stale");
    glance_model_handle_unref(handle);
    g_async_queue_unref(w.requests);
    g_async_queue_unref(w.replies);

    /* Files that are not models. */
    g_autofree char *text = g_build_filename(dir, "notes.safetensors", NULL);
    g_file_set_contents(text, "these are notes, not weights", -1, NULL);
    g_clear_error(&error);
    CHECK(!glance_model_handle_open(text, &error) && error && strstr(error->message, "not a Glance model file") &&
          strstr(error->message, "notes.safetensors"), "text: %s", error ? error->message : "opened");
    g_clear_error(&error);
    CHECK(!glance_model_handle_open(dir, &error) && error && g_error_matches(error, GLANCE_ENGINE_ERROR, GLANCE_ERR_IO),
          "a folder: %s", error ? error->message : "opened");
    g_clear_error(&error);
    g_autofree char *missing = g_build_filename(dir, "missing.safetensors", NULL);
    CHECK(!glance_model_handle_open(missing, &error) && error, "a missing file fails");
    g_clear_error(&error);
    return check_summary("model-handle");
}

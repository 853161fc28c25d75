/* test-curl-on-demand.c — libcurl is loaded only when a download or a URL check needs it:
 * a process that opens a model and answers a question has not mapped it (nor its TLS
 * chain), the first URL check maps it, and a missing library is a clear error. */
#include "check.h"
#include "glance-curl.h"
#include "glance-download.h"
#include "glance-image.h"
#include "glance-model-handle.h"
#include "glance-models-error.h"
#include "glance-tasks.h"
#include <string.h>

/* Whether a shared object whose name starts with `prefix` is mapped into this process. */
static gboolean library_mapped(const char *prefix)
{
    g_autofree char *maps = NULL;
    if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(maps, "\n", -1);
    for (char **line = lines; *line; line++) {
        const char *name = strrchr(*line, '/');
        if (name && g_str_has_prefix(name + 1, prefix))
            return TRUE;
    }
    return FALSE;
}

int main(void)
{
    GError *error = NULL;
    CHECK(!library_mapped("libcurl"), "libcurl is mapped before anything ran (linked, not loaded on demand)");

    /* What `glance-cli ask` does: open the bundled model, decode a photo, one VQA pass. */
    g_autofree char *model = g_build_filename("data", "models", "glance-shapeworld.safetensors", NULL);
    GlanceModelHandle *handle = glance_model_handle_open(model, &error);
    CHECK(handle != NULL, "open %s: %s", model, error ? error->message : "");
    g_autofree char *photo = g_build_filename("tests", "fixtures", "photos", "lomiri-bark.jpg", NULL);
    g_autoptr(GlanceDecodedImage) image = glance_image_load(photo, 0, &error);
    CHECK(image != NULL, "decode %s: %s", photo, error ? error->message : "");
    if (handle && image) {
        GlanceContext *ctx = glance_model_handle_get_context(handle, &error);
        CHECK(ctx != NULL, "context: %s", error ? error->message : "");
        g_autoptr(GArray) answers = ctx ? glance_task_ask(ctx, &image->image, "what color is it?", 3, NULL, &error)
                                        : NULL;
        CHECK(answers && answers->len == 3, "ask: %s", error ? error->message : "no answers");
    }
    g_clear_error(&error);
    CHECK(!library_mapped("libcurl"), "a model pass mapped libcurl");
    CHECK(!library_mapped("libgnutls") && !library_mapped("libssl") && !library_mapped("libkrb5"),
          "a model pass mapped libcurl's TLS or Kerberos libraries");

    /* The first URL check loads it (and the check above can see it). */
    CHECK(glance_download_url_is_allowed("https://example.org/model.safetensors", &error), "https refused: %s",
          error ? error->message : "");
    g_clear_error(&error);
    CHECK(library_mapped("libcurl"), "a URL check ran without libcurl mapped");
    CHECK(!glance_download_url_is_allowed("http://example.org/model.safetensors", NULL), "plain http allowed");
    CHECK(glance_curl_load(NULL) == glance_curl_load(NULL), "libcurl is loaded once");

    /* A libcurl that is not installed: an error that says what downloads need. */
    const char *const missing[] = { "libcurl-not-installed.so.9", NULL };
    GlanceCurl table = { 0 };
    CHECK(!glance_curl_load_from(missing, &table, &error), "a missing library loaded");
    CHECK(g_error_matches(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK) &&
              strstr(error->message, "downloads need libcurl") && strstr(error->message, "libcurl-not-installed"),
          "the error: %s", error ? error->message : "none");
    CHECK(!table.easy_init, "a failed load filled the table");
    g_clear_error(&error);
    /* The real library, found by its second name too when the first is missing. */
    const char *const fallback[] = { "libcurl-not-installed.so.9", "libcurl.so.4", NULL };
    CHECK(glance_curl_load_from(fallback, &table, &error) && table.easy_init && table.url_get,
          "libcurl.so.4 after a missing name: %s", error ? error->message : "");
    g_clear_error(&error);

    if (handle)
        glance_model_handle_unref(handle);
    return check_summary("curl-on-demand");
}

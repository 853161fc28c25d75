/* test-model-file.c — hostile and broken model files: each must be refused with a
 * message that names the problem, and nothing may crash. */
#include "glance-engine.h"
#include "safetensors.h"
#include <glib.h>
#include <stdio.h>
#include <string.h>

static int failures, checks;
static char *tmpdir;
static GPtrArray *written; /* paths, freed at exit */

/* Writes an 8-byte length, the header, then data_len bytes of data. */
static char *write_file(const char *name, const char *header, long header_len_field, size_t data_len)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_ptr_array_add(written, path);
    FILE *f = fopen(path, "wb");
    g_assert_nonnull(f);
    uint64_t len = header_len_field >= 0 ? (uint64_t)header_len_field : strlen(header);
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(len >> (8 * i));
    fwrite(le, 1, 8, f);
    fwrite(header, 1, strlen(header), f);
    for (size_t i = 0; i < data_len; i++)
        fputc((int)(i * 7 + 3), f);
    fclose(f);
    return path;
}

/* The message after the "PATH: " it may start with: a needle must not match the file's name. */
static const char *reason_of(const char *message, const char *path)
{
    return g_str_has_prefix(message, path) ? message + strlen(path) : message;
}

/* Opens the file as a model and expects failure with `needle` in the message (not in the
 * file's name). */
static void expect_refused(const char *what, const char *path, const char *needle)
{
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    GlanceStatus s = glance_model_open(path, &model, &err);
    checks++;
    if (s == GLANCE_OK || model) {
        fprintf(stderr, "FAIL %s: accepted\n", what);
        failures++;
        glance_model_close(model);
    } else if (!strstr(reason_of(err.message, path), needle)) {
        fprintf(stderr, "FAIL %s: message \"%s\" does not mention \"%s\"\n", what, err.message, needle);
        failures++;
    } else {
        printf("ok   %-40s %s\n", what, err.message);
    }
}

/* The JSON reader's string escapes, through a metadata value: every JSON escape, a
 * surrogate pair (outside the BMP) and a lone surrogate (U+FFFD, as Python decodes it). */
static void expect_metadata_escapes(void)
{
    const char *header = "{\"__metadata__\":{\"glance.name\":"
                         "\"a\\tb\\nc\\rd\\\"e\\\\f\\/g\\bh\\fi caf\\u00e9 \\ud83d\\ude00 \\ud800!\"}}";
    const char *want = "a\tb\nc\rd\"e\\f/g\bh\fi caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd!";
    StFile *file = NULL;
    GlanceError err = { 0 };
    checks++;
    if (glance_st_open(write_file("escapes", header, -1, 0), &file, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL metadata escapes: refused: %s\n", err.message);
        failures++;
        return;
    }
    const char *name = glance_st_metadata(file, "glance.name");
    if (!name || strcmp(name, want) != 0) {
        g_autofree char *shown = name ? g_strescape(name, NULL) : NULL;
        fprintf(stderr, "FAIL metadata escapes: read \"%s\"\n", shown ? shown : "(nothing)");
        failures++;
    } else {
        printf("ok   %-40s\n", "metadata string escapes");
    }
    glance_st_close(file);
}

#define TENSOR(name, dtype, shape, a, b) "\"" name "\":{\"dtype\":\"" dtype "\",\"shape\":" shape ",\"data_offsets\":[" #a "," #b "]}"

int main(void)
{
    const char *base = g_getenv("GLANCE_TEST_TMP");
    tmpdir = g_build_filename(base ? base : g_get_tmp_dir(), "model-file", NULL);
    g_mkdir_with_parents(tmpdir, 0755);
    written = g_ptr_array_new_with_free_func(g_free);

    expect_refused("missing file", "/nonexistent/glance/model.safetensors", "No such file");
    expect_refused("a directory", tmpdir, "not a regular file");
    g_autofree char *empty = g_build_filename(tmpdir, "empty", NULL);
    g_file_set_contents(empty, "", 0, NULL);
    expect_refused("empty file", empty, "too short");
    expect_refused("zero-length header", write_file("zero-header", "", 0, 0), "not valid JSON");
    expect_refused("header length past the end", write_file("past-end", "{}", 1 << 20, 0), "past the end");
    expect_refused("header length 2^63", write_file("huge-len", "{}", INT64_MAX, 0), "past the end");
    /* the length field counts 4 bytes more than the file holds after it */
    expect_refused("header length 4 bytes past the end", write_file("past-end-4", "{}", 6, 0), "past the end");
    expect_refused("header not JSON", write_file("not-json", "{\"a\":", -1, 0), "not valid JSON");
    expect_refused("header not an object", write_file("array", "[1,2]", -1, 0), "not a JSON object");
    expect_refused("deep nesting", write_file("deep", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]"
                                                        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", -1, 0),
                   "nesting");
    expect_refused("offsets past the data", write_file("offsets", "{" TENSOR("a", "F32", "[4]", 0, 16) "}", -1, 8),
                   "outside the file");
    expect_refused("bytes do not match shape", write_file("shape", "{" TENSOR("a", "F32", "[5]", 0, 16) "}", -1, 16),
                   "do not hold its shape");
    expect_refused("overlapping tensors",
                   write_file("overlap", "{" TENSOR("a", "F32", "[4]", 0, 16) "," TENSOR("b", "F32", "[4]", 8, 24) "}",
                              -1, 24),
                   "overlap");
    expect_refused("unknown dtype", write_file("dtype", "{" TENSOR("a", "Q4", "[4]", 0, 16) "}", -1, 16),
                   "unknown dtype");
    expect_refused("shape overflow",
                   write_file("overflow", "{" TENSOR("a", "F32", "[1099511627776,1099511627776]", 0, 16) "}", -1, 16),
                   "too large");
    expect_refused("negative offsets", write_file("neg", "{" TENSOR("a", "F32", "[4]", -16, 0) "}", -1, 16),
                   "outside the file");
    expect_refused("plain safetensors without Glance metadata",
                   write_file("plain", "{" TENSOR("a", "F32", "[4]", 0, 16) "}", -1, 16), "not a Glance model");
    expect_refused("future format",
                   write_file("future", "{\"__metadata__\":{\"glance.format\":\"9\",\"glance.config\":\"{}\"}}", -1, 0),
                   "unsupported glance.format");
    expect_refused("impossible config",
                   write_file("impossible", "{\"__metadata__\":{\"glance.format\":\"1\",\"glance.config\":"
                                            "\"{\\\"dim\\\":-3}\"}}", -1, 0),
                   "impossible model");
    const char *config = "{\\\"dim\\\":8,\\\"depth\\\":1,\\\"heads\\\":2,\\\"mlp_hidden\\\":16,\\\"vlffn_start\\\":1,"
                         "\\\"patch_size\\\":4,\\\"image_size\\\":8,\\\"max_text_len\\\":4,\\\"vocab_size\\\":8,"
                         "\\\"heads_present\\\":[]}";
    g_autofree char *missing = g_strdup_printf(
        "{\"__metadata__\":{\"glance.format\":\"1\",\"glance.vocab\":\"[PAD]\\n[UNK]\\n[CLS]\\n[SEP]\","
        "\"glance.config\":\"%s\"}}", config);
    expect_refused("a tensor the config needs is missing", write_file("missing", missing, -1, 0),
                   "missing tensor 'transformer.cls_token'");
    g_autofree char *contradicting = g_strdup_printf(
        "{\"__metadata__\":{\"glance.format\":\"1\",\"glance.vocab\":\"[PAD]\\n[UNK]\\n[CLS]\\n[SEP]\","
        "\"glance.config\":\"%s\"}," TENSOR("transformer.cls_token", "F32", "[1,1,8]", 0, 32) ","
        TENSOR("transformer.patch_embed.proj.weight", "F32", "[8,3,4,5]", 32, 1952) "}",
        config);
    expect_refused("tensor shape contradicts the config", write_file("contradicting", contradicting, -1, 1952),
                   "has shape [8, 3, 4, 5], the config needs [8, 3, 4, 4]");

    expect_metadata_escapes();

    printf("model files: %d checks, %d failures\n", checks, failures);
    g_free(tmpdir);
    g_ptr_array_unref(written);
    return failures ? 1 : 0;
}

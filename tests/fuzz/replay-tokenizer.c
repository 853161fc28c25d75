/* replay-tokenizer.c — runs a libFuzzer target over every file of the corpus folders
 * given as arguments, so the saved inputs are a regression test without clang.
 * Fails when a folder holds no input. (Generic; kept beside the tokenizer target
 * until the shared replay driver exists.) */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_folder(const char *folder)
{
    GError *error = NULL;
    GDir *dir = g_dir_open(folder, 0, &error);
    if (!dir) {
        fprintf(stderr, "replay: %s\n", error->message);
        g_error_free(error);
        return -1;
    }
    int replayed = 0;
    for (const char *name; (name = g_dir_read_name(dir));) {
        gchar *path = g_build_filename(folder, name, NULL);
        gchar *bytes = NULL;
        gsize len = 0;
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents(path, &bytes, &len, NULL)) {
            LLVMFuzzerTestOneInput((const uint8_t *)bytes, len);
            replayed++;
        }
        g_free(bytes);
        g_free(path);
    }
    g_dir_close(dir);
    return replayed;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        int replayed = replay_folder(argv[i]);
        if (replayed <= 0) {
            fprintf(stderr, "replay: no inputs in %s\n", argv[i]);
            return 1;
        }
        printf("%s: %d inputs replayed\n", argv[i], replayed);
        total += replayed;
    }
    return total > 0 ? 0 : 1;
}

/* replay.c — a plain main() for every libFuzzer target in this folder: runs
 * LLVMFuzzerTestOneInput over each file of the corpus folders given as arguments,
 * so saved inputs (seeds and fixed crashers) are a regression test built with the
 * project's usual compiler. Fails on an empty folder. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_folder(const char *folder)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = g_dir_open(folder, 0, &error);
    if (!dir) {
        fprintf(stderr, "replay: %s\n", error->message);
        return -1;
    }
    int replayed = 0;
    for (const char *name; (name = g_dir_read_name(dir));) {
        g_autofree char *path = g_build_filename(folder, name, NULL);
        g_autofree char *bytes = NULL;
        gsize length = 0;
        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) || name[0] == '.')
            continue;
        if (!g_file_get_contents(path, &bytes, &length, &error)) {
            fprintf(stderr, "replay: %s\n", error->message);
            return -1;
        }
        /* a private copy of exactly `length` bytes, as libFuzzer passes them */
        g_autofree uint8_t *input = g_memdup2(bytes, length ? length : 1);
        LLVMFuzzerTestOneInput(input, length);
        replayed++;
    }
    return replayed;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_FOLDER...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        int replayed = replay_folder(argv[i]);
        if (replayed <= 0) {
            fprintf(stderr, "replay: no inputs in %s\n", argv[i]);
            return 1;
        }
        printf("%s: %d inputs replayed\n", argv[i], replayed);
    }
    return 0;
}

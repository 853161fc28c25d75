/* test-image.c — decoding user images (app/glance-image.c): EXIF orientations 2-8 applied
 * exactly as Pillow's exif_transpose does, decompression bombs refused before any pixel
 * is decoded, alpha dropped as PIL's convert("RGB") does, truncated files refused. */
#include "glance-image.h"
#include "check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>


static char *dir;

static GlanceDecodedImage *load(const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    return glance_image_load(path, 0, error);
}

/* Orientations 2-8 of a lopsided image, pixel by pixel against Pillow's exif_transpose.
 * Both decode the same JPEG; a small tolerance covers decoder rounding, while any wrong
 * flip or turn moves a block of another colour (a difference of 230) into place. */
static void check_orientations(void)
{
    for (int orientation = 2; orientation <= 8; orientation++) {
        g_autofree char *name = g_strdup_printf("orient-%d.jpg", orientation);
        g_autofree char *expected_path = g_strdup_printf("%s/orient-%d.rgb", dir, orientation);
        g_autofree char *expected = NULL;
        gsize length = 0;
        int width = 0, height = 0, header = 0;
        gboolean readable = g_file_get_contents(expected_path, &expected, &length, NULL) &&
                            sscanf(expected, "%d %d\n%n", &width, &height, &header) == 2 && header > 0 &&
                            length == (gsize)header + (gsize)width * height * 3;
        CHECK(readable, "%s is readable", expected_path);
        if (!readable)
            continue;
        GError *error = NULL;
        g_autoptr(GlanceDecodedImage) image = load(name, &error);
        CHECK(image && image->image.width == width && image->image.height == height,
              "orientation %d: %d x %d like Pillow (got %d x %d: %s)", orientation, width, height,
              image ? image->image.width : 0, image ? image->image.height : 0, error ? error->message : "");
        g_clear_error(&error);
        if (!image || image->image.width != width || image->image.height != height)
            continue;
        int worst = 0;
        const guint8 *want = (const guint8 *)expected + header;
        for (gsize i = 0; i < (gsize)width * height * 3; i++)
            worst = MAX(worst, abs((int)image->pixels[i] - (int)want[i]));
        CHECK(worst <= 8, "orientation %d: pixels match Pillow's exif_transpose (max difference %d)",
              orientation, worst);
        printf("orientation %d: %d x %d, max difference from Pillow %d\n", orientation, width, height, worst);
    }
}

static long peak_kb(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

int main(void)
{
    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    dir = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "images", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *cmd = g_strdup_printf("/usr/bin/python3 tests/app/make-images.py '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "FAIL %s\n", cmd);
        return 1;
    }
    GError *error = NULL;

    g_autoptr(GlanceDecodedImage) plain = load("plain.jpg", &error);
    CHECK(plain && plain->image.width == 40 && plain->image.height == 20, "plain JPEG is 40 x 20");
    g_clear_error(&error);
    g_autoptr(GlanceDecodedImage) rotated = load("rotated.jpg", &error);
    CHECK(rotated && rotated->image.width == 20 && rotated->image.height == 40,
          "EXIF orientation 6 gives an upright 20 x 40 image (got %d x %d)", rotated ? rotated->image.width : 0,
          rotated ? rotated->image.height : 0);
    g_clear_error(&error);

    check_orientations();

    long before = peak_kb();
    gint64 start = g_get_monotonic_time();
    g_autoptr(GlanceDecodedImage) bomb = load("bomb.png", &error);
    double seconds = (g_get_monotonic_time() - start) / 1e6;
    CHECK(!bomb && error && g_error_matches(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_TOO_LARGE),
          "the 20000 x 20000 PNG is refused as too large");
    /* 20000^2 RGB would be 1.2 GB; refusing before decoding keeps the peak near where it was. */
    CHECK(peak_kb() - before < 64 * 1024, "peak memory grew by %ld KB for the bomb", peak_kb() - before);
    printf("bomb refused in %.3f s: %s\n", seconds, error ? error->message : "(accepted)");
    g_clear_error(&error);

    before = peak_kb();
    g_autoptr(GlanceDecodedImage) tiny_bomb = load("tiny-bomb.png", &error);
    CHECK(!tiny_bomb && error && g_error_matches(error, GLANCE_IMAGE_ERROR, GLANCE_IMAGE_ERROR_BOMB) &&
              strstr(error->message, "decompression bomb") && strstr(error->message, "tiny-bomb.png could not be read"),
          "a tiny PNG claiming 15000 x 15000 is refused as a decompression bomb: %s",
          error ? error->message : "(accepted)");
    CHECK(peak_kb() - before < 64 * 1024, "peak memory grew by %ld KB for the tiny bomb", peak_kb() - before);
    g_clear_error(&error);

    g_autofree char *bomb_path = g_build_filename(dir, "tiny-bomb.png", NULL);
    GlanceDecodedImage *named = glance_image_load_named(bomb_path, 0, &error);
    CHECK(!named && error && g_str_has_prefix(error->message, "tiny-bomb.png could not be read: "),
          "load_named names the file by its name: %s", error ? error->message : "(accepted)");
    glance_decoded_image_free(named);
    g_clear_error(&error);

    g_autoptr(GBytes) not_image = g_bytes_new_static("<!DOCTYPE html><html></html>", 28);
    GlanceDecodedImage *html = glance_image_from_bytes(not_image, 0, &error);
    CHECK(!html && error && !strstr(error->message, "pixbuf") && !strstr(error->message, "interpreting") &&
              strstr(error->message, "not a photo"),
          "a web page is refused in plain words: %s", error ? error->message : "(accepted)");
    glance_decoded_image_free(html);
    g_clear_error(&error);

    g_autoptr(GlanceDecodedImage) alpha = load("alpha.png", &error);
    CHECK(alpha && alpha->image.width == 8 && alpha->pixels[0] == 10 && alpha->pixels[1] == 200 &&
          alpha->pixels[2] == 30, "alpha is dropped, colour kept (PIL convert('RGB'))");
    g_clear_error(&error);

    const char *truncated[] = { "truncated.png", "truncated.jpg" };
    for (int i = 0; i < 2; i++) {
        GlanceDecodedImage *t = load(truncated[i], &error);
        CHECK(!t && error && strstr(error->message, "truncated"), "%s is refused as truncated: %s", truncated[i],
              error ? error->message : "(accepted)");
        glance_decoded_image_free(t);
        g_clear_error(&error);
    }
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    GlanceDecodedImage *none = glance_image_from_bytes(empty, 0, &error);
    CHECK(!none && error && strstr(error->message, "empty"), "empty data is refused");
    g_clear_error(&error);

    g_free(dir);
    return check_summary("image decoding");
}

/* test-resize.c — glance_resize_rgb8 against Pillow 9.4's BICUBIC Image.resize:
 * the golden images (resized pixels and normalised pixel_values, exactly), fixtures
 * made by Pillow (resize-fixtures/make-fixtures.py), row padding, and bad arguments. */
#include "glance-engine.h"
#include "npy.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_DIR "../shared/golden/vlmo-ref-a/"
#define FIXTURE_DIR "tests/engine/resize-fixtures/"
#define CANARY 0xA5
#define CANARY_BYTES 64

#include "check.h"

/* Copies a packed RGB8 image into rows `padding` bytes longer, the gap filled with
 * junk, so a resize that ignores the stride reads the junk. */
static uint8_t *with_padding(const uint8_t *packed, int width, int height, int padding)
{
    size_t row = (size_t)width * 3, stride = row + (size_t)padding;
    uint8_t *padded = malloc(stride * (size_t)height);
    memset(padded, 0x5A, stride * (size_t)height);
    for (int y = 0; y < height; y++)
        memcpy(padded + (size_t)y * stride, packed + (size_t)y * row, row);
    return padded;
}

/* Resizes into a buffer followed by a canary; returns the output (caller frees) or
 * NULL on failure or a write past the end. */
static uint8_t *resize_checked(const GlanceImage *image, int size, const char *name)
{
    size_t n = (size_t)size * size * 3;
    uint8_t *out = malloc(n + CANARY_BYTES);
    memset(out, CANARY, n + CANARY_BYTES);
    GlanceError err = { 0 };
    GlanceStatus status = glance_resize_rgb8(image, size, out, &err);
    CHECK(status == GLANCE_OK, "%s: resize failed: %s", name, err.message);
    int canary_intact = 1;
    for (size_t i = n; i < n + CANARY_BYTES; i++)
        canary_intact &= out[i] == CANARY;
    CHECK(canary_intact, "%s: wrote past the output", name);
    if (status != GLANCE_OK || !canary_intact) {
        free(out);
        return NULL;
    }
    return out;
}

static int count_differences(const uint8_t *got, const uint8_t *expected, size_t n)
{
    int differences = 0;
    for (size_t i = 0; i < n; i++)
        differences += got[i] != expected[i];
    return differences;
}

/* ---- the golden images ---- */

static const char *const golden_images[] = {
    "images/img0_100x75.png", "images/img1_64x64.png",
    "images/img2_200x120.png", "images/img3_33x47.png",
};

/* ToTensor + Normalize(0.5, 0.5), CHW, the way the README says reproduces it. */
static void normalise_chw(const uint8_t *rgb, int size, float *chw)
{
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < size * size; i++)
            chw[(size_t)c * size * size + i] = ((float)rgb[(size_t)i * 3 + c] / 255.0f - 0.5f) / 0.5f;
}

static void test_golden_image(int index)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", golden_images[index]);
    GError *error = NULL;
    GdkPixbuf *pixbuf = gdk_pixbuf_new_from_file(path, &error);
    CHECK(pixbuf != NULL, "cannot decode %s: %s", path, error ? error->message : "");
    if (!pixbuf) {
        g_clear_error(&error);
        return;
    }
    CHECK(gdk_pixbuf_get_n_channels(pixbuf) == 3 && !gdk_pixbuf_get_has_alpha(pixbuf) &&
              gdk_pixbuf_get_bits_per_sample(pixbuf) == 8,
          "%s decodes as 8-bit RGB", path);
    GlanceImage image = {
        .pixels = gdk_pixbuf_read_pixels(pixbuf),
        .width = gdk_pixbuf_get_width(pixbuf),
        .height = gdk_pixbuf_get_height(pixbuf),
        .stride = gdk_pixbuf_get_rowstride(pixbuf),
    };
    Npy resized = { 0 }, pixel_values = { 0 };
    snprintf(path, sizeof path, GOLDEN_DIR "expected/image%d_resized_uint8.npy", index);
    int loaded = npy_load(path, &resized) == 0;
    snprintf(path, sizeof path, GOLDEN_DIR "expected/image%d_pixel_values.npy", index);
    loaded = npy_load(path, &pixel_values) == 0 && loaded;
    CHECK(loaded && resized.ndim == 3 && resized.shape[0] == resized.shape[1] &&
              resized.shape[2] == 3 && pixel_values.count == resized.count,
          "golden image %d: expected arrays load", index);
    if (loaded && resized.ndim == 3) {
        int size = (int)resized.shape[0];
        size_t n = resized.count;
        uint8_t *out = resize_checked(&image, size, golden_images[index]);
        if (out) {
            int differences = count_differences(out, resized.data, n);
            CHECK(differences == 0, "golden image %d: %d of %zu samples differ", index, differences, n);
            printf("golden image %d (%dx%d -> %d): %zu of %zu samples exact\n", index, image.width,
                   image.height, size, n - (size_t)differences, n);
            float *chw = malloc(n * sizeof *chw);
            normalise_chw(out, size, chw);
            CHECK(memcmp(chw, pixel_values.data, n * sizeof *chw) == 0,
                  "golden image %d: pixel_values differ", index);
            free(chw);
            free(out);
        }
    }
    npy_free(&resized);
    npy_free(&pixel_values);
    g_object_unref(pixbuf);
}

/* ---- Pillow fixtures ---- */

static const char *const fixtures[] = {
    "upscale_5x3_to_17",      "downscale_61x41_to_5", "wide_300x2_to_3",
    "tall_2x150_to_4",        "pixel_1x1_to_4",       "pixel_2x1_to_1",
    "checker_9x9_to_20",      "checker_40x40_to_7",   "width_only_10x12_to_12",
    "height_only_12x10_to_12", "identity_6x6_to_6",
};

static void test_fixture(const char *name)
{
    char path[256];
    Npy input = { 0 }, expected = { 0 };
    snprintf(path, sizeof path, FIXTURE_DIR "%s_in.npy", name);
    int loaded = npy_load(path, &input) == 0;
    snprintf(path, sizeof path, FIXTURE_DIR "%s_out.npy", name);
    loaded = npy_load(path, &expected) == 0 && loaded;
    CHECK(loaded && input.ndim == 3 && expected.ndim == 3, "%s: fixture loads", name);
    if (loaded && input.ndim == 3 && expected.ndim == 3) {
        int width = (int)input.shape[1], height = (int)input.shape[0];
        int size = (int)expected.shape[0];
        /* Packed rows, then rows with 1 and 13 bytes of padding. */
        for (int padding = 0; padding <= 13; padding += padding ? 12 : 1) {
            uint8_t *pixels = with_padding(input.data, width, height, padding);
            GlanceImage image = { pixels, width, height, width * 3 + padding };
            uint8_t *out = resize_checked(&image, size, name);
            if (out) {
                int differences = count_differences(out, expected.data, expected.count);
                CHECK(differences == 0, "%s (row padding %d): %d of %zu samples differ", name,
                      padding, differences, expected.count);
            }
            free(out);
            free(pixels);
        }
    }
    npy_free(&input);
    npy_free(&expected);
}

/* ---- properties that need no reference ---- */

/* Weights sum to one, so a flat image stays flat at any scale. */
static void test_flat_image_stays_flat(void)
{
    const int width = 37, height = 23, sizes[] = { 1, 5, 23, 64, 101 };
    uint8_t *pixels = malloc((size_t)width * height * 3);
    for (int i = 0; i < width * height; i++) {
        pixels[3 * i + 0] = 200;
        pixels[3 * i + 1] = 0;
        pixels[3 * i + 2] = 255;
    }
    GlanceImage image = { pixels, width, height, width * 3 };
    for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
        uint8_t *out = resize_checked(&image, sizes[s], "flat image");
        int flat = out != NULL;
        for (int i = 0; out && i < sizes[s] * sizes[s]; i++)
            flat &= out[3 * i] == 200 && out[3 * i + 1] == 0 && out[3 * i + 2] == 255;
        CHECK(flat, "a flat 37x23 image stays flat at %d", sizes[s]);
        free(out);
    }
    free(pixels);
}

/* A large photo-sized downscale: timing for the record, result checked for sanity. */
static void test_photo_sized_downscale(void)
{
    const int width = 4000, height = 3000, size = 384;
    size_t stride = (size_t)width * 3;
    uint8_t *pixels = malloc(stride * height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) {
            uint8_t *p = pixels + (size_t)y * stride + (size_t)x * 3;
            p[0] = (uint8_t)(x * 255 / (width - 1));
            p[1] = (uint8_t)(y * 255 / (height - 1));
            p[2] = 128;
        }
    GlanceImage image = { pixels, width, height, (int)stride };
    gint64 start = g_get_monotonic_time();
    uint8_t *out = resize_checked(&image, size, "4000x3000 photo");
    double ms = (double)(g_get_monotonic_time() - start) / 1000.0;
    if (out) {
        /* A smooth gradient resamples to the gradient: corners near 0 / 255. */
        const uint8_t *last = out + ((size_t)size * size - 1) * 3;
        CHECK(out[0] <= 1 && out[1] <= 1 && last[0] >= 254 && last[1] >= 254 && out[2] == 128,
              "4000x3000 gradient corners (%d %d) (%d %d)", out[0], out[1], last[0], last[1]);
        printf("4000x3000 -> %d: %.1f ms\n", size, ms);
    }
    free(out);
    free(pixels);
}

/* ---- bad arguments ---- */

static void expect_invalid(const GlanceImage *image, int size, uint8_t *out, const char *what)
{
    GlanceError err = { 0 };
    GlanceStatus status = glance_resize_rgb8(image, size, out, &err);
    CHECK(status == GLANCE_ERR_INVALID && err.status == GLANCE_ERR_INVALID &&
              strncmp(err.message, "resize:", 7) == 0,
          "%s: status %d (\"%s\"), expected invalid input", what, status, err.message);
    CHECK(glance_resize_rgb8(image, size, out, NULL) == GLANCE_ERR_INVALID,
          "%s: refused without an error struct too", what);
}

static void test_bad_arguments(void)
{
    static uint8_t pixels[4 * 4 * 3], out[64];
    const GlanceImage good = { pixels, 4, 4, 12 };
    GlanceImage image;
    expect_invalid(NULL, 2, out, "NULL image");
    expect_invalid(&good, 2, NULL, "NULL output");
    image = good, image.pixels = NULL;
    expect_invalid(&image, 2, out, "NULL pixels");
    image = good, image.width = 0;
    expect_invalid(&image, 2, out, "zero width");
    image = good, image.height = 0;
    expect_invalid(&image, 2, out, "zero height");
    image = good, image.width = -4;
    expect_invalid(&image, 2, out, "negative width");
    image = good, image.height = -1;
    expect_invalid(&image, 2, out, "negative height");
    expect_invalid(&good, 0, out, "zero size");
    expect_invalid(&good, -3, out, "negative size");
    expect_invalid(&good, INT_MAX, out, "size whose square overflows");
    expect_invalid(&good, 16385, out, "size beyond the output limit");
    image = good, image.stride = 11;
    expect_invalid(&image, 2, out, "stride below 3 x width");
    image = good, image.stride = -12;
    expect_invalid(&image, 2, out, "negative stride");
    image = good, image.width = INT_MAX / 2, image.stride = INT_MAX;
    expect_invalid(&image, 2, out, "3 x width overflows int");
    CHECK(glance_resize_rgb8(&good, 4, out, NULL) == GLANCE_OK, "the good image still resizes");
}

int main(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(golden_images); i++)
        test_golden_image((int)i);
    for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++)
        test_fixture(fixtures[i]);
    test_flat_image_stays_flat();
    test_photo_sized_downscale();
    test_bad_arguments();
    return check_summary("resize");
}

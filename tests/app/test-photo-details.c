/* test-photo-details.c — the viewer's details of photos written by make-photos.py: file
 * size, pixel size, EXIF date (with and without an offset) and camera, a file without
 * EXIF, a missing file. */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "glance-photo-details.h"

static char *dir;

static GlancePhotoDetails *read_photo(const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    return glance_photo_details_read(path, error);
}

static guint64 size_on_disk(const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GStatBuf st;
    return g_stat(path, &st) == 0 ? (guint64)st.st_size : 0;
}

static void on_read(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GlancePhotoDetails **out = data;
    *out = glance_photo_details_read_finish(result, NULL);
    if (!*out)
        *out = g_new0(GlancePhotoDetails, 1);   /* a failure still ends the wait */
}

int main(void)
{
    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    dir = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "photo-details", NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *cmd = g_strdup_printf("/usr/bin/python3 tests/app/make-photos.py '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "FAIL %s\n", cmd);
        return 1;
    }
    GError *error = NULL;

    g_autoptr(GlancePhotoDetails) camera = read_photo("camera.jpg", &error);
    CHECK(camera != NULL, "camera.jpg is read");
    if (camera) {
        CHECK(camera->file_size == size_on_disk("camera.jpg") && camera->file_size > 0,
              "file size %" G_GUINT64_FORMAT " is the size on disk", camera->file_size);
        CHECK(camera->width == 64 && camera->height == 48, "pixel size 64 x 48 (got %d x %d)", camera->width,
              camera->height);
        CHECK(g_strcmp0(camera->camera_make, "Canon") == 0 && g_strcmp0(camera->camera_model, "Canon EOS 80D") == 0,
              "make and model read (got %s / %s)", camera->camera_make, camera->camera_model);
        g_autofree char *name = glance_photo_details_dup_camera(camera);
        CHECK(g_strcmp0(name, "Canon EOS 80D") == 0, "a model naming its make is not prefixed (got %s)", name);
        g_autofree char *taken = camera->taken ? g_date_time_format_iso8601(camera->taken) : NULL;
        CHECK(g_strcmp0(taken, "2021-07-14T18:30:05+02") == 0, "taken 2021-07-14 18:30:05 +02:00 (got %s)", taken);
    }
    g_clear_error(&error);

    g_autoptr(GlancePhotoDetails) padded = read_photo("padded.jpg", &error);
    CHECK(padded && g_strcmp0(padded->camera_make, "NIKON CORPORATION") == 0,
          "blanks and NULs after the make are trimmed (got “%s”)", padded && padded->camera_make ? padded->camera_make : "nothing");
    if (padded) {
        g_autofree char *name = glance_photo_details_dup_camera(padded);
        CHECK(g_strcmp0(name, "NIKON CORPORATION NIKON D750") == 0, "make and model joined (got %s)", name);
        CHECK(padded->taken && g_date_time_get_year(padded->taken) == 2019 &&
              g_date_time_get_month(padded->taken) == 1 && g_date_time_get_day_of_month(padded->taken) == 2 &&
              g_date_time_get_hour(padded->taken) == 3, "IFD0 DateTime, as local time, when there is no original date");
    }
    g_clear_error(&error);

    g_autoptr(GlancePhotoDetails) plain = read_photo("plain.jpg", &error);
    CHECK(plain && plain->width == 30 && plain->height == 20 && !plain->taken && !plain->camera_make &&
          !plain->camera_model, "a photo without EXIF has a size, no date and no camera");
    CHECK(plain && glance_photo_details_dup_camera(plain) == NULL, "no camera name without EXIF");
    g_clear_error(&error);

    g_autoptr(GlancePhotoDetails) png = read_photo("camera.png", &error);
    CHECK(png && g_strcmp0(png->camera_make, "Apple") == 0 && g_strcmp0(png->camera_model, "iPhone 12") == 0 &&
          png->width == 16 && png->height == 12, "a PNG's eXIf chunk gives its camera");
    g_clear_error(&error);

    g_autoptr(GlancePhotoDetails) big = read_photo("big.jpg", &error);
    CHECK(big && big->width == 6000 && big->height == 4000, "a 24-MP photo's size is read from its header");
    g_clear_error(&error);

    GlancePhotoDetails *missing = read_photo("no-such-photo.jpg", &error);
    CHECK(!missing && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
          strstr(error->message, "no-such-photo.jpg"), "a missing file is an error naming it (%s)",
          error ? error->message : "no error");
    g_clear_error(&error);

    /* The async form gives the same details, from a worker thread. */
    GlancePhotoDetails *async = NULL;
    g_autofree char *camera_path = g_build_filename(dir, "camera.jpg", NULL);
    glance_photo_details_read_async(camera_path, NULL, on_read, &async);
    while (!async)
        g_main_context_iteration(NULL, TRUE);
    CHECK(async->path && g_str_equal(async->path, camera_path) && g_strcmp0(async->camera_model, "Canon EOS 80D") == 0,
          "the async read gives the same camera");
    glance_photo_details_free(async);

    g_free(dir);
    return check_summary("photo details");
}

/* test-domain-rates.c — the bundled model's domain check (app/glance-domain.c, through
 * the engine's resize) on the real-photo fixtures and on fresh ShapeWorld scenes of both
 * layouts from a seed that neither training nor calibration used: it must flag at least
 * 95% of the photos and at most 2% of the scenes of either layout (docs/model-scope.md). */
#include "glance-domain.h"
#include "glance-image.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

#define SEED 4041   /* not the trainer's, not calibrate.py's 3031/3032, not heldout.py's 2026 */
#define SCENES 300  /* per layout */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceModel, glance_model_close)

/* Share of the images in dir (files ending in suffix) that fail the check; -1 on error. */
static double flagged_share(const GlanceDomainCheck *check, const char *dir, const char *suffix, int *n_out)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (!d)
        return -1;
    int n = 0, flagged = 0;
    for (const char *name; (name = g_dir_read_name(d));) {
        if (!g_str_has_suffix(name, suffix))
            continue;
        g_autofree char *path = g_build_filename(dir, name, NULL);
        GError *error = NULL;
        g_autoptr(GlanceDecodedImage) image = glance_image_load(path, 0, &error);
        gboolean outside = FALSE;
        if (!image || !glance_domain_check_image(check, &image->image, &outside, &error)) {
            fprintf(stderr, "%s: %s\n", path, error ? error->message : "?");
            g_clear_error(&error);
            return -1;
        }
        n++;
        flagged += outside;
    }
    *n_out = n;
    return n ? (double)flagged / n : -1;
}

int main(void)
{
    GlanceModel *opened = NULL;
    GlanceError err;
    if (glance_model_open("data/models/glance-shapeworld.safetensors", &opened, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL bundled model: %s\n", err.message);
        return 1;
    }
    g_autoptr(GlanceModel) model = opened;
    GError *error = NULL;
    g_autoptr(GlanceDomainCheck) check = glance_domain_check_new(model, &error);
    CHECK(check, "the bundled model has a domain check");
    if (!check)
        return check_summary("domain-rates");

    int n = 0;
    double photos = flagged_share(check, "tests/fixtures/photos", ".jpg", &n);
    printf("real photos: %.1f%% of %d flagged\n", 100 * photos, n);
    CHECK(n >= 40 && photos >= 0.95, "at least 95%% of %d real photos flagged (got %.1f%%)", n, 100 * photos);

    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    g_autofree char *root = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "domain-rates", NULL);
    const char *layouts[] = { "grid", "free" };
    for (int i = 0; i < 2; i++) {
        g_autofree char *out = g_build_filename(root, layouts[i], NULL);
        g_autofree char *cmd = g_strdup_printf("/usr/bin/python3 tools/shapeworld/make_eval.py --seed %d --out '%s' "
                                               "--layout %s --vqa 0 --nlvr2 0 --retrieval %d >/dev/null",
                                               SEED, out, layouts[i], SCENES);
        CHECK(system(cmd) == 0, "%s", cmd);
        g_autofree char *dir = g_build_filename(out, "retrieval", NULL);
        double scenes = flagged_share(check, dir, ".png", &n);
        printf("ShapeWorld %s scenes: %.1f%% of %d flagged\n", layouts[i], 100 * scenes, n);
        CHECK(n == SCENES && scenes >= 0 && scenes <= 0.02, "at most 2%% of %s scenes flagged (got %.1f%% of %d)",
              layouts[i], 100 * scenes, n);
    }
    return check_summary("domain-rates");
}

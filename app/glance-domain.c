/* glance-domain.c — method "shapeworld-pixels-1": a ShapeWorld scene is a low-saturation
 * background (a gradient plus noise) holding flat objects in eight saturated hues, so a
 * photo shows itself by pixels and structure no scene has. Each statistic's maximum over
 * held-out scenes is stored in the model; any statistic above it fails the check.
 * Mirrors tools/train/calibrate_domain.py, which chose the method by measurement. */
#include "glance-domain.h"
#include "glance-tasks.h"
#include <json-glib/json-glib.h>
#include <math.h>

#define DOMAIN_METHOD "shapeworld-pixels-1"
#define MAX_HUES 16
#define BLOCK 8

static const char *const statistic_names[GLANCE_DOMAIN_N_STATISTICS] = {
    "mid_saturation", "off_palette_hue", "busy_blocks", "dark", "grey_structure",
};

struct GlanceDomainCheck {
    int image_size;
    int n_hues;
    double hues[MAX_HUES];
    double max[GLANCE_DOMAIN_N_STATISTICS];
};

static gboolean domain_fail(GError **error, const char *what)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "The model's domain check (%s) cannot be read: %s", GLANCE_META_DOMAIN, what);
    return FALSE;
}

static gboolean parse_check(GlanceDomainCheck *check, JsonObject *o, GError **error)
{
    if (g_strcmp0(json_object_get_string_member_with_default(o, "method", ""), DOMAIN_METHOD))
        return domain_fail(error, "unknown method");
    check->image_size = (int)json_object_get_int_member_with_default(o, "image_size", 0);
    if (check->image_size < BLOCK || check->image_size > 4096)
        return domain_fail(error, "bad image_size");
    JsonArray *hues = json_object_has_member(o, "hues") ? json_object_get_array_member(o, "hues") : NULL;
    if (!hues || json_array_get_length(hues) == 0 || json_array_get_length(hues) > MAX_HUES)
        return domain_fail(error, "bad hues");
    check->n_hues = (int)json_array_get_length(hues);
    for (int i = 0; i < check->n_hues; i++)
        check->hues[i] = json_array_get_double_element(hues, (guint)i);
    JsonObject *max = json_object_has_member(o, "max") ? json_object_get_object_member(o, "max") : NULL;
    for (int i = 0; i < GLANCE_DOMAIN_N_STATISTICS; i++) {
        if (!max || !json_object_has_member(max, statistic_names[i]))
            return domain_fail(error, "a statistic's maximum is missing");
        check->max[i] = json_object_get_double_member(max, statistic_names[i]);
    }
    return TRUE;
}

GlanceDomainCheck *glance_domain_check_new(const GlanceModel *model, GError **error)
{
    const char *text = glance_model_metadata(model, GLANCE_META_DOMAIN);
    if (!text)
        return NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        domain_fail(error, "not a JSON object");
        return NULL;
    }
    GlanceDomainCheck *check = g_new0(GlanceDomainCheck, 1);
    if (!parse_check(check, json_node_get_object(json_parser_get_root(parser)), error)) {
        g_free(check);
        return NULL;
    }
    return check;
}

void glance_domain_check_free(GlanceDomainCheck *check)
{
    g_free(check);
}

/* Hue in degrees (0 when grey), saturation and value, as calibrate_domain.hsv. */
static void pixel_hsv(const double rgb[3], double *h, double *s, double *v)
{
    double mx = fmax(rgb[0], fmax(rgb[1], rgb[2]));
    double chroma = mx - fmin(rgb[0], fmin(rgb[1], rgb[2]));
    *v = mx;
    *s = mx > 0 ? chroma / mx : 0;
    if (chroma <= 0) {
        *h = 0;
        return;
    }
    double sector;
    if (mx == rgb[0]) {
        sector = fmod((rgb[1] - rgb[2]) / chroma, 6.0);
        if (sector < 0)
            sector += 6.0;
    } else if (mx == rgb[1]) {
        sector = (rgb[2] - rgb[0]) / chroma + 2;
    } else {
        sector = (rgb[0] - rgb[1]) / chroma + 4;
    }
    *h = sector * 60.0;
}

static double hue_gap(double h, const double *hues, int n_hues)
{
    double best = 360.0;
    for (int i = 0; i < n_hues; i++) {
        double d = fmod(h - hues[i] + 180.0, 360.0);
        if (d < 0)
            d += 360.0;
        best = fmin(best, fabs(d - 180.0));
    }
    return best;
}

/* Share of 8x8 blocks whose grey levels spread (population deviation) over 0.08. */
static double busy_blocks(const double *grey, int size)
{
    int nb = size / BLOCK, busy = 0;
    for (int by = 0; by < nb; by++)
        for (int bx = 0; bx < nb; bx++) {
            double sum = 0, sq = 0;
            for (int y = by * BLOCK; y < (by + 1) * BLOCK; y++)
                for (int x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) {
                    sum += grey[y * size + x];
                    sq += grey[y * size + x] * grey[y * size + x];
                }
            double mean = sum / (BLOCK * BLOCK);
            busy += sqrt(fmax(sq / (BLOCK * BLOCK) - mean * mean, 0)) > 0.08;
        }
    return nb > 0 ? (double)busy / (nb * nb) : 0;
}

/* Share of pixels that are unsaturated yet over 0.15 from the least-squares plane
 * a + b x + c y through the unsaturated pixels (x, y in [0, 1]). */
static double grey_structure(const double *grey, const gboolean *low, int size)
{
    double m[3][4] = { { 0 } }; /* normal equations, right-hand side in column 3 */
    int n_low = 0;
    for (int i = 0; i < size * size; i++) {
        if (!low[i])
            continue;
        double f[3] = { 1, (i % size) / (double)(size - 1), (i / size) / (double)(size - 1) };
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                m[r][c] += f[r] * f[c];
            m[r][3] += f[r] * grey[i];
        }
        n_low++;
    }
    if (n_low < 3)
        return 0;
    for (int col = 0; col < 3; col++) { /* Gauss-Jordan with partial pivoting */
        int pivot = col;
        for (int r = col + 1; r < 3; r++)
            if (fabs(m[r][col]) > fabs(m[pivot][col]))
                pivot = r;
        if (fabs(m[pivot][col]) < 1e-12)
            return 0; /* degenerate (one row or column of grey): no plane to leave */
        for (int c = 0; c < 4; c++) {
            double t = m[col][c];
            m[col][c] = m[pivot][c];
            m[pivot][c] = t;
        }
        for (int r = 0; r < 3; r++) {
            if (r == col)
                continue;
            double k = m[r][col] / m[col][col];
            for (int c = col; c < 4; c++)
                m[r][c] -= k * m[col][c];
        }
    }
    double a = m[0][3] / m[0][0], b = m[1][3] / m[1][1], c = m[2][3] / m[2][2];
    int far = 0;
    for (int i = 0; i < size * size; i++) {
        double plane = a + b * ((i % size) / (double)(size - 1)) + c * ((i / size) / (double)(size - 1));
        far += low[i] && fabs(grey[i] - plane) > 0.15;
    }
    return (double)far / (size * size);
}

gboolean glance_domain_statistics(const GlanceImage *image, int size, const double *hues, int n_hues,
                                  double stats[GLANCE_DOMAIN_N_STATISTICS], GError **error)
{
    int n = size * size;
    g_autofree guint8 *rgb8 = g_malloc((gsize)n * 3);
    GlanceError err;
    if (glance_resize_rgb8(image, size, rgb8, &err) != GLANCE_OK) {
        glance_set_error_from_engine(error, &err);
        return FALSE;
    }
    g_autofree double *grey = g_new(double, n);
    g_autofree gboolean *low = g_new(gboolean, n);
    int mid = 0, off = 0, dark = 0;
    for (int i = 0; i < n; i++) {
        double px[3] = { rgb8[3 * i] / 255.0, rgb8[3 * i + 1] / 255.0, rgb8[3 * i + 2] / 255.0 };
        double h, s, v;
        pixel_hsv(px, &h, &s, &v);
        gboolean lit = v > 0.25;
        mid += s > 0.25 && s < 0.5 && lit;
        off += s > 0.35 && lit && hue_gap(h, hues, n_hues) > 15.0;
        dark += v < 0.2;
        grey[i] = (px[0] + px[1] + px[2]) / 3.0;
        low[i] = s < 0.2;
    }
    stats[GLANCE_DOMAIN_MID_SATURATION] = (double)mid / n;
    stats[GLANCE_DOMAIN_OFF_PALETTE] = (double)off / n;
    stats[GLANCE_DOMAIN_BUSY_BLOCKS] = busy_blocks(grey, size);
    stats[GLANCE_DOMAIN_DARK] = (double)dark / n;
    stats[GLANCE_DOMAIN_GREY_STRUCTURE] = grey_structure(grey, low, size);
    return TRUE;
}

gboolean glance_domain_check_image(const GlanceDomainCheck *check, const GlanceImage *image, gboolean *outside,
                                   GError **error)
{
    double stats[GLANCE_DOMAIN_N_STATISTICS];
    if (!glance_domain_statistics(image, check->image_size, check->hues, check->n_hues, stats, error))
        return FALSE;
    *outside = FALSE;
    for (int i = 0; i < GLANCE_DOMAIN_N_STATISTICS; i++)
        *outside |= stats[i] > check->max[i];
    return TRUE;
}

/* cli-where.c — where the answer looked, for ask, compare and match. */
#include "cli-where.h"
#include "cli-common.h"
#include "glance-where-overlay.h"
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

static gboolean where_json;
static char *where_image_path;
static char *where_method_name;

GOptionEntry cli_where_entries[] = {
    { "where", 0, 0, G_OPTION_ARG_NONE, &where_json,
      "Also show where the answer looked: a map over the image's patches", NULL },
    { "where-image", 0, 0, G_OPTION_ARG_FILENAME, &where_image_path,
      "Write the photo with that map laid over it as a PNG (compare: OUT-left.png, OUT-right.png)", "OUT.png" },
    { "where-method", 0, 0, G_OPTION_ARG_STRING, &where_method_name,
      "How the map is made: last-layer (default), rollout or vl-rollout", "METHOD" },
    { NULL },
};

gboolean cli_where_wanted(void)
{
    return where_json || where_image_path;
}

const char *cli_where_image_path(void)
{
    return where_image_path;
}

gboolean cli_where_method(GlanceWhereMethod *method)
{
    *method = where_method_name ? glance_where_method_from_name(where_method_name) : GLANCE_WHERE_DEFAULT;
    if (*method == GLANCE_WHERE_N_METHODS) {
        cli_usage("unknown --where-method '%s' (rollout, vl-rollout or last-layer)", where_method_name);
        return FALSE;
    }
    if (where_image_path && !*where_image_path) {
        cli_usage("--where-image needs a file name");
        return FALSE;
    }
    return TRUE;
}

static void add_map(JsonBuilder *b, GlanceWhereMethod method, const GlanceWhere *where)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "grid");
    json_builder_begin_array(b);
    json_builder_add_int_value(b, where->rows);
    json_builder_add_int_value(b, where->cols);
    json_builder_end_array(b);
    cli_json_add_floats(b, "weights", where->weights, where->rows * where->cols);
    json_builder_set_member_name(b, "method");
    json_builder_add_string_value(b, glance_where_method_name(method));
    json_builder_end_object(b);
}

void cli_where_add_json(JsonBuilder *b, GlanceWhereMethod method, const GlanceWhere *where)
{
    json_builder_set_member_name(b, "where");
    add_map(b, method, where);
}

void cli_where_add_json_pair(JsonBuilder *b, GlanceWhereMethod method, GlanceWhere *const where[2])
{
    json_builder_set_member_name(b, "where");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "left");
    add_map(b, method, where[0]);
    json_builder_set_member_name(b, "right");
    add_map(b, method, where[1]);
    json_builder_end_object(b);
}

void cli_where_print(const GlanceWhere *where, const char *which)
{
    printf("Where it looked%s%s (%% of the map, %d x %d patches):\n", which ? ", " : "", which ? which : "",
           where->rows, where->cols);
    for (int r = 0; r < where->rows; r++) {
        for (int c = 0; c < where->cols; c++)
            printf(" %5.1f", 100.0 * where->weights[r * where->cols + c]);
        putchar('\n');
    }
}

gboolean cli_where_write_image(const GlanceDecodedImage *photo, const GlanceWhere *where, const char *path,
                               GError **error)
{
    const GlanceImage *im = &photo->image;
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data(im->pixels, GDK_COLORSPACE_RGB, FALSE, 8, im->width,
                                                           im->height, im->stride, NULL, NULL);
    g_autoptr(GdkPixbuf) overlaid = glance_where_overlay_photo(pixbuf, where, GLANCE_WHERE_OVERLAY_OPACITY);
    if (!overlaid) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory for a %d x %d picture", im->width,
                    im->height);
        return FALSE;
    }
    if (!gdk_pixbuf_save(overlaid, path, "png", error, NULL)) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return TRUE;
}

char *cli_where_side_path(const char *path, const char *side)
{
    g_autofree char *base = g_path_get_basename(path);
    const char *dot = strrchr(base, '.');
    gsize stem = dot && dot != base ? (gsize)(dot - base) : strlen(base);
    g_autofree char *name = g_strdup_printf("%.*s-%s%s", (int)stem, base, side, base + stem);
    g_autofree char *dir = g_path_get_dirname(path);
    return strcmp(dir, ".") == 0 && !g_str_has_prefix(path, "./") ? g_steal_pointer(&name)
                                                                     : g_build_filename(dir, name, NULL);
}

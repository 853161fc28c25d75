/* test-where-overlay-picture.c — the "Show Where It Looked" picture under Xvfb: the
 * widget drawn to a texture shows the photo alone while show-where is off or there is no
 * map, and the map over the photo when on (viridis yellow over the map's highest patch,
 * the photo barely tinted over its lowest); the map spans the fitted photo, not the
 * widget's letterbox. Run by run-xvfb.sh. */
#include "check.h"
#include "glance-where-overlay-picture.h"
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

enum { PHOTO_W = 200, PHOTO_H = 100, WIDGET_W = 200, WIDGET_H = 160 };

/* A flat grey photo, so any colour change is the overlay's. */
static GdkTexture *grey_photo(void)
{
    g_autofree guint8 *px = g_malloc(PHOTO_W * PHOTO_H * 3);
    memset(px, 128, PHOTO_W * PHOTO_H * 3);
    g_autoptr(GBytes) bytes = g_bytes_new(px, PHOTO_W * PHOTO_H * 3);
    return gdk_memory_texture_new(PHOTO_W, PHOTO_H, GDK_MEMORY_R8G8B8, bytes, PHOTO_W * 3);
}

/* The widget as drawn, BGRA premultiplied (cairo's layout), width x height. */
static guint8 *render(GtkWidget *widget, GtkWidget *window)
{
    /* The widget's own snapshot, as a frame would take it now (a GtkWidgetPaintable
     * would show the last frame drawn, before the change under test). */
    GtkSnapshot *snapshot = gtk_snapshot_new();
    GTK_WIDGET_GET_CLASS(widget)->snapshot(widget, snapshot);
    g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node(snapshot);
    guint8 *data = g_malloc0(WIDGET_W * WIDGET_H * 4);
    if (!node)
        return data; /* nothing drawn: all transparent */
    GskRenderer *renderer = gtk_native_get_renderer(GTK_NATIVE(window));
    graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, WIDGET_W, WIDGET_H);
    g_autoptr(GdkTexture) texture = gsk_renderer_render_texture(renderer, node, &bounds);
    gdk_texture_download(texture, data, WIDGET_W * 4);
    return data;
}

/* RGB at (x, y) of a rendering. */
static void pixel(const guint8 *data, int x, int y, int rgb[3])
{
    const guint8 *p = data + (y * WIDGET_W + x) * 4;
    rgb[0] = p[2]; rgb[1] = p[1]; rgb[2] = p[0];
}

static int grey(const int rgb[3])
{
    return abs(rgb[0] - 128) <= 2 && abs(rgb[1] - 128) <= 2 && abs(rgb[2] - 128) <= 2;
}

int main(void)
{
    gtk_init();
    GtkWidget *window = gtk_window_new();
    GtkWidget *picture = glance_where_overlay_picture_new();
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(picture);
    gtk_widget_set_size_request(picture, WIDGET_W, WIDGET_H);
    gtk_window_set_child(GTK_WINDOW(window), picture);
    g_autoptr(GdkTexture) photo = grey_photo();
    glance_where_overlay_picture_set_paintable(self, GDK_PAINTABLE(photo));
    gtk_window_present(GTK_WINDOW(window));
    for (int i = 0; i < 500 && !(gtk_widget_get_mapped(picture) && gtk_widget_get_width(picture) == WIDGET_W); i++)
        g_main_context_iteration(NULL, TRUE);
    CHECK(gtk_widget_get_width(picture) == WIDGET_W && gtk_widget_get_height(picture) == WIDGET_H,
          "widget allocated %d x %d", gtk_widget_get_width(picture), gtk_widget_get_height(picture));

    /* 4 x 4 map, hot at row 0, column 3 (the photo's top right), cold elsewhere. */
    g_autoptr(GlanceWhere) where = glance_where_new(4, 4);
    for (int i = 0; i < 16; i++)
        where->weights[i] = 0.01f;
    where->weights[3] = 0.85f;
    /* The photo is letterboxed: 200 x 100 centred in 200 x 160, rows 30..129. */
    int hot_x = 175, hot_y = 30 + 12, cold_x = 25, cold_y = 30 + 88, bar_y = 10;

    g_autofree guint8 *plain = render(picture, window);
    int rgb[3];
    pixel(plain, hot_x, hot_y, rgb);
    CHECK(grey(rgb), "no map yet: the photo alone (%d,%d,%d)", rgb[0], rgb[1], rgb[2]);
    CHECK(!glance_where_overlay_picture_get_drawing_where(self), "drawing a map before one is given");

    glance_where_overlay_picture_set_where(self, where);
    g_autofree guint8 *hidden = render(picture, window);
    pixel(hidden, hot_x, hot_y, rgb);
    CHECK(grey(rgb), "show-where off: the photo alone (%d,%d,%d)", rgb[0], rgb[1], rgb[2]);

    g_object_set(picture, "show-where", TRUE, NULL);
    CHECK(glance_where_overlay_picture_get_drawing_where(self), "show-where on with a map draws it");
    g_autofree guint8 *shown = render(picture, window);
    pixel(shown, hot_x, hot_y, rgb);
    /* viridis yellow (253, 231, 37) at opacity 0.55 over grey 128 */
    CHECK(rgb[0] > 170 && rgb[1] > 160 && rgb[2] < 100, "hot patch not yellow: (%d,%d,%d)", rgb[0], rgb[1], rgb[2]);
    int cold[3];
    pixel(shown, cold_x, cold_y, cold);
    CHECK(!grey(cold) && abs(cold[0] - 128) + abs(cold[1] - 128) + abs(cold[2] - 128) < 120,
          "cold patch should be faintly tinted: (%d,%d,%d)", cold[0], cold[1], cold[2]);
    int bar[3];
    pixel(shown, hot_x, bar_y, bar);
    const guint8 *bar_px = shown + (bar_y * WIDGET_W + hot_x) * 4;
    CHECK(bar_px[3] == 0, "the map spills into the letterbox above the photo (alpha %d)", bar_px[3]);

    /* A new answer on its way: no map, nothing drawn over the photo. */
    glance_where_overlay_picture_set_where(self, NULL);
    g_autofree guint8 *cleared = render(picture, window);
    pixel(cleared, hot_x, hot_y, rgb);
    CHECK(grey(rgb) && !glance_where_overlay_picture_get_drawing_where(self),
          "map removed: the photo alone (%d,%d,%d)", rgb[0], rgb[1], rgb[2]);

    /* The property holds a copy, and the toggle notifies. */
    glance_where_overlay_picture_set_where(self, where);
    where->weights[3] = 0.0f;
    CHECK(glance_where_overlay_picture_get_where(self)->weights[3] > 0.8f, "the widget kept the caller's map");
    int notified = 0;
    g_signal_connect_swapped(picture, "notify::show-where", G_CALLBACK(g_atomic_int_inc), &notified);
    glance_where_overlay_picture_set_show_where(self, FALSE);
    glance_where_overlay_picture_set_show_where(self, FALSE);
    CHECK(notified == 1, "notify::show-where fired %d times for one change", notified);
    CHECK(gtk_accessible_get_accessible_role(GTK_ACCESSIBLE(picture)) == GTK_ACCESSIBLE_ROLE_IMG, "role is not img");

    gtk_window_destroy(GTK_WINDOW(window));
    return check_summary("where-overlay-picture");
}

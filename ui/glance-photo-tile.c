/* glance-photo-tile.c — GtkGridView recycles tiles as the user scrolls; a tile asks for its
 * item's thumbnail when bound and withdraws the request when unbound, so only what is on
 * screen gets decoded. A right-click or a long press opens the photo's menu: the page.*
 * actions the viewer offers, each with the photo's path. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-photo-tile.h"
#include "glance-thumbnailer.h"

struct _GlancePhotoTile {
    GtkWidget parent_instance;
    GtkPicture *picture;
    GtkLabel *score_badge;
    GtkButton *similar_button;
    GtkPopoverMenu *menu;
    GlancePhotoItem *item;
    GCancellable *loading;
};

G_DEFINE_FINAL_TYPE(GlancePhotoTile, glance_photo_tile, GTK_TYPE_WIDGET)

GlancePhotoItem *glance_photo_tile_get_item(GlancePhotoTile *self) { return self->item; }

static void on_thumbnail_loaded(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlancePhotoItem) item = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkTexture) texture = glance_thumbnailer_load_finish(GLANCE_THUMBNAILER(source), result, &error);
    if (texture)
        glance_photo_item_set_thumbnail(item, texture);   /* bound tiles follow notify::thumbnail */
}

static void show_thumbnail(GlancePhotoTile *self)
{
    GdkTexture *texture = self->item ? glance_photo_item_get_thumbnail(self->item) : NULL;
    gtk_picture_set_paintable(self->picture, GDK_PAINTABLE(texture));
}

static void set_hovered(GlancePhotoTile *self, gboolean hovered)
{
    gtk_widget_set_visible(GTK_WIDGET(self->score_badge), hovered && self->item);
    gtk_widget_set_visible(GTK_WIDGET(self->similar_button), hovered && self->item);
}

static void on_enter(GtkEventControllerMotion *motion, double x, double y, gpointer data)
{
    (void)motion, (void)x, (void)y;
    set_hovered(data, TRUE);
}

static void on_leave(GtkEventControllerMotion *motion, gpointer data)
{
    (void)motion;
    set_hovered(data, FALSE);
}

/* ---- context menu ---- */

static void add_menu_item(GMenu *section, const char *label, const char *action, const char *path)
{
    g_autoptr(GMenuItem) item = g_menu_item_new(label, NULL);
    g_menu_item_set_action_and_target_value(item, action, g_variant_new_string(path));
    g_menu_append_item(section, item);
}

void glance_photo_tile_popup_menu(GlancePhotoTile *self, double x, double y)
{
    if (!self->item)
        return;
    const char *path = glance_photo_item_get_path(self->item);
    g_autoptr(GMenu) menu = g_menu_new();
    g_autoptr(GMenu) here = g_menu_new();
    g_autoptr(GMenu) outside = g_menu_new();
    add_menu_item(here, _("_Ask About This Photo"), "page.ask-about", path);
    add_menu_item(here, _("_Compare…"), "page.compare", path);
    add_menu_item(here, _("_Find Similar"), "page.find-similar", path);
    add_menu_item(outside, _("_Open With…"), "page.open-with", path);
    add_menu_item(outside, _("_Show in Files"), "page.show-in-files", path);
    g_menu_append_section(menu, NULL, G_MENU_MODEL(here));
    g_menu_append_section(menu, NULL, G_MENU_MODEL(outside));
    gtk_popover_menu_set_menu_model(self->menu, G_MENU_MODEL(menu));
    if (x < 0 || y < 0) {   /* from the keyboard: under the tile's centre */
        x = gtk_widget_get_width(GTK_WIDGET(self)) / 2.0;
        y = gtk_widget_get_height(GTK_WIDGET(self)) / 2.0;
    }
    gtk_popover_set_pointing_to(GTK_POPOVER(self->menu), &(GdkRectangle){ (int)x, (int)y, 1, 1 });
    gtk_popover_popup(GTK_POPOVER(self->menu));
}

static void on_right_click(GtkGestureClick *click, int n_press, double x, double y, gpointer data)
{
    (void)n_press;
    gtk_gesture_set_state(GTK_GESTURE(click), GTK_EVENT_SEQUENCE_CLAIMED);
    glance_photo_tile_popup_menu(data, x, y);
}

static void on_long_press(GtkGestureLongPress *press, double x, double y, gpointer data)
{
    gtk_gesture_set_state(GTK_GESTURE(press), GTK_EVENT_SEQUENCE_CLAIMED);
    glance_photo_tile_popup_menu(data, x, y);
}

static void menu_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_photo_tile_popup_menu(GLANCE_PHOTO_TILE(widget), -1, -1);
}

void glance_photo_tile_set_item(GlancePhotoTile *self, GlancePhotoItem *item)
{
    if (self->item == item)
        return;
    if (self->loading) {
        g_cancellable_cancel(self->loading);
        g_clear_object(&self->loading);
    }
    if (self->item)
        g_signal_handlers_disconnect_by_data(self->item, self);
    g_set_object(&self->item, item);
    set_hovered(self, FALSE);
    show_thumbnail(self);
    if (!item) {
        gtk_widget_set_tooltip_text(GTK_WIDGET(self), NULL);
        return;
    }
    g_signal_connect_swapped(item, "notify::thumbnail", G_CALLBACK(show_thumbnail), self);
    const char *title = glance_photo_item_get_title(item);
    /* Translators: a search result's match score, e.g. "0.312" */
    g_autofree char *score = g_strdup_printf(_("%.3f"), glance_photo_item_get_score(item));
    /* Translators: the tooltip of a search result: file name, newline, its score */
    g_autofree char *tooltip = g_strdup_printf(_("%s\nScore %s"), title, score);
    gtk_label_set_text(self->score_badge, score);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self), tooltip);
    gtk_picture_set_alternative_text(self->picture, title);
    /* Translators: how a screen reader announces a search result: "beach.jpg, score 0.312" */
    g_autofree char *spoken = g_strdup_printf(_("%s, score %s"), title, score);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    gtk_actionable_set_action_target(GTK_ACTIONABLE(self->similar_button), "s", glance_photo_item_get_path(item));
    gtk_actionable_set_action_name(GTK_ACTIONABLE(self->similar_button), "page.find-similar");
    if (!glance_photo_item_get_thumbnail(item)) {
        self->loading = g_cancellable_new();
        glance_thumbnailer_load_async(glance_thumbnailer_get_default(), glance_photo_item_get_path(item),
                                      self->loading, on_thumbnail_loaded, g_object_ref(item));
    }
}

static void glance_photo_tile_dispose(GObject *object)
{
    GlancePhotoTile *self = GLANCE_PHOTO_TILE(object);
    glance_photo_tile_set_item(self, NULL);
    if (self->menu) {
        gtk_widget_unparent(GTK_WIDGET(self->menu));
        self->menu = NULL;
    }
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_PHOTO_TILE);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(object)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_photo_tile_parent_class)->dispose(object);
}

static void glance_photo_tile_class_init(GlancePhotoTileClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_photo_tile_dispose;
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-photo-tile.ui");
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoTile, picture);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoTile, score_badge);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoTile, similar_button);
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
    gtk_widget_class_install_action(widget_class, "tile.menu", NULL, menu_action);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "tile.menu", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Menu, 0, "tile.menu", NULL);
}

static void glance_photo_tile_init(GlancePhotoTile *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    GtkEventController *motion = gtk_event_controller_motion_new();
    g_signal_connect(motion, "enter", G_CALLBACK(on_enter), self);
    g_signal_connect(motion, "leave", G_CALLBACK(on_leave), self);
    gtk_widget_add_controller(GTK_WIDGET(self), motion);
    self->menu = GTK_POPOVER_MENU(gtk_popover_menu_new_from_model(NULL));
    gtk_popover_set_has_arrow(GTK_POPOVER(self->menu), FALSE);
    gtk_widget_set_halign(GTK_WIDGET(self->menu), GTK_ALIGN_START);
    gtk_widget_set_parent(GTK_WIDGET(self->menu), GTK_WIDGET(self));
    GtkGesture *right_click = gtk_gesture_click_new();
    gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(right_click), GDK_BUTTON_SECONDARY);
    g_signal_connect(right_click, "pressed", G_CALLBACK(on_right_click), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(right_click));
    GtkGesture *long_press = gtk_gesture_long_press_new();
    gtk_gesture_single_set_touch_only(GTK_GESTURE_SINGLE(long_press), TRUE);
    g_signal_connect(long_press, "pressed", G_CALLBACK(on_long_press), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(long_press));
}

GtkWidget *glance_photo_tile_new(void)
{
    return g_object_new(GLANCE_TYPE_PHOTO_TILE, NULL);
}

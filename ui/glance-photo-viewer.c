/* glance-photo-viewer.c — the photo is decoded with gdk-pixbuf's at-scale loader, never
 * larger than the monitor (JPEG decodes at 1/2, 1/4 or 1/8 in libjpeg itself), so a
 * 250-MP photo costs a screenful of memory. Zoom is a size request on the GtkPicture
 * inside a GtkScrolledWindow: 0 lets the picture shrink to the window (fit); above
 * that, the scrolled window scrolls. Keys go through a capture-phase shortcut controller
 * so the arrows move between photos whichever control has the focus. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-answer-row.h"
#include "glance-application.h"
#include "glance-photo-actions.h"
#include "glance-photo-details.h"
#include "glance-photo-item.h"
#include "glance-photo-viewer.h"
#include "glance-where-overlay-picture.h"

#define ZOOM_STEP 1.25
#define ZOOM_MAX 8.0     /* photo pixels, or 4 times the fitted size for small photos */

struct _GlancePhotoViewer {
    AdwWindow parent_instance;
    AdwWindowTitle *window_title;
    GtkMenuButton *menu_button;
    GtkStack *stack;
    GtkScrolledWindow *scroller;
    GlanceWhereOverlayPicture *picture;
    AdwStatusPage *error_page;
    AdwActionRow *taken_row;
    AdwActionRow *camera_row;
    AdwActionRow *dimensions_row;
    AdwActionRow *size_row;
    AdwActionRow *folder_row;
    GtkWidget *why_box;
    GtkToggleButton *why_toggle;
    GtkLabel *why_label;

    GtkWidget *source;           /* weak: the page whose page.* actions run ours */
    GListModel *results;
    guint position;
    char *path;
    GCancellable *loading;
    GlancePhotoDetails *details;
    GdkTexture *texture;
    double zoom;                 /* 0 = fit; else pixels shown per photo pixel */
    double pinch_start_zoom;
    char *search_text;           /* the search's words: "why this result?" matches them */
    GCancellable *matching;      /* the match of the photo shown with search_text */
};

G_DEFINE_FINAL_TYPE(GlancePhotoViewer, glance_photo_viewer, ADW_TYPE_WINDOW)

guint glance_photo_viewer_get_position(GlancePhotoViewer *self) { return self->position; }
const char *glance_photo_viewer_get_path(GlancePhotoViewer *self) { return self->path; }
GdkTexture *glance_photo_viewer_get_texture(GlancePhotoViewer *self) { return self->texture; }
double glance_photo_viewer_get_zoom(GlancePhotoViewer *self) { return self->zoom; }
gboolean glance_photo_viewer_is_matching(GlancePhotoViewer *self) { return self->matching != NULL; }

/* ---- zoom ---- */

/* The photo's size in pixels, upright (the texture is upright; details are as stored). */
static gboolean photo_size(GlancePhotoViewer *self, double *width, double *height)
{
    if (!self->texture || !self->details || self->details->width <= 0)
        return FALSE;
    int tw = gdk_texture_get_width(self->texture), th = gdk_texture_get_height(self->texture);
    gboolean turned = (tw > th) != (self->details->width > self->details->height);
    *width = turned ? self->details->height : self->details->width;
    *height = turned ? self->details->width : self->details->height;
    return TRUE;
}

/* The zoom at which the photo fits the window, as GtkPicture draws it when fitted. */
static double fit_zoom(GlancePhotoViewer *self)
{
    double width = 0, height = 0;
    int view_w = gtk_widget_get_width(GTK_WIDGET(self->scroller));
    int view_h = gtk_widget_get_height(GTK_WIDGET(self->scroller));
    if (!photo_size(self, &width, &height) || view_w <= 0 || view_h <= 0)
        return 1.0;
    return MIN(view_w / width, view_h / height);
}

static void set_zoom(GlancePhotoViewer *self, double zoom)
{
    double width = 0, height = 0;
    if (!photo_size(self, &width, &height))
        zoom = 0;
    double fit = fit_zoom(self), most = MAX(ZOOM_MAX, 4 * fit);
    if (zoom > 0 && zoom <= fit * 1.001)
        zoom = 0;   /* zooming out past the window's size is fitting */
    self->zoom = MIN(zoom, most);
    if (self->zoom == 0)
        gtk_widget_set_size_request(GTK_WIDGET(self->picture), -1, -1);
    else
        gtk_widget_set_size_request(GTK_WIDGET(self->picture), (int)(width * self->zoom), (int)(height * self->zoom));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "viewer.zoom-out", self->zoom > 0);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "viewer.zoom-fit", self->zoom > 0);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "viewer.zoom-in", self->texture && self->zoom < most);
}

static double current_zoom(GlancePhotoViewer *self)
{
    return self->zoom > 0 ? self->zoom : fit_zoom(self);
}

static void zoom_in_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    set_zoom(self, current_zoom(self) * ZOOM_STEP);
}

static void zoom_out_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    set_zoom(self, current_zoom(self) / ZOOM_STEP);
}

static void zoom_fit_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    set_zoom(GLANCE_PHOTO_VIEWER(widget), 0);
}

/* Ctrl+scroll zooms; a plain scroll scrolls. */
static gboolean on_scroll(GtkEventControllerScroll *scroll, double dx, double dy, gpointer data)
{
    (void)dx;
    GlancePhotoViewer *self = data;
    GdkModifierType state = gtk_event_controller_get_current_event_state(GTK_EVENT_CONTROLLER(scroll));
    if (!(state & GDK_CONTROL_MASK) || dy == 0)
        return FALSE;
    set_zoom(self, current_zoom(self) * (dy < 0 ? ZOOM_STEP : 1 / ZOOM_STEP));
    return TRUE;
}

static void on_pinch_begin(GtkGesture *gesture, GdkEventSequence *sequence, gpointer data)
{
    (void)gesture, (void)sequence;
    GlancePhotoViewer *self = data;
    self->pinch_start_zoom = current_zoom(self);
}

static void on_pinch(GtkGestureZoom *gesture, double scale, gpointer data)
{
    (void)gesture;
    GlancePhotoViewer *self = data;
    set_zoom(self, self->pinch_start_zoom * scale);
}

/* ---- why this result? ---- */

static void stop_matching(GlancePhotoViewer *self)
{
    if (self->matching)
        g_cancellable_cancel(self->matching);
    g_clear_object(&self->matching);
}

static void show_why(GlancePhotoViewer *self, const char *text)
{
    gtk_label_set_text(self->why_label, text ? text : "");
    gtk_widget_set_visible(GTK_WIDGET(self->why_label), text != NULL);
}

static void on_matched(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlancePhotoViewer) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceMatchResult) match = glance_inference_match_finish(GLANCE_INFERENCE(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* another photo, or the toggle went off */
    g_clear_object(&self->matching);
    if (!match) {
        show_why(self, error->message);
        return;
    }
    glance_where_overlay_picture_set_where(self->picture, match->where);
    g_autofree char *percent = glance_format_percent(match->judgement.probability);
    /* Translators: how well the photo matches the search's words, e.g. "Matches “red car”: 84%" */
    g_autofree char *text = g_strdup_printf(_("Matches “%s”: %s"), self->search_text, percent);
    show_why(self, text);
}

/* The map of the search's words on the photo shown, fetched once the toggle is on. */
static void match_shown_photo(GlancePhotoViewer *self)
{
    stop_matching(self);
    if (!self->search_text || !self->path || !gtk_toggle_button_get_active(self->why_toggle) ||
        glance_where_overlay_picture_get_where(self->picture))
        return;
    self->matching = g_cancellable_new();
    show_why(self, _("Looking at the photo…"));
    g_autoptr(GFile) file = g_file_new_for_path(self->path);
    g_autoptr(GlancePicture) picture = glance_picture_new_for_file(file);
    glance_inference_match_async(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT), picture,
                                 self->search_text, self->matching, on_matched, g_object_ref(self));
}

static void on_why_toggled(GlancePhotoViewer *self)
{
    gboolean on = gtk_toggle_button_get_active(self->why_toggle);
    glance_where_overlay_picture_set_show_where(self->picture, on);
    if (on) {
        match_shown_photo(self);
    } else {   /* the map goes with its line: on again asks again */
        stop_matching(self);
        glance_where_overlay_picture_set_where(self->picture, NULL);
        show_why(self, NULL);
    }
}

void glance_photo_viewer_set_search_text(GlancePhotoViewer *self, const char *text)
{
    g_free(self->search_text);
    self->search_text = text && *text ? g_strdup(text) : NULL;
    gtk_widget_set_visible(self->why_box, self->search_text != NULL);
    glance_where_overlay_picture_set_where(self->picture, NULL);
    match_shown_photo(self);
}

/* ---- loading ---- */

static void show_error(GlancePhotoViewer *self, const GError *error)
{
    adw_status_page_set_description(self->error_page, error->message);
    gtk_stack_set_visible_child_name(self->stack, "error");
}

static void on_pixbuf_loaded(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GlancePhotoViewer *self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (!pixbuf) {
        show_error(self, error);
        return;
    }
    g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation(pixbuf);
    g_set_object(&self->texture, NULL);
    self->texture = gdk_texture_new_for_pixbuf(upright);
    glance_where_overlay_picture_set_paintable(self->picture, GDK_PAINTABLE(self->texture));
    gtk_stack_set_visible_child_name(self->stack, "picture");
    set_zoom(self, 0);
}

/* The largest box the photo is decoded into: the monitor in device pixels. */
static int decode_bound(GlancePhotoViewer *self)
{
    GtkWidget *widget = GTK_WIDGET(self);
    GdkDisplay *display = gtk_widget_get_display(widget);
    GtkNative *native = gtk_widget_get_native(widget);
    GdkSurface *surface = native ? gtk_native_get_surface(native) : NULL;
    GdkMonitor *monitor = surface ? gdk_display_get_monitor_at_surface(display, surface) : NULL;
    if (!monitor) {
        GListModel *monitors = gdk_display_get_monitors(display);
        g_autoptr(GdkMonitor) first = g_list_model_get_n_items(monitors) ? g_list_model_get_item(monitors, 0) : NULL;
        monitor = first;
        if (!monitor)
            return 2048;
    }
    GdkRectangle geometry;
    gdk_monitor_get_geometry(monitor, &geometry);
    int scale = gdk_monitor_get_scale_factor(monitor);
    return MAX(geometry.width, geometry.height) * MAX(scale, 1);
}

static void on_file_read(GObject *source, GAsyncResult *result, gpointer data)
{
    GlancePhotoViewer *self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GFileInputStream) stream = g_file_read_finish(G_FILE(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (!stream) {
        show_error(self, error);
        return;
    }
    /* Never larger than the photo itself: the at-scale loader would enlarge a small one. */
    int bound = decode_bound(self);
    int width = self->details->width > 0 ? MIN(self->details->width, bound) : bound;
    int height = self->details->height > 0 ? MIN(self->details->height, bound) : bound;
    gdk_pixbuf_new_from_stream_at_scale_async(G_INPUT_STREAM(stream), width, height, TRUE, self->loading,
                                              on_pixbuf_loaded, self);
}

static void set_row(AdwActionRow *row, const char *value)
{
    adw_action_row_set_subtitle(row, value ? value : "");
    gtk_widget_set_visible(GTK_WIDGET(row), value != NULL);
}

static void show_details(GlancePhotoViewer *self)
{
    GlancePhotoDetails *details = self->details;
    /* Translators: when a photo was taken, as GDateTime formats it: "14 July 2021, 18:30" */
    g_autofree char *taken = details->taken ? g_date_time_format(details->taken, _("%-d %B %Y, %H:%M")) : NULL;
    set_row(self->taken_row, taken);
    g_autofree char *camera = glance_photo_details_dup_camera(details);
    set_row(self->camera_row, camera);
    /* Translators: a photo's pixel size: "4000 × 3000 pixels (12.0 MP)" */
    g_autofree char *dimensions = details->width > 0
        ? g_strdup_printf(_("%d × %d pixels (%.1f MP)"), details->width, details->height,
                          (double)details->width * details->height / 1e6) : NULL;
    set_row(self->dimensions_row, dimensions);
    g_autofree char *size = g_format_size(details->file_size);
    set_row(self->size_row, size);
    g_autofree char *folder = g_path_get_dirname(details->path);
    g_autofree char *folder_shown = g_filename_display_name(folder);
    set_row(self->folder_row, folder_shown);
}

static void on_details_read(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GlancePhotoViewer *self = data;
    g_autoptr(GError) error = NULL;
    GlancePhotoDetails *details = glance_photo_details_read_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
        g_cancellable_is_cancelled(self->loading)) {
        glance_photo_details_free(details);
        return;
    }
    if (!details) {
        show_error(self, error);
        return;
    }
    glance_photo_details_free(self->details);
    self->details = details;
    show_details(self);
    g_autoptr(GFile) file = g_file_new_for_path(self->path);
    g_file_read_async(file, G_PRIORITY_DEFAULT, self->loading, on_file_read, self);
}

static void show_position(GlancePhotoViewer *self, guint position)
{
    g_autoptr(GlancePhotoItem) item = g_list_model_get_item(self->results, position);
    if (!item)
        return;
    self->position = position;
    g_free(self->path);
    self->path = g_strdup(glance_photo_item_get_path(item));
    if (self->loading)
        g_cancellable_cancel(self->loading);
    g_clear_object(&self->loading);
    self->loading = g_cancellable_new();
    g_clear_object(&self->texture);
    g_clear_pointer(&self->details, glance_photo_details_free);
    glance_where_overlay_picture_set_paintable(self->picture, NULL);
    glance_where_overlay_picture_set_where(self->picture, NULL);   /* the last photo's */
    show_why(self, NULL);
    gtk_stack_set_visible_child_name(self->stack, "loading");
    set_zoom(self, 0);

    guint n = g_list_model_get_n_items(self->results);
    adw_window_title_set_title(self->window_title, glance_photo_item_get_title(item));
    /* Translators: where the photo shown is among the search results: "3 of 12" */
    g_autofree char *where = g_strdup_printf(_("%u of %u"), position + 1, n);
    adw_window_title_set_subtitle(self->window_title, where);
    gtk_window_set_title(GTK_WINDOW(self), glance_photo_item_get_title(item));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "viewer.previous", position > 0);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "viewer.next", position + 1 < n);
    glance_photo_details_read_async(self->path, self->loading, on_details_read, self);
    match_shown_photo(self);
}

/* ---- actions ---- */

static void previous_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    if (self->position > 0)
        show_position(self, self->position - 1);
}

static void next_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    if (self->position + 1 < g_list_model_get_n_items(self->results))
        show_position(self, self->position + 1);
}

/* Ask, Compare and Find Similar happen on the main window's pages: hand over and close. */
static void hand_over(GlancePhotoViewer *self, const char *page_action)
{
    g_autofree char *path = g_strdup(self->path);
    GtkWidget *source = self->source;
    gtk_window_close(GTK_WINDOW(self));
    if (source && path)
        gtk_widget_activate_action(source, page_action, "s", path);
}

static void ask_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    hand_over(GLANCE_PHOTO_VIEWER(widget), "page.ask-about");
}

static void compare_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    hand_over(GLANCE_PHOTO_VIEWER(widget), "page.compare");
}

static void find_similar_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    hand_over(GLANCE_PHOTO_VIEWER(widget), "page.find-similar");
}

static void open_with_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    if (self->path)
        glance_photo_open_with(GTK_WINDOW(self), self->path);
}

static void show_in_files_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(widget);
    if (self->path)
        glance_photo_show_in_files(widget, self->path);
}

static void close_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    gtk_window_close(GTK_WINDOW(widget));
}

static void menu_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    gtk_menu_button_popup(GLANCE_PHOTO_VIEWER(widget)->menu_button);
}

/* ---- object ---- */

static void add_key(GtkShortcutController *keys, guint key, GdkModifierType mods, const char *action)
{
    gtk_shortcut_controller_add_shortcut(keys, gtk_shortcut_new(gtk_keyval_trigger_new(key, mods),
                                                                gtk_named_action_new(action)));
}

static void glance_photo_viewer_dispose(GObject *object)
{
    GlancePhotoViewer *self = GLANCE_PHOTO_VIEWER(object);
    if (self->loading)
        g_cancellable_cancel(self->loading);
    g_clear_object(&self->loading);
    stop_matching(self);
    g_clear_pointer(&self->search_text, g_free);
    g_clear_weak_pointer(&self->source);
    g_clear_object(&self->results);
    g_clear_object(&self->texture);
    g_clear_pointer(&self->details, glance_photo_details_free);
    g_clear_pointer(&self->path, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_PHOTO_VIEWER);
    G_OBJECT_CLASS(glance_photo_viewer_parent_class)->dispose(object);
}

static void glance_photo_viewer_class_init(GlancePhotoViewerClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_photo_viewer_dispose;
    g_type_ensure(GLANCE_TYPE_WHERE_OVERLAY_PICTURE);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-photo-viewer.ui");
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, window_title);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, menu_button);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, stack);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, scroller);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, picture);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, error_page);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, taken_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, camera_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, dimensions_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, size_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, folder_row);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, why_box);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, why_toggle);
    gtk_widget_class_bind_template_child(widget_class, GlancePhotoViewer, why_label);
    gtk_widget_class_bind_template_callback(widget_class, on_why_toggled);
    gtk_widget_class_install_action(widget_class, "viewer.previous", NULL, previous_action);
    gtk_widget_class_install_action(widget_class, "viewer.next", NULL, next_action);
    gtk_widget_class_install_action(widget_class, "viewer.zoom-in", NULL, zoom_in_action);
    gtk_widget_class_install_action(widget_class, "viewer.zoom-out", NULL, zoom_out_action);
    gtk_widget_class_install_action(widget_class, "viewer.zoom-fit", NULL, zoom_fit_action);
    gtk_widget_class_install_action(widget_class, "viewer.ask", NULL, ask_action);
    gtk_widget_class_install_action(widget_class, "viewer.compare", NULL, compare_action);
    gtk_widget_class_install_action(widget_class, "viewer.find-similar", NULL, find_similar_action);
    gtk_widget_class_install_action(widget_class, "viewer.open-with", NULL, open_with_action);
    gtk_widget_class_install_action(widget_class, "viewer.show-in-files", NULL, show_in_files_action);
    gtk_widget_class_install_action(widget_class, "viewer.close", NULL, close_action);
    gtk_widget_class_install_action(widget_class, "viewer.menu", NULL, menu_action);
}

static void glance_photo_viewer_init(GlancePhotoViewer *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    GtkEventController *keys = gtk_shortcut_controller_new();
    gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
    GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER(keys);
    add_key(shortcuts, GDK_KEY_Left, 0, "viewer.previous");
    add_key(shortcuts, GDK_KEY_Right, 0, "viewer.next");
    add_key(shortcuts, GDK_KEY_Escape, 0, "viewer.close");
    add_key(shortcuts, GDK_KEY_plus, 0, "viewer.zoom-in");
    add_key(shortcuts, GDK_KEY_equal, 0, "viewer.zoom-in");
    add_key(shortcuts, GDK_KEY_KP_Add, 0, "viewer.zoom-in");
    add_key(shortcuts, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in");
    add_key(shortcuts, GDK_KEY_minus, 0, "viewer.zoom-out");
    add_key(shortcuts, GDK_KEY_KP_Subtract, 0, "viewer.zoom-out");
    add_key(shortcuts, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out");
    add_key(shortcuts, GDK_KEY_0, 0, "viewer.zoom-fit");
    add_key(shortcuts, GDK_KEY_0, GDK_CONTROL_MASK, "viewer.zoom-fit");
    add_key(shortcuts, GDK_KEY_F10, 0, "viewer.menu");
    gtk_widget_add_controller(GTK_WIDGET(self), keys);

    GtkEventController *scroll = gtk_event_controller_scroll_new(GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
    gtk_event_controller_set_propagation_phase(scroll, GTK_PHASE_CAPTURE);
    g_signal_connect(scroll, "scroll", G_CALLBACK(on_scroll), self);
    gtk_widget_add_controller(GTK_WIDGET(self->scroller), scroll);
    GtkGesture *pinch = gtk_gesture_zoom_new();
    g_signal_connect(pinch, "begin", G_CALLBACK(on_pinch_begin), self);
    g_signal_connect(pinch, "scale-changed", G_CALLBACK(on_pinch), self);
    gtk_widget_add_controller(GTK_WIDGET(self->scroller), GTK_EVENT_CONTROLLER(pinch));
}

GlancePhotoViewer *glance_photo_viewer_new(GtkWidget *source, GListModel *results, guint position)
{
    GtkRoot *root = gtk_widget_get_root(source);
    GlancePhotoViewer *self = g_object_new(GLANCE_TYPE_PHOTO_VIEWER,
                                           "transient-for", GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL,
                                           "application", GTK_IS_WINDOW(root)
                                               ? gtk_window_get_application(GTK_WINDOW(root)) : NULL,
                                           NULL);
    g_set_weak_pointer(&self->source, source);
    self->results = g_object_ref(results);
    show_position(self, position);
    return self;
}

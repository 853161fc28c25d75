/* glance-window.c — routes window-wide shortcuts to the visible page (each page installs
 * page.open, page.focus-entry and page.cancel), restores its size, and notes when the
 * first frame is painted (GLANCE_TIMING=1 prints it). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-ask-page.h"
#include "glance-compare-page.h"
#include "glance-search-page.h"
#include "glance-window.h"

struct _GlanceWindow {
    AdwApplicationWindow parent_instance;
    AdwToastOverlay *toast_overlay;
    AdwViewStack *stack;
    GlanceAskPage *ask_page;
    GlanceSearchPage *search_page;
    GlanceComparePage *compare_page;
    GSettings *settings;
    char *last_toast;   /* the title of the last toast shown (read by the UI test) */
    gulong after_paint_id;
    double first_frame_ms;
};

G_DEFINE_FINAL_TYPE(GlanceWindow, glance_window, ADW_TYPE_APPLICATION_WINDOW)

void glance_window_add_toast(GlanceWindow *self, AdwToast *toast)
{
    g_free(self->last_toast);
    self->last_toast = g_strdup(adw_toast_get_title(toast));
    adw_toast_overlay_add_toast(self->toast_overlay, toast);
}

const char *glance_window_get_last_toast(GlanceWindow *self)
{
    return self->last_toast;
}

static void add_toast_to(GtkWidget *widget, AdwToast *toast)
{
    GtkRoot *root = gtk_widget_get_root(widget);
    if (GLANCE_IS_WINDOW(root))
        glance_window_add_toast(GLANCE_WINDOW(root), toast);
    else if (ADW_IS_PREFERENCES_WINDOW(root))
        adw_preferences_window_add_toast(ADW_PREFERENCES_WINDOW(root), toast);
    else {
        g_warning("%s", adw_toast_get_title(toast));
        g_object_unref(toast);
    }
}

static void on_details_clicked(AdwToast *toast, gpointer data)
{
    GtkWidget *parent = data;
    const char *summary = g_object_get_data(G_OBJECT(toast), "summary");
    const char *details = g_object_get_data(G_OBJECT(toast), "details");
    GtkWidget *dialog = adw_message_dialog_new(GTK_WINDOW(parent), summary, details);
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "close", _("_Close"));
    gtk_window_present(GTK_WINDOW(dialog));
}

void glance_show_error(GtkWidget *widget, const char *summary, const char *details)
{
    g_debug("error: %s: %s", summary, details ? details : "");
    g_autofree char *title = g_markup_escape_text(summary, -1);   /* a toast's title is markup */
    AdwToast *toast = adw_toast_new(title);
    adw_toast_set_timeout(toast, 8);
    GtkRoot *root = gtk_widget_get_root(widget);
    if (details && *details && GTK_IS_WINDOW(root)) {
        adw_toast_set_button_label(toast, _("_Details"));
        g_object_set_data_full(G_OBJECT(toast), "summary", g_strdup(summary), g_free);
        g_object_set_data_full(G_OBJECT(toast), "details", g_strdup(details), g_free);
        g_signal_connect_object(toast, "button-clicked", G_CALLBACK(on_details_clicked), root, 0);
    }
    add_toast_to(widget, toast);
}

void glance_show_toast(GtkWidget *widget, const char *message)
{
    g_debug("toast: %s", message);
    g_autofree char *title = g_markup_escape_text(message, -1);
    AdwToast *toast = adw_toast_new(title);
    adw_toast_set_timeout(toast, 6);
    add_toast_to(widget, toast);
}

GtkWidget *glance_window_get_page(GlanceWindow *self, const char *name)
{
    return adw_view_stack_get_child_by_name(self->stack, name);
}

const char *glance_window_get_page_name(GlanceWindow *self)
{
    return adw_view_stack_get_visible_child_name(self->stack);
}

void glance_window_set_page(GlanceWindow *self, const char *name)
{
    if (glance_window_get_page(self, name))
        adw_view_stack_set_visible_child_name(self->stack, name);
}

void glance_window_open_files(GlanceWindow *self, GFile **files, int n_files)
{
    if (n_files < 1)
        return;
    glance_window_set_page(self, "ask");
    glance_ask_page_load_file(self->ask_page, files[0]);
}

double glance_window_get_first_frame_ms(GlanceWindow *self)
{
    return self->first_frame_ms;
}

/* ---- actions ---- */

static void page_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name;
    glance_window_set_page(GLANCE_WINDOW(widget), g_variant_get_string(param, NULL));
}

/* win.open -> page.open on the visible page, and so on. */
static void forward_to_page(GtkWidget *widget, const char *name, GVariant *param)
{
    GlanceWindow *self = GLANCE_WINDOW(widget);
    GtkWidget *page = adw_view_stack_get_visible_child(self->stack);
    g_autofree char *page_action_name = g_strconcat("page.", strchr(name, '.') + 1, NULL);
    if (page)
        gtk_widget_activate_action_variant(page, page_action_name, param);
}

static gboolean on_paste_shortcut(GtkWidget *widget, GVariant *args, gpointer data)
{
    (void)args, (void)data;
    GlanceWindow *self = GLANCE_WINDOW(widget);
    GdkClipboard *clipboard = gtk_widget_get_clipboard(widget);
    GtkWidget *page = adw_view_stack_get_visible_child(self->stack);
    /* Images go to the page; anything else falls through to the focused entry. */
    if (page == GTK_WIDGET(self->ask_page))
        return glance_ask_page_paste(self->ask_page, clipboard);
    if (page == GTK_WIDGET(self->compare_page))
        return glance_compare_page_paste(self->compare_page, clipboard);
    return FALSE;
}

/* ---- state ---- */

static void on_after_paint(GdkFrameClock *clock, gpointer data)
{
    GlanceWindow *self = data;
    GApplication *app = g_application_get_default();
    gint64 start = GLANCE_IS_APPLICATION(app) ? glance_application_get_start_time(GLANCE_APPLICATION(app)) : 0;
    self->first_frame_ms = (g_get_monotonic_time() - start) / 1000.0;
    if (g_getenv("GLANCE_TIMING"))
        g_printerr("glance-timing: first-frame %.1f ms after start (realtime %" G_GINT64_FORMAT " us)\n",
                   self->first_frame_ms, g_get_real_time());
    g_clear_signal_handler(&self->after_paint_id, clock);
}

static void glance_window_realize(GtkWidget *widget)
{
    GlanceWindow *self = GLANCE_WINDOW(widget);
    GTK_WIDGET_CLASS(glance_window_parent_class)->realize(widget);
    GdkFrameClock *clock = gtk_widget_get_frame_clock(widget);
    if (clock && self->first_frame_ms < 0)
        self->after_paint_id = g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), self);
}

static gboolean glance_window_close_request(GtkWindow *window)
{
    GlanceWindow *self = GLANCE_WINDOW(window);
    if (self->settings) {
        int width = 0, height = 0;
        gtk_window_get_default_size(window, &width, &height);
        g_settings_delay(self->settings);
        g_settings_set_boolean(self->settings, "window-maximized", gtk_window_is_maximized(window));
        if (!gtk_window_is_maximized(window) && width > 0 && height > 0) {
            g_settings_set_int(self->settings, "window-width", width);
            g_settings_set_int(self->settings, "window-height", height);
        }
        g_settings_set_string(self->settings, "last-page", glance_window_get_page_name(self));
        g_settings_apply(self->settings);
    }
    return GTK_WINDOW_CLASS(glance_window_parent_class)->close_request(window);
}

static void glance_window_dispose(GObject *object)
{
    GlanceWindow *self = GLANCE_WINDOW(object);
    if (self->after_paint_id) {
        GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self));
        if (clock)
            g_clear_signal_handler(&self->after_paint_id, clock);
        self->after_paint_id = 0;
    }
    g_clear_object(&self->settings);
    g_clear_pointer(&self->last_toast, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_WINDOW);
    G_OBJECT_CLASS(glance_window_parent_class)->dispose(object);
}

static void glance_window_class_init(GlanceWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_window_dispose;
    widget_class->realize = glance_window_realize;
    GTK_WINDOW_CLASS(klass)->close_request = glance_window_close_request;

    g_type_ensure(GLANCE_TYPE_ASK_PAGE);
    g_type_ensure(GLANCE_TYPE_SEARCH_PAGE);
    g_type_ensure(GLANCE_TYPE_COMPARE_PAGE);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-window.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceWindow, toast_overlay);
    gtk_widget_class_bind_template_child(widget_class, GlanceWindow, stack);
    gtk_widget_class_bind_template_child(widget_class, GlanceWindow, ask_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceWindow, search_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceWindow, compare_page);

    gtk_widget_class_install_action(widget_class, "win.page", "s", page_action);
    gtk_widget_class_install_action(widget_class, "win.open", NULL, forward_to_page);
    gtk_widget_class_install_action(widget_class, "win.focus-entry", NULL, forward_to_page);
    gtk_widget_class_install_action(widget_class, "win.cancel", NULL, forward_to_page);

    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.page", "s", "ask");
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.page", "s", "search");
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.page", "s", "compare");
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-entry", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.focus-entry", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

static void glance_window_init(GlanceWindow *self)
{
    self->first_frame_ms = -1;
    gtk_widget_init_template(GTK_WIDGET(self));

    /* Ctrl+V in the capture phase: an image on the clipboard wins over the focused
     * entry's text paste; other content continues to the entry. */
    GtkEventController *paste = gtk_shortcut_controller_new();
    gtk_event_controller_set_propagation_phase(paste, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(paste),
        gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_v, GDK_CONTROL_MASK),
                         gtk_callback_action_new(on_paste_shortcut, NULL, NULL)));
    gtk_widget_add_controller(GTK_WIDGET(self), paste);
}

GlanceWindow *glance_window_new(GlanceApplication *app)
{
    GlanceWindow *self = g_object_new(GLANCE_TYPE_WINDOW, "application", app, NULL);
    GSettings *settings = glance_application_get_settings(app);
    if (settings) {
        self->settings = g_object_ref(settings);
        gtk_window_set_default_size(GTK_WINDOW(self), g_settings_get_int(settings, "window-width"),
                                    g_settings_get_int(settings, "window-height"));
        if (g_settings_get_boolean(settings, "window-maximized"))
            gtk_window_maximize(GTK_WINDOW(self));
        g_autofree char *page = g_settings_get_string(settings, "last-page");
        glance_window_set_page(self, page);
    }
    return self;
}

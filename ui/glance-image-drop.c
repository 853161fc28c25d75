/* glance-image-drop.c — files and textures arrive by drop, paste or the file chooser;
 * all become a GlancePhoto that loads off the main thread before it is shown. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-image-drop.h"
#include "glance-window.h"

struct _GlanceImageDrop {
    GtkWidget parent_instance;
    GtkStack *stack;
    AdwStatusPage *status_page;
    GtkButton *open_button;
    GtkButton *sample_button;
    GtkSpinner *loading_spinner;
    GlanceWhereOverlayPicture *picture;

    GlancePhoto *photo;          /* shown */
    GCancellable *loading;       /* a photo being loaded, or NULL */
    GtkFileChooserNative *chooser;
    char *title;
    char *chooser_title;
};

G_DEFINE_FINAL_TYPE(GlanceImageDrop, glance_image_drop, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PHOTO, PROP_TITLE, PROP_DESCRIPTION, PROP_SAMPLE_ACTION_NAME, PROP_COMPACT, PROP_PRIMARY,
       PROP_CHOOSER_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

GlancePhoto *glance_image_drop_get_photo(GlanceImageDrop *self) { return self->photo; }
gboolean glance_image_drop_is_loading(GlanceImageDrop *self) { return self->loading != NULL; }
GlanceWhereOverlayPicture *glance_image_drop_get_picture(GlanceImageDrop *self) { return self->picture; }

static void show_current(GlanceImageDrop *self)
{
    gboolean has_photo = self->photo != NULL;
    gtk_stack_set_visible_child_name(self->stack, self->loading ? "loading" : has_photo ? "image" : "empty");
    gtk_spinner_set_spinning(self->loading_spinner, self->loading != NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "drop.clear", has_photo);
    GdkPaintable *shown = has_photo ? GDK_PAINTABLE(glance_photo_get_texture(self->photo)) : NULL;
    /* A map belongs to the photo it was made on. */
    if (shown != glance_where_overlay_picture_get_paintable(self->picture))
        glance_where_overlay_picture_set_where(self->picture, NULL);
    glance_where_overlay_picture_set_paintable(self->picture, shown);
    if (has_photo) {
        gtk_accessible_update_property(GTK_ACCESSIBLE(self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       glance_photo_get_title(self->photo), -1);
        gtk_widget_set_tooltip_text(GTK_WIDGET(self->picture), glance_photo_get_title(self->photo));
    }
}

static void cancel_loading(GlanceImageDrop *self)
{
    if (self->loading) {
        g_cancellable_cancel(self->loading);
        g_clear_object(&self->loading);
    }
}

void glance_image_drop_set_photo(GlanceImageDrop *self, GlancePhoto *photo)
{
    g_return_if_fail(!photo || glance_photo_is_loaded(photo));
    cancel_loading(self);
    if (g_set_object(&self->photo, photo))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_PHOTO]);
    show_current(self);
}

typedef struct {
    GlanceImageDrop *self;
    GCancellable *cancellable;
} LoadData;

static void on_photo_loaded(GObject *source, GAsyncResult *result, gpointer data)
{
    LoadData *load = data;
    g_autoptr(GError) error = NULL;
    gboolean ok = glance_photo_load_finish(GLANCE_PHOTO(source), result, &error);
    if (!g_cancellable_is_cancelled(load->cancellable)) {
        GlanceImageDrop *self = load->self;
        g_clear_object(&self->loading);
        if (ok) {
            glance_image_drop_set_photo(self, GLANCE_PHOTO(source));
        } else {
            /* Translators: %s is a file name */
            g_autofree char *summary = g_strdup_printf(_("Could not open “%s”"),
                                                       glance_photo_get_title(GLANCE_PHOTO(source)));
            glance_show_error(GTK_WIDGET(self), summary, error->message);
            show_current(self);
        }
    }
    g_object_unref(load->self);
    g_object_unref(load->cancellable);
    g_free(load);
}

void glance_image_drop_load(GlanceImageDrop *self, GlancePhoto *photo)
{
    if (glance_photo_is_loaded(photo)) {
        glance_image_drop_set_photo(self, photo);
        return;
    }
    cancel_loading(self);
    self->loading = g_cancellable_new();
    LoadData *load = g_new0(LoadData, 1);
    load->self = g_object_ref(self);
    load->cancellable = g_object_ref(self->loading);
    glance_photo_load_async(photo, self->loading, on_photo_loaded, load);
    show_current(self);
}

void glance_image_drop_load_file(GlanceImageDrop *self, GFile *file)
{
    g_autoptr(GlancePhoto) photo = glance_photo_new_for_file(file);
    glance_image_drop_load(self, photo);
}

static void load_texture(GlanceImageDrop *self, GdkTexture *texture)
{
    g_autoptr(GlancePhoto) photo = glance_photo_new_for_texture(texture);
    glance_image_drop_load(self, photo);
}

/* ---- file chooser ---- */

static void on_chooser_response(GtkNativeDialog *dialog, int response, gpointer data)
{
    GlanceImageDrop *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        if (file)
            glance_image_drop_load_file(self, file);
    }
    g_clear_object(&self->chooser);
}

void glance_image_drop_open(GlanceImageDrop *self)
{
    if (self->chooser)
        return;
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    self->chooser = gtk_file_chooser_native_new(self->chooser_title ? self->chooser_title : _("Choose an Image"),
                                                GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL,
                                                GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
    GtkFileFilter *images = gtk_file_filter_new();
    gtk_file_filter_set_name(images, _("Images"));
    gtk_file_filter_add_pixbuf_formats(images);
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(self->chooser), images);
    GtkFileFilter *all = gtk_file_filter_new();
    gtk_file_filter_set_name(all, _("All Files"));
    gtk_file_filter_add_pattern(all, "*");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(self->chooser), all);
    gtk_file_chooser_set_filter(GTK_FILE_CHOOSER(self->chooser), images);
    g_object_unref(images);
    g_object_unref(all);
    g_signal_connect(self->chooser, "response", G_CALLBACK(on_chooser_response), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(self->chooser));
}

static void open_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_image_drop_open(GLANCE_IMAGE_DROP(widget));
}

static void clear_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_image_drop_set_photo(GLANCE_IMAGE_DROP(widget), NULL);
}

/* ---- drag and drop, paste ---- */

static gboolean on_drop(GtkDropTarget *target, const GValue *value, double x, double y, gpointer data)
{
    (void)target, (void)x, (void)y;
    GlanceImageDrop *self = data;
    if (G_VALUE_HOLDS(value, GDK_TYPE_FILE_LIST)) {
        GSList *files = g_value_get_boxed(value);
        if (!files)
            return FALSE;
        glance_image_drop_load_file(self, files->data);
        return TRUE;
    }
    if (G_VALUE_HOLDS(value, GDK_TYPE_TEXTURE)) {
        load_texture(self, g_value_get_object(value));
        return TRUE;
    }
    return FALSE;
}

static void on_clipboard_texture(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlanceImageDrop) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish(GDK_CLIPBOARD(source), result, &error);
    if (texture)
        load_texture(self, texture);
    else
        glance_show_toast(GTK_WIDGET(self), _("The clipboard holds no image"));
}

static void on_clipboard_files(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlanceImageDrop) self = data;
    g_autoptr(GError) error = NULL;
    const GValue *value = gdk_clipboard_read_value_finish(GDK_CLIPBOARD(source), result, &error);
    GSList *files = value ? g_value_get_boxed(value) : NULL;
    if (files)
        glance_image_drop_load_file(self, files->data);
    else
        glance_show_toast(GTK_WIDGET(self), _("The clipboard holds no image"));
}

gboolean glance_image_drop_paste(GlanceImageDrop *self, GdkClipboard *clipboard)
{
    GdkContentFormats *formats =
        gdk_content_formats_union_deserialize_gtypes(gdk_content_formats_ref(gdk_clipboard_get_formats(clipboard)));
    gboolean has_texture = gdk_content_formats_contain_gtype(formats, GDK_TYPE_TEXTURE);
    gboolean has_files = gdk_content_formats_contain_gtype(formats, GDK_TYPE_FILE_LIST);
    gdk_content_formats_unref(formats);
    if (has_texture)
        gdk_clipboard_read_texture_async(clipboard, NULL, on_clipboard_texture, g_object_ref(self));
    else if (has_files)
        gdk_clipboard_read_value_async(clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                       on_clipboard_files, g_object_ref(self));
    return has_texture || has_files;
}

/* ---- object ---- */

static void glance_image_drop_dispose(GObject *object)
{
    GlanceImageDrop *self = GLANCE_IMAGE_DROP(object);
    cancel_loading(self);
    if (self->chooser)
        gtk_native_dialog_destroy(GTK_NATIVE_DIALOG(self->chooser));
    g_clear_object(&self->chooser);
    g_clear_object(&self->photo);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_IMAGE_DROP);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_image_drop_parent_class)->dispose(object);
}

static void glance_image_drop_finalize(GObject *object)
{
    g_free(GLANCE_IMAGE_DROP(object)->title);
    g_free(GLANCE_IMAGE_DROP(object)->chooser_title);
    G_OBJECT_CLASS(glance_image_drop_parent_class)->finalize(object);
}

static void glance_image_drop_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GlanceImageDrop *self = GLANCE_IMAGE_DROP(object);
    switch (id) {
    case PROP_PHOTO:
        g_value_set_object(value, self->photo);
        break;
    case PROP_TITLE:
        g_value_set_string(value, self->title);
        break;
    case PROP_DESCRIPTION:
        g_value_set_string(value, adw_status_page_get_description(self->status_page));
        break;
    case PROP_SAMPLE_ACTION_NAME:
        g_value_set_string(value, gtk_actionable_get_action_name(GTK_ACTIONABLE(self->sample_button)));
        break;
    case PROP_COMPACT:
        g_value_set_boolean(value, gtk_widget_has_css_class(GTK_WIDGET(self->status_page), "compact"));
        break;
    case PROP_PRIMARY:
        g_value_set_boolean(value, gtk_widget_has_css_class(GTK_WIDGET(self->open_button), "suggested-action"));
        break;
    case PROP_CHOOSER_TITLE:
        g_value_set_string(value, self->chooser_title);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_image_drop_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    GlanceImageDrop *self = GLANCE_IMAGE_DROP(object);
    switch (id) {
    case PROP_PHOTO:
        glance_image_drop_set_photo(self, g_value_get_object(value));
        break;
    case PROP_TITLE:
        g_free(self->title);
        self->title = g_value_dup_string(value);
        adw_status_page_set_title(self->status_page, self->title);
        gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       self->title ? self->title : "", -1);
        break;
    case PROP_DESCRIPTION:
        adw_status_page_set_description(self->status_page, g_value_get_string(value));
        gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       g_value_get_string(value) ? g_value_get_string(value) : "", -1);
        break;
    case PROP_SAMPLE_ACTION_NAME:
        gtk_actionable_set_action_name(GTK_ACTIONABLE(self->sample_button), g_value_get_string(value));
        gtk_widget_set_visible(GTK_WIDGET(self->sample_button), g_value_get_string(value) != NULL);
        break;
    case PROP_COMPACT:
        if (g_value_get_boolean(value))
            gtk_widget_add_css_class(GTK_WIDGET(self->status_page), "compact");
        else
            gtk_widget_remove_css_class(GTK_WIDGET(self->status_page), "compact");
        break;
    case PROP_PRIMARY:
        if (g_value_get_boolean(value))
            gtk_widget_add_css_class(GTK_WIDGET(self->open_button), "suggested-action");
        else
            gtk_widget_remove_css_class(GTK_WIDGET(self->open_button), "suggested-action");
        break;
    case PROP_CHOOSER_TITLE:
        g_free(self->chooser_title);
        self->chooser_title = g_value_dup_string(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_image_drop_class_init(GlanceImageDropClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = glance_image_drop_dispose;
    object_class->finalize = glance_image_drop_finalize;
    object_class->get_property = glance_image_drop_get_property;
    object_class->set_property = glance_image_drop_set_property;

    properties[PROP_PHOTO] = g_param_spec_object("photo", NULL, NULL, GLANCE_TYPE_PHOTO,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL,
                                                 G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    properties[PROP_DESCRIPTION] = g_param_spec_string("description", NULL, NULL, NULL,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    properties[PROP_SAMPLE_ACTION_NAME] = g_param_spec_string("sample-action-name", NULL, NULL, NULL,
                                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    properties[PROP_COMPACT] = g_param_spec_boolean("compact", NULL, NULL, FALSE,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    /* Whether "Open Image…" is the page's primary (blue) action: one per page. */
    properties[PROP_PRIMARY] = g_param_spec_boolean("primary", NULL, NULL, TRUE,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    /* The file chooser's title, in plain words ("Choose a Photo"). */
    properties[PROP_CHOOSER_TITLE] = g_param_spec_string("chooser-title", NULL, NULL, NULL,
                                                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    g_type_ensure(GLANCE_TYPE_WHERE_OVERLAY_PICTURE);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-image-drop.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, stack);
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, status_page);
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, open_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, sample_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, loading_spinner);
    gtk_widget_class_bind_template_child(widget_class, GlanceImageDrop, picture);
    gtk_widget_class_install_action(widget_class, "drop.open", NULL, open_action);
    gtk_widget_class_install_action(widget_class, "drop.clear", NULL, clear_action);
    gtk_widget_class_set_css_name(widget_class, "glance-image-drop");
}

static void glance_image_drop_init(GlanceImageDrop *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    GtkDropTarget *target = gtk_drop_target_new(G_TYPE_INVALID, GDK_ACTION_COPY);
    GType types[] = { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE };
    gtk_drop_target_set_gtypes(target, types, G_N_ELEMENTS(types));
    g_signal_connect(target, "drop", G_CALLBACK(on_drop), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(target));
    show_current(self);
}

/* glance-where-overlay-picture.c — a photo, and optionally where the answer looked over it. */
#include "glance-where-overlay-picture.h"
#include "glance-where-overlay.h"

/* The map layer's longer side in pixels: the map is smooth, GSK scales it the rest. */
#define LAYER_SIDE 512

struct _GlanceWhereOverlayPicture {
    GtkWidget parent_instance;
    GdkPaintable *paintable;
    GlanceWhere *where;
    gboolean show_where;
    GdkTexture *layer; /* the map coloured at the photo's aspect, made on first draw */
};

G_DEFINE_FINAL_TYPE(GlanceWhereOverlayPicture, glance_where_overlay_picture, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PAINTABLE, PROP_WHERE, PROP_SHOW_WHERE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void paintable_changed(GlanceWhereOverlayPicture *self)
{
    g_clear_object(&self->layer); /* its aspect may have changed */
    gtk_widget_queue_resize(GTK_WIDGET(self));
}

/* The photo's rectangle inside width x height, its aspect kept, centred. */
static graphene_rect_t photo_rect(GlanceWhereOverlayPicture *self, double width, double height)
{
    double ratio = gdk_paintable_get_intrinsic_aspect_ratio(self->paintable);
    if (ratio <= 0)
        ratio = width / MAX(height, 1.0);
    double w = width, h = width / ratio;
    if (h > height) {
        h = height;
        w = height * ratio;
    }
    return GRAPHENE_RECT_INIT((float)((width - w) / 2), (float)((height - h) / 2), (float)w, (float)h);
}

static GdkTexture *make_layer(GlanceWhereOverlayPicture *self, const graphene_rect_t *rect)
{
    double ratio = rect->size.width / MAX(rect->size.height, 1.0f);
    int w = ratio >= 1 ? LAYER_SIDE : MAX(1, (int)(LAYER_SIDE * ratio));
    int h = ratio >= 1 ? MAX(1, (int)(LAYER_SIDE / ratio)) : LAYER_SIDE;
    g_autoptr(GdkPixbuf) layer = glance_where_overlay_layer(self->where, w, h, GLANCE_WHERE_OVERLAY_OPACITY);
    if (!layer)
        return NULL;
    g_autoptr(GBytes) bytes = g_bytes_new(gdk_pixbuf_read_pixels(layer),
                                          (gsize)gdk_pixbuf_get_rowstride(layer) * h);
    return gdk_memory_texture_new(w, h, GDK_MEMORY_R8G8B8A8, bytes, gdk_pixbuf_get_rowstride(layer));
}

gboolean glance_where_overlay_picture_get_drawing_where(GlanceWhereOverlayPicture *self)
{
    return self->show_where && self->where && self->paintable;
}

static void overlay_snapshot(GtkWidget *widget, GtkSnapshot *snapshot)
{
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(widget);
    if (!self->paintable)
        return;
    graphene_rect_t rect = photo_rect(self, gtk_widget_get_width(widget), gtk_widget_get_height(widget));
    gtk_snapshot_save(snapshot);
    gtk_snapshot_translate(snapshot, &rect.origin);
    gdk_paintable_snapshot(self->paintable, snapshot, rect.size.width, rect.size.height);
    gtk_snapshot_restore(snapshot);
    if (!glance_where_overlay_picture_get_drawing_where(self))
        return;
    if (!self->layer)
        self->layer = make_layer(self, &rect);
    if (self->layer)
        gtk_snapshot_append_texture(snapshot, self->layer, &rect);
}

static void overlay_measure(GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                            int *natural, int *minimum_baseline, int *natural_baseline)
{
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(widget);
    (void)for_size;
    *minimum = 0; /* it shrinks, like a GtkPicture with can-shrink */
    *natural = !self->paintable ? 0
               : orientation == GTK_ORIENTATION_HORIZONTAL ? gdk_paintable_get_intrinsic_width(self->paintable)
                                                           : gdk_paintable_get_intrinsic_height(self->paintable);
    *minimum_baseline = *natural_baseline = -1;
}

void glance_where_overlay_picture_set_paintable(GlanceWhereOverlayPicture *self, GdkPaintable *paintable)
{
    g_return_if_fail(GLANCE_IS_WHERE_OVERLAY_PICTURE(self));
    if (self->paintable == paintable)
        return;
    if (self->paintable)
        g_signal_handlers_disconnect_by_data(self->paintable, self);
    g_set_object(&self->paintable, paintable);
    if (paintable) {
        g_signal_connect_swapped(paintable, "invalidate-contents", G_CALLBACK(gtk_widget_queue_draw), self);
        g_signal_connect_swapped(paintable, "invalidate-size", G_CALLBACK(paintable_changed), self);
    }
    paintable_changed(self);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PAINTABLE]);
}

GdkPaintable *glance_where_overlay_picture_get_paintable(GlanceWhereOverlayPicture *self)
{
    return self->paintable;
}

void glance_where_overlay_picture_set_where(GlanceWhereOverlayPicture *self, const GlanceWhere *where)
{
    g_return_if_fail(GLANCE_IS_WHERE_OVERLAY_PICTURE(self));
    if (!self->where && !where)
        return;
    g_clear_pointer(&self->where, glance_where_free);
    self->where = where ? glance_where_copy(where) : NULL;
    g_clear_object(&self->layer);
    gtk_widget_queue_draw(GTK_WIDGET(self));
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_WHERE]);
}

const GlanceWhere *glance_where_overlay_picture_get_where(GlanceWhereOverlayPicture *self)
{
    return self->where;
}

void glance_where_overlay_picture_set_show_where(GlanceWhereOverlayPicture *self, gboolean show)
{
    g_return_if_fail(GLANCE_IS_WHERE_OVERLAY_PICTURE(self));
    show = !!show;
    if (self->show_where == show)
        return;
    self->show_where = show;
    gtk_widget_queue_draw(GTK_WIDGET(self));
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SHOW_WHERE]);
}

gboolean glance_where_overlay_picture_get_show_where(GlanceWhereOverlayPicture *self)
{
    return self->show_where;
}

GtkWidget *glance_where_overlay_picture_new(void)
{
    return g_object_new(GLANCE_TYPE_WHERE_OVERLAY_PICTURE, NULL);
}

static void overlay_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(object);
    switch (id) {
    case PROP_PAINTABLE: g_value_set_object(value, self->paintable); break;
    case PROP_WHERE: g_value_set_boxed(value, self->where); break;
    case PROP_SHOW_WHERE: g_value_set_boolean(value, self->show_where); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void overlay_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(object);
    switch (id) {
    case PROP_PAINTABLE: glance_where_overlay_picture_set_paintable(self, g_value_get_object(value)); break;
    case PROP_WHERE: glance_where_overlay_picture_set_where(self, g_value_get_boxed(value)); break;
    case PROP_SHOW_WHERE: glance_where_overlay_picture_set_show_where(self, g_value_get_boolean(value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void overlay_dispose(GObject *object)
{
    GlanceWhereOverlayPicture *self = GLANCE_WHERE_OVERLAY_PICTURE(object);
    glance_where_overlay_picture_set_paintable(self, NULL);
    g_clear_pointer(&self->where, glance_where_free);
    g_clear_object(&self->layer);
    G_OBJECT_CLASS(glance_where_overlay_picture_parent_class)->dispose(object);
}

static void glance_where_overlay_picture_class_init(GlanceWhereOverlayPictureClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->get_property = overlay_get_property;
    object_class->set_property = overlay_set_property;
    object_class->dispose = overlay_dispose;
    widget_class->snapshot = overlay_snapshot;
    widget_class->measure = overlay_measure;
    props[PROP_PAINTABLE] = g_param_spec_object("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_WHERE] = g_param_spec_boxed("where", NULL, NULL, GLANCE_TYPE_WHERE,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_SHOW_WHERE] = g_param_spec_boolean("show-where", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, props);
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_IMG);
    gtk_widget_class_set_css_name(widget_class, "where-overlay-picture");
}

static void glance_where_overlay_picture_init(GlanceWhereOverlayPicture *self)
{
    gtk_widget_set_overflow(GTK_WIDGET(self), GTK_OVERFLOW_HIDDEN);
}

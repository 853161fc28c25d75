/* glance-adaptive-box.c — a box that lays its children out in a row when the width is at
 * least "breakpoint" (and their minimum widths fit), else in a column. Along the main
 * axis, children that expand (hexpand in a row, vexpand in a column) share what the
 * others leave in equal parts, whatever their content: Compare's two images stay the
 * same size when one is removed. Children are added in .ui files as <child>. */
#include "config.h"
#include "glance-adaptive-box.h"

struct _GlanceAdaptiveBox {
    GtkWidget parent_instance;
    int breakpoint;   /* narrowest width for a row, in px */
    int spacing;      /* between children, in px */
    gboolean stacked; /* the last allocation was a column */
};

G_DEFINE_FINAL_TYPE(GlanceAdaptiveBox, glance_adaptive_box, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_BREAKPOINT, PROP_SPACING, PROP_STACKED, N_PROPS };
static GParamSpec *properties[N_PROPS];

gboolean glance_adaptive_box_get_stacked(GlanceAdaptiveBox *self) { return self->stacked; }

static guint count_visible(GlanceAdaptiveBox *self)
{
    guint n = 0;
    for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self)); c; c = gtk_widget_get_next_sibling(c))
        n += gtk_widget_should_layout(c);
    return n;
}

static int gaps(GlanceAdaptiveBox *self)
{
    guint n = count_visible(self);
    return n > 1 ? (int)(n - 1) * self->spacing : 0;
}

/* Sum of the children's minimum widths: what a row needs. */
static int row_minimum(GlanceAdaptiveBox *self)
{
    int sum = gaps(self);
    for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self)); c; c = gtk_widget_get_next_sibling(c)) {
        int min = 0;
        if (gtk_widget_should_layout(c))
            gtk_widget_measure(c, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
        sum += min;
    }
    return sum;
}

static gboolean row_fits(GlanceAdaptiveBox *self, int width)
{
    return width >= self->breakpoint && width >= row_minimum(self);
}

/* Sizes along the main axis (a row: widths for `length` px; a column: heights for a
 * width of `cross` px): non-expanding children their natural size, expanding ones equal
 * shares of the rest (at least their minimum). sizes[] follows the visible children. */
static void distribute(GlanceAdaptiveBox *self, GtkOrientation orientation, int length, int cross, int *sizes)
{
    int used = gaps(self), n_expand = 0, i = 0;
    for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self)); c; c = gtk_widget_get_next_sibling(c)) {
        if (!gtk_widget_should_layout(c))
            continue;
        int min = 0, nat = 0;
        gtk_widget_measure(c, orientation, cross, &min, &nat, NULL, NULL);
        if (gtk_widget_compute_expand(c, orientation)) {
            sizes[i] = -min - 1;   /* marks an expanding child, keeps its minimum */
            n_expand++;
        } else {
            sizes[i] = nat;
            used += nat;
        }
        i++;
    }
    int share = n_expand ? MAX(0, length - used) / n_expand : 0;
    for (int k = 0; k < i; k++)
        if (sizes[k] < 0)
            sizes[k] = MAX(share, -sizes[k] - 1);
}

static void glance_adaptive_box_measure(GtkWidget *widget, GtkOrientation orientation, int for_size,
                                        int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
    GlanceAdaptiveBox *self = GLANCE_ADAPTIVE_BOX(widget);
    int min_max = 0, nat_sum = gaps(self), min_sum = gaps(self), nat_max = 0;
    (void)min_baseline, (void)nat_baseline;
    if (orientation == GTK_ORIENTATION_HORIZONTAL) {
        /* Narrow: a column, as wide as its widest child. Natural: a row. */
        for (GtkWidget *c = gtk_widget_get_first_child(widget); c; c = gtk_widget_get_next_sibling(c)) {
            int min = 0, nat = 0;
            if (!gtk_widget_should_layout(c))
                continue;
            gtk_widget_measure(c, orientation, -1, &min, &nat, NULL, NULL);
            min_max = MAX(min_max, min);
            nat_sum += nat;
        }
        *minimum = min_max;
        *natural = MAX(nat_sum, self->breakpoint);
        return;
    }
    /* Height for a width: a row is as tall as its tallest child; a column is the sum. */
    gboolean row = for_size >= 0 && row_fits(self, for_size);
    guint n = count_visible(self), i = 0;
    g_autofree int *widths = g_new0(int, MAX(n, 1));
    if (row)
        distribute(self, GTK_ORIENTATION_HORIZONTAL, for_size, -1, widths);
    for (GtkWidget *c = gtk_widget_get_first_child(widget); c; c = gtk_widget_get_next_sibling(c)) {
        int min = 0, nat = 0;
        if (!gtk_widget_should_layout(c))
            continue;
        gtk_widget_measure(c, orientation, row ? widths[i] : for_size, &min, &nat, NULL, NULL);
        min_max = MAX(min_max, min);
        nat_max = MAX(nat_max, nat);
        min_sum += min;
        nat_sum += nat;
        i++;
    }
    if (row) {
        *minimum = min_max;
        *natural = nat_max;
    } else if (for_size >= 0) {
        *minimum = min_sum;
        *natural = nat_sum;
    } else {
        *minimum = MIN(min_max, min_sum);
        *natural = nat_max;
    }
}

static void glance_adaptive_box_size_allocate(GtkWidget *widget, int width, int height, int baseline)
{
    GlanceAdaptiveBox *self = GLANCE_ADAPTIVE_BOX(widget);
    (void)baseline;
    gboolean stacked = !row_fits(self, width);
    guint n = count_visible(self), i = 0;
    g_autofree int *sizes = g_new0(int, MAX(n, 1));
    if (stacked)
        distribute(self, GTK_ORIENTATION_VERTICAL, height, width, sizes);
    else
        distribute(self, GTK_ORIENTATION_HORIZONTAL, width, -1, sizes);
    int offset = 0;
    for (GtkWidget *c = gtk_widget_get_first_child(widget); c; c = gtk_widget_get_next_sibling(c)) {
        if (!gtk_widget_should_layout(c))
            continue;
        GtkAllocation box = stacked ? (GtkAllocation){ 0, offset, width, sizes[i] }
                                    : (GtkAllocation){ offset, 0, sizes[i], height };
        gtk_widget_size_allocate(c, &box, -1);
        offset += sizes[i] + self->spacing;
        i++;
    }
    if (stacked != self->stacked) {
        self->stacked = stacked;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STACKED]);
    }
}

static GtkSizeRequestMode glance_adaptive_box_get_request_mode(GtkWidget *widget)
{
    (void)widget;
    return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void glance_adaptive_box_dispose(GObject *object)
{
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(object)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_adaptive_box_parent_class)->dispose(object);
}

static void glance_adaptive_box_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GlanceAdaptiveBox *self = GLANCE_ADAPTIVE_BOX(object);
    switch (id) {
    case PROP_BREAKPOINT:
        g_value_set_int(value, self->breakpoint);
        break;
    case PROP_SPACING:
        g_value_set_int(value, self->spacing);
        break;
    case PROP_STACKED:
        g_value_set_boolean(value, self->stacked);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_adaptive_box_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    GlanceAdaptiveBox *self = GLANCE_ADAPTIVE_BOX(object);
    switch (id) {
    case PROP_BREAKPOINT:
        self->breakpoint = g_value_get_int(value);
        break;
    case PROP_SPACING:
        self->spacing = g_value_get_int(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        return;
    }
    gtk_widget_queue_resize(GTK_WIDGET(self));
}

static void glance_adaptive_box_class_init(GlanceAdaptiveBoxClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = glance_adaptive_box_dispose;
    object_class->get_property = glance_adaptive_box_get_property;
    object_class->set_property = glance_adaptive_box_set_property;
    widget_class->measure = glance_adaptive_box_measure;
    widget_class->size_allocate = glance_adaptive_box_size_allocate;
    widget_class->get_request_mode = glance_adaptive_box_get_request_mode;

    properties[PROP_BREAKPOINT] = g_param_spec_int("breakpoint", NULL, NULL, 0, G_MAXINT, 0,
                                                   G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    properties[PROP_SPACING] = g_param_spec_int("spacing", NULL, NULL, 0, G_MAXINT, 0,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    properties[PROP_STACKED] = g_param_spec_boolean("stacked", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
    gtk_widget_class_set_css_name(widget_class, "glance-adaptive-box");
}

static void glance_adaptive_box_init(GlanceAdaptiveBox *self)
{
    (void)self;
}

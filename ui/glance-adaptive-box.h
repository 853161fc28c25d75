/* glance-adaptive-box.h — children side by side where the width allows, else one above
 * the other: the photo beside or above the answers (Ask), the two images of Compare.
 * libadwaita 1.2 has no breakpoints; this box is the one place that decides. */
#ifndef GLANCE_ADAPTIVE_BOX_H
#define GLANCE_ADAPTIVE_BOX_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_ADAPTIVE_BOX (glance_adaptive_box_get_type())
G_DECLARE_FINAL_TYPE(GlanceAdaptiveBox, glance_adaptive_box, GLANCE, ADAPTIVE_BOX, GtkWidget)

/* TRUE while the children are stacked (the width is under "breakpoint" or under what the
 * children need side by side); notify::stacked follows it. */
gboolean glance_adaptive_box_get_stacked(GlanceAdaptiveBox *self);

G_END_DECLS
#endif

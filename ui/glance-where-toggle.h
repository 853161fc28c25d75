/* glance-where-toggle.h — the "Show Where It Looked" toggle: one choice for every page,
 * remembered in GSettings ("show-where"), laid on the pages' pictures. */
#ifndef GLANCE_WHERE_TOGGLE_H
#define GLANCE_WHERE_TOGGLE_H
#include <gtk/gtk.h>
#include "glance-where-overlay-picture.h"

G_BEGIN_DECLS

/* The toggle follows (and sets) the "show-where" setting, and `picture` shows its map
 * while the toggle is on. Call once for each picture the toggle governs. */
void glance_where_toggle_bind(GtkToggleButton *toggle, GlanceWhereOverlayPicture *picture);

G_END_DECLS
#endif

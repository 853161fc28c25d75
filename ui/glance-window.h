/* glance-window.h — the main window: three pages behind a view switcher, toasts for errors. */
#ifndef GLANCE_WINDOW_H
#define GLANCE_WINDOW_H
#include <adwaita.h>
#include "glance-application.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_WINDOW (glance_window_get_type())
G_DECLARE_FINAL_TYPE(GlanceWindow, glance_window, GLANCE, WINDOW, AdwApplicationWindow)

GlanceWindow *glance_window_new(GlanceApplication *app);
/* Files from the command line or the file manager: the first goes to Ask. */
void glance_window_open_files(GlanceWindow *self, GFile **files, int n_files);
/* "ask", "search" or "compare". */
void glance_window_set_page(GlanceWindow *self, const char *name);
GtkWidget *glance_window_get_page(GlanceWindow *self, const char *name);
const char *glance_window_get_page_name(GlanceWindow *self);
void glance_window_add_toast(GlanceWindow *self, AdwToast *toast);
/* Milliseconds from the application's start to this window's first painted frame;
 * negative until then. */
double glance_window_get_first_frame_ms(GlanceWindow *self);

/* A toast in the window holding `widget` (errors from any page or dialog). */
void glance_show_toast(GtkWidget *widget, const char *message);
/* A failure as a short toast ("Could not open “beach.jpg”") whose Details button opens
 * a dialog with the full reason. */
void glance_show_error(GtkWidget *widget, const char *summary, const char *details);
/* The title of the last toast this window showed, NULL before any. */
const char *glance_window_get_last_toast(GlanceWindow *self);

G_END_DECLS
#endif

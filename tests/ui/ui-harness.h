/* ui-harness.h — what the UI test's files share (defined in test-ui.c): the running
 * application and window, CHECK, waiting on the main loop, and finding widgets the way
 * a person finds them (by their words), visible ones first. */
#ifndef GLANCE_UI_HARNESS_H
#define GLANCE_UI_HARNESS_H
#include <adwaita.h>
#include "glance-application.h"
#include "glance-window.h"

extern int failures;
extern GlanceApplication *app;
extern GlanceWindow *window;

#define CHECK(cond, ...) do { \
    if (!(cond)) { failures++; g_printerr("FAIL %s:%d: ", __FILE__, __LINE__); g_printerr(__VA_ARGS__); g_printerr("\n"); } \
    else { g_print("ok   "); g_print(__VA_ARGS__); g_print("\n"); } \
} while (0)

typedef gboolean (*Predicate)(gpointer data);
typedef gboolean (*WidgetMatch)(GtkWidget *widget, gconstpointer data);

/* Runs the main loop until pred holds or timeout_s pass. */
gboolean wait_for(Predicate pred, gpointer data, double timeout_s);
void wait_for_paint(void);
void settle(double seconds);

gboolean shown(GtkWidget *widget);
void collect(GtkWidget *root, WidgetMatch match, gconstpointer data, GPtrArray *out);
/* The first shown widget under root that matches. */
GtkWidget *find(GtkWidget *root, WidgetMatch match, gconstpointer data);
guint count_shown(GtkWidget *root, WidgetMatch match, gconstpointer data);
gboolean is_type(GtkWidget *widget, gconstpointer type);
gboolean button_labelled(GtkWidget *widget, gconstpointer label);
gboolean label_with_prefix(GtkWidget *widget, gconstpointer prefix);
gboolean label_with_text(GtkWidget *widget, gconstpointer text);
GPtrArray *visible_texts(GtkWidget *root);
gboolean find_toplevel(GtkWindow **found, GType type, const char *title);
void screenshot(GtkWidget *widget, const char *name);

/* The application and its window at 1100×720; close_window() ends the run (exit status). */
gboolean open_window(void);
int close_window(void);

/* test-ui-models.c: --models, the model manager against a loopback server. */
int check_model_manager(void);

#endif

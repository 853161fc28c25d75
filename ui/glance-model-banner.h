/* glance-model-banner.h — the line at the top of Ask, Search and Compare while the page's
 * task uses the built-in model: what that model can see, and "Get a Model for Real
 * Photos" (app.get-real-models). libadwaita 1.2 has no AdwBanner; this is one. */
#ifndef GLANCE_MODEL_BANNER_H
#define GLANCE_MODEL_BANNER_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_MODEL_BANNER (glance_model_banner_get_type())
G_DECLARE_FINAL_TYPE(GlanceModelBanner, glance_model_banner, GLANCE, MODEL_BANNER, GtkWidget)

/* The sentence shown ("The built-in model sees only …"), or "" while hidden or before
 * it is known; notify::text follows it. */
const char *glance_model_banner_get_text(GlanceModelBanner *self);

/* An empty state's description, followed while the banner is shown by what the model
 * sees and where to get another ("…\n\nThe built-in model sees only …. For your own
 * photos, use “Get a Model for Real Photos”."). Newly allocated. */
char *glance_model_banner_describe(GlanceModelBanner *self, const char *description);

G_END_DECLS
#endif

/* glance-recommended-install.h — "Get Recommended Models" in Preferences: one button for
 * the catalogue's recommended set (one model per task), then one progress view for the
 * whole set — bytes done of the total, speed, time left — with Pause/Resume and Cancel.
 * The work is app/'s glance_model_install_recommended_async(), as for `glance-cli models
 * get --recommended`. Pause stops and keeps the bytes (the next start resumes them);
 * Cancel stops and deletes them. A failure is said under the button, which becomes Retry.
 * "installed" (a GStrv of model names) after a run that installed something, so the
 * window can offer the switch; "models-changed" whenever the registry may have changed. */
#ifndef GLANCE_RECOMMENDED_INSTALL_H
#define GLANCE_RECOMMENDED_INSTALL_H
#include <gtk/gtk.h>
#include "glance-catalogue.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_RECOMMENDED_INSTALL (glance_recommended_install_get_type())
G_DECLARE_FINAL_TYPE(GlanceRecommendedInstall, glance_recommended_install, GLANCE, RECOMMENDED_INSTALL, GtkBox)

/* The catalogue whose set it installs (read again from its file; `catalogue` is not kept).
 * Also shows "installed" when nothing of the set is missing. */
void glance_recommended_install_set_catalogue(GlanceRecommendedInstall *self, const GlanceCatalogue *catalogue);
/* "busy": a run is under way or paused (the window keeps the set's own rows still meanwhile). */
gboolean glance_recommended_install_get_busy(GlanceRecommendedInstall *self);
/* Looks again at what is missing (after a model was installed or removed elsewhere). */
void glance_recommended_install_refresh(GlanceRecommendedInstall *self);

G_END_DECLS
#endif

/* glance-preferences-window.h — models per task, checkpoint import, threads, library folders. */
#ifndef GLANCE_PREFERENCES_WINDOW_H
#define GLANCE_PREFERENCES_WINDOW_H
#include <adwaita.h>
#include "glance-application.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_PREFERENCES_WINDOW (glance_preferences_window_get_type())
G_DECLARE_FINAL_TYPE(GlancePreferencesWindow, glance_preferences_window, GLANCE, PREFERENCES_WINDOW,
                     AdwPreferencesWindow)

GlancePreferencesWindow *glance_preferences_window_new(GlanceApplication *app);
/* Imports a checkpoint as the "Import VLMo Checkpoint…" row does after its file chooser. */
void glance_preferences_window_import(GlancePreferencesWindow *self, GFile *checkpoint);
/* Shows the model manager (Official Models: the recommended set first), e.g. for "Get a
 * Model for Real Photos"; call before or after presenting the window. */
void glance_preferences_window_show_models(GlancePreferencesWindow *self);

G_END_DECLS
#endif

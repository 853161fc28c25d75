/* glance-application.h — the single-instance app: settings, the inference queue, app actions. */
#ifndef GLANCE_APPLICATION_H
#define GLANCE_APPLICATION_H
#include <adwaita.h>
#include "glance-inference.h"
#include "glance-samples.h"

G_BEGIN_DECLS

#define GLANCE_APPLICATION_ID "io.github.glance.Glance"
#define GLANCE_RESOURCE_PATH "/io/github/glance/Glance"

#define GLANCE_TYPE_APPLICATION (glance_application_get_type())
G_DECLARE_FINAL_TYPE(GlanceApplication, glance_application, GLANCE, APPLICATION, AdwApplication)

#define GLANCE_APPLICATION_DEFAULT GLANCE_APPLICATION(g_application_get_default())

GlanceApplication *glance_application_new(const char *application_id, GApplicationFlags flags);
GSettings *glance_application_get_settings(GlanceApplication *self);
GlanceInference *glance_application_get_inference(GlanceApplication *self);
GlanceSamples *glance_application_get_samples(GlanceApplication *self);
/* The active window, created on first use. */
GtkWindow *glance_application_get_main_window(GlanceApplication *self);
/* Adds a folder to the library (GSettings library-folders); the Search page indexes it. */
void glance_application_add_library_folder(GlanceApplication *self, const char *path);
/* Monotonic time (µs) when the application object was created: the start of launch. */
gint64 glance_application_get_start_time(GlanceApplication *self);

G_END_DECLS
#endif

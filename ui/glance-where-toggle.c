/* glance-where-toggle.c — the setting drives the toggle, the toggle drives the pictures. */
#include "glance-where-toggle.h"
#include "glance-application.h"

void glance_where_toggle_bind(GtkToggleButton *toggle, GlanceWhereOverlayPicture *picture)
{
    GlanceApplication *app = GLANCE_APPLICATION_DEFAULT;
    GSettings *settings = app ? glance_application_get_settings(app) : NULL;
    if (settings)
        g_settings_bind(settings, "show-where", toggle, "active", G_SETTINGS_BIND_DEFAULT);
    g_object_bind_property(toggle, "active", picture, "show-where", G_BINDING_SYNC_CREATE);
}

/* glance-config-json.h — the glance.config metadata string of a model file
 * (docs/model-format.md), written from a GlanceConfig. */
#ifndef GLANCE_CONFIG_JSON_H
#define GLANCE_CONFIG_JSON_H
#include <glib.h>
#include "glance-engine.h"

G_BEGIN_DECLS

/* One JSON object, keys in the order docs/model-format.md lists them. */
char *glance_config_to_json(const GlanceConfig *config);

G_END_DECLS
#endif

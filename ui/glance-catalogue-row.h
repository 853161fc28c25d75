/* glance-catalogue-row.h — one official model of the catalogue in Preferences: what it
 * is for, its size and source in plain words; the published benchmark figures inside
 * the row's details. Get, with the download's progress and Cancel, or Remove once
 * installed. The install runs in app/models (glance_model_install_async);
 * "models-changed" tells the window when the registry changed (installed or removed),
 * "installed" (with the model's name) after an install, so the window can offer the
 * tasks that keep another model a switch. */
#ifndef GLANCE_CATALOGUE_ROW_H
#define GLANCE_CATALOGUE_ROW_H
#include <adwaita.h>
#include "glance-catalogue.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_CATALOGUE_ROW (glance_catalogue_row_get_type())
G_DECLARE_FINAL_TYPE(GlanceCatalogueRow, glance_catalogue_row, GLANCE, CATALOGUE_ROW, AdwExpanderRow)

/* entry is copied. */
GtkWidget *glance_catalogue_row_new(const GlanceCatalogueEntry *entry);
const char *glance_catalogue_row_get_name(GlanceCatalogueRow *self);
/* Shows Get (Resume when a partial download waits), the progress, or Installed. */
void glance_catalogue_row_set_installed(GlanceCatalogueRow *self, gboolean installed);
/* The download's size as the server announced it (glance-catalogue-sizes.h); 0 with
 * `why` when it could not be asked (then "size unknown"). */
void glance_catalogue_row_set_size(GlanceCatalogueRow *self, guint64 bytes, const GError *why);

/* "questions, search": the tasks of a model as Preferences words them. Newly allocated. */
char *glance_describe_tasks(char **tasks);
/* The plain words for an app/models failure: GLANCE_MODELS_ERROR_UNREACHABLE in this
 * language, anything else as app/ says it. */
const char *glance_describe_models_error(const GError *error);

G_END_DECLS
#endif

/* glance-catalogue-row.h — one official model of the catalogue in Preferences: what it
 * is (size, tasks, published accuracy) and Get, with the download's progress and Cancel,
 * or Remove once installed. The install runs in app/models (glance_model_install_async);
 * "models-changed" tells the window when the registry changed (installed or removed). */
#ifndef GLANCE_CATALOGUE_ROW_H
#define GLANCE_CATALOGUE_ROW_H
#include <adwaita.h>
#include "glance-catalogue.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_CATALOGUE_ROW (glance_catalogue_row_get_type())
G_DECLARE_FINAL_TYPE(GlanceCatalogueRow, glance_catalogue_row, GLANCE, CATALOGUE_ROW, AdwActionRow)

/* entry is copied. */
GtkWidget *glance_catalogue_row_new(const GlanceCatalogueEntry *entry);
const char *glance_catalogue_row_get_name(GlanceCatalogueRow *self);
/* Shows Get (Resume when a partial download waits), the progress, or Installed. */
void glance_catalogue_row_set_installed(GlanceCatalogueRow *self, gboolean installed);

/* "questions, search": the tasks of a model as Preferences words them. Newly allocated. */
char *glance_describe_tasks(char **tasks);

G_END_DECLS
#endif

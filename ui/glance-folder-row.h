/* glance-folder-row.h — a library folder as a row: its name, its path and a button that
 * removes it from the library (app.remove-folder) with Undo in a toast. The Search page and
 * Preferences list the folders with it. */
#ifndef GLANCE_FOLDER_ROW_H
#define GLANCE_FOLDER_ROW_H
#include <adwaita.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_FOLDER_ROW (glance_folder_row_get_type())
G_DECLARE_FINAL_TYPE(GlanceFolderRow, glance_folder_row, GLANCE, FOLDER_ROW, AdwActionRow)

GtkWidget *glance_folder_row_new(const char *folder);

/* Empties list and fills it with a row per folder (folders: a NULL-terminated vector). */
void glance_folder_rows_fill(GtkListBox *list, char **folders);

G_END_DECLS
#endif

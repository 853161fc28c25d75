/* glance-preferences-window-private.h — what the Preferences window's two files share:
 * the instance struct; glance-preferences-window.c holds the object, the model choosers,
 * the catalogue (recommended set first) and the folders, glance-preferences-window-import.c the checkpoint import. */
#ifndef GLANCE_PREFERENCES_WINDOW_PRIVATE_H
#define GLANCE_PREFERENCES_WINDOW_PRIVATE_H
#include "glance-inference.h"
#include "glance-model-info.h"
#include "glance-preferences-window.h"
#include "glance-recommended-install.h"

G_BEGIN_DECLS

struct _GlancePreferencesWindow {
    AdwPreferencesWindow parent_instance;
    AdwComboRow *vqa_row;
    AdwComboRow *nlvr2_row;
    AdwComboRow *retrieval_row;
    AdwActionRow *import_row;
    GtkBox *import_progress_box;
    GtkProgressBar *import_progress;
    GtkImage *import_icon;
    GtkSpinButton *threads_spin;
    GtkSpinButton *answers_spin;
    GtkListBox *folders_list;
    GtkListBox *catalogue_list;
    GtkListBox *recommended_list;
    AdwActionRow *offline_row;
    AdwPreferencesPage *catalogue_page;
    GlanceRecommendedInstall *recommended_install;

    GSettings *settings;
    GlanceInference *inference;
    GlanceModelList *models;
    GCancellable *listing;
    GCancellable *importing;
    GCancellable *sizing;        /* the catalogue's sizes being asked */
    char *import_name;           /* the checkpoint's file name, for the outcome's toast */
    GtkFileChooserNative *chooser;
    gboolean updating_rows;      /* selecting from the registry, not from the user */
};

/* glance-preferences-window-import.c: the import row's activation and its Cancel. */
void _glance_preferences_window_choose_checkpoint(GlancePreferencesWindow *self);
void _glance_preferences_window_cancel_import(GlancePreferencesWindow *self);

G_END_DECLS
#endif

/* glance-failures-dialog.h — the files the library could not read, each with the reason
 * in plain words, and Retry (the "N could not be read" footer of the Search page). */
#ifndef GLANCE_FAILURES_DIALOG_H
#define GLANCE_FAILURES_DIALOG_H
#include <adwaita.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_FAILURES_DIALOG (glance_failures_dialog_get_type())
G_DECLARE_FINAL_TYPE(GlanceFailuresDialog, glance_failures_dialog, GLANCE, FAILURES_DIALOG, AdwWindow)

/* failures: GlanceLibraryFailure * (app/library/glance-library.h), copied. Retry emits
 * "retry" and closes the dialog: the page forgets the failures and indexes again. */
GlanceFailuresDialog *glance_failures_dialog_new(GtkWindow *parent, GPtrArray *failures);
/* The list, for tests: one AdwActionRow per file (title: the file name, subtitle: the reason). */
GtkListBox *glance_failures_dialog_get_list(GlanceFailuresDialog *self);

G_END_DECLS
#endif

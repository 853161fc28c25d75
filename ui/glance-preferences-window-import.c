/* glance-preferences-window-import.c — "Import VLMo Checkpoint…": a file chooser, then
 * glance_model_import_async() (app/models converts and registers), its progress in the
 * row and a toast with the outcome (the reason for a failure in the row). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-model-import.h"
#include "glance-preferences-window-private.h"
#include "glance-switch-offer.h"
#include "glance-window.h"

static void on_import_progress(double fraction, const char *stage, gpointer data)
{
    (void)stage;
    GlancePreferencesWindow *self = data;
    if (self->importing)
        gtk_progress_bar_set_fraction(self->import_progress, fraction);
}

static void set_importing(GlancePreferencesWindow *self, gboolean importing)
{
    gtk_widget_set_visible(GTK_WIDGET(self->import_progress_box), importing);
    gtk_widget_set_visible(GTK_WIDGET(self->import_icon), !importing);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(self->import_row), !importing);
    gtk_progress_bar_set_fraction(self->import_progress, 0);
}

static void on_imported(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlancePreferencesWindow) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceInstalledModel) model = glance_model_import_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->importing)
        return;   /* the window was closed */
    g_clear_object(&self->importing);
    set_importing(self, FALSE);
    if (!model) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        /* The toast names the file in a few words; why goes to the import row. */
        g_autofree char *message = g_strdup_printf(_("%s could not be imported"), self->import_name);
        glance_show_toast(GTK_WIDGET(self), message);
        const char *why = g_error_matches(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NO_HEAD)
            ? _("The checkpoint has no head Glance can use") : error->message;
        g_autofree char *details = g_strdup_printf(_("%s could not be imported: %s"), self->import_name, why);
        g_autofree char *escaped = g_markup_escape_text(details, -1);
        adw_action_row_set_subtitle(self->import_row, escaped);
        return;
    }
    adw_action_row_set_subtitle(self->import_row,
                                _("Turn an official VLMo PyTorch checkpoint (.pt) into a Glance model"));
    g_autofree char *message = g_strdup_printf(_("Imported “%s”"), model->title);
    glance_show_toast(GTK_WIDGET(self), message);
    glance_inference_reload_models(self->inference);
    glance_offer_switch(GTK_WINDOW(self), self->inference, (const char *const[]){ model->name, NULL });
}

void glance_preferences_window_import(GlancePreferencesWindow *self, GFile *checkpoint)
{
    if (self->importing)
        return;
    g_autofree char *path = g_file_get_path(checkpoint);
    if (!path) {
        glance_show_toast(GTK_WIDGET(self), _("Only local files can be imported"));
        return;
    }
    g_free(self->import_name);
    self->import_name = g_filename_display_basename(path);
    self->importing = g_cancellable_new();
    set_importing(self, TRUE);
    glance_model_import_async(path, on_import_progress, g_object_ref(self), g_object_unref, self->importing,
                              on_imported, g_object_ref(self));
}

static void on_checkpoint_chosen(GtkNativeDialog *dialog, int response, gpointer data)
{
    GlancePreferencesWindow *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        if (file)
            glance_preferences_window_import(self, file);
    }
    g_clear_object(&self->chooser);
}

void _glance_preferences_window_choose_checkpoint(GlancePreferencesWindow *self)
{
    if (self->importing || self->chooser)
        return;
    self->chooser = gtk_file_chooser_native_new(_("Import VLMo Checkpoint"), GTK_WINDOW(self),
                                                GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
    GtkFileFilter *checkpoints = gtk_file_filter_new();
    gtk_file_filter_set_name(checkpoints, _("PyTorch Checkpoints"));
    gtk_file_filter_add_suffix(checkpoints, "pt");
    gtk_file_filter_add_suffix(checkpoints, "pth");
    gtk_file_filter_add_suffix(checkpoints, "ckpt");
    gtk_file_filter_add_suffix(checkpoints, "bin");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(self->chooser), checkpoints);
    g_object_unref(checkpoints);
    g_signal_connect(self->chooser, "response", G_CALLBACK(on_checkpoint_chosen), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(self->chooser));
}

void _glance_preferences_window_cancel_import(GlancePreferencesWindow *self)
{
    if (self->importing)
        g_cancellable_cancel(self->importing);
}

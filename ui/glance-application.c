/* glance-application.c — one instance per session: files opened from the file manager
 * go to the running window's Ask page; app-wide actions and accelerators live here. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-application.h"
#include "glance-preferences-window.h"
#include "glance-resources.h"
#include "glance-window.h"

struct _GlanceApplication {
    AdwApplication parent_instance;
    GSettings *settings;
    GlanceInference *inference;
    GlanceSamples *samples;
    gint64 start_time;
};

G_DEFINE_FINAL_TYPE(GlanceApplication, glance_application, ADW_TYPE_APPLICATION)

/* The homepage and bug tracker of data/io.github.glance.Glance.metainfo.xml.in. */
#define GLANCE_WEBSITE "https://github.com/glance-app/glance"
#define GLANCE_ISSUES "https://github.com/glance-app/glance/issues"

static const char *const app_accels[][3] = {
    { "app.quit", "<Control>q", NULL },
    { "app.preferences", "<Control>comma", NULL },
    { "window.close", "<Control>w", NULL },
};

/* The installed schema when there is one, else the one data/ compiled in the build dir. */
static GSettings *open_settings(void)
{
    GSettingsSchemaSource *installed = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema =
        installed ? g_settings_schema_source_lookup(installed, GLANCE_APPLICATION_ID, TRUE) : NULL;
#ifdef GLANCE_BUILD_SCHEMADIR
    if (!schema) {
        g_autoptr(GSettingsSchemaSource) build =
            g_settings_schema_source_new_from_directory(GLANCE_BUILD_SCHEMADIR, installed, FALSE, NULL);
        if (build)
            schema = g_settings_schema_source_lookup(build, GLANCE_APPLICATION_ID, FALSE);
    }
#endif
    return schema ? g_settings_new_full(schema, NULL, NULL) : NULL;
}

GtkWindow *glance_application_get_main_window(GlanceApplication *self)
{
    GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(self));
    if (!window)
        window = GTK_WINDOW(glance_window_new(self));
    return window;
}

static void glance_application_activate(GApplication *app)
{
    gtk_window_present(glance_application_get_main_window(GLANCE_APPLICATION(app)));
}

static void glance_application_open(GApplication *app, GFile **files, int n_files, const char *hint)
{
    (void)hint;
    g_debug("opening %d file(s) from the command line or the file manager", n_files);
    GtkWindow *window = glance_application_get_main_window(GLANCE_APPLICATION(app));
    glance_window_open_files(GLANCE_WINDOW(window), files, n_files);
    gtk_window_present(window);
}

static void quit_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action, (void)param;
    /* Closing each window saves its state; the app ends with the last one. */
    GList *windows = g_list_copy(gtk_application_get_windows(GTK_APPLICATION(data)));
    for (GList *l = windows; l; l = l->next)
        gtk_window_close(GTK_WINDOW(l->data));
    g_list_free(windows);
}

static GtkWindow *open_preferences(GlanceApplication *self)
{
    GtkWindow *parent = glance_application_get_main_window(self);
    GtkWindow *prefs = GTK_WINDOW(glance_preferences_window_new(self));
    gtk_window_set_application(prefs, GTK_APPLICATION(self));
    gtk_window_set_transient_for(prefs, parent);
    gtk_window_present(prefs);
    return prefs;
}

static void preferences_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action, (void)param;
    open_preferences(data);
}

/* The model manager: the page named "models", else the last page (Official Models).
 * Pages are the children of the window's AdwViewStack (its search results are another
 * AdwPreferencesPage, not one to show). */
static void find_models_page(GtkWidget *widget, AdwPreferencesPage **found)
{
    if (ADW_IS_PREFERENCES_PAGE(widget) && ADW_IS_VIEW_STACK(gtk_widget_get_parent(widget)) &&
        (!*found || g_strcmp0(adw_preferences_page_get_name(*found), "models") != 0))
        *found = ADW_PREFERENCES_PAGE(widget);
    for (GtkWidget *child = gtk_widget_get_first_child(widget); child; child = gtk_widget_get_next_sibling(child))
        find_models_page(child, found);
}

/* "Get a Model for Real Photos" on the pages' banners and empty states. */
static void get_real_models_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action, (void)param;
    GtkWindow *prefs = open_preferences(data);
    AdwPreferencesPage *models = NULL;
    find_models_page(GTK_WIDGET(prefs), &models);
    if (models)
        adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(prefs), models);
}

static void about_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action, (void)param;
    GlanceApplication *self = data;
    const char *developers[] = { "The Glance developers", NULL };
    GtkWidget *about = g_object_new(ADW_TYPE_ABOUT_WINDOW,
        "transient-for", glance_application_get_main_window(self),
        "application-name", _("Glance"),
        "application-icon", GLANCE_APPLICATION_ID,
        "developer-name", _("The Glance developers"),
        "developers", developers,
        "version", GLANCE_VERSION,
        "website", GLANCE_WEBSITE,
        "issue-url", GLANCE_ISSUES,
        "comments", _("Ask questions about photos, search your photo library by describing it, "
                      "and check statements about two images. Everything runs on this computer "
                      "with the VLMo vision-language model."),
        "license-type", GTK_LICENSE_MIT_X11,
        /* Translators: put your names here, one per line */
        "translator-credits", _("translator-credits"),
        "release-notes-version", GLANCE_VERSION,
        "release-notes", _("<p>First release.</p><ul>"
                           "<li>Ask questions about a photo and see how sure the answers are</li>"
                           "<li>Search a photo library by describing what is in a photo</li>"
                           "<li>Check whether a statement about two images is true</li></ul>"),
        NULL);
    gtk_window_present(GTK_WINDOW(about));
}

/* ---- library folders (Search page and Preferences share these) ---- */

static void on_folder_chosen(GtkNativeDialog *dialog, int response, gpointer data)
{
    GlanceApplication *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) folder = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        g_autofree char *path = folder ? g_file_get_path(folder) : NULL;
        if (path)
            glance_application_add_library_folder(self, path);
    }
    g_object_unref(dialog);
}

void glance_application_add_library_folder(GlanceApplication *self, const char *path)
{
    g_auto(GStrv) folders = g_settings_get_strv(self->settings, "library-folders");
    if (g_strv_contains((const char *const *)folders, path))
        return;
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_strv_builder_addv(builder, (const char **)folders);
    g_strv_builder_add(builder, path);
    g_auto(GStrv) updated = g_strv_builder_end(builder);
    g_settings_set_strv(self->settings, "library-folders", (const char *const *)updated);
}

static void add_folder_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action, (void)param;
    GlanceApplication *self = data;
    GtkFileChooserNative *chooser = gtk_file_chooser_native_new(_("Add Folder to Library"),
        gtk_application_get_active_window(GTK_APPLICATION(self)), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
        _("_Add"), _("_Cancel"));
    g_signal_connect(chooser, "response", G_CALLBACK(on_folder_chosen), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void remove_folder_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action;
    GlanceApplication *self = data;
    const char *path = g_variant_get_string(param, NULL);
    g_auto(GStrv) folders = g_settings_get_strv(self->settings, "library-folders");
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    for (guint i = 0; folders[i]; i++)
        if (!g_str_equal(folders[i], path))
            g_strv_builder_add(builder, folders[i]);
    g_auto(GStrv) updated = g_strv_builder_end(builder);
    g_settings_set_strv(self->settings, "library-folders", (const char *const *)updated);
}

static void glance_application_startup(GApplication *app)
{
    GlanceApplication *self = GLANCE_APPLICATION(app);
    G_APPLICATION_CLASS(glance_application_parent_class)->startup(app);

    self->settings = open_settings();
    if (!self->settings) {
        g_printerr("glance: the GSettings schema %s is not installed\n", GLANCE_APPLICATION_ID);
        exit(1);
    }
    self->inference = glance_inference_new(self->settings);
    self->samples = glance_samples_load_default();
    gtk_window_set_default_icon_name(GLANCE_APPLICATION_ID);

    static const GActionEntry entries[] = {
        { .name = "quit", .activate = quit_activated },
        { .name = "preferences", .activate = preferences_activated },
        { .name = "get-real-models", .activate = get_real_models_activated },
        { .name = "about", .activate = about_activated },
        { .name = "add-folder", .activate = add_folder_activated },
        { .name = "remove-folder", .activate = remove_folder_activated, .parameter_type = "s" },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(app), entries, G_N_ELEMENTS(entries), self);
    for (guint i = 0; i < G_N_ELEMENTS(app_accels); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(app), app_accels[i][0], &app_accels[i][1]);
}

static void glance_application_dispose(GObject *object)
{
    GlanceApplication *self = GLANCE_APPLICATION(object);
    g_clear_object(&self->inference);
    g_clear_object(&self->samples);
    g_clear_object(&self->settings);
    G_OBJECT_CLASS(glance_application_parent_class)->dispose(object);
}

static int glance_application_handle_local_options(GApplication *app, GVariantDict *options)
{
    (void)app;
    if (g_variant_dict_contains(options, "version")) {
        g_print("glance %s\n", GLANCE_VERSION);
        return 0;
    }
    return -1;
}

static void glance_application_class_init(GlanceApplicationClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = glance_application_dispose;
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);
    app_class->activate = glance_application_activate;
    app_class->open = glance_application_open;
    app_class->startup = glance_application_startup;
    app_class->handle_local_options = glance_application_handle_local_options;
}

static void glance_application_init(GlanceApplication *self)
{
    self->start_time = g_get_monotonic_time();
    static const GOptionEntry options[] = {
        { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
        { NULL },
    };
    g_application_add_main_option_entries(G_APPLICATION(self), options);
    g_application_set_option_context_parameter_string(G_APPLICATION(self), _("[PHOTO…]"));
}

GlanceApplication *glance_application_new(const char *application_id, GApplicationFlags flags)
{
    static gsize registered;
    if (g_once_init_enter(&registered)) {
        glance_register_resource();
        g_once_init_leave(&registered, 1);
    }
    GlanceApplication *self = g_object_new(GLANCE_TYPE_APPLICATION,
                                           "application-id", application_id,
                                           "flags", flags,
                                           "resource-base-path", GLANCE_RESOURCE_PATH,
                                           NULL);
    return self;
}

GSettings *glance_application_get_settings(GlanceApplication *self) { return self->settings; }
GlanceInference *glance_application_get_inference(GlanceApplication *self) { return self->inference; }
GlanceSamples *glance_application_get_samples(GlanceApplication *self) { return self->samples; }
gint64 glance_application_get_start_time(GlanceApplication *self) { return self->start_time; }

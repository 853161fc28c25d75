/* test-ui-models.c — `test-ui --models`: the model manager in Preferences against a
 * loopback server (tests/models/http-server.py) serving small official-layout
 * checkpoints (tests/models/make-checkpoints.py), with their true SHA-256 in the
 * catalogue. Opened at the model manager: first with every address on a closed port
 * (the plain "Can't reach" message with Retry, sizes unknown, Get Recommended Models
 * failing in words, not a toast), then Retry against the live server (sizes from the
 * server, benchmark figures only in the details). One model got from its row takes Ask
 * from the built-in model silently; Get Recommended Models shows one progress (bytes of
 * the set, speed, time left), pauses (the .part stays still), resumes with a Range
 * request, cancels (the .part deleted, nothing registered), and at last installs the
 * set: Compare and Search switch silently, Ask (the user's model) is asked about. Then
 * an import (the golden checkpoint) asks once for its three pages; Keep Current keeps them.
 *
 * Environment (run-ui-tests.sh): XDG_* private, GLANCE_MODELS_WORK a scratch folder,
 * GLANCE_TEST_CHECKPOINT the golden checkpoint. */
#include "config.h"
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "glance-catalogue-row.h"
#include "glance-model-registry.h"
#include "glance-preferences-window.h"
#include "glance-task-model.h"
#include "ui-harness.h"

static const char *work;          /* $GLANCE_MODELS_WORK */
static char *www, *request_log, *catalogue_path;
static GSubprocess *server;
static JsonObject *sizes;          /* sizes.json: {"vqa.pt": [bytes, sha256], ...} */

/* ---- fixtures ---- */

static int make_checkpoints(void)
{
    www = g_build_filename(work, "www", NULL);
    g_mkdir_with_parents(www, 0755);
    const char *argv[] = { "/usr/bin/python3", "tests/models/make-checkpoints.py", www, NULL };
    g_autoptr(GSubprocess) child = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_NONE, NULL);
    if (!child || !g_subprocess_wait(child, NULL, NULL))
        return 1;
    if (g_subprocess_get_if_exited(child) && g_subprocess_get_exit_status(child) == 77)
        return 77;   /* no PyTorch: the script says so */
    if (!g_subprocess_get_successful(child))
        return 1;
    g_autofree char *path = g_build_filename(www, "sizes.json", NULL);
    JsonParser *parser = json_parser_new();
    if (json_parser_load_from_file(parser, path, NULL))
        sizes = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
    g_object_unref(parser);
    return sizes ? 0 : 1;
}

static gint64 file_bytes(const char *file)
{
    return json_array_get_int_element(json_object_get_array_member(sizes, file), 0);
}

static const char *file_sha(const char *file)
{
    return json_array_get_string_element(json_object_get_array_member(sizes, file), 1);
}

static void die_with_parent(gpointer data)
{
    (void)data;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static int start_server(void)
{
    g_autofree char *port_file = g_build_filename(work, "port", NULL);
    request_log = g_build_filename(work, "requests.log", NULL);
    const char *argv[] = { "/usr/bin/python3", "tests/models/http-server.py", www, port_file, request_log, NULL };
    /* Its output to nowhere and its end with ours: a crash here must not leave it holding
     * meson's pipe open. */
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    server = g_subprocess_launcher_spawnv(launcher, argv, NULL);
    g_autofree char *text = NULL;
    for (int i = 0; server && i < 200 && !g_file_get_contents(port_file, &text, NULL, NULL); i++)
        g_usleep(50 * 1000);
    return text ? atoi(text) : 0;
}

/* The catalogue: three recommended models (Ask's served slowly, to pause) and one other. */
static void write_catalogue(const char *base)
{
    static const struct { const char *name, *path, *file, *task; gboolean recommended; } entries[] = {
        { "rec-nlvr2", "/files/nlvr2.pt", "nlvr2.pt", "nlvr2", TRUE },
        { "rec-retrieval", "/files/retrieval.pt", "retrieval.pt", "retrieval", TRUE },
        { "rec-vqa", "/slow-range/vqa.pt", "vqa.pt", "vqa", TRUE },
        { "other-vqa", "/files/vqa.pt", "vqa.pt", "vqa", FALSE },
    };
    GString *json = g_string_new("{\"version\":1,\"models\":[");
    for (gsize i = 0; i < G_N_ELEMENTS(entries); i++) {
        gboolean vqa = g_str_equal(entries[i].task, "vqa");
        g_string_append_printf(json,
            "%s{\"name\":\"%s\",\"title\":\"%s\",\"family\":\"base\",\"tasks\":[\"%s\"],\"image_size\":32,"
            "\"url\":\"%s%s\",\"size\":null,\"sha256\":\"%s\",\"vocab\":\"bert-base-uncased\","
            "\"answers\":%s,\"heads\":2,\"published\":{\"Bench test-dev\":%s},"
            "\"summary\":\"For %s, in plain words.\",\"source\":\"the test server\",\"recommended_for\":[%s%s%s]}",
            i ? "," : "", entries[i].name, entries[i].name, entries[i].task, base, entries[i].path,
            file_sha(entries[i].file), vqa ? "\"vqav2-3129\"" : "null", vqa ? "76.6" : "50.5", entries[i].task,
            entries[i].recommended ? "\"" : "", entries[i].recommended ? entries[i].task : "",
            entries[i].recommended ? "\"" : "");
    }
    g_string_append(json, "]}");
    g_file_set_contents(catalogue_path, json->str, -1, NULL);
    g_string_free(json, TRUE);
}

/* ---- reading the window and the registry ---- */

static const char *default_of(const char *task)
{
    static char names[4][128];   /* a few calls may share one message */
    static guint turn;
    char *name = names[turn++ % G_N_ELEMENTS(names)];
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
    GlanceModelTask t;
    if (!registry || !glance_model_task_from_name(task, &t))
        return "";
    g_strlcpy(name, glance_task_model_default_name(registry, t), sizeof names[0]);
    return name;
}

static gboolean registered(const char *model)
{
    g_autoptr(GlanceModelRegistry) registry = glance_model_registry_load(NULL, NULL);
    return registry && glance_model_registry_find(registry, model) != NULL;
}

static guint64 part_bytes(const char *model)
{
    g_autofree char *file = g_strconcat(model, ".pt.part", NULL);
    g_autofree char *path = g_build_filename(g_get_user_data_dir(), "glance", "models", file, NULL);
    struct stat st;
    return g_stat(path, &st) == 0 ? (guint64)st.st_size : 0;
}

static gboolean label_containing(GtkWidget *widget, gconstpointer text)
{
    return GTK_IS_LABEL(widget) && strstr(gtk_label_get_text(GTK_LABEL(widget)), text);
}

static gboolean row_titled(GtkWidget *widget, gconstpointer title)
{
    return GLANCE_IS_CATALOGUE_ROW(widget) &&
           g_strcmp0(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(widget)), title) == 0;
}

static GtkWidget *prefs;

typedef struct {
    GtkWidget *root;
    WidgetMatch match;
    const char *text;
} Shown;

static gboolean is_shown(gpointer data)
{
    Shown *s = data;
    return find(s->root ? s->root : prefs, s->match, s->text) != NULL;
}

static gboolean wait_shown(WidgetMatch match, const char *text, double timeout_s)
{
    Shown s = { NULL, match, text };
    return wait_for(is_shown, &s, timeout_s);
}

/* The shown button labelled `label` outside every catalogue row (a row's Get says
 * Resume too while a partial download waits). */
static GtkWidget *button_outside_rows(const char *label)
{
    g_autoptr(GPtrArray) buttons = g_ptr_array_new();
    collect(prefs, button_labelled, label, buttons);
    for (guint i = 0; i < buttons->len; i++)
        if (shown(buttons->pdata[i]) && !gtk_widget_get_ancestor(buttons->pdata[i], GLANCE_TYPE_CATALOGUE_ROW))
            return buttons->pdata[i];
    return NULL;
}

static gboolean button_outside_rows_shown(gpointer label)
{
    return button_outside_rows(label) != NULL;
}

static gboolean click_outside_rows(const char *label)
{
    GtkWidget *button = button_outside_rows(label);
    if (button)
        g_signal_emit_by_name(button, "clicked");
    return button != NULL;
}

static gboolean action_row_titled(GtkWidget *widget, gconstpointer title)
{
    return ADW_IS_ACTION_ROW(widget) && g_strcmp0(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(widget)), title) == 0;
}

static const char *group_title_of(GtkWidget *widget)
{
    GtkWidget *group = widget ? gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_GROUP) : NULL;
    return group ? adw_preferences_group_get_title(ADW_PREFERENCES_GROUP(group)) : "";
}

static gboolean message_dialog_shown(gpointer data)
{
    return find_toplevel(data, ADW_TYPE_MESSAGE_DIALOG, NULL);
}

static gboolean default_is(gpointer data)
{
    const char *const *pair = data;
    return g_str_equal(default_of(pair[0]), pair[1]);
}

/* Answers a dialog as a person does: its button with that label. */
static void answer(GtkWindow *dialog, const char *label)
{
    GtkWidget *button = find(GTK_WIDGET(dialog), button_labelled, label);
    CHECK(button != NULL, "the question has a “%s” button", label);
    if (button)
        g_signal_emit_by_name(button, "clicked");
}

static gboolean no_message_dialog(gpointer data)
{
    (void)data;
    GtkWindow *dialog = NULL;
    return !find_toplevel(&dialog, ADW_TYPE_MESSAGE_DIALOG, NULL);
}

static gboolean part_grows(gpointer data)
{
    return part_bytes("rec-vqa") > *(guint64 *)data;
}

static gboolean range_requested(gpointer data)
{
    g_autofree char *log = NULL;
    g_file_get_contents(request_log, &log, NULL, NULL);
    return log && strstr(log, data);
}

/* ---- the checks ---- */

static const char unreachable[] = "Can't reach the download server — check your connection";

static guint count_unreachable(void)
{
    return count_shown(prefs, label_with_text, unreachable);
}

static gboolean unreachable_said(gpointer times)
{
    return count_unreachable() == *(guint *)times;
}

static void offline_then_retry(const char *base)
{
    CHECK(g_str_equal(adw_preferences_page_get_title(adw_preferences_window_get_visible_page(
                          ADW_PREFERENCES_WINDOW(prefs))), "Official Models"),
          "glance_preferences_window_show_models() opens Preferences at the model manager");
    CHECK(wait_shown(label_with_text, unreachable, 20), "offline: the page says “%s”", unreachable);
    CHECK(find(prefs, button_labelled, "_Retry") != NULL, "offline: a Retry button beside it");
    CHECK(wait_shown(label_containing, "size unknown", 5), "offline: sizes are “size unknown”");
    screenshot(prefs, "preferences-models-offline");

    CHECK(click_outside_rows("_Get Recommended Models"), "a “Get Recommended Models” button");
    guint twice = 2;
    CHECK(wait_for(unreachable_said, &twice, 20), "offline: Get Recommended Models fails in the same plain words, "
          "under the button (%u labels say it)", count_unreachable());
    CHECK(find(prefs, button_labelled, "_Get Recommended Models") == NULL, "offline: the button becomes Retry");
    GtkWindow *dialog = NULL;
    CHECK(!find_toplevel(&dialog, ADW_TYPE_MESSAGE_DIALOG, NULL), "offline: no dialog");

    write_catalogue(base);   /* the connection is back */
    GtkWidget *offline_row = find(prefs, action_row_titled, unreachable);
    GtkWidget *retry = offline_row ? find(offline_row, button_labelled, "_Retry") : NULL;
    CHECK(retry != NULL, "the offline row's Retry can be pressed");
    if (retry)
        g_signal_emit_by_name(retry, "clicked");
    g_autofree char *vqa_size = g_format_size(file_bytes("vqa.pt"));
    g_autofree char *size_line = g_strdup_printf("%s · from the test server", vqa_size);
    CHECK(wait_shown(label_containing, size_line, 30), "after Retry the sizes come from the server (“%s”)", size_line);
    settle(0.5);
    CHECK(find(prefs, label_with_text, unreachable) == NULL, "after Retry the offline message is gone");
    CHECK(find(prefs, label_containing, "size unknown") == NULL, "after Retry no size is unknown");
}

static void rows_in_plain_words(void)
{
    GtkWidget *rec = find(prefs, row_titled, "rec-vqa"), *other = find(prefs, row_titled, "other-vqa");
    CHECK(rec && g_str_equal(group_title_of(rec), "Recommended"), "rec-vqa is under “Recommended” (%s)",
          group_title_of(rec));
    CHECK(other && g_str_equal(group_title_of(other), "All Official Models"),
          "other-vqa is under “All Official Models” (%s)", group_title_of(other));
    CHECK(wait_shown(label_containing, "For vqa, in plain words.", 2), "a row says what the model is for");
    CHECK(find(prefs, label_containing, "Bench test-dev") == NULL, "benchmark figures are not in the rows");
    if (rec)
        adw_expander_row_set_expanded(ADW_EXPANDER_ROW(rec), TRUE);
    CHECK(wait_shown(label_containing, "Bench test-dev 76.6%", 5), "the details show “Bench test-dev 76.6%%”");
    if (rec)
        adw_expander_row_set_expanded(ADW_EXPANDER_ROW(rec), FALSE);
}

/* A model got from its own row while Ask uses the built-in model: Ask switches, unasked. */
static void silent_switch_from_row(void)
{
    GtkWidget *row = find(prefs, row_titled, "other-vqa");
    GtkWidget *get = row ? find(row, button_labelled, "_Get") : NULL;
    CHECK(get != NULL, "other-vqa has a Get button");
    if (!get)
        return;
    g_signal_emit_by_name(get, "clicked");
    Shown installed = { row, label_with_text, "Installed" };
    CHECK(wait_for(is_shown, &installed, 120), "other-vqa is installed from its row");
    const char *pair[] = { "vqa", "other-vqa" };
    CHECK(wait_for(default_is, pair, 5), "Ask used the built-in model: it now uses other-vqa (%s)", default_of("vqa"));
    settle(1);
    GtkWindow *dialog = NULL;
    CHECK(!find_toplevel(&dialog, ADW_TYPE_MESSAGE_DIALOG, NULL), "no question asked for a task on the built-in model");
}

static void pause_resume_cancel(void)
{
    CHECK(click_outside_rows("_Get Recommended Models"), "Get Recommended Models starts");
    CHECK(wait_shown(label_with_prefix, "Getting 3 of 3: rec-vqa", 120), "one progress view: “Getting 3 of 3: rec-vqa”");
    guint64 total = file_bytes("nlvr2.pt") + file_bytes("retrieval.pt") + file_bytes("vqa.pt");
    g_autofree char *total_text = g_format_size(total);
    g_autofree char *of_total = g_strdup_printf(" of %s · ", total_text);
    CHECK(wait_shown(label_containing, of_total, 10), "bytes of the whole set (“…%s”)", of_total);
    CHECK(wait_shown(label_containing, "/s · about ", 10), "speed and time left are shown");
    const char *nlvr2[] = { "nlvr2", "rec-nlvr2" }, *retrieval[] = { "retrieval", "rec-retrieval" };
    CHECK(default_is(nlvr2) && default_is(retrieval), "Compare and Search used the built-in model: they switched "
          "silently (%s, %s)", default_of("nlvr2"), default_of("retrieval"));
    GtkWindow *dialog = NULL;
    CHECK(!find_toplevel(&dialog, ADW_TYPE_MESSAGE_DIALOG, NULL), "no question asked for them");
    GtkWidget *rec_row = find(prefs, row_titled, "rec-vqa"), *other_row = find(prefs, row_titled, "other-vqa");
    CHECK(rec_row && !gtk_widget_is_sensitive(rec_row) && other_row && gtk_widget_is_sensitive(other_row),
          "while the set installs, its rows wait (the others do not)");
    screenshot(prefs, "preferences-models-progress");

    CHECK(click_outside_rows("_Pause"), "Pause can be pressed");
    CHECK(wait_for(button_outside_rows_shown, "_Resume", 10), "paused: the button says Resume");
    guint64 kept = part_bytes("rec-vqa");
    settle(1.0);
    guint64 later = part_bytes("rec-vqa");
    CHECK(kept > 0 && later == kept, "paused: rec-vqa.pt.part keeps %" G_GUINT64_FORMAT
          " bytes and stops growing (%" G_GUINT64_FORMAT " a second later)", kept, later);
    CHECK(wait_shown(label_with_prefix, "Paused at ", 2), "paused: “Paused at …”");
    CHECK(!registered("rec-vqa"), "paused: rec-vqa is not registered");

    CHECK(click_outside_rows("_Resume"), "Resume can be pressed");
    g_autofree char *range = g_strdup_printf("\"path\": \"/slow-range/vqa.pt\", \"range\": \"bytes=%" G_GUINT64_FORMAT
                                             "-\"", kept);
    CHECK(wait_for(range_requested, range, 10), "Resume asks for the rest (Range: bytes=%" G_GUINT64_FORMAT "-)", kept);
    CHECK(wait_for(part_grows, &kept, 10), "resumed: the .part grows past %" G_GUINT64_FORMAT " bytes", kept);

    CHECK(click_outside_rows("_Cancel"), "Cancel can be pressed");
    CHECK(wait_for(button_outside_rows_shown, "_Get Recommended Models", 10), "cancelled: Get Recommended Models again");
    CHECK(part_bytes("rec-vqa") == 0, "cancelled: the partial download is deleted");
    CHECK(!registered("rec-vqa"), "cancelled: rec-vqa is not registered");
}

/* The set again, to the end: Ask keeps the user's model until the user says Switch. */
static void ask_before_switching(void)
{
    CHECK(click_outside_rows("_Get Recommended Models"), "Get Recommended Models again");
    GtkWindow *dialog = NULL;
    CHECK(wait_for(message_dialog_shown, &dialog, 120), "a question appears once rec-vqa is installed");
    if (!dialog)
        return;
    const char *heading = adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog));
    const char *body = adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog));
    CHECK(g_str_equal(heading, "Use “rec-vqa” for Ask?"), "it asks “Use “rec-vqa” for Ask?” (“%s”)", heading);
    CHECK(strstr(body, "Ask uses “other-vqa”, which you chose.") != NULL, "it names the user's choice (“%s”)", body);
    CHECK(adw_message_dialog_has_response(ADW_MESSAGE_DIALOG(dialog), "keep") &&
          g_str_equal(adw_message_dialog_get_response_label(ADW_MESSAGE_DIALOG(dialog), "keep"), "_Keep Current") &&
          g_str_equal(adw_message_dialog_get_response_label(ADW_MESSAGE_DIALOG(dialog), "switch"), "_Switch"),
          "the answers are Keep Current and Switch");
    CHECK(g_str_equal(default_of("vqa"), "other-vqa"), "until answered, Ask keeps other-vqa (%s)", default_of("vqa"));
    screenshot(GTK_WIDGET(dialog), "preferences-models-switch");
    answer(dialog, "_Switch");
    CHECK(wait_for(no_message_dialog, NULL, 5), "the question closes");
    const char *pair[] = { "vqa", "rec-vqa" };
    CHECK(wait_for(default_is, pair, 10), "Switch: Ask uses rec-vqa (%s)", default_of("vqa"));
    CHECK(wait_shown(label_with_text, "The recommended models are installed", 10), "the set is installed");
}

static gboolean imported(gpointer data)
{
    (void)data;
    return registered("vlmo-ref-a");
}

/* An import while every task has a model someone chose (or took for a task on the built-in
 * one): one question for all its tasks, and Keep Current keeps them all. */
static void import_asks_too(void)
{
    const char *checkpoint = g_getenv("GLANCE_TEST_CHECKPOINT");
    g_autoptr(GFile) file = g_file_new_for_path(checkpoint ? checkpoint : "");
    glance_preferences_window_import(GLANCE_PREFERENCES_WINDOW(prefs), file);
    GtkWindow *dialog = NULL;
    CHECK(wait_for(message_dialog_shown, &dialog, 120), "after an import, a question appears");
    CHECK(imported(NULL), "vlmo-ref-a is imported");
    if (!dialog)
        return;
    const char *heading = adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog));
    CHECK(g_str_equal(heading, "Use “vlmo-ref-a” for Ask, Compare and Search?"),
          "one question for the three pages (“%s”)", heading);
    answer(dialog, "_Keep Current");
    CHECK(wait_for(no_message_dialog, NULL, 5), "the question closes");
    settle(1.0);
    CHECK(g_str_equal(default_of("vqa"), "rec-vqa") && g_str_equal(default_of("nlvr2"), "rec-nlvr2") &&
          g_str_equal(default_of("retrieval"), "rec-retrieval"),
          "Keep Current: the pages keep their models (%s, %s, %s)", default_of("vqa"), default_of("nlvr2"),
          default_of("retrieval"));
    CHECK(no_message_dialog(NULL), "one question only");
}

int check_model_manager(void)
{
    work = g_getenv("GLANCE_MODELS_WORK");
    int made = work ? make_checkpoints() : 1;
    if (made != 0) {
        g_printerr("%s\n", made == 77 ? "SKIP no PyTorch: the checkpoints cannot be made" : "FAIL no checkpoints");
        return made;
    }
    int port = start_server();
    if (!port) {
        g_printerr("FAIL the test server did not start\n");
        return 1;
    }
    catalogue_path = g_build_filename(work, "catalogue.json", NULL);
    g_setenv("GLANCE_CATALOGUE", catalogue_path, TRUE);
    g_setenv("GLANCE_DOWNLOAD_STALL_TIMEOUT", "5", TRUE);
    write_catalogue("http://127.0.0.1:9");   /* discard port: nothing listens */
    if (!open_window())
        return 1;

    prefs = GTK_WIDGET(glance_preferences_window_new(app));
    gtk_window_set_application(GTK_WINDOW(prefs), GTK_APPLICATION(app));
    gtk_window_set_transient_for(GTK_WINDOW(prefs), GTK_WINDOW(window));
    gtk_window_set_default_size(GTK_WINDOW(prefs), 720, 900);
    glance_preferences_window_show_models(GLANCE_PREFERENCES_WINDOW(prefs));
    gtk_window_present(GTK_WINDOW(prefs));
    settle(0.5);

    g_autofree char *base = g_strdup_printf("http://127.0.0.1:%d", port);
    offline_then_retry(base);
    rows_in_plain_words();
    screenshot(prefs, "preferences-models");
    silent_switch_from_row();
    pause_resume_cancel();
    ask_before_switching();
    import_asks_too();

    gtk_window_destroy(GTK_WINDOW(prefs));
    g_subprocess_force_exit(server);
    return close_window();
}

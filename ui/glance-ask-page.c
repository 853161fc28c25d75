/* glance-ask-page.c — asking runs on the inference worker; the page shows a spinner with
 * Cancel meanwhile, then the answers as bars, and records the question in the history
 * (app/glance-history, in the library database) on a thread of its own. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-adaptive-box.h"
#include "glance-answer-row.h"
#include "glance-application.h"
#include "glance-ask-page.h"
#include "glance-history.h"
#include "glance-image-drop.h"
#include "glance-model-banner.h"
#include "glance-notice-list.h"
#include "glance-paths.h"
#include "glance-text-fit.h"
#include "glance-where-toggle.h"
#include "glance-window.h"

#define HISTORY_SHOWN 20
/* Answers below this score are not listed: rows at 0–2% only bury the one that counts.
 * The best answer is always shown, however weak. */
#define ANSWER_SHOWN_MIN_SCORE 0.03

struct _GlanceAskPage {
    GtkWidget parent_instance;
    GlanceModelBanner *model_banner;
    GlanceImageDrop *image_drop;
    GtkWidget *side_separator;
    GtkWidget *side_panel;
    GtkEntry *question_entry;
    GtkLabel *length_label;
    GtkRevealer *progress_revealer;
    GtkSpinner *spinner;
    GtkLabel *progress_label;
    GtkBox *answers_box;
    GtkLabel *answers_heading;
    GlanceNoticeList *notice_list;
    GtkListBox *answers_list;
    GtkToggleButton *where_toggle;
    GtkBox *suggestions_box;
    GtkListBox *suggestions_list;
    GtkBox *history_box;
    GtkListBox *history_list;

    GCancellable *asking;          /* the question being answered */
    GCancellable *history_loading; /* history of the current photo */
    GCancellable *measuring;       /* how much of the question the model reads */
    guint measure_source;          /* a measurement waiting for typing to pause */
    char *asked_question;
    gint64 ask_started;
    double last_answer_ms;
    gulong after_paint_id;
    guint next_sample;
    gboolean prefill_question;     /* a sample was chosen: offer its first question */
};

G_DEFINE_FINAL_TYPE(GlanceAskPage, glance_ask_page, GTK_TYPE_WIDGET)

static void reload_history(GlanceAskPage *self);

GlancePhoto *glance_ask_page_get_photo(GlanceAskPage *self) { return glance_image_drop_get_photo(self->image_drop); }
gboolean glance_ask_page_is_busy(GlanceAskPage *self) { return self->asking != NULL; }
double glance_ask_page_get_last_answer_ms(GlanceAskPage *self) { return self->last_answer_ms; }

void glance_ask_page_load_file(GlanceAskPage *self, GFile *file)
{
    glance_image_drop_load_file(self->image_drop, file);
}

gboolean glance_ask_page_paste(GlanceAskPage *self, GdkClipboard *clipboard)
{
    return glance_image_drop_paste(self->image_drop, clipboard);
}

static void clear_list(GtkListBox *list)
{
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(list))))
        gtk_list_box_remove(list, child);
}

/* A row naming a question; activating it asks that question again. */
static GtkWidget *question_row_new(const char *question, const char *subtitle)
{
    GtkWidget *row = adw_action_row_new();
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), question);
    if (subtitle)
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), TRUE);
    GtkWidget *icon = gtk_image_new_from_icon_name("go-next-symbolic");
    gtk_accessible_update_property(GTK_ACCESSIBLE(icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Ask again"), -1);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), icon);
    g_object_set_data_full(G_OBJECT(row), "question", g_strdup(question), g_free);
    return row;
}

static void update_actions(GlanceAskPage *self)
{
    gboolean has_photo = glance_ask_page_get_photo(self) != NULL;
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->question_entry));
    g_autofree char *question = g_strstrip(g_strdup(text));
    /* Without a photo the empty state has the page to itself. */
    gtk_widget_set_visible(self->side_panel, has_photo);
    gtk_widget_set_visible(self->side_separator, has_photo);
    gtk_widget_set_sensitive(GTK_WIDGET(self->question_entry), has_photo);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.ask", has_photo && *question);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.cancel", self->asking != NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.clear-history", has_photo);
    GlanceSamples *samples = glance_application_get_samples(GLANCE_APPLICATION_DEFAULT);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.sample",
                                  samples && glance_samples_get_n_scenes(samples) > 0);
}

/* ---- asking ---- */

static void on_answers_painted(GdkFrameClock *clock, gpointer data)
{
    GlanceAskPage *self = data;
    self->last_answer_ms = (g_get_monotonic_time() - self->ask_started) / 1000.0;
    if (g_getenv("GLANCE_TIMING"))
        g_printerr("glance-timing: answer-shown %.1f ms after asking\n", self->last_answer_ms);
    g_clear_signal_handler(&self->after_paint_id, clock);
}

static void on_recorded(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceAskPage) self = data;
    g_autoptr(GError) error = NULL;
    if (!glance_history_edit_finish(result, &error))
        g_warning("%s", error->message);   /* history is a convenience: no toast */
    reload_history(self);
}

static void on_answered(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlanceAskPage) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceAskResult) answers = glance_inference_ask_finish(GLANCE_INFERENCE(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the page moved on (new question, new photo or Cancel) */
    g_clear_object(&self->asking);
    gtk_revealer_set_reveal_child(self->progress_revealer, FALSE);
    gtk_spinner_set_spinning(self->spinner, FALSE);
    update_actions(self);
    if (!answers) {
        glance_show_error(GTK_WIDGET(self), _("Could not answer the question"), error->message);
        return;
    }
    if (g_getenv("GLANCE_TIMING"))
        g_printerr("glance-timing: model pass %.1f ms, result on the main loop %.1f ms after asking\n",
                   answers->seconds * 1000.0, (g_get_monotonic_time() - self->ask_started) / 1000.0);
    clear_list(self->answers_list);
    /* A weak best answer is no winner: "Not sure" heads the list and none is bold. */
    gboolean unsure = glance_notices_find(answers->notices, GLANCE_NOTICE_LOW_CONFIDENCE) != NULL;
    gtk_label_set_text(self->answers_heading, unsure ? _("Not sure") : _("Answers"));
    glance_notice_list_show(self->notice_list, answers->notices, -1);
    for (guint i = 0; i < answers->answers->len; i++) {
        GlanceScoredAnswer *a = &g_array_index(answers->answers, GlanceScoredAnswer, i);
        if (i > 0 && a->score < ANSWER_SHOWN_MIN_SCORE)
            break;   /* best first: the rest are weaker still */
        gtk_list_box_append(self->answers_list, glance_answer_row_new(a->answer, a->score, i == 0 && !unsure));
    }
    gtk_widget_set_visible(GTK_WIDGET(self->answers_box), TRUE);
    glance_where_overlay_picture_set_where(glance_image_drop_get_picture(self->image_drop), answers->where);
    GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self));
    if (clock) {
        g_clear_signal_handler(&self->after_paint_id, clock);
        self->after_paint_id = g_signal_connect(clock, "after-paint", G_CALLBACK(on_answers_painted), self);
    }

    GlancePhoto *photo = glance_ask_page_get_photo(self);
    const char *key = photo ? glance_photo_get_key(photo) : NULL;
    if (key && answers->answers->len > 0) {
        GlanceScoredAnswer *best = &g_array_index(answers->answers, GlanceScoredAnswer, 0);
        g_autofree char *db = glance_paths_default_db();
        glance_history_add_async(db, key, self->asked_question, best->answer, best->score, on_recorded,
                                 g_object_ref(self));
    }
}

static void cancel_asking(GlanceAskPage *self)
{
    if (self->asking) {
        g_cancellable_cancel(self->asking);
        g_clear_object(&self->asking);
    }
    gtk_revealer_set_reveal_child(self->progress_revealer, FALSE);
    gtk_spinner_set_spinning(self->spinner, FALSE);
    update_actions(self);
}

static void ask(GlanceAskPage *self, const char *text)
{
    GlancePhoto *photo = glance_ask_page_get_photo(self);
    g_autofree char *question = g_strstrip(g_strdup(text));
    if (!photo || !*question)
        return;
    cancel_asking(self);
    /* The map shown was the last answer's: none until the new one arrives. */
    glance_where_overlay_picture_set_where(glance_image_drop_get_picture(self->image_drop), NULL);
    GlanceApplication *app = GLANCE_APPLICATION_DEFAULT;
    int top = g_settings_get_int(glance_application_get_settings(app), "answer-count");
    self->asking = g_cancellable_new();
    self->ask_started = g_get_monotonic_time();
    self->last_answer_ms = -1;
    g_free(self->asked_question);
    self->asked_question = g_strdup(question);
    gtk_label_set_text(self->progress_label, _("Looking at the photo…"));
    gtk_spinner_set_spinning(self->spinner, TRUE);
    gtk_revealer_set_reveal_child(self->progress_revealer, TRUE);
    update_actions(self);
    glance_inference_ask_async(glance_application_get_inference(app), photo, question, top,
                               self->asking, on_answered, g_object_ref(self));
}

/* ---- history and suggestions ---- */

static void on_history_listed(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceAskPage) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = glance_history_list_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_object(&self->history_loading);
    clear_list(self->history_list);
    if (!entries) {
        g_warning("%s", error->message);
        entries = g_ptr_array_new();
    }
    for (guint i = 0; i < entries->len; i++) {
        GlanceHistoryEntry *entry = entries->pdata[i];
        g_autofree char *percent = glance_format_percent(entry->score);
        /* Translators: the best answer a question got and its confidence, e.g. "red · 93%" */
        g_autofree char *subtitle = g_strdup_printf(_("%s · %s"), entry->answer, percent);
        gtk_list_box_append(self->history_list, question_row_new(entry->question, subtitle));
    }
    gtk_widget_set_visible(GTK_WIDGET(self->history_box), entries->len > 0);
}

static void reload_history(GlanceAskPage *self)
{
    GlancePhoto *photo = glance_ask_page_get_photo(self);
    const char *key = photo ? glance_photo_get_key(photo) : NULL;
    if (self->history_loading)
        g_cancellable_cancel(self->history_loading);
    g_clear_object(&self->history_loading);
    if (!key) {
        clear_list(self->history_list);
        gtk_widget_set_visible(GTK_WIDGET(self->history_box), FALSE);
        return;
    }
    self->history_loading = g_cancellable_new();
    g_autofree char *db = glance_paths_default_db();
    glance_history_list_async(db, key, HISTORY_SHOWN, self->history_loading, on_history_listed, g_object_ref(self));
}

static const GlanceSampleScene *sample_scene_for(GlancePhoto *photo)
{
    GlanceSamples *samples = glance_application_get_samples(GLANCE_APPLICATION_DEFAULT);
    GFile *file = photo ? glance_photo_get_file(photo) : NULL;
    g_autofree char *path = file ? g_file_get_path(file) : NULL;
    for (guint i = 0; path && samples && i < glance_samples_get_n_scenes(samples); i++) {
        const GlanceSampleScene *scene = glance_samples_get_scene(samples, i);
        if (g_strcmp0(scene->path, path) == 0)
            return scene;
    }
    return NULL;
}

static void on_photo_changed(GlanceAskPage *self)
{
    GlancePhoto *photo = glance_ask_page_get_photo(self);
    cancel_asking(self);
    clear_list(self->answers_list);
    glance_notice_list_clear(self->notice_list);
    gtk_widget_set_visible(GTK_WIDGET(self->answers_box), FALSE);

    const GlanceSampleScene *scene = sample_scene_for(photo);
    clear_list(self->suggestions_list);
    guint n_questions = scene ? g_strv_length(scene->questions) : 0;
    for (guint i = 0; i < n_questions; i++)
        gtk_list_box_append(self->suggestions_list, question_row_new(scene->questions[i], NULL));
    gtk_widget_set_visible(GTK_WIDGET(self->suggestions_box), n_questions > 0);
    /* A new photo starts with a new question: the last one was about another picture. */
    gtk_editable_set_text(GTK_EDITABLE(self->question_entry),
                          self->prefill_question && n_questions > 0 ? scene->questions[0] : "");
    self->prefill_question = FALSE;

    reload_history(self);
    update_actions(self);
    if (photo) {
        glance_inference_prepare(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT),
                                 GLANCE_MODEL_TASK_VQA);
        gtk_widget_grab_focus(GTK_WIDGET(self->question_entry));
    }
}

/* While the built-in model answers, the empty state says what it sees, as the banner. */
static void on_banner_changed(GlanceAskPage *self)
{
    g_autofree char *description = glance_model_banner_describe(
        self->model_banner,
        _("Open a photo, drop one here or paste it with Ctrl+V, then ask a question about it in your own words"));
    g_object_set(self->image_drop, "description", description, NULL);
}

static void on_question_activate(GlanceAskPage *self)
{
    ask(self, gtk_editable_get_text(GTK_EDITABLE(self->question_entry)));
}

/* ---- how much of a long question the model reads ---- */

static void on_question_measured(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceAskPage) self = data;
    g_autoptr(GError) error = NULL;
    GlanceTextFit fit;
    gboolean measured = glance_text_fit_finish(result, &fit, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the question changed meanwhile */
    g_clear_object(&self->measuring);
    if (!measured) {
        g_debug("measuring the question: %s", error->message);   /* asking will say it */
        return;
    }
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->question_entry));
    gsize length = strlen(text);
    gboolean cut = fit.n_read < fit.n_pieces && fit.read_bytes < length;
    gtk_widget_set_visible(GTK_WIDGET(self->length_label), cut);
    /* The entry's progress line shows the part read. */
    gtk_entry_set_progress_fraction(self->question_entry, cut ? (double)fit.read_bytes / length : 0.0);
    if (!cut)
        return;
    /* The last words the model reads, so the person sees where it stops. */
    g_autofree char *read = g_strstrip(g_strndup(text, fit.read_bytes));
    const char *tail = read + strlen(read);
    for (int words = 0; tail > read && words < 4;) {
        tail = g_utf8_prev_char(tail);
        if (tail > read && g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(tail))))
            words++;
    }
    g_autofree char *shown = tail > read ? g_strconcat("…", tail, NULL) : g_strdup(read);
    /* Translators: %s is the end of the part of the question the model reads */
    g_autofree char *message = g_strdup_printf(_("Too long: the model reads only up to “%s”"), shown);
    gtk_label_set_text(self->length_label, message);
}

static gboolean measure_question(gpointer data)
{
    GlanceAskPage *self = data;
    self->measure_source = 0;
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->question_entry));
    g_autofree char *model = glance_inference_dup_model_path(
        glance_application_get_inference(GLANCE_APPLICATION_DEFAULT), GLANCE_MODEL_TASK_VQA);
    if (!model || !*text)
        return G_SOURCE_REMOVE;
    self->measuring = g_cancellable_new();
    glance_text_fit_async(model, text, self->measuring, on_question_measured, g_object_ref(self));
    return G_SOURCE_REMOVE;
}

static void on_question_changed(GlanceAskPage *self)
{
    update_actions(self);
    if (self->measuring)
        g_cancellable_cancel(self->measuring);
    g_clear_object(&self->measuring);
    g_clear_handle_id(&self->measure_source, g_source_remove);
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->question_entry));
    /* Short questions always fit: a character makes at most one piece, and no model
     * reads fewer than a dozen; measure the rest once typing pauses. */
    if (g_utf8_strlen(text, -1) < 12) {
        gtk_widget_set_visible(GTK_WIDGET(self->length_label), FALSE);
        gtk_entry_set_progress_fraction(self->question_entry, 0.0);
        return;
    }
    self->measure_source = g_timeout_add(250, measure_question, self);
}

static void on_question_row_activated(GlanceAskPage *self, GtkListBoxRow *row)
{
    const char *question = g_object_get_data(G_OBJECT(row), "question");
    if (!question)
        return;
    gtk_editable_set_text(GTK_EDITABLE(self->question_entry), question);
    ask(self, question);
}

/* ---- actions ---- */

static void ask_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    on_question_activate(GLANCE_ASK_PAGE(widget));
}

static void cancel_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    cancel_asking(GLANCE_ASK_PAGE(widget));
}

static void open_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_image_drop_open(GLANCE_ASK_PAGE(widget)->image_drop);
}

static void focus_entry_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceAskPage *self = GLANCE_ASK_PAGE(widget);
    if (gtk_widget_get_sensitive(GTK_WIDGET(self->question_entry)))
        gtk_widget_grab_focus(GTK_WIDGET(self->question_entry));
}

static void sample_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceAskPage *self = GLANCE_ASK_PAGE(widget);
    GlanceSamples *samples = glance_application_get_samples(GLANCE_APPLICATION_DEFAULT);
    guint n = samples ? glance_samples_get_n_scenes(samples) : 0;
    if (n == 0)
        return;
    const GlanceSampleScene *scene = glance_samples_get_scene(samples, self->next_sample++ % n);
    g_autoptr(GFile) file = g_file_new_for_path(scene->path);
    self->prefill_question = TRUE;
    glance_image_drop_load_file(self->image_drop, file);
}

static void history_cleared(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    g_autoptr(GlanceAskPage) self = data;
    g_autoptr(GError) error = NULL;
    if (!glance_history_edit_finish(result, &error))
        glance_show_error(GTK_WIDGET(self), _("Could not forget the questions"), error->message);
    reload_history(self);
}

static void clear_history_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlancePhoto *photo = glance_ask_page_get_photo(GLANCE_ASK_PAGE(widget));
    const char *key = photo ? glance_photo_get_key(photo) : NULL;
    if (!key)
        return;
    g_autofree char *db = glance_paths_default_db();
    glance_history_clear_async(db, key, history_cleared, g_object_ref(widget));
}

/* ---- object ---- */

static void glance_ask_page_dispose(GObject *object)
{
    GlanceAskPage *self = GLANCE_ASK_PAGE(object);
    if (self->asking)
        g_cancellable_cancel(self->asking);
    g_clear_object(&self->asking);
    if (self->history_loading)
        g_cancellable_cancel(self->history_loading);
    g_clear_object(&self->history_loading);
    if (self->measuring)
        g_cancellable_cancel(self->measuring);
    g_clear_object(&self->measuring);
    g_clear_handle_id(&self->measure_source, g_source_remove);
    if (self->after_paint_id) {
        GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self));
        if (clock)
            g_signal_handler_disconnect(clock, self->after_paint_id);
        self->after_paint_id = 0;
    }
    g_clear_pointer(&self->asked_question, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_ASK_PAGE);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_ask_page_parent_class)->dispose(object);
}

static void glance_ask_page_class_init(GlanceAskPageClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_ask_page_dispose;

    g_type_ensure(GLANCE_TYPE_IMAGE_DROP);
    g_type_ensure(GLANCE_TYPE_ADAPTIVE_BOX);
    g_type_ensure(GLANCE_TYPE_MODEL_BANNER);
    g_type_ensure(GLANCE_TYPE_NOTICE_LIST);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-ask-page.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, model_banner);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, image_drop);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, side_separator);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, side_panel);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, question_entry);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, length_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, progress_revealer);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, spinner);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, progress_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, answers_box);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, answers_heading);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, notice_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, answers_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, where_toggle);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, suggestions_box);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, suggestions_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, history_box);
    gtk_widget_class_bind_template_child(widget_class, GlanceAskPage, history_list);
    gtk_widget_class_bind_template_callback(widget_class, on_photo_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_banner_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_question_activate);
    gtk_widget_class_bind_template_callback(widget_class, on_question_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_question_row_activated);

    gtk_widget_class_install_action(widget_class, "page.ask", NULL, ask_action);
    gtk_widget_class_install_action(widget_class, "page.cancel", NULL, cancel_action);
    gtk_widget_class_install_action(widget_class, "page.open", NULL, open_action);
    gtk_widget_class_install_action(widget_class, "page.focus-entry", NULL, focus_entry_action);
    gtk_widget_class_install_action(widget_class, "page.sample", NULL, sample_action);
    gtk_widget_class_install_action(widget_class, "page.clear-history", NULL, clear_history_action);
}

static void glance_ask_page_init(GlanceAskPage *self)
{
    self->last_answer_ms = -1;
    gtk_widget_init_template(GTK_WIDGET(self));
    glance_where_toggle_bind(self->where_toggle, glance_image_drop_get_picture(self->image_drop));
    on_banner_changed(self);
    update_actions(self);
}

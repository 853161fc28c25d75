/* glance-compare-page.c — NLVR2 on the inference worker; any change to the images or the
 * statement withdraws the verdict, so what is shown always belongs to what is there. */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-adaptive-box.h"
#include "glance-answer-row.h"
#include "glance-application.h"
#include "glance-compare-page.h"
#include "glance-image-drop.h"
#include "glance-model-banner.h"
#include "glance-notice-list.h"
#include "glance-where-toggle.h"
#include "glance-window.h"

struct _GlanceComparePage {
    GtkWidget parent_instance;
    GlanceImageDrop *left_drop;
    GlanceImageDrop *right_drop;
    GtkWidget *swap_button;
    GtkEntry *statement_entry;
    GtkRevealer *progress_revealer;
    GtkSpinner *spinner;
    GtkStack *verdict_stack;
    GtkLabel *verdict_label;
    GtkLabel *probability_label;
    GtkLevelBar *probability_bar;
    GlanceNoticeList *notice_list;
    GtkToggleButton *where_toggle;

    GCancellable *judging;
    guint next_sample;
};

G_DEFINE_FINAL_TYPE(GlanceComparePage, glance_compare_page, GTK_TYPE_WIDGET)

gboolean glance_compare_page_is_busy(GlanceComparePage *self) { return self->judging != NULL; }

static void update_actions(GlanceComparePage *self)
{
    GlancePhoto *left = glance_image_drop_get_photo(self->left_drop);
    GlancePhoto *right = glance_image_drop_get_photo(self->right_drop);
    g_autofree char *statement = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->statement_entry))));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.judge", left && right && *statement);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.swap", left || right);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.cancel", self->judging != NULL);
    GlanceSamples *samples = glance_application_get_samples(GLANCE_APPLICATION_DEFAULT);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "page.sample",
                                  samples && glance_samples_get_n_pairs(samples) > 0);
}

static void stop_judging(GlanceComparePage *self)
{
    if (self->judging) {
        g_cancellable_cancel(self->judging);
        g_clear_object(&self->judging);
    }
    gtk_spinner_set_spinning(self->spinner, FALSE);
    gtk_revealer_set_reveal_child(self->progress_revealer, FALSE);
    update_actions(self);
}

/* Where the verdict looked, over each image (NULL: no verdict, no maps). */
static void show_where(GlanceComparePage *self, GlanceWhere *const *where)
{
    glance_where_overlay_picture_set_where(glance_image_drop_get_picture(self->left_drop), where ? where[0] : NULL);
    glance_where_overlay_picture_set_where(glance_image_drop_get_picture(self->right_drop), where ? where[1] : NULL);
}

static void withdraw_verdict(GlanceComparePage *self)
{
    stop_judging(self);
    gtk_stack_set_visible_child_name(self->verdict_stack, "hint");
    show_where(self, NULL);
}

static void on_judged(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GlanceComparePage) self = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GlanceCompareResult) judged = glance_inference_compare_finish(GLANCE_INFERENCE(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_object(&self->judging);   /* finished: nothing left to cancel */
    stop_judging(self);
    if (!judged) {
        glance_show_error(GTK_WIDGET(self), _("Could not check the statement"), error->message);
        return;
    }
    const GlanceJudgement *judgement = &judged->judgement;
    /* A verdict below the calibrated confidence is no verdict: "Not sure", uncoloured. */
    gboolean unsure = glance_notices_find(judged->notices, GLANCE_NOTICE_LOW_CONFIDENCE) != NULL;
    g_autofree char *percent = glance_format_percent(judgement->probability);
    g_autofree char *detail = g_strdup_printf(_("Probability that the statement is true: %s"), percent);
    gtk_label_set_text(self->verdict_label, unsure ? _("Not sure") : judgement->verdict ? _("True") : _("False"));
    gtk_widget_remove_css_class(GTK_WIDGET(self->verdict_label), "error");
    gtk_widget_remove_css_class(GTK_WIDGET(self->verdict_label), "success");
    if (!unsure)
        gtk_widget_add_css_class(GTK_WIDGET(self->verdict_label), judgement->verdict ? "success" : "error");
    gtk_label_set_text(self->probability_label, detail);
    gtk_level_bar_set_value(self->probability_bar, judgement->probability);
    glance_notice_list_show(self->notice_list, judged->notices, -1);
    gtk_stack_set_visible_child_name(self->verdict_stack, "verdict");
    show_where(self, judged->where);
}

static void judge(GlanceComparePage *self)
{
    GlancePhoto *left = glance_image_drop_get_photo(self->left_drop);
    GlancePhoto *right = glance_image_drop_get_photo(self->right_drop);
    g_autofree char *statement = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->statement_entry))));
    if (!left || !right) {
        glance_show_toast(GTK_WIDGET(self), _("Add a left and a right image first"));
        return;
    }
    if (!*statement)
        return;
    withdraw_verdict(self);
    self->judging = g_cancellable_new();
    gtk_spinner_set_spinning(self->spinner, TRUE);
    gtk_revealer_set_reveal_child(self->progress_revealer, TRUE);
    update_actions(self);
    glance_inference_compare_async(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT),
                                   left, right, statement, self->judging, on_judged, g_object_ref(self));
}

static void on_photos_changed(GlanceComparePage *self)
{
    GlancePhoto *left = glance_image_drop_get_photo(self->left_drop);
    GlancePhoto *right = glance_image_drop_get_photo(self->right_drop);
    /* One primary action: the first empty place's "Open Image…" (then Check). */
    g_object_set(self->left_drop, "primary", left == NULL, NULL);
    g_object_set(self->right_drop, "primary", left != NULL && right == NULL, NULL);
    withdraw_verdict(self);
    if (glance_image_drop_get_photo(self->left_drop) || glance_image_drop_get_photo(self->right_drop))
        glance_inference_prepare(glance_application_get_inference(GLANCE_APPLICATION_DEFAULT),
                                 GLANCE_MODEL_TASK_NLVR2);
}

/* One image above the other: the swap arrows point up and down. */
static void on_layout_stacked(GlanceAdaptiveBox *layout, GParamSpec *pspec, GlanceComparePage *self)
{
    (void)pspec;
    if (glance_adaptive_box_get_stacked(layout))
        gtk_widget_add_css_class(self->swap_button, "vertical");
    else
        gtk_widget_remove_css_class(self->swap_button, "vertical");
}

static void on_statement_changed(GlanceComparePage *self)
{
    withdraw_verdict(self);
}

static void on_statement_activate(GlanceComparePage *self)
{
    judge(self);
}

/* Where one more image goes: the right side when only the left is filled, else the left. */
static GlanceImageDrop *first_empty_side(GlanceComparePage *self)
{
    return glance_image_drop_get_photo(self->left_drop) && !glance_image_drop_get_photo(self->right_drop)
               ? self->right_drop : self->left_drop;
}

gboolean glance_compare_page_paste(GlanceComparePage *self, GdkClipboard *clipboard)
{
    return glance_image_drop_paste(first_empty_side(self), clipboard);
}

void glance_compare_page_load_file(GlanceComparePage *self, GFile *file)
{
    glance_image_drop_load_file(first_empty_side(self), file);
}

void glance_compare_page_load_files(GlanceComparePage *self, GFile *left, GFile *right)
{
    glance_image_drop_load_file(self->left_drop, left);
    glance_image_drop_load_file(self->right_drop, right);
}

/* ---- actions ---- */

static void judge_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    judge(GLANCE_COMPARE_PAGE(widget));
}

static void cancel_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    stop_judging(GLANCE_COMPARE_PAGE(widget));
}

static void swap_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceComparePage *self = GLANCE_COMPARE_PAGE(widget);
    GlancePhoto *left = glance_image_drop_get_photo(self->left_drop);
    GlancePhoto *right = glance_image_drop_get_photo(self->right_drop);
    g_autoptr(GlancePhoto) left_ref = left ? g_object_ref(left) : NULL;
    g_autoptr(GlancePhoto) right_ref = right ? g_object_ref(right) : NULL;
    /* The statement now speaks of the other sides: notify::photo withdraws the verdict. */
    glance_image_drop_set_photo(self->left_drop, right_ref);
    glance_image_drop_set_photo(self->right_drop, left_ref);
}

/* Ctrl+O: the left image (Ctrl+Shift+O: the right one). */
static void open_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_image_drop_open(GLANCE_COMPARE_PAGE(widget)->left_drop);
}

static void open_right_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    glance_image_drop_open(GLANCE_COMPARE_PAGE(widget)->right_drop);
}

static void focus_entry_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    gtk_widget_grab_focus(GTK_WIDGET(GLANCE_COMPARE_PAGE(widget)->statement_entry));
}

static void sample_action(GtkWidget *widget, const char *name, GVariant *param)
{
    (void)name, (void)param;
    GlanceComparePage *self = GLANCE_COMPARE_PAGE(widget);
    GlanceSamples *samples = glance_application_get_samples(GLANCE_APPLICATION_DEFAULT);
    guint n = samples ? glance_samples_get_n_pairs(samples) : 0;
    if (n == 0)
        return;
    const GlanceSamplePair *pair = glance_samples_get_pair(samples, self->next_sample++ % n);
    g_autoptr(GFile) left = g_file_new_for_path(pair->left);
    g_autoptr(GFile) right = g_file_new_for_path(pair->right);
    glance_compare_page_load_files(self, left, right);
    if (pair->statements && pair->statements[0])
        gtk_editable_set_text(GTK_EDITABLE(self->statement_entry), pair->statements[0]);
    gtk_widget_grab_focus(GTK_WIDGET(self->statement_entry));
}

/* ---- object ---- */

static void glance_compare_page_dispose(GObject *object)
{
    GlanceComparePage *self = GLANCE_COMPARE_PAGE(object);
    if (self->judging)
        g_cancellable_cancel(self->judging);
    g_clear_object(&self->judging);
    gtk_widget_dispose_template(GTK_WIDGET(self), GLANCE_TYPE_COMPARE_PAGE);
    /* GTK 4.8 leaves the template's root child in place: unparent it too. */
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    G_OBJECT_CLASS(glance_compare_page_parent_class)->dispose(object);
}

static void glance_compare_page_class_init(GlanceComparePageClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_compare_page_dispose;

    g_type_ensure(GLANCE_TYPE_IMAGE_DROP);
    g_type_ensure(GLANCE_TYPE_ADAPTIVE_BOX);
    g_type_ensure(GLANCE_TYPE_MODEL_BANNER);
    g_type_ensure(GLANCE_TYPE_NOTICE_LIST);
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-compare-page.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, left_drop);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, right_drop);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, swap_button);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, statement_entry);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, progress_revealer);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, spinner);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, verdict_stack);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, verdict_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, probability_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, probability_bar);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, notice_list);
    gtk_widget_class_bind_template_child(widget_class, GlanceComparePage, where_toggle);
    gtk_widget_class_bind_template_callback(widget_class, on_photos_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_layout_stacked);
    gtk_widget_class_bind_template_callback(widget_class, on_statement_changed);
    gtk_widget_class_bind_template_callback(widget_class, on_statement_activate);

    gtk_widget_class_install_action(widget_class, "page.judge", NULL, judge_action);
    gtk_widget_class_install_action(widget_class, "page.cancel", NULL, cancel_action);
    gtk_widget_class_install_action(widget_class, "page.swap", NULL, swap_action);
    gtk_widget_class_install_action(widget_class, "page.open", NULL, open_action);
    gtk_widget_class_install_action(widget_class, "page.open-right", NULL, open_right_action);
    gtk_widget_class_install_action(widget_class, "page.focus-entry", NULL, focus_entry_action);
    gtk_widget_class_install_action(widget_class, "page.sample", NULL, sample_action);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_x, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "page.swap", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "page.open-right", NULL);
}

static void glance_compare_page_init(GlanceComparePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    glance_where_toggle_bind(self->where_toggle, glance_image_drop_get_picture(self->left_drop));
    glance_where_toggle_bind(self->where_toggle, glance_image_drop_get_picture(self->right_drop));
    update_actions(self);
}

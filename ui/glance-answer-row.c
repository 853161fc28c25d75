/* glance-answer-row.c */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-answer-row.h"

struct _GlanceAnswerRow {
    GtkListBoxRow parent_instance;
    GtkLabel *answer_label;
    GtkLabel *score_label;
    GtkLevelBar *level_bar;
    double score;
};

G_DEFINE_FINAL_TYPE(GlanceAnswerRow, glance_answer_row, GTK_TYPE_LIST_BOX_ROW)

char *glance_format_percent(double fraction)
{
    /* Translators: a confidence or probability in percent, e.g. "93%" */
    return g_strdup_printf(_("%.0f%%"), 100.0 * CLAMP(fraction, 0.0, 1.0));
}

static void glance_answer_row_dispose(GObject *object)
{
    gtk_widget_dispose_template(GTK_WIDGET(object), GLANCE_TYPE_ANSWER_ROW);
    G_OBJECT_CLASS(glance_answer_row_parent_class)->dispose(object);
}

static void glance_answer_row_class_init(GlanceAnswerRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_answer_row_dispose;
    gtk_widget_class_set_template_from_resource(widget_class, "/io/github/glance/Glance/ui/glance-answer-row.ui");
    gtk_widget_class_bind_template_child(widget_class, GlanceAnswerRow, answer_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceAnswerRow, score_label);
    gtk_widget_class_bind_template_child(widget_class, GlanceAnswerRow, level_bar);
}

static void glance_answer_row_init(GlanceAnswerRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    /* The default offsets colour low values as warnings; a low score is not an error. */
    gtk_level_bar_remove_offset_value(self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
    gtk_level_bar_remove_offset_value(self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
    gtk_level_bar_remove_offset_value(self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}

GtkWidget *glance_answer_row_new(const char *answer, double score, gboolean best)
{
    GlanceAnswerRow *self = g_object_new(GLANCE_TYPE_ANSWER_ROW, NULL);
    g_autofree char *percent = glance_format_percent(score);
    self->score = score;
    gtk_label_set_text(self->answer_label, answer);
    gtk_label_set_text(self->score_label, percent);
    gtk_level_bar_set_value(self->level_bar, CLAMP(score, 0.0, 1.0));
    if (best)
        gtk_widget_add_css_class(GTK_WIDGET(self->answer_label), "heading");
    /* Translators: how a screen reader announces an answer: "red, 93%" */
    g_autofree char *spoken = g_strdup_printf(_("%s, %s"), answer, percent);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    return GTK_WIDGET(self);
}

const char *glance_answer_row_get_answer(GlanceAnswerRow *self)
{
    return gtk_label_get_text(self->answer_label);
}

double glance_answer_row_get_score(GlanceAnswerRow *self)
{
    return self->score;
}

/* glance-answer-row.h — one answer with its confidence as a bar. */
#ifndef GLANCE_ANSWER_ROW_H
#define GLANCE_ANSWER_ROW_H
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLANCE_TYPE_ANSWER_ROW (glance_answer_row_get_type())
G_DECLARE_FINAL_TYPE(GlanceAnswerRow, glance_answer_row, GLANCE, ANSWER_ROW, GtkListBoxRow)

/* best: the top answer, shown stronger. */
GtkWidget *glance_answer_row_new(const char *answer, double score, gboolean best);
const char *glance_answer_row_get_answer(GlanceAnswerRow *self);
double glance_answer_row_get_score(GlanceAnswerRow *self);
/* "93%" as shown (locale-dependent); newly allocated. */
char *glance_format_percent(double fraction);

G_END_DECLS
#endif

/* glance-ask-page.h — a photo, a question, the answers and the questions asked before. */
#ifndef GLANCE_ASK_PAGE_H
#define GLANCE_ASK_PAGE_H
#include <adwaita.h>
#include "glance-photo.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_ASK_PAGE (glance_ask_page_get_type())
G_DECLARE_FINAL_TYPE(GlanceAskPage, glance_ask_page, GLANCE, ASK_PAGE, GtkWidget)

void glance_ask_page_load_file(GlanceAskPage *self, GFile *file);
/* An image on the clipboard becomes the photo; FALSE when there is none. */
gboolean glance_ask_page_paste(GlanceAskPage *self, GdkClipboard *clipboard);
GlancePhoto *glance_ask_page_get_photo(GlanceAskPage *self);
gboolean glance_ask_page_is_busy(GlanceAskPage *self);
/* Milliseconds from the last ask (Enter) to the frame that showed its answers; < 0 if none. */
double glance_ask_page_get_last_answer_ms(GlanceAskPage *self);

G_END_DECLS
#endif

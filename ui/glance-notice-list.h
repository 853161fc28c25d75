/* glance-notice-list.h — the notices of an answer or a search (app/glance-notices.h),
 * each a line beside the result, never a toast. */
#ifndef GLANCE_NOTICE_LIST_H
#define GLANCE_NOTICE_LIST_H
#include <gtk/gtk.h>
#include "glance-notice.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_NOTICE_LIST (glance_notice_list_get_type())
G_DECLARE_FINAL_TYPE(GlanceNoticeList, glance_notice_list, GLANCE, NOTICE_LIST, GtkWidget)

/* Shows each notice (GlanceNotice *) of `notices` (NULL: none) whose code is not
 * `left_out` (-1: every one), each as its message; hidden when there is none. */
void glance_notice_list_show(GlanceNoticeList *self, GPtrArray *notices, int left_out);
void glance_notice_list_clear(GlanceNoticeList *self);
/* The first notice of `code` in `notices`, or NULL. */
const GlanceNotice *glance_notices_find(GPtrArray *notices, GlanceNoticeCode code);

G_END_DECLS
#endif

/* glance-compare-page.h — two images, a statement, and whether it holds. */
#ifndef GLANCE_COMPARE_PAGE_H
#define GLANCE_COMPARE_PAGE_H
#include <adwaita.h>
#include "glance-photo.h"

G_BEGIN_DECLS

#define GLANCE_TYPE_COMPARE_PAGE (glance_compare_page_get_type())
G_DECLARE_FINAL_TYPE(GlanceComparePage, glance_compare_page, GLANCE, COMPARE_PAGE, GtkWidget)

/* An image on the clipboard goes to the first empty side (else the left); FALSE when none. */
gboolean glance_compare_page_paste(GlanceComparePage *self, GdkClipboard *clipboard);
/* A photo (the viewer's "Compare…") goes to the first empty side, else the left. */
void glance_compare_page_load_file(GlanceComparePage *self, GFile *file);
void glance_compare_page_load_files(GlanceComparePage *self, GFile *left, GFile *right);
gboolean glance_compare_page_is_busy(GlanceComparePage *self);

G_END_DECLS
#endif

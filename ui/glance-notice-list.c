/* glance-notice-list.c — a column of short lines, each an icon and the notice's message
 * as app/ words it (the CLI prints the same words). */
#include "config.h"
#include <glib/gi18n.h>
#include "glance-notice-list.h"

struct _GlanceNoticeList {
    GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE(GlanceNoticeList, glance_notice_list, GTK_TYPE_WIDGET)

const GlanceNotice *glance_notices_find(GPtrArray *notices, GlanceNoticeCode code)
{
    for (guint i = 0; notices && i < notices->len; i++)
        if (((GlanceNotice *)notices->pdata[i])->code == code)
            return notices->pdata[i];
    return NULL;
}

void glance_notice_list_clear(GlanceNoticeList *self)
{
    for (GtkWidget *child; (child = gtk_widget_get_first_child(GTK_WIDGET(self)));)
        gtk_widget_unparent(child);
    gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}

static GtkWidget *notice_line_new(const GlanceNotice *notice)
{
    GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_widget_add_css_class(line, "notice");
    gtk_widget_add_css_class(line, glance_notice_code_name(notice->code));
    /* The icon adds nothing to the words: screen readers skip it. */
    GtkWidget *icon = g_object_new(GTK_TYPE_IMAGE, "icon-name", "dialog-information-symbolic", "valign",
                                   GTK_ALIGN_START, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
    gtk_box_append(GTK_BOX(line), icon);
    GtkWidget *label = gtk_label_new(notice->message);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(label), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_hexpand(label, TRUE);
    gtk_box_append(GTK_BOX(line), label);
    return line;
}

void glance_notice_list_show(GlanceNoticeList *self, GPtrArray *notices, int left_out)
{
    glance_notice_list_clear(self);
    g_autoptr(GString) spoken = g_string_new(NULL);
    for (guint i = 0; notices && i < notices->len; i++) {
        const GlanceNotice *notice = notices->pdata[i];
        if ((int)notice->code == left_out)
            continue;
        gtk_widget_set_parent(notice_line_new(notice), GTK_WIDGET(self));
        g_string_append_printf(spoken, "%s%s.", spoken->len ? " " : "", notice->message);
    }
    gtk_widget_set_visible(GTK_WIDGET(self), spoken->len > 0);
    /* Read as one: what to know about the answer. */
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Notices"),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, spoken->str, -1);
}

static void glance_notice_list_dispose(GObject *object)
{
    glance_notice_list_clear(GLANCE_NOTICE_LIST(object));
    G_OBJECT_CLASS(glance_notice_list_parent_class)->dispose(object);
}

static void glance_notice_list_class_init(GlanceNoticeListClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = glance_notice_list_dispose;
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BOX_LAYOUT);
    gtk_widget_class_set_css_name(widget_class, "glance-notice-list");
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void glance_notice_list_init(GlanceNoticeList *self)
{
    GtkLayoutManager *layout = gtk_widget_get_layout_manager(GTK_WIDGET(self));
    gtk_orientable_set_orientation(GTK_ORIENTABLE(layout), GTK_ORIENTATION_VERTICAL);
    gtk_box_layout_set_spacing(GTK_BOX_LAYOUT(layout), 6);
    gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}

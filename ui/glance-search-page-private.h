/* glance-search-page-private.h — what the Search page's files share: the instance
 * struct and the steps each file offers the others (as gnome-text-editor's
 * editor-page-private.h). glance-search-page.c: the object, what is shown, searching;
 * glance-search-page-library.c: opening the library, counts, indexing;
 * glance-search-page-actions.c: the page.* actions. */
#ifndef GLANCE_SEARCH_PAGE_PRIVATE_H
#define GLANCE_SEARCH_PAGE_PRIVATE_H
#include <adwaita.h>
#include "glance-library.h"
#include "glance-model-banner.h"
#include "glance-notice-list.h"
#include "glance-search-page.h"

G_BEGIN_DECLS

struct _GlanceSearchPage {
    GtkWidget parent_instance;
    GtkSearchEntry *search_entry;
    GtkToggleButton *precise_button;
    GtkListBox *folders_list;
    GtkRevealer *index_revealer;
    GtkLabel *index_label;
    GtkProgressBar *index_progress;
    GtkButton *pause_button;
    GtkStack *content_stack;
    AdwStatusPage *unavailable_page;
    AdwStatusPage *start_page;
    AdwStatusPage *empty_page;
    GtkGridView *results_grid;
    GtkLabel *count_label;
    GtkLabel *serving_label;
    GtkButton *failures_button;
    GtkLabel *failures_label;
    GtkWidget *similar_chip;
    GtkLabel *similar_label;
    GtkMenuButton *filters_button;
    GtkDropDown *date_filter;
    GtkDropDown *folder_filter;
    GtkDropDown *type_filter;
    GtkButton *pictures_button;
    GlanceModelBanner *model_banner;
    AdwStatusPage *no_folders_page;
    GtkWidget *judgement_box;
    GtkWidget *no_good_match_label;
    GlanceNoticeList *notice_list;
    GtkWidget *weaker_label;

    GSettings *settings;
    GlanceLibrary *library;      /* NULL until opened; it owns its retrieval model */
    GCancellable *opening;
    GCancellable *indexing;
    GCancellable *searching;
    GCancellable *counting;
    gboolean started;            /* the page was shown once: the library is wanted */
    gboolean paused;
    gboolean stopped;
    guint completed_index_runs;
    GlanceLibraryCounts counts;
    GListStore *results;
    char *shown_query;           /* the query the results belong to */
    char *model_path;            /* the retrieval model the library was opened with */
    char *similar_path;          /* Find Similar's photo, shown as a chip; NULL: none */
    char **filter_folders;       /* folder_filter's choices after "All folders" */
    gint64 last_count_refresh_us; /* counts are refreshed while indexing, not too often */
    guint count_tick;             /* while indexing: refresh the counts every second     */
};

/* Work started for the page, tied to the cancellable it was started with. */
typedef struct {
    GlanceSearchPage *self;
    GCancellable *cancellable;
    GlanceLibrary *library;      /* a reference: a running job keeps its library and model */
} SearchPageJob;

SearchPageJob *_glance_search_page_job_new(GlanceSearchPage *self, GCancellable *cancellable);
SearchPageJob *_glance_search_page_job_ref(SearchPageJob *job);
void _glance_search_page_job_unref(gpointer job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SearchPageJob, _glance_search_page_job_unref)

/* Cancels and drops a job's cancellable. */
void _glance_search_page_cancel(GCancellable **cancellable);
/* The library folders from GSettings. */
char **_glance_search_page_dup_folders(GlanceSearchPage *self);

/* glance-search-page.c */
void _glance_search_page_show_content(GlanceSearchPage *self);
void _glance_search_page_update_count_label(GlanceSearchPage *self);
void _glance_search_page_run_search(GlanceSearchPage *self);
void _glance_search_page_on_search_changed(GlanceSearchPage *self);
void _glance_search_page_open_result(GlanceSearchPage *self, guint position);
/* Searches for photos like the one at path (a chip "Similar to NAME" before the entry;
 * typed text narrows it down); NULL clears the chip. */
void _glance_search_page_find_similar(GlanceSearchPage *self, const char *path);

/* glance-search-page-library.c */
void _glance_search_page_open_library(GlanceSearchPage *self);
void _glance_search_page_refresh_counts(GlanceSearchPage *self);
void _glance_search_page_start_indexing(GlanceSearchPage *self);
void _glance_search_page_update_index_controls(GlanceSearchPage *self);
void _glance_search_page_show_failures(GlanceSearchPage *self);

/* glance-search-page-actions.c */
void _glance_search_page_install_actions(GtkWidgetClass *widget_class);

G_END_DECLS
#endif

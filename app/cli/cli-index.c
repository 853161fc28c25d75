/* cli-index.c — `glance-cli index [--db DB] DIR...`: bring the library up to date with
 * folders, with progress on stderr; Ctrl+C stops cleanly (finished photos are kept). */
#include "cli-library.h"
#include "cli-commands.h"
#include "glance-library-index.h"
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    GMainLoop *loop;
    GCancellable *cancellable;
    gboolean done;
    gboolean ok;
    GError *error;
    GlanceIndexStats stats;
    gboolean tty;          /* stderr is a terminal: one line, rewritten in place */
    gint64 last_line_us;   /* otherwise a line every few seconds */
    gint64 phase_started_us;
    GlanceIndexPhase last_phase;
    gboolean line_open;    /* a progress line without its newline is on screen */
    guint indexing_total;  /* files the indexing phase handles */
    GHashTable *reported;  /* paths whose failure is already on stderr */
} IndexRun;

static void format_duration(double seconds, char *out, gsize size)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        g_snprintf(out, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        g_snprintf(out, size, "%ld:%02ld", s / 60, s % 60);
}

static void end_line(IndexRun *run)
{
    if (run->line_open)
        fputc('\n', stderr);
    run->line_open = FALSE;
}

static void report_failure(IndexRun *run, const char *path, const char *reason)
{
    if (!g_hash_table_add(run->reported, g_strdup(path)))
        return;
    end_line(run);
    fprintf(stderr, "glance-cli: %s could not be read: %s\n", path, reason);
}

/* "12/15 new or changed files: 10 added, 2 could not be read": what the count will add. */
static void format_indexing(const GlanceIndexProgress *p, guint done, guint total, char *out, gsize size)
{
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_printf(line, "indexing: %u/%u new or changed files (of %u found): %u added", done, total,
                    p->stats.scanned, p->stats.added);
    if (p->stats.updated)
        g_string_append_printf(line, ", %u updated", p->stats.updated);
    if (p->stats.failed)
        g_string_append_printf(line, ", %u could not be read", p->stats.failed);
    g_strlcpy(out, line->str, size);
}

static void on_progress(const GlanceIndexProgress *p, gpointer data)
{
    IndexRun *run = data;
    if (p->failed_path)
        report_failure(run, p->failed_path, p->failed_reason);
    gint64 now = g_get_monotonic_time();
    gboolean phase_changed = p->phase != run->last_phase;
    if (phase_changed && run->last_phase == GLANCE_INDEX_PHASE_INDEXING && run->indexing_total > 0) {
        /* The phase's last word, whatever throttling dropped: every file was handled. */
        char line[256];
        format_indexing(p, run->indexing_total, run->indexing_total, line, sizeof line);
        if (run->tty)
            fprintf(stderr, "\r\033[K%s\n", line);
        else
            fprintf(stderr, "%s\n", line);
        run->line_open = FALSE;
    }
    run->last_phase = p->phase;
    if (phase_changed)
        run->phase_started_us = now;
    if (p->phase == GLANCE_INDEX_PHASE_INDEXING)
        run->indexing_total = p->total;
    if (p->phase == GLANCE_INDEX_PHASE_DONE || (p->phase == GLANCE_INDEX_PHASE_INDEXING && p->total == 0))
        return;
    /* A log gets the start of the work and a line every 5 s; a terminal, live updates. */
    if (!run->tty) {
        gboolean work_starts = phase_changed && p->phase != GLANCE_INDEX_PHASE_SCANNING;
        if (!work_starts && now - MAX(run->last_line_us, run->phase_started_us) < 5 * G_USEC_PER_SEC)
            return;
    }
    run->last_line_us = now;
    char left[32] = "", line[320];
    if (p->seconds_left >= 0)
        format_duration(p->seconds_left, left, sizeof left);
    switch (p->phase) {
    case GLANCE_INDEX_PHASE_SCANNING:
        g_snprintf(line, sizeof line, "scanning: %u image files found", p->done);
        break;
    case GLANCE_INDEX_PHASE_INDEXING:
        format_indexing(p, p->done, p->total, line, sizeof line);
        if (left[0])
            g_snprintf(line + strlen(line), sizeof line - strlen(line), ", %.1f/s, %s left", p->rate, left);
        break;
    case GLANCE_INDEX_PHASE_REMOVING:
        g_snprintf(line, sizeof line, "removing %u photos whose files are gone", p->total);
        break;
    default:
        return;
    }
    if (run->tty) {
        fprintf(stderr, "\r\033[K%s", line);
        run->line_open = TRUE;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

static void on_indexed(GObject *source, GAsyncResult *result, gpointer data)
{
    IndexRun *run = data;
    run->ok = glance_library_index_finish(GLANCE_LIBRARY(source), result, &run->stats, &run->error);
    run->done = TRUE;
    g_main_loop_quit(run->loop);
}

static gboolean on_signal(gpointer data)
{
    IndexRun *run = data;
    /* A second Ctrl+C while the last batch commits should not kill it midway. */
    g_cancellable_cancel(run->cancellable);
    return G_SOURCE_CONTINUE;
}

static void add_count(JsonBuilder *b, const char *name, guint value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

int cli_index(int argc, char **argv)
{
    g_autoptr(GOptionContext) opts = g_option_context_new("FOLDER... - add photos to the library, or update it");
    g_option_context_add_main_entries(opts, cli_common_entries, NULL);
    g_option_context_add_main_entries(opts, cli_library_entries, NULL);
    if (!cli_parse(opts, &argc, &argv))
        return 2;
    if (argc < 2)
        return cli_usage("index needs at least one folder (try --help)");
    GError *error = NULL;
    g_autoptr(GlanceLibrary) library = cli_library_open(TRUE, &error);
    if (!library)
        return cli_fail_error(error);

    IndexRun run = { .tty = isatty(STDERR_FILENO), .last_phase = -1 };
    run.reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    run.loop = g_main_loop_new(NULL, FALSE);
    run.cancellable = g_cancellable_new();
    guint sigint = g_unix_signal_add(SIGINT, on_signal, &run);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &run);
    GlanceIndexOptions options = { .blas_threads = glance_threads_from_environment() };
    glance_library_index_async(library, (const char *const *)argv + 1, &options, on_progress, &run, NULL,
                               run.cancellable, on_indexed, &run);
    while (!run.done)
        g_main_loop_run(run.loop);
    /* Progress reports queued before the result still hold &run: deliver them now. */
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_source_remove(sigint);
    g_source_remove(sigterm);
    end_line(&run);
    g_main_loop_unref(run.loop);
    gboolean interrupted = g_cancellable_is_cancelled(run.cancellable);
    g_object_unref(run.cancellable);
    GlanceIndexStats *s = &run.stats;
    g_autoptr(GHashTable) reported = run.reported;
    if (!run.ok) {
        if (interrupted) {
            g_clear_error(&run.error);
            cli_fail("interrupted: %u photos were saved; run the same command again to finish",
                     s->added + s->updated);
            return 130;
        }
        return cli_fail_error(run.error);
    }
    /* Files that failed before and did not change since were skipped without a report. */
    g_autoptr(GPtrArray) failures = glance_library_list_failures_in(library, (const char *const *)argv + 1, &error);
    if (!failures)
        return cli_fail_error(error);
    for (guint i = 0; i < failures->len; i++) {
        const GlanceLibraryFailure *f = failures->pdata[i];
        report_failure(&run, f->path, f->reason);
    }
    if (cli_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        add_count(b, "scanned", s->scanned);
        add_count(b, "added", s->added);
        add_count(b, "updated", s->updated);
        add_count(b, "unchanged", s->unchanged);
        add_count(b, "removed", s->removed);
        add_count(b, "failed", s->failed);
        json_builder_set_member_name(b, "failures");
        json_builder_begin_array(b);
        for (guint i = 0; i < failures->len; i++) {
            const GlanceLibraryFailure *f = failures->pdata[i];
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "path");
            json_builder_add_string_value(b, f->path);
            json_builder_set_member_name(b, "reason");
            json_builder_add_string_value(b, f->reason);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        cli_print_json(b);
    } else {
        printf("%u image files: %u added, %u updated, %u unchanged, %u removed, %u failed\n", s->scanned,
               s->added, s->updated, s->unchanged, s->removed, s->failed);
        printf("%u encoded, %u took the vector of an identical file\n", s->encoded, s->reused);
    }
    return 0;
}

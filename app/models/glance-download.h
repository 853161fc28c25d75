/* glance-download.h — one large file over HTTP(S), resumable, with libcurl.
 *
 *   GlanceDownloadOptions opts;
 *   glance_download_options_init(&opts);
 *   opts.url = entry->url;
 *   opts.part_path = ".../vlmo-base-vqa.pt.part";
 *   opts.output_path = ".../vlmo-base-vqa.pt";
 *   opts.expected_size = entry->size;
 *   if (!glance_download_file(&opts, &result, cancellable, &error)) ...
 *
 * What it guarantees:
 * - Bytes arrive in part_path; a later call resumes from its length with an HTTP
 *   Range request (a server that ignores Range restarts the file from zero).
 *   Two processes never write one .part: the second gets GLANCE_MODELS_ERROR_BUSY.
 * - Only https, except plain http to a loopback host (127.0.0.0/8, ::1, localhost);
 *   every redirect (at most max_redirects) is checked against the same rule.
 * - Proxies: libcurl's own environment variables are honoured (http_proxy — lower
 *   case only, as curl refuses HTTP_PROXY —, https_proxy/HTTPS_PROXY, all_proxy,
 *   no_proxy); loopback addresses never go through a proxy.
 * - Size: the file must end at expected_size when that is known, and at the length
 *   the server announced (Content-Length / Content-Range) — so a catalogue without
 *   sizes still catches a truncated transfer. A size the server announces that
 *   differs from expected_size fails before anything is written.
 * - Disk space: before bytes are written, the free space of part_path's file system
 *   must hold the rest of the download plus extra_space_ratio × its size (room for
 *   what is made of it, e.g. the imported model) plus a small margin.
 * - Time: connect_timeout_s to connect; a transfer that delivers no byte for
 *   stall_timeout_s fails with GLANCE_MODELS_ERROR_TIMEOUT. $GLANCE_DOWNLOAD_STALL_TIMEOUT
 *   (seconds) overrides the default of the latter (tests keep it short).
 * - On success part_path has been renamed to output_path and `result` holds its size
 *   and SHA-256. On failure output_path is untouched; part_path is kept when it holds
 *   bytes that a retry can resume from (cancelled, timed out, connection lost, HTTP
 *   error), and deleted when they are wrong (size or checksum mismatch) or absent.
 * - Cancelling `cancellable` stops within about a second with G_IO_ERROR_CANCELLED.
 */
#ifndef GLANCE_DOWNLOAD_H
#define GLANCE_DOWNLOAD_H
#include <gio/gio.h>
#include "glance-models-error.h"

G_BEGIN_DECLS

/* bytes_total is 0 while unknown. Called from the downloading thread, at most
 * about ten times a second, and once more at the end. */
typedef void (*GlanceDownloadProgressFunc)(guint64 bytes_done, guint64 bytes_total, gpointer user_data);

typedef struct {
    const char *url;
    const char *part_path;        /* bytes so far; resumed when present                 */
    const char *output_path;      /* the complete file is renamed here                  */
    guint64 expected_size;        /* 0: unknown (the server's announced size is checked) */
    const char *expected_sha256;  /* lower-case hex, or NULL                            */
    double extra_space_ratio;     /* free space wanted beyond the download, per byte    */
    guint connect_timeout_s;      /* 0: 30                                              */
    guint stall_timeout_s;        /* 0: $GLANCE_DOWNLOAD_STALL_TIMEOUT, else 60          */
    guint max_redirects;          /* 0: 10                                              */
    GlanceDownloadProgressFunc progress;
    gpointer progress_data;
} GlanceDownloadOptions;

typedef struct {
    guint64 size;                 /* bytes of the complete file                         */
    guint64 resumed_from;         /* bytes that were already in the .part               */
    char sha256[65];              /* lower-case hex SHA-256 of the complete file        */
} GlanceDownloadResult;

void glance_download_options_init(GlanceDownloadOptions *opts);
gboolean glance_download_file(const GlanceDownloadOptions *opts, GlanceDownloadResult *result,
                              GCancellable *cancellable, GError **error);

/* The size of the file at `url` without downloading it: a HEAD request, or, when the
 * server refuses HEAD or announces no length, a request for its first byte (the total
 * of the Content-Range). Redirects are followed under the https-or-loopback rule.
 * timeout_s (0: 10) bounds the connection. A server that cannot be reached at all is
 * GLANCE_MODELS_ERROR_UNREACHABLE, with GLANCE_MODELS_UNREACHABLE_MESSAGE. */
gboolean glance_download_probe_size(const char *url, guint timeout_s, GCancellable *cancellable, guint64 *size,
                                    GError **error);

/* https anywhere; http only to a loopback host; nothing else (GLANCE_MODELS_ERROR_INSECURE). */
gboolean glance_download_url_is_allowed(const char *url, GError **error);

G_END_DECLS
#endif

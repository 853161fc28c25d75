/* glance-download.c — a resumable HTTP(S) download with libcurl (contract: glance-download.h).
 *
 * Redirects are followed here rather than by libcurl so that every hop passes the
 * https-or-loopback rule, and so that each hop's response can be judged before its
 * body touches the .part file. */
#include "config.h"
#include "glance-download.h"
#include "glance-curl.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define DEFAULT_CONNECT_TIMEOUT_S 30
#define DEFAULT_STALL_TIMEOUT_S 60
#define DEFAULT_MAX_REDIRECTS 10
#define SPACE_MARGIN (64u << 20)             /* headroom left on the disk after everything */
#define MAX_DISCARDED_BODY (1u << 20)        /* error pages and redirect bodies are dropped */
#define PROGRESS_INTERVAL_US (100 * 1000)

void glance_download_options_init(GlanceDownloadOptions *opts)
{
    memset(opts, 0, sizeof *opts);
}

/* ---- the https-or-loopback rule ---- */

static gboolean host_is_loopback(const char *host)
{
    if (!g_ascii_strcasecmp(host, "localhost"))
        return TRUE;
    g_autofree char *bare = g_strdup(host);
    gsize length = strlen(bare);
    if (length > 2 && bare[0] == '[' && bare[length - 1] == ']') {   /* [::1] */
        memmove(bare, bare + 1, length - 2);
        bare[length - 2] = '\0';
    }
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string(bare);
    return address && g_inet_address_get_is_loopback(address);
}

/* The URL's scheme and host as libcurl will read them (never a hand-made parse). */
static gboolean split_url(const char *url, char **scheme, char **host)
{
    const GlanceCurl *lib = glance_curl();
    CURLU *parsed = lib->url();
    char *s = NULL, *h = NULL;
    gboolean ok = parsed && lib->url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK &&
                  lib->url_get(parsed, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
                  lib->url_get(parsed, CURLUPART_HOST, &h, 0) == CURLUE_OK;
    if (ok) {
        *scheme = g_ascii_strdown(s, -1);
        *host = g_strdup(h);
    }
    lib->free(s);
    lib->free(h);
    lib->url_cleanup(parsed);
    return ok;
}

gboolean glance_download_url_is_allowed(const char *url, GError **error)
{
    if (!glance_curl_load(error))
        return FALSE;
    g_autofree char *scheme = NULL, *host = NULL;
    if (!url || !split_url(url, &scheme, &host)) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_INSECURE,
                    "'%s' is not a valid download address", url ? url : "(null)");
        return FALSE;
    }
    if (!strcmp(scheme, "https"))
        return TRUE;
    if (!strcmp(scheme, "http") && host_is_loopback(host))
        return TRUE;
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_INSECURE,
                !strcmp(scheme, "http") ? "refusing plain http to %s: only https is allowed "
                                          "for addresses other than this computer's"
                                        : "refusing %s: only https (or http to this computer) is allowed",
                !strcmp(scheme, "http") ? host : url);
    return FALSE;
}

static char *url_host(const char *url)
{
    g_autofree char *scheme = NULL;
    char *host = NULL;
    return split_url(url, &scheme, &host) ? host : g_strdup(url);
}

/* ---- one transfer ---- */

typedef struct {
    const GlanceDownloadOptions *opts;
    GCancellable *cancellable;
    CURL *curl;
    const char *url;            /* of this request (after redirects)                   */
    guint stall_s;
    gint64 last_activity_us;    /* when the server last sent something (or we connected) */
    int fd;                     /* the locked .part                                    */
    GChecksum *sha256;          /* of bytes [0, written)                               */
    guint64 written;            /* bytes in the .part                                  */
    guint64 request_offset;     /* bytes in the .part when this request was sent       */
    guint64 total;              /* size the file will have; 0 while unknown            */
    guint64 resumed_from;
    gboolean part_is_wrong;     /* delete the .part on failure                         */
    gint64 last_progress_us;

    /* the response being received (reset at each status line) */
    long status;
    gint64 content_length;      /* -1: not announced                                   */
    gint64 range_start;         /* Content-Range first byte, -1: absent or "*"          */
    gint64 range_total;         /* Content-Range total, -1: absent or "*"               */
    gboolean headers_done;
    gboolean body_accepted;     /* this response's body goes into the .part            */
    gsize discarded;

    GError *error;              /* set by a callback that stopped the transfer         */
} Transfer;

static void report_progress(Transfer *t, gboolean force)
{
    if (!t->opts->progress)
        return;
    gint64 now = g_get_monotonic_time();
    if (!force && now - t->last_progress_us < PROGRESS_INTERVAL_US)
        return;
    t->last_progress_us = now;
    t->opts->progress(t->written, t->total, t->opts->progress_data);
}

static gboolean restart_part(Transfer *t, GError **error)
{
    if (ftruncate(t->fd, 0) != 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot truncate %s: %s",
                    t->opts->part_path, g_strerror(errno));
        return FALSE;
    }
    g_checksum_reset(t->sha256);
    t->written = 0;
    t->resumed_from = 0;
    return TRUE;
}

static gboolean check_free_space(Transfer *t, GError **error)
{
    if (!t->total)
        return TRUE;   /* unknown size: a full disk shows up as a write error */
    struct statvfs fs;
    if (fstatvfs(t->fd, &fs) != 0)
        return TRUE;   /* cannot tell; let writes decide */
    guint64 available = (guint64)fs.f_bavail * (guint64)fs.f_frsize;
    guint64 remaining = t->total > t->written ? t->total - t->written : 0;
    guint64 needed = remaining + (guint64)((double)t->total * t->opts->extra_space_ratio) + SPACE_MARGIN;
    if (available >= needed)
        return TRUE;
    g_autofree char *needed_text = g_format_size(needed);
    g_autofree char *available_text = g_format_size(available);
    g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NO_SPACE,
                "not enough disk space: %s needed, %s free", needed_text, available_text);
    return FALSE;
}

/* The headers of a 200 or 206 are complete: may its body go into the .part? */
static gboolean accept_body(Transfer *t, GError **error)
{
    if (t->status == 206) {
        if (t->range_start != (gint64)t->request_offset) {
            t->part_is_wrong = TRUE;
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_HTTP,
                        "the server resumed at byte %" G_GINT64_FORMAT " instead of %" G_GUINT64_FORMAT,
                        t->range_start, t->request_offset);
            return FALSE;
        }
        if (t->range_total > 0)
            t->total = (guint64)t->range_total;
        else if (t->content_length >= 0)
            t->total = t->request_offset + (guint64)t->content_length;
    } else {
        /* 200: the whole file again, whatever Range asked for. */
        if (t->written > 0 && !restart_part(t, error))
            return FALSE;
        t->total = t->content_length >= 0 ? (guint64)t->content_length : 0;
    }
    guint64 expected = t->opts->expected_size;
    if (expected && t->total && t->total != expected) {
        t->part_is_wrong = TRUE;
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_SIZE,
                    "wrong size: the server offers %" G_GUINT64_FORMAT " bytes, expected %" G_GUINT64_FORMAT,
                    t->total, expected);
        return FALSE;
    }
    if (!t->total)
        t->total = expected;
    if (!check_free_space(t, error))
        return FALSE;
    t->body_accepted = TRUE;
    report_progress(t, TRUE);
    return TRUE;
}

static gint64 parse_number(const char *text)
{
    char *end = NULL;
    errno = 0;
    guint64 value = g_ascii_strtoull(text, &end, 10);
    if (end == text || errno || value > G_MAXINT64)
        return -1;
    return (gint64)value;
}

/* "bytes FIRST-LAST/TOTAL", or "bytes *\/TOTAL" (416); either number may be "*". */
static void parse_content_range(Transfer *t, const char *value)
{
    t->range_start = t->range_total = -1;
    if (g_ascii_strncasecmp(value, "bytes", 5) != 0)
        return;
    value += 5;
    while (*value == ' ')
        value++;
    if (*value != '*')
        t->range_start = parse_number(value);
    const char *slash = strchr(value, '/');
    if (slash && slash[1] != '*')
        t->range_total = parse_number(slash + 1);
}

static size_t on_header(char *buffer, size_t size, size_t count, void *data)
{
    Transfer *t = data;
    size_t length = size * count;
    t->last_activity_us = g_get_monotonic_time();
    g_autofree char *line = g_strstrip(g_strndup(buffer, length));
    if (g_str_has_prefix(line, "HTTP/")) {
        const char *space = strchr(line, ' ');
        t->status = space ? (long)parse_number(space + 1) : 0;
        t->content_length = t->range_start = t->range_total = -1;
        t->headers_done = t->body_accepted = FALSE;
        return length;
    }
    if (!*line) {
        t->headers_done = t->status >= 200;
        if ((t->status == 200 || t->status == 206) && !accept_body(t, &t->error))
            return 0;   /* stops the transfer; t->error says why */
        return length;
    }
    char *colon = strchr(line, ':');
    if (!colon)
        return length;
    *colon = '\0';
    const char *value = g_strstrip(colon + 1);
    if (!g_ascii_strcasecmp(line, "Content-Length"))
        t->content_length = parse_number(value);
    else if (!g_ascii_strcasecmp(line, "Content-Range"))
        parse_content_range(t, value);
    return length;
}

static size_t on_body(char *data, size_t size, size_t count, void *user_data)
{
    Transfer *t = user_data;
    size_t length = size * count;
    t->last_activity_us = g_get_monotonic_time();
    if (!t->body_accepted) {
        t->discarded += length;
        return t->discarded > MAX_DISCARDED_BODY ? 0 : length;
    }
    guint64 limit = t->total;
    if (limit && t->written + length > limit) {
        t->part_is_wrong = TRUE;
        g_set_error(&t->error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_SIZE,
                    "wrong size: the server sent more than %" G_GUINT64_FORMAT " bytes", limit);
        return 0;
    }
    for (size_t done = 0; done < length;) {
        ssize_t n = pwrite(t->fd, data + done, length - done, (off_t)(t->written + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int code = errno == ENOSPC ? GLANCE_MODELS_ERROR_NO_SPACE : GLANCE_MODELS_ERROR_IO;
            g_set_error(&t->error, GLANCE_MODELS_ERROR, code, "cannot write %s: %s", t->opts->part_path,
                        g_strerror(n < 0 ? errno : EIO));
            return 0;
        }
        done += (size_t)n;
    }
    g_checksum_update(t->sha256, (const guchar *)data, (gssize)length);
    t->written += length;
    report_progress(t, FALSE);
    return length;
}

/* libcurl calls this at least once a second, also while nothing arrives: the place
 * to notice Cancel and a stalled server. (libcurl's own low-speed limit averages over
 * several seconds, so a short limit would fire late.) */
static int on_tick(void *data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    const GlanceCurl *lib = glance_curl();
    Transfer *t = data;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    if (g_cancellable_is_cancelled(t->cancellable))
        return 1;
    gint64 now = g_get_monotonic_time();
    curl_off_t connected = 0;
    lib->easy_getinfo(t->curl, CURLINFO_CONNECT_TIME_T, &connected);
    if (!connected) {
        t->last_activity_us = now;   /* connecting has its own limit */
        return 0;
    }
    if (now - t->last_activity_us < (gint64)t->stall_s * G_USEC_PER_SEC)
        return 0;
    g_autofree char *host = url_host(t->url);
    g_set_error(&t->error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_TIMEOUT,
                "the download stalled: %s sent nothing for %u s", host, t->stall_s);
    return 1;
}

/* A failed lib->easy_perform() in words, with the error class a user can act on. */
static void set_transfer_error(Transfer *t, CURL *curl, CURLcode code, const char *errbuf, const char *url,
                               guint stall_s, guint connect_s, GError **error)
{
    const GlanceCurl *lib = glance_curl();
    g_autofree char *host = url_host(url);
    const char *detail = errbuf[0] ? errbuf : lib->easy_strerror(code);
    curl_off_t connect_time = 0;
    lib->easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_time);
    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK:
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "download cancelled");
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        g_set_error_literal(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE,
                            GLANCE_MODELS_UNREACHABLE_MESSAGE);
        return;
    case CURLE_OPERATION_TIMEDOUT:
        if (connect_time == 0 && connect_s)
            g_set_error_literal(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE,
                                GLANCE_MODELS_UNREACHABLE_MESSAGE);
        else if (connect_time > 0)
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_TIMEOUT,
                        "the download stalled: %s sent nothing for %u s", host, stall_s * 4);
        else
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_TIMEOUT,
                        "could not connect to %s within %u s", host, connect_s);
        return;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        if (!t->body_accepted)   /* no answer yet (or a proxy refused): libcurl's words say more */
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK, "downloading from %s failed: %s",
                        host, detail);
        else if (t->total)
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK,
                        "the connection to %s was lost after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                        " bytes", host, t->written, t->total);
        else
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK,
                        "the connection to %s was lost after %" G_GUINT64_FORMAT " bytes", host, t->written);
        return;
    case CURLE_WRITE_ERROR:
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot write %s",
                    t->opts->part_path);
        return;
    default:
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK, "downloading from %s failed: %s",
                    host, detail);
        return;
    }
}

static void set_http_error(long status, const char *url, GError **error)
{
    g_autofree char *host = url_host(url);
    if (status == 404 || status == 410)
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_HTTP,
                    "%s has no such file (HTTP %ld)", host, status);
    else
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_HTTP,
                    "%s answered HTTP %ld", host, status);
}

/* What every request sets: one URL, http(s) only, redirects followed by the caller (each
 * hop checked), errors in words into errbuf; a proxy never for this computer. */
static void configure_common(CURL *curl, const char *url, char *errbuf, guint connect_s)
{
    const GlanceCurl *lib = glance_curl();
    lib->easy_reset(curl);
    lib->easy_setopt(curl, CURLOPT_URL, url);
    lib->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    lib->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    lib->easy_setopt(curl, CURLOPT_USERAGENT, "Glance/" GLANCE_VERSION);
    lib->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM for DNS timeouts */
    lib->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    lib->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)connect_s);
    /* Through an https proxy, its "200 Connection established" must not reach the header
     * callback as if it were the file's answer (a resumed .part would be truncated). */
    lib->easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    lib->easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    g_autofree char *scheme = NULL, *host = NULL;
    if (split_url(url, &scheme, &host) && host_is_loopback(host))
        lib->easy_setopt(curl, CURLOPT_NOPROXY, "*");
}

static void configure_request(CURL *curl, Transfer *t, const char *url, char *errbuf, guint connect_s,
                              guint stall_s)
{
    const GlanceCurl *lib = glance_curl();
    configure_common(curl, url, errbuf, connect_s);
    /* on_tick() watches for a stalled server; libcurl's averaging check is a backstop. */
    lib->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    lib->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)stall_s * 4);
    lib->easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    lib->easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    lib->easy_setopt(curl, CURLOPT_HEADERDATA, t);
    lib->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    lib->easy_setopt(curl, CURLOPT_WRITEDATA, t);
    lib->easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_tick);
    lib->easy_setopt(curl, CURLOPT_XFERINFODATA, t);
    if (t->written > 0) {
        g_autofree char *range = g_strdup_printf("%" G_GUINT64_FORMAT "-", t->written);
        lib->easy_setopt(curl, CURLOPT_RANGE, range);
    }
    t->request_offset = t->written;
    t->curl = curl;
    t->url = url;
    t->stall_s = stall_s;
    t->last_activity_us = g_get_monotonic_time();
    t->status = 0;
    t->content_length = t->range_start = t->range_total = -1;
    t->headers_done = t->body_accepted = FALSE;
    t->discarded = 0;
    errbuf[0] = '\0';
}

static guint stall_timeout(const GlanceDownloadOptions *opts)
{
    if (opts->stall_timeout_s)
        return opts->stall_timeout_s;
    const char *env = g_getenv("GLANCE_DOWNLOAD_STALL_TIMEOUT");
    int seconds = env ? atoi(env) : 0;
    return seconds > 0 ? (guint)seconds : DEFAULT_STALL_TIMEOUT_S;
}

/* Requests until the body has arrived: follows redirects, resumes, restarts once
 * when the server refuses the range asked for. */
static gboolean fetch(Transfer *t, GError **error)
{
    const GlanceCurl *lib = glance_curl();
    const GlanceDownloadOptions *opts = t->opts;
    guint connect_s = opts->connect_timeout_s ? opts->connect_timeout_s : DEFAULT_CONNECT_TIMEOUT_S;
    guint stall_s = stall_timeout(opts);
    guint max_redirects = opts->max_redirects ? opts->max_redirects : DEFAULT_MAX_REDIRECTS;
    g_autofree char *url = g_strdup(opts->url);
    char errbuf[CURL_ERROR_SIZE];
    guint redirects = 0;
    gboolean restarted = FALSE;
    CURL *curl = lib->easy_init();
    if (!curl) {
        g_set_error_literal(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK, "cannot start libcurl");
        return FALSE;
    }
    gboolean ok = FALSE;
    for (;;) {
        if (!glance_download_url_is_allowed(url, error))
            break;
        configure_request(curl, t, url, errbuf, connect_s, stall_s);
        CURLcode code = lib->easy_perform(curl);
        if (t->error) {
            g_propagate_error(error, g_steal_pointer(&t->error));
            break;
        }
        if (code == CURLE_ABORTED_BY_CALLBACK || (code != CURLE_OK && t->body_accepted) ||
            (code != CURLE_OK && !t->headers_done)) {
            set_transfer_error(t, curl, code, errbuf, url, stall_s, connect_s, error);
            break;
        }
        long status = t->status;
        if (status >= 300 && status < 400) {
            char *location = NULL;
            lib->easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
            if (!location) {
                set_http_error(status, url, error);
                break;
            }
            if (++redirects > max_redirects) {
                g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_HTTP,
                            "too many redirects (more than %u)", max_redirects);
                break;
            }
            g_free(url);
            url = g_strdup(location);
            continue;
        }
        if (status == 416 && t->request_offset > 0) {
            /* The .part may already be the whole file (an earlier run stopped after
             * the last byte); otherwise it is not a prefix of this file: start over. */
            guint64 known = t->range_total > 0 ? (guint64)t->range_total : opts->expected_size;
            if (known == t->written) {
                t->total = known;
                ok = TRUE;
                break;
            }
            if (restarted || !restart_part(t, error))
                break;
            restarted = TRUE;
            continue;
        }
        if (status != 200 && status != 206) {
            set_http_error(status, url, error);
            break;
        }
        ok = TRUE;
        break;
    }
    lib->easy_cleanup(curl);
    return ok;
}

/* ---- the .part file ---- */

/* Opens and locks the .part, and hashes what it already holds. */
static gboolean open_part(Transfer *t, GError **error)
{
    const GlanceDownloadOptions *opts = t->opts;
    t->fd = open(opts->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (t->fd < 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot create %s: %s",
                    opts->part_path, g_strerror(errno));
        return FALSE;
    }
    if (flock(t->fd, LOCK_EX | LOCK_NB) != 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_BUSY,
                    "%s is being downloaded by another process", opts->part_path);
        close(t->fd);
        t->fd = -1;
        return FALSE;
    }
    struct stat st;
    if (fstat(t->fd, &st) != 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot read %s: %s",
                    opts->part_path, g_strerror(errno));
        return FALSE;
    }
    guint64 existing = (guint64)st.st_size;
    if (opts->expected_size && existing > opts->expected_size)
        return restart_part(t, error);   /* longer than the file can be: not a prefix of it */
    guchar buffer[1 << 16];
    while (t->written < existing) {
        if (g_cancellable_set_error_if_cancelled(t->cancellable, error))
            return FALSE;
        ssize_t n = pread(t->fd, buffer, sizeof buffer, (off_t)t->written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot read %s: %s",
                        opts->part_path, g_strerror(n < 0 ? errno : EIO));
            return FALSE;
        }
        g_checksum_update(t->sha256, buffer, n);
        t->written += (guint64)n;
    }
    t->resumed_from = t->written;
    return TRUE;
}

/* The bytes are all here: are they the right ones? */
static gboolean verify_complete(Transfer *t, GlanceDownloadResult *result, GError **error)
{
    const GlanceDownloadOptions *opts = t->opts;
    /* The server ended the transfer cleanly (a dropped connection fails earlier, in
     * libcurl), so a length other than the catalogue's is the file's, not the network's. */
    if (opts->expected_size && t->written != opts->expected_size) {
        t->part_is_wrong = TRUE;
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_SIZE,
                    "wrong size: got %" G_GUINT64_FORMAT " bytes, expected %" G_GUINT64_FORMAT,
                    t->written, opts->expected_size);
        return FALSE;
    }
    if (t->total && t->written != t->total) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK,
                    "the transfer ended after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                    t->written, t->total);
        return FALSE;
    }
    const char *digest = g_checksum_get_string(t->sha256);
    if (opts->expected_sha256 && g_ascii_strcasecmp(digest, opts->expected_sha256) != 0) {
        t->part_is_wrong = TRUE;
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_CHECKSUM,
                    "the file's SHA-256 is %s, expected %s", digest, opts->expected_sha256);
        return FALSE;
    }
    result->size = t->written;
    result->resumed_from = t->resumed_from;
    g_strlcpy(result->sha256, digest, sizeof result->sha256);
    return TRUE;
}

gboolean glance_download_file(const GlanceDownloadOptions *opts, GlanceDownloadResult *result,
                              GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(opts && opts->url && opts->part_path && opts->output_path, FALSE);
    GlanceDownloadResult local_result;
    if (!result)
        result = &local_result;
    memset(result, 0, sizeof *result);
    if (!glance_curl_load(error))
        return FALSE;
    if (!glance_download_url_is_allowed(opts->url, error))
        return FALSE;

    Transfer t = { .opts = opts, .cancellable = cancellable, .fd = -1 };
    t.sha256 = g_checksum_new(G_CHECKSUM_SHA256);
    gboolean ok = open_part(&t, error);
    if (ok) {
        t.total = opts->expected_size;
        /* Already whole (stopped after the last byte, or cancelled while importing)? */
        gboolean complete = opts->expected_size && t.written == opts->expected_size;
        ok = (complete || (check_free_space(&t, error) && fetch(&t, error))) &&
             verify_complete(&t, result, error);
    }
    if (ok && rename(opts->part_path, opts->output_path) != 0) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_IO, "cannot rename %s to %s: %s",
                    opts->part_path, opts->output_path, g_strerror(errno));
        ok = FALSE;
    }
    if (ok)
        report_progress(&t, TRUE);
    /* Keep what a retry can resume from; drop what is empty or known to be wrong. */
    struct stat st;
    if (!ok && t.fd >= 0 && (t.part_is_wrong || (fstat(t.fd, &st) == 0 && st.st_size == 0)))
        g_unlink(opts->part_path);
    if (t.fd >= 0)
        close(t.fd);
    g_checksum_free(t.sha256);
    return ok;
}

/* ---- the size of a file, without downloading it ---- */

typedef struct {
    long status;
    gint64 range_total;   /* from Content-Range, -1: absent */
} ProbeAnswer;

static size_t on_probe_header(char *line, size_t size, size_t count, void *data)
{
    ProbeAnswer *answer = data;
    size_t length = size * count;
    g_autofree char *text = g_strndup(line, length);
    if (g_str_has_prefix(text, "HTTP/"))
        answer->range_total = -1;
    else if (!g_ascii_strncasecmp(text, "Content-Range:", 14)) {
        const char *slash = strrchr(text, '/');
        if (slash && g_ascii_isdigit(slash[1]))
            answer->range_total = g_ascii_strtoll(slash + 1, NULL, 10);
    }
    return length;
}

static size_t ignore_body(char *bytes, size_t size, size_t count, void *data)
{
    (void)bytes;
    (void)data;
    return size * count > 1024 ? 0 : size * count;   /* one byte asked; never more than a page */
}

static int probe_tick(void *data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return g_cancellable_is_cancelled(data) ? 1 : 0;
}

/* One request: HEAD, or GET of byte 0 (servers that refuse HEAD on signed URLs). */
static CURLcode probe_once(CURL *curl, const char *url, gboolean head, guint timeout_s, GCancellable *cancellable,
                           ProbeAnswer *answer, char *errbuf)
{
    const GlanceCurl *lib = glance_curl();
    configure_common(curl, url, errbuf, timeout_s);
    lib->easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout_s * 2);
    lib->easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_probe_header);
    lib->easy_setopt(curl, CURLOPT_HEADERDATA, answer);
    lib->easy_setopt(curl, CURLOPT_WRITEFUNCTION, ignore_body);
    lib->easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, probe_tick);
    lib->easy_setopt(curl, CURLOPT_XFERINFODATA, cancellable);
    if (head)
        lib->easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else
        lib->easy_setopt(curl, CURLOPT_RANGE, "0-0");
    answer->status = 0;
    answer->range_total = -1;
    errbuf[0] = '\0';
    CURLcode code = lib->easy_perform(curl);
    lib->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
    return code;
}

gboolean glance_download_probe_size(const char *url, guint timeout_s, GCancellable *cancellable, guint64 *size,
                                    GError **error)
{
    *size = 0;
    const GlanceCurl *lib = glance_curl_load(error);
    if (!lib)
        return FALSE;
    g_autofree char *current = g_strdup(url);
    CURL *curl = lib->easy_init();
    if (!curl) {
        g_set_error_literal(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK, "cannot start libcurl");
        return FALSE;
    }
    char errbuf[CURL_ERROR_SIZE];
    gboolean head = TRUE, ok = FALSE;
    for (guint redirects = 0;;) {
        if (!glance_download_url_is_allowed(current, error))
            break;
        ProbeAnswer answer;
        CURLcode code = probe_once(curl, current, head, timeout_s ? timeout_s : 10, cancellable, &answer, errbuf);
        if (code == CURLE_ABORTED_BY_CALLBACK) {
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
            break;
        }
        if (code != CURLE_OK && code != CURLE_WRITE_ERROR) {
            curl_off_t connected = 0;
            lib->easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected);
            if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
                code == CURLE_COULDNT_CONNECT || (code == CURLE_OPERATION_TIMEDOUT && !connected))
                g_set_error_literal(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_UNREACHABLE,
                                    GLANCE_MODELS_UNREACHABLE_MESSAGE);
            else {
                g_autofree char *host = url_host(current);
                g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK, "asking %s for the size failed: %s",
                            host, errbuf[0] ? errbuf : lib->easy_strerror(code));
            }
            break;
        }
        if (answer.status >= 300 && answer.status < 400) {
            char *location = NULL;
            lib->easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
            if (!location || ++redirects > DEFAULT_MAX_REDIRECTS) {
                set_http_error(answer.status, current, error);
                break;
            }
            g_free(current);
            current = g_strdup(location);
            continue;
        }
        curl_off_t length = -1;
        lib->easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (head && answer.status == 200 && length > 0) {
            *size = (guint64)length;
            ok = TRUE;
            break;
        }
        if (!head && answer.status == 206 && answer.range_total > 0) {
            *size = (guint64)answer.range_total;
            ok = TRUE;
            break;
        }
        if (!head && answer.status == 200 && length > 0) {   /* Range ignored: the whole length */
            *size = (guint64)length;
            ok = TRUE;
            break;
        }
        if (head && (answer.status < 400 || answer.status == 403 || answer.status == 405)) {
            head = FALSE;   /* no size, or HEAD refused: ask for one byte at the same address */
            continue;
        }
        if (answer.status >= 400)
            set_http_error(answer.status, current, error);
        else
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_HTTP, "%s does not say how big the file is",
                        current);
        break;
    }
    lib->easy_cleanup(curl);
    return ok;
}

/* glance-curl.h — libcurl, loaded the first time a download, a size probe or a URL
 * check needs it, so that a process which only opens models and runs passes never maps
 * libcurl and its TLS, Kerberos and LDAP libraries (about 5 MiB resident). */
#ifndef GLANCE_CURL_H
#define GLANCE_CURL_H

#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

/* The libcurl functions Glance calls, each the function of the same name without `curl_`. */
typedef struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL *handle);
    void (*easy_reset)(CURL *handle);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    CURLU *(*url)(void);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart what, const char *part, unsigned int flags);
    CURLUcode (*url_get)(CURLU *handle, CURLUPart what, char **part, unsigned int flags);
    void (*url_cleanup)(CURLU *handle);
    void (*free)(void *p);
} GlanceCurl;

/* Loads libcurl (libcurl.so.4, else libcurl-gnutls.so.4) and runs curl_global_init, once
 * per process; later calls return the same table. NULL and GLANCE_MODELS_ERROR_NETWORK
 * ("downloads need libcurl …") when neither library is installed. Thread-safe. */
const GlanceCurl *glance_curl_load(GError **error);

/* The table glance_curl_load() returned; only after it succeeded. */
const GlanceCurl *glance_curl(void);

/* Tests: loads the first of `sonames` (NULL-terminated) that exists, into `table`,
 * without caching it or calling curl_global_init. */
gboolean glance_curl_load_from(const char *const *sonames, GlanceCurl *table, GError **error);

G_END_DECLS

#endif

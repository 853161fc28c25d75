/* glance-curl.c — libcurl loaded on demand with GModule (contract: glance-curl.h). */
#include "glance-curl.h"

#include "glance-models-error.h"

#include <gmodule.h>

static const char *const curl_sonames[] = { "libcurl.so.4", "libcurl-gnutls.so.4", NULL };

static GlanceCurl loaded;

gboolean glance_curl_load_from(const char *const *sonames, GlanceCurl *table, GError **error)
{
    GModule *library = NULL;
    g_autoptr(GString) tried = g_string_new(NULL);
    for (const char *const *name = sonames; *name && !library; name++) {
        /* Local binding: libcurl's symbols (and its TLS library's) stay out of the
         * process's global namespace, as if it were never loaded. */
        library = g_module_open(*name, G_MODULE_BIND_LOCAL);
        if (!library)
            g_string_append_printf(tried, "%s%s", tried->len ? "; " : "", g_module_error());
    }
    if (!library) {
        g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK,
                    "downloads need libcurl (the package libcurl4), which could not be loaded: %s", tried->str);
        return FALSE;
    }
    /* Each field is the function of its name with `curl_` before it. */
#define CURL_FUNCTION(field) { "curl_" #field, (gpointer *)&table->field }
    struct { const char *symbol; gpointer *slot; } wanted[] = {
        CURL_FUNCTION(global_init), CURL_FUNCTION(easy_init), CURL_FUNCTION(easy_setopt),
        CURL_FUNCTION(easy_getinfo), CURL_FUNCTION(easy_perform), CURL_FUNCTION(easy_reset),
        CURL_FUNCTION(easy_cleanup), CURL_FUNCTION(easy_strerror), CURL_FUNCTION(url),
        CURL_FUNCTION(url_set), CURL_FUNCTION(url_get), CURL_FUNCTION(url_cleanup), CURL_FUNCTION(free),
    };
#undef CURL_FUNCTION
    for (gsize i = 0; i < G_N_ELEMENTS(wanted); i++)
        if (!g_module_symbol(library, wanted[i].symbol, wanted[i].slot) || !*wanted[i].slot) {
            g_set_error(error, GLANCE_MODELS_ERROR, GLANCE_MODELS_ERROR_NETWORK,
                        "downloads need libcurl 7.85 or newer: %s has no %s", g_module_name(library),
                        wanted[i].symbol);
            g_module_close(library);
            return FALSE;
        }
    /* The table's functions live as long as the process: the library is never closed. */
    g_module_make_resident(library);
    return TRUE;
}

const GlanceCurl *glance_curl_load(GError **error)
{
    static gint is_loaded;   /* a failure is tried again next time (the package may come) */
    static GMutex lock;
    if (g_atomic_int_get(&is_loaded))
        return &loaded;
    g_mutex_lock(&lock);
    GlanceCurl table = { 0 };
    gboolean ok = g_atomic_int_get(&is_loaded) || glance_curl_load_from(curl_sonames, &table, error);
    if (ok && !g_atomic_int_get(&is_loaded)) {
        table.global_init(CURL_GLOBAL_DEFAULT);
        loaded = table;
        g_atomic_int_set(&is_loaded, 1);
    }
    g_mutex_unlock(&lock);
    return ok ? &loaded : NULL;
}

const GlanceCurl *glance_curl(void)
{
    g_assert(loaded.easy_init);
    return &loaded;
}

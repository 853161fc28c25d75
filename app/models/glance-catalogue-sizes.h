/* glance-catalogue-sizes.h — how big each catalogue file is, asked of its server once.
 *
 * The catalogue may not know a file's size ("size": null). While online, the first
 * look asks each such file's server (glance_download_probe_size(): HEAD, or a one-byte
 * range) and keeps the answer in DIR/catalogue-state.json beside models.json:
 *   {"version": 1, "sizes": {"https://…/vlmo_base_patch16_480_vqa.pt": 123456789}}
 * Later looks read it from there and send nothing. A size stays unknown only when the
 * server could not be asked; that is not cached, so the next look asks again.
 *
 *   g_autoptr(GlanceCatalogueSizes) sizes = glance_catalogue_sizes_fetch(catalogue, NULL, NULL);
 *   const GError *why = NULL;
 *   guint64 bytes = glance_catalogue_sizes_get(sizes, entry->name, &why);
 *   if (!bytes) ... why->message: "Can't reach the download server — check your connection"
 */
#ifndef GLANCE_CATALOGUE_SIZES_H
#define GLANCE_CATALOGUE_SIZES_H
#include <gio/gio.h>
#include "glance-catalogue.h"

G_BEGIN_DECLS

typedef struct GlanceCatalogueSizes GlanceCatalogueSizes;

/* No network: the catalogue's own sizes and the cached ones. models_dir NULL: the default. */
GlanceCatalogueSizes *glance_catalogue_sizes_cached(const GlanceCatalogue *catalogue, const char *models_dir);
/* Blocking: the same, and asks the servers about the rest (each file once; a host that
 * cannot be reached is not asked again in this call), caching every answer. */
GlanceCatalogueSizes *glance_catalogue_sizes_fetch(const GlanceCatalogue *catalogue, const char *models_dir,
                                                   GCancellable *cancellable);
/* The same in a GTask thread (the catalogue is copied); G_IO_ERROR_CANCELLED when cancelled. */
void glance_catalogue_sizes_fetch_async(const GlanceCatalogue *catalogue, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GlanceCatalogueSizes *glance_catalogue_sizes_fetch_finish(GAsyncResult *result, GError **error);
void glance_catalogue_sizes_free(GlanceCatalogueSizes *sizes);

/* Bytes of NAME's file; 0 when unknown, and then *why (when not NULL) says why, or is
 * NULL when nobody asked (glance_catalogue_sizes_cached()). The error belongs to `sizes`. */
guint64 glance_catalogue_sizes_get(const GlanceCatalogueSizes *sizes, const char *name, const GError **why);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceCatalogueSizes, glance_catalogue_sizes_free)

G_END_DECLS
#endif

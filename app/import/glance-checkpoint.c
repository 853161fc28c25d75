/* glance-checkpoint.c — torch.save archives: <stem>/data.pkl names the objects,
 * <stem>/data/<key> holds each storage's raw little-endian elements. */
#include "glance-checkpoint.h"
#include "glance-import-error.h"
#include <string.h>

struct GlanceCheckpoint {
    GlanceZip *zip;
    char *prefix;            /* "<stem>/" of every entry */
    GlancePickle *pickle;
    GlanceStateDict state_dict;
};

void glance_checkpoint_free(GlanceCheckpoint *checkpoint)
{
    if (!checkpoint)
        return;
    glance_state_dict_clear(&checkpoint->state_dict);
    glance_pickle_free(checkpoint->pickle);
    glance_zip_free(checkpoint->zip);
    g_free(checkpoint->prefix);
    g_free(checkpoint);
}

/* torch.save before 1.6 wrote a bare pickle stream starting with a magic
 * number; recognise it to say so instead of "not a zip". */
static gboolean looks_like_legacy_torch(const char *path)
{
    g_autoptr(GMappedFile) mapping = g_mapped_file_new(path, FALSE, NULL);
    if (!mapping || g_mapped_file_get_length(mapping) < 2)
        return FALSE;
    const guint8 *p = (const guint8 *)g_mapped_file_get_contents(mapping);
    return p[0] == 0x80 && p[1] >= 2 && p[1] <= 5;
}

/* The archive's data.pkl: exactly one "<stem>/data.pkl" with a one-level stem. */
static const GlanceZipEntry *find_data_pkl(const GlanceZip *zip, GError **error)
{
    const GlanceZipEntry *found = NULL;
    for (guint i = 0; i < glance_zip_n_entries(zip); i++) {
        const GlanceZipEntry *entry = glance_zip_entry(zip, i);
        const char *slash = strchr(entry->name, '/');
        if (!slash || slash == entry->name || strcmp(slash, "/data.pkl") != 0)
            continue;
        if (found) {
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                        "the archive holds two checkpoints ('%s' and '%s')", found->name, entry->name);
            return NULL;
        }
        found = entry;
    }
    if (!found)
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                    "a zip archive, but not a PyTorch checkpoint (no <name>/data.pkl entry)");
    return found;
}

GlanceCheckpoint *glance_checkpoint_open(const char *path, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO, "no such file: %s", path);
        return NULL;
    }
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO,
                    "%s is a folder, not a checkpoint file", path);
        return NULL;
    }
    g_autoptr(GlanceCheckpoint) checkpoint = g_new0(GlanceCheckpoint, 1);
    g_autoptr(GError) zip_error = NULL;
    checkpoint->zip = glance_zip_open_file(path, &zip_error);
    if (!checkpoint->zip) {
        if (g_error_matches(zip_error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO))
            g_propagate_error(error, g_steal_pointer(&zip_error));
        else if (looks_like_legacy_torch(path))
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                        "%s uses the legacy torch.save format (before PyTorch 1.6); load and "
                        "re-save it with a newer PyTorch", path);
        else
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                        "%s is not a PyTorch checkpoint (%s)", path, zip_error->message);
        return NULL;
    }

    const GlanceZipEntry *pkl = find_data_pkl(checkpoint->zip, error);
    if (!pkl)
        return NULL;
    checkpoint->prefix = g_strndup(pkl->name, strlen(pkl->name) - strlen("data.pkl"));

    g_autofree char *byteorder_name = g_strconcat(checkpoint->prefix, "byteorder", NULL);
    const GlanceZipEntry *byteorder = glance_zip_find(checkpoint->zip, byteorder_name);
    if (byteorder) {
        const guint8 *order = glance_zip_read(checkpoint->zip, byteorder, error);
        if (!order)
            return NULL;
        if (byteorder->size != strlen("little") || memcmp(order, "little", byteorder->size) != 0) {
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                        "the checkpoint was saved on a big-endian machine");
            return NULL;
        }
    }

    const guint8 *pickle_bytes = glance_zip_read(checkpoint->zip, pkl, error);
    if (!pickle_bytes)
        return NULL;
    checkpoint->pickle = glance_pickle_load(pickle_bytes, pkl->size, error);
    if (!checkpoint->pickle)
        return NULL;
    if (!glance_state_dict_extract(glance_pickle_root(checkpoint->pickle), &checkpoint->state_dict,
                                   error))
        return NULL;
    return g_steal_pointer(&checkpoint);
}

const GlanceStateDict *glance_checkpoint_state_dict(const GlanceCheckpoint *checkpoint)
{
    return &checkpoint->state_dict;
}

/* ---- tensor data ---- */

typedef struct {
    const guint8 *base;      /* first element of the view */
    gsize element_size;
    gint64 numel;
    gint64 stride[GLANCE_MAX_DIMS];
    gboolean contiguous;     /* row-major without gaps */
} ResolvedView;

static gboolean shape_error(GError **error, const GlanceSourceTensor *t, const char *what)
{
    g_autofree char *shape = glance_shape_to_string(t->ndim, t->shape);
    g_autofree char *stride = glance_shape_to_string(t->ndim, t->stride);
    g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                "tensor '%s' (shape %s, stride %s, offset %" G_GINT64_FORMAT ", storage '%s' of %"
                G_GINT64_FORMAT " elements) %s", t->name, shape, stride, t->storage_offset,
                t->storage_key, t->storage_numel, what);
    return FALSE;
}

/* Validates the view against its storage and finds its first byte. */
static gboolean resolve_view(GlanceCheckpoint *checkpoint, const GlanceTensorView *view,
                             ResolvedView *out, GError **error)
{
    const GlanceSourceTensor *t = view->source;
    if (!glance_dtype_is_float(t->dtype)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                    "tensor '%s' is stored as %s; only float tensors (F32, F16, BF16, F64) can be imported",
                    t->name, t->storage_type);
        return FALSE;
    }
    out->element_size = glance_dtype_size(t->dtype);

    /* The view's strides: the tensor's own, or [1] for a 0-d tensor seen as [1]. */
    if (view->ndim == t->ndim) {
        memcpy(out->stride, t->stride, sizeof out->stride);
        for (int i = 0; i < view->ndim; i++)
            if (view->shape[i] > t->shape[i])
                return shape_error(error, t, "is smaller than the view asked of it");
    } else if (t->ndim == 0 && view->ndim == 1 && view->shape[0] == 1) {
        out->stride[0] = 1;
    } else {
        return shape_error(error, t, "does not fit the view asked of it");
    }

    /* The furthest element the view touches must lie inside the storage. */
    gint64 numel = 1, last = t->storage_offset;
    for (int i = 0; i < view->ndim; i++) {
        if (view->shape[i] == 0)
            numel = 0;
        else if (numel != 0 && numel > G_MAXINT64 / view->shape[i])
            return shape_error(error, t, "has too many elements");
        else
            numel *= view->shape[i];
    }
    if (numel > 0) {
        for (int i = 0; i < view->ndim; i++) {
            gint64 extent = view->shape[i] - 1;
            if (extent > 0 && out->stride[i] > (G_MAXINT64 - last) / extent)
                return shape_error(error, t, "has strides that overflow");
            last += extent * out->stride[i];
        }
        if (last >= t->storage_numel)
            return shape_error(error, t, "reaches past the end of its storage");
    }
    out->numel = numel;

    gint64 expected = 1;
    out->contiguous = TRUE;
    for (int i = view->ndim - 1; i >= 0; i--) {
        if (view->shape[i] != 1 && out->stride[i] != expected)
            out->contiguous = FALSE;
        expected *= view->shape[i];
    }

    g_autofree char *entry_name = g_strconcat(checkpoint->prefix, "data/", t->storage_key, NULL);
    const GlanceZipEntry *entry = glance_zip_find(checkpoint->zip, entry_name);
    if (!entry) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                    "storage '%s' of tensor '%s' is missing from the archive", entry_name, t->name);
        return FALSE;
    }
    if ((guint64)t->storage_numel > entry->size / out->element_size) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_FORMAT,
                    "storage '%s' of tensor '%s' should hold %" G_GINT64_FORMAT " elements of %"
                    G_GSIZE_FORMAT " bytes but has %" G_GUINT64_FORMAT " bytes", entry_name, t->name,
                    t->storage_numel, out->element_size, entry->size);
        return FALSE;
    }
    const guint8 *storage = glance_zip_read(checkpoint->zip, entry, error);
    if (!storage)
        return FALSE;
    /* Bounds were checked above for non-empty views; an empty one reads nothing. */
    out->base = numel > 0 ? storage + (gsize)t->storage_offset * out->element_size : storage;
    return TRUE;
}

const guint8 *glance_checkpoint_direct_bytes(GlanceCheckpoint *checkpoint, const GlanceTensorView *view,
                                             GlanceTensorDtype out_dtype, GError **error)
{
    if (view->source->dtype != out_dtype)
        return NULL;
    ResolvedView resolved;
    if (!resolve_view(checkpoint, view, &resolved, error))
        return NULL;
    return resolved.contiguous ? resolved.base : NULL;
}

static void store_element(GlanceTensorDtype in_dtype, const guint8 *src, GlanceTensorDtype out_dtype,
                          guint8 *dest)
{
    if (in_dtype == out_dtype) {
        memcpy(dest, src, glance_dtype_size(in_dtype));
        return;
    }
    float value = glance_dtype_load_float(in_dtype, src);
    if (out_dtype == GLANCE_DTYPE_F16) {
        guint16 h = glance_float_to_f16(value);
        dest[0] = (guint8)(h & 0xff);
        dest[1] = (guint8)(h >> 8);
    } else {
        guint32 bits;
        memcpy(&bits, &value, sizeof bits);
        for (int i = 0; i < 4; i++)
            dest[i] = (guint8)(bits >> (8 * i));
    }
}

gboolean glance_checkpoint_copy_tensor(GlanceCheckpoint *checkpoint, const GlanceTensorView *view,
                                       GlanceTensorDtype out_dtype, guint8 *dest, GError **error)
{
    g_return_val_if_fail(out_dtype == GLANCE_DTYPE_F32 || out_dtype == GLANCE_DTYPE_F16, FALSE);
    ResolvedView r;
    if (!resolve_view(checkpoint, view, &r, error))
        return FALSE;
    GlanceTensorDtype in_dtype = view->source->dtype;
    gsize out_size = glance_dtype_size(out_dtype);
    if (r.contiguous && in_dtype == out_dtype) {
        memcpy(dest, r.base, (gsize)r.numel * out_size);
        return TRUE;
    }
    /* Walk the view in row-major order with an odometer over its indices. */
    gint64 index[GLANCE_MAX_DIMS] = { 0 };
    gint64 offset = 0; /* elements from base */
    for (gint64 n = 0; n < r.numel; n++) {
        store_element(in_dtype, r.base + (gsize)offset * r.element_size, out_dtype, dest);
        dest += out_size;
        for (int d = view->ndim - 1; d >= 0; d--) {
            if (++index[d] < view->shape[d]) {
                offset += r.stride[d];
                break;
            }
            offset -= (view->shape[d] - 1) * r.stride[d];
            index[d] = 0;
        }
    }
    return TRUE;
}

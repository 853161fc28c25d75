/* glance-safetensors-writer.c — header layout, padding, atomic replacement. */
#include "glance-safetensors-writer.h"
#include "glance-import-error.h"
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *name;
    GlanceTensorDtype dtype;
    int ndim;
    gint64 shape[8];
    guint64 begin, end;      /* data_offsets, relative to the data section */
} Tensor;

struct GlanceSafetensorsWriter {
    char *path, *temp_path;
    int fd;
    GPtrArray *tensors;      /* Tensor* */
    GPtrArray *metadata;     /* alternating key, value */
    guint next_tensor;       /* next one to write */
    guint64 position;        /* bytes written into the data section */
    guint64 data_start;      /* file offset of the data section */
    gboolean committed;
};

static void tensor_free(gpointer data)
{
    Tensor *t = data;
    g_free(t->name);
    g_free(t);
}

static gboolean io_error(GError **error, const char *what, const char *path, int errsv)
{
    g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO, "cannot %s %s: %s", what, path,
                g_strerror(errsv));
    return FALSE;
}

GlanceSafetensorsWriter *glance_safetensors_writer_new(const char *path, GError **error)
{
    /* Same folder as the target, so the final rename stays on one file system. */
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *temp_path = g_strdup_printf("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
    int fd = g_mkstemp_full(temp_path, O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        io_error(error, "create a file in", dir, errno);
        return NULL;
    }
    GlanceSafetensorsWriter *w = g_new0(GlanceSafetensorsWriter, 1);
    w->path = g_strdup(path);
    w->temp_path = g_steal_pointer(&temp_path);
    w->fd = fd;
    w->tensors = g_ptr_array_new_with_free_func(tensor_free);
    w->metadata = g_ptr_array_new_with_free_func(g_free);
    return w;
}

void glance_safetensors_writer_free(GlanceSafetensorsWriter *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (!w->committed)
        g_unlink(w->temp_path);
    g_ptr_array_free(w->tensors, TRUE);
    g_ptr_array_free(w->metadata, TRUE);
    g_free(w->temp_path);
    g_free(w->path);
    g_free(w);
}

void glance_safetensors_writer_set_metadata(GlanceSafetensorsWriter *w, const char *key,
                                            const char *value)
{
    g_ptr_array_add(w->metadata, g_strdup(key));
    g_ptr_array_add(w->metadata, g_strdup(value));
}

static guint64 align_up(guint64 offset)
{
    return (offset + GLANCE_SAFETENSORS_ALIGNMENT - 1) / GLANCE_SAFETENSORS_ALIGNMENT *
           GLANCE_SAFETENSORS_ALIGNMENT;
}

void glance_safetensors_writer_add_tensor(GlanceSafetensorsWriter *w, const char *name,
                                          GlanceTensorDtype dtype, int ndim, const gint64 *shape)
{
    g_return_if_fail(ndim >= 0 && ndim <= 8);
    Tensor *t = g_new0(Tensor, 1);
    t->name = g_strdup(name);
    t->dtype = dtype;
    t->ndim = ndim;
    guint64 bytes = glance_dtype_size(dtype);
    for (int i = 0; i < ndim; i++) {
        t->shape[i] = shape[i];
        bytes *= (guint64)shape[i];
    }
    guint64 previous_end = w->tensors->len
                               ? ((Tensor *)g_ptr_array_index(w->tensors, w->tensors->len - 1))->end
                               : 0;
    t->begin = align_up(previous_end);
    t->end = t->begin + bytes;
    g_ptr_array_add(w->tensors, t);
}

gsize glance_safetensors_writer_tensor_size(const GlanceSafetensorsWriter *w, guint index)
{
    const Tensor *t = g_ptr_array_index(w->tensors, index);
    return (gsize)(t->end - t->begin);
}

guint64 glance_safetensors_writer_file_size(const GlanceSafetensorsWriter *w)
{
    guint64 data = w->tensors->len ? ((Tensor *)g_ptr_array_index(w->tensors, w->tensors->len - 1))->end : 0;
    return w->data_start + data;
}

static char *header_json(const GlanceSafetensorsWriter *w)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    if (w->metadata->len) {
        json_builder_set_member_name(b, "__metadata__");
        json_builder_begin_object(b);
        for (guint i = 0; i + 1 < w->metadata->len; i += 2) {
            json_builder_set_member_name(b, g_ptr_array_index(w->metadata, i));
            json_builder_add_string_value(b, g_ptr_array_index(w->metadata, i + 1));
        }
        json_builder_end_object(b);
    }
    for (guint i = 0; i < w->tensors->len; i++) {
        const Tensor *t = g_ptr_array_index(w->tensors, i);
        json_builder_set_member_name(b, t->name);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "dtype");
        json_builder_add_string_value(b, glance_dtype_name(t->dtype));
        json_builder_set_member_name(b, "shape");
        json_builder_begin_array(b);
        for (int d = 0; d < t->ndim; d++)
            json_builder_add_int_value(b, t->shape[d]);
        json_builder_end_array(b);
        json_builder_set_member_name(b, "data_offsets");
        json_builder_begin_array(b);
        json_builder_add_int_value(b, (gint64)t->begin);
        json_builder_add_int_value(b, (gint64)t->end);
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

static gboolean write_all(GlanceSafetensorsWriter *w, const void *data, gsize length, GError **error)
{
    const guint8 *p = data;
    while (length > 0) {
        ssize_t n = write(w->fd, p, MIN(length, (gsize)1 << 30));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_error(error, "write", w->temp_path, n < 0 ? errno : ENOSPC);
        p += n;
        length -= (gsize)n;
    }
    return TRUE;
}

static gboolean write_zeros(GlanceSafetensorsWriter *w, gsize count, GError **error)
{
    static const guint8 zeros[GLANCE_SAFETENSORS_ALIGNMENT];
    return count == 0 || write_all(w, zeros, count, error);
}

gboolean glance_safetensors_writer_write_header(GlanceSafetensorsWriter *w, GError **error)
{
    g_autofree char *json = header_json(w);
    gsize json_length = strlen(json);
    /* Pad with spaces so 8 + header length is a multiple of the alignment. */
    guint64 padded = align_up(8 + json_length) - 8;
    GString *header = g_string_sized_new(8 + padded);
    for (int i = 0; i < 8; i++)
        g_string_append_c(header, (char)((padded >> (8 * i)) & 0xff));
    g_string_append_len(header, json, (gssize)json_length);
    while (header->len < 8 + padded)
        g_string_append_c(header, ' ');
    w->data_start = 8 + padded;
    gboolean ok = write_all(w, header->str, header->len, error);
    g_string_free(header, TRUE);
    return ok;
}

gboolean glance_safetensors_writer_write_tensor(GlanceSafetensorsWriter *w, const void *data,
                                                gsize length, GError **error)
{
    g_return_val_if_fail(w->next_tensor < w->tensors->len, FALSE);
    const Tensor *t = g_ptr_array_index(w->tensors, w->next_tensor);
    g_return_val_if_fail(length == t->end - t->begin, FALSE);
    if (!write_zeros(w, (gsize)(t->begin - w->position), error) || !write_all(w, data, length, error))
        return FALSE;
    w->position = t->end;
    w->next_tensor++;
    return TRUE;
}

gboolean glance_safetensors_writer_commit(GlanceSafetensorsWriter *w, GError **error)
{
    g_return_val_if_fail(w->next_tensor == w->tensors->len, FALSE);
    /* Data on disk before the name points at it: a crash leaves the old file or the new one. */
    if (fsync(w->fd) != 0)
        return io_error(error, "flush", w->temp_path, errno);
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) != 0)
        return io_error(error, "close", w->temp_path, errno);
    if (g_rename(w->temp_path, w->path) != 0)
        return io_error(error, "create", w->path, errno);
    w->committed = TRUE;
    return TRUE;
}

/* safetensors.c — mmap a model file and check every byte range before anyone reads it. */
#include "safetensors.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A header larger than this is not a model header but an attack or an accident. */
#define ST_MAX_HEADER (256u * 1024 * 1024)

static int dtype_size(const char *name, StDtype *dtype)
{
    static const struct { const char *name; StDtype dtype; int size; } table[] = {
        { "F32", ST_F32, 4 }, { "F16", ST_F16, 2 }, { "BF16", ST_BF16, 2 },
        { "F64", ST_OTHER, 8 }, { "I64", ST_OTHER, 8 }, { "I32", ST_OTHER, 4 },
        { "I16", ST_OTHER, 2 }, { "I8", ST_I8, 1 }, { "U8", ST_OTHER, 1 },
        { "BOOL", ST_OTHER, 1 },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(name, table[i].name)) {
            *dtype = table[i].dtype;
            return table[i].size;
        }
    return 0;
}

static int compare_by_offset(const void *a, const void *b)
{
    const StTensor *x = a, *y = b;
    return x->data < y->data ? -1 : x->data > y->data;
}

static GlanceStatus parse_tensor(const char *name, const JsonValue *entry, const uint8_t *data,
                                 size_t data_size, StTensor *t, GlanceError *err)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    const char *dtype = glance_json_get_string(entry, "dtype");
    const JsonValue *shape = glance_json_object_get(entry, "shape");
    const JsonValue *offsets = glance_json_object_get(entry, "data_offsets");
    if (!dtype || !shape || shape->type != JSON_ARRAY || !offsets || offsets->type != JSON_ARRAY ||
        offsets->count != 2)
        return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': needs dtype, shape and data_offsets", name);
    int esize = dtype_size(dtype, &t->dtype);
    if (!esize)
        return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': unknown dtype '%s'", name, dtype);
    t->dtype_name = dtype;
    if (shape->count > ST_MAX_DIMS)
        return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': %d dimensions", name, shape->count);
    t->ndim = shape->count;
    t->count = 1;
    for (int i = 0; i < shape->count; i++) {
        double d = shape->items[i].number;
        if (shape->items[i].type != JSON_NUMBER || d < 0 || d > (double)(1LL << 40) || d != (double)(int64_t)d)
            return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': bad shape", name);
        t->shape[i] = (int64_t)d;
        if (t->shape[i] && t->count > (INT64_C(1) << 40) / t->shape[i])
            return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': shape too large", name);
        t->count *= t->shape[i];
    }
    double begin = offsets->items[0].number, end = offsets->items[1].number;
    if (offsets->items[0].type != JSON_NUMBER || offsets->items[1].type != JSON_NUMBER ||
        begin < 0 || end < begin || end > (double)data_size || begin != (double)(size_t)begin ||
        end != (double)(size_t)end)
        return glance_fail(err, GLANCE_ERR_FORMAT,
                           "tensor '%s': data_offsets point outside the file (the file may be truncated)", name);
    t->nbytes = (size_t)end - (size_t)begin;
    if ((uint64_t)t->count * (uint64_t)esize != t->nbytes)
        return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s': %zu bytes do not hold its shape", name, t->nbytes);
    t->data = data + (size_t)begin;
    return GLANCE_OK;
}

/* Copies the tensors' names and dtype names and the metadata's keys into one block and
 * each metadata value into its own (StFile), and frees the parsed header. */
static GlanceStatus compact(StFile *file, const JsonValue *metadata, GlanceError *err)
{
    size_t bytes = 1;
    int n_metadata = 0;
    for (int i = 0; i < file->n_tensors; i++)
        bytes += strlen(file->tensors[i].name) + strlen(file->tensors[i].dtype_name) + 2;
    for (int i = 0; metadata && i < metadata->count; i++)
        if (metadata->items[i].type == JSON_STRING) {
            bytes += strlen(metadata->keys[i]) + 1;
            n_metadata++;
        }
    file->strings = malloc(bytes);
    file->metadata = calloc((size_t)2 * n_metadata + 1, sizeof *file->metadata);
    if (!file->strings || !file->metadata)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    char *next = file->strings;
    for (int i = 0; i < file->n_tensors; i++) {
        StTensor *t = &file->tensors[i];
        size_t name_len = strlen(t->name) + 1, dtype_len = strlen(t->dtype_name) + 1;
        t->name = memcpy(next, t->name, name_len);
        t->dtype_name = memcpy(next + name_len, t->dtype_name, dtype_len);
        next += name_len + dtype_len;
    }
    for (int i = 0; metadata && i < metadata->count; i++) {
        const JsonValue *value = &metadata->items[i];
        if (value->type != JSON_STRING)
            continue;
        size_t key_len = strlen(metadata->keys[i]) + 1;
        char **pair = &file->metadata[2 * file->n_metadata];
        pair[0] = memcpy(next, metadata->keys[i], key_len);
        next += key_len;
        file->n_metadata++;
        pair[1] = malloc(value->string_len + 1);
        if (!pair[1])
            return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
        memcpy(pair[1], value->string, value->string_len + 1);
    }
    glance_json_free(file->header);
    file->header = NULL;
    return GLANCE_OK;
}

GlanceStatus glance_st_parse(const uint8_t *bytes, size_t size, StFile *file, GlanceError *err)
{
    if (size < 8)
        return glance_fail(err, GLANCE_ERR_FORMAT, "file too short for a safetensors header");
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; i--)
        header_len = (header_len << 8) | bytes[i];
    if (header_len > ST_MAX_HEADER || header_len > size - 8)
        return glance_fail(err, GLANCE_ERR_FORMAT, "header length %llu points past the end of the file",
                           (unsigned long long)header_len);
    char reason[128] = "";
    file->header = glance_json_parse((const char *)bytes + 8, (size_t)header_len, reason, sizeof reason);
    if (!file->header)
        return glance_fail(err, GLANCE_ERR_FORMAT, "header is not valid JSON: %s", reason);
    if (file->header->type != JSON_OBJECT)
        return glance_fail(err, GLANCE_ERR_FORMAT, "header is not a JSON object");
    const uint8_t *data = bytes + 8 + header_len;
    file->data = data;
    size_t data_size = size - 8 - (size_t)header_len;
    file->tensors = calloc((size_t)file->header->count + 1, sizeof *file->tensors);
    if (!file->tensors)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    const JsonValue *metadata = NULL;
    for (int i = 0; i < file->header->count; i++) {
        const char *key = file->header->keys[i];
        const JsonValue *entry = &file->header->items[i];
        if (!strcmp(key, "__metadata__")) {
            if (entry->type != JSON_OBJECT)
                return glance_fail(err, GLANCE_ERR_FORMAT, "__metadata__ is not an object");
            metadata = entry;
            continue;
        }
        if (entry->type != JSON_OBJECT)
            return glance_fail(err, GLANCE_ERR_FORMAT, "tensor '%s' is not an object", key);
        GlanceStatus s = parse_tensor(key, entry, data, data_size, &file->tensors[file->n_tensors], err);
        if (s != GLANCE_OK)
            return s;
        file->n_tensors++;
    }
    /* Overlap check on a sorted copy; the file order is kept for lookups. */
    StTensor *sorted = malloc((size_t)file->n_tensors * sizeof *sorted + 1);
    if (!sorted)
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    memcpy(sorted, file->tensors, (size_t)file->n_tensors * sizeof *sorted);
    qsort(sorted, (size_t)file->n_tensors, sizeof *sorted, compare_by_offset);
    for (int i = 1; i < file->n_tensors; i++)
        if (sorted[i].nbytes && sorted[i - 1].data + sorted[i - 1].nbytes > sorted[i].data) {
            GlanceStatus s = glance_fail(err, GLANCE_ERR_FORMAT, "tensors '%s' and '%s' overlap",
                                         sorted[i - 1].name, sorted[i].name);
            free(sorted);
            return s;
        }
    free(sorted);
    return compact(file, metadata, err);
}

GlanceStatus glance_st_open(const char *path, StFile **out, GlanceError *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return glance_fail(err, GLANCE_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return glance_fail(err, GLANCE_ERR_IO, "%s: not a regular file", path);
    }
    StFile *file = calloc(1, sizeof *file);
    if (!file) {
        close(fd);
        return glance_fail(err, GLANCE_ERR_NOMEM, "out of memory");
    }
    file->map_size = (size_t)st.st_size;
    if (file->map_size > 0) {
        file->map = mmap(NULL, file->map_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (file->map == MAP_FAILED) {
            file->map = NULL;
            close(fd);
            glance_st_close(file);
            return glance_fail(err, GLANCE_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
        }
    }
    close(fd);
    GlanceError local = { 0 };
    GlanceStatus s = glance_st_parse(file->map, file->map_size, file, &local);
    if (s != GLANCE_OK) {
        glance_st_close(file);
        return glance_fail(err, s, "%s: %s", path, local.message);
    }
    /* The header has been parsed into memory of its own: its pages of the mapping (300 KB
     * at VLMo-Base, mostly the vocabulary) need not stay resident. A private read-only
     * mapping loses nothing; a later read would fault them in again. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t header_pages = (size_t)(file->data - (const uint8_t *)file->map) / page * page;
    if (header_pages)
        madvise(file->map, header_pages, MADV_DONTNEED);
    *out = file;
    return GLANCE_OK;
}

void glance_st_close(StFile *file)
{
    if (!file)
        return;
    if (file->map)
        munmap(file->map, file->map_size);
    glance_st_clear(file);
    free(file);
}

void glance_st_clear(StFile *file)
{
    glance_json_free(file->header);
    free(file->tensors);
    free(file->strings);
    for (int i = 0; file->metadata && i < file->n_metadata; i++)
        free(file->metadata[2 * i + 1]);
    free(file->metadata);
    file->header = NULL;
    file->tensors = NULL;
    file->strings = NULL;
    file->metadata = NULL;
    file->n_tensors = file->n_metadata = 0;
}

const StTensor *glance_st_find(const StFile *file, const char *name)
{
    for (int i = 0; i < file->n_tensors; i++)
        if (!strcmp(file->tensors[i].name, name))
            return &file->tensors[i];
    return NULL;
}

const char *glance_st_metadata(const StFile *file, const char *key)
{
    for (int i = 0; i < file->n_metadata; i++)
        if (!strcmp(file->metadata[2 * i], key))
            return file->metadata[2 * i + 1];
    return NULL;
}

char *glance_st_take_metadata(StFile *file, const char *key)
{
    for (int i = 0; i < file->n_metadata; i++)
        if (!strcmp(file->metadata[2 * i], key)) {
            char *value = file->metadata[2 * i + 1];
            file->metadata[2 * i + 1] = NULL;
            return value;
        }
    return NULL;
}

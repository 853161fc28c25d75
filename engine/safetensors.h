/* safetensors.h — a validated, read-only view of a .safetensors file mapped into memory. */
#ifndef GLANCE_SAFETENSORS_H
#define GLANCE_SAFETENSORS_H
#include "engine-private.h"
#include "json.h"

#define ST_MAX_DIMS 8

typedef enum { ST_F32, ST_F16, ST_BF16, ST_I8, ST_OTHER } StDtype;

typedef struct {
    const char *name;           /* points into the parsed header            */
    StDtype dtype;
    const char *dtype_name;     /* as written: "F32", "I64", ...            */
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    int64_t count;              /* elements                                 */
    const uint8_t *data;        /* inside the mapping                       */
    size_t nbytes;
} StTensor;

typedef struct {
    void *map;
    size_t map_size;
    JsonValue *header;          /* the parsed header, only while parsing    */
    const uint8_t *data;        /* the data section, after the header       */
    int n_tensors;
    StTensor *tensors;
    /* What is read after parsing, kept compact (the parsed header is a tree of
     * small allocations, about 1 MB at VLMo-Base): the tensors' names and dtype
     * names and the __metadata__ keys in `strings`; metadata[2i] is a key,
     * metadata[2i + 1] its value (a block of its own, NULL once taken). */
    char *strings;
    char **metadata;
    int n_metadata;
} StFile;

/* Maps and validates: header length, JSON, dtypes, shapes against byte
 * ranges, ranges inside the data section, no two tensors overlapping. */
GlanceStatus glance_st_open(const char *path, StFile **out, GlanceError *err);
void glance_st_close(StFile *file);
/* Frees what glance_st_parse allocated (not the struct, not the mapping). */
void glance_st_clear(StFile *file);
const StTensor *glance_st_find(const StFile *file, const char *name);
/* A __metadata__ string, or NULL. */
const char *glance_st_metadata(const StFile *file, const char *key);
/* The same string, now the caller's to free: the file no longer has it (the model takes
 * the vocabulary and the answers, which it keeps parsed, rather than copy them). */
char *glance_st_take_metadata(StFile *file, const char *key);
/* Header validation on a buffer in memory (the fuzz target's entry point). */
GlanceStatus glance_st_parse(const uint8_t *bytes, size_t size, StFile *file, GlanceError *err);
#endif

/* json.h — a small, strict JSON reader for safetensors headers (the engine may not
 * depend on json-glib). Bounded depth; every failure is an error, never a crash. */
#ifndef GLANCE_JSON_H
#define GLANCE_JSON_H
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonType;

typedef struct JsonValue {
    JsonType type;
    double number;            /* JSON_NUMBER; JSON_BOOL as 0/1       */
    char *string;             /* JSON_STRING, UTF-8, NUL-terminated  */
    size_t string_len;
    int count;                /* items of an array or object         */
    struct JsonValue *items;  /* array elements or object values     */
    char **keys;              /* object keys, parallel to items      */
} JsonValue;

/* Parses exactly one value followed by optional whitespace. Returns NULL and
 * writes a reason into error (error_size bytes) on failure. */
JsonValue *glance_json_parse(const char *text, size_t len, char *error, size_t error_size);
void glance_json_free(JsonValue *value);

const JsonValue *glance_json_object_get(const JsonValue *object, const char *key);
/* Typed lookups with a default when the key is missing or has another type. */
double glance_json_get_number(const JsonValue *object, const char *key, double fallback);
int glance_json_get_bool(const JsonValue *object, const char *key, int fallback);
const char *glance_json_get_string(const JsonValue *object, const char *key);
#endif

/* json.c — recursive-descent JSON reader with a depth limit, for model file headers. */
#include "json.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

typedef struct {
    const char *p, *end;
    char *error;
    size_t error_size;
    int failed;
} Reader;

static int fail(Reader *r, const char *fmt, ...)
{
    if (!r->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->error, r->error_size, fmt, ap);
        va_end(ap);
        r->failed = 1;
    }
    return -1;
}

static void skip_space(Reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static void value_clear(JsonValue *v)
{
    if (v->type == JSON_STRING)
        free(v->string);
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        for (int i = 0; i < v->count; i++) {
            value_clear(&v->items[i]);
            if (v->keys)
                free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
    memset(v, 0, sizeof *v);
}

static int hex4(Reader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return fail(r, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return fail(r, "bad \\u escape");
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *dst, unsigned cp)
{
    if (cp < 0x80) { dst[0] = (char)cp; return 1; }
    if (cp < 0x800) { dst[0] = (char)(0xC0 | (cp >> 6)); dst[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12)); dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18)); dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The decoded string is never longer than its escaped form, so one allocation suffices. */
static int parse_string(Reader *r, char **out, size_t *out_len)
{
    r->p++; /* opening quote */
    const char *start = r->p;
    while (r->p < r->end && *r->p != '"') {
        if (*r->p == '\\')
            r->p++;
        r->p++;
    }
    if (r->p >= r->end)
        return fail(r, "unterminated string");
    size_t raw_len = (size_t)(r->p - start);
    const char *raw_end = r->p;
    r->p++; /* closing quote */
    char *s = malloc(raw_len + 1);
    if (!s)
        return fail(r, "out of memory");
    size_t n = 0;
    Reader sub = { start, raw_end, r->error, r->error_size, 0 };
    while (sub.p < sub.end) {
        unsigned char c = (unsigned char)*sub.p++;
        if (c < 0x20) { free(s); return fail(r, "control character in string"); }
        if (c != '\\') { s[n++] = (char)c; continue; }
        char e = *sub.p++;
        unsigned cp;
        switch (e) {
        case '"': s[n++] = '"'; break;
        case '\\': s[n++] = '\\'; break;
        case '/': s[n++] = '/'; break;
        case 'b': s[n++] = '\b'; break;
        case 'f': s[n++] = '\f'; break;
        case 'n': s[n++] = '\n'; break;
        case 'r': s[n++] = '\r'; break;
        case 't': s[n++] = '\t'; break;
        case 'u':
            if (hex4(&sub, &cp) < 0) { free(s); r->failed = 1; return -1; }
            if (cp >= 0xD800 && cp < 0xDC00 && sub.end - sub.p >= 6 && sub.p[0] == '\\' && sub.p[1] == 'u') {
                unsigned lo;
                sub.p += 2;
                if (hex4(&sub, &lo) < 0) { free(s); r->failed = 1; return -1; }
                cp = (lo >= 0xDC00 && lo < 0xE000) ? 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00) : 0xFFFD;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            n += put_utf8(s + n, cp);
            break;
        default: free(s); return fail(r, "bad escape '\\%c'", e);
        }
    }
    s[n] = 0;
    *out = s;
    *out_len = n;
    return 0;
}

static int parse_value(Reader *r, JsonValue *v, int depth);

static int append(Reader *r, JsonValue *v, int *cap, int with_keys)
{
    if (v->count < *cap)
        return 0;
    int new_cap = *cap ? *cap * 2 : 8;
    JsonValue *items = realloc(v->items, (size_t)new_cap * sizeof *items);
    if (!items)
        return fail(r, "out of memory");
    v->items = items;
    if (with_keys) {
        char **keys = realloc(v->keys, (size_t)new_cap * sizeof *keys);
        if (!keys)
            return fail(r, "out of memory");
        v->keys = keys;
    }
    *cap = new_cap;
    return 0;
}

static int parse_container(Reader *r, JsonValue *v, int depth, int is_object)
{
    char close = is_object ? '}' : ']';
    v->type = is_object ? JSON_OBJECT : JSON_ARRAY;
    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == close) { r->p++; return 0; }
    int cap = 0;
    for (;;) {
        if (append(r, v, &cap, is_object) < 0)
            return -1;
        JsonValue *item = &v->items[v->count];
        memset(item, 0, sizeof *item);
        if (is_object) {
            skip_space(r);
            if (r->p >= r->end || *r->p != '"')
                return fail(r, "expected an object key");
            size_t klen;
            if (parse_string(r, &v->keys[v->count], &klen) < 0)
                return -1;
            skip_space(r);
            if (r->p >= r->end || *r->p != ':') {
                free(v->keys[v->count]);
                return fail(r, "expected ':'");
            }
            r->p++;
        }
        v->count++; /* counted before parsing so a failure frees it */
        if (parse_value(r, item, depth + 1) < 0)
            return -1;
        skip_space(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == close) { r->p++; return 0; }
        return fail(r, "expected ',' or '%c'", close);
    }
}

static int parse_number(Reader *r, JsonValue *v)
{
    const char *start = r->p;
    if (r->p < r->end && *r->p == '-') r->p++;
    int digits = 0;
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' ||
                             *r->p == 'E' || *r->p == '+' || *r->p == '-')) {
        r->p++;
        digits++;
    }
    if (!digits || r->p - start > 63)
        return fail(r, "bad number");
    char buf[64];
    memcpy(buf, start, (size_t)(r->p - start));
    buf[r->p - start] = 0;
    char *end;
    v->type = JSON_NUMBER;
    v->number = strtod(buf, &end);
    if (*end)
        return fail(r, "bad number '%s'", buf);
    return 0;
}

static int literal(Reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unexpected character");
    r->p += n;
    return 0;
}

static int parse_value(Reader *r, JsonValue *v, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return fail(r, "nesting deeper than %d", JSON_MAX_DEPTH);
    skip_space(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end of JSON");
    switch (*r->p) {
    case '{': return parse_container(r, v, depth, 1);
    case '[': return parse_container(r, v, depth, 0);
    case '"': v->type = JSON_STRING; return parse_string(r, &v->string, &v->string_len);
    case 't': v->type = JSON_BOOL; v->number = 1; return literal(r, "true");
    case 'f': v->type = JSON_BOOL; v->number = 0; return literal(r, "false");
    case 'n': v->type = JSON_NULL; return literal(r, "null");
    default: return parse_number(r, v);
    }
}

JsonValue *glance_json_parse(const char *text, size_t len, char *error, size_t error_size)
{
    char scratch[8];
    Reader r = { text, text + len, error ? error : scratch, error ? error_size : sizeof scratch, 0 };
    JsonValue *v = calloc(1, sizeof *v);
    if (!v) {
        fail(&r, "out of memory");
        return NULL;
    }
    if (parse_value(&r, v, 0) == 0) {
        skip_space(&r);
        if (r.p == r.end)
            return v;
        fail(&r, "trailing characters after JSON value");
    }
    glance_json_free(v);
    return NULL;
}

void glance_json_free(JsonValue *value)
{
    if (!value)
        return;
    value_clear(value);
    free(value);
}

const JsonValue *glance_json_object_get(const JsonValue *object, const char *key)
{
    if (!object || object->type != JSON_OBJECT)
        return NULL;
    for (int i = 0; i < object->count; i++)
        if (!strcmp(object->keys[i], key))
            return &object->items[i];
    return NULL;
}

double glance_json_get_number(const JsonValue *object, const char *key, double fallback)
{
    const JsonValue *v = glance_json_object_get(object, key);
    return v && v->type == JSON_NUMBER ? v->number : fallback;
}

int glance_json_get_bool(const JsonValue *object, const char *key, int fallback)
{
    const JsonValue *v = glance_json_object_get(object, key);
    return v && (v->type == JSON_BOOL || v->type == JSON_NUMBER) ? v->number != 0 : fallback;
}

const char *glance_json_get_string(const JsonValue *object, const char *key)
{
    const JsonValue *v = glance_json_object_get(object, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

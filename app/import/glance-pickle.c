/* glance-pickle.c — the pickle virtual machine, limited to torch.save's needs.
 *
 * Safety rests on three rules: (1) a GLOBAL is only ever a pair of names;
 * (2) REDUCE / NEWOBJ / BUILD on anything but the few torch callables we know
 * produce or ignore data, never behaviour; (3) every length is checked
 * against the bytes that remain, and every growth against fixed budgets.
 * Nothing here recurses over the input, so nesting depth cannot overflow
 * the C stack. */
#include "glance-pickle.h"
#include "glance-import-error.h"
#include <string.h>

/* Budgets: generous for real checkpoints (the pickle of a 24-layer model with
 * optimizer state has a few hundred thousand values), small enough that a
 * hostile file cannot exhaust memory. */
#define MAX_STACK (1u << 22)
#define MAX_MARKS (1u << 20)
#define MAX_MEMO (1u << 22)
#define MAX_BYTES ((gsize)1 << 30)

struct GlancePickle {
    GPtrArray *values;      /* every value ever made, freed flat at the end */
    GlancePickleValue *root;
    gsize bytes;            /* memory charged against MAX_BYTES */
};

typedef struct {
    GlancePickle *pickle;
    const guint8 *data;
    gsize length, pos;
    gsize op_pos;           /* offset of the opcode being run, for messages */
    guint8 op;
    GPtrArray *stack;
    GArray *marks;          /* stack heights at each MARK */
    GHashTable *memo;       /* guint index -> GlancePickleValue* */
    GError **error;
} Machine;

static gboolean fail(Machine *m, GlanceImportError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean fail(Machine *m, GlanceImportError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(m->error, GLANCE_IMPORT_ERROR, code,
                "malformed pickle: %s (opcode 0x%02x at byte %" G_GSIZE_FORMAT ")", message, m->op,
                m->op_pos);
    return FALSE;
}

/* ---- arena ---- */

static void value_free(gpointer data)
{
    GlancePickleValue *v = data;
    switch (v->kind) {
    case GLANCE_PICKLE_STRING:
        g_free(v->string.data);
        break;
    case GLANCE_PICKLE_TUPLE:
    case GLANCE_PICKLE_LIST:
    case GLANCE_PICKLE_SET:
        g_free(v->seq.items);
        break;
    case GLANCE_PICKLE_DICT:
        g_free(v->dict.keys);
        g_free(v->dict.values);
        break;
    case GLANCE_PICKLE_GLOBAL:
        g_free(v->global.module);
        g_free(v->global.name);
        break;
    case GLANCE_PICKLE_STORAGE:
        g_free(v->storage.type_name);
        g_free(v->storage.key);
        break;
    default:
        break;
    }
    g_free(v);
}

static gboolean charge(Machine *m, gsize bytes)
{
    if (bytes > MAX_BYTES - m->pickle->bytes)
        return fail(m, GLANCE_IMPORT_ERROR_LIMIT, "it needs more than %" G_GSIZE_FORMAT " MiB",
                    MAX_BYTES >> 20);
    m->pickle->bytes += bytes;
    return TRUE;
}

static GlancePickleValue *new_value(Machine *m, GlancePickleKind kind)
{
    if (!charge(m, sizeof(GlancePickleValue) + sizeof(gpointer)))
        return NULL;
    GlancePickleValue *v = g_new0(GlancePickleValue, 1);
    v->kind = kind;
    g_ptr_array_add(m->pickle->values, v);
    return v;
}

static GlancePickleValue *new_string(Machine *m, const guint8 *bytes, gsize length)
{
    if (!charge(m, length + 1))
        return NULL;
    GlancePickleValue *v = new_value(m, GLANCE_PICKLE_STRING);
    if (!v)
        return NULL;
    v->string.data = g_malloc(length + 1);
    memcpy(v->string.data, bytes, length);
    v->string.data[length] = '\0';
    v->string.length = length;
    return v;
}

/* Grows a pointer array to hold `needed` items, doubling, within budget. */
static gboolean grow(Machine *m, GlancePickleValue ***items, gsize *capacity, gsize needed)
{
    if (needed <= *capacity)
        return TRUE;
    gsize new_capacity = MAX(needed, MAX(*capacity * 2, 4));
    if (!charge(m, (new_capacity - *capacity) * sizeof(gpointer)))
        return FALSE;
    *items = g_renew(GlancePickleValue *, *items, new_capacity);
    *capacity = new_capacity;
    return TRUE;
}

static gboolean seq_append(Machine *m, GlancePickleValue *seq, GlancePickleValue *item)
{
    if (!grow(m, &seq->seq.items, &seq->seq.capacity, seq->seq.length + 1))
        return FALSE;
    seq->seq.items[seq->seq.length++] = item;
    return TRUE;
}

static gboolean dict_set(Machine *m, GlancePickleValue *dict, GlancePickleValue *key,
                         GlancePickleValue *value)
{
    gsize capacity = dict->dict.capacity;
    if (!grow(m, &dict->dict.keys, &capacity, dict->dict.length + 1))
        return FALSE;
    capacity = dict->dict.capacity;
    if (!grow(m, &dict->dict.values, &capacity, dict->dict.length + 1))
        return FALSE;
    dict->dict.capacity = capacity;
    dict->dict.keys[dict->dict.length] = key;
    dict->dict.values[dict->dict.length] = value;
    dict->dict.length++;
    return TRUE;
}

/* ---- reading operands ---- */

static gboolean take(Machine *m, gsize n, const guint8 **out)
{
    *out = NULL;
    if (n > m->length - m->pos)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "truncated: needs %" G_GSIZE_FORMAT
                    " more bytes, %" G_GSIZE_FORMAT " left", n, m->length - m->pos);
    *out = m->data + m->pos;
    m->pos += n;
    return TRUE;
}

static gboolean read_uint(Machine *m, int n_bytes, guint64 *out)
{
    const guint8 *p = NULL;
    if (!take(m, (gsize)n_bytes, &p))
        return FALSE;
    guint64 value = 0;
    for (int i = n_bytes - 1; i >= 0; i--)
        value = value << 8 | p[i];
    *out = value;
    return TRUE;
}

/* A text line for GLOBAL's operands; at most 1 KiB, no newline kept. */
static gboolean read_line(Machine *m, char **out)
{
    gsize limit = MIN(m->length - m->pos, 1024);
    const guint8 *start = m->data + m->pos;
    const guint8 *newline = memchr(start, '\n', limit);
    if (!newline)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "unterminated name in GLOBAL");
    gsize n = (gsize)(newline - start);
    *out = g_strndup((const char *)start, n);
    m->pos += n + 1;
    return TRUE;
}

/* ---- the stack ---- */

static gboolean push(Machine *m, GlancePickleValue *v)
{
    if (!v)
        return FALSE; /* allocation failed and already set the error */
    if (m->stack->len >= MAX_STACK)
        return fail(m, GLANCE_IMPORT_ERROR_LIMIT, "stack deeper than %u", MAX_STACK);
    g_ptr_array_add(m->stack, v);
    return TRUE;
}

/* pop, top, pop_mark and below_mark set their outputs even when they fail, so no caller
 * can read an unset value (and optimising compilers can see that). */
static gboolean pop(Machine *m, GlancePickleValue **out)
{
    *out = NULL;
    guint floor = m->marks->len ? g_array_index(m->marks, guint, m->marks->len - 1) : 0;
    if (m->stack->len <= floor)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "stack underflow");
    *out = g_ptr_array_steal_index(m->stack, m->stack->len - 1);
    return TRUE;
}

static gboolean top(Machine *m, GlancePickleValue **out)
{
    *out = NULL;
    guint floor = m->marks->len ? g_array_index(m->marks, guint, m->marks->len - 1) : 0;
    if (m->stack->len <= floor)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "stack underflow");
    *out = g_ptr_array_index(m->stack, m->stack->len - 1);
    return TRUE;
}

/* Pops everything above the last MARK (and the mark): *first indexes the
 * first of *n items still in m->stack's storage until the next push. */
static gboolean pop_mark(Machine *m, guint *first, guint *n)
{
    *first = *n = 0;
    if (m->marks->len == 0)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "no MARK on the stack");
    guint height = g_array_index(m->marks, guint, m->marks->len - 1);
    g_array_set_size(m->marks, m->marks->len - 1);
    *first = height;
    *n = m->stack->len - height;
    return TRUE;
}

/* The container that APPENDS / SETITEMS / ADDITEMS extend: the value just
 * below the items that pop_mark() released. */
static gboolean below_mark(Machine *m, guint first, GlancePickleValue **out)
{
    *out = NULL;
    guint floor = m->marks->len ? g_array_index(m->marks, guint, m->marks->len - 1) : 0;
    if (first == 0 || first - 1 < floor)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "stack underflow");
    *out = g_ptr_array_index(m->stack, first - 1);
    return TRUE;
}

static GlancePickleValue *make_seq(Machine *m, GlancePickleKind kind, GlancePickleValue **items,
                                   guint n)
{
    GlancePickleValue *seq = new_value(m, kind);
    if (!seq || !grow(m, &seq->seq.items, &seq->seq.capacity, n))
        return NULL;
    if (n)
        memcpy(seq->seq.items, items, n * sizeof *items);
    seq->seq.length = n;
    return seq;
}

/* ---- torch callables ---- */

static gboolean is_global(const GlancePickleValue *v, const char *module, const char *name)
{
    return v && v->kind == GLANCE_PICKLE_GLOBAL && !strcmp(v->global.module, module) &&
           !strcmp(v->global.name, name);
}

static gboolean int_tuple(const GlancePickleValue *v, int *ndim, gint64 *out)
{
    if (v->kind != GLANCE_PICKLE_TUPLE && v->kind != GLANCE_PICKLE_LIST)
        return FALSE;
    if (v->seq.length > GLANCE_PICKLE_MAX_DIMS)
        return FALSE;
    for (gsize i = 0; i < v->seq.length; i++) {
        const GlancePickleValue *item = v->seq.items[i];
        if (item->kind != GLANCE_PICKLE_INT || item->integer < 0)
            return FALSE;
        out[i] = item->integer;
    }
    *ndim = (int)v->seq.length;
    return TRUE;
}

/* _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks[, metadata]); the older _rebuild_tensor has the first four. */
static GlancePickleValue *rebuild_tensor(Machine *m, const GlancePickleValue *args)
{
    if (args->kind != GLANCE_PICKLE_TUPLE || args->seq.length < 4) {
        fail(m, GLANCE_IMPORT_ERROR_FORMAT, "_rebuild_tensor_v2 needs at least 4 arguments");
        return NULL;
    }
    GlancePickleValue **a = args->seq.items;
    if (a[0]->kind != GLANCE_PICKLE_STORAGE) {
        fail(m, GLANCE_IMPORT_ERROR_FORMAT, "_rebuild_tensor_v2's first argument is not a storage");
        return NULL;
    }
    if (a[1]->kind != GLANCE_PICKLE_INT || a[1]->integer < 0) {
        fail(m, GLANCE_IMPORT_ERROR_FORMAT, "tensor storage offset is not a non-negative integer");
        return NULL;
    }
    GlancePickleValue *t = new_value(m, GLANCE_PICKLE_TENSOR);
    if (!t)
        return NULL;
    int stride_ndim = 0;
    if (!int_tuple(a[2], &t->tensor.ndim, t->tensor.shape) ||
        !int_tuple(a[3], &stride_ndim, t->tensor.stride) || stride_ndim != t->tensor.ndim) {
        fail(m, GLANCE_IMPORT_ERROR_FORMAT,
             "tensor size and stride must be tuples of up to %d non-negative integers of equal length",
             GLANCE_PICKLE_MAX_DIMS);
        return NULL;
    }
    t->tensor.storage = a[0];
    t->tensor.offset = a[1]->integer;
    return t;
}

/* Persistent ids name storages: ('storage', torch.<X>Storage, key, location, numel). */
static GlancePickleValue *load_persistent(Machine *m, const GlancePickleValue *pid)
{
    if (pid->kind != GLANCE_PICKLE_TUPLE || pid->seq.length != 5 ||
        pid->seq.items[0]->kind != GLANCE_PICKLE_STRING ||
        strcmp(pid->seq.items[0]->string.data, "storage") != 0) {
        fail(m, GLANCE_IMPORT_ERROR_UNSUPPORTED,
             "persistent id is not ('storage', type, key, location, numel)");
        return NULL;
    }
    GlancePickleValue **f = pid->seq.items;
    if (f[1]->kind != GLANCE_PICKLE_GLOBAL || f[2]->kind != GLANCE_PICKLE_STRING ||
        f[3]->kind != GLANCE_PICKLE_STRING || f[4]->kind != GLANCE_PICKLE_INT || f[4]->integer < 0) {
        fail(m, GLANCE_IMPORT_ERROR_FORMAT, "storage persistent id has fields of the wrong types");
        return NULL;
    }
    GlancePickleValue *s = new_value(m, GLANCE_PICKLE_STORAGE);
    if (!s)
        return NULL;
    s->storage.dtype = !strcmp(f[1]->global.module, "torch")
                           ? glance_dtype_from_torch_storage(f[1]->global.name)
                           : GLANCE_DTYPE_UNKNOWN;
    s->storage.type_name = g_strdup_printf("%s.%s", f[1]->global.module, f[1]->global.name);
    s->storage.key = g_strdup(f[2]->string.data);
    s->storage.numel = f[4]->integer;
    return s;
}

static GlancePickleValue *make_opaque(Machine *m, GlancePickleValue *callable, GlancePickleValue *args)
{
    GlancePickleValue *v = new_value(m, GLANCE_PICKLE_OPAQUE);
    if (v) {
        v->opaque.callable = callable;
        v->opaque.args = args;
    }
    return v;
}

/* REDUCE: the only place a pickle asks for a call. Known torch helpers build
 * data; every other callable, whatever it names, becomes an opaque value. */
static GlancePickleValue *reduce(Machine *m, GlancePickleValue *callable, GlancePickleValue *args)
{
    if (is_global(callable, "collections", "OrderedDict") ||
        is_global(callable, "builtins", "dict") || is_global(callable, "__builtin__", "dict"))
        return new_value(m, GLANCE_PICKLE_DICT); /* torch passes no arguments */
    if (is_global(callable, "torch._utils", "_rebuild_tensor_v2") ||
        is_global(callable, "torch._utils", "_rebuild_tensor"))
        return rebuild_tensor(m, args);
    if (is_global(callable, "torch._utils", "_rebuild_parameter") ||
        is_global(callable, "torch._utils", "_rebuild_parameter_with_state")) {
        /* (data, requires_grad, backward_hooks[, state]): the parameter is its data */
        if (args->kind == GLANCE_PICKLE_TUPLE && args->seq.length >= 1 &&
            args->seq.items[0]->kind == GLANCE_PICKLE_TENSOR)
            return args->seq.items[0];
        fail(m, GLANCE_IMPORT_ERROR_FORMAT, "_rebuild_parameter's first argument is not a tensor");
        return NULL;
    }
    return make_opaque(m, callable, args);
}

/* ---- the interpreter loop ---- */

static gboolean memo_put(Machine *m, guint64 index)
{
    GlancePickleValue *v;
    if (!top(m, &v))
        return FALSE;
    if (index > G_MAXUINT32)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "memo index too large");
    if (g_hash_table_size(m->memo) >= MAX_MEMO && !g_hash_table_contains(m->memo, GUINT_TO_POINTER(index)))
        return fail(m, GLANCE_IMPORT_ERROR_LIMIT, "memo larger than %u entries", MAX_MEMO);
    if (!charge(m, 4 * sizeof(gpointer)))
        return FALSE;
    g_hash_table_insert(m->memo, GUINT_TO_POINTER((guint)index), v);
    return TRUE;
}

static gboolean memo_get(Machine *m, guint64 index)
{
    GlancePickleValue *v = index <= G_MAXUINT32
                               ? g_hash_table_lookup(m->memo, GUINT_TO_POINTER((guint)index))
                               : NULL;
    if (!v)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "memo entry %" G_GUINT64_FORMAT " was never stored",
                    index);
    return push(m, v);
}

static gboolean push_int(Machine *m, gint64 value)
{
    GlancePickleValue *v = new_value(m, GLANCE_PICKLE_INT);
    if (v)
        v->integer = value;
    return push(m, v);
}

/* LONG1 / LONG4: little-endian two's complement of n bytes. */
static gboolean push_long(Machine *m, guint64 n)
{
    const guint8 *p = NULL;
    if (!take(m, n, &p))
        return FALSE;
    if (n > 8) {
        /* Python ints beyond 64 bits exist (hyper-parameters, seeds); keep them opaque. */
        return push(m, new_value(m, GLANCE_PICKLE_BIGINT));
    }
    guint64 bits = 0;
    for (guint64 i = n; i-- > 0;)
        bits = bits << 8 | p[i];
    if (n > 0 && n < 8 && (p[n - 1] & 0x80))
        bits |= ~(guint64)0 << (8 * n); /* sign-extend */
    return push_int(m, (gint64)bits);
}

static gboolean push_string(Machine *m, int length_bytes)
{
    guint64 n;
    const guint8 *p = NULL;
    if (!read_uint(m, length_bytes, &n))
        return FALSE;
    if (m->op == 'T' && n > G_MAXINT32)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "negative string length");
    if (!take(m, n, &p))
        return FALSE;
    return push(m, new_string(m, p, n));
}

static gboolean push_global(Machine *m, char *module, char *name)
{
    GlancePickleValue *v = new_value(m, GLANCE_PICKLE_GLOBAL);
    if (!v) {
        g_free(module);
        g_free(name);
        return FALSE;
    }
    v->global.module = module;
    v->global.name = name;
    return push(m, v);
}

static gboolean run_opcode(Machine *m, gboolean *stopped)
{
    guint64 n;
    guint first, count;
    GlancePickleValue *a, *b, *c;
    const guint8 *p = NULL;

    m->op_pos = m->pos;
    if (m->pos >= m->length)
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "ends without a STOP opcode");
    m->op = m->data[m->pos++];
    switch (m->op) {
    case 0x80: /* PROTO */
        if (!read_uint(m, 1, &n))
            return FALSE;
        if (n < 2 || n > 5)
            return fail(m, GLANCE_IMPORT_ERROR_UNSUPPORTED, "pickle protocol %u", (guint)n);
        return TRUE;
    case 0x95: /* FRAME: a framing hint; the bytes simply follow */
        if (!read_uint(m, 8, &n))
            return FALSE;
        if (n > m->length - m->pos)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "frame longer than the data");
        return TRUE;
    case '.': /* STOP */
        if (!pop(m, &m->pickle->root))
            return FALSE;
        *stopped = TRUE;
        return TRUE;
    case '(': /* MARK */
        if (m->marks->len >= MAX_MARKS)
            return fail(m, GLANCE_IMPORT_ERROR_LIMIT, "more than %u nested MARKs", MAX_MARKS);
        g_array_append_val(m->marks, m->stack->len);
        return TRUE;
    case '0': /* POP */
        return pop(m, &a);
    case '1': /* POP_MARK */
        if (!pop_mark(m, &first, &count))
            return FALSE;
        g_ptr_array_set_size(m->stack, first);
        return TRUE;
    case '2': /* DUP */
        return top(m, &a) && push(m, a);
    case '}': /* EMPTY_DICT */
        return push(m, new_value(m, GLANCE_PICKLE_DICT));
    case ']': /* EMPTY_LIST */
        return push(m, new_value(m, GLANCE_PICKLE_LIST));
    case ')': /* EMPTY_TUPLE */
        return push(m, new_value(m, GLANCE_PICKLE_TUPLE));
    case 0x8f: /* EMPTY_SET */
        return push(m, new_value(m, GLANCE_PICKLE_SET));
    case 'N':
        return push(m, new_value(m, GLANCE_PICKLE_NONE));
    case 0x88: /* NEWTRUE */
    case 0x89: /* NEWFALSE */
        a = new_value(m, GLANCE_PICKLE_BOOL);
        if (a)
            a->boolean = m->op == 0x88;
        return push(m, a);
    case 'K': /* BININT1 */
        return read_uint(m, 1, &n) && push_int(m, (gint64)n);
    case 'M': /* BININT2 */
        return read_uint(m, 2, &n) && push_int(m, (gint64)n);
    case 'J': /* BININT: signed 32-bit */
        return read_uint(m, 4, &n) && push_int(m, (gint64)(gint32)(guint32)n);
    case 0x8a: /* LONG1 */
        return read_uint(m, 1, &n) && push_long(m, n);
    case 0x8b: /* LONG4 */
        if (!read_uint(m, 4, &n))
            return FALSE;
        if (n > G_MAXINT32)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "negative LONG4 length");
        return push_long(m, n);
    case 'G': { /* BINFLOAT: big-endian IEEE double */
        if (!take(m, 8, &p))
            return FALSE;
        guint64 bits = 0;
        for (int i = 0; i < 8; i++)
            bits = bits << 8 | p[i];
        a = new_value(m, GLANCE_PICKLE_FLOAT);
        if (a)
            memcpy(&a->number, &bits, sizeof a->number);
        return push(m, a);
    }
    case 0x8c: /* SHORT_BINUNICODE */
    case 'U':  /* SHORT_BINSTRING */
    case 'C':  /* SHORT_BINBYTES */
        return push_string(m, 1);
    case 'X':  /* BINUNICODE */
    case 'T':  /* BINSTRING */
    case 'B':  /* BINBYTES */
        return push_string(m, 4);
    case 0x8d: /* BINUNICODE8 */
    case 0x8e: /* BINBYTES8 */
    case 0x96: /* BYTEARRAY8 */
        return push_string(m, 8);
    case 0x85: /* TUPLE1 */
    case 0x86: /* TUPLE2 */
    case 0x87: { /* TUPLE3 */
        guint k = (guint)(m->op - 0x84);
        guint floor = m->marks->len ? g_array_index(m->marks, guint, m->marks->len - 1) : 0;
        if (m->stack->len < floor + k)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "stack underflow");
        first = m->stack->len - k;
        a = make_seq(m, GLANCE_PICKLE_TUPLE, (GlancePickleValue **)m->stack->pdata + first, k);
        if (!a)
            return FALSE;
        g_ptr_array_set_size(m->stack, first);
        return push(m, a);
    }
    case 't': /* TUPLE */
    case 'l': /* LIST */
    case 0x91: /* FROZENSET */
        if (!pop_mark(m, &first, &count))
            return FALSE;
        a = make_seq(m, m->op == 't' ? GLANCE_PICKLE_TUPLE : m->op == 'l' ? GLANCE_PICKLE_LIST
                                                                          : GLANCE_PICKLE_SET,
                     (GlancePickleValue **)m->stack->pdata + first, count);
        if (!a)
            return FALSE;
        g_ptr_array_set_size(m->stack, first);
        return push(m, a);
    case 'd': /* DICT */
        if (!pop_mark(m, &first, &count))
            return FALSE;
        if (count % 2)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "odd number of items for DICT");
        a = new_value(m, GLANCE_PICKLE_DICT);
        if (!a)
            return FALSE;
        for (guint i = first; i < first + count; i += 2)
            if (!dict_set(m, a, m->stack->pdata[i], m->stack->pdata[i + 1]))
                return FALSE;
        g_ptr_array_set_size(m->stack, first);
        return push(m, a);
    case 'a': /* APPEND */
        if (!pop(m, &b) || !top(m, &a))
            return FALSE;
        if (a->kind == GLANCE_PICKLE_LIST)
            return seq_append(m, a, b);
        if (a->kind == GLANCE_PICKLE_OPAQUE)
            return TRUE; /* would call a method on an unknown object: ignore */
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "APPEND to a non-list");
    case 'e': /* APPENDS */
    case 0x90: /* ADDITEMS */
        if (!pop_mark(m, &first, &count) || !below_mark(m, first, &a))
            return FALSE;
        if (a->kind == (m->op == 'e' ? GLANCE_PICKLE_LIST : GLANCE_PICKLE_SET)) {
            for (guint i = first; i < first + count; i++)
                if (!seq_append(m, a, m->stack->pdata[i]))
                    return FALSE;
        } else if (a->kind != GLANCE_PICKLE_OPAQUE) {
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "%s to a value of the wrong type",
                        m->op == 'e' ? "APPENDS" : "ADDITEMS");
        }
        g_ptr_array_set_size(m->stack, first);
        return TRUE;
    case 's': /* SETITEM */
        if (!pop(m, &c) || !pop(m, &b) || !top(m, &a))
            return FALSE;
        if (a->kind == GLANCE_PICKLE_DICT)
            return dict_set(m, a, b, c);
        if (a->kind == GLANCE_PICKLE_OPAQUE)
            return TRUE;
        return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "SETITEM on a non-dict");
    case 'u': /* SETITEMS */
        if (!pop_mark(m, &first, &count))
            return FALSE;
        if (count % 2)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "odd number of items for SETITEMS");
        if (!below_mark(m, first, &a))
            return FALSE;
        if (a->kind == GLANCE_PICKLE_DICT) {
            for (guint i = first; i < first + count; i += 2)
                if (!dict_set(m, a, m->stack->pdata[i], m->stack->pdata[i + 1]))
                    return FALSE;
        } else if (a->kind != GLANCE_PICKLE_OPAQUE) {
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "SETITEMS on a non-dict");
        }
        g_ptr_array_set_size(m->stack, first);
        return TRUE;
    case 'h': /* BINGET */
        return read_uint(m, 1, &n) && memo_get(m, n);
    case 'j': /* LONG_BINGET */
        return read_uint(m, 4, &n) && memo_get(m, n);
    case 'q': /* BINPUT */
        return read_uint(m, 1, &n) && memo_put(m, n);
    case 'r': /* LONG_BINPUT */
        return read_uint(m, 4, &n) && memo_put(m, n);
    case 0x94: /* MEMOIZE */
        return memo_put(m, g_hash_table_size(m->memo));
    case 'c': { /* GLOBAL "module\nname\n" */
        char *module = NULL, *name = NULL;
        if (!read_line(m, &module))
            return FALSE;
        if (!read_line(m, &name)) {
            g_free(module);
            return FALSE;
        }
        return push_global(m, module, name);
    }
    case 0x93: /* STACK_GLOBAL */
        if (!pop(m, &b) || !pop(m, &a))
            return FALSE;
        if (a->kind != GLANCE_PICKLE_STRING || b->kind != GLANCE_PICKLE_STRING)
            return fail(m, GLANCE_IMPORT_ERROR_FORMAT, "STACK_GLOBAL needs two strings");
        return push_global(m, g_strdup(a->string.data), g_strdup(b->string.data));
    case 'R': /* REDUCE */
        if (!pop(m, &b) || !pop(m, &a))
            return FALSE;
        return push(m, reduce(m, a, b));
    case 0x81: /* NEWOBJ: cls.__new__(cls, *args) */
        if (!pop(m, &b) || !pop(m, &a))
            return FALSE;
        if (is_global(a, "collections", "OrderedDict"))
            return push(m, new_value(m, GLANCE_PICKLE_DICT));
        return push(m, make_opaque(m, a, b));
    case 0x92: /* NEWOBJ_EX: cls, args, kwargs */
        if (!pop(m, &c) || !pop(m, &b) || !pop(m, &a))
            return FALSE;
        return push(m, make_opaque(m, a, b));
    case 'b': /* BUILD: obj.__setstate__(state); we keep the object as it is */
        if (!pop(m, &b) || !top(m, &a))
            return FALSE;
        return TRUE;
    case 'Q': /* BINPERSID */
        if (!pop(m, &a))
            return FALSE;
        return push(m, load_persistent(m, a));
    case 0x97: /* NEXT_BUFFER */
    case 0x98: /* READONLY_BUFFER */
        return fail(m, GLANCE_IMPORT_ERROR_UNSUPPORTED, "out-of-band buffers");
    case 0x82: /* EXT1 */
    case 0x83: /* EXT2 */
    case 0x84: /* EXT4 */
        return fail(m, GLANCE_IMPORT_ERROR_UNSUPPORTED, "copyreg extension codes");
    default:
        return fail(m, GLANCE_IMPORT_ERROR_UNSUPPORTED,
                    "opcode '%c' is not one torch.save writes (text protocol 0/1?)",
                    g_ascii_isprint(m->op) ? m->op : '?');
    }
}

GlancePickle *glance_pickle_load(const guint8 *data, gsize length, GError **error)
{
    GlancePickle *pickle = g_new0(GlancePickle, 1);
    pickle->values = g_ptr_array_new_with_free_func(value_free);
    Machine m = {
        .pickle = pickle,
        .data = data,
        .length = length,
        /* pre-sized so pdata is never NULL, even for a tuple of nothing */
        .stack = g_ptr_array_sized_new(256),
        .marks = g_array_new(FALSE, FALSE, sizeof(guint)),
        .memo = g_hash_table_new(g_direct_hash, g_direct_equal),
        .error = error,
    };
    gboolean stopped = FALSE, ok = TRUE;
    while (ok && !stopped)
        ok = run_opcode(&m, &stopped);
    g_hash_table_destroy(m.memo);
    g_array_free(m.marks, TRUE);
    g_ptr_array_free(m.stack, TRUE);
    if (!ok) {
        glance_pickle_free(pickle);
        return NULL;
    }
    return pickle;
}

void glance_pickle_free(GlancePickle *pickle)
{
    if (!pickle)
        return;
    g_ptr_array_free(pickle->values, TRUE);
    g_free(pickle);
}

const GlancePickleValue *glance_pickle_root(const GlancePickle *pickle)
{
    return pickle->root;
}

const GlancePickleValue *glance_pickle_dict_get(const GlancePickleValue *dict, const char *key)
{
    if (!dict || dict->kind != GLANCE_PICKLE_DICT)
        return NULL;
    for (gsize i = dict->dict.length; i-- > 0;) {
        const GlancePickleValue *k = dict->dict.keys[i];
        if (k->kind == GLANCE_PICKLE_STRING && !strcmp(k->string.data, key))
            return dict->dict.values[i];
    }
    return NULL;
}

char *glance_pickle_describe(const GlancePickleValue *value)
{
    if (!value)
        return g_strdup("nothing");
    switch (value->kind) {
    case GLANCE_PICKLE_NONE: return g_strdup("None");
    case GLANCE_PICKLE_BOOL: return g_strdup("a bool");
    case GLANCE_PICKLE_INT:
    case GLANCE_PICKLE_BIGINT: return g_strdup("an integer");
    case GLANCE_PICKLE_FLOAT: return g_strdup("a float");
    case GLANCE_PICKLE_STRING: return g_strdup("a string");
    case GLANCE_PICKLE_TUPLE: return g_strdup("a tuple");
    case GLANCE_PICKLE_LIST: return g_strdup("a list");
    case GLANCE_PICKLE_SET: return g_strdup("a set");
    case GLANCE_PICKLE_DICT: return g_strdup("a dict");
    case GLANCE_PICKLE_GLOBAL:
        return g_strdup_printf("a reference to %s.%s", value->global.module, value->global.name);
    case GLANCE_PICKLE_OPAQUE: {
        const GlancePickleValue *f = value->opaque.callable;
        if (f && f->kind == GLANCE_PICKLE_GLOBAL)
            return g_strdup_printf("an opaque %s.%s(...) object (never called)", f->global.module,
                                   f->global.name);
        return g_strdup("an opaque object");
    }
    case GLANCE_PICKLE_STORAGE: return g_strdup("a storage");
    case GLANCE_PICKLE_TENSOR: return g_strdup("a tensor");
    }
    return g_strdup("an unknown value");
}

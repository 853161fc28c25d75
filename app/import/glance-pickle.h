/* glance-pickle.h — a pickle interpreter for what torch.save writes, that never
 * runs code.
 *
 * It understands the binary opcodes of protocols 2 to 5 and exactly these
 * callables: collections.OrderedDict, torch._utils._rebuild_tensor_v2 /
 * _rebuild_tensor / _rebuild_parameter, and the torch.*Storage types that
 * persistent ids name. Any other global (os.system, builtins.eval, ...) is
 * kept as data: "calling" it yields an opaque value and nothing is executed.
 *
 * All values live in an arena owned by the GlancePickle and are freed with it
 * at once, so memo sharing and even self-referencing containers are harmless.
 * Sizes are bounded (stack, marks, memo, total memory) and every malformed
 * input fails with a GError naming the opcode and byte offset. */
#ifndef GLANCE_PICKLE_H
#define GLANCE_PICKLE_H
#include <glib.h>
#include "glance-tensor-dtype.h"

G_BEGIN_DECLS

#define GLANCE_PICKLE_MAX_DIMS 8

typedef enum {
    GLANCE_PICKLE_NONE,
    GLANCE_PICKLE_BOOL,
    GLANCE_PICKLE_INT,
    GLANCE_PICKLE_BIGINT,  /* an integer beyond 64 bits: kept opaque          */
    GLANCE_PICKLE_FLOAT,
    GLANCE_PICKLE_STRING,  /* str (UTF-8 as pickled) or bytes                 */
    GLANCE_PICKLE_TUPLE,
    GLANCE_PICKLE_LIST,
    GLANCE_PICKLE_SET,
    GLANCE_PICKLE_DICT,    /* dict and OrderedDict, insertion order           */
    GLANCE_PICKLE_GLOBAL,  /* a reference to module.name, never imported      */
    GLANCE_PICKLE_OPAQUE,  /* the result of "calling" an unknown global       */
    GLANCE_PICKLE_STORAGE, /* a torch storage from a persistent id            */
    GLANCE_PICKLE_TENSOR,  /* a torch tensor: a strided view of a storage     */
} GlancePickleKind;

typedef struct GlancePickleValue GlancePickleValue;

struct GlancePickleValue {
    GlancePickleKind kind;
    union {
        gboolean boolean;
        gint64 integer;
        double number;
        struct {
            char *data;   /* NUL-terminated copy */
            gsize length;
        } string;
        struct {
            GlancePickleValue **items;
            gsize length, capacity;
        } seq;            /* TUPLE, LIST, SET */
        struct {
            GlancePickleValue **keys, **values;
            gsize length, capacity;
        } dict;           /* a later duplicate key overrides an earlier one */
        struct {
            char *module, *name;
        } global;
        struct {
            GlancePickleValue *callable; /* what would have been called */
            GlancePickleValue *args;
        } opaque;
        struct {
            GlanceTensorDtype dtype;     /* GLANCE_DTYPE_UNKNOWN for exotic types */
            char *type_name;             /* e.g. "FloatStorage"                   */
            char *key;                   /* archive entry <stem>/data/<key>        */
            gint64 numel;                /* elements, as the persistent id says    */
        } storage;
        struct {
            GlancePickleValue *storage;  /* kind STORAGE */
            gint64 offset;               /* in elements  */
            int ndim;
            gint64 shape[GLANCE_PICKLE_MAX_DIMS];
            gint64 stride[GLANCE_PICKLE_MAX_DIMS];
        } tensor;
    };
};

typedef struct GlancePickle GlancePickle;

/* Interprets `data` up to its STOP opcode. */
GlancePickle *glance_pickle_load(const guint8 *data, gsize length, GError **error);
void glance_pickle_free(GlancePickle *pickle);
/* The object the pickle built; owned by `pickle`. */
const GlancePickleValue *glance_pickle_root(const GlancePickle *pickle);

/* dict[key] for a string key (the last one set wins), NULL when absent or
 * when `dict` is not a dict. */
const GlancePickleValue *glance_pickle_dict_get(const GlancePickleValue *dict, const char *key);
/* A short human description, e.g. "dict", "opaque posix.system(...)". */
char *glance_pickle_describe(const GlancePickleValue *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlancePickle, glance_pickle_free)

G_END_DECLS
#endif

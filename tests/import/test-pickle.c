/* test-pickle.c — the pickle interpreter on hand-assembled pickles: what
 * torch.save writes, hostile globals that must stay inert, malformed input, and a
 * sweep of all 256 opcode bytes (the accepted set runs, every other byte is refused). */
#include "glance-import-error.h"
#include "glance-pickle.h"
#include "glance-state-dict.h"
#include <glib/gstdio.h>
#include <string.h>

/* ---- a tiny pickle assembler ---- */

static void op(GByteArray *p, guint8 code)
{
    g_byte_array_append(p, &code, 1);
}

static void op_bytes(GByteArray *p, const void *bytes, gsize n)
{
    g_byte_array_append(p, bytes, (guint)n);
}

static void op_str(GByteArray *p, const char *s) /* BINUNICODE */
{
    guint32 n = (guint32)strlen(s);
    guint8 len[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24 };
    op(p, 'X');
    op_bytes(p, len, 4);
    op_bytes(p, s, n);
}

static void op_int(GByteArray *p, guint v) /* BININT1 / BININT2 */
{
    if (v < 256) {
        op(p, 'K');
        op(p, (guint8)v);
    } else {
        op(p, 'M');
        op(p, v & 0xff);
        op(p, (guint8)(v >> 8));
    }
}

static void op_global(GByteArray *p, const char *module, const char *name)
{
    op(p, 'c');
    op_bytes(p, module, strlen(module));
    op(p, '\n');
    op_bytes(p, name, strlen(name));
    op(p, '\n');
}

static GlancePickle *load(GByteArray *p, GError **error)
{
    /* a private copy so ASan catches any read past the end */
    guint8 *copy = g_memdup2(p->data, MAX(p->len, 1));
    GlancePickle *pickle = glance_pickle_load(copy, p->len, error);
    g_free(copy);
    return pickle;
}

/* _rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', numel), 0, shape, stride, False, OrderedDict()) */
static void op_tensor(GByteArray *p, const char *key, guint numel, guint rows, guint cols)
{
    op_global(p, "torch._utils", "_rebuild_tensor_v2");
    op(p, '(');
    op(p, '(');
    op_str(p, "storage");
    op_global(p, "torch", "FloatStorage");
    op_str(p, key);
    op_str(p, "cpu");
    op_int(p, numel);
    op(p, 't');
    op(p, 'Q');
    op_int(p, 0);
    op_int(p, rows);
    op_int(p, cols);
    op(p, 0x86);
    op_int(p, cols);
    op_int(p, 1);
    op(p, 0x86);
    op(p, 0x89);
    op_global(p, "collections", "OrderedDict");
    op(p, ')');
    op(p, 'R');
    op(p, 't');
    op(p, 'R');
}

/* ---- tests ---- */

static void test_plain_values(void)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    op(p, '}'); op(p, 'q'); op(p, 0);
    op(p, '(');
    op_str(p, "a"); op_int(p, 300);
    op_str(p, "b"); op(p, ']'); op(p, '('); op_int(p, 2); op(p, 'N'); op(p, 0x88); op(p, 'e');
    op_str(p, "c"); op(p, 'G'); op_bytes(p, "\x3f\xf8\x00\x00\x00\x00\x00\x00", 8); /* 1.5 */
    op_str(p, "d"); op(p, 0x8a); op(p, 2); op(p, 0xff); op(p, 0xff); /* LONG1 -1 */
    op_str(p, "e"); op(p, 'J'); op_bytes(p, "\xfe\xff\xff\xff", 4); /* BININT -2 */
    op_str(p, "a"); op_int(p, 7); /* a repeated key overrides */
    op(p, 'u');
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) pickle = load(p, &error);
    g_assert_no_error(error);
    const GlancePickleValue *root = glance_pickle_root(pickle);
    g_assert_cmpint(root->kind, ==, GLANCE_PICKLE_DICT);
    g_assert_cmpint(glance_pickle_dict_get(root, "a")->integer, ==, 7);
    const GlancePickleValue *b = glance_pickle_dict_get(root, "b");
    g_assert_cmpint(b->kind, ==, GLANCE_PICKLE_LIST);
    g_assert_cmpuint(b->seq.length, ==, 3);
    g_assert_cmpint(b->seq.items[1]->kind, ==, GLANCE_PICKLE_NONE);
    g_assert_true(b->seq.items[2]->boolean);
    g_assert_cmpfloat(glance_pickle_dict_get(root, "c")->number, ==, 1.5);
    g_assert_cmpint(glance_pickle_dict_get(root, "d")->integer, ==, -1);
    g_assert_cmpint(glance_pickle_dict_get(root, "e")->integer, ==, -2);
    g_assert_null(glance_pickle_dict_get(root, "zz"));
}

static void test_memo_and_cycles(void)
{
    /* a list that contains itself, and a memoized string used twice */
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 4);
    op(p, ']'); op(p, 0x94);            /* memo 0 = the list */
    op(p, 'h'); op(p, 0); op(p, 'a');   /* list.append(list) */
    op_str(p, "shared"); op(p, 'r'); op_bytes(p, "\x05\x00\x00\x00", 4);
    op(p, 'a');
    op(p, 'j'); op_bytes(p, "\x05\x00\x00\x00", 4); op(p, 'a');
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) pickle = load(p, &error);
    g_assert_no_error(error);
    const GlancePickleValue *root = glance_pickle_root(pickle);
    g_assert_cmpuint(root->seq.length, ==, 3);
    g_assert_true(root->seq.items[0] == root);
    g_assert_true(root->seq.items[1] == root->seq.items[2]);
}

static void test_tensor_state_dict(void)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    op(p, '}');
    op_str(p, "state_dict");
    op_global(p, "collections", "OrderedDict"); op(p, ')'); op(p, 'R');
    op(p, '(');
    op_str(p, "module.w"); op_tensor(p, "0", 6, 2, 3);
    op_str(p, "module.v"); op_tensor(p, "1", 4, 4, 1);
    op(p, 'u');
    op(p, '}'); op(p, 'b'); /* BUILD with _metadata, as torch writes */
    op(p, 's');
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) pickle = load(p, &error);
    g_assert_no_error(error);
    GlanceStateDict sd;
    g_assert_true(glance_state_dict_extract(glance_pickle_root(pickle), &sd, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(sd.wrapper, ==, "state_dict");
    g_assert_cmpuint(sd.tensors->len, ==, 2);
    const GlanceSourceTensor *w = glance_state_dict_get(&sd, "w"); /* "module." stripped */
    g_assert_nonnull(w);
    g_assert_cmpint(w->dtype, ==, GLANCE_DTYPE_F32);
    g_assert_cmpint(w->ndim, ==, 2);
    g_assert_cmpint(w->shape[0], ==, 2);
    g_assert_cmpint(w->shape[1], ==, 3);
    g_assert_cmpint(w->stride[0], ==, 3);
    g_assert_cmpstr(w->storage_key, ==, "0");
    g_assert_cmpint(w->storage_numel, ==, 6);
    glance_state_dict_clear(&sd);
}

/* Hostile globals are data: nothing they name is ever called. The payloads
 * would create a file if run; the test checks that it does not appear. */
static void test_hostile_globals_stay_inert(void)
{
    g_autofree char *dir = g_dir_make_tmp("glance-pickle-XXXXXX", NULL);
    g_autofree char *marker = g_build_filename(dir, "pwned", NULL);
    g_autofree char *command = g_strdup_printf("touch %s", marker);
    g_autofree char *code = g_strdup_printf("open('%s', 'w')", marker);
    const struct { const char *module, *name, *arg; gboolean stack_global; } payloads[] = {
        { "posix", "system", command, FALSE },
        { "os", "system", command, TRUE },
        { "builtins", "eval", code, TRUE },
        { "__builtin__", "eval", code, FALSE },
        { "builtins", "exec", code, FALSE },
        { "subprocess", "check_call", command, FALSE },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(payloads); i++) {
        g_autoptr(GByteArray) p = g_byte_array_new();
        op(p, 0x80); op(p, 4);
        op(p, '}');
        op_str(p, "state_dict");
        if (payloads[i].stack_global) {
            op_str(p, payloads[i].module);
            op_str(p, payloads[i].name);
            op(p, 0x93);
        } else {
            op_global(p, payloads[i].module, payloads[i].name);
        }
        op_str(p, payloads[i].arg);
        op(p, 0x85);
        op(p, 'R');
        op(p, '}'); op(p, 'b');            /* BUILD on the result: no __setstate__ either */
        op(p, 's');
        op(p, '.');
        g_autoptr(GError) error = NULL;
        g_autoptr(GlancePickle) pickle = load(p, &error);
        g_assert_no_error(error);
        const GlancePickleValue *v = glance_pickle_dict_get(glance_pickle_root(pickle), "state_dict");
        g_assert_cmpint(v->kind, ==, GLANCE_PICKLE_OPAQUE);
        g_autofree char *what = glance_pickle_describe(v);
        g_assert_nonnull(strstr(what, payloads[i].name));
        /* using it as a state dict fails cleanly and names what it is */
        GlanceStateDict sd;
        g_assert_false(glance_state_dict_extract(glance_pickle_root(pickle), &sd, &error));
        g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_NOT_VLMO);
        g_assert_nonnull(strstr(error->message, "opaque"));
        g_assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
    }
    g_rmdir(dir);
}

typedef struct {
    const char *label;
    const char *bytes;
    gsize length;
    GlanceImportError code;
    const char *fragment;
} BadPickle;

#define BAD(label, lit, code, fragment) { label, lit, sizeof(lit) - 1, code, fragment }

static void test_malformed_inputs_fail_cleanly(void)
{
    static const BadPickle cases[] = {
        BAD("empty", "", GLANCE_IMPORT_ERROR_FORMAT, "STOP"),
        BAD("no stop", "\x80\x02}", GLANCE_IMPORT_ERROR_FORMAT, "STOP"),
        BAD("stop on empty stack", "\x80\x02.", GLANCE_IMPORT_ERROR_FORMAT, "underflow"),
        BAD("append to nothing", "\x80\x02K\x01" "a.", GLANCE_IMPORT_ERROR_FORMAT, "underflow"),
        BAD("append to an int", "\x80\x02K\x01K\x02" "a.", GLANCE_IMPORT_ERROR_FORMAT, "non-list"),
        BAD("setitem on a list", "\x80\x02]K\x01K\x02s.", GLANCE_IMPORT_ERROR_FORMAT, "non-dict"),
        BAD("odd setitems", "\x80\x02}(K\x01u.", GLANCE_IMPORT_ERROR_FORMAT, "odd"),
        BAD("tuple without mark", "\x80\x02K\x01t.", GLANCE_IMPORT_ERROR_FORMAT, "MARK"),
        BAD("memo never stored", "\x80\x02h\x07.", GLANCE_IMPORT_ERROR_FORMAT, "never stored"),
        BAD("put on empty stack", "\x80\x02q\x00.", GLANCE_IMPORT_ERROR_FORMAT, "underflow"),
        BAD("string longer than data", "\x80\x02X\xff\xff\xff\x7f" "abc.", GLANCE_IMPORT_ERROR_FORMAT, "truncated"),
        BAD("huge 8-byte length", "\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff.", GLANCE_IMPORT_ERROR_FORMAT, "truncated"),
        BAD("frame past the end", "\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00}.", GLANCE_IMPORT_ERROR_FORMAT, "frame"),
        BAD("protocol 6", "\x80\x06}.", GLANCE_IMPORT_ERROR_UNSUPPORTED, "protocol"),
        BAD("text opcode INT", "I1\n.", GLANCE_IMPORT_ERROR_UNSUPPORTED, "opcode"),
        BAD("unterminated global", "\x80\x02" "cos\nsystem", GLANCE_IMPORT_ERROR_FORMAT, "GLOBAL"),
        BAD("stack_global on ints", "\x80\x04K\x01K\x02\x93.", GLANCE_IMPORT_ERROR_FORMAT, "STACK_GLOBAL"),
        BAD("persistent id not storage", "\x80\x02K\x01Q.", GLANCE_IMPORT_ERROR_UNSUPPORTED, "persistent id"),
        BAD("rebuild tensor of an int", "\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n(K\x01K\x00)))tR.",
            GLANCE_IMPORT_ERROR_FORMAT, "storage"),
        BAD("rebuild parameter of an int", "\x80\x02" "ctorch._utils\n_rebuild_parameter\n(K\x01tR.",
            GLANCE_IMPORT_ERROR_FORMAT, "tensor"),
        BAD("ext opcode", "\x80\x02\x82\x01.", GLANCE_IMPORT_ERROR_UNSUPPORTED, "extension"),
        BAD("out-of-band buffer", "\x80\x05\x97.", GLANCE_IMPORT_ERROR_UNSUPPORTED, "buffer"),
        BAD("negative LONG4 length", "\x80\x02\x8b\xff\xff\xff\xff.", GLANCE_IMPORT_ERROR_FORMAT, "LONG4"),
        BAD("pop_mark without mark", "\x80\x02" "1.", GLANCE_IMPORT_ERROR_FORMAT, "MARK"),
        BAD("pop below mark", "\x80\x02K\x01(0.", GLANCE_IMPORT_ERROR_FORMAT, "underflow"),
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) p = g_byte_array_new();
        op_bytes(p, cases[i].bytes, cases[i].length);
        g_autoptr(GError) error = NULL;
        GlancePickle *pickle = load(p, &error);
        if (pickle || !g_error_matches(error, GLANCE_IMPORT_ERROR, (gint)cases[i].code) ||
            !strstr(error->message, cases[i].fragment))
            g_error("case '%s': expected error %d mentioning '%s', got %s", cases[i].label,
                    cases[i].code, cases[i].fragment, error ? error->message : "success");
    }
}

static void test_big_ints_are_opaque(void)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    op(p, 0x8a); op(p, 9); op_bytes(p, "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9);
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) pickle = load(p, &error);
    g_assert_no_error(error);
    g_assert_cmpint(glance_pickle_root(pickle)->kind, ==, GLANCE_PICKLE_BIGINT);
}

/* Deep nesting must not recurse: 200000 lists inside each other. */
static void test_deep_nesting(void)
{
    const guint depth = 200000;
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    for (guint i = 0; i < depth; i++)
        op(p, ']');
    for (guint i = 1; i < depth; i++)
        op(p, 'a');
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) pickle = load(p, &error);
    g_assert_no_error(error);
    const GlancePickleValue *v = glance_pickle_root(pickle);
    guint levels = 1;
    while (v->seq.length == 1) {
        v = v->seq.items[0];
        levels++;
    }
    g_assert_cmpuint(levels, ==, depth);
}

static void test_too_many_marks_hits_limit(void)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    for (guint i = 0; i < (1u << 20) + 1; i++)
        op(p, '(');
    op(p, '.');
    g_autoptr(GError) error = NULL;
    g_assert_null(load(p, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_LIMIT);
}

/* Every prefix of a valid torch-style pickle fails (no STOP) without crashing. */
static void test_every_truncation_fails(void)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    op(p, 0x80); op(p, 2);
    op(p, '}'); op(p, '(');
    op_str(p, "w"); op_tensor(p, "0", 6, 2, 3);
    op(p, 'u'); op(p, '.');
    for (guint n = 0; n < p->len; n++) {
        g_autoptr(GByteArray) prefix = g_byte_array_new();
        op_bytes(prefix, p->data, n);
        g_autoptr(GError) error = NULL;
        g_assert_null(load(prefix, &error));
        g_assert_nonnull(error);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GlancePickle) whole = load(p, &error);
    g_assert_no_error(error);
}

/* Every opcode byte outside the set torch.save needs is refused where it stands,
 * whatever the stack holds: an UNSUPPORTED error naming that byte's offset, no value.
 * ACCEPTED lists the opcodes glance-pickle.c runs (protocols 2-5 plus the
 * protocol-1 binary forms torch uses); a new one must be added here on purpose. */
static const guint8 ACCEPTED[] = {
    0x80, 0x95, '.', '(', '0', '1', '2', '}', ']', ')', 0x8f, 'N', 0x88, 0x89, 'K', 'M', 'J',
    0x8a, 0x8b, 'G', 0x8c, 'U', 'C', 'X', 'T', 'B', 0x8d, 0x8e, 0x96, 0x85, 0x86, 0x87, 't',
    'l', 0x91, 'd', 'a', 'e', 0x90, 's', 'u', 'h', 'j', 'q', 'r', 0x94, 'c', 0x93, 'R', 0x81,
    0x92, 'b', 'Q',
};

static void test_every_other_opcode_is_refused(void)
{
    /* contexts: an empty stack; a mark with a global and a string above it (what
     * OBJ / INST would build from); a dict, a list and two ints */
    static const struct { const char *bytes; gsize length; } before[] = {
        { "\x80\x02", 2 },
        { "\x80\x02(cos\nsystem\nX\x01\x00\x00\x00x", 20 },
        { "\x80\x02}]K\x01K\x02", 8 },
    };
    guint refused = 0;
    for (guint code = 0; code < 256; code++) {
        if (memchr(ACCEPTED, (int)code, sizeof ACCEPTED))
            continue;
        refused++;
        for (gsize c = 0; c < G_N_ELEMENTS(before); c++) {
            g_autoptr(GByteArray) p = g_byte_array_new();
            op_bytes(p, before[c].bytes, before[c].length);
            op(p, (guint8)code);
            /* operands any text or binary form could take, then a way out */
            op_bytes(p, "1\n\x01\x00\x00\x00Kq\x00", 9);
            op(p, '.');
            g_autoptr(GError) error = NULL;
            GlancePickle *pickle = load(p, &error);
            g_autofree char *at = g_strdup_printf("opcode 0x%02x at byte %" G_GSIZE_FORMAT ")", code,
                                                  before[c].length);
            if (pickle || !g_error_matches(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_UNSUPPORTED) ||
                !strstr(error->message, at))
                g_error("opcode 0x%02x after context %" G_GSIZE_FORMAT ": expected refusal with '%s', got %s",
                        code, c, at, error ? error->message : "a value");
            glance_pickle_free(pickle);
        }
    }
    g_assert_cmpuint(refused, ==, 256 - sizeof ACCEPTED);
}

/* The other half of the sweep: each accepted opcode is run, not refused, so a
 * reader that drops one torch.save needs fails here rather than on a user's file. */
static void test_accepted_opcodes_are_run(void)
{
    for (gsize i = 0; i < sizeof ACCEPTED; i++) {
        guint8 code = ACCEPTED[i];
        g_autoptr(GByteArray) p = g_byte_array_new();
        op(p, 0x80); op(p, 2);
        op(p, code);
        op_bytes(p, "\x02\x00\x00\x00\x00\x00\x00\x00.", 9);
        g_autoptr(GError) error = NULL;
        GlancePickle *pickle = load(p, &error);
        g_autofree char *at = g_strdup_printf("opcode 0x%02x at byte 2)", code);
        if (error && error->code == GLANCE_IMPORT_ERROR_UNSUPPORTED && strstr(error->message, at))
            g_error("accepted opcode 0x%02x was refused: %s", code, error->message);
        glance_pickle_free(pickle);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pickle/plain-values", test_plain_values);
    g_test_add_func("/pickle/memo-and-cycles", test_memo_and_cycles);
    g_test_add_func("/pickle/tensor-state-dict", test_tensor_state_dict);
    g_test_add_func("/pickle/hostile-globals-stay-inert", test_hostile_globals_stay_inert);
    g_test_add_func("/pickle/malformed-inputs-fail-cleanly", test_malformed_inputs_fail_cleanly);
    g_test_add_func("/pickle/big-ints-are-opaque", test_big_ints_are_opaque);
    g_test_add_func("/pickle/deep-nesting", test_deep_nesting);
    g_test_add_func("/pickle/too-many-marks-hits-limit", test_too_many_marks_hits_limit);
    g_test_add_func("/pickle/every-truncation-fails", test_every_truncation_fails);
    g_test_add_func("/pickle/every-other-opcode-is-refused", test_every_other_opcode_is_refused);
    g_test_add_func("/pickle/accepted-opcodes-are-run", test_accepted_opcodes_are_run);
    return g_test_run();
}

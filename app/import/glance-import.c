/* glance-import.c — the import pipeline: read the word lists, open the
 * checkpoint, infer the architecture, write the model file atomically. */
#include "glance-import.h"
#include "glance-arch.h"
#include "glance-checkpoint.h"
#include "glance-config-json.h"
#include "glance-safetensors-writer.h"
#include <glib/gstdio.h>
#include <string.h>

#define GLANCE_FORMAT_VERSION "1"

void glance_import_options_init(GlanceImportOptions *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->dtype = GLANCE_IMPORT_DTYPE_F32;
}

void glance_import_report_clear(GlanceImportReport *report)
{
    g_free(report->name);
    g_free(report->wrapper);
    memset(report, 0, sizeof *report);
}

char *glance_import_config_json(const GlanceConfig *config)
{
    return glance_config_to_json(config);
}

/* A word list (vocabulary, answers): one entry per line, "\n" or "\r\n",
 * a final newline optional. Returns the entries joined by "\n". */
static char *read_word_list(const char *path, const char *what, guint *n_lines, GError **error)
{
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &contents, &length, &local)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO, "cannot read the %s: %s",
                    what, local->message);
        return NULL;
    }
    if (memchr(contents, '\0', length) || !g_utf8_validate(contents, (gssize)length, NULL)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "the %s %s is not UTF-8 text", what, path);
        return NULL;
    }
    if (length > 0 && contents[length - 1] == '\n')
        contents[--length] = '\0';
    if (length == 0) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID, "the %s %s is empty",
                    what, path);
        return NULL;
    }
    g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
    for (char **line = lines; *line; line++) {
        gsize n = strlen(*line);
        if (n > 0 && (*line)[n - 1] == '\r')
            (*line)[n - 1] = '\0';
    }
    *n_lines = g_strv_length(lines);
    return g_strjoinv("\n", lines);
}

static char *default_name(const char *checkpoint_path)
{
    char *base = g_path_get_basename(checkpoint_path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    return base;
}

static gboolean same_file(const char *a, const char *b)
{
    g_autoptr(GFile) fa = g_file_new_for_path(a);
    g_autoptr(GFile) fb = g_file_new_for_path(b);
    if (g_file_equal(fa, fb))
        return TRUE;
    g_autoptr(GFileInfo) ia = g_file_query_info(fa, G_FILE_ATTRIBUTE_ID_FILE, 0, NULL, NULL);
    g_autoptr(GFileInfo) ib = g_file_query_info(fb, G_FILE_ATTRIBUTE_ID_FILE, 0, NULL, NULL);
    return ia && ib &&
           !g_strcmp0(g_file_info_get_attribute_string(ia, G_FILE_ATTRIBUTE_ID_FILE),
                      g_file_info_get_attribute_string(ib, G_FILE_ATTRIBUTE_ID_FILE));
}

static void progress(const GlanceImportOptions *opts, double fraction, const char *stage)
{
    if (opts->progress)
        opts->progress(fraction, stage, opts->progress_data);
}

/* A tensor may be a broadcast view (stride 0) of a tiny storage, which the
 * copy expands: refuse sizes that overflow, and output far larger than any
 * real conversion makes (F16 -> F32 at most doubles a checkpoint), before
 * anything is allocated or written. */
static gboolean check_output_size(const char *checkpoint_path, const GlanceArch *arch,
                                  GlanceTensorDtype dtype, GError **error)
{
    GStatBuf st;
    guint64 input = g_stat(checkpoint_path, &st) == 0 ? (guint64)st.st_size : 0;
    guint64 limit = 4 * input + ((guint64)64 << 20), total = 0;
    for (guint i = 0; i < arch->plan->len; i++) {
        const GlanceTensorPlan *plan = g_ptr_array_index(arch->plan, i);
        guint64 bytes = glance_dtype_size(dtype);
        gboolean fits = TRUE;
        for (int d = 0; d < plan->view.ndim && fits; d++)
            fits = g_uint64_checked_mul(&bytes, bytes, (guint64)plan->view.shape[d]);
        if (fits)
            fits = g_uint64_checked_add(&total, total, bytes) && total <= limit;
        if (!fits) {
            g_autofree char *shape = glance_shape_to_string(plan->view.ndim, plan->view.shape);
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_LIMIT,
                        "tensor '%s' %s would make the model file far larger than the %"
                        G_GUINT64_FORMAT "-byte checkpoint (a broadcast view?)", plan->name, shape,
                        input);
            return FALSE;
        }
    }
    return TRUE;
}

/* How a planned tensor is stored: in the file's dtype, or (q8 and bf16 imports, big
 * layers' weights only) in a reduced form. Q8 needs whole 16-row, 4-column panels, BF16
 * 16-row, 2-column ones; a matrix that has none stays F32. */
typedef enum { STORE_PLAIN, STORE_Q8, STORE_BF16 } StoreAs;

static StoreAs store_as(const GlanceTensorPlan *plan, GlanceImportDtype dtype)
{
    if (!plan->matrix || plan->view.ndim != 2)
        return STORE_PLAIN;
    if (dtype == GLANCE_IMPORT_DTYPE_BF16 && plan->view.shape[0] % 16 == 0 && plan->view.shape[1] % 2 == 0)
        return STORE_BF16;
    if (dtype == GLANCE_IMPORT_DTYPE_Q8 && plan->view.shape[0] % 16 == 0 && plan->view.shape[1] % 4 == 0)
        return STORE_Q8;
    return STORE_PLAIN;
}

static void declare_tensors(GlanceSafetensorsWriter *writer, const GlanceArch *arch, GlanceImportDtype dtype,
                            GlanceTensorDtype plain)
{
    for (guint i = 0; i < arch->plan->len; i++) {
        const GlanceTensorPlan *plan = g_ptr_array_index(arch->plan, i);
        switch (store_as(plan, dtype)) {
        case STORE_PLAIN:
            glance_safetensors_writer_add_tensor(writer, plan->name, plain, plan->view.ndim, plan->view.shape);
            break;
        case STORE_BF16:
            glance_safetensors_writer_add_tensor(writer, plan->name, GLANCE_DTYPE_BF16, 2, plan->view.shape);
            break;
        case STORE_Q8: {
            g_autofree char *scale = g_strconcat(plan->name, ".scale", NULL);
            glance_safetensors_writer_add_tensor(writer, plan->name, GLANCE_DTYPE_I8, 2, plan->view.shape);
            glance_safetensors_writer_add_tensor(writer, scale, GLANCE_DTYPE_F32, 1, plan->view.shape);
            break;
        }
        }
    }
}

/* A big layer's weight in Q8 (int8 panels, then NAME.scale) or BF16 panels, through
 * F32 (docs/model-format.md). */
static gboolean write_reduced(GlanceCheckpoint *checkpoint, const GlanceTensorPlan *plan, StoreAs as,
                              GlanceSafetensorsWriter *writer, GError **error)
{
    gsize rows = (gsize)plan->view.shape[0], cols = (gsize)plan->view.shape[1];
    g_autofree float *values = g_try_malloc(MAX(rows * cols, 1) * sizeof(float));
    g_autofree guint8 *bytes = g_try_malloc(MAX(rows * cols, 1) * 2);
    g_autofree float *scale = g_try_malloc(MAX(rows, 1) * sizeof(float));
    if (!values || !bytes || !scale) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_LIMIT, "not enough memory for tensor '%s'",
                    plan->name);
        return FALSE;
    }
    if (!glance_checkpoint_copy_tensor(checkpoint, &plan->view, GLANCE_DTYPE_F32, (guint8 *)values, error))
        return FALSE;
    if (as == STORE_BF16) {
        glance_pack_bf16(values, (int)rows, (int)cols, (uint16_t *)bytes); /* panels: store_as checked */
        return glance_safetensors_writer_write_tensor(writer, bytes, rows * cols * 2, error);
    }
    if (!glance_quantise_q8(values, (int)rows, (int)cols, (int8_t *)bytes, scale)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "tensor '%s' holds a value that is not finite; it cannot be stored as q8", plan->name);
        return FALSE;
    }
    return glance_safetensors_writer_write_tensor(writer, bytes, rows * cols, error) &&
           glance_safetensors_writer_write_tensor(writer, scale, rows * sizeof(float), error);
}

/* Writes every planned tensor: straight from the archive when it is already
 * contiguous in the output dtype, otherwise through a converted copy. */
static gboolean write_tensors(const GlanceImportOptions *opts, GlanceCheckpoint *checkpoint,
                              const GlanceArch *arch, GlanceTensorDtype dtype,
                              GlanceSafetensorsWriter *writer, GCancellable *cancellable,
                              GError **error)
{
    guint64 total = 0, done = 0;
    guint declared = 0; /* the writer's index: a Q8 matrix declares two tensors */
    for (guint i = 0; i < arch->plan->len; i++)
        declared += store_as(g_ptr_array_index(arch->plan, i), opts->dtype) == STORE_Q8 ? 2 : 1;
    for (guint i = 0; i < declared; i++)
        total += glance_safetensors_writer_tensor_size(writer, i);
    declared = 0;
    for (guint i = 0; i < arch->plan->len; i++) {
        if (g_cancellable_set_error_if_cancelled(cancellable, error))
            return FALSE;
        const GlanceTensorPlan *plan = g_ptr_array_index(arch->plan, i);
        StoreAs as = store_as(plan, opts->dtype);
        gsize size = glance_safetensors_writer_tensor_size(writer, declared);
        if (as == STORE_Q8)
            size += glance_safetensors_writer_tensor_size(writer, declared + 1);
        declared += as == STORE_Q8 ? 2 : 1;
        if (as != STORE_PLAIN) {
            if (!write_reduced(checkpoint, plan, as, writer, error))
                return FALSE;
            done += size;
            progress(opts, 0.1 + 0.9 * (total ? (double)done / (double)total : 1.0), plan->name);
            continue;
        }
        g_autoptr(GError) local = NULL;
        const guint8 *direct = glance_checkpoint_direct_bytes(checkpoint, &plan->view, dtype, &local);
        if (local) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        gboolean ok;
        if (direct) {
            ok = glance_safetensors_writer_write_tensor(writer, direct, size, error);
        } else {
            guint8 *buffer = g_try_malloc(MAX(size, 1));
            if (!buffer) {
                g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_LIMIT,
                            "not enough memory for tensor '%s' (%" G_GSIZE_FORMAT " bytes)",
                            plan->name, size);
                return FALSE;
            }
            ok = glance_checkpoint_copy_tensor(checkpoint, &plan->view, dtype, buffer, error) &&
                 glance_safetensors_writer_write_tensor(writer, buffer, size, error);
            g_free(buffer);
        }
        if (!ok)
            return FALSE;
        done += size;
        progress(opts, 0.1 + 0.9 * (total ? (double)done / (double)total : 1.0), plan->name);
    }
    return TRUE;
}

gboolean glance_import_checkpoint(const GlanceImportOptions *opts, GlanceImportReport *report,
                                  GCancellable *cancellable, GError **error)
{
    if (report)
        memset(report, 0, sizeof *report);
    if (!opts->checkpoint_path || !opts->vocab_path || !opts->output_path) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "a checkpoint, a vocabulary and an output file are required");
        return FALSE;
    }
    if (opts->dtype != GLANCE_IMPORT_DTYPE_F32 && opts->dtype != GLANCE_IMPORT_DTYPE_F16 &&
        opts->dtype != GLANCE_IMPORT_DTYPE_Q8 && opts->dtype != GLANCE_IMPORT_DTYPE_BF16) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID, "unknown output dtype");
        return FALSE;
    }
    /* The dtype of every tensor not stored in a reduced form. */
    GlanceTensorDtype dtype = opts->dtype == GLANCE_IMPORT_DTYPE_F16 ? GLANCE_DTYPE_F16 : GLANCE_DTYPE_F32;

    progress(opts, 0.0, "reading the checkpoint");
    guint n_vocab = 0, n_answers = 0;
    g_autofree char *vocab = read_word_list(opts->vocab_path, "vocabulary", &n_vocab, error);
    if (!vocab)
        return FALSE;
    g_autofree char *answers = NULL;
    if (opts->answers_path) {
        answers = read_word_list(opts->answers_path, "answer list", &n_answers, error);
        if (!answers)
            return FALSE;
    }

    g_autoptr(GlanceCheckpoint) checkpoint = glance_checkpoint_open(opts->checkpoint_path, error);
    if (!checkpoint)
        return FALSE;
    GlanceArchOverrides overrides = { opts->heads, opts->image_size, opts->max_text_len };
    GlanceArch arch;
    if (!glance_arch_infer(glance_checkpoint_state_dict(checkpoint), &overrides, &arch, error))
        return FALSE;
    const GlanceConfig *config = &arch.config;
    gboolean ok = FALSE;

    if ((guint)config->vocab_size != n_vocab) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "the vocabulary %s has %u entries, but the checkpoint's "
                    "text_embeddings.word_embeddings.weight has %d rows",
                    opts->vocab_path, n_vocab, config->vocab_size);
        goto out;
    }
    if (config->has_vqa && !answers) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "the checkpoint has a VQA head with %d answers; pass its answer list (--answers)",
                    config->num_answers);
        goto out;
    }
    if (!config->has_vqa && answers) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "an answer list was given, but the checkpoint has no VQA head");
        goto out;
    }
    if (answers && (guint)config->num_answers != n_answers) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "the answer list %s has %u entries, but the checkpoint's VQA head "
                    "(vqa_classifier.3.weight) has %d", opts->answers_path, n_answers,
                    config->num_answers);
        goto out;
    }
    if (same_file(opts->checkpoint_path, opts->output_path)) {
        g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                    "the output would overwrite the checkpoint %s", opts->checkpoint_path);
        goto out;
    }

    {
        g_autofree char *name = opts->name ? g_strdup(opts->name) : default_name(opts->checkpoint_path);
        if (!g_utf8_validate(name, -1, NULL)) {
            g_set_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID,
                        "the model name is not valid UTF-8");
            goto out;
        }
        g_autofree char *config_json = glance_config_to_json(config);
        g_autoptr(GlanceSafetensorsWriter) writer = glance_safetensors_writer_new(opts->output_path, error);
        if (!writer)
            goto out;
        glance_safetensors_writer_set_metadata(writer, GLANCE_META_FORMAT, GLANCE_FORMAT_VERSION);
        glance_safetensors_writer_set_metadata(writer, GLANCE_META_NAME, name);
        glance_safetensors_writer_set_metadata(writer, GLANCE_META_CONFIG, config_json);
        glance_safetensors_writer_set_metadata(writer, GLANCE_META_VOCAB, vocab);
        if (answers)
            glance_safetensors_writer_set_metadata(writer, GLANCE_META_ANSWERS, answers);
        if (opts->dtype == GLANCE_IMPORT_DTYPE_Q8 || opts->dtype == GLANCE_IMPORT_DTYPE_BF16)
            glance_safetensors_writer_set_metadata(writer, GLANCE_META_PRECISION,
                                                   opts->dtype == GLANCE_IMPORT_DTYPE_Q8 ? "q8" : "bf16");
        if (opts->scope && *opts->scope)
            glance_safetensors_writer_set_metadata(writer, GLANCE_META_SCOPE, opts->scope);
        if (!check_output_size(opts->checkpoint_path, &arch, dtype, error))
            goto out;
        declare_tensors(writer, &arch, opts->dtype, dtype);
        progress(opts, 0.1, "writing the model file");
        if (!glance_safetensors_writer_write_header(writer, error) ||
            !write_tensors(opts, checkpoint, &arch, dtype, writer, cancellable, error) ||
            !glance_safetensors_writer_commit(writer, error))
            goto out;
        if (report) {
            report->config = *config;
            report->name = g_steal_pointer(&name);
            report->wrapper = g_strdup(glance_checkpoint_state_dict(checkpoint)->wrapper);
            report->n_tensors = arch.plan->len;
            report->n_ignored = arch.n_unused + glance_checkpoint_state_dict(checkpoint)->n_other;
            report->file_size = glance_safetensors_writer_file_size(writer);
        }
        progress(opts, 1.0, "done");
        ok = TRUE;
    }
out:
    glance_arch_clear(&arch);
    return ok;
}

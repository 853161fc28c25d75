/* test-import-api.c — glance_import_checkpoint() as the GUI will call it, on
 * the golden checkpoint: the report, progress, cancellation (nothing left
 * behind), and refusals. Byte-level checks against PyTorch are in test-import.py. */
#include "glance-import.h"
#include <glib/gstdio.h>
#include <string.h>

#define GOLDEN "../shared/golden/vlmo-ref-a/vlmo-ref-a.pt"
#define VOCAB "../shared/vocab/bert-base-uncased-vocab.txt"
#define ANSWERS "../shared/vqa/vqav2-answers-3129.txt"

static char *work_dir(void)
{
    const char *tmp = g_getenv("GLANCE_TEST_TMP");
    char *dir = g_build_filename(tmp ? tmp : g_get_tmp_dir(), "import-api", NULL);
    g_mkdir_with_parents(dir, 0755);
    return dir;
}

/* Files in `dir` other than `keep` (temporaries would show up here). */
static guint count_other_files(const char *dir, const char *keep)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    guint n = 0;
    for (const char *name; (name = g_dir_read_name(d));)
        if (!keep || strcmp(name, keep) != 0)
            n++;
    return n;
}

static void clear_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    for (const char *name; (name = g_dir_read_name(d));) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
    }
}

typedef struct {
    GArray *fractions;
    GCancellable *cancel_at_first_tensor;
} Progress;

static void on_progress(double fraction, const char *stage, gpointer user_data)
{
    Progress *p = user_data;
    g_assert_nonnull(stage);
    g_array_append_val(p->fractions, fraction);
    if (p->cancel_at_first_tensor && fraction > 0.1)
        g_cancellable_cancel(p->cancel_at_first_tensor);
}

static void golden_options(GlanceImportOptions *opts, const char *output)
{
    glance_import_options_init(opts);
    opts->checkpoint_path = GOLDEN;
    opts->vocab_path = VOCAB;
    opts->answers_path = ANSWERS;
    opts->output_path = output;
}

static void test_report_and_progress(void)
{
    g_autofree char *dir = work_dir();
    clear_dir(dir);
    g_autofree char *output = g_build_filename(dir, "golden.safetensors", NULL);
    GlanceImportOptions opts;
    golden_options(&opts, output);
    Progress progress = { g_array_new(FALSE, FALSE, sizeof(double)), NULL };
    opts.progress = on_progress;
    opts.progress_data = &progress;

    GlanceImportReport report;
    g_autoptr(GError) error = NULL;
    g_assert_true(glance_import_checkpoint(&opts, &report, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(report.name, ==, "vlmo-ref-a"); /* the file stem */
    g_assert_cmpstr(report.wrapper, ==, "state_dict");
    g_assert_cmpuint(report.n_tensors, ==, 136);   /* 137 keys less position_ids */
    g_assert_cmpuint(report.n_ignored, ==, 1);
    g_assert_cmpint(report.config.dim, ==, 96);
    g_assert_cmpint(report.config.image_size, ==, 64);
    g_assert_cmpint(report.config.num_answers, ==, 3129);

    GStatBuf st;
    g_assert_cmpint(g_stat(output, &st), ==, 0);
    g_assert_cmpuint((guint64)st.st_size, ==, report.file_size);
    g_assert_cmpuint(count_other_files(dir, "golden.safetensors"), ==, 0);

    /* progress: starts at 0, never goes back, ends at 1 */
    g_assert_cmpuint(progress.fractions->len, >, 10);
    g_assert_cmpfloat(g_array_index(progress.fractions, double, 0), ==, 0.0);
    for (guint i = 1; i < progress.fractions->len; i++)
        g_assert_cmpfloat(g_array_index(progress.fractions, double, i), >=,
                          g_array_index(progress.fractions, double, i - 1));
    g_assert_cmpfloat(g_array_index(progress.fractions, double, progress.fractions->len - 1), ==, 1.0);
    g_array_free(progress.fractions, TRUE);

    /* the same import as f16 is half the data and named as asked */
    g_autofree char *half = g_build_filename(dir, "golden-f16.safetensors", NULL);
    golden_options(&opts, half);
    opts.dtype = GLANCE_IMPORT_DTYPE_F16;
    opts.name = "Reference A";
    GlanceImportReport half_report;
    g_assert_true(glance_import_checkpoint(&opts, &half_report, NULL, &error));
    g_assert_cmpstr(half_report.name, ==, "Reference A");
    g_assert_cmpuint(half_report.file_size, <, report.file_size * 6 / 10);
    glance_import_report_clear(&half_report);
    glance_import_report_clear(&report);
}

static void test_cancel_leaves_nothing(void)
{
    g_autofree char *dir = work_dir();
    clear_dir(dir);
    g_autofree char *output = g_build_filename(dir, "cancelled.safetensors", NULL);
    GlanceImportOptions opts;
    golden_options(&opts, output);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    Progress progress = { g_array_new(FALSE, FALSE, sizeof(double)), cancellable };
    opts.progress = on_progress;
    opts.progress_data = &progress;
    g_autoptr(GError) error = NULL;
    g_assert_false(glance_import_checkpoint(&opts, NULL, cancellable, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false(g_file_test(output, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(count_other_files(dir, NULL), ==, 0);
    g_array_free(progress.fractions, TRUE);
}

static void test_refusals(void)
{
    g_autofree char *dir = work_dir();
    clear_dir(dir);
    g_autofree char *output = g_build_filename(dir, "refused.safetensors", NULL);
    GlanceImportOptions opts;
    g_autoptr(GError) error = NULL;

    golden_options(&opts, output);
    opts.vocab_path = "/nonexistent/vocab.txt";
    g_assert_false(glance_import_checkpoint(&opts, NULL, NULL, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_IO);
    g_clear_error(&error);

    golden_options(&opts, GOLDEN); /* would replace its own input */
    g_assert_false(glance_import_checkpoint(&opts, NULL, NULL, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID);
    g_clear_error(&error);

    golden_options(&opts, output);
    opts.answers_path = VOCAB; /* 30522 lines for a 3129-way head */
    g_assert_false(glance_import_checkpoint(&opts, NULL, NULL, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "3129"));
    g_clear_error(&error);

    golden_options(&opts, output);
    opts.image_size = 384; /* 24x24 patches need more than the table's 446 rows */
    g_assert_false(glance_import_checkpoint(&opts, NULL, NULL, &error));
    g_assert_error(error, GLANCE_IMPORT_ERROR, GLANCE_IMPORT_ERROR_SHAPE);
    g_clear_error(&error);

    g_assert_cmpuint(count_other_files(dir, NULL), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/import-api/report-and-progress", test_report_and_progress);
    g_test_add_func("/import-api/cancel-leaves-nothing", test_cancel_leaves_nothing);
    g_test_add_func("/import-api/refusals", test_refusals);
    return g_test_run();
}

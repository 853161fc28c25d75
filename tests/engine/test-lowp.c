/* test-lowp.c — Q8 and BF16 imports of the golden checkpoint against its F32 import, on
 * every kernel path this CPU has (GLANCE_CPU narrows the dispatch to avx512, avx2 or
 * generic; each path runs in a child process because the choice is made once per
 * process; on a CPU without AMX or AVX-512 the narrower paths repeat the native one):
 *   - q8 and bf16 outputs stay within the tolerances below of F32;
 *   - the Q8 paths (AMX, AVX-512 VNNI, AVX2, C) agree bit for bit (their integer sums
 *     are exact and the float epilogue is the same expression);
 *   - BF16 on the AVX-512 BF16 kernel and BF16 converted to F32 at load agree within
 *     the bf16 tolerance; F16 widened per tile (AVX-512, AVX2) and converted at load
 *     (generic) agree within the order of F32 sums;
 *   - hostile Q8 files (make-q8-hostile.py) are refused with a message naming the fault. */
#include "cpu.h"
#include "glance-engine.h"
#include "task-outputs.h"
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances, from the golden model (dim 96, random weights): cosine of the ITC vectors
 * to F32's, and the largest VQA / NLVR2 logit difference over the logits' spread. */
#define Q8_MIN_COSINE 0.999
#define BF16_MIN_COSINE 0.9995
#define Q8_MAX_LOGIT_ERR 0.03
#define BF16_MAX_LOGIT_ERR 0.01
/* F16 weights with F32 arithmetic: per-tile widening against conversion at load differ
 * only in the order of the sums. */
#define F16_MIN_COSINE 0.99999
#define F16_MAX_LOGIT_ERR 0.002
#define F16_PATHS_MAX_LOGIT_ERR 1e-4

static int failures;

/* Child: outputs of each model file, written raw to OUT.bin. */
static int dump(const char *out_path, char **models, int n)
{
    static TaskOutputs outputs[8];
    for (int i = 0; i < n; i++)
        if (task_outputs_run(models[i], &outputs[i]) != 0)
            return 1;
    printf("path %s\n", glance_cpu_q8_path());
    return g_file_set_contents(out_path, (const char *)outputs, (gssize)(n * sizeof(TaskOutputs)), NULL) ? 0 : 1;
}

static double cosine(const float *a, const float *b, int n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return ab / sqrt(aa * bb + 1e-30);
}

static int argmax(const float *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        best = v[i] > v[best] ? i : best;
    return best;
}

/* got against want: ITC cosines, logits' largest error over their spread, same top answer. */
static void compare(const char *what, const TaskOutputs *got, const TaskOutputs *want, int dim, int answers,
                    double min_cosine, double max_err)
{
    double ci = cosine(got->image_vec, want->image_vec, dim), ct = cosine(got->text_vec, want->text_vec, dim);
    float lo = want->vqa[0], hi = want->vqa[0];
    double err = 0;
    for (int i = 0; i < answers; i++) {
        lo = fminf(lo, want->vqa[i]);
        hi = fmaxf(hi, want->vqa[i]);
        err = fmax(err, fabs(got->vqa[i] - want->vqa[i]));
    }
    err /= (hi - lo);
    double nerr = fmax(fabs(got->nlvr2[0] - want->nlvr2[0]), fabs(got->nlvr2[1] - want->nlvr2[1])) /
                  (fabs(want->nlvr2[0]) + fabs(want->nlvr2[1]) + 1e-6);
    int same_top = argmax(got->vqa, answers) == argmax(want->vqa, answers);
    int ok = ci >= min_cosine && ct >= min_cosine && err <= max_err && nerr <= max_err && same_top;
    printf("%-4s %-34s image cos %.6f, text cos %.6f, VQA logit err %.4f, NLVR2 err %.4f, top-1 %s\n",
           ok ? "ok" : "FAIL", what, ci, ct, err, nerr, same_top ? "same" : "DIFFERS");
    failures += !ok;
}

static void expect_identical(const char *what, const TaskOutputs *a, const TaskOutputs *b)
{
    int same = !memcmp(a, b, sizeof *a);
    printf("%-4s %s\n", same ? "ok" : "FAIL", what);
    failures += !same;
}

static void expect_refused(const char *path, const char *needle)
{
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    GlanceStatus s = glance_model_open(path, &model, &err);
    int ok = s != GLANCE_OK && !model && strstr(err.message, needle);
    printf("%-4s refused %s: %s\n", ok ? "ok" : "FAIL", strrchr(path, '/') + 1, s == GLANCE_OK ? "(accepted)" : err.message);
    failures += !ok;
    glance_model_close(model);
}

static gboolean sh(const char *cmd)
{
    if (system(cmd) == 0)
        return TRUE;
    fprintf(stderr, "FAIL %s\n", cmd);
    return FALSE;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--dump"))
        return dump(argv[2], argv + 3, argc - 3);
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE"), *tmp = g_getenv("GLANCE_TEST_TMP");
    const char *cli = g_getenv("GLANCE_CLI");
    if (!golden || !tmp || !cli) {
        fprintf(stderr, "FAIL run through meson test\n");
        return 1;
    }
    g_autofree char *dir = g_build_filename(tmp, "lowp", NULL);
    g_mkdir_with_parents(dir, 0755);
    const char *dtypes[4] = { "f32", "q8", "bf16", "f16" };
    char *models[4];
    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strconcat("golden-", dtypes[i], ".safetensors", NULL);
        models[i] = g_build_filename(dir, name, NULL);
        g_autofree char *cmd = g_strdup_printf(
            "'%s' import ../shared/golden/vlmo-ref-a/vlmo-ref-a.pt --vocab ../shared/vocab/bert-base-uncased-vocab.txt "
            "--answers ../shared/vqa/vqav2-answers-3129.txt --dtype %s -o '%s' >/dev/null", cli, dtypes[i], models[i]);
        if (!sh(cmd))
            return 1;
    }

    /* Outputs per kernel path: native, then narrowed. */
    enum { NATIVE, AVX512, AVX2, GENERIC, N_PATHS };
    const char *paths[N_PATHS] = { "", "avx512", "avx2", "generic" };
    static TaskOutputs out[N_PATHS][4];
    for (int p = 0; p < N_PATHS; p++) {
        g_autofree char *bin = g_strdup_printf("%s/outputs-%s.bin", dir, paths[p][0] ? paths[p] : "native");
        g_autofree char *cmd = g_strdup_printf("GLANCE_CPU='%s' '%s' --dump '%s' '%s' '%s' '%s' '%s'", paths[p], argv[0],
                                               bin, models[0], models[1], models[2], models[3]);
        printf("GLANCE_CPU=%s: ", paths[p][0] ? paths[p] : "(unset)");
        fflush(stdout);
        g_autofree char *bytes = NULL;
        gsize len = 0;
        if (!sh(cmd) || !g_file_get_contents(bin, &bytes, &len, NULL) || len != sizeof out[p]) {
            fprintf(stderr, "FAIL no outputs from %s\n", cmd);
            return 1;
        }
        memcpy(out[p], bytes, len);
    }
    GlanceModel *m = NULL;
    GlanceError err = { 0 };
    if (glance_model_open(models[0], &m, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL %s\n", err.message);
        return 1;
    }
    int dim = glance_model_embed_dim(m), answers = glance_model_num_answers(m);
    glance_model_close(m);

    for (int p = 0; p < N_PATHS; p++) {
        g_autofree char *q8 = g_strdup_printf("q8 vs f32 (%s)", paths[p][0] ? paths[p] : "native");
        g_autofree char *bf = g_strdup_printf("bf16 vs f32 (%s)", paths[p][0] ? paths[p] : "native");
        compare(q8, &out[p][1], &out[p][0], dim, answers, Q8_MIN_COSINE, Q8_MAX_LOGIT_ERR);
        compare(bf, &out[p][2], &out[p][0], dim, answers, BF16_MIN_COSINE, BF16_MAX_LOGIT_ERR);
        g_autofree char *f16 = g_strdup_printf("f16 vs f32 (%s)", paths[p][0] ? paths[p] : "native");
        compare(f16, &out[p][3], &out[p][0], dim, answers, F16_MIN_COSINE, F16_MAX_LOGIT_ERR);
    }
    /* generic: F16 converted to F32 at load, the path every F16 file took before. */
    compare("f16: native against converted at load", &out[NATIVE][3], &out[GENERIC][3], dim, answers,
            F16_MIN_COSINE, F16_PATHS_MAX_LOGIT_ERR);
    compare("f16: avx2 against converted at load", &out[AVX2][3], &out[GENERIC][3], dim, answers, F16_MIN_COSINE,
            F16_PATHS_MAX_LOGIT_ERR);
    int f16_kernel = memcmp(&out[NATIVE][3], &out[GENERIC][3], sizeof out[0][3]) != 0 &&
                     memcmp(&out[AVX2][3], &out[GENERIC][3], sizeof out[0][3]) != 0;
    printf("%-4s f16 kernels' outputs differ from the converted path (they ran)\n", f16_kernel ? "ok" : "FAIL");
    failures += !f16_kernel;
    expect_identical("q8: native and avx512 paths bit-identical", &out[NATIVE][1], &out[AVX512][1]);
    expect_identical("q8: native and avx2 paths bit-identical", &out[NATIVE][1], &out[AVX2][1]);
    expect_identical("q8: native and generic paths bit-identical", &out[NATIVE][1], &out[GENERIC][1]);
    expect_identical("f32: unaffected by GLANCE_CPU", &out[NATIVE][0], &out[AVX2][0]);
    compare("bf16: native against avx512", &out[NATIVE][2], &out[AVX512][2], dim, answers, BF16_MIN_COSINE,
            BF16_MAX_LOGIT_ERR);
    compare("bf16: native against converted at load", &out[NATIVE][2], &out[AVX2][2], dim, answers,
            BF16_MIN_COSINE, BF16_MAX_LOGIT_ERR);
    /* The reduced forms must differ from F32 at all: else the kernels never ran. */
    int q8_differs = memcmp(&out[NATIVE][1], &out[NATIVE][0], sizeof out[0][0]) != 0;
    printf("%-4s q8 outputs differ from f32 (the Q8 kernels ran)\n", q8_differs ? "ok" : "FAIL");
    failures += !q8_differs;
    if (glance_cpu()->avx512_bf16) {
        int bf_kernel = memcmp(&out[AVX512][2], &out[AVX2][2], sizeof out[0][2]) != 0;
        printf("%-4s bf16 kernel output differs from the converted path (the BF16 kernel ran)\n", bf_kernel ? "ok" : "FAIL");
        failures += !bf_kernel;
    } else {
        printf("note this CPU has no AVX-512 BF16: the bf16 kernel was not exercised\n");
    }

    /* Hostile Q8 files. */
    g_autofree char *hostile = g_build_filename(dir, "hostile", NULL);
    g_autofree char *cmd = g_strdup_printf("/usr/bin/python3 tests/engine/make-q8-hostile.py '%s' '%s' '%s'",
                                           models[1], hostile, models[2]);
    if (!sh(cmd))
        return 1;
    static const struct { const char *file, *needle; } cases[] = {
        { "no-scale.safetensors", "has no scale tensor" },
        { "scale-shape.safetensors", "must be F32 of shape" },
        { "scale-f16.safetensors", "must be F32 of shape" },
        { "scale-nan.safetensors", "holds nan" },
        { "q8-rows.safetensors", "must have shape" },
        { "q8-norm.safetensors", "has dtype I8" },
        { "precision.safetensors", "unsupported glance.precision" },
        { "bf16-rows.safetensors", "BF16 tensor 'transformer.blocks.0.attn.qkv.weight' must have shape" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_build_filename(hostile, cases[i].file, NULL);
        expect_refused(path, cases[i].needle);
    }
    for (int i = 0; i < 4; i++)
        g_free(models[i]);
    return failures ? 1 : 0;
}

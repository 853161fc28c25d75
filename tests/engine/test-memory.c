/* test-memory.c — the engine's memory during a pass (docs/performance.md, "Memory
 * during a VQA pass"). Both checks run once per kernel path (GLANCE_CPU unset, avx512,
 * avx2, generic), each in a child, as the path is chosen once per process and the
 * paths' scratch needs differ (the AVX2 q8 kernel also reads an int16 copy).
 *
 *   test-memory chunks   A reduced-precision FFN makes its hidden activations a part of
 *                        the rows at a time (ctx->ffn_rows): forced down to 7 rows, the
 *                        q8, bf16 and f16 imports of the golden checkpoint give the same
 *                        VQA, NLVR2, image (batched too) and text outputs, bit for bit,
 *                        as in one part. Where every qkv is Q8 or BF16 (on a kernel
 *                        that runs it), q goes over its input in xn and work holds only
 *                        k and v of one group of heads (two groups) at a time: the same
 *                        outputs, bit for bit, as with q k v of all heads side by side
 *                        in a work buffer 3*dim wide (the layout fp32 keeps). A
 *                        sequence over 65535 tokens is refused (relative positions) and
 *                        leaves the context as it was.
 *   test-memory limits   Under an address-space limit (RLIMIT_AS) anywhere from a few KB
 *                        above what the process holds to more than a pass needs, making
 *                        a context and a batched pass on the q8 import either succeed with
 *                        the same vectors or fail with GLANCE_ERR_NOMEM and a message (a
 *                        pass never aborts), and a failed pass leaves its context fit for
 *                        the next one. Not run under ASan: its allocator reserves its heap
 *                        up front, out of RLIMIT_AS's reach, and aborts when it runs out. */
#include "check.h"
#include "noise-pictures.h"
#include "context.h"
#include "engine-private.h"
#include <glib.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { COUNT = 3, BIG = 24, LIMIT_STEPS = 96 };

static gboolean sh(const char *cmd)
{
    if (system(cmd) == 0)
        return TRUE;
    fprintf(stderr, "FAIL %s\n", cmd);
    return FALSE;
}

#define GOLDEN_CKPT "../shared/golden/vlmo-ref-a/vlmo-ref-a.pt"

/* A checkpoint (the golden one unless said) imported with --dtype `dtype` into the
 * test's temp dir as LABEL-DTYPE.safetensors. */
static char *import_checkpoint(const char *ckpt, const char *label, const char *dtype, const char *subdir)
{
    const char *tmp = g_getenv("GLANCE_TEST_TMP"), *cli = g_getenv("GLANCE_CLI");
    if (!tmp || !cli) {
        fprintf(stderr, "FAIL run through meson test\n");
        return NULL;
    }
    g_autofree char *dir = g_build_filename(tmp, subdir, NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *name = g_strconcat(label, "-", dtype, ".safetensors", NULL);
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *cmd = g_strdup_printf(
        "'%s' import '%s' --vocab ../shared/vocab/bert-base-uncased-vocab.txt "
        "--answers ../shared/vqa/vqav2-answers-3129.txt --dtype %s -o '%s' >/dev/null",
        cli, ckpt, dtype, path);
    if (!sh(cmd)) {
        g_free(path);
        return NULL;
    }
    return path;
}

typedef struct {
    float vqa[4096], nlvr2[2];
    float images[COUNT][1024], text[1024];
} Outputs;

static int run_tasks(GlanceContext *ctx, const GlanceImage *images, Outputs *out)
{
    GlanceError err = { 0 };
    memset(out, 0, sizeof *out);
    int ok = glance_vqa(ctx, &images[0], "what color is the square?", out->vqa, &err) == GLANCE_OK &&
             glance_nlvr2(ctx, &images[0], &images[1], "both images are the same", out->nlvr2, &err) == GLANCE_OK &&
             glance_embed_images(ctx, images, COUNT, 0, &out->images[0][0], &err) == GLANCE_OK &&
             glance_embed_text(ctx, "a red square", 0, out->text, &err) == GLANCE_OK;
    CHECK(ok, "tasks: %s", err.message);
    return ok;
}

/* Back to the layout before q went over xn: q k v of all heads side by side in work,
 * 3*dim wide. */
static int put_qkv_in_work(GlanceContext *ctx)
{
    int dim = ctx->model->config.dim, rows = ctx->rows_cap;
    int patch_len = 3 * ctx->model->config.patch_size * ctx->model->config.patch_size;
    ctx->q_in_xn = ctx->proj_in_xn = ctx->patches_in_scratch = 0;
    ctx->head_groups = 1;
    ctx->work_width = ctx->work_width > 3 * dim ? ctx->work_width : 3 * dim;
    ctx->work_width = ctx->work_width > patch_len ? ctx->work_width : patch_len;
    free(ctx->work);
    ctx->work = NULL;
    ctx->rows_cap = 0;
    return glance_context_reserve(ctx, rows, NULL) == GLANCE_OK;
}

/* Relative-position runs keep token indices in 16 bits: a longer sequence is refused
 * with a message, and the refusal leaves the context as it was. */
static int relpos_refusals_checked;

static void check_relpos_refusal(GlanceContext *ctx, const GlanceImage *images, const Outputs *before,
                                 const char *label, const char *dtype)
{
    if (!ctx->model->w.rel_pos_table)
        return;
    static Outputs after;
    GlanceError err = { 0 };
    relpos_refusals_checked++;
    GlanceStatus s = glance_relpos_prepare(ctx, 40000, 30000, &err);
    CHECK(s == GLANCE_ERR_INVALID && strstr(err.message, "65535"), "%s %s: 70000 tokens: status %d, '%s'", label,
          dtype, s, err.message);
    if (run_tasks(ctx, images, &after))
        CHECK(!memcmp(before, &after, sizeof after), "%s %s: outputs changed after a refused length", label, dtype);
}

/* want_groups: the head groups a Q8 or BF16 import runs (on a kernel that runs it). */
static void check_chunks(const char *ckpt, const char *label, const char *dtype, int want_groups,
                         const GlanceImage *images)
{
    g_autofree char *path = import_checkpoint(ckpt, label, dtype, "memory-chunks");
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (!path || glance_model_open(path, &model, &err) != GLANCE_OK) {
        CHECK(0, "%s: %s", dtype, err.message);
        return;
    }
    static Outputs whole, parts, qkv_in_work;
    GlanceContext *ctx = NULL;
    /* By default a context this short (under 512 tokens) keeps q k v in work; the
     * grouped layout is what is tested here, so it is asked for. */
    glance_set_grouping_min_rows(512);
    CHECK(glance_context_new(model, &ctx, &err) == GLANCE_OK && !ctx->q_in_xn && ctx->head_groups == 1,
          "%s %s: %d tokens, under 512: q k v in work (q over xn %d, %d head groups)", label, dtype,
          ctx ? ctx->n_max : -1, ctx ? ctx->q_in_xn : -1, ctx ? ctx->head_groups : -1);
    glance_context_free(ctx);
    ctx = NULL;
    glance_set_grouping_min_rows(0);
    CHECK(glance_context_new(model, &ctx, &err) == GLANCE_OK, "context: %s", err.message);
    int lowp_qkv = !strcmp(dtype, "q8") || (!strcmp(dtype, "bf16") && glance_bf16_kernel_available());
    CHECK(!ctx || ctx->q_in_xn == lowp_qkv, "%s: q over xn is %d, wanted %d", dtype, ctx ? ctx->q_in_xn : -1, lowp_qkv);
    CHECK(!ctx || ctx->head_groups == (lowp_qkv ? want_groups : 1), "%s %s: %d head groups", label, dtype,
          ctx ? ctx->head_groups : -1);
    if (ctx && run_tasks(ctx, images, &whole)) {
        glance_context_set_ffn_rows(ctx, 7);
        /* every pass here has more than 7 rows, so the parts run; a wrong offset in
         * them would change the outputs */
        if (run_tasks(ctx, images, &parts)) {
            int same = !memcmp(&whole, &parts, sizeof whole);
            CHECK(same, "%s %s: FFN in parts of 7 rows changed the outputs", label, dtype);
            printf("%s %s %s: FFN in parts of 7 rows, outputs bit-identical\n", same ? "ok  " : "FAIL", label, dtype);
        }
        glance_context_set_ffn_rows(ctx, 0);
        check_relpos_refusal(ctx, images, &whole, label, dtype);
        if (ctx->q_in_xn && put_qkv_in_work(ctx) && run_tasks(ctx, images, &qkv_in_work)) {
            int same = !memcmp(&whole, &qkv_in_work, sizeof whole);
            CHECK(same, "%s %s: q over xn changed the outputs against q k v in work", label, dtype);
            printf("%s %s %s: q over xn with k v in %d head groups, and q k v in work, outputs bit-identical\n",
                   same ? "ok  " : "FAIL", label, dtype, want_groups);
        }
    }
    glance_context_free(ctx);
    glance_model_close(model);
}

/* The process's address space in bytes (/proc/self/statm, first field). */
static long address_space(void)
{
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld", &pages) != 1)
        pages = -1;
    if (f)
        fclose(f);
    return pages < 0 ? -1 : pages * sysconf(_SC_PAGESIZE);
}

static void limit_to(long bytes)
{
    struct rlimit r;
    getrlimit(RLIMIT_AS, &r);
    r.rlim_cur = bytes < 0 ? r.rlim_max : (rlim_t)bytes;
    CHECK(setrlimit(RLIMIT_AS, &r) == 0, "setrlimit");
}

static void check_limits(const GlanceImage *one)
{
    /* Every block of 64 KB or more mapped on its own and unmapped when freed, so the
     * limit meets each such allocation of a pass (instead of free heap left over from
     * an earlier one): glibc's adaptive threshold would move them onto the heap. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024);
    g_autofree char *path = import_checkpoint(GOLDEN_CKPT, "golden", "q8", "memory-limits");
    GlanceModel *model = NULL;
    GlanceError err = { 0 };
    if (!path || glance_model_open(path, &model, &err) != GLANCE_OK) {
        CHECK(0, "q8: %s", err.message);
        return;
    }
    GlanceImage big[BIG];
    for (int i = 0; i < BIG; i++)
        big[i] = one[i % COUNT];
    int dim = glance_model_embed_dim(model);
    float *want = g_new0(float, BIG * dim), *got = g_new0(float, BIG * dim);
    GlanceContext *ctx = NULL;
    if (glance_context_new(model, &ctx, &err) != GLANCE_OK ||
        glance_embed_images(ctx, big, BIG, 0, want, &err) != GLANCE_OK)
        CHECK(0, "reference: %s", err.message);
    glance_context_free(ctx);

    int refused = 0, passed = 0, contexts_refused = 0;
    for (int step = 0; step < LIMIT_STEPS; step++) {
        long margin = 16384L + step * 65536L; /* up to about 6 MB: more than the batch needs */
        /* A context under the limit. */
        ctx = NULL;
        memset(&err, 0, sizeof err);
        limit_to(address_space() + margin);
        GlanceStatus s = glance_context_new(model, &ctx, &err);
        limit_to(-1);
        if (s != GLANCE_OK) {
            CHECK(s == GLANCE_ERR_NOMEM && err.message[0], "context under a limit: status %d, '%s'", s, err.message);
            contexts_refused++;
        }
        glance_context_free(ctx);

        /* A batch that grows a context's buffers, under the limit. The context, its
         * threads and BLAS's buffers are made first, as in an application. */
        ctx = NULL;
        if (glance_context_new(model, &ctx, &err) != GLANCE_OK ||
            glance_embed_image(ctx, &one[0], 0, got, &err) != GLANCE_OK) {
            CHECK(0, "context: %s", err.message);
            glance_context_free(ctx);
            break;
        }
        memset(&err, 0, sizeof err);
        limit_to(address_space() + margin);
        s = glance_embed_images(ctx, big, BIG, 0, got, &err);
        limit_to(-1);
        if (s == GLANCE_OK) {
            CHECK(!memcmp(got, want, (size_t)BIG * dim * sizeof(float)), "margin %ld: vectors differ", margin);
            passed++;
        } else {
            CHECK(s == GLANCE_ERR_NOMEM && err.message[0], "margin %ld: status %d, '%s'", margin, s, err.message);
            refused++;
            /* the failed pass changed nothing the next one relies on */
            CHECK(glance_embed_images(ctx, big, BIG, 0, got, &err) == GLANCE_OK, "after a refusal: %s", err.message);
            CHECK(!memcmp(got, want, (size_t)BIG * dim * sizeof(float)), "after a refusal: vectors differ");
        }
        glance_context_free(ctx);
    }
    printf("%s limits: %d batches refused for memory, %d ran; %d contexts refused\n",
           refused && passed && contexts_refused ? "ok  " : "FAIL", refused, passed, contexts_refused);
    /* the sweep must reach both sides, or it tested nothing */
    CHECK(refused > 0 && passed > 0 && contexts_refused > 0, "the limits never (or always) refused");
    g_free(want);
    g_free(got);
    glance_model_close(model);
}

int main(int argc, char **argv)
{
    const char *checks[] = { "chunks", "limits", "chunks-here", "limits-here" };
    int check = -1;
    for (int i = 0; argc == 2 && i < 4; i++)
        check = !strcmp(argv[1], checks[i]) ? i : check;
    if (check < 0) {
        fprintf(stderr, "usage: test-memory chunks|limits\n");
        return 2;
    }
    if (check < 2) {
        const char *paths[] = { "", "avx512", "avx2", "generic" };
        int failed = 0;
        for (int i = 0; i < 4; i++) {
            g_autofree char *cmd = g_strdup_printf("GLANCE_CPU='%s' '%s' %s-here", paths[i], argv[0], argv[1]);
            printf("GLANCE_CPU=%s: ", paths[i][0] ? paths[i] : "(unset)");
            fflush(stdout);
            failed += !sh(cmd);
        }
        return failed ? 1 : 0;
    }
    guint8 *pixels[COUNT];
    GlanceImage images[COUNT];
    make_pictures(COUNT, pixels, images);
    if (check == 2) {
        const char *dtypes[] = { "q8", "bf16", "f16" };
        for (int i = 0; i < 3; i++)
            check_chunks(GOLDEN_CKPT, "golden", dtypes[i], 2, images);
        /* 4 head groups: the projection over its input, the image and patches outside work. */
        const char *tmp = g_getenv("GLANCE_TEST_TMP");
        g_autofree char *grouped = g_build_filename(tmp ? tmp : ".", "memory-chunks", "grouped.pt", NULL);
        g_autofree char *make = g_strdup_printf("/usr/bin/python3 tests/engine/make-grouped-vqa.py '%s'", grouped);
        g_mkdir_with_parents(tmp ? tmp : ".", 0755);
        if (sh(make))
            for (int i = 0; i < 2; i++)
                check_chunks(grouped, "grouped", dtypes[i], 4, images);
        else
            CHECK(0, "make-grouped-vqa.py failed");
        CHECK(relpos_refusals_checked > 0, "no checkpoint had relative positions: the 65535-token refusal went unchecked");
    } else {
        check_limits(images);
    }
    for (int i = 0; i < COUNT; i++)
        g_free(pixels[i]);
    return check_summary(argv[1]);
}

/* test-arch.c — architecture inference on state dicts made of shapes alone:
 * the official layouts, the relative-position row formula, flags, and the
 * contradictions that must be reported with the tensors' names. */
#include "glance-arch.h"
#include "glance-import-error.h"
#include <stdarg.h>
#include <string.h>

typedef struct {
    int dim, depth, heads, hidden, vlffn_start, patch, image, text_len, vocab;
    int rel_pos, rel_text_len, abs_pos, layer_scale, token_types, answers;
    gboolean pooler, itm, itc, itc_vl, mlm, nlvr2;
} Spec;

/* vlmo-ref-a's shape (../shared/golden/vlmo-ref-a/README.md) */
static const Spec golden = {
    .dim = 96, .depth = 4, .heads = 4, .hidden = 384, .vlffn_start = 2, .patch = 16, .image = 64,
    .text_len = 40, .vocab = 30522, .rel_pos = 1, .rel_text_len = 196, .abs_pos = 0,
    .layer_scale = 1, .token_types = 3, .answers = 3129, .pooler = TRUE, .itm = TRUE, .itc = TRUE,
    .itc_vl = TRUE, .mlm = TRUE, .nlvr2 = TRUE,
};

static void add(GlanceStateDict *sd, const char *name, int ndim, ...)
{
    GlanceSourceTensor *t = g_new0(GlanceSourceTensor, 1);
    t->name = g_strdup(name);
    t->dtype = GLANCE_DTYPE_F32;
    t->ndim = ndim;
    va_list ap;
    va_start(ap, ndim);
    for (int i = 0; i < ndim; i++)
        t->shape[i] = va_arg(ap, int);
    va_end(ap);
    GlanceSourceTensor *old = g_hash_table_lookup(sd->by_name, name);
    if (old) { /* the key is old->name: out of the table before it is freed */
        g_hash_table_remove(sd->by_name, name);
        g_ptr_array_remove(sd->tensors, old);
    }
    g_ptr_array_add(sd->tensors, t);
    g_hash_table_insert(sd->by_name, t->name, t);
}

static void drop(GlanceStateDict *sd, const char *name)
{
    GlanceSourceTensor *t = g_hash_table_lookup(sd->by_name, name);
    g_assert_nonnull(t);
    g_hash_table_remove(sd->by_name, name);
    g_ptr_array_remove(sd->tensors, t);
}

static void free_tensor(gpointer data)
{
    GlanceSourceTensor *t = data;
    g_free(t->name);
    g_free(t);
}

static void build(GlanceStateDict *sd, const Spec *s)
{
    memset(sd, 0, sizeof *sd);
    sd->tensors = g_ptr_array_new_with_free_func(free_tensor);
    sd->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    sd->wrapper = g_strdup("");
    int d = s->dim, h = s->hidden, w = s->image / s->patch;
    if (s->rel_pos)
        add(sd, "relative_position_bias_table", 2, (2 * w - 1) * (2 * w - 1) + 5 + 2 * s->rel_text_len,
            s->heads * s->depth);
    if (s->itc) {
        add(sd, "logit_scale", 0);
        add(sd, "itc_text_proj.fc.weight", 2, d, d);
        add(sd, "itc_image_proj.fc.weight", 2, d, d);
    }
    if (s->itc_vl) {
        add(sd, "logit_vl_scale", 0);
        add(sd, "itc_vl_text_proj.fc.weight", 2, d, d);
        add(sd, "itc_vl_image_proj.fc.weight", 2, d, d);
    }
    add(sd, "transformer.cls_token", 3, 1, 1, d);
    if (s->abs_pos)
        add(sd, "transformer.pos_embed", 3, 1, w * w + 1, d);
    add(sd, "transformer.patch_embed.proj.weight", 4, d, 3, s->patch, s->patch);
    add(sd, "transformer.patch_embed.proj.bias", 1, d);
    for (int i = 0; i < s->depth; i++) {
        char name[128];
#define B(suffix, ...) (g_snprintf(name, sizeof name, "transformer.blocks.%d.%s", i, suffix), add(sd, name, __VA_ARGS__))
        if (s->layer_scale) {
            B("gamma_1", 1, d);
            B("gamma_2", 1, d);
        }
        B("norm1.weight", 1, d); B("norm1.bias", 1, d);
        B("attn.q_bias", 1, d); B("attn.v_bias", 1, d);
        B("attn.qkv.weight", 2, 3 * d, d);
        B("attn.proj.weight", 2, d, d); B("attn.proj.bias", 1, d);
        const char *experts[] = { "text", "imag", "vl" };
        for (int k = 0; k < (i >= s->vlffn_start ? 3 : 2); k++) {
            char suffix[64];
            g_snprintf(suffix, sizeof suffix, "norm2_%s.weight", experts[k]); B(suffix, 1, d);
            g_snprintf(suffix, sizeof suffix, "norm2_%s.bias", experts[k]); B(suffix, 1, d);
            g_snprintf(suffix, sizeof suffix, "mlp_%s.fc1.weight", experts[k]); B(suffix, 2, h, d);
            g_snprintf(suffix, sizeof suffix, "mlp_%s.fc1.bias", experts[k]); B(suffix, 1, h);
            g_snprintf(suffix, sizeof suffix, "mlp_%s.fc2.weight", experts[k]); B(suffix, 2, d, h);
            g_snprintf(suffix, sizeof suffix, "mlp_%s.fc2.bias", experts[k]); B(suffix, 1, d);
        }
#undef B
    }
    add(sd, "transformer.norm.weight", 1, d);
    add(sd, "transformer.norm.bias", 1, d);
    add(sd, "text_embeddings.position_ids", 2, 1, s->text_len);
    add(sd, "text_embeddings.word_embeddings.weight", 2, s->vocab, d);
    add(sd, "text_embeddings.position_embeddings.weight", 2, s->text_len, d);
    add(sd, "text_embeddings.token_type_embeddings.weight", 2, 2, d);
    add(sd, "text_embeddings.LayerNorm.weight", 1, d);
    add(sd, "text_embeddings.LayerNorm.bias", 1, d);
    add(sd, "token_type_embeddings.weight", 2, s->token_types, d);
    if (s->pooler) {
        add(sd, "pooler.dense.weight", 2, d, d);
        add(sd, "pooler.dense.bias", 1, d);
    }
    if (s->mlm) {
        add(sd, "mlm_score.bias", 1, s->vocab);
        add(sd, "mlm_score.transform.dense.weight", 2, d, d);
        add(sd, "mlm_score.transform.dense.bias", 1, d);
        add(sd, "mlm_score.transform.LayerNorm.weight", 1, d);
        add(sd, "mlm_score.transform.LayerNorm.bias", 1, d);
        add(sd, "mlm_score.decoder.weight", 2, s->vocab, d);
    }
    if (s->itm) {
        add(sd, "itm_score.fc.weight", 2, 2, d);
        add(sd, "itm_score.fc.bias", 1, 2);
    }
    if (s->answers) {
        add(sd, "vqa_classifier.0.weight", 2, 2 * d, d);
        add(sd, "vqa_classifier.0.bias", 1, 2 * d);
        add(sd, "vqa_classifier.1.weight", 1, 2 * d);
        add(sd, "vqa_classifier.1.bias", 1, 2 * d);
        add(sd, "vqa_classifier.3.weight", 2, s->answers, 2 * d);
        add(sd, "vqa_classifier.3.bias", 1, s->answers);
    }
    if (s->nlvr2) {
        add(sd, "nlvr2_classifier.0.weight", 2, 2 * d, 2 * d);
        add(sd, "nlvr2_classifier.0.bias", 1, 2 * d);
        add(sd, "nlvr2_classifier.1.weight", 1, 2 * d);
        add(sd, "nlvr2_classifier.1.bias", 1, 2 * d);
        add(sd, "nlvr2_classifier.3.weight", 2, 2, 2 * d);
        add(sd, "nlvr2_classifier.3.bias", 1, 2);
    }
}

static void infer_ok(const GlanceStateDict *sd, const GlanceArchOverrides *ov, GlanceArch *arch)
{
    g_autoptr(GError) error = NULL;
    if (!glance_arch_infer(sd, ov, arch, &error))
        g_error("inference failed: %s", error->message);
}

/* Inference fails with `code`, and the message contains every fragment. */
static void infer_fails(const GlanceStateDict *sd, const GlanceArchOverrides *ov, GlanceImportError code,
                        ...)
{
    GlanceArch arch;
    g_autoptr(GError) error = NULL;
    g_assert_false(glance_arch_infer(sd, ov, &arch, &error));
    if (!g_error_matches(error, GLANCE_IMPORT_ERROR, (gint)code))
        g_error("expected error code %d, got: %s", code, error ? error->message : "none");
    va_list ap;
    va_start(ap, code);
    for (const char *fragment; (fragment = va_arg(ap, const char *));)
        if (!strstr(error->message, fragment))
            g_error("'%s' does not mention '%s'", error->message, fragment);
    va_end(ap);
}

static void test_golden_layout(void)
{
    GlanceStateDict sd;
    build(&sd, &golden);
    GlanceArch arch;
    infer_ok(&sd, NULL, &arch);
    const GlanceConfig *c = &arch.config;
    g_assert_cmpint(c->dim, ==, 96);
    g_assert_cmpint(c->depth, ==, 4);
    g_assert_cmpint(c->heads, ==, 4);
    g_assert_cmpint(c->mlp_hidden, ==, 384);
    g_assert_cmpint(c->vlffn_start, ==, 2);
    g_assert_cmpint(c->patch_size, ==, 16);
    g_assert_cmpint(c->image_size, ==, 64);
    g_assert_cmpint(c->max_text_len, ==, 40);
    g_assert_cmpint(c->vocab_size, ==, 30522);
    g_assert_true(c->rel_pos && !c->abs_pos && c->layer_scale);
    g_assert_cmpint(c->rel_pos_text_len, ==, 196);
    g_assert_cmpint(c->token_types, ==, 3);
    g_assert_cmpint(c->num_answers, ==, 3129);
    g_assert_true(c->has_pooler && c->has_itm && c->has_itc && c->has_itc_vl && c->has_mlm &&
                  c->has_vqa && c->has_nlvr2);
    /* 137 keys in the checkpoint less the position_ids buffer */
    g_assert_cmpuint(arch.plan->len, ==, sd.tensors->len - 1);
    g_assert_cmpuint(arch.n_unused, ==, 1);
    /* 446 rows: the README's table for a 4x4 grid beside a 196-token text table */
    const GlanceTensorPlan *first = g_ptr_array_index(arch.plan, 0);
    g_assert_cmpstr(first->name, ==, "relative_position_bias_table");
    g_assert_cmpint(first->view.shape[0], ==, 446);
    /* 0-d logit scales become [1] */
    const GlanceTensorPlan *scale = g_ptr_array_index(arch.plan, 1);
    g_assert_cmpstr(scale->name, ==, "logit_scale");
    g_assert_cmpint(scale->view.ndim, ==, 1);
    g_assert_cmpint(scale->view.shape[0], ==, 1);
    glance_arch_clear(&arch);
    glance_state_dict_clear(&sd);
}

static void test_official_base_sizes(void)
{
    /* vlmo_base_patch16 at 480 px (VQA fine-tuning): 30x30 patches, 12 heads */
    Spec base = { .dim = 768, .depth = 12, .heads = 12, .hidden = 3072, .vlffn_start = 10, .patch = 16,
                  .image = 480, .text_len = 40, .vocab = 30522, .rel_pos = 1, .rel_text_len = 196,
                  .layer_scale = 1, .token_types = 2, .answers = 3129, .pooler = TRUE };
    GlanceStateDict sd;
    build(&sd, &base);
    GlanceArch arch;
    infer_ok(&sd, NULL, &arch);
    g_assert_cmpint(arch.config.image_size, ==, 480);
    g_assert_cmpint(arch.config.heads, ==, 12);
    g_assert_false(arch.config.has_nlvr2 || arch.config.has_mlm || arch.config.has_itc);
    glance_arch_clear(&arch);
    glance_state_dict_clear(&sd);
}

static void test_base_plus_abs_pos(void)
{
    /* vlmo_base_plus: dim 544, 16 heads of 34, absolute positions, no layer scale */
    Spec plus = { .dim = 544, .depth = 3, .hidden = 2176, .vlffn_start = 2, .patch = 16, .image = 224,
                  .text_len = 40, .vocab = 100, .abs_pos = 1, .token_types = 2, .itc = TRUE };
    GlanceStateDict sd;
    build(&sd, &plus);
    GlanceArch arch;
    infer_ok(&sd, NULL, &arch);
    g_assert_cmpint(arch.config.heads, ==, 16);
    g_assert_cmpint(arch.config.image_size, ==, 224);
    g_assert_true(arch.config.abs_pos && !arch.config.rel_pos && !arch.config.layer_scale);
    g_assert_cmpint(arch.config.rel_pos_text_len, ==, 0);
    glance_arch_clear(&arch);
    /* --image-size must agree with pos_embed */
    GlanceArchOverrides wrong_size = { .image_size = 384 };
    infer_fails(&sd, &wrong_size, GLANCE_IMPORT_ERROR_SHAPE, "--image-size 384", "transformer.pos_embed", NULL);
    glance_state_dict_clear(&sd);

    /* a width no head count is known for needs --heads */
    plus.dim = 48;
    plus.hidden = 96;
    build(&sd, &plus);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_INVALID, "--heads", NULL);
    GlanceArchOverrides heads = { .heads = 3 };
    infer_ok(&sd, &heads, &arch);
    g_assert_cmpint(arch.config.heads, ==, 3);
    glance_arch_clear(&arch);
    GlanceArchOverrides bad_heads = { .heads = 5 };
    infer_fails(&sd, &bad_heads, GLANCE_IMPORT_ERROR_SHAPE, "5 heads", "dim 48", NULL);
    glance_state_dict_clear(&sd);
}

static void test_rel_pos_rows_and_image_flag(void)
{
    /* A table built with a 64-token text half: rows = 3^2 + 5 + 128 = 142 for 32 px / 16 px. */
    Spec small = golden;
    small.image = 32;
    small.rel_text_len = 64;
    GlanceStateDict sd;
    build(&sd, &small);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "relative_position_bias_table", "142 rows",
                "--image-size", NULL);
    GlanceArchOverrides size = { .image_size = 32 };
    GlanceArch arch;
    infer_ok(&sd, &size, &arch);
    g_assert_cmpint(arch.config.image_size, ==, 32);
    g_assert_cmpint(arch.config.rel_pos_text_len, ==, 64);
    glance_arch_clear(&arch);
    GlanceArchOverrides odd = { .image_size = 40 };
    infer_fails(&sd, &odd, GLANCE_IMPORT_ERROR_INVALID, "multiple of the patch size", NULL);
    GlanceArchOverrides too_big = { .image_size = 112 };
    infer_fails(&sd, &too_big, GLANCE_IMPORT_ERROR_SHAPE, "142 rows", "7x7 patch grid", NULL);
    /* 80 px fits the rows too (5x5 patches), but leaves a 28-token text half,
     * fewer than the 40 text positions */
    GlanceArchOverrides short_text = { .image_size = 80 };
    infer_fails(&sd, &short_text, GLANCE_IMPORT_ERROR_SHAPE, "max_text_len 40", "28 text positions", NULL);
    glance_state_dict_clear(&sd);
}

static void test_heads_flag_against_table(void)
{
    GlanceStateDict sd;
    build(&sd, &golden);
    GlanceArchOverrides same = { .heads = 4 };
    GlanceArch arch;
    infer_ok(&sd, &same, &arch);
    glance_arch_clear(&arch);
    GlanceArchOverrides other = { .heads = 8 };
    infer_fails(&sd, &other, GLANCE_IMPORT_ERROR_SHAPE, "--heads 8", "relative_position_bias_table", NULL);
    /* columns that are not heads x depth */
    add(&sd, "relative_position_bias_table", 2, 446, 18);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "18 columns", "4 blocks", NULL);
    glance_state_dict_clear(&sd);
}

static void test_text_len_flag(void)
{
    GlanceStateDict sd;
    build(&sd, &golden);
    GlanceArchOverrides shorter = { .max_text_len = 32 };
    GlanceArch arch;
    infer_ok(&sd, &shorter, &arch);
    g_assert_cmpint(arch.config.max_text_len, ==, 32);
    for (guint i = 0; i < arch.plan->len; i++) {
        const GlanceTensorPlan *p = g_ptr_array_index(arch.plan, i);
        if (!strcmp(p->name, "text_embeddings.position_embeddings.weight")) {
            g_assert_cmpint(p->view.shape[0], ==, 32); /* the first 32 of 40 rows */
            g_assert_cmpint(p->view.source->shape[0], ==, 40);
        }
    }
    glance_arch_clear(&arch);
    GlanceArchOverrides longer = { .max_text_len = 41 };
    infer_fails(&sd, &longer, GLANCE_IMPORT_ERROR_SHAPE, "--max-text-len 41",
                "text_embeddings.position_embeddings.weight", NULL);
    GlanceArchOverrides negative = { .max_text_len = -1 };
    infer_fails(&sd, &negative, GLANCE_IMPORT_ERROR_INVALID, "positive", NULL);
    glance_state_dict_clear(&sd);
}

static void test_contradictions_name_both_tensors(void)
{
    GlanceStateDict sd;
    build(&sd, &golden);
    add(&sd, "transformer.blocks.3.mlp_vl.fc1.weight", 2, 512, 96);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "transformer.blocks.3.mlp_vl.fc1.weight",
                "[512, 96]", "[384, 96]", "transformer.blocks.0.mlp_text.fc1.weight", NULL);
    glance_state_dict_clear(&sd);

    build(&sd, &golden);
    add(&sd, "transformer.patch_embed.proj.weight", 4, 64, 3, 16, 16);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "transformer.patch_embed.proj.weight",
                "text_embeddings.word_embeddings.weight", NULL);
    glance_state_dict_clear(&sd);

    build(&sd, &golden);
    add(&sd, "mlm_score.decoder.weight", 2, 30000, 96);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "mlm_score.decoder.weight", "vocabulary 30522", NULL);
    glance_state_dict_clear(&sd);

    build(&sd, &golden);
    add(&sd, "token_type_embeddings.weight", 2, 2, 96);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "NLVR2", "token_type_embeddings.weight", NULL);
    glance_state_dict_clear(&sd);
}

static void test_incomplete_and_foreign(void)
{
    GlanceStateDict sd;
    /* a ResNet-like state dict */
    memset(&sd, 0, sizeof sd);
    sd.tensors = g_ptr_array_new_with_free_func(free_tensor);
    sd.by_name = g_hash_table_new(g_str_hash, g_str_equal);
    add(&sd, "conv1.weight", 4, 64, 3, 7, 7);
    add(&sd, "fc.weight", 2, 1000, 512);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_NOT_VLMO, "not a VLMo checkpoint",
                "transformer.patch_embed.proj.weight", "conv1.weight", NULL);
    glance_state_dict_clear(&sd);

    build(&sd, &golden);
    drop(&sd, "vqa_classifier.3.bias");
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_NOT_VLMO, "vqa_classifier.3.bias", "missing", NULL);
    glance_state_dict_clear(&sd);

    build(&sd, &golden);
    drop(&sd, "transformer.blocks.1.norm2_imag.bias");
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_NOT_VLMO, "transformer.blocks.1.norm2_imag.bias", NULL);
    glance_state_dict_clear(&sd);

    /* a block past a gap */
    build(&sd, &golden);
    drop(&sd, "transformer.blocks.2.attn.qkv.weight");
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "transformer.blocks.2.attn.qkv.weight", NULL);
    glance_state_dict_clear(&sd);

    /* a VL-FFN fragment below vlffn_start */
    build(&sd, &golden);
    add(&sd, "transformer.blocks.1.norm2_vl.weight", 1, 96);
    infer_fails(&sd, NULL, GLANCE_IMPORT_ERROR_SHAPE, "block 1", "partial VL-FFN", NULL);
    glance_state_dict_clear(&sd);
}

static void test_no_vl_ffn(void)
{
    Spec spec = golden;
    spec.vlffn_start = spec.depth; /* text-only pre-training layout */
    spec.itc_vl = FALSE;
    GlanceStateDict sd;
    build(&sd, &spec);
    GlanceArch arch;
    infer_ok(&sd, NULL, &arch);
    g_assert_cmpint(arch.config.vlffn_start, ==, 4);
    g_assert_false(arch.config.has_itc_vl);
    glance_arch_clear(&arch);
    glance_state_dict_clear(&sd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arch/golden-layout", test_golden_layout);
    g_test_add_func("/arch/official-base-sizes", test_official_base_sizes);
    g_test_add_func("/arch/base-plus-abs-pos", test_base_plus_abs_pos);
    g_test_add_func("/arch/rel-pos-rows-and-image-flag", test_rel_pos_rows_and_image_flag);
    g_test_add_func("/arch/heads-flag-against-table", test_heads_flag_against_table);
    g_test_add_func("/arch/text-len-flag", test_text_len_flag);
    g_test_add_func("/arch/contradictions-name-both-tensors", test_contradictions_name_both_tensors);
    g_test_add_func("/arch/incomplete-and-foreign", test_incomplete_and_foreign);
    g_test_add_func("/arch/no-vl-ffn", test_no_vl_ffn);
    return g_test_run();
}

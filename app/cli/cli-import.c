/* cli-import.c — `glance-cli import`: an official VLMo checkpoint to a Glance
 * model file. All the work is glance_import_checkpoint() in app/import/. */
#include "cli-commands.h"
#include "cli-common.h"
#include "glance-import.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show_progress(double fraction, const char *stage, gpointer user_data)
{
    (void)user_data;
    /* One self-overwriting line, only on a terminal: scripts see only errors on stderr. */
    fprintf(stderr, "\r%3d%%  %-60.60s", (int)(fraction * 100.0 + 0.5), stage);
    if (fraction >= 1.0)
        fprintf(stderr, "\r%-66s\r", "");
    fflush(stderr);
}

static void print_human(const GlanceImportReport *report, const char *output, const char *dtype)
{
    const GlanceConfig *c = &report->config;
    GString *heads = g_string_new(NULL);
    for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++)
        if (glance_config_has_head(c, h))
            g_string_append_printf(heads, "%s%s", heads->len ? ", " : "", glance_head_name(h));
    printf("Imported %s -> %s (%s, %.1f MB)\n", report->name, output, dtype,
           (double)report->file_size / 1e6);
    printf("  dim %d, depth %d, heads %d, mlp %d, VL-FFN from block %d\n", c->dim, c->depth, c->heads,
           c->mlp_hidden, c->vlffn_start);
    printf("  image %d px in %d px patches, %s positions%s\n", c->image_size, c->patch_size,
           c->rel_pos ? "relative" : "absolute", c->layer_scale ? ", layer scale" : "");
    printf("  text up to %d tokens, vocabulary %d, %d token types\n", c->max_text_len, c->vocab_size,
           c->token_types);
    printf("  heads: %s", heads->len ? heads->str : "none");
    if (c->has_vqa)
        printf(" (%d answers)", c->num_answers);
    printf("\n  %u tensors written; state-dict entries left out: %u\n", report->n_tensors,
           report->n_ignored);
    g_string_free(heads, TRUE);
}

static void print_json(const GlanceImportReport *report, const char *output, const char *dtype)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "output");
    json_builder_add_string_value(b, output);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, report->name);
    json_builder_set_member_name(b, "dtype");
    json_builder_add_string_value(b, dtype);
    json_builder_set_member_name(b, "source");
    json_builder_add_string_value(b, report->wrapper[0] ? report->wrapper : "plain");
    json_builder_set_member_name(b, "tensors");
    json_builder_add_int_value(b, report->n_tensors);
    json_builder_set_member_name(b, "ignored");
    json_builder_add_int_value(b, report->n_ignored);
    json_builder_set_member_name(b, "bytes");
    json_builder_add_int_value(b, (gint64)report->file_size);
    json_builder_set_member_name(b, "config");
    g_autofree char *config = glance_import_config_json(&report->config);
    json_builder_add_value(b, json_from_string(config, NULL));
    json_builder_end_object(b);
    cli_print_json(b);
}

int cli_import(int argc, char **argv)
{
    g_autofree char *vocab = NULL, *answers = NULL, *name = NULL, *output = NULL, *dtype = NULL;
    int heads = 0, image_size = 0, max_text_len = 0;
    GOptionEntry entries[] = {
        { "vocab", 0, 0, G_OPTION_ARG_FILENAME, &vocab, "WordPiece vocabulary, one piece per line", "FILE" },
        { "answers", 0, 0, G_OPTION_ARG_FILENAME, &answers, "VQA answers in label order (VQA heads)", "FILE" },
        { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Model name (default: the checkpoint's file name)", "NAME" },
        { "heads", 0, 0, G_OPTION_ARG_INT, &heads, "Attention heads (default: inferred)", "N" },
        { "image-size", 0, 0, G_OPTION_ARG_INT, &image_size, "Input image side (default: inferred)", "N" },
        { "max-text-len", 0, 0, G_OPTION_ARG_INT, &max_text_len, "Text tokens (default: inferred)", "N" },
        { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype, "Stored precision: f32 (default), f16, or for the big layers q8 or bf16",
          "f32|f16|q8|bf16" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Model file to write", "OUT.safetensors" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &cli_json, "Print one JSON object on stdout", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new("CKPT.pt");
    g_option_context_set_summary(context, "Convert an official VLMo PyTorch checkpoint into a Glance "
                                          "model file, without Python. The architecture is inferred "
                                          "from the tensor shapes; the flags override it.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!cli_parse(context, &argc, &argv))
        return 2;
    if (argc != 2)
        return cli_usage(argc < 2 ? "import: which checkpoint? (glance-cli import CKPT.pt --vocab "
                                   "VOCAB.txt -o OUT.safetensors)"
                                 : "import: one checkpoint at a time");
    if (!vocab)
        return cli_usage("import: --vocab VOCAB.txt is required");
    if (!output)
        return cli_usage("import: -o OUT.safetensors is required");
    if (heads < 0 || image_size < 0 || max_text_len < 0)
        return cli_usage("import: --heads, --image-size and --max-text-len must be positive");
    static const struct { const char *name; GlanceImportDtype dtype; } dtypes[] = {
        { "f32", GLANCE_IMPORT_DTYPE_F32 }, { "f16", GLANCE_IMPORT_DTYPE_F16 },
        { "q8", GLANCE_IMPORT_DTYPE_Q8 }, { "bf16", GLANCE_IMPORT_DTYPE_BF16 },
    };
    int chosen = dtype ? -1 : 0;
    for (guint i = 0; dtype && i < G_N_ELEMENTS(dtypes); i++)
        if (!strcmp(dtype, dtypes[i].name))
            chosen = (int)i;
    if (chosen < 0)
        return cli_usage("import: --dtype must be f32, f16, q8 or bf16, not '%s'", dtype);

    GlanceImportOptions opts;
    glance_import_options_init(&opts);
    opts.checkpoint_path = argv[1];
    opts.vocab_path = vocab;
    opts.answers_path = answers;
    opts.output_path = output;
    opts.name = name;
    opts.heads = heads;
    opts.image_size = image_size;
    opts.max_text_len = max_text_len;
    opts.dtype = dtypes[chosen].dtype;
    if (isatty(STDERR_FILENO))
        opts.progress = show_progress;

    GlanceImportReport report;
    GError *error = NULL;
    if (!glance_import_checkpoint(&opts, &report, NULL, &error)) {
        if (opts.progress)
            fprintf(stderr, "\r%-66s\r", "");
        return cli_fail_error(error);
    }
    const char *dtype_name = dtypes[chosen].name;
    if (cli_json)
        print_json(&report, output, dtype_name);
    else
        print_human(&report, output, dtype_name);
    glance_import_report_clear(&report);
    return 0;
}

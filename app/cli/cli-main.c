/* cli-main.c — glance-cli: dispatches to one function per command. */
#include "config.h"
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "cli-commands.h"

static const CliCommand commands[] = {
    { "info", cli_info, "describe a model file" },
    { "ask", cli_ask, "answer a question about an image (VQA)" },
    { "compare", cli_compare, "judge a statement about two images (NLVR2)" },
    { "match", cli_match, "does this text describe this image? (ITM)" },
    { "embed", cli_embed, "dual-encoder vectors of images and texts" },
    { "import", cli_import, "convert an official VLMo checkpoint to a Glance model" },
    { "eval", cli_eval, "accuracy on a VQA, NLVR2 or retrieval set (JSONL)" },
    { "models", cli_models, "the model catalogue; get, remove installed models, choose defaults" },
    { "index", cli_index, "add photo folders to the library, or update it" },
    { "search", cli_search, "find photos in the library by text or example image" },
    { "bench", cli_bench, "throughput figures (engine passes, search)" },
};

static int usage(FILE *out)
{
    fprintf(out, "Usage: glance-cli COMMAND [OPTIONS...]\n\nCommands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'glance-cli COMMAND --help' for a command's options.\n");
    return out == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* JSON and numbers are always written with '.' decimals. */
    setlocale(LC_NUMERIC, "C");
    if (argc < 2)
        return usage(stderr);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return usage(stdout);
    if (!strcmp(argv[1], "--version")) {
        printf("glance-cli %s\n", GLANCE_VERSION);
        return 0;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        if (!strcmp(argv[1], commands[i].name)) {
            /* Usage lines and --help name the command: "glance-cli ask [OPTION…] …". */
            g_autofree char *prgname = g_strdup_printf("glance-cli %s", commands[i].name);
            g_set_prgname(prgname);
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "glance-cli: unknown command '%s' (try 'glance-cli --help')\n", argv[1]);
    return 2;
}

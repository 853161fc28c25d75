/* cli-commands.h — one entry point per glance-cli command, each in its own cli-<name>.c. */
#ifndef GLANCE_CLI_COMMANDS_H
#define GLANCE_CLI_COMMANDS_H

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
    const char *summary;
} CliCommand;

int cli_info(int argc, char **argv);
int cli_ask(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_match(int argc, char **argv);
int cli_embed(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_models(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_index(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_bench_search(int argc, char **argv);   /* `bench search`, in cli-bench-search.c */
#endif

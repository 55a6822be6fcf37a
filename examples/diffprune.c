/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line; later issues add the
   scheduler, pruner, exporter and interpreter subcommands.

   Build:  cc -O2 -o diffprune examples/diffprune.c -lm   (make builds build/diffprune) */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: diffprune <command> [options]\n"
        "\n"
        "Fit convolutional networks onto microcontrollers: train, prune to\n"
        "budgets on peak memory, model size and MACs, quantise to int8, run.\n"
        "\n"
        "commands:\n"
        "  version        print the library version\n"
        "  ops            list the layer kinds a graph can hold\n"
        "  --help, help   this text\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("diffprune %s\n", DP_VERSION_STRING);
        return 0;
    }
    if (!strcmp(argv[1], "ops")) {
        int i;
        for (i = 0; i < DP_OP_COUNT; i++) printf("%d %s\n", i, dp_op_name(i));
        return 0;
    }
    fprintf(stderr, "diffprune: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}

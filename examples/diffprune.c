/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line: the paper's backbones and
   their resources (zoo, report), the exact peak-memory scheduler on a text
   graph (sched).

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
        "  zoo            CSV of the unpruned Table 3 backbones: size, MACs, PMU\n"
        "  report NAME    per-op table of a zoo backbone (working set, MACs,\n"
        "                 parameter bytes, bottleneck), like the paper's Fig. 8\n"
        "  sched FILE     exact peak memory and execution order of a text graph:\n"
        "                   input <name> <bytes>\n"
        "                   op <name> <bytes> <input-name>...\n"
        "                   add <name> <bytes> <input-name>...   (may run in place)\n"
        "                 '#' starts a comment; a tensor no op reads is an output\n"
        "  --help, help   this text\n");
}

static int cmd_zoo(void)
{
    int i;
    const char *n;
    printf("name,size_bytes,macs,pmu_exact,pmu_imprecise,pmu_definition_order,arena_bytes\n");
    for (i = 0; (n = dp_zoo_name(i)) != NULL; i++) {
        dp_graph *g = dp_graph_new(1);
        dp_resources r;
        int st = dp_build_zoo(g, n);
        if (st >= 0) st = dp_graph_resources(g, NULL, &r, NULL, 0, NULL);
        if (st < 0) { fprintf(stderr, "diffprune: %s: %s\n", n, dp_graph_error(g)); dp_graph_free(g); return 1; }
        printf("%s,%lld,%lld,%lld,%lld,%lld,%lld\n", n, (long long)r.size_bytes, (long long)r.macs,
               (long long)r.pmu_exact, (long long)r.pmu_imprecise, (long long)r.pmu_definition_order,
               (long long)r.arena_bytes);
        dp_graph_free(g);
    }
    return 0;
}

static int cmd_report(const char *name)
{
    dp_graph *g = dp_graph_new(1);
    int st = dp_build_zoo(g, name);
    if (st == DP_ERR_ARG && dp_graph_status(g) == DP_OK) {
        int i;
        fprintf(stderr, "diffprune: unknown backbone '%s'; one of:", name);
        for (i = 0; dp_zoo_name(i); i++) fprintf(stderr, " %s", dp_zoo_name(i));
        fputc('\n', stderr);
        dp_graph_free(g);
        return 2;
    }
    if (st >= 0) st = dp_graph_print_resources(g, NULL, stdout);
    if (st < 0) fprintf(stderr, "diffprune: %s\n", dp_graph_error(g));
    dp_graph_free(g);
    return st < 0 ? 1 : 0;
}

static int cmd_sched(const char *path)
{
    unsigned char *text;
    size_t n;
    char err[256];
    dp_sched_graph sg;
    dp_sched_result r;
    int st;
    if ((st = dp_read_file(path, 0, &text, &n, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "diffprune: %s\n", err);
        return 1;
    }
    st = dp_sched_parse_text((const char *)text, n, &sg, err, sizeof err);
    free(text);
    if (st != DP_OK) { fprintf(stderr, "diffprune: %s: %s\n", path, err); return 1; }
    st = dp_sched_plan(&sg, NULL, &r);
    if (st != DP_OK && st != DP_ERR_LIMIT) {
        fprintf(stderr, "diffprune: %s: %s\n", path, r.error);
        dp_sched_result_free(&r); dp_sched_graph_free(&sg);
        return 1;
    }
    if (st == DP_ERR_LIMIT) fprintf(stderr, "diffprune: %s: %s (peak_exact is the best order found)\n", path, r.error);
    dp_sched_print_report(stdout, &sg, &r);
    dp_sched_result_free(&r);
    dp_sched_graph_free(&sg);
    return 0;
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
    if (!strcmp(argv[1], "zoo")) return cmd_zoo();
    if (!strcmp(argv[1], "report") && argc == 3) return cmd_report(argv[2]);
    if (!strcmp(argv[1], "sched") && argc == 3) return cmd_sched(argv[2]);
    fprintf(stderr, "diffprune: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}

/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line: the paper's backbones and
   their resources (zoo, report), the exact peak-memory scheduler on a text
   graph (sched).

   Build:  cc -O2 -o diffprune examples/diffprune.c -lm   (make builds build/diffprune) */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

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
        "  example-model -o FILE   write a small int8 model (fixed seed; conv, depthwise,\n"
        "                 residual Add, pooling) without any dataset\n"
        "  info FILE      ops, arena bytes, model bytes and MACs of a .dpm model\n"
        "  run FILE INPUT run one input (raw int8 bytes of the input tensor) and\n"
        "                 print the int8 output vector\n"
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

/* The example model: a fixed-seed CNN with a residual Add, a depthwise conv
   and pooling, batch-norm statistics set as if trained, calibrated on
   seeded random inputs. */
static int build_example(dp_graph *g)
{
    int x = dp_input(g, "input", 16, 16, 1), y, i;
    dp_node_info bn;
    x = dp_conv_bn_act(g, "conv1", x, 8, 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool1", x, 2, 2, NULL);
    y = dp_conv_bn_act(g, "expand", x, 16, 1, 1, 1, DP_ACT_RELU6);
    y = dp_conv_bn_act(g, "dw", y, 16, 3, 1, 16, DP_ACT_RELU6);
    y = dp_conv_bn_act(g, "project", y, 8, 1, 1, 1, DP_ACT_NONE);
    x = dp_add2(g, "residual", y, x);
    x = dp_conv_bn_act(g, "conv2", x, 12, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 10);
    dp_softmax_ce(g, "loss", x);
    for (i = 0; i < dp_graph_n_nodes(g); i++)   /* plausible "trained" statistics */
        if (dp_graph_node(g, i, &bn) == DP_OK && bn.running_var) {
            int c;
            for (c = 0; c < bn.c; c++) { bn.running_mean[c] = 0.05f * (float)(c % 5); bn.running_var[c] = 0.5f + 0.1f * (float)(c % 7); }
        }
    return dp_graph_status(g);
}

static int cmd_example_model(const char *path)
{
    dp_graph *g = dp_graph_new(2026);
    float *calib = (float *)malloc(sizeof(float) * 64 * 256);
    dp_rng r;
    void *blob = NULL;
    size_t len = 0;
    dp_export_info info;
    char err[256];
    int i, st;
    if (!calib || build_example(g) != DP_OK) { fprintf(stderr, "diffprune: %s\n", dp_graph_error(g)); return 1; }
    dp_rng_seed(&r, 7);
    for (i = 0; i < 64 * 256; i++) calib[i] = dp_rng_uniform(&r);
    st = dp_export(g, calib, 64, &blob, &len, &info, err, sizeof err);
    if (st == DP_OK) st = dp_model_save(path, blob, len);
    if (st != DP_OK) fprintf(stderr, "diffprune: %s\n", err[0] ? err : dp_status_str(st));
    else printf("wrote %s: %lu bytes, %d ops, arena %lld bytes (pmu %lld)\n", path, (unsigned long)len, info.n_ops,
                (long long)info.arena_bytes, (long long)info.pmu);
    free(blob); free(calib);
    dp_graph_free(g);
    return st == DP_OK ? 0 : 1;
}

/* Loads a .dpm file into a 4-aligned buffer and validates it. */
static int load_model(const char *path, dp_model *m, unsigned char **buf)
{
    size_t n;
    char err[256];
    int st = dp_read_file(path, 0, buf, &n, err, sizeof err);
    if (st != DP_OK) { fprintf(stderr, "diffprune: %s\n", err); return 1; }
    st = dp_model_init(m, *buf, n);
    if (st != DP_OK) {
        fprintf(stderr, "diffprune: %s: not a valid model (%s: %s", path, dp_status_str(st), m->why ? m->why : "?");
        if (m->where >= 0) fprintf(stderr, ", at %d", (int)m->where);
        fprintf(stderr, ")\n");
        free(*buf); *buf = NULL;
        return 1;
    }
    return 0;
}

static int cmd_info(const char *path)
{
    dp_model m;
    unsigned char *buf;
    dp_tensor_info ti, to;
    int i;
    if (load_model(path, &m, &buf)) return 1;
    printf("%-4s %-8s %-12s %-12s %10s %10s %s\n", "op", "kind", "input", "output", "MACs", "param_B", "clamp");
    for (i = 0; i < dp_model_n_ops(&m); i++) {
        dp_mop_info oi;
        char a[32], b[32];
        dp_model_op(&m, i, &oi);
        snprintf(a, sizeof a, "%dx%dx%d", (int)oi.in_shape.h, (int)oi.in_shape.w, (int)oi.in_shape.c);
        snprintf(b, sizeof b, "%dx%dx%d", (int)oi.out_shape.h, (int)oi.out_shape.w, (int)oi.out_shape.c);
        printf("%-4d %-8s %-12s %-12s %10llu %10u [%d,%d]\n", i, oi.name, a, b, (unsigned long long)oi.macs,
               (unsigned)oi.param_bytes, (int)oi.act_min, (int)oi.act_max);
    }
    dp_model_tensor(&m, (int)m.input, &ti);
    dp_model_tensor(&m, (int)m.output, &to);
    printf("model: ops=%d arena=%lu model_bytes=%lu macs=%llu input_bytes=%u output_bytes=%u\n",
           dp_model_n_ops(&m), (unsigned long)dp_model_arena_size(&m), (unsigned long)m.len,
           (unsigned long long)dp_model_macs(&m), (unsigned)ti.bytes, (unsigned)to.bytes);
    free(buf);
    return 0;
}

static int cmd_run(const char *path, const char *input)
{
    dp_model m;
    unsigned char *buf, *in;
    size_t n, i;
    char err[256];
    dp_tensor_info ti, to;
    void *arena;
    int8_t *x, *y;
    int st;
    if (load_model(path, &m, &buf)) return 1;
    if (dp_read_file(input, 0, &in, &n, err, sizeof err) != DP_OK) { fprintf(stderr, "diffprune: %s\n", err); free(buf); return 1; }
    arena = calloc(dp_model_arena_size(&m) + 1, 1);
    x = dp_model_input(&m, arena, &ti);
    if (!arena || !x || n != ti.bytes) {
        fprintf(stderr, "diffprune: %s is %lu bytes; the model's input is %dx%dx%d = %u int8 bytes\n", input,
                (unsigned long)n, (int)ti.shape.h, (int)ti.shape.w, (int)ti.shape.c, (unsigned)ti.bytes);
        free(buf); free(in); free(arena);
        return 1;
    }
    memcpy(x, in, n);
    st = dp_model_run(&m, arena, dp_model_arena_size(&m));
    if (st != DP_OK) { fprintf(stderr, "diffprune: run failed: %s\n", dp_status_str(st)); free(buf); free(in); free(arena); return 1; }
    y = dp_model_output(&m, arena, &to);
    for (i = 0; i < to.bytes; i++) printf("%s%d", i ? " " : "", (int)y[i]);
    printf("\nargmax: %d\n", dp_model_output_argmax(&m, arena));
    free(buf); free(in); free(arena);
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
    if (!strcmp(argv[1], "example-model") && argc == 4 && !strcmp(argv[2], "-o")) return cmd_example_model(argv[3]);
    if (!strcmp(argv[1], "info") && argc == 3) return cmd_info(argv[2]);
    if (!strcmp(argv[1], "run") && argc == 4) return cmd_run(argv[2], argv[3]);
    if (!strcmp(argv[1], "report") && argc == 3) return cmd_report(argv[2]);
    if (!strcmp(argv[1], "sched") && argc == 3) return cmd_sched(argv[2]);
    fprintf(stderr, "diffprune: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}

/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line: the paper's backbones and
   their resources (zoo, report), the exact peak-memory scheduler on a text
   graph (sched), and differentiable pruning while training on Fashion-MNIST
   toward budgets on peak memory, model size and MACs, then int8 (prune);
   TensorFlow Lite models imported to .dpm (import), scheduled (sched),
   described (info) and run (run) like .dpm models, and .dpm models
   exported as TensorFlow Lite for TFLM (export, --tflite).

   Build:  cc -O2 -o diffprune examples/diffprune.c -lm   (make builds build/diffprune) */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "cli.h"
#include "report.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include <errno.h>
#include <sys/stat.h>

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
        "  sched FILE     exact peak memory and execution order of a .tflite\n"
        "                 model's activations (file order = TFLM's), or of a text graph:\n"
        "                   input <name> <bytes>\n"
        "                   op <name> <bytes> <input-name>...\n"
        "                   add <name> <bytes> <input-name>...   (may run in place)\n"
        "                 '#' starts a comment; a tensor no op reads is an output\n"
        "  example-model -o FILE   write a small int8 model (fixed seed; conv, depthwise,\n"
        "                 residual Add, pooling) without any dataset\n"
        "  import MODEL.tflite -o MODEL.dpm   TensorFlow Lite -> .dpm (int8 ops of\n"
        "                 TFLite Micro, bit-exact; ops in the minimum-peak order)\n"
        "  export MODEL.dpm -o MODEL.tflite   .dpm (or .tflite) -> TensorFlow Lite for\n"
        "                 TFLite Micro: same int8 model, ops in the exact scheduler's order,\n"
        "                 the arena as TFLM's offline memory plan\n"
        "  info FILE      ops, arena bytes, model bytes and MACs of a .dpm or .tflite\n"
        "  run FILE INPUT run one input (raw bytes of the input tensor: int8, or\n"
        "                 float32 for a .tflite with a float input) and print the\n"
        "                 int8 output vector (and the float one if the .tflite's is)\n"
        "  fit [opts]     your data (image, CSV or WAV folder, or IDX) to a board:\n"
        "                 train while pruning to its budgets, int8, report\n"
        "                 (fit --help for options)\n"
        "  boards         the boards fit --board knows and their default budgets\n"
        "  prune [opts]   train on Fashion-MNIST while pruning to budgets, export\n"
        "                 int8, run it on the test set (prune --help for options)\n"
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
    if (st == DP_ERR_ARG && dp_graph_n_nodes(g) == 0) {
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
    if (n >= 8 && !memcmp(text + 4, "TFL3", 4))   /* a .tflite: its activations */
        st = dp_tflite_sched_graph(text, n, &sg, err, sizeof err);
    else
        st = dp_sched_parse_text((const char *)text, n, &sg, err, sizeof err);
    dp_free(text);
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
    dp_free(blob); free(calib);
    dp_graph_free(g);
    return st == DP_OK ? 0 : 1;
}

/* a .dpm, or a .tflite imported in memory (*tfl = 1, info filled) */
static int load_any(const char *path, dp_model *m, unsigned char **buf, int *tfl, dp_tflite_info *info)
{
    unsigned char *d;
    size_t n, bl;
    void *blob;
    char err[512];
    int st;
    *tfl = 0;
    *buf = NULL;
    if ((st = dp_read_file(path, 0, &d, &n, err, sizeof err)) != DP_OK) { fprintf(stderr, "diffprune: %s\n", err); return st; }
    if (n < 8 || memcmp(d + 4, "TFL3", 4) != 0) { dp_free(d); return cli_model_load("diffprune", path, m, buf); }
    *tfl = 1;
    st = dp_tflite_import(d, n, &blob, &bl, info, err, sizeof err);
    dp_free(d);
    if (st != DP_OK) { fprintf(stderr, "diffprune: %s: %s (%s)\n", path, err, dp_status_str(st)); return st; }
    *buf = (unsigned char *)blob;
    if ((st = dp_model_init(m, blob, bl)) != DP_OK) { fprintf(stderr, "diffprune: %s: import gave an invalid model\n", path); dp_free(blob); *buf = NULL; }
    return st;
}

static int cmd_import(const char *path, const char *out)
{
    dp_model m;
    unsigned char *buf;
    dp_tflite_info info;
    int tfl, st;
    if (load_any(path, &m, &buf, &tfl, &info) != DP_OK) return 1;
    if (!tfl) { fprintf(stderr, "diffprune: %s is not a .tflite file (no TFL3 identifier)\n", path); dp_free(buf); return 1; }
    st = dp_model_save(out, buf, m.len);
    if (st != DP_OK) fprintf(stderr, "diffprune: cannot write %s: %s\n", out, dp_status_str(st));
    else printf("wrote %s: %lu bytes, %d ops (%d in the .tflite), arena %lld bytes, exact peak %lld, file order's peak %lld%s%s\n",
                out, (unsigned long)m.len, info.n_ops, info.n_tflite_ops, (long long)info.arena_bytes, (long long)info.pmu,
                (long long)info.peak_file_order, info.float_input ? ", float input quantised on the host" : "",
                info.float_output ? ", float output dequantised on the host" : "");
    dp_free(buf);
    return st == DP_OK ? 0 : 1;
}

/* .dpm (or .tflite, imported first) -> .tflite with diffprune's arena plan */
static int cmd_export(const char *path, const char *out)
{
    cli_int8 q;
    dp_tflite_info info;
    int tfl, st;
    memset(&q, 0, sizeof q);
    if (load_any(path, &q.m, &q.file, &tfl, &info) != DP_OK) return 1;
    st = cli_int8_tflite("diffprune export", &q, out);
    dp_free(q.file);
    return st == DP_OK ? 0 : 1;
}

static int cmd_info(const char *path)
{
    dp_model m;
    unsigned char *buf;
    dp_tensor_info ti, to;
    dp_tflite_info tinfo;
    int i, tfl;
    if (load_any(path, &m, &buf, &tfl, &tinfo) != DP_OK) return 1;
    printf("%-4s %-8s %-12s %-12s %10s %10s %s\n", "op", "kind", "input", "output", "MACs", "param_B", "clamp");
    for (i = 0; i < dp_model_n_ops(&m); i++) {
        dp_mop_info oi;
        char a[32], b[32];
        if (dp_model_op(&m, i, &oi) != DP_OK) { fprintf(stderr, "diffprune: %s: op %d unreadable\n", path, i); dp_free(buf); return 1; }
        snprintf(a, sizeof a, "%dx%dx%d", (int)oi.in_shape.h, (int)oi.in_shape.w, (int)oi.in_shape.c);
        snprintf(b, sizeof b, "%dx%dx%d", (int)oi.out_shape.h, (int)oi.out_shape.w, (int)oi.out_shape.c);
        printf("%-4d %-8s %-12s %-12s %10llu %10u [%d,%d]\n", i, oi.name, a, b, (unsigned long long)oi.macs,
               (unsigned)oi.param_bytes, (int)oi.act_min, (int)oi.act_max);
    }
    if (dp_model_tensor(&m, (int)m.input, &ti) != DP_OK || dp_model_tensor(&m, (int)m.output, &to) != DP_OK) {
        fprintf(stderr, "diffprune: %s: input or output tensor unreadable\n", path);
        dp_free(buf);
        return 1;
    }
    printf("model: ops=%d arena=%lu model_bytes=%lu macs=%llu input_bytes=%u output_bytes=%u\n",
           dp_model_n_ops(&m), (unsigned long)dp_model_arena_size(&m), (unsigned long)m.len,
           (unsigned long long)dp_model_macs(&m), (unsigned)ti.bytes, (unsigned)to.bytes);
    if (tfl)
        printf("tflite: ops=%d exact_pmu=%lld file_order_peak=%lld input=%s output=%s\n", tinfo.n_tflite_ops, (long long)tinfo.pmu,
               (long long)tinfo.peak_file_order, tinfo.float_input ? "float32" : "int8", tinfo.float_output ? "float32" : "int8");
    dp_free(buf);
    return 0;
}

static int cmd_run(const char *path, const char *input)
{
    dp_model m;
    unsigned char *buf, *in;
    size_t n, i;
    char err[256];
    dp_tensor_info ti, to;
    dp_tflite_info tinfo;
    void *arena;
    int8_t *x, *y;
    int st, tfl, fin;
    if (load_any(path, &m, &buf, &tfl, &tinfo) != DP_OK) return 1;
    if (dp_read_file(input, 0, &in, &n, err, sizeof err) != DP_OK) { fprintf(stderr, "diffprune: %s\n", err); dp_free(buf); return 1; }
    fin = tfl && tinfo.float_input;
    arena = calloc(dp_model_arena_size(&m) + 1, 1);
    x = dp_model_input(&m, arena, &ti);
    if (tfl && arena && x && dp_tflite_set_input(&tinfo, in, n, x) == DP_OK) {
        /* the file's input tensor: transposed and quantised as its TRANSPOSE/QUANTIZE would */
    } else if (!arena || !x || tfl || n != ti.bytes) {
        fprintf(stderr, "diffprune: %s is %lu bytes; the model's input is %dx%dx%d = %u %s bytes\n", input,
                (unsigned long)n, (int)ti.shape.h, (int)ti.shape.w, (int)ti.shape.c, (unsigned)(ti.bytes * (fin ? 4u : 1u)),
                fin ? "float32" : "int8");
        dp_free(buf); dp_free(in); free(arena);
        return 1;
    }
    if (!tfl) memcpy(x, in, n);
    st = dp_model_run(&m, arena, dp_model_arena_size(&m));
    if (st != DP_OK) { fprintf(stderr, "diffprune: run failed: %s\n", dp_status_str(st)); dp_free(buf); dp_free(in); free(arena); return 1; }
    y = dp_model_output(&m, arena, &to);
    for (i = 0; i < to.bytes; i++) printf("%s%d", i ? " " : "", (int)y[i]);
    if (tfl && tinfo.float_output) {   /* TFLM's DEQUANTIZE, on the host */
        float *f = (float *)malloc(sizeof(float) * to.bytes + 1);
        if (f) {
            dp_tflite_dequantize(f, y, (int32_t)to.bytes, tinfo.out_scale, tinfo.out_zp);
            printf("\nfloat:");
            for (i = 0; i < to.bytes; i++) printf(" %.9g", (double)f[i]);
            free(f);
        }
    }
    printf("\nargmax: %d\n", dp_model_output_argmax(&m, arena));
    dp_free(buf); dp_free(in); free(arena);
    return 0;
}

/* ---- prune: train + prune on Fashion-MNIST, int8, evaluate ---- */
static const char prune_usage[] =
    "usage: diffprune prune [options]\n"
    "Trains a backbone on Fashion-MNIST while pruning it (the paper's Section 3)\n"
    "until peak memory, model size and MACs are within the budgets; exports int8,\n"
    "runs the int8 model on the test set and ends with a line\n"
    "  final: pmu=B size=B macs=N budget_pmu=B budget_size=B budget_macs=N acc=F time=S\n"
    "Budgets default to 50%, 25% and 35% of the unpruned backbone's PMU, size, MACs.\n"
    "--quick: 8000 training images, 2000 test, 4 epochs, width 0.5 (< 1 min).\n"
    "exit status: 0 ok, 1 data or export error, 2 usage, 3 impossible budget,\n"
    "             4 budgets not met\n";

static int build_backbone(dp_graph *g, const char *name, float width)
{
    int x;
    if (!strcmp(name, "mbv2")) return dp_build_mobilenet_v2(g, 28, 28, 1, 10, width);
    if (strcmp(name, "cnn")) return DP_ERR_ARG;
    x = dp_input(g, "image", 28, 28, 1);
#define CH(c) ((int)((c) * width + 0.5f) > 0 ? (int)((c) * width + 0.5f) : 1)
    x = dp_conv_bn_act(g, "conv1", x, CH(32), 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "conv2", x, CH(64), 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool1", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "conv3", x, CH(128), 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool2", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "conv4", x, CH(128), 3, 1, 1, DP_ACT_RELU);
#undef CH
    x = dp_relu(g, "fc1_relu", dp_fc(g, "fc1", dp_global_avgpool(g, "gap", x), 128));
    x = dp_fc(g, "fc2", x, 10);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}

/* the backbone at a width, as dp_fit's uniform baseline builds it */
static int build_uniform(dp_graph *g, float width, void *name) { return build_backbone(g, (const char *)name, width); }

static int cmd_prune(int argc, char **argv)
{
    const char *dir = "/usr/share/datasets/fashion-mnist", *backbone = "mbv2", *csv = NULL, *out = NULL, *widths = NULL;
    const char *tflite = NULL;
    int st, quick = 0, limit = 0, test_limit = 0, every = 0, batch = 0, epochs = 0, qat = 1, hits = 0, threads = -1;
    float width = 0.0f, eta = 0.0f, lr = 0.05f, r = 0.0f, start = 0.0f, match = 0.0f;
    int no_prune = 0, losses = 0, pmu_obj = 0, scal = 0, uniform = 0, tsig = 0, no_et = 0;
    long long bp = -1, bs = -1, bm = -1;
    unsigned long long seed = 1;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fr;
    dp_dataset tr, te;
    dp_graph *g;
    dp_resources r0;
    dp_pruner *pr = NULL;
    char err[512];
    memset(&pc, 0, sizeof pc);
    memset(&fc, 0, sizeof fc);
    {
        const cli_opt opts[] = {
            CLI_SHARED("--quick", &quick, NULL),
            CLI_SHARED("--backbone", &backbone, "mbv2 (MobileNet-v2, residual blocks) | cnn (plain) [mbv2]"),
            CLI_SHARED("--width", &width, "[1.0; quick 0.5]"),
            CLI_SHARED("--pmu", &bp, "[50% of the backbone's]"),
            CLI_SHARED("--size", &bs, "[25%]"),
            CLI_SHARED("--macs", &bm, "[35%]"),
            CLI_FLOAT("--match-width", &match, 0, 64, 1, "W", "budgets = resources of the backbone scaled uniformly to W"),
            CLI_SHARED("--no-prune", &no_prune, NULL),
            CLI_FLAG("--uniform", &uniform, "the baseline: no pruning, the backbone scaled uniformly to the widest width (step 0.01, up to --width) within the budgets, trained on the same images and schedule"),
            CLI_STR("--widths", &widths, "A,B,..", "no pruning: train the backbone with these layer-group widths (a pruned run's \"widths:\" line) from scratch"),
            CLI_SHARED("--epochs", &epochs, "[8; quick 4]"),
            CLI_SHARED("--batch", &batch, "[128; quick 64]"),
            CLI_SHARED("--lr", &lr, "[0.05]"),
            CLI_SHARED("--seed", &seed, "[1]"),
            CLI_SHARED("--limit", &limit, "[all; quick 8000]"),
            CLI_INT("--test-limit", &test_limit, 0, 1e9, "N", "use the first N test images (0: all) [all; quick 2000]"),
            CLI_SHARED("--every", &every, "[20; quick 5]"),
            CLI_SHARED("--eta", &eta, "[1; quick 2]"),
            CLI_FLOAT("--r", &r, 0, 1000, 0, "F", "task/resource loss ratio r (0: 2/3) [2/3]"),
            CLI_CHOICE("--losses", &losses, "both|task|res", "pruning feedback (Table 2 ablation) [both]"),
            CLI_CHOICE("--pmu-objective", &pmu_obj, "exact|imprecise|none", "(Figure 4 ablation) [exact]"),
            CLI_CHOICE("--scalarise", &scal, "random|sum", "combine objectives [random]"),
            CLI_FLAG("--no-focus", &pc.no_focus, "update every layer, not only bottleneck ones"),
            CLI_CHOICE("--task-signal", &tsig, "signed|pushback", "task term: Eq. 9 as printed, or from |dL/dM| so it only resists shrinking [signed]"),
            CLI_SHARED("--prune-start", &start, "[0]"),
            CLI_SHARED("--plan", &fc.prune_plan, "[0.25]"),
            CLI_SHARED("--early-term", &fc.early_term, "[on: with masks fixed once the budgets are met, compacting then trains the same function, cheaper]"),
            CLI_FLAG("--no-early-term", &no_et, "keep training the masked full-size graph until QAT"),
            CLI_SHARED("--qat-epochs", &qat, "[1]"),
            CLI_SHARED("--csv", &csv, NULL),
            CLI_SHARED("-o", &out, "(.dpm) and FILE.h, a C array"),
            CLI_SHARED("--tflite", &tflite, NULL),
            CLI_SHARED("--data", &dir, "[/usr/share/datasets/fashion-mnist]"),
            CLI_SHARED("--threads", &threads, "[0]"),
            CLI_END
        };
        if ((st = cli_parse("diffprune prune", prune_usage, opts, argc - 2, argv + 2, NULL, 0, NULL)) != 0) return st == 1 ? 0 : 2;
    }
    pc.losses = losses == 1 ? DP_PRUNE_TASK_ONLY : losses == 2 ? DP_PRUNE_RES_ONLY : DP_PRUNE_BOTH;
    pc.pmu_objective = pmu_obj == 1 ? DP_PMU_IMPRECISE : pmu_obj == 2 ? DP_PMU_NONE : DP_PMU_EXACT;
    pc.scalarise = scal == 1 ? DP_SCALARISE_SUM : DP_SCALARISE_RANDOM;
    pc.task_signal = tsig == 1 ? DP_TASK_PUSHBACK : DP_TASK_SIGNED;
    fc.early_term = !no_et;
    if (threads >= 0) dp_set_threads(threads);
    if (quick) { if (!limit) limit = 8000; if (!test_limit) test_limit = 2000; if (!epochs) epochs = 4; }
    if (!epochs) epochs = 8;
    if (!batch) batch = quick ? 64 : 128;
    if (!every) every = quick ? 5 : 20;
    if (!(eta > 0.0f)) eta = quick ? 2.0f : 1.0f;
    if (!(width > 0.0f)) width = quick ? 0.5f : 1.0f;
    if (epochs < 1 || batch < 1 || every < 1 || qat < 0 || qat >= epochs || !(lr > 0.0f)) {
        fprintf(stderr, "diffprune prune: epochs, batch, every and lr must be positive and --qat-epochs below --epochs\n");
        return 2;
    }
    if (dp_idx_load_split(dir, "train", &tr, err, sizeof err) != DP_OK || dp_idx_load_split(dir, "t10k", &te, err, sizeof err) != DP_OK) {
        fprintf(stderr, "diffprune prune: Fashion-MNIST not found in %s (%s)\n"
                "  install it with: sudo apt-get install dataset-fashion-mnist   (or make data), or pass --data DIR\n", dir, err);
        return 1;
    }
    if (limit > 0 && limit < tr.n) tr.n = limit;
    if (test_limit > 0 && test_limit < te.n) te.n = test_limit;
    dp_dataset_normalize(&tr, 0.286f, 0.353f);
    dp_dataset_normalize(&te, 0.286f, 0.353f);
    g = dp_graph_new(seed);
    if ((st = build_backbone(g, backbone, width)) < 0) {
        fprintf(stderr, "diffprune prune: cannot build backbone '%s' (mbv2 or cnn): %s\n", backbone, dp_graph_error(g));
        return 2;
    }
    if (dp_graph_resources(g, NULL, &r0, NULL, 0, NULL) != DP_OK) {
        fprintf(stderr, "diffprune prune: resources of '%s': %s\n", backbone, dp_graph_error(g));
        return 1;
    }
    if (widths) {    /* a given (pruned) architecture, trained from scratch */
        if ((st = cli_widths_apply("diffprune prune", &g, widths)) != 0) return st;
        no_prune = 1;
    }
    if (match > 0.0f) {     /* the budgets of a uniformly scaled backbone */
        dp_graph *gm = dp_graph_new(seed);
        dp_resources rm;
        if (build_backbone(gm, backbone, match) < 0 || dp_graph_resources(gm, NULL, &rm, NULL, 0, NULL) != DP_OK) {
            fprintf(stderr, "diffprune prune: cannot build the backbone at width %g\n", (double)match);
            return 2;
        }
        if (bp < 0) bp = rm.pmu_exact;
        if (bs < 0) bs = rm.size_bytes;
        if (bm < 0) bm = rm.macs;
        dp_graph_free(gm);
    }
    pc.budget_pmu = bp >= 0 ? bp : r0.pmu_exact / 2;
    pc.budget_size = bs >= 0 ? bs : r0.size_bytes / 4;
    pc.budget_macs = bm >= 0 ? bm : r0.macs * 35 / 100;
    pc.every = every; pc.eta = eta; pc.r = r; pc.seed = seed;
    fc.epochs = epochs; fc.batch = batch; fc.lr = lr; fc.weight_decay = 5e-5f; fc.qat_epochs = qat;
    fc.prune = no_prune && !uniform ? NULL : &pc; fc.prune_start = start; fc.log_csv = csv; fc.progress = 1; fc.verbose = 1; fc.seed = seed;
    fc.aug.crop = 2; fc.aug.flip = 0.5f;
    fc.pruner_out = &pr;
    if (uniform) { fc.uniform = build_uniform; fc.uniform_ctx = (void *)backbone; fc.uniform_max = width; }
    printf("backbone %s x%.2f: pmu=%lld (imprecise %lld) size=%lld macs=%lld; budgets pmu=%lld size=%lld macs=%lld\n",
           backbone, (double)width, (long long)r0.pmu_exact, (long long)r0.pmu_imprecise, (long long)r0.size_bytes,
           (long long)r0.macs, (long long)pc.budget_pmu, (long long)pc.budget_size, (long long)pc.budget_macs);
    printf("training on %d images (every arm the same; the task loss samples them), testing on %d; %d epochs\n",
           tr.n, te.n, epochs);
    fflush(stdout);
    if ((st = dp_fit(&g, &tr, &te, &fc, &fr, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "diffprune prune: %s\n", err);
        return st == DP_ERR_BUDGET ? 3 : 1;
    }
    if (uniform) printf("uniform scaling: %s x%.2f is the widest within the budgets\n", backbone, (double)fr.uniform_width);
    if (pr) {
        if (dp_pruner_print_summary(pr, g, stdout) != DP_OK) fprintf(stderr, "diffprune prune: pruning summary: %s\n", dp_graph_error(g));
        cli_widths_print(pr);
    }
    if (no_prune && !uniform) fr.met = fr.after.pmu_exact <= pc.budget_pmu && fr.after.size_bytes <= pc.budget_size && fr.after.macs <= pc.budget_macs;
    printf("time: %.1f s; budgets %s", fr.seconds, fr.met ? "met" : no_prune ? "not met (no pruning)\n" : "NOT met (raise --eta or --epochs)\n");
    if (fr.met && pr) printf(" at step %ld of %ld (%.1f s)%s\n", fr.met_step, fr.steps, fr.seconds_to_met,
                             fr.projected_step >= 0 ? ", by projecting the widths onto them" : "");
    else if (fr.met) printf("\n");
    {   /* int8: export (and write -o), load, run over the test set */
        cli_int8 q;
        if (cli_int8_export("diffprune prune", &q, g, tr.x, tr.n < 1000 ? tr.n : 1000, out, "pruned_model") != DP_OK ||
            cli_int8_tflite("diffprune prune", &q, tflite) != DP_OK ||
            (hits = cli_int8_hits("diffprune prune", &q, te.x, 784, te.y, te.n)) < 0) {
            cli_int8_free(&q);
            return 1;
        }
        printf("int8: %lu bytes, arena %lld B, test accuracy %.4f (float %.4f)%s%s\n", (unsigned long)q.len,
               (long long)q.info.arena_bytes, (double)hits / te.n, (double)fr.test_acc, out ? ", wrote " : "", out ? out : "");
        cli_int8_free(&q);
    }
    printf("final: pmu=%lld size=%lld macs=%lld budget_pmu=%lld budget_size=%lld budget_macs=%lld acc=%.4f time=%.1f\n",
           (long long)fr.after.pmu_exact, (long long)fr.after.size_bytes, (long long)fr.after.macs,
           (long long)pc.budget_pmu, (long long)pc.budget_size, (long long)pc.budget_macs, (double)hits / te.n, fr.seconds);
    dp_pruner_free(pr);
    dp_graph_free(g);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return fr.met || no_prune ? 0 : 4;
}

/* ---- fit: your own data to your board (image, CSV or WAV folder, or IDX) ----
   Works out the data kind from the files, loads it with the header's
   loaders (>>api_data), builds a backbone for its input shape and classes,
   trains it while pruning to the board's budgets (dp_fit), runs the last
   epoch quantisation-aware, exports int8 and writes a report to -o DIR. */
static const char fit_usage[] =
    "usage: diffprune fit --data PATH --board NAME [options]\n"
    "Trains a network on your data while pruning it into a board's budgets,\n"
    "quantises it to int8 and writes to -o DIR: model.dpm, model.dpm.h (a C\n"
    "array), model_input.h (input normalisation and quantisation), summary.txt\n"
    "(budgets before/after, per-class accuracy, confusion matrix), layers.svg,\n"
    "trajectory.svg, prune.csv and report.html. PATH is one of\n"
    "  an image folder  PATH/<class>/*.png|*.ppm|*.pgm|*.bmp\n"
    "  a CSV folder     PATH/<class>/*.csv  (sensor recordings; --window T)\n"
    "  a WAV folder     PATH/<class>/*.wav  (one-second clips; MFCC front-end)\n"
    "  Fashion-MNIST / MNIST IDX files (train-images-idx3-ubyte[.gz], ...)\n"
    "each folder kind optionally split as PATH/train/<class>, PATH/test/<class>.\n"
    "Budgets: the board's shares of SRAM (peak memory) and flash (model size),\n"
    "and clock / 18 MACs (0.1 s at 1.8 cycles per MAC, the Cortex-M4 kernels' best;\n"
    "the demo's 10 M on the F446RE); diffprune boards\n"
    "lists the boards. Ends with the line\n"
    "  fit: float_acc=F int8_acc=F pmu=B budget_pmu=B size=B budget_size=B macs=N budget_macs=N firmware=ran|skipped|failed\n"
    "exit status: 0 ok, 1 data or export error, 2 usage, 3 impossible budget,\n"
    "             4 budgets not met, 5 the firmware check failed\n";

enum { FIT_IDX, FIT_IMAGE, FIT_CSV, FIT_WAV };
static const char *const fit_kind_name[4] = {"Fashion-MNIST IDX", "image folder", "CSV folder", "WAV folder"};

static int fit_exists(const char *dir, const char *name)
{
    char p[4096];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (!(f = fopen(p, "rb"))) return 0;
    fclose(f);
    return 1;
}

static int fit_ext(const char *nm, const char *ext)
{
    const size_t a = strlen(nm), b = strlen(ext);
    size_t i;
    if (a <= b) return 0;
    for (i = 0; i < b; i++) if ((nm[a - b + i] | 32) != ext[i]) return 0;
    return 1;
}

/* the kind of the first data file in DIR/<class>/ (or DIR/train/<class>/);
   -1 when there is none */
static int fit_detect(const char *dir)
{
    char base[4096], sub[4608];
    DIR *d, *e;
    struct dirent *de, *fe;
    int kind = -1;
    if (fit_exists(dir, "train-images-idx3-ubyte") || fit_exists(dir, "train-images-idx3-ubyte.gz")) return FIT_IDX;
    snprintf(base, sizeof base, "%s/train", dir);
    if (!(d = opendir(base))) { snprintf(base, sizeof base, "%s", dir); d = opendir(base); }
    if (!d) return -1;
    while (kind < 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        snprintf(sub, sizeof sub, "%s/%s", base, de->d_name);
        if (!(e = opendir(sub))) continue;
        while (kind < 0 && (fe = readdir(e)) != NULL) {
            const char *nm = fe->d_name;
            if (fit_ext(nm, ".png") || fit_ext(nm, ".ppm") || fit_ext(nm, ".pgm") || fit_ext(nm, ".bmp")) kind = FIT_IMAGE;
            else if (fit_ext(nm, ".csv")) kind = FIT_CSV;
            else if (fit_ext(nm, ".wav")) kind = FIT_WAV;
        }
        closedir(e);
    }
    closedir(d);
    return kind;
}

static float fit_f32(uint32_t bits) { float f; memcpy(&f, &bits, sizeof f); return f; }

typedef struct fit_net { const char *backbone; int h, w, c, classes; } fit_net;

/* cnn: the demo's plain CNN for any input; pools halve an axis only while
   it has 4 or more, so a 1 x T x C sensor window gets 1 x 2 pools (1-D) */
static int fit_build(dp_graph *g, float width, void *ctx)
{
    const fit_net *n = (const fit_net *)ctx;
    int x, h = n->h, w = n->w, k;
    static const char *const pool[2] = {"pool1", "pool2"};
    if (!strcmp(n->backbone, "mbv2")) return dp_build_mobilenet_v2(g, n->h, n->w, n->c, n->classes, width);
    if (!strcmp(n->backbone, "dscnn")) return dp_build_dscnn(g, n->h, n->w, n->c, n->classes, width, 5);
    if (!strcmp(n->backbone, "res8")) return dp_build_res8(g, n->h, n->w, n->c, n->classes, width);
    if (strcmp(n->backbone, "cnn")) return DP_ERR_ARG;
#define CH(c) ((int)((c) * width + 0.5f) > 0 ? (int)((c) * width + 0.5f) : 1)
    x = dp_input(g, "input", n->h, n->w, n->c);
    x = dp_conv_bn_act(g, "conv1", x, CH(32), 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "conv2", x, CH(64), 3, 1, 1, DP_ACT_RELU);
    for (k = 0; k < 2; k++) {
        const int ph = h >= 4 ? 2 : 1, pw = w >= 4 ? 2 : 1;
        if (ph > 1 || pw > 1) { x = dp_maxpool(g, pool[k], x, ph, pw, NULL); h /= ph; w /= pw; }
        x = dp_conv_bn_act(g, k ? "conv4" : "conv3", x, CH(128), 3, 1, 1, DP_ACT_RELU);
    }
#undef CH
    x = dp_relu(g, "fc1_relu", dp_fc(g, "fc1", dp_global_avgpool(g, "gap", x), 128));
    x = dp_fc(g, "fc2", x, n->classes);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}

static void fit_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

/* per-class accuracy and the confusion matrix (rows true, columns predicted) */
static void fit_confusion_txt(FILE *f, const dp_data_info *info, const int *cm, int nc)
{
    int i, j;
    fprintf(f, "\nint8 accuracy per class (test set):\n");
    for (i = 0; i < nc; i++) {
        int n = 0;
        for (j = 0; j < nc; j++) n += cm[i * nc + j];
        fprintf(f, "  %-20s %5d items  acc %.4f\n", info->class_names[i], n, n ? (double)cm[i * nc + i] / n : 0.0);
    }
    fprintf(f, "\nconfusion matrix (rows: true class, columns: predicted, in class order above):\n");
    for (i = 0; i < nc; i++) {
        fprintf(f, "  %-20s", info->class_names[i]);
        for (j = 0; j < nc; j++) fprintf(f, " %5d", cm[i * nc + j]);
        fputc('\n', f);
    }
}

static int cmd_fit(int argc, char **argv)
{
    const char *data = NULL, *bname = NULL, *backbone = "auto", *out = "fit-out", *tflite = NULL;
    int st, i, kind, epochs = 6, uniform = 0, window = 0, stride = 0, firmware = 0, threads = -1, limit = 0, batch = 0, nc, hits = 0;
    float width = 0.0f, flip = -1.0f;
    long long bp = -1, bs = -1, bm = -1, sram = 0, flash = 0;
    unsigned long long seed = 1;
    static dp_data_info info;
    dp_data_cfg dc;
    dp_dataset tr, te;
    dp_board cb;
    const dp_board *bd;
    long def_pmu = 0, def_size = 0;
    fit_net net;
    dp_graph *g;
    dp_resources r0;
    dp_op_report *rb = NULL, *ra = NULL;
    static rep_names names;
    int nb, na;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fr;
    dp_pruner *pr = NULL;
    int64_t budget[4];
    int *cm = NULL, met, rc;
    float *calib = NULL;
    int n_calib;
    char err[1024], path[4096], label[128], fwline[1024] = "";
    const char *fw_state = "skipped";
    cli_int8 q;
    {
        const cli_opt opts[] = {
            CLI_STR("--data", &data, "PATH", "an image, CSV or WAV folder, or Fashion-MNIST IDX files (required)"),
            CLI_STR("--board", &bname, "NAME", "the target board (diffprune boards lists them), or any name with --sram and --flash (required)"),
            CLI_SHARED("--pmu", &bp, "[the board's SRAM share]"),
            CLI_SHARED("--size", &bs, "[the board's flash share]"),
            CLI_SHARED("--macs", &bm, "[clock in Hz / 18]"),
            CLI_I64("--sram", &sram, 1, 1e12, "B", "SRAM bytes (a board not in the table; half of it is the PMU budget)"),
            CLI_I64("--flash", &flash, 1, 1e12, "B", "flash bytes (a board not in the table; half of it is the size budget)"),
            CLI_SHARED("--backbone", &backbone, "auto | cnn | mbv2 | dscnn | res8 [auto: cnn for images and CSV, dscnn for WAV]"),
            CLI_SHARED("--width", &width, "[1.25 for cnn, else 1]"),
            CLI_SHARED("--epochs", &epochs, "(at least 2) [6]"),
            CLI_SHARED("--batch", &batch, "[128, less for small sets]"),
            CLI_FLOAT("--flip", &flip, 0, 1, 0, "P", "probability of a horizontal flip of a training item [0.5 for IDX (Fashion-MNIST), else 0: a flip changes digits, text and sensor axes]"),
            CLI_FLAG("--uniform", &uniform, "the baseline: no pruning, the backbone scaled uniformly to the widest width within the budgets"),
            CLI_INT("--window", &window, 1, 1e6, "T", "CSV: time steps per window (required for CSV)"),
            CLI_INT("--stride", &stride, 0, 1e6, "S", "CSV: steps between windows [T]"),
            CLI_FLAG("--firmware", &firmware, "run the int8 model in the emulated board's firmware (mcu/, qemu) and check it byte for byte against the host"),
            CLI_STR("-o", &out, "DIR", "where the model and the report go [fit-out]"),
            CLI_SHARED("--tflite", &tflite, NULL),
            CLI_SHARED("--limit", &limit, "[all; from a folder, a seeded random N: its items come class by class]"),
            CLI_SHARED("--seed", &seed, "[1]"),
            CLI_SHARED("--threads", &threads, "[0]"),
            CLI_END
        };
        if ((st = cli_parse("diffprune fit", fit_usage, opts, argc - 2, argv + 2, NULL, 0, NULL)) != 0) return st == 1 ? 0 : 2;
    }
    if (!data || !bname) { fprintf(stderr, "diffprune fit: needs --data PATH and --board NAME (try diffprune fit --help)\n"); return 2; }
    if (epochs < 2) { fprintf(stderr, "diffprune fit: --epochs: '%d' must be at least 2 (one to prune, one quantisation-aware)\n", epochs); return 2; }
    if (threads >= 0) dp_set_threads(threads);
    if ((bd = dp_board_find(bname)) != NULL) {
        cb = *bd;
        if (sram > 0) cb.sram = (long)sram;
        if (flash > 0) cb.flash = (long)flash;
    } else if (sram > 0 && flash > 0) {
        memset(&cb, 0, sizeof cb);
        cb.name = bname; cb.mcu = "?"; cb.core = "?"; cb.clock_mhz = 0; cb.sram = (long)sram; cb.flash = (long)flash;
        cb.sram_share = cb.flash_share = 0.5f; cb.emu_target = cb.emu_profile = ""; cb.aliases = "";
    } else {
        fprintf(stderr, "diffprune fit: --board: '%s' is not in the table (diffprune boards lists it); for another board give --sram B and --flash B\n", bname);
        return 2;
    }
    dp_board_budgets(&cb, &def_pmu, &def_size);
    budget[0] = budget[1] = bp >= 0 ? bp : def_pmu;
    budget[2] = bs >= 0 ? bs : def_size;
    budget[3] = bm >= 0 ? bm : cb.clock_mhz > 0 ? (int64_t)cb.clock_mhz * 1000000 / 18 : 10000000;
    snprintf(label, sizeof label, "%s", cb.name);

    /* ---- data ---- */
    if ((kind = fit_detect(data)) < 0) {
        fprintf(stderr, "diffprune fit: %s: no data found: expected IDX files (train-images-idx3-ubyte) or class folders "
                        "%s/<class>/ (or %s/train/<class>/) of .png/.ppm/.pgm/.bmp, .csv or .wav files\n", data, data, data);
        return 1;
    }
    if (kind == FIT_CSV && window < 1) { fprintf(stderr, "diffprune fit: %s is a CSV folder: give --window T (time steps per window)\n", data); return 2; }
    memset(&dc, 0, sizeof dc);
    memset(&info, 0, sizeof info);
    dc.window = window; dc.stride = stride; dc.seed = seed;
    printf("data:     %s (%s)\n", data, fit_kind_name[kind]);
    fflush(stdout);
    if (kind == FIT_IDX) {
        if (dp_idx_load_split(data, "train", &tr, err, sizeof err) != DP_OK || dp_idx_load_split(data, "t10k", &te, err, sizeof err) != DP_OK) {
            fprintf(stderr, "diffprune fit: %s\n", err);
            return 1;
        }
        info.n_classes = tr.n_classes;
        for (i = 0; i < tr.n_classes && i < DP_DATA_MAX_CLASSES; i++) snprintf(info.class_names[i], sizeof info.class_names[i], "%d", i);
        if (tr.n_classes == 10 && strstr(data, "fashion")) {
            static const char *const fm[10] = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"};
            for (i = 0; i < 10; i++) snprintf(info.class_names[i], sizeof info.class_names[i], "%s", fm[i]);
        }
    } else {
        st = kind == FIT_IMAGE ? dp_image_folder_load(data, &dc, &tr, &te, &info, err, sizeof err)
           : kind == FIT_CSV ? dp_csv_folder_load(data, &dc, &tr, &te, &info, err, sizeof err)
           : dp_wav_folder_load(data, &dc, &tr, &te, &info, err, sizeof err);
        if (st != DP_OK) { fprintf(stderr, "diffprune fit: %s\n", err); return 1; }
        {
            char buf[16384];
            dp_data_summary(&info, buf, sizeof buf);
            fputs(buf, stdout);
        }
    }
    nc = tr.n_classes;
    if (tr.n < 2 || te.n < 1 || nc < 2) {
        fprintf(stderr, "diffprune fit: %s: %d training and %d test items in %d classes: need two classes, training and test items\n", data, tr.n, te.n, nc);
        return 1;
    }
    if (limit > 0 && limit < tr.n && kind != FIT_IDX) {
        /* a folder's items come class by class, so the first N would drop
           classes: keep a seeded random N instead, in their order */
        const size_t item = (size_t)tr.h * tr.w * tr.c;
        int *perm = (int *)malloc(sizeof(int) * (size_t)tr.n), k = 0;
        unsigned char *keep = (unsigned char *)calloc((size_t)(tr.n > tr.n_classes ? tr.n : tr.n_classes), 1);
        dp_rng lr;
        if (!perm || !keep) { fprintf(stderr, "diffprune fit: out of memory\n"); return 1; }
        for (i = 0; i < tr.n; i++) perm[i] = i;
        dp_rng_seed(&lr, seed + 0x9E3779B97F4A7C15ull);
        dp_rng_shuffle(&lr, perm, tr.n);
        for (i = 0; i < limit; i++) keep[perm[i]] = 1;
        for (i = 0; i < tr.n; i++)
            if (keep[i]) {
                if (k != i) { memmove(tr.x + item * (size_t)k, tr.x + item * (size_t)i, sizeof(float) * item); tr.y[k] = tr.y[i]; }
                k++;
            }
        memset(keep, 0, (size_t)(tr.n > tr.n_classes ? tr.n : tr.n_classes));   /* now: the classes the subset has */
        for (i = k = 0; i < limit; i++) if (tr.y[i] >= 0 && tr.y[i] < tr.n_classes && !keep[tr.y[i]]) { keep[tr.y[i]] = 1; k++; }
        printf("          --limit %d: a random %d of the %d training items (seed %llu), %d of %d classes\n", limit, limit, tr.n, seed, k, tr.n_classes);
        free(perm); free(keep);
    }
    if (limit > 0 && limit < tr.n) tr.n = limit;
    {   /* input normalisation: per channel for CSV (the loader's), one mean
           and sd for images (from the training set), none for WAV (MFCC
           features q/32 are the firmware's int8 front-end already) */
        if (kind == FIT_IDX || kind == FIT_IMAGE) {
            double s = 0, s2 = 0;
            const size_t n = (size_t)tr.n * tr.h * tr.w * tr.c;
            size_t k;
            for (k = 0; k < n; k++) { s += tr.x[k]; s2 += (double)tr.x[k] * tr.x[k]; }
            info.channels = tr.c;
            for (i = 0; i < tr.c; i++) {
                info.mean[i] = (float)(s / n);
                info.sd[i] = (float)sqrt(s2 / n - (s / n) * (s / n));
                if (!(info.sd[i] > 1e-6f)) info.sd[i] = 1.0f;
            }
            dp_dataset_normalize(&tr, info.mean[0], info.sd[0]);
            dp_dataset_normalize(&te, info.mean[0], info.sd[0]);
        }
    }
    printf("          %d training and %d test items of %dx%dx%d, %d classes\n", tr.n, te.n, tr.h, tr.w, tr.c, nc);

    /* ---- backbone ---- */
    net.backbone = !strcmp(backbone, "auto") ? (kind == FIT_WAV ? "dscnn" : "cnn") : backbone;
    net.h = tr.h; net.w = tr.w; net.c = tr.c; net.classes = nc;
    if (!(width > 0.0f)) width = !strcmp(net.backbone, "cnn") ? 1.25f : 1.0f;
    g = dp_graph_new(seed);
    if ((st = fit_build(g, width, &net)) < 0) {
        fprintf(stderr, "diffprune fit: --backbone: cannot build '%s' (auto|cnn|mbv2|dscnn|res8) for %dx%dx%d inputs: %s\n",
                backbone, tr.h, tr.w, tr.c, st == DP_ERR_ARG && dp_graph_status(g) == DP_OK ? "unknown backbone" : dp_graph_error(g));
        return 2;
    }
    rb = (dp_op_report *)calloc((size_t)dp_graph_n_nodes(g) + 1, sizeof *rb);
    if (!rb || dp_graph_resources(g, NULL, &r0, rb, dp_graph_n_nodes(g), NULL) != DP_OK) { fprintf(stderr, "diffprune fit: resources: %s\n", dp_graph_error(g)); return 1; }
    nb = r0.n_ops < REP_MAX_OPS ? r0.n_ops : REP_MAX_OPS;
    for (i = 0; i < nb; i++) snprintf(names[i], sizeof names[i], "%s", rb[i].name);
    printf("board:    %s (%s, %s, %d MHz, %ld KB SRAM, %ld KB flash)\n", cb.name, cb.mcu, cb.core, cb.clock_mhz, cb.sram / 1024, cb.flash / 1024);
    printf("budgets:  PMU %lld B, model %lld B, %lld MACs\n", (long long)budget[0], (long long)budget[2], (long long)budget[3]);
    printf("backbone: %s x%.2f: PMU %lld B, model %lld B, %lld MACs\n", net.backbone, (double)width,
           (long long)r0.pmu_exact, (long long)r0.size_bytes, (long long)r0.macs);
    fflush(stdout);

    /* ---- train while pruning, QAT ---- */
    if (!batch) batch = tr.n >= 2048 ? 128 : tr.n >= 512 ? 64 : tr.n >= 128 ? 32 : 8;   /* tiny sets: enough steps for the batch-norm statistics */
    memset(&pc, 0, sizeof pc);
    pc.budget_pmu = budget[0]; pc.budget_size = budget[2]; pc.budget_macs = budget[3]; pc.seed = seed;
    pc.every = tr.n / batch >= 40 ? 10 : 2; pc.eta = 2.0f;
    memset(&fc, 0, sizeof fc);
    fc.epochs = epochs; fc.batch = batch; fc.lr = 0.05f; fc.weight_decay = 5e-5f; fc.qat_epochs = 1;
    fc.prune = &pc; fc.prune_start = 0.25f; fc.early_term = 1; fc.progress = 1; fc.verbose = 1; fc.seed = seed;
    if (kind == FIT_IDX) { fc.aug.crop = 2; fc.aug.flip = 0.5f; }
    else if (kind == FIT_IMAGE && tr.h >= 16 && tr.w >= 16) fc.aug.crop = 2;
    if (flip >= 0.0f) fc.aug.flip = flip;
    if (uniform) { fc.uniform = fit_build; fc.uniform_ctx = &net; fc.uniform_max = width; }
    if (mkdir(out, 0755) != 0 && errno != EEXIST) { fprintf(stderr, "diffprune fit: -o: cannot make %s: %s\n", out, strerror(errno)); return 1; }
    snprintf(path, sizeof path, "%s/prune.csv", out);
    fc.log_csv = path;
    fc.pruner_out = &pr;
    if ((st = dp_fit(&g, &tr, &te, &fc, &fr, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "diffprune fit: %s\n", err);
        return st == DP_ERR_BUDGET ? 3 : 1;
    }
    if (uniform) printf("uniform scaling: %s x%.2f is the widest within the budgets\n", net.backbone, (double)fr.uniform_width);
    else if (pr && dp_pruner_print_summary(pr, g, stdout) != DP_OK) fprintf(stderr, "diffprune fit: pruning summary: %s\n", dp_graph_error(g));
    ra = (dp_op_report *)calloc((size_t)dp_graph_n_nodes(g) + 1, sizeof *ra);
    if (!ra || dp_graph_resources(g, NULL, &fr.after, ra, dp_graph_n_nodes(g), NULL) != DP_OK) { fprintf(stderr, "diffprune fit: resources: %s\n", dp_graph_error(g)); return 1; }
    na = fr.after.n_ops;
    met = (budget[0] <= 0 || fr.after.pmu_exact <= budget[0]) && (budget[2] <= 0 || fr.after.size_bytes <= budget[2]) &&
          (budget[3] <= 0 || fr.after.macs <= budget[3]);   /* a budget of 0 is none */

    /* ---- int8: export, C array, run over the test set ---- */
    n_calib = tr.n < 1000 ? tr.n : 1000;
    {   /* calibration items spread over the (class-ordered) training set */
        const size_t item = (size_t)tr.h * tr.w * tr.c;
        if (!(calib = (float *)malloc(sizeof(float) * item * (size_t)n_calib))) { fprintf(stderr, "diffprune fit: out of memory\n"); return 1; }
        for (i = 0; i < n_calib; i++) memcpy(calib + item * (size_t)i, tr.x + item * (size_t)((long)i * tr.n / n_calib), sizeof(float) * item);
    }
    snprintf(path, sizeof path, "%s/model.dpm", out);
    if (cli_int8_export("diffprune fit", &q, g, calib, n_calib, path, "dp_fit_model") != DP_OK ||
        cli_int8_tflite("diffprune fit", &q, tflite) != DP_OK) { cli_int8_free(&q); return 1; }
    free(calib);
    if (!(cm = (int *)calloc((size_t)nc * nc, sizeof(int)))) { fprintf(stderr, "diffprune fit: out of memory\n"); return 1; }
    {
        dp_progress pg;
        const size_t item = (size_t)te.h * te.w * te.c;
        dp_progress_start(&pg, "int8 test", te.n);
        for (i = 0; i < te.n; i++) {
            const int p = cli_int8_argmax_f32(&q, te.x + item * (size_t)i);
            if (p < 0 || p >= nc) { fprintf(stderr, "diffprune fit: int8 run failed on test item %d: %s\n", i, dp_status_str(p < 0 ? p : DP_ERR_ARG)); return 1; }
            cm[te.y[i] * nc + p]++;
            hits += p == te.y[i];
            if ((i & 255) == 255) dp_progress_update(&pg, i + 1, i + 1, NULL);
        }
        dp_progress_update(&pg, te.n, te.n, NULL);
        dp_progress_end(&pg);
    }
    {   /* model_input.h: what the firmware does to a raw sample before the int8 input */
        dp_tensor_info ti;
        FILE *f;
        int c;
        snprintf(path, sizeof path, "%s/model_input.h", out);
        if (!dp_model_input(&q.m, q.arena, &ti) || !(f = fopen(path, "w"))) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
        fprintf(f, "/* model_input.h - written by diffprune fit: the model's input, %dx%dx%d int8 ([h][w][c]).\n"
                   "   A raw sample x of channel c becomes q = clamp(round(((x - dp_fit_input_mean[c]) / dp_fit_input_sd[c])\n"
                   "   / DP_FIT_INPUT_SCALE) + DP_FIT_INPUT_ZERO_POINT, -128, 127). %s */\n",
                (int)ti.shape.h, (int)ti.shape.w, (int)ti.shape.c,
                kind == FIT_CSV ? "CSV: x is the channel's value as in the files (timestamp column dropped)."
                : kind == FIT_WAV ? "WAV: x is the MFCC front-end's int8 feature / 32 (dp_mfcc); mean 0 and sd 1."
                : "Images: x is the pixel in [0, 1] (sample / maxval), resized as the loader does.");
        fprintf(f, "#define DP_FIT_INPUT_CHANNELS %d\n#define DP_FIT_INPUT_SCALE %.9gf\n#define DP_FIT_INPUT_ZERO_POINT %d\n",
                (int)ti.shape.c, (double)fit_f32(ti.scale_bits), (int)ti.zero_point);
        fprintf(f, "static const float dp_fit_input_mean[%d] = {", (int)ti.shape.c);
        for (c = 0; c < (int)ti.shape.c; c++) fprintf(f, "%s%.9gf", c ? ", " : "", kind == FIT_WAV ? 0.0 : (double)info.mean[c < info.channels ? c : 0]);
        fprintf(f, "};\nstatic const float dp_fit_input_sd[%d] = {", (int)ti.shape.c);
        for (c = 0; c < (int)ti.shape.c; c++) fprintf(f, "%s%.9gf", c ? ", " : "", kind == FIT_WAV ? 1.0 : (double)info.sd[c < info.channels ? c : 0]);
        fprintf(f, "};\n");
        if (fclose(f) != 0) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
    }

    /* ---- figures ---- */
    snprintf(path, sizeof path, "%s/layers.svg", out);
    if (rep_layers_svg(path, rb, nb, ra, na, names, label, (double)budget[0]) != DP_OK) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
    snprintf(path, sizeof path, "%s/trajectory.svg", out);
    if (rep_trajectory_svg(path, pr, label, budget) != DP_OK) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }

    /* ---- firmware ---- */
    if (firmware) {
        char cmd[8192], script[4096], line[1024];
        const char *slash = strrchr(argv[0], '/');
        FILE *p;
        /* examples/firmware.sh beside the binary's directory (build/..), else from the current one */
        snprintf(script, sizeof script, "%.*s/../examples/firmware.sh", slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
        if ((p = fopen(script, "r")) != NULL) fclose(p);
        else snprintf(script, sizeof script, "examples/firmware.sh");
        snprintf(cmd, sizeof cmd, "sh '%s' '%s' '%s/model.dpm' '%s' '%s' %d > '%s/firmware.out' 2>&1", script, out, out,
                 cb.emu_target ? cb.emu_target : "", cb.emu_profile ? cb.emu_profile : "", cb.clock_mhz > 0 ? cb.clock_mhz : 100, out);
        fflush(stdout);
        fw_state = "failed";
        (void)system(cmd);    /* its last line says how it went */
        snprintf(line, sizeof line, "%s/firmware.out", out);
        if ((p = fopen(line, "r")) != NULL) {
            while (fgets(line, sizeof line, p)) {
                if (!strncmp(line, "firmware=", 9)) {
                    line[strcspn(line, "\r\n")] = 0;
                    fw_state = !strcmp(line + 9, "ran") ? "ran" : !strcmp(line + 9, "skipped") ? "skipped" : "failed";
                } else {
                    fputs(line, stdout);
                    if (!strncmp(line, "firmware (", 10)) { snprintf(fwline, sizeof fwline, "%s", line); fwline[strcspn(fwline, "\r\n")] = 0; }
                }
            }
            fclose(p);
        }
    }

    /* ---- summary.txt and report.html ---- */
    {
        FILE *f;
        int j;
        const char *rows[3] = {"peak memory (PMU), B", "model size, B", "MACs"};
        const long long bef[3] = {(long long)r0.pmu_exact, (long long)r0.size_bytes, (long long)r0.macs};
        const long long aft[3] = {(long long)fr.after.pmu_exact, (long long)fr.after.size_bytes, (long long)fr.after.macs};
        const long long bud[3] = {(long long)budget[0], (long long)budget[2], (long long)budget[3]};
        snprintf(path, sizeof path, "%s/summary.txt", out);
        if (!(f = fopen(path, "w"))) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
        fprintf(f, "diffprune fit: %s (%s), %d classes, input %dx%dx%d; %d training, %d test items\n",
                data, fit_kind_name[kind], nc, tr.h, tr.w, tr.c, tr.n, te.n);
        fprintf(f, "board: %s (%s, %s, %d MHz); backbone %s x%.2f%s\n\n", cb.name, cb.mcu, cb.core, cb.clock_mhz,
                net.backbone, (double)width, uniform ? " scaled uniformly (--uniform)" : ", pruned");
        fprintf(f, "%-24s %14s %14s %14s %s\n", "", "before", "after", "budget", "");
        for (j = 0; j < 3; j++) fprintf(f, "%-24s %14lld %14lld %14lld %s\n", rows[j], bef[j], aft[j], bud[j], aft[j] <= bud[j] ? "met" : "MISSED");
        fprintf(f, "\naccuracy: float %.4f, int8 %.4f on %d test items; int8 arena %lld B, model file %lu B\n",
                (double)fr.test_acc, (double)hits / te.n, te.n, (long long)q.info.arena_bytes, (unsigned long)q.len);
        fprintf(f, "training: %.0f s%s\n", fr.seconds, fr.met ? "" : "; the pruner did not meet the budgets");
        fprintf(f, "firmware: %s%s%s\n", fw_state, fwline[0] ? "; " : "", fwline);
        fit_confusion_txt(f, &info, cm, nc);
        if (fclose(f) != 0) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
        snprintf(path, sizeof path, "%s/report.html", out);
        if (!(f = fopen(path, "w"))) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
        fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>diffprune fit: ");
        fit_html_text(f, cb.name);
        fprintf(f, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
                   "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}"
                   ".ok{color:#1a7f37}.bad{color:#c62828;font-weight:bold}img{max-width:100%%;border:1px solid #ddd;margin:.5em 0}</style>\n</head>\n<body>\n");
        fprintf(f, "<h1>diffprune fit: ");
        fit_html_text(f, data);
        fprintf(f, " on ");
        fit_html_text(f, cb.name);
        fprintf(f, "</h1>\n<p>%s, %d classes, input %d&times;%d&times;%d, %d training and %d test items. Backbone %s &times;%.2f%s. "
                   "%s %s, %s, %d MHz.</p>\n", fit_kind_name[kind], nc, tr.h, tr.w, tr.c, tr.n, te.n, net.backbone, (double)width,
                uniform ? ", scaled uniformly" : ", pruned while training", "Board", cb.mcu, cb.core, cb.clock_mhz);
        fprintf(f, "<h2>Budgets</h2>\n<table>\n<tr><th class=\"l\"></th><th>before</th><th>after</th><th>budget</th><th></th></tr>\n");
        for (j = 0; j < 3; j++)
            fprintf(f, "<tr><td class=\"l\">%s</td><td>%lld</td><td>%lld</td><td>%lld</td><td class=\"%s\">%s</td></tr>\n",
                    rows[j], bef[j], aft[j], bud[j], aft[j] <= bud[j] ? "ok" : "bad", aft[j] <= bud[j] ? "met" : "missed");
        fprintf(f, "</table>\n<p>Accuracy on the test set: float <b>%.4f</b>, int8 <b>%.4f</b>. int8 arena %lld B, model file %lu B "
                   "(<code>model.dpm</code>, <code>model.dpm.h</code>). Training %.0f s.</p>\n",
                (double)fr.test_acc, (double)hits / te.n, (long long)q.info.arena_bytes, (unsigned long)q.len, fr.seconds);
        fprintf(f, "<p>Firmware: <span class=\"%s\">%s</span>", strcmp(fw_state, "failed") ? "ok" : "bad", fw_state);
        if (fwline[0]) { fprintf(f, ": "); fit_html_text(f, fwline); }
        fprintf(f, "</p>\n<h2>Per-class accuracy (int8) and confusion matrix</h2>\n<table>\n<tr><th class=\"l\">true \\ predicted</th>");
        for (j = 0; j < nc; j++) { fprintf(f, "<th>"); fit_html_text(f, info.class_names[j]); fprintf(f, "</th>"); }
        fprintf(f, "<th>items</th><th>accuracy</th></tr>\n");
        for (i = 0; i < nc; i++) {
            int n = 0;
            for (j = 0; j < nc; j++) n += cm[i * nc + j];
            fprintf(f, "<tr><th class=\"l\">");
            fit_html_text(f, info.class_names[i]);
            fprintf(f, "</th>");
            for (j = 0; j < nc; j++) fprintf(f, "<td%s>%d</td>", i == j ? " style=\"background:#e3f0ff\"" : "", cm[i * nc + j]);
            fprintf(f, "<td>%d</td><td>%.4f</td></tr>\n", n, n ? (double)cm[i * nc + i] / n : 0.0);
        }
        fprintf(f, "</table>\n<h2>Layers before and after pruning</h2>\n<img src=\"layers.svg\" alt=\"per-layer channels, working set and MACs\">\n"
                   "<h2>Pruning trajectory</h2>\n<img src=\"trajectory.svg\" alt=\"resources against the budgets at each width update\">\n"
                   "<p>Files: summary.txt, model.dpm, model.dpm.h, model_input.h, prune.csv, layers.svg, trajectory.svg.</p>\n</body>\n</html>\n");
        if (fclose(f) != 0) { fprintf(stderr, "diffprune fit: cannot write %s\n", path); return 1; }
    }
    printf("\n%-24s %14s %14s %14s\n", "", "before", "after", "budget");
    printf("%-24s %14lld %14lld %14lld\n", "peak memory (PMU), B", (long long)r0.pmu_exact, (long long)fr.after.pmu_exact, (long long)budget[0]);
    printf("%-24s %14lld %14lld %14lld\n", "model size, B", (long long)r0.size_bytes, (long long)fr.after.size_bytes, (long long)budget[2]);
    printf("%-24s %14lld %14lld %14lld\n", "MACs", (long long)r0.macs, (long long)fr.after.macs, (long long)budget[3]);
    printf("accuracy: float %.4f, int8 %.4f on %d test items; int8 arena %lld B, model file %lu B\n",
           (double)fr.test_acc, (double)hits / te.n, te.n, (long long)q.info.arena_bytes, (unsigned long)q.len);
    if (uniform) printf("training: %.0f s\n", fr.seconds);
    else if (fr.met) printf("training: %.0f s; budgets met at step %ld of %ld (%.0f s%s), then the compacted network trained on\n",
                            fr.seconds, fr.met_step, fr.steps, fr.seconds_to_met, fr.projected_step >= 0 ? ", widths projected" : "");
    else printf("training: %.0f s; the pruner did not meet the budgets\n", fr.seconds);
    printf("wrote %s/{model.dpm, model.dpm.h, model_input.h, summary.txt, layers.svg, trajectory.svg, prune.csv, report.html}\n", out);
    printf("fit: float_acc=%.4f int8_acc=%.4f pmu=%lld budget_pmu=%lld size=%lld budget_size=%lld macs=%lld budget_macs=%lld firmware=%s\n",
           (double)fr.test_acc, (double)hits / te.n, (long long)fr.after.pmu_exact, (long long)budget[0], (long long)fr.after.size_bytes,
           (long long)budget[2], (long long)fr.after.macs, (long long)budget[3], fw_state);
    rc = !met ? 4 : !strcmp(fw_state, "failed") ? 5 : 0;
    cli_int8_free(&q);
    free(cm); free(rb); free(ra);
    dp_pruner_free(pr);
    dp_graph_free(g);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return rc;
}

/* ---- boards: the >>boards table ---- */
static int cmd_boards(int argc, char **argv)
{
    const cli_opt none[] = {CLI_END};
    int i, st;
    const dp_board *b;
    if ((st = cli_parse("diffprune boards", "usage: diffprune boards   the boards diffprune fit --board knows, with their default budgets\n",
                        none, argc - 2, argv + 2, NULL, 0, NULL)) != 0) return st == 1 ? 0 : 2;
    printf("%-20s %-13s %-13s %5s %9s %9s %10s %10s %12s  %s\n", "board", "mcu", "core", "MHz", "SRAM_KB", "flash_KB",
           "budget_pmu", "budget_size", "budget_macs", "emulated as (mcu/ TARGET PROFILE)");
    for (i = 0; (b = dp_board_get(i)) != NULL; i++) {
        long p, s;
        dp_board_budgets(b, &p, &s);
        printf("%-20s %-13s %-13s %5d %9ld %9ld %10ld %10ld %12ld  %s %s\n", b->name, b->mcu, b->core, b->clock_mhz, b->sram / 1024,
               b->flash / 1024, p, s, (long)((long long)b->clock_mhz * 1000000 / 18), b->emu_target[0] ? b->emu_target : "-", b->emu_profile[0] ? b->emu_profile : "");
    }
    return 0;
}

/* the commands other than prune: their positional arguments and options,
   parsed by the same strict parser (so --help works on each) */
static int run_simple(const char *cmd, int argc, char **argv)
{
    static const struct { const char *name, *args; int n_pos; } cmds[] = {
        {"version", "", 0}, {"ops", "", 0}, {"zoo", "", 0}, {"example-model", " -o FILE", 0},
        {"info", " FILE", 1}, {"run", " FILE INPUT", 2}, {"report", " NAME", 1}, {"sched", " FILE", 1},
        {"import", " MODEL.tflite -o MODEL.dpm", 1}, {"export", " MODEL.dpm -o MODEL.tflite", 1},
    };
    const char *pos[2] = {NULL, NULL}, *out = NULL;
    char prog[64], use[160];
    int k, n_pos = 0, st, n = (int)(sizeof cmds / sizeof cmds[0]);
    for (k = 0; k < n && strcmp(cmds[k].name, cmd); k++) {}
    if (k == n) { fprintf(stderr, "diffprune: unknown command '%s' (try --help)\n", cmd); return 2; }
    {
        const cli_opt with_o[] = {CLI_SHARED("-o", &out, "(required)"), CLI_END}, none[] = {CLI_END};
        snprintf(prog, sizeof prog, "diffprune %s", cmd);
        snprintf(use, sizeof use, "usage: diffprune %s%s   (diffprune --help describes every command)\n", cmd, cmds[k].args);
        st = cli_parse(prog, use, (k == 3 || k == 8 || k == 9) ? with_o : none, argc, argv, pos, cmds[k].n_pos, &n_pos);
        if (st) return st == 1 ? 0 : 2;
    }
    if (n_pos != cmds[k].n_pos || ((k == 3 || k == 8 || k == 9) && !out)) {
        fprintf(stderr, "%s: needs%s (try %s --help)\n", prog, cmds[k].args, prog);
        return 2;
    }
    switch (k) {
    case 0: printf("diffprune %s\n", DP_VERSION_STRING); return 0;
    case 1: for (k = 0; k < DP_OP_COUNT; k++) printf("%d %s\n", k, dp_op_name(k)); return 0;
    case 2: return cmd_zoo();
    case 3: return cmd_example_model(out);
    case 4: return cmd_info(pos[0]);
    case 5: return cmd_run(pos[0], pos[1]);
    case 6: return cmd_report(pos[0]);
    case 8: return cmd_import(pos[0], out);
    case 9: return cmd_export(pos[0], out);
    default: return cmd_sched(pos[0]);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) return run_simple("version", argc - 2, argv + 2);
    if (!strcmp(argv[1], "prune")) return cmd_prune(argc, argv);
    if (!strcmp(argv[1], "fit")) return cmd_fit(argc, argv);
    if (!strcmp(argv[1], "boards")) return cmd_boards(argc, argv);
    return run_simple(argv[1], argc - 2, argv + 2);
}

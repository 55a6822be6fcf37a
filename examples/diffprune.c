/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line: the paper's backbones and
   their resources (zoo, report), the exact peak-memory scheduler on a text
   graph (sched), and differentiable pruning while training on Fashion-MNIST
   toward budgets on peak memory, model size and MACs, then int8 (prune).

   Build:  cc -O2 -o diffprune examples/diffprune.c -lm   (make builds build/diffprune) */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "cli.h"
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

static int cmd_info(const char *path)
{
    dp_model m;
    unsigned char *buf;
    dp_tensor_info ti, to;
    int i;
    if (cli_model_load("diffprune", path, &m, &buf) != DP_OK) return 1;
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
    void *arena;
    int8_t *x, *y;
    int st;
    if (cli_model_load("diffprune", path, &m, &buf) != DP_OK) return 1;
    if (dp_read_file(input, 0, &in, &n, err, sizeof err) != DP_OK) { fprintf(stderr, "diffprune: %s\n", err); dp_free(buf); return 1; }
    arena = calloc(dp_model_arena_size(&m) + 1, 1);
    x = dp_model_input(&m, arena, &ti);
    if (!arena || !x || n != ti.bytes) {
        fprintf(stderr, "diffprune: %s is %lu bytes; the model's input is %dx%dx%d = %u int8 bytes\n", input,
                (unsigned long)n, (int)ti.shape.h, (int)ti.shape.w, (int)ti.shape.c, (unsigned)ti.bytes);
        dp_free(buf); dp_free(in); free(arena);
        return 1;
    }
    memcpy(x, in, n);
    st = dp_model_run(&m, arena, dp_model_arena_size(&m));
    if (st != DP_OK) { fprintf(stderr, "diffprune: run failed: %s\n", dp_status_str(st)); dp_free(buf); dp_free(in); free(arena); return 1; }
    y = dp_model_output(&m, arena, &to);
    for (i = 0; i < to.bytes; i++) printf("%s%d", i ? " " : "", (int)y[i]);
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
            CLI_FLOAT("--plan", &fc.prune_plan, 0, 1, 0, "F", "plan eta so the budgets are met after fraction F of training (0: no plan) [0]"),
            CLI_SHARED("--early-term", &fc.early_term, "[on: with masks fixed once the budgets are met, compacting then trains the same function, cheaper]"),
            CLI_FLAG("--no-early-term", &no_et, "keep training the masked full-size graph until QAT"),
            CLI_SHARED("--qat-epochs", &qat, "[1]"),
            CLI_SHARED("--csv", &csv, NULL),
            CLI_SHARED("-o", &out, "(.dpm) and FILE.h, a C array"),
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
        dp_prune_cfg none;
        dp_pruner *pw;
        int w[256], n = 0;
        const char *q = widths;
        memset(&none, 0, sizeof none);
        while (n < 256 && *q) { char *e; long x = strtol(q, &e, 10); if (e == q) break; w[n++] = (int)x; q = *e == ',' ? e + 1 : e; }
        if (!(pw = dp_pruner_new(g, &none, &st, err, sizeof err))) { fprintf(stderr, "diffprune prune: %s\n", err); return 1; }
        if (*q || n != dp_pruner_n_groups(pw) || dp_pruner_set_widths(pw, g, w, n) != DP_OK || dp_pruner_compact(pw, &g, NULL) != DP_OK) {
            fprintf(stderr, "diffprune prune: --widths needs %d comma-separated widths within the backbone's (%s)\n",
                    dp_pruner_n_groups(pw), *q || n != dp_pruner_n_groups(pw) ? "wrong count" : dp_graph_error(g));
            return 2;
        }
        dp_pruner_free(pw);
        no_prune = 1;
        printf("architecture from --widths, trained from scratch\n");
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
        int i;
        if (dp_pruner_print_summary(pr, g, stdout) != DP_OK) fprintf(stderr, "diffprune prune: pruning summary: %s\n", dp_graph_error(g));
        printf("widths: ");
        for (i = 0; i < dp_pruner_n_groups(pr); i++) { int w; dp_pruner_group(pr, i, NULL, NULL, &w, NULL); printf("%s%d", i ? "," : "", w); }
        printf("\n");
    }
    if (no_prune && !uniform) fr.met = fr.after.pmu_exact <= pc.budget_pmu && fr.after.size_bytes <= pc.budget_size && fr.after.macs <= pc.budget_macs;
    printf("time: %.1f s; budgets %s", fr.seconds, fr.met ? "met" : no_prune ? "not met (no pruning)\n" : "NOT met (raise --eta or --epochs)\n");
    if (fr.met && pr) printf(" at step %ld of %ld (%.1f s)%s\n", fr.met_step, fr.steps, fr.seconds_to_met,
                             fr.projected_step >= 0 ? ", by projecting the widths onto them" : "");
    else if (fr.met) printf("\n");
    {   /* int8: export (and write -o), load, run over the test set */
        cli_int8 q;
        if (cli_int8_export("diffprune prune", &q, g, tr.x, tr.n < 1000 ? tr.n : 1000, out, "pruned_model") != DP_OK ||
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

/* the commands other than prune: their positional arguments and options,
   parsed by the same strict parser (so --help works on each) */
static int run_simple(const char *cmd, int argc, char **argv)
{
    static const struct { const char *name, *args; int n_pos; } cmds[] = {
        {"version", "", 0}, {"ops", "", 0}, {"zoo", "", 0}, {"example-model", " -o FILE", 0},
        {"info", " FILE", 1}, {"run", " FILE INPUT", 2}, {"report", " NAME", 1}, {"sched", " FILE", 1},
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
        st = cli_parse(prog, use, k == 3 ? with_o : none, argc, argv, pos, cmds[k].n_pos, &n_pos);
        if (st) return st == 1 ? 0 : 2;
    }
    if (n_pos != cmds[k].n_pos || (k == 3 && !out)) {
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
    return run_simple(argv[1], argc - 2, argv + 2);
}

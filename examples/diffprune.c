/* examples/diffprune.c - the diffprune command-line tool.

   Shows: the library driven from a command line: the paper's backbones and
   their resources (zoo, report), the exact peak-memory scheduler on a text
   graph (sched), and differentiable pruning while training on Fashion-MNIST
   toward budgets on peak memory, model size and MACs, then int8 (prune).

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

/* ---- prune: train + prune on Fashion-MNIST, int8, evaluate ---- */
static void prune_usage(FILE *f)
{
    fprintf(f,
        "usage: diffprune prune [options]\n"
        "Trains a backbone on Fashion-MNIST while pruning it (the paper's Section 3)\n"
        "until peak memory, model size and MACs are within the budgets; exports int8,\n"
        "runs the int8 model on the test set and ends with a line\n"
        "  final: pmu=B size=B macs=N budget_pmu=B budget_size=B budget_macs=N acc=F time=S\n"
        "options (defaults in brackets):\n"
        "  --quick            8000 training images, 2000 test, 4 epochs (< 1 min)\n"
        "  --backbone NAME    mbv2 (MobileNet-v2, residual blocks) | cnn (plain) [mbv2]\n"
        "  --width W          backbone width multiplier before pruning [1.0; quick 0.5]\n"
        "  --pmu B --size B --macs N   budgets in bytes, bytes, MACs; 0 = none\n"
        "                     [50%%, 25%%, 35%% of the unpruned backbone]\n"
        "  --match-width W    budgets = resources of the backbone scaled uniformly to W\n"
        "  --no-prune         plain training of the backbone as built\n"
        "  --uniform          the baseline: no pruning, the backbone scaled uniformly\n"
        "                     to the widest width (step 0.01, up to --width) within\n"
        "                     the budgets, trained on the same images and schedule\n"
        "  --widths A,B,...   no pruning: train the backbone with these layer-group\n"
        "                     widths (a pruned run's \"widths:\" line) from scratch\n"
        "  --epochs N [8] --batch N [128; quick 64] --lr F [0.05] --seed N [1]\n"
        "  --limit N          training images (first N) [all]   --test-limit N [all]\n"
        "  --every N          steps per width update [20; quick 5]\n"
        "  --eta F            width learning rate [1; quick 2]   --r F [2/3]\n"
        "  --losses both|task|res      pruning feedback (Table 2 ablation) [both]\n"
        "  --pmu-objective exact|imprecise|none   (Figure 4 ablation) [exact]\n"
        "  --scalarise random|sum      combine objectives [random]\n"
        "  --no-focus         update every layer, not only bottleneck ones\n"
        "  --task-signal signed|pushback  task term: Eq. 9 as printed, or from\n"
        "                     |dL/dM| so it only resists shrinking [signed]\n"
        "  --prune-start E    epoch of the first width update [0]\n"
        "  --early-term       compact as soon as budgets are met\n"
        "  --qat-epochs N     final quantisation-aware epochs [1]\n"
        "  --csv FILE         pruning log, a row per width update\n"
        "  -o FILE.dpm        write the int8 model (and FILE.dpm.h)\n"
        "  --data DIR         [/usr/share/datasets/fashion-mnist]  --threads N [all]\n");
}

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
    int i, st, quick = 0, limit = 0, test_limit = 0, every = 0, batch = 0, epochs = 0, qat = 1, hits = 0;
    float width = 0.0f, eta = 0.0f, lr = 0.05f, r = 0.0f, start = 0.0f, match = 0.0f;
    int no_prune = 0, uniform = 0;
    long long bp = -1, bs = -1, bm = -1;
    unsigned long seed = 1;
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
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (!strcmp(a, name) && v && (i++, 1))
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { prune_usage(stdout); return 0; }
        else if (!strcmp(a, "--quick")) quick = 1;
        else if (!strcmp(a, "--no-prune")) no_prune = 1;
        else if (!strcmp(a, "--uniform")) uniform = 1;
        else if (ARG("--widths")) widths = v;
        else if (ARG("--match-width")) match = (float)atof(v);
        else if (ARG("--backbone")) backbone = v;
        else if (ARG("--width")) width = (float)atof(v);
        else if (ARG("--pmu")) bp = atoll(v);
        else if (ARG("--size")) bs = atoll(v);
        else if (ARG("--macs")) bm = atoll(v);
        else if (ARG("--epochs")) epochs = atoi(v);
        else if (ARG("--batch")) batch = atoi(v);
        else if (ARG("--lr")) lr = (float)atof(v);
        else if (ARG("--seed")) seed = strtoul(v, NULL, 10);
        else if (ARG("--limit")) limit = atoi(v);
        else if (ARG("--test-limit")) test_limit = atoi(v);
        else if (ARG("--every")) every = atoi(v);
        else if (ARG("--eta")) eta = (float)atof(v);
        else if (ARG("--r")) r = (float)atof(v);
        else if (ARG("--losses")) pc.losses = !strcmp(v, "task") ? DP_PRUNE_TASK_ONLY : !strcmp(v, "res") ? DP_PRUNE_RES_ONLY : !strcmp(v, "both") ? DP_PRUNE_BOTH : -1;
        else if (ARG("--pmu-objective")) pc.pmu_objective = !strcmp(v, "imprecise") ? DP_PMU_IMPRECISE : !strcmp(v, "none") ? DP_PMU_NONE : !strcmp(v, "exact") ? DP_PMU_EXACT : -1;
        else if (ARG("--scalarise")) pc.scalarise = !strcmp(v, "sum") ? DP_SCALARISE_SUM : !strcmp(v, "random") ? DP_SCALARISE_RANDOM : -1;
        else if (!strcmp(a, "--no-focus")) pc.no_focus = 1;
        else if (ARG("--task-signal")) pc.task_signal = !strcmp(v, "pushback") ? DP_TASK_PUSHBACK : !strcmp(v, "signed") ? DP_TASK_SIGNED : -1;
        else if (ARG("--prune-start")) start = (float)atof(v);
        else if (!strcmp(a, "--early-term")) fc.early_term = 1;
        else if (ARG("--qat-epochs")) qat = atoi(v);
        else if (ARG("--csv")) csv = v;
        else if (ARG("-o")) out = v;
        else if (ARG("--data")) dir = v;
        else if (ARG("--threads")) dp_set_threads(atoi(v));
        else { fprintf(stderr, "diffprune prune: unknown or incomplete option '%s' (try prune --help)\n", a); return 2; }
#undef ARG
    }
    if (pc.losses < 0 || pc.pmu_objective < 0 || pc.scalarise < 0 || pc.task_signal < 0) { fprintf(stderr, "diffprune prune: bad value for --losses, --pmu-objective, --scalarise or --task-signal\n"); return 2; }
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
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
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
        dp_pruner_print_summary(pr, g, stdout);
        printf("widths: ");
        for (i = 0; i < dp_pruner_n_groups(pr); i++) { int w; dp_pruner_group(pr, i, NULL, NULL, &w, NULL); printf("%s%d", i ? "," : "", w); }
        printf("\n");
    }
    if (no_prune && !uniform) fr.met = fr.after.pmu_exact <= pc.budget_pmu && fr.after.size_bytes <= pc.budget_size && fr.after.macs <= pc.budget_macs;
    printf("time: %.1f s; budgets %s", fr.seconds, fr.met ? "met" : no_prune ? "not met (no pruning)\n" : "NOT met (raise --eta or --epochs)\n");
    if (fr.met && pr) printf(" at step %ld of %ld (%.1f s)%s\n", fr.met_step, fr.steps, fr.seconds_to_met,
                             fr.projected_step >= 0 ? ", by projecting the widths onto them" : "");
    else if (fr.met) printf("\n");
    {   /* int8 */
        void *blob = NULL;
        size_t len = 0;
        dp_export_info info;
        dp_model m;
        int8_t *arena;
        if ((st = dp_export(g, tr.x, tr.n < 1000 ? tr.n : 1000, &blob, &len, &info, err, sizeof err)) != DP_OK) {
            fprintf(stderr, "diffprune prune: export: %s\n", err);
            return 1;
        }
        if (out) {
            char hdr[1024];
            snprintf(hdr, sizeof hdr, "%s.h", out);
            if (dp_model_save(out, blob, len) != DP_OK || dp_write_c_array(hdr, "pruned_model", blob, len) != DP_OK)
                fprintf(stderr, "warning: could not write %s or %s\n", out, hdr);
        }
        dp_model_init(&m, blob, len);
        arena = (int8_t *)malloc(dp_model_arena_size(&m));
        for (i = 0; arena && i < te.n; i++) {
            dp_model_set_input_f32(&m, arena, te.x + (size_t)784 * i);
            dp_model_run(&m, arena, dp_model_arena_size(&m));
            hits += dp_model_output_argmax(&m, arena) == te.y[i];
        }
        printf("int8: %lu bytes, arena %lld B, test accuracy %.4f (float %.4f)%s%s\n", (unsigned long)len,
               (long long)info.arena_bytes, (double)hits / te.n, (double)fr.test_acc, out ? ", wrote " : "", out ? out : "");
        free(arena);
        free(blob);
    }
    printf("final: pmu=%lld size=%lld macs=%lld budget_pmu=%lld budget_size=%lld budget_macs=%lld acc=%.4f time=%.1f\n",
           (long long)fr.after.pmu_exact, (long long)fr.after.size_bytes, (long long)fr.after.macs,
           (long long)pc.budget_pmu, (long long)pc.budget_size, (long long)pc.budget_macs, (double)hits / te.n, fr.seconds);
    dp_pruner_free(pr);
    dp_graph_free(g);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return fr.met || no_prune ? 0 : 4;
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
    if (!strcmp(argv[1], "prune")) return cmd_prune(argc, argv);
    fprintf(stderr, "diffprune: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}

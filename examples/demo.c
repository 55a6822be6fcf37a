/* examples/demo.c - the whole pipeline on Fashion-MNIST, for one board.

   Takes a network that does not fit the board (a wide CNN: over budget on
   peak memory, model size and MACs), trains it while the differentiable
   pruner shrinks every layer to the board's budgets, compacts it as soon as
   they are met (early termination), runs the last epoch quantisation-aware,
   exports int8, and runs the int8 model over the whole test set. Writes to
   OUT (build/demo-out): demo.dpm and demo.dpm.h (the model for firmware),
   demo.tflite (the same int8 model for TensorFlow Lite Micro),
   layers.svg (per-layer widths, working set and MACs before and after, as
   the paper's Figures 8 and 11), trajectory.svg (PMU, size and MACs against
   the budgets at every width update), prune.csv, and summary.txt
   (key=value lines that demo.sh completes with the firmware run).
   Without Fashion-MNIST it says how to get it and uses a small built-in
   set of drawn shapes instead, so the pipeline still runs end to end.

   Build:  cc -O3 -march=native -fopenmp -o demo examples/demo.c -lm
   Run:    ./demo [--board f446re|f767zi] [--backbone cnn|mbv2] [--width W]
                  [--epochs N] [--pmu B] [--size B] [--macs N] [--limit N]
                  [--data DIR] [--synthetic] [--out DIR] [--seed S]
   `make demo` runs it and then the firmware on the emulated Cortex-M. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "cli.h"
#include "report.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef struct board {
    const char *key, *name, *mcu_target, *mcu_profile;
    int64_t pmu, size, macs;    /* budgets */
    int mhz;
} board;
/* budgets: half the SRAM for activations, half the flash for the model, and
   a MAC count that runs well under a second: the int8 kernels take 1.7 to
   8 instructions per MAC on the Cortex-M4 (make -C mcu bench), so 10 M MACs
   are 0.1 to 0.45 s at 180 MHz */
static const board boards[] = {
    {"f446re", "STM32F446RE (NUCLEO-F446RE): Cortex-M4 at 180 MHz, 128 KB SRAM, 512 KB flash",
     "m4", "nucleo-f446re", 65536, 262144, 10000000, 180},
    {"f767zi", "STM32F767ZI (NUCLEO-F767ZI): Cortex-M7 at 216 MHz, 512 KB SRAM, 2 MB flash",
     "m7", "nucleo-f767zi", 262144, 1048576, 40000000, 216},
};

/* ---- the fallback data: ten kinds of drawn shapes, 28x28 ---- */
static void draw(float *im, int kind, dp_rng *r)
{
    int y, x, cy = 9 + (int)dp_rng_below(r, 10), cx = 9 + (int)dp_rng_below(r, 10), s = 4 + (int)dp_rng_below(r, 5);
    float v = 0.6f + 0.4f * dp_rng_uniform(r);
    for (y = 0; y < 28; y++) for (x = 0; x < 28; x++) {
        int dy = y - cy, dx = x - cx, on = 0, ay = abs(dy), ax = abs(dx);
        switch (kind) {
        case 0: on = ay <= 1 && ax <= s + 3; break;                       /* bar */
        case 1: on = ax <= 1 && ay <= s + 3; break;                       /* post */
        case 2: on = abs(dy - dx) <= 1 && ax <= s + 2; break;             /* \ */
        case 3: on = abs(dy + dx) <= 1 && ax <= s + 2; break;             /* / */
        case 4: on = ay <= s && ax <= s; break;                           /* block */
        case 5: on = abs((int)sqrtf((float)(dy * dy + dx * dx)) - s) <= 1; break;  /* ring */
        case 6: on = (ay <= 1 && ax <= s + 2) || (ax <= 1 && ay <= s + 2); break;  /* + */
        case 7: on = (abs(dy - dx) <= 1 || abs(dy + dx) <= 1) && ax <= s + 1; break; /* x */
        case 8: on = ay <= s + 2 && ax <= s + 2 && ((dy + 16) / 3 + (dx + 16) / 3) % 2; break;  /* checks */
        default: on = ay <= s + 2 && ax <= s + 2 && dp_rng_uniform(r) < 0.25f; break;  /* speckle */
        }
        im[y * 28 + x] = (on ? v : 0.0f) + 0.15f * dp_rng_uniform(r);
    }
}

static int make_shapes(dp_dataset *d, int n, uint64_t seed)
{
    dp_rng r;
    int i;
    dp_rng_seed(&r, seed);
    memset(d, 0, sizeof *d);
    d->n = n; d->h = d->w = 28; d->c = 1; d->n_classes = 10;
    d->x = (float *)malloc(sizeof(float) * 784 * (size_t)n);
    d->y = (int *)malloc(sizeof(int) * (size_t)n);
    if (!d->x || !d->y) return DP_ERR_NOMEM;
    for (i = 0; i < n; i++) { d->y[i] = (int)dp_rng_below(&r, 10); draw(d->x + 784 * (size_t)i, d->y[i], &r); }
    return DP_OK;
}

static int build(dp_graph *g, const char *name, float w)
{
    int x;
    if (!strcmp(name, "mbv2")) return dp_build_mobilenet_v2(g, 28, 28, 1, 10, w);
    x = dp_input(g, "image", 28, 28, 1);
    x = dp_conv_bn_act(g, "conv1", x, (int)(32 * w), 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "conv2", x, (int)(64 * w), 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool1", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "conv3", x, (int)(128 * w), 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool2", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "conv4", x, (int)(128 * w), 3, 1, 1, DP_ACT_RELU);
    x = dp_relu(g, "fc1_relu", dp_fc(g, "fc1", dp_global_avgpool(g, "gap", x), 128));
    x = dp_fc(g, "fc2", x, 10);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}

static rep_names names;    /* op names of the network before pruning (freed with it) */

int main(int argc, char **argv)
{
    const char *dir = "/usr/share/datasets/fashion-mnist", *out = "build/demo-out", *bname = "f446re", *backbone = "cnn";
    int i, st, epochs = 6, limit = 0, synthetic = 0, nb, na, hits = 0, threads = -1;
    float width = 1.25f;
    long long bp = -1, bs = -1, bm = -1;
    unsigned long long seed = 1;
    const board *bd = NULL;
    dp_dataset tr, te;
    dp_graph *g;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fr;
    dp_pruner *pr = NULL;
    dp_op_report *rb, *ra;
    dp_resources r0;
    char err[512], path[1024];
    int64_t budget[4];
    FILE *sf;
    {
        const cli_opt opts[] = {
            CLI_STR("--board", &bname, "NAME", "f446re | f767zi: the board whose budgets to meet [f446re]"),
            CLI_SHARED("--backbone", &backbone, "cnn | mbv2 [cnn]"),
            CLI_SHARED("--width", &width, "[1.25]"),
            CLI_SHARED("--epochs", &epochs, "(at least 2) [6]"),
            CLI_SHARED("--pmu", &bp, "[the board's]"),
            CLI_SHARED("--size", &bs, "[the board's]"),
            CLI_SHARED("--macs", &bm, "[the board's]"),
            CLI_SHARED("--limit", &limit, "[all]"),
            CLI_SHARED("--data", &dir, "[/usr/share/datasets/fashion-mnist]"),
            CLI_FLAG("--synthetic", &synthetic, "the built-in drawn shapes instead of Fashion-MNIST"),
            CLI_STR("--out", &out, "DIR", "where the model, figures and summary go [build/demo-out]"),
            CLI_SHARED("--seed", &seed, "[1]"),
            CLI_SHARED("--threads", &threads, "[0]"),
            CLI_END
        };
        if ((st = cli_parse("demo", "usage: demo [options]   prune a wide CNN to a board's budgets on Fashion-MNIST,\n"
                                    "  export int8 and run it (make demo runs it, then the firmware)\n",
                            opts, argc - 1, argv + 1, NULL, 0, NULL)) != 0)
            return st == 1 ? 0 : 2;
    }
    if (threads >= 0) dp_set_threads(threads);
    for (i = 0; i < (int)(sizeof boards / sizeof boards[0]); i++) if (!strcmp(boards[i].key, bname)) bd = &boards[i];
    if (!bd) { fprintf(stderr, "demo: --board: '%s' must be one of f446re|f767zi (try --help)\n", bname); return 2; }
    if (strcmp(backbone, "cnn") && strcmp(backbone, "mbv2")) {
        fprintf(stderr, "demo: --backbone: '%s' must be one of cnn|mbv2 (try --help)\n", backbone);
        return 2;
    }
    if (epochs < 2) { fprintf(stderr, "demo: --epochs: '%d' must be at least 2 (one to prune, one quantisation-aware)\n", epochs); return 2; }
    budget[0] = bp >= 0 ? bp : bd->pmu; budget[1] = budget[0]; budget[2] = bs >= 0 ? bs : bd->size; budget[3] = bm >= 0 ? bm : bd->macs;
    if (!synthetic && (dp_idx_load_split(dir, "train", &tr, err, sizeof err) != DP_OK ||
                       dp_idx_load_split(dir, "t10k", &te, err, sizeof err) != DP_OK)) {
        fprintf(stderr, "demo: Fashion-MNIST not found in %s (%s)\n"
                        "  get it with: sudo apt-get install dataset-fashion-mnist  (or --data DIR with the IDX files)\n"
                        "  using the built-in drawn-shapes set instead (10 classes, 12000 + 2000 images)\n", dir, err);
        synthetic = 1;
    }
    if (synthetic && (make_shapes(&tr, 12000, seed) != DP_OK || make_shapes(&te, 2000, seed + 7) != DP_OK)) return 1;
    if (limit > 0 && limit < tr.n) tr.n = limit;
    dp_dataset_normalize(&tr, 0.286f, 0.353f);
    dp_dataset_normalize(&te, 0.286f, 0.353f);

    g = dp_graph_new(seed);
    if ((st = build(g, backbone, width)) < 0) { fprintf(stderr, "demo: %s\n", dp_graph_error(g)); return 1; }
    rb = (dp_op_report *)calloc((size_t)dp_graph_n_nodes(g) + 1, sizeof *rb);
    ra = (dp_op_report *)calloc((size_t)dp_graph_n_nodes(g) + 1, sizeof *ra);
    if (!rb || !ra || dp_graph_resources(g, NULL, &r0, rb, dp_graph_n_nodes(g), NULL) != DP_OK) return 1;
    nb = r0.n_ops;
    for (i = 0; i < nb && i < REP_MAX_OPS; i++) snprintf(names[i], sizeof names[i], "%s", rb[i].name);
    printf("board:    %s\n", bd->name);
    printf("budgets:  PMU %lld B, model %lld B, %lld MACs\n", (long long)budget[0], (long long)budget[2], (long long)budget[3]);
    printf("backbone: %s x%.2f: PMU %lld B, model %lld B, %lld MACs%s\n", backbone, (double)width, (long long)r0.pmu_exact,
           (long long)r0.size_bytes, (long long)r0.macs, r0.pmu_exact > budget[0] && r0.size_bytes > budget[2] && r0.macs > budget[3] ? " (over on all three)" : "");
    printf("data:     %s, %d training images (the pruner samples them too), %d test\n",
           synthetic ? "built-in drawn shapes" : "Fashion-MNIST", tr.n, te.n);
    fflush(stdout);

    memset(&pc, 0, sizeof pc);
    pc.budget_pmu = budget[0]; pc.budget_size = budget[2]; pc.budget_macs = budget[3]; pc.seed = seed;
    pc.every = 10; pc.eta = 2.0f;
    memset(&fc, 0, sizeof fc);
    fc.epochs = epochs; fc.batch = 128; fc.lr = 0.05f; fc.weight_decay = 5e-5f; fc.qat_epochs = 1;
    fc.prune = &pc; fc.prune_start = 0.25f; fc.early_term = 1; fc.progress = 1; fc.verbose = 1; fc.seed = seed;
    fc.aug.crop = 2; fc.aug.flip = synthetic ? 0.0f : 0.5f;
    snprintf(path, sizeof path, "%s/prune.csv", out);
    fc.log_csv = path;
    fc.pruner_out = &pr;
    if ((st = dp_fit(&g, &tr, &te, &fc, &fr, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "demo: %s\n", err);
        return st == DP_ERR_BUDGET ? 3 : 1;
    }
    if (dp_pruner_print_summary(pr, g, stdout) != DP_OK) fprintf(stderr, "demo: pruning summary: %s\n", dp_graph_error(g));
    if (dp_graph_resources(g, NULL, &fr.after, ra, dp_graph_n_nodes(g), NULL) != DP_OK) return 1;
    na = fr.after.n_ops;
    snprintf(path, sizeof path, "%s/layers.svg", out);
    if (rep_layers_svg(path, rb, nb, ra, na, names, bd->key, (double)bd->pmu) != DP_OK) fprintf(stderr, "demo: cannot write %s\n", path);
    snprintf(path, sizeof path, "%s/trajectory.svg", out);
    if (rep_trajectory_svg(path, pr, bd->key, budget) != DP_OK) fprintf(stderr, "demo: cannot write %s\n", path);
    {   /* int8: export, save for the firmware, load it back, run over the whole test set */
        cli_int8 q;
        snprintf(path, sizeof path, "%s/demo.dpm", out);
        char tfl[4096];
        snprintf(tfl, sizeof tfl, "%s/demo.tflite", out);   /* the same model for TFLM */
        if (cli_int8_export("demo", &q, g, tr.x, 1000, path, "demo_model") != DP_OK || cli_int8_tflite("demo", &q, tfl) != DP_OK ||
            (hits = cli_int8_hits("demo", &q, te.x, 784, te.y, te.n)) < 0) {
            cli_int8_free(&q);
            return 1;
        }
        printf("\n%-26s %14s %14s %14s\n", "", "before", "after", "budget");
        printf("%-26s %14lld %14lld %14lld\n", "peak memory (PMU), B", (long long)r0.pmu_exact, (long long)fr.after.pmu_exact, (long long)budget[0]);
        printf("%-26s %14lld %14lld %14lld\n", "model size, B", (long long)r0.size_bytes, (long long)fr.after.size_bytes, (long long)budget[2]);
        printf("%-26s %14lld %14lld %14lld\n", "MACs", (long long)r0.macs, (long long)fr.after.macs, (long long)budget[3]);
        printf("accuracy: float %.4f, int8 %.4f on %d test images; int8 arena %lld B, model file %lu B\n",
               (double)fr.test_acc, (double)hits / te.n, te.n, (long long)q.info.arena_bytes, (unsigned long)q.len);
        if (fr.met)
            printf("training: %.0f s; budgets met at step %ld of %ld (%.0f s), then the compacted network trained on\n",
                   fr.seconds, fr.met_step, fr.steps, fr.seconds_to_met);
        else
            printf("training: %.0f s; the budgets were NOT met: give it more --epochs\n", fr.seconds);
        printf("wrote %s/{demo.dpm, demo.dpm.h, layers.svg, trajectory.svg, prune.csv}\n", out);
        snprintf(path, sizeof path, "%s/summary.txt", out);
        if (!(sf = fopen(path, "w"))) { fprintf(stderr, "demo: cannot write %s\n", path); cli_int8_free(&q); return 1; }
        fprintf(sf, "float_acc=%.4f\nint8_acc=%.4f\npmu=%lld\nbudget_pmu=%lld\nsize=%lld\nbudget_size=%lld\nmacs=%lld\nbudget_macs=%lld\n"
                    "arena=%lld\nmcu_target=%s\nmcu_profile=%s\nmhz=%d\ndata=%s\n",
                (double)fr.test_acc, (double)hits / te.n, (long long)fr.after.pmu_exact, (long long)budget[0], (long long)fr.after.size_bytes,
                (long long)budget[2], (long long)fr.after.macs, (long long)budget[3], (long long)q.info.arena_bytes,
                bd->mcu_target, bd->mcu_profile, bd->mhz, synthetic ? "shapes" : "fashion");
        cli_int8_free(&q);
        if (fclose(sf) != 0) { fprintf(stderr, "demo: cannot write %s\n", path); return 1; }
    }
    dp_pruner_free(pr);
    dp_graph_free(g);
    free(rb); free(ra);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return fr.met ? 0 : 4;
}

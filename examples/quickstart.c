/* examples/quickstart.c - the README's quick start, verbatim: a MobileNet-v2
   trained on Fashion-MNIST while it is pruned to budgets on peak memory,
   model size and MACs, then exported to int8 and run by the interpreter
   (tests compile it, so the README cannot drift from the API).

   Build:  cc -O3 -march=native -fopenmp -o quickstart examples/quickstart.c -lm */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include <stdio.h>
#include <string.h>

int main(void) {
    const char *dir = "/usr/share/datasets/fashion-mnist";     /* apt-get install dataset-fashion-mnist */
    dp_dataset tr, te;
    char err[512];
    if (dp_idx_load_split(dir, "train", &tr, err, sizeof err) || dp_idx_load_split(dir, "t10k", &te, err, sizeof err))
        return puts(err), 1;
    dp_graph *g = dp_graph_new(1);                          /* seeded: runs repeat bit for bit */
    if (dp_build_mobilenet_v2(g, 28, 28, 1, 10, 0.5f) < 0)  /* or your own: dp_conv_bn_act, dp_add2, ... */
        return puts(dp_graph_error(g)), 1;
    dp_prune_cfg budget;
    memset(&budget, 0, sizeof budget);
    budget.budget_pmu = 6000;                               /* bytes of SRAM for activations */
    budget.budget_size = 150000;                            /* bytes of flash for weights    */
    budget.budget_macs = 500000;                            /* multiply-adds per inference   */
    dp_fit_cfg fit;
    memset(&fit, 0, sizeof fit);
    fit.epochs = 4; fit.qat_epochs = 1; fit.prune = &budget; fit.progress = 1;
    dp_fit_result r;                                        /* trains, prunes, compacts: */
    if (dp_fit(&g, &tr, &te, &fit, &r, err, sizeof err)) return puts(err), 1;
    void *blob; size_t len; dp_export_info info;            /* int8, calibrated on 500 images */
    if (dp_export(g, tr.x, 500, &blob, &len, &info, err, sizeof err)) return puts(err), 1;
    if (dp_write_c_array("model.h", "model", blob, len))    /* for the firmware */
        return puts("cannot write model.h"), 1;
    dp_model m;
    static int8_t arena[16384];
    if (dp_model_init(&m, blob, len) || dp_model_arena_size(&m) > sizeof arena) return 1;
    if (dp_model_set_input_f32(&m, arena, te.x)             /* the first test image */
        || dp_model_run(&m, arena, sizeof arena)) return 1;
    printf("pmu %lld B, size %lld B, %lld MACs, float accuracy %.4f; image 0: class %d, label %d\n",
           (long long)r.after.pmu_exact, (long long)r.after.size_bytes, (long long)r.after.macs,
           (double)r.test_acc, dp_model_output_argmax(&m, arena), te.y[0]);
    return 0;
}

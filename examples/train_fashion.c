/* examples/train_fashion.c - trains a small CNN on Fashion-MNIST in float.

   Shows: building a graph, SGD with momentum and a cosine schedule, data
   augmentation, a progress bar, atomic checkpoints every epoch, resuming,
   what happens when training diverges (the last good checkpoint stays),
   and the int8 export: the trained model is quantised (calibrated on 1000
   training images), written as a .dpm file and a C header, and run by the
   int8 interpreter over the whole test set.
   Reaches about 92% test accuracy with the defaults (8 epochs).

   Build:  cc -O3 -march=native -fopenmp -o train_fashion examples/train_fashion.c -lm
   Run:    ./train_fashion [--epochs N] [--data DIR] [--ckpt FILE] [--resume]
                           [--threads T] [--batch B] [--lr LR] [--seed S] [--limit N]
                           [--export FILE.dpm] [--export-only] [--qat-epochs N]
           --qat-epochs N: quantisation-aware training in the last N epochs.
           --export-only loads --ckpt and exports it without training.
   Data:   apt-get install dataset-fashion-mnist  (gzipped IDX files in
           /usr/share/datasets/fashion-mnist), or any directory with the four
           IDX files, gzipped or not. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_split(const char *dir, const char *split, dp_dataset *ds)
{
    char img[1024], lab[1024], err[256];
    const char *ext[2] = {".gz", ""};
    int i, st = DP_ERR_IO;
    for (i = 0; i < 2 && st != DP_OK; i++) {
        snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte%s", dir, split, ext[i]);
        snprintf(lab, sizeof lab, "%s/%s-labels-idx1-ubyte%s", dir, split, ext[i]);
        st = dp_idx_load(img, lab, ds, err, sizeof err);
    }
    if (st != DP_OK) fprintf(stderr, "error: %s\n", err);
    return st;
}

static int build_net(dp_graph *g)
{
    int x = dp_input(g, "image", 28, 28, 1);
    x = dp_conv_bn_act(g, "conv1", x, 32, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "conv2", x, 32, 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool1", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "conv3", x, 64, 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "pool2", x, 2, 2, NULL);
    x = dp_relu(g, "fc1_relu", dp_fc(g, "fc1", x, 128));
    x = dp_dropout(g, "drop", x, 0.3f);
    x = dp_fc(g, "fc2", x, 10);
    return dp_softmax_ce(g, "loss", x);
}

int main(int argc, char **argv)
{
    const char *dir = "/usr/share/datasets/fashion-mnist", *ckpt = "fashion.ckpt", *dpm = "fashion.dpm";
    int epochs = 8, batch = 64, resume = 0, threads = 0, limit = 0, export_only = 0, qat_epochs = 0, i, st;
    float lr = 0.05f;
    unsigned long long seed = 1;
    dp_dataset tr, te;
    dp_graph *g;
    dp_optim *opt;
    dp_optim_cfg oc;
    dp_lr_sched sch;
    dp_augment aug;
    dp_rng rng;
    long step = 0, steps_per_epoch, total;
    int *order, *yb;
    float *xb, acc, loss;

    {
        const cli_opt opts[] = {
            CLI_SHARED("--epochs", &epochs, "[8]"),
            CLI_SHARED("--data", &dir, "(Fashion-MNIST IDX files) [/usr/share/datasets/fashion-mnist]"),
            CLI_STR("--ckpt", &ckpt, "FILE", "checkpoint written every epoch [fashion.ckpt]"),
            CLI_FLAG("--resume", &resume, "continue from --ckpt"),
            CLI_SHARED("--threads", &threads, "[0]"),
            CLI_SHARED("--batch", &batch, "[64]"),
            CLI_SHARED("--lr", &lr, "(peak of the cosine schedule) [0.05]"),
            CLI_SHARED("--seed", &seed, "[1]"),
            CLI_SHARED("--limit", &limit, "[all]"),
            CLI_STR("--export", &dpm, "FILE", "the int8 model (and FILE.h, a C array) [fashion.dpm]"),
            CLI_FLAG("--export-only", &export_only, "load --ckpt and export it without training"),
            CLI_SHARED("--qat-epochs", &qat_epochs, "(quantisation-aware training in the last N) [0]"),
            CLI_END
        };
        if ((st = cli_parse("train_fashion", "usage: train_fashion [options]   train a small CNN on Fashion-MNIST, export int8\n",
                            opts, argc - 1, argv + 1, NULL, 0, NULL)) != 0)
            return st == 1 ? 0 : 2;
    }
    if (export_only) resume = 1;
    if (qat_epochs > epochs) { fprintf(stderr, "train_fashion: --qat-epochs: '%d' must not exceed --epochs (%d)\n", qat_epochs, epochs); return 2; }
    if (load_split(dir, "train", &tr) || load_split(dir, "t10k", &te)) {
        fprintf(stderr, "Fashion-MNIST not found in %s: apt-get install dataset-fashion-mnist, or --data DIR\n", dir);
        return 1;
    }
    if (limit > 0 && limit < tr.n) tr.n = limit;
    dp_dataset_normalize(&tr, 0.286f, 0.353f);
    dp_dataset_normalize(&te, 0.286f, 0.353f);
    dp_set_threads(threads);

    g = dp_graph_new(seed);
    if (build_net(g) < 0) { fprintf(stderr, "error: %s\n", dp_graph_error(g)); return 1; }
    memset(&oc, 0, sizeof oc);
    oc.kind = DP_SGD; oc.momentum = 0.9f; oc.nesterov = 1; oc.weight_decay = 5e-4f;
    if (!(opt = dp_optim_new(g, &oc))) { fprintf(stderr, "error: optimiser: %s\n", dp_graph_error(g)); return 1; }
    if (resume) {
        char err[256];
        if ((st = dp_checkpoint_load(ckpt, g, opt, &step, err, sizeof err)) != DP_OK) {
            fprintf(stderr, "error: cannot resume: %s\n", err);
            return 1;
        }
        printf("resumed from %s at step %ld\n", ckpt, step);
    }
    steps_per_epoch = (tr.n + batch - 1) / batch;
    total = steps_per_epoch * epochs;
    memset(&sch, 0, sizeof sch);
    sch.kind = DP_LR_COSINE; sch.base = lr; sch.warmup = steps_per_epoch / 4; sch.total = total; sch.final_lr = 0.0f;
    aug.crop = 2; aug.flip = 0.5f;
    order = (int *)malloc(sizeof(int) * (size_t)tr.n);
    xb = (float *)malloc(sizeof(float) * 784 * (size_t)batch);
    yb = (int *)malloc(sizeof(int) * (size_t)batch);
    if (!order || !xb || !yb) { fprintf(stderr, "error: out of memory\n"); return 1; }
    printf("network: %lu parameters, %d threads\n", (unsigned long)dp_graph_n_params(g), dp_get_threads());

    while (step < total && !export_only) {
        int epoch = (int)(step / steps_per_epoch), hits = 0, seen = 0;
        long s0 = step;
        double lsum = 0.0;
        dp_progress pb;
        char label[32], extra[96];
        if (qat_epochs > 0 && epoch >= epochs - qat_epochs && dp_graph_set_qat(g, 1) != DP_OK) {
            fprintf(stderr, "error: %s\n", dp_graph_error(g));
            return 1;
        }
        /* the shuffle of each epoch depends only on (seed, epoch): resuming repeats it */
        dp_rng_seed(&rng, seed * 1000003ull + (unsigned long)epoch);
        for (i = 0; i < tr.n; i++) order[i] = i;
        dp_rng_shuffle(&rng, order, tr.n);
        snprintf(label, sizeof label, "epoch %d/%d", epoch + 1, epochs);
        dp_progress_start(&pb, label, steps_per_epoch);
        for (; step < (long)(epoch + 1) * steps_per_epoch; step++) {
            int off = (int)((step % steps_per_epoch) * batch), b = batch < tr.n - off ? batch : tr.n - off, hit = 0;
            dp_dataset_batch(&tr, order + off, b, xb, yb, &aug, &rng);
            st = dp_train_step(g, opt, xb, yb, b, dp_lr_at(&sch, step), &loss, &hit);
            if (st == DP_ERR_NAN) {
                fprintf(stderr, "\nerror: %s\nthe last good checkpoint %s is kept; lower --lr and --resume\n", dp_graph_error(g), ckpt);
                return 3;
            } else if (st) {
                fprintf(stderr, "\nerror: %s\n", dp_graph_error(g));
                return 1;
            }
            hits += hit; seen += b; lsum += (double)loss * b;
            snprintf(extra, sizeof extra, "loss %.3f acc %.3f lr %.4f", lsum / seen, (double)hits / seen, (double)dp_lr_at(&sch, step));
            dp_progress_update(&pb, step - (long)epoch * steps_per_epoch + 1, (double)(step - s0 + 1) * batch, extra);
        }
        dp_progress_end(&pb);
        if ((st = dp_checkpoint_save(ckpt, g, opt, step)) != DP_OK)
            fprintf(stderr, "warning: could not save %s: %s\n", ckpt, dp_status_str(st));
        if ((st = dp_evaluate(g, te.x, te.y, te.n, 500, &acc, &loss)) != DP_OK) { fprintf(stderr, "error: %s\n", dp_graph_error(g)); return 1; }
        printf("epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f\n", epoch + 1, lsum / seen, (double)hits / seen, loss, acc);
        fflush(stdout);
    }
    if ((st = dp_evaluate(g, te.x, te.y, te.n, 500, &acc, &loss)) != DP_OK) { fprintf(stderr, "error: %s\n", dp_graph_error(g)); return 1; }
    printf("final: test_acc=%.4f test_loss=%.4f params=%lu\n", acc, loss, (unsigned long)dp_graph_n_params(g));
    {   /* int8: quantise, save, load it back and run the interpreter over the test set */
        cli_int8 q;
        int hits;
        if (cli_int8_export("train_fashion", &q, g, tr.x, 1000, dpm, "fashion_model") != DP_OK ||
            (hits = cli_int8_hits("train_fashion", &q, te.x, 784, te.y, te.n)) < 0) {
            cli_int8_free(&q);
            return 1;
        }
        printf("int8: wrote %s and %s.h (%lu bytes); arena %lld bytes = pmu %lld; test_acc=%.4f (float %.4f)\n",
               dpm, dpm, (unsigned long)q.len, (long long)q.info.arena_bytes, (long long)q.info.pmu, (double)hits / te.n, acc);
        cli_int8_free(&q);
    }
    free(order); free(xb); free(yb);
    dp_optim_free(opt); dp_graph_free(g);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return 0;
}

/* bench/bench_bn.c - batch-norm speed: the fastest of many repetitions
   (robust on a busy machine) of a training forward + backward of
   conv -> bn -> relu at batch 64 for the shapes of bench_train's networks,
   and of a whole cnn28 training step. To compare with another version of
   the header, build this file twice and run the two alternately:

   cc -O3 -march=native -fopenmp -o bn_new bench/bench_bn.c -lm
   git show REV:diffprune.h > /tmp/dp_old.h
   cc -O3 -march=native -fopenmp -DDP_BENCH_HEADER='"/tmp/dp_old.h"' -o bn_old bench/bench_bn.c -lm
   usage: bench_bn [--threads T] [--reps N] */
#define DIFFPRUNE_IMPLEMENTATION
#ifndef DP_BENCH_HEADER
#define DP_BENCH_HEADER "../diffprune.h"
#endif
#include DP_BENCH_HEADER
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB 64

/* the fastest forward+backward (ms) of input(h,w,c) -> 1x1 depthwise conv
   (so that batch norm computes dx) -> bn -> relu -> gap -> fc */
static double time_bn(int h, int c, int reps, int threads)
{
    dp_graph *g = dp_graph_new(1);
    dp_rng r;
    float *x = (float *)malloc(sizeof(float) * NB * h * h * c);
    int v = dp_input(g, "x", h, h, c), y[NB], i;
    double best = 1e30;
    dp_conv_opts o;
    memset(&o, 0, sizeof o); o.groups = c; o.no_bias = 1;
    v = dp_conv2d(g, "dw", v, c, 1, 1, &o);
    v = dp_relu(g, "r", dp_batchnorm(g, "bn", v));
    dp_softmax_ce(g, "loss", dp_fc(g, "fc", dp_global_avgpool(g, "gap", v), 10));
    dp_rng_seed(&r, 1);
    for (i = 0; i < NB * h * h * c; i++) x[i] = dp_rng_normal(&r);
    for (i = 0; i < NB; i++) y[i] = i % 10;
    dp_set_threads(threads);
    for (i = 0; i < reps; i++) {
        double t0 = dp_time(), t;
        dp_graph_set_labels(g, y, NB);
        dp_graph_forward(g, x, NB, DP_TRAIN);
        dp_graph_backward(g);
        t = dp_time() - t0;
        if (t < best) best = t;
    }
    dp_graph_free(g);
    free(x);
    return best * 1e3;
}

/* the fastest training step (ms) of bench_train's cnn28 */
static double time_cnn28(int reps, int threads)
{
    dp_graph *g = dp_graph_new(1);
    dp_optim_cfg oc;
    dp_optim *o;
    dp_rng r;
    float *x = (float *)malloc(sizeof(float) * NB * 28 * 28);
    int v = dp_input(g, "x", 28, 28, 1), y[NB], i;
    double best = 1e30;
    v = dp_conv_bn_act(g, "c1", v, 32, 3, 1, 1, DP_ACT_RELU);
    v = dp_conv_bn_act(g, "c2", v, 32, 3, 1, 1, DP_ACT_RELU);
    v = dp_maxpool(g, "p1", v, 2, 2, NULL);
    v = dp_conv_bn_act(g, "c3", v, 64, 3, 1, 1, DP_ACT_RELU);
    v = dp_conv_bn_act(g, "c4", v, 64, 3, 1, 1, DP_ACT_RELU);
    v = dp_maxpool(g, "p2", v, 2, 2, NULL);
    v = dp_conv_bn_act(g, "c5", v, 128, 3, 1, 1, DP_ACT_RELU);
    dp_softmax_ce(g, "loss", dp_fc(g, "fc", dp_global_avgpool(g, "gap", v), 10));
    memset(&oc, 0, sizeof oc); oc.momentum = 0.9f;
    o = dp_optim_new(g, &oc);
    dp_rng_seed(&r, 2);
    for (i = 0; i < NB * 28 * 28; i++) x[i] = dp_rng_uniform(&r);
    for (i = 0; i < NB; i++) y[i] = i % 10;
    dp_set_threads(threads);
    for (i = 0; i < reps; i++) {
        double t0 = dp_time(), t;
        dp_train_step(g, o, x, y, NB, 0.01f, NULL, NULL);
        t = dp_time() - t0;
        if (t < best) best = t;
    }
    dp_optim_free(o);
    dp_graph_free(g);
    free(x);
    return best * 1e3;
}

int main(int argc, char **argv)
{
    static const int shapes[][2] = { { 28, 32 }, { 14, 64 }, { 7, 128 }, { 25, 64 }, { 56, 16 } };
    int threads = 1, reps = 30, i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else { fprintf(stderr, "usage: bench_bn [--threads T] [--reps N]\n"); return 2; }
    }
    for (i = 0; i < (int)(sizeof shapes / sizeof shapes[0]); i++)
        printf("dw1x1+bn+relu %2dx%-2dx%-3d batch %d: fwd+bwd %.3f ms\n", shapes[i][0], shapes[i][0], shapes[i][1], NB,
               time_bn(shapes[i][0], shapes[i][1], reps, threads));
    printf("cnn28 training step batch %d: %.2f ms\n", NB, time_cnn28(reps / 2 + 1, threads));
    return 0;
}

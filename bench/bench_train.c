/* bench/bench_train.c - times one training step (forward, loss, backward,
   SGD update) at batch 64 on the three reference networks of issue 2 and
   prints img/s. `make bench-train` runs it next to bench/torch_train.py
   with the same thread count and prints the ratio.

   cc -O3 -march=native -fopenmp -o bench_train bench/bench_train.c -lm
   usage: bench_train [--threads T] [--seconds S] [--profile] [cnn28|dscnn|mbv2 ...] */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "../examples/cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int build_cnn28(dp_graph *g)
{
    int x = dp_input(g, "x", 28, 28, 1);
    x = dp_conv_bn_act(g, "c1", x, 32, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c2", x, 32, 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "p1", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "c3", x, 64, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c4", x, 64, 3, 1, 1, DP_ACT_RELU);
    x = dp_maxpool(g, "p2", x, 2, 2, NULL);
    x = dp_conv_bn_act(g, "c5", x, 128, 3, 1, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 10);
    return dp_softmax_ce(g, "loss", x);
}

static int build_dscnn(dp_graph *g)
{
    dp_conv_opts o;
    int x = dp_input(g, "x", 49, 10, 1), i;
    char nm[32];
    memset(&o, 0, sizeof o);
    o.stride_h = o.stride_w = 2; o.pad = DP_PAD_EXPLICIT; o.pad_t = o.pad_l = o.pad_b = o.pad_r = 1; o.no_bias = 1;
    x = dp_relu(g, "c0_relu", dp_batchnorm(g, "c0_bn", dp_conv2d(g, "c0", x, 64, 3, 3, &o)));
    for (i = 0; i < 4; i++) {
        snprintf(nm, sizeof nm, "dw%d", i);
        x = dp_conv_bn_act(g, nm, x, 64, 3, 1, 64, DP_ACT_RELU);
        snprintf(nm, sizeof nm, "pw%d", i);
        x = dp_conv_bn_act(g, nm, x, 64, 1, 1, 1, DP_ACT_RELU);
    }
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 12);
    return dp_softmax_ce(g, "loss", x);
}

static int build_mbv2(dp_graph *g)
{
    static const int cfg[5][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 2, 2}, {6, 64, 2, 2}, {6, 96, 1, 1}};
    int x = dp_input(g, "x", 32, 32, 3), cin = 16, s, i, b = 0;
    char nm[32];
    x = dp_conv_bn_act(g, "stem", x, 16, 3, 1, 1, DP_ACT_RELU6);
    for (s = 0; s < 5; s++) for (i = 0; i < cfg[s][2]; i++) {
        int t = cfg[s][0], c = cfg[s][1], st = i ? 1 : cfg[s][3], y = x, hid = cin * t;
        if (t != 1) { snprintf(nm, sizeof nm, "b%d_exp", b); y = dp_conv_bn_act(g, nm, y, hid, 1, 1, 1, DP_ACT_RELU6); }
        snprintf(nm, sizeof nm, "b%d_dw", b); y = dp_conv_bn_act(g, nm, y, hid, 3, st, hid, DP_ACT_RELU6);
        snprintf(nm, sizeof nm, "b%d_proj", b); y = dp_conv_bn_act(g, nm, y, c, 1, 1, 1, DP_ACT_NONE);
        if (st == 1 && cin == c) { snprintf(nm, sizeof nm, "b%d_add", b); y = dp_add2(g, nm, y, x); }
        x = y; cin = c; b++;
    }
    x = dp_conv_bn_act(g, "head", x, 320, 1, 1, 1, DP_ACT_RELU6);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 10);
    return dp_softmax_ce(g, "loss", x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *nets[3] = {"cnn28", "dscnn", "mbv2"};
    const char *want[8];
    int nwant = 0, i, threads = 0, profile = 0;
    float fsec = 8.0f;
    double seconds;
    const cli_opt opts[] = {
        CLI_SHARED("--threads", &threads, "[0]"),
        CLI_FLOAT("--seconds", &fsec, 0, 3600, 1, "S", "time per network [8]"),
        CLI_FLAG("--profile", &profile, "per-op times (dp_graph_profile)"),
        CLI_END
    };
    if ((i = cli_parse("bench_train", "usage: bench_train [options] [cnn28|dscnn|mbv2 ...]\n", opts, argc - 1, argv + 1,
                       want, 8, &nwant)) != 0)
        return i == 1 ? 0 : 2;
    seconds = fsec;
    if (!nwant) for (i = 0; i < 3; i++) want[nwant++] = nets[i];
    dp_set_threads(threads);
    for (i = 0; i < nwant; i++) {
        dp_graph *g = dp_graph_new(1);
        dp_optim_cfg oc;
        dp_optim *o;
        dp_rng r;
        int B = 64, k, st, steps = 0, classes, *y;
        size_t per;
        float *x;
        double t0, times[4096];
        dp_node_info in;
        if (!strcmp(want[i], "cnn28")) build_cnn28(g);
        else if (!strcmp(want[i], "dscnn")) build_dscnn(g);
        else if (!strcmp(want[i], "mbv2")) build_mbv2(g);
        else { fprintf(stderr, "unknown net '%s'\n", want[i]); return 2; }
        if (dp_graph_status(g)) { fprintf(stderr, "%s: %s\n", want[i], dp_graph_error(g)); return 1; }
        memset(&oc, 0, sizeof oc);
        oc.kind = DP_SGD; oc.momentum = 0.9f; oc.weight_decay = 5e-4f;
        o = dp_optim_new(g, &oc);
        dp_graph_node(g, 0, &in);
        per = (size_t)in.h * in.w * in.c;
        dp_graph_node(g, dp_graph_output(g), &in);
        classes = in.c;
        x = (float *)malloc(sizeof(float) * per * B);
        y = (int *)malloc(sizeof(int) * B);
        dp_rng_seed(&r, 3);
        for (k = 0; k < (int)(per * B); k++) x[k] = dp_rng_normal(&r);
        for (k = 0; k < B; k++) y[k] = (int)dp_rng_below(&r, (uint32_t)classes);
        for (k = 0; k < 3; k++) dp_train_step(g, o, x, y, B, 0.01f, NULL, NULL);   /* warm-up */
        if (profile) dp_graph_profile(g, 1);
        t0 = dp_time();
        while (steps < 4096 && (dp_time() - t0 < seconds || steps < 5)) {
            double s = dp_time();
            st = dp_train_step(g, o, x, y, B, 0.01f, NULL, NULL);
            if (st) { fprintf(stderr, "%s: %s\n", want[i], dp_graph_error(g)); return 1; }
            times[steps++] = dp_time() - s;
        }
        qsort(times, (size_t)steps, sizeof(double), cmp_double);
        printf("diffprune %s img_s=%.1f threads=%d steps=%d\n", want[i], B / times[steps / 2], dp_get_threads(), steps);
        if (profile) dp_graph_print_profile(g, stdout);
        fflush(stdout);
        free(x); free(y); dp_optim_free(o); dp_graph_free(g);
    }
    return 0;
}

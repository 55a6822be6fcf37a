/* examples/quickstart.c - the README's quick start, verbatim: a CNN trained
   for one epoch on Fashion-MNIST and checkpointed (tests compile it, so the
   README cannot drift from the API).

   Build:  cc -O3 -march=native -fopenmp -o quickstart examples/quickstart.c -lm */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"

int main(void) {
    dp_dataset tr;
    char err[256];
    if (dp_idx_load("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                    "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz", &tr, err, sizeof err))
        return puts(err), 1;
    dp_graph *g = dp_graph_new(1);                       /* seed: runs repeat bit for bit */
    int x = dp_input(g, "image", 28, 28, 1);
    x = dp_conv_bn_act(g, "conv1", x, 32, 3, 1, 1, DP_ACT_RELU);   /* 3x3, stride 1, dense */
    x = dp_maxpool(g, "pool", x, 2, 2, NULL);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 10);
    dp_softmax_ce(g, "loss", x);
    if (dp_graph_status(g)) return puts(dp_graph_error(g)), 1;   /* names the bad layer */
    dp_optim_cfg oc = {DP_SGD, 0.9f, 1, 5e-4f, 0, 0, 0};
    dp_optim *o = dp_optim_new(g, &oc);
    for (int i = 0; i + 64 <= tr.n; i += 64)
        if (dp_train_step(g, o, tr.x + (size_t)i * 784, tr.y + i, 64, 0.05f, NULL, NULL))
            return puts(dp_graph_error(g)), 1;               /* e.g. NaN: parameters untouched */
    dp_checkpoint_save("net.ckpt", g, o, 0);             /* atomic */
    return 0;
}

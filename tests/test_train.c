/* tests/test_train.c - the training half beyond gradients: shape errors
   with messages, optimisers against hand-computed updates, learning-rate
   schedules, repeatable runs, NaN handling, atomic and validated
   checkpoints, the IDX loader (raw and gzipped) and augmentation. */
#define _POSIX_C_SOURCE 200809L
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

static char tmpdir[64];

static void path_in_tmp(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void test_shape_errors(void)
{
    dp_graph *g = dp_graph_new(1);
    int x = dp_input(g, "x", 8, 8, 3), a, b, y;
    a = dp_conv2d(g, "branch_a", x, 8, 3, 3, NULL);
    b = dp_conv2d(g, "branch_b", x, 16, 3, 3, NULL);
    y = dp_add2(g, "merge", a, b);
    CHECK(y == DP_ERR_SHAPE, "add of 8 and 16 channels: got %d", y);
    CHECK(strstr(dp_graph_error(g), "merge") != NULL, "message names the layer: %s", dp_graph_error(g));
    /* sticky: later layers report the same error without a new message */
    y = dp_relu(g, "after", y);
    CHECK(y == DP_ERR_SHAPE && strstr(dp_graph_error(g), "merge"), "sticky error: %d %s", y, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 4, 4, 1);
    {
        dp_conv_opts o; memset(&o, 0, sizeof o);
        o.pad = DP_PAD_VALID;
        y = dp_conv2d(g, "too_big", x, 4, 5, 5, &o);
    }
    CHECK(y == DP_ERR_SHAPE && strstr(dp_graph_error(g), "too_big") && strstr(dp_graph_error(g), "larger"),
          "kernel larger than padded input: %d %s", y, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 8, 8, 2);
    {
        int xs[2];
        dp_pool_opts po; memset(&po, 0, sizeof po);
        xs[0] = x; xs[1] = dp_maxpool(g, "half", x, 2, 2, &po);
        y = dp_concat(g, "cat", 2, xs);
    }
    CHECK(y == DP_ERR_SHAPE && strstr(dp_graph_error(g), "cat"), "concat of 8x8 and 4x4: %d %s", y, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 8, 8, 6);
    {
        dp_conv_opts o; memset(&o, 0, sizeof o);
        o.groups = 4;
        y = dp_conv2d(g, "grp", x, 8, 3, 3, &o);
    }
    CHECK(y == DP_ERR_SHAPE && strstr(dp_graph_error(g), "grp"), "groups not dividing channels: %d %s", y, dp_graph_error(g));
    dp_graph_free(g);
}

/* the error convention (diffprune.h, 3. CONVENTIONS): a call on a graph
   without an err argument leaves its message in the graph, even for a
   misuse that is not a shape error */
static void test_error_channel(void)
{
    static const float m1[4] = {1, 1, 1, 1};
    float x1[16] = {0};
    int lab[1] = {0}, st, x;
    dp_graph *g = dp_graph_new(1);
    st = dp_build_zoo(g, "no_such_net");
    CHECK(st == DP_ERR_ARG && dp_graph_status(g) == DP_ERR_ARG && strstr(dp_graph_error(g), "no_such_net"),
          "unknown zoo name: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 2, 2, 4);
    st = dp_graph_set_mask(g, x, m1);
    CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "dp_graph_set_mask") && strstr(dp_graph_error(g), "'x'"),
          "mask on the input: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 2, 2, 4);
    st = dp_graph_set_mask(g, 7, m1);
    CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "node 7"), "mask on node 7 of 1: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 2, 2, 4);
    dp_softmax_ce(g, "loss", dp_fc(g, "fc", x, 2));
    st = dp_graph_backward(g);
    CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "no forward pass"), "backward first: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 2, 2, 4);
    dp_softmax_ce(g, "loss", dp_fc(g, "fc", x, 2));
    st = dp_graph_forward(g, x1, 0, DP_EVAL);
    CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "batch size"), "forward of 0 samples: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    g = dp_graph_new(1);
    x = dp_input(g, "x", 2, 2, 4);
    dp_softmax_ce(g, "loss", dp_fc(g, "fc", x, 2));
    st = dp_evaluate(g, x1, lab, 1, 0, NULL, NULL);
    CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "dp_evaluate"), "evaluate with batch 0: %d '%s'", st, dp_graph_error(g));
    dp_graph_free(g);

    {   /* an optimiser made for another graph */
        dp_graph *h = dp_graph_new(2);
        dp_optim_cfg oc;
        dp_optim *o;
        memset(&oc, 0, sizeof oc);
        g = dp_graph_new(1);
        x = dp_input(g, "x", 2, 2, 4);
        dp_softmax_ce(g, "loss", dp_fc(g, "fc", x, 2));
        x = dp_input(h, "x", 2, 2, 4);
        dp_softmax_ce(h, "loss", dp_fc(h, "fc", x, 3));
        o = dp_optim_new(h, &oc);
        CHECK(o != NULL && dp_graph_status(h) == DP_OK, "optimiser for h: %s", dp_graph_error(h));
        st = dp_train_step(g, o, x1, lab, 1, 0.1f, NULL, NULL);
        CHECK(st == DP_ERR_ARG && strstr(dp_graph_error(g), "another graph"), "train step with h's optimiser: %d '%s'", st, dp_graph_error(g));
        dp_optim_free(o);
        dp_graph_free(g); dp_graph_free(h);
    }
}

/* >>grow: the one growable-array helper (a private function: the tests
   include the implementation) */
static void test_grow(void)
{
    size_t cap = 0, c2;
    int icap = 0, i, kept = 1;
    int *a = (int *)dp__grow(NULL, &cap, 1, sizeof(int)), *b;
    CHECK(a && cap == 16, "first block: 16 elements (cap %lu)", (unsigned long)cap);
    for (i = 0; a && i < 16; i++) a[i] = i;
    b = (int *)dp__grow(a, &cap, 16, sizeof(int));
    CHECK(b == a && cap == 16, "big enough: the same block");
    b = (int *)dp__grow(a, &cap, 17, sizeof(int));
    CHECK(b && cap == 32, "one more: doubled to %lu", (unsigned long)cap);
    if (b) a = b;
    b = (int *)dp__grow(a, &cap, 1000, sizeof(int));
    CHECK(b && cap == 1024, "1000: doubled until it fits (%lu)", (unsigned long)cap);
    if (b) a = b;
    for (i = 0; a && i < 16; i++) kept &= a[i] == i;
    CHECK(kept, "contents kept");
    c2 = cap;
    b = (int *)dp__grow(a, &c2, (size_t)-1 / 2, sizeof(int));
    CHECK(b == NULL && c2 == cap, "overflow: NULL, capacity untouched");
    DP_FREE(a);
    a = (int *)dp__grow_int(NULL, &icap, 100, sizeof(int));
    CHECK(a && icap == 128, "int capacity: 100 -> %d", icap);
    CHECK(dp__grow_int(a, &icap, INT32_MAX, sizeof(int)) == NULL && icap == 128, "int capacity over INT32_MAX/2: NULL");
    DP_FREE(a);
}

/* one conv + fc network on random data; returns the graph */
static dp_graph *small_net(uint64_t seed)
{
    dp_graph *g = dp_graph_new(seed);
    int x = dp_input(g, "x", 6, 6, 2);
    x = dp_conv_bn_act(g, "c", x, 4, 3, 1, 1, DP_ACT_RELU);
    x = dp_dropout(g, "d", x, 0.2f);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 3);
    dp_softmax_ce(g, "loss", x);
    return g;
}

static void make_batch(dp_rng *r, float *x, int *y, int n)
{
    int i, j;
    for (i = 0; i < n; i++) {
        y[i] = (int)dp_rng_below(r, 3);
        /* channel 0 carries y - 1, channel 1 carries (y == 2): visible after pooling */
        for (j = 0; j < 72; j++)
            x[i * 72 + j] = dp_rng_normal(r) * 0.5f + (j % 2 == 0 ? (float)(y[i] - 1) : (float)(y[i] == 2));
    }
}

static void test_optimisers(void)
{
    dp_graph *g = small_net(3);
    dp_optim_cfg c;
    dp_optim *o;
    dp_rng r;
    float x[8 * 72], *p0, *gr, lr = 0.1f;
    int y[8], st;
    size_t n = dp_graph_n_params(g), i;
    double worst = 0;
    dp_rng_seed(&r, 1);
    make_batch(&r, x, y, 8);
    /* SGD with momentum and weight decay, two steps by hand */
    memset(&c, 0, sizeof c);
    c.kind = DP_SGD; c.momentum = 0.9f; c.weight_decay = 0.01f;
    o = dp_optim_new(g, &c);
    p0 = (float *)malloc(sizeof(float) * n);
    gr = (float *)malloc(sizeof(float) * n);
    {
        float *v = (float *)calloc(n, sizeof(float));
        int k;
        dp_node_info fc;
        dp_graph_node(g, dp_graph_find(g, "fc"), &fc);
        for (k = 0; k < 2; k++) {
            memcpy(p0, dp_graph_params(g), sizeof(float) * n);
            dp_graph_set_labels(g, y, 8);
            dp_graph_forward(g, x, 8, DP_EVAL);
            dp_graph_backward(g);
            memcpy(gr, dp_graph_grads(g), sizeof(float) * n);
            st = dp_optim_step(o, g, lr);
            CHECK(st == DP_OK, "sgd step");
            for (i = 0; i < n; i++) {
                /* decay applies to kernels: the fc weight is one */
                int decays = (dp_graph_params(g) + i >= fc.weight && dp_graph_params(g) + i < fc.weight + fc.n_weight) ||
                             i < 4 * 9 * 2;
                float d = gr[i] + (decays ? 0.01f * p0[i] : 0.0f), e;
                v[i] = 0.9f * v[i] + d;
                e = fabsf(dp_graph_params(g)[i] - (p0[i] - lr * v[i]));
                if (e > worst) worst = e;
            }
        }
        CHECK(worst < 1e-6, "sgd momentum+decay matches by hand: %g", worst);
        free(v);
    }
    dp_optim_free(o);
    /* Adam: first step moves every parameter with a non-zero gradient by ~lr */
    memset(&c, 0, sizeof c);
    c.kind = DP_ADAM;
    o = dp_optim_new(g, &c);
    memcpy(p0, dp_graph_params(g), sizeof(float) * n);
    dp_graph_set_labels(g, y, 8);
    dp_graph_forward(g, x, 8, DP_EVAL);
    dp_graph_backward(g);
    memcpy(gr, dp_graph_grads(g), sizeof(float) * n);
    dp_optim_step(o, g, 0.01f);
    worst = 0;
    for (i = 0; i < n; i++) {
        double want = p0[i] - 0.01 * gr[i] / (fabs(gr[i]) + 1e-8);
        double e = fabs(dp_graph_params(g)[i] - want);
        if (e > worst) worst = e;
    }
    CHECK(worst < 1e-5, "adam first step = lr * sign(g): %g", worst);
    dp_optim_free(o);
    free(p0); free(gr);
    dp_graph_free(g);
}

static void test_lr(void)
{
    dp_lr_sched s;
    memset(&s, 0, sizeof s);
    s.kind = DP_LR_STEP; s.base = 0.1f; s.step_size = 10; s.gamma = 0.5f;
    CHECK(fabsf(dp_lr_at(&s, 0) - 0.1f) < 1e-7f && fabsf(dp_lr_at(&s, 10) - 0.05f) < 1e-7f &&
          fabsf(dp_lr_at(&s, 25) - 0.025f) < 1e-7f, "step schedule");
    s.kind = DP_LR_COSINE; s.total = 100; s.final_lr = 0.0f;
    CHECK(fabsf(dp_lr_at(&s, 0) - 0.1f) < 1e-6f && fabsf(dp_lr_at(&s, 50) - 0.05f) < 1e-6f &&
          fabsf(dp_lr_at(&s, 100)) < 1e-6f, "cosine schedule: %g %g %g", dp_lr_at(&s, 0), dp_lr_at(&s, 50), dp_lr_at(&s, 100));
    s.warmup = 10;
    CHECK(fabsf(dp_lr_at(&s, 4) - 0.05f) < 1e-6f, "warm-up: %g", dp_lr_at(&s, 4));
}

/* trains for k steps, returns a hash of the parameters */
static int g_fusion = 1;
static uint32_t train_hash(int threads, uint64_t seed, int k, float *final_loss)
{
    dp_graph *g = small_net(seed);
    dp_optim_cfg c;
    dp_optim *o;
    dp_rng r;
    float x[16 * 72], loss = 0;
    int y[16], i;
    uint32_t h;
    dp_set_threads(threads);
    dp_graph_set_fusion(g, g_fusion);
    memset(&c, 0, sizeof c);
    c.kind = DP_SGD; c.momentum = 0.9f;
    o = dp_optim_new(g, &c);
    dp_rng_seed(&r, seed);
    for (i = 0; i < k; i++) {
        make_batch(&r, x, y, 16);
        dp_train_step(g, o, x, y, 16, 0.05f, &loss, NULL);
    }
    h = dp_crc32(0, dp_graph_params(g), sizeof(float) * dp_graph_n_params(g));
    if (final_loss) *final_loss = loss;
    dp_optim_free(o);
    dp_graph_free(g);
    dp_set_threads(0);
    return h;
}

static void test_repeatable(void)
{
    float l1, l2;
    uint32_t a = train_hash(1, 5, 60, &l1), b = train_hash(1, 5, 60, &l2);
    CHECK(a == b && l1 == l2, "same seed, same thread count: bit-identical (%08x %08x)", (unsigned)a, (unsigned)b);
    a = train_hash(2, 5, 60, NULL); b = train_hash(2, 5, 60, NULL);
    CHECK(a == b, "two threads, twice: bit-identical (%08x %08x)", (unsigned)a, (unsigned)b);
    CHECK(train_hash(1, 6, 60, NULL) != train_hash(1, 5, 60, NULL), "a different seed differs");
    /* batch norm + ReLU fused into one pass gives the same bits as two passes */
    g_fusion = 0; b = train_hash(1, 5, 60, NULL); g_fusion = 1;
    CHECK(b == train_hash(1, 5, 60, NULL), "fused and unfused batch norm + ReLU train identically");
    CHECK(l1 < 0.5f, "the small net learns its synthetic task: loss %g", l1);
}

static void test_nan(void)
{
    dp_graph *g = small_net(9);
    dp_optim_cfg c;
    dp_optim *o;
    dp_rng r;
    float x[8 * 72], *before;
    int y[8], st;
    size_t n = dp_graph_n_params(g);
    memset(&c, 0, sizeof c);
    o = dp_optim_new(g, &c);
    dp_rng_seed(&r, 2);
    make_batch(&r, x, y, 8);
    before = (float *)malloc(sizeof(float) * n);
    memcpy(before, dp_graph_params(g), sizeof(float) * n);
    x[5] = NAN;
    st = dp_train_step(g, o, x, y, 8, 0.1f, NULL, NULL);
    CHECK(st == DP_ERR_NAN, "NaN input gives DP_ERR_NAN: %d", st);
    CHECK(strstr(dp_graph_error(g), "NaN") != NULL, "message says NaN: %s", dp_graph_error(g));
    CHECK(memcmp(before, dp_graph_params(g), sizeof(float) * n) == 0, "parameters unchanged after NaN");
    x[5] = 0.5f;   /* not sticky: training goes on from the last good parameters */
    st = dp_train_step(g, o, x, y, 8, 0.1f, NULL, NULL);
    CHECK(st == DP_OK && dp_graph_status(g) == DP_OK, "a finite step after the NaN one works: %d", st);
    free(before);
    dp_optim_free(o);
    dp_graph_free(g);
}

static long file_size(const char *p)
{
    FILE *f = fopen(p, "rb");
    long n;
    if (!f) return -1;
    fseek(f, 0, SEEK_END); n = ftell(f); fclose(f);
    return n;
}

static void test_checkpoints(void)
{
    char path[128], tmp[160], err[256];
    dp_graph *g = small_net(11), *h = small_net(12), *other;
    dp_optim_cfg c;
    dp_optim *o, *oh;
    dp_rng r;
    float x[8 * 72], *snap;
    int y[8], st, k;
    long step = 0;
    size_t n = dp_graph_n_params(g);
    unsigned char *buf;
    FILE *f;
    long sz;
    path_in_tmp(path, sizeof path, "a.ckpt");
    memset(&c, 0, sizeof c);
    c.kind = DP_ADAM;
    o = dp_optim_new(g, &c);
    oh = dp_optim_new(h, &c);
    dp_rng_seed(&r, 4);
    for (k = 0; k < 5; k++) { make_batch(&r, x, y, 8); dp_train_step(g, o, x, y, 8, 0.01f, NULL, NULL); }
    CHECK(dp_checkpoint_save(path, g, o, 5) == DP_OK, "save");
    st = dp_checkpoint_load(path, h, oh, &step, err, sizeof err);
    CHECK(st == DP_OK && step == 5, "load: %d %s", st, err);
    CHECK(memcmp(dp_graph_params(g), dp_graph_params(h), sizeof(float) * n) == 0, "params round-trip bit-exactly");
    /* continuing both gives identical results (optimiser state restored) */
    make_batch(&r, x, y, 8);
    dp_train_step(g, o, x, y, 8, 0.01f, NULL, NULL);
    dp_train_step(h, oh, x, y, 8, 0.01f, NULL, NULL);
    CHECK(memcmp(dp_graph_params(g), dp_graph_params(h), sizeof(float) * n) == 0, "resumed training is identical");

    /* corrupt and truncated files are refused; the model is unchanged */
    snap = (float *)malloc(sizeof(float) * n);
    memcpy(snap, dp_graph_params(h), sizeof(float) * n);
    sz = file_size(path);
    buf = (unsigned char *)malloc((size_t)sz);
    f = fopen(path, "rb"); CHECK(f && fread(buf, 1, (size_t)sz, f) == (size_t)sz, "read back"); if (f) fclose(f);
    {
        long cut[4];
        int i;
        cut[0] = 3; cut[1] = 40; cut[2] = sz / 2; cut[3] = sz - 1;
        for (i = 0; i < 4; i++) {
            char p2[160];
            snprintf(p2, sizeof p2, "%s/trunc.ckpt", tmpdir);
            f = fopen(p2, "wb"); fwrite(buf, 1, (size_t)cut[i], f); fclose(f);
            st = dp_checkpoint_load(p2, h, oh, &step, err, sizeof err);
            CHECK(st != DP_OK && err[0], "truncated at %ld refused: %d %s", cut[i], st, err);
        }
        buf[sz / 2] ^= 0x10;
        snprintf(tmp, sizeof tmp, "%s/flip.ckpt", tmpdir);
        f = fopen(tmp, "wb"); fwrite(buf, 1, (size_t)sz, f); fclose(f);
        st = dp_checkpoint_load(tmp, h, oh, &step, err, sizeof err);
        CHECK(st == DP_ERR_CRC, "flipped bit refused by CRC: %d %s", st, err);
    }
    CHECK(memcmp(snap, dp_graph_params(h), sizeof(float) * n) == 0, "model unchanged after refused loads");
    /* a checkpoint of another network is refused */
    other = dp_graph_new(1);
    dp_fc(other, "fc", dp_input(other, "x", 6, 6, 2), 3);
    st = dp_checkpoint_load(path, other, NULL, NULL, err, sizeof err);
    CHECK(st == DP_ERR_SHAPE && strstr(err, "different network"), "other network refused: %d %s", st, err);
    dp_graph_free(other);

    /* a failing save (PATH.tmp cannot be created) leaves the old file intact */
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    mkdir(tmp, 0755);
    st = dp_checkpoint_save(path, g, o, 99);
    CHECK(st == DP_ERR_IO, "save into a blocked temp path fails: %d", st);
    st = dp_checkpoint_load(path, h, oh, &step, err, sizeof err);
    CHECK(st == DP_OK && step == 5, "previous checkpoint intact after failed save: %d step %ld", st, step);
    rmdir(tmp);
    free(snap); free(buf);
    dp_optim_free(o); dp_optim_free(oh);
    dp_graph_free(g); dp_graph_free(h);
}

static void write_idx(const char *p, const unsigned char *hdr, size_t hn, const unsigned char *d, size_t dn)
{
    FILE *f = fopen(p, "wb");
    fwrite(hdr, 1, hn, f);
    fwrite(d, 1, dn, f);
    fclose(f);
}

static void test_idx(void)
{
    unsigned char ih[16] = {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 3};
    unsigned char lh[8] = {0, 0, 8, 1, 0, 0, 0, 5};
    unsigned char px[60], lab[5] = {0, 1, 2, 9, 4};
    char pi[128], pl[128], err[256], cmd[400];
    dp_dataset ds;
    int i, st;
    for (i = 0; i < 60; i++) px[i] = (unsigned char)(i * 4);
    path_in_tmp(pi, sizeof pi, "img.idx"); path_in_tmp(pl, sizeof pl, "lab.idx");
    write_idx(pi, ih, 16, px, 60); write_idx(pl, lh, 8, lab, 5);
    st = dp_idx_load(pi, pl, &ds, err, sizeof err);
    CHECK(st == DP_OK && ds.n == 5 && ds.h == 4 && ds.w == 3 && ds.n_classes == 10, "raw idx: %d %s", st, err);
    if (st == DP_OK) {
        CHECK(fabsf(ds.x[59] - 236.0f / 255.0f) < 1e-6f && ds.y[3] == 9, "idx values");
        {   /* augmentation: a flip mirrors each row; a zero shift copies */
            float xb[12];
            int idx = 1, yb;
            dp_augment a;
            dp_rng r;
            a.crop = 0; a.flip = 1.0f;
            dp_rng_seed(&r, 1);
            dp_dataset_batch(&ds, &idx, 1, xb, &yb, &a, &r);
            CHECK(xb[0] == ds.x[12 + 2] && xb[2] == ds.x[12 + 0] && yb == 1, "flip mirrors rows");
            a.flip = 0; a.crop = 1;
            for (i = 0; i < 20; i++) {
                int j, zeros = 0;
                dp_dataset_batch(&ds, &idx, 1, xb, &yb, &a, &r);
                for (j = 0; j < 12; j++) zeros += xb[j] == 0.0f;
                CHECK(zeros <= 6, "crop shift of at most 1 pixel zero-fills at most a row and a column: %d", zeros);
            }
        }
        dp_dataset_free(&ds);
    }
    /* gzipped (the system gzip; Debian ships the dataset gzipped) */
    snprintf(cmd, sizeof cmd, "gzip -kf %s %s", pi, pl);
    if (system(cmd) == 0) {
        char gi[140], gl[140];
        snprintf(gi, sizeof gi, "%s.gz", pi); snprintf(gl, sizeof gl, "%s.gz", pl);
        st = dp_idx_load(gi, gl, &ds, err, sizeof err);
        CHECK(st == DP_OK && ds.n == 5 && fabsf(ds.x[59] - 236.0f / 255.0f) < 1e-6f, "gzipped idx: %d %s", st, err);
        dp_dataset_free(&ds);
    }
    /* truncated data and mismatched counts are refused */
    write_idx(pi, ih, 16, px, 59);
    st = dp_idx_load(pi, pl, &ds, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && strstr(err, "truncated"), "truncated idx: %d %s", st, err);
    write_idx(pi, ih, 16, px, 60);
    lh[7] = 4;
    write_idx(pl, lh, 8, lab, 4);
    st = dp_idx_load(pi, pl, &ds, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && strstr(err, "labels"), "count mismatch: %d %s", st, err);
    st = dp_idx_load("/nonexistent/x", pl, &ds, err, sizeof err);
    CHECK(st == DP_ERR_IO && strstr(err, "cannot open"), "missing file: %d %s", st, err);
}

int main(void)
{
    char cmd[128];
    strcpy(tmpdir, "/tmp/dp_test_train_XXXXXX");
    if (!mkdtemp(tmpdir)) { printf("0 passed, 1 failed\n"); return 1; }
    test_shape_errors();
    test_error_channel();
    test_grow();
    test_optimisers();
    test_lr();
    test_repeatable();
    test_nan();
    test_checkpoints();
    test_idx();
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return TEST_DONE();
}

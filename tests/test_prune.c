/* tests/test_prune.c - the differentiable pruner (paper Section 3):
   - Eq. 9: the pi gradient against central finite differences of the
     relaxed objective P_TSK(M(s, s0(pi))), s0 from Eq. 6;
   - tied groups: summands of Adds share one mask, a channel multiply ties
     its inputs, the logits are not prunable;
   - compaction: outputs before (masked) and after (channels removed) agree,
     resources at the pruner's widths equal those of the compacted graph,
     optimiser state follows, training goes on; export of a masked graph;
   - an impossible budget is refused with the smallest achievable value;
   - dp_fit: wrong shapes, bad labels, impossible budgets and divergence
     give a status and a message;
   - pruning while training a small CNN meets PMU, size and MAC budgets. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>

static float frand(void) { return (float)rnd() / 65536.0f / 65536.0f * 2.0f - 1.0f; }

static void fill_random(dp_graph *g, float scale)
{
    int i, n = dp_graph_n_nodes(g);
    for (i = 0; i < n; i++) {
        dp_node_info f;
        size_t k;
        dp_graph_node(g, i, &f);
        if (f.op == DP_OP_BN) {
            for (k = 0; k < f.n_weight; k++) { f.weight[k] = 0.3f + 1.2f * (frand() * 0.5f + 0.5f); f.bias[k] = 0.2f * frand(); }
            for (k = 0; k < f.n_weight; k++) { f.running_mean[k] = 0.1f * frand(); f.running_var[k] = 0.5f + 0.5f * (frand() + 1.0f); }
        } else {
            for (k = 0; k < f.n_weight; k++) f.weight[k] = scale * frand();
            for (k = 0; k < f.n_bias; k++) f.bias[k] = 0.1f * frand();
        }
    }
}

/* input 6x6x3 -> conv a(8)+bn+relu -> conv b(6)+bn+relu -> gap -> fc(4) */
static dp_graph *small_net(void)
{
    dp_graph *g = dp_graph_new(3);
    int x = dp_input(g, "in", 6, 6, 3);
    x = dp_conv_bn_act(g, "a", x, 8, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "b", x, 6, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 4);
    dp_softmax_ce(g, "loss", x);
    return g;
}

static double relaxed_loss(dp_graph *g, int tail, const float *s, int C, double pi, const float *x, const int *y, int n)
{
    float m[64];
    double s0 = dp_prune_relaxed_threshold(s, C, pi);
    int j;
    for (j = 0; j < C; j++) m[j] = (float)(s[j] / (s[j] + s0));
    dp_graph_set_mask(g, tail, m);
    dp_graph_set_labels(g, y, n);
    dp_graph_forward(g, x, n, DP_EVAL);
    return dp_graph_loss(g);
}

static void test_eq9(void)
{
    dp_graph *g = small_net();
    int n = 16, i, j, C = 8, tail = dp_graph_find(g, "a_relu"), bn = dp_graph_find(g, "a_bn"), y[16];
    float *x = (float *)malloc(sizeof(float) * 6 * 6 * 3 * 16), s[8];
    static const double pis[4] = { 0.3, 0.55, 0.8, 0.95 };
    dp_node_info f;
    tu_rng = 77;
    fill_random(g, 0.4f);
    dp_graph_set_fusion(g, 0);
    for (i = 0; i < 6 * 6 * 3 * n; i++) x[i] = frand();
    for (i = 0; i < n; i++) y[i] = rndn(4);
    dp_graph_node(g, bn, &f);
    for (j = 0; j < C; j++) s[j] = fabsf(f.weight[j]);
    for (i = 0; i < 4; i++) {
        double pi = pis[i], s0 = dp_prune_relaxed_threshold(s, C, pi), mean = 0.0, h = 1e-3, num, an;
        double dldm[8];
        const double *gm;
        for (j = 0; j < C; j++) mean += s[j] / (s[j] + s0) / C;
        CHECK(fabs(mean - pi) < 1e-9, "Eq. 6: mean relaxed mask %.12f == pi %.3f", mean, pi);
        /* analytic: dL/dM from backward at the relaxed masks, then Eq. 9 */
        relaxed_loss(g, tail, s, C, pi, x, y, n);
        dp_graph_clear_mask_grad(g);
        dp_graph_mask_grad(g, 1);
        dp_graph_set_labels(g, y, n);
        dp_graph_forward(g, x, n, DP_EVAL);
        dp_graph_backward(g);
        dp_graph_mask_grad(g, 0);
        gm = dp_graph_get_mask_grad(g, tail);
        for (j = 0; j < C; j++) dldm[j] = gm[j];
        an = dp_prune_eq9(s, dldm, C, s0);
        num = (relaxed_loss(g, tail, s, C, pi + h, x, y, n) - relaxed_loss(g, tail, s, C, pi - h, x, y, n)) / (2 * h);
        CHECK(fabs(an - num) <= 2e-3 * fabs(num) + 2e-4, "Eq. 9 at pi=%.2f: %.6g vs finite differences %.6g", pi, an, num);
    }
    /* dL/dmask itself against finite differences of one mask entry */
    {
        float m[8];
        double e = 1e-3, lp, lm, an;
        const double *gm;
        for (j = 0; j < C; j++) m[j] = 0.5f + 0.05f * j;
        dp_graph_set_mask(g, tail, m);
        dp_graph_clear_mask_grad(g);
        dp_graph_mask_grad(g, 1);
        dp_graph_set_labels(g, y, n); dp_graph_forward(g, x, n, DP_EVAL); dp_graph_backward(g);
        dp_graph_mask_grad(g, 0);
        gm = dp_graph_get_mask_grad(g, tail);
        an = gm[3];
        m[3] += (float)e; dp_graph_set_mask(g, tail, m); dp_graph_forward(g, x, n, DP_EVAL); lp = dp_graph_loss(g);
        m[3] -= (float)(2 * e); dp_graph_set_mask(g, tail, m); dp_graph_forward(g, x, n, DP_EVAL); lm = dp_graph_loss(g);
        CHECK(fabs(an - (lp - lm) / (2 * e)) < 2e-3 * fabs(an) + 1e-4, "dL/dmask %.6g vs %.6g", an, (lp - lm) / (2 * e));
    }
    dp_graph_free(g);
    free(x);
}

/* residual stage (a, b, c tied; the squeeze-excite's expand FC se_x tied
   to them through the channel multiply), depthwise convs, a concat whose
   ranges are pruned separately, flatten -> FC */
static dp_graph *branchy_net(void)
{
    dp_graph *g = dp_graph_new(5);
    int x = dp_input(g, "in", 8, 8, 2), a, b, c, d, e, s, t, xs[2];
    a = dp_conv_bn_act(g, "a", x, 8, 3, 1, 1, DP_ACT_RELU);
    b = dp_conv2d(g, "b", a, 8, 1, 1, NULL);
    b = dp_batchnorm(g, "b_bn", b);
    a = dp_add2(g, "add1", a, b);
    c = dp_conv_bn_act(g, "c_dw", a, 8, 3, 1, 8, DP_ACT_RELU6);     /* depthwise */
    c = dp_conv_bn_act(g, "c", c, 8, 1, 1, 1, DP_ACT_NONE);
    a = dp_add2(g, "add2", a, c);
    s = dp_global_avgpool(g, "se_gap", a);                          /* squeeze-excite */
    s = dp_fc(g, "se_r", s, 4);
    s = dp_relu(g, "se_r_act", s);
    s = dp_fc(g, "se_x", s, 8);
    s = dp_sigmoid(g, "se_sig", s);
    a = dp_channel_mul(g, "se_mul", a, s);
    d = dp_conv_bn_act(g, "d", a, 6, 3, 2, 1, DP_ACT_RELU);         /* 4x4x6 */
    e = dp_conv_bn_act(g, "e", a, 5, 3, 2, 1, DP_ACT_RELU6);        /* 4x4x5 */
    xs[0] = d; xs[1] = e;
    t = dp_concat(g, "cat", 2, xs);                                 /* 4x4x11 */
    t = dp_conv_bn_act(g, "t_dw", t, 11, 3, 1, 11, DP_ACT_RELU);
    t = dp_conv_bn_act(g, "u", t, 7, 1, 1, 1, DP_ACT_RELU);
    t = dp_maxpool(g, "pool", t, 2, 2, NULL);                       /* 2x2x7 */
    t = dp_fc(g, "h", dp_flatten(g, "flat", t), 9);
    t = dp_relu(g, "h_act", t);
    t = dp_fc(g, "fc", t, 3);
    dp_softmax_ce(g, "loss", t);
    return g;
}

static int group_of(dp_pruner *p, const char *name)
{
    int i;
    for (i = 0; i < dp_pruner_n_groups(p); i++) {
        const char *nm;
        dp_pruner_group(p, i, &nm, NULL, NULL, NULL);
        if (!strcmp(nm, name)) return i;
    }
    return -1;
}

static void test_groups_and_compaction(void)
{
    dp_graph *g = branchy_net();
    dp_prune_cfg cfg;
    dp_pruner *p;
    dp_resources r0, rp, rc;
    dp_optim_cfg oc;
    dp_optim *o;
    char err[300];
    int st, i, n = 5, y[5], k, w0, w;
    float *x = (float *)malloc(sizeof(float) * 8 * 8 * 2 * 5), *out0 = (float *)malloc(sizeof(float) * 3 * 5);
    CHECK(dp_graph_status(g) == DP_OK, "branchy net builds: %s", dp_graph_error(g));
    tu_rng = 99;
    fill_random(g, 0.5f);
    for (i = 0; i < 8 * 8 * 2 * n; i++) x[i] = frand();
    for (i = 0; i < n; i++) y[i] = rndn(3);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&cfg, 0, sizeof cfg);
    cfg.budget_size = r0.size_bytes / 3;
    cfg.budget_macs = r0.macs / 3;
    cfg.losses = DP_PRUNE_RES_ONLY;
    cfg.eta = 20.0f;
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    CHECK(p && st == DP_OK, "pruner: %s", err);
    if (!p) { dp_graph_free(g); free(x); free(out0); return; }
    /* groups: {a, b, c, se_x} (Adds, channel multiply), d, e, u, se_r, h */
    CHECK(dp_pruner_n_groups(p) == 6, "6 groups, got %d", dp_pruner_n_groups(p));
    k = group_of(p, "a");
    CHECK(k >= 0, "group a exists");
    CHECK(group_of(p, "b") < 0 && group_of(p, "c") < 0 && group_of(p, "se_x") < 0, "b, c and se_x are in a's group, not their own");
    CHECK(group_of(p, "d") >= 0 && group_of(p, "e") >= 0 && group_of(p, "u") >= 0 && group_of(p, "h") >= 0 && group_of(p, "se_r") >= 0,
          "d, e, u, h, se_r are prunable groups");
    CHECK(group_of(p, "fc") < 0, "the logits are not prunable");
    for (i = 0; i < 40 && !dp_pruner_met(p); i++) {
        st = dp_pruner_update(p, g, NULL, NULL, 0, i);
        CHECK(st == DP_OK, "update %d: %s", i, dp_graph_error(g));
    }
    CHECK(dp_pruner_met(p), "resource-only pruning meets the budgets in 40 updates");
    for (k = 0; k < dp_pruner_n_groups(p); k++) { dp_pruner_group(p, k, NULL, &w0, &w, NULL); CHECK(w >= 1 && w <= w0, "width in [1, %d]: %d", w0, w); }
    /* tied masks: a, b_bn, c_bn (the chain tails) carry the same mask */
    {
        const float *ma = dp_graph_get_mask(g, dp_graph_find(g, "a_relu")), *mb = dp_graph_get_mask(g, dp_graph_find(g, "b_bn"));
        const float *mc = dp_graph_get_mask(g, dp_graph_find(g, "c_bn")), *md = dp_graph_get_mask(g, dp_graph_find(g, "c_dw_relu6"));
        const float *ms = dp_graph_get_mask(g, dp_graph_find(g, "se_sig"));
        int same = ma && mb && mc && md && ms, zeros = 0;
        for (i = 0; same && i < 8; i++) { same &= ma[i] == mb[i] && ma[i] == mc[i] && ma[i] == md[i] && ma[i] == ms[i]; zeros += ma[i] == 0.0f; }
        CHECK(same, "a, b, c, se_x and the depthwise conv between them share one mask");
        CHECK(zeros > 0, "the residual group was pruned (%d channels masked)", zeros);
    }
    /* optimiser state to remap (lr 0: weights stay; BN statistics move) */
    memset(&oc, 0, sizeof oc);
    oc.kind = DP_SGD; oc.momentum = 0.9f;
    o = dp_optim_new(g, &oc);
    dp_train_step(g, o, x, y, n, 0.0f, NULL, NULL);
    /* outputs with masks == outputs of the compacted graph */
    dp_graph_forward(g, x, n, DP_EVAL);
    {
        dp_node_info f;
        dp_graph_node(g, dp_graph_find(g, "fc"), &f);
        memcpy(out0, f.out, sizeof(float) * 3 * n);
    }
    dp_pruner_resources(p, g, &rp);
    st = dp_pruner_compact(p, &g, o);
    CHECK(st == DP_OK, "compact: %s", dp_graph_error(g));
    {
        dp_node_info f;
        double worst = 0.0;
        dp_graph_forward(g, x, n, DP_EVAL);
        dp_graph_node(g, dp_graph_find(g, "fc"), &f);
        for (i = 0; i < 3 * n; i++) worst = fmax(worst, fabs(f.out[i] - out0[i]));
        CHECK(worst < 1e-4, "compacted outputs equal the masked ones (max diff %.3g)", worst);
        dp_graph_node(g, dp_graph_find(g, "a"), &f);
        CHECK(f.c < 8, "conv a lost channels: %d", f.c);
    }
    dp_graph_resources(g, NULL, &rc, NULL, 0, NULL);
    CHECK(rc.size_bytes == rp.size_bytes && rc.macs == rp.macs && rc.pmu_exact == rp.pmu_exact,
          "resources of the compacted graph (%lld B, %lld MACs, PMU %lld) = at the pruner's widths (%lld, %lld, %lld)",
          (long long)rc.size_bytes, (long long)rc.macs, (long long)rc.pmu_exact, (long long)rp.size_bytes, (long long)rp.macs, (long long)rp.pmu_exact);
    CHECK(rc.size_bytes <= cfg.budget_size && rc.macs <= cfg.budget_macs, "budgets met after compaction");
    {
        float loss;
        st = dp_train_step(g, o, x, y, n, 0.01f, &loss, NULL);
        CHECK(st == DP_OK && loss == loss, "a training step on the compacted graph with the remapped optimiser");
    }
    dp_optim_free(o);
    dp_pruner_free(p);
    dp_graph_free(g);
    free(x); free(out0);
}

/* dp_export of a graph that still has masks compacts it on the way */
static void test_export_masked(void)
{
    dp_graph *g = small_net(), *h;
    dp_prune_cfg cfg;
    dp_pruner *p;
    dp_resources r0;
    char err[300];
    int st, i;
    float x[6 * 6 * 3 * 4];
    void *b1 = NULL, *b2 = NULL;
    size_t l1 = 0, l2 = 0;
    dp_export_info i1, i2;
    tu_rng = 5;
    fill_random(g, 0.5f);
    for (i = 0; i < 6 * 6 * 3 * 4; i++) x[i] = frand();
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&cfg, 0, sizeof cfg);
    cfg.budget_macs = r0.macs / 2; cfg.losses = DP_PRUNE_RES_ONLY; cfg.eta = 30.0f;
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    for (i = 0; p && i < 40 && !dp_pruner_met(p); i++) dp_pruner_update(p, g, NULL, NULL, 0, i);
    CHECK(p && dp_pruner_met(p), "small net pruned to half the MACs");
    st = dp_export(g, x, 4, &b1, &l1, &i1, err, sizeof err);
    CHECK(st == DP_OK, "export with masks: %s", err);
    h = dp_graph_compact(g, NULL, &st);
    CHECK(h && st == DP_OK, "dp_graph_compact");
    if (h) {
        st = dp_export(h, x, 4, &b2, &l2, &i2, err, sizeof err);
        CHECK(st == DP_OK && l1 == l2 && !memcmp(b1, b2, l1), "exporting the masked graph = exporting its compaction (%zu vs %zu bytes)", l1, l2);
        CHECK(i1.macs <= cfg.budget_macs, "exported MACs %lld within budget %lld", (long long)i1.macs, (long long)cfg.budget_macs);
    }
    free(b1); free(b2);
    dp_graph_free(h);
    dp_pruner_free(p);
    dp_graph_free(g);
}

static void test_impossible_budget(void)
{
    dp_graph *g = small_net();
    dp_prune_cfg cfg;
    char err[300] = "";
    int st;
    dp_pruner *p;
    memset(&cfg, 0, sizeof cfg);
    cfg.budget_pmu = 50;     /* the 6x6x3 input alone is 108 bytes */
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    CHECK(!p && st == DP_ERR_BUDGET, "a PMU budget below the input is refused (%d)", st);
    CHECK(strstr(err, "smallest achievable") && strstr(err, "peak memory 50 B"), "message: %s", err);
    cfg.budget_pmu = 0; cfg.budget_macs = 10;
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    CHECK(!p && st == DP_ERR_BUDGET && strstr(err, "MACs 10 "), "MAC budget refused: %s", err);
    cfg.budget_macs = -5;
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    CHECK(!p && st == DP_ERR_ARG, "negative budget refused: %s", err);
    dp_graph_free(g);
}

/* Blobs in one of 4 quadrants of a 12x12 image: a small CNN learns it;
   pruning during training meets all three budgets. */
static void make_blobs(float *x, int *y, int n)
{
    int i, p;
    for (i = 0; i < n; i++) {
        int q = rndn(4), cy = (q / 2) * 6 + 1 + rndn(3), cx = (q % 2) * 6 + 1 + rndn(3);
        y[i] = q;
        for (p = 0; p < 144; p++) x[i * 144 + p] = 0.3f * frand();
        x[i * 144 + cy * 12 + cx] += 1.5f; x[i * 144 + (cy + 1) * 12 + cx] += 1.5f;
        x[i * 144 + cy * 12 + cx + 1] += 1.5f; x[i * 144 + (cy + 1) * 12 + cx + 1] += 1.5f;
    }
}

static void test_prune_training(void)
{
    dp_graph *g = dp_graph_new(11);
    int x = dp_input(g, "in", 12, 12, 1), i, st, ntr = 2048, nv = 256, correct = 0;
    float *xt = (float *)malloc(sizeof(float) * 144 * 2048), *xv = (float *)malloc(sizeof(float) * 144 * 256);
    int *yt = (int *)malloc(sizeof(int) * 2048), *yv = (int *)malloc(sizeof(int) * 256), idx[32];
    float *xb = (float *)malloc(sizeof(float) * 144 * 32);
    int yb[32];
    dp_prune_cfg cfg;
    dp_optim_cfg oc;
    dp_optim *o;
    dp_pruner *p;
    dp_resources r0, r1;
    char err[300];
    float acc;
    x = dp_conv_bn_act(g, "c1", x, 24, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c2", x, 32, 3, 2, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c3", x, 32, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 4);
    dp_softmax_ce(g, "loss", x);
    tu_rng = 2024;
    make_blobs(xt, yt, ntr); make_blobs(xv, yv, nv);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&cfg, 0, sizeof cfg);
    cfg.budget_pmu = r0.pmu_exact * 45 / 100;
    cfg.budget_size = r0.size_bytes * 40 / 100;
    cfg.budget_macs = r0.macs * 35 / 100;
    cfg.every = 5; cfg.eta = 4.0f; cfg.seed = 3;
    p = dp_pruner_new(g, &cfg, &st, err, sizeof err);
    CHECK(p != NULL, "pruner: %s", err);
    memset(&oc, 0, sizeof oc);
    oc.kind = DP_SGD; oc.momentum = 0.9f; oc.nesterov = 1;
    o = dp_optim_new(g, &oc);
    for (i = 0; p && i < 600; i++) {
        int j;
        for (j = 0; j < 32; j++) idx[j] = rndn(ntr);
        for (j = 0; j < 32; j++) { memcpy(xb + j * 144, xt + idx[j] * 144, sizeof(float) * 144); yb[j] = yt[idx[j]]; }
        st = dp_train_step(g, o, xb, yb, 32, 0.05f, NULL, NULL);
        if (st != DP_OK) { CHECK(0, "train step %d: %s", i, dp_graph_error(g)); break; }
        if (i >= 50 && i % cfg.every == 0) {
            st = dp_pruner_update(p, g, xv, yv, 128, i);
            if (st != DP_OK) { CHECK(0, "update: %s", dp_graph_error(g)); break; }
            if (dp_pruner_met(p) && i < 590) { dp_pruner_compact(p, &g, o); }
        }
    }
    CHECK(p && dp_pruner_met(p), "budgets met while training");
    if (p) dp_pruner_compact(p, &g, o);
    dp_graph_resources(g, NULL, &r1, NULL, 0, NULL);
    CHECK(r1.pmu_exact <= cfg.budget_pmu && r1.size_bytes <= cfg.budget_size && r1.macs <= cfg.budget_macs,
          "final PMU %lld <= %lld, size %lld <= %lld, MACs %lld <= %lld", (long long)r1.pmu_exact, (long long)cfg.budget_pmu,
          (long long)r1.size_bytes, (long long)cfg.budget_size, (long long)r1.macs, (long long)cfg.budget_macs);
    dp_evaluate(g, xv, yv, nv, 64, &acc, NULL);
    CHECK(acc > 0.9f, "pruned network accuracy %.3f > 0.9", acc);
    (void)correct;
    if (p) {
        st = dp_pruner_write_csv(p, "build/test_prune_log.csv");
        CHECK(st == DP_OK, "CSV log written");
        dp_pruner_print_summary(p, g, stdout);
    }
    dp_pruner_free(p);
    dp_optim_free(o);
    dp_graph_free(g);
    free(xt); free(xv); free(yt); free(yv); free(xb);
}

/* dp_fit refuses bad input with a status and a message; a diverging run
   stops with DP_ERR_NAN and keeps a usable graph */
static void test_fit_errors(void)
{
    dp_graph *g = small_net();
    dp_dataset d;
    dp_fit_cfg fc;
    dp_prune_cfg pc;
    dp_fit_result fr;
    char err[300];
    int i, st;
    float *x = (float *)malloc(sizeof(float) * 64 * 108);
    int *y = (int *)malloc(sizeof(int) * 64);
    tu_rng = 8;
    for (i = 0; i < 64 * 108; i++) x[i] = frand();
    for (i = 0; i < 64; i++) y[i] = rndn(4);
    memset(&d, 0, sizeof d);
    d.n = 64; d.h = 6; d.w = 6; d.c = 3; d.n_classes = 4; d.x = x; d.y = y;
    memset(&fc, 0, sizeof fc);
    fc.epochs = 2; fc.batch = 16;
    d.w = 5;
    st = dp_fit(&g, &d, NULL, &fc, &fr, err, sizeof err);
    CHECK(st == DP_ERR_SHAPE && strstr(err, "6x6x3"), "wrong input shape: %d %s", st, err);
    d.w = 6; y[3] = 9;
    st = dp_fit(&g, &d, NULL, &fc, &fr, err, sizeof err);
    CHECK(st == DP_ERR_ARG && strstr(err, "label 9"), "label out of range: %d %s", st, err);
    y[3] = 1;
    memset(&pc, 0, sizeof pc);
    pc.budget_pmu = 10;
    fc.prune = &pc;
    st = dp_fit(&g, &d, NULL, &fc, &fr, err, sizeof err);
    CHECK(st == DP_ERR_BUDGET && strstr(err, "smallest achievable"), "impossible budget through dp_fit: %d %s", st, err);
    fc.prune = NULL; fc.lr = 1e30f;
    st = dp_fit(&g, &d, NULL, &fc, &fr, err, sizeof err);
    CHECK(st == DP_ERR_NAN && strstr(err, "learning rate"), "diverging training stops: %d %s", st, err);
    {
        float acc = -1.0f;
        st = dp_evaluate(g, x, y, 64, 16, &acc, NULL);
        CHECK(st == DP_OK && acc >= 0.0f, "the graph still evaluates after the NaN stop (%d)", st);
    }
    free(x); free(y);
    dp_graph_free(g);
}

int main(void)
{
    dp_set_threads(1);
    test_eq9();
    test_groups_and_compaction();
    test_export_masked();
    test_impossible_budget();
    test_prune_training();
    test_fit_errors();
    return TEST_DONE();
}

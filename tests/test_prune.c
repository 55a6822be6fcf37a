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
   - pruning while training a small CNN meets PMU, size and MAC budgets;
   - >>widths: dp_uniform_width is the widest fitting width (brute
     force) and one step more does not fit; projection meets every budget;
     a too-short dp_fit schedule still ends within budget; pruned, uniform
     and plain arms step on the same images; a masked channel never comes
     back. */
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


/* ---- >>widths: uniform baseline, projection, mask rule, same images ---- */

/* the small_net family at a width multiplier (8 and 6 channels at 1.0) */
static int build_small(dp_graph *g, float w, void *ctx)
{
    int x = dp_input(g, "in", 6, 6, 3);
    (void)ctx;
    x = dp_conv_bn_act(g, "a", x, (int)(40 * w + 0.5f) > 0 ? (int)(40 * w + 0.5f) : 1, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "b", x, (int)(30 * w + 0.5f) > 0 ? (int)(30 * w + 0.5f) : 1, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 4);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}

static int small_fits(float w, const dp_prune_cfg *b)
{
    dp_graph *g = dp_graph_new(1);
    dp_resources r;
    int ok = build_small(g, w, NULL) >= 0 && dp_graph_resources(g, NULL, &r, NULL, 0, NULL) == DP_OK &&
             (!b->budget_pmu || r.pmu_exact <= b->budget_pmu) && (!b->budget_size || r.size_bytes <= b->budget_size) &&
             (!b->budget_macs || r.macs <= b->budget_macs);
    dp_graph_free(g);
    return ok;
}

/* dp_uniform_width: the width fits, one step more does not, and it is the
   largest fitting width a scan over every step finds (brute force) */
static void test_uniform_width(void)
{
    static const double frac[4][3] = { { 0.5, 0, 0 }, { 0, 0.3, 0 }, { 0, 0, 0.2 }, { 0.7, 0.45, 0.6 } };
    dp_graph *g = dp_graph_new(1);
    dp_resources r0, r;
    dp_prune_cfg b;
    char err[300] = "";
    int t, k, st;
    float w = 0.0f;
    build_small(g, 1.0f, NULL);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    dp_graph_free(g);
    for (t = 0; t < 4; t++) {
        int best = 0;
        memset(&b, 0, sizeof b);
        b.budget_pmu = (int64_t)(frac[t][0] * r0.pmu_exact); b.budget_size = (int64_t)(frac[t][1] * r0.size_bytes);
        b.budget_macs = (int64_t)(frac[t][2] * r0.macs);
        st = dp_uniform_width(build_small, NULL, &b, 1.0f, 0.01f, &w, &r, err, sizeof err);
        for (k = 100; k >= 1 && !best; k--) if (small_fits(k * 0.01f, &b)) best = k;
        CHECK(st == DP_OK && small_fits(w, &b) && !small_fits(w + 0.01f, &b), "budget set %d: width %.2f fits, %.2f does not (%d %s)",
              t, (double)w, (double)w + 0.01, st, err);
        CHECK((int)(w * 100.0f + 0.5f) == best, "budget set %d: width %.2f is the widest by brute force (%.2f)", t, (double)w, best * 0.01);
        CHECK(r.size_bytes <= (b.budget_size ? b.budget_size : r.size_bytes) && r.macs <= (b.budget_macs ? b.budget_macs : r.macs),
              "budget set %d: reported resources within the budgets", t);
    }
    memset(&b, 0, sizeof b);
    b.budget_size = 10;
    st = dp_uniform_width(build_small, NULL, &b, 1.0f, 0.01f, &w, NULL, err, sizeof err);
    CHECK(st == DP_ERR_BUDGET && strstr(err, "exceeds the budgets"), "no width fits: %d %s", st, err);
    b.budget_size = 0;
    st = dp_uniform_width(build_small, NULL, &b, 0.5f, 0.01f, &w, NULL, err, sizeof err);
    CHECK(st == DP_OK && fabsf(w - 0.5f) < 1e-6f, "no budget: the widest width asked for (%.2f)", (double)w);
}

/* dp_pruner_project meets every budget from the full width, in one call */
static void test_projection(void)
{
    static const double frac[3][3] = { { 0.5, 0.3, 0.25 }, { 0.9, 0.1, 0 }, { 0, 0, 0.05 } };
    int t;
    for (t = 0; t < 3; t++) {
        dp_graph *g = dp_graph_new(5);
        dp_resources r0, r1;
        dp_prune_cfg b;
        dp_pruner *p;
        char err[300];
        int st, n = 0;
        build_small(g, 1.0f, NULL);
        memset(&r0, 0, sizeof r0);
        CHECK(dp_graph_resources(g, NULL, &r0, NULL, 0, NULL) == DP_OK, "projection %d: resources", t);
        memset(&b, 0, sizeof b);
        b.budget_pmu = (int64_t)(frac[t][0] * r0.pmu_exact); b.budget_size = (int64_t)(frac[t][1] * r0.size_bytes);
        b.budget_macs = (int64_t)(frac[t][2] * r0.macs);
        p = dp_pruner_new(g, &b, &st, err, sizeof err);
        CHECK(p != NULL, "pruner %d: %s", t, err);
        if (!p) { dp_graph_free(g); continue; }
        st = dp_pruner_project(p, g, &n);
        CHECK(st == DP_OK && dp_pruner_met(p) && n > 0, "projection %d: %d, met %d after %d steps", t, st, dp_pruner_met(p), n);
        dp_pruner_compact(p, &g, NULL);
        dp_graph_resources(g, NULL, &r1, NULL, 0, NULL);
        CHECK((!b.budget_pmu || r1.pmu_exact <= b.budget_pmu) && (!b.budget_size || r1.size_bytes <= b.budget_size) &&
              (!b.budget_macs || r1.macs <= b.budget_macs), "projection %d: pmu %lld/%lld size %lld/%lld macs %lld/%lld", t,
              (long long)r1.pmu_exact, (long long)b.budget_pmu, (long long)r1.size_bytes, (long long)b.budget_size,
              (long long)r1.macs, (long long)b.budget_macs);
        CHECK(r1.size_bytes * 10 > (b.budget_size ? b.budget_size : r0.size_bytes) * 3 || t == 2,
              "projection %d: not shrunk far past the binding budget (size %lld)", t, (long long)r1.size_bytes);
        dp_pruner_free(p);
        dp_graph_free(g);
    }
}

/* dp_pruner_pace: an update puts every budget not yet met on its
   trajectory R0 (B/R0)^frac, closely; at the trajectory nothing moves;
   frac 1 meets the budgets; a bad frac is refused */
static void test_paced(void)
{
    static const double bf[3] = { 0.5, 0.3, 0.25 };
    dp_graph *g = dp_graph_new(5);
    dp_resources r0, r1, r2;
    dp_prune_cfg b;
    dp_pruner *p;
    char err[300];
    double R0[3], B[3], R1[3], worst = 0.0;
    int st, o, ok = 1;
    build_small(g, 1.0f, NULL);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&b, 0, sizeof b);
    b.budget_pmu = (int64_t)(bf[0] * r0.pmu_exact); b.budget_size = (int64_t)(bf[1] * r0.size_bytes);
    b.budget_macs = (int64_t)(bf[2] * r0.macs); b.losses = DP_PRUNE_RES_ONLY;
    p = dp_pruner_new(g, &b, &st, err, sizeof err);
    CHECK(p != NULL, "paced pruner: %s", err);
    if (!p) { dp_graph_free(g); return; }
    CHECK(dp_pruner_pace(p, 1.5) == DP_ERR_ARG && dp_pruner_pace(p, -0.1) == DP_ERR_ARG && dp_pruner_pace(p, (double)NAN) == DP_ERR_ARG,
          "paced: frac outside [0, 1] or NaN is refused");
    CHECK(dp_pruner_pace(p, 0.5) == DP_OK && dp_pruner_update(p, g, NULL, NULL, 0, 0) == DP_OK, "paced: update at frac 0.5");
    dp_pruner_resources(p, g, &r1);
    R0[0] = (double)r0.pmu_exact; R0[1] = (double)r0.size_bytes; R0[2] = (double)r0.macs;
    B[0] = (double)b.budget_pmu; B[1] = (double)b.budget_size; B[2] = (double)b.budget_macs;
    R1[0] = (double)r1.pmu_exact; R1[1] = (double)r1.size_bytes; R1[2] = (double)r1.macs;
    for (o = 0; o < 3; o++) {
        double T = R0[o] * sqrt(B[o] / R0[o]);
        ok &= R1[o] <= T;
        if (R1[o] / T > worst) worst = R1[o] / T;
    }
    CHECK(ok && !dp_pruner_met(p), "paced: on the trajectory at frac 0.5 and not yet met (pmu %.0f, size %.0f, macs %.0f)", R1[0], R1[1], R1[2]);
    CHECK(worst > 0.8, "paced: closely on it, not past it (largest use %.3f of its target)", worst);
    CHECK(dp_pruner_update(p, g, NULL, NULL, 0, 1) == DP_OK && dp_pruner_resources(p, g, &r2) == DP_OK &&
          r2.pmu_exact == r1.pmu_exact && r2.size_bytes == r1.size_bytes && r2.macs == r1.macs,
          "paced: at the trajectory an update moves nothing");
    CHECK(dp_pruner_pace(p, 1.0) == DP_OK && dp_pruner_update(p, g, NULL, NULL, 0, 2) == DP_OK && dp_pruner_met(p) &&
          dp_pruner_resources(p, g, &r2) == DP_OK && r2.pmu_exact <= b.budget_pmu && r2.size_bytes <= b.budget_size && r2.macs <= b.budget_macs,
          "paced: frac 1 meets every budget (pmu %lld/%lld size %lld/%lld macs %lld/%lld)", (long long)r2.pmu_exact, (long long)b.budget_pmu,
          (long long)r2.size_bytes, (long long)b.budget_size, (long long)r2.macs, (long long)b.budget_macs);
    dp_pruner_free(p);
    dp_graph_free(g);
}

static void blob_set(dp_dataset *d, int n)
{
    memset(d, 0, sizeof *d);
    d->n = n; d->h = 12; d->w = 12; d->c = 1; d->n_classes = 4;
    d->x = (float *)malloc(sizeof(float) * 144 * (size_t)n); d->y = (int *)malloc(sizeof(int) * (size_t)n);
    make_blobs(d->x, d->y, n);
}
static int build_blobnet(dp_graph *g, float w, void *ctx)
{
    int x = dp_input(g, "in", 12, 12, 1), c1 = (int)(16 * w + 0.5f), c2 = (int)(24 * w + 0.5f);
    (void)ctx;
    x = dp_conv_bn_act(g, "c1", x, c1 > 0 ? c1 : 1, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c2", x, c2 > 0 ? c2 : 1, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), 4);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}

/* dp_fit: a schedule far too short for the width learning rate still ends
   within the budgets (projected, and says when); pruned, uniform and plain
   arms step on exactly the same training images */
static void test_fit_short_and_same_images(void)
{
    dp_dataset d;
    dp_graph *g;
    dp_resources r0;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fp, fu, fn;
    char err[300];
    int st;
    tu_rng = 77;
    blob_set(&d, 512);
    g = dp_graph_new(2);
    build_blobnet(g, 1.0f, NULL);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&pc, 0, sizeof pc);
    pc.budget_pmu = r0.pmu_exact * 6 / 10; pc.budget_size = r0.size_bytes / 4; pc.budget_macs = r0.macs / 5;
    pc.every = 4; pc.eta = 0.05f; pc.seed = 1;
    memset(&fc, 0, sizeof fc);
    fc.epochs = 2; fc.batch = 32; fc.qat_epochs = 0; fc.prune = &pc; fc.seed = 9; fc.prune_plan = -1.0f;
    st = dp_fit(&g, &d, NULL, &fc, &fp, err, sizeof err);
    CHECK(st == DP_OK && fp.met && fp.projected_step >= 0, "short schedule: %d %s, met %d, projected at step %ld of %ld", st, err,
          fp.met, fp.projected_step, fp.steps);
    CHECK(fp.after.pmu_exact <= pc.budget_pmu && fp.after.size_bytes <= pc.budget_size && fp.after.macs <= pc.budget_macs,
          "short schedule ends within budget: pmu %lld/%lld size %lld/%lld macs %lld/%lld", (long long)fp.after.pmu_exact,
          (long long)pc.budget_pmu, (long long)fp.after.size_bytes, (long long)pc.budget_size, (long long)fp.after.macs, (long long)pc.budget_macs);
    dp_graph_free(g);
    /* paced (the default): the same short schedule meets them by itself */
    {
        dp_fit_result fq;
        double worst = 0.0;
        g = dp_graph_new(2);
        build_blobnet(g, 1.0f, NULL);
        fc.prune_plan = 0.0f;
        st = dp_fit(&g, &d, NULL, &fc, &fq, err, sizeof err);
        CHECK(st == DP_OK && fq.met && fq.projected_step == -1 && fq.met_step >= 0 && fq.met_step <= fq.steps * 4 / 10,
              "paced short schedule: met by step %ld of %ld without projecting (%ld; %d %s)", fq.met_step, fq.steps, fq.projected_step, st, err);
        CHECK(fq.after.pmu_exact <= pc.budget_pmu && fq.after.size_bytes <= pc.budget_size && fq.after.macs <= pc.budget_macs,
              "paced run within budget");
        worst = DP__MAX((double)fq.after.pmu_exact / pc.budget_pmu, DP__MAX((double)fq.after.size_bytes / pc.budget_size, (double)fq.after.macs / pc.budget_macs));
        CHECK(worst > 0.85, "paced: the binding budget is met closely, not overshot (largest use %.3f of its budget)", worst);
        dp_graph_free(g);
    }
    /* the uniform arm of the same comparison */
    g = dp_graph_new(2);
    build_blobnet(g, 1.0f, NULL);
    fc.uniform = build_blobnet;
    st = dp_fit(&g, &d, NULL, &fc, &fu, err, sizeof err);
    CHECK(st == DP_OK && fu.met && fu.uniform_width > 0.0f && fu.uniform_width < 1.0f && fu.projected_step == -1,
          "uniform arm: %d %s, width %.2f, met %d", st, err, (double)fu.uniform_width, fu.met);
    CHECK(small_fits(0.0f, &pc) || (fu.after.size_bytes <= pc.budget_size && fu.after.macs <= pc.budget_macs && fu.after.pmu_exact <= pc.budget_pmu),
          "uniform arm within budget: size %lld macs %lld pmu %lld", (long long)fu.after.size_bytes, (long long)fu.after.macs, (long long)fu.after.pmu_exact);
    dp_graph_free(g);
    /* plain training */
    g = dp_graph_new(2);
    build_blobnet(g, 1.0f, NULL);
    fc.uniform = NULL; fc.prune = NULL;
    st = dp_fit(&g, &d, NULL, &fc, &fn, err, sizeof err);
    CHECK(st == DP_OK, "plain arm: %s", err);
    CHECK(fp.images_seen == 2 * 512 && fu.images_seen == fp.images_seen && fn.images_seen == fp.images_seen,
          "every arm steps on every image each epoch: %ld %ld %ld", fp.images_seen, fu.images_seen, fn.images_seen);
    CHECK(fp.images_crc == fu.images_crc && fp.images_crc == fn.images_crc, "same images in the same order: %08x %08x %08x",
          (unsigned)fp.images_crc, (unsigned)fu.images_crc, (unsigned)fn.images_crc);
    /* holding samples out holds them out of every arm; another seed changes the order */
    fc.n_val = 64;
    dp_graph_free(g); g = dp_graph_new(2); build_blobnet(g, 1.0f, NULL);
    st = dp_fit(&g, &d, NULL, &fc, &fn, err, sizeof err);
    fc.prune = &pc;
    dp_graph_free(g); g = dp_graph_new(2); build_blobnet(g, 1.0f, NULL);
    st |= dp_fit(&g, &d, NULL, &fc, &fp, err, sizeof err);
    CHECK(st == DP_OK && fn.images_seen == 2 * 448 && fp.images_seen == fn.images_seen && fp.images_crc == fn.images_crc &&
          fp.images_crc != fu.images_crc, "n_val 64: both arms on the same 448 images (%ld %ld, %08x %08x)", fn.images_seen,
          fp.images_seen, (unsigned)fn.images_crc, (unsigned)fp.images_crc);
    dp_graph_free(g);
    dp_dataset_free(&d);
}

/* The mask rule: while pruning, a channel once masked is never unmasked
   (it would come back with stale weights), so masks are fixed once the
   budgets are met. Watches every mask the graph holds over a run. */
static void test_mask_rule(void)
{
    dp_dataset d;
    dp_graph *g = dp_graph_new(4);
    dp_optim *o;
    dp_optim_cfg oc;
    dp_prune_cfg pc;
    dp_pruner *p;
    dp_resources r0;
    float *prev;
    char err[300];
    int i, j, n, st, back = 0, after_met = 0, cut = 0, updates = 0;
    size_t tot = 0;
    tu_rng = 99;
    blob_set(&d, 256);
    build_blobnet(g, 1.0f, NULL);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&pc, 0, sizeof pc);
    pc.budget_size = r0.size_bytes / 3; pc.budget_macs = r0.macs / 3; pc.every = 1; pc.eta = 0.5f; pc.seed = 2;
    p = dp_pruner_new(g, &pc, &st, err, sizeof err);
    n = dp_graph_n_nodes(g);
    for (i = 0; i < n; i++) { dp_node_info f; dp_graph_node(g, i, &f); tot += (size_t)f.c; }
    prev = (float *)malloc(sizeof(float) * tot);
    for (j = 0; j < (int)tot; j++) prev[j] = 1.0f;
    memset(&oc, 0, sizeof oc);
    oc.kind = DP_SGD; oc.momentum = 0.9f;
    o = dp_optim_new(g, &oc);
    for (i = 0; p && i < 150; i++) {
        size_t off = 0;
        int k, was_met = dp_pruner_met(p);
        dp_train_step(g, o, d.x + (size_t)(i % 8) * 32 * 144, d.y + (i % 8) * 32, 32, 0.1f, NULL, NULL);
        if (dp_pruner_update(p, g, d.x, d.y, 64, i) != DP_OK) { CHECK(0, "update %d: %s", i, dp_graph_error(g)); break; }
        updates++;
        for (k = 0; k < n; k++) {
            dp_node_info f;
            const float *m = dp_graph_get_mask(g, k);
            dp_graph_node(g, k, &f);
            for (j = 0; j < f.c; j++) {
                float v = m ? m[j] : 1.0f;
                back += prev[off + j] == 0.0f && v != 0.0f;
                after_met += was_met && prev[off + j] != v;
                cut += prev[off + j] != 0.0f && v == 0.0f;
                prev[off + j] = v;
            }
            off += (size_t)f.c;
        }
    }
    CHECK(p && dp_pruner_met(p) && cut > 0, "budgets met with %d channel cuts over %d updates", cut, updates);
    CHECK(back == 0, "no masked channel unmasked (%d)", back);
    CHECK(after_met == 0, "no mask changed after the budgets were met (%d)", after_met);
    free(prev);
    dp_optim_free(o);
    dp_pruner_free(p);
    dp_graph_free(g);
    dp_dataset_free(&d);
}

/* dp_pruner_set_widths + compaction give that architecture; bad widths are refused */
static void test_set_widths(void)
{
    dp_graph *g = dp_graph_new(5);
    dp_prune_cfg b;
    dp_pruner *p;
    dp_node_info f;
    char err[300];
    int st, i, w[2] = { 7, 3 }, bad[2] = { 41, 3 }, ca = 0, cb = 0;
    build_small(g, 1.0f, NULL);
    memset(&b, 0, sizeof b);
    p = dp_pruner_new(g, &b, &st, err, sizeof err);
    CHECK(p && dp_pruner_n_groups(p) == 2, "two groups");
    if (!p) { dp_graph_free(g); return; }
    CHECK(dp_pruner_set_widths(p, g, bad, 2) == DP_ERR_ARG && strstr(dp_graph_error(g), "outside 1..40"), "width 41 > 40 refused: %s", dp_graph_error(g));
    CHECK(dp_pruner_set_widths(p, g, w, 2) == DP_OK && dp_pruner_compact(p, &g, NULL) == DP_OK, "set and compact");
    for (i = 0; i < dp_graph_n_nodes(g); i++) {
        dp_graph_node(g, i, &f);
        if (!strcmp(f.name, "a")) ca = f.c;
        if (!strcmp(f.name, "b")) cb = f.c;
    }
    CHECK(ca == 7 && cb == 3, "compacted widths %d %d (7 3)", ca, cb);
    dp_pruner_free(p);
    dp_graph_free(g);
}

/* The task gradient where the answer is known: layers u (useful) and z
   (useless: the FC reads its channels with weights held at zero) see the
   same input and have the same shape, so the same resource gradient. The
   task term of z is exactly 0, that of u pushes back (< 0); with both
   losses z shrinks first and further. (The paper's signed Eq. 9 fails
   this: its term for u was positive in 4 to 8 of 12 updates.) */
static int build_two(dp_graph *g)
{
    int x = dp_input(g, "in", 12, 12, 1), u, z, xs[2];
    u = dp_global_avgpool(g, "gu", dp_conv_bn_act(g, "u", x, 12, 3, 2, 1, DP_ACT_RELU));
    z = dp_global_avgpool(g, "gz", dp_conv_bn_act(g, "z", x, 12, 3, 2, 1, DP_ACT_RELU));
    xs[0] = u; xs[1] = z;
    x = dp_fc(g, "fc", dp_concat(g, "cat", 2, xs), 4);
    return dp_softmax_ce(g, "loss", x) < 0 ? dp_graph_status(g) : x;
}
static void zero_z_inputs(dp_graph *g)
{
    dp_node_info f;
    int k, j;
    dp_graph_node(g, dp_graph_find(g, "fc"), &f);
    for (k = 0; k < 4; k++) for (j = 12; j < 24; j++) f.weight[k * 24 + j] = 0.0f;
}
static void test_task_gradient_known(void)
{
    int mode;
    for (mode = 0; mode < 2; mode++) {
        dp_dataset d;
        dp_graph *g = dp_graph_new(6);
        dp_optim *o;
        dp_optim_cfg oc;
        dp_prune_cfg pc;
        dp_pruner *p;
        dp_resources r0;
        char err[300];
        const char *name;
        int i, k, st, iu = -1, iz = -1, wu = 0, wz = 0, neg = 0, zero = 0, n = 0;
        tu_rng = 31;
        blob_set(&d, 512);
        build_two(g);
        zero_z_inputs(g);
        memset(&oc, 0, sizeof oc);
        oc.kind = DP_SGD; oc.momentum = 0.9f;
        o = dp_optim_new(g, &oc);
        for (i = 0; i < 60; i++) {     /* a little training: u carries the signal */
            dp_train_step(g, o, d.x + (size_t)(i % 16) * 32 * 144, d.y + (i % 16) * 32, 32, 0.05f, NULL, NULL);
            zero_z_inputs(g);
        }
        memset(&r0, 0, sizeof r0);
        CHECK(dp_graph_resources(g, NULL, &r0, NULL, 0, NULL) == DP_OK, "mode %d: resources", mode);
        memset(&pc, 0, sizeof pc);
        pc.budget_macs = r0.macs / 2; pc.every = 1; pc.eta = 1.0f; pc.seed = 1;
        pc.losses = mode == 0 ? DP_PRUNE_BOTH : DP_PRUNE_TASK_ONLY;
        pc.task_signal = DP_TASK_PUSHBACK;
        p = dp_pruner_new(g, &pc, &st, err, sizeof err);
        CHECK(p && dp_pruner_n_groups(p) == 2, "mode %d: two groups (%s)", mode, err);
        if (!p) { dp_optim_free(o); dp_graph_free(g); dp_dataset_free(&d); continue; }
        for (k = 0; k < 2; k++) { name = ""; dp_pruner_group(p, k, &name, NULL, NULL, NULL); if (!strcmp(name, "u")) iu = k; else iz = k; }
        for (i = 0; i < 12 && !dp_pruner_met(p); i++) {
            double tu = 0.0, tz = 1.0;
            dp_train_step(g, o, d.x + (size_t)(i % 16) * 32 * 144, d.y + (i % 16) * 32, 32, 0.05f, NULL, NULL);
            zero_z_inputs(g);
            if ((st = dp_pruner_update(p, g, d.x, d.y, 256, i)) != DP_OK || dp_pruner_met(p)) break;
            dp_pruner_group_grads(p, iu, NULL, &tu);
            dp_pruner_group_grads(p, iz, NULL, &tz);
            neg += tu < 0.0; zero += tz == 0.0; n++;
        }
        dp_pruner_group(p, iu, NULL, NULL, &wu, NULL);
        dp_pruner_group(p, iz, NULL, NULL, &wz, NULL);
        CHECK(st == DP_OK && n > 0 && zero == n, "mode %d: the useless layer's task term is exactly 0 (%d of %d updates)", mode, zero, n);
        CHECK(neg == n, "mode %d: the useful layer's task term pushes back (< 0) (%d of %d updates)", mode, neg, n);
        if (mode == 0) CHECK(wz < wu, "both losses: the useless layer shrinks first (widths u %d, z %d of 12)", wu, wz);
        else CHECK(wu == 12, "task only: the useful layer keeps its width (%d of 12)", wu);
        dp_pruner_free(p);
        dp_optim_free(o);
        dp_graph_free(g);
        dp_dataset_free(&d);
    }
}

/* dp_fit_cfg.prune_plan: a width learning rate far too small for the
   schedule (the run above needed projecting) is replaced by a planned one
   that meets the budgets by itself, not long after the planned fraction */
static void test_plan(void)
{
    dp_dataset d;
    dp_graph *g;
    dp_resources r0;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fr;
    char err[300];
    int st;
    long pre;
    tu_rng = 77;
    blob_set(&d, 512);
    g = dp_graph_new(2);
    build_blobnet(g, 1.0f, NULL);
    dp_graph_resources(g, NULL, &r0, NULL, 0, NULL);
    memset(&pc, 0, sizeof pc);
    pc.budget_pmu = r0.pmu_exact * 6 / 10; pc.budget_size = r0.size_bytes / 4; pc.budget_macs = r0.macs / 5;
    pc.every = 2; pc.eta = 0.05f; pc.seed = 1;
    memset(&fc, 0, sizeof fc);
    fc.epochs = 4; fc.batch = 32; fc.qat_epochs = 0; fc.prune = &pc; fc.seed = 9; fc.prune_plan = 0.4f;
    st = dp_fit(&g, &d, NULL, &fc, &fr, err, sizeof err);
    pre = 4 * 16;
    CHECK(st == DP_OK && fr.met && fr.projected_step == -1 && fr.met_step <= pre * 6 / 10,
          "planned eta meets the budgets by itself at step %ld of %ld (plan 0.4; %d %s)", fr.met_step, pre, st, err);
    CHECK(fr.after.pmu_exact <= pc.budget_pmu && fr.after.size_bytes <= pc.budget_size && fr.after.macs <= pc.budget_macs,
          "planned run within budget");
    dp_graph_free(g);
    dp_dataset_free(&d);
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
    test_uniform_width();
    test_projection();
    test_paced();
    test_fit_short_and_same_images();
    test_mask_rule();
    test_set_widths();
    test_task_gradient_known();
    test_plan();
    return TEST_DONE();
}

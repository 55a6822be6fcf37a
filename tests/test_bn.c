/* tests/test_bn.c - batch norm numerics against float64 references computed
   here (and against PyTorch in float64 when /usr/bin/python3 has torch):
   1. one batch norm (alone or fused with ReLU, 1x1 or 16x16 positions)
      on channels whose mean is 1e2, 1e3, 1e4 times their spread: output,
      running statistics, loss, dgamma, dbeta and dx (dp_graph_input_grad);
   2. the same bits with 1, 2, 3 and 5 threads;
   3. 60 random small networks with batch norm over a few rows after global
      pooling or a fully connected layer, on nearly constant channels: every
      parameter gradient against a float64 forward/backward of the network;
   4. eps and momentum per layer (dp_bn_set_params), folded with the
      layer's eps by export; weight decay skips kernels with no gradient;
      the input gradient against finite differences. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* max |a - b| / max(max |b|, floor) over n values */
static double rel_err(const float *a, const double *b, size_t n, double floor)
{
    double e = 0.0, m = floor;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (!(d <= e)) e = d;   /* NaN counts as the worst */
        if (fabs(b[i]) > m) m = fabs(b[i]);
    }
    return e / m;
}

/* ---- a float64 reference of the chains used here ----
   ops applied to a [N][D] matrix: 'G' global average over P positions,
   'F' fully connected, 'B' batch norm (train mode), 'R' ReLU; then the mean
   softmax cross-entropy. Parameters are copied from the graph. */
#define RMAXOP 8
typedef struct ref_net {
    int nop, N, P, D0;
    char op[RMAXOP];
    int node[RMAXOP];             /* graph node of a parameterised op */
    int din[RMAXOP], dout[RMAXOP];
    double *W[RMAXOP], *b[RMAXOP];      /* F: [out][in], [out]; B: gamma, beta */
    double *gW[RMAXOP], *gb[RMAXOP];
    double eps[RMAXOP], mom[RMAXOP], *rm[RMAXOP], *rv[RMAXOP];  /* B: new running stats */
    double *a[RMAXOP + 1];        /* a[k]: input of op k, [N][din[k]] */
    double *xh[RMAXOP], *inv[RMAXOP];
    double *dx0;                  /* gradient at the input [N][P*D0] */
    double loss;
    int sub;                      /* 1: each 'B' reads its input from the graph's float32 forward */
} ref_net;

static void ref_free(ref_net *r)
{
    int k;
    for (k = 0; k < RMAXOP; k++) {
        free(r->W[k]); free(r->b[k]); free(r->gW[k]); free(r->gb[k]); free(r->rm[k]); free(r->rv[k]);
        free(r->xh[k]); free(r->inv[k]);
    }
    for (k = 0; k <= RMAXOP; k++) free(r->a[k]);
    free(r->dx0);
}

/* Forward and backward of r on x (float, [N][P*D0]) with labels y;
   rm0/rv0 of each 'B' are taken from the graph (before the step). */
static void ref_run(ref_net *r, dp_graph *g, const float *x, const int *y, int K,
                    const float *const *rm0, const float *const *rv0)
{
    int N = r->N, k, n, i, j, o;
    double *d, *dn;
    r->a[0] = (double *)calloc((size_t)N * r->P * r->D0, sizeof(double));
    for (i = 0; i < N * r->P * r->D0; i++) r->a[0][i] = x[i];
    for (k = 0; k < r->nop; k++) {
        int I = r->din[k], O = r->dout[k];
        const double *in = r->a[k];
        double *out = (double *)calloc((size_t)N * O, sizeof(double));
        r->a[k + 1] = out;
        if (r->op[k] == 'G') {
            for (n = 0; n < N; n++) for (j = 0; j < r->P; j++) for (o = 0; o < O; o++)
                out[n * O + o] += in[((size_t)n * r->P + j) * O + o] / r->P;
        } else if (r->op[k] == 'F') {
            for (n = 0; n < N; n++) for (o = 0; o < O; o++) {
                double s = r->b[k][o];
                for (i = 0; i < I; i++) s += r->W[k][(size_t)o * I + i] * in[(size_t)n * I + i];
                out[n * O + o] = s;
            }
        } else if (r->op[k] == 'B') {
            if (r->sub) {   /* the graph's own float32 input of this batch norm */
                dp_node_info f, fi;
                dp_graph_node(g, r->node[k], &f);
                dp_graph_node(g, f.in[0], &fi);
                for (i = 0; i < N * O; i++) r->a[k][i] = fi.out[i];
            }
            r->xh[k] = (double *)calloc((size_t)N * O, sizeof(double));
            r->inv[k] = (double *)calloc((size_t)O, sizeof(double));
            r->rm[k] = (double *)calloc((size_t)O, sizeof(double));
            r->rv[k] = (double *)calloc((size_t)O, sizeof(double));
            for (o = 0; o < O; o++) {
                double m = 0.0, v = 0.0;
                for (n = 0; n < N; n++) m += in[n * O + o];
                m /= N;
                for (n = 0; n < N; n++) v += (in[n * O + o] - m) * (in[n * O + o] - m);
                v /= N;
                r->inv[k][o] = 1.0 / sqrt(v + r->eps[k]);
                for (n = 0; n < N; n++) {
                    r->xh[k][n * O + o] = (in[n * O + o] - m) * r->inv[k][o];
                    out[n * O + o] = r->W[k][o] * r->xh[k][n * O + o] + r->b[k][o];
                }
                r->rm[k][o] = (1.0 - r->mom[k]) * rm0[k][o] + r->mom[k] * m;
                r->rv[k][o] = (1.0 - r->mom[k]) * rv0[k][o] + r->mom[k] * v * N / (N - 1);
            }
        } else {
            for (i = 0; i < N * O; i++) out[i] = in[i] > 0.0 ? in[i] : 0.0;
        }
    }
    /* loss and its gradient */
    d = (double *)calloc((size_t)N * K, sizeof(double));
    r->loss = 0.0;
    for (n = 0; n < N; n++) {
        const double *z = r->a[r->nop] + n * K;
        double mx = z[0], s = 0.0;
        for (o = 1; o < K; o++) if (z[o] > mx) mx = z[o];
        for (o = 0; o < K; o++) s += exp(z[o] - mx);
        r->loss += (log(s) + mx - z[y[n]]) / N;
        for (o = 0; o < K; o++) d[n * K + o] = (exp(z[o] - mx) / s - (o == y[n])) / N;
    }
    for (k = r->nop - 1; k >= 0; k--) {
        int I = r->din[k], O = r->dout[k];
        const double *in = r->a[k];
        dn = (double *)calloc((size_t)N * I * (r->op[k] == 'G' ? r->P : 1), sizeof(double));
        if (r->op[k] == 'G') {
            for (n = 0; n < N; n++) for (j = 0; j < r->P; j++) for (o = 0; o < O; o++)
                dn[((size_t)n * r->P + j) * O + o] = d[n * O + o] / r->P;
        } else if (r->op[k] == 'F') {
            r->gW[k] = (double *)calloc((size_t)O * I, sizeof(double));
            r->gb[k] = (double *)calloc((size_t)O, sizeof(double));
            for (n = 0; n < N; n++) for (o = 0; o < O; o++) {
                r->gb[k][o] += d[n * O + o];
                for (i = 0; i < I; i++) {
                    r->gW[k][(size_t)o * I + i] += d[n * O + o] * in[(size_t)n * I + i];
                    dn[(size_t)n * I + i] += d[n * O + o] * r->W[k][(size_t)o * I + i];
                }
            }
        } else if (r->op[k] == 'B') {
            r->gW[k] = (double *)calloc((size_t)O, sizeof(double));
            r->gb[k] = (double *)calloc((size_t)O, sizeof(double));
            for (o = 0; o < O; o++) {
                double sb = 0.0, sg = 0.0;
                for (n = 0; n < N; n++) { sb += d[n * O + o]; sg += d[n * O + o] * r->xh[k][n * O + o]; }
                r->gb[k][o] = sb; r->gW[k][o] = sg;
                for (n = 0; n < N; n++)
                    dn[n * O + o] = r->W[k][o] * r->inv[k][o] * (d[n * O + o] - sb / N - r->xh[k][n * O + o] * sg / N);
            }
        } else {
            for (i = 0; i < N * O; i++) dn[i] = in[i] > 0.0 ? d[i] : 0.0;
        }
        free(d);
        d = dn;
    }
    r->dx0 = d;
}

/* Copies a parameterised op's weights from the graph into r. */
static void ref_take(ref_net *r, dp_graph *g, int k)
{
    dp_node_info f;
    size_t i;
    dp_graph_node(g, r->node[k], &f);
    r->W[k] = (double *)calloc(f.n_weight, sizeof(double));
    r->b[k] = (double *)calloc(f.n_bias + 1, sizeof(double));
    for (i = 0; i < f.n_weight; i++) r->W[k][i] = f.weight[i];
    for (i = 0; i < f.n_bias; i++) r->b[k][i] = f.bias[i];
    if (r->op[k] == 'B') {
        float e = 1e-5f, m = 0.1f;
        dp_bn_get_params(g, r->node[k], &e, &m);
        r->eps[k] = e; r->mom[k] = m;
    }
}

/* ---- 1. one batch norm at a given mean/spread ratio ----
   input(H,H,5) -> bn [-> relu] [-> global avgpool] -> softmax_ce, batch 16.
   With sink (then nothing is checked): the output, dx, dgamma, dbeta are
   copied there, for the thread-count comparison. With g_skew, every 16th
   row is 50 spreads off: the rows batch norm samples for its first centre
   are then far from the mean and it takes its sums a second time. */
static int g_skew;

static void bn_case(double ratio, int H, int fused, float mom, double tol, int threads, float *sink)
{
    enum { N = 16, C = 5 };
    dp_graph *g = dp_graph_new(3);
    dp_rng rng;
    dp_node_info fb, fo;
    int x, b, a, p, L, n, c, y[N], K = C, st;
    size_t i, nx = (size_t)N * H * H * C;
    float *xv = (float *)malloc(sizeof(float) * nx), rm0[C], rv0[C];
    double e_y, e_rm, e_rv, e_gg, e_gb, e_dx, e_l, *yr;
    const float *dx;
    x = dp_input(g, "x", H, H, C);
    b = dp_batchnorm(g, "bn", x);
    a = fused ? dp_relu(g, "relu", b) : b;
    p = H > 1 ? dp_global_avgpool(g, "gap", a) : a;
    L = dp_softmax_ce(g, "loss", p);
    CHECK(L >= 0, "build: %s", dp_graph_error(g));
    if (mom > 0.0f) CHECK(dp_bn_set_params(g, b, 0.0f, mom) == DP_OK, "set momentum: %s", dp_graph_error(g));
    dp_rng_seed(&rng, (uint64_t)(1000 + H * 10 + fused));
    dp_graph_node(g, b, &fb);
    for (c = 0; c < C; c++) {
        fb.weight[c] = 0.5f + dp_rng_uniform(&rng);
        fb.bias[c] = dp_rng_uniform(&rng) - 0.5f;
        fb.running_mean[c] = rm0[c] = dp_rng_normal(&rng);
        fb.running_var[c] = rv0[c] = 0.5f + dp_rng_uniform(&rng);
    }
    for (i = 0; i < nx; i++) {
        int ch = (int)(i % C);
        double sd = 0.3 * (ch + 1), mean = (ch & 1 ? -1.0 : 1.0) * ratio * sd;
        xv[i] = (float)(mean + sd * dp_rng_normal(&rng) + (g_skew && (i / C) % 16 == 0 ? 50.0 * sd : 0.0));
    }
    for (n = 0; n < N; n++) y[n] = (int)dp_rng_below(&rng, (uint32_t)K);
    dp_set_threads(threads);
    dp_graph_set_input_grad(g, 1);
    dp_graph_set_labels(g, y, N);
    st = dp_graph_forward(g, xv, N, DP_TRAIN);
    if (st == DP_OK) st = dp_graph_backward(g);
    dp_set_threads(0);
    CHECK(st == DP_OK, "forward/backward: %s", dp_graph_error(g));
    if (st != DP_OK) { dp_graph_free(g); free(xv); return; }
    /* reference: batch norm [+ relu] over the N*H*W rows as one 'B' ['R']
       chain of ref_run (forward only), then pooling, loss and backward here */
    {
        ref_net q;
        memset(&q, 0, sizeof q);
        q.N = N * H * H; q.P = 1; q.D0 = C; q.nop = 0;
        q.op[q.nop] = 'B'; q.node[q.nop] = b; q.din[0] = q.dout[0] = C; ref_take(&q, g, 0); q.nop++;
        if (fused) { q.op[q.nop] = 'R'; q.din[q.nop] = q.dout[q.nop] = C; q.nop++; }
        /* forward only through q (its loss is not ours); pooled logits and
           the gradient are then done by hand */
        {
            int *yy = (int *)calloc((size_t)q.N, sizeof(int));
            const float *m0[RMAXOP], *v0[RMAXOP];
            m0[0] = rm0; v0[0] = rv0;
            ref_run(&q, g, xv, yy, C, m0, v0);
            free(yy);
        }
        /* pooled logits, loss, dlogits */
        {
            const double *act = q.a[q.nop];
            double *z = (double *)calloc((size_t)N * C, sizeof(double)), *du, *xh = q.xh[0];
            double *gg = (double *)calloc(C, sizeof(double)), *gb = (double *)calloc(C, sizeof(double));
            double *dxr = (double *)calloc(nx, sizeof(double)), loss = 0.0;
            int P = H * H, j;
            du = (double *)calloc(nx, sizeof(double));
            for (n = 0; n < N; n++) for (j = 0; j < P; j++) for (c = 0; c < C; c++)
                z[n * C + c] += act[((size_t)n * P + j) * C + c] / P;
            for (n = 0; n < N; n++) {
                double mx = z[n * C], s = 0.0;
                for (c = 1; c < C; c++) if (z[n * C + c] > mx) mx = z[n * C + c];
                for (c = 0; c < C; c++) s += exp(z[n * C + c] - mx);
                loss += (log(s) + mx - z[n * C + y[n]]) / N;
                for (c = 0; c < C; c++) {
                    double dz = (exp(z[n * C + c] - mx) / s - (c == y[n])) / N;
                    for (j = 0; j < P; j++) {
                        size_t e = ((size_t)n * P + j) * C + c;
                        du[e] = (!fused || act[e] > 0.0) ? dz / P : 0.0;
                    }
                }
            }
            for (c = 0; c < C; c++) {
                double sb = 0.0, sg = 0.0;
                size_t e;
                for (e = (size_t)c; e < nx; e += C) { sb += du[e]; sg += du[e] * xh[e]; }
                gb[c] = sb; gg[c] = sg;
                for (e = (size_t)c; e < nx; e += C)
                    dxr[e] = q.W[0][c] * q.inv[0][c] * (du[e] - sb / (double)q.N - xh[e] * sg / (double)q.N);
            }
            dp_graph_node(g, a, &fo);
            dp_graph_node(g, b, &fb);   /* gradients exist now */
            yr = q.a[q.nop];
            e_y = rel_err(fo.out, yr, nx, 0.0);
            e_rm = rel_err(fb.running_mean, q.rm[0], C, 0.0);
            e_rv = rel_err(fb.running_var, q.rv[0], C, 0.0);
            e_gg = rel_err(fb.grad_weight, gg, C, 0.0);
            e_gb = rel_err(fb.grad_bias, gb, C, 0.0);
            dx = dp_graph_input_grad(g);
            CHECK(dx != NULL, "no input gradient");
            e_dx = dx ? rel_err(dx, dxr, nx, 0.0) : 1.0;
            e_l = fabs(dp_graph_loss(g) - loss) / loss;
            if (sink) {
                memcpy(sink, fo.out, sizeof(float) * nx);
                if (dx) memcpy(sink + nx, dx, sizeof(float) * nx);
                memcpy(sink + 2 * nx, fb.grad_weight, sizeof(float) * C);
                memcpy(sink + 2 * nx + C, fb.grad_bias, sizeof(float) * C);
            }
            free(z); free(gg); free(gb); free(dxr); free(du);
        }
        ref_free(&q);
    }
    if (!sink) {
        printf("  mean/sd %-7g %2dx%-2d %-9s%s y %.1e  rm %.1e  rv %.1e  dgamma %.1e  dbeta %.1e  dx %.1e  loss %.1e\n",
               ratio, H, H, fused ? "bn+relu" : "bn", g_skew ? " skewed" : "", e_y, e_rm, e_rv, e_gg, e_gb, e_dx, e_l);
        CHECK(e_y <= tol, "output rel err %.2e > %.0e at mean/sd %g", e_y, tol, ratio);
        CHECK(e_rm <= tol, "running mean rel err %.2e > %.0e at mean/sd %g", e_rm, tol, ratio);
        CHECK(e_rv <= tol, "running var rel err %.2e > %.0e at mean/sd %g", e_rv, tol, ratio);
        CHECK(e_gg <= tol, "dgamma rel err %.2e > %.0e at mean/sd %g", e_gg, tol, ratio);
        CHECK(e_gb <= tol, "dbeta rel err %.2e > %.0e at mean/sd %g", e_gb, tol, ratio);
        CHECK(e_dx <= tol, "dx rel err %.2e > %.0e at mean/sd %g", e_dx, tol, ratio);
        CHECK(e_l <= tol, "loss rel err %.2e > %.0e at mean/sd %g", e_l, tol, ratio);
    }
    dp_graph_free(g);
    free(xv);
}

/* ---- 2. the same bits with any number of threads ---- */
static void test_threads(void)
{
    size_t n = 2 * 16 * 16 * 16 * 5 + 10;
    float *a = (float *)malloc(sizeof(float) * n), *b = (float *)malloc(sizeof(float) * n);
    int t, f, same = 1;
    for (f = 0; f < 2; f++) {
        memset(a, 0, sizeof(float) * n);
        bn_case(1e3, 16, f, 1.0f, 0.0, 1, a);
        for (t = 2; t <= 5; t += t == 3 ? 2 : 1) {
            memset(b, 0, sizeof(float) * n);
            bn_case(1e3, 16, f, 1.0f, 0.0, t, b);
            same = !memcmp(a, b, sizeof(float) * n);
            CHECK(same, "%s: output/gradients with %d threads differ from 1 thread", f ? "bn+relu" : "bn", t);
        }
    }
#ifdef _OPENMP
    printf("threads 1, 2, 3, 5: same bits (output, dx, dgamma, dbeta): %s\n", same ? "yes" : "NO");
#else
    printf("threads: built without OpenMP, one thread only (the OpenMP build compares 1, 2, 3, 5)\n");
#endif
    free(a); free(b);
}

/* ---- 3. random small networks, batch norm over a few rows ----
   kind 0: input(h,w,c) -> gap -> bn [-> relu] -> fc(K)
   kind 1: input(1,1,I) -> fc(H) -> bn [-> relu] -> fc(K)
   kind 2: input(1,1,I) -> fc(H) -> bn -> relu -> fc(H2) -> bn -> fc(K)
   all -> softmax_ce. Channels before each batch norm are nearly constant:
   their mean is 10^1..10^4 times their spread (input offsets, fc biases).
   Every parameter gradient and dx against ref_run; returns the worst
   relative error (per tensor, against max(max|ref|, 1e-3 of the largest)). */
static FILE *g_dump;   /* the networks for bench/PyTorch, when set */

static void dump_vec(const char *tag, const float *v, size_t n)
{
    size_t i;
    if (!g_dump || !v) return;
    fprintf(g_dump, "%s %lu", tag, (unsigned long)n);
    for (i = 0; i < n; i++) fprintf(g_dump, " %.9g", (double)v[i]);
    fputc('\n', g_dump);
}

/* worst relative error of the graph's parameter gradients and dx against r */
static double ref_compare(ref_net *r, dp_graph *g, size_t nx)
{
    double worst = 0.0, gmax = 0.0, e;
    int k;
    size_t j;
    dp_node_info f;
    const float *dx = dp_graph_input_grad(g);
    for (k = 0; k < r->nop; k++) {
        if (r->op[k] != 'F' && r->op[k] != 'B') continue;
        dp_graph_node(g, r->node[k], &f);
        for (j = 0; j < f.n_weight; j++) if (fabs(r->gW[k][j]) > gmax) gmax = fabs(r->gW[k][j]);
        for (j = 0; j < f.n_bias; j++) if (fabs(r->gb[k][j]) > gmax) gmax = fabs(r->gb[k][j]);
    }
    for (k = 0; k < r->nop; k++) {
        if (r->op[k] != 'F' && r->op[k] != 'B') continue;
        dp_graph_node(g, r->node[k], &f);
        e = rel_err(f.grad_weight, r->gW[k], f.n_weight, 1e-3 * gmax);
        if (!(e <= worst)) worst = e;
        /* the bias of an fc feeding a batch norm has gradient 0 exactly:
           what is left is rounding, measured against the largest gradient */
        e = rel_err(f.grad_bias, r->gb[k], f.n_bias, (k + 1 < r->nop && r->op[k + 1] == 'B' ? 1.0 : 1e-3) * gmax);
        if (!(e <= worst)) worst = e;
    }
    e = dx ? rel_err(dx, r->dx0, nx, 0.0) : 1.0;
    if (!(e <= worst)) worst = e;
    return worst;
}

/* Builds, runs and checks random network `seed`: *e64 is the error against
   a pure float64 run, *ebn against float64 from each batch norm's float32
   input on (what batch norm itself adds); returns log10(mean/spread). */
static double random_net(int seed, double *e64, double *ebn)
{
    dp_graph *g = dp_graph_new((uint64_t)seed);
    dp_rng rng;
    ref_net r, rs;
    int kind, N, K, h, w, c, I, Hd, H2, relu, x, v, k, n, i, L, st, yv[16];
    float *xv, *rm0[RMAXOP], *rv0[RMAXOP];
    const float *crm[RMAXOP], *crv[RMAXOP];
    double ratio;
    size_t nx, j;
    dp_node_info f;
    memset(&r, 0, sizeof r);
    memset(rm0, 0, sizeof rm0); memset(rv0, 0, sizeof rv0);
    dp_rng_seed(&rng, (uint64_t)seed * 7919u + 17u);
    kind = (int)dp_rng_below(&rng, 3);
    N = 2 + (int)dp_rng_below(&rng, 7);
    K = 2 + (int)dp_rng_below(&rng, 4);
    relu = (int)dp_rng_below(&rng, 2);
    ratio = pow(10.0, 1.0 + 3.0 * dp_rng_uniform(&rng));
    *e64 = *ebn = 1.0;
    h = w = 1; c = I = 1 + (int)dp_rng_below(&rng, 6);
    Hd = 2 + (int)dp_rng_below(&rng, 5); H2 = 2 + (int)dp_rng_below(&rng, 4);
    if (kind == 0) { h = 1 + (int)dp_rng_below(&rng, 4); w = 1 + (int)dp_rng_below(&rng, 4); }
    r.N = N; r.P = h * w; r.D0 = c;
    x = v = dp_input(g, "x", h, w, c);
    if (kind == 0) {
        v = dp_global_avgpool(g, "gap", v);
        r.op[r.nop] = 'G'; r.din[r.nop] = r.dout[r.nop] = c; r.nop++;
        Hd = c;
    } else {
        v = dp_fc(g, "fc1", v, Hd);
        r.op[r.nop] = 'F'; r.node[r.nop] = v; r.din[r.nop] = I; r.dout[r.nop] = Hd; r.nop++;
    }
    v = dp_batchnorm(g, "bn1", v);
    r.op[r.nop] = 'B'; r.node[r.nop] = v; r.din[r.nop] = r.dout[r.nop] = Hd; r.nop++;
    if (relu || kind == 2) { v = dp_relu(g, "relu1", v); r.op[r.nop] = 'R'; r.din[r.nop] = r.dout[r.nop] = Hd; r.nop++; }
    if (kind == 2) {
        v = dp_fc(g, "fc2", v, H2);
        r.op[r.nop] = 'F'; r.node[r.nop] = v; r.din[r.nop] = Hd; r.dout[r.nop] = H2; r.nop++;
        v = dp_batchnorm(g, "bn2", v);
        r.op[r.nop] = 'B'; r.node[r.nop] = v; r.din[r.nop] = r.dout[r.nop] = H2; r.nop++;
        Hd = H2;
    }
    v = dp_fc(g, "fc", v, K);
    r.op[r.nop] = 'F'; r.node[r.nop] = v; r.din[r.nop] = Hd; r.dout[r.nop] = K; r.nop++;
    L = dp_softmax_ce(g, "loss", v);
    CHECK(L >= 0, "random net %d: build: %s", seed, dp_graph_error(g));
    if (L < 0) { dp_graph_free(g); return 0.0; }
    (void)x;
    /* parameters: batch norms random, fc biases before a batch norm large */
    for (k = 0; k < r.nop; k++) {
        if (r.op[k] != 'F' && r.op[k] != 'B') continue;
        dp_graph_node(g, r.node[k], &f);
        if (r.op[k] == 'B') {
            for (i = 0; i < f.c; i++) {
                f.weight[i] = 0.5f + dp_rng_uniform(&rng);
                f.bias[i] = dp_rng_uniform(&rng) - 0.5f;
                f.running_mean[i] = dp_rng_normal(&rng);
                f.running_var[i] = 0.5f + dp_rng_uniform(&rng);
            }
            rm0[k] = (float *)malloc(sizeof(float) * (size_t)f.c);
            rv0[k] = (float *)malloc(sizeof(float) * (size_t)f.c);
            memcpy(rm0[k], f.running_mean, sizeof(float) * (size_t)f.c);
            memcpy(rv0[k], f.running_var, sizeof(float) * (size_t)f.c);
        } else if (k + 1 < r.nop && r.op[k + 1] == 'B') {
            double sp = 0.01 * sqrt(f.in_h * f.in_w * f.in_c / 3.0 + 1e-9);
            for (j = 0; j < f.n_weight; j++) f.weight[j] = 0.01f * dp_rng_normal(&rng);
            for (i = 0; i < f.c; i++) f.bias[i] = (float)((dp_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0) * ratio * sp);
        }
        crm[k] = rm0[k]; crv[k] = rv0[k];
    }
    nx = (size_t)N * h * w * c;
    xv = (float *)malloc(sizeof(float) * nx);
    for (j = 0; j < nx; j++) {
        double off = kind == 0 ? (double)((j % (size_t)c) + 1) * ratio * 0.1 : 0.0;
        xv[j] = (float)(off + (kind == 0 ? 0.1 * dp_rng_normal(&rng) : 2.0 * dp_rng_uniform(&rng) - 1.0));
    }
    for (n = 0; n < N; n++) yv[n] = (int)dp_rng_below(&rng, (uint32_t)K);
    for (k = 0; k < r.nop; k++) if (r.op[k] == 'F' || r.op[k] == 'B') ref_take(&r, g, k);
    dp_graph_set_input_grad(g, 1);
    dp_graph_set_labels(g, yv, N);
    st = dp_graph_forward(g, xv, N, DP_TRAIN);
    if (st == DP_OK) st = dp_graph_backward(g);
    CHECK(st == DP_OK, "random net %d: %s", seed, dp_graph_error(g));
    ref_run(&r, g, xv, yv, K, crm, crv);
    rs = r;
    memset(rs.W, 0, sizeof rs.W); memset(rs.b, 0, sizeof rs.b); memset(rs.a, 0, sizeof rs.a);
    for (k = 0; k < r.nop; k++) if (r.op[k] == 'F' || r.op[k] == 'B') ref_take(&rs, g, k);
    memset(rs.gW, 0, sizeof rs.gW); memset(rs.gb, 0, sizeof rs.gb); memset(rs.rm, 0, sizeof rs.rm);
    memset(rs.rv, 0, sizeof rs.rv); memset(rs.xh, 0, sizeof rs.xh); memset(rs.inv, 0, sizeof rs.inv);
    rs.dx0 = NULL; rs.sub = 1;
    ref_run(&rs, g, xv, yv, K, crm, crv);
    *e64 = ref_compare(&r, g, nx);
    *ebn = ref_compare(&rs, g, nx);
    if (g_dump) fprintf(g_dump, "net %d %d %d %d %d %d %d %s\n", seed, N, h, w, c, K, r.nop, r.op);
    for (k = 0; k < r.nop; k++) {
        if (r.op[k] != 'F' && r.op[k] != 'B') continue;
        dp_graph_node(g, r.node[k], &f);
        if (g_dump) {
            dump_vec("W", f.weight, f.n_weight); dump_vec("b", f.bias, f.n_bias);
            if (r.op[k] == 'B') {
                dump_vec("rm", rm0[k], f.n_bias); dump_vec("rv", rv0[k], f.n_bias);
                dump_vec("rm1", f.running_mean, f.n_bias); dump_vec("rv1", f.running_var, f.n_bias);
            }
            dump_vec("gW", f.grad_weight, f.n_weight); dump_vec("gb", f.grad_bias, f.n_bias);
        }
    }
    if (g_dump) {
        float yf[16];
        for (n = 0; n < N; n++) yf[n] = (float)yv[n];
        dump_vec("x", xv, nx); dump_vec("y", yf, (size_t)N);
        dump_vec("dx", dp_graph_input_grad(g), nx);
    }
    for (k = 0; k < RMAXOP; k++) { free(rm0[k]); free(rv0[k]); }
    ref_free(&r);
    ref_free(&rs);
    free(xv);
    dp_graph_free(g);
    return log10(ratio);
}

/* What batch norm adds must stay below 1e-5 at every ratio. Against a pure
   float64 run the float32 forward before the batch norm already rounds the
   nearly constant values by 2^-24 * mean = 6e-8 * ratio spreads, which the
   normalisation magnifies; below ratio 100 the whole network must agree to
   1e-4, above it the error is printed (PyTorch's float32 does the same: see
   test_torch). */
static void test_random_nets(void)
{
    int s, bad_bn = 0, bad64 = 0;
    double e64, ebn, wbn = 0.0, w64lo = 0.0, w64hi = 0.0;
    for (s = 1; s <= 60; s++) {
        double lr = random_net(s, &e64, &ebn);
        if (!(ebn <= wbn)) wbn = ebn;
        if (lr <= 2.0 && !(e64 <= w64lo)) w64lo = e64;
        if (lr > 2.0 && !(e64 <= w64hi)) w64hi = e64;
        if (!(ebn <= 1e-5)) { bad_bn++; printf("  net %d (mean/sd 10^%.2f): batch norm adds %.2e\n", s, lr, ebn); }
        if (lr <= 2.0 && !(e64 <= 1e-4)) { bad64++; printf("  net %d (mean/sd 10^%.2f): %.2e from float64\n", s, lr, e64); }
    }
    printf("60 random networks, gradients (all parameters, dx) rel err: batch norm's own %.1e (<= 1e-5); "
           "whole network vs float64 %.1e at mean/sd <= 100 (<= 1e-4), %.1e above\n", wbn, w64lo, w64hi);
    CHECK(bad_bn == 0, "%d of 60 random networks: batch norm's gradients off by more than 1e-5", bad_bn);
    CHECK(bad64 == 0, "%d random networks at mean/sd <= 100 off float64 by more than 1e-4", bad64);
}

/* The same 60 networks through PyTorch in float64 (tests/bn_torch.py), when
   /usr/bin/python3 with torch is there: our float32 gradients and running
   statistics against torch's float64, next to torch's own float32. */
static void test_torch(void)
{
    const char *path = "build/test_bn_nets.txt";
    FILE *py = fopen("/usr/bin/python3", "rb"), *sc = fopen("tests/bn_torch.py", "rb");
    int s, rc;
    double e1, e2;
    char cmd[256];
    if (py) fclose(py);
    if (sc) fclose(sc);
    if (!py || !sc) { printf("PyTorch check skipped: %s not found\n", py ? "tests/bn_torch.py (run from the repository root)" : "/usr/bin/python3"); return; }
    if (!(g_dump = fopen(path, "w"))) { printf("PyTorch check skipped: cannot write %s\n", path); return; }
    for (s = 1; s <= 60; s++) random_net(s, &e1, &e2);
    fclose(g_dump);
    g_dump = NULL;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/bn_torch.py %s", path);
    fflush(stdout);
    rc = system(cmd);
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77) { printf("PyTorch check skipped: no torch module\n"); return; }
    CHECK(rc == 0, "PyTorch float64 comparison failed (%s, status %d)", cmd, rc);
    remove(path);
}

/* ---- 4. eps and momentum per layer, weight decay, the input gradient ---- */
static void test_bn_params(void)
{
    dp_graph *g = dp_graph_new(1);
    dp_node_info f;
    float e = 0.0f, m = 0.0f, x[2 * 3] = { 1.0f, -2.0f, 3.0f, 0.5f, 4.0f, -1.0f }, nanf_ = 0.0f;
    int in = dp_input(g, "x", 1, 1, 3), b = dp_batchnorm(g, "bn", in), c;
    CHECK(dp_bn_get_params(g, b, &e, &m) == DP_OK && e == 1e-5f && m == 0.1f, "defaults eps 1e-5, momentum 0.1: %g %g", (double)e, (double)m);
    CHECK(dp_bn_get_params(g, in, &e, &m) == DP_ERR_ARG, "get on a non-bn node is refused");
    CHECK(dp_bn_set_params(g, b, 0.25f, 0.5f) == DP_OK, "set eps 0.25 momentum 0.5");
    CHECK(dp_bn_get_params(g, b, &e, &m) == DP_OK && e == 0.25f && m == 0.5f, "read back %g %g", (double)e, (double)m);
    dp_graph_node(g, b, &f);
    for (c = 0; c < 3; c++) { f.weight[c] = 1.0f + c; f.bias[c] = 0.5f * c; f.running_mean[c] = 0.1f * c; f.running_var[c] = 0.2f + c; }
    /* eval: y = (x - rm) / sqrt(rv + eps) gamma + beta */
    CHECK(dp_graph_forward(g, x, 2, DP_EVAL) == DP_OK, "eval forward: %s", dp_graph_error(g));
    dp_graph_node(g, b, &f);
    for (c = 0; c < 6; c++) {
        int k = c % 3;
        double want = (x[c] - 0.1 * k) / sqrt(0.2 + k + 0.25) * (1.0 + k) + 0.5 * k;
        CHECK(fabs(f.out[c] - want) <= 1e-6 * (1.0 + fabs(want)), "eval output %d with eps 0.25: %.7g vs %.7g", c, (double)f.out[c], want);
    }
    /* train: running = (1 - 0.5) running + 0.5 batch (unbiased variance) */
    CHECK(dp_graph_forward(g, x, 2, DP_TRAIN) == DP_OK, "train forward: %s", dp_graph_error(g));
    for (c = 0; c < 3; c++) {
        double mu = (x[c] + x[3 + c]) / 2.0, var = (x[c] - mu) * (x[c] - mu) * 2.0 / 1.0;
        double yb = (x[c] - mu) / sqrt((x[c] - mu) * (x[c] - mu) + 0.25) * (1.0 + c) + 0.5 * c;
        CHECK(fabs(f.running_mean[c] - (0.5 * 0.1 * c + 0.5 * mu)) <= 1e-6, "running mean %d: %g", c, (double)f.running_mean[c]);
        CHECK(fabs(f.running_var[c] - (0.5 * (0.2 + c) + 0.5 * var)) <= 1e-5, "running var %d: %g", c, (double)f.running_var[c]);
        CHECK(fabs(f.out[c] - yb) <= 1e-6 * (1.0 + fabs(yb)), "train output %d with eps 0.25: %g vs %g", c, (double)f.out[c], yb);
    }
    dp_graph_free(g);
    /* bad values: refused with a message, sticky like a builder error */
    {
        static const float bad[4][2] = { { -1.0f, 0.1f }, { 1e-3f, 1.5f }, { 1e-3f, -0.1f }, { 0.0f, 0.0f } };
        int i;
        for (i = 0; i < 5; i++) {
            dp_graph *h = dp_graph_new(1);
            int hx = dp_input(h, "x", 1, 1, 2), hb = dp_batchnorm(h, "bn", hx), st;
            float be = i < 4 ? bad[i][0] : 1e-3f, bm = i < 4 ? bad[i][1] : 0.0f;
            if (i == 3) { nanf_ = be / be; be = nanf_; }   /* NaN eps */
            st = i == 4 ? dp_bn_set_params(h, hx, be, bm) : dp_bn_set_params(h, hb, be, bm);
            CHECK(st == DP_ERR_ARG && dp_graph_status(h) == DP_ERR_ARG && strstr(dp_graph_error(h), "dp_bn_set_params"),
                  "bad case %d refused: %d '%s'", i, st, dp_graph_error(h));
            dp_graph_free(h);
        }
    }
}

/* export folds each batch norm with its own eps: int8 probabilities follow
   the float model, which with eps 1 and running variance 0.01 has logits
   10 times smaller than with the default eps */
static void test_bn_export_eps(void)
{
    dp_graph *g = dp_graph_new(2);
    dp_rng rng;
    dp_node_info f;
    dp_model m;
    dp_tensor_info ti;
    float x[50 * 4], sc;
    void *blob = NULL, *arena;
    size_t len;
    char err[256];
    int in = dp_input(g, "x", 1, 1, 4), fc = dp_fc(g, "fc", in, 3), b = dp_batchnorm(g, "bn", fc), L = dp_softmax_ce(g, "loss", b);
    int i, c, st;
    double worst = 0.0;
    CHECK(L >= 0 && dp_bn_set_params(g, b, 1.0f, 0.0f) == DP_OK, "build: %s", dp_graph_error(g));
    dp_rng_seed(&rng, 9);
    dp_graph_node(g, b, &f);
    for (c = 0; c < 3; c++) { f.running_mean[c] = 0.0f; f.running_var[c] = 0.01f; }
    for (i = 0; i < 50 * 4; i++) x[i] = dp_rng_normal(&rng);
    st = dp_export(g, x, 50, &blob, &len, NULL, err, sizeof err);
    CHECK(st == DP_OK, "export: %s", err);
    if (st != DP_OK) { dp_graph_free(g); return; }
    CHECK(dp_model_init(&m, blob, len) == DP_OK, "model init");
    arena = malloc(dp_model_arena_size(&m));
    dp_graph_forward(g, x, 50, DP_EVAL);
    dp_graph_node(g, L, &f);
    for (i = 0; i < 50; i++) {
        const int8_t *o;
        dp_model_set_input_f32(&m, arena, x + 4 * i);
        dp_model_run(&m, arena, dp_model_arena_size(&m));
        o = dp_model_output(&m, arena, &ti);
        memcpy(&sc, &ti.scale_bits, 4);
        for (c = 0; c < 3; c++) {
            double d = fabs(sc * (o[c] - ti.zero_point) - f.out[i * 3 + c]);
            if (d > worst) worst = d;
        }
    }
    printf("export with bn eps 1: int8 vs float probabilities, max diff %.3f\n", worst);
    CHECK(worst <= 0.03, "int8 probabilities off the float ones by %.3f: eps not folded?", worst);
    free(arena);
    DP_FREE(blob);
    dp_graph_free(g);
}

/* a checkpoint carries non-default eps/momentum in its structure hash */
static void test_bn_ckpt(void)
{
    const char *path = "/tmp/dp_test_bn_ckpt.bin";
    dp_graph *g[3];
    char err[256];
    int i, st;
    for (i = 0; i < 3; i++) {
        int x;
        g[i] = dp_graph_new(1);
        x = dp_input(g[i], "x", 2, 2, 3);
        x = dp_batchnorm(g[i], "bn", x);
        if (i != 1) dp_bn_set_params(g[i], x, 1e-3f, 0.01f);
        dp_softmax_ce(g[i], "loss", dp_fc(g[i], "fc", x, 2));
    }
    CHECK(dp_checkpoint_save(path, g[0], NULL, 7) == DP_OK, "save: %s", dp_graph_error(g[0]));
    st = dp_checkpoint_load(path, g[1], NULL, NULL, err, sizeof err);
    CHECK(st != DP_OK, "a checkpoint with bn eps 1e-3 does not load into a graph with the default eps");
    st = dp_checkpoint_load(path, g[2], NULL, NULL, err, sizeof err);
    CHECK(st == DP_OK, "loads into a graph with the same eps/momentum: %s", err);
    remove(path);
    for (i = 0; i < 3; i++) dp_graph_free(g[i]);
}

/* weight decay only on kernels that got a gradient: x -> fc "used" -> loss,
   and x -> fc "unused" (nothing reads it). */
static void test_decay_rule(void)
{
    dp_graph *g;
    dp_optim_cfg oc;
    dp_optim *o;
    dp_node_info fu, fn;
    float x[2 * 3] = { 0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f }, *wu0, *wn0, *bu0;
    int y[2] = { 0, 1 }, in, un, us, L, j, ok_u = 1, ok_n = 1, ok_b = 1, k, kind;
    for (kind = 0; kind < 2; kind++) {
        g = dp_graph_new(4);
        in = dp_input(g, "x", 1, 1, 3);
        un = dp_fc(g, "unused", in, 2);
        us = dp_fc(g, "used", in, 2);
        L = dp_softmax_ce(g, "loss", us);
        CHECK(L >= 0 && un >= 0, "build: %s", dp_graph_error(g));
        memset(&oc, 0, sizeof oc);
        oc.kind = kind ? DP_ADAM : DP_SGD; oc.weight_decay = 0.5f;
        o = dp_optim_new(g, &oc);
        dp_graph_node(g, us, &fu); dp_graph_node(g, un, &fn);
        wu0 = (float *)malloc(sizeof(float) * fu.n_weight); wn0 = (float *)malloc(sizeof(float) * fn.n_weight);
        bu0 = (float *)malloc(sizeof(float) * fu.n_bias);
        memcpy(wu0, fu.weight, sizeof(float) * fu.n_weight); memcpy(wn0, fn.weight, sizeof(float) * fn.n_weight);
        memcpy(bu0, fu.bias, sizeof(float) * fu.n_bias);
        CHECK(dp_train_step(g, o, x, y, 2, 0.1f, NULL, NULL) == DP_OK, "step: %s", dp_graph_error(g));
        dp_graph_node(g, us, &fu); dp_graph_node(g, un, &fn);
        for (j = 0; j < (int)fn.n_weight; j++) ok_n &= fn.weight[j] == wn0[j];
        for (j = 0; j < (int)fu.n_weight; j++) {
            /* SGD: w - lr (g + wd w); Adam's first step: w - lr sign(g + wd w) */
            float d = fu.grad_weight[j] + 0.5f * wu0[j];
            float want = kind ? wu0[j] - 0.1f * (d > 0.0f ? 1.0f : -1.0f) : wu0[j] - 0.1f * d;
            ok_u &= fabsf(fu.weight[j] - want) <= 1e-6f;
        }
        for (k = 0; k < (int)fu.n_bias; k++) {   /* biases never decay */
            float d = fu.grad_bias[k];
            float want = kind ? bu0[k] - 0.1f * (d > 0.0f ? 1.0f : -1.0f) : bu0[k] - 0.1f * d;
            ok_b &= fabsf(fu.bias[k] - want) <= 1e-6f;
        }
        CHECK(ok_n, "%s: the kernel of an unused branch stays as it was (no decay without a gradient)", kind ? "adam" : "sgd");
        CHECK(ok_u, "%s: the used kernel: w - lr (g + wd w)", kind ? "adam" : "sgd");
        CHECK(ok_b, "%s: biases: no decay", kind ? "adam" : "sgd");
        free(wu0); free(wn0); free(bu0);
        dp_optim_free(o);
        dp_graph_free(g);
    }
}

/* dp_graph_input_grad against central differences of the loss, through
   conv -> bn+relu (fused) -> gap -> fc; validity rules */
static void test_input_grad(void)
{
    dp_graph *g = dp_graph_new(6);
    dp_rng rng;
    float x[3 * 5 * 5 * 2], keep;
    int y[3] = { 0, 2, 1 }, v, i, bad = 0;
    const float *dx;
    double worst = 0.0;
    v = dp_input(g, "x", 5, 5, 2);
    v = dp_conv_bn_act(g, "c", v, 4, 3, 1, 1, DP_ACT_RELU);
    v = dp_fc(g, "fc", dp_global_avgpool(g, "gap", v), 3);
    dp_softmax_ce(g, "loss", v);
    dp_rng_seed(&rng, 5);
    for (i = 0; i < 3 * 50; i++) x[i] = dp_rng_normal(&rng);
    CHECK(dp_graph_input_grad(g) == NULL, "NULL while off");
    dp_graph_set_input_grad(g, 1);
    dp_graph_set_labels(g, y, 3);
    dp_graph_forward(g, x, 3, DP_TRAIN);
    CHECK(dp_graph_input_grad(g) == NULL, "NULL before a backward pass");
    dp_graph_backward(g);
    dx = dp_graph_input_grad(g);
    CHECK(dx != NULL, "set after backward");
    if (!dx) { dp_graph_free(g); return; }
    {
        float *an = (float *)malloc(sizeof x);
        memcpy(an, dx, sizeof x);
        for (i = 0; i < 3 * 50; i++) {
            double lp, lm, num, e;
            keep = x[i];
            x[i] = keep + 1e-2f; dp_graph_forward(g, x, 3, DP_TRAIN); lp = dp_graph_loss(g);
            x[i] = keep - 1e-2f; dp_graph_forward(g, x, 3, DP_TRAIN); lm = dp_graph_loss(g);
            x[i] = keep;
            num = (lp - lm) / 2e-2;
            e = fabs(num - an[i]) / (fabs(num) > 1e-2 ? fabs(num) : 1e-2);
            if (e > worst) worst = e;
            bad += e > 3e-2;
        }
        free(an);
    }
    printf("input gradient vs central differences (fused bn+relu, train): worst rel err %.1e\n", worst);
    CHECK(bad == 0, "%d input gradients off the finite differences by more than 3e-2 (worst %.2e)", bad, worst);
    CHECK(dp_graph_input_grad(g) == NULL, "NULL again after a forward pass");
    dp_graph_set_input_grad(g, 0);
    dp_graph_backward(g);
    CHECK(dp_graph_input_grad(g) == NULL, "NULL when switched off");
    dp_graph_free(g);
}

int main(void)
{
    static const double ratios[3] = { 1e2, 1e3, 1e4 };
    int i, H, f;
    printf("batch norm against float64 (max abs error / max abs value):\n");
    for (i = 0; i < 3; i++)
        for (H = 1; H <= 16; H += 15)
            for (f = 0; f < 2; f++) {
                /* 1e-5 everywhere: x - mean is exact in float32 (Sterbenz)
                   however large the mean, so even 1e4 needs no slack.
                   Momentum 1 puts the batch statistics themselves in the
                   running ones; 0 is the default 0.1. */
                bn_case(ratios[i], H, f, i == 0 ? 0.0f : 1.0f, 1e-5, 0, NULL);
            }
    g_skew = 1;
    for (f = 0; f < 2; f++) bn_case(1e3, 16, f, 1.0f, 1e-5, 0, NULL);
    g_skew = 0;
    test_threads();
    test_random_nets();
    test_torch();
    test_bn_params();
    test_bn_export_eps();
    test_bn_ckpt();
    test_decay_rule();
    test_input_grad();
    return TEST_DONE();
}

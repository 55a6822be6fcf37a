/* tests/test_grad.c - every op's backward pass against central finite
   differences (parameters and input), in eval and train mode, plus the
   packed GEMM against a naive triple loop. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include <math.h>
#include <string.h>

static float *rand_input(dp_rng *r, size_t n, float scale)
{
    float *x = (float *)malloc(sizeof(float) * n);
    size_t i;
    for (i = 0; i < n; i++) x[i] = (2.0f * dp_rng_uniform(r) - 1.0f) * scale;
    return x;
}

/* builds input(h,w,c) -> body -> checks the gradient at node `out` */
typedef int (*body_fn)(dp_graph *g, int x);

static void check(const char *name, int h, int w, int c, body_fn body, int mode, double tol)
{
    dp_graph *g = dp_graph_new(7);
    dp_rng r;
    int x = dp_input(g, "x", h, w, c), out, n = 3;
    float *in;
    double err;
    out = body(g, x);
    CHECK(out >= 0, "%s: build failed: %s", name, dp_graph_error(g));
    if (out < 0) { dp_graph_free(g); return; }
    dp_rng_seed(&r, 99);
    in = rand_input(&r, (size_t)n * h * w * c, 1.0f);
    {   /* keep inputs away from the kinks of relu/relu6 (0 and 6) */
        size_t i;
        for (i = 0; i < (size_t)n * h * w * c; i++) if (fabsf(in[i]) < 0.05f) in[i] += in[i] < 0 ? -0.1f : 0.1f;
    }
    if (g->loss_node >= 0) {
        int labels[3] = {0, 2, 1};
        dp_graph_set_labels(g, labels, n);
    }
    err = dp_graph_check_grad(g, out, in, n, mode, 40, 3e-3);
    CHECK(err >= 0.0 && err < tol, "%s (%s): worst relative gradient error %.3g (tolerance %.3g)",
          name, mode == DP_TRAIN ? "train" : "eval", err, tol);
    printf("  %-22s %-5s worst rel err %.2e\n", name, mode == DP_TRAIN ? "train" : "eval", err);
    free(in);
    dp_graph_free(g);
}

static int b_conv(dp_graph *g, int x) { return dp_conv2d(g, "c", x, 4, 3, 3, NULL); }
static int b_conv_strided(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.stride_h = 2; o.stride_w = 1; o.pad = DP_PAD_EXPLICIT; o.pad_t = 1; o.pad_l = 0; o.pad_b = 2; o.pad_r = 1;
    return dp_conv2d(g, "c", x, 5, 3, 2, &o);
}
static int b_conv_dil(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.dil_h = 2; o.dil_w = 2;
    return dp_conv2d(g, "c", x, 3, 3, 3, &o);
}
static int b_conv_valid(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.pad = DP_PAD_VALID; o.stride_h = o.stride_w = 2;
    return dp_conv2d(g, "c", x, 3, 3, 3, &o);
}
static int b_conv1x1(dp_graph *g, int x) { return dp_conv2d(g, "c", x, 6, 1, 1, NULL); }
static int b_group(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.groups = 2;
    return dp_conv2d(g, "c", x, 6, 3, 3, &o);
}
static int b_dw(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.groups = 4; o.stride_h = o.stride_w = 2;
    return dp_conv2d(g, "dw", x, 4, 3, 3, &o);
}
static int b_dw1(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.groups = 5; o.dil_h = 2; o.dil_w = 1; o.stride_h = 2;   /* row-vector path: horizontal stride 1 */
    return dp_conv2d(g, "dw", x, 5, 3, 3, &o);
}
static int b_dw_pad(dp_graph *g, int x)
{
    dp_conv_opts o; memset(&o, 0, sizeof o);
    o.groups = 3; o.pad = DP_PAD_EXPLICIT; o.pad_l = 2; o.pad_r = 0; o.pad_t = 1; o.pad_b = 1;
    return dp_conv2d(g, "dw", x, 3, 3, 3, &o);
}
static int b_bn(dp_graph *g, int x) { return dp_batchnorm(g, "bn", dp_conv2d(g, "c", x, 3, 3, 3, NULL)); }
static int b_relu(dp_graph *g, int x) { return dp_relu(g, "r", x); }
static int b_relu6(dp_graph *g, int x)
{
    /* scale so that some inputs exceed 6 */
    dp_conv_opts o; memset(&o, 0, sizeof o);
    x = dp_conv2d(g, "c", x, 4, 1, 1, &o);
    return dp_relu6(g, "r6", x);
}
static int b_sigmoid(dp_graph *g, int x) { return dp_sigmoid(g, "s", x); }
static int b_swish(dp_graph *g, int x) { return dp_swish(g, "sw", x); }
static int b_leaky(dp_graph *g, int x) { return dp_leaky_relu(g, "lr", x, 0.2f); }
static int b_leaky_conv(dp_graph *g, int x)
{   /* PyTorch's default slope, after a conv: its weights get the gradient too
       (not after a train-mode batch norm, whose outputs sit on the kink at 0
       for finite differences, as they do for relu) */
    return dp_leaky_relu(g, "lr", dp_conv2d(g, "c", x, 3, 3, 3, NULL), DP_LEAKY_SLOPE);
}
static int b_maxpool(dp_graph *g, int x) { return dp_maxpool(g, "mp", x, 2, 2, NULL); }
static int b_maxpool_pad(dp_graph *g, int x)
{
    dp_pool_opts o; memset(&o, 0, sizeof o);
    o.stride_h = o.stride_w = 2; o.pad = DP_PAD_SAME;
    return dp_maxpool(g, "mp", x, 3, 3, &o);
}
static int b_avgpool(dp_graph *g, int x)
{
    dp_pool_opts o; memset(&o, 0, sizeof o);
    o.stride_h = 1; o.stride_w = 2; o.pad = DP_PAD_SAME;
    return dp_avgpool(g, "ap", x, 3, 2, &o);
}
static int b_gap(dp_graph *g, int x) { return dp_global_avgpool(g, "gap", x); }
static int b_fc(dp_graph *g, int x) { return dp_fc(g, "fc", x, 5); }
static int b_add(dp_graph *g, int x)
{
    int a = dp_conv2d(g, "a", x, 4, 3, 3, NULL), b = dp_conv2d(g, "b", x, 4, 1, 1, NULL), xs[3];
    xs[0] = a; xs[1] = b; xs[2] = x;
    return dp_add(g, "add", 3, xs);
}
static int b_cmul(dp_graph *g, int x)
{
    int s = dp_sigmoid(g, "s", dp_fc(g, "se", dp_global_avgpool(g, "gap", x), 4));
    return dp_channel_mul(g, "mul", dp_conv2d(g, "c", x, 4, 3, 3, NULL), s);
}
static int b_concat(dp_graph *g, int x)
{
    int xs[3];
    xs[0] = dp_conv2d(g, "a", x, 2, 3, 3, NULL); xs[1] = x; xs[2] = dp_conv2d(g, "b", x, 3, 1, 1, NULL);
    return dp_concat(g, "cat", 3, xs);
}
static int b_flatten(dp_graph *g, int x) { return dp_fc(g, "fc", dp_flatten(g, "fl", dp_conv2d(g, "c", x, 2, 3, 3, NULL)), 3); }
static int b_dropout(dp_graph *g, int x) { return dp_dropout(g, "do", dp_conv2d(g, "c", x, 3, 3, 3, NULL), 0.3f); }
static int b_loss(dp_graph *g, int x)
{
    int y = dp_batchnorm(g, "bn", dp_conv2d(g, "c", x, 4, 3, 3, NULL));
    y = dp_fc(g, "fc", dp_global_avgpool(g, "gap", dp_swish(g, "sw", y)), 3);
    return dp_softmax_ce(g, "loss", y);
}
static int b_resblock(dp_graph *g, int x)
{
    int y = dp_conv_bn_act(g, "c1", x, 4, 3, 1, 1, DP_ACT_RELU6);
    /* no activation after the depthwise conv: windows of relu6 zeros give
       outputs of exactly 0, a kink where finite differences see half a slope */
    y = dp_conv_bn_act(g, "dw", y, 4, 3, 1, 4, DP_ACT_NONE);
    y = dp_batchnorm(g, "pbn", dp_conv2d(g, "p", y, 4, 1, 1, NULL));
    return dp_add2(g, "res", y, x);
}

static void test_gemm(void)
{
    dp_rng r;
    int trial;
    float *work = (float *)malloc(sizeof(float) * DP__GEMM_WORK);
    dp_rng_seed(&r, 5);
    for (trial = 0; trial < 60; trial++) {
        int M = 1 + (int)dp_rng_below(&r, 200), N = 1 + (int)dp_rng_below(&r, 600), K = 1 + (int)dp_rng_below(&r, 700);
        int ta = (int)dp_rng_below(&r, 2), tb = (int)dp_rng_below(&r, 2), acc = (int)dp_rng_below(&r, 2), i, j, k;
        float *A = rand_input(&r, (size_t)M * K, 1), *B = rand_input(&r, (size_t)K * N, 1);
        float *C = rand_input(&r, (size_t)M * N, 1), *R = (float *)malloc(sizeof(float) * M * N);
        double worst = 0;
        for (i = 0; i < M; i++) for (j = 0; j < N; j++) {
            double s = acc ? C[(size_t)i * N + j] : 0.0;
            for (k = 0; k < K; k++)
                s += (double)(ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k]) * (tb ? B[(size_t)j * K + k] : B[(size_t)k * N + j]);
            R[(size_t)i * N + j] = (float)s;
        }
        dp__gemm(M, N, K, A, ta ? M : K, ta, B, tb ? K : N, tb, C, N, acc, work);
        for (i = 0; i < M * N; i++) { double e = fabs(C[i] - R[i]); if (e > worst) worst = e; }
        CHECK(worst < 1e-3 * sqrt((double)K) + 1e-4, "gemm %dx%dx%d ta=%d tb=%d acc=%d: max error %g", M, N, K, ta, tb, acc, worst);
        free(A); free(B); free(C); free(R);
    }
    free(work);
}

int main(void)
{
    struct { const char *name; int h, w, c; body_fn f; } cases[] = {
        {"conv3x3", 5, 6, 3, b_conv}, {"conv strided+explicit", 7, 5, 2, b_conv_strided},
        {"conv dilated", 7, 7, 2, b_conv_dil}, {"conv valid s2", 7, 8, 2, b_conv_valid},
        {"conv1x1", 4, 4, 3, b_conv1x1}, {"conv groups=2", 5, 5, 4, b_group},
        {"depthwise s2", 6, 7, 4, b_dw}, {"depthwise s1 dilated", 7, 6, 5, b_dw1},
        {"depthwise asym pad", 5, 4, 3, b_dw_pad}, {"batchnorm", 4, 5, 2, b_bn}, {"relu", 3, 4, 3, b_relu},
        {"relu6", 3, 4, 3, b_relu6}, {"sigmoid", 3, 3, 2, b_sigmoid}, {"swish", 3, 3, 2, b_swish},
        {"leaky_relu", 4, 4, 2, b_leaky}, {"leaky_relu after conv", 4, 4, 2, b_leaky_conv},
        {"maxpool", 6, 6, 3, b_maxpool}, {"maxpool same s2", 7, 7, 2, b_maxpool_pad},
        {"avgpool", 5, 6, 2, b_avgpool}, {"global avgpool", 4, 3, 3, b_gap}, {"fc", 3, 3, 2, b_fc},
        {"add (3 inputs)", 4, 4, 4, b_add}, {"channel mul (SE)", 4, 4, 4, b_cmul},
        {"concat", 4, 5, 2, b_concat}, {"flatten", 4, 4, 2, b_flatten}, {"dropout", 4, 4, 2, b_dropout},
        {"softmax_ce", 4, 4, 2, b_loss}, {"residual block", 5, 5, 4, b_resblock}
    };
    int i;
    test_gemm();
    for (i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        check(cases[i].name, cases[i].h, cases[i].w, cases[i].c, cases[i].f, DP_EVAL, 3e-2);
        check(cases[i].name, cases[i].h, cases[i].w, cases[i].c, cases[i].f, DP_TRAIN, 3e-2);
    }
    return TEST_DONE();
}

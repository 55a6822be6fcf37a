/* mcu/gen_model_data.c -- host tool: the data the firmware embeds.

     gen_model_data header MODEL.dpm OUT.h [--tests N] [--seed S]
         model_data.h for main.c: the model as a 4-aligned C array
         (dp_model_blob), N seeded pseudo-random int8 inputs and the outputs
         the host interpreter gives for them (what the firmware must match,
         byte for byte); also OUT.h.in0 (test 0, raw bytes) and OUT.h.out0
         (its expected output as text) for a check against the CLI.
     gen_model_data zoo NAME OUT.dpm [--calib N] [--seed S]
         one of the paper's unpruned backbones (dp_build_zoo), exported to
         int8 with N random calibration inputs (the too-big demo).
     gen_model_data bench OUT.h
         bench_data.h for bench.c: seven single-layer int8 models made with
         the model builder (dp_mb_*), one input each, expected outputs, and
         CMSIS-NN's instructions per MAC for the same shapes (the first
         five; the depthwise-multiplier and grouped ones have none).
     gen_model_data fuzz OUT.h [--count N] [--seed S]
         the same for N random small conv/depthwise/FC layers (strides,
         dilation, padding, odd channel counts, no bias, zero points...):
         bench.c built with it checks the kernels bit for bit.
     gen_model_data grouped OUT.h [--count N] [--seed S]
         the same for N random layers of the kinds in diffprune.h's
         >>grouped: depthwise with a channel multiplier > 1 and grouped
         conv, alternately (make test runs them on m0, m4 and m7).
     gen_model_data kws MODEL.dpm|- DATA_DIR|- OUT.h [K] [--width W] [--seed S]
         kws_data.h for kws.c: the model (4-aligned), K (default 4) one-second
         16 kHz clips with their labels, the host's dp_mfcc features for each
         (49 x 10 int8) and the host interpreter's outputs for those.  Clips:
         the first K of DATA_DIR/testing_list.txt (Speech Commands layout),
         one per class first; `-`: synthetic ones (tone burst, chirp, pink-ish
         noise, pulse train through resonances; no labels).  Model: a .dpm
         whose input is 49x10x1, scale DP_MFCC_INPUT_SCALE, zero point 0; `-`:
         a DS-CNN (width W, default 0.25, 5 blocks) with seeded random weights,
         exported with the clips' features as calibration data.

   Hosted: includes the whole of diffprune.h. Build:
     cc -O2 -I.. gen_model_data.c -o gen_model_data -lm */
#define DIFFPRUNE_IMPLEMENTATION
#include "diffprune.h"
#include "examples/cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "gen_model_data: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* ---------------------------------------------------------------- output */
typedef struct writer {
    FILE *f;
    char tmp[4096];
    const char *path;
} writer;

static int w_open(writer *w, const char *path)
{
    w->path = path;
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp", path);
    w->f = fopen(w->tmp, "w");
    return w->f ? 0 : fail("cannot write", w->tmp);
}

/* closes and renames into place: a half-written header never survives */
static int w_close(writer *w)
{
    int bad = ferror(w->f) != 0;
    bad |= fclose(w->f) != 0;
    if (bad || rename(w->tmp, w->path) != 0) {
        remove(w->tmp);
        return fail("write failed", w->path);
    }
    return 0;
}

static void w_bytes(FILE *f, const char *decl, const void *data, size_t n, int is_signed)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t i;
    fprintf(f, "%s = {", decl);
    for (i = 0; i < n; i++) {
        const int v = is_signed ? (int)(signed char)u[i] : (int)u[i];
        fprintf(f, "%s%d,", i % 24 ? "" : "\n", v);
    }
    fprintf(f, "\n};\n");
}

/* ------------------------------------------------- run the host interpreter */
typedef struct hostrun {
    dp_model m;
    void *arena;
    dp_tensor_info ti, to;
} hostrun;

static int host_open(hostrun *h, const void *blob, size_t len, const char *label)
{
    int st = dp_model_init(&h->m, blob, len);
    if (st != DP_OK) {
        fprintf(stderr, "gen_model_data: %s: not a valid model (%s: %s, at %d)\n", label,
                dp_status_str(st), h->m.why ? h->m.why : "?", (int)h->m.where);
        return 1;
    }
    h->arena = calloc(dp_model_arena_size(&h->m) + 1, 1);
    if (!h->arena) return fail("out of memory", NULL);
    dp_model_tensor(&h->m, (int)h->m.input, &h->ti);
    dp_model_tensor(&h->m, (int)h->m.output, &h->to);
    return 0;
}

/* in: ti.bytes; out: to.bytes */
static int host_run(hostrun *h, const int8_t *in, int8_t *out)
{
    memcpy(dp_model_input(&h->m, h->arena, NULL), in, h->ti.bytes);
    if (dp_model_run(&h->m, h->arena, dp_model_arena_size(&h->m)) != DP_OK) return fail("host run failed", NULL);
    memcpy(out, dp_model_output(&h->m, h->arena, NULL), h->to.bytes);
    return 0;
}

static void rand_bytes(dp_rng *r, int8_t *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = (int8_t)((int)(dp_rng_u32(r) >> 24) - 128);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ------------------------------------------------------------------ header */
static int cmd_header(const char *model, const char *out, int ntests, uint64_t seed)
{
    unsigned char *blob = NULL;
    size_t len = 0;
    char err[256];
    hostrun h;
    int8_t *in, *exp_out;
    dp_rng r;
    writer w;
    int t, st;

    if (dp_read_file(model, 0, &blob, &len, err, sizeof err) != DP_OK) return fail(err, NULL);
    if (host_open(&h, blob, len, model)) return 1;
    in = (int8_t *)malloc((size_t)ntests * h.ti.bytes);
    exp_out = (int8_t *)malloc((size_t)ntests * h.to.bytes);
    if (!in || !exp_out) return fail("out of memory", NULL);
    dp_rng_seed(&r, seed);
    for (t = 0; t < ntests; t++) {
        rand_bytes(&r, in + (size_t)t * h.ti.bytes, h.ti.bytes);
        if (host_run(&h, in + (size_t)t * h.ti.bytes, exp_out + (size_t)t * h.to.bytes)) return 1;
    }
    if (w_open(&w, out)) return 1;
    fprintf(w.f,
            "/* GENERATED by mcu/gen_model_data from %s (seed %llu): do not edit.\n"
            "   The model, %d int8 test inputs and the outputs the host interpreter\n"
            "   gives for them. */\n"
            "#ifndef MCU_MODEL_DATA_H\n#define MCU_MODEL_DATA_H\n\n",
            base_name(model), (unsigned long long)seed, ntests);
    fprintf(w.f, "#define DP_MODEL_NAME \"%s\"\n", base_name(model));
    fprintf(w.f, "#define DP_MODEL_BLOB_BYTES %luu\n", (unsigned long)len);
    fprintf(w.f, "#define DP_MODEL_ARENA_BYTES %luu\n", (unsigned long)dp_model_arena_size(&h.m));
    fprintf(w.f, "#define DP_MODEL_MACS %lluull\n", (unsigned long long)dp_model_macs(&h.m));
    fprintf(w.f, "#define DP_MODEL_OPS %d\n", dp_model_n_ops(&h.m));
    fprintf(w.f, "#define DP_TEST_COUNT %d\n", ntests);
    fprintf(w.f, "#define DP_TEST_INPUT_BYTES %uu\n", (unsigned)h.ti.bytes);
    fprintf(w.f, "#define DP_TEST_OUTPUT_BYTES %uu\n\n", (unsigned)h.to.bytes);
    w_bytes(w.f, "const unsigned char dp_model_blob[DP_MODEL_BLOB_BYTES] __attribute__((aligned(4)))", blob, len, 0);
    w_bytes(w.f, "const signed char dp_test_inputs[DP_TEST_COUNT * DP_TEST_INPUT_BYTES]", in,
            (size_t)ntests * h.ti.bytes, 1);
    w_bytes(w.f, "const signed char dp_test_expected[DP_TEST_COUNT * DP_TEST_OUTPUT_BYTES]", exp_out,
            (size_t)ntests * h.to.bytes, 1);
    fprintf(w.f, "\n#endif\n");
    st = w_close(&w);
    if (st == 0) { /* test 0 for the CLI cross-check: OUT.in0 (raw), OUT.out0 (text) */
        char path[4096];
        FILE *f;
        unsigned k;
        snprintf(path, sizeof path, "%s.in0", out);
        st = dp_model_save(path, in, h.ti.bytes) == DP_OK ? 0 : fail("write failed", path);
        snprintf(path, sizeof path, "%s.out0", out);
        f = fopen(path, "w");
        if (!f) st = fail("write failed", path);
        else {
            for (k = 0; k < h.to.bytes; k++) fprintf(f, "%s%d", k ? " " : "", (int)exp_out[k]);
            fputc('\n', f);
            if (fclose(f) != 0) st = fail("write failed", path);
        }
    }
    if (st == 0)
        printf("wrote %s: %s, %lu bytes, arena %lu, %llu MACs, %d tests\n", out, base_name(model),
               (unsigned long)len, (unsigned long)dp_model_arena_size(&h.m),
               (unsigned long long)dp_model_macs(&h.m), ntests);
    free(in); free(exp_out); free(h.arena); free(blob);
    return st;
}

/* --------------------------------------------------------------------- zoo */
static int cmd_zoo(const char *name, const char *out, int ncalib, uint64_t seed)
{
    dp_graph *g = dp_graph_new(seed);
    dp_node_info ni;
    dp_export_info info;
    dp_rng r;
    float *calib;
    void *blob = NULL;
    size_t len = 0, n, i;
    char err[256];
    int k, st, h = 0, wd = 0, c = 0;

    if (!g) return fail("out of memory", NULL);
    st = dp_build_zoo(g, name);
    if (st < 0) {
        fprintf(stderr, "gen_model_data: cannot build '%s' (%s); one of:", name,
                dp_graph_status(g) ? dp_graph_error(g) : "unknown name");
        for (k = 0; dp_zoo_name(k); k++) fprintf(stderr, " %s", dp_zoo_name(k));
        fputc('\n', stderr);
        dp_graph_free(g);
        return 1;
    }
    for (k = 0; k < dp_graph_n_nodes(g); k++)
        if (dp_graph_node(g, k, &ni) == DP_OK && ni.op == DP_OP_INPUT) { h = ni.h; wd = ni.w; c = ni.c; break; }
    n = (size_t)h * (size_t)wd * (size_t)c;
    if (!n) { dp_graph_free(g); return fail("no input node", name); }
    calib = (float *)malloc(sizeof(float) * n * (size_t)ncalib);
    if (!calib) { dp_graph_free(g); return fail("out of memory", NULL); }
    dp_rng_seed(&r, seed + 1);
    for (i = 0; i < n * (size_t)ncalib; i++) calib[i] = dp_rng_uniform(&r);
    st = dp_export(g, calib, ncalib, &blob, &len, &info, err, sizeof err);
    if (st == DP_OK) st = dp_model_save(out, blob, len);
    if (st != DP_OK) fprintf(stderr, "gen_model_data: %s: %s\n", name, err[0] ? err : dp_status_str(st));
    else
        printf("wrote %s: %s unpruned, int8: %lu bytes, arena %lld bytes, %lld MACs, %d ops\n", out, name,
               (unsigned long)len, (long long)info.arena_bytes, (long long)info.macs, info.n_ops);
    free(blob); free(calib);
    dp_graph_free(g);
    return st == DP_OK ? 0 : 1;
}

/* ------------------------------------------------------------------- bench */
/* The layer shapes of the benchmark, and CMSIS-NN's instructions per MAC
   for them under the same emulator (gcc -O2): Cortex-M4 with DSP, M3. */
typedef struct layer_spec {
    const char *name;
    int kind;          /* DP_MOP_CONV2D, DP_MOP_DWCONV2D, DP_MOP_FC, DP_MOP_GCONV2D */
    int h, w, cin, cout, k, pad;
    const char *cmsis_m4, *cmsis_m3;
    int groups;        /* DP_MOP_GCONV2D (dwconv: cout / cin is the multiplier) */
} layer_spec;

static const layer_spec g_layers[] = {
    {"conv3x3_32to32_14x14_pad1", DP_MOP_CONV2D, 14, 14, 32, 32, 3, 1, "1.93", "2.87"},
    {"conv1x1_64to64_7x7", DP_MOP_CONV2D, 7, 7, 64, 64, 1, 0, "2.14", "3.17"},
    {"dwconv3x3_96ch_13x13_pad1", DP_MOP_DWCONV2D, 13, 13, 96, 96, 3, 1, "7.87", "9.41"},
    {"fc_256to64", DP_MOP_FC, 1, 1, 256, 64, 1, 0, "2.08", "3.53"},
    {"conv3x3_1to16_28x28_pad1", DP_MOP_CONV2D, 28, 28, 1, 16, 3, 1, "10.4", "10.7"},
    {"dwconv3x3_x2_32to64_13x13_pad1", DP_MOP_DWCONV2D, 13, 13, 32, 64, 3, 1, "-", "-"},
    {"gconv3x3_g4_32to32_14x14_pad1", DP_MOP_GCONV2D, 14, 14, 32, 32, 3, 1, "-", "-", 4},
};
#define N_LAYERS ((int)(sizeof g_layers / sizeof g_layers[0]))

/* One quantised single-op model (conv, depthwise or FC). */
typedef struct qlayer {
    int kind, h, w, cin, cout;          /* FC: n_in = h*w*cin               */
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    int in_zp, out_zp, relu, has_bias;
    double gain;                        /* output scale divisor: > 2 gives
                                           multipliers above 0.5 (shift >= 0) */
    int mult;                           /* depthwise channel multiplier (0 = 1) */
    int groups;                         /* DP_MOP_GCONV2D: groups            */
} qlayer;

static int out_size(int n, int k, int s, int d, int p0, int p1)
{
    const int eff = (k - 1) * d + 1, span = n + p0 + p1;
    return span < eff ? 0 : (span - eff) / s + 1;
}

/* Weights uniform in [-127, 127], per-channel weight scales, bias in
   +-20000; output scale chosen so that typical accumulators land around
   +-50 (divided by gain). */
static int build_qlayer(const qlayer *s, uint64_t seed, void **blob, size_t *len, const char *name)
{
    const int fc = s->kind == DP_MOP_FC, dwk = s->kind == DP_MOP_DWCONV2D;
    const int cout = dwk ? s->cin * (s->mult > 1 ? s->mult : 1) : s->cout;
    const int oh = fc ? 1 : out_size(s->h, s->kh, s->sh, s->dh, s->pt, s->pb);
    const int ow = fc ? 1 : out_size(s->w, s->kw, s->sw, s->dw, s->pl, s->pr);
    const int n_in = s->h * s->w * s->cin;
    const int cg = s->kind == DP_MOP_GCONV2D ? s->cin / s->groups : s->cin;
    const int red = fc ? n_in : dwk ? s->kh * s->kw : s->kh * s->kw * cg;
    const int nw = fc ? n_in * cout : dwk ? s->kh * s->kw * cout : cout * s->kh * s->kw * cg;
    const float sx = 0.05f, sw0 = 0.004f;
    const float sy = (float)(sx * sw0 * 74.0 * 73.0 * sqrt((double)red) / 50.0 / s->gain);
    int8_t *wq = (int8_t *)malloc((size_t)nw);
    int32_t *bias = (int32_t *)malloc(sizeof(int32_t) * (size_t)cout);
    float *wsc = (float *)malloc(sizeof(float) * (size_t)cout);
    dp_mb b;
    dp_mb_op op;
    dp_rng r;
    int i, x, y, st;

    if (!wq || !bias || !wsc) return DP_ERR_NOMEM;
    dp_rng_seed(&r, seed);
    for (i = 0; i < nw; i++) wq[i] = (int8_t)((int)dp_rng_below(&r, 255) - 127);
    for (i = 0; i < cout; i++) {
        wsc[i] = sw0 * (1.0f + 0.1f * (float)(i % 5));
        bias[i] = (int32_t)dp_rng_below(&r, 40001) - 20000;
    }
    dp_mb_init(&b);
    x = fc ? dp_mb_add_tensor(&b, 1, 1, n_in, sx, s->in_zp, 0)
           : dp_mb_add_tensor(&b, s->h, s->w, s->cin, sx, s->in_zp, 0);
    y = dp_mb_add_tensor(&b, oh, ow, cout, sy, s->out_zp, ((uint32_t)n_in + 3u) & ~3u);
    memset(&op, 0, sizeof op);
    op.kind = s->kind;
    op.inputs[0] = x;
    op.output = y;
    if (!fc) {
        op.kh = s->kh; op.kw = s->kw; op.stride_h = s->sh; op.stride_w = s->sw;
        op.dil_h = s->dh; op.dil_w = s->dw;
        op.pad_t = s->pt; op.pad_l = s->pl; op.pad_b = s->pb; op.pad_r = s->pr;
    }
    if (s->relu) { op.act_min = s->out_zp; op.act_max = 127; }
    op.weights = wq;
    op.bias = s->has_bias ? bias : NULL;
    op.w_scale = wsc;
    op.groups = s->groups;
    dp_mb_add_op(&b, &op);
    dp_mb_set_io(&b, x, y);
    st = dp_mb_finish(&b, blob, len);
    if (st != DP_OK)
        fprintf(stderr, "gen_model_data: %s: %s (%s, at %d)\n", name, dp_status_str(st), b.why ? b.why : "?",
                (int)b.where);
    dp_mb_free(&b);
    free(wq); free(bias); free(wsc);
    return st;
}

static int build_layer(const layer_spec *s, uint64_t seed, void **blob, size_t *len)
{
    qlayer q;
    memset(&q, 0, sizeof q);
    q.kind = s->kind; q.h = s->h; q.w = s->w; q.cin = s->cin; q.cout = s->cout;
    q.groups = s->groups;
    if (s->kind == DP_MOP_DWCONV2D) q.mult = s->cout / s->cin;
    q.kh = q.kw = s->k; q.sh = q.sw = q.dh = q.dw = 1;
    q.pt = q.pl = q.pb = q.pr = s->pad;
    q.in_zp = -7; q.out_zp = -20; q.relu = s->kind != DP_MOP_FC; q.has_bias = 1; q.gain = 1.0;
    return build_qlayer(&q, seed, blob, len, s->name);
}

/* layer i of a set: a blob (DP_MALLOC'd), its name and the reference figures */
typedef int (*layer_fn)(int i, uint64_t seed, void **blob, size_t *len, char *name, size_t cap,
                        const char **ref_m4, const char **ref_m3);

static int bench_layer(int i, uint64_t seed, void **blob, size_t *len, char *name, size_t cap,
                       const char **ref_m4, const char **ref_m3)
{
    (void)seed;
    snprintf(name, cap, "%s", g_layers[i].name);
    *ref_m4 = g_layers[i].cmsis_m4;
    *ref_m3 = g_layers[i].cmsis_m3;
    return build_layer(&g_layers[i], 100u + (uint64_t)i, blob, len);
}

/* The window, padding, zero points, activation, bias and weight gain of a
   random layer, drawn in this order (the layers of a seed stay the same). */
static void draw_window(dp_rng *r, qlayer *q)
{
    q->kh = 1 + (int)dp_rng_below(r, 4);
    q->kw = dp_rng_below(r, 3) ? q->kh : 1 + (int)dp_rng_below(r, 5);
    q->sh = 1 + (int)dp_rng_below(r, 2);
    q->sw = dp_rng_below(r, 4) ? q->sh : 3 - q->sh;
    q->dh = dp_rng_below(r, 5) ? 1 : 2;
    q->dw = dp_rng_below(r, 5) ? 1 : 2;
    q->pt = (int)dp_rng_below(r, (uint32_t)q->kh + 1);
    q->pb = (int)dp_rng_below(r, (uint32_t)q->kh + 1);
    q->pl = (int)dp_rng_below(r, (uint32_t)q->kw + 1);
    q->pr = (int)dp_rng_below(r, (uint32_t)q->kw + 1);
    q->in_zp = (int)dp_rng_below(r, 256) - 128;
    q->out_zp = (int)dp_rng_below(r, 200) - 100;
    q->relu = dp_rng_below(r, 2);
    q->has_bias = dp_rng_below(r, 4) != 0;
    q->gain = dp_rng_below(r, 4) ? 1.0 : 40.0;
}

/* A random small layer: every path of the kernels (strides, dilation,
   asymmetric and oversized padding, channel counts that are not multiples
   of 4, no bias, multipliers above 0.5, zero points, ReLU, FC over an
   h x w x c input). */
static int fuzz_layer(int i, uint64_t seed, void **blob, size_t *len, char *name, size_t cap,
                      const char **ref_m4, const char **ref_m3)
{
    dp_rng r;
    qlayer q;
    int st, tries;
    *ref_m4 = *ref_m3 = "-";
    dp_rng_seed(&r, seed * 1000003u + (uint64_t)i);
    for (tries = 0; tries < 100; tries++) {
        const uint32_t k = dp_rng_below(&r, 10);
        memset(&q, 0, sizeof q);
        q.kind = k < 5 ? DP_MOP_CONV2D : k < 8 ? DP_MOP_DWCONV2D : DP_MOP_FC;
        q.h = 1 + (int)dp_rng_below(&r, 9);
        q.w = 1 + (int)dp_rng_below(&r, 9);
        q.cin = 1 + (int)dp_rng_below(&r, dp_rng_below(&r, 2) ? 12 : 40);
        q.cout = 1 + (int)dp_rng_below(&r, 20);
        draw_window(&r, &q);
        if (q.kind == DP_MOP_FC) q.cin = 1 + (int)dp_rng_below(&r, 300) / (q.h * q.w);
        if (q.kind != DP_MOP_FC && (out_size(q.h, q.kh, q.sh, q.dh, q.pt, q.pb) < 1 ||
                                    out_size(q.w, q.kw, q.sw, q.dw, q.pl, q.pr) < 1)) continue;
        break;
    }
    snprintf(name, cap, "fuzz%d_%s_%dx%dx%d_to_%d_k%dx%d_s%d%d_d%d%d_p%d%d%d%d_zp%d_%s%s%s", i,
             q.kind == DP_MOP_CONV2D ? "conv" : q.kind == DP_MOP_DWCONV2D ? "dw" : "fc", q.h, q.w, q.cin,
             q.kind == DP_MOP_DWCONV2D ? q.cin : q.cout, q.kh, q.kw, q.sh, q.sw, q.dh, q.dw, q.pt, q.pl, q.pb,
             q.pr, q.in_zp, q.relu ? "relu" : "lin", q.has_bias ? "" : "_nobias", q.gain > 1 ? "_bigmult" : "");
    st = build_qlayer(&q, seed + (uint64_t)i, blob, len, name);
    return st;
}

/* A random small layer of the >>grouped kinds, with the same variety of
   geometry and quantisation as fuzz_layer: even i, depthwise with a channel
   multiplier 2..5 (channel blocks inside one group of M and across two);
   odd i, grouped conv, 2..5 groups of 1..8 input and 1..9 output channels
   (blocks of four and tails per group). */
static int grouped_layer(int i, uint64_t seed, void **blob, size_t *len, char *name, size_t cap,
                         const char **ref_m4, const char **ref_m3)
{
    dp_rng r;
    qlayer q;
    int tries, cout;
    *ref_m4 = *ref_m3 = "-";
    dp_rng_seed(&r, seed * 7919u + (uint64_t)i);
    for (tries = 0; tries < 100; tries++) {
        memset(&q, 0, sizeof q);
        q.kind = i % 2 ? DP_MOP_GCONV2D : DP_MOP_DWCONV2D;
        q.mult = 2 + (int)dp_rng_below(&r, 4);
        q.groups = 2 + (int)dp_rng_below(&r, 4);
        q.h = 1 + (int)dp_rng_below(&r, 9);
        q.w = 1 + (int)dp_rng_below(&r, 9);
        q.cin = 1 + (int)dp_rng_below(&r, 12);
        q.cout = q.groups * (1 + (int)dp_rng_below(&r, 9));
        if (q.kind == DP_MOP_GCONV2D) { q.mult = 0; q.cin = q.groups * (1 + (int)dp_rng_below(&r, 8)); }
        else q.groups = 0;
        draw_window(&r, &q);
        if (out_size(q.h, q.kh, q.sh, q.dh, q.pt, q.pb) >= 1 && out_size(q.w, q.kw, q.sw, q.dw, q.pl, q.pr) >= 1) break;
    }
    cout = q.kind == DP_MOP_GCONV2D ? q.cout : q.cin * q.mult;
    snprintf(name, cap, "grp%d_%s%d_%dx%dx%d_to_%d_k%dx%d_s%d%d_d%d%d_p%d%d%d%d_zp%d_%s%s%s", i,
             q.kind == DP_MOP_GCONV2D ? "g" : "dw_x", q.kind == DP_MOP_GCONV2D ? q.groups : q.mult,
             q.h, q.w, q.cin, cout, q.kh, q.kw, q.sh, q.sw, q.dh, q.dw, q.pt, q.pl, q.pb, q.pr, q.in_zp,
             q.relu ? "relu" : "lin", q.has_bias ? "" : "_nobias", q.gain > 1 ? "_bigmult" : "");
    return build_qlayer(&q, seed + (uint64_t)i, blob, len, name);
}

/* A random small layer of TFLite Micro's own int8 kinds (>>tflm_kernels:
   softmaxq, lut as TFLM's LOGISTIC, mean, mul as x * x), one input each. */
static int tflm_layer(int i, uint64_t seed, void **blob, size_t *len, char *name, size_t cap,
                      const char **ref_m4, const char **ref_m3)
{
    static const char *const kn[4] = { "softmaxq", "logistic", "mean", "mul" };
    dp_rng r;
    dp_mb b;
    dp_mb_op op;
    int8_t tab[256];
    const int kinds[4] = { DP_MOP_SOFTMAXQ, DP_MOP_LUT, DP_MOP_MEAN, DP_MOP_MUL };
    int k, h, w, c, zp, a, y, st;
    float sc;
    *ref_m4 = *ref_m3 = "-";
    dp_rng_seed(&r, seed * 104729u + (uint64_t)i);
    k = i % 4;
    h = 1 + (int)dp_rng_below(&r, 6);
    w = 1 + (int)dp_rng_below(&r, 6);
    c = 1 + (int)dp_rng_below(&r, k == 0 ? 40 : 12);
    zp = (int)dp_rng_below(&r, 256) - 128;
    sc = 0.005f + 0.001f * (float)dp_rng_below(&r, 200);
    snprintf(name, cap, "tflm%d_%s_%dx%dx%d_zp%d", i, kn[k], h, w, c, zp);
    dp_mb_init(&b);
    memset(&op, 0, sizeof op);
    a = dp_mb_add_tensor(&b, h, w, c, sc, zp, 0);
    if (k == 2) y = dp_mb_add_tensor(&b, 1, 1, c, sc * 0.7f, (int)dp_rng_below(&r, 200) - 100, (uint32_t)(h * w * c + 3) & ~3u);
    else if (k == 3) y = dp_mb_add_tensor(&b, h, w, c, sc * sc * 3.0f, (int)dp_rng_below(&r, 200) - 100, (uint32_t)(h * w * c + 3) & ~3u);
    else y = dp_mb_add_tensor(&b, h, w, c, 1.0f / 256, -128, (uint32_t)(h * w * c + 3) & ~3u);
    op.kind = kinds[k];
    op.inputs[0] = op.inputs[1] = a;
    op.output = y;
    op.beta = 0.5 + 0.25 * (double)dp_rng_below(&r, 6);
    if (k == 1) {
        if (dp_logistic_table(sc, zp, tab) != DP_OK) { dp_mb_free(&b); return fail("logistic table", name); }
        op.weights = tab;
    }
    if (k == 3 && dp_rng_below(&r, 2)) { op.act_min = -60; op.act_max = 90; }
    dp_mb_add_op(&b, &op);
    dp_mb_set_io(&b, a, y);
    st = dp_mb_finish(&b, blob, len);
    if (st != DP_OK) fprintf(stderr, "gen_model_data: %s: %s\n", name, b.why ? b.why : dp_status_str(st));
    dp_mb_free(&b);
    return st;
}

static int write_layers(const char *out, const char *what, int n, uint64_t seed, layer_fn get)
{
    writer w;
    unsigned long arena_max = 0;
    char (*names)[160] = (char (*)[160])malloc(sizeof *names * (size_t)n);
    const char **r4 = (const char **)malloc(sizeof *r4 * (size_t)n), **r3 = (const char **)malloc(sizeof *r3 * (size_t)n);
    int i;
    if (!names || !r4 || !r3) return fail("out of memory", NULL);
    if (w_open(&w, out)) return 1;
    fprintf(w.f,
            "/* GENERATED by mcu/gen_model_data %s: do not edit.\n"
            "   Single-layer int8 models (model builder), one input each, the host\n"
            "   interpreter's output and, for the benchmark shapes, CMSIS-NN's\n"
            "   instructions per MAC (gcc -O2, same emulator). */\n"
            "#ifndef MCU_BENCH_DATA_H\n#define MCU_BENCH_DATA_H\n\n", what);
    for (i = 0; i < n; i++) {
        void *blob = NULL;
        size_t len = 0;
        hostrun h;
        int8_t *in, *exp_out;
        dp_rng r;
        char decl[128];
        if (get(i, seed, &blob, &len, names[i], sizeof names[i], &r4[i], &r3[i]) != DP_OK) return 1;
        if (host_open(&h, blob, len, names[i])) return 1;
        in = (int8_t *)malloc(h.ti.bytes);
        exp_out = (int8_t *)malloc(h.to.bytes);
        if (!in || !exp_out) return fail("out of memory", NULL);
        dp_rng_seed(&r, 200u + (uint64_t)i);
        rand_bytes(&r, in, h.ti.bytes);
        if (host_run(&h, in, exp_out)) return 1;
        fprintf(w.f, "/* %s: %llu MACs, arena %lu */\n", names[i],
                (unsigned long long)dp_model_macs(&h.m), (unsigned long)dp_model_arena_size(&h.m));
        snprintf(decl, sizeof decl, "static const unsigned char bench_blob_%d[%lu] __attribute__((aligned(4)))", i,
                 (unsigned long)len);
        w_bytes(w.f, decl, blob, len, 0);
        snprintf(decl, sizeof decl, "static const signed char bench_in_%d[%u]", i, (unsigned)h.ti.bytes);
        w_bytes(w.f, decl, in, h.ti.bytes, 1);
        snprintf(decl, sizeof decl, "static const signed char bench_out_%d[%u]", i, (unsigned)h.to.bytes);
        w_bytes(w.f, decl, exp_out, h.to.bytes, 1);
        if (dp_model_arena_size(&h.m) > arena_max) arena_max = (unsigned long)dp_model_arena_size(&h.m);
        free(in); free(exp_out); free(h.arena); free(blob);
    }
    fprintf(w.f, "#define BENCH_COUNT %d\n", n);
    fprintf(w.f, "#define BENCH_ARENA_MAX %luu\n", arena_max);
    fprintf(w.f, "static const struct bench_layer {\n"
                 "    const char *name, *cmsis_m4, *cmsis_m3;\n"
                 "    const unsigned char *blob;\n    unsigned blob_bytes;\n"
                 "    const signed char *in, *out;\n    unsigned in_bytes, out_bytes;\n"
                 "} bench_layers[BENCH_COUNT] = {\n");
    for (i = 0; i < n; i++)
        fprintf(w.f, "    {\"%s\", \"%s\", \"%s\", bench_blob_%d, sizeof bench_blob_%d, bench_in_%d, bench_out_%d, "
                     "sizeof bench_in_%d, sizeof bench_out_%d},\n",
                names[i], r4[i], r3[i], i, i, i, i, i, i);
    fprintf(w.f, "};\n\n#endif\n");
    free(names); free(r4); free(r3);
    if (w_close(&w)) return 1;
    printf("wrote %s: %d single-layer models\n", out, n);
    return 0;
}

/* --------------------------------------------------------------------- kws */
/* Keyword spotting: clips -> dp_mfcc -> the model, all on the host, so that
   kws.c can check its features and outputs byte for byte. */
#define KWS_SAMPLES DP_MFCC_RATE
#define KWS_FEATS (DP_MFCC_FRAMES(KWS_SAMPLES) * DP_MFCC_COEFFS)   /* 49 x 10 */

typedef struct kws_clip {
    int16_t x[KWS_SAMPLES];
    int label;              /* class index, -1 for a synthetic clip */
    int padded;
    char name[256];
} kws_clip;


static int16_t kws_s16(double v)
{
    v = floor(v + 0.5);
    return (int16_t)(v > 32767.0 ? 32767.0 : v < -32768.0 ? -32768.0 : v);
}

/* Synthetic clip i (no data set needed): a noisy tone burst, a chirp,
   pink-ish noise, a pulse train through two resonances; parameters shift
   with i / 4 so that every clip differs. */
static void kws_synth(kws_clip *c, int i, dp_rng *r)
{
    const double pi = 3.14159265358979323846, fs = KWS_SAMPLES;
    const int var = i / 4;
    int n;
    c->label = -1;
    c->padded = 0;
    switch (i % 4) {
    case 0: { /* tone burst 0.25..0.75 s, raised-cosine edges, in noise */
        const double f = 440.0 * (1.0 + 0.37 * var), amp = 9000.0;
        snprintf(c->name, sizeof c->name, "synthetic: %.0f Hz tone burst in noise", f);
        for (n = 0; n < KWS_SAMPLES; n++) {
            const double t = n / fs;
            double e = 0.0;
            if (t > 0.25 && t < 0.75) e = t < 0.3 ? 0.5 - 0.5 * cos(pi * (t - 0.25) / 0.05)
                                        : t > 0.7 ? 0.5 - 0.5 * cos(pi * (0.75 - t) / 0.05) : 1.0;
            c->x[n] = kws_s16(amp * e * sin(2.0 * pi * f * t) + 300.0 * dp_rng_normal(r));
        }
        break;
    }
    case 1: { /* linear chirp f0 -> f1 over the second */
        const double f0 = 150.0 + 50.0 * var, f1 = 3800.0 - 200.0 * var;
        double ph = 0.0;
        snprintf(c->name, sizeof c->name, "synthetic: chirp %.0f -> %.0f Hz", f0, f1);
        for (n = 0; n < KWS_SAMPLES; n++) {
            ph += 2.0 * pi * (f0 + (f1 - f0) * n / fs) / fs;
            c->x[n] = kws_s16(6000.0 * sin(ph) + 50.0 * dp_rng_normal(r));
        }
        break;
    }
    case 2: { /* pink-ish noise: white through three one-pole low-passes */
        double a = 0.0, b = 0.0, d = 0.0;
        const double lvl = 2500.0 / (1.0 + var);
        snprintf(c->name, sizeof c->name, "synthetic: pink-ish noise, sd ~%.0f", lvl);
        for (n = 0; n < KWS_SAMPLES; n++) {
            const double w = dp_rng_normal(r);
            a = 0.997 * a + 0.029 * w;
            b = 0.95 * b + 0.16 * w;
            d = 0.6 * d + 0.45 * w;
            c->x[n] = kws_s16(lvl * (a + b + d + 0.2 * w));
        }
        break;
    }
    default: { /* a voiced "vowel": pulse train through two resonances */
        const double f0 = 120.0 + 15.0 * var, r1 = 0.97, r2 = 0.95;
        const double c1 = 2.0 * r1 * cos(2.0 * pi * (700.0 + 60.0 * var) / fs);
        const double c2 = 2.0 * r2 * cos(2.0 * pi * (1800.0 - 100.0 * var) / fs);
        const int period = (int)(fs / f0 + 0.5);
        double y1 = 0, y2 = 0, z1 = 0, z2 = 0;
        snprintf(c->name, sizeof c->name, "synthetic: %.0f Hz pulse train through 2 resonances", f0);
        for (n = 0; n < KWS_SAMPLES; n++) {
            const double e = (n > 3000 && n < 12000) ? sin(pi * (n - 3000) / 9000.0) : 0.0;
            const double p = (n % period == 0) ? 20000.0 * e : 0.0;
            const double u = p + c1 * y1 - r1 * r1 * y2;
            const double v = u + c2 * z1 - r2 * r2 * z2;
            y2 = y1; y1 = u; z2 = z1; z1 = v;
            c->x[n] = kws_s16(0.05 * v + 20.0 * dp_rng_normal(r));
        }
        break;
    }
    }
}

/* The first k clips of DIR/testing_list.txt, one per class while classes
   remain unpicked, then in list order; kept in list order. */
static int kws_pick(const char *dir, kws_clip *clips, int k)
{
    char path[4096], line[1024], err[512];
    char **list = NULL;
    int n = 0, cap = 0, i, got = 0, taken[DP_KWS_CLASSES] = {0}, st;
    int *pick = (int *)calloc((size_t)k, sizeof(int));
    unsigned char *used;
    FILE *f;
    snprintf(path, sizeof path, "%s/testing_list.txt", dir);
    if (!(f = fopen(path, "r"))) {
        fprintf(stderr, "gen_model_data: cannot read %s (a data set in Speech Commands layout; "
                        "or pass - for synthetic clips)\n", path);
        free(pick);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' ')) line[--l] = 0;
        if (!l) continue;
        if (n == cap) {
            char **nl = (char **)realloc(list, sizeof *list * (size_t)(cap = cap ? 2 * cap : 256));
            if (!nl) { fclose(f); return fail("out of memory", NULL); }
            list = nl;
        }
        if (!(list[n] = (char *)malloc(l + 1))) { fclose(f); return fail("out of memory", NULL); }
        memcpy(list[n++], line, l + 1);
    }
    fclose(f);
    if (n < k) {
        fprintf(stderr, "gen_model_data: %s lists %d clips; %d requested\n", path, n, k);
        return 1;
    }
    used = (unsigned char *)calloc((size_t)n, 1);
    if (!pick || !used) return fail("out of memory", NULL);
    for (i = 0; i < n && got < k; i++) {            /* spread over classes */
        const int c = dp_kws_class_of(list[i]);
        if (!taken[c]) { taken[c] = 1; used[i] = 1; got++; }
    }
    for (i = 0; i < n && got < k; i++)              /* then the rest, in order */
        if (!used[i]) { used[i] = 1; got++; }
    for (i = 0, got = 0; i < n && got < k; i++)
        if (used[i]) pick[got++] = i;
    for (i = 0; i < k; i++) {
        kws_clip *c = &clips[i];
        snprintf(path, sizeof path, "%s/%s", dir, list[pick[i]]);
        err[0] = 0;
        st = dp_kws_clip_load(path, c->x, err, sizeof err);
        if (st < 0) {
            fprintf(stderr, "gen_model_data: bad clip: %s\n", err[0] ? err : path);
            return 1;
        }
        c->padded = st == 1;
        c->label = dp_kws_class_of(list[pick[i]]);
        snprintf(c->name, sizeof c->name, "%s", list[pick[i]]);
    }
    for (i = 0; i < n; i++) free(list[i]);
    free(list); free(used); free(pick);
    return 0;
}

/* A small DS-CNN with seeded random weights, input quantisation fixed to
   the MFCC's, exported with the clips' features as calibration data. */
static int kws_random_model(const int8_t *feats, int k, float width, uint64_t seed, void **blob, size_t *len)
{
    dp_graph *g = dp_graph_new(seed);
    dp_export_info info;
    float *calib = (float *)malloc(sizeof(float) * (size_t)k * KWS_FEATS);
    char err[256];
    int i, st;
    if (!g || !calib) return fail("out of memory", NULL);
    for (i = 0; i < k * KWS_FEATS; i++) calib[i] = (float)feats[i] * DP_MFCC_INPUT_SCALE;
    st = dp_build_dscnn(g, DP_MFCC_FRAMES(KWS_SAMPLES), DP_MFCC_COEFFS, 1, DP_KWS_CLASSES, width, 5);
    if (st >= 0) st = dp_graph_set_input_quant(g, DP_MFCC_INPUT_SCALE, 0);
    if (st < 0) {
        fprintf(stderr, "gen_model_data: building the DS-CNN: %s\n", dp_graph_error(g));
        dp_graph_free(g); free(calib);
        return 1;
    }
    err[0] = 0;
    st = dp_export(g, calib, k, blob, len, &info, err, sizeof err);
    if (st != DP_OK) fprintf(stderr, "gen_model_data: exporting the DS-CNN: %s\n", err[0] ? err : dp_status_str(st));
    dp_graph_free(g); free(calib);
    return st == DP_OK ? 0 : 1;
}

static void w_i16(FILE *f, const char *decl, const int16_t *x, size_t n)
{
    size_t i;
    fprintf(f, "%s = {", decl);
    for (i = 0; i < n; i++) fprintf(f, "%s%d,", i % 16 ? "" : "\n", (int)x[i]);
    fprintf(f, "\n};\n");
}

static void c_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if ((unsigned char)*s >= 32 && (unsigned char)*s < 127) fputc(*s, f);
    }
    fputc('"', f);
}

static int cmd_kws(const char *model, const char *data, const char *out, int k, float width, uint64_t seed)
{
    const float want_scale = DP_MFCC_INPUT_SCALE;
    uint32_t want_bits;
    kws_clip *clips = (kws_clip *)calloc((size_t)k, sizeof *clips);
    int8_t *feats = (int8_t *)malloc((size_t)k * KWS_FEATS), *outs = NULL;
    int32_t work[DP_MFCC_WORK];
    unsigned char *blob = NULL;
    void *vblob = NULL;
    size_t len = 0;
    char err[256], decl[160], model_name[256];
    hostrun h;
    writer w;
    dp_rng r;
    int i, j, n_out, st, n_labelled = 0, n_correct = 0;

    memcpy(&want_bits, &want_scale, 4);
    if (!clips || !feats) return fail("out of memory", NULL);
    /* 1. clips */
    if (!strcmp(data, "-")) {
        dp_rng_seed(&r, seed + 7);
        for (i = 0; i < k; i++) kws_synth(&clips[i], i, &r);
    } else if (kws_pick(data, clips, k)) {
        return 1;
    }
    /* 2. the host's features */
    for (i = 0; i < k; i++) {
        st = dp_mfcc(clips[i].x, KWS_SAMPLES, feats + (size_t)i * KWS_FEATS, KWS_FEATS, work);
        if (st != DP_MFCC_FRAMES(KWS_SAMPLES)) return fail("dp_mfcc failed", dp_status_str(st));
    }
    /* 3. the model */
    if (!strcmp(model, "-")) {
        if (kws_random_model(feats, k, width, seed, &vblob, &len)) return 1;
        blob = (unsigned char *)vblob;
        snprintf(model_name, sizeof model_name, "random dscnn w%.2f 5 blocks seed %llu", width,
                 (unsigned long long)seed);
    } else {
        if (dp_read_file(model, 0, &blob, &len, err, sizeof err) != DP_OK) return fail(err, NULL);
        snprintf(model_name, sizeof model_name, "%s", base_name(model));
    }
    if (host_open(&h, blob, len, model)) return 1;
    if (h.ti.shape.h != DP_MFCC_FRAMES(KWS_SAMPLES) || h.ti.shape.w != DP_MFCC_COEFFS || h.ti.shape.c != 1 ||
        h.ti.scale_bits != want_bits || h.ti.zero_point != 0) {
        float s;
        memcpy(&s, &h.ti.scale_bits, 4);
        fprintf(stderr,
                "gen_model_data: %s: the model's input is %dx%dx%d with scale %g and zero point %d; "
                "dp_mfcc gives %dx%dx1 int8 features with scale %g (DP_MFCC_INPUT_SCALE) and zero point 0.\n"
                "  Build the model for a %dx%dx1 input and export it after "
                "dp_graph_set_input_quant(g, DP_MFCC_INPUT_SCALE, 0).\n",
                model, (int)h.ti.shape.h, (int)h.ti.shape.w, (int)h.ti.shape.c, (double)s, (int)h.ti.zero_point,
                DP_MFCC_FRAMES(KWS_SAMPLES), DP_MFCC_COEFFS, (double)want_scale, DP_MFCC_FRAMES(KWS_SAMPLES),
                DP_MFCC_COEFFS);
        return 1;
    }
    n_out = (int)h.to.bytes;
    if (!(outs = (int8_t *)malloc((size_t)k * (size_t)n_out))) return fail("out of memory", NULL);
    for (i = 0; i < k; i++)
        if (host_run(&h, feats + (size_t)i * KWS_FEATS, outs + (size_t)i * (size_t)n_out)) return 1;

    /* 4. the header */
    if (w_open(&w, out)) return 1;
    fprintf(w.f,
            "/* GENERATED by mcu/gen_model_data kws from %s and %s: do not edit.\n"
            "   The model, %d one-second 16 kHz clips, their labels, the host's dp_mfcc\n"
            "   features (%d x %d int8) and the host interpreter's outputs for them. */\n"
            "#ifndef MCU_KWS_DATA_H\n#define MCU_KWS_DATA_H\n#include <stdint.h>\n\n",
            !strcmp(model, "-") ? "a random DS-CNN" : base_name(model),
            !strcmp(data, "-") ? "synthetic clips" : data, k, DP_MFCC_FRAMES(KWS_SAMPLES), DP_MFCC_COEFFS);
    fprintf(w.f, "#define KWS_MODEL_NAME ");
    c_string(w.f, model_name);
    fprintf(w.f, "\n#define KWS_MODEL_BLOB_BYTES %luu\n", (unsigned long)len);
    fprintf(w.f, "#define KWS_MODEL_ARENA_BYTES %luu\n", (unsigned long)dp_model_arena_size(&h.m));
    fprintf(w.f, "#define KWS_MODEL_MACS %lluull\n", (unsigned long long)dp_model_macs(&h.m));
    fprintf(w.f, "#define KWS_CLIP_COUNT %d\n", k);
    fprintf(w.f, "#define KWS_CLIP_SAMPLES %d\n", KWS_SAMPLES);
    fprintf(w.f, "#define KWS_FEATURE_BYTES %d\n", KWS_FEATS);
    fprintf(w.f, "#define KWS_OUTPUT_BYTES %d\n", n_out);
    fprintf(w.f, "#define KWS_SYNTHETIC %d\n\n", !strcmp(data, "-"));
    w_bytes(w.f, "static const unsigned char kws_model_blob[KWS_MODEL_BLOB_BYTES] __attribute__((aligned(4)))",
            blob, len, 0);
    for (i = 0; i < k; i++) {
        fprintf(w.f, "/* clip %d: ", i);
        for (j = 0; clips[i].name[j]; j++) /* no comment terminator inside */
            fputc(clips[i].name[j] == '*' ? '_' : clips[i].name[j], w.f);
        fprintf(w.f, "%s */\n", clips[i].padded ? " (zero-padded to 1 s)" : "");
        snprintf(decl, sizeof decl, "static const int16_t kws_clip_%d[KWS_CLIP_SAMPLES]", i);
        w_i16(w.f, decl, clips[i].x, KWS_SAMPLES);
    }
    fprintf(w.f, "static const int16_t *const kws_clips[KWS_CLIP_COUNT] = {");
    for (i = 0; i < k; i++) fprintf(w.f, "%skws_clip_%d,", i % 8 ? " " : "\n    ", i);
    fprintf(w.f, "\n};\n/* class index per clip, -1: synthetic (no label) */\n"
                 "static const signed char kws_labels[KWS_CLIP_COUNT] = {");
    for (i = 0; i < k; i++) fprintf(w.f, "%s%d,", i ? " " : "", clips[i].label);
    fprintf(w.f, "};\nstatic const char *const kws_clip_names[KWS_CLIP_COUNT] = {\n");
    for (i = 0; i < k; i++) { fprintf(w.f, "    "); c_string(w.f, clips[i].name); fprintf(w.f, ",\n"); }
    fprintf(w.f, "};\nstatic const char *const kws_class_names[KWS_OUTPUT_BYTES] = {");
    for (i = 0; i < n_out; i++) {
        if (n_out == DP_KWS_CLASSES) fprintf(w.f, "%s\"%s\",", i ? " " : "", dp_kws_class_name(i));
        else fprintf(w.f, "%s\"class%d\",", i ? " " : "", i);
    }
    fprintf(w.f, "};\n");
    w_bytes(w.f, "static const signed char kws_features[KWS_CLIP_COUNT * KWS_FEATURE_BYTES]", feats,
            (size_t)k * KWS_FEATS, 1);
    w_bytes(w.f, "static const signed char kws_expected[KWS_CLIP_COUNT * KWS_OUTPUT_BYTES]", outs,
            (size_t)k * (size_t)n_out, 1);
    fprintf(w.f, "\n#endif\n");
    if (w_close(&w)) return 1;

    printf("wrote %s: %s, %lu bytes, arena %lu, %llu MACs; %d %s clips\n", out, model_name, (unsigned long)len,
           (unsigned long)dp_model_arena_size(&h.m), (unsigned long long)dp_model_macs(&h.m), k,
           !strcmp(data, "-") ? "synthetic" : "data-set");
    for (i = 0; i < k; i++) {
        const int p = (int)dp_argmax_s8(outs + (size_t)i * (size_t)n_out, n_out);
        printf("  clip %d %s: label %s, host predicts %s%s\n", i, clips[i].name,
               clips[i].label < 0 ? "-" : dp_kws_class_name(clips[i].label),
               n_out == DP_KWS_CLASSES ? dp_kws_class_name(p) : "?", clips[i].padded ? " (padded)" : "");
        if (clips[i].label >= 0) { n_labelled++; n_correct += p == clips[i].label; }
    }
    if (n_labelled) printf("  host: %d/%d correct\n", n_correct, n_labelled);
    free(clips); free(feats); free(outs); free(h.arena);
    if (vblob) DP_FREE(vblob); else free(blob);
    return 0;
}

static const char gen_usage[] =
    "usage: gen_model_data header MODEL.dpm OUT.h [--tests N] [--seed S]\n"
    "       gen_model_data zoo NAME OUT.dpm [--calib N] [--seed S]\n"
    "       gen_model_data bench OUT.h\n"
    "       gen_model_data fuzz OUT.h [--count N] [--seed S]\n"
    "       gen_model_data grouped OUT.h [--count N] [--seed S]\n"
    "       gen_model_data tflm OUT.h [--count N] [--seed S]\n"
    "       gen_model_data kws MODEL.dpm|- DATA_DIR|- OUT.h [K] [--width W] [--seed S]\n";

int main(int argc, char **argv)
{
    int ntests = 4, ncalib = 8, ncount = 60, st;
    unsigned long long seed = 1;
    float width = 0.25f;
    const char *pos[5] = {NULL, NULL, NULL, NULL, NULL};
    int npos = 0;
    const cli_opt opts[] = {
        CLI_INT("--tests", &ntests, 1, 64, "N", "seeded test inputs in model_data.h [4]"),
        CLI_INT("--calib", &ncalib, 1, 100000, "N", "random calibration inputs for zoo [8]"),
        CLI_SHARED("--seed", &seed, "[1]"),
        CLI_INT("--count", &ncount, 1, 1000, "N", "random layers for fuzz and grouped [60]"),
        CLI_FLOAT("--width", &width, 0, 4, 1, "W", "width of the built-in KWS model (kws MODEL = -) [0.25]"),
        CLI_END
    };
    if ((st = cli_parse("gen_model_data", gen_usage, opts, argc - 1, argv + 1, pos, 5, &npos)) != 0) return st == 1 ? 0 : 2;
    if ((npos == 4 || npos == 5) && !strcmp(pos[0], "kws")) {
        int k = 4;
        const cli_opt kopt = CLI_INT("K", &k, 1, 64, "K", "clips");
        if (npos == 5 && cli_value("gen_model_data kws", &kopt, pos[4])) return 2;
        return cmd_kws(pos[1], pos[2], pos[3], k, width, seed);
    }
    if (npos == 3 && !strcmp(pos[0], "header")) return cmd_header(pos[1], pos[2], ntests, seed);
    if (npos == 3 && !strcmp(pos[0], "zoo")) return cmd_zoo(pos[1], pos[2], ncalib, seed);
    if (npos == 2 && !strcmp(pos[0], "bench")) return write_layers(pos[1], "bench", N_LAYERS, seed, bench_layer);
    if (npos == 2 && !strcmp(pos[0], "fuzz")) return write_layers(pos[1], "fuzz", ncount, seed, fuzz_layer);
    if (npos == 2 && !strcmp(pos[0], "grouped")) return write_layers(pos[1], "grouped", ncount, seed, grouped_layer);
    if (npos == 2 && !strcmp(pos[0], "tflm")) return write_layers(pos[1], "tflm", ncount, seed, tflm_layer);
    fputs(gen_usage, stderr);
    return 2;
}

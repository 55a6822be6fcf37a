/* tests/fuzz_seeds.c - writes the generated seeds of tests/fuzz_corpus/.
   Run once by hand when the model format changes:

     cc -std=c99 -O1 tests/fuzz_seeds.c -o build/fuzz_seeds -lm
     build/fuzz_seeds tests/fuzz_corpus

   (ok-example comes from `build/diffprune example-model -o FILE`.)
   Names say what tests/test_fuzz_replay.c asserts about each file:
     ok-*    accepted as it is, and runs
     fix-*   refused as it is (checksum, kernel sums or MAC total wrong),
             accepted after the fuzz target's repairs, and runs
     bad-*   refused, as it is and after the repairs
   Small models, made with the builder: every op kind, odd geometry
   (dilation, stride > kernel, asymmetric padding, pads of k-1), an 8-input
   in-place add, concat of 1..3 inputs, softmax over several rows, and
   known-bad variants of them with a correct CRC. Deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"

#define NT 24
#define NO 16
typedef struct seed {
    int nt, no, input, output;
    int h[NT], w[NT], c[NT], zp[NT], alias[NT];
    float sc[NT];
    uint32_t off[NT];
    dp_mb_op op[NO];
    int8_t wts[NO][2048];
    int32_t bias[NO][64];
    float wsc[NO][64];
} seed;

static uint32_t rng = 12345u;
static uint32_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static int t_new(seed *s, int h, int w, int c, float sc, int zp)
{
    const int i = s->nt++;
    s->h[i] = h; s->w[i] = w; s->c[i] = c; s->sc[i] = sc; s->zp[i] = zp; s->alias[i] = -1;
    return i;
}

static dp_mb_op *op_new(seed *s, int kind, int out, int n, int i0, int i1, int i2)
{
    dp_mb_op *o = &s->op[s->no++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->output = out;
    o->n_inputs = n;
    o->inputs[0] = i0; o->inputs[1] = i1; o->inputs[2] = i2;
    return o;
}

/* random weights (nw of them), small bias, weight scales near 1/64 */
static void weights(seed *s, dp_mb_op *o, int nw, int cout, int with_bias)
{
    const int k = (int)(o - s->op);
    int i;
    if (nw > 2048 || cout > 64) { fprintf(stderr, "fuzz_seeds: seed too big\n"); exit(2); }
    for (i = 0; i < nw; i++) s->wts[k][i] = (int8_t)((int)(rnd() % 256u) - 128);
    for (i = 0; i < cout; i++) {
        s->bias[k][i] = (int32_t)(rnd() % 2001u) - 1000;
        s->wsc[k][i] = (float)(1.0 + (double)(rnd() % 100u) / 100.0) / 64.0f;
    }
    o->weights = s->wts[k];
    o->bias = with_bias ? s->bias[k] : NULL;
    o->w_scale = s->wsc[k];
}

/* greedy arena plan from lifetimes; aliases share their target's bytes */
static void plan(seed *s)
{
    int first[NT], last[NT], i, j, k;
    for (i = 0; i < s->nt; i++) first[i] = last[i] = 0;
    for (k = 0; k < s->no; k++) first[s->op[k].output] = last[s->op[k].output] = k + 1;
    for (k = 0; k < s->no; k++) {
        const int n = s->op[k].n_inputs ? s->op[k].n_inputs : (s->op[k].kind == DP_MOP_CHMUL ? 2 : 1);
        for (j = 0; j < n; j++)
            if (last[s->op[k].inputs[j]] < k + 1) last[s->op[k].inputs[j]] = k + 1;
    }
    last[s->output] = s->no + 1;
    for (i = 0; i < s->nt; i++) {
        const uint32_t sz = (uint32_t)(s->h[i] * s->w[i] * s->c[i]);
        uint32_t at = 0;
        int moved = 1;
        if (s->alias[i] >= 0) { s->off[i] = s->off[s->alias[i]]; continue; }
        while (moved) {      /* lowest offset clear of every live placed tensor */
            moved = 0;
            for (j = 0; j < i; j++) {
                const uint32_t sj = (uint32_t)(s->h[j] * s->w[j] * s->c[j]);
                if (first[i] > last[j] || first[j] > last[i]) continue;
                if (at >= s->off[j] + sj || s->off[j] >= at + sz) continue;
                at = s->off[j] + sj;
                moved = 1;
            }
        }
        s->off[i] = at;
    }
}

static void *build(seed *s, size_t *len)
{
    dp_mb b;
    void *blob = NULL;
    int i, st;
    plan(s);
    dp_mb_init(&b);
    for (i = 0; i < s->nt; i++) dp_mb_add_tensor(&b, s->h[i], s->w[i], s->c[i], s->sc[i], s->zp[i], s->off[i]);
    for (i = 0; i < s->no; i++) dp_mb_add_op(&b, &s->op[i]);
    dp_mb_set_io(&b, s->input, s->output);
    st = dp_mb_finish(&b, &blob, len);
    if (st != DP_OK) {
        fprintf(stderr, "fuzz_seeds: builder: %s (%s, at %d)\n", dp_status_str(st), b.why ? b.why : "?", (int)b.where);
        exit(1);
    }
    dp_mb_free(&b);
    return blob;
}

static const char *dir;
static void put(const char *name, const void *p, size_t n)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n) { fprintf(stderr, "fuzz_seeds: cannot write %s\n", path); exit(1); }
    fclose(f);
    printf("  %-28s %6lu bytes\n", name, (unsigned long)n);
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (rd16(p + 2) << 16); }
static void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, v & 0xFFFFu); wr16(p + 2, v >> 16); }
static void fix_crc(uint8_t *b) { const uint32_t len = rd32(b + 8); wr32(b + len - 4, dp_crc32(0, b, len - 4)); }
static size_t trec(const uint8_t *b, int i) { (void)b; return 48u + 24u * (size_t)i; }
static size_t orec(const uint8_t *b, int k) { return 48u + 24u * rd16(b + 16) + 64u * (size_t)k; }

/* a writable copy of a blob, to give one defect */
static uint8_t *copy(const void *blob, size_t len)
{
    uint8_t *c = (uint8_t *)malloc(len);
    if (!c) exit(2);
    memcpy(c, blob, len);
    return c;
}

static int expect(const char *name, const uint8_t *b, size_t n, int want_ok)
{
    dp_model m;
    const int st = dp_model_init(&m, b, n);
    if ((st == DP_OK) != want_ok) {
        fprintf(stderr, "fuzz_seeds: %s: expected %s, got %s (%s)\n", name, want_ok ? "accept" : "refuse",
                dp_status_str(st), m.why ? m.why : "");
        exit(1);
    }
    return st;
}

static void put_bad(const char *name, uint8_t *b, size_t n, int crc)
{
    if (crc) fix_crc(b);
    expect(name, b, n, 0);
    put(name, b, n);
    free(b);
}

int main(int argc, char **argv)
{
    static seed S;
    seed *s = &S;
    void *tiny, *all, *geo, *add8, *cat;
    size_t ltiny, lall, lgeo, ladd8, lcat, ltiny2;
    uint8_t *b;
    dp_mb_op *o;
    int x, a, bb, g, f, gate, c, d, e, r, q, z, y, i, v[9];

    if (argc != 2) { fprintf(stderr, "usage: fuzz_seeds DIR\n"); return 2; }
    dir = argv[1];
    printf("seeds in %s:\n", dir);

    /* tiny: 1x1x3 -> fc -> 1x1x2, two tensors and one op */
    memset(s, 0, sizeof *s);
    x = t_new(s, 1, 1, 3, 0.1f, 0);
    y = t_new(s, 1, 1, 2, 0.2f, -3);
    s->input = x; s->output = y;
    o = op_new(s, DP_MOP_FC, y, 1, x, 0, 0);
    weights(s, o, 6, 2, 1);
    tiny = build(s, &ltiny);
    put("ok-tiny-fc", tiny, ltiny);

    /* every op kind: 1x1 conv, avgpool pad 1, gap, fc, 1x1 gate, chmul,
       concat, conv, 3-input add, maxpool 3x3/2 pad 1, fc, softmax */
    memset(s, 0, sizeof *s);
    x = t_new(s, 5, 5, 3, 0.03f, 7);
    a = t_new(s, 5, 5, 4, 0.05f, -20);
    bb = t_new(s, 5, 5, 4, 0.05f, -20);
    g = t_new(s, 1, 1, 4, 0.05f, -20);
    f = t_new(s, 1, 1, 4, 0.1f, 0);
    gate = t_new(s, 1, 1, 4, 1.0f / 256.0f, -128);
    c = t_new(s, 5, 5, 4, 0.04f, 5);
    d = t_new(s, 5, 5, 8, 0.05f, -20);
    e = t_new(s, 5, 5, 4, 0.07f, 1);
    r = t_new(s, 5, 5, 4, 0.09f, -3);
    q = t_new(s, 3, 3, 4, 0.09f, -3);
    z = t_new(s, 1, 1, 5, 0.15f, 7);
    y = t_new(s, 1, 1, 5, 1.0f / 256.0f, -128);
    s->input = x; s->output = y;
    o = op_new(s, DP_MOP_CONV2D, a, 1, x, 0, 0);
    weights(s, o, 4 * 3, 4, 1);
    o->act_min = -20; o->act_max = 127;
    o = op_new(s, DP_MOP_AVGPOOL, bb, 1, a, 0, 0);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    op_new(s, DP_MOP_GAP, g, 1, bb, 0, 0);
    o = op_new(s, DP_MOP_FC, f, 1, g, 0, 0);
    weights(s, o, 4 * 4, 4, 0);
    o = op_new(s, DP_MOP_CONV2D, gate, 1, f, 0, 0);
    weights(s, o, 4 * 4, 4, 1);
    op_new(s, DP_MOP_CHMUL, c, 2, bb, gate, 0);
    op_new(s, DP_MOP_CONCAT, d, 2, a, c, 0);
    o = op_new(s, DP_MOP_CONV2D, e, 1, d, 0, 0);
    weights(s, o, 4 * 8, 4, 1);
    op_new(s, DP_MOP_ADD, r, 3, a, c, e);
    o = op_new(s, DP_MOP_MAXPOOL, q, 1, r, 0, 0);
    o->kh = o->kw = 3; o->stride_h = o->stride_w = 2; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    o = op_new(s, DP_MOP_FC, z, 1, q, 0, 0);
    weights(s, o, 5 * 3 * 3 * 4, 5, 1);
    op_new(s, DP_MOP_SOFTMAX, y, 1, z, 0, 0);
    all = build(s, &lall);
    put("ok-all-kinds", all, lall);

    /* geometry: conv 3x3 dilation 2 stride 2, asymmetric padding; dw 3x3
       dilation 2x1 stride 2, pad k-1 top; avgpool 2x2 stride 3 > kernel,
       pad 1; maxpool 1x3 pad 2 right; dw 1x1; softmax over 2 rows */
    memset(s, 0, sizeof *s);
    x = t_new(s, 13, 11, 2, 0.02f, -128);
    a = t_new(s, 6, 5, 3, 0.05f, 0);      /* (13+1+2-5)/2+1, (11+0+2-5)/2+1 */
    bb = t_new(s, 2, 3, 3, 0.06f, 10);    /* (6+2+0-5)/2+1, (5+0+2-3)/2+1   */
    c = t_new(s, 1, 2, 3, 0.06f, 10);     /* (2+1+1-2)/3+1, (3+1+1-2)/3+1   */
    d = t_new(s, 1, 2, 3, 0.06f, 10);     /* 1, (2+0+2-3)/1+1               */
    e = t_new(s, 1, 2, 3, 0.08f, -1);
    y = t_new(s, 1, 2, 3, 1.0f / 256.0f, -128);
    s->input = x; s->output = y;
    o = op_new(s, DP_MOP_CONV2D, a, 1, x, 0, 0);
    o->kh = o->kw = 3; o->dil_h = o->dil_w = 2; o->stride_h = o->stride_w = 2;
    o->pad_t = 1; o->pad_b = 2; o->pad_l = 0; o->pad_r = 2;
    weights(s, o, 3 * 3 * 3 * 2, 3, 1);
    o->act_min = 0; o->act_max = 60;
    o = op_new(s, DP_MOP_DWCONV2D, bb, 1, a, 0, 0);
    o->kh = o->kw = 3; o->dil_h = 2; o->stride_h = o->stride_w = 2; o->pad_t = 2; o->pad_r = 2;
    weights(s, o, 3 * 3 * 3, 3, 0);
    o = op_new(s, DP_MOP_AVGPOOL, c, 1, bb, 0, 0);
    o->kh = o->kw = 2; o->stride_h = o->stride_w = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    o = op_new(s, DP_MOP_MAXPOOL, d, 1, c, 0, 0);
    o->kh = 1; o->kw = 3; o->pad_r = 2;
    o = op_new(s, DP_MOP_DWCONV2D, e, 1, d, 0, 0);
    weights(s, o, 3, 3, 1);
    op_new(s, DP_MOP_SOFTMAX, y, 1, e, 0, 0);
    geo = build(s, &lgeo);
    put("ok-geometry", geo, lgeo);

    /* 8-input add written in place over its last input, then gap */
    memset(s, 0, sizeof *s);
    x = t_new(s, 3, 3, 2, 0.05f, 3);
    for (i = 0; i < 8; i++) v[i] = t_new(s, 3, 3, 2, 0.02f + 0.01f * (float)i, i * 9 - 40);
    v[8] = t_new(s, 3, 3, 2, 0.2f, -7);
    s->alias[v[8]] = v[7];
    y = t_new(s, 1, 1, 2, 0.2f, -7);
    s->input = x; s->output = y;
    for (i = 0; i < 8; i++) {
        o = op_new(s, DP_MOP_CONV2D, v[i], 1, i ? v[i - 1] : x, 0, 0);
        weights(s, o, 4, 2, i & 1);
    }
    o = op_new(s, DP_MOP_ADD, v[8], 8, v[0], v[1], v[2]);
    for (i = 3; i < 8; i++) o->inputs[i] = v[i];
    o->act_min = -7; o->act_max = 100;
    op_new(s, DP_MOP_GAP, y, 1, v[8], 0, 0);
    s->zp[y] = s->zp[v[8]]; s->sc[y] = s->sc[v[8]];
    add8 = build(s, &ladd8);
    put("ok-add8-inplace", add8, ladd8);

    /* concat: one input (identity requant), three inputs (mixed quant) */
    memset(s, 0, sizeof *s);
    x = t_new(s, 2, 3, 2, 0.1f, 0);
    a = t_new(s, 2, 3, 2, 0.1f, 0);
    bb = t_new(s, 2, 3, 2, 0.3f, 50);
    c = t_new(s, 2, 3, 6, 0.1f, 0);
    y = t_new(s, 1, 1, 6, 0.1f, 0);
    s->input = x; s->output = y;
    op_new(s, DP_MOP_CONCAT, a, 1, x, 0, 0);
    o = op_new(s, DP_MOP_DWCONV2D, bb, 1, x, 0, 0);
    weights(s, o, 2, 2, 1);
    op_new(s, DP_MOP_CONCAT, c, 3, a, bb, x);
    op_new(s, DP_MOP_GAP, y, 1, c, 0, 0);
    cat = build(s, &lcat);
    put("ok-concat", cat, lcat);

    /* >>grouped: depthwise with channel multipliers 2 (3x3 pad 1) and 3
       (2x3 stride 2), then gap */
    memset(s, 0, sizeof *s);
    x = t_new(s, 5, 4, 2, 0.04f, 3);
    a = t_new(s, 5, 4, 4, 0.05f, -10);
    bb = t_new(s, 2, 1, 12, 0.07f, 4);    /* (5-2)/2+1, (4-3)/2+1 */
    y = t_new(s, 1, 1, 12, 0.07f, 4);
    s->input = x; s->output = y;
    o = op_new(s, DP_MOP_DWCONV2D, a, 1, x, 0, 0);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    weights(s, o, 3 * 3 * 4, 4, 1);
    o->act_min = -10; o->act_max = 127;
    o = op_new(s, DP_MOP_DWCONV2D, bb, 1, a, 0, 0);
    o->kh = 2; o->kw = 3; o->stride_h = o->stride_w = 2;
    weights(s, o, 2 * 3 * 12, 12, 0);
    op_new(s, DP_MOP_GAP, y, 1, bb, 0, 0);
    b = (uint8_t *)build(s, &ltiny2);
    put("ok-dw-multiplier", b, ltiny2);
    /* 4 -> 11 channels: not a multiple */
    wr16(b + trec(b, 2) + 12, 11); wr32(b + trec(b, 2) + 4, 2 * 1 * 11);
    put_bad("bad-dw-mult-channels", b, ltiny2, 1);

    /* fix-*: valid models with a wrong checksum, kernel sums or MACs */
    b = copy(all, lall); b[lall - 1] ^= 0x5A;
    expect("fix-crc", b, lall, 0); put("fix-crc", b, lall); free(b);
    b = copy(all, lall);   /* op 0 is a conv: bump its first kernel sum */
    wr32(b + rd32(b + orec(b, 0) + 44), rd32(b + rd32(b + orec(b, 0) + 44)) + 1u);
    fix_crc(b); expect("fix-ksum", b, lall, 0); put("fix-ksum", b, lall); free(b);
    b = copy(geo, lgeo); wr32(b + 36, rd32(b + 36) + 1u);
    fix_crc(b); expect("fix-macs", b, lgeo, 0); put("fix-macs", b, lgeo); free(b);

    /* bad-*: refused even with every checksum right */
    b = copy(tiny, ltiny); b[0] = 'X'; put_bad("bad-magic", b, ltiny, 1);
    b = copy(tiny, ltiny); put_bad("bad-truncated", b, ltiny - 8, 0);
    b = copy(tiny, ltiny); put_bad("bad-short", b, 51, 0);
    b = copy(tiny, ltiny); wr16(b + 4, 2); put_bad("bad-version", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + 8, rd32(b + 8) - 2); put_bad("bad-len-unaligned", b, ltiny, 0);
    b = copy(tiny, ltiny); wr32(b + 12, 0); put_bad("bad-arena-zero", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + 44, 1); put_bad("bad-flags", b, ltiny, 1);
    b = copy(tiny, ltiny); wr16(b + 22, rd16(b + 20)); put_bad("bad-io-same", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + 32, rd32(b + 32) + 4); put_bad("bad-data-offset", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + trec(b, 1), rd32(b + 12)); put_bad("bad-tensor-outside", b, ltiny, 1);
    b = copy(tiny, ltiny); wr16(b + trec(b, 1) + 12, 0); put_bad("bad-tensor-zero-dim", b, ltiny, 1);
    b = copy(tiny, ltiny); wr16(b + trec(b, 1) + 14, 200); put_bad("bad-tensor-zp", b, ltiny, 1);
    b = copy(tiny, ltiny); b[orec(b, 0)] = 0; put_bad("bad-op-kind-0", b, ltiny, 1);
    b = copy(tiny, ltiny); b[orec(b, 0)] = 0xFF; put_bad("bad-op-kind-255", b, ltiny, 1);
    b = copy(tiny, ltiny); wr16(b + orec(b, 0) + 6, 1); put_bad("bad-unused-slot", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + orec(b, 0) + 36, rd32(b + orec(b, 0) + 36) + 1); put_bad("bad-weights-len", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + orec(b, 0) + 32, rd32(b + 8)); put_bad("bad-weights-past-end", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + rd32(b + orec(b, 0) + 52), 31); put_bad("bad-shift", b, ltiny, 1);
    b = copy(tiny, ltiny); wr32(b + rd32(b + orec(b, 0) + 48), 0x80000000u); put_bad("bad-mult-negative", b, ltiny, 1);
    b = copy(all, lall);   /* op 1 (avgpool 3x3 pad 1): pad 3 >= kernel */
    b[orec(b, 1) + 26] = 3; put_bad("bad-pool-pad", b, lall, 1);
    b = copy(all, lall); wr16(b + rd32(b + orec(b, 11) + 32) + 20, 0xFFFF); put_bad("bad-softmax-table", b, lall, 1);
    b = copy(all, lall); wr32(b + orec(b, 5) + 56, 0xFFFFFFFFu); put_bad("bad-chmul-mult", b, lall, 1);
    b = copy(all, lall); b[orec(b, 6) + 30] = 0; put_bad("bad-concat-act", b, lall, 1);
    b = copy(add8, ladd8);   /* shift > 0 on an add input */
    wr32(b + rd32(b + orec(b, 8) + 52), 1); put_bad("bad-add-shift", b, ladd8, 1);
    b = copy(add8, ladd8);   /* v0 over v1 while both live: plain overlap */
    wr32(b + trec(b, 1), rd32(b + trec(b, 2))); put_bad("bad-overlap", b, ladd8, 1);
    b = copy(add8, ladd8);   /* v0 dies before op 1 reads it */
    wr16(b + trec(b, 1) + 18, 1); put_bad("bad-lifetime", b, ladd8, 1);
    b = copy(geo, lgeo); b[orec(b, 0) + 22] = 3; put_bad("bad-conv-stride", b, lgeo, 1);
    b = copy(geo, lgeo); b[orec(b, 0) + 24] = 0; put_bad("bad-conv-dilation-0", b, lgeo, 1);
    b = copy(cat, lcat); wr16(b + trec(b, 3) + 12, 7); put_bad("bad-tensor-bytes", b, lcat, 1);
    free(tiny); free(all); free(geo); free(add8); free(cat);
    return 0;
}

/* tests/test_infer.c - the int8 inference half: requantisation, kernels,
   the model file, the loader and the interpreter.
   What it checks:
     - requantisation against a literal 64-bit transcription of gemmlowp's
       formulas and against closed forms, on edge and random values;
     - every optimised kernel against its reference kernel, bit for bit, on
       >= 200 random configurations each; the references against hand-worked
       values and against double-precision arithmetic;
     - two multi-op models made with the builder, loaded and run, against an
       independent interpreter over the reference kernels;
     - the loader: every truncation, 5000 byte flips with the CRC fixed,
       overlapping/out-of-arena tensors, bad magic/version/CRC/alignment;
     - the freestanding Cortex-M0+ build and its symbols (skipped without
       arm-none-eabi-gcc).
   Last line: "N passed, M failed"; exit status 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"

/* Bitwise CRC-32, an independent check of the table-driven dp_crc32. */
static uint32_t crc32_bitwise(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    int k;
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#include "test_util.h"

/* ---- random numbers ---- */
static int32_t rint_(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }
static int32_t ru2s(uint32_t u) { return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - 0x7FFFFFFF - 1; }
static void fill8(int8_t *p, int n)
{
    int i;
    for (i = 0; i < n; i++) p[i] = (int8_t)rint_(-128, 127);
}
static int8_t *alloc8(int n)
{
    int8_t *p = (int8_t *)malloc((size_t)(n > 0 ? n : 1));
    if (!p) { printf("out of memory\n"); exit(2); }
    fill8(p, n);
    return p;
}
static int32_t *alloc32(int n)
{
    int32_t *p = (int32_t *)malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
    if (!p) { printf("out of memory\n"); exit(2); }
    return p;
}
static int pick(const int *v, int n) { return v[rnd() % (uint32_t)n]; }

/* ====================================================================== */
/* requantisation                                                          */
/* ====================================================================== */
/* gemmlowp, transcribed literally with 64-bit arithmetic */
static int32_t o_high(int32_t a, int32_t b)
{
    const int overflow = a == b && a == INT32_MIN;
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    const int32_t r = (int32_t)((ab + nudge) / ((int64_t)1 << 31));
    return overflow ? INT32_MAX : r;
}
static int32_t o_pot(int32_t x, int e)
{
    const int64_t mask = ((int64_t)1 << e) - 1;
    const int64_t rem = (int64_t)x & mask;
    const int64_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
    return (int32_t)(((int64_t)x >> e) + (rem > thr ? 1 : 0));
}
static int32_t o_wrap(int64_t v)
{
    v &= 0xFFFFFFFFll;
    return (int32_t)(v >= 0x80000000ll ? v - 0x100000000ll : v);
}
static int32_t o_mul(int32_t x, int32_t m, int s)
{
    const int ls = s > 0 ? s : 0, rs = s > 0 ? 0 : -s;
    return o_pot(o_high(o_wrap((int64_t)x * ((int64_t)1 << ls)), m), rs);
}
/* closed forms: floor((ab + 2^30) / 2^31) saturated; x/2^e ties away */
static int64_t floordiv(int64_t n, int64_t d)
{
    int64_t q = n / d;
    if (n % d != 0 && n < 0) q--;
    return q;
}
static int32_t c_high(int32_t a, int32_t b)
{
    const int64_t q = floordiv((int64_t)a * b + ((int64_t)1 << 30), (int64_t)1 << 31);
    return q > INT32_MAX ? INT32_MAX : (int32_t)q;
}
static int32_t c_pot(int32_t x, int e)
{
    int64_t ax = x < 0 ? -(int64_t)x : x, q;
    if (e == 0) return x;
    q = (ax + ((int64_t)1 << (e - 1))) >> e;
    return (int32_t)(x < 0 ? -q : q);
}

static int32_t rnd_i32_edge(void)
{
    static const int32_t edge[] = { INT32_MIN, INT32_MIN + 1, -1073741824, -1073741825, -1073741823,
                                    -65536, -257, -256, -3, -2, -1, 0, 1, 2, 3, 255, 256, 65535,
                                    1073741823, 1073741824, 1073741825, INT32_MAX - 1, INT32_MAX };
    switch (rnd() % 4) {
    case 0: return edge[rnd() % (sizeof edge / sizeof edge[0])];
    case 1: return rint_(-70000, 70000);
    case 2: return ru2s(rnd()) >> (rnd() % 31);
    default: return ru2s(rnd());
    }
}

static void test_requant(void)
{
    static const int32_t edge[] = { INT32_MIN, INT32_MIN + 1, -1073741824, -1, 0, 1, 1073741824, INT32_MAX - 1, INT32_MAX };
    const int ne = (int)(sizeof edge / sizeof edge[0]);
    int i, j, e, bad_h = 0, bad_p = 0, bad_m = 0, bad_c = 0, bad_f = 0;
    /* every edge pair, every exponent/shift */
    for (i = 0; i < ne; i++)
        for (j = 0; j < ne; j++) {
            if (dp_qmul_high(edge[i], edge[j]) != o_high(edge[i], edge[j])) bad_h++;
            if (dp_qmul_high(edge[i], edge[j]) != c_high(edge[i], edge[j])) bad_c++;
            for (e = -31; e <= 30; e++)
                if (dp_qmul(edge[i], edge[j], e) != o_mul(edge[i], edge[j], e)) bad_m++;
        }
    for (i = 0; i < ne; i++)
        for (e = 0; e <= 31; e++) {
            if (dp_qdiv_pot(edge[i], e) != o_pot(edge[i], e)) bad_p++;
            if (dp_qdiv_pot(edge[i], e) != c_pot(edge[i], e)) bad_c++;
        }
    CHECK(bad_h == 0 && bad_p == 0 && bad_m == 0 && bad_c == 0, "requant edges: high %d pot %d mul %d closed %d",
          bad_h, bad_p, bad_m, bad_c);
    /* random values */
    for (i = 0; i < 300000; i++) {
        const int32_t a = rnd_i32_edge(), b = rnd_i32_edge();
        const int ex = rint_(0, 31), sh = rint_(-31, 30);
        const int32_t h = dp_qmul_high(a, b);
        if (h != o_high(a, b)) bad_h++;
        if (h != c_high(a, b)) bad_c++;
        if (dp_qdiv_pot(a, ex) != o_pot(a, ex)) bad_p++;
        if (dp_qdiv_pot(a, ex) != c_pot(a, ex)) bad_c++;
        if (dp_qmul(a, b, sh) != o_mul(a, b, sh)) bad_m++;
    }
    CHECK(bad_h == 0, "qmul_high vs gemmlowp: %d mismatches", bad_h);
    CHECK(bad_p == 0, "qdiv_pot vs gemmlowp: %d mismatches", bad_p);
    CHECK(bad_m == 0, "qmul vs MultiplyByQuantizedMultiplier: %d mismatches", bad_m);
    CHECK(bad_c == 0, "closed forms: %d mismatches", bad_c);
    /* against real arithmetic: mult in [2^30, 2^31), shift <= 0, |x| < 2^24 */
    for (i = 0; i < 100000; i++) {
        const int32_t x = rint_(-16777215, 16777215), m = rint_(1 << 30, INT32_MAX), s = rint_(-31, 0);
        const double want = (double)x * (double)m * ldexp(1.0, s - 31);
        if (fabs((double)dp_qmul(x, m, s) - want) > 1.0) bad_f++;
    }
    CHECK(bad_f == 0, "qmul vs double: %d off by more than 1", bad_f);
    /* hand-worked values */
    CHECK(dp_qmul_high(INT32_MIN, INT32_MIN) == INT32_MAX, "saturation case");
    CHECK(dp_qmul_high(INT32_MAX, INT32_MAX) == INT32_MAX - 1, "max*max");
    CHECK(dp_qmul_high(INT32_MIN, INT32_MAX) == INT32_MIN + 1, "min*max = %d", dp_qmul_high(INT32_MIN, INT32_MAX));
    CHECK(dp_qmul_high(-3, 1 << 30) == -1 && dp_qmul_high(3, 1 << 30) == 2, "ties go up: %d %d",
          dp_qmul_high(-3, 1 << 30), dp_qmul_high(3, 1 << 30));
    CHECK(dp_qdiv_pot(3, 1) == 2 && dp_qdiv_pot(-3, 1) == -2 && dp_qdiv_pot(-5, 2) == -1 && dp_qdiv_pot(5, 2) == 1,
          "qdiv_pot small");
    CHECK(dp_qdiv_pot(INT32_MIN, 31) == -1 && dp_qdiv_pot(INT32_MAX, 31) == 1 && dp_qdiv_pot(1 << 30, 31) == 1 &&
          dp_qdiv_pot((1 << 30) - 1, 31) == 0, "qdiv_pot by 2^31");
    CHECK(dp_qmul(100, 1 << 30, 0) == 50 && dp_qmul(100, 1 << 30, 1) == 100 && dp_qmul(7, 1 << 30, -1) == 2,
          "qmul small");
    CHECK(dp_qmul(1 << 24, INT32_MAX, 8) == o_mul(1 << 24, INT32_MAX, 8), "qmul left-shift wrap");
    /* QuantizeMultiplier */
    {
        int32_t m, s;
        int ok = 1, st;
        st = dp_qmul_from_real(0.5, &m, &s);
        ok &= st == DP_OK && m == (1 << 30) && s == 0;
        st = dp_qmul_from_real(1.0, &m, &s);
        ok &= st == DP_OK && m == (1 << 30) && s == 1;
        st = dp_qmul_from_real(0.75, &m, &s);
        ok &= st == DP_OK && m == 1610612736 && s == 0;
        st = dp_qmul_from_real(0.0, &m, &s);
        ok &= st == DP_OK && m == 0 && s == 0;
        st = dp_qmul_from_real(ldexp(1.0, -40), &m, &s);
        ok &= st == DP_OK && m == 0 && s == 0;
        st = dp_qmul_from_real(ldexp(1.0, -31), &m, &s);        /* frexp exponent -30 */
        ok &= st == DP_OK && m == (1 << 30) && s == -30;
        st = dp_qmul_from_real(1.0 - ldexp(1.0, -33), &m, &s);  /* rounds up to 2^31 */
        ok &= st == DP_OK && m == (1 << 30) && s == 1;
        ok &= dp_qmul_from_real(-1.0, &m, &s) == DP_ERR_ARG;
        ok &= dp_qmul_from_real(ldexp(1.0, 31), &m, &s) == DP_ERR_UNSUPPORTED;
        CHECK(ok, "dp_qmul_from_real fixed values");
        for (i = 0, bad_f = 0; i < 20000; i++) {
            const double r = exp((double)rint_(-2000, 400) / 100.0);
            if (dp_qmul_from_real(r, &m, &s) != DP_OK || m < (1 << 30) || s < -31 || s > 30 ||
                fabs((double)m * ldexp(1.0, s - 31) - r) > r * ldexp(1.0, -30))
                bad_f++;
        }
        CHECK(bad_f == 0, "dp_qmul_from_real random: %d bad", bad_f);
    }
}

/* ====================================================================== */
/* kernels: optimised vs reference                                         */
/* ====================================================================== */
static const int odd_c[] = { 1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17 };
#define NODD ((int)(sizeof odd_c / sizeof odd_c[0]))

static void rnd_requant(int32_t *m, int32_t *s, int n, int lo_shift, int hi_shift)
{
    int i;
    for (i = 0; i < n; i++) {
        const uint32_t r = rnd() % 50;
        m[i] = rint_(1 << 30, INT32_MAX);
        s[i] = rint_(lo_shift, hi_shift);
        if (r == 0) m[i] = 0;
        if (r == 1) m[i] = INT32_MAX;
        if (r == 2) s[i] = -31;
        if (r == 3) s[i] = 30;
    }
}
static void rnd_act(int32_t zp, int32_t *lo, int32_t *hi)
{
    const uint32_t r = rnd() % 4;
    *lo = -128;
    *hi = 127;
    if (r == 1) *lo = zp;
    if (r == 2) { *lo = zp; *hi = zp + rint_(0, 127 - zp); }
}
static int32_t rnd_bias(void)
{
    const uint32_t r = rnd() % 20;
    if (r == 0) return ru2s(rnd());             /* anything: int32 wrap-around */
    return rint_(-40000, 40000);
}
static int same8(const int8_t *a, const int8_t *b, int n) { return memcmp(a, b, (size_t)n) == 0; }

static int conv_out(int n, int k, int s, int d, int p0, int p1)
{
    const int eff = (k - 1) * d + 1, span = n + p0 + p1;
    return span < eff ? 0 : (span - eff) / s + 1;
}

/* configs: conv (is_dw = 0) and depthwise (is_dw = 1) */
static void test_conv_kind(int is_dw, int iters)
{
    int it, bad = 0, n1x1 = 0;
    for (it = 0; it < iters; it++) {
        dp_qconv_params p;
        dp_shape in, out;
        int8_t *x, *w, *y1, *y2, *y3;
        int32_t *bias, *ksum, *mult, *shift;
        int nw, i, j, per, use_bias = rnd() % 4 != 0;
        in.h = rint_(1, 9);
        in.w = rint_(1, 9);
        in.c = pick(odd_c, NODD);
        out.c = is_dw ? in.c : pick(odd_c, NODD);
        if (!is_dw && rnd() % 4 == 0) {
            p.kh = p.kw = 1;
            p.stride_h = p.stride_w = 1;
            p.dil_h = rint_(1, 2);
            p.dil_w = rint_(1, 2);
            p.pad_t = p.pad_l = p.pad_b = p.pad_r = 0;
            n1x1++;
        } else {
            p.kh = rint_(1, 4);
            p.kw = rint_(1, 4);
            p.stride_h = rint_(1, 3);
            p.stride_w = rint_(1, 3);
            p.dil_h = rint_(1, 2);
            p.dil_w = rint_(1, 2);
            p.pad_t = rint_(0, 3);
            p.pad_l = rint_(0, 3);
            p.pad_b = rint_(0, 3);
            p.pad_r = rint_(0, 3);
        }
        out.h = conv_out(in.h, p.kh, p.stride_h, p.dil_h, p.pad_t, p.pad_b);
        out.w = conv_out(in.w, p.kw, p.stride_w, p.dil_w, p.pad_l, p.pad_r);
        if (out.h < 1 || out.w < 1) { it--; continue; }
        p.in_zp = rint_(-128, 127);
        p.out_zp = rint_(-128, 127);
        rnd_act(p.out_zp, &p.act_min, &p.act_max);
        per = is_dw ? p.kh * p.kw : p.kh * p.kw * in.c;
        nw = is_dw ? per * in.c : per * out.c;
        x = alloc8(in.h * in.w * in.c);
        w = alloc8(nw);
        y1 = alloc8(out.h * out.w * out.c);
        y2 = alloc8(out.h * out.w * out.c);
        y3 = alloc8(out.h * out.w * out.c);
        bias = alloc32(out.c);
        ksum = alloc32(out.c);
        mult = alloc32(out.c);
        shift = alloc32(out.c);
        for (i = 0; i < out.c; i++) bias[i] = rnd_bias();
        rnd_requant(mult, shift, out.c, -16, 1);
        if (!is_dw) {
            for (i = 0; i < out.c; i++) {
                ksum[i] = 0;
                for (j = 0; j < per; j++) ksum[i] += w[i * per + j];
            }
            dp_conv2d_s8_ref(y1, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
            dp_conv2d_s8(y2, x, w, use_bias ? bias : NULL, ksum, mult, shift, &p, in, out);
            dp_conv2d_s8(y3, x, w, use_bias ? bias : NULL, NULL, mult, shift, &p, in, out);
        } else {
            dp_dwconv2d_s8_ref(y1, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
            dp_dwconv2d_s8(y2, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
            memcpy(y3, y2, (size_t)(out.h * out.w * out.c));
        }
        if (!same8(y1, y2, out.h * out.w * out.c) || !same8(y1, y3, out.h * out.w * out.c)) {
            if (bad++ < 3)
                printf("  %s mismatch: in %dx%dx%d out %dx%dx%d k %dx%d s %d,%d d %d,%d pad %d,%d,%d,%d\n",
                       is_dw ? "dwconv" : "conv", in.h, in.w, in.c, out.h, out.w, out.c, p.kh, p.kw,
                       p.stride_h, p.stride_w, p.dil_h, p.dil_w, p.pad_t, p.pad_l, p.pad_b, p.pad_r);
            tu_fail++;
        } else {
            tu_pass++;
        }
        free(x); free(w); free(y1); free(y2); free(y3);
        free(bias); free(ksum); free(mult); free(shift);
    }
    if (is_dw) printf("  dwconv: %d random configs, %d mismatches\n", iters, bad);
    else printf("  conv: %d random configs (%d with the 1x1 fast path), %d mismatches\n", iters, n1x1, bad);
}

/* ====================================================================== */
/* depthwise with a channel multiplier (>>grouped)                         */
/* ====================================================================== */
/* random conv geometry with a valid output; returns 0 when none */
static int rnd_geo(dp_qconv_params *p, dp_shape *in, dp_shape *out)
{
    in->h = rint_(1, 9);
    in->w = rint_(1, 9);
    p->kh = rint_(1, 4);
    p->kw = rint_(1, 4);
    p->stride_h = rint_(1, 3);
    p->stride_w = rint_(1, 3);
    p->dil_h = rint_(1, 2);
    p->dil_w = rint_(1, 2);
    p->pad_t = rint_(0, 3);
    p->pad_l = rint_(0, 3);
    p->pad_b = rint_(0, 3);
    p->pad_r = rint_(0, 3);
    out->h = conv_out(in->h, p->kh, p->stride_h, p->dil_h, p->pad_t, p->pad_b);
    out->w = conv_out(in->w, p->kw, p->stride_w, p->dil_w, p->pad_l, p->pad_r);
    p->in_zp = rint_(-128, 127);
    p->out_zp = rint_(-128, 127);
    rnd_act(p->out_zp, &p->act_min, &p->act_max);
    return out->h >= 1 && out->w >= 1;
}

/* Depthwise with multiplier M = 1..6: dp_dwconv2d_mult_s8 (and for M = 1
   dp_dwconv2d_s8) against the reference, and the reference against the plain conv reference with the
   weights spread into a dense [cout][kh][kw][cin] kernel that is zero
   outside ic = oc / M (TFLite's convention, an independent reading). */
static void test_dw_mult(int iters)
{
    int it, bad = 0, bad_dense = 0;
    for (it = 0; it < iters; it++) {
        dp_qconv_params p;
        dp_shape in, out;
        int8_t *x, *w, *wd, *y1, *y2, *y3;
        int32_t *bias, *mult, *shift;
        int i, k, M, nw, ny, taps, use_bias = rnd() % 4 != 0;
        if (!rnd_geo(&p, &in, &out)) { it--; continue; }
        in.c = pick(odd_c, NODD);
        M = it % 6 + 1;
        out.c = M * in.c;
        taps = p.kh * p.kw;
        nw = taps * out.c;
        ny = out.h * out.w * out.c;
        x = alloc8(in.h * in.w * in.c);
        w = alloc8(nw);
        wd = alloc8(nw * in.c);
        y1 = alloc8(ny);
        y2 = alloc8(ny);
        y3 = alloc8(ny);
        bias = alloc32(out.c);
        mult = alloc32(out.c);
        shift = alloc32(out.c);
        for (i = 0; i < out.c; i++) bias[i] = rnd_bias();
        rnd_requant(mult, shift, out.c, -16, 1);
        for (i = 0; i < out.c; i++)
            for (k = 0; k < taps * in.c; k++)
                wd[i * taps * in.c + k] = k % in.c == i / M ? w[(k / in.c) * out.c + i] : 0;
        dp_dwconv2d_s8_ref(y1, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
        dp_dwconv2d_mult_s8(y2, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
        dp_conv2d_s8_ref(y3, x, wd, use_bias ? bias : NULL, mult, shift, &p, in, out);
        if (M == 1) {   /* and the multiplier-1 kernel agrees */
            int8_t *y5 = alloc8(ny);
            dp_dwconv2d_s8(y5, x, w, use_bias ? bias : NULL, mult, shift, &p, in, out);
            if (!same8(y1, y5, ny)) bad++;
            free(y5);
        }
        if (!same8(y1, y2, ny)) {
            if (bad++ < 3)
                printf("  dwconv x%d mismatch: in %dx%dx%d out %dx%dx%d k %dx%d s %d,%d d %d,%d pad %d,%d,%d,%d\n",
                       M, in.h, in.w, in.c, out.h, out.w, out.c, p.kh, p.kw, p.stride_h, p.stride_w,
                       p.dil_h, p.dil_w, p.pad_t, p.pad_l, p.pad_b, p.pad_r);
        }
        if (!same8(y1, y3, ny)) bad_dense++;
        free(x); free(w); free(wd); free(y1); free(y2); free(y3);
        free(bias); free(mult); free(shift);
    }
    CHECK(bad == 0, "dwconv with multiplier 1..6: %d of %d random configs differ from the reference", bad, iters);
    CHECK(bad_dense == 0, "dwconv reference vs dense conv reference (block-diagonal weights): %d of %d differ",
          bad_dense, iters);
    printf("  dwconv with multiplier 1..6: %d random configs, %d mismatches, %d vs dense reference\n",
           iters, bad, bad_dense);
    {
        /* the loader: cout must be a multiple of cin */
        static const int8_t w7[7 * 9] = { 0 };
        static const float ws7[7] = { 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f };
        dp_mb b;
        dp_mb_op op;
        void *blob = NULL;
        size_t len = 0;
        int st, xt, yt;
        dp_mb_init(&b);
        xt = dp_mb_add_tensor(&b, 5, 5, 3, 0.1f, 0, 0);
        yt = dp_mb_add_tensor(&b, 5, 5, 7, 0.1f, 0, 76);
        memset(&op, 0, sizeof op);
        op.kind = DP_MOP_DWCONV2D; op.inputs[0] = xt; op.output = yt;
        op.kh = op.kw = 3; op.pad_t = op.pad_l = op.pad_b = op.pad_r = 1;
        op.weights = w7; op.w_scale = ws7;
        dp_mb_add_op(&b, &op);
        dp_mb_set_io(&b, xt, yt);
        st = dp_mb_finish(&b, &blob, &len);
        CHECK(st == DP_ERR_FORMAT && b.why && strstr(b.why, "multiple"),
              "dwconv 3 -> 7 channels refused: %s (%s)", dp_status_str(st), b.why ? b.why : "-");
        dp_mb_free(&b);
        free(blob);
    }
}

static void fix_crc(uint8_t *b, size_t len);
/* Grouped conv, G = 2..5 groups of 1..6 input and 1..6 output channels:
   the optimised kernel (with and without kernel sums) against the
   reference, and the reference against the plain conv reference with the
   weights spread into a dense kernel that is zero outside each group. */
static void test_gconv(int iters)
{
    int it, bad = 0, bad_dense = 0;
    for (it = 0; it < iters; it++) {
        dp_qconv_params p;
        dp_shape in, out;
        int8_t *x, *w, *wd, *y1, *y2, *y3, *y4;
        int32_t *bias, *ksum, *mult, *shift;
        int i, k, G, cg, og, per, ny, taps, use_bias = rnd() % 4 != 0;
        if (!rnd_geo(&p, &in, &out)) { it--; continue; }
        G = rint_(2, 5);
        cg = it % 5 == 0 ? rint_(7, 20) : rint_(1, 6);
        og = rint_(1, 6);
        in.c = G * cg;
        out.c = G * og;
        taps = p.kh * p.kw;
        per = taps * cg;
        ny = out.h * out.w * out.c;
        x = alloc8(in.h * in.w * in.c);
        w = alloc8(per * out.c);
        wd = alloc8(taps * in.c * out.c);
        y1 = alloc8(ny);
        y2 = alloc8(ny);
        y3 = alloc8(ny);
        y4 = alloc8(ny);
        bias = alloc32(out.c);
        ksum = alloc32(out.c);
        mult = alloc32(out.c);
        shift = alloc32(out.c);
        for (i = 0; i < out.c; i++) bias[i] = rnd_bias();
        rnd_requant(mult, shift, out.c, -16, 1);
        for (i = 0; i < out.c; i++) {
            const int g = i / og;
            ksum[i] = 0;
            for (k = 0; k < per; k++) ksum[i] += w[i * per + k];
            for (k = 0; k < taps * in.c; k++) {
                const int ci = k % in.c;
                wd[i * taps * in.c + k] = ci / cg == g ? w[i * per + (k / in.c) * cg + ci % cg] : 0;
            }
        }
        dp_gconv2d_s8_ref(y1, x, w, use_bias ? bias : NULL, mult, shift, &p, G, in, out);
        dp_gconv2d_s8(y2, x, w, use_bias ? bias : NULL, ksum, mult, shift, &p, G, in, out);
        dp_gconv2d_s8(y3, x, w, use_bias ? bias : NULL, NULL, mult, shift, &p, G, in, out);
        dp_conv2d_s8_ref(y4, x, wd, use_bias ? bias : NULL, mult, shift, &p, in, out);
        if (!same8(y1, y2, ny) || !same8(y1, y3, ny)) {
            if (bad++ < 3)
                printf("  gconv mismatch: G %d in %dx%dx%d out %dx%dx%d k %dx%d s %d,%d d %d,%d pad %d,%d,%d,%d\n",
                       G, in.h, in.w, in.c, out.h, out.w, out.c, p.kh, p.kw, p.stride_h, p.stride_w,
                       p.dil_h, p.dil_w, p.pad_t, p.pad_l, p.pad_b, p.pad_r);
        }
        if (!same8(y1, y4, ny)) bad_dense++;
        free(x); free(w); free(wd); free(y1); free(y2); free(y3); free(y4);
        free(bias); free(ksum); free(mult); free(shift);
    }
    CHECK(bad == 0, "grouped conv: %d of %d random configs differ from the reference", bad, iters);
    CHECK(bad_dense == 0, "grouped conv reference vs dense conv reference (block-diagonal weights): %d of %d differ",
          bad_dense, iters);
    printf("  grouped conv (2..5 groups): %d random configs, %d mismatches, %d vs dense reference\n",
           iters, bad, bad_dense);
    {
        /* the builder and the loader: groups must divide cin and cout */
        static const int8_t w12[6 * 9 * 2] = { 0 };
        static const float ws[6] = { 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f };
        static const int gs[4] = { 1, 4, 5, 7 };   /* cin 4, cout 6: only 2 works */
        int gi;
        for (gi = 0; gi < 5; gi++) {
            dp_mb b;
            dp_mb_op op;
            void *blob = NULL;
            size_t len = 0;
            int st, xt, yt;
            dp_mb_init(&b);
            xt = dp_mb_add_tensor(&b, 5, 5, 4, 0.1f, 0, 0);
            yt = dp_mb_add_tensor(&b, 5, 5, 6, 0.1f, 0, 100);
            memset(&op, 0, sizeof op);
            op.kind = DP_MOP_GCONV2D; op.inputs[0] = xt; op.output = yt;
            op.kh = op.kw = 3; op.pad_t = op.pad_l = op.pad_b = op.pad_r = 1;
            op.weights = w12; op.w_scale = ws;
            op.groups = gi < 4 ? gs[gi] : 2;
            dp_mb_add_op(&b, &op);
            dp_mb_set_io(&b, xt, yt);
            st = dp_mb_finish(&b, &blob, &len);
            if (gi < 4) CHECK(st == DP_ERR_ARG, "builder refuses gconv 4 -> 6 channels with %d groups: %s", gs[gi], dp_status_str(st));
            else {
                dp_model m;
                dp_mop_info oi;
                CHECK(st == DP_OK && dp_model_init(&m, blob, len) == DP_OK && dp_model_op(&m, 0, &oi) == DP_OK &&
                      oi.kind == DP_MOP_GCONV2D && oi.groups == 2 && oi.macs == 5u * 5u * 6u * 9u * 2u &&
                      !strcmp(oi.name, "gconv2d"),
                      "gconv 4 -> 6 channels, 2 groups: built, loaded, op info (%s)", dp_status_str(st));
                if (st == DP_OK) {
                    /* groups at offset 56 of the op record: 3, 4 (not dividing), 1, 0 refused */
                    static const uint32_t badg[4] = { 3, 1, 0, 0xFFFFFFFFu };
                    uint8_t *c = (uint8_t *)malloc(len);
                    const size_t rec = 48u + 24u * 2u;
                    int bi, refused = 0;
                    for (bi = 0; bi < 4; bi++) {
                        memcpy(c, blob, len);
                        c[rec + 56] = (uint8_t)badg[bi]; c[rec + 57] = (uint8_t)(badg[bi] >> 8);
                        c[rec + 58] = (uint8_t)(badg[bi] >> 16); c[rec + 59] = (uint8_t)(badg[bi] >> 24);
                        fix_crc(c, len);
                        refused += dp_model_init(&m, c, len) == DP_ERR_FORMAT && strstr(m.why, "groups") != NULL;
                    }
                    memcpy(c, blob, len);
                    c[rec + 60] = 1;   /* the word after groups must be 0 */
                    fix_crc(c, len);
                    refused += dp_model_init(&m, c, len) == DP_ERR_FORMAT;
                    CHECK(refused == 5, "loader refuses gconv groups 3, 1, 0, -1 and a set offset 60: %d of 5", refused);
                    free(c);
                }
            }
            dp_mb_free(&b);
            free(blob);
        }
    }
}

/* ====================================================================== */
/* outside vectors: CMSIS-NN's depthwise tests with a channel multiplier  */
/* ====================================================================== */
/* ARM-software/CMSIS-NN, Tests/UnitTest/TestCases/TestData/depthwise_2 and
   depthwise_dilation (Apache-2.0; generated by Arm's generate_test_data.py
   with the TensorFlow Lite 2.10 int8 reference kernels): 5x6x3 input,
   channel multiplier 3 (9 outputs), 4x3 kernel, stride 2, TFLite SAME
   padding; the second with dilation 3x2. Their weights are TFLite's
   [1][kh][kw][cin*M], input offset 128 = -in_zp, output offset = out_zp,
   shifts in TFLite's convention (ours). Run by the kernel, the reference
   kernel and a one-op model through the interpreter; every byte must equal
   TFLite's. */
typedef struct cmsis_dw_case {
    const char *name;
    int in_h, in_w, in_c, out_h, out_w, out_c, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    int in_zp, out_zp, act_min, act_max;
    int8_t x[90], w[108], y[81];
    int32_t bias[9], mult[9], shift[9];
} cmsis_dw_case;

static const cmsis_dw_case cmsis_dw_cases[2] = {
    { "depthwise_2", 5, 6, 3, 3, 3, 9, 4, 3, 2, 2, 1, 1, 1, 0, 2, 1, -128, 11, -73, 127,
      { -7,  -17,  104, 119, 94,   50,  -104, -48, 4,   123, 73,  -123, -103, -72, -120, 0,   -23, 11,
        95,  -20,  -33, 123, -108, 51,  94,   90,  67,  -48, 25,  28,   -76,  -34, 6,    -91, -88, -110,
        87,  -82,  10,  -39, -104, -55, 82,   15,  68,  40,  112, 75,   61,   89,  10,   -41, 72,  63,
        44,  -122, 32,  93,  -8,   -37, 3,    28,  -17, 21,  -2,  36,   -120, 15,  -99,  45,  53,  45,
        -18, -103, -64, -64, -68,  114, -118, 94,  29,  -37, -67, -123, -24,  -86, 99,   -72, 102, -63 },
      { 31,  -60,  10,   19,   -70,  125, 35,   93,  22,   -42, -54,  -73, -24, -19, -99,  98,   58,   -96,
        -18, 52,   10,   -127, -44,  103, -46,  -63, 51,   127, 93,   81,  -15, -31, -81,  65,   -127, 75,
        25,  -103, 5,    -108, 26,   54,  -127, 77,  -104, 58,  -127, -40, 112, 103, 116,  -89,  25,   104,
        117, 60,   45,   -77,  107,  32,  -52,  32,  -127, 115, 121,  16,  -12, 37,  -26,  6,    -55,  -36,
        105, -15,  -127, 3,    -127, -83, -118, -7,  97,   -16, 36,   -76, -87, -41, -127, -114, -71,  -77,
        -76, -29,  -22,  58,   -23,  -70, -1,   10,  93,   39,  -26,  113, 50,  85,  67,   -43,  -14,  -109 },
      { 100, 10,  18,  -9,  -8,  15,  -73, -54, -24, 41,  -22, 26,  -12, 20,  1,  -48, -55, -30, 5,   -13, 6,
        -17, -14, -24, -41, -14, -36, 87,  -8,  -2,  9,   -15, 56,  -43, -25, -6, 74,  -31, 41,  -32, -15, 24,
        -47, -27, -62, 40,  14,  25,  -17, -7,  -6,  -36, -34, -42, 7,   -28, 13, 7,   1,   48,  -32, 10,  -15,
        5,   -54, 4,   -13, -33, 28,  10,  -15, 12,  5,   -21, 13,  -17, -22, 25, 28,  -31, -17 },
      { -13273, -24094, 5888, 522, -23877, 4247, -8925, -28084, -22400 },
      { 1133287388, 1161155097, 1123998152, 1151865861, 1096130373, 1133287388, 1179733569, 1189022806, 1114708915 },
      { -9, -9, -9, -9, -9, -9, -9, -9, -9 } },
    { "depthwise_dilation", 5, 6, 3, 3, 3, 9, 4, 3, 2, 2, 3, 2, 4, 1, 5, 2, -128, -23, -70, 127,
      { 26,   -12, -106, 44,   -120, -86,  -44, -65, 57,  81,  3,   14,   -36,  -57, 119, -107, -7,   -86,
        -113, 64,  6,    9,    105,  -67,  47,  -15, 118, 70,  -5,  -37,  94,   -16, -13, 76,   93,   -28,
        -51,  -61, -16,  26,   107,  -104, 33,  19,  25,  -32, -9,  -38,  49,   -52, -45, 77,   36,   115,
        32,   104, -47,  -61,  109,  -23,  59,  21,  -37, -95, -61, -119, -115, 50,  -64, -57,  -103, -102,
        48,   -84, 124,  -119, 103,  -67,  75,  75,  -67, -28, 114, 28,   67,   42,  43,  -74,  -39,  -74 },
      { -69,  -13,  100, 63,   44,   91,   -52,  57,  -11, -6,  -109, 80,   70,  90,  -127, -86,  113,  -70,
        49,   -41,  -40, -38,  -123, 96,   52,   -28, -25, -23, -116, 63,   36,  113, 58,   -92,  112,  -99,
        -127, 91,   115, -25,  105,  -113, 66,   -59, 9,   64,  127,  -127, 8,   73,  104,  -41,  -22,  -8,
        -80,  74,   -55, 103,  -93,  114,  -114, 71,  -58, 93,  -4,   95,   -65, 32,  -61,  -95,  -112, -122,
        -86,  -53,  111, 104,  115,  26,   -58,  -28, 94,  127, -2,   47,   6,   -70, 21,   -127, 127,  -13,
        -46,  -106, 14,  -127, -34,  -78,  -30,  -47, -50, -98, -76,  113,  99,  127, 112,  54,   5,    -127 },
      { 14,  -46, 46,  -26, -10, -18, -32, -35, 17,  -18, -39, 44,  20,  -34, 26, -54, -47, 24,  20, -32, 33,
        -20, -41, 0,   -64, -54, -35, -8,  -2,  19,  -16, 44,  -31, -40, -49, 19, -6,  -10, 40,  8,  25,  42,
        -58, -48, -20, -32, -36, 59,  0,   -14, 1,   -53, -18, -20, 10,  -59, 26, -35, -18, -14, -9, -36, 3,
        -9,  -64, 54,  -7,  3,   2,   -50, 5,   -18, -22, -42, 55,  1,   -4,  -7, -35, -14, 4 },
      { 25579, -14160, 31652, 576, -9958, 15088, 547, -4855, 25742 },
      { 1289240074, 1261132178, 1336459652, 1386272717, 1262565343, 1381060732, 1370789449, 1332290030, 1419854710 },
      { -9, -9, -9, -9, -9, -9, -9, -9, -9 } }
};

static void test_cmsis_dw_mult(void)
{
    int k;
    for (k = 0; k < 2; k++) {
        const cmsis_dw_case *c = &cmsis_dw_cases[k];
        dp_qconv_params p;
        dp_shape in, out;
        int8_t y1[81], y2[81];
        int ok_model = 0;
        in.h = c->in_h; in.w = c->in_w; in.c = c->in_c;
        out.h = c->out_h; out.w = c->out_w; out.c = c->out_c;
        p.kh = c->kh; p.kw = c->kw; p.stride_h = c->sh; p.stride_w = c->sw; p.dil_h = c->dh; p.dil_w = c->dw;
        p.pad_t = c->pt; p.pad_l = c->pl; p.pad_b = c->pb; p.pad_r = c->pr;
        p.in_zp = c->in_zp; p.out_zp = c->out_zp; p.act_min = c->act_min; p.act_max = c->act_max;
        CHECK(conv_out(in.h, p.kh, p.stride_h, p.dil_h, p.pad_t, p.pad_b) == out.h &&
              conv_out(in.w, p.kw, p.stride_w, p.dil_w, p.pad_l, p.pad_r) == out.w, "%s: geometry", c->name);
        dp_dwconv2d_mult_s8(y1, c->x, c->w, c->bias, c->mult, c->shift, &p, in, out);
        dp_dwconv2d_s8_ref(y2, c->x, c->w, c->bias, c->mult, c->shift, &p, in, out);
        {   /* the same layer as a one-op model, through the loader and the interpreter */
            dp_mb b;
            dp_mb_op op;
            void *blob = NULL;
            size_t len = 0;
            dp_model m;
            int xt, yt;
            dp_mb_init(&b);
            xt = dp_mb_add_tensor(&b, in.h, in.w, in.c, 0.1f, c->in_zp, 0);
            yt = dp_mb_add_tensor(&b, out.h, out.w, out.c, 0.1f, c->out_zp, 92);
            memset(&op, 0, sizeof op);
            op.kind = DP_MOP_DWCONV2D; op.inputs[0] = xt; op.output = yt;
            op.kh = p.kh; op.kw = p.kw; op.stride_h = p.stride_h; op.stride_w = p.stride_w;
            op.dil_h = p.dil_h; op.dil_w = p.dil_w;
            op.pad_t = p.pad_t; op.pad_l = p.pad_l; op.pad_b = p.pad_b; op.pad_r = p.pad_r;
            op.act_min = p.act_min; op.act_max = p.act_max;
            op.weights = c->w; op.bias = c->bias; op.mult = c->mult; op.shift = c->shift;
            dp_mb_add_op(&b, &op);
            dp_mb_set_io(&b, xt, yt);
            if (dp_mb_finish(&b, &blob, &len) == DP_OK && dp_model_init(&m, blob, len) == DP_OK) {
                int8_t arena[256];
                memcpy(dp_model_input(&m, arena, NULL), c->x, 90);
                ok_model = dp_model_run(&m, arena, sizeof arena) == DP_OK &&
                           memcmp(dp_model_output(&m, arena, NULL), c->y, 81) == 0;
            }
            dp_mb_free(&b);
            free(blob);
        }
        CHECK(same8(y1, c->y, 81), "CMSIS-NN %s (multiplier 3): dp_dwconv2d_mult_s8 equals TFLite's output", c->name);
        CHECK(same8(y2, c->y, 81), "CMSIS-NN %s (multiplier 3): dp_dwconv2d_s8_ref equals TFLite's output", c->name);
        CHECK(ok_model, "CMSIS-NN %s (multiplier 3): a one-op .dpm through the interpreter equals TFLite's output", c->name);
    }
    printf("  CMSIS-NN depthwise multiplier vectors (depthwise_2, depthwise_dilation): checked\n");
}

static void test_fc(int iters)
{
    int it, bad = 0;
    for (it = 0; it < iters; it++) {
        const int n_in = rnd() % 3 ? rint_(1, 64) : rint_(65, 700), n_out = rint_(1, 19);
        dp_qfc_params p;
        int8_t *x = alloc8(n_in), *w = alloc8(n_in * n_out), *y1 = alloc8(n_out), *y2 = alloc8(n_out),
               *y3 = alloc8(n_out);
        int32_t *bias = alloc32(n_out), *ksum = alloc32(n_out), *mult = alloc32(n_out), *shift = alloc32(n_out);
        int i, j, use_bias = rnd() % 4 != 0;
        p.in_zp = rint_(-128, 127);
        p.out_zp = rint_(-128, 127);
        rnd_act(p.out_zp, &p.act_min, &p.act_max);
        for (i = 0; i < n_out; i++) {
            bias[i] = rnd_bias();
            ksum[i] = 0;
            for (j = 0; j < n_in; j++) ksum[i] += w[i * n_in + j];
        }
        rnd_requant(mult, shift, n_out, -18, 1);
        dp_fc_s8_ref(y1, x, w, use_bias ? bias : NULL, mult, shift, &p, n_in, n_out);
        dp_fc_s8(y2, x, w, use_bias ? bias : NULL, ksum, mult, shift, &p, n_in, n_out);
        dp_fc_s8(y3, x, w, use_bias ? bias : NULL, NULL, mult, shift, &p, n_in, n_out);
        if (same8(y1, y2, n_out) && same8(y1, y3, n_out)) tu_pass++;
        else { tu_fail++; if (bad++ < 3) printf("  fc mismatch n_in %d n_out %d\n", n_in, n_out); }
        free(x); free(w); free(y1); free(y2); free(y3); free(bias); free(ksum); free(mult); free(shift);
    }
    printf("  fc: %d random configs, %d mismatches\n", iters, bad);
}

/* TFLite's ADD parameters from float scales (as the builder derives them) */
static void add_params_from_scales(dp_qadd_params *p, const float *sc, float out_sc)
{
    double mx = 0;
    int i;
    for (i = 0; i < p->n; i++) mx = (double)sc[i] > mx ? (double)sc[i] : mx;
    mx *= 2;
    for (i = 0; i < p->n; i++) dp_qmul_from_real((double)sc[i] / mx, &p->in_mult[i], &p->in_shift[i]);
    dp_qmul_from_real(mx / ((double)(1 << 20) * (double)out_sc), &p->out_mult, &p->out_shift);
}

static void test_add(int iters)
{
    int it, bad = 0, n_inplace = 0, n3 = 0;
    for (it = 0; it < iters; it++) {
        dp_qadd_params p;
        const int count = rint_(1, 300);
        float sc[DP_MAX_OP_INPUTS], osc;
        int8_t *xs[DP_MAX_OP_INPUTS], *y1 = alloc8(count), *y2 = alloc8(count);
        const int8_t *cx[DP_MAX_OP_INPUTS];
        int i, inplace = rnd() % 3 == 0;
        memset(&p, 0, sizeof p);
        p.n = rnd() % 3 == 0 ? 3 : (rnd() % 4 == 0 ? rint_(2, DP_MAX_OP_INPUTS) : 2);
        if (p.n == 3) n3++;
        for (i = 0; i < p.n; i++) {
            xs[i] = alloc8(count);
            cx[i] = xs[i];
            p.in_zp[i] = rint_(-128, 127);
            sc[i] = (float)exp((double)rint_(-700, 100) / 100.0);
        }
        osc = (float)exp((double)rint_(-700, 100) / 100.0);
        if (rnd() % 5 == 0) osc = sc[0] * 1e-3f;   /* output multiplier > 1 */
        add_params_from_scales(&p, sc, osc);
        p.out_zp = rint_(-128, 127);
        rnd_act(p.out_zp, &p.act_min, &p.act_max);
        dp_add_s8_ref(y1, cx, &p, count);
        if (inplace) {
            /* output written over input j: its values must still be read */
            const int j = rint_(0, p.n - 1);
            dp_add_s8(xs[j], cx, &p, count);
            memcpy(y2, xs[j], (size_t)count);
            n_inplace++;
        } else {
            dp_add_s8(y2, cx, &p, count);
        }
        if (same8(y1, y2, count)) tu_pass++;
        else { tu_fail++; if (bad++ < 3) printf("  add mismatch n %d count %d inplace %d\n", p.n, count, inplace); }
        for (i = 0; i < p.n; i++) free(xs[i]);
        free(y1); free(y2);
    }
    printf("  add: %d random configs (%d in place, %d with 3 inputs), %d mismatches\n", iters, n_inplace, n3, bad);
}

static void test_pool(int is_avg, int iters)
{
    int it, bad = 0;
    for (it = 0; it < iters; it++) {
        dp_qpool_params p;
        dp_shape in, out;
        int8_t *x, *y1, *y2;
        in.h = rint_(1, 12);
        in.w = rint_(1, 12);
        in.c = pick(odd_c, NODD);
        out.c = in.c;
        p.kh = rint_(1, 4);
        p.kw = rint_(1, 4);
        p.stride_h = rint_(1, 3);
        p.stride_w = rint_(1, 3);
        p.pad_t = rint_(0, p.kh - 1);
        p.pad_b = rint_(0, p.kh - 1);
        p.pad_l = rint_(0, p.kw - 1);
        p.pad_r = rint_(0, p.kw - 1);
        out.h = conv_out(in.h, p.kh, p.stride_h, 1, p.pad_t, p.pad_b);
        out.w = conv_out(in.w, p.kw, p.stride_w, 1, p.pad_l, p.pad_r);
        if (out.h < 1 || out.w < 1) { it--; continue; }
        rnd_act(rint_(-128, 127), &p.act_min, &p.act_max);
        x = alloc8(in.h * in.w * in.c);
        y1 = alloc8(out.h * out.w * out.c);
        y2 = alloc8(out.h * out.w * out.c);
        if (is_avg) {
            dp_avgpool_s8_ref(y1, x, &p, in, out);
            dp_avgpool_s8(y2, x, &p, in, out);
        } else {
            dp_maxpool_s8_ref(y1, x, &p, in, out);
            dp_maxpool_s8(y2, x, &p, in, out);
        }
        if (same8(y1, y2, out.h * out.w * out.c)) tu_pass++;
        else { tu_fail++; if (bad++ < 3) printf("  pool mismatch\n"); }
        free(x); free(y1); free(y2);
    }
    printf("  %s: %d random configs, %d mismatches\n", is_avg ? "avgpool" : "maxpool", iters, bad);
}

static void test_gap_chmul_concat_softmax(int iters)
{
    int it, bad_g = 0, bad_m = 0, bad_c = 0, bad_s = 0, bad_mono = 0, bad_sum = 0, copies = 0;
    for (it = 0; it < iters; it++) {
        /* global average pool */
        dp_shape in;
        int8_t *x, *y1, *y2, *s;
        int32_t lo, hi;
        in.h = rint_(1, 20);
        in.w = rint_(1, 20);
        in.c = pick(odd_c, NODD);
        x = alloc8(in.h * in.w * in.c);
        y1 = alloc8(in.c);
        y2 = alloc8(in.c);
        rnd_act(rint_(-128, 127), &lo, &hi);
        dp_gap_s8_ref(y1, x, lo, hi, in);
        dp_gap_s8(y2, x, lo, hi, in);
        if (same8(y1, y2, in.c)) tu_pass++; else { tu_fail++; bad_g++; }
        free(y1); free(y2);
        /* channel multiply */
        {
            dp_qchmul_params p;
            const int n = in.h * in.w * in.c;
            s = alloc8(in.c);
            y1 = alloc8(n);
            y2 = alloc8(n);
            p.x_zp = rint_(-128, 127);
            p.s_zp = rint_(-128, 127);
            p.out_zp = rint_(-128, 127);
            rnd_requant(&p.mult, &p.shift, 1, -16, 2);
            rnd_act(p.out_zp, &p.act_min, &p.act_max);
            dp_chmul_s8_ref(y1, x, s, &p, in);
            dp_chmul_s8(y2, x, s, &p, in);
            if (same8(y1, y2, n)) tu_pass++; else { tu_fail++; bad_m++; }
            free(s); free(y1); free(y2);
        }
        free(x);
        /* concat */
        {
            dp_qconcat_params p;
            int8_t *xs[DP_MAX_OP_INPUTS];
            const int8_t *cx[DP_MAX_OP_INPUTS];
            const int hw = rint_(1, 30);
            int i, oc = 0;
            memset(&p, 0, sizeof p);
            p.n = rint_(1, 5);
            p.out_zp = rint_(-128, 127);
            for (i = 0; i < p.n; i++) {
                p.in_c[i] = pick(odd_c, NODD);
                oc += p.in_c[i];
                xs[i] = alloc8(hw * p.in_c[i]);
                cx[i] = xs[i];
                if (rnd() % 2) {   /* same quantisation: the identity, copied */
                    p.in_zp[i] = p.out_zp;
                    p.mult[i] = 1 << 30;
                    p.shift[i] = 1;
                    copies++;
                } else {
                    p.in_zp[i] = rint_(-128, 127);
                    dp_qmul_from_real(exp((double)rint_(-200, 200) / 100.0), &p.mult[i], &p.shift[i]);
                }
            }
            y1 = alloc8(hw * oc);
            y2 = alloc8(hw * oc);
            dp_concat_s8_ref(y1, cx, &p, hw);
            dp_concat_s8(y2, cx, &p, hw);
            if (same8(y1, y2, hw * oc)) tu_pass++; else { tu_fail++; bad_c++; }
            for (i = 0; i < p.n; i++) free(xs[i]);
            free(y1); free(y2);
        }
        /* softmax */
        {
            uint16_t tab[256];
            const int rows = rint_(1, 3), n = rnd() % 4 ? rint_(1, 20) : rint_(21, 400);
            int r, i, j;
            dp_softmax_table(exp((double)rint_(-600, 0) / 100.0), rnd() % 2 ? 1.0 : 0.5, tab);
            x = alloc8(rows * n);
            if (rnd() % 3 == 0)
                for (i = 0; i < rows * n; i++) x[i] = (int8_t)rint_(-5, 5);   /* many ties */
            y1 = alloc8(rows * n);
            y2 = alloc8(rows * n);
            dp_softmax_s8_ref(y1, x, tab, rows, n);
            dp_softmax_s8(y2, x, tab, rows, n);
            if (same8(y1, y2, rows * n)) tu_pass++; else { tu_fail++; bad_s++; }
            for (r = 0; r < rows; r++) {
                int sum = 0;
                for (i = 0; i < n; i++) {
                    sum += y2[r * n + i] + 128;
                    for (j = 0; j < n; j++)
                        if (x[r * n + i] > x[r * n + j] && y2[r * n + i] < y2[r * n + j]) bad_mono++;
                        else if (x[r * n + i] == x[r * n + j] && y2[r * n + i] != y2[r * n + j]) bad_mono++;
                }
                if (abs(sum - 256) > n / 2 + 1) bad_sum++;
            }
            free(x); free(y1); free(y2);
        }
    }
    CHECK(bad_mono == 0, "softmax monotone: %d violations", bad_mono);
    CHECK(bad_sum == 0, "softmax sums to 256 within n/2: %d rows off", bad_sum);
    printf("  gap/chmul/concat/softmax: %d configs each (%d concat copies), mismatches %d/%d/%d/%d\n", iters,
           copies, bad_g, bad_m, bad_c, bad_s);
}

/* the division-free rounding of the average pools, on every divisor */
static void test_avg_division(void)
{
    int32_t d, bad = 0;
    for (d = 1; d <= DP_MAX_POOL_COUNT; d++) {
        const uint32_t r = 0xFFFFFFFFu / (uint32_t)d;
        const int32_t probes[] = { 0, 1, -1, d / 2, -(d / 2), d / 2 + 1, -(d / 2) - 1, d, -d, 128 * d, -128 * d,
                                   127 * d + d / 2, -127 * d - d / 2, 3 * d - 1, -3 * d + 1,
                                   rint_(-128 * d, 128 * d) };
        int i;
        for (i = 0; i < (int)(sizeof probes / sizeof probes[0]); i++) {
            int32_t want = dp__avg_round_ref(probes[i], d);
            want = want < -128 ? -128 : want > 127 ? 127 : want;
            if (dp__avg_out(probes[i], (uint32_t)d, r, -128, 127) != want) bad++;
        }
    }
    CHECK(bad == 0, "average rounding without division: %d mismatches over all divisors", bad);
}

/* hand-worked values: the references themselves */
static void test_hand(void)
{
    /* 3x3 image 1..9 (stored with zero point 3), 3x3 ones kernel, pad 1 */
    int8_t x[9], w[9], y[9];
    int32_t m = 1 << 30, s = 1, i;
    dp_qconv_params p;
    dp_shape sh;
    static const int8_t want[9] = { 12, 21, 16, 27, 45, 33, 24, 39, 28 };
    for (i = 0; i < 9; i++) { x[i] = (int8_t)(i + 1 + 3); w[i] = 1; }
    memset(&p, 0, sizeof p);
    p.kh = p.kw = 3;
    p.stride_h = p.stride_w = p.dil_h = p.dil_w = 1;
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = 1;
    p.in_zp = 3;
    p.out_zp = 0;
    p.act_min = -128;
    p.act_max = 127;
    sh.h = sh.w = 3;
    sh.c = 1;
    dp_conv2d_s8_ref(y, x, w, NULL, &m, &s, &p, sh, sh);
    CHECK(memcmp(y, want, 9) == 0, "conv ref hand example");
    dp_conv2d_s8(y, x, w, NULL, NULL, &m, &s, &p, sh, sh);
    CHECK(memcmp(y, want, 9) == 0, "conv hand example");
    /* average pool rounding: 1.5 -> 2, -1.5 -> -2, 2.75 -> 3, -0.5 -> -1 */
    {
        dp_qpool_params pp;
        dp_shape a, b;
        int8_t v1[2] = { 1, 2 }, v2[2] = { -1, -2 }, v3[4] = { 1, 2, 3, 5 }, v4[2] = { -1, 0 }, o = 0;
        memset(&pp, 0, sizeof pp);
        pp.kh = 1; pp.kw = 2; pp.stride_h = pp.stride_w = 1; pp.act_min = -128; pp.act_max = 127;
        a.h = 1; a.w = 2; a.c = 1; b.h = b.w = b.c = 1;
        dp_avgpool_s8(&o, v1, &pp, a, b);
        CHECK(o == 2, "avg 1.5 -> %d", o);
        dp_avgpool_s8(&o, v2, &pp, a, b);
        CHECK(o == -2, "avg -1.5 -> %d", o);
        dp_avgpool_s8(&o, v4, &pp, a, b);
        CHECK(o == -1, "avg -0.5 -> %d", o);
        a.w = 4;
        pp.kw = 4;
        dp_avgpool_s8(&o, v3, &pp, a, b);
        CHECK(o == 3, "avg 2.75 -> %d", o);
    }
    /* add: 0.5*3 + 0.5*5 = 4 at output scale 1 */
    {
        dp_qadd_params p2;
        float sc[2] = { 0.5f, 0.5f };
        int8_t a[1] = { 3 }, b[1] = { 5 }, o[1];
        const int8_t *xs[2];
        xs[0] = a; xs[1] = b;
        memset(&p2, 0, sizeof p2);
        p2.n = 2; p2.act_min = -128; p2.act_max = 127;
        add_params_from_scales(&p2, sc, 1.0f);
        dp_add_s8(o, xs, &p2, 1);
        CHECK(o[0] == 4 && p2.in_mult[0] == (1 << 30) && p2.in_shift[0] == 0 && p2.out_shift == -19,
              "add hand example: %d", o[0]);
    }
    /* softmax: two equal values -> 128/256 each; argmax */
    {
        uint16_t tab[256];
        int8_t v[2] = { 7, 7 }, o[2], z[5] = { -3, 9, 2, 9, -128 };
        dp_softmax_table(0.1, 1.0, tab);
        dp_softmax_s8(o, v, tab, 1, 2);
        CHECK(o[0] == 0 && o[1] == 0 && tab[0] == 65535, "softmax ties: %d %d", o[0], o[1]);
        CHECK(dp_argmax_s8(z, 5) == 1 && dp_argmax_s8(z, 0) == -1, "argmax");
    }
    /* activation ranges as TFLite computes them */
    {
        int32_t lo = 0, hi = 0, lo2 = 0, hi2 = 0;
        CHECK(dp_qact_relu(0.05f, -128, 6.0, &lo, &hi) == DP_OK && lo == -128 && hi == -8 &&
              dp_qact_relu(0.01f, 5, 6.0, &lo2, &hi2) == DP_OK && lo2 == 5 && hi2 == 127,
              "relu6 ranges: [%d %d] [%d %d]", lo, hi, lo2, hi2);
        CHECK(dp_qact_relu(0.1f, 3, 0.0, &lo, &hi) == DP_OK && lo == 3 && hi == 127 &&
              dp_qact_relu(0.0f, 3, 0.0, &lo, &hi) == DP_ERR_ARG, "relu range");
    }
    /* reference conv against double arithmetic on random cases */
    {
        int it, bad = 0;
        for (it = 0; it < 200; it++) {
            int8_t xx[4 * 4 * 3], ww[2 * 3 * 3 * 3], yy[4 * 4 * 2];
            int32_t mm[2], ss[2], bb[2];
            int oy, ox, co, ky, kx, ci;
            dp_shape in, out;
            fill8(xx, (int)sizeof xx);
            fill8(ww, (int)sizeof ww);
            memset(&p, 0, sizeof p);
            p.kh = p.kw = 3; p.stride_h = p.stride_w = p.dil_h = p.dil_w = 1;
            p.pad_t = p.pad_l = p.pad_b = p.pad_r = 1;
            p.in_zp = rint_(-20, 20); p.out_zp = rint_(-20, 20); p.act_min = -128; p.act_max = 127;
            for (co = 0; co < 2; co++) {
                bb[co] = rint_(-5000, 5000);
                dp_qmul_from_real(exp((double)rint_(-1100, -700) / 100.0), &mm[co], &ss[co]);
            }
            in.h = in.w = 4; in.c = 3; out.h = out.w = 4; out.c = 2;
            dp_conv2d_s8_ref(yy, xx, ww, bb, mm, ss, &p, in, out);
            for (oy = 0; oy < 4; oy++)
                for (ox = 0; ox < 4; ox++)
                    for (co = 0; co < 2; co++) {
                        double acc = bb[co], v;
                        for (ky = 0; ky < 3; ky++)
                            for (kx = 0; kx < 3; kx++)
                                for (ci = 0; ci < 3; ci++) {
                                    const int iy = oy - 1 + ky, ix = ox - 1 + kx;
                                    if (iy < 0 || iy > 3 || ix < 0 || ix > 3) continue;
                                    acc += (double)(xx[(iy * 4 + ix) * 3 + ci] - p.in_zp) *
                                           ww[((co * 3 + ky) * 3 + kx) * 3 + ci];
                                }
                        v = floor(acc * (double)mm[co] * ldexp(1.0, ss[co] - 31) + 0.5) + p.out_zp;
                        v = v < -128 ? -128 : v > 127 ? 127 : v;
                        if (fabs(v - yy[(oy * 4 + ox) * 2 + co]) > 1.0) bad++;
                    }
        }
        CHECK(bad == 0, "conv reference vs double: %d outputs off by > 1", bad);
    }
}

/* ====================================================================== */
/* models                                                                  */
/* ====================================================================== */
#define MAXT 32
#define MAXO 24
typedef struct tmodel {
    int nt, no, input, output;
    int h[MAXT], w[MAXT], c[MAXT], zp[MAXT], alias[MAXT];
    float sc[MAXT];
    uint32_t off[MAXT];
    dp_mb_op op[MAXO];
    int8_t *wts[MAXO];
    int32_t *bias[MAXO], *mult[MAXO], *shift[MAXO];
} tmodel;

static int tm_tensor(tmodel *m, int h, int w, int c, float sc, int zp)
{
    const int i = m->nt++;
    m->h[i] = h; m->w[i] = w; m->c[i] = c; m->sc[i] = sc; m->zp[i] = zp; m->alias[i] = -1;
    return i;
}
static dp_mb_op *tm_op(tmodel *m, int kind, int out, int n, const int *in)
{
    dp_mb_op *o = &m->op[m->no++];
    int i;
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->output = out;
    o->n_inputs = n;
    for (i = 0; i < n; i++) o->inputs[i] = in[i];
    return o;
}
/* conv/dw/fc weights with per-channel scales -> explicit mult/shift */
static void tm_weights(tmodel *m, dp_mb_op *o, int nw, int cout)
{
    const int k = (int)(o - m->op);
    int i;
    m->wts[k] = alloc8(nw);
    m->bias[k] = alloc32(cout);
    m->mult[k] = alloc32(cout);
    m->shift[k] = alloc32(cout);
    for (i = 0; i < cout; i++) {
        const double wsc = exp((double)rint_(-500, -300) / 100.0);
        m->bias[k][i] = rint_(-3000, 3000);
        dp_qmul_from_real((double)m->sc[o->inputs[0]] * wsc / (double)m->sc[o->output], &m->mult[k][i], &m->shift[k][i]);
    }
    o->weights = m->wts[k];
    o->bias = m->bias[k];
    o->mult = m->mult[k];
    o->shift = m->shift[k];
}

/* first-fit arena plan from lifetimes (the scheduler's job in diffprune) */
static void tm_plan(tmodel *m)
{
    int first[MAXT], last[MAXT], i, j, k;
    for (i = 0; i < m->nt; i++) first[i] = last[i] = 0;
    for (k = 0; k < m->no; k++) first[m->op[k].output] = last[m->op[k].output] = k + 1;
    for (k = 0; k < m->no; k++)
        for (j = 0; j < m->op[k].n_inputs; j++)
            if (last[m->op[k].inputs[j]] < k + 1) last[m->op[k].inputs[j]] = k + 1;
    last[m->output] = m->no + 1;
    for (i = 0; i < m->nt; i++) {
        const uint32_t sz = (uint32_t)(m->h[i] * m->w[i] * m->c[i]);
        uint32_t best = 0xFFFFFFFFu;
        int cand;
        if (m->alias[i] >= 0) { m->off[i] = m->off[m->alias[i]]; continue; }
        for (cand = -1; cand < i; cand++) {
            const uint32_t at = cand < 0 ? 0 : m->off[cand] + (uint32_t)(m->h[cand] * m->w[cand] * m->c[cand]);
            int ok = 1;
            for (j = 0; j < i && ok; j++) {
                const uint32_t sj = (uint32_t)(m->h[j] * m->w[j] * m->c[j]);
                if (first[i] > last[j] || first[j] > last[i]) continue;
                if (at >= m->off[j] + sj || m->off[j] >= at + sz) continue;
                ok = 0;
            }
            if (ok && at < best) best = at;
        }
        m->off[i] = best;
    }
}

static int tm_build(tmodel *m, void **blob, size_t *len)
{
    dp_mb b;
    int i, st = DP_OK;
    dp_mb_init(&b);
    for (i = 0; i < m->nt; i++) dp_mb_add_tensor(&b, m->h[i], m->w[i], m->c[i], m->sc[i], m->zp[i], m->off[i]);
    for (i = 0; i < m->no; i++) dp_mb_add_op(&b, &m->op[i]);
    dp_mb_set_io(&b, m->input, m->output);
    st = dp_mb_finish(&b, blob, len);
    dp_mb_free(&b);
    return st;
}

static void tm_free(tmodel *m)
{
    int k;
    for (k = 0; k < m->no; k++) { free(m->wts[k]); free(m->bias[k]); free(m->mult[k]); free(m->shift[k]); }
}

/* An independent interpreter over the reference kernels, one buffer per
   tensor, parameters derived here from the scales. */
static void tm_run_ref(const tmodel *m, const int8_t *input, int8_t **buf)
{
    int i, k;
    for (i = 0; i < m->nt; i++) buf[i] = alloc8(m->h[i] * m->w[i] * m->c[i]);
    memcpy(buf[m->input], input, (size_t)(m->h[m->input] * m->w[m->input] * m->c[m->input]));
    for (k = 0; k < m->no; k++) {
        const dp_mb_op *o = &m->op[k];
        const int x0 = o->inputs[0], y = o->output;
        dp_shape si, so;
        int32_t lo = o->act_min, hi = o->act_max;
        if (lo == 0 && hi == 0) { lo = -128; hi = 127; }
        si.h = m->h[x0]; si.w = m->w[x0]; si.c = m->c[x0];
        so.h = m->h[y]; so.w = m->w[y]; so.c = m->c[y];
        switch (o->kind) {
        case DP_MOP_CONV2D:
        case DP_MOP_GCONV2D:
        case DP_MOP_DWCONV2D: {
            dp_qconv_params p;
            p.kh = o->kh ? o->kh : 1; p.kw = o->kw ? o->kw : 1;
            p.stride_h = o->stride_h ? o->stride_h : 1; p.stride_w = o->stride_w ? o->stride_w : 1;
            p.dil_h = o->dil_h ? o->dil_h : 1; p.dil_w = o->dil_w ? o->dil_w : 1;
            p.pad_t = o->pad_t; p.pad_l = o->pad_l; p.pad_b = o->pad_b; p.pad_r = o->pad_r;
            p.in_zp = m->zp[x0]; p.out_zp = m->zp[y]; p.act_min = lo; p.act_max = hi;
            if (o->kind == DP_MOP_CONV2D) dp_conv2d_s8_ref(buf[y], buf[x0], o->weights, o->bias, o->mult, o->shift, &p, si, so);
            else if (o->kind == DP_MOP_GCONV2D)
                dp_gconv2d_s8_ref(buf[y], buf[x0], o->weights, o->bias, o->mult, o->shift, &p, o->groups, si, so);
            else dp_dwconv2d_s8_ref(buf[y], buf[x0], o->weights, o->bias, o->mult, o->shift, &p, si, so);
            break;
        }
        case DP_MOP_FC: {
            dp_qfc_params p;
            p.in_zp = m->zp[x0]; p.out_zp = m->zp[y]; p.act_min = lo; p.act_max = hi;
            dp_fc_s8_ref(buf[y], buf[x0], o->weights, o->bias, o->mult, o->shift, &p, si.h * si.w * si.c, so.c);
            break;
        }
        case DP_MOP_ADD: {
            dp_qadd_params p;
            float sc[DP_MAX_OP_INPUTS];
            const int8_t *xs[DP_MAX_OP_INPUTS];
            memset(&p, 0, sizeof p);
            p.n = o->n_inputs;
            for (i = 0; i < p.n; i++) {
                sc[i] = m->sc[o->inputs[i]];
                p.in_zp[i] = m->zp[o->inputs[i]];
                xs[i] = buf[o->inputs[i]];
            }
            add_params_from_scales(&p, sc, m->sc[y]);
            p.out_zp = m->zp[y]; p.act_min = lo; p.act_max = hi;
            dp_add_s8_ref(buf[y], xs, &p, so.h * so.w * so.c);
            break;
        }
        case DP_MOP_MAXPOOL:
        case DP_MOP_AVGPOOL: {
            dp_qpool_params p;
            p.kh = o->kh; p.kw = o->kw;
            p.stride_h = o->stride_h ? o->stride_h : 1; p.stride_w = o->stride_w ? o->stride_w : 1;
            p.pad_t = o->pad_t; p.pad_l = o->pad_l; p.pad_b = o->pad_b; p.pad_r = o->pad_r;
            p.act_min = lo; p.act_max = hi;
            if (o->kind == DP_MOP_MAXPOOL) dp_maxpool_s8_ref(buf[y], buf[x0], &p, si, so);
            else dp_avgpool_s8_ref(buf[y], buf[x0], &p, si, so);
            break;
        }
        case DP_MOP_GAP:
            dp_gap_s8_ref(buf[y], buf[x0], lo, hi, si);
            break;
        case DP_MOP_CHMUL: {
            dp_qchmul_params p;
            const int s = o->inputs[1];
            p.x_zp = m->zp[x0]; p.s_zp = m->zp[s]; p.out_zp = m->zp[y]; p.act_min = lo; p.act_max = hi;
            dp_qmul_from_real((double)m->sc[x0] * (double)m->sc[s] / (double)m->sc[y], &p.mult, &p.shift);
            dp_chmul_s8_ref(buf[y], buf[x0], buf[s], &p, si);
            break;
        }
        case DP_MOP_CONCAT: {
            dp_qconcat_params p;
            const int8_t *xs[DP_MAX_OP_INPUTS];
            memset(&p, 0, sizeof p);
            p.n = o->n_inputs;
            for (i = 0; i < p.n; i++) {
                const int t = o->inputs[i];
                p.in_c[i] = m->c[t];
                p.in_zp[i] = m->zp[t];
                dp_qmul_from_real((double)m->sc[t] / (double)m->sc[y], &p.mult[i], &p.shift[i]);
                xs[i] = buf[t];
            }
            p.out_zp = m->zp[y];
            dp_concat_s8_ref(buf[y], xs, &p, so.h * so.w);
            break;
        }
        case DP_MOP_SOFTMAX: {
            uint16_t tab[256];
            dp_softmax_table((double)m->sc[x0], o->beta != 0.0 ? o->beta : 1.0, tab);
            dp_softmax_s8_ref(buf[y], buf[x0], tab, so.h * so.w, so.c);
            break;
        }
        default:
            break;
        }
    }
}

/* model 1: conv -> dw -> add residual (in place) -> maxpool -> fc -> softmax */
static void tm_model1(tmodel *m)
{
    int t[8], in[3];
    dp_mb_op *o;
    int32_t lo = -128, hi = 127;
    memset(m, 0, sizeof *m);
    t[0] = tm_tensor(m, 8, 8, 3, 0.02f, -5);        /* input            */
    t[1] = tm_tensor(m, 8, 8, 8, 0.05f, -128);      /* conv + relu      */
    t[2] = tm_tensor(m, 8, 8, 8, 0.04f, -128);      /* dw + relu6       */
    t[3] = tm_tensor(m, 8, 8, 8, 0.06f, -100);      /* t1 + t2, over t2 */
    t[4] = tm_tensor(m, 4, 4, 8, 0.06f, -100);      /* maxpool 2x2/2    */
    t[5] = tm_tensor(m, 1, 1, 10, 0.2f, 3);         /* fc               */
    t[6] = tm_tensor(m, 1, 1, 10, 1.0f / 256.0f, -128);  /* softmax     */
    m->alias[3] = t[2];
    m->input = t[0];
    m->output = t[6];
    in[0] = t[0];
    o = tm_op(m, DP_MOP_CONV2D, t[1], 1, in);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    dp_qact_relu(m->sc[t[1]], m->zp[t[1]], 0.0, &lo, &hi);
    o->act_min = lo; o->act_max = hi;
    tm_weights(m, o, 8 * 3 * 3 * 3, 8);
    in[0] = t[1];
    o = tm_op(m, DP_MOP_DWCONV2D, t[2], 1, in);
    o->kh = o->kw = 3; o->stride_h = o->stride_w = 1; o->pad_t = 2; o->pad_l = 0; o->pad_b = 2; o->pad_r = 2;
    o->dil_h = 2; o->dil_w = 1;
    dp_qact_relu(m->sc[t[2]], m->zp[t[2]], 6.0, &lo, &hi);
    o->act_min = lo; o->act_max = hi;
    tm_weights(m, o, 3 * 3 * 8, 8);
    in[0] = t[1]; in[1] = t[2];
    tm_op(m, DP_MOP_ADD, t[3], 2, in);
    in[0] = t[3];
    o = tm_op(m, DP_MOP_MAXPOOL, t[4], 1, in);
    o->kh = o->kw = 2; o->stride_h = o->stride_w = 2;
    in[0] = t[4];
    o = tm_op(m, DP_MOP_FC, t[5], 1, in);
    tm_weights(m, o, 10 * 4 * 4 * 8, 10);
    in[0] = t[5];
    tm_op(m, DP_MOP_SOFTMAX, t[6], 1, in);
    tm_plan(m);
}

/* model 2: 1x1 conv, avgpool, gap, fc, squeeze-excite multiply, concat,
   3-input add, global pool, fc, softmax */
static void tm_model2(tmodel *m)
{
    int a, b, g, f, s, c, d, e, r, q, z, y, x, in[3];
    dp_mb_op *o;
    memset(m, 0, sizeof *m);
    x = tm_tensor(m, 6, 6, 4, 0.03f, 10);
    a = tm_tensor(m, 6, 6, 6, 0.05f, -20);
    b = tm_tensor(m, 6, 6, 6, 0.05f, -20);          /* avgpool: same quant */
    g = tm_tensor(m, 1, 1, 6, 0.05f, -20);          /* gap                 */
    f = tm_tensor(m, 1, 1, 6, 0.1f, 0);             /* fc                  */
    s = tm_tensor(m, 1, 1, 6, 1.0f / 256.0f, -128); /* "sigmoid" scale     */
    c = tm_tensor(m, 6, 6, 6, 0.04f, 5);            /* b * s               */
    d = tm_tensor(m, 6, 6, 12, 0.05f, -20);         /* concat(a, c)        */
    e = tm_tensor(m, 6, 6, 6, 0.07f, 1);            /* 1x1 conv stride 1   */
    r = tm_tensor(m, 6, 6, 6, 0.09f, -3);           /* a + c + e           */
    q = tm_tensor(m, 3, 3, 6, 0.09f, -3);           /* maxpool 3x3/2 pad 1 */
    z = tm_tensor(m, 1, 1, 5, 0.15f, 7);            /* fc                  */
    y = tm_tensor(m, 1, 1, 5, 1.0f / 256.0f, -128);
    m->input = x;
    m->output = y;
    in[0] = x;
    o = tm_op(m, DP_MOP_CONV2D, a, 1, in);
    tm_weights(m, o, 6 * 4, 6);
    in[0] = a;
    o = tm_op(m, DP_MOP_AVGPOOL, b, 1, in);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    in[0] = b;
    tm_op(m, DP_MOP_GAP, g, 1, in);
    in[0] = g;
    o = tm_op(m, DP_MOP_FC, f, 1, in);
    tm_weights(m, o, 6 * 6, 6);
    in[0] = f;
    o = tm_op(m, DP_MOP_CONV2D, s, 1, in);   /* a 1x1 "gate" on the fc output */
    tm_weights(m, o, 6 * 6, 6);
    in[0] = b; in[1] = s;
    tm_op(m, DP_MOP_CHMUL, c, 2, in);
    in[0] = a; in[1] = c;
    tm_op(m, DP_MOP_CONCAT, d, 2, in);
    in[0] = d;
    o = tm_op(m, DP_MOP_CONV2D, e, 1, in);
    tm_weights(m, o, 6 * 12, 6);
    in[0] = a; in[1] = c; in[2] = e;
    tm_op(m, DP_MOP_ADD, r, 3, in);
    in[0] = r;
    o = tm_op(m, DP_MOP_MAXPOOL, q, 1, in);
    o->kh = o->kw = 3; o->stride_h = o->stride_w = 2; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    in[0] = q;
    o = tm_op(m, DP_MOP_FC, z, 1, in);
    tm_weights(m, o, 5 * 3 * 3 * 6, 5);
    in[0] = z;
    tm_op(m, DP_MOP_SOFTMAX, y, 1, in);
    tm_plan(m);
}

/* model 3 (>>grouped): depthwise with multipliers 2 and 3, grouped convs
   (3 groups 3x3, then 3 groups with a dilated 2x2 kernel), global pool,
   fc, softmax */
static void tm_model3(tmodel *m)
{
    int x, a, b, c, d, g, z, y, in[1];
    dp_mb_op *o;
    int32_t lo = -128, hi = 127;
    memset(m, 0, sizeof *m);
    x = tm_tensor(m, 7, 7, 3, 0.03f, 4);
    a = tm_tensor(m, 7, 7, 6, 0.05f, -128);         /* dw x2 3x3 pad 1 + relu */
    b = tm_tensor(m, 4, 3, 18, 0.06f, -7);          /* dw x3 stride 2, 2x3    */
    c = tm_tensor(m, 4, 3, 9, 0.08f, -128);         /* gconv 3 groups + relu  */
    d = tm_tensor(m, 3, 1, 6, 0.06f, -7);           /* gconv 3 groups, dil 2  */
    g = tm_tensor(m, 1, 1, 6, 0.06f, -7);           /* gap                    */
    z = tm_tensor(m, 1, 1, 5, 0.15f, 2);            /* fc                     */
    y = tm_tensor(m, 1, 1, 5, 1.0f / 256.0f, -128);
    m->input = x;
    m->output = y;
    in[0] = x;
    o = tm_op(m, DP_MOP_DWCONV2D, a, 1, in);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1;
    dp_qact_relu(m->sc[a], m->zp[a], 0.0, &lo, &hi);
    o->act_min = lo; o->act_max = hi;
    tm_weights(m, o, 3 * 3 * 6, 6);
    in[0] = a;
    o = tm_op(m, DP_MOP_DWCONV2D, b, 1, in);
    o->kh = 2; o->kw = 3; o->stride_h = o->stride_w = 2; o->pad_b = 1;
    tm_weights(m, o, 2 * 3 * 18, 18);
    in[0] = b;
    o = tm_op(m, DP_MOP_GCONV2D, c, 1, in);
    o->kh = o->kw = 3; o->pad_t = o->pad_l = o->pad_b = o->pad_r = 1; o->groups = 3;
    dp_qact_relu(m->sc[c], m->zp[c], 0.0, &lo, &hi);
    o->act_min = lo; o->act_max = hi;
    tm_weights(m, o, 9 * 3 * 3 * 6, 9);
    in[0] = c;
    o = tm_op(m, DP_MOP_GCONV2D, d, 1, in);   /* 2x2 dilation 2, pad top 1: 3x1 */
    o->kh = o->kw = 2; o->dil_h = o->dil_w = 2; o->pad_t = 1; o->groups = 3;
    tm_weights(m, o, 6 * 2 * 2 * 3, 6);
    in[0] = d;
    tm_op(m, DP_MOP_GAP, g, 1, in);
    in[0] = g;
    o = tm_op(m, DP_MOP_FC, z, 1, in);
    tm_weights(m, o, 5 * 6, 5);
    in[0] = z;
    tm_op(m, DP_MOP_SOFTMAX, y, 1, in);
    tm_plan(m);
}

/* build, load, run, compare with the reference interpreter */
static void test_model(tmodel *m, const char *name, void **blob_out, size_t *len_out)
{
    void *blob = NULL;
    size_t len = 0, arena_sz;
    dp_model mod;
    int8_t *arena, *in, *out, *ref[MAXT], *xin;
    dp_tensor_info ti, to;
    int st, i, k, rep, n_in, ok = 1;
    uint64_t macs = 0;

    st = tm_build(m, &blob, &len);
    CHECK(st == DP_OK, "%s: builder returned %d", name, st);
    if (st != DP_OK) return;
    st = dp_model_init(&mod, blob, len);
    CHECK(st == DP_OK, "%s: init %d", name, st);
    arena_sz = dp_model_arena_size(&mod);
    CHECK(dp_model_n_ops(&mod) == m->no && dp_model_n_tensors(&mod) == m->nt, "%s: counts", name);
    arena = (int8_t *)malloc(arena_sz);
    in = dp_model_input(&mod, arena, &ti);
    n_in = (int)ti.bytes;
    CHECK(ti.shape.h == m->h[m->input] && ti.shape.c == m->c[m->input] && ti.zero_point == m->zp[m->input] &&
          ti.offset == m->off[m->input], "%s: input info", name);
    {
        float f;
        memcpy(&f, &ti.scale_bits, 4);
        CHECK(f == m->sc[m->input], "%s: scale bits", name);
    }
    xin = alloc8(n_in);
    for (rep = 0; rep < 20; rep++) {
        fill8(xin, n_in);
        fill8(arena, (int)arena_sz);       /* stale arena must not matter */
        memcpy(in, xin, (size_t)n_in);
        st = dp_model_run(&mod, arena, arena_sz);
        out = dp_model_output(&mod, arena, &to);
        tm_run_ref(m, xin, ref);
        if (st != DP_OK || memcmp(out, ref[m->output], to.bytes) != 0) ok = 0;
        /* the pre-softmax logits are still in the arena: compare them too */
        {
            const int lg = m->op[m->no - 1].inputs[0];
            dp_tensor_info tl;
            dp_model_tensor(&mod, lg, &tl);
            if (memcmp(arena + tl.offset, ref[lg], tl.bytes) != 0) ok = 0;
        }
        if (dp_model_output_argmax(&mod, arena) != dp_argmax_s8(ref[m->output], (int32_t)to.bytes)) ok = 0;
        for (i = 0; i < m->nt; i++) free(ref[i]);
    }
    CHECK(ok, "%s: 20 runs equal to the reference interpreter", name);
    for (k = 0; k < m->no; k++) {
        dp_mop_info oi;
        st = dp_model_op(&mod, k, &oi);
        macs += oi.macs;
        if (st != DP_OK || oi.kind != m->op[k].kind || strcmp(oi.name, dp_mop_name(m->op[k].kind)) != 0 ||
            oi.output != m->op[k].output)
            ok = 0;
        if (k == 0 && m->op[0].kind == DP_MOP_CONV2D)
            ok &= oi.macs == (uint64_t)oi.out_shape.h * oi.out_shape.w * oi.out_shape.c * oi.kh * oi.kw * oi.in_shape.c &&
                  oi.param_bytes == (uint32_t)(oi.out_shape.c * (oi.kh * oi.kw * oi.in_shape.c + 16));
    }
    CHECK(ok && macs == dp_model_macs(&mod) && macs > 0, "%s: op info and MACs", name);
    printf("  %s: %d ops, %d tensors, arena %u bytes, blob %u bytes, %llu MACs\n", name, m->no, m->nt,
           (unsigned)arena_sz, (unsigned)len, (unsigned long long)macs);
    CHECK(dp_model_run(&mod, arena, arena_sz - 1) == DP_ERR_ARG, "%s: small arena refused", name);
    free(arena);
    free(xin);
    *blob_out = blob;
    *len_out = len;
}

/* ====================================================================== */
/* loader robustness                                                       */
/* ====================================================================== */
static void fix_crc(uint8_t *b, size_t len)
{
    const uint32_t n = (uint32_t)len - 4u, c = dp_crc32(0, b, n);
    b[n] = (uint8_t)c; b[n + 1] = (uint8_t)(c >> 8); b[n + 2] = (uint8_t)(c >> 16); b[n + 3] = (uint8_t)(c >> 24);
}
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }

/* what try_blob saw go wrong in accepted blobs: a run status outside
   dp_status, an argmax outside the output, a write past the arena */
static int robust_bad_status, robust_bad_argmax, robust_overrun;

/* init, and if accepted, exercise everything with an exact-size arena
   followed by 64 guard bytes that must stay untouched */
static int try_blob(const uint8_t *b, size_t len)
{
    dp_model m;
    int st = dp_model_init(&m, b, len), k;
    if (st == DP_OK) {
        /* a flipped arena size may ask for up to 2 GiB: run those against
           the largest tensor end instead, which is all the ops touch */
        size_t n = dp_model_arena_size(&m);
        int8_t *arena;
        dp_mop_info oi;
        dp_tensor_info ti;
        if (n > (1u << 20)) {
            n = 0;
            for (k = 0; k < dp_model_n_tensors(&m); k++) {
                dp_model_tensor(&m, k, &ti);
                if (ti.offset + ti.bytes > n) n = ti.offset + ti.bytes;
            }
            m.arena_size = (uint32_t)n;   /* test-only shortcut */
        }
        arena = (int8_t *)malloc(n + 64);
        if (!arena) return st;
        memset(arena, 0x5A, n + 64);
        k = dp_model_run(&m, arena, n);
        if (k > 0 || k < DP_ERR_LIMIT) robust_bad_status++;
        if (k == DP_OK && dp_model_output(&m, arena, &ti) != NULL) {
            const int am = dp_model_output_argmax(&m, arena);
            if (am < 0 || am >= (int)ti.bytes) robust_bad_argmax++;
        }
        for (k = 0; k < 64; k++) if (arena[n + (size_t)k] != 0x5A) { robust_overrun++; break; }
        for (k = 0; k < dp_model_n_ops(&m); k++) dp_model_op(&m, k, &oi);
        for (k = 0; k < dp_model_n_tensors(&m); k++) dp_model_tensor(&m, k, &ti);
        free(arena);
    }
    return st;
}

static void test_robust(const uint8_t *blob, size_t len, const char *name)
{
    uint8_t *b;
    size_t L;
    int i, bad = 0, accepted = 0, codes[16];
    memset(codes, 0, sizeof codes);
    robust_bad_status = robust_bad_argmax = robust_overrun = 0;
    /* every truncation: exact-size copies so ASan sees any overread */
    for (L = 0; L < len; L++) {
        b = (uint8_t *)malloc(L ? L : 1);
        memcpy(b, blob, L);
        if (try_blob(b, L) == DP_OK) bad++;
        free(b);
    }
    CHECK(bad == 0, "%s: %d truncations accepted", name, bad);
    /* truncations that also fix the length field and the CRC */
    for (L = 52, bad = 0; L < len; L += 4) {
        b = (uint8_t *)malloc(L);
        memcpy(b, blob, L);
        put32(b + 8, (uint32_t)L);
        fix_crc(b, L);
        if (try_blob(b, L) == DP_OK) accepted++;
        free(b);
    }
    printf("  %s: consistent truncations accepted %d of %d (must run safely)\n", name, accepted, (int)(len - 52) / 4);
    /* byte flips, CRC recomputed: structural validation only */
    accepted = 0;
    for (i = 0; i < 2500; i++) {
        const uint32_t hdr = 48u + 24u * get16(blob + 16) + 64u * get16(blob + 18);
        int nf = rint_(1, 3), f, st;
        b = (uint8_t *)malloc(len);
        memcpy(b, blob, len);
        for (f = 0; f < nf; f++) {
            /* 3 in 4 flips hit the header and tables, where structure is */
            const uint32_t at = rnd() % 4 ? rnd() % hdr : rnd() % (uint32_t)(len - 4);
            b[at] ^= (uint8_t)rint_(1, 255);
        }
        fix_crc(b, len);
        st = try_blob(b, len);
        if (st == DP_OK) accepted++;
        codes[st <= 0 && st >= DP_ERR_LIMIT ? -st : 15]++;   /* 15: not a dp_status */
        free(b);
    }
    /* every refusal is a dp_status value, and every accepted blob ran
       inside its arena to a valid status and argmax (guard bytes, above) */
    CHECK(codes[15] == 0, "%s: flipped blobs: %d of 2500 got a return value that is not a dp_status",
          name, codes[15]);
    CHECK(robust_bad_status == 0 && robust_bad_argmax == 0 && robust_overrun == 0,
          "%s: accepted blobs: %d runs with a status outside dp_status, %d argmax outside the output, %d writes past the arena",
          name, robust_bad_status, robust_bad_argmax, robust_overrun);
    printf("  %s: 2500 flips with CRC fixed: %d accepted and run, refused: format %d, unsupported %d, crc %d, arg %d\n",
           name, accepted, codes[-DP_ERR_FORMAT], codes[-DP_ERR_UNSUPPORTED], codes[-DP_ERR_CRC], codes[-DP_ERR_ARG]);
    /* single flips without the CRC fix are always caught */
    for (i = 0, bad = 0; i < 500; i++) {
        b = (uint8_t *)malloc(len);
        memcpy(b, blob, len);
        b[rnd() % (uint32_t)len] ^= (uint8_t)rint_(1, 255);
        if (try_blob(b, len) == DP_OK) bad++;
        free(b);
    }
    CHECK(bad == 0, "%s: %d unfixed flips accepted", name, bad);
}

/* targeted refusals on model 1's blob */
static void test_refusals(const uint8_t *blob, size_t len, tmodel *m1)
{
    uint8_t *b = (uint8_t *)malloc(len + 8), *mis;
    const uint32_t T = get16(blob + 16), arena = get32(blob + 12), ops = 48u + 24u * T;
    dp_model mod;
    void *bb;
    size_t bl;
    int st, i;
#define FRESH() memcpy(b, blob, len)
    FRESH();
    CHECK(dp_model_init(&mod, b, len) == DP_OK, "valid copy accepted");
    CHECK(dp_model_init(&mod, b, len + 8) == DP_OK, "longer buffer accepted");
    CHECK(dp_model_init(NULL, b, len) == DP_ERR_ARG && dp_model_init(&mod, NULL, len) == DP_ERR_ARG, "NULL");
    CHECK(dp_model_run(&mod, NULL, 100) == DP_ERR_ARG, "run without arena");
    b[0] = 'X';
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "bad magic");
    CHECK(dp_model_run(&mod, b, len) == DP_ERR_ARG && dp_model_arena_size(&mod) == 0, "failed init leaves nothing");
    FRESH(); b[4] = 2;
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_UNSUPPORTED, "version 2");
    FRESH(); b[100] ^= 1;
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_CRC, "bad CRC");
    mis = (uint8_t *)malloc(len + 1);
    memcpy(mis + 1, blob, len);
    CHECK(dp_model_init(&mod, mis + 1, len) == DP_ERR_ARG, "misaligned blob");
    free(mis);
    /* offset beyond the arena; arena smaller than a tensor's end */
    FRESH(); put32(b + 48 + 24 * 1, arena - 512u + 1u); fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "tensor past the arena");
    FRESH(); put32(b + 12, arena - 1u); fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "arena size too small");
    /* two live tensors overlapping: t1 (live ops 0..2) moved onto t0 (input, live to op 0) */
    FRESH(); put32(b + 48 + 24 * 1, get32(b + 48 + 24 * 0)); fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT && mod.why && strstr(mod.why, "overlap") && mod.where == 0,
          "conv output over its own input refused (%s, %d)", mod.why ? mod.why : "-", (int)mod.where);
    /* t4 (maxpool out) overlapping t3 (its input) by one byte */
    FRESH(); put32(b + 48 + 24 * 4, get32(b + 48 + 24 * 3) + 8u * 8u * 8u - 1u); fix_crc(b, len);
    st = dp_model_init(&mod, b, len);
    CHECK(st == DP_ERR_FORMAT, "partial overlap refused (%d)", st);
    /* lifetime lie: t1's last reader is op 2, claim op 1 */
    FRESH(); b[48 + 24 * 1 + 18] = 2; fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "short lifetime refused");
    /* unknown op kind */
    FRESH(); b[ops] = 99; fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_UNSUPPORTED && mod.where == 0, "unknown op kind");
    /* wrong conv output size */
    FRESH(); b[ops + 22] = 2; fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "stride inconsistent with shape");
    /* kernel sum tampered */
    FRESH(); put32(b + get32(b + ops + 44), get32(b + get32(b + ops + 44)) + 1u); fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "kernel sum checked");
    /* MAC total */
    FRESH(); put32(b + 36, get32(b + 36) + 1u); fix_crc(b, len);
    CHECK(dp_model_init(&mod, b, len) == DP_ERR_FORMAT, "MAC total checked");
    free(b);

    /* the builder refuses overlapping live tensors, and in-place non-adds */
    m1->off[1] = m1->off[0];
    {
        dp_mb mb;
        dp_mb_init(&mb);
        for (i = 0; i < m1->nt; i++)
            dp_mb_add_tensor(&mb, m1->h[i], m1->w[i], m1->c[i], m1->sc[i], m1->zp[i], m1->off[i]);
        for (i = 0; i < m1->no; i++) dp_mb_add_op(&mb, &m1->op[i]);
        dp_mb_set_io(&mb, m1->input, m1->output);
        st = dp_mb_finish(&mb, &bb, &bl);
        CHECK(st == DP_ERR_FORMAT && bb == NULL && mb.why && strstr(mb.why, "overlap"),
              "builder: overlap refused (%d, %s)", st, mb.why ? mb.why : "-");
        CHECK(dp_mb_add_op(&mb, &m1->op[0]) == DP_ERR_FORMAT, "builder errors are sticky");
        dp_mb_free(&mb);
    }
    tm_plan(m1);
    m1->off[4] = m1->off[3];   /* maxpool output over its input */
    st = tm_build(m1, &bb, &bl);
    CHECK(st == DP_ERR_FORMAT, "builder: in-place maxpool refused (%d)", st);
    tm_plan(m1);
    /* in-place add over a summand that is still live afterwards */
    {
        tmodel m;
        int in[2], t0, t1, t2, t3;
        memset(&m, 0, sizeof m);
        t0 = tm_tensor(&m, 2, 2, 3, 0.1f, 0);
        t1 = tm_tensor(&m, 2, 2, 3, 0.1f, 0);
        t2 = tm_tensor(&m, 2, 2, 3, 0.1f, 0);
        t3 = tm_tensor(&m, 2, 2, 3, 0.1f, 0);
        m.input = t0; m.output = t3;
        in[0] = t0;
        tm_op(&m, DP_MOP_AVGPOOL, t1, 1, in)->kh = 1;
        m.op[0].kw = 1;
        in[0] = t0; in[1] = t1;
        tm_op(&m, DP_MOP_ADD, t2, 2, in);
        in[0] = t2; in[1] = t1;
        tm_op(&m, DP_MOP_ADD, t3, 2, in);
        m.off[t0] = 0; m.off[t1] = 12; m.off[t2] = 12; m.off[t3] = 24;   /* t2 over t1, but t1 read later */
        st = tm_build(&m, &bb, &bl);
        CHECK(st == DP_ERR_FORMAT, "builder: in-place add over a live summand refused (%d)", st);
        m.off[t2] = 0;                                                  /* t2 over t0, which dies there */
        st = tm_build(&m, &bb, &bl);
        CHECK(st == DP_OK, "builder: in-place add over a dead summand accepted (%d)", st);
        if (st == DP_OK) {
            int8_t arena[36];
            int8_t *x;
            CHECK(dp_model_init(&mod, bb, bl) == DP_OK && dp_model_arena_size(&mod) == 36, "tiny model");
            x = dp_model_input(&mod, arena, NULL);
            for (i = 0; x && i < 12; i++) x[i] = (int8_t)(i - 6);
            dp_model_run(&mod, arena, sizeof arena);
            x = dp_model_output(&mod, arena, NULL);
            /* ((x + x) + x) at equal scales: 3x */
            for (i = 0, st = x != NULL; x && i < 12; i++) st &= x[i] == (int8_t)(3 * (i - 6));
            CHECK(st, "tiny in-place model computes 3x");
            free(bb);
        }
    }
#undef FRESH
}

/* ====================================================================== */
/* freestanding Cortex-M0+ build                                           */
/* ====================================================================== */
static void test_arm(void)
{
    /* the header itself, inference half only, freestanding for Cortex-M0+:
       no float/double helpers, no libc calls */
    char dir[512], cmd[2048], line[512];
    const char *f = __FILE__, *slash = strrchr(f, '/');
    FILE *fp;
    int bad = 0, n = 0;
    size_t dl = slash ? (size_t)(slash - f + 1) : 0;
    if (dl >= sizeof dir) dl = 0;
    memcpy(dir, f, dl);
    dir[dl] = 0;
    if (system("arm-none-eabi-gcc --version > /dev/null 2>&1") != 0) {
        SKIP("Cortex-M0+ freestanding build: arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)");
        return;
    }
    fp = fopen("/tmp/dp_infer_m0.c", "w");
    if (!fp) { CHECK(0, "write probe"); return; }
    fprintf(fp, "#define DIFFPRUNE_INFERENCE_ONLY\n#define DIFFPRUNE_IMPLEMENTATION\n#include \"diffprune.h\"\n"
                "int probe(const void *b, unsigned n, void *a, unsigned an) { dp_model m;\n"
                "  return dp_model_init(&m, b, n) ? -1 : dp_model_run(&m, a, an); }\n");
    fclose(fp);
    sprintf(cmd, "arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -std=c99 -Wall -Wextra -Werror -ffreestanding "
                 "-I\"$PWD/%s..\" -c /tmp/dp_infer_m0.c -o /tmp/dp_infer_m0.o && "
                 "arm-none-eabi-nm /tmp/dp_infer_m0.o > /tmp/dp_infer_m0.nm", dir);
    CHECK(system(cmd) == 0, "arm-none-eabi-gcc M0+ freestanding build");
    fp = fopen("/tmp/dp_infer_m0.nm", "r");
    if (!fp) { CHECK(0, "nm output"); return; }
    while (fgets(line, sizeof line, fp)) {
        n++;
        if (strstr(line, "__aeabi_f") || strstr(line, "__aeabi_d") || strstr(line, " U mem") ||
            strstr(line, " U malloc") || strstr(line, " U free") || strstr(line, "printf"))
            { bad++; printf("  unwanted symbol: %s", line); }
    }
    fclose(fp);
    CHECK(n > 10 && bad == 0, "M0+ object: no float/double helpers, no libc calls (%d symbols)", n);
}

static void test_crc(void)
{
    unsigned char buf[1000];
    int i, ok = 1;
    for (i = 0; i < 1000; i++) buf[i] = (unsigned char)(i * 7 + (i >> 3));
    for (i = 0; i <= 1000; i += 37) ok &= dp_crc32(0, buf, (size_t)i) == crc32_bitwise(0, buf, (size_t)i);
    CHECK(ok && dp_crc32(0, "123456789", 9) == 0xCBF43926u, "dp_crc32 agrees with a bitwise CRC-32");
}

/* the statuses come from one list (DP_STATUS_LIST): values 0, -1, -2, ...
   without gaps, names distinct and non-empty, unknown values named sanely */
static void test_status_names(void)
{
#define ST_ROW(name, value, msg) { name, #name, msg },
    static const struct { int st; const char *id, *msg; } rows[] = { DP_STATUS_LIST(ST_ROW) };
#undef ST_ROW
    int n = (int)(sizeof rows / sizeof rows[0]), i, j, dup = 0, ok = 1;
    const char *unk;
    for (i = 0; i < n; i++) {
        const char *s = dp_status_str(rows[i].st);
        int good = rows[i].st == -i && s && s[0] && !strcmp(s, rows[i].msg);
        ok &= good;
        if (!good)
            printf("  status %s = %d: \"%s\"\n", rows[i].id, rows[i].st, s ? s : "(null)");
        for (j = 0; j < i; j++) dup += s && !strcmp(s, dp_status_str(rows[j].st));
    }
    CHECK(ok && n >= 11, "%d statuses numbered 0, -1, ..., each with its message", n);
    CHECK(dup == 0, "status names are distinct (%d duplicates)", dup);
    CHECK(dp_status_str(DP_OK)[0] == 'o' && !strcmp(dp_status_str(DP_ERR_SHAPE), "shape mismatch"), "ok / shape mismatch");
    unk = dp_status_str(-n);
    CHECK(unk && !strcmp(unk, "unknown status") && !strcmp(dp_status_str(1), unk) &&
          !strcmp(dp_status_str(-2147483647 - 1), unk) && !strcmp(dp_status_str(2147483647), unk),
          "values outside the list (%d, 1, INT_MIN, INT_MAX): \"%s\"", -n, unk ? unk : "(null)");
    for (i = 0, dup = 0; i < n; i++) dup += !strcmp(dp_status_str(rows[i].st), unk);
    CHECK(dup == 0, "no listed status is called \"unknown status\"");
}

int main(void)
{
    tmodel m1, m2, m3;
    void *b1 = NULL, *b2 = NULL, *b3 = NULL;
    size_t l1 = 0, l2 = 0, l3 = 0;
    printf("requantisation\n");
    test_requant();
    printf("kernels vs reference\n");
    test_hand();
    test_avg_division();
    test_conv_kind(0, 400);
    test_conv_kind(1, 300);
    test_dw_mult(300);
    test_gconv(300);
    test_cmsis_dw_mult();
    test_fc(300);
    test_add(300);
    test_pool(0, 300);
    test_pool(1, 300);
    test_gap_chmul_concat_softmax(250);
    printf("models\n");
    tm_model1(&m1);
    test_model(&m1, "model 1 (conv dw add maxpool fc softmax)", &b1, &l1);
    tm_model2(&m2);
    test_model(&m2, "model 2 (conv avgpool gap fc chmul concat add3 maxpool fc softmax)", &b2, &l2);
    tm_model3(&m3);
    test_model(&m3, "model 3 (dw x2, dw x3, gconv x2, gap fc softmax)", &b3, &l3);
    printf("loader robustness\n");
    if (b1) test_robust((const uint8_t *)b1, l1, "model 1");
    if (b2) test_robust((const uint8_t *)b2, l2, "model 2");
    if (b3) test_robust((const uint8_t *)b3, l3, "model 3");
    if (b1) test_refusals((const uint8_t *)b1, l1, &m1);
    printf("freestanding build\n");
    test_arm();
    test_crc();
    test_status_names();
    free(b1);
    free(b2);
    free(b3);
    tm_free(&m1);
    tm_free(&m2);
    tm_free(&m3);
    return TEST_DONE();
}

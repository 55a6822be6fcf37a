/* tests/test_tflite.c - TensorFlow Lite import (>>tflite) and the
   TFLM-exact int8 kinds (>>tflm_kernels):
     - the kernels softmaxq / lut (LOGISTIC) / mean / mul against their
       plain oracles, and the loader refusing a bad softmaxq table;
     - two models this test writes itself (tests/tflite_writer.h) with
       every supported op - float QUANTIZE/DEQUANTIZE edges, PAD into a
       SAME conv, per-channel weights, fused RELU/RELU6, depthwise, pools,
       ADD, MUL (same shape and x * s[1x1xC]), int8 requantize, concat,
       MEAN, LOGISTIC, FC, RESHAPE, SOFTMAX - imported, run, and compared
       bit for bit with the reference kernels driven by parameters this
       test derives itself (TFLite's padding rule and multipliers);
     - refusals naming the op or tensor (LSTM, TANH, int16, broadcasting,
       asymmetric weights), corrupt files (every truncation, every single
       byte flipped in a window, bad identifier/version/indices);
     - the real models of ../shared/tflite (README there): each imports,
       runs its 8 inputs bit-exact with TFLM's outputs, schedules with the
       arena equal to the exact peak, and the LSTM model is refused by name.
       Skipped with a message when the folder is absent (DP_TFLITE_DIR
       overrides where it is looked for);
     - the fuzz corpus tests/fuzz_tflite_corpus/ replayed through the fuzz
       target's properties (tests/fuzz_tflite.c): ok-* accepted, bad-*
       refused. `test_tflite --write-seeds DIR [DPM_DIR]` writes its seeds
       (tests/fuzz_tflite_corpus, and tests/fuzz_corpus for the .dpm
       fuzzer: an imported model with the TFLM kinds 12-15). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include "tflite_writer.h"
#include "tflite_dir.h"
#include <string.h>
#include <stdlib.h>
#define DP_FUZZ_LIBRARY
#include "fuzz_tflite.c"

/* ---------------------------------------------------------------- kernels */
static void test_kernels(void)
{
    int it, i, bad = 0;
    int8_t x[1024], y0[1024], y1[1024], tab8[256];
    int32_t tab[256];
    /* softmaxq: the table + row kernel against the oracle that recomputes
       every exp, over random scales, betas and row lengths */
    for (it = 0; it < 300; it++) {
        const double sc = 0.002 + (rnd() % 1000) * 0.0005, beta = it % 3 ? 1.0 : 0.5 + (rnd() % 100) * 0.02;
        const int n = 1 + rndn(DP_SOFTMAXQ_MAX_N), rows = 1 + rndn(2);
        for (i = 0; i < n * rows; i++) x[i] = (int8_t)(it % 5 ? rndn(256) - 128 : 40 + rndn(9));
        if (dp_softmaxq_table(sc, beta, tab) != DP_OK) { bad++; continue; }
        dp_softmaxq_s8(y0, x, tab, rows, n);
        dp_softmaxq_s8_ref(y1, x, sc, beta, rows, n);
        if (memcmp(y0, y1, (size_t)(n * rows))) bad++;
    }
    CHECK(bad == 0, "softmaxq kernel != oracle in %d of 300 cases", bad);
    /* the table is exp: non-increasing from one; [d] ~ exp(-beta*scale*d) */
    CHECK(dp_softmaxq_table(0.1, 1.0, tab) == DP_OK && tab[0] == INT32_MAX, "softmaxq table[0] is one");
    for (i = 1, bad = 0; i < 256; i++) bad += tab[i] > tab[i - 1] || fabs(tab[i] / 2147483648.0 - exp(-0.1 * i)) > 1e-6;
    CHECK(bad == 0, "softmaxq table is exp(-0.1 d) within 1e-6: %d off", bad);
    CHECK(dp_softmaxq_table(1e-9, 1.0, tab) == DP_ERR_UNSUPPORTED, "beta*scale below TFLM's range refused");
    /* uniform row of 4: each 1/4 -> 64 - 128 = -64 */
    for (i = 0; i < 4; i++) x[i] = 7;
    dp_softmaxq_table(0.05, 1.0, tab);
    dp_softmaxq_s8(y0, x, tab, 1, 4);
    CHECK(y0[0] == -64 && y0[3] == -64, "uniform softmax of 4 = 1/4 (got %d)", y0[0]);

    /* logistic table = the oracle for every input value; monotone; 0.5 at zp */
    for (it = 0, bad = 0; it < 50; it++) {
        const float sc = 0.001f + (float)(rnd() % 1000) * 0.0004f;
        const int zp = rndn(256) - 128;
        for (i = 0; i < 256; i++) x[i] = (int8_t)(i - 128);
        if (dp_logistic_table(sc, zp, tab8) != DP_OK) { bad++; continue; }
        dp_lut_s8(y0, x, tab8, 256);
        dp_logistic_s8_ref(y1, x, sc, zp, 256);
        if (memcmp(y0, y1, 256) || y0[zp + 128] != 0) bad++;
        for (i = 1; i < 256; i++) if (y0[i] < y0[i - 1]) bad++;
        for (i = 0; i < 256; i++) {   /* within one step of the real sigmoid */
            const double s = 1.0 / (1.0 + exp(-(double)sc * (i - 128 - zp)));
            if (fabs((y0[i] + 128) / 256.0 - (s > 255.0 / 256 ? 255.0 / 256 : s)) > 1.01 / 256) { bad++; break; }
        }
    }
    CHECK(bad == 0, "logistic lut: %d bad tables", bad);

    /* mean and mul against the oracles */
    for (it = 0, bad = 0; it < 200; it++) {
        dp_shape s;
        int32_t m, sh;
        dp_qchmul_params p;
        s.h = 1 + rndn(6); s.w = 1 + rndn(6); s.c = 1 + rndn(8);
        for (i = 0; i < s.h * s.w * s.c; i++) x[i] = (int8_t)(rndn(256) - 128);
        dp_qmul_from_real(0.2 + (rnd() % 1000) * 0.003, &m, &sh);
        {
            const int zin = (int)(rnd() % 256) - 128, zout = (int)(rnd() % 256) - 128;
            dp_mean_s8(y0, x, zin, zout, m, sh, s);
            dp_mean_s8_ref(y1, x, zin, zout, m, sh, s);
            if (memcmp(y0, y1, (size_t)s.c)) bad++;
        }
        p.x_zp = rndn(256) - 128; p.s_zp = rndn(256) - 128; p.out_zp = rndn(256) - 128;
        dp_qmul_from_real(0.0001 + (rnd() % 1000) * 0.00002, &p.mult, &p.shift);
        p.act_min = -128 + rndn(50); p.act_max = 127 - rndn(50);
        for (i = 0; i < 64; i++) y1[512 + i] = (int8_t)(rndn(256) - 128);
        dp_mul_s8(y0, x, y1 + 512, &p, 64);
        dp_mul_s8_ref(y1, x, y1 + 512, &p, 64);
        if (memcmp(y0, y1, 64)) bad++;
    }
    CHECK(bad == 0, "mean/mul kernels != oracles in %d cases", bad);
}

/* a .dpm with a softmaxq op; then its table broken: the loader refuses */
static void test_loader(void)
{
    dp_mb b;
    dp_mb_op op;
    void *blob = NULL;
    size_t len = 0;
    dp_model m;
    int a, y, st;
    uint8_t *p;
    dp_mb_init(&b);
    a = dp_mb_add_tensor(&b, 1, 1, 10, 0.1f, 3, 0);
    y = dp_mb_add_tensor(&b, 1, 1, 10, 1.0f / 256, -128, 16);
    memset(&op, 0, sizeof op);
    op.kind = DP_MOP_SOFTMAXQ; op.inputs[0] = a; op.output = y; op.beta = 1.0;
    dp_mb_add_op(&b, &op);
    dp_mb_set_io(&b, a, y);
    st = dp_mb_finish(&b, &blob, &len);
    CHECK(st == DP_OK, "softmaxq model builds (%d %s)", st, b.why ? b.why : "");
    if (st == DP_OK) {
        p = (uint8_t *)blob;
        CHECK(dp_model_init(&m, blob, len) == DP_OK, "softmaxq model loads");
        /* weights offset of op 0 (op table at 48 + 24*2), then table[5]++ */
        {
            const uint32_t ops = 48 + 24 * 2, w = (uint32_t)p[ops + 32] | (uint32_t)p[ops + 33] << 8 | (uint32_t)p[ops + 34] << 16;
            uint32_t crc;
            p[w + 4 * 5 + 3] = 0x7F;     /* table[5] near 2^31: increases */
            crc = dp_crc32(0, p, len - 4);
            memcpy(p + len - 4, &crc, 4);
            st = dp_model_init(&m, blob, len);
            CHECK(st == DP_ERR_FORMAT && m.why && strstr(m.why, "softmaxq"), "increasing softmaxq table refused (%d %s)", st, m.why ? m.why : "");
        }
    }
    free(blob);
    dp_mb_free(&b);
    {   /* the other TFLM kinds: the loader checks their shapes and fields */
        static const struct { int kind, oh, ow, oc; const char *why; } B[] = {
            { DP_MOP_MEAN, 2, 1, 4, "mean output" },
            { DP_MOP_LUT, 2, 2, 3, "lut output shape" },
            { DP_MOP_MUL, 2, 2, 3, "mul input shape" },
        };
        int k;
        for (k = 0; k < 3; k++) {
            int8_t tab[256];
            memset(tab, 0, sizeof tab);
            dp_mb_init(&b);
            a = dp_mb_add_tensor(&b, 2, 2, 4, 0.1f, 3, 0);
            y = dp_mb_add_tensor(&b, B[k].oh, B[k].ow, B[k].oc, 0.1f, 0, 16);
            memset(&op, 0, sizeof op);
            op.kind = B[k].kind; op.inputs[0] = a; op.inputs[1] = a; op.output = y; op.weights = tab;
            dp_mb_add_op(&b, &op);
            dp_mb_set_io(&b, a, y);
            st = dp_mb_finish(&b, &blob, &len);
            CHECK(st == DP_ERR_FORMAT && b.why && strstr(b.why, B[k].why), "bad %s refused by the loader: %d %s", dp_mop_name(B[k].kind), st,
                  b.why ? b.why : "");
            if (st == DP_OK) free(blob);
            dp_mb_free(&b);
        }
    }
}

/* ------------------------------------------------------ synthetic models */
#define INT8 9
#define I32 2
#define F32 0
static tw_tensor tt(int rank, int a, int b, int c, int d, int type, float scale, int zp, const char *name)
{
    tw_tensor t;
    memset(&t, 0, sizeof t);
    t.rank = rank; t.shape[0] = a; t.shape[1] = b; t.shape[2] = c; t.shape[3] = d;
    t.type = type; t.name = name;
    if (scale > 0) { t.nq = 1; t.scale[0] = scale; t.zp[0] = zp; }
    return t;
}
static tw_op to(int code, int out, int nin, int i0, int i1, int i2)
{
    tw_op o;
    memset(&o, 0, sizeof o);
    o.code = code; o.out = out; o.nin = nin; o.in[0] = i0; o.in[1] = i1; o.in[2] = i2;
    return o;
}
static void opt(tw_op *o, int type, int n, const int64_t *v, const int *sz)
{
    int i;
    o->opt_type = type;
    o->nopt = n;
    for (i = 0; i < n; i++) { o->opt[i].size = sz[i]; o->opt[i].val = (uint64_t)v[i]; }
}
static int32_t qm(double r, int32_t *sh) { int32_t m; dp_qmul_from_real(r, &m, sh); return m; }

/* model A: float in -> ... -> float out, every op kind (see the list at the top) */
static int8_t wA_conv[4 * 3 * 3 * 2], wA_dw[3 * 3 * 4], wA_fc[5 * 8];
static int32_t bA_conv[4], bA_dw[4], bA_fc[5], padsA[8] = { 0, 0, 1, 0, 0, 1, 0, 0 }, axesA[2] = { 1, 2 }, shapeA[3] = { 1, 1, 5 };
static const float sA_conv[4] = { 0.01f, 0.02f, 0.015f, 0.005f }, sA_dw[4] = { 0.02f, 0.01f, 0.03f, 0.025f }, sA_fc = 0.03f;
static uint8_t *model_a(size_t *len, int variant)
{
    tw_tensor T[26];
    tw_op O[16];
    int i;
    const int sz1[1] = { 1 }, szc[6] = { 1, 4, 4, 1, 4, 4 }, szd[7] = { 1, 4, 4, 4, 1, 4, 4 }, szp[6] = { 1, 4, 4, 4, 4, 1 }, sz4[1] = { 4 }, szcat[2] = { 4, 1 };
    T[0] = tt(4, 1, 6, 6, 2, F32, 0, 0, "in_float");
    T[1] = tt(4, 1, 6, 6, 2, INT8, 0.05f, 3, "q_in");
    T[2] = tt(4, 1, 7, 7, 2, INT8, 0.05f, 3, "padded");
    T[3] = tt(2, 4, 2, 0, 0, I32, 0, 0, "paddings"); T[3].data = padsA; T[3].len = sizeof padsA;
    T[4] = tt(4, 4, 3, 3, 2, INT8, 0, 0, "conv_w"); T[4].data = wA_conv; T[4].len = sizeof wA_conv;
    T[4].nq = 4; T[4].qdim = 0; for (i = 0; i < 4; i++) { T[4].scale[i] = sA_conv[i]; T[4].zp[i] = 0; }
    T[5] = tt(1, 4, 0, 0, 0, I32, 0, 0, "conv_b"); T[5].data = bA_conv; T[5].len = sizeof bA_conv;
    T[6] = tt(4, 1, 4, 4, 4, INT8, 0.08f, -20, "conv_out");
    T[7] = tt(4, 1, 3, 3, 4, INT8, 0, 0, "dw_w"); T[7].data = wA_dw; T[7].len = sizeof wA_dw;
    T[7].nq = 4; T[7].qdim = 3; for (i = 0; i < 4; i++) { T[7].scale[i] = sA_dw[i]; T[7].zp[i] = 0; }
    T[8] = tt(1, 4, 0, 0, 0, I32, 0, 0, "dw_b"); T[8].data = bA_dw; T[8].len = sizeof bA_dw;
    T[9] = tt(4, 1, 2, 2, 4, INT8, 0.03f, -5, "dw_out");
    T[10] = tt(4, 1, 2, 2, 4, INT8, 0.08f, -20, "avg_out");
    T[11] = tt(4, 1, 2, 2, 4, INT8, 0.05f, 2, "add_out");
    T[12] = tt(4, 1, 2, 2, 4, INT8, 0.02f, 0, "mul_out");
    T[13] = tt(4, 1, 2, 2, 4, INT8, 0.02f, 0, "max_out");
    T[14] = tt(4, 1, 2, 2, 4, INT8, 0.02f, 0, "requant");
    T[15] = tt(4, 1, 2, 2, 8, INT8, 0.02f, 0, "cat_out");
    T[16] = tt(1, 2, 0, 0, 0, I32, 0, 0, "axes"); T[16].data = axesA; T[16].len = sizeof axesA;
    T[17] = tt(2, 1, 8, 0, 0, INT8, 0.01f, 1, "mean_out");
    T[18] = tt(2, 1, 8, 0, 0, INT8, 1.0f / 256, -128, "sig_out");
    T[19] = tt(2, 5, 8, 0, 0, INT8, sA_fc, 0, "fc_w"); T[19].data = wA_fc; T[19].len = sizeof wA_fc;
    T[20] = tt(1, 5, 0, 0, 0, I32, 0, 0, "fc_b"); T[20].data = bA_fc; T[20].len = sizeof bA_fc;
    T[21] = tt(2, 1, 5, 0, 0, INT8, 0.1f, 4, "fc_out");
    T[22] = tt(1, 3, 0, 0, 0, I32, 0, 0, "shape"); T[22].data = shapeA; T[22].len = sizeof shapeA;
    T[23] = tt(3, 1, 1, 5, 0, INT8, 0.1f, 4, "reshaped");
    T[24] = tt(3, 1, 1, 5, 0, INT8, 1.0f / 256, -128, "probs");
    T[25] = tt(3, 1, 1, 5, 0, F32, 0, 0, "out_float");
    O[0] = to(114, 1, 1, 0, 0, 0);                                     /* QUANTIZE */
    O[1] = to(34, 2, 2, 1, 3, 0);                                      /* PAD */
    O[2] = to(3, 6, 3, 2, 4, 5);                                       /* CONV_2D SAME s2 RELU6 */
    { const int64_t v[6] = { 0, 2, 2, 3, 1, 1 }; opt(&O[2], 1, 6, v, szc); }
    O[3] = to(4, 9, 3, 6, 7, 8);                                       /* DEPTHWISE VALID s1 RELU */
    { const int64_t v[7] = { 1, 1, 1, 1, 1, 1, 1 }; opt(&O[3], 2, 7, v, szd); }
    O[4] = to(1, 10, 1, 6, 0, 0);                                      /* AVERAGE_POOL 3x3 VALID */
    { const int64_t v[6] = { 1, 1, 1, 3, 3, 0 }; opt(&O[4], 5, 6, v, szp); }
    O[5] = to(0, 11, 2, 9, 10, 0);                                     /* ADD */
    { const int64_t v[1] = { 0 }; opt(&O[5], 11, 1, v, sz1); }
    O[6] = to(18, 12, 2, 11, 9, 0);                                    /* MUL same shape */
    { const int64_t v[1] = { 0 }; opt(&O[6], 21, 1, v, sz1); }
    O[7] = to(17, 13, 1, 12, 0, 0);                                    /* MAX_POOL 2x2 SAME */
    { const int64_t v[6] = { 0, 1, 1, 2, 2, 0 }; opt(&O[7], 5, 6, v, szp); }
    O[8] = to(114, 14, 1, 11, 0, 0);                                   /* QUANTIZE int8 -> int8 */
    O[9] = to(2, 15, 2, 13, 14, 0);                                    /* CONCATENATION axis -1 */
    { const int64_t v[2] = { -1, 0 }; opt(&O[9], 10, 2, v, szcat); }
    O[10] = to(40, 17, 2, 15, 16, 0);                                  /* MEAN {1,2} */
    O[11] = to(14, 18, 1, 17, 0, 0);                                   /* LOGISTIC */
    O[12] = to(9, 21, 3, 18, 19, 20);                                  /* FULLY_CONNECTED RELU */
    { const int64_t v[1] = { 1 }; opt(&O[12], 8, 1, v, sz1); }
    O[13] = to(22, 23, 2, 21, 22, 0);                                  /* RESHAPE */
    O[14] = to(25, 24, 1, 23, 0, 0);                                   /* SOFTMAX beta 1 */
    { float b = 1.0f; uint32_t u; int64_t v[1]; memcpy(&u, &b, 4); v[0] = u; opt(&O[14], 9, 1, v, sz4); }
    O[15] = to(6, 25, 1, 24, 0, 0);                                    /* DEQUANTIZE */
    if (variant == 1) O[11].code = 28;                                 /* TANH: refused */
    if (variant == 2) O[0].code = 44;                                  /* an LSTM */
    if (variant == 3) { T[9].type = 7; }                               /* int16 activation */
    if (variant == 4) { T[4].zp[2] = 3; }                              /* asymmetric weights */
    if (variant == 5) O[5].in[1] = 6;                                  /* ADD would broadcast */
    return tw_model(T, 26, O, 16, 0, 25, len);
}

/* the expected output of model A, from the reference kernels */
static void expect_a(const float *xin, float out[5], int8_t q8[5])
{
    int8_t q[72], pad[98], conv[64], dw[16], avg[16], add[16], mul[16], mx[16], rq[16], cat[32], mean[8], sig[8], fc[5], sm[5];
    int32_t m[8], sh[8], i, h, w, c;
    dp_shape s;
    const int8_t *xs[2];
    dp_qconv_params cp;
    dp_qpool_params pp;
    dp_qadd_params ap;
    dp_qconcat_params kp;
    dp_qfc_params fp;
    dp_qchmul_params mp;
    for (i = 0; i < 72; i++) {
        const double v = round((double)xin[i] / (double)0.05f) + 3;
        q[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
    }
    /* PAD: one row on top, one column on the right, with the zero point */
    for (i = 0; i < 98; i++) pad[i] = 3;
    for (h = 0; h < 6; h++) for (w = 0; w < 6; w++) for (c = 0; c < 2; c++) pad[((h + 1) * 7 + w) * 2 + c] = q[(h * 6 + w) * 2 + c];
    /* CONV 3x3 s2 SAME on 7x7: out 4, total padding 3*2+3-7 = 2 -> 1 + 1 */
    memset(&cp, 0, sizeof cp);
    cp.kh = cp.kw = 3; cp.stride_h = cp.stride_w = 2; cp.dil_h = cp.dil_w = 1;
    cp.pad_t = cp.pad_b = cp.pad_l = cp.pad_r = 1;
    cp.in_zp = 3; cp.out_zp = -20; cp.act_min = -20; cp.act_max = -20 + 75;   /* RELU6: 6 / 0.08 */
    for (i = 0; i < 4; i++) m[i] = qm((double)0.05f * (double)sA_conv[i] / (double)0.08f, &sh[i]);
    s.h = 7; s.w = 7; s.c = 2;
    { dp_shape o = { 4, 4, 4 }; dp_conv2d_s8_ref(conv, pad, wA_conv, bA_conv, m, sh, &cp, s, o); }
    /* DEPTHWISE 3x3 VALID -> 2x2, RELU */
    cp.stride_h = cp.stride_w = 1; cp.pad_t = cp.pad_b = cp.pad_l = cp.pad_r = 0;
    cp.in_zp = -20; cp.out_zp = -5; cp.act_min = -5; cp.act_max = 127;
    for (i = 0; i < 4; i++) m[i] = qm((double)0.08f * (double)sA_dw[i] / (double)0.03f, &sh[i]);
    { dp_shape a = { 4, 4, 4 }, o = { 2, 2, 4 }; dp_dwconv2d_s8_ref(dw, conv, wA_dw, bA_dw, m, sh, &cp, a, o); }
    /* AVERAGE_POOL 3x3 VALID */
    memset(&pp, 0, sizeof pp);
    pp.kh = pp.kw = 3; pp.stride_h = pp.stride_w = 1; pp.act_min = -128; pp.act_max = 127;
    { dp_shape a = { 4, 4, 4 }, o = { 2, 2, 4 }; dp_avgpool_s8_ref(avg, conv, &pp, a, o); }
    /* ADD: TFLite's 2-input parameters */
    memset(&ap, 0, sizeof ap);
    ap.n = 2; ap.in_zp[0] = -5; ap.in_zp[1] = -20;
    ap.in_mult[0] = qm((double)0.03f / (2.0 * (double)0.08f), &ap.in_shift[0]);
    ap.in_mult[1] = qm((double)0.08f / (2.0 * (double)0.08f), &ap.in_shift[1]);
    ap.out_mult = qm(2.0 * (double)0.08f / (1048576.0 * (double)0.05f), &ap.out_shift);
    ap.out_zp = 2; ap.act_min = -128; ap.act_max = 127;
    xs[0] = dw; xs[1] = avg;
    dp_add_s8_ref(add, xs, &ap, 16);
    /* MUL */
    mp.x_zp = 2; mp.s_zp = -5; mp.out_zp = 0; mp.act_min = -128; mp.act_max = 127;
    mp.mult = qm((double)0.05f * (double)0.03f / (double)0.02f, &mp.shift);
    dp_mul_s8_ref(mul, add, dw, &mp, 16);
    /* MAX_POOL 2x2 SAME: total padding 1 -> bottom/right */
    pp.kh = pp.kw = 2; pp.pad_b = pp.pad_r = 1;
    { dp_shape a = { 2, 2, 4 }; dp_maxpool_s8_ref(mx, mul, &pp, a, a); }
    /* int8 requantize 0.05/2 -> 0.02/0, then the concat (a copy) */
    memset(&kp, 0, sizeof kp);
    kp.n = 1; kp.in_c[0] = 4; kp.in_zp[0] = 2; kp.mult[0] = qm((double)0.05f / (double)0.02f, &kp.shift[0]); kp.out_zp = 0;
    xs[0] = add;
    dp_concat_s8_ref(rq, xs, &kp, 4);
    kp.n = 2; kp.in_c[0] = kp.in_c[1] = 4; kp.in_zp[0] = kp.in_zp[1] = 0;
    kp.mult[0] = kp.mult[1] = 1 << 30; kp.shift[0] = kp.shift[1] = 1;
    xs[0] = mx; xs[1] = rq;
    dp_concat_s8_ref(cat, xs, &kp, 4);
    /* MEAN over 2x2, LOGISTIC, FC + RELU, SOFTMAX, DEQUANTIZE */
    { dp_shape a = { 2, 2, 8 }; m[0] = qm((double)0.02f / (double)0.01f, &sh[0]); dp_mean_s8_ref(mean, cat, 0, 1, m[0], sh[0], a); }
    dp_logistic_s8_ref(sig, mean, 0.01f, 1, 8);
    for (i = 0; i < 5; i++) m[i] = qm((double)(1.0f / 256) * (double)sA_fc / (double)0.1f, &sh[i]);
    fp.in_zp = -128; fp.out_zp = 4; fp.act_min = 4; fp.act_max = 127;
    dp_fc_s8_ref(fc, sig, wA_fc, bA_fc, m, sh, &fp, 8, 5);
    dp_softmaxq_s8_ref(sm, fc, (double)0.1f, 1.0, 1, 5);
    for (i = 0; i < 5; i++) { q8[i] = sm[i]; out[i] = (float)((double)(1.0f / 256) * (double)(sm[i] + 128)); }
}

/* model B: int8 in -> 1x1 conv -> MEAN (keep dims) -> MUL x * s[1x1xC] */
static int8_t wB[9];
static uint8_t *model_b(size_t *len)
{
    tw_tensor T[7];
    tw_op O[3];
    static int32_t axes[2] = { 2, 1 };
    const int szc[4] = { 1, 4, 4, 1 }, sz1[1] = { 1 };
    T[0] = tt(4, 1, 4, 4, 3, INT8, 0.1f, -3, "x");
    T[1] = tt(4, 3, 1, 1, 3, INT8, 0.02f, 0, "w"); T[1].data = wB; T[1].len = 9;
    T[2] = tt(4, 1, 4, 4, 3, INT8, 0.05f, 7, "conv");
    T[3] = tt(1, 2, 0, 0, 0, I32, 0, 0, "axes"); T[3].data = axes; T[3].len = 8;
    T[4] = tt(4, 1, 1, 1, 3, INT8, 0.04f, -1, "mean");
    T[5] = tt(4, 1, 4, 4, 3, INT8, 0.03f, 2, "y");
    O[0] = to(3, 2, 2, 0, 1, -1);
    { const int64_t v[4] = { 1, 1, 1, 0 }; opt(&O[0], 1, 4, v, szc); }
    O[1] = to(40, 4, 2, 2, 3, 0);
    { const int64_t v[1] = { 1 }; opt(&O[1], 27, 1, v, sz1); }
    O[2] = to(18, 5, 2, 4, 2, 0);                                     /* s * x: order swapped */
    return tw_model(T, 6, O, 3, 0, 5, len);
}
static void expect_b(const int8_t *x, int8_t *y)
{
    int8_t conv[48], mean[3];
    int32_t m[3], sh[3], i;
    dp_qconv_params cp;
    dp_qchmul_params mp;
    dp_shape s = { 4, 4, 3 };
    memset(&cp, 0, sizeof cp);
    cp.kh = cp.kw = cp.stride_h = cp.stride_w = cp.dil_h = cp.dil_w = 1;
    cp.in_zp = -3; cp.out_zp = 7; cp.act_min = -128; cp.act_max = 127;
    for (i = 0; i < 3; i++) m[i] = qm((double)0.1f * (double)0.02f / (double)0.05f, &sh[i]);
    dp_conv2d_s8_ref(conv, x, wB, NULL, m, sh, &cp, s, s);
    m[0] = qm((double)0.05f / (double)0.04f, &sh[0]);
    dp_mean_s8_ref(mean, conv, 7, -1, m[0], sh[0], s);
    mp.x_zp = 7; mp.s_zp = -1; mp.out_zp = 2; mp.act_min = -128; mp.act_max = 127;
    mp.mult = qm((double)0.04f * (double)0.05f / (double)0.03f, &mp.shift);
    dp_chmul_s8_ref(y, conv, mean, &mp, s);
}

/* model C: an NCHW int8 input, TRANSPOSE to NHWC, a 1x1 conv */
static uint8_t *model_c(size_t *len, int bad)
{
    tw_tensor T[5];
    tw_op O[2];
    static int32_t perm[4] = { 0, 2, 3, 1 };
    const int szc[4] = { 1, 4, 4, 1 };
    T[0] = tt(4, 1, 3, 4, 5, INT8, 0.1f, -3, "nchw");
    T[1] = tt(1, 4, 0, 0, 0, I32, 0, 0, "perm"); T[1].data = perm; T[1].len = 16;
    T[2] = tt(4, 1, 4, 5, 3, INT8, 0.1f, -3, "nhwc");
    T[3] = tt(4, 3, 1, 1, 3, INT8, 0.02f, 0, "w"); T[3].data = wB; T[3].len = 9;
    T[4] = tt(4, 1, 4, 5, 3, INT8, 0.05f, 7, "y");
    O[0] = to(39, 2, 2, 0, 1, 0);
    O[1] = to(3, 4, 2, 2, 3, -1);
    { const int64_t v[4] = { 1, 1, 1, 0 }; opt(&O[1], 1, 4, v, szc); }
    if (bad) { O[0].in[0] = 4; O[1].in[0] = 0; O[0].out = 2; T[2] = T[4]; O[1].out = 4; }
    return tw_model(T, 5, O, 2, 0, 4, len);
}

static int run_blob(const void *blob, size_t len, const int8_t *in, size_t n_in, int8_t *out, size_t n_out)
{
    dp_model m;
    static int8_t arena[1 << 16];
    dp_tensor_info ti, to2;
    int8_t *x, *y;
    if (dp_model_init(&m, blob, len) != DP_OK || dp_model_arena_size(&m) > sizeof arena) return -1;
    x = dp_model_input(&m, arena, &ti);
    if (ti.bytes != n_in) return -2;
    memcpy(x, in, n_in);
    if (dp_model_run(&m, arena, sizeof arena) != DP_OK) return -3;
    y = dp_model_output(&m, arena, &to2);
    if (to2.bytes != n_out) return -4;
    memcpy(out, y, n_out);
    return 0;
}

static void fill_weights(void);
static void test_synthetic(void)
{
    size_t len, blen, i;
    uint8_t *f;
    void *blob = NULL;
    dp_tflite_info info;
    char err[256];
    int st, k, bad = 0;
    fill_weights();

    f = model_a(&len, 0);
    st = dp_tflite_import(f, len, &blob, &blen, &info, err, sizeof err);
    CHECK(st == DP_OK, "model A imports (%d: %s)", st, err);
    if (st == DP_OK) {
        CHECK(info.float_input && info.float_output && info.n_tflite_ops == 16 && info.n_ops == 12,
              "model A: float edges on the host, 16 file ops -> 12 .dpm ops (PAD, RESHAPE, QUANTIZE/DEQUANTIZE of the edges fold away): %d %d %d %d",
              info.float_input, info.float_output, info.n_tflite_ops, info.n_ops);
        CHECK(info.pmu > 0 && info.arena_bytes == info.pmu, "model A arena %lld == exact peak %lld", (long long)info.arena_bytes, (long long)info.pmu);
        for (k = 0; k < 20; k++) {
            float xin[72], want[5], got[5];
            int8_t q[72], y[5], w8[5];
            for (i = 0; i < 72; i++) xin[i] = (float)(rndn(2001) - 1000) * 0.007f;
            expect_a(xin, want, w8);
            dp_tflite_quantize(q, xin, 72, info.in_scale, info.in_zp);
            if (run_blob(blob, blen, q, 72, y, 5)) { bad++; continue; }
            dp_tflite_dequantize(got, y, 5, info.out_scale, info.out_zp);
            if (memcmp(got, want, sizeof got) || memcmp(y, w8, 5)) {
                bad++;
                if (bad == 1) printf("  model A input %d: got %d %d %d %d %d want %d %d %d %d %d\n", k, y[0], y[1], y[2], y[3], y[4], w8[0], w8[1], w8[2], w8[3], w8[4]);
            }
        }
        CHECK(bad == 0, "model A bit-exact with the reference kernels on 20 inputs (%d differ)", bad);
    }
    free(blob); blob = NULL;

    /* every prefix of the file is refused, never read past */
    for (i = 0, bad = 0; i < len; i++) {
        uint8_t *cp = (uint8_t *)malloc(i ? i : 1);
        memcpy(cp, f, i);
        if (dp_tflite_import(cp, i, &blob, &blen, NULL, err, sizeof err) == DP_OK) { bad++; free(blob); }
        free(cp);
    }
    CHECK(bad == 0, "all %d truncations of model A refused (%d accepted)", (int)len, bad);
    /* every byte changed in turn: never a crash; accepted files must load and run */
    {
        int ok = 0, refused = 0;
        for (i = 0; i < len; i++) {
            uint8_t *cp = (uint8_t *)malloc(len);
            memcpy(cp, f, len);
            cp[i] ^= (uint8_t)(1u << (i % 8)) | 0x40u;
            st = dp_tflite_import(cp, len, &blob, &blen, NULL, err, sizeof err);
            if (st == DP_OK) {
                int8_t q[4096], y[4096];
                dp_model m;
                ok++;
                if (dp_model_init(&m, blob, blen) != DP_OK) bad++;
                else {
                    dp_tensor_info a, b;
                    dp_model_tensor(&m, (int)m.input, &a);
                    dp_model_tensor(&m, (int)m.output, &b);
                    memset(q, 1, sizeof q);
                    if (a.bytes <= sizeof q && b.bytes <= sizeof y && run_blob(blob, blen, q, a.bytes, y, b.bytes)) bad++;
                }
                free(blob);
            } else {
                refused++;
                if (!err[0] || (st != DP_ERR_FORMAT && st != DP_ERR_UNSUPPORTED && st != DP_ERR_LIMIT)) bad++;
            }
            free(cp);
        }
        CHECK(bad == 0, "single-byte corruptions: %d accepted, %d refused with a message, %d bad", ok, refused, bad);
    }
    {   /* identifier, version */
        uint8_t *cp = (uint8_t *)malloc(len);
        memcpy(cp, f, len); cp[5] = 'X';
        st = dp_tflite_import(cp, len, &blob, &blen, NULL, err, sizeof err);
        CHECK(st == DP_ERR_FORMAT && strstr(err, "TFL3"), "bad identifier refused: %s", err);
        free(cp);
    }
    free(f);

    /* refusals name the op or tensor */
    {
        static const struct { int variant, st; const char *a, *b; } R[] = {
            { 1, DP_ERR_UNSUPPORTED, "TANH", "op 11" },
            { 2, DP_ERR_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "op 0" },
            { 3, DP_ERR_UNSUPPORTED, "dw_out", "INT16" },
            { 4, DP_ERR_UNSUPPORTED, "conv_w", "asymmetric" },
            { 5, DP_ERR_UNSUPPORTED, "broadcasting", "ADD" },
        };
        for (k = 0; k < (int)(sizeof R / sizeof R[0]); k++) {
            f = model_a(&len, R[k].variant);
            st = dp_tflite_import(f, len, &blob, &blen, NULL, err, sizeof err);
            CHECK(st == R[k].st && strstr(err, R[k].a) && strstr(err, R[k].b), "variant %d refused naming '%s'/'%s': %d %s",
                  R[k].variant, R[k].a, R[k].b, st, err);
            if (st == DP_OK) free(blob);
            free(f);
        }
    }

    /* model B: MEAN keep_dims and a broadcast MUL (squeeze-excite) */
    f = model_b(&len);
    st = dp_tflite_import(f, len, &blob, &blen, &info, err, sizeof err);
    CHECK(st == DP_OK, "model B imports (%d: %s)", st, err);
    if (st == DP_OK) {
        int8_t x[48], y[48], w[48];
        for (k = 0, bad = 0; k < 20; k++) {
            for (i = 0; i < 48; i++) x[i] = (int8_t)(rndn(256) - 128);
            expect_b(x, w);
            if (run_blob(blob, blen, x, 48, y, 48) || memcmp(y, w, 48)) bad++;
        }
        CHECK(bad == 0, "model B bit-exact with the reference kernels (%d differ)", bad);
        {
            dp_model m;
            dp_mop_info oi;
            dp_model_init(&m, blob, blen);
            dp_model_op(&m, 2, &oi);
            CHECK(oi.kind == DP_MOP_CHMUL, "x * s[1x1xC] is a chmul (%s)", oi.name);
        }
        free(blob);
    }
    free(f);

    /* model C: TRANSPOSE of the input on the host */
    f = model_c(&len, 0);
    st = dp_tflite_import(f, len, &blob, &blen, &info, err, sizeof err);
    CHECK(st == DP_OK && info.transposed_input && info.in_shape.h == 4 && info.in_shape.w == 5 && info.in_shape.c == 3,
          "model C (input TRANSPOSE) imports: %d %s", st, err);
    if (st == DP_OK) {
        int8_t x[60], xt[60], q[60], y[60], w[60];
        int32_t m[3], sh[3], c, h, ww;
        dp_qconv_params cp;
        dp_shape s = { 4, 5, 3 };
        for (i = 0; i < 60; i++) x[i] = (int8_t)(rndn(256) - 128);
        for (c = 0; c < 3; c++) for (h = 0; h < 4; h++) for (ww = 0; ww < 5; ww++) xt[(h * 5 + ww) * 3 + c] = x[(c * 4 + h) * 5 + ww];
        memset(&cp, 0, sizeof cp);
        cp.kh = cp.kw = cp.stride_h = cp.stride_w = cp.dil_h = cp.dil_w = 1;
        cp.in_zp = -3; cp.out_zp = 7; cp.act_min = -128; cp.act_max = 127;
        for (i = 0; i < 3; i++) m[i] = qm((double)0.1f * (double)0.02f / (double)0.05f, &sh[i]);
        dp_conv2d_s8_ref(w, xt, wB, NULL, m, sh, &cp, s, s);
        CHECK(dp_tflite_set_input(&info, x, 60, q) == DP_OK && !memcmp(q, xt, 60), "dp_tflite_set_input transposes NCHW -> NHWC");
        CHECK(dp_tflite_set_input(&info, x, 59, q) == DP_ERR_SHAPE, "wrong input size refused");
        CHECK(!run_blob(blob, blen, q, 60, y, 60) && !memcmp(y, w, 60), "model C bit-exact");
        free(blob);
    }
    free(f);
    f = model_c(&len, 1);
    st = dp_tflite_import(f, len, &blob, &blen, &info, err, sizeof err);
    CHECK(st == DP_ERR_UNSUPPORTED && strstr(err, "TRANSPOSE (op 0)"), "a TRANSPOSE inside the graph is refused by name: %d %s", st, err);
    if (st == DP_OK) free(blob);
    free(f);

    /* the scheduler's view */
    f = model_a(&len, 0);
    {
        dp_sched_graph g;
        dp_sched_result r;
        st = dp_tflite_sched_graph(f, len, &g, err, sizeof err);
        CHECK(st == DP_OK && g.n == 13 && !strcmp(g.name[0], "input") && !strcmp(g.name[1], "CONV_2D#2"), "sched graph of model A (%d %s)", st, err);
        if (st == DP_OK) {
            CHECK(dp_sched_plan(&g, NULL, &r) == DP_OK && r.exact, "model A schedules exactly");
            dp_sched_result_free(&r);
        }
        dp_sched_graph_free(&g);
    }
    free(f);
}

/* --------------------------------------------------------- real models */

static void test_real(void)
{
    static const struct { const char *name; long tflm_act; } M[] = {
        { "tiny_kws_ref_model", 16000 }, { "tiny_ic_resnet_quant", 49152 }, { "tflm_person_detect", 55296 },
        { "tflm_micro_speech_quantized", 5968 }, { "tflm_hello_world_int8", 32 }, { "tiny_ad_toycar_quant_fullint_micro", 3200 },
    };
    const char *dir = tfl_dir();
    char p[600], err[256];
    int i, k;
    if (!dir) { SKIP("real TFLite models: ../shared/tflite not found (set DP_TFLITE_DIR)"); return; }
    for (i = 0; i < (int)(sizeof M / sizeof M[0]); i++) {
        unsigned char *d;
        size_t n, bl;
        void *blob;
        dp_tflite_info info;
        int st, ok = 0;
        snprintf(p, sizeof p, "%s/%s.tflite", dir, M[i].name);
        if (dp_read_file(p, 0, &d, &n, err, sizeof err)) { CHECK(0, "read %s: %s", p, err); continue; }
        st = dp_tflite_import(d, n, &blob, &bl, &info, err, sizeof err);
        CHECK(st == DP_OK, "%s imports: %s", M[i].name, err);
        if (st != DP_OK) { free(d); continue; }
        for (k = 0; k < 8; k++) {
            unsigned char *a = NULL, *b = NULL;
            size_t an = 0, bn = 0;
            int8_t *y, *q = NULL;
            float *fo = NULL;
            snprintf(p, sizeof p, "%s/golden/%s.%d.in.bin", dir, M[i].name, k);
            dp_read_file(p, 0, &a, &an, err, sizeof err);
            snprintf(p, sizeof p, "%s/golden/%s.%d.out.bin", dir, M[i].name, k);
            dp_read_file(p, 0, &b, &bn, err, sizeof err);
            if (a && b) {
                size_t ni = an / (info.float_input ? 4 : 1), no = bn / (info.float_output ? 4 : 1);
                q = (int8_t *)malloc(ni);
                y = (int8_t *)malloc(no);
                if (dp_tflite_set_input(&info, a, an, q) == DP_OK && !run_blob(blob, bl, q, ni, y, no)) {
                    if (info.float_output) {
                        fo = (float *)malloc(bn);
                        dp_tflite_dequantize(fo, y, (int32_t)no, info.out_scale, info.out_zp);
                        ok += !memcmp(fo, b, bn);
                    } else ok += !memcmp(y, b, bn);
                }
                free(y); free(fo);
            }
            free(q); free(a); free(b);
        }
        CHECK(ok == 8, "%s: %d of 8 outputs bit-exact with TFLM's", M[i].name, ok);
        CHECK(info.pmu > 0 && info.arena_bytes == info.pmu && info.pmu <= info.peak_file_order,
              "%s: arena %lld == exact peak %lld <= file order's %lld", M[i].name, (long long)info.arena_bytes, (long long)info.pmu,
              (long long)info.peak_file_order);
        CHECK(info.pmu <= M[i].tflm_act, "%s: exact peak %lld <= TFLM's activation bytes %ld", M[i].name, (long long)info.pmu, M[i].tflm_act);
        printf("  %-36s bit-exact %d/8, exact PMU %lld, file order %lld, arena %lld (TFLM activations %ld)\n", M[i].name, ok,
               (long long)info.pmu, (long long)info.peak_file_order, (long long)info.arena_bytes, M[i].tflm_act);
        free(blob);
        free(d);
    }
    {   /* the LSTM model: refused by name */
        unsigned char *d;
        size_t n, bl;
        void *blob;
        int st;
        snprintf(p, sizeof p, "%s/tflm_mnist_lstm_int8.tflite", dir);
        if (dp_read_file(p, 0, &d, &n, err, sizeof err)) { CHECK(0, "read %s: %s", p, err); return; }
        st = dp_tflite_import(d, n, &blob, &bl, NULL, err, sizeof err);
        CHECK(st == DP_ERR_UNSUPPORTED && strstr(err, "UNIDIRECTIONAL_SEQUENCE_LSTM"), "LSTM model refused by name: %d %s", st, err);
        free(d);
    }
}

/* ------------------------------------------------------------ fuzz corpus */
static void fill_weights(void)
{
    size_t i;
    for (i = 0; i < sizeof wA_conv; i++) wA_conv[i] = (int8_t)(rndn(255) - 127);
    for (i = 0; i < sizeof wA_dw; i++) wA_dw[i] = (int8_t)(rndn(255) - 127);
    for (i = 0; i < sizeof wA_fc; i++) wA_fc[i] = (int8_t)(rndn(255) - 127);
    for (i = 0; i < 4; i++) { bA_conv[i] = rndn(2001) - 1000; bA_dw[i] = rndn(401) - 200; }
    for (i = 0; i < 5; i++) bA_fc[i] = rndn(20001) - 10000;
    for (i = 0; i < 9; i++) wB[i] = (int8_t)(rndn(255) - 127);
}

static int write_file(const char *dir, const char *name, const uint8_t *b, size_t n)
{
    char p[1024];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (!(f = fopen(p, "wb")) || fwrite(b, 1, n, f) != n) { if (f) fclose(f); return 1; }
    return fclose(f) != 0;
}

/* the seeds: the two synthetic models and their refused variants */
static uint8_t *model_c(size_t *len, int bad);
/* with dpm_dir, also model A imported, for the .dpm fuzzer's corpus (it
   holds the kinds softmaxq, lut, mean and mul) */
static int write_seeds(const char *dir, const char *dpm_dir)
{
    static const char *const bad[6] = { NULL, "bad-tanh", "bad-lstm", "bad-int16", "bad-asymmetric-weights", "bad-broadcast-add" };
    size_t len;
    uint8_t *f;
    int v, e = 0;
    tu_rng = 42;
    fill_weights();
    f = model_a(&len, 0); e |= write_file(dir, "ok-model-a", f, len); free(f);
    f = model_c(&len, 0); e |= write_file(dir, "ok-model-c-transpose", f, len); free(f);
    f = model_c(&len, 1); e |= write_file(dir, "bad-transpose-inside", f, len); free(f);
    f = model_b(&len); e |= write_file(dir, "ok-model-b", f, len);
    f[4] = 'X'; e |= write_file(dir, "bad-identifier", f, len); free(f);
    for (v = 1; v < 6; v++) { f = model_a(&len, v); e |= write_file(dir, bad[v], f, len); free(f); }
    if (dpm_dir) {
        void *blob;
        size_t bl;
        f = model_a(&len, 0);
        if (dp_tflite_import(f, len, &blob, &bl, NULL, NULL, 0) != DP_OK) e = 1;
        else { e |= write_file(dpm_dir, "ok-tflite-model-a", (const uint8_t *)blob, bl); free(blob); }
        free(f);
    }
    return e;
}

static void test_corpus(void)
{
    char dir[1024], *slash;
    DIR *d;
    struct dirent *de;
    int n = 0, bad = 0;
    snprintf(dir, sizeof dir, "%s", __FILE__);
    slash = strrchr(dir, '/');
    snprintf(slash ? slash + 1 : dir, sizeof dir - (size_t)(slash ? slash + 1 - dir : 0), "fuzz_tflite_corpus");
    if (!(d = opendir(dir))) { CHECK(0, "fuzz corpus %s not found", dir); return; }
    while ((de = readdir(d)) != NULL) {
        char p[2048];
        unsigned char *b;
        size_t len;
        const char *why;
        int acc;
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (dp_read_file(p, 0, &b, &len, NULL, 0) != DP_OK) continue;
        n++;
        if (tflf_check(b, len, &why, &acc)) { bad++; printf("  %s: %s\n", de->d_name, why); }
        else if ((!strncmp(de->d_name, "ok-", 3) && !acc) || (!strncmp(de->d_name, "bad-", 4) && acc)) {
            bad++;
            printf("  %s: %s\n", de->d_name, acc ? "accepted" : "refused");
        }
        free(b);
    }
    closedir(d);
    CHECK(n >= 8 && bad == 0, "fuzz corpus: %d files replayed, %d broke a property or their name", n, bad);
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--write-seeds")) return write_seeds(argv[2], argc == 4 ? argv[3] : NULL);
    test_kernels();
    test_loader();
    test_synthetic();
    test_real();
    test_corpus();
    return TEST_DONE();
}

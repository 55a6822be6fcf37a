/* tests/test_tfexport.c - TensorFlow Lite export (>>tfexport):
     - random networks (this file's generator: conv with batch norm and
       RELU/RELU6/none, depthwise, strides, dilation, max/avg pooling,
       residual ADD, concat of differently quantised branches, global
       average pool, FC on a 1x1 or a spatial tensor, softmax or none)
       trained for nothing, exported to int8 by dp_export, written as
       .tflite and imported back: on random inputs the imported model's
       output is bit-exact with the .dpm's (its logits when the .dpm's head
       is diffprune's softmax, which becomes TFLM's SOFTMAX: the
       probabilities' largest difference is printed and bounded); a second
       round trip gives the same .dpm byte for byte;
     - the offline memory plan read back from the file with the header's
       flatbuffer reader: the metadata is named "OfflineMemoryAllocation",
       the buffer is [1, 0, tensor count, offsets], constants are -1, the
       offsets are the .dpm's, and replaying the file's operators in order
       (lifetimes from the file alone) no two live tensors overlap except
       an ADD writing over an input that dies there, and the highest end is
       the .dpm's arena;
     - a hand-built model in a bad order (written in the scheduler's order
       with its arena) and a conv with explicit padding (written as PAD +
       VALID conv, imported back as the same conv);
     - refusals: grouped convolution, a 3-input ADD, a corrupt .dpm;
     - the real models of ../shared/tflite: imported, exported, imported
       again: the 8 inputs give TFLM's outputs bit for bit, and the second
       import is the first byte for byte. Skipped with a message when the
       folder is absent (DP_TFLITE_DIR overrides where it is looked for). */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include "tflite_dir.h"
#include <string.h>
#include <stdlib.h>

/* ------------------------------------------------------------- helpers */
typedef struct runner {
    dp_model m;
    int8_t *arena;
} runner;

static int rn_open(runner *r, const void *blob, size_t len)
{
    memset(r, 0, sizeof *r);
    if (dp_model_init(&r->m, blob, len) != DP_OK) return -1;
    r->arena = (int8_t *)calloc(dp_model_arena_size(&r->m) + 16, 1);
    return r->arena ? 0 : -1;
}
static void rn_close(runner *r) { free(r->arena); memset(r, 0, sizeof *r); }
static int rn_run(runner *r, const int8_t *in)
{
    dp_tensor_info ti;
    int8_t *p = dp_model_input(&r->m, r->arena, &ti);
    memcpy(p, in, ti.bytes);
    return dp_model_run(&r->m, r->arena, dp_model_arena_size(&r->m));
}
/* the tensor the last op reads first (the logits when it is a softmax) */
static const int8_t *rn_last_input(runner *r, uint32_t *bytes, int *kind)
{
    dp_mop_info oi;
    dp_tensor_info ti;
    dp_model_op(&r->m, dp_model_n_ops(&r->m) - 1, &oi);
    dp_model_tensor(&r->m, oi.inputs[0], &ti);
    *bytes = ti.bytes;
    *kind = oi.kind;
    return r->arena + ti.offset;
}

/* ------------------------------------------- the plan, from the file */
/* Reads the .tflite with the header's own flatbuffer reader (>>tflite),
   then checks the offline plan against the .dpm and against the lifetimes
   the file's operator order gives. Returns the number of failed checks. */
static int check_plan(const uint8_t *f, size_t n, const void *dpm, size_t dpm_len, const char *what, int replanned, int64_t arena)
{
    dp__tfl c;
    dp__fbt root, sg, md, buf, ot;
    size_t mds, sgs, ops, first, fin, fout, ins, outs;
    uint32_t n_md, n_sg, n_ops, cnt, nin, nout, i, k, nio;
    const int32_t *plan = NULL;
    int32_t nt, *beg = NULL, *end = NULL, *inplace = NULL, *inv = NULL, model_in, model_out, out_id = -1;
    int64_t top = 0;
    dp_model m;
    int fails = 0, found = 0, overlaps = 0, t, u;
    memset(&c, 0, sizeof c);
    c.p = f;
    c.n = n;
    if (dp_model_init(&m, dpm, dpm_len) != DP_OK) { CHECK(0, "%s: .dpm loads", what); return 1; }
    if (dp__fb_table(&c, dp__fb32(&c, 0), &root)) { CHECK(0, "%s: root table", what); return 1; }
    dp__fb_vec(&c, &root, 6, 4, &mds, &n_md);
    dp__fb_vec(&c, &root, 4, 4, &c.buffers, &c.n_buffers);
    dp__fb_vec(&c, &root, 2, 4, &sgs, &n_sg);
    for (i = 0; i < n_md && !c.st; i++) {
        size_t nm;
        uint32_t nl, b;
        if (dp__fb_vtab(&c, mds, n_md, i, &md)) break;
        dp__fb_vec(&c, &md, 0, 1, &nm, &nl);
        b = (uint32_t)dp__fb_int(&c, &md, 1, 4, 0, 0);
        if (nl != 23 || memcmp(f + nm, "OfflineMemoryAllocation", 23) || b >= c.n_buffers) continue;
        if (dp__fb_vtab(&c, c.buffers, c.n_buffers, b, &buf)) break;
        dp__fb_vec(&c, &buf, 0, 1, &first, &cnt);
        CHECK(first % 4 == 0 && cnt >= 12 && cnt % 4 == 0, "%s: plan buffer 4-aligned, whole int32s (at %lu, %u bytes)", what, (unsigned long)first, cnt);
        if (first % 4 || cnt < 12) return 1;
        plan = (const int32_t *)(const void *)(f + first);
        found++;
    }
    CHECK(found == 1 && !c.st, "%s: one OfflineMemoryAllocation metadata entry (%d)", what, found);
    if (found != 1 || c.st || n_sg != 1 || dp__fb_vtab(&c, sgs, 1, 0, &sg)) return 1;
    dp__fb_vec(&c, &sg, 0, 4, &first, &cnt);
    nt = (int32_t)cnt;
    CHECK(plan[0] == 1 && plan[1] == 0 && plan[2] == nt, "%s: plan header [1, 0, %d] = [%d, %d, %d]", what, nt, plan[0], plan[1], plan[2]);
    if (plan[2] != nt) return 1;
    dp__fb_vec(&c, &sg, 1, 4, &ins, &nio);
    model_in = dp__fb_i32v(&c, ins, 0);
    dp__fb_vec(&c, &sg, 2, 4, &outs, &nio);
    model_out = dp__fb_i32v(&c, outs, 0);
    /* the file numbers the activations as the importer does: the input 0,
       op k's output k + 1 */
    inv = (int32_t *)malloc(sizeof(int32_t) * (m.n_tensors + 1));
    inv[0] = (int32_t)m.input;
    for (k = 0; k < m.n_ops; k++) {
        dp_mop_info oi;
        dp_model_op(&m, (int)k, &oi);
        inv[k + 1] = oi.output;
        if (oi.output == (int32_t)m.output) out_id = (int32_t)k + 1;
    }
    CHECK(replanned || (model_in == 0 && model_out == out_id), "%s: input/output tensors are the .dpm's (%d %d)", what, model_in, model_out);
    /* constants -1, activations the .dpm's offsets (the extra ones, QUANTIZE
       outputs of a concat, anywhere >= 0) */
    if (dp__tfl_tensors(&c, &sg)) { CHECK(0, "%s: tensors parse", what); return 1; }
    for (t = 0; t < nt; t++) {
        if (c.T[t].data) { fails += plan[3 + t] != -1; continue; }
        if (t < (int32_t)m.n_tensors && !replanned) {
            dp_tensor_info ti;
            dp_model_tensor(&m, inv[t], &ti);
            fails += plan[3 + t] != (int32_t)ti.offset;
        } else fails += plan[3 + t] < 0;
    }
    CHECK(fails == 0, "%s: constants -1, activations at the .dpm's offsets (%d wrong)", what, fails);
    /* lifetimes from the file's operator order */
    beg = (int32_t *)malloc(sizeof(int32_t) * (size_t)nt * 3);
    end = beg + nt;
    inplace = end + nt;
    for (t = 0; t < nt; t++) { beg[t] = -2; end[t] = -2; inplace[t] = -1; }
    beg[model_in] = -1;
    end[model_in] = -1;
    dp__fb_vec(&c, &sg, 3, 4, &ops, &n_ops);
    for (i = 0; i < n_ops && !c.st; i++) {
        int32_t code, o;
        if (dp__fb_vtab(&c, ops, n_ops, i, &ot)) break;
        dp__fb_vec(&c, &ot, 1, 4, &fin, &nin);
        dp__fb_vec(&c, &ot, 2, 4, &fout, &nout);
        {   /* the builtin code: only ADD matters (in-place) */
            size_t codes;
            uint32_t ncodes;
            dp__fbt ct;
            dp__fb_vec(&c, &root, 1, 4, &codes, &ncodes);
            dp__fb_vtab(&c, codes, ncodes, (uint32_t)dp__fb_int(&c, &ot, 0, 4, 0, 0), &ct);
            code = (int32_t)dp__fb_int(&c, &ct, 3, 4, 1, 0);
        }
        o = dp__fb_i32v(&c, fout, 0);
        beg[o] = (int32_t)i;
        for (k = 0; k < nin; k++) {
            const int32_t x = dp__fb_i32v(&c, fin, k);
            if (x >= 0 && !c.T[x].data) {
                end[x] = (int32_t)i;
                if (code == 0) inplace[x] = o;   /* ADD: may write over x if x dies here */
            }
        }
    }
    end[model_out] = (int32_t)n_ops;
    for (t = 0; t < nt; t++) {
        int64_t bt;
        if (c.T[t].data) continue;
        bt = dp__tfl_elems(&c.T[t]);
        if (plan[3 + t] + bt > top) top = plan[3 + t] + bt;
        for (u = t + 1; u < nt; u++) {
            int64_t bu;
            int shared;
            if (c.T[u].data) continue;
            bu = dp__tfl_elems(&c.T[u]);
            if (plan[3 + t] >= plan[3 + u] + bu || plan[3 + u] >= plan[3 + t] + bt) continue;   /* disjoint bytes */
            if (end[t] < beg[u] || end[u] < beg[t]) continue;                                  /* disjoint times */
            /* an ADD's output over an input that dies at it: same bytes */
            shared = (inplace[t] == u && end[t] == beg[u]) || (inplace[u] == t && end[u] == beg[t]);
            shared = shared && plan[3 + t] == plan[3 + u] && bt == bu;
            if (!shared) overlaps++;
        }
    }
    CHECK(overlaps == 0, "%s: no two live tensors overlap in the offline plan (%d do)", what, overlaps);
    CHECK(top <= arena && (replanned || nt > (int32_t)m.n_tensors || arena == (int64_t)dp_model_arena_size(&m)),
          "%s: the plan's extent %lld is within the arena export reports, %lld (the .dpm's %lu)", what, (long long)top, (long long)arena,
          (unsigned long)dp_model_arena_size(&m));
    free(beg);
    free(inv);
    free(c.T);
    return fails + overlaps;
}

/* ------------------------------------------------------ random networks */
static int rand_net(dp_graph *g, dp_rng *r, int *has_softmax, int *in_elems)
{
    int h = 5 + (int)dp_rng_below(r, 8), w = 5 + (int)dp_rng_below(r, 8), c = 1 + (int)dp_rng_below(r, 4);
    int x = dp_input(g, "in", h, w, c), blocks = 2 + (int)dp_rng_below(r, 4), b, cc = c;
    char nm[32];
    *in_elems = h * w * c;
    for (b = 0; b < blocks; b++) {
        const int kind = (int)dp_rng_below(r, 7);
        const int acts[3] = { DP_ACT_NONE, DP_ACT_RELU, DP_ACT_RELU6 };
        snprintf(nm, sizeof nm, "b%d", b);
        if (kind == 0 || kind == 1) {         /* conv, k 1/3/5, stride 1/2 */
            const int k = 1 + 2 * (int)dp_rng_below(r, 3), s = 1 + (int)dp_rng_below(r, 2);
            cc = 1 + (int)dp_rng_below(r, 9);
            x = dp_conv_bn_act(g, nm, x, cc, k, s, 1, acts[dp_rng_below(r, 3)]);
        } else if (kind == 2) {               /* depthwise, maybe dilated */
            dp_conv_opts o;
            memset(&o, 0, sizeof o);
            o.groups = cc;
            o.dil_h = o.dil_w = 1 + (int)dp_rng_below(r, 2);
            o.stride_h = o.stride_w = o.dil_h > 1 ? 1 : 1 + (int)dp_rng_below(r, 2);
            x = dp_conv2d(g, nm, x, cc, 3, 3, &o);
            if (dp_rng_below(r, 2)) x = dp_relu6(g, "r6", x);
        } else if (kind == 3) {               /* pooling */
            dp_pool_opts po;
            memset(&po, 0, sizeof po);
            po.pad = (int)dp_rng_below(r, 2) ? DP_PAD_SAME : DP_PAD_VALID;
            x = dp_rng_below(r, 2) ? dp_maxpool(g, nm, x, 2, 2, &po) : dp_avgpool(g, nm, x, 2, 2, &po);
        } else if (kind == 4) {               /* residual add */
            const int a = dp_conv_bn_act(g, "ra", x, cc, 3, 1, 1, DP_ACT_RELU);
            const int d = dp_conv_bn_act(g, "rb", a, cc, 1, 1, 1, DP_ACT_NONE);
            x = dp_add2(g, nm, x, d);
        } else if (kind == 5) {               /* concat of two branches */
            int xs[2];
            xs[0] = dp_conv_bn_act(g, "ca", x, 1 + (int)dp_rng_below(r, 5), 1, 1, 1, DP_ACT_RELU);
            xs[1] = dp_conv_bn_act(g, "cb", x, 1 + (int)dp_rng_below(r, 5), 3, 1, 1, DP_ACT_NONE);
            x = dp_concat(g, nm, 2, xs);
            {
                dp_node_info ni;
                if (dp_graph_node(g, x, &ni) == DP_OK) cc = ni.c;
            }
        } else {                              /* 1x1 expand then depthwise */
            cc = 2 + (int)dp_rng_below(r, 6);
            x = dp_conv_bn_act(g, "e", x, cc, 1, 1, 1, DP_ACT_RELU6);
            x = dp_conv_bn_act(g, nm, x, cc, 3, 1, cc, DP_ACT_RELU6);
        }
    }
    if (dp_rng_below(r, 2)) x = dp_global_avgpool(g, "gap", x);
    x = dp_fc(g, "fc", x, 2 + (int)dp_rng_below(r, 9));
    *has_softmax = (int)dp_rng_below(r, 4) != 0;
    if (*has_softmax) dp_softmax_ce(g, "sm", x);
    return dp_graph_status(g);
}

/* export -> import round trip of one .dpm; returns 0 when all is well */
static int round_trip(const void *dpm, size_t len, const char *what, dp_rng *r, int n_inputs, double *sm_diff, int *fixed_at)
{
    void *tf = NULL, *back = NULL, *tf2 = NULL, *back2 = NULL;
    size_t tl, bl, tl2, bl2;
    dp_tflite_export_info xi;
    dp_tflite_info ii;
    char err[512];
    runner a, b;
    int st, k, exact = 0, logits_exact = 0, softmax = 0, kind_a = 0, kind_b = 0, bad = 0;
    *sm_diff = 0.0;
    st = dp_export_tflite(dpm, len, &tf, &tl, &xi, err, sizeof err);
    CHECK(st == DP_OK, "%s: exports: %s", what, err);
    if (st != DP_OK) return 1;
    bad += check_plan((const uint8_t *)tf, tl, dpm, len, what, xi.replanned, xi.arena_bytes);
    st = dp_tflite_import(tf, tl, &back, &bl, &ii, err, sizeof err);
    CHECK(st == DP_OK, "%s: the exported file imports: %s", what, err);
    if (st != DP_OK) { dp_free(tf); return 1; }
    if (rn_open(&a, dpm, len) || rn_open(&b, back, bl)) { CHECK(0, "%s: models load", what); dp_free(tf); dp_free(back); return 1; }
    for (k = 0; k < n_inputs; k++) {
        int8_t in[65536];
        dp_tensor_info ta, tb;
        const int8_t *ya, *yb, *la, *lb;
        uint32_t na, nb, j;
        dp_model_input(&a.m, a.arena, &ta);
        for (j = 0; j < ta.bytes && j < sizeof in; j++) in[j] = (int8_t)dp_rng_u32(r);
        if (rn_run(&a, in) || rn_run(&b, in)) { bad++; continue; }
        ya = dp_model_output(&a.m, a.arena, &ta);
        yb = dp_model_output(&b.m, b.arena, &tb);
        exact += ta.bytes == tb.bytes && !memcmp(ya, yb, ta.bytes);
        la = rn_last_input(&a, &na, &kind_a);
        lb = rn_last_input(&b, &nb, &kind_b);
        if (kind_a == DP_MOP_SOFTMAX) {
            softmax = 1;
            logits_exact += na == nb && !memcmp(la, lb, na);
            for (j = 0; j < ta.bytes && ta.bytes == tb.bytes; j++) {
                const double d = abs((int)ya[j] - (int)yb[j]);
                if (d > *sm_diff) *sm_diff = d;
            }
        }
    }
    if (softmax) {
        CHECK(logits_exact == n_inputs && kind_b == DP_MOP_SOFTMAXQ && xi.softmax_replaced == 1,
              "%s: logits bit-exact on %d of %d inputs; softmax -> %s", what, logits_exact, n_inputs, dp_mop_name(kind_b));
        CHECK(*sm_diff <= 8, "%s: diffprune's and TFLM's softmax within 8/256 (%g)", what, *sm_diff);
    } else {
        CHECK(exact == n_inputs, "%s: outputs bit-exact on %d of %d inputs", what, exact, n_inputs);
    }
    /* Round trips reach a fixed point: import numbers tensors in the
       file's op order and export writes them so, but the first import may
       pick another minimum-peak order among equal ones, or pack the arena
       differently for the new numbering; once a model is numbered in its
       own op order, import(export(m)) == m byte for byte. */
    {
        void *cur = back;
        size_t cl = bl;
        int it;
        back = NULL;
        *fixed_at = 0;
        for (it = 1; it <= 3 && !*fixed_at; it++) {
            st = dp_export_tflite(cur, cl, &tf2, &tl2, NULL, err, sizeof err);
            if (st == DP_OK) st = dp_tflite_import(tf2, tl2, &back2, &bl2, NULL, err, sizeof err);
            dp_free(tf2);
            tf2 = NULL;
            if (st != DP_OK) break;
            if (bl2 == cl && !memcmp(cur, back2, cl)) *fixed_at = it;
            dp_free(cur);
            cur = back2;
            cl = bl2;
            back2 = NULL;
        }
        CHECK(*fixed_at >= 1 && *fixed_at <= 2, "%s: import(export(m)) == m after %d round trip(s) (%s)", what, *fixed_at, st ? err : "");
        dp_free(cur);
    }
    rn_close(&a);
    rn_close(&b);
    dp_free(tf); dp_free(back); dp_free(tf2); dp_free(back2);
    return bad;
}

static void test_random(void)
{
    const int n_models = 24;
    int i, exported = 0, with_softmax = 0, fixed[4] = { 0, 0, 0, 0 };
    double worst = 0.0;
    for (i = 0; i < n_models; i++) {
        dp_graph *g = dp_graph_new((uint64_t)i + 1);
        dp_rng r;
        int sm = 0, n_in = 0, st, j;
        float *calib;
        void *blob;
        size_t len;
        char err[512], what[64];
        double d;
        dp_rng_seed(&r, 1000u + (uint64_t)i);
        if (rand_net(g, &r, &sm, &n_in) != DP_OK) { CHECK(0, "random net %d builds: %s", i, dp_graph_error(g)); dp_graph_free(g); continue; }
        calib = (float *)malloc(sizeof(float) * (size_t)n_in * 64);
        for (j = 0; j < n_in * 64; j++) calib[j] = dp_rng_normal(&r);
        st = dp_export(g, calib, 64, &blob, &len, NULL, err, sizeof err);
        CHECK(st == DP_OK, "random net %d exports to .dpm: %s", i, err);
        free(calib);
        dp_graph_free(g);
        if (st != DP_OK) continue;
        snprintf(what, sizeof what, "random net %d", i);
        round_trip(blob, len, what, &r, 20, &d, &j);
        fixed[j < 0 || j > 3 ? 0 : j]++;
        exported++;
        with_softmax += sm;
        if (d > worst) worst = d;
        dp_free(blob);
    }
    printf("  %d random networks (%d with diffprune's softmax) exported and imported back, outputs bit-exact (logits when a softmax);\n"
           "  largest softmax difference %g/256; import(export(m)) == m after 1 round trip: %d, after 2: %d\n",
           exported, with_softmax, worst, fixed[1], fixed[2]);
}

/* ------------------------------------------------------------ refusals */
static void test_refusals(void)
{
    dp_graph *g = dp_graph_new(5);
    dp_conv_opts o;
    float calib[8 * 8 * 4 * 8];
    void *blob, *tf;
    size_t len, tl;
    char err[512];
    int x, i, st;
    memset(&o, 0, sizeof o);
    o.groups = 2;
    x = dp_input(g, "in", 8, 8, 4);
    x = dp_conv2d(g, "grouped", x, 6, 3, 3, &o);
    dp_fc(g, "fc", x, 3);
    for (i = 0; i < (int)(sizeof calib / sizeof calib[0]); i++) calib[i] = (float)((i * 37) % 11) - 5.0f;
    st = dp_export(g, calib, 8, &blob, &len, NULL, err, sizeof err);
    CHECK(st == DP_OK, "grouped net exports to .dpm: %s", err);
    if (st == DP_OK) {
        st = dp_export_tflite(blob, len, &tf, &tl, NULL, err, sizeof err);
        CHECK(st == DP_ERR_UNSUPPORTED && strstr(err, "gconv2d") && !tf, "grouped conv refused by name: %d %s", st, err);
        ((uint8_t *)blob)[60] ^= 1;   /* a corrupt .dpm: the CRC catches it */
        st = dp_export_tflite(blob, len, &tf, &tl, NULL, err, sizeof err);
        CHECK(st == DP_ERR_CRC && !tf && strstr(err, "does not load"), "corrupt .dpm refused: %d %s", st, err);
        dp_free(blob);
    }
    dp_graph_free(g);
    CHECK(dp_export_tflite(NULL, 0, &tf, &tl, NULL, err, sizeof err) == DP_ERR_ARG, "NULL model refused");
    /* a 3-input ADD (the .dpm has them; TFLite's ADD takes two) */
    {
        dp_mb b;
        dp_mb_op op;
        int t[4], k;
        dp_mb_init(&b);
        for (k = 0; k < 4; k++) t[k] = dp_mb_add_tensor(&b, 2, 2, 3, k == 3 ? 0.2f : 0.05f, 0, (uint32_t)(12 * k));
        for (k = 1; k < 3; k++) {
            memset(&op, 0, sizeof op);
            op.kind = DP_MOP_MAXPOOL; op.inputs[0] = t[0]; op.output = t[k]; op.kh = op.kw = 1;
            dp_mb_add_op(&b, &op);
        }
        memset(&op, 0, sizeof op);
        op.kind = DP_MOP_ADD; op.n_inputs = 3; op.inputs[0] = t[0]; op.inputs[1] = t[1]; op.inputs[2] = t[2]; op.output = t[3];
        dp_mb_add_op(&b, &op);
        dp_mb_set_io(&b, t[0], t[3]);
        st = dp_mb_finish(&b, &blob, &len);
        dp_mb_free(&b);
        CHECK(st == DP_OK, "3-input ADD model builds (%d)", st);
        if (st == DP_OK) {
            st = dp_export_tflite(blob, len, &tf, &tl, NULL, err, sizeof err);
            CHECK(st == DP_ERR_UNSUPPORTED && strstr(err, "3 inputs"), "3-input ADD refused: %d %s", st, err);
            dp_free(blob);
        }
    }
}

/* ------------------------------------------------------ the real models */

static void test_real(void)
{
    static const char *const M[] = { "tiny_kws_ref_model", "tiny_ic_resnet_quant", "tflm_person_detect", "tflm_micro_speech_quantized",
                                      "tflm_hello_world_int8", "tiny_ad_toycar_quant_fullint_micro" };
    const char *dir = tfl_dir();
    char p[600], err[512];
    int i, k;
    if (!dir) { SKIP("real TFLite models: ../shared/tflite not found (set DP_TFLITE_DIR)"); return; }
    for (i = 0; i < (int)(sizeof M / sizeof M[0]); i++) {
        unsigned char *d;
        size_t n, bl, tl, bl2;
        void *blob, *tf = NULL, *blob2 = NULL;
        dp_tflite_info info, info2;
        dp_tflite_export_info xi;
        runner rr;
        int st, ok = 0;
        double dd;
        int fx;
        dp_rng r;
        snprintf(p, sizeof p, "%s/%s.tflite", dir, M[i]);
        if (dp_read_file(p, 0, &d, &n, err, sizeof err)) { CHECK(0, "read %s: %s", p, err); continue; }
        st = dp_tflite_import(d, n, &blob, &bl, &info, err, sizeof err);
        dp_free(d);
        CHECK(st == DP_OK, "%s imports: %s", M[i], err);
        if (st != DP_OK) continue;
        st = dp_export_tflite(blob, bl, &tf, &tl, &xi, err, sizeof err);
        CHECK(st == DP_OK, "%s exports: %s", M[i], err);
        if (st == DP_OK) st = dp_tflite_import(tf, tl, &blob2, &bl2, &info2, err, sizeof err);
        CHECK(st == DP_OK, "%s: exported file imports: %s", M[i], err);
        if (st != DP_OK) { dp_free(blob); dp_free(tf); continue; }
        if (bl2 != bl || memcmp(blob, blob2, bl))
            printf("  %s: import(export(import(file))) differs from import(file) (tensor numbering and arena packing; outputs checked below)\n", M[i]);
        if (rn_open(&rr, blob2, bl2)) { CHECK(0, "%s: re-imported model loads", M[i]); continue; }
        for (k = 0; k < 8; k++) {
            unsigned char *a = NULL, *b = NULL;
            size_t an = 0, bn = 0;
            snprintf(p, sizeof p, "%s/golden/%s.%d.in.bin", dir, M[i], k);
            dp_read_file(p, 0, &a, &an, err, sizeof err);
            snprintf(p, sizeof p, "%s/golden/%s.%d.out.bin", dir, M[i], k);
            dp_read_file(p, 0, &b, &bn, err, sizeof err);
            if (a && b) {
                int8_t *q = (int8_t *)malloc((size_t)info.in_elems);
                dp_tensor_info to;
                const int8_t *y;
                if (dp_tflite_set_input(&info, a, an, q) == DP_OK && rn_run(&rr, q) == DP_OK) {
                    y = dp_model_output(&rr.m, rr.arena, &to);
                    if (info.float_output) {
                        float *fo = (float *)malloc(bn);
                        dp_tflite_dequantize(fo, y, (int32_t)to.bytes, info.out_scale, info.out_zp);
                        ok += to.bytes * 4 == bn && !memcmp(fo, b, bn);
                        free(fo);
                    } else ok += to.bytes == bn && !memcmp(y, b, bn);
                }
                free(q);
            }
            dp_free(a); dp_free(b);
        }
        rn_close(&rr);
        CHECK(ok == 8, "%s: after export and import, %d of 8 outputs bit-exact with TFLM's", M[i], ok);
        CHECK(xi.arena_bytes == info.arena_bytes && info2.arena_bytes == info.arena_bytes,
              "%s: offline plan arena %lld == .dpm arena %lld", M[i], (long long)xi.arena_bytes, (long long)info.arena_bytes);
        snprintf(p, sizeof p, "real model %s", M[i]);
        check_plan((const uint8_t *)tf, tl, blob, bl, p, xi.replanned, xi.arena_bytes);
        CHECK(!xi.replanned, "%s: the imported model's order and arena are kept (already the scheduler's)", M[i]);
        dp_rng_seed(&r, 7);
        round_trip(blob, bl, p, &r, 8, &dd, &fx);
        printf("  %-36s %lu -> .tflite %lu bytes, %d ops, offline plan %lld B; 8/8 TFLM-exact after the round trip: %s\n", M[i],
               (unsigned long)bl, (unsigned long)tl, xi.n_ops, (long long)xi.arena_bytes, ok == 8 ? "yes" : "NO");
        dp_free(blob); dp_free(tf); dp_free(blob2);
    }
}

/* A .dpm built by hand in a bad order with a wasteful arena: two 1x1 convs
   to 1 KiB tensors, each pooled to 16 bytes, then concatenated; the file
   order runs both convs first and every tensor has its own bytes (2368).
   The export is in the scheduler's order with its arena: the exact peak
   256 + 1024 + 16 (input, a conv's output, a pooled one) = 1296, and runs
   the same. */
static void test_replan(void)
{
    dp_mb b;
    dp_mb_op op;
    static int8_t w[16 * 4];
    static float ws[16];
    int t[7], k, st;
    uint32_t off = 0;
    const int hw[7] = { 8, 8, 8, 1, 1, 1, 1 }, ch[7] = { 4, 16, 16, 16, 16, 32, 0 };
    void *blob, *tf;
    size_t len, tl;
    char err[512];
    dp_tflite_export_info xi;
    double d;
    int fx;
    dp_rng r;
    for (k = 0; k < 64; k++) w[k] = (int8_t)((k * 29) % 255 - 127);
    for (k = 0; k < 16; k++) ws[k] = 0.01f + 0.001f * (float)k;
    dp_mb_init(&b);
    for (k = 0; k < 6; k++) {
        t[k] = dp_mb_add_tensor(&b, hw[k], hw[k], ch[k], k == 0 ? 0.05f : 0.1f, k == 0 ? 0 : -3, off);
        off += (uint32_t)(hw[k] * hw[k] * ch[k]);
    }
    for (k = 0; k < 2; k++) {   /* both convs first */
        memset(&op, 0, sizeof op);
        op.kind = DP_MOP_CONV2D; op.inputs[0] = t[0]; op.output = t[1 + k]; op.kh = op.kw = 1;
        op.weights = w; op.w_scale = ws;
        dp_mb_add_op(&b, &op);
    }
    for (k = 0; k < 2; k++) {
        memset(&op, 0, sizeof op);
        op.kind = DP_MOP_GAP; op.inputs[0] = t[1 + k]; op.output = t[3 + k];
        dp_mb_add_op(&b, &op);
    }
    memset(&op, 0, sizeof op);
    op.kind = DP_MOP_CONCAT; op.n_inputs = 2; op.inputs[0] = t[3]; op.inputs[1] = t[4]; op.output = t[5];
    dp_mb_add_op(&b, &op);
    dp_mb_set_io(&b, t[0], t[5]);
    st = dp_mb_finish(&b, &blob, &len);
    CHECK(st == DP_OK, "hand-built model builds: %s", b.why ? b.why : "");
    dp_mb_free(&b);
    if (st != DP_OK) return;
    st = dp_export_tflite(blob, len, &tf, &tl, &xi, err, sizeof err);
    CHECK(st == DP_OK && xi.replanned && xi.dpm_arena_bytes == 2368 && xi.arena_bytes == 1296,
          "hand-built model: exported in the scheduler's order, arena %lld (the .dpm's %lld): %s", (long long)xi.arena_bytes,
          (long long)xi.dpm_arena_bytes, err);
    dp_free(tf);
    dp_rng_seed(&r, 3);
    round_trip(blob, len, "hand-built model", &r, 16, &d, &fx);
    dp_free(blob);
}

/* A conv with padding that is neither SAME nor VALID (what the importer
   makes of a PAD before a conv): written as PAD then a VALID conv, the
   padded tensor in a gap of the arena; imported back bit-exact with the
   same padding. */
static void test_pad(void)
{
    dp_mb b;
    dp_mb_op op;
    static int8_t w[4 * 3 * 3 * 3];
    static float ws[4] = { 0.01f, 0.02f, 0.015f, 0.03f };
    static int32_t bias[4] = { 100, -200, 300, -5 };
    int t0, t1, k, st, fx;
    void *blob, *tf, *back;
    size_t len, tl, bl;
    char err[512];
    dp_tflite_export_info xi;
    dp_model m;
    dp_mop_info oi;
    double d;
    dp_rng r;
    for (k = 0; k < (int)sizeof w; k++) w[k] = (int8_t)((k * 53) % 255 - 127);
    dp_mb_init(&b);
    t0 = dp_mb_add_tensor(&b, 6, 6, 3, 0.05f, 5, 0);
    t1 = dp_mb_add_tensor(&b, 7, 7, 4, 0.1f, -7, 108);
    memset(&op, 0, sizeof op);
    op.kind = DP_MOP_CONV2D; op.inputs[0] = t0; op.output = t1; op.kh = op.kw = 3;
    op.pad_t = 2; op.pad_l = 1; op.pad_b = 1; op.pad_r = 2;
    op.weights = w; op.w_scale = ws; op.bias = bias;
    dp_mb_add_op(&b, &op);
    dp_mb_set_io(&b, t0, t1);
    st = dp_mb_finish(&b, &blob, &len);
    dp_mb_free(&b);
    CHECK(st == DP_OK, "padded-conv model builds (%d)", st);
    if (st != DP_OK) return;
    st = dp_export_tflite(blob, len, &tf, &tl, &xi, err, sizeof err);
    CHECK(st == DP_OK && xi.n_ops == 2, "conv with pads t2 l1 b1 r2: exported as PAD + CONV_2D (%d ops): %s", xi.n_ops, err);
    if (st == DP_OK && dp_tflite_import(tf, tl, &back, &bl, NULL, err, sizeof err) == DP_OK) {
        dp_model_init(&m, back, bl);
        dp_model_op(&m, 0, &oi);
        CHECK(dp_model_n_ops(&m) == 1 && oi.pad_t == 2 && oi.pad_l == 1 && oi.pad_b == 1 && oi.pad_r == 2,
              "imported back as one conv with the same padding (%d ops, t%d l%d b%d r%d)", dp_model_n_ops(&m), oi.pad_t, oi.pad_l, oi.pad_b, oi.pad_r);
        dp_free(back);
    } else CHECK(0, "padded conv imports back: %s", err);
    dp_free(tf);
    dp_rng_seed(&r, 5);
    round_trip(blob, len, "padded conv", &r, 16, &d, &fx);
    dp_free(blob);
}

int main(void)
{
    test_pad();
    test_replan();
    test_refusals();
    test_random();
    test_real();
    return TEST_DONE();
}

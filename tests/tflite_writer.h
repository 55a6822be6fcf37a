/* tests/tflite_writer.h - a small TFLite flatbuffer writer for the tests,
   the fuzz seeds and nothing else: enough of the schema (version 3) to
   describe int8 models op by op. Objects are written parent first and the
   forward references patched, so every offset points forward as
   flatbuffers require; each vtable sits just before its table. */
#ifndef DP_TFLITE_WRITER_H
#define DP_TFLITE_WRITER_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tw_buf { uint8_t *b; size_t n, cap; } tw_buf;

static void tw_put(tw_buf *w, const void *p, size_t k)
{
    if (w->n + k > w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 4096;
        while (nc < w->n + k) nc *= 2;
        w->b = (uint8_t *)realloc(w->b, nc);
        w->cap = nc;
    }
    if (p) memcpy(w->b + w->n, p, k); else memset(w->b + w->n, 0, k);
    w->n += k;
}
static void tw_align(tw_buf *w, size_t a) { while (w->n % a) tw_put(w, NULL, 1); }
static void tw_u32at(tw_buf *w, size_t at, uint32_t v)
{
    w->b[at] = (uint8_t)v; w->b[at + 1] = (uint8_t)(v >> 8); w->b[at + 2] = (uint8_t)(v >> 16); w->b[at + 3] = (uint8_t)(v >> 24);
}
#define TW_NOREF ((size_t)-1)
/* the reference stored at `at` points to `to` (a later position) */
static void tw_ref(tw_buf *w, size_t at, size_t to)
{
    if (at != TW_NOREF) tw_u32at(w, at, (uint32_t)(to - at));
}

/* a table field: size 0 = absent; ref = 1: a u32 reference to patch */
typedef struct tw_fld { int size, ref; uint64_t val; } tw_fld;
#define TW_NONE { 0, 0, 0 }
#define TW_U8(v) { 1, 0, (uint64_t)(v) }
#define TW_U32(v) { 4, 0, (uint64_t)(uint32_t)(v) }
#define TW_REF { 4, 1, 0 }

/* writes a table of nf fields, referenced from ref_at; pos[i] = where
   field i sits (the references to fill in) */
static size_t tw_table(tw_buf *w, size_t ref_at, int nf, const tw_fld *f, size_t *pos)
{
    size_t vt, t, off[16];
    uint16_t v16;
    int i, tl = 4;
    for (i = 0; i < nf; i++) {   /* layout: each field aligned to its size */
        if (!f[i].size) { off[i] = 0; continue; }
        while (tl % f[i].size) tl++;
        off[i] = (size_t)tl;
        tl += f[i].size;
    }
    while (tl % 4) tl++;
    tw_align(w, 2);
    if ((w->n + 4 + 2 * (size_t)nf) % 4) tw_put(w, NULL, 2);   /* table 4-aligned */
    vt = w->n;
    v16 = (uint16_t)(4 + 2 * nf); tw_put(w, &v16, 2);
    v16 = (uint16_t)tl; tw_put(w, &v16, 2);
    for (i = 0; i < nf; i++) { v16 = (uint16_t)off[i]; tw_put(w, &v16, 2); }
    t = w->n;
    tw_put(w, NULL, (size_t)tl);
    tw_u32at(w, t, (uint32_t)(t - vt));      /* soffset: vtable = table - it */
    tw_ref(w, ref_at, t);
    for (i = 0; i < nf; i++) {
        if (pos) pos[i] = t + off[i];
        if (!f[i].size) continue;
        if (f[i].size == 1) w->b[t + off[i]] = (uint8_t)f[i].val;
        else if (!f[i].ref) tw_u32at(w, t + off[i], (uint32_t)f[i].val);
    }
    return t;
}
/* a vector of count elements of elem bytes, referenced from ref_at;
   returns the count's position */
static size_t tw_vec(tw_buf *w, size_t ref_at, const void *data, uint32_t count, size_t elem)
{
    size_t at;
    tw_align(w, 4);
    if (elem > 4 && w->n % 8 == 0) tw_put(w, NULL, 4);   /* elements 8-aligned */
    if (elem == 1 && count >= 16) while ((w->n + 4) % 16) tw_put(w, NULL, 1);
    at = w->n;
    tw_ref(w, ref_at, at);
    tw_put(w, NULL, 4);
    tw_u32at(w, at, count);
    tw_put(w, data, (size_t)count * elem);
    if (elem == 1) tw_put(w, NULL, 1);                   /* strings end in 0 */
    return at;
}

/* ---- models ---- */
typedef struct tw_tensor {
    int rank, shape[4], type;              /* TFLite TensorType (9 = INT8) */
    const void *data; size_t len;          /* constant data or NULL         */
    int nq, qdim;                          /* scales / zero points          */
    float scale[16];
    int64_t zp[16];
    const char *name;
} tw_tensor;
typedef struct tw_op {
    int code, nin, in[4], out;
    int opt_type, nopt;                    /* builtin options union type     */
    tw_fld opt[8];
    int32_t opt_vec[8]; int n_opt_vec;     /* one int vector option (field   */
    int opt_vec_field;                     /*   opt_vec_field), if n > 0     */
} tw_op;

/* A whole .tflite: one subgraph, op k uses operator code k; malloc'd. */
static uint8_t *tw_model(const tw_tensor *T, int nt, const tw_op *O, int no, int input, int output, size_t *len)
{
    tw_buf w = { NULL, 0, 0 };
    size_t p[16], root_ref, model[8], sgv, ocv, bufv, sgp[8], tv, ov, tpos[64], opos[64], k;
    tw_fld mf[5] = { TW_U32(3), TW_REF, TW_REF, TW_NONE, TW_REF };
    tw_fld sf[5] = { TW_REF, TW_REF, TW_REF, TW_REF, TW_NONE };
    tw_put(&w, NULL, 4);
    tw_put(&w, "TFL3", 4);
    root_ref = 0;
    tw_table(&w, root_ref, 5, mf, model);
    /* operator codes */
    ocv = tw_vec(&w, model[1], NULL, (uint32_t)no, 4);
    for (k = 0; k < (size_t)no; k++) {
        tw_fld cf[4] = { TW_U8(O[k].code < 127 ? O[k].code : 127), TW_NONE, TW_U32(1), TW_U32(O[k].code) };
        tw_table(&w, ocv + 4 + 4 * k, 4, cf, NULL);
    }
    /* subgraph */
    sgv = tw_vec(&w, model[2], NULL, 1, 4);
    tw_table(&w, sgv + 4, 5, sf, sgp);
    tw_vec(&w, sgp[1], &input, 1, 4);
    tw_vec(&w, sgp[2], &output, 1, 4);
    tv = tw_vec(&w, sgp[0], NULL, (uint32_t)nt, 4);
    for (k = 0; k < (size_t)nt; k++) {
        tw_fld tf[5] = { TW_REF, TW_U8(T[k].type), TW_U32(k + 1), TW_REF, TW_REF };
        if (!T[k].nq) tf[4].size = 0;
        tw_table(&w, tv + 4 + 4 * k, 5, tf, p);
        tpos[k] = p[4];
        tw_vec(&w, p[0], T[k].shape, (uint32_t)T[k].rank, 4);
        tw_vec(&w, p[3], T[k].name ? T[k].name : "t", (uint32_t)strlen(T[k].name ? T[k].name : "t"), 1);
        if (T[k].nq) {
            tw_fld qf[7] = { TW_NONE, TW_NONE, TW_REF, TW_REF, TW_NONE, TW_NONE, TW_U32(T[k].qdim) };
            size_t q[7];
            tw_table(&w, tpos[k], 7, qf, q);
            tw_vec(&w, q[2], T[k].scale, (uint32_t)T[k].nq, 4);
            tw_vec(&w, q[3], T[k].zp, (uint32_t)T[k].nq, 8);
        }
    }
    ov = tw_vec(&w, sgp[3], NULL, (uint32_t)no, 4);
    for (k = 0; k < (size_t)no; k++) {
        tw_fld of[5] = { TW_U32(k), TW_REF, TW_REF, TW_U8(O[k].opt_type), TW_REF };
        if (!O[k].opt_type) of[4].size = 0;
        tw_table(&w, ov + 4 + 4 * k, 5, of, p);
        opos[k] = p[4];
        tw_vec(&w, p[1], O[k].in, (uint32_t)O[k].nin, 4);
        tw_vec(&w, p[2], &O[k].out, 1, 4);
        if (O[k].opt_type) {
            size_t q[8];
            tw_table(&w, opos[k], O[k].nopt, O[k].opt, q);
            if (O[k].n_opt_vec) tw_vec(&w, q[O[k].opt_vec_field], O[k].opt_vec, (uint32_t)O[k].n_opt_vec, 4);
        }
    }
    /* buffers: 0 empty, k+1 for tensor k */
    bufv = tw_vec(&w, model[4], NULL, (uint32_t)nt + 1, 4);
    for (k = 0; k <= (size_t)nt; k++) {
        tw_fld bf[1] = { TW_REF };
        const int has = k > 0 && T[k - 1].data;
        if (!has) bf[0].size = 0;
        tw_table(&w, bufv + 4 + 4 * k, 1, bf, p);
        if (has) tw_vec(&w, p[0], T[k - 1].data, (uint32_t)T[k - 1].len, 1);
    }
    *len = w.n;
    return w.b;
}
#endif

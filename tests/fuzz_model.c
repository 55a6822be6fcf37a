/* tests/fuzz_model.c - fuzz target for the .dpm model loader and interpreter.

   Property under test: dp_model_init() refuses every corrupt or truncated
   blob with an error status and never reads outside it; a blob it accepts
   runs in an arena of exactly dp_model_arena_size() bytes without touching
   anything else. The blob is a malloc'd (so 4-aligned) copy of exactly
   `size` bytes, with the bytes past the header's total length poisoned
   under ASan; the arena is a malloc of exactly the planned size. So
   AddressSanitizer reports any byte read or written outside either.

   An input is one of two things:
     - a .dpm blob, fuzzed as bytes;
     - 'G' then a program: dpf_generate() turns it into a .dpm with a writer
       of its own (not the library's builder): up to 16 ops of any kind with
       odd geometry (dilation, stride > kernel, pads up to 2k, kernels up to
       40), raw requantisation values at their limits, extreme weights and
       biases, a greedy arena plan with in-place adds. Valid by construction
       (pool pads = kernel now and then, which must be refused), so the
       interpreter meets shapes that byte mutations rarely reach.

   One input is checked like this (dpf_check):
     1. dp_model_init on the blob as given.
     2. Repairs, so that mutations reach past the checksums: on DP_ERR_CRC
        the CRC is recomputed; on "kernel sum does not match" the kernel
        sums of that op (and of later ones) are recomputed; on "MAC total
        does not match" the header's MAC total is recomputed from the op
        records. Each repair rewrites the CRC and retries, at most
        DPF_MAX_REPAIRS times. The loader itself still checks everything:
        a repair only fixes a checksum.
     3. Refused: the status is a documented error, m.why is set and the
        model is unusable (every accessor refuses it).
        Accepted: every dp_model_tensor / dp_model_op is walked and checked
        against the header; a misaligned or truncated copy is refused; when
        the arena is <= 16 MiB and the work is small the model runs in the
        exact-size arena (model input: random or extreme values),
        then the output and its argmax are read and checked; then the same
        model with every tensor in bytes of its own must give the same
        output (catches an accepted arena plan that clobbers a live tensor,
        or a kernel reading outside its tensors: errors inside the arena
        that ASan cannot see).
   A broken property calls abort() in the fuzzer (libFuzzer saves the input).
   libFuzzer also gets a structure-aware mutator (LLVMFuzzerCustomMutator):
   half the time, edits of single .dpm fields to values near their limits,
   then the checksums fixed.

   Builds:
     libFuzzer  clang -g -O1 -fsanitize=fuzzer,address,undefined \
                      -fno-sanitize-recover=undefined \
                      tests/fuzz_model.c -o build/fuzz/fuzz_model
                (tests/fuzz.sh model SECONDS builds it and runs it)
     AFL++      afl-clang-fast -g -O1 -fsanitize=fuzzer tests/fuzz_model.c ...
                (AFL++'s libFuzzer driver), or
                afl-clang-fast -g -O1 -DDP_FUZZ_MAIN tests/fuzz_model.c ...
                and `afl-fuzz -i tests/fuzz_corpus -o OUT -- ./a.out @@`
                (persistent mode when built by afl-clang-fast, no file args)
     replay     cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN \
                   tests/fuzz_model.c -o build/fuzz_replay
                build/fuzz_replay [-v] [-o BLOB] FILE...
                (-v: one line per file; -o: writes the blob of the last FILE
                after the repairs, or the model a 'G' program makes: a .dpm
                that `diffprune info/run` loads as it is)
   tests/test_fuzz_replay.c includes this file with DP_FUZZ_LIBRARY defined
   (no entry points, the header already included) to run the same checks. */
#ifndef DIFFPRUNE_H
#define DIFFPRUNE_INFERENCE_ONLY   /* the half a device runs; freestanding */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SANITIZE_ADDRESS__)
#define DPF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DPF_ASAN 1
#endif
#endif
#ifdef DPF_ASAN   /* bytes past the blob's total length: no one may read them */
#include <sanitizer/asan_interface.h>
#define DPF_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define DPF_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define DPF_POISON(p, n) ((void)(p), (void)(n))
#define DPF_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define DPF_MAX_ARENA (16u << 20)       /* do not run models needing more    */
#define DPF_MAX_WORK ((uint64_t)1 << 21) /* MACs + bytes moved, per run       */
#define DPF_MAX_REPAIRS 64

typedef struct dpf_result {
    int st_raw;          /* dp_model_init on the input as given             */
    int st;              /* after the repairs (== st_raw without any)        */
    int repairs;         /* checksums rewritten (CRC, kernel sums, MACs)     */
    int ran;             /* 1: dp_model_run ran; 0: refused or too big       */
    int argmax;          /* output argmax when ran, else -1                  */
    uint32_t arena;      /* dp_model_arena_size when accepted                */
    uint64_t work;       /* MACs + bytes moved when accepted                 */
    int generated;       /* the input was a generator program ('G')          */
    const char *why;     /* m.why of the final refusal                       */
    int where;
    const char *bad;     /* NULL, or the property that broke                 */
} dpf_result;

static uint32_t dpf_rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t dpf_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void dpf_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* ---- repairs: computed from the spec in >>dpm, bounds-checked here too,
   so the harness itself never reads out of the buffer ---- */

/* rewrite the CRC at the header's total length; 0 if it does not fit */
static int dpf_fix_crc(uint8_t *b, size_t size)
{
    uint32_t len;
    if (size < 52) return 0;
    len = dpf_rd32(b + 8);
    if (len < 52 || len > size || len % 4u) return 0;
    dpf_wr32(b + len - 4u, dp_crc32(0, b, len - 4u));
    return 1;
}

/* tensor record `id`: h, w, c and bytes; 0 if out of the buffer */
static int dpf_tensor(const uint8_t *b, size_t size, uint32_t id, uint32_t *h, uint32_t *w, uint32_t *c)
{
    const size_t at = 48u + 24u * (size_t)id;
    if (id >= dpf_rd16(b + 16) || at + 24u > size) return 0;
    *h = dpf_rd16(b + at + 8);
    *w = dpf_rd16(b + at + 10);
    *c = dpf_rd16(b + at + 12);
    return 1;
}

/* start of op record k, or 0 if out of the buffer */
static size_t dpf_op_at(const uint8_t *b, size_t size, uint32_t k)
{
    const size_t at = 48u + 24u * (size_t)dpf_rd16(b + 16) + 64u * (size_t)k;
    return (k < dpf_rd16(b + 18) && at + 64u <= size) ? at : 0;
}

/* recompute the kernel sums of conv/fc op k, when its weights and sums lie
   where the loader would look for them (4-aligned, in the data section) */
static int dpf_fix_ksum(uint8_t *b, size_t size, uint32_t k)
{
    const size_t at = dpf_op_at(b, size, k);
    const size_t data_off = 48u + 24u * (size_t)dpf_rd16(b + 16) + 64u * (size_t)dpf_rd16(b + 18);
    uint32_t kind, h, w, c, w_off, w_len, k_off, R, i, j;
    if (!at || size < 4u) return 0;
    size -= 4u;   /* the CRC */
    kind = b[at];
    if (kind != DP_MOP_CONV2D && kind != DP_MOP_FC && kind != DP_MOP_GCONV2D) return 0;
    if (!dpf_tensor(b, size, dpf_rd16(b + at + 2), &h, &w, &c) || c == 0) return 0;
    w_off = dpf_rd32(b + at + 32);
    w_len = dpf_rd32(b + at + 36);
    k_off = dpf_rd32(b + at + 44);
    if (w_len % c || w_off % 4u || k_off % 4u || w_off < data_off || k_off < data_off ||
        w_off > size || w_len > size - w_off || k_off > size || 4u * (size_t)c > size - k_off)
        return 0;
    R = w_len / c;
    for (i = 0; i < c; i++) {
        int32_t s = 0;
        for (j = 0; j < R; j++) s += (int32_t)(int8_t)b[w_off + i * R + j];
        dpf_wr32(b + k_off + 4u * i, (uint32_t)s);
    }
    return 1;
}

/* MACs of one op record, the way >>dpm / dp__macs count them */
static int dpf_op_macs(const uint8_t *b, size_t size, uint32_t k, uint64_t *macs)
{
    const size_t at = dpf_op_at(b, size, k);
    uint32_t kind, n_in, ih, iw, ic, oh, ow, oc, kh, kw;
    uint64_t opix;
    if (!at) return 0;
    kind = b[at];
    n_in = b[at + 1];
    if (!dpf_tensor(b, size, dpf_rd16(b + at + 4), &ih, &iw, &ic) ||
        !dpf_tensor(b, size, dpf_rd16(b + at + 2), &oh, &ow, &oc)) return 0;
    kh = b[at + 20];
    kw = b[at + 21];
    opix = (uint64_t)oh * ow;
    switch (kind) {
    case DP_MOP_CONV2D: *macs = opix * oc * kh * kw * ic; break;
    case DP_MOP_GCONV2D: {   /* groups at offset 56 */
        const uint32_t G = dpf_rd32(b + at + 56);
        *macs = opix * oc * kh * kw * (ic / (G ? G : 1u));
        break;
    }
    case DP_MOP_DWCONV2D: case DP_MOP_MAXPOOL: case DP_MOP_AVGPOOL: *macs = opix * oc * kh * kw; break;
    case DP_MOP_FC: *macs = (uint64_t)oc * ih * iw * ic; break;
    case DP_MOP_GAP: *macs = (uint64_t)ih * iw * ic; break;
    case DP_MOP_ADD: *macs = n_in > 1 ? (uint64_t)(n_in - 1u) * opix * oc : 0; break;
    default: *macs = 0; break;
    }
    return 1;
}

static int dpf_fix_macs(uint8_t *b, size_t size)
{
    uint64_t total = 0, one;
    uint32_t k, n_ops;
    if (size < 52) return 0;
    n_ops = dpf_rd16(b + 18);
    for (k = 0; k < n_ops; k++) {
        if (!dpf_op_macs(b, size, k, &one)) return 0;
        total += one;
    }
    dpf_wr32(b + 36, (uint32_t)total);
    dpf_wr32(b + 40, (uint32_t)(total >> 32));
    return 1;
}

static int dpf_why_is(const dp_model *m, const char *text)
{
    return m->why && strstr(m->why, text) != NULL;
}

/* init with repairs; b is the writable copy of `size` bytes */
static int dpf_load(dp_model *m, uint8_t *b, size_t size, dpf_result *r)
{
    int st = dp_model_init(m, b, size), last_fix = 0;
    int32_t last_where = -2, same = 0;
    /* repairs stay inside the header's total length */
    const size_t lim = size >= 52 && dpf_rd32(b + 8) <= size ? dpf_rd32(b + 8) : size;
    r->st_raw = st;
    while (st != DP_OK && r->repairs < DPF_MAX_REPAIRS) {
        int fix = 0, ok = 0;
        if (st == DP_ERR_CRC) { fix = 1; ok = 1; }
        else if (dpf_why_is(m, "kernel sum does not match") && m->where >= 0) {
            uint32_t k;   /* this op, and the later ones while at it */
            fix = 2;   /* the same op again and again: sums overlap weights */
            same = last_fix == 2 && last_where == m->where ? same + 1 : 0;
            ok = same < 4 && dpf_fix_ksum(b, lim, (uint32_t)m->where);
            last_where = m->where;
            for (k = (uint32_t)m->where + 1u; ok && k < dpf_rd16(b + 18); k++) dpf_fix_ksum(b, lim, k);
        }
        else if (dpf_why_is(m, "MAC total does not match")) { fix = 3; ok = last_fix != 3 && dpf_fix_macs(b, lim); }
        if (!ok || (fix == 1 && last_fix == 1) || !dpf_fix_crc(b, size)) break;
        last_fix = fix;
        r->repairs++;
        st = dp_model_init(m, b, size);
    }
    r->st = st;
    return st;
}

/* the refusal contract: an error status, a reason, nothing usable */
static const char *dpf_check_refused(const dp_model *m, int st)
{
    dp_tensor_info ti;
    dp_mop_info oi;
    int8_t dummy[64];
    memset(dummy, 0, sizeof dummy);
    if (st != DP_ERR_FORMAT && st != DP_ERR_CRC && st != DP_ERR_UNSUPPORTED && st != DP_ERR_LIMIT)
        return "refused with a status other than FORMAT/CRC/UNSUPPORTED/LIMIT";
    if (!m->why || !m->why[0]) return "refused without a reason in m.why";
    if (m->where < -1) return "m.where < -1";
    if (dp_model_arena_size(m) != 0 || dp_model_n_ops(m) != 0 || dp_model_n_tensors(m) != 0 ||
        dp_model_macs(m) != 0)
        return "a refused model reports sizes";
    if (dp_model_run(m, dummy, sizeof dummy) != DP_ERR_ARG) return "a refused model runs";
    if (dp_model_input(m, dummy, &ti) != NULL || dp_model_output(m, dummy, NULL) != NULL)
        return "a refused model hands out tensor pointers";
    if (dp_model_tensor(m, 0, &ti) != DP_ERR_ARG || dp_model_op(m, 0, &oi) != DP_ERR_ARG)
        return "a refused model describes tensors or ops";
    if (dp_model_output_argmax(m, dummy) >= 0) return "a refused model gives an argmax";
    return NULL;
}

/* the acceptance contract: accessors agree with the header; every tensor
   inside the arena; sums of per-op MACs = total */
static const char *dpf_check_accepted(const dp_model *m, const uint8_t *b, size_t size, dpf_result *r)
{
    const int nt = dp_model_n_tensors(m), no = dp_model_n_ops(m);
    const size_t arena = dp_model_arena_size(m);
    uint64_t macs = 0, moved = 0;
    dp_tensor_info ti;
    dp_mop_info oi;
    dp_model m2;
    uint8_t *mis;
    uint32_t len;
    int i, j;
    if (m->why != NULL || m->where != -1) return "accepted but m.why/m.where set";
    if (arena == 0 || nt < 2 || no < 1) return "accepted with an empty arena, < 2 tensors or no ops";
    if (nt != (int)dpf_rd16(b + 16) || no != (int)dpf_rd16(b + 18) || arena != dpf_rd32(b + 12))
        return "accessors disagree with the header";
    for (i = 0; i < nt; i++) {
        if (dp_model_tensor(m, i, &ti) != DP_OK) return "dp_model_tensor refused a valid id";
        if (ti.shape.h < 1 || ti.shape.w < 1 || ti.shape.c < 1 ||
            (uint64_t)ti.shape.h * (uint64_t)ti.shape.w * (uint64_t)ti.shape.c != ti.bytes)
            return "tensor bytes != h*w*c";
        if (ti.bytes > arena || ti.offset > arena - ti.bytes) return "tensor outside the arena";
        if (ti.zero_point < -128 || ti.zero_point > 127) return "tensor zero point outside int8";
    }
    if (dp_model_tensor(m, nt, &ti) != DP_ERR_ARG || dp_model_tensor(m, -1, &ti) != DP_ERR_ARG)
        return "dp_model_tensor accepted an id out of range";
    for (i = 0; i < no; i++) {
        if (dp_model_op(m, i, &oi) != DP_OK) return "dp_model_op refused a valid index";
        if (oi.kind < 1 || oi.kind >= DP_MOP_KIND_COUNT || !oi.name || !strcmp(oi.name, "?"))
            return "op of an unknown kind accepted";
        if (oi.n_inputs < 1 || oi.n_inputs > DP_MAX_OP_INPUTS || oi.output < 0 || oi.output >= nt)
            return "op input count or output id out of range";
        for (j = 0; j < oi.n_inputs; j++)
            if (oi.inputs[j] < 0 || oi.inputs[j] >= nt || oi.inputs[j] == oi.output)
                return "op input id out of range or equal to its output";
        if (oi.out_shape.h < 1 || oi.out_shape.w < 1 || oi.out_shape.c < 1) return "op output shape empty";
        macs += oi.macs;
        for (j = 0; j < oi.n_inputs; j++) {
            dp_model_tensor(m, oi.inputs[j], &ti);
            moved += ti.bytes;
        }
        dp_model_tensor(m, oi.output, &ti);
        moved += 2u * (uint64_t)ti.bytes;
    }
    if (dp_model_op(m, no, &oi) != DP_ERR_ARG || dp_model_op(m, -1, &oi) != DP_ERR_ARG)
        return "dp_model_op accepted an index out of range";
    if (macs != dp_model_macs(m)) return "per-op MACs do not add up to dp_model_macs";
    r->work = macs + moved;
    /* the same bytes truncated, or misaligned, are refused */
    len = dpf_rd32(b + 8);
    if (len < 52 || len > size || dp_model_init(&m2, b, len - 1u) == DP_OK) return "a truncated copy was accepted";
    mis = (uint8_t *)malloc((size_t)len + 1u);
    if (!mis) return NULL;
    memcpy(mis + 1, b, len);
    j = dp_model_init(&m2, mis + 1, len);
    free(mis);
    if (j != DP_ERR_ARG) return "a misaligned copy was not refused with DP_ERR_ARG";
    return NULL;
}

/* the model input: random bytes, or the extremes the overflow bounds of
   the kernels depend on */
static void dpf_fill_input(int8_t *x, uint32_t n, uint32_t seed)
{
    uint32_t s = seed | 1u, i;
    for (i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        switch (seed & 3u) {
        case 0: x[i] = (int8_t)(s >> 24); break;
        case 1: x[i] = -128; break;
        case 2: x[i] = 127; break;
        default: x[i] = (s >> 31) ? 127 : -128; break;
        }
    }
}

/* The same model with every tensor in bytes of its own (offsets packed one
   after the other, no sharing), malloc'd, or NULL if too big. Its output
   must equal the planned arena's: a difference means the loader accepted
   an arena plan that clobbers a live tensor, or a kernel reads outside its
   tensors -- in-arena errors that ASan cannot see. */
static uint8_t *dpf_unshared(const uint8_t *b, size_t *len)
{
    const uint32_t T = dpf_rd16(b + 16), n = dpf_rd32(b + 8);
    uint64_t at = 0;
    uint32_t i;
    uint8_t *c;
    for (i = 0; i < T; i++) at += dpf_rd32(b + 48u + 24u * i + 4u);
    if (at > DPF_MAX_ARENA || (c = (uint8_t *)malloc(n)) == NULL) return NULL;
    memcpy(c, b, n);
    at = 0;
    for (i = 0; i < T; i++) {
        dpf_wr32(c + 48u + 24u * i, (uint32_t)at);
        at += dpf_rd32(c + 48u + 24u * i + 4u);
    }
    dpf_wr32(c + 12, (uint32_t)at);
    dpf_fix_crc(c, n);
    *len = n;
    return c;
}

/* run in an arena of exactly the planned size (a constant everywhere, the
   model input filled), read the output and argmax; then again with every
   tensor unshared and another constant, and compare the outputs */
static const char *dpf_run(const dp_model *m, const uint8_t *blob, uint32_t seed, dpf_result *r)
{
    const size_t n = dp_model_arena_size(m);
    dp_tensor_info ti, to, t2;
    dp_model m2;
    int8_t *arena, *x, *y, *out = NULL, *arena2 = NULL;
    uint8_t *b2 = NULL;
    size_t n2 = 0;
    int am, k;
    const char *bad = NULL;
    if (n > DPF_MAX_ARENA || r->work > DPF_MAX_WORK) return NULL;   /* too big to run here */
    arena = (int8_t *)malloc(n);
    if (!arena) return NULL;
    memset(arena, 0xA5, n);
    x = dp_model_input(m, arena, &ti);
    if (!x || x < arena || ti.bytes > n || (size_t)(x - arena) > n - ti.bytes) { bad = "input pointer outside the arena"; goto done; }
    dpf_fill_input(x, ti.bytes, seed);
    if (n > 0 && dp_model_run(m, arena, n - 1u) != DP_ERR_ARG) { bad = "ran in an arena one byte short"; goto done; }
    if (dp_model_run(m, arena, n) != DP_OK) { bad = "dp_model_run failed on an accepted model"; goto done; }
    y = dp_model_output(m, arena, &to);
    if (!y || y < arena || to.bytes > n || (size_t)(y - arena) > n - to.bytes) { bad = "output pointer outside the arena"; goto done; }
    am = dp_model_output_argmax(m, arena);
    if (am < 0 || (uint32_t)am >= to.bytes) { bad = "argmax out of range"; goto done; }
    for (k = 0; k < (int)to.bytes; k++)
        if (y[k] > y[am] || (k < am && y[k] == y[am])) { bad = "argmax is not the first largest output"; goto done; }
    r->ran = 1;
    r->argmax = am;
    /* the unshared twin */
    if ((b2 = dpf_unshared(blob, &n2)) == NULL) goto done;
    if (dp_model_init(&m2, b2, n2) != DP_OK) { bad = "the model with unshared tensors was refused"; goto done; }
    if ((arena2 = (int8_t *)malloc(dp_model_arena_size(&m2))) == NULL) goto done;
    memset(arena2, 0x3C, dp_model_arena_size(&m2));
    x = dp_model_input(&m2, arena2, &t2);
    dpf_fill_input(x, t2.bytes, seed);
    if (dp_model_run(&m2, arena2, dp_model_arena_size(&m2)) != DP_OK) { bad = "the unshared model did not run"; goto done; }
    out = dp_model_output(&m2, arena2, &t2);
    if (t2.bytes != to.bytes || memcmp(out, y, to.bytes) != 0)
        bad = "output differs from the same model with unshared tensors (arena plan or kernel bounds)";
done:
    free(arena2);
    free(b2);
    free(arena);
    return bad;
}

/* ---- generator mode: an input starting with 'G' is a program that
   describes a model; dpf_generate writes it as a .dpm with its own writer
   (independent of the library's builder): ops of every kind with odd
   geometry, raw requantisation parameters (any mult >= 0, any shift in
   range), extreme weights and biases, a greedy arena plan with in-place
   adds. Valid by construction in most cases, so the interpreter runs
   shapes that byte mutations of the seeds rarely reach. ---- */
#define DPF_GT 40               /* tensors at most                          */
#define DPF_GO 16               /* ops at most                              */
#define DPF_GDATA (1u << 16)    /* data bytes at most                       */

typedef struct dpf_gen {
    const uint8_t *p;
    size_t n, i;
    uint32_t nt, no, data_len;
    uint32_t h[DPF_GT], w[DPF_GT], c[DPF_GT], first[DPF_GT], last[DPF_GT], off[DPF_GT], sb[DPF_GT];
    int32_t zp[DPF_GT], alias[DPF_GT];
    uint8_t op[DPF_GO][64];     /* records; array offsets relative to data  */
    uint8_t data[DPF_GDATA];
} dpf_gen;

static uint32_t dpf_g8(dpf_gen *g) { return g->i < g->n ? g->p[g->i++] : 0u; }
static uint32_t dpf_g32(dpf_gen *g)
{
    const uint32_t a = dpf_g8(g), b = dpf_g8(g), c = dpf_g8(g);
    return a | (b << 8) | (c << 16) | (dpf_g8(g) << 24);
}
static uint32_t dpf_gmult(dpf_gen *g)
{
    static const uint32_t pick[8] = { 0u, 1u, 0x40000000u, 0x40000001u, 0x7FFFFFFFu, 0x5A827999u, 0x60000000u, 0 };
    const uint32_t k = dpf_g8(g) % 8u;
    return k < 7u ? pick[k] : 0x40000000u | (dpf_g32(g) & 0x3FFFFFFFu);
}
static uint32_t dpf_gshift(dpf_gen *g, int32_t lo, int32_t hi)
{
    const int32_t v = lo + (int32_t)(dpf_g8(g) % (uint32_t)(hi - lo + 1));
    return (uint32_t)v;   /* two's complement bits */
}
static int dpf_gtensor(dpf_gen *g, uint32_t h, uint32_t w, uint32_t c, int32_t zp, uint32_t sb)
{
    if (g->nt >= DPF_GT || h == 0 || w == 0 || c == 0 || h > 65535 || w > 65535 || c > 65535 ||
        (uint64_t)h * w * c > (1u << 20)) return -1;
    g->h[g->nt] = h; g->w[g->nt] = w; g->c[g->nt] = c; g->zp[g->nt] = zp; g->sb[g->nt] = sb;
    g->alias[g->nt] = -1;
    return (int)g->nt++;
}
/* append n bytes (from the program, or `fill` = 0/1/2: program, -128, 127) */
static uint32_t dpf_gdata(dpf_gen *g, uint32_t n)
{
    const uint32_t at = (g->data_len + 3u) & ~3u, mode = dpf_g8(g) % 4u;
    uint32_t i;
    if (n > DPF_GDATA || at > DPF_GDATA - n) return 0xFFFFFFFFu;
    for (i = 0; i < n; i++)
        g->data[at + i] = (uint8_t)(mode == 1u ? 0x80u : mode == 2u ? 0x7Fu : dpf_g8(g));
    g->data_len = at + n;
    return at;
}
static uint32_t dpf_gi32(dpf_gen *g, uint32_t n, int kind)   /* kind 0 raw, 1 mult, 2 shift, 3 add shift */
{
    const uint32_t at = (g->data_len + 3u) & ~3u;
    uint32_t i, v;
    if (n > DPF_GDATA / 4u || at > DPF_GDATA - 4u * n) return 0xFFFFFFFFu;
    for (i = 0; i < n; i++) {
        v = kind == 0 ? dpf_g32(g) : kind == 1 ? dpf_gmult(g) : kind == 2 ? dpf_gshift(g, -31, 30) : dpf_gshift(g, -31, 0);
        dpf_wr32(g->data + at + 4u * i, v);
    }
    g->data_len = at + 4u * n;
    return at;
}
static uint32_t dpf_gout(uint32_t n, uint32_t k, uint32_t s, uint32_t d, uint32_t p0, uint32_t p1)
{
    const uint32_t eff = (k - 1u) * d + 1u, span = n + p0 + p1;
    return (k == 0 || s == 0 || d == 0 || span < eff) ? 0 : (span - eff) / s + 1u;
}

/* one op from the program; 0 if it could not be made (skipped) */
static int dpf_gop(dpf_gen *g)
{
    uint8_t *r = g->op[g->no];
    uint32_t kind = 1u + dpf_g8(g) % 10u;
    const uint32_t nt = g->nt;
    const uint32_t x = nt - 1u - dpf_g8(g) % (nt < 4u ? nt : 4u);
    uint32_t n = 1, in[DP_MAX_OP_INPUTS], i, geo[10], cout, kh = 0, kw = 0, oh = 1, ow = 1, nq = 0;
    uint32_t w_off = 0, w_len = 0, b_off = 0, k_off = 0, m_off = 0, s_off = 0, omult = 0, oshift = 0;
    int32_t lo = -128, hi = 127, zp = (int32_t)dpf_g8(g) - 128;
    uint32_t sb = 0x3C000000u | (dpf_g8(g) << 12);
    int y, act = 1;
    memset(geo, 0, sizeof geo);
    memset(in, 0, sizeof in);
    in[0] = x;
    cout = g->c[x];
    if (kind == DP_MOP_CONV2D && g->c[x] > 1u && dpf_g8(g) % 4u == 0) kind = DP_MOP_GCONV2D;   /* >>grouped */
    switch (kind) {
    case DP_MOP_CONV2D: case DP_MOP_DWCONV2D: case DP_MOP_MAXPOOL: case DP_MOP_AVGPOOL: case DP_MOP_GCONV2D: {
        const int pool = kind == DP_MOP_MAXPOOL || kind == DP_MOP_AVGPOOL, big = dpf_g8(g) % 16u == 0;
        kh = 1u + dpf_g8(g) % (big ? 40u : 5u);
        kw = 1u + dpf_g8(g) % (big ? 40u : 5u);
        geo[0] = kh; geo[1] = kw;
        geo[2] = 1u + dpf_g8(g) % 4u; geo[3] = 1u + dpf_g8(g) % 4u;
        geo[4] = pool ? 1u : 1u + dpf_g8(g) % 3u; geo[5] = pool ? 1u : 1u + dpf_g8(g) % 3u;
        for (i = 6; i < 10; i++) {   /* pools: pad < k, but now and then pad = k (must be refused) */
            const uint32_t k = i % 2u ? kw : kh, v = dpf_g8(g);
            geo[i] = pool ? (v == 0xFFu ? k : v % k) : v % (2u * k + 1u);
        }
        oh = dpf_gout(g->h[x], kh, geo[2], geo[4], geo[6], geo[8]);
        ow = dpf_gout(g->w[x], kw, geo[3], geo[5], geo[7], geo[9]);
        if (!oh || !ow) return 0;
        if (pool) { zp = g->zp[x]; sb = g->sb[x]; break; }
        if (kind == DP_MOP_CONV2D) {
            cout = 1u + dpf_g8(g) % 8u;
            if ((uint64_t)kh * kw * g->c[x] > DP_MAX_REDUCTION) return 0;
            w_len = cout * kh * kw * g->c[x];
        } else if (kind == DP_MOP_GCONV2D) {   /* groups: a divisor >= 2 of cin */
            uint32_t G = 2u + dpf_g8(g) % 4u;
            while (g->c[x] % G) G = G < g->c[x] ? G + 1u : 2u;
            cout = G * (1u + dpf_g8(g) % 4u);
            if ((uint64_t)kh * kw * (g->c[x] / G) > DP_MAX_REDUCTION) return 0;
            w_len = cout * kh * kw * (g->c[x] / G);
            omult = G;
        } else {   /* now and then a channel multiplier 2..4 (>>grouped) */
            if (dpf_g8(g) % 4u == 0) cout *= 2u + dpf_g8(g) % 3u;
            if (cout > 65535u) return 0;
            w_len = kh * kw * cout;
        }
        nq = cout;
        break;
    }
    case DP_MOP_FC:
        cout = 1u + dpf_g8(g) % 10u;
        if ((uint64_t)g->h[x] * g->w[x] * g->c[x] * cout > 16384u) return 0;
        w_len = cout * g->h[x] * g->w[x] * g->c[x];
        nq = cout;
        break;
    case DP_MOP_ADD: case DP_MOP_CONCAT: {
        uint32_t cand[DPF_GT], nc = 0, csum = 0;
        for (i = 0; i < nt; i++)
            if (g->h[i] == g->h[x] && g->w[i] == g->w[x] && (kind == DP_MOP_CONCAT || g->c[i] == g->c[x]))
                cand[nc++] = i;
        n = (kind == DP_MOP_ADD ? 2u : 1u) + dpf_g8(g) % (dpf_g8(g) % 4u == 0 ? 7u : 3u);
        if (n > DP_MAX_OP_INPUTS) n = DP_MAX_OP_INPUTS;
        for (i = 1; i < n; i++) in[i] = cand[dpf_g8(g) % nc];
        for (i = 0; i < n; i++) csum += g->c[in[i]];
        if (kind == DP_MOP_CONCAT) {
            if (csum > 65535u) return 0;
            cout = csum;
            act = 0;
            if (dpf_g8(g) % 2u) zp = g->zp[x];   /* identity copies likely */
        } else {
            omult = dpf_gmult(g);
            oshift = dpf_gshift(g, -31, 30);
        }
        nq = n;
        oh = g->h[x]; ow = g->w[x];
        break;
    }
    case DP_MOP_GAP:
        if (g->h[x] * g->w[x] > DP_MAX_POOL_COUNT) return 0;
        zp = g->zp[x]; sb = g->sb[x];
        break;
    case DP_MOP_CHMUL: {
        uint32_t cand[DPF_GT], nc = 0;
        for (i = 0; i < nt; i++)
            if (g->h[i] == 1 && g->w[i] == 1 && g->c[i] == g->c[x]) cand[nc++] = i;
        if (!nc) return 0;
        n = 2;
        in[1] = cand[dpf_g8(g) % nc];
        oh = g->h[x]; ow = g->w[x];
        omult = dpf_gmult(g);
        oshift = dpf_gshift(g, -31, 30);
        break;
    }
    default: {   /* softmax: a non-increasing table with table[0] >= 1 */
        const uint32_t at = (g->data_len + 3u) & ~3u;
        uint32_t t = dpf_g8(g) * 257u;
        if (t == 0) t = 1;
        act = 0;
        oh = g->h[x]; ow = g->w[x];
        zp = -128; sb = DP_SOFTMAX_SCALE_BITS;
        if (at + 512u > DPF_GDATA) return 0;
        for (i = 0; i < 256; i++) {
            const uint32_t dec = dpf_g8(g);
            g->data[at + 2u * i] = (uint8_t)t;
            g->data[at + 2u * i + 1u] = (uint8_t)(t >> 8);
            t = t > dec * 16u ? t - dec * 16u : (i < 255u && dpf_g8(g) % 8u == 0 ? 0 : t);
        }
        g->data_len = at + 512u;
        w_off = at; w_len = 512;
        break;
    }
    }
    if (kind == DP_MOP_GAP) { oh = 1; ow = 1; }
    if (kind == DP_MOP_FC) { oh = 1; ow = 1; }
    if (act && dpf_g8(g) % 2u) {
        lo = (int32_t)dpf_g8(g) - 128;
        hi = (int32_t)dpf_g8(g) - 128;
        if (lo > hi) { const int32_t t = lo; lo = hi; hi = t; }
    }
    if (w_len && kind != DP_MOP_SOFTMAX) {
        if ((w_off = dpf_gdata(g, w_len)) == 0xFFFFFFFFu) return 0;
        if (dpf_g8(g) % 2u) {   /* bias; offsets are stored + 1 here, 0 = none */
            if ((b_off = dpf_gi32(g, cout, 0)) == 0xFFFFFFFFu) return 0;
            b_off++;
        }
        if (kind != DP_MOP_DWCONV2D) {   /* kernel sums */
            const uint32_t R = w_len / cout;
            if ((k_off = dpf_gi32(g, cout, 0)) == 0xFFFFFFFFu) return 0;
            for (i = 0; i < cout; i++) {
                int32_t s = 0;
                uint32_t j;
                for (j = 0; j < R; j++) s += (int32_t)(int8_t)g->data[w_off + i * R + j];
                dpf_wr32(g->data + k_off + 4u * i, (uint32_t)s);
            }
            k_off++;
        }
    }
    if (nq) {
        if ((m_off = dpf_gi32(g, nq, 1)) == 0xFFFFFFFFu) return 0;
        if ((s_off = dpf_gi32(g, nq, kind == DP_MOP_ADD ? 3 : 2)) == 0xFFFFFFFFu) return 0;
        m_off++; s_off++;
        if (kind == DP_MOP_CONCAT && dpf_g8(g) % 2u)   /* identity requant */
            for (i = 0; i < n; i++) { dpf_wr32(g->data + m_off - 1u + 4u * i, 0x40000000u); dpf_wr32(g->data + s_off - 1u + 4u * i, 1u); }
    }
    y = dpf_gtensor(g, oh, ow, cout, zp, sb);
    if (y < 0) return 0;
    memset(r, 0, 64);
    r[0] = (uint8_t)kind;
    r[1] = (uint8_t)n;
    r[2] = (uint8_t)y; r[3] = (uint8_t)(y >> 8);
    for (i = 0; i < n; i++) { r[4 + 2 * i] = (uint8_t)in[i]; r[5 + 2 * i] = (uint8_t)(in[i] >> 8); }
    for (i = 0; i < 10; i++) r[20 + i] = (uint8_t)geo[i];
    r[30] = (uint8_t)(lo & 0xFF);
    r[31] = (uint8_t)(hi & 0xFF);
    dpf_wr32(r + 32, w_len ? w_off + 1u : 0u);    /* data offsets + 1 until placed */
    dpf_wr32(r + 36, w_len);
    dpf_wr32(r + 40, b_off);
    dpf_wr32(r + 44, k_off);
    dpf_wr32(r + 48, m_off);
    dpf_wr32(r + 52, s_off);
    dpf_wr32(r + 56, omult);
    dpf_wr32(r + 60, oshift);
    /* lifetimes */
    g->first[y] = g->last[y] = g->no + 1u;
    for (i = 0; i < n; i++) if (g->last[in[i]] < g->no + 1u) g->last[in[i]] = g->no + 1u;
    /* in place: an add over an input that dies here (decided after) */
    if (kind == DP_MOP_ADD && dpf_g8(g) % 2u) g->alias[y] = (int32_t)in[dpf_g8(g) % n];
    g->no++;
    return 1;
}

/* the program -> a .dpm blob (malloc'd, exactly *len bytes) or NULL */
static uint8_t *dpf_generate(const uint8_t *p, size_t n, size_t *len)
{
    dpf_gen *g = (dpf_gen *)calloc(1, sizeof *g);
    uint8_t *b;
    uint32_t i, j, k, want, arena = 0, T, O, data_off, total;
    if (!g) return NULL;
    g->p = p; g->n = n;
    dpf_gtensor(g, 1u + dpf_g8(g) % 12u, 1u + dpf_g8(g) % 12u, 1u + dpf_g8(g) % 8u, (int32_t)dpf_g8(g) - 128,
                0x3C000000u | (dpf_g8(g) << 12));
    want = 1u + dpf_g8(g) % DPF_GO;
    for (k = 0; k < 4u * want && g->no < want && g->no < DPF_GO; k++) dpf_gop(g);
    if (g->no == 0) { free(g); return NULL; }
    T = g->nt; O = g->no;
    g->last[T - 1u] = O + 1u;   /* the last op's output is the model output */
    /* in-place adds only over an input that dies at the add */
    for (i = 0; i < T; i++)
        if (g->alias[i] >= 0 && g->last[g->alias[i]] != g->first[i])
            g->alias[i] = -1;
    /* greedy plan: lowest offset clear of every placed tensor live at once */
    for (i = 0; i < T; i++) {
        const uint32_t sz = g->h[i] * g->w[i] * g->c[i];
        uint32_t at = 0;
        int moved = 1, ok = 1;
        if (g->alias[i] >= 0) {
            at = g->off[g->alias[i]];
            for (j = 0; j < i && ok; j++) {
                const uint32_t sj = g->h[j] * g->w[j] * g->c[j];
                if ((int32_t)j == g->alias[i] || g->first[i] > g->last[j] || g->first[j] > g->last[i]) continue;
                if (at >= g->off[j] + sj || g->off[j] >= at + sz) continue;
                ok = 0;
            }
            if (ok) { g->off[i] = at; if (at + sz > arena) arena = at + sz; continue; }
            g->alias[i] = -1;
            at = 0;
        }
        while (moved) {
            moved = 0;
            for (j = 0; j < i; j++) {
                const uint32_t sj = g->h[j] * g->w[j] * g->c[j];
                if (g->first[i] > g->last[j] || g->first[j] > g->last[i]) continue;
                if (at >= g->off[j] + sj || g->off[j] >= at + sz) continue;
                at = g->off[j] + sj;
                moved = 1;
            }
        }
        g->off[i] = at;
        if (at + sz > arena) arena = at + sz;
    }
    data_off = 48u + 24u * T + 64u * O;
    total = data_off + ((g->data_len + 3u) & ~3u) + 4u;
    b = (uint8_t *)calloc(total, 1);
    if (!b) { free(g); return NULL; }
    memcpy(b, "DPMB", 4);
    b[4] = 1; b[6] = 48;
    dpf_wr32(b + 8, total);
    dpf_wr32(b + 12, arena);
    b[16] = (uint8_t)T; b[17] = (uint8_t)(T >> 8);
    b[18] = (uint8_t)O; b[19] = (uint8_t)(O >> 8);
    b[20] = 0; b[21] = 0;
    b[22] = (uint8_t)(T - 1u); b[23] = (uint8_t)((T - 1u) >> 8);
    dpf_wr32(b + 24, 48u);
    dpf_wr32(b + 28, 48u + 24u * T);
    dpf_wr32(b + 32, data_off);
    for (i = 0; i < T; i++) {
        uint8_t *t = b + 48u + 24u * i;
        dpf_wr32(t, g->off[i]);
        dpf_wr32(t + 4, g->h[i] * g->w[i] * g->c[i]);
        t[8] = (uint8_t)g->h[i]; t[9] = (uint8_t)(g->h[i] >> 8);
        t[10] = (uint8_t)g->w[i]; t[11] = (uint8_t)(g->w[i] >> 8);
        t[12] = (uint8_t)g->c[i]; t[13] = (uint8_t)(g->c[i] >> 8);
        t[14] = (uint8_t)(g->zp[i] & 0xFF); t[15] = g->zp[i] < 0 ? 0xFF : 0;
        t[16] = (uint8_t)g->first[i]; t[17] = (uint8_t)(g->first[i] >> 8);
        t[18] = (uint8_t)g->last[i]; t[19] = (uint8_t)(g->last[i] >> 8);
        dpf_wr32(t + 20, g->sb[i]);
    }
    for (k = 0; k < O; k++) {
        uint8_t *r = b + 48u + 24u * T + 64u * k;
        memcpy(r, g->op[k], 64);
        for (j = 32; j <= 52; j += 4) {
            const uint32_t v = dpf_rd32(r + j);
            if (j != 36 && v) dpf_wr32(r + j, data_off + v - 1u);
        }
    }
    memcpy(b + data_off, g->data, g->data_len);
    free(g);
    dpf_fix_macs(b, total);
    dpf_fix_crc(b, total);
    *len = total;
    return b;
}

#ifndef DP_FUZZ_MAIN
/* ---- structure-aware mutations (libFuzzer's custom mutator): half the
   time one to three edits of single fields of a .dpm (header, a tensor or
   op record, a requantisation array element) to values near the edges of
   what the loader allows, or a conv/pool geometry change with its output
   shape recomputed and moved to fresh arena bytes; the checksums are then
   repaired (kernel sums, MACs, CRC). The other half, and for anything that
   is not a .dpm, libFuzzer's own byte mutations. ---- */
static uint32_t dpf_rnd(uint32_t *s) { *s ^= *s << 13; *s ^= *s >> 17; *s ^= *s << 5; return *s; }

/* a value near v or near the edges of the field's range */
static uint32_t dpf_near(uint32_t v, uint32_t *s, uint32_t bits)
{
    const uint32_t mask = bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
    static const uint32_t edge[10] = { 0, 1, 2, 3, 4, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000 };
    const uint32_t k = dpf_rnd(s) % 8u;
    switch (k) {
    case 0: return (v + 1u) & mask;
    case 1: return (v - 1u) & mask;
    case 2: return (v + 4u) & mask;
    case 3: return (v - 4u) & mask;
    case 4: return edge[dpf_rnd(s) % 10u] & mask;
    case 5: return mask;
    case 6: return (mask >> 1) + (dpf_rnd(s) % 3u) - 1u;
    default: return (v + 8u) & mask;
    }
}

static void dpf_put(uint8_t *p, uint32_t bytes, uint32_t v)
{
    if (bytes == 1) p[0] = (uint8_t)v;
    else if (bytes == 2) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
    else dpf_wr32(p, v);
}
static uint32_t dpf_get(const uint8_t *p, uint32_t bytes)
{
    return bytes == 1 ? p[0] : bytes == 2 ? dpf_rd16(p) : dpf_rd32(p);
}

/* one field edit of a .dpm (nothing if its tables do not fit in size) */
static void dpf_edit(uint8_t *d, size_t size, uint32_t *s)
{
    static const uint8_t hdr[][2] = { {8, 4}, {12, 4}, {16, 2}, {18, 2}, {20, 2}, {22, 2}, {24, 4}, {28, 4}, {32, 4}, {36, 4} };
    static const uint8_t tf[][2] = { {0, 4}, {4, 4}, {8, 2}, {10, 2}, {12, 2}, {14, 2}, {16, 2}, {18, 2} };
    const uint32_t T = size >= 52 ? dpf_rd16(d + 16) : 0, O = size >= 52 ? dpf_rd16(d + 18) : 0;
    const uint32_t len = size >= 52 ? dpf_rd32(d + 8) : 0;
    const size_t tabs = 48u + 24u * (size_t)T, data_off = tabs + 64u * (size_t)O;
    const uint32_t what = dpf_rnd(s) % 10u;
    uint32_t at, bytes, v;
    if (size < 52 || data_off > size) return;   /* an earlier edit moved the tables */
    if (what == 0 || !T || !O) {                           /* header */
        const uint32_t f = dpf_rnd(s) % 10u;
        at = hdr[f][0]; bytes = hdr[f][1];
    } else if (what <= 3) {                                /* tensor field */
        const uint32_t t = dpf_rnd(s) % T, f = dpf_rnd(s) % 8u;
        at = 48u + 24u * t + tf[f][0]; bytes = tf[f][1];
        if (dpf_rnd(s) % 4u == 0) {                        /* copy another tensor's */
            const uint32_t u = dpf_rnd(s) % T;
            dpf_put(d + at, bytes, dpf_get(d + 48u + 24u * u + tf[f][0], bytes));
            goto dims;
        }
        dpf_put(d + at, bytes, dpf_near(dpf_get(d + at, bytes), s, 8u * bytes));
    dims:
        if (f >= 2 && f <= 4 && dpf_rnd(s) % 2u) {        /* keep bytes = h*w*c */
            const uint8_t *r = d + 48u + 24u * t;
            dpf_wr32(d + 48u + 24u * t + 4u, dpf_rd16(r + 8) * dpf_rd16(r + 10) * dpf_rd16(r + 12));
        }
        return;
    } else if (what <= 7) {                                /* op field */
        const uint32_t k = dpf_rnd(s) % O, f = dpf_rnd(s) % 16u;
        const uint32_t rec = (uint32_t)tabs + 64u * k;
        if (f < 2) { at = rec + f; bytes = 1; }                                        /* kind, n_in */
        else if (f < 4) { at = rec + (f == 2 ? 2u : 4u + 2u * (dpf_rnd(s) % 8u)); bytes = 2; }  /* ids */
        else if (f < 8) { at = rec + 20u + dpf_rnd(s) % 12u; bytes = 1; }              /* geometry, act */
        else if (f < 14) {                                                             /* array offsets */
            const uint32_t o = 32u + 4u * (f - 8u), cur = dpf_rd32(d + rec + o), kind = d[rec];
            const uint32_t yi = dpf_rd16(d + rec + 2), pick = dpf_rnd(s) % 6u;
            uint32_t alen = dpf_rd32(d + rec + 36u);                                   /* this array's bytes */
            if (o != 32u) alen = 4u * (kind == DP_MOP_ADD || kind == DP_MOP_CONCAT ? d[rec + 1] :
                                       yi < T ? dpf_rd16(d + 48u + 24u * yi + 12u) : 1u);
            if (o == 36 || pick < 3) v = dpf_near(cur, s, 32);
            else if (pick == 3) v = len - 4u - alen + 4u * (dpf_rnd(s) % 3u);          /* over the end */
            else if (pick == 4) v = (uint32_t)data_off - 4u * (dpf_rnd(s) % 2u);
            else v = dpf_rd32(d + tabs + 64u * (dpf_rnd(s) % O) + o);                  /* another op's */
            dpf_wr32(d + rec + o, v);
            return;
        } else { at = rec + 56u + 4u * (f - 14u); bytes = 4; }                       /* out mult/shift */
    } else if (what == 8) {                                /* array element */
        static const uint32_t val[10] = { 0, 1, 0xFFFFFFFFu, 0x40000000u, 0x7FFFFFFFu, 0x80000000u, 30, 31, 0xFFFFFFE1u, 0xFFFFFFE0u };
        const uint8_t *r = d + tabs + 64u * (dpf_rnd(s) % O);
        const uint32_t o = dpf_rd32(r + 40u + 4u * (dpf_rnd(s) % 4u)) + 4u * (dpf_rnd(s) % 4u);
        if (o >= 52u && o <= size - 4u && o % 4u == 0) dpf_wr32(d + o, val[dpf_rnd(s) % 10u]);
        return;
    } else {                                               /* geometry + shape */
        const uint32_t k = dpf_rnd(s) % O, j = dpf_rnd(s) % 10u;
        uint8_t *r = d + tabs + 64u * k, *to;
        const uint32_t xi = dpf_rd16(r + 4), yi = dpf_rd16(r + 2);
        uint32_t oh, ow, arena;
        uint64_t bytes_y;
        if (r[0] < DP_MOP_CONV2D || r[0] > DP_MOP_AVGPOOL || r[0] == DP_MOP_FC || r[0] == DP_MOP_ADD ||
            xi >= T || yi >= T) return;
        r[20 + j] = (uint8_t)dpf_near(r[20 + j], s, 8);
        if (dpf_rnd(s) % 2u) r[20 + j] = (uint8_t)(j >= 6 ? r[20 + (j % 2u)] - dpf_rnd(s) % 2u : 1u + dpf_rnd(s) % 4u);
        oh = dpf_gout(dpf_rd16(d + 48u + 24u * xi + 8u), r[20], r[22], r[24], r[26], r[28]);
        ow = dpf_gout(dpf_rd16(d + 48u + 24u * xi + 10u), r[21], r[23], r[25], r[27], r[29]);
        to = d + 48u + 24u * yi;
        if (!oh || !ow || oh > 65535u || ow > 65535u) return;
        bytes_y = (uint64_t)oh * ow * dpf_rd16(to + 12);
        arena = dpf_rd32(d + 12);
        if (bytes_y > (16u << 20) || arena > (64u << 20)) return;
        to[8] = (uint8_t)oh; to[9] = (uint8_t)(oh >> 8);
        to[10] = (uint8_t)ow; to[11] = (uint8_t)(ow >> 8);
        dpf_wr32(to + 4, (uint32_t)bytes_y);
        if (dpf_rd32(to) + bytes_y > arena || dpf_rnd(s) % 2u) {   /* fresh bytes */
            dpf_wr32(to, arena);
            dpf_wr32(d + 12, arena + (uint32_t)bytes_y);
        }
        return;
    }
    if (at + bytes <= size) dpf_put(d + at, bytes, dpf_near(dpf_get(d + at, bytes), s, 8u * bytes));
}

/* the checksums after an edit: kernel sums, MAC total, CRC */
static void dpf_fix_all(uint8_t *d, size_t size)
{
    const uint32_t O = dpf_rd16(d + 18);
    uint32_t k;
    for (k = 0; k < O; k++) dpf_fix_ksum(d, size, k);
    dpf_fix_macs(d, size);
    dpf_fix_crc(d, size);
}

#ifndef DP_FUZZ_LIBRARY
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint32_t s = seed | 1u, n, i;
    size_t tabs;
    if (size < 52 || memcmp(data, "DPMB", 4) != 0 || dpf_rnd(&s) % 2u) return LLVMFuzzerMutate(data, size, max_size);
    tabs = 48u + 24u * (size_t)dpf_rd16(data + 16) + 64u * (size_t)dpf_rd16(data + 18);
    if (tabs > size) return LLVMFuzzerMutate(data, size, max_size);
    n = 1u + dpf_rnd(&s) % 3u;
    for (i = 0; i < n; i++) dpf_edit(data, size, &s);
    if (dpf_rnd(&s) % 8u) dpf_fix_all(data, size);
    return size;
}
#endif /* !DP_FUZZ_LIBRARY */
#endif /* !DP_FUZZ_MAIN */

/* the blob an input stands for, malloc'd (16-aligned), exactly *n bytes:
   a copy of the input, or the model a 'G' program describes */
static uint8_t *dpf_blob(const uint8_t *data, size_t size, size_t *n)
{
    uint8_t *b;
    if (size >= 1 && data[0] == 'G') return dpf_generate(data + 1, size - 1, n);
    b = (uint8_t *)malloc(size ? size : 1u);
    if (b && size) memcpy(b, data, size);
    *n = size;
    return b;
}

/* The whole check of one input. Returns r->bad (NULL when all is well). */
static const char *dpf_check(const uint8_t *data, size_t size, dpf_result *r)
{
    dp_model m;
    uint8_t *b;
    size_t n = size, tail;
    int st;
    memset(r, 0, sizeof *r);
    r->argmax = -1;
    r->where = -1;
    r->generated = size >= 1 && data[0] == 'G';
    if ((b = dpf_blob(data, size, &n)) == NULL) {
        r->st_raw = r->st = DP_ERR_ARG;
        r->why = r->generated ? "the program made no model" : "out of memory";
        return NULL;
    }
    /* past a plausible total length the blob is padding: poisoned, so that
       ASan reports any read of it (the loader is given all n bytes) */
    tail = n >= 52 && dpf_rd32(b + 8) >= 52 && dpf_rd32(b + 8) <= n ? dpf_rd32(b + 8) : n;
    DPF_POISON(b + tail, n - tail);
    st = dpf_load(&m, b, n, r);
    if (st != DP_OK) {
        r->why = m.why;
        r->where = (int)m.where;
        r->bad = dpf_check_refused(&m, st);
    } else {
        r->arena = (uint32_t)dp_model_arena_size(&m);
        r->bad = dpf_check_accepted(&m, b, n, r);
        if (!r->bad) r->bad = dpf_run(&m, b, dp_crc32(0, data, size), r);
    }
    DPF_UNPOISON(b + tail, n - tail);
    free(b);
    return r->bad;
}

#ifndef DP_FUZZ_LIBRARY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dpf_result r;
    if (dpf_check(data, size, &r)) {
        fprintf(stderr, "fuzz_model: property broken: %s (init %d, after %d repairs %d)\n",
                r.bad, r.st_raw, r.repairs, r.st);
        abort();
    }
    return 0;
}

#ifdef DP_FUZZ_MAIN
/* Replay driver (and AFL++ target): runs the target on each FILE, or on
   standard input without one. -v prints one line per file, -o OUT writes
   the repaired blob of the last file. */
static unsigned char *dpf_slurp(FILE *f, size_t *n)
{
    size_t cap = 4096, len = 0, got;
    unsigned char *p = (unsigned char *)malloc(cap), *q;
    while (p && (got = fread(p + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            q = (unsigned char *)realloc(p, cap * 2);
            if (!q) { free(p); return NULL; }
            p = q;
            cap *= 2;
        }
    }
    *n = len;
    return p;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
#include <unistd.h>   /* read(), used by AFL++'s macros */
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    int i, verbose = 0, files = 0;
    const char *out = NULL;
#ifdef __AFL_FUZZ_TESTCASE_LEN
    if (argc < 2) {   /* AFL++ persistent mode */
        unsigned char *buf;
        __AFL_INIT();
        buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000)) LLVMFuzzerTestOneInput(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
        return 0;
    }
#endif
    for (i = 1; i < argc; i++) {
        FILE *f;
        unsigned char *d;
        size_t n = 0;
        dpf_result r;
        if (!strcmp(argv[i], "-v")) { verbose = 1; continue; }
        if (!strcmp(argv[i], "-o") && i + 1 < argc) { out = argv[++i]; continue; }
        f = fopen(argv[i], "rb");
        if (!f) { fprintf(stderr, "fuzz_model: cannot open %s\n", argv[i]); return 2; }
        d = dpf_slurp(f, &n);
        fclose(f);
        if (!d) return 2;
        files++;
        if (verbose) {
            dpf_check(d, n, &r);
            printf("%s: %lu bytes, init %d, repairs %d, final %d", argv[i], (unsigned long)n, r.st_raw, r.repairs, r.st);
            if (r.st) printf(" (%s, at %d)", r.why ? r.why : "?", r.where);
            else printf(", arena %lu, work %llu, %s, argmax %d", (unsigned long)r.arena,
                        (unsigned long long)r.work, r.ran ? "ran" : "not run (too big)", r.argmax);
            printf("%s%s\n", r.bad ? ", BROKEN: " : "", r.bad ? r.bad : "");
        }
        if (out) {   /* write the blob (generated or given) after the repairs */
            dp_model m;
            dpf_result rr;
            size_t bn = 0;
            unsigned char *b = dpf_blob(d, n, &bn);
            FILE *g;
            if (b) {
                memset(&rr, 0, sizeof rr);
                dpf_load(&m, b, bn, &rr);
                g = fopen(out, "wb");
                if (!g || fwrite(b, 1, bn, g) != bn) fprintf(stderr, "fuzz_model: cannot write %s\n", out);
                if (g) fclose(g);
                free(b);
            }
        }
        LLVMFuzzerTestOneInput(d, n);
        free(d);
    }
    if (!files) {
        size_t n = 0;
        unsigned char *d = dpf_slurp(stdin, &n);
        if (!d) return 2;
        LLVMFuzzerTestOneInput(d, n);
        free(d);
    }
    return 0;
}
#endif /* DP_FUZZ_MAIN */
#endif /* !DP_FUZZ_LIBRARY */

/* tests/fuzz_model.c - fuzz target for the .dpm model loader and interpreter.

   Property under test: dp_model_init() refuses every corrupt or truncated
   blob with an error status and never reads outside it; a blob it accepts
   runs in an arena of exactly dp_model_arena_size() bytes without touching
   anything else. The blob is a malloc'd copy of exactly `size` bytes and the
   arena a malloc of exactly the planned size, so AddressSanitizer reports
   any byte read or written past either.

   One input is checked like this (dpf_check):
     1. dp_model_init on the bytes as given (a 4-aligned copy).
     2. Repairs, so that mutations reach past the checksums: on DP_ERR_CRC
        the CRC is recomputed; on "kernel sum does not match" the kernel sums
        of that op are recomputed; on "MAC total does not match" the header's
        MAC total is recomputed from the op records. Each repair rewrites
        the CRC and retries, at most DPF_MAX_REPAIRS times. The loader
        itself still checks everything: a repair only fixes a checksum.
     3. Refused: the status is a documented error, m.why is set and the
        model is unusable (every accessor refuses it).
        Accepted: every dp_model_tensor / dp_model_op is walked and checked
        against the header; a misaligned or truncated copy is refused; when
        the arena is <= 16 MiB and the work is small the model runs in the
        exact-size arena (filled from the input), then the output and its
        argmax are read.
   A broken property calls abort() in the fuzzer (libFuzzer saves the input).

   Builds:
     libFuzzer  clang -g -O1 -fsanitize=fuzzer,address,undefined \
                      tests/fuzz_model.c -o build/fuzz_model
     AFL++      afl-clang-fast -g -O1 -fsanitize=fuzzer tests/fuzz_model.c ...
                (AFL++'s libFuzzer driver), or
                afl-clang-fast -g -O1 -DDP_FUZZ_MAIN tests/fuzz_model.c ...
                and `afl-fuzz -i tests/fuzz_corpus -o OUT -- ./a.out @@`
                (persistent mode when built by afl-clang-fast, no file args)
     replay     cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN \
                   tests/fuzz_model.c -o build/fuzz_replay
                build/fuzz_replay [-v] [-o REPAIRED] FILE...
                (-o writes the repaired blob of the last FILE: a .dpm that
                `diffprune info/run` loads as it is)
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

#define DPF_MAX_ARENA (16u << 20)       /* do not run models needing more    */
#define DPF_MAX_WORK ((uint64_t)1 << 24) /* MACs + bytes moved, per run       */
#define DPF_MAX_REPAIRS 16

typedef struct dpf_result {
    int st_raw;          /* dp_model_init on the input as given             */
    int st;              /* after the repairs (== st_raw without any)        */
    int repairs;         /* checksums rewritten (CRC, kernel sums, MACs)     */
    int ran;             /* 1: dp_model_run ran; 0: refused or too big       */
    int argmax;          /* output argmax when ran, else -1                  */
    uint32_t arena;      /* dp_model_arena_size when accepted                */
    uint64_t work;       /* MACs + bytes moved when accepted                 */
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

/* recompute the kernel sums of conv/fc op k */
static int dpf_fix_ksum(uint8_t *b, size_t size, uint32_t k)
{
    const size_t at = dpf_op_at(b, size, k);
    uint32_t kind, h, w, c, w_off, w_len, k_off, R, i, j;
    if (!at) return 0;
    kind = b[at];
    if (kind != DP_MOP_CONV2D && kind != DP_MOP_FC) return 0;
    if (!dpf_tensor(b, size, dpf_rd16(b + at + 2), &h, &w, &c) || c == 0) return 0;
    w_off = dpf_rd32(b + at + 32);
    w_len = dpf_rd32(b + at + 36);
    k_off = dpf_rd32(b + at + 44);
    if (w_len % c || w_off > size || w_len > size - w_off || k_off > size || 4u * (size_t)c > size - k_off)
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
    r->st_raw = st;
    while (st != DP_OK && r->repairs < DPF_MAX_REPAIRS) {
        int fix = 0, ok = 0;
        if (st == DP_ERR_CRC) { fix = 1; ok = 1; }
        else if (dpf_why_is(m, "kernel sum") && m->where >= 0) { fix = 2; ok = dpf_fix_ksum(b, size, (uint32_t)m->where); }
        else if (dpf_why_is(m, "MAC total")) { fix = 3; ok = last_fix != 3 && dpf_fix_macs(b, size); }
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
    mis = (uint8_t *)malloc(size + 1u);
    if (!mis) return NULL;
    memcpy(mis + 1, b, size);
    j = dp_model_init(&m2, mis + 1, size);
    free(mis);
    if (j != DP_ERR_ARG) return "a misaligned copy was not refused with DP_ERR_ARG";
    return NULL;
}

/* run in an arena of exactly the planned size; read output and argmax */
static const char *dpf_run(const dp_model *m, uint32_t seed, dpf_result *r)
{
    const size_t n = dp_model_arena_size(m);
    dp_tensor_info ti, to;
    int8_t *arena, *x, *y;
    uint32_t s = seed | 1u, i;
    int am, k;
    const char *bad = NULL;
    if (n > DPF_MAX_ARENA || r->work > DPF_MAX_WORK) return NULL;   /* too big to run here */
    arena = (int8_t *)malloc(n);
    if (!arena) return NULL;
    /* fill: random bytes, or the extremes the overflow bounds depend on */
    for (i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        switch (seed & 3u) {
        case 0: arena[i] = (int8_t)(s >> 24); break;
        case 1: arena[i] = -128; break;
        case 2: arena[i] = 127; break;
        default: arena[i] = (s >> 31) ? 127 : -128; break;
        }
    }
    x = dp_model_input(m, arena, &ti);
    if (!x || x < arena || ti.bytes > n || (size_t)(x - arena) > n - ti.bytes) { bad = "input pointer outside the arena"; goto done; }
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
done:
    free(arena);
    return bad;
}

/* The whole check of one input. Returns r->bad (NULL when all is well). */
static const char *dpf_check(const uint8_t *data, size_t size, dpf_result *r)
{
    dp_model m;
    uint8_t *b = (uint8_t *)malloc(size ? size : 1u);   /* malloc: 16-aligned */
    int st;
    memset(r, 0, sizeof *r);
    r->argmax = -1;
    r->where = -1;
    if (!b) return NULL;
    if (size) memcpy(b, data, size);
    st = dpf_load(&m, b, size, r);
    if (st != DP_OK) {
        r->why = m.why;
        r->where = (int)m.where;
        r->bad = dpf_check_refused(&m, st);
    } else {
        r->arena = (uint32_t)dp_model_arena_size(&m);
        r->bad = dpf_check_accepted(&m, b, size, r);
        if (!r->bad) r->bad = dpf_run(&m, dp_crc32(0, data, size), r);
    }
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
        if (out) {   /* write the input after the repairs */
            dp_model m;
            dpf_result rr;
            unsigned char *b = (unsigned char *)malloc(n ? n : 1u);
            FILE *g;
            if (b) {
                memcpy(b, d, n);
                memset(&rr, 0, sizeof rr);
                dpf_load(&m, b, n, &rr);
                g = fopen(out, "wb");
                if (!g || fwrite(b, 1, n, g) != n) fprintf(stderr, "fuzz_model: cannot write %s\n", out);
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

/* wip/gzip/test_gzip.c -- tests for piece.h (CRC-32, inflate, gunzip).
   Build & run from the repo root (see README.txt):
     gcc -std=c99 -O2 -Wall -Wextra -Werror -pedantic wip/gzip/test_gzip.c -o /tmp/test_gzip && /tmp/test_gzip
   It writes raw inputs to a temp dir, runs gzip_vectors.sh there (system gzip)
   and decodes the results. Optional argv[1]: path of gzip_vectors.sh. */
#define _POSIX_C_SOURCE 200809L
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

/* ------------------------------------------------------------ utilities */

static uint32_t crc_bitwise_from(uint32_t crc, const unsigned char *p, size_t n)
{
    uint32_t c = ~crc;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}
static uint32_t crc_bitwise(const unsigned char *p, size_t n) { return crc_bitwise_from(0, p, n); }

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long sz;
    *n = 0;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (unsigned char *)malloc((size_t)sz + 1);
    if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) *n = (size_t)sz;
    return buf;
}

static int write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f) return 0;
    ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Decode and compare with the expected data. */
static void expect_ok(const char *what, const unsigned char *gz, size_t gzn,
                      const unsigned char *want, size_t wantn)
{
    unsigned char *out = NULL;
    size_t on = 0;
    char err[64];
    int rc = dp_gunzip(gz, gzn, (size_t)1 << 30, &out, &on, err, sizeof err);
    CHECK(rc == DP_OK, "%s: rc %d (%s)", what, rc, err);
    CHECK(out != NULL, "%s: NULL output", what);
    CHECK(on == wantn, "%s: size %lu want %lu", what, (unsigned long)on, (unsigned long)wantn);
    CHECK(rc != DP_OK || on != wantn || wantn == 0 || memcmp(out, want, wantn) == 0, "%s: data differs", what);
    free(out);
}

static void expect_err(const char *what, const unsigned char *gz, size_t gzn, int want_rc,
                       const char *want_msg)
{
    unsigned char *out = (unsigned char *)&out;
    size_t on = 123;
    char err[64];
    int rc = dp_gunzip(gz, gzn, (size_t)1 << 30, &out, &on, err, sizeof err);
    CHECK(rc == want_rc, "%s: rc %d want %d (%s)", what, rc, want_rc, err);
    CHECK(out == NULL && on == 0, "%s: output not cleared", what);
    if (want_msg) CHECK(strcmp(err, want_msg) == 0, "%s: err '%s' want '%s'", what, err, want_msg);
    if (rc == DP_OK) free(out);
}

/* ------------------------------------------------- deflate bit writer */
typedef struct {
    unsigned char *buf;
    size_t n;
    uint32_t acc;
    unsigned cnt;
} bitw;

static void bw_put(bitw *w, uint32_t v, unsigned k) /* LSB first */
{
    while (k--) {
        w->acc |= (v & 1u) << w->cnt;
        v >>= 1;
        if (++w->cnt == 8) {
            w->buf[w->n++] = (unsigned char)w->acc;
            w->acc = 0;
            w->cnt = 0;
        }
    }
}
static void bw_huff(bitw *w, uint32_t code, unsigned len) /* Huffman codes: MSB first */
{
    while (len--) bw_put(w, (code >> len) & 1u, 1);
}
static void bw_align(bitw *w)
{
    while (w->cnt) bw_put(w, 0, 1);
}
static void bw_bytes(bitw *w, const unsigned char *p, size_t n)
{
    memcpy(w->buf + w->n, p, n);
    w->n += n;
}
static void bw_stored(bitw *w, int final, const unsigned char *p, size_t n)
{
    unsigned char h[4];
    bw_put(w, (uint32_t)final, 1);
    bw_put(w, 0, 2);
    bw_align(w);
    h[0] = (unsigned char)n;
    h[1] = (unsigned char)(n >> 8);
    h[2] = (unsigned char)~n;
    h[3] = (unsigned char)(~n >> 8);
    bw_bytes(w, h, 4);
    bw_bytes(w, p, n);
}
static void bw_fixed_lit(bitw *w, unsigned sym)
{
    if (sym < 144) bw_huff(w, 0x30 + sym, 8);
    else if (sym < 256) bw_huff(w, 0x190 + sym - 144, 9);
    else if (sym < 280) bw_huff(w, sym - 256, 7);
    else bw_huff(w, 0xC0 + sym - 280, 8);
}
static void bw_fixed_match(bitw *w, unsigned len, unsigned dist)
{
    unsigned s = 28, c = 29;
    while (dp__gz_len_base[s] > len) s--; /* 258 -> 285, 227..257 -> 284 */
    bw_fixed_lit(w, 257 + s);
    bw_put(w, len - dp__gz_len_base[s], dp__gz_len_extra[s]);
    while (dp__gz_dist_base[c] > dist) c--;
    bw_huff(w, c, 5);
    bw_put(w, dist - dp__gz_dist_base[c], dp__gz_dist_extra[c]);
}

/* Wrap a raw deflate stream in a minimal gzip member (CRC/ISIZE of `data`). */
static size_t wrap_gz(unsigned char *dst, const unsigned char *defl, size_t dn,
                      const unsigned char *data, size_t n)
{
    static const unsigned char hdr[10] = {0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3};
    uint32_t c = dp_crc32(0, data, n);
    size_t o = 0;
    int i;
    memcpy(dst, hdr, 10);
    o = 10;
    memcpy(dst + o, defl, dn);
    o += dn;
    for (i = 0; i < 4; i++) dst[o++] = (unsigned char)(c >> (8 * i));
    for (i = 0; i < 4; i++) dst[o++] = (unsigned char)((uint32_t)n >> (8 * i));
    return o;
}

/* ---------------------------------------------------------------- tests */
static void test_crc(void)
{
    static unsigned char buf[5000];
    size_t i, cut;
    const char *s = "123456789";
    CHECK(dp_crc32(0, s, 9) == 0xCBF43926u, "got %08lx", (unsigned long)dp_crc32(0, s, 9));
    CHECK(dp_crc32(0, NULL, 0) == 0, "empty");
    CHECK(dp_crc32(0, "a", 1) == 0xE8B7BE43u, "crc('a')");
    CHECK(dp_crc32(dp_crc32(0, s, 4), s + 4, 5) == 0xCBF43926u, "chain");
    for (i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rnd();
    {
        uint32_t ref = crc_bitwise(buf, sizeof buf);
        int ok = 1, ok8 = 1;
        CHECK(dp_crc32(0, buf, sizeof buf) == ref, "random vs bitwise");
        for (cut = 0; cut <= sizeof buf; cut += 37)
            if (dp_crc32(dp_crc32(0, buf, cut), buf + cut, sizeof buf - cut) != ref) ok = 0;
        CHECK(ok, "chaining at many split points");
        for (i = 0; i < 64; i++) { /* slice-by-8: all lengths/alignments, and a start value */
            size_t off = i % 8, len = (size_t)(rnd() % 3000);
            if (dp_crc32(0, buf + off, len) != crc_bitwise(buf + off, len)) ok8 = 0;
            if (dp_crc32(0x12345678u, buf + off, i) != crc_bitwise_from(0x12345678u, buf + off, i)) ok8 = 0;
        }
        CHECK(ok8, "slice-by-8 == bitwise CRC");
    }
}

/* Table builder round trip: random complete codes up to 15 bits (deep
   trees force subtables), every symbol's canonical code must look up to
   itself with the right length, whatever bits follow it. */
static void test_build(void)
{
    static uint32_t tab[DP__GZ_LIT_CAP];
    static unsigned char submax[1 << DP__GZ_LIT_ROOT];
    unsigned char lens[288];
    int t, bad = 0, subtables = 0, rc;
    for (t = 0; t < 300; t++) {
        unsigned depth[288], nleaf = 1, nsym = 2 + rnd() % 287, i, l, count[16], next[16], code;
        if (t % 3 == 0) nsym = 288;
        depth[0] = 0;
        while (nleaf < nsym) { /* split a random leaf (skewed to deep ones) */
            unsigned k = rnd() % nleaf;
            if (rnd() % 2 && nleaf > 1) k = nleaf - 1 - rnd() % (nleaf < 4 ? nleaf : 4);
            if (depth[k] >= 15) continue;
            depth[k]++;
            depth[nleaf++] = depth[k];
        }
        memset(lens, 0, sizeof lens);
        for (i = 0; i < nleaf; i++) lens[i] = (unsigned char)depth[i];
        for (i = 0; i < 288; i++) { /* shuffle symbols */
            unsigned j = rnd() % 288;
            unsigned char x = lens[i];
            lens[i] = lens[j];
            lens[j] = x;
        }
        rc = dp__gz_build(tab, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, lens, 288, DP__GZ_MODE_CLEN, submax);
        if (rc) {
            bad++;
            continue;
        }
        for (i = 0; i < (1u << DP__GZ_LIT_ROOT); i++) subtables += ((tab[i] >> 8) & 0xFF) == DP__GZ_K_SUB;
        memset(count, 0, sizeof count);
        for (i = 0; i < 288; i++) count[lens[i]]++;
        count[0] = 0;
        code = 0;
        for (l = 1; l < 16; l++) next[l] = code = (code + count[l - 1]) << 1;
        for (i = 0; i < 288; i++) {
            uint64_t bb;
            uint32_t e;
            if (!lens[i]) continue;
            bb = ((uint64_t)rnd() << 32 | rnd()) << lens[i] | dp__gz_bitrev(next[lens[i]]++, lens[i]);
            e = dp__gz_lookup(tab, DP__GZ_LIT_ROOT, bb);
            if ((e >> 16) != i || (e & 0xFF) != lens[i] || ((e >> 8) & 0xFF) != DP__GZ_K_LIT) bad++;
        }
    }
    CHECK(bad == 0, "%d table round-trip errors", bad);
    CHECK(subtables > 1000, "only %d subtables exercised", subtables);
    printf("  table builder: %d random codes, %d subtables\n", 300, subtables);
    memset(lens, 0, sizeof lens);
    lens[0] = lens[1] = lens[2] = 1; /* over-subscribed */
    CHECK(dp__gz_build(tab, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, lens, 3, DP__GZ_MODE_LIT, submax) != 0, "oversubscribed");
    lens[2] = 2; /* incomplete, not a single 1-bit code */
    lens[1] = 0;
    CHECK(dp__gz_build(tab, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, lens, 3, DP__GZ_MODE_LIT, submax) != 0, "incomplete");
    lens[2] = 0; /* single 1-bit code: ok for lit/dist, not for code lengths */
    CHECK(dp__gz_build(tab, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, lens, 3, DP__GZ_MODE_DIST, submax) == 0, "single code");
    CHECK(dp__gz_build(tab, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, lens, 3, DP__GZ_MODE_CLEN, submax) != 0, "single clen");
}

/* Vector data sets written as DIR/NAME.raw */
typedef struct {
    const char *name;
    unsigned char *data;
    size_t n;
} dataset;

#define NSETS 9
static dataset g_sets[NSETS];

static void make_sets(void)
{
    static const char *words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy",
                                  "dog", "pruning", "int8", "weights", "conv", "relu\n",
                                  "microcontroller", "a", "of", "budget", "gzip", ", "};
    size_t i, n;
    unsigned char *p;
    for (i = 0; i < NSETS; i++) g_sets[i].data = (unsigned char *)malloc(1100000);
    g_sets[0].name = "empty";
    g_sets[0].n = 0;
    g_sets[1].name = "tiny";
    memcpy(g_sets[1].data, "hello, world\n", 13);
    g_sets[1].n = 13;
    g_sets[2].name = "text"; /* words from a skewed vocabulary: dynamic blocks */
    for (p = g_sets[2].data, n = 0; n < 300000;) {
        const char *w = words[(rnd() % 19) * (rnd() % 19) / 19];
        size_t l = strlen(w);
        memcpy(p + n, w, l);
        n += l;
        p[n++] = ' ';
    }
    g_sets[2].n = n;
    g_sets[3].name = "random"; /* incompressible: stored blocks */
    for (i = 0; i < 100000; i++) g_sets[3].data[i] = (unsigned char)rnd();
    g_sets[3].n = 100000;
    g_sets[4].name = "zeros"; /* distance-1 runs, 258-byte matches */
    memset(g_sets[4].data, 0, 1000000);
    g_sets[4].n = 1000000;
    g_sets[5].name = "periodic"; /* runs with periods 1..40: short overlapping copies */
    for (p = g_sets[5].data, n = 0; n < 400000;) {
        unsigned per = 1 + rnd() % 40, len = 3 + rnd() % 600, j;
        for (j = 0; j < len; j++) p[n + j] = j < per ? (unsigned char)rnd() : p[n + j - per];
        n += len;
    }
    g_sets[5].n = n;
    g_sets[6].name = "far"; /* 32 KB random block repeated: matches near max distance */
    for (i = 0; i < 32768; i++) g_sets[6].data[i] = (unsigned char)rnd();
    for (i = 32768; i < 6 * 32768; i++) g_sets[6].data[i] = g_sets[6].data[i - 32768 + (i / 32768 % 2) * 5];
    g_sets[6].n = 6 * 32768;
    g_sets[7].name = "image"; /* fashion-mnist-like: zero background, smooth blobs */
    for (i = 0; i < 200 * 784; i++) {
        int x = (int)(i % 28) - 14, y = (int)(i / 28 % 28) - 14, r = x * x + y * y;
        g_sets[7].data[i] = (unsigned char)(r < 90 + (int)(i / 784 % 50) ? 120 + (rnd() % 100) : 0);
    }
    g_sets[7].n = 200 * 784;
    g_sets[8].name = "small"; /* small dynamic-block file for the corruption tests */
    memcpy(g_sets[8].data, g_sets[2].data, 3000);
    g_sets[8].n = 3000;
}

static const dataset *find_set(const char *name)
{
    int i;
    for (i = 0; i < NSETS; i++)
        if (strcmp(g_sets[i].name, name) == 0) return &g_sets[i];
    return NULL;
}

static void test_vectors(const char *dir)
{
    static const char *variants[] = {"l1", "l6", "l9", "name"};
    char path[512];
    int i, v;
    for (i = 0; i < NSETS; i++) {
        for (v = 0; v < 4; v++) {
            size_t gn;
            unsigned char *gz;
            char what[64];
            snprintf(path, sizeof path, "%s/%s.%s.gz", dir, g_sets[i].name, variants[v]);
            snprintf(what, sizeof what, "%s.%s", g_sets[i].name, variants[v]);
            gz = read_file(path, &gn);
            CHECK(gz != NULL, "missing %s", path);
            if (!gz) continue;
            if (v == 3) CHECK(gn > 3 && (gz[3] & 8), "%s: FNAME flag expected", what);
            else CHECK(gn > 3 && gz[3] == 0, "%s: no flags expected", what);
            expect_ok(what, gz, gn, g_sets[i].data, g_sets[i].n);
            free(gz);
        }
    }
    { /* multi-member: text.l6 random.l1 empty.l9 zeros.name */
        const char *parts[4] = {"text", "random", "empty", "zeros"};
        size_t total = 0, gn;
        unsigned char *want = (unsigned char *)malloc(2000000), *gz;
        for (i = 0; i < 4; i++) {
            const dataset *s = find_set(parts[i]);
            memcpy(want + total, s->data, s->n);
            total += s->n;
        }
        snprintf(path, sizeof path, "%s/multi.gz", dir);
        gz = read_file(path, &gn);
        CHECK(gz != NULL, "missing %s", path);
        if (gz) {
            unsigned char *big = (unsigned char *)malloc(gn + 100);
            expect_ok("multi", gz, gn, want, total);
            /* trailing zero padding is accepted, other trailing bytes are not */
            memcpy(big, gz, gn);
            memset(big + gn, 0, 100);
            expect_ok("multi+zeros", big, gn + 100, want, total);
            big[gn + 50] = 7;
            expect_err("multi+garbage", big, gn + 100, DP_ERR_FORMAT, "gzip: trailing garbage");
            big[gn] = 0x1F;
            expect_err("multi+lone 1f", big, gn + 1, DP_ERR_FORMAT, "gzip: trailing garbage");
            big[gn + 1] = 0x8B;
            expect_err("multi+partial member", big, gn + 2, DP_ERR_FORMAT, "gzip: truncated stream");
            /* max_out: exact fits, one less does not */
            {
                unsigned char *out;
                size_t on;
                char err[64];
                int rc = dp_gunzip(gz, gn, total, &out, &on, err, sizeof err);
                CHECK(rc == DP_OK && on == total, "max_out exact: rc %d", rc);
                if (rc == DP_OK) free(out);
                rc = dp_gunzip(gz, gn, total - 1, &out, &on, err, sizeof err);
                CHECK(rc == DP_ERR_LIMIT && out == NULL, "max_out-1: rc %d", rc);
                rc = dp_gunzip(gz, gn, 1000, &out, &on, NULL, 0);
                CHECK(rc == DP_ERR_LIMIT, "max_out small, err NULL: rc %d", rc);
            }
            free(big);
            free(gz);
        }
        free(want);
    }
}

static void test_handmade(void)
{
    static unsigned char defl[200000], gz[200000], data[100000], want[100000];
    bitw w;
    size_t gn, wn, i;
    unsigned char *out;
    size_t on;
    char err[64];
    int rc;

    for (i = 0; i < sizeof data; i++) data[i] = (unsigned char)rnd();
    w.buf = defl;

    /* Stored blocks: empty, small, 65535 bytes, then an empty final fixed block. */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_stored(&w, 0, data, 0);
    bw_stored(&w, 0, data, 5);
    bw_stored(&w, 0, data + 5, 65535);
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed_lit(&w, 256);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, data, 65540);
    expect_ok("stored blocks", gz, gn, data, 65540);
    gz[10 + 8] ^= 1; /* NLEN of the second stored block */
    expect_err("stored NLEN", gz, gn, DP_ERR_FORMAT, "gzip: stored block length mismatch");

    /* Final stored block alone; and with 3 trailing bits of padding ignored. */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_stored(&w, 1, data, 300);
    gn = wrap_gz(gz, defl, w.n, data, 300);
    expect_ok("stored final", gz, gn, data, 300);
    expect_err("stored truncated", gz, gn - 9, DP_ERR_FORMAT, "gzip: truncated stream");

    /* Max distance: 32768 random bytes (stored), then fixed-code matches of
       length 258 at distance 32768, and a few short ones. */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_stored(&w, 0, data, 32768);
    memcpy(want, data, 32768);
    wn = 32768;
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    {
        static const unsigned ml[] = {258, 258, 3, 10, 227, 257, 100, 4, 258};
        static const unsigned md[] = {32768, 32768, 1, 2, 24577, 32767, 7, 4, 1};
        for (i = 0; i < 9; i++) {
            size_t j;
            bw_fixed_match(&w, ml[i], md[i]);
            for (j = 0; j < ml[i]; j++, wn++) want[wn] = want[wn - md[i]];
            bw_fixed_lit(&w, (unsigned)(i * 29 + 7));
            want[wn++] = (unsigned char)(i * 29 + 7);
        }
    }
    bw_fixed_lit(&w, 256);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, want, wn);
    expect_ok("max distance 32768", gz, gn, want, wn);

    /* Invalid distances: nothing written yet; and one byte too far. */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed_match(&w, 3, 1);
    bw_fixed_lit(&w, 256);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, data, 0);
    expect_err("distance into nothing", gz, gn, DP_ERR_FORMAT, "gzip: invalid distance");
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    for (i = 0; i < 5; i++) bw_fixed_lit(&w, 'a' + (unsigned)i);
    bw_fixed_match(&w, 3, 6);
    bw_fixed_lit(&w, 256);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, data, 0);
    expect_err("distance too far", gz, gn, DP_ERR_FORMAT, "gzip: invalid distance");
    /* fixed-code symbols 286/287 and distance codes 30/31 are forbidden */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed_lit(&w, 'a');
    bw_fixed_lit(&w, 286);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, data, 0);
    expect_err("lit/len 286", gz, gn, DP_ERR_FORMAT, NULL);
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed_lit(&w, 'a');
    bw_fixed_lit(&w, 257);
    bw_huff(&w, 30, 5);
    bw_put(&w, 0, 24);
    bw_align(&w);
    gn = wrap_gz(gz, defl, w.n, data, 0);
    expect_err("distance code 30", gz, gn, DP_ERR_FORMAT, "gzip: invalid distance code");
    /* block type 3 */
    w.n = 0, w.acc = 0, w.cnt = 0;
    bw_put(&w, 7, 3);
    bw_put(&w, 0, 16);
    gn = wrap_gz(gz, defl, w.n, data, 0);
    expect_err("block type 3", gz, gn, DP_ERR_FORMAT, "gzip: invalid block type");

    /* Window does not reach into the previous member. */
    {
        size_t g1;
        w.n = 0, w.acc = 0, w.cnt = 0;
        bw_stored(&w, 1, (const unsigned char *)"abc", 3);
        g1 = wrap_gz(gz, defl, w.n, (const unsigned char *)"abc", 3);
        w.n = 0, w.acc = 0, w.cnt = 0;
        bw_put(&w, 1, 1);
        bw_put(&w, 1, 2);
        bw_fixed_match(&w, 3, 3);
        bw_fixed_lit(&w, 256);
        bw_align(&w);
        gn = g1 + wrap_gz(gz + g1, defl, w.n, (const unsigned char *)"abc", 3);
        expect_err("distance across members", gz, gn, DP_ERR_FORMAT, "gzip: invalid distance");
    }

    /* Dynamic block by hand: lit/len code {'a','b',EOB,257} all 2 bits, a
       single 1-bit distance code (incomplete: allowed), code-length code
       {0,1,2,18} all 2 bits. Data: a b [len 3 dist 1] a  ->  "abbbba". */
    {
        static const unsigned order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
        int variant;
        for (variant = 0; variant < 4; variant++) {
            unsigned clen[19], k;
            memset(clen, 0, sizeof clen);
            clen[0] = clen[1] = clen[2] = clen[18] = 2;
            if (variant == 3) clen[3] = 2; /* over-subscribed code-length code */
            w.n = 0, w.acc = 0, w.cnt = 0;
            bw_put(&w, 1, 1);
            bw_put(&w, 2, 2);
            bw_put(&w, 258 - 257, 5); /* HLIT: 258 codes */
            bw_put(&w, 0, 5);         /* HDIST: 1 code */
            bw_put(&w, 18 - 4, 4);    /* HCLEN: 18 */
            for (k = 0; k < 18; k++) bw_put(&w, clen[order[k]], 3);
            /* clen codes: 0->00 1->01 2->10 18->11 */
            bw_huff(&w, 3, 2), bw_put(&w, 97 - 11, 7); /* 0..96 zero */
            bw_huff(&w, 2, 2), bw_huff(&w, 2, 2);      /* 'a','b' = 2 */
            bw_huff(&w, 3, 2), bw_put(&w, 138 - 11, 7);
            bw_huff(&w, 3, 2), bw_put(&w, 19 - 11, 7); /* 99..255 zero */
            bw_huff(&w, 2, 2), bw_huff(&w, 2, 2);      /* 256, 257 = 2 */
            bw_huff(&w, variant == 2 ? 0 : 1, 2);      /* dist 0: len 1 (or 0) */
            /* lit codes: a->00 b->01 256->10 257->11; dist 0 -> 0 */
            bw_huff(&w, 0, 2), bw_huff(&w, 1, 2);
            if (variant == 2) { /* no distance codes: literals only */
                bw_huff(&w, 1, 2);
            } else {
                bw_huff(&w, 3, 2), bw_huff(&w, variant == 1 ? 1 : 0, 1);
            }
            bw_huff(&w, 0, 2), bw_huff(&w, 2, 2);
            bw_align(&w);
            if (variant == 0) {
                gn = wrap_gz(gz, defl, w.n, (const unsigned char *)"abbbba", 6);
                expect_ok("dynamic, 1 distance code", gz, gn, (const unsigned char *)"abbbba", 6);
            } else if (variant == 1) {
                gn = wrap_gz(gz, defl, w.n, (const unsigned char *)"abbbba", 6);
                expect_err("dynamic, unused distance code", gz, gn, DP_ERR_FORMAT, "gzip: invalid distance code");
            } else if (variant == 2) {
                gn = wrap_gz(gz, defl, w.n, (const unsigned char *)"abba", 4);
                expect_ok("dynamic, no distance codes", gz, gn, (const unsigned char *)"abba", 4);
            } else {
                gn = wrap_gz(gz, defl, w.n, (const unsigned char *)"abbbba", 6);
                expect_err("dynamic, over-subscribed", gz, gn, DP_ERR_FORMAT, "gzip: bad code lengths");
            }
        }
    }

    /* Header fields: FEXTRA + FNAME + FCOMMENT + FHCRC, then corrupt them. */
    {
        static const unsigned char h[] = {0x1F, 0x8B, 8, 4 | 8 | 16 | 2, 1, 2, 3, 4, 0, 3,
                                          5, 0, 'A', 'B', 2, 0, 9, 'n', 'm', 0, 'h', 'i', 0};
        uint32_t c = dp_crc32(0, h, sizeof h);
        size_t o = sizeof h;
        memcpy(gz, h, o);
        gz[o++] = (unsigned char)c;
        gz[o++] = (unsigned char)(c >> 8);
        w.n = 0, w.acc = 0, w.cnt = 0;
        bw_stored(&w, 1, data, 77);
        o += wrap_gz(gz + o, defl, w.n, data, 77) - 10;
        memmove(gz + sizeof h + 2, gz + sizeof h + 2 + 10, o - sizeof h - 2);
        gn = o; /* (wrap_gz's own 10-byte header was squeezed out above) */
        expect_ok("all header fields", gz, gn, data, 77);
        gz[sizeof h] ^= 0x40;
        expect_err("header crc", gz, gn, DP_ERR_CRC, "gzip: header crc mismatch");
        gz[sizeof h] ^= 0x40;
        gz[3] |= 0x20;
        expect_err("reserved flag", gz, gn, DP_ERR_FORMAT, "gzip: reserved flag bits set");
        gz[3] &= 0x1F;
        gz[2] = 7;
        expect_err("method 7", gz, gn, DP_ERR_FORMAT, "gzip: unknown compression method");
        gz[2] = 8;
        expect_err("unterminated name", gz, 19, DP_ERR_FORMAT, "gzip: truncated stream");
        gz[gn - 8] ^= 1;
        expect_err("crc32", gz, gn, DP_ERR_CRC, "gzip: crc mismatch");
        gz[gn - 8] ^= 1;
        gz[gn - 4] ^= 1;
        expect_err("isize", gz, gn, DP_ERR_CRC, "gzip: length mismatch");
        gz[gn - 4] ^= 1;
        expect_ok("all header fields again", gz, gn, data, 77);
    }

    /* Not gzip, arguments, err buffer handling. */
    expect_err("not gzip", (const unsigned char *)"hello", 5, DP_ERR_FORMAT, "not gzip");
    expect_err("1 byte", (const unsigned char *)"\x1f", 1, DP_ERR_FORMAT, "not gzip");
    expect_err("0 bytes", NULL, 0, DP_ERR_FORMAT, "not gzip");
    expect_err("magic only", (const unsigned char *)"\x1f\x8b", 2, DP_ERR_FORMAT, "gzip: truncated stream");
    rc = dp_gunzip(NULL, 5, 100, &out, &on, err, sizeof err);
    CHECK(rc == DP_ERR_ARG, "NULL src: %d", rc);
    rc = dp_gunzip(gz, gn, 100, NULL, &on, err, sizeof err);
    CHECK(rc == DP_ERR_ARG, "NULL out: %d", rc);
    rc = dp_gunzip(gz, gn, 100, &out, NULL, err, sizeof err);
    CHECK(rc == DP_ERR_ARG, "NULL out_n: %d", rc);
    rc = dp_gunzip((const unsigned char *)"xyz", 3, 100, &out, &on, err, 4);
    CHECK(rc == DP_ERR_FORMAT && strcmp(err, "not") == 0, "err truncated to cap: '%s'", err);
}

static void test_empty_and_limits(const char *dir)
{
    char path[512];
    size_t gn, on;
    unsigned char *gz, *out;
    int rc;
    snprintf(path, sizeof path, "%s/empty.l6.gz", dir);
    gz = read_file(path, &gn);
    CHECK(gz != NULL, "empty.l6.gz");
    if (!gz) return;
    rc = dp_gunzip(gz, gn, 0, &out, &on, NULL, 0);
    CHECK(rc == DP_OK && out != NULL && on == 0, "empty with max_out 0: rc %d", rc);
    if (rc == DP_OK) free(out);
    free(gz);
}

/* Every truncation must fail; every single-byte change must fail or still
   produce the right data. Run under ASan/UBSan to catch memory errors. */
static void corrupt_file(const char *dir, const char *file, const dataset *s, int flips)
{
    char path[512];
    size_t gn, len, on;
    unsigned char *gz, *cp, *out;
    int i, bad_trunc = 0, bad_flip = 0, nerr = 0, nok = 0;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    gz = read_file(path, &gn);
    CHECK(gz != NULL, "missing %s", path);
    if (!gz) return;
    for (len = 0; len < gn; len++) {
        /* exact-size copy so ASan flags any read past the end */
        cp = (unsigned char *)malloc(len ? len : 1);
        memcpy(cp, gz, len);
        if (dp_gunzip(cp, len, 1 << 20, &out, &on, NULL, 0) == DP_OK) {
            bad_trunc++;
            free(out);
        }
        free(cp);
    }
    CHECK(bad_trunc == 0, "%s: %d truncations decoded OK", file, bad_trunc);
    cp = (unsigned char *)malloc(gn);
    for (i = 0; i < flips; i++) {
        size_t at = rnd() % gn;
        unsigned char nv = (unsigned char)(gz[at] ^ (1 + rnd() % 255));
        int rc;
        memcpy(cp, gz, gn);
        cp[at] = nv;
        rc = dp_gunzip(cp, gn, 1 << 20, &out, &on, NULL, 0);
        if (rc == DP_OK) {
            nok++;
            if (on != s->n || (on && memcmp(out, s->data, on) != 0)) bad_flip++;
            free(out);
        } else {
            nerr++;
        }
    }
    CHECK(bad_flip == 0, "%s: %d flips gave wrong data", file, bad_flip);
    printf("  corrupt %-16s %lu truncations ok, %d flips: %d errors, %d harmless\n", file,
           (unsigned long)gn, flips, nerr, nok);
    free(cp);
    free(gz);
}

static void fuzz_random(void)
{
    static unsigned char buf[4096];
    int i, crashes_would_be_caught_by_asan = 0;
    for (i = 0; i < 3000; i++) {
        size_t n = 10 + rnd() % 2000, j, on;
        unsigned char *out;
        static const unsigned char h[10] = {0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3};
        memcpy(buf, h, 10);
        for (j = 10; j < n; j++) buf[j] = (unsigned char)rnd();
        if (i % 3 == 0) buf[10] = (unsigned char)((buf[10] & ~6u) | 4u); /* dynamic block */
        if (i % 3 == 1) buf[10] = (unsigned char)((buf[10] & ~6u) | 2u); /* fixed block */
        if (dp_gunzip(buf, n, 1 << 20, &out, &on, NULL, 0) == DP_OK) free(out);
    }
    CHECK(crashes_would_be_caught_by_asan == 0, "random streams");
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void test_fashion(void)
{
    const char *path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    size_t gn, on;
    unsigned char *gz = read_file(path, &gn), *out;
    double t0, t1, best = 1e9;
    clock_t c0;
    int rc = DP_OK, rep;
    char err[64];
    if (!gz) {
        SKIP("gunzip of Fashion-MNIST: %s not present (apt-get install dataset-fashion-mnist)", path);
        return;
    }
    for (rep = 0; rep < 3 && rc == DP_OK; rep++) {
        t0 = now_s();
        c0 = clock();
        rc = dp_gunzip(gz, gn, (size_t)1 << 30, &out, &on, err, sizeof err);
        t1 = now_s();
        if (t1 - t0 < best) best = t1 - t0;
        printf("  fashion-mnist train images: %lu -> %lu bytes, %.3f s wall, %.3f s cpu\n",
               (unsigned long)gn, (unsigned long)on, t1 - t0,
               (double)(clock() - c0) / CLOCKS_PER_SEC);
        CHECK(rc == DP_OK, "fashion rc %d (%s)", rc, err);
        if (rc != DP_OK) break;
        CHECK(on == 47040016, "fashion size %lu", (unsigned long)on);
        CHECK(on >= 16 && out[0] == 0 && out[1] == 0 && out[2] == 8 && out[3] == 3 &&
                  dp__rd32(out + 4) == 0x60EA0000u && out[11] == 28 && out[15] == 28,
              "idx header");
        free(out);
    }
    printf("  fashion-mnist best of runs: %.3f s (%.0f MB/s output)\n", best, 47.04 / best);
    free(gz);
}

int main(int argc, char **argv)
{
    char script[600], dir[64], cmd[800], path[600];
    int i, rc;
    tu_rng = 0x9E3779B97F4A7C15ull;   /* this file's stream */
    /* gzip_vectors.sh lives next to this source file */
    if (argc > 1) snprintf(script, sizeof script, "%s", argv[1]);
    else {
        const char *f = __FILE__, *slash = strrchr(f, '/');
        if (slash) snprintf(script, sizeof script, "%.*s/gzip_vectors.sh", (int)(slash - f), f);
        else snprintf(script, sizeof script, "gzip_vectors.sh");
    }
    strcpy(dir, "/tmp/dp_gzip_vec_XXXXXX");
    if (!mkdtemp(dir)) {
        printf("mkdtemp failed\n0 passed, 1 failed\n");
        return 1;
    }

    test_crc();
    test_build();
    make_sets();
    for (i = 0; i < NSETS; i++) {
        snprintf(path, sizeof path, "%s/%s.raw", dir, g_sets[i].name);
        CHECK(write_file(path, g_sets[i].data, g_sets[i].n), "write %s", path);
    }
    snprintf(cmd, sizeof cmd, "sh '%s' '%s'", script, dir);
    rc = system(cmd);
    CHECK(rc == 0, "'%s' failed (%d)", cmd, rc);

    test_vectors(dir);
    test_empty_and_limits(dir);
    test_handmade();
    corrupt_file(dir, "small.l9.gz", find_set("small"), 2000);
    corrupt_file(dir, "small.name.gz", find_set("small"), 500);
    corrupt_file(dir, "tiny.l1.gz", find_set("tiny"), 300);
    fuzz_random();
    test_fashion();

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("warning: could not remove %s\n", dir);
    for (i = 0; i < NSETS; i++) free(g_sets[i].data);
    return TEST_DONE();
}

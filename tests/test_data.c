/* tests/test_data.c - the data loaders of >>api_data: PNG, PPM/PGM, BMP,
   resize, sensor CSV, the image / CSV / WAV folder data sets, and the
   boards table (>>api_boards).
   Every loader runs on small data this test writes itself (PNGs by a tiny
   writer of its own with stored deflate blocks: every colour type and bit
   depth, every filter type, Adam7), each compared sample by sample with
   what was written; corrupt files are refused with the file name and the
   reason. Where ImageMagick / netpbm / optipng and Fashion-MNIST are
   installed, Fashion-MNIST images encoded by them as PNG in many ways are
   decoded and compared with the IDX source exactly (skipped with a count
   otherwise). The fuzz corpus of tests/fuzz_data.c is replayed.
   Usage: test_data            the tests
          test_data --info F..  prints "F W H" per decodable image (for
                                tests/png_sweep.sh), "F error: MSG" else
          test_data --rgba8 F   the pixels of F as 8-bit RGBA on stdout
          test_data --fashion-folder OUT [N]  Fashion-MNIST as a PNG folder
                                by ImageMagick (N per class and split; 0:
                                all), loaded and compared with the IDX
          test_data --seeds DIR writes the seed corpus of tests/fuzz_data.c
                                (tests/fuzz_data_corpus: ok-* accepted,
                                bad-* refused, checked by the replay;
                                near-*: a sample of what `make fuzz-data`
                                found, only the target's properties)
   Last line: "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#define DP_FUZZ_LIBRARY
#include "fuzz_data.c"

static char tmpdir[256];

/* ---------------------------------------------------------------- helpers */
typedef struct buf { unsigned char *p; size_t n, cap; } buf;
static void put(buf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = (unsigned char *)realloc(b->p, b->cap);
        if (!b->p) { printf("out of memory\n"); exit(2); }
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void put8(buf *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void putbe32(buf *b, uint32_t v) { put8(b, v >> 24); put8(b, (v >> 16) & 255u); put8(b, (v >> 8) & 255u); put8(b, v & 255u); }
static void putle16(buf *b, unsigned v) { put8(b, v & 255u); put8(b, (v >> 8) & 255u); }
static void putle32(buf *b, uint32_t v) { putle16(b, v & 0xFFFFu); putle16(b, v >> 16); }

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f) return -1;
    ok = fwrite(p, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
static int mkdirs(const char *path)
{
    char tmp[1024];
    size_t i;
    snprintf(tmp, sizeof tmp, "%s", path);
    for (i = 1; tmp[i]; i++)
        if (tmp[i] == '/') { tmp[i] = 0; mkdir(tmp, 0755); tmp[i] = '/'; }
    return mkdir(tmp, 0755) == 0 || dp__isdir(tmp) ? 0 : -1;
}
static char *path2(const char *a, const char *b)
{
    static char s[4][1024];
    static int k;
    k = (k + 1) & 3;
    snprintf(s[k], sizeof s[k], "%s/%s", a, b);
    return s[k];
}

/* ------------------------------------------------------------- PNG writer */
/* An image as the PNG holds it: samples in the file's bit depth (palette:
   indices), spp per pixel. */
typedef struct png_src {
    int w, h, ct, depth, interlace;
    unsigned *s;                 /* [h][w][spp] */
    unsigned char pal[256][3];
    int npal;
    int trns;                    /* write tRNS: palette alphas / the key */
    unsigned char palpha[256];
    unsigned key[3];
    int filter;                  /* 0..4, or 5: row y uses (y * 3 + pass) % 5 */
    size_t idat_chunk;           /* split IDAT every so many bytes (0: one) */
} png_src;

static int spp_of(int ct) { return ct == 2 ? 3 : ct == 4 ? 2 : ct == 6 ? 4 : 1; }

static void png_chunk(buf *b, const char *type, const unsigned char *d, size_t n)
{
    buf t = {0, 0, 0};
    put(&t, type, 4); put(&t, d, n);
    putbe32(b, (uint32_t)n); put(b, t.p, t.n); putbe32(b, dp_crc32(0, t.p, t.n));
    free(t.p);
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static buf png_write(const png_src *s)
{
    static const int ax[7] = {0, 4, 0, 2, 0, 1, 0}, ay[7] = {0, 0, 4, 0, 2, 0, 1};
    static const int sx[7] = {8, 8, 4, 4, 2, 2, 1}, sy[7] = {8, 8, 8, 4, 4, 2, 2};
    const int spp = spp_of(s->ct), np = s->interlace ? 7 : 1;
    const size_t bpp = s->depth < 8 ? 1 : (size_t)spp * (size_t)s->depth / 8;
    buf raw = {0, 0, 0}, z = {0, 0, 0}, out = {0, 0, 0};
    unsigned char ih[13];
    uint32_t a = 1, bb = 0;
    size_t i, off;
    int pass;
    for (pass = 0; pass < np; pass++) {
        const int x0 = s->interlace ? ax[pass] : 0, y0 = s->interlace ? ay[pass] : 0;
        const int dx = s->interlace ? sx[pass] : 1, dy = s->interlace ? sy[pass] : 1;
        int pw, ph, x, y, k;
        size_t rb;
        unsigned char *prev, *cur;
        if (s->w <= x0 || s->h <= y0) continue;
        pw = (s->w - x0 + dx - 1) / dx; ph = (s->h - y0 + dy - 1) / dy;
        rb = ((size_t)pw * (size_t)spp * (size_t)s->depth + 7) / 8;
        prev = (unsigned char *)calloc(rb + 1, 1); cur = (unsigned char *)calloc(rb + 1, 1);
        for (y = 0; y < ph; y++) {
            const int f = s->filter < 5 ? s->filter : (y * 3 + pass) % 5;
            memset(cur, 0, rb);
            for (x = 0; x < pw; x++)
                for (k = 0; k < spp; k++) {
                    const unsigned v = s->s[(((size_t)(y0 + y * dy)) * (size_t)s->w + (size_t)(x0 + x * dx)) * (size_t)spp + (size_t)k];
                    if (s->depth < 8) { const size_t bit = (size_t)x * (size_t)s->depth; cur[bit >> 3] |= (unsigned char)(v << (8 - s->depth - (int)(bit & 7u))); }
                    else if (s->depth == 8) cur[(size_t)x * (size_t)spp + (size_t)k] = (unsigned char)v;
                    else { cur[((size_t)x * (size_t)spp + (size_t)k) * 2] = (unsigned char)(v >> 8); cur[((size_t)x * (size_t)spp + (size_t)k) * 2 + 1] = (unsigned char)v; }
                }
            put8(&raw, (unsigned)f);
            for (i = 0; i < rb; i++) {
                const int left = i >= bpp ? cur[i - bpp] : 0, up = y ? prev[i] : 0, ul = y && i >= bpp ? prev[i - bpp] : 0;
                const int pred = f == 0 ? 0 : f == 1 ? left : f == 2 ? up : f == 3 ? (left + up) / 2 : paeth(left, up, ul);
                put8(&raw, (unsigned)((cur[i] - pred) & 255));
            }
            memcpy(prev, cur, rb);
        }
        free(prev); free(cur);
    }
    /* zlib with stored blocks of at most 1000 bytes (several blocks) */
    put8(&z, 0x78); put8(&z, 0x01);
    off = 0;
    do {
        const size_t k = raw.n - off < 1000 ? raw.n - off : 1000;
        put8(&z, off + k == raw.n ? 1u : 0u);
        putle16(&z, (unsigned)k); putle16(&z, (unsigned)(~k & 0xFFFFu));
        put(&z, raw.p + off, k);
        off += k;
    } while (off < raw.n);
    for (i = 0; i < raw.n; i++) { a = (a + raw.p[i]) % 65521u; bb = (bb + a) % 65521u; }
    putbe32(&z, bb << 16 | a);
    put(&out, "\x89PNG\r\n\x1a\n", 8);
    ih[0] = (unsigned char)(s->w >> 24); ih[1] = (unsigned char)(s->w >> 16); ih[2] = (unsigned char)(s->w >> 8); ih[3] = (unsigned char)s->w;
    ih[4] = (unsigned char)(s->h >> 24); ih[5] = (unsigned char)(s->h >> 16); ih[6] = (unsigned char)(s->h >> 8); ih[7] = (unsigned char)s->h;
    ih[8] = (unsigned char)s->depth; ih[9] = (unsigned char)s->ct; ih[10] = 0; ih[11] = 0; ih[12] = (unsigned char)s->interlace;
    png_chunk(&out, "IHDR", ih, 13);
    png_chunk(&out, "tEXt", (const unsigned char *)"Comment\0test", 12);
    if (s->ct == 3) png_chunk(&out, "PLTE", &s->pal[0][0], 3 * (size_t)s->npal);
    if (s->trns) {
        unsigned char t[6];
        if (s->ct == 3) png_chunk(&out, "tRNS", s->palpha, (size_t)s->npal);
        else {
            for (i = 0; i < (s->ct == 0 ? 1u : 3u); i++) { t[2 * i] = (unsigned char)(s->key[i] >> 8); t[2 * i + 1] = (unsigned char)s->key[i]; }
            png_chunk(&out, "tRNS", t, s->ct == 0 ? 2 : 6);
        }
    }
    for (off = 0; off < z.n;) {
        const size_t k = s->idat_chunk && z.n - off > s->idat_chunk ? s->idat_chunk : z.n - off;
        png_chunk(&out, "IDAT", z.p + off, k);
        off += k;
    }
    png_chunk(&out, "IEND", NULL, 0);
    free(raw.p); free(z.p);
    return out;
}

/* what dp_image_decode must give for s: channels and samples */
static int png_expect(const png_src *s, uint16_t *e, int *maxval)
{
    const int spp = spp_of(s->ct);
    const unsigned scale = s->depth == 1 ? 255u : s->depth == 2 ? 85u : s->depth == 4 ? 17u : 1u;
    const int c = s->ct == 3 ? (s->trns ? 4 : 3) : spp + ((s->ct == 0 || s->ct == 2) && s->trns);
    size_t i, np = (size_t)s->w * (size_t)s->h;
    int k;
    *maxval = s->depth == 16 ? 65535 : 255;
    for (i = 0; i < np; i++) {
        const unsigned *p = s->s + i * (size_t)spp;
        uint16_t *o = e + i * (size_t)c;
        if (s->ct == 3) {
            for (k = 0; k < 3; k++) o[k] = s->pal[p[0]][k];
            if (s->trns) o[3] = s->palpha[p[0]];
        } else {
            for (k = 0; k < spp; k++) o[k] = (uint16_t)(p[k] * scale);
            if (c > spp) o[spp] = (uint16_t)((s->ct == 0 ? p[0] == s->key[0] : (p[0] == s->key[0] && p[1] == s->key[1] && p[2] == s->key[2])) ? 0 : *maxval);
        }
    }
    return c;
}

static void random_png(png_src *s, int w, int h, int ct, int depth)
{
    const int spp = spp_of(ct);
    const unsigned top = (1u << depth) - 1u;
    size_t i, n = (size_t)w * (size_t)h * (size_t)spp;
    memset(s, 0, sizeof *s);
    s->w = w; s->h = h; s->ct = ct; s->depth = depth;
    s->s = (unsigned *)malloc(sizeof(unsigned) * (n + 1));
    if (ct == 3) {
        s->npal = (int)(1u << depth) - (depth > 1 ? 1 : 0);
        for (i = 0; i < (size_t)s->npal; i++) {
            s->pal[i][0] = (unsigned char)(unsigned)rndn(256); s->pal[i][1] = (unsigned char)(unsigned)rndn(256); s->pal[i][2] = (unsigned char)(unsigned)rndn(256);
            s->palpha[i] = (unsigned char)(unsigned)rndn(256);
        }
    }
    for (i = 0; i < n; i++) s->s[i] = ct == 3 ? (unsigned)rndn(s->npal) : (rndn(4) == 0 ? top : (unsigned)rndn((int)top + 1));
    for (i = 0; i < 3; i++) s->key[i] = rndn(4) == 0 ? top : (unsigned)rndn((int)top + 1);
    if (n >= 3 && ct == 0) s->s[1] = s->key[0];
    if (n >= 6 && ct == 2) { s->s[3] = s->key[0]; s->s[4] = s->key[1]; s->s[5] = s->key[2]; }
}

static void patch_ihdr(buf *b, uint32_t w, uint32_t h)
{
    uint32_t crc;
    int i;
    for (i = 0; i < 4; i++) { b->p[16 + i] = (unsigned char)(w >> (24 - 8 * i)); b->p[20 + i] = (unsigned char)(h >> (24 - 8 * i)); }
    crc = dp_crc32(0, b->p + 12, 17);
    for (i = 0; i < 4; i++) b->p[29 + i] = (unsigned char)(crc >> (24 - 8 * i));
}

static int has(const char *err, const char *s) { return strstr(err, s) != NULL; }

static void test_png(void)
{
    static const int cts[5] = {0, 2, 3, 4, 6};
    static const int sizes[5][2] = {{1, 1}, {3, 5}, {9, 13}, {17, 4}, {2, 33}};
    int ci, d, il, f, si, cases = 0, bad = 0;
    char err[512];
    tu_rng = 12345;
    for (ci = 0; ci < 5; ci++)
        for (d = 1; d <= 16; d *= 2) {
            const int ct = cts[ci];
            if (!(ct == 0 || (ct == 3 && d <= 8) || (ct != 3 && d >= 8))) continue;
            for (il = 0; il < 2; il++)
                for (f = 0; f < 6; f++)
                    for (si = 0; si < 5; si++) {
                        png_src s;
                        buf b;
                        dp_image im;
                        uint16_t *e;
                        int c, mx, st, trns;
                        for (trns = 0; trns < ((ct == 0 || ct == 2 || ct == 3) ? 2 : 1); trns++) {
                            random_png(&s, sizes[si][0], sizes[si][1], ct, d);
                            s.interlace = il; s.filter = f; s.trns = trns;
                            s.idat_chunk = (size_t)(si * 7);
                            b = png_write(&s);
                            e = (uint16_t *)malloc(sizeof(uint16_t) * 4 * (size_t)s.w * (size_t)s.h);
                            c = png_expect(&s, e, &mx);
                            st = dp_image_decode(b.p, b.n, "t.png", &im, err, sizeof err);
                            cases++;
                            if (st != DP_OK || im.w != s.w || im.h != s.h || im.c != c || im.maxval != mx ||
                                memcmp(im.px, e, sizeof(uint16_t) * (size_t)c * (size_t)s.w * (size_t)s.h)) {
                                if (bad++ < 5) printf("PNG ct %d depth %d interlace %d filter %d %dx%d trns %d: st %d (%s) %dx%dx%d max %d\n",
                                                      ct, d, il, f, s.w, s.h, trns, st, st ? err : "", im.w, im.h, im.c, im.maxval);
                            }
                            dp_image_free(&im);
                            free(e); free(b.p); free(s.s);
                        }
                    }
        }
    CHECK(bad == 0, "%d of %d written PNGs decoded wrong", bad, cases);
    CHECK(cases == 1560, "%d PNG cases", cases);
    printf("png: %d PNGs (5 colour types, every depth, filters 0-4 and mixed, Adam7, tRNS, split IDAT) decoded exactly\n", cases);

    { /* corrupt files: every truncation, CRC, filter type, palette index, limits */
        png_src s;
        buf b;
        dp_image im;
        size_t k;
        int refused = 0, st;
        tu_rng = 7;
        random_png(&s, 9, 7, 2, 8);
        s.interlace = 1; s.filter = 5;
        b = png_write(&s);
        for (k = 0; k < b.n; k++) {
            st = dp_image_decode(b.p, k, "cut.png", &im, err, sizeof err);
            if (st < 0 && has(err, "cut.png") && !im.px) refused++;
            dp_image_free(&im);
        }
        CHECK(refused == (int)b.n, "%d of %lu truncations refused with the name", refused, (unsigned long)b.n);
        b.p[45] ^= 1; /* inside tEXt's text */
        st = dp_image_decode(b.p, b.n, "crc.png", &im, err, sizeof err);
        CHECK(st == DP_ERR_CRC && has(err, "crc.png") && has(err, "tEXt") && has(err, "CRC"), "flipped bit: %d %s", st, err);
        b.p[45] ^= 1;
        st = dp_image_decode(b.p, b.n, "ok.png", &im, err, sizeof err);
        CHECK(st == DP_OK && im.w == 9 && im.h == 7, "restored: %d %s", st, err);
        dp_image_free(&im);
        free(b.p); free(s.s);

        random_png(&s, 4, 3, 0, 8);
        s.filter = 0;
        s.s[0] = 0;
        b = png_write(&s);
        { /* filter byte 7 in a stored block: patch the first raw byte and fix the Adler and CRC */
            size_t p = 8 + 25 + 24, zs = p + 8; /* IDAT data start */
            unsigned char *raw = b.p + zs + 2 + 5;
            uint32_t a = 1, bb = 0, crc, len = (uint32_t)(b.p[p] << 24 | b.p[p + 1] << 16 | b.p[p + 2] << 8 | b.p[p + 3]);
            size_t i, rn = 3 * 5;
            raw[0] = 7;
            for (i = 0; i < rn; i++) { a = (a + raw[i]) % 65521u; bb = (bb + a) % 65521u; }
            raw[rn] = (unsigned char)(bb >> 8); raw[rn + 1] = (unsigned char)bb; raw[rn + 2] = (unsigned char)(a >> 8); raw[rn + 3] = (unsigned char)a;
            crc = dp_crc32(0, b.p + p + 4, len + 4);
            b.p[p + 8 + len] = (unsigned char)(crc >> 24); b.p[p + 9 + len] = (unsigned char)(crc >> 16);
            b.p[p + 10 + len] = (unsigned char)(crc >> 8); b.p[p + 11 + len] = (unsigned char)crc;
            st = dp_image_decode(b.p, b.n, "filt.png", &im, err, sizeof err);
            CHECK(st == DP_ERR_FORMAT && has(err, "filt.png") && has(err, "filter type 7"), "bad filter: %d %s", st, err);
        }
        free(b.p); free(s.s);

        random_png(&s, 5, 5, 3, 4);
        s.npal = 3;
        for (k = 0; k < 25; k++) s.s[k] = (unsigned)k % 3u;
        s.s[7] = 9;
        b = png_write(&s);
        st = dp_image_decode(b.p, b.n, "pal.png", &im, err, sizeof err);
        CHECK(st == DP_ERR_FORMAT && has(err, "pal.png") && has(err, "palette entry 9"), "palette index: %d %s", st, err);
        free(b.p); free(s.s);

        random_png(&s, 1, 1, 0, 8);
        b = png_write(&s);
        patch_ihdr(&b, 20000, 1);
        st = dp_image_decode(b.p, b.n, "big.png", &im, err, sizeof err);
        CHECK(st == DP_ERR_LIMIT && has(err, "big.png") && has(err, "limit"), "over the limit: %d %s", st, err);
        patch_ihdr(&b, 2, 2); /* IHDR 2x2 but data for 1x1 */
        st = dp_image_decode(b.p, b.n, "short.png", &im, err, sizeof err);
        CHECK(st == DP_ERR_FORMAT && has(err, "short.png") && has(err, "zlib"), "short data: %d %s", st, err);
        free(b.p); free(s.s);
    }
}

/* a 3x2 BMP: real = 8 (gray palette, or colour_pal), 24 or 32
   (BI_BITFIELDS, V4 header, alpha); rows top-down (negative height) or
   bottom-up; pixel v = y * 3 + x */
static buf make_bmp(int real, int colour_pal, int top)
{
    const int w = 3, h = 2;
    int i, x, y;
    const int hs = real == 32 ? 108 : 40, ncol = real == 8 ? 4 : 0;
    const size_t stride = ((size_t)w * (size_t)real + 31) / 32 * 4;
    const uint32_t off = 14u + (uint32_t)hs + 4u * (uint32_t)ncol;
    buf b = {0, 0, 0};
    put(&b, "BM", 2); putle32(&b, off + (uint32_t)(stride * h)); putle32(&b, 0); putle32(&b, off);
    putle32(&b, (uint32_t)hs); putle32(&b, (uint32_t)w); putle32(&b, top ? (uint32_t)-h : (uint32_t)h);
    putle16(&b, 1); putle16(&b, (unsigned)real); putle32(&b, real == 32 ? 3u : 0u); putle32(&b, 0);
    putle32(&b, 2835); putle32(&b, 2835); putle32(&b, (uint32_t)ncol); putle32(&b, 0);
    if (hs == 108) { putle32(&b, 0xFF000000u); putle32(&b, 0x00FF0000u); putle32(&b, 0x0000FF00u); putle32(&b, 0x000000FFu); /* RGBA masks: bytes A,B,G,R */
        for (i = 0; i < 52; i++) put8(&b, 0); }
    for (i = 0; i < ncol; i++) { put8(&b, (unsigned)(i * 50)); put8(&b, (unsigned)(i * 50 + (colour_pal ? 1 : 0))); put8(&b, (unsigned)(i * 50)); put8(&b, 0); }
    for (y = 0; y < h; y++) { /* file row y: image row y if top-down, h-1-y if bottom-up */
        const int iy = top ? y : h - 1 - y;
        size_t start = b.n;
        for (x = 0; x < w; x++) {
            const unsigned v = (unsigned)(iy * 3 + x);
            if (real == 8) put8(&b, v % 4u);
            else if (real == 24) { put8(&b, v * 10 + 2); put8(&b, v * 10 + 1); put8(&b, v * 10); } /* B G R */
            else { put8(&b, 200 + v); put8(&b, v * 10 + 2); put8(&b, v * 10 + 1); put8(&b, v * 10); } /* A B G R */
        }
        while (b.n - start < stride) put8(&b, 0);
    }
    return b;
}

static void test_pnm_bmp(void)
{
    char err[512];
    dp_image im;
    int st, i;
    { /* P5 8-bit with a comment, P6 16-bit */
        unsigned char p5[64] = "P5\n# a comment\n3 2\n255\n";
        size_t h = strlen((char *)p5);
        unsigned char p6[128];
        size_t h6;
        for (i = 0; i < 6; i++) p5[h + (size_t)i] = (unsigned char)(i * 40 + 5);
        st = dp_image_decode(p5, h + 6, "a.pgm", &im, err, sizeof err);
        CHECK(st == DP_OK && im.w == 3 && im.h == 2 && im.c == 1 && im.maxval == 255 && im.px[4] == 165, "P5: %d %s", st, err);
        dp_image_free(&im);
        st = dp_image_decode(p5, h + 5, "a.pgm", &im, err, sizeof err);
        CHECK(st == DP_ERR_FORMAT && has(err, "a.pgm") && has(err, "truncated"), "P5 short: %d %s", st, err);
        h6 = (size_t)sprintf((char *)p6, "P6 2 1 1000\n");
        for (i = 0; i < 6; i++) { p6[h6 + 2 * (size_t)i] = (unsigned char)((i * 190) >> 8); p6[h6 + 2 * (size_t)i + 1] = (unsigned char)(i * 190); }
        st = dp_image_decode(p6, h6 + 12, "b.ppm", &im, err, sizeof err);
        CHECK(st == DP_OK && im.w == 2 && im.h == 1 && im.c == 3 && im.maxval == 1000 && im.px[5] == 950, "P6/16: %d %s", st, err);
        dp_image_free(&im);
        p6[h6 + 10] = 0x03; p6[h6 + 11] = 0xE9; /* 1001 > maxval */
        st = dp_image_decode(p6, h6 + 12, "b.ppm", &im, err, sizeof err);
        CHECK(st == DP_ERR_FORMAT && has(err, "b.ppm") && has(err, "maxval"), "P6 over maxval: %d %s", st, err);
        st = dp_image_decode((const unsigned char *)"P3 1 1 255\n0 0 0\n", 17, "c.ppm", &im, err, sizeof err);
        CHECK(st == DP_ERR_UNSUPPORTED && has(err, "c.ppm"), "P3: %d %s", st, err);
    }
    { /* BMP: 24-bit bottom-up, 32-bit BITFIELDS top-down with alpha, 8-bit gray and colour palettes */
        const int w = 3, h = 2;
        int bpp, x, y;
        for (bpp = 8; bpp <= 33 + 32; bpp += 8) { /* 8 16 24 32 bottom-up, 40 48 56 64 top-down */
            const int top = bpp > 33, b0 = top ? bpp - 32 : bpp, real = b0 == 16 ? 8 : b0, colour_pal = b0 == 16;
            buf b = make_bmp(real, colour_pal, top);
            st = dp_image_decode(b.p, b.n, "t.bmp", &im, err, sizeof err);
            {
                const int c = real == 8 ? (colour_pal ? 3 : 1) : real == 24 ? 3 : 4;
                int ok = st == DP_OK && im.w == w && im.h == h && im.c == c && im.maxval == 255;
                for (y = 0; ok && y < h; y++)
                    for (x = 0; x < w; x++) {
                        const unsigned v = (unsigned)(y * 3 + x);
                        const uint16_t *p = im.px + ((size_t)y * (size_t)w + (size_t)x) * (size_t)c;
                        if (real == 8) ok = ok && p[0] == (v % 4u) * 50 && (c == 1 || (p[1] == (v % 4u) * 50 + 1 && p[2] == (v % 4u) * 50));
                        else ok = ok && p[0] == v * 10 && p[1] == v * 10 + 1 && p[2] == v * 10 + 2 && (c == 3 || p[3] == 200 + v);
                    }
                CHECK(ok, "BMP %d-bit%s %s: %d %s (%dx%dx%d)", real, colour_pal ? " colour palette" : "", top ? "top-down" : "bottom-up", st, err, im.w, im.h, im.c);
            }
            dp_image_free(&im);
            st = dp_image_decode(b.p, b.n - 1, "cut.bmp", &im, err, sizeof err);
            CHECK(st == DP_ERR_FORMAT && has(err, "cut.bmp") && has(err, "truncated"), "BMP cut: %d %s", st, err);
            free(b.p);
        }
    }
    st = dp_image_decode((const unsigned char *)"GIF89a", 6, "x.gif", &im, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "x.gif") && has(err, "not a PNG"), "GIF: %d %s", st, err);
}

static void test_resize(void)
{
    dp_image im;
    float out[64];
    uint16_t px[64];
    int i, st;
    memset(&im, 0, sizeof im);
    im.px = px; im.maxval = 255;
    /* identity is exact: the same floats as the IDX loader, v * (1/255) */
    im.w = 4; im.h = 2; im.c = 1;
    for (i = 0; i < 8; i++) px[i] = (uint16_t)(i * 31 + 3);
    st = dp_image_resize(&im, 2, 4, 1, 0, out);
    { int ok = st == DP_OK; for (i = 0; i < 8; i++) ok = ok && out[i] == (float)px[i] * (1.0f / 255.0f); CHECK(ok, "identity"); }
    /* shrink 4x2 -> 2x1: means of 2x2 blocks */
    st = dp_image_resize(&im, 1, 2, 1, 0, out);
    CHECK(st == DP_OK && fabsf(out[0] - (3 + 34 + 127 + 158) / 4.0f / 255.0f) < 1e-6f && fabsf(out[1] - (65 + 96 + 189 + 220) / 4.0f / 255.0f) < 1e-6f,
          "2x2 means: %g %g", out[0], out[1]);
    /* shrink 3 -> 2 (one row): output 0 = (p0 + p1/2) / 1.5 */
    im.w = 3; im.h = 1; px[0] = 0; px[1] = 90; px[2] = 255;
    st = dp_image_resize(&im, 1, 2, 1, 0, out);
    CHECK(st == DP_OK && fabsf(out[0] - 45.0f / 1.5f / 255.0f) < 1e-6f && fabsf(out[1] - (45.0f + 255.0f) / 1.5f / 255.0f) < 1e-6f,
          "3->2 area: %g %g", out[0], out[1]);
    /* grow 2 -> 4 bilinear, centres aligned, edges clamped: 0, 1/4, 3/4, 1 */
    im.w = 2; px[0] = 0; px[1] = 255;
    st = dp_image_resize(&im, 1, 4, 1, 0, out);
    CHECK(st == DP_OK && out[0] == 0.0f && fabsf(out[1] - 0.25f) < 1e-6f && fabsf(out[2] - 0.75f) < 1e-6f && out[3] == 1.0f,
          "2->4 bilinear: %g %g %g %g", out[0], out[1], out[2], out[3]);
    /* RGBA on black and on white, and to gray (Rec. 601) */
    im.w = 1; im.h = 1; im.c = 4; px[0] = 255; px[1] = 51; px[2] = 0; px[3] = 102; /* alpha 0.4 */
    st = dp_image_resize(&im, 1, 1, 3, 0, out);
    CHECK(st == DP_OK && fabsf(out[0] - 0.4f) < 1e-6f && fabsf(out[1] - 0.08f) < 1e-6f && out[2] == 0.0f, "on black: %g %g %g", out[0], out[1], out[2]);
    st = dp_image_resize(&im, 1, 1, 3, 1, out);
    CHECK(st == DP_OK && fabsf(out[0] - 1.0f) < 1e-6f && fabsf(out[1] - 0.68f) < 1e-6f && fabsf(out[2] - 0.6f) < 1e-6f, "on white: %g %g %g", out[0], out[1], out[2]);
    st = dp_image_resize(&im, 1, 1, 1, 1, out);
    CHECK(st == DP_OK && fabsf(out[0] - (0.299f * 1.0f + 0.587f * 0.68f + 0.114f * 0.6f)) < 1e-6f, "luma: %g", out[0]);
    im.c = 2; px[0] = 200; px[1] = 255;   /* gray + opaque alpha -> RGB repeats */
    st = dp_image_resize(&im, 2, 2, 3, 0, out);
    { int ok = st == DP_OK; for (i = 0; i < 12; i++) ok = ok && out[i] == 200.0f * (1.0f / 255.0f); CHECK(ok, "gray to RGB, grown"); }
    CHECK(dp_image_resize(&im, 2, 2, 2, 0, out) == DP_ERR_ARG, "c = 2 refused");
    /* a random shrink against brute force: area integrals per pixel */
    {
        uint16_t big[13 * 11];
        float o2[5 * 4];
        double maxd = 0;
        int y, x, yy, xx;
        tu_rng = 99;
        im.px = big; im.w = 13; im.h = 11; im.c = 1;
        for (i = 0; i < 13 * 11; i++) big[i] = (uint16_t)rndn(256);
        st = dp_image_resize(&im, 4, 5, 1, 0, o2);
        for (y = 0; y < 4; y++)
            for (x = 0; x < 5; x++) {
                double s = 0.0;
                const double y0 = y * 11.0 / 4, y1 = (y + 1) * 11.0 / 4, x0 = x * 13.0 / 5, x1 = (x + 1) * 13.0 / 5;
                for (yy = 0; yy < 11; yy++)
                    for (xx = 0; xx < 13; xx++) {
                        const double oy = fmin(y1, yy + 1.0) - fmax(y0, (double)yy), ox = fmin(x1, xx + 1.0) - fmax(x0, (double)xx);
                        if (oy > 0 && ox > 0) s += oy * ox * big[yy * 13 + xx] / 255.0;
                    }
                s /= (y1 - y0) * (x1 - x0);
                if (fabs(s - o2[y * 5 + x]) > maxd) maxd = fabs(s - o2[y * 5 + x]);
            }
        CHECK(st == DP_OK && maxd < 1e-5, "area shrink vs brute force: max diff %g", maxd);
    }
}

static void test_csv(void)
{
    char err[512];
    dp_csv t;
    int st;
    const char *ok = "\xEF\xBB\xBFtimestamp, ax ,ay,\"az\"\r\n0,1.5,-2,3e2\r\n10, +4 ,.5,-6.25E-1\r\n\r\n";
    st = dp_csv_decode((const unsigned char *)ok, strlen(ok), "rec.csv", &t, err, sizeof err);
    CHECK(st == DP_OK && t.rows == 2 && t.cols == 3 && !strcmp(t.names, "ax") && !strcmp(t.names + 64, "ay") && !strcmp(t.names + 128, "az") &&
          t.v[0] == 1.5f && t.v[1] == -2.0f && t.v[2] == 300.0f && t.v[3] == 4.0f && t.v[4] == 0.5f && t.v[5] == -0.625f, "good CSV: %d %s", st, err);
    dp_csv_free(&t);
    {
        static const struct { const char *text, *want; } bad[] = {
            {"", "rec.csv: empty file"},
            {"a,b\n", "rec.csv: no data rows"},
            {"a,b\n1,2\n3\n", "rec.csv:3: 1 fields, the header has 2"},
            {"a,b\n1,2\n3,4,5\n", "rec.csv:3: 3 fields"},
            {"a,b\n1,2\n3,nan\n", "rec.csv:3: column 2 ('b'): 'nan' is not a number (NaN and inf"},
            {"a,b\n1,-inf\n", "rec.csv:2: column 2 ('b'): '-inf' is not a number (NaN"},
            {"a,b\n1,2\n\n3,4\n", "rec.csv:3: empty row"},
            {"a,b\n1,\n", "rec.csv:2: column 2 ('b') is empty"},
            {"a,b\n1,0x10\n", "rec.csv:2: column 2 ('b'): '0x10' is not a number"},
            {"a,b\n1,1e999\n", "rec.csv:2: column 2 ('b'): 1e999 is too large"},
            {"a,,b\n1,2,3\n", "rec.csv:1: column 2 has no name"},
            {"timestamp\n1\n", "rec.csv:1: no data columns"},
            {"a,b\n1,2 3\n", "rec.csv:2: column 2 ('b'): '2 3' is not a number"},
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            err[0] = 0;
            st = dp_csv_decode((const unsigned char *)bad[i].text, strlen(bad[i].text), "rec.csv", &t, err, sizeof err);
            CHECK(st < 0 && has(err, bad[i].want) && !t.v && !t.names, "CSV case %d: %d '%s', want '%s'", (int)i, st, err, bad[i].want);
        }
    }
}

/* ------------------------------------------------------------ folder sets */
static int save_png(const char *path, int w, int h, int ct, unsigned v0)
{
    png_src s;
    buf b;
    size_t i, n;
    int r;
    random_png(&s, w, h, ct, 8);
    n = (size_t)w * (size_t)h * (size_t)spp_of(ct);
    for (i = 0; i < n; i++) s.s[i] = (v0 + (unsigned)i) & 255u;
    if (ct == 4 || ct == 6) for (i = (size_t)spp_of(ct) - 1; i < n; i += (size_t)spp_of(ct)) s.s[i] = 255;
    s.filter = 5;
    b = png_write(&s);
    r = write_file(path, b.p, b.n);
    free(b.p); free(s.s);
    return r;
}

static void test_image_folder(void)
{
    char d[512], err[1024], sum[4096];
    dp_dataset tr, te;
    static dp_data_info info;
    dp_data_cfg cfg;
    int st, i, k;
    snprintf(d, sizeof d, "%s/img", tmpdir);
    /* fraction split: classes b_shoe (5 files), a_bag (4) */
    mkdirs(path2(d, "b_shoe")); mkdirs(path2(d, "a_bag")); mkdirs(path2(d, ".hidden"));
    for (i = 0; i < 5; i++) { char nm[64]; snprintf(nm, sizeof nm, "b_shoe/%d.png", i); save_png(path2(d, nm), 6, 4, 0, (unsigned)(10 * i)); }
    for (i = 0; i < 3; i++) { char nm[64]; snprintf(nm, sizeof nm, "a_bag/%d.PNG", i); save_png(path2(d, nm), 12, 8, i == 2 ? 4 : 0, (unsigned)(100 + i)); }
    {   /* a P5 of the same size as the PNGs */
        unsigned char pgm[64];
        size_t h = (size_t)sprintf((char *)pgm, "P5 6 4 255\n");
        for (i = 0; i < 24; i++) pgm[h + (size_t)i] = (unsigned char)(200 + i);
        write_file(path2(d, "a_bag/x.pgm"), pgm, h + 24);
        write_file(path2(d, "a_bag/notes.txt"), "not an image", 12);
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = 1; cfg.test_frac = 0.25f;
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && info.n_classes == 2 && !strcmp(info.class_names[0], "a_bag") && !strcmp(info.class_names[1], "b_shoe") &&
          info.split == DP_SPLIT_FRACTION, "image folder: %d %s", st, err);
    CHECK(st == DP_OK && tr.h == 4 && tr.w == 6 && tr.c == 1 && tr.n + te.n == 9 && te.n == 2 && info.test_count[0] == 1 && info.test_count[1] == 1 &&
          info.train_count[0] == 3 && info.train_count[1] == 4 && tr.n_classes == 2, "split: %d train %d test (%d %d / %d %d)", tr.n, te.n,
          info.train_count[0], info.train_count[1], info.test_count[0], info.test_count[1]);
    { /* every b_shoe sample is one of the images written, exactly; the split is seeded */
        int found = 0;
        for (k = 0; k < tr.n + te.n; k++) {
            const dp_dataset *ds = k < tr.n ? &tr : &te;
            const int j = k < tr.n ? k : k - tr.n;
            if (ds->y[j] != 1) continue;
            for (i = 0; i < 5; i++) {
                int p, same = 1;
                for (p = 0; p < 24; p++) same = same && ds->x[(size_t)j * 24 + (size_t)p] == (float)((10 * i + p) & 255) * (1.0f / 255.0f);
                found += same;
            }
        }
        CHECK(found == 5, "%d of 5 b_shoe images found exactly", found);
    }
    dp_data_summary(&info, sum, sizeof sum);
    printf("%s", sum);
    CHECK(has(sum, "a_bag") && has(sum, "seeded stratified"), "summary");
    dp_dataset_free(&tr); dp_dataset_free(&te);
    /* same seed: same split; RGB and a fixed size */
    cfg.c = 3; cfg.h = 3; cfg.w = 5;
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && tr.c == 3 && tr.h == 3 && tr.w == 5 && te.n == 2, "RGB 3x5: %d %s", st, err);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    /* a corrupt file: refused with its name, or skipped and counted */
    write_file(path2(d, "b_shoe/bad.png"), "\x89PNG\r\n\x1a\nxx", 10);
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "b_shoe/bad.png") && !tr.x && !te.x, "bad file: %d %s", st, err);
    cfg.skip_bad = 1;
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && info.skipped == 1 && has(info.first_skip, "bad.png") && tr.n + te.n == 9, "skipped: %d %d %s", st, info.skipped, err);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    /* list split */
    write_file(path2(d, "testing_list.txt"), "b_shoe/3.png\n./a_bag/x.pgm\r\n\n", 29);
    cfg.skip_bad = 1;
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && info.split == DP_SPLIT_LIST && te.n == 2 && info.test_files[0] == 1 && info.test_files[1] == 1 && tr.n == 7,
          "list split: %d %s, %d test", st, err, te.n);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    /* train/ and test/ folders */
    snprintf(d, sizeof d, "%s/img2", tmpdir);
    mkdirs(path2(d, "train/cat")); mkdirs(path2(d, "train/dog")); mkdirs(path2(d, "test/dog"));
    save_png(path2(d, "train/cat/1.png"), 4, 4, 2, 1); save_png(path2(d, "train/cat/2.png"), 4, 4, 6, 2);
    save_png(path2(d, "train/dog/1.png"), 8, 8, 0, 3); save_png(path2(d, "test/dog/9.png"), 2, 2, 0, 4);
    cfg.h = cfg.w = cfg.c = 0; cfg.skip_bad = 0;
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && info.split == DP_SPLIT_FOLDERS && tr.n == 3 && te.n == 1 && tr.c == 3 && tr.h == 4 && te.y[0] == 1, "folders split: %d %s", st, err);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    mkdirs(path2(d, "test/emu"));
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "test/emu"), "unknown test class: %d %s", st, err);
    mkdirs(path2(d, "train/emu"));
    st = dp_image_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "train/emu: no"), "empty class: %d %s", st, err);
    st = dp_image_folder_load(path2(tmpdir, "nowhere"), &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_IO && has(err, "nowhere"), "no folder: %d %s", st, err);
}

static void test_csv_folder(void)
{
    char d[512], err[1024], sum[8192];
    dp_dataset tr, te;
    static dp_data_info info;
    dp_data_cfg cfg;
    int st, i, r, cls;
    double s[2] = {0, 0}, q[2] = {0, 0}, rows = 0;
    int expect_tr = 0, expect_te = 0;
    snprintf(d, sizeof d, "%s/csv", tmpdir);
    /* two classes, 4 recordings each of 10 + i rows, channels gx, gy (timestamp in between) */
    for (cls = 0; cls < 2; cls++) {
        char sub[64];
        snprintf(sub, sizeof sub, "%s", cls ? "wave" : "idle");
        mkdirs(path2(d, sub));
        for (i = 0; i < 4; i++) {
            char nm[128], text[4096];
            size_t n = (size_t)sprintf(text, "gx,timestamp,gy\n");
            for (r = 0; r < 10 + i; r++) n += (size_t)sprintf(text + n, "%d.25,%d,%d\n", cls * 10 + i + r, 1000 + r, -r * (cls + 1));
            snprintf(nm, sizeof nm, "%s/r%d.csv", sub, i);
            write_file(path2(d, nm), text, n);
        }
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.window = 4; cfg.stride = 3; cfg.seed = 5; cfg.test_frac = 0.25f;
    st = dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && tr.h == 1 && tr.w == 4 && tr.c == 2 && info.channels == 2 && !strcmp(info.channel_names[0], "gx") &&
          !strcmp(info.channel_names[1], "gy") && !strcmp(info.class_names[0], "idle"), "CSV folder: %d %s", st, err);
    if (st == DP_OK) {
        /* which recordings went to test: recompute the expected windows and statistics from the info's file counts */
        dp__dlist l;
        dp_data_info i2;
        static const char *const exts[] = {".csv", NULL};
        memset(&i2, 0, sizeof i2);
        dp__data_scan(d, &cfg, exts, ".csv", &l, &i2, err, sizeof err);
        for (i = 0; i < l.n; i++) {
            const char *nm = strrchr(l.v[i].path, '/') + 2;
            const int rec = atoi(nm), rws = 10 + rec, c = l.v[i].cls, nw = (rws - 4) / 3 + 1;
            if (l.v[i].test) expect_te += nw;
            else {
                expect_tr += nw;
                for (r = 0; r < rws; r++) {
                    const double gx = c * 10 + rec + r + 0.25, gy = -r * (c + 1);
                    s[0] += gx; q[0] += gx * gx; s[1] += gy; q[1] += gy * gy; rows++;
                }
            }
        }
        dp__dlist_free(&l);
        CHECK(tr.n == expect_tr && te.n == expect_te && info.test_files[0] == 1 && info.test_files[1] == 1, "windows %d/%d, expected %d/%d",
              tr.n, te.n, expect_tr, expect_te);
        for (i = 0; i < 2; i++) {
            const double m = s[i] / rows, sd = sqrt(q[i] / rows - m * m);
            CHECK(fabs(info.mean[i] - m) < 1e-4 && fabs(info.sd[i] - sd) < 1e-4, "channel %d: mean %g sd %g, expected %g %g", i, info.mean[i], info.sd[i], m, sd);
        }
        { /* the first training window holds rows 0..3 of its recording, normalised */
            const double x0 = tr.x[0] * info.sd[0] + info.mean[0], y1 = tr.x[3] * info.sd[1] + info.mean[1];
            CHECK(fabs(x0 - floor(x0) - 0.25) < 1e-3 && fabs(y1 + (tr.y[0] + 1)) < 1e-3, "window values %g %g", x0, y1);
        }
        dp_data_summary(&info, sum, sizeof sum);
        printf("%s", sum);
        CHECK(has(sum, "channel gx"), "summary has the channels");
    }
    dp_dataset_free(&tr); dp_dataset_free(&te);
    write_file(path2(d, "wave/r9.csv"), "gx,timestamp,gy\n1,2,3\n4,5\n", 26);
    st = dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "wave/r9.csv:3: 2 fields"), "ragged recording: %d %s", st, err);
    write_file(path2(d, "wave/r9.csv"), "gy,timestamp,gx\n1,2,3\n4,5,6\n1,2,3\n4,5,6\n", 40);
    st = dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "wave/r9.csv:1: column 'gy'"), "other channels: %d %s", st, err);
    write_file(path2(d, "wave/r9.csv"), "gx,timestamp,gy\n1,2,3\n", 22);
    st = dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "wave/r9.csv: 1 rows, shorter than one window"), "short recording: %d %s", st, err);
    write_file(path2(d, "wave/r9.csv"), "", 0);
    st = dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "wave/r9.csv: empty file"), "empty recording: %d %s", st, err);
    cfg.window = 0;
    CHECK(dp_csv_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err) == DP_ERR_ARG, "window 0 refused");
}

static void test_wav_folder(void)
{
    char d[512], err[1024];
    dp_dataset tr, te;
    static dp_data_info info;
    dp_data_cfg cfg;
    int16_t *a = (int16_t *)malloc(sizeof(int16_t) * 16000);
    int32_t work[DP_MFCC_WORK];
    int8_t q[490];
    int st, i, k, n;
    snprintf(d, sizeof d, "%s/wav", tmpdir);
    mkdirs(path2(d, "hum")); mkdirs(path2(d, "whistle")); mkdirs(path2(d, "_background_noise_"));
    for (k = 0; k < 2; k++)
        for (i = 0; i < 3; i++) {
            char nm[64];
            const int len = i == 2 ? 12000 : 16000;
            for (n = 0; n < len; n++) a[n] = (int16_t)(8000.0 * sin(6.283185307 * (k ? 2000.0 : 150.0 + 20 * i) * n / 16000.0));
            snprintf(nm, sizeof nm, "%s/c%d.wav", k ? "whistle" : "hum", i);
            dp_wav_write(path2(d, nm), a, len, 16000);
        }
    write_file(path2(d, "testing_list.txt"), "hum/c1.wav\nwhistle/c2.wav\n", 26);
    memset(&cfg, 0, sizeof cfg);
    st = dp_wav_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_OK && info.split == DP_SPLIT_LIST && info.n_classes == 2 && tr.n == 4 && te.n == 2 && tr.h == 49 && tr.w == 10 && tr.c == 1,
          "WAV folder: %d %s (%d/%d)", st, err, tr.n, te.n);
    if (st == DP_OK) { /* test sample 1 is whistle/c2.wav (12000 samples, zero-padded) through dp_mfcc */
        int same = 1;
        for (n = 0; n < 12000; n++) a[n] = (int16_t)(8000.0 * sin(6.283185307 * 2000.0 * n / 16000.0));
        for (; n < 16000; n++) a[n] = 0;
        dp_mfcc(a, 16000, q, 490, work);
        for (i = 0; i < 490; i++) same = same && te.x[490 + i] == (float)q[i] / 32.0f;
        CHECK(same && te.y[1] == 1, "features of whistle/c2.wav");
    }
    dp_dataset_free(&tr); dp_dataset_free(&te);
    write_file(path2(d, "hum/c3.wav"), "RIFF\0\0\0\0WAVE", 12);
    st = dp_wav_folder_load(d, &cfg, &tr, &te, &info, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && has(err, "hum/c3.wav") && has(err, "no data chunk"), "bad WAV: %d %s", st, err);
    free(a);
}

static void test_boards(void)
{
    static const struct { const char *q, *name; long sram, flash; int mhz; } want[] = {
        {"nucleo-f446re", "NUCLEO-F446RE", 131072, 524288, 180}, {"F446RE", "NUCLEO-F446RE", 131072, 524288, 180},
        {"stm32f446re", "NUCLEO-F446RE", 131072, 524288, 180}, {"NUCLEO_F767ZI", "NUCLEO-F767ZI", 524288, 2097152, 216},
        {"nucleo-h743zi2", "NUCLEO-H743ZI2", 1048576, 2097152, 480}, {"nrf52840", "nRF52840", 262144, 1048576, 64},
        {"rp2040", "RP2040", 270336, 2097152, 133}, {"Pico", "RP2040", 270336, 2097152, 133},
        {"micro:bit v2", "micro:bit v2", 131072, 524288, 64}, {"nrf52833", "micro:bit v2", 131072, 524288, 64},
        {"Arduino Nano 33 BLE", "Arduino Nano 33 BLE", 262144, 1048576, 64}, {"nano33ble", "Arduino Nano 33 BLE", 262144, 1048576, 64},
    };
    size_t i;
    long pmu, size;
    int n = dp_board_count(), k;
    CHECK(n == 7 && dp_board_get(n) == NULL && dp_board_get(-1) == NULL, "%d boards", n);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const dp_board *b = dp_board_find(want[i].q);
        CHECK(b && !strcmp(b->name, want[i].name) && b->sram == want[i].sram && b->flash == want[i].flash && b->clock_mhz == want[i].mhz,
              "board '%s': %s", want[i].q, b ? b->name : "not found");
    }
    CHECK(!dp_board_find("esp32") && !dp_board_find("") && !dp_board_find(NULL) && !dp_board_find("nucleo"), "unknown boards");
    dp_board_budgets(dp_board_find("f446re"), &pmu, &size);
    CHECK(pmu == 65536 && size == 262144, "F446RE budgets %ld %ld (make demo's)", pmu, size);
    for (k = 0; k < n; k++) {
        const dp_board *b = dp_board_get(k);
        CHECK(dp_board_find(b->name) == b && b->sram_share > 0 && b->sram_share <= 1 && b->flash_share > 0 && b->flash_share <= 1, "board %d", k);
    }
}

/* --------------------------------------------- PNGs from external encoders */
static int have_tool(const char *t)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", t);
    return system(cmd) == 0;
}

static void test_external(void)
{
    /* {tool, command with %1$s = input PGM, %2$s = output PNG, channels/depth expectation} */
    static const struct enc { const char *tool, *cmd; int quant; } encs[] = {
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 00 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 11 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 32 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 63 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 94 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 95 %s", 0},
        {"CV", "%s %s -define png:color-type=0 -define png:bit-depth=8 -quality 75 -interlace PNG %s", 0},
        {"CV", "%s %s -depth 16 -define png:color-type=0 -define png:bit-depth=16 %s", 0},
        {"CV", "%s %s -depth 16 -define png:color-type=0 -define png:bit-depth=16 -interlace PNG -quality 14 %s", 0},
        {"CV", "%s %s -define png:color-type=2 -define png:bit-depth=8 %s", 0},
        {"CV", "%s %s -define png:color-type=2 -define png:bit-depth=8 -interlace PNG -quality 93 %s", 0},
        {"CV", "%s %s -depth 16 -define png:color-type=2 -define png:bit-depth=16 %s", 0},
        {"CV", "%s %s -define png:color-type=3 %s", 0},
        {"CV", "%s %s -define png:color-type=3 -interlace PNG %s", 0},
        {"CV", "%s %s -alpha on -define png:color-type=4 -define png:bit-depth=8 %s", 0},
        {"CV", "%s %s -alpha on -depth 16 -define png:color-type=4 -define png:bit-depth=16 %s", 0},
        {"CV", "%s %s -alpha on -define png:color-type=6 -define png:bit-depth=8 -quality 92 %s", 0},
        {"CV", "%s %s -alpha on -depth 16 -define png:color-type=6 -define png:bit-depth=16 -interlace PNG %s", 0},
        {"CV", "%s %s -depth 4 -define png:color-type=0 -define png:bit-depth=4 %s", 4},
        {"CV", "%s %s -depth 2 -define png:color-type=0 -define png:bit-depth=2 %s", 2},
        {"CV", "%s %s -depth 1 -define png:color-type=0 -define png:bit-depth=1 -interlace PNG %s", 1},
        {"pnmtopng", "%s %s > %s", 0},
        {"pnmtopng", "%s -interlace -compression=9 %s > %s", 0},
        {"pnmtopng", "%s -nofilter -compression=0 %s > %s", 0},
        {"pnmtopng", "%s -sub %s > %s", 0},
        {"pnmtopng", "%s -up -compression=1 %s > %s", 0},
        {"pnmtopng", "%s -avg %s > %s", 0},
        {"pnmtopng", "%s -paeth -interlace %s > %s", 0},
        {"optipng", "%s -quiet -force -o2 %s -out %s", 0},
        {"optipng", "%s -quiet -force -o1 -i1 %s -out %s", 0},
        {"optipng", "%s -quiet -force -nx -zc1 -f4 %s -out %s", 0},
    };
    char in[512], out[512], cmd[2048], err[512], cv[64];
    unsigned char *raw = NULL;
    size_t n = 0, k;
    unsigned char tile[112 * 112];
    int i, st, done = 0, skipped = 0, bad = 0, seen[7][17][2];
    const char *idx = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    memset(seen, 0, sizeof seen);
    if (dp_read_file(idx, 1, &raw, &n, err, sizeof err) != DP_OK || n < 16 + 16 * 784) {
        printf("external encoders: skipped all %d encodings: Fashion-MNIST not found (%s; make data)\n", (int)(sizeof encs / sizeof encs[0]), idx);
        free(raw);
        return;
    }
    for (i = 0; i < 16; i++) { /* 16 test images tiled 4 x 4 */
        int y;
        for (y = 0; y < 28; y++) memcpy(tile + (size_t)((i / 4) * 28 + y) * 112 + (size_t)(i % 4) * 28, raw + 16 + (size_t)i * 784 + (size_t)y * 28, 28);
    }
    DP_FREE(raw);
    snprintf(in, sizeof in, "%s/fm.pgm", tmpdir);
    {
        buf b = {0, 0, 0};
        put(&b, "P5\n112 112\n255\n", 15); put(&b, tile, sizeof tile);
        write_file(in, b.p, b.n);
        free(b.p);
    }
    /* the real ImageMagick, not a wrapper earlier on PATH */
    snprintf(cv, sizeof cv, "%s", access("/usr/bin/convert", X_OK) == 0 ? "/usr/bin/convert" : "convert");
    for (k = 0; k < sizeof encs / sizeof encs[0]; k++) {
        const struct enc *e = &encs[k];
        const char *tool = !strcmp(e->tool, "CV") ? cv : e->tool;
        dp_image im;
        unsigned char *png;
        size_t pn;
        if (!have_tool(tool)) { skipped++; continue; }
        snprintf(out, sizeof out, "%s/ext%d.png", tmpdir, (int)k);
        if (!strcmp(e->tool, "optipng")) { /* optipng reads a PNG: start from ImageMagick's plain one, else pnmtopng's */
            char src[600];
            snprintf(src, sizeof src, "%s/ext0.png", tmpdir);
            if (access(src, R_OK) != 0) snprintf(src, sizeof src, "%s/ext21.png", tmpdir);
            snprintf(cmd, sizeof cmd, e->cmd, tool, src, out);
        } else snprintf(cmd, sizeof cmd, e->cmd, tool, in, out);
        remove(out);
        if (system(cmd) != 0 || dp_read_file(out, 0, &png, &pn, err, sizeof err) != DP_OK) { printf("external: '%s' failed\n", cmd); bad++; continue; }
        st = dp_image_decode(png, pn, out, &im, err, sizeof err);
        if (pn > 28 && png[25] < 7 && png[24] <= 16) seen[png[25]][png[24]][png[28] & 1] = 1;
        if (st != DP_OK) { printf("external: %s: %s\n", cmd, err); bad++; }
        else {
            int ok = im.w == 112 && im.h == 112 && (im.maxval == 255 || im.maxval == 65535), ch;
            size_t p;
            const unsigned mul = im.maxval == 65535 ? 257u : 1u, lv = e->quant ? (1u << e->quant) - 1u : 0u;
            dp_image ref;
            memset(&ref, 0, sizeof ref);
            if (lv) { /* fewer levels: against the same tool's PGM at that depth (its rounding, dithering) */
                char rp[600];
                snprintf(rp, sizeof rp, "%s/ref%d.pgm", tmpdir, (int)k);
                snprintf(cmd, sizeof cmd, "%s %s -depth %d %s", tool, in, e->quant, rp);
                if (system(cmd) != 0 || dp_image_load(rp, &ref, err, sizeof err) != DP_OK || ref.maxval != (int)lv || ref.w != 112 || ref.h != 112 || ref.c != 1) {
                    printf("external: '%s' gave no %u-level PGM (%s)\n", cmd, lv + 1, err);
                    ok = 0;
                }
            }
            for (p = 0; ok && p < sizeof tile; p++) {
                unsigned v = tile[p];
                if (lv) v = ref.px[p] * (255u / lv);
                for (ch = 0; ch < im.c; ch++) {
                    const unsigned want = (ch == 1 && im.c == 2) || ch == 3 ? (unsigned)im.maxval : v * mul;
                    if (im.px[p * (size_t)im.c + (size_t)ch] != want) {
                        printf("external: %s: pixel %lu channel %d is %u, the IDX says %u\n", cmd, (unsigned long)p, ch, im.px[p * (size_t)im.c + (size_t)ch], want);
                        ok = 0;
                        break;
                    }
                }
            }
            if (!ok) bad++;
            dp_image_free(&im);
            dp_image_free(&ref);
        }
        DP_FREE(png);
        done++;
    }
    CHECK(bad == 0, "%d of %d external encodings decoded wrong", bad, done);
    {
        int ct, d, il, kinds = 0;
        char list[512] = "";
        for (ct = 0; ct < 7; ct++) for (d = 1; d <= 16; d++) for (il = 0; il < 2; il++)
            if (seen[ct][d][il]) { size_t l = strlen(list); snprintf(list + l, sizeof list - l, " ct%d/%d%s", ct, d, il ? "i" : ""); kinds++; }
        printf("external encoders: %d Fashion-MNIST PNGs decoded exactly as the IDX source (%d kinds:%s)", done, kinds, list);
        if (skipped) printf("; %d skipped: tool not installed (apt-get install imagemagick netpbm optipng)", skipped);
        printf("\n");
        if (done >= 20) CHECK(kinds >= 10, "only %d kinds of PNG from the encoders", kinds);
    }
}

/* ------------------------------------------------------ fuzz corpus replay */
static void test_corpus(void)
{
    char dir[1024];
    const char *f = __FILE__, *sl = strrchr(f, '/');
    DIR *d;
    struct dirent *de;
    int files = 0, wrong = 0, acc = 0;
    snprintf(dir, sizeof dir, "%.*s/fuzz_data_corpus", sl ? (int)(sl - f) : 1, sl ? f : ".");
    if (!(d = opendir(dir))) { printf("corpus: %s not found: replay skipped\n", dir); return; }
    while ((de = readdir(d)) != NULL) {
        char p[2048];
        unsigned char *b;
        size_t n;
        char err[256];
        int r;
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (dp_read_file(p, 0, &b, &n, err, sizeof err) != DP_OK) continue;
        r = dpf_data_check(b, n);   /* aborts on a broken property */
        acc += r;
        files++;
        if ((!strncmp(de->d_name, "ok-", 3) && r != 1) || (!strncmp(de->d_name, "bad-", 4) && r != 0)) {
            printf("corpus: %s %s\n", de->d_name, r ? "accepted" : "refused");
            wrong++;
        }
        DP_FREE(b);
    }
    closedir(d);
    CHECK(files >= 20 && wrong == 0, "corpus: %d files, %d with the wrong verdict", files, wrong);
    printf("corpus: %d files replayed (%d accepted)\n", files, acc);
}


/* ------------------------------------------- the fuzz corpus (--seeds DIR) */
static int seed_n;
static void seed(const char *dir, const char *name, int sel, const void *p, size_t n)
{
    char path[4096];
    buf b = {0, 0, 0};
    put8(&b, (unsigned)sel); put(&b, p, n);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (write_file(path, b.p, b.n) == 0) seed_n++;
    free(b.p);
}

static void write_seeds(const char *dir)
{
    static const int cts[5] = {0, 2, 3, 4, 6};
    char name[1100], cmd[2048], tmp[1024], cv[64];
    int ci, d, i;
    buf b;
    tu_rng = 4242;
    for (ci = 0; ci < 5; ci++)
        for (d = 1; d <= 16; d *= 2) {
            const int ct = cts[ci];
            png_src s;
            if (!(ct == 0 || (ct == 3 && d <= 8) || (ct != 3 && d >= 8))) continue;
            random_png(&s, 5, 3, ct, d);
            s.interlace = (ct + d) & 1; s.filter = 5; s.trns = ct == 3 || (ct == 0 && d == 4) || (ct == 2 && d == 16);
            b = png_write(&s);
            snprintf(name, sizeof name, "ok-png-ct%d-d%d%s", ct, d, s.interlace ? "-adam7" : "");
            seed(dir, name, 0, b.p, b.n);
            if (ct == 2 && d == 8) { /* broken copies */
                b.p[b.n - 20] ^= 0x10;
                seed(dir, "bad-png-crc", 0, b.p, b.n);
                seed(dir, "bad-png-truncated", 0, b.p, b.n / 2);
            }
            free(b.p); free(s.s);
        }
    { /* PNGs compressed by ImageMagick (fixed and dynamic Huffman blocks), and their zlib streams */
        static const char *const opts[] = {"-define png:color-type=0 -quality 95", "-define png:color-type=3 -quality 91",
                                           "-alpha on -depth 16 -define png:color-type=6 -interlace PNG -quality 74", "-define png:color-type=2 -quality 13"};
        unsigned char pgm[64];
        size_t h = (size_t)sprintf((char *)pgm, "P5 7 5 255\n");
        snprintf(cv, sizeof cv, "%s", access("/usr/bin/convert", X_OK) == 0 ? "/usr/bin/convert" : "convert");
        for (i = 0; i < 35; i++) pgm[h + (size_t)i] = (unsigned char)(i * 7 % 256);
        snprintf(tmp, sizeof tmp, "%s/in.pgm", tmpdir);
        write_file(tmp, pgm, h + 35);
        seed(dir, "ok-pgm", 0, pgm, h + 35);
        for (i = 0; i < 4 && have_tool(cv); i++) {
            unsigned char *p;
            size_t n, pos = 8;
            char err[256];
            snprintf(cmd, sizeof cmd, "%s %s %s %s/im.png", cv, tmp, opts[i], tmpdir);
            snprintf(name, sizeof name, "%s/im.png", tmpdir);
            if (system(cmd) != 0 || dp_read_file(name, 0, &p, &n, err, sizeof err) != DP_OK) continue;
            snprintf(name, sizeof name, "ok-png-imagemagick-%d", i);
            seed(dir, name, 0, p, n);
            while (pos + 12 <= n) { /* the first IDAT as a zlib seed */
                const uint32_t len = dp__be32(p + pos);
                if (len > n - pos - 12) break;
                if (!memcmp(p + pos + 4, "IDAT", 4)) { snprintf(name, sizeof name, "ok-zlib-imagemagick-%d", i); seed(dir, name, 3, p + pos + 8, len); break; }
                pos += 12 + len;
            }
            DP_FREE(p);
        }
    }
    {
        unsigned char p6[64];
        size_t h = (size_t)sprintf((char *)p6, "P6\n# c\n2 2\n65535\n");
        for (i = 0; i < 24; i++) p6[h + (size_t)i] = (unsigned char)(i * 11);
        seed(dir, "ok-ppm16", 0, p6, h + 24);
        seed(dir, "bad-ppm-truncated", 0, p6, h + 23);
    }
    b = make_bmp(8, 0, 0); seed(dir, "ok-bmp8-gray", 0, b.p, b.n); free(b.p);
    b = make_bmp(8, 1, 0); seed(dir, "ok-bmp8-colour", 0, b.p, b.n); free(b.p);
    b = make_bmp(24, 0, 0); seed(dir, "ok-bmp24", 0, b.p, b.n); free(b.p);
    b = make_bmp(32, 0, 1); seed(dir, "ok-bmp32-bitfields", 0, b.p, b.n); seed(dir, "bad-bmp32-truncated", 0, b.p, b.n - 3); free(b.p);
    {
        static const char ok[] = "timestamp,ax,ay,az\n0,0.5,-1,2e-3\n10,1.5,+2,.25\n20,-0.75,3,4E2\n";
        seed(dir, "ok-csv", 1, ok, sizeof ok - 1);
        { static const char c[] = "\xEF\xBB\xBFgx, gy\r\n1,2\r\n3 , 4\r\n"; seed(dir, "ok-csv-crlf", 1, c, sizeof c - 1); }
        seed(dir, "bad-csv-ragged", 1, "a,b\n1,2\n3\n", 10);
        seed(dir, "bad-csv-nan", 1, "a,b\n1,nan\n", 10);
        seed(dir, "bad-csv-empty", 1, "", 0);
    }
    {
        int16_t a[64];
        unsigned char *p;
        size_t n;
        char err[256];
        for (i = 0; i < 64; i++) a[i] = (int16_t)(i * 997 - 30000);
        snprintf(tmp, sizeof tmp, "%s/s.wav", tmpdir);
        if (dp_wav_write(tmp, a, 64, 16000) == DP_OK && dp_read_file(tmp, 0, &p, &n, err, sizeof err) == DP_OK) {
            seed(dir, "ok-wav", 2, p, n);
            seed(dir, "bad-wav-truncated", 2, p, 50);
            DP_FREE(p);
        }
    }
    {
        static const unsigned char z[] = {0x78, 0x01, 0x01, 0x03, 0x00, 0xFC, 0xFF, 'a', 'b', 'c', 0x02, 0x4D, 0x01, 0x27};
        seed(dir, "ok-zlib-stored", 3, z, sizeof z);
        seed(dir, "bad-zlib-adler", 3, z, sizeof z - 1);
    }
    printf("%d seeds written to %s\n", seed_n, dir);
}

/* ---- --fashion-folder OUT [N]: Fashion-MNIST as a PNG folder written by
   ImageMagick (OUT/train/<class>/NNNNN.png, OUT/test/<class>/...; at most N
   images per class and split), loaded with dp_image_folder_load and
   compared with dp_idx_load's samples bit for bit ---- */
static int fashion_folder(const char *out, int per_class)
{
    static const char *const names[10] = {"0_tshirt_top", "1_trouser", "2_pullover", "3_dress", "4_coat",
                                          "5_sandal", "6_shirt", "7_sneaker", "8_bag", "9_ankle_boot"};
    const char *dir = "/usr/share/datasets/fashion-mnist";
    char cv[64], cmd[4096], err[1024], p1[1024], p2[1024];
    int split, c, bad = 0, total = 0;
    static dp_data_info info;
    dp_dataset idx[2], tr, te;
    dp_data_cfg cfg;
    double t0;
    snprintf(cv, sizeof cv, "%s", access("/usr/bin/convert", X_OK) == 0 ? "/usr/bin/convert" : "convert");
    if (!have_tool(cv)) { printf("fashion-folder: ImageMagick's convert not found: skipped\n"); return 0; }
    for (split = 0; split < 2; split++) {
        snprintf(p1, sizeof p1, "%s/%s-images-idx3-ubyte.gz", dir, split ? "t10k" : "train");
        snprintf(p2, sizeof p2, "%s/%s-labels-idx1-ubyte.gz", dir, split ? "t10k" : "train");
        if (dp_idx_load(p1, p2, &idx[split], err, sizeof err) != DP_OK) { printf("fashion-folder: %s: skipped\n", err); return 0; }
    }
    t0 = dp_time();
    for (split = 0; split < 2; split++)
        for (c = 0; c < 10; c++) {
            const dp_dataset *d = &idx[split];
            int i, k = 0, cols = 50, rows;
            unsigned char *g;
            char sub[1024], pgm[1100];
            for (i = 0; i < d->n; i++) k += d->y[i] == c;
            if (per_class > 0 && k > per_class) k = per_class;
            rows = (k + cols - 1) / cols;
            g = (unsigned char *)calloc((size_t)rows * 28 * (size_t)cols * 28, 1);
            for (i = 0, k = 0; i < d->n; i++) {
                int y, x;
                if (d->y[i] != c || (per_class > 0 && k >= per_class)) continue;
                for (y = 0; y < 28; y++)
                    for (x = 0; x < 28; x++)
                        g[((size_t)(k / cols) * 28 + (size_t)y) * (size_t)cols * 28 + (size_t)(k % cols) * 28 + (size_t)x] =
                            (unsigned char)(d->x[(size_t)i * 784 + (size_t)y * 28 + (size_t)x] * 255.0f + 0.5f);
                k++;
            }
            snprintf(sub, sizeof sub, "%s/%s/%s", out, split ? "test" : "train", names[c]);
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", sub);
            if (system(cmd) != 0 || mkdirs(sub) != 0) { free(g); printf("fashion-folder: cannot make %s\n", sub); return 1; }
            snprintf(pgm, sizeof pgm, "%s/grid.pgm", out);
            {
                buf b = {0, 0, 0};
                char h[64];
                const int hn = sprintf(h, "P5 %d %d 255\n", cols * 28, rows * 28);
                put(&b, h, (size_t)hn); put(&b, g, (size_t)rows * 28 * (size_t)cols * 28);
                write_file(pgm, b.p, b.n);
                free(b.p);
            }
            free(g);
            /* tiles in row-major order; the padding tiles of the last row removed */
            snprintf(cmd, sizeof cmd, "%s '%s' -crop 28x28 +repage -define png:color-type=0 -define png:bit-depth=8 '%s/%%05d.png'", cv, pgm, sub);
            if (system(cmd) != 0) { printf("fashion-folder: '%s' failed\n", cmd); return 1; }
            for (i = k; i < rows * cols; i++) { char f[1200]; snprintf(f, sizeof f, "%s/%05d.png", sub, i); remove(f); }
            remove(pgm);
            total += k;
        }
    printf("fashion-folder: %d PNGs written by %s in %.1f s\n", total, cv, dp_time() - t0);
    memset(&cfg, 0, sizeof cfg);
    t0 = dp_time();
    if (dp_image_folder_load(out, &cfg, &tr, &te, &info, err, sizeof err) != DP_OK) { printf("fashion-folder: %s\n", err); return 1; }
    printf("fashion-folder: dp_image_folder_load read %d + %d images in %.1f s\n", tr.n, te.n, dp_time() - t0);
    dp_data_summary(&info, cmd, sizeof cmd);
    printf("%s", cmd);
    for (split = 0; split < 2; split++) { /* sample j of class c is the class's k-th image in IDX order */
        const dp_dataset *d = &idx[split], *f = split ? &te : &tr;
        int j = 0;
        if (f->h != 28 || f->w != 28 || f->c != 1) { printf("fashion-folder: shape %dx%dx%d\n", f->h, f->w, f->c); return 1; }
        for (c = 0; c < 10; c++) {
            int i, k = 0;
            for (i = 0; i < d->n && j < f->n; i++) {
                if (d->y[i] != c || (per_class > 0 && k >= per_class)) continue;
                if (f->y[j] != c || memcmp(f->x + (size_t)j * 784, d->x + (size_t)i * 784, 784 * sizeof(float))) {
                    if (bad++ < 5) printf("fashion-folder: %s sample %d (class %d, IDX image %d) differs\n", split ? "test" : "train", j, c, i);
                }
                j++; k++;
            }
        }
        if (j != f->n) { printf("fashion-folder: %s: %d samples, expected %d\n", split ? "test" : "train", f->n, j); bad++; }
    }
    printf("fashion-folder: %s\n", bad ? "MISMATCH" : "every sample equals dp_idx_load's, bit for bit (same floats, same labels)");
    dp_dataset_free(&tr); dp_dataset_free(&te); dp_dataset_free(&idx[0]); dp_dataset_free(&idx[1]);
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--rgba8")) { /* the image as 8-bit RGBA on stdout, like convert F -depth 8 rgba:- */
        dp_image im;
        char err[512];
        size_t i, k;
        if (dp_image_load(argv[2], &im, err, sizeof err) != DP_OK) { fprintf(stderr, "%s\n", err); return 1; }
        for (i = 0; i < (size_t)im.w * (size_t)im.h; i++) {
            const uint16_t *p = im.px + i * (size_t)im.c;
            unsigned char o[4];
            for (k = 0; k < 4; k++) {
                const unsigned v = im.c <= 2 ? (k < 3 ? p[0] : im.c == 2 ? p[1] : (unsigned)im.maxval) : (k < 3 ? p[k] : im.c == 4 ? p[3] : (unsigned)im.maxval);
                o[k] = (unsigned char)((v * 255u + (unsigned)im.maxval / 2u) / (unsigned)im.maxval);
            }
            fwrite(o, 1, 4, stdout);
        }
        dp_image_free(&im);
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "--fashion-folder")) return fashion_folder(argv[2], argc > 3 ? atoi(argv[3]) : 0);
    if (argc > 1 && !strcmp(argv[1], "--info")) {
        int i, bad = 0;
        for (i = 2; i < argc; i++) {
            dp_image im;
            char err[512];
            if (dp_image_load(argv[i], &im, err, sizeof err) == DP_OK) printf("%s %d %d\n", argv[i], im.w, im.h);
            else { printf("%s error: %s\n", argv[i], err); bad++; }
            dp_image_free(&im);
        }
        return bad ? 1 : 0;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dp_test_data_XXXXXX");
    if (!mkdtemp(tmpdir)) { printf("cannot make a temporary folder\n"); return 2; }
    if (argc > 2 && !strcmp(argv[1], "--seeds")) {
        char cmd[600];
        mkdirs(argv[2]);
        write_seeds(argv[2]);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        return system(cmd) != 0;
    }
    test_png();
    test_pnm_bmp();
    test_resize();
    test_csv();
    test_image_folder();
    test_csv_folder();
    test_wav_folder();
    test_boards();
    test_external();
    test_corpus();
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) printf("could not remove %s\n", tmpdir);
    }
    return TEST_DONE();
}

/* tests/fuzz_data.c - fuzz target for the data decoders of >>api_data:
   dp_image_decode (PNG, PPM/PGM, BMP), dp_csv_decode, dp_wav_decode and
   dp_zlib_inflate.

   An input is a selector byte then the file: byte 0 % 4 picks the decoder
   (0 image, 1 CSV, 2 WAV, 3 zlib stream). Properties (dpf_data_check;
   a broken one calls abort(), so libFuzzer keeps the input):
     - refused: a documented negative status, a message that names the
       input ("fuzz.png" etc.; "zlib:" for the inflate) and nothing handed
       out (no pixels, rows or samples);
     - accepted image: sides 1..DP_IMAGE_MAX_SIDE, c 1..4, 0 < maxval, every
       sample <= maxval; when small, dp_image_resize to 5x7 gray and 7x5
       RGB on black and on white gives floats in [0, 1];
     - accepted CSV: rows >= 1, 1 <= cols <= DP_CSV_MAX_COLS, every value
       finite, every column named;
     - accepted WAV: samples present (n >= 0), the rate as given;
     - inflate: at most max_out bytes out.
   The input is a malloc'd copy of exactly its size, so ASan sees any read
   past it. Returns 1 when the decoder accepted the input, 0 when refused.

   Builds:
     libFuzzer  clang -g -O1 -fsanitize=fuzzer,address,undefined \
                      -fno-sanitize-recover=undefined tests/fuzz_data.c \
                      -o build/fuzz/fuzz_data     (tests/fuzz.sh data runs it)
     replay     cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN \
                   tests/fuzz_data.c -o build/fuzz_data_replay -lm
                build/fuzz_data_replay FILE...
     library    #define DP_FUZZ_LIBRARY before including this file after
                diffprune.h (tests/test_data.c replays the corpus so) */
#ifndef DP_FUZZ_LIBRARY
#define DP_IMAGE_MAX_PIXELS (1L << 22)  /* keep one input's memory small */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#endif

static void dpf_fail(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_data: property broken: %s (%s)\n", what, err ? err : "");
    abort();
}

static int dpf_documented(int st)
{
    return st == DP_ERR_FORMAT || st == DP_ERR_CRC || st == DP_ERR_UNSUPPORTED || st == DP_ERR_LIMIT || st == DP_ERR_NOMEM;
}

int dpf_data_check(const unsigned char *data, size_t size)
{
    unsigned char *b;
    char err[512];
    int st, acc = 0;
    size_t n;
    if (size < 1) return 0;
    n = size - 1;
    b = (unsigned char *)malloc(n ? n : 1);
    if (!b) return 0;
    if (n) memcpy(b, data + 1, n);
    err[0] = 0;
    switch (data[0] & 3u) {
    case 0: {
        dp_image im;
        st = dp_image_decode(b, n, "fuzz.png", &im, err, sizeof err);
        if (st != DP_OK) {
            if (!dpf_documented(st) || !strstr(err, "fuzz.png") || im.px) dpf_fail("image refusal", err);
        } else {
            size_t i, np;
            if (im.w < 1 || im.h < 1 || im.w > DP_IMAGE_MAX_SIDE || im.h > DP_IMAGE_MAX_SIDE || im.c < 1 || im.c > 4 || im.maxval < 1 || !im.px)
                dpf_fail("image shape", "");
            np = (size_t)im.w * (size_t)im.h;
            for (i = 0; i < np * (size_t)im.c; i++) if (im.px[i] > im.maxval) dpf_fail("sample over maxval", "");
            if (np <= 65536) {
                float o[105];
                int bg, k;
                for (bg = 0; bg < 2; bg++) {
                    if (dp_image_resize(&im, 5, 7, 1, bg, o) != DP_OK) dpf_fail("resize gray", "");
                    for (k = 0; k < 35; k++) if (!(o[k] >= 0.0f && o[k] <= 1.0f)) dpf_fail("resize gray range", "");
                    if (dp_image_resize(&im, 7, 5, 3, bg, o) != DP_OK) dpf_fail("resize RGB", "");
                    for (k = 0; k < 105; k++) if (!(o[k] >= 0.0f && o[k] <= 1.0f)) dpf_fail("resize RGB range", "");
                }
            }
            dp_image_free(&im);
            acc = 1;
        }
        break;
    }
    case 1: {
        dp_csv t;
        st = dp_csv_decode(b, n, "fuzz.csv", &t, err, sizeof err);
        if (st != DP_OK) {
            if (!dpf_documented(st) || !strstr(err, "fuzz.csv") || t.v || t.names || t.rows) dpf_fail("CSV refusal", err);
        } else {
            size_t i;
            int c;
            if (t.rows < 1 || t.cols < 1 || t.cols > DP_CSV_MAX_COLS || !t.v || !t.names) dpf_fail("CSV shape", "");
            for (i = 0; i < (size_t)t.rows * (size_t)t.cols; i++) if (!(t.v[i] == t.v[i]) || fabsf(t.v[i]) > 3.0e38f) dpf_fail("CSV value not finite", "");
            for (c = 0; c < t.cols; c++) if (!t.names[64 * c] || memchr(t.names + 64 * c, 0, 64) == NULL) dpf_fail("CSV name", "");
            dp_csv_free(&t);
            acc = 1;
        }
        break;
    }
    case 2: {
        int16_t *s = NULL;
        int ns = -1, rate = -1;
        st = dp_wav_decode(b, n, "fuzz.wav", &s, &ns, &rate, err, sizeof err);
        if (st != DP_OK) {
            if (!dpf_documented(st) || !strstr(err, "fuzz.wav") || s || ns != 0) dpf_fail("WAV refusal", err);
        } else {
            if (!s || ns < 0 || (size_t)ns * 2 > n) dpf_fail("WAV samples", "");
            if (ns) { volatile int16_t x = s[ns - 1]; (void)x; }
            free(s);
            acc = 1;
        }
        break;
    }
    default: {
        unsigned char *o = NULL;
        size_t on = 0;
        st = dp_zlib_inflate(b, n, 0, (size_t)1 << 20, &o, &on, err, sizeof err);
        if (st != DP_OK) {
            if (!dpf_documented(st) || strncmp(err, "zlib:", 5) || o || on) dpf_fail("zlib refusal", err);
        } else {
            if (on > ((size_t)1 << 20) || !o) dpf_fail("zlib output", "");
            if (on) { volatile unsigned char x = o[on - 1]; (void)x; }
            free(o);
            acc = 1;
        }
        break;
    }
    }
    free(b);
    return acc;
}

#ifndef DP_FUZZ_LIBRARY
#ifdef DP_FUZZ_MAIN
int main(int argc, char **argv)
{
    int i, acc = 0;
    for (i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        unsigned char *p;
        long sz;
        if (!f) { fprintf(stderr, "cannot open %s\n", argv[i]); return 2; }
        fseek(f, 0, SEEK_END); sz = ftell(f); fseek(f, 0, SEEK_SET);
        p = (unsigned char *)malloc((size_t)sz + 1);
        if (!p || fread(p, 1, (size_t)sz, f) != (size_t)sz) { fclose(f); return 2; }
        fclose(f);
        acc += dpf_data_check(p, (size_t)sz);
        free(p);
    }
    printf("%d inputs, %d accepted, no property broken\n", argc - 1, acc);
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dpf_data_check(data, size);
    return 0;
}
#endif
#endif

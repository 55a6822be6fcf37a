/* tests/test_mfcc.c - the fixed-point MFCC front-end (>>mfcc) and WAV input:
   - the header's tables equal the ones computed here in float64 from their
     formulas (`test_mfcc --tables` prints them for the header);
   - every feature of dp_mfcc is within 1 int8 step of a float64 evaluation
     of the same formulas (naive DFT, exact mel weights, libm log) on
     synthetic signals: tones, sweeps, noise from -90 dBFS to clipping, DC,
     impulses, digital silence; with a KWS data directory as argument, on
     every clip of its testing_list.txt as well;
   - wrong lengths and NULLs give a status; WAV files with a wrong rate,
     length, channel count, sample format, a truncated or foreign header,
     or silence give a status and a message naming the problem. */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- the formulas, in float64 ---- */
static double hz2mel(double f) { return 1127.0 * log(1.0 + f / 700.0); }
static double hann(int i) { return 0.5 - 0.5 * cos(2.0 * M_PI * i / 640.0); }
static double gain(int n) { return n == 0 ? 1.25 : 3.0; }
static double offset(int n) { return n == 0 ? 90.0 : 0.0; }
/* triangular weight of FFT bin k (k * 16000 / 1024 Hz) in mel band m */
static double melw(int m, int k)
{
    const double lo = hz2mel(20.0), hi = hz2mel(4000.0), step = (hi - lo) / 41.0;
    const double e0 = lo + m * step, e1 = e0 + step, e2 = e1 + step;
    const double x = hz2mel(k * 16000.0 / 1024.0);
    double w = x < e1 ? (x - e0) / (e1 - e0) : (e2 - x) / (e2 - e1);
    return w > 0.0 ? w : 0.0;
}
static double dctw(int n, int m)
{
    return sqrt((n == 0 ? 1.0 : 2.0) / 40.0) * cos(M_PI * n * (m + 0.5) / 40.0);
}

/* reference features of one frame: c[10] (before quantisation) and q[10] */
static void ref_frame(const int16_t *x, double *c, int8_t *q)
{
    static double P[257];
    double L[40];
    int k, i, m, n;
    for (k = 0; k <= 256; k++) {
        double re = 0.0, im = 0.0;
        for (i = 0; i < 640; i++) {
            const double v = x[i] * hann(i), a = -2.0 * M_PI * (double)((k * i) % 1024) / 1024.0;
            re += v * cos(a); im += v * sin(a);
        }
        P[k] = re * re + im * im;
    }
    for (m = 0; m < 40; m++) {
        double e = 0.0;
        for (k = 0; k <= 256; k++) e += melw(m, k) * P[k];
        L[m] = log(e > 1.0 ? e : 1.0);
    }
    for (n = 0; n < 10; n++) {
        double s = 0.0, v;
        for (m = 0; m < 40; m++) s += dctw(n, m) * L[m];
        c[n] = s;
        v = floor(gain(n) * (s - offset(n)) + 0.5);
        q[n] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

/* ---- the tables ---- */
static int32_t t_hann[321];
static int32_t t_cos[257];
static uint8_t t_start[40], t_len[40];
static uint16_t t_melw[1024];
static int t_nmel;
static uint32_t t_log2[129];
static int32_t t_dct[400];

static void make_tables(void)
{
    int i, m, k, n;
    for (i = 0; i <= 320; i++) t_hann[i] = (int32_t)floor(1073741824.0 * hann(i) + 0.5);
    for (k = 0; k <= 256; k++) t_cos[k] = (int32_t)floor(1073741824.0 * cos(2.0 * M_PI * k / 1024.0) + 0.5);
    t_nmel = 0;
    for (m = 0; m < 40; m++) {
        int first = -1, last = -1;
        for (k = 0; k <= 256; k++)
            if (floor(32768.0 * melw(m, k) + 0.5) > 0) { if (first < 0) first = k; last = k; }
        t_start[m] = (uint8_t)first;
        t_len[m] = (uint8_t)(last - first + 1);
        for (k = first; k <= last; k++) t_melw[t_nmel++] = (uint16_t)floor(32768.0 * melw(m, k) + 0.5);
    }
    for (i = 0; i <= 128; i++) t_log2[i] = (uint32_t)floor(65536.0 * log2(1.0 + i / 128.0) + 0.5);
    for (n = 0; n < 10; n++)
        for (m = 0; m < 40; m++)
            t_dct[n * 40 + m] = (int32_t)floor(16777216.0 * dctw(n, m) * log(2.0) * gain(n) + 0.5);
}

static void print_row(const char *fmt, const long *v, int n)
{
    int i;
    for (i = 0; i < n; i++) printf(fmt, v[i], i + 1 < n ? "," : "", (i % 10 == 9 || i + 1 == n) ? "\n" : " ");
}
static void print_tables(void)
{
    static long v[1024];
    int i;
#define PR(name, arr, n) do { printf("@%s@\n", name); for (i = 0; i < (n); i++) v[i] = (long)(arr)[i]; print_row("    %ld%s%s", v, n); } while (0)
    PR("HANN", t_hann, 321);
    PR("COS", t_cos, 257);
    PR("MELSTART", t_start, 40);
    PR("MELLEN", t_len, 40);
    printf("@MELN@ %d\n", t_nmel);
    PR("MELW", t_melw, t_nmel);
    PR("LOG2", t_log2, 129);
    PR("DCT", t_dct, 400);
#undef PR
}

static void check_tables(void)
{
    int m, k, wmax = 0, off = 0, ok;
    ok = !memcmp(t_hann, dp__mfcc_hann, sizeof t_hann);
    CHECK(ok, "Hann table differs from 2^30 * (0.5 - 0.5 cos(2 pi i / 640))");
    ok = !memcmp(t_cos, dp__mfcc_cos, sizeof t_cos);
    CHECK(ok, "cosine table differs");
    ok = !memcmp(t_start, dp__mfcc_mel_start, sizeof t_start) && !memcmp(t_len, dp__mfcc_mel_len, sizeof t_len);
    CHECK(ok, "mel band ranges differ");
    CHECK(t_nmel == (int)(sizeof dp__mfcc_mel_w / sizeof dp__mfcc_mel_w[0]), "mel weight count %d", t_nmel);
    ok = !memcmp(t_melw, dp__mfcc_mel_w, sizeof dp__mfcc_mel_w);
    CHECK(ok, "mel weights differ");
    ok = !memcmp(t_log2, dp__mfcc_log2, sizeof t_log2);
    CHECK(ok, "log2 table differs");
    ok = !memcmp(t_dct, dp__mfcc_dct, sizeof t_dct);
    CHECK(ok, "DCT table differs");
    /* every band has bins; the weight sum bounds the mel accumulator */
    for (m = 0; m < 40; m++) {
        int s = 0;
        CHECK(t_len[m] >= 1 && t_start[m] + t_len[m] <= 257, "band %d: bins %d..+%d", m, t_start[m], t_len[m]);
        for (k = 0; k < t_len[m]; k++) s += t_melw[off + k];
        off += t_len[m];
        if (s > wmax) wmax = s;
    }
    CHECK(wmax <= 16 * 32768, "largest band weight sum %.2f > 16 (2^43 * 2^15 * 16 < 2^63)", wmax / 32768.0);
}

/* ---- comparisons ---- */
static int32_t work[DP_MFCC_WORK];
static long n_feat, n_same, n_off1, n_bad;

static void compare_clip(const char *what, const int16_t *x, int n)
{
    int8_t q[49 * 10], r[10];
    double c[10];
    int frames = dp_mfcc(x, n, q, (int)sizeof q, work), f, j, bad = 0, worst = 0;
    CHECK(frames == DP_MFCC_FRAMES(n), "%s: %d frames", what, frames);
    if (frames <= 0) return;
    for (f = 0; f < frames; f++) {
        ref_frame(x + f * 320, c, r);
        for (j = 0; j < 10; j++) {
            int d = abs(q[f * 10 + j] - r[j]);
            n_feat++;
            if (d == 0) n_same++; else if (d == 1) n_off1++; else { n_bad++; bad++; }
            if (d > worst) worst = d;
            if (d > 1 && bad <= 3)
                printf("  %s frame %d coeff %d: fixed %d, float %d (c = %.3f)\n", what, f, j, q[f * 10 + j], r[j], c[j]);
        }
    }
    CHECK(worst <= 1, "%s: a feature is %d int8 steps from the float64 reference", what, worst);
}

static uint32_t lcg = 12345;
static double urand(void) { lcg = lcg * 1664525u + 1013904223u; return (lcg >> 8) / 16777216.0; }
static double grand(void) { double u = urand() + 1e-12, v = urand(); return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v); }
static int16_t clip16(double v) { v = floor(v + 0.5); return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }

static void synthetic(void)
{
    static int16_t x[16000];
    char what[96];
    int i, lvl;
    double a;
    /* tones at 8 levels, 100 Hz .. 3.9 kHz */
    for (lvl = 0; lvl < 8; lvl++) {
        const double f = 100.0 + 500.0 * lvl, amp = 32767.0 * pow(10.0, -lvl * 12.0 / 20.0);
        for (i = 0; i < 16000; i++) x[i] = clip16(amp * sin(2.0 * M_PI * f * i / 16000.0));
        snprintf(what, sizeof what, "tone %.0f Hz at %d dBFS", f, -lvl * 12);
        compare_clip(what, x, 16000);
    }
    /* a sweep 50 Hz -> 7 kHz */
    for (i = 0, a = 0.0; i < 16000; i++) {
        a += 2.0 * M_PI * (50.0 + 6950.0 * i / 16000.0) / 16000.0;
        x[i] = clip16(8000.0 * sin(a));
    }
    compare_clip("sweep", x, 16000);
    /* white noise from -90 dBFS (a few LSB) to clipped */
    for (lvl = 0; lvl < 7; lvl++) {
        const double sd = 32767.0 * pow(10.0, (-90.0 + 16.0 * lvl) / 20.0);
        for (i = 0; i < 16000; i++) x[i] = clip16(sd * grand());
        snprintf(what, sizeof what, "noise %d dBFS", -90 + 16 * lvl);
        compare_clip(what, x, 16000);
    }
    /* speech-like: a 120 Hz pulse train through two resonances, enveloped */
    {
        double y1 = 0, y2 = 0, z1 = 0, z2 = 0;
        for (i = 0; i < 16000; i++) {
            const double e = (i > 3000 && i < 11000) ? sin(M_PI * (i - 3000) / 8000.0) : 0.0;
            const double p = (i % 133 == 0) ? 20000.0 * e : 0.0;
            const double u = p + 1.8 * cos(2 * M_PI * 700 / 16000.0) * 0.97 * y1 - 0.97 * 0.97 * y2;
            const double v = u + 1.8 * cos(2 * M_PI * 1800 / 16000.0) * 0.95 * z1 - 0.95 * 0.95 * z2;
            y2 = y1; y1 = u; z2 = z1; z1 = v;
            x[i] = clip16(v * 0.05 + 3.0 * grand());
        }
        compare_clip("synthetic vowel", x, 16000);
    }
    for (i = 0; i < 16000; i++) x[i] = 0;
    compare_clip("digital silence", x, 16000);
    for (i = 0; i < 16000; i++) x[i] = 1000;
    compare_clip("DC", x, 16000);
    for (i = 0; i < 16000; i++) x[i] = (int16_t)((i / 16) % 2 ? 32767 : -32768);
    compare_clip("full-scale square wave", x, 16000);
    for (i = 0; i < 16000; i++) x[i] = (int16_t)(i % 1600 == 0 ? 30000 : 0);
    compare_clip("impulses", x, 16000);
    /* a short clip: 800 samples = 1 frame */
    for (i = 0; i < 800; i++) x[i] = clip16(3000.0 * grand());
    compare_clip("800 samples", x, 800);
}

/* ---- WAV files and clip checks ---- */
static char tmpdir[256];
static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(b, 1, n, f); fclose(f); }
}
/* a WAV header for n sample bytes; fmt/channels/bits/rate as given */
static size_t make_wav(unsigned char *b, int format, int channels, int bits, int rate, size_t data_bytes, size_t have_bytes)
{
    size_t i;
    memcpy(b, "RIFF", 4); dp__wr32(b + 4, (uint32_t)(36 + data_bytes)); memcpy(b + 8, "WAVEfmt ", 8);
    dp__wr32(b + 16, 16); b[20] = (unsigned char)format; b[21] = 0; b[22] = (unsigned char)channels; b[23] = 0;
    dp__wr32(b + 24, (uint32_t)rate); dp__wr32(b + 28, (uint32_t)(rate * channels * bits / 8));
    b[32] = (unsigned char)(channels * bits / 8); b[33] = 0; b[34] = (unsigned char)bits; b[35] = 0;
    memcpy(b + 36, "data", 4); dp__wr32(b + 40, (uint32_t)data_bytes);
    for (i = 0; i < have_bytes; i++) b[44 + i] = (unsigned char)((i * 7919u) >> 3);
    return 44 + have_bytes;
}
static int load_says(const char *name, const unsigned char *b, size_t n, int want_st, const char *want_msg)
{
    char path[512], err[512] = "";
    static int16_t clip[16000];
    int st;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    write_bytes(path, b, n);
    st = dp_kws_clip_load(path, clip, err, sizeof err);
    CHECK(st == want_st && strstr(err, want_msg) != NULL, "%s: status %d, message '%s' (wanted %d, '%s')", name, st, err, want_st, want_msg);
    remove(path);
    return st;
}

static void wav_files(void)
{
    static unsigned char b[44 + 4 * 24000];
    static int16_t x[16000], y[16000];
    int16_t *r = NULL;
    char path[512], err[512];
    int i, n = 0, rate = 0, st;
    snprintf(tmpdir, sizeof tmpdir, "build/test_mfcc_tmp");
    {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", tmpdir);
        if (system(cmd) != 0) { CHECK(0, "cannot make %s", tmpdir); return; }
    }
    /* round trip */
    for (i = 0; i < 16000; i++) x[i] = clip16(6000.0 * grand());
    x[0] = -32768; x[1] = 32767;
    snprintf(path, sizeof path, "%s/ok.wav", tmpdir);
    CHECK(dp_wav_write(path, x, 16000, 16000) == DP_OK, "write");
    st = dp_wav_read(path, &r, &n, &rate, err, sizeof err);
    CHECK(st == DP_OK && n == 16000 && rate == 16000 && r && !memcmp(r, x, sizeof x), "round trip: st %d n %d rate %d", st, n, rate);
    free(r);
    st = dp_kws_clip_load(path, y, err, sizeof err);
    CHECK(st == DP_OK && !memcmp(x, y, sizeof x), "clip load: %d %s", st, err);
    /* a short clip is padded and says so */
    snprintf(path, sizeof path, "%s/short.wav", tmpdir);
    dp_wav_write(path, x, 12000, 16000);
    st = dp_kws_clip_load(path, y, err, sizeof err);
    CHECK(st == 1 && !memcmp(x, y, 12000 * 2) && y[12000] == 0 && y[15999] == 0, "short clip: %d", st);
    /* wrong rate, too long, silent */
    snprintf(path, sizeof path, "%s/r44.wav", tmpdir);
    dp_wav_write(path, x, 16000, 44100);
    st = dp_kws_clip_load(path, y, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && strstr(err, "44100 Hz") && strstr(err, "16000"), "rate: %d %s", st, err);
    for (i = 0; i < 16000; i++) y[i] = x[i];
    snprintf(path, sizeof path, "%s/long.wav", tmpdir);
    {
        static int16_t z[24000];
        memcpy(z, x, sizeof x);
        memcpy(z + 16000, x, 8000 * 2);
        dp_wav_write(path, z, 24000, 16000);
    }
    st = dp_kws_clip_load(path, y, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && strstr(err, "24000 samples") && strstr(err, "one second"), "long: %d %s", st, err);
    for (i = 0; i < 16000; i++) y[i] = (int16_t)(i % 7 - 3);
    snprintf(path, sizeof path, "%s/silent.wav", tmpdir);
    dp_wav_write(path, y, 16000, 16000);
    st = dp_kws_clip_load(path, x, err, sizeof err);
    CHECK(st == DP_ERR_FORMAT && strstr(err, "silent"), "silent: %d %s", st, err);
    /* malformed files */
    load_says("stereo.wav", b, make_wav(b, 1, 2, 16, 16000, 64000, 64000), DP_ERR_FORMAT, "2 channels");
    load_says("8bit.wav", b, make_wav(b, 1, 1, 8, 16000, 16000, 16000), DP_ERR_FORMAT, "8-bit");
    load_says("24bit.wav", b, make_wav(b, 1, 1, 24, 16000, 48000, 48000), DP_ERR_FORMAT, "24-bit");
    load_says("float.wav", b, make_wav(b, 3, 1, 32, 16000, 64000, 64000), DP_ERR_FORMAT, "float");
    load_says("trunc.wav", b, make_wav(b, 1, 1, 16, 16000, 32000, 1000), DP_ERR_FORMAT, "truncated");
    load_says("fmtcut.wav", b, 30, DP_ERR_FORMAT, "truncated fmt chunk");
    load_says("nodata.wav", b, 36, DP_ERR_FORMAT, "no data chunk");
    memcpy(b, "RIFX", 4);
    load_says("riff.wav", b, 44, DP_ERR_FORMAT, "not a WAV file");
    load_says("empty.wav", b, 0, DP_ERR_FORMAT, "not a WAV file");
    snprintf(path, sizeof path, "%s/none.wav", tmpdir);
    remove(path);
    st = dp_kws_clip_load(path, y, err, sizeof err);
    CHECK(st == DP_ERR_IO && strstr(err, "none.wav"), "missing file: %d %s", st, err);
    /* garbage never crashes: every prefix and some flipped bytes of a valid file */
    {
        size_t len = make_wav(b, 1, 1, 16, 16000, 2000, 2000), cut;
        int bad = 0;
        for (cut = 0; cut < len; cut += 7) {
            unsigned char save = b[cut / 2];
            snprintf(path, sizeof path, "%s/cut.wav", tmpdir);
            b[cut / 2] ^= 0x5A;
            write_bytes(path, b, cut);
            st = dp_kws_clip_load(path, y, err, sizeof err);
            if (st != DP_OK && st != 1 && st != DP_ERR_FORMAT) bad++;
            b[cut / 2] = save;
        }
        CHECK(bad == 0, "%d damaged files gave an unexpected status", bad);
    }
    snprintf(path, sizeof path, "rm -rf %s", tmpdir);
    CHECK(system(path) == 0, "cleanup");
}

/* every clip of a KWS data set's testing_list.txt */
static void data_dir(const char *dir)
{
    char list[1024], line[1024], path[2048], err[512];
    static int16_t clip[16000];
    FILE *f;
    long clips = 0, f0 = n_feat, s0 = n_same, o0 = n_off1, b0 = n_bad;
    snprintf(list, sizeof list, "%s/testing_list.txt", dir);
    if (!(f = fopen(list, "r"))) { SKIP("data set comparison: no %s", list); return; }
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        int st;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
        if (!l) continue;
        snprintf(path, sizeof path, "%s/%s", dir, line);
        st = dp_kws_clip_load(path, clip, err, sizeof err);
        CHECK(st == DP_OK || st == 1, "%s", err);
        if (st < 0) continue;
        compare_clip(line, clip, 16000);
        clips++;
    }
    fclose(f);
    CHECK(clips > 0, "no clips in %s", list);
    printf("%s: %ld test clips, %ld features: %ld identical, %ld one step off, %ld further\n", dir, clips,
           n_feat - f0, n_same - s0, n_off1 - o0, n_bad - b0);
}

/* a 49x10x1 -> conv -> pool -> FC(12) graph */
static dp_graph *tiny_kws_net(void)
{
    dp_graph *g = dp_graph_new(3);
    int x = dp_input(g, "in", 49, 10, 1);
    x = dp_conv_bn_act(g, "c", x, 4, 3, 1, 1, DP_ACT_RELU);
    x = dp_global_avgpool(g, "gap", x);
    x = dp_fc(g, "fc", x, 12);
    dp_softmax_ce(g, "loss", x);
    return g;
}

/* the class list, and a model whose input quantisation is fixed to the
   front-end's: export keeps it (calibration would pick another), so the
   int8 features go straight into the input tensor */
static void classes_and_input_quant(void)
{
    static float calib[4 * 490];
    dp_graph *g = tiny_kws_net();
    void *blob = NULL, *arena;
    size_t len = 0;
    dp_export_info info;
    dp_model m;
    dp_tensor_info ti;
    char err[256];
    float sc;
    int i, st;
    CHECK(DP_KWS_CLASSES == 12 && !strcmp(dp_kws_class_name(0), "silence") && !strcmp(dp_kws_class_name(1), "unknown") &&
          !strcmp(dp_kws_class_name(2), "yes") && !strcmp(dp_kws_class_name(11), "go") && !dp_kws_class_name(12) &&
          !dp_kws_class_name(-1), "class names");
    CHECK(dp_kws_class_of("_silence_") == 0 && dp_kws_class_of("yes/a_nohash_0.wav") == 2 && dp_kws_class_of("go") == 11 &&
          dp_kws_class_of("bed/b.wav") == 1 && dp_kws_class_of("yesterday/c.wav") == 1 && dp_kws_class_of("o/d.wav") == 1 &&
          dp_kws_class_of("") == 1 && dp_kws_class_of(NULL) == 1, "class of a word or path");
    CHECK(dp_graph_set_input_quant(g, 0.0f, 0) == DP_ERR_ARG && dp_graph_status(g) == DP_ERR_ARG, "scale 0 refused");
    dp_graph_free(g);
    g = tiny_kws_net();
    CHECK(dp_graph_set_input_quant(g, DP_MFCC_INPUT_SCALE, 0) == DP_OK, "set input quant");
    for (i = 0; i < 4 * 490; i++) calib[i] = (float)(i % 37) * 0.01f;   /* 0..0.36: calibrated, the scale would be ~0.0014 */
    st = dp_export(g, calib, 4, &blob, &len, &info, err, sizeof err);
    CHECK(st == DP_OK, "export: %s", err);
    if (st == DP_OK && dp_model_init(&m, blob, len) == DP_OK && (arena = malloc(dp_model_arena_size(&m))) != NULL) {
        CHECK(dp_model_input(&m, arena, &ti) != NULL, "input tensor");
        memcpy(&sc, &ti.scale_bits, 4);
        CHECK(sc == DP_MFCC_INPUT_SCALE && ti.zero_point == 0, "input scale %g zero point %d", (double)sc, (int)ti.zero_point);
        free(arena);
    } else CHECK(0, "model from the export");
    free(blob);
    dp_graph_free(g);
}

static void api_errors(void)
{
    static int16_t x[16000];
    int8_t q[490];
    CHECK(dp_mfcc(x, 639, q, 490, work) == DP_ERR_SHAPE, "fewer samples than one window");
    CHECK(dp_mfcc(x, 16000, q, 489, work) == DP_ERR_SHAPE, "output too small");
    CHECK(dp_mfcc(NULL, 16000, q, 490, work) == DP_ERR_ARG, "NULL audio");
    CHECK(dp_mfcc(x, 16000, q, 490, NULL) == DP_ERR_ARG, "NULL work");
    CHECK(dp_mfcc_frame(x, NULL, work) == DP_ERR_ARG, "NULL out");
    CHECK(DP_MFCC_FRAMES(16000) == 49, "49 frames per second");
}

int main(int argc, char **argv)
{
    make_tables();
    if (argc > 1 && !strcmp(argv[1], "--tables")) { print_tables(); return 0; }
    check_tables();
    api_errors();
    synthetic();
    printf("synthetic: %ld features, %ld identical, %ld one step off, %ld further\n", n_feat, n_same, n_off1, n_bad);
    CHECK(n_same >= n_feat * 95 / 100, "only %ld of %ld features identical to the float64 reference", n_same, n_feat);
    wav_files();
    classes_and_input_quant();
    if (argc > 1) data_dir(argv[1]);
    else if (getenv("DP_KWS_DATA")) data_dir(getenv("DP_KWS_DATA"));
    return TEST_DONE();
}

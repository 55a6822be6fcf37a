/* examples/data_folder.c - your own data, from a folder, to an int8 model:
   loads an image folder, a sensor CSV folder or a WAV folder with the
   header's loaders (>>api_data), prints the class balance, trains a small
   CNN on it (no pruning: `diffprune fit` does that), exports it to int8 and
   reports float and int8 test accuracy.
   It also writes a synthetic sensor set to try the CSV path on:
   --make-gestures DIR: five gestures as noisy damped oscillations of a
   3-axis accelerometer (100 Hz, 1.5 s per recording, 40 per class; made up
   by a simple physical model, not recorded).

   Build:  cc -O3 -march=native -fopenmp -o data_folder examples/data_folder.c -lm
   Run:    ./data_folder --make-gestures build/gestures
           ./data_folder --csv build/gestures --window 64 --stride 16
           ./data_folder --images DIR [--size 28x28] [--rgb] [--white]
           ./data_folder --wav DIR              (one-second 16 kHz clips)
   Options: --epochs N (default 8), --seed S, --test-frac F */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the synthetic gesture set ---- */
static int make_gestures(const char *dir, uint64_t seed)
{
    static const char *const names[5] = {"idle", "nod", "shake", "tap", "twist"};
    dp_rng r;
    int cls, rec, i, files = 0;
    char path[1024];
    dp_rng_seed(&r, seed);
    mkdir(dir, 0755);
    for (cls = 0; cls < 5; cls++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[cls]);
        mkdir(path, 0755);
        for (rec = 0; rec < 40; rec++) {
            /* a tilt of the device (gravity split over the axes), a damped
               oscillation per class: nod on y at ~2 Hz, shake on x at ~6 Hz,
               tap on z at ~12 Hz decaying fast, twist x and y in quadrature
               at ~3 Hz; noise 0.08 g on every axis */
            const double tilt = 0.3 * dp_rng_normal(&r), amp = 0.5 + 1.5 * dp_rng_uniform(&r);
            const double f = (cls == 1 ? 2.0 : cls == 2 ? 6.0 : cls == 3 ? 12.0 : 3.0) * (0.8 + 0.4 * dp_rng_uniform(&r));
            const double tau = cls == 3 ? 0.1 + 0.1 * dp_rng_uniform(&r) : 0.8 + 0.8 * dp_rng_uniform(&r);
            const double t0 = 0.2 * dp_rng_uniform(&r), ph = 6.2831853 * dp_rng_uniform(&r);
            FILE *fp;
            snprintf(path, sizeof path, "%s/%s/rec%02d.csv", dir, names[cls], rec);
            if (!(fp = fopen(path, "w"))) { fprintf(stderr, "cannot write %s\n", path); return 1; }
            fprintf(fp, "timestamp,ax,ay,az\n");
            for (i = 0; i < 150; i++) {
                const double t = i / 100.0, u = t - t0;
                double s = 0.0, c = 0.0, a[3];
                if (cls && u >= 0) {
                    const double e = amp * exp(-u / tau);
                    if (cls == 3) { /* a tap every 0.4 s */
                        const double v = fmod(u, 0.4);
                        s = amp * exp(-v / tau) * sin(6.2831853 * f * v);
                    } else { s = e * sin(6.2831853 * f * u + ph); c = e * cos(6.2831853 * f * u + ph); }
                }
                a[0] = sin(tilt) + (cls == 2 || cls == 4 ? s : 0.0);
                a[1] = (cls == 1 ? s : cls == 4 ? c : 0.0);
                a[2] = cos(tilt) + (cls == 3 ? s : 0.0);
                fprintf(fp, "%d,%.4f,%.4f,%.4f\n", i * 10, a[0] + 0.08 * dp_rng_normal(&r),
                        a[1] + 0.08 * dp_rng_normal(&r), a[2] + 0.08 * dp_rng_normal(&r));
            }
            fclose(fp);
            files++;
        }
    }
    printf("gestures: %d synthetic recordings (5 classes x 40, 150 rows of timestamp,ax,ay,az at 100 Hz) in %s\n", files, dir);
    return 0;
}

int main(int argc, char **argv)
{
    const char *images = NULL, *csv = NULL, *wav = NULL, *gest = NULL;
    dp_data_cfg cfg;
    static dp_data_info info;
    dp_dataset tr, te;
    dp_graph *g;
    dp_fit_cfg fit;
    dp_fit_result res;
    dp_export_info ei;
    dp_model m;
    void *blob;
    size_t len;
    int8_t *arena;
    char err[1024], sum[16384];
    int i, st, x, hit = 0, epochs = 8;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = 1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--images") && v) { images = v; i++; }
        else if (!strcmp(a, "--csv") && v) { csv = v; i++; }
        else if (!strcmp(a, "--wav") && v) { wav = v; i++; }
        else if (!strcmp(a, "--make-gestures") && v) { gest = v; i++; }
        else if (!strcmp(a, "--window") && v) { cfg.window = atoi(v); i++; }
        else if (!strcmp(a, "--stride") && v) { cfg.stride = atoi(v); i++; }
        else if (!strcmp(a, "--epochs") && v) { epochs = atoi(v); i++; }
        else if (!strcmp(a, "--seed") && v) { cfg.seed = (uint64_t)atol(v); i++; }
        else if (!strcmp(a, "--test-frac") && v) { cfg.test_frac = (float)atof(v); i++; }
        else if (!strcmp(a, "--size") && v) { if (sscanf(v, "%dx%d", &cfg.h, &cfg.w) != 2) return fprintf(stderr, "--size HxW\n"), 2; i++; }
        else if (!strcmp(a, "--rgb")) cfg.c = 3;
        else if (!strcmp(a, "--white")) cfg.white_bg = 1;
        else return fprintf(stderr, "usage: %s --images DIR | --csv DIR --window T [--stride S] | --wav DIR | --make-gestures DIR "
                            "[--epochs N] [--size HxW] [--rgb] [--white] [--seed S] [--test-frac F]\n", argv[0]), 2;
    }
    if (gest) return make_gestures(gest, cfg.seed);
    if (images) st = dp_image_folder_load(images, &cfg, &tr, &te, &info, err, sizeof err);
    else if (csv) st = dp_csv_folder_load(csv, &cfg, &tr, &te, &info, err, sizeof err);
    else if (wav) st = dp_wav_folder_load(wav, &cfg, &tr, &te, &info, err, sizeof err);
    else return fprintf(stderr, "data_folder: --images, --csv, --wav or --make-gestures\n"), 2;
    if (st) return fprintf(stderr, "data_folder: %s\n", err), 1;
    dp_data_summary(&info, sum, sizeof sum);
    printf("%s", sum);
    printf("input %d x %d x %d\n", tr.h, tr.w, tr.c);
    if (!te.n) return fprintf(stderr, "data_folder: no test samples\n"), 1;
    /* a small CNN: three conv-bn-relu (the second and third with stride 2), global average pool, FC */
    g = dp_graph_new(cfg.seed);
    x = dp_input(g, "input", tr.h, tr.w, tr.c);
    x = dp_conv_bn_act(g, "c1", x, 16, 3, 1, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c2", x, 32, 3, 2, 1, DP_ACT_RELU);
    x = dp_conv_bn_act(g, "c3", x, 64, 3, 2, 1, DP_ACT_RELU);
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), info.n_classes);
    if (dp_softmax_ce(g, "loss", x) < 0) return fprintf(stderr, "data_folder: %s\n", dp_graph_error(g)), 1;
    memset(&fit, 0, sizeof fit);
    fit.epochs = epochs; fit.batch = 32; fit.lr = 0.05f; fit.seed = cfg.seed; fit.progress = 1; fit.qat_epochs = 1;
    if (dp_fit(&g, &tr, &te, &fit, &res, err, sizeof err)) return fprintf(stderr, "data_folder: %s\n", err), 1;
    if (dp_export(g, tr.x, tr.n < 500 ? tr.n : 500, &blob, &len, &ei, err, sizeof err)) return fprintf(stderr, "data_folder: %s\n", err), 1;
    if (dp_model_init(&m, blob, len) || !(arena = (int8_t *)malloc(dp_model_arena_size(&m)))) return fprintf(stderr, "data_folder: model\n"), 1;
    for (i = 0; i < te.n; i++) {
        dp_model_set_input_f32(&m, arena, te.x + (size_t)i * (size_t)tr.h * (size_t)tr.w * (size_t)tr.c);
        dp_model_run(&m, arena, dp_model_arena_size(&m));
        hit += dp_model_output_argmax(&m, arena) == te.y[i];
    }
    printf("data_folder: float_acc=%.4f int8_acc=%.4f test=%d model=%ld B arena=%ld B macs=%ld\n", (double)res.test_acc,
           (double)hit / te.n, te.n, (long)ei.model_bytes, (long)ei.arena_bytes, (long)ei.macs);
    free(arena); free(blob);
    dp_graph_free(g);
    dp_dataset_free(&tr); dp_dataset_free(&te);
    return 0;
}

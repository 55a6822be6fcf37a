/* examples/kws.c - keyword spotting: the paper's KWS backbones trained on
   MFCC features and pruned to the MicroNets KWS-S/M/L budgets of Table 3.

   Shows: reading a Speech Commands-style directory (one folder per word,
   testing_list.txt naming the held-out clips; `make kws-data` makes one from
   Debian's speech synthesisers, the real Google Speech Commands works too),
   the header's fixed-point MFCC front-end (dp_mfcc: the same integer code
   runs in firmware, so the network is trained on exactly the bytes the MCU
   computes), a DS-CNN or RES-8/15 pruned while training (dp_fit) toward
   peak memory, model size and MACs, int8 export with the front-end's input
   quantisation, and accuracy on the held-out speakers. Ends with
     kws: backbone=<name> target=<kws_s|kws_m|kws_l> pmu= size= macs= acc=

   Build:  cc -O2 -fopenmp -o kws examples/kws.c -lm   (make builds build/kws)
   Run:    make kws-data && ./build/kws --backbone dscnn_m --target kws_s
           ./build/kws --help                             for every option */
#define _POSIX_C_SOURCE 200809L
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "cli.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <dirent.h>
#include <sys/stat.h>

#define NCLASS DP_KWS_CLASSES

/* Table 3's MicroNets KWS targets: size (bytes), PMU (bytes, KB = 1000),
   MACs; and the paper's own pruned row next to each (Table 3, INT8 acc.) */
static const struct { const char *name; long long size, pmu, macs; const char *paper; } targets[] = {
    {"kws_s", 63600, 51700, 8351000, "MicroNets KWS-S 95.40%; paper's DS-CNN pruned to it 95.75% (61.9K, 49.8KB, 8.342M)"},
    {"kws_m", 117000, 86100, 15580000, "MicroNets KWS-M 95.73%; paper's DS-CNN 96.03% (115K, 83.0KB, 15.56M), RES-15 95.42%"},
    {"kws_l", 512000, 170000, 65750000, "MicroNets KWS-L 96.56%; paper's DS-CNN 96.56% (511K, 159KB, 65.47M)"},
};

/* ---- the clip list ---- */
typedef struct clip { char *path; int y, test; } clip;
typedef struct clips { clip *v; int n, cap; } clips;

static int add_clip(clips *c, const char *path, int y, int test)
{
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 1024;
        clip *v = (clip *)realloc(c->v, sizeof(clip) * (size_t)cap);
        if (!v) return -1;
        c->v = v; c->cap = cap;
    }
    c->v[c->n].path = (char *)malloc(strlen(path) + 1);
    if (!c->v[c->n].path) return -1;
    strcpy(c->v[c->n].path, path);
    c->v[c->n].y = y; c->v[c->n].test = test;
    c->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* testing_list.txt as a sorted array of "word/file.wav" */
static char **read_list(const char *path, int *n)
{
    FILE *f = fopen(path, "r");
    char line[1024], **v = NULL;
    int cap = 0;
    *n = 0;
    if (!f) return NULL;
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
        if (!l) continue;
        if (*n == cap) {
            char **w = (char **)realloc(v, sizeof(char *) * (size_t)(cap = cap ? 2 * cap : 1024));
            if (!w) break;
            v = w;
        }
        if (!(v[*n] = (char *)malloc(l + 1))) break;
        memcpy(v[*n], line, l + 1);
        (*n)++;
    }
    fclose(f);
    qsort(v, (size_t)*n, sizeof(char *), cmp_str);
    return v;
}

static int is_dir(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 && S_ISDIR(s.st_mode);
}

static int ends_with(const char *s, const char *t)
{
    size_t a = strlen(s), b = strlen(t);
    return a >= b && !strcmp(s + a - b, t);
}

/* every word folder's .wav files; a folder named _background_noise_ (real
   Speech Commands) is left out here and cut into silence clips later */
static int list_clips(const char *dir, clips *c, char **test, int n_test)
{
    DIR *d = opendir(dir), *e;
    struct dirent *de, *fe;
    char sub[4096], rel[4096], path[8192];
    if (!d) return -1;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "_background_noise_")) continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        if (!is_dir(sub) || !(e = opendir(sub))) continue;
        while ((fe = readdir(e))) {
            const char *key;
            if (!ends_with(fe->d_name, ".wav")) continue;
            snprintf(rel, sizeof rel, "%s/%s", de->d_name, fe->d_name);
            snprintf(path, sizeof path, "%s/%s", dir, rel);
            key = rel;
            if (add_clip(c, path, dp_kws_class_of(de->d_name),
                         n_test && bsearch(&key, test, (size_t)n_test, sizeof(char *), cmp_str) != NULL) < 0) {
                closedir(e); closedir(d); return -1;
            }
        }
        closedir(e);
    }
    closedir(d);
    return 0;
}

/* ---- features ---- */
typedef struct kws_set {
    dp_dataset ds;        /* float features q/32, 49x10x1, labels 0..11 */
    int8_t *q;            /* the int8 features, as the firmware computes them */
} kws_set;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdull; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* loads the clips of one split (test = 0/1) into s; at most `limit` clips
   (0: all); "unknown" is capped at the largest keyword class's count */
static int load_split(const clips *c, int test, int limit, uint64_t seed, kws_set *s,
                      int *skipped, int *padded)
{
    static int16_t audio[16000];
    static int32_t work[DP_MFCC_WORK];
    int *idx, n = 0, i, cnt[NCLASS] = {0}, maxkw = 0, unk = 0, shown = 0;
    char err[1024];
    idx = (int *)malloc(sizeof(int) * ((size_t)c->n + 1));
    if (!idx) return -1;
    for (i = 0; i < c->n; i++) if (c->v[i].test == test) { idx[n++] = i; cnt[c->v[i].y]++; }
    for (i = 2; i < NCLASS; i++) if (cnt[i] > maxkw) maxkw = cnt[i];
    /* a seeded shuffle: the order of readdir does not matter */
    for (i = n - 1; i > 0; i--) {
        int j = (int)(mix(seed * 1000003u + (uint64_t)i) % (uint64_t)(i + 1)), t = idx[i];
        idx[i] = idx[j]; idx[j] = t;
    }
    memset(s, 0, sizeof *s);
    s->ds.h = 49; s->ds.w = 10; s->ds.c = 1; s->ds.n_classes = NCLASS;
    s->ds.x = (float *)malloc(sizeof(float) * 490 * ((size_t)n + 1));
    s->ds.y = (int *)malloc(sizeof(int) * ((size_t)n + 1));
    s->q = (int8_t *)malloc(490 * ((size_t)n + 1));
    if (!s->ds.x || !s->ds.y || !s->q) { free(idx); return -1; }
    for (i = 0; i < n; i++) {
        const clip *k = &c->v[idx[i]];
        int st, j;
        if (limit && s->ds.n >= limit) break;
        if (k->y == 1 && maxkw && unk >= maxkw) continue;
        st = dp_kws_clip_load(k->path, audio, err, sizeof err);
        if (st < 0) {
            if (shown++ < 5) fprintf(stderr, "kws: skipped %s\n", err);
            (*skipped)++;
            continue;
        }
        if (dp_mfcc(audio, 16000, s->q + (size_t)490 * s->ds.n, 490, work) < 0) {
            if (shown++ < 5) fprintf(stderr, "kws: skipped %s: no MFCC features\n", k->path);
            (*skipped)++;
            continue;
        }
        if (st == 1) (*padded)++;
        if (k->y == 1) unk++;
        for (j = 0; j < 490; j++) s->ds.x[(size_t)490 * s->ds.n + j] = s->q[(size_t)490 * s->ds.n + j] * DP_MFCC_INPUT_SCALE;
        s->ds.y[s->ds.n++] = k->y;
    }
    free(idx);
    return 0;
}

/* real Speech Commands: 1 s windows of _background_noise_ as silence, every
   fifth window to the test split, as many as an average keyword class has */
static void add_background(const char *dir, kws_set *tr, kws_set *te)
{
    static int32_t work[DP_MFCC_WORK];
    char sub[4096], path[8192], err[512];
    DIR *d;
    struct dirent *de;
    int want[2], got[2] = {0, 0}, w = 0;
    kws_set *s[2];
    s[0] = tr; s[1] = te;
    want[0] = tr->ds.n / (NCLASS - 1); want[1] = te->ds.n / (NCLASS - 1);
    snprintf(sub, sizeof sub, "%s/_background_noise_", dir);
    if (!(d = opendir(sub))) return;
    while ((de = readdir(d))) {
        int16_t *a = NULL;
        int n = 0, rate = 0, off;
        if (!ends_with(de->d_name, ".wav")) continue;
        snprintf(path, sizeof path, "%s/%s", sub, de->d_name);
        if (dp_wav_read(path, &a, &n, &rate, err, sizeof err) != DP_OK || rate != 16000) {
            fprintf(stderr, "kws: skipped background %s\n", rate && rate != 16000 ? path : err);
            free(a); continue;
        }
        for (off = 0; off + 16000 <= n; off += 8000, w++) {
            const int t = w % 5 == 0;
            kws_set *k = s[t];
            float *x; int8_t *q; int *y, j;
            if (got[t] >= want[t]) continue;
            x = (float *)realloc(k->ds.x, sizeof(float) * 490 * ((size_t)k->ds.n + 1));
            if (x) k->ds.x = x;
            y = (int *)realloc(k->ds.y, sizeof(int) * ((size_t)k->ds.n + 1));
            if (y) k->ds.y = y;
            q = (int8_t *)realloc(k->q, 490 * ((size_t)k->ds.n + 1));
            if (q) k->q = q;
            if (!x || !y || !q) break;
            if (dp_mfcc(a + off, 16000, k->q + (size_t)490 * k->ds.n, 490, work) < 0) break;
            for (j = 0; j < 490; j++) k->ds.x[(size_t)490 * k->ds.n + j] = k->q[(size_t)490 * k->ds.n + j] * DP_MFCC_INPUT_SCALE;
            k->ds.y[k->ds.n++] = 0;
            got[t]++;
        }
        free(a);
    }
    closedir(d);
    if (got[0] + got[1]) printf("silence from _background_noise_: %d train, %d test windows\n", got[0], got[1]);
}

static int build(dp_graph *g, const char *bb, float width)
{
    if (!strcmp(bb, "dscnn_l")) return dp_build_dscnn(g, 49, 10, 1, NCLASS, width, 7);
    if (!strcmp(bb, "dscnn_m")) return dp_build_dscnn(g, 49, 10, 1, NCLASS, width, 5);
    /* the small DS-CNN of Zhang et al. ("Hello Edge"): 64 channels, 4 blocks */
    if (!strcmp(bb, "dscnn_s")) return dp_build_dscnn(g, 49, 10, 1, NCLASS, width * 64.0f / 276.0f, 4);
    if (!strcmp(bb, "res8")) return dp_build_res8(g, 49, 10, 1, NCLASS, width);
    if (!strcmp(bb, "res15")) return dp_build_res15(g, 49, 10, 1, NCLASS, width);
    return DP_ERR_ARG;
}

/* the backbone at a width, as dp_fit's uniform baseline builds it */
static int build_uniform(dp_graph *g, float width, void *bb)
{
    int x = build(g, (const char *)bb, width);
    if (x >= 0) dp_graph_set_input_quant(g, DP_MFCC_INPUT_SCALE, 0);
    return x;
}

static const char kws_usage[] =
    "usage: kws [options]   train and prune a keyword spotter, export int8\n"
    "--quick: a small, fast run (make kws-quick): DS-CNN-M to KWS-S, 32 epochs of\n"
    "batch 16, lr 0.1, a width update every step with eta 3, early termination.\n"
    "exit status: 0 ok, 1 data or export error, 2 usage, 3 impossible budget,\n"
    "             4 budgets not met\n";

int main(int argc, char **argv)
{
    const char *dir = "build/kws-data", *bb = "dscnn_m", *tname = "kws_s", *out = NULL, *csv = NULL, *widths = NULL, *tflite = NULL;
    float width = 1.0f, lr = 0.0f, eta = 0.0f, start = 0.0f, plan = 0.0f;
    int i, st, quick = 0, no_prune = 0, uniform = 0, epochs = 0, batch = 0, every = 0, qat = 1, limit = 0, early = 0, t = 0, threads = -1;
    int n_test = 0, skipped = 0, padded = 0, hits = 0, sat = 0, per_hit[NCLASS] = {0}, per_n[NCLASS] = {0};
    unsigned long long seed = 1;
    char **test, path[4096], err[1024];
    clips c;
    kws_set tr, te;
    dp_graph *g;
    dp_resources r0;
    dp_prune_cfg pc;
    dp_fit_cfg fc;
    dp_fit_result fr;
    dp_pruner *pr = NULL;
    memset(&c, 0, sizeof c);
    memset(&pc, 0, sizeof pc);
    memset(&fc, 0, sizeof fc);
    {
        const cli_opt opts[] = {
            CLI_SHARED("--data", &dir, "(Speech Commands layout; make kws-data makes one) [build/kws-data]"),
            CLI_SHARED("--backbone", &bb, "dscnn_s | dscnn_m | dscnn_l | res8 | res15 [dscnn_m]"),
            CLI_SHARED("--width", &width, "[1]"),
            CLI_STR("--target", &tname, "T", "kws_s | kws_m | kws_l (MicroNets budgets, Table 3) [kws_s]"),
            CLI_SHARED("--no-prune", &no_prune, "(resources reported against T)"),
            CLI_FLAG("--uniform", &uniform, "no pruning: the backbone scaled uniformly to the widest width (step 0.01, bisection on the resource model) within T, trained as a pruned run"),
            CLI_STR("--widths", &widths, "A,B,..", "no pruning: train the backbone with these layer-group widths (a pruned run's \"widths:\" line) from scratch"),
            CLI_SHARED("--quick", &quick, "(see above)"),
            CLI_SHARED("--epochs", &epochs, "[20; quick 32]"),
            CLI_SHARED("--batch", &batch, "[64; quick 16]"),
            CLI_SHARED("--lr", &lr, "[0.05; quick 0.1]"),
            CLI_SHARED("--seed", &seed, "[1]"),
            CLI_SHARED("--threads", &threads, "[0]"),
            CLI_SHARED("--every", &every, "[20; quick 1]"),
            CLI_SHARED("--eta", &eta, "[1; quick 3]"),
            CLI_SHARED("--prune-start", &start, "[0]"),
            CLI_SHARED("--plan", &plan, "[0.25]"),
            CLI_SHARED("--early-term", &early, "[quick: on]"),
            CLI_SHARED("--qat-epochs", &qat, "[1]"),
            CLI_SHARED("--limit", &limit, "[all]"),
            CLI_SHARED("-o", &out, "and FILE.h, a C array"),
            CLI_SHARED("--tflite", &tflite, NULL),
            CLI_SHARED("--csv", &csv, NULL),
            CLI_END
        };
        if ((st = cli_parse("kws", kws_usage, opts, argc - 1, argv + 1, NULL, 0, NULL)) != 0) return st == 1 ? 0 : 2;
    }
    if (threads >= 0) dp_set_threads(threads);
    for (t = 0; t < 3 && strcmp(targets[t].name, tname); t++) {}
    if (t == 3) { fprintf(stderr, "kws: --target: '%s' must be one of kws_s|kws_m|kws_l (try --help)\n", tname); return 2; }
    if (strcmp(bb, "dscnn_s") && strcmp(bb, "dscnn_m") && strcmp(bb, "dscnn_l") && strcmp(bb, "res8") && strcmp(bb, "res15")) {
        fprintf(stderr, "kws: --backbone: '%s' must be one of dscnn_s|dscnn_m|dscnn_l|res8|res15 (try --help)\n", bb);
        return 2;
    }
    if (!epochs) epochs = quick ? 32 : 20;
    if (lr == 0.0f) lr = quick ? 0.1f : 0.05f;
    if (!batch) batch = quick ? 16 : 64;
    if (!every) every = quick ? 1 : 20;
    if (quick) early = 1;
    if (!(eta > 0.0f)) eta = quick ? 3.0f : 1.0f;
    if (epochs < 1 || batch < 1 || every < 1 || qat < 0 || qat >= epochs || !(lr > 0.0f) || !(width > 0.0f)) {
        fprintf(stderr, "kws: epochs, batch, every, lr and width must be positive and --qat-epochs below --epochs\n");
        return 2;
    }
    g = dp_graph_new(seed);
    if (build(g, bb, width) < 0) {
        fprintf(stderr, "kws: cannot build %s x%g: %s\n", bb, (double)width, dp_graph_error(g));
        return 1;
    }

    /* the data */
    snprintf(path, sizeof path, "%s/testing_list.txt", dir);
    test = read_list(path, &n_test);
    if (!test || !n_test || list_clips(dir, &c, test, n_test) < 0 || c.n == 0) {
        fprintf(stderr, "kws: no keyword data in %s (need word folders of 16 kHz WAV clips and testing_list.txt)\n"
                "  make one with: make kws-data   (or make kws-data N=400 for a small set), or pass --data DIR\n", dir);
        return 1;
    }
    if (load_split(&c, 0, limit, seed, &tr, &skipped, &padded) < 0 ||
        load_split(&c, 1, 0, seed, &te, &skipped, &padded) < 0) {
        fprintf(stderr, "kws: out of memory\n");
        return 1;
    }
    add_background(dir, &tr, &te);
    for (i = 0; i < tr.ds.n * 490; i++) sat += tr.q[i] == -128 || tr.q[i] == 127;
    printf("data %s: %d training clips, %d test clips (held-out voices); %d skipped, %d zero-padded; "
           "%.2f%% of features at the int8 limits\n", dir, tr.ds.n, te.ds.n, skipped, padded, 100.0 * sat / (490.0 * tr.ds.n + 1));
    if (tr.ds.n < NCLASS || te.ds.n < 1) { fprintf(stderr, "kws: too few usable clips in %s\n", dir); return 1; }

    /* budgets, training with pruning */
    if (dp_graph_set_input_quant(g, DP_MFCC_INPUT_SCALE, 0) != DP_OK || dp_graph_resources(g, NULL, &r0, NULL, 0, NULL) != DP_OK) {
        fprintf(stderr, "kws: %s\n", dp_graph_error(g));
        return 1;
    }
    if (widths) {    /* a given (pruned) architecture, trained from scratch */
        if ((st = cli_widths_apply("kws", &g, widths)) != 0) return st;
        no_prune = 1;
    }
    pc.budget_pmu = targets[t].pmu;
    pc.budget_size = targets[t].size;
    pc.budget_macs = targets[t].macs;
    pc.every = every; pc.eta = eta; pc.seed = seed;
    fc.epochs = epochs; fc.batch = batch; fc.lr = lr; fc.weight_decay = 5e-5f; fc.qat_epochs = qat;
    fc.prune = no_prune && !uniform ? NULL : &pc; fc.prune_start = start; fc.prune_plan = plan; fc.early_term = early; fc.log_csv = csv;
    fc.val_per_update = quick ? 64 : 0;
    fc.progress = 1; fc.verbose = 1; fc.seed = seed; fc.pruner_out = &pr;
    if (uniform) { fc.uniform = build_uniform; fc.uniform_ctx = (void *)bb; fc.uniform_max = width; }
    printf("backbone %s x%.2f: pmu=%lld size=%lld macs=%lld\n", bb, (double)width, (long long)r0.pmu_exact,
           (long long)r0.size_bytes, (long long)r0.macs);
    printf("target %s: pmu<=%lld size<=%lld macs<=%lld  (%s)\n", tname, targets[t].pmu, targets[t].size, targets[t].macs, targets[t].paper);
    fflush(stdout);
    if ((st = dp_fit(&g, &tr.ds, &te.ds, &fc, &fr, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "kws: %s\n", err);
        return st == DP_ERR_BUDGET ? 3 : 1;
    }
    if (uniform) printf("uniform scaling: %s x%.2f is the widest within %s\n", bb, (double)fr.uniform_width, tname);
    if (pr) {
        if (dp_pruner_print_summary(pr, g, stdout) != DP_OK) fprintf(stderr, "kws: pruning summary: %s\n", dp_graph_error(g));
        cli_widths_print(pr);
    }
    if (no_prune && !uniform) fr.met = fr.after.pmu_exact <= pc.budget_pmu && fr.after.size_bytes <= pc.budget_size && fr.after.macs <= pc.budget_macs;
    printf("time: %.1f s; budgets %s\n", fr.seconds, fr.met ? "met" : no_prune ? "not met (no pruning)" : "NOT met (raise --eta or --epochs)");

    /* int8: the firmware's path, features straight into the input tensor */
    {
        cli_int8 q;
        dp_tensor_info ti;
        float sc;
        if (cli_int8_export("kws", &q, g, tr.ds.x, tr.ds.n < 1000 ? tr.ds.n : 1000, out, "kws_model") != DP_OK ||
            cli_int8_tflite("kws", &q, tflite) != DP_OK) {
            cli_int8_free(&q);
            return 1;
        }
        if (!dp_model_input(&q.m, q.arena, &ti)) { fprintf(stderr, "kws: the model has no input tensor\n"); return 1; }
        memcpy(&sc, &ti.scale_bits, 4);
        if (sc != DP_MFCC_INPUT_SCALE || ti.zero_point != 0) { fprintf(stderr, "kws: model input quantisation is not the front-end's\n"); return 1; }
        for (i = 0; i < te.ds.n; i++) {
            const int p = cli_int8_argmax_s8(&q, te.q + (size_t)490 * i), ok = p == te.ds.y[i];
            if (p < 0) { fprintf(stderr, "kws: int8 run failed on clip %d: %s\n", i, dp_status_str(p)); cli_int8_free(&q); return 1; }
            hits += ok; per_hit[te.ds.y[i]] += ok; per_n[te.ds.y[i]]++;
        }
        printf("int8: %lu bytes, arena %lld B, accuracy on held-out voices %.4f (float %.4f)%s%s\n", (unsigned long)q.len,
               (long long)q.info.arena_bytes, (double)hits / te.ds.n, (double)fr.test_acc, out ? ", wrote " : "", out ? out : "");
        printf("per class:");
        for (i = 0; i < NCLASS; i++) if (per_n[i]) printf(" %s %.2f", dp_kws_class_name(i), (double)per_hit[i] / per_n[i]);
        printf("\n");
        cli_int8_free(&q);
    }
    printf("kws: backbone=%s target=%s pmu=%lld size=%lld macs=%lld acc=%.4f\n", bb, tname,
           (long long)fr.after.pmu_exact, (long long)fr.after.size_bytes, (long long)fr.after.macs, (double)hits / te.ds.n);
    dp_pruner_free(pr);
    dp_graph_free(g);
    free(tr.q); free(te.q);
    dp_dataset_free(&tr.ds); dp_dataset_free(&te.ds);
    for (i = 0; i < c.n; i++) free(c.v[i].path);
    free(c.v);
    for (i = 0; i < n_test; i++) free(test[i]);
    free(test);
    return fr.met || no_prune ? 0 : 4;
}

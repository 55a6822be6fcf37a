/* bench/bench_sched.c - time and DP states of dp_sched_plan on: a 1000-op
   chain, the 4 blocks x 4 parallel branches x 6 ops graph, MobileNet-v2 and
   60-op random DAGs (inputs within the previous 8 nodes, and from anywhere).
   Modes: full = defaults (every segment optimal, arena planned); peak =
   peak_only; fast = peak_only + skip_arena (what a training loop needs).  Build & run from the repo root:
     gcc -std=c99 -O2 -Wall -Wextra -Werror -pedantic bench/bench_sched.c -o /tmp/bench_sched -lm && /tmp/bench_sched
   `bench_sched --emit DIR` also writes the generated graphs as text files. */
#define _POSIX_C_SOURCE 199309L
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "../tests/test_rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ builder */

typedef struct gb {
    dp_sched_graph g;
    int cap, ecap, e;
    char names[DP_SCHED_MAX_NODES][48];
} gb;

static gb B;

static void gb_reset(void)
{
    dp_sched_graph_free(&B.g);
    dp_sched_graph_init(&B.g, DP_SCHED_MAX_NODES, DP_SCHED_MAX_NODES * 8);
    B.g.n = 0;
    B.e = 0;
}
static int gb_node(const char *name, int64_t size, int inplace, int k, const int *ins)
{
    int v = B.g.n++, i;
    B.g.size[v] = size;
    B.g.is_input[v] = (unsigned char)(k == 0);
    B.g.can_inplace[v] = (unsigned char)inplace;
    for (i = 0; i < k; i++) B.g.in_idx[B.e++] = ins[i];
    B.g.in_start[v + 1] = B.e;
    snprintf(B.names[v], sizeof B.names[v], "%s", name);
    B.g.name[v] = B.names[v];
    return v;
}
static int gb_op(const char *name, int64_t size, int x) { return gb_node(name, size, 0, 1, &x); }


static void emit(const char *dir, const char *file, const char *title)
{
    char path[512];
    FILE *f;
    int i, e;
    if (!dir) return;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    f = fopen(path, "w");
    if (!f) { printf("cannot write %s\n", path); return; }
    fprintf(f, "# %s\n", title);
    for (i = 0; i < B.g.n; i++) {
        fprintf(f, "%s %s %lld", B.g.is_input[i] ? "input" : B.g.can_inplace[i] ? "add" : "op",
                B.g.name[i], (long long)B.g.size[i]);
        for (e = B.g.in_start[i]; e < B.g.in_start[i + 1]; e++) fprintf(f, " %s", B.g.name[B.g.in_idx[e]]);
        fprintf(f, "\n");
    }
    fclose(f);
}

/* ---------------------------------------------------------- generators */

static void chain(int n)
{
    int x, k;
    char nm[48];
    gb_reset();
    x = gb_node("in", 3072, 0, 0, NULL);
    for (k = 0; k < n; k++) {
        snprintf(nm, sizeof nm, "c%d", k);
        x = gb_op(nm, 1024 + (k * 7919) % 4096, x);
    }
}

/* blocks x branches x len: each block's branches start at the block input
   and are joined by one add; sizes vary so the order matters. */
static void branchy(int blocks, int branches, int len)
{
    int x, bl, br, k, ends[16];
    char nm[48];
    gb_reset();
    x = gb_node("in", 4000, 0, 0, NULL);
    x = gb_op("stem", 8000, x);
    for (bl = 0; bl < blocks; bl++) {
        for (br = 0; br < branches; br++) {
            int y = x;
            for (k = 0; k < len; k++) {
                snprintf(nm, sizeof nm, "b%d_%d_%d", bl, br, k);
                y = gb_op(nm, k == len - 1 ? 8000 : 2000 + ((bl * 31 + br * 17 + k * 53) % 19) * 1000, y);
            }
            ends[br] = y;
        }
        snprintf(nm, sizeof nm, "join%d", bl);
        x = gb_node(nm, 8000, 1, branches, ends);
    }
    gb_op("head", 10, x);
}

static void mobilenetv2(int res)
{
    static const int t_[] = { 1, 6, 6, 6, 6, 6, 6 }, c_[] = { 16, 24, 32, 64, 96, 160, 320 },
                     n_[] = { 1, 2, 3, 4, 3, 3, 1 }, s_[] = { 1, 2, 2, 2, 1, 2, 1 };
    int h = res, x, st, i, cin = 32, blk = 0;
    char nm[48];
    gb_reset();
    x = gb_node("image", (int64_t)res * res * 3, 0, 0, NULL);
    h = (h + 1) / 2;
    x = gb_op("stem", (int64_t)h * h * 32, x);
    for (st = 0; st < 7; st++) {
        for (i = 0; i < n_[st]; i++, blk++) {
            int stride = i == 0 ? s_[st] : 1, ho = (h + stride - 1) / stride, cexp = cin * t_[st];
            int e1, d, pr;
            snprintf(nm, sizeof nm, "b%d_expand", blk);
            e1 = gb_op(nm, (int64_t)h * h * cexp, x);
            snprintf(nm, sizeof nm, "b%d_dw", blk);
            d = gb_op(nm, (int64_t)ho * ho * cexp, e1);
            snprintf(nm, sizeof nm, "b%d_project", blk);
            pr = gb_op(nm, (int64_t)ho * ho * c_[st], d);
            if (stride == 1) {
                int sc = x, ins[2];
                if (cin != c_[st]) {
                    snprintf(nm, sizeof nm, "b%d_shortcut", blk);
                    sc = gb_op(nm, (int64_t)h * h * c_[st], x);
                }
                ins[0] = pr;
                ins[1] = sc;
                snprintf(nm, sizeof nm, "b%d_add", blk);
                pr = gb_node(nm, (int64_t)ho * ho * c_[st], 1, 2, ins);
            }
            x = pr;
            h = ho;
            cin = c_[st];
        }
    }
    x = gb_op("head", (int64_t)h * h * 1280, x);
    x = gb_op("pool", 1280, x);
    gb_op("fc", 2, x);
}

/* n ops; each reads 1-3 earlier nodes, mostly within `window` of it (window
   0: anywhere); 30% are adds */
static void random_dag(int n, int window)
{
    int i, j, ins[3];
    char nm[48];
    gb_reset();
    gb_node("in", 1000 + rndn(9000), 0, 0, NULL);
    for (i = 0; i < n; i++) {
        int add = B.g.n >= 2 && rndn(10) < 3, k = add ? 2 + rndn(2) : 1 + (rndn(3) == 0);
        int64_t size = 1000 + rndn(20) * 500;
        for (j = 0; j < k; j++) {
            int lo = window && B.g.n > window ? B.g.n - window : 0;
            ins[j] = lo + rndn(B.g.n - lo);
        }
        if (add && rndn(2)) size = B.g.size[ins[0]];
        snprintf(nm, sizeof nm, "%s%d", add ? "a" : "o", i);
        gb_node(nm, size, add, k, ins);
    }
}

/* -------------------------------------------------------------- timing */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* flags: 1 = peak_only, 2 = skip_arena */
static double run(const char *what, int flags, int quiet, dp_sched_result *keep)
{
    dp_sched_opts o;
    dp_sched_result r;
    dp_status st;
    double t0, t = 0;
    int reps = 0;
    memset(&o, 0, sizeof o);
    o.peak_only = flags & 1;
    o.skip_arena = (flags & 2) != 0;
    t0 = now();
    do { /* repeat fast cases for a stable time */
        st = dp_sched_plan(&B.g, &o, &r);
        t = now() - t0;
        reps++;
        if (t < 0.05 && reps < 1000) dp_sched_result_free(&r);
        else break;
    } while (1);
    t /= reps;
    if (!quiet)
        printf("%-30s %s %8.3f ms  states %9lld  segments %4d (DP on %3d)  peak %lld "
               "(listed order %lld, imprecise %lld, greedy %lld)  arena %lld%s\n",
               what, flags == 3 ? "fast " : flags == 1 ? "peak " : "full ", t * 1e3, r.states, r.n_segments,
               r.n_segments_dp, (long long)r.peak_order, (long long)r.peak_definition_order,
               (long long)r.peak_imprecise, (long long)r.peak_greedy, (long long)r.arena_size,
               st == DP_OK ? "" : st == DP_ERR_LIMIT ? "  STATE LIMIT" : "  ERROR");
    if (keep) *keep = r;
    else dp_sched_result_free(&r);
    return t;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 2 && strcmp(argv[1], "--emit") == 0 ? argv[2] : NULL;
    int i, w;
    char what[64];
    tu_rng = 88172645463325252ull;   /* this file's stream */

    /* the paper's backbones, from the layer graph (fused view + DP + arena) */
    for (i = 0; dp_zoo_name(i); i++) {
        dp_graph *g = dp_graph_new(1);
        dp_resources res;
        double t0, t;
        int reps = 0;
        dp_build_zoo(g, dp_zoo_name(i));
        t0 = now();
        do { dp_graph_resources(g, NULL, &res, NULL, 0, NULL); reps++; t = now() - t0; } while (t < 0.05 && reps < 1000);
        printf("%-30s full %8.3f ms  states %9lld  ops %4d  peak %lld (listed order %lld, imprecise %lld)  arena %lld\n",
               dp_zoo_name(i), 1e3 * t / reps, res.dp_states, res.n_ops, (long long)res.pmu_exact,
               (long long)res.pmu_definition_order, (long long)res.pmu_imprecise, (long long)res.arena_bytes);
        dp_graph_free(g);
    }

    chain(1000);
    run("chain 1000 ops", 0, 0, NULL);
    chain(DP_SCHED_MAX_NODES - 1);
    run("chain 4095 ops", 0, 0, NULL);

    branchy(4, 4, 6);
    emit(dir, "branchy_4x4x6.txt", "4 blocks x 4 parallel branches x 6 ops, joined by adds");
    run("branchy 4x4x6", 0, 0, NULL);
    run("branchy 4x4x6", 3, 0, NULL);
    branchy(2, 5, 8);
    run("branchy 2x5x8", 0, 0, NULL);

    mobilenetv2(50);
    emit(dir, "mobilenetv2_50.txt", "MobileNet-v2 (CIFAR-repo style) at 50x50, Conv+BN+ReLU fused; PMU 76224");
    run("MobileNet-v2 50x50", 0, 0, NULL);
    run("MobileNet-v2 50x50", 3, 0, NULL);
    mobilenetv2(160);
    run("MobileNet-v2 160x160", 0, 0, NULL);

    for (w = 4; w >= 0; w -= 4) { /* window 4, 0 (anywhere) */
        double tot = 0, worst = 0;
        long long st_tot = 0, st_worst = 0;
        int lim = 0, arena_gt = 0, cnt = w ? 20 : 5;
        if (w == 4) w = 8;
        for (i = 0; i < cnt; i++) {
            dp_sched_result r;
            double t;
            random_dag(60, w);
            if (i == 0 && w == 8) emit(dir, "random60.txt", "60-op random DAG (inputs within 8 nodes, 30% adds)");
            snprintf(what, sizeof what, "random 60, window %d, #%d", w, i);
            t = run(what, 0, i >= 3, &r);
            tot += t;
            if (t > worst) worst = t;
            st_tot += r.states;
            if (r.states > st_worst) st_worst = r.states;
            lim += !r.exact;
            arena_gt += r.arena_size > r.peak_order;
            dp_sched_result_free(&r);
        }
        printf("random 60 ops, window %d (%d DAGs): mean %.3f ms, worst %.3f ms, "
               "mean states %lld, worst %lld, state limit hit %d, arena > peak %d\n",
               w, cnt, tot / cnt * 1e3, worst * 1e3, st_tot / cnt, st_worst, lim, arena_gt);
        if (w == 8) w = 4;
    }
    dp_sched_graph_free(&B.g);
    return 0;
}

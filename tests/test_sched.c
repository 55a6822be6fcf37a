/* tests/test_sched.c - the exact peak-memory scheduler, arena planning and
   the text graph format.
   Build & run from the repo root:
     gcc -std=c99 -O2 -Wall -Wextra -Werror -pedantic tests/test_sched.c -o /tmp/test_sched -lm && /tmp/test_sched
   Exits non-zero on failure; the last line is "N passed, M failed". */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"


/* ------------------------------------------------------- graph building */

#define TB_MAXN 80
#define TB_MAXE 8
typedef struct tb {
    int n;
    int64_t size[TB_MAXN];
    int nin[TB_MAXN], in[TB_MAXN][TB_MAXE];
    unsigned char is_input[TB_MAXN], add[TB_MAXN];
    unsigned char rd[TB_MAXN][TB_MAXN]; /* rd[r][u]: op r reads u */
    int nrd[TB_MAXN];                   /* distinct readers of u   */
} tb;

static void tb_new(tb *b, int v)
{
    memset(b->rd[v], 0, sizeof b->rd[v]);
    b->nrd[v] = 0;
}

static int tb_input(tb *b, int64_t size)
{
    tb_new(b, b->n);
    b->size[b->n] = size;
    b->nin[b->n] = 0;
    b->is_input[b->n] = 1;
    b->add[b->n] = 0;
    return b->n++;
}
static int tb_op(tb *b, int64_t size, int add, int k, const int *ins)
{
    int i;
    tb_new(b, b->n);
    b->size[b->n] = size;
    b->nin[b->n] = k;
    for (i = 0; i < k; i++) {
        b->in[b->n][i] = ins[i];
        if (!b->rd[b->n][ins[i]]) { b->rd[b->n][ins[i]] = 1; b->nrd[ins[i]]++; }
    }
    b->is_input[b->n] = 0;
    b->add[b->n] = (unsigned char)add;
    return b->n++;
}
static int tb_op1(tb *b, int64_t size, int x) { return tb_op(b, size, 0, 1, &x); }
static int tb_add2(tb *b, int64_t size, int x, int y)
{
    int a[2];
    a[0] = x;
    a[1] = y;
    return tb_op(b, size, 1, 2, a);
}

static int tb_graph(const tb *b, dp_sched_graph *g)
{
    int i, j, e = 0;
    for (i = 0; i < b->n; i++) e += b->nin[i];
    if (dp_sched_graph_init(g, b->n, e) != DP_OK) return 0;
    e = 0;
    for (i = 0; i < b->n; i++) {
        g->size[i] = b->size[i];
        g->is_input[i] = b->is_input[i];
        g->can_inplace[i] = b->add[i];
        for (j = 0; j < b->nin[i]; j++) g->in_idx[e++] = b->in[i][j];
        g->in_start[i + 1] = e;
    }
    return 1;
}

/* --------------------------------------- reference semantics (independent) */

static int reads(const tb *b, int r, int u) { return b->rd[r][u]; }
static int n_readers(const tb *b, int u) { return b->nrd[u]; }
/* live during the step of v: done[] = graph inputs + ops already run.  The
   tensors are written to out (if non-NULL); returns the working set. */
static int64_t ref_ws(const tb *b, const unsigned char *done, int v, int *out, int *nout,
                      int *inplace_into)
{
    int t, r, j, c = 0, ip = -1;
    int64_t ws = 0;
    for (t = 0; t < b->n; t++) {
        int needed = n_readers(b, t) == 0;
        if (!done[t]) continue;
        for (r = 0; r < b->n; r++) if (!done[r] && reads(b, r, t)) needed = 1;
        if (needed) { ws += b->size[t]; if (out) out[c++] = t; }
    }
    if (b->add[v]) {
        for (j = 0; j < b->nin[v] && ip < 0; j++) {
            int u = b->in[v][j], last = 1;
            if (b->is_input[u] || b->size[u] != b->size[v]) continue;
            for (r = 0; r < b->n; r++) if (r != v && !done[r] && reads(b, r, u)) last = 0;
            if (last) ip = u;
        }
    }
    if (ip < 0) { ws += b->size[v]; if (out) out[c++] = v; }
    if (nout) *nout = c;
    if (inplace_into) *inplace_into = ip;
    return ws;
}
static int n_ops(const tb *b)
{
    int i, m = 0;
    for (i = 0; i < b->n; i++) m += !b->is_input[i];
    return m;
}
/* peak of an order; -1 if it is not a topological order of all ops */
static int64_t ref_peak(const tb *b, const int *order, int m)
{
    unsigned char done[TB_MAXN];
    int i, s, j;
    int64_t pk = 0;
    if (m != n_ops(b)) return -1;
    for (i = 0; i < b->n; i++) { done[i] = b->is_input[i]; if (done[i]) pk += b->size[i]; }
    for (s = 0; s < m; s++) {
        int v = order[s];
        int64_t ws;
        if (v < 0 || v >= b->n || done[v]) return -1;
        for (j = 0; j < b->nin[v]; j++) if (!done[b->in[v][j]]) return -1;
        ws = ref_ws(b, done, v, NULL, NULL, NULL);
        if (s == 0 || ws > pk) pk = ws;
        done[v] = 1;
    }
    return pk;
}

/* brute force: every topological order */
static int64_t bf_best;
static long bf_orders;
static void bf_rec(const tb *b, unsigned char *done, int left, int64_t cur)
{
    int v, j;
    if (left == 0) {
        bf_orders++;
        if (bf_best < 0 || cur < bf_best) bf_best = cur;
        return;
    }
    for (v = 0; v < b->n; v++) {
        int ok = !done[v];
        int64_t ws;
        for (j = 0; ok && j < b->nin[v]; j++) ok = done[b->in[v][j]];
        if (!ok) continue;
        ws = ref_ws(b, done, v, NULL, NULL, NULL);
        done[v] = 1;
        bf_rec(b, done, left - 1, ws > cur ? ws : cur);
        done[v] = 0;
    }
}
static int64_t brute(const tb *b)
{
    unsigned char done[TB_MAXN];
    int i;
    int64_t in = 0;
    for (i = 0; i < b->n; i++) { done[i] = b->is_input[i]; if (done[i]) in += b->size[i]; }
    bf_best = -1;
    bf_orders = 0;
    if (n_ops(b) == 0) return in;
    bf_rec(b, done, n_ops(b), 0);
    return bf_best;
}

/* independent overlap check of an arena */
static int ref_arena_ok(const tb *b, const int *order, int m, const int64_t *off,
                        int64_t arena, const int *inplace)
{
    int stp[TB_MAXN], en[TB_MAXN], alias[TB_MAXN], s, t, u, r;
    for (u = 0; u < b->n; u++) { stp[u] = 0; alias[u] = -1; }
    for (s = 0; s < m; s++) { stp[order[s]] = s; alias[order[s]] = inplace[s]; }
    for (u = 0; u < b->n; u++) {
        en[u] = n_readers(b, u) ? stp[u] : (m ? m - 1 : 0);
        for (r = 0; r < b->n; r++) if (reads(b, r, u) && stp[r] > en[u]) en[u] = stp[r];
        if (off[u] < 0 || off[u] + b->size[u] > arena) return 0;
    }
    for (u = 0; u < b->n; u++)
        for (t = u + 1; t < b->n; t++) {
            if (stp[u] > en[t] || stp[t] > en[u]) continue;
            if (off[u] >= off[t] + b->size[t] || off[t] >= off[u] + b->size[u]) continue;
            if (alias[t] == u && off[t] == off[u]) continue;
            return 0;
        }
    return 1;
}

/* ------------------------------------------------------------ random DAGs */

static void random_dag(tb *b, int max_ops, int with_adds)
{
    static const int64_t sizes[] = { 2, 3, 4, 5, 8, 8, 4 };
    int n_in = 1 + rndn(2), m = 1 + rndn(max_ops), i, j;
    b->n = 0;
    for (i = 0; i < n_in; i++) tb_input(b, sizes[rndn(7)]);
    for (i = 0; i < m; i++) {
        int ins[3], k, add = with_adds && b->n >= 2 && rndn(10) < 4;
        int64_t size = sizes[rndn(7)];
        k = add ? 2 + rndn(2) : 1 + (rndn(4) == 0);
        for (j = 0; j < k; j++) {
            /* prefer recent nodes, sometimes anything earlier */
            int lo = rndn(3) == 0 ? 0 : (b->n > 4 ? b->n - 4 : 0);
            ins[j] = lo + rndn(b->n - lo);
        }
        if (add && rndn(10) < 7) size = b->size[ins[rndn(k)]]; /* same-size summand */
        tb_op(b, size, add, k, ins);
    }
}

static int check_result_against_ref(const tb *b, const dp_sched_graph *g,
                                    const dp_sched_result *r, int64_t expect_peak,
                                    int64_t align, const char *what)
{
    int ok = 1, s, i, live[TB_MAXN], nlive, ip;
    unsigned char done[TB_MAXN];
    int64_t sum = 0;
    int64_t rp = ref_peak(b, r->order, r->n_order);
    char err[200];
    if (rp != expect_peak || r->peak_order != expect_peak) {
        printf("%s: order peak %lld / ref %lld, expected %lld\n", what,
               (long long)r->peak_order, (long long)rp, (long long)expect_peak);
        ok = 0;
    }
    for (i = 0; i < b->n; i++) done[i] = b->is_input[i];
    for (s = 0; s < r->n_order && ok; s++) {
        int v = r->order[s];
        int64_t ws = ref_ws(b, done, v, live, &nlive, &ip);
        if (ws != r->step_ws[s] || ip != r->step_inplace[s]) {
            printf("%s: step %d ws %lld/%lld inplace %d/%d\n", what, s,
                   (long long)r->step_ws[s], (long long)ws, r->step_inplace[s], ip);
            ok = 0;
        }
        if (s == r->bottleneck_step) {
            if (nlive != r->n_bottleneck || memcmp(live, r->bottleneck, sizeof(int) * (size_t)nlive)) {
                printf("%s: bottleneck set differs\n", what);
                ok = 0;
            }
        }
        done[v] = 1;
    }
    for (i = 0; i < r->n_bottleneck; i++) sum += b->size[r->bottleneck[i]];
    if (sum != r->peak_order) { printf("%s: bottleneck sum %lld\n", what, (long long)sum); ok = 0; }
    if (r->arena_size < r->peak_order) { printf("%s: arena < peak\n", what); ok = 0; }
    if (dp_sched_arena_check(g, r->order, r->n_order, r->offset, r->arena_size, align, err,
                             sizeof err) != DP_OK) {
        printf("%s: arena check: %s\n", what, err);
        ok = 0;
    }
    if (!ref_arena_ok(b, r->order, r->n_order, r->offset, r->arena_size, r->step_inplace)) {
        printf("%s: reference arena check failed\n", what);
        ok = 0;
    }
    return ok;
}

static void test_random(int count, int with_adds)
{
    int it, bad = 0, arena_gt = 0, arena_gt_def = 0, dp_used = 0, n_ip = 0, n_def_worse = 0;
    long total_orders = 0;
    for (it = 0; it < count; it++) {
        tb b;
        dp_sched_graph g;
        dp_sched_result r, rx;
        dp_sched_opts o;
        int64_t bf, imp = 0, defp;
        int order[TB_MAXN], m = 0, i, j;
        random_dag(&b, 10, with_adds);
        bf = brute(&b);
        total_orders += bf_orders;
        if (!tb_graph(&b, &g)) { bad++; continue; }
        memset(&o, 0, sizeof o);
        o.align = (it % 3 == 0) ? 4 : 0;
        if (dp_sched_plan(&g, &o, &r) != DP_OK || !r.exact || r.peak_exact != bf) {
            printf("random %d: plan peak %lld, brute force %lld\n", it, (long long)r.peak_exact,
                   (long long)bf);
            bad++;
        } else if (!check_result_against_ref(&b, &g, &r, bf, o.align, "random")) {
            bad++;
        }
        o.peak_only = 1;
        if (dp_sched_plan(&g, &o, &rx) != DP_OK || rx.peak_exact != bf ||
            !check_result_against_ref(&b, &g, &rx, bf, o.align, "random/peak_only")) {
            printf("random %d: peak_only peak %lld, brute force %lld\n", it,
                   (long long)rx.peak_exact, (long long)bf);
            bad++;
        }
        if (r.n_segments_dp > 0) dp_used++;
        for (i = 0; i < r.n_order; i++) if (r.step_inplace[i] >= 0) { n_ip++; break; }
        if (r.peak_definition_order > r.peak_exact) n_def_worse++;
        /* definition order and imprecise, by the reference */
        for (i = 0; i < b.n; i++) if (!b.is_input[i]) order[m++] = i;
        defp = ref_peak(&b, order, m);
        for (i = 0; i < b.n; i++) {
            int64_t s = b.size[i];
            if (b.is_input[i]) continue;
            for (j = 0; j < b.nin[i]; j++) {
                int k, dup = 0;
                for (k = 0; k < j; k++) dup |= b.in[i][k] == b.in[i][j];
                if (!dup) s += b.size[b.in[i][j]];
            }
            if (s > imp) imp = s;
        }
        if (r.peak_definition_order != defp || r.peak_imprecise != imp ||
            r.lower_bound > bf || r.peak_greedy < bf) {
            printf("random %d: def %lld/%lld imprecise %lld/%lld lb %lld greedy %lld bf %lld\n", it,
                   (long long)r.peak_definition_order, (long long)defp,
                   (long long)r.peak_imprecise, (long long)imp, (long long)r.lower_bound,
                   (long long)r.peak_greedy, (long long)bf);
            bad++;
        }
        /* arena for the definition order too */
        {
            int64_t off[TB_MAXN], asz = 0, dpk, sws[TB_MAXN];
            int sip[TB_MAXN];
            if (dp_sched_eval(&g, order, m, &dpk, sws, sip) != DP_OK || dpk != defp ||
                dp_sched_arena_plan(&g, order, m, 0, off, &asz) != DP_OK || asz < defp ||
                dp_sched_arena_check(&g, order, m, off, asz, 1, NULL, 0) != DP_OK ||
                !ref_arena_ok(&b, order, m, off, asz, sip)) {
                printf("random %d: definition-order arena failed\n", it);
                bad++;
            }
            if (asz > defp) arena_gt_def++;
        }
        if (o.align == 0 && r.arena_size > r.peak_order) arena_gt++;
        dp_sched_result_free(&r);
        dp_sched_result_free(&rx);
        dp_sched_graph_free(&g);
    }
    CHECK(bad == 0, "%d of %d random DAGs (adds: %d) disagree", bad, count, with_adds);
    if (with_adds) CHECK(n_ip > count / 5, "in-place steps in only %d graphs", n_ip);
    CHECK(n_def_worse > count / 20, "definition order suboptimal in only %d", n_def_worse);
    printf("random DAGs (adds %d): %d with an in-place step, %d where the listed order is "
           "worse than the optimum\n", with_adds, n_ip, n_def_worse);
    printf("random DAGs (adds %d): %d graphs, %ld topological orders enumerated, "
           "DP used on %d, arena > peak at align 1: %d of the optimal orders (2/3 of runs), %d of the definition orders\n",
           with_adds, count, total_orders, dp_used, arena_gt, arena_gt_def);
}

/* Default mode keeps every segment optimal, not just the peak: a random DAG
   R followed by a huge op H that reads all of R's sinks.  H's step is the
   peak; the steps before it must reach exactly R's own optimum (brute
   force) by default, and may not with peak_only. */
static void test_segments_optimal(int count)
{
    int it, bad = 0, worse = 0;
    for (it = 0; it < count; it++) {
        tb b;
        dp_sched_graph g;
        dp_sched_result r, rp;
        dp_sched_opts o;
        int ins[TB_MAXE], k = 0, v, s;
        int64_t bf, pre = 0, pre_p = 0;
        do random_dag(&b, 9, 1); while (n_ops(&b) < 4);
        bf = brute(&b);
        for (v = 0; v < b.n && k < TB_MAXE; v++)
            if (!b.is_input[v] && n_readers(&b, v) == 0) ins[k++] = v;
        if (k == TB_MAXE) continue;
        tb_op(&b, 100000, 0, k, ins);
        tb_graph(&b, &g);
        memset(&o, 0, sizeof o);
        if (dp_sched_plan(&g, &o, &r) != DP_OK) { bad++; dp_sched_graph_free(&g); continue; }
        o.peak_only = 1;
        if (dp_sched_plan(&g, &o, &rp) != DP_OK) bad++;
        for (s = 0; s + 1 < r.n_order; s++) if (r.step_ws[s] > pre) pre = r.step_ws[s];
        for (s = 0; s + 1 < rp.n_order; s++) if (rp.step_ws[s] > pre_p) pre_p = rp.step_ws[s];
        if (pre != bf || pre_p < bf || rp.peak_exact != r.peak_exact) {
            printf("segments %d: before H %lld (peak_only %lld), optimum %lld\n", it,
                   (long long)pre, (long long)pre_p, (long long)bf);
            bad++;
        }
        worse += pre_p > bf;
        dp_sched_result_free(&r);
        dp_sched_result_free(&rp);
        dp_sched_graph_free(&g);
    }
    CHECK(bad == 0, "%d of %d: a segment is not optimal by default", bad, count);
    CHECK(worse > 0, "peak_only never kept a worse segment (test is not discriminating)");
    printf("segment optimality: %d graphs; peak_only left the non-bottleneck part above its "
           "optimum in %d\n", count, worse);
}

/* A segment wider than 64 ops (multi-word bitsets): 3 branches of 22 ops
   listed interleaved, joined at the end.  Reference: an independent DP over
   the branch progress tuples (i0, i1, i2), working sets by ref_ws. */
#define WB 22
static int64_t wf[WB + 1][WB + 1][WB + 1];
static void test_wide_segment(void)
{
    tb b;
    dp_sched_result r;
    dp_sched_graph g;
    dp_sched_opts o;
    int x, br[3][WB], i, j, i0, i1, i2, ends[3];
    int64_t ref;
    b.n = 0;
    x = tb_input(&b, 10);
    for (j = 0; j < WB; j++)
        for (i = 0; i < 3; i++)
            br[i][j] = tb_op1(&b, (i * 7 + j * 5) % 9 + 1 + (j == WB - 1 ? 0 : 3),
                              j == 0 ? x : br[i][j - 1]);
    for (i = 0; i < 3; i++) ends[i] = br[i][WB - 1];
    tb_op(&b, 2, 1, 3, ends);
    for (i0 = 0; i0 <= WB; i0++)
        for (i1 = 0; i1 <= WB; i1++)
            for (i2 = 0; i2 <= WB; i2++) wf[i0][i1][i2] = -1;
    wf[0][0][0] = 0;
    for (i0 = 0; i0 <= WB; i0++)
        for (i1 = 0; i1 <= WB; i1++)
            for (i2 = 0; i2 <= WB; i2++) {
                unsigned char done[TB_MAXN];
                int pr[3], t;
                if (wf[i0][i1][i2] < 0) continue;
                pr[0] = i0; pr[1] = i1; pr[2] = i2;
                memset(done, 0, sizeof done);
                done[x] = 1;
                for (i = 0; i < 3; i++) for (j = 0; j < pr[i]; j++) done[br[i][j]] = 1;
                for (t = 0; t < 3; t++) {
                    int64_t ws, f;
                    int n0 = i0 + (t == 0), n1 = i1 + (t == 1), n2 = i2 + (t == 2);
                    if (pr[t] == WB) continue;
                    ws = ref_ws(&b, done, br[t][pr[t]], NULL, NULL, NULL);
                    f = ws > wf[i0][i1][i2] ? ws : wf[i0][i1][i2];
                    if (wf[n0][n1][n2] < 0 || f < wf[n0][n1][n2]) wf[n0][n1][n2] = f;
                }
            }
    {
        unsigned char done[TB_MAXN];
        int64_t ws;
        memset(done, 1, sizeof done);
        done[b.n - 1] = 0;
        ws = ref_ws(&b, done, b.n - 1, NULL, NULL, NULL);
        ref = wf[WB][WB][WB] > ws ? wf[WB][WB][WB] : ws;
    }
    tb_graph(&b, &g);
    memset(&o, 0, sizeof o);
    CHECK(dp_sched_plan(&g, &o, &r) == DP_OK && r.peak_exact == ref && r.n_segments == 2 &&
              r.n_segments_dp == 1 && check_result_against_ref(&b, &g, &r, ref, 0, "wide"),
          "wide segment: %lld vs reference %lld (%d segments, %lld states)",
          (long long)r.peak_exact, (long long)ref, r.n_segments, r.states);
    dp_sched_result_free(&r);
    o.peak_only = 1;
    CHECK(dp_sched_plan(&g, &o, &r) == DP_OK && r.peak_exact == ref, "wide, peak_only: %lld",
          (long long)r.peak_exact);
    printf("wide segment (66 ops): PMU %lld, listed order %lld, %lld DP states\n",
           (long long)r.peak_exact, (long long)r.peak_definition_order, r.states);
    dp_sched_result_free(&r);
    dp_sched_graph_free(&g);
}

/* ---------------------------------------------------------- hand cases */

static int64_t plan_peak(const tb *b, dp_sched_result *r, int peak_only)
{
    dp_sched_graph g;
    dp_sched_opts o;
    int64_t pk;
    memset(&o, 0, sizeof o);
    o.peak_only = peak_only;
    memset(r, 0, sizeof *r);
    if (!tb_graph(b, &g)) return -2;
    if (dp_sched_plan(&g, &o, r) != DP_OK) pk = -3;
    else if (!check_result_against_ref(b, &g, r, r->peak_exact, 0, "hand")) pk = -4;
    else pk = r->peak_exact;
    dp_sched_graph_free(&g);
    return pk;
}

static void test_inplace_hand(void)
{
    tb b;
    dp_sched_result r;
    int x, c1, c2, a, y, ins[3];

    /* Residual block: x(100) -> c1(50) -> c2(100); a = add(c2, x); y = op(a) 10.
       x is a graph input, so a may not write into x; it writes into c2 (same
       size 100, a is c2's last reader).
         c1: live {x} + c1      = 100 + 50        = 150
         c2: live {x, c1} + c2  = 100 + 50 + 100  = 250
         a : live {x, c2}, in place into c2       = 200
         y : live {a} + y       = 100 + 10        = 110    -> PMU 250 */
    b.n = 0;
    x = tb_input(&b, 100);
    c1 = tb_op1(&b, 50, x);
    c2 = tb_op1(&b, 100, c1);
    a = tb_add2(&b, 100, c2, x);
    y = tb_op1(&b, 10, a);
    CHECK(plan_peak(&b, &r, 1) == 250, "residual block PMU %lld", (long long)r.peak_exact);
    CHECK(r.n_order == 4 && r.step_inplace[2] == c2 && r.step_ws[2] == 200 && r.step_ws[3] == 110,
          "in-place step: into %d ws %lld", r.step_inplace[2], (long long)r.step_ws[2]);
    CHECK(r.bottleneck_step == 1 && r.n_bottleneck == 3, "bottleneck step %d n %d",
          r.bottleneck_step, r.n_bottleneck);
    CHECK(r.offset[a] == r.offset[c2], "add output shares c2's offset");
    CHECK(r.arena_size == 250, "arena %lld", (long long)r.arena_size);
    CHECK(r.peak_imprecise == 300, "imprecise = add: 100 + 100 + 100 = %lld",
          (long long)r.peak_imprecise);
    dp_sched_result_free(&r);
    (void)y;

    /* The same with x produced by an op s (so x is no graph input):
       in(10) -> s(100) -> c1(50) -> c2(100); a = add(x=s, c2)
         s : in + s                   = 10 + 100       = 110
         c1: {s} + c1 (in is dead)    = 100 + 50       = 150
         c2: {s, c1} + c2             = 100 + 50 + 100 = 250
         a : {s, c2}, in place into s = 200 (first eligible summand: s)
       PMU 250; with a NOT flagged in place, a's step would be 300. */
    b.n = 0;
    x = tb_input(&b, 10);
    {
        int s = tb_op1(&b, 100, x);
        c1 = tb_op1(&b, 50, s);
        c2 = tb_op1(&b, 100, c1);
        a = tb_add2(&b, 100, s, c2);
        CHECK(plan_peak(&b, &r, 0) == 250 && r.step_inplace[3] == s && r.step_ws[3] == 200,
              "in place into first summand: %lld into %d", (long long)r.peak_exact,
              r.step_inplace[3]);
        CHECK(r.offset[a] == r.offset[s], "offset shared with s");
        dp_sched_result_free(&r);
        b.add[a] = 0;
        CHECK(plan_peak(&b, &r, 0) == 300 && r.step_inplace[3] == -1,
              "without in place: %lld", (long long)r.peak_exact);
        dp_sched_result_free(&r);
    }

    /* 3-input add, summands of different sizes: p(40), q(60), w(60) from in(5);
       a = add(p, q, w) of 60.  p's size differs, q qualifies (first).
       Best order: p, q, w, a.
         p: 5 + 40 = 45; q: 5 + 40 + 60 = 105; w: in is read by w last:
         {in, p, q} + w = 5+40+60+60 = 165; a: {p, q, w} in place = 160.
       Any order of p, q, w ends with all three plus in plus the last: 165. */
    b.n = 0;
    x = tb_input(&b, 5);
    {
        int p = tb_op1(&b, 40, x), q = tb_op1(&b, 60, x), w = tb_op1(&b, 60, x);
        ins[0] = p; ins[1] = q; ins[2] = w;
        a = tb_op(&b, 60, 1, 3, ins);
        CHECK(plan_peak(&b, &r, 0) == 165 && r.step_inplace[3] == q && r.step_ws[3] == 160,
              "3-input add: %lld, in place into %d", (long long)r.peak_exact, r.step_inplace[3]);
        dp_sched_result_free(&r);
    }

    /* Add whose summand is still read later: u(30) feeds add and z.
       in(1) -> u(30); v = op(u) 30; a = add(u, v) 30; z = op(u, a) 7.
       Order u, v, a, z: a is not u's last reader (z reads u), so a writes
       into v:  u: 1+30 = 31; v: 30+30 = 60; a: {u, v} in place = 60;
       z: {u, a} + 7 = 67.  PMU 67. */
    b.n = 0;
    x = tb_input(&b, 1);
    {
        int u = tb_op1(&b, 30, x), v = tb_op1(&b, 30, u);
        a = tb_add2(&b, 30, u, v);
        ins[0] = u; ins[1] = a;
        tb_op(&b, 7, 0, 2, ins);
        CHECK(plan_peak(&b, &r, 0) == 67 && r.step_inplace[2] == v,
              "summand read later: %lld into %d", (long long)r.peak_exact, r.step_inplace[2]);
        dp_sched_result_free(&r);
    }
}

static void test_two_branch(void)
{
    tb b;
    dp_sched_result r;
    int x, a1, a2, b1, b2, j;
    /* x(10) feeds two branches that shrink a lot; the join reads both ends.
         branch A: a1 = 100, a2 = 5        branch B: b1 = 100, b2 = 5
         j = op(a2, b2) of 10
       Listed order a1, b1, a2, b2, j (interleaved):
         a1: 10+100 = 110; b1: {x, a1} + 100 = 210 (x dies after b1);
         a2: {a1, b1} + 5 = 205; b2: {b1, a2} + 5 = 110; j: 5+5+10 = 20
       peak 210.  Best: a1, a2, b1, b2, j:
         a1: 110; a2: {x, a1} + 5 = 115; b1: {x, a2} + 100 = 115;
         b2: {a2, b1} + 5 = 110; j: 5 + 5 + 10 = 20  -> PMU 115. */
    b.n = 0;
    x = tb_input(&b, 10);
    a1 = tb_op1(&b, 100, x);
    b1 = tb_op1(&b, 100, x);
    a2 = tb_op1(&b, 5, a1);
    b2 = tb_op1(&b, 5, b1);
    {
        int ins[2];
        ins[0] = a2; ins[1] = b2;
        j = tb_op(&b, 10, 0, 2, ins);
    }
    CHECK(plan_peak(&b, &r, 1) == 115, "two-branch PMU %lld", (long long)r.peak_exact);
    CHECK(r.peak_definition_order == 210, "definition order %lld",
          (long long)r.peak_definition_order);
    CHECK(r.peak_imprecise == 110, "imprecise %lld (under-approximates)",
          (long long)r.peak_imprecise);
    CHECK(r.order[4] == j && ((r.order[0] == a1 && r.order[1] == a2) ||
                              (r.order[0] == b1 && r.order[1] == b2)),
          "finishes one branch first");
    dp_sched_result_free(&r);
}

/* ---------------------------------------------------------- real CNNs */

typedef struct big {
    dp_sched_graph g;
    int n, e, cap;
} big;
static int big_add(big *B, int64_t size, int inplace, int k, const int *ins)
{
    int i;
    B->g.size[B->n] = size;
    B->g.is_input[B->n] = (unsigned char)(k == 0);
    B->g.can_inplace[B->n] = (unsigned char)inplace;
    for (i = 0; i < k; i++) B->g.in_idx[B->e++] = ins[i];
    B->g.in_start[B->n + 1] = B->e;
    return B->n++;
}
static int big_op(big *B, int64_t size, int x) { return big_add(B, size, 0, 1, &x); }

/* MobileNet-v2 (CIFAR-repo style, see shared/notes/paper-backbones.md) at res x res.
   Conv+BN+ReLU fused; stride-1 blocks add their input, through a 1x1 conv
   when channels change. */
static void mobilenetv2(big *B, int res)
{
    static const int t_[] = { 1, 6, 6, 6, 6, 6, 6 }, c_[] = { 16, 24, 32, 64, 96, 160, 320 },
                     n_[] = { 1, 2, 3, 4, 3, 3, 1 }, s_[] = { 1, 2, 2, 2, 1, 2, 1 };
    int h = res, x, st, i, cin = 32;
    dp_sched_graph_init(&B->g, 200, 400);
    B->n = B->e = 0;
    x = big_add(B, (int64_t)res * res * 3, 0, 0, NULL);
    h = (h + 1) / 2;
    x = big_op(B, (int64_t)h * h * 32, x); /* stem stride 2 */
    for (st = 0; st < 7; st++) {
        for (i = 0; i < n_[st]; i++) {
            int stride = i == 0 ? s_[st] : 1, ho = (h + stride - 1) / stride, cexp = cin * t_[st];
            int e1 = big_op(B, (int64_t)h * h * cexp, x);
            int d = big_op(B, (int64_t)ho * ho * cexp, e1);
            int pr = big_op(B, (int64_t)ho * ho * c_[st], d);
            if (stride == 1) {
                int sc = cin == c_[st] ? x : big_op(B, (int64_t)h * h * c_[st], x), ins[2];
                ins[0] = pr; ins[1] = sc;
                pr = big_add(B, (int64_t)ho * ho * c_[st], 1, 2, ins);
            }
            x = pr;
            h = ho;
            cin = c_[st];
        }
    }
    x = big_op(B, (int64_t)h * h * 1280, x);
    x = big_op(B, 1280, x);
    big_op(B, 2, x);
    B->g.n = B->n;
}

static void test_real(void)
{
    big B;
    dp_sched_result r;
    int res[2] = { 50, 160 }, i;
    int64_t expect[2] = { 76224, 768000 }; /* Table 3, reproduced in paper-backbones.md */
    for (i = 0; i < 2; i++) {
        char err[200];
        mobilenetv2(&B, res[i]);
        CHECK(dp_sched_plan(&B.g, NULL, &r) == DP_OK && r.peak_exact == expect[i],
              "MobileNet-v2 %d: PMU %lld (expected %lld)", res[i], (long long)r.peak_exact,
              (long long)expect[i]);
        CHECK(r.arena_size == r.peak_exact, "MobileNet-v2 arena %lld", (long long)r.arena_size);
        CHECK(dp_sched_arena_check(&B.g, r.order, r.n_order, r.offset, r.arena_size, 1, err,
                                   sizeof err) == DP_OK, "arena check: %s", err);
        CHECK(r.n_segments > 20, "segments %d", r.n_segments);
        dp_sched_result_free(&r);
        dp_sched_graph_free(&B.g);
    }
    /* RES-15: conv 1->45 on 49x10, 13 convs 45->45, residual add after every
       2nd.  At a conv inside a block: residual point + conv input + output =
       3 x 22050 = 66150 (Table 3: 66.1 KB). */
    {
        int x, rp, k, ins[2];
        dp_sched_graph_init(&B.g, 40, 60);
        B.n = B.e = 0;
        x = big_add(&B, 490, 0, 0, NULL);
        rp = x = big_op(&B, 22050, x);
        for (k = 1; k <= 13; k++) {
            x = big_op(&B, 22050, x);
            if (k % 2 == 0) {
                ins[0] = x; ins[1] = rp;
                rp = x = big_add(&B, 22050, 1, 2, ins);
            }
        }
        x = big_op(&B, 45, x);
        big_op(&B, 12, x);
        B.g.n = B.n;
        CHECK(dp_sched_plan(&B.g, NULL, &r) == DP_OK && r.peak_exact == 66150,
              "RES-15 PMU %lld", (long long)r.peak_exact);
        dp_sched_result_free(&r);
        dp_sched_graph_free(&B.g);
    }
    /* 1000-op chain: PMU = max over i of s_i + s_(i+1); 1000 one-op segments */
    {
        int x, k;
        int64_t expect = 0, prev;
        dp_sched_graph_init(&B.g, 1001, 1000);
        B.n = B.e = 0;
        prev = 64;
        x = big_add(&B, prev, 0, 0, NULL);
        for (k = 0; k < 1000; k++) {
            int64_t s = 16 + (k * 37) % 101;
            if (prev + s > expect) expect = prev + s;
            x = big_op(&B, s, x);
            prev = s;
        }
        B.g.n = B.n;
        CHECK(dp_sched_plan(&B.g, NULL, &r) == DP_OK && r.peak_exact == expect &&
                  r.n_segments == 1000 && r.n_segments_dp == 0 && r.arena_size == expect,
              "chain: %lld vs %lld, %d segments, arena %lld", (long long)r.peak_exact,
              (long long)expect, r.n_segments, (long long)r.arena_size);
        dp_sched_result_free(&r);
        dp_sched_graph_free(&B.g);
    }
}

/* ----------------------------------------------------- limit / fallback */

static void test_limit(void)
{
    tb b;
    dp_sched_graph g;
    dp_sched_opts o;
    dp_sched_result r;
    int x, i, j, prev[4];
    int64_t exact;
    /* 4 parallel branches of 3 ops with varied sizes, joined */
    b.n = 0;
    x = tb_input(&b, 7);
    for (i = 0; i < 4; i++) {
        prev[i] = x;
        for (j = 0; j < 3; j++) prev[i] = tb_op1(&b, 10 + ((i * 7 + j * 13) % 23) * 3, prev[i]);
    }
    tb_op(&b, 9, 0, 4, prev);
    exact = brute(&b);
    tb_graph(&b, &g);
    memset(&o, 0, sizeof o);
    o.peak_only = 0;
    CHECK(dp_sched_plan(&g, &o, &r) == DP_OK && r.peak_exact == exact && r.states > 5,
          "4 branches: %lld vs %lld, %lld states", (long long)r.peak_exact, (long long)exact,
          r.states);
    dp_sched_result_free(&r);
    o.max_states = 5;
    CHECK(dp_sched_plan(&g, &o, &r) == DP_ERR_LIMIT, "limit reached");
    CHECK(!r.exact && r.peak_exact == -1 && r.order && r.n_order == 13, "fallback filled");
    CHECK(ref_peak(&b, r.order, r.n_order) == r.peak_order && r.peak_order >= exact &&
              r.peak_order <= r.peak_greedy && r.peak_order <= r.peak_definition_order,
          "fallback order valid, peak %lld (greedy %lld, def %lld)", (long long)r.peak_order,
          (long long)r.peak_greedy, (long long)r.peak_definition_order);
    CHECK(dp_sched_arena_check(&g, r.order, r.n_order, r.offset, r.arena_size, 0, NULL, 0) ==
              DP_OK && strstr(r.error, "limit") != NULL,
          "fallback arena ok, message '%s'", r.error);
    dp_sched_result_free(&r);
    dp_sched_graph_free(&g);
}

/* ------------------------------------------------------------- parser */

static dp_status parse(const char *txt, char *err, size_t cap, dp_sched_graph *g)
{
    return dp_sched_parse_text(txt, strlen(txt), g, err, cap);
}

static void expect_err(const char *txt, const char *msg)
{
    dp_sched_graph g;
    char err[256];
    dp_status st = parse(txt, err, sizeof err, &g);
    CHECK(st == DP_ERR_FORMAT && strcmp(err, msg) == 0, "for %s\n  got %d '%s'\n  want '%s'",
          txt, (int)st, err, msg);
    CHECK(g.n == 0 && g.size == NULL, "graph zeroed after error");
}

static void test_parser(void)
{
    dp_sched_graph g;
    dp_sched_result r;
    char err[256];
    const char *ok =
        "# two branches\n"
        "input x 10   # image\n"
        "\n"
        "op a1 100 x\r\n"
        "\top b1\t100\tx\n"
        "op a2 5 a1\n"
        "op b2 5 b1\n"
        "add j 5 a2 b2 # joins\n";
    CHECK(parse(ok, err, sizeof err, &g) == DP_OK && g.n == 6, "parse ok: %s", err);
    CHECK(g.size[1] == 100 && g.is_input[0] && !g.is_input[1] && g.can_inplace[5] &&
              !g.can_inplace[4] && g.in_start[6] == 6 && g.in_idx[4] == 3 && g.in_idx[5] == 4 &&
              strcmp(g.name[5], "j") == 0,
          "parsed fields");
    CHECK(dp_sched_plan(&g, NULL, &r) == DP_OK && r.peak_exact == 115 && r.step_inplace[4] >= 0,
          "parsed graph PMU %lld", (long long)r.peak_exact);
    {
        FILE *f = tmpfile();
        char buf[512];
        size_t k = 0;
        if (f) {
            dp_sched_print_report(f, &g, &r);
            rewind(f);
            k = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
        }
        buf[k] = '\0';
        CHECK(strcmp(buf, "peak_exact: 115\npeak_file_order: 210\npeak_imprecise: 110\n"
                          "order: a1 a2 b1 b2 j\narena: 115\n") == 0,
              "report:\n%s", buf);
    }
    dp_sched_result_free(&r);
    dp_sched_graph_free(&g);

    CHECK(dp_sched_parse_text("input x 3\nop y 4 x", 18, &g, err, sizeof err) == DP_OK && g.n == 2,
          "no final newline");
    dp_sched_graph_free(&g);
    CHECK(dp_sched_parse_text("input x 3\nop y 4 x\nGARBAGE", 19, &g, err, sizeof err) == DP_OK,
          "len respected");
    dp_sched_graph_free(&g);

    expect_err("input x 10\nconv y 5 x\n", "line 2: unknown keyword 'conv' (expected input, op or add)");
    expect_err("input x 10\nop\n", "line 2: missing name after 'op'");
    expect_err("input x 10\nop y\n", "line 2: missing size of 'y'");
    expect_err("input x 10\nop y 5\n", "line 2: op 'y' has no inputs");
    expect_err("input x 10\nadd y 5 x\n", "line 2: add 'y' needs at least 2 inputs");
    expect_err("input x 10 x\nop y 5 x\n", "line 1: input 'x' takes no inputs");
    expect_err("input x 0\n", "line 1: size of 'x' must be positive");
    expect_err("input x -4\n", "line 1: size '-4' of 'x' must be positive");
    expect_err("input x 12k\n", "line 1: size '12k' of 'x' is not a number");
    expect_err("input x 1e3\n", "line 1: size '1e3' of 'x' is not a number");
    expect_err("input x 99999999999999999999999\n",
               "line 1: size '99999999999999999999999' of 'x' is too large (max 2^40)");
    expect_err("input x 1099511627777\n", "line 1: size '1099511627777' of 'x' is too large (max 2^40)");
    expect_err("input x 1\ninput x 2\nop y 1 x\n", "line 2: duplicate name 'x' (first defined on line 1)");
    expect_err("input x 1\nop y 1 z\n", "line 2: unknown name 'z'");
    expect_err("input x 1\nop y 1 x w\nop w 1 y\n",
               "line 2: 'w' is used before its definition on line 3 (cycle or forward reference)");
    expect_err("input x 1\nop y 1 y\n",
               "line 2: 'y' is used before its definition on line 2 (cycle or forward reference)");
    expect_err("input x 1\nop a 1 x b\nop b 1 a\n",
               "line 2: 'b' is used before its definition on line 3 (cycle or forward reference)");
    expect_err("input aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1\n",
               "line 1: name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' too long (max 63 bytes)");
    expect_err("input x 1\nop y\x01 1 x\n", "line 2: invalid character (byte 0x01)");
    expect_err("# nothing\n\n", "line 1: no op defined (a graph needs at least one op)");
    expect_err("input x 1\ninput z 2 # no ops\n", "line 2: no op defined (a graph needs at least one op)");
    expect_err("", "line 1: no op defined (a graph needs at least one op)");
    /* the earliest error wins: reference error on line 2 before syntax error on line 3 */
    expect_err("input x 1\nop y 1 q\nop z\n", "line 2: unknown name 'q'");
    expect_err("input x 1\nop z\nop y 1 q\n", "line 2: missing size of 'z'");
    {   /* embedded NUL */
        static const char t[] = "input x 1\nop y 1 x\0\n";
        CHECK(dp_sched_parse_text(t, sizeof t - 1, &g, err, sizeof err) == DP_ERR_FORMAT &&
                  strcmp(err, "line 2: invalid character (byte 0x00)") == 0,
              "NUL: %s", err);
    }
    {   /* too many nodes */
        size_t cap = (size_t)(DP_SCHED_MAX_NODES + 2) * 24, k = 0;
        char *t = (char *)malloc(cap), want[80];
        int i;
        k += (size_t)sprintf(t + k, "input n0 1\n");
        for (i = 1; i <= DP_SCHED_MAX_NODES; i++) k += (size_t)sprintf(t + k, "op n%d 1 n%d\n", i, i - 1);
        sprintf(want, "line %d: too many nodes (limit %d)", DP_SCHED_MAX_NODES + 1, DP_SCHED_MAX_NODES);
        CHECK(dp_sched_parse_text(t, k, &g, err, sizeof err) == DP_ERR_FORMAT && strcmp(err, want) == 0,
              "too many: %s", err);
        /* exactly the limit is fine */
        k = 0;
        k += (size_t)sprintf(t + k, "input n0 1\n");
        for (i = 1; i < DP_SCHED_MAX_NODES; i++) k += (size_t)sprintf(t + k, "op n%d 1 n%d\n", i, i - 1);
        CHECK(dp_sched_parse_text(t, k, &g, err, sizeof err) == DP_OK && g.n == DP_SCHED_MAX_NODES,
              "at the limit: %s", err);
        dp_sched_graph_free(&g);
        free(t);
    }
    CHECK(dp_sched_parse_text(NULL, 3, &g, err, sizeof err) == DP_ERR_ARG, "NULL text");
    CHECK(parse("input x 1\nop y 1 x\n", NULL, 0, &g) == DP_OK, "err may be NULL");
    dp_sched_graph_free(&g);
    CHECK(parse("input x 1\nop y 1 q\n", err, 8, &g) == DP_ERR_FORMAT && strlen(err) == 7,
          "message truncated to fit");
}

/* random near-valid files must never crash the parser or the planner (run
   this under sanitizers); about half of them parse */
static void test_parser_fuzz(void)
{
    static const char *kw[] = { "op", "add", "input", "conv", "" };
    static const char *sz[] = { "1", "7", "12", "300", "0", "-3", "9x", "99999999999999" };
    static const char *junk[] = { " ", "\t", "#c", "\r", "\x01", "  ", "" };
    int it, okc = 0;
    for (it = 0; it < 3000; it++) {
        char buf[800];
        size_t k = 0;
        int nl = 1 + rndn(14), i, j;
        dp_sched_graph g;
        char err[64];
        k += (size_t)sprintf(buf + k, "input n0 %s\n", sz[rndn(4)]);
        for (i = 1; i < nl; i++) {
            int bad = rndn(40) == 0, nin = 1 + rndn(3);
            int kind = bad ? rndn(5) : rndn(2);
            k += (size_t)sprintf(buf + k, "%s n%d %s", kw[kind], bad && rndn(2) ? rndn(nl) : i,
                                 sz[bad ? rndn(8) : rndn(4)]);
            if (kind == 1 && nin < 2) nin = 2;
            for (j = 0; j < nin; j++)
                k += (size_t)sprintf(buf + k, " n%d", bad ? rndn(nl + 1) : rndn(i));
            k += (size_t)sprintf(buf + k, "%s\n", rndn(30) == 0 ? junk[rndn(7)] : "");
        }
        if (dp_sched_parse_text(buf, k, &g, err, sizeof err) == DP_OK) {
            dp_sched_result r;
            okc++;
            CHECK(dp_sched_plan(&g, NULL, &r) == DP_OK &&
                      dp_sched_arena_check(&g, r.order, r.n_order, r.offset, r.arena_size, 0,
                                           NULL, 0) == DP_OK,
                  "fuzz plan/arena");
            dp_sched_result_free(&r);
            dp_sched_graph_free(&g);
        } else {
            CHECK(strncmp(err, "line ", 5) == 0, "fuzz message '%s'", err);
        }
    }
    printf("parser fuzz: 3000 files, %d parsed\n", okc);
}

/* ---------------------------------------------------- API edge cases */

static void test_api(void)
{
    tb b;
    dp_sched_graph g;
    dp_sched_result r;
    dp_sched_opts o;
    char err[200];
    int x, y, z, order[2];
    int64_t pk, off[3], asz;
    b.n = 0;
    x = tb_input(&b, 8);
    y = tb_op1(&b, 4, x);
    z = tb_op1(&b, 6, x);
    tb_graph(&b, &g);
    /* eval: valid / invalid orders */
    order[0] = z; order[1] = y;
    CHECK(dp_sched_eval(&g, order, 2, &pk, NULL, NULL) == DP_OK && pk == 8 + 6 + 4,
          "eval %lld", (long long)pk); /* y, z both graph outputs */
    order[0] = y; order[1] = y;
    CHECK(dp_sched_eval(&g, order, 2, &pk, NULL, NULL) == DP_ERR_ARG, "repeated op");
    order[0] = x; order[1] = y;
    CHECK(dp_sched_eval(&g, order, 2, &pk, NULL, NULL) == DP_ERR_ARG, "input in order");
    CHECK(dp_sched_eval(&g, order, 1, &pk, NULL, NULL) == DP_ERR_ARG, "short order");
    /* arena checker catches overlaps, outside, misalignment; accepts a valid plan */
    order[0] = y; order[1] = z;
    CHECK(dp_sched_arena_plan(&g, order, 2, 0, off, &asz) == DP_OK && asz == 18, "arena %lld",
          (long long)asz);
    CHECK(dp_sched_arena_check(&g, order, 2, off, asz, 0, err, sizeof err) == DP_OK, "%s", err);
    off[0] = 0; off[1] = 8; off[2] = 11;
    CHECK(dp_sched_arena_check(&g, order, 2, off, 18, 0, err, sizeof err) == DP_ERR_FORMAT &&
              strstr(err, "overlap") != NULL,
          "overlap: %s", err);
    off[2] = 12;
    CHECK(dp_sched_arena_check(&g, order, 2, off, 17, 0, err, sizeof err) == DP_ERR_FORMAT &&
              strstr(err, "outside") != NULL,
          "outside: %s", err);
    CHECK(dp_sched_arena_check(&g, order, 2, off, 18, 0, err, sizeof err) == DP_OK, "%s", err);
    CHECK(dp_sched_arena_check(&g, order, 2, off, 18, 16, err, sizeof err) == DP_ERR_FORMAT,
          "alignment");
    CHECK(dp_sched_arena_plan(&g, order, 2, 16, off, &asz) == DP_OK && off[0] % 16 == 0 &&
              off[1] % 16 == 0 && off[2] % 16 == 0 &&
              dp_sched_arena_check(&g, order, 2, off, asz, 16, NULL, 0) == DP_OK,
          "aligned arena");
    CHECK(dp_sched_arena_plan(&g, order, 2, 3, off, &asz) == DP_ERR_ARG, "align 3");
    memset(&o, 0, sizeof o);
    o.align = 6;
    CHECK(dp_sched_plan(&g, &o, &r) == DP_ERR_ARG && r.order == NULL && r.error[0], "bad opts");
    dp_sched_result_free(&r);
    /* skip_arena: no offsets; peak_only gives the same PMU */
    memset(&o, 0, sizeof o);
    o.skip_arena = 1;
    o.peak_only = 1;
    CHECK(dp_sched_plan(&g, &o, &r) == DP_OK && r.offset == NULL && r.arena_size == 0 &&
              r.peak_exact == 18 && r.n_bottleneck == 3,
          "skip_arena: %lld", (long long)r.peak_exact);
    dp_sched_result_free(&r);
    /* graph validation */
    g.in_idx[0] = 2;
    CHECK(dp_sched_plan(&g, NULL, &r) == DP_ERR_ARG && strstr(r.error, "not listed before") != NULL,
          "forward edge: %s", r.error);
    dp_sched_result_free(&r);
    g.in_idx[0] = 0;
    g.size[1] = 0;
    CHECK(dp_sched_graph_check(&g, err, sizeof err) == DP_ERR_ARG, "size 0");
    g.size[1] = 4;
    g.is_input[1] = 1;
    CHECK(dp_sched_graph_check(&g, err, sizeof err) == DP_ERR_ARG, "input with inputs");
    g.is_input[1] = 0;
    CHECK(dp_sched_plan(NULL, NULL, &r) == DP_ERR_ARG, "NULL graph");
    dp_sched_result_free(&r);
    CHECK(dp_sched_plan(&g, NULL, NULL) == DP_ERR_ARG, "NULL result");
    dp_sched_graph_free(&g);
    /* a graph with inputs only and one with zero nodes */
    b.n = 0;
    tb_input(&b, 5);
    tb_input(&b, 6);
    tb_graph(&b, &g);
    CHECK(dp_sched_plan(&g, NULL, &r) == DP_OK && r.peak_exact == 11 && r.n_order == 0 &&
              r.n_bottleneck == 2 && r.arena_size == 11,
          "inputs only: %lld", (long long)r.peak_exact);
    dp_sched_result_free(&r);
    dp_sched_graph_free(&g);
    memset(&g, 0, sizeof g);
    CHECK(dp_sched_plan(&g, NULL, &r) == DP_OK && r.peak_exact == 0 && r.arena_size == 0, "empty");
    dp_sched_result_free(&r);
    dp_sched_graph_free(&g);
}

int main(void)
{
    tu_rng = 0x2545F4914F6CDD1Dull;   /* this file's stream */
    test_inplace_hand();
    test_two_branch();
    test_api();
    test_parser();
    test_parser_fuzz();
    test_limit();
    test_real();
    test_wide_segment();
    test_segments_optimal(300);
    test_random(1000, 0);
    test_random(1500, 1);
    return TEST_DONE();
}

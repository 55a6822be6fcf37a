/* examples/report.h - the figures of a pruning run, as SVG: per-layer
   resources before and after pruning (the paper's Figures 8 and 11) and
   the trajectory of PMU, size and MACs against the budgets at every width
   update. Used by `diffprune fit` (examples/diffprune.c), which `make demo` runs.
   Include after diffprune.h (with the training half) and <stdio.h>. */
#ifndef DP_EXAMPLES_REPORT_H
#define DP_EXAMPLES_REPORT_H
#include <stdio.h>
#include <stdlib.h>

#define REP_MAX_OPS 512
typedef char rep_names[REP_MAX_OPS][48];   /* op names before pruning (the graph they came from is freed) */

/* three series of bars: before (grey) and after (blue), with a dashed limit */
static void rep_svg_bars(FILE *f, int y0, const char *title, int n, const double *a, const double *b, double limit, const char *limit_label)
{
    double mx = limit > 0 ? limit : 0;
    int i, W = 22;
    for (i = 0; i < n; i++) { if (a[i] > mx) mx = a[i]; if (b[i] > mx) mx = b[i]; }
    if (mx <= 0) mx = 1;
    fprintf(f, "<text x='10' y='%d' font-size='13' font-weight='bold'>%s</text>\n", y0 - 8, title);
    fprintf(f, "<line x1='60' y1='%d' x2='%d' y2='%d' stroke='#444'/>\n", y0 + 150, 60 + n * W, y0 + 150);
    fprintf(f, "<text x='55' y='%d' font-size='10' text-anchor='end'>%.4g</text>\n", y0 + 10, mx);
    for (i = 0; i < n; i++) {
        double ha = 140 * a[i] / mx, hb = 140 * b[i] / mx;
        fprintf(f, "<rect x='%d' y='%.1f' width='9' height='%.1f' fill='#bbb'/>", 62 + i * W, y0 + 150 - ha, ha);
        fprintf(f, "<rect x='%d' y='%.1f' width='9' height='%.1f' fill='#2a6fdb'/>\n", 72 + i * W, y0 + 150 - hb, hb);
    }
    if (limit > 0)
        fprintf(f, "<line x1='60' y1='%.1f' x2='%d' y2='%.1f' stroke='#d33' stroke-dasharray='5,3'/>"
                   "<text x='%d' y='%.1f' font-size='10' fill='#d33'>%s</text>\n",
                y0 + 150 - 140 * limit / mx, 60 + n * W, y0 + 150 - 140 * limit / mx, 64 + n * W, y0 + 154 - 140 * limit / mx, limit_label);
}

/* layers.svg: rb[nb] (names[] holds their names) before, ra[na] after;
   ops are matched by the node that defines them; label names the board */
static int rep_layers_svg(const char *path, const dp_op_report *rb, int nb, const dp_op_report *ra, int na,
                          rep_names names, const char *label, double pmu_budget)
{
    FILE *f = fopen(path, "w");
    double *a, *b;
    int i, k, W = 22, width;
    if (!f) return DP_ERR_IO;
    a = (double *)calloc((size_t)nb * 3 + 1, sizeof(double));
    b = (double *)calloc((size_t)nb * 3 + 1, sizeof(double));
    if (!a || !b) { free(a); free(b); fclose(f); return DP_ERR_NOMEM; }
    width = 140 + nb * W < 720 ? 720 : 140 + nb * W;   /* room for the title */
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='760' font-family='sans-serif'>\n<rect width='100%%' height='100%%' fill='white'/>\n", width);
    fprintf(f, "<text x='10' y='20' font-size='15'>Per-layer resources before (grey) and after (blue) pruning for %s</text>\n", label);
    for (i = 0; i < nb; i++) {
        a[i] = rb[i].c; a[nb + i] = rb[i].working_set / 1024.0; a[2 * nb + i] = rb[i].macs / 1e6;
        for (k = 0; k < na; k++) if (ra[k].anchor == rb[i].anchor) { b[i] = ra[k].c; b[nb + i] = ra[k].working_set / 1024.0; b[2 * nb + i] = ra[k].macs / 1e6; }
    }
    rep_svg_bars(f, 60, "output channels", nb, a, b, 0, "");
    rep_svg_bars(f, 270, "working set while the op runs (KB); peak = PMU", nb, a + nb, b + nb, pmu_budget / 1024.0, "PMU budget");
    rep_svg_bars(f, 480, "MACs (millions)", nb, a + 2 * nb, b + 2 * nb, 0, "");
    for (i = 0; i < nb; i++)
        fprintf(f, "<text transform='translate(%d,650) rotate(60)' font-size='10'>%s</text>\n", 64 + i * W, i < REP_MAX_OPS ? names[i] : "");
    fprintf(f, "</svg>\n");
    free(a); free(b);
    return fclose(f) == 0 ? DP_OK : DP_ERR_IO;
}

/* trajectory.svg: resource / budget at every width update of p;
   budget[4] = PMU, PMU (imprecise), size, MACs (<= 0: not drawn) */
static int rep_trajectory_svg(const char *path, const dp_pruner *p, const char *label, const int64_t *budget)
{
    static const char *const col[4] = {"#d33", "#d33", "#2a6fdb", "#2a9d3a"}, *const lab[4] = {"PMU (exact)", "PMU (imprecise)", "model size", "MACs"};
    FILE *f = fopen(path, "w");
    int n = p ? dp_pruner_n_log(p) : 0, i, k;
    double mx = 1.0, smax = 1;
    long step = 0;
    int64_t v[4] = {0, 0, 0, 0};
    if (!f) return DP_ERR_IO;
    for (i = 0; i < n; i++) {
        if (dp_pruner_log_row(p, i, &step, v) != DP_OK) continue;
        if (step > smax) smax = (double)step;
        for (k = 0; k < 4; k++) if (budget[k] > 0 && (double)v[k] / budget[k] > mx) mx = (double)v[k] / budget[k];
    }
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='720' height='420' font-family='sans-serif'>\n<rect width='100%%' height='100%%' fill='white'/>\n");
    fprintf(f, "<text x='10' y='20' font-size='15'>Pruning trajectory for %s: resource / budget at each width update</text>\n", label);
    fprintf(f, "<line x1='60' y1='370' x2='680' y2='370' stroke='#444'/><line x1='60' y1='40' x2='60' y2='370' stroke='#444'/>\n");
    fprintf(f, "<line x1='60' y1='%.1f' x2='680' y2='%.1f' stroke='#000' stroke-dasharray='6,3'/><text x='8' y='%.1f' font-size='11'>budget</text>\n",
            370 - 330 / mx, 370 - 330 / mx, 374 - 330 / mx);
    fprintf(f, "<text x='55' y='48' font-size='11' text-anchor='end'>%.2fx</text><text x='680' y='390' font-size='11' text-anchor='end'>step %.0f</text>\n", mx, smax);
    if (n == 0) fprintf(f, "<text x='200' y='200' font-size='13'>no width updates (no pruning in this run)</text>\n");
    for (k = 0; k < 4; k++) {
        if (budget[k] <= 0 || n == 0) continue;
        fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2'%s points='", col[k], k == 1 ? " stroke-dasharray='4,3'" : "");
        for (i = 0; i < n; i++) {
            if (dp_pruner_log_row(p, i, &step, v) != DP_OK) continue;
            fprintf(f, "%.1f,%.1f ", 60 + 620 * step / smax, 370 - 330 * ((double)v[k] / budget[k]) / mx);
        }
        fprintf(f, "'/>\n<text x='%d' y='%d' font-size='12' fill='%s'>%s</text>\n", 480, 70 + 18 * k, col[k], lab[k]);
    }
    fprintf(f, "</svg>\n");
    return fclose(f) == 0 ? DP_OK : DP_ERR_IO;
}
#endif

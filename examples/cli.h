/* examples/cli.h - what the command-line programs share: one strict option
   parser and one int8 "export, save, load, run, argmax" path.

   Include it after diffprune.h (examples/diffprune.c, kws.c,
   train_fashion.c; mcu/gen_model_data.c and bench/bench_train.c use the
   parser only).

   >>cli_opts  options. A program lists its options in a table of cli_opt:
     CLI_SHARED("--epochs", &epochs, "[8]")    a flag every program spells,
                 types and bounds the same way (cli_shared below, defined once)
     CLI_INT("--limit", &n, 0, 1e9, "N", "training images [all]")
     CLI_FLOAT / CLI_I64 / CLI_U64 / CLI_STR / CLI_FLAG / CLI_CHOICE
   and calls cli_parse(). Numbers are read strictly: the whole string, in
   decimal, finite, inside the option's range; "--name VALUE" and
   "--name=VALUE" both work. An unknown option, a missing value or a bad one
   prints one line naming the option to stderr and makes cli_parse return 2
   (the caller exits with it, before any work); --help / -h prints the
   usage generated from the table and returns 1 (exit 0).

   >>cli_int8  the int8 path: cli_int8_export() quantises a trained graph,
   optionally writes FILE and FILE.h (a C array), and loads the model the
   way a user would (from the file when one was written);
   cli_int8_argmax_f32/_s8() run one input, cli_int8_hits() a test set;
   cli_model_load() reads and validates a .dpm file. Every dp_status is
   checked and turned into a message.

   Names are cli_ / CLI_ (these are the examples' helpers, not the
   library's). The functions are static inline so a program that uses a
   part of them compiles without unused-function warnings. */
#ifndef DP_EXAMPLES_CLI_H
#define DP_EXAMPLES_CLI_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* ---- >>cli_opts ---- */
enum {
    CLI_T_SHARED,   /* type, range and help come from cli_shared[]           */
    CLI_T_FLAG,     /* int *: set to 1                                       */
    CLI_T_INT,      /* int *                                                 */
    CLI_T_I64,      /* long long *                                           */
    CLI_T_U64,      /* unsigned long long *: 0 .. 2^64-1, no sign            */
    CLI_T_FLOAT,    /* float *                                               */
    CLI_T_STR,      /* const char **                                         */
    CLI_T_CHOICE    /* int *: index of the value in meta, "a|b|c"            */
};
/* bounds: lo <= v <= hi, or lo < v when lo_open (lengths, rates) */
typedef struct cli_opt {
    const char *name;       /* "--epochs", "-o"                            */
    int type;               /* CLI_T_*                                     */
    void *dst;
    double lo, hi;
    int lo_open;
    const char *meta;       /* value name in the help ("N"), or choices    */
    const char *help;       /* what it does                                */
    const char *dflt;       /* "[8]": the program's default, for the help  */
} cli_opt;

#define CLI_SHARED(name, dst, dflt) {name, CLI_T_SHARED, dst, 0, 0, 0, NULL, NULL, dflt}
#define CLI_FLAG(name, dst, help) {name, CLI_T_FLAG, dst, 0, 0, 0, NULL, help, NULL}
#define CLI_INT(name, dst, lo, hi, meta, help) {name, CLI_T_INT, dst, lo, hi, 0, meta, help, NULL}
#define CLI_I64(name, dst, lo, hi, meta, help) {name, CLI_T_I64, dst, lo, hi, 0, meta, help, NULL}
#define CLI_U64(name, dst, meta, help) {name, CLI_T_U64, dst, 0, 0, 0, meta, help, NULL}
#define CLI_FLOAT(name, dst, lo, hi, lo_open, meta, help) {name, CLI_T_FLOAT, dst, lo, hi, lo_open, meta, help, NULL}
#define CLI_STR(name, dst, meta, help) {name, CLI_T_STR, dst, 0, 0, 0, meta, help, NULL}
#define CLI_CHOICE(name, dst, choices, help) {name, CLI_T_CHOICE, dst, 0, 0, 0, choices, help, NULL}
#define CLI_END {NULL, 0, NULL, 0, 0, 0, NULL, NULL, NULL}

/* The flags several programs share, defined once: the same spelling, type,
   range and meaning everywhere. A program's default goes in CLI_SHARED. */
static const cli_opt cli_shared[] = {
    {"--seed",        CLI_T_U64,   NULL, 0, 0, 0, "N", "random seed: weights, data order, pruner", NULL},
    {"--epochs",      CLI_T_INT,   NULL, 1, 100000, 0, "N", "training epochs", NULL},
    {"--batch",       CLI_T_INT,   NULL, 1, 65536, 0, "N", "minibatch size", NULL},
    {"--lr",          CLI_T_FLOAT, NULL, 0, 100, 1, "F", "learning rate", NULL},
    {"--width",       CLI_T_FLOAT, NULL, 0, 64, 1, "W", "backbone width multiplier (channels x W)", NULL},
    {"--pmu",         CLI_T_I64,   NULL, 0, 1e15, 0, "B", "peak-memory budget, bytes (0: none)", NULL},
    {"--size",        CLI_T_I64,   NULL, 0, 1e15, 0, "B", "model-size budget, bytes (0: none)", NULL},
    {"--macs",        CLI_T_I64,   NULL, 0, 1e18, 0, "N", "MAC budget per inference (0: none)", NULL},
    {"--backbone",    CLI_T_STR,   NULL, 0, 0, 0, "NAME", "network to start from:", NULL},
    {"--data",        CLI_T_STR,   NULL, 0, 0, 0, "DIR", "data set directory", NULL},
    {"-o",            CLI_T_STR,   NULL, 0, 0, 0, "FILE", "write the int8 model to FILE", NULL},
    {"--csv",         CLI_T_STR,   NULL, 0, 0, 0, "FILE", "pruning log, a row per width update", NULL},
    {"--threads",     CLI_T_INT,   NULL, 0, 4096, 0, "N", "threads (0: all cores)", NULL},
    {"--quick",       CLI_T_FLAG,  NULL, 0, 0, 0, NULL, "a small, fast run", NULL},
    {"--limit",       CLI_T_INT,   NULL, 0, 1e9, 0, "N", "use the first N training items (0: all)", NULL},
    {"--every",       CLI_T_INT,   NULL, 1, 1e9, 0, "N", "training steps per width update", NULL},
    {"--eta",         CLI_T_FLOAT, NULL, 0, 1000, 1, "F", "width learning rate (eta_pi)", NULL},
    {"--prune-start", CLI_T_FLOAT, NULL, 0, 100000, 0, "E", "epoch of the first width update", NULL},
    {"--plan",        CLI_T_FLOAT, NULL, -1, 1, 0, "F", "paced pruning: the budgets are met after fraction F of the pre-QAT steps from the first update, each update shrinking just enough to stay on course (negative: not paced, --eta with a deadline ramp)", NULL},
    {"--qat-epochs",  CLI_T_INT,   NULL, 0, 100000, 0, "N", "final quantisation-aware epochs (below --epochs)", NULL},
    {"--no-prune",    CLI_T_FLAG,  NULL, 0, 0, 0, NULL, "plain training, no pruning (the baseline)", NULL},
    {"--early-term",  CLI_T_FLAG,  NULL, 0, 0, 0, NULL, "compact as soon as the budgets are met", NULL},
    {"--tflite",      CLI_T_STR,   NULL, 0, 0, 0, "FILE", "also write the int8 model as a TensorFlow Lite file (TFLM runs it; its arena plan inside)", NULL},
    CLI_END
};

/* the effective entry for o: its shared definition when it is CLI_SHARED */
static inline cli_opt cli__resolve(const cli_opt *o)
{
    cli_opt r = *o;
    int i;
    if (o->type != CLI_T_SHARED) return r;
    for (i = 0; cli_shared[i].name; i++)
        if (!strcmp(cli_shared[i].name, o->name)) {
            r = cli_shared[i];
            r.dst = o->dst;
            r.dflt = o->dflt;
            return r;
        }
    r.type = -1;    /* a program asked for a shared flag that does not exist */
    return r;
}

static inline void cli_usage(FILE *f, const char *usage, const cli_opt *opts)
{
    int i;
    fputs(usage, f);
    fprintf(f, "options:\n");
    for (i = 0; opts[i].name; i++) {
        const cli_opt o = cli__resolve(&opts[i]);
        char left[64];
        if (o.type == CLI_T_FLAG) snprintf(left, sizeof left, "%s", o.name);
        else if (o.type == CLI_T_CHOICE) snprintf(left, sizeof left, "%s WORD", o.name);
        else snprintf(left, sizeof left, "%s %s", o.name, o.meta ? o.meta : "X");
        fprintf(f, "  %-22s %s%s%s", left, o.help ? o.help : "", o.dflt ? " " : "", o.dflt ? o.dflt : "");
        /* what the parser accepts, in a form tests/cli_options.sh reads */
        if (o.type == CLI_T_INT || o.type == CLI_T_I64) fprintf(f, " (integer %.0f..%.0f)", o.lo, o.hi);
        else if (o.type == CLI_T_U64) fprintf(f, " (integer 0..2^64-1)");
        else if (o.type == CLI_T_FLOAT) fprintf(f, " (number %s%g..%g)", o.lo_open ? ">" : "", o.lo, o.hi);
        else if (o.type == CLI_T_CHOICE) fprintf(f, " (one of %s)", o.meta);
        fputc('\n', f);
    }
    fprintf(f, "  %-22s %s\n", "--help, -h", "this text");
}

static inline int cli__bad(const char *prog, const char *name, const char *val, const char *why)
{
    if (val) fprintf(stderr, "%s: %s: '%s' %s (try --help)\n", prog, name, val, why);
    else fprintf(stderr, "%s: %s %s (try --help)\n", prog, name, why);
    return 2;
}

static inline void cli__range(char *buf, size_t cap, const cli_opt *o)
{
    if (o->type == CLI_T_FLOAT) snprintf(buf, cap, "must be a number %s %g and <= %g", o->lo_open ? ">" : ">=", o->lo, o->hi);
    else snprintf(buf, cap, "must be an integer from %.0f to %.0f", o->lo, o->hi);
}

/* Parses one value into o->dst; 0 or 2 (message printed). */
static inline int cli__value(const char *prog, const cli_opt *o, const char *v)
{
    char *end = NULL, why[128];
    const char *p = v;
    while (*p == ' ' || *p == '\t') p++;
    if (o->type == CLI_T_STR) {
        if (!*v) return cli__bad(prog, o->name, NULL, "needs a non-empty value");
        *(const char **)o->dst = v;
        return 0;
    }
    if (o->type == CLI_T_CHOICE) {
        const char *c = o->meta;
        int k = 0;
        size_t n = strlen(v);
        while (c) {
            const char *bar = strchr(c, '|');
            size_t len = bar ? (size_t)(bar - c) : strlen(c);
            if (n && len == n && !strncmp(c, v, n)) { *(int *)o->dst = k; return 0; }
            c = bar ? bar + 1 : NULL;
            k++;
        }
        snprintf(why, sizeof why, "must be one of %s", o->meta);
        return cli__bad(prog, o->name, v, why);
    }
    /* numbers: the whole string, no spaces, decimal */
    if (!*v || p != v) return cli__bad(prog, o->name, v, o->type == CLI_T_FLOAT ? "is not a number" : "is not an integer");
    errno = 0;
    if (o->type == CLI_T_FLOAT) {
        double d = strtod(v, &end);
        if (*end || end == v) return cli__bad(prog, o->name, v, "is not a number");
        if (errno == ERANGE || !(d == d) || d - d != 0.0) return cli__bad(prog, o->name, v, "is not a finite number (or under/overflows)");
        if (d > o->hi || d < o->lo || (o->lo_open && d <= o->lo)) {
            cli__range(why, sizeof why, o);
            return cli__bad(prog, o->name, v, why);
        }
        *(float *)o->dst = (float)d;
        return 0;
    }
    if (o->type == CLI_T_U64) {
        unsigned long long u;
        if (*v == '-' || *v == '+') return cli__bad(prog, o->name, v, "must be an unsigned integer (no sign)");
        u = strtoull(v, &end, 10);
        if (*end || end == v) return cli__bad(prog, o->name, v, "is not an unsigned integer");
        if (errno == ERANGE) return cli__bad(prog, o->name, v, "is larger than 2^64-1");
        *(unsigned long long *)o->dst = u;
        return 0;
    }
    {   /* CLI_T_INT, CLI_T_I64 */
        long long x = strtoll(v, &end, 10);
        if (*end || end == v) return cli__bad(prog, o->name, v, "is not an integer");
        if (errno == ERANGE || x < (long long)o->lo || x > (long long)o->hi) {
            cli__range(why, sizeof why, o);
            return cli__bad(prog, o->name, v, why);
        }
        if (o->type == CLI_T_INT) *(int *)o->dst = (int)x;
        else *(long long *)o->dst = x;
        return 0;
    }
}

/* Parses one value v for the option o (e.g. a positional number): 0, or 2
   after printing what was wrong. */
static inline int cli_value(const char *prog, const cli_opt *o, const char *v)
{
    const cli_opt r = cli__resolve(o);
    if (r.type < 0 || r.type == CLI_T_FLAG) return cli__bad(prog, o->name, v, "cannot take a value (a bug in the program)");
    return cli__value(prog, &r, v);
}

/* Parses argv[0..argc-1] (the program's or subcommand's arguments, without
   its own name) against opts. Arguments that do not start with '-' go to
   pos (at most max_pos of them; *n_pos counts them) when pos is not NULL,
   else they are an error; "--" ends the options. Returns 0 to go on, 1
   after printing the help (exit 0), 2 after printing what was wrong. */
static inline int cli_parse(const char *prog, const char *usage, const cli_opt *opts,
                            int argc, char **argv, const char **pos, int max_pos, int *n_pos)
{
    int i, k, only_pos = 0;
    if (n_pos) *n_pos = 0;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *eq, *v = NULL;
        size_t alen;
        cli_opt o;
        if (only_pos || a[0] != '-' || !a[1]) {
            if (!pos || !n_pos || *n_pos >= max_pos)
                return cli__bad(prog, "unexpected argument", a, pos ? "(one too many)" : "(options start with -)");
            pos[(*n_pos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) { only_pos = 1; continue; }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { cli_usage(stdout, usage, opts); return 1; }
        eq = strchr(a, '=');
        alen = eq ? (size_t)(eq - a) : strlen(a);
        for (k = 0; opts[k].name; k++)
            if (strlen(opts[k].name) == alen && !strncmp(opts[k].name, a, alen)) break;
        if (!opts[k].name) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(alen < 60 ? alen : 60), a);
            return cli__bad(prog, name, NULL, "is not an option of this command");
        }
        o = cli__resolve(&opts[k]);
        if (o.type < 0) return cli__bad(prog, o.name, NULL, "is not defined in cli_shared (a bug in the program)");
        if (o.type == CLI_T_FLAG) {
            if (eq) return cli__bad(prog, o.name, eq + 1, "takes no value");
            *(int *)o.dst = 1;
            continue;
        }
        if (eq) v = eq + 1;
        else if (i + 1 < argc) v = argv[++i];
        /* "--out --quick": the value is missing, not a file called --quick */
        if (!v || (o.type == CLI_T_STR && v[0] == '-' && v[1] == '-' && v[2]))
            return cli__bad(prog, o.name, NULL, "needs a value");
        if (cli__value(prog, &o, v)) return 2;
    }
    return 0;
}

/* ---- >>cli_int8 ---- */
#ifndef DIFFPRUNE_INFERENCE_ONLY
/* Reads a .dpm file into a 4-aligned buffer (*buf, dp_free() it) and
   validates it into m; on failure prints why, prefixed by prog. */
static inline int cli_model_load(const char *prog, const char *path, dp_model *m, unsigned char **buf)
{
    size_t n;
    char err[512];
    int st;
    *buf = NULL;
    if ((st = dp_read_file(path, 0, buf, &n, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return st;
    }
    if ((st = dp_model_init(m, *buf, n)) != DP_OK) {
        fprintf(stderr, "%s: %s: not a valid model (%s: %s", prog, path, dp_status_str(st), m->why ? m->why : "?");
        if (m->where >= 0) fprintf(stderr, ", at %d", (int)m->where);
        fprintf(stderr, ")\n");
        dp_free(*buf);
        *buf = NULL;
    }
    return st;
}

/* A trained graph as an int8 model ready to run. */
typedef struct cli_int8 {
    void *blob;               /* what dp_export made                         */
    size_t len;
    unsigned char *file;      /* the model read back from disk, when written */
    dp_export_info info;
    dp_model m;               /* validated; points into file or blob         */
    int8_t *arena;            /* dp_model_arena_size(&m) bytes               */
} cli_int8;

static inline void cli_int8_free(cli_int8 *q)
{
    dp_free(q->blob);    /* the library's (DP_MALLOC) */
    dp_free(q->file);
    free(q->arena);      /* ours */
    memset(q, 0, sizeof *q);
}

/* Exports g to int8, calibrated on the first n_calib items of calib; when
   path is not NULL writes it and path.h (a C array named sym) and loads
   the model back from path, so what runs is what was written. */
static inline int cli_int8_export(const char *prog, cli_int8 *q, dp_graph *g, const float *calib, int n_calib,
                                  const char *path, const char *sym)
{
    char err[512];
    int st;
    memset(q, 0, sizeof *q);
    if ((st = dp_export(g, calib, n_calib, &q->blob, &q->len, &q->info, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "%s: export: %s\n", prog, err[0] ? err : dp_status_str(st));
        return st;
    }
    if (path) {
        char hdr[4096];
        snprintf(hdr, sizeof hdr, "%s.h", path);
        if ((st = dp_model_save(path, q->blob, q->len)) != DP_OK || (st = dp_write_c_array(hdr, sym, q->blob, q->len)) != DP_OK) {
            fprintf(stderr, "%s: cannot write %s or %s: %s\n", prog, path, hdr, dp_status_str(st));
            return st;
        }
        if ((st = cli_model_load(prog, path, &q->m, &q->file)) != DP_OK) return st;
    } else if ((st = dp_model_init(&q->m, q->blob, q->len)) != DP_OK) {
        fprintf(stderr, "%s: the exported model does not load (%s: %s)\n", prog, dp_status_str(st), q->m.why ? q->m.why : "?");
        return st;
    }
    if (!(q->arena = (int8_t *)malloc(dp_model_arena_size(&q->m) + 1))) {
        fprintf(stderr, "%s: out of memory for a %lu-byte arena\n", prog, (unsigned long)dp_model_arena_size(&q->m));
        return DP_ERR_NOMEM;
    }
    return DP_OK;
}

/* Writes the int8 model (q->m) to path as a .tflite (dp_export_tflite):
   the same int8 model with diffprune's arena plan as TFLM's offline memory
   plan. Nothing to do when path is NULL. */
static inline int cli_int8_tflite(const char *prog, const cli_int8 *q, const char *path)
{
    void *t = NULL;
    size_t n = 0;
    dp_tflite_export_info ti;
    char err[512];
    int st;
    if (!path) return DP_OK;
    if ((st = dp_export_tflite(q->m.blob, q->m.len, &t, &n, &ti, err, sizeof err)) != DP_OK) {
        fprintf(stderr, "%s: TensorFlow Lite export: %s (%s)\n", prog, err, dp_status_str(st));
        return st;
    }
    st = dp_model_save(path, t, n);
    dp_free(t);
    if (st != DP_OK) { fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, dp_status_str(st)); return st; }
    printf("wrote %s: %lu bytes, %d TFLite ops, TFLM offline plan: %lld-byte activation arena%s\n", path, (unsigned long)n, ti.n_ops,
           (long long)ti.arena_bytes, ti.softmax_replaced ? " (softmax as TFLite's SOFTMAX: logits bit-exact, probabilities within a few 1/256)" : "");
    return DP_OK;
}

/* Runs the model on the input already in the arena; the argmax of the
   output, or a negative dp_status. */
static inline int cli_int8_run(cli_int8 *q)
{
    const int st = dp_model_run(&q->m, q->arena, dp_model_arena_size(&q->m));
    if (st != DP_OK) return st < 0 ? st : DP_ERR_ARG;
    return dp_model_output_argmax(&q->m, q->arena);
}

/* One float input, quantised by the model: argmax or a negative status. */
static inline int cli_int8_argmax_f32(cli_int8 *q, const float *x)
{
    const int st = dp_model_set_input_f32(&q->m, q->arena, x);
    if (st != DP_OK) return st < 0 ? st : DP_ERR_ARG;
    return cli_int8_run(q);
}

/* One int8 input already in the model's input quantisation (the bytes the
   firmware would write): argmax or a negative status. */
static inline int cli_int8_argmax_s8(cli_int8 *q, const int8_t *x)
{
    dp_tensor_info ti;
    int8_t *in = dp_model_input(&q->m, q->arena, &ti);
    if (!in) return DP_ERR_ARG;
    memcpy(in, x, ti.bytes);
    return cli_int8_run(q);
}

/* Top-1 hits of the int8 model over n float items of `stride` floats each;
   -1 (message printed) when a run fails. */
static inline int cli_int8_hits(const char *prog, cli_int8 *q, const float *x, size_t stride, const int *y, int n)
{
    int i, hits = 0;
    for (i = 0; i < n; i++) {
        const int p = cli_int8_argmax_f32(q, x + stride * (size_t)i);
        if (p < 0) { fprintf(stderr, "%s: int8 run failed on item %d: %s\n", prog, i, dp_status_str(p)); return -1; }
        hits += p == y[i];
    }
    return hits;
}

/* --widths A,B,...: cuts the backbone *g to these layer-group widths (a
   pruned run's "widths:" line) so that it trains from scratch. 0 = done,
   2 = a bad list (said), 1 = another error (said). */
static inline int cli_widths_apply(const char *prog, dp_graph **g, const char *widths)
{
    dp_prune_cfg none;
    dp_pruner *pw;
    char err[256];
    int w[256], n = 0, st, ng;
    const char *q = widths;
    memset(&none, 0, sizeof none);
    while (n < 256 && *q >= '0' && *q <= '9') {
        char *e;
        const long x = strtol(q, &e, 10);
        if (x > 1 << 24 || (*e && *e != ',') || (*e == ',' && !e[1])) break;
        w[n++] = (int)x;
        q = *e ? e + 1 : e;
    }
    if (!(pw = dp_pruner_new(*g, &none, &st, err, sizeof err))) { fprintf(stderr, "%s: %s\n", prog, err); return 1; }
    ng = dp_pruner_n_groups(pw);
    if (*q || n != ng || dp_pruner_set_widths(pw, *g, w, n) != DP_OK || dp_pruner_compact(pw, g, NULL) != DP_OK) {
        fprintf(stderr, "%s: --widths needs %d comma-separated widths within the backbone's (%s)\n", prog, ng,
                *q || n != ng ? "not a list of that many whole numbers" : dp_graph_error(*g));
        dp_pruner_free(pw);
        return 2;
    }
    dp_pruner_free(pw);
    printf("architecture from --widths, trained from scratch\n");
    return 0;
}

/* The "widths:" line of a pruned run: every layer group's width, in order. */
static inline void cli_widths_print(const dp_pruner *pr)
{
    int i, w;
    printf("widths: ");
    for (i = 0; i < dp_pruner_n_groups(pr); i++) { dp_pruner_group(pr, i, NULL, NULL, &w, NULL); printf("%s%d", i ? "," : "", w); }
    printf("\n");
}
#endif
#endif

/* tests/test_fuzz_replay.c - replays tests/fuzz_corpus/ through the checks
   of the fuzz target (tests/fuzz_model.c, included below), so every seed and
   every finding the fuzzer ever made stays a regression test.
   What it checks, for each file (the name says what is expected):
     - no crash, no sanitizer report, no broken property of the target
       (refusals: documented status, a reason, nothing usable; accepted
       models: accessors consistent, a run in the exact-size arena, output
       and argmax, the same output with every tensor unshared);
     - ok-*   accepted as it is, and run;
     - fix-*  refused as it is, accepted and run after the target's
              checksum repairs (CRC, kernel sums, MAC total);
     - gen-*  a generator program ('G', see fuzz_model.c) whose model is
              accepted and run;
     - bad-*  refused as it is and after the repairs;
     - any other name: only the above (near-*: inputs the fuzzer found,
       the smallest one refused by each check of the loader, and a few
       accepted after mutation);
   and, from each ok-* seed: every truncation is refused; single-byte
   changes across the header and tables (and a sample of the data), and
   SWEEP_EDITS of the fuzzer's structured field edits, break no property.
   Usage: test_fuzz_replay [CORPUS_DIR]; without it the directory is found
   next to this source file (__FILE__), else as ../tests/fuzz_corpus or
   ../../tests/fuzz_corpus from the binary's directory.
   Last line: "N passed, M failed"; exit status 1 on any failure. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include "test_util.h"
#define DP_FUZZ_LIBRARY   /* the checks only: no entry points */
#include "fuzz_model.c"

#define MAX_FILES 4096
#define SWEEP_MAX_BYTES 8192   /* seeds larger than this skip the sweeps */
#define SWEEP_EDITS 2000

static char *join(const char *dir, const char *name)
{
    const size_t a = strlen(dir), b = strlen(name);
    char *p = (char *)malloc(a + b + 2);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* the directory part of a path ("." if none), malloc'd */
static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    const size_t n = s ? (size_t)(s - path) : 1u;
    char *p = (char *)malloc(n + 1);
    if (!p) exit(2);
    memcpy(p, s ? path : ".", n);
    p[n] = 0;
    return p;
}

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    long sz;
    *n = 0;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = (unsigned char *)malloc((size_t)sz + 1u);
        if (p && fread(p, 1, (size_t)sz, f) == (size_t)sz) *n = (size_t)sz;
        else { free(p); p = NULL; }
    }
    fclose(f);
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* truncations and byte changes of one accepted seed */
static void sweep(const char *name, const unsigned char *d, size_t n)
{
    unsigned char *m = (unsigned char *)malloc(n ? n : 1u);
    static const int mode[4] = { 0x01, 0x80, -1, -2 };   /* xor 1, xor 0x80, 0x00, 0xFF */
    size_t L, i, tables, accepted = 0, tried = 0, broken = 0, trunc_acc = 0;
    const char *first = NULL;
    dpf_result r;
    int k;
    if (!m) exit(2);
    for (L = 0; L < n; L++) {
        if (dpf_check(d, L, &r)) { broken++; if (!first) first = r.bad; }
        if (r.st_raw == DP_OK || r.st == DP_OK) trunc_acc++;
    }
    CHECK(trunc_acc == 0, "%s: %lu truncations accepted", name, (unsigned long)trunc_acc);
    tables = n >= 52 ? (size_t)dpf_rd32(d + 32) : 0;    /* data offset */
    if (tables > n) tables = n;
    for (i = 0; i < n; i++) {
        if (i >= tables && i % 7u) continue;            /* data: a sample */
        for (k = 0; k < 4; k++) {
            memcpy(m, d, n);
            m[i] = (unsigned char)(mode[k] > 0 ? (m[i] ^ mode[k]) : (mode[k] == -1 ? 0x00 : 0xFF));
            if (m[i] == d[i]) continue;
            tried++;
            if (dpf_check(m, n, &r)) { broken++; if (!first) first = r.bad; }
            if (r.st == DP_OK) accepted++;
        }
    }
    CHECK(broken == 0, "%s: byte sweep broke a property %lu times (first: %s)", name, (unsigned long)broken,
          first ? first : "");
    printf("  %-24s %5lu truncations refused; %5lu byte changes, %4lu accepted after repairs\n", name,
           (unsigned long)n, (unsigned long)tried, (unsigned long)accepted);
    /* the fuzzer's structured edits (fields near their limits, geometry
       with the output reshaped), SWEEP_EDITS of them, seeded by index */
    broken = accepted = 0;
    first = NULL;
    for (i = 0; i < SWEEP_EDITS; i++) {
        uint32_t seed = (uint32_t)(i * 2654435761u) | 1u, e;
        memcpy(m, d, n);
        for (e = 0; e < 1u + (uint32_t)(i % 3u); e++) dpf_edit(m, n, &seed);
        if (i % 8u) dpf_fix_all(m, n);
        if (dpf_check(m, n, &r)) { broken++; if (!first) first = r.bad; }
        if (r.st == DP_OK) accepted++;
    }
    CHECK(broken == 0, "%s: field sweep broke a property %lu times (first: %s)", name, (unsigned long)broken,
          first ? first : "");
    printf("  %-24s %5d field edits, %4lu accepted after repairs\n", "", SWEEP_EDITS, (unsigned long)accepted);
    free(m);
}

int main(int argc, char **argv)
{
    char *dir = NULL, *names[MAX_FILES];
    DIR *dh = NULL;
    struct dirent *de;
    int nf = 0, i, n_ok = 0, n_fix = 0, n_bad = 0, n_gen = 0, n_other = 0;

    if (argc > 1) {
        if ((dir = strdup(argv[1])) == NULL) exit(2);
        dh = opendir(dir);
    } else {
        char *src = dir_of(__FILE__), *bin = dir_of(argv[0]);
        dir = join(src, "fuzz_corpus");
        dh = opendir(dir);
        if (!dh) {   /* build/test_fuzz_replay, or one directory deeper */
            free(dir);
            dir = join(bin, "../tests/fuzz_corpus");
            dh = opendir(dir);
        }
        if (!dh) {
            free(dir);
            dir = join(bin, "../../tests/fuzz_corpus");
            dh = opendir(dir);
        }
        free(src);
        free(bin);
    }
    CHECK(dh != NULL, "cannot open the corpus directory %s (give it as the argument)", dir);
    if (!dh) { free(dir); return TEST_DONE(); }
    while ((de = readdir(dh)) != NULL && nf < MAX_FILES) {
        if (de->d_name[0] == '.') continue;
        if ((names[nf] = strdup(de->d_name)) == NULL) exit(2);
        nf++;
    }
    closedir(dh);
    CHECK(nf < MAX_FILES, "more than %d files in %s: raise MAX_FILES", MAX_FILES - 1, dir);
    qsort(names, (size_t)nf, sizeof names[0], cmp_str);
    printf("replaying %d files of %s\n", nf, dir);

    for (i = 0; i < nf; i++) {
        const char *nm = names[i];
        char *path = join(dir, nm);
        size_t n;
        unsigned char *d = read_all(path, &n);
        dpf_result r;
        CHECK(d != NULL, "%s: cannot read", path);
        if (d) {
            dpf_check(d, n, &r);
            CHECK(r.bad == NULL, "%s: property broken: %s (init %d, repairs %d, final %d)", nm,
                  r.bad ? r.bad : "", r.st_raw, r.repairs, r.st);
            if (starts(nm, "ok-")) {
                n_ok++;
                CHECK(r.st_raw == DP_OK && r.ran, "%s: valid seed not accepted and run (%s: %s)", nm,
                      dp_status_str(r.st_raw), r.why ? r.why : "too big to run");
                if (r.st_raw == DP_OK && n <= SWEEP_MAX_BYTES) sweep(nm, d, n);
            } else if (starts(nm, "fix-")) {
                n_fix++;
                CHECK(r.st_raw != DP_OK && r.st == DP_OK && r.ran,
                      "%s: expected refused as is, accepted and run after repairs (init %d, final %d)", nm,
                      r.st_raw, r.st);
            } else if (starts(nm, "gen-")) {
                n_gen++;
                CHECK(r.generated && r.st == DP_OK && r.ran, "%s: generator program did not give a model that runs "
                      "(final %d: %s)", nm, r.st, r.why ? r.why : "too big to run");
            } else if (starts(nm, "bad-")) {
                n_bad++;
                CHECK(r.st_raw != DP_OK && r.st != DP_OK, "%s: known-bad file accepted (init %d, final %d)", nm,
                      r.st_raw, r.st);
            } else {
                n_other++;
            }
        }
        free(d);
        free(path);
    }
    printf("replayed %d files: %d ok, %d fix, %d gen, %d bad, %d other\n", nf, n_ok, n_fix, n_gen, n_bad, n_other);
    CHECK(n_ok >= 1 && n_bad >= 1, "corpus has no ok-* or no bad-* seeds (%d, %d)", n_ok, n_bad);
    for (i = 0; i < nf; i++) free(names[i]);
    free(dir);
    return TEST_DONE();
}

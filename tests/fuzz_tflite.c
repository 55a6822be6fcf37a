/* tests/fuzz_tflite.c - libFuzzer target for the TFLite reader and importer
   (>>tflite): any bytes go to dp_tflite_import and dp_tflite_sched_graph
   in a buffer of exactly their size (so ASan sees every over-read).
   Properties besides "no crash, no sanitizer report":
     - a refusal has a documented status (FORMAT, UNSUPPORTED, LIMIT,
       NOMEM) and a message, and hands out no blob;
     - an accepted file gives a .dpm that dp_model_init accepts, whose
       input/output match the info, and that runs in an arena of exactly
       dp_model_arena_size bytes (twice, same output);
     - when the import is accepted, so is the scheduler graph, and it
       passes dp_sched_graph_check.
   Build and run: sh tests/fuzz.sh tflite [SECONDS] (or make fuzz-tflite).
   tests/test_tflite.c includes this file with DP_FUZZ_LIBRARY defined and
   replays tests/fuzz_tflite_corpus/ through tflf_check. */
#ifndef DP_FUZZ_LIBRARY
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 0 = fine; else why names the broken property */
static int tflf_check(const uint8_t *data, size_t size, const char **why, int *accepted)
{
    uint8_t *buf = (uint8_t *)malloc(size ? size : 1);
    void *blob = NULL;
    size_t blen = 0;
    dp_tflite_info info;
    dp_sched_graph g;
    char err[256], err2[256];
    int st, st2, bad = 0;
    *why = NULL;
    *accepted = 0;
    if (!buf) return 0;
    if (size) memcpy(buf, data, size);
    err[0] = 0;
    st = dp_tflite_import(buf, size, &blob, &blen, &info, err, sizeof err);
    st2 = dp_tflite_sched_graph(buf, size, &g, err2, sizeof err2);
    if (st == DP_OK) {
        dp_model m;
        *accepted = 1;
        if (!blob || dp_model_init(&m, blob, blen) != DP_OK) { *why = "accepted import gives a .dpm the loader refuses"; bad = 1; }
        else {
            dp_tensor_info ti, to;
            const size_t a = dp_model_arena_size(&m);
            int8_t *arena = (int8_t *)malloc(a), *x, *y, *y1 = NULL;
            if (!arena) goto done;
            x = dp_model_input(&m, arena, &ti);
            if (ti.shape.h != info.in_shape.h || ti.shape.w != info.in_shape.w || ti.shape.c != info.in_shape.c ||
                ti.zero_point != info.in_zp || (int64_t)a != info.arena_bytes) { *why = "info does not match the .dpm"; bad = 1; }
            memset(x, 0x35, ti.bytes);
            {   /* the host side of the input: transpose / quantise */
                const size_t ib = (size_t)info.in_elems * (info.float_input ? 4u : 1u);
                uint8_t *raw = (uint8_t *)calloc(ib + 1, 1);
                if (raw && (ib != ti.bytes * (info.float_input ? 4u : 1u) || dp_tflite_set_input(&info, raw, ib, x) != DP_OK)) {
                    *why = "dp_tflite_set_input refuses the input the info describes"; bad = 1;
                }
                free(raw);
                memset(x, 0x35, ti.bytes);
            }
            if (!bad && dp_model_run(&m, arena, a) != DP_OK) { *why = "the .dpm does not run in its own arena size"; bad = 1; }
            y = dp_model_output(&m, arena, &to);
            if (!bad && (y1 = (int8_t *)malloc(to.bytes)) != NULL) {
                memcpy(y1, y, to.bytes);
                x = dp_model_input(&m, arena, NULL);
                memset(x, 0x35, ti.bytes);
                dp_model_run(&m, arena, a);
                if (memcmp(y1, dp_model_output(&m, arena, NULL), to.bytes)) { *why = "two runs differ"; bad = 1; }
            }
            free(y1);
            free(arena);
        }
        if (st2 != DP_OK) { *why = "import accepted but the scheduler graph refused"; bad = 1; }
        else if (dp_sched_graph_check(&g, err2, sizeof err2) != DP_OK) { *why = "scheduler graph invalid"; bad = 1; }
    } else {
        if (blob) { *why = "a refused import handed out a blob"; bad = 1; }
        if (st != DP_ERR_FORMAT && st != DP_ERR_UNSUPPORTED && st != DP_ERR_LIMIT && st != DP_ERR_NOMEM) { *why = "undocumented status"; bad = 1; }
        if (!err[0]) { *why = "refused without a message"; bad = 1; }
    }
done:
    if (st2 == DP_OK) dp_sched_graph_free(&g);
    if (blob) DP_FREE(blob);
    free(buf);
    return bad;
}

#ifndef DP_FUZZ_LIBRARY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why;
    int acc;
    if (tflf_check(data, size, &why, &acc)) {
        fprintf(stderr, "property broken: %s\n", why);
        abort();
    }
    return 0;
}
#endif

/* tests/test_util.h - tiny assertion helpers shared by the tests. */
#ifndef DP_TEST_UTIL_H
#define DP_TEST_UTIL_H
#include <stdio.h>
#include "test_rng.h"
static int tu_pass = 0, tu_fail = 0, tu_skip = 0;
/* counts a check; on failure prints where, the condition and a message */
#define CHECK(cond, ...) do { if (cond) tu_pass++; else { tu_fail++; \
    printf("FAIL %s:%d: %s -- ", __FILE__, __LINE__, #cond); printf(__VA_ARGS__); putchar('\n'); } } while (0)
/* counts a check that could not run and prints why (the data or a tool is
   missing); tests/run_all.sh lists every SKIP line and totals them */
#define SKIP(...) do { tu_skip++; printf("SKIP %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); putchar('\n'); } while (0)
/* the result line tests/run_all.sh reads: "N passed, M failed, K skipped" */
#define TEST_DONE() (printf("%d passed, %d failed, %d skipped\n", tu_pass, tu_fail, tu_skip), tu_fail ? 1 : 0)
#endif

/* tests/test_util.h - tiny assertion helpers shared by the tests. */
#ifndef DP_TEST_UTIL_H
#define DP_TEST_UTIL_H
#include <stdio.h>
#include "test_rng.h"
static int tu_pass = 0, tu_fail = 0;
/* counts a check; on failure prints where, the condition and a message */
#define CHECK(cond, ...) do { if (cond) tu_pass++; else { tu_fail++; \
    printf("FAIL %s:%d: %s -- ", __FILE__, __LINE__, #cond); printf(__VA_ARGS__); putchar('\n'); } } while (0)
#define TEST_DONE() (printf("%d passed, %d failed\n", tu_pass, tu_fail), tu_fail ? 1 : 0)
#endif

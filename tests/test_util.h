/* tests/test_util.h - tiny assertion helpers shared by the tests. */
#ifndef DP_TEST_UTIL_H
#define DP_TEST_UTIL_H
#include <stdio.h>
static int tu_pass = 0, tu_fail = 0;
#define CHECK(cond, ...) do { if (cond) tu_pass++; else { tu_fail++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define TEST_DONE() (printf("%d passed, %d failed\n", tu_pass, tu_fail), tu_fail ? 1 : 0)
#endif

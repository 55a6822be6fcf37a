/* tests/test_rng.h - the xorshift64 generator of the tests and benchmarks. */
#ifndef DP_TEST_RNG_H
#define DP_TEST_RNG_H
#include <stdint.h>
/* xorshift64 random numbers for test inputs; set tu_rng to pick a stream */
static uint64_t tu_rng = 0x9E3779B97F4A7C15ull;
static inline uint32_t rnd(void)
{
    tu_rng ^= tu_rng << 13;
    tu_rng ^= tu_rng >> 7;
    tu_rng ^= tu_rng << 17;
    return (uint32_t)(tu_rng >> 16);
}
static inline int rndn(int n) { return (int)(rnd() % (uint32_t)n); }
#endif

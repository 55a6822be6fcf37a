/* dp_crc32 with DP_CRC32_TABLES = 1 (the inference half's default: one
   1 KiB table, a byte a step) or 8 (slice-by-8), against a bitwise CRC-32
   at every alignment and many lengths, with a start value. Built and run
   by tests/compile_checks.sh, once per table count (-DDP_CRC32_TABLES=N). */
#define DIFFPRUNE_INFERENCE_ONLY
#define DIFFPRUNE_IMPLEMENTATION
#include "diffprune.h"
#include <stdio.h>

static uint32_t crc_bitwise(uint32_t crc, const unsigned char *p, size_t n)
{
    size_t i;
    int k;
    crc = ~crc;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (k = 0; k < 8; k++) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

int main(void)
{
    static unsigned char b[4099];
    uint32_t x = 1;
    size_t i, bad = 0, n = 0;
    for (i = 0; i < sizeof b; i++) { x = x * 1103515245u + 12345u; b[i] = (unsigned char)(x >> 16); }
    for (i = 0; i + 8 < sizeof b; i += 7, n++)
        bad += dp_crc32(0x1234u, b + i % 8, sizeof b - 8 - i) != crc_bitwise(0x1234u, b + i % 8, sizeof b - 8 - i);
    if (dp_crc32(0, "123456789", 9) != 0xCBF43926u) bad++;
    printf("crc_tables: DP_CRC32_TABLES=%d: %lu of %lu lengths differ from a bitwise CRC-32\n",
           DP_CRC32_TABLES, (unsigned long)bad, (unsigned long)n);
    return bad != 0;
}

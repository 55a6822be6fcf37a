/* mcu/mcu.c -- semihosting, printing, mem* and instruction counting. */
#include "mcu.h"

/* ------------------------------------------------------------------ */
/* Semihosting: r0 = operation, r1 = argument, then `bkpt 0xAB`.       */
/* ------------------------------------------------------------------ */
#define SH_SYS_WRITE0 0x04u
#define SH_SYS_GET_CMDLINE 0x15u
#define SH_SYS_EXIT_EXTENDED 0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void mcu_puts(const char *s) { (void)sh_call(SH_SYS_WRITE0, s); }

int mcu_cmdline(char *buf, unsigned cap)
{
    uint32_t block[2];
    unsigned i, start = 0;
    if (cap < 2) return -1;
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = cap;
    if (sh_call(SH_SYS_GET_CMDLINE, block) != 0) {
        buf[0] = 0;
        return -1;
    }
    if (block[1] >= cap) block[1] = cap - 1;
    buf[block[1]] = 0;
    /* QEMU puts the kernel file name first: drop it */
    while (buf[start] && buf[start] != ' ') start++;
    while (buf[start] == ' ') start++;
    for (i = 0; buf[start + i]; i++) buf[i] = buf[start + i];
    buf[i] = 0;
    return (int)i;
}

void mcu_exit(int code)
{
    uint32_t block[2];
    mcu_flush();
    block[0] = SH_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    (void)sh_call(SH_SYS_EXIT_EXTENDED, block);
    for (;;) { /* not reached under QEMU; spin on real hardware */
        __asm__ volatile("wfi");
    }
}

/* ------------------------------------------------------------------ */
/* Line-buffered printer.                                              */
/* ------------------------------------------------------------------ */
#define LINE_CAP 128
static char g_line[LINE_CAP + 1];
static unsigned g_line_len;

void mcu_flush(void)
{
    if (g_line_len) {
        g_line[g_line_len] = 0;
        mcu_puts(g_line);
        g_line_len = 0;
    }
}

static void put_char(char c)
{
    g_line[g_line_len++] = c;
    if (c == '\n' || g_line_len == LINE_CAP) mcu_flush();
}

void mcu_print_str(const char *s)
{
    while (*s) put_char(*s++);
}

int mcu_u64_to_dec(uint64_t v, char *buf)
{
    char tmp[20];
    int n = 0, i;
    /* Fast path in 32 bits (avoids 64-bit division helpers on small values). */
    while (v > 0xFFFFFFFFull) {
        tmp[n++] = (char)('0' + (unsigned)(v % 10u));
        v /= 10u;
    }
    {
        uint32_t w = (uint32_t)v;
        do {
            tmp[n++] = (char)('0' + w % 10u);
            w /= 10u;
        } while (w);
    }
    for (i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

void mcu_print_u64(uint64_t v)
{
    char buf[21];
    mcu_u64_to_dec(v, buf);
    mcu_print_str(buf);
}

void mcu_print_i32(int32_t v)
{
    if (v < 0) {
        put_char('-');
        mcu_print_u64((uint64_t)(-(int64_t)v));
    } else {
        mcu_print_u64((uint64_t)v);
    }
}

void mcu_print_kv(const char *key, uint64_t v)
{
    mcu_print_str(key);
    put_char('=');
    mcu_print_u64(v);
    put_char('\n');
}

void mcu_print_ratio(uint64_t num, uint64_t den)
{
    uint64_t q;
    char buf[4];
    if (den == 0) {
        mcu_print_str("nan");
        return;
    }
    q = (num * 100u + den / 2u) / den;
    mcu_print_u64(q / 100u);
    buf[0] = '.';
    buf[1] = (char)('0' + (unsigned)(q / 10u % 10u));
    buf[2] = (char)('0' + (unsigned)(q % 10u));
    buf[3] = 0;
    mcu_print_str(buf);
}

/* ------------------------------------------------------------------ */
/* Instruction counting with SysTick.                                  */
/*                                                                     */
/* With `-icount shift=0` QEMU advances virtual time by 1 ns per guest */
/* instruction; SysTick with CLKSOURCE=1 runs from the CPU clock       */
/* (25 MHz on mps2 -> 40 instructions per tick).  The counter is 24    */
/* bits: it free-runs with RELOAD=0xFFFFFF and its interrupt counts    */
/* wraps.  To get better than one-tick resolution, start() waits for a */
/* tick edge before returning, and mcu_count_instr() spins (4          */
/* instructions per iteration) until the next edge and subtracts the  */
/* spin: resolution is ~4 instructions.  The cost of an empty          */
/* start/stop pair is measured once and subtracted.                    */
/* ------------------------------------------------------------------ */
#ifndef MCU_SYSTICK_HZ
#define MCU_SYSTICK_HZ 25000000u
#endif
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static volatile uint32_t g_wraps;
static uint64_t g_start_ticks;
static uint32_t g_overhead;
static int g_count_ready;

void SysTick_Handler(void) { g_wraps++; }

/* Spin until SysTick's current value changes.  *iters gets the number of
   4-instruction loop iterations; returns the new value. */
static inline uint32_t wait_tick_edge(uint32_t *iters)
{
    uint32_t v0, v1, k = 0;
    volatile uint32_t *cvr = &SYST_CVR;
    __asm__ volatile(
        ".syntax unified\n\t"
        "ldr %[v0], [%[p]]\n\t"
        "1:\n\t"
        "ldr %[v1], [%[p]]\n\t"
        "adds %[k], %[k], #1\n\t"
        "cmp %[v1], %[v0]\n\t"
        "beq 1b\n\t"
        : [v0] "=&l"(v0), [v1] "=&l"(v1), [k] "+l"(k)
        : [p] "l"(cvr)
        : "cc", "memory");
    *iters = k;
    return v1;
}

static uint64_t ticks_of(uint32_t cvr_value)
{
    /* Just after an edge: the wrap interrupt (if any) has already run. */
    return ((uint64_t)g_wraps << 24) + (0xFFFFFFu - cvr_value);
}

static void count_hw_init(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0; /* any write clears it */
    g_wraps = 0;
    SYST_CSR = 7u; /* ENABLE | TICKINT | CLKSOURCE=processor clock */
}

void mcu_count_start(void)
{
    uint32_t k, v;
    if (!g_count_ready) {
        uint32_t best = 0xFFFFFFFFu;
        int i;
        count_hw_init();
        g_count_ready = 1;
        g_overhead = 0;
        for (i = 0; i < 5; i++) { /* calibrate: empty start/stop pair */
            uint64_t e;
            mcu_count_start();
            e = mcu_count_instr();
            if (e < best) best = (uint32_t)e;
        }
        g_overhead = best;
    }
    v = wait_tick_edge(&k);
    g_start_ticks = ticks_of(v);
}

uint64_t mcu_count_instr(void)
{
    uint32_t k, v;
    uint64_t ticks, instr, spin;
    v = wait_tick_edge(&k);
    ticks = ticks_of(v) - g_start_ticks;
    /* instructions = ticks * (1e9 / HZ), rounded */
    instr = (ticks * 1000000000ull + MCU_SYSTICK_HZ / 2) / MCU_SYSTICK_HZ;
    spin = 4ull * k;
    instr = instr > spin ? instr - spin : 0;
    return instr > g_overhead ? instr - g_overhead : 0;
}

uint32_t mcu_count_overhead(void) { return g_overhead; }

/* ------------------------------------------------------------------ */
/* Stack high-water mark: paint the free stack, later find the lowest   */
/* word that changed.                                                  */
/* ------------------------------------------------------------------ */
#define STACK_PAINT 0xC5C5C5C5u
extern uint32_t _sstack, _estack; /* sections.ld */

__attribute__((noinline)) void mcu_stack_paint(void)
{
    uint32_t *p = &_sstack, sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while ((uintptr_t)p + 64u < sp) *(volatile uint32_t *)p++ = STACK_PAINT;
}

uint32_t mcu_stack_used(void)
{
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == STACK_PAINT) p++;
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

/* ------------------------------------------------------------------ */
/* mem* -- the optimizer must not turn these loops back into calls.    */
/* ------------------------------------------------------------------ */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
        uint32_t *dw = (uint32_t *)(void *)d;
        const uint32_t *sw = (const uint32_t *)(const void *)s;
        while (n >= 4) {
            *dw++ = *sw++;
            n -= 4;
        }
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n--) *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    d += n;
    s += n;
    while (n--) *--d = *--s;
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    unsigned char b = (unsigned char)c;
    while (n && ((uintptr_t)d & 3u)) {
        *d++ = b;
        n--;
    }
    if (n >= 4) {
        uint32_t w = b * 0x01010101u;
        uint32_t *dw = (uint32_t *)(void *)d;
        while (n >= 4) {
            *dw++ = w;
            n -= 4;
        }
        d = (unsigned char *)dw;
    }
    while (n--) *d++ = b;
    return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    for (; n; n--, p++, q++)
        if (*p != *q) return (int)*p - (int)*q;
    return 0;
}

int mcu_model_check(const char *status, const char *why, int32_t where,
                    uint64_t arena_need, uint64_t arena_have)
{
    if (status) {
        mcu_print_str("error: dp_model_init: ");
        mcu_print_str(status);
        mcu_print_str(" (");
        mcu_print_str(why ? why : "?");
        if (where >= 0) { mcu_print_str(", at "); mcu_print_i32(where); }
        mcu_print_str(")\n");
        return 3;
    }
    if (arena_need > arena_have) {
        mcu_print_str("error: the model needs an arena of ");
        mcu_print_u64(arena_need);
        mcu_print_str(" bytes, the firmware has ");
        mcu_print_u64(arena_have);
        mcu_print_str("\n");
        return 3;
    }
    return 0;
}

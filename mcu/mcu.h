/* mcu/mcu.h -- bare-metal support for the diffprune firmware.
   No newlib: semihosting I/O, exit codes, mem* routines, decimal printing
   and SysTick-based instruction counting (QEMU with -icount shift=0). */
#ifndef MCU_H
#define MCU_H
#include <stddef.h>
#include <stdint.h>

/* ---- semihosting ---- */
void mcu_puts(const char *s);              /* SYS_WRITE0, no newline added */
void mcu_exit(int code) __attribute__((noreturn)); /* SYS_EXIT_EXTENDED */
/* SYS_GET_CMDLINE: the text QEMU was given with -append (after the kernel
   name); "" when there is none.  Returns its length, or -1. */
int mcu_cmdline(char *buf, unsigned cap);

/* ---- tiny printer (buffers one line, flushes on '\n' or when full) ---- */
void mcu_print_str(const char *s);
void mcu_print_u64(uint64_t v);
void mcu_print_i32(int32_t v);
void mcu_print_kv(const char *key, uint64_t v);   /* "key=<v>\n" */
/* num/den rounded to 2 decimals, "12.34" (den 0 prints "nan") */
void mcu_print_ratio(uint64_t num, uint64_t den);
void mcu_flush(void);
/* writes the decimal form of v into buf (>= 21 bytes), returns length */
int mcu_u64_to_dec(uint64_t v, char *buf);

/* ---- instruction counting ----
   mcu_count_start() begins a measurement; mcu_count_instr() returns the
   number of guest instructions executed since the last start, with the cost
   of an empty start/stop pair subtracted.  Exact only under
   `qemu -icount shift=0` (1 instruction = 1 ns of virtual time); resolution is
   a few instructions (see mcu.c). */
void mcu_count_start(void);
uint64_t mcu_count_instr(void);
uint32_t mcu_count_overhead(void);          /* the subtracted constant */

/* ---- a model that cannot run: one message, exit status 3 ----
   status: dp_status_str() of dp_model_init's result, or NULL when it
   succeeded; why/where: the loader's reason and index (where < 0: none).
   Returns 0 when the model can run in an arena of arena_have bytes. */
int mcu_model_check(const char *status, const char *why, int32_t where,
                    uint64_t arena_need, uint64_t arena_have);

/* ---- stack high-water mark: paint once, read after the work ---- */
void mcu_stack_paint(void);
uint32_t mcu_stack_used(void);            /* bytes, from the stack top */

/* ---- freestanding libc subset (gcc emits calls to these itself) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif

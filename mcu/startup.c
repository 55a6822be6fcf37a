/* mcu/startup.c -- vector table and reset handler (Cortex-M0/M3/M4/M7).
   QEMU loads the initial SP and PC from address 0, so .vectors must be the
   first thing in flash (the linker script puts it there). */
#include <stdint.h>
#include "mcu.h"

extern uint32_t _estack;           /* top of the stack (linker script) */
extern uint32_t _sidata, _sdata, _edata; /* .data load address, run range */
extern uint32_t _sbss, _ebss;

int main(void);
void Reset_Handler(void);
void SysTick_Handler(void); /* mcu.c */

static void fault(const char *what)
{
    mcu_flush();
    mcu_puts("\nfatal: ");
    mcu_puts(what);
    mcu_puts(" exception\n");
    mcu_exit(2);
}

static void NMI_Handler(void) { fault("NMI"); }
static void HardFault_Handler(void) { fault("HardFault"); }
static void MemManage_Handler(void) { fault("MemManage"); }
static void BusFault_Handler(void) { fault("BusFault"); }
static void UsageFault_Handler(void) { fault("UsageFault"); }
static void Other_Handler(void) { fault("unexpected"); }

typedef void (*vector_fn)(void);

/* 16 system entries; no external interrupts are used. */
__attribute__((section(".vectors"), used))
const vector_fn mcu_vectors[16] = {
    (vector_fn)(uintptr_t)&_estack, /* 0: initial SP */
    Reset_Handler,                  /* 1 */
    NMI_Handler,                    /* 2 */
    HardFault_Handler,              /* 3 */
    MemManage_Handler,              /* 4 (ARMv7-M only) */
    BusFault_Handler,               /* 5 */
    UsageFault_Handler,             /* 6 */
    0, 0, 0, 0,                     /* 7-10 reserved */
    Other_Handler,                  /* 11 SVCall */
    Other_Handler,                  /* 12 DebugMonitor */
    0,                              /* 13 reserved */
    Other_Handler,                  /* 14 PendSV */
    SysTick_Handler,                /* 15 SysTick */
};

/* Plain word loops written so gcc does not turn them into memcpy/memset
   calls (those live in .text and are fine, but keep reset self-contained). */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void Reset_Handler(void)
{
    uint32_t *src, *dst;
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11 before any FP instruction. */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (src = &_sidata, dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    mcu_exit(main());
}

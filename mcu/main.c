/* mcu/main.c -- firmware: diffprune's int8 interpreter on the model and test
   inputs of model_data.h (made by gen_model_data on the host), in a static
   arena.  Every output byte is compared with the host interpreter's.

   Prints (one value per line, parsed by run_tests.sh):
     count_check expected=2000 measured=<n> overhead=<n>
     test <i>: instr=<n> match=yes|NO out=<first bytes> ...
     model=... ops=... macs=... arena=<bytes> init_instr=<n> stack_used=<bytes>
     instr_per_inference=<n>  instr_per_mac=<x.xx>  outputs_match=yes|no
   Exit status: 0 all outputs match, 1 a mismatch, 2 a fault, 3 the model
   was refused.  `-append hang` (QEMU) makes it spin forever: the test of
   the runner's timeout. */
#define DIFFPRUNE_INFERENCE_ONLY
#define DIFFPRUNE_IMPLEMENTATION
#include "diffprune.h"

#include "mcu.h"
#include "model_data.h"

#ifndef MCU_TARGET_NAME
#define MCU_TARGET_NAME "unknown"
#endif

/* The whole RAM the model needs besides the stack: static, no malloc. */
static int8_t g_arena[DP_MODEL_ARENA_BYTES] __attribute__((aligned(8)));
static dp_model g_model;

/* Sanity check of the counter: a loop of exactly 2*n instructions. */
static void count_check(void)
{
    uint32_t n = 1000;
    uint64_t got;
    mcu_count_start();
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
    got = mcu_count_instr();
    mcu_print_str("count_check expected=2000 measured=");
    mcu_print_u64(got);
    mcu_print_str(" overhead=");
    mcu_print_u64(mcu_count_overhead());
    mcu_print_str("\n");
}

static void maybe_hang(void)
{
    char cmd[256];
    if (mcu_cmdline(cmd, sizeof cmd) >= 4 && memcmp(cmd, "hang", 4) == 0) {
        mcu_print_str("hanging on purpose (-append hang)\n");
        for (;;) __asm__ volatile("nop");
    }
}

int main(void)
{
    dp_tensor_info ti, to;
    uint64_t total = 0, init_instr;
    int t, st, all_match = 1;
    unsigned o;

    mcu_print_str("diffprune mcu: target=" MCU_TARGET_NAME " model=" DP_MODEL_NAME "\n");
    maybe_hang();
    count_check();
    mcu_stack_paint();

    mcu_count_start();
    st = dp_model_init(&g_model, dp_model_blob, DP_MODEL_BLOB_BYTES);
    init_instr = mcu_count_instr();
    if (mcu_model_check(st != DP_OK ? dp_status_str(st) : NULL, g_model.why, st != DP_OK ? g_model.where : -1,
                        dp_model_arena_size(&g_model), sizeof g_arena))
        return 3;
    if (!dp_model_input(&g_model, g_arena, &ti) || !dp_model_output(&g_model, g_arena, &to) ||
        ti.bytes != DP_TEST_INPUT_BYTES || to.bytes != DP_TEST_OUTPUT_BYTES) {
        mcu_print_str("error: the test vectors do not match the model's input/output sizes\n");
        return 3;
    }

    for (t = 0; t < DP_TEST_COUNT; t++) {
        const signed char *in = dp_test_inputs + t * DP_TEST_INPUT_BYTES;
        const signed char *want = dp_test_expected + t * DP_TEST_OUTPUT_BYTES;
        const int8_t *y;
        uint64_t n;
        int match;
        memcpy(dp_model_input(&g_model, g_arena, NULL), in, DP_TEST_INPUT_BYTES);
        mcu_count_start();
        st = dp_model_run(&g_model, g_arena, sizeof g_arena);
        n = mcu_count_instr();
        y = dp_model_output(&g_model, g_arena, NULL);
        match = st == DP_OK && memcmp(y, want, DP_TEST_OUTPUT_BYTES) == 0;
        all_match &= match;
        total += n;
        mcu_print_str("test ");
        mcu_print_i32(t);
        mcu_print_str(": instr=");
        mcu_print_u64(n);
        mcu_print_str(match ? " match=yes out=" : " match=NO out=");
        for (o = 0; o < DP_TEST_OUTPUT_BYTES && o < 10; o++) {
            mcu_print_i32(y[o]);
            mcu_print_str(" ");
        }
        mcu_print_str(DP_TEST_OUTPUT_BYTES > 10 ? "...\n" : "\n");
        if (!match) {
            mcu_print_str("  expected:");
            for (o = 0; o < DP_TEST_OUTPUT_BYTES && o < 10; o++) {
                mcu_print_str(" ");
                mcu_print_i32(want[o]);
            }
            mcu_print_str("\n");
        }
    }
    mcu_print_str("model=" DP_MODEL_NAME " ops=");
    mcu_print_i32(dp_model_n_ops(&g_model));
    mcu_print_str(" macs=");
    mcu_print_u64(dp_model_macs(&g_model));
    mcu_print_str("\n");
    mcu_print_kv("arena", dp_model_arena_size(&g_model));
    mcu_print_kv("init_instr", init_instr);
    mcu_print_kv("stack_used", mcu_stack_used());
    mcu_print_kv("instr_per_inference", (total + DP_TEST_COUNT / 2) / DP_TEST_COUNT);
    mcu_print_str("instr_per_mac=");
    mcu_print_ratio(total, dp_model_macs(&g_model) * DP_TEST_COUNT);
    mcu_print_str("\n");
    mcu_print_str(all_match ? "outputs_match=yes\n" : "outputs_match=no\n");
    return all_match ? 0 : 1;
}

/* mcu/bench.c -- firmware: instructions per MAC of single-layer models
   (bench_data.h, made by `gen_model_data bench`), one dp_model_run each,
   output compared byte for byte with the host interpreter's.

   Prints one line per layer:
     layer <name> macs=<n> instr=<n> instr_per_mac=<x.xx> match=yes|NO
           cmsis_m4=<x> cmsis_m3=<x>
   and exits 0 when every output matched, 1 otherwise. */
#define DIFFPRUNE_INFERENCE_ONLY
#define DIFFPRUNE_IMPLEMENTATION
#include "diffprune.h"

#include "mcu.h"
#include "bench_data.h"

#ifndef MCU_TARGET_NAME
#define MCU_TARGET_NAME "unknown"
#endif

static int8_t g_arena[BENCH_ARENA_MAX] __attribute__((aligned(8)));
static dp_model g_model;

int main(void)
{
    int i, all = 1, only = -1;
    char cmd[256];
    /* -append "only=<i>": run layer i alone (for profiling with qemu -d exec) */
    if (mcu_cmdline(cmd, sizeof cmd) >= 6 && memcmp(cmd, "only=", 5) == 0) only = cmd[5] - '0';
    mcu_print_str("diffprune mcu bench: target=" MCU_TARGET_NAME
#if defined(__ARM_FEATURE_DSP)
                  " (__ARM_FEATURE_DSP)"
#endif
                  "\n");
    for (i = 0; i < BENCH_COUNT; i++) {
        const struct bench_layer *L = &bench_layers[i];
        dp_tensor_info ti, to;
        const int8_t *y;
        uint64_t n;
        int st, match;
        if (only >= 0 && i != only) continue;
        st = dp_model_init(&g_model, L->blob, L->blob_bytes);
        if (st != DP_OK || dp_model_arena_size(&g_model) > sizeof g_arena ||
            !dp_model_input(&g_model, g_arena, &ti) || !dp_model_output(&g_model, g_arena, &to) ||
            ti.bytes != L->in_bytes || to.bytes != L->out_bytes) {
            mcu_print_str("layer ");
            mcu_print_str(L->name);
            mcu_print_str(" error: model refused (");
            mcu_print_str(g_model.why ? g_model.why : dp_status_str(st));
            mcu_print_str(")\n");
            all = 0;
            continue;
        }
        memcpy(dp_model_input(&g_model, g_arena, NULL), L->in, L->in_bytes);
        mcu_count_start();
        st = dp_model_run(&g_model, g_arena, sizeof g_arena);
        n = mcu_count_instr();
        y = dp_model_output(&g_model, g_arena, NULL);
        match = st == DP_OK && memcmp(y, L->out, L->out_bytes) == 0;
        all &= match;
        mcu_print_str("layer ");
        mcu_print_str(L->name);
        mcu_print_str(" macs=");
        mcu_print_u64(dp_model_macs(&g_model));
        mcu_print_str(" instr=");
        mcu_print_u64(n);
        mcu_print_str(" instr_per_mac=");
        mcu_print_ratio(n, dp_model_macs(&g_model));
        mcu_print_str(match ? " match=yes" : " match=NO");
        mcu_print_str(" cmsis_m4=");
        mcu_print_str(L->cmsis_m4);
        mcu_print_str(" cmsis_m3=");
        mcu_print_str(L->cmsis_m3);
        mcu_print_str("\n");
    }
    mcu_print_str(all ? "outputs_match=yes\n" : "outputs_match=no\n");
    return all ? 0 : 1;
}

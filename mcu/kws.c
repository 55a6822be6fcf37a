/* mcu/kws.c -- firmware: keyword spotting end to end.  For each one-second
   16 kHz clip of kws_data.h (made by `gen_model_data kws` on the host):
   dp_mfcc straight into the model's input tensor, the 490 features compared
   byte for byte with the host's, dp_model_run, the output bytes compared
   with the host interpreter's, dp_model_output_argmax -> keyword.  The MFCC
   scratch and the arena are static: no malloc, no float.

   Prints (parsed by run_tests.sh):
     clip <i>: label=<word|-> predicted=<word> mfcc_instr=<n> net_instr=<n>
               features=match|DIFFER outputs=match|DIFFER
     model=... ops=... macs=... stack_used=<bytes> net_instr_per_mac=<x.xx>
     kws <target> flash=<text+data> sram=<data+bss+stack> arena=<bytes>
         mfcc_instr_per_s=<n> net_instr=<n> instr_per_s_audio=<n>
         features_match=yes|no outputs_match=yes|no correct=<c>/<n>|n/a
   (the largest count over the clips -- a zero-padded clip's silent frames
   cost less; instr_per_s_audio = the MFCC of one second of audio + one
   inference: the budget of one decision per second.)
   Exit status: 0 all features and outputs match, 1 a mismatch, 2 a fault,
   3 the model was refused. */
#define DIFFPRUNE_INFERENCE_ONLY
#define DIFFPRUNE_IMPLEMENTATION
#include "diffprune.h"

#include "mcu.h"
#include "kws_data.h"

#ifndef MCU_TARGET_NAME
#define MCU_TARGET_NAME "unknown"
#endif

#if KWS_FEATURE_BYTES != DP_MFCC_FRAMES(KWS_CLIP_SAMPLES) * DP_MFCC_COEFFS || KWS_CLIP_SAMPLES != DP_MFCC_RATE
#error "kws_data.h does not match this diffprune.h's MFCC geometry: regenerate it"
#endif

/* All the RAM the pipeline needs besides the stack. */
static int8_t g_arena[KWS_MODEL_ARENA_BYTES] __attribute__((aligned(8)));
static int32_t g_mfcc_work[DP_MFCC_WORK];
static dp_model g_model;

/* linker-script symbols (sections.ld): flash = text + data (__flash_used),
   SRAM = data + bss + stack, as arm-none-eabi-size and run_tests.sh count */
extern const char __flash_used[];
extern const char _sdata[], _edata[], _sbss[], _ebss[], _sstack[], _estack[];

static const char *class_name(int c)
{
    return c >= 0 && c < KWS_OUTPUT_BYTES ? kws_class_names[c] : "?";
}

/* first differing byte, or -1 */
static int first_diff(const int8_t *a, const signed char *b, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return i;
    return -1;
}

/* what differs, for the line after the clip's */
typedef struct diff {
    int count, at, got, want;
} diff;

static void diff_of(diff *d, const int8_t *got, const signed char *want, int n, int at)
{
    int i;
    d->count = 0;
    for (i = 0; i < n; i++) d->count += got[i] != want[i];
    d->at = at;
    d->got = got[at];
    d->want = want[at];
}

static void print_diff(const char *what, const diff *d, int n)
{
    mcu_print_str("  ");
    mcu_print_str(what);
    mcu_print_str(": ");
    mcu_print_i32(d->count);
    mcu_print_str(" of ");
    mcu_print_i32(n);
    mcu_print_str(" bytes differ, first at ");
    mcu_print_i32(d->at);
    mcu_print_str(": got ");
    mcu_print_i32(d->got);
    mcu_print_str(", host ");
    mcu_print_i32(d->want);
    mcu_print_str("\n");
}

int main(void)
{
    const float mfcc_scale = DP_MFCC_INPUT_SCALE;
    uint32_t mfcc_scale_bits;
    dp_tensor_info ti, to;
    uint64_t mfcc_max = 0, net_max = 0, net_total = 0;
    int i, st, feats_ok = 1, outs_ok = 1, labelled = 0, correct = 0;

    mcu_print_str("diffprune mcu kws: target=" MCU_TARGET_NAME " model=" KWS_MODEL_NAME "\n");
    mcu_stack_paint();

    st = dp_model_init(&g_model, kws_model_blob, KWS_MODEL_BLOB_BYTES);
    if (mcu_model_check(st != DP_OK ? dp_status_str(st) : NULL, g_model.why, -1,
                        dp_model_arena_size(&g_model), sizeof g_arena))
        return 3;
    /* the generator checked this; a stale header is caught here too */
    memcpy(&mfcc_scale_bits, &mfcc_scale, 4);
    if (!dp_model_input(&g_model, g_arena, &ti) || !dp_model_output(&g_model, g_arena, &to) ||
        ti.bytes != KWS_FEATURE_BYTES || ti.scale_bits != mfcc_scale_bits || ti.zero_point != 0 ||
        to.bytes != KWS_OUTPUT_BYTES) {
        mcu_print_str("error: the model's input is not 49x10x1 int8 with scale DP_MFCC_INPUT_SCALE and zero "
                      "point 0, or its output is not KWS_OUTPUT_BYTES\n");
        return 3;
    }

    for (i = 0; i < KWS_CLIP_COUNT; i++) {
        const signed char *want_f = kws_features + i * KWS_FEATURE_BYTES;
        const signed char *want_y = kws_expected + i * KWS_OUTPUT_BYTES;
        int8_t *x = dp_model_input(&g_model, g_arena, NULL);
        const int8_t *y;
        uint64_t n_mfcc, n_net;
        int frames, df, dy, pred;
        diff fd, yd;

        mcu_count_start();
        frames = dp_mfcc(kws_clips[i], KWS_CLIP_SAMPLES, x, KWS_FEATURE_BYTES, g_mfcc_work);
        n_mfcc = mcu_count_instr();
        df = frames == DP_MFCC_FRAMES(KWS_CLIP_SAMPLES) ? first_diff(x, want_f, KWS_FEATURE_BYTES) : 0;
        if (df >= 0) {
            feats_ok = 0;
            if (frames >= 0) diff_of(&fd, x, want_f, KWS_FEATURE_BYTES, df);
            /* run the network on the host's features: its check stays meaningful */
            memcpy(x, want_f, KWS_FEATURE_BYTES);
        }

        mcu_count_start();
        st = dp_model_run(&g_model, g_arena, sizeof g_arena);
        n_net = mcu_count_instr();
        y = dp_model_output(&g_model, g_arena, NULL);
        dy = st == DP_OK ? first_diff(y, want_y, KWS_OUTPUT_BYTES) : 0;
        if (dy >= 0) {
            outs_ok = 0;
            if (st == DP_OK) diff_of(&yd, y, want_y, KWS_OUTPUT_BYTES, dy);
        }
        pred = dp_model_output_argmax(&g_model, g_arena);
        if (n_mfcc > mfcc_max) mfcc_max = n_mfcc;
        if (n_net > net_max) net_max = n_net;
        net_total += n_net;
        if (kws_labels[i] >= 0) {
            labelled++;
            correct += pred == kws_labels[i];
        }

        mcu_print_str("clip ");
        mcu_print_i32(i);
        mcu_print_str(": label=");
        mcu_print_str(kws_labels[i] >= 0 ? class_name(kws_labels[i]) : "-");
        mcu_print_str(" predicted=");
        mcu_print_str(class_name(pred));
        mcu_print_str(" mfcc_instr=");
        mcu_print_u64(n_mfcc);
        mcu_print_str(" net_instr=");
        mcu_print_u64(n_net);
        mcu_print_str(df < 0 ? " features=match" : " features=DIFFER");
        mcu_print_str(dy < 0 ? " outputs=match (" : " outputs=DIFFER (");
        mcu_print_str(kws_clip_names[i]);
        mcu_print_str(")\n");
        if (frames < 0) {
            mcu_print_str("  dp_mfcc: ");
            mcu_print_str(dp_status_str(frames));
            mcu_print_str("\n");
        } else if (df >= 0) {
            print_diff("features", &fd, KWS_FEATURE_BYTES);
        }
        if (st != DP_OK) {
            mcu_print_str("  dp_model_run: ");
            mcu_print_str(dp_status_str(st));
            mcu_print_str("\n");
        } else if (dy >= 0) {
            print_diff("outputs", &yd, KWS_OUTPUT_BYTES);
        }
    }

    mcu_print_str("model=" KWS_MODEL_NAME " ops=");
    mcu_print_i32(dp_model_n_ops(&g_model));
    mcu_print_str(" macs=");
    mcu_print_u64(dp_model_macs(&g_model));
    mcu_print_str(" stack_used=");
    mcu_print_u64(mcu_stack_used());
    mcu_print_str(" net_instr_per_mac=");
    mcu_print_ratio(net_total, dp_model_macs(&g_model) * KWS_CLIP_COUNT);
    mcu_print_str("\n");

    mcu_print_str("kws " MCU_TARGET_NAME " flash=");
    mcu_print_u64((uintptr_t)__flash_used);
    mcu_print_str(" sram=");
    mcu_print_u64((uintptr_t)(_edata - _sdata) + (uintptr_t)(_ebss - _sbss) + (uintptr_t)(_estack - _sstack));
    mcu_print_str(" arena=");
    mcu_print_u64(dp_model_arena_size(&g_model));
    mcu_print_str(" mfcc_instr_per_s=");
    mcu_print_u64(mfcc_max);
    mcu_print_str(" net_instr=");
    mcu_print_u64(net_max);
    mcu_print_str(" instr_per_s_audio=");
    mcu_print_u64(mfcc_max + net_max);
    mcu_print_str(feats_ok ? " features_match=yes" : " features_match=no");
    mcu_print_str(outs_ok ? " outputs_match=yes correct=" : " outputs_match=no correct=");
    if (labelled) {
        mcu_print_i32(correct);
        mcu_print_str("/");
        mcu_print_i32(labelled);
    } else {
        mcu_print_str("n/a");
    }
    mcu_print_str("\n");
    return feats_ok && outs_ok ? 0 : 1;
}

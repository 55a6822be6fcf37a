/* diffprune.h - v0.1.0 - MIT licence (see end of file)
   Differentiable network pruning for microcontrollers, in one C header.

   Build a CNN, train it, learn every layer's width toward budgets on peak
   memory, model size and MACs (Liberis & Lane, "Differentiable Network
   Pruning for Microcontrollers"), quantise it to int8 and run it with a tiny
   no-malloc interpreter, on the host or in Cortex-M firmware.

   ======================================================================
   0. USAGE
   ======================================================================
   In exactly one C (or C++) file:

       #define DIFFPRUNE_IMPLEMENTATION
       #include "diffprune.h"

   and plain `#include "diffprune.h"` everywhere else. Link with -lm.
   Add -fopenmp to use every core in the heavy kernels; without it
   everything builds and gives the same results on one thread.

   In firmware, only the inference half:

       #define DIFFPRUNE_INFERENCE_ONLY
       #define DIFFPRUNE_IMPLEMENTATION
       #include "diffprune.h"

   ======================================================================
   1. TABLE OF CONTENTS         (grep the tag to land on the section)
   ======================================================================
     >>options         compile-time options
     >>common          status codes, version, CRC-32 (both halves)
     >>api_infer       THE INFERENCE API (both halves; freestanding, no malloc)
       >>quant         quantisation conventions
       >>requant       requantisation, bit-exact with TFLite Micro
       >>dpm           the .dpm model file, byte by byte
       >>api_kernels   int8 kernels: conv, depthwise, grouped, fc, add, pools, ...
       >>api_tflm      TFLite Micro's own int8 softmax, logistic, mean, mul
       >>api_model     load, check and run a .dpm
       >>api_mfcc      fixed-point MFCC audio front-end
       >>api_ref       hosted: reference kernels (test oracles)
       >>api_qhelpers  hosted: quantisation helpers
       >>api_builder   hosted: .dpm model builder
     >>api_train       THE TRAINING API (hosted; DIFFPRUNE_INFERENCE_ONLY drops it)
       >>api_rng       random numbers, threads
       >>api_free      memory the library hands over (dp_free)
       >>api_graph     the graph, node information
       >>api_layers    layers
       >>api_run       forward, backward, gradient checks, input gradient
       >>api_masks     channel masks
       >>api_optim     optimisers, schedules, QAT, training step, evaluation
       >>api_ckpt      checkpoints
       >>api_idx       data sets, IDX files, gzip
       >>api_data      your own data: PNG/PPM/BMP, sensor CSV, WAV folders
       >>api_boards    microcontroller boards and their default budgets
       >>api_wav       WAV clips, keyword-spotting classes
       >>api_progress  progress bars
       >>api_sched     exact peak memory: scheduler, arena, text format
       >>api_resources size, MACs, peak memory as the MCU sees the graph
       >>api_prune     differentiable pruning toward budgets
       >>api_widths    uniform baseline, projection onto budgets, paced updates
       >>api_fit       training loop with pruning, early termination, QAT
       >>api_backbones the paper's backbones
       >>api_export    float graph -> int8 .dpm
       >>api_tflite    TensorFlow Lite import
      >>api_tfexport  TensorFlow Lite export
     >>alloc_check     the allocator override: all four macros or none
     >>impl_common     IMPLEMENTATION: shared helpers
     >>impl_infer      IMPLEMENTATION, inference half (freestanding)
       >>qmul          requantisation arithmetic
       >>dot           inner loops
       >>fast          portable fast paths
       >>dsp           kernels for cores with the Arm DSP extension
       >>kernels       optimised kernels (used by the interpreter)
       >>grouped       depthwise with a channel multiplier, grouped conv
       >>loader        .dpm validation
       >>tflm_kernels  TFLite Micro's softmax, logistic, mean, mul
       >>interp        the interpreter
       >>mfcc          MFCC front-end
     >>impl_host       IMPLEMENTATION, hosted inference helpers
       >>grow          the growable-array helper
       >>ref           reference kernels
       >>qhelpers      quantisation helpers
       >>tflm_tables   TFLite Micro's tables, made on the host
       >>builder       .dpm builder
     >>impl_train      IMPLEMENTATION, training half
       >>rng           xoshiro128**, splitmix64
       >>free          dp_free
       >>gemm          packed SGEMM
       >>graph         graph construction
       >>forward       forward and backward kernels, one pair per op
       >>optable       the op table: one row per op kind
       >>qat           fake quantisation
       >>masks         channel masks
       >>bnparams      batch-norm eps/momentum, input gradient
       >>optim         optimisers
       >>lrsched       learning-rate schedules
       >>ckpt          checkpoints
       >>idx           IDX files
       >>wav           WAV files
       >>progress      progress bars
       >>gunzip        inflate, gzip
       >>data          image decoders, resize, CSV, folder data sets
       >>boards        the boards table
       >>sched         the exact scheduler, arena planning
       >>resources     resource model and its gradients
       >>prune         channel spaces, compaction, the pruner
       >>widths        uniform width, projection, paced updates
       >>fit           training loop
       >>backbones     backbones
       >>export        export to int8
       >>tflite        .tflite reader and importer
      >>tfexport      .dpm -> .tflite writer
     >>licence         MIT licence

   ======================================================================
   2. OPTIONS  (#define before including)                       >>options
   ======================================================================
     option                      where                 meaning
     DIFFPRUNE_IMPLEMENTATION    implementation file   emit the implementation
     DIFFPRUNE_INFERENCE_ONLY    global                only the int8 inference
                                                       half: freestanding, no
                                                       malloc, stdio or libm
     DIFFPRUNE_STATIC            every file that       the whole library static
                                 includes it           (DP_API = static): a
                                                       private copy per file;
                                                       every such file also
                                                       defines ..._IMPLEMENTATION
     DP_API                      global                linkage of the public
                                                       functions (default
                                                       extern; static with
                                                       DIFFPRUNE_STATIC)
     DP_MALLOC/DP_REALLOC/       implementation file   allocator used by the
     DP_CALLOC/DP_FREE                                 training half
     DP_MAX_THREADS              implementation file   upper bound on OpenMP
                                                       threads (default 64)
     DP_NO_DSP                   global                portable int8 kernels
                                                       even where the Arm DSP
                                                       extension is available
     DP_SCHED_MAX_NODES          global                nodes the peak-memory
                                                       scheduler accepts
                                                       (default 4096)
     DP_CRC32_TABLES             implementation file   1 or 8 tables of 1 KiB
                                                       for dp_crc32 (default 8;
                                                       1 with ..._INFERENCE_ONLY)

   ======================================================================
   3. CONVENTIONS
   ======================================================================
   - Tensors are NHWC float32 in the training half (the layout the int8
     side uses). Conv weights are [cout][kh][kw][cin/groups]; depthwise
     weights are [kh][kw][c]; fully-connected weights are [out][in].
   - Errors, one convention (the statuses: DP_STATUS_LIST in >>common):
     * What a call returns. A fallible call returns a dp_status as an int:
       DP_OK (0) or a negative error; one that creates something returns
       its index (a node id, a tensor id, ...) >= 0 or a negative status.
       Constructors that return a pointer return NULL on failure, and set
       *status when they take an `int *status`. Getters that cannot fail
       return their value.
     * Where the message is: one place per call, chosen by its kind.
       1. A call with `char *err, size_t err_cap` arguments (files, data
          decoders and sets, gunzip, checkpoints, the scheduler's check,
          arena check and parser, TFLite, export, fit, the pruner's
          constructor) writes a NUL-terminated message there (truncated to
          err_cap; err may be NULL) and nowhere else.
       2. Otherwise a call on a dp_graph leaves it in the graph:
          dp_graph_error(g), with dp_graph_status(g). It keeps its first
          error and is sticky: a builder given a negative node id returns
          that error unchanged, so a whole network can be built and
          checked once at the end.
       3. The int8 model calls format nothing (no stdio in firmware): a
          failed dp_model_init or dp_mb_finish sets m->why / b->why to a
          fixed string naming the check (and ->where to the op or tensor
          index, -1 if neither); the other dp_model_* and dp_mb_* calls
          return the status alone (the builder's first error is sticky).
       4. dp_sched_plan's result carries its own: r->error.
       5. A bad argument with nowhere to write (a NULL object, an index
          out of range) and the few writers without an err argument
          (dp_checkpoint_save, dp_model_save, dp_wav_write, ...) return the
          status alone: dp_status_str(st) is the message.
   - The header never calls exit() or abort().
   - Public names start with dp_, private ones with dp__, macros with DP_.
   - Framework conventions, for porting weights and comparing results:
     * 'same' padding is TensorFlow's: the output has ceil(n / stride)
       cells per dimension; the total padding max((out - 1) stride +
       (k - 1) dilation + 1 - n, 0) is split with the odd cell at the
       bottom/right.
     * Average pooling over a window that overlaps the padding divides by
       the cells inside the input (Keras/TensorFlow; PyTorch's AvgPool2d
       counts the padding unless count_include_pad=False), in the float
       training kernels and the int8 ones alike.
     * Batch norm: y = (x - mean) / sqrt(var + eps) gamma + beta; training
       normalises with the batch mean and biased variance over N*H*W and
       updates running = (1 - momentum) running + momentum batch with the
       unbiased batch variance. eps 1e-5 and momentum 0.1 as PyTorch (Keras
       defaults differ: eps 1e-3, and its momentum 0.99 is 0.01 here); both
       can be set per layer with dp_bn_set_params.
     * SGD (momentum, Nesterov, no dampening) and Adam (bias-corrected) use
       torch.optim's update formulas. Weight decay is coupled L2 (grad + wd
       w, not AdamW's decoupled form), on conv/FC kernels only (not biases,
       not batch-norm gamma/beta), and only on kernels the last backward
       pass reached: the kernel of a branch that sends no gradient to the
       loss is not decayed (momentum still moves it; PyTorch skips a
       parameter whose .grad is None altogether).
     * A depthwise conv with a channel multiplier (groups = cin, cout =
       k cin, k > 1) is a grouped conv with the generic [cout][kh][kw][1]
       weights, output channel o reading input channel o / k (PyTorch's
       weight[o][0][ky][kx]); only k = 1 uses the depthwise [kh][kw][c].
     * Fully connected layers flatten NHWC: input index (y W + x) C + c.
       PyTorch flattens NCHW (c H W + y W + x), so the columns of a PyTorch
       Linear weight that follows a conv must be permuted.
     * LeakyReLU: y = x for x > 0, slope * x otherwise; DP_LEAKY_SLOPE is
       PyTorch's default 0.01 (Keras' layer defaults to 0.3).
   - Adding an op to the training graph: one dp_op value (before
     DP_OP_COUNT), its forward/backward kernels, one row of the op table
     (>>optable, which lists what a row holds) and its layer function.
     Masks, pruning and compaction need nothing more for an op that keeps
     its input's channels; the int8 exporter (>>export) refuses an op it
     has no lowering for, by name. dp_leaky_relu was added this way.
*/
#ifndef DIFFPRUNE_H
#define DIFFPRUNE_H

#include <stddef.h>
#include <stdint.h>

/* DP_API: the linkage of every public function (>>options) */
#ifndef DP_API
#ifdef DIFFPRUNE_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define DP_API static __attribute__((unused))   /* no warning for the unused */
#else
#define DP_API static
#endif
#else
#define DP_API extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== */
/* >>common                                                               */
/* ====================================================================== */
#define DP_VERSION_MAJOR 0
#define DP_VERSION_MINOR 1
#define DP_VERSION_PATCH 0
#define DP_VERSION_STRING "0.1.0"

/* Every status, one line each: X(name, value, message). A new status is
   one more line here; the enum and dp_status_str are generated from it.
   Values: 0, then consecutive negatives (an error is < 0). */
#define DP_STATUS_LIST(X) \
    X(DP_OK,               0, "ok")                                          \
    X(DP_ERR_ARG,         -1, "bad argument")   /* NULL, out of range     */ \
    X(DP_ERR_SHAPE,       -2, "shape mismatch") /* shapes do not fit      */ \
    X(DP_ERR_NOMEM,       -3, "out of memory")  /* allocation failed      */ \
    X(DP_ERR_IO,          -4, "i/o error")      /* file not read/written  */ \
    X(DP_ERR_FORMAT,      -5, "corrupt or unrecognised data") /* truncated, bad magic */ \
    X(DP_ERR_CRC,         -6, "checksum mismatch")                           \
    X(DP_ERR_NAN,         -7, "NaN or infinity")                             \
    X(DP_ERR_BUDGET,      -8, "impossible budget") /* resource budget     */ \
    X(DP_ERR_UNSUPPORTED, -9, "unsupported")    /* valid, not supported   */ \
    X(DP_ERR_LIMIT,      -10, "size limit exceeded") /* ops, states, arena */

typedef enum dp_status {
#define DP__STATUS_ENUM(name, value, msg) name = value,
    DP_STATUS_LIST(DP__STATUS_ENUM)  /* (a trailing comma: C99, C++11) */
#undef DP__STATUS_ENUM
} dp_status;

/* A short English name for a status ("ok", "shape mismatch", ...);
   "unknown status" for a value not in DP_STATUS_LIST. Never NULL. */
DP_API const char *dp_status_str(int status);

/* CRC-32 (zlib polynomial). Start with crc = 0; calls chain. */
DP_API uint32_t dp_crc32(uint32_t crc, const void *data, size_t n);

/* ====================================================================== */
/* >>api_infer                                                            */
/* ====================================================================== */
/* Int8 inference: a model blob (".dpm") used in place from flash, a caller-
   owned arena, no malloc, no float, no libc.

       static dp_model m;                 // small; keeps pointers into blob
       static int8_t arena[N];            // N >= dp_model_arena_size(&m)
       if (dp_model_init(&m, blob, blob_len) != DP_OK) ...   // validates all
       int8_t *in = dp_model_input(&m, arena, NULL);  ... fill it ...
       dp_model_run(&m, arena, sizeof arena);
       int cls = dp_model_output_argmax(&m, arena);

   >>quant  Quantisation. real = scale * (q - zero_point). Activations: int8,
   one (scale, zero point) per tensor. Weights: int8, symmetric (zero point
   0), one scale per output channel. Bias: int32, scale in_scale*w_scale[c],
   zero point 0. Everything is NHWC with batch 1.

   >>requant  Requantisation, bit-exact with TFLite Micro's reference int8
   kernels (gemmlowp rounding). A real multiplier M (e.g. in_scale *
   w_scale[c] / out_scale) is stored as an int32 Q31 `mult` in [2^30, 2^31)
   (or 0) and a `shift` in [-31, 30], M ~= mult * 2^(shift-31); positive
   shift = left shift. Then, for an int32 x:

     dp_qmul(x, mult, shift)            MultiplyByQuantizedMultiplier
        = dp_qdiv_pot(dp_qmul_high(x << max(shift,0), mult), max(-shift,0))
     dp_qmul_high(a, b)                 SaturatingRoundingDoublingHighMul
        = floor((a*b + 2^30) / 2^31), the exact 64-bit product rounded to
          nearest with ties towards +infinity (gemmlowp writes it as adding
          a nudge of 2^30 or 1-2^30 and dividing with truncation: the same
          number). Its only overflow, a == b == INT32_MIN, gives INT32_MAX.
     dp_qdiv_pot(x, e)                  RoundingDivideByPOT, 0 <= e <= 31
        = x / 2^e rounded to nearest, ties away from zero.
     x << s wraps in two's complement as hardware does; TFLite leaves that
        overflow undefined and real multipliers (< 1) never reach it.

   A kernel output is y = clamp(dp_qmul(acc, mult, shift) + out_zp,
   act_min, act_max), act_min/act_max being the fused activation (ReLU:
   [out_zp, 127], ReLU6: [out_zp, out_zp + round(6/out_scale)]) in the
   output's quantised domain. Accumulators are int32:
   acc = sum (x - in_zp) * w  (+ bias, added with int32 wrap-around).
   Kernels compute exactly TFLite's formulas:
     conv/dwconv/fc  acc over the taps inside the image (padding = real 0)
     add (n inputs)  s_i = dp_qmul((x_i - zp_i) << 20, m_i, sh_i),
                     y = clamp(dp_qmul(sum s_i, m_out, sh_out) + zp_out),
                     m_i/sh_i from scale_i / (2 * max scale) and m_out/sh_out
                     from 2 * max scale / (2^20 * out_scale) (TFLite's
                     two-input formula, generalised to n <= 8 inputs)
     chmul           y = clamp(dp_qmul((x-zx)*(s[c]-zs), m, sh) + zp_out)
     concat          copy, or y = clamp(dp_qmul(x - zx, m, sh) + zp_out)
     maxpool         max of raw int8 values (in and out share scale/zp)
     avgpool, gap    acc = sum of raw values over the taps inside the image,
                     n = their count, y = sign(acc) * ((|acc| + n/2) / n)
                     (TFLite's rounding), then the clamp
     softmax         see dp_softmax_s8 below.

   >>dpm  The model file (".dpm"). Little-endian; every offset is from the
   start of the blob; the blob must be 4-byte aligned (int32 arrays are read
   in place) and the host little-endian.

     header, 48 bytes
       off  type     field
         0  u8[4]    magic "DPMB"
         4  u16      format version (1)
         6  u16      header size (48)
         8  u32      total length, CRC included (multiple of 4)
        12  u32      arena size in bytes (the peak-memory plan)
        16  u16      number of tensors T (>= 2)
        18  u16      number of ops O (1 .. 65534), in execution order
        20  u16      input tensor id
        22  u16      output tensor id
        24  u32      tensor table offset (= 48)
        28  u32      op table offset (= 48 + 24*T)
        32  u32      data offset (= 48 + 24*T + 64*O)
        36  u32,u32  total MACs, low and high word
        44  u32      flags (0)
     tensor record, 24 bytes, T of them
         0  u32      arena offset
         4  u32      bytes (= h*w*c)
         8  u16 x3   h, w, c (each >= 1)
        14  i16      zero point (-128..127)
        16  u16      first: step that writes it (0 = the model input,
                     k+1 = op k)
        18  u16      last: last step that reads it (>= every reader's k+1;
                     O+1 for the model output)
        20  u32      scale, IEEE-754 float32 bits (for display only)
     op record, 64 bytes, O of them
         0  u8       kind (DP_MOP_*)
         1  u8       number of inputs n
         2  u16      output tensor id
         4  u16[8]   input tensor ids (unused slots 0)
        20  u8 x10   kh, kw, stride_h, stride_w, dil_h, dil_w,
                     pad_top, pad_left, pad_bottom, pad_right
                     (conv, dwconv, gconv, pools; all 0 for other
                     kinds)
        30  i8,i8    act_min, act_max
        32  u32,u32  weights offset, byte length (int8; softmax: u16[256])
        40  u32      bias offset (int32[cout]; 0 = none)
        44  u32      kernel-sum offset (int32[cout], sum of each output
                     channel's weights; conv and fc)
        48  u32      multiplier offset (int32: [cout], or [n] for add/concat)
        52  u32      shift offset (int32, same count)
        56  i32,i32  output multiplier, output shift (add, chmul);
                     gconv2d: groups G, then 0
     data: the arrays above, each at a 4-aligned offset; unused offsets 0
     CRC-32 (zlib) of bytes [0, total length - 4), in the last 4 bytes

     kind         inputs                 arrays / fields used
     1 conv2d     x                      w, bias?, ksum, mult+shift[cout]
     2 dwconv2d   x                      w, bias?, mult+shift[cout]
     3 fc         x (any h,w,c)          w, bias?, ksum, mult+shift[cout]
     4 add        x0..x(n-1), n = 2..8   mult+shift[n] (shift <= 0),
                                         output multiplier/shift
     5 maxpool    x                      geometry (dilation 1, pad < k)
     6 avgpool    x                      geometry (dilation 1, pad < k)
     7 gap        x                      -
     8 chmul      x, s (1x1xC)           output multiplier/shift
     9 concat     x0..x(n-1), n = 1..8   mult+shift[n]
    10 softmax    x                      u16 table[256] as the weights
    11 gconv2d    x                      w, bias?, ksum, mult+shift[cout],
                                         groups G at offset 56
    12 softmaxq   x (rows of c <= 511)   i32 exp table[256] as the weights
                                         (TFLite Micro's softmax, >>tflm_kernels)
    13 lut        x                      i8 table[256] as the weights:
                                         y = table[x + 128] (TFLM's LOGISTIC)
    14 mean       x -> 1x1xC             output multiplier/shift (TFLM MEAN)
    15 mul        x0, x1 (same shape)    output multiplier/shift (TFLM MUL)
     Fields a kind does not use must be 0 (act_min/act_max: -128/127 for
     concat, softmax, softmaxq, lut and mean); pools and gap keep the
     input's scale and zero point; softmax and softmaxq output is scale
     1/256, zero point -128.
     (>>grouped) dwconv2d with a channel multiplier: cout = M * cin (M >= 1,
     implied by the shapes; M = 1 is plain depthwise), weights
     [kh][kw][cout] as TFLite/CMSIS-NN store them, output channel
     oc = ic * M + m reads input channel ic = oc / M. gconv2d, grouped
     convolution: G groups, 2 <= G <= cin, G divides cin and cout; weights
     [cout][kh][kw][cin/G] (the training half's layout); output channel oc
     reads input channels [g*cin/G, (g+1)*cin/G), g = oc / (cout/G);
     kh*kw*cin/G <= DP_MAX_REDUCTION; MACs out.h*out.w*cout*kh*kw*cin/G.
     The exporter writes a training-half conv with groups == cin as
     dwconv2d (transposing its [cout][kh][kw][1] weights), 1 < groups < cin
     as gconv2d.

   Liveness: a tensor occupies [off, off+bytes) of the arena from step
   `first` to step `last`. Two tensors may share arena bytes only if those
   intervals are disjoint, with one exception: an ADD may write its output
   over one of its inputs (same offset and size) when that input dies at
   the ADD (input.last == output.first).

   dp_model_init() checks everything before anything runs: magic, version,
   CRC, the table layout, every tensor (shape, size, zero point, offset+size
   inside the arena, liveness interval), every op (kind, input count, ids in
   range, producers before consumers, geometry and the output shape it
   implies, array offsets/lengths inside the data section, multipliers >= 0,
   shifts in range, kernel sums, softmax table), the MAC total, and that no
   two live tensors overlap. Limits: conv kh*kw*cin and fc inputs <= 65536
   (so int32 accumulators are exact), pooling windows <= 65536 values,
   blob and arena < 2 GiB. Errors: DP_ERR_ARG (NULL, misaligned blob),
   DP_ERR_FORMAT, DP_ERR_CRC, DP_ERR_UNSUPPORTED (version, flags, op kind,
   limits, big-endian host); m->why then names the failed check and
   m->where the op or tensor index (-1 if neither). Init reads the blob
   once for the CRC and the conv/fc weights once more for the kernel sums.
   After init the blob must stay unchanged. The kernels
   need no scratch: dp_model_arena_size() is the whole RAM need besides the
   stack. The model input tensor may be overwritten by the run. */

#define DP_MODEL_VERSION 1
#define DP_MAX_OP_INPUTS 8
#define DP_MAX_REDUCTION 65536   /* conv kh*kw*cin, fc inputs              */
#define DP_MAX_POOL_COUNT 65536  /* values in one pooling window           */
#define DP_SOFTMAX_SCALE_BITS 0x3B800000u  /* 1/256 as float32 bits        */

/* Model op kinds: written to files, never renumber. */
enum {
    DP_MOP_CONV2D = 1, DP_MOP_DWCONV2D = 2, DP_MOP_FC = 3, DP_MOP_ADD = 4,
    DP_MOP_MAXPOOL = 5, DP_MOP_AVGPOOL = 6, DP_MOP_GAP = 7, DP_MOP_CHMUL = 8,
    DP_MOP_CONCAT = 9, DP_MOP_SOFTMAX = 10, DP_MOP_GCONV2D = 11,
    /* TFLite Micro's formulas (>>tflm_kernels): */
    DP_MOP_SOFTMAXQ = 12, DP_MOP_LUT = 13, DP_MOP_MEAN = 14, DP_MOP_MUL = 15,
    DP_MOP_KIND_COUNT = 16
};

typedef struct dp_shape { int32_t h, w, c; } dp_shape;   /* NHWC, batch 1 */

/* ---- requantisation (see >>requant) ---- */
DP_API int32_t dp_qmul_high(int32_t a, int32_t b);
DP_API int32_t dp_qdiv_pot(int32_t x, int32_t exponent);        /* clamped to 0..31 */
DP_API int32_t dp_qmul(int32_t x, int32_t mult, int32_t shift); /* clamped -31..30  */

/* ---- >>api_kernels  int8 kernels ----
   Output first, then inputs, weights, parameters, shapes. Kernels trust
   their arguments (the loader has checked them); outputs never overlap
   inputs except dp_add_s8, whose output may be exactly one of its inputs. */
typedef struct dp_qconv_params {          /* conv2d and depthwise          */
    int32_t kh, kw, stride_h, stride_w, dil_h, dil_w;
    int32_t pad_t, pad_l, pad_b, pad_r;
    int32_t in_zp, out_zp, act_min, act_max;
} dp_qconv_params;
typedef struct dp_qfc_params { int32_t in_zp, out_zp, act_min, act_max; } dp_qfc_params;
typedef struct dp_qpool_params {
    int32_t kh, kw, stride_h, stride_w, pad_t, pad_l, pad_b, pad_r;
    int32_t act_min, act_max;
} dp_qpool_params;
typedef struct dp_qadd_params {
    int32_t n;                                   /* 2..DP_MAX_OP_INPUTS    */
    int32_t in_zp[DP_MAX_OP_INPUTS], in_mult[DP_MAX_OP_INPUTS];
    int32_t in_shift[DP_MAX_OP_INPUTS];          /* <= 0                   */
    int32_t out_zp, out_mult, out_shift, act_min, act_max;
} dp_qadd_params;
typedef struct dp_qchmul_params {
    int32_t x_zp, s_zp, out_zp, mult, shift, act_min, act_max;
} dp_qchmul_params;
typedef struct dp_qconcat_params {
    int32_t n;                                   /* 1..DP_MAX_OP_INPUTS    */
    int32_t in_c[DP_MAX_OP_INPUTS], in_zp[DP_MAX_OP_INPUTS];
    int32_t mult[DP_MAX_OP_INPUTS], shift[DP_MAX_OP_INPUTS];
    int32_t out_zp;                              /* (mult, shift) = (2^30, 1)
                                                    with equal zero points
                                                    is the identity: copied */
} dp_qconcat_params;

/* conv2d: y[out.h][out.w][out.c], x[in.h][in.w][in.c],
   w[out.c][kh][kw][in.c]; bias, ksum, mult, shift [out.c]. bias may be
   NULL. ksum[c] = sum of w[c][..] lets the zero point leave the inner loop;
   NULL works too (slower). */
DP_API void dp_conv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                  const int32_t *bias, const int32_t *ksum,
                  const int32_t *mult, const int32_t *shift,
                  const dp_qconv_params *p, dp_shape in, dp_shape out);
/* depthwise, channel multiplier 1: w[kh][kw][c]; in.c == out.c */
DP_API void dp_dwconv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                    const int32_t *bias, const int32_t *mult,
                    const int32_t *shift, const dp_qconv_params *p,
                    dp_shape in, dp_shape out);
/* depthwise, any channel multiplier M >= 1 (see >>grouped): out.c =
   M * in.c, w[kh][kw][out.c], output channel oc reads input channel
   oc / M. The interpreter runs it for M > 1 (dp_dwconv2d_s8 is faster
   for M = 1). */
DP_API void dp_dwconv2d_mult_s8(int8_t *y, const int8_t *x, const int8_t *w,
                         const int32_t *bias, const int32_t *mult,
                         const int32_t *shift, const dp_qconv_params *p,
                         dp_shape in, dp_shape out);
/* grouped conv (see >>grouped): w[out.c][kh][kw][in.c/groups]; bias,
   ksum, mult, shift [out.c]; groups divides in.c and out.c. ksum as for
   dp_conv2d_s8 (NULL works too). */
DP_API void dp_gconv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                   const int32_t *bias, const int32_t *ksum,
                   const int32_t *mult, const int32_t *shift,
                   const dp_qconv_params *p, int32_t groups,
                   dp_shape in, dp_shape out);
/* fully connected: y[n_out], x[n_in], w[n_out][n_in] */
DP_API void dp_fc_s8(int8_t *y, const int8_t *x, const int8_t *w,
              const int32_t *bias, const int32_t *ksum, const int32_t *mult,
              const int32_t *shift, const dp_qfc_params *p,
              int32_t n_in, int32_t n_out);
/* y = x[0] + ... + x[n-1], `count` values each; y may equal one x[i] */
DP_API void dp_add_s8(int8_t *y, const int8_t *const *x, const dp_qadd_params *p,
               int32_t count);
DP_API void dp_maxpool_s8(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                   dp_shape in, dp_shape out);
DP_API void dp_avgpool_s8(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                   dp_shape in, dp_shape out);
/* global average pool: y[in.c] */
DP_API void dp_gap_s8(int8_t *y, const int8_t *x, int32_t act_min, int32_t act_max,
               dp_shape in);
/* channel-wise multiply (squeeze-excite): y[h][w][c] = x[h][w][c] * s[c] */
DP_API void dp_chmul_s8(int8_t *y, const int8_t *x, const int8_t *s,
                 const dp_qchmul_params *p, dp_shape in);
/* channel concat of p->n inputs of hw pixels each */
DP_API void dp_concat_s8(int8_t *y, const int8_t *const *x,
                  const dp_qconcat_params *p, int32_t hw);
/* Softmax over the last axis of `rows` rows of n values. Output scale 1/256,
   zero point -128 (TFLite's int8 convention). Integer method: with d =
   max(row) - x in 0..255, table[d] ~= 65535 * exp(-beta * in_scale * d)
   (non-increasing, made on the host), S = sum of table[d] over the row,
   R = floor((2^32-1) / S), y = min(255, (table[d]*256*R + 2^31) >> 32) - 128.
   Monotone in x; the outputs (+128) sum to 256 within n/2. */
DP_API void dp_softmax_s8(int8_t *y, const int8_t *x, const uint16_t *table,
                   int32_t rows, int32_t n);
DP_API int32_t dp_argmax_s8(const int8_t *x, int32_t n);  /* first max; -1 if n<1 */

/* ---- >>api_tflm  TensorFlow Lite Micro's own int8 formulas ----
   For models imported from .tflite (>>api_tflite), bit-exact with TFLM's
   reference kernels. Integer only; the float parts of TFLM's Prepare()
   are done on the host when the model is built.
   softmaxq  TFLM's int8 softmax (gemmlowp fixed point): exp_tab[d] is
             exp_on_negative_values of the rescaled difference d = max - x
             (Q0.31, 0 where d is beyond TFLM's diff_min), made on the host
             by dp_softmaxq_table. Per row: S = sum RoundingDivideByPOT(
             exp_tab[d], 12) (Q12.19), r = 1/S by gemmlowp's Newton-Raphson
             (GetReciprocal), y = RoundingDivideByPOT(SRDHM(r, exp_tab[d]),
             nbits + 23) - 128. Rows up to 511 values keep every shift in
             range (TFLM's own limit is looser but shifts past 31 there).
   lut       y = table[x + 128]: any int8 -> int8 function, e.g. TFLM's
             LOGISTIC (dp_logistic_table).
   mean      TFLM's int8 MEAN over height and width: acc = sum(x - in_zp),
             acc = dp_qmul(acc, mult, shift), y = clamp(round_half_away(
             acc / n) + out_zp).
   mul       TFLM's int8 MUL: y = clamp(dp_qmul((x0-z0)*(x1-z1), m, sh) +
             out_zp, act_min, act_max). */
DP_API void dp_softmaxq_s8(int8_t *y, const int8_t *x, const int32_t *exp_tab,
                    int32_t rows, int32_t n);
DP_API void dp_lut_s8(int8_t *y, const int8_t *x, const int8_t *table, int32_t count);
DP_API void dp_mean_s8(int8_t *y, const int8_t *x, int32_t in_zp, int32_t out_zp,
                int32_t mult, int32_t shift, dp_shape in);
DP_API void dp_mul_s8(int8_t *y, const int8_t *x0, const int8_t *x1,
               const dp_qchmul_params *p, int32_t count);
#define DP_SOFTMAXQ_MAX_N 511

/* ---- >>api_model  load and run a .dpm ---- */
typedef struct dp_model {       /* caller-owned; filled by dp_model_init   */
    const uint8_t *blob;        /* the validated blob, used in place       */
    uint32_t len, arena_size, n_tensors, n_ops, input, output;
    uint32_t ops_off, data_off, ready;
    uint64_t macs;
    const char *why;            /* after a failed init: the failed check   */
    int32_t where;              /* ... and the op or tensor index, or -1   */
} dp_model;

typedef struct dp_tensor_info {
    uint32_t offset, bytes;     /* where it lives in the arena             */
    dp_shape shape;
    int32_t zero_point;
    uint32_t scale_bits;        /* float32 bits of the scale (display)     */
} dp_tensor_info;

typedef struct dp_mop_info {    /* one op, for `diffprune info`            */
    int32_t kind;
    const char *name;
    int32_t n_inputs, inputs[DP_MAX_OP_INPUTS], output;
    dp_shape in_shape, out_shape;   /* first input, output                 */
    int32_t kh, kw, stride_h, stride_w, dil_h, dil_w;
    int32_t pad_t, pad_l, pad_b, pad_r, act_min, act_max;
    uint64_t macs;
    uint32_t param_bytes;       /* weights, bias, kernel sums, requant     */
    int32_t groups;             /* gconv2d: G; other kinds 1               */
} dp_mop_info;

DP_API int dp_model_init(dp_model *m, const void *blob, size_t blob_len);
DP_API size_t dp_model_arena_size(const dp_model *m);
DP_API int dp_model_run(const dp_model *m, void *arena, size_t arena_len);
DP_API int dp_model_n_ops(const dp_model *m);
DP_API int dp_model_n_tensors(const dp_model *m);
DP_API uint64_t dp_model_macs(const dp_model *m);
DP_API int dp_model_tensor(const dp_model *m, int id, dp_tensor_info *ti);
/* pointers into the arena (NULL if m is not ready); ti may be NULL */
DP_API int8_t *dp_model_input(const dp_model *m, void *arena, dp_tensor_info *ti);
DP_API int8_t *dp_model_output(const dp_model *m, void *arena, dp_tensor_info *ti);
/* index of the largest output value, or a negative dp_status */
DP_API int dp_model_output_argmax(const dp_model *m, const void *arena);
DP_API int dp_model_op(const dp_model *m, int i, dp_mop_info *oi);
DP_API const char *dp_mop_name(int kind);

/* CRC-32 (zlib polynomial), start with crc = 0 (defined in >>common) */

/* ---- >>api_mfcc  audio front-end for keyword spotting (both halves) ----
   Fixed-point MFCCs, the features the paper's KWS networks take: 16 kHz
   int16 audio, 40 ms frames (640 samples) every 20 ms (320), periodic Hann
   window, 1024-point FFT, power spectrum, 40 triangular mel bands (HTK mel
   scale, 20 Hz to 4 kHz), natural log (energies below 1 are floored to 1;
   the unit is one int16 step), orthonormal DCT-II, 10 coefficients. One
   second gives 49 x 10 features. Only integers: no float, no malloc, no
   libc; the same code makes the training features on the host and runs in
   firmware, so both see identical bytes.
   Output is int8, ready for a model whose input has scale
   DP_MFCC_INPUT_SCALE (1/32) and zero point 0 (dp_graph_set_input_quant):
       q0 = round(1.25 * (c0 - 90)),  qn = round(3 * cn)  (n >= 1),
   clamped to [-128, 127] (c0 tracks loudness, 0..180; the rest lie within
   about +-40). Against a float64 evaluation of the same formulas every
   feature is within 1 int8 step (tests/test_mfcc.c checks this on
   synthetic signals and on every test clip of a KWS set).
   Cost: a frame is one 512-point complex FFT on int32 with 64-bit products:
   about 166 K instructions per frame, 8.1 M per second of audio on a
   Cortex-M4 (43 M on an M0, where 64-bit products are library calls);
   `make -C mcu kws` prints the count. Scratch: DP_MFCC_WORK int32 (4 KB). */
#define DP_MFCC_RATE 16000
#define DP_MFCC_WINDOW 640
#define DP_MFCC_HOP 320
#define DP_MFCC_FFT 1024
#define DP_MFCC_MELS 40
#define DP_MFCC_COEFFS 10
#define DP_MFCC_WORK 1024            /* int32_t words of scratch          */
#define DP_MFCC_INPUT_SCALE (1.0f / 32.0f)
/* frames in n samples: 49 for one second */
#define DP_MFCC_FRAMES(n) ((n) < DP_MFCC_WINDOW ? 0 : 1 + ((n) - DP_MFCC_WINDOW) / DP_MFCC_HOP)

/* One frame: x[640] -> out[10]. work: DP_MFCC_WORK int32_t. */
DP_API int dp_mfcc_frame(const int16_t *x, int8_t *out, int32_t *work);
/* A clip: n samples -> DP_MFCC_FRAMES(n) x 10 features, frame-major (the
   model's 49x10x1 input). out_cap: room in out (bytes). Returns the frame
   count, or DP_ERR_SHAPE when n < 640 or out is too small, DP_ERR_ARG for
   NULL pointers. */
DP_API int dp_mfcc(const int16_t *audio, int n, int8_t *out, int out_cap, int32_t *work);

#ifndef DIFFPRUNE_INFERENCE_ONLY
/* ---- >>api_ref  hosted: reference kernels (the test oracle), same arguments ---- */
DP_API void dp_conv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                      const int32_t *bias, const int32_t *mult,
                      const int32_t *shift, const dp_qconv_params *p,
                      dp_shape in, dp_shape out);
DP_API void dp_dwconv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                        const int32_t *bias, const int32_t *mult,
                        const int32_t *shift, const dp_qconv_params *p,
                        dp_shape in, dp_shape out);
DP_API void dp_gconv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *mult,
                       const int32_t *shift, const dp_qconv_params *p,
                       int32_t groups, dp_shape in, dp_shape out);
DP_API void dp_fc_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                  const int32_t *bias, const int32_t *mult,
                  const int32_t *shift, const dp_qfc_params *p,
                  int32_t n_in, int32_t n_out);
DP_API void dp_add_s8_ref(int8_t *y, const int8_t *const *x,
                   const dp_qadd_params *p, int32_t count);
DP_API void dp_maxpool_s8_ref(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                       dp_shape in, dp_shape out);
DP_API void dp_avgpool_s8_ref(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                       dp_shape in, dp_shape out);
DP_API void dp_gap_s8_ref(int8_t *y, const int8_t *x, int32_t act_min,
                   int32_t act_max, dp_shape in);
DP_API void dp_chmul_s8_ref(int8_t *y, const int8_t *x, const int8_t *s,
                     const dp_qchmul_params *p, dp_shape in);
DP_API void dp_concat_s8_ref(int8_t *y, const int8_t *const *x,
                      const dp_qconcat_params *p, int32_t hw);
DP_API void dp_softmax_s8_ref(int8_t *y, const int8_t *x, const uint16_t *table,
                       int32_t rows, int32_t n);

/* ---- >>api_qhelpers  hosted: quantisation helpers ---- */
/* TFLite's QuantizeMultiplier: real >= 0 -> mult in [2^30, 2^31) and shift
   with real ~= mult * 2^(shift-31); real < 2^-32 or so flushes to (0, 0).
   DP_ERR_ARG for negative/NaN, DP_ERR_UNSUPPORTED if shift would be > 30. */
DP_API int dp_qmul_from_real(double real, int32_t *mult, int32_t *shift);
/* Activation clamp in the quantised domain, as TFLite computes it:
   lo = zp, hi = zp + round(cap / scale), each clamped to [-128, 127];
   cap <= 0 means plain ReLU (hi = 127). */
DP_API int dp_qact_relu(float scale, int32_t zero_point, double cap,
                 int32_t *lo, int32_t *hi);
/* Softmax table (see dp_softmax_s8) for an input scale and beta. */
DP_API void dp_softmax_table(double in_scale, double beta, uint16_t table[256]);

/* ---- hosted >>tflm_kernels: tables made the way TFLM's Prepare() makes
   its parameters, and plain oracles ----
   dp_softmaxq_table: TFLM's PreprocessSoftmaxScaling(beta, in_scale, 5
   integer bits) and diff_min, then exp_on_negative_values of every
   difference 0..255. DP_ERR_UNSUPPORTED when beta*in_scale is too small
   for TFLM's multiplier (< 2^-26) or not finite. dp_logistic_table: TFLM's
   int8 LOGISTIC for every input value (output scale 1/256, zp -128). */
DP_API int dp_softmaxq_table(double in_scale, double beta, int32_t exp_tab[256]);
DP_API int dp_logistic_table(float in_scale, int32_t in_zp, int8_t table[256]);
/* TFLite's int8 LEAKY_RELU for every input value, as a lut table: with
   x = q - in_zp, y = clamp(out_zp + dp_qmul(x, m, s)), (m, s) from
   in_scale / out_scale for x >= 0 and from alpha * in_scale / out_scale
   for x < 0 (float products and quotients, then TFLite's
   QuantizeMultiplier, as its Prepare does). DP_ERR_ARG for bad scales or
   zero points; DP_ERR_UNSUPPORTED for a negative or non-finite alpha (no
   negative multipliers here) or a multiplier out of range. */
DP_API int dp_leaky_relu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                        float alpha, int8_t table[256]);
DP_API void dp_softmaxq_s8_ref(int8_t *y, const int8_t *x, double in_scale, double beta,
                        int32_t rows, int32_t n);
DP_API void dp_logistic_s8_ref(int8_t *y, const int8_t *x, float in_scale, int32_t in_zp,
                        int32_t count);
DP_API void dp_mean_s8_ref(int8_t *y, const int8_t *x, int32_t in_zp, int32_t out_zp,
                    int32_t mult, int32_t shift, dp_shape in);
DP_API void dp_mul_s8_ref(int8_t *y, const int8_t *x0, const int8_t *x1,
                   const dp_qchmul_params *p, int32_t count);

/* ---- >>api_builder  hosted: model builder ----
   Assemble a .dpm blob from already-quantised pieces: add the tensors
   (shape, scale, zero point, arena offset chosen by the scheduler), then
   the ops in execution order, name the input and output, finish. Lifetimes,
   arena size, MACs, kernel sums, layout and CRC are computed; the result is
   checked with dp_model_init before it is returned. Errors are sticky:
   after a failure every later call returns it and dp_mb_finish reports it. */
typedef struct dp_mb_op {        /* zero means default                     */
    int kind;                    /* DP_MOP_*                               */
    int n_inputs;                /* ADD 2..8, CONCAT 1..8; 0 = the kind's
                                    fixed count (CHMUL 2, others 1)        */
    int inputs[DP_MAX_OP_INPUTS];/* tensor ids; CHMUL: x, then s[1][1][c]  */
    int output;
    int kh, kw, stride_h, stride_w, dil_h, dil_w;    /* 0 = 1              */
    int pad_t, pad_l, pad_b, pad_r;
    int act_min, act_max;        /* quantised clamp; both 0 = none         */
    const int8_t *weights;       /* CONV [cout][kh][kw][cin], DWCONV
                                    [kh][kw][cout], FC [out][in]           */
    const int32_t *bias;         /* [cout] or NULL                         */
    const float *w_scale;        /* CONV/DW/FC per-channel weight scales:
                                    mult/shift derived as TFLite does ...  */
    const int32_t *mult, *shift; /* ... or given: CONV/DW/FC [cout]; ADD
                                    [n+1] (inputs, then output); CHMUL [1];
                                    CONCAT [n]. For ADD/CHMUL/CONCAT NULL
                                    derives them from the tensor scales    */
    double beta;                 /* SOFTMAX; 0 = 1                         */
    int groups;                  /* GCONV2D: 2..cin, divides cin and cout;
                                    weights [cout][kh][kw][cin/groups]     */
} dp_mb_op;

typedef struct dp_mb {
    void *tensors, *ops;         /* private records                        */
    uint8_t *data;               /* weights etc., 4-aligned arrays         */
    uint32_t n_tensors, cap_tensors, n_ops, cap_ops, data_len, data_cap;
    int input, output, err;
    const char *why;             /* dp_mb_finish: the loader's reason      */
    int32_t where;               /* ... and its op/tensor index, or -1     */
} dp_mb;

DP_API void dp_mb_init(dp_mb *b);
/* returns the tensor id (>= 0) or a negative dp_status */
DP_API int dp_mb_add_tensor(dp_mb *b, int h, int w, int c, float scale,
                     int zero_point, uint32_t arena_offset);
/* returns the op index (>= 0) or a negative dp_status */
DP_API int dp_mb_add_op(dp_mb *b, const dp_mb_op *op);
DP_API int dp_mb_set_io(dp_mb *b, int input, int output);
/* *blob from DP_MALLOC (4-aligned; free with DP_FREE), *len its size */
DP_API int dp_mb_finish(dp_mb *b, void **blob, size_t *len);
DP_API void dp_mb_free(dp_mb *b);
#endif /* !DIFFPRUNE_INFERENCE_ONLY */

#ifndef DIFFPRUNE_INFERENCE_ONLY
/* ====================================================================== */
/* >>api_train                                                            */
/* ====================================================================== */

/* ---- >>api_rng  random numbers: seeded, repeatable (xoshiro128**) ---- */
typedef struct dp_rng { uint32_t s[4]; } dp_rng;
DP_API void     dp_rng_seed(dp_rng *r, uint64_t seed);
DP_API uint32_t dp_rng_u32(dp_rng *r);
DP_API float    dp_rng_uniform(dp_rng *r);            /* [0, 1)          */
DP_API float    dp_rng_normal(dp_rng *r);             /* mean 0, sd 1    */
DP_API uint32_t dp_rng_below(dp_rng *r, uint32_t n);  /* [0, n), unbiased */
DP_API void     dp_rng_shuffle(dp_rng *r, int *a, int n);

/* ---- threads ---- */
DP_API void dp_set_threads(int n);   /* 0 = all cores (OpenMP); 1 without OpenMP */
DP_API int  dp_get_threads(void);

/* ---- >>api_free  memory the library hands over ----
   What the training half allocates and returns to the caller (dp_export's
   and dp_mb_finish's blob, dp_read_file's and dp_gunzip's buffer,
   dp_wav_read's samples) comes from DP_MALLOC: release it with dp_free
   (DP_FREE), which stays right when the allocator is overridden. NULL is
   fine. */
DP_API void dp_free(void *p);

/* ---- >>api_graph  the graph ---- */
typedef enum dp_op {
    DP_OP_INPUT = 0, DP_OP_CONV, DP_OP_BN, DP_OP_RELU, DP_OP_RELU6,
    DP_OP_SIGMOID, DP_OP_SWISH, DP_OP_MAXPOOL, DP_OP_AVGPOOL, DP_OP_GAP,
    DP_OP_FC, DP_OP_ADD, DP_OP_CMUL, DP_OP_CONCAT, DP_OP_FLATTEN,
    DP_OP_DROPOUT, DP_OP_SOFTMAX_CE, DP_OP_LEAKY_RELU,
    DP_OP_COUNT
} dp_op;

/* Name of an op kind ("conv", "bn", ...); the op id is what files store. */
DP_API const char *dp_op_name(int op);

typedef enum dp_pad { DP_PAD_SAME = 0, DP_PAD_VALID = 1, DP_PAD_EXPLICIT = 2 } dp_pad;
typedef enum dp_init { DP_INIT_HE = 0, DP_INIT_GLOROT = 1 } dp_init;
typedef enum dp_act { DP_ACT_NONE = 0, DP_ACT_RELU = 1, DP_ACT_RELU6 = 2, DP_ACT_SWISH = 3 } dp_act;

/* Convolution options; a zeroed struct (or NULL) means: stride 1,
   dilation 1, "same" padding, 1 group, a bias, He initialisation. */
typedef struct dp_conv_opts {
    int stride_h, stride_w;          /* 0 -> 1 */
    int dil_h, dil_w;                /* 0 -> 1 */
    int pad;                         /* dp_pad */
    int pad_t, pad_l, pad_b, pad_r;  /* with DP_PAD_EXPLICIT */
    int groups;                      /* 0 -> 1; = input channels: depthwise */
    int no_bias;                     /* 1: no bias (e.g. before batch norm) */
    int init;                        /* dp_init */
} dp_conv_opts;

/* Pooling options: zero stride means stride = kernel; padding as above
   (default for pooling is VALID when the struct is NULL). */
typedef struct dp_pool_opts {
    int stride_h, stride_w;
    int pad;
    int pad_t, pad_l, pad_b, pad_r;
} dp_pool_opts;

typedef struct dp_graph dp_graph;

/* Information about one node, for reports and the resource model. */
typedef struct dp_node_info {
    int op;                       /* dp_op */
    const char *name;
    int n_in; const int *in;      /* input node ids */
    int h, w, c;                  /* output shape per sample */
    int in_h, in_w, in_c;         /* shape of input 0 */
    int kh, kw, sh, sw, dh, dw;   /* conv / pool geometry */
    int pad_t, pad_l, pad_b, pad_r;
    int groups;
    int has_bias;
    size_t n_weight, n_bias;      /* trainable parameter counts */
    float *weight, *bias;         /* conv/fc: kernel, bias; bn: gamma, beta */
    float *grad_weight, *grad_bias;
    float *running_mean, *running_var;   /* bn only */
    float *out;                   /* output of the last forward [n*h*w*c] */
} dp_node_info;

DP_API dp_graph   *dp_graph_new(uint64_t seed);
DP_API void        dp_graph_free(dp_graph *g);
DP_API const char *dp_graph_error(const dp_graph *g);   /* "" when none */
DP_API int         dp_graph_status(const dp_graph *g);  /* first error or DP_OK */
DP_API int         dp_graph_n_nodes(const dp_graph *g);
DP_API int         dp_graph_node(const dp_graph *g, int id, dp_node_info *info);
DP_API int         dp_graph_find(const dp_graph *g, const char *name);
DP_API size_t      dp_graph_n_params(const dp_graph *g);
DP_API float      *dp_graph_params(dp_graph *g);        /* all trainable parameters */
DP_API float      *dp_graph_grads(dp_graph *g);         /* their gradients          */
DP_API int         dp_graph_output(const dp_graph *g);  /* the last node           */
/* One line per node: name, op, output shape, parameter count. */
DP_API void        dp_graph_print(const dp_graph *g, void *file /* FILE* */);

/* ---- >>api_layers  layers: each returns the new node id, or a negative dp_status ---- */
/* name may be NULL (an automatic name like "conv3" is given). */
DP_API int dp_input(dp_graph *g, const char *name, int h, int w, int c);
DP_API int dp_conv2d(dp_graph *g, const char *name, int x, int cout, int kh, int kw,
              const dp_conv_opts *o);
DP_API int dp_batchnorm(dp_graph *g, const char *name, int x); /* eps 1e-5, momentum 0.1: dp_bn_set_params */
/* A batch norm's eps (added to the variance) and momentum (running = (1 -
   momentum) running + momentum batch; PyTorch's convention), per layer;
   0 means the default (1e-5, 0.1). eps must be finite and > 0, momentum
   in (0, 1]; otherwise DP_ERR_ARG (sticky, like a builder's error). Export
   folds the layer with its own eps; a checkpoint only loads into a graph
   whose layers have the same values (they are part of its structure). */
DP_API int dp_bn_set_params(dp_graph *g, int bn_node, float eps, float momentum);
DP_API int dp_bn_get_params(const dp_graph *g, int bn_node, float *eps, float *momentum);
DP_API int dp_relu(dp_graph *g, const char *name, int x);
DP_API int dp_relu6(dp_graph *g, const char *name, int x);
DP_API int dp_sigmoid(dp_graph *g, const char *name, int x);
DP_API int dp_swish(dp_graph *g, const char *name, int x);
/* LeakyReLU: y = x for x > 0, slope * x otherwise; slope must be finite.
   DP_LEAKY_SLOPE (0.01) is PyTorch's default. Exports to int8 as a 256-entry
   lookup table (.dpm op lut), bit-exact with TFLite's LEAKY_RELU. */
#define DP_LEAKY_SLOPE 0.01f
DP_API int dp_leaky_relu(dp_graph *g, const char *name, int x, float slope);
DP_API int dp_maxpool(dp_graph *g, const char *name, int x, int kh, int kw, const dp_pool_opts *o);
DP_API int dp_avgpool(dp_graph *g, const char *name, int x, int kh, int kw, const dp_pool_opts *o);
DP_API int dp_global_avgpool(dp_graph *g, const char *name, int x);  /* -> 1x1xc */
DP_API int dp_fc(dp_graph *g, const char *name, int x, int units);    /* flattens */
DP_API int dp_add(dp_graph *g, const char *name, int n, const int *xs);
DP_API int dp_add2(dp_graph *g, const char *name, int a, int b);
DP_API int dp_channel_mul(dp_graph *g, const char *name, int x, int scale /* 1x1xc */);
DP_API int dp_concat(dp_graph *g, const char *name, int n, const int *xs);
DP_API int dp_flatten(dp_graph *g, const char *name, int x);
DP_API int dp_dropout(dp_graph *g, const char *name, int x, float p);
/* Softmax cross-entropy over the channels of a 1x1xK node; the loss node
   of the graph. Labels come from dp_graph_set_labels. */
DP_API int dp_softmax_ce(dp_graph *g, const char *name, int logits);

/* Convenience: conv (no bias) + batch norm + activation; returns the last. */
DP_API int dp_conv_bn_act(dp_graph *g, const char *name, int x, int cout, int k,
                   int stride, int groups, int act /* dp_act */);

/* ---- >>api_run  running the graph ---- */
typedef enum dp_mode { DP_EVAL = 0, DP_TRAIN = 1 } dp_mode;
/* Forward pass over a batch of n samples of the (single) input node:
   x is [n * h * w * c]. In DP_TRAIN mode batch norm uses batch statistics
   and updates running ones, dropout drops. The loss and the top-1 hits
   are computed here, with the labels last set for a batch of this size:
   call dp_graph_set_labels before dp_graph_forward (they persist until
   replaced; a forward with another batch size forgets them). */
DP_API int   dp_graph_forward(dp_graph *g, const float *x, int n, int mode);
DP_API int   dp_graph_set_labels(dp_graph *g, const int *labels, int n);
DP_API float dp_graph_loss(const dp_graph *g);         /* mean loss of the batch */
DP_API int   dp_graph_n_correct(const dp_graph *g);     /* top-1 hits in the batch */
/* Reverse-mode pass from the loss node: fills dp_graph_grads (overwrites). */
DP_API int   dp_graph_backward(dp_graph *g);
/* Compares analytic gradients of sum(out * r) (r fixed random) with
   central finite differences, for every parameter (up to max_checks sampled
   per tensor) and the input. Returns the worst relative error. */
DP_API double dp_graph_check_grad(dp_graph *g, int out_node, const float *x, int n,
                           int mode, int max_checks, double eps);
/* The gradient of the loss with respect to the graph's input (saliency
   maps, adversarial or robustness checks). After dp_graph_set_input_grad(g,
   1) every backward pass also computes it; dp_graph_input_grad returns it,
   [n*h*w*c] NHWC for the n samples of the last forward pass (zeros when
   nothing reaches the input). Valid from a dp_graph_backward (or
   dp_train_step) until the next forward pass; NULL outside that, or when
   off. Costs one extra backward kernel for the first layer. */
DP_API int          dp_graph_set_input_grad(dp_graph *g, int on);
DP_API const float *dp_graph_input_grad(const dp_graph *g);

/* ---- >>api_masks  channel masks (the pruner's mechanism; public for custom pruners) ----
   A mask multiplies output channel c of a node by m[c] in every forward
   pass (0/1 when pruning; any value works). With dp_graph_mask_grad(g, 1)
   each backward pass also adds dL/dm[c] = sum over the batch and positions
   of dL/dy * (the output before the mask) into a per-node array, read by
   dp_graph_get_mask_grad and zeroed by dp_graph_clear_mask_grad. The input
   and the loss node take no mask; m = NULL removes one. */
DP_API int           dp_graph_set_mask(dp_graph *g, int node, const float *m /* [c] */);
DP_API const float  *dp_graph_get_mask(const dp_graph *g, int node);   /* NULL: none */
DP_API int           dp_graph_mask_grad(dp_graph *g, int on);
DP_API const double *dp_graph_get_mask_grad(const dp_graph *g, int node);
DP_API void          dp_graph_clear_mask_grad(dp_graph *g);

/* ---- >>api_optim  optimisers, schedules, training steps ---- */
typedef enum dp_optim_kind { DP_SGD = 0, DP_ADAM = 1 } dp_optim_kind;
typedef struct dp_optim_cfg {
    int kind;            /* dp_optim_kind */
    float momentum;      /* SGD: 0.9 is usual                     */
    int nesterov;        /* SGD                                    */
    float weight_decay;  /* L2, on conv/fc kernels the last backward reached */
    float beta1, beta2, eps;  /* Adam; 0 -> 0.9, 0.999, 1e-8      */
} dp_optim_cfg;
typedef struct dp_optim dp_optim;
/* NULL on failure: dp_graph_error(g) says why */
DP_API dp_optim *dp_optim_new(dp_graph *g, const dp_optim_cfg *cfg);
DP_API void      dp_optim_free(dp_optim *o);
DP_API int       dp_optim_step(dp_optim *o, dp_graph *g, float lr);

/* Learning-rate schedules. */
typedef enum dp_lr_kind { DP_LR_CONST = 0, DP_LR_STEP = 1, DP_LR_COSINE = 2 } dp_lr_kind;
typedef struct dp_lr_sched {
    int kind;               /* dp_lr_kind                                   */
    float base;             /* peak learning rate                           */
    long warmup;            /* linear warm-up steps                         */
    long total;             /* cosine: steps to reach final                 */
    float final_lr;         /* cosine floor                                 */
    long step_size;         /* step: multiply by gamma every step_size steps */
    float gamma;
} dp_lr_sched;
DP_API float dp_lr_at(const dp_lr_sched *s, long step);

/* Quantisation-aware training (for the final epochs): with on = 1 every
   forward pass fake-quantises what the int8 model quantises - conv/FC
   weights per output channel (symmetric int8; this commutes with folding
   batch norm, so they are the exported weights) and each fused op's output
   per tensor (asymmetric int8 over a range tracked by an exponential moving
   average while training) - and gradients pass straight through. dp_export
   then uses the tracked ranges. */
DP_API int dp_graph_set_qat(dp_graph *g, int on);
/* Fixes the int8 quantisation of the graph's input (real = scale * (q -
   zero_point)) instead of calibrating it: for inputs that arrive already
   quantised, e.g. dp_mfcc features (DP_MFCC_INPUT_SCALE, 0). dp_export and
   quantisation-aware training use it. */
DP_API int dp_graph_set_input_quant(dp_graph *g, float scale, int zero_point);
/* Fusion of batch norm with a following ReLU/ReLU6 in the forward pass (on
   by default; 0 runs every node by itself, as the gradient check does). */
DP_API void dp_graph_set_fusion(dp_graph *g, int on);
/* Per-node forward/backward timing: on = 1 starts it (clearing earlier
   times), 0 stops it; dp_graph_print_profile writes the nodes, slowest
   first, to file (a FILE *; NULL: stdout). */
DP_API void dp_graph_profile(dp_graph *g, int on);
DP_API void dp_graph_print_profile(const dp_graph *g, void *file);

/* One training step: forward (train mode), loss, backward, optimiser.
   A non-finite loss or gradient returns DP_ERR_NAN (message in
   dp_graph_error, not sticky) and leaves the parameters as they were: the
   graph stays usable, e.g. to go on with a lower learning rate. loss/correct may be NULL. */
DP_API int dp_train_step(dp_graph *g, dp_optim *o, const float *x, const int *y,
                  int n, float lr, float *loss, int *correct);
/* Evaluation over a whole set in batches: accuracy and mean loss. */
DP_API int dp_evaluate(dp_graph *g, const float *x, const int *y, int n, int batch,
                float *acc, float *loss);

/* ---- >>api_ckpt  checkpoints: weights, running statistics, optimiser state, step ----
   Saved atomically (write to PATH.tmp, flush, rename over PATH): a crash
   mid-write leaves the previous checkpoint intact. Loading validates magic,
   version, length, CRC and that the file belongs to this graph's structure
   before anything is copied: on any error the model in memory is unchanged. */
DP_API int dp_checkpoint_save(const char *path, dp_graph *g, const dp_optim *o, long step);
DP_API int dp_checkpoint_load(const char *path, dp_graph *g, dp_optim *o, long *step,
                       char *err, size_t err_cap);

/* ---- >>api_idx  data sets, IDX files, gzip ---- */
typedef struct dp_dataset {
    int n, h, w, c;       /* samples and their shape            */
    int n_classes;
    float *x;             /* [n*h*w*c] scaled to [0,1]          */
    int *y;               /* [n] labels                         */
} dp_dataset;
/* Reads an IDX image file and its label file (raw or gzipped). */
DP_API int  dp_idx_load(const char *images, const char *labels, dp_dataset *ds,
                 char *err, size_t err_cap);
DP_API void dp_dataset_free(dp_dataset *ds);
/* Subtracts mean and divides by sd (in place). */
DP_API void dp_dataset_normalize(dp_dataset *ds, float mean, float sd);
/* Gathers samples idx[0..n) into x/y, with optional augmentation: a random
   shift of up to `crop` pixels (zero-filled, like pad+random crop) and a
   horizontal flip with probability flip. rng may be NULL when both are 0. */
typedef struct dp_augment { int crop; float flip; } dp_augment;
DP_API void dp_dataset_batch(const dp_dataset *ds, const int *idx, int n, float *x,
                      int *y, const dp_augment *aug, dp_rng *rng);

/* Decompresses a gzip file image (all members). DP_ERR_FORMAT "not gzip"
   when the magic is absent. *out is DP_MALLOC'd. */
DP_API int dp_gunzip(const unsigned char *src, size_t n, size_t max_out,
              unsigned char **out, size_t *out_n, char *err, size_t err_cap);
/* Reads a whole file; gunzips it when it starts with the gzip magic. */
DP_API int dp_read_file(const char *path, int gunzip, unsigned char **out,
                 size_t *out_n, char *err, size_t err_cap);

/* ---- >>api_data  your own data: images, sensor CSV and WAV folders ----
   Decoders work on a file image in memory and refuse anything they cannot
   read with DP_ERR_FORMAT (DP_ERR_CRC for a bad PNG chunk CRC,
   DP_ERR_UNSUPPORTED for valid but unhandled variants, DP_ERR_LIMIT past
   the size limits) and a message "NAME: reason"; NAME is the name passed
   (the path, for the file loaders). They never crash on any input
   (tests/fuzz_data.c fuzzes them).
   Images (dp_image_decode picks the format by its magic):
     PNG: every standard colour type and bit depth (gray 1/2/4/8/16, gray +
          alpha 8/16, RGB 8/16, RGBA 8/16, palette 1/2/4/8 with or without
          tRNS), all five filters, Adam7 interlacing, IDAT split over any
          number of chunks, every chunk's CRC and the zlib Adler-32 checked;
          decompressed with the header's own inflate (>>gunzip).
     PPM/PGM: binary P6/P5, maxval 1..65535 (two bytes big-endian > 255).
     BMP: uncompressed 24- and 32-bit (BI_RGB, or BI_BITFIELDS with byte-
          aligned masks; 32-bit BI_RGB is taken as BGRX, no alpha) and 8-bit
          palette, bottom-up and top-down.
   The decoded image keeps the file's channels: c = 1 gray, 2 gray+alpha,
   3 RGB, 4 RGBA (palette images become RGB, RGBA with tRNS, or gray when
   a BMP palette is all gray; a PNG tRNS colour key becomes an alpha
   channel); samples are uint16 in 0..maxval, maxval 255 for 8-bit and
   smaller PNG depths (1/2/4-bit gray scaled up exactly: v * 255/(2^d-1)),
   65535 for 16-bit PNG, the file's own for PPM/PGM. Limits: a side at
   most DP_IMAGE_MAX_SIDE, at most DP_IMAGE_MAX_PIXELS pixels.
   dp_image_resize converts to the network input out[h*w*c] (c = 1 gray or
   3 RGB), floats in [0,1] = sample / maxval: alpha is composited on black
   (white_bg = 0) or white (white_bg = 1); RGB to gray is Rec. 601 luma
   0.299 R + 0.587 G + 0.114 B; gray to RGB repeats the value. Each axis is
   resized on its own: area averaging when shrinking (every source pixel
   weighs by how much of it the output pixel covers), bilinear when
   growing (pixel centres aligned, edges clamped); a same-size axis copies
   the samples exactly. */
#ifndef DP_IMAGE_MAX_SIDE
#define DP_IMAGE_MAX_SIDE 16384
#endif
#ifndef DP_IMAGE_MAX_PIXELS
#define DP_IMAGE_MAX_PIXELS (1L << 26)
#endif
typedef struct dp_image {
    int w, h, c;          /* c: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA      */
    int maxval;           /* largest sample value (255, 65535, PPM's)    */
    uint16_t *px;         /* [h][w][c], DP_MALLOC'd                      */
} dp_image;
DP_API int  dp_image_decode(const unsigned char *buf, size_t n, const char *name,
                     dp_image *img, char *err, size_t err_cap);
DP_API int  dp_image_load(const char *path, dp_image *img, char *err, size_t err_cap);
DP_API void dp_image_free(dp_image *img);
DP_API int  dp_image_resize(const dp_image *img, int h, int w, int c, int white_bg,
                     float *out);
/* A zlib stream (RFC 1950: header, deflate, Adler-32) -> *out, exactly
   `want` bytes when want > 0 (else at most max_out). *out is DP_MALLOC'd;
   err gets "zlib: reason". */
DP_API int  dp_zlib_inflate(const unsigned char *src, size_t n, size_t want, size_t max_out,
                     unsigned char **out, size_t *out_n, char *err, size_t err_cap);

/* Sensor CSV: a header row naming the columns, then one row per time step,
   one column per channel; a column named "timestamp" (any case) is dropped.
   Fields are separated by commas, spaces around them are ignored, and each
   must be a plain decimal number ([+-]digits[.digits][e[+-]digits]): empty
   fields, NaN, inf, text and rows with another field count than the header
   are refused with "NAME:LINE: reason"; so are a file without data rows and
   an empty one. Column names: names + 64*i (at most 63 characters). */
#define DP_CSV_MAX_COLS 256
typedef struct dp_csv {
    int rows, cols;       /* time steps, channels (timestamp dropped)    */
    float *v;             /* [rows][cols], DP_MALLOC'd                   */
    char *names;          /* cols names of 64 bytes each, DP_MALLOC'd    */
} dp_csv;
DP_API int  dp_csv_decode(const unsigned char *buf, size_t n, const char *name,
                   dp_csv *t, char *err, size_t err_cap);
DP_API void dp_csv_free(dp_csv *t);
/* dp_wav_read on a file image in memory (NAME for messages). */
DP_API int  dp_wav_decode(const unsigned char *buf, size_t n, const char *name, int16_t **samples,
                   int *n_samples, int *rate, char *err, size_t err_cap);

/* Folder data sets into dp_dataset, one folder per class:
     dp_image_folder_load  DIR/<class>/FILE.png .ppm .pgm .bmp -> h x w x c
                           images (dp_image_resize); cfg h/w/c 0: the
                           first training image's size and c (1 for
                           gray, else 3)
     dp_csv_folder_load    DIR/<class>/FILE.csv, one recording per file, cut
                           into windows of cfg->window steps every
                           cfg->stride (0: window) -> 1 x window x channels;
                           every file must have the same channels. Each
                           channel is normalised with the mean and standard
                           deviation of the training recordings' rows (sd
                           below 1e-6 counts as 1), given back in info so
                           the firmware can apply the same
     dp_wav_folder_load    DIR/<class>/FILE.wav, one-second 16 kHz clips
                           (dp_kws_clip_load: shorter ones zero-padded),
                           through dp_mfcc -> 49 x 10 x 1, x = q / 32 (the
                           int8 features q exactly, DP_MFCC_INPUT_SCALE)
   Class names are the folder names, sorted (strcmp); labels 0..n-1 in that
   order; folders starting with '.' and _background_noise_ are skipped.
   Files are taken in sorted order. The split, the first that applies:
     DP_SPLIT_FOLDERS   DIR/train/<class> and DIR/test/<class> exist (the
                        classes are train's; a test class not among them
                        is an error);
     DP_SPLIT_LIST      cfg->list, or DIR/testing_list.txt when present:
                        paths "class/file" relative to DIR, one per line,
                        are the test set (Speech Commands' convention;
                        its validation_list.txt is not read: those train);
     DP_SPLIT_FRACTION  per class, a seeded shuffle of the files puts
                        round(test_frac * n) of them (at least one when
                        the class has two or more) in the test set.
   Whole files go to one side: a recording's windows never straddle the
   split. A file that cannot be read stops the load with its message,
   unless cfg->skip_bad, which skips it (counted in info->skipped; the
   first message kept in info->first_skip). Fills info (may not be NULL;
   about 40 KB, so static or on the heap rather than on a small stack);
   dp_data_summary writes its class balance table. */
#define DP_DATA_MAX_CLASSES 256
#define DP_SPLIT_FOLDERS 1
#define DP_SPLIT_LIST 2
#define DP_SPLIT_FRACTION 3
typedef struct dp_data_cfg {
    int h, w, c;          /* images: input size, 1 gray or 3 RGB (0: auto) */
    int white_bg;         /* images: composite alpha on white (else black)  */
    int window, stride;   /* CSV: steps per window (> 0), stride (0: window) */
    float test_frac;      /* DP_SPLIT_FRACTION's share (0: 0.2)             */
    uint64_t seed;        /* DP_SPLIT_FRACTION's shuffle                    */
    const char *list;     /* test list file (NULL: DIR/testing_list.txt)    */
    int skip_bad;         /* skip unreadable files instead of failing       */
} dp_data_cfg;
typedef struct dp_data_info {
    int split;                                 /* DP_SPLIT_*                */
    int n_classes;
    char class_names[DP_DATA_MAX_CLASSES][64];
    int train_files[DP_DATA_MAX_CLASSES], test_files[DP_DATA_MAX_CLASSES];
    int train_count[DP_DATA_MAX_CLASSES], test_count[DP_DATA_MAX_CLASSES]; /* samples */
    int skipped;
    char first_skip[512];
    int channels;                              /* CSV: channels and their    */
    char channel_names[DP_CSV_MAX_COLS][64];   /* normalisation, x' =        */
    float mean[DP_CSV_MAX_COLS], sd[DP_CSV_MAX_COLS]; /* (x - mean) / sd     */
} dp_data_info;
DP_API int dp_image_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *train,
                         dp_dataset *test, dp_data_info *info, char *err, size_t err_cap);
DP_API int dp_csv_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *train,
                       dp_dataset *test, dp_data_info *info, char *err, size_t err_cap);
DP_API int dp_wav_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *train,
                       dp_dataset *test, dp_data_info *info, char *err, size_t err_cap);
/* The split and a table of files and samples per class (and their share
   of the training samples) into buf; returns the length it needed. */
DP_API int dp_data_summary(const dp_data_info *info, char *buf, size_t cap);

/* ---- >>api_boards  microcontroller boards: memory, clock, default budgets ----
   Facts from the vendors' datasheets (ST DS10693 STM32F446xC/E, DS11532
   STM32F765/767, DS12110 STM32H742/743; Nordic nRF52840 and nRF52833
   product specifications; Raspberry Pi RP2040 datasheet; the boards' own
   pages for the Nano 33 BLE (nRF52840) and micro:bit v2 (nRF52833)).
   sram and flash are the chip's on-chip totals in bytes (RP2040 has no
   on-chip flash: the 2 MB QSPI flash of the Raspberry Pi Pico is given).
   sram_share / flash_share: the share the model may use by default, for
   activations (peak memory) and the model (weights): half of each, as
   `make demo` budgets, leaving the rest to the application, the stack and
   a radio stack (nRF); on the H743 half is also its largest contiguous
   block (512 KB AXI SRAM). emu_target / emu_profile: the mcu/ firmware
   TARGET (qemu core) and PROFILE (link-time memory check) that stand in
   for the board, "" when none fits. dp_board_find takes a board name, its
   MCU or an alias, ignoring case and anything but letters and digits
   ("nucleo-f446re", "F446RE", "stm32f446re", "micro:bit v2", "nano33ble",
   "pico"); NULL when nothing matches. */
typedef struct dp_board {
    const char *name;         /* "NUCLEO-F446RE"                          */
    const char *mcu;          /* "STM32F446RE"                            */
    const char *core;         /* "Cortex-M4F"                             */
    int clock_mhz;            /* maximum core clock                       */
    long sram, flash;         /* bytes                                    */
    float sram_share, flash_share;
    const char *emu_target, *emu_profile;
    const char *aliases;      /* space-separated other names              */
} dp_board;
DP_API int dp_board_count(void);
DP_API const dp_board *dp_board_get(int i);            /* NULL out of range */
DP_API const dp_board *dp_board_find(const char *name);
/* the default budgets: share * sram (peak memory), share * flash (size) */
DP_API void dp_board_budgets(const dp_board *b, long *pmu, long *size);

/* ---- >>api_wav  audio clips for keyword spotting ----
   dp_wav_read reads a RIFF/WAVE file of 16-bit PCM (format 1, or
   WAVE_FORMAT_EXTENSIBLE with the PCM subformat), mono; *samples is
   DP_MALLOC'd. Anything else is DP_ERR_FORMAT with a message naming the
   file and the problem (not RIFF/WAVE, 8/24/32-bit or float samples, 2
   channels, truncated data, no data chunk); DP_ERR_IO when unreadable.
   dp_wav_write writes 16-bit mono PCM atomically (PATH.tmp, rename).
   dp_kws_clip_load reads a one-second 16 kHz clip into out[16000] for
   dp_mfcc: a shorter clip is zero-padded at the end (as Speech Commands'
   loaders do) and returns 1; a wrong sample rate, a clip longer than one
   second or a silent one (peak amplitude below DP_KWS_SILENT, about
   -66 dBFS) is DP_ERR_FORMAT with a message saying so and how to fix it. */
#define DP_KWS_SILENT 16
DP_API int dp_wav_read(const char *path, int16_t **samples, int *n, int *rate,
                char *err, size_t err_cap);
DP_API int dp_wav_write(const char *path, const int16_t *samples, int n, int rate);
DP_API int dp_kws_clip_load(const char *path, int16_t *out, char *err, size_t err_cap);
/* The 12 classes of Speech Commands-style keyword spotting, in the order
   models are trained with: silence, unknown, yes, no, up, down, left,
   right, on, off, stop, go. dp_kws_class_name(i) (NULL out of range);
   dp_kws_class_of(s) for a word folder name or a clip path relative to the
   data directory ("yes/x.wav"): "_silence_" -> 0, a keyword -> 2..11,
   any other word -> 1 (unknown). */
#define DP_KWS_CLASSES 12
DP_API const char *dp_kws_class_name(int i);
DP_API int dp_kws_class_of(const char *word_or_path);

/* ---- >>api_progress  progress bar on stderr ----
   On a terminal the bar redraws in place (\r) four times a second; to a pipe
   or a file (or where isatty is unknown, outside POSIX) it prints one line
   every 10 seconds and one at the end, so logs stay readable. */
typedef struct dp_progress {
    double t0, last;      /* seconds */
    long total;
    const char *label;
    int tty;              /* set by dp_progress_start: stderr is a terminal */
} dp_progress;
DP_API double dp_time(void);     /* monotonic-ish wall clock in seconds */
DP_API void dp_progress_start(dp_progress *p, const char *label, long total);
/* extra: a short text like "loss 0.31 acc 0.89"; items: images done. */
DP_API void dp_progress_update(dp_progress *p, long done, double items, const char *extra);
DP_API void dp_progress_end(dp_progress *p);


/* ==========================================================================
   >>api_sched   Peak memory usage (PMU), execution order, arena, text format
   ==========================================================================
   Memory model -- one definition, shared with the MCU interpreter:
   - A graph is a list of nodes in a topological order (every node's inputs
     are listed before it). A node is a graph input or an operator ("op");
     each produces ONE tensor of size[i] bytes (1 byte per int8 element).
   - Graph inputs are live from the start: they count as executed at time 0
     and are not part of an order. They get an arena slot like every tensor
     and it is reused after their last reader, but the caller writes them, so
     an op never writes INTO a graph input (no in-place Add into an input).
   - A tensor that no op reads is a graph output and stays live to the end.
   - While op v runs, with S = the ops run before it,
         ws(S, v) = live(S) + size(v),
     live(S) = bytes of every tensor already produced (graph inputs included)
     that is a graph output or still has a reader outside S; v's inputs are
     part of live(S).
   - In place: if v is flagged can_inplace (an element-wise Add) and one of its
     inputs u has size(u) == size(v), is not a graph input and v is u's last
     reader, v writes its output over u and ws(S, v) = live(S).  It never
     costs anything, so it is always done (into the first such input).
   - peak(order) = max over steps of ws;  PMU = min over topological orders
     of peak(order) ("peak_exact").  Imprecise PMU (MicroNets / SpArSe) = max
     over ops of (its inputs + its output).  "Definition order" = the order in
     which the ops are listed.  An input listed twice by one op counts once.
   Gradient: at the bottleneck step of the optimal order PMU is the sum of the
   sizes of the tensors live there (dp_sched_result.bottleneck), so
   dPMU/dsize(t) = 1 for each of them and 0 for every other tensor.

   Text format (one node per line; '#' starts a comment; blank lines are fine;
   fields are separated by spaces or tabs; sizes are decimal bytes):
       input <name> <bytes>
       op    <name> <bytes> <input-name>...      (at least one input)
       add   <name> <bytes> <input-name>...      (at least two; may run in place)
   Names are up to DP_SCHED_MAX_NAME bytes of anything but blanks, control
   characters and '#'; each is defined once, before it is used.  A file holds
   at most DP_SCHED_MAX_NODES nodes and at least one op.

   Cost (details at >>sched): the DP's states are, summed over segments
   (stretches between points that every order passes through), the ways to
   have run part of a segment -- len+1 for a chain, prod(branch_len + 1) for
   parallel branches, 2^n for n independent ops -- of which bounds keep only
   those reached below the optimum.  Chains and CNNs: microseconds to
   milliseconds; very wide random DAGs can hit max_states (DP_ERR_LIMIT). */

#ifndef DP_SCHED_MAX_NODES
#define DP_SCHED_MAX_NODES 4096   /* nodes (inputs + ops) per graph, <= 2^22 */
#endif
#define DP_SCHED_MAX_NAME 63      /* bytes per node name in the text format  */
#define DP_SCHED_MAX_TENSOR ((int64_t)1 << 40) /* bytes per tensor           */
#define DP_SCHED_MAX_ALIGN 4096   /* largest arena alignment                 */
#define DP_SCHED_DEFAULT_MAX_STATES 2000000LL  /* DP states per plan call    */

/* A view of a graph.  Fill it yourself (dp_sched_graph_init allocates the
   arrays) or get one from dp_sched_parse_text. */
typedef struct dp_sched_graph {
    int n;                      /* nodes, listed in a topological order       */
    int64_t *size;              /* [n] output bytes, 1..DP_SCHED_MAX_TENSOR   */
    int *in_start;              /* [n+1] CSR: inputs of node i are            */
    int *in_idx;                /*   in_idx[in_start[i] .. in_start[i+1]-1],  */
                                /*   node ids < i                             */
    unsigned char *is_input;    /* [n] 1 = graph input (has no inputs)        */
    unsigned char *can_inplace; /* [n] 1 = element-wise op (Add); may be NULL */
    const char **name;          /* [n] optional; NULL or NULL entries allowed */
    char *name_pool;            /* storage behind name[] when the library     */
                                /*   made them; freed by dp_sched_graph_free  */
} dp_sched_graph;

/* Zero means default everywhere; pass NULL for all defaults. */
typedef struct dp_sched_opts {
    long long max_states; /* DP states allowed per call (0: default 2e6)      */
    int64_t align;        /* arena offset alignment, power of 2 (0: 1 byte)   */
    int peak_only;        /* 0: every segment's own peak is minimal too (best
                             per-step report, packs better);  1: only the PMU
                             is guaranteed, segments that cannot reach it
                             keep the greedy order (faster; training loops)  */
    int skip_arena;       /* 1: no arena planning (offset NULL, arena_size 0) */
} dp_sched_opts;

typedef struct dp_sched_result {
    int exact;            /* 1: `order` is optimal and peak_exact is the PMU  */
    int n_order;          /* number of ops (nodes that are not graph inputs)  */
    int *order;           /* [n_order] node ids in execution order: optimal
                             if exact, else the best fallback found          */
    int64_t peak_exact;   /* PMU, or -1 when !exact                           */
    int64_t peak_order;   /* peak of `order` (== peak_exact when exact)       */
    int64_t peak_definition_order; /* peak when ops run in listed order       */
    int64_t peak_greedy;  /* peak of the greedy heuristic order               */
    int64_t peak_imprecise; /* max over ops of inputs + output                */
    int64_t lower_bound;  /* proven lower bound on the PMU                    */
    int64_t *step_ws;     /* [n_order] working set of each step of `order`    */
    int *step_inplace;    /* [n_order] node id of the input overwritten in
                             place by that step, or -1                        */
    int bottleneck_step;  /* first step with step_ws == peak_order (-1: no ops) */
    int n_bottleneck;     /* tensors live at that step; their sizes sum to    */
    int *bottleneck;      /*   peak_order ([n_bottleneck] node ids)           */
    int64_t *offset;      /* [g->n] arena byte offset of every tensor         */
    int64_t arena_size;   /* bytes of the arena for `order` (>= peak_order;   */
                          /*   not planned with opts->skip_arena)            */
    long long states;     /* DP states created                                */
    int n_segments;       /* segments the graph splits into                   */
    int n_segments_dp;    /* segments that needed the DP                      */
    char error[128];      /* message when the call fails                      */
} dp_sched_result;

/* Allocate a graph of n nodes and n_edges input references (arrays zeroed,
   in_start all 0, name[] all NULL).  dp_sched_graph_free releases it; free
   is safe on a zeroed or failed graph. */
DP_API dp_status dp_sched_graph_init(dp_sched_graph *g, int n, int n_edges);
DP_API void dp_sched_graph_free(dp_sched_graph *g);

/* Validate a graph: DP_ERR_ARG (missing arrays, bad CSR, an input reading
   a later node, a graph input with inputs, a size out of range) or
   DP_ERR_LIMIT (more than DP_SCHED_MAX_NODES nodes), with a message.  If
   is_input is NULL, nodes without inputs are the graph inputs.  An op
   without inputs (a constant generator) is allowed here. */
DP_API dp_status dp_sched_graph_check(const dp_sched_graph *g, char *err, size_t err_cap);

/* Find a minimum-peak order and describe it (see dp_sched_result).  r is
   overwritten (zeroed first, never read); release it with
   dp_sched_result_free after any return.
     DP_OK         exact result (arena planned unless opts->skip_arena)
     DP_ERR_LIMIT  the DP needed more than max_states states: every field is
                   still filled for the best order found (segments solved so
                   far + greedy elsewhere, or the definition order if that is
                   better); exact = 0, peak_exact = -1
     DP_ERR_ARG    invalid graph or options (r->error says why)
     DP_ERR_NOMEM  allocation failed */
DP_API dp_status dp_sched_plan(const dp_sched_graph *g, const dp_sched_opts *opts,
                        dp_sched_result *r);
DP_API void dp_sched_result_free(dp_sched_result *r);

/* Peak of a given order (n_order node ids: every op once, inputs before
   readers).  step_ws / step_inplace ([n_order]) may be NULL.  DP_ERR_ARG if
   the graph or the order is invalid. */
DP_API dp_status dp_sched_eval(const dp_sched_graph *g, const int *order, int n_order,
                        int64_t *peak, int64_t *step_ws, int *step_inplace);

/* Assign every tensor a byte offset (offset[g->n]) in one arena so that no
   two tensors live at the same time overlap, for the given order.  An op run
   in place gets its overwritten input's offset.  Offsets are multiples of
   align (0 = 1).  Runs greedy packings (4 priority orders x first fit /
   best fit / two-ended, then random orders) and keeps the smallest; if that
   is still above the peak, a bounded backtracking search aims at the peak.
   *arena_size (bytes up to the end of the last tensor) is >= the peak of
   the order and equal to it for chains and the CNNs tried, but packing is
   NP-hard: compare and report when it is larger.  Costs up to ~0.1 s on
   wide graphs where no packing at the peak is found. */
DP_API dp_status dp_sched_arena_plan(const dp_sched_graph *g, const int *order,
                              int n_order, int64_t align, int64_t *offset,
                              int64_t *arena_size);

/* Verify an arena: every tensor inside [0, arena_size), offsets multiples of
   align (0: not checked), and no two tensors live at the same step overlap,
   except an in-place pair at exactly the same offset (an op with
   can_inplace and an input of the same size, not a graph input, whose last
   reader it is).  DP_OK, DP_ERR_FORMAT with a message naming the tensors,
   or DP_ERR_ARG for a bad graph/order. */
DP_API dp_status dp_sched_arena_check(const dp_sched_graph *g, const int *order,
                               int n_order, const int64_t *offset,
                               int64_t arena_size, int64_t align,
                               char *err, size_t err_cap);

/* Parse the text format above from text[0..len) (need not be NUL-terminated)
   into *out (zeroed first; free with dp_sched_graph_free; can_inplace is 1
   for `add` lines, names are set).  On a malformed file: DP_ERR_FORMAT and
   err = "line N: <what>" for the first bad line: unknown keyword, missing
   name/size/inputs, size not a number / not positive / too large, name too
   long, duplicate name, unknown name, name used before its definition
   (cycle or forward reference), too many nodes, invalid character, or no op
   at all.  DP_ERR_ARG for NULL arguments, DP_ERR_NOMEM. */
DP_API dp_status dp_sched_parse_text(const char *text, size_t len, dp_sched_graph *out,
                              char *err, size_t err_cap);

/* Print exactly these five lines (peak_exact is "unknown" when !r->exact):
     peak_exact: <bytes>
     peak_file_order: <bytes>
     peak_imprecise: <bytes>
     order: <op names in execution order, single spaces>
     arena: <bytes>
   Nodes without a name print as n<id>.  DP_ERR_IO if writing fails. */
DP_API dp_status dp_sched_print_report(void *file /* FILE* */, const dp_sched_graph *g,
                                const dp_sched_result *r);


/* ---- >>api_resources  size, MACs, peak memory, as the MCU sees the graph ----
   The graph is viewed as the int8 runtime runs it: batch norm folds into the
   conv or FC before it, ReLU/ReLU6/sigmoid/swish fuse into the op before
   them when that op has no other reader, dropout and flatten are free
   (same bytes), the loss node is the model's final softmax. Counting follows the
   paper's Table 3: size = 1 byte per conv/FC weight + 4 bytes per bias
   (every conv has one once BN is folded); MACs = conv/FC multiply-adds +
   pooling out_elements*kh*kw + global pooling h*w*c + (n-1)*elements per
   n-input Add; PMU = 1 byte per activation element, minimum over execution
   orders (see >>api_sched). */
typedef struct dp_resources {
    int64_t size_bytes;
    int64_t macs;
    int64_t pmu_exact;             /* -1 when the DP hit its state limit   */
    int64_t pmu_imprecise;
    int64_t pmu_definition_order;
    int64_t arena_bytes;           /* arena planned for the chosen order   */
    long long dp_states;
    int n_ops;                     /* fused MCU ops                        */
} dp_resources;

/* Per fused op of the view, in execution (optimal) order. */
typedef struct dp_op_report {
    int node;                      /* graph node whose output it produces  */
    int anchor;                    /* conv/fc/pool/... node that defines it */
    const char *name;              /* anchor's name                        */
    const char *kind;              /* anchor's op name                     */
    int h, w, c;                   /* output shape                         */
    int64_t out_bytes, param_bytes, macs;
    int64_t working_set;           /* live bytes while it runs             */
    int64_t arena_offset;
    int in_place;                  /* writes over one of its inputs        */
    int bottleneck;                /* its step has the peak working set    */
} dp_op_report;

/* Gradients of the resources with respect to each node's output channel
   count (per graph node; nodes whose channels follow their input, like
   depthwise convs and activations, carry 0 and add to their input's). */
typedef struct dp_resource_grads {
    double *size, *macs, *pmu;     /* [n_nodes] each, caller-allocated or NULL */
    double *pmu_imprecise;         /* the imprecise PMU's (zero the struct first) */
} dp_resource_grads;

/* Computes everything at channel counts ch[node] (NULL: the graph's own).
   report (may be NULL) receives up to n_report ops. */
DP_API int dp_graph_resources(dp_graph *g, const int *ch, dp_resources *res,
                       dp_op_report *report, int n_report,
                       dp_resource_grads *grads);
/* Prints the per-op table (like the paper's Figure 8) to file (FILE*). */
DP_API int dp_graph_print_resources(dp_graph *g, const int *ch, void *file);

/* ---- >>api_prune  differentiable pruning toward MCU budgets ----
   The paper's Section 3 and Appendix A. Every prunable layer (a conv that
   is not depthwise or grouped, or an FC, whose output does not reach the
   loss) gets a width multiplier pi in (0, 1], stored as pi = exp(theta) with
   theta <= 0, so it starts at 1 and only shrinks; it keeps max(1,
   floor(pi * width)) channels: those of highest salience (|gamma| of the
   batch norm after it, else the L2 norm of the channel's weights). Layers
   whose outputs meet in an Add or a channel multiply share one mask (groups
   by connected components; salience = max over the group); depthwise convs,
   batch norms and activations follow their input's mask, concat maps
   channel ranges. Masks are applied at the end of each masked layer's
   conv -> BN -> activation chain, so pruned channels are exactly zero.

   Every `every` training steps, dp_pruner_update:
     P_RES (Eq. 2) from the resource model at the current widths: random
       scalarisation (lambda_i = 1/U(0,1) picks the objective inside the max,
       without scaling the gradient) or an unweighted sum, over the budgets
       not yet met (a met budget adds nothing: P_RES is clipped);
     dP_TSK/dpi (Eq. 5-9) from dL/dmask on held-out batches through the
       sigmoid relaxation in log-salience at the percentile threshold;
     theta -= eta * clip(pi * (alpha_res dP_RES/dpi + alpha_tsk dP_TSK/dpi),
       [0, clip)); focus regime: a layer moves only when dP_RES/dpi > 0;
     then the masks are recomputed from the saliences.
   alpha: alpha_res makes the largest first resource gradient equal the clip
   bound; alpha_tsk = r * P_RES/P_TSK (initial values) * alpha_res.
   Once every budget is met pi stops. The mask rule (>>widths): a
   channel masked once is never unmasked (its weights went stale while it
   was cut), so the masks only shrink and are fixed once the budgets are
   met. dp_pruner_compact then removes the masked channels
   for real (weights, batch-norm statistics, optimiser state, QAT ranges):
   the smaller graph computes the same function and trains faster. */
typedef enum dp_prune_losses {
    DP_PRUNE_BOTH = 0, DP_PRUNE_TASK_ONLY = 1, DP_PRUNE_RES_ONLY = 2
} dp_prune_losses;
typedef enum dp_pmu_objective {
    DP_PMU_EXACT = 0,      /* the scheduler's minimum over execution orders  */
    DP_PMU_IMPRECISE = 1,  /* max over ops of inputs + output (prior work)   */
    DP_PMU_NONE = 2        /* no PMU objective (the PMU budget is reported)  */
} dp_pmu_objective;
typedef enum dp_scalarise { DP_SCALARISE_RANDOM = 0, DP_SCALARISE_SUM = 1 } dp_scalarise;
/* (>>widths) the task term. SIGNED is Eq. 9 as the paper writes it;
   at (or near) a minimum dL/dM of a useful channel is about 0 with either
   sign, and on held-out data it carries a common-mode "shrink everything"
   part. PUSHBACK uses |dL/dM| (the first-order size of the loss change of
   removing the channels at the threshold): it only ever resists shrinking,
   as the paper says the term should (Appendix A, footnote 6), and is
   exactly 0 for a layer the loss does not depend on. */
typedef enum dp_task_signal { DP_TASK_SIGNED = 0, DP_TASK_PUSHBACK = 1 } dp_task_signal;

typedef struct dp_prune_cfg {        /* zero means default everywhere      */
    int64_t budget_pmu;              /* bytes of activations; 0: no budget */
    int64_t budget_size;             /* bytes of weights + biases          */
    int64_t budget_macs;             /* multiply-accumulates per inference */
    int losses;                      /* dp_prune_losses                    */
    int pmu_objective;               /* dp_pmu_objective                   */
    int scalarise;                   /* dp_scalarise                       */
    float r;                         /* 0 -> 2/3                           */
    float alpha_res, alpha_tsk;      /* > 0: fixed instead of automatic    */
    float eta;                       /* eta_pi; 0 -> 1                     */
    float clip;                      /* 0 -> 0.025                         */
    int every;                       /* steps per update (for drivers); 0 -> 20 */
    int no_focus;                    /* 1: no focus regime                 */
    uint64_t seed;                   /* random scalarisation               */
    int task_signal;                 /* dp_task_signal                     */
} dp_prune_cfg;

typedef struct dp_pruner dp_pruner;

/* Finds the groups, checks the budgets and sets all masks to 1. A budget
   below what one channel per prunable layer needs is refused with
   DP_ERR_BUDGET and a message giving the smallest achievable value. */
DP_API dp_pruner *dp_pruner_new(dp_graph *g, const dp_prune_cfg *cfg, int *status,
                         char *err, size_t err_cap);
DP_API void dp_pruner_free(dp_pruner *p);
/* One width update (Algorithm 1) with the task loss on (xv, yv, nv)
   samples (unused by resource-only pruning); step is recorded in the log.
   After the budgets are met (or when frozen) the masks stay as they are. */
DP_API int dp_pruner_update(dp_pruner *p, dp_graph *g, const float *xv, const int *yv,
                     int nv, long step);
DP_API int dp_pruner_met(const dp_pruner *p);       /* 1 once every budget is met */
DP_API int dp_pruner_freeze(dp_pruner *p);          /* masks stop changing        */
/* Replaces *g by the compacted graph (and remaps *o's state; o may be
   NULL). Freezes the pruner; the widths are then fixed. */
DP_API int dp_pruner_compact(dp_pruner *p, dp_graph **g, dp_optim *o);
/* Resources at the current widths (exact and imprecise PMU, size, MACs). */
DP_API int dp_pruner_resources(dp_pruner *p, dp_graph *g, dp_resources *res);
/* Prunable groups: count, and per group its name (the first layer's),
   original and current width, pi. */
DP_API int dp_pruner_n_groups(const dp_pruner *p);
DP_API int dp_pruner_group(const dp_pruner *p, int i, const char **name, int *width0,
                    int *width, double *pi);
/* One CSV row per update: step, update, objective, p_res, p_tsk,
   pmu_exact, pmu_imprecise, size, macs, then each group's width.
   Written atomically. */
DP_API int dp_pruner_write_csv(const dp_pruner *p, const char *path);
/* The same rows in memory: the number of updates logged, and row i's step
   and v[0..3] = exact PMU, imprecise PMU, size, MACs (widths after it). */
DP_API int dp_pruner_n_log(const dp_pruner *p);
DP_API int dp_pruner_log_row(const dp_pruner *p, int i, long *step, int64_t v[4]);
/* Per-layer before/after table and totals against the budgets. */
DP_API int dp_pruner_print_summary(dp_pruner *p, dp_graph *g, void *file /* FILE* */);

/* A new graph without the channels that every mask of their tied group
   sets to 0 (the pruner's groups: see above); other channels, weights,
   statistics and QAT ranges are copied. It computes what g computes when
   the dropped channels are zero. o (may be NULL) gets its state remapped
   and then belongs to the new graph. NULL on failure (*status says why). */
DP_API dp_graph *dp_graph_compact(dp_graph *g, dp_optim *o, int *status);

/* Eq. 9 by itself, for one group of C channels with saliences s[] (> 0),
   loss gradients dldm[] with respect to the mask and threshold s0:
   C * sum_j dldm_j * w_j with w_j = (dM_j/ds0) / sum_k dM_k/ds0,
   M(s, s0) = 1 / (1 + s0/s). */
DP_API double dp_prune_eq9(const float *s, const double *dldm, int C, double s0);
/* The threshold of Eq. 6: s0 with (1/C) sum_j M(s_j, s0) = pi. */
DP_API double dp_prune_relaxed_threshold(const float *s, int C, double pi);

/* ---- >>api_widths  the uniform baseline; projection onto the budgets ----
   The baseline a user would otherwise take: one width multiplier for every
   layer. dp_uniform_width bisects on the exact resource model (PMU as the
   pruner counts it: budgets->pmu_objective) for the k in 1..kmax, width
   k * step with kmax = floor(w_max / step + 1e-6), whose network meets every
   budget while k + 1 does not (or k = kmax). build(g, width, ctx) builds
   the network into the empty graph g and returns >= 0. *width and (if
   res is not NULL) *res get the answer; DP_ERR_BUDGET and a message when
   even width `step` does not fit. */
typedef int (*dp_width_builder)(dp_graph *g, float width, void *ctx);
DP_API int dp_uniform_width(dp_width_builder build, void *ctx, const dp_prune_cfg *budgets,
                     float w_max, float step, float *width, dp_resources *res,
                     char *err, size_t err_cap);
/* Never over an achievable budget: shrinks the widths along the gradient
   of the violated budgets' normalised excess (sum of R_o/B_o - 1, each
   group's theta by at most 0.02 per step) until every budget is met, sets
   the masks and marks the budgets met. *steps (may be NULL): the number of
   shrink steps (0: already met). */
DP_API int dp_pruner_project(dp_pruner *p, dp_graph *g, int *steps);
/* Sets the n groups' widths (w[i] for group i, from 1 to its current
   width: widths only shrink) and the masks; dp_pruner_compact then gives
   that architecture, e.g. a pruned one to train from scratch. */
DP_API int dp_pruner_set_widths(dp_pruner *p, dp_graph *g, const int *w, int n);
/* Paced updates: from now on, a width update shrinks against the gradient
   of the resources plus its task term (the paper's update rule: losses,
   focus regime and clip; the gradient taken again whenever a width
   changes) exactly as far as it must
   for every budget not yet met to be on the trajectory R0 (B/R0)^frac
   from the unpruned resources R0 to the budget B (frac in (0, 1]; 1: the
   budgets themselves; 0: off, the step is eta times the gradient). A
   driver raises frac with the steps (dp_fit: from 0 to 1 over prune_plan
   of training), so the budgets are met on time, and by a minimal step, so
   the binding budget is met closely. Once an update meets every budget,
   dp_pruner_met is 1. */
DP_API int dp_pruner_pace(dp_pruner *p, double frac);
/* Group i's dP_RES/dpi and dP_TSK/dpi at the last width update (0 before). */
DP_API int dp_pruner_group_grads(const dp_pruner *p, int i, double *g_res, double *g_tsk);

/* ---- >>api_fit  a training loop with pruning, early termination and QAT ----
   dp_fit trains *g on `train` with SGD (Nesterov momentum) and a cosine
   schedule with warm-up; with cfg->prune it prunes toward the budgets as
   it trains: unaugmented training samples (or n_val held out of every
   arm) feed P_TSK, pi is updated from epoch prune_start on, paced by
   default (prune_plan) so the budgets are met after 25% of the pre-QAT
   steps, and once they are met pi stops and the masks are fixed.
   With early_term the network is compacted right then and training goes on
   with the smaller graph. The last qat_epochs run quantisation-aware with
   the masks frozen (the graph is compacted first). At the end *g is the
   compacted, trained graph, ready for dp_export. Paced, budgets not met at
   the planned step (a direction that cannot reach them) are met by
   projecting the widths onto them (dp_pruner_project). Not paced
   (prune_plan < 0, every prune->every steps, eta): if the budgets are not
   met after prune_deadline of the pre-QAT steps, eta grows by 1.25x per
   update (up to 16x); if they are still not met after
   prune_deadline + 0.2 (at most 0.9) of them, or at QAT, or at the end,
   the widths are projected onto the budgets; it says so (verbose) and
   training goes on. A non-finite loss stops training with DP_ERR_NAN
   and a message; *g keeps the weights of the last good step. */
typedef struct dp_fit_cfg {           /* zero means default everywhere     */
    int epochs;                       /* 0 -> 10                           */
    int batch;                        /* 0 -> 128                          */
    float lr;                         /* peak learning rate; 0 -> 0.05     */
    float momentum;                   /* 0 -> 0.9                          */
    float weight_decay;               /* on kernels; 0: none               */
    dp_augment aug;                   /* random shifts / flips             */
    int qat_epochs;                   /* final quantisation-aware epochs   */
    const dp_prune_cfg *prune;        /* NULL: no pruning                  */
    float prune_start;                /* epoch of the first update (0: at once) */
    float prune_deadline;             /* 0 -> 0.7; >= 1: never hurry       */
    int early_term;                   /* compact as soon as budgets are met */
    int n_val;                        /* held out of every arm, feeding P_TSK;
                                         0: none, P_TSK on training images */
    int val_per_update;               /* task-loss samples per update; 0 -> 256,
                                         paced: about 10% of the samples
                                         trained on meanwhile, 64..256   */
    const char *log_csv;              /* the pruner's CSV log, or NULL     */
    int progress;                     /* 1: a progress bar per epoch       */
    int verbose;                      /* 1: a line per epoch on stdout     */
    uint64_t seed;                    /* shuffling, augmentation, held-out split */
    dp_pruner **pruner_out;           /* non-NULL: receives the pruner (free it) */
    /* (>>widths) with prune, no pruning: *g is replaced by
       uniform(new graph, w) at the widest uniform w within prune's budgets
       (dp_uniform_width, step 0.01 up to uniform_max; 0 -> 1), trained on
       the same images with the same schedule and QAT as a pruned run */
    dp_width_builder uniform;
    void *uniform_ctx;
    float uniform_max;
    /* (>>widths) paced pruning: the budgets are met after this fraction
       of the pre-QAT steps from prune_start (0 -> 0.25), each width update
       shrinking just enough to follow the trajectory (dp_pruner_pace),
       with an update every min(prune->every, window / 20) steps; the rest
       of training is for the final widths. < 0: not paced, eta times the
       gradient with the deadline ramp below */
    float prune_plan;
} dp_fit_cfg;

typedef struct dp_fit_result {
    float test_acc, test_loss;        /* float model on `test` (if given)  */
    float train_loss;                 /* mean over the last epoch          */
    long steps, met_step;             /* met_step: -1 if never met         */
    int met;                          /* 1: every budget met               */
    double seconds, seconds_to_met;   /* wall clock                        */
    dp_resources before, after;       /* the graph before and after        */
    float uniform_width;              /* with cfg->uniform: the width used */
    long projected_step;              /* widths projected onto the budgets
                                         at this step; -1: not needed      */
    long images_seen;                 /* training samples stepped on, and  */
    uint32_t images_crc;              /* CRC-32 of their indices in order  */
} dp_fit_result;

DP_API int dp_fit(dp_graph **g, const dp_dataset *train, const dp_dataset *test,
           const dp_fit_cfg *cfg, dp_fit_result *res, char *err, size_t err_cap);

/* Loads DIR/SPLIT-images-idx3-ubyte[.gz] and the matching labels
   (e.g. split "train" or "t10k" of MNIST and Fashion-MNIST). */
DP_API int dp_idx_load_split(const char *dir, const char *split, dp_dataset *ds,
                      char *err, size_t err_cap);

/* ---- >>api_backbones  the paper's backbones ----
   Each builds input -> network -> FC(classes) -> softmax_ce into an empty
   graph and returns the logits node (or a negative status). width scales
   every layer's channels (round to nearest, at least 1): 1.0 is the paper's
   network. Conv layers are conv (no bias) + batch norm + activation.
   Structures follow the paper's Table 3 rows (see README, "zoo"). */
DP_API int dp_build_mobilenet_v2(dp_graph *g, int h, int w, int c, int classes, float width);
DP_API int dp_build_efficientnet_b0(dp_graph *g, int h, int w, int c, int classes, float width, int stem_stride);
DP_API int dp_build_vgg16(dp_graph *g, int h, int w, int c, int classes, float width);
DP_API int dp_build_resnet18(dp_graph *g, int h, int w, int c, int classes, float width);
DP_API int dp_build_dscnn(dp_graph *g, int h, int w, int c, int classes, float width, int blocks /* 7: L, 5: M/S */);
DP_API int dp_build_res15(dp_graph *g, int h, int w, int c, int classes, float width);
DP_API int dp_build_res8(dp_graph *g, int h, int w, int c, int classes, float width);
DP_API int dp_build_etinynet(dp_graph *g, int h, int w, int c, int classes, float width);

/* The unpruned Table 3 rows by name ("mobilenet_v2_50", "res8", ...):
   builds it and returns the logits node; DP_ERR_ARG for an unknown name.
   dp_zoo_name(i) lists them (NULL past the end). */
DP_API int dp_build_zoo(dp_graph *g, const char *name);
DP_API const char *dp_zoo_name(int i);

/* ---- >>api_export  float graph -> int8 model file ----
   Batch norm is folded into the conv/FC before it; weights become int8 with
   one symmetric scale per output channel; activations get one (scale, zero
   point) per tensor from their range over the calibration inputs (ranges
   include 0); pools keep their input's quantisation; the final softmax
   outputs scale 1/256, zero point -128. Ops are written in the exact
   peak-memory order with the scheduler's arena offsets, so the model's
   arena is the PMU the resource model reports (when they differ, the
   reason is the arena packing heuristic; info tells both). */
typedef struct dp_export_info {
    int64_t pmu;            /* exact peak memory of the exported op graph    */
    int64_t arena_bytes;    /* arena the model needs                         */
    int64_t model_bytes;    /* size of the .dpm blob                         */
    int64_t macs;
    int n_ops;
} dp_export_info;
/* calib: n_calib inputs [n_calib * h*w*c] in the graph's input layout.
   *blob is DP_MALLOC'd (free with DP_FREE). err gets a message on failure. */
DP_API int dp_export(dp_graph *g, const float *calib, int n_calib, void **blob,
              size_t *len, dp_export_info *info, char *err, size_t err_cap);
/* Quantises a float input into the model's input tensor (in the arena). */
DP_API int dp_model_set_input_f32(const dp_model *m, void *arena, const float *x);
/* Writes a blob atomically; as a C header with dp_write_c_array. */
DP_API int dp_model_save(const char *path, const void *blob, size_t len);
DP_API int dp_write_c_array(const char *path, const char *name, const void *blob, size_t len);

/* ---- >>api_tflite  TensorFlow Lite import: .tflite -> .dpm ----
   Reads a TFLite flatbuffer (schema version 3, file identifier "TFL3";
   untrusted: every offset, length, index and vtable is bounds-checked) and
   builds the same int8 model as a .dpm, bit-exact with TensorFlow Lite
   Micro's reference kernels. Ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_
   CONNECTED, ADD, MUL (same shape, or x * s[1x1xC]), AVERAGE_POOL_2D,
   MAX_POOL_2D, MEAN over height and width, CONCATENATION on channels, PAD
   (absorbed by the CONV_2D/DEPTHWISE_CONV_2D it feeds), RESHAPE/SQUEEZE/
   EXPAND_DIMS (views), SOFTMAX, LOGISTIC, QUANTIZE (float model input,
   or int8 -> int8), DEQUANTIZE (float model output), fused RELU/RELU6/
   RELU_N1_TO_1, SAME/VALID padding, per-tensor and per-channel weights,
   TRANSPOSE of the model input (its layout, done on the host).
   A float model input or output stays on the host (dp_tflite_quantize /
   dp_tflite_dequantize, TFLM's formulas); the .dpm is int8 end to end.
   Anything else (LSTM, SVDF, int16 or float compute, broadcasting, ...) is
   DP_ERR_UNSUPPORTED with the op index, op name and tensor named in err;
   a corrupt file is DP_ERR_FORMAT. Ops of the .dpm run in the exact
   scheduler's minimum-peak order, tensors at its arena offsets (>>api_sched),
   so the .dpm's arena is the exact peak of the activations when packing
   reaches it (info tells both). One subgraph, one input, one output. */
typedef struct dp_tflite_info {
    int n_tflite_ops;          /* operators in the file                    */
    int n_ops;                 /* ops of the .dpm                          */
    int float_input;           /* 1: the file's input is float32 (QUANTIZE) */
    int float_output;          /* 1: the file's output is float32 (DEQUANTIZE) */
    dp_shape in_shape, out_shape;      /* the .dpm's int8 input and output */
    float in_scale, out_scale;
    int32_t in_zp, out_zp;
    int64_t pmu;               /* exact peak of the activations, -1 unknown */
    int64_t peak_file_order;   /* peak when ops run in file order (TFLM)   */
    int64_t arena_bytes;       /* the .dpm's arena                         */
    int64_t model_bytes, macs;
    /* a TRANSPOSE of the model input (its layout), done on the host:
       .dpm input element i = file input element at the permuted index */
    int transposed_input;
    int32_t in_rank, in_dims[6], in_perm[6];  /* the file's input, perm   */
    int32_t in_elems;                          /* elements of the input    */
} dp_tflite_info;

/* *blob from DP_MALLOC (free with DP_FREE); info and err may be NULL. */
DP_API int dp_tflite_import(const void *data, size_t len, void **blob, size_t *blob_len,
                     dp_tflite_info *info, char *err, size_t err_cap);
/* The activation graph of a .tflite for dp_sched_plan / dp_sched_print_report:
   node 0 the input, then one node per .dpm op in file order, named like
   "CONV_2D#3" (file op index). Free with dp_sched_graph_free. */
DP_API int dp_tflite_sched_graph(const void *data, size_t len, dp_sched_graph *g,
                          char *err, size_t err_cap);
/* TFLM QUANTIZE (q = clamp(round(x / scale) + zp), in double) and
   DEQUANTIZE (x = (float)(scale * (q - zp)), in double) */
DP_API void dp_tflite_quantize(int8_t *q, const float *x, int32_t n, float scale, int32_t zp);
DP_API void dp_tflite_dequantize(float *x, const int8_t *q, int32_t n, float scale, int32_t zp);
/* The .dpm input from the bytes of the file's input tensor (int8, or
   float32 little-endian when info->float_input): transposed when
   info->transposed_input, quantised when float. in_len must be the tensor's
   byte size (else DP_ERR_SHAPE); dst holds info->in_elems values. */
DP_API int dp_tflite_set_input(const dp_tflite_info *info, const void *in, size_t in_len, int8_t *dst);

/* ---- >>api_tfexport  TensorFlow Lite export: .dpm -> .tflite ----
   Writes an int8 .dpm as a TFLite flatbuffer (schema version 3, "TFL3")
   that TensorFlow Lite Micro runs: the same tensors (shapes, scales, zero
   points), per-channel symmetric int8 weights, int32 biases, fused
   activations, and the ops in the exact scheduler's minimum-peak order
   (TFLM runs file order): the .dpm's own order, which is that order when
   dp_export or dp_tflite_import wrote it; for a .dpm whose order or arena
   is worse (one built by hand), the scheduler's order and arena plan
   (info->replanned). The arena plan goes in as TFLM's offline memory
   plan: metadata "OfflineMemoryAllocation", an int32 buffer [1 (format
   version), 0 (subgraph), tensor count, one arena offset per tensor, -1
   for constants], so TFLM places every activation where diffprune's
   interpreter does and its activation area is the .dpm's arena.
   Ops: conv2d -> CONV_2D, dwconv2d -> DEPTHWISE_CONV_2D (with its depth
   multiplier), fc -> FULLY_CONNECTED, add (2 inputs) -> ADD, chmul and
   mul -> MUL, maxpool/avgpool -> MAX_/AVERAGE_POOL_2D, gap -> AVERAGE_
   POOL_2D over the whole image, mean -> MEAN (axes 1, 2), concat ->
   CONCATENATION (inputs in the output's quantisation) or QUANTIZE (one
   requantised input), softmaxq -> SOFTMAX, lut (TFLM's logistic table) ->
   LOGISTIC. Conv padding other than TFLite's SAME or VALID (a PAD the
   importer absorbed) becomes a PAD op into a tensor placed in a free gap
   of the arena; pools must be SAME or VALID. Refused, with the op
   named (DP_ERR_UNSUPPORTED): gconv2d, add of > 2 inputs, concat of
   requantised inputs, other lookup tables.
   Float scales: the .dpm keeps each channel's multiplier and shift, not
   the weight scale. TFLM derives the multiplier from the float32 scales
   (QuantizeMultiplier(in_scale * w_scale / out_scale), in double), so the
   exporter recovers, per channel, the float32 w_scale that gives exactly
   the stored (mult, shift) and refuses the model if there is none (a .dpm
   written with hand-made multipliers). This keeps the .dpm format and
   every existing file as they are; every other multiplier (ADD, MUL,
   MEAN, QUANTIZE) is checked against what TFLM derives from the tensor
   scales. Hence TFLM computes what diffprune's interpreter computes.
   FULLY_CONNECTED weights are written per-tensor when all output
   channels share one scale, else per-channel (quantized_dimension 0), as
   dp_export quantises them: TFLM runs per-channel FC since
   tflite-micro#2673 (2024-09); older TFLM refuses or misreads it, and so
   does Arm NN 20.08 (Debian 12).
   Softmax: diffprune's own (kind softmax, what dp_export writes) has no
   TFLite op; it is written as TFLite's SOFTMAX (beta 1), so TFLM, and
   diffprune after importing the file, run TFLM's softmax (softmaxq): the
   logits are bit-exact, the probabilities can differ by a few 1/256 (info
   ->softmax_replaced counts such ops). */
typedef struct dp_tflite_export_info {
    int n_ops;                 /* TFLite operators written                 */
    int n_tensors;             /* tensors: the activations (the input 0,
                                  op k's output k + 1, as the importer
                                  numbers them), then constants and
                                  requantised concat inputs              */
    int64_t arena_bytes;       /* the .dpm's arena (the offline plan's)    */
    int64_t file_bytes;
    int softmax_replaced;      /* diffprune softmax ops now TFLM's SOFTMAX  */
    int replanned;             /* 1: the scheduler's order and arena beat
                                  the .dpm's, the file has them            */
    int64_t dpm_arena_bytes;   /* the .dpm's own arena                     */
} dp_tflite_export_info;
/* *tfl from DP_MALLOC (free with dp_free); info and err may be NULL. */
DP_API int dp_export_tflite(const void *dpm, size_t dpm_len, void **tfl, size_t *tfl_len,
                     dp_tflite_export_info *info, char *err, size_t err_cap);

#endif /* DIFFPRUNE_INFERENCE_ONLY */

#ifdef __cplusplus
}
#endif
#endif /* DIFFPRUNE_H */

/* ###################################################################### */
/*                           IMPLEMENTATION                               */
/* ###################################################################### */
#ifdef DIFFPRUNE_IMPLEMENTATION
#ifndef DIFFPRUNE_IMPLEMENTATION_DONE
#define DIFFPRUNE_IMPLEMENTATION_DONE

/* >>alloc_check  the allocator override is all four macros or none */
#if (defined(DP_MALLOC) || defined(DP_REALLOC) || defined(DP_CALLOC) || defined(DP_FREE)) && \
    !(defined(DP_MALLOC) && defined(DP_REALLOC) && defined(DP_CALLOC) && defined(DP_FREE))
#error "diffprune.h: define all four of DP_MALLOC, DP_REALLOC, DP_CALLOC and DP_FREE, or none"
#endif

/* ====================================================================== */
/* >>impl_common                                                          */
/* ====================================================================== */
const char *dp_status_str(int s)
{
    switch (s) {
#define DP__STATUS_CASE(name, value, msg) case name: return msg;
    DP_STATUS_LIST(DP__STATUS_CASE)
#undef DP__STATUS_CASE
    default: return "unknown status";
    }
}

/* little-endian reads, both halves (the writers, dp__wr16/dp__wr32, are
   with the builder; 64-bit and big-endian ones with the checkpoints) */
static uint32_t dp__rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t dp__rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* CRC-32 (zlib's: reflected polynomial 0xEDB88320), slice-by-8: entry
   [k][i] of the table is the CRC register after byte i followed by k zero
   bytes, so eight bytes take eight independent lookups. The whole table is
   8 KiB of constant data; builds with DIFFPRUNE_INFERENCE_ONLY keep only
   [0] (1 KiB of flash, one byte a step) unless DP_CRC32_TABLES is 8. */
#ifndef DP_CRC32_TABLES
#ifdef DIFFPRUNE_INFERENCE_ONLY
#define DP_CRC32_TABLES 1
#else
#define DP_CRC32_TABLES 8
#endif
#endif
#if DP_CRC32_TABLES != 1 && DP_CRC32_TABLES != 8
#error "diffprune.h: DP_CRC32_TABLES is 1 or 8"
#endif
static const uint32_t dp__crc32_tab[DP_CRC32_TABLES][256] = {
    { /* 0 */
        0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu, 0xE963A535u, 0x9E6495A3u,
        0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u, 0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u,
        0x1DB71064u, 0x6AB020F2u, 0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
        0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u, 0xFA0F3D63u, 0x8D080DF5u,
        0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u, 0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu,
        0x35B5A8FAu, 0x42B2986Cu, 0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
        0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u, 0xCFBA9599u, 0xB8BDA50Fu,
        0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u, 0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du,
        0x76DC4190u, 0x01DB7106u, 0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
        0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du, 0x91646C97u, 0xE6635C01u,
        0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu, 0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u,
        0x65B0D9C6u, 0x12B7E950u, 0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
        0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u, 0xA4D1C46Du, 0xD3D6F4FBu,
        0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u, 0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u,
        0x5005713Cu, 0x270241AAu, 0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
        0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u, 0xB7BD5C3Bu, 0xC0BA6CADu,
        0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au, 0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u,
        0xE3630B12u, 0x94643B84u, 0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
        0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu, 0x196C3671u, 0x6E6B06E7u,
        0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu, 0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u,
        0xD6D6A3E8u, 0xA1D1937Eu, 0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
        0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u, 0x316E8EEFu, 0x4669BE79u,
        0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u, 0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu,
        0xC5BA3BBEu, 0xB2BD0B28u, 0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
        0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu, 0x72076785u, 0x05005713u,
        0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u, 0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u,
        0x86D3D2D4u, 0xF1D4E242u, 0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
        0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u, 0x616BFFD3u, 0x166CCF45u,
        0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u, 0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu,
        0xAED16A4Au, 0xD9D65ADCu, 0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
        0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u, 0x54DE5729u, 0x23D967BFu,
        0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u, 0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du },
#if DP_CRC32_TABLES == 8
    { /* 1 */
        0x00000000u, 0x191B3141u, 0x32366282u, 0x2B2D53C3u, 0x646CC504u, 0x7D77F445u, 0x565AA786u, 0x4F4196C7u,
        0xC8D98A08u, 0xD1C2BB49u, 0xFAEFE88Au, 0xE3F4D9CBu, 0xACB54F0Cu, 0xB5AE7E4Du, 0x9E832D8Eu, 0x87981CCFu,
        0x4AC21251u, 0x53D92310u, 0x78F470D3u, 0x61EF4192u, 0x2EAED755u, 0x37B5E614u, 0x1C98B5D7u, 0x05838496u,
        0x821B9859u, 0x9B00A918u, 0xB02DFADBu, 0xA936CB9Au, 0xE6775D5Du, 0xFF6C6C1Cu, 0xD4413FDFu, 0xCD5A0E9Eu,
        0x958424A2u, 0x8C9F15E3u, 0xA7B24620u, 0xBEA97761u, 0xF1E8E1A6u, 0xE8F3D0E7u, 0xC3DE8324u, 0xDAC5B265u,
        0x5D5DAEAAu, 0x44469FEBu, 0x6F6BCC28u, 0x7670FD69u, 0x39316BAEu, 0x202A5AEFu, 0x0B07092Cu, 0x121C386Du,
        0xDF4636F3u, 0xC65D07B2u, 0xED705471u, 0xF46B6530u, 0xBB2AF3F7u, 0xA231C2B6u, 0x891C9175u, 0x9007A034u,
        0x179FBCFBu, 0x0E848DBAu, 0x25A9DE79u, 0x3CB2EF38u, 0x73F379FFu, 0x6AE848BEu, 0x41C51B7Du, 0x58DE2A3Cu,
        0xF0794F05u, 0xE9627E44u, 0xC24F2D87u, 0xDB541CC6u, 0x94158A01u, 0x8D0EBB40u, 0xA623E883u, 0xBF38D9C2u,
        0x38A0C50Du, 0x21BBF44Cu, 0x0A96A78Fu, 0x138D96CEu, 0x5CCC0009u, 0x45D73148u, 0x6EFA628Bu, 0x77E153CAu,
        0xBABB5D54u, 0xA3A06C15u, 0x888D3FD6u, 0x91960E97u, 0xDED79850u, 0xC7CCA911u, 0xECE1FAD2u, 0xF5FACB93u,
        0x7262D75Cu, 0x6B79E61Du, 0x4054B5DEu, 0x594F849Fu, 0x160E1258u, 0x0F152319u, 0x243870DAu, 0x3D23419Bu,
        0x65FD6BA7u, 0x7CE65AE6u, 0x57CB0925u, 0x4ED03864u, 0x0191AEA3u, 0x188A9FE2u, 0x33A7CC21u, 0x2ABCFD60u,
        0xAD24E1AFu, 0xB43FD0EEu, 0x9F12832Du, 0x8609B26Cu, 0xC94824ABu, 0xD05315EAu, 0xFB7E4629u, 0xE2657768u,
        0x2F3F79F6u, 0x362448B7u, 0x1D091B74u, 0x04122A35u, 0x4B53BCF2u, 0x52488DB3u, 0x7965DE70u, 0x607EEF31u,
        0xE7E6F3FEu, 0xFEFDC2BFu, 0xD5D0917Cu, 0xCCCBA03Du, 0x838A36FAu, 0x9A9107BBu, 0xB1BC5478u, 0xA8A76539u,
        0x3B83984Bu, 0x2298A90Au, 0x09B5FAC9u, 0x10AECB88u, 0x5FEF5D4Fu, 0x46F46C0Eu, 0x6DD93FCDu, 0x74C20E8Cu,
        0xF35A1243u, 0xEA412302u, 0xC16C70C1u, 0xD8774180u, 0x9736D747u, 0x8E2DE606u, 0xA500B5C5u, 0xBC1B8484u,
        0x71418A1Au, 0x685ABB5Bu, 0x4377E898u, 0x5A6CD9D9u, 0x152D4F1Eu, 0x0C367E5Fu, 0x271B2D9Cu, 0x3E001CDDu,
        0xB9980012u, 0xA0833153u, 0x8BAE6290u, 0x92B553D1u, 0xDDF4C516u, 0xC4EFF457u, 0xEFC2A794u, 0xF6D996D5u,
        0xAE07BCE9u, 0xB71C8DA8u, 0x9C31DE6Bu, 0x852AEF2Au, 0xCA6B79EDu, 0xD37048ACu, 0xF85D1B6Fu, 0xE1462A2Eu,
        0x66DE36E1u, 0x7FC507A0u, 0x54E85463u, 0x4DF36522u, 0x02B2F3E5u, 0x1BA9C2A4u, 0x30849167u, 0x299FA026u,
        0xE4C5AEB8u, 0xFDDE9FF9u, 0xD6F3CC3Au, 0xCFE8FD7Bu, 0x80A96BBCu, 0x99B25AFDu, 0xB29F093Eu, 0xAB84387Fu,
        0x2C1C24B0u, 0x350715F1u, 0x1E2A4632u, 0x07317773u, 0x4870E1B4u, 0x516BD0F5u, 0x7A468336u, 0x635DB277u,
        0xCBFAD74Eu, 0xD2E1E60Fu, 0xF9CCB5CCu, 0xE0D7848Du, 0xAF96124Au, 0xB68D230Bu, 0x9DA070C8u, 0x84BB4189u,
        0x03235D46u, 0x1A386C07u, 0x31153FC4u, 0x280E0E85u, 0x674F9842u, 0x7E54A903u, 0x5579FAC0u, 0x4C62CB81u,
        0x8138C51Fu, 0x9823F45Eu, 0xB30EA79Du, 0xAA1596DCu, 0xE554001Bu, 0xFC4F315Au, 0xD7626299u, 0xCE7953D8u,
        0x49E14F17u, 0x50FA7E56u, 0x7BD72D95u, 0x62CC1CD4u, 0x2D8D8A13u, 0x3496BB52u, 0x1FBBE891u, 0x06A0D9D0u,
        0x5E7EF3ECu, 0x4765C2ADu, 0x6C48916Eu, 0x7553A02Fu, 0x3A1236E8u, 0x230907A9u, 0x0824546Au, 0x113F652Bu,
        0x96A779E4u, 0x8FBC48A5u, 0xA4911B66u, 0xBD8A2A27u, 0xF2CBBCE0u, 0xEBD08DA1u, 0xC0FDDE62u, 0xD9E6EF23u,
        0x14BCE1BDu, 0x0DA7D0FCu, 0x268A833Fu, 0x3F91B27Eu, 0x70D024B9u, 0x69CB15F8u, 0x42E6463Bu, 0x5BFD777Au,
        0xDC656BB5u, 0xC57E5AF4u, 0xEE530937u, 0xF7483876u, 0xB809AEB1u, 0xA1129FF0u, 0x8A3FCC33u, 0x9324FD72u },
    { /* 2 */
        0x00000000u, 0x01C26A37u, 0x0384D46Eu, 0x0246BE59u, 0x0709A8DCu, 0x06CBC2EBu, 0x048D7CB2u, 0x054F1685u,
        0x0E1351B8u, 0x0FD13B8Fu, 0x0D9785D6u, 0x0C55EFE1u, 0x091AF964u, 0x08D89353u, 0x0A9E2D0Au, 0x0B5C473Du,
        0x1C26A370u, 0x1DE4C947u, 0x1FA2771Eu, 0x1E601D29u, 0x1B2F0BACu, 0x1AED619Bu, 0x18ABDFC2u, 0x1969B5F5u,
        0x1235F2C8u, 0x13F798FFu, 0x11B126A6u, 0x10734C91u, 0x153C5A14u, 0x14FE3023u, 0x16B88E7Au, 0x177AE44Du,
        0x384D46E0u, 0x398F2CD7u, 0x3BC9928Eu, 0x3A0BF8B9u, 0x3F44EE3Cu, 0x3E86840Bu, 0x3CC03A52u, 0x3D025065u,
        0x365E1758u, 0x379C7D6Fu, 0x35DAC336u, 0x3418A901u, 0x3157BF84u, 0x3095D5B3u, 0x32D36BEAu, 0x331101DDu,
        0x246BE590u, 0x25A98FA7u, 0x27EF31FEu, 0x262D5BC9u, 0x23624D4Cu, 0x22A0277Bu, 0x20E69922u, 0x2124F315u,
        0x2A78B428u, 0x2BBADE1Fu, 0x29FC6046u, 0x283E0A71u, 0x2D711CF4u, 0x2CB376C3u, 0x2EF5C89Au, 0x2F37A2ADu,
        0x709A8DC0u, 0x7158E7F7u, 0x731E59AEu, 0x72DC3399u, 0x7793251Cu, 0x76514F2Bu, 0x7417F172u, 0x75D59B45u,
        0x7E89DC78u, 0x7F4BB64Fu, 0x7D0D0816u, 0x7CCF6221u, 0x798074A4u, 0x78421E93u, 0x7A04A0CAu, 0x7BC6CAFDu,
        0x6CBC2EB0u, 0x6D7E4487u, 0x6F38FADEu, 0x6EFA90E9u, 0x6BB5866Cu, 0x6A77EC5Bu, 0x68315202u, 0x69F33835u,
        0x62AF7F08u, 0x636D153Fu, 0x612BAB66u, 0x60E9C151u, 0x65A6D7D4u, 0x6464BDE3u, 0x662203BAu, 0x67E0698Du,
        0x48D7CB20u, 0x4915A117u, 0x4B531F4Eu, 0x4A917579u, 0x4FDE63FCu, 0x4E1C09CBu, 0x4C5AB792u, 0x4D98DDA5u,
        0x46C49A98u, 0x4706F0AFu, 0x45404EF6u, 0x448224C1u, 0x41CD3244u, 0x400F5873u, 0x4249E62Au, 0x438B8C1Du,
        0x54F16850u, 0x55330267u, 0x5775BC3Eu, 0x56B7D609u, 0x53F8C08Cu, 0x523AAABBu, 0x507C14E2u, 0x51BE7ED5u,
        0x5AE239E8u, 0x5B2053DFu, 0x5966ED86u, 0x58A487B1u, 0x5DEB9134u, 0x5C29FB03u, 0x5E6F455Au, 0x5FAD2F6Du,
        0xE1351B80u, 0xE0F771B7u, 0xE2B1CFEEu, 0xE373A5D9u, 0xE63CB35Cu, 0xE7FED96Bu, 0xE5B86732u, 0xE47A0D05u,
        0xEF264A38u, 0xEEE4200Fu, 0xECA29E56u, 0xED60F461u, 0xE82FE2E4u, 0xE9ED88D3u, 0xEBAB368Au, 0xEA695CBDu,
        0xFD13B8F0u, 0xFCD1D2C7u, 0xFE976C9Eu, 0xFF5506A9u, 0xFA1A102Cu, 0xFBD87A1Bu, 0xF99EC442u, 0xF85CAE75u,
        0xF300E948u, 0xF2C2837Fu, 0xF0843D26u, 0xF1465711u, 0xF4094194u, 0xF5CB2BA3u, 0xF78D95FAu, 0xF64FFFCDu,
        0xD9785D60u, 0xD8BA3757u, 0xDAFC890Eu, 0xDB3EE339u, 0xDE71F5BCu, 0xDFB39F8Bu, 0xDDF521D2u, 0xDC374BE5u,
        0xD76B0CD8u, 0xD6A966EFu, 0xD4EFD8B6u, 0xD52DB281u, 0xD062A404u, 0xD1A0CE33u, 0xD3E6706Au, 0xD2241A5Du,
        0xC55EFE10u, 0xC49C9427u, 0xC6DA2A7Eu, 0xC7184049u, 0xC25756CCu, 0xC3953CFBu, 0xC1D382A2u, 0xC011E895u,
        0xCB4DAFA8u, 0xCA8FC59Fu, 0xC8C97BC6u, 0xC90B11F1u, 0xCC440774u, 0xCD866D43u, 0xCFC0D31Au, 0xCE02B92Du,
        0x91AF9640u, 0x906DFC77u, 0x922B422Eu, 0x93E92819u, 0x96A63E9Cu, 0x976454ABu, 0x9522EAF2u, 0x94E080C5u,
        0x9FBCC7F8u, 0x9E7EADCFu, 0x9C381396u, 0x9DFA79A1u, 0x98B56F24u, 0x99770513u, 0x9B31BB4Au, 0x9AF3D17Du,
        0x8D893530u, 0x8C4B5F07u, 0x8E0DE15Eu, 0x8FCF8B69u, 0x8A809DECu, 0x8B42F7DBu, 0x89044982u, 0x88C623B5u,
        0x839A6488u, 0x82580EBFu, 0x801EB0E6u, 0x81DCDAD1u, 0x8493CC54u, 0x8551A663u, 0x8717183Au, 0x86D5720Du,
        0xA9E2D0A0u, 0xA820BA97u, 0xAA6604CEu, 0xABA46EF9u, 0xAEEB787Cu, 0xAF29124Bu, 0xAD6FAC12u, 0xACADC625u,
        0xA7F18118u, 0xA633EB2Fu, 0xA4755576u, 0xA5B73F41u, 0xA0F829C4u, 0xA13A43F3u, 0xA37CFDAAu, 0xA2BE979Du,
        0xB5C473D0u, 0xB40619E7u, 0xB640A7BEu, 0xB782CD89u, 0xB2CDDB0Cu, 0xB30FB13Bu, 0xB1490F62u, 0xB08B6555u,
        0xBBD72268u, 0xBA15485Fu, 0xB853F606u, 0xB9919C31u, 0xBCDE8AB4u, 0xBD1CE083u, 0xBF5A5EDAu, 0xBE9834EDu },
    { /* 3 */
        0x00000000u, 0xB8BC6765u, 0xAA09C88Bu, 0x12B5AFEEu, 0x8F629757u, 0x37DEF032u, 0x256B5FDCu, 0x9DD738B9u,
        0xC5B428EFu, 0x7D084F8Au, 0x6FBDE064u, 0xD7018701u, 0x4AD6BFB8u, 0xF26AD8DDu, 0xE0DF7733u, 0x58631056u,
        0x5019579Fu, 0xE8A530FAu, 0xFA109F14u, 0x42ACF871u, 0xDF7BC0C8u, 0x67C7A7ADu, 0x75720843u, 0xCDCE6F26u,
        0x95AD7F70u, 0x2D111815u, 0x3FA4B7FBu, 0x8718D09Eu, 0x1ACFE827u, 0xA2738F42u, 0xB0C620ACu, 0x087A47C9u,
        0xA032AF3Eu, 0x188EC85Bu, 0x0A3B67B5u, 0xB28700D0u, 0x2F503869u, 0x97EC5F0Cu, 0x8559F0E2u, 0x3DE59787u,
        0x658687D1u, 0xDD3AE0B4u, 0xCF8F4F5Au, 0x7733283Fu, 0xEAE41086u, 0x525877E3u, 0x40EDD80Du, 0xF851BF68u,
        0xF02BF8A1u, 0x48979FC4u, 0x5A22302Au, 0xE29E574Fu, 0x7F496FF6u, 0xC7F50893u, 0xD540A77Du, 0x6DFCC018u,
        0x359FD04Eu, 0x8D23B72Bu, 0x9F9618C5u, 0x272A7FA0u, 0xBAFD4719u, 0x0241207Cu, 0x10F48F92u, 0xA848E8F7u,
        0x9B14583Du, 0x23A83F58u, 0x311D90B6u, 0x89A1F7D3u, 0x1476CF6Au, 0xACCAA80Fu, 0xBE7F07E1u, 0x06C36084u,
        0x5EA070D2u, 0xE61C17B7u, 0xF4A9B859u, 0x4C15DF3Cu, 0xD1C2E785u, 0x697E80E0u, 0x7BCB2F0Eu, 0xC377486Bu,
        0xCB0D0FA2u, 0x73B168C7u, 0x6104C729u, 0xD9B8A04Cu, 0x446F98F5u, 0xFCD3FF90u, 0xEE66507Eu, 0x56DA371Bu,
        0x0EB9274Du, 0xB6054028u, 0xA4B0EFC6u, 0x1C0C88A3u, 0x81DBB01Au, 0x3967D77Fu, 0x2BD27891u, 0x936E1FF4u,
        0x3B26F703u, 0x839A9066u, 0x912F3F88u, 0x299358EDu, 0xB4446054u, 0x0CF80731u, 0x1E4DA8DFu, 0xA6F1CFBAu,
        0xFE92DFECu, 0x462EB889u, 0x549B1767u, 0xEC277002u, 0x71F048BBu, 0xC94C2FDEu, 0xDBF98030u, 0x6345E755u,
        0x6B3FA09Cu, 0xD383C7F9u, 0xC1366817u, 0x798A0F72u, 0xE45D37CBu, 0x5CE150AEu, 0x4E54FF40u, 0xF6E89825u,
        0xAE8B8873u, 0x1637EF16u, 0x048240F8u, 0xBC3E279Du, 0x21E91F24u, 0x99557841u, 0x8BE0D7AFu, 0x335CB0CAu,
        0xED59B63Bu, 0x55E5D15Eu, 0x47507EB0u, 0xFFEC19D5u, 0x623B216Cu, 0xDA874609u, 0xC832E9E7u, 0x708E8E82u,
        0x28ED9ED4u, 0x9051F9B1u, 0x82E4565Fu, 0x3A58313Au, 0xA78F0983u, 0x1F336EE6u, 0x0D86C108u, 0xB53AA66Du,
        0xBD40E1A4u, 0x05FC86C1u, 0x1749292Fu, 0xAFF54E4Au, 0x322276F3u, 0x8A9E1196u, 0x982BBE78u, 0x2097D91Du,
        0x78F4C94Bu, 0xC048AE2Eu, 0xD2FD01C0u, 0x6A4166A5u, 0xF7965E1Cu, 0x4F2A3979u, 0x5D9F9697u, 0xE523F1F2u,
        0x4D6B1905u, 0xF5D77E60u, 0xE762D18Eu, 0x5FDEB6EBu, 0xC2098E52u, 0x7AB5E937u, 0x680046D9u, 0xD0BC21BCu,
        0x88DF31EAu, 0x3063568Fu, 0x22D6F961u, 0x9A6A9E04u, 0x07BDA6BDu, 0xBF01C1D8u, 0xADB46E36u, 0x15080953u,
        0x1D724E9Au, 0xA5CE29FFu, 0xB77B8611u, 0x0FC7E174u, 0x9210D9CDu, 0x2AACBEA8u, 0x38191146u, 0x80A57623u,
        0xD8C66675u, 0x607A0110u, 0x72CFAEFEu, 0xCA73C99Bu, 0x57A4F122u, 0xEF189647u, 0xFDAD39A9u, 0x45115ECCu,
        0x764DEE06u, 0xCEF18963u, 0xDC44268Du, 0x64F841E8u, 0xF92F7951u, 0x41931E34u, 0x5326B1DAu, 0xEB9AD6BFu,
        0xB3F9C6E9u, 0x0B45A18Cu, 0x19F00E62u, 0xA14C6907u, 0x3C9B51BEu, 0x842736DBu, 0x96929935u, 0x2E2EFE50u,
        0x2654B999u, 0x9EE8DEFCu, 0x8C5D7112u, 0x34E11677u, 0xA9362ECEu, 0x118A49ABu, 0x033FE645u, 0xBB838120u,
        0xE3E09176u, 0x5B5CF613u, 0x49E959FDu, 0xF1553E98u, 0x6C820621u, 0xD43E6144u, 0xC68BCEAAu, 0x7E37A9CFu,
        0xD67F4138u, 0x6EC3265Du, 0x7C7689B3u, 0xC4CAEED6u, 0x591DD66Fu, 0xE1A1B10Au, 0xF3141EE4u, 0x4BA87981u,
        0x13CB69D7u, 0xAB770EB2u, 0xB9C2A15Cu, 0x017EC639u, 0x9CA9FE80u, 0x241599E5u, 0x36A0360Bu, 0x8E1C516Eu,
        0x866616A7u, 0x3EDA71C2u, 0x2C6FDE2Cu, 0x94D3B949u, 0x090481F0u, 0xB1B8E695u, 0xA30D497Bu, 0x1BB12E1Eu,
        0x43D23E48u, 0xFB6E592Du, 0xE9DBF6C3u, 0x516791A6u, 0xCCB0A91Fu, 0x740CCE7Au, 0x66B96194u, 0xDE0506F1u },
    { /* 4 */
        0x00000000u, 0x3D6029B0u, 0x7AC05360u, 0x47A07AD0u, 0xF580A6C0u, 0xC8E08F70u, 0x8F40F5A0u, 0xB220DC10u,
        0x30704BC1u, 0x0D106271u, 0x4AB018A1u, 0x77D03111u, 0xC5F0ED01u, 0xF890C4B1u, 0xBF30BE61u, 0x825097D1u,
        0x60E09782u, 0x5D80BE32u, 0x1A20C4E2u, 0x2740ED52u, 0x95603142u, 0xA80018F2u, 0xEFA06222u, 0xD2C04B92u,
        0x5090DC43u, 0x6DF0F5F3u, 0x2A508F23u, 0x1730A693u, 0xA5107A83u, 0x98705333u, 0xDFD029E3u, 0xE2B00053u,
        0xC1C12F04u, 0xFCA106B4u, 0xBB017C64u, 0x866155D4u, 0x344189C4u, 0x0921A074u, 0x4E81DAA4u, 0x73E1F314u,
        0xF1B164C5u, 0xCCD14D75u, 0x8B7137A5u, 0xB6111E15u, 0x0431C205u, 0x3951EBB5u, 0x7EF19165u, 0x4391B8D5u,
        0xA121B886u, 0x9C419136u, 0xDBE1EBE6u, 0xE681C256u, 0x54A11E46u, 0x69C137F6u, 0x2E614D26u, 0x13016496u,
        0x9151F347u, 0xAC31DAF7u, 0xEB91A027u, 0xD6F18997u, 0x64D15587u, 0x59B17C37u, 0x1E1106E7u, 0x23712F57u,
        0x58F35849u, 0x659371F9u, 0x22330B29u, 0x1F532299u, 0xAD73FE89u, 0x9013D739u, 0xD7B3ADE9u, 0xEAD38459u,
        0x68831388u, 0x55E33A38u, 0x124340E8u, 0x2F236958u, 0x9D03B548u, 0xA0639CF8u, 0xE7C3E628u, 0xDAA3CF98u,
        0x3813CFCBu, 0x0573E67Bu, 0x42D39CABu, 0x7FB3B51Bu, 0xCD93690Bu, 0xF0F340BBu, 0xB7533A6Bu, 0x8A3313DBu,
        0x0863840Au, 0x3503ADBAu, 0x72A3D76Au, 0x4FC3FEDAu, 0xFDE322CAu, 0xC0830B7Au, 0x872371AAu, 0xBA43581Au,
        0x9932774Du, 0xA4525EFDu, 0xE3F2242Du, 0xDE920D9Du, 0x6CB2D18Du, 0x51D2F83Du, 0x167282EDu, 0x2B12AB5Du,
        0xA9423C8Cu, 0x9422153Cu, 0xD3826FECu, 0xEEE2465Cu, 0x5CC29A4Cu, 0x61A2B3FCu, 0x2602C92Cu, 0x1B62E09Cu,
        0xF9D2E0CFu, 0xC4B2C97Fu, 0x8312B3AFu, 0xBE729A1Fu, 0x0C52460Fu, 0x31326FBFu, 0x7692156Fu, 0x4BF23CDFu,
        0xC9A2AB0Eu, 0xF4C282BEu, 0xB362F86Eu, 0x8E02D1DEu, 0x3C220DCEu, 0x0142247Eu, 0x46E25EAEu, 0x7B82771Eu,
        0xB1E6B092u, 0x8C869922u, 0xCB26E3F2u, 0xF646CA42u, 0x44661652u, 0x79063FE2u, 0x3EA64532u, 0x03C66C82u,
        0x8196FB53u, 0xBCF6D2E3u, 0xFB56A833u, 0xC6368183u, 0x74165D93u, 0x49767423u, 0x0ED60EF3u, 0x33B62743u,
        0xD1062710u, 0xEC660EA0u, 0xABC67470u, 0x96A65DC0u, 0x248681D0u, 0x19E6A860u, 0x5E46D2B0u, 0x6326FB00u,
        0xE1766CD1u, 0xDC164561u, 0x9BB63FB1u, 0xA6D61601u, 0x14F6CA11u, 0x2996E3A1u, 0x6E369971u, 0x5356B0C1u,
        0x70279F96u, 0x4D47B626u, 0x0AE7CCF6u, 0x3787E546u, 0x85A73956u, 0xB8C710E6u, 0xFF676A36u, 0xC2074386u,
        0x4057D457u, 0x7D37FDE7u, 0x3A978737u, 0x07F7AE87u, 0xB5D77297u, 0x88B75B27u, 0xCF1721F7u, 0xF2770847u,
        0x10C70814u, 0x2DA721A4u, 0x6A075B74u, 0x576772C4u, 0xE547AED4u, 0xD8278764u, 0x9F87FDB4u, 0xA2E7D404u,
        0x20B743D5u, 0x1DD76A65u, 0x5A7710B5u, 0x67173905u, 0xD537E515u, 0xE857CCA5u, 0xAFF7B675u, 0x92979FC5u,
        0xE915E8DBu, 0xD475C16Bu, 0x93D5BBBBu, 0xAEB5920Bu, 0x1C954E1Bu, 0x21F567ABu, 0x66551D7Bu, 0x5B3534CBu,
        0xD965A31Au, 0xE4058AAAu, 0xA3A5F07Au, 0x9EC5D9CAu, 0x2CE505DAu, 0x11852C6Au, 0x562556BAu, 0x6B457F0Au,
        0x89F57F59u, 0xB49556E9u, 0xF3352C39u, 0xCE550589u, 0x7C75D999u, 0x4115F029u, 0x06B58AF9u, 0x3BD5A349u,
        0xB9853498u, 0x84E51D28u, 0xC34567F8u, 0xFE254E48u, 0x4C059258u, 0x7165BBE8u, 0x36C5C138u, 0x0BA5E888u,
        0x28D4C7DFu, 0x15B4EE6Fu, 0x521494BFu, 0x6F74BD0Fu, 0xDD54611Fu, 0xE03448AFu, 0xA794327Fu, 0x9AF41BCFu,
        0x18A48C1Eu, 0x25C4A5AEu, 0x6264DF7Eu, 0x5F04F6CEu, 0xED242ADEu, 0xD044036Eu, 0x97E479BEu, 0xAA84500Eu,
        0x4834505Du, 0x755479EDu, 0x32F4033Du, 0x0F942A8Du, 0xBDB4F69Du, 0x80D4DF2Du, 0xC774A5FDu, 0xFA148C4Du,
        0x78441B9Cu, 0x4524322Cu, 0x028448FCu, 0x3FE4614Cu, 0x8DC4BD5Cu, 0xB0A494ECu, 0xF704EE3Cu, 0xCA64C78Cu },
    { /* 5 */
        0x00000000u, 0xCB5CD3A5u, 0x4DC8A10Bu, 0x869472AEu, 0x9B914216u, 0x50CD91B3u, 0xD659E31Du, 0x1D0530B8u,
        0xEC53826Du, 0x270F51C8u, 0xA19B2366u, 0x6AC7F0C3u, 0x77C2C07Bu, 0xBC9E13DEu, 0x3A0A6170u, 0xF156B2D5u,
        0x03D6029Bu, 0xC88AD13Eu, 0x4E1EA390u, 0x85427035u, 0x9847408Du, 0x531B9328u, 0xD58FE186u, 0x1ED33223u,
        0xEF8580F6u, 0x24D95353u, 0xA24D21FDu, 0x6911F258u, 0x7414C2E0u, 0xBF481145u, 0x39DC63EBu, 0xF280B04Eu,
        0x07AC0536u, 0xCCF0D693u, 0x4A64A43Du, 0x81387798u, 0x9C3D4720u, 0x57619485u, 0xD1F5E62Bu, 0x1AA9358Eu,
        0xEBFF875Bu, 0x20A354FEu, 0xA6372650u, 0x6D6BF5F5u, 0x706EC54Du, 0xBB3216E8u, 0x3DA66446u, 0xF6FAB7E3u,
        0x047A07ADu, 0xCF26D408u, 0x49B2A6A6u, 0x82EE7503u, 0x9FEB45BBu, 0x54B7961Eu, 0xD223E4B0u, 0x197F3715u,
        0xE82985C0u, 0x23755665u, 0xA5E124CBu, 0x6EBDF76Eu, 0x73B8C7D6u, 0xB8E41473u, 0x3E7066DDu, 0xF52CB578u,
        0x0F580A6Cu, 0xC404D9C9u, 0x4290AB67u, 0x89CC78C2u, 0x94C9487Au, 0x5F959BDFu, 0xD901E971u, 0x125D3AD4u,
        0xE30B8801u, 0x28575BA4u, 0xAEC3290Au, 0x659FFAAFu, 0x789ACA17u, 0xB3C619B2u, 0x35526B1Cu, 0xFE0EB8B9u,
        0x0C8E08F7u, 0xC7D2DB52u, 0x4146A9FCu, 0x8A1A7A59u, 0x971F4AE1u, 0x5C439944u, 0xDAD7EBEAu, 0x118B384Fu,
        0xE0DD8A9Au, 0x2B81593Fu, 0xAD152B91u, 0x6649F834u, 0x7B4CC88Cu, 0xB0101B29u, 0x36846987u, 0xFDD8BA22u,
        0x08F40F5Au, 0xC3A8DCFFu, 0x453CAE51u, 0x8E607DF4u, 0x93654D4Cu, 0x58399EE9u, 0xDEADEC47u, 0x15F13FE2u,
        0xE4A78D37u, 0x2FFB5E92u, 0xA96F2C3Cu, 0x6233FF99u, 0x7F36CF21u, 0xB46A1C84u, 0x32FE6E2Au, 0xF9A2BD8Fu,
        0x0B220DC1u, 0xC07EDE64u, 0x46EAACCAu, 0x8DB67F6Fu, 0x90B34FD7u, 0x5BEF9C72u, 0xDD7BEEDCu, 0x16273D79u,
        0xE7718FACu, 0x2C2D5C09u, 0xAAB92EA7u, 0x61E5FD02u, 0x7CE0CDBAu, 0xB7BC1E1Fu, 0x31286CB1u, 0xFA74BF14u,
        0x1EB014D8u, 0xD5ECC77Du, 0x5378B5D3u, 0x98246676u, 0x852156CEu, 0x4E7D856Bu, 0xC8E9F7C5u, 0x03B52460u,
        0xF2E396B5u, 0x39BF4510u, 0xBF2B37BEu, 0x7477E41Bu, 0x6972D4A3u, 0xA22E0706u, 0x24BA75A8u, 0xEFE6A60Du,
        0x1D661643u, 0xD63AC5E6u, 0x50AEB748u, 0x9BF264EDu, 0x86F75455u, 0x4DAB87F0u, 0xCB3FF55Eu, 0x006326FBu,
        0xF135942Eu, 0x3A69478Bu, 0xBCFD3525u, 0x77A1E680u, 0x6AA4D638u, 0xA1F8059Du, 0x276C7733u, 0xEC30A496u,
        0x191C11EEu, 0xD240C24Bu, 0x54D4B0E5u, 0x9F886340u, 0x828D53F8u, 0x49D1805Du, 0xCF45F2F3u, 0x04192156u,
        0xF54F9383u, 0x3E134026u, 0xB8873288u, 0x73DBE12Du, 0x6EDED195u, 0xA5820230u, 0x2316709Eu, 0xE84AA33Bu,
        0x1ACA1375u, 0xD196C0D0u, 0x5702B27Eu, 0x9C5E61DBu, 0x815B5163u, 0x4A0782C6u, 0xCC93F068u, 0x07CF23CDu,
        0xF6999118u, 0x3DC542BDu, 0xBB513013u, 0x700DE3B6u, 0x6D08D30Eu, 0xA65400ABu, 0x20C07205u, 0xEB9CA1A0u,
        0x11E81EB4u, 0xDAB4CD11u, 0x5C20BFBFu, 0x977C6C1Au, 0x8A795CA2u, 0x41258F07u, 0xC7B1FDA9u, 0x0CED2E0Cu,
        0xFDBB9CD9u, 0x36E74F7Cu, 0xB0733DD2u, 0x7B2FEE77u, 0x662ADECFu, 0xAD760D6Au, 0x2BE27FC4u, 0xE0BEAC61u,
        0x123E1C2Fu, 0xD962CF8Au, 0x5FF6BD24u, 0x94AA6E81u, 0x89AF5E39u, 0x42F38D9Cu, 0xC467FF32u, 0x0F3B2C97u,
        0xFE6D9E42u, 0x35314DE7u, 0xB3A53F49u, 0x78F9ECECu, 0x65FCDC54u, 0xAEA00FF1u, 0x28347D5Fu, 0xE368AEFAu,
        0x16441B82u, 0xDD18C827u, 0x5B8CBA89u, 0x90D0692Cu, 0x8DD55994u, 0x46898A31u, 0xC01DF89Fu, 0x0B412B3Au,
        0xFA1799EFu, 0x314B4A4Au, 0xB7DF38E4u, 0x7C83EB41u, 0x6186DBF9u, 0xAADA085Cu, 0x2C4E7AF2u, 0xE712A957u,
        0x15921919u, 0xDECECABCu, 0x585AB812u, 0x93066BB7u, 0x8E035B0Fu, 0x455F88AAu, 0xC3CBFA04u, 0x089729A1u,
        0xF9C19B74u, 0x329D48D1u, 0xB4093A7Fu, 0x7F55E9DAu, 0x6250D962u, 0xA90C0AC7u, 0x2F987869u, 0xE4C4ABCCu },
    { /* 6 */
        0x00000000u, 0xA6770BB4u, 0x979F1129u, 0x31E81A9Du, 0xF44F2413u, 0x52382FA7u, 0x63D0353Au, 0xC5A73E8Eu,
        0x33EF4E67u, 0x959845D3u, 0xA4705F4Eu, 0x020754FAu, 0xC7A06A74u, 0x61D761C0u, 0x503F7B5Du, 0xF64870E9u,
        0x67DE9CCEu, 0xC1A9977Au, 0xF0418DE7u, 0x56368653u, 0x9391B8DDu, 0x35E6B369u, 0x040EA9F4u, 0xA279A240u,
        0x5431D2A9u, 0xF246D91Du, 0xC3AEC380u, 0x65D9C834u, 0xA07EF6BAu, 0x0609FD0Eu, 0x37E1E793u, 0x9196EC27u,
        0xCFBD399Cu, 0x69CA3228u, 0x582228B5u, 0xFE552301u, 0x3BF21D8Fu, 0x9D85163Bu, 0xAC6D0CA6u, 0x0A1A0712u,
        0xFC5277FBu, 0x5A257C4Fu, 0x6BCD66D2u, 0xCDBA6D66u, 0x081D53E8u, 0xAE6A585Cu, 0x9F8242C1u, 0x39F54975u,
        0xA863A552u, 0x0E14AEE6u, 0x3FFCB47Bu, 0x998BBFCFu, 0x5C2C8141u, 0xFA5B8AF5u, 0xCBB39068u, 0x6DC49BDCu,
        0x9B8CEB35u, 0x3DFBE081u, 0x0C13FA1Cu, 0xAA64F1A8u, 0x6FC3CF26u, 0xC9B4C492u, 0xF85CDE0Fu, 0x5E2BD5BBu,
        0x440B7579u, 0xE27C7ECDu, 0xD3946450u, 0x75E36FE4u, 0xB044516Au, 0x16335ADEu, 0x27DB4043u, 0x81AC4BF7u,
        0x77E43B1Eu, 0xD19330AAu, 0xE07B2A37u, 0x460C2183u, 0x83AB1F0Du, 0x25DC14B9u, 0x14340E24u, 0xB2430590u,
        0x23D5E9B7u, 0x85A2E203u, 0xB44AF89Eu, 0x123DF32Au, 0xD79ACDA4u, 0x71EDC610u, 0x4005DC8Du, 0xE672D739u,
        0x103AA7D0u, 0xB64DAC64u, 0x87A5B6F9u, 0x21D2BD4Du, 0xE47583C3u, 0x42028877u, 0x73EA92EAu, 0xD59D995Eu,
        0x8BB64CE5u, 0x2DC14751u, 0x1C295DCCu, 0xBA5E5678u, 0x7FF968F6u, 0xD98E6342u, 0xE86679DFu, 0x4E11726Bu,
        0xB8590282u, 0x1E2E0936u, 0x2FC613ABu, 0x89B1181Fu, 0x4C162691u, 0xEA612D25u, 0xDB8937B8u, 0x7DFE3C0Cu,
        0xEC68D02Bu, 0x4A1FDB9Fu, 0x7BF7C102u, 0xDD80CAB6u, 0x1827F438u, 0xBE50FF8Cu, 0x8FB8E511u, 0x29CFEEA5u,
        0xDF879E4Cu, 0x79F095F8u, 0x48188F65u, 0xEE6F84D1u, 0x2BC8BA5Fu, 0x8DBFB1EBu, 0xBC57AB76u, 0x1A20A0C2u,
        0x8816EAF2u, 0x2E61E146u, 0x1F89FBDBu, 0xB9FEF06Fu, 0x7C59CEE1u, 0xDA2EC555u, 0xEBC6DFC8u, 0x4DB1D47Cu,
        0xBBF9A495u, 0x1D8EAF21u, 0x2C66B5BCu, 0x8A11BE08u, 0x4FB68086u, 0xE9C18B32u, 0xD82991AFu, 0x7E5E9A1Bu,
        0xEFC8763Cu, 0x49BF7D88u, 0x78576715u, 0xDE206CA1u, 0x1B87522Fu, 0xBDF0599Bu, 0x8C184306u, 0x2A6F48B2u,
        0xDC27385Bu, 0x7A5033EFu, 0x4BB82972u, 0xEDCF22C6u, 0x28681C48u, 0x8E1F17FCu, 0xBFF70D61u, 0x198006D5u,
        0x47ABD36Eu, 0xE1DCD8DAu, 0xD034C247u, 0x7643C9F3u, 0xB3E4F77Du, 0x1593FCC9u, 0x247BE654u, 0x820CEDE0u,
        0x74449D09u, 0xD23396BDu, 0xE3DB8C20u, 0x45AC8794u, 0x800BB91Au, 0x267CB2AEu, 0x1794A833u, 0xB1E3A387u,
        0x20754FA0u, 0x86024414u, 0xB7EA5E89u, 0x119D553Du, 0xD43A6BB3u, 0x724D6007u, 0x43A57A9Au, 0xE5D2712Eu,
        0x139A01C7u, 0xB5ED0A73u, 0x840510EEu, 0x22721B5Au, 0xE7D525D4u, 0x41A22E60u, 0x704A34FDu, 0xD63D3F49u,
        0xCC1D9F8Bu, 0x6A6A943Fu, 0x5B828EA2u, 0xFDF58516u, 0x3852BB98u, 0x9E25B02Cu, 0xAFCDAAB1u, 0x09BAA105u,
        0xFFF2D1ECu, 0x5985DA58u, 0x686DC0C5u, 0xCE1ACB71u, 0x0BBDF5FFu, 0xADCAFE4Bu, 0x9C22E4D6u, 0x3A55EF62u,
        0xABC30345u, 0x0DB408F1u, 0x3C5C126Cu, 0x9A2B19D8u, 0x5F8C2756u, 0xF9FB2CE2u, 0xC813367Fu, 0x6E643DCBu,
        0x982C4D22u, 0x3E5B4696u, 0x0FB35C0Bu, 0xA9C457BFu, 0x6C636931u, 0xCA146285u, 0xFBFC7818u, 0x5D8B73ACu,
        0x03A0A617u, 0xA5D7ADA3u, 0x943FB73Eu, 0x3248BC8Au, 0xF7EF8204u, 0x519889B0u, 0x6070932Du, 0xC6079899u,
        0x304FE870u, 0x9638E3C4u, 0xA7D0F959u, 0x01A7F2EDu, 0xC400CC63u, 0x6277C7D7u, 0x539FDD4Au, 0xF5E8D6FEu,
        0x647E3AD9u, 0xC209316Du, 0xF3E12BF0u, 0x55962044u, 0x90311ECAu, 0x3646157Eu, 0x07AE0FE3u, 0xA1D90457u,
        0x579174BEu, 0xF1E67F0Au, 0xC00E6597u, 0x66796E23u, 0xA3DE50ADu, 0x05A95B19u, 0x34414184u, 0x92364A30u },
    { /* 7 */
        0x00000000u, 0xCCAA009Eu, 0x4225077Du, 0x8E8F07E3u, 0x844A0EFAu, 0x48E00E64u, 0xC66F0987u, 0x0AC50919u,
        0xD3E51BB5u, 0x1F4F1B2Bu, 0x91C01CC8u, 0x5D6A1C56u, 0x57AF154Fu, 0x9B0515D1u, 0x158A1232u, 0xD92012ACu,
        0x7CBB312Bu, 0xB01131B5u, 0x3E9E3656u, 0xF23436C8u, 0xF8F13FD1u, 0x345B3F4Fu, 0xBAD438ACu, 0x767E3832u,
        0xAF5E2A9Eu, 0x63F42A00u, 0xED7B2DE3u, 0x21D12D7Du, 0x2B142464u, 0xE7BE24FAu, 0x69312319u, 0xA59B2387u,
        0xF9766256u, 0x35DC62C8u, 0xBB53652Bu, 0x77F965B5u, 0x7D3C6CACu, 0xB1966C32u, 0x3F196BD1u, 0xF3B36B4Fu,
        0x2A9379E3u, 0xE639797Du, 0x68B67E9Eu, 0xA41C7E00u, 0xAED97719u, 0x62737787u, 0xECFC7064u, 0x205670FAu,
        0x85CD537Du, 0x496753E3u, 0xC7E85400u, 0x0B42549Eu, 0x01875D87u, 0xCD2D5D19u, 0x43A25AFAu, 0x8F085A64u,
        0x562848C8u, 0x9A824856u, 0x140D4FB5u, 0xD8A74F2Bu, 0xD2624632u, 0x1EC846ACu, 0x9047414Fu, 0x5CED41D1u,
        0x299DC2EDu, 0xE537C273u, 0x6BB8C590u, 0xA712C50Eu, 0xADD7CC17u, 0x617DCC89u, 0xEFF2CB6Au, 0x2358CBF4u,
        0xFA78D958u, 0x36D2D9C6u, 0xB85DDE25u, 0x74F7DEBBu, 0x7E32D7A2u, 0xB298D73Cu, 0x3C17D0DFu, 0xF0BDD041u,
        0x5526F3C6u, 0x998CF358u, 0x1703F4BBu, 0xDBA9F425u, 0xD16CFD3Cu, 0x1DC6FDA2u, 0x9349FA41u, 0x5FE3FADFu,
        0x86C3E873u, 0x4A69E8EDu, 0xC4E6EF0Eu, 0x084CEF90u, 0x0289E689u, 0xCE23E617u, 0x40ACE1F4u, 0x8C06E16Au,
        0xD0EBA0BBu, 0x1C41A025u, 0x92CEA7C6u, 0x5E64A758u, 0x54A1AE41u, 0x980BAEDFu, 0x1684A93Cu, 0xDA2EA9A2u,
        0x030EBB0Eu, 0xCFA4BB90u, 0x412BBC73u, 0x8D81BCEDu, 0x8744B5F4u, 0x4BEEB56Au, 0xC561B289u, 0x09CBB217u,
        0xAC509190u, 0x60FA910Eu, 0xEE7596EDu, 0x22DF9673u, 0x281A9F6Au, 0xE4B09FF4u, 0x6A3F9817u, 0xA6959889u,
        0x7FB58A25u, 0xB31F8ABBu, 0x3D908D58u, 0xF13A8DC6u, 0xFBFF84DFu, 0x37558441u, 0xB9DA83A2u, 0x7570833Cu,
        0x533B85DAu, 0x9F918544u, 0x111E82A7u, 0xDDB48239u, 0xD7718B20u, 0x1BDB8BBEu, 0x95548C5Du, 0x59FE8CC3u,
        0x80DE9E6Fu, 0x4C749EF1u, 0xC2FB9912u, 0x0E51998Cu, 0x04949095u, 0xC83E900Bu, 0x46B197E8u, 0x8A1B9776u,
        0x2F80B4F1u, 0xE32AB46Fu, 0x6DA5B38Cu, 0xA10FB312u, 0xABCABA0Bu, 0x6760BA95u, 0xE9EFBD76u, 0x2545BDE8u,
        0xFC65AF44u, 0x30CFAFDAu, 0xBE40A839u, 0x72EAA8A7u, 0x782FA1BEu, 0xB485A120u, 0x3A0AA6C3u, 0xF6A0A65Du,
        0xAA4DE78Cu, 0x66E7E712u, 0xE868E0F1u, 0x24C2E06Fu, 0x2E07E976u, 0xE2ADE9E8u, 0x6C22EE0Bu, 0xA088EE95u,
        0x79A8FC39u, 0xB502FCA7u, 0x3B8DFB44u, 0xF727FBDAu, 0xFDE2F2C3u, 0x3148F25Du, 0xBFC7F5BEu, 0x736DF520u,
        0xD6F6D6A7u, 0x1A5CD639u, 0x94D3D1DAu, 0x5879D144u, 0x52BCD85Du, 0x9E16D8C3u, 0x1099DF20u, 0xDC33DFBEu,
        0x0513CD12u, 0xC9B9CD8Cu, 0x4736CA6Fu, 0x8B9CCAF1u, 0x8159C3E8u, 0x4DF3C376u, 0xC37CC495u, 0x0FD6C40Bu,
        0x7AA64737u, 0xB60C47A9u, 0x3883404Au, 0xF42940D4u, 0xFEEC49CDu, 0x32464953u, 0xBCC94EB0u, 0x70634E2Eu,
        0xA9435C82u, 0x65E95C1Cu, 0xEB665BFFu, 0x27CC5B61u, 0x2D095278u, 0xE1A352E6u, 0x6F2C5505u, 0xA386559Bu,
        0x061D761Cu, 0xCAB77682u, 0x44387161u, 0x889271FFu, 0x825778E6u, 0x4EFD7878u, 0xC0727F9Bu, 0x0CD87F05u,
        0xD5F86DA9u, 0x19526D37u, 0x97DD6AD4u, 0x5B776A4Au, 0x51B26353u, 0x9D1863CDu, 0x1397642Eu, 0xDF3D64B0u,
        0x83D02561u, 0x4F7A25FFu, 0xC1F5221Cu, 0x0D5F2282u, 0x079A2B9Bu, 0xCB302B05u, 0x45BF2CE6u, 0x89152C78u,
        0x50353ED4u, 0x9C9F3E4Au, 0x121039A9u, 0xDEBA3937u, 0xD47F302Eu, 0x18D530B0u, 0x965A3753u, 0x5AF037CDu,
        0xFF6B144Au, 0x33C114D4u, 0xBD4E1337u, 0x71E413A9u, 0x7B211AB0u, 0xB78B1A2Eu, 0x39041DCDu, 0xF5AE1D53u,
        0x2C8E0FFFu, 0xE0240F61u, 0x6EAB0882u, 0xA201081Cu, 0xA8C40105u, 0x646E019Bu, 0xEAE10678u, 0x264B06E6u }
#endif
};

uint32_t dp_crc32(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    crc = ~crc;
#if DP_CRC32_TABLES == 8
    while (n >= 8) {
        const uint32_t lo = crc ^ dp__rd32(p), hi = dp__rd32(p + 4);
        crc = dp__crc32_tab[7][lo & 0xFFu] ^ dp__crc32_tab[6][(lo >> 8) & 0xFFu] ^
              dp__crc32_tab[5][(lo >> 16) & 0xFFu] ^ dp__crc32_tab[4][lo >> 24] ^
              dp__crc32_tab[3][hi & 0xFFu] ^ dp__crc32_tab[2][(hi >> 8) & 0xFFu] ^
              dp__crc32_tab[1][(hi >> 16) & 0xFFu] ^ dp__crc32_tab[0][hi >> 24];
        p += 8;
        n -= 8;
    }
#endif
    while (n--) crc = (crc >> 8) ^ dp__crc32_tab[0][(crc ^ *p++) & 0xFFu];
    return ~crc;
}

/* ====================================================================== */
/* >>impl_infer   (freestanding: no malloc, no libc, no float)            */
/* ====================================================================== */

/* ---- small helpers ---- */
/* uint32 -> int32 in two's complement, without implementation-defined casts */
static int32_t dp__u2s(uint32_t u)
{
    return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - 0x7FFFFFFF - 1;
}
static int32_t dp__s16(uint32_t u) { return u < 0x8000u ? (int32_t)u : (int32_t)u - 65536; }
static int32_t dp__s8(uint32_t u) { return u < 0x80u ? (int32_t)u : (int32_t)u - 256; }
/* int32 addition with wrap-around (the bias add: no undefined overflow) */
static int32_t dp__wadd(int32_t a, int32_t b) { return dp__u2s((uint32_t)a + (uint32_t)b); }
/* arithmetic shift right, portable (compilers emit a single asr) */
static int32_t dp__asr(int32_t x, int32_t e) { return x >= 0 ? x >> e : ~(~x >> e); }
/* volatile: keeps compilers from turning the loop into a memset call */
static void dp__zero(void *p, size_t n)
{
    volatile unsigned char *q = (volatile unsigned char *)p;
    while (n--) *q++ = 0;
}
static int dp__host_le(void)
{
    const uint32_t one = 1;
    return *(const unsigned char *)(const void *)&one == 1;
}

/* ---- >>qmul  requantisation arithmetic (see >>requant) ---- */
/* floor((a*b + 2^30) / 2^31), saturating: gemmlowp's
   SaturatingRoundingDoublingHighMul without a 64-bit division (Cortex-M0
   has none). |a*b| <= 2^62 so the sums below cannot overflow. */
static int32_t dp__qmul_high(int32_t a, int32_t b)
{
    int64_t ab;
    if (a == b && a == INT32_MIN) return INT32_MAX;
    ab = (int64_t)a * (int64_t)b + ((int64_t)1 << 30);
    /* floor division by 2^31: an arithmetic shift, spelled portably */
    if (ab >= 0) return (int32_t)(ab >> 31);
    return (int32_t)(-(((-ab) - 1) >> 31) - 1);
}
/* x / 2^e rounded to nearest, ties away from zero (gemmlowp
   RoundingDivideByPOT: add 1 when the remainder exceeds half, where "half"
   is one more for negative x). 0 <= e <= 31. */
static int32_t dp__qdiv_pot(int32_t x, int32_t e)
{
    const uint32_t mask = ((uint32_t)1 << e) - 1u;
    const int32_t rem = (int32_t)((uint32_t)x & mask);
    const int32_t thr = (int32_t)(mask >> 1) + (x < 0 ? 1 : 0);
    return dp__asr(x, e) + (rem > thr ? 1 : 0);
}
/* TFLite MultiplyByQuantizedMultiplier; shift in [-31, 30] */
static int32_t dp__qmul(int32_t x, int32_t mult, int32_t shift)
{
    const int32_t ls = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
    return dp__qdiv_pot(dp__qmul_high(dp__u2s((uint32_t)x << ls), mult), rs);
}
/* the output stage shared by every requantising kernel */
static int8_t dp__requant(int32_t acc, int32_t mult, int32_t shift,
                          int32_t zp, int32_t lo, int32_t hi)
{
    int32_t v = dp__qmul(acc, mult, shift);
    /* keep "+ zp" from overflowing; the clamp below hides the difference */
    if (v < -512) v = -512;
    if (v > 512) v = 512;
    v += zp;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int8_t)v;
}
static int8_t dp__clamp8(int32_t v, int32_t lo, int32_t hi)
{
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int8_t)v;
}

int32_t dp_qmul_high(int32_t a, int32_t b) { return dp__qmul_high(a, b); }
int32_t dp_qdiv_pot(int32_t x, int32_t e)
{
    if (e < 0) e = 0;
    if (e > 31) e = 31;
    return dp__qdiv_pot(x, e);
}
int32_t dp_qmul(int32_t x, int32_t mult, int32_t shift)
{
    if (shift < -31) shift = -31;
    if (shift > 30) shift = 30;
    return dp__qmul(x, mult, shift);
}

/* ---- >>dot  inner loops ----
   The portable kernels run their MACs here and in >>fast. Cores with
   the DSP extension run the kernels of >>dsp instead (SXTAB16 + SMLAD on 4
   bytes at a time, four output channels per input word), bit-identical. */
static int32_t dp__dot_s8(const int8_t *a, const int8_t *b, int32_t n)
{
    int32_t s0 = 0, s1 = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i] + a[i + 1] * b[i + 1];
        s1 += a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return s0 + s1;
}
/* sum (a[i] + off) * b[i]: the zero point inside the loop (padded pixels,
   or no kernel sums given) */
static int32_t dp__dot_off_s8(const int8_t *a, const int8_t *b, int32_t n, int32_t off)
{
    int32_t s0 = 0, s1 = 0, i = 0;
    for (; i + 2 <= n; i += 2) {
        s0 += (a[i] + off) * b[i];
        s1 += (a[i + 1] + off) * b[i + 1];
    }
    for (; i < n; i++) s0 += (a[i] + off) * b[i];
    return s0 + s1;
}
/* one output channel: the odd one left over by the pairs */
static int32_t dp__dot1_s8(const int8_t *a, const int8_t *b, int32_t n, int32_t off, int fold)
{
    return fold ? dp__dot_s8(a, b, n) : dp__dot_off_s8(a, b, n, off);
}
/* Zero-point folding: sum (x - zp) * w + b = sum x*w + (b - zp * sum w).
   With kernel sums the second term is a per-channel constant, so interior
   pixels run the plain dot product (without ksum: the plain bias). Both sides agree modulo 2^32 and the
   sums stay far from int32 overflow (DP_MAX_REDUCTION), so the result is
   bit-identical to the reference. */
static int32_t dp__bias_fold(const int32_t *bias, const int32_t *ksum, int32_t c, int32_t in_zp)
{
    const int32_t b = bias ? bias[c] : 0;
    return ksum ? dp__wadd(b, -in_zp * ksum[c]) : b;
}

/* ---- >>fast  helpers of the portable kernels' fast paths ----
   dp__rq_fast: dp__requant for mult >= 0, -31 <= shift <= 30 and zp, lo,
   hi within int8 (dp__rq_ok checks every channel once per call); lz, hz
   are lo - zp, hi - zp. shift >= 0: dp__qmul_high of the shifted acc (no
   saturation case with mult >= 0) and no rounding division. shift < 0: one
   rounding step does TFLite's two (as in >>dsp): u = floor((acc*mult +
   2^30 - [acc < 0] * 2^31) / 2^31), then ((u >> (rs-1)) + 1) >> 1. The
   products are below 2^62 in magnitude, so adding 2^62 makes the sums
   non-negative and the floors logical shifts. Clamping v to [lz, hz]
   before adding zp is dp__requant's clamp to +-512, + zp, clamp to [lo,
   hi] (beyond +-512 both give lo or hi), and cannot overflow. */
#if defined(__GNUC__) || defined(__clang__)
#define DP__PI static __inline__ __attribute__((always_inline))
#else
#define DP__PI static
#endif
DP__PI int8_t dp__rq_fast(int32_t acc, int32_t mult, int32_t shift, int32_t zp, int32_t lz, int32_t hz)
{
    const int64_t c = ((int64_t)1 << 62) + ((int64_t)1 << 30);
    int32_t v;
    if (shift < 0) {
        /* v = floor((acc*mult + 2^30) / 2^31), u = v - [acc < 0] */
        const uint64_t t = (uint64_t)((int64_t)acc * mult + c);
        const int32_t u = dp__u2s((uint32_t)(t >> 31) ^ 0x80000000u) + dp__asr(acc, 31);
        v = dp__asr(dp__asr(u, -shift - 1) + 1, 1);
    } else {
        const int32_t a = dp__u2s((uint32_t)acc << shift);
        const uint64_t t = (uint64_t)((int64_t)a * mult + c);
        v = dp__u2s((uint32_t)(t >> 31) ^ 0x80000000u);
    }
    v = v < lz ? lz : v;
    v = v > hz ? hz : v;
    return (int8_t)(v + zp);
}
/* the output stage of one kernel call: dp__rq_fast when dp__rq_ok */
typedef struct dp__out_stage {
    int fast;
    int32_t zp, lo, hi, lz, hz;
} dp__out_stage;
DP__PI int8_t dp__out_requant(int32_t acc, int32_t mult, int32_t shift, const dp__out_stage *q)
{
    return q->fast ? dp__rq_fast(acc, mult, shift, q->zp, q->lz, q->hz)
                   : dp__requant(acc, mult, shift, q->zp, q->lo, q->hi);
}
/* bias of channel c: zero point folded in (fz, needs ksum) or plain */
DP__PI int32_t dp__cbias(const int32_t *bias, const int32_t *ksum, int32_t c, int32_t in_zp, int fz)
{
    return fz ? dp__bias_fold(bias, ksum, c, in_zp) : bias ? bias[c] : 0;
}
static int dp__rq_ok(const int32_t *mult, const int32_t *shift, int32_t n,
                     int32_t zp, int32_t lo, int32_t hi)
{
    int32_t i;
    if (zp < -128 || zp > 127 || lo < -128 || hi > 127) return 0;
    for (i = 0; i < n; i++)
        if (mult[i] < 0 || shift[i] > 30 || shift[i] < -31) return 0;
    return 1;
}
static void dp__out_stage_init(dp__out_stage *q, const int32_t *mult, const int32_t *shift, int32_t n,
                        int32_t zp, int32_t lo, int32_t hi)
{
    q->fast = dp__rq_ok(mult, shift, n, zp, lo, hi);
    q->zp = zp; q->lo = lo; q->hi = hi; q->lz = lo - zp; q->hz = hi - zp;
}
/* two pixels (inputs a, c) times two output channels (weight rows b0, b1):
   s[0] += a.b0, s[1] += a.b1, s[2] += c.b0, s[3] += c.b1, each byte + off
   (off == 0: the zero point is folded into the bias) */
#define DP__MAC22(j)                                                   \
    do {                                                               \
        const int32_t xa_ = a[j], xc_ = c[j], u_ = b0[j], v_ = b1[j];  \
        s0 += xa_ * u_; s1 += xa_ * v_; s2 += xc_ * u_; s3 += xc_ * v_;  \
    } while (0)
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_8M_MAIN__)
/* Cores with a one-instruction 32x32+64 multiply-accumulate (SMLAL) but no
   DSP kernels (Cortex-M3; M33 without DSP or with DP_NO_DSP): with off == 0, one product
   (a + c * 2^23) * b gives a*b + c*b * 2^23. Chunks of at most 255 bytes
   keep |sum a*b| < 255 * 2^14 < 2^22, so the low 23 bits of the 64-bit sum
   hold it exactly (sign-extended) and the rest is sum c*b: exact. */
#define DP__PACK23 1
#define DP__MAC22P(j)                                                  \
    do {                                                               \
        const int32_t xp_ = a[j] + c[j] * (1 << 23);                   \
        t0 += (int64_t)xp_ * b0[j]; t1 += (int64_t)xp_ * b1[j];          \
    } while (0)
/* n <= 255 bytes: s[0] += a.b0, s[1] += a.b1, s[2] += c.b0, s[3] += c.b1.
   t = lo + hi * 2^23 with |lo| < 2^22; t - lo is a multiple of 2^23, so the
   low 32 bits of hi are those of (t - lo) >> 23, logical. */
static void dp__dot22p_s8(const int8_t *a, const int8_t *c, const int8_t *b0, const int8_t *b1,
                          int32_t n, int32_t *s)
{
    int64_t t0 = 0, t1 = 0;
    int32_t l0, l1;
    for (; n >= 8; n -= 8) {
        DP__MAC22P(0); DP__MAC22P(1); DP__MAC22P(2); DP__MAC22P(3);
        DP__MAC22P(4); DP__MAC22P(5); DP__MAC22P(6); DP__MAC22P(7);
        a += 8; c += 8; b0 += 8; b1 += 8;
    }
    for (; n > 0; n--) {
        DP__MAC22P(0);
        a++; c++; b0++; b1++;
    }
    l0 = (int32_t)((uint32_t)((uint64_t)t0 & 0x7FFFFFu));
    l1 = (int32_t)((uint32_t)((uint64_t)t1 & 0x7FFFFFu));
    l0 = l0 >= (1 << 22) ? l0 - (1 << 23) : l0;
    l1 = l1 >= (1 << 22) ? l1 - (1 << 23) : l1;
    s[0] = dp__wadd(s[0], l0);
    s[1] = dp__wadd(s[1], l1);
    s[2] = dp__wadd(s[2], dp__u2s((uint32_t)(((uint64_t)t0 - (uint64_t)(int64_t)l0) >> 23)));
    s[3] = dp__wadd(s[3], dp__u2s((uint32_t)(((uint64_t)t1 - (uint64_t)(int64_t)l1) >> 23)));
}
#endif
static void dp__dot22_s8(const int8_t *a, const int8_t *c, const int8_t *b0, const int8_t *b1,
                         int32_t n, int32_t off, int32_t *s)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#ifdef DP__PACK23
    if (off == 0) {
        for (; n > 255; n -= 255, a += 255, c += 255, b0 += 255, b1 += 255) dp__dot22p_s8(a, c, b0, b1, 255, s);
        dp__dot22p_s8(a, c, b0, b1, n, s);
        return;
    }
#endif
    if (off == 0) {
        for (; n >= 4; n -= 4) {
            DP__MAC22(0); DP__MAC22(1); DP__MAC22(2); DP__MAC22(3);
            a += 4; c += 4; b0 += 4; b1 += 4;
        }
    }
    for (; n > 0; n--) {
        const int32_t xa = *a++ + off, xc = *c++ + off, u = *b0++, v = *b1++;
        s0 += xa * u; s1 += xa * v; s2 += xc * u; s3 += xc * v;
    }
    s[0] += s0; s[1] += s1; s[2] += s2; s[3] += s3;
}
/* four output channels, weight rows b + k*bs (k < 4), over one input
   vector a[n]: every x byte is loaded once for four MACs. s[k] +=
   sum (a[i] + off) * b[k*bs + i]; off == 0 (zero point folded into the
   bias) skips the add. */
#define DP__MAC4(j, xv)                                        \
    do {                                                       \
        const int32_t x_ = (xv);                               \
        s0 += x_ * b0[j]; s1 += x_ * b1[j];                    \
        s2 += x_ * b2[j]; s3 += x_ * b3[j];                    \
    } while (0)
static void dp__dot4_s8(const int8_t *a, const int8_t *b, int32_t bs, int32_t n,
                        int32_t off, int32_t *s)
{
    const int8_t *b0 = b, *b1 = b + bs, *b2 = b1 + bs, *b3 = b2 + bs;
    int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    if (off == 0) {
        for (; n >= 4; n -= 4) {
            DP__MAC4(0, a[0]); DP__MAC4(1, a[1]); DP__MAC4(2, a[2]); DP__MAC4(3, a[3]);
            a += 4; b0 += 4; b1 += 4; b2 += 4; b3 += 4;
        }
        for (; n > 0; n--) {
            DP__MAC4(0, a[0]);
            a++; b0++; b1++; b2++; b3++;
        }
    } else {
        for (; n >= 2; n -= 2) {
            DP__MAC4(0, a[0] + off); DP__MAC4(1, a[1] + off);
            a += 2; b0 += 2; b1 += 2; b2 += 2; b3 += 2;
        }
        if (n) DP__MAC4(0, a[0] + off);
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
}

/* ---- >>dsp  kernels for cores with the DSP extension (Cortex-M4, M7, M33,
   M55...: __ARM_FEATURE_DSP, GCC or Clang). SXTAB16 unpacks bytes 0,2 (or,
   rotated, 1,3) of a word into two int16 lanes and adds the input offset
   -in_zp to both; SMLAD multiplies two lane pairs and adds both products to
   an int32. Lanes hold x - in_zp (|.| <= 255) and w: exact, so the
   accumulators are the portable kernels' int32 values (their zero-point
   fold gives the same number), and the output stage below computes the
   same function of them: results are bit-identical. Conv and FC run four
   output channels per unpacked input word; border pixels run the same loops
   over the taps inside the image. No scratch memory (conv: a 128-byte window
   on the stack). The inner loops are assembly, so that no compiler spills
   their registers: conv and FC share one function of their own (it needs
   all 14), depthwise uses inline asm of 12 registers. GCC or Clang, any
   optimisation level. Define DP_NO_DSP to build the portable kernels. */
#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(DP_NO_DSP)
#define DP__DSP 1
#define DP__AI static __inline__ __attribute__((always_inline))
typedef uint32_t dp__u32u __attribute__((aligned(1), may_alias));  /* unaligned word */

/* dp__qmul, shorter. For shift < 0 (every multiplier below 0.5) one
   rounding step does both of TFLite's: with u = floor((acc*mult + 2^30 -
   [acc < 0] * 2^31) / 2^31), which is dp__qmul_high's v, or v - 1 when
   v < 0, RoundingDivideByPOT(v, rs) = floor((u + 2^(rs-1)) / 2^rs) =
   ((u >> (rs-1)) + 1) >> 1, without overflow (u < 2^31 - 1). Needs
   mult >= 0 (the loader checks it). */
DP__AI int32_t dp__qmul_neg_dsp(int32_t acc, int32_t mult, int32_t shift)
{
    uint32_t l, h;
    int32_t v;
    __asm__(".syntax unified\n\t"
            "asr     %[h], %[acc], #31\n\t"
            "and     %[l], %[h], #0x80000000\n\t"
            "orr     %[l], %[l], #0x40000000\n\t"
            "smlal   %[l], %[h], %[acc], %[m]\n\t"
            "lsr     %[l], %[l], #31\n\t"
            "orr     %[v], %[l], %[h], lsl #1\n\t"
            "mvn     %[l], %[s]\n\t"
            "asr     %[v], %[v], %[l]\n\t"
            "add     %[v], %[v], #1\n\t"
            "asr     %[v], %[v], #1\n\t"
            : [l] "=&r"(l), [h] "=&r"(h), [v] "=&r"(v)
            : [acc] "r"(acc), [m] "r"(mult), [s] "r"(shift));
    return v;
}
DP__AI int32_t dp__qmul_dsp(int32_t acc, int32_t mult, int32_t shift)
{
    return shift < 0 ? dp__qmul_neg_dsp(acc, mult, shift) : dp__qmul(acc, mult, shift);
}
/* the output stage of dp__requant: saturating acc + zp to int8 and then
   clamping to [lo, hi] (within int8) is its clamp to +-512, + zp, clamp */
DP__AI int8_t dp__requant_dsp(int32_t acc, int32_t mult, int32_t shift,
                              int32_t zp, int32_t lo, int32_t hi)
{
    int32_t v = dp__qmul_dsp(acc, mult, shift);
    __asm__(".syntax unified\n\t"
            "qadd %0, %0, %1\n\tssat %0, #8, %0" : "+r"(v) : "r"(zp) : "cc");
    v = v < lo ? lo : v;
    return (int8_t)(v > hi ? hi : v);
}
/* y[0..3] of four channels at once: the four bytes are packed, clamped by
   SSUB8 + SEL (lopk, hipk: lo, hi in every byte), stored as one word.
   bias: 4 values (zeros when the op has none). */
DP__AI void dp__out4_dsp(int8_t *y, const int32_t *a, const int32_t *bias,
                         const int32_t *mult, const int32_t *shift,
                         int32_t zp, uint32_t lopk, uint32_t hipk)
{
    const int32_t s0 = shift[0], s1 = shift[1], s2 = shift[2], s3 = shift[3];
    int32_t v0 = dp__wadd(a[0], bias[0]), v1 = dp__wadd(a[1], bias[1]);
    int32_t v2 = dp__wadd(a[2], bias[2]), v3 = dp__wadd(a[3], bias[3]);
    uint32_t r, t;
    if ((s0 & s1 & s2 & s3) < 0) {   /* all four shifts negative */
        v0 = dp__qmul_neg_dsp(v0, mult[0], s0);
        v1 = dp__qmul_neg_dsp(v1, mult[1], s1);
        v2 = dp__qmul_neg_dsp(v2, mult[2], s2);
        v3 = dp__qmul_neg_dsp(v3, mult[3], s3);
    } else {
        v0 = dp__qmul_dsp(v0, mult[0], s0);
        v1 = dp__qmul_dsp(v1, mult[1], s1);
        v2 = dp__qmul_dsp(v2, mult[2], s2);
        v3 = dp__qmul_dsp(v3, mult[3], s3);
    }
    __asm__(".syntax unified\n\t"
            "qadd    %[v0], %[v0], %[zp]\n\t"
            "qadd    %[v1], %[v1], %[zp]\n\t"
            "qadd    %[v2], %[v2], %[zp]\n\t"
            "qadd    %[v3], %[v3], %[zp]\n\t"
            "ssat    %[r], #8, %[v0]\n\t"
            "ssat    %[t], #8, %[v1]\n\t"
            "bfi     %[r], %[t], #8, #8\n\t"
            "ssat    %[t], #8, %[v2]\n\t"
            "bfi     %[r], %[t], #16, #8\n\t"
            "ssat    %[t], #8, %[v3]\n\t"
            "bfi     %[r], %[t], #24, #8\n\t"
            "ssub8   %[t], %[r], %[lo]\n\t"
            "sel     %[r], %[r], %[lo]\n\t"
            "ssub8   %[t], %[hi], %[r]\n\t"
            "sel     %[r], %[r], %[hi]\n\t"
            : [r] "=&r"(r), [t] "=&r"(t), [v0] "+r"(v0), [v1] "+r"(v1), [v2] "+r"(v2), [v3] "+r"(v3)
            : [zp] "r"(zp), [lo] "r"(lopk), [hi] "r"(hipk)
            : "cc");
    *(dp__u32u *)(void *)y = r;
}
static const int32_t dp__zero4[4] = {0, 0, 0, 0};
/* n < 4 channels, one at a time */
static void dp__outn_dsp(int8_t *y, const int32_t *a, int32_t n, const int32_t *bias,
                         const int32_t *mult, const int32_t *shift, int32_t zp, int32_t lo, int32_t hi)
{
    int32_t j;
    for (j = 0; j < n; j++)
        y[j] = dp__requant_dsp(dp__wadd(a[j], bias ? bias[j] : 0), mult[j], shift[j], zp, lo, hi);
}

/* a[j] += sum_{i<n} (x[i] + off) * w[j*ws + i], j = 0..3, for n >= 4, over
   the first n & ~3 bytes; offpk = off in both int16 lanes. The loop needs
   14 registers, so it is a function of its own, in assembly (AAPCS):
   r0 x, r1 w, r2 ws, r3 n, [sp] offpk, [sp+4] a. Per 8 bytes of x (32
   MACs): 2 loads and 4 SXTAB16 for x, then per channel 2 loads, 4 SXTB16
   and 4 SMLAD. */
void dp__dsp_dot4_s(const int8_t *x, const int8_t *w, int32_t ws, int32_t n,
                    uint32_t offpk, int32_t *a) __asm__("dp__dsp_dot4_s");
#define DP__DOT4_WORD(XLOAD)                                                  \
    "ldr     r8, " XLOAD "\n\t"                                               \
    "sxtab16 r10, r12, r8\n\t"                                                \
    "sxtab16 r11, r12, r8, ror #8\n\t"                                        \
    "ldr     r8, [r1, r2]\n\t"                                                \
    "sxtb16  r9, r8\n\t"                                                      \
    "sxtb16  r8, r8, ror #8\n\t"                                              \
    "smlad   r5, r10, r9, r5\n\t"                                             \
    "smlad   r5, r11, r8, r5\n\t"                                             \
    "ldr     r8, [r1], #4\n\t"                                                \
    "sxtb16  r9, r8\n\t"                                                      \
    "sxtb16  r8, r8, ror #8\n\t"                                              \
    "smlad   r4, r10, r9, r4\n\t"                                             \
    "smlad   r4, r11, r8, r4\n\t"                                             \
    "ldr     r8, [lr, r2]\n\t"                                                \
    "sxtb16  r9, r8\n\t"                                                      \
    "sxtb16  r8, r8, ror #8\n\t"                                              \
    "smlad   r7, r10, r9, r7\n\t"                                             \
    "smlad   r7, r11, r8, r7\n\t"                                             \
    "ldr     r8, [lr], #4\n\t"                                                \
    "sxtb16  r9, r8\n\t"                                                      \
    "sxtb16  r8, r8, ror #8\n\t"                                              \
    "smlad   r6, r10, r9, r6\n\t"                                             \
    "smlad   r6, r11, r8, r6\n\t"
__asm__(".pushsection .text.dp__dsp_dot4_s,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global dp__dsp_dot4_s\n\t"
        ".hidden dp__dsp_dot4_s\n\t"
        ".type dp__dsp_dot4_s, %function\n\t"
        ".thumb_func\n"
        "dp__dsp_dot4_s:\n\t"
        "push    {r3-r11, lr}\n\t"          /* r3 (n) kept at [sp] */
        "ldr     r12, [sp, #40]\n\t"        /* offpk */
        "ldr     lr, [sp, #44]\n\t"         /* a */
        "ldm     lr, {r4-r7}\n\t"
        "add     lr, r1, r2, lsl #1\n\t"    /* lr = w + 2*ws: channels 2, 3 */
        "lsrs    r3, r3, #3\n\t"
        "beq     2f\n"
        "1:\n\t"
        DP__DOT4_WORD("[r0], #8")
        DP__DOT4_WORD("[r0, #-4]")
        "subs    r3, r3, #1\n\t"
        "bne     1b\n"
        "2:\n\t"
        "ldr     r3, [sp]\n\t"
        "tst     r3, #4\n\t"
        "beq     3f\n\t"
        DP__DOT4_WORD("[r0], #4")
        "3:\n\t"
        "ldr     lr, [sp, #44]\n\t"
        "stm     lr, {r4-r7}\n\t"
        "pop     {r3-r11, pc}\n\t"
        ".size dp__dsp_dot4_s, . - dp__dsp_dot4_s\n\t"
        ".popsection");
DP__AI void dp__dsp_dot4(const int8_t *x, const int8_t *w, int32_t ws, int32_t n,
                         int32_t off, uint32_t offpk, int32_t *a)
{
    const int32_t k = n & ~3;
    if (k) {
        dp__dsp_dot4_s(x, w, ws, n, offpk, a);
        x += k;
        w += k;
    }
    for (n &= 3; n > 0; n--, x++, w++) {
        const int32_t xv = *x + off;
        a[0] += xv * w[0]; a[1] += xv * w[ws]; a[2] += xv * w[2 * ws]; a[3] += xv * w[3 * ws];
    }
}
/* one channel: sum_{i<n} (x[i] + off) * w[i] */
static int32_t dp__dsp_dot1(const int8_t *x, const int8_t *w, int32_t n, int32_t off, uint32_t offpk)
{
    int32_t a = 0;
    uint32_t t, u, xe, xo;
    for (; n >= 4; n -= 4)
        __asm__(".syntax unified\n\t"
                "ldr     %[t], [%[x]], #4\n\t"
                "sxtab16 %[xe], %[off], %[t]\n\t"
                "sxtab16 %[xo], %[off], %[t], ror #8\n\t"
                "ldr     %[t], [%[w]], #4\n\t"
                "sxtb16  %[u], %[t]\n\t"
                "sxtb16  %[t], %[t], ror #8\n\t"
                "smlad   %[a], %[xe], %[u], %[a]\n\t"
                "smlad   %[a], %[xo], %[t], %[a]\n\t"
                : [a] "+r"(a), [x] "+r"(x), [w] "+r"(w),
                  [t] "=&r"(t), [u] "=&r"(u), [xe] "=&r"(xe), [xo] "=&r"(xo)
                : [off] "r"(offpk)
                : "memory");
    for (; n > 0; n--) a += (*x++ + off) * *w++;
    return a;
}
/* y[n_out] = requant(W[n_out][n] . (x + off) + bias): FC, and 1x1 conv per
   pixel */
static void dp__mv_dsp(int8_t *y, const int8_t *x, const int8_t *w, int32_t n, int32_t n_out,
                       const int32_t *bias, const int32_t *mult, const int32_t *shift,
                       int32_t off, int32_t zp, int32_t lo, int32_t hi)
{
    const uint32_t offpk = ((uint32_t)off & 0xFFFFu) * 0x10001u;
    const uint32_t lopk = ((uint32_t)lo & 0xFFu) * 0x01010101u, hipk = ((uint32_t)hi & 0xFFu) * 0x01010101u;
    int32_t o, j, a[4];
    for (o = 0; o + 4 <= n_out; o += 4) {
        a[0] = a[1] = a[2] = a[3] = 0;
        dp__dsp_dot4(x, w + o * n, n, n, off, offpk, a);
        dp__out4_dsp(y + o, a, bias ? bias + o : dp__zero4, mult + o, shift + o, zp, lopk, hipk);
    }
    if (o < n_out) {
        for (j = 0; o + j < n_out; j++) a[j] = dp__dsp_dot1(x, w + (o + j) * n, n, off, offpk);
        dp__outn_dsp(y + o, a, n_out - o, bias ? bias + o : NULL, mult + o, shift + o, zp, lo, hi);
    }
}
/* the taps [k0, k1) of one axis with 0 <= i0 + k*d < n (contiguous in k) */
static void dp__taps(int32_t i0, int32_t k, int32_t d, int32_t n, int32_t *k0, int32_t *k1)
{
    int32_t a = 0, b = k;
    while (a < k && i0 + a * d < 0) a++;
    while (b > a && i0 + (b - 1) * d >= n) b--;
    *k0 = a;
    *k1 = b;
}

/* Windows of at most DP__WIN bytes with short kernel rows (few input
   channels) are gathered into a stack buffer first, so that one dot product
   covers the whole window; taps in the padding are filled with in_zp, which
   adds (in_zp - in_zp) * w = 0. */
#define DP__WIN 128
static void dp__conv2d_dsp(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                           const int32_t *mult, const int32_t *shift,
                           const dp_qconv_params *p, dp_shape in, dp_shape out)
{
    const int32_t cin = in.c, cout = out.c, kh = p->kh, kw = p->kw, dh = p->dil_h, dw = p->dil_w;
    const int32_t off = -p->in_zp, zo = p->out_zp, lo = p->act_min, hi = p->act_max;
    const uint32_t offpk = ((uint32_t)off & 0xFFFFu) * 0x10001u;
    const uint32_t lopk = ((uint32_t)lo & 0xFFu) * 0x01010101u, hipk = ((uint32_t)hi & 0xFFu) * 0x01010101u;
    const int32_t wrow = kw * cin, wch = kh * wrow, xrow = in.w * cin;
    const int gather = kh * kw > 1 && wch <= DP__WIN && wrow < 32;
    uint32_t winw[DP__WIN / 4];
    int8_t *win = (int8_t *)(void *)winw;
    int32_t oy, ox, co, ky, kx, j, ky0, ky1, kx0, kx1, a[4];

    if (kh == 1 && kw == 1 && p->stride_h == 1 && p->stride_w == 1 &&
        p->pad_t == 0 && p->pad_l == 0 && p->pad_b == 0 && p->pad_r == 0) {
        const int32_t npix = in.h * in.w;   /* 1x1: a matrix product */
        for (j = 0; j < npix; j++)
            dp__mv_dsp(y + j * cout, x + j * cin, w, cin, cout, bias, mult, shift, off, zo, lo, hi);
        return;
    }
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__taps(iy0, kh, dh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * cout;
            const int8_t *xb, *wb;
            int32_t len, ke;
            dp__taps(ix0, kw, dw, in.w, &kx0, &kx1);
            if (gather) {
                int8_t *q = win;
                for (ky = 0; ky < kh; ky++, q += wrow) {
                    const int8_t *xs = x + (iy0 + ky * dh) * xrow + ix0 * cin;
                    if (ky < ky0 || ky >= ky1) {
                        for (j = 0; j < wrow; j++) q[j] = (int8_t)p->in_zp;
                        continue;
                    }
                    for (j = 0; j < kx0 * cin; j++) q[j] = (int8_t)p->in_zp;
                    if (dw == 1)
                        for (; j < kx1 * cin; j++) q[j] = xs[j];
                    else
                        for (kx = kx0; kx < kx1; kx++)
                            for (len = 0; len < cin; len++, j++) q[j] = xs[kx * dw * cin + len];
                    for (; j < wrow; j++) q[j] = (int8_t)p->in_zp;
                }
                dp__mv_dsp(yp, win, w, wch, cout, bias, mult, shift, off, zo, lo, hi);
                continue;
            }
            /* dil_w == 1: the taps of a kernel row inside the image are one
               run of len bytes in x and in w */
            ke = kx0 < kx1 ? ky1 : ky0;  /* rows to run; none: bias only */
            len = dw == 1 ? (kx1 - kx0) * cin : cin;
            xb = ky0 < ke ? x + (iy0 + ky0 * dh) * xrow + (ix0 + kx0 * dw) * cin : x;
            wb = w + ky0 * wrow + kx0 * cin;
            for (co = 0; co < cout; co += 4) {
                const int8_t *wc = wb + co * wch;
                const int32_t nb = cout - co < 4 ? cout - co : 4;
                a[0] = a[1] = a[2] = a[3] = 0;
                for (ky = ky0; ky < ke; ky++) {
                    const int8_t *xr = xb + (ky - ky0) * dh * xrow, *wr = wc + (ky - ky0) * wrow;
                    for (kx = dw == 1 ? kx1 - 1 : kx0; kx < kx1; kx++, xr += dw * cin, wr += cin) {
                        if (nb == 4) dp__dsp_dot4(xr, wr, wch, len, off, offpk, a);
                        else
                            for (j = 0; j < nb; j++) a[j] += dp__dsp_dot1(xr, wr + j * wch, len, off, offpk);
                    }
                }
                if (nb == 4) dp__out4_dsp(yp + co, a, bias ? bias + co : dp__zero4, mult + co, shift + co, zo, lopk, hipk);
                else dp__outn_dsp(yp + co, a, nb, bias ? bias + co : NULL, mult + co, shift + co, zo, lo, hi);
            }
        }
    }
}

/* One tap for four channels: a0..a3 += (x + off) * w, x and w at
   [xk + XO] and [wk + WO]. */
#define DP__DW_TAP(XO, WO)                                                    \
    "ldr     %[t], [%[xk]" XO "]\n\t"                                         \
    "sxtab16 %[xe], %[off], %[t]\n\t"                                         \
    "sxtab16 %[t], %[off], %[t], ror #8\n\t"                                  \
    "ldr     %[u], [%[wk]" WO "]\n\t"                                         \
    "sxtb16  %[we], %[u]\n\t"                                                 \
    "sxtb16  %[u], %[u], ror #8\n\t"                                          \
    "smlabb  %[a0], %[xe], %[we], %[a0]\n\t"                                  \
    "smlatt  %[a2], %[xe], %[we], %[a2]\n\t"                                  \
    "smlabb  %[a1], %[t], %[u], %[a1]\n\t"                                    \
    "smlatt  %[a3], %[t], %[u], %[a3]\n\t"
/* a kernel row of 3 taps, s bytes apart in x and in w; leaves xk and wk
   on the middle tap (12 registers) */
#define DP__DW_ROW3                                                           \
    DP__DW_TAP("", "")                                                        \
    DP__DW_TAP(", %[s]", ", %[s]")                                            \
    "add     %[xk], %[xk], %[s]\n\t"                                          \
    "add     %[wk], %[wk], %[s]\n\t"                                          \
    DP__DW_TAP(", %[s]", ", %[s]")
#define DP__DW_OUTS [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), \
    [t] "=&r"(t), [u] "=&r"(u), [xe] "=&r"(xe), [we] "=&r"(we), [xk] "+r"(xk), [wk] "+r"(wk)

static void dp__dwconv2d_dsp(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                             const int32_t *mult, const int32_t *shift,
                             const dp_qconv_params *p, dp_shape in, dp_shape out)
{
    const int32_t C = in.c, kh = p->kh, kw = p->kw, dh = p->dil_h, dw = p->dil_w;
    const int32_t off = -p->in_zp, zo = p->out_zp, lo = p->act_min, hi = p->act_max;
    const uint32_t offpk = ((uint32_t)off & 0xFFFFu) * 0x10001u;
    const uint32_t lopk = ((uint32_t)lo & 0xFFu) * 0x01010101u, hipk = ((uint32_t)hi & 0xFFu) * 0x01010101u;
    const int32_t xstep_y = dh * in.w * C, xstep_x = dw * C, wstep_y = kw * C;
    const int32_t xrow_m1 = xstep_y - C;   /* middle tap of a row -> first tap of the next */
    int32_t oy, ox, c, ky, kx, ky0, ky1, kx0, kx1, a[4];
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__taps(iy0, kh, dh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * C;
            const int8_t *xb, *wb;
            int32_t nt, full3, ke;
            dp__taps(ix0, kw, dw, in.w, &kx0, &kx1);
            nt = kx1 - kx0;
            /* every tap of a 3x3 window inside the image */
            full3 = kh == 3 && kw == 3 && dw == 1 && ky1 - ky0 == 3 && nt == 3;
            ke = nt > 0 ? ky1 : ky0;     /* rows to run; none: bias only */
            xb = ky0 < ke ? x + ((iy0 + ky0 * dh) * in.w + ix0 + kx0 * dw) * C : x;
            wb = w + (ky0 * kw + kx0) * C;
            for (c = 0; c + 4 <= C; c += 4) {
                int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                const int8_t *xr = xb + c, *wr = wb + c;
                uint32_t t, u, xe, we;
                if (full3) {                /* 3 rows of 3 taps */
                    const int8_t *xk = xr, *wk = wr;
                    __asm__(".syntax unified\n\t"
                            DP__DW_ROW3
                            "ldr     %[t], %[ys]\n\t"
                            "add     %[xk], %[xk], %[t]\n\t"
                            "add     %[wk], %[wk], %[s], lsl #1\n\t"
                            DP__DW_ROW3
                            "ldr     %[t], %[ys]\n\t"
                            "add     %[xk], %[xk], %[t]\n\t"
                            "add     %[wk], %[wk], %[s], lsl #1\n\t"
                            DP__DW_ROW3
                            : DP__DW_OUTS
                            : [s] "r"(C), [off] "r"(offpk), [ys] "m"(xrow_m1)
                            : "memory");
                } else {
                    for (ky = ky0; ky < ke; ky++, xr += xstep_y, wr += wstep_y) {
                        const int8_t *xk = xr, *wk = wr;
                        if (nt == 3 && dw == 1)
                            __asm__(".syntax unified\n\t"
                                    DP__DW_ROW3
                                    : DP__DW_OUTS
                                    : [s] "r"(C), [off] "r"(offpk)
                                    : "memory");
                        else
                            for (kx = 0; kx < nt; kx++, xk += xstep_x, wk += C)
                                __asm__(".syntax unified\n\t"
                                        DP__DW_TAP("", "")
                                        : DP__DW_OUTS
                                        : [off] "r"(offpk)
                                        : "memory");
                    }
                }
                a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
                dp__out4_dsp(yp + c, a, bias ? bias + c : dp__zero4, mult + c, shift + c, zo, lopk, hipk);
            }
            if (c < C) {
                int32_t j;
                for (j = 0; c + j < C; j++) {
                    const int8_t *xr = xb + c + j, *wr = wb + c + j;
                    a[j] = 0;
                    for (ky = ky0; ky < ke; ky++, xr += xstep_y, wr += wstep_y)
                        for (kx = 0; kx < nt; kx++) a[j] += (xr[kx * xstep_x] + off) * wr[kx * C];
                }
                dp__outn_dsp(yp + c, a, C - c, bias ? bias + c : NULL, mult + c, shift + c, zo, lo, hi);
            }
        }
    }
}
#endif /* DP__DSP */


/* ---- >>kernels (optimised; used by the interpreter) ---- */
/* the taps [k0, k1) of one axis that land inside the image (dilation d) */
static void dp__ptaps(int32_t i0, int32_t k, int32_t d, int32_t n, int32_t *k0, int32_t *k1)
{
    int32_t a = 0, b = k;
    while (a < b && i0 + a * d < 0) a++;
    while (b > a && i0 + (b - 1) * d >= n) b--;
    *k0 = a;
    *k1 = b;
}
/* the outputs [*o0, *o1) of one axis whose taps all lie inside the image */
static void dp__inner(int32_t nout, int32_t stride, int32_t pad, int32_t k, int32_t d, int32_t nin,
                      int32_t *o0, int32_t *o1)
{
    int32_t a = 0, b;
    while (a < nout && a * stride - pad < 0) a++;
    b = a;
    while (b < nout && b * stride - pad + (k - 1) * d < nin) b++;
    *o0 = a;
    *o1 = b;
}

/* dp__rq_fast for shift < 0, rs1 = -shift - 1 */
DP__PI int8_t dp__rq_neg(int32_t acc, int32_t mult, int32_t rs1, int32_t zp, int32_t lz, int32_t hz)
{
    const uint64_t t = (uint64_t)((int64_t)acc * mult + (((int64_t)1 << 62) + ((int64_t)1 << 30)));
    const int32_t u = dp__u2s((uint32_t)(t >> 31) ^ 0x80000000u) + dp__asr(acc, 31);
    int32_t v = dp__asr(dp__asr(u, rs1) + 1, 1);
    v = v < lz ? lz : v;
    v = v > hz ? hz : v;
    return (int8_t)(v + zp);
}
/* outputs of two pixels (ya, yb) x two channels (one when !two): a from
   dp__dot22_s8, biases b0, b1, mult and shift of the first channel */
static void dp__requant_2x2(int8_t *ya, int8_t *yb, const int32_t *a, int two, int32_t b0, int32_t b1,
                            const int32_t *mult, const int32_t *shift, const dp__out_stage *q)
{
    const int32_t m0 = mult[0], s0 = shift[0];
    if (q->fast && s0 < 0) {
        ya[0] = dp__rq_neg(dp__wadd(a[0], b0), m0, -s0 - 1, q->zp, q->lz, q->hz);
        yb[0] = dp__rq_neg(dp__wadd(a[2], b0), m0, -s0 - 1, q->zp, q->lz, q->hz);
    } else {
        ya[0] = dp__out_requant(dp__wadd(a[0], b0), m0, s0, q);
        yb[0] = dp__out_requant(dp__wadd(a[2], b0), m0, s0, q);
    }
    if (two) {
        const int32_t m1 = mult[1], s1 = shift[1];
        if (q->fast && s1 < 0) {
            ya[1] = dp__rq_neg(dp__wadd(a[1], b1), m1, -s1 - 1, q->zp, q->lz, q->hz);
            yb[1] = dp__rq_neg(dp__wadd(a[3], b1), m1, -s1 - 1, q->zp, q->lz, q->hz);
        } else {
            ya[1] = dp__out_requant(dp__wadd(a[1], b1), m1, s1, q);
            yb[1] = dp__out_requant(dp__wadd(a[3], b1), m1, s1, q);
        }
    }
}

/* Portable conv. Pairs of interior pixels run two output channels at a
   time (dp__dot22_s8: each loaded byte used twice), other pixels four
   channels (dp__dot4_s8) over the taps clipped to the image: no bounds
   check per tap. Interior pixels with kernel sums fold the zero point into
   the bias; border pixels, and all without ksum, add it to x. One input
   channel and 3x3: the nine input bytes of a pixel are loaded once for all
   output channels. */
void dp_conv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                  const int32_t *bias, const int32_t *ksum,
                  const int32_t *mult, const int32_t *shift,
                  const dp_qconv_params *p, dp_shape in, dp_shape out)
{
    const int32_t cin = in.c, cout = out.c, kh = p->kh, kw = p->kw;
    const int32_t dh = p->dil_h, dw = p->dil_w, sh = p->stride_h, sw = p->stride_w;
    const int32_t pt = p->pad_t, pl = p->pad_l, in_zp = p->in_zp, off = -in_zp;
    const int32_t wrow = kw * cin, wch = kh * wrow;
    int32_t xrow = in.w * cin;
    const int fold = ksum != NULL, k3 = cin == 1 && kh == 3 && kw == 3 && dh == 1 && dw == 1;
    dp__out_stage q;
    int32_t oy, ox, co, ky, kx, j, ox0, ox1;

#ifdef DP__DSP
    (void)sh; (void)sw; (void)pt; (void)pl; (void)off; (void)wrow; (void)wch; (void)xrow; (void)k3;
    dp__conv2d_dsp(y, x, w, bias, mult, shift, p, in, out);
    return;
#endif

    dp__out_stage_init(&q, mult, shift, cout, p->out_zp, p->act_min, p->act_max);
    if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && p->pad_b == 0 && p->pad_r == 0 &&
        out.h == in.h && out.w == in.w) {
        /* 1x1, stride 1: one row of h*w pixels (pairs across rows) */
        in.w *= in.h;
        in.h = 1;
        out.w = in.w;
        out.h = 1;
        xrow = in.w * cin;
    }
    dp__inner(out.w, sw, pl, kw, dw, in.w, &ox0, &ox1);
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * sh - pt;
        const int rows_in = iy0 >= 0 && iy0 + (kh - 1) * dh < in.h;
        int32_t ky0, ky1;
        dp__ptaps(iy0, kh, dh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * sw - pl;
            const int full = rows_in && ox >= ox0 && ox < ox1, fz = full && fold;
            const int32_t o = fz ? 0 : off;
            int8_t *yp = y + (oy * out.w + ox) * cout;
            int32_t kx0, kx1;
            if (full && k3) {
                const int8_t *xp = x + iy0 * xrow + ix0;
                const int32_t x0 = xp[0] + o, x1 = xp[1] + o, x2 = xp[2] + o;
                const int32_t x3 = xp[xrow] + o, x4 = xp[xrow + 1] + o, x5 = xp[xrow + 2] + o;
                const int32_t x6 = xp[2 * xrow] + o, x7 = xp[2 * xrow + 1] + o, x8 = xp[2 * xrow + 2] + o;
                const int8_t *wp = w;
                for (co = 0; co < cout; co++, wp += 9) {
                    const int32_t a = x0 * wp[0] + x1 * wp[1] + x2 * wp[2] + x3 * wp[3] + x4 * wp[4] +
                                      x5 * wp[5] + x6 * wp[6] + x7 * wp[7] + x8 * wp[8];
                    yp[co] = dp__out_requant(dp__wadd(a, dp__cbias(bias, ksum, co, in_zp, fz)), mult[co], shift[co], &q);
                }
                continue;
            }
            if (full && ox + 1 < ox1) {
                /* two interior pixels, two output channels at a time */
                const int8_t *xa = x + iy0 * xrow + ix0 * cin, *xb = xa + sw * cin;
                int8_t *yb = yp + cout;
                for (co = 0; co < cout; co += 2) {
                    const int two = co + 1 < cout;
                    const int8_t *w0 = w + co * wch, *w1 = two ? w0 + wch : w0;
                    int32_t a[4];
                    a[0] = a[1] = a[2] = a[3] = 0;
                    for (ky = 0; ky < kh; ky++) {
                        const int32_t xo = ky * dh * xrow, wo = ky * wrow;
                        if (dw == 1) {
                            dp__dot22_s8(xa + xo, xb + xo, w0 + wo, w1 + wo, wrow, o, a);
                        } else {
                            for (kx = 0; kx < kw; kx++) {
                                const int32_t xk = xo + kx * dw * cin, wk = wo + kx * cin;
                                dp__dot22_s8(xa + xk, xb + xk, w0 + wk, w1 + wk, cin, o, a);
                            }
                        }
                    }
                    dp__requant_2x2(yp + co, yb + co, a, two, dp__cbias(bias, ksum, co, in_zp, fz),
                                    two ? dp__cbias(bias, ksum, co + 1, in_zp, fz) : 0, mult + co, shift + co, &q);
                }
                ox++;
                continue;
            }
            if (full) {
                kx0 = 0;
                kx1 = kw;
            } else {
                dp__ptaps(ix0, kw, dw, in.w, &kx0, &kx1);
            }
            for (co = 0; co < cout; co += 4) {
                const int32_t nb = cout - co < 4 ? cout - co : 4;
                const int8_t *wc = w + co * wch;
                int32_t a[4];
                a[0] = a[1] = a[2] = a[3] = 0;
                for (ky = ky0; ky < ky1; ky++) {
                    const int8_t *xr = x + (iy0 + ky * dh) * xrow + ix0 * cin;
                    const int8_t *wr = wc + ky * wrow;
                    if (dw == 1) {
                        const int32_t n = (kx1 - kx0) * cin;
                        if (nb == 4) dp__dot4_s8(xr + kx0 * cin, wr + kx0 * cin, wch, n, o, a);
                        else
                            for (j = 0; j < nb; j++)
                                a[j] += dp__dot1_s8(xr + kx0 * cin, wr + j * wch + kx0 * cin, n, o, o == 0);
                    } else {
                        for (kx = kx0; kx < kx1; kx++) {
                            const int8_t *xk = xr + kx * dw * cin, *wk = wr + kx * cin;
                            if (nb == 4) dp__dot4_s8(xk, wk, wch, cin, o, a);
                            else
                                for (j = 0; j < nb; j++) a[j] += dp__dot1_s8(xk, wk + j * wch, cin, o, o == 0);
                        }
                    }
                }
                for (j = 0; j < nb; j++) {
                    const int32_t c = co + j;
                    yp[c] = dp__out_requant(dp__wadd(a[j], dp__cbias(bias, ksum, c, in_zp, fz)), mult[c], shift[c], &q);
                }
            }
        }
    }
}

/* one output of the portable depthwise conv: taps [ky0, ky1) x [kx0, kx1), x - zp */
static int32_t dp__dw_taps(const int8_t *xc, const int8_t *wc, int32_t C, int32_t xrow,
                           int32_t iy0, int32_t ix0, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                           const dp_qconv_params *p, int32_t off)
{
    const int32_t dh = p->dil_h, dw = p->dil_w, kw = p->kw;
    const int8_t *xr = xc + (iy0 + ky0 * dh) * xrow + (ix0 + kx0 * dw) * C;
    const int8_t *wr = wc + (ky0 * kw + kx0) * C;
    int32_t ky, kx, acc = 0;
    for (ky = ky0; ky < ky1; ky++, xr += dh * xrow, wr += kw * C) {
        const int8_t *xp = xr, *wp = wr;
        for (kx = kx0; kx < kx1; kx++, xp += dw * C, wp += C) acc += (*xp + off) * *wp;
    }
    return acc;
}

/* n outputs (stride 1) of one channel of a 3-wide depthwise kernel over nr
   rows, all taps inside the image, zero point folded into b; dp__rq_neg.
   xp, wr: the first output's first tap and weight; outputs C apart. */
static void dp__dw3_run(int8_t *yp, const int8_t *xp, const int8_t *wr, int32_t n, int32_t nr,
                        int32_t C, int32_t xrow, int32_t b, int32_t m, int32_t rs1, const dp__out_stage *q)
{
    const int32_t C2 = 2 * C, C3 = 3 * C;
    for (; n >= 2; n -= 2, yp += C2, xp += C2) {
        const int8_t *r = xp, *u = wr;
        int32_t a0 = 0, a1 = 0, k;
        for (k = 0; k < nr; k++, r += xrow, u += C3) {
            const int32_t e1 = r[C], e2 = r[C2], v0 = u[0], v1 = u[C], v2 = u[C2];
            a0 += r[0] * v0 + e1 * v1 + e2 * v2;
            a1 += e1 * v0 + e2 * v1 + r[C3] * v2;
        }
        yp[0] = dp__rq_neg(dp__wadd(a0, b), m, rs1, q->zp, q->lz, q->hz);
        yp[C] = dp__rq_neg(dp__wadd(a1, b), m, rs1, q->zp, q->lz, q->hz);
    }
    if (n) {
        const int8_t *r = xp, *u = wr;
        int32_t a0 = 0, k;
        for (k = 0; k < nr; k++, r += xrow, u += C3) a0 += r[0] * u[0] + r[C] * u[C] + r[C2] * u[C2];
        yp[0] = dp__rq_neg(dp__wadd(a0, b), m, rs1, q->zp, q->lz, q->hz);
    }
}

/* taps [kx0, kx0 + n) (n <= 3) of nr rows of a 3-wide depthwise kernel, x - zp;
   r, u: the first tap's input byte and weight */
static int32_t dp__dw3_part(const int8_t *r, const int8_t *u, int32_t n, int32_t nr, int32_t C,
                            int32_t xrow, int32_t off)
{
    int32_t acc = 0, k;
    for (k = 0; k < nr; k++, r += xrow, u += 3 * C) {
        acc += (r[0] + off) * u[0];
        if (n > 1) acc += (r[C] + off) * u[C];
        if (n > 2) acc += (r[2 * C] + off) * u[2 * C];
    }
    return acc;
}

/* Portable depthwise: one channel at a time over the whole image, with its
   requantisation constants and (3x3) its nine weights in locals; 3x3
   stride 1 runs two output pixels per pass (each loaded byte used twice).
   Interior pixels fold the zero point into the bias with the channel's
   weight sum (sum (x - zp) * w = sum x * w - zp * sum w, modulo 2^32 both);
   border pixels run the taps clipped to the image with x - zp. */
void dp_dwconv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                    const int32_t *bias, const int32_t *mult,
                    const int32_t *shift, const dp_qconv_params *p,
                    dp_shape in, dp_shape out)
{
    const int32_t C = in.c, kh = p->kh, kw = p->kw, dh = p->dil_h, dw = p->dil_w;
    const int32_t sh = p->stride_h, sw = p->stride_w, pt = p->pad_t, pl = p->pad_l;
    const int32_t off = -p->in_zp, xrow = in.w * C, C2 = 2 * C, C3 = 3 * C, xs = sw * C;
    const int k3 = kh == 3 && kw == 3 && dh == 1 && dw == 1;
    dp__out_stage q;
    int32_t oy, ox, c, ky, kx, ox0, ox1;

#ifdef DP__DSP
    (void)sh; (void)sw; (void)pt; (void)pl; (void)off; (void)xrow; (void)C2; (void)C3; (void)xs; (void)k3;
    dp__dwconv2d_dsp(y, x, w, bias, mult, shift, p, in, out);
    return;
#endif
    dp__out_stage_init(&q, mult, shift, C, p->out_zp, p->act_min, p->act_max);
    dp__inner(out.w, sw, pl, kw, dw, in.w, &ox0, &ox1);
    for (c = 0; c < C; c++) {
        const int8_t *wc = w + c, *xc = x + c;
        const int32_t m = mult[c], s = shift[c], b = bias ? bias[c] : 0;
        int32_t ws = 0, bf, rs[3];
        for (ky = 0; ky < kh * kw; ky++) ws += wc[ky * C];
        bf = dp__wadd(b, off * ws);
        rs[0] = rs[1] = rs[2] = 0;
        if (k3)
            for (ky = 0; ky < 3; ky++) rs[ky] = wc[ky * C3] + wc[ky * C3 + C] + wc[ky * C3 + C2];
        for (oy = 0; oy < out.h; oy++) {
            const int32_t iy0 = oy * sh - pt;
            int32_t ky0, ky1, kx0, kx1, acc;
            int8_t *yp = y + oy * out.w * C + c;
            dp__ptaps(iy0, kh, dh, in.h, &ky0, &ky1);
            if (k3) {
                /* columns [ox0, ox1) over the rows [ky0, ky1) inside the
                   image: the rows' weight sums fold the zero point */
                const int8_t *xr = xc + (iy0 + ky0) * xrow, *wr = wc + ky0 * C3;
                const int32_t nr = ky1 - ky0;
                int32_t bfr = b, kk;
                for (kk = ky0; kk < ky1; kk++) bfr = dp__wadd(bfr, off * rs[kk]);
                for (ox = 0; ox < out.w; ox++, yp += C) {
                    if (ox >= ox0 && ox < ox1) {
                        const int8_t *xp = xr + (ox * sw - pl) * C;
                        if (sw == 1 && q.fast && s < 0) {
                            dp__dw3_run(yp, xp, wr, ox1 - ox, nr, C, xrow, bfr, m, -s - 1, &q);
                            yp += (ox1 - 1 - ox) * C;
                            ox = ox1 - 1;
                            continue;
                        }
                        if (sw == 1) {
                            for (; ox + 1 < ox1; ox += 2, yp += C2, xp += C2) {
                                const int8_t *r = xp, *u = wr;
                                int32_t a1 = 0;
                                acc = 0;
                                for (kk = 0; kk < nr; kk++, r += xrow, u += C3) {
                                    const int32_t e1 = r[C], e2 = r[C2], v1 = u[C], v2 = u[C2];
                                    acc += r[0] * u[0] + e1 * v1 + e2 * v2;
                                    a1 += e1 * u[0] + e2 * v1 + r[C3] * v2;
                                }
                                yp[0] = dp__out_requant(dp__wadd(acc, bfr), m, s, &q);
                                yp[C] = dp__out_requant(dp__wadd(a1, bfr), m, s, &q);
                            }
                        }
                        for (; ox < ox1; ox++, yp += C, xp += xs) {
                            const int8_t *r = xp, *u = wr;
                            acc = 0;
                            for (kk = 0; kk < nr; kk++, r += xrow, u += C3)
                                acc += r[0] * u[0] + r[C] * u[C] + r[C2] * u[C2];
                            *yp = dp__out_requant(dp__wadd(acc, bfr), m, s, &q);
                        }
                        ox--;
                        yp -= C;
                        continue;
                    }
                    {
                        const int32_t ix0 = ox * sw - pl;
                        kx0 = ix0 >= 0 ? 0 : -ix0 < 3 ? -ix0 : 3;
                        kx1 = in.w - ix0 < 3 ? in.w - ix0 : 3;
                        acc = b;
                        if (kx1 > kx0)
                            acc = dp__wadd(dp__dw3_part(xr + (ix0 + kx0) * C, wr + kx0 * C, kx1 - kx0, nr, C, xrow, off), b);
                        *yp = dp__out_requant(acc, m, s, &q);
                    }
                }
                continue;
            }
            for (ox = 0; ox < out.w; ox++, yp += C) {
                if (ky0 == 0 && ky1 == kh && ox >= ox0 && ox < ox1) {
                    const int8_t *xp = xc + iy0 * xrow + (ox * sw - pl) * C;
                    acc = 0;
                    for (ky = 0; ky < kh; ky++)
                        for (kx = 0; kx < kw; kx++)
                            acc += xp[ky * dh * xrow + kx * dw * C] * wc[(ky * kw + kx) * C];
                    acc = dp__wadd(acc, bf);
                } else {
                    const int32_t ix0 = ox * sw - pl;
                    dp__ptaps(ix0, kw, dw, in.w, &kx0, &kx1);
                    acc = dp__wadd(dp__dw_taps(xc, wc, C, xrow, iy0, ix0, ky0, ky1, kx0, kx1, p, off), b);
                }
                *yp = dp__out_requant(acc, m, s, &q);
            }
        }
    }
}

/* Portable FC: four outputs per pass over x (dp__dot4_s8). */
void dp_fc_s8(int8_t *y, const int8_t *x, const int8_t *w,
              const int32_t *bias, const int32_t *ksum, const int32_t *mult,
              const int32_t *shift, const dp_qfc_params *p,
              int32_t n_in, int32_t n_out)
{
    const int fold = ksum != NULL;
    const int32_t in_zp = p->in_zp, o = fold ? 0 : -in_zp;
    dp__out_stage q;
    int32_t c, j;

#ifdef DP__DSP
    (void)o;
    dp__mv_dsp(y, x, w, n_in, n_out, bias, mult, shift, -in_zp, p->out_zp, p->act_min, p->act_max);
    return;
#endif
    dp__out_stage_init(&q, mult, shift, n_out, p->out_zp, p->act_min, p->act_max);
    for (c = 0; c < n_out; c += 4) {
        const int32_t nb = n_out - c < 4 ? n_out - c : 4;
        int32_t a[4];
        a[0] = a[1] = a[2] = a[3] = 0;
        if (nb == 4) dp__dot4_s8(x, w + c * n_in, n_in, n_in, o, a);
        else
            for (j = 0; j < nb; j++) a[j] = dp__dot1_s8(x, w + (c + j) * n_in, n_in, o, fold);
        for (j = 0; j < nb; j++)
            y[c + j] = dp__out_requant(dp__wadd(a[j], dp__bias_fold(bias, ksum, c + j, in_zp)),
                                mult[c + j], shift[c + j], &q);
    }
}

/* Every input value is read before y[i] is written, so y may be one x. The
   n scaled terms are each < 2^28 in magnitude (shifts <= 0); the sum is
   taken with wrap-around so nothing is undefined for other parameters. */
void dp_add_s8(int8_t *y, const int8_t *const *x, const dp_qadd_params *p,
               int32_t count)
{
    const int32_t n = p->n;
    int32_t i, k;
    if (n == 2) {
        const int8_t *x0 = x[0], *x1 = x[1];
        const int32_t z0 = p->in_zp[0], z1 = p->in_zp[1];
        const int32_t m0 = p->in_mult[0], m1 = p->in_mult[1];
        const int32_t s0 = p->in_shift[0], s1 = p->in_shift[1];
        for (i = 0; i < count; i++) {
            const int32_t v0 = dp__qmul((x0[i] - z0) * (1 << 20), m0, s0);
            const int32_t v1 = dp__qmul((x1[i] - z1) * (1 << 20), m1, s1);
            y[i] = dp__requant(dp__wadd(v0, v1), p->out_mult, p->out_shift,
                               p->out_zp, p->act_min, p->act_max);
        }
        return;
    }
    for (i = 0; i < count; i++) {
        int32_t sum = 0;
        for (k = 0; k < n; k++)
            sum = dp__wadd(sum, dp__qmul((x[k][i] - p->in_zp[k]) * (1 << 20), p->in_mult[k], p->in_shift[k]));
        y[i] = dp__requant(sum, p->out_mult, p->out_shift, p->out_zp, p->act_min, p->act_max);
    }
}

/* clipped window [k0, k1) of taps inside the image for one axis */
static void dp__window(int32_t i0, int32_t k, int32_t n, int32_t *k0, int32_t *k1)
{
    *k0 = i0 < 0 ? -i0 : 0;
    *k1 = n - i0 < k ? n - i0 : k;
}

/* The output pixel itself holds the running max: no scratch. */
void dp_maxpool_s8(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                   dp_shape in, dp_shape out)
{
    const int32_t C = in.c;
    int32_t oy, ox, ky, kx, c, ky0, ky1, kx0, kx1;
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__window(iy0, p->kh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * C;
            int first = 1;
            dp__window(ix0, p->kw, in.w, &kx0, &kx1);
            for (ky = ky0; ky < ky1; ky++) {
                for (kx = kx0; kx < kx1; kx++) {
                    const int8_t *xp = x + ((iy0 + ky) * in.w + ix0 + kx) * C;
                    if (first) {
                        for (c = 0; c < C; c++) yp[c] = xp[c];
                        first = 0;
                    } else {
                        for (c = 0; c < C; c++) yp[c] = xp[c] > yp[c] ? xp[c] : yp[c];
                    }
                }
            }
            for (c = 0; c < C; c++) yp[c] = dp__clamp8(yp[c], p->act_min, p->act_max);
        }
    }
}

/* sign(acc) * floor((|acc| + d/2) / d) -- TFLite's average rounding --
   without a division per value: r = floor((2^32-1)/d) once per window size;
   q = (n * r) >> 32 is floor(n/d) or one less (n < 2^24, d <= 2^16), and
   one compare fixes it. */
static int8_t dp__avg_out(int32_t acc, uint32_t d, uint32_t r, int32_t lo, int32_t hi)
{
    const uint32_t n = (uint32_t)(acc < 0 ? -acc : acc) + (d >> 1);
    uint32_t q = (uint32_t)(((uint64_t)n * r) >> 32);
    if ((q + 1u) * d <= n) q++;
    return dp__clamp8(acc < 0 ? -(int32_t)q : (int32_t)q, lo, hi);
}

void dp_avgpool_s8(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                   dp_shape in, dp_shape out)
{
    const int32_t C = in.c;
    uint32_t last_d = 0, r = 0;
    int32_t oy, ox, ky, kx, c, j, ky0, ky1, kx0, kx1;
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__window(iy0, p->kh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * C;
            uint32_t d;
            dp__window(ix0, p->kw, in.w, &kx0, &kx1);
            d = (uint32_t)((ky1 - ky0) * (kx1 - kx0));
            if (d != last_d) { r = 0xFFFFFFFFu / d; last_d = d; }
            for (c = 0; c < C; c += 4) {
                const int32_t nb = C - c < 4 ? C - c : 4;
                int32_t a[4];
                a[0] = a[1] = a[2] = a[3] = 0;
                for (ky = ky0; ky < ky1; ky++) {
                    for (kx = kx0; kx < kx1; kx++) {
                        const int8_t *xp = x + ((iy0 + ky) * in.w + ix0 + kx) * C + c;
                        for (j = 0; j < nb; j++) a[j] += xp[j];
                    }
                }
                for (j = 0; j < nb; j++) yp[c + j] = dp__avg_out(a[j], d, r, p->act_min, p->act_max);
            }
        }
    }
}

void dp_gap_s8(int8_t *y, const int8_t *x, int32_t act_min, int32_t act_max,
               dp_shape in)
{
    const int32_t C = in.c, npix = in.h * in.w;
    const uint32_t d = (uint32_t)npix, r = 0xFFFFFFFFu / d;
    int32_t c, i, j;
    for (c = 0; c < C; c += 4) {
        const int32_t nb = C - c < 4 ? C - c : 4;
        int32_t a[4];
        a[0] = a[1] = a[2] = a[3] = 0;
        for (i = 0; i < npix; i++) {
            const int8_t *xp = x + i * C + c;
            for (j = 0; j < nb; j++) a[j] += xp[j];
        }
        for (j = 0; j < nb; j++) y[c + j] = dp__avg_out(a[j], d, r, act_min, act_max);
    }
}

void dp_chmul_s8(int8_t *y, const int8_t *x, const int8_t *s,
                 const dp_qchmul_params *p, dp_shape in)
{
    const int32_t C = in.c, npix = in.h * in.w;
    int32_t i, c;
    for (i = 0; i < npix; i++) {
        const int8_t *xp = x + i * C;
        int8_t *yp = y + i * C;
        for (c = 0; c < C; c++)
            yp[c] = dp__requant((xp[c] - p->x_zp) * (s[c] - p->s_zp), p->mult, p->shift,
                                p->out_zp, p->act_min, p->act_max);
    }
}

void dp_concat_s8(int8_t *y, const int8_t *const *x,
                  const dp_qconcat_params *p, int32_t hw)
{
    int32_t i, k, j, out_c = 0;
    for (k = 0; k < p->n; k++) out_c += p->in_c[k];
    for (i = 0; i < hw; i++) {
        int8_t *yp = y + i * out_c;
        for (k = 0; k < p->n; k++) {
            const int32_t c = p->in_c[k];
            const int8_t *xp = x[k] + i * c;
            if (p->in_zp[k] == p->out_zp && p->mult[k] == 0x40000000 && p->shift[k] == 1) {
                for (j = 0; j < c; j++) yp[j] = xp[j];  /* identity requant */
            } else {
                for (j = 0; j < c; j++)
                    yp[j] = dp__requant(xp[j] - p->in_zp[k], p->mult[k], p->shift[k], p->out_zp, -128, 127);
            }
            yp += c;
        }
    }
}

void dp_softmax_s8(int8_t *y, const int8_t *x, const uint16_t *table,
                   int32_t rows, int32_t n)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + r * n;
        int8_t *yr = y + r * n;
        int32_t mx = -128;
        uint32_t S = 0, R;
        for (i = 0; i < n; i++) mx = xr[i] > mx ? xr[i] : mx;
        for (i = 0; i < n; i++) S += table[mx - xr[i]];
        R = 0xFFFFFFFFu / S;  /* S >= table[0] >= 1: the max is in the row */
        for (i = 0; i < n; i++) {
            const uint64_t t = (uint64_t)table[mx - xr[i]] * 256u;
            const uint32_t q = (uint32_t)((t * R + 0x80000000u) >> 32);
            yr[i] = (int8_t)((q > 255u ? 255 : (int32_t)q) - 128);
        }
    }
}

int32_t dp_argmax_s8(const int8_t *x, int32_t n)
{
    int32_t i, best = 0;
    if (n < 1) return -1;
    for (i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* ---- >>grouped kernels: depthwise with a channel multiplier, grouped
   conv (formats at >>grouped in >>dpm) ----
   Depthwise with multiplier M > 1 (out.c = M * in.c; M = 1 is
   dp_dwconv2d_s8): blocks of four consecutive output channels, which read
   input channel oc / M (the block inside one group of M) or that one and
   the next, so two input bytes per tap at most; per tap one word of four
   weights. The zero point is added to x (no
   fold), so every pixel runs the same loop over its taps inside the image;
   int32 sums are exact (kh*kw <= 255*255 taps of |(x - zp) * w| <= 32640),
   hence bit-identical to dp_dwconv2d_s8_ref. DSP cores: SXTB16 splits the
   weight word into lanes, SMLABB/SMLABT multiply-accumulate each channel;
   the output stage is >>dsp's. */
#ifdef DP__DSP
/* a0 += x0*w[0], a1 += x1*w[1], a2 += x2*w[2], a3 += x3*w[3]; x in int16.
   Two statements of few operands: the register allocator must always
   find room, inlined anywhere. */
#define DP__DWM_TAP(wp, XA, XB, XC, XD)                                      \
    do {                                                                     \
        const uint32_t u_ = *(const dp__u32u *)(const void *)(wp);           \
        uint32_t h_;                                                         \
        __asm__("sxtb16  %[h], %[u]\n\t"                                     \
                "smlabb  %[a0], %[x0], %[h], %[a0]\n\t"                      \
                "smlabt  %[a2], %[x2], %[h], %[a2]\n\t"                      \
                : [a0] "+r"(a0), [a2] "+r"(a2), [h] "=&r"(h_)                \
                : [u] "r"(u_), [x0] "r"(XA), [x2] "r"(XC));                  \
        __asm__("sxtb16  %[h], %[u], ror #8\n\t"                             \
                "smlabb  %[a1], %[x1], %[h], %[a1]\n\t"                      \
                "smlabt  %[a3], %[x3], %[h], %[a3]\n\t"                      \
                : [a1] "+r"(a1), [a3] "+r"(a3), [h] "=&r"(h_)                \
                : [u] "r"(u_), [x1] "r"(XB), [x3] "r"(XD));                  \
    } while (0)
#else
#define DP__DWM_TAP(wp, x0, x1, x2, x3)                                      \
    do {                                                                     \
        const int8_t *w_ = (wp);                                             \
        a0 += (x0) * w_[0]; a1 += (x1) * w_[1];                              \
        a2 += (x2) * w_[2]; a3 += (x3) * w_[3];                              \
    } while (0)
#endif
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))   /* one copy for the interpreter and the API */
#endif
static void dp__dwconvm_s8(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                           const int32_t *mult, const int32_t *shift, const dp_qconv_params *p,
                           dp_shape in, dp_shape out)
{
    const int32_t C = in.c, OC = out.c, M = OC / C, kh = p->kh, kw = p->kw, dh = p->dil_h, dw = p->dil_w;
    const int32_t off = -p->in_zp, xrow = in.w * C, xsy = dh * xrow, xsx = dw * C, wsy = kw * OC;
#ifdef DP__DSP
    const int32_t lo = p->act_min, hi = p->act_max;
    const uint32_t lopk = ((uint32_t)lo & 0xFFu) * 0x01010101u, hipk = ((uint32_t)hi & 0xFFu) * 0x01010101u;
#else
    dp__out_stage q;
#endif
    int32_t oy, ox, oc, ic, r, ky, kx, ky0, ky1, kx0, kx1, j;
#ifndef DP__DSP
    dp__out_stage_init(&q, mult, shift, OC, p->out_zp, p->act_min, p->act_max);
#endif
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__ptaps(iy0, kh, dh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * OC;
            const int8_t *xb, *wb;
            int32_t ke;
            dp__ptaps(ix0, kw, dw, in.w, &kx0, &kx1);
            ke = kx0 < kx1 ? ky1 : ky0;   /* rows to run; none: bias only */
            xb = ky0 < ke ? x + (iy0 + ky0 * dh) * xrow + (ix0 + kx0 * dw) * C : x;
            wb = ky0 < ke ? w + (ky0 * kw + kx0) * OC : w;
            for (oc = 0, ic = 0, r = 0; oc + 4 <= OC; oc += 4) {
                /* outputs oc..oc+3 read input channel ic (the first k of
                   them, k = M - r capped at 4; r = oc % M) and ic + 1 */
                const int32_t k = M - r < 4 ? M - r : 4;
                int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a[4];
                for (ky = ky0; ky < ke; ky++) {
                    const int8_t *xr = xb + (ky - ky0) * xsy + ic, *wr = wb + (ky - ky0) * wsy + oc;
                    if (k == 4) {
                        for (kx = kx0; kx < kx1; kx++, xr += xsx, wr += OC) {
                            const int32_t v = xr[0] + off;
                            DP__DWM_TAP(wr, v, v, v, v);
                        }
                    } else if (k == 2) {
                        for (kx = kx0; kx < kx1; kx++, xr += xsx, wr += OC) {
                            const int32_t va = xr[0] + off, vb = xr[1] + off;
                            DP__DWM_TAP(wr, va, va, vb, vb);
                        }
                    } else if (k == 3) {
                        for (kx = kx0; kx < kx1; kx++, xr += xsx, wr += OC) {
                            const int32_t va = xr[0] + off, vb = xr[1] + off;
                            DP__DWM_TAP(wr, va, va, va, vb);
                        }
                    } else {
                        for (kx = kx0; kx < kx1; kx++, xr += xsx, wr += OC) {
                            const int32_t va = xr[0] + off, vb = xr[1] + off;
                            DP__DWM_TAP(wr, va, vb, vb, vb);
                        }
                    }
                }
                for (r += 4; r >= M; r -= M) ic++;   /* M >= 2: at most two steps */
                a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
#ifdef DP__DSP
                dp__out4_dsp(yp + oc, a, bias ? bias + oc : dp__zero4, mult + oc, shift + oc, p->out_zp, lopk, hipk);
#else
                for (j = 0; j < 4; j++)
                    yp[oc + j] = dp__out_requant(dp__wadd(a[j], bias ? bias[oc + j] : 0), mult[oc + j], shift[oc + j], &q);
#endif
            }
            for (; oc < OC; oc++) {   /* the last OC % 4 channels */
                const int32_t c = oc / M;
                int32_t acc = 0;
                for (ky = ky0; ky < ke; ky++) {
                    const int8_t *xr = xb + (ky - ky0) * xsy + c, *wr = wb + (ky - ky0) * wsy + oc;
                    for (kx = kx0; kx < kx1; kx++, xr += xsx, wr += OC) acc += (*xr + off) * *wr;
                }
                acc = dp__wadd(acc, bias ? bias[oc] : 0);
#ifdef DP__DSP
                yp[oc] = dp__requant_dsp(acc, mult[oc], shift[oc], p->out_zp, lo, hi);
#else
                yp[oc] = dp__out_requant(acc, mult[oc], shift[oc], &q);
#endif
            }
        }
    }
    (void)j;
}
#undef DP__DWM_TAP
void dp_dwconv2d_mult_s8(int8_t *y, const int8_t *x, const int8_t *w,
                         const int32_t *bias, const int32_t *mult,
                         const int32_t *shift, const dp_qconv_params *p,
                         dp_shape in, dp_shape out)
{
    if (out.c == in.c) dp_dwconv2d_s8(y, x, w, bias, mult, shift, p, in, out);
    else dp__dwconvm_s8(y, x, w, bias, mult, shift, p, in, out);
}

/* Grouped conv: per output pixel and group, blocks of four output
   channels of the group (the tail of a group one at a time) over the taps
   inside the image, each tap one dot product of cin/G bytes (the group's
   slice of the pixel): dp__dot4_s8 / dp__dot1_s8, or on DSP cores
   dp__dsp_dot4 / dp__dsp_dot1 and >>dsp's output stage. Portable pixels
   whose window lies inside the image fold the zero point into the bias
   with the kernel sums (as dp_conv2d_s8); the others add it to x. Both
   are exact in int32 (DP_MAX_REDUCTION), so bit-identical to
   dp_gconv2d_s8_ref. */
void dp_gconv2d_s8(int8_t *y, const int8_t *x, const int8_t *w,
                   const int32_t *bias, const int32_t *ksum,
                   const int32_t *mult, const int32_t *shift,
                   const dp_qconv_params *p, int32_t groups,
                   dp_shape in, dp_shape out)
{
    const int32_t cin = in.c, cout = out.c, cg = cin / groups, og = cout / groups;
    const int32_t kh = p->kh, kw = p->kw, dh = p->dil_h, dw = p->dil_w, in_zp = p->in_zp, off = -in_zp;
    const int32_t wch = kh * kw * cg, xrow = in.w * cin;
#ifdef DP__DSP
    const int32_t lo = p->act_min, hi = p->act_max;
    const uint32_t offpk = ((uint32_t)off & 0xFFFFu) * 0x10001u;
    const uint32_t lopk = ((uint32_t)lo & 0xFFu) * 0x01010101u, hipk = ((uint32_t)hi & 0xFFu) * 0x01010101u;
#else
    const int fold = ksum != NULL;
    dp__out_stage q;
#endif
    int32_t oy, ox, g, co, ky, kx, j, ky0, ky1, kx0, kx1, a[4];
#ifdef DP__DSP
    (void)ksum;
#else
    dp__out_stage_init(&q, mult, shift, cout, p->out_zp, p->act_min, p->act_max);
#endif
    for (oy = 0; oy < out.h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_t;
        dp__ptaps(iy0, kh, dh, in.h, &ky0, &ky1);
        for (ox = 0; ox < out.w; ox++) {
            const int32_t ix0 = ox * p->stride_w - p->pad_l;
            int8_t *yp = y + (oy * out.w + ox) * cout;
            int32_t ke;
#ifndef DP__DSP
            int fz;
            int32_t o;
#endif
            dp__ptaps(ix0, kw, dw, in.w, &kx0, &kx1);
            ke = kx0 < kx1 ? ky1 : ky0;   /* rows to run; none: bias only */
#ifndef DP__DSP
            fz = fold && ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw;
            o = fz ? 0 : off;
#endif
            for (g = 0; g < groups; g++) {
                const int32_t ce = (g + 1) * og;
                for (co = g * og; co < ce; co += 4) {
                    const int32_t nb = ce - co < 4 ? ce - co : 4;
                    const int8_t *wc = w + co * wch;
                    a[0] = a[1] = a[2] = a[3] = 0;
                    for (ky = ky0; ky < ke; ky++)
                        for (kx = kx0; kx < kx1; kx++) {
                            const int8_t *xk = x + (iy0 + ky * dh) * xrow + (ix0 + kx * dw) * cin + g * cg;
                            const int8_t *wk = wc + (ky * kw + kx) * cg;
#ifdef DP__DSP
                            if (nb == 4) dp__dsp_dot4(xk, wk, wch, cg, off, offpk, a);
                            else
                                for (j = 0; j < nb; j++) a[j] += dp__dsp_dot1(xk, wk + j * wch, cg, off, offpk);
#else
                            if (nb == 4) dp__dot4_s8(xk, wk, wch, cg, o, a);
                            else
                                for (j = 0; j < nb; j++) a[j] += dp__dot1_s8(xk, wk + j * wch, cg, o, o == 0);
#endif
                        }
#ifdef DP__DSP
                    if (nb == 4) dp__out4_dsp(yp + co, a, bias ? bias + co : dp__zero4, mult + co, shift + co, p->out_zp, lopk, hipk);
                    else dp__outn_dsp(yp + co, a, nb, bias ? bias + co : NULL, mult + co, shift + co, p->out_zp, lo, hi);
#else
                    for (j = 0; j < nb; j++)
                        yp[co + j] = dp__out_requant(dp__wadd(a[j], dp__cbias(bias, ksum, co + j, in_zp, fz)),
                                              mult[co + j], shift[co + j], &q);
#endif
                }
            }
        }
    }
}

/* ---- >>loader ---- */
#define DP__HDR 48u      /* header bytes        */
#define DP__TREC 24u     /* tensor record bytes */
#define DP__OREC 64u     /* op record bytes     */
#define DP__READY 0x59444552u
#define DP__MAX_LEN 0x7FFFFFFFu

typedef struct dp__t {   /* a decoded tensor record */
    uint32_t off, bytes, h, w, c, first, last, scale_bits;
    int32_t zp;
} dp__t;

typedef struct dp__op {  /* a decoded op record */
    uint32_t kind, n_in, out, in[DP_MAX_OP_INPUTS];
    uint32_t g[10];      /* kh kw sh sw dh dw pt pl pb pr */
    int32_t act_min, act_max;
    uint32_t w_off, w_len, b_off, k_off, m_off, s_off;
    int32_t out_mult, out_shift;
} dp__op;

static const char *const dp__mop_names[DP_MOP_KIND_COUNT] = {
    "?", "conv2d", "dwconv2d", "fc", "add", "maxpool", "avgpool", "gap",
    "chmul", "concat", "softmax",
    "gconv2d", "softmaxq", "lut", "mean", "mul"
};
typedef char dp__mop_names_match[(sizeof dp__mop_names / sizeof dp__mop_names[0]) == DP_MOP_KIND_COUNT ? 1 : -1];

const char *dp_mop_name(int kind)
{
    return (kind > 0 && kind < DP_MOP_KIND_COUNT) ? dp__mop_names[kind] : "?";
}

static void dp__t_get(const dp_model *m, uint32_t id, dp__t *t)
{
    const uint8_t *p = m->blob + DP__HDR + id * DP__TREC;
    t->off = dp__rd32(p);
    t->bytes = dp__rd32(p + 4);
    t->h = dp__rd16(p + 8);
    t->w = dp__rd16(p + 10);
    t->c = dp__rd16(p + 12);
    t->zp = dp__s16(dp__rd16(p + 14));
    t->first = dp__rd16(p + 16);
    t->last = dp__rd16(p + 18);
    t->scale_bits = dp__rd32(p + 20);
}

static void dp__op_get(const dp_model *m, uint32_t k, dp__op *op)
{
    const uint8_t *p = m->blob + m->ops_off + k * DP__OREC;
    uint32_t i;
    op->kind = p[0];
    op->n_in = p[1];
    op->out = dp__rd16(p + 2);
    for (i = 0; i < DP_MAX_OP_INPUTS; i++) op->in[i] = dp__rd16(p + 4 + 2 * i);
    for (i = 0; i < 10; i++) op->g[i] = p[20 + i];
    op->act_min = dp__s8(p[30]);
    op->act_max = dp__s8(p[31]);
    op->w_off = dp__rd32(p + 32);
    op->w_len = dp__rd32(p + 36);
    op->b_off = dp__rd32(p + 40);
    op->k_off = dp__rd32(p + 44);
    op->m_off = dp__rd32(p + 48);
    op->s_off = dp__rd32(p + 52);
    op->out_mult = dp__u2s(dp__rd32(p + 56));
    op->out_shift = dp__u2s(dp__rd32(p + 60));
}

static dp_shape dp__shape(const dp__t *t)
{
    dp_shape s;
    s.h = (int32_t)t->h;
    s.w = (int32_t)t->w;
    s.c = (int32_t)t->c;
    return s;
}

/* MACs of one op, as the paper's Table 3 counts them: conv/dw/FC
   multiply-adds (every kernel tap, padding included), pooling out_elements
   * kh * kw, global pooling h*w*c, an n-input Add (n-1) * elements; the
   squeeze-excite multiply, concat and softmax are not counted. groups:
   gconv2d's G (1 for other kinds). */
static uint64_t dp__macs(uint32_t kind, dp_shape in, dp_shape out, uint32_t kh, uint32_t kw, uint32_t n_in,
                         uint32_t groups)
{
    const uint64_t opix = (uint64_t)(uint32_t)out.h * (uint32_t)out.w;
    switch (kind) {
    case DP_MOP_GCONV2D: return opix * (uint32_t)out.c * kh * kw * ((uint32_t)in.c / (groups ? groups : 1u));
    case DP_MOP_CONV2D: return opix * (uint32_t)out.c * kh * kw * (uint32_t)in.c;
    case DP_MOP_DWCONV2D: return opix * (uint32_t)out.c * kh * kw;
    case DP_MOP_FC: return (uint64_t)(uint32_t)out.c * ((uint64_t)(uint32_t)in.h * (uint32_t)in.w * (uint32_t)in.c);
    case DP_MOP_MAXPOOL: case DP_MOP_AVGPOOL: return opix * (uint32_t)out.c * kh * kw;
    case DP_MOP_GAP: return (uint64_t)(uint32_t)in.h * (uint32_t)in.w * (uint32_t)in.c;
    case DP_MOP_MEAN: return (uint64_t)(uint32_t)in.h * (uint32_t)in.w * (uint32_t)in.c;
    case DP_MOP_ADD: return n_in > 1 ? (uint64_t)(n_in - 1u) * opix * (uint32_t)out.c : 0;
    default: return 0;
    }
}

/* output size of one conv/pool axis, or 0 if the geometry is impossible */
static uint32_t dp__out_size(uint32_t n, uint32_t k, uint32_t s, uint32_t d, uint32_t p0, uint32_t p1)
{
    const uint32_t eff = (k - 1u) * d + 1u, span = n + p0 + p1;
    if (k == 0 || s == 0 || d == 0 || span < eff) return 0;
    return (span - eff) / s + 1u;
}

/* an array of `bytes` at blob offset `off`: 4-aligned, in the data section */
static int dp__arr_ok(const dp_model *m, uint32_t off, uint32_t bytes)
{
    const uint32_t end = m->len - 4u;
    return off % 4u == 0 && off >= m->data_off && off <= end && bytes <= end - off;
}

static int dp__same_shape(const dp__t *a, const dp__t *b)
{
    return a->h == b->h && a->w == b->w && a->c == b->c;
}

/* record why validation failed (a string literal: fine in flash) */
#define DP__BAD(st, msg) do { m->why = (msg); return (st); } while (0)

/* What an op kind asks of its record: dp__op_check's per-kind rules. */
typedef struct dp__op_req {
    uint32_t n_q, want_w, groups;   /* multiplier/shift pairs, weight bytes, gconv groups */
    int geo, act, bias, ksum, outq; /* geometry, activation range, bias, kernel sums, output multiplier */
} dp__op_req;

/* The op record's ids and lifetimes: input count for the kind, ids in
   range, unused slots 0, producers before consumers. */
static int dp__op_check_io(dp_model *m, uint32_t k, dp__op *op, dp__t *o, dp__t *t)
{
    uint32_t i, n_min = 1, n_max = 1;
    dp__op_get(m, k, op);
    if (op->kind == 0 || op->kind >= DP_MOP_KIND_COUNT)
        DP__BAD(DP_ERR_UNSUPPORTED, "unknown op kind");
    if (op->kind == DP_MOP_ADD) { n_min = 2; n_max = DP_MAX_OP_INPUTS; }
    if (op->kind == DP_MOP_CHMUL) { n_min = 2; n_max = 2; }
    if (op->kind == DP_MOP_CONCAT) { n_min = 1; n_max = DP_MAX_OP_INPUTS; }
    if (op->kind == DP_MOP_MUL) { n_min = 2; n_max = 2; }
    if (op->n_in < n_min || op->n_in > n_max || op->out >= m->n_tensors)
        DP__BAD(DP_ERR_FORMAT, "wrong number of inputs, or output id out of range");
    for (i = 0; i < DP_MAX_OP_INPUTS; i++) {
        if (i < op->n_in ? op->in[i] >= m->n_tensors : op->in[i] != 0)
            DP__BAD(DP_ERR_FORMAT, "input id out of range, or unused input slot not 0");
    }
    /* producers before consumers: the output is written at step k+1, every
       input was written before and is still live at step k+1 */
    dp__t_get(m, op->out, o);
    if (o->first != k + 1u)
        DP__BAD(DP_ERR_FORMAT, "op output not written at this step (tensor.first)");
    for (i = 0; i < op->n_in; i++) {
        dp__t_get(m, op->in[i], &t[i]);
        if (t[i].first > k || t[i].last < k + 1u)
            DP__BAD(DP_ERR_FORMAT, "input read before it is written or after its last step");
    }
    return DP_OK;
}

/* conv2d, dwconv2d, gconv2d, fc: shapes, reduction limits, weight bytes */
static int dp__op_check_conv(dp_model *m, dp__op *op, const dp__t *o, const dp__t *t, dp__op_req *rq)
{
    switch (op->kind) {
    case DP_MOP_CONV2D:
    case DP_MOP_DWCONV2D:
        rq->geo = rq->act = rq->bias = 1;
        rq->n_q = o->c;
        if (op->kind == DP_MOP_CONV2D) {
            rq->ksum = 1;
            if ((uint64_t)op->g[0] * op->g[1] * t[0].c > DP_MAX_REDUCTION)
                DP__BAD(DP_ERR_UNSUPPORTED, "conv reduction kh*kw*cin > DP_MAX_REDUCTION");
            rq->want_w = o->c * op->g[0] * op->g[1] * t[0].c;   /* < 2^32 by the limit */
        } else {
            if (o->c % t[0].c) DP__BAD(DP_ERR_FORMAT, "dwconv output channels not a multiple of the input channels");
            rq->want_w = op->g[0] * op->g[1] * o->c;
        }
        break;
    case DP_MOP_GCONV2D:   /* >>grouped: groups at offset 56, then 0 */
        rq->geo = rq->act = rq->bias = rq->ksum = 1;
        rq->n_q = o->c;
        if (op->out_mult < 2 || (uint32_t)op->out_mult > t[0].c || t[0].c % (uint32_t)op->out_mult ||
            o->c % (uint32_t)op->out_mult || op->out_shift != 0)
            DP__BAD(DP_ERR_FORMAT, "gconv groups < 2, > cin or not dividing cin and cout (or offset 60 not 0)");
        rq->groups = (uint32_t)op->out_mult;
        op->out_mult = 0;   /* not an output multiplier */
        if ((uint64_t)op->g[0] * op->g[1] * (t[0].c / rq->groups) > DP_MAX_REDUCTION)
            DP__BAD(DP_ERR_UNSUPPORTED, "gconv reduction kh*kw*cin/groups > DP_MAX_REDUCTION");
        rq->want_w = o->c * op->g[0] * op->g[1] * (t[0].c / rq->groups);   /* < 2^32 by the limit */
        break;
    default:   /* DP_MOP_FC */
        rq->act = rq->bias = rq->ksum = 1;
        rq->n_q = o->c;
        if (o->h != 1 || o->w != 1) DP__BAD(DP_ERR_FORMAT, "fc output is not 1x1xC");
        if (t[0].bytes > DP_MAX_REDUCTION)
            DP__BAD(DP_ERR_UNSUPPORTED, "fc inputs > DP_MAX_REDUCTION");
        rq->want_w = o->c * t[0].bytes;
        break;
    }
    return DP_OK;
}

/* maxpool, avgpool, gap */
static int dp__op_check_pool(dp_model *m, const dp__op *op, const dp__t *o, const dp__t *t, dp__op_req *rq)
{
    rq->act = 1;
    rq->geo = op->kind != DP_MOP_GAP;
    /* pools average/compare raw int8 values: in and out share the
       quantisation (TFLite requires it too) */
    if (o->c != t[0].c || o->zp != t[0].zp || o->scale_bits != t[0].scale_bits)
        DP__BAD(DP_ERR_FORMAT, "pool output channels or quantisation differ from the input");
    if (op->kind == DP_MOP_GAP) {
        if (o->h != 1 || o->w != 1) DP__BAD(DP_ERR_FORMAT, "gap output is not 1x1xC");
        if (t[0].h * t[0].w > DP_MAX_POOL_COUNT)
            DP__BAD(DP_ERR_UNSUPPORTED, "gap window > DP_MAX_POOL_COUNT");
    } else {
        /* dilation 1 and padding < kernel: every window holds at
           least one real pixel, so the average never divides by 0 */
        if (op->g[4] != 1 || op->g[5] != 1 || op->g[6] >= op->g[0] || op->g[8] >= op->g[0] ||
            op->g[7] >= op->g[1] || op->g[9] >= op->g[1]) DP__BAD(DP_ERR_FORMAT, "pool dilation != 1 or padding >= kernel");
    }
    return DP_OK;
}

/* add, chmul, concat, the softmaxes, lut, mean, mul */
static int dp__op_check_other(dp_model *m, const dp__op *op, const dp__t *o, const dp__t *t, dp__op_req *rq)
{
    uint32_t i, c = 0;
    switch (op->kind) {
    case DP_MOP_ADD:
        rq->act = rq->outq = 1;
        rq->n_q = op->n_in;
        for (i = 0; i < op->n_in; i++)
            if (!dp__same_shape(&t[i], o))
                DP__BAD(DP_ERR_FORMAT, "add input shape != output shape");
        break;
    case DP_MOP_CHMUL:
        rq->act = rq->outq = 1;
        if (!dp__same_shape(&t[0], o) || t[1].h != 1 || t[1].w != 1 || t[1].c != o->c)
            DP__BAD(DP_ERR_FORMAT, "chmul shapes: x and y differ, or s is not 1x1xC");
        break;
    case DP_MOP_CONCAT:
        rq->n_q = op->n_in;
        for (i = 0; i < op->n_in; i++) {
            if (t[i].h != o->h || t[i].w != o->w)
                DP__BAD(DP_ERR_FORMAT, "concat input height/width != output");
            c += t[i].c;
        }
        if (c != o->c) DP__BAD(DP_ERR_FORMAT, "concat channels do not add up");
        break;
    case DP_MOP_SOFTMAX:
        rq->want_w = 512;
        if (!dp__same_shape(&t[0], o) || o->zp != -128 || o->scale_bits != DP_SOFTMAX_SCALE_BITS)
            DP__BAD(DP_ERR_FORMAT, "softmax shape, or output not scale 1/256 zero point -128");
        break;
    /* TFLite Micro's kinds (>>tflm_kernels) */
    case DP_MOP_SOFTMAXQ:
        rq->want_w = 1024;
        if (!dp__same_shape(&t[0], o) || o->zp != -128 || o->scale_bits != DP_SOFTMAX_SCALE_BITS)
            DP__BAD(DP_ERR_FORMAT, "softmaxq shape, or output not scale 1/256 zero point -128");
        if (o->c > DP_SOFTMAXQ_MAX_N) DP__BAD(DP_ERR_UNSUPPORTED, "softmaxq rows longer than DP_SOFTMAXQ_MAX_N");
        break;
    case DP_MOP_LUT:
        rq->want_w = 256;
        if (!dp__same_shape(&t[0], o)) DP__BAD(DP_ERR_FORMAT, "lut output shape != input shape");
        break;
    case DP_MOP_MEAN:
        rq->outq = 1;
        if (o->h != 1 || o->w != 1 || o->c != t[0].c) DP__BAD(DP_ERR_FORMAT, "mean output is not 1x1xC of the input");
        if (t[0].h * t[0].w > DP_MAX_POOL_COUNT) DP__BAD(DP_ERR_UNSUPPORTED, "mean window > DP_MAX_POOL_COUNT");
        break;
    case DP_MOP_MUL:
        rq->act = rq->outq = 1;
        if (!dp__same_shape(&t[0], o) || !dp__same_shape(&t[1], o))
            DP__BAD(DP_ERR_FORMAT, "mul input shape != output shape");
        break;
    default:
        DP__BAD(DP_ERR_UNSUPPORTED, "unknown op kind");
    }
    return DP_OK;
}

/* Geometry present exactly for conv/dw/pools and consistent with the
   shapes; activation range and output multiplier only where used. */
static int dp__op_check_fields(dp_model *m, const dp__op *op, const dp__t *o, const dp__t *t, const dp__op_req *rq)
{
    uint32_t i;
    if (rq->geo) {
        if (dp__out_size(t[0].h, op->g[0], op->g[2], op->g[4], op->g[6], op->g[8]) != o->h ||
            dp__out_size(t[0].w, op->g[1], op->g[3], op->g[5], op->g[7], op->g[9]) != o->w)
            DP__BAD(DP_ERR_FORMAT, "output shape inconsistent with kernel/stride/dilation/padding");
    } else {
        for (i = 0; i < 10; i++)
            if (op->g[i] != 0)
                DP__BAD(DP_ERR_FORMAT, "geometry field set on an op without geometry");
    }
    if (rq->act ? op->act_min > op->act_max : (op->act_min != -128 || op->act_max != 127))
        DP__BAD(DP_ERR_FORMAT, "activation range invalid (or set on concat/softmax)");
    if (rq->outq) {
        if (op->out_mult < 0 || op->out_shift < -31 || op->out_shift > 30)
            DP__BAD(DP_ERR_FORMAT, "output multiplier < 0 or output shift outside -31..30");
    } else if (op->out_mult != 0 || op->out_shift != 0) {
        DP__BAD(DP_ERR_FORMAT, "output multiplier/shift set on an op that has none");
    }
    return DP_OK;
}

/* Arrays present exactly when the kind uses them, inside the data section;
   multipliers and shifts in range. */
static int dp__op_check_arrays(dp_model *m, const dp__op *op, const dp__t *o, const dp__op_req *rq)
{
    const uint8_t *b = m->blob;
    uint32_t i;
    if (rq->want_w) {
        if (op->w_len != rq->want_w || !dp__arr_ok(m, op->w_off, op->w_len))
            DP__BAD(DP_ERR_FORMAT, "weights length or range wrong");
    } else if (op->w_off != 0 || op->w_len != 0) {
        DP__BAD(DP_ERR_FORMAT, "weights set on an op that has none");
    }
    if (op->b_off != 0 && (!rq->bias || !dp__arr_ok(m, op->b_off, 4u * o->c)))
        DP__BAD(DP_ERR_FORMAT, "bias not allowed here or outside the data section");
    if (rq->ksum ? !dp__arr_ok(m, op->k_off, 4u * o->c) : op->k_off != 0)
        DP__BAD(DP_ERR_FORMAT, "kernel sums missing, misplaced or not allowed here");
    if (rq->n_q) {
        if (!dp__arr_ok(m, op->m_off, 4u * rq->n_q) || !dp__arr_ok(m, op->s_off, 4u * rq->n_q))
            DP__BAD(DP_ERR_FORMAT, "multiplier/shift arrays outside the data section");
        for (i = 0; i < rq->n_q; i++) {
            const int32_t mu = dp__u2s(dp__rd32(b + op->m_off + 4u * i));
            const int32_t sh = dp__u2s(dp__rd32(b + op->s_off + 4u * i));
            /* add: the n scaled inputs must stay < 2^28 each (shift <= 0) */
            if (mu < 0 || sh < -31 || sh > (op->kind == DP_MOP_ADD ? 0 : 30))
                DP__BAD(DP_ERR_FORMAT, "multiplier < 0 or shift out of range (add: shift > 0)");
        }
    } else if (op->m_off != 0 || op->s_off != 0) {
        DP__BAD(DP_ERR_FORMAT, "multiplier/shift arrays set on an op that has none");
    }
    return DP_OK;
}

/* Contents the kernels rely on: kernel sums equal to the weights', the
   softmax tables monotone. */
static int dp__op_check_tables(dp_model *m, const dp__op *op, const dp__t *o, const dp__op_req *rq)
{
    const uint8_t *b = m->blob;
    uint32_t i, j;
    if (rq->ksum) {
        /* kernel sums must match the weights or folding changes results */
        const uint32_t R = rq->want_w / o->c;
        for (i = 0; i < o->c; i++) {
            int32_t s = 0;
            for (j = 0; j < R; j++) s += dp__s8(b[op->w_off + i * R + j]);
            if (s != dp__u2s(dp__rd32(b + op->k_off + 4u * i)))
                DP__BAD(DP_ERR_FORMAT, "kernel sum does not match the weights");
        }
    }
    if (op->kind == DP_MOP_SOFTMAXQ) {
        /* exp(0) is exactly one (INT32_MAX), then non-increasing and >= 0:
           the row sum lies in [2^19, 2^28), every shift of the kernel in range */
        if (dp__u2s(dp__rd32(b + op->w_off)) != INT32_MAX) DP__BAD(DP_ERR_FORMAT, "softmaxq table[0] is not one");
        for (i = 1; i < 256; i++) {
            const int32_t v = dp__u2s(dp__rd32(b + op->w_off + 4u * i));
            if (v < 0 || v > dp__u2s(dp__rd32(b + op->w_off + 4u * i - 4u)))
                DP__BAD(DP_ERR_FORMAT, "softmaxq table negative or increasing");
        }
    }
    if (op->kind == DP_MOP_SOFTMAX) {
        /* non-increasing, table[0] >= 1: sums are >= 1, outputs monotone */
        if (dp__rd16(b + op->w_off) == 0) DP__BAD(DP_ERR_FORMAT, "softmax table[0] is 0");
        for (i = 1; i < 256; i++)
            if (dp__rd16(b + op->w_off + 2u * i) > dp__rd16(b + op->w_off + 2u * i - 2u))
                DP__BAD(DP_ERR_FORMAT, "softmax table increases");
    }
    return DP_OK;
}

/* Validate op k: everything its kernel will touch, and nothing left over.
   Tensor ids and records were already checked by the caller. */
static int dp__op_check(dp_model *m, uint32_t k, uint64_t *macs)
{
    dp__op op;
    dp__t o, t[DP_MAX_OP_INPUTS];
    dp__op_req rq;
    int st;
    rq.n_q = rq.want_w = 0;
    rq.groups = 1;
    rq.geo = rq.act = rq.bias = rq.ksum = rq.outq = 0;
    if ((st = dp__op_check_io(m, k, &op, &o, t)) != DP_OK) return st;
    switch (op.kind) {
    case DP_MOP_CONV2D: case DP_MOP_DWCONV2D: case DP_MOP_GCONV2D: case DP_MOP_FC:
        st = dp__op_check_conv(m, &op, &o, t, &rq);
        break;
    case DP_MOP_MAXPOOL: case DP_MOP_AVGPOOL: case DP_MOP_GAP:
        st = dp__op_check_pool(m, &op, &o, t, &rq);
        break;
    default:
        st = dp__op_check_other(m, &op, &o, t, &rq);
        break;
    }
    if (st != DP_OK) return st;
    if ((st = dp__op_check_fields(m, &op, &o, t, &rq)) != DP_OK) return st;
    if ((st = dp__op_check_arrays(m, &op, &o, &rq)) != DP_OK) return st;
    if ((st = dp__op_check_tables(m, &op, &o, &rq)) != DP_OK) return st;
    *macs = dp__macs(op.kind, dp__shape(&t[0]), dp__shape(&o), op.g[0], op.g[1], op.n_in, rq.groups);
    return DP_OK;
}

/* Two tensors share arena bytes while both are live: allowed only for an
   in-place ADD writing over an input that dies at that ADD. */
static int dp__overlap_ok(const dp_model *m, uint32_t ia, const dp__t *a, uint32_t ib, const dp__t *b)
{
    const dp__t *o = a->first > b->first ? a : b, *x = a->first > b->first ? b : a;
    const uint32_t ix = a->first > b->first ? ib : ia;
    dp__op op;
    uint32_t i;
    if (o->first == 0 || o->first == x->first) return 0;
    dp__op_get(m, o->first - 1u, &op);
    if (op.kind != DP_MOP_ADD || x->off != o->off || x->bytes != o->bytes || x->last != o->first) return 0;
    for (i = 0; i < op.n_in; i++)
        if (op.in[i] == ix) return 1;
    return 0;
}

static int dp__model_check(dp_model *m, const uint8_t *b, size_t blob_len)
{
    uint32_t len, i, j;
    uint64_t macs = 0;
    m->where = -1;
    if (!b) DP__BAD(DP_ERR_ARG, "blob is NULL");
    if (blob_len < DP__HDR + 4u) DP__BAD(DP_ERR_FORMAT, "shorter than a header");
    if (b[0] != 'D' || b[1] != 'P' || b[2] != 'M' || b[3] != 'B')
        DP__BAD(DP_ERR_FORMAT, "bad magic (not a .dpm blob)");
    if (dp__rd16(b + 4) != DP_MODEL_VERSION)
        DP__BAD(DP_ERR_UNSUPPORTED, "unsupported format version");
    if (dp__rd16(b + 6) != DP__HDR) DP__BAD(DP_ERR_FORMAT, "bad header size");
    len = dp__rd32(b + 8);
    if (len < DP__HDR + 4u || len > blob_len || len % 4u || len > DP__MAX_LEN)
        DP__BAD(DP_ERR_FORMAT, "total length: < 52, > blob_len, not a multiple of 4, or >= 2 GiB");
    if (dp_crc32(0, b, len - 4u) != dp__rd32(b + len - 4u)) DP__BAD(DP_ERR_CRC, "CRC mismatch");
    if (!dp__host_le()) DP__BAD(DP_ERR_UNSUPPORTED, "big-endian host");
    if ((size_t)b % 4u) DP__BAD(DP_ERR_ARG, "blob not 4-byte aligned");
    if (dp__rd32(b + 44) != 0) DP__BAD(DP_ERR_UNSUPPORTED, "unknown flags");

    m->blob = b;
    m->len = len;
    m->arena_size = dp__rd32(b + 12);
    m->n_tensors = dp__rd16(b + 16);
    m->n_ops = dp__rd16(b + 18);
    m->input = dp__rd16(b + 20);
    m->output = dp__rd16(b + 22);
    m->ops_off = DP__HDR + DP__TREC * m->n_tensors;
    m->data_off = m->ops_off + DP__OREC * m->n_ops;      /* < 2^23: no overflow */
    m->macs = (uint64_t)dp__rd32(b + 36) | ((uint64_t)dp__rd32(b + 40) << 32);
    if (m->arena_size == 0 || m->arena_size > DP__MAX_LEN)
        DP__BAD(DP_ERR_FORMAT, "arena size 0 or >= 2 GiB");
    if (m->n_tensors < 2 || m->n_ops < 1 || m->n_ops > 0xFFFEu)
        DP__BAD(DP_ERR_FORMAT, "tensor/op counts out of range");
    if (m->input >= m->n_tensors || m->output >= m->n_tensors || m->input == m->output)
        DP__BAD(DP_ERR_FORMAT, "input/output tensor ids");
    if (dp__rd32(b + 24) != DP__HDR || dp__rd32(b + 28) != m->ops_off || dp__rd32(b + 32) != m->data_off ||
        m->data_off > len - 4u)
        DP__BAD(DP_ERR_FORMAT, "table offsets wrong or tables past the end");

    /* tensors: shape, size, place in the arena, lifetime */
    for (i = 0; i < m->n_tensors; i++) {
        dp__t x;
        m->where = (int32_t)i;
        dp__t_get(m, i, &x);
        if (x.h == 0 || x.w == 0 || x.c == 0) DP__BAD(DP_ERR_FORMAT, "tensor has a zero dimension");
        if ((uint64_t)x.h * x.w * x.c != x.bytes || x.bytes > m->arena_size ||
            x.off > m->arena_size - x.bytes)
            DP__BAD(DP_ERR_FORMAT, "tensor bytes != h*w*c, or outside the arena");
        if (x.zp < -128 || x.zp > 127)
            DP__BAD(DP_ERR_FORMAT, "tensor zero point outside -128..127");
        if (x.first > x.last || x.last > m->n_ops + 1u)
            DP__BAD(DP_ERR_FORMAT, "tensor lifetime: first > last or last > ops+1");
        if ((i == m->input) != (x.first == 0))
            DP__BAD(DP_ERR_FORMAT, "only the model input may have first == 0");
        if (i == m->output && x.last != m->n_ops + 1u)
            DP__BAD(DP_ERR_FORMAT, "model output must live to the end (last = ops+1)");
        if (x.first > 0) {
            /* written by exactly op first-1 (each op has one output) */
            dp__op op;
            if (x.first > m->n_ops) DP__BAD(DP_ERR_FORMAT, "tensor first step past the last op");
            dp__op_get(m, x.first - 1u, &op);
            if (op.out != i)
                DP__BAD(DP_ERR_FORMAT, "tensor is not the output of the op that its first step names");
        }
    }
    /* ops */
    for (i = 0; i < m->n_ops; i++) {
        uint64_t mm = 0;
        int st;
        m->where = (int32_t)i;
        st = dp__op_check(m, i, &mm);
        if (st != DP_OK) return st;
        macs += mm;
    }
    m->where = -1;
    if (macs != m->macs) DP__BAD(DP_ERR_FORMAT, "MAC total does not match the ops");
    /* no two live tensors overlap (O(T^2), once) */
    for (i = 0; i < m->n_tensors; i++) {
        dp__t a;
        m->where = (int32_t)i;
        dp__t_get(m, i, &a);
        for (j = i + 1; j < m->n_tensors; j++) {
            dp__t c;
            dp__t_get(m, j, &c);
            if (a.off >= c.off + c.bytes || c.off >= a.off + a.bytes) continue;
            if (a.first > c.last || c.first > a.last) continue;
            if (!dp__overlap_ok(m, i, &a, j, &c))
                DP__BAD(DP_ERR_FORMAT, "two live tensors overlap in the arena (not an in-place add on a dead input)");
        }
    }
    return DP_OK;
}

#undef DP__BAD

int dp_model_init(dp_model *m, const void *blob, size_t blob_len)
{
    int st;
    if (!m) return DP_ERR_ARG;
    dp__zero(m, sizeof *m);
    st = dp__model_check(m, (const uint8_t *)blob, blob_len);
    if (st != DP_OK) {
        /* never half-initialised: keep only the reason */
        const char *why = m->why;
        const int32_t where = m->where;
        dp__zero(m, sizeof *m);
        m->why = why;
        m->where = where;
    } else {
        m->ready = DP__READY;
        m->why = NULL;
        m->where = -1;
    }
    return st;
}

size_t dp_model_arena_size(const dp_model *m)
{
    return (m && m->ready == DP__READY) ? (size_t)m->arena_size : 0;
}
int dp_model_n_ops(const dp_model *m) { return (m && m->ready == DP__READY) ? (int)m->n_ops : 0; }
int dp_model_n_tensors(const dp_model *m) { return (m && m->ready == DP__READY) ? (int)m->n_tensors : 0; }
uint64_t dp_model_macs(const dp_model *m) { return (m && m->ready == DP__READY) ? m->macs : 0; }

int dp_model_tensor(const dp_model *m, int id, dp_tensor_info *ti)
{
    dp__t t;
    if (ti) dp__zero(ti, sizeof *ti);   /* written on every path */
    if (!m || m->ready != DP__READY || !ti || id < 0 || (uint32_t)id >= m->n_tensors) return DP_ERR_ARG;
    dp__t_get(m, (uint32_t)id, &t);
    ti->offset = t.off;
    ti->bytes = t.bytes;
    ti->shape = dp__shape(&t);
    ti->zero_point = t.zp;
    ti->scale_bits = t.scale_bits;
    return DP_OK;
}

static int8_t *dp__tensor_ptr(const dp_model *m, void *arena, uint32_t id, dp_tensor_info *ti)
{
    dp__t t;
    if (ti) dp__zero(ti, sizeof *ti);
    if (!m || m->ready != DP__READY || !arena) return NULL;
    if (ti) dp_model_tensor(m, (int)id, ti);
    dp__t_get(m, id, &t);
    return (int8_t *)arena + t.off;
}
int8_t *dp_model_input(const dp_model *m, void *arena, dp_tensor_info *ti)
{
    return dp__tensor_ptr(m, arena, m ? m->input : 0, ti);
}
int8_t *dp_model_output(const dp_model *m, void *arena, dp_tensor_info *ti)
{
    return dp__tensor_ptr(m, arena, m ? m->output : 0, ti);
}
int dp_model_output_argmax(const dp_model *m, const void *arena)
{
    dp__t t;
    if (!m || m->ready != DP__READY || !arena) return DP_ERR_ARG;
    dp__t_get(m, m->output, &t);
    return (int)dp_argmax_s8((const int8_t *)arena + t.off, (int32_t)t.bytes);
}

int dp_model_op(const dp_model *m, int i, dp_mop_info *oi)
{
    dp__op op;
    dp__t a, o;
    uint32_t j, n_q = 0, c;
    if (oi) dp__zero(oi, sizeof *oi);
    if (!m || m->ready != DP__READY || !oi || i < 0 || (uint32_t)i >= m->n_ops) return DP_ERR_ARG;
    dp__op_get(m, (uint32_t)i, &op);
    dp__t_get(m, op.in[0], &a);
    dp__t_get(m, op.out, &o);
    dp__zero(oi, sizeof *oi);
    oi->kind = (int32_t)op.kind;
    oi->name = dp_mop_name((int)op.kind);
    oi->n_inputs = (int32_t)op.n_in;
    for (j = 0; j < op.n_in; j++) oi->inputs[j] = (int32_t)op.in[j];
    oi->output = (int32_t)op.out;
    oi->in_shape = dp__shape(&a);
    oi->out_shape = dp__shape(&o);
    oi->kh = (int32_t)op.g[0]; oi->kw = (int32_t)op.g[1];
    oi->stride_h = (int32_t)op.g[2]; oi->stride_w = (int32_t)op.g[3];
    oi->dil_h = (int32_t)op.g[4]; oi->dil_w = (int32_t)op.g[5];
    oi->pad_t = (int32_t)op.g[6]; oi->pad_l = (int32_t)op.g[7];
    oi->pad_b = (int32_t)op.g[8]; oi->pad_r = (int32_t)op.g[9];
    oi->act_min = op.act_min;
    oi->act_max = op.act_max;
    oi->groups = op.kind == DP_MOP_GCONV2D ? op.out_mult : 1;
    oi->macs = dp__macs(op.kind, oi->in_shape, oi->out_shape, op.g[0], op.g[1], op.n_in, (uint32_t)oi->groups);
    c = o.c;
    if (op.m_off) n_q = (op.kind == DP_MOP_ADD || op.kind == DP_MOP_CONCAT) ? op.n_in : c;
    oi->param_bytes = op.w_len + (op.b_off ? 4u * c : 0) + (op.k_off ? 4u * c : 0) + 8u * n_q;
    return DP_OK;
}

/* ---- >>tflm_kernels  (see >>api_tflm) ----
   gemmlowp's fixed-point helpers on int32 raw values: a Qm.(31-m) number
   is kept as its raw int32; products are SaturatingRoundingDoublingHighMul
   (dp__qmul_high), sums wrap in two's complement as gemmlowp's do. */
/* SaturatingRoundingMultiplyByPOT<e>, e > 0: x * 2^e, saturated */
static int32_t dp__fx_shl(int32_t x, int32_t e)
{
    const int32_t thr = (int32_t)(((uint32_t)1 << (31 - e)) - 1u);
    if (x > thr) return INT32_MAX;
    if (x < -thr) return INT32_MIN;
    return dp__u2s((uint32_t)x << e);
}
static int32_t dp__fx_add(int32_t a, int32_t b) { return dp__u2s((uint32_t)a + (uint32_t)b); }
/* one_over_one_plus_x_for_x_in_0_1: a in Q0.31, [0, 1) -> 1/(1+a), Q0.31
   (Newton-Raphson in Q2.29 from 48/17 - 32/17 * d, three steps) */
static int32_t dp__fx_recip1p(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;                /* >= 0 here  */
    const int32_t half = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);  /* RoundingHalfSum */
    int32_t x = dp__fx_add(1515870810, dp__qmul_high(half, -1010580540)), i;
    for (i = 0; i < 3; i++) {
        const int32_t one_minus = dp__fx_add((int32_t)1 << 29, -dp__qmul_high(half, x));
        x = dp__fx_add(x, dp__fx_shl(dp__qmul_high(x, one_minus), 2));
    }
    return dp__fx_shl(x, 1);
}
static int32_t dp__clz32(uint32_t v)
{
    int32_t n = 0;
    if (!v) return 32;
    while (!(v & 0x80000000u)) { v <<= 1; n++; }
    return n;
}

void dp_softmaxq_s8(int8_t *y, const int8_t *x, const int32_t *exp_tab,
                    int32_t rows, int32_t n)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + r * n;
        int8_t *yr = y + r * n;
        int32_t mx = -128, sum = 0, lz, nbits, scale;
        for (i = 0; i < n; i++)
            if (xr[i] > mx) mx = xr[i];
        /* Q12.19 accumulator: n <= 511 terms of <= 2^19 stay below 2^28 */
        for (i = 0; i < n; i++) sum += dp__qdiv_pot(exp_tab[mx - xr[i]], 12);
        /* GetReciprocal(sum, 12): sum = 2^nbits * (1 + a), a in [0, 1) */
        lz = dp__clz32((uint32_t)sum);                     /* 4..12       */
        nbits = 12 - lz;                                    /* 0..8        */
        scale = dp__fx_recip1p(dp__u2s(((uint32_t)sum << lz) - 0x80000000u));
        for (i = 0; i < n; i++) {
            const int32_t e = exp_tab[mx - xr[i]];
            int32_t v = dp__qdiv_pot(dp__qmul_high(scale, e), nbits + 23) - 128;
            yr[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
        }
    }
}

void dp_lut_s8(int8_t *y, const int8_t *x, const int8_t *table, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++) y[i] = table[(int32_t)x[i] + 128];
}

void dp_mean_s8(int8_t *y, const int8_t *x, int32_t in_zp, int32_t out_zp,
                int32_t mult, int32_t shift, dp_shape in)
{
    const int32_t n = in.h * in.w;
    int32_t c, i;
    for (c = 0; c < in.c; c++) {
        int32_t acc = 0;
        for (i = 0; i < n; i++) acc += (int32_t)x[i * in.c + c] - in_zp;
        acc = dp__qmul(acc, mult, shift);
        if (acc > (1 << 30)) acc = 1 << 30;          /* the clamp hides it */
        if (acc < -(1 << 30)) acc = -(1 << 30);
        acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;   /* C truncation */
        y[c] = dp__clamp8(acc + out_zp, -128, 127);
    }
}

void dp_mul_s8(int8_t *y, const int8_t *x0, const int8_t *x1,
               const dp_qchmul_params *p, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++)
        y[i] = dp__requant(((int32_t)x0[i] - p->x_zp) * ((int32_t)x1[i] - p->s_zp), p->mult,
                           p->shift, p->out_zp, p->act_min, p->act_max);
}

/* ---- >>interp ---- */
static const int32_t *dp__i32(const dp_model *m, uint32_t off)
{
    /* 4-aligned inside a 4-aligned blob, host little-endian: read in place */
    return off ? (const int32_t *)(const void *)(m->blob + off) : NULL;
}

/* One op's operands, decoded from its record by dp__op_run. */
typedef struct dp__run_ctx {
    dp__op op;
    dp__t o, t[DP_MAX_OP_INPUTS];           /* output, inputs          */
    const int8_t *xs[DP_MAX_OP_INPUTS];     /* inputs in the arena     */
    const int8_t *w;                        /* weights or table        */
    const int32_t *bias, *ksum, *mu, *sh;
    int8_t *y;                              /* output in the arena     */
    dp_shape si, so;                        /* input 0, output         */
} dp__run_ctx;

static void dp__run_conv(const dp__run_ctx *c)   /* conv2d, gconv2d, dwconv2d */
{
    const dp__op *op = &c->op;
    dp_qconv_params p;
    p.kh = (int32_t)op->g[0]; p.kw = (int32_t)op->g[1];
    p.stride_h = (int32_t)op->g[2]; p.stride_w = (int32_t)op->g[3];
    p.dil_h = (int32_t)op->g[4]; p.dil_w = (int32_t)op->g[5];
    p.pad_t = (int32_t)op->g[6]; p.pad_l = (int32_t)op->g[7];
    p.pad_b = (int32_t)op->g[8]; p.pad_r = (int32_t)op->g[9];
    p.in_zp = c->t[0].zp; p.out_zp = c->o.zp;
    p.act_min = op->act_min; p.act_max = op->act_max;
    if (op->kind == DP_MOP_CONV2D) dp_conv2d_s8(c->y, c->xs[0], c->w, c->bias, c->ksum, c->mu, c->sh, &p, c->si, c->so);
    else if (op->kind == DP_MOP_GCONV2D)
        dp_gconv2d_s8(c->y, c->xs[0], c->w, c->bias, c->ksum, c->mu, c->sh, &p, op->out_mult, c->si, c->so);
    else if (c->so.c != c->si.c) dp__dwconvm_s8(c->y, c->xs[0], c->w, c->bias, c->mu, c->sh, &p, c->si, c->so);
    else dp_dwconv2d_s8(c->y, c->xs[0], c->w, c->bias, c->mu, c->sh, &p, c->si, c->so);
}

static void dp__run_fc(const dp__run_ctx *c)
{
    dp_qfc_params p;
    p.in_zp = c->t[0].zp; p.out_zp = c->o.zp;
    p.act_min = c->op.act_min; p.act_max = c->op.act_max;
    dp_fc_s8(c->y, c->xs[0], c->w, c->bias, c->ksum, c->mu, c->sh, &p, (int32_t)c->t[0].bytes, c->so.c);
}

static void dp__run_add(const dp__run_ctx *c)
{
    dp_qadd_params p;
    uint32_t i;
    dp__zero(&p, sizeof p);
    p.n = (int32_t)c->op.n_in;
    for (i = 0; i < c->op.n_in; i++) {
        p.in_zp[i] = c->t[i].zp;
        p.in_mult[i] = c->mu[i];
        p.in_shift[i] = c->sh[i];
    }
    p.out_zp = c->o.zp; p.out_mult = c->op.out_mult; p.out_shift = c->op.out_shift;
    p.act_min = c->op.act_min; p.act_max = c->op.act_max;
    dp_add_s8(c->y, c->xs, &p, (int32_t)c->o.bytes);
}

static void dp__run_pool(const dp__run_ctx *c)   /* maxpool, avgpool */
{
    const dp__op *op = &c->op;
    dp_qpool_params p;
    p.kh = (int32_t)op->g[0]; p.kw = (int32_t)op->g[1];
    p.stride_h = (int32_t)op->g[2]; p.stride_w = (int32_t)op->g[3];
    p.pad_t = (int32_t)op->g[6]; p.pad_l = (int32_t)op->g[7];
    p.pad_b = (int32_t)op->g[8]; p.pad_r = (int32_t)op->g[9];
    p.act_min = op->act_min; p.act_max = op->act_max;
    if (op->kind == DP_MOP_MAXPOOL) dp_maxpool_s8(c->y, c->xs[0], &p, c->si, c->so);
    else dp_avgpool_s8(c->y, c->xs[0], &p, c->si, c->so);
}

static void dp__run_mul(const dp__run_ctx *c)   /* chmul (per channel), mul (element-wise) */
{
    dp_qchmul_params p;
    p.x_zp = c->t[0].zp; p.s_zp = c->t[1].zp; p.out_zp = c->o.zp;
    p.mult = c->op.out_mult; p.shift = c->op.out_shift;
    p.act_min = c->op.act_min; p.act_max = c->op.act_max;
    if (c->op.kind == DP_MOP_CHMUL) dp_chmul_s8(c->y, c->xs[0], c->xs[1], &p, c->si);
    else dp_mul_s8(c->y, c->xs[0], c->xs[1], &p, (int32_t)c->o.bytes);
}

static void dp__run_concat(const dp__run_ctx *c)
{
    dp_qconcat_params p;
    uint32_t i;
    dp__zero(&p, sizeof p);
    p.n = (int32_t)c->op.n_in;
    for (i = 0; i < c->op.n_in; i++) {
        p.in_c[i] = (int32_t)c->t[i].c;
        p.in_zp[i] = c->t[i].zp;
        p.mult[i] = c->mu[i];
        p.shift[i] = c->sh[i];
    }
    p.out_zp = c->o.zp;
    dp_concat_s8(c->y, c->xs, &p, c->so.h * c->so.w);
}

static void dp__op_run(const dp_model *m, int8_t *arena, uint32_t k)
{
    dp__run_ctx c;
    uint32_t i;
    dp__op_get(m, k, &c.op);
    dp__t_get(m, c.op.out, &c.o);
    for (i = 0; i < c.op.n_in; i++) {
        dp__t_get(m, c.op.in[i], &c.t[i]);
        c.xs[i] = arena + c.t[i].off;
    }
    c.y = arena + c.o.off;
    c.si = dp__shape(&c.t[0]);
    c.so = dp__shape(&c.o);
    c.w = c.op.w_off ? (const int8_t *)(m->blob + c.op.w_off) : NULL;
    c.bias = dp__i32(m, c.op.b_off);
    c.ksum = dp__i32(m, c.op.k_off);
    c.mu = dp__i32(m, c.op.m_off);
    c.sh = dp__i32(m, c.op.s_off);

    switch (c.op.kind) {
    case DP_MOP_CONV2D: case DP_MOP_GCONV2D: case DP_MOP_DWCONV2D: dp__run_conv(&c); break;
    case DP_MOP_FC: dp__run_fc(&c); break;
    case DP_MOP_ADD: dp__run_add(&c); break;
    case DP_MOP_MAXPOOL: case DP_MOP_AVGPOOL: dp__run_pool(&c); break;
    case DP_MOP_GAP: dp_gap_s8(c.y, c.xs[0], c.op.act_min, c.op.act_max, c.si); break;
    case DP_MOP_CHMUL: case DP_MOP_MUL: dp__run_mul(&c); break;
    case DP_MOP_CONCAT: dp__run_concat(&c); break;
    case DP_MOP_SOFTMAX: dp_softmax_s8(c.y, c.xs[0], (const uint16_t *)(const void *)c.w, c.so.h * c.so.w, c.so.c); break;
    case DP_MOP_SOFTMAXQ: dp_softmaxq_s8(c.y, c.xs[0], (const int32_t *)(const void *)c.w, c.so.h * c.so.w, c.so.c); break;
    case DP_MOP_LUT: dp_lut_s8(c.y, c.xs[0], c.w, (int32_t)c.o.bytes); break;
    case DP_MOP_MEAN: dp_mean_s8(c.y, c.xs[0], c.t[0].zp, c.o.zp, c.op.out_mult, c.op.out_shift, c.si); break;
    default: break;   /* unreachable: dp_model_init refused it */
    }
}

int dp_model_run(const dp_model *m, void *arena, size_t arena_len)
{
    uint32_t k;
    if (!m || m->ready != DP__READY || !arena || arena_len < m->arena_size) return DP_ERR_ARG;
    for (k = 0; k < m->n_ops; k++) dp__op_run(m, (int8_t *)arena, k);
    return DP_OK;
}

/* ---- >>mfcc  fixed-point MFCC front-end (see >>api_mfcc) ----
   Scaling, per frame: v = x * hann (Q30, |v| < 2^45) is normalised by a
   shift a to |v| < 2^20; the 1024-point real FFT runs as a 512-point
   complex FFT (radix 2, Q30 twiddles, no per-stage scaling: 9 stages grow
   |z| to < 2^29.5) and a split step that yields 2X[k] (< 2^31.5, in int64)
   and its power P < 2^64 for the 257 bins up to 4 kHz. Each mel band sums
   its Q15-weighted P >> s (s puts the band's largest P below 2^44, sum <
   2^63), so quiet bands keep their precision next to loud ones. Then
   E_true = E * 2^(s - 15 - 2(31 + a)), log2 E by table (Q16), and the DCT
   table (Q24) folds in ln 2 and the output gains. The tables below are
   computed in float64 by tests/test_mfcc.c (--tables), which also checks
   that they match. */
static const int32_t dp__mfcc_hann[321] = {   /* 2^30 (0.5 - 0.5 cos(2 pi i / 640)) */
    0, 25872, 103487, 232836, 413908, 646685, 931143, 1267257,
    1654994, 2094316, 2585180, 3127540, 3721344, 4366533, 5063047, 5810817,
    6609772, 7459834, 8360923, 9312950, 10315824, 11369449, 12473722, 13628539,
    14833786, 16089348, 17395105, 18750929, 20156691, 21612255, 23117481, 24672224,
    26276333, 27929654, 29632028, 31383291, 33183274, 35031803, 36928701, 38873784,
    40866865, 42907752, 44996248, 47132152, 49315258, 51545356, 53822230, 56145662,
    58515427, 60931297, 63393038, 65900415, 68453185, 71051102, 73693915, 76381371,
    79113209, 81889167, 84708978, 87572368, 90479063, 93428782, 96421241, 99456151,
    102533220, 105652152, 108812645, 112014396, 115257095, 118540430, 121864085, 125227739,
    128631068, 132073744, 135555435, 139075806, 142634517, 146231225, 149865584, 153537244,
    157245850, 160991044, 164772468, 168589754, 172442537, 176330443, 180253100, 184210128,
    188201146, 192225770, 196283611, 200374279, 204497379, 208652514, 212839283, 217057283,
    221306108, 225585347, 229894588, 234233417, 238601414, 242998160, 247423229, 251876196,
    256356631, 260864103, 265398177, 269958416, 274544380, 279155629, 283791716, 288452196,
    293136618, 297844533, 302575485, 307329019, 312104677, 316901998, 321720520, 326559779,
    331419309, 336298640, 341197302, 346114824, 351050732, 356004549, 360975799, 365964001,
    370968676, 375989341, 381025513, 386076704, 391142430, 396222201, 401315529, 406421921,
    411540887, 416671932, 421814562, 426968281, 432132593, 437307000, 442491003, 447684102,
    452885798, 458095588, 463312971, 468537444, 473768502, 479005643, 484248360, 489496150,
    494748506, 500004921, 505264890, 510527905, 515793459, 521061044, 526330154, 531600279,
    536870912, 542141545, 547411670, 552680780, 557948365, 563213919, 568476934, 573736903,
    578993318, 584245674, 589493464, 594736181, 599973322, 605204380, 610428853, 615646236,
    620856026, 626057722, 631250821, 636434824, 641609231, 646773543, 651927262, 657069892,
    662200937, 667319903, 672426295, 677519623, 682599394, 687665120, 692716311, 697752483,
    702773148, 707777823, 712766025, 717737275, 722691092, 727627000, 732544522, 737443184,
    742322515, 747182045, 752021304, 756839826, 761637147, 766412805, 771166339, 775897291,
    780605206, 785289628, 789950108, 794586195, 799197444, 803783408, 808343647, 812877721,
    817385193, 821865628, 826318595, 830743664, 835140410, 839508407, 843847236, 848156477,
    852435716, 856684541, 860902541, 865089310, 869244445, 873367545, 877458213, 881516054,
    885540678, 889531696, 893488724, 897411381, 901299287, 905152070, 908969356, 912750780,
    916495974, 920204580, 923876240, 927510599, 931107307, 934666018, 938186389, 941668080,
    945110756, 948514085, 951877739, 955201394, 958484729, 961727428, 964929179, 968089672,
    971208604, 974285673, 977320583, 980313042, 983262761, 986169456, 989032846, 991852657,
    994628615, 997360453, 1000047909, 1002690722, 1005288639, 1007841409, 1010348786, 1012810527,
    1015226397, 1017596162, 1019919594, 1022196468, 1024426566, 1026609672, 1028745576, 1030834072,
    1032874959, 1034868040, 1036813123, 1038710021, 1040558550, 1042358533, 1044109796, 1045812170,
    1047465491, 1049069600, 1050624343, 1052129569, 1053585133, 1054990895, 1056346719, 1057652476,
    1058908038, 1060113285, 1061268102, 1062372375, 1063426000, 1064428874, 1065380901, 1066281990,
    1067132052, 1067931007, 1068678777, 1069375291, 1070020480, 1070614284, 1071156644, 1071647508,
    1072086830, 1072474567, 1072810681, 1073095139, 1073327916, 1073508988, 1073638337, 1073715952,
    1073741824
};
static const int32_t dp__mfcc_cos[257] = {   /* 2^30 cos(2 pi k / 1024) */
    1073741824,     1073721611,     1073660973,     1073559913,     1073418433,     1073236540,     1073014240,     1072751542,     1072448455,     1072104991,
    1071721163,     1071296985,     1070832474,     1070327646,     1069782521,     1069197120,     1068571464,     1067905576,     1067199483,     1066453210,
    1065666786,     1064840240,     1063973603,     1063066909,     1062120190,     1061133483,     1060106826,     1059040255,     1057933813,     1056787540,
    1055601479,     1054375676,     1053110176,     1051805027,     1050460278,     1049075980,     1047652185,     1046188946,     1044686319,     1043144360,
    1041563127,     1039942680,     1038283080,     1036584389,     1034846671,     1033069992,     1031254418,     1029400018,     1027506862,     1025575020,
    1023604567,     1021595575,     1019548121,     1017462281,     1015338134,     1013175761,     1010975242,     1008736660,     1006460100,     1004145648,
    1001793390,     999403415,     996975812,     994510675,     992008094,     989468165,     986890984,     984276646,     981625251,     978936898,
    976211688,     973449725,     970651112,     967815955,     964944360,     962036435,     959092290,     956112036,     953095785,     950043650,
    946955747,     943832191,     940673101,     937478595,     934248793,     930983817,     927683790,     924348837,     920979082,     917574653,
    914135678,     910662286,     907154608,     903612776,     900036924,     896427186,     892783698,     889106597,     885396022,     881652112,
    877875009,     874064853,     870221790,     866345964,     862437520,     858496606,     854523370,     850517961,     846480531,     842411232,
    838310216,     834177638,     830013654,     825818421,     821592095,     817334838,     813046808,     808728167,     804379079,     799999706,
    795590213,     791150767,     786681534,     782182683,     777654384,     773096806,     768510122,     763894504,     759250125,     754577161,
    749875788,     745146182,     740388522,     735602987,     730789757,     725949013,     721080937,     716185713,     711263525,     706314559,
    701339000,     696337036,     691308855,     686254647,     681174602,     676068911,     670937767,     665781362,     660599890,     655393548,
    650162530,     644907034,     639627258,     634323400,     628995660,     623644239,     618269338,     612871159,     607449906,     602005783,
    596538995,     591049748,     585538248,     580004702,     574449320,     568872310,     563273883,     557654248,     552013618,     546352205,
    540670223,     534967884,     529245404,     523502998,     517740883,     511959275,     506158392,     500338453,     494499676,     488642281,
    482766489,     476872522,     470960600,     465030947,     459083786,     453119340,     447137835,     441139496,     435124548,     429093217,
    423045732,     416982319,     410903207,     404808624,     398698801,     392573967,     386434353,     380280190,     374111709,     367929144,
    361732726,     355522689,     349299266,     343062693,     336813204,     330551034,     324276419,     317989595,     311690799,     305380268,
    299058239,     292724951,     286380643,     280025552,     273659918,     267283981,     260897982,     254502159,     248096755,     241682010,
    235258165,     228825464,     222384147,     215934457,     209476638,     203010932,     196537583,     190056834,     183568930,     177074115,
    170572633,     164064728,     157550647,     151030634,     144504935,     137973796,     131437462,     124896179,     118350194,     111799753,
    105245103,     98686491,     92124163,     85558366,     78989349,     72417357,     65842639,     59265442,     52686014,     46104602,
    39521455,     32936819,     26350943,     19764076,     13176464,     6588356,     0
};
static const uint8_t dp__mfcc_mel_start[DP_MFCC_MELS] = {
    2,     4,     6,     9,     11,     14,     16,     19,     22,     25,
    29,     32,     35,     39,     43,     47,     52,     56,     61,     66,
    71,     76,     82,     88,     94,     100,     107,     114,     122,     129,
    138,     146,     155,     164,     174,     184,     195,     206,     218,     230
};
static const uint8_t dp__mfcc_mel_len[DP_MFCC_MELS] = {
    4,     5,     5,     5,     5,     5,     6,     6,     7,     7,
    6,     7,     8,     8,     9,     9,     9,     10,     10,     10,
    11,     12,     12,     12,     13,     14,     15,     15,     16,     17,
    17,     18,     19,     20,     21,     22,     23,     24,     25,     26
};
static const uint16_t dp__mfcc_mel_w[493] = {   /* Q15, band after band */
    11103,     26243,     24466,     9939,     8302,     22829,     28470,     14510,     817,     4298,
    18258,     31951,     20149,     6960,     12619,     25808,     26778,     14058,     1560,     5990,
    18710,     31208,     22045,     9968,     10723,     22800,     30860,     19177,     7683,     1908,
    13591,     25085,     29137,     18000,     7033,     3631,     14768,     25735,     29000,     18359,
    7874,     3768,     14409,     24894,     30308,     20121,     10077,     172,     2460,     12647,
    22691,     32596,     23170,     13532,     4021,     9598,     19236,     28747,     27404,     18139,
    8994,     5364,     14629,     23774,     32731,     23813,     15004,     6303,     37,     8955,
    17764,     26465,     30474,     21979,     13583,     5285,     2294,     10789,     19185,     27483,
    29850,     21740,     13721,     5790,     2918,     11028,     19047,     26978,     30715,     22956,
    15280,     7686,     172,     2053,     9812,     17488,     25082,     32596,     25503,     18143,
    10858,     3647,     7265,     14625,     21910,     29121,     29275,     22205,     15205,     8273,
    1407,     3493,     10563,     17563,     24495,     31361,     27374,     20637,     13963,     7351,
    799,     5394,     12131,     18805,     25417,     31969,     27074,     20640,     14263,     7942,
    1677,     5694,     12128,     18505,     24826,     31091,     28234,     22077,     15972,     9918,
    3915,     4534,     10691,     16796,     22850,     28853,     30731,     24827,     18971,     13163,
    7402,     1687,     2037,     7941,     13797,     19605,     25366,     31081,     28785,     23159,
    17578,     12039,     6543,     1089,     3983,     9609,     15190,     20729,     26225,     31679,
    28444,     23072,     17740,     12447,     7193,     1977,     4324,     9696,     15028,     20321,
    25575,     30791,     29567,     24426,     19322,     14254,     9221,     4224,     3201,     8342,
    13446,     18514,     23547,     28544,     32029,     27101,     22206,     17344,     12515,     7719,
    2954,     739,     5667,     10562,     15424,     20253,     25049,     29814,     30989,     26287,
    21616,     16975,     12363,     7782,     3229,     1779,     6481,     11152,     15793,     20405,
    24986,     29539,     31473,     26978,     22510,     18071,     13658,     9273,     4914,     582,
    1295,     5790,     10258,     14697,     19110,     23495,     27854,     32186,     29044,     24764,
    20508,     16279,     12074,     7893,     3737,     3724,     8004,     12260,     16489,     20694,
    24875,     29031,     32373,     28264,     24179,     20117,     16078,     12061,     8067,     4096,
    146,     395,     4504,     8589,     12651,     16690,     20707,     24701,     28672,     32622,
    28985,     25079,     21193,     17328,     13484,     9661,     5858,     2075,     3783,     7689,
    11575,     15440,     19284,     23107,     26910,     30693,     31080,     27336,     23612,     19908,
    16222,     12555,     8907,     5278,     1666,     1688,     5432,     9156,     12860,     16546,
    20213,     23861,     27490,     31102,     30841,     27266,     23708,     20168,     16646,     13141,
    9653,     6181,     2727,     1927,     5502,     9060,     12600,     16122,     19627,     23115,
    26587,     30041,     32057,     28635,     25230,     21841,     18468,     15111,     11769,     8443,
    5132,     1836,     711,     4133,     7538,     10927,     14300,     17657,     20999,     24325,
    27636,     30932,     31324,     28058,     24808,     21572,     18350,     15143,     11951,     8772,
    5608,     2457,     1444,     4710,     7960,     11196,     14418,     17625,     20817,     23996,
    27160,     30311,     32088,     28965,     25856,     22760,     19677,     16607,     13551,     10508,
    7477,     4459,     1454,     680,     3803,     6912,     10008,     13091,     16161,     19217,
    22260,     25291,     28309,     31314,     31230,     28249,     25282,     22326,     19383,     16452,
    13532,     10625,     7729,     4845,     1972,     1538,     4519,     7486,     10442,     13385,
    16316,     19236,     22143,     25039,     27923,     30796,     31879,     29030,     26191,     23364,
    20548,     17743,     14949,     12166,     9393,     6631,     3880,     1140,     889,     3738,
    6577,     9404,     12220,     15025,     17819,     20602,     23375,     26137,     28888,     31628,
    31178,     28458,     25748,     23049,     20360,     17681,     15012,     12352,     9703,     7064,
    4434,     1813,     1590,     4310,     7020,     9719,     12408,     15087,     17756,     20416,
    23065,     25704,     28334,     30955,     31971,     29369,     26778,     24195,     21622,     19058,
    16503,     13957,     11421,     8893,     6374,     3864,     1363,     797,     3399,     5990,
    8573,     11146,     13710,     16265,     18811,     21347,     23875,     26394,     28904,     31405,
    31638,     29154,     26679,     24212,     21754,     19304,     16862,     14429,     12004,     9587,
    7178,     4777,     2385
};
static const uint32_t dp__mfcc_log2[129] = {   /* 2^16 log2(1 + i/128) */
    0,     736,     1466,     2190,     2909,     3623,     4331,     5034,     5732,     6425,
    7112,     7795,     8473,     9146,     9814,     10477,     11136,     11791,     12440,     13086,
    13727,     14363,     14996,     15624,     16248,     16868,     17484,     18096,     18704,     19308,
    19909,     20505,     21098,     21687,     22272,     22854,     23433,     24007,     24579,     25146,
    25711,     26272,     26830,     27384,     27936,     28484,     29029,     29571,     30109,     30645,
    31178,     31707,     32234,     32758,     33279,     33797,     34312,     34825,     35334,     35841,
    36346,     36847,     37346,     37842,     38336,     38827,     39316,     39802,     40286,     40767,
    41246,     41722,     42196,     42667,     43137,     43603,     44068,     44530,     44990,     45448,
    45904,     46357,     46809,     47258,     47705,     48150,     48593,     49034,     49472,     49909,
    50344,     50776,     51207,     51636,     52063,     52488,     52911,     53332,     53751,     54169,
    54584,     54998,     55410,     55820,     56229,     56635,     57040,     57443,     57845,     58245,
    58643,     59039,     59434,     59827,     60219,     60609,     60997,     61384,     61769,     62152,
    62534,     62915,     63294,     63671,     64047,     64421,     64794,     65166,     65536
};
static const int32_t dp__mfcc_dct[DP_MFCC_COEFFS * DP_MFCC_MELS] = {
    2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,
    2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,
    2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,
    2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,     2298399,
    7795010,     7746951,     7651130,     7508136,     7318853,     7084447,     6806362,     6486314,     6126276,     5728468,
    5295341,     4829567,     4334017,     3811746,     3265975,     2700067,     2117513,     1521904,     916912,     306267,
    -306267,     -916912,     -1521904,     -2117513,     -2700067,     -3265975,     -3811746,     -4334017,     -4829567,     -5295341,
    -5728468,     -6126276,     -6486314,     -6806362,     -7084447,     -7318853,     -7508136,     -7651130,     -7746951,     -7795010,
    7776976,     7585481,     7207206,     6651466,     5931945,     5066360,     4076024,     2985323,     1821113,     612061,
    -612061,     -1821113,     -2985323,     -4076024,     -5066360,     -5931945,     -6651466,     -7207206,     -7585481,     -7776976,
    -7776976,     -7585481,     -7207206,     -6651466,     -5931945,     -5066360,     -4076024,     -2985323,     -1821113,     -612061,
    612061,     1821113,     2985323,     4076024,     5066360,     5931945,     6651466,     7207206,     7585481,     7776976,
    7746951,     7318853,     6486314,     5295341,     3811746,     2117513,     306267,     -1521904,     -3265975,     -4829567,
    -6126276,     -7084447,     -7651130,     -7795010,     -7508136,     -6806362,     -5728468,     -4334017,     -2700067,     -916912,
    916912,     2700067,     4334017,     5728468,     6806362,     7508136,     7795010,     7651130,     7084447,     6126276,
    4829567,     3265975,     1521904,     -306267,     -2117513,     -3811746,     -5295341,     -6486314,     -7318853,     -7746951,
    7704980,     6950763,     5516157,     3541591,     1220349,     -1220349,     -3541591,     -5516157,     -6950763,     -7704980,
    -7704980,     -6950763,     -5516157,     -3541591,     -1220349,     1220349,     3541591,     5516157,     6950763,     7704980,
    7704980,     6950763,     5516157,     3541591,     1220349,     -1220349,     -3541591,     -5516157,     -6950763,     -7704980,
    -7704980,     -6950763,     -5516157,     -3541591,     -1220349,     1220349,     3541591,     5516157,     6950763,     7704980,
    7651130,     6486314,     4334017,     1521904,     -1521904,     -4334017,     -6486314,     -7651130,     -7651130,     -6486314,
    -4334017,     -1521904,     1521904,     4334017,     6486314,     7651130,     7651130,     6486314,     4334017,     1521904,
    -1521904,     -4334017,     -6486314,     -7651130,     -7651130,     -6486314,     -4334017,     -1521904,     1521904,     4334017,
    6486314,     7651130,     7651130,     6486314,     4334017,     1521904,     -1521904,     -4334017,     -6486314,     -7651130,
    7585481,     5931945,     2985323,     -612061,     -4076024,     -6651466,     -7776976,     -7207206,     -5066360,     -1821113,
    1821113,     5066360,     7207206,     7776976,     6651466,     4076024,     612061,     -2985323,     -5931945,     -7585481,
    -7585481,     -5931945,     -2985323,     612061,     4076024,     6651466,     7776976,     7207206,     5066360,     1821113,
    -1821113,     -5066360,     -7207206,     -7776976,     -6651466,     -4076024,     -612061,     2985323,     5931945,     7585481,
    7508136,     5295341,     1521904,     -2700067,     -6126276,     -7746951,     -7084447,     -4334017,     -306267,     3811746,
    6806362,     7795010,     6486314,     3265975,     -916912,     -4829567,     -7318853,     -7651130,     -5728468,     -2117513,
    2117513,     5728468,     7651130,     7318853,     4829567,     916912,     -3265975,     -6486314,     -7795010,     -6806362,
    -3811746,     306267,     4334017,     7084447,     7746951,     6126276,     2700067,     -1521904,     -5295341,     -7508136,
    7419215,     4585327,     0,     -4585327,     -7419215,     -7419215,     -4585327,     0,     4585327,     7419215,
    7419215,     4585327,     0,     -4585327,     -7419215,     -7419215,     -4585327,     0,     4585327,     7419215,
    7419215,     4585327,     0,     -4585327,     -7419215,     -7419215,     -4585327,     0,     4585327,     7419215,
    7419215,     4585327,     0,     -4585327,     -7419215,     -7419215,     -4585327,     0,     4585327,     7419215,
    7318853,     3811746,     -1521904,     -6126276,     -7795010,     -5728468,     -916912,     4334017,     7508136,     7084447,
    3265975,     -2117513,     -6486314,     -7746951,     -5295341,     -306267,     4829567,     7651130,     6806362,     2700067,
    -2700067,     -6806362,     -7651130,     -4829567,     306267,     5295341,     7746951,     6486314,     2117513,     -3265975,
    -7084447,     -7508136,     -4334017,     916912,     5728468,     7795010,     6126276,     1521904,     -3811746,     -7318853
};
#define DP__MFCC_OFF0 ((int64_t)225 << 39)      /* 1.25 * 90 in Q40 */

/* floor(x / 2^e) for int64, portable */
static int64_t dp__asr64(int64_t x, int e) { return x >= 0 ? x >> e : ~(~x >> e); }
static int dp__bitlen64(uint64_t v)
{
    int n = 0;
    if (v >> 32) { n += 32; v >>= 32; }
    if (v >> 16) { n += 16; v >>= 16; }
    if (v >> 8) { n += 8; v >>= 8; }
    if (v >> 4) { n += 4; v >>= 4; }
    if (v >> 2) { n += 2; v >>= 2; }
    if (v >> 1) { n += 1; v >>= 1; }
    return n + (int)v;
}
/* cos and -sin of 2 pi k / 1024 for k in [0, 512), Q30 */
static void dp__mfcc_tw(int k, int32_t *c, int32_t *s)
{
    if (k <= 256) { *c = dp__mfcc_cos[k]; *s = -dp__mfcc_cos[256 - k]; }
    else { *c = -dp__mfcc_cos[512 - k]; *s = -dp__mfcc_cos[k - 256]; }
}
/* 2^16 log2(v), v > 0 */
static int32_t dp__mfcc_log2q16(uint64_t v)
{
    const int e = dp__bitlen64(v) - 1;
    const uint64_t m = v << (63 - e);                      /* top bit set */
    const uint32_t i = (uint32_t)(m >> 56) & 127u;
    const uint32_t f = (uint32_t)(m >> 40) & 0xFFFFu;
    const uint32_t t0 = dp__mfcc_log2[i], t1 = dp__mfcc_log2[i + 1];
    return (int32_t)e * 65536 + (int32_t)(t0 + (((t1 - t0) * f + 32768u) >> 16));
}
/* 512-point complex FFT in place on interleaved (re, im) int32, decimation
   in time; twiddles exp(-2 pi i k / 512) = entry 2k of the 1024 table */
static void dp__mfcc_fft512(int32_t *z)
{
    int i, j, len;
    for (i = 0, j = 0; i < 512; i++) {          /* bit-reversal permutation */
        int bit;
        if (i < j) {
            int32_t t = z[2 * i]; z[2 * i] = z[2 * j]; z[2 * j] = t;
            t = z[2 * i + 1]; z[2 * i + 1] = z[2 * j + 1]; z[2 * j + 1] = t;
        }
        for (bit = 256; bit && (j & bit); bit >>= 1) j ^= bit;
        j |= bit;
    }
    for (len = 2; len <= 512; len <<= 1) {
        const int half = len >> 1, step = 1024 / len;
        int s0, k;
        for (k = 0; k < half; k++) {
            int32_t wr, wi;
            dp__mfcc_tw(k * step, &wr, &wi);
            for (s0 = k; s0 < 512; s0 += len) {
                int32_t *p = z + 2 * s0, *q = z + 2 * (s0 + half);
                const int32_t tr = (int32_t)dp__asr64((int64_t)q[0] * wr - (int64_t)q[1] * wi + ((int64_t)1 << 29), 30);
                const int32_t ti = (int32_t)dp__asr64((int64_t)q[0] * wi + (int64_t)q[1] * wr + ((int64_t)1 << 29), 30);
                q[0] = p[0] - tr; q[1] = p[1] - ti;
                p[0] += tr; p[1] += ti;
            }
        }
    }
}

int dp_mfcc_frame(const int16_t *x, int8_t *out, int32_t *work)
{
    int32_t *z = work, L[DP_MFCC_MELS];
    uint64_t mx = 0;
    int i, m, n, a;
    if (!x || !out || !work) return DP_ERR_ARG;
    /* 1. window (Q30, |x w| < 2^45) and normalise by 2^a to |v| < 2^20;
          the real frame packs into 512 complex values as is */
    for (i = 0; i < DP_MFCC_WINDOW; i++) {
        const int64_t v = (int64_t)x[i] * dp__mfcc_hann[i <= 320 ? i : 640 - i];
        const uint64_t av = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        if (av > mx) mx = av;
    }
    if (mx == 0) {                               /* digital silence: floor */
        for (m = 0; m < DP_MFCC_MELS; m++) L[m] = 0;
        goto dct;
    }
    a = 20 - dp__bitlen64(mx);
    for (i = 0; i < DP_MFCC_WINDOW; i++) {
        const int64_t v = (int64_t)x[i] * dp__mfcc_hann[i <= 320 ? i : 640 - i];
        z[i] = (int32_t)(a >= 0 ? v * ((int64_t)1 << a) : dp__asr64(v + ((int64_t)1 << (-a - 1)), -a));
    }
    for (; i < DP_MFCC_FFT; i++) z[i] = 0;
    /* 2. FFT, then the real split 2X[k] = (Z[k] + conj Z[512-k])
          - i W^k (Z[k] - conj Z[512-k]), W = exp(-2 pi i / 1024), and the
          power |2X[k]|^2 (< 2^64) stored as two words in slot k, k <= 256 */
    dp__mfcc_fft512(z);
    for (i = 256; i >= 0; i--) {
        const int j = (512 - i) & 511;
        const int64_t zr = z[2 * i], zi = z[2 * i + 1];
        const int64_t cr = z[2 * j], ci = -(int64_t)z[2 * j + 1];
        const int64_t sr = zr + cr, si = zi + ci;      /* Z[k] + conj Z[512-k] */
        const int64_t dr = zr - cr, di = zi - ci;      /* Z[k] - conj Z[512-k] */
        int32_t wr, wi;                                /* W^k = wr + i wi      */
        int64_t re, im;
        uint64_t p;
        dp__mfcc_tw(i, &wr, &wi);
        /* -i W d = (wr di + wi dr) - i (wr dr - wi di) */
        re = sr + dp__asr64(wr * di + wi * dr + ((int64_t)1 << 29), 30);
        im = si - dp__asr64(wr * dr - wi * di + ((int64_t)1 << 29), 30);
        p = (uint64_t)(re * re) + (uint64_t)(im * im);
        z[2 * i] = dp__u2s((uint32_t)p);
        z[2 * i + 1] = dp__u2s((uint32_t)(p >> 32));
    }
    /* 3. mel bands, each in its own block exponent s, then log2 */
    {
        const uint16_t *w = dp__mfcc_mel_w;
        const int32_t unit = (15 + 2 * (31 + a)) * 65536;     /* log2 of E = 1 */
#define DP__MFCC_P(k) (((uint64_t)(uint32_t)z[2 * (k) + 1] << 32) | (uint32_t)z[2 * (k)])
        for (m = 0; m < DP_MFCC_MELS; m++) {
            uint64_t e = 0, pm = 0;
            const int s0 = dp__mfcc_mel_start[m], len = dp__mfcc_mel_len[m];
            int s;
            for (i = 0; i < len; i++) if (DP__MFCC_P(s0 + i) > pm) pm = DP__MFCC_P(s0 + i);
            s = dp__bitlen64(pm) - 44;
            if (s < 0) s = 0;
            for (i = 0; i < len; i++) e += (DP__MFCC_P(s0 + i) >> s) * w[i];
            w += len;
            L[m] = 0;
            if (e) {
                const int32_t l = dp__mfcc_log2q16(e) + s * 65536 - unit;
                if (l > 0) L[m] = l;
            }
        }
#undef DP__MFCC_P
    }
dct:
    /* 4. DCT (Q24 table with ln 2 and the gains) and int8 output */
    for (n = 0; n < DP_MFCC_COEFFS; n++) {
        int64_t acc = (int64_t)1 << 39;
        int32_t q;
        for (m = 0; m < DP_MFCC_MELS; m++) acc += (int64_t)dp__mfcc_dct[n * DP_MFCC_MELS + m] * L[m];
        if (n == 0) acc -= DP__MFCC_OFF0;
        acc = dp__asr64(acc, 40);
        q = acc < -128 ? -128 : acc > 127 ? 127 : (int32_t)acc;
        out[n] = (int8_t)q;
    }
    return DP_OK;
}

int dp_mfcc(const int16_t *audio, int n, int8_t *out, int out_cap, int32_t *work)
{
    int f, frames;
    if (!audio || !out || !work) return DP_ERR_ARG;
    frames = DP_MFCC_FRAMES(n);
    if (frames <= 0 || out_cap < frames * DP_MFCC_COEFFS) return DP_ERR_SHAPE;
    for (f = 0; f < frames; f++)
        dp_mfcc_frame(audio + f * DP_MFCC_HOP, out + f * DP_MFCC_COEFFS, work);
    return frames;
}

#ifndef DIFFPRUNE_INFERENCE_ONLY
/* ====================================================================== */
/* >>impl_host   reference kernels, quantisation helpers, builder   */
/* ====================================================================== */
#include <math.h>
#include <string.h>
#include <stdlib.h>
#ifndef DP_MALLOC
#define DP_MALLOC(sz) malloc(sz)
#define DP_CALLOC(n, sz) calloc(n, sz)
#define DP_REALLOC(p, sz) realloc(p, sz)
#define DP_FREE(p) free(p)
#endif

/* ---- >>grow  the one growable-array helper (hosted) ----
   Room for `need` elements of `elem` bytes in block p, which holds *cap:
   p itself when it is big enough, else p grown (DP_REALLOC) to a capacity
   doubled from *cap (16 at first) until it holds need, with *cap updated.
   NULL on overflow or no memory: p and *cap are untouched and p is still
   the caller's to free. Parallel arrays that share one capacity: grow each
   from the same old capacity (the new one is the same for all). */
static void *dp__grow(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t nc = *cap ? *cap : 16;
    void *q;
    if (need <= *cap && p) return p;
    while (nc < need) {
        if (nc > ((size_t)-1 >> 1)) return NULL;
        nc *= 2;
    }
    if (elem && nc > (size_t)-1 / elem) return NULL;
    q = DP_REALLOC(p, nc * elem);
    if (q) *cap = nc;
    return q;
}

/* the same for an int capacity (at most INT32_MAX elements) */
static void *dp__grow_int(void *p, int *cap, int need, size_t elem)
{
    size_t c = *cap > 0 ? (size_t)*cap : 0;
    void *q;
    if (need < 0 || need > INT32_MAX / 2) return NULL;
    q = dp__grow(p, &c, (size_t)need, elem);
    if (q) *cap = (int)c;
    return q;
}

/* ---- >>ref  reference kernels: the formulas, written out plainly ---- */
void dp_conv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                      const int32_t *bias, const int32_t *mult,
                      const int32_t *shift, const dp_qconv_params *p,
                      dp_shape in, dp_shape out)
{
    int32_t oy, ox, co, ky, kx, ci;
    for (oy = 0; oy < out.h; oy++)
        for (ox = 0; ox < out.w; ox++)
            for (co = 0; co < out.c; co++) {
                int32_t acc = 0;
                for (ky = 0; ky < p->kh; ky++)
                    for (kx = 0; kx < p->kw; kx++) {
                        const int32_t iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
                        const int32_t ix = ox * p->stride_w - p->pad_l + kx * p->dil_w;
                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                        for (ci = 0; ci < in.c; ci++)
                            acc += (x[(iy * in.w + ix) * in.c + ci] - p->in_zp) *
                                   w[((co * p->kh + ky) * p->kw + kx) * in.c + ci];
                    }
                if (bias) acc = dp__wadd(acc, bias[co]);
                y[(oy * out.w + ox) * out.c + co] =
                    dp__requant(acc, mult[co], shift[co], p->out_zp, p->act_min, p->act_max);
            }
}

void dp_dwconv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                        const int32_t *bias, const int32_t *mult,
                        const int32_t *shift, const dp_qconv_params *p,
                        dp_shape in, dp_shape out)
{
    int32_t oy, ox, c, ky, kx;
    for (oy = 0; oy < out.h; oy++)
        for (ox = 0; ox < out.w; ox++)
            for (c = 0; c < out.c; c++) {
                int32_t acc = 0;
                for (ky = 0; ky < p->kh; ky++)
                    for (kx = 0; kx < p->kw; kx++) {
                        const int32_t iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
                        const int32_t ix = ox * p->stride_w - p->pad_l + kx * p->dil_w;
                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                        acc += (x[(iy * in.w + ix) * in.c + c / (out.c / in.c)] - p->in_zp) *
                               w[(ky * p->kw + kx) * out.c + c];
                    }
                if (bias) acc = dp__wadd(acc, bias[c]);
                y[(oy * out.w + ox) * out.c + c] =
                    dp__requant(acc, mult[c], shift[c], p->out_zp, p->act_min, p->act_max);
            }
}

void dp_gconv2d_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *mult,
                       const int32_t *shift, const dp_qconv_params *p,
                       int32_t groups, dp_shape in, dp_shape out)
{
    const int32_t cg = in.c / groups, og = out.c / groups;
    int32_t oy, ox, co, ky, kx, ci;
    for (oy = 0; oy < out.h; oy++)
        for (ox = 0; ox < out.w; ox++)
            for (co = 0; co < out.c; co++) {
                const int32_t g = co / og;
                int32_t acc = 0;
                for (ky = 0; ky < p->kh; ky++)
                    for (kx = 0; kx < p->kw; kx++) {
                        const int32_t iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
                        const int32_t ix = ox * p->stride_w - p->pad_l + kx * p->dil_w;
                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                        for (ci = 0; ci < cg; ci++)
                            acc += (x[(iy * in.w + ix) * in.c + g * cg + ci] - p->in_zp) *
                                   w[((co * p->kh + ky) * p->kw + kx) * cg + ci];
                    }
                if (bias) acc = dp__wadd(acc, bias[co]);
                y[(oy * out.w + ox) * out.c + co] =
                    dp__requant(acc, mult[co], shift[co], p->out_zp, p->act_min, p->act_max);
            }
}

void dp_fc_s8_ref(int8_t *y, const int8_t *x, const int8_t *w,
                  const int32_t *bias, const int32_t *mult,
                  const int32_t *shift, const dp_qfc_params *p,
                  int32_t n_in, int32_t n_out)
{
    int32_t o, i;
    for (o = 0; o < n_out; o++) {
        int32_t acc = 0;
        for (i = 0; i < n_in; i++) acc += (x[i] - p->in_zp) * w[o * n_in + i];
        if (bias) acc = dp__wadd(acc, bias[o]);
        y[o] = dp__requant(acc, mult[o], shift[o], p->out_zp, p->act_min, p->act_max);
    }
}

void dp_add_s8_ref(int8_t *y, const int8_t *const *x,
                   const dp_qadd_params *p, int32_t count)
{
    int32_t i, k;
    for (i = 0; i < count; i++) {
        int32_t sum = 0;
        for (k = 0; k < p->n; k++) {
            const int32_t shifted = (x[k][i] - p->in_zp[k]) * (1 << 20);
            sum = dp__wadd(sum, dp__qmul(shifted, p->in_mult[k], p->in_shift[k]));
        }
        y[i] = dp__requant(sum, p->out_mult, p->out_shift, p->out_zp, p->act_min, p->act_max);
    }
}

void dp_maxpool_s8_ref(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                       dp_shape in, dp_shape out)
{
    int32_t oy, ox, c, ky, kx;
    for (oy = 0; oy < out.h; oy++)
        for (ox = 0; ox < out.w; ox++)
            for (c = 0; c < out.c; c++) {
                int32_t mx = -129;
                for (ky = 0; ky < p->kh; ky++)
                    for (kx = 0; kx < p->kw; kx++) {
                        const int32_t iy = oy * p->stride_h - p->pad_t + ky;
                        const int32_t ix = ox * p->stride_w - p->pad_l + kx;
                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                        if (x[(iy * in.w + ix) * in.c + c] > mx) mx = x[(iy * in.w + ix) * in.c + c];
                    }
                y[(oy * out.w + ox) * out.c + c] = dp__clamp8(mx, p->act_min, p->act_max);
            }
}

static int32_t dp__avg_round_ref(int32_t acc, int32_t n)
{
    return acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;   /* TFLite */
}

void dp_avgpool_s8_ref(int8_t *y, const int8_t *x, const dp_qpool_params *p,
                       dp_shape in, dp_shape out)
{
    int32_t oy, ox, c, ky, kx;
    for (oy = 0; oy < out.h; oy++)
        for (ox = 0; ox < out.w; ox++)
            for (c = 0; c < out.c; c++) {
                int32_t acc = 0, n = 0;
                for (ky = 0; ky < p->kh; ky++)
                    for (kx = 0; kx < p->kw; kx++) {
                        const int32_t iy = oy * p->stride_h - p->pad_t + ky;
                        const int32_t ix = ox * p->stride_w - p->pad_l + kx;
                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                        acc += x[(iy * in.w + ix) * in.c + c];
                        n++;
                    }
                y[(oy * out.w + ox) * out.c + c] =
                    dp__clamp8(n ? dp__avg_round_ref(acc, n) : 0, p->act_min, p->act_max);
            }
}

void dp_gap_s8_ref(int8_t *y, const int8_t *x, int32_t act_min,
                   int32_t act_max, dp_shape in)
{
    int32_t c, i, n = in.h * in.w;
    for (c = 0; c < in.c; c++) {
        int32_t acc = 0;
        for (i = 0; i < n; i++) acc += x[i * in.c + c];
        y[c] = dp__clamp8(dp__avg_round_ref(acc, n), act_min, act_max);
    }
}

void dp_chmul_s8_ref(int8_t *y, const int8_t *x, const int8_t *s,
                     const dp_qchmul_params *p, dp_shape in)
{
    int32_t h, w, c;
    for (h = 0; h < in.h; h++)
        for (w = 0; w < in.w; w++)
            for (c = 0; c < in.c; c++) {
                const int32_t i = (h * in.w + w) * in.c + c;
                y[i] = dp__requant((x[i] - p->x_zp) * (s[c] - p->s_zp), p->mult, p->shift,
                                   p->out_zp, p->act_min, p->act_max);
            }
}

void dp_concat_s8_ref(int8_t *y, const int8_t *const *x,
                      const dp_qconcat_params *p, int32_t hw)
{
    int32_t i, k, j, c0, out_c = 0;
    for (k = 0; k < p->n; k++) out_c += p->in_c[k];
    for (i = 0; i < hw; i++)
        for (k = 0, c0 = 0; k < p->n; c0 += p->in_c[k], k++)
            for (j = 0; j < p->in_c[k]; j++)
                y[i * out_c + c0 + j] = dp__requant(x[k][i * p->in_c[k] + j] - p->in_zp[k], p->mult[k],
                                                    p->shift[k], p->out_zp, -128, 127);
}

void dp_softmax_s8_ref(int8_t *y, const int8_t *x, const uint16_t *table,
                       int32_t rows, int32_t n)
{
    int32_t r, i, mx;
    for (r = 0; r < rows; r++) {
        uint32_t S = 0;
        mx = -128;
        for (i = 0; i < n; i++)
            if (x[r * n + i] > mx) mx = x[r * n + i];
        for (i = 0; i < n; i++) S += table[mx - x[r * n + i]];
        for (i = 0; i < n; i++) {
            const uint64_t R = 0xFFFFFFFFu / S;
            uint64_t q = ((uint64_t)table[mx - x[r * n + i]] * 256u * R + 0x80000000u) >> 32;
            if (q > 255) q = 255;
            y[r * n + i] = (int8_t)((int32_t)q - 128);
        }
    }
}

/* ---- >>qhelpers ---- */
int dp_qmul_from_real(double real, int32_t *mult, int32_t *shift)
{
    int e = 0;
    double q;
    long long qf;
    if (!mult || !shift) return DP_ERR_ARG;
    *mult = 0;
    *shift = 0;
    if (!(real >= 0.0) || real > 1e30) return DP_ERR_ARG;   /* NaN too */
    if (real == 0.0) return DP_OK;
    q = frexp(real, &e);                  /* real = q * 2^e, q in [0.5, 1) */
    qf = (long long)round(q * 2147483648.0);
    if (qf == 2147483648LL) { qf /= 2; e++; }
    if (e < -31) return DP_OK;             /* flushes to zero, as TFLite */
    if (e > 30) return DP_ERR_UNSUPPORTED;
    *mult = (int32_t)qf;
    *shift = (int32_t)e;
    return DP_OK;
}

int dp_qact_relu(float scale, int32_t zero_point, double cap, int32_t *lo, int32_t *hi)
{
    float h;
    if (!lo || !hi || !(scale > 0.0f) || zero_point < -128 || zero_point > 127) return DP_ERR_ARG;
    *lo = zero_point;
    *hi = 127;
    if (cap > 0.0) {
        /* float division and round-half-away, as TFLite's Quantize() */
        h = (float)zero_point + roundf((float)cap / scale);
        if (h < 127.0f) *hi = h < -128.0f ? -128 : (int32_t)h;
    }
    return DP_OK;
}

void dp_softmax_table(double in_scale, double beta, uint16_t table[256])
{
    int i;
    for (i = 0; i < 256; i++) {
        const double v = 65535.0 * exp(-beta * in_scale * (double)i);
        table[i] = (uint16_t)(v >= 65535.0 ? 65535 : (v > 0.0 ? (long)floor(v + 0.5) : 0));
    }
}

/* ---- >>tflm_tables  hosted half of >>tflm_kernels ---- */
/* gemmlowp exp_on_interval_between_negative_one_quarter_and_0_excl, Q0.31:
   Taylor series around -1/8 */
static int32_t dp__fx_exp_quarter(int32_t a)
{
    const int32_t x = dp__fx_add(a, (int32_t)1 << 28);
    const int32_t x2 = dp__qmul_high(x, x), x3 = dp__qmul_high(x2, x), x4 = dp__qmul_high(x2, x2);
    const int32_t x4_4 = dp__qdiv_pot(x4, 2);
    const int32_t t = dp__qdiv_pot(dp__fx_add(dp__qmul_high(dp__fx_add(x4_4, x3), 715827883), x2), 1);
    return dp__fx_add(1895147668, dp__qmul_high(1895147668, dp__fx_add(x, t)));
}
/* gemmlowp exp_on_negative_values: a <= 0 in Q(ib).(31-ib), ib 1..5 ->
   exp(a) in Q0.31: exp of a mod 1/4 from the series, times exp(-2^e) for
   every bit e = -2..4 of the remainder (a barrel shifter of constants) */
static int32_t dp__fx_exp_neg(int32_t a, int32_t ib)
{
    static const int32_t M[7] = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
    const int32_t fb = 31 - ib, quarter = (int32_t)1 << (fb - 2);
    const int32_t amq = dp__fx_add(dp__u2s((uint32_t)a & (uint32_t)(quarter - 1)), -quarter);
    const uint32_t rem = (uint32_t)amq - (uint32_t)a;
    int32_t r = dp__fx_exp_quarter(dp__fx_shl(amq, ib)), e;
    for (e = -2; e <= 4; e++)
        if (ib > e && (rem & ((uint32_t)1 << (fb + e)))) r = dp__qmul_high(r, M[e + 2]);
    return a == 0 ? INT32_MAX : r;
}
/* gemmlowp logistic on Q4.27 -> Q0.31 */
static int32_t dp__fx_logistic4(int32_t a)
{
    int32_t pos;
    if (a == 0) return (int32_t)1 << 30;
    pos = dp__fx_recip1p(dp__fx_exp_neg(a > 0 ? -a : a, 4));
    return a > 0 ? pos : INT32_MAX - pos;
}

/* TFLM softmax parameters: input_multiplier/left shift and the radius */
static int dp__softmaxq_params(double in_scale, double beta, int32_t *mult, int32_t *shift, int32_t *radius)
{
    double real = beta * in_scale * (double)((int32_t)1 << 26);
    int st;
    if (!(real >= 1.0) || real > 1e300) return DP_ERR_UNSUPPORTED;   /* NaN too */
    if (real > 2147483647.0) real = 2147483647.0;
    if ((st = dp_qmul_from_real(real, mult, shift)) != DP_OK) return st;
    if (*shift < 1 || *mult == 0) return DP_ERR_UNSUPPORTED;
    *radius = (int32_t)floor(31.0 * 67108864.0 / ldexp(1.0, (int)*shift));
    return DP_OK;
}
static int32_t dp__softmaxq_exp(int32_t d, int32_t mult, int32_t shift, int32_t radius)
{
    if (d > radius) return 0;                  /* TFLM skips it: output -128 */
    return dp__fx_exp_neg(dp__qmul_high(-d * ((int32_t)1 << shift), mult), 5);
}

int dp_softmaxq_table(double in_scale, double beta, int32_t exp_tab[256])
{
    int32_t mult, shift, radius, d;
    int st;
    if (!exp_tab) return DP_ERR_ARG;
    if ((st = dp__softmaxq_params(in_scale, beta, &mult, &shift, &radius)) != DP_OK) return st;
    for (d = 0; d < 256; d++) exp_tab[d] = dp__softmaxq_exp(d, mult, shift, radius);
    return DP_OK;
}

void dp_softmaxq_s8_ref(int8_t *y, const int8_t *x, double in_scale, double beta,
                        int32_t rows, int32_t n)
{
    int32_t mult, shift, radius, r, i;
    if (dp__softmaxq_params(in_scale, beta, &mult, &shift, &radius) != DP_OK) return;
    for (r = 0; r < rows; r++) {
        int32_t mx = -128, lz, nbits, recip;
        int64_t sum = 0;
        for (i = 0; i < n; i++) mx = x[r * n + i] > mx ? x[r * n + i] : mx;
        for (i = 0; i < n; i++)
            if (mx - x[r * n + i] <= radius)
                sum += dp__qdiv_pot(dp__softmaxq_exp(mx - x[r * n + i], mult, shift, radius), 12);
        /* 1/sum: sum = 2^nbits * (1 + a) with a in [0, 1) */
        for (lz = 0; !((uint64_t)sum << lz & 0x80000000u); lz++) {}
        nbits = 12 - lz;
        recip = dp__fx_recip1p(dp__u2s((uint32_t)((uint64_t)sum << lz) - 0x80000000u));
        for (i = 0; i < n; i++) {
            const int32_t d = mx - x[r * n + i];
            int32_t v = -128;
            if (d <= radius)
                v = dp__qdiv_pot(dp__qmul_high(recip, dp__softmaxq_exp(d, mult, shift, radius)), nbits + 23) - 128;
            y[r * n + i] = (int8_t)(v > 127 ? 127 : v);
        }
    }
}

/* TFLM LOGISTIC int8: input_multiplier/left shift from frexp(in_scale *
   2^27), radius floor(15 * 2^27 / 2^shift); outside the radius -128/127 */
static int dp__logistic_params(float in_scale, int32_t *mult, int32_t *shift, int32_t *radius)
{
    const double real = (double)in_scale * 134217728.0;
    double q;
    int e = 0;
    long long qf;
    if (!(real >= 1.0) || real > 1e9) return DP_ERR_UNSUPPORTED;
    q = frexp(real, &e);
    qf = (long long)round(q * 2147483648.0);
    if (qf == 2147483648LL) { qf /= 2; e++; }
    if (e > 30) return DP_ERR_UNSUPPORTED;
    *mult = (int32_t)qf;
    *shift = e;
    *radius = (int32_t)floor(15.0 * 134217728.0 / ldexp(1.0, e));
    return DP_OK;
}
static int8_t dp__logistic1(int32_t v, int32_t mult, int32_t shift, int32_t radius)
{
    int32_t o;
    if (v <= -radius) return -128;
    if (v >= radius) return 127;
    o = dp__qdiv_pot(dp__fx_logistic4(dp__qmul(v, mult, shift)), 23) - 128;
    return (int8_t)(o > 127 ? 127 : o < -128 ? -128 : o);
}

int dp_logistic_table(float in_scale, int32_t in_zp, int8_t table[256])
{
    int32_t mult, shift, radius, i;
    int st;
    if (!table || in_zp < -128 || in_zp > 127) return DP_ERR_ARG;
    if ((st = dp__logistic_params(in_scale, &mult, &shift, &radius)) != DP_OK) return st;
    for (i = 0; i < 256; i++) table[i] = dp__logistic1(i - 128 - in_zp, mult, shift, radius);
    return DP_OK;
}

int dp_leaky_relu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                        float alpha, int8_t table[256])
{
    int32_t mi, si, ma, sa, i;
    float ri, ra;
    int st;
    if (!table || in_zp < -128 || in_zp > 127 || out_zp < -128 || out_zp > 127) return DP_ERR_ARG;
    if (!(in_scale > 0.0f) || !(out_scale > 0.0f) || in_scale - in_scale != 0.0f || out_scale - out_scale != 0.0f)
        return DP_ERR_ARG;
    if (!(alpha >= 0.0f) || alpha - alpha != 0.0f) return DP_ERR_UNSUPPORTED;
    ri = in_scale / out_scale;           /* float, as TFLite computes them */
    ra = in_scale * alpha;
    ra = ra / out_scale;
    if ((st = dp_qmul_from_real((double)ri, &mi, &si)) != DP_OK) return st;
    if ((st = dp_qmul_from_real((double)ra, &ma, &sa)) != DP_OK) return st;
    for (i = 0; i < 256; i++) {
        const int32_t x = i - 128 - in_zp;
        const int32_t y = out_zp + (x >= 0 ? dp_qmul(x, mi, si) : dp_qmul(x, ma, sa));
        table[i] = (int8_t)(y > 127 ? 127 : y < -128 ? -128 : y);
    }
    return DP_OK;
}

void dp_logistic_s8_ref(int8_t *y, const int8_t *x, float in_scale, int32_t in_zp,
                        int32_t count)
{
    int32_t mult, shift, radius, i;
    if (dp__logistic_params(in_scale, &mult, &shift, &radius) != DP_OK) return;
    for (i = 0; i < count; i++) y[i] = dp__logistic1((int32_t)x[i] - in_zp, mult, shift, radius);
}

void dp_mean_s8_ref(int8_t *y, const int8_t *x, int32_t in_zp, int32_t out_zp,
                    int32_t mult, int32_t shift, dp_shape in)
{
    const int64_t n = (int64_t)in.h * in.w;
    int32_t c;
    int64_t i;
    for (c = 0; c < in.c; c++) {
        int64_t acc = 0, q;
        for (i = 0; i < n; i++) acc += x[i * in.c + c] - in_zp;
        q = dp_qmul((int32_t)acc, mult, shift);
        q = q > 0 ? (q + n / 2) / n : (q - n / 2) / n;      /* half away from 0 */
        q += out_zp;
        y[c] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
    }
}

void dp_mul_s8_ref(int8_t *y, const int8_t *x0, const int8_t *x1,
                   const dp_qchmul_params *p, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++) {
        int64_t v = (int64_t)dp_qmul((x0[i] - p->x_zp) * (x1[i] - p->s_zp), p->mult, p->shift) + p->out_zp;
        v = v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v;
        y[i] = (int8_t)v;
    }
}

/* ---- >>builder ---- */
typedef struct dp__mb_tensor {
    uint32_t off;
    int32_t h, w, c, zp;
    float scale;
} dp__mb_tensor;

typedef struct dp__mb_rec {
    int32_t kind, n_in, out, in[DP_MAX_OP_INPUTS];
    int32_t g[10], act_min, act_max;
    uint32_t w, w_len, b, k, m, s;    /* data offsets + 1; 0 = none */
    int32_t out_mult, out_shift;
} dp__mb_rec;

static void dp__wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void dp__wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static uint32_t dp__f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

void dp_mb_init(dp_mb *b)
{
    if (!b) return;
    memset(b, 0, sizeof *b);
    b->input = b->output = -1;
}

void dp_mb_free(dp_mb *b)
{
    if (!b) return;
    DP_FREE(b->tensors);
    DP_FREE(b->ops);
    DP_FREE(b->data);
    dp_mb_init(b);
}

static int dp__mb_fail(dp_mb *b, int err)
{
    if (!b->err) b->err = err;
    return b->err;
}

/* grow an array of n elements of size sz to hold one more (>>grow) */
static int dp__mb_grow(void **p, uint32_t *cap, uint32_t n, size_t sz)
{
    size_t c = *cap;
    void *q = n < 0x40000000u ? dp__grow(*p, &c, (size_t)n + 1, sz) : NULL;
    if (!q) return -1;
    *p = q;
    *cap = (uint32_t)c;
    return 0;
}

/* append `bytes` bytes (4-aligned start); returns offset + 1, 0 on failure */
static uint32_t dp__mb_data(dp_mb *b, const void *src, size_t bytes)
{
    const uint32_t at = (b->data_len + 3u) & ~3u;
    if (bytes > 0x40000000u || (size_t)at + bytes > 0x40000000u) { dp__mb_fail(b, DP_ERR_LIMIT); return 0; }
    if (at + bytes > b->data_cap) {
        size_t nc = b->data_cap;
        uint8_t *q = (uint8_t *)dp__grow(b->data, &nc, at + bytes, 1);
        if (!q) { dp__mb_fail(b, DP_ERR_NOMEM); return 0; }
        b->data = q;
        b->data_cap = (uint32_t)nc;
    }
    if (at > b->data_len) memset(b->data + b->data_len, 0, at - b->data_len);
    if (bytes) memcpy(b->data + at, src, bytes);
    b->data_len = at + (uint32_t)bytes;
    return at + 1u;
}

static uint32_t dp__mb_i32(dp_mb *b, const int32_t *v, int32_t n)
{
    uint8_t *tmp;
    int32_t i;
    uint32_t r;
    if (n <= 0) return 0;
    tmp = (uint8_t *)DP_MALLOC((size_t)n * 4u);
    if (!tmp) { dp__mb_fail(b, DP_ERR_NOMEM); return 0; }
    for (i = 0; i < n; i++) dp__wr32(tmp + 4 * i, (uint32_t)v[i]);
    r = dp__mb_data(b, tmp, (size_t)n * 4u);
    DP_FREE(tmp);
    return r;
}

int dp_mb_add_tensor(dp_mb *b, int h, int w, int c, float scale,
                     int zero_point, uint32_t arena_offset)
{
    dp__mb_tensor *t;
    if (!b) return DP_ERR_ARG;
    if (b->err) return b->err;
    if (h < 1 || w < 1 || c < 1 || h > 65535 || w > 65535 || c > 65535 ||
        zero_point < -128 || zero_point > 127 || !(scale > 0.0f))
        return dp__mb_fail(b, DP_ERR_ARG);
    if (b->n_tensors >= 65535u) return dp__mb_fail(b, DP_ERR_LIMIT);
    if (dp__mb_grow(&b->tensors, &b->cap_tensors, b->n_tensors, sizeof(dp__mb_tensor)))
        return dp__mb_fail(b, DP_ERR_NOMEM);
    t = (dp__mb_tensor *)b->tensors + b->n_tensors;
    t->off = arena_offset;
    t->h = h; t->w = w; t->c = c; t->zp = zero_point;
    t->scale = scale;
    return (int)b->n_tensors++;
}

/* TFLite's int8 ADD parameters, generalised to n inputs: inputs are
   rescaled to twice the largest input scale with 20 bits of headroom */
static int dp__mb_add_params(const dp__mb_tensor *const *in, int n, const dp__mb_tensor *out,
                             int32_t *mult, int32_t *shift)
{
    double mx = 0.0;
    int i, st;
    for (i = 0; i < n; i++)
        if ((double)in[i]->scale > mx) mx = (double)in[i]->scale;
    mx *= 2.0;
    for (i = 0; i < n; i++) {
        st = dp_qmul_from_real((double)in[i]->scale / mx, &mult[i], &shift[i]);
        if (st) return st;
    }
    return dp_qmul_from_real(mx / ((double)(1 << 20) * (double)out->scale), &mult[n], &shift[n]);
}

/* conv2d, dwconv2d, gconv2d, fc: weights, bias, kernel sums and the
   per-channel multipliers (from w_scale, or given as mult/shift) */
static int dp__mb_add_conv(dp_mb *b, const dp_mb_op *op, const dp__mb_tensor *in0, const dp__mb_tensor *o,
                           dp__mb_rec *r)
{
    uint64_t per;   /* weights per output channel (dw: per tap row) */
    int32_t *cm, *cs, *ks;
    int i, cout = o->c, st = DP_OK;
    uint32_t nw;
    if (op->kind == DP_MOP_GCONV2D) {   /* >>grouped */
        if (op->groups < 2 || op->groups > in0->c || in0->c % op->groups || cout % op->groups)
            return dp__mb_fail(b, DP_ERR_ARG);
        r->out_mult = op->groups;
        per = (uint64_t)r->g[0] * r->g[1] * (uint32_t)(in0->c / op->groups);
    } else if (op->kind == DP_MOP_CONV2D) per = (uint64_t)r->g[0] * r->g[1] * (uint32_t)in0->c;
    else if (op->kind == DP_MOP_FC) per = (uint64_t)(uint32_t)in0->h * (uint32_t)in0->w * (uint32_t)in0->c;
    else per = (uint64_t)r->g[0] * r->g[1];
    if (per * (uint64_t)cout > 0x40000000u) return dp__mb_fail(b, DP_ERR_LIMIT);
    nw = (uint32_t)(per * (uint64_t)cout);
    if (!op->weights || (!op->w_scale && (!op->mult || !op->shift))) return dp__mb_fail(b, DP_ERR_ARG);
    r->w = dp__mb_data(b, op->weights, nw);
    r->w_len = nw;
    if (op->bias) r->b = dp__mb_i32(b, op->bias, cout);
    cm = (int32_t *)DP_CALLOC((size_t)cout * 3u, sizeof(int32_t));
    if (!cm) return dp__mb_fail(b, DP_ERR_NOMEM);
    cs = cm + cout;
    ks = cs + cout;
    for (i = 0; i < cout; i++) {
        if (op->w_scale) {
            const double real = (double)in0->scale * (double)op->w_scale[i] / (double)o->scale;
            const int e = dp_qmul_from_real(real, &cm[i], &cs[i]);
            if (e && !st) st = e;
        } else {
            cm[i] = op->mult[i];
            cs[i] = op->shift[i];
        }
    }
    if (op->kind != DP_MOP_DWCONV2D) {
        /* kernel sums: lets the interpreter fold the input zero point */
        uint32_t j;
        for (i = 0; i < cout; i++) {
            int32_t s = 0;
            for (j = 0; j < (uint32_t)per; j++) s += op->weights[(uint32_t)i * (uint32_t)per + j];
            ks[i] = s;
        }
        r->k = dp__mb_i32(b, ks, cout);
    }
    if (!st) {
        r->m = dp__mb_i32(b, cm, cout);
        r->s = dp__mb_i32(b, cs, cout);
    }
    DP_FREE(cm);
    if (st) return dp__mb_fail(b, st);
    return DP_OK;
}

/* add, chmul, concat, mean, mul: multipliers and shifts, given or made
   from the tensors' scales the way TFLite's Prepare makes them */
static int dp__mb_add_requant(dp_mb *b, const dp_mb_op *op, const dp__mb_tensor *const *in, int n,
                              const dp__mb_tensor *o, dp__mb_rec *r)
{
    int32_t q_mult[DP_MAX_OP_INPUTS + 1], q_shift[DP_MAX_OP_INPUTS + 1];
    int i, st;
    switch (op->kind) {
    case DP_MOP_ADD:
        if (op->mult && op->shift) {
            for (i = 0; i <= n; i++) { q_mult[i] = op->mult[i]; q_shift[i] = op->shift[i]; }
        } else if ((st = dp__mb_add_params(in, n, o, q_mult, q_shift)) != DP_OK) {
            return dp__mb_fail(b, st);
        }
        r->m = dp__mb_i32(b, q_mult, n);
        r->s = dp__mb_i32(b, q_shift, n);
        r->out_mult = q_mult[n];
        r->out_shift = q_shift[n];
        break;
    case DP_MOP_CHMUL:
        if (op->mult && op->shift) {
            r->out_mult = op->mult[0];
            r->out_shift = op->shift[0];
        } else {
            st = dp_qmul_from_real((double)in[0]->scale * (double)in[1]->scale / (double)o->scale,
                                   &r->out_mult, &r->out_shift);
            if (st) return dp__mb_fail(b, st);
        }
        break;
    case DP_MOP_CONCAT:
        for (i = 0; i < n; i++) {
            if (op->mult && op->shift) {
                q_mult[i] = op->mult[i];
                q_shift[i] = op->shift[i];
            } else if ((st = dp_qmul_from_real((double)in[i]->scale / (double)o->scale,
                                                &q_mult[i], &q_shift[i])) != DP_OK) {
                return dp__mb_fail(b, st);
            }
        }
        r->m = dp__mb_i32(b, q_mult, n);
        r->s = dp__mb_i32(b, q_shift, n);
        break;
    default:   /* DP_MOP_MEAN, DP_MOP_MUL */
        if (op->mult && op->shift) {
            r->out_mult = op->mult[0];
            r->out_shift = op->shift[0];
        } else {
            /* TFLM: MEAN in_scale/out_scale, MUL s0*s1/out_scale (double) */
            const double real = op->kind == DP_MOP_MEAN ? (double)in[0]->scale / (double)o->scale
                                : (double)in[0]->scale * (double)in[1]->scale / (double)o->scale;
            if ((st = dp_qmul_from_real(real, &r->out_mult, &r->out_shift)) != DP_OK) return dp__mb_fail(b, st);
        }
        break;
    }
    return DP_OK;
}

/* softmax, softmaxq, lut: the table the kernel reads */
static int dp__mb_add_table(dp_mb *b, const dp_mb_op *op, const dp__mb_tensor *in0, dp__mb_rec *r)
{
    int i, st;
    switch (op->kind) {
    case DP_MOP_SOFTMAX: {
        uint16_t tab[256];
        uint8_t raw[512];
        dp_softmax_table((double)in0->scale, op->beta != 0.0 ? op->beta : 1.0, tab);
        for (i = 0; i < 256; i++) dp__wr16(raw + 2 * i, tab[i]);
        r->w = dp__mb_data(b, raw, 512);
        r->w_len = 512;
        break;
    }
    /* TFLite Micro's kinds (>>tflm_kernels) */
    case DP_MOP_SOFTMAXQ: {
        int32_t tab[256];
        if ((st = dp_softmaxq_table((double)in0->scale, op->beta != 0.0 ? op->beta : 1.0, tab)) != DP_OK)
            return dp__mb_fail(b, st);
        r->w = dp__mb_i32(b, tab, 256);
        r->w_len = 1024;
        break;
    }
    default:   /* DP_MOP_LUT */
        if (!op->weights) return dp__mb_fail(b, DP_ERR_ARG);
        r->w = dp__mb_data(b, op->weights, 256);
        r->w_len = 256;
        break;
    }
    return DP_OK;
}

int dp_mb_add_op(dp_mb *b, const dp_mb_op *op)
{
    dp__mb_rec r;
    const dp__mb_tensor *T, *o, *in[DP_MAX_OP_INPUTS];
    int i, n, st = DP_OK;

    if (!b || !op) return DP_ERR_ARG;
    if (b->err) return b->err;
    if (op->kind <= 0 || op->kind >= DP_MOP_KIND_COUNT) return dp__mb_fail(b, DP_ERR_ARG);
    n = op->n_inputs ? op->n_inputs : ((op->kind == DP_MOP_CHMUL || op->kind == DP_MOP_MUL) ? 2 : 1);
    if (n < 1 || n > DP_MAX_OP_INPUTS) return dp__mb_fail(b, DP_ERR_ARG);
    T = (const dp__mb_tensor *)b->tensors;
    if (op->output < 0 || (uint32_t)op->output >= b->n_tensors) return dp__mb_fail(b, DP_ERR_ARG);
    for (i = 0; i < n; i++) {
        if (op->inputs[i] < 0 || (uint32_t)op->inputs[i] >= b->n_tensors) return dp__mb_fail(b, DP_ERR_ARG);
        in[i] = T + op->inputs[i];
    }
    o = T + op->output;
    if (b->n_ops >= 0xFFFEu) return dp__mb_fail(b, DP_ERR_LIMIT);

    memset(&r, 0, sizeof r);
    r.kind = op->kind;
    r.n_in = n;
    r.out = op->output;
    for (i = 0; i < n; i++) r.in[i] = op->inputs[i];
    if (op->kind == DP_MOP_CONV2D || op->kind == DP_MOP_DWCONV2D || op->kind == DP_MOP_GCONV2D ||
        op->kind == DP_MOP_MAXPOOL || op->kind == DP_MOP_AVGPOOL) {
        const int v[10] = { op->kh, op->kw, op->stride_h, op->stride_w, op->dil_h, op->dil_w,
                            op->pad_t, op->pad_l, op->pad_b, op->pad_r };
        for (i = 0; i < 10; i++) {
            r.g[i] = (i < 6 && v[i] == 0) ? 1 : v[i];
            if (r.g[i] < 0 || r.g[i] > 255) return dp__mb_fail(b, DP_ERR_ARG);
        }
    }
    r.act_min = -128;
    r.act_max = 127;
    if ((op->act_min || op->act_max) && op->kind != DP_MOP_CONCAT && op->kind != DP_MOP_SOFTMAX &&
        op->kind != DP_MOP_SOFTMAXQ && op->kind != DP_MOP_LUT && op->kind != DP_MOP_MEAN) {
        if (op->act_min < -128 || op->act_max > 127 || op->act_min > op->act_max) return dp__mb_fail(b, DP_ERR_ARG);
        r.act_min = op->act_min;
        r.act_max = op->act_max;
    }

    switch (op->kind) {
    case DP_MOP_CONV2D: case DP_MOP_DWCONV2D: case DP_MOP_GCONV2D: case DP_MOP_FC:
        st = dp__mb_add_conv(b, op, in[0], o, &r);
        break;
    case DP_MOP_ADD: case DP_MOP_CHMUL: case DP_MOP_CONCAT: case DP_MOP_MEAN: case DP_MOP_MUL:
        st = dp__mb_add_requant(b, op, in, n, o, &r);
        break;
    case DP_MOP_SOFTMAX: case DP_MOP_SOFTMAXQ: case DP_MOP_LUT:
        st = dp__mb_add_table(b, op, in[0], &r);
        break;
    default:   /* pools, gap: nothing more */
        break;
    }
    if (st != DP_OK) return st;
    if (b->err) return b->err;
    if (dp__mb_grow(&b->ops, &b->cap_ops, b->n_ops, sizeof(dp__mb_rec))) return dp__mb_fail(b, DP_ERR_NOMEM);
    ((dp__mb_rec *)b->ops)[b->n_ops] = r;
    return (int)b->n_ops++;
}

int dp_mb_set_io(dp_mb *b, int input, int output)
{
    if (!b) return DP_ERR_ARG;
    if (b->err) return b->err;
    if (input < 0 || output < 0 || (uint32_t)input >= b->n_tensors || (uint32_t)output >= b->n_tensors)
        return dp__mb_fail(b, DP_ERR_ARG);
    b->input = input;
    b->output = output;
    return DP_OK;
}

int dp_mb_finish(dp_mb *b, void **blob, size_t *len)
{
    const dp__mb_tensor *T;
    const dp__mb_rec *R;
    uint32_t nt, no, i, j, ops_off, data_off, total, arena = 0;
    uint32_t *first, *last;
    uint64_t macs = 0;
    uint8_t *out;
    dp_model chk;
    int st;

    if (!b || !blob || !len) return DP_ERR_ARG;
    *blob = NULL;
    *len = 0;
    if (b->err) return b->err;
    nt = b->n_tensors;
    no = b->n_ops;
    T = (const dp__mb_tensor *)b->tensors;
    R = (const dp__mb_rec *)b->ops;
    if (b->input < 0 || b->output < 0 || no == 0) return dp__mb_fail(b, DP_ERR_ARG);

    /* lifetimes from the op order: first = writer step, last = last reader */
    first = (uint32_t *)DP_MALLOC(sizeof(uint32_t) * 2u * nt);
    if (!first) return dp__mb_fail(b, DP_ERR_NOMEM);
    last = first + nt;
    for (i = 0; i < nt; i++) first[i] = 0xFFFFFFFFu;
    first[b->input] = 0;
    for (i = 0; i < no; i++) {
        if (first[R[i].out] != 0xFFFFFFFFu) { DP_FREE(first); return dp__mb_fail(b, DP_ERR_ARG); }
        first[R[i].out] = i + 1u;
    }
    for (i = 0; i < nt; i++) {
        if (first[i] == 0xFFFFFFFFu) { DP_FREE(first); return dp__mb_fail(b, DP_ERR_ARG); }  /* never written */
        last[i] = first[i];
    }
    for (i = 0; i < no; i++)
        for (j = 0; j < (uint32_t)R[i].n_in; j++)
            if (last[R[i].in[j]] < i + 1u) last[R[i].in[j]] = i + 1u;
    last[b->output] = no + 1u;

    for (i = 0; i < nt; i++) {
        const uint64_t end = (uint64_t)T[i].off + (uint64_t)T[i].h * T[i].w * T[i].c;
        if (end > 0x7FFFFFFFu) { DP_FREE(first); return dp__mb_fail(b, DP_ERR_LIMIT); }
        if (end > arena) arena = (uint32_t)end;
    }
    ops_off = DP__HDR + DP__TREC * nt;
    data_off = ops_off + DP__OREC * no;
    if ((uint64_t)data_off + b->data_len + 8u > 0x7FFFFFFFu) { DP_FREE(first); return dp__mb_fail(b, DP_ERR_LIMIT); }
    total = ((data_off + b->data_len + 3u) & ~3u) + 4u;
    out = (uint8_t *)DP_MALLOC(total);
    if (!out) { DP_FREE(first); return dp__mb_fail(b, DP_ERR_NOMEM); }
    memset(out, 0, total);

    for (i = 0; i < nt; i++) {
        uint8_t *p = out + DP__HDR + DP__TREC * i;
        dp__wr32(p, T[i].off);
        dp__wr32(p + 4, (uint32_t)(T[i].h * T[i].w * T[i].c));
        dp__wr16(p + 8, (uint32_t)T[i].h);
        dp__wr16(p + 10, (uint32_t)T[i].w);
        dp__wr16(p + 12, (uint32_t)T[i].c);
        dp__wr16(p + 14, (uint32_t)T[i].zp & 0xFFFFu);
        dp__wr16(p + 16, first[i]);
        dp__wr16(p + 18, last[i]);
        dp__wr32(p + 20, dp__f32_bits(T[i].scale));
    }
    for (i = 0; i < no; i++) {
        uint8_t *p = out + ops_off + DP__OREC * i;
        const dp__mb_rec *r = R + i;
        dp_shape si, so;
        p[0] = (uint8_t)r->kind;
        p[1] = (uint8_t)r->n_in;
        dp__wr16(p + 2, (uint32_t)r->out);
        for (j = 0; j < (uint32_t)r->n_in; j++) dp__wr16(p + 4 + 2 * j, (uint32_t)r->in[j]);
        for (j = 0; j < 10; j++) p[20 + j] = (uint8_t)r->g[j];
        p[30] = (uint8_t)(r->act_min & 0xFF);
        p[31] = (uint8_t)(r->act_max & 0xFF);
        dp__wr32(p + 32, r->w ? r->w - 1u + data_off : 0);
        dp__wr32(p + 36, r->w_len);
        dp__wr32(p + 40, r->b ? r->b - 1u + data_off : 0);
        dp__wr32(p + 44, r->k ? r->k - 1u + data_off : 0);
        dp__wr32(p + 48, r->m ? r->m - 1u + data_off : 0);
        dp__wr32(p + 52, r->s ? r->s - 1u + data_off : 0);
        dp__wr32(p + 56, (uint32_t)r->out_mult);
        dp__wr32(p + 60, (uint32_t)r->out_shift);
        si.h = T[r->in[0]].h; si.w = T[r->in[0]].w; si.c = T[r->in[0]].c;
        so.h = T[r->out].h; so.w = T[r->out].w; so.c = T[r->out].c;
        macs += dp__macs((uint32_t)r->kind, si, so, (uint32_t)r->g[0], (uint32_t)r->g[1], (uint32_t)r->n_in,
                         r->kind == DP_MOP_GCONV2D ? (uint32_t)r->out_mult : 1u);
    }
    DP_FREE(first);
    if (b->data_len) memcpy(out + data_off, b->data, b->data_len);

    memcpy(out, "DPMB", 4);
    dp__wr16(out + 4, DP_MODEL_VERSION);
    dp__wr16(out + 6, DP__HDR);
    dp__wr32(out + 8, total);
    dp__wr32(out + 12, arena);
    dp__wr16(out + 16, nt);
    dp__wr16(out + 18, no);
    dp__wr16(out + 20, (uint32_t)b->input);
    dp__wr16(out + 22, (uint32_t)b->output);
    dp__wr32(out + 24, DP__HDR);
    dp__wr32(out + 28, ops_off);
    dp__wr32(out + 32, data_off);
    dp__wr32(out + 36, (uint32_t)macs);
    dp__wr32(out + 40, (uint32_t)(macs >> 32));
    dp__wr32(out + 44, 0);
    dp__wr32(out + total - 4u, dp_crc32(0, out, total - 4u));

    /* the loader is the specification: refuse to hand out a blob it rejects */
    st = dp_model_init(&chk, out, total);
    if (st != DP_OK) {
        b->why = chk.why;
        b->where = chk.where;
        DP_FREE(out);
        return dp__mb_fail(b, st);
    }
    *blob = out;
    *len = total;
    return DP_OK;
}
#endif /* !DIFFPRUNE_INFERENCE_ONLY */

#ifndef DIFFPRUNE_INFERENCE_ONLY
/* ====================================================================== */
/* >>impl_train                                                           */
/* ====================================================================== */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdarg.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#include <fcntl.h>
#include <sys/time.h>
#define DP__POSIX 1
#endif

/* DP_MALLOC and the rest: defaults in >>impl_host */
#ifndef DP_MAX_THREADS
#define DP_MAX_THREADS 64
#endif

#define DP__MIN(a, b) ((a) < (b) ? (a) : (b))
#define DP__MAX(a, b) ((a) > (b) ? (a) : (b))

static void dp__vseterr(char *err, size_t cap, const char *fmt, va_list ap)
{
    if (err && cap) vsnprintf(err, cap, fmt, ap);
}
static void dp__seterr(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp__vseterr(err, cap, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* >>rng  xoshiro128** seeded through splitmix64                          */
/* ---------------------------------------------------------------------- */
static uint64_t dp__splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
void dp_rng_seed(dp_rng *r, uint64_t seed)
{
    uint64_t a = dp__splitmix64(&seed), b = dp__splitmix64(&seed);
    r->s[0] = (uint32_t)a; r->s[1] = (uint32_t)(a >> 32);
    r->s[2] = (uint32_t)b; r->s[3] = (uint32_t)(b >> 32);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
}
static uint32_t dp__rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
uint32_t dp_rng_u32(dp_rng *r)
{
    uint32_t *s = r->s, res = dp__rotl32(s[1] * 5u, 7) * 9u, t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = dp__rotl32(s[3], 11);
    return res;
}
float dp_rng_uniform(dp_rng *r) { return (float)(dp_rng_u32(r) >> 8) * (1.0f / 16777216.0f); }
float dp_rng_normal(dp_rng *r)
{
    /* Box-Muller; one value per call keeps the stream simple to replay. */
    float u1 = ((float)(dp_rng_u32(r) >> 8) + 0.5f) * (1.0f / 16777216.0f);
    float u2 = dp_rng_uniform(r);
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530718f * u2);
}
uint32_t dp_rng_below(dp_rng *r, uint32_t n)
{
    uint32_t lim, x;
    if (n <= 1) return 0;
    lim = (uint32_t)(0u - n) % n;      /* reject the low 2^32 mod n values */
    do x = dp_rng_u32(r); while (x < lim);
    return x % n;
}
void dp_rng_shuffle(dp_rng *r, int *a, int n)
{
    int i;
    for (i = n - 1; i > 0; i--) {
        int j = (int)dp_rng_below(r, (uint32_t)i + 1u), t = a[i];
        a[i] = a[j]; a[j] = t;
    }
}

/* >>free  what the training half hands over (see >>api_free) */
void dp_free(void *p) { DP_FREE(p); }

/* ---------------------------------------------------------------------- */
/* threads                                                                */
/* ---------------------------------------------------------------------- */
static int dp__nthreads = 0;
void dp_set_threads(int n)
{
#ifdef _OPENMP
    if (n <= 0) n = omp_get_num_procs();
    if (n > DP_MAX_THREADS) n = DP_MAX_THREADS;
    omp_set_num_threads(n);
    dp__nthreads = n;
#else
    (void)n;
    dp__nthreads = 1;
#endif
}
int dp_get_threads(void)
{
#ifdef _OPENMP
    if (dp__nthreads <= 0) {
        int n = omp_get_max_threads();
        return n > DP_MAX_THREADS ? DP_MAX_THREADS : n;
    }
    return dp__nthreads;
#else
    return 1;
#endif
}
static int dp__tid(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* ---------------------------------------------------------------------- */
/* >>gemm  single-threaded packed SGEMM; callers split work over threads  */
/* ---------------------------------------------------------------------- */
/* C[M x N] (+)= A[M x K] * B[K x N], with A(i,k) = ta ? A[k*lda+i] :
   A[i*lda+k] and B(k,j) = tb ? B[j*ldb+k] : B[k*ldb+j]. Blocked in the
   usual way: a KC x NC panel of B and an MC x KC panel of A are copied
   ("packed") into contiguous strips of NR columns / MR rows, so the
   micro-kernel streams both from cache and keeps an MR x NR tile of C in
   registers. Edges are zero-padded in the packs. */
#define DP__MR 6
#if (defined(__GNUC__) || defined(__clang__)) && defined(__AVX512F__)
#define DP__VW 16          /* floats per vector register */
#elif defined(__GNUC__) || defined(__clang__)
#define DP__VW 8
#endif
#ifdef DP__VW
#define DP__NR (2 * DP__VW)
#else
#define DP__NR 16
#endif
#define DP__KC 384   /* upper bound; K is cut into equal chunks below it */
#define DP__MC 96
#define DP__NC 512
#define DP__GEMM_WORK ((size_t)DP__KC * (DP__NC + DP__MC) + 64)

#ifdef DP__VW
typedef float dp__vf __attribute__((vector_size(4 * DP__VW)));
/* C[mr x nr] (+)= A-strip[kc x MR] * B-strip[kc x NR]: an MR x NR tile kept
   in 12 vector registers, one broadcast of A per row and two loads of B per
   step of k. */
/* A is read through six row pointers advancing by `as` floats per step of
   k: (a, a+1, ..., as = MR) for a packed strip, or six rows of a row-major
   matrix (as = 1), which saves packing A when it is used by few B strips. */
/* GCC in ISO C mode (-std=c99) does not fuse a*b+c into one FMA; the
   micro-kernel asks for it (2x its throughput on FMA hardware). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=fast")))
#endif
static void dp__ukernel_rows(int kc, const float *const *ar, ptrdiff_t as, const float *b,
                             float *c, int ldc, int acc, int mr, int nr)
{
    dp__vf c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, b0, b1;
    float tile[DP__MR * DP__NR];
    const float *a0 = ar[0], *a1 = ar[1], *a2 = ar[2], *a3 = ar[3], *a4 = ar[4], *a5 = ar[5];
    ptrdiff_t p, q;
    int i, j;
    memset(&c00, 0, sizeof c00);
    c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c00;
    for (p = 0, q = 0; p < kc; p++, q += as) {
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + DP__VW, sizeof b1);
        c00 += a0[q] * b0; c01 += a0[q] * b1;
        c10 += a1[q] * b0; c11 += a1[q] * b1;
        c20 += a2[q] * b0; c21 += a2[q] * b1;
        c30 += a3[q] * b0; c31 += a3[q] * b1;
        c40 += a4[q] * b0; c41 += a4[q] * b1;
        c50 += a5[q] * b0; c51 += a5[q] * b1;
        b += DP__NR;
    }
    memcpy(tile + 0 * DP__VW, &c00, sizeof c00); memcpy(tile + 1 * DP__VW, &c01, sizeof c00);
    memcpy(tile + 2 * DP__VW, &c10, sizeof c00); memcpy(tile + 3 * DP__VW, &c11, sizeof c00);
    memcpy(tile + 4 * DP__VW, &c20, sizeof c00); memcpy(tile + 5 * DP__VW, &c21, sizeof c00);
    memcpy(tile + 6 * DP__VW, &c30, sizeof c00); memcpy(tile + 7 * DP__VW, &c31, sizeof c00);
    memcpy(tile + 8 * DP__VW, &c40, sizeof c00); memcpy(tile + 9 * DP__VW, &c41, sizeof c00);
    memcpy(tile + 10 * DP__VW, &c50, sizeof c00); memcpy(tile + 11 * DP__VW, &c51, sizeof c00);
    for (i = 0; i < mr; i++) {
        float *cr = c + (size_t)i * ldc;
        const float *tr = tile + i * DP__NR;
        if (acc) for (j = 0; j < nr; j++) cr[j] += tr[j];
        else     for (j = 0; j < nr; j++) cr[j] = tr[j];
    }
}
#else
static void dp__ukernel_rows(int kc, const float *const *ar, ptrdiff_t as, const float *b,
                             float *c, int ldc, int acc, int mr, int nr)
{
    float t[DP__MR][DP__NR];
    int p, i, j;
    memset(t, 0, sizeof t);
    for (p = 0; p < kc; p++, b += DP__NR)
        for (i = 0; i < DP__MR; i++)
            for (j = 0; j < DP__NR; j++) t[i][j] += ar[i][(ptrdiff_t)p * as] * b[j];
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++)
            c[(size_t)i * ldc + j] = (acc ? c[(size_t)i * ldc + j] : 0.0f) + t[i][j];
}
#endif

/* packed A strip [kc][MR] */
static void dp__ukernel(int kc, const float *a, const float *b, float *c, int ldc, int acc, int mr, int nr)
{
    const float *ar[DP__MR];
    int i;
    for (i = 0; i < DP__MR; i++) ar[i] = a + i;
    dp__ukernel_rows(kc, ar, DP__MR, b, c, ldc, acc, mr, nr);
}

static void dp__pack_a(int mc, int kc, const float *A, int lda, int ta,
                       int i0, int k0, float *ap)
{
    int ir, p, i;
    for (ir = 0; ir < mc; ir += DP__MR) {
        int mr = DP__MIN(DP__MR, mc - ir);
        for (p = 0; p < kc; p++) {
            for (i = 0; i < mr; i++) {
                size_t r = (size_t)(i0 + ir + i), k = (size_t)(k0 + p);
                ap[i] = ta ? A[k * lda + r] : A[r * lda + k];
            }
            for (; i < DP__MR; i++) ap[i] = 0.0f;
            ap += DP__MR;
        }
    }
}
static void dp__pack_b(int kc, int nc, const float *B, int ldb, int tb,
                       int k0, int j0, float *bp)
{
    int jr, p, j;
    for (jr = 0; jr < nc; jr += DP__NR) {
        int nr = DP__MIN(DP__NR, nc - jr);
        for (p = 0; p < kc; p++) {
            size_t k = (size_t)(k0 + p);
            if (!tb) {
                const float *src = B + k * ldb + j0 + jr;
                for (j = 0; j < nr; j++) bp[j] = src[j];
            } else {
                for (j = 0; j < nr; j++) bp[j] = B[(size_t)(j0 + jr + j) * ldb + k];
            }
            for (; j < DP__NR; j++) bp[j] = 0.0f;
            bp += DP__NR;
        }
    }
}

/* work: at least DP__GEMM_WORK floats. acc = 0 overwrites C. */
static void dp__gemm(int M, int N, int K, const float *A, int lda, int ta,
                     const float *B, int ldb, int tb, float *C, int ldc,
                     int acc, float *work)
{
    float *bp = work, *ap = work + (size_t)DP__KC * DP__NC;
    int jc, pc, ic, jr, ir, kstep;
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!acc) for (ic = 0; ic < M; ic++) memset(C + (size_t)ic * ldc, 0, sizeof(float) * N);
        return;
    }
    kstep = (K + (K + DP__KC - 1) / DP__KC - 1) / ((K + DP__KC - 1) / DP__KC);
    for (jc = 0; jc < N; jc += DP__NC) {
        int nc = DP__MIN(DP__NC, N - jc);
        for (pc = 0; pc < K; pc += kstep) {
            int kc = DP__MIN(kstep, K - pc);
            int accp = acc || pc > 0;
            dp__pack_b(kc, nc, B, ldb, tb, pc, jc, bp);
            if (!ta && nc <= 4 * DP__NR) {
                /* A row-major and used by at most four B strips: packing it
                   would cost about as much as the multiply; read it in place */
                for (ic = 0; ic < M; ic += DP__MR) {
                    int mr = DP__MIN(DP__MR, M - ic), i;
                    const float *ar[DP__MR];
                    for (i = 0; i < DP__MR; i++) ar[i] = A + (size_t)(ic + (i < mr ? i : 0)) * lda + pc;
                    for (jr = 0; jr < nc; jr += DP__NR)
                        dp__ukernel_rows(kc, ar, 1, bp + (size_t)jr * kc, C + (size_t)ic * ldc + jc + jr, ldc,
                                         accp, mr, DP__MIN(DP__NR, nc - jr));
                }
                continue;
            }
            for (ic = 0; ic < M; ic += DP__MC) {
                int mc = DP__MIN(DP__MC, M - ic);
                dp__pack_a(mc, kc, A, lda, ta, ic, pc, ap);
                for (jr = 0; jr < nc; jr += DP__NR) {
                    int nr = DP__MIN(DP__NR, nc - jr);
                    for (ir = 0; ir < mc; ir += DP__MR) {
                        int mr = DP__MIN(DP__MR, mc - ir);
                        dp__ukernel(kc, ap + (size_t)ir * kc, bp + (size_t)jr * kc,
                                    C + (size_t)(ic + ir) * ldc + jc + jr, ldc,
                                    accp, mr, nr);
                    }
                }
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* >>graph                                                                */
/* ---------------------------------------------------------------------- */
typedef struct dp__node {
    int op;
    char name[48];
    int n_in;
    int *in;
    int h, w, c;                    /* output shape per sample           */
    int kh, kw, sh, sw, dh, dw;     /* conv / pool geometry              */
    int pt, pl, pb, pr;             /* padding                           */
    int groups, has_bias;
    float p;                        /* dropout rate; leaky_relu slope    */
    size_t w_off, w_n, b_off, b_n;  /* ranges in graph params            */
    size_t s_off, s_n;              /* running mean+var in graph state   */
    float *y, *dy;                  /* [batch*h*w*c]                     */
    float *aux;                     /* dropout mask, softmax probs, bn mean/invstd/mean remainder,
                                       maxpool window position of the max */
    int dy_written;                 /* backward: has dy been written?    */
    int n_cons;                     /* nodes reading this one            */
    int fused;                      /* bn: activation op fused into it; act: 1 */
    float bn_eps, bn_mom;           /* bn: 0 = default (1e-5, 0.1)       */
    int grad_seen;                  /* last backward ran this node's kernel */
} dp__node;

struct dp_graph {
    dp__node *nodes;
    int n_nodes, cap_nodes;
    float *params, *grads;
    size_t n_params, cap_params;
    float *state;                   /* batch-norm running statistics     */
    size_t n_state, cap_state;
    int status;
    char err[256];
    dp_rng rng;                     /* initialisation                    */
    uint64_t seed, fwd_count;       /* dropout masks derive from these   */
    int batch_cap, batch;
    int *labels;
    int labels_n;
    int loss_node;
    float loss;
    int n_correct;
    int input_grad;                 /* gradient check: d/d(input) too    */
    float *ws;                      /* per-thread workspace              */
    size_t ws_per_thread;
    size_t ws_part;                 /* offset of the parameter-gradient part */
    int ws_threads;
    int freeze_dropout;             /* gradient check: same masks again  */
    int train_mode_last;            /* mode of the last forward          */
    double *prof;                   /* [2*n_nodes] seconds fwd, bwd      */
    int no_fuse;                    /* dp_graph_set_fusion(g, 0)          */
    int qat;                        /* quantisation-aware training on     */
    float *params_q;                /* fake-quantised copy of params      */
    float *qrange;                  /* [2*n_nodes] tracked lo, hi         */
    unsigned char *qtail;           /* [n_nodes] 1: an int8 tensor, 2: seen */
    int in_q_set, in_q_zp;          /* dp_graph_set_input_quant           */
    float in_q_scale;
    int in_q_tail;                  /* tail node of the input's tensor    */
    long prof_calls[2];
    int mask_n;                     /* length of the mask arrays          */
    float **mask;                   /* [mask_n] channel mask of a node's output */
    float **mpre;                   /* [mask_n] output before the mask    */
    size_t *mpre_cap;
    double **mgrad;                 /* [mask_n] accumulated dL/dmask      */
    int mask_grad, mask_pre_ok;     /* dp_graph_mask_grad; pre copies valid */
    int bwd_done;                   /* a backward pass has run            */
    int want_in_grad, in_grad_ok;   /* dp_graph_set_input_grad; dy of input valid */
};

/* The op table (>>optable, after the kernels): dp__opdef(op) is op's row. */
enum { DP__AUX_NONE = 0, DP__AUX_ELEM, DP__AUX_BN };   /* aux: none, 1 float per activation, 3 per channel */
typedef struct dp__op_def {
    const char *name;                                         /* dp_op_name          */
    int (*fwd)(dp_graph *g, dp__node *nd, int n, int train);  /* NULL: none          */
    void (*bwd)(dp_graph *g, dp__node *nd, int n, int train); /* NULL: no gradient   */
    int aux;                                                  /* DP__AUX_*: nd->aux  */
    int mcu_act;           /* element-wise, fused into the int8 op producing its input */
    size_t (*ws)(const dp_graph *g, const dp__node *nd);      /* per-thread floats   */
    /* the resource model: MACs and parameter bytes at co output and ci
       input channels, d/dco added at gm/gs[a] (a: the node), d/dci at
       [input 0]; NULL: none */
    void (*cost)(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                 int64_t *macs, int64_t *bytes, double *gm, double *gs);
} dp__op_def;
static const dp__op_def *dp__opdef(int op);

dp_graph *dp_graph_new(uint64_t seed)
{
    dp_graph *g = (dp_graph *)DP_CALLOC(1, sizeof(dp_graph));
    if (!g) return NULL;
    g->seed = seed;
    g->loss_node = -1;
    dp_rng_seed(&g->rng, seed);
    return g;
}

static void dp__free_buffers(dp_graph *g)
{
    int i;
    for (i = 0; i < g->n_nodes; i++) {
        dp__node *nd = &g->nodes[i];
        DP_FREE(nd->y); DP_FREE(nd->dy); DP_FREE(nd->aux);
        nd->y = nd->dy = nd->aux = NULL;
    }
    DP_FREE(g->labels); g->labels = NULL;
    DP_FREE(g->ws); g->ws = NULL;
    g->batch_cap = 0;
}

static void dp__mask_free(dp_graph *g)
{
    int i;
    for (i = 0; g->mask && i < g->mask_n; i++) { DP_FREE(g->mask[i]); DP_FREE(g->mpre[i]); DP_FREE(g->mgrad[i]); }
    DP_FREE(g->mask); DP_FREE(g->mpre); DP_FREE(g->mpre_cap); DP_FREE(g->mgrad);
    g->mask = g->mpre = NULL; g->mpre_cap = NULL; g->mgrad = NULL; g->mask_n = 0;
}

void dp_graph_free(dp_graph *g)
{
    int i;
    if (!g) return;
    dp__free_buffers(g);
    for (i = 0; i < g->n_nodes; i++) DP_FREE(g->nodes[i].in);
    DP_FREE(g->nodes); DP_FREE(g->params); DP_FREE(g->grads); DP_FREE(g->state);
    DP_FREE(g->prof);
    DP_FREE(g->params_q); DP_FREE(g->qrange); DP_FREE(g->qtail);
    dp__mask_free(g);
    DP_FREE(g);
}

const char *dp_graph_error(const dp_graph *g) { return g ? g->err : "no graph"; }
int dp_graph_status(const dp_graph *g) { return g ? g->status : DP_ERR_ARG; }
int dp_graph_n_nodes(const dp_graph *g) { return g ? g->n_nodes : 0; }
size_t dp_graph_n_params(const dp_graph *g) { return g ? g->n_params : 0; }
float *dp_graph_params(dp_graph *g) { return g->params; }
float *dp_graph_grads(dp_graph *g) { return g->grads; }
int dp_graph_output(const dp_graph *g) { return g && g->n_nodes ? g->n_nodes - 1 : DP_ERR_ARG; }

int dp_graph_find(const dp_graph *g, const char *name)
{
    int i;
    for (i = 0; g && name && i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i].name, name)) return i;
    return DP_ERR_ARG;
}

int dp_graph_node(const dp_graph *g, int id, dp_node_info *f)
{
    const dp__node *nd;
    if (!g || !f || id < 0 || id >= g->n_nodes) return DP_ERR_ARG;
    nd = &g->nodes[id];
    memset(f, 0, sizeof *f);
    f->op = nd->op; f->name = nd->name; f->n_in = nd->n_in; f->in = nd->in;
    f->h = nd->h; f->w = nd->w; f->c = nd->c;
    if (nd->n_in > 0) {
        const dp__node *x = &g->nodes[nd->in[0]];
        f->in_h = x->h; f->in_w = x->w; f->in_c = x->c;
    }
    f->kh = nd->kh; f->kw = nd->kw; f->sh = nd->sh; f->sw = nd->sw;
    f->dh = nd->dh; f->dw = nd->dw;
    f->pad_t = nd->pt; f->pad_l = nd->pl; f->pad_b = nd->pb; f->pad_r = nd->pr;
    f->groups = nd->groups; f->has_bias = nd->has_bias;
    f->n_weight = nd->w_n; f->n_bias = nd->b_n;
    f->weight = nd->w_n ? g->params + nd->w_off : NULL;
    f->bias = nd->b_n ? g->params + nd->b_off : NULL;
    f->grad_weight = (nd->w_n && g->grads) ? g->grads + nd->w_off : NULL;
    f->grad_bias = (nd->b_n && g->grads) ? g->grads + nd->b_off : NULL;
    if (nd->op == DP_OP_BN) {
        f->running_mean = g->state + nd->s_off;
        f->running_var = g->state + nd->s_off + nd->c;
    }
    f->out = nd->y;
    return DP_OK;
}

static int dp__fail(dp_graph *g, int status, const char *fmt, ...)
{
    if (g->status == DP_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g->err, sizeof g->err, fmt, ap);
        va_end(ap);
        g->status = status;
    }
    return status;
}

/* Checks the builder's inputs; returns DP_OK or the (sticky) error. */
static int dp__check_inputs(dp_graph *g, const char *what, int n, const int *xs)
{
    int i;
    if (!g) return DP_ERR_ARG;
    for (i = 0; i < n; i++) {
        if (xs[i] < 0) return g->status != DP_OK ? g->status : xs[i];
        if (xs[i] >= g->n_nodes)
            return dp__fail(g, DP_ERR_ARG, "%s: input %d is node %d, which does not exist", what, i, xs[i]);
        if (g->nodes[xs[i]].op == DP_OP_SOFTMAX_CE)
            return dp__fail(g, DP_ERR_ARG, "%s: cannot read the loss node '%s'", what, g->nodes[xs[i]].name);
    }
    return g->status;
}

static size_t dp__grow_params(dp_graph *g, size_t n, int *ok)
{
    size_t off = g->n_params;
    if (g->n_params + n > g->cap_params) {
        float *p = (float *)dp__grow(g->params, &g->cap_params, g->n_params + n, sizeof(float));
        if (!p) { *ok = 0; return 0; }
        g->params = p;
    }
    g->n_params += n;
    return off;
}

/* Appends a node with the given inputs and output shape. */
static int dp__add_node(dp_graph *g, int op, const char *name, int n_in,
                        const int *in, int h, int w, int c)
{
    dp__node *nd;
    int i;
    if (g->n_nodes == g->cap_nodes) {
        dp__node *p = (dp__node *)dp__grow_int(g->nodes, &g->cap_nodes, g->n_nodes + 1, sizeof(dp__node));
        if (!p) return dp__fail(g, DP_ERR_NOMEM, "out of memory adding a node");
        g->nodes = p;
    }
    nd = &g->nodes[g->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->op = op;
    if (name && *name) snprintf(nd->name, sizeof nd->name, "%s", name);
    else snprintf(nd->name, sizeof nd->name, "%s%d", dp__opdef(op)->name, g->n_nodes);
    if (n_in > 0) {
        nd->in = (int *)DP_MALLOC(sizeof(int) * (size_t)n_in);
        if (!nd->in) return dp__fail(g, DP_ERR_NOMEM, "out of memory adding a node");
        for (i = 0; i < n_in; i++) nd->in[i] = in[i];
    }
    nd->n_in = n_in;
    nd->h = h; nd->w = w; nd->c = c;
    nd->sh = nd->sw = nd->dh = nd->dw = nd->kh = nd->kw = nd->groups = 1;
    if (g->batch_cap) dp__free_buffers(g);   /* shapes changed: reallocate */
    return g->n_nodes++;
}

/* Adds n_w weights and n_b biases to node id (zero-filled). */
static int dp__node_params(dp_graph *g, int id, size_t n_w, size_t n_b)
{
    int ok = 1;
    size_t wo = dp__grow_params(g, n_w, &ok), bo = ok ? dp__grow_params(g, n_b, &ok) : 0;
    if (!ok) return dp__fail(g, DP_ERR_NOMEM, "out of memory for parameters of '%s'", g->nodes[id].name);
    g->nodes[id].w_off = wo; g->nodes[id].w_n = n_w;
    g->nodes[id].b_off = bo; g->nodes[id].b_n = n_b;
    memset(g->params + wo, 0, sizeof(float) * (n_w + n_b));
    DP_FREE(g->grads); g->grads = NULL;
    return DP_OK;
}

static void dp__init_weights(dp_graph *g, float *w, size_t n, int fan_in, int fan_out, int init)
{
    size_t i;
    if (init == DP_INIT_GLOROT) {
        float lim = sqrtf(6.0f / (float)(fan_in + fan_out));
        for (i = 0; i < n; i++) w[i] = (2.0f * dp_rng_uniform(&g->rng) - 1.0f) * lim;
    } else {
        float sd = sqrtf(2.0f / (float)fan_in);
        for (i = 0; i < n; i++) w[i] = dp_rng_normal(&g->rng) * sd;
    }
}

int dp_input(dp_graph *g, const char *name, int h, int w, int c)
{
    if (!g) return DP_ERR_ARG;
    if (g->status) return g->status;
    if (h <= 0 || w <= 0 || c <= 0)
        return dp__fail(g, DP_ERR_SHAPE, "input '%s': shape %dx%dx%d is not positive", name ? name : "", h, w, c);
    return dp__add_node(g, DP_OP_INPUT, name, 0, NULL, h, w, c);
}

/* Output size and padding for one spatial dimension. Returns -1 when the
   (dilated) kernel does not fit the padded input. */
static int dp__out_dim(int in, int k, int s, int d, int pad, int *p0, int *p1)
{
    int ke = (k - 1) * d + 1, out;
    if (pad == DP_PAD_SAME) {
        int total;
        out = (in + s - 1) / s;
        total = DP__MAX((out - 1) * s + ke - in, 0);
        *p0 = total / 2; *p1 = total - *p0;
    } else if (pad == DP_PAD_VALID) {
        *p0 = *p1 = 0;
    }
    if (*p0 < 0 || *p1 < 0) return -1;
    if (in + *p0 + *p1 < ke) return -1;
    out = (in + *p0 + *p1 - ke) / s + 1;
    return out;
}

int dp_conv2d(dp_graph *g, const char *name, int x, int cout, int kh, int kw,
              const dp_conv_opts *o)
{
    dp_conv_opts d;
    dp__node *in;
    int st, oh, ow, id, pt = 0, pb = 0, pl = 0, pr = 0, cg, kdh, kdw;
    const char *nm = name ? name : "conv";
    if ((st = dp__check_inputs(g, nm, 1, &x)) != DP_OK) return st;
    memset(&d, 0, sizeof d);
    if (o) d = *o;
    if (!d.stride_h) d.stride_h = 1;
    if (!d.stride_w) d.stride_w = 1;
    if (!d.dil_h) d.dil_h = 1;
    if (!d.dil_w) d.dil_w = 1;
    if (!d.groups) d.groups = 1;
    in = &g->nodes[x];
    if (cout <= 0 || kh <= 0 || kw <= 0 || d.stride_h < 0 || d.stride_w < 0 || d.dil_h < 0 || d.dil_w < 0 || d.groups < 0)
        return dp__fail(g, DP_ERR_ARG, "conv '%s': non-positive size, kernel, stride, dilation or groups", nm);
    if (in->c % d.groups || cout % d.groups)
        return dp__fail(g, DP_ERR_SHAPE, "conv '%s': %d input and %d output channels are not divisible by %d groups", nm, in->c, cout, d.groups);
    if (d.pad == DP_PAD_EXPLICIT) { pt = d.pad_t; pb = d.pad_b; pl = d.pad_l; pr = d.pad_r; }
    else if (d.pad != DP_PAD_SAME && d.pad != DP_PAD_VALID)
        return dp__fail(g, DP_ERR_ARG, "conv '%s': unknown padding mode %d", nm, d.pad);
    oh = dp__out_dim(in->h, kh, d.stride_h, d.dil_h, d.pad, &pt, &pb);
    ow = dp__out_dim(in->w, kw, d.stride_w, d.dil_w, d.pad, &pl, &pr);
    kdh = (kh - 1) * d.dil_h + 1; kdw = (kw - 1) * d.dil_w + 1;
    if (oh <= 0 || ow <= 0)
        return dp__fail(g, DP_ERR_SHAPE, "conv '%s': kernel %dx%d (%dx%d dilated) is larger than its padded input %dx%d (input '%s' is %dx%dx%d)",
                        nm, kh, kw, kdh, kdw, in->h + pt + pb, in->w + pl + pr, in->name, in->h, in->w, in->c);
    id = dp__add_node(g, DP_OP_CONV, name, 1, &x, oh, ow, cout);
    if (id < 0) return id;
    {
        dp__node *nd = &g->nodes[id];
        nd->kh = kh; nd->kw = kw; nd->sh = d.stride_h; nd->sw = d.stride_w;
        nd->dh = d.dil_h; nd->dw = d.dil_w; nd->pt = pt; nd->pb = pb; nd->pl = pl; nd->pr = pr;
        nd->groups = d.groups; nd->has_bias = !d.no_bias;
    }
    cg = g->nodes[x].c / d.groups;
    if ((st = dp__node_params(g, id, (size_t)cout * kh * kw * cg, d.no_bias ? 0 : (size_t)cout)) != DP_OK) return st;
    dp__init_weights(g, g->params + g->nodes[id].w_off, g->nodes[id].w_n, kh * kw * cg,
                     kh * kw * (cout / d.groups), d.init);
    return id;
}

int dp_batchnorm(dp_graph *g, const char *name, int x)
{
    int st, id, c;
    size_t i;
    if ((st = dp__check_inputs(g, name ? name : "bn", 1, &x)) != DP_OK) return st;
    c = g->nodes[x].c;
    id = dp__add_node(g, DP_OP_BN, name, 1, &x, g->nodes[x].h, g->nodes[x].w, c);
    if (id < 0) return id;
    if ((st = dp__node_params(g, id, (size_t)c, (size_t)c)) != DP_OK) return st;
    for (i = 0; i < (size_t)c; i++) g->params[g->nodes[id].w_off + i] = 1.0f;
    if (g->n_state + 2 * (size_t)c > g->cap_state) {
        float *p = (float *)dp__grow(g->state, &g->cap_state, g->n_state + 2 * (size_t)c, sizeof(float));
        if (!p) return dp__fail(g, DP_ERR_NOMEM, "out of memory for '%s'", g->nodes[id].name);
        g->state = p;
    }
    g->nodes[id].s_off = g->n_state; g->nodes[id].s_n = 2 * (size_t)c;
    for (i = 0; i < (size_t)c; i++) {
        g->state[g->n_state + i] = 0.0f;
        g->state[g->n_state + c + i] = 1.0f;
    }
    g->n_state += 2 * (size_t)c;
    return id;
}

static int dp__unary(dp_graph *g, int op, const char *name, int x)
{
    int st;
    if ((st = dp__check_inputs(g, name ? name : dp__opdef(op)->name, 1, &x)) != DP_OK) return st;
    return dp__add_node(g, op, name, 1, &x, g->nodes[x].h, g->nodes[x].w, g->nodes[x].c);
}
int dp_relu(dp_graph *g, const char *name, int x) { return dp__unary(g, DP_OP_RELU, name, x); }
int dp_relu6(dp_graph *g, const char *name, int x) { return dp__unary(g, DP_OP_RELU6, name, x); }
int dp_sigmoid(dp_graph *g, const char *name, int x) { return dp__unary(g, DP_OP_SIGMOID, name, x); }
int dp_swish(dp_graph *g, const char *name, int x) { return dp__unary(g, DP_OP_SWISH, name, x); }
int dp_leaky_relu(dp_graph *g, const char *name, int x, float slope)
{
    int id;
    if (g && !g->status && !(slope - slope == 0.0f))
        return dp__fail(g, DP_ERR_ARG, "leaky_relu '%s': slope %g is not finite", name ? name : "", (double)slope);
    id = dp__unary(g, DP_OP_LEAKY_RELU, name, x);
    if (id >= 0) g->nodes[id].p = slope;
    return id;
}
int dp_dropout(dp_graph *g, const char *name, int x, float p)
{
    int id;
    if (g && !g->status && !(p >= 0.0f && p < 1.0f))
        return dp__fail(g, DP_ERR_ARG, "dropout '%s': rate %g is not in [0, 1)", name ? name : "", (double)p);
    id = dp__unary(g, DP_OP_DROPOUT, name, x);
    if (id >= 0) g->nodes[id].p = p;
    return id;
}

static int dp__pool(dp_graph *g, int op, const char *name, int x, int kh, int kw, const dp_pool_opts *o)
{
    dp_pool_opts d;
    dp__node *in;
    int st, id, oh, ow, pt = 0, pb = 0, pl = 0, pr = 0;
    const char *nm = name ? name : dp__opdef(op)->name;
    if ((st = dp__check_inputs(g, nm, 1, &x)) != DP_OK) return st;
    memset(&d, 0, sizeof d);
    if (o) d = *o; else d.pad = DP_PAD_VALID;
    if (!d.stride_h) d.stride_h = kh;
    if (!d.stride_w) d.stride_w = kw;
    if (kh <= 0 || kw <= 0 || d.stride_h <= 0 || d.stride_w <= 0)
        return dp__fail(g, DP_ERR_ARG, "%s '%s': non-positive kernel or stride", dp__opdef(op)->name, nm);
    if (d.pad == DP_PAD_EXPLICIT) {
        pt = d.pad_t; pb = d.pad_b; pl = d.pad_l; pr = d.pad_r;
        if (pt >= kh || pb >= kh || pl >= kw || pr >= kw)
            return dp__fail(g, DP_ERR_SHAPE, "%s '%s': padding must be smaller than the kernel", dp__opdef(op)->name, nm);
    }
    in = &g->nodes[x];
    oh = dp__out_dim(in->h, kh, d.stride_h, 1, d.pad, &pt, &pb);
    ow = dp__out_dim(in->w, kw, d.stride_w, 1, d.pad, &pl, &pr);
    if (oh <= 0 || ow <= 0)
        return dp__fail(g, DP_ERR_SHAPE, "%s '%s': window %dx%d is larger than its padded input %dx%d",
                        dp__opdef(op)->name, nm, kh, kw, in->h + pt + pb, in->w + pl + pr);
    id = dp__add_node(g, op, name, 1, &x, oh, ow, in->c);
    if (id >= 0) {
        dp__node *nd = &g->nodes[id];
        nd->kh = kh; nd->kw = kw; nd->sh = d.stride_h; nd->sw = d.stride_w;
        nd->pt = pt; nd->pb = pb; nd->pl = pl; nd->pr = pr;
    }
    return id;
}
int dp_maxpool(dp_graph *g, const char *name, int x, int kh, int kw, const dp_pool_opts *o)
{ return dp__pool(g, DP_OP_MAXPOOL, name, x, kh, kw, o); }
int dp_avgpool(dp_graph *g, const char *name, int x, int kh, int kw, const dp_pool_opts *o)
{ return dp__pool(g, DP_OP_AVGPOOL, name, x, kh, kw, o); }

int dp_global_avgpool(dp_graph *g, const char *name, int x)
{
    int st;
    if ((st = dp__check_inputs(g, name ? name : "gap", 1, &x)) != DP_OK) return st;
    return dp__add_node(g, DP_OP_GAP, name, 1, &x, 1, 1, g->nodes[x].c);
}

int dp_fc(dp_graph *g, const char *name, int x, int units)
{
    int st, id, fan_in;
    if ((st = dp__check_inputs(g, name ? name : "fc", 1, &x)) != DP_OK) return st;
    if (units <= 0) return dp__fail(g, DP_ERR_ARG, "fc '%s': %d units", name ? name : "", units);
    fan_in = g->nodes[x].h * g->nodes[x].w * g->nodes[x].c;
    id = dp__add_node(g, DP_OP_FC, name, 1, &x, 1, 1, units);
    if (id < 0) return id;
    g->nodes[id].has_bias = 1;
    if ((st = dp__node_params(g, id, (size_t)units * fan_in, (size_t)units)) != DP_OK) return st;
    dp__init_weights(g, g->params + g->nodes[id].w_off, g->nodes[id].w_n, fan_in, units, DP_INIT_GLOROT);
    return id;
}

int dp_add(dp_graph *g, const char *name, int n, const int *xs)
{
    int st, i;
    const char *nm = name ? name : "add";
    if (!g) return DP_ERR_ARG;
    if (n < 2 || !xs) return g->status ? g->status : dp__fail(g, DP_ERR_ARG, "add '%s': needs at least 2 inputs", nm);
    if ((st = dp__check_inputs(g, nm, n, xs)) != DP_OK) return st;
    for (i = 1; i < n; i++) {
        const dp__node *a = &g->nodes[xs[0]], *b = &g->nodes[xs[i]];
        if (a->h != b->h || a->w != b->w || a->c != b->c)
            return dp__fail(g, DP_ERR_SHAPE, "add '%s': input %d ('%s') is %dx%dx%d but input 0 ('%s') is %dx%dx%d",
                            nm, i, b->name, b->h, b->w, b->c, a->name, a->h, a->w, a->c);
    }
    return dp__add_node(g, DP_OP_ADD, name, n, xs, g->nodes[xs[0]].h, g->nodes[xs[0]].w, g->nodes[xs[0]].c);
}
int dp_add2(dp_graph *g, const char *name, int a, int b)
{
    int xs[2];
    xs[0] = a; xs[1] = b;
    return dp_add(g, name, 2, xs);
}

int dp_channel_mul(dp_graph *g, const char *name, int x, int s)
{
    int st, xs[2];
    const char *nm = name ? name : "cmul";
    xs[0] = x; xs[1] = s;
    if ((st = dp__check_inputs(g, nm, 2, xs)) != DP_OK) return st;
    if (g->nodes[s].h != 1 || g->nodes[s].w != 1 || g->nodes[s].c != g->nodes[x].c)
        return dp__fail(g, DP_ERR_SHAPE, "cmul '%s': scale '%s' is %dx%dx%d, expected 1x1x%d",
                        nm, g->nodes[s].name, g->nodes[s].h, g->nodes[s].w, g->nodes[s].c, g->nodes[x].c);
    return dp__add_node(g, DP_OP_CMUL, name, 2, xs, g->nodes[x].h, g->nodes[x].w, g->nodes[x].c);
}

int dp_concat(dp_graph *g, const char *name, int n, const int *xs)
{
    int st, i, c = 0;
    const char *nm = name ? name : "concat";
    if (!g) return DP_ERR_ARG;
    if (n < 1 || !xs) return g->status ? g->status : dp__fail(g, DP_ERR_ARG, "concat '%s': no inputs", nm);
    if ((st = dp__check_inputs(g, nm, n, xs)) != DP_OK) return st;
    for (i = 0; i < n; i++) {
        const dp__node *a = &g->nodes[xs[0]], *b = &g->nodes[xs[i]];
        if (a->h != b->h || a->w != b->w)
            return dp__fail(g, DP_ERR_SHAPE, "concat '%s': input %d ('%s') is %dx%d spatially but input 0 ('%s') is %dx%d",
                            nm, i, b->name, b->h, b->w, a->name, a->h, a->w);
        c += b->c;
    }
    return dp__add_node(g, DP_OP_CONCAT, name, n, xs, g->nodes[xs[0]].h, g->nodes[xs[0]].w, c);
}

int dp_flatten(dp_graph *g, const char *name, int x)
{
    int st;
    if ((st = dp__check_inputs(g, name ? name : "flatten", 1, &x)) != DP_OK) return st;
    return dp__add_node(g, DP_OP_FLATTEN, name, 1, &x, 1, 1, g->nodes[x].h * g->nodes[x].w * g->nodes[x].c);
}

int dp_softmax_ce(dp_graph *g, const char *name, int x)
{
    int st, id;
    if ((st = dp__check_inputs(g, name ? name : "loss", 1, &x)) != DP_OK) return st;
    if (g->loss_node >= 0) return dp__fail(g, DP_ERR_ARG, "softmax_ce '%s': the graph already has a loss node", name ? name : "");
    id = dp__add_node(g, DP_OP_SOFTMAX_CE, name, 1, &x, 1, 1, g->nodes[x].h * g->nodes[x].w * g->nodes[x].c);
    if (id >= 0) g->loss_node = id;
    return id;
}

int dp_conv_bn_act(dp_graph *g, const char *name, int x, int cout, int k,
                   int stride, int groups, int act)
{
    dp_conv_opts o;
    char nm[64];
    int y;
    memset(&o, 0, sizeof o);
    o.stride_h = o.stride_w = stride;
    o.groups = groups;
    o.no_bias = 1;
    y = dp_conv2d(g, name, x, cout, k, k, &o);
    snprintf(nm, sizeof nm, "%s_bn", name ? name : "conv");
    y = dp_batchnorm(g, name ? nm : NULL, y);
    snprintf(nm, sizeof nm, "%s_%s", name ? name : "conv",
             act == DP_ACT_RELU6 ? "relu6" : act == DP_ACT_SWISH ? "swish" : "relu");
    if (act == DP_ACT_RELU) y = dp_relu(g, name ? nm : NULL, y);
    else if (act == DP_ACT_RELU6) y = dp_relu6(g, name ? nm : NULL, y);
    else if (act == DP_ACT_SWISH) y = dp_swish(g, name ? nm : NULL, y);
    return y;
}

void dp_graph_print(const dp_graph *g, void *file)
{
    FILE *f = file ? (FILE *)file : stdout;
    int i, j;
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        fprintf(f, "%3d %-16s %-10s %4dx%-4dx%5d params=%-8lu in=", i, nd->name, dp__opdef(nd->op)->name,
                nd->h, nd->w, nd->c, (unsigned long)(nd->w_n + nd->b_n));
        for (j = 0; j < nd->n_in; j++) fprintf(f, "%s%s", j ? "," : "", g->nodes[nd->in[j]].name);
        fputc('\n', f);
    }
}

void dp_graph_set_fusion(dp_graph *g, int on) { if (g) g->no_fuse = !on; }

/* Marks batch-norm + ReLU/ReLU6 pairs for this forward pass. */
static void dp__plan_fusion(dp_graph *g)
{
    int i, k;
    for (i = 0; i < g->n_nodes; i++) { g->nodes[i].n_cons = 0; g->nodes[i].fused = 0; }
    for (i = 0; i < g->n_nodes; i++)
        for (k = 0; k < g->nodes[i].n_in; k++) g->nodes[g->nodes[i].in[k]].n_cons++;
    if (g->no_fuse || g->input_grad) return;   /* the gradient check sees every node */
    for (i = 0; i + 1 < g->n_nodes; i++) {
        dp__node *bn = &g->nodes[i], *a = &g->nodes[i + 1];
        if (bn->op == DP_OP_BN && bn->n_cons == 1 && (a->op == DP_OP_RELU || a->op == DP_OP_RELU6) && a->in[0] == i
            && !(i < g->mask_n && g->mask[i])) {
            bn->fused = a->op;
            a->fused = 1;
        }
    }
}

void dp_graph_profile(dp_graph *g, int on)
{
    if (!g) return;
    DP_FREE(g->prof);
    g->prof = on ? (double *)DP_CALLOC(2 * (size_t)g->n_nodes + 1, sizeof(double)) : NULL;
    g->prof_calls[0] = g->prof_calls[1] = 0;
}

void dp_graph_print_profile(const dp_graph *g, void *file)
{
    FILE *f = file ? (FILE *)file : stdout;
    int i, j, n, *idx;
    double tf = 0, tb = 0, cf, cb;
    if (!g || !g->prof) return;
    n = g->n_nodes;
    cf = g->prof_calls[0] ? 1e3 / g->prof_calls[0] : 0.0;
    cb = g->prof_calls[1] ? 1e3 / g->prof_calls[1] : 0.0;
    idx = (int *)DP_MALLOC(sizeof(int) * (size_t)(n + 1));
    if (!idx) return;
    for (i = 0; i < n; i++) idx[i] = i;
    for (i = 1; i < n; i++) {   /* insertion sort by total time, slowest first */
        int k = idx[i];
        double tk = g->prof[k] * cf + g->prof[n + k] * cb;
        for (j = i; j > 0 && g->prof[idx[j - 1]] * cf + g->prof[n + idx[j - 1]] * cb < tk; j--) idx[j] = idx[j - 1];
        idx[j] = k;
    }
    fprintf(f, "%-20s %-10s %10s %10s\n", "node", "op", "fwd_ms", "bwd_ms");
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[idx[i]];
        fprintf(f, "%-20s %-10s %10.3f %10.3f\n", nd->name, dp__opdef(nd->op)->name, g->prof[idx[i]] * cf, g->prof[n + idx[i]] * cb);
        tf += g->prof[idx[i]] * cf; tb += g->prof[n + idx[i]] * cb;
    }
    fprintf(f, "%-20s %-10s %10.3f %10.3f\n", "total", "", tf, tb);
    DP_FREE(idx);
}

/* Row block for im2col: about 64 K floats of columns per block. */
static int dp__conv_rows(int K) { return DP__MAX(48, DP__MIN(1024, 65536 / DP__MAX(K, 1))); }

/* Allocates activations for batch n and the per-thread workspace. */
static int dp__ensure(dp_graph *g, int n)
{
    int i, T = dp_get_threads();
    size_t ws = DP__GEMM_WORK + 64, maxp = 0;
    if (g->status) return g->status;
    if (n <= 0) return DP_ERR_ARG;
    if (!g->grads) {
        g->grads = (float *)DP_CALLOC(g->n_params + 1, sizeof(float));
        if (!g->grads) return dp__fail(g, DP_ERR_NOMEM, "out of memory for gradients");
    }
    if (n <= g->batch_cap && g->ws && g->ws_threads >= T) return DP_OK;
    dp__free_buffers(g);
    for (i = 0; i < g->n_nodes; i++) {
        dp__node *nd = &g->nodes[i];
        size_t sz = (size_t)n * nd->h * nd->w * nd->c;
        nd->y = (float *)DP_MALLOC(sizeof(float) * sz);
        nd->dy = (float *)DP_MALLOC(sizeof(float) * sz);
        if (!nd->y || !nd->dy) return dp__fail(g, DP_ERR_NOMEM, "out of memory for activations of '%s' at batch %d", nd->name, n);
        if (dp__opdef(nd->op)->aux != DP__AUX_NONE) {
            nd->aux = (float *)DP_MALLOC(sizeof(float) * (dp__opdef(nd->op)->aux == DP__AUX_BN ? 3 * (size_t)nd->c : sz));
            if (!nd->aux) return dp__fail(g, DP_ERR_NOMEM, "out of memory for '%s'", nd->name);
        }
        if (dp__opdef(nd->op)->ws) ws = DP__MAX(ws, dp__opdef(nd->op)->ws(g, nd));
        maxp = DP__MAX(maxp, nd->w_n + nd->b_n);
    }
    g->ws_part = ws;
    ws += maxp + 64;
    g->labels = (int *)DP_MALLOC(sizeof(int) * (size_t)n);
    g->ws = (float *)DP_MALLOC(sizeof(float) * ws * (size_t)T);
    if (!g->labels || !g->ws) return dp__fail(g, DP_ERR_NOMEM, "out of memory for the workspace");
    g->ws_per_thread = ws;
    g->ws_threads = T;
    g->batch_cap = n;
    g->labels_n = 0;
    return DP_OK;
}

/* ---------------------------------------------------------------------- */
/* >>forward  forward and backward kernels, one pair per op                      */
/* ---------------------------------------------------------------------- */
#ifdef _OPENMP
#define DP__OMP(x) _Pragma(#x)
#else
#define DP__OMP(x)
#endif
#define DP__PAR_MIN 32768L   /* elements below which loops stay serial */

static float *dp__thread_ws(dp_graph *g, int t) { return g->ws + (size_t)t * g->ws_per_thread; }
static int dp__threads_for(int work_items) { return DP__MAX(1, DP__MIN(dp_get_threads(), work_items)); }
static size_t dp__numel(const dp__node *nd, int n) { return (size_t)n * nd->h * nd->w * nd->c; }

/* Gradient destination of input u: NULL if no gradient flows there;
   *acc tells whether to accumulate (another consumer already wrote). */
static float *dp__grad_dest(dp_graph *g, int u, int *acc)
{
    dp__node *x = &g->nodes[u];
    if (x->op == DP_OP_INPUT && !g->input_grad && !g->want_in_grad) return NULL;
    *acc = x->dy_written;
    x->dy_written = 1;
    return x->dy;
}

/* Reduces T per-thread partials of length n (stride st) into dst (+=). */
static void dp__reduce_partials(dp_graph *g, int T, size_t n, float *dst)
{
    int t;
    size_t i;
    for (t = 0; t < T; t++) {
        const float *p = dp__thread_ws(g, t) + g->ws_part;
        for (i = 0; i < n; i++) dst[i] += p[i];
    }
}

/* --- conv (dense and grouped): im2col + GEMM over blocks of output rows.
   Threads take whole images, so col2im never races and per-thread weight
   gradients are summed in thread order (repeatable results). --- */
static void dp__im2col(const float *x, int IH, int IW, int IC, const dp__node *nd,
                       long r0, int rb, int c0, int cg, float *col, int back)
{
    long hw = (long)nd->h * nd->w;
    int K = nd->kh * nd->kw * cg, i, ky, kx, j;
    for (i = 0; i < rb; i++) {
        long r = r0 + i;
        int n = (int)(r / hw), rem = (int)(r % hw), oy = rem / nd->w, ox = rem % nd->w;
        float *d = col + (size_t)i * K;
        for (ky = 0; ky < nd->kh; ky++) {
            int iy = oy * nd->sh - nd->pt + ky * nd->dh;
            if (iy < 0 || iy >= IH) {
                if (!back) memset(d, 0, sizeof(float) * (size_t)cg * nd->kw);
                d += cg * nd->kw;
                continue;
            }
            for (kx = 0; kx < nd->kw; kx++, d += cg) {
                int ix = ox * nd->sw - nd->pl + kx * nd->dw;
                float *s;
                if (ix < 0 || ix >= IW) {
                    if (!back) memset(d, 0, sizeof(float) * (size_t)cg);
                    continue;
                }
                s = (float *)x + (((size_t)n * IH + iy) * IW + ix) * IC + c0;
                if (back) for (j = 0; j < cg; j++) s[j] += d[j];
                else if (cg == 1) d[0] = s[0];
                else memcpy(d, s, sizeof(float) * (size_t)cg);
            }
        }
    }
}

static int dp__is_dw(const dp_graph *g, const dp__node *nd)
{
    return nd->groups > 1 && nd->groups == g->nodes[nd->in[0]].c && nd->c == nd->groups;
}
static int dp__is_1x1(const dp__node *nd)
{
    return nd->kh == 1 && nd->kw == 1 && nd->sh == 1 && nd->sw == 1 && nd->groups == 1 &&
           !nd->pt && !nd->pl && !nd->pb && !nd->pr;
}

static void dp__conv_fwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    const float *x = xn->y, *W = g->params + nd->w_off;
    const float *B = nd->has_bias ? g->params + nd->b_off : NULL;
    float *y = nd->y;
    int IH = xn->h, IW = xn->w, IC = xn->c, OC = nd->c, G = nd->groups;
    int cg = IC / G, og = OC / G, K = nd->kh * nd->kw * cg, T = dp__threads_for(N);
    long hw = (long)nd->h * nd->w;
    DP__OMP(omp parallel num_threads(T))
    {
        int t = dp__tid(), gi, c;
        long R0 = hw * (N * (long)t / T), R1 = hw * (N * (long)(t + 1) / T), r0, r;
        float *ws = dp__thread_ws(g, t), *col = ws + DP__GEMM_WORK;
        if (dp__is_1x1(nd)) {
            dp__gemm((int)(R1 - R0), OC, IC, x + R0 * IC, IC, 0, W, IC, 1, y + R0 * OC, OC, 0, ws);
        } else {
            int RB = dp__conv_rows(K);
            for (r0 = R0; r0 < R1; r0 += RB) {
                int rb = (int)DP__MIN((long)RB, R1 - r0);
                for (gi = 0; gi < G; gi++) {
                    dp__im2col(x, IH, IW, IC, nd, r0, rb, gi * cg, cg, col, 0);
                    dp__gemm(rb, og, K, col, K, 0, W + (size_t)gi * og * K, K, 1,
                             y + r0 * OC + gi * og, OC, 0, ws);
                }
            }
        }
        if (B) for (r = R0; r < R1; r++) for (c = 0; c < OC; c++) y[r * OC + c] += B[c];
    }
}

static void dp__conv_bwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    const float *x = xn->y, *W = g->params + nd->w_off, *dy = nd->dy;
    int IH = xn->h, IW = xn->w, IC = xn->c, OC = nd->c, G = nd->groups;
    int cg = IC / G, og = OC / G, K = nd->kh * nd->kw * cg, T = dp__threads_for(N), acc = 0;
    long hw = (long)nd->h * nd->w;
    float *dx = dp__grad_dest(g, nd->in[0], &acc), *wr = NULL;
    size_t np = nd->w_n + nd->b_n;
    if (dx && G == 1 && nd->sh == 1 && nd->sw == 1 && !dp__is_1x1(nd)) {
        /* turned kernel wr[ci][ky][kx][co] = W[co][kh-1-ky][kw-1-kx][ci] */
        int co, ky, kx, ci;
        wr = (float *)DP_MALLOC(sizeof(float) * nd->w_n);
        if (wr)
            for (co = 0; co < OC; co++) for (ky = 0; ky < nd->kh; ky++) for (kx = 0; kx < nd->kw; kx++)
                for (ci = 0; ci < IC; ci++)
                    wr[(((size_t)ci * nd->kh + ky) * nd->kw + kx) * OC + co] =
                        W[(((size_t)co * nd->kh + (nd->kh - 1 - ky)) * nd->kw + (nd->kw - 1 - kx)) * IC + ci];
    }
    DP__OMP(omp parallel num_threads(T))
    {
        int t = dp__tid(), gi, c;
        long R0 = hw * (N * (long)t / T), R1 = hw * (N * (long)(t + 1) / T), r0, r;
        float *ws = dp__thread_ws(g, t), *col = ws + DP__GEMM_WORK;
        float *pw = ws + g->ws_part, *pb = pw + nd->w_n;
        memset(pw, 0, sizeof(float) * np);
        if (dp__is_1x1(nd)) {
            dp__gemm(OC, IC, (int)(R1 - R0), dy + R0 * OC, OC, 1, x + R0 * IC, IC, 0, pw, IC, 1, ws);
            if (dx) dp__gemm((int)(R1 - R0), IC, OC, dy + R0 * OC, OC, 0, W, IC, 0, dx + R0 * IC, IC, acc, ws);
        } else {
            int RB = dp__conv_rows(K), scatter = dx && !wr;
            float *dcol = col + (size_t)RB * K;
            long xb = (long)IH * IW * IC;
            if (scatter && !acc)
                memset(dx + xb * (N * (long)t / T), 0, sizeof(float) * (size_t)(xb * (N * (long)(t + 1) / T - N * (long)t / T)));
            for (r0 = R0; r0 < R1; r0 += RB) {
                int rb = (int)DP__MIN((long)RB, R1 - r0);
                for (gi = 0; gi < G; gi++) {
                    dp__im2col(x, IH, IW, IC, nd, r0, rb, gi * cg, cg, col, 0);
                    dp__gemm(og, K, rb, dy + r0 * OC + gi * og, OC, 1, col, K, 0,
                             pw + (size_t)gi * og * K, K, 1, ws);
                    if (scatter) {
                        dp__gemm(rb, K, og, dy + r0 * OC + gi * og, OC, 0, W + (size_t)gi * og * K, K, 0,
                                 dcol, K, 0, ws);
                        dp__im2col(dx, IH, IW, IC, nd, r0, rb, gi * cg, cg, dcol, 1);
                    }
                }
            }
            if (wr) {
                /* stride 1: dX is the correlation of dY with the kernel turned
                   by 180 degrees (and in/out channels swapped), padded by
                   (k-1)*d - pad: the forward path, written straight to dX */
                dp__node tn = *nd;
                int K2 = nd->kh * nd->kw * OC, RB2 = dp__conv_rows(K2);
                long X0 = (long)IH * IW * (N * (long)t / T), X1 = (long)IH * IW * (N * (long)(t + 1) / T);
                tn.h = IH; tn.w = IW;
                tn.pt = (nd->kh - 1) * nd->dh - nd->pt; tn.pl = (nd->kw - 1) * nd->dw - nd->pl;
                for (r0 = X0; r0 < X1; r0 += RB2) {
                    int rb = (int)DP__MIN((long)RB2, X1 - r0);
                    dp__im2col(dy, nd->h, nd->w, OC, &tn, r0, rb, 0, OC, col, 0);
                    dp__gemm(rb, IC, K2, col, K2, 0, wr, K2, 1, dx + r0 * IC, IC, acc, ws);
                }
            }
        }
        if (nd->b_n) for (r = R0; r < R1; r++) for (c = 0; c < OC; c++) pb[c] += dy[r * OC + c];
    }
    DP_FREE(wr);
    dp__reduce_partials(g, T, np, g->grads + nd->w_off);
}

/* --- depthwise conv, weights [kh][kw][c]. With horizontal stride 1 an
   output row is one vector of OW*C values: each tap adds a shifted input
   row times a weight row pre-expanded to OW*C (weight[tap][j % C]), so the
   inner loops are long and contiguous whatever the channel count. Other
   strides loop over pixels with channels innermost. --- */
static float *dp__dw_expand(const dp__node *nd, const float *W, int OW, int C)
{
    int k, j, taps = nd->kh * nd->kw;
    float *we = (float *)DP_MALLOC(sizeof(float) * (size_t)taps * OW * C + 1);
    if (!we) return NULL;
    for (k = 0; k < taps; k++)
        for (j = 0; j < OW; j++) memcpy(we + ((size_t)k * OW + j) * C, W + (size_t)k * C, sizeof(float) * (size_t)C);
    return we;
}

/* valid output columns [*o0, *o1) of tap column kx, and its input shift */
static int dp__dw_span(const dp__node *nd, int kx, int IW, int *o0, int *o1)
{
    int sh = kx * nd->dw - nd->pl;            /* input column = ox + sh */
    *o0 = sh < 0 ? -sh : 0;
    *o1 = DP__MIN(nd->w, IW - sh);
    return sh;
}

static void dp__dw_fwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    const float *x = xn->y, *W = g->params + nd->w_off;
    const float *B = nd->has_bias ? g->params + nd->b_off : NULL;
    int IH = xn->h, IW = xn->w, C = nd->c, OW = nd->w, n;
    float *we = nd->sw == 1 ? dp__dw_expand(nd, W, OW, C) : NULL;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int oy, ox, ky, kx, c;
        for (oy = 0; oy < nd->h; oy++) {
            float *yr = nd->y + ((size_t)n * nd->h + oy) * OW * C;
            for (ox = 0; ox < OW; ox++) for (c = 0; c < C; c++) yr[(size_t)ox * C + c] = B ? B[c] : 0.0f;
            for (ky = 0; ky < nd->kh; ky++) {
                int iy = oy * nd->sh - nd->pt + ky * nd->dh;
                const float *xr;
                if (iy < 0 || iy >= IH) continue;
                xr = x + ((size_t)n * IH + iy) * IW * C;
                for (kx = 0; kx < nd->kw; kx++) {
                    if (we) {
                        int o0, o1, sh = dp__dw_span(nd, kx, IW, &o0, &o1);
                        long j, j1 = (long)o1 * C, d = (long)sh * C;   /* input index = j + d >= 0 */
                        const float *wr = we + (size_t)(ky * nd->kw + kx) * OW * C;
                        for (j = (long)o0 * C; j < j1; j++) yr[j] += xr[j + d] * wr[j];
                    } else {
                        const float *wp = W + (size_t)(ky * nd->kw + kx) * C;
                        for (ox = 0; ox < OW; ox++) {
                            int ix = ox * nd->sw - nd->pl + kx * nd->dw;
                            const float *xp = xr + (size_t)ix * C;
                            float *yp = yr + (size_t)ox * C;
                            if (ix < 0 || ix >= IW) continue;
                            for (c = 0; c < C; c++) yp[c] += xp[c] * wp[c];
                        }
                    }
                }
            }
        }
    }
    DP_FREE(we);
}

static void dp__dw_bwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    const float *x = xn->y, *W = g->params + nd->w_off;
    int IH = xn->h, IW = xn->w, C = nd->c, OW = nd->w, T = dp__threads_for(N), acc = 0, taps = nd->kh * nd->kw;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    float *we = nd->sw == 1 ? dp__dw_expand(nd, W, OW, C) : NULL;
    size_t np = nd->w_n + nd->b_n;
    DP__OMP(omp parallel num_threads(T))
    {
        int t = dp__tid(), n, oy, ox, ky, kx, c, k;
        int n0 = N * t / T, n1 = N * (t + 1) / T;
        float *pw = dp__thread_ws(g, t) + g->ws_part, *pb = pw + nd->w_n;
        /* weight-gradient rows, reduced modulo C at the end */
        float *gr = we ? (float *)DP_CALLOC((size_t)(taps + 1) * OW * C + 1, sizeof(float)) : NULL;
        memset(pw, 0, sizeof(float) * np);
        if (dx && !acc) memset(dx + (size_t)n0 * IH * IW * C, 0, sizeof(float) * (size_t)(n1 - n0) * IH * IW * C);
        for (n = n0; n < n1; n++)
            for (oy = 0; oy < nd->h; oy++) {
                const float *dyr = nd->dy + ((size_t)n * nd->h + oy) * OW * C;
                if (nd->b_n) {
                    if (gr) { float *bg = gr + (size_t)taps * OW * C; long j; for (j = 0; j < (long)OW * C; j++) bg[j] += dyr[j]; }
                    else for (ox = 0; ox < OW; ox++) for (c = 0; c < C; c++) pb[c] += dyr[(size_t)ox * C + c];
                }
                for (ky = 0; ky < nd->kh; ky++) {
                    int iy = oy * nd->sh - nd->pt + ky * nd->dh;
                    size_t xo;
                    if (iy < 0 || iy >= IH) continue;
                    xo = ((size_t)n * IH + iy) * IW * C;
                    for (kx = 0; kx < nd->kw; kx++) {
                        int tap = ky * nd->kw + kx;
                        if (gr) {
                            int o0, o1, sh = dp__dw_span(nd, kx, IW, &o0, &o1);
                            long j, j1 = (long)o1 * C, d = (long)sh * C;   /* input index = j + d >= 0 */
                            const float *xr = x + xo, *wr = we + (size_t)tap * OW * C;
                            float *gt = gr + (size_t)tap * OW * C;
                            for (j = (long)o0 * C; j < j1; j++) gt[j] += dyr[j] * xr[j + d];
                            if (dx) { float *dr = dx + xo; for (j = (long)o0 * C; j < j1; j++) dr[j + d] += dyr[j] * wr[j]; }
                        } else {
                            const float *wp = W + (size_t)tap * C;
                            float *gw = pw + (size_t)tap * C;
                            for (ox = 0; ox < OW; ox++) {
                                int ix = ox * nd->sw - nd->pl + kx * nd->dw;
                                const float *xp, *dyp = dyr + (size_t)ox * C;
                                if (ix < 0 || ix >= IW) continue;
                                xp = x + xo + (size_t)ix * C;
                                for (c = 0; c < C; c++) gw[c] += dyp[c] * xp[c];
                                if (dx) { float *dxp = dx + xo + (size_t)ix * C; for (c = 0; c < C; c++) dxp[c] += dyp[c] * wp[c]; }
                            }
                        }
                    }
                }
            }
        if (gr) {
            for (k = 0; k < taps; k++) for (ox = 0; ox < OW; ox++) for (c = 0; c < C; c++)
                pw[(size_t)k * C + c] += gr[((size_t)k * OW + ox) * C + c];
            if (nd->b_n) for (ox = 0; ox < OW; ox++) for (c = 0; c < C; c++) pb[c] += gr[((size_t)taps * OW + ox) * C + c];
            DP_FREE(gr);
        }
    }
    DP_FREE(we);
    dp__reduce_partials(g, T, np, g->grads + nd->w_off);
}

/* --- batch norm over R = N*H*W rows per channel ---
   Accurate for any ratio of a channel's mean to its spread, and the same
   bits with any number of threads:
   - Statistics as the "corrected two-pass" algorithm: a centre m1, then
     over d = x - m1 (exact while x is within a factor of 2 of m1) sum d and
     sum d^2: mean = m1 + sum d / R, var = sum d^2 / R - (sum d / R)^2. This
     loses about log10(1 + (mean - m1)^2 / var) digits; E[x^2] - mean^2
     (m1 = 0) would lose log10(mean^2 / var). To save a pass over x, m1 is
     the mean of up to 256 rows spread evenly over the batch, normally a
     fraction of a standard deviation from the mean; if it is more than 2
     off ((sum d / R)^2 > 4 var), the sums are taken again around the mean
     just found, as the textbook second pass.
   - The mean is kept as a float mf plus the float remainder del = mean - mf,
     and everything downstream works on x - mf: y = (x - mf) a + (beta - del
     a) with a = gamma / sd, never x a + (beta - mean a).
   - Backward, centred, as in the textbooks: with u = dy (zero where a
     fused activation's output is outside (0, hi)) and xhat = (x - mf - del)
     / sd: dbeta = sum u, dgamma = sum u xhat,
     dx = a (u - mean(u) - xhat mean(u xhat)), evaluated as
     a u + k2 (x - mf) + k3 with k2 = -a mean(u xhat) / sd and k3 = -a
     mean(u) - k2 del: every term is of the size of a u (x - mf is of the
     size of the spread), so nothing cancels. The sums use x - mf too, and
     del is taken out afterwards: sum u (x - mf - del) = sum u (x - mf) -
     del sum u (del is at most half a float step of the mean). Few pointers
     per loop, so that the compiler's alias checks let them vectorise.
   - Every sum: float sums over chunks of 64 rows (they vectorise) folded
     into double per block of rows. The blocks depend on R only (not on the
     thread count) and are folded in order, so a serial and an OpenMP run
     give the same bits. */
#define DP__BN_MAXBLK 64
static int dp__bn_nblk(long R) { return (int)DP__MIN((long)DP__BN_MAXBLK, (R + 255) / 256); }
static double dp__bn_eps(const dp__node *nd) { return nd->bn_eps > 0.0f ? (double)nd->bn_eps : 1e-5; }
static float dp__bn_mom(const dp__node *nd) { return nd->bn_mom > 0.0f ? nd->bn_mom : 0.1f; }

/* Sums over rows [r0, r1) into s[0..C) and s[C..2C) (double); f: 2C floats.
   kind 1: d = x - m: sum d, sum d^2.
   kind 2: u = dy masked by ya (NULL: no mask), d = x - m: sum u, sum u d. */
static void dp__bn_block(int kind, const float *x, const float *dy, const float *ya, float hi,
                         const float *m, long r0, long r1, int C, double *s, float *f)
{
    float *fs = f, *fq = f + C;
    long r, k;
    int c;
    for (c = 0; c < 2 * C; c++) s[c] = 0.0;
    for (r = r0; r < r1; r += 64) {
        long re = DP__MIN(r + 64, r1);
        for (c = 0; c < C; c++) fs[c] = fq[c] = 0.0f;
        for (k = r; k < re; k++) {
            const float *xp = x + k * C;
            if (kind == 1) {
                for (c = 0; c < C; c++) { float d = xp[c] - m[c]; fs[c] += d; fq[c] += d * d; }
            } else if (ya) {
                const float *up = dy + k * C, *yp = ya + k * C;
                for (c = 0; c < C; c++) {
                    float u = ((yp[c] > 0.0f) & (yp[c] < hi)) ? up[c] : 0.0f;
                    fs[c] += u; fq[c] += u * (xp[c] - m[c]);
                }
            } else {
                const float *up = dy + k * C;
                for (c = 0; c < C; c++) { fs[c] += up[c]; fq[c] += up[c] * (xp[c] - m[c]); }
            }
        }
        for (c = 0; c < C; c++) { s[c] += fs[c]; s[C + c] += fq[c]; }
    }
}

/* The sums of dp__bn_block over all R rows into out[2C], block by block in
   a fixed order. */
static int dp__bn_reduce(int kind, const float *x, const float *dy, const float *ya, float hi,
                         const float *m, long R, int C, double *out)
{
    int NB = dp__bn_nblk(R), b, c;
    double *blk = (double *)DP_MALLOC(sizeof(double) * 3 * (size_t)C * (size_t)DP__MAX(NB, 1));
    if (!blk) return DP_ERR_NOMEM;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(NB)))
    for (b = 0; b < NB; b++) {
        double *s = blk + (size_t)b * 3 * C;
        dp__bn_block(kind, x, dy, ya, hi, m, R * b / NB, R * (b + 1) / NB, C, s, (float *)(void *)(s + 2 * C));
    }
    for (c = 0; c < 2 * C; c++) out[c] = 0.0;
    for (b = 0; b < NB; b++) for (c = 0; c < 2 * C; c++) out[c] += blk[(size_t)b * 3 * C + c];
    DP_FREE(blk);
    return DP_OK;
}

static void dp__bn_fwd(dp_graph *g, dp__node *nd, int N, int train)
{
    const float *x = g->nodes[nd->in[0]].y, *gam = g->params + nd->w_off, *bet = g->params + nd->b_off;
    float *rm = g->state + nd->s_off, *rv = rm + nd->c;
    float *mf = nd->aux, *inv = nd->aux + nd->c, *del = nd->aux + 2 * nd->c;   /* [C] each */
    int C = nd->c, c;
    long R = (long)N * nd->h * nd->w, r;
    const double eps = dp__bn_eps(nd);
    const float mom = dp__bn_mom(nd);
    double *S = (double *)DP_MALLOC(sizeof(double) * 2 * (size_t)C + sizeof(float) * 2 * (size_t)C);
    float *ab, *out = nd->fused ? (nd + 1)->y : nd->y, hi = nd->fused == DP_OP_RELU6 ? 6.0f : INFINITY;
    if (!S) { dp__fail(g, DP_ERR_NOMEM, "out of memory in batch norm"); return; }
    ab = (float *)(void *)(S + 2 * C);
    if (train) {
        int again = 0, ns = (int)DP__MIN(R, 256L), i;
        for (c = 0; c < C; c++) S[c] = 0.0;
        for (i = 0; i < ns; i++) {   /* the centre: rows i R / ns */
            const float *xp = x + (R * i / ns) * C;
            for (c = 0; c < C; c++) S[c] += xp[c];
        }
        for (c = 0; c < C; c++) { mf[c] = (float)(S[c] / ns); del[c] = 0.0f; }
        if (dp__bn_reduce(1, x, NULL, NULL, 0.0f, mf, R, C, S) != DP_OK) goto nomem;
        for (c = 0; c < C; c++) {
            double md = S[c] / (double)R, v = S[C + c] / (double)R - md * md;
            if (md * md > 4.0 * v) again = 1;
        }
        if (again) {
            for (c = 0; c < C; c++) mf[c] = (float)((double)mf[c] + S[c] / (double)R);
            if (dp__bn_reduce(1, x, NULL, NULL, 0.0f, mf, R, C, S) != DP_OK) goto nomem;
        }
        for (c = 0; c < C; c++) {
            double md = S[c] / (double)R, v = S[C + c] / (double)R - md * md, m = (double)mf[c] + md;
            if (v < 0.0) v = 0.0;
            mf[c] = (float)m;
            del[c] = (float)(m - (double)mf[c]);
            inv[c] = (float)(1.0 / sqrt(v + eps));
            rm[c] = (1.0f - mom) * rm[c] + mom * mf[c];
            rv[c] = (1.0f - mom) * rv[c] + mom * (float)(R > 1 ? v * (double)R / (double)(R - 1) : v);
        }
    } else {
        for (c = 0; c < C; c++) { mf[c] = rm[c]; del[c] = 0.0f; inv[c] = 1.0f / sqrtf(rv[c] + (float)eps); }
    }
    for (c = 0; c < C; c++) { ab[c] = inv[c] * gam[c]; ab[C + c] = bet[c] - del[c] * ab[c]; }
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for((int)DP__MIN(R / 64 + 1, 1L << 20))))
    for (r = 0; r < R; r++) {
        const float *xp = x + r * C;
        float *yp = out + r * C;
        int cc;
        if (!nd->fused) for (cc = 0; cc < C; cc++) yp[cc] = (xp[cc] - mf[cc]) * ab[cc] + ab[C + cc];
        else for (cc = 0; cc < C; cc++) {
            float v = (xp[cc] - mf[cc]) * ab[cc] + ab[C + cc];
            v = v > 0.0f ? v : 0.0f;
            yp[cc] = v < hi ? v : hi;
        }
    }
    DP_FREE(S);
    return;
nomem:
    DP_FREE(S);
    dp__fail(g, DP_ERR_NOMEM, "out of memory in batch norm");
}

static void dp__bn_bwd(dp_graph *g, dp__node *nd, int N, int train)
{
    const float *x = g->nodes[nd->in[0]].y, *gam = g->params + nd->w_off;
    const float *dy = nd->fused ? (nd + 1)->dy : nd->dy, *ya = nd->fused ? (nd + 1)->y : NULL;
    const float *mf = nd->aux, *inv = nd->aux + nd->c, *del = nd->aux + 2 * nd->c;
    const float hi = nd->fused == DP_OP_RELU6 ? 6.0f : INFINITY;
    float *gg = g->grads + nd->w_off, *gb = g->grads + nd->b_off, *k;
    int C = nd->c, c, acc = 0;
    long R = (long)N * nd->h * nd->w, r;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    double *S = (double *)DP_MALLOC(sizeof(double) * 2 * (size_t)C + sizeof(float) * 3 * (size_t)C);
    if (!S || dp__bn_reduce(2, x, dy, ya, hi, mf, R, C, S) != DP_OK) {
        DP_FREE(S);
        dp__fail(g, DP_ERR_NOMEM, "out of memory in batch norm backward");
        return;
    }
    /* k[0..C) = a = gamma/sd, k[C..2C) = k2, k[2C..3C) = k3 (above); eval
       mode: dx = a u */
    k = (float *)(void *)(S + 2 * C);
    for (c = 0; c < C; c++) {
        double sg = S[C + c] - (double)del[c] * S[c], a = (double)gam[c] * inv[c];   /* sum u (x - mean) */
        double k2 = train ? -a * inv[c] * sg * inv[c] / (double)R : 0.0;
        gb[c] += (float)S[c];
        gg[c] += (float)(sg * inv[c]);
        k[c] = (float)a;
        k[C + c] = (float)k2;
        k[2 * C + c] = train ? (float)(-a * S[c] / (double)R - k2 * del[c]) : 0.0f;
    }
    if (dx) {
        const float *k2 = k + C, *k3 = k + 2 * C;
        DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for((int)DP__MIN(R / 64 + 1, 1L << 20))))
        for (r = 0; r < R; r++) {
            const float *xp = x + r * C, *dp = dy + r * C, *yp = ya ? ya + r * C : NULL;
            float *dxp = dx + r * C;
            int cc;
            if (yp) for (cc = 0; cc < C; cc++) {
                float u = ((yp[cc] > 0.0f) & (yp[cc] < hi)) ? dp[cc] : 0.0f;
                float v = k[cc] * u + k2[cc] * (xp[cc] - mf[cc]) + k3[cc];
                dxp[cc] = acc ? dxp[cc] + v : v;
            }
            else if (acc) for (cc = 0; cc < C; cc++) dxp[cc] += k[cc] * dp[cc] + k2[cc] * (xp[cc] - mf[cc]) + k3[cc];
            else for (cc = 0; cc < C; cc++) dxp[cc] = k[cc] * dp[cc] + k2[cc] * (xp[cc] - mf[cc]) + k3[cc];
        }
    }
    DP_FREE(S);
}

/* --- element-wise activations --- */
static float dp__sigm(float v) { return 1.0f / (1.0f + expf(-v)); }

static void dp__act_fwd(dp__node *nd, const float *x, size_t n)
{
    long i, m = (long)n;
    float *y = nd->y;
    switch (nd->op) {
    case DP_OP_RELU:
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case DP_OP_RELU6:
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) y[i] = x[i] > 0.0f ? (x[i] < 6.0f ? x[i] : 6.0f) : 0.0f;
        break;
    case DP_OP_SIGMOID:
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) y[i] = dp__sigm(x[i]);
        break;
    default: /* swish */
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) y[i] = x[i] * dp__sigm(x[i]);
        break;
    }
}

static void dp__act_bwd(dp_graph *g, dp__node *nd, size_t n)
{
    int acc = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    const float *x = g->nodes[nd->in[0]].y, *dy = nd->dy, *y = nd->y;
    long i, m = (long)n;
    if (!dx) return;
    /* one branch-free loop per (op, accumulate) so that each vectorises */
#define DP__ACT_LOOP(EXPR) do { \
        if (acc) { DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN)) \
                   for (i = 0; i < m; i++) dx[i] += (EXPR); } \
        else     { DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN)) \
                   for (i = 0; i < m; i++) dx[i] = (EXPR); } } while (0)
    switch (nd->op) {
    case DP_OP_RELU: DP__ACT_LOOP(x[i] > 0.0f ? dy[i] : 0.0f); break;
    case DP_OP_RELU6: DP__ACT_LOOP(((x[i] > 0.0f) & (x[i] < 6.0f)) ? dy[i] : 0.0f); break;
    case DP_OP_SIGMOID: DP__ACT_LOOP(dy[i] * y[i] * (1.0f - y[i])); break;
    default: DP__ACT_LOOP(dy[i] * (dp__sigm(x[i]) * (1.0f + x[i] * (1.0f - dp__sigm(x[i]))))); break;
    }
#undef DP__ACT_LOOP
}

/* --- pooling: max pooling keeps, per output, the window position of the
   maximum (as a float, so the forward loop vectorises) --- */
static void dp__pool_fwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int IH = xn->h, IW = xn->w, C = nd->c, n, isavg = nd->op == DP_OP_AVGPOOL;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int oy, ox, ky, kx, c;
        for (oy = 0; oy < nd->h; oy++) for (ox = 0; ox < nd->w; ox++) {
            size_t o = (((size_t)n * nd->h + oy) * nd->w + ox) * C;
            float *yp = nd->y + o, *ap = isavg ? NULL : nd->aux + o;
            int cnt = 0;
            for (c = 0; c < C; c++) yp[c] = isavg ? 0.0f : -INFINITY;
            if (ap) for (c = 0; c < C; c++) ap[c] = -1.0f;
            for (ky = 0; ky < nd->kh; ky++) {
                int iy = oy * nd->sh - nd->pt + ky;
                if (iy < 0 || iy >= IH) continue;
                for (kx = 0; kx < nd->kw; kx++) {
                    int ix = ox * nd->sw - nd->pl + kx;
                    const float *xp;
                    float pos = (float)(ky * nd->kw + kx);
                    if (ix < 0 || ix >= IW) continue;
                    xp = xn->y + (((size_t)n * IH + iy) * IW + ix) * C;
                    cnt++;
                    if (isavg) for (c = 0; c < C; c++) yp[c] += xp[c];
                    else for (c = 0; c < C; c++) {
                        int gt = xp[c] > yp[c];
                        yp[c] = gt ? xp[c] : yp[c];
                        ap[c] = gt ? pos : ap[c];
                    }
                }
            }
            if (isavg) { float s = 1.0f / (float)DP__MAX(cnt, 1); for (c = 0; c < C; c++) yp[c] *= s; }
        }
    }
}

static void dp__pool_bwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int IH = xn->h, IW = xn->w, C = nd->c, n, isavg = nd->op == DP_OP_AVGPOOL, acc = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    long off[64];   /* element offset of window position p from the window origin */
    int p;
    if (!dx) return;
    for (p = 0; p < 64 && p < nd->kh * nd->kw; p++) off[p] = ((long)(p / nd->kw) * IW + p % nd->kw) * C;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int oy, ox, ky, kx, c;
        float *dxn = dx + (size_t)n * IH * IW * C;
        if (!acc) memset(dxn, 0, sizeof(float) * (size_t)IH * IW * C);
        for (oy = 0; oy < nd->h; oy++) for (ox = 0; ox < nd->w; ox++) {
            size_t o = (((size_t)n * nd->h + oy) * nd->w + ox) * C;
            const float *dyp = nd->dy + o;
            int y0 = oy * nd->sh - nd->pt, x0 = ox * nd->sw - nd->pl;
            if (!isavg) {
                const float *ap = nd->aux + o;
                long base = ((long)y0 * IW + x0) * C;   /* window origin; may be negative with padding */
                for (c = 0; c < C; c++) {
                    int p = (int)ap[c];
                    if (p >= 0) dxn[base + (p < 64 ? off[p] : ((long)(p / nd->kw) * IW + p % nd->kw) * C) + c] += dyp[c];
                }
            } else {
                int cnt = 0;
                float s;
                for (ky = 0; ky < nd->kh; ky++) for (kx = 0; kx < nd->kw; kx++)
                    cnt += (y0 + ky >= 0 && y0 + ky < IH && x0 + kx >= 0 && x0 + kx < IW);
                s = 1.0f / (float)DP__MAX(cnt, 1);
                for (ky = 0; ky < nd->kh; ky++) {
                    int iy = y0 + ky;
                    if (iy < 0 || iy >= IH) continue;
                    for (kx = 0; kx < nd->kw; kx++) {
                        int ix = x0 + kx;
                        float *dxp;
                        if (ix < 0 || ix >= IW) continue;
                        dxp = dxn + ((size_t)iy * IW + ix) * C;
                        for (c = 0; c < C; c++) dxp[c] += dyp[c] * s;
                    }
                }
            }
        }
    }
}

static void dp__gap_fwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int HW = xn->h * xn->w, C = nd->c, n;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int p, c;
        float *yp = nd->y + (size_t)n * C;
        const float *xp = xn->y + (size_t)n * HW * C;
        for (c = 0; c < C; c++) yp[c] = 0.0f;
        for (p = 0; p < HW; p++) for (c = 0; c < C; c++) yp[c] += xp[(size_t)p * C + c];
        for (c = 0; c < C; c++) yp[c] *= 1.0f / (float)HW;
    }
}

static void dp__gap_bwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int HW = xn->h * xn->w, C = nd->c, n, acc = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    if (!dx) return;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int p, c;
        const float *dyp = nd->dy + (size_t)n * C;
        float *dxp = dx + (size_t)n * HW * C, s = 1.0f / (float)HW;
        for (p = 0; p < HW; p++, dxp += C)
            if (acc) for (c = 0; c < C; c++) dxp[c] += dyp[c] * s;
            else     for (c = 0; c < C; c++) dxp[c] = dyp[c] * s;
    }
}

/* --- fully connected: Y[N x O] = X[N x I] W^T + b --- */
static void dp__fc_fwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int I = xn->h * xn->w * xn->c, O = nd->c, T = dp__threads_for(N);
    const float *W = g->params + nd->w_off, *B = g->params + nd->b_off;
    DP__OMP(omp parallel num_threads(T))
    {
        int t = dp__tid(), n0 = N * t / T, n1 = N * (t + 1) / T, n, o;
        dp__gemm(n1 - n0, O, I, xn->y + (size_t)n0 * I, I, 0, W, I, 1, nd->y + (size_t)n0 * O, O, 0, dp__thread_ws(g, t));
        for (n = n0; n < n1; n++) for (o = 0; o < O; o++) nd->y[(size_t)n * O + o] += B[o];
    }
}

static void dp__fc_bwd(dp_graph *g, dp__node *nd, int N)
{
    const dp__node *xn = &g->nodes[nd->in[0]];
    int I = xn->h * xn->w * xn->c, O = nd->c, T = dp__threads_for(DP__MAX(N, I / 64)), acc = 0;
    const float *W = g->params + nd->w_off;
    float *gw = g->grads + nd->w_off, *gb = g->grads + nd->b_off;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    int n, o;
    DP__OMP(omp parallel num_threads(T))
    {
        /* weight gradient split by input columns, input gradient by rows */
        int t = dp__tid(), i0 = I * t / T, i1 = I * (t + 1) / T, n0 = N * t / T, n1 = N * (t + 1) / T;
        dp__gemm(O, i1 - i0, N, nd->dy, O, 1, xn->y + i0, I, 0, gw + i0, I, 1, dp__thread_ws(g, t));
        if (dx && n1 > n0)
            dp__gemm(n1 - n0, I, O, nd->dy + (size_t)n0 * O, O, 0, W, I, 0, dx + (size_t)n0 * I, I, acc, dp__thread_ws(g, t));
    }
    for (n = 0; n < N; n++) for (o = 0; o < O; o++) gb[o] += nd->dy[(size_t)n * O + o];
}

/* --- add, channel multiply, concat, flatten, dropout --- */
static void dp__add_fwd(dp_graph *g, dp__node *nd, size_t n)
{
    long i, m = (long)n;
    int k;
    const float *a = g->nodes[nd->in[0]].y, *b = g->nodes[nd->in[1]].y;
    DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
    for (i = 0; i < m; i++) nd->y[i] = a[i] + b[i];
    for (k = 2; k < nd->n_in; k++) {
        const float *c = g->nodes[nd->in[k]].y;
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) nd->y[i] += c[i];
    }
}

/* dx (+)= dy * scale, scale = 1 copies */
static void dp__pass_grad(dp_graph *g, int u, const float *dy, size_t n)
{
    int acc = 0;
    float *dx = dp__grad_dest(g, u, &acc);
    long i, m = (long)n;
    if (!dx) return;
    if (acc) {
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) dx[i] += dy[i];
    } else {
        memcpy(dx, dy, sizeof(float) * n);
    }
}

static void dp__cmul_fwd(dp_graph *g, dp__node *nd, int N)
{
    const float *x = g->nodes[nd->in[0]].y, *s = g->nodes[nd->in[1]].y;
    int HW = nd->h * nd->w, C = nd->c, n;
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int p, c;
        const float *sp = s + (size_t)n * C;
        for (p = 0; p < HW; p++) {
            size_t o = ((size_t)n * HW + p) * C;
            for (c = 0; c < C; c++) nd->y[o + c] = x[o + c] * sp[c];
        }
    }
}

static void dp__cmul_bwd(dp_graph *g, dp__node *nd, int N)
{
    const float *x = g->nodes[nd->in[0]].y, *s = g->nodes[nd->in[1]].y;
    int HW = nd->h * nd->w, C = nd->c, n, ax = 0, as = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &ax), *ds = dp__grad_dest(g, nd->in[1], &as);
    DP__OMP(omp parallel for schedule(static) num_threads(dp__threads_for(N)))
    for (n = 0; n < N; n++) {
        int p, c;
        const float *sp = s + (size_t)n * C;
        if (ds && !as) for (c = 0; c < C; c++) ds[(size_t)n * C + c] = 0.0f;
        for (p = 0; p < HW; p++) {
            size_t o = ((size_t)n * HW + p) * C;
            for (c = 0; c < C; c++) {
                float d = nd->dy[o + c];
                if (dx) dx[o + c] = (ax ? dx[o + c] : 0.0f) + d * sp[c];
                if (ds) ds[(size_t)n * C + c] += d * x[o + c];
            }
        }
    }
}

static void dp__concat_run(dp_graph *g, dp__node *nd, int N, int back)
{
    int HW = nd->h * nd->w, k, off = 0;
    long rows = (long)N * HW;
    for (k = 0; k < nd->n_in; k++) {
        dp__node *xn = &g->nodes[nd->in[k]];
        int ck = xn->c, acc = 0;
        long r;
        float *dx = back ? dp__grad_dest(g, nd->in[k], &acc) : NULL;
        if (back && !dx) { off += ck; continue; }
        DP__OMP(omp parallel for schedule(static) if(rows * ck > DP__PAR_MIN))
        for (r = 0; r < rows; r++) {
            int c;
            if (!back) memcpy(nd->y + r * nd->c + off, xn->y + r * ck, sizeof(float) * (size_t)ck);
            else if (acc) for (c = 0; c < ck; c++) dx[r * ck + c] += nd->dy[r * nd->c + off + c];
            else memcpy(dx + r * ck, nd->dy + r * nd->c + off, sizeof(float) * (size_t)ck);
        }
        off += ck;
    }
}

static void dp__dropout_fwd(dp_graph *g, dp__node *nd, size_t n, int train, int id)
{
    const float *x = g->nodes[nd->in[0]].y;
    size_t i;
    if (!train || nd->p <= 0.0f) {
        memcpy(nd->y, x, sizeof(float) * n);
        for (i = 0; i < n; i++) nd->aux[i] = 1.0f;
        return;
    } else {
        dp_rng r;
        float keep = 1.0f - nd->p, s = 1.0f / keep;
        dp_rng_seed(&r, g->seed ^ (g->fwd_count * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)id << 40));
        for (i = 0; i < n; i++) {
            nd->aux[i] = dp_rng_uniform(&r) < keep ? s : 0.0f;
            nd->y[i] = x[i] * nd->aux[i];
        }
    }
}

/* --- softmax cross-entropy: probabilities in aux, mean loss in g->loss --- */
static int dp__softmax_fwd(dp_graph *g, dp__node *nd, int N)
{
    const float *z = g->nodes[nd->in[0]].y;
    int K = nd->c, n, k, hits = 0, have = g->labels_n == N;
    double loss = 0.0;
    for (n = 0; n < N; n++) {
        const float *zp = z + (size_t)n * K;
        float *p = nd->aux + (size_t)n * K, m = zp[0];
        double s = 0.0;
        int am = 0;
        for (k = 1; k < K; k++) if (zp[k] > m) { m = zp[k]; am = k; }
        for (k = 0; k < K; k++) { p[k] = expf(zp[k] - m); s += p[k]; }
        for (k = 0; k < K; k++) { p[k] = (float)(p[k] / s); nd->y[(size_t)n * K + k] = p[k]; }
        if (have) {
            int lab = g->labels[n];
            if (lab < 0 || lab >= K)
                return dp__fail(g, DP_ERR_ARG, "softmax_ce '%s': label %d of sample %d is outside 0..%d", nd->name, lab, n, K - 1);
            loss += (double)m + log(s) - (double)zp[lab];
            hits += am == lab;
        }
    }
    g->loss = have ? (float)(loss / N) : 0.0f;
    g->n_correct = hits;
    return DP_OK;
}

static void dp__softmax_bwd(dp_graph *g, dp__node *nd, int N)
{
    int acc = 0, K = nd->c, n, k;
    float *dx = dp__grad_dest(g, nd->in[0], &acc), s = 1.0f / (float)N;
    if (!dx) return;
    for (n = 0; n < N; n++) for (k = 0; k < K; k++) {
        size_t o = (size_t)n * K + k;
        float d = (nd->aux[o] - (k == g->labels[n] ? 1.0f : 0.0f)) * s;
        dx[o] = acc ? dx[o] + d : d;
    }
}

/* --- LeakyReLU: y = x for x > 0, slope * x otherwise (slope in nd->p) --- */
static void dp__leaky_fwd(dp__node *nd, const float *x, size_t n)
{
    long i, m = (long)n;
    const float a = nd->p;
    float *y = nd->y;
    DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
    for (i = 0; i < m; i++) y[i] = x[i] > 0.0f ? x[i] : a * x[i];
}

static void dp__leaky_bwd(dp_graph *g, dp__node *nd, size_t n)
{
    int acc = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    const float *x = g->nodes[nd->in[0]].y, *dy = nd->dy, a = nd->p;
    long i, m = (long)n;
    if (!dx) return;
    if (acc) {
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) dx[i] += x[i] > 0.0f ? dy[i] : a * dy[i];
    } else {
        DP__OMP(omp parallel for schedule(static) if(m > DP__PAR_MIN))
        for (i = 0; i < m; i++) dx[i] = x[i] > 0.0f ? dy[i] : a * dy[i];
    }
}

/* ---------------------------------------------------------------------- */
/* >>optable  the op table: one row per dp_op                             */
/* ---------------------------------------------------------------------- */
/* Everything the training half dispatches on the op kind goes through
   dp__ops[op] (in the spirit of kautodiff's kad_op_list): the name, the
   forward and backward kernels, the per-node buffer and the per-thread
   workspace dp__ensure allocates, whether the MCU view fuses the op into
   the int8 op producing its input, and its MACs and parameter bytes in
   the resource model (with their derivatives in the channel counts). Every entry point has the same
   signature: fwd(g, nd, n, train) returns a dp_status, bwd(g, nd, n, train)
   accumulates into its inputs' dy through dp__grad_dest.

   Adding an op: a dp_op value (before DP_OP_COUNT: the id is what files
   store), its kernels (>>forward), one row in dp__ops (the static assert
   below keeps table and enum in step), its layer function (>>graph). An op
   that follows its input's channels (element-wise, pools, ...) needs
   nothing more for masks, pruning and compaction; with no cost entry the
   resource model counts it as a tensor of its own with no MACs and no
   parameters; >>export refuses it by name
   unless it gets an int8 lowering there (LeakyReLU's is a lookup table). */
static int dp__input_fwd(dp_graph *g, dp__node *nd, int n, int train)
{   /* dp_graph_forward copies the batch into node 0; a second input cannot run */
    (void)n; (void)train;
    return dp__fail(g, DP_ERR_UNSUPPORTED, "input '%s': only one input node is supported", nd->name);
}
static int dp__conv_fwd_op(dp_graph *g, dp__node *nd, int n, int train)
{
    (void)train;
    if (dp__is_dw(g, nd)) dp__dw_fwd(g, nd, n); else dp__conv_fwd(g, nd, n);
    return DP_OK;
}
static void dp__conv_bwd_op(dp_graph *g, dp__node *nd, int n, int train)
{
    (void)train;
    if (dp__is_dw(g, nd)) dp__dw_bwd(g, nd, n); else dp__conv_bwd(g, nd, n);
}
static int dp__bn_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { dp__bn_fwd(g, nd, n, train); return DP_OK; }
static void dp__bn_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { dp__bn_bwd(g, nd, n, train); }
static int dp__act_fwd_op(dp_graph *g, dp__node *nd, int n, int train)
{   /* a ReLU/ReLU6 fused into the batch norm before it has nothing left to do */
    (void)train;
    if (!nd->fused) dp__act_fwd(nd, g->nodes[nd->in[0]].y, dp__numel(nd, n));
    return DP_OK;
}
static void dp__act_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__act_bwd(g, nd, dp__numel(nd, n)); }
static int dp__leaky_fwd_op(dp_graph *g, dp__node *nd, int n, int train)
{ (void)train; dp__leaky_fwd(nd, g->nodes[nd->in[0]].y, dp__numel(nd, n)); return DP_OK; }
static void dp__leaky_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__leaky_bwd(g, nd, dp__numel(nd, n)); }
static int dp__pool_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__pool_fwd(g, nd, n); return DP_OK; }
static void dp__pool_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__pool_bwd(g, nd, n); }
static int dp__gap_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__gap_fwd(g, nd, n); return DP_OK; }
static void dp__gap_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__gap_bwd(g, nd, n); }
static int dp__fc_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__fc_fwd(g, nd, n); return DP_OK; }
static void dp__fc_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__fc_bwd(g, nd, n); }
static int dp__add_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__add_fwd(g, nd, dp__numel(nd, n)); return DP_OK; }
static void dp__add_bwd_op(dp_graph *g, dp__node *nd, int n, int train)
{
    int k;
    (void)train;
    for (k = 0; k < nd->n_in; k++) dp__pass_grad(g, nd->in[k], nd->dy, dp__numel(nd, n));
}
static int dp__cmul_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__cmul_fwd(g, nd, n); return DP_OK; }
static void dp__cmul_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__cmul_bwd(g, nd, n); }
static int dp__concat_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__concat_run(g, nd, n, 0); return DP_OK; }
static void dp__concat_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__concat_run(g, nd, n, 1); }
static int dp__flatten_fwd_op(dp_graph *g, dp__node *nd, int n, int train)
{ (void)train; memcpy(nd->y, g->nodes[nd->in[0]].y, sizeof(float) * dp__numel(nd, n)); return DP_OK; }
static void dp__flatten_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__pass_grad(g, nd->in[0], nd->dy, dp__numel(nd, n)); }
static int dp__dropout_fwd_op(dp_graph *g, dp__node *nd, int n, int train)
{ dp__dropout_fwd(g, nd, dp__numel(nd, n), train, (int)(nd - g->nodes)); return DP_OK; }
static void dp__dropout_bwd_op(dp_graph *g, dp__node *nd, int n, int train)
{
    int acc = 0;
    float *dx = dp__grad_dest(g, nd->in[0], &acc);
    size_t j, m = dp__numel(nd, n);
    (void)train;
    if (dx) for (j = 0; j < m; j++) dx[j] = (acc ? dx[j] : 0.0f) + nd->dy[j] * nd->aux[j];
}
static int dp__softmax_fwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; return dp__softmax_fwd(g, nd, n); }
static void dp__softmax_bwd_op(dp_graph *g, dp__node *nd, int n, int train) { (void)train; dp__softmax_bwd(g, nd, n); }

/* conv: im2col blocks for the forward and the input-gradient GEMMs */
static size_t dp__conv_ws(const dp_graph *g, const dp__node *nd)
{
    const dp__node *x = &g->nodes[nd->in[0]];
    int K = nd->kh * nd->kw * (x->c / nd->groups), K2 = nd->kh * nd->kw * nd->c;
    return DP__GEMM_WORK + DP__MAX(2 * (size_t)dp__conv_rows(K) * K, (size_t)dp__conv_rows(K2) * K2) + 64;
}

/* Resource costs as the MCU runs the op (>>resources): conv/dw/FC
   kernels and 4-byte biases; pools and Add per output element; a
   standalone batch norm (one after a conv/FC folds into it) a per-channel
   affine. */
static void dp__conv_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                          int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    int64_t hw = (int64_t)nd->h * nd->w, kk = (int64_t)nd->kh * nd->kw;
    if (dp__is_dw(g, nd)) {
        *macs = hw * kk * co; *bytes = kk * co + 4 * co;
        if (gm) gm[a] += (double)(hw * kk);
        if (gs) gs[a] += (double)(kk + 4);
    } else {
        int64_t cg = ci / nd->groups;
        *macs = hw * kk * cg * co; *bytes = kk * cg * co + 4 * co;
        if (gm) { gm[a] += (double)(hw * kk * cg); gm[nd->in[0]] += (double)(hw * kk * co) / nd->groups; }
        if (gs) { gs[a] += (double)(kk * cg + 4); gs[nd->in[0]] += (double)(kk * co) / nd->groups; }
    }
}
static void dp__fc_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                        int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    const dp__node *x = &g->nodes[nd->in[0]];
    int64_t hin = (int64_t)x->h * x->w;
    *macs = hin * ci * co; *bytes = hin * ci * co + 4 * co;
    if (gm) { gm[a] += (double)(hin * ci); gm[nd->in[0]] += (double)(hin * co); }
    if (gs) { gs[a] += (double)(hin * ci + 4); gs[nd->in[0]] += (double)(hin * co); }
}
static void dp__pool_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                          int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    int64_t hw = (int64_t)nd->h * nd->w;
    (void)g; (void)ci; (void)bytes; (void)gs;
    *macs = hw * nd->kh * nd->kw * co;
    if (gm) gm[a] += (double)(hw * nd->kh * nd->kw);
}
static void dp__gap_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                         int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    const dp__node *x = &g->nodes[nd->in[0]];
    (void)ci; (void)bytes; (void)gs;
    *macs = (int64_t)x->h * x->w * co;
    if (gm) gm[a] += (double)x->h * x->w;
}
static void dp__add_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                         int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    int64_t hw = (int64_t)nd->h * nd->w;
    (void)g; (void)ci; (void)bytes; (void)gs;
    *macs = (int64_t)(nd->n_in - 1) * hw * co;
    if (gm) gm[a] += (double)(nd->n_in - 1) * hw;
}
static void dp__bn_cost(const dp_graph *g, const dp__node *nd, int a, int64_t co, int64_t ci,
                        int64_t *macs, int64_t *bytes, double *gm, double *gs)
{
    int64_t hw = (int64_t)nd->h * nd->w;
    (void)g; (void)ci;
    *macs = hw * co; *bytes = 8 * co;
    if (gm) gm[a] += (double)hw;
    if (gs) gs[a] += 8.0;
}

static const dp__op_def dp__ops[DP_OP_COUNT] = {
    /* name          forward              backward             aux            mcu_act ws           cost */
    { "input",      dp__input_fwd,      NULL,                DP__AUX_NONE,  0, NULL,        NULL },
    { "conv",       dp__conv_fwd_op,    dp__conv_bwd_op,     DP__AUX_NONE,  0, dp__conv_ws, dp__conv_cost },
    { "bn",         dp__bn_fwd_op,      dp__bn_bwd_op,       DP__AUX_BN,    0, NULL,        dp__bn_cost },
    { "relu",       dp__act_fwd_op,     dp__act_bwd_op,      DP__AUX_NONE,  1, NULL,        NULL },
    { "relu6",      dp__act_fwd_op,     dp__act_bwd_op,      DP__AUX_NONE,  1, NULL,        NULL },
    { "sigmoid",    dp__act_fwd_op,     dp__act_bwd_op,      DP__AUX_NONE,  1, NULL,        NULL },
    { "swish",      dp__act_fwd_op,     dp__act_bwd_op,      DP__AUX_NONE,  1, NULL,        NULL },
    { "maxpool",    dp__pool_fwd_op,    dp__pool_bwd_op,     DP__AUX_ELEM,  0, NULL,        dp__pool_cost },
    { "avgpool",    dp__pool_fwd_op,    dp__pool_bwd_op,     DP__AUX_NONE,  0, NULL,        dp__pool_cost },
    { "gap",        dp__gap_fwd_op,     dp__gap_bwd_op,      DP__AUX_NONE,  0, NULL,        dp__gap_cost },
    { "fc",         dp__fc_fwd_op,      dp__fc_bwd_op,       DP__AUX_NONE,  0, NULL,        dp__fc_cost },
    { "add",        dp__add_fwd_op,     dp__add_bwd_op,      DP__AUX_NONE,  0, NULL,        dp__add_cost },
    { "cmul",       dp__cmul_fwd_op,    dp__cmul_bwd_op,     DP__AUX_NONE,  0, NULL,        NULL },
    { "concat",     dp__concat_fwd_op,  dp__concat_bwd_op,   DP__AUX_NONE,  0, NULL,        NULL },
    { "flatten",    dp__flatten_fwd_op, dp__flatten_bwd_op,  DP__AUX_NONE,  0, NULL,        NULL },
    { "dropout",    dp__dropout_fwd_op, dp__dropout_bwd_op,  DP__AUX_ELEM,  0, NULL,        NULL },
    { "softmax_ce", dp__softmax_fwd_op, dp__softmax_bwd_op,  DP__AUX_ELEM,  0, NULL,        NULL },
    { "leaky_relu", dp__leaky_fwd_op,   dp__leaky_bwd_op,    DP__AUX_NONE,  0, NULL,        NULL }
};
/* the op id is stored in files: the table must match the enum */
typedef char dp__ops_match[(sizeof dp__ops / sizeof dp__ops[0]) == DP_OP_COUNT ? 1 : -1];

static const dp__op_def *dp__opdef(int op) { return &dp__ops[op]; }

const char *dp_op_name(int op)
{
    return (op >= 0 && op < DP_OP_COUNT) ? dp__ops[op].name : "?";
}

/* ---------------------------------------------------------------------- */
/* driving the graph                                                      */
/* ---------------------------------------------------------------------- */
/* ---- >>qat  fake quantisation with a straight-through estimator ---- */
static void dp__qparams(float lo, float hi, float *scale, int *zp);

static void dp__qat_swap(dp_graph *g)
{
    float *t = g->params;
    g->params = g->params_q;
    g->params_q = t;
}

/* params_q = params with conv/FC weights fake-quantised per output channel
   (symmetric, [-127, 127]); then swapped in for the forward pass. */
static void dp__qat_weights(dp_graph *g)
{
    int i;
    memcpy(g->params_q, g->params, sizeof(float) * g->n_params);
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        int C = nd->c, dw, c;
        size_t per, e;
        float *w;
        if (nd->op != DP_OP_CONV && nd->op != DP_OP_FC) continue;
        dw = nd->op == DP_OP_CONV && dp__is_dw(g, nd);
        per = nd->w_n / (size_t)C;
        w = g->params_q + nd->w_off;
        for (c = 0; c < C; c++) {
            float mx = 0.0f, s;
            for (e = 0; e < per; e++) { float a = fabsf(dw ? w[e * C + c] : w[c * per + e]); if (a > mx) mx = a; }
            if (mx <= 0.0f) continue;
            s = mx / 127.0f;
            for (e = 0; e < per; e++) {
                float *p = dw ? &w[e * C + c] : &w[c * per + e];
                *p = (float)lrintf(*p / s) * s;
            }
        }
    }
    dp__qat_swap(g);
}

/* Fake-quantises node t's output over its tracked range (updated from the
   batch while training: lo, hi <- 0.99 * old + 0.01 * batch). */
static void dp__qat_act(dp_graph *g, int t, int n, int train)
{
    dp__node *nd = &g->nodes[t];
    size_t m = dp__numel(nd, n), j;
    float lo = INFINITY, hi = -INFINITY, s, *y = nd->y;
    int zp;
    for (j = 0; j < m; j++) { if (y[j] < lo) lo = y[j]; if (y[j] > hi) hi = y[j]; }
    if (!(lo - lo == 0.0f) || !(hi - hi == 0.0f)) return;   /* NaN: the loss will say so */
    if (g->in_q_set && t == g->in_q_tail) {
        s = g->in_q_scale; zp = g->in_q_zp;
        goto quantise;
    }
    if (g->qtail[t] == 2) {
        if (train) { g->qrange[2 * t] = 0.99f * g->qrange[2 * t] + 0.01f * lo; g->qrange[2 * t + 1] = 0.99f * g->qrange[2 * t + 1] + 0.01f * hi; }
        lo = g->qrange[2 * t]; hi = g->qrange[2 * t + 1];
    } else if (train) {
        g->qrange[2 * t] = lo; g->qrange[2 * t + 1] = hi; g->qtail[t] = 2;
    }
    dp__qparams(lo, hi, &s, &zp);
quantise:
    for (j = 0; j < m; j++) {
        long q = lrintf(y[j] / s) + zp;
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        y[j] = (float)(q - zp) * s;
    }
}

/* ---- >>masks  channel masks at node outputs ---- */
static int dp__mask_arrays(dp_graph *g)
{
    int n = g->n_nodes;
    if (g->mask && g->mask_n == n) return DP_OK;
    if (g->mask) {   /* nodes were added since: grow */
        float **a = (float **)DP_REALLOC(g->mask, sizeof(float *) * (size_t)n);
        float **b = a ? (float **)DP_REALLOC(g->mpre, sizeof(float *) * (size_t)n) : NULL;
        size_t *c = b ? (size_t *)DP_REALLOC(g->mpre_cap, sizeof(size_t) * (size_t)n) : NULL;
        double **d = c ? (double **)DP_REALLOC(g->mgrad, sizeof(double *) * (size_t)n) : NULL;
        int i;
        if (a) g->mask = a;
        if (b) g->mpre = b;
        if (c) g->mpre_cap = c;
        if (d) g->mgrad = d;
        if (!d) return DP_ERR_NOMEM;
        for (i = g->mask_n; i < n; i++) { g->mask[i] = g->mpre[i] = NULL; g->mpre_cap[i] = 0; g->mgrad[i] = NULL; }
        g->mask_n = n;
        return DP_OK;
    }
    g->mask = (float **)DP_CALLOC((size_t)n + 1, sizeof(float *));
    g->mpre = (float **)DP_CALLOC((size_t)n + 1, sizeof(float *));
    g->mpre_cap = (size_t *)DP_CALLOC((size_t)n + 1, sizeof(size_t));
    g->mgrad = (double **)DP_CALLOC((size_t)n + 1, sizeof(double *));
    g->mask_n = n;
    if (!g->mask || !g->mpre || !g->mpre_cap || !g->mgrad) { dp__mask_free(g); return DP_ERR_NOMEM; }
    return DP_OK;
}

int dp_graph_set_mask(dp_graph *g, int node, const float *m)
{
    int st;
    if (!g) return DP_ERR_ARG;
    if (node < 0 || node >= g->n_nodes)
        return dp__fail(g, DP_ERR_ARG, "dp_graph_set_mask: node %d does not exist", node);
    if (!m) {
        if (node < g->mask_n) {
            DP_FREE(g->mask[node]); DP_FREE(g->mpre[node]); DP_FREE(g->mgrad[node]);
            g->mask[node] = g->mpre[node] = NULL; g->mgrad[node] = NULL; g->mpre_cap[node] = 0;
        }
        return DP_OK;
    }
    if (g->nodes[node].op == DP_OP_INPUT || g->nodes[node].op == DP_OP_SOFTMAX_CE)
        return dp__fail(g, DP_ERR_ARG, "dp_graph_set_mask: '%s' is an input or the loss: no mask", g->nodes[node].name);
    if ((st = dp__mask_arrays(g)) != DP_OK) return dp__fail(g, st, "out of memory for masks");
    if (!g->mask[node]) {
        g->mask[node] = (float *)DP_MALLOC(sizeof(float) * (size_t)g->nodes[node].c);
        g->mgrad[node] = (double *)DP_CALLOC((size_t)g->nodes[node].c, sizeof(double));
        if (!g->mask[node] || !g->mgrad[node]) {
            DP_FREE(g->mask[node]); DP_FREE(g->mgrad[node]); g->mask[node] = NULL; g->mgrad[node] = NULL;
            return dp__fail(g, DP_ERR_NOMEM, "out of memory for the mask of '%s'", g->nodes[node].name);
        }
    }
    memcpy(g->mask[node], m, sizeof(float) * (size_t)g->nodes[node].c);
    return DP_OK;
}

const float *dp_graph_get_mask(const dp_graph *g, int node)
{
    return (g && node >= 0 && node < g->mask_n) ? g->mask[node] : NULL;
}

int dp_graph_mask_grad(dp_graph *g, int on)
{
    if (!g) return DP_ERR_ARG;
    g->mask_grad = on != 0;
    return DP_OK;
}

const double *dp_graph_get_mask_grad(const dp_graph *g, int node)
{
    return (g && node >= 0 && node < g->mask_n) ? g->mgrad[node] : NULL;
}

void dp_graph_clear_mask_grad(dp_graph *g)
{
    int i;
    for (i = 0; g && i < g->mask_n; i++)
        if (g->mgrad[i]) memset(g->mgrad[i], 0, sizeof(double) * (size_t)g->nodes[i].c);
}

/* y *= mask per channel; keeps the unmasked output for the mask gradient. */
static int dp__mask_fwd(dp_graph *g, int i, int n)
{
    dp__node *nd = &g->nodes[i];
    size_t rows = (size_t)n * nd->h * nd->w, r, sz = rows * (size_t)nd->c;
    const float *m = g->mask[i];
    int C = nd->c, c;
    if (g->mask_grad) {
        if (g->mpre_cap[i] < sz) {
            DP_FREE(g->mpre[i]);
            g->mpre[i] = (float *)DP_MALLOC(sizeof(float) * sz);
            g->mpre_cap[i] = g->mpre[i] ? sz : 0;
            if (!g->mpre[i]) return dp__fail(g, DP_ERR_NOMEM, "out of memory for the mask gradient of '%s'", nd->name);
        }
        memcpy(g->mpre[i], nd->y, sizeof(float) * sz);
    }
    for (r = 0; r < rows; r++) {
        float *y = nd->y + r * (size_t)C;
        for (c = 0; c < C; c++) y[c] *= m[c];
    }
    return DP_OK;
}

/* dL/dmask += sum(dy * unmasked y); dy *= mask. */
static void dp__mask_bwd(dp_graph *g, int i, int N)
{
    dp__node *nd = &g->nodes[i];
    size_t rows = (size_t)N * nd->h * nd->w, r;
    const float *m = g->mask[i];
    int C = nd->c, c;
    if (g->mask_grad && g->mask_pre_ok && g->mpre[i] && g->mgrad[i]) {
        double *gm = g->mgrad[i];
        for (r = 0; r < rows; r++) {
            const float *dy = nd->dy + r * (size_t)C, *pre = g->mpre[i] + r * (size_t)C;
            for (c = 0; c < C; c++) gm[c] += (double)dy[c] * pre[c];
        }
    }
    for (r = 0; r < rows; r++) {
        float *dy = nd->dy + r * (size_t)C;
        for (c = 0; c < C; c++) dy[c] *= m[c];
    }
}

int dp_graph_forward(dp_graph *g, const float *x, int n, int mode)
{
    int i, st, train = mode == DP_TRAIN;
    if (!g) return DP_ERR_ARG;
    if (!x || n <= 0) return dp__fail(g, DP_ERR_ARG, "forward: %s", x ? "batch size <= 0" : "no input");
    if (g->n_nodes == 0 || g->nodes[0].op != DP_OP_INPUT)
        return dp__fail(g, DP_ERR_ARG, "graph has no input node");
    if ((st = dp__ensure(g, n)) != DP_OK) return st;
    if (g->labels_n != n) g->labels_n = 0;
    g->batch = n;
    if (train && !g->freeze_dropout) g->fwd_count++;
    if (g->prof) g->prof_calls[0]++;
    g->mask_pre_ok = g->mask_grad;
    g->in_grad_ok = 0;
    dp__plan_fusion(g);
    if (g->qat) dp__qat_weights(g);
    for (i = 0; i < g->n_nodes; i++) {
        dp__node *nd = &g->nodes[i];
        size_t m = dp__numel(nd, n);
        double t0 = g->prof ? dp_time() : 0.0;
        if (g->qat && i > 0 && g->qtail[i - 1]) dp__qat_act(g, i - 1, n, train);
        if (nd->op < 0 || nd->op >= DP_OP_COUNT)
            return dp__fail(g, DP_ERR_UNSUPPORTED, "node '%s': unknown op %d", nd->name, nd->op);
        if (i == 0) memcpy(nd->y, x, sizeof(float) * m);   /* the input node */
        else if ((st = dp__opdef(nd->op)->fwd(g, nd, n, train)) != DP_OK) return st;
        if (i < g->mask_n && g->mask[i] && (st = dp__mask_fwd(g, i, n)) != DP_OK) return st;
        if (g->prof) g->prof[i] += dp_time() - t0;
    }
    if (g->qat && g->qtail[g->n_nodes - 1]) dp__qat_act(g, g->n_nodes - 1, n, train);
    if (g->qat) dp__qat_swap(g);
    g->train_mode_last = train;
    return g->status;
}

int dp_graph_set_labels(dp_graph *g, const int *labels, int n)
{
    int st;
    if (!g) return DP_ERR_ARG;
    if (!labels || n <= 0) return dp__fail(g, DP_ERR_ARG, "dp_graph_set_labels: %s", labels ? "batch size <= 0" : "no labels");
    if ((st = dp__ensure(g, n)) != DP_OK) return st;
    memcpy(g->labels, labels, sizeof(int) * (size_t)n);
    g->labels_n = n;
    return DP_OK;
}
float dp_graph_loss(const dp_graph *g) { return g->loss; }
int dp_graph_n_correct(const dp_graph *g) { return g->n_correct; }

/* Runs the backward kernels from node `last` down to the input; the caller
   has seeded nodes[last].dy and set its dy_written. */
static int dp__backward_from(dp_graph *g, int last)
{
    int i, N = g->batch, train = g->train_mode_last;
    memset(g->grads, 0, sizeof(float) * g->n_params);
    for (i = 0; i < g->n_nodes; i++) g->nodes[i].grad_seen = 0;
    g->bwd_done = 1;
    if (g->qat && g->params_q) dp__qat_swap(g);    /* straight-through: grads of the quantised weights */
    if (g->prof) g->prof_calls[1]++;
    for (i = last; i >= 0; i--) {
        dp__node *nd = &g->nodes[i];
        double t0;
        if (nd->op == DP_OP_INPUT) continue;
        if (i < g->mask_n && g->mask[i] && nd->dy_written) dp__mask_bwd(g, i, N);
        if (nd->op == DP_OP_BN && nd->fused) { if (!(nd + 1)->dy_written) continue; }
        else if (!nd->dy_written || (nd->fused && nd->op != DP_OP_BN)) continue;
        t0 = g->prof ? dp_time() : 0.0;
        if (dp__opdef(nd->op)->bwd) dp__opdef(nd->op)->bwd(g, nd, N, train);
        nd->grad_seen = 1;
        if (g->prof) g->prof[g->n_nodes + i] += dp_time() - t0;
    }
    if (g->qat && g->params_q) dp__qat_swap(g);
    if (g->want_in_grad && g->status == DP_OK) {
        if (!g->nodes[0].dy_written) memset(g->nodes[0].dy, 0, sizeof(float) * dp__numel(&g->nodes[0], N));
        g->in_grad_ok = 1;
    }
    return g->status;
}

int dp_graph_backward(dp_graph *g)
{
    int i, L;
    size_t j, m;
    if (!g) return DP_ERR_ARG;
    if (!g->batch) return dp__fail(g, DP_ERR_ARG, "backward: no forward pass yet");
    if (g->loss_node < 0) return dp__fail(g, DP_ERR_ARG, "backward: the graph has no softmax_ce loss node");
    if (g->labels_n != g->batch) return dp__fail(g, DP_ERR_ARG, "backward: no labels were set for this batch");
    L = g->loss_node;
    for (i = 0; i < g->n_nodes; i++) g->nodes[i].dy_written = 0;
    m = dp__numel(&g->nodes[L], g->batch);
    for (j = 0; j < m; j++) g->nodes[L].dy[j] = 1.0f;
    g->nodes[L].dy_written = 1;
    return dp__backward_from(g, L);
}

static double dp__check_objective(const dp_graph *g, int out, const float *r, size_t m)
{
    double l = 0.0;
    size_t j;
    if (out == g->loss_node) return g->loss;
    for (j = 0; j < m; j++) l += (double)g->nodes[out].y[j] * r[j];
    return l;
}

double dp_graph_check_grad(dp_graph *g, int out, const float *x, int n,
                           int mode, int max_checks, double eps)
{
    dp_rng r;
    float *xc, *r_out, *ga, *gx;
    size_t m, nx, j;
    int i;
    double worst = 0.0;
    if (!g || out < 0 || out >= g->n_nodes || !x) return -1.0;
    nx = dp__numel(&g->nodes[0], n);
    if (dp_graph_forward(g, x, n, mode) != DP_OK) return -1.0;
    m = dp__numel(&g->nodes[out], n);
    xc = (float *)DP_MALLOC(sizeof(float) * nx);
    r_out = (float *)DP_MALLOC(sizeof(float) * m);
    ga = (float *)DP_MALLOC(sizeof(float) * (g->n_params + 1));
    gx = (float *)DP_MALLOC(sizeof(float) * nx);
    if (!xc || !r_out || !ga || !gx) { DP_FREE(xc); DP_FREE(r_out); DP_FREE(ga); DP_FREE(gx); return -1.0; }
    dp_rng_seed(&r, 12345);
    for (j = 0; j < m; j++) r_out[j] = 2.0f * dp_rng_uniform(&r) - 1.0f;
    memcpy(xc, x, sizeof(float) * nx);
    g->freeze_dropout = 1;
    g->input_grad = 1;
    /* analytic; for the loss node L is the mean cross-entropy itself */
    dp_graph_forward(g, xc, n, mode);
    for (i = 0; i < g->n_nodes; i++) g->nodes[i].dy_written = 0;
    if (out == g->loss_node) {
        if (dp_graph_backward(g) != DP_OK) { worst = -1.0; goto done; }
    } else {
        memcpy(g->nodes[out].dy, r_out, sizeof(float) * m);
        g->nodes[out].dy_written = 1;
        dp__backward_from(g, out);
    }
    memcpy(ga, g->grads, sizeof(float) * g->n_params);
    if (g->nodes[0].dy_written) memcpy(gx, g->nodes[0].dy, sizeof(float) * nx);
    else memset(gx, 0, sizeof(float) * nx);
    /* numeric: central differences of L = sum(out * r) in double */
    {
        int which;
        for (which = 0; which < 2; which++) {
            float *vec = which ? xc : g->params;
            size_t len = which ? nx : g->n_params, k, step;
            const float *an = which ? gx : ga;
            step = (max_checks > 0 && len > (size_t)max_checks) ? len / (size_t)max_checks : 1;
            for (k = 0; k < len; k += step) {
                size_t idx = step > 1 ? k + dp_rng_below(&r, (uint32_t)step) % step : k;
                float keep;
                double lp = 0.0, lm = 0.0, num, err;
                if (idx >= len) continue;
                keep = vec[idx];
                vec[idx] = keep + (float)eps;
                dp_graph_forward(g, xc, n, mode);
                lp = dp__check_objective(g, out, r_out, m);
                vec[idx] = keep - (float)eps;
                dp_graph_forward(g, xc, n, mode);
                lm = dp__check_objective(g, out, r_out, m);
                vec[idx] = keep;
                num = (lp - lm) / (2.0 * eps);
                err = fabs(num - an[idx]) / DP__MAX(1e-2, DP__MAX(fabs(num), fabs(an[idx])));
                if (err > worst) worst = err;
            }
        }
    }
done:
    g->freeze_dropout = 0;
    g->input_grad = 0;
    DP_FREE(xc); DP_FREE(r_out); DP_FREE(ga); DP_FREE(gx);
    return worst;
}

/* ---- >>bnparams  batch-norm parameters, the input gradient ---- */
int dp_bn_set_params(dp_graph *g, int id, float eps, float momentum)
{
    if (!g) return DP_ERR_ARG;
    if (g->status) return g->status;
    if (id < 0 || id >= g->n_nodes || g->nodes[id].op != DP_OP_BN)
        return dp__fail(g, DP_ERR_ARG, "dp_bn_set_params: node %d is not a batch norm", id);
    if (!(eps >= 0.0f && eps <= 3.4e38f) || !(momentum >= 0.0f && momentum <= 1.0f))
        return dp__fail(g, DP_ERR_ARG, "dp_bn_set_params: '%s': eps must be finite and > 0, momentum in (0, 1] (0: default); got %g, %g",
                        g->nodes[id].name, (double)eps, (double)momentum);
    g->nodes[id].bn_eps = eps;
    g->nodes[id].bn_mom = momentum;
    return DP_OK;
}

int dp_bn_get_params(const dp_graph *g, int id, float *eps, float *momentum)
{
    if (!g || id < 0 || id >= g->n_nodes || g->nodes[id].op != DP_OP_BN) return DP_ERR_ARG;
    if (eps) *eps = (float)dp__bn_eps(&g->nodes[id]);
    if (momentum) *momentum = dp__bn_mom(&g->nodes[id]);
    return DP_OK;
}

int dp_graph_set_input_grad(dp_graph *g, int on)
{
    if (!g) return DP_ERR_ARG;
    g->want_in_grad = on != 0;
    g->in_grad_ok = 0;
    return DP_OK;
}

const float *dp_graph_input_grad(const dp_graph *g)
{
    return g && g->want_in_grad && g->in_grad_ok && g->n_nodes ? g->nodes[0].dy : NULL;
}

/* ---------------------------------------------------------------------- */
/* >>optim                                                                */
/* ---------------------------------------------------------------------- */
struct dp_optim {
    dp_optim_cfg cfg;
    size_t n;
    float *m, *v;          /* SGD: velocity in m; Adam: both moments */
    unsigned char *decay;  /* 1 where weight decay applies (kernels)  */
    long t;                /* Adam step count                         */
};

dp_optim *dp_optim_new(dp_graph *g, const dp_optim_cfg *cfg)
{
    dp_optim *o;
    int i;
    if (!g || g->status) return NULL;
    o = (dp_optim *)DP_CALLOC(1, sizeof(dp_optim));
    if (!o) { dp__fail(g, DP_ERR_NOMEM, "out of memory for the optimiser"); return NULL; }
    if (cfg) o->cfg = *cfg;
    if (o->cfg.beta1 == 0.0f) o->cfg.beta1 = 0.9f;
    if (o->cfg.beta2 == 0.0f) o->cfg.beta2 = 0.999f;
    if (o->cfg.eps == 0.0f) o->cfg.eps = 1e-8f;
    o->n = g->n_params;
    o->m = (float *)DP_CALLOC(o->n + 1, sizeof(float));
    o->v = (float *)DP_CALLOC(o->n + 1, sizeof(float));
    o->decay = (unsigned char *)DP_CALLOC(o->n + 1, 1);
    if (!o->m || !o->v || !o->decay) {
        dp_optim_free(o);
        dp__fail(g, DP_ERR_NOMEM, "out of memory for the optimiser's state (%lu parameters)", (unsigned long)g->n_params);
        return NULL;
    }
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        if (nd->op == DP_OP_CONV || nd->op == DP_OP_FC) memset(o->decay + nd->w_off, 1, nd->w_n);
    }
    return o;
}

/* (>>bnparams) Weight decay only on kernels the last backward pass reached: a
   conv/FC whose output sends no gradient to the loss (an unused branch, a
   head not on the loss's path) gets neither gradient nor decay. Before any
   backward pass (gradients written by hand) every kernel decays. */
static void dp__optim_decay_mask(dp_optim *o, const dp_graph *g)
{
    int i;
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        if ((nd->op == DP_OP_CONV || nd->op == DP_OP_FC) && nd->w_off + nd->w_n <= o->n)
            memset(o->decay + nd->w_off, !g->bwd_done || nd->grad_seen, nd->w_n);
    }
}

void dp_optim_free(dp_optim *o)
{
    if (!o) return;
    DP_FREE(o->m); DP_FREE(o->v); DP_FREE(o->decay); DP_FREE(o);
}

int dp_optim_step(dp_optim *o, dp_graph *g, float lr)
{
    long i, n;
    float *p, *gr, wd, mu;
    if (!o || !g) return DP_ERR_ARG;
    if (!g->grads || o->n != g->n_params)
        return dp__fail(g, DP_ERR_ARG, "dp_optim_step: %s", g->grads ? "the optimiser was made for another graph" : "no gradients yet");
    n = (long)o->n; p = g->params; gr = g->grads; wd = o->cfg.weight_decay; mu = o->cfg.momentum;
    dp__optim_decay_mask(o, g);
    if (o->cfg.kind == DP_ADAM) {
        float b1 = o->cfg.beta1, b2 = o->cfg.beta2, eps = o->cfg.eps, c1, c2;
        o->t++;
        c1 = 1.0f / (1.0f - powf(b1, (float)o->t));
        c2 = 1.0f / (1.0f - powf(b2, (float)o->t));
        DP__OMP(omp parallel for schedule(static) if(n > DP__PAR_MIN))
        for (i = 0; i < n; i++) {
            float d = gr[i] + (o->decay[i] ? wd * p[i] : 0.0f);
            o->m[i] = b1 * o->m[i] + (1.0f - b1) * d;
            o->v[i] = b2 * o->v[i] + (1.0f - b2) * d * d;
            p[i] -= lr * (o->m[i] * c1) / (sqrtf(o->v[i] * c2) + eps);
        }
    } else {
        int nest = o->cfg.nesterov;
        DP__OMP(omp parallel for schedule(static) if(n > DP__PAR_MIN))
        for (i = 0; i < n; i++) {
            float d = gr[i] + (o->decay[i] ? wd * p[i] : 0.0f);
            o->m[i] = mu * o->m[i] + d;
            p[i] -= lr * (nest ? d + mu * o->m[i] : o->m[i]);
        }
    }
    return DP_OK;
}

/* ---------------------------------------------------------------------- */
/* >>lrsched                                                              */
/* ---------------------------------------------------------------------- */
float dp_lr_at(const dp_lr_sched *s, long step)
{
    float lr;
    if (!s) return 0.0f;
    if (s->warmup > 0 && step < s->warmup) return s->base * (float)(step + 1) / (float)s->warmup;
    switch (s->kind) {
    case DP_LR_STEP:
        lr = s->base;
        if (s->step_size > 0) lr *= powf(s->gamma, (float)((step - s->warmup) / s->step_size));
        return lr;
    case DP_LR_COSINE: {
        long span = s->total - s->warmup;
        double f = span > 0 ? (double)(step - s->warmup) / (double)span : 1.0;
        if (f > 1.0) f = 1.0;
        return s->final_lr + (s->base - s->final_lr) * 0.5f * (float)(1.0 + cos(3.14159265358979 * f));
    }
    default: return s->base;
    }
}

static int dp__finite(const float *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) if (!(v[i] - v[i] == 0.0f)) return 0;
    return 1;
}

/* A diverged step is reported (message in dp_graph_error) but not sticky:
   the parameters are the last good ones and the graph stays usable. */
static int dp__diverged(dp_graph *g, const char *what)
{
    if (g->status == DP_OK)
        snprintf(g->err, sizeof g->err, "training diverged: %s; parameters were not updated", what);
    return DP_ERR_NAN;
}

int dp_train_step(dp_graph *g, dp_optim *o, const float *x, const int *y,
                  int n, float lr, float *loss, int *correct)
{
    int st;
    if (!g) return DP_ERR_ARG;
    if (!o || !x || !y) return dp__fail(g, DP_ERR_ARG, "dp_train_step: no %s", !o ? "optimiser" : !x ? "inputs" : "labels");
    if ((st = dp_graph_set_labels(g, y, n)) != DP_OK) return st;
    if ((st = dp_graph_forward(g, x, n, DP_TRAIN)) != DP_OK) return st;
    if (loss) *loss = g->loss;
    if (correct) *correct = g->n_correct;
    if (!(g->loss - g->loss == 0.0f)) return dp__diverged(g, "the loss is NaN or infinite");
    if ((st = dp_graph_backward(g)) != DP_OK) return st;
    if (!dp__finite(g->grads, g->n_params)) return dp__diverged(g, "a gradient is NaN or infinite");
    return dp_optim_step(o, g, lr);
}

int dp_evaluate(dp_graph *g, const float *x, const int *y, int n, int batch,
                float *acc, float *loss)
{
    int i, hits = 0, st;
    double ls = 0.0;
    size_t per;
    if (!g) return DP_ERR_ARG;
    if (!x || !y || n <= 0 || batch <= 0 || !g->n_nodes)
        return dp__fail(g, DP_ERR_ARG, "dp_evaluate: %s", !g->n_nodes ? "empty graph" : (!x || !y) ? "no inputs or labels" : "n and batch must be > 0");
    per = (size_t)g->nodes[0].h * g->nodes[0].w * g->nodes[0].c;
    for (i = 0; i < n; i += batch) {
        int b = DP__MIN(batch, n - i);
        if ((st = dp_graph_set_labels(g, y + i, b)) != DP_OK) return st;
        if ((st = dp_graph_forward(g, x + per * i, b, DP_EVAL)) != DP_OK) return st;
        hits += g->n_correct;
        ls += (double)g->loss * b;
    }
    if (acc) *acc = (float)hits / (float)n;
    if (loss) *loss = (float)(ls / n);
    return DP_OK;
}

/* ---------------------------------------------------------------------- */
/* >>ckpt  checkpoint file                                                */
/* ---------------------------------------------------------------------- */
/* Layout, little-endian:
     0  "DPCK"            magic
     4  u32 version (1)
     8  u64 structure hash of the graph (ops, shapes, parameter counts)
    16  i64 step
    24  u64 n_params, u64 n_state, u32 optimiser kind, u32 has_optimiser
    48  i64 adam t
    56  u64 forward count  } dropout masks derive from these two,
    64  u64 graph seed     } so a resumed run repeats bit for bit
    72  f32 params[n_params], f32 state[n_state],
        if has_optimiser: f32 m[n_params], f32 v[n_params]
   end  u32 CRC-32 of everything before it                                */
#define DP__CK_HDR 72

static uint64_t dp__graph_hash(const dp_graph *g)
{
    uint64_t h = 1469598103934665603ull;
    int i, j;
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        uint64_t v[10];
        v[0] = (uint64_t)nd->op; v[1] = (uint64_t)nd->h; v[2] = (uint64_t)nd->w; v[3] = (uint64_t)nd->c;
        v[4] = nd->w_n; v[5] = nd->b_n; v[6] = nd->s_n; v[7] = (uint64_t)nd->n_in;
        v[8] = (uint64_t)nd->groups; v[9] = (uint64_t)(nd->kh * 131 + nd->kw);
        for (j = 0; j < 10; j++) { h ^= v[j]; h *= 1099511628211ull; }
        for (j = 0; j < nd->n_in; j++) { h ^= (uint64_t)nd->in[j]; h *= 1099511628211ull; }
        if (nd->op == DP_OP_BN && (nd->bn_eps > 0.0f || nd->bn_mom > 0.0f)) {   /* non-default only */
            uint32_t e, m;
            float fe = (float)dp__bn_eps(nd), fm = dp__bn_mom(nd);
            memcpy(&e, &fe, 4); memcpy(&m, &fm, 4);
            h ^= ((uint64_t)e << 32) | m; h *= 1099511628211ull;
        }
    }
    return h;
}

/* 64-bit little-endian, from the 32-bit helpers (dp__rd32, dp__wr32) */
static void dp__wr64(uint8_t *p, uint64_t v) { dp__wr32(p, (uint32_t)v); dp__wr32(p + 4, (uint32_t)(v >> 32)); }
static uint64_t dp__rd64(const uint8_t *p) { return (uint64_t)dp__rd32(p) | (uint64_t)dp__rd32(p + 4) << 32; }
/* big-endian (IDX, PNG, zlib's Adler-32) */
static uint32_t dp__be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void dp__put_floats(unsigned char *p, const float *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) { uint32_t u; memcpy(&u, &v[i], 4); dp__wr32(p + 4 * i, u); }
}
static void dp__get_floats(float *v, const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) { uint32_t u = dp__rd32(p + 4 * i); memcpy(&v[i], &u, 4); }
}

/* Writes buf to path atomically: PATH.tmp, flush, fsync, rename. */
static int dp__write_atomic(const char *path, const unsigned char *buf, size_t n)
{
    char tmp[4096];
    int ok;
    if (strlen(path) + 5 > sizeof tmp) return DP_ERR_ARG;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
#ifdef DP__POSIX
    {
        size_t done = 0;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return DP_ERR_IO;
        ok = 1;
        while (ok && done < n) {
            ssize_t w = write(fd, buf + done, n - done);
            if (w <= 0) ok = 0; else done += (size_t)w;
        }
        ok = ok && fsync(fd) == 0;
        ok = (close(fd) == 0) && ok;
    }
#else
    {
        FILE *f = fopen(tmp, "wb");
        if (!f) return DP_ERR_IO;
        ok = fwrite(buf, 1, n, f) == n;
        ok = (fflush(f) == 0) && ok;
        ok = (fclose(f) == 0) && ok;
    }
#endif
    if (!ok) { remove(tmp); return DP_ERR_IO; }
#ifdef _WIN32
    remove(path);   /* rename does not replace on Windows */
#endif
    if (rename(tmp, path) != 0) { remove(tmp); return DP_ERR_IO; }
    return DP_OK;
}

int dp_checkpoint_save(const char *path, dp_graph *g, const dp_optim *o, long step)
{
    size_t np, ns, total;
    unsigned char *buf, *p;
    int st, has_o;
    if (!path || !g || g->status) return DP_ERR_ARG;
    np = g->n_params; ns = g->n_state;
    has_o = o && o->n == np;
    total = DP__CK_HDR + 4 * (np + ns + (has_o ? 2 * np : 0)) + 4;
    buf = (unsigned char *)DP_MALLOC(total);
    if (!buf) return DP_ERR_NOMEM;
    memcpy(buf, "DPCK", 4);
    dp__wr32(buf + 4, 1);
    dp__wr64(buf + 8, dp__graph_hash(g));
    dp__wr64(buf + 16, (uint64_t)(int64_t)step);
    dp__wr64(buf + 24, np);
    dp__wr64(buf + 32, ns);
    dp__wr32(buf + 40, has_o ? (uint32_t)o->cfg.kind : 0u);
    dp__wr32(buf + 44, (uint32_t)has_o);
    dp__wr64(buf + 48, has_o ? (uint64_t)(int64_t)o->t : 0u);
    dp__wr64(buf + 56, g->fwd_count);
    dp__wr64(buf + 64, g->seed);
    p = buf + DP__CK_HDR;
    dp__put_floats(p, g->params, np); p += 4 * np;
    dp__put_floats(p, g->state, ns); p += 4 * ns;
    if (has_o) { dp__put_floats(p, o->m, np); p += 4 * np; dp__put_floats(p, o->v, np); p += 4 * np; }
    dp__wr32(p, dp_crc32(0, buf, total - 4));
    st = dp__write_atomic(path, buf, total);
    DP_FREE(buf);
    return st;
}

int dp_read_file(const char *path, int gunzip, unsigned char **out, size_t *out_n,
                 char *err, size_t err_cap)
{
    FILE *f;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!path || !out || !out_n) return DP_ERR_ARG;
    *out = NULL; *out_n = 0;
    f = fopen(path, "rb");
    if (!f) { dp__seterr(err, err_cap, "cannot open '%s'", path); return DP_ERR_IO; }
    for (;;) {
        size_t got;
        if (n == cap) {
            unsigned char *nb = (unsigned char *)dp__grow(buf, &cap, n < 65536 ? 65536 : n + 1, 1);
            if (!nb) { DP_FREE(buf); fclose(f); dp__seterr(err, err_cap, "out of memory reading '%s'", path); return DP_ERR_NOMEM; }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) { DP_FREE(buf); fclose(f); dp__seterr(err, err_cap, "error reading '%s'", path); return DP_ERR_IO; }
    fclose(f);
    if (gunzip && n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        unsigned char *raw;
        size_t rn;
        char e2[128];
        int st = dp_gunzip(buf, n, (size_t)1 << 32, &raw, &rn, e2, sizeof e2);
        DP_FREE(buf);
        if (st != DP_OK) { dp__seterr(err, err_cap, "%s: %s", path, e2); return st; }
        buf = raw; n = rn;
    }
    *out = buf; *out_n = n;
    return DP_OK;
}

int dp_checkpoint_load(const char *path, dp_graph *g, dp_optim *o, long *step,
                       char *err, size_t err_cap)
{
    unsigned char *buf;
    size_t n, np, ns, need;
    int st, has_o;
    if (!path || !g) return DP_ERR_ARG;
    if ((st = dp_read_file(path, 0, &buf, &n, err, err_cap)) != DP_OK) return st;
    st = DP_ERR_FORMAT;
    if (n < DP__CK_HDR + 4 || memcmp(buf, "DPCK", 4) != 0) { dp__seterr(err, err_cap, "%s: not a diffprune checkpoint (bad magic or too short)", path); goto fail; }
    if (dp__rd32(buf + 4) != 1) { dp__seterr(err, err_cap, "%s: checkpoint version %u is not supported", path, (unsigned)dp__rd32(buf + 4)); st = DP_ERR_UNSUPPORTED; goto fail; }
    np = (size_t)dp__rd64(buf + 24); ns = (size_t)dp__rd64(buf + 32); has_o = dp__rd32(buf + 44) != 0;
    if (np != g->n_params || ns != g->n_state || dp__rd64(buf + 8) != dp__graph_hash(g)) {
        dp__seterr(err, err_cap, "%s: checkpoint was saved from a different network (%lu params, this one has %lu)",
                   path, (unsigned long)np, (unsigned long)g->n_params);
        st = DP_ERR_SHAPE; goto fail;
    }
    need = DP__CK_HDR + 4 * (np + ns + (has_o ? 2 * np : 0)) + 4;
    if (n != need) { dp__seterr(err, err_cap, "%s: truncated or padded checkpoint (%lu bytes, expected %lu)", path, (unsigned long)n, (unsigned long)need); goto fail; }
    if (dp_crc32(0, buf, n - 4) != dp__rd32(buf + n - 4)) { dp__seterr(err, err_cap, "%s: checkpoint is corrupt (CRC mismatch)", path); st = DP_ERR_CRC; goto fail; }
    if (o && has_o && o->n != np) { dp__seterr(err, err_cap, "%s: optimiser does not match the network", path); st = DP_ERR_ARG; goto fail; }
    /* everything checked: now copy */
    dp__get_floats(g->params, buf + DP__CK_HDR, np);
    dp__get_floats(g->state, buf + DP__CK_HDR + 4 * np, ns);
    if (o && has_o) {
        dp__get_floats(o->m, buf + DP__CK_HDR + 4 * (np + ns), np);
        dp__get_floats(o->v, buf + DP__CK_HDR + 4 * (2 * np + ns), np);
        o->t = (long)(int64_t)dp__rd64(buf + 48);
    } else if (o) {
        memset(o->m, 0, sizeof(float) * o->n); memset(o->v, 0, sizeof(float) * o->n); o->t = 0;
    }
    g->fwd_count = dp__rd64(buf + 56);
    g->seed = dp__rd64(buf + 64);
    if (step) *step = (long)(int64_t)dp__rd64(buf + 16);
    DP_FREE(buf);
    return DP_OK;
fail:
    DP_FREE(buf);
    return st;
}

/* ---------------------------------------------------------------------- */
/* >>idx  IDX files (MNIST, Fashion-MNIST), raw or gzipped                */
/* ---------------------------------------------------------------------- */
static int dp__idx_parse(const unsigned char *b, size_t n, int want_dims, int *dims, size_t *count,
                         const char *path, char *err, size_t cap)
{
    int nd, i;
    size_t total = 1;
    if (n < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08) {
        dp__seterr(err, cap, "%s: not an IDX file of unsigned bytes", path);
        return DP_ERR_FORMAT;
    }
    nd = b[3];
    if (nd != want_dims || n < 4 + 4 * (size_t)nd) {
        dp__seterr(err, cap, "%s: IDX file has %d dimensions, expected %d", path, nd, want_dims);
        return DP_ERR_FORMAT;
    }
    for (i = 0; i < nd; i++) {
        uint32_t d = dp__be32(b + 4 + 4 * i);
        if (d == 0 || d > (1u << 28)) { dp__seterr(err, cap, "%s: bad dimension %u", path, (unsigned)d); return DP_ERR_FORMAT; }
        dims[i] = (int)d;
        total *= d;
        if (total > ((size_t)1 << 34)) { dp__seterr(err, cap, "%s: too large", path); return DP_ERR_FORMAT; }
    }
    if (n != 4 + 4 * (size_t)nd + total) {
        dp__seterr(err, cap, "%s: %lu bytes of data, expected %lu (truncated?)", path,
                   (unsigned long)(n - 4 - 4 * (size_t)nd), (unsigned long)total);
        return DP_ERR_FORMAT;
    }
    *count = total;
    return DP_OK;
}

int dp_idx_load(const char *images, const char *labels, dp_dataset *ds, char *err, size_t cap)
{
    unsigned char *bi = NULL, *bl = NULL;
    size_t ni, nl, ci, cl, i;
    int di[3], dl[1], st;
    if (!images || !labels || !ds) return DP_ERR_ARG;
    memset(ds, 0, sizeof *ds);
    if ((st = dp_read_file(images, 1, &bi, &ni, err, cap)) != DP_OK) return st;
    if ((st = dp_read_file(labels, 1, &bl, &nl, err, cap)) != DP_OK) { DP_FREE(bi); return st; }
    if ((st = dp__idx_parse(bi, ni, 3, di, &ci, images, err, cap)) != DP_OK ||
        (st = dp__idx_parse(bl, nl, 1, dl, &cl, labels, err, cap)) != DP_OK) goto done;
    if (dl[0] != di[0]) {
        dp__seterr(err, cap, "%s has %d images but %s has %d labels", images, di[0], labels, dl[0]);
        st = DP_ERR_FORMAT; goto done;
    }
    ds->n = di[0]; ds->h = di[1]; ds->w = di[2]; ds->c = 1;
    ds->x = (float *)DP_MALLOC(sizeof(float) * ci);
    ds->y = (int *)DP_MALLOC(sizeof(int) * cl);
    if (!ds->x || !ds->y) { dp_dataset_free(ds); st = DP_ERR_NOMEM; dp__seterr(err, cap, "out of memory"); goto done; }
    for (i = 0; i < ci; i++) ds->x[i] = (float)bi[16 + i] * (1.0f / 255.0f);
    for (i = 0; i < cl; i++) {
        ds->y[i] = bl[8 + i];
        if (ds->y[i] + 1 > ds->n_classes) ds->n_classes = ds->y[i] + 1;
    }
done:
    DP_FREE(bi); DP_FREE(bl);
    return st;
}

/* ---- >>wav  16-bit PCM WAV files, keyword-spotting clips ---- */
int dp_wav_read(const char *path, int16_t **samples, int *n, int *rate, char *err, size_t cap)
{
    unsigned char *b = NULL;
    size_t len;
    int st;
    if (!path || !samples || !n) return DP_ERR_ARG;
    *samples = NULL; *n = 0;
    if (rate) *rate = 0;
    if ((st = dp_read_file(path, 0, &b, &len, err, cap)) != DP_OK) return st;
    st = dp_wav_decode(b, len, path, samples, n, rate, err, cap);
    DP_FREE(b);
    return st;
}

int dp_wav_decode(const unsigned char *b, size_t len, const char *path, int16_t **samples, int *n,
                  int *rate, char *err, size_t cap)
{
    size_t pos = 12, i;
    int fmt_seen = 0, channels = 0, bits = 0, format = 0, said = 0;
    uint32_t sr = 0;
    if (!path || !samples || !n || (!b && len)) return DP_ERR_ARG;
    *samples = NULL; *n = 0;
    if (rate) *rate = 0;
    if (len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4)) {
        dp__seterr(err, cap, "%s: not a WAV file (no RIFF/WAVE header)", path);
        return DP_ERR_FORMAT;
    }
    while (pos + 8 <= len) {
        const uint32_t id_len = dp__rd32(b + pos + 4);
        const unsigned char *c = b + pos + 8;
        const size_t avail = len - pos - 8;
        if (!memcmp(b + pos, "fmt ", 4)) {
            if (id_len < 16 || avail < 16) { dp__seterr(err, cap, "%s: truncated fmt chunk", path); said = 1; break; }
            format = (int)dp__rd16(c);
            channels = (int)dp__rd16(c + 2);
            sr = dp__rd32(c + 4);
            bits = (int)dp__rd16(c + 14);
            if (format == 0xFFFE && id_len >= 26 && avail >= 26) format = (int)dp__rd16(c + 24);
            fmt_seen = 1;
        } else if (!memcmp(b + pos, "data", 4)) {
            size_t bytes = id_len;
            if (!fmt_seen) { dp__seterr(err, cap, "%s: data chunk before the fmt chunk", path); said = 1; break; }
            if (format != 1 || bits != 16) {
                dp__seterr(err, cap, "%s: %d-bit %s samples; expected 16-bit PCM (convert with: sox in.wav -b 16 -e signed out.wav)",
                           path, bits, format == 3 ? "float" : format == 1 ? "PCM" : "non-PCM");
                said = 1; break;
            }
            if (channels != 1) {
                dp__seterr(err, cap, "%s: %d channels; expected mono (convert with: sox in.wav -c 1 out.wav)", path, channels);
                said = 1; break;
            }
            if (bytes > avail) {
                dp__seterr(err, cap, "%s: truncated: the data chunk says %lu bytes, the file holds %lu", path,
                           (unsigned long)bytes, (unsigned long)avail);
                said = 1; break;
            }
            if (bytes > ((size_t)1 << 30)) { dp__seterr(err, cap, "%s: over 2^29 samples; too long for a clip", path); said = 1; break; }
            *n = (int)(bytes / 2);
            *samples = (int16_t *)DP_MALLOC(sizeof(int16_t) * ((size_t)*n + 1));
            if (!*samples) { *n = 0; dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
            for (i = 0; i < (size_t)*n; i++) (*samples)[i] = (int16_t)dp__s16(dp__rd16(c + 2 * i));
            if (rate) *rate = (int)sr;
            return DP_OK;
        }
        if (id_len > len - pos - 8) break;
        pos += 8 + (size_t)id_len + (id_len & 1u);
    }
    if (!said) dp__seterr(err, cap, "%s: no data chunk (truncated WAV file?)", path);
    return DP_ERR_FORMAT;
}

int dp_wav_write(const char *path, const int16_t *s, int n, int rate)
{
    unsigned char *b;
    int i, st;
    if (!path || !s || n < 0 || n > (1 << 28) || rate <= 0) return DP_ERR_ARG;
    if (!(b = (unsigned char *)DP_MALLOC(44 + 2 * (size_t)n))) return DP_ERR_NOMEM;
    memcpy(b, "RIFF", 4); dp__wr32(b + 4, 36u + 2u * (uint32_t)n); memcpy(b + 8, "WAVEfmt ", 8);
    dp__wr32(b + 16, 16); b[20] = 1; b[21] = 0; b[22] = 1; b[23] = 0;
    dp__wr32(b + 24, (uint32_t)rate); dp__wr32(b + 28, 2u * (uint32_t)rate);
    b[32] = 2; b[33] = 0; b[34] = 16; b[35] = 0;
    memcpy(b + 36, "data", 4); dp__wr32(b + 40, 2u * (uint32_t)n);
    for (i = 0; i < n; i++) { const uint16_t u = (uint16_t)s[i]; b[44 + 2 * i] = (unsigned char)(u & 255u); b[45 + 2 * i] = (unsigned char)(u >> 8); }
    st = dp__write_atomic(path, b, 44 + 2 * (size_t)n);
    DP_FREE(b);
    return st;
}

static const char *const dp__kws_names[DP_KWS_CLASSES] = {
    "silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};

const char *dp_kws_class_name(int i) { return i >= 0 && i < DP_KWS_CLASSES ? dp__kws_names[i] : NULL; }

int dp_kws_class_of(const char *s)
{
    const char *slash;
    size_t n;
    int k;
    if (!s) return 1;
    slash = strchr(s, '/');
    n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 9 && !strncmp(s, "_silence_", 9)) return 0;
    for (k = 2; k < DP_KWS_CLASSES; k++)
        if (strlen(dp__kws_names[k]) == n && !strncmp(s, dp__kws_names[k], n)) return k;
    return 1;
}

int dp_kws_clip_load(const char *path, int16_t *out, char *err, size_t cap)
{
    int16_t *s = NULL;
    int n = 0, rate = 0, i, peak = 0, st;
    if (!path || !out) return DP_ERR_ARG;
    if ((st = dp_wav_read(path, &s, &n, &rate, err, cap)) != DP_OK) return st;
    if (rate != DP_MFCC_RATE) {
        dp__seterr(err, cap, "%s: sample rate %d Hz; expected %d Hz (resample with: sox in.wav -r 16000 out.wav)", path, rate, DP_MFCC_RATE);
        st = DP_ERR_FORMAT;
    } else if (n > DP_MFCC_RATE) {
        dp__seterr(err, cap, "%s: %d samples (%.2f s); a keyword clip is at most one second (%d samples): trim it", path, n,
                   (double)n / DP_MFCC_RATE, DP_MFCC_RATE);
        st = DP_ERR_FORMAT;
    } else {
        for (i = 0; i < n; i++) { const int a = s[i] < 0 ? -s[i] : s[i]; if (a > peak) peak = a; }
        if (peak < DP_KWS_SILENT) {
            dp__seterr(err, cap, "%s: silent (peak amplitude %d of 32767); for the silence class record background noise instead", path, peak);
            st = DP_ERR_FORMAT;
        } else {
            for (i = 0; i < n; i++) out[i] = s[i];
            for (; i < DP_MFCC_RATE; i++) out[i] = 0;
            st = n < DP_MFCC_RATE ? 1 : DP_OK;
        }
    }
    DP_FREE(s);
    return st;
}

void dp_dataset_free(dp_dataset *ds)
{
    if (!ds) return;
    DP_FREE(ds->x); DP_FREE(ds->y);
    ds->x = NULL; ds->y = NULL; ds->n = 0;
}

void dp_dataset_normalize(dp_dataset *ds, float mean, float sd)
{
    size_t i, n = (size_t)ds->n * ds->h * ds->w * ds->c;
    for (i = 0; i < n; i++) ds->x[i] = (ds->x[i] - mean) / sd;
}

void dp_dataset_batch(const dp_dataset *ds, const int *idx, int n, float *x,
                      int *y, const dp_augment *aug, dp_rng *rng)
{
    int i, H = ds->h, W = ds->w, C = ds->c;
    size_t per = (size_t)H * W * C;
    for (i = 0; i < n; i++) {
        const float *src = ds->x + per * (size_t)idx[i];
        float *dst = x + per * (size_t)i;
        int dy = 0, dx = 0, flip = 0, r, c;
        if (aug && rng) {
            if (aug->crop > 0) {
                dy = (int)dp_rng_below(rng, (uint32_t)(2 * aug->crop + 1)) - aug->crop;
                dx = (int)dp_rng_below(rng, (uint32_t)(2 * aug->crop + 1)) - aug->crop;
            }
            if (aug->flip > 0.0f) flip = dp_rng_uniform(rng) < aug->flip;
        }
        if (!dy && !dx && !flip) { memcpy(dst, src, sizeof(float) * per); }
        else for (r = 0; r < H; r++) for (c = 0; c < W; c++) {
            int sr = r + dy, sc = (flip ? W - 1 - c : c) + dx;
            float *d = dst + ((size_t)r * W + c) * C;
            if (sr < 0 || sr >= H || sc < 0 || sc >= W) memset(d, 0, sizeof(float) * (size_t)C);
            else memcpy(d, src + ((size_t)sr * W + sc) * C, sizeof(float) * (size_t)C);
        }
        if (y) y[i] = ds->y[idx[i]];
    }
}

/* ---------------------------------------------------------------------- */
/* >>progress                                                             */
/* ---------------------------------------------------------------------- */
double dp_time(void)
{
#ifdef DP__POSIX
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
#else
    return (double)clock() / CLOCKS_PER_SEC;
#endif
}

void dp_progress_start(dp_progress *p, const char *label, long total)
{
    p->t0 = dp_time(); p->total = total; p->label = label;
#ifdef DP__POSIX
    p->tty = isatty(2);
#else
    p->tty = 0;
#endif
    p->last = p->tty ? 0.0 : p->t0;   /* lines: the first after 10 s */
}

void dp_progress_update(dp_progress *p, long done, double items, const char *extra)
{
    double now = dp_time(), el = now - p->t0, eta;
    int i, w = 24, fill;
    char bar[32];
    if (done < p->total && now - p->last < (p->tty ? 0.25 : 10.0)) return;
    p->last = now;
    fill = p->total > 0 ? (int)((double)w * done / p->total) : w;
    if (fill > w) fill = w;
    for (i = 0; i < w; i++) bar[i] = i < fill ? '#' : '.';
    bar[w] = 0;
    eta = done > 0 ? el * (double)(p->total - done) / (double)done : 0.0;
    /* not a terminal: a line each time; the last one is ended by _end */
    fprintf(stderr, "%s%s [%s] %ld/%ld %s %.0f img/s ETA %02d:%02d %s", p->tty ? "\r" : "", p->label ? p->label : "", bar,
            done, p->total, extra ? extra : "", el > 0 ? items / el : 0.0, (int)(eta / 60), (int)eta % 60,
            p->tty || done >= p->total ? "" : "\n");
    fflush(stderr);
}

void dp_progress_end(dp_progress *p)
{
    fprintf(stderr, "  (%.1f s)\n", dp_time() - p->t0);
}

/* ---------------------------------------------------------------------- */
/* >>gunzip                                                               */
/* ---------------------------------------------------------------------- */
/* DEFLATE (RFC 1951) in a gzip container (RFC 1952): table-driven decoding,
   every read and write bounds-checked. */
/* ----------------------------------------------------------------- inflate */

/* Huffman decoding tables.
   A code of length L is stored bit-reversed in the stream (its first bit is
   the least significant bit of the bit buffer), so the low ROOT bits of the
   bit buffer index a "root" table directly. A code with L <= ROOT owns every
   root slot whose low L bits equal its reversed code (stride 1 << L). Codes
   longer than ROOT share root slots by their first ROOT bits; such a slot
   holds a link to a subtable indexed by the next (maxlen - ROOT) bits, where
   maxlen is the longest code with that prefix. Every entry stores the FULL
   code length, so a decode is one or two lookups then a single shift.
   Entry layout (uint32): bits 0-7  code length (for links: subtable bits)
                          bits 8-15 kind: DP__GZ_K_* flags, or 0..13 = number
                                    of extra bits of a length/distance symbol
                          bits 16-31 literal byte / base length or distance /
                                     subtable start / code-length symbol */
#define DP__GZ_K_LIT 0x80u /* literal byte (also: code-length-code symbol) */
#define DP__GZ_K_EOB 0x40u /* end of block */
#define DP__GZ_K_SUB 0x20u /* link to a subtable */
#define DP__GZ_K_BAD 0x10u /* unused code or forbidden symbol */
#define DP__GZ_ENT(val, kind, bits) \
    (((uint32_t)(val) << 16) | ((uint32_t)(kind) << 8) | (uint32_t)(bits))

#define DP__GZ_LIT_ROOT 10
#define DP__GZ_DIST_ROOT 8
#define DP__GZ_CLEN_ROOT 7 /* code-length codes are at most 7 bits: no links */
/* Capacity bounds. A subtable of depth d (size 2^d) holds a complete subtree
   of depth d, i.e. at least d+1 codes, so with N symbols the subtables need
   at most N * max_d(2^d / (d+1)) entries: 286*32/6 < 1536 for lit/len (d<=5),
   30*128/8 = 480 for distances (d<=7). dp__gz_build still checks the bound. */
#define DP__GZ_LIT_CAP ((1 << DP__GZ_LIT_ROOT) + 1536)
#define DP__GZ_DIST_CAP ((1 << DP__GZ_DIST_ROOT) + 512)
#define DP__GZ_SLACK 16 /* bytes allocated past the output capacity, for 8-byte match copies */

#define DP__GZ_MODE_CLEN 0
#define DP__GZ_MODE_LIT 1
#define DP__GZ_MODE_DIST 2

static const uint16_t dp__gz_len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const unsigned char dp__gz_len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dp__gz_dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const unsigned char dp__gz_dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const unsigned char dp__gz_clen_order[19] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

typedef struct dp__gz_inflate {
    const unsigned char *src;
    size_t n, pos;       /* input and next unread byte */
    size_t overrun;      /* zero bytes fed to the bit buffer past the end of src */
    uint64_t bb;         /* bit buffer: next stream bit is bit 0 */
    unsigned bc;         /* valid bits in bb */
    unsigned char *out;  /* output buffer: cap + DP__GZ_SLACK bytes allocated */
    size_t olen, cap, max_out;
    size_t mstart;       /* output offset where the current member started */
    const char *msg;
    int have_fixed;
    uint32_t lit[DP__GZ_LIT_CAP], dist[DP__GZ_DIST_CAP];
    uint32_t flit[1 << DP__GZ_LIT_ROOT], fdist[1 << DP__GZ_DIST_ROOT];
    uint32_t clen[1 << DP__GZ_CLEN_ROOT];
    unsigned char lens[286 + 30];
    unsigned char submax[1 << DP__GZ_LIT_ROOT];
} dp__gz_inflate;

static int dp__gz_fail(dp__gz_inflate *d, int status, const char *msg)
{
    d->msg = msg;
    return status;
}

static uint32_t dp__gz_sym_entry(int mode, unsigned sym, unsigned len)
{
    if (mode == DP__GZ_MODE_CLEN) return DP__GZ_ENT(sym, DP__GZ_K_LIT, len);
    if (mode == DP__GZ_MODE_LIT) {
        if (sym < 256) return DP__GZ_ENT(sym, DP__GZ_K_LIT, len);
        if (sym == 256) return DP__GZ_ENT(0, DP__GZ_K_EOB, len);
        if (sym < 286) return DP__GZ_ENT(dp__gz_len_base[sym - 257], dp__gz_len_extra[sym - 257], len);
        return DP__GZ_ENT(0, DP__GZ_K_BAD, len); /* 286, 287: only in the fixed code */
    }
    if (sym < 30) return DP__GZ_ENT(dp__gz_dist_base[sym], dp__gz_dist_extra[sym], len);
    return DP__GZ_ENT(0, DP__GZ_K_BAD, len); /* distance codes 30, 31 */
}

static unsigned dp__gz_bitrev(unsigned code, unsigned len)
{
    unsigned r = 0;
    while (len--) {
        r = (r << 1) | (code & 1u);
        code >>= 1;
    }
    return r;
}

/* Build a decoding table from code lengths (all <= 15). Returns 0 or -1 for
   an over-subscribed or (disallowed) incomplete code. Incomplete codes are
   accepted only when they consist of one 1-bit code (RFC 1951 allows a single
   distance code; zlib accepts the same for lit/len), or no code at all (the
   table is then all BAD; the caller rejects that where it matters). */
static int dp__gz_build(uint32_t *tab, unsigned cap, unsigned root, const unsigned char *lens,
                     unsigned nsym, int mode, unsigned char *submax)
{
    unsigned count[16], next[16], l, s, i, used = 0, maxlen = 0, code, rsize = 1u << root;
    long left = 1;
    for (l = 0; l < 16; l++) count[l] = 0;
    for (s = 0; s < nsym; s++) count[lens[s]]++;
    for (l = 1; l < 16; l++) {
        left = 2 * left - (long)count[l]; /* Kraft: unused code space at depth l */
        if (left < 0) return -1;
        if (count[l]) maxlen = l;
        used += count[l];
    }
    for (i = 0; i < rsize; i++) tab[i] = DP__GZ_ENT(0, DP__GZ_K_BAD, 1);
    if (used == 0) return 0;
    if (left > 0 && (mode == DP__GZ_MODE_CLEN || maxlen != 1)) return -1;

    /* Canonical codes (RFC 1951 3.2.2): first code of each length. */
    code = 0;
    count[0] = 0;
    for (l = 1; l < 16; l++) {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    /* Pass 1: longest code behind each root prefix, to size the subtables. */
    memset(submax, 0, rsize);
    for (s = 0; s < nsym; s++) {
        l = lens[s];
        if (l > root) {
            unsigned p = dp__gz_bitrev(next[l], l) & (rsize - 1);
            if (submax[p] < l) submax[p] = (unsigned char)l;
        }
        if (l) next[l]++;
    }
    /* Pass 2: place subtables after the root table and link them. */
    {
        unsigned fill = rsize;
        for (i = 0; i < rsize; i++) {
            if (submax[i]) {
                unsigned sb = submax[i] - root, j;
                if (fill + (1u << sb) > cap) return -1;
                tab[i] = DP__GZ_ENT(fill, DP__GZ_K_SUB, sb);
                for (j = 0; j < (1u << sb); j++) tab[fill + j] = DP__GZ_ENT(0, DP__GZ_K_BAD, 1);
                fill += 1u << sb;
            }
        }
    }
    /* Pass 3: fill entries (restart the canonical code counters). */
    code = 0;
    for (l = 1; l < 16; l++) {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    for (s = 0; s < nsym; s++) {
        uint32_t e;
        unsigned r;
        l = lens[s];
        if (!l) continue;
        r = dp__gz_bitrev(next[l]++, l);
        e = dp__gz_sym_entry(mode, s, l);
        if (l <= root) {
            for (i = r; i < rsize; i += 1u << l) tab[i] = e;
        } else {
            uint32_t link = tab[r & (rsize - 1)];
            unsigned base = link >> 16, sb = link & 0xFFu;
            for (i = r >> root; i < (1u << sb); i += 1u << (l - root)) tab[base + i] = e;
        }
    }
    return 0;
}

/* One or two lookups; the returned entry's low byte is the full code length. */
static uint32_t dp__gz_lookup(const uint32_t *tab, unsigned root, uint64_t bb)
{
    uint32_t e = tab[(unsigned)bb & ((1u << root) - 1)];
    if ((e >> 8) & DP__GZ_K_SUB)
        e = tab[(e >> 16) + ((unsigned)(bb >> root) & ((1u << (e & 0xFFu)) - 1))];
    return e;
}

/* Bit-buffer refill: afterwards bc >= 56, enough for the longest symbol
   (15 + 5 length extra + 15 + 13 distance extra = 48 bits).
   Fast path (>= 8 input bytes left): OR in an 8-byte little-endian load at
   bit position bc and advance pos by the number of WHOLE bytes that fit; bits
   of the next, partially fitting byte land above bc, and the next refill ORs
   in the very same bits again, so they are harmless.
   Near the end the buffer is padded with zero bytes counted in `overrun`.
   Padding is only an error if actually consumed: the top overrun*8 bits of
   the buffer are padding, so real data was overrun iff overrun*8 > bc. The
   check runs on every refill (i.e. before every symbol), so a truncated
   stream is caught at most one symbol late, with no out-of-range access. */
#define DP__GZ_REFILL(src, n, pos, bb, bc, overrun, on_trunc)          \
    do {                                                            \
        if ((n) - (pos) >= 8) {                                     \
            (bb) |= dp__rd64((src) + (pos)) << (bc);            \
            (pos) += (63u - (bc)) >> 3;                             \
            (bc) |= 56u;                                            \
        } else {                                                    \
            while ((bc) < 56u) {                                    \
                if ((pos) < (n)) (bb) |= (uint64_t)(src)[(pos)++] << (bc); \
                else (overrun)++;                                   \
                (bc) += 8u;                                         \
            }                                                       \
            if ((overrun) * 8u > (bc)) on_trunc;                    \
        }                                                           \
    } while (0)

static int dp__gz_refill(dp__gz_inflate *d)
{
    DP__GZ_REFILL(d->src, d->n, d->pos, d->bb, d->bc, d->overrun,
               return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream"));
    return DP_OK;
}

/* Take k <= 32 bits; the caller has refilled so that bc >= k. */
static unsigned dp__gz_bits(dp__gz_inflate *d, unsigned k)
{
    unsigned v = (unsigned)(d->bb & ((1u << k) - 1u));
    d->bb >>= k;
    d->bc -= k;
    return v;
}

/* Drop the bits up to the next byte boundary and hand the whole bytes still
   in the bit buffer back to the input (padding bytes first). */
static int dp__gz_align(dp__gz_inflate *d)
{
    d->bc &= ~7u;
    while (d->bc >= 8) {
        if (d->overrun) d->overrun--;
        else d->pos--;
        d->bc -= 8;
    }
    d->bb = 0;
    if (d->overrun) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    return DP_OK;
}

/* Make room for `extra` more output bytes: double the capacity (capped at
   max_out). Invariant: olen <= cap <= max_out. */
static int dp__gz_grow(dp__gz_inflate *d, size_t extra)
{
    size_t need, ncap;
    unsigned char *p;
    if (extra > d->max_out - d->olen)
        return dp__gz_fail(d, DP_ERR_LIMIT, "gzip: output exceeds max_out");
    need = d->olen + extra;
    ncap = d->cap <= d->max_out / 2 ? d->cap * 2 : d->max_out;
    if (ncap < 65536) ncap = 65536;
    if (ncap > d->max_out) ncap = d->max_out;
    if (ncap < need) ncap = need;
    p = (unsigned char *)DP_REALLOC(d->out, ncap + DP__GZ_SLACK);
    if (!p) return dp__gz_fail(d, DP_ERR_NOMEM, "gzip: out of memory");
    d->out = p;
    d->cap = ncap;
    return DP_OK;
}

/* Decode the symbols of one Huffman block until end-of-block. This is the
   hot loop: the state is kept in locals and written back on every exit. */
static int dp__gz_codes(dp__gz_inflate *d, const uint32_t *lit, const uint32_t *dist)
{
    const unsigned char *src = d->src;
    size_t n = d->n, pos = d->pos, overrun = d->overrun;
    size_t olen = d->olen, cap = d->cap, mstart = d->mstart;
    unsigned char *out = d->out;
    uint64_t bb = d->bb;
    unsigned bc = d->bc, kind, len, dst, k;
    uint32_t e;
    int rc = DP_OK;

#define DP__GZ_SAVE() (d->pos = pos, d->overrun = overrun, d->bb = bb, d->bc = bc, d->olen = olen)
    for (;;) {
        DP__GZ_REFILL(src, n, pos, bb, bc, overrun, goto truncated);
        e = lit[(unsigned)bb & ((1u << DP__GZ_LIT_ROOT) - 1)];
        if (e & (DP__GZ_K_SUB << 8))
            e = lit[(e >> 16) + ((unsigned)(bb >> DP__GZ_LIT_ROOT) & ((1u << (e & 0xFFu)) - 1))];
        k = e & 0xFFu;
        bb >>= k;
        bc -= k;
        kind = (e >> 8) & 0xFFu;
        if (kind & DP__GZ_K_LIT) {
            if (olen == cap) {
                DP__GZ_SAVE();
                if ((rc = dp__gz_grow(d, 1)) != DP_OK) break;
                out = d->out;
                cap = d->cap;
            }
            out[olen++] = (unsigned char)(e >> 16);
            /* The refill left >= 56 bits and a literal takes <= 15: a second
               literal can be decoded without refilling. */
            e = lit[(unsigned)bb & ((1u << DP__GZ_LIT_ROOT) - 1)];
            if (((e >> 8) & DP__GZ_K_LIT) && olen < cap) {
                k = e & 0xFFu;
                bb >>= k;
                bc -= k;
                out[olen++] = (unsigned char)(e >> 16);
            }
            continue;
        }
        if (kind < 16) { /* length symbol, kind = number of extra bits */
            unsigned char *q;
            const unsigned char *s;
            len = (e >> 16) + ((unsigned)bb & ((1u << kind) - 1u));
            bb >>= kind;
            bc -= kind;
            e = dist[(unsigned)bb & ((1u << DP__GZ_DIST_ROOT) - 1)];
            if (e & (DP__GZ_K_SUB << 8))
                e = dist[(e >> 16) + ((unsigned)(bb >> DP__GZ_DIST_ROOT) & ((1u << (e & 0xFFu)) - 1))];
            kind = (e >> 8) & 0xFFu;
            if (kind >= 16) {
                rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: invalid distance code");
                break;
            }
            k = e & 0xFFu;
            bb >>= k;
            bc -= k;
            dst = (e >> 16) + ((unsigned)bb & ((1u << kind) - 1u));
            bb >>= kind;
            bc -= kind;
            if (dst > olen - mstart) { /* the window is this member's output */
                rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: invalid distance");
                break;
            }
            if (len > cap - olen) {
                DP__GZ_SAVE();
                if ((rc = dp__gz_grow(d, len)) != DP_OK) break;
                out = d->out;
                cap = d->cap;
            }
            q = out + olen;
            s = q - dst;
            olen += len;
            if (dst >= 8) {
                /* Source and destination 8-byte chunks never overlap, and each
                   chunk only reads bytes already written. May write up to 7
                   bytes past olen + len: that is inside the DP__GZ_SLACK bytes
                   allocated past cap, and later output overwrites it. */
                unsigned char *qe = q + len;
                do {
                    memcpy(q, s, 8);
                    q += 8;
                    s += 8;
                } while (q < qe);
            } else if (dst == 1) {
                memset(q, *s, len);
            } else {
                while (len--) *q++ = *s++;
            }
            continue;
        }
        if (kind & DP__GZ_K_EOB) break;
        rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: invalid literal/length code");
        break;
    }
    if (0) {
    truncated:
        rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    }
    DP__GZ_SAVE();
#undef DP__GZ_SAVE
    return rc;
}

static int dp__gz_stored(dp__gz_inflate *d)
{
    size_t len;
    int rc = dp__gz_align(d);
    if (rc) return rc;
    if (d->n - d->pos < 4) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    len = dp__rd16(d->src + d->pos);
    if ((len ^ 0xFFFFu) != dp__rd16(d->src + d->pos + 2))
        return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: stored block length mismatch");
    d->pos += 4;
    if (d->n - d->pos < len) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    if (len > d->cap - d->olen && (rc = dp__gz_grow(d, len)) != DP_OK) return rc;
    if (len) memcpy(d->out + d->olen, d->src + d->pos, len);
    d->olen += len;
    d->pos += len;
    return DP_OK;
}

static int dp__gz_fixed(dp__gz_inflate *d)
{
    unsigned i;
    if (d->have_fixed) return DP_OK;
    for (i = 0; i < 288; i++) /* fixed code, RFC 1951 3.2.6 */
        d->lens[i] = (unsigned char)(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
    if (dp__gz_build(d->flit, 1u << DP__GZ_LIT_ROOT, DP__GZ_LIT_ROOT, d->lens, 288, DP__GZ_MODE_LIT, d->submax))
        return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: internal table error");
    for (i = 0; i < 32; i++) d->lens[i] = 5;
    if (dp__gz_build(d->fdist, 1u << DP__GZ_DIST_ROOT, DP__GZ_DIST_ROOT, d->lens, 32, DP__GZ_MODE_DIST, d->submax))
        return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: internal table error");
    d->have_fixed = 1;
    return DP_OK;
}

/* Read a dynamic block header (RFC 1951 3.2.7) and build d->lit / d->dist. */
static int dp__gz_dynamic(dp__gz_inflate *d)
{
    unsigned hlit, hdist, hclen, i, total;
    unsigned char cl[19];
    int rc;
    if ((rc = dp__gz_refill(d)) != DP_OK) return rc;
    hlit = dp__gz_bits(d, 5) + 257;
    hdist = dp__gz_bits(d, 5) + 1;
    hclen = dp__gz_bits(d, 4) + 4;
    if (hlit > 286 || hdist > 30) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
    for (i = 0; i < 19; i++) cl[i] = 0;
    for (i = 0; i < hclen; i++) {
        if ((rc = dp__gz_refill(d)) != DP_OK) return rc;
        cl[dp__gz_clen_order[i]] = (unsigned char)dp__gz_bits(d, 3);
    }
    if (dp__gz_build(d->clen, 1u << DP__GZ_CLEN_ROOT, DP__GZ_CLEN_ROOT, cl, 19, DP__GZ_MODE_CLEN, d->submax))
        return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
    /* Lit/len and distance lengths form one sequence; repeats may cross. */
    total = hlit + hdist;
    i = 0;
    while (i < total) {
        uint32_t e;
        unsigned sym, rep, val = 0;
        if ((rc = dp__gz_refill(d)) != DP_OK) return rc;
        e = dp__gz_lookup(d->clen, DP__GZ_CLEN_ROOT, d->bb);
        if (!((e >> 8) & DP__GZ_K_LIT)) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
        dp__gz_bits(d, e & 0xFFu);
        sym = e >> 16;
        if (sym < 16) {
            d->lens[i++] = (unsigned char)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
            val = d->lens[i - 1];
            rep = 3 + dp__gz_bits(d, 2);
        } else if (sym == 17) {
            rep = 3 + dp__gz_bits(d, 3);
        } else {
            rep = 11 + dp__gz_bits(d, 7);
        }
        if (rep > total - i) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
        while (rep--) d->lens[i++] = (unsigned char)val;
    }
    if (d->lens[256] == 0) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: no end-of-block code");
    if (dp__gz_build(d->lit, DP__GZ_LIT_CAP, DP__GZ_LIT_ROOT, d->lens, hlit, DP__GZ_MODE_LIT, d->submax) ||
        dp__gz_build(d->dist, DP__GZ_DIST_CAP, DP__GZ_DIST_ROOT, d->lens + hlit, hdist, DP__GZ_MODE_DIST, d->submax))
        return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad code lengths");
    return DP_OK;
}

/* Decode one raw deflate stream starting at d->pos; on success d->pos is the
   first byte after it. */
static int dp__gz_inflate_stream(dp__gz_inflate *d)
{
    unsigned final, type;
    int rc;
    d->bb = 0;
    d->bc = 0;
    d->overrun = 0;
    do {
        if ((rc = dp__gz_refill(d)) != DP_OK) return rc;
        final = dp__gz_bits(d, 1);
        type = dp__gz_bits(d, 2);
        if (type == 0) {
            rc = dp__gz_stored(d);
        } else if (type == 1) {
            rc = dp__gz_fixed(d);
            if (!rc) rc = dp__gz_codes(d, d->flit, d->fdist);
        } else if (type == 2) {
            rc = dp__gz_dynamic(d);
            if (!rc) rc = dp__gz_codes(d, d->lit, d->dist);
        } else {
            rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: invalid block type");
        }
        if (rc) return rc;
    } while (!final);
    return dp__gz_align(d);
}

/* Parse one member header at d->pos (RFC 1952 2.3). */
static int dp__gz_header(dp__gz_inflate *d)
{
    const unsigned char *s = d->src;
    size_t n = d->n, p = d->pos, h = d->pos;
    unsigned flg;
    if (n - p < 10) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    if (s[p] != 0x1F || s[p + 1] != 0x8B) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: bad member magic");
    if (s[p + 2] != 8) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: unknown compression method");
    flg = s[p + 3];
    if (flg & 0xE0u) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: reserved flag bits set");
    p += 10; /* magic, CM, FLG, MTIME, XFL, OS */
    if (flg & 4u) { /* FEXTRA: 2-byte length + data */
        size_t xlen;
        if (n - p < 2) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
        xlen = dp__rd16(s + p);
        p += 2;
        if (n - p < xlen) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
        p += xlen;
    }
    if (flg & 8u) { /* FNAME, zero-terminated */
        while (p < n && s[p]) p++;
        if (p++ >= n) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    }
    if (flg & 16u) { /* FCOMMENT, zero-terminated */
        while (p < n && s[p]) p++;
        if (p++ >= n) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
    }
    if (flg & 2u) { /* FHCRC: low 16 bits of the CRC-32 of the header so far */
        if (n - p < 2) return dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
        if ((dp_crc32(0, s + h, p - h) & 0xFFFFu) != dp__rd16(s + p))
            return dp__gz_fail(d, DP_ERR_CRC, "gzip: header crc mismatch");
        p += 2;
    }
    d->pos = p;
    return DP_OK;
}

int dp_gunzip(const unsigned char *src, size_t n, size_t max_out,
              unsigned char **out, size_t *out_n, char *err, size_t err_cap)
{
    dp__gz_inflate *d;
    size_t hint;
    int rc = DP_OK;

    if (out) *out = NULL;
    if (out_n) *out_n = 0;
    if (err && err_cap) err[0] = 0;
    if (!out || !out_n || (!src && n)) {
        dp__seterr(err, err_cap, "gzip: bad argument");
        return DP_ERR_ARG;
    }
    if (n < 2 || src[0] != 0x1F || src[1] != 0x8B) {
        dp__seterr(err, err_cap, "not gzip");
        return DP_ERR_FORMAT;
    }
    d = (dp__gz_inflate *)DP_MALLOC(sizeof(dp__gz_inflate));
    if (!d) {
        dp__seterr(err, err_cap, "gzip: out of memory");
        return DP_ERR_NOMEM;
    }
    d->src = src;
    d->n = n;
    d->pos = 0;
    d->overrun = 0;
    d->bb = 0;
    d->bc = 0;
    d->olen = 0;
    d->mstart = 0;
    d->msg = "";
    d->have_fixed = 0;
    d->max_out = max_out < (size_t)-1 - DP__GZ_SLACK ? max_out : (size_t)-1 - DP__GZ_SLACK;

    /* Initial capacity: the last member's ISIZE (exact for single-member
       files < 4 GiB), clamped to max_out and to what deflate can possibly
       produce (< 1032:1), so a corrupt trailer cannot force a huge alloc. */
    hint = n >= 20 ? (size_t)dp__rd32(src + n - 4) : 0;
    if (hint / 1032 > n) hint = 0;
    if (hint > d->max_out) hint = d->max_out;
    d->cap = hint;
    d->out = (unsigned char *)DP_MALLOC(d->cap + DP__GZ_SLACK);
    if (!d->out) { /* the hint may be bogus: start small, grow on demand */
        d->cap = 0;
        d->out = (unsigned char *)DP_MALLOC(DP__GZ_SLACK);
        if (!d->out) rc = dp__gz_fail(d, DP_ERR_NOMEM, "gzip: out of memory");
    }

    while (rc == DP_OK) {
        size_t i, mlen;
        if ((rc = dp__gz_header(d)) != DP_OK) break;
        d->mstart = d->olen;
        if ((rc = dp__gz_inflate_stream(d)) != DP_OK) break;
        if (d->n - d->pos < 8) {
            rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream");
            break;
        }
        mlen = d->olen - d->mstart;
        if (dp_crc32(0, d->out + d->mstart, mlen) != dp__rd32(src + d->pos)) {
            rc = dp__gz_fail(d, DP_ERR_CRC, "gzip: crc mismatch");
            break;
        }
        if ((uint32_t)mlen != dp__rd32(src + d->pos + 4)) {
            rc = dp__gz_fail(d, DP_ERR_CRC, "gzip: length mismatch");
            break;
        }
        d->pos += 8;
        if (d->pos == n) break;
        if (n - d->pos >= 2 && src[d->pos] == 0x1F && src[d->pos + 1] == 0x8B) continue;
        for (i = d->pos; i < n && src[i] == 0; i++) {
        }
        if (i != n) rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: trailing garbage");
        break;
    }

    if (rc != DP_OK) {
        dp__seterr(err, err_cap, "%s", d->msg);
        DP_FREE(d->out);
    } else {
        /* Return unused capacity if the ISIZE hint (or doubling) overshot. */
        if (d->cap - d->olen > 65536) {
            unsigned char *p = (unsigned char *)DP_REALLOC(d->out, d->olen + 1);
            if (p) d->out = p;
        }
        *out = d->out;
        *out_n = d->olen;
    }
    DP_FREE(d);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* >>data  image decoders (PNG, PPM/PGM, BMP), resize, sensor CSV, folder */
/*         data sets (see >>api_data)                                     */
/* ---------------------------------------------------------------------- */
int dp_zlib_inflate(const unsigned char *src, size_t n, size_t want, size_t max_out,
                    unsigned char **out, size_t *out_n, char *err, size_t err_cap)
{
    dp__gz_inflate *d;
    uint32_t a = 1, b = 0, adler;
    size_t i;
    int rc;
    if (out) *out = NULL;
    if (out_n) *out_n = 0;
    if (!out || !out_n || (!src && n)) { dp__seterr(err, err_cap, "zlib: bad argument"); return DP_ERR_ARG; }
    if (want) max_out = want;
    if (n < 2 || (src[0] & 15u) != 8 || (src[0] >> 4) > 7 || ((unsigned)src[0] * 256u + src[1]) % 31u) {
        dp__seterr(err, err_cap, "zlib: bad stream header");
        return DP_ERR_FORMAT;
    }
    if (src[1] & 32u) { dp__seterr(err, err_cap, "zlib: preset dictionary not supported"); return DP_ERR_UNSUPPORTED; }
    d = (dp__gz_inflate *)DP_MALLOC(sizeof(dp__gz_inflate));
    if (!d) { dp__seterr(err, err_cap, "zlib: out of memory"); return DP_ERR_NOMEM; }
    d->src = src; d->n = n; d->pos = 2; d->overrun = 0; d->bb = 0; d->bc = 0;
    d->olen = 0; d->mstart = 0; d->msg = ""; d->have_fixed = 0;
    d->max_out = max_out < (size_t)-1 - DP__GZ_SLACK ? max_out : (size_t)-1 - DP__GZ_SLACK;
    /* start at what the input can possibly give (deflate < 1032:1), so a
       short stream that claims a huge image costs no huge allocation */
    d->cap = want;
    if (want && n < want / 1032 && n * 1032 + 65536 < want) d->cap = n * 1032 + 65536;
    d->out = (unsigned char *)DP_MALLOC(d->cap + DP__GZ_SLACK);
    if (!d->out) { DP_FREE(d); dp__seterr(err, err_cap, "zlib: out of memory"); return DP_ERR_NOMEM; }
    rc = dp__gz_inflate_stream(d);
    if (rc == DP_OK && want && d->olen != want) rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: stream shorter than the data it must hold");
    if (rc == DP_OK && d->n - d->pos < 4) rc = dp__gz_fail(d, DP_ERR_FORMAT, "gzip: truncated stream (no Adler-32)");
    if (rc == DP_OK) {
        for (i = 0; i < d->olen; i++) { /* Adler-32, reduced every 5552 bytes at most */
            a += d->out[i]; b += a;
            if ((i & 4095u) == 4095u) { a %= 65521u; b %= 65521u; }
        }
        a %= 65521u; b %= 65521u;
        adler = dp__be32(src + d->pos);
        if (adler != (b << 16 | a)) rc = dp__gz_fail(d, DP_ERR_CRC, "gzip: Adler-32 mismatch");
    }
    if (rc != DP_OK) {
        /* the inflate's messages say "gzip: "; this is a zlib stream */
        const char *m = d->msg && !strncmp(d->msg, "gzip: ", 6) ? d->msg + 6 : d->msg ? d->msg : "error";
        if (rc == DP_ERR_LIMIT) m = "more data than the image holds";
        dp__seterr(err, err_cap, "zlib: %s", m);
        DP_FREE(d->out);
    } else {
        *out = d->out;
        *out_n = d->olen;
    }
    DP_FREE(d);
    return rc;
}

void dp_image_free(dp_image *img)
{
    if (!img) return;
    DP_FREE(img->px);
    memset(img, 0, sizeof *img);
}

static int dp__img_alloc(dp_image *img, int w, int h, int c, int maxval, const char *name, char *err, size_t cap)
{
    if (w <= 0 || h <= 0) { dp__seterr(err, cap, "%s: empty image (%d x %d)", name, w, h); return DP_ERR_FORMAT; }
    if (w > DP_IMAGE_MAX_SIDE || h > DP_IMAGE_MAX_SIDE || (double)w * h > (double)DP_IMAGE_MAX_PIXELS) {
        dp__seterr(err, cap, "%s: %d x %d pixels is over the limit (side %d, %ld pixels: DP_IMAGE_MAX_SIDE/PIXELS)",
                   name, w, h, DP_IMAGE_MAX_SIDE, (long)DP_IMAGE_MAX_PIXELS);
        return DP_ERR_LIMIT;
    }
    img->px = (uint16_t *)DP_MALLOC(sizeof(uint16_t) * (size_t)w * (size_t)h * (size_t)c);
    if (!img->px) { dp__seterr(err, cap, "%s: out of memory for %d x %d pixels", name, w, h); return DP_ERR_NOMEM; }
    img->w = w; img->h = h; img->c = c; img->maxval = maxval;
    return DP_OK;
}

/* ---- PNG (ISO/IEC 15948) ---- */

static int dp__png_paeth(int a, int b, int c)
{
    const int p = a + b - c, pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo the filters of one reduced image of h rows of rb bytes (each row
   led by its filter byte), in place; bpp: bytes per complete pixel (>= 1). */
static int dp__png_unfilter(unsigned char *p, size_t rb, int h, size_t bpp)
{
    const unsigned char *prev = NULL;
    int y;
    size_t i;
    for (y = 0; y < h; y++) {
        const int f = p[0];
        unsigned char *r = p + 1;
        switch (f) {
        case 0: break;
        case 1: for (i = bpp; i < rb; i++) r[i] = (unsigned char)(r[i] + r[i - bpp]); break;
        case 2: if (prev) for (i = 0; i < rb; i++) r[i] = (unsigned char)(r[i] + prev[i]); break;
        case 3:
            for (i = 0; i < rb; i++) {
                const unsigned left = i >= bpp ? r[i - bpp] : 0u, up = prev ? prev[i] : 0u;
                r[i] = (unsigned char)(r[i] + ((left + up) >> 1));
            }
            break;
        case 4:
            for (i = 0; i < rb; i++) {
                const int left = i >= bpp ? r[i - bpp] : 0, up = prev ? prev[i] : 0, ul = prev && i >= bpp ? prev[i - bpp] : 0;
                r[i] = (unsigned char)(r[i] + dp__png_paeth(left, up, ul));
            }
            break;
        default: return y + 1; /* row with a bad filter type */
        }
        prev = r;
        p += rb + 1;
    }
    return 0;
}

/* a chunk type for messages: its 4 letters, '?' for anything else */
static const char *dp__png_tag(const unsigned char *t, char *s)
{
    int i;
    for (i = 0; i < 4; i++) s[i] = (char)(((t[i] | 32u) >= 'a' && (t[i] | 32u) <= 'z') ? t[i] : '?');
    s[4] = 0;
    return s;
}

static int dp__png_decode(const unsigned char *b, size_t n, const char *name, dp_image *img, char *err, size_t cap)
{
    static const int ax[7] = {0, 4, 0, 2, 0, 1, 0}, ay[7] = {0, 0, 4, 0, 2, 0, 1};
    static const int sx[7] = {8, 8, 4, 4, 2, 2, 1}, sy[7] = {8, 8, 8, 4, 4, 2, 2};
    size_t pos = 8, idat_n = 0, idat_cap = 0, raw_n = 0, want = 0;
    unsigned char *idat = NULL, *raw = NULL;
    unsigned char pal[256][4];
    int w = 0, h = 0, depth = 0, ct = -1, interlace = 0, n_pal = 0, have_trns = 0, seen_iend = 0, seen_idat = 0;
    int spp, oc, st = DP_OK, pass, npass;
    unsigned trns[3] = {0, 0, 0};
    char zerr[128], tag[5];
    while (pos < n) {
        uint32_t len;
        const unsigned char *t, *c;
        if (n - pos < 12) { dp__seterr(err, cap, "%s: PNG truncated inside a chunk header", name); st = DP_ERR_FORMAT; goto done; }
        len = dp__be32(b + pos);
        t = b + pos + 4; c = b + pos + 8;
        if (len > 0x7FFFFFFFu || (size_t)len > n - pos - 12) {
            dp__seterr(err, cap, "%s: PNG chunk '%s' of %lu bytes runs past the end of the file (truncated?)", name,
                       dp__png_tag(t, tag), (unsigned long)len);
            st = DP_ERR_FORMAT; goto done;
        }
        if (dp_crc32(0, t, (size_t)len + 4) != dp__be32(c + len)) {
            dp__seterr(err, cap, "%s: PNG chunk '%s' is corrupt (CRC mismatch)", name, dp__png_tag(t, tag));
            st = DP_ERR_CRC; goto done;
        }
        pos += 12 + (size_t)len;
        if (ct < 0 && memcmp(t, "IHDR", 4)) { dp__seterr(err, cap, "%s: PNG does not start with IHDR", name); st = DP_ERR_FORMAT; goto done; }
        if (!memcmp(t, "IHDR", 4)) {
            uint32_t W, H;
            if (ct >= 0) { dp__seterr(err, cap, "%s: PNG has two IHDR chunks", name); st = DP_ERR_FORMAT; goto done; }
            if (len != 13) { dp__seterr(err, cap, "%s: PNG IHDR of %lu bytes (13 expected)", name, (unsigned long)len); st = DP_ERR_FORMAT; goto done; }
            W = dp__be32(c); H = dp__be32(c + 4); depth = c[8]; ct = c[9]; interlace = c[12];
            if (!((ct == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                  (ct == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                  ((ct == 2 || ct == 4 || ct == 6) && (depth == 8 || depth == 16)))) {
                dp__seterr(err, cap, "%s: PNG colour type %d with bit depth %d is not valid", name, ct, depth);
                st = DP_ERR_FORMAT; goto done;
            }
            if (c[10] != 0 || c[11] != 0 || interlace > 1) {
                dp__seterr(err, cap, "%s: PNG compression %d / filter method %d / interlace %d unknown", name, c[10], c[11], interlace);
                st = DP_ERR_FORMAT; goto done;
            }
            if (W == 0 || H == 0 || W > 0x7FFFFFFFu || H > 0x7FFFFFFFu) { dp__seterr(err, cap, "%s: PNG of %lu x %lu pixels", name, (unsigned long)W, (unsigned long)H); st = DP_ERR_FORMAT; goto done; }
            if (W > DP_IMAGE_MAX_SIDE || H > DP_IMAGE_MAX_SIDE || (double)W * H > (double)DP_IMAGE_MAX_PIXELS) {
                dp__seterr(err, cap, "%s: %lu x %lu pixels is over the limit (side %d, %ld pixels: DP_IMAGE_MAX_SIDE/PIXELS)",
                           name, (unsigned long)W, (unsigned long)H, DP_IMAGE_MAX_SIDE, (long)DP_IMAGE_MAX_PIXELS);
                st = DP_ERR_LIMIT; goto done;
            }
            w = (int)W; h = (int)H;
        } else if (!memcmp(t, "PLTE", 4)) {
            int i;
            if (seen_idat || n_pal) { dp__seterr(err, cap, "%s: PNG PLTE after IDAT or twice", name); st = DP_ERR_FORMAT; goto done; }
            if (len % 3 || len == 0 || len > 768) { dp__seterr(err, cap, "%s: PNG PLTE of %lu bytes", name, (unsigned long)len); st = DP_ERR_FORMAT; goto done; }
            n_pal = (int)(len / 3);
            for (i = 0; i < n_pal; i++) { pal[i][0] = c[3 * i]; pal[i][1] = c[3 * i + 1]; pal[i][2] = c[3 * i + 2]; pal[i][3] = 255; }
        } else if (!memcmp(t, "tRNS", 4)) {
            uint32_t i;
            if (seen_idat) { dp__seterr(err, cap, "%s: PNG tRNS after IDAT", name); st = DP_ERR_FORMAT; goto done; }
            if (ct == 3) {
                if (!n_pal || (int)len > n_pal) { dp__seterr(err, cap, "%s: PNG tRNS with %lu entries for a palette of %d", name, (unsigned long)len, n_pal); st = DP_ERR_FORMAT; goto done; }
                for (i = 0; i < len; i++) pal[i][3] = c[i];
                have_trns = 1;
            } else if (ct == 0 || ct == 2) {
                if (len != (ct == 0 ? 2u : 6u)) { dp__seterr(err, cap, "%s: PNG tRNS of %lu bytes for colour type %d", name, (unsigned long)len, ct); st = DP_ERR_FORMAT; goto done; }
                for (i = 0; i < len / 2; i++) trns[i] = (unsigned)c[2 * i] << 8 | c[2 * i + 1];
                have_trns = 1;
            } /* types 4 and 6 have alpha already: a tRNS there is ignored */
        } else if (!memcmp(t, "IDAT", 4)) {
            if (ct == 3 && !n_pal) { dp__seterr(err, cap, "%s: PNG palette image without PLTE", name); st = DP_ERR_FORMAT; goto done; }
            seen_idat = 1;
            if (len > idat_cap - idat_n) {
                unsigned char *p = (unsigned char *)dp__grow(idat, &idat_cap, idat_n + len, 1);
                if (!p) { dp__seterr(err, cap, "%s: out of memory", name); st = DP_ERR_NOMEM; goto done; }
                idat = p;
            }
            if (len) memcpy(idat + idat_n, c, len);
            idat_n += len;
        } else if (!memcmp(t, "IEND", 4)) {
            seen_iend = 1;
            break;
        } else if (!(t[0] & 32u)) {
            dp__seterr(err, cap, "%s: PNG has an unknown critical chunk '%s'", name, dp__png_tag(t, tag));
            st = DP_ERR_UNSUPPORTED; goto done;
        }
    }
    if (!seen_iend) { dp__seterr(err, cap, "%s: PNG truncated (no IEND chunk)", name); st = DP_ERR_FORMAT; goto done; }
    if (!seen_idat) { dp__seterr(err, cap, "%s: PNG without image data (no IDAT)", name); st = DP_ERR_FORMAT; goto done; }
    spp = ct == 2 ? 3 : ct == 4 ? 2 : ct == 6 ? 4 : 1;
    npass = interlace ? 7 : 1;
    for (pass = 0; pass < npass; pass++) {
        const size_t pw = interlace ? (size_t)(w - ax[pass] + sx[pass] - 1) / (size_t)sx[pass] : (size_t)w;
        const size_t ph = interlace ? (size_t)(h - ay[pass] + sy[pass] - 1) / (size_t)sy[pass] : (size_t)h;
        if (w <= (interlace ? ax[pass] : 0) || h <= (interlace ? ay[pass] : 0)) continue;
        want += ph * (1 + (pw * (size_t)spp * (size_t)depth + 7) / 8);
    }
    if ((st = dp_zlib_inflate(idat, idat_n, want, want, &raw, &raw_n, zerr, sizeof zerr)) != DP_OK) {
        dp__seterr(err, cap, "%s: PNG image data: %s", name, zerr);
        goto done;
    }
    oc = ct == 3 ? (have_trns ? 4 : 3) : spp + ((ct == 0 || ct == 2) && have_trns ? 1 : 0);
    if ((st = dp__img_alloc(img, w, h, oc, depth == 16 ? 65535 : 255, name, err, cap)) != DP_OK) goto done;
    {
        unsigned char *p = raw;
        const unsigned scale = depth == 1 ? 255u : depth == 2 ? 85u : depth == 4 ? 17u : 1u;
        for (pass = 0; pass < npass; pass++) {
            const int x0 = interlace ? ax[pass] : 0, y0 = interlace ? ay[pass] : 0;
            const int dx = interlace ? sx[pass] : 1, dy = interlace ? sy[pass] : 1;
            int pw, ph, x, y, bad;
            size_t rb;
            if (w <= x0 || h <= y0) continue;
            pw = (w - x0 + dx - 1) / dx; ph = (h - y0 + dy - 1) / dy;
            rb = ((size_t)pw * (size_t)spp * (size_t)depth + 7) / 8;
            if ((bad = dp__png_unfilter(p, rb, ph, depth < 8 ? 1u : (size_t)spp * (size_t)depth / 8)) != 0) {
                dp__seterr(err, cap, "%s: PNG row %d%s has filter type %d (0..4 allowed)", name, bad - 1,
                           interlace ? " of an interlace pass" : "", p[(size_t)(bad - 1) * (rb + 1)]);
                dp_image_free(img);
                st = DP_ERR_FORMAT; goto done;
            }
            for (y = 0; y < ph; y++) {
                const unsigned char *r = p + (size_t)y * (rb + 1) + 1;
                for (x = 0; x < pw; x++) {
                    uint16_t *o = img->px + (((size_t)(y0 + y * dy)) * (size_t)w + (size_t)(x0 + x * dx)) * (size_t)oc;
                    unsigned s[4];
                    int k;
                    if (depth < 8) {
                        const size_t bit = (size_t)x * (size_t)depth;
                        s[0] = (unsigned)(r[bit >> 3] >> (8 - depth - (int)(bit & 7u))) & ((1u << depth) - 1u);
                    } else if (depth == 8) {
                        for (k = 0; k < spp; k++) s[k] = r[(size_t)x * (size_t)spp + (size_t)k];
                    } else {
                        for (k = 0; k < spp; k++) s[k] = (unsigned)r[((size_t)x * (size_t)spp + (size_t)k) * 2] << 8 | r[((size_t)x * (size_t)spp + (size_t)k) * 2 + 1];
                    }
                    if (ct == 3) {
                        if ((int)s[0] >= n_pal) {
                            dp__seterr(err, cap, "%s: PNG pixel (%d, %d) uses palette entry %u of %d", name, x0 + x * dx, y0 + y * dy, s[0], n_pal);
                            dp_image_free(img);
                            st = DP_ERR_FORMAT; goto done;
                        }
                        for (k = 0; k < oc; k++) o[k] = pal[s[0]][k];
                    } else {
                        const unsigned top = depth == 16 ? 65535u : 255u;
                        for (k = 0; k < spp; k++) o[k] = (uint16_t)(s[k] * scale);
                        if (have_trns) {
                            const int key = ct == 0 ? s[0] == trns[0] : (s[0] == trns[0] && s[1] == trns[1] && s[2] == trns[2]);
                            o[spp] = (uint16_t)(key ? 0u : top);
                        }
                    }
                }
            }
            p += (size_t)ph * (rb + 1);
        }
    }
done:
    DP_FREE(idat);
    DP_FREE(raw);
    return st;
}

/* ---- PPM / PGM (netpbm binary P6 / P5) ---- */
/* the next header number: whitespace and '#' comments before it */
static int dp__pnm_num(const unsigned char *b, size_t n, size_t *pos, long *v)
{
    size_t p = *pos;
    long x = 0;
    for (;;) {
        while (p < n && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r' || b[p] == '\v' || b[p] == '\f')) p++;
        if (p < n && b[p] == '#') { while (p < n && b[p] != '\n' && b[p] != '\r') p++; continue; }
        break;
    }
    if (p >= n || b[p] < '0' || b[p] > '9') return 0;
    while (p < n && b[p] >= '0' && b[p] <= '9') {
        x = x * 10 + (b[p++] - '0');
        if (x > 0x7FFFFFFFL) return 0;
    }
    *pos = p; *v = x;
    return 1;
}

static int dp__pnm_decode(const unsigned char *b, size_t n, const char *name, dp_image *img, char *err, size_t cap)
{
    const int c = b[1] == '6' ? 3 : 1;
    size_t pos = 2, need, i, bps;
    long w, h, mx;
    int st;
    if (!dp__pnm_num(b, n, &pos, &w) || !dp__pnm_num(b, n, &pos, &h) || !dp__pnm_num(b, n, &pos, &mx)) {
        dp__seterr(err, cap, "%s: P%c header: width, height and maxval expected", name, b[1]);
        return DP_ERR_FORMAT;
    }
    if (mx < 1 || mx > 65535) { dp__seterr(err, cap, "%s: P%c maxval %ld (1..65535 allowed)", name, b[1], mx); return DP_ERR_FORMAT; }
    if (pos >= n || !(b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
        dp__seterr(err, cap, "%s: P%c header does not end in one whitespace byte", name, b[1]);
        return DP_ERR_FORMAT;
    }
    pos++;
    if (w <= 0 || h <= 0) { dp__seterr(err, cap, "%s: empty image (%ld x %ld)", name, w, h); return DP_ERR_FORMAT; }
    if (w > DP_IMAGE_MAX_SIDE || h > DP_IMAGE_MAX_SIDE || (double)w * h > (double)DP_IMAGE_MAX_PIXELS) {
        dp__seterr(err, cap, "%s: %ld x %ld pixels is over the limit (side %d, %ld pixels: DP_IMAGE_MAX_SIDE/PIXELS)",
                   name, w, h, DP_IMAGE_MAX_SIDE, (long)DP_IMAGE_MAX_PIXELS);
        return DP_ERR_LIMIT;
    }
    bps = mx > 255 ? 2 : 1;
    need = (size_t)w * (size_t)h * (size_t)c * bps;
    if (n - pos < need) {
        dp__seterr(err, cap, "%s: truncated: %lu bytes of pixels, %lu expected", name, (unsigned long)(n - pos), (unsigned long)need);
        return DP_ERR_FORMAT;
    }
    if ((st = dp__img_alloc(img, (int)w, (int)h, c, (int)mx, name, err, cap)) != DP_OK) return st;
    for (i = 0; i < need / bps; i++) {
        const unsigned v = bps == 2 ? (unsigned)b[pos + 2 * i] << 8 | b[pos + 2 * i + 1] : b[pos + i];
        if ((long)v > mx) {
            dp__seterr(err, cap, "%s: sample %lu is %u, over maxval %ld", name, (unsigned long)i, v, mx);
            dp_image_free(img);
            return DP_ERR_FORMAT;
        }
        img->px[i] = (uint16_t)v;
    }
    return DP_OK;
}

/* ---- BMP (Windows bitmap; uncompressed 8/24/32-bit) ---- */
static int dp__bmp_decode(const unsigned char *b, size_t n, const char *name, dp_image *img, char *err, size_t cap)
{
    uint32_t off, hs, comp, ncol = 0, masks[4] = {0x00FF0000u, 0x0000FF00u, 0x000000FFu, 0};
    int32_t w, h;
    int bpp, top_down, gray = 1, c, x, y, k, sh[4] = {16, 8, 0, 24}, st;
    size_t stride, i;
    const unsigned char *pal = NULL;
    if (n < 54) { dp__seterr(err, cap, "%s: BMP truncated inside its headers", name); return DP_ERR_FORMAT; }
    off = dp__rd32(b + 10); hs = dp__rd32(b + 14);
    if (hs != 40 && hs != 52 && hs != 56 && hs != 108 && hs != 124) {
        dp__seterr(err, cap, "%s: BMP info header of %lu bytes (OS/2 or unknown) not supported", name, (unsigned long)hs);
        return DP_ERR_UNSUPPORTED;
    }
    w = (int32_t)dp__rd32(b + 18); h = (int32_t)dp__rd32(b + 22);
    bpp = (int)dp__rd16(b + 28); comp = dp__rd32(b + 30);
    if (dp__rd16(b + 26) != 1) { dp__seterr(err, cap, "%s: BMP with %u planes", name, (unsigned)dp__rd16(b + 26)); return DP_ERR_FORMAT; }
    if (bpp != 8 && bpp != 24 && bpp != 32) {
        dp__seterr(err, cap, "%s: %d-bit BMP not supported (8-bit palette, 24- and 32-bit only)", name, bpp);
        return DP_ERR_UNSUPPORTED;
    }
    if (!(comp == 0 || (comp == 3 && bpp == 32))) {
        dp__seterr(err, cap, "%s: compressed BMP (compression %lu) not supported: save it uncompressed", name, (unsigned long)comp);
        return DP_ERR_UNSUPPORTED;
    }
    if (h == INT32_MIN || w <= 0 || h == 0) { dp__seterr(err, cap, "%s: BMP of %ld x %ld pixels", name, (long)w, (long)h); return DP_ERR_FORMAT; }
    top_down = h < 0;
    if (top_down) h = -h;
    if (w > DP_IMAGE_MAX_SIDE || h > DP_IMAGE_MAX_SIDE || (double)w * h > (double)DP_IMAGE_MAX_PIXELS) {
        dp__seterr(err, cap, "%s: %ld x %ld pixels is over the limit (side %d, %ld pixels: DP_IMAGE_MAX_SIDE/PIXELS)",
                   name, (long)w, (long)h, DP_IMAGE_MAX_SIDE, (long)DP_IMAGE_MAX_PIXELS);
        return DP_ERR_LIMIT;
    }
    if (comp == 3) { /* masks after a 40-byte header, inside larger ones */
        if (n < 14 + 40 + 16) { dp__seterr(err, cap, "%s: BMP truncated inside its colour masks", name); return DP_ERR_FORMAT; }
        for (k = 0; k < 4; k++) masks[k] = dp__rd32(b + 54 + 4 * k);
        if (hs == 40) masks[3] = 0; /* no alpha mask there: those 4 bytes are pixels or palette */
        for (k = 0; k < 4; k++) {
            if (!masks[k]) { sh[k] = -1; continue; }
            for (sh[k] = 0; sh[k] < 32 && !((masks[k] >> sh[k]) & 1u); sh[k]++) {
            }
            if ((sh[k] & 7) || masks[k] >> sh[k] != 0xFFu) {
                dp__seterr(err, cap, "%s: BMP colour mask 0x%08lx is not one whole byte (not supported)", name, (unsigned long)masks[k]);
                return DP_ERR_UNSUPPORTED;
            }
        }
        if (sh[0] < 0 || sh[1] < 0 || sh[2] < 0) { dp__seterr(err, cap, "%s: BMP without a red, green or blue mask", name); return DP_ERR_FORMAT; }
    } else sh[3] = -1;
    if (bpp == 8) {
        ncol = dp__rd32(b + 46);
        if (ncol == 0) ncol = 256;
        if (ncol > 256 || 14 + (size_t)hs + 4 * (size_t)ncol > n) {
            dp__seterr(err, cap, "%s: BMP palette of %lu colours does not fit the file", name, (unsigned long)ncol);
            return DP_ERR_FORMAT;
        }
        pal = b + 14 + hs;
        for (i = 0; i < ncol; i++) if (pal[4 * i] != pal[4 * i + 1] || pal[4 * i] != pal[4 * i + 2]) gray = 0;
    }
    stride = ((size_t)w * (size_t)bpp + 31) / 32 * 4;
    if (off > n || (size_t)(n - off) / stride < (size_t)h) {
        dp__seterr(err, cap, "%s: BMP truncated: pixels at offset %lu need %lu bytes, the file has %lu", name,
                   (unsigned long)off, (unsigned long)(stride * (size_t)h), (unsigned long)(off > n ? 0 : n - off));
        return DP_ERR_FORMAT;
    }
    c = bpp == 8 ? (gray ? 1 : 3) : sh[3] >= 0 ? 4 : 3;
    if ((st = dp__img_alloc(img, w, h, c, 255, name, err, cap)) != DP_OK) return st;
    for (y = 0; y < h; y++) {
        const unsigned char *r = b + off + stride * (size_t)(top_down ? y : h - 1 - y);
        uint16_t *o = img->px + (size_t)y * (size_t)w * (size_t)c;
        for (x = 0; x < w; x++, o += c) {
            if (bpp == 8) {
                const unsigned j = r[x];
                if (j >= ncol) {
                    dp__seterr(err, cap, "%s: BMP pixel (%d, %d) uses colour %u of a %lu-colour palette", name, x, y, j, (unsigned long)ncol);
                    dp_image_free(img);
                    return DP_ERR_FORMAT;
                }
                if (gray) o[0] = pal[4 * j];
                else { o[0] = pal[4 * j + 2]; o[1] = pal[4 * j + 1]; o[2] = pal[4 * j]; }
            } else if (bpp == 24) {
                o[0] = r[3 * x + 2]; o[1] = r[3 * x + 1]; o[2] = r[3 * x];
            } else {
                const uint32_t v = dp__rd32(r + 4 * (size_t)x);
                for (k = 0; k < c; k++) o[k] = (uint16_t)((v >> sh[k]) & 0xFFu);
            }
        }
    }
    return DP_OK;
}

int dp_image_decode(const unsigned char *b, size_t n, const char *name, dp_image *img, char *err, size_t cap)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (!img) return DP_ERR_ARG;
    memset(img, 0, sizeof *img);
    if (!name) name = "image";
    if (!b && n) return DP_ERR_ARG;
    if (n >= 8 && !memcmp(b, png_sig, 8)) return dp__png_decode(b, n, name, img, err, cap);
    if (n >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6')) return dp__pnm_decode(b, n, name, img, err, cap);
    if (n >= 2 && b[0] == 'B' && b[1] == 'M') return dp__bmp_decode(b, n, name, img, err, cap);
    if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') {
        dp__seterr(err, cap, "%s: netpbm P%c not supported (binary P5/P6 only: convert with pnmtopnm or convert)", name, b[1]);
        return DP_ERR_UNSUPPORTED;
    }
    dp__seterr(err, cap, "%s: not a PNG, PPM/PGM or BMP file (unknown magic)", name);
    return DP_ERR_FORMAT;
}

int dp_image_load(const char *path, dp_image *img, char *err, size_t cap)
{
    unsigned char *b;
    size_t n;
    int st;
    if (!img) return DP_ERR_ARG;
    memset(img, 0, sizeof *img);
    if (!path) return DP_ERR_ARG;
    if ((st = dp_read_file(path, 0, &b, &n, err, cap)) != DP_OK) return st;
    st = dp_image_decode(b, n, path, img, err, cap);
    DP_FREE(b);
    return st;
}

/* ---- resize ---- */
/* Weights of one axis, n source pixels -> m: output i takes source pixels
   first[i] .. first[i] + cnt[i] - 1 with weights wt[i * stride + k].
   Shrinking: output i covers [i n/m, (i+1) n/m) in source pixels; in units
   of 1/m that is [i n, (i+1) n), source j covers [j m, (j+1) m), weight =
   overlap / n. Growing: the source position of output i's centre is
   x = ((2i+1) n - m) / (2m), clamped to [0, n-1]; weights 1-f and f. */
static int dp__rs_axis(int n, int m, int *first, int *cnt, float *wt, int stride)
{
    int i, k;
    for (i = 0; i < m; i++) {
        float *wi = wt + (size_t)i * (size_t)stride;
        if (m < n) {
            const int64_t a = (int64_t)i * n, e = (int64_t)(i + 1) * n;
            const int j0 = (int)(a / m), j1 = (int)((e + m - 1) / m); /* [j0, j1) */
            first[i] = j0; cnt[i] = j1 - j0;
            if (cnt[i] > stride) return DP_ERR_ARG;
            for (k = 0; k < cnt[i]; k++) {
                const int64_t lo = DP__MAX(a, (int64_t)(j0 + k) * m), hi = DP__MIN(e, (int64_t)(j0 + k + 1) * m);
                wi[k] = (float)((double)(hi - lo) / (double)n);
            }
        } else {
            const int64_t num = (int64_t)(2 * i + 1) * n - m, den = 2 * (int64_t)m;
            int64_t j0 = num < 0 ? 0 : num / den;
            double f = num < 0 ? 0.0 : (double)(num - j0 * den) / (double)den;
            if (j0 >= n - 1) { j0 = n - 1; f = 0.0; }
            first[i] = (int)j0;
            if (f == 0.0) { cnt[i] = 1; wi[0] = 1.0f; }
            else { cnt[i] = 2; wi[0] = (float)(1.0 - f); wi[1] = (float)f; }
        }
    }
    return DP_OK;
}

int dp_image_resize(const dp_image *img, int H, int W, int C, int white_bg, float *out)
{
    const int h = img ? img->h : 0, w = img ? img->w : 0, c = img ? img->c : 0;
    float *src = NULL, *tmp = NULL, *wx = NULL, *wy = NULL;
    int *fx = NULL, *cx = NULL, *fy = NULL, *cy = NULL;
    int sxs, sys, x, y, k, st = DP_OK;
    size_t i, np;
    float inv, bg = white_bg ? 1.0f : 0.0f;
    if (!img || !img->px || !out || h <= 0 || w <= 0 || c < 1 || c > 4 || img->maxval <= 0 ||
        H <= 0 || W <= 0 || (C != 1 && C != 3) || H > DP_IMAGE_MAX_SIDE || W > DP_IMAGE_MAX_SIDE)
        return DP_ERR_ARG;
    np = (size_t)h * (size_t)w;
    inv = 1.0f / (float)img->maxval;
    sxs = W < w ? w / W + 2 : 2;
    sys = H < h ? h / H + 2 : 2;
    src = (float *)DP_MALLOC(sizeof(float) * np * (size_t)C);
    tmp = (float *)DP_MALLOC(sizeof(float) * (size_t)h * (size_t)W * (size_t)C);
    wx = (float *)DP_MALLOC(sizeof(float) * (size_t)W * (size_t)sxs);
    wy = (float *)DP_MALLOC(sizeof(float) * (size_t)H * (size_t)sys);
    fx = (int *)DP_MALLOC(sizeof(int) * (size_t)W); cx = (int *)DP_MALLOC(sizeof(int) * (size_t)W);
    fy = (int *)DP_MALLOC(sizeof(int) * (size_t)H); cy = (int *)DP_MALLOC(sizeof(int) * (size_t)H);
    if (!src || !tmp || !wx || !wy || !fx || !cx || !fy || !cy) { st = DP_ERR_NOMEM; goto done; }
    /* 1. samples -> [0,1], alpha composited, to C channels */
    for (i = 0; i < np; i++) {
        const uint16_t *p = img->px + i * (size_t)c;
        float v[3], a = 1.0f;
        if (c <= 2) { v[0] = v[1] = v[2] = (float)p[0] * inv; if (c == 2) a = (float)p[1] * inv; }
        else { v[0] = (float)p[0] * inv; v[1] = (float)p[1] * inv; v[2] = (float)p[2] * inv; if (c == 4) a = (float)p[3] * inv; }
        if (a < 1.0f) for (k = 0; k < 3; k++) v[k] = v[k] * a + bg * (1.0f - a);
        if (C == 1) src[i] = c <= 2 ? v[0] : 0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2];
        else for (k = 0; k < 3; k++) src[i * 3 + (size_t)k] = v[k];
    }
    if (dp__rs_axis(w, W, fx, cx, wx, sxs) || dp__rs_axis(h, H, fy, cy, wy, sys)) { st = DP_ERR_ARG; goto done; }
    /* 2. rows: w -> W */
    for (y = 0; y < h; y++)
        for (x = 0; x < W; x++)
            for (k = 0; k < C; k++) {
                double s = 0.0;
                int j;
                for (j = 0; j < cx[x]; j++)
                    s += (double)wx[(size_t)x * (size_t)sxs + (size_t)j] * src[((size_t)y * (size_t)w + (size_t)(fx[x] + j)) * (size_t)C + (size_t)k];
                tmp[((size_t)y * (size_t)W + (size_t)x) * (size_t)C + (size_t)k] = (float)s;
            }
    /* 3. columns: h -> H */
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++)
            for (k = 0; k < C; k++) {
                double s = 0.0;
                int j;
                for (j = 0; j < cy[y]; j++)
                    s += (double)wy[(size_t)y * (size_t)sys + (size_t)j] * tmp[((size_t)(fy[y] + j) * (size_t)W + (size_t)x) * (size_t)C + (size_t)k];
                out[((size_t)y * (size_t)W + (size_t)x) * (size_t)C + (size_t)k] = (float)(s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s);
            }
done:
    DP_FREE(src); DP_FREE(tmp); DP_FREE(wx); DP_FREE(wy);
    DP_FREE(fx); DP_FREE(cx); DP_FREE(fy); DP_FREE(cy);
    return st;
}

/* ---- sensor CSV ---- */
void dp_csv_free(dp_csv *t)
{
    if (!t) return;
    DP_FREE(t->v); DP_FREE(t->names);
    memset(t, 0, sizeof *t);
}

/* a strict decimal number in b[0..n) (spaces trimmed by the caller) */
static int dp__csv_number(const char *b, size_t n, float *v)
{
    char tmp[64];
    size_t i = 0, dig = 0;
    double d;
    if (n == 0 || n >= sizeof tmp) return 0;
    if (b[i] == '+' || b[i] == '-') i++;
    while (i < n && b[i] >= '0' && b[i] <= '9') { i++; dig++; }
    if (i < n && b[i] == '.') { i++; while (i < n && b[i] >= '0' && b[i] <= '9') { i++; dig++; } }
    if (!dig) return 0;
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
        size_t ed = 0;
        i++;
        if (i < n && (b[i] == '+' || b[i] == '-')) i++;
        while (i < n && b[i] >= '0' && b[i] <= '9') { i++; ed++; }
        if (!ed) return 0;
    }
    if (i != n) return 0;
    memcpy(tmp, b, n); tmp[n] = 0;
    d = strtod(tmp, NULL);
    if (!(d >= -3.0e38 && d <= 3.0e38)) return -1; /* overflows float */
    *v = (float)d;
    return 1;
}

int dp_csv_decode(const unsigned char *buf, size_t n, const char *name, dp_csv *t, char *err, size_t cap)
{
    const char *s = (const char *)buf;
    size_t pos = 0, vcap = 0;
    int line = 1, ncol = 0, ts = -1, k, st = DP_ERR_FORMAT;
    if (!t) return DP_ERR_ARG;
    memset(t, 0, sizeof *t);
    if (!name) name = "csv";
    if (!buf && n) return DP_ERR_ARG;
    if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) pos = 3; /* UTF-8 byte order mark */
    if (pos >= n) { dp__seterr(err, cap, "%s: empty file", name); return DP_ERR_FORMAT; }
    if (!(t->names = (char *)DP_CALLOC(DP_CSV_MAX_COLS, 64))) { dp__seterr(err, cap, "%s: out of memory", name); return DP_ERR_NOMEM; }
    /* header row */
    for (k = 0;; k++) {
        size_t a = pos, e;
        while (pos < n && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r') pos++;
        e = pos;
        while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
        while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
        if (e - a >= 2 && s[a] == '"' && s[e - 1] == '"') { a++; e--; }
        if (e == a) { dp__seterr(err, cap, "%s:1: column %d has no name (the first row must name the columns)", name, k + 1); goto fail; }
        if (e - a == 9 && !strncmp(s + a, "timestamp", 9)) ts = k;
        else if (e - a == 9) {
            size_t i;
            for (i = 0; i < 9 && (s[a + i] | 32) == "timestamp"[i]; i++) {
            }
            if (i == 9) ts = k;
        }
        if (ts != k) {
            size_t i;
            if (ncol >= DP_CSV_MAX_COLS) { dp__seterr(err, cap, "%s:1: over %d columns", name, DP_CSV_MAX_COLS); st = DP_ERR_LIMIT; goto fail; }
            if (e - a > 63) { dp__seterr(err, cap, "%s:1: column name of %lu characters (63 at most)", name, (unsigned long)(e - a)); goto fail; }
            for (i = a; i < e; i++) {
                if ((unsigned char)s[i] < 32 || s[i] == '"') { dp__seterr(err, cap, "%s:1: column %d's name has a quote or control character", name, k + 1); goto fail; }
                t->names[64 * ncol + (int)(i - a)] = s[i];
            }
            ncol++;
        }
        if (pos < n && s[pos] == ',') { pos++; continue; }
        break;
    }
    if (ncol == 0) { dp__seterr(err, cap, "%s:1: no data columns (only a timestamp)", name); goto fail; }
    t->cols = ncol;
    /* data rows */
    for (;;) {
        int f = 0, c = 0;
        if (pos < n && s[pos] == '\r') pos++;
        if (pos < n && s[pos] == '\n') pos++;
        line++;
        { /* the rest blank: the end */
            size_t q = pos;
            while (q < n && (s[q] == '\r' || s[q] == '\n' || s[q] == ' ' || s[q] == '\t')) q++;
            if (q >= n) break;
        }
        if ((size_t)t->rows >= vcap / (size_t)ncol) {
            float *p;
            if (t->rows >= (1 << 24)) { dp__seterr(err, cap, "%s:%d: over 2^24 rows", name, line); st = DP_ERR_LIMIT; goto fail; }
            if (!(p = (float *)dp__grow(t->v, &vcap, ((size_t)t->rows + 1) * (size_t)ncol, sizeof(float)))) { dp__seterr(err, cap, "%s: out of memory", name); st = DP_ERR_NOMEM; goto fail; }
            t->v = p;
        }
        if (pos < n && (s[pos] == '\n' || s[pos] == '\r')) { dp__seterr(err, cap, "%s:%d: empty row", name, line); goto fail; }
        for (;;) {
            size_t a = pos, e;
            while (pos < n && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r') pos++;
            e = pos;
            while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
            while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
            if (f != ts && c < ncol) {
                float v = 0.0f;
                int r;
                r = dp__csv_number(s + a, e - a, &v);
                if (r <= 0) {
                    char shown[24];
                    const size_t m = e - a < 20 ? e - a : 20;
                    size_t i;
                    for (i = 0; i < m; i++) shown[i] = (unsigned char)s[a + i] < 32 ? '?' : s[a + i];
                    shown[m] = 0;
                    if (e == a) dp__seterr(err, cap, "%s:%d: column %d ('%s') is empty", name, line, f + 1, t->names + 64 * c);
                    else if (r < 0) dp__seterr(err, cap, "%s:%d: column %d ('%s'): %s%s is too large for a float", name, line, f + 1, t->names + 64 * c, shown, e - a > 20 ? "..." : "");
                    else dp__seterr(err, cap, "%s:%d: column %d ('%s'): '%s%s' is not a number%s", name, line, f + 1, t->names + 64 * c, shown,
                                    e - a > 20 ? "..." : "", (shown[0] | 32) == 'n' || (shown[0] | 32) == 'i' ||
                                    ((shown[0] == '-' || shown[0] == '+') && ((shown[1] | 32) == 'n' || (shown[1] | 32) == 'i')) ? " (NaN and inf are refused)" : "");
                    goto fail;
                }
                t->v[(size_t)t->rows * (size_t)ncol + (size_t)c++] = v;
            }
            f++;
            if (pos < n && s[pos] == ',') { pos++; continue; }
            break;
        }
        if (f != ncol + (ts >= 0)) {
            dp__seterr(err, cap, "%s:%d: %d fields, the header has %d (ragged row)", name, line, f, ncol + (ts >= 0));
            goto fail;
        }
        t->rows++;
    }
    if (t->rows == 0) { dp__seterr(err, cap, "%s: no data rows (only the header)", name); goto fail; }
    return DP_OK;
fail:
    dp_csv_free(t);
    return st;
}

/* ---- folder data sets ---- */
#ifdef DP__POSIX
#include <dirent.h>
#include <sys/stat.h>

static int dp__isdir(const char *p) { struct stat s; return stat(p, &s) == 0 && S_ISDIR(s.st_mode); }
static int dp__isfile(const char *p) { struct stat s; return stat(p, &s) == 0 && S_ISREG(s.st_mode); }
static int dp__cmpstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static char *dp__strdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = (char *)DP_MALLOC(n);
    if (p) memcpy(p, s, n);
    return p;
}

static char *dp__join(const char *a, const char *b)
{
    const size_t na = strlen(a), nb = strlen(b);
    char *p = (char *)DP_MALLOC(na + nb + 2);
    if (!p) return NULL;
    memcpy(p, a, na); p[na] = '/'; memcpy(p + na + 1, b, nb + 1);
    return p;
}

static void dp__strv_free(char **v, int n)
{
    int i;
    for (i = 0; i < n; i++) DP_FREE(v[i]);
    DP_FREE(v);
}

/* sorted names in dir: subfolders (dirs = 1; not '.'-hidden nor
   _background_noise_) or regular files ending in one of exts (any case) */
static int dp__ls(const char *dir, int dirs, const char *const *exts, char ***out, int *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;
    int cap = 0, cnt = 0;
    *out = NULL; *n = 0;
    if (!d) return DP_ERR_IO;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        char *full;
        int ok;
        if (nm[0] == '.' || (dirs && !strcmp(nm, "_background_noise_"))) continue;
        if (!dirs) {
            const size_t ln = strlen(nm);
            int e;
            ok = 0;
            for (e = 0; exts[e] && !ok; e++) {
                const size_t le = strlen(exts[e]);
                size_t i;
                if (ln <= le) continue;
                for (i = 0; i < le && (nm[ln - le + i] | 32) == exts[e][i]; i++) {
                }
                ok = i == le;
            }
            if (!ok) continue;
        }
        if (!(full = dp__join(dir, nm))) { closedir(d); dp__strv_free(v, cnt); return DP_ERR_NOMEM; }
        ok = dirs ? dp__isdir(full) : dp__isfile(full);
        DP_FREE(full);
        if (!ok) continue;
        if (cnt == cap) {
            char **nv = (char **)dp__grow_int(v, &cap, cnt + 1, sizeof(char *));
            if (!nv) { closedir(d); dp__strv_free(v, cnt); return DP_ERR_NOMEM; }
            v = nv;
        }
        if (!(v[cnt] = dp__strdup(nm))) { closedir(d); dp__strv_free(v, cnt); return DP_ERR_NOMEM; }
        cnt++;
    }
    closedir(d);
    if (cnt) qsort(v, (size_t)cnt, sizeof(char *), dp__cmpstr);
    *out = v; *n = cnt;
    return DP_OK;
}

typedef struct dp__dfile { char *path; int cls, test; } dp__dfile;
typedef struct dp__dlist { dp__dfile *v; int n, cap; } dp__dlist;

static void dp__dlist_free(dp__dlist *l)
{
    int i;
    for (i = 0; i < l->n; i++) DP_FREE(l->v[i].path);
    DP_FREE(l->v);
    memset(l, 0, sizeof *l);
}

/* the files of class folder dir (label cls) into l; test: -1 = by list
   (rel names "cls/file" looked up in the sorted list), else 0/1 */
static int dp__dlist_add(dp__dlist *l, const char *dir, const char *cname, int cls, int test, char **list, int nlist,
                         const char *const *exts, int *added, char *err, size_t cap)
{
    char **f;
    int nf, i, st;
    *added = 0;
    if ((st = dp__ls(dir, 0, exts, &f, &nf)) != DP_OK) {
        dp__seterr(err, cap, st == DP_ERR_NOMEM ? "out of memory listing %s" : "cannot read the folder %s", dir);
        return st;
    }
    for (i = 0; i < nf; i++) {
        dp__dfile *e;
        if (l->n == l->cap) {
            dp__dfile *nv = (dp__dfile *)dp__grow_int(l->v, &l->cap, l->n + 1, sizeof(dp__dfile));
            if (!nv) { dp__strv_free(f, nf); dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
            l->v = nv;
        }
        e = &l->v[l->n];
        e->cls = cls;
        e->test = test;
        if (test < 0) {
            char *rel = dp__join(cname, f[i]);
            const char *key = rel;
            if (!rel) { dp__strv_free(f, nf); dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
            e->test = nlist && bsearch(&key, list, (size_t)nlist, sizeof(char *), dp__cmpstr) != NULL;
            DP_FREE(rel);
        }
        if (!(e->path = dp__join(dir, f[i]))) { dp__strv_free(f, nf); dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
        l->n++;
    }
    dp__strv_free(f, nf);
    *added = nf;
    return DP_OK;
}

/* the list file's lines (trimmed, "./" dropped, empty ones skipped), sorted */
static int dp__read_list(const char *path, char ***out, int *n, char *err, size_t cap)
{
    unsigned char *b;
    size_t len, i = 0;
    int st, cnt = 0, lcap = 0;
    char **v = NULL;
    *out = NULL; *n = 0;
    if ((st = dp_read_file(path, 0, &b, &len, err, cap)) != DP_OK) return st;
    while (i < len) {
        size_t a = i, e;
        while (i < len && b[i] != '\n') i++;
        e = i++;
        while (a < e && (b[a] == ' ' || b[a] == '\t')) a++;
        while (e > a && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r')) e--;
        if (e - a >= 2 && b[a] == '.' && b[a + 1] == '/') a += 2;
        if (e == a) continue;
        if (cnt == lcap) {
            char **nv = (char **)dp__grow_int(v, &lcap, cnt + 1, sizeof(char *));
            if (!nv) { DP_FREE(b); dp__strv_free(v, cnt); dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
            v = nv;
        }
        if (!(v[cnt] = (char *)DP_MALLOC(e - a + 1))) { DP_FREE(b); dp__strv_free(v, cnt); dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
        memcpy(v[cnt], b + a, e - a); v[cnt][e - a] = 0;
        cnt++;
    }
    DP_FREE(b);
    if (cnt) qsort(v, (size_t)cnt, sizeof(char *), dp__cmpstr);
    *out = v; *n = cnt;
    return DP_OK;
}

/* Classes, files and the split of a folder data set (see >>api_data). */
static int dp__data_scan(const char *dir, const dp_data_cfg *cfg, const char *const *exts, const char *what,
                         dp__dlist *l, dp_data_info *info, char *err, size_t cap)
{
    char *tr = NULL, *te = NULL, *lp = NULL, **cls = NULL, **tcls = NULL, **list = NULL;
    int ncls = 0, ntcls = 0, nlist = 0, i, st = DP_OK, added;
    memset(l, 0, sizeof *l);
    if (!(tr = dp__join(dir, "train")) || !(te = dp__join(dir, "test"))) { st = DP_ERR_NOMEM; dp__seterr(err, cap, "out of memory"); goto done; }
    if (!dp__isdir(dir)) { dp__seterr(err, cap, "%s: not a folder", dir); st = DP_ERR_IO; goto done; }
    if (dp__isdir(tr) && dp__isdir(te)) {
        info->split = DP_SPLIT_FOLDERS;
        if ((st = dp__ls(tr, 1, NULL, &cls, &ncls)) != DP_OK || (st = dp__ls(te, 1, NULL, &tcls, &ntcls)) != DP_OK) {
            dp__seterr(err, cap, "cannot read %s or %s", tr, te); goto done;
        }
        for (i = 0; i < ntcls; i++) {
            const char *key = tcls[i];
            if (!bsearch(&key, cls, (size_t)ncls, sizeof(char *), dp__cmpstr)) {
                dp__seterr(err, cap, "%s/%s: a test class with no training folder %s/%s", te, tcls[i], tr, tcls[i]);
                st = DP_ERR_FORMAT; goto done;
            }
        }
    } else {
        if ((st = dp__ls(dir, 1, NULL, &cls, &ncls)) != DP_OK) { dp__seterr(err, cap, "cannot read the folder %s", dir); goto done; }
        if (cfg->list) lp = dp__strdup(cfg->list);
        else if ((lp = dp__join(dir, "testing_list.txt")) != NULL && !dp__isfile(lp)) { DP_FREE(lp); lp = NULL; }
        if (lp) {
            if ((st = dp__read_list(lp, &list, &nlist, err, cap)) != DP_OK) goto done;
            info->split = DP_SPLIT_LIST;
        } else info->split = DP_SPLIT_FRACTION;
    }
    if (ncls < 2) {
        dp__seterr(err, cap, "%s: %d class folder%s; a data set needs at least 2 (DIR/<class>/FILE%s)", info->split == DP_SPLIT_FOLDERS ? tr : dir,
                   ncls, ncls == 1 ? "" : "s", what);
        st = DP_ERR_FORMAT; goto done;
    }
    if (ncls > DP_DATA_MAX_CLASSES) { dp__seterr(err, cap, "%s: %d class folders (at most %d)", dir, ncls, DP_DATA_MAX_CLASSES); st = DP_ERR_LIMIT; goto done; }
    info->n_classes = ncls;
    for (i = 0; i < ncls; i++) {
        char *cd;
        int a0 = l->n, k, ntest = 0;
        if (strlen(cls[i]) > 63) { dp__seterr(err, cap, "%s: class folder name '%s' over 63 characters", dir, cls[i]); st = DP_ERR_LIMIT; goto done; }
        strcpy(info->class_names[i], cls[i]);
        if (info->split == DP_SPLIT_FOLDERS) {
            if (!(cd = dp__join(tr, cls[i]))) { st = DP_ERR_NOMEM; goto done; }
            st = dp__dlist_add(l, cd, cls[i], i, 0, NULL, 0, exts, &added, err, cap);
            DP_FREE(cd);
            if (st) goto done;
            if (!added) { dp__seterr(err, cap, "%s/%s: no %s files", tr, cls[i], what); st = DP_ERR_FORMAT; goto done; }
            if (!(cd = dp__join(te, cls[i]))) { st = DP_ERR_NOMEM; goto done; }
            if (dp__isdir(cd)) st = dp__dlist_add(l, cd, cls[i], i, 1, NULL, 0, exts, &added, err, cap);
            DP_FREE(cd);
            if (st) goto done;
        } else {
            if (!(cd = dp__join(dir, cls[i]))) { st = DP_ERR_NOMEM; goto done; }
            st = dp__dlist_add(l, cd, cls[i], i, info->split == DP_SPLIT_LIST ? -1 : 0, list, nlist, exts, &added, err, cap);
            DP_FREE(cd);
            if (st) goto done;
            if (!added) { dp__seterr(err, cap, "%s/%s: no %s files", dir, cls[i], what); st = DP_ERR_FORMAT; goto done; }
            if (info->split == DP_SPLIT_FRACTION) { /* seeded, stratified: shuffle the class's files, the first go to test */
                const int nf = l->n - a0;
                const float frac = cfg->test_frac > 0.0f ? cfg->test_frac : 0.2f;
                dp_rng r;
                dp_rng_seed(&r, cfg->seed * 1000003u + (uint64_t)i);
                for (k = nf - 1; k > 0; k--) {
                    const int j = (int)dp_rng_below(&r, (uint32_t)(k + 1));
                    dp__dfile t = l->v[a0 + k]; l->v[a0 + k] = l->v[a0 + j]; l->v[a0 + j] = t;
                }
                ntest = (int)(frac * (float)nf + 0.5f);
                if (ntest < 1 && nf >= 2) ntest = 1;
                if (ntest > nf - 1) ntest = nf - 1;
                for (k = 0; k < ntest; k++) l->v[a0 + k].test = 1;
            }
        }
        for (k = a0; k < l->n; k++) {
            if (l->v[k].test) info->test_files[i]++;
            else info->train_files[i]++;
        }
        if (!info->train_files[i]) {
            dp__seterr(err, cap, "%s: class '%s' has no training files (its %d are all in the test set): add some or remove the folder",
                       dir, cls[i], info->test_files[i]);
            st = DP_ERR_FORMAT; goto done;
        }
    }
done:
    if (st) dp__dlist_free(l);
    DP_FREE(tr); DP_FREE(te); DP_FREE(lp);
    dp__strv_free(cls, ncls); dp__strv_free(tcls, ntcls); dp__strv_free(list, nlist);
    return st;
}

/* append one sample (per floats) with label y */
static int dp__ds_push(dp_dataset *ds, size_t *cap, size_t per, const float *x, int y)
{
    if ((size_t)ds->n == *cap) {   /* x and y share the capacity */
        size_t cx = *cap, cy = *cap;
        float *nx = (float *)dp__grow(ds->x, &cx, (size_t)ds->n + 1, sizeof(float) * per);
        int *ny;
        if (!nx) return DP_ERR_NOMEM;
        ds->x = nx;
        if (!(ny = (int *)dp__grow(ds->y, &cy, (size_t)ds->n + 1, sizeof(int)))) return DP_ERR_NOMEM;
        ds->y = ny;
        *cap = cx;
    }
    memcpy(ds->x + per * (size_t)ds->n, x, sizeof(float) * per);
    ds->y[ds->n++] = y;
    return DP_OK;
}

/* a file that failed: stop, or skip and count it */
static int dp__data_bad(const dp_data_cfg *cfg, dp_data_info *info, int st, const char *msg, char *err, size_t cap)
{
    if (!cfg->skip_bad || st == DP_ERR_NOMEM) { dp__seterr(err, cap, "%s", msg); return st; }
    if (!info->skipped++) dp__seterr(info->first_skip, sizeof info->first_skip, "%s", msg);
    return DP_OK;
}

static int dp__data_begin(const dp_data_cfg *cfg, dp_data_cfg *c0, dp_dataset *tr, dp_dataset *te, dp_data_info *info)
{
    if (!tr || !te || !info) return DP_ERR_ARG;
    memset(tr, 0, sizeof *tr); memset(te, 0, sizeof *te); memset(info, 0, sizeof *info);
    if (cfg) *c0 = *cfg; else memset(c0, 0, sizeof *c0);
    return DP_OK;
}

static void dp__data_end(int st, dp_dataset *tr, dp_dataset *te, dp_data_info *info, dp__dlist *l)
{
    int i;
    dp__dlist_free(l);
    if (st) { dp_dataset_free(tr); dp_dataset_free(te); return; }
    tr->n_classes = te->n_classes = info->n_classes;
    for (i = 0; i < tr->n; i++) info->train_count[tr->y[i]]++;
    for (i = 0; i < te->n; i++) info->test_count[te->y[i]]++;
}

int dp_image_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                         dp_data_info *info, char *err, size_t cap)
{
    static const char *const exts[] = {".png", ".ppm", ".pgm", ".bmp", NULL};
    dp_data_cfg c;
    dp__dlist l;
    size_t caps[2] = {0, 0}, per = 0;
    float *x = NULL;
    int i, pass, st;
    char msg[512];
    memset(&l, 0, sizeof l);
    if (!dir || dp__data_begin(cfg, &c, tr, te, info)) return DP_ERR_ARG;
    if (c.h < 0 || c.w < 0 || !(c.c == 0 || c.c == 1 || c.c == 3) || c.h > DP_IMAGE_MAX_SIDE || c.w > DP_IMAGE_MAX_SIDE || (!c.h != !c.w)) {
        dp__seterr(err, cap, "image size %d x %d x %d: h and w both 0 (the first image's) or both > 0, c 0, 1 or 3", c.h, c.w, c.c);
        return DP_ERR_ARG;
    }
    if ((st = dp__data_scan(dir, &c, exts, ".png/.ppm/.pgm/.bmp", &l, info, err, cap)) != DP_OK) return st;
    /* training files first (the first one sets an automatic size), then test */
    for (pass = 0; pass < 2 && !st; pass++)
        for (i = 0; i < l.n && !st; i++) {
            dp_image im;
            dp_dataset *ds = l.v[i].test ? te : tr;
            if (l.v[i].test != pass) continue;
            if ((st = dp_image_load(l.v[i].path, &im, msg, sizeof msg)) != DP_OK) { st = dp__data_bad(&c, info, st, msg, err, cap); continue; }
            if (!per) {
                if (!c.h) { c.h = im.h; c.w = im.w; }
                if (!c.c) c.c = im.c <= 2 ? 1 : 3;
                per = (size_t)c.h * (size_t)c.w * (size_t)c.c;
                tr->h = te->h = c.h; tr->w = te->w = c.w; tr->c = te->c = c.c;
                if (!(x = (float *)DP_MALLOC(sizeof(float) * per))) st = DP_ERR_NOMEM;
            }
            if (!st) st = dp_image_resize(&im, c.h, c.w, c.c, c.white_bg, x);
            if (!st) st = dp__ds_push(ds, &caps[pass], per, x, l.v[i].cls);
            if (st) dp__seterr(err, cap, "%s: out of memory", l.v[i].path);
            dp_image_free(&im);
        }
    if (!st && !tr->n) { dp__seterr(err, cap, "%s: no readable training images", dir); st = DP_ERR_FORMAT; }
    DP_FREE(x);
    dp__data_end(st, tr, te, info, &l);
    return st;
}

int dp_csv_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                       dp_data_info *info, char *err, size_t cap)
{
    static const char *const exts[] = {".csv", NULL};
    dp_data_cfg c;
    dp__dlist l;
    size_t caps[2] = {0, 0}, per = 0, j;
    float *x = NULL;
    double *sum = NULL, *sq = NULL, rows = 0.0;
    int i, pass, st, C = 0, T, S, k, t0;
    char msg[512];
    memset(&l, 0, sizeof l);
    if (!dir || dp__data_begin(cfg, &c, tr, te, info)) return DP_ERR_ARG;
    T = c.window; S = c.stride ? c.stride : c.window;
    if (T <= 0 || S <= 0 || T > (1 << 20)) { dp__seterr(err, cap, "CSV windows: window %d, stride %d (both > 0)", c.window, c.stride); return DP_ERR_ARG; }
    if ((st = dp__data_scan(dir, &c, exts, ".csv", &l, info, err, cap)) != DP_OK) return st;
    for (pass = 0; pass < 2 && !st; pass++)
        for (i = 0; i < l.n && !st; i++) {
            dp_csv t;
            unsigned char *b;
            size_t n;
            dp_dataset *ds = l.v[i].test ? te : tr;
            if (l.v[i].test != pass) continue;
            memset(&t, 0, sizeof t);
            if ((st = dp_read_file(l.v[i].path, 0, &b, &n, msg, sizeof msg)) == DP_OK) {
                st = dp_csv_decode(b, n, l.v[i].path, &t, msg, sizeof msg);
                DP_FREE(b);
            }
            if (!st && !C) { /* the first recording sets the channels */
                C = t.cols;
                info->channels = C;
                for (k = 0; k < C; k++) memcpy(info->channel_names[k], t.names + 64 * k, 64);
                per = (size_t)T * (size_t)C;
                tr->h = te->h = 1; tr->w = te->w = T; tr->c = te->c = C;
                x = (float *)DP_MALLOC(sizeof(float) * per);
                sum = (double *)DP_CALLOC((size_t)C, sizeof(double));
                sq = (double *)DP_CALLOC((size_t)C, sizeof(double));
                if (!x || !sum || !sq) { dp_csv_free(&t); dp__seterr(err, cap, "out of memory"); st = DP_ERR_NOMEM; continue; }
            }
            if (!st && t.cols != C) { st = DP_ERR_FORMAT; dp__seterr(msg, sizeof msg, "%s: %d channels, the first recording has %d", l.v[i].path, t.cols, C); }
            for (k = 0; !st && k < C; k++)
                if (strcmp(t.names + 64 * k, info->channel_names[k])) {
                    dp__seterr(msg, sizeof msg, "%s:1: column '%s' where the first recording has '%s' (same channels in the same order)",
                               l.v[i].path, t.names + 64 * k, info->channel_names[k]);
                    st = DP_ERR_FORMAT;
                }
            if (!st && t.rows < T) { dp__seterr(msg, sizeof msg, "%s: %d rows, shorter than one window (%d)", l.v[i].path, t.rows, T); st = DP_ERR_FORMAT; }
            if (st) { dp_csv_free(&t); st = dp__data_bad(&c, info, st, msg, err, cap); continue; }
            if (!pass)
                for (j = 0; j < (size_t)t.rows * (size_t)C; j++) { sum[j % (size_t)C] += t.v[j]; sq[j % (size_t)C] += (double)t.v[j] * t.v[j]; }
            if (!pass) rows += t.rows;
            for (t0 = 0; !st && t0 + T <= t.rows; t0 += S) {
                memcpy(x, t.v + (size_t)t0 * (size_t)C, sizeof(float) * per);
                if ((st = dp__ds_push(ds, &caps[pass], per, x, l.v[i].cls)) != DP_OK) dp__seterr(err, cap, "out of memory");
            }
            dp_csv_free(&t);
        }
    if (!st && !tr->n) { dp__seterr(err, cap, "%s: no readable training recordings", dir); st = DP_ERR_FORMAT; }
    if (!st) { /* per-channel normalisation from the training rows */
        for (k = 0; k < C; k++) {
            const double m = sum[k] / rows, v = sq[k] / rows - m * m;
            const double sd = v > 0.0 ? sqrt(v) : 0.0;
            info->mean[k] = (float)m;
            info->sd[k] = sd < 1e-6 ? 1.0f : (float)sd;
        }
        for (pass = 0; pass < 2; pass++) {
            dp_dataset *ds = pass ? te : tr;
            for (j = 0; j < (size_t)ds->n * per; j++) ds->x[j] = (ds->x[j] - info->mean[j % (size_t)C]) / info->sd[j % (size_t)C];
        }
    }
    DP_FREE(x); DP_FREE(sum); DP_FREE(sq);
    dp__data_end(st, tr, te, info, &l);
    return st;
}

int dp_wav_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                       dp_data_info *info, char *err, size_t cap)
{
    static const char *const exts[] = {".wav", NULL};
    dp_data_cfg c;
    dp__dlist l;
    size_t caps[2] = {0, 0};
    const size_t per = (size_t)DP_MFCC_FRAMES(DP_MFCC_RATE) * DP_MFCC_COEFFS;
    int16_t *audio = NULL;
    int32_t *work = NULL;
    int8_t q[DP_MFCC_FRAMES(DP_MFCC_RATE) * DP_MFCC_COEFFS];
    float x[DP_MFCC_FRAMES(DP_MFCC_RATE) * DP_MFCC_COEFFS];
    int i, pass, st;
    size_t j;
    char msg[512];
    memset(&l, 0, sizeof l);
    if (!dir || dp__data_begin(cfg, &c, tr, te, info)) return DP_ERR_ARG;
    if ((st = dp__data_scan(dir, &c, exts, ".wav", &l, info, err, cap)) != DP_OK) return st;
    tr->h = te->h = DP_MFCC_FRAMES(DP_MFCC_RATE); tr->w = te->w = DP_MFCC_COEFFS; tr->c = te->c = 1;
    audio = (int16_t *)DP_MALLOC(sizeof(int16_t) * DP_MFCC_RATE);
    work = (int32_t *)DP_MALLOC(sizeof(int32_t) * DP_MFCC_WORK);
    if (!audio || !work) { dp__seterr(err, cap, "out of memory"); st = DP_ERR_NOMEM; }
    for (pass = 0; pass < 2 && !st; pass++)
        for (i = 0; i < l.n && !st; i++) {
            if (l.v[i].test != pass) continue;
            if ((st = dp_kws_clip_load(l.v[i].path, audio, msg, sizeof msg)) < 0) { st = dp__data_bad(&c, info, st, msg, err, cap); continue; }
            dp_mfcc(audio, DP_MFCC_RATE, q, (int)sizeof q, work);
            for (j = 0; j < per; j++) x[j] = (float)q[j] * DP_MFCC_INPUT_SCALE;
            if ((st = dp__ds_push(l.v[i].test ? te : tr, &caps[pass], per, x, l.v[i].cls)) != DP_OK) dp__seterr(err, cap, "out of memory");
        }
    if (!st && !tr->n) { dp__seterr(err, cap, "%s: no readable training clips", dir); st = DP_ERR_FORMAT; }
    DP_FREE(audio); DP_FREE(work);
    dp__data_end(st, tr, te, info, &l);
    return st;
}
#else
int dp_image_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                         dp_data_info *info, char *err, size_t cap)
{
    (void)dir; (void)cfg; (void)tr; (void)te; (void)info;
    dp__seterr(err, cap, "folder data sets need POSIX directory listing");
    return DP_ERR_UNSUPPORTED;
}
int dp_csv_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                       dp_data_info *info, char *err, size_t cap)
{
    return dp_image_folder_load(dir, cfg, tr, te, info, err, cap);
}
int dp_wav_folder_load(const char *dir, const dp_data_cfg *cfg, dp_dataset *tr, dp_dataset *te,
                       dp_data_info *info, char *err, size_t cap)
{
    return dp_image_folder_load(dir, cfg, tr, te, info, err, cap);
}
#endif

int dp_data_summary(const dp_data_info *info, char *buf, size_t cap)
{
    static const char *const split[4] = {"?", "train/ and test/ folders", "the test list file", "a seeded stratified fraction"};
    size_t len = 0;
    long ntr = 0, nte = 0;
    int i;
    char tmp[256];
#define DP__SUM_ADD(...) do { int m_ = snprintf(tmp, sizeof tmp, __VA_ARGS__); \
        if (m_ > 0) { if (buf && len + (size_t)m_ < cap) memcpy(buf + len, tmp, (size_t)m_ + 1); len += (size_t)m_; } } while (0)
    if (!info) return DP_ERR_ARG;
    if (buf && cap) buf[0] = 0;
    for (i = 0; i < info->n_classes && i < DP_DATA_MAX_CLASSES; i++) { ntr += info->train_count[i]; nte += info->test_count[i]; }
    DP__SUM_ADD("data: %d classes, split by %s; %ld training and %ld test samples\n", info->n_classes,
                split[info->split >= 1 && info->split <= 3 ? info->split : 0], ntr, nte);
    DP__SUM_ADD("  %-20s %7s %9s %6s %7s %9s\n", "class", "files", "samples", "share", "test f", "test s");
    for (i = 0; i < info->n_classes && i < DP_DATA_MAX_CLASSES; i++)
        DP__SUM_ADD("  %-20.63s %7d %9d %5.1f%% %7d %9d\n", info->class_names[i], info->train_files[i], info->train_count[i],
                    ntr ? 100.0 * info->train_count[i] / (double)ntr : 0.0, info->test_files[i], info->test_count[i]);
    if (info->skipped) DP__SUM_ADD("  %d unreadable files skipped; the first: %.200s\n", info->skipped, info->first_skip);
    for (i = 0; i < info->channels && i < DP_CSV_MAX_COLS; i++)
        DP__SUM_ADD("  channel %-16.63s mean %12.5g sd %12.5g\n", info->channel_names[i], (double)info->mean[i], (double)info->sd[i]);
#undef DP__SUM_ADD
    return (int)len;
}

/* ---- >>boards  (see >>api_boards) ---- */
static const dp_board dp__boards[] = {
    {"NUCLEO-F446RE", "STM32F446RE", "Cortex-M4F", 180, 131072L, 524288L, 0.5f, 0.5f, "m4", "nucleo-f446re", "f446re"},
    {"NUCLEO-F767ZI", "STM32F767ZI", "Cortex-M7F", 216, 524288L, 2097152L, 0.5f, 0.5f, "m7", "nucleo-f767zi", "f767zi"},
    {"NUCLEO-H743ZI2", "STM32H743ZI", "Cortex-M7F", 480, 1048576L, 2097152L, 0.5f, 0.5f, "m7", "", "h743zi h743"},
    {"nRF52840", "nRF52840", "Cortex-M4F", 64, 262144L, 1048576L, 0.5f, 0.5f, "m4", "", "nrf52840dk"},
    {"RP2040", "RP2040", "2x Cortex-M0+", 133, 270336L, 2097152L, 0.5f, 0.5f, "m0", "", "pico raspberrypipico"},
    {"micro:bit v2", "nRF52833", "Cortex-M4F", 64, 131072L, 524288L, 0.5f, 0.5f, "m4", "", "microbit"},
    {"Arduino Nano 33 BLE", "nRF52840", "Cortex-M4F", 64, 262144L, 1048576L, 0.5f, 0.5f, "m4", "", "nano33ble nano33blesense"},
};
#define DP__N_BOARDS ((int)(sizeof dp__boards / sizeof dp__boards[0]))

int dp_board_count(void) { return DP__N_BOARDS; }
const dp_board *dp_board_get(int i) { return i >= 0 && i < DP__N_BOARDS ? &dp__boards[i] : NULL; }

/* the lower-case letters and digits of s[0..n) into o[64] */
static void dp__board_key(const char *s, size_t n, char *o)
{
    size_t i, k = 0;
    for (i = 0; i < n && s[i] && k < 63; i++) {
        const char c = s[i];
        if (c >= 'A' && c <= 'Z') o[k++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) o[k++] = c;
    }
    o[k] = 0;
}

const dp_board *dp_board_find(const char *name)
{
    char q[64], t[64];
    int i, pass;
    if (!name) return NULL;
    dp__board_key(name, strlen(name), q);
    if (!q[0]) return NULL;
    /* board names, then names without "nucleo", then aliases, then MCUs
       (nRF52840 is a board's name and the Nano 33 BLE's MCU) */
    for (pass = 0; pass < 4; pass++)
        for (i = 0; i < DP__N_BOARDS; i++) {
            const dp_board *b = &dp__boards[i];
            if (pass <= 1) {
                dp__board_key(b->name, strlen(b->name), t);
                if (pass == 1) {
                    if (strncmp(t, "nucleo", 6)) continue;
                    memmove(t, t + 6, strlen(t + 6) + 1);
                }
                if (!strcmp(q, t)) return b;
            } else if (pass == 2) {
                const char *a = b->aliases;
                while (*a) {
                    const char *e = strchr(a, ' ');
                    const size_t n = e ? (size_t)(e - a) : strlen(a);
                    dp__board_key(a, n, t);
                    if (!strcmp(q, t)) return b;
                    a += n;
                    while (*a == ' ') a++;
                }
            } else {
                dp__board_key(b->mcu, strlen(b->mcu), t);
                if (!strcmp(q, t)) return b;
            }
        }
    return NULL;
}

void dp_board_budgets(const dp_board *b, long *pmu, long *size)
{
    if (pmu) *pmu = b ? (long)((double)b->sram * b->sram_share) : 0;
    if (size) *size = b ? (long)((double)b->flash * b->flash_share) : 0;
}




/* ==========================================================================
   >>sched   How the exact scheduler works
   ==========================================================================
   The DP.  A state is the set S of ops already run; only down-closed sets
   occur (an op runs after its producers).  live(S) and ws(S, v) depend on S
   alone -- not on the order inside S -- so with
       best(S) = least possible peak over the steps that run exactly S,
       best({}) = 0,
       best(S + v) = min over v in S+v whose op-inputs are all in S of
                     max(best(S), ws(S, v)),
   PMU = best(all ops), and an optimal order is read back from the argmins.
   live is carried along:  live(S + v) = live(S) + size(v) - the inputs of v
   whose last reader is v (the same bytes whether or not v ran in place).
   The recurrence is a shortest-path problem with cost "max" over the
   lattice of down-closed sets, so it is solved best-first (Dijkstra): see
   dp__sched_seg_dp.  Reductions, each exact:
   (1) Segments.  Call a prefix X of the listed ops a separator when every op
       outside X descends from every op inside X.  Then no op outside X can
       run before all of X has, so EVERY topological order runs X first: the
       orders are exactly the concatenations of one order per segment
       (stretch between consecutive separators), live(X) is the same for all
       of them, and ws inside a segment depends only on X and on the ops of
       the segment already run.  Hence PMU = max over segments of each
       segment's own optimum; each segment is solved alone, with bitsets as
       wide as the segment (a 1000-op chain is 1000 one-op segments).
       Test for X, linear in the edges near the cut: let M = ops of X read by
       no op of X, R = ops outside X that are ready once X has run.  X is a
       separator iff every m in M feeds every r in R directly.  (If: every x
       in X reaches some m; every op outside X descends from some r.  Only
       if: a path m -> r leaves X at its first edge and cannot re-enter X,
       and r's producers all lie in X, so the path is the single edge m->r.)
   (2) Upper bound.  The better of two greedy orders gives each segment a
       peak U.  A state with best(S) >= U cannot lead to anything better, so
       it is dropped; if no state reaches the end, the greedy order is
       optimal for that segment.
   (3) Lower bounds.  LB = max(live(X) at every separator, every op's
       inputs + output -- inputs alone if it could run in place); each is
       part of some working set in every order.  A segment's own floor
       (lbnd) uses the same terms restricted to it.  A segment whose greedy
       peak is at its floor keeps the greedy order.  With opts->peak_only the floor is
       raised to B = max(LB, optima of the segments solved so far) <= PMU:
       then the final peak is max(solved optima, values <= B) <= PMU, which
       no order beats, so it is the PMU; segments are taken in decreasing
       greedy peak so B rises early.
   (4) Eager op.  If a ready op v frees at least as many bytes as it
       allocates (size(v) <= bytes of inputs whose last reader is v) and its
       step is no higher than max(best(S), floor), only S + v is expanded.
       Exchange argument: take an optimal continuation x1..xk v ... and move
       v to the front.  v's own step is <= max(best(S), floor), which the
       result cannot go below anyway; during each x_i the live set gains v
       but loses at least the inputs v freed (they were held until v
       before), and v no longer waits on shared inputs, so x_i can only run
       in place more often: no x_i step grows, later steps are unchanged.
       (An in-place Add that is its summand's last reader always qualifies.)
   Cost.  States = down-closed subsets of each segment that are reached
   below the optimum: at most len+1 for a chain, prod(l_i + 1) for parallel
   branches of lengths l_i (a MobileNet-v2 block with a projection shortcut:
   4 * 2), 2^n for n independent ops; (2)-(4) usually cut this by orders of
   magnitude.  A state costs O(W + reader lists of its ready ops) plus a
   heap operation, W = ceil(segment length / 64) words.  opts->max_states
   bounds the work; beyond it DP_ERR_LIMIT with a usable fallback.
   ========================================================================== */

/* ----------------------------------------------------------------- helpers */

static void *dp__sched_alloc(size_t count, size_t elem)
{
    if (count == 0) count = 1;
    if (count > (size_t)-1 / elem) return NULL;
    return DP_MALLOC(count * elem);
}

static int dp__sched_ctz64(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int i = 0;
    while (!(x & 1u)) { x >>= 1; i++; }
    return i;
#endif
}

/* Stable merge sort of idx[0..n) by (k1 asc, k2 asc, idx asc); tmp: n ints. */
static void dp__sched_sort(int *idx, int *tmp, int n, const int64_t *k1,
                           const int64_t *k2)
{
    int w, i;
    for (w = 1; w < n; w *= 2) {
        for (i = 0; i < n; i += 2 * w) {
            int lo = i, mid = i + w < n ? i + w : n;
            int hi = i + 2 * w < n ? i + 2 * w : n;
            int a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                int x = idx[a], y = idx[b], take_b;
                if (k1[x] != k1[y]) take_b = k1[y] < k1[x];
                else if (k2 && k2[x] != k2[y]) take_b = k2[y] < k2[x];
                else take_b = y < x;
                tmp[o++] = take_b ? idx[b++] : idx[a++];
            }
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int));
    }
}

/* ----------------------------------------------------------- graph basics */

dp_status dp_sched_graph_init(dp_sched_graph *g, int n, int n_edges)
{
    int i;
    if (!g) return DP_ERR_ARG;
    memset(g, 0, sizeof(*g));
    if (n < 0 || n_edges < 0) return DP_ERR_ARG;
    g->size = (int64_t *)dp__sched_alloc((size_t)n, sizeof(int64_t));
    g->in_start = (int *)dp__sched_alloc((size_t)n + 1, sizeof(int));
    g->in_idx = (int *)dp__sched_alloc((size_t)n_edges, sizeof(int));
    g->is_input = (unsigned char *)dp__sched_alloc((size_t)n, 1);
    g->can_inplace = (unsigned char *)dp__sched_alloc((size_t)n, 1);
    g->name = (const char **)dp__sched_alloc((size_t)n, sizeof(char *));
    if (!g->size || !g->in_start || !g->in_idx || !g->is_input ||
        !g->can_inplace || !g->name) {
        dp_sched_graph_free(g);
        return DP_ERR_NOMEM;
    }
    g->n = n;
    for (i = 0; i < n; i++) {
        g->size[i] = 0;
        g->is_input[i] = 0;
        g->can_inplace[i] = 0;
        g->name[i] = NULL;
    }
    for (i = 0; i <= n; i++) g->in_start[i] = 0;
    for (i = 0; i < n_edges; i++) g->in_idx[i] = 0;
    return DP_OK;
}

void dp_sched_graph_free(dp_sched_graph *g)
{
    if (!g) return;
    DP_FREE(g->size);
    DP_FREE(g->in_start);
    DP_FREE(g->in_idx);
    DP_FREE(g->is_input);
    DP_FREE(g->can_inplace);
    DP_FREE((void *)g->name);
    DP_FREE(g->name_pool);
    memset(g, 0, sizeof(*g));
}

static int dp__sched_is_input(const dp_sched_graph *g, int i)
{
    if (g->is_input) return g->is_input[i] != 0;
    return g->in_start[i + 1] == g->in_start[i];
}

dp_status dp_sched_graph_check(const dp_sched_graph *g, char *err, size_t err_cap)
{
    int i, e;
    if (!g) {
        dp__seterr(err, err_cap, "graph is NULL");
        return DP_ERR_ARG;
    }
    if (g->n < 0) {
        dp__seterr(err, err_cap, "negative node count %d", g->n);
        return DP_ERR_ARG;
    }
    if (g->n > DP_SCHED_MAX_NODES) {
        dp__seterr(err, err_cap, "%d nodes (limit %d)", g->n, DP_SCHED_MAX_NODES);
        return DP_ERR_LIMIT;
    }
    if (g->n == 0) return DP_OK;
    if (!g->size || !g->in_start) {
        dp__seterr(err, err_cap, "size or in_start is NULL");
        return DP_ERR_ARG;
    }
    if (g->in_start[0] != 0) {
        dp__seterr(err, err_cap, "in_start[0] must be 0");
        return DP_ERR_ARG;
    }
    for (i = 0; i < g->n; i++) {
        if (g->in_start[i + 1] < g->in_start[i] ||
            g->in_start[i + 1] - g->in_start[i] > DP_SCHED_MAX_NODES * 64) {
            dp__seterr(err, err_cap, "in_start is not a CSR row index at node %d", i);
            return DP_ERR_ARG;
        }
    }
    if (g->in_start[g->n] > 0 && !g->in_idx) {
        dp__seterr(err, err_cap, "in_idx is NULL");
        return DP_ERR_ARG;
    }
    for (i = 0; i < g->n; i++) {
        if (g->size[i] < 1 || g->size[i] > DP_SCHED_MAX_TENSOR) {
            dp__seterr(err, err_cap, "node %d: size %lld out of range 1..2^40", i,
                       (long long)g->size[i]);
            return DP_ERR_ARG;
        }
        if (dp__sched_is_input(g, i) && g->in_start[i + 1] != g->in_start[i]) {
            dp__seterr(err, err_cap, "graph input %d has inputs", i);
            return DP_ERR_ARG;
        }
        for (e = g->in_start[i]; e < g->in_start[i + 1]; e++) {
            int u = g->in_idx[e];
            if (u < 0 || u >= i) {
                dp__seterr(err, err_cap,
                           "node %d reads node %d, which is not listed before it", i, u);
                return DP_ERR_ARG;
            }
        }
    }
    return DP_OK;
}

/* ------------------------------------------------------- prepared graph */

/* Everything the algorithms need, derived once per call. Ops are numbered
   k = 0..m-1 in listing order ("op index"); tensors by node id. */
typedef struct dp__sched_prep {
    int n, m;
    const int64_t *size;
    int *op_node;          /* [m] node id of op k                          */
    int *node_op;          /* [n] op index, -1 for graph inputs            */
    int *in_s, *in_i;      /* [n+1] distinct inputs of each node (node ids) */
    int *co_s, *co_i;      /* [n+1] readers of each node (op idx, ascending) */
    unsigned char *is_in;  /* [n]                                          */
    unsigned char *can_ip; /* [n]                                          */
    int n_seg;
    int *seg;              /* [n_seg+1] segment s = ops seg[s] .. seg[s+1]-1 */
    int64_t L0;            /* bytes of graph inputs (live at time 0)       */
    int64_t imprecise, lb;
} dp__sched_prep;

static void dp__sched_prep_free(dp__sched_prep *p)
{
    DP_FREE(p->op_node);
    DP_FREE(p->node_op);
    DP_FREE(p->in_s);
    DP_FREE(p->in_i);
    DP_FREE(p->co_s);
    DP_FREE(p->co_i);
    DP_FREE(p->is_in);
    DP_FREE(p->can_ip);
    DP_FREE(p->seg);
    memset(p, 0, sizeof(*p));
}

/* Separator boundaries of the listing order, by the M/R test of (1). */
static dp_status dp__sched_segments(dp__sched_prep *p)
{
    int m = p->m, k, t, cntM = 0, nR = 0;
    int *rem = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    int *R = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    int *posR = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    unsigned char *inM = (unsigned char *)dp__sched_alloc((size_t)m, 1);
    p->seg = (int *)dp__sched_alloc((size_t)m + 1, sizeof(int));
    if (!rem || !R || !posR || !inM || !p->seg) {
        DP_FREE(rem); DP_FREE(R); DP_FREE(posR); DP_FREE(inM);
        return DP_ERR_NOMEM;
    }
    for (k = 0; k < m; k++) {
        int v = p->op_node[k];
        rem[k] = 0;
        inM[k] = 0;
        posR[k] = -1;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++)
            if (p->node_op[p->in_i[t]] >= 0) rem[k]++;
        if (rem[k] == 0) { posR[k] = nR; R[nR++] = k; }
    }
    p->n_seg = 0;
    p->seg[0] = 0;
    for (k = 0; k < m; k++) {
        int v = p->op_node[k], i, sep = 1;
        /* run op k: leaves R, enters M, its producers leave M */
        if (posR[k] >= 0) {
            int last = R[--nR];
            R[posR[k]] = last;
            posR[last] = posR[k];
            posR[k] = -1;
        }
        inM[k] = 1;
        cntM++;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++) {
            int ku = p->node_op[p->in_i[t]];
            if (ku >= 0 && inM[ku]) { inM[ku] = 0; cntM--; }
        }
        for (t = p->co_s[v]; t < p->co_s[v + 1]; t++) {
            int w = p->co_i[t];
            if (--rem[w] == 0) { posR[w] = nR; R[nR++] = w; }
        }
        if (k == m - 1) break;
        /* separator iff each ready op reads every op of M directly */
        for (i = 0; i < nR && sep; i++) {
            int r = p->op_node[R[i]], c = 0;
            for (t = p->in_s[r]; t < p->in_s[r + 1]; t++) {
                int ku = p->node_op[p->in_i[t]];
                if (ku >= 0 && inM[ku]) c++;
            }
            if (c != cntM) sep = 0;
        }
        if (nR == 0) sep = 0; /* cannot happen in a DAG with ops left */
        if (sep) p->seg[++p->n_seg] = k + 1;
    }
    if (m > 0) p->seg[++p->n_seg] = m;
    DP_FREE(rem); DP_FREE(R); DP_FREE(posR); DP_FREE(inM);
    return DP_OK;
}

/* A working set op v has in every order: its inputs, plus its output unless
   it might run in place. */
static int64_t dp__sched_op_lb(const dp__sched_prep *p, int v)
{
    int64_t ins = 0;
    int e, ip = 0;
    for (e = p->in_s[v]; e < p->in_s[v + 1]; e++) {
        int u = p->in_i[e];
        ins += p->size[u];
        if (p->can_ip[v] && !p->is_in[u] && p->size[u] == p->size[v]) ip = 1;
    }
    return ins + (ip ? 0 : p->size[v]);
}

static dp_status dp__sched_prep_build(const dp_sched_graph *g, dp__sched_prep *p,
                                      char *err, size_t err_cap)
{
    int n, i, e, m = 0, ne = 0;
    int *stamp;
    dp_status st;
    memset(p, 0, sizeof(*p));
    st = dp_sched_graph_check(g, err, err_cap);
    if (st != DP_OK) return st;
    n = g->n;
    p->n = n;
    p->size = g->size;
    p->node_op = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    p->op_node = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    p->in_s = (int *)dp__sched_alloc((size_t)n + 1, sizeof(int));
    p->in_i = (int *)dp__sched_alloc(n ? (size_t)g->in_start[n] : 1, sizeof(int));
    p->co_s = (int *)dp__sched_alloc((size_t)n + 1, sizeof(int));
    p->co_i = (int *)dp__sched_alloc(n ? (size_t)g->in_start[n] : 1, sizeof(int));
    p->is_in = (unsigned char *)dp__sched_alloc((size_t)n, 1);
    p->can_ip = (unsigned char *)dp__sched_alloc((size_t)n, 1);
    stamp = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    if (!p->node_op || !p->op_node || !p->in_s || !p->in_i || !p->co_s ||
        !p->co_i || !p->is_in || !p->can_ip || !stamp) {
        DP_FREE(stamp);
        dp__sched_prep_free(p);
        dp__seterr(err, err_cap, "out of memory");
        return DP_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) stamp[i] = -1;
    for (i = 0; i <= n; i++) p->co_s[i] = 0;
    p->in_s[0] = 0;
    for (i = 0; i < n; i++) {
        p->is_in[i] = (unsigned char)dp__sched_is_input(g, i);
        p->can_ip[i] = (unsigned char)(g->can_inplace && g->can_inplace[i] && !p->is_in[i]);
        if (p->is_in[i]) {
            p->node_op[i] = -1;
            p->L0 += g->size[i];
        } else {
            p->node_op[i] = m;
            p->op_node[m++] = i;
        }
        for (e = g->in_start[i]; e < g->in_start[i + 1]; e++) {
            int u = g->in_idx[e];
            if (stamp[u] == i) continue; /* listed twice: counts once */
            stamp[u] = i;
            p->in_i[ne++] = u;
            p->co_s[u + 1]++;
        }
        p->in_s[i + 1] = ne;
    }
    p->m = m;
    for (i = 0; i < n; i++) p->co_s[i + 1] += p->co_s[i];
    for (i = 0; i < n; i++) stamp[i] = p->co_s[i];
    for (i = 0; i < n; i++) /* i ascending => reader lists ascending */
        for (e = p->in_s[i]; e < p->in_s[i + 1]; e++)
            p->co_i[stamp[p->in_i[e]]++] = p->node_op[i];
    DP_FREE(stamp);
    /* imprecise PMU and the per-op part of the lower bound */
    for (i = 0; i < n; i++) {
        int64_t ins = 0;
        if (p->is_in[i]) continue;
        for (e = p->in_s[i]; e < p->in_s[i + 1]; e++) ins += g->size[p->in_i[e]];
        if (ins + g->size[i] > p->imprecise) p->imprecise = ins + g->size[i];
        if (dp__sched_op_lb(p, i) > p->lb) p->lb = dp__sched_op_lb(p, i);
    }
    if (p->L0 > p->lb) p->lb = p->L0;
    st = dp__sched_segments(p);
    if (st != DP_OK) {
        dp__sched_prep_free(p);
        dp__seterr(err, err_cap, "out of memory");
    }
    return st;
}

/* ------------------------------------------------------------- simulation */

/* One step in a sequential run: rem[u] = readers of u not yet run.  Sets
   *ws, *live_after and *ip (node overwritten in place or -1). */
static void dp__sched_step(const dp__sched_prep *p, int v, const int *rem,
                           int64_t live, int64_t *ws, int64_t *live_after, int *ip)
{
    int t;
    int64_t freed = 0;
    *ip = -1;
    for (t = p->in_s[v]; t < p->in_s[v + 1]; t++) {
        int u = p->in_i[t];
        if (rem[u] != 1) continue; /* v is u's last reader */
        freed += p->size[u];
        if (*ip < 0 && p->can_ip[v] && !p->is_in[u] && p->size[u] == p->size[v])
            *ip = u;
    }
    *ws = live + (*ip >= 0 ? 0 : p->size[v]);
    *live_after = live + p->size[v] - freed;
}

/* Run `order`; validate it; fill what is asked for.  If live_at >= 0, the
   tensors live during step live_at are written to live_nodes, their count
   to n_live. */
static dp_status dp__sched_sim(const dp__sched_prep *p, const int *order, int mo,
                               int64_t *peak, int64_t *ws_out, int *ip_out,
                               int64_t *live_after_out, int live_at,
                               int *live_nodes, int *n_live)
{
    int n = p->n, s, t, u;
    int64_t live = p->L0, pk = p->L0;
    int *rem = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    unsigned char *done = (unsigned char *)dp__sched_alloc((size_t)n, 1);
    if (!rem || !done) {
        DP_FREE(rem); DP_FREE(done);
        return DP_ERR_NOMEM;
    }
    if (mo != p->m || (mo > 0 && !order)) goto bad;
    for (u = 0; u < n; u++) {
        rem[u] = p->co_s[u + 1] - p->co_s[u];
        done[u] = p->is_in[u];
    }
    for (s = 0; s < mo; s++) {
        int v = order[s], ip;
        int64_t ws, la;
        if (v < 0 || v >= n || done[v]) goto bad;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++)
            if (!done[p->in_i[t]]) goto bad;
        dp__sched_step(p, v, rem, live, &ws, &la, &ip);
        if (s == live_at) {
            int c = 0;
            for (u = 0; u < n; u++)
                if (done[u] && (rem[u] > 0 || p->co_s[u + 1] == p->co_s[u]))
                    live_nodes[c++] = u;
            if (ip < 0) live_nodes[c++] = v;
            *n_live = c;
        }
        if (s == 0 || ws > pk) pk = ws;
        if (ws_out) ws_out[s] = ws;
        if (ip_out) ip_out[s] = ip;
        if (live_after_out) live_after_out[s] = la;
        live = la;
        done[v] = 1;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++) rem[p->in_i[t]]--;
    }
    if (mo == 0 && live_at == -1 && live_nodes) { /* no ops: inputs only */
        int c = 0;
        for (u = 0; u < n; u++) live_nodes[c++] = u;
        *n_live = c;
    }
    *peak = pk;
    DP_FREE(rem); DP_FREE(done);
    return DP_OK;
bad:
    DP_FREE(rem); DP_FREE(done);
    return DP_ERR_ARG;
}

dp_status dp_sched_eval(const dp_sched_graph *g, const int *order, int n_order,
                        int64_t *peak, int64_t *step_ws, int *step_inplace)
{
    dp__sched_prep p;
    dp_status st;
    int64_t pk = 0;
    if (!peak) return DP_ERR_ARG;
    st = dp__sched_prep_build(g, &p, NULL, 0);
    if (st != DP_OK) return st;
    st = dp__sched_sim(&p, order, n_order, &pk, step_ws, step_inplace, NULL, -2,
                       NULL, NULL);
    dp__sched_prep_free(&p);
    *peak = pk;
    return st;
}

/* ----------------------------------------------------------------- greedy */

/* mode 0: least working set, then least live after, then listing order.
   mode 1: least live after, then least working set, then listing order. */
static dp_status dp__sched_greedy(const dp__sched_prep *p, int mode, int *order)
{
    int n = p->n, m = p->m, s, t, nr = 0, v, k;
    int64_t live = p->L0;
    int *rem = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    int *need = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    int *ready = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    if (!rem || !need || !ready) {
        DP_FREE(rem); DP_FREE(need); DP_FREE(ready);
        return DP_ERR_NOMEM;
    }
    for (v = 0; v < n; v++) {
        rem[v] = p->co_s[v + 1] - p->co_s[v];
        need[v] = 0;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++)
            if (!p->is_in[p->in_i[t]]) need[v]++;
    }
    for (k = 0; k < m; k++)
        if (need[p->op_node[k]] == 0) ready[nr++] = p->op_node[k];
    for (s = 0; s < m; s++) {
        int bi = 0, i, ip;
        int64_t bws = 0, bla = 0, ws, la;
        for (i = 0; i < nr; i++) {
            int better;
            dp__sched_step(p, ready[i], rem, live, &ws, &la, &ip);
            if (i == 0) better = 1;
            else if (mode == 0)
                better = ws < bws ||
                         (ws == bws && (la < bla || (la == bla && ready[i] < ready[bi])));
            else
                better = la < bla ||
                         (la == bla && (ws < bws || (ws == bws && ready[i] < ready[bi])));
            if (better) { bi = i; bws = ws; bla = la; }
        }
        v = ready[bi];
        ready[bi] = ready[--nr];
        order[s] = v;
        live = bla;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++) rem[p->in_i[t]]--;
        for (t = p->co_s[v]; t < p->co_s[v + 1]; t++) {
            int w = p->op_node[p->co_i[t]];
            if (--need[w] == 0) ready[nr++] = w;
        }
    }
    DP_FREE(rem); DP_FREE(need); DP_FREE(ready);
    return DP_OK;
}

/* ------------------------------------------------------------ segment DP */

/* All states of one segment: executed bits, ready bits, best(S), live(S),
   back-pointer (parent state, op), |S| and whether S has been expanded. */
typedef struct dp__sched_states {
    uint64_t *key, *rdy;  /* [cap * W]; bit j = op a+j of the segment */
    int64_t *f, *live;
    int *par, *op, *depth;
    unsigned char *done;
    int n, cap, W;
    int *slot, scap;      /* hash: key -> state, open addressing */
} dp__sched_states;

typedef struct dp__sched_he { /* heap entry; stale ones are skipped */
    int64_t key;
    int depth, s;
} dp__sched_he;

static void dp__sched_states_free(dp__sched_states *t)
{
    DP_FREE(t->key); DP_FREE(t->rdy); DP_FREE(t->f); DP_FREE(t->live); DP_FREE(t->par);
    DP_FREE(t->op); DP_FREE(t->depth); DP_FREE(t->done); DP_FREE(t->slot);
    memset(t, 0, sizeof(*t));
}

static uint64_t dp__sched_hash(const uint64_t *k, int W)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    int i;
    for (i = 0; i < W; i++) {
        h ^= k[i];
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    return h;
}

/* Make room for one more state (arrays and a hash at most half full). */
static int dp__sched_states_room(dp__sched_states *t)
{
    size_t W = (size_t)t->W;
    if (t->n == t->cap) {   /* eight arrays, one capacity (>>grow) */
        int nc = t->cap;
        void *q;
        const int need = t->n < 256 ? 256 : t->n + 1;
        if (t->cap > INT32_MAX / 4) return 0;
#define DP__SCHED_GROW(arr, type, elem) \
        nc = t->cap; if (!(q = dp__grow_int(t->arr, &nc, need, elem))) return 0; t->arr = (type *)q;
        DP__SCHED_GROW(key, uint64_t, W * 8)
        DP__SCHED_GROW(rdy, uint64_t, W * 8)
        DP__SCHED_GROW(f, int64_t, 8)
        DP__SCHED_GROW(live, int64_t, 8)
        DP__SCHED_GROW(par, int, sizeof(int))
        DP__SCHED_GROW(op, int, sizeof(int))
        DP__SCHED_GROW(depth, int, sizeof(int))
        DP__SCHED_GROW(done, unsigned char, 1)
#undef DP__SCHED_GROW
        t->cap = nc;
    }
    if (2 * (t->n + 1) > t->scap) {
        int nh = t->scap ? t->scap * 2 : 512, i, sl;
        int *hs = (int *)dp__sched_alloc((size_t)nh, sizeof(int));
        if (!hs) return 0;
        for (i = 0; i < nh; i++) hs[i] = -1;
        for (i = 0; i < t->n; i++) {
            sl = (int)(dp__sched_hash(t->key + (size_t)i * W, t->W) & (uint64_t)(nh - 1));
            while (hs[sl] >= 0) sl = (sl + 1) & (nh - 1);
            hs[sl] = i;
        }
        DP_FREE(t->slot);
        t->slot = hs;
        t->scap = nh;
    }
    return 1;
}

/* Hash slot of key k: holds its state, or -1 where it would go. */
static int dp__sched_states_find(const dp__sched_states *t, const uint64_t *k)
{
    int sl = (int)(dp__sched_hash(k, t->W) & (uint64_t)(t->scap - 1)), s;
    while ((s = t->slot[sl]) >= 0 &&
           memcmp(t->key + (size_t)s * t->W, k, (size_t)t->W * 8) != 0)
        sl = (sl + 1) & (t->scap - 1);
    return sl;
}

static int dp__sched_he_less(const dp__sched_he *x, const dp__sched_he *y)
{
    if (x->key != y->key) return x->key < y->key;
    if (x->depth != y->depth) return x->depth > y->depth; /* deeper first */
    return x->s < y->s;
}

static int dp__sched_heap_push(dp__sched_he **h, int *n, int *cap, dp__sched_he e)
{
    int i;
    void *q = dp__grow_int(*h, cap, *n + 1, sizeof(dp__sched_he));
    if (!q) return 0;
    *h = (dp__sched_he *)q;
    i = (*n)++;
    while (i > 0 && dp__sched_he_less(&e, &(*h)[(i - 1) / 2])) {
        (*h)[i] = (*h)[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    (*h)[i] = e;
    return 1;
}

static dp__sched_he dp__sched_heap_pop(dp__sched_he *h, int *n)
{
    dp__sched_he top = h[0], x = h[--*n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && dp__sched_he_less(&h[c + 1], &h[c])) c++;
        if (!dp__sched_he_less(&h[c], &x)) break;
        h[i] = h[c];
        i = c;
    }
    if (*n > 0) h[i] = x;
    return top;
}

/* Last reader test inside a segment [a, b): have all readers of u other than
   op k run, given the executed bits `key` of the segment?  Readers before a
   ran in earlier segments; readers at or after b have not run. */
static int dp__sched_seg_last(const dp__sched_prep *p, int u, int k, int a, int b,
                              const uint64_t *key)
{
    int s = p->co_s[u], e = p->co_s[u + 1];
    if (e > s && p->co_i[e - 1] >= b) return 0;
    for (; s < e; s++) {
        int c = p->co_i[s] - a;
        if (c + a == k || c < 0) continue;
        if (!((key[c >> 6] >> (c & 63)) & 1u)) return 0;
    }
    return 1;
}

/* A ready op of the state being expanded. */
typedef struct dp__sched_child {
    int j;          /* op a + j */
    int64_t ws;     /* working set while it runs */
    int64_t freed;  /* bytes its inputs free after it */
} dp__sched_child;

/* dp__sched_seg_dp's search: ops [a, b), len = b - a of them, states keyed
   by W words of "executed" bits. */
typedef struct dp__sched_seg {
    const dp__sched_prep *p;
    int a, b, len, W;
    int64_t U, lbnd;          /* bound to beat (greedy); floor */
    long long max_states, *states;
    dp__sched_states T;
    dp__sched_he *heap;
    int hn, hc;               /* heap entries, capacity */
    uint64_t *nk;             /* [W] key of the child being made */
    dp__sched_child *ch;      /* [len] ready ops of the state being expanded */
} dp__sched_seg;

/* The root state (nothing of the segment run yet) on the heap: DP_OK,
   DP_ERR_NOMEM, or DP_ERR_LIMIT when it is one state too many. */
static dp_status dp__sched_seg_root(dp__sched_seg *sg, int64_t live0)
{
    const dp__sched_prep *p = sg->p;
    dp__sched_states *T = &sg->T;
    dp__sched_he e;
    int j, t;
    if (!dp__sched_states_room(T)) return DP_ERR_NOMEM;
    memset(T->key, 0, (size_t)sg->W * 8);
    memset(T->rdy, 0, (size_t)sg->W * 8);
    for (j = 0; j < sg->len; j++) {
        int v = p->op_node[sg->a + j], ok = 1;
        for (t = p->in_s[v]; t < p->in_s[v + 1]; t++)
            if (p->node_op[p->in_i[t]] >= sg->a) ok = 0;
        if (ok) T->rdy[j >> 6] |= (uint64_t)1 << (j & 63);
    }
    T->f[0] = 0;
    T->live[0] = live0;
    T->par[0] = -1;
    T->op[0] = -1;
    T->depth[0] = 0;
    T->done[0] = 0;
    T->slot[dp__sched_states_find(T, T->key)] = 0;
    T->n = 1;
    if (++*sg->states > sg->max_states) return DP_ERR_LIMIT;
    e.key = live0 > sg->lbnd ? live0 : sg->lbnd;
    e.depth = 0;
    e.s = 0;
    return dp__sched_heap_push(&sg->heap, &sg->hn, &sg->hc, e) ? DP_OK : DP_ERR_NOMEM;
}

/* The ready ops of state s into sg->ch: their working sets and the bytes
   they free. Returns how many; *forced is the one reduction (4) picks
   (an eager op, see the header comment), or -1. */
static int dp__sched_seg_ready(dp__sched_seg *sg, int s, int *forced)
{
    const dp__sched_prep *p = sg->p;
    const dp__sched_states *T = &sg->T;
    const uint64_t *key = T->key + (size_t)s * sg->W;
    const int64_t floor_s = T->f[s] > sg->lbnd ? T->f[s] : sg->lbnd;
    int w, t, nc = 0;
    *forced = -1;
    for (w = 0; w < sg->W; w++) {
        uint64_t bits = T->rdy[(size_t)s * sg->W + w];
        while (bits) {
            int j = w * 64 + dp__sched_ctz64(bits), k = sg->a + j, v = p->op_node[k], ipd = 0;
            int64_t freed = 0;
            bits &= bits - 1;
            for (t = p->in_s[v]; t < p->in_s[v + 1]; t++) {
                int u = p->in_i[t];
                if (!dp__sched_seg_last(p, u, k, sg->a, sg->b, key)) continue;
                freed += p->size[u];
                if (!ipd && p->can_ip[v] && !p->is_in[u] && p->size[u] == p->size[v])
                    ipd = 1;
            }
            sg->ch[nc].j = j;
            sg->ch[nc].ws = T->live[s] + (ipd ? 0 : p->size[v]);
            sg->ch[nc].freed = freed;
            if (*forced < 0 && p->size[v] <= freed && sg->ch[nc].ws <= floor_s) *forced = nc;
            nc++;
        }
    }
    return nc;
}

/* Ready set of new state c = state s + op a + j (key sg->nk): drop it,
   add its readers in the segment that are now ready. */
static void dp__sched_seg_child_ready(dp__sched_seg *sg, int c, int s, int j)
{
    const dp__sched_prep *p = sg->p;
    const int W = sg->W, v = p->op_node[sg->a + j];
    uint64_t *nr = sg->T.rdy + (size_t)c * W;
    int t, x;
    memcpy(nr, sg->T.rdy + (size_t)s * W, (size_t)W * 8);
    nr[j >> 6] &= ~((uint64_t)1 << (j & 63));
    for (t = p->co_s[v]; t < p->co_s[v + 1]; t++) {
        int r = p->co_i[t], y, ok = 1;
        if (r >= sg->b) break;
        y = p->op_node[r];
        for (x = p->in_s[y]; x < p->in_s[y + 1] && ok; x++) {
            int ku = p->node_op[p->in_i[x]] - sg->a;
            if (ku >= 0 && !((sg->nk[ku >> 6] >> (ku & 63)) & 1u)) ok = 0;
        }
        if (ok) nr[(r - sg->a) >> 6] |= (uint64_t)1 << ((r - sg->a) & 63);
    }
}

/* Children of state s (popped, final) onto the heap: new states, or known
   ones reached on a better path. DP_OK, DP_ERR_NOMEM or DP_ERR_LIMIT. */
static dp_status dp__sched_seg_expand(dp__sched_seg *sg, int s)
{
    const dp__sched_prep *p = sg->p;
    dp__sched_states *T = &sg->T;
    const int W = sg->W;
    int forced, ci;
    const int nc = dp__sched_seg_ready(sg, s, &forced);
    for (ci = 0; ci < nc; ci++) {
        const int j = sg->ch[ci].j, v = p->op_node[sg->a + j];
        const int64_t f2 = T->f[s] > sg->ch[ci].ws ? T->f[s] : sg->ch[ci].ws;
        dp__sched_he e;
        int sl, c;
        if (forced >= 0 && ci != forced) continue;
        if (f2 >= sg->U) continue; /* cannot beat the greedy order */
        memcpy(sg->nk, T->key + (size_t)s * W, (size_t)W * 8);
        sg->nk[j >> 6] |= (uint64_t)1 << (j & 63);
        if (!dp__sched_states_room(T)) return DP_ERR_NOMEM; /* may move T's arrays */
        sl = dp__sched_states_find(T, sg->nk);
        c = T->slot[sl];
        if (c >= 0) { /* known state: same live(S); keep the better path */
            if (T->done[c] || f2 >= T->f[c]) continue;
        } else {
            if (++*sg->states > sg->max_states) return DP_ERR_LIMIT;
            c = T->n++;
            T->slot[sl] = c;
            memcpy(T->key + (size_t)c * W, sg->nk, (size_t)W * 8);
            dp__sched_seg_child_ready(sg, c, s, j);
            T->live[c] = T->live[s] + p->size[v] - sg->ch[ci].freed;
            T->depth[c] = T->depth[s] + 1;
            T->done[c] = 0;
        }
        T->f[c] = f2;
        T->par[c] = s;
        T->op[c] = j;
        e.key = f2 > sg->lbnd ? f2 : sg->lbnd;
        if (T->depth[c] < sg->len && T->live[c] > e.key) e.key = T->live[c];
        e.depth = T->depth[c];
        e.s = c;
        if (!dp__sched_heap_push(&sg->heap, &sg->hn, &sg->hc, e)) return DP_ERR_NOMEM;
    }
    return DP_OK;
}

/* Exact search over the segment of ops [a, b), entered with live0 bytes live
   (the DP of the header comment, run best-first).  A state's priority is
       max(best(S), live(S), lbnd)       (live(S) only while ops remain;
                                          lbnd = the segment's floor):
   live(S) is part of the next step's working set, so priorities never drop
   along a path, and states are expanded in priority order (ties: deeper
   first, which dives to the end once the bound is met), Dijkstra-style for
   a bottleneck cost: when a state is popped its best() is final, and the
   first time the full segment is popped its best() is optimal up to lbnd.
   The floor lbnd is a value the segment's answer cannot go below (its own
   lower bound, or the lower bound of the whole PMU with peak_only), so
   values <= lbnd are all equally good and ties among them need no
   resolving.  States
   never reached below the optimum are never expanded.  Children with
   best() >= U are dropped (reduction (2)); reduction (4) may leave a single
   child.  On success *found = 1 and out[0..b-a) is an optimal order (node
   ids) with peak *out_peak < U. */
static dp_status dp__sched_seg_dp(const dp__sched_prep *p, int a, int b,
                                  int64_t live0, int64_t U, int64_t lbnd,
                                  long long max_states, long long *states, int *out,
                                  int64_t *out_peak, int *found)
{
    dp__sched_seg sg;
    dp__sched_states *T = &sg.T;
    dp_status st;
    memset(&sg, 0, sizeof sg);
    sg.p = p;
    sg.a = a;
    sg.b = b;
    sg.len = b - a;
    sg.W = (sg.len + 63) / 64;
    sg.U = U;
    sg.lbnd = lbnd;
    sg.max_states = max_states;
    sg.states = states;
    T->W = sg.W;
    *found = 0;
    sg.nk = (uint64_t *)dp__sched_alloc((size_t)sg.W, 8);
    sg.ch = (dp__sched_child *)dp__sched_alloc((size_t)sg.len, sizeof(dp__sched_child));
    st = sg.nk && sg.ch ? dp__sched_seg_root(&sg, live0) : DP_ERR_NOMEM;
    while (st == DP_OK && sg.hn > 0) {
        const dp__sched_he e = dp__sched_heap_pop(sg.heap, &sg.hn);
        int s = e.s;
        int64_t pri;
        if (T->done[s]) continue;
        pri = T->f[s] > lbnd ? T->f[s] : lbnd;
        if (T->depth[s] < sg.len && T->live[s] > pri) pri = T->live[s];
        if (pri != e.key) continue; /* stale entry: s was improved later */
        T->done[s] = 1;
        if (T->depth[s] == sg.len) { /* the whole segment: optimal */
            int pos = sg.len;
            *out_peak = T->f[s];
            while (s > 0) {
                out[--pos] = p->op_node[a + T->op[s]];
                s = T->par[s];
            }
            *found = (pos == 0);
            break;
        }
        st = dp__sched_seg_expand(&sg, s);
    }
    dp__sched_states_free(T);
    DP_FREE(sg.heap);
    DP_FREE(sg.nk);
    DP_FREE(sg.ch);
    return st;
}

/* ------------------------------------------------------------------ arena */

/* Lifetimes for `order` (already validated): tensor t is live during steps
   st[t]..en[t] (inclusive; graph inputs from step 0, graph outputs to the
   last step).  root[t] = buffer t lives in (itself, or the tensor it was
   written over in place, transitively). */
static void dp__sched_lifetimes(const dp__sched_prep *p, const int *order,
                                const int *ip, int *stp, int *en, int *root)
{
    int n = p->n, m = p->m, s, t, u;
    for (u = 0; u < n; u++) { stp[u] = 0; en[u] = 0; root[u] = u; }
    for (s = 0; s < m; s++) stp[order[s]] = s;
    for (u = 0; u < n; u++) {
        if (p->co_s[u + 1] == p->co_s[u]) { en[u] = m > 0 ? m - 1 : 0; continue; }
        en[u] = stp[u];
        for (t = p->co_s[u]; t < p->co_s[u + 1]; t++) {
            int r = stp[p->op_node[p->co_i[t]]];
            if (r > en[u]) en[u] = r;
        }
    }
    if (ip)
        for (s = 0; s < m; s++)
            if (ip[s] >= 0) root[order[s]] = root[ip[s]];
}

static int64_t dp__sched_align_up(int64_t x, int64_t a)
{
    return (x + a - 1) / a * a;
}

/* Bounded backtracking search for a packing no higher than T.  Buffers are
   placed in the order idx; each tries the free spots left by its already
   placed, time-overlapping buffers: the bottom and the top of every gap
   below T, spots touching 0 or T first, then smaller gaps first.  A dead
   end backs up to the previous buffer's next spot.  Gives up after `budget`
   placements.  Returns 1 with boff filled on success. */
static int dp__sched_pack_search(int nb, const int *idx, const int64_t *bst,
                                 const int *ben, const int64_t *bsz, int64_t T,
                                 int64_t align, long budget, int64_t *boff, int *next,
                                 int *conf, int64_t *cen, int *tmp, int64_t *cpos,
                                 int64_t *csc, int64_t *cgap, int *cidx, int *ctmp)
{
    int d = 0;
    if (nb == 0) return 1;
    next[0] = 0;
    while (d >= 0 && d < nb) {
        int b = idx[d], nc = 0, ncand = 0, j;
        int64_t lo = 0, s = bsz[b];
        if (budget-- <= 0) return 0;
        for (j = 0; j < d; j++) {
            int q = idx[j];
            if (bst[q] <= ben[b] && bst[b] <= ben[q]) { conf[nc++] = q; cen[q] = boff[q]; }
        }
        dp__sched_sort(conf, tmp, nc, cen, NULL);
        for (j = 0; j <= nc && lo + s <= T; j++) {
            int64_t hi = j < nc ? boff[conf[j]] : T;
            if (hi > T) hi = T;
            if (hi - lo >= s) {
                int64_t up = (hi - s) / align * align;
                cpos[ncand] = lo;
                csc[ncand] = lo == 0 ? 0 : 1;
                cgap[ncand++] = hi - lo;
                if (up > lo) {
                    cpos[ncand] = up;
                    csc[ncand] = up + s + align > T ? 0 : 1;
                    cgap[ncand++] = hi - lo;
                }
            }
            if (j < nc && boff[conf[j]] + bsz[conf[j]] > lo) lo = boff[conf[j]] + bsz[conf[j]];
        }
        if (next[d] >= ncand) { d--; continue; } /* dead end: back up */
        for (j = 0; j < ncand; j++) cidx[j] = j;
        dp__sched_sort(cidx, ctmp, ncand, csc, cgap);
        boff[b] = cpos[cidx[next[d]]];
        next[d]++;
        if (++d < nb) next[d] = 0;
    }
    return d == nb;
}

/* dp_sched_arena_plan's working set. Buffers are the in-place groups of
   tensors (a root tensor and the ones that overwrite it); a buffer lives
   from the first use of any member to the last. Arrays of n are per
   tensor, arrays of nb (<= n) per buffer. */
typedef struct dp__sched_arena {
    int n, nb;
    int64_t align, target;   /* offsets' alignment; the aligned peak */
    int *in_place;           /* [m] dp__sched_sim's in-place choice per edge */
    int *first, *last;       /* [n] tensor's first and last use (steps) */
    int *root;               /* [n] tensor whose storage it shares */
    int *buf;                /* [n] buffer of a root tensor */
    int64_t *tensor_off;     /* [n] best offsets found so far */
    int *buf_last;           /* [nb] last use of the buffer */
    int64_t *buf_first;      /* [nb] first use of the buffer */
    int64_t *buf_size;       /* [nb] bytes, rounded up to align */
    int64_t *buf_bytes;      /* [nb] bytes, as the tensor has them */
    int64_t *buf_off;        /* [nb] offset in the current placement */
    int *order;              /* [nb] placement order */
    int *tmp, *conf;         /* [nb] sort scratch; conflicting buffers */
    int64_t *key1, *key2;    /* [nb] sort keys of the placement order */
    int64_t *conf_off;       /* [nb] sort key of the conflicting buffers */
} dp__sched_arena;

static void dp__sched_arena_free(dp__sched_arena *a)
{
    DP_FREE(a->in_place); DP_FREE(a->first); DP_FREE(a->last); DP_FREE(a->root);
    DP_FREE(a->buf); DP_FREE(a->tensor_off); DP_FREE(a->buf_last); DP_FREE(a->buf_first);
    DP_FREE(a->buf_size); DP_FREE(a->buf_bytes); DP_FREE(a->buf_off); DP_FREE(a->order);
    DP_FREE(a->tmp); DP_FREE(a->conf); DP_FREE(a->key1); DP_FREE(a->key2); DP_FREE(a->conf_off);
}

static dp_status dp__sched_arena_alloc(dp__sched_arena *a, int m, int n)
{
    const size_t N = (size_t)n;
    a->n = n;
    a->in_place = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    a->first = (int *)dp__sched_alloc(N, sizeof(int));
    a->last = (int *)dp__sched_alloc(N, sizeof(int));
    a->root = (int *)dp__sched_alloc(N, sizeof(int));
    a->buf = (int *)dp__sched_alloc(N, sizeof(int));
    a->order = (int *)dp__sched_alloc(N, sizeof(int));
    a->tmp = (int *)dp__sched_alloc(N, sizeof(int));
    a->conf = (int *)dp__sched_alloc(N, sizeof(int));
    a->buf_last = (int *)dp__sched_alloc(N, sizeof(int));
    a->key1 = (int64_t *)dp__sched_alloc(N, 8);
    a->key2 = (int64_t *)dp__sched_alloc(N, 8);
    a->tensor_off = (int64_t *)dp__sched_alloc(N, 8);
    a->buf_off = (int64_t *)dp__sched_alloc(N, 8);
    a->buf_size = (int64_t *)dp__sched_alloc(N, 8);
    a->buf_first = (int64_t *)dp__sched_alloc(N, 8);
    a->conf_off = (int64_t *)dp__sched_alloc(N, 8);
    a->buf_bytes = (int64_t *)dp__sched_alloc(N, 8);
    if (!a->in_place || !a->first || !a->last || !a->root || !a->buf || !a->order || !a->tmp ||
        !a->conf || !a->buf_last || !a->key1 || !a->key2 || !a->tensor_off || !a->buf_off ||
        !a->buf_size || !a->buf_first || !a->conf_off || !a->buf_bytes)
        return DP_ERR_NOMEM;
    return DP_OK;
}

/* buffers = in-place groups; lifetime = union of the members' */
static void dp__sched_arena_buffers(dp__sched_arena *a, const dp__sched_prep *p)
{
    int u;
    a->nb = 0;
    for (u = 0; u < a->n; u++) {
        if (a->root[u] == u) {
            const int b = a->nb++;
            a->buf[u] = b;
            a->buf_first[b] = a->first[u];
            a->buf_last[b] = a->last[u];
            a->buf_size[b] = dp__sched_align_up(p->size[u], a->align);
            a->buf_bytes[b] = p->size[u];
        }
    }
    for (u = 0; u < a->n; u++) {
        const int b = a->buf[a->root[u]];
        if (a->last[u] > a->buf_last[b]) a->buf_last[b] = a->last[u];
    }
}

/* The current placement becomes the best one. */
static void dp__sched_arena_keep(dp__sched_arena *a)
{
    int u;
    for (u = 0; u < a->n; u++) a->tensor_off[u] = a->buf_off[a->buf[a->root[u]]];
}

/* Priority order `kind` of the heuristics into a->order: 0 by size, 1 by
   first use, 2 by lifetime, 3 by area, 4 random (xorshift64 in *rng). */
static void dp__sched_arena_order(dp__sched_arena *a, int kind, uint64_t *rng)
{
    const int64_t *bst = a->buf_first, *bsz = a->buf_size;
    int64_t *k1 = a->key1, *k2 = a->key2;
    int i;
    for (i = 0; i < a->nb; i++) {
        int64_t lenb = a->buf_last[i] - bst[i] + 1;
        a->order[i] = i;
        switch (kind) {
        case 0: k1[i] = -bsz[i]; k2[i] = bst[i]; break;        /* by size      */
        case 1: k1[i] = bst[i]; k2[i] = -bsz[i]; break;        /* by first use */
        case 2: k1[i] = -lenb; k2[i] = -bsz[i]; break;         /* by lifetime  */
        case 3: k1[i] = -bsz[i] * lenb; k2[i] = bst[i]; break; /* by area      */
        default:                                               /* random       */
            *rng ^= *rng << 13; *rng ^= *rng >> 7; *rng ^= *rng << 17;
            k1[i] = (int64_t)(*rng >> 33); k2[i] = 0;
            break;
        }
    }
    dp__sched_sort(a->order, a->tmp, a->nb, k1, k2);
}

/* Places the buffers in a->order one by one, each at a free gap between
   the already placed buffers whose lifetimes overlap its own, by policy
   pol: 0 first fit (lowest free offset), 1 best fit (smallest gap that
   fits), 2 two-ended: aim at a->target and prefer a spot touching 0 or
   the target (this alternates ends along a chain, which is optimal there,
   where first fit can strand small holes). Returns the bytes touched. */
static int64_t dp__sched_arena_place(dp__sched_arena *a, int pol)
{
    const int *idx = a->order, *ben = a->buf_last;
    const int64_t *bst = a->buf_first, *bsz = a->buf_size, tgt = a->target, align = a->align;
    int64_t *boff = a->buf_off, *cen = a->conf_off, top = 0;
    int *conf = a->conf;
    int i, j;
    for (i = 0; i < a->nb; i++) {
        int b = idx[i], nc = 0, score_best = 3;
        int64_t cand = 0, pick = -1, gap_best = 0, s = bsz[b];
        for (j = 0; j < i; j++) {
            int q = idx[j];
            if (bst[q] <= ben[b] && bst[b] <= ben[q]) { conf[nc++] = q; cen[q] = boff[q]; }
        }
        dp__sched_sort(conf, a->tmp, nc, cen, NULL);
        /* free gaps [cand, boff[conf[j]]) between the conflicting buffers */
        for (j = 0; j <= nc; j++) {
            int64_t hi = j < nc ? boff[conf[j]] : INT64_MAX, gap = hi - cand;
            if (hi > cand && gap >= s) {
                if (pol == 0) { pick = cand; break; }
                if (pol == 1) {
                    if (pick < 0 || gap < gap_best) { pick = cand; gap_best = gap; }
                } else if (cand + s <= tgt) {
                    int64_t hi2 = hi < tgt ? hi : tgt, up = (hi2 - s) / align * align;
                    int sc_lo = cand == 0 ? 0 : 1, sc_up = up + s + align > tgt ? 0 : 1;
                    if (sc_lo < score_best ||
                        (sc_lo == score_best && hi2 - cand < gap_best)) {
                        pick = cand; score_best = sc_lo; gap_best = hi2 - cand;
                    }
                    if (sc_up < score_best) {
                        pick = up;
                        score_best = sc_up;
                        gap_best = hi2 - cand;
                    }
                }
            }
            if (j < nc && boff[conf[j]] + bsz[conf[j]] > cand)
                cand = boff[conf[j]] + bsz[conf[j]];
        }
        if (pick < 0) pick = cand; /* nothing fits below: on top of everything */
        boff[b] = pick;
        if (pick + a->buf_bytes[b] > top) top = pick + a->buf_bytes[b];
    }
    return top;
}

/* Backtracking search for a placement within a->target, buffers in
   first-use order (by_size 0) or size order (1), at most `budget`
   conflict tests. On success *best is the bytes touched and the
   placement is kept. */
static dp_status dp__sched_arena_search(dp__sched_arena *a, int by_size, long budget, int64_t *best)
{
    const int nb = a->nb;
    int64_t *cpos = (int64_t *)dp__sched_alloc((size_t)nb * 2 + 2, 8);
    int64_t *csc = (int64_t *)dp__sched_alloc((size_t)nb * 2 + 2, 8);
    int64_t *cgap = (int64_t *)dp__sched_alloc((size_t)nb * 2 + 2, 8);
    int *cidx = (int *)dp__sched_alloc((size_t)nb * 2 + 2, sizeof(int));
    int *ctmp = (int *)dp__sched_alloc((size_t)nb * 2 + 2, sizeof(int));
    int *next = (int *)dp__sched_alloc((size_t)nb + 1, sizeof(int));
    const int okp = cpos && csc && cgap && cidx && ctmp && next;
    int i;
    if (okp) {
        for (i = 0; i < nb; i++) {
            a->order[i] = i;
            a->key1[i] = by_size ? -a->buf_size[i] : a->buf_first[i];
            a->key2[i] = by_size ? a->buf_first[i] : -a->buf_size[i];
        }
        dp__sched_sort(a->order, a->tmp, nb, a->key1, a->key2);
        if (dp__sched_pack_search(nb, a->order, a->buf_first, a->buf_last, a->buf_size, a->target,
                                  a->align, budget, a->buf_off, next, a->conf, a->conf_off, a->tmp,
                                  cpos, csc, cgap, cidx, ctmp)) {
            *best = 0;
            for (i = 0; i < nb; i++)
                if (a->buf_off[i] + a->buf_bytes[i] > *best) *best = a->buf_off[i] + a->buf_bytes[i];
            dp__sched_arena_keep(a);
        }
    }
    DP_FREE(cpos); DP_FREE(csc); DP_FREE(cgap); DP_FREE(cidx); DP_FREE(ctmp); DP_FREE(next);
    return okp ? DP_OK : DP_ERR_NOMEM;
}

dp_status dp_sched_arena_plan(const dp_sched_graph *g, const int *order,
                              int n_order, int64_t align, int64_t *offset,
                              int64_t *arena_size)
{
    dp__sched_prep p;
    dp__sched_arena a;
    dp_status st;
    int h, u, n_runs;
    int64_t peak, best = -1;
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    if (!offset || !arena_size) return DP_ERR_ARG;
    if (align == 0) align = 1;
    if (align < 0 || align > DP_SCHED_MAX_ALIGN || (align & (align - 1)) != 0)
        return DP_ERR_ARG;
    st = dp__sched_prep_build(g, &p, NULL, 0);
    if (st != DP_OK) return st;
    memset(&a, 0, sizeof a);
    a.align = align;
    st = dp__sched_arena_alloc(&a, p.m, p.n);
    if (st != DP_OK) goto out;
    st = dp__sched_sim(&p, order, n_order, &peak, NULL, a.in_place, NULL, -2, NULL, NULL);
    if (st != DP_OK) goto out;
    dp__sched_lifetimes(&p, order, a.in_place, a.first, a.last, a.root);
    dp__sched_arena_buffers(&a, &p);
    /* Heuristics: 4 priority orders x 3 placement policies (see
       dp__sched_arena_place), then random priority orders (fixed seed:
       deterministic) while work remains in a budget of about 2e7 conflict
       tests and arena > peak; keep the best. */
    a.target = dp__sched_align_up(peak, align);
    n_runs = 12 + (a.nb > 0 ? (int)(20000000 / ((int64_t)a.nb * a.nb + 1)) : 0);
    if (n_runs > 12 + 96) n_runs = 12 + 96;
    for (h = 0; h < n_runs && !(best >= 0 && best <= peak); h++) {
        int64_t top;
        dp__sched_arena_order(&a, h < 12 ? h / 3 : 4, &rng);
        top = dp__sched_arena_place(&a, h % 3);
        if (best < 0 || top < best) {
            best = top;
            dp__sched_arena_keep(&a);
        }
    }
    /* still above the peak: backtracking search in first-use order (up to
       ~2e7 conflict tests), then in size order (~4e6), aiming at the
       (aligned) peak */
    for (h = 0; h < 2 && best > a.target; h++) {
        long budget = a.nb > 0 ? (h == 0 ? 20000000L : 4000000L) / (a.nb + 1) : 0;
        if (budget > 200000) budget = 200000;
        st = dp__sched_arena_search(&a, h, budget, &best);
        if (st != DP_OK) goto out;
    }
    if (p.n == 0) best = 0;
    for (u = 0; u < p.n; u++) offset[u] = a.tensor_off[u];
    *arena_size = best; /* bytes touched; padding after the last tensor not counted */
out:
    dp__sched_arena_free(&a);
    dp__sched_prep_free(&p);
    return st;
}

static const char *dp__sched_nm(const dp_sched_graph *g, int i, char *buf, size_t cap)
{
    if (g->name && g->name[i]) return g->name[i];
    snprintf(buf, cap, "n%d", i);
    return buf;
}

dp_status dp_sched_arena_check(const dp_sched_graph *g, const int *order,
                               int n_order, const int64_t *offset,
                               int64_t arena_size, int64_t align,
                               char *err, size_t err_cap)
{
    dp__sched_prep p;
    dp_status st;
    int n, a, b;
    int64_t peak;
    int *stp = NULL, *en = NULL, *root = NULL;
    char b1[24], b2[24];
    if (!offset) return DP_ERR_ARG;
    if (align < 0 || (align & (align - 1)) != 0) return DP_ERR_ARG;
    st = dp__sched_prep_build(g, &p, err, err_cap);
    if (st != DP_OK) return st;
    n = p.n;
    stp = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    en = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    root = (int *)dp__sched_alloc((size_t)n, sizeof(int));
    if (!stp || !en || !root) { st = DP_ERR_NOMEM; goto out; }
    st = dp__sched_sim(&p, order, n_order, &peak, NULL, NULL, NULL, -2, NULL, NULL);
    if (st != DP_OK) {
        dp__seterr(err, err_cap, "order is not a topological order of the ops");
        goto out;
    }
    dp__sched_lifetimes(&p, order, NULL, stp, en, root);
    for (a = 0; a < n; a++) {
        if (offset[a] < 0 || offset[a] > arena_size - p.size[a]) {
            dp__seterr(err, err_cap,
                       "tensor '%s' [%lld, %lld) is outside the arena of %lld bytes",
                       dp__sched_nm(g, a, b1, sizeof b1), (long long)offset[a],
                       (long long)(offset[a] + p.size[a]), (long long)arena_size);
            st = DP_ERR_FORMAT;
            goto out;
        }
        if (align > 1 && offset[a] % align != 0) {
            dp__seterr(err, err_cap, "tensor '%s' offset %lld is not a multiple of %lld",
                       dp__sched_nm(g, a, b1, sizeof b1), (long long)offset[a],
                       (long long)align);
            st = DP_ERR_FORMAT;
            goto out;
        }
    }
    for (a = 0; a < n; a++) {
        for (b = a + 1; b < n; b++) {
            if (stp[a] > en[b] || stp[b] > en[a]) continue;                  /* never together */
            if (offset[a] >= offset[b] + p.size[b] || offset[b] >= offset[a] + p.size[a])
                continue;
            /* b may overwrite a in place: same offset, b an Add whose step is a's last use */
            if (offset[a] == offset[b] && p.can_ip[b] && !p.is_in[a] && p.size[a] == p.size[b] &&
                en[a] == stp[b] && p.co_s[a + 1] > p.co_s[a]) {
                int t, reads = 0;
                for (t = p.in_s[b]; t < p.in_s[b + 1]; t++) if (p.in_i[t] == a) reads = 1;
                if (reads) continue;
            }
            dp__seterr(err, err_cap,
                       "tensors '%s' and '%s' are live together (steps %d..%d) and overlap",
                       dp__sched_nm(g, a, b1, sizeof b1), dp__sched_nm(g, b, b2, sizeof b2),
                       stp[a] > stp[b] ? stp[a] : stp[b], en[a] < en[b] ? en[a] : en[b]);
            st = DP_ERR_FORMAT;
            goto out;
        }
    }
out:
    DP_FREE(stp); DP_FREE(en); DP_FREE(root);
    dp__sched_prep_free(&p);
    return st;
}

/* ------------------------------------------------------------------- plan */

void dp_sched_result_free(dp_sched_result *r)
{
    if (!r) return;
    DP_FREE(r->order);
    DP_FREE(r->step_ws);
    DP_FREE(r->step_inplace);
    DP_FREE(r->bottleneck);
    DP_FREE(r->offset);
    memset(r, 0, sizeof(*r));
}

/* dp_sched_plan's working arrays; m ops, n_seg segments. */
typedef struct dp__sched_planner {
    int *greedy_order;   /* [m] the better greedy order */
    int *tmp_order;      /* [m] a greedy order being tried */
    int *seg_order;      /* [m] a segment's exact order from the DP */
    int64_t *ws;         /* [m] working set at each step of greedy_order */
    int64_t *live_after; /* [m] live bytes after each step (definition order) */
    int *seg_idx;        /* [n_seg] segments, largest greedy peak first */
    int *seg_tmp;        /* [n_seg] sort scratch */
    int64_t *seg_peak;   /* [n_seg] the greedy order's peak in the segment */
    int64_t *seg_key;    /* [n_seg + 1] sort key */
} dp__sched_planner;

static void dp__sched_planner_free(dp__sched_planner *w)
{
    DP_FREE(w->greedy_order); DP_FREE(w->tmp_order); DP_FREE(w->seg_order); DP_FREE(w->ws);
    DP_FREE(w->live_after); DP_FREE(w->seg_idx); DP_FREE(w->seg_tmp); DP_FREE(w->seg_peak);
    DP_FREE(w->seg_key);
}

/* The result's arrays and the planner's. */
static dp_status dp__sched_planner_alloc(dp__sched_planner *w, const dp__sched_prep *p,
                                         dp_sched_result *r)
{
    const int m = p->m;
    r->n_order = m;
    r->order = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    r->step_ws = (int64_t *)dp__sched_alloc((size_t)m, 8);
    r->step_inplace = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    r->bottleneck = (int *)dp__sched_alloc((size_t)p->n + 1, sizeof(int));
    r->offset = (int64_t *)dp__sched_alloc((size_t)p->n, 8);
    w->greedy_order = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    w->tmp_order = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    w->seg_order = (int *)dp__sched_alloc((size_t)m, sizeof(int));
    w->ws = (int64_t *)dp__sched_alloc((size_t)m, 8);
    w->live_after = (int64_t *)dp__sched_alloc((size_t)m, 8);
    w->seg_idx = (int *)dp__sched_alloc((size_t)p->n_seg, sizeof(int));
    w->seg_tmp = (int *)dp__sched_alloc((size_t)p->n_seg, sizeof(int));
    w->seg_peak = (int64_t *)dp__sched_alloc((size_t)p->n_seg, 8);
    w->seg_key = (int64_t *)dp__sched_alloc((size_t)p->n_seg + 1, 8);
    if (!w->seg_key || !r->order || !r->step_ws || !r->step_inplace || !r->bottleneck ||
        !r->offset || !w->greedy_order || !w->tmp_order || !w->seg_order || !w->ws ||
        !w->live_after || !w->seg_idx || !w->seg_tmp || !w->seg_peak)
        return DP_ERR_NOMEM;
    memset(w->seg_key, 0, (size_t)(p->n_seg + 1) * 8);
    return DP_OK;
}

/* The better of the two greedy rules into w->greedy_order and r->order;
   each segment's peak under it, and the segments sorted by it. */
static dp_status dp__sched_plan_greedy(dp__sched_prep *p, dp__sched_planner *w, dp_sched_result *r)
{
    const int m = p->m;
    int64_t pk;
    int mode, s, i;
    dp_status st;
    r->peak_greedy = -1;
    for (mode = 0; mode < 2; mode++) {
        st = dp__sched_greedy(p, mode, w->tmp_order);
        if (st == DP_OK) st = dp__sched_sim(p, w->tmp_order, m, &pk, NULL, NULL, NULL, -2, NULL, NULL);
        if (st != DP_OK) return st;
        if (r->peak_greedy < 0 || pk < r->peak_greedy) {
            r->peak_greedy = pk;
            memcpy(w->greedy_order, w->tmp_order, (size_t)m * sizeof(int));
        }
    }
    st = dp__sched_sim(p, w->greedy_order, m, &pk, w->ws, NULL, NULL, -2, NULL, NULL);
    if (st != DP_OK) return st;
    /* every order runs segment s at steps seg[s]..seg[s+1]-1, greedy too */
    for (s = 0; s < p->n_seg; s++) {
        w->seg_peak[s] = 0;
        for (i = p->seg[s]; i < p->seg[s + 1]; i++) if (w->ws[i] > w->seg_peak[s]) w->seg_peak[s] = w->ws[i];
        w->seg_idx[s] = s;
        w->seg_key[s] = -w->seg_peak[s]; /* decreasing greedy peak */
    }
    dp__sched_sort(w->seg_idx, w->seg_tmp, p->n_seg, w->seg_key, NULL);
    memcpy(r->order, w->greedy_order, (size_t)m * sizeof(int));
    return DP_OK;
}

/* The segments, each exact (reductions (1)-(3)), largest greedy peak
   first, into r->order. Returns DP_OK, DP_ERR_LIMIT (state limit reached:
   the rest stay greedy) or DP_ERR_NOMEM. */
static dp_status dp__sched_plan_segments(dp__sched_prep *p, dp__sched_planner *w, dp_sched_result *r,
                                         int peak_only, long long max_states)
{
    const int64_t *la = w->live_after;
    int64_t B = p->lb;
    dp_status dst = DP_OK;
    int i;
    for (i = 0; i < p->n_seg; i++) {
        int s = w->seg_idx[i], a = p->seg[s], b = p->seg[s + 1], k, found = 0;
        int64_t opt = 0, live0, lbnd;
        live0 = a > 0 ? la[a - 1] : p->L0; /* live(X) is the same in every order */
        /* floor: what this segment cannot go below (with peak_only: or B) */
        lbnd = live0 > la[b - 1] ? live0 : la[b - 1];
        for (k = a; k < b; k++) {
            int64_t l = dp__sched_op_lb(p, p->op_node[k]);
            if (l > lbnd) lbnd = l;
        }
        if (peak_only && B > lbnd) lbnd = B;
        if (b - a == 1 || w->seg_peak[s] <= lbnd) continue; /* greedy is optimal enough */
        r->n_segments_dp++;
        dst = dp__sched_seg_dp(p, a, b, live0, w->seg_peak[s], lbnd, max_states, &r->states,
                               w->seg_order, &opt, &found);
        if (dst == DP_ERR_NOMEM || dst == DP_ERR_LIMIT) return dst;
        if (found) memcpy(r->order + a, w->seg_order, (size_t)(b - a) * sizeof(int));
        else opt = w->seg_peak[s];
        if (opt > B) B = opt;
    }
    return dst;
}

/* Peak, working set and in-place choice per step, the bottleneck of the
   chosen order r->order; exact unless the DP hit its limit (dst). */
static dp_status dp__sched_plan_describe(dp__sched_prep *p, dp_sched_result *r, dp_status dst)
{
    const int m = p->m;
    int64_t pk;
    int s;
    dp_status st = dp__sched_sim(p, r->order, m, &pk, NULL, NULL, NULL, -2, NULL, NULL);
    if (st != DP_OK) return st;
    if (dst == DP_ERR_LIMIT && r->peak_definition_order < pk)
        memcpy(r->order, p->op_node, (size_t)m * sizeof(int));
    st = dp__sched_sim(p, r->order, m, &pk, r->step_ws, r->step_inplace, NULL, -2, NULL, NULL);
    if (st != DP_OK) return st;
    r->peak_order = pk;
    r->exact = dst == DP_OK;
    r->peak_exact = r->exact ? pk : -1;
    for (s = 0; s < m; s++) if (r->step_ws[s] == pk) { r->bottleneck_step = s; break; }
    return dp__sched_sim(p, r->order, m, &pk, NULL, NULL, NULL, r->bottleneck_step,
                         r->bottleneck, &r->n_bottleneck);
}

dp_status dp_sched_plan(const dp_sched_graph *g, const dp_sched_opts *opts,
                        dp_sched_result *r)
{
    dp__sched_prep p;
    dp__sched_planner w;
    dp_status st, dst = DP_OK;
    long long max_states = DP_SCHED_DEFAULT_MAX_STATES;
    int64_t align = 1, pk;
    int peak_only = 0, skip_arena = 0, s;
    if (!r) return DP_ERR_ARG;
    memset(r, 0, sizeof(*r));
    r->bottleneck_step = -1;
    if (opts) {
        if (opts->max_states < 0 || opts->align < 0 || opts->align > DP_SCHED_MAX_ALIGN ||
            (opts->align & (opts->align - 1)) != 0) {
            dp__seterr(r->error, sizeof r->error,
                       "bad options (max_states >= 0, align a power of 2 <= %d)",
                       DP_SCHED_MAX_ALIGN);
            return DP_ERR_ARG;
        }
        if (opts->max_states > 0) max_states = opts->max_states;
        if (opts->align > 0) align = opts->align;
        peak_only = opts->peak_only != 0;
        skip_arena = opts->skip_arena != 0;
    }
    if (max_states > (long long)(INT32_MAX / 2)) max_states = INT32_MAX / 2;
    st = dp__sched_prep_build(g, &p, r->error, sizeof r->error);
    if (st != DP_OK) return st;
    memset(&w, 0, sizeof w);
    st = dp__sched_planner_alloc(&w, &p, r);
    if (st != DP_OK) goto fail;
    r->n_segments = p.n_seg;
    r->peak_imprecise = p.imprecise;

    /* definition order; live bytes at separators are order independent */
    st = dp__sched_sim(&p, p.op_node, p.m, &pk, NULL, NULL, w.live_after, -2, NULL, NULL);
    if (st != DP_OK) goto fail;
    r->peak_definition_order = pk;
    for (s = 1; s <= p.n_seg; s++)
        if (w.live_after[p.seg[s] - 1] > p.lb) p.lb = w.live_after[p.seg[s] - 1];
    r->lower_bound = p.lb;

    st = dp__sched_plan_greedy(&p, &w, r);
    if (st != DP_OK) goto fail;
    dst = dp__sched_plan_segments(&p, &w, r, peak_only, max_states);
    if (dst == DP_ERR_NOMEM) { st = dst; goto fail; }
    st = dp__sched_plan_describe(&p, r, dst);
    if (st != DP_OK) goto fail;
    if (skip_arena) {
        DP_FREE(r->offset);
        r->offset = NULL;
    } else {
        st = dp_sched_arena_plan(g, r->order, p.m, align, r->offset, &r->arena_size);
        if (st != DP_OK) goto fail;
    }
    st = dst;
    if (st == DP_ERR_LIMIT)
        dp__seterr(r->error, sizeof r->error,
                   "DP state limit (%lld) reached; order is the best fallback found",
                   max_states);
    goto out;
fail:
    if (st == DP_ERR_NOMEM) dp__seterr(r->error, sizeof r->error, "out of memory");
    {
        char keep[sizeof r->error];
        memcpy(keep, r->error, sizeof keep);
        dp_sched_result_free(r);
        memcpy(r->error, keep, sizeof keep);
        r->bottleneck_step = -1;
    }
out:
    dp__sched_planner_free(&w);
    dp__sched_prep_free(&p);
    return st;
}

/* ------------------------------------------------------------ text format */

typedef struct dp__sched_pnode {
    size_t name_off;
    int name_len, line, kind; /* kind: 0 input, 1 op, 2 add */
    int64_t size;
    int tok0, ntok;           /* input-name tokens in the token arrays */
} dp__sched_pnode;

typedef struct dp__sched_parser {
    const char *text;
    dp__sched_pnode *nd;
    int n, cap;
    size_t *tok_off;
    int *tok_len, ntok, tcap, tcap2;
    int *ht, hcap; /* name -> node index, open addressing */
    int n_ops, last_line, err_line; /* err_line: of the first error, 0 = none */
    char msg[200];                  /* its message */
} dp__sched_parser;

static uint64_t dp__sched_strhash(const char *s, int len)
{
    uint64_t h = 1469598103934665603ull;
    int i;
    for (i = 0; i < len; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
    return h;
}

/* Index of the node named text[off..off+len), or -1. */
static int dp__sched_lookup(const dp__sched_parser *ps, size_t off, int len)
{
    uint64_t h;
    int sl, q;
    if (ps->hcap == 0) return -1;
    h = dp__sched_strhash(ps->text + off, len);
    sl = (int)(h & (uint64_t)(ps->hcap - 1));
    while ((q = ps->ht[sl]) >= 0) {
        if (ps->nd[q].name_len == len &&
            memcmp(ps->text + ps->nd[q].name_off, ps->text + off, (size_t)len) == 0)
            return q;
        sl = (sl + 1) & (ps->hcap - 1);
    }
    return -1;
}

static int dp__sched_hash_add(dp__sched_parser *ps, int q)
{
    int sl;
    if (2 * (ps->n + 1) > ps->hcap) {
        int nh = ps->hcap ? ps->hcap * 2 : 64, i;
        int *t = (int *)dp__sched_alloc((size_t)nh, sizeof(int));
        if (!t) return 0;
        for (i = 0; i < nh; i++) t[i] = -1;
        for (i = 0; i < q; i++) {
            uint64_t h = dp__sched_strhash(ps->text + ps->nd[i].name_off, ps->nd[i].name_len);
            sl = (int)(h & (uint64_t)(nh - 1));
            while (t[sl] >= 0) sl = (sl + 1) & (nh - 1);
            t[sl] = i;
        }
        DP_FREE(ps->ht);
        ps->ht = t;
        ps->hcap = nh;
    }
    sl = (int)(dp__sched_strhash(ps->text + ps->nd[q].name_off, ps->nd[q].name_len) &
               (uint64_t)(ps->hcap - 1));
    while (ps->ht[sl] >= 0) sl = (sl + 1) & (ps->hcap - 1);
    ps->ht[sl] = q;
    return 1;
}

/* Shown tokens are cut to 40 bytes. */
#define DP__SCHED_TOK(len) ((len) > 40 ? 40 : (int)(len))

/* One line's first three tokens (keyword, name, size); the rest, the input
   names, go to the parser's token arrays. */
typedef struct dp__sched_line {
    int line, nt;       /* line number; tokens on it */
    size_t off[3];
    int len[3];
} dp__sched_line;

/* Records a syntax error on line ln unless an earlier one is recorded;
   returns 0 so that callers can `return dp__sched_syntax(...)`. */
static int dp__sched_syntax(dp__sched_parser *ps, int ln, const char *fmt, ...)
{
    va_list ap;
    if (!ps->err_line) {
        ps->err_line = ln;
        va_start(ap, fmt);
        vsnprintf(ps->msg, sizeof ps->msg, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int dp__sched_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits text[pos, eol) up to a '#' into tokens. Returns 1, 0 after a
   syntax error (recorded), -1 when out of memory. */
static int dp__sched_parse_tokens(dp__sched_parser *ps, dp__sched_line *l, size_t pos, size_t eol)
{
    const char *text = ps->text;
    size_t p2 = pos;
    l->nt = 0;
    while (p2 < eol && text[p2] != '#') {
        unsigned char c = (unsigned char)text[p2];
        size_t start;
        int tl;
        if (dp__sched_is_space(c)) { p2++; continue; }
        start = p2;
        while (p2 < eol) {
            c = (unsigned char)text[p2];
            if (dp__sched_is_space(c) || c == '#') break;
            if (c < 0x20 || c == 0x7f)
                return dp__sched_syntax(ps, l->line, "line %d: invalid character (byte 0x%02x)", l->line, c);
            p2++;
        }
        tl = (int)(p2 - start > 1000000 ? 1000000 : p2 - start);
        if (l->nt < 3) {
            l->off[l->nt] = start;
            l->len[l->nt] = tl;
        } else {
            void *q1 = dp__grow_int(ps->tok_off, &ps->tcap, ps->ntok + 1, sizeof(size_t));
            if (q1) ps->tok_off = (size_t *)q1;
            q1 = q1 ? dp__grow_int(ps->tok_len, &ps->tcap2, ps->ntok + 1, sizeof(int)) : NULL;
            if (!q1) return -1;
            ps->tok_len = (int *)q1;
            ps->tok_off[ps->ntok] = start;
            ps->tok_len[ps->ntok] = tl;
            ps->ntok++;
        }
        l->nt++;
    }
    return 1;
}

/* The size token of line l into *v: 1, or 0 after a syntax error. */
static int dp__sched_parse_size(dp__sched_parser *ps, const dp__sched_line *l, int64_t *v)
{
    const char *z = ps->text + l->off[2], *name = ps->text + l->off[1];
    const int zl = l->len[2], nl = l->len[1];
    int q;
    *v = 0;
    for (q = 1; q < zl && z[q] >= '0' && z[q] <= '9'; q++) {}
    if (z[0] == '-' && zl > 1 && q == zl)
        return dp__sched_syntax(ps, l->line, "line %d: size '%.*s' of '%.*s' must be positive", l->line,
                                DP__SCHED_TOK(zl), z, nl, name);
    for (q = 0; q < zl; q++) {
        if (z[q] < '0' || z[q] > '9')
            return dp__sched_syntax(ps, l->line, "line %d: size '%.*s' of '%.*s' is not a number", l->line,
                                    DP__SCHED_TOK(zl), z, nl, name);
        if (*v <= DP_SCHED_MAX_TENSOR) *v = *v * 10 + (z[q] - '0');
    }
    if (*v > DP_SCHED_MAX_TENSOR)
        return dp__sched_syntax(ps, l->line, "line %d: size '%.*s' of '%.*s' is too large (max 2^40)",
                                l->line, DP__SCHED_TOK(zl), z, nl, name);
    if (*v == 0)
        return dp__sched_syntax(ps, l->line, "line %d: size of '%.*s' must be positive", l->line, nl, name);
    return 1;
}

/* Pass 1 on one line, text[pos, eol): syntax and the definition. A line
   with a syntax error defines nothing (the first error is kept; parsing
   goes on so that a later definition is known when an earlier line refers
   to it). DP_OK or DP_ERR_NOMEM. */
static dp_status dp__sched_parse_line(dp__sched_parser *ps, int line, size_t pos, size_t eol)
{
    const char *text = ps->text;
    dp__sched_line l;
    dp__sched_pnode *nd;
    int64_t v;
    int kind, q, rc;
    const char *kw, *name;
    l.line = line;
    rc = dp__sched_parse_tokens(ps, &l, pos, eol);
    if (rc < 0) return DP_ERR_NOMEM;
    if (rc == 0 || l.nt == 0) return DP_OK;
    ps->last_line = line;
    kw = text + l.off[0];
    name = text + l.off[1];
    if (l.len[0] == 5 && memcmp(kw, "input", 5) == 0) kind = 0;
    else if (l.len[0] == 2 && memcmp(kw, "op", 2) == 0) kind = 1;
    else if (l.len[0] == 3 && memcmp(kw, "add", 3) == 0) kind = 2;
    else {
        dp__sched_syntax(ps, line, "line %d: unknown keyword '%.*s' (expected input, op or add)",
                         line, DP__SCHED_TOK(l.len[0]), kw);
        return DP_OK;
    }
    if (l.nt < 2) {
        dp__sched_syntax(ps, line, "line %d: missing name after '%.*s'", line, l.len[0], kw);
        return DP_OK;
    }
    if (l.len[1] > DP_SCHED_MAX_NAME) {
        dp__sched_syntax(ps, line, "line %d: name '%.*s...' too long (max %d bytes)", line,
                         DP__SCHED_TOK(l.len[1]), name, DP_SCHED_MAX_NAME);
        return DP_OK;
    }
    if (l.nt < 3) {
        dp__sched_syntax(ps, line, "line %d: missing size of '%.*s'", line, l.len[1], name);
        return DP_OK;
    }
    if (!dp__sched_parse_size(ps, &l, &v)) return DP_OK;
    if (kind == 0 && l.nt > 3) {
        dp__sched_syntax(ps, line, "line %d: input '%.*s' takes no inputs", line, l.len[1], name);
        return DP_OK;
    }
    if (kind == 1 && l.nt < 4) {
        dp__sched_syntax(ps, line, "line %d: op '%.*s' has no inputs", line, l.len[1], name);
        return DP_OK;
    }
    if (kind == 2 && l.nt < 5) {
        dp__sched_syntax(ps, line, "line %d: add '%.*s' needs at least 2 inputs", line, l.len[1], name);
        return DP_OK;
    }
    q = dp__sched_lookup(ps, l.off[1], l.len[1]);
    if (q >= 0) {
        dp__sched_syntax(ps, line, "line %d: duplicate name '%.*s' (first defined on line %d)", line,
                         l.len[1], name, ps->nd[q].line);
        return DP_OK;
    }
    if (ps->n >= DP_SCHED_MAX_NODES) /* recorded; the node is still defined */
        dp__sched_syntax(ps, line, "line %d: too many nodes (limit %d)", line, DP_SCHED_MAX_NODES);
    {
        void *q1 = dp__grow_int(ps->nd, &ps->cap, ps->n + 1, sizeof(dp__sched_pnode));
        if (!q1) return DP_ERR_NOMEM;
        ps->nd = (dp__sched_pnode *)q1;
    }
    nd = &ps->nd[ps->n];
    nd->name_off = l.off[1];
    nd->name_len = l.len[1];
    nd->line = line;
    nd->kind = kind;
    nd->size = v;
    nd->tok0 = ps->ntok - (l.nt - 3);
    nd->ntok = l.nt - 3;
    if (!dp__sched_hash_add(ps, ps->n)) return DP_ERR_NOMEM;
    ps->n++;
    if (kind != 0) ps->n_ops++;
    return DP_OK;
}

/* Pass 2: references, in line order; the earliest error wins. Returns the
   number of edges. */
static int dp__sched_parse_refs(dp__sched_parser *ps)
{
    const char *text = ps->text;
    int i, t, e = 0;
    for (i = 0; i < ps->n; i++) {
        const dp__sched_pnode *nd = &ps->nd[i];
        if (ps->err_line && nd->line >= ps->err_line) break;
        for (t = 0; t < nd->ntok; t++) {
            size_t o = ps->tok_off[nd->tok0 + t];
            int l = ps->tok_len[nd->tok0 + t], q = dp__sched_lookup(ps, o, l);
            if (q < 0) {
                snprintf(ps->msg, sizeof ps->msg, "line %d: unknown name '%.*s'", nd->line,
                         DP__SCHED_TOK(l), text + o);
            } else if (q >= i) {
                snprintf(ps->msg, sizeof ps->msg,
                         "line %d: '%.*s' is used before its definition on line %d "
                         "(cycle or forward reference)",
                         nd->line, DP__SCHED_TOK(l), text + o, ps->nd[q].line);
            } else {
                e++;
                continue;
            }
            ps->err_line = nd->line;
            return e;
        }
    }
    return e;
}

/* The checked nodes and their n_edges references into out. */
static dp_status dp__sched_parse_build(const dp__sched_parser *ps, int n_edges, dp_sched_graph *out)
{
    size_t pool = 0, pp = 0;
    int i, t, e = 0;
    dp_status st = dp_sched_graph_init(out, ps->n, n_edges);
    if (st != DP_OK) return st;
    for (i = 0; i < ps->n; i++) pool += (size_t)ps->nd[i].name_len + 1;
    out->name_pool = (char *)dp__sched_alloc(pool, 1);
    if (!out->name_pool) return DP_ERR_NOMEM;
    for (i = 0; i < ps->n; i++) {
        const dp__sched_pnode *nd = &ps->nd[i];
        out->size[i] = nd->size;
        out->is_input[i] = (unsigned char)(nd->kind == 0);
        out->can_inplace[i] = (unsigned char)(nd->kind == 2);
        memcpy(out->name_pool + pp, ps->text + nd->name_off, (size_t)nd->name_len);
        out->name_pool[pp + (size_t)nd->name_len] = '\0';
        out->name[i] = out->name_pool + pp;
        pp += (size_t)nd->name_len + 1;
        for (t = 0; t < nd->ntok; t++)
            out->in_idx[e++] = dp__sched_lookup(ps, ps->tok_off[nd->tok0 + t], ps->tok_len[nd->tok0 + t]);
        out->in_start[i + 1] = e;
    }
    return DP_OK;
}

dp_status dp_sched_parse_text(const char *text, size_t len, dp_sched_graph *out,
                              char *err, size_t err_cap)
{
    dp__sched_parser ps;
    size_t pos = 0;
    int line = 0, e;
    dp_status st = DP_OK;
    if (err && err_cap) err[0] = '\0';
    if (!out || (!text && len > 0)) return DP_ERR_ARG;
    memset(out, 0, sizeof(*out));
    memset(&ps, 0, sizeof(ps));
    ps.text = text;
    ps.last_line = 1;
    while (pos < len && st == DP_OK) { /* pass 1 */
        size_t eol = pos;
        while (eol < len && text[eol] != '\n') eol++;
        st = dp__sched_parse_line(&ps, ++line, pos, eol);
        pos = eol + 1;
    }
    if (st != DP_OK) goto fail;
    e = dp__sched_parse_refs(&ps);
    if (!ps.err_line && ps.n_ops == 0) {
        ps.err_line = ps.last_line;
        snprintf(ps.msg, sizeof ps.msg, "line %d: no op defined (a graph needs at least one op)",
                 ps.last_line);
    }
    if (ps.err_line) {
        dp__seterr(err, err_cap, "%s", ps.msg);
        st = DP_ERR_FORMAT;
        goto fail;
    }
    st = dp__sched_parse_build(&ps, e, out);
    if (st == DP_OK) goto done;
fail:
    dp_sched_graph_free(out);
    if (st == DP_ERR_NOMEM) dp__seterr(err, err_cap, "out of memory");
done:
    DP_FREE(ps.nd);
    DP_FREE(ps.tok_off);
    DP_FREE(ps.tok_len);
    DP_FREE(ps.ht);
    return st;
}
#undef DP__SCHED_TOK

dp_status dp_sched_print_report(void *file, const dp_sched_graph *g,
                                const dp_sched_result *r)
{
    FILE *f = (FILE *)file;
    int s, ok = 1;
    char buf[24];
    if (!f || !g || !r || (r->n_order > 0 && !r->order)) return DP_ERR_ARG;
    if (r->exact) ok &= fprintf(f, "peak_exact: %lld\n", (long long)r->peak_exact) > 0;
    else ok &= fprintf(f, "peak_exact: unknown\n") > 0;
    ok &= fprintf(f, "peak_file_order: %lld\n", (long long)r->peak_definition_order) > 0;
    ok &= fprintf(f, "peak_imprecise: %lld\n", (long long)r->peak_imprecise) > 0;
    ok &= fputs("order:", f) >= 0;
    for (s = 0; s < r->n_order; s++) {
        int v = r->order[s];
        if (v < 0 || v >= g->n) return DP_ERR_ARG;
        ok &= fprintf(f, " %s", dp__sched_nm(g, v, buf, sizeof buf)) > 0;
    }
    ok &= fputs("\n", f) >= 0;
    ok &= fprintf(f, "arena: %lld\n", (long long)r->arena_size) > 0;
    return ok ? DP_OK : DP_ERR_IO;
}

/* ---------------------------------------------------------------------- */
/* >>resources  the graph as the MCU runs it                              */
/* ---------------------------------------------------------------------- */
typedef struct dp__view {
    dp_sched_graph sg;
    int nv;            /* view nodes                                     */
    int *rep;          /* [n_nodes] view node holding node i's tensor, -1 */
    int *anchor;       /* [nv] graph node defining the view node         */
    int *tail;         /* [nv] graph node whose output is the tensor     */
    int *cc;           /* [n_nodes] channel counts                       */
} dp__view;

static void dp__view_free(dp__view *v)
{
    dp_sched_graph_free(&v->sg);
    DP_FREE(v->rep); DP_FREE(v->anchor); DP_FREE(v->tail); DP_FREE(v->cc);
    memset(v, 0, sizeof *v);
}

static int dp__fusable_act(int op)
{
    return op >= 0 && op < DP_OP_COUNT && dp__opdef(op)->mcu_act;
}

/* Channel counts of every node: conv (not depthwise) and FC take ch[i]
   (or their own width), everything else follows its inputs. */
static void dp__channels(const dp_graph *g, const int *ch, int *cc)
{
    int i, k;
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        int c0 = nd->n_in ? cc[nd->in[0]] : nd->c;
        switch (nd->op) {
        case DP_OP_INPUT: cc[i] = nd->c; break;
        case DP_OP_CONV:
            cc[i] = dp__is_dw(g, nd) ? c0 : (ch && ch[i] > 0 ? ch[i] : nd->c);
            break;
        case DP_OP_FC: cc[i] = ch && ch[i] > 0 ? ch[i] : nd->c; break;
        case DP_OP_CONCAT: cc[i] = 0; for (k = 0; k < nd->n_in; k++) cc[i] += cc[nd->in[k]]; break;
        case DP_OP_FLATTEN: case DP_OP_SOFTMAX_CE: {
            const dp__node *x = &g->nodes[nd->in[0]];
            cc[i] = x->h * x->w * c0;
        } break;
        default: cc[i] = c0; break;
        }
    }
}

/* Builds the fused view of the graph at channel counts cc. */
static int dp__view_build(dp_graph *g, const int *ch, dp__view *v)
{
    int n = g->n_nodes, i, k, nv = 0, ne = 0, *ncons, st;
    memset(v, 0, sizeof *v);
    v->rep = (int *)DP_MALLOC(sizeof(int) * (size_t)(n + 1));
    v->anchor = (int *)DP_MALLOC(sizeof(int) * (size_t)(n + 1));
    v->tail = (int *)DP_MALLOC(sizeof(int) * (size_t)(n + 1));
    v->cc = (int *)DP_MALLOC(sizeof(int) * (size_t)(n + 1));
    ncons = (int *)DP_CALLOC((size_t)n + 1, sizeof(int));
    if (!v->rep || !v->anchor || !v->tail || !v->cc || !ncons) { DP_FREE(ncons); dp__view_free(v); return DP_ERR_NOMEM; }
    dp__channels(g, ch, v->cc);
    for (i = 0; i < n; i++) for (k = 0; k < g->nodes[i].n_in; k++) ncons[g->nodes[i].in[k]]++;
    /* pass 1: assign view nodes */
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int j = nd->n_in ? nd->in[0] : -1, vj = j >= 0 ? v->rep[j] : -1;
        if (nd->op == DP_OP_DROPOUT || nd->op == DP_OP_FLATTEN) { v->rep[i] = vj; continue; }
        if (vj >= 0 && v->tail[vj] == j && ncons[j] == 1 && g->nodes[v->anchor[vj]].op != DP_OP_INPUT) {
            int aop = g->nodes[v->anchor[vj]].op, top = g->nodes[j].op;
            int fuse_bn = nd->op == DP_OP_BN && (aop == DP_OP_CONV || aop == DP_OP_FC) && !dp__fusable_act(top);
            int fuse_act = dp__fusable_act(nd->op) && !dp__fusable_act(top) && aop != DP_OP_CONCAT;
            if (fuse_bn || fuse_act) { v->rep[i] = vj; v->tail[vj] = i; continue; }
        }
        v->rep[i] = nv; v->anchor[nv] = i; v->tail[nv] = i; nv++;
        ne += nd->n_in;
    }
    v->nv = nv;
    DP_FREE(ncons);
    if ((st = dp_sched_graph_init(&v->sg, nv, ne)) != DP_OK) { dp__view_free(v); return st; }
    /* pass 2: edges (deduplicated), sizes, names */
    ne = 0;
    for (k = 0; k < nv; k++) {
        const dp__node *a = &g->nodes[v->anchor[k]], *t = &g->nodes[v->tail[k]];
        int m;
        v->sg.in_start[k] = ne;
        for (m = 0; m < a->n_in; m++) {
            int u = v->rep[a->in[m]], d, dup = 0;
            if (u < 0) continue;
            for (d = v->sg.in_start[k]; d < ne; d++) dup |= v->sg.in_idx[d] == u;
            if (!dup) v->sg.in_idx[ne++] = u;
        }
        v->sg.size[k] = (int64_t)t->h * t->w * v->cc[v->tail[k]];
        v->sg.is_input[k] = a->op == DP_OP_INPUT;
        v->sg.can_inplace[k] = a->op == DP_OP_ADD;
        v->sg.name[k] = a->name;
    }
    v->sg.in_start[nv] = ne;
    return DP_OK;
}

/* MACs and parameter bytes of one view node's anchor, with gradients with
   respect to the channel counts involved (added to gc, indexed by node). */
static void dp__op_cost(const dp_graph *g, const dp__view *v, int k, int64_t *macs, int64_t *bytes,
                        double *gm, double *gs)
{
    int a = v->anchor[k];
    const dp__node *nd = &g->nodes[a];
    int64_t co = v->cc[a], ci = nd->n_in ? v->cc[nd->in[0]] : 0;
    *macs = 0; *bytes = 0;
    if (dp__opdef(nd->op)->cost) dp__opdef(nd->op)->cost(g, nd, a, co, ci, macs, bytes, gm, gs);
}

/* Moves gradients of channel-following nodes onto the nodes that own the
   channel count (conv/FC); an Add's go to its first input (the pruner ties
   the summands, so their group gets it once). */
static void dp__grad_to_owners(const dp_graph *g, double *gr)
{
    int i, k;
    if (!gr) return;
    for (i = g->n_nodes - 1; i >= 0; i--) {
        const dp__node *nd = &g->nodes[i];
        int owns = nd->op == DP_OP_INPUT || nd->op == DP_OP_FC || (nd->op == DP_OP_CONV && !dp__is_dw(g, nd));
        if (owns || gr[i] == 0.0) continue;
        if (nd->op == DP_OP_CONCAT) for (k = 0; k < nd->n_in; k++) gr[nd->in[k]] += gr[i];
        else if (nd->op == DP_OP_FLATTEN) gr[nd->in[0]] += gr[i] * g->nodes[nd->in[0]].h * g->nodes[nd->in[0]].w;
        else if (nd->n_in) gr[nd->in[0]] += gr[i];
        gr[i] = 0.0;
    }
    for (i = 0; i < g->n_nodes; i++) if (g->nodes[i].op == DP_OP_INPUT) gr[i] = 0.0;
}

int dp_graph_resources(dp_graph *g, const int *ch, dp_resources *res,
                       dp_op_report *rep, int n_rep, dp_resource_grads *gr)
{
    dp__view v;
    dp_sched_result r;
    int st, k, i;
    if (!g || !res) return DP_ERR_ARG;
    if (g->status) return g->status;
    memset(res, 0, sizeof *res);
    if ((st = dp__view_build(g, ch, &v)) != DP_OK) return dp__fail(g, st, "resources: %s building the MCU view", dp_status_str(st));
    if (gr) {
        for (i = 0; i < g->n_nodes; i++) {
            if (gr->size) gr->size[i] = 0.0;
            if (gr->macs) gr->macs[i] = 0.0;
            if (gr->pmu) gr->pmu[i] = 0.0;
            if (gr->pmu_imprecise) gr->pmu_imprecise[i] = 0.0;
        }
    }
    for (k = 0; k < v.nv; k++) {
        int64_t m, b;
        dp__op_cost(g, &v, k, &m, &b, gr ? gr->macs : NULL, gr ? gr->size : NULL);
        res->macs += m; res->size_bytes += b;
    }
    st = dp_sched_plan(&v.sg, NULL, &r);
    if (st != DP_OK && st != DP_ERR_LIMIT) {
        dp__fail(g, st, "scheduler: %s", r.error);
        dp_sched_result_free(&r); dp__view_free(&v);
        return st;
    }
    res->pmu_exact = r.exact ? r.peak_exact : -1;
    res->pmu_imprecise = r.peak_imprecise;
    res->pmu_definition_order = r.peak_definition_order;
    res->arena_bytes = r.arena_size;
    res->dp_states = r.states;
    res->n_ops = r.n_order;
    if (gr && gr->pmu)
        for (k = 0; k < r.n_bottleneck; k++) {
            int t = v.tail[r.bottleneck[k]];
            if (!v.sg.is_input[r.bottleneck[k]]) gr->pmu[t] += (double)g->nodes[t].h * g->nodes[t].w;
        }
    if (gr && gr->pmu_imprecise) {   /* the op whose inputs + output are largest */
        int best = -1, e;
        int64_t top = -1;
        for (k = 0; k < v.nv; k++) {
            int64_t t = v.sg.size[k];
            if (v.sg.is_input[k]) continue;
            for (e = v.sg.in_start[k]; e < v.sg.in_start[k + 1]; e++) t += v.sg.size[v.sg.in_idx[e]];
            if (t > top) { top = t; best = k; }
        }
        for (k = best; k >= 0; k = -1) {
            int t = v.tail[k];
            gr->pmu_imprecise[t] += (double)g->nodes[t].h * g->nodes[t].w;
            for (e = v.sg.in_start[k]; e < v.sg.in_start[k + 1]; e++) {
                int u = v.sg.in_idx[e];
                if (!v.sg.is_input[u]) gr->pmu_imprecise[v.tail[u]] += (double)g->nodes[v.tail[u]].h * g->nodes[v.tail[u]].w;
            }
        }
    }
    if (gr) {
        dp__grad_to_owners(g, gr->size); dp__grad_to_owners(g, gr->macs);
        dp__grad_to_owners(g, gr->pmu); dp__grad_to_owners(g, gr->pmu_imprecise);
    }
    for (k = 0; rep && k < r.n_order && k < n_rep; k++) {
        int vk = r.order[k];
        dp_op_report *o = &rep[k];
        const dp__node *t = &g->nodes[v.tail[vk]];
        dp__op_cost(g, &v, vk, &o->macs, &o->param_bytes, NULL, NULL);
        o->node = v.tail[vk]; o->anchor = v.anchor[vk];
        o->name = g->nodes[v.anchor[vk]].name; o->kind = dp__opdef(g->nodes[v.anchor[vk]].op)->name;
        o->h = t->h; o->w = t->w; o->c = v.cc[v.tail[vk]];
        o->out_bytes = v.sg.size[vk];
        o->working_set = r.step_ws[k];
        o->arena_offset = r.offset[vk];
        o->in_place = r.step_inplace[k] >= 0;
        o->bottleneck = r.step_ws[k] == r.peak_order;
    }
    dp_sched_result_free(&r);
    dp__view_free(&v);
    return st == DP_ERR_LIMIT ? DP_OK : st;
}

int dp_graph_print_resources(dp_graph *g, const int *ch, void *file)
{
    FILE *f = file ? (FILE *)file : stdout;
    dp_resources res;
    dp_op_report *rep;
    int st, k, n = g ? g->n_nodes : 0;
    if (!g) return DP_ERR_ARG;
    rep = (dp_op_report *)DP_CALLOC((size_t)n + 1, sizeof(dp_op_report));
    if (!rep) return dp__fail(g, DP_ERR_NOMEM, "out of memory for the resource table");
    if ((st = dp_graph_resources(g, ch, &res, rep, n, NULL)) != DP_OK) { DP_FREE(rep); return st; }
    fprintf(f, "%-4s %-18s %-8s %-14s %10s %10s %12s %10s %s\n", "step", "op", "kind", "output", "out_B", "params_B", "MACs", "working_B", "");
    for (k = 0; k < res.n_ops; k++) {
        char shp[32];
        snprintf(shp, sizeof shp, "%dx%dx%d", rep[k].h, rep[k].w, rep[k].c);
        fprintf(f, "%-4d %-18s %-8s %-14s %10lld %10lld %12lld %10lld %s%s\n", k, rep[k].name, rep[k].kind, shp,
                (long long)rep[k].out_bytes, (long long)rep[k].param_bytes, (long long)rep[k].macs,
                (long long)rep[k].working_set, rep[k].bottleneck ? "<- bottleneck" : "", rep[k].in_place ? " (in place)" : "");
    }
    fprintf(f, "total: size=%lld B macs=%lld pmu=%lld B (imprecise %lld, definition order %lld) arena=%lld B\n",
            (long long)res.size_bytes, (long long)res.macs, (long long)res.pmu_exact, (long long)res.pmu_imprecise,
            (long long)res.pmu_definition_order, (long long)res.arena_bytes);
    DP_FREE(rep);
    return DP_OK;
}

/* ---------------------------------------------------------------------- */
/* >>prune  channel spaces, compaction, the differentiable pruner          */
/* ---------------------------------------------------------------------- */
static int dp__uf(int *par, int a)
{
    while (par[a] != a) { par[a] = par[par[a]]; a = par[a]; }
    return a;
}

static int dp__is_owner(const dp_graph *g, const dp__node *nd)
{
    (void)g;
    return nd->op == DP_OP_FC || (nd->op == DP_OP_CONV && nd->groups == 1);
}

/* Marks the raw spaces behind node i's channels as unprunable. */
static void dp__fix_rec(const dp_graph *g, const int *sp, unsigned char *fx, int i)
{
    int k;
    if (sp[i] >= 0) { fx[sp[i]] = 1; return; }
    for (k = 0; k < g->nodes[i].n_in; k++) dp__fix_rec(g, sp, fx, g->nodes[i].in[k]);
}

/* Channel spaces. sp[i]: the space (union-find root) of node i's output
   channels, or -1 when they are a composite (concat, flatten of h*w > 1).
   A space is born at the input (fixed) and at each conv/FC; channel-wise
   ops follow their input; Add and channel-multiply unite their inputs'
   spaces. fixed[root] = 1: cannot be pruned (input, the loss's logits,
   grouped convs, composites meeting in an Add). Arrays are [n_nodes]. */
static void dp__spaces(const dp_graph *g, int *sp, int *par, unsigned char *fixed)
{
    int n = g->n_nodes, i, k, ns = 0;
    unsigned char *fx = fixed;
    memset(fx, 0, (size_t)n);
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int x = nd->n_in ? nd->in[0] : -1, comp = 0;
        switch (nd->op) {
        case DP_OP_INPUT: par[ns] = ns; fx[ns] = 1; sp[i] = ns++; break;
        case DP_OP_CONV:
            if (dp__is_dw(g, nd)) sp[i] = sp[x];
            else {
                par[ns] = ns; sp[i] = ns++;
                if (nd->groups > 1) { fx[sp[i]] = 1; dp__fix_rec(g, sp, fx, x); }
            }
            break;
        case DP_OP_FC: par[ns] = ns; sp[i] = ns++; break;
        case DP_OP_ADD: case DP_OP_CMUL:
            for (k = 0; k < nd->n_in; k++) comp |= sp[nd->in[k]] < 0;
            if (comp) { for (k = 0; k < nd->n_in; k++) dp__fix_rec(g, sp, fx, nd->in[k]); sp[i] = -1; }
            else {
                for (k = 1; k < nd->n_in; k++) {
                    int a = dp__uf(par, sp[x]), b = dp__uf(par, sp[nd->in[k]]);
                    if (a != b) par[b] = a;
                }
                sp[i] = sp[x];
            }
            break;
        case DP_OP_CONCAT: sp[i] = -1; break;
        case DP_OP_FLATTEN: sp[i] = g->nodes[x].h * g->nodes[x].w == 1 ? sp[x] : -1; break;
        case DP_OP_SOFTMAX_CE: dp__fix_rec(g, sp, fx, x); sp[i] = -1; break;
        default: sp[i] = x >= 0 ? sp[x] : -1; break;
        }
    }
    for (k = 0; k < ns; k++) if (fx[k]) fx[dp__uf(par, k)] = 1;
    for (i = 0; i < n; i++) if (sp[i] >= 0) sp[i] = dp__uf(par, sp[i]);
}

/* Channels each node keeps, from the masks: in a prunable space channel j
   goes when every mask set on a node of the space has m[j] == 0; other
   nodes follow their input (concat joins, flatten repeats per position).
   kept[i] has nk[i] ascending old channel indices. */
static int dp__kept_from_masks(const dp_graph *g, int **kept, int *nk)
{
    int n = g->n_nodes, i, j, k, st = DP_OK;
    int *sp = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    int *par = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    unsigned char *fixed = (unsigned char *)DP_MALLOC((size_t)n + 1);
    unsigned char **alive = (unsigned char **)DP_CALLOC((size_t)n + 1, sizeof(unsigned char *));
    for (i = 0; i < n; i++) kept[i] = NULL;
    if (!sp || !par || !fixed || !alive) { st = DP_ERR_NOMEM; goto done; }
    dp__spaces(g, sp, par, fixed);
    /* alive[root][j]: some mask keeps j (allocated once a mask is seen) */
    for (i = 0; i < g->mask_n; i++) {
        int r = sp[i], C = g->nodes[i].c;
        if (!g->mask[i] || r < 0 || fixed[r]) continue;
        if (!alive[r] && !(alive[r] = (unsigned char *)DP_CALLOC((size_t)C, 1))) { st = DP_ERR_NOMEM; goto done; }
        for (j = 0; j < C; j++) if (g->mask[i][j] != 0.0f) alive[r][j] = 1;
    }
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int x = nd->n_in ? nd->in[0] : -1, C = nd->c, m = 0;
        if (!(kept[i] = (int *)DP_MALLOC(sizeof(int) * ((size_t)C + 1)))) { st = DP_ERR_NOMEM; goto done; }
        if (sp[i] >= 0 && alive[sp[i]]) {
            for (j = 0; j < C; j++) if (alive[sp[i]][j]) kept[i][m++] = j;
            if (m == 0) kept[i][m++] = 0;      /* never an empty tensor */
        } else if (nd->op == DP_OP_CONCAT) {
            int off = 0;
            for (k = 0; k < nd->n_in; k++) {
                int u = nd->in[k], t;
                for (t = 0; t < nk[u]; t++) kept[i][m++] = off + kept[u][t];
                off += g->nodes[u].c;
            }
        } else if (nd->op == DP_OP_FLATTEN) {
            const dp__node *xn = &g->nodes[x];
            int p, t;
            for (p = 0; p < xn->h * xn->w; p++) for (t = 0; t < nk[x]; t++) kept[i][m++] = p * xn->c + kept[x][t];
        } else if (x >= 0 && sp[i] < 0 && g->nodes[x].c == C && nd->op != DP_OP_SOFTMAX_CE && !dp__is_owner(g, nd)) {
            for (m = 0; m < nk[x]; m++) kept[i][m] = kept[x][m];
        } else {
            for (j = 0; j < C; j++) kept[i][m++] = j;
        }
        nk[i] = m;
    }
done:
    if (alive) for (i = 0; i < n; i++) DP_FREE(alive[i]);
    DP_FREE(alive); DP_FREE(sp); DP_FREE(par); DP_FREE(fixed);
    if (st != DP_OK) for (i = 0; i < n; i++) { DP_FREE(kept[i]); kept[i] = NULL; }
    return st;
}

/* A copy of g keeping channels kept[i] of every node: weights, biases,
   batch-norm statistics, QAT ranges; pmap[new param] = old param index. */
static dp_graph *dp__graph_compact(dp_graph *g, int **kept, const int *nk, size_t **pmap_out)
{
    dp_graph *h = dp_graph_new(g->seed);
    size_t *pmap = NULL, cap = 0;
    int i, t, u, q, *inx = NULL;
    if (!h) return NULL;
    h->rng = g->rng; h->fwd_count = g->fwd_count; h->no_fuse = g->no_fuse;
    h->loss_node = g->loss_node;
    for (i = 0; i < g->n_nodes; i++) {
        const dp__node *nd = &g->nodes[i];
        const dp__node *xn = nd->n_in ? &g->nodes[nd->in[0]] : NULL;
        int x = nd->n_in ? nd->in[0] : 0, id, kk = nd->kh * nd->kw;
        size_t wn = 0, bn = 0, k;
        const float *W = g->params + nd->w_off, *B = g->params + nd->b_off;
        dp__node *n2;
        if ((id = dp__add_node(h, nd->op, nd->name, nd->n_in, nd->in, nd->h, nd->w, nk[i])) < 0) goto fail;
        n2 = &h->nodes[id];
        n2->kh = nd->kh; n2->kw = nd->kw; n2->sh = nd->sh; n2->sw = nd->sw; n2->dh = nd->dh; n2->dw = nd->dw;
        n2->pt = nd->pt; n2->pl = nd->pl; n2->pb = nd->pb; n2->pr = nd->pr;
        n2->groups = nd->groups; n2->has_bias = nd->has_bias; n2->p = nd->p;
        n2->bn_eps = nd->bn_eps; n2->bn_mom = nd->bn_mom;
        if (nd->op == DP_OP_CONV && dp__is_dw(g, nd)) { n2->groups = nk[x]; wn = (size_t)kk * nk[i]; }
        else if (nd->op == DP_OP_CONV) wn = (size_t)nk[i] * kk * (nk[x] / nd->groups);
        else if (nd->op == DP_OP_BN) wn = (size_t)nk[i];
        else if (nd->op == DP_OP_FC) wn = (size_t)nk[i] * xn->h * xn->w * nk[x];
        bn = nd->b_n ? (size_t)nk[i] : 0;
        if (nd->w_n == 0 && nd->b_n == 0) continue;
        if (dp__node_params(h, id, wn, bn) != DP_OK) goto fail;
        if (h->n_params > cap) {
            size_t *pm = (size_t *)DP_REALLOC(pmap, sizeof(size_t) * (h->n_params + 1024));
            if (!pm) goto fail;
            pmap = pm; cap = h->n_params + 1024;
        }
        {
            float *W2 = h->params + h->nodes[id].w_off, *B2 = h->params + h->nodes[id].b_off;
            size_t *PW = pmap + h->nodes[id].w_off, *PB = pmap + h->nodes[id].b_off;
            if (nd->op == DP_OP_CONV && dp__is_dw(g, nd)) {
                for (q = 0; q < kk; q++) for (t = 0; t < nk[i]; t++) PW[(size_t)q * nk[i] + t] = (size_t)q * nd->c + kept[i][t];
            } else if (nd->op == DP_OP_CONV) {
                int cg = xn->c / nd->groups, cg2 = nk[x] / nd->groups;
                for (t = 0; t < nk[i]; t++) for (q = 0; q < kk; q++) for (u = 0; u < cg2; u++)
                    PW[((size_t)t * kk + q) * cg2 + u] = ((size_t)kept[i][t] * kk + q) * cg + (nd->groups == 1 ? kept[x][u] : u);
            } else if (nd->op == DP_OP_BN) {
                for (t = 0; t < nk[i]; t++) PW[t] = (size_t)kept[i][t];
            } else if (nd->op == DP_OP_FC) {
                size_t I = (size_t)xn->h * xn->w * xn->c, I2 = (size_t)xn->h * xn->w * nk[x], e = 0;
                int p;
                DP_FREE(inx);
                if (!(inx = (int *)DP_MALLOC(sizeof(int) * (I2 + 1)))) goto fail;
                for (p = 0; p < xn->h * xn->w; p++) for (u = 0; u < nk[x]; u++) inx[e++] = p * xn->c + kept[x][u];
                for (t = 0; t < nk[i]; t++) for (e = 0; e < I2; e++) PW[(size_t)t * I2 + e] = (size_t)kept[i][t] * I + (size_t)inx[e];
            }
            for (t = 0; t < (int)bn; t++) PB[t] = (size_t)kept[i][t];
            for (k = 0; k < wn; k++) { PW[k] += nd->w_off; W2[k] = g->params[PW[k]]; }
            for (k = 0; k < bn; k++) { PB[k] += nd->b_off; B2[k] = g->params[PB[k]]; }
            (void)W; (void)B;
        }
        if (nd->op == DP_OP_BN) {   /* running mean and variance */
            size_t c2 = (size_t)nk[i];
            if (h->n_state + 2 * c2 > h->cap_state) {
                size_t nc = DP__MAX(h->cap_state * 2, h->n_state + 2 * c2 + 256);
                float *ps = (float *)DP_REALLOC(h->state, nc * sizeof(float));
                if (!ps) goto fail;
                h->state = ps; h->cap_state = nc;
            }
            h->nodes[id].s_off = h->n_state; h->nodes[id].s_n = 2 * c2;
            for (t = 0; t < nk[i]; t++) {
                h->state[h->n_state + t] = g->state[nd->s_off + kept[i][t]];
                h->state[h->n_state + c2 + t] = g->state[nd->s_off + nd->c + kept[i][t]];
            }
            h->n_state += 2 * c2;
        }
    }
    /* masks that are not plain ones survive on the kept channels */
    for (i = 0; i < g->mask_n; i++) {
        float *m2;
        int ones = 1;
        if (!g->mask[i]) continue;
        for (t = 0; t < nk[i]; t++) ones &= g->mask[i][kept[i][t]] == 1.0f;
        if (ones) continue;
        if (!(m2 = (float *)DP_MALLOC(sizeof(float) * ((size_t)nk[i] + 1)))) goto fail;
        for (t = 0; t < nk[i]; t++) m2[t] = g->mask[i][kept[i][t]];
        t = dp_graph_set_mask(h, i, m2);
        DP_FREE(m2);
        if (t != DP_OK) goto fail;
    }
    if (g->params_q) {
        if (dp_graph_set_qat(h, 1) != DP_OK) goto fail;
        memcpy(h->qrange, g->qrange, sizeof(float) * 2 * (size_t)g->n_nodes);
        memcpy(h->qtail, g->qtail, (size_t)g->n_nodes);
        h->qat = g->qat;
    }
    h->in_q_set = g->in_q_set; h->in_q_scale = g->in_q_scale; h->in_q_zp = g->in_q_zp; h->in_q_tail = g->in_q_tail;
    if (h->status) goto fail;
    DP_FREE(inx);
    *pmap_out = pmap;
    return h;
fail:
    DP_FREE(inx); DP_FREE(pmap);
    dp_graph_free(h);
    return NULL;
}

/* Optimiser state follows the parameters into the compacted graph. */
static int dp__optim_remap(dp_optim *o, const size_t *pmap, size_t n2)
{
    float *m = NULL, *v = NULL;
    unsigned char *d = NULL;
    size_t k;
    if (!o) return DP_OK;
    if (o->m && !(m = (float *)DP_MALLOC(sizeof(float) * (n2 + 1)))) goto fail;
    if (o->v && !(v = (float *)DP_MALLOC(sizeof(float) * (n2 + 1)))) goto fail;
    if (o->decay && !(d = (unsigned char *)DP_MALLOC(n2 + 1))) goto fail;
    for (k = 0; k < n2; k++) {
        if (m) m[k] = o->m[pmap[k]];
        if (v) v[k] = o->v[pmap[k]];
        if (d) d[k] = o->decay[pmap[k]];
    }
    DP_FREE(o->m); DP_FREE(o->v); DP_FREE(o->decay);
    o->m = m; o->v = v; o->decay = d; o->n = n2;
    return DP_OK;
fail:
    DP_FREE(m); DP_FREE(v); DP_FREE(d);
    return DP_ERR_NOMEM;
}

dp_graph *dp_graph_compact(dp_graph *g, dp_optim *o, int *status)
{
    int n, i, st, *nk;
    int **kept;
    size_t *pmap = NULL;
    dp_graph *h = NULL;
    if (status) *status = DP_ERR_ARG;
    if (!g || g->status) { if (status && g) *status = g->status; return NULL; }
    n = g->n_nodes;
    kept = (int **)DP_CALLOC((size_t)n + 1, sizeof(int *));
    nk = (int *)DP_CALLOC((size_t)n + 1, sizeof(int));
    st = kept && nk ? dp__kept_from_masks(g, kept, nk) : DP_ERR_NOMEM;
    if (st == DP_OK) {
        h = dp__graph_compact(g, kept, nk, &pmap);
        st = h ? DP_OK : DP_ERR_NOMEM;
    }
    if (st == DP_OK && o && o->n == g->n_params && (st = dp__optim_remap(o, pmap, h->n_params)) != DP_OK) {
        dp_graph_free(h); h = NULL;
    }
    for (i = 0; kept && i < n; i++) DP_FREE(kept[i]);
    DP_FREE(kept); DP_FREE(nk); DP_FREE(pmap);
    if (status) *status = st;
    return h;
}

/* ---- the pruner ---- */
typedef struct dp__pgroup {
    int C0, C, keep;
    double theta, pi;
    int n_own, n_mp;
    int *own, *mp;            /* width-owning layers; mask points          */
    float *mask, *sal;        /* [C]                                       */
    unsigned char *cut;       /* [C] masked once: never unmasked again     */
    double *dldm;             /* [C]                                       */
    double g_res, g_tsk;      /* last update's gradients w.r.t. pi         */
    char name[48];            /* the first owner's name                    */
} dp__pgroup;

typedef struct dp__plog {
    long step; int obj;       /* 0 pmu, 1 size, 2 macs, 3 sum, -1 none     */
    double p_res, p_tsk;
    int64_t pmu, pmu_imp, size, macs;
} dp__plog;

struct dp_pruner {
    dp_prune_cfg cfg;
    int n_nodes, ng;
    dp__pgroup *gr;
    int *grp;                 /* [n_nodes] group owning node's width, -1   */
    int n_cmp, *cmp;          /* mask points on composite channels (after a
                                 concat): channel c is channel cmp_ch[c] of
                                 group cmp_grp[c] (-1: not prunable)       */
    int **cmp_grp, **cmp_ch;
    int *ch;                  /* [n_nodes] channel counts for resources    */
    double *gbuf;             /* [4 n_nodes] resource gradients            */
    double alpha_res, alpha_tsk;
    int started, met, frozen, compacted;
    dp_rng rng;
    dp_resources r0, rmin;
    dp__plog *log;
    int *logw, log_n, log_cap;
    float *tmp;               /* [max C] scratch for the percentile        */
    double pace;              /* >>widths: the paced target (0: off)       */
};

static const char *const dp__obj_names[4] = { "pmu", "size", "macs", "sum" };

double dp_prune_eq9(const float *s, const double *dldm, int C, double s0)
{
    double num = 0.0, den = 0.0;
    int j;
    for (j = 0; j < C; j++) {
        double sj = s[j] > 1e-30f ? (double)s[j] : 1e-30, d = sj / ((sj + s0) * (sj + s0));  /* -dM/ds0 */
        num += dldm[j] * d; den += d;
    }
    return den > 0.0 ? (double)C * num / den : 0.0;
}

double dp_prune_relaxed_threshold(const float *s, int C, double pi)
{
    double lo = INFINITY, hi = -INFINITY, a, b;
    int j, it;
    if (C <= 0 || !(pi > 0.0 && pi < 1.0)) return pi >= 1.0 ? 0.0 : INFINITY;
    for (j = 0; j < C; j++) {
        double l = log(s[j] > 1e-30f ? (double)s[j] : 1e-30);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
    }
    a = lo - 60.0; b = hi + 60.0;      /* mean M(s, e^a) ~ 1 > pi > mean M(s, e^b) ~ 0 */
    for (it = 0; it < 200; it++) {
        double mid = 0.5 * (a + b), s0 = exp(mid), m = 0.0;
        for (j = 0; j < C; j++) { double sj = s[j] > 1e-30f ? (double)s[j] : 1e-30; m += sj / (sj + s0); }
        if (m / C > pi) a = mid; else b = mid;
    }
    return exp(0.5 * (a + b));
}

/* The pi-th percentile of the saliences (Algorithm 1's threshold). */
static double dp__percentile(const float *s, int C, double pi, float *tmp)
{
    int i, j, lo;
    double q;
    for (i = 0; i < C; i++) {     /* insertion sort, ascending */
        float v = s[i];
        for (j = i; j > 0 && tmp[j - 1] > v; j--) tmp[j] = tmp[j - 1];
        tmp[j] = v;
    }
    q = (1.0 - pi) * (C - 1);
    if (q < 0.0) q = 0.0;
    lo = (int)q;
    if (lo >= C - 1) return tmp[C - 1];
    return tmp[lo] + (q - lo) * (tmp[lo + 1] - tmp[lo]);
}

/* The node after i in a conv/FC -> BN -> activation chain, or -1. */
static int dp__sole_reader(const dp_graph *g, const int *ncons, int i)
{
    int k;
    if (ncons[i] != 1) return -1;
    for (k = i + 1; k < g->n_nodes; k++) if (g->nodes[k].n_in && g->nodes[k].in[0] == i) return k;
    return -1;
}
static int dp__chain_tail(const dp_graph *g, const int *ncons, int i)
{
    int r;
    if ((g->nodes[i].op == DP_OP_CONV || g->nodes[i].op == DP_OP_FC) && (r = dp__sole_reader(g, ncons, i)) >= 0
        && g->nodes[r].op == DP_OP_BN) i = r;
    if (g->nodes[i].op != DP_OP_SIGMOID && (r = dp__sole_reader(g, ncons, i)) >= 0 && dp__fusable_act(g->nodes[r].op)
        && g->nodes[r].n_in == 1) i = r;
    return i;
}

/* Saliences of group k: per owner |gamma| of its batch norm, else the L2
   norm of each output channel's weights; the group takes the maximum
   (owners of different kinds are first divided by their mean). */
static void dp__prune_salience(dp_pruner *p, const dp_graph *g, const int *ncons, int k)
{
    dp__pgroup *G = &p->gr[k];
    int o, j, C = G->C, kinds = 0;
    for (o = 0; o < G->n_own; o++) {
        int r = dp__sole_reader(g, ncons, G->own[o]);
        kinds |= (r >= 0 && g->nodes[r].op == DP_OP_BN) ? 1 : 2;
    }
    for (j = 0; j < C; j++) G->sal[j] = 0.0f;
    for (o = 0; o < G->n_own; o++) {
        const dp__node *nd = &g->nodes[G->own[o]];
        int r = dp__sole_reader(g, ncons, G->own[o]);
        double mean = 0.0;
        float *tmp = p->tmp;
        for (j = 0; j < C; j++) {
            double v = 0.0;
            if (r >= 0 && g->nodes[r].op == DP_OP_BN) v = fabs((double)g->params[g->nodes[r].w_off + j]);
            else {
                size_t per = nd->w_n / (size_t)nd->c, e;
                const float *w = g->params + nd->w_off + (size_t)j * per;
                for (e = 0; e < per; e++) v += (double)w[e] * w[e];
                v = sqrt(v);
            }
            tmp[j] = (float)v; mean += v;
        }
        mean /= C;
        for (j = 0; j < C; j++) {
            float v = kinds == 3 && mean > 0.0 ? (float)(tmp[j] / mean) : tmp[j];
            if (v > G->sal[j]) G->sal[j] = v;
        }
    }
    for (j = 0; j < C; j++) if (!(G->sal[j] > 1e-20f)) G->sal[j] = 1e-20f;
}

static int *dp__ncons(const dp_graph *g)
{
    int *nc = (int *)DP_CALLOC((size_t)g->n_nodes + 1, sizeof(int)), i, k;
    for (i = 0; nc && i < g->n_nodes; i++) for (k = 0; k < g->nodes[i].n_in; k++) nc[g->nodes[i].in[k]]++;
    return nc;
}

/* For each channel of node i: the group and channel it comes from. */
static void dp__chan_src(const dp_graph *g, const int *grp, const int *sp, int i, int *go, int *co)
{
    const dp__node *nd = &g->nodes[i];
    int j, k, off = 0;
    if (sp[i] >= 0) { for (j = 0; j < nd->c; j++) { go[j] = grp[i]; co[j] = j; } return; }
    if (nd->op == DP_OP_CONCAT) {
        for (k = 0; k < nd->n_in; k++) { dp__chan_src(g, grp, sp, nd->in[k], go + off, co + off); off += g->nodes[nd->in[k]].c; }
    } else if (nd->op == DP_OP_FLATTEN) {
        int x = nd->in[0], cx = g->nodes[x].c, q;
        dp__chan_src(g, grp, sp, x, go, co);
        for (q = 1; q < g->nodes[x].h * g->nodes[x].w; q++)
            for (j = 0; j < cx; j++) { go[q * cx + j] = go[j]; co[q * cx + j] = co[j]; }
    } else if (nd->n_in && g->nodes[nd->in[0]].c == nd->c && nd->op != DP_OP_ADD && nd->op != DP_OP_CMUL) {
        dp__chan_src(g, grp, sp, nd->in[0], go, co);
    } else {
        for (j = 0; j < nd->c; j++) { go[j] = -1; co[j] = j; }
    }
}

/* MASK of Algorithm 1 for every group: keep the `keep` most salient. */
static int dp__prune_masks(dp_pruner *p, dp_graph *g)
{
    int k, j, m, st = DP_OK, *nc = dp__ncons(g);
    if (!nc) return DP_ERR_NOMEM;
    for (k = 0; k < p->ng && st == DP_OK; k++) {
        dp__pgroup *G = &p->gr[k];
        dp__prune_salience(p, g, nc, k);
        for (j = 0; j < G->C; j++) {      /* rank among the channels not cut: more salience, ties by index */
            int above = 0, i;
            for (i = 0; i < G->C; i++) above += !G->cut[i] && (G->sal[i] > G->sal[j] || (G->sal[i] == G->sal[j] && i < j));
            G->mask[j] = !G->cut[j] && above < G->keep ? 1.0f : 0.0f;
        }
        /* the mask rule: a channel masked once stays masked (its weights
           went stale while it was cut); keep only shrinks, so the channels
           not cut always number at least keep */
        for (j = 0; j < G->C; j++) if (G->mask[j] == 0.0f) G->cut[j] = 1;
        for (m = 0; m < G->n_mp && st == DP_OK; m++) st = dp_graph_set_mask(g, G->mp[m], G->mask);
    }
    DP_FREE(nc);
    for (k = 0; k < p->n_cmp && st == DP_OK; k++) {
        int t = p->cmp[k], C = g->nodes[t].c;
        float *mk = (float *)DP_MALLOC(sizeof(float) * ((size_t)C + 1));
        if (!mk) return DP_ERR_NOMEM;
        for (j = 0; j < C; j++) mk[j] = p->cmp_grp[k][j] >= 0 ? p->gr[p->cmp_grp[k][j]].mask[p->cmp_ch[k][j]] : 1.0f;
        st = dp_graph_set_mask(g, t, mk);
        DP_FREE(mk);
    }
    return st;
}

static void dp__pgroups_free(dp_pruner *p)
{
    int k;
    for (k = 0; p->gr && k < p->ng; k++) {
        dp__pgroup *G = &p->gr[k];
        DP_FREE(G->own); DP_FREE(G->mp); DP_FREE(G->mask); DP_FREE(G->sal); DP_FREE(G->cut); DP_FREE(G->dldm);
    }
    DP_FREE(p->gr); p->gr = NULL; p->ng = 0;
}

void dp_pruner_free(dp_pruner *p)
{
    int k;
    if (!p) return;
    dp__pgroups_free(p);
    for (k = 0; k < p->n_cmp; k++) { DP_FREE(p->cmp_grp[k]); DP_FREE(p->cmp_ch[k]); }
    DP_FREE(p->cmp); DP_FREE(p->cmp_grp); DP_FREE(p->cmp_ch);
    DP_FREE(p->grp); DP_FREE(p->ch); DP_FREE(p->gbuf); DP_FREE(p->log); DP_FREE(p->logw); DP_FREE(p->tmp);
    DP_FREE(p);
}

int dp_pruner_met(const dp_pruner *p) { return p ? p->met : 0; }
int dp_pruner_n_groups(const dp_pruner *p) { return p ? p->ng : 0; }

int dp_pruner_group(const dp_pruner *p, int i, const char **name, int *w0, int *w, double *pi)
{
    if (!p || i < 0 || i >= p->ng) return DP_ERR_ARG;
    if (name) *name = p->gr[i].name;
    if (w0) *w0 = p->gr[i].C0;
    if (w) *w = p->gr[i].keep;
    if (pi) *pi = p->gr[i].pi;
    return DP_OK;
}

/* Resources at the current widths; gradients into gbuf when grads. */
static int dp__prune_res(dp_pruner *p, dp_graph *g, dp_resources *res, int grads)
{
    dp_resource_grads gr;
    int k, o, n = p->n_nodes, st;
    for (k = 0; k < n; k++) p->ch[k] = 0;
    if (!p->compacted)
        for (k = 0; k < p->ng; k++) for (o = 0; o < p->gr[k].n_own; o++) p->ch[p->gr[k].own[o]] = p->gr[k].keep;
    memset(&gr, 0, sizeof gr);
    gr.size = p->gbuf; gr.macs = p->gbuf + n; gr.pmu = p->gbuf + 2 * n; gr.pmu_imprecise = p->gbuf + 3 * n;
    st = dp_graph_resources(g, p->ch, res, NULL, 0, grads ? &gr : NULL);
    if (st == DP_OK && res->pmu_exact < 0) res->pmu_exact = res->arena_bytes;   /* DP state limit: an upper bound */
    return st;
}

static void dp__prune_values(const dp_pruner *p, const dp_resources *r, double *R, int64_t *B, int *active)
{
    R[0] = (double)(p->cfg.pmu_objective == DP_PMU_IMPRECISE ? r->pmu_imprecise : r->pmu_exact);
    R[1] = (double)r->size_bytes; R[2] = (double)r->macs;
    B[0] = p->cfg.budget_pmu; B[1] = p->cfg.budget_size; B[2] = p->cfg.budget_macs;
    active[0] = B[0] > 0 && p->cfg.pmu_objective != DP_PMU_NONE;
    active[1] = B[1] > 0; active[2] = B[2] > 0;
}

/* dp_pruner_new's parts: the groups (one per prunable channel space with
   a width owner) with their owners and mask points; the mask points on
   composite channels; the budgets against one channel per group. */
static int dp__prune_find_groups(dp_pruner *p, dp_graph *g, const int *sp, const unsigned char *fixed, int *gid, const int *nc)
{
    int n = g->n_nodes, i, k;
    /* a group per prunable space with a width owner and at least 2 channels */
    for (i = 0; i < n; i++) gid[i] = -1;
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int r = sp[i];
        p->grp[i] = -1;
        if (r < 0 || fixed[r] || nd->c < 2) continue;
        if (gid[r] < 0 && dp__is_owner(g, nd)) gid[r] = p->ng++;
    }
    for (i = 0; i < n; i++) if (sp[i] >= 0 && gid[sp[i]] >= 0) p->grp[i] = gid[sp[i]];
    for (k = 0; k < p->ng; k++) {
        dp__pgroup *G = &p->gr[k];
        int C = -1;
        for (i = 0; i < n; i++) if (p->grp[i] == k) { C = g->nodes[i].c; break; }
        G->C0 = G->C = G->keep = C; G->pi = 1.0; G->theta = 0.0;
        G->own = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
        G->mp = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
        G->mask = (float *)DP_MALLOC(sizeof(float) * ((size_t)C + 1));
        G->sal = (float *)DP_MALLOC(sizeof(float) * ((size_t)C + 1));
        G->dldm = (double *)DP_CALLOC((size_t)C + 1, sizeof(double));
        G->cut = (unsigned char *)DP_CALLOC((size_t)C + 1, 1);
        if (!G->own || !G->mp || !G->mask || !G->sal || !G->dldm || !G->cut) return DP_ERR_NOMEM;
        for (i = 0; i < C; i++) G->mask[i] = 1.0f;
    }
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int k2 = p->grp[i], t, m, dup = 0;
        if (k2 < 0) continue;
        if (dp__is_owner(g, nd)) {
            if (!p->gr[k2].n_own) snprintf(p->gr[k2].name, sizeof p->gr[k2].name, "%s", nd->name);
            p->gr[k2].own[p->gr[k2].n_own++] = i;
        }
        if (!(nd->op == DP_OP_CONV || nd->op == DP_OP_FC || nd->op == DP_OP_BN || nd->op == DP_OP_SIGMOID)) continue;
        t = dp__chain_tail(g, nc, i);
        for (m = 0; m < p->gr[k2].n_mp; m++) dup |= p->gr[k2].mp[m] == t;
        if (!dup) p->gr[k2].mp[p->gr[k2].n_mp++] = t;
    }
    return DP_OK;
}

static int dp__prune_find_composite(dp_pruner *p, dp_graph *g, const int *sp, const int *nc)
{
    int n = g->n_nodes, i;
    /* composite mask points: depthwise convs, batch norms and sigmoids
       after a concat, whose channels come from several groups */
    p->cmp = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    p->cmp_grp = (int **)DP_CALLOC((size_t)n + 1, sizeof(int *));
    p->cmp_ch = (int **)DP_CALLOC((size_t)n + 1, sizeof(int *));
    if (!p->cmp || !p->cmp_grp || !p->cmp_ch) return DP_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        const dp__node *nd = &g->nodes[i];
        int t, m, any = 0, dup = 0, *go, *co;
        if (sp[i] >= 0 || !(nd->op == DP_OP_CONV || nd->op == DP_OP_BN || nd->op == DP_OP_SIGMOID)) continue;
        t = dp__chain_tail(g, nc, i);
        for (m = 0; m < p->n_cmp; m++) dup |= p->cmp[m] == t;
        if (dup) continue;
        go = (int *)DP_MALLOC(sizeof(int) * ((size_t)g->nodes[t].c + 1));
        co = (int *)DP_MALLOC(sizeof(int) * ((size_t)g->nodes[t].c + 1));
        if (!go || !co) { DP_FREE(go); DP_FREE(co); return DP_ERR_NOMEM; }
        dp__chan_src(g, p->grp, sp, t, go, co);
        for (m = 0; m < g->nodes[t].c; m++) any |= go[m] >= 0;
        if (!any) { DP_FREE(go); DP_FREE(co); continue; }
        p->cmp[p->n_cmp] = t; p->cmp_grp[p->n_cmp] = go; p->cmp_ch[p->n_cmp] = co; p->n_cmp++;
    }
    return DP_OK;
}

static int dp__prune_check_budgets(dp_pruner *p, dp_graph *g, char *err, size_t cap)
{
    int k, st;
    /* resources now and at one channel per group: impossible budgets go */
    if ((st = dp__prune_res(p, g, &p->r0, 0)) != DP_OK) { dp__seterr(err, cap, "resources: %s", g->err); return st; }
    for (k = 0; k < p->ng; k++) p->gr[k].keep = 1;
    st = dp__prune_res(p, g, &p->rmin, 0);
    for (k = 0; k < p->ng; k++) p->gr[k].keep = p->gr[k].C;
    if (st != DP_OK) { dp__seterr(err, cap, "resources: %s", g->err); return st; }
    {
        double Rm[3];
        int64_t B[3];
        int act[3], o;
        static const char *const what[3] = { "peak memory", "model size", "MACs" };
        static const char *const unit[3] = { " B", " B", "" };
        dp__prune_values(p, &p->rmin, Rm, B, act);
        for (o = 0; o < 3; o++) {
            if (!act[o] || Rm[o] <= (double)B[o]) continue;
            dp__seterr(err, cap, "impossible budget: %s %lld%s is below the smallest achievable %.0f%s "
                       "(one channel in each of the %d prunable layer groups; unprunable: input, logits, grouped convs)",
                       what[o], (long long)B[o], unit[o], Rm[o], unit[o], p->ng);
            return DP_ERR_BUDGET;
        }
    }
    return DP_OK;
}

dp_pruner *dp_pruner_new(dp_graph *g, const dp_prune_cfg *cfg, int *status, char *err, size_t cap)
{
    dp_pruner *p = NULL;
    int n, i, k, st = DP_ERR_NOMEM, *sp = NULL, *par = NULL, *nc = NULL, *gid = NULL;
    unsigned char *fixed = NULL;
    if (status) *status = DP_ERR_ARG;
    if (!g || g->status || g->n_nodes == 0) { dp__seterr(err, cap, "%s", g ? (g->status ? g->err : "empty graph") : "no graph"); return NULL; }
    n = g->n_nodes;
    p = (dp_pruner *)DP_CALLOC(1, sizeof(dp_pruner));
    if (!p) goto fail;
    if (cfg) p->cfg = *cfg;
    if (p->cfg.r <= 0.0f) p->cfg.r = 2.0f / 3.0f;
    if (p->cfg.eta <= 0.0f) p->cfg.eta = 1.0f;
    if (p->cfg.clip <= 0.0f) p->cfg.clip = 0.025f;
    if (p->cfg.every <= 0) p->cfg.every = 20;
    if (p->cfg.losses < 0 || p->cfg.losses > 2 || p->cfg.pmu_objective < 0 || p->cfg.pmu_objective > 2 ||
        p->cfg.scalarise < 0 || p->cfg.scalarise > 1 || p->cfg.task_signal < 0 || p->cfg.task_signal > 1 || p->cfg.budget_pmu < 0 || p->cfg.budget_size < 0 || p->cfg.budget_macs < 0) {
        dp__seterr(err, cap, "pruner: a setting is out of range (losses, pmu_objective, scalarise or a negative budget)");
        st = DP_ERR_ARG; goto fail;
    }
    dp_rng_seed(&p->rng, p->cfg.seed ? p->cfg.seed : 1);
    p->n_nodes = n;
    p->grp = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    p->ch = (int *)DP_CALLOC((size_t)n + 1, sizeof(int));
    p->gbuf = (double *)DP_CALLOC(4 * (size_t)n + 1, sizeof(double));
    sp = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    par = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    gid = (int *)DP_MALLOC(sizeof(int) * ((size_t)n + 1));
    fixed = (unsigned char *)DP_MALLOC((size_t)n + 1);
    nc = dp__ncons(g);
    p->gr = (dp__pgroup *)DP_CALLOC((size_t)n + 1, sizeof(dp__pgroup));
    for (i = 0, k = 1; i < n; i++) if (g->nodes[i].c > k) k = g->nodes[i].c;
    p->tmp = (float *)DP_MALLOC(sizeof(float) * ((size_t)k + 1));
    if (!p->grp || !p->ch || !p->gbuf || !sp || !par || !gid || !fixed || !nc || !p->gr || !p->tmp) goto fail;
    dp__spaces(g, sp, par, fixed);
    if ((st = dp__prune_find_groups(p, g, sp, fixed, gid, nc)) != DP_OK ||
        (st = dp__prune_find_composite(p, g, sp, nc)) != DP_OK) goto fail;
    if ((st = dp__prune_check_budgets(p, g, err, cap)) != DP_OK) goto fail;
    if ((st = dp__prune_masks(p, g)) != DP_OK) { dp__seterr(err, cap, "out of memory"); goto fail; }
    DP_FREE(sp); DP_FREE(par); DP_FREE(gid); DP_FREE(fixed); DP_FREE(nc);
    if (status) *status = DP_OK;
    return p;
fail:
    if (st == DP_ERR_NOMEM) dp__seterr(err, cap, "out of memory");
    if (status) *status = st;
    DP_FREE(sp); DP_FREE(par); DP_FREE(gid); DP_FREE(fixed); DP_FREE(nc);
    dp_pruner_free(p);
    return NULL;
}

/* dP_TSK/dM for every group: mean loss over the held-out samples, with
   the mask gradients of all the group's mask points summed. */
static int dp__prune_task(dp_pruner *p, dp_graph *g, const float *xv, const int *yv, int nv, double *loss)
{
    size_t per = (size_t)g->nodes[0].h * g->nodes[0].w * g->nodes[0].c;
    int chunks = (nv + 127) / 128, c, k, m, j, st = DP_OK, done = 0;
    double L = 0.0;
    *loss = 0.0;
    if (nv <= 0 || !xv || !yv) return DP_ERR_ARG;
    dp_graph_clear_mask_grad(g);
    dp_graph_mask_grad(g, 1);
    for (c = 0; c < chunks && st == DP_OK; c++) {
        int a = (int)((long)nv * c / chunks), b = (int)((long)nv * (c + 1) / chunks);
        if ((st = dp_graph_set_labels(g, yv + a, b - a)) != DP_OK) break;    /* before: forward computes the loss */
        if ((st = dp_graph_forward(g, xv + per * (size_t)a, b - a, DP_EVAL)) != DP_OK) break;
        if (!(g->loss - g->loss == 0.0f)) { st = DP_ERR_NAN; snprintf(g->err, sizeof g->err, "pruner: the held-out loss is not finite"); break; }
        if ((st = dp_graph_backward(g)) != DP_OK) break;
        L += (double)g->loss * (b - a); done += b - a;
    }
    dp_graph_mask_grad(g, 0);
    if (st != DP_OK) return st;
    *loss = L / done;
    for (k = 0; k < p->ng; k++) {
        dp__pgroup *G = &p->gr[k];
        for (j = 0; j < G->C; j++) G->dldm[j] = 0.0;
        for (m = 0; m < G->n_mp; m++) {
            const double *gm = dp_graph_get_mask_grad(g, G->mp[m]);
            for (j = 0; gm && j < G->C; j++) G->dldm[j] += gm[j] / chunks;
        }
    }
    for (k = 0; k < p->n_cmp; k++) {
        const double *gm = dp_graph_get_mask_grad(g, p->cmp[k]);
        for (j = 0; gm && j < g->nodes[p->cmp[k]].c; j++)
            if (p->cmp_grp[k][j] >= 0) p->gr[p->cmp_grp[k][j]].dldm[p->cmp_ch[k][j]] += gm[j] / chunks;
    }
    return DP_OK;
}

static int dp__prune_log(dp_pruner *p, long step, int obj, double p_res, double p_tsk, const dp_resources *r)
{
    dp__plog *e;
    int k;
    if (p->log_n == p->log_cap) {
        int cap = p->log_cap ? 2 * p->log_cap : 64;
        dp__plog *l = (dp__plog *)DP_REALLOC(p->log, sizeof(dp__plog) * (size_t)cap);
        int *w;
        if (!l) return DP_ERR_NOMEM;
        p->log = l;
        w = (int *)DP_REALLOC(p->logw, sizeof(int) * (size_t)cap * (size_t)(p->ng + 1));
        if (!w) return DP_ERR_NOMEM;
        p->logw = w; p->log_cap = cap;
    }
    e = &p->log[p->log_n];
    e->step = step; e->obj = obj; e->p_res = p_res; e->p_tsk = p_tsk;
    e->pmu = r->pmu_exact; e->pmu_imp = r->pmu_imprecise; e->size = r->size_bytes; e->macs = r->macs;
    for (k = 0; k < p->ng; k++) p->logw[(size_t)p->log_n * (p->ng + 1) + k] = p->gr[k].keep;
    p->log_n++;
    return DP_OK;
}

static int dp__prune_paced(dp_pruner *p, dp_graph *g, const dp_resources *now);   /* >>widths */

int dp_pruner_update(dp_pruner *p, dp_graph *g, const float *xv, const int *yv, int nv, long step)
{
    dp_resources res;
    double R[3], ptsk = 0.0, pres = 0.0, *gd;
    int64_t B[3];
    int act[3], viol[3], o, k, obj = -1, st, n;
    if (!p || !g) return DP_ERR_ARG;
    if (g->n_nodes != p->n_nodes) return dp__fail(g, DP_ERR_ARG, "pruner: this is not the graph the pruner was made for");
    if (p->frozen) return DP_OK;
    n = p->n_nodes; gd = p->gbuf;
    if (!p->met) {
        if ((st = dp__prune_res(p, g, &res, 1)) != DP_OK) return st;
        dp__prune_values(p, &res, R, B, act);
        for (o = 0; o < 3; o++) viol[o] = act[o] && R[o] > (double)B[o];
        if (!viol[0] && !viol[1] && !viol[2]) {
            p->met = 1;
            if (nv > 0 && p->cfg.losses != DP_PRUNE_RES_ONLY && (st = dp__prune_task(p, g, xv, yv, nv, &ptsk)) != DP_OK) return st;
            if ((st = dp__prune_log(p, step, -1, 0.0, ptsk, &res)) != DP_OK) return st;
            return dp__prune_masks(p, g);
        }
        if (p->cfg.losses != DP_PRUNE_RES_ONLY || nv > 0) {
            if (nv <= 0) return dp__fail(g, DP_ERR_ARG, "pruner: the task loss needs held-out samples");
            if ((st = dp__prune_task(p, g, xv, yv, nv, &ptsk)) != DP_OK) return st;
        }
        /* P_RES and its gradient w.r.t. every group's pi (Eq. 2) */
        if (p->cfg.scalarise == DP_SCALARISE_SUM) {
            obj = 3;
            for (o = 0; o < 3; o++) if (viol[o]) pres += R[o] / (double)B[o] - 1.0;
        } else {
            double best = -1.0;
            for (o = 0; o < 3; o++) {
                double u, lam;
                if (!viol[o]) continue;
                u = (double)dp_rng_uniform(&p->rng);
                lam = 1.0 / (u > 1e-12 ? u : 1e-12);
                if (lam * R[o] / (double)B[o] > best) { best = lam * R[o] / (double)B[o]; obj = o; }
            }
            pres = R[obj] / (double)B[obj] - 1.0;
        }
        for (k = 0; k < p->ng; k++) {
            dp__pgroup *G = &p->gr[k];
            int m;
            G->g_res = 0.0;
            for (o = 0; o < 3; o++) {
                double d = 0.0;
                const double *src;
                if (!(obj == 3 ? viol[o] : o == obj)) continue;
                src = o == 1 ? gd : o == 2 ? gd + n : (p->cfg.pmu_objective == DP_PMU_IMPRECISE ? gd + 3 * n : gd + 2 * n);
                for (m = 0; m < G->n_own; m++) d += src[G->own[m]];
                G->g_res += d * G->C / (double)B[o];
            }
            G->g_tsk = 0.0;
            if (p->cfg.losses != DP_PRUNE_RES_ONLY && p->cfg.task_signal == DP_TASK_PUSHBACK) {
                int j;    /* >>widths: -Eq. 9 of |dL/dM| */
                for (j = 0; j < G->C; j++) G->dldm[j] = fabs(G->dldm[j]);
                G->g_tsk = -dp_prune_eq9(G->sal, G->dldm, G->C, dp__percentile(G->sal, G->C, G->pi, p->tmp));
            } else if (p->cfg.losses != DP_PRUNE_RES_ONLY)
                G->g_tsk = dp_prune_eq9(G->sal, G->dldm, G->C, dp__percentile(G->sal, G->C, G->pi, p->tmp));
        }
        if (!p->started) {     /* alpha from the first gradients and losses */
            double mr = 0.0, mt = 0.0, p0 = 0.0;
            for (k = 0; k < p->ng; k++) {
                if (p->gr[k].pi * p->gr[k].g_res > mr) mr = p->gr[k].pi * p->gr[k].g_res;
                if (fabs(p->gr[k].pi * p->gr[k].g_tsk) > mt) mt = fabs(p->gr[k].pi * p->gr[k].g_tsk);
            }
            for (o = 0; o < 3; o++) if (viol[o] && R[o] / (double)B[o] - 1.0 > p0) p0 = R[o] / (double)B[o] - 1.0;
            p->alpha_res = p->cfg.alpha_res > 0.0f ? p->cfg.alpha_res : (mr > 0.0 ? p->cfg.clip / mr : 1.0);
            if (p->cfg.alpha_tsk > 0.0f) p->alpha_tsk = p->cfg.alpha_tsk;
            else if (p->cfg.losses == DP_PRUNE_TASK_ONLY) p->alpha_tsk = mt > 0.0 ? p->cfg.clip / mt : 1.0;
            else if (p->cfg.task_signal == DP_TASK_PUSHBACK)    /* the strongest push back: r x the strongest resource push */
                p->alpha_tsk = mt > 0.0 ? p->cfg.r * mr / mt * p->alpha_res : 0.0;
            else p->alpha_tsk = ptsk > 0.0 ? p->cfg.r * p0 / ptsk * p->alpha_res : 0.0;
            p->started = 1;
        }
        for (k = 0; k < p->ng; k++) {     /* WIDTHUPDATE: clipped SGD on theta */
            dp__pgroup *G = &p->gr[k];
            double gres = p->cfg.losses == DP_PRUNE_TASK_ONLY ? 0.0 : G->g_res;
            double gt = p->cfg.losses == DP_PRUNE_RES_ONLY ? 0.0 : G->g_tsk, d, floor_t;
            if (p->pace > 0.0) continue;              /* paced: dp__prune_paced moves theta */
            if (p->cfg.losses != DP_PRUNE_TASK_ONLY && !p->cfg.no_focus && !(gres > 0.0)) continue;
            d = G->pi * (p->alpha_res * gres + p->alpha_tsk * gt);
            if (!(d > 0.0)) continue;                 /* also drops NaN */
            if (d >= p->cfg.clip) d = p->cfg.clip * (1.0 - 1e-9);
            /* a large eta (a driver hurrying to a deadline) still moves a
               layer by at most ~10% per update, so budgets are not overshot */
            G->theta -= DP__MIN(p->cfg.eta * d, 0.1);
            floor_t = log(1.0 / G->C);
            if (G->theta < floor_t) G->theta = floor_t;
            G->pi = exp(G->theta);
            G->keep = (int)floor(G->pi * G->C + 1e-9);
            if (G->keep < 1) G->keep = 1;
            if (G->keep > G->C) G->keep = G->C;
        }
        if (p->pace > 0.0 && (st = dp__prune_paced(p, g, &res)) != DP_OK) return st;
        if ((st = dp__prune_log(p, step, obj, pres, ptsk, &res)) != DP_OK) return st;
    }
    return dp__prune_masks(p, g);
}

int dp_pruner_freeze(dp_pruner *p)
{
    if (!p) return DP_ERR_ARG;
    p->frozen = 1;
    return DP_OK;
}

int dp_pruner_resources(dp_pruner *p, dp_graph *g, dp_resources *res)
{
    if (!p || !g || !res) return DP_ERR_ARG;
    return dp__prune_res(p, g, res, 0);
}

int dp_pruner_compact(dp_pruner *p, dp_graph **gp, dp_optim *o)
{
    dp_graph *h;
    int st, k, m;
    if (!p || !gp || !*gp) return DP_ERR_ARG;
    if (p->compacted) return DP_OK;
    if ((*gp)->n_nodes != p->n_nodes) return dp__fail(*gp, DP_ERR_ARG, "pruner: this is not the graph the pruner was made for");
    if ((st = dp__prune_masks(p, *gp)) != DP_OK) return st;   /* masks as of now */
    p->frozen = 1;
    if (!(h = dp_graph_compact(*gp, o, &st))) return st;
    /* the pruner's masks are all ones now: the channels they cut are gone */
    for (k = 0; k < p->ng; k++) {
        dp__pgroup *G = &p->gr[k];
        for (m = 0; m < G->n_mp; m++) dp_graph_set_mask(h, G->mp[m], NULL);
        G->C = G->keep;
        for (m = 0; m < G->C; m++) { G->mask[m] = 1.0f; G->cut[m] = 0; }
    }
    for (k = 0; k < p->n_cmp; k++) { DP_FREE(p->cmp_grp[k]); DP_FREE(p->cmp_ch[k]); }
    p->n_cmp = 0;     /* their channel indices belong to the old graph */
    dp_graph_free(*gp);
    *gp = h;
    p->compacted = 1;
    return DP_OK;
}

/* appends printf output to a growing buffer */
typedef struct dp__sbuf { char *p; size_t n, cap; int oom; } dp__sbuf;
static void dp__sbuf_printf(dp__sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int need;
    if (b->oom) return;
    va_start(ap, fmt);
    need = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (need < 0) { b->oom = 1; return; }
    if (!b->p || b->n + (size_t)need + 1 > b->cap) {
        size_t cap = DP__MAX(2 * b->cap, b->n + (size_t)need + 4096);
        char *q = (char *)DP_REALLOC(b->p, cap);
        if (!q) { b->oom = 1; return; }
        b->p = q; b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
    }
    b->n += (size_t)need;
}

int dp_pruner_n_log(const dp_pruner *p) { return p ? p->log_n : 0; }

int dp_pruner_log_row(const dp_pruner *p, int i, long *step, int64_t v[4])
{
    const dp__plog *e;
    if (!p || i < 0 || i >= p->log_n) return DP_ERR_ARG;
    e = &p->log[i];
    if (step) *step = e->step;
    if (v) { v[0] = e->pmu; v[1] = e->pmu_imp; v[2] = e->size; v[3] = e->macs; }
    return DP_OK;
}

int dp_pruner_write_csv(const dp_pruner *p, const char *path)
{
    dp__sbuf b;
    int r, k, st;
    if (!p || !path) return DP_ERR_ARG;
    memset(&b, 0, sizeof b);
    dp__sbuf_printf(&b, "step,update,objective,p_res,p_tsk,pmu_exact,pmu_imprecise,size,macs");
    for (k = 0; k < p->ng; k++) dp__sbuf_printf(&b, ",%s", p->gr[k].name);
    dp__sbuf_printf(&b, "\n");
    for (r = 0; r < p->log_n; r++) {
        const dp__plog *e = &p->log[r];
        dp__sbuf_printf(&b, "%ld,%d,%s,%.6g,%.6g,%lld,%lld,%lld,%lld", e->step, r, e->obj < 0 ? "met" : dp__obj_names[e->obj],
                        e->p_res, e->p_tsk, (long long)e->pmu, (long long)e->pmu_imp, (long long)e->size, (long long)e->macs);
        for (k = 0; k < p->ng; k++) dp__sbuf_printf(&b, ",%d", p->logw[(size_t)r * (p->ng + 1) + k]);
        dp__sbuf_printf(&b, "\n");
    }
    st = b.oom ? DP_ERR_NOMEM : dp_model_save(path, b.p, b.n);
    DP_FREE(b.p);
    return st;
}

int dp_pruner_print_summary(dp_pruner *p, dp_graph *g, void *file)
{
    FILE *f = file ? (FILE *)file : stdout;
    dp_resources now;
    int k, st, o;
    double R[3];
    int64_t B[3];
    int act[3];
    static const char *const what[3] = { "pmu", "size", "macs" };
    if (!p || !g) return DP_ERR_ARG;
    if ((st = dp__prune_res(p, g, &now, 0)) != DP_OK) return st;
    fprintf(f, "%-24s %7s %7s %7s %s\n", "layer group", "before", "after", "pi", "layers");
    for (k = 0; k < p->ng; k++) {
        dp__pgroup *G = &p->gr[k];
        int m;
        fprintf(f, "%-24s %7d %7d %7.3f ", G->name, G->C0, G->keep, G->pi);
        for (m = 0; m < G->n_own; m++) fprintf(f, "%s%s", m ? "," : "", g->nodes[G->own[m]].name);
        fputc('\n', f);
    }
    dp__prune_values(p, &now, R, B, act);
    fprintf(f, "%-14s %14s %14s %14s %s\n", "resource", "before", "after", "budget", "");
    for (o = 0; o < 3; o++) {
        int64_t before = o == 0 ? p->r0.pmu_exact : o == 1 ? p->r0.size_bytes : p->r0.macs;
        int64_t after = o == 0 ? now.pmu_exact : o == 1 ? now.size_bytes : now.macs;
        fprintf(f, "%-14s %14lld %14lld ", what[o], (long long)before, (long long)after);
        if (B[o] > 0) fprintf(f, "%14lld %s\n", (long long)B[o], after <= B[o] ? "ok" : "OVER");
        else fprintf(f, "%14s\n", "-");
    }
    fprintf(f, "%-14s %14lld %14lld\n", "pmu_imprecise", (long long)p->r0.pmu_imprecise, (long long)now.pmu_imprecise);
    fprintf(f, "budgets %s%s; %d width updates; alpha_res %.4g, alpha_tsk %.4g\n", p->met ? "met" : "not met",
            p->met ? "" : " yet", p->log_n, p->alpha_res, p->alpha_tsk);
    return DP_OK;
}

/* ---------------------------------------------------------------------- */
/* >>widths  the uniform baseline; projection onto the budgets        */
/* ---------------------------------------------------------------------- */
/* The shrink shared by projection and paced updates: until every active
   budget o has R_o <= T_o, take the gradient of the normalised excess
   sum over {o: R_o > T_o} of R_o / B_o at the current widths, add the
   task term of the last update (with_task: alpha_tsk pi dP_TSK/dpi, fixed
   during the shrink; the update's losses, focus regime and clip apply) and
   move theta against it, the steepest group by 0.02 per step, until some
   width changes; then take the gradient again (for peak memory it changes
   with the widths: the peak moves). A group the task term holds back
   still moves, 1000x slower. Without any usable direction every group
   loses a channel. */
static int dp__prune_shrink(dp_pruner *p, dp_graph *g, const double *T, int with_task, int *steps)
{
    dp_resources res;
    double R[3], *gs, ar = p->alpha_res > 0.0 ? p->alpha_res : 1.0;
    int64_t B[3];
    int act[3], viol[3], o, k, m, n = p->n_nodes, st, it, moved;
    if (!(gs = (double *)DP_MALLOC(sizeof(double) * ((size_t)p->ng + 1)))) return DP_ERR_NOMEM;
    for (it = 0;; it++) {
        double mx = 0.0;
        if ((st = dp__prune_res(p, g, &res, 1)) != DP_OK) break;
        dp__prune_values(p, &res, R, B, act);
        for (o = 0; o < 3; o++) viol[o] = act[o] && R[o] > T[o];
        if (!viol[0] && !viol[1] && !viol[2]) break;
        if (p->compacted || it > 1000000) { st = DP_ERR_ARG; snprintf(g->err, sizeof g->err, "pruner: cannot shrink a compacted graph"); break; }
        for (k = 0; k < p->ng; k++) {
            dp__pgroup *G = &p->gr[k];
            double r = 0.0;
            for (o = 0; o < 3; o++) {
                const double *src = o == 1 ? p->gbuf : o == 2 ? p->gbuf + n : (p->cfg.pmu_objective == DP_PMU_IMPRECISE ? p->gbuf + 3 * n : p->gbuf + 2 * n);
                double d = 0.0;
                if (!viol[o]) continue;
                for (m = 0; m < G->n_own; m++) d += src[G->own[m]];
                r += G->pi * d * G->C / (double)B[o];
            }
            r = r > 0.0 ? ar * r : 0.0;
            gs[k] = r;
            if (with_task) {   /* the update's rule: losses, focus regime, clip */
                double t = p->cfg.losses == DP_PRUNE_RES_ONLY ? 0.0 : p->alpha_tsk * G->pi * G->g_tsk;
                if (p->cfg.losses == DP_PRUNE_TASK_ONLY) gs[k] = t;
                else if (r > 0.0 || p->cfg.no_focus) gs[k] = r + t;
                if (!(gs[k] > 0.0) && r > 0.0 && p->cfg.losses != DP_PRUNE_TASK_ONLY) gs[k] = 1e-3 * r;   /* held back, not held still */
                if (gs[k] > p->cfg.clip) gs[k] = p->cfg.clip;
            }
            if (G->keep > 1 && gs[k] > mx) mx = gs[k];
        }
        moved = 0;
        while (!moved) {
            int left = 0;
            for (k = 0; k < p->ng; k++) {
                dp__pgroup *G = &p->gr[k];
                int keep;
                if (G->keep <= 1) continue;
                left = 1;
                if (mx > 0.0) { if (!(gs[k] > 0.0)) continue; G->theta -= 0.02 * gs[k] / mx; }
                else G->theta = log((G->keep - 1 + 1e-6) / (double)G->C);
                if (G->theta < log(1.0 / G->C)) G->theta = log(1.0 / G->C);
                G->pi = exp(G->theta);
                keep = (int)floor(G->pi * G->C + 1e-9);
                if (keep < 1) keep = 1;
                if (keep < G->keep) { G->keep = keep; moved = 1; }
            }
            if (!left) break;
        }
        if (!moved) { st = DP_ERR_BUDGET; snprintf(g->err, sizeof g->err, "pruner: every layer is at one channel and the budgets are still not met"); break; }
        if (steps) (*steps)++;
    }
    DP_FREE(gs);
    return st;
}

/* Paced updates (dp_pruner_pace): every budget not yet met goes onto its
   trajectory R_o <= max(B_o, R0_o (B_o / R0_o)^pace), from the resources
   R0 of the unpruned graph, by the shrink above with the update's task
   term; ahead of the trajectory nothing moves. */
static int dp__prune_paced(dp_pruner *p, dp_graph *g, const dp_resources *now)
{
    double R[3], R0[3], T[3];
    int64_t B[3];
    int act[3], o, st;
    dp_resources r;
    dp__prune_values(p, &p->r0, R0, B, act);
    dp__prune_values(p, now, R, B, act);
    for (o = 0; o < 3; o++) {
        T[o] = HUGE_VAL;
        if (!act[o] || R[o] <= (double)B[o]) continue;
        T[o] = (double)B[o];
        if (p->pace < 1.0 && R0[o] > (double)B[o]) T[o] = DP__MAX((double)B[o], R0[o] * pow((double)B[o] / R0[o], p->pace));
    }
    if ((st = dp__prune_shrink(p, g, T, 1, NULL)) != DP_OK) return st;
    /* every budget met by this update: the widths stop here */
    if ((st = dp__prune_res(p, g, &r, 0)) != DP_OK) return st;
    dp__prune_values(p, &r, R, B, act);
    if (!(act[0] && R[0] > (double)B[0]) && !(act[1] && R[1] > (double)B[1]) && !(act[2] && R[2] > (double)B[2])) p->met = 1;
    return DP_OK;
}

int dp_pruner_pace(dp_pruner *p, double frac)
{
    if (!p || !(frac >= 0.0 && frac <= 1.0)) return DP_ERR_ARG;
    p->pace = frac;
    return DP_OK;
}

int dp_pruner_group_grads(const dp_pruner *p, int i, double *g_res, double *g_tsk)
{
    if (!p || i < 0 || i >= p->ng) return DP_ERR_ARG;
    if (g_res) *g_res = p->gr[i].g_res;
    if (g_tsk) *g_tsk = p->gr[i].g_tsk;
    return DP_OK;
}

int dp_pruner_set_widths(dp_pruner *p, dp_graph *g, const int *w, int n)
{
    int k;
    if (!p || !g || !w || n != p->ng) return DP_ERR_ARG;
    if (p->compacted || g->n_nodes != p->n_nodes) {    /* a message, but the graph stays usable */
        snprintf(g->err, sizeof g->err, "pruner: set the widths before compacting, on the pruner's graph");
        return DP_ERR_ARG;
    }
    for (k = 0; k < n; k++)
        if (w[k] < 1 || w[k] > p->gr[k].keep) {
            snprintf(g->err, sizeof g->err, "pruner: width %d of group %d ('%s') is outside 1..%d", w[k], k, p->gr[k].name, p->gr[k].keep);
            return DP_ERR_ARG;
        }
    for (k = 0; k < n; k++) {
        dp__pgroup *G = &p->gr[k];
        G->keep = w[k]; G->theta = log((w[k] + 0.5) / G->C); G->pi = exp(G->theta);
        if (G->theta > 0.0) { G->theta = 0.0; G->pi = 1.0; }
    }
    return dp__prune_masks(p, g);
}

/* Builds the network at width w and tells whether it meets every budget. */
static int dp__uniform_fits(dp_width_builder build, void *ctx, const dp_prune_cfg *b, float w,
                            dp_resources *res, int *fits, char *err, size_t cap)
{
    dp_graph *g = dp_graph_new(1);
    int64_t pmu;
    int st;
    *fits = 0;
    if (!g) { dp__seterr(err, cap, "out of memory"); return DP_ERR_NOMEM; }
    st = build(g, w, ctx);
    if (st >= 0 && g->status) st = g->status;
    if (st < 0) { dp__seterr(err, cap, "uniform: cannot build the network at width %g: %s", (double)w, g->err[0] ? g->err : dp_status_str(st)); dp_graph_free(g); return st; }
    if ((st = dp_graph_resources(g, NULL, res, NULL, 0, NULL)) != DP_OK) { dp__seterr(err, cap, "uniform: resources at width %g: %s", (double)w, g->err); dp_graph_free(g); return st; }
    dp_graph_free(g);
    if (res->pmu_exact < 0) res->pmu_exact = res->arena_bytes;    /* DP state limit: an upper bound, as the pruner counts it */
    pmu = b->pmu_objective == DP_PMU_IMPRECISE ? res->pmu_imprecise : res->pmu_exact;
    *fits = (b->budget_pmu <= 0 || b->pmu_objective == DP_PMU_NONE || pmu <= b->budget_pmu) &&
            (b->budget_size <= 0 || res->size_bytes <= b->budget_size) && (b->budget_macs <= 0 || res->macs <= b->budget_macs);
    return DP_OK;
}

int dp_uniform_width(dp_width_builder build, void *ctx, const dp_prune_cfg *b, float w_max, float step,
                     float *width, dp_resources *res, char *err, size_t cap)
{
    dp_resources r, rlo;
    int lo, hi, kmax, fits, st;
    if (!build || !b || !width || !(step > 0.0f) || !(w_max >= step)) { dp__seterr(err, cap, "uniform: needs a builder, budgets and 0 < step <= w_max"); return DP_ERR_ARG; }
    if (b->budget_pmu < 0 || b->budget_size < 0 || b->budget_macs < 0) { dp__seterr(err, cap, "uniform: a budget is negative"); return DP_ERR_ARG; }
    kmax = (int)floor((double)w_max / step + 1e-6);
    if ((st = dp__uniform_fits(build, ctx, b, (float)kmax * step, &r, &fits, err, cap)) != DP_OK) return st;
    if (fits) { lo = kmax; rlo = r; }
    else {
        if ((st = dp__uniform_fits(build, ctx, b, step, &rlo, &fits, err, cap)) != DP_OK) return st;
        if (!fits) {
            dp__seterr(err, cap, "uniform: even width %g (pmu %lld, size %lld, macs %lld) exceeds the budgets (pmu %lld, size %lld, macs %lld)",
                       (double)step, (long long)rlo.pmu_exact, (long long)rlo.size_bytes, (long long)rlo.macs,
                       (long long)b->budget_pmu, (long long)b->budget_size, (long long)b->budget_macs);
            return DP_ERR_BUDGET;
        }
        lo = 1; hi = kmax;           /* lo fits, hi does not */
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if ((st = dp__uniform_fits(build, ctx, b, (float)mid * step, &r, &fits, err, cap)) != DP_OK) return st;
            if (fits) { lo = mid; rlo = r; } else hi = mid;
        }
    }
    *width = (float)lo * step;
    if (res) *res = rlo;
    return DP_OK;
}

int dp_pruner_project(dp_pruner *p, dp_graph *g, int *steps)
{
    double T[3] = { 0.0, 0.0, 0.0 };
    int st;
    if (steps) *steps = 0;
    if (!p || !g) return DP_ERR_ARG;
    if (g->n_nodes != p->n_nodes) return dp__fail(g, DP_ERR_ARG, "pruner: this is not the graph the pruner was made for");
    T[0] = (double)p->cfg.budget_pmu; T[1] = (double)p->cfg.budget_size; T[2] = (double)p->cfg.budget_macs;
    if ((st = dp__prune_shrink(p, g, T, 0, steps)) != DP_OK) return st;
    p->met = 1;
    return p->compacted ? DP_OK : dp__prune_masks(p, g);
}

/* ---------------------------------------------------------------------- */
/* >>fit  training loop with pruning                                 */
/* ---------------------------------------------------------------------- */
int dp_idx_load_split(const char *dir, const char *split, dp_dataset *ds, char *err, size_t cap)
{
    char img[1024], lab[1024];
    static const char *const ext[2] = { ".gz", "" };
    int i, st = DP_ERR_IO;
    if (!dir || !split || !ds) return DP_ERR_ARG;
    for (i = 0; i < 2 && st != DP_OK; i++) {
        snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte%s", dir, split, ext[i]);
        snprintf(lab, sizeof lab, "%s/%s-labels-idx1-ubyte%s", dir, split, ext[i]);
        if (i == 0) { FILE *f = fopen(img, "rb"); if (!f) continue; fclose(f); }
        st = dp_idx_load(img, lab, ds, err, cap);
    }
    return st;
}

/* The schedule ran out before the budgets were met: project (>>widths). */
static int dp__fit_project(dp_pruner *p, dp_graph *g, dp_fit_result *r, long step, int verbose, double t0, char *err, size_t cap)
{
    int n = 0, st = dp_pruner_project(p, g, &n);
    dp_resources now;
    if (st != DP_OK) { dp__seterr(err, cap, "projection onto the budgets: %s", g->err); return st; }
    r->projected_step = step;
    if (r->met_step < 0) { r->met_step = step; r->seconds_to_met = dp_time() - t0; }
    if (verbose && dp_pruner_resources(p, g, &now) == DP_OK) {
        printf("budgets not met by step %ld: widths projected onto them (%d shrink steps): pmu %lld size %lld macs %lld; training on\n",
               step, n, (long long)now.pmu_exact, (long long)now.size_bytes, (long long)now.macs);
        fflush(stdout);
    }
    return DP_OK;
}

/* dp_fit's state, shared by its parts below */
typedef struct dp__fit {
    dp_fit_cfg c;
    dp_fit_result r;
    dp_graph **gp, *g;
    const dp_dataset *tr, *te;
    const dp_prune_cfg *budgets;      /* the caller's, also for the uniform arm */
    dp_optim *o;
    dp_pruner *p;
    dp_lr_sched sch;
    dp_rng rng;
    int *perm, *yb, *yv, *vi, ntr, nval, nvu, vpos, every;
    float *xb, *xv, eta0;
    size_t per;
    long spe, total, qat_step, p_start, deadline, proj, until, step;
    double t0;
    char *err;
    size_t cap;
} dp__fit;

/* Defaults, the uniform arm's graph, and the checks of graph and data. */
static int dp__fit_check(dp__fit *F, const dp_fit_cfg *cin)
{
    dp_fit_cfg *c = &F->c;
    const dp_dataset *tr = F->tr, *te = F->te;
    dp_graph *g = F->g;
    int i, classes, st;
    if (cin) *c = *cin;
    if (c->epochs <= 0) c->epochs = 10;
    if (c->batch <= 0) c->batch = 128;
    if (!(c->lr > 0.0f)) c->lr = 0.05f;
    if (!(c->momentum > 0.0f)) c->momentum = 0.9f;
    if (!(c->prune_deadline > 0.0f)) c->prune_deadline = 0.7f;
    if (c->prune_plan == 0.0f) c->prune_plan = 0.25f;     /* paced (>>widths); < 0: eta and the deadline ramp */
    if (c->val_per_update <= 0) c->val_per_update = 256;
    F->budgets = c->prune;
    if (c->uniform && c->prune) {   /* the uniform baseline: the widest network within the budgets */
        dp_graph *u;
        int su;
        if ((st = dp_uniform_width(c->uniform, c->uniform_ctx, c->prune, c->uniform_max > 0.0f ? c->uniform_max : 1.0f, 0.01f,
                                   &F->r.uniform_width, NULL, F->err, F->cap)) != DP_OK) return st;
        if (!(u = dp_graph_new(c->seed ? c->seed : 1))) { dp__seterr(F->err, F->cap, "out of memory"); return DP_ERR_NOMEM; }
        su = c->uniform(u, F->r.uniform_width, c->uniform_ctx);
        if (su < 0 || u->status) { dp__seterr(F->err, F->cap, "uniform: %s", u->err); st = su < 0 ? su : u->status; dp_graph_free(u); return st; }
        dp_graph_free(*F->gp);
        *F->gp = F->g = g = u;
        c->prune = NULL;
    }
    if (c->qat_epochs < 0 || c->qat_epochs >= c->epochs + (c->prune ? 0 : 1)) {
        dp__seterr(F->err, F->cap, "dp_fit: qat_epochs %d must be below epochs %d", c->qat_epochs, c->epochs);
        return DP_ERR_ARG;
    }
    if (g->n_nodes == 0 || g->nodes[0].op != DP_OP_INPUT || g->loss_node < 0) { dp__seterr(F->err, F->cap, "dp_fit: the graph needs an input and a softmax_ce loss"); return DP_ERR_ARG; }
    if (g->nodes[0].h != tr->h || g->nodes[0].w != tr->w || g->nodes[0].c != tr->c ||
        (te && te->n > 0 && (te->h != tr->h || te->w != tr->w || te->c != tr->c))) {
        dp__seterr(F->err, F->cap, "dp_fit: data is %dx%dx%d but the graph's input is %dx%dx%d", tr->h, tr->w, tr->c,
                   g->nodes[0].h, g->nodes[0].w, g->nodes[0].c);
        return DP_ERR_SHAPE;
    }
    classes = g->nodes[g->loss_node].c;
    for (i = 0; i < tr->n; i++)
        if (tr->y[i] < 0 || tr->y[i] >= classes) { dp__seterr(F->err, F->cap, "dp_fit: label %d of sample %d is outside the %d classes", tr->y[i], i, classes); return DP_ERR_ARG; }
    /* every arm (pruned, uniform, plain) trains on the same images: n_val
       samples held out of all of them, or (n_val 0) none, the pruner's
       task loss then taking its samples from the training images */
    F->nval = c->n_val > 0 ? c->n_val : 0;
    if (F->nval >= tr->n) { dp__seterr(F->err, F->cap, "dp_fit: cannot hold out %d of %d samples for the pruner's task loss (set n_val between 0 and n-1)", F->nval, tr->n); return DP_ERR_ARG; }
    F->ntr = tr->n - F->nval;
    F->nvu = F->nval > 0 ? F->nval : F->ntr;
    if (c->val_per_update > F->nvu) c->val_per_update = F->nvu;
    return DP_OK;
}

/* Buffers, the shuffle, the pruner, the optimiser and the schedule. */
static int dp__fit_prepare(dp__fit *F, const dp_fit_cfg *cin)
{
    dp_fit_cfg *c = &F->c;
    dp_optim_cfg oc;
    int i, st;
    F->per = (size_t)F->tr->h * F->tr->w * F->tr->c;
    dp_rng_seed(&F->rng, c->seed ? c->seed : 1);
    F->perm = (int *)DP_MALLOC(sizeof(int) * (size_t)F->tr->n);
    F->xb = (float *)DP_MALLOC(sizeof(float) * F->per * (size_t)c->batch);
    F->yb = (int *)DP_MALLOC(sizeof(int) * (size_t)c->batch);
    F->xv = (float *)DP_MALLOC(sizeof(float) * F->per * (size_t)(c->val_per_update + 1));
    F->yv = (int *)DP_MALLOC(sizeof(int) * (size_t)(c->val_per_update + 1));
    F->vi = (int *)DP_MALLOC(sizeof(int) * (size_t)(c->val_per_update + 1));
    if (!F->perm || !F->xb || !F->yb || !F->xv || !F->yv || !F->vi) { dp__seterr(F->err, F->cap, "out of memory"); return DP_ERR_NOMEM; }
    for (i = 0; i < F->tr->n; i++) F->perm[i] = i;
    dp_rng_shuffle(&F->rng, F->perm, F->tr->n);          /* perm[ntr..n): held out */
    if ((st = dp_graph_resources(F->g, NULL, &F->r.before, NULL, 0, NULL)) != DP_OK) { dp__seterr(F->err, F->cap, "%s", F->g->err); return st; }
    if (c->prune && !(F->p = dp_pruner_new(F->g, c->prune, &st, F->err, F->cap))) return st;
    F->eta0 = F->p ? F->p->cfg.eta : 1.0f;
    memset(&oc, 0, sizeof oc);
    oc.kind = DP_SGD; oc.momentum = c->momentum; oc.nesterov = 1; oc.weight_decay = c->weight_decay;
    if (!(F->o = dp_optim_new(F->g, &oc))) { dp__seterr(F->err, F->cap, "out of memory"); return DP_ERR_NOMEM; }
    F->spe = (F->ntr + c->batch - 1) / c->batch;
    F->total = F->spe * c->epochs;
    F->qat_step = F->spe * (c->epochs - c->qat_epochs);
    F->p_start = (long)(c->prune_start * (float)F->spe);
    F->deadline = F->p_start + (long)(c->prune_deadline * (double)(F->qat_step - F->p_start));
    /* past this step the widths are projected onto the budgets (>>widths) */
    F->proj = c->prune_deadline >= 1.0f ? F->qat_step : F->p_start + (long)(DP__MIN(0.9, c->prune_deadline + 0.2) * (double)(F->qat_step - F->p_start));
    F->every = F->p ? F->p->cfg.every : 1;
    if (F->p && c->prune_plan > 0.0f) {    /* paced (>>widths): met at step `until` */
        long win;
        F->until = F->p_start + (long)(DP__MIN(1.0f, c->prune_plan) * (double)(F->qat_step - F->p_start));
        if (F->until <= F->p_start) F->until = F->p_start + 1;
        win = F->until - F->p_start;
        F->every = (int)DP__MAX(1L, DP__MIN((long)F->every, win / 20));
        F->deadline = F->proj = F->until;
        if (!cin || cin->val_per_update <= 0)    /* the task loss: about 10% of the training samples seen meanwhile */
            c->val_per_update = (int)DP__MAX(64L, DP__MIN(256L, win * (long)c->batch / (10L * DP__MAX(1L, win / F->every))));
        if (c->val_per_update > F->nvu) c->val_per_update = F->nvu;
        if (c->verbose) { printf("pruner: paced to meet the budgets by step %ld of %ld (an update every %d steps)\n", F->until, F->total, F->every); fflush(stdout); }
    }
    memset(&F->sch, 0, sizeof F->sch);
    F->sch.kind = DP_LR_COSINE; F->sch.base = c->lr; F->sch.warmup = F->spe / 4; F->sch.total = F->total; F->sch.final_lr = 0.0f;
    return DP_OK;
}

/* One width update at this step, and what follows once the budgets are met. */
static int dp__fit_prune(dp__fit *F)
{
    dp_pruner *p = F->p;
    long step = F->step;
    int was_met = p->met, k, st, n = F->c.val_per_update;
    if (F->c.prune_plan > 0.0f) dp_pruner_pace(p, DP__MIN(1.0, (double)(step - F->p_start + F->every) / (double)(F->until - F->p_start)));
    for (k = 0; k < n; k++) F->vi[k] = F->perm[(F->nval > 0 ? F->ntr : 0) + (F->vpos + k) % F->nvu];
    F->vpos = (F->vpos + n) % F->nvu;
    dp_dataset_batch(F->tr, F->vi, n, F->xv, F->yv, NULL, NULL);
    if ((st = dp_pruner_update(p, F->g, F->xv, F->yv, n, step)) != DP_OK) { dp__seterr(F->err, F->cap, "pruner: %s", F->g->err); return st; }
    if (!p->met && F->c.prune_plan <= 0.0f && step >= F->deadline && p->cfg.eta < 16.0f * F->eta0) p->cfg.eta *= 1.25f;
    if (!p->met && step >= F->proj && (st = dp__fit_project(p, F->g, &F->r, step, F->c.verbose, F->t0, F->err, F->cap)) != DP_OK) return st;
    if (p->met && !was_met) {
        F->r.met_step = step; F->r.seconds_to_met = dp_time() - F->t0;
        if (F->c.log_csv) dp_pruner_write_csv(p, F->c.log_csv);
        if (F->c.early_term) {
            if ((st = dp_pruner_compact(p, F->gp, F->o)) != DP_OK) { dp__seterr(F->err, F->cap, "compaction: %s", (*F->gp)->err); return st; }
            F->g = *F->gp;
        }
    }
    return DP_OK;
}

/* The epoch's line on stdout (verbose). */
static void dp__fit_report(dp__fit *F, int epoch, int hits, int seen)
{
    float acc = 0.0f, tl = 0.0f;
    if (F->te && F->te->n > 0) dp_evaluate(F->g, F->te->x, F->te->y, F->te->n, 256, &acc, &tl);
    printf("epoch %d: train loss %.4f acc %.4f | test acc %.4f", epoch + 1, F->r.train_loss, seen ? (double)hits / seen : 0.0, acc);
    if (F->p) {
        dp_resources now;
        if (dp_pruner_resources(F->p, F->g, &now) == DP_OK)
            printf(" | pmu %lld size %lld macs %lld%s", (long long)now.pmu_exact, (long long)now.size_bytes, (long long)now.macs,
                   F->p->met ? " (budgets met)" : "");
    }
    printf("\n");
    fflush(stdout);
}

/* One epoch: QAT from its first epoch on (budgets met, compacted first),
   then a step per batch with the width updates in between. */
static int dp__fit_epoch(dp__fit *F, int epoch)
{
    dp_fit_cfg *c = &F->c;
    dp_pruner *p = F->p;
    dp_progress pb;
    char label[48], extra[128];
    double lsum = 0.0;
    int hits = 0, seen = 0, st;
    long s0 = F->step;
    if (c->qat_epochs > 0 && epoch == c->epochs - c->qat_epochs) {
        if (p && !p->met && (st = dp__fit_project(p, F->g, &F->r, F->step, c->verbose, F->t0, F->err, F->cap)) != DP_OK) return st;
        if (p && (st = dp_pruner_compact(p, F->gp, F->o)) != DP_OK) { dp__seterr(F->err, F->cap, "compaction: %s", (*F->gp)->err); return st; }
        F->g = *F->gp;
        if ((st = dp_graph_set_qat(F->g, 1)) != DP_OK) { dp__seterr(F->err, F->cap, "%s", F->g->err); return st; }
    }
    dp_rng_shuffle(&F->rng, F->perm, F->ntr);
    snprintf(label, sizeof label, "epoch %d/%d%s", epoch + 1, c->epochs, F->g->qat ? " qat" : "");
    if (c->progress) dp_progress_start(&pb, label, F->spe);
    for (; F->step < (long)(epoch + 1) * F->spe; F->step++) {
        long step = F->step;
        int off = (int)((step % F->spe) * c->batch), b = c->batch < F->ntr - off ? c->batch : F->ntr - off, hit = 0;
        float loss = 0.0f;
        dp_dataset_batch(F->tr, F->perm + off, b, F->xb, F->yb, &c->aug, &F->rng);
        F->r.images_crc = dp_crc32(F->r.images_crc, F->perm + off, sizeof(int) * (size_t)b);
        F->r.images_seen += b;
        st = dp_train_step(F->g, F->o, F->xb, F->yb, b, dp_lr_at(&F->sch, step), &loss, &hit);
        if (st == DP_ERR_NAN)
            dp__seterr(F->err, F->cap, "the loss became %g at step %ld (epoch %d): the weights of the last good step are kept; lower the learning rate (now %g)",
                       (double)loss, step, epoch + 1, (double)dp_lr_at(&F->sch, step));
        else if (st != DP_OK) dp__seterr(F->err, F->cap, "%s", F->g->err);
        else {
            hits += hit; seen += b; lsum += (double)loss * b;
            if (p && !p->frozen && step >= F->p_start && (step - F->p_start) % F->every == 0) st = dp__fit_prune(F);
        }
        if (st != DP_OK) { if (c->progress) dp_progress_end(&pb); return st; }
        if (c->progress) {
            if (p && !p->compacted) {
                const dp__plog *e = p->log_n ? &p->log[p->log_n - 1] : NULL;
                snprintf(extra, sizeof extra, "loss %.3f acc %.3f%s pmu %lld macs %lld", lsum / seen, (double)hits / seen,
                         p->met ? " met" : "", e ? (long long)e->pmu : (long long)F->r.before.pmu_exact, e ? (long long)e->macs : (long long)F->r.before.macs);
            } else snprintf(extra, sizeof extra, "loss %.3f acc %.3f", lsum / seen, (double)hits / seen);
            dp_progress_update(&pb, step - s0 + 1, (double)(step - s0 + 1) * c->batch, extra);
        }
    }
    if (c->progress) dp_progress_end(&pb);
    F->r.train_loss = seen ? (float)(lsum / seen) : 0.0f;
    if (c->verbose) dp__fit_report(F, epoch, hits, seen);
    return DP_OK;
}

/* After the last epoch: budgets met, compacted, the result filled in. */
static int dp__fit_finish(dp__fit *F)
{
    dp_pruner *p = F->p;
    const dp_prune_cfg *b = F->budgets;
    dp_fit_result *r = &F->r;
    int st;
    if (p && !p->met && (st = dp__fit_project(p, F->g, r, F->step, F->c.verbose, F->t0, F->err, F->cap)) != DP_OK) return st;
    if (p && (st = dp_pruner_compact(p, F->gp, F->o)) != DP_OK) { dp__seterr(F->err, F->cap, "compaction: %s", (*F->gp)->err); return st; }
    F->g = *F->gp;
    if (p && F->c.log_csv && (st = dp_pruner_write_csv(p, F->c.log_csv)) != DP_OK) { dp__seterr(F->err, F->cap, "cannot write %s", F->c.log_csv); return st; }
    r->steps = F->step;
    if ((st = dp_graph_resources(F->g, NULL, &r->after, NULL, 0, NULL)) != DP_OK) { dp__seterr(F->err, F->cap, "%s", F->g->err); return st; }
    r->met = p ? p->met : 1;
    if (!p && b)     /* a uniform or plain arm: its resources against the budgets */
        r->met = (b->budget_pmu <= 0 || b->pmu_objective == DP_PMU_NONE ||
                  (b->pmu_objective == DP_PMU_IMPRECISE ? r->after.pmu_imprecise : r->after.pmu_exact) <= b->budget_pmu) &&
                 (b->budget_size <= 0 || r->after.size_bytes <= b->budget_size) &&
                 (b->budget_macs <= 0 || r->after.macs <= b->budget_macs);
    if (F->te && F->te->n > 0 && (st = dp_evaluate(F->g, F->te->x, F->te->y, F->te->n, 256, &r->test_acc, &r->test_loss)) != DP_OK) {
        dp__seterr(F->err, F->cap, "%s", F->g->err);
        return st;
    }
    r->seconds = dp_time() - F->t0;
    return DP_OK;
}

int dp_fit(dp_graph **gp, const dp_dataset *tr, const dp_dataset *te, const dp_fit_cfg *cin,
           dp_fit_result *res, char *err, size_t cap)
{
    dp__fit F;
    int st, epoch;
    memset(&F, 0, sizeof F);
    F.t0 = dp_time();
    F.r.met_step = -1; F.r.projected_step = -1;
    F.err = err; F.cap = cap; F.gp = gp; F.tr = tr; F.te = te;
    if (res) *res = F.r;
    if (!gp || !*gp || !tr || !tr->x || !tr->y || tr->n <= 0) { dp__seterr(err, cap, "dp_fit: missing graph or training data"); return DP_ERR_ARG; }
    F.g = *gp;
    if (F.g->status) { dp__seterr(err, cap, "%s", F.g->err); return F.g->status; }
    if ((st = dp__fit_check(&F, cin)) != DP_OK) return st;
    if ((st = dp__fit_prepare(&F, cin)) == DP_OK)
        for (epoch = 0; epoch < F.c.epochs && st == DP_OK; epoch++) st = dp__fit_epoch(&F, epoch);
    if (st == DP_OK) st = dp__fit_finish(&F);
    if (res) *res = F.r;
    if (F.p && F.c.pruner_out && st == DP_OK) *F.c.pruner_out = F.p;
    else dp_pruner_free(F.p);
    dp_optim_free(F.o);
    DP_FREE(F.perm); DP_FREE(F.xb); DP_FREE(F.yb); DP_FREE(F.xv); DP_FREE(F.yv); DP_FREE(F.vi);
    return st;
}

/* ---------------------------------------------------------------------- */
/* >>backbones                                                            */
/* ---------------------------------------------------------------------- */
static int dp__scaled_width(int c, float width)
{
    int v = (int)((float)c * width + 0.5f);
    return v < 1 ? 1 : v;
}

/* conv + bn + activation with a formatted name */
static int dp__conv_bn_act(dp_graph *g, int x, int cout, int kh, int kw, int stride, int groups, int dil,
                           int act, const char *fmt, int a, int b)
{
    char nm[48], nb[56], na[56];
    dp_conv_opts o;
    int y;
    snprintf(nm, sizeof nm, fmt, a, b);
    memset(&o, 0, sizeof o);
    o.stride_h = o.stride_w = stride; o.groups = groups; o.no_bias = 1; o.dil_h = o.dil_w = dil;
    y = dp_conv2d(g, nm, x, cout, kh, kw, &o);
    snprintf(nb, sizeof nb, "%s_bn", nm);
    y = dp_batchnorm(g, nb, y);
    snprintf(na, sizeof na, "%s_act", nm);
    if (act == DP_ACT_RELU) y = dp_relu(g, na, y);
    else if (act == DP_ACT_RELU6) y = dp_relu6(g, na, y);
    else if (act == DP_ACT_SWISH) y = dp_swish(g, na, y);
    return y;
}

static int dp__dw_bn_act(dp_graph *g, int x, int k, int stride, int act, const char *fmt, int a, int b)
{
    int c = x >= 0 ? g->nodes[x].c : 1;
    return dp__conv_bn_act(g, x, c, k, k, stride, c, 1, act, fmt, a, b);
}

static int dp__head(dp_graph *g, int x, int classes)
{
    x = dp_fc(g, "fc", dp_global_avgpool(g, "gap", x), classes);
    dp_softmax_ce(g, "loss", x);
    return x;
}

int dp_build_mobilenet_v2(dp_graph *g, int h, int w, int c, int classes, float width)
{
    /* CIFAR-repo style block: 1x1 expand in every block, dw3x3, 1x1 project;
       stride-1 blocks add their input back, through a 1x1 conv when the
       channel count changes. ImageNet strides. */
    static const int cfg[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                  {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    int x = dp_input(g, "input", h, w, c), s, i, b = 0, cin = dp__scaled_width(32, width);
    x = dp__conv_bn_act(g, x, cin, 3, 3, 2, 1, 1, DP_ACT_RELU6, "stem", 0, 0);
    for (s = 0; s < 7; s++) for (i = 0; i < cfg[s][2]; i++, b++) {
        int cout = dp__scaled_width(cfg[s][1], width), st = i ? 1 : cfg[s][3], hid = cin * cfg[s][0], y;
        y = dp__conv_bn_act(g, x, hid, 1, 1, 1, 1, 1, DP_ACT_RELU6, "b%d_expand", b, 0);
        y = dp__dw_bn_act(g, y, 3, st, DP_ACT_RELU6, "b%d_dw", b, 0);
        y = dp__conv_bn_act(g, y, cout, 1, 1, 1, 1, 1, DP_ACT_NONE, "b%d_project", b, 0);
        if (st == 1) {
            int sc = cin == cout ? x : dp__conv_bn_act(g, x, cout, 1, 1, 1, 1, 1, DP_ACT_NONE, "b%d_shortcut", b, 0);
            char nm[32];
            snprintf(nm, sizeof nm, "b%d_add", b);
            y = dp_add2(g, nm, y, sc);
        }
        x = y; cin = cout;
    }
    x = dp__conv_bn_act(g, x, dp__scaled_width(1280, width), 1, 1, 1, 1, 1, DP_ACT_RELU6, "head", 0, 0);
    return dp__head(g, x, classes);
}

int dp_build_efficientnet_b0(dp_graph *g, int h, int w, int c, int classes, float width, int stem_stride)
{
    /* MBConv: expand (t != 1), dw kxk, squeeze-excite with int(0.25 * block
       input channels) units, project; identity skip when stride 1 and equal
       channels; no 1x1 head conv. */
    static const int cfg[7][5] = {{1, 16, 1, 3, 1}, {6, 24, 2, 3, 2}, {6, 40, 2, 5, 2}, {6, 80, 3, 3, 2},
                                  {6, 112, 3, 5, 1}, {6, 192, 4, 5, 2}, {6, 320, 1, 3, 1}};
    int x = dp_input(g, "input", h, w, c), s, i, b = 0, cin = dp__scaled_width(32, width);
    x = dp__conv_bn_act(g, x, cin, 3, 3, stem_stride > 0 ? stem_stride : 1, 1, 1, DP_ACT_SWISH, "stem", 0, 0);
    for (s = 0; s < 7; s++) for (i = 0; i < cfg[s][2]; i++, b++) {
        int cout = dp__scaled_width(cfg[s][1], width), st = i ? 1 : cfg[s][4], hid = cin * cfg[s][0], y = x, se, sq;
        char nm[48];
        if (cfg[s][0] != 1) y = dp__conv_bn_act(g, y, hid, 1, 1, 1, 1, 1, DP_ACT_SWISH, "b%d_expand", b, 0);
        y = dp__dw_bn_act(g, y, cfg[s][3], st, DP_ACT_SWISH, "b%d_dw", b, 0);
        sq = (int)(0.25f * (float)cin); if (sq < 1) sq = 1;
        snprintf(nm, sizeof nm, "b%d_se_pool", b); se = dp_global_avgpool(g, nm, y);
        snprintf(nm, sizeof nm, "b%d_se_reduce", b); se = dp_fc(g, nm, se, sq);
        snprintf(nm, sizeof nm, "b%d_se_swish", b); se = dp_swish(g, nm, se);
        snprintf(nm, sizeof nm, "b%d_se_expand", b); se = dp_fc(g, nm, se, hid);
        snprintf(nm, sizeof nm, "b%d_se_gate", b); se = dp_sigmoid(g, nm, se);
        snprintf(nm, sizeof nm, "b%d_se_mul", b); y = dp_channel_mul(g, nm, y, se);
        y = dp__conv_bn_act(g, y, cout, 1, 1, 1, 1, 1, DP_ACT_NONE, "b%d_project", b, 0);
        if (st == 1 && cin == cout) { snprintf(nm, sizeof nm, "b%d_add", b); y = dp_add2(g, nm, y, x); }
        x = y; cin = cout;
    }
    return dp__head(g, x, classes);
}

int dp_build_vgg16(dp_graph *g, int h, int w, int c, int classes, float width)
{
    static const int cfg[18] = {64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1};
    int x = dp_input(g, "input", h, w, c), i, l = 0, p = 0;
    for (i = 0; i < 18; i++) {
        if (cfg[i] < 0) { char nm[16]; snprintf(nm, sizeof nm, "pool%d", ++p); x = dp_maxpool(g, nm, x, 2, 2, NULL); }
        else x = dp__conv_bn_act(g, x, dp__scaled_width(cfg[i], width), 3, 3, 1, 1, 1, DP_ACT_RELU, "conv%d", ++l, 0);
    }
    x = dp_fc(g, "fc", x, classes);
    dp_softmax_ce(g, "loss", x);
    return x;
}

int dp_build_resnet18(dp_graph *g, int h, int w, int c, int classes, float width)
{
    int x = dp_input(g, "input", h, w, c), s, i, cin = dp__scaled_width(64, width);
    x = dp__conv_bn_act(g, x, cin, 3, 3, 1, 1, 1, DP_ACT_RELU, "stem", 0, 0);
    for (s = 0; s < 4; s++) for (i = 0; i < 2; i++) {
        int cout = dp__scaled_width(64 << s, width), st = (s > 0 && i == 0) ? 2 : 1, y, sc = x;
        char nm[32];
        y = dp__conv_bn_act(g, x, cout, 3, 3, st, 1, 1, DP_ACT_RELU, "s%d_b%d_conv1", s, i);
        y = dp__conv_bn_act(g, y, cout, 3, 3, 1, 1, 1, DP_ACT_NONE, "s%d_b%d_conv2", s, i);
        if (st != 1 || cin != cout) sc = dp__conv_bn_act(g, x, cout, 1, 1, st, 1, 1, DP_ACT_NONE, "s%d_b%d_shortcut", s, i);
        snprintf(nm, sizeof nm, "s%d_b%d_add", s, i);
        y = dp_add2(g, nm, y, sc);
        snprintf(nm, sizeof nm, "s%d_b%d_relu", s, i);
        x = dp_relu(g, nm, y); cin = cout;
    }
    return dp__head(g, x, classes);
}

int dp_build_dscnn(dp_graph *g, int h, int w, int c, int classes, float width, int blocks)
{
    int x = dp_input(g, "input", h, w, c), i, ch = dp__scaled_width(276, width);
    x = dp__conv_bn_act(g, x, ch, 10, 4, 1, 1, 1, DP_ACT_RELU, "conv1", 0, 0);
    for (i = 0; i < blocks; i++) {
        x = dp__dw_bn_act(g, x, 3, i == 0 ? 2 : 1, DP_ACT_RELU, "b%d_dw", i, 0);
        x = dp__conv_bn_act(g, x, ch, 1, 1, 1, 1, 1, DP_ACT_RELU, "b%d_pw", i, 0);
    }
    return dp__head(g, x, classes);
}

/* RES-8 / RES-15 (Tang & Lin): conv3x3, optional average pool, n convs of
   3x3 with an Add after every second one (y + the previous residual point). */
static int dp__res_kws(dp_graph *g, int h, int w, int c, int classes, float width, int n, int pool, int dilate)
{
    int x = dp_input(g, "input", h, w, c), i, ch = dp__scaled_width(45, width), old;
    x = dp__conv_bn_act(g, x, ch, 3, 3, 1, 1, 1, DP_ACT_RELU, "conv0", 0, 0);
    if (pool) {
        dp_pool_opts o;
        memset(&o, 0, sizeof o);
        o.pad = DP_PAD_VALID;
        x = dp_avgpool(g, "pool", x, 4, 3, &o);
    }
    old = x;
    for (i = 1; i <= n; i++) {
        int d = dilate ? 1 << ((i - 1) / 3) : 1;
        x = dp__conv_bn_act(g, x, ch, 3, 3, 1, 1, d, DP_ACT_RELU, "conv%d", i, 0);
        if (i % 2 == 0) {
            char nm[16];
            snprintf(nm, sizeof nm, "add%d", i / 2);
            x = dp_add2(g, nm, x, old);
            old = x;
        }
    }
    return dp__head(g, x, classes);
}
int dp_build_res15(dp_graph *g, int h, int w, int c, int classes, float width)
{ return dp__res_kws(g, h, w, c, classes, width, 13, 0, 1); }
int dp_build_res8(dp_graph *g, int h, int w, int c, int classes, float width)
{ return dp__res_kws(g, h, w, c, classes, width, 6, 1, 0); }

int dp_build_etinynet(dp_graph *g, int h, int w, int c, int classes, float width)
{
    /* linear blocks dw3x3 -> pw -> dw3x3; dense linear blocks add shortcuts
       when stride 1 and channels equal: x1 = pw + x; out = dw2(x1) + x1 + x */
    static const int cfg[15][3] = {   /* channels, stride, dense */
        {32, 1, 0}, {32, 1, 0}, {32, 1, 0}, {32, 1, 0},
        {128, 2, 0}, {128, 1, 0}, {128, 1, 0}, {128, 1, 0},
        {192, 2, 1}, {192, 1, 1}, {192, 1, 1},
        {256, 2, 1}, {256, 1, 1}, {512, 1, 1}, {0, 0, 0}};
    int x = dp_input(g, "input", h, w, c), i, cin = dp__scaled_width(32, width);
    x = dp__conv_bn_act(g, x, cin, 3, 3, 2, 1, 1, DP_ACT_RELU, "stem", 0, 0);
    for (i = 0; cfg[i][0]; i++) {
        int cout = dp__scaled_width(cfg[i][0], width), st = cfg[i][1], y, x1;
        char nm[32];
        y = dp__dw_bn_act(g, x, 3, st, DP_ACT_NONE, "b%d_dw1", i, 0);
        x1 = dp__conv_bn_act(g, y, cout, 1, 1, 1, 1, 1, DP_ACT_RELU, "b%d_pw", i, 0);
        if (cfg[i][2] && st == 1 && cin == cout) {
            int xs[3];
            snprintf(nm, sizeof nm, "b%d_add1", i);
            x1 = dp_add2(g, nm, x1, x);
            xs[0] = dp__dw_bn_act(g, x1, 3, 1, DP_ACT_RELU, "b%d_dw2", i, 0); xs[1] = x1; xs[2] = x;
            snprintf(nm, sizeof nm, "b%d_add2", i);
            y = dp_add(g, nm, 3, xs);
        } else {
            y = dp__dw_bn_act(g, x1, 3, 1, DP_ACT_RELU, "b%d_dw2", i, 0);
        }
        x = y; cin = cout;
    }
    return dp__head(g, x, classes);
}

static const char *const dp__zoo_names[] = {
    "mobilenet_v2_50", "mobilenet_v2_160", "efficientnet_b0_50", "efficientnet_b0_160",
    "vgg16_cifar", "dscnn_l", "dscnn_m", "res15", "res8", "etinynet", NULL };
const char *dp_zoo_name(int i)
{
    return (i >= 0 && i < (int)(sizeof dp__zoo_names / sizeof dp__zoo_names[0])) ? dp__zoo_names[i] : NULL;
}
int dp_build_zoo(dp_graph *g, const char *name)
{
    if (!g || !name) return DP_ERR_ARG;
    if (!strcmp(name, "mobilenet_v2_50")) return dp_build_mobilenet_v2(g, 50, 50, 3, 2, 1.0f);
    if (!strcmp(name, "mobilenet_v2_160")) return dp_build_mobilenet_v2(g, 160, 160, 3, 2, 1.0f);
    if (!strcmp(name, "efficientnet_b0_50")) return dp_build_efficientnet_b0(g, 50, 50, 3, 2, 1.0f, 1);
    if (!strcmp(name, "efficientnet_b0_160")) return dp_build_efficientnet_b0(g, 160, 160, 3, 2, 1.0f, 2);
    if (!strcmp(name, "vgg16_cifar")) return dp_build_vgg16(g, 32, 32, 3, 10, 1.0f);
    if (!strcmp(name, "dscnn_l")) return dp_build_dscnn(g, 49, 10, 1, 12, 1.0f, 7);
    if (!strcmp(name, "dscnn_m")) return dp_build_dscnn(g, 49, 10, 1, 12, 1.0f, 5);
    if (!strcmp(name, "res15")) return dp_build_res15(g, 49, 10, 1, 12, 1.0f);
    if (!strcmp(name, "res8")) return dp_build_res8(g, 49, 10, 1, 12, 1.0f);
    if (!strcmp(name, "etinynet")) return dp_build_etinynet(g, 112, 112, 3, 1000, 1.0f);
    return dp__fail(g, DP_ERR_ARG, "unknown backbone '%s'", name);
}

/* ---------------------------------------------------------------------- */
/* >>export  float graph -> int8 .dpm                                     */
/* ---------------------------------------------------------------------- */
static void dp__qparams(float lo, float hi, float *scale, int *zp)
{
    float s;
    int z;
    if (lo > 0.0f) lo = 0.0f;
    if (hi < 0.0f) hi = 0.0f;
    if (!(hi - lo > 1e-8f)) hi = lo + 1e-8f;
    s = (hi - lo) / 255.0f;
    z = (int)lrintf(-128.0f - lo / s);
    *scale = s;
    *zp = z < -128 ? -128 : z > 127 ? 127 : z;
}

static int dp__export(dp_graph *g, const float *calib, int n_calib, void **blob,
                      size_t *len, dp_export_info *info, char *err, size_t cap);

/* A graph with pruning masks is compacted first: the model holds only the
   channels that are kept. */
int dp_export(dp_graph *g, const float *calib, int n_calib, void **blob,
              size_t *len, dp_export_info *info, char *err, size_t cap)
{
    int i, st, masked = 0;
    dp_graph *h;
    for (i = 0; g && i < g->mask_n; i++) masked |= g->mask[i] != NULL;
    if (!masked) return dp__export(g, calib, n_calib, blob, len, info, err, cap);
    if (!(h = dp_graph_compact(g, NULL, &st))) { dp__seterr(err, cap, "compacting the pruned graph: %s", dp_status_str(st)); return st; }
    st = dp__export(h, calib, n_calib, blob, len, info, err, cap);
    dp_graph_free(h);
    return st;
}

static int dp__export(dp_graph *g, const float *calib, int n_calib, void **blob,
                      size_t *len, dp_export_info *info, char *err, size_t cap)
{
    dp__view v;
    dp_sched_result r;
    dp_mb b;
    float *lo = NULL, *hi = NULL, *sc = NULL, *wq_scale = NULL, *wf = NULL, *bf = NULL;
    int *zp = NULL, k, i, st, batch = 50, out_k = -1, have_plan = 0;
    int8_t *wq = NULL;
    int32_t *bq = NULL;
    size_t per;
    if (!g || !calib || n_calib <= 0 || !blob || !len) return DP_ERR_ARG;
    *blob = NULL; *len = 0;
    if (g->status) { dp__seterr(err, cap, "%s", g->err); return g->status; }
    if ((st = dp__view_build(g, NULL, &v)) != DP_OK) { dp__seterr(err, cap, "out of memory"); return st; }
    dp_mb_init(&b);
    lo = (float *)DP_MALLOC(sizeof(float) * (size_t)v.nv);
    hi = (float *)DP_MALLOC(sizeof(float) * (size_t)v.nv);
    sc = (float *)DP_MALLOC(sizeof(float) * (size_t)v.nv);
    zp = (int *)DP_MALLOC(sizeof(int) * (size_t)v.nv);
    if (!lo || !hi || !sc || !zp) { st = DP_ERR_NOMEM; dp__seterr(err, cap, "out of memory"); goto done; }
    /* 1. calibration: activation ranges over the calibration inputs */
    for (k = 0; k < v.nv; k++) { lo[k] = INFINITY; hi[k] = -INFINITY; }
    per = (size_t)g->nodes[0].h * g->nodes[0].w * g->nodes[0].c;
    for (i = 0; i < n_calib; i += batch) {
        int nb = DP__MIN(batch, n_calib - i);
        g->labels_n = 0;
        if ((st = dp_graph_forward(g, calib + per * (size_t)i, nb, DP_EVAL)) != DP_OK) { dp__seterr(err, cap, "%s", g->err); goto done; }
        for (k = 0; k < v.nv; k++) {
            const dp__node *t = &g->nodes[v.tail[k]];
            size_t m = dp__numel(t, nb), j;
            if (t->op == DP_OP_SOFTMAX_CE) continue;
            for (j = 0; j < m; j++) {
                float x = t->y[j];
                if (x < lo[k]) lo[k] = x;
                if (x > hi[k]) hi[k] = x;
            }
        }
    }
    for (k = 0; k < v.nv; k++) {
        const dp__node *a = &g->nodes[v.anchor[k]];
        if (g->qat && g->qtail[v.tail[k]] == 2) {   /* ranges tracked by quantisation-aware training */
            lo[k] = g->qrange[2 * v.tail[k]];
            hi[k] = g->qrange[2 * v.tail[k] + 1];
        }
        if (!(lo[k] - lo[k] == 0.0f) || !(hi[k] - hi[k] == 0.0f)) {
            if (a->op != DP_OP_SOFTMAX_CE) {
                st = DP_ERR_NAN;
                dp__seterr(err, cap, "calibration: '%s' produced NaN or infinite values", a->name);
                goto done;
            }
        }
        if (a->op == DP_OP_SOFTMAX_CE) { sc[k] = 1.0f / 256.0f; zp[k] = -128; }
        else if (v.anchor[k] == 0 && g->in_q_set) { sc[k] = g->in_q_scale; zp[k] = g->in_q_zp; }
        else if (a->op == DP_OP_MAXPOOL || a->op == DP_OP_AVGPOOL || a->op == DP_OP_GAP) {
            int u = v.rep[a->in[0]];   /* pools keep their input's quantisation */
            sc[k] = sc[u]; zp[k] = zp[u];
        } else dp__qparams(lo[k], hi[k], &sc[k], &zp[k]);
    }
    /* 2. the exact peak-memory order and its arena */
    st = dp_sched_plan(&v.sg, NULL, &r);
    have_plan = 1;
    if (st != DP_OK && st != DP_ERR_LIMIT) { dp__seterr(err, cap, "scheduler: %s", r.error); goto done; }
    for (k = 0; k < v.nv; k++) {
        const dp__node *t = &g->nodes[v.tail[k]];
        int id = dp_mb_add_tensor(&b, t->h, t->w, v.cc[v.tail[k]], sc[k], zp[k], (uint32_t)r.offset[k]);
        if (id != k) { st = id < 0 ? id : DP_ERR_ARG; dp__seterr(err, cap, "model builder refused tensor %d", k); goto done; }
    }
    /* 3. ops in execution order */
    for (i = 0; i < r.n_order; i++) {
        dp_mb_op op;
        int8_t lut[256];
        int vk = r.order[i], a = v.anchor[vk], m, act = 0, bn = -1, x0;
        const dp__node *nd = &g->nodes[a];
        memset(&op, 0, sizeof op);
        for (m = 0; m < g->n_nodes; m++) {
            if (v.rep[m] != vk || m == a) continue;
            if (g->nodes[m].op == DP_OP_BN) bn = m;
            else if (g->nodes[m].op == DP_OP_RELU) act = 1;
            else if (g->nodes[m].op == DP_OP_RELU6) act = 2;
            else if (g->nodes[m].op == DP_OP_SIGMOID || g->nodes[m].op == DP_OP_SWISH) {
                st = DP_ERR_UNSUPPORTED;
                dp__seterr(err, cap, "int8 export: '%s' (%s) has no int8 kernel yet", g->nodes[m].name, dp__opdef(g->nodes[m].op)->name);
                goto done;
            }
        }
        op.output = vk;
        op.n_inputs = 0;
        for (m = 0; m < nd->n_in && m < DP_MAX_OP_INPUTS; m++) op.inputs[op.n_inputs++] = v.rep[nd->in[m]];
        x0 = nd->n_in ? v.rep[nd->in[0]] : -1;
        if (act) dp_qact_relu(sc[vk], zp[vk], act == 2 ? 6.0 : 0.0, &op.act_min, &op.act_max);
        op.kh = nd->kh; op.kw = nd->kw; op.stride_h = nd->sh; op.stride_w = nd->sw;
        op.dil_h = nd->dh; op.dil_w = nd->dw;
        op.pad_t = nd->pt; op.pad_l = nd->pl; op.pad_b = nd->pb; op.pad_r = nd->pr;
        switch (nd->op) {
        case DP_OP_CONV: case DP_OP_FC: {
            int dw = nd->op == DP_OP_CONV && dp__is_dw(g, nd), C = nd->c;
            /* (>>grouped) groups == cin with cout = M * cin, weights [cout][kh][kw][1] */
            const int dwm = nd->op == DP_OP_CONV && !dw && nd->groups > 1 && nd->groups == g->nodes[nd->in[0]].c;
            size_t per_c = nd->w_n / (size_t)C, j;
            const float *W = g->params + nd->w_off;
            op.kind = nd->op == DP_OP_FC ? DP_MOP_FC : dw || dwm ? DP_MOP_DWCONV2D : DP_MOP_CONV2D;
            if (nd->op == DP_OP_CONV && nd->groups > 1 && !dw && !dwm) {   /* >>grouped: 1 < groups < cin */
                op.kind = DP_MOP_GCONV2D;
                op.groups = nd->groups;
            }
            wf = (float *)DP_MALLOC(sizeof(float) * nd->w_n);
            bf = (float *)DP_MALLOC(sizeof(float) * (size_t)C);
            wq = (int8_t *)DP_MALLOC(nd->w_n);
            bq = (int32_t *)DP_MALLOC(sizeof(int32_t) * (size_t)C);
            wq_scale = (float *)DP_MALLOC(sizeof(float) * (size_t)C);
            if (!wf || !bf || !wq || !bq || !wq_scale) { st = DP_ERR_NOMEM; dp__seterr(err, cap, "out of memory"); goto done; }
            /* fold batch norm: W' = W * gamma/sd, b' = (b - mean) * gamma/sd + beta */
            for (j = 0; j < (size_t)C; j++) bf[j] = nd->has_bias ? g->params[nd->b_off + j] : 0.0f;
            memcpy(wf, W, sizeof(float) * nd->w_n);
            if (bn >= 0) {
                const dp__node *bnd = &g->nodes[bn];
                const float *gam = g->params + bnd->w_off, *bet = g->params + bnd->b_off;
                const float *rm = g->state + bnd->s_off, *rv = rm + bnd->c;
                for (j = 0; j < (size_t)C; j++) {
                    float f = gam[j] / sqrtf(rv[j] + (float)dp__bn_eps(bnd));
                    size_t e;
                    if (dw) for (e = 0; e < per_c; e++) wf[e * C + j] *= f;
                    else for (e = 0; e < per_c; e++) wf[j * per_c + e] *= f;
                    bf[j] = (bf[j] - rm[j]) * f + bet[j];
                }
            }
            for (j = 0; j < (size_t)C; j++) {
                float mx = 0.0f, s;
                size_t e;
                for (e = 0; e < per_c; e++) {
                    float w = fabsf(dw ? wf[e * C + j] : wf[j * per_c + e]);
                    if (w > mx) mx = w;
                }
                s = mx > 0.0f ? mx / 127.0f : 1e-8f;
                wq_scale[j] = s;
                for (e = 0; e < per_c; e++) {
                    size_t idx = dw ? e * C + j : j * per_c + e;
                    long q = lrintf(wf[idx] / s);
                    wq[idx] = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
                }
                {
                    double bb = (double)bf[j] / ((double)sc[x0] * (double)s);
                    if (bb > 2147483647.0) bb = 2147483647.0;
                    if (bb < -2147483648.0) bb = -2147483648.0;
                    bq[j] = (int32_t)llrint(bb);
                }
            }
            if (dwm) {   /* [cout][kh*kw] -> the depthwise layout [kh*kw][cout] */
                int8_t *wt = (int8_t *)DP_MALLOC(nd->w_n);
                size_t e;
                if (!wt) { st = DP_ERR_NOMEM; dp__seterr(err, cap, "out of memory"); goto done; }
                for (j = 0; j < (size_t)C; j++)
                    for (e = 0; e < per_c; e++) wt[e * C + j] = wq[j * per_c + e];
                DP_FREE(wq);
                wq = wt;
            }
            op.weights = wq; op.bias = bq; op.w_scale = wq_scale;
            op.n_inputs = 1;
        } break;
        case DP_OP_ADD: op.kind = DP_MOP_ADD; break;
        case DP_OP_MAXPOOL: op.kind = DP_MOP_MAXPOOL; break;
        case DP_OP_AVGPOOL: op.kind = DP_MOP_AVGPOOL; break;
        case DP_OP_GAP: op.kind = DP_MOP_GAP; op.kh = op.kw = 0; break;
        case DP_OP_CMUL: op.kind = DP_MOP_CHMUL; break;
        case DP_OP_CONCAT: op.kind = DP_MOP_CONCAT; break;
        case DP_OP_SOFTMAX_CE: op.kind = DP_MOP_SOFTMAX; op.beta = 1.0; out_k = vk; break;
        case DP_OP_LEAKY_RELU:   /* TFLite's LEAKY_RELU as a table; a ReLU after it clamps the table */
            if ((st = dp_leaky_relu_table(sc[x0], zp[x0], sc[vk], zp[vk], nd->p, lut)) != DP_OK) {
                dp__seterr(err, cap, "int8 export: leaky_relu '%s' (slope %g): %s", nd->name, (double)nd->p,
                           st != DP_ERR_UNSUPPORTED ? dp_status_str(st) : nd->p < 0.0f ? "a negative slope has no int8 table"
                           : "its scales need a multiplier out of range");
                goto done;
            }
            for (m = 0; act && m < 256; m++) lut[m] = (int8_t)DP__MIN(DP__MAX(lut[m], op.act_min), op.act_max);
            op.kind = DP_MOP_LUT; op.weights = lut;
            break;
        default:
            st = DP_ERR_UNSUPPORTED;
            dp__seterr(err, cap, "int8 export: '%s' (%s) has no int8 kernel", nd->name, dp__opdef(nd->op)->name);
            goto done;
        }
        st = dp_mb_add_op(&b, &op);
        DP_FREE(wf); DP_FREE(bf); DP_FREE(wq); DP_FREE(bq); DP_FREE(wq_scale);
        wf = bf = NULL; wq = NULL; bq = NULL; wq_scale = NULL;
        if (st < 0) {
            dp__seterr(err, cap, "model builder refused op '%s': %s", nd->name, b.why ? b.why : dp_status_str(st));
            goto done;
        }
    }
    if (out_k < 0) out_k = r.order[r.n_order - 1];
    if ((st = dp_mb_set_io(&b, 0, out_k)) < 0 || (st = dp_mb_finish(&b, blob, len)) != DP_OK) {
        dp__seterr(err, cap, "model builder: %s (at %d)", b.why ? b.why : dp_status_str(st), (int)b.where);
        goto done;
    }
    if (info) {
        dp_model mm;
        memset(info, 0, sizeof *info);
        info->pmu = r.exact ? r.peak_exact : r.peak_order;
        info->model_bytes = (int64_t)*len;
        info->n_ops = r.n_order;
        if (dp_model_init(&mm, *blob, *len) == DP_OK) {
            info->arena_bytes = (int64_t)dp_model_arena_size(&mm);
            info->macs = (int64_t)dp_model_macs(&mm);
        }
    }
    st = DP_OK;
done:
    if (have_plan) dp_sched_result_free(&r);
    dp_mb_free(&b);
    DP_FREE(lo); DP_FREE(hi); DP_FREE(sc); DP_FREE(zp);
    DP_FREE(wf); DP_FREE(bf); DP_FREE(wq); DP_FREE(bq); DP_FREE(wq_scale);
    dp__view_free(&v);
    return st;
}

int dp_graph_set_qat(dp_graph *g, int on)
{
    dp__view v;
    int k, st;
    if (!g) return DP_ERR_ARG;
    if (g->status) return g->status;
    if (!on) { g->qat = 0; return DP_OK; }
    if (!g->params_q) {
        if ((st = dp__view_build(g, NULL, &v)) != DP_OK) return dp__fail(g, st, "out of memory");
        g->params_q = (float *)DP_MALLOC(sizeof(float) * (g->n_params + 1));
        g->qrange = (float *)DP_CALLOC(2 * (size_t)g->n_nodes + 1, sizeof(float));
        g->qtail = (unsigned char *)DP_CALLOC((size_t)g->n_nodes + 1, 1);
        if (!g->params_q || !g->qrange || !g->qtail) { dp__view_free(&v); return dp__fail(g, DP_ERR_NOMEM, "out of memory for quantisation-aware training"); }
        /* the int8 tensors: outputs of the fused ops, and the input */
        for (k = 0; k < v.nv; k++) {
            if (g->nodes[v.anchor[k]].op != DP_OP_SOFTMAX_CE) g->qtail[v.tail[k]] = 1;
            if (v.anchor[k] == 0) g->in_q_tail = v.tail[k];
        }
        dp__view_free(&v);
    }
    g->qat = 1;
    return DP_OK;
}

int dp_graph_set_input_quant(dp_graph *g, float scale, int zero_point)
{
    if (!g) return DP_ERR_ARG;
    if (!(scale > 0.0f) || scale > 1e30f || zero_point < -128 || zero_point > 127)
        return dp__fail(g, DP_ERR_ARG, "input quantisation: scale must be > 0 and the zero point in [-128, 127]");
    g->in_q_set = 1; g->in_q_scale = scale; g->in_q_zp = zero_point;
    return DP_OK;
}

int dp_model_set_input_f32(const dp_model *m, void *arena, const float *x)
{
    dp_tensor_info ti;
    int8_t *in = dp_model_input(m, arena, &ti);
    float s;
    uint32_t i;
    if (!in || !x) return DP_ERR_ARG;
    memcpy(&s, &ti.scale_bits, 4);
    for (i = 0; i < ti.bytes; i++) {
        long q = lrintf(x[i] / s) + ti.zero_point;
        in[i] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
    }
    return DP_OK;
}

int dp_model_save(const char *path, const void *blob, size_t len)
{
    if (!path || !blob) return DP_ERR_ARG;
    return dp__write_atomic(path, (const unsigned char *)blob, len);
}

int dp_write_c_array(const char *path, const char *name, const void *blob, size_t len)
{
    FILE *f;
    const unsigned char *p = (const unsigned char *)blob;
    size_t i;
    int ok;
    if (!path || !name || !blob) return DP_ERR_ARG;
    f = fopen(path, "w");
    if (!f) return DP_ERR_IO;
    fprintf(f, "/* %s: int8 model for diffprune.h (%lu bytes). Generated; do not edit. */\n", name, (unsigned long)len);
    fprintf(f, "#include <stdint.h>\n#if defined(__GNUC__)\n__attribute__((aligned(4)))\n#endif\n");
    fprintf(f, "const unsigned char %s[%lu] = {", name, (unsigned long)len);
    for (i = 0; i < len; i++) fprintf(f, "%s%u,", i % 20 ? "" : "\n    ", (unsigned)p[i]);
    fprintf(f, "\n};\nconst unsigned long %s_len = %luUL;\n", name, (unsigned long)len);
    ok = ferror(f) == 0;
    ok = (fclose(f) == 0) && ok;
    return ok ? DP_OK : DP_ERR_IO;
}

/* ---------------------------------------------------------------------- */
/* >>tflite  TensorFlow Lite import (see >>api_tflite)                    */
/* ----------------------------------------------------------------------
   A flatbuffer is read in place. A table starts with an int32 soffset to
   its vtable (vtable = table - soffset): u16 vtable bytes, u16 table bytes,
   then one u16 offset per field (0 = absent, default value). References
   (sub-tables, vectors, strings) are u32 offsets forward from where they
   are stored; a vector is a u32 count then its elements. Every read below
   goes through dp__fb_* and is checked against the buffer; the first
   failure is kept (c->st, c->err) and later reads return "absent". */

typedef struct dp__fbt { size_t pos, vt; uint32_t vlen, tlen; } dp__fbt;

typedef struct dp__tflt {          /* one tensor of the subgraph           */
    int32_t shape[6], rank, type;
    size_t name; uint32_t name_len;
    const uint8_t *data; size_t data_len;   /* constant data, or NULL      */
    size_t scale, zp; uint32_t n_scale, n_zp; int32_t qdim;
    int32_t val;                  /* .dpm tensor it is a view of, or -1    */
    int32_t readers;              /* operators that read it                */
    int32_t pad[4];               /* a PAD absorbed by its reader: t b l r */
    int32_t padded;               /* 1: pad[] pending (output of a PAD)    */
} dp__tflt;

typedef struct dp__tflv {          /* one .dpm tensor                       */
    int32_t h, w, c, zp, tensor;
    float scale;
} dp__tflv;

typedef struct dp__tflop {         /* one .dpm op, in file order            */
    dp_mb_op op;
    int32_t file_op, code;
    int32_t *bias;
    float *w_scale;
    int32_t mult[2], shift[2];
    int8_t lut[256];
} dp__tflop;

typedef struct dp__tfl {
    const uint8_t *p;
    size_t n;
    char *err;
    size_t cap;
    int st;
    size_t buffers; uint32_t n_buffers;
    size_t opcodes; uint32_t n_opcodes;
    uint32_t n_t, n_fops;
    dp__tflt *T;
    dp__tflv *V; int32_t n_v;
    dp__tflop *O; int32_t n_o;
    int32_t in_t, out_t, in_read, float_in, float_out, out_v;
    int32_t tr, tr_rank, tr_dims[6], tr_perm[6];   /* TRANSPOSE of the input */
} dp__tfl;

static int dp__tfl_fail(dp__tfl *c, int st, const char *fmt, ...)
{
    if (!c->st) {     /* the first failure's message stays */
        va_list ap;
        c->st = st;
        va_start(ap, fmt);
        dp__vseterr(c->err, c->cap, fmt, ap);
        va_end(ap);
    }
    return c->st;
}
#define DP__FBBAD(c, what) dp__tfl_fail((c), DP_ERR_FORMAT, "corrupt .tflite: %s", (what))

static uint32_t dp__fb16(const dp__tfl *c, size_t at) { return (uint32_t)c->p[at] | (uint32_t)c->p[at + 1] << 8; }
static uint32_t dp__fb32(const dp__tfl *c, size_t at) { return dp__fb16(c, at) | dp__fb16(c, at + 2) << 16; }

/* the table at pos; 0 on success */
static int dp__fb_table(dp__tfl *c, size_t pos, dp__fbt *t)
{
    int64_t vt;
    memset(t, 0, sizeof *t);
    if (c->st) return -1;
    if (c->n < 8 || pos < 4 || pos > c->n - 4) return DP__FBBAD(c, "table offset outside the file"), -1;
    vt = (int64_t)pos - (int64_t)dp__u2s(dp__fb32(c, pos));
    if (vt < 0 || vt > (int64_t)c->n - 4 || (vt & 1)) return DP__FBBAD(c, "vtable offset outside the file"), -1;
    t->pos = pos;
    t->vt = (size_t)vt;
    t->vlen = dp__fb16(c, t->vt);
    t->tlen = dp__fb16(c, t->vt + 2);
    if (t->vlen < 4 || (t->vlen & 1) || t->vt + t->vlen > c->n) return DP__FBBAD(c, "vtable size"), -1;
    if (t->tlen < 4 || t->pos + t->tlen > c->n) return DP__FBBAD(c, "table size"), -1;
    return 0;
}

/* absolute position of field id (size bytes inside the table), 0 = absent */
static size_t dp__fb_field(dp__tfl *c, const dp__fbt *t, int id, uint32_t size)
{
    const uint32_t vo = 4u + 2u * (uint32_t)id;
    uint32_t off;
    if (c->st || !t->vlen || vo + 2u > t->vlen) return 0;
    off = dp__fb16(c, t->vt + vo);
    if (!off) return 0;
    if (off < 4u || off + size > t->tlen) { DP__FBBAD(c, "field outside its table"); return 0; }
    return t->pos + off;
}

static int64_t dp__fb_int(dp__tfl *c, const dp__fbt *t, int id, uint32_t size, int sgn, int64_t def)
{
    const size_t at = dp__fb_field(c, t, id, size);
    uint64_t v;
    if (!at) return def;
    if (size == 1) v = c->p[at];
    else if (size == 2) v = dp__fb16(c, at);
    else if (size == 4) v = dp__fb32(c, at);
    else v = (uint64_t)dp__fb32(c, at) | (uint64_t)dp__fb32(c, at + 4) << 32;
    if (sgn && size < 8 && (v >> (8 * size - 1)) & 1u) return (int64_t)v - ((int64_t)1 << (8 * size));
    return (int64_t)v;
}

static float dp__fb_f32at(const dp__tfl *c, size_t at)
{
    const uint32_t u = dp__fb32(c, at);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* follow the u32 reference stored at `at`; 0 on failure */
static size_t dp__fb_ref(dp__tfl *c, size_t at)
{
    const uint64_t to = (uint64_t)at + dp__fb32(c, at);
    if (to + 4u > c->n) { DP__FBBAD(c, "reference outside the file"); return 0; }
    return (size_t)to;
}

/* sub-table field: 1 present, 0 absent or error */
static int dp__fb_sub(dp__tfl *c, const dp__fbt *t, int id, dp__fbt *sub)
{
    const size_t at = dp__fb_field(c, t, id, 4);
    size_t to;
    memset(sub, 0, sizeof *sub);
    if (!at || !(to = dp__fb_ref(c, at))) return 0;
    return dp__fb_table(c, to, sub) == 0;
}

/* vector field of elem-byte elements: position of element 0 and count
   (0 and 0 when absent) */
static void dp__fb_vec(dp__tfl *c, const dp__fbt *t, int id, uint32_t elem, size_t *first, uint32_t *count)
{
    const size_t at = dp__fb_field(c, t, id, 4);
    size_t v;
    *first = 0;
    *count = 0;
    if (!at || !(v = dp__fb_ref(c, at))) return;
    if ((uint64_t)dp__fb32(c, v) * elem > (uint64_t)(c->n - v - 4u)) { DP__FBBAD(c, "vector longer than the file"); return; }
    *first = v + 4u;
    *count = dp__fb32(c, v);
}

/* element k of a vector of tables */
static int dp__fb_vtab(dp__tfl *c, size_t first, uint32_t count, uint32_t k, dp__fbt *t)
{
    size_t to;
    memset(t, 0, sizeof *t);
    if (c->st || k >= count || !(to = dp__fb_ref(c, first + 4u * (size_t)k))) return -1;
    return dp__fb_table(c, to, t);
}

static int32_t dp__fb_i32v(const dp__tfl *c, size_t first, uint32_t k) { return dp__u2s(dp__fb32(c, first + 4u * (size_t)k)); }

/* ---- names for messages ---- */
static const char *dp__tfl_opname(int32_t code)
{
    static const char *const nm[] = {
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
        "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
        "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION",
        "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR",
        "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL",
        "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER",
        "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
        "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2",
        "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM",
        "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2"
    };
    if (code >= 0 && code < (int32_t)(sizeof nm / sizeof nm[0])) return nm[code];
    if (code == 70) return "EXPAND_DIMS";
    if (code == 114) return "QUANTIZE";
    if (code == 117) return "HARD_SWISH";
    if (code == 126) return "BATCH_MATMUL";
    return "builtin operator";
}
static const char *dp__tfl_typename(int32_t t)
{
    static const char *const nm[] = { "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL",
                                      "INT16", "COMPLEX64", "INT8", "FLOAT64" };
    return (t >= 0 && t < 11) ? nm[t] : "unknown type";
}
/* the tensor's name, printable, at most 40 bytes */
static const char *dp__tfl_tname(const dp__tfl *c, int32_t t, char buf[48])
{
    uint32_t i, n;
    if (t < 0 || (uint32_t)t >= c->n_t) return "?";
    n = c->T[t].name_len < 40u ? c->T[t].name_len : 40u;
    for (i = 0; i < n; i++) {
        const uint8_t ch = c->p[c->T[t].name + i];
        buf[i] = (char)(ch >= 32 && ch < 127 ? ch : '?');
    }
    buf[n] = 0;
    return n ? buf : "(unnamed)";
}

enum {   /* TFLite builtin operator codes and tensor types used below */
    DP__TFL_ADD = 0, DP__TFL_AVGPOOL = 1, DP__TFL_CONCAT = 2, DP__TFL_CONV = 3, DP__TFL_DWCONV = 4,
    DP__TFL_DEQUANTIZE = 6, DP__TFL_FC = 9, DP__TFL_LOGISTIC = 14, DP__TFL_MAXPOOL = 17, DP__TFL_MUL = 18,
    DP__TFL_RESHAPE = 22, DP__TFL_SOFTMAX = 25, DP__TFL_PAD = 34, DP__TFL_TRANSPOSE = 39, DP__TFL_MEAN = 40, DP__TFL_SQUEEZE = 43,
    DP__TFL_PADV2 = 60, DP__TFL_EXPAND_DIMS = 70, DP__TFL_QUANTIZE = 114,
    DP__TFL_FLOAT32 = 0, DP__TFL_INT32 = 2, DP__TFL_INT64 = 4, DP__TFL_INT8 = 9
};

/* ---- tensors ---- */
static int dp__tfl_tensors(dp__tfl *c, const dp__fbt *sg)
{
    size_t tv, first;
    uint32_t i, k, cnt;
    dp__fb_vec(c, sg, 0, 4, &tv, &c->n_t);
    if (c->st) return c->st;
    if (c->n_t == 0 || c->n_t > 65535u) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "subgraph has %u tensors (1..65535 supported)", c->n_t);
    c->T = (dp__tflt *)DP_CALLOC(c->n_t, sizeof(dp__tflt));
    if (!c->T) return dp__tfl_fail(c, DP_ERR_NOMEM, "out of memory");
    for (i = 0; i < c->n_t; i++) {
        dp__tflt *t = &c->T[i];
        dp__fbt tt, q, sp, buf;
        uint32_t b;
        t->val = -1;
        if (dp__fb_vtab(c, tv, c->n_t, i, &tt)) return c->st;
        dp__fb_vec(c, &tt, 0, 4, &first, &cnt);
        if (cnt > 6) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "tensor %u has rank %u (at most 6 supported)", i, cnt);
        t->rank = (int32_t)cnt;
        for (k = 0; k < cnt; k++) t->shape[k] = dp__fb_i32v(c, first, k);
        t->type = (int32_t)dp__fb_int(c, &tt, 1, 1, 1, 0);
        b = (uint32_t)dp__fb_int(c, &tt, 2, 4, 0, 0);
        dp__fb_vec(c, &tt, 3, 1, &t->name, &t->name_len);
        if (dp__fb_sub(c, &tt, 4, &q)) {
            if (dp__fb_int(c, &q, 4, 1, 0, 0) != 0)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "tensor %u: custom quantization details are not supported", i);
            dp__fb_vec(c, &q, 2, 4, &t->scale, &t->n_scale);
            dp__fb_vec(c, &q, 3, 8, &t->zp, &t->n_zp);
            t->qdim = (int32_t)dp__fb_int(c, &q, 6, 4, 1, 0);
        }
        if (dp__fb_sub(c, &tt, 6, &sp))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "tensor %u: sparse tensors are not supported", i);
        if (c->st) return c->st;
        if (b >= c->n_buffers) return DP__FBBAD(c, "tensor buffer index out of range");
        if (b > 0) {
            uint64_t off;
            if (dp__fb_vtab(c, c->buffers, c->n_buffers, b, &buf)) return c->st;
            dp__fb_vec(c, &buf, 0, 1, &first, &cnt);
            off = (uint64_t)dp__fb_int(c, &buf, 1, 8, 0, 0);
            if (cnt) {
                t->data = c->p + first;
                t->data_len = cnt;
            } else if (off > 1) {   /* data outside the flatbuffer (> 2 GB models) */
                const uint64_t sz = (uint64_t)dp__fb_int(c, &buf, 2, 8, 0, 0);
                if (off > c->n || sz > c->n - off) return DP__FBBAD(c, "buffer offset/size outside the file");
                t->data = c->p + off;
                t->data_len = (size_t)sz;
            }
            if (c->st) return c->st;
        }
    }
    return c->st;
}

/* element count; -1 if a dimension is < 1 or the count is > 2^31 */
static int64_t dp__tfl_elems(const dp__tflt *t)
{
    int64_t n = 1;
    int32_t k;
    for (k = 0; k < t->rank; k++) {
        if (t->shape[k] < 1) return -1;
        n *= t->shape[k];
        if (n > 0x7FFFFFFF) return -1;
    }
    return n;
}

/* NHWC view of an activation: leading dims must be 1 beyond the last 3 */
static int dp__tfl_hwc(const dp__tflt *t, int32_t *h, int32_t *w, int32_t *ch)
{
    int32_t d[3] = { 1, 1, 1 }, k, j = 2;
    if (dp__tfl_elems(t) < 0) return -1;
    for (k = t->rank - 1; k >= 0; k--) {
        if (j >= 0) d[j--] = t->shape[k];
        else if (t->shape[k] != 1) return -1;
    }
    /* [1, h, w] (rank 3) and [1, n] (rank 2): the batch is the 1 in front */
    if (t->rank == 3 && t->shape[0] == 1) { d[0] = 1; d[1] = t->shape[1]; d[2] = t->shape[2]; }
    if (d[0] > 65535 || d[1] > 65535 || d[2] > 65535) return -1;
    *h = d[0]; *w = d[1]; *ch = d[2];
    return 0;
}

/* per-tensor quantisation of an activation: scale > 0, zp in int8 range */
static int dp__tfl_aq(dp__tfl *c, int32_t ti, float *scale, int32_t *zp)
{
    const dp__tflt *t = &c->T[ti];
    int64_t z;
    if (t->n_scale < 1 || t->n_zp < 1) return -1;
    *scale = dp__fb_f32at(c, t->scale);
    z = (int64_t)((uint64_t)dp__fb32(c, t->zp) | (uint64_t)dp__fb32(c, t->zp + 4) << 32);
    if (!(*scale > 0.0f) || *scale > 1e30f || z < -128 || z > 127) return -1;
    *zp = (int32_t)z;
    return 0;
}

/* ---- .dpm tensors and ops ---- */
static int32_t dp__tfl_newval(dp__tfl *c, int32_t fop, int32_t code, int32_t ti)
{
    char nb[48];
    dp__tflv *v;
    if (c->st) return -1;
    if (c->T[ti].type != DP__TFL_INT8) {
        dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output tensor %d '%s' is %s; diffprune runs int8 activations only",
                     dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb), dp__tfl_typename(c->T[ti].type));
        return -1;
    }
    v = &c->V[c->n_v];
    if (dp__tfl_hwc(&c->T[ti], &v->h, &v->w, &v->c) || dp__tfl_aq(c, ti, &v->scale, &v->zp) || c->T[ti].n_scale != 1) {
        dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): tensor %d '%s' needs a batch-1 shape of dims <= 65535 and one int8 scale/zero point",
                     dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb));
        return -1;
    }
    v->tensor = ti;
    c->T[ti].val = c->n_v;
    return c->n_v++;
}

/* the .dpm tensor an op reads through tensor ti; exact = 1 when the op
   needs the tensor's own h, w, c (not just its bytes) */
static int32_t dp__tfl_in(dp__tfl *c, int32_t fop, int32_t code, int32_t ti, int exact, int pad_ok)
{
    char nb[48];
    dp__tflt *t;
    dp__tflv *v;
    int32_t h, w, ch;
    if (c->st) return -1;
    if (ti < 0 || (uint32_t)ti >= c->n_t) { DP__FBBAD(c, "operator input index out of range"); return -1; }
    t = &c->T[ti];
    if (t->val < 0 || t->data) {
        dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): input tensor %d '%s' is %s", dp__tfl_opname(code), fop, ti,
                     dp__tfl_tname(c, ti, nb), t->data ? "a constant (only weights/biases may be)" : "not produced by a supported op");
        return -1;
    }
    if (t->padded && !pad_ok) {
        dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): reads the output of a PAD; only CONV_2D and DEPTHWISE_CONV_2D absorb a PAD",
                     dp__tfl_opname(code), fop);
        return -1;
    }
    v = &c->V[t->val];
    if (exact && !t->padded) {
        if (dp__tfl_hwc(t, &h, &w, &ch)) { dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): tensor %d '%s' shape", dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb)); return -1; }
        if (h != v->h || w != v->w || ch != v->c) {
            /* a reshaped model input can take the shape its first reader wants */
            if (t->val == 0 && !c->in_read) { v->h = h; v->w = w; v->c = ch; }
            else {
                dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): tensor %d '%s' is a RESHAPE to %dx%dx%d of a %dx%dx%d tensor; not a view this op can read",
                             dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb), h, w, ch, v->h, v->w, v->c);
                return -1;
            }
        }
    }
    if (t->val == 0) c->in_read = 1;
    return t->val;
}

static dp__tflop *dp__tfl_newop(dp__tfl *c, int32_t fop, int32_t code, int kind)
{
    dp__tflop *o = &c->O[c->n_o++];
    memset(o, 0, sizeof *o);
    o->file_op = fop;
    o->code = code;
    o->op.kind = kind;
    return o;
}

/* TFLM's CalculateActivationRangeQuantized for int8 */
static int dp__tfl_act(dp__tfl *c, int32_t fop, int32_t code, int64_t fused, const dp__tflv *o, dp_mb_op *op)
{
    float lo = -1e30f, hi = 1e30f;
    int32_t a = -128, b = 127;
    if (fused == 0) return 0;
    if (fused == 1) lo = 0.0f;
    else if (fused == 2) { lo = -1.0f; hi = 1.0f; }
    else if (fused == 3) { lo = 0.0f; hi = 6.0f; }
    else return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): fused activation %d is not supported (NONE, RELU, RELU_N1_TO_1, RELU6 are)",
                             dp__tfl_opname(code), fop, (int)fused);
    if (lo > -1e29f) {
        const float q = roundf(lo / o->scale) + (float)o->zp;
        a = q > 127.0f ? 127 : (q < -128.0f ? -128 : (int32_t)q);
    }
    if (hi < 1e29f) {
        const float q = roundf(hi / o->scale) + (float)o->zp;
        b = q > 127.0f ? 127 : (q < -128.0f ? -128 : (int32_t)q);
    }
    if (a > b || (a == 0 && b == 0))
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): fused activation range [%d, %d] unusable", dp__tfl_opname(code), fop, a, b);
    op->act_min = a;
    op->act_max = b;
    return 0;
}

/* TFLite's padding rule for one axis: checks the file's output size */
static int dp__tfl_pad(int32_t in, int32_t k, int32_t s, int32_t d, int same, int32_t out, int32_t *p0, int32_t *p1)
{
    int64_t eff, want, total;
    if (k < 1 || s < 1 || d < 1 || s > 255 || k > 255 || d > 255) return -1;
    eff = (int64_t)(k - 1) * d + 1;
    if (same) want = ((int64_t)in + s - 1) / s;
    else want = in >= eff ? ((int64_t)in - eff) / s + 1 : 0;
    if (want != out || out < 1) return -1;
    total = (want - 1) * s + eff - in;
    if (total < 0 || !same) total = 0;
    *p0 = (int32_t)(total / 2);
    *p1 = (int32_t)(total - total / 2);
    return 0;
}

/* constant int8 weights with symmetric per-tensor or per-channel scales
   along dimension qdim (n channels); w_scale[n] out */
static int dp__tfl_weights(dp__tfl *c, int32_t fop, int32_t code, int32_t ti, int32_t qdim, int32_t n, float **w_scale)
{
    char nb[48];
    const dp__tflt *t = &c->T[ti];
    int64_t e = dp__tfl_elems(t);
    uint32_t k;
    if (t->type != DP__TFL_INT8 || !t->data || e < 0 || (size_t)e != t->data_len)
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights tensor %d '%s' must be constant int8 (%s, %s)", dp__tfl_opname(code), fop,
                            ti, dp__tfl_tname(c, ti, nb), dp__tfl_typename(t->type), t->data ? "data size wrong" : "no data");
    if (!(t->n_scale == 1 || ((int32_t)t->n_scale == n && t->qdim == qdim)) || t->n_zp != t->n_scale)
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights tensor %d '%s' needs one scale or one per output channel",
                            dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb));
    *w_scale = (float *)DP_MALLOC(sizeof(float) * (size_t)n);
    if (!*w_scale) return dp__tfl_fail(c, DP_ERR_NOMEM, "out of memory");
    for (k = 0; k < (uint32_t)n; k++) {
        const uint32_t j = t->n_scale == 1 ? 0 : k;
        const float s = dp__fb_f32at(c, t->scale + 4u * j);
        if (dp__fb32(c, t->zp + 8u * j) || dp__fb32(c, t->zp + 8u * j + 4u))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights tensor %d '%s' has a nonzero zero point (asymmetric weights)",
                                dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb));
        if (!(s > 0.0f) || s > 1e30f)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights tensor %d '%s' scale not positive", dp__tfl_opname(code), fop, ti, dp__tfl_tname(c, ti, nb));
        (*w_scale)[k] = s;
    }
    return 0;
}

/* optional constant int32 bias of n values */
static int dp__tfl_bias(dp__tfl *c, int32_t fop, int32_t code, int32_t ti, int32_t n, int32_t **bias)
{
    char nb[48];
    const dp__tflt *t;
    int32_t k;
    *bias = NULL;
    if (ti < 0) return 0;
    if ((uint32_t)ti >= c->n_t) return DP__FBBAD(c, "bias index out of range");
    t = &c->T[ti];
    if (t->type != DP__TFL_INT32 || !t->data || dp__tfl_elems(t) != n || t->data_len != 4u * (size_t)n)
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): bias tensor %d '%s' must be constant int32[%d] (is %s)", dp__tfl_opname(code),
                            fop, ti, dp__tfl_tname(c, ti, nb), n, dp__tfl_typename(t->type));
    *bias = (int32_t *)DP_MALLOC(sizeof(int32_t) * (size_t)n);
    if (!*bias) return dp__tfl_fail(c, DP_ERR_NOMEM, "out of memory");
    for (k = 0; k < n; k++)
        (*bias)[k] = dp__u2s((uint32_t)t->data[4 * k] | (uint32_t)t->data[4 * k + 1] << 8 |
                             (uint32_t)t->data[4 * k + 2] << 16 | (uint32_t)t->data[4 * k + 3] << 24);
    return 0;
}

/* a constant int32/int64 vector's value k */
static int64_t dp__tfl_cint(const dp__tflt *t, size_t k)
{
    const size_t sz = t->type == DP__TFL_INT64 ? 8u : 4u;
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < sz; i++) v |= (uint64_t)t->data[k * sz + i] << (8 * i);
    if (sz == 4) return (int64_t)dp__u2s((uint32_t)v);
    return (int64_t)v;
}
static int dp__tfl_cvec_ok(const dp__tflt *t, int64_t n)
{
    const size_t sz = t->type == DP__TFL_INT64 ? 8u : 4u;
    return (t->type == DP__TFL_INT32 || t->type == DP__TFL_INT64) && t->data && dp__tfl_elems(t) == n &&
           t->data_len == (size_t)n * sz;
}

/* ---- operators ---- */
static int dp__tfl_same_q(const dp__tfl *c, int32_t a, int32_t b)
{
    return c->V[a].zp == c->V[b].zp && dp__f32_bits(c->V[a].scale) == dp__f32_bits(c->V[b].scale);
}

static int dp__tfl_op(dp__tfl *c, int32_t fop, const dp__fbt *ot)
{
    char nb[48];
    dp__fbt oc, opt;
    size_t fin, fout;
    uint32_t nin, nout, k;
    int32_t code, in[8], out, x, y, has_opt;
    int64_t fused = 0;
    dp__tflop *o;
    const uint32_t opc = (uint32_t)dp__fb_int(c, ot, 0, 4, 0, 0);
    if (c->st) return c->st;
    if (opc >= c->n_opcodes) return DP__FBBAD(c, "operator code index out of range");
    if (dp__fb_vtab(c, c->opcodes, c->n_opcodes, opc, &oc)) return c->st;
    code = (int32_t)dp__fb_int(c, &oc, 3, 4, 1, 0);
    if ((int32_t)dp__fb_int(c, &oc, 0, 1, 1, 0) > code) code = (int32_t)dp__fb_int(c, &oc, 0, 1, 1, 0);
    dp__fb_vec(c, ot, 1, 4, &fin, &nin);
    dp__fb_vec(c, ot, 2, 4, &fout, &nout);
    if (c->st) return c->st;
    if (nout != 1) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): %u outputs (one supported)", dp__tfl_opname(code), fop, nout);
    for (k = 0; k < 8; k++) in[k] = k < nin ? dp__fb_i32v(c, fin, k) : -1;
    for (k = 0; k < nin && k < 8; k++)
        if (in[k] < -1 || in[k] >= (int32_t)c->n_t) return DP__FBBAD(c, "operator input index out of range");
    out = dp__fb_i32v(c, fout, 0);
    if (out < 0 || (uint32_t)out >= c->n_t) return DP__FBBAD(c, "operator output index out of range");
    if (c->T[out].val >= 0 || c->T[out].data || out == c->in_t)
        return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): output tensor %d is written twice, constant, or the model input", dp__tfl_opname(code), fop, out);
    has_opt = dp__fb_sub(c, ot, 4, &opt);
    if (c->st) return c->st;
    if (has_opt) {
        /* the options table must be the op's own (BuiltinOptions union) */
        static const int16_t want[][2] = { { DP__TFL_CONV, 1 }, { DP__TFL_DWCONV, 2 }, { DP__TFL_AVGPOOL, 5 }, { DP__TFL_MAXPOOL, 5 },
                                           { DP__TFL_FC, 8 }, { DP__TFL_SOFTMAX, 9 }, { DP__TFL_CONCAT, 10 }, { DP__TFL_ADD, 11 },
                                           { DP__TFL_MUL, 21 }, { DP__TFL_MEAN, 27 } };
        const int64_t ty = dp__fb_int(c, ot, 3, 1, 0, 0);
        for (k = 0; k < sizeof want / sizeof want[0]; k++)
            if (want[k][0] == code && want[k][1] != ty)
                return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): options of type %d, not %d", dp__tfl_opname(code), fop, (int)ty, want[k][1]);
    }

    switch (code) {
    case DP__TFL_CONV:
    case DP__TFL_DWCONV: {
        const int dw = code == DP__TFL_DWCONV;
        const dp__tflt *wt;
        int32_t cin, cout, kh, kw, sh, sw, dh, dwf, pt, pb, pl, pr, same, opad[4] = { 0, 0, 0, 0 };
        if (nin < 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input and weights", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 1);
        if (x < 0) return c->st;
        if (c->T[in[0]].padded) memcpy(opad, c->T[in[0]].pad, sizeof opad);
        wt = &c->T[in[1]];
        if (wt->rank != 4) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights are not 4-D", dp__tfl_opname(code), fop);
        cin = c->V[x].c;
        cout = dw ? wt->shape[3] : wt->shape[0];
        kh = wt->shape[1];
        kw = wt->shape[2];
        o = dp__tfl_newop(c, fop, code, dw ? DP_MOP_DWCONV2D : DP_MOP_CONV2D);
        if (dp__tfl_weights(c, fop, code, in[1], dw ? 3 : 0, cout, &o->w_scale)) return c->st;
        if (dw) {
            if (wt->shape[0] != 1 || cout % cin) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights [%d,%d,%d,%d] do not fit %d input channels",
                                                                     dp__tfl_opname(code), fop, wt->shape[0], kh, kw, cout, cin);
            /* a depth multiplier cout / cin > 1 is dwconv2d's too (>>grouped) */
        } else if (wt->shape[3] != cin) {
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights have %d input channels, the input %d (grouped convolution is not supported)",
                                dp__tfl_opname(code), fop, wt->shape[3], cin);
        }
        if (dp__tfl_bias(c, fop, code, nin > 2 ? in[2] : -1, cout, &o->bias)) return c->st;
        if (!has_opt) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): options missing", dp__tfl_opname(code), fop);
        same = dp__fb_int(c, &opt, 0, 1, 1, 0) == 0;
        sw = (int32_t)dp__fb_int(c, &opt, 1, 4, 1, 0);
        sh = (int32_t)dp__fb_int(c, &opt, 2, 4, 1, 0);
        fused = dp__fb_int(c, &opt, dw ? 4 : 3, 1, 1, 0);
        dwf = (int32_t)dp__fb_int(c, &opt, dw ? 5 : 4, 4, 1, 1);
        dh = (int32_t)dp__fb_int(c, &opt, dw ? 6 : 5, 4, 1, 1);
        y = dp__tfl_newval(c, fop, code, out);
        if (y < 0) return c->st;
        if (c->V[y].c != cout || dp__tfl_pad(c->V[x].h + opad[0] + opad[1], kh, sh, dh, same, c->V[y].h, &pt, &pb) ||
            dp__tfl_pad(c->V[x].w + opad[2] + opad[3], kw, sw, dwf, same, c->V[y].w, &pl, &pr))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output %dx%dx%d does not follow from input %dx%dx%d, kernel %dx%d, stride %d,%d, dilation %d,%d (kernel/stride/dilation <= 255)",
                                dp__tfl_opname(code), fop, c->V[y].h, c->V[y].w, c->V[y].c, c->V[x].h, c->V[x].w, c->V[x].c, kh, kw, sh, sw, dh, dwf);
        pt += opad[0]; pb += opad[1]; pl += opad[2]; pr += opad[3];
        if (pt > 255 || pb > 255 || pl > 255 || pr > 255) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): padding > 255", dp__tfl_opname(code), fop);
        o->op.kh = kh; o->op.kw = kw; o->op.stride_h = sh; o->op.stride_w = sw; o->op.dil_h = dh; o->op.dil_w = dwf;
        o->op.pad_t = pt; o->op.pad_b = pb; o->op.pad_l = pl; o->op.pad_r = pr;
        o->op.weights = (const int8_t *)wt->data;
        break;
    }
    case DP__TFL_FC: {
        const dp__tflt *wt;
        int32_t n_in, n_out;
        if (nin < 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input and weights", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 0, 0);
        if (x < 0) return c->st;
        wt = &c->T[in[1]];
        if (wt->rank != 2) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): weights are not 2-D", dp__tfl_opname(code), fop);
        n_out = wt->shape[0];
        n_in = wt->shape[1];
        if ((int64_t)n_in != (int64_t)c->V[x].h * c->V[x].w * c->V[x].c)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): input has %d values, the weights take %d (batch > 1?)", dp__tfl_opname(code), fop,
                                c->V[x].h * c->V[x].w * c->V[x].c, n_in);
        o = dp__tfl_newop(c, fop, code, DP_MOP_FC);
        if (dp__tfl_weights(c, fop, code, in[1], 0, n_out, &o->w_scale) ||
            dp__tfl_bias(c, fop, code, nin > 2 ? in[2] : -1, n_out, &o->bias)) return c->st;
        if (has_opt) {
            fused = dp__fb_int(c, &opt, 0, 1, 1, 0);
            if (dp__fb_int(c, &opt, 1, 1, 1, 0) != 0)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): shuffled weights format", dp__tfl_opname(code), fop);
        }
        y = dp__tfl_newval(c, fop, code, out);
        if (y < 0) return c->st;
        if ((int64_t)c->V[y].h * c->V[y].w * c->V[y].c != n_out)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output is not %d values", dp__tfl_opname(code), fop, n_out);
        c->V[y].h = c->V[y].w = 1;
        c->V[y].c = n_out;
        o->op.weights = (const int8_t *)wt->data;
        break;
    }
    case DP__TFL_ADD:
    case DP__TFL_MUL: {
        int32_t x1;
        if (nin != 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs two inputs", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);
        x1 = dp__tfl_in(c, fop, code, in[1], 1, 0);
        y = dp__tfl_newval(c, fop, code, out);
        if (x < 0 || x1 < 0 || y < 0) return c->st;
        if (has_opt) fused = dp__fb_int(c, &opt, 0, 1, 1, 0);
        if (code == DP__TFL_MUL && c->V[x].h * c->V[x].w == 1 && c->V[x1].h * c->V[x1].w > 1) { int32_t t = x; x = x1; x1 = t; }
        if (code == DP__TFL_MUL && c->V[x1].h == 1 && c->V[x1].w == 1 && c->V[x].c == c->V[x1].c &&
            (c->V[x].h > 1 || c->V[x].w > 1) && c->V[y].h == c->V[x].h && c->V[y].w == c->V[x].w && c->V[y].c == c->V[x].c) {
            o = dp__tfl_newop(c, fop, code, DP_MOP_CHMUL);   /* x * s[1x1xC] */
        } else {
            for (k = 0; k < 2; k++) {
                const dp__tflv *a = &c->V[k ? x1 : x];
                if (a->h != c->V[y].h || a->w != c->V[y].w || a->c != c->V[y].c)
                    return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): inputs %dx%dx%d and %dx%dx%d -> %dx%dx%d: broadcasting is not supported",
                                        dp__tfl_opname(code), fop, c->V[x].h, c->V[x].w, c->V[x].c, c->V[x1].h, c->V[x1].w, c->V[x1].c,
                                        c->V[y].h, c->V[y].w, c->V[y].c);
            }
            o = dp__tfl_newop(c, fop, code, code == DP__TFL_ADD ? DP_MOP_ADD : DP_MOP_MUL);
        }
        o->op.n_inputs = 2;
        o->op.inputs[1] = x1;
        break;
    }
    case DP__TFL_AVGPOOL:
    case DP__TFL_MAXPOOL: {
        int32_t kh, kw, sh, sw, pt, pb, pl, pr, same;
        if (nin != 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs one input", dp__tfl_opname(code), fop);
        if (!has_opt) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): options missing", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);
        y = dp__tfl_newval(c, fop, code, out);
        if (x < 0 || y < 0) return c->st;
        same = dp__fb_int(c, &opt, 0, 1, 1, 0) == 0;
        sw = (int32_t)dp__fb_int(c, &opt, 1, 4, 1, 0);
        sh = (int32_t)dp__fb_int(c, &opt, 2, 4, 1, 0);
        kw = (int32_t)dp__fb_int(c, &opt, 3, 4, 1, 0);
        kh = (int32_t)dp__fb_int(c, &opt, 4, 4, 1, 0);
        fused = dp__fb_int(c, &opt, 5, 1, 1, 0);
        if (!dp__tfl_same_q(c, x, y))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output quantisation differs from the input's", dp__tfl_opname(code), fop);
        if (c->V[y].c != c->V[x].c || dp__tfl_pad(c->V[x].h, kh, sh, 1, same, c->V[y].h, &pt, &pb) ||
            dp__tfl_pad(c->V[x].w, kw, sw, 1, same, c->V[y].w, &pl, &pr) || pt >= kh || pb >= kh || pl >= kw || pr >= kw)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output %dx%dx%d does not follow from input %dx%dx%d, window %dx%d, stride %d,%d",
                                dp__tfl_opname(code), fop, c->V[y].h, c->V[y].w, c->V[y].c, c->V[x].h, c->V[x].w, c->V[x].c, kh, kw, sh, sw);
        o = dp__tfl_newop(c, fop, code, code == DP__TFL_AVGPOOL ? DP_MOP_AVGPOOL : DP_MOP_MAXPOOL);
        o->op.kh = kh; o->op.kw = kw; o->op.stride_h = sh; o->op.stride_w = sw;
        o->op.pad_t = pt; o->op.pad_b = pb; o->op.pad_l = pl; o->op.pad_r = pr;
        break;
    }
    case DP__TFL_MEAN: {
        const dp__tflt *ax;
        int seen = 0;
        if (nin != 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input and axes", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);
        if (x < 0) return c->st;
        ax = &c->T[in[1]];
        if (c->T[in[0]].rank != 4 || !dp__tfl_cvec_ok(ax, dp__tfl_elems(ax)) || dp__tfl_elems(ax) != 2)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only the mean over height and width of a 4-D tensor (constant axes {1, 2})",
                                dp__tfl_opname(code), fop);
        for (k = 0; k < 2; k++) {
            const int64_t a = dp__tfl_cint(ax, k);
            if (a == 1 || a == -3) seen |= 1;
            if (a == 2 || a == -2) seen |= 2;
        }
        y = dp__tfl_newval(c, fop, code, out);
        if (y < 0) return c->st;
        if (seen != 3 || (int64_t)c->V[y].h * c->V[y].w * c->V[y].c != c->V[x].c)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only the mean over height and width (axes {1, 2})", dp__tfl_opname(code), fop);
        c->V[y].h = c->V[y].w = 1;
        c->V[y].c = c->V[x].c;
        o = dp__tfl_newop(c, fop, code, DP_MOP_MEAN);
        break;
    }
    case DP__TFL_CONCAT: {
        int32_t axis, sum = 0;
        const int32_t rank = c->T[out].rank;
        if (nin < 1 || nin > DP_MAX_OP_INPUTS) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): %u inputs (1..8 supported)", dp__tfl_opname(code), fop, nin);
        axis = has_opt ? (int32_t)dp__fb_int(c, &opt, 0, 4, 1, 0) : 0;
        if (has_opt) fused = dp__fb_int(c, &opt, 1, 1, 1, 0);
        if (axis < 0) axis += rank;
        y = dp__tfl_newval(c, fop, code, out);
        if (y < 0) return c->st;
        if (axis != rank - 1 || fused != 0)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only concatenation along channels (the last axis), without activation", dp__tfl_opname(code), fop);
        o = dp__tfl_newop(c, fop, code, DP_MOP_CONCAT);
        o->op.n_inputs = (int)nin;
        for (k = 0; k < nin; k++) {
            const int32_t v = dp__tfl_in(c, fop, code, in[k], 1, 0);
            if (v < 0) return c->st;
            if (c->V[v].h != c->V[y].h || c->V[v].w != c->V[y].w || !dp__tfl_same_q(c, v, y))
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): input %u differs in height/width or quantisation from the output",
                                    dp__tfl_opname(code), fop, k);
            o->op.inputs[k] = v;
            sum += c->V[v].c;
        }
        if (sum != c->V[y].c) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): channels do not add up", dp__tfl_opname(code), fop);
        x = o->op.inputs[0];
        break;
    }
    case DP__TFL_PAD:
    case DP__TFL_PADV2: {
        const dp__tflt *pd;
        dp__tflt *to = &c->T[out];
        int32_t p[8];
        if (nin < 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input and paddings", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);
        if (x < 0) return c->st;
        pd = &c->T[in[1]];
        if (c->T[in[0]].rank != 4 || !dp__tfl_cvec_ok(pd, 8))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only constant paddings of a 4-D tensor", dp__tfl_opname(code), fop);
        for (k = 0; k < 8; k++) {
            const int64_t v = dp__tfl_cint(pd, k);
            if (v < 0 || v > 255) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): padding outside 0..255", dp__tfl_opname(code), fop);
            p[k] = (int32_t)v;
        }
        if (p[0] || p[1] || p[6] || p[7])
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only height/width padding", dp__tfl_opname(code), fop);
        {
            float s;
            int32_t z, h, w, ch;
            if (to->type != DP__TFL_INT8 || dp__tfl_aq(c, out, &s, &z) || z != c->V[x].zp || dp__f32_bits(s) != dp__f32_bits(c->V[x].scale) ||
                dp__tfl_hwc(to, &h, &w, &ch) || h != c->V[x].h + p[2] + p[3] || w != c->V[x].w + p[4] + p[5] || ch != c->V[x].c)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output must be int8 with the input's quantisation and the padded shape", dp__tfl_opname(code), fop);
        }
        if (code == DP__TFL_PADV2 && nin > 2 && in[2] >= 0) {
            const dp__tflt *cv = &c->T[in[2]];
            if (cv->type != DP__TFL_INT8 || !cv->data || cv->data_len != 1 || (int8_t)cv->data[0] != c->V[x].zp)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): pad value must be the zero point", dp__tfl_opname(code), fop);
        }
        if (to->readers != 1)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): a PAD must feed exactly one CONV_2D or DEPTHWISE_CONV_2D", dp__tfl_opname(code), fop);
        to->val = x;
        to->padded = 1;
        to->pad[0] = p[2]; to->pad[1] = p[3]; to->pad[2] = p[4]; to->pad[3] = p[5];
        return c->st;
    }
    case DP__TFL_RESHAPE:
    case DP__TFL_SQUEEZE:
    case DP__TFL_EXPAND_DIMS: {
        dp__tflt *to = &c->T[out];
        float s;
        int32_t z;
        int32_t was_read = c->in_read;
        if (nin < 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 0, 0);
        if (x < 0) return c->st;
        c->in_read = was_read;             /* a view does not fix the input's shape */
        if (to->type != DP__TFL_INT8 || dp__tfl_aq(c, out, &s, &z) || z != c->V[x].zp || dp__f32_bits(s) != dp__f32_bits(c->V[x].scale) ||
            dp__tfl_elems(to) != (int64_t)c->V[x].h * c->V[x].w * c->V[x].c)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output tensor %d '%s' must be int8 with the input's quantisation and size",
                                dp__tfl_opname(code), fop, out, dp__tfl_tname(c, out, nb));
        to->val = x;
        return c->st;
    }
    case DP__TFL_TRANSPOSE: {
        const dp__tflt *ti, *pm;
        dp__tflt *tot = &c->T[out];
        float sc;
        int32_t z, seen = 0, r;
        if (nin != 2 || in[0] < 0 || in[1] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs an input and a permutation", dp__tfl_opname(code), fop);
        ti = &c->T[in[0]];
        pm = &c->T[in[1]];
        if (ti->val != 0 || c->in_read || c->n_o || c->tr || (in[0] != c->in_t && in[0] != c->V[0].tensor))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only a TRANSPOSE of the model input (its layout) is supported", dp__tfl_opname(code), fop);
        r = ti->rank;
        if (r < 1 || r > 6 || !dp__tfl_cvec_ok(pm, r) || tot->rank != r)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): permutation must be a constant of the input's rank", dp__tfl_opname(code), fop);
        for (k = 0; k < (uint32_t)r; k++) {
            const int64_t v = dp__tfl_cint(pm, k);
            if (v < 0 || v >= r || (seen & (1 << v)) || tot->shape[k] != ti->shape[v])
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): not a permutation of the input's dimensions", dp__tfl_opname(code), fop);
            seen |= 1 << v;
            c->tr_perm[k] = (int32_t)v;
            c->tr_dims[k] = ti->shape[k];
        }
        if (tot->type != DP__TFL_INT8 || dp__tfl_aq(c, out, &sc, &z) || z != c->V[0].zp || dp__f32_bits(sc) != dp__f32_bits(c->V[0].scale) ||
            dp__tfl_hwc(tot, &c->V[0].h, &c->V[0].w, &c->V[0].c))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): output must be int8 with the input's quantisation, batch 1", dp__tfl_opname(code), fop);
        c->tr = 1;
        c->tr_rank = r;
        tot->val = 0;
        return c->st;
    }
    case DP__TFL_SOFTMAX: {
        double beta;
        if (nin != 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs one input", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 0, 0);
        if (x < 0) return c->st;
        {
            const dp__tflt *ti = &c->T[in[0]];
            const int32_t last = ti->rank ? ti->shape[ti->rank - 1] : 1;
            if (last != c->V[x].c) {
                if (x == 0 && !c->in_read) { c->V[0].h = 1; c->V[0].w = (int32_t)(dp__tfl_elems(ti) / last); c->V[0].c = last; }
                else return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): rows of %d values over a tensor stored with %d channels",
                                         dp__tfl_opname(code), fop, last, c->V[x].c);
            }
        }
        {
            const size_t bp = has_opt ? dp__fb_field(c, &opt, 0, 4) : 0;
            beta = bp ? (double)dp__fb_f32at(c, bp) : 0.0;
        }
        y = dp__tfl_newval(c, fop, code, out);
        if (y < 0) return c->st;
        if (c->V[y].zp != -128 || dp__f32_bits(c->V[y].scale) != DP_SOFTMAX_SCALE_BITS || c->V[x].c > DP_SOFTMAXQ_MAX_N || !(beta > 0.0))
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): needs output scale 1/256, zero point -128, beta > 0, rows <= %d values",
                                dp__tfl_opname(code), fop, DP_SOFTMAXQ_MAX_N);
        {
            int32_t tab[256];
            if (dp_softmaxq_table((double)c->V[x].scale, beta, tab) != DP_OK)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): beta * input scale too small for TFLM's multiplier", dp__tfl_opname(code), fop);
        }
        o = dp__tfl_newop(c, fop, code, DP_MOP_SOFTMAXQ);
        o->op.beta = beta;
        break;
    }
    case DP__TFL_LOGISTIC: {
        if (nin != 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs one input", dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);
        y = dp__tfl_newval(c, fop, code, out);
        if (x < 0 || y < 0) return c->st;
        o = dp__tfl_newop(c, fop, code, DP_MOP_LUT);
        if (c->V[y].zp != -128 || dp__f32_bits(c->V[y].scale) != DP_SOFTMAX_SCALE_BITS ||
            dp_logistic_table(c->V[x].scale, c->V[x].zp, o->lut) != DP_OK)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): needs output scale 1/256, zero point -128 and an input scale TFLM accepts",
                                dp__tfl_opname(code), fop);
        o->op.weights = o->lut;
        break;
    }
    case DP__TFL_QUANTIZE: {
        const dp__tflt *ti;
        if (nin != 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs one input", dp__tfl_opname(code), fop);
        ti = &c->T[in[0]];
        if (in[0] == c->in_t && ti->type == DP__TFL_FLOAT32) {
            /* float model input: quantised on the host, the int8 tensor is
               the .dpm's input */
            if (c->V[0].tensor >= 0 || ti->readers != 1)
                return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): the float input must feed exactly one QUANTIZE", dp__tfl_opname(code), fop);
            const int32_t nv = c->n_v;
            c->n_v = 0;
            if (dp__tfl_newval(c, fop, code, out) != 0) return c->st;
            c->n_v = nv;
            c->float_in = 1;
            return c->st;
        }
        if (ti->type != DP__TFL_INT8)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): %s -> int8 inside the graph (float compute) is not supported",
                                dp__tfl_opname(code), fop, dp__tfl_typename(ti->type));
        x = dp__tfl_in(c, fop, code, in[0], 1, 0);     /* int8 -> int8: TFLM's Requantize */
        y = dp__tfl_newval(c, fop, code, out);
        if (x < 0 || y < 0) return c->st;
        o = dp__tfl_newop(c, fop, code, DP_MOP_CONCAT);
        break;
    }
    case DP__TFL_DEQUANTIZE: {
        if (nin != 1 || in[0] < 0) return dp__tfl_fail(c, DP_ERR_FORMAT, "%s (op %d): needs one input", dp__tfl_opname(code), fop);
        if (out != c->out_t || c->T[out].type != DP__TFL_FLOAT32)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d): only a float model output is supported (float compute inside the graph is not)",
                                dp__tfl_opname(code), fop);
        x = dp__tfl_in(c, fop, code, in[0], 0, 0);
        if (x < 0) return c->st;
        c->out_v = x;
        c->float_out = 1;
        c->T[out].val = x;
        return c->st;
    }
    default:
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%s (op %d, builtin code %d): not supported by diffprune's int8 interpreter",
                            dp__tfl_opname(code), fop, code);
    }
    if (c->st) return c->st;
    o->op.inputs[0] = x;
    o->op.output = c->T[out].val;
    if (!o->op.n_inputs) o->op.n_inputs = (o->op.kind == DP_MOP_CHMUL || o->op.kind == DP_MOP_MUL) ? 2 : 1;
    return dp__tfl_act(c, fop, code, fused, &c->V[o->op.output], &o->op);
}

static void dp__tfl_free(dp__tfl *c)
{
    int32_t i;
    for (i = 0; c->O && i < c->n_o; i++) {
        DP_FREE(c->O[i].bias);
        DP_FREE(c->O[i].w_scale);
    }
    DP_FREE(c->O);
    DP_FREE(c->V);
    DP_FREE(c->T);
    memset(c, 0, sizeof *c);
}

/* Parse the file and build the .dpm tensors (c->V) and ops (c->O, file order) */
static int dp__tfl_parse(dp__tfl *c, const void *data, size_t len, char *err, size_t cap)
{
    dp__fbt root, sg, ot;
    size_t sgs, ins, outs, ops;
    uint32_t n_sg, n_in, n_out, i, k;
    char nb[48];
    memset(c, 0, sizeof *c);
    c->p = (const uint8_t *)data;
    c->n = len;
    c->err = err;
    c->cap = cap;
    if (err && cap) err[0] = 0;
    if (!data) return dp__tfl_fail(c, DP_ERR_ARG, "no data");
    if (len < 16 || memcmp(c->p + 4, "TFL3", 4) != 0)
        return dp__tfl_fail(c, DP_ERR_FORMAT, "not a TensorFlow Lite file (no \"TFL3\" identifier)");
    if (len > 0x7FFFFFF0u) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "file larger than 2 GiB");
    if (dp__fb32(c, 0) < 8u) return DP__FBBAD(c, "root table offset inside the header");
    if (!dp__fb_ref(c, 0) || dp__fb_table(c, dp__fb32(c, 0), &root)) return c->st;
    if (dp__fb_int(c, &root, 0, 4, 0, 0) != 3)
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "schema version %d (3 supported)", (int)dp__fb_int(c, &root, 0, 4, 0, 0));
    dp__fb_vec(c, &root, 1, 4, &c->opcodes, &c->n_opcodes);
    dp__fb_vec(c, &root, 2, 4, &sgs, &n_sg);
    dp__fb_vec(c, &root, 4, 4, &c->buffers, &c->n_buffers);
    if (c->st) return c->st;
    if (n_sg < 1) return dp__tfl_fail(c, DP_ERR_FORMAT, "no subgraph");
    if (n_sg > 1) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%u subgraphs (control flow); one supported", n_sg);
    if (dp__fb_vtab(c, sgs, n_sg, 0, &sg)) return c->st;
    if (dp__tfl_tensors(c, &sg)) return c->st;
    dp__fb_vec(c, &sg, 1, 4, &ins, &n_in);
    dp__fb_vec(c, &sg, 2, 4, &outs, &n_out);
    dp__fb_vec(c, &sg, 3, 4, &ops, &c->n_fops);
    if (c->st) return c->st;
    if (n_in != 1 || n_out != 1) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%u inputs and %u outputs (one each supported)", n_in, n_out);
    if (c->n_fops < 1 || c->n_fops > 65534u) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "%u operators (1..65534 supported)", c->n_fops);
    c->in_t = dp__fb_i32v(c, ins, 0);
    c->out_t = dp__fb_i32v(c, outs, 0);
    if (c->in_t < 0 || (uint32_t)c->in_t >= c->n_t || c->out_t < 0 || (uint32_t)c->out_t >= c->n_t || c->in_t == c->out_t)
        return DP__FBBAD(c, "subgraph input/output index out of range");
    if (c->T[c->in_t].data) return dp__tfl_fail(c, DP_ERR_FORMAT, "the model input is a constant");
    /* readers of every tensor (a PAD must feed one op; a float input one QUANTIZE) */
    for (i = 0; i < c->n_fops; i++) {
        size_t fin;
        uint32_t nin;
        if (dp__fb_vtab(c, ops, c->n_fops, i, &ot)) return c->st;
        dp__fb_vec(c, &ot, 1, 4, &fin, &nin);
        for (k = 0; k < nin && !c->st; k++) {
            const int32_t t = dp__fb_i32v(c, fin, k);
            if (t >= 0 && (uint32_t)t < c->n_t) c->T[t].readers++;
        }
        if (c->st) return c->st;
    }
    c->V = (dp__tflv *)DP_CALLOC((size_t)c->n_fops + 1u, sizeof(dp__tflv));
    c->O = (dp__tflop *)DP_CALLOC((size_t)c->n_fops, sizeof(dp__tflop));
    if (!c->V || !c->O) return dp__tfl_fail(c, DP_ERR_NOMEM, "out of memory");
    c->V[0].tensor = -1;
    c->out_v = -1;
    if (c->T[c->in_t].type == DP__TFL_FLOAT32) {
        c->n_v = 1;                       /* slot 0: filled by the QUANTIZE */
    } else if (dp__tfl_newval(c, -1, -1, c->in_t) != 0) {
        if (c->T[c->in_t].type != DP__TFL_INT8) {
            c->st = 0;
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "model input tensor %d '%s' is %s; int8 or float32 (with QUANTIZE) supported",
                                c->in_t, dp__tfl_tname(c, c->in_t, nb), dp__tfl_typename(c->T[c->in_t].type));
        }
        return c->st;
    }
    for (i = 0; i < c->n_fops; i++) {
        if (dp__fb_vtab(c, ops, c->n_fops, i, &ot)) return c->st;
        if (dp__tfl_op(c, (int32_t)i, &ot)) return c->st;
    }
    if (c->V[0].tensor < 0)
        return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "float model input tensor %d '%s' is not quantised by a QUANTIZE", c->in_t, dp__tfl_tname(c, c->in_t, nb));
    if (!c->float_out) {
        if (c->T[c->out_t].type != DP__TFL_INT8 || c->T[c->out_t].val < 0)
            return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "model output tensor %d '%s' (%s) is not an int8 result of a supported op",
                                c->out_t, dp__tfl_tname(c, c->out_t, nb), dp__tfl_typename(c->T[c->out_t].type));
        c->out_v = c->T[c->out_t].val;
    }
    if (c->T[c->out_t].padded) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "the model output is a PAD");
    if (c->out_v <= 0 || c->n_o < 1) return dp__tfl_fail(c, DP_ERR_UNSUPPORTED, "the model has no int8 op between its input and output");
    if (!c->st && (c->n_v != c->n_o + 1 || !c->V || !c->O)) return dp__tfl_fail(c, DP_ERR_FORMAT, "corrupt .tflite: inconsistent graph");
    return c->st;
}

/* the scheduler's view: node 0 the input, node k+1 the output of op k */
static int dp__tfl_graph(dp__tfl *c, dp_sched_graph *g, int names)
{
    int32_t i, k, e = 0;
    size_t pool = 8;
    int st;
    if (c->st) return c->st;
    if (c->n_o < 1 || c->n_v != c->n_o + 1 || !c->V || !c->O) return dp__tfl_fail(c, DP_ERR_FORMAT, "corrupt .tflite: inconsistent graph");
    for (i = 0; i < c->n_o; i++) e += c->O[i].op.n_inputs;
    if ((st = dp_sched_graph_init(g, c->n_v, e)) != DP_OK) return dp__tfl_fail(c, st, "scheduler: cannot allocate the graph");
    e = 0;
    g->is_input[0] = 1;
    g->size[0] = (int64_t)c->V[0].h * c->V[0].w * c->V[0].c;
    g->in_start[0] = g->in_start[1] = 0;
    for (i = 0; i < c->n_o; i++) {
        const dp_mb_op *op = &c->O[i].op;
        const int32_t v = op->output;
        if (v != i + 1) return dp__tfl_fail(c, DP_ERR_ARG, "internal: op outputs out of order");
        g->size[v] = (int64_t)c->V[v].h * c->V[v].w * c->V[v].c;
        g->can_inplace[v] = (unsigned char)(op->kind == DP_MOP_ADD);
        for (k = 0; k < op->n_inputs; k++) g->in_idx[e++] = op->inputs[k];
        g->in_start[v + 1] = e;
        pool += strlen(dp__tfl_opname(c->O[i].code)) + 8;
    }
    if (names) {
        char *q;
        g->name_pool = (char *)DP_MALLOC(pool + (size_t)c->n_o * 8u);
        if (!g->name_pool) return dp__tfl_fail(c, DP_ERR_NOMEM, "out of memory");
        q = g->name_pool;
        strcpy(q, "input");
        g->name[0] = q;
        q += 6;
        for (i = 0; i < c->n_o; i++) {
            g->name[i + 1] = q;
            q += sprintf(q, "%s#%d", dp__tfl_opname(c->O[i].code), (int)c->O[i].file_op) + 1;
        }
    }
    return DP_OK;
}

int dp_tflite_sched_graph(const void *data, size_t len, dp_sched_graph *g, char *err, size_t err_cap)
{
    dp__tfl c;
    int st;
    if (!g) return DP_ERR_ARG;
    memset(g, 0, sizeof *g);
    st = dp__tfl_parse(&c, data, len, err, err_cap);
    if (!st) st = dp__tfl_graph(&c, g, 1);
    if (st) dp_sched_graph_free(g);
    dp__tfl_free(&c);
    return st;
}

int dp_tflite_import(const void *data, size_t len, void **blob, size_t *blob_len,
                     dp_tflite_info *info, char *err, size_t err_cap)
{
    dp__tfl c;
    dp_sched_graph g;
    dp_sched_result r;
    dp_mb b;
    int st, have_plan = 0;
    int32_t i;
    if (info) memset(info, 0, sizeof *info);
    if (!blob || !blob_len) return DP_ERR_ARG;
    *blob = NULL;
    *blob_len = 0;
    memset(&g, 0, sizeof g);
    dp_mb_init(&b);
    st = dp__tfl_parse(&c, data, len, err, err_cap);
    if (!st) st = dp__tfl_graph(&c, &g, 0);
    if (st) goto done;
    st = dp_sched_plan(&g, NULL, &r);
    have_plan = 1;
    if (st != DP_OK && st != DP_ERR_LIMIT) { dp__tfl_fail(&c, st, "scheduler: %s", r.error); goto done; }
    for (i = 0; i < c.n_v; i++) {
        const dp__tflv *v = &c.V[i];
        char nb[48];
        if ((st = dp_mb_add_tensor(&b, v->h, v->w, v->c, v->scale, v->zp, (uint32_t)r.offset[i])) != i) {
            dp__tfl_fail(&c, st == DP_ERR_NOMEM ? st : DP_ERR_UNSUPPORTED, "tensor %d '%s': shape or quantisation the .dpm cannot hold",
                         (int)v->tensor, dp__tfl_tname(&c, v->tensor, nb));
            goto done;
        }
    }
    for (i = 0; i < r.n_order; i++) {
        dp__tflop *o = &c.O[r.order[i] - 1];
        o->op.bias = o->bias;
        o->op.w_scale = o->w_scale;
        if (o->op.kind == DP_MOP_CONCAT) {        /* copy, or TFLM's Requantize */
            o->op.mult = NULL;
            o->op.shift = NULL;
        }
        if ((st = dp_mb_add_op(&b, &o->op)) < 0) {
            /* multipliers out of range (scales far from a real model's) */
            dp__tfl_fail(&c, st == DP_ERR_NOMEM ? st : DP_ERR_UNSUPPORTED, "%s (op %d): its quantisation gives multipliers the int8 kernels cannot use (%s)",
                         dp__tfl_opname(o->code), (int)o->file_op, dp_status_str(st));
            goto done;
        }
    }
    dp_mb_set_io(&b, 0, c.out_v);
    if ((st = dp_mb_finish(&b, blob, blob_len)) != DP_OK) {
        /* the loader's limits (e.g. a reduction > DP_MAX_REDUCTION) */
        const int32_t w = b.where >= 0 && b.where < c.n_o ? b.where : -1;
        dp__tfl_fail(&c, st == DP_ERR_NOMEM || st == DP_ERR_LIMIT ? st : DP_ERR_UNSUPPORTED, "%s (op %d): the .dpm loader refuses it: %s",
                     w >= 0 ? dp__tfl_opname(c.O[r.order[w] - 1].code) : "model", w >= 0 ? (int)c.O[r.order[w] - 1].file_op : -1,
                     b.why ? b.why : dp_status_str(st));
        goto done;
    }
    if (info) {
        dp_model m;
        info->n_tflite_ops = (int)c.n_fops;
        info->n_ops = c.n_o;
        info->float_input = c.float_in;
        info->float_output = c.float_out;
        info->in_shape.h = c.V[0].h; info->in_shape.w = c.V[0].w; info->in_shape.c = c.V[0].c;
        info->out_shape.h = c.V[c.out_v].h; info->out_shape.w = c.V[c.out_v].w; info->out_shape.c = c.V[c.out_v].c;
        info->in_scale = c.V[0].scale; info->in_zp = c.V[0].zp;
        info->out_scale = c.V[c.out_v].scale; info->out_zp = c.V[c.out_v].zp;
        info->pmu = r.exact ? r.peak_exact : -1;
        info->peak_file_order = r.peak_definition_order;
        info->model_bytes = (int64_t)*blob_len;
        info->in_elems = c.V[0].h * c.V[0].w * c.V[0].c;
        info->transposed_input = c.tr;
        if (c.tr) {
            info->in_rank = c.tr_rank;
            for (i = 0; i < c.tr_rank; i++) { info->in_dims[i] = c.tr_dims[i]; info->in_perm[i] = c.tr_perm[i]; }
        }
        if (dp_model_init(&m, *blob, *blob_len) == DP_OK) {
            info->arena_bytes = (int64_t)dp_model_arena_size(&m);
            info->macs = (int64_t)dp_model_macs(&m);
        }
    }
    st = DP_OK;
done:
    if (have_plan) dp_sched_result_free(&r);
    dp_sched_graph_free(&g);
    dp_mb_free(&b);
    if (c.st) st = c.st;
    dp__tfl_free(&c);
    if (st && *blob) { DP_FREE(*blob); *blob = NULL; *blob_len = 0; }
    return st;
}

void dp_tflite_quantize(int8_t *q, const float *x, int32_t n, float scale, int32_t zp)
{
    int32_t i;
    if (!q || !x) return;
    for (i = 0; i < n; i++) {
        const double v = round((double)x[i] / (double)scale);
        const double t = v + (double)zp;
        q[i] = (int8_t)(t > 127.0 ? 127 : t < -128.0 ? -128 : (int32_t)t);
    }
}

int dp_tflite_set_input(const dp_tflite_info *info, const void *in, size_t in_len, int8_t *dst)
{
    const uint8_t *b = (const uint8_t *)in;
    const size_t esz = info && info->float_input ? 4u : 1u;
    int32_t i, k;
    if (!info || !in || !dst || info->in_elems < 1) return DP_ERR_ARG;
    if (in_len != (size_t)info->in_elems * esz) return DP_ERR_SHAPE;
    for (i = 0; i < info->in_elems; i++) {
        int32_t src = i;
        if (info->transposed_input) {
            /* i is an index of the transposed tensor: its coordinate k is
               the input's coordinate perm[k] */
            int32_t rem = i, co[6], st = 1;
            for (k = info->in_rank - 1; k >= 0; k--) {
                const int32_t d = info->in_dims[info->in_perm[k]];
                co[k] = rem % d;
                rem /= d;
            }
            src = 0;
            for (k = info->in_rank - 1; k >= 0; k--) {
                int32_t j, pos = 0;
                for (j = 0; j < info->in_rank; j++) if (info->in_perm[j] == k) pos = j;
                src += co[pos] * st;
                st *= info->in_dims[k];
            }
        }
        if (esz == 4) {
            float f;
            memcpy(&f, b + 4u * (size_t)src, 4);
            dp_tflite_quantize(dst + i, &f, 1, info->in_scale, info->in_zp);
        } else {
            dst[i] = (int8_t)b[src];
        }
    }
    return DP_OK;
}

void dp_tflite_dequantize(float *x, const int8_t *q, int32_t n, float scale, int32_t zp)
{
    int32_t i;
    if (!q || !x) return;
    for (i = 0; i < n; i++) x[i] = (float)((double)scale * (double)((int32_t)q[i] - zp));
}
#undef DP__FBBAD

/* ====================================================================== */
/* >>tfexport  .dpm -> .tflite (see >>api_tfexport)                       */
/* ----------------------------------------------------------------------
   The flatbuffer is written front to back: a table or vector is written
   before the things it refers to, whose u32 offsets (always forward) are
   patched in when they are placed. Each table is preceded by its vtable
   (the table's soffset is then positive). Scalars are aligned to their
   size, vectors' element 0 to the element size (int64: 8, constant data:
   16, as the TFLite converter does, so TFLM may read int32 biases and the
   memory plan in place). */

typedef struct dp__fbw { uint8_t *p; size_t n, cap; int err; } dp__fbw;

/* append len bytes (zeros when src is NULL); returns their position */
static size_t dp__fbw_put(dp__fbw *w, const void *src, size_t len)
{
    const size_t at = w->n;
    if (w->err) return at;
    if (len > 0x7FFFFFF0u || w->n > 0x7FFFFFF0u - len) { w->err = DP_ERR_LIMIT; return at; }
    if (w->n + len > w->cap) {
        size_t nc = w->cap ? w->cap : 4096;
        uint8_t *q;
        while (nc < w->n + len) nc *= 2;
        q = (uint8_t *)DP_REALLOC(w->p, nc);
        if (!q) { w->err = DP_ERR_NOMEM; return at; }
        w->p = q;
        w->cap = nc;
    }
    if (src) memcpy(w->p + w->n, src, len);
    else memset(w->p + w->n, 0, len);
    w->n += len;
    return at;
}
/* zero bytes until (n + extra) is a multiple of align */
static void dp__fbw_pad(dp__fbw *w, size_t align, size_t extra)
{
    while (!w->err && (w->n + extra) % align) dp__fbw_put(w, NULL, 1);
}
static void dp__fbw_set32(dp__fbw *w, size_t at, uint32_t v) { if (!w->err && at && at + 4 <= w->n) dp__wr32(w->p + at, v); }
static void dp__fbw_set8(dp__fbw *w, size_t at, uint32_t v) { if (!w->err && at && at < w->n) w->p[at] = (uint8_t)v; }
/* the u32 at `at` refers to `to` (written after it) */
static void dp__fbw_ref(dp__fbw *w, size_t at, size_t to) { if (to > at) dp__fbw_set32(w, at, (uint32_t)(to - at)); }

/* a table of nf <= 12 fields, size[i] 0 (absent), 1 or 4 bytes (scalars,
   references); fpos[i] gets each field's position (0 if absent) */
static size_t dp__fbw_table(dp__fbw *w, int nf, const uint8_t *size, size_t *fpos)
{
    uint8_t vt[4 + 2 * 12];
    uint32_t off = 4, o[12];
    size_t vpos, tpos;
    int i, pass;
    for (pass = 4; pass >= 1; pass -= 3)
        for (i = 0; i < nf; i++)
            if (size[i] == pass) { o[i] = off; off += (uint32_t)pass; }
    off = (off + 3u) & ~3u;
    for (i = 0; i < nf; i++) if (!size[i]) o[i] = 0;
    dp__wr16(vt, 4u + 2u * (uint32_t)nf);
    dp__wr16(vt + 2, off);
    for (i = 0; i < nf; i++) dp__wr16(vt + 4 + 2 * i, o[i]);
    dp__fbw_pad(w, 4, 4u + 2u * (size_t)nf);
    vpos = dp__fbw_put(w, vt, 4u + 2u * (size_t)nf);
    tpos = dp__fbw_put(w, NULL, off);
    dp__fbw_set32(w, tpos, (uint32_t)(tpos - vpos));
    for (i = 0; i < nf; i++) fpos[i] = size[i] ? tpos + o[i] : 0;
    return tpos;
}
/* a vector: u32 count, then count * elem bytes (zeros when data is NULL),
   element 0 aligned to align; returns the position of the count */
static size_t dp__fbw_vec(dp__fbw *w, uint32_t count, size_t elem, size_t align, const void *data)
{
    size_t at;
    uint8_t c[4];
    dp__fbw_pad(w, align < 4 ? 4 : align, 4);
    dp__wr32(c, count);
    at = dp__fbw_put(w, c, 4);
    dp__fbw_put(w, data, (size_t)count * elem);
    return at;
}
static size_t dp__fbw_vec_i32(dp__fbw *w, const int32_t *v, uint32_t n)
{
    const size_t at = dp__fbw_vec(w, n, 4, 4, NULL);
    uint32_t i;
    for (i = 0; i < n; i++) dp__fbw_set32(w, at + 4 + 4 * (size_t)i, (uint32_t)v[i]);
    return at;
}
static size_t dp__fbw_str(dp__fbw *w, const char *s)
{
    const size_t len = strlen(s), at = dp__fbw_vec(w, (uint32_t)len, 1, 4, s);
    dp__fbw_put(w, NULL, 1);   /* the NUL */
    return at;
}

/* what is written: tensors, constant buffers, operators */
typedef struct dp__tfxt {
    int32_t shape[4], rank, type, buffer;
    int64_t plan;                                    /* arena offset, -1   */
    const float *scale; int32_t n_scale, zp, qdim;   /* n_scale 0: none */
    char name[32];
} dp__tfxt;
typedef struct dp__tfxo {
    int32_t code, n_in, in[DP_MAX_OP_INPUTS], out, opt_type, n_opt;
    uint8_t opt_size[8];
    uint32_t opt[8];
} dp__tfxo;
typedef struct dp__tfx {
    const dp_model *m;
    dp__tfxt *T; int32_t n_t;
    const uint8_t **bdata; uint32_t *blen; int32_t n_b;   /* buffer 0: empty */
    dp__tfxo *O; int32_t n_o;
    float *fpool; int32_t n_f, cap_f;                     /* scales          */
    int32_t *ipool; int32_t n_i;                          /* axes, plan      */
    char *err; size_t cap;
    int st, softmax_replaced;
    int64_t arena;                                        /* plan's extent */
    int32_t *map;          /* .dpm tensor -> file tensor: the input 0, the
                              output of op k k + 1 (the importer's order)  */
} dp__tfx;

static int dp__tfx_fail(dp__tfx *x, int st, const char *fmt, ...)
{
    if (!x->st) {     /* the first failure's message stays */
        va_list ap;
        x->st = st;
        va_start(ap, fmt);
        dp__vseterr(x->err, x->cap, fmt, ap);
        va_end(ap);
    }
    return x->st;
}

static float dp__tfx_scale(const dp__t *t) { float f; memcpy(&f, &t->scale_bits, 4); return f; }

/* a constant tensor: int8 weights or int32 values, data in place */
static int32_t dp__tfx_const(dp__tfx *x, int32_t type, int32_t rank, const int32_t *shape, const uint8_t *data,
                             uint32_t len, const float *scale, int32_t n_scale, int32_t qdim, const char *nm, int k)
{
    dp__tfxt *t = &x->T[x->n_t];
    int32_t i;
    memset(t, 0, sizeof *t);
    t->rank = rank;
    for (i = 0; i < rank; i++) t->shape[i] = shape[i];
    t->type = type;
    t->scale = scale;
    t->n_scale = n_scale;
    t->qdim = qdim;
    t->plan = -1;
    t->buffer = x->n_b;
    x->bdata[x->n_b] = data;
    x->blen[x->n_b++] = len;
    snprintf(t->name, sizeof t->name, "%s%d", nm, k);
    return x->n_t++;
}

static float *dp__tfx_floats(dp__tfx *x, int32_t n)
{
    float *f = x->fpool + x->n_f;
    if (x->n_f + n > x->cap_f) { dp__tfx_fail(x, DP_ERR_ARG, "internal: scale pool"); return NULL; }
    x->n_f += n;
    return f;
}

/* TFLM's fused activation whose clamp is [lo, hi] for this output
   (CalculateActivationRangeQuantized); -1 if none is */
static int dp__tfx_fused(const dp__t *o, int32_t lo, int32_t hi)
{
    static const float cap_lo[4] = { -1e30f, 0.0f, -1.0f, 0.0f }, cap_hi[4] = { 1e30f, 1e30f, 1.0f, 6.0f };
    const float s = dp__tfx_scale(o);
    int f;
    for (f = 0; f < 4; f++) {
        int32_t a = -128, b = 127;
        if (cap_lo[f] > -1e29f) {
            const float q = roundf(cap_lo[f] / s) + (float)o->zp;
            a = q > 127.0f ? 127 : q < -128.0f ? -128 : (int32_t)q;
        }
        if (cap_hi[f] < 1e29f) {
            const float q = roundf(cap_hi[f] / s) + (float)o->zp;
            b = q > 127.0f ? 127 : q < -128.0f ? -128 : (int32_t)q;
        }
        if (a == lo && b == hi) return f;
    }
    return -1;
}

/* TFLite's SAME (0) or VALID (1) padding that gives these pads and output
   size on both axes; -1 if neither does */
static int dp__tfx_padding(const dp__t *in, const dp__t *out, const dp__op *op)
{
    int pad;
    for (pad = 0; pad < 2; pad++) {
        int ok = 1, ax;
        for (ax = 0; ax < 2; ax++) {
            const int32_t n = (int32_t)(ax ? in->w : in->h), k = (int32_t)op->g[ax], s = (int32_t)op->g[2 + ax];
            const int32_t d = (int32_t)op->g[4 + ax], eff = (k - 1) * d + 1;
            const int32_t o = (int32_t)(ax ? out->w : out->h);
            int32_t want, total = 0;
            if (pad == 0) {
                want = (n + s - 1) / s;
                total = (want - 1) * s + eff - n;
                if (total < 0) total = 0;
            } else want = n >= eff ? (n - eff) / s + 1 : 0;
            if (want != o || (int32_t)op->g[6 + ax] != total / 2 || (int32_t)op->g[8 + ax] != total - total / 2) ok = 0;
        }
        if (ok) return pad;
    }
    return -1;
}

/* the float32 weight scale of each output channel that makes TFLM's
   multiplier, QuantizeMultiplier(in_scale * w_scale / out_scale) in
   double, equal the .dpm's (mult, shift): the .dpm keeps only the
   multipliers, so each scale is recovered and checked (see >>api_tfexport) */
static int dp__tfx_wscales(dp__tfx *x, int32_t k_op, const dp__op *op, const dp__t *in, const dp__t *out, int32_t cout, float *ws)
{
    const double si = (double)dp__tfx_scale(in), so = (double)dp__tfx_scale(out);
    int32_t c;
    for (c = 0; c < cout; c++) {
        const int32_t m = dp__u2s(dp__rd32(x->m->blob + op->m_off + 4u * (uint32_t)c));
        const int32_t sh = dp__u2s(dp__rd32(x->m->blob + op->s_off + 4u * (uint32_t)c));
        const double real = m ? ldexp((double)m, sh - 31) : ldexp(1.0, -34);
        float f0 = (float)(real * so / si), f;
        int k, found = 0;
        if (!(f0 > 0.0f) || f0 > 1e30f) f0 = 1e-30f;
        for (k = 0; k <= 64 && !found; k++) {
            int dir;
            for (dir = -1; dir <= 1 && !found; dir += 2) {
                int32_t mm, ss, j;
                f = f0;
                for (j = 0; j < k; j++) f = nextafterf(f, dir < 0 ? 0.0f : 1e30f);
                if (!(f > 0.0f)) continue;
                if (dp_qmul_from_real(si * (double)f / so, &mm, &ss) == DP_OK && mm == m && (mm == 0 || ss == sh)) {
                    ws[c] = f;
                    found = 1;
                }
            }
        }
        if (!found) return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %d (%s): channel %d's multiplier (%d, %d) is not TFLM's for any float32 weight scale",
                                        (int)k_op, dp_mop_name((int)op->kind), (int)c, (int)m, (int)sh);
    }
    return 0;
}

static int dp__tfx_same_q(const dp__t *a, const dp__t *b) { return a->zp == b->zp && a->scale_bits == b->scale_bits; }

/* input j of a concat: its (mult, shift) must be TFLM's Requantize's */
static int dp__tfx_requant_ok(dp__tfx *x, const dp__op *op, int j, const dp__t *in, const dp__t *o)
{
    int32_t mm, ss;
    const int32_t m0 = dp__u2s(dp__rd32(x->m->blob + op->m_off + 4u * (uint32_t)j));
    const int32_t s0 = dp__u2s(dp__rd32(x->m->blob + op->s_off + 4u * (uint32_t)j));
    if (dp_qmul_from_real((double)dp__tfx_scale(in) / (double)dp__tfx_scale(o), &mm, &ss) != DP_OK || mm != m0 || (mm && ss != s0))
        return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "concat input %d: multiplier is not the one TFLM's QUANTIZE derives from the scales", j);
    return 0;
}

static int64_t dp__tfx_bytes(const dp__tfxt *t)
{
    int64_t n = 1;
    int32_t i;
    for (i = 0; i < t->rank; i++) n *= t->shape[i];
    return n;
}

/* the lowest arena offset where `bytes` fit beside every tensor live at
   .dpm step `step` and the requantised concat inputs placed so far
   (cat[0..n) with ids >= the .dpm's tensor count) */
static int64_t dp__tfx_gap(dp__tfx *x, uint32_t step, uint32_t bytes, const int32_t *cat, int n)
{
    const dp_model *m = x->m;
    int64_t best = -1, c;
    uint32_t i;
    int j, pass;
    for (pass = 0; best < 0; pass++) {
        /* candidates: 0, then the end of every occupied range */
        int ok = 1;
        if (pass == 0) c = 0;
        else if ((uint32_t)(pass - 1) < m->n_tensors) {
            dp__t t;
            dp__t_get(m, (uint32_t)(pass - 1), &t);
            if (t.first > step || t.last < step) continue;
            c = (int64_t)t.off + t.bytes;
        } else if (pass - 1 - (int)m->n_tensors < n) {
            const int32_t q = cat[pass - 1 - (int)m->n_tensors];
            if (q < (int32_t)m->n_tensors) continue;
            c = x->T[q].plan + dp__tfx_bytes(&x->T[q]);
        } else {
            best = x->arena;   /* past everything (not reached: the last live end is free) */
            break;
        }
        for (i = 0; i < m->n_tensors && ok; i++) {
            dp__t t;
            dp__t_get(m, i, &t);
            if (t.first <= step && t.last >= step && c < (int64_t)t.off + t.bytes && (int64_t)t.off < c + bytes) ok = 0;
        }
        for (j = 0; j < n && ok; j++) {
            const dp__tfxt *q = &x->T[cat[j]];
            if (cat[j] >= (int32_t)m->n_tensors && c < q->plan + dp__tfx_bytes(q) && q->plan < c + bytes) ok = 0;
        }
        if (ok) best = c;
    }
    if (best + bytes > x->arena) x->arena = best + bytes;
    return best;
}

/* TFLite builtin codes written here, and the op version the TFLite
   converter gives their int8 form */
static int32_t dp__tfx_version(int32_t code)
{
    switch (code) {
    case DP__TFL_CONV: case DP__TFL_DWCONV: return 3;
    case DP__TFL_FC: return 4;
    default: return 2;
    }
}

/* the ops, in the .dpm's order (the exact scheduler's) */
static int dp__tfx_ops(dp__tfx *x, const int32_t *rank4)
{
    const dp_model *m = x->m;
    uint32_t k;
    for (k = 0; k < m->n_ops && !x->st; k++) {
        dp__op op;
        dp__t in, o, in1;
        dp__tfxo *t = &x->O[x->n_o];
        int fused = 0, j;
        float si, so;
        dp__op_get(m, k, &op);
        dp__t_get(m, op.in[0], &in);
        dp__t_get(m, op.out, &o);
        si = dp__tfx_scale(&in);
        so = dp__tfx_scale(&o);
        memset(t, 0, sizeof *t);
        t->n_in = 1;
        t->in[0] = x->map[op.in[0]];
        t->out = x->map[op.out];
        if (op.kind == DP_MOP_CONV2D || op.kind == DP_MOP_DWCONV2D || op.kind == DP_MOP_FC || op.kind == DP_MOP_ADD ||
            op.kind == DP_MOP_MAXPOOL || op.kind == DP_MOP_AVGPOOL || op.kind == DP_MOP_GAP || op.kind == DP_MOP_CHMUL ||
            op.kind == DP_MOP_MUL) {
            fused = dp__tfx_fused(&o, op.act_min, op.act_max);
            if (fused < 0)
                return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (%s): clamp [%d, %d] is none of TFLite's fused activations for its output's quantisation",
                                    k, dp_mop_name((int)op.kind), (int)op.act_min, (int)op.act_max);
        }
        switch (op.kind) {
        case DP_MOP_CONV2D:
        case DP_MOP_DWCONV2D:
        case DP_MOP_FC: {
            const int32_t cout = (int32_t)o.c, kh = (int32_t)op.g[0], kw = (int32_t)op.g[1];
            const int32_t nin = (int32_t)(in.h * in.w * in.c);
            int32_t shp[4], pad = 1, nws = cout;
            float *ws = dp__tfx_floats(x, cout), *bs = dp__tfx_floats(x, cout);
            if (!ws || !bs) return x->st;
            if (dp__tfx_wscales(x, (int32_t)k, &op, &in, &o, cout, ws)) return x->st;
            if (op.kind != DP_MOP_FC && (pad = dp__tfx_padding(&in, &o, &op)) < 0) {
                /* other padding (e.g. a PAD the importer absorbed): a PAD
                   op (zero point values, as the conv's own padding) into
                   a tensor placed in a free gap of the arena, then VALID */
                dp__tfxt *pt = &x->T[x->n_t];
                int32_t *pads = x->ipool + x->n_i, shp2[2] = { 4, 2 }, padded;
                *pt = x->T[x->map[op.in[0]]];
                pt->shape[0] = 1;
                pt->shape[1] = (int32_t)(in.h + op.g[6] + op.g[8]);
                pt->shape[2] = (int32_t)(in.w + op.g[7] + op.g[9]);
                pt->shape[3] = (int32_t)in.c;
                pt->rank = 4;
                pt->plan = dp__tfx_gap(x, k + 1u, (uint32_t)(pt->shape[1] * pt->shape[2] * pt->shape[3]), NULL, 0);
                snprintf(pt->name, sizeof pt->name, "pad%u", k);
                memset(pads, 0, 8 * sizeof(int32_t));
                pads[2] = (int32_t)op.g[6]; pads[3] = (int32_t)op.g[8];
                pads[4] = (int32_t)op.g[7]; pads[5] = (int32_t)op.g[9];
                x->n_i += 8;
                padded = x->n_t++;
                t->code = DP__TFL_PAD;
                t->out = padded;
                t->n_in = 2;
                t->in[1] = dp__tfx_const(x, DP__TFL_INT32, 2, shp2, (const uint8_t *)pads, 32, NULL, 0, 0, "pads", (int)k);
                t = &x->O[++x->n_o];
                memset(t, 0, sizeof *t);
                t->in[0] = padded;
                t->out = x->map[op.out];
                pad = 1;
            }
            if (op.kind == DP_MOP_FC) {
                /* one scale for all outputs when they agree (TFLM's older FC
                   kernels are per-tensor only) */
                for (j = 1; j < cout && ws[j] == ws[0]; j++) {}
                if (j == cout) nws = 1;
                shp[0] = cout; shp[1] = nin;
                t->in[1] = dp__tfx_const(x, DP__TFL_INT8, 2, shp, m->blob + op.w_off, op.w_len, ws, nws, 0, "w", (int)k);
            } else if (op.kind == DP_MOP_CONV2D) {
                shp[0] = cout; shp[1] = kh; shp[2] = kw; shp[3] = (int32_t)in.c;
                t->in[1] = dp__tfx_const(x, DP__TFL_INT8, 4, shp, m->blob + op.w_off, op.w_len, ws, cout, 0, "w", (int)k);
            } else {
                shp[0] = 1; shp[1] = kh; shp[2] = kw; shp[3] = cout;
                t->in[1] = dp__tfx_const(x, DP__TFL_INT8, 4, shp, m->blob + op.w_off, op.w_len, ws, cout, 3, "w", (int)k);
            }
            for (j = 0; j < cout; j++) bs[j] = (float)((double)si * (double)ws[nws == 1 ? 0 : j]);
            shp[0] = cout;
            t->in[2] = op.b_off ? dp__tfx_const(x, DP__TFL_INT32, 1, shp, m->blob + op.b_off, 4u * (uint32_t)cout, bs, nws, 0, "b", (int)k) : -1;
            t->n_in = 3;
            if (op.kind == DP_MOP_FC) {
                t->code = DP__TFL_FC;
                t->opt_type = 8;      /* FullyConnectedOptions: fused, weights_format */
                t->n_opt = 1;
                t->opt_size[0] = 1; t->opt[0] = (uint32_t)fused;
            } else {
                const int dw = op.kind == DP_MOP_DWCONV2D;
                t->code = dw ? DP__TFL_DWCONV : DP__TFL_CONV;
                t->opt_type = dw ? 2 : 1;
                /* Conv2DOptions: padding, stride_w, stride_h, fused, dil_w, dil_h;
                   DepthwiseConv2DOptions: depth_multiplier before fused */
                t->n_opt = dw ? 7 : 6;
                t->opt_size[0] = 1; t->opt[0] = (uint32_t)pad;
                t->opt_size[1] = 4; t->opt[1] = op.g[3];
                t->opt_size[2] = 4; t->opt[2] = op.g[2];
                j = 3;
                if (dw) { t->opt_size[3] = 4; t->opt[3] = o.c / in.c; j = 4; }
                t->opt_size[j] = 1; t->opt[j] = (uint32_t)fused;
                t->opt_size[j + 1] = 4; t->opt[j + 1] = op.g[5];
                t->opt_size[j + 2] = 4; t->opt[j + 2] = op.g[4];
            }
            break;
        }
        case DP_MOP_ADD:
        case DP_MOP_CHMUL:
        case DP_MOP_MUL: {
            int32_t mm[3], ss[3];
            int ok;
            if (op.n_in != 2)
                return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (add): %u inputs; TFLite's ADD takes 2", k, op.n_in);
            dp__t_get(m, op.in[1], &in1);
            if (op.kind == DP_MOP_ADD) {
                dp__mb_tensor a, b, c;
                const dp__mb_tensor *ab[2];
                memset(&a, 0, sizeof a); memset(&b, 0, sizeof b); memset(&c, 0, sizeof c);
                a.scale = si; b.scale = dp__tfx_scale(&in1); c.scale = so;
                ab[0] = &a; ab[1] = &b;
                ok = dp__mb_add_params(ab, 2, &c, mm, ss) == DP_OK;
                for (j = 0; j < 2 && ok; j++)
                    ok = mm[j] == dp__u2s(dp__rd32(m->blob + op.m_off + 4u * (uint32_t)j)) &&
                         ss[j] == dp__u2s(dp__rd32(m->blob + op.s_off + 4u * (uint32_t)j));
                ok = ok && mm[2] == op.out_mult && ss[2] == op.out_shift;
                t->code = DP__TFL_ADD;
                t->opt_type = 11;     /* AddOptions: fused */
            } else {
                ok = dp_qmul_from_real((double)si * (double)dp__tfx_scale(&in1) / (double)so, &mm[0], &ss[0]) == DP_OK &&
                     mm[0] == op.out_mult && (mm[0] == 0 || ss[0] == op.out_shift);
                t->code = DP__TFL_MUL;
                t->opt_type = 21;     /* MulOptions: fused */
            }
            if (!ok)
                return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (%s): multipliers are not the ones TFLM derives from the tensors' scales", k,
                                    dp_mop_name((int)op.kind));
            t->n_in = 2;
            t->in[1] = x->map[op.in[1]];
            t->n_opt = 1;
            t->opt_size[0] = 1; t->opt[0] = (uint32_t)fused;
            break;
        }
        case DP_MOP_MAXPOOL:
        case DP_MOP_AVGPOOL:
        case DP_MOP_GAP: {
            int pad = 1;
            uint32_t kh = in.h, kw = in.w, sh = 1, sw = 1;
            if (op.kind != DP_MOP_GAP) {
                if ((pad = dp__tfx_padding(&in, &o, &op)) < 0)
                    return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (%s): padding t%u l%u b%u r%u is neither TFLite's SAME nor VALID", k,
                                        dp_mop_name((int)op.kind), op.g[6], op.g[7], op.g[8], op.g[9]);
                kh = op.g[0]; kw = op.g[1]; sh = op.g[2]; sw = op.g[3];
            }
            t->code = op.kind == DP_MOP_MAXPOOL ? DP__TFL_MAXPOOL : DP__TFL_AVGPOOL;
            t->opt_type = 5;          /* Pool2DOptions: padding, stride_w, stride_h, filter_w, filter_h, fused */
            t->n_opt = 6;
            t->opt_size[0] = 1; t->opt[0] = (uint32_t)pad;
            t->opt_size[1] = 4; t->opt[1] = sw;
            t->opt_size[2] = 4; t->opt[2] = sh;
            t->opt_size[3] = 4; t->opt[3] = kw;
            t->opt_size[4] = 4; t->opt[4] = kh;
            t->opt_size[5] = 1; t->opt[5] = (uint32_t)fused;
            break;
        }
        case DP_MOP_CONCAT: {
            int same = 1;
            for (j = 0; j < (int)op.n_in; j++) {
                dp__t_get(m, op.in[j], &in1);
                t->in[j] = x->map[op.in[j]];
                same &= dp__tfx_same_q(&in1, &o);
            }
            t->n_in = (int32_t)op.n_in;
            if (same) {
                t->code = DP__TFL_CONCAT;
                t->opt_type = 10;     /* ConcatenationOptions: axis, fused */
                t->n_opt = 1;
                t->opt_size[0] = 4; t->opt[0] = (uint32_t)(rank4[op.out] ? 3 : 1);
            } else if (op.n_in == 1) {
                if (dp__tfx_requant_ok(x, &op, 0, &in, &o)) return x->st;
                t->code = DP__TFL_QUANTIZE;   /* one input: TFLM's int8 Requantize */
            } else {
                /* TFLM's CONCATENATION copies int8 values as they are: an
                   input in another scale or zero point goes through a
                   QUANTIZE (TFLM's Requantize, the same formula as the
                   .dpm's concat) into a new tensor placed in a gap of the
                   arena that is free at this step (first fit), or past it */
                dp__tfxo cat = *t;
                for (j = 0; j < (int)op.n_in && !x->st; j++) {
                    dp__tfxt *q;
                    dp__t_get(m, op.in[j], &in1);
                    if (dp__tfx_same_q(&in1, &o)) continue;
                    if (dp__tfx_requant_ok(x, &op, j, &in1, &o)) return x->st;
                    q = &x->T[x->n_t];
                    *q = x->T[x->map[op.in[j]]];
                    q->zp = o.zp;
                    q->scale = x->T[x->map[op.out]].scale;
                    q->plan = dp__tfx_gap(x, k + 1u, in1.bytes, cat.in, j);
                    snprintf(q->name, sizeof q->name, "q%u_%u", k, (unsigned)j);
                    memset(t, 0, sizeof *t);
                    t->code = DP__TFL_QUANTIZE;
                    t->n_in = 1;
                    t->in[0] = x->map[op.in[j]];
                    t->out = x->n_t;
                    cat.in[j] = x->n_t++;
                    t = &x->O[++x->n_o];
                }
                *t = cat;
                t->code = DP__TFL_CONCAT;
                t->opt_type = 10;
                t->n_opt = 1;
                t->opt_size[0] = 4; t->opt[0] = (uint32_t)(rank4[op.out] ? 3 : 1);
            }
            break;
        }
        case DP_MOP_SOFTMAX:
        case DP_MOP_SOFTMAXQ: {
            int ok = 1;
            const float beta = 1.0f;
            uint32_t bits;
            if (op.kind == DP_MOP_SOFTMAX) {
                uint16_t tab[256];
                dp_softmax_table((double)si, 1.0, tab);
                for (j = 0; j < 256 && ok; j++) ok = tab[j] == dp__rd16(m->blob + op.w_off + 2u * (uint32_t)j);
                x->softmax_replaced++;
            } else {
                int32_t tab[256];
                ok = dp_softmaxq_table((double)si, 1.0, tab) == DP_OK;
                for (j = 0; j < 256 && ok; j++) ok = tab[j] == dp__u2s(dp__rd32(m->blob + op.w_off + 4u * (uint32_t)j));
            }
            if (!ok) return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (%s): its table is not beta = 1's", k, dp_mop_name((int)op.kind));
            t->code = DP__TFL_SOFTMAX;
            t->opt_type = 9;          /* SoftmaxOptions: beta */
            t->n_opt = 1;
            memcpy(&bits, &beta, 4);
            t->opt_size[0] = 4; t->opt[0] = bits;
            break;
        }
        case DP_MOP_LUT: {
            int8_t tab[256];
            int ok = o.zp == -128 && o.scale_bits == DP_SOFTMAX_SCALE_BITS && dp_logistic_table(si, in.zp, tab) == DP_OK;
            for (j = 0; j < 256 && ok; j++) ok = tab[j] == (int8_t)m->blob[op.w_off + (uint32_t)j];
            if (!ok) return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (lut): a lookup table that is not TFLM's LOGISTIC has no TFLite op", k);
            t->code = DP__TFL_LOGISTIC;
            break;
        }
        case DP_MOP_MEAN: {
            int32_t mm, ss, shp[1] = { 2 };
            int32_t *ax = x->ipool + x->n_i;
            if (dp_qmul_from_real((double)si / (double)so, &mm, &ss) != DP_OK || mm != op.out_mult || (mm && ss != op.out_shift))
                return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (mean): multiplier is not the one TFLM derives from the scales", k);
            ax[0] = 1; ax[1] = 2;
            x->n_i += 2;
            t->in[1] = dp__tfx_const(x, DP__TFL_INT32, 1, shp, (const uint8_t *)ax, 8, NULL, 0, 0, "axes", (int)k);
            t->n_in = 2;
            t->code = DP__TFL_MEAN;
            t->opt_type = 27;         /* ReducerOptions: keep_dims */
            t->n_opt = 1;
            t->opt_size[0] = 1; t->opt[0] = 1;
            break;
        }
        default:
            return dp__tfx_fail(x, DP_ERR_UNSUPPORTED, "op %u (%s): no TFLite op for it in TFLM (grouped convolution)", k, dp_mop_name((int)op.kind));
        }
        x->n_o++;
    }
    return x->st;
}

/* the flatbuffer */
static void dp__tfx_write(dp__tfx *x, dp__fbw *w, int32_t plan_buffer)
{
    static const uint8_t model_f[7] = { 4, 4, 4, 4, 4, 0, 4 }, code_f[4] = { 1, 0, 4, 4 }, sg_f[5] = { 4, 4, 4, 4, 4 };
    static const uint8_t tensor_f[5] = { 4, 1, 4, 4, 4 }, quant_f[7] = { 0, 0, 4, 4, 0, 0, 4 }, op_f[5] = { 4, 4, 4, 1, 4 };
    static const uint8_t buf_f[1] = { 4 }, meta_f[2] = { 4, 4 };
    static const uint8_t tensor_noq_f[5] = { 4, 1, 4, 4, 0 }, op_noopt_f[5] = { 4, 4, 4, 1, 0 };
    int32_t codes[16], n_codes = 0, i, j;
    size_t mf[7], f[8], v, vt, root, sg;
    dp__fbw_put(w, NULL, 4);
    dp__fbw_put(w, "TFL3", 4);
    root = dp__fbw_table(w, 7, model_f, mf);
    if (!w->err) dp__wr32(w->p, (uint32_t)root);
    dp__fbw_set32(w, mf[0], 3);
    /* operator codes */
    for (i = 0; i < x->n_o; i++) {
        for (j = 0; j < n_codes && codes[j] != x->O[i].code; j++) {}
        if (j == n_codes) codes[n_codes++] = x->O[i].code;
    }
    v = dp__fbw_vec(w, (uint32_t)n_codes, 4, 4, NULL);
    dp__fbw_ref(w, mf[1], v);
    for (i = 0; i < n_codes; i++) {
        dp__fbw_ref(w, v + 4 + 4 * (size_t)i, dp__fbw_table(w, 4, code_f, f));
        dp__fbw_set8(w, f[0], (uint32_t)(codes[i] < 127 ? codes[i] : 127));
        dp__fbw_set32(w, f[2], (uint32_t)dp__tfx_version(codes[i]));
        dp__fbw_set32(w, f[3], (uint32_t)codes[i]);
    }
    dp__fbw_ref(w, mf[3], dp__fbw_str(w, "diffprune.h " DP_VERSION_STRING));
    /* the subgraph */
    v = dp__fbw_vec(w, 1, 4, 4, NULL);
    dp__fbw_ref(w, mf[2], v);
    {
        size_t sf[5];
        sg = dp__fbw_table(w, 5, sg_f, sf);
        dp__fbw_ref(w, v + 4, sg);
        vt = dp__fbw_vec(w, (uint32_t)x->n_t, 4, 4, NULL);
        dp__fbw_ref(w, sf[0], vt);
        for (i = 0; i < x->n_t; i++) {
            const dp__tfxt *t = &x->T[i];
            dp__fbw_ref(w, vt + 4 + 4 * (size_t)i, dp__fbw_table(w, 5, t->n_scale > 0 ? tensor_f : tensor_noq_f, f));
            dp__fbw_set8(w, f[1], (uint32_t)t->type);
            dp__fbw_set32(w, f[2], (uint32_t)t->buffer);
            dp__fbw_ref(w, f[0], dp__fbw_vec_i32(w, t->shape, (uint32_t)t->rank));
            dp__fbw_ref(w, f[3], dp__fbw_str(w, t->name));
            if (t->n_scale > 0) {
                size_t q[7], sv, zv;
                dp__fbw_ref(w, f[4], dp__fbw_table(w, 7, quant_f, q));
                dp__fbw_set32(w, q[6], (uint32_t)t->qdim);
                sv = dp__fbw_vec(w, (uint32_t)t->n_scale, 4, 4, NULL);
                dp__fbw_ref(w, q[2], sv);
                for (j = 0; j < t->n_scale; j++) dp__fbw_set32(w, sv + 4 + 4 * (size_t)j, dp__f32_bits(t->scale[j]));
                zv = dp__fbw_vec(w, (uint32_t)t->n_scale, 8, 8, NULL);
                dp__fbw_ref(w, q[3], zv);
                for (j = 0; j < t->n_scale; j++) {
                    dp__fbw_set32(w, zv + 4 + 8 * (size_t)j, (uint32_t)t->zp);
                    dp__fbw_set32(w, zv + 8 + 8 * (size_t)j, t->zp < 0 ? 0xFFFFFFFFu : 0u);
                }
            }
        }
        {
            const int32_t io[2] = { x->map[x->m->input], x->map[x->m->output] };
            dp__fbw_ref(w, sf[1], dp__fbw_vec_i32(w, io, 1));
            dp__fbw_ref(w, sf[2], dp__fbw_vec_i32(w, io + 1, 1));
        }
        v = dp__fbw_vec(w, (uint32_t)x->n_o, 4, 4, NULL);
        dp__fbw_ref(w, sf[3], v);
        for (i = 0; i < x->n_o; i++) {
            const dp__tfxo *o = &x->O[i];
            for (j = 0; codes[j] != o->code; j++) {}
            dp__fbw_ref(w, v + 4 + 4 * (size_t)i, dp__fbw_table(w, 5, o->opt_type ? op_f : op_noopt_f, f));
            dp__fbw_set32(w, f[0], (uint32_t)j);
            dp__fbw_set8(w, f[3], (uint32_t)o->opt_type);
            dp__fbw_ref(w, f[1], dp__fbw_vec_i32(w, o->in, (uint32_t)o->n_in));
            dp__fbw_ref(w, f[2], dp__fbw_vec_i32(w, &o->out, 1));
            if (o->opt_type) {
                size_t of[8];
                dp__fbw_ref(w, f[4], dp__fbw_table(w, o->n_opt, o->opt_size, of));
                for (j = 0; j < o->n_opt; j++) {
                    if (o->opt_size[j] == 4) dp__fbw_set32(w, of[j], o->opt[j]);
                    else dp__fbw_set8(w, of[j], o->opt[j]);
                }
            }
        }
        dp__fbw_ref(w, sf[4], dp__fbw_str(w, "main"));
    }
    /* buffers: 0 is the empty one every activation names */
    v = dp__fbw_vec(w, (uint32_t)x->n_b, 4, 4, NULL);
    dp__fbw_ref(w, mf[4], v);
    for (i = 0; i < x->n_b; i++) {
        const size_t t = dp__fbw_table(w, x->blen[i] ? 1 : 0, buf_f, f);
        dp__fbw_ref(w, v + 4 + 4 * (size_t)i, t);
        if (x->blen[i]) dp__fbw_ref(w, f[0], dp__fbw_vec(w, x->blen[i], 1, 16, x->bdata[i]));
    }
    /* metadata: TFLM's offline memory plan */
    v = dp__fbw_vec(w, 1, 4, 4, NULL);
    dp__fbw_ref(w, mf[6], v);
    dp__fbw_ref(w, v + 4, dp__fbw_table(w, 2, meta_f, f));
    dp__fbw_set32(w, f[1], (uint32_t)plan_buffer);
    dp__fbw_ref(w, f[0], dp__fbw_str(w, "OfflineMemoryAllocation"));
}

static int dp__tfx_export(const void *dpm, size_t dpm_len, void **tfl, size_t *tfl_len,
                          dp_tflite_export_info *info, char *err, size_t err_cap)
{
    dp_model m;
    dp__tfx x;
    dp__fbw w;
    int32_t *rank4 = NULL, i, plan_buffer, changed;
    uint32_t k, sum_c = 0;
    int st;
    memset(&x, 0, sizeof x);
    memset(&w, 0, sizeof w);
    x.err = err;
    x.cap = err_cap;
    if (err && err_cap) err[0] = 0;
    if (info) memset(info, 0, sizeof *info);
    if (!dpm || !tfl || !tfl_len) return dp__tfx_fail(&x, DP_ERR_ARG, "no model or no output");
    *tfl = NULL;
    *tfl_len = 0;
    if ((st = dp_model_init(&m, dpm, dpm_len)) != DP_OK)
        return dp__tfx_fail(&x, st, "the .dpm does not load: %s (at %d)", m.why ? m.why : dp_status_str(st), (int)m.where);
    x.m = &m;
    for (k = 0; k < m.n_tensors; k++) {
        dp__t t;
        dp__t_get(&m, k, &t);
        sum_c += t.c;
    }
    /* activations, then per op at most three constants (weights, bias,
       axes or paddings) and a padded input, or 8 requantised concat
       inputs, and 8 QUANTIZE ops or a PAD; buffers: the empty one, the
       constants, the memory plan; integers: axes or paddings (8 per op)
       and the plan */
    x.T = (dp__tfxt *)DP_CALLOC((size_t)m.n_tensors + 11u * m.n_ops, sizeof(dp__tfxt));
    x.bdata = (const uint8_t **)DP_CALLOC(3u * m.n_ops + 2u, sizeof(const uint8_t *));
    x.blen = (uint32_t *)DP_CALLOC(3u * m.n_ops + 2u, sizeof(uint32_t));
    x.O = (dp__tfxo *)DP_CALLOC(9u * m.n_ops, sizeof(dp__tfxo));
    x.cap_f = (int32_t)(2u * sum_c + m.n_tensors + 8u);
    x.fpool = (float *)DP_CALLOC((size_t)x.cap_f, sizeof(float));
    x.ipool = (int32_t *)DP_CALLOC(8u * m.n_ops + 3u + m.n_tensors + 11u * m.n_ops, sizeof(int32_t));
    rank4 = (int32_t *)DP_CALLOC(2u * m.n_tensors, sizeof(int32_t));
    if (!x.T || !x.bdata || !x.blen || !x.O || !x.fpool || !x.ipool || !rank4) { dp__tfx_fail(&x, DP_ERR_NOMEM, "out of memory"); goto done; }
    x.map = rank4 + m.n_tensors;
    x.map[m.input] = 0;
    for (k = 0; k < m.n_ops; k++) {
        dp__op op;
        dp__op_get(&m, k, &op);
        x.map[op.out] = (int32_t)k + 1;
    }
    /* Ranks: [1,h,w,c], or [1,c] for a 1x1 tensor that only FULLY_CONNECTED,
       SOFTMAX and elementwise ops touch (what the converter writes for a
       classifier's head); the operands of an elementwise op share a rank */
    for (k = 0; k < m.n_tensors; k++) {
        dp__t t;
        dp__t_get(&m, k, &t);
        rank4[k] = t.h * t.w > 1;
    }
    do {
        changed = 0;
        for (k = 0; k < m.n_ops; k++) {
            dp__op op;
            uint32_t j, any = 0;
            dp__op_get(&m, k, &op);
            if (op.kind == DP_MOP_FC) continue;
            if (op.kind != DP_MOP_ADD && op.kind != DP_MOP_MUL && op.kind != DP_MOP_CONCAT && op.kind != DP_MOP_SOFTMAX &&
                op.kind != DP_MOP_SOFTMAXQ && op.kind != DP_MOP_LUT) any = 1;   /* 4-D only */
            for (j = 0; j < op.n_in; j++) any |= (uint32_t)rank4[op.in[j]];
            any |= (uint32_t)rank4[op.out];
            if (!any) continue;
            for (j = 0; j < op.n_in; j++) { changed |= !rank4[op.in[j]]; rank4[op.in[j]] = 1; }
            changed |= !rank4[op.out];
            rank4[op.out] = 1;
        }
    } while (changed);
    x.n_b = 1;
    for (k = 0; k < m.n_tensors; k++) {
        dp__t t;
        dp__tfxt *a = &x.T[x.map[k]];
        float *s = dp__tfx_floats(&x, 1);
        dp__t_get(&m, k, &t);
        if (!s) goto done;
        *s = dp__tfx_scale(&t);
        a->rank = rank4[k] ? 4 : 2;
        a->shape[0] = 1;
        if (rank4[k]) { a->shape[1] = (int32_t)t.h; a->shape[2] = (int32_t)t.w; a->shape[3] = (int32_t)t.c; }
        else a->shape[1] = (int32_t)t.c;
        a->type = DP__TFL_INT8;
        a->scale = s;
        a->n_scale = 1;
        a->zp = t.zp;
        a->plan = t.off;
        snprintf(a->name, sizeof a->name, "t%d", (int)x.map[k]);
    }
    x.n_t = (int32_t)m.n_tensors;
    x.arena = (int64_t)m.arena_size;
    if (dp__tfx_ops(&x, rank4)) goto done;
    /* the offline plan: [version 1, subgraph 0, tensor count, offset per
       tensor] with the .dpm's arena offsets; constants -1 (not in the arena) */
    {
        int32_t *plan = x.ipool + x.n_i;
        plan[0] = 1;
        plan[1] = 0;
        plan[2] = x.n_t;
        for (i = 0; i < x.n_t; i++) plan[3 + i] = (int32_t)x.T[i].plan;
        x.n_i += 3 + x.n_t;
        plan_buffer = x.n_b;
        x.bdata[x.n_b] = (const uint8_t *)plan;
        x.blen[x.n_b++] = 4u * (uint32_t)(3 + x.n_t);
    }
    dp__tfx_write(&x, &w, plan_buffer);
    if (w.err) { dp__tfx_fail(&x, w.err, "writing the flatbuffer: %s", dp_status_str(w.err)); goto done; }
    *tfl = w.p;
    *tfl_len = w.n;
    w.p = NULL;
    if (info) {
        info->n_ops = x.n_o;
        info->n_tensors = x.n_t;
        info->arena_bytes = x.arena;
        info->dpm_arena_bytes = (int64_t)m.arena_size;
        info->file_bytes = (int64_t)*tfl_len;
        info->softmax_replaced = x.softmax_replaced;
    }
done:
    DP_FREE(w.p);
    DP_FREE(x.T); DP_FREE(x.bdata); DP_FREE(x.blen); DP_FREE(x.O); DP_FREE(x.fpool); DP_FREE(x.ipool);
    DP_FREE(rank4);
    return x.st;
}

/* The .dpm's order is the scheduler's when dp_export or dp_tflite_import
   wrote it; a model built by hand may run in a worse order or pack its
   arena worse. The file is therefore imported back (the importer runs the
   exact scheduler and the arena planner on it) and, when that arena is
   smaller, the imported model is what is written. */
int dp_export_tflite(const void *dpm, size_t dpm_len, void **tfl, size_t *tfl_len,
                     dp_tflite_export_info *info, char *err, size_t err_cap)
{
    dp_tflite_export_info a, b;
    dp_tflite_info ii;
    void *blob = NULL, *t2 = NULL;
    size_t bl = 0, n2 = 0;
    int st = dp__tfx_export(dpm, dpm_len, tfl, tfl_len, &a, err, err_cap);
    if (st == DP_OK && dp_tflite_import(*tfl, *tfl_len, &blob, &bl, &ii, NULL, 0) == DP_OK && ii.arena_bytes < a.arena_bytes &&
        dp__tfx_export(blob, bl, &t2, &n2, &b, NULL, 0) == DP_OK) {
        DP_FREE(*tfl);
        *tfl = t2;
        *tfl_len = n2;
        b.softmax_replaced = a.softmax_replaced;
        b.replanned = 1;
        b.dpm_arena_bytes = a.dpm_arena_bytes;
        a = b;
    }
    DP_FREE(blob);
    if (info) *info = a;
    return st;
}

#endif /* !DIFFPRUNE_INFERENCE_ONLY */
#endif /* DIFFPRUNE_IMPLEMENTATION_DONE */
#endif /* DIFFPRUNE_IMPLEMENTATION */

/* >>licence
   MIT License

   Copyright (c) 2026 the diffprune.h authors

   Permission is hereby granted, free of charge, to any person obtaining a copy
   of this software and associated documentation files (the "Software"), to
   deal in the Software without restriction, including without limitation the
   rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
   sell copies of the Software, and to permit persons to whom the Software is
   furnished to do so, subject to the following conditions:

   The above copyright notice and this permission notice shall be included in
   all copies or substantial portions of the Software.

   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
   FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
   IN THE SOFTWARE.
*/

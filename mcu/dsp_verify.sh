#!/bin/sh
# dsp_verify.sh -- `make dsp-verify`: checks mcu/dsp.patch (the int8 kernels
# for cores with the DSP extension) without touching ../diffprune.h:
#   1. applies it to a copy, build/dsp/diffprune.h
#   2. the copy compiles cleanly: host gcc C99 -pedantic -Werror (whole
#      header, and the inference half freestanding), g++, clang when present,
#      arm-none-eabi-gcc for M0+/M3/M4/M7/M33 (M4 also -O0/-Os/-O3), clang
#      for thumbv7em (-O0, -O2) and arm-none-eabi-g++ for M4
#   3. tests/test_infer.c passes against the copy (host)
#   4. the firmware built against the copy matches the host bit for bit:
#      make test (m0, m4, m7), the bench layers (m4, m3), make fuzz
#   5. prints the bench before (../diffprune.h) and after (the copy)
# Exit 0 when everything passed.
case $0 in */*) cd "${0%/*}" || exit 1 ;; esac
MAKE=${MAKE:-make}
HOSTCC=${HOSTCC:-cc}
dir=build/dsp
fail=0
step() { echo "== $*"; }
bad() { echo "FAILED: $*"; fail=1; }

mkdir -p "$dir/tests"
cp ../diffprune.h "$dir/diffprune.h"
if patch -s -p1 --dry-run -R -d "$dir" < dsp.patch > /dev/null 2>&1; then
  step "dsp.patch is already applied to ../diffprune.h: verifying the header as it is"
elif patch -s -p1 -d "$dir" < dsp.patch; then
  step "dsp.patch applied to $dir/diffprune.h"
else
  echo "FAILED: dsp.patch does not apply to the current ../diffprune.h"; exit 1
fi
grep -q '__ARM_FEATURE_DSP' "$dir/diffprune.h" || { echo "FAILED: no DSP kernels in the patched header"; exit 1; }

step "compile checks of the patched header"
tmp=$dir/cc
mkdir -p "$tmp"
printf '#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint main(void){return dp_crc32(0, "", 0) != 0;}\n' > "$tmp/full.c"
printf '#define DIFFPRUNE_INFERENCE_ONLY\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint dp_probe(void){return (int)dp_crc32(0, "a", 1);}\n' > "$tmp/inf.c"
cp "$tmp/full.c" "$tmp/full.cpp"; cp "$tmp/inf.c" "$tmp/inf.cpp"
run() { if "$@" > "$tmp/log" 2>&1; then echo "  ok: $*"; else cat "$tmp/log"; bad "$*"; fi; }
W="-Wall -Wextra -Werror -pedantic"
run gcc -std=c99 $W -I"$dir" "$tmp/full.c" -o "$tmp/a" -lm
run gcc -std=c99 $W -ffreestanding -I"$dir" -c "$tmp/inf.c" -o "$tmp/b.o"
run g++ $W -I"$dir" -c "$tmp/full.cpp" -o "$tmp/c.o"
if command -v clang > /dev/null; then run clang -std=c99 $W -I"$dir" "$tmp/full.c" -o "$tmp/d" -lm; fi
for cpu in cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33; do
  run arm-none-eabi-gcc -mcpu=$cpu -mthumb -O2 -std=c99 $W -ffreestanding -I"$dir" -c "$tmp/inf.c" -o "$tmp/m.o"
done
for o in -O0 -Os -O3; do
  run arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb $o -std=c99 $W -ffreestanding -I"$dir" -c "$tmp/inf.c" -o "$tmp/m.o"
done
if command -v clang > /dev/null; then
  for o in -O0 -O2; do
    run clang --target=thumbv7em-none-eabi -mcpu=cortex-m4 $o -std=c99 $W -ffreestanding -I"$dir" -c "$tmp/inf.c" -o "$tmp/m.o"
  done
fi
run arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -O2 $W -ffreestanding -fno-exceptions -I"$dir" -c "$tmp/inf.cpp" -o "$tmp/m.o"
if ! arm-none-eabi-nm "$tmp/m.o" | grep -q 'dp__dsp_dot\|dwconv2d_dsp'; then
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -O2 -std=c99 -ffreestanding -I"$dir" -c "$tmp/inf.c" -o "$tmp/m.o"
fi
arm-none-eabi-objdump -d "$tmp/m.o" | grep -q 'smlad' && echo "  ok: the M4 build contains SMLAD" || bad "no SMLAD in the M4 build"

step "tests/test_infer.c against the patched header (host)"
cp ../tests/test_infer.c ../tests/test_util.h "$dir/tests/"
if $HOSTCC -std=c99 $W -O2 -o "$dir/test_infer" "$dir/tests/test_infer.c" -lm > "$tmp/log" 2>&1; then
  if "./$dir/test_infer" > "$tmp/log" 2>&1; then echo "  ok: $(tail -n 1 "$tmp/log")"
  else tail -n 20 "$tmp/log"; bad "test_infer"; fi
else cat "$tmp/log"; bad "test_infer does not build"; fi

step "firmware against the patched header: make test"
DP_DIR=$dir VARIANT=-dsp MCU_SKIP_TOO_BIG=1 sh ./run_tests.sh || bad "make test with the patch"

step "firmware against the patched header: make fuzz (random layers, every target)"
DP_DIR=$dir VARIANT=-dsp sh ./run_fuzz.sh || bad "make fuzz with the patch"

step "bench: instructions per MAC, before (../diffprune.h) and after (patched)"
sh ./run_bench.sh > build/bench-before.txt 2>&1 || { cat build/bench-before.txt; bad "bench before"; }
DP_DIR=$dir VARIANT=-dsp sh ./run_bench.sh > build/bench-after.txt 2>&1 || { cat build/bench-after.txt; bad "bench after"; }
awk '
  FNR == NR && /^mcu_layer/ { for (i = 3; i <= NF; i++) { split($i, kv, "="); b[$2, kv[1]] = kv[2] } next }
  /^mcu_layer/ {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] }
    printf "dsp_layer %s m4_before=%s m4_after=%s m3_before=%s m3_after=%s cmsis_nn_m4=%s cmsis_nn_m3=%s match=%s\n",
      $2, b[$2, "m4"], a["m4"], b[$2, "portable"], a["portable"], a["cmsis_nn_m4"], a["cmsis_nn_m3"], a["outputs_match"]
  }' build/bench-before.txt build/bench-after.txt

[ $fail -eq 0 ] && echo "dsp-verify: all passed" || echo "dsp-verify: FAILED"
exit $fail

#!/bin/sh
# run_tests.sh -- `make test`: build the firmware for m0, m4 and m7, run each
# under QEMU with a timeout, compare every output byte with the host
# interpreter's, then the checks.  One line per target:
#   mcu <t> flash=<text+data> sram=<data+bss> arena=<bytes>
#       instr_per_inference=<n> instr_per_mac=<x> outputs_match=<yes|no>
# then one line per target for the >>grouped layers (random depthwise-
# multiplier and grouped conv layers in the bench firmware, bytes compared
# with the host):
#   mcu grouped <t>: <n> of <N> layers (...) match the host bit for bit
# and the same for TFLite Micro's kinds (>>tflm_kernels):
#   mcu tflm <t>: <n> of <N> layers (...) match the host bit for bit
# then one line per keyword-spotting target (kws.c: synthetic clips -> MFCC ->
# a random DS-CNN; every feature and output byte compared with the host's):
#   mcu kws <t> flash=<text+data> sram=<data+bss> arena=<bytes>
#       mfcc_instr_per_s=<n> net_instr=<n> instr_per_s_audio=<n>
#       features_match=<yes|no> outputs_match=<yes|no> correct=n/a
# then one line per check, and `mcu: N passed, M failed` (targets + checks).
# Env: TEST_TARGETS (default "m0 m4 m7"), KWS_TEST_TARGETS (default "m0 m4";
# m7 and m3 work too; m0 runs a narrower DS-CNN, width 0.05, to fit the
# micro:bit's 16 KB of SRAM, the others width 0.25), TIMEOUT (s, per QEMU run, default
# 20), DP_DIR (diffprune.h to build the firmware against) with VARIANT (build
# directory suffix), MCU_ALLOW_SKIP=1 (exit 0 when the toolchain or QEMU is
# missing), MCU_SKIP_TOO_BIG=1.
case $0 in */*) cd "${0%/*}" || exit 1 ;; esac
MAKE=${MAKE:-make}
TIMEOUT=${TIMEOUT:-20}
HOSTCC=${HOSTCC:-cc}
export DP_DIR=${DP_DIR:-..}

missing=""
for tool in arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm qemu-system-arm timeout "$HOSTCC"; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  if [ "${MCU_ALLOW_SKIP:-0}" = 1 ]; then
    echo "SKIP mcu: the firmware tests, missing:$missing (MCU_ALLOW_SKIP=1)"
    echo "mcu: 0 passed, 0 failed, 1 skipped"
    exit 0
  fi
  echo "mcu: cannot test, missing:$missing"
  echo "  install: apt-get install --no-install-recommends gcc-arm-none-eabi qemu-system-arm"
  echo "  or set MCU_ALLOW_SKIP=1 to skip the firmware tests"
  echo "mcu: 0 passed, 1 failed"
  exit 1
fi

mkdir -p build
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "mcu check $1: ok"; }
bad() { fail=$((fail + 1)); echo "mcu check $1: FAILED${2:+ ($2)}"; }

# host side: gen tool, example model (../build/diffprune), model_data.h
if ! $MAKE --no-print-directory -s data > build/data.log 2>&1; then
  cat build/data.log
  echo "mcu: 0 passed, 1 failed (host tool or model data)"
  exit 1
fi

# the board profile and QEMU machine of a target
board() {
  case $1 in
    m4) prof=nucleo-f446re; machine=mps2-an386 ;;
    m7) prof=nucleo-f767zi; machine=mps2-an500 ;;
    m3) prof=none; machine=mps2-an385 ;;
    *)  prof=none; machine=microbit ;;
  esac
}

counter_bad="" m0_elf="" hang_elf="" hang_machine=""
for t in ${TEST_TARGETS:-m0 m4 m7}; do
  board "$t"
  elf=build/main-$t${VARIANT}/firmware.elf
  log=build/main-$t${VARIANT}.log
  if ! $MAKE --no-print-directory -s TARGET=$t PROFILE=$prof > "$log" 2>&1; then
    cat "$log"
    echo "mcu $t flash=? sram=? arena=? instr_per_inference=? instr_per_mac=? outputs_match=no (build failed, PROFILE=$prof)"
    fail=$((fail + 1)); continue
  fi
  set -- $(arm-none-eabi-size "$elf" | awk 'NR==2 { print $1 + $2, $2 + $3 }')
  flash=$1 sram=$2
  sh ./qemu_run.sh "$TIMEOUT" "$machine" "$elf" > "$log" 2>&1
  rc=$?
  val() { sed -n "s/^$1=//p" "$log" | head -n 1; }
  match=$(val outputs_match)
  echo "mcu $t flash=$flash sram=$sram arena=$(val arena) instr_per_inference=$(val instr_per_inference)" \
       "instr_per_mac=$(val instr_per_mac) outputs_match=${match:-no}"
  if [ "$rc" -eq 0 ] && [ "$match" = yes ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    sed 's/^/  | /' "$log"
    case $rc in
      124) echo "mcu $t: QEMU timed out after $TIMEOUT s" ;;
      0) ;;
      *) echo "mcu $t: firmware exit status $rc" ;;
    esac
  fi
  # the SysTick counter measures a 2000-instruction loop to within 8
  got=$(sed -n 's/^count_check expected=2000 measured=\([0-9]*\).*/\1/p' "$log")
  if [ -z "$got" ] || [ "$got" -lt 1992 ] || [ "$got" -gt 2008 ]; then
    counter_bad="$counter_bad $t:${got:-none}"
  fi
  [ "$t" = m0 ] && m0_elf=$elf
  [ -z "$hang_elf" ] && hang_elf=$elf hang_machine=$machine
done

# random single layers of one kind family (gen_model_data KIND) in the bench
# firmware, every output byte against the host's, on each target:
# layer_kinds KIND COUNT WHAT
layer_kinds() {
  kind=$1 count=$2 what=$3
  for t in ${TEST_TARGETS:-m0 m4 m7}; do
    board "$t"
    log=build/$kind-$t${VARIANT}.log
    if ! $MAKE --no-print-directory -s APP=bench TARGET=$t BENCH_KIND=$kind FUZZ_SEED=1 FUZZ_COUNT=$count \
         BENCH_DATA=build/$kind-$count/bench_data.h BUILD=build/$kind-$t${VARIANT} > "$log" 2>&1; then
      cat "$log"; echo "mcu $kind $t: build failed"; fail=$((fail + 1)); continue
    fi
    sh ./qemu_run.sh "$TIMEOUT" "$machine" build/$kind-$t${VARIANT}/firmware.elf > "$log" 2>&1
    rc=$?
    yes=$(grep -c '^layer .* match=yes' "$log")
    echo "mcu $kind $t: $yes of $count layers ($what) match the host bit for bit"
    if [ "$rc" -eq 0 ] && [ "$yes" -eq "$count" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); grep 'match=NO\|error\|fatal' "$log" | head; fi
  done
}
# the >>grouped kinds: depthwise with a channel multiplier, grouped conv
layer_kinds grouped "${GROUPED_COUNT:-40}" "depthwise multiplier, grouped conv"
# TFLite Micro's own kinds (>>tflm_kernels): softmaxq, lut, mean, mul
layer_kinds tflm "${TFLM_COUNT:-24}" "TFLM softmax/logistic/mean/mul"

# keyword spotting: build kws_data.h (host MFCC + host interpreter), run
# kws.c; a feature or output byte that differs fails the line
kws_m0_elf=""
for t in ${KWS_TEST_TARGETS:-m0 m4}; do
  board "$t"
  kargs=""
  [ "$t" = m0 ] && kargs="KWS_WIDTH=0.05 KWS_DATA_H=build/kws-w0.05/kws_data.h"
  elf=build/kws-$t${VARIANT}/firmware.elf
  log=build/kws-$t${VARIANT}.log
  if ! $MAKE --no-print-directory -s APP=kws KWS_MODEL=- KWS_DATA=- TARGET=$t PROFILE=$prof $kargs > "$log" 2>&1; then
    cat "$log"
    echo "mcu kws $t flash=? sram=? arena=? mfcc_instr_per_s=? net_instr=? instr_per_s_audio=?" \
         "features_match=no outputs_match=no (build failed, PROFILE=$prof)"
    fail=$((fail + 1)); continue
  fi
  sh ./qemu_run.sh "$TIMEOUT" "$machine" "$elf" > "$log" 2>&1
  rc=$?
  line=$(grep "^kws $t " "$log" | tail -n 1)
  echo "mcu ${line:-kws $t (no summary line) features_match=no outputs_match=no}"
  case "$rc:$line" in
    "0:"*features_match=yes*outputs_match=yes*) pass=$((pass + 1)) ;;
    *)
      fail=$((fail + 1))
      sed 's/^/  | /' "$log"
      case $rc in
        124) echo "mcu kws $t: QEMU timed out after $TIMEOUT s" ;;
        0) ;;
        *) echo "mcu kws $t: firmware exit status $rc" ;;
      esac ;;
  esac
  [ "$t" = m0 ] && kws_m0_elf=$elf
done

if [ -n "$m0_elf$kws_m0_elf" ]; then
  fsyms=$(for e in $m0_elf $kws_m0_elf; do arm-none-eabi-nm "$e"; done |
          awk '$3 ~ /^__aeabi_[fd]/ { print $3 }' | sort -u | tr '\n' ' ')
  if [ -z "$fsyms" ]; then ok "m0 has no __aeabi_f*/__aeabi_d* (ARMv6-M, no float; main${kws_m0_elf:+ and kws})"
  else bad "m0 has no __aeabi_f*/__aeabi_d*" "linked: $fsyms"; fi
fi
if [ -z "$counter_bad" ]; then ok "instruction counter measures a 2000-instruction loop to +-8"
else bad "instruction counter" "measured for 2000:$counter_bad"; fi

# the host CLI gives the gen tool's expected output for test 0
cli=$(../build/diffprune run build/example.dpm build/model_data.h.in0 2>&1 | head -n 1)
if [ "$cli" = "$(cat build/model_data.h.out0)" ]; then ok "host CLI 'diffprune run' agrees with the expected outputs"
else bad "host CLI agrees" "cli: $cli; expected: $(cat build/model_data.h.out0)"; fi

# a hung firmware is stopped by the timeout, with a message
if [ -n "$hang_elf" ]; then
  hang=$(sh ./qemu_run.sh 2 "$hang_machine" "$hang_elf" hang 2>&1)
  if [ $? -eq 124 ] && echo "$hang" | grep -q 'timed out'; then ok "a hung QEMU run times out with a message"
  else bad "timeout" "$hang"; fi
fi

# an unpruned backbone is refused for NUCLEO-F446RE in plain words
if [ "${MCU_SKIP_TOO_BIG:-0}" != 1 ]; then
  big=$(TOO_BIG_MODELS=mobilenet_v2_160 TOO_BIG_RUN=0 sh ./too_big_demo.sh 2>&1)
  if [ $? -eq 0 ]; then ok "unpruned mobilenet_v2_160 refused for NUCLEO-F446RE: $(echo "$big" | grep 'SRAM over' | sed 's/^error: model does not fit NUCLEO-F446RE: //')"
  else echo "$big"; bad "too-big model refused"; fi
fi

echo "mcu: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

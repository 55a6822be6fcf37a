#!/bin/sh
# examples/demo.sh - `make demo`: the whole pipeline, then the firmware.
#   1. build/demo (examples/demo.c): prune a wide CNN to a board's budgets
#      while training on Fashion-MNIST (or the built-in shapes), int8, host run;
#   2. with the Arm toolchain and qemu: build the firmware for the board's
#      core and memory (mcu/), embed the model, run it on the emulated
#      Cortex-M, check its outputs byte for byte against the host's;
#   3. the summary and the line
#      demo: float_acc=.. int8_acc=.. pmu=.. budget_pmu=.. size=.. budget_size=.. macs=.. firmware=ran|skipped
# Arguments go to build/demo (e.g. --board f767zi --epochs 8 --backbone mbv2).
set -u
out=build/demo-out
mkdir -p "$out"
rm -f "$out/summary.txt"
./build/demo --out "$out" "$@"; rc=$?
[ -s "$out/summary.txt" ] || exit $rc
while IFS='=' read -r k v; do eval "s_$k=\$v"; done < "$out/summary.txt"
firmware=skipped
fw=""
if command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; then
  args="TARGET=$s_mcu_target PROFILE=$s_mcu_profile MODEL=$(pwd)/$out/demo.dpm MODEL_DATA=build/demo-out/model_data.h BUILD=build/demo-$s_mcu_target TESTS=2 TIMEOUT=120"
  echo "firmware: building for $s_mcu_profile ($s_mcu_target) and running under qemu..."
  if make --no-print-directory -s -C mcu run $args > "$out/firmware.log" 2>&1 &&
     grep -q '^outputs_match=yes' "$out/firmware.log"; then
    firmware=ran
    sizes=$(make --no-print-directory -s -C mcu sizes $args 2>/dev/null | tail -n 1)
    ipi=$(sed -n 's/^instr_per_inference=\([0-9]*\).*/\1/p' "$out/firmware.log" | head -n 1)
    ms=$(awk -v n="${ipi:-0}" -v f="$s_mhz" 'BEGIN { printf "%.0f", n / (f * 1000) }')
    fw="$sizes; $ipi instructions per inference (about $ms ms at $s_mhz MHz, one instruction per cycle); outputs match the host byte for byte"
  else
    firmware=failed
    fw="see $out/firmware.log"
    tail -n 5 "$out/firmware.log"
  fi
else
  fw="skipped: install gcc-arm-none-eabi and qemu-system-arm (make deps) to run the model on an emulated Cortex-M"
fi
echo "firmware ($s_mcu_profile): $fw"
echo "figures:  $out/layers.svg, $out/trajectory.svg"
echo "demo: float_acc=$s_float_acc int8_acc=$s_int8_acc pmu=$s_pmu budget_pmu=$s_budget_pmu size=$s_size budget_size=$s_budget_size macs=$s_macs firmware=$firmware"
[ $rc = 0 ] && [ "$firmware" != failed ]

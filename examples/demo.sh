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
fwout=$(sh examples/firmware.sh "$out" "$out/demo.dpm" "$s_mcu_target" "$s_mcu_profile" "$s_mhz")
echo "$fwout" | grep -v '^firmware='
firmware=$(echo "$fwout" | sed -n 's/^firmware=//p')
echo "figures:  $out/layers.svg, $out/trajectory.svg"
echo "demo: float_acc=$s_float_acc int8_acc=$s_int8_acc pmu=$s_pmu budget_pmu=$s_budget_pmu size=$s_size budget_size=$s_budget_size macs=$s_macs firmware=$firmware"
[ $rc = 0 ] && [ "$firmware" != failed ]

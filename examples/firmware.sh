#!/bin/sh
# examples/firmware.sh OUT MODEL.dpm TARGET PROFILE MHZ - the model in the
# emulated board's firmware: with the Arm toolchain and qemu, builds mcu/ for
# the core (TARGET: qemu core) and the board's memory map (PROFILE), embeds
# MODEL, runs it under qemu and checks its outputs byte for byte against the
# host interpreter's (mcu/gen_model_data.c). Log in OUT/firmware.log.
# Prints a line "firmware (PROFILE): ..." and last "firmware=ran|skipped|failed";
# exits 1 only when it failed. Used by `make demo` and `diffprune fit --firmware`.
set -u
out=$1 model=$2 target=$3 profile=$4 mhz=$5
root=$(cd "$(dirname "$0")/.." && pwd)
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
case $model in /*) ;; *) model=$(pwd)/$model ;; esac
firmware=skipped
if [ -z "$target" ] || [ -z "$profile" ]; then
  fw="skipped: no emulated firmware stands in for this board (mcu/ has profiles for the boards diffprune boards marks)"
elif command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; then
  args="TARGET=$target PROFILE=$profile MODEL=$model MODEL_DATA=$out/model_data.h BUILD=build/fw-$target-$$ TESTS=2 TIMEOUT=120"
  echo "firmware: building for $profile ($target) and running under qemu..."
  if make --no-print-directory -s -C "$root/mcu" run $args > "$out/firmware.log" 2>&1 &&
     grep -q '^outputs_match=yes' "$out/firmware.log"; then
    firmware=ran
    sizes=$(make --no-print-directory -s -C "$root/mcu" sizes $args 2>/dev/null | tail -n 1)
    ipi=$(sed -n 's/^instr_per_inference=\([0-9]*\).*/\1/p' "$out/firmware.log" | head -n 1)
    ms=$(awk -v n="${ipi:-0}" -v f="$mhz" 'BEGIN { printf "%.0f", n / (f * 1000) }')
    fw="$sizes; $ipi instructions per inference (about $ms ms at $mhz MHz, one instruction per cycle); outputs match the host byte for byte"
  else
    firmware=failed
    fw="see $out/firmware.log"
    tail -n 5 "$out/firmware.log"
  fi
  rm -rf "$root/mcu/build/fw-$target-$$"
else
  fw="skipped: install gcc-arm-none-eabi and qemu-system-arm (make deps) to run the model on an emulated Cortex-M"
fi
echo "firmware ($profile): $fw"
echo "firmware=$firmware"
[ "$firmware" != failed ]

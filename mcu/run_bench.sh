#!/bin/sh
# run_bench.sh -- `make bench`: instructions per MAC of seven single-layer
# int8 models (one dp_model_run each, -icount shift=0), on the Cortex-M4
# (DSP extension: the __ARM_FEATURE_DSP kernels when the header has them)
# and on the Cortex-M3 (no DSP: the portable C kernels), with CMSIS-NN's
# figures for the same shapes next to them (the first five; `-` for the
# depthwise-multiplier and grouped conv layers).  Every output is compared with
# the host interpreter's.  One line per layer:
#   mcu_layer <shape> m4=<x> portable=<y> cmsis_nn_m4=<a> cmsis_nn_m3=<b>
# Env: DP_DIR (diffprune.h to build against), VARIANT (build dir suffix).
case $0 in */*) cd "${0%/*}" || exit 1 ;; esac
MAKE=${MAKE:-make}
status=0
for t in m4 m3; do
  case $t in m4) machine=mps2-an386 ;; m3) machine=mps2-an385 ;; esac
  log=build/bench-$t${VARIANT}.log
  if ! $MAKE --no-print-directory -s APP=bench TARGET=$t > "$log" 2>&1; then
    cat "$log"; echo "mcu bench: build for $t failed"; exit 1
  fi
  sh ./qemu_run.sh "${TIMEOUT:-30}" $machine build/bench-$t${VARIANT}/firmware.elf > "$log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then sed 's/^/  | /' "$log"; echo "mcu bench: $t run failed (exit $rc)"; status=1; fi
done
awk '
  FNR == 1 { t = (FILENAME ~ /bench-m4/) ? "m4" : "m3" }
  /^layer / {
    name = $2; v = "?"; m = "?"
    for (i = 3; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "instr_per_mac") v = kv[2]
      if (kv[1] == "match") m = kv[2]
      if (kv[1] == "cmsis_m4") c4[name] = kv[2]
      if (kv[1] == "cmsis_m3") c3[name] = kv[2]
    }
    if (!(name in seen)) { seen[name] = 1; order[n++] = name }
    r[name, t] = v; if (m != "yes") bad[name] = bad[name] " " t
  }
  END {
    for (i = 0; i < n; i++) {
      k = order[i]
      printf "mcu_layer %s m4=%s portable=%s cmsis_nn_m4=%s cmsis_nn_m3=%s outputs_match=%s\n", k,
             r[k, "m4"], r[k, "m3"], c4[k], c3[k], (k in bad) ? "NO(" substr(bad[k], 2) ")" : "yes"
      if (k in bad) fails++
    }
    exit fails ? 1 : 0
  }' build/bench-m4${VARIANT}.log build/bench-m3${VARIANT}.log || status=1
[ $status -eq 0 ] || echo "mcu bench: FAILED"
exit $status

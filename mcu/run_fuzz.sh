#!/bin/sh
# run_fuzz.sh -- `make fuzz`: FUZZ_COUNT (80) random small conv, depthwise
# and FC layers (gen_model_data fuzz, seed FUZZ_SEED) run by the bench
# firmware on m0, m3, m4 and m7; every output byte is compared with the host
# interpreter's.  Env: DP_DIR, FUZZ_SEED, FUZZ_COUNT, FUZZ_TARGETS.
case $0 in */*) cd "${0%/*}" || exit 1 ;; esac
MAKE=${MAKE:-make}
seed=${FUZZ_SEED:-1} count=${FUZZ_COUNT:-80}
data=build/fuzz-$seed-$count/bench_data.h
status=0
for t in ${FUZZ_TARGETS:-m0 m3 m4 m7}; do
  case $t in
    m0) machine=microbit ;; m3) machine=mps2-an385 ;; m4) machine=mps2-an386 ;; m7) machine=mps2-an500 ;;
  esac
  log=build/fuzz-$t${VARIANT}.log
  if ! $MAKE --no-print-directory -s APP=bench TARGET=$t BENCH_KIND=fuzz FUZZ_SEED=$seed FUZZ_COUNT=$count \
       BENCH_DATA=$data BUILD=build/fuzz-$t${VARIANT} > "$log" 2>&1; then
    cat "$log"; echo "mcu fuzz $t: build failed"; status=1; continue
  fi
  sh ./qemu_run.sh "${TIMEOUT:-60}" $machine build/fuzz-$t${VARIANT}/firmware.elf > "$log" 2>&1
  rc=$?
  yes=$(grep -c '^layer .* match=yes' "$log")
  no=$(grep -c '^layer .* \(match=NO\|error\)' "$log")
  echo "mcu fuzz $t: $yes of $count layers match the host bit for bit${no:+, $no do not}" | sed 's/, 0 do not//'
  if [ $rc -ne 0 ] || [ "$yes" -ne "$count" ]; then grep 'match=NO\|error\|fatal' "$log" | head; status=1; fi
done
exit $status

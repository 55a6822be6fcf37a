#!/bin/sh
# too_big_demo.sh -- `make too-big-demo`: the paper's unpruned backbones,
# exported to int8 by the library, linked for NUCLEO-F446RE (128 KB SRAM,
# 512 KB flash) must be refused with a plain-words message; the small
# example model links for the same board (make test runs it).  Then the
# same model runs in the emulator's whole 4 MB map (TOO_BIG_RUN=0: skip),
# compared with the host interpreter bit for bit.
# Exit 0 when every model was refused with the message, 1 otherwise.
case $0 in */*) cd "${0%/*}" || exit 1 ;; esac
MAKE=${MAKE:-make}
status=0
$MAKE --no-print-directory -s build/host/gen_model_data > build/toobig.log 2>&1 || { cat build/toobig.log; exit 1; }
for m in ${TOO_BIG_MODELS:-mobilenet_v2_50 mobilenet_v2_160}; do
  dir=build/toobig/$m
  mkdir -p "$dir"
  if [ ! -f "$dir/$m.dpm" ]; then
    ./build/host/gen_model_data zoo "$m" "$dir/$m.dpm.tmp" --calib 4 > "$dir/export.log" 2>&1 &&
      mv "$dir/$m.dpm.tmp" "$dir/$m.dpm" || { cat "$dir/export.log"; status=1; continue; }
  fi
  echo "== $m (unpruned; $(sed -n 's/.*int8: //p' "$dir/export.log" 2>/dev/null)) for NUCLEO-F446RE, m4:"
  if $MAKE --no-print-directory -s TARGET=m4 PROFILE=nucleo-f446re TESTS=1 MODEL="$dir/$m.dpm" \
       MODEL_DATA="$dir/model_data.h" BUILD="build/toobig-$m" > "$dir/build.log" 2>&1; then
    echo "FAIL: $m linked for NUCLEO-F446RE"; status=1; continue
  fi
  if grep '^error: model does not fit' "$dir/build.log"; then
    echo "ok: refused at link time"
  else
    cat "$dir/build.log"; echo "FAIL: no plain-words message for $m"; status=1
  fi
  # the same image in the emulator's whole 4 MB map: it runs, bit for bit
  [ "${TOO_BIG_RUN:-1}" = 1 ] || continue
  if $MAKE --no-print-directory -s TARGET=m4 PROFILE=none TESTS=1 MODEL="$dir/$m.dpm" \
       MODEL_DATA="$dir/model_data.h" BUILD="build/toobig-$m-emu${VARIANT}" > "$dir/emu.log" 2>&1 &&
     sh ./qemu_run.sh "${TIMEOUT:-60}" mps2-an386 "build/toobig-$m-emu${VARIANT}/firmware.elf" > "$dir/emu.log" 2>&1; then
    echo "ok: in the emulator's 4 MB map it runs: $(grep -E '^(arena|instr_per_inference|instr_per_mac|outputs_match)=' \
      "$dir/emu.log" | tr '\n' ' ')"
  else
    tail -n 5 "$dir/emu.log"; echo "FAIL: $m in the emulator map"; status=1
  fi
done
exit $status

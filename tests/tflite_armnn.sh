#!/bin/sh
# tests/tflite_armnn.sh DIFFPRUNE_BIN LOG - an outside reader of the .tflite
# files `diffprune export` writes: Arm NN's TfLiteParser (Debian's
# python3-pyarmnn, run by tests/tflite_armnn.py on its CpuRef backend).
# For each int8 model of ../shared/tflite (README there; DP_TFLITE_DIR
# overrides): `diffprune export MODEL.tflite` (imported, then written back
# with diffprune's op order and offline memory plan) must load and run in
# Arm NN and give, on the folder's 8 inputs, the same bytes Arm NN gives for
# the original file. (Arm NN's int8 reference kernels are not TFLM's, so
# the comparison is file against file in one runtime; how many outputs
# equal TFLM's is printed. Where Arm NN refuses the original file, the
# exported one must still run.) Skipped with a message when pyarmnn or the
# folder is absent. Writes "tflite_armnn: N passed, M failed[, K skipped]"
# to LOG.
dp=$1; log=$2
pass=0; fail=0; skip=0
py=/usr/bin/python3
here=$(dirname "$0")
say() { echo "$*"; echo "$*" >> "$log"; }
: > "$log"
dir=${DP_TFLITE_DIR:-}
if [ -z "$dir" ]; then
  for d in ../shared/tflite ../../shared/tflite /work/shared/tflite; do [ -f "$d/README.md" ] && { dir=$d; break; }; done
fi
if ! [ -x $py ] || ! $py -c 'import pyarmnn' >/dev/null 2>&1; then
  say "SKIP tflite_armnn: pyarmnn (Debian python3-pyarmnn) is not installed for $py: exported files not checked in Arm NN"
  say "tflite_armnn: 0 passed, 0 failed, 1 skipped"; exit 0
fi
if [ -z "$dir" ] || ! [ -f "$dir/README.md" ]; then
  say "SKIP tflite_armnn: ../shared/tflite not found (set DP_TFLITE_DIR)"
  say "tflite_armnn: 0 passed, 0 failed, 1 skipped"; exit 0
fi
tmp=$(mktemp -d)
for m in tiny_kws_ref_model tiny_ic_resnet_quant tflm_person_detect tflm_micro_speech_quantized tflm_hello_world_int8; do
  ins=""; k=0
  while [ $k -lt 8 ]; do ins="$ins $dir/golden/$m.$k.in.bin"; k=$((k + 1)); done
  if ! "$dp" export "$dir/$m.tflite" -o "$tmp/$m.tflite" > "$tmp/x.log" 2>&1; then
    fail=$((fail + 1)); say "FAIL tflite_armnn: $m: diffprune export: $(head -c 300 "$tmp/x.log")"; continue
  fi
  $py "$here/tflite_armnn.py" "$dir/$m.tflite" $ins > "$tmp/orig.txt" 2> "$tmp/orig.err"; ro=$?
  $py "$here/tflite_armnn.py" "$tmp/$m.tflite" $ins > "$tmp/exp.txt" 2> "$tmp/exp.err"; re=$?
  if [ $re != 0 ] && [ $ro != 0 ]; then
    skip=$((skip + 1)); say "SKIP tflite_armnn: $m: Arm NN runs neither the original file nor the exported one: $(tail -n 1 "$tmp/orig.err" | head -c 200)"; continue
  fi
  if [ $re != 0 ]; then
    fail=$((fail + 1)); say "FAIL tflite_armnn: $m: Arm NN refused the exported file (status $re): $(tail -n 2 "$tmp/exp.err" "$tmp/exp.txt" | head -c 300)"; continue
  fi
  tflm=0; k=0
  while read -r line; do
    [ "$line" = "$(od -An -v -tx1 "$dir/golden/$m.$k.out.bin" | tr -d ' \n')" ] && tflm=$((tflm + 1))
    k=$((k + 1))
  done < "$tmp/exp.txt"
  if [ $ro != 0 ]; then   # the original does not run (e.g. per-axis bias dimensions Arm NN 20.08 refuses)
    if [ "$(wc -l < "$tmp/exp.txt")" = 8 ]; then
      pass=$((pass + 1)); say "tflite_armnn: $m: the original file does not run in Arm NN ($(tail -n 1 "$tmp/orig.err" | cut -c1-90)...); the exported one does, $tflm/8 outputs equal TFLM's"
    else
      fail=$((fail + 1)); say "FAIL tflite_armnn: $m: the exported file gave $(wc -l < "$tmp/exp.txt") outputs in Arm NN"
    fi
  elif [ "$(wc -l < "$tmp/exp.txt")" = 8 ] && cmp -s "$tmp/orig.txt" "$tmp/exp.txt"; then
    pass=$((pass + 1)); say "tflite_armnn: $m: exported file loads and runs in Arm NN, 8/8 outputs identical to the original file's ($tflm/8 equal TFLM's)"
  else
    fail=$((fail + 1)); say "FAIL tflite_armnn: $m: Arm NN outputs of the exported file differ from the original's"
  fi
done
rm -rf "$tmp"
say "tflite_armnn: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]

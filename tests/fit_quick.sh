#!/bin/sh
# tests/fit_quick.sh DIFFPRUNE_BIN DATA_FOLDER_BIN WORK LOG - `diffprune fit`
# end to end on three small data sets this script makes in WORK:
#   png: 3 classes x 24 images 12x12 (a horizontal bar, a vertical bar, a
#        square, with noise), written as binary PGM by awk and converted to
#        PNG by ImageMagick where installed (else fitted as PGM, said so);
#   csv: the synthetic gesture set (data_folder --make-gestures: noisy damped
#        oscillations on three axes, not real recordings), --window 64;
#   wav: 3 classes x 24 one-second 16 kHz clips of noisy tones (400, 1200,
#        3000 Hz), written by awk.
# Each run: exit 0, the fit: line with pmu/size/macs within the budgets
# given (small enough that the pruner must shrink the network), and the
# report files written; the csv run's --tflite file imports back with the
# .dpm's arena. Then a malformed file (PNG, CSV, WAV) put in each
# folder: a non-zero exit and a message naming that file.
# Writes "fit_quick: N passed, M failed" to LOG.
dp=$1; df=$2; work=$3; log=$4
pass=0; fail=0; skip=0
check() { if [ "$1" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL fit_quick: $2"; fi; }
rm -rf "$work"; mkdir -p "$work"

# ---- the PNG folder ----
img=png
command -v convert >/dev/null 2>&1 || { img=pgm; echo "SKIP fit_quick png: ImageMagick (convert) not installed: the image folder is fitted as PGM"; }
for c in hbar vbar square; do
  mkdir -p "$work/png/$c"
  i=0
  while [ $i -lt 24 ]; do
    f="$work/png/$c/i$i.pgm"
    LC_ALL=C awk -v c=$c -v s=$((i * 7 + 1)) 'BEGIN { srand(s); o = int(rand() * 4); printf "P5\n12 12\n255\n";
      for (y = 0; y < 12; y++) for (x = 0; x < 12; x++) {
        on = c == "hbar" ? (y >= 4 + o && y < 7 + o) : c == "vbar" ? (x >= 4 + o && x < 7 + o) : (x >= 2 + o && x < 8 + o && y >= 2 + o && y < 8 + o && (x == 2 + o || x == 7 + o || y == 2 + o || y == 7 + o));
        v = (on ? 180 : 20) + int(rand() * 60); printf "%c", v } }' > "$f"
    if [ $img = png ]; then convert "$f" "${f%.pgm}.png" && rm -f "$f"; fi
    i=$((i + 1))
  done
done

# ---- the CSV gesture set (synthetic) ----
"$df" --make-gestures "$work/csv" > /dev/null

# ---- the WAV folder: noisy tones ----
for c in low mid high; do
  mkdir -p "$work/wav/$c"
  f0=$([ $c = low ] && echo 400 || ([ $c = mid ] && echo 1200 || echo 3000))
  i=0
  while [ $i -lt 24 ]; do
    LC_ALL=C awk -v f0=$f0 -v s=$((i * 13 + 5)) 'function w16(v) { v = int(v); if (v < 0) v += 65536; printf "%c%c", v % 256, int(v / 256) }
      function w32(v) { printf "%c%c%c%c", v % 256, int(v / 256) % 256, int(v / 65536) % 256, int(v / 16777216) }
      BEGIN { srand(s); n = 16000; printf "RIFF"; w32(36 + 2 * n); printf "WAVEfmt "; w32(16); w16(1); w16(1); w32(16000); w32(32000); w16(2); w16(16);
        printf "data"; w32(2 * n); f = f0 * (0.9 + 0.2 * rand()); a = 3000 + 6000 * rand(); t0 = int(rand() * 4000);
        for (k = 0; k < n; k++) { v = (k >= t0 && k < t0 + 8000 ? a * sin(6.2831853 * f * k / 16000) : 0) + 300 * (rand() - 0.5); w16(v) } }' > "$work/wav/$c/c$i.wav"
    i=$((i + 1))
  done
done

# ---- fit each: budgets met, fit: line, report files ----
fit() {   # name, args...
  name=$1; shift
  t0=$(date +%s)
  "$dp" fit --board nucleo-f446re -o "$work/out-$name" --seed 1 $fw "$@" > "$work/$name.log" 2>&1; rc=$?
  t1=$(date +%s)
  line=$(grep '^fit:' "$work/$name.log")
  echo "fit_quick $name ($((t1 - t0)) s): ${line:-no fit: line}"
  check "$([ $rc = 0 ] && echo 1)" "$name: exit status $rc (see $work/$name.log)"
  check "$([ -n "$line" ] && echo 1)" "$name: no fit: line"
  get() { echo "$line" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
  for k in pmu size macs; do
    v=$(get $k); b=$(get budget_$k)
    check "$([ -n "$v" ] && [ -n "$b" ] && [ "$v" -le "$b" ] && echo 1)" "$name: $k=$v over budget $b"
  done
  check "$(awk -v a="$(get int8_acc)" 'BEGIN { print (a > 0.6) ? 1 : 0 }')" "$name: int8 accuracy $(get int8_acc) <= 0.6"
  [ -n "$fw" ] && check "$(echo "$line" | grep -q 'firmware=ran' && echo 1)" "$name: the firmware did not run or did not match the host (see $work/$name.log)"
  for f in model.dpm model.dpm.h model_input.h summary.txt layers.svg trajectory.svg report.html; do
    check "$([ -s "$work/out-$name/$f" ] && echo 1)" "$name: $f not written"
  done
  check "$(grep -q 'confusion matrix' "$work/out-$name/summary.txt" && grep -q '<img src="trajectory.svg"' "$work/out-$name/report.html" && echo 1)" \
    "$name: summary.txt without a confusion matrix or report.html without the figures"
}
# budgets below the backbone's (width 0.25) so that pruning has work to do;
# with the Arm toolchain and qemu, each model also runs in the emulated
# board's firmware, its outputs checked against the host's (firmware=ran)
fw=
if command -v arm-none-eabi-gcc > /dev/null 2>&1 && command -v qemu-system-arm > /dev/null 2>&1; then fw=--firmware
else echo "SKIP fit_quick firmware: no arm-none-eabi-gcc or qemu-system-arm (sh tests/install_deps.sh)"; skip=$((skip + 1)); fi
fit png --data "$work/png" --width 0.25 --epochs 10 --size 12000 --macs 150000
fit csv --data "$work/csv" --window 64 --stride 64 --width 0.25 --epochs 3 --size 12000 --macs 250000 --tflite "$work/out-csv/model.tflite"
# --tflite: the TensorFlow Lite file imports back with the .dpm's arena
a=$("$dp" import "$work/out-csv/model.tflite" -o "$work/csv-back.dpm" 2>&1 | sed -n 's/.* arena \([0-9]*\) bytes.*/\1/p')
b=$("$dp" info "$work/out-csv/model.dpm" 2>&1 | sed -n 's/^model: .* arena=\([0-9]*\) .*/\1/p')
check "$([ -n "$a" ] && [ "$a" = "$b" ] && echo 1)" "csv: the --tflite file does not import back with the .dpm's arena ('$a' vs '$b')"
fit wav --data "$work/wav" --width 0.25 --epochs 8 --size 15000 --macs 2000000
# --limit on a folder (its items come class by class): a random subset that
# still has every class, not the first N (which would be classes 0 and 1)
"$dp" fit --board nucleo-f446re -o "$work/out-limit" --seed 1 --data "$work/png" --width 0.25 --epochs 2 --limit 30 > "$work/limit.log" 2>&1; rc=$?
check "$([ $rc = 0 ] && grep -q -- '--limit 30: a random 30 of the 57 training items (seed 1), 3 of 3 classes' "$work/limit.log" && echo 1)" \
  "limit: exit status $rc or no '30 of the 57 training items ..., 3 of 3 classes' line (see $work/limit.log)"
echo "fit_quick limit: $(grep -- '--limit' "$work/limit.log" | sed 's/^ *//')"

# ---- bad files: the loader's message names the file; non-zero exit ----
bad() {   # name, bad file, its content (printf format), args...
  name=$1; file=$2; content=$3; shift 3
  printf "$content" > "$file"
  "$dp" fit --board nucleo-f446re -o "$work/out-bad-$name" "$@" > "$work/bad-$name.log" 2>&1; rc=$?
  check "$([ $rc != 0 ] && echo 1)" "bad $name: exit status 0 with $file"
  check "$(grep -q "$file" "$work/bad-$name.log" && echo 1)" "bad $name: no message naming $file: $(tail -n 1 "$work/bad-$name.log")"
  echo "fit_quick bad $name: exit $rc: $(grep "$file" "$work/bad-$name.log" | head -n 1)"
  rm -f "$file"
}
bad png "$work/png/hbar/zz_bad.$img" '\211PNG\r\n\032\nnot a png at all' --data "$work/png" --epochs 2
bad csv "$work/csv/nod/zz_bad.csv" 'timestamp,ax,ay,az\n0,1.0,oops,2\n' --data "$work/csv" --window 64 --epochs 2
bad wav "$work/wav/low/zz_bad.wav" 'RIFF\004\000\000\000WAVEjunk' --data "$work/wav" --epochs 2

echo "fit_quick: $pass passed, $fail failed, $skip skipped" | tee "$log"
[ $fail = 0 ]

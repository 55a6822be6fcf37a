#!/bin/sh
# tests/run_all.sh LABEL BIN... - runs each test binary, shows its last lines,
# and ends with one total line "LABEL: N passed, M failed". Exits non-zero
# when any binary fails or crashes.
label=$1; shift
pass=0; fail=0; bad=0
for t in "$@"; do
  out=$(mktemp)
  if ! "$t" > "$out" 2>&1; then bad=1; echo "== $t FAILED"; tail -n 30 "$out"; else echo "== $t"; fi
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  [ -n "$line" ] || { bad=1; echo "   (no result line: crashed?)"; line="0 passed, 1 failed"; }
  echo "   $line"
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  pass=$((pass + p)); fail=$((fail + f))
  rm -f "$out"
done
# results of other suites (e.g. the firmware under qemu), counted in the total
for f in $DP_EXTRA_RESULTS; do
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$f" 2>/dev/null | tail -n 1 | sed 's/^.*: //')
  [ -n "$line" ] || continue
  p=${line%% passed*}; q=${line#*, }; q=${q%% failed*}
  pass=$((pass + p)); fail=$((fail + q))
done
echo "$label: $pass passed, $fail failed"
[ $bad = 0 ] && [ $fail = 0 ]

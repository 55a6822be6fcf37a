#!/bin/sh
# tests/run_all.sh LABEL BIN... - runs each test binary, shows its last lines,
# and ends with one total line "LABEL: N passed, M failed, K skipped", after
# the reason for every skipped check. Exits non-zero when any binary fails
# or crashes. A result line is "N passed, M failed" with an optional
# ", K skipped"; a skipped check prints a line starting "SKIP" with why
# (tests/test_util.h SKIP(), the shell scripts' "SKIP name: why").
# DP_EXTRA_RESULTS: logs of other suites (the firmware under qemu, the
# option checks, prune --quick, kws --quick), counted in the total: the last
# result line of each, "name: N passed, M failed[, K skipped]", and its
# SKIP lines (counted when the result line gives no K).
label=$1; shift
pass=0; fail=0; skip=0; bad=0
reasons=$(mktemp)
# add LINE: adds one result line's counts to the totals; K (or "") in k
add() {
  a_p=${1%% passed*}; a_f=${1#*, }; a_f=${a_f%% failed*}
  case "$1" in *skipped*) k=${1##*failed, }; k=${k%% skipped*} ;; *) k="" ;; esac
  pass=$((pass + a_p)); fail=$((fail + a_f))
}
for t in "$@"; do
  out=$(mktemp)
  if ! "$t" > "$out" 2>&1; then bad=1; echo "== $t FAILED"; tail -n 30 "$out"; else echo "== $t"; fi
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  [ -n "$line" ] || { bad=1; echo "   (no result line: crashed?)"; line="0 passed, 1 failed"; }
  echo "   $line"
  add "$line"
  n=$(grep -c '^SKIP' "$out")
  skip=$((skip + ${k:-$n}))
  grep '^SKIP' "$out" | sed "s|^|$t: |" >> "$reasons"
  rm -f "$out"
done
for f in $DP_EXTRA_RESULTS; do
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$f" 2>/dev/null | tail -n 1 | sed 's/^.*: //')
  [ -n "$line" ] || continue
  add "$line"
  n=$(grep -c '^SKIP' "$f")
  skip=$((skip + ${k:-$n}))
  grep '^SKIP' "$f" | sed "s|^|$f: |" >> "$reasons"
done
if [ -s "$reasons" ]; then echo "skipped checks:"; sed 's/^/  /' "$reasons"; fi
rm -f "$reasons"
echo "$label: $pass passed, $fail failed, $skip skipped"
[ $bad = 0 ] && [ $fail = 0 ]

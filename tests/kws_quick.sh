#!/bin/sh
# tests/kws_quick.sh KWS_BIN MFCC_TEST_BIN DATA_DIR LOG - the keyword-spotting
# pipeline on a small synthesised set (make kws-data N=400, made if missing):
#   1. test_mfcc DATA_DIR: the fixed-point MFCCs of every test clip within
#      1 int8 step of the float64 reference;
#   2. kws --quick: a DS-CNN-M pruned to MicroNets KWS-S while training; its
#      final line must show PMU, size and MACs within KWS-S (51700 B,
#      63600 B, 8351000) and int8 accuracy on the held-out voices above 0.2
#      (chance is 1/12; about 320 training clips give 0.39-0.47 over seeds).
# Writes "kws_quick: N passed, M failed" to LOG; when the speech synthesisers
# cannot be installed, a SKIP line and "kws_quick: 0 passed, 0 failed, 1 skipped".
kws=$1; mfcc=$2; data=$3; log=$4
if [ ! -f "$data/testing_list.txt" ]; then
  sh examples/kws_data.sh -n 400 -o "$data" > "$log.data" 2>&1
  st=$?
  if [ $st != 0 ]; then
    tail -n 3 "$log.data"
    { echo "SKIP kws_quick: could not make the speech data (see $log.data)"; echo "kws_quick: 0 passed, 0 failed, 1 skipped"; } | tee "$log"
    exit 0
  fi
fi
pass=0; fail=0
check() { if [ "$1" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL kws --quick: $2"; fi; }
out=$(mktemp)
"$mfcc" "$data" > "$out" 2>&1; rc=$?
grep "test clips" "$out"
check "$([ $rc = 0 ] && echo 1)" "test_mfcc on $data: $(grep -E 'FAIL|passed' "$out" | head -n 3)"
t0=$(date +%s)
"$kws" --quick --data "$data" > "$out" 2>/dev/null; rc=$?
t1=$(date +%s)
line=$(grep '^kws:' "$out")
get() { echo "$line" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
check "$([ $rc = 0 ] && echo 1)" "exit status $rc"
check "$([ -n "$line" ] && echo 1)" "no kws: line"
if [ -n "$line" ]; then
  check "$([ "$(get pmu)" -le 51700 ] && echo 1)" "pmu $(get pmu) > 51700"
  check "$([ "$(get size)" -le 63600 ] && echo 1)" "size $(get size) > 63600"
  check "$([ "$(get macs)" -le 8351000 ] && echo 1)" "macs $(get macs) > 8351000"
  check "$(awk -v a="$(get acc)" 'BEGIN { print (a > 0.2) ? 1 : 0 }')" "int8 accuracy $(get acc) <= 0.2"
fi
{ echo "$line ($((t1 - t0)) s)"; echo "kws_quick: $pass passed, $fail failed"; } | tee "$log"
rm -f "$out"
[ $fail = 0 ]

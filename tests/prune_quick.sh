#!/bin/sh
# tests/prune_quick.sh BIN LOG - runs `BIN prune --quick` (Fashion-MNIST
# subset, MobileNet-v2 x0.5, pruned while training) and checks its final line:
# PMU, size and MACs within the budgets, int8 accuracy above 0.6, exit 0;
# then a schedule too short for tight budgets, paced and unpaced, which
# must end within them.
# Writes "prune_quick: N passed, M failed" to LOG; when Fashion-MNIST is not
# installed, a SKIP line saying so and "prune_quick: 0 passed, 0 failed, 1 skipped".
bin=$1; log=$2
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  { echo "SKIP prune_quick: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"
    echo "prune_quick: 0 passed, 0 failed, 1 skipped"; } | tee "$log"
  exit 0
fi
out=$(mktemp)
t0=$(date +%s)
"$bin" prune --quick > "$out" 2>/dev/null; rc=$?
t1=$(date +%s)
line=$(grep '^final:' "$out")
pass=0; fail=0
check() { if [ "$1" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL prune --quick: $2"; fi; }
get() { echo "$line" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
check "$([ $rc = 0 ] && echo 1)" "exit status $rc"
check "$([ -n "$line" ] && echo 1)" "no final line"
if [ -n "$line" ]; then
  check "$([ "$(get pmu)" -le "$(get budget_pmu)" ] && echo 1)" "pmu $(get pmu) > $(get budget_pmu)"
  check "$([ "$(get size)" -le "$(get budget_size)" ] && echo 1)" "size $(get size) > $(get budget_size)"
  check "$([ "$(get macs)" -le "$(get budget_macs)" ] && echo 1)" "macs $(get macs) > $(get budget_macs)"
  check "$(awk -v a="$(get acc)" 'BEGIN { print (a > 0.6) ? 1 : 0 }')" "int8 accuracy $(get acc) <= 0.6"
fi
# a schedule too short for tight budgets (size to 5% in 2 epochs): paced
# (the default), the budgets are met on the way, no projection needed; with
# the paper's fixed eta (--plan -1) the widths are projected onto them and
# the run says so; both end within them
for plan in paced unpaced; do
  if [ $plan = paced ]; then "$bin" prune --quick --epochs 2 --pmu 20000 --size 30000 --macs 1500000 > "$out" 2>/dev/null; rc2=$?
  else "$bin" prune --quick --epochs 2 --pmu 20000 --size 30000 --macs 1500000 --plan -1 > "$out" 2>/dev/null; rc2=$?; fi
  line2=$(grep '^final:' "$out")
  [ $plan = paced ] && { line1=$line; paced_line=$line2; }
  line=$line2
  check "$([ $rc2 = 0 ] && echo 1)" "short schedule ($plan): exit status $rc2"
  if [ $plan = paced ]; then
    check "$(grep -q '^time: .*budgets met at step' "$out" && ! grep -q 'widths projected onto them' "$out" && echo 1)" "short schedule (paced): budgets not met on the way"
  else
    check "$(grep -q 'widths projected onto them' "$out" && echo 1)" "short schedule (unpaced): no projection message"
  fi
  if [ -n "$line2" ]; then
    check "$([ "$(get pmu)" -le 20000 ] && [ "$(get size)" -le 30000 ] && [ "$(get macs)" -le 1500000 ] && echo 1)" "short schedule ($plan) over budget: $line2"
  else
    check 0 "short schedule ($plan): no final line"
  fi
done
line2=$paced_line
t2=$(date +%s)
{ echo "$line1 ($((t1 - t0)) s)"; echo "short schedule: $line2 ($((t2 - t1)) s)"; echo "prune_quick: $pass passed, $fail failed"; } | tee "$log"
rm -f "$out"
[ $fail = 0 ]

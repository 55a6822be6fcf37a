#!/bin/sh
# examples/experiments.sh - the paper's pruning experiments on Fashion-MNIST
# (issue 4), each one `build/diffprune prune` run; prints markdown tables.
#
#   make experiments            (or: sh examples/experiments.sh [OUTDIR])
#   PRUNE_ARGS="--plan -1" ...    extra options for every run (here: the
#                               unpaced schedule the README's tables used)
#
# Backbone: MobileNet-v2 (residual blocks, so exact and imprecise peak memory
# can differ) at width 0.5 on 28x28 inputs, and a plain CNN. Every run trains
# on the first 20000 training images (2000 of them held out for the task
# loss) for 6 epochs (the last quantisation-aware; width updates every 10 steps
# from the start with eta 2) and reports the int8 model
# on the full 10000-image test set. Budgets are fractions of the unpruned
# backbone: L1 = PMU 60%, size 40%, MACs 50%; L2 = 40/25/35%; L3 = 25/12/20%.
#   1. budgets met at three levels (and the CNN)
#   2. PMU objective exact / imprecise / none at L2 (the paper's Figure 4)
#   3. pruning vs uniform width scaling at matching resources (Figure 5),
#      also with a longer schedule (3b)
#   4. loss ablation: task-only, resource-only, both (Table 2)
#   5. cost: training time without pruning, with, with early termination
# Takes about 45 minutes on 2 cores. Logs and CSVs go to OUTDIR.
set -u
out=${1:-build/experiments}
bin=${DIFFPRUNE:-build/diffprune}
mkdir -p "$out"
common="--limit 20000 --epochs 6 --every 10 --eta 2 --qat-epochs 1"
mb="--backbone mbv2 --width 0.5"
# resources of mbv2 x0.5 (from `diffprune prune` banner): pmu 11760, size 619624, macs 1608772;
# cnn x1: pmu 75264, size 259528, macs 36451712 (its budgets: 40%, 25%, 35%)
L1="--pmu 7056 --size 247849 --macs 804386"
L2="--pmu 4704 --size 154906 --macs 563070"
L3="--pmu 2940 --size 74354 --macs 321754"

run() {   # name, args...
  name=$1; shift
  if [ -s "$out/$name.log" ] && grep -q '^final:' "$out/$name.log"; then return 0; fi
  echo "== $name: $bin prune $*" >&2
  "$bin" prune "$@" ${PRUNE_ARGS:-} --csv "$out/$name.csv" > "$out/$name.log" 2> /dev/null
  grep '^final:' "$out/$name.log" >&2 || echo "   (no final line; see $out/$name.log)" >&2
}

run base      $common $mb --no-prune
run l1        $common $mb $L1
run l2        $common $mb $L2
run l3        $common $mb $L3
run cnn       $common --backbone cnn --width 1 --pmu 30105 --size 64882 --macs 12758099
run imprecise $common $mb $L2 --pmu-objective imprecise
run nopmu     $common $mb $L2 --pmu-objective none
run uni075    $common --backbone mbv2 --width 0.375 --no-prune
run uni050    $common --backbone mbv2 --width 0.25 --no-prune
run match075  $common $mb --match-width 0.375
run match050  $common $mb --match-width 0.25
# 3b: the same comparison with a longer schedule: all 60000 images, 12 epochs,
# the paper's update period (20 steps) and eta 1
long="--epochs 12 --every 20 --eta 1 --qat-epochs 1"
run long_uni075   $long --backbone mbv2 --width 0.375 --no-prune
run long_match075 $long $mb --match-width 0.375
run long_uni050   $long --backbone mbv2 --width 0.25 --no-prune
run long_match050 $long $mb --match-width 0.25
run task      $common $mb $L2 --losses task
run res       $common $mb $L2 --losses res
run early     $common $mb $L2 --early-term
# cost: the same three trainings again, twice each (the faster counts), with
# a 1000-image test set so that evaluation adds little; run on a quiet machine
for k in a b; do
  run cost_base_$k  $common $mb --no-prune --test-limit 1000
  run cost_l2_$k    $common $mb $L2 --test-limit 1000
  run cost_early_$k $common $mb $L2 --early-term --test-limit 1000
done

# ---- tables ----
val() { sed -n "s/^final:.* $2=\([0-9.]*\).*/\1/p" "$out/$1.log" | head -n 1; }
fl()  { sed -n 's/^int8: .*(float \([0-9.]*\)).*/\1/p' "$out/$1.log" | head -n 1; }
tim() { sed -n 's/^time: \([0-9.]*\) s.*/\1/p' "$out/$1.log" | head -n 1; }
met() { if grep -q 'budgets met' "$out/$1.log"; then echo yes; else echo no; fi; }
row() {   # name label
  n=$1
  [ -s "$out/$n.log" ] || { echo "| $2 | (missing) | | | | | |"; return; }
  echo "| $2 | $(val $n pmu) / $(val $n budget_pmu) | $(val $n size) / $(val $n budget_size) | $(val $n macs) / $(val $n budget_macs) | $(fl $n) | $(val $n acc) | $(met $n) |"
}
imp() { sed -n 's/^pmu_imprecise *[0-9]* *\([0-9]*\)$/\1/p' "$out/$1.log" | head -n 1; }
hdr="| run | PMU B / budget | size B / budget | MACs / budget | float acc | int8 acc | budgets met |
|---|---|---|---|---|---|---|"
echo "### 1. Budgets met at three levels"
echo "$hdr"
echo "| MobileNet-v2 x0.5, unpruned | $(val base pmu) | $(val base size) | $(val base macs) | $(fl base) | $(val base acc) | - |"
row l1 "pruned to L1"; row l2 "pruned to L2"; row l3 "pruned to L3"; row cnn "plain CNN, pruned"
echo
echo "### 2. Exact vs imprecise PMU objective (L2 budgets)"
echo "| PMU objective | true (exact) PMU B | imprecise PMU B | budget B | within budget | int8 acc |"
echo "|---|---|---|---|---|---|"
for n in l2 imprecise nopmu; do
  lab=$n; [ $n = l2 ] && lab=exact; [ $n = nopmu ] && lab=none
  p=$(val $n pmu); b=$(val $n budget_pmu); ok=no; [ -n "$p" ] && [ "$p" -le "$b" ] && ok=yes
  echo "| $lab | $p | $(imp $n) | $b | $ok | $(val $n acc) |"
done
echo
scaling() {   # prefix of the four runs (uni075 match075 uni050 match050)
  echo "| model | PMU B | size B | MACs | float acc | int8 acc |"
  echo "|---|---|---|---|---|---|"
  for n in uni075 match075 uni050 match050; do
    case $n in uni075) lab="uniform x0.375 (0.75 of base)";; match075) lab="x0.5 pruned to x0.375's resources";;
               uni050) lab="uniform x0.25 (0.5 of base)";; *) lab="x0.5 pruned to x0.25's resources";; esac
    n=$1$n
    echo "| $lab | $(val $n pmu) | $(val $n size) | $(val $n macs) | $(fl $n) | $(val $n acc) |"
  done
  echo
}
echo "### 3. Pruning vs uniform scaling (MobileNet-v2 from width 0.5)"
scaling ""
echo "### 3b. The same with all 60000 training images, 12 epochs, updates every 20 steps, eta 1"
scaling long_
echo "### 4. Loss ablation (L2 budgets)"
echo "$hdr"
row task "task loss only"; row res "resource loss only"; row l2 "both"
echo
echo "### 5. Training cost (wall time of the whole run: 6 epochs, per-epoch evaluation on 1000 images; faster of two runs)"
echo "| run | wall time s | vs no pruning | budgets met at step |"
echo "|---|---|---|---|"
t0=$(printf '%s\n%s\n' "$(tim cost_base_a)" "$(tim cost_base_b)" | sort -g | head -n 1)
for n in base l2 early; do
  t=$(printf '%s\n%s\n' "$(tim cost_${n}_a)" "$(tim cost_${n}_b)" | sort -g | head -n 1)
  st=$(sed -n 's/.*met at step \([0-9]*\) of \([0-9]*\).*/\1 of \2/p' "$out/cost_${n}_a.log" | head -n 1)
  lab=$n; [ $n = base ] && lab="no pruning"; [ $n = l2 ] && lab="pruning to L2"; [ $n = early ] && lab="pruning to L2, early termination"
  echo "| $lab | $t | $(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.2fx", a / b }') | ${st:--} |"
done

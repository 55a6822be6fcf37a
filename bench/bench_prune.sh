#!/bin/sh
# bench/bench_prune.sh - make bench-prune: does learning per-layer widths beat
# scaling the whole network down to the same budgets? (issue 13)
#
# Every setting runs, for each seed, four arms on the same training images
# with the same schedule and QAT:
#   pruned   differentiable pruning to the budgets (with early termination)
#   uniform  the widest uniform width multiplier within the budgets (--uniform)
#   scratch  the pruned run's layer widths trained from scratch (--widths):
#            separates "the widths it found" from "the way it trains"
#   full     plain training of the unpruned network (wall-time reference)
# and prints per setting and arm the int8 test accuracy (mean and std over
# seeds), the resources, the wall time and its ratio to the full arm.
#
#   sh bench/bench_prune.sh            (make bench-prune; hours)
#   SMALL=1 sh bench/bench_prune.sh    fewer images and epochs, a quick check
#   SEEDS="1 2 3" ONLY=a OUT=dir ARGS="--threads 1" ...   seeds, one setting
#                                      (a, b50, b35, cm, c8), extra options
#   EXTRA=1 ...                        also the settings dm and dd below
#
# Resumable: a run whose result file OUT/<setting>-<arm>-s<seed>.txt exists
# is skipped (delete it to rerun); logs are OUT/*.log. Wall time depends on
# whatever else the machine is doing; the CPU time (user + system, from
# /usr/bin/time when installed) is steadier on a shared machine: run with
# ARGS="--threads 1" there and compare the cpu columns.
cd "$(dirname "$0")/.." || exit 1
SEEDS=${SEEDS:-"1 2 3"}
OUT=${OUT:-build/bench-prune${SMALL:+-small}}
DP=${DP:-build/diffprune}
KWS=${KWS:-build/kws}
mkdir -p "$OUT"
if [ -n "$SMALL" ]; then
  FM="--limit 4000 --test-limit 2000 --epochs 3 --batch 64"
  KW="--limit 3000 --epochs 6"
else
  FM="--epochs 8"
  KW="--epochs 20"
fi

# run SETTING ARM SEED CMD... : runs CMD unless its result file exists; the
# result file is the tool's final line plus "time=S"
run() {
  sname=$1 arm=$2 seed=$3; shift 3
  res="$OUT/$sname-$arm-s$seed.txt"; log="$OUT/$sname-$arm-s$seed.log"
  [ -s "$res" ] && return 0
  echo "  $sname $arm seed $seed: $*" >&2
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then /usr/bin/time -f "%U %S" -o "$log.cpu" "$@" $ARGS > "$log" 2>&1; rc=$?
  else "$@" $ARGS > "$log" 2>&1; rc=$?; fi
  t1=$(date +%s.%N)
  cpu=$(awk '{ c = $1 + $2 } END { printf "%.1f", c }' "$log.cpu" 2>/dev/null)
  line=$(grep -a '^final:\|^kws: backbone=' "$log" | tail -1)
  if [ $rc != 0 ] || [ -z "$line" ]; then echo "  FAILED (exit $rc): see $log" >&2; return 1; fi
  widths=$(grep -a '^widths: ' "$log" | tail -1 | cut -d' ' -f2)
  echo "$line wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') cpu=${cpu:-0} widths=$widths" > "$res"
}
widths_of() { sed -n 's/.* widths=\([0-9,]*\).*/\1/p' "$OUT/$1-pruned-s$2.txt" 2>/dev/null; }

fashion() {   # SETTING ARGS...  (budget and backbone arguments)
  sname=$1; shift
  for s in $SEEDS; do
    run "$sname" full "$s" $DP prune $FM "$@" --no-prune --seed "$s"
    run "$sname" pruned "$s" $DP prune $FM "$@" --early-term --seed "$s"
    run "$sname" uniform "$s" $DP prune $FM "$@" --uniform --seed "$s"
    w=$(widths_of "$sname" "$s")
    [ -n "$w" ] && run "$sname" scratch "$s" $DP prune $FM "$@" --widths "$w" --seed "$s"
  done
}
kws() {       # SETTING BACKBONE
  sname=$1; bb=$2
  for s in $SEEDS; do
    run "$sname" full "$s" $KWS $KW --backbone "$bb" --no-prune --seed "$s"
    run "$sname" pruned "$s" $KWS $KW --backbone "$bb" --early-term --seed "$s"
    run "$sname" uniform "$s" $KWS $KW --backbone "$bb" --uniform --seed "$s"
    w=$(widths_of "$sname" "$s")
    [ -n "$w" ] && run "$sname" scratch "$s" $KWS $KW --backbone "$bb" --widths "$w" --seed "$s"
  done
}

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
echo "bench-prune: results in $OUT (seeds $SEEDS${SMALL:+, SMALL})" >&2
# (a) plain CNN, a board-like SRAM + flash budget where peak memory binds
want a && fashion a --backbone cnn --width 1.0 --pmu 30000 --size 200000 --macs 0
# (b) MobileNet-v2 1.0 to the resources of x0.5 and x0.35 (paper Figure 5)
want b50 && fashion b50 --backbone mbv2 --width 1.0 --match-width 0.5
want b35 && fashion b35 --backbone mbv2 --width 1.0 --match-width 0.35
# settings the pruner was not developed on (EXTRA=1, or ONLY=dm / ONLY=dd):
# (dm) the plain CNN under a MAC budget alone; (dd) MobileNet-v2 1.0 under
# diffprune prune's default budgets (50% of its PMU, 25% size, 35% MACs)
extra() { [ "$ONLY" = "$1" ] || { [ -n "$EXTRA" ] && [ -z "$ONLY" ]; }; }
extra dm && fashion dm --backbone cnn --width 1.0 --pmu 0 --size 0 --macs 10000000
extra dd && fashion dd --backbone mbv2 --width 1.0
# (c) keyword spotting on the 20000-clip set (make kws-data) to KWS-S
if [ -f build/kws-data/testing_list.txt ]; then
  want cm && kws cm dscnn_m
  want c8 && kws c8 res8
else
  echo "bench-prune: (c) skipped: no build/kws-data (make kws-data)" >&2
fi

# the table: per setting and arm, mean and std over the seeds
printf '%-5s %-8s %5s %16s %9s %9s %11s %9s %8s %9s %8s\n' setting arm runs "int8 acc" pmu size macs "wall s" "/full" "cpu s" "/full"
for x in a b50 b35 cm c8 dm dd; do
  ls "$OUT/$x"-*-s*.txt > /dev/null 2>&1 || continue
  full=$(cat "$OUT/$x"-full-s*.txt 2>/dev/null | sed -n 's/.* wall=\([0-9.]*\).*/\1/p' | awk '{ s += $1; n++ } END { if (n) print s / n }')
  fcpu=$(cat "$OUT/$x"-full-s*.txt 2>/dev/null | sed -n 's/.* cpu=\([0-9.]*\).*/\1/p' | awk '{ s += $1; n++ } END { if (n) print s / n }')
  for arm in pruned uniform scratch full; do
    cat "$OUT/$x-$arm"-s*.txt 2>/dev/null | awk -v set="$x" -v arm="$arm" -v full="$full" -v fcpu="$fcpu" '
      function get(k,   i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
      { n++; acc[n] = get("acc"); s += acc[n]; pmu += get("pmu"); size += get("size"); macs += get("macs"); wall += get("wall"); cpu += get("cpu") }
      END {
        if (!n) exit
        m = s / n; v = 0; for (i = 1; i <= n; i++) v += (acc[i] - m) ^ 2
        sd = n > 1 ? sqrt(v / (n - 1)) : 0
        rw = "-"; rc = "-"
        if (full > 0) rw = sprintf("%.2fx", wall / n / full)
        if (fcpu > 0) rc = sprintf("%.2fx", cpu / n / fcpu)
        printf "%-5s %-8s %5d %8.4f +- %.4f %9.0f %9.0f %11.0f %9.1f %8s %9.1f %8s\n", set, arm, n, m, sd, pmu / n, size / n, macs / n, wall / n, rw, cpu / n, rc
      }'
  done
done

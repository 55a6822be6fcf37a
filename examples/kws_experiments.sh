#!/bin/sh
# examples/kws_experiments.sh - the paper's KWS rows of Table 3 on the
# synthesised keyword set: each run is one `build/kws` (examples/kws.c);
# prints a markdown table next to the paper's numbers.
#
#   make kws-experiments        (or: sh examples/kws_experiments.sh [OUTDIR])
#
# Needs `make kws-data` (20000 clips). Every run trains on the training
# voices (10% held out for the pruner's task loss) for EPOCHS epochs (the
# last quantisation-aware), prunes every 20 steps with eta 1 and early
# termination, and reports the int8 model on the held-out voices. For each
# target: the unpruned backbone, the backbone pruned to the target, and the
# backbone scaled uniformly to the widest width within the target (the
# baseline pruning must beat). Logs and CSVs go to OUTDIR; a run whose log
# already has its `kws:` line is not repeated; TABLE_ONLY=1 prints the table
# of what has run.
set -u
# PRUNE_ARGS="...": extra options for every run (e.g. "--plan -1", the
# unpaced schedule the README's table used)
out=${1:-build/kws-experiments}
bin=${KWS:-build/kws}
data=${KWS_DATA:-build/kws-data}
epochs=${EPOCHS:-8}
mkdir -p "$out"
common="--data $data --epochs $epochs --qat-epochs 1 --early-term"

run() {   # name, args...
  [ "${TABLE_ONLY:-0}" = 1 ] && return 0
  name=$1; shift
  if [ -s "$out/$name.log" ] && grep -q '^kws:' "$out/$name.log"; then return 0; fi
  echo "== $name: $bin $*" >&2
  t0=$(date +%s)
  "$bin" "$@" ${PRUNE_ARGS:-} --csv "$out/$name.csv" -o "$out/$name.dpm" > "$out/$name.log" 2> /dev/null
  t1=$(date +%s)
  echo "wall: $((t1 - t0)) s" >> "$out/$name.log"
  grep '^kws:' "$out/$name.log" >&2 || echo "   (no kws: line; see $out/$name.log)" >&2
}

run dscnn_s        $common --backbone dscnn_s --no-prune
run res8           $common --backbone res8 --no-prune
run res8_kws_s     $common --backbone res8 --target kws_s
run res8_uni_s     $common --backbone res8 --target kws_s --uniform
run dscnn_m_kws_s  $common --backbone dscnn_m --target kws_s
run dscnn_m_uni_s  $common --backbone dscnn_m --target kws_s --uniform
run dscnn_m        $common --backbone dscnn_m --no-prune
run dscnn_m_kws_m  $common --backbone dscnn_m --target kws_m
run dscnn_m_uni_m  $common --backbone dscnn_m --target kws_m --uniform
if [ "${KWS_L:-1}" = 1 ]; then
  run dscnn_l        $common --backbone dscnn_l --no-prune
  run dscnn_l_kws_l  $common --backbone dscnn_l --target kws_l
fi

# one table row per run: resources, accuracy (int8 on held-out voices), time
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$out/$1.log" | tail -n 1; }
row() {   # name, label, paper
  [ -s "$out/$1.log" ] && grep -q '^kws:' "$out/$1.log" || { echo "| $2 | (not run) | | | | | $3 |"; return; }
  acc=$(field "$1" acc)
  printf '| %s | %s | %s | %s | %.1f%% | %s | %s |\n' "$2" "$(field "$1" size)" "$(field "$1" pmu)" \
    "$(field "$1" macs)" "$(awk -v a="$acc" 'BEGIN { print a * 100 }')" \
    "$(sed -n 's/^wall: \([0-9]*\) s/\1 s/p' "$out/$1.log")" "$3"
}
echo "| run | size (B) | PMU (B) | MACs | int8 acc. | time | paper (Table 3: acc., size, PMU, MACs) |"
echo "|---|---|---|---|---|---|---|"
row dscnn_l       "DS-CNN-L unpruned"              "96.79%, 582 K, 170 KB, 74.27 M"
row dscnn_l_kws_l "DS-CNN-L pruned to KWS-L"       "96.56%, 511 K, 159 KB, 65.47 M (KWS-L: 512 K, 170 KB, 65.75 M)"
row dscnn_m       "DS-CNN-M unpruned"              "96.36%, 420 K, 170 KB, 54.61 M"
row dscnn_m_kws_m "DS-CNN-M pruned to KWS-M"       "96.03%, 115 K, 83.0 KB, 15.56 M (KWS-M: 117 K, 86.1 KB, 15.58 M)"
row dscnn_m_uni_m "DS-CNN-M uniform, within KWS-M" "-"
row dscnn_m_kws_s "DS-CNN-M pruned to KWS-S"       "95.75%, 61.9 K, 49.8 KB, 8.342 M (KWS-S: 63.6 K, 51.7 KB, 8.351 M)"
row dscnn_m_uni_s "DS-CNN-M uniform, within KWS-S" "-"
row dscnn_s       "DS-CNN-S (Hello Edge) unpruned" "-"
row res8          "RES-8 unpruned"                 "93.25%, 112 K, 23.7 KB, 4.162 M"
row res8_kws_s    "RES-8 pruned to KWS-S"          "92.78%, 63.2 K, 13.7 KB, 2.354 M"
row res8_uni_s    "RES-8 uniform, within KWS-S"    "-"

#!/bin/sh
# bench/bench_train.sh THREADS - one training step (forward, backward, SGD
# update) at batch 64 on cnn28, dscnn and mbv2, in diffprune.h and in
# PyTorch (Debian's python3-torch, /usr/bin/python3) with the same thread
# count. On a shared, noisy machine one run of each says little, so the two
# sides are interleaved, A B A B ..., for ROUNDS rounds (default 5) of
# SECONDS_PER_RUN seconds each (default 4), and the ratio of every round is kept. Prints a
# line per round and one per network:
#   train_speed <net> diffprune_img_s=<median> torch_img_s=<median>
#       ratio=<median of the rounds' ratios> ratio_min=<x> ratio_max=<y> rounds=<n>
# (one line). This is a benchmark: it never fails on a slow result.
T=${1:-2}
R=${ROUNDS:-5}
S=${SECONDS_PER_RUN:-4}
cd "$(dirname "$0")/.."
have_torch=0
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then have_torch=1; else
  echo "PyTorch not found (apt-get install python3-torch): printing diffprune numbers only"; fi
# median / min / max of whitespace-separated numbers
stats() { echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {
  if (NR == 0) { print "n/a n/a n/a"; exit }
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'; }
echo "# $R rounds of ${S} s per side, interleaved diffprune, torch, diffprune, ...; $T thread(s)"
for net in cnn28 dscnn mbv2; do
  ds=""; ts=""; rs=""; k=1
  while [ $k -le "$R" ]; do
    d=$(./build/bench_train --threads "$T" --seconds "$S" "$net" | sed -n 's/.*img_s=\([0-9.]*\).*/\1/p')
    t=""
    if [ $have_torch = 1 ]; then
      t=$(/usr/bin/python3 bench/torch_train.py --threads "$T" --seconds "$S" "$net" 2>/dev/null | sed -n "s/^torch $net img_s=\([0-9.]*\).*/\1/p")
    fi
    if [ -n "$d" ] && [ -n "$t" ]; then
      r=$(awk -v a="$d" -v b="$t" 'BEGIN{printf "%.3f", a/b}')
      rs="$rs $r"
    else r="n/a"; fi
    echo "  $net round $k: diffprune_img_s=${d:-n/a} torch_img_s=${t:-n/a} ratio=$r"
    ds="$ds $d"; ts="$ts $t"; k=$((k + 1))
  done
  set -- $(stats "$ds"); dm=$1
  set -- $(stats "$ts"); tm=$1
  set -- $(stats "$rs")
  echo "train_speed $net diffprune_img_s=$dm torch_img_s=$tm ratio=$1 ratio_min=$2 ratio_max=$3 rounds=$R"
done

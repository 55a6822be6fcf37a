#!/bin/sh
# bench/bench_train.sh THREADS - one training step (forward, backward, SGD
# update) at batch 64 on cnn28, dscnn and mbv2, in diffprune.h and, in the
# same run with the same thread count, in PyTorch (Debian's python3-torch,
# /usr/bin/python3). Prints one line per network:
#   train_speed <net> diffprune_img_s=<x> torch_img_s=<y> ratio=<x/y>
# This is a benchmark: it never fails on a slow result.
T=${1:-2}
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
have_torch=0
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then have_torch=1; else
  echo "PyTorch not found (apt-get install python3-torch): printing diffprune numbers only"; fi
for net in cnn28 dscnn mbv2; do
  d=$(./build/bench_train --threads "$T" --seconds 8 "$net" | sed -n 's/.*img_s=\([0-9.]*\).*/\1/p')
  if [ $have_torch = 1 ]; then
    t=$(/usr/bin/python3 bench/torch_train.py --threads "$T" "$net" 2>/dev/null | sed -n "s/^torch $net img_s=\([0-9.]*\).*/\1/p")
  fi
  if [ -n "$t" ]; then
    r=$(awk -v a="$d" -v b="$t" 'BEGIN{printf "%.2f", a/b}')
    echo "train_speed $net diffprune_img_s=$d torch_img_s=$t ratio=$r"
  else
    echo "train_speed $net diffprune_img_s=$d torch_img_s=n/a ratio=n/a"
  fi
  t=""
done

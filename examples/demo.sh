#!/bin/sh
# examples/demo.sh - `make demo`: the main command, `diffprune fit`, on
# Fashion-MNIST for the NUCLEO-F446RE, with the firmware check:
#   build/diffprune fit --data /usr/share/datasets/fashion-mnist
#       --board nucleo-f446re --firmware -o build/demo-out [ARGS]
# (a wide CNN pruned to the board's budgets while training, the last epoch
# quantisation-aware, int8, the whole test set on the host, the firmware
# built for the board and run on the emulated Cortex-M4, checked byte for
# byte against the host; figures and report.html in build/demo-out). ARGS
# (make demo DEMO_ARGS="...") go to fit after these, so they override them
# (e.g. --board nucleo-f767zi --epochs 8 --backbone mbv2). Ends with
#   demo: float_acc=.. int8_acc=.. pmu=.. budget_pmu=.. size=.. budget_size=.. macs=.. budget_macs=.. firmware=ran|skipped|failed
# and fit's exit status.
set -u
data=/usr/share/datasets/fashion-mnist out=build/demo-out own_data=0
for a in "$@"; do
  case $a in --data|--data=*) own_data=1 ;; esac
done
if [ $own_data = 0 ] && [ ! -f $data/train-images-idx3-ubyte.gz ] && [ ! -f $data/train-images-idx3-ubyte ]; then
  echo "demo: Fashion-MNIST is not in $data: install it with 'apt-get install dataset-fashion-mnist'" >&2
  echo "  (or give DEMO_ARGS=\"--data DIR\" with the IDX files or an image folder; 'make fit-quick' runs" >&2
  echo "  the pipeline on small folders it makes itself, no download)" >&2
  exit 1
fi
mkdir -p "$out"
rm -f "$out/summary.txt" "$out/fit.log" "$out/rc"
{ ./build/diffprune fit --data "$data" --board nucleo-f446re --firmware -o "$out" --tflite "$out/model.tflite" "$@"; echo $? > "$out/rc"; } | tee "$out/fit.log"
rc=$(cat "$out/rc" 2>/dev/null || echo 1)
line=$(sed -n 's/^fit: /demo: /p' "$out/fit.log" | tail -n 1)
[ -n "$line" ] && echo "$line"
exit "$rc"

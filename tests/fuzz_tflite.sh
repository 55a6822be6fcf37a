#!/bin/sh
# tests/fuzz_tflite.sh [SECONDS] - fuzzes the TFLite reader and importer
# (tests/fuzz_tflite.c) with libFuzzer under ASan+UBSan for SECONDS
# (default 60), prints a summary, exits 1 if anything was found.
# Like tests/fuzz.sh: works in build/fuzz_tflite/ only (the seeds of
# tests/fuzz_tflite_corpus/ are copied into build/fuzz_tflite/corpus/, kept
# between runs; findings and the log in build/fuzz_tflite/run-<time>/).
# Needs clang and its libFuzzer runtime (Debian: libclang-rt-14-dev).
# Environment: FUZZ_CC (default clang), FUZZ_RUNS (stop after this many
# executions instead), FUZZ_ARGS (more libFuzzer flags).
set -u
dur=${1:-60}
case $dur in ''|*[!0-9]*) echo "usage: tests/fuzz_tflite.sh [SECONDS]" >&2; exit 2;; esac
cd "$(dirname "$0")/.." || exit 2
cc=${FUZZ_CC:-clang}
out=build/fuzz_tflite
run=$out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/corpus" "$run" || exit 2
echo "fuzz_tflite: building $out/fuzz_tflite"
if ! "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
     -fno-sanitize-recover=undefined tests/fuzz_tflite.c -o "$out/fuzz_tflite" -lm 2> "$run/build.log"; then
  cat "$run/build.log" >&2
  echo "fuzz_tflite: build failed; -fsanitize=fuzzer needs the libFuzzer runtime" >&2
  exit 2
fi
cp tests/fuzz_tflite_corpus/* "$out/corpus/" 2>/dev/null
# tokens of the format: identifier, schema version, op codes, tensor types
cat > "$out/tflite.dict" <<'EOD'
ident="TFL3"
version="\x03\x00\x00\x00"
conv="\x03\x00\x00\x00"
dwconv="\x04\x00\x00\x00"
fc="\x09\x00\x00\x00"
softmax="\x19\x00\x00\x00"
quantize="\x72\x00\x00\x00"
int8="\x09"
minus_one="\xff\xff\xff\xff"
int_min="\x00\x00\x00\x80"
u16_max="\xff\xff"
EOD
n0=$(find "$out/corpus" -type f | wc -l)
if [ -n "${FUZZ_RUNS:-}" ]; then lim="-runs=$FUZZ_RUNS"; else lim="-max_total_time=$dur"; fi
echo "fuzz_tflite: $lim, corpus $out/corpus ($n0 files), findings in $run/"
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/fuzz_tflite" $lim -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -use_value_profile=1 -dict="$out/tflite.dict" -artifact_prefix="$run/" -print_final_stats=1 \
  ${FUZZ_ARGS:-} "$out/corpus" > "$run/fuzz.log" 2>&1
rc=$?
execs=$(grep -E '^stat::number_of_executed_units' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
rate=$(grep -E '^stat::average_exec_per_sec' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
last=$(awk '/^#[0-9]+/ && $3 == "cov:" && $5 == "ft:" {c = $4; f = $6} END {print c, f}' "$run/fuzz.log")
n1=$(find "$out/corpus" -type f | wc -l)
found=$(find "$run" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
echo "fuzz_tflite: $execs executions ($rate/s), coverage ${last% *} edges, ${last#* } features, corpus $n0 -> $n1 files"
if [ -n "$found" ] || [ "$rc" != 0 ]; then
  grep -E 'ERROR|SUMMARY|runtime error|property broken' "$run/fuzz.log" | head -n 20
  for f in $found; do echo "fuzz_tflite: FOUND $f"; done
  echo "fuzz_tflite: FAILED (libFuzzer exit $rc; log: $run/fuzz.log)"
  exit 1
fi
echo "fuzz_tflite: nothing found (log: $run/fuzz.log)"
exit 0

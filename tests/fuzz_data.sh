#!/bin/sh
# tests/fuzz_data.sh [SECONDS] - fuzzes the data decoders (PNG, PPM/PGM,
# BMP, CSV, WAV, zlib: tests/fuzz_data.c) with libFuzzer under ASan+UBSan
# for SECONDS (default 60), prints a summary, exits 1 if anything was found.
# Works in build/fuzz_data/ only: the seeds of tests/fuzz_data_corpus/ (made
# by `build/test_data --seeds tests/fuzz_data_corpus`) are copied into
# build/fuzz_data/corpus/ (kept between runs), findings go to
# build/fuzz_data/run-<time>/ with the log. Needs clang and its libFuzzer
# runtime (Debian: libclang-rt-14-dev). Environment: FUZZ_CC (default
# clang), FUZZ_JOBS (parallel workers, default 1), FUZZ_ARGS (more flags).
set -u
dur=${1:-60}
case $dur in ''|*[!0-9]*) echo "usage: tests/fuzz_data.sh [SECONDS]" >&2; exit 2;; esac
cd "$(dirname "$0")/.." || exit 2
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-1}
out=build/fuzz_data
run=$out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/corpus" "$run" || exit 2
command -v "$cc" >/dev/null 2>&1 || { echo "fuzz_data: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
echo "fuzz_data: building $out/fuzz_data"
if ! "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
     -fno-sanitize-recover=undefined tests/fuzz_data.c -o "$out/fuzz_data" -lm 2> "$run/build.log"; then
  cat "$run/build.log" >&2; echo "fuzz_data: build failed" >&2; exit 2
fi
cp tests/fuzz_data_corpus/* "$out/corpus/" 2>/dev/null
cat > "$out/data.dict" <<'DICT'
png="\x89PNG\x0d\x0a\x1a\x0a"
ihdr="IHDR"
plte="PLTE"
trns="tRNS"
idat="IDAT"
iend="IEND"
zhdr="\x78\x9c"
bm="BM"
p5="P5"
p6="P6"
riff="RIFF"
wave="WAVE"
fmt="fmt "
data="data"
ts="timestamp"
nan="nan"
exp="e+38"
DICT
n0=$(find "$out/corpus" -type f | wc -l)
echo "fuzz_data: ${dur}s, $jobs job(s), corpus $out/corpus ($n0 files), findings in $run/"
if [ "$jobs" -gt 1 ]; then par="-jobs=$jobs -workers=$jobs"; else par=""; fi
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/fuzz_data" -max_total_time="$dur" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -dict="$out/data.dict" -artifact_prefix="$run/" -print_final_stats=1 \
  $par ${FUZZ_ARGS:-} "$out/corpus" > "$run/fuzz.log" 2>&1
rc=$?
[ "$jobs" -gt 1 ] && cat fuzz-*.log >> "$run/fuzz.log" 2>/dev/null && rm -f fuzz-*.log
execs=$(grep -E '^stat::number_of_executed_units' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
rate=$(grep -E '^stat::average_exec_per_sec' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
last=$(awk '/^#[0-9]+/ && $3 == "cov:" {c = $4} END {print c}' "$run/fuzz.log")
n1=$(find "$out/corpus" -type f | wc -l)
found=$(find "$run" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
echo "fuzz_data: $execs executions ($rate/s), coverage ${last:-?} edges, corpus $n0 -> $n1 files"
if [ -n "$found" ] || [ "$rc" != 0 ]; then
  grep -E 'ERROR|SUMMARY|runtime error|property broken' "$run/fuzz.log" | head -n 20
  for f in $found; do echo "fuzz_data: FOUND $f"; done
  echo "fuzz_data: replay: cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN tests/fuzz_data.c -o build/fuzz_data_replay -lm && build/fuzz_data_replay FILE"
  echo "fuzz_data: FAILED (libFuzzer exit $rc; log: $run/fuzz.log)"
  exit 1
fi
echo "fuzz_data: nothing found (log: $run/fuzz.log)"
exit 0

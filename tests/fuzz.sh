#!/bin/sh
# tests/fuzz.sh [SECONDS] - fuzzes the .dpm model loader and interpreter
# (tests/fuzz_model.c) with libFuzzer under ASan+UBSan for SECONDS
# (default 60), prints a summary, exits 1 if anything was found.
#
# Works in build/fuzz/ only: the seeds of tests/fuzz_corpus/ are copied into
# build/fuzz/corpus/ (kept between runs, so runs add up; merged into a
# minimal corpus when it passes 2000 files), findings go to
# build/fuzz/run-<time>/ with the log. The repository is never written.
# Needs clang and its libFuzzer runtime (Debian: libclang-rt-14-dev, or
# libclang-rt-dev for the default version).
# Environment: FUZZ_CC (default clang), FUZZ_JOBS (parallel workers,
# default 1), FUZZ_FRESH=1 (start from the seeds only), FUZZ_ARGS (more
# libFuzzer flags).
set -u
dur=${1:-60}
case $dur in ''|*[!0-9]*) echo "usage: tests/fuzz.sh [SECONDS]" >&2; exit 2;; esac
cd "$(dirname "$0")/.." || exit 2
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-1}
out=build/fuzz
run=$out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/corpus" "$run" || exit 2

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "fuzz: $cc not found (Debian: apt-get install --no-install-recommends clang libclang-rt-14-dev)" >&2
  exit 2
fi
echo "fuzz: building $out/fuzz_model"
if ! "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
     -fno-sanitize-recover=undefined tests/fuzz_model.c -o "$out/fuzz_model" 2> "$run/build.log"; then
  cat "$run/build.log" >&2
  echo "fuzz: build failed; -fsanitize=fuzzer needs the libFuzzer runtime" \
       "(Debian: apt-get install --no-install-recommends libclang-rt-14-dev)" >&2
  exit 2
fi

[ "${FUZZ_FRESH:-0}" = 1 ] && rm -f "$out"/corpus/*
cp tests/fuzz_corpus/* "$out/corpus/" 2>/dev/null
# tokens of the format: magic, version + header size, table offset,
# softmax scale 1/256, Q31 multipliers, edge values
cat > "$out/dpm.dict" <<'EOF'
magic="DPMB"
hdr="\x01\x00\x30\x00"
hdr_off="\x30\x00\x00\x00"
softmax_scale="\x00\x00\x80\x3b"
q31_one_half="\x00\x00\x00\x40"
minus_one="\xff\xff\xff\xff"
int_min="\x00\x00\x00\x80"
u16_max="\xff\xff"
EOF

n0=$(find "$out/corpus" -type f | wc -l)
if [ "$n0" -gt 2000 ]; then   # keep start-up short: a minimal corpus with the same features
  echo "fuzz: merging the corpus ($n0 files) into a minimal one"
  rm -rf "$out/corpus.min" && mkdir -p "$out/corpus.min"
  if "$out/fuzz_model" -merge=1 -timeout=10 -rss_limit_mb=2048 -use_value_profile=1 \
       "$out/corpus.min" "$out/corpus" > "$run/merge.log" 2>&1; then
    rm -rf "$out/corpus" && mv "$out/corpus.min" "$out/corpus"
  fi
  n0=$(find "$out/corpus" -type f | wc -l)
fi
echo "fuzz: ${dur}s, $jobs job(s), corpus $out/corpus ($n0 files), findings in $run/"
if [ "$jobs" -gt 1 ]; then par="-jobs=$jobs -workers=$jobs"; else par=""; fi
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/fuzz_model" -max_total_time="$dur" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -use_value_profile=1 -dict="$out/dpm.dict" -artifact_prefix="$run/" -print_final_stats=1 \
  $par ${FUZZ_ARGS:-} "$out/corpus" > "$run/fuzz.log" 2>&1
rc=$?
[ "$jobs" -gt 1 ] && cat fuzz-*.log >> "$run/fuzz.log" 2>/dev/null && rm -f fuzz-*.log

# summary: last status line, final stats, findings
last=$(awk '/^#[0-9]+/ && $3 == "cov:" && $5 == "ft:" {c = $4; f = $6} END {print c, f}' "$run/fuzz.log")
execs=$(grep -E '^stat::number_of_executed_units' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
rate=$(grep -E '^stat::average_exec_per_sec' "$run/fuzz.log" | awk '{s += $2} END {print s + 0}')
cov=${last% *}
ft=${last#* }
n1=$(find "$out/corpus" -type f | wc -l)
found=$(find "$run" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)
echo "fuzz: $execs executions ($rate/s), coverage ${cov:-?} edges, ${ft:-?} features, corpus $n0 -> $n1 files"
if [ -n "$found" ] || [ "$rc" != 0 ]; then
  grep -E 'ERROR|SUMMARY|runtime error|property broken|Test unit written' "$run/fuzz.log" | head -n 20
  for f in $found; do echo "fuzz: FOUND $f"; done
  echo "fuzz: reproduce: $out/fuzz_model FILE; minimise: $out/fuzz_model -minimize_crash=1 -runs=20000 FILE"
  echo "fuzz: replay with details: cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN tests/fuzz_model.c -o build/fuzz_replay && build/fuzz_replay -v FILE"
  echo "fuzz: FAILED (libFuzzer exit $rc; log: $run/fuzz.log)"
  exit 1
fi
echo "fuzz: nothing found (log: $run/fuzz.log)"
exit 0

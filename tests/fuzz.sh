#!/bin/sh
# tests/fuzz.sh [TARGET] [SECONDS] - runs one libFuzzer target under
# ASan+UBSan for SECONDS (default 60), prints a summary, exits 1 if
# anything was found. TARGET (default model):
#   model   the .dpm loader and interpreter (tests/fuzz_model.c)   make fuzz
#   data    the data decoders: PNG, PPM/PGM, BMP, CSV, WAV, zlib
#           (tests/fuzz_data.c)                                  make fuzz-data
#   tflite  the TFLite reader and importer (tests/fuzz_tflite.c) make fuzz-tflite
#
# Works in build/fuzz/, build/fuzz_data/ or build/fuzz_tflite/ only: the
# target's seeds (tests/fuzz_corpus/, tests/fuzz_data_corpus/ - made by
# `build/test_data --seeds tests/fuzz_data_corpus` - or
# tests/fuzz_tflite_corpus/; make test replays all three) are copied into
# <dir>/corpus/ (kept between runs, so runs add up; merged into a minimal
# corpus when it passes 2000 files), findings go to <dir>/run-<time>/ with
# the log. The repository is never written.
# Needs clang and its libFuzzer runtime (Debian: libclang-rt-14-dev, or
# libclang-rt-dev for the default version).
# Environment: FUZZ_CC (default clang), FUZZ_JOBS (parallel workers,
# default 1), FUZZ_RUNS (stop after this many executions instead of
# SECONDS), FUZZ_FRESH=1 (start from the seeds only), FUZZ_ARGS (more
# libFuzzer flags).
set -u
target=model
case ${1:-} in model|data|tflite) target=$1; shift;; esac
dur=${1:-60}
case $dur in ''|*[!0-9]*) echo "usage: tests/fuzz.sh [model|data|tflite] [SECONDS]" >&2; exit 2;; esac
cd "$(dirname "$0")/.." || exit 2

# the target: its name (program, build/ folder, log prefix), source, seeds,
# input size limit, value profiling, dictionary (tokens of the format) and
# how to replay one input with details
case $target in
model)
  name=fuzz; prog=fuzz_model; src=tests/fuzz_model.c; seeds=tests/fuzz_corpus; max_len=8192; vp=1
  replay="cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN tests/fuzz_model.c -o build/fuzz_replay -lm && build/fuzz_replay -v FILE"
  dict() {   # magic, version + header size, table offset, softmax scale 1/256, Q31 multipliers, edge values
    cat <<'EOF'
magic="DPMB"
hdr="\x01\x00\x30\x00"
hdr_off="\x30\x00\x00\x00"
softmax_scale="\x00\x00\x80\x3b"
q31_one_half="\x00\x00\x00\x40"
minus_one="\xff\xff\xff\xff"
int_min="\x00\x00\x00\x80"
u16_max="\xff\xff"
EOF
  };;
data)
  name=fuzz_data; prog=fuzz_data; src=tests/fuzz_data.c; seeds=tests/fuzz_data_corpus; max_len=16384; vp=0
  replay="cc -g -fsanitize=address,undefined -DDP_FUZZ_MAIN tests/fuzz_data.c -o build/fuzz_data_replay -lm && build/fuzz_data_replay FILE"
  dict() {
    cat <<'EOF'
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
EOF
  };;
tflite)
  name=fuzz_tflite; prog=fuzz_tflite; src=tests/fuzz_tflite.c; seeds=tests/fuzz_tflite_corpus; max_len=16384; vp=1
  replay="copy FILE into tests/fuzz_tflite_corpus/ and run make build/test_tflite && build/test_tflite (it replays that corpus)"
  dict() {   # identifier, schema version, op codes, tensor types
    cat <<'EOF'
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
EOF
  };;
esac

cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-1}
out=build/$name
run=$out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/corpus" "$run" || exit 2

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "$name: $cc not found (Debian: apt-get install --no-install-recommends clang libclang-rt-14-dev)" >&2
  exit 2
fi
echo "$name: building $out/$prog"
if ! "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
     -fno-sanitize-recover=undefined "$src" -o "$out/$prog" -lm 2> "$run/build.log"; then
  cat "$run/build.log" >&2
  echo "$name: build failed; -fsanitize=fuzzer needs the libFuzzer runtime" \
       "(Debian: apt-get install --no-install-recommends libclang-rt-14-dev)" >&2
  exit 2
fi

[ "${FUZZ_FRESH:-0}" = 1 ] && rm -f "$out"/corpus/*
cp "$seeds"/* "$out/corpus/" 2>/dev/null
dict > "$out/$target.dict"
if [ "$vp" = 1 ]; then vpf=-use_value_profile=1; else vpf=; fi

n0=$(find "$out/corpus" -type f | wc -l)
if [ "$n0" -gt 2000 ]; then   # keep start-up short: a minimal corpus with the same features
  echo "$name: merging the corpus ($n0 files) into a minimal one"
  rm -rf "$out/corpus.min" && mkdir -p "$out/corpus.min"
  # shellcheck disable=SC2086
  if "$out/$prog" -merge=1 -timeout=10 -rss_limit_mb=2048 $vpf \
       "$out/corpus.min" "$out/corpus" > "$run/merge.log" 2>&1; then
    rm -rf "$out/corpus" && mv "$out/corpus.min" "$out/corpus"
  fi
  n0=$(find "$out/corpus" -type f | wc -l)
fi
if [ -n "${FUZZ_RUNS:-}" ]; then lim="-runs=$FUZZ_RUNS"; else lim="-max_total_time=$dur"; fi
echo "$name: $lim, $jobs job(s), corpus $out/corpus ($n0 files), findings in $run/"
if [ "$jobs" -gt 1 ]; then par="-jobs=$jobs -workers=$jobs"; else par=""; fi
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/$prog" $lim -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
  $vpf -dict="$out/$target.dict" -artifact_prefix="$run/" -print_final_stats=1 \
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
echo "$name: $execs executions ($rate/s), coverage ${cov:-?} edges, ${ft:-?} features, corpus $n0 -> $n1 files"
if [ -n "$found" ] || [ "$rc" != 0 ]; then
  grep -E 'ERROR|SUMMARY|runtime error|property broken|Test unit written' "$run/fuzz.log" | head -n 20
  for f in $found; do echo "$name: FOUND $f"; done
  echo "$name: reproduce: $out/$prog FILE; minimise: $out/$prog -minimize_crash=1 -runs=20000 FILE"
  echo "$name: replay with details: $replay"
  echo "$name: FAILED (libFuzzer exit $rc; log: $run/fuzz.log)"
  exit 1
fi
echo "$name: nothing found (log: $run/fuzz.log)"
exit 0

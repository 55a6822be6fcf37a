#!/bin/sh
# tests/cli_options.sh BUILD LOG [GEN] - the command-line programs' option
# parsing (examples/cli.h), driven by what each program's --help says it
# accepts: every numeric option of every command gets malformed values
# ("abc", "12x", empty, nan, inf, below and above its range, no value at
# all) and must stop with exit status 2 and a message naming the option;
# the ends of each range and every choice must be accepted (checked as
# "OPTION VALUE --help", which exits 0 only when VALUE parsed). Unknown
# options and stray arguments must stop with status 2 too. A bad value is
# always followed by --help, so a value wrongly accepted cannot start work.
# BUILD holds diffprune, kws and train_fashion; GEN is
# mcu/build/host/gen_model_data (skipped with a reason when absent).
# Writes "cli_options: N passed, M failed[, K skipped]" to LOG.
B=${1:-build}; log=${2:-build/cli_options.log}; gen=$3
pass=0; fail=0; skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$log"
say() { echo "$*" | tee -a "$log"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); say "FAIL cli_options: $*"; }
# run CMD... : status in $rc, stderr in $tmp/err (10 s at most)
run() { timeout 10 "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
# expect_bad NAME CMD... : status 2 and NAME in the message
expect_bad() {
  name=$1; shift
  run "$@"
  if [ "$rc" = 2 ] && grep -q -F -e "$name" "$tmp/err"; then ok
  else bad "'$*' gave status $rc, message: $(head -c 200 "$tmp/err")"; fi
}
expect_help() {
  run "$@"
  if [ "$rc" = 0 ] && grep -q '^options:' "$tmp/out"; then ok
  else bad "'$*' gave status $rc (expected 0 and the help): $(head -c 200 "$tmp/err")"; fi
}
calc() { awk "BEGIN { printf \"%.10g\", $1 }"; }

# check_cmd LABEL CMD... : everything the help lists
check_cmd() {
  label=$1; shift
  expect_help "$@" --help
  if [ ! -s "$tmp/out" ]; then return; fi
  cp "$tmp/out" "$tmp/help"
  n=0
  expect_bad --no-such-option "$@" --no-such-option
  [ -n "$takes_args" ] || expect_bad "'stray'" "$@" stray --help
  while IFS= read -r line; do
    name=$(echo "$line" | awk '{print $1}')
    case "$line" in
      *"(integer 0..2^64-1)")
        n=$((n + 1))
        for v in abc 12x "" -1 +5 " 5" 18446744073709551616 1e3; do expect_bad "$name" "$@" "$name=$v" --help; done
        for v in 0 18446744073709551615; do expect_help "$@" "$name" "$v" --help; done ;;
      *"(integer "*)
        n=$((n + 1))
        r=$(echo "$line" | sed 's/.*(integer \([-0-9]*\)\.\.\([0-9]*\))$/\1 \2/'); lo=${r% *}; hi=${r#* }
        for v in abc 12x "" " 5" 1.5 1e3 $((lo - 1)) $((hi + 1)) 99999999999999999999999; do expect_bad "$name" "$@" "$name" "$v" --help; done
        expect_bad "$name" "$@" "$name=" --help
        for v in "$lo" "$hi"; do expect_help "$@" "$name" "$v" --help; done ;;
      *"(number "*)
        n=$((n + 1))
        r=$(echo "$line" | sed 's/.*(number \(>\{0,1\}\)\([-0-9.e+]*\)\.\.\([-0-9.e+]*\))$/\1 \2 \3/')
        open=""; case "$r" in ">"*) open=1; r=${r#>}; esac
        lo=$(echo $r | awk '{print $1}'); hi=$(echo $r | awk '{print $2}')
        if [ -n "$open" ]; then below=$lo; else below=$(calc "$lo - 1"); fi
        for v in abc 12x "" nan inf -inf 1e999 " 1" "$below" "$(calc "$hi * 2 + 1")"; do expect_bad "$name" "$@" "$name" "$v" --help; done
        expect_help "$@" "$name" "$hi" --help
        if [ -z "$open" ]; then expect_help "$@" "$name" "$lo" --help; else expect_help "$@" "$name" "$(calc "$lo + ($hi - $lo) / 1000")" --help; fi ;;
      *"(one of "*)
        n=$((n + 1))
        choices=$(echo "$line" | sed 's/.*(one of \([^)]*\))$/\1/' | tr '|' ' ')
        for v in zzz "" 1; do expect_bad "$name" "$@" "$name" "$v" --help; done
        for v in $choices; do expect_help "$@" "$name" "$v" --help; done ;;
      *) continue ;;
    esac
    # the option last, with no value
    expect_bad "$name" "$@" "$name"
  done <<HELP
$(grep '^  -' "$tmp/help")
HELP
  say "cli_options: $label: $n options with values checked"
}

for p in diffprune kws train_fashion; do
  if [ ! -x "$B/$p" ]; then bad "$B/$p not built"; fi
done
check_cmd "diffprune prune" "$B/diffprune" prune
check_cmd "diffprune fit" "$B/diffprune" fit
check_cmd kws "$B/kws"
check_cmd train_fashion "$B/train_fashion"
for c in version ops zoo example-model info run report sched import export boards; do
  expect_help "$B/diffprune" $c --help
  expect_bad --no-such-option "$B/diffprune" $c --no-such-option
done
expect_bad "'b'" "$B/diffprune" info a b
expect_bad "-o" "$B/diffprune" example-model -o
expect_bad "-o" "$B/diffprune" import a.tflite -o
expect_bad "-o" "$B/diffprune" export a.dpm -o
expect_bad "'frob'" "$B/diffprune" frob
if [ -n "$gen" ] && [ -x "$gen" ]; then
  takes_args=1 check_cmd gen_model_data "$gen"
  expect_bad "K" "$gen" kws - - "$tmp/k.h" 65
  expect_bad "K" "$gen" kws - - "$tmp/k.h" 4x
else
  skip=$((skip + 1))
  say "SKIP cli_options: gen_model_data: ${gen:-no path given} is not built (make -C mcu build/host/gen_model_data)"
fi
say "cli_options: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]

#!/bin/sh
# tests/png_sweep.sh [N] - decodes up to N (default 400) real PNGs from
# Debian's icon and pixmap packages (/usr/share/icons, /usr/share/pixmaps,
# /usr/share/doc, ...) with the header's decoder (build/test_data --info,
# built under ASan+UBSan as build/san_data) and compares every size with
# ImageMagick's `identify`. Fails on a crash, a sanitizer report, a file
# identify reads but the decoder refuses, or a size that differs.
# Not part of make test (it depends on what this machine has installed).
set -u
cd "$(dirname "$0")/.." || exit 2
n=${1:-400}
make -s build/san_data CFLAGS=-O1 || exit 2
command -v identify >/dev/null 2>&1 || { echo "png_sweep: identify not found (apt-get install imagemagick): skipped"; exit 0; }
list=build/png_sweep.list
# an even spread over the files found (sorted, every k-th), at most n
find /usr/share/icons /usr/share/pixmaps /usr/share/doc /usr/share/help /usr/lib/python3 /usr/share/texmf \
     -name '*.png' -type f 2>/dev/null | sort > "$list.all"
total=$(wc -l < "$list.all")
[ "$total" -gt 0 ] || { echo "png_sweep: no PNGs found: skipped"; exit 0; }
step=$(( (total + n - 1) / n ))
awk -v s="$step" 'NR % s == 1 || s == 1' "$list.all" | head -n "$n" > "$list"
got=$(wc -l < "$list")
ok=0; bad=0; refused=0; both=0
while IFS= read -r f; do
  want=$(identify -format '%w %h\n' "$f" 2>/dev/null | head -n 1)
  have=$(ASAN_OPTIONS=detect_leaks=1 ./build/san_data --info "$f" 2>build/png_sweep.err)
  rc=$?
  if [ -s build/png_sweep.err ] || [ "$rc" -gt 1 ]; then
    echo "png_sweep: CRASH or sanitizer report on $f:"; head -n 5 build/png_sweep.err; bad=$((bad + 1)); continue
  fi
  case $have in
    *" error: "*)
      if [ -z "$want" ]; then both=$((both + 1)); else echo "png_sweep: refused, identify reads it ($want): $have"; refused=$((refused + 1)); fi ;;
    *)
      if [ "$have" = "$f $want" ]; then ok=$((ok + 1)); else echo "png_sweep: size differs: decoder '$have', identify '$want'"; bad=$((bad + 1)); fi ;;
  esac
done < "$list"
echo "png_sweep: $got of $total PNGs: $ok decoded with identify's size, $refused refused that identify reads, $both refused by both, $bad wrong or crashed"
[ "$bad" -eq 0 ] && [ "$refused" -eq 0 ]

#!/bin/sh
# tests/png_sweep.sh [N] - decodes up to N (default 400) real PNGs from
# Debian's icon and pixmap packages (/usr/share/icons, /usr/share/pixmaps,
# /usr/share/doc, ...) with the header's decoder (build/test_data --info,
# built under ASan+UBSan as build/san_data) and compares every size with
# ImageMagick's `identify`, and every pixel, as 8-bit RGBA, with
# `convert F -depth 8 rgba:-` (where ImageMagick converts colours, as it
# does for some 16-bit files with colour chunks, with tests/png_ref.py, a
# small independent decoder on Python's zlib). Fails on a crash, a sanitizer report, a file
# identify reads but the decoder refuses, or a size or pixel that differs.
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
ok=0; bad=0; refused=0; both=0; px=0; pxbad=0; pxref=0
cv=convert; [ -x /usr/bin/convert ] && cv=/usr/bin/convert   # the real one, not a wrapper on PATH
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
      if [ "$have" = "$f $want" ]; then ok=$((ok + 1)); else echo "png_sweep: size differs: decoder '$have', identify '$want'"; bad=$((bad + 1)); continue; fi
      if "$cv" "$f[0]" -depth 8 rgba:build/png_sweep.im 2>/dev/null; then
        ./build/san_data --rgba8 "$f" > build/png_sweep.dp 2>/dev/null
        if cmp -s build/png_sweep.im build/png_sweep.dp; then px=$((px + 1))
        elif /usr/bin/python3 tests/png_ref.py "$f" build/png_sweep.py 2>/dev/null && cmp -s build/png_sweep.py build/png_sweep.dp; then
          echo "png_sweep: $f: ImageMagick's pixels differ (it converts colours: cHRM/gAMA/iCCP), tests/png_ref.py's (Python zlib) match"
          pxref=$((pxref + 1))
        else echo "png_sweep: pixels differ from ImageMagick's and tests/png_ref.py's: $f"; pxbad=$((pxbad + 1)); fi
      fi ;;
  esac
done < "$list"
echo "png_sweep: $got of $total PNGs: $ok decoded with identify's size ($px with every RGBA pixel as ImageMagick's, $pxref as an independent Python decoder's where ImageMagick converts colours, $pxbad neither), $refused refused that identify reads, $both refused by both, $bad wrong or crashed"
[ "$bad" -eq 0 ] && [ "$refused" -eq 0 ] && [ "$pxbad" -eq 0 ]

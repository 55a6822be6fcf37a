#!/bin/sh
# Builds diffprune.h the ways its users do; fails on any warning.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint main(void){return dp_crc32(0, "", 0) != 0;}\n' > "$tmp/full.c"
printf '#define DIFFPRUNE_INFERENCE_ONLY\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint dp_probe(void){return (int)dp_crc32(0, "a", 1);}\n' > "$tmp/inf.c"
cp "$tmp/full.c" "$tmp/full.cpp"
run() { echo "  $*"; "$@"; }
echo "compile checks:"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. "$tmp/full.c" -o "$tmp/a" -lm
run gcc -std=c11 -Wall -Wextra -Werror -pedantic -fopenmp -I. "$tmp/full.c" -o "$tmp/a" -lm
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/d.o"
if command -v clang >/dev/null; then
  run clang -std=c99 -Wall -Wextra -Werror -pedantic -I. "$tmp/full.c" -o "$tmp/b" -lm
  run clang -std=c11 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/e.o"
else
  echo "  clang not installed: skipped (apt-get install clang)"
fi
run g++ -Wall -Wextra -Werror -pedantic -I. -c "$tmp/full.cpp" -o "$tmp/c.o"
run g++ -std=c++11 -Wall -Wextra -Werror -pedantic -fopenmp -I. -c "$tmp/full.cpp" -o "$tmp/c.o"
if command -v arm-none-eabi-gcc >/dev/null; then
  for cpu in cortex-m0plus cortex-m4 cortex-m7; do
    run arm-none-eabi-gcc -mcpu=$cpu -mthumb -Os -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/m.o"
  done
else
  echo "  arm-none-eabi-gcc not installed: Cortex-M builds skipped"
fi
# the README's quick start, as C99 and as C++
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -c examples/quickstart.c -o "$tmp/q.o"
run g++ -x c++ -Wall -Wextra -Werror -c examples/quickstart.c -o "$tmp/q.o"
# ...and it must be the README's text: the first C block of README.md
awk '/^```c$/{f=1;next} /^```$/{if(f)exit} f' README.md > "$tmp/readme.c"
sed '1,/\*\/$/d; s|"../diffprune.h"|"diffprune.h"|' examples/quickstart.c > "$tmp/qs.c"
if ! cmp -s "$tmp/readme.c" "$tmp/qs.c"; then
  echo "README.md quick start and examples/quickstart.c differ:"; diff "$tmp/readme.c" "$tmp/qs.c"; exit 1
fi
# the README's firmware snippet (its second C block), freestanding, for the host and Cortex-M4
awk '/^```c$/{n++; if(n==2){f=1; next}} /^```$/{if(f)exit} f' README.md > "$tmp/fw.c"
printf 'const unsigned char model[4] = {0};\n' > "$tmp/model.h"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -I"$tmp" -c "$tmp/fw.c" -o "$tmp/fw.o"
if command -v arm-none-eabi-gcc >/dev/null; then
  run arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -I"$tmp" -c "$tmp/fw.c" -o "$tmp/fw.o"
fi
echo "compile checks: ok"

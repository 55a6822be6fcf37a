#!/bin/sh
# Builds diffprune.h the ways its users do; fails on any warning. Ends with
# "compile_checks: N passed, 0 failed, K skipped" (a SKIP line says why).
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint main(void){return dp_crc32(0, "", 0) != 0;}\n' > "$tmp/full.c"
printf '#define DIFFPRUNE_INFERENCE_ONLY\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint dp_probe(void){return (int)dp_crc32(0, "a", 1);}\n' > "$tmp/inf.c"
cp "$tmp/full.c" "$tmp/full.cpp"
pass=0; skip=0
run() { echo "  $*"; "$@"; pass=$((pass + 1)); }
echo "compile checks:"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. "$tmp/full.c" -o "$tmp/a" -lm
run gcc -std=c11 -Wall -Wextra -Werror -pedantic -fopenmp -I. "$tmp/full.c" -o "$tmp/a" -lm
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/d.o"
if command -v clang >/dev/null; then
  run clang -std=c99 -Wall -Wextra -Werror -pedantic -I. "$tmp/full.c" -o "$tmp/b" -lm
  run clang -std=c11 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/e.o"
else
  echo "SKIP compile_checks: clang builds: clang not installed (apt-get install clang)"; skip=$((skip + 1))
fi
run g++ -Wall -Wextra -Werror -pedantic -I. -c "$tmp/full.cpp" -o "$tmp/c.o"
run g++ -std=c++11 -Wall -Wextra -Werror -pedantic -fopenmp -I. -c "$tmp/full.cpp" -o "$tmp/c.o"
if command -v arm-none-eabi-gcc >/dev/null; then
  for cpu in cortex-m0plus cortex-m4 cortex-m7; do
    run arm-none-eabi-gcc -mcpu=$cpu -mthumb -Os -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/inf.c" -o "$tmp/m.o"
  done
else
  echo "SKIP compile_checks: Cortex-M builds: arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)"; skip=$((skip + 1))
fi
# the stb shape: the implementation in one translation unit, the header
# alone in two others, linked and run; in C, in C++, and mixed (C
# implementation, C++ users). Every exported function used here must be
# declared by the header (-Werror=implicit-function-declaration in C).
printf '#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\n' > "$tmp/tu_impl.c"
printf '#include "diffprune.h"\nint tu_a(void);\nint tu_a(void) {\n  dp_graph *g = dp_graph_new(1);\n  int x = dp_input(g, "x", 4, 4, 1);\n  dp_graph_set_fusion(g, 0);\n  dp_graph_profile(g, 1);\n  dp_graph_profile(g, 0);\n  dp_graph_print_profile(g, NULL);\n  x = dp_status_str(DP_OK)[0] == 111 && x >= 0;\n  dp_graph_free(g);\n  return x;\n}\n' > "$tmp/tu_a.c"
printf '#include "diffprune.h"\n#include <stdio.h>\nint tu_a(void);\nint main(void) {\n  unsigned char *b = NULL; size_t n = 0; char err[64];\n  dp_free(NULL);\n  if (dp_read_file("diffprune.h", 0, &b, &n, err, sizeof err) != DP_OK || n < 1000) return 2;\n  dp_free(b);\n  if (!tu_a() || dp_crc32(0, "123456789", 9) != 0xCBF43926u) return 1;\n  puts("three translation units: ok");\n  return 0;\n}\n' > "$tmp/tu_b.c"
for f in tu_impl tu_a tu_b; do cp "$tmp/$f.c" "$tmp/$f.cpp"; done
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. "$tmp/tu_impl.c" "$tmp/tu_a.c" "$tmp/tu_b.c" -o "$tmp/tu" -lm
run "$tmp/tu"
run g++ -Wall -Wextra -Werror -pedantic -I. "$tmp/tu_impl.cpp" "$tmp/tu_a.cpp" "$tmp/tu_b.cpp" -o "$tmp/tu" -lm
run "$tmp/tu"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. -c "$tmp/tu_impl.c" -o "$tmp/tu_impl.o"
run g++ -Wall -Wextra -Werror -pedantic -I. "$tmp/tu_impl.o" "$tmp/tu_a.cpp" "$tmp/tu_b.cpp" -o "$tmp/tu" -lm
run "$tmp/tu"
# DIFFPRUNE_STATIC (DP_API = static): two translation units, each with its
# own private implementation, link without duplicate symbols and export
# no dp_ function; in C, C++ and the inference half freestanding
printf '#define DIFFPRUNE_STATIC\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint st_a(void);\nint st_a(void) { return dp_crc32(0, "123456789", 9) == 0xCBF43926u; }\n' > "$tmp/st_a.c"
printf '#define DIFFPRUNE_STATIC\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\n#include <stdio.h>\nint st_a(void);\nint main(void) {\n  dp_graph *g = dp_graph_new(1);\n  int ok = st_a() && g && dp_input(g, "x", 2, 2, 1) == 0 && dp_status_str(DP_ERR_NOMEM)[0] == 111;\n  dp_graph_free(g);\n  puts(ok ? "DIFFPRUNE_STATIC, two translation units: ok" : "DIFFPRUNE_STATIC: wrong results");\n  return !ok;\n}\n' > "$tmp/st_b.c"
for f in st_a st_b; do cp "$tmp/$f.c" "$tmp/$f.cpp"; done
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. -c "$tmp/st_a.c" -o "$tmp/st_a.o"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. -c "$tmp/st_b.c" -o "$tmp/st_b.o"
run gcc "$tmp/st_a.o" "$tmp/st_b.o" -o "$tmp/st" -lm
run "$tmp/st"
echo "  nm st_a.o st_b.o: no global dp_ symbol"
if nm -g --defined-only "$tmp/st_a.o" "$tmp/st_b.o" | grep -E ' [A-Z] _?dp_'; then
  echo "DIFFPRUNE_STATIC exports the symbols above: their declarations lack DP_API"; exit 1
fi
pass=$((pass + 1))
run g++ -Wall -Wextra -Werror -pedantic -I. "$tmp/st_a.cpp" "$tmp/st_b.cpp" -o "$tmp/st" -lm
run "$tmp/st"
printf '#define DIFFPRUNE_STATIC\n#define DIFFPRUNE_INFERENCE_ONLY\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\nint dp_probe(void);\nint dp_probe(void){return (int)dp_crc32(0, "a", 1);}\n' > "$tmp/st_inf.c"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -ffreestanding -I. -c "$tmp/st_inf.c" -o "$tmp/st_inf.o"
# the allocator override: all four macros build; any subset is an #error
printf '#include <stdlib.h>\n#define DP_MALLOC(sz) malloc(sz)\n#define DP_CALLOC(n, sz) calloc(n, sz)\n#define DP_REALLOC(p, sz) realloc(p, sz)\n#define DP_FREE(p) free(p)\n#define DIFFPRUNE_IMPLEMENTATION\n#include "diffprune.h"\n' > "$tmp/alloc4.c"
run gcc -std=c99 -Wall -Wextra -Werror -pedantic -I. -c "$tmp/alloc4.c" -o "$tmp/alloc4.o"
grep -v 'DP_FREE' "$tmp/alloc4.c" > "$tmp/alloc3.c"
echo "  gcc ... alloc3.c (DP_FREE missing: must fail with the #error)"
if gcc -std=c99 -I. -c "$tmp/alloc3.c" -o "$tmp/alloc3.o" 2> "$tmp/alloc3.err"; then
  echo "a partial allocator override (no DP_FREE) compiled"; exit 1
fi
grep -q 'define all four of DP_MALLOC' "$tmp/alloc3.err" || { echo "a partial allocator override failed without the #error:"; cat "$tmp/alloc3.err"; exit 1; }
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
else
  echo "SKIP compile_checks: the README firmware snippet for Cortex-M4: arm-none-eabi-gcc not installed"; skip=$((skip + 1))
fi
# dp_crc32 with one table (the inference half's default) and with eight
for nt in 1 8; do
  run gcc -std=c99 -Wall -Wextra -Werror -pedantic -DDP_CRC32_TABLES=$nt -I. tests/crc_tables.c -o "$tmp/crc$nt"
  run "$tmp/crc$nt"
done
echo "compile checks: ok"
echo "compile_checks: $pass passed, 0 failed, $skip skipped"

#!/bin/sh
# Installs what `make test` uses when it is missing (Debian packages):
# clang for the compile checks, the Arm toolchain and qemu for mcu/,
# PyTorch (Debian's python3-torch, CPU) as the float64 oracle of tests/test_bn.c
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need="$need python3-torch"
# Fashion-MNIST for the end-to-end checks, PNG encoders for test_data,
# PyTorch as an outside oracle.
# Without root or apt it says what is missing and carries on.
need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v arm-none-eabi-gcc >/dev/null 2>&1 || need="$need gcc-arm-none-eabi libnewlib-arm-none-eabi"
command -v qemu-system-arm >/dev/null 2>&1 || need="$need qemu-system-arm"
# libFuzzer's runtime for `make fuzz` (clang does not pull it in)
if command -v clang >/dev/null 2>&1 &&
   ! printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }\n' |
     clang -x c -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then
  need="$need libclang-rt-14-dev"
fi
# external PNG encoders for tests/test_data.c (decoder vs ImageMagick, netpbm, optipng)
[ -x /usr/bin/convert ] || need="$need imagemagick"
command -v pnmtopng >/dev/null 2>&1 || need="$need netpbm"
command -v optipng >/dev/null 2>&1 || need="$need optipng"
# PyTorch (Debian's python3-torch, CPU) as the float64 oracle of tests/test_bn.c
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need="$need python3-torch"
# Arm NN's TFLite parser as an outside reader of exported .tflite files (tests/tflite_armnn.sh)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pyarmnn' >/dev/null 2>&1 || need="$need python3-pyarmnn"
# Fashion-MNIST for the end-to-end checks (int8 agreement, prune --quick)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need="$need dataset-fashion-mnist"
[ -n "$need" ] || exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
echo "installing:$need"
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need; } >/dev/null 2>&1; then
  echo "could not install$need (no root or no apt): the checks that need them are skipped" >&2
fi
exit 0

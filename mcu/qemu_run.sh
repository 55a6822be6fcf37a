#!/bin/sh
# qemu_run.sh SECONDS MACHINE ELF [APPEND]
# Runs a firmware under QEMU: semihosting on stdout, exit status passed
# through, -icount shift=0 (1 instruction = 1 ns: the SysTick counts are
# instruction counts).  A run longer than SECONDS is killed (TERM, then KILL
# 2 s later) and reported as a timeout, exit status 124.
t=$1 machine=$2 elf=$3 append=$4
[ -f "$elf" ] || { echo "error: no firmware $elf" >&2; exit 1; }
timeout -k 2 "$t" ${QEMU:-qemu-system-arm} -M "$machine" -display none -monitor none \
  -serial none -chardev stdio,id=sh0 -semihosting-config enable=on,target=native,chardev=sh0 \
  -icount shift=0 -kernel "$elf" ${append:+-append "$append"} < /dev/null
rc=$?
case $rc in
  124|137) echo "error: qemu timed out after $t s running $elf on $machine (killed)" >&2; exit 124 ;;
esac
exit $rc

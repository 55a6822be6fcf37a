#!/bin/sh
# fitcheck.sh BOARD FLASH_LIMIT RAM_LIMIT UNBOUNDED_ELF SIZE_TOOL
# Explains in plain words why an image does not fit a board.  The ELF must be
# linked against the unrestricted map (same objects).  Prints one line per
# exceeded budget; exits 0 if it printed something, 1 otherwise.
board=$1 flash_lim=$2 ram_lim=$3 elf=$4 size=${5:-arm-none-eabi-size}
set -- $($size "$elf" | awk 'NR==2 { print $1, $2, $3 }')
[ $# -eq 3 ] || exit 1
flash=$(( $1 + $2 ))   # text + data
sram=$(( $2 + $3 ))    # data + bss (bss includes the stack)
found=1
if [ "$flash" -gt "$flash_lim" ]; then
  echo "error: model does not fit $board: flash over by $((flash - flash_lim)) bytes (needs $flash of $flash_lim)" >&2
  found=0
fi
if [ "$sram" -gt "$ram_lim" ]; then
  echo "error: model does not fit $board: SRAM over by $((sram - ram_lim)) bytes (needs $sram of $ram_lim)" >&2
  found=0
fi
exit $found

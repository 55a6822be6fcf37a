#!/bin/sh
# Makes sure Fashion-MNIST is in /usr/share/datasets/fashion-mnist:
# installs Debian's dataset-fashion-mnist when it can.
d=/usr/share/datasets/fashion-mnist
[ -f "$d/train-images-idx3-ubyte.gz" ] && exit 0
echo "Fashion-MNIST missing: installing Debian's dataset-fashion-mnist"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if $SUDO apt-get install -y --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1 ||
   { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1; }; then
  exit 0
fi
echo "could not install it: run 'apt-get install dataset-fashion-mnist', or pass --data DIR with the four IDX files" >&2
exit 1

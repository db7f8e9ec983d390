#!/bin/sh
# The build steps of a container image (packaging/tagcascade.def's %post):
# install what is missing (Debian: make, then `make deps`), build, install
# under PREFIX, check the installed program, and leave no build folder.
#   sh packaging/container-build.sh SRC [PREFIX]
set -eu
src=${1:?usage: container-build.sh SRC [PREFIX]}
prefix=${2:-/usr/local}
cd "$src"
sh tests/bootstrap.sh deps
jobs=$(nproc 2>/dev/null || echo 2)
make --no-print-directory -j"$jobs" build/tagcascade
make --no-print-directory install PREFIX="$prefix"
"$prefix/bin/tagcascade" validate "$prefix/share/tagcascade/scenarios/macronleaks.yaml" >/dev/null
rm -rf build
echo "container-build: tagcascade installed in $prefix"

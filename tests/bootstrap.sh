#!/bin/sh
# Entry point on a fresh Debian 12 machine: installs `make` if it is missing (the
# one package make cannot install for itself), then runs `make TARGET...`, whose
# `deps` step installs the other Debian packages that are missing, as root or
# through sudo. Usage: sh tests/bootstrap.sh demo | check | bench
set -e
if ! command -v make >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=600 --no-install-recommends make
fi
cd "$(dirname "$0")/.."
exec make --no-print-directory "$@"

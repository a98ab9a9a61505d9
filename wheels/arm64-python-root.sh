#!/usr/bin/env bash
# Unpack Debian's arm64 python3.11 into a folder that qemu-user can use as its sysroot:
#
#   wheels/arm64-python-root.sh ROOT
#   qemu-aarch64 -L ROOT ROOT/usr/bin/python3.11 -c "import ctypes, mmap"
#
# How: dpkg --add-architecture arm64, apt-get update, apt-get download of the python3.11
# packages and the libraries `import ctypes, mmap, ssl` needs, dpkg -x into ROOT (no install,
# nothing else of the host changes). Idempotent: does nothing when ROOT already holds a python
# that starts. Used by wheels/cross-build-aarch64.sh and tests/test_arm64_pyjit.py.
#
# Exit status 77: apt-get/dpkg, the arm64 package lists or the packages are not available
# (callers skip their tests); 2: usage.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 ROOT" >&2
    exit 2
fi
ROOT="$1"

if [ -x "$ROOT/usr/bin/python3.11" ]; then
    echo "arm64 python already in $ROOT"
    exit 0
fi

for tool in apt-get dpkg; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "arm64-python-root: $tool not found (needs a Debian/Ubuntu host)" >&2
        exit 77
    fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    fi
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64 \
        || { echo "arm64-python-root: dpkg --add-architecture arm64 failed" >&2; exit 77; }
    $SUDO apt-get update -q >/dev/null \
        || { echo "arm64-python-root: apt-get update failed" >&2; exit 77; }
elif ! apt-cache show python3.11-minimal:arm64 >/dev/null 2>&1; then
    $SUDO apt-get update -q >/dev/null \
        || { echo "arm64-python-root: apt-get update failed" >&2; exit 77; }
fi

DEBS="$(mktemp -d)"
trap 'rm -rf "$DEBS"' EXIT
chmod 755 "$DEBS"  # apt-get download fetches as the _apt user when run as root
(cd "$DEBS" && apt-get download -q \
    python3.11-minimal:arm64 libpython3.11-minimal:arm64 libpython3.11-stdlib:arm64 \
    libc6:arm64 zlib1g:arm64 libexpat1:arm64 libffi8:arm64 libbz2-1.0:arm64 \
    liblzma5:arm64 libcrypt1:arm64 libssl3:arm64 libuuid1:arm64 >/dev/null) \
    || { echo "arm64-python-root: apt-get download of the arm64 python failed" >&2; exit 77; }

# Unpack next to ROOT and rename at the end, so an interrupted run never leaves a half root.
mkdir -p "$(dirname "$ROOT")"
PARTIAL="$ROOT.partial.$$"
rm -rf "$PARTIAL"
mkdir -p "$PARTIAL"
for deb in "$DEBS"/*.deb; do
    dpkg -x "$deb" "$PARTIAL"
done
# rename(2) replaces a missing or empty ROOT; a ROOT with files in it gets the files merged.
if ! mv -T "$PARTIAL" "$ROOT" 2>/dev/null; then
    if [ ! -x "$ROOT/usr/bin/python3.11" ]; then  # else a concurrent run has just finished
        cp -a "$PARTIAL"/. "$ROOT"/
    fi
    rm -rf "$PARTIAL"
fi
echo "arm64 python unpacked in $ROOT"

#!/usr/bin/env bash
# Build the aarch64 Linux wheel of examples/setuptools-demo on an x86_64 Linux host and test it
# under qemu-aarch64 with Debian's arm64 python3.11.
#
#   wheels/cross-build-aarch64.sh [OUT_DIR]          (default OUT_DIR: ./wheelhouse-aarch64)
#
# How: the normal setuptools build of the demo (ilo-aot's plugin) with
#   ILO_AOT_TARGET=aarch64-unknown-linux-gnu   LLVM emits aarch64 objects
#   CC/LDSHARED=aarch64-linux-gnu-gcc          compiles the abi3 shim against the host's Python
#                                              headers (stable ABI: same layout on aarch64) and links
# and the plugin tags the wheel cp310-abi3-linux_aarch64 (its platform follows ILO_AOT_TARGET).
# then unpacks the wheel beside the pure-Python ilo-runtime and runs wheels/check_demo.py
# under `qemu-aarch64 -L ROOT ROOT/usr/bin/python3.11`, ROOT holding Debian's arm64 python3.11
# packages (wheels/arm64-python-root.sh: apt-get download + dpkg -x).
#
# Environment: WHEELHOUSE  folder with ilo-aot and ilo-runtime wheels (default: built from this
#                          tree into a temporary folder); pip may fetch setuptools and llvmlite
#                          from the package index unless they are in WHEELHOUSE.
#              PIP_NO_INDEX=1 to build only from WHEELHOUSE.
#              ARM64_ROOT  where to unpack the arm64 python (default ~/.cache/ilo-aot/arm64-root).
#              SKIP_QEMU=1 build only.
# Exit status 77: the cross tools or the arm64 python could not be installed (tests skip).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT_DIR="$(cd "$HERE/.." && pwd)"
OUT="$(mkdir -p "${1:-wheelhouse-aarch64}" && cd "${1:-wheelhouse-aarch64}" && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step() { echo "== $*"; }

if [ "$(uname -m)" != "x86_64" ] || [ "$(uname -s)" != "Linux" ]; then
    echo "cross-build-aarch64: this script runs on x86_64 Linux hosts" >&2
    exit 77
fi

step "cross tools"
if ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || ! command -v qemu-aarch64 >/dev/null 2>&1
then
    "$HERE/install-cross-tools.sh" || { echo "cross tools unavailable" >&2; exit 77; }
fi

if [ -z "${WHEELHOUSE:-}" ]; then
    step "wheels of ilo-runtime and ilo-aot from this tree"
    WHEELHOUSE="$WORK/wheelhouse"
    mkdir -p "$WORK/src"
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in the work tree.
    cp -r "$ROOT_DIR/ilo_aot" "$ROOT_DIR/runtime" "$ROOT_DIR/pyproject.toml" "$WORK/src/"
    [ -f "$ROOT_DIR/README.md" ] && cp "$ROOT_DIR/README.md" "$WORK/src/"
    "$PYTHON" -m pip wheel -q --no-deps -w "$WHEELHOUSE" "$WORK/src/runtime" "$WORK/src"
fi

step "aarch64 wheel of the setuptools demo"
cp -r "$ROOT_DIR/examples/setuptools-demo" "$WORK/demo"
rm -rf "$WORK/demo/build" "$WORK/demo/dist"
CC=aarch64-linux-gnu-gcc \
LDSHARED="aarch64-linux-gnu-gcc -shared" \
ILO_AOT_TARGET=aarch64-unknown-linux-gnu \
    "$PYTHON" -m pip wheel --no-deps --find-links "$WHEELHOUSE" -w "$WORK/dist" "$WORK/demo"
WHEEL="$(ls "$WORK"/dist/geodemo-*-linux_aarch64.whl)"
cp "$WHEEL" "$OUT/"
WHEEL="$OUT/$(basename "$WHEEL")"
echo "built $WHEEL"

if [ -n "${SKIP_QEMU:-}" ]; then
    exit 0
fi

step "Debian arm64 python3.11"
ARM64_ROOT="${ARM64_ROOT:-$HOME/.cache/ilo-aot/arm64-root}"
"$HERE/arm64-python-root.sh" "$ARM64_ROOT" || exit 77

step "import and call under qemu-aarch64"
SITE="$WORK/site"
mkdir -p "$SITE"
"$PYTHON" -m zipfile -e "$WHEEL" "$SITE"
# The runtime is pure Python: use it from this tree.
PYTHONPATH="$SITE:$ROOT_DIR/runtime" PYTHONDONTWRITEBYTECODE=1 \
    qemu-aarch64 -L "$ARM64_ROOT" "$ARM64_ROOT/usr/bin/python3.11" "$HERE/check_demo.py"

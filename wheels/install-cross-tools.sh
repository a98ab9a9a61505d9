#!/bin/sh
# Install the AArch64 cross toolchain and user-mode emulator used to link and run the raw
# AArch64 backend's object files on an x86_64 Debian/Ubuntu host (tests and cross builds).
# Idempotent: does nothing when the tools are already there.
set -eu

if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1
then
    echo "cross tools already installed: $(command -v aarch64-linux-gnu-gcc), $(command -v qemu-aarch64)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-cross-tools: apt-get not found; install gcc-aarch64-linux-gnu and qemu-user" \
         "with your system's package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-cross-tools: needs root (or sudo) to run apt-get" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
echo "installed: $(command -v aarch64-linux-gnu-gcc), $(command -v qemu-aarch64)"

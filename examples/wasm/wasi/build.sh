#!/usr/bin/env bash
# Rebuilds notes.wasm from notes.c. The built file is committed, so the C example that runs it
# (examples/c/wasi.c) does not need this toolchain.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32
#   (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32).
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Wl,--strip-debug notes.c -o notes.wasm
echo "built $(pwd)/notes.wasm"

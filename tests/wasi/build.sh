#!/usr/bin/env bash
# Rebuilds the WASI test programs (the .wasm files next to their sources). The built files are
# committed, so running the tests does not need these toolchains.
#
# Needs: Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32
#   (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32),
# and Rust's wasm32-wasip1 target (rustup target add wasm32-wasip1).
set -euo pipefail
cd "$(dirname "$0")"

CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wno-unused-result -Wl,--strip-debug)
for src in c/*.c; do
    out="${src%.c}.wasm"
    echo "clang $src -> $out"
    clang "${CFLAGS[@]}" "$src" -o "$out"
done

for src in rust/*.rs; do
    out="${src%.rs}.wasm"
    echo "rustc $src -> $out"
    rustc --target wasm32-wasip1 --edition 2021 -C opt-level=2 -C debuginfo=0 -C strip=symbols \
        "$src" -o "$out"
done

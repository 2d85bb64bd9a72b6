#!/usr/bin/env bash
# Rebuilds every benchmark program's .wasm from its source, in place.
#
#   benches/programs/build.sh
#
# C sources need clang and wasm-ld for wasm32 (Debian: apt-get install clang lld);
# WAT sources are compiled by this crate's own `wat2wasm` binary (the pinned `wat` crate).
# The programs use no libc and import nothing: a program that needs an undefined symbol
# fails to link here instead of turning into an import.
set -euo pipefail
cd "$(dirname "$0")"

CLANG=${CLANG:-clang}
CFLAGS=(--target=wasm32 -O2 -nostdlib -ffreestanding -mbulk-memory -Wall -Wextra -Werror)
LDFLAGS=(-Wl,--no-entry -Wl,--export=run -Wl,--strip-all)

for src in *.c; do
    out=${src%.c}.wasm
    echo "clang $src -> $out"
    "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$out" "$src"
done

cargo build --quiet --release -p wrt-bench --bin wat2wasm
WAT2WASM=../../target/release/wat2wasm
for src in *.wat; do
    out=${src%.wat}.wasm
    echo "wat2wasm $src -> $out"
    "$WAT2WASM" "$src" "$out"
done

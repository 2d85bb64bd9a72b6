#!/usr/bin/env bash
# Rebuilds every examples/wasm/*.wasm from its .wat.
#
# It uses wrt's own text parser (`cargo run -p wrtd --example wat2wasm`)
# rather than wabt's wat2wasm: nothing extra to install on a fresh machine, and
# the binaries come from the same parser wrtd applies to .wat input.
# `cargo test -p wrtd` checks that the shipped .wasm files are up to date.
set -euo pipefail
cd "$(dirname "$0")/../.."
for wat in examples/wasm/*.wat; do
    wasm="${wat%.wat}.wasm"
    cargo run --quiet -p wrtd --example wat2wasm -- "$wat" "$wasm"
    echo "built $wasm"
done

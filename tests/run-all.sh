#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, all tests, the
# bare-metal build, and the README's quick-start example.
#
#   ./tests/run-all.sh
#
# Works on a fresh Debian machine with Rust installed through rustup: it adds
# the rustup components and the embedded target it needs. CI runs exactly this
# script (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

EMBEDDED_TARGET=thumbv7em-none-eabihf
QUICK_START='cargo run --release -p wrtd -- examples/wasm/fib.wat --function fib 20'
QUICK_START_OUTPUT='6765'

step_start=$SECONDS
step_name="setup"
step() {
    printf '\n==== %s ====\n' "$*"
    step_start=$SECONDS
    step_name=$*
}
step_done() {
    printf -- '---- done in %ds\n' "$((SECONDS - step_start))"
}
trap 'printf "\nrun-all: FAILED in step: %s\n" "$step_name" >&2' ERR
fail() {
    echo "error: $*" >&2
    exit 1
}
# install_missing PURPOSE PACKAGE...: installs the Debian packages a section found missing with
# apt-get (through sudo unless root), or fails saying what to install for PURPOSE. Does nothing
# when no package is named.
install_missing() {
    local purpose=$1
    shift
    (($#)) || return 0
    command -v apt-get >/dev/null || fail "install $* to $purpose"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    echo "installing $* with apt-get"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@"
}

step "toolchain"
command -v cargo >/dev/null || fail "cargo not found: install Rust with rustup first"
if command -v rustup >/dev/null; then
    installed=$(rustup component list --installed)
    for component in rustfmt clippy; do
        if ! grep -q "^$component" <<<"$installed"; then
            rustup component add "$component"
        fi
    done
    if ! rustup target list --installed | grep -qx "$EMBEDDED_TARGET"; then
        rustup target add "$EMBEDDED_TARGET"
    fi
else
    echo "rustup not found: using the installed toolchain as is"
fi
cargo --version
rustc --version
step_done

step "format: cargo fmt --all -- --check"
cargo fmt --all -- --check
step_done

step "lint: cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
step_done

step "test: cargo test --workspace"
cargo test --workspace
step_done

# Benchmark programs (benches/, wrt-bench): checks every program's result on wrt and
# wasmi, that fuel is charged, and a generated module; times nothing.
step "benchmarks check: cargo run -p wrt-bench -- --check"
cargo run -p wrt-bench -- --check
step_done

# Optimised builds dispatch by tail calls between instruction handlers (core/build.rs); debug
# builds, which the steps above use, return to a loop. Run the spec testsuite on the optimised
# interpreter too, and check in its machine code that no handler calls the next one (a call
# would grow the host stack with every instruction executed).
step "optimised interpreter: cargo test --release -p wrt-tests --test spec, tail-dispatch check"
cargo test --release -p wrt-tests --test spec
if [[ $(uname -m) == x86_64 ]]; then
    cargo build --release -p wrtd
    python3 tests/check-tail-dispatch.py target/release/wrtd
else
    echo "tail-dispatch check skipped: it reads x86_64 machine code, this is $(uname -m)"
fi
step_done

# The official WASI preview 1 conformance tests (WebAssembly/wasi-testsuite, expected in
# shared/wasi-testsuite beside the repository, or in $WRT_WASI_TESTSUITE) through wrtd, the
# library and wrtd --no-std, optimised (about a second); rewrites tests/wasi-testsuite-results.md.
# A missing suite fails here under CI (CI=true) and is reported and skipped elsewhere.
step "WASI testsuite: cargo test --release -p wrt-tests --test wasi_testsuite"
cargo test --release -p wrt-tests --test wasi_testsuite
step_done

# The core's own tests again without std: results, fuel and profile must match the std
# build exactly (core/tests/determinism.rs holds the recorded values).
step "alloc-only build: cargo test -p wrt --no-default-features --features alloc"
cargo test -p wrt --no-default-features --features alloc
step_done

# The build features users type (README.md, "Status"): safety-critical makes wrtd and libwrt
# start from Config::safety_critical() (their tests check it: wrtd's end to end through a NaN
# result); without `wasi` (a default feature) wrtd refuses --wasi and libwrt builds without the
# WASI functions; component-model must fail the build with its message, not build without it.
step "build features: safety-critical wrtd and libwrt; wrtd and libwrt without wasi; component-model refused"
cargo test -p wrtd --features safety-critical --test cli safety_critical
cargo test -p wrt-capi --features safety-critical --lib config::tests
cargo test -p wrtd --no-default-features --test cli
cargo build -p wrt-capi --no-default-features
if component_model=$(cargo check -p wrt --features component-model 2>&1); then
    fail "cargo check --features component-model built; it must say the component model is missing"
fi
grep -q "does not implement the WebAssembly component model" <<<"$component_model" ||
    fail "cargo check --features component-model failed without its message: $(tail -5 <<<"$component_model")"
step_done

# WASI without std: built for the embedded target, and its unit tests run on the host with the
# no-host backend (no filesystem: path calls answer ENOTCAPABLE).
step "bare-metal build: cargo build -p wrt-wasi --no-default-features --target $EMBEDDED_TARGET; its tests without std"
cargo build -p wrt-wasi --no-default-features --target "$EMBEDDED_TARGET"
cargo test -p wrt-wasi --no-default-features
step_done

step "quick start: $QUICK_START"
grep -qF -- "$QUICK_START" README.md || fail "README.md no longer shows the quick-start command: $QUICK_START"
output=$($QUICK_START)
[[ "$output" == "$QUICK_START_OUTPUT" ]] ||
    fail "quick start printed '$output', expected '$QUICK_START_OUTPUT'"
echo "quick start printed $output as expected"
step_done

# ==== C API section (capi/, include/wrt.h, CMakeLists.txt, cmake/, examples/c, tests/c) ====
# Owned by the C API work; edit only inside this section. Builds libwrt through CMake, runs the
# C tests and examples (also under valgrind), checks the committed header and the installed
# CMake package.
C_API_BUILD_DIR=build
step "C API: cmake -S . -B $C_API_BUILD_DIR && cmake --build $C_API_BUILD_DIR && ctest --test-dir $C_API_BUILD_DIR --output-on-failure"
c_api_missing=()
command -v cmake >/dev/null || c_api_missing+=(cmake)
command -v valgrind >/dev/null || c_api_missing+=(valgrind)
command -v cc >/dev/null || c_api_missing+=(gcc)
install_missing "build and test the C API" "${c_api_missing[@]}"
cmake -S . -B "$C_API_BUILD_DIR"
cmake --build "$C_API_BUILD_DIR"
ctest --test-dir "$C_API_BUILD_DIR" --output-on-failure
step_done
# ==== end of the C API section ====

# ==== Bare-metal section (arena/, examples/baremetal-cortex-m/) ====
# Owned by the bare-metal work; edit only inside this section. Tests the runtime-nostd arena on
# the host and lints the core with that feature, then builds the Cortex-M example (its own Cargo
# project, not a workspace member) in release, runs it under QEMU (machine mps2-an386, 60 s bound)
# through its run.sh, which checks the output and exit status, and prints the firmware's code size.
BAREMETAL_DIR=examples/baremetal-cortex-m
step "bare metal: arena tests: cargo test -p wrt-arena"
cargo test -p wrt-arena
step_done

step "bare metal: lint the core with runtime-nostd (host, all targets; and $EMBEDDED_TARGET without std)"
cargo clippy -p wrt -p wrt-arena --all-targets --features wrt/runtime-nostd -- -D warnings
cargo clippy -p wrt -p wrt-arena --no-default-features --features wrt/runtime-nostd --target "$EMBEDDED_TARGET" -- -D warnings
step_done

step "bare metal: tools: qemu-system-arm, a size tool, the $EMBEDDED_TARGET target"
baremetal_missing=()
command -v qemu-system-arm >/dev/null || baremetal_missing+=(qemu-system-arm)
if ! { command -v llvm-size && command -v llvm-nm; } >/dev/null &&
    ! { command -v arm-none-eabi-size && command -v arm-none-eabi-nm; } >/dev/null; then
    baremetal_missing+=(binutils-arm-none-eabi)
fi
install_missing "run the bare-metal example" "${baremetal_missing[@]}"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$EMBEDDED_TARGET"; then
    rustup target add "$EMBEDDED_TARGET"
fi
qemu-system-arm --version | head -n 1
step_done

step "bare metal: format, lint and build $BAREMETAL_DIR (release, $EMBEDDED_TARGET)"
(
    cd "$BAREMETAL_DIR"
    cargo fmt -- --check
    cargo clippy --release --target "$EMBEDDED_TARGET" --all-targets -- -D warnings
    cargo build --release --target "$EMBEDDED_TARGET"
)
step_done

step "bare metal: run under QEMU and check the output: $BAREMETAL_DIR/run.sh"
"$BAREMETAL_DIR/run.sh"
step_done

step "bare metal: code size of the firmware: $BAREMETAL_DIR/size.sh"
"$BAREMETAL_DIR/size.sh"
step_done
# ==== end of the bare-metal section ====

# ==== Bindings section (bindings/, examples/python, examples/node) ====
# Owned by the Python and Node bindings work; edit only inside this section. A fresh virtualenv
# pip-installs the Python binding (maturin comes from PyPI) and runs its pytest suite and the
# examples; a fresh npm project installs the Node binding (its install script builds the addon
# with cargo) and runs its `node --test` suite and the examples. Both build the dev profile in
# the workspace's target/ (the suites are small; a release build takes minutes more).
BINDINGS_TMP=$(mktemp -d)
BINDINGS_REPO=$PWD
step "bindings: tools (python3 with venv, node, npm)"
bindings_missing=()
python3 -c 'import venv, ensurepip' 2>/dev/null || bindings_missing+=(python3-venv)
command -v node >/dev/null || bindings_missing+=(nodejs)
command -v npm >/dev/null || bindings_missing+=(npm)
install_missing "test the bindings" "${bindings_missing[@]}"
python3 --version
echo "node $(node --version), npm $(npm --version)"
step_done

step "Python binding: pip install ./bindings/python (fresh virtualenv), pytest, examples"
python3 -m venv "$BINDINGS_TMP/venv"
MATURIN_PEP517_ARGS="--profile dev" "$BINDINGS_TMP/venv/bin/pip" install --quiet ./bindings/python pytest
# From outside the repository, so `import wrt` is the installed package.
(cd "$BINDINGS_TMP" && "$BINDINGS_TMP/venv/bin/python" -c 'import wrt; print("import wrt:", wrt.__version__)')
set +e
(cd "$BINDINGS_TMP" && "$BINDINGS_TMP/venv/bin/python" -m pytest -p no:cacheprovider "$BINDINGS_REPO/bindings/python/tests")
pytest_status=$?
set -e
# pytest exits with 5 when it collects no test: here that means the suite went missing.
((pytest_status != 5)) || fail "pytest collected no tests in bindings/python/tests"
((pytest_status == 0)) || fail "the Python binding's tests failed (pytest exit code $pytest_status)"
"$BINDINGS_TMP/venv/bin/python" examples/python/wasi_hello.py >"$BINDINGS_TMP/py-wasi.txt"
cat "$BINDINGS_TMP/py-wasi.txt"
grep -qx 'Hello from WASI!' "$BINDINGS_TMP/py-wasi.txt" ||
    fail "examples/python/wasi_hello.py did not print the greeting"
"$BINDINGS_TMP/venv/bin/python" examples/python/host_fuel_budget.py >"$BINDINGS_TMP/py-example.txt"
cat "$BINDINGS_TMP/py-example.txt"
grep -q 'refused by the memory budget' "$BINDINGS_TMP/py-example.txt" &&
    grep -q 'OutOfFuel' "$BINDINGS_TMP/py-example.txt" ||
    fail "examples/python/host_fuel_budget.py did not show the budget refusal and OutOfFuel"
step_done

step "Node binding: npm install ./bindings/node (fresh npm project), node --test, examples"
mkdir "$BINDINGS_TMP/npm-project"
(
    cd "$BINDINGS_TMP/npm-project"
    npm init -y >/dev/null
    WRT_NODE_PROFILE=dev npm install --no-audit --no-fund --foreground-scripts "$BINDINGS_REPO/bindings/node"
    node -e "const wrt = require('wrt'); console.log('require(\"wrt\"):', wrt.version)"
)
WRT_PACKAGE="$BINDINGS_TMP/npm-project/node_modules/wrt" node --test bindings/node/test/
export WRT_PACKAGE="$BINDINGS_TMP/npm-project/node_modules/wrt"
node examples/node/wasi_hello.js >"$BINDINGS_TMP/node-wasi.txt"
cat "$BINDINGS_TMP/node-wasi.txt"
grep -qx 'Hello from WASI!' "$BINDINGS_TMP/node-wasi.txt" ||
    fail "examples/node/wasi_hello.js did not print the greeting"
node examples/node/host_fuel_budget.js >"$BINDINGS_TMP/node-example.txt"
cat "$BINDINGS_TMP/node-example.txt"
grep -q 'refused by the memory budget' "$BINDINGS_TMP/node-example.txt" &&
    grep -q 'OutOfFuel' "$BINDINGS_TMP/node-example.txt" ||
    fail "examples/node/host_fuel_budget.js did not show the budget refusal and OutOfFuel"
unset WRT_PACKAGE
rm -rf "$BINDINGS_TMP"
step_done
# ==== end of the bindings section ====

printf '\nall checks passed in %ds\n' "$SECONDS"

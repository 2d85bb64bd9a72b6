#!/usr/bin/env bash
# Builds the bare-metal example, runs it under QEMU (machine mps2-an386, a Cortex-M4 with FPU)
# with a 60-second bound, and checks its output line by line and its exit status. Exits non-zero
# on any mismatch.
#
#   ./run.sh               build (release) and check
#   ./run.sh --min-arena   also prove the smallest arena: rebuild with the arena set to the
#                          high-water mark the run reports (must pass) and 8 bytes less (must fail)
#
# Needs qemu-system-arm (Debian package qemu-system-arm) and the rustup target
# thumbv7em-none-eabihf; tests/run-all.sh installs both.
set -euo pipefail
cd "$(dirname "$0")"

TARGET=thumbv7em-none-eabihf
ELF=target/$TARGET/release/wrt-baremetal-cortex-m
QEMU=(qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic
    -semihosting-config enable=on,target=native -kernel "$ELF")

min_arena=false
case "${1:-}" in
"") ;;
--min-arena) min_arena=true ;;
*)
    echo "usage: $0 [--min-arena]" >&2
    exit 2
    ;;
esac

command -v qemu-system-arm >/dev/null || {
    echo "error: qemu-system-arm not found (apt-get install qemu-system-arm)" >&2
    exit 1
}

build() {
    cargo build --release --target "$TARGET" --quiet
}

# Runs the firmware; sets `output` and `status`.
run() {
    status=0
    output=$(timeout 60 "${QEMU[@]}" </dev/null 2>&1) || status=$?
}

# Every line the program prints, in order, as an extended regular expression matched against
# the whole line. Numbers that depend on the build (sizes, fuel, bytes) are checked by pattern;
# the program itself checks their relations (result, budget, arena >= store, fuel, all freed).
NUM='[0-9]+'
EXPECTED=(
    "wrt on a Cortex-M4 \(QEMU mps2-an386\): arena $NUM bytes, guest module $NUM bytes"
    "module validated and translated: arena $NUM bytes in use, peak $NUM bytes"
    "run 1: run\(20\) with fuel 1000000 and a memory budget of 81920 bytes"
    "guest: hello from wasm on a Cortex-M"
    "guest: sum of fib\(0\.\.n\) read back from memory = 10945"
    "run 1: result 10945 \(expected 10945\)"
    "run 1: fuel consumed $NUM, host calls 2"
    "run 1: store memory peak $NUM bytes of a 81920 byte budget, $NUM in use"
    "run 1:   linear_memory: peak 65536 bytes, 65536 in use"
    "run 1:   stacks: peak $NUM bytes, $NUM in use"
    "run 1:   code: peak $NUM bytes, $NUM in use"
    "run 1:   runtime: peak $NUM bytes, $NUM in use"
    "run 1: arena peak $NUM bytes of $NUM, $NUM in use, high-water mark $NUM"
    "run 2: run\(20\) with fuel 10000"
    "guest: hello from wasm on a Cortex-M"
    "run 2: trapped: trap: out of fuel"
    "run 2: fuel consumed $NUM, fuel left $NUM, host calls 1"
    "arena: peak $NUM bytes of $NUM, high-water mark $NUM, 0 in use after both runs, $NUM allocations, 0 refused"
    "result: ok"
)

# Checks `output` and `status`; prints the first difference and returns 1 on a mismatch.
check() {
    local -a lines
    mapfile -t lines <<<"$output"
    # QEMU's semihosting console may end lines with \r.
    lines=("${lines[@]%$'\r'}")
    local i
    for i in "${!EXPECTED[@]}"; do
        if [[ $i -ge ${#lines[@]} ]]; then
            echo "mismatch: output ended before line $((i + 1)); expected /${EXPECTED[$i]}/" >&2
            return 1
        fi
        if ! [[ ${lines[$i]} =~ ^${EXPECTED[$i]}$ ]]; then
            echo "mismatch at line $((i + 1)):" >&2
            echo "  expected /${EXPECTED[$i]}/" >&2
            echo "  got      ${lines[$i]}" >&2
            return 1
        fi
    done
    if [[ ${#lines[@]} -ne ${#EXPECTED[@]} ]]; then
        echo "mismatch: ${#lines[@]} lines printed, ${#EXPECTED[@]} expected" >&2
        return 1
    fi
    if [[ $status -ne 0 ]]; then
        echo "mismatch: QEMU exited with status $status, expected 0" >&2
        return 1
    fi
}

# The value after "high-water mark " on the last arena line.
high_water() {
    grep -o 'high-water mark [0-9]*' <<<"$output" | tail -n 1 | grep -o '[0-9]*$'
}

build
echo "\$ timeout 60 ${QEMU[*]}"
run
printf '%s\n' "$output"
echo "(exit status $status)"
if ! check; then
    echo "run.sh: FAILED" >&2
    exit 1
fi
echo "run.sh: output and exit status as expected"

if $min_arena; then
    needed=$(high_water)
    echo
    echo "proving the smallest arena: $needed bytes (the reported high-water mark)"
    WRT_ARENA_SIZE=$needed build
    run
    if ! check; then
        printf '%s\n' "$output"
        echo "run.sh: FAILED: an arena of $needed bytes does not work" >&2
        exit 1
    fi
    echo "arena of $needed bytes: works"
    WRT_ARENA_SIZE=$((needed - 8)) build
    run
    if [[ $status -eq 0 ]]; then
        printf '%s\n' "$output"
        echo "run.sh: FAILED: an arena of $((needed - 8)) bytes works too" >&2
        exit 1
    fi
    echo "arena of $((needed - 8)) bytes: fails as it must ($(grep -E '^(error|panic):' <<<"$output" | head -n 1))"
    # Leave the default build in place.
    build
    echo "smallest arena for this example: $needed bytes"
fi

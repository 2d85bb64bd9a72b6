#!/usr/bin/env bash
# Prints the code size of the bare-metal firmware (build it first: run.sh or
# `cargo build --release --target thumbv7em-none-eabihf`): the `size` of the ELF, then the bytes
# of code and read-only data by crate, from the symbol table (generic code is counted under the
# crate that defines it, so this is an estimate; `size` is the exact total).
#
# Uses llvm-size/llvm-nm (Debian package llvm) or arm-none-eabi-size/-nm (binutils-arm-none-eabi).
set -euo pipefail
cd "$(dirname "$0")"

ELF=${1:-target/thumbv7em-none-eabihf/release/wrt-baremetal-cortex-m}
[[ -f $ELF ]] || {
    echo "error: $ELF not found: build the example first" >&2
    exit 1
}
if command -v llvm-size >/dev/null && command -v llvm-nm >/dev/null; then
    SIZE=llvm-size NM=llvm-nm
elif command -v arm-none-eabi-size >/dev/null && command -v arm-none-eabi-nm >/dev/null; then
    SIZE=arm-none-eabi-size NM=arm-none-eabi-nm
else
    echo "error: no size tool: apt-get install llvm (or binutils-arm-none-eabi)" >&2
    exit 1
fi

echo "\$ $SIZE $ELF"
"$SIZE" "$ELF"
echo "(text = flash: vector table, code and read-only data; bss = RAM, including the arena)"
echo
echo "flash bytes by crate (from the symbol table):"
"$NM" --print-size --radix=d --demangle "$ELF" | awk '
    $3 ~ /^[tTrR]$/ && NF >= 4 {
        name = $4
        for (i = 5; i <= NF; i++) name = name " " $i
        sub(/^_?(\$LT\$|<)/, "", name)
        split(name, parts, /::|\.\.|\$u20\$| /)
        crate = parts[1]
        if (crate ~ /^(wrt|wasmparser|core|alloc|compiler_builtins|libm|cortex_m|cortex_m_rt|cortex_m_semihosting|wrt_baremetal_cortex_m)$/) group = crate
        else if (crate ~ /^__aeabi|^__rustc|^__/) group = "compiler_builtins"
        else group = "other"
        bytes[group] += $2
        total += $2
    }
    END {
        for (g in bytes) printf "  %-24s %8d\n", g, bytes[g]
        printf "  %-24s %8d\n", "(all symbols)", total
    }' | sort -k2 -n -r

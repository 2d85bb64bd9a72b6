#!/usr/bin/env python3
"""Checks that the optimised interpreter really dispatches by tail calls.

In optimised x86_64 builds each instruction handler (core/src/engine/exec/handlers.rs) must pass
control to the next handler with a jump. If LLVM ever turned one of those tail calls into a real
call, every execution of that instruction would grow the host stack until it overflowed. This
reads the disassembly of a binary and fails if any handler makes an indirect call through a
register or a table, or if handlers are missing (a check that finds nothing proves nothing).

    python3 tests/check-tail-dispatch.py target/release/wrtd
"""
import re
import subprocess
import sys

HANDLER = "wrt::engine::exec::handlers::"
# An indirect call whose target comes from a register or a register-indexed table: the shape
# of a dispatch that was not turned into a jump. Calls through the GOT ([rip+...]) are
# ordinary calls of named functions.
BAD_CALL = re.compile(r"\bcall\s+(r[a-z0-9]+\b|QWORD PTR \[r(?!ip)[a-z0-9]+[^\]]*\])")
TAIL_JUMP = re.compile(r"\bjmp\s+(r[a-z0-9]+\b|QWORD PTR \[r(?!ip)[a-z0-9]+[^\]]*\])")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    asm = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-M", "intel", "-C", binary],
        check=True, capture_output=True, text=True,
    ).stdout
    handlers: dict[str, list[str]] = {}
    current = None
    for line in asm.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            name = m.group(1)
            current = name if name.startswith(HANDLER) else None
            if current:
                handlers[current] = []
            continue
        if current:
            handlers[current].append(line)
    if len(handlers) < 200:
        print(f"error: found {len(handlers)} handlers in {binary}; expected the whole set "
              "(is this an optimised x86_64 build with symbols?)")
        return 1
    bad = {h: [l for l in body if BAD_CALL.search(l)] for h, body in handlers.items()}
    bad = {h: ls for h, ls in bad.items() if ls}
    jumping = sum(1 for body in handlers.values() if any(TAIL_JUMP.search(l) for l in body))
    for h, lines in sorted(bad.items()):
        print(f"error: {h} calls indirectly (a dispatch that is not a tail call?):")
        for l in lines:
            print("   ", l.strip())
    if jumping < len(handlers) * 9 // 10:
        print(f"error: only {jumping} of {len(handlers)} handlers end in an indirect jump")
        return 1
    if bad:
        return 1
    print(f"tail dispatch: {len(handlers)} handlers, {jumping} dispatch by jump, none by call")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs a WASI program with wrt from Python: arguments, environment, captured output and the
exit status.

    pip install ./bindings/python
    python examples/python/wasi_hello.py [path/to/program.wasm] [args...]
"""

import pathlib
import sys

import wrt

ROOT = pathlib.Path(__file__).resolve().parents[2]
program = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests/wasi/rust/hello.wasm")

engine = wrt.Engine()
store = wrt.Store(engine)
store.set_wasi(wrt.WasiConfig(
    argv=[pathlib.Path(program).name, *sys.argv[2:]] or ["hello.wasm"],
    env={"GREETING": "hello from Python"},
    stdout="capture",
    stderr="capture",
    exit_allowed=True,
))
linker = wrt.Linker(engine)
linker.define_wasi()
instance = linker.instantiate(store, wrt.Module.from_file(engine, program))

status = 0
try:
    instance.exports["_start"]()
except wrt.ExitError as e:
    status = e.status

print(store.take_stdout().decode(), end="")
print(f"[stderr] {store.take_stderr().decode()}", end="")
print(f"exit status: {status}")

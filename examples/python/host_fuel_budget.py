"""A host function, fuel and a memory budget with wrt from Python.

The module asks the host for a number of pages, grows its memory by that much and writes to
each new page (examples/wasm/grow.wat does the growing). The engine meters fuel and limits
everything the store allocates to 1 MiB, so the second, bigger request fails inside wasm
(memory.grow returns -1), and an endless loop stops with wrt.OutOfFuel.

    pip install ./bindings/python
    python examples/python/host_fuel_budget.py
"""

import wrt

WAT = """
(module
  (import "host" "pages_wanted" (func $wanted (param i32) (result i32)))
  (import "host" "report" (func $report (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "grown")
  (func (export "run") (param $round i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (call $wanted (local.get $round))))
    (call $report (local.get $round) (local.get $old))
    (local.get $old))
  (func (export "spin") (loop $forever (br $forever))))
"""

engine = wrt.Engine(wrt.Config(consume_fuel=True, memory_budget=1 << 20))
store = wrt.Store(engine, fuel=100_000)
linker = wrt.Linker(engine)

# Host functions: plain Python callables, one of them looking at the caller's memory.
linker.define_func("host", "pages_wanted", (["i32"], ["i32"]), lambda round: [4, 64][round])


def report(caller, round, old):
    word = caller.memory().read(0, 5).decode()
    outcome = f"grew from {old} pages" if old >= 0 else "refused by the memory budget"
    print(f"round {round}: memory.grow {outcome} ({word!r} at address 0)")


linker.define_func("host", "report", (["i32", "i32"], []), report, access_caller=True)

instance = linker.instantiate(store, wrt.Module(engine, WAT))
run = instance.exports["run"]
assert run(0) == 1        # 1 -> 5 pages fits in 1 MiB
assert run(1) == -1       # 5 -> 69 pages does not
print(f"fuel consumed: {store.fuel_consumed()}, remaining: {store.get_fuel()}")

profile = store.memory_profile()
print(f"memory: {profile.current} bytes now, peak {profile.peak}, budget {profile.budget}, "
      f"{profile.budget_refusals} refusal(s)")
print(f"linear memory: {profile.categories['linear_memory'][0]} bytes")

try:
    instance.exports["spin"]()
except wrt.OutOfFuel as e:
    print(f"spin: {type(e).__name__}: {e} (trap {e.trap})")

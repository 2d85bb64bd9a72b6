"""Tests of the Python bindings: modules, host functions, traps, fuel, the memory budget,
memory views, WASI and errors. Run with `pytest bindings/python/tests` after
`pip install ./bindings/python`."""

import pathlib
import threading

import pytest

import wrt

ROOT = pathlib.Path(__file__).resolve().parents[3]
WASI_HELLO_RUST = ROOT / "tests" / "wasi" / "rust" / "hello.wasm"
WASI_HELLO_C = ROOT / "tests" / "wasi" / "c" / "hello.wasm"
GROW_WAT = ROOT / "examples" / "wasm" / "grow.wat"

ADD = """
(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))
"""

LOOP = """
(module
  (func (export "spin") (param i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i)))
"""


def instantiate(source, engine=None, store=None, linker=None):
    engine = engine or wrt.Engine()
    store = store or wrt.Store(engine)
    linker = linker or wrt.Linker(engine)
    module = wrt.Module(engine, source)
    return store, linker.instantiate(store, module)


# -- modules and calls ------------------------------------------------------------------


def test_call_export_from_text_and_binary():
    engine = wrt.Engine()
    store, inst = instantiate(ADD, engine)
    assert inst.exports["add"](2, 3) == 5
    assert inst.exports.add(-1, 1) == 0
    # i32 arguments take unsigned bits too, results come back signed.
    assert inst.exports.add(0xFFFFFFFF, 0) == -1
    binary = wrt.wat2wasm(ADD)
    assert binary[:4] == b"\0asm"
    _, inst2 = instantiate(binary, engine)
    assert inst2.exports.add(40, 2) == 42


def test_module_imports_and_exports():
    engine = wrt.Engine()
    module = wrt.Module(
        engine,
        """(module (import "env" "log" (func (param i32 i64)))
                   (memory (export "memory") 1)
                   (func (export "f") (result f64) f64.const 1.5))""",
    )
    [imp] = module.imports
    assert (imp.module, imp.name, imp.kind) == ("env", "log", "func")
    assert imp.type.params == ["i32", "i64"] and imp.type.results == []
    kinds = {e.name: e.kind for e in module.exports}
    assert kinds == {"memory": "memory", "f": "func"}
    memory = module.exports[0].type
    assert isinstance(memory, wrt.MemoryType)
    assert (memory.minimum, memory.maximum) == (1, None)


def test_import_and_export_types_of_every_kind():
    module = wrt.Module(
        wrt.Engine(),
        """(module (import "env" "mem" (memory 1 4))
                   (import "env" "g" (global (mut i64)))
                   (table (export "t") 3 externref)
                   (global (export "c") f32 (f32.const 1)))""",
    )
    mem, g = (i.type for i in module.imports)
    assert (mem.minimum, mem.maximum) == (1, 4)
    assert (g.content, g.mutable) == ("i64", True)
    t, c = (e.type for e in module.exports)
    assert isinstance(t, wrt.TableType)
    assert (t.element, t.minimum, t.maximum) == ("externref", 3, None)
    assert isinstance(c, wrt.GlobalType) and (c.content, c.mutable) == ("f32", False)
    assert "GlobalType" in repr(c)


def test_values_of_every_type():
    _, inst = instantiate(
        """(module
             (func (export "i64") (param i64) (result i64) local.get 0)
             (func (export "f32") (param f32) (result f32) local.get 0)
             (func (export "f64") (param f64) (result f64) local.get 0)
             (func (export "two") (result i32 i64) i32.const 1 i64.const 2)
             (func (export "none")))"""
    )
    e = inst.exports
    assert e.i64(-(2**63)) == -(2**63)
    assert e.i64(2**64 - 1) == -1
    assert e.f32(1.5) == 1.5
    assert e.f64(2.25) == 2.25
    assert e.two() == (1, 2)
    assert e.none() is None
    with pytest.raises(TypeError):
        e.i64(1.5)
    with pytest.raises(TypeError):
        e.i64()
    with pytest.raises(OverflowError):
        e.i64(2**64)


def test_globals_tables_and_exports_mapping():
    store, inst = instantiate(
        """(module
             (global (export "g") (mut i32) (i32.const 7))
             (table (export "t") 2 funcref)
             (func (export "f") (result i32) i32.const 9))"""
    )
    g = inst.exports["g"]
    assert g.value == 7 and g.mutable and g.content == "i32"
    g.value = 8
    assert g.value == 8
    t = inst.exports["t"]
    assert t.size() == 2 and t.get(0) is None
    t.set(1, inst.exports.f)
    assert t.get(1)() == 9
    assert t.grow(1) == 2 and len(t) == 3
    assert sorted(inst.exports) == ["f", "g", "t"]
    assert "f" in inst.exports and "nope" not in inst.exports
    assert inst.exports.get("nope") is None
    with pytest.raises(wrt.NotFoundError) as info:
        inst.exports["nope"]
    assert isinstance(info.value, KeyError)
    assert info.value.code == wrt.ERROR_NOT_FOUND


# -- host functions ---------------------------------------------------------------------


def test_host_function_with_caller_memory():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    seen = []

    def log(caller, ptr, length):
        seen.append(caller.memory().read(ptr, length).decode())
        caller.memory().write(0, b"HI")
        return length * 2

    linker.define_func("env", "log", wrt.FuncType(["i32", "i32"], ["i32"]), log,
                       access_caller=True)
    store, inst = instantiate(
        """(module
             (import "env" "log" (func $log (param i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 16) "hello, host")
             (func (export "run") (result i32)
               (call $log (i32.const 16) (i32.const 11))))""",
        engine, linker=linker)
    assert inst.exports.run() == 22
    assert seen == ["hello, host"]
    assert inst.exports.memory.read(0, 2) == b"HI"


def test_host_function_from_a_plain_callable_and_instance_imports():
    engine = wrt.Engine()
    store = wrt.Store(engine)
    module = wrt.Module(
        engine,
        """(module (import "m" "twice" (func $t (param i64) (result i64)))
                   (func (export "run") (param i64) (result i64)
                     (call $t (local.get 0))))""")
    inst = wrt.Instance(store, module, [lambda x: x * 2])
    assert inst.exports.run(21) == 42


def test_host_exception_propagates_as_itself():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)

    class Boom(Exception):
        pass

    def fail():
        raise Boom("from the host")

    linker.define_func("env", "fail", ([], []), fail)
    store, inst = instantiate(
        """(module (import "env" "fail" (func $f))
                   (func (export "run") (call $f)))""", engine, linker=linker)
    with pytest.raises(Boom, match="from the host"):
        inst.exports.run()
    # The store stays usable.
    with pytest.raises(Boom):
        inst.exports.run()


def test_host_returning_the_wrong_type_fails_the_call():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    linker.define_func("env", "f", ([], ["i32"]), lambda: "not an int")
    _, inst = instantiate(
        """(module (import "env" "f" (func $f (result i32)))
                   (func (export "run") (result i32) (call $f)))""", engine, linker=linker)
    with pytest.raises(TypeError):
        inst.exports.run()


def test_reentrant_calls_from_a_host_function():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    store = wrt.Store(engine)
    holder = {}

    def outer(x):
        return holder["inner"](x) + 1

    linker.define_func("env", "outer", (["i32"], ["i32"]), outer)
    _, inst = instantiate(
        """(module (import "env" "outer" (func $o (param i32) (result i32)))
                   (func (export "inner") (param i32) (result i32)
                     (i32.mul (local.get 0) (i32.const 10)))
                   (func (export "run") (param i32) (result i32)
                     (call $o (local.get 0))))""", engine, store, linker)
    holder["inner"] = inst.exports.inner
    assert inst.exports.run(4) == 41


def test_caller_is_unusable_after_the_call():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    kept = []
    linker.define_func("env", "f", ([], []), lambda caller: kept.append(caller),
                       access_caller=True)
    _, inst = instantiate(
        """(module (import "env" "f" (func $f)) (memory (export "memory") 1)
                   (func (export "run") (call $f)))""", engine, linker=linker)
    inst.exports.run()
    assert not kept[0].valid
    with pytest.raises(wrt.HandleError):
        kept[0].memory()


def test_externref_round_trip():
    engine = wrt.Engine()
    _, inst = instantiate(
        """(module (func (export "id") (param externref) (result externref) local.get 0))""",
        engine)
    obj = {"any": "python object"}
    assert inst.exports.id(obj) is obj
    assert inst.exports.id(None) is None


# -- traps and errors -------------------------------------------------------------------


def test_traps_have_codes():
    _, inst = instantiate(
        """(module
             (func (export "unreachable") unreachable)
             (func (export "div") (param i32) (result i32)
               (i32.div_s (i32.const 1) (local.get 0))))""")
    with pytest.raises(wrt.Trap) as info:
        inst.exports.unreachable()
    assert info.value.code == wrt.ERROR_TRAP
    assert info.value.trap_code == wrt.TRAP_UNREACHABLE
    assert info.value.trap == "unreachable"
    assert isinstance(info.value, wrt.Error)
    with pytest.raises(wrt.Trap) as info:
        inst.exports.div(0)
    assert info.value.trap_code == wrt.TRAP_INTEGER_DIVIDE_BY_ZERO


def test_stack_exhaustion_is_a_trap():
    engine = wrt.Engine(wrt.Config(max_call_depth=100))
    _, inst = instantiate("""(module (func $f (export "f") (call $f)))""", engine)
    with pytest.raises(wrt.Trap) as info:
        inst.exports.f()
    assert info.value.trap == "call_stack_exhausted"


def test_compile_and_link_errors():
    engine = wrt.Engine()
    with pytest.raises(wrt.CompileError) as info:
        wrt.Module(engine, b"\0asm\x01\0\0\0\xff")
    assert info.value.code == wrt.ERROR_MALFORMED
    with pytest.raises(wrt.CompileError):
        wrt.Module(engine, "(module (func (result i32)))")
    with pytest.raises(wrt.CompileError):
        wrt.Module.validate(engine, "(module (func (result i32) i64.const 1))")
    wrt.Module.validate(engine, ADD)
    module = wrt.Module(engine, """(module (import "env" "missing" (func)))""")
    with pytest.raises(wrt.LinkError) as info:
        wrt.Linker(engine).instantiate(wrt.Store(engine), module)
    assert info.value.code == wrt.ERROR_LINK


def test_objects_of_another_store_are_refused():
    engine = wrt.Engine()
    _, inst_a = instantiate(ADD, engine)
    store_b = wrt.Store(engine)
    module = wrt.Module(engine, """(module (import "m" "add" (func (param i32 i32) (result i32))))""")
    with pytest.raises(ValueError):
        wrt.Instance(store_b, module, [inst_a.exports.add])


# -- fuel -------------------------------------------------------------------------------


def test_fuel_exhaustion_and_refuel():
    engine = wrt.Engine(wrt.Config(consume_fuel=True))
    store = wrt.Store(engine, fuel=1000)
    _, inst = instantiate(LOOP, engine, store)
    assert inst.exports.spin(10) == 10
    used = store.fuel_consumed()
    assert 0 < used < 1000
    assert store.get_fuel() == 1000 - used
    with pytest.raises(wrt.OutOfFuel) as info:
        inst.exports.spin(1_000_000)
    assert info.value.trap_code == wrt.TRAP_OUT_OF_FUEL
    assert isinstance(info.value, wrt.Trap)
    # Fuel is charged ahead for straight-line code: what is left cannot pay for the next step.
    assert store.get_fuel() < 100
    store.add_fuel(100_000)
    assert inst.exports.spin(100) == 100


def test_fuel_is_deterministic():
    def run():
        engine = wrt.Engine(wrt.Config(consume_fuel=True))
        store = wrt.Store(engine, fuel=1_000_000)
        _, inst = instantiate(LOOP, engine, store)
        inst.exports.spin(1234)
        return store.fuel_consumed()

    assert run() == run()


def test_fuel_needs_a_fuel_engine():
    store = wrt.Store(wrt.Engine())
    with pytest.raises(wrt.WasmTypeError):
        store.set_fuel(10)


def test_host_function_sees_remaining_fuel():
    engine = wrt.Engine(wrt.Config(consume_fuel=True))
    linker = wrt.Linker(engine)
    seen = []
    linker.define_func("env", "f", ([], []), lambda c: seen.append(c.get_fuel()),
                       access_caller=True)
    store = wrt.Store(engine, fuel=500)
    _, inst = instantiate("""(module (import "env" "f" (func $f))
                                     (func (export "run") (call $f)))""",
                          engine, store, linker)
    inst.exports.run()
    assert 0 < seen[0] < 500


def test_deterministic_mode_canonicalises_nan():
    src = """(module (func (export "nan") (param f32) (result i32)
               (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 0)))))"""
    engine = wrt.Engine(wrt.Config(deterministic=True))
    _, inst = instantiate(src, engine)
    assert inst.exports.nan(0.0) & 0xFFFFFFFF == 0x7FC00000


# -- memory budget and profile ----------------------------------------------------------


def test_memory_budget_limits_growth():
    engine = wrt.Engine(wrt.Config(memory_budget=1 << 20))
    store = wrt.Store(engine)
    _, inst = instantiate(GROW_WAT.read_text(), engine, store)
    assert inst.exports.grow(7) == 8
    # 16 more pages would exceed 1 MiB: memory.grow returns -1 inside wasm.
    assert inst.exports.grow(16) == -1
    profile = store.memory_profile()
    assert profile.budget == 1 << 20
    assert profile.memory_grows == 1
    assert profile.memory_grow_failures == 1
    assert profile.budget_refusals >= 1
    assert profile.categories["linear_memory"][0] == 8 * 65536
    assert profile.peak >= profile.current > 8 * 65536
    assert profile.to_dict()["categories"]["linear_memory"]["current"] == 8 * 65536
    # Growing from Python is refused the same way.
    with pytest.raises(wrt.LimitError) as info:
        inst.exports.memory.grow(16)
    assert info.value.code == wrt.ERROR_LIMIT


def test_memory_budget_refuses_instantiation():
    engine = wrt.Engine(wrt.Config(memory_budget=64 * 1024))
    with pytest.raises(wrt.LimitError):
        instantiate("(module (memory 2))", engine)


def test_host_charges_count_against_the_budget():
    engine = wrt.Engine(wrt.Config(memory_budget=100_000))
    store = wrt.Store(engine)
    store.charge_host(50_000)
    assert store.memory_profile().categories["host"] == (50_000, 50_000)
    with pytest.raises(wrt.LimitError):
        store.charge_host(60_000)
    store.release_host(50_000)
    store.charge_host(60_000)


def test_translation_settings_reach_the_engine():
    # Translated code is charged to a store when it is made: on the first call by default,
    # at instantiation when translated eagerly.
    def code_bytes(config):
        engine = wrt.Engine(config)
        store = wrt.Store(engine)
        _, inst = instantiate('(module (func (export "f") (result i32) i32.const 7))', engine, store)
        before = store.memory_profile().categories["code"][0]
        assert inst.exports.f() == 7
        return before, store.memory_profile().categories["code"][0]

    lazy_before, lazy_after = code_bytes(wrt.Config())
    assert lazy_after > lazy_before
    config = wrt.Config(lazy_translation=False, parallel_compilation=False, platform_optimizations=False)
    assert (config.lazy_translation, config.parallel_compilation) == (False, False)
    before, after = code_bytes(config)
    assert before == after > lazy_before
    config.lazy_translation = None
    assert code_bytes(config) == (lazy_before, lazy_after)


# -- memory -----------------------------------------------------------------------------


def test_memory_read_write_and_indexing():
    _, inst = instantiate("""(module (memory (export "memory") 1 3))""")
    mem = inst.exports.memory
    assert mem.size() == 1 and len(mem) == 65536
    mem.write(10, b"abc")
    mem.write(13, bytearray(b"d"))
    mem.write(14, memoryview(b"e"))
    assert mem.read(10, 5) == b"abcde"
    assert mem[10:13] == b"abc" and mem[10] == ord("a")
    mem[0:2] = b"xy"
    mem[-1] = 255
    assert mem[0:2] == b"xy" and mem[65535] == 255
    assert mem.read_str(10, 3) == "abc"
    with pytest.raises(wrt.Trap) as info:
        mem.read(65535, 2)
    assert info.value.trap == "memory_out_of_bounds"
    assert mem.grow(1) == 1 and mem.size() == 2
    with pytest.raises(wrt.LimitError):
        mem.grow(5)


def test_memory_view_is_zero_copy_and_blocks_execution():
    _, inst = instantiate(
        """(module (memory (export "memory") 1)
                   (func (export "peek") (result i32) (i32.load8_u (i32.const 5))))""")
    mem = inst.exports.memory
    with mem.view() as view:
        assert len(view) == 65536 and not view.readonly
        view[5] = 42
        # While a view is open, no wasm code runs and no memory grows.
        with pytest.raises(wrt.BusyError):
            inst.exports.peek()
        with pytest.raises(wrt.BusyError):
            mem.grow(1)
    assert inst.exports.peek() == 42
    mem.grow(1)
    with mem.view() as view:
        assert len(view) == 2 * 65536


def test_store_is_busy_while_another_thread_calls_it():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    entered = threading.Event()
    release = threading.Event()

    def block():
        entered.set()
        release.wait(10)

    linker.define_func("env", "block", ([], []), block)
    store, inst = instantiate("""(module (import "env" "block" (func $b))
                                         (memory (export "memory") 1)
                                         (func (export "run") (call $b)))""",
                              engine, linker=linker)
    mem = inst.exports.memory
    worker = threading.Thread(target=inst.exports.run)
    worker.start()
    assert entered.wait(10)
    try:
        # The other thread runs wasm code in the store (without the GIL): this thread can
        # neither open a view nor use the store.
        with pytest.raises(wrt.BusyError):
            mem.view()
        with pytest.raises(wrt.BusyError):
            mem.read(0, 1)
    finally:
        release.set()
        worker.join()
    assert mem.read(0, 1) == b"\0"


# -- WASI -------------------------------------------------------------------------------


def run_wasi(path, config):
    engine = wrt.Engine()
    store = wrt.Store(engine)
    linker = wrt.Linker(engine)
    linker.define_wasi()
    store.set_wasi(config)
    module = wrt.Module.from_file(engine, str(path))
    instance = linker.instantiate(store, module)
    status = 0
    try:
        instance.exports["_start"]()
    except wrt.ExitError as e:
        status = e.status
    return status, store.take_stdout().decode(), store.take_stderr().decode()


def test_wasi_output_args_and_env():
    config = wrt.WasiConfig(argv=["hello.wasm", "world"], env={"GREETING": "hi"},
                            stdout="capture", stderr="capture", exit_allowed=True)
    status, out, err = run_wasi(WASI_HELLO_RUST, config)
    assert status == 0
    assert out == "Hello from WASI!\nArg: hello.wasm\nArg: world\nEnv: GREETING=hi\n"
    assert err == "a line on stderr\n"


def test_wasi_exit_status_and_stdin():
    config = wrt.WasiConfig(argv=["hello", "exit", "7"], stdout="capture",
                            stderr="capture", exit_allowed=True)
    status, out, _ = run_wasi(WASI_HELLO_C, config)
    assert status == 7
    assert out.startswith("Hello from WASI!\nargc=3\n")
    config = wrt.WasiConfig(argv=["hello", "cat"], stdin=b"shout\n", stdout="capture",
                            stderr="capture")
    status, out, _ = run_wasi(WASI_HELLO_C, config)
    assert status == 0 and out.endswith("SHOUT\n")


def test_wasi_exit_refused_unless_allowed():
    config = wrt.WasiConfig(argv=["hello", "exit", "3"], stdout="capture", stderr="capture")
    with pytest.raises(wrt.HostError):
        run_wasi(WASI_HELLO_C, config)


def test_wasi_needs_a_configuration():
    engine = wrt.Engine()
    linker = wrt.Linker(engine)
    linker.define_wasi()
    module = wrt.Module.from_file(engine, str(WASI_HELLO_RUST))
    with pytest.raises(wrt.LinkError):
        linker.instantiate(wrt.Store(engine), module)


def test_wasi_config_methods_and_errors(tmp_path):
    config = wrt.WasiConfig()
    config.argv = ["p"]
    config.set_env("A", "1")
    config.inherit_env("PATH")
    config.preopen_dir(str(tmp_path), "/", read_only=True)
    config.capture_stdout()
    config.exit_allowed = True
    assert config.argv == ["p"] and config.exit_allowed
    store = wrt.Store()
    store.set_wasi(config)
    assert store.take_stdout() == b""
    with pytest.raises(wrt.InvalidArgumentError):
        store.take_stderr()
    bad = wrt.WasiConfig()
    with pytest.raises(wrt.InvalidArgumentError):
        bad.preopen_dir(str(tmp_path / "missing"))
        store.set_wasi(bad)


def test_version():
    assert wrt.__version__.count(".") == 2

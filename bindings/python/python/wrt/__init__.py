"""wrt: a bounded and deterministic WebAssembly runtime, from Python.

The classes wrap wrt's C API (``libwrt``), so Python sees the same behaviour and the same error
codes as C programs. In the style of wasmtime-py::

    import wrt

    engine = wrt.Engine(wrt.Config(consume_fuel=True, memory_budget=1 << 20))
    store = wrt.Store(engine, fuel=10_000)
    module = wrt.Module(engine, '(module (func (export "add") (param i32 i32) (result i32)'
                                '  local.get 0 local.get 1 i32.add))')
    instance = wrt.Linker(engine).instantiate(store, module)
    assert instance.exports["add"](2, 3) == 5

Every error is a :class:`wrt.Error`: :class:`Trap` (with :class:`OutOfFuel`),
:class:`CompileError`, :class:`LinkError`, :class:`LimitError`, :class:`ExitError`, ...
"""

from ._errors import (
    BusyError,
    CompileError,
    Error,
    ExitError,
    HandleError,
    HostError,
    InstantiationError,
    InternalError,
    InvalidArgumentError,
    LimitError,
    LinkError,
    NotFoundError,
    OutOfFuel,
    Trap,
    WasmTypeError,
)
from ._wrt import *  # noqa: F401,F403
from ._wrt import __version__  # noqa: F401
from . import _wrt

__all__ = [name for name in dir(_wrt) if not name.startswith("_")] + [
    "BusyError",
    "CompileError",
    "Error",
    "ExitError",
    "HandleError",
    "HostError",
    "InstantiationError",
    "InternalError",
    "InvalidArgumentError",
    "LimitError",
    "LinkError",
    "NotFoundError",
    "OutOfFuel",
    "Trap",
    "WasmTypeError",
]

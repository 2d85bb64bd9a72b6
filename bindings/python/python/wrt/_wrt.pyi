"""Type stubs of wrt._wrt, the Rust extension behind the `wrt` package."""

import os
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

__version__: str

ValTypeName = str  # "i32" | "i64" | "f32" | "f64" | "funcref" | "externref"
WasmValue = Union[int, float, "Func", Any, None]
Extern = Union["Func", "Memory", "Global", "Table"]
BytesLike = Union[bytes, bytearray, memoryview]

def wat2wasm(text: str) -> bytes:
    """Converts the WebAssembly text format to a binary module."""

class Config:
    """Settings for an engine; `None` keeps wrt's default."""

    # BEGIN GENERATED: engine settings
    max_call_depth: Optional[int]
    """The deepest nesting of wasm calls."""
    max_value_stack: Optional[int]
    """The largest value stack, in 64-bit slots."""
    memory_budget: Optional[int]
    """One budget in bytes for everything a store allocates (default: none)."""
    consume_fuel: bool
    """Whether wasm code consumes fuel; stores then start with none."""
    deterministic: bool
    """Whether NaN results are canonical, so floats are bit-identical on every host."""
    platform_optimizations: Optional[bool]
    """Whether platform speed-ups such as mmap-reserved memory are used (default: yes)."""
    lazy_translation: Optional[bool]
    """Whether functions are translated on their first call (default: yes) or at once."""
    parallel_compilation: Optional[bool]
    """Whether compiling a large module may use several threads (default: yes)."""
    max_instances: Optional[int]
    """How many instances one store may hold."""
    max_memories: Optional[int]
    """How many linear memories one store may hold."""
    max_tables: Optional[int]
    """How many tables one store may hold."""
    max_table_elements: Optional[int]
    """How many elements one table may hold."""
    def __init__(
        self,
        *,
        max_call_depth: Optional[int] = None,
        max_value_stack: Optional[int] = None,
        memory_budget: Optional[int] = None,
        consume_fuel: bool = False,
        deterministic: bool = False,
        platform_optimizations: Optional[bool] = None,
        lazy_translation: Optional[bool] = None,
        parallel_compilation: Optional[bool] = None,
        max_instances: Optional[int] = None,
        max_memories: Optional[int] = None,
        max_tables: Optional[int] = None,
        max_table_elements: Optional[int] = None,
    ) -> None: ...
    # END GENERATED: engine settings

class Engine:
    """Shared, immutable configuration for modules and stores. Thread-safe."""

    def __init__(self, config: Optional[Config] = None) -> None: ...
    @property
    def consume_fuel(self) -> bool: ...
    @property
    def memory_budget(self) -> Optional[int]: ...

class FuncType:
    """Parameter and result types of a function, as type names."""

    def __init__(
        self,
        params: Optional[Iterable[ValTypeName]] = None,
        results: Optional[Iterable[ValTypeName]] = None,
    ) -> None: ...
    @property
    def params(self) -> List[ValTypeName]: ...
    @property
    def results(self) -> List[ValTypeName]: ...

class GlobalType:
    content: ValTypeName
    mutable: bool

class MemoryType:
    """Sizes in 64 KiB pages."""

    minimum: int
    maximum: Optional[int]

class TableType:
    """Sizes in elements."""

    element: ValTypeName
    minimum: int
    maximum: Optional[int]

ExternTypeObj = Union[FuncType, GlobalType, MemoryType, TableType]

class ImportType:
    module: str
    name: str
    kind: str
    type: Optional[ExternTypeObj]

class ExportType:
    name: str
    kind: str
    type: Optional[ExternTypeObj]

class Module:
    """A compiled module: binary bytes, or text (str, or bytes not starting with \\0asm)."""

    def __init__(self, engine: Engine, wasm: Union[str, BytesLike]) -> None: ...
    @staticmethod
    def from_file(engine: Engine, path: Union[str, "os.PathLike[str]"]) -> "Module": ...
    @staticmethod
    def validate(engine: Engine, wasm: Union[str, BytesLike]) -> None: ...
    @property
    def imports(self) -> List[ImportType]: ...
    @property
    def exports(self) -> List[ExportType]: ...

class MemoryProfile:
    """A snapshot of a store's memory use, in exact bytes."""

    @property
    def budget(self) -> Optional[int]: ...
    @property
    def current(self) -> int: ...
    @property
    def peak(self) -> int: ...
    @property
    def memory_grows(self) -> int: ...
    @property
    def memory_grow_failures(self) -> int: ...
    @property
    def table_grows(self) -> int: ...
    @property
    def budget_refusals(self) -> int: ...
    @property
    def categories(self) -> Dict[str, Tuple[int, int]]: ...
    def to_dict(self) -> Dict[str, Any]: ...

class WasiConfig:
    """What a WASI guest may use; nothing is granted by default."""

    argv: List[str]
    exit_allowed: bool
    def __init__(
        self,
        *,
        argv: Optional[List[str]] = None,
        env: Optional[Dict[str, str]] = None,
        inherit_env: Optional[List[str]] = None,
        preopens: Optional[List[Union[Tuple[str, str], Tuple[str, str, bool]]]] = None,
        stdin: Union[BytesLike, str, None] = None,
        stdout: Optional[str] = None,
        stderr: Optional[str] = None,
        exit_allowed: bool = False,
    ) -> None: ...
    def set_env(self, name: str, value: str) -> None: ...
    def inherit_env(self, name: str) -> None: ...
    def preopen_dir(
        self, host_dir: str, guest_dir: Optional[str] = None, *, read_only: bool = False
    ) -> None: ...
    def stdin_bytes(self, data: BytesLike) -> None: ...
    def inherit_stdin(self) -> None: ...
    def inherit_stdout(self) -> None: ...
    def inherit_stderr(self) -> None: ...
    def capture_stdout(self) -> None: ...
    def capture_stderr(self) -> None: ...

class Store:
    """Runtime state of instances, with fuel and memory accounting."""

    def __init__(self, engine: Optional[Engine] = None, *, fuel: Optional[int] = None) -> None: ...
    @property
    def engine(self) -> Engine: ...
    def set_fuel(self, fuel: int) -> None: ...
    def add_fuel(self, fuel: int) -> None: ...
    def get_fuel(self) -> int: ...
    def fuel_consumed(self) -> int: ...
    def memory_profile(self) -> MemoryProfile: ...
    def charge_host(self, nbytes: int) -> None: ...
    def release_host(self, nbytes: int) -> None: ...
    def set_wasi(self, wasi: WasiConfig) -> None: ...
    def take_stdout(self) -> bytes: ...
    def take_stderr(self) -> bytes: ...

class Func:
    """A function of a store; call it with Python values."""

    def __call__(self, *args: WasmValue) -> Any: ...
    @property
    def type(self) -> FuncType: ...

class Memory:
    """A linear memory. Reads and writes copy; `view()` is zero-copy (see its docs)."""

    def size(self) -> int: ...
    def data_len(self) -> int: ...
    def __len__(self) -> int: ...
    def grow(self, delta: int) -> int: ...
    def read(self, offset: int, length: int) -> bytes: ...
    def write(self, offset: int, data: BytesLike) -> None: ...
    def read_str(self, offset: int, length: int) -> str: ...
    def __getitem__(self, key: Union[int, slice]) -> Union[int, bytes]: ...
    def __setitem__(self, key: Union[int, slice], value: Union[int, BytesLike]) -> None: ...
    def view(self) -> memoryview: ...

class MemoryBuffer: ...

class Global:
    value: WasmValue
    @property
    def content(self) -> ValTypeName: ...
    @property
    def mutable(self) -> bool: ...

class Table:
    def size(self) -> int: ...
    def __len__(self) -> int: ...
    @property
    def element(self) -> ValTypeName: ...
    def get(self, index: int) -> WasmValue: ...
    def set(self, index: int, value: WasmValue) -> None: ...
    def grow(self, delta: int, init: WasmValue = None) -> int: ...

class Exports:
    """The exports of an instance, by name (also as attributes)."""

    def __getitem__(self, name: str) -> Any: ...
    def __getattr__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...
    def keys(self) -> List[str]: ...
    def items(self) -> List[Tuple[str, Extern]]: ...
    def get(self, name: str, default: Any = None) -> Any: ...

class Instance:
    def __init__(
        self,
        store: Store,
        module: Module,
        imports: Optional[Sequence[Union[Callable[..., Any], Extern]]] = None,
    ) -> None: ...
    @property
    def exports(self) -> Exports: ...

class Caller:
    """The first argument of host functions defined with access_caller=True."""

    def memory(self) -> Memory: ...
    def get(self, name: str, default: Any = None) -> Any: ...
    def __getitem__(self, name: str) -> Extern: ...
    @property
    def store(self) -> Store: ...
    def get_fuel(self) -> int: ...
    @property
    def valid(self) -> bool: ...

class Linker:
    """Resolves imports by (module, name)."""

    def __init__(self, engine: Engine) -> None: ...
    allow_shadowing: bool
    def define_func(
        self,
        module: str,
        name: str,
        ty: Union[FuncType, Tuple[Sequence[ValTypeName], Sequence[ValTypeName]]],
        func: Callable[..., Any],
        *,
        access_caller: bool = False,
    ) -> None: ...
    def define_wasi(self) -> None: ...
    def define(self, store: Store, module: str, name: str, item: Extern) -> None: ...
    def define_instance(self, store: Store, module: str, instance: Instance) -> None: ...
    def instantiate(self, store: Store, module: Module) -> Instance: ...

# BEGIN GENERATED: codes
ERROR_NULL_ARGUMENT: int
ERROR_INVALID_ARGUMENT: int
ERROR_INTERNAL: int
ERROR_BUSY: int
ERROR_NOT_FOUND: int
ERROR_MALFORMED: int
ERROR_INVALID_MODULE: int
ERROR_UNSUPPORTED: int
ERROR_TRAP: int
ERROR_LINK: int
ERROR_INSTANTIATION: int
ERROR_HOST: int
ERROR_TYPE: int
ERROR_LIMIT: int
ERROR_HANDLE: int
ERROR_EXIT: int
ERROR_OTHER: int
TRAP_NONE: int
TRAP_UNREACHABLE: int
TRAP_MEMORY_OUT_OF_BOUNDS: int
TRAP_TABLE_OUT_OF_BOUNDS: int
TRAP_UNDEFINED_ELEMENT: int
TRAP_UNINITIALIZED_ELEMENT: int
TRAP_INDIRECT_CALL_TYPE_MISMATCH: int
TRAP_INTEGER_OVERFLOW: int
TRAP_INTEGER_DIVIDE_BY_ZERO: int
TRAP_INVALID_CONVERSION_TO_INTEGER: int
TRAP_CALL_STACK_EXHAUSTED: int
TRAP_NULL_REFERENCE: int
TRAP_OUT_OF_FUEL: int
TRAP_HOST_ERROR: int
TRAP_OTHER: int
# END GENERATED: codes

// The vocabulary every layer of wrt's embedding API shares, declared once: the settings of an
// engine and the error and trap codes. The C API, its header, the bindings' common layer, the
// Python and Node classes and their type stubs are all derived from these three lists.
//
// This file holds only macros, so that `build.rs` can `include!` it too: it writes the C
// constants and setters from the lists (cbindgen, which makes the header, does not expand
// macros, but reads what build.rs writes).
//
// Each list is a macro that calls back the macro it is given, with one entry per item:
// `wrt_config_settings!(c => m)`, `wrt_config_settings!(bindings => m)`,
// `wrt_error_codes!(m)` and `wrt_trap_codes!(m)`; the entry formats are documented on each.

/// The settings of `wrt_config_t`. Each entry names its C setter (the entry's doc comment is its
/// documentation) and the `wrt::Config` method it calls, whose name is also the setting's name
/// in the bindings. The bracket says how the bindings expose it (`[]`: C only): the type of the
/// field of their `Config` (`bool`, false by default, or an `Option`, `None` keeping the C
/// API's default), its default, whether a compiled module depends on it (`compile`) or only
/// stores (`run`), and a one-line documentation.
///
/// `wrt_config_settings!(c => m)` calls
/// `m! { $( $(#[doc = ".."])* fn c_setter($(arg: Type)?) => name; )* }` with every setting;
/// `wrt_config_settings!(bindings => m)` calls
/// `m! { $( c_setter => name: FieldType = default, compile|run, "doc"; )* }` with those of the
/// bindings.
#[macro_export]
macro_rules! wrt_config_settings {
    ($which:ident => $m:ident) => {
        $crate::wrt_config_settings! { @rows $which $m []
    /// Sets the deepest nesting of wasm calls; deeper calls trap with
    /// `WRT_TRAP_CALL_STACK_EXHAUSTED`. Values below 1 are raised to 1. Default: 16384.
    fn wrt_config_max_call_depth(depth: usize) => max_call_depth
        [Option<usize> = None, run, "The deepest nesting of wasm calls."];
    /// Sets the largest value stack, in 64-bit slots; a call that needs more traps with
    /// `WRT_TRAP_CALL_STACK_EXHAUSTED`. Values below 16 are raised to 16. Default: 1048576.
    fn wrt_config_max_value_stack(slots: usize) => max_value_stack
        [Option<usize> = None, run, "The largest value stack, in 64-bit slots."];
    /// Sets one memory budget, in bytes, for everything a store allocates: linear memories, tables,
    /// globals, stacks, translated code, runtime bookkeeping and host allocations reported with
    /// `wrt_context_charge_host`. Every allocation is checked before it happens: `memory.grow` in
    /// wasm returns -1, and other allocations fail with `WRT_ERROR_LIMIT`. Default: no budget.
    fn wrt_config_memory_budget(bytes: u64) => memory_budget
        [Option<u64> = None, run, "One budget in bytes for everything a store allocates (default: none)."];
    /// Removes the memory budget (the default).
    fn wrt_config_unlimited_memory() => unlimited_memory [];
    /// Whether wasm code consumes fuel. When enabled, stores start with zero fuel: give them some
    /// with `wrt_context_fuel_set` / `wrt_context_fuel_add`; running out traps with
    /// `WRT_TRAP_OUT_OF_FUEL` at the same instruction on every run. Default: false.
    fn wrt_config_consume_fuel(enable: bool) => consume_fuel
        [bool = false, compile, "Whether wasm code consumes fuel; stores then start with none."];
    /// Whether every NaN produced by a float instruction is canonicalised, so results are
    /// bit-identical on every host. Default: false.
    fn wrt_config_deterministic(enable: bool) => deterministic
        [bool = false, compile, "Whether NaN results are canonical, so floats are bit-identical on every host."];
    /// Whether to use platform-specific speed-ups where the library was built with them (feature
    /// `platform-optimizations`, on by default) and the platform has them. Today that is linear
    /// memory on 64-bit Unix: each memory reserves the address range it may grow to up front
    /// (mmap), so `memory.grow` never copies and the base address of the memory's bytes never
    /// moves. Disabled, or where that is unavailable, memories live in an ordinary heap buffer that
    /// is copied when it grows (and may move), so code must still follow the rules of
    /// `wrt_memory_data` about pointers after a grow. Results, traps, fuel and the memory budget and
    /// profile are the same either way. Default: true.
    fn wrt_config_platform_optimizations(enable: bool) => platform_optimizations
        [Option<bool> = None, run, "Whether platform speed-ups such as mmap-reserved memory are used (default: yes)."];
    /// Whether each function is translated on its first call (the default: true) rather than by
    /// `wrt_module_new`. `wrt_module_new` validates every function either way and rejects anything the
    /// engine cannot run; lazy translation makes it much faster on large modules, at the price of a
    /// one-time translation when a function is first called. Real-time embedders that want no
    /// first-call latency pass false. With a memory budget, an eagerly translated module's code is
    /// charged to a store at instantiation; a lazily translated function's code is charged to a store
    /// on its first call there (the call fails with `WRT_ERROR_LIMIT` if it does not fit). That call
    /// translates before it knows the size, so the code (kept by the module) is allocated before the
    /// budget is checked; pass false where every allocation must be checked first.
    fn wrt_config_lazy_translation(enable: bool) => lazy_translation
        [Option<bool> = None, compile, "Whether functions are translated on their first call (default: yes) or at once."];
    /// Whether `wrt_module_new` may check (and, translating eagerly, translate) function bodies on
    /// several threads when the machine has several cores and the module is large (the default:
    /// true). The result is the same either way, including which error a module with several bad
    /// bodies gets. Embedders that must not have the runtime start threads pass false.
    fn wrt_config_parallel_compilation(enable: bool) => parallel_compilation
        [Option<bool> = None, compile, "Whether compiling a large module may use several threads (default: yes)."];
    /// Sets how many instances one store may hold (more fail with `WRT_ERROR_LIMIT`). Default: 10000.
    fn wrt_config_max_instances(count: usize) => max_instances
        [Option<usize> = None, run, "How many instances one store may hold."];
    /// Sets how many linear memories one store may hold. Default: 10000.
    fn wrt_config_max_memories(count: usize) => max_memories
        [Option<usize> = None, run, "How many linear memories one store may hold."];
    /// Sets how many tables one store may hold. Default: 10000.
    fn wrt_config_max_tables(count: usize) => max_tables
        [Option<usize> = None, run, "How many tables one store may hold."];
    /// Sets how many elements one table may hold. Default: 10000000.
    fn wrt_config_max_table_elements(count: u64) => max_table_elements
        [Option<u64> = None, run, "How many elements one table may hold."];
        }
    };

    // Every setting, for C.
    (@rows c $m:ident [$($done:tt)*]) => { $m! { $($done)* } };
    (@rows c $m:ident [$($done:tt)*]
        $(#[doc = $doc:literal])* fn $cfn:ident($($arg:ident: $ty:ty)?) => $name:ident
            [$($b:tt)*];
        $($rest:tt)*
    ) => {
        $crate::wrt_config_settings! { @rows c $m
            [$($done)* $(#[doc = $doc])* fn $cfn($($arg: $ty)?) => $name;] $($rest)* }
    };
    // The settings the bindings have.
    (@rows bindings $m:ident [$($done:tt)*]) => { $m! { $($done)* } };
    (@rows bindings $m:ident [$($done:tt)*]
        $(#[doc = $doc:literal])* fn $cfn:ident($($arg:ident: $ty:ty)?) => $name:ident [];
        $($rest:tt)*
    ) => {
        $crate::wrt_config_settings! { @rows bindings $m [$($done)*] $($rest)* }
    };
    (@rows bindings $m:ident [$($done:tt)*]
        $(#[doc = $doc:literal])* fn $cfn:ident($($arg:ident: $ty:ty)?) => $name:ident
            [$field:ty = $default:tt, $when:ident, $summary:literal];
        $($rest:tt)*
    ) => {
        $crate::wrt_config_settings! { @rows bindings $m
            [$($done)* $cfn => $name: $field = $default, $when, $summary;] $($rest)* }
    };
}

/// The error codes, with their documentation, the name of the bindings' error kind, and the kind
/// of `wrt::Error` each stands for, if any. The bindings name a code without its `WRT_` prefix.
///
/// `wrt_error_codes!(m)` calls
/// `m! { $( $(#[doc = ".."])* WRT_ERROR_NAME = number, Kind $(, core Kind)?; )* }`.
#[macro_export]
macro_rules! wrt_error_codes {
    ($m:ident) => {
        $m! {
        /// A required pointer argument was NULL.
        WRT_ERROR_NULL_ARGUMENT = 1, NullArgument;
        /// An argument was not NULL but unusable: a string that is not UTF-8, an unknown value kind, a
        /// handle of the wrong kind, a length that does not fit.
        WRT_ERROR_INVALID_ARGUMENT = 2, InvalidArgument;
        /// An internal error (a bug in wrt): an invariant the runtime found broken, or a panic caught at
        /// the API boundary. After a panic the object it happened in (store or caller context) is
        /// poisoned: later calls on it fail with this code.
        WRT_ERROR_INTERNAL = 3, Internal, core Internal;
        /// The store (or caller context) is already in use: by a call that is running (use the
        /// `wrt_caller_t` context inside host functions instead), or from another thread.
        WRT_ERROR_BUSY = 4, Busy;
        /// An export or definition of that name does not exist.
        WRT_ERROR_NOT_FOUND = 5, NotFound;
        /// The bytes are not a well-formed WebAssembly binary (or text, for `wrt_wat2wasm`).
        WRT_ERROR_MALFORMED = 10, Malformed, core Malformed;
        /// The module is well formed but fails validation.
        WRT_ERROR_INVALID_MODULE = 11, InvalidModule, core Invalid;
        /// The module uses a feature this build does not implement.
        WRT_ERROR_UNSUPPORTED = 12, Unsupported, core Unsupported;
        /// WebAssembly execution trapped; `wrt_error_trap_code` says why.
        WRT_ERROR_TRAP = 13, Trap, core Trap;
        /// An import could not be resolved, was of the wrong type, or a name was defined twice.
        WRT_ERROR_LINK = 14, Link, core Link;
        /// Instantiation failed for a reason other than a trap.
        WRT_ERROR_INSTANTIATION = 15, Instantiation, core Instantiation;
        /// A host function returned an error (see `wrt_error_new`).
        WRT_ERROR_HOST = 16, Host, core Host;
        /// A value of the wrong type or count was passed (arguments, results, global or table values,
        /// writing an immutable global).
        WRT_ERROR_TYPE = 17, Type, core Type;
        /// A configured or structural limit was exceeded (for example a memory that cannot grow).
        WRT_ERROR_LIMIT = 18, Limit, core Limit;
        /// A handle was used with a store it does not belong to, or is otherwise unknown.
        WRT_ERROR_HANDLE = 19, Handle, core Handle;
        /// The guest asked to exit (WASI `proc_exit`); `wrt_error_exit_status` gives the status.
        WRT_ERROR_EXIT = 20, Exit, core Exit;
        /// An error this version of the header has no code for.
        WRT_ERROR_OTHER = 99, Other;
            }
    };
}

/// The trap codes, with their documentation and the `wrt::TrapCode` each stands for, if any.
/// The bindings name a code without its `WRT_` prefix, and a trap by the rest of the name in
/// lower case ("out_of_fuel").
///
/// `wrt_trap_codes!(m)` calls `m! { $( $(#[doc = ".."])* WRT_TRAP_NAME = number $(, core Code)?; )* }`.
#[macro_export]
macro_rules! wrt_trap_codes {
    ($m:ident) => {
        $m! {
        /// The error is not a trap.
        WRT_TRAP_NONE = 0;
        /// `unreachable` was executed.
        WRT_TRAP_UNREACHABLE = 1, core Unreachable;
        /// A memory access was out of bounds (also reported by `wrt_memory_read`/`wrt_memory_write`).
        WRT_TRAP_MEMORY_OUT_OF_BOUNDS = 2, core MemoryOutOfBounds;
        /// A table access was out of bounds (also reported by `wrt_table_get`/`wrt_table_set`).
        WRT_TRAP_TABLE_OUT_OF_BOUNDS = 3, core TableOutOfBounds;
        /// `call_indirect` used an index past the end of the table.
        WRT_TRAP_UNDEFINED_ELEMENT = 4, core UndefinedElement;
        /// `call_indirect` found a null reference.
        WRT_TRAP_UNINITIALIZED_ELEMENT = 5, core UninitializedElement;
        /// `call_indirect` found a function of another type.
        WRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH = 6, core IndirectCallTypeMismatch;
        /// Signed division overflow.
        WRT_TRAP_INTEGER_OVERFLOW = 7, core IntegerOverflow;
        /// Integer division or remainder by zero.
        WRT_TRAP_INTEGER_DIVIDE_BY_ZERO = 8, core IntegerDivideByZero;
        /// Float-to-integer conversion of NaN or of an out-of-range value.
        WRT_TRAP_INVALID_CONVERSION_TO_INTEGER = 9, core InvalidConversionToInteger;
        /// The call-depth or value-stack limit of the configuration was reached.
        WRT_TRAP_CALL_STACK_EXHAUSTED = 10, core CallStackExhausted;
        /// A null reference was dereferenced.
        WRT_TRAP_NULL_REFERENCE = 11, core NullReference;
        /// The store ran out of fuel.
        WRT_TRAP_OUT_OF_FUEL = 12, core OutOfFuel;
        /// A host function reported a failure as a trap.
        WRT_TRAP_HOST_ERROR = 13, core HostError;
        /// A trap this version of the header has no code for.
        WRT_TRAP_OTHER = 99;
            }
    };
}

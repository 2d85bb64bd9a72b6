//! A safe Rust layer over wrt's C API (the `wrt-capi` crate, `include/wrt.h`), shared by the
//! Python (`bindings/python`) and Node (`bindings/node`) bindings.
//!
//! Every operation calls the C API's `extern "C"` functions, so the bindings behave like C
//! programs using `libwrt`: the same checks, the same error codes (`WRT_ERROR_*`) and trap codes
//! (`WRT_TRAP_*`). This crate owns the C objects (releasing each once), converts values and
//! errors, runs host functions written in Rust closures through one C callback, and tracks
//! which context (store or caller) each thread must use.
//!
//! It adds one rule of its own, for the bindings' zero-copy memory views: while a view of a
//! store's memory is open, no wasm code runs in that store and no memory of it grows (see
//! [`Store::view_begin`]).

mod engine;
mod error;
mod linker;
mod module_info;
mod store;
mod val;
mod wasi;

pub use engine::{is_binary, wat2wasm, Config, Engine, Module};
pub use error::{trap_name, version, Error, ErrorKind, Result};
pub use linker::{Caller, HostFn, Linker};
pub use module_info::{ExportType, ExternType, FuncType, ImportType, ModuleInfo};
pub use store::{MemoryProfile, Store};
pub use val::{Extern, ExternKind, ExternRef, Func, Global, Instance, Memory, Table, Val, ValKind};
pub use wasi::{Preopen, WasiConfig, WasiInput, WasiOutput};

/// The C API's constants, for bindings that expose them.
pub mod consts {
    pub use wrt::{
        WRT_ERROR_BUSY, WRT_ERROR_EXIT, WRT_ERROR_HANDLE, WRT_ERROR_HOST, WRT_ERROR_INSTANTIATION,
        WRT_ERROR_INTERNAL, WRT_ERROR_INVALID_ARGUMENT, WRT_ERROR_INVALID_MODULE, WRT_ERROR_LIMIT,
        WRT_ERROR_LINK, WRT_ERROR_MALFORMED, WRT_ERROR_NOT_FOUND, WRT_ERROR_NULL_ARGUMENT,
        WRT_ERROR_OTHER, WRT_ERROR_TRAP, WRT_ERROR_TYPE, WRT_ERROR_UNSUPPORTED,
        WRT_TRAP_CALL_STACK_EXHAUSTED, WRT_TRAP_HOST_ERROR, WRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
        WRT_TRAP_INTEGER_DIVIDE_BY_ZERO, WRT_TRAP_INTEGER_OVERFLOW,
        WRT_TRAP_INVALID_CONVERSION_TO_INTEGER, WRT_TRAP_MEMORY_OUT_OF_BOUNDS, WRT_TRAP_NONE,
        WRT_TRAP_NULL_REFERENCE, WRT_TRAP_OTHER, WRT_TRAP_OUT_OF_FUEL,
        WRT_TRAP_TABLE_OUT_OF_BOUNDS, WRT_TRAP_UNDEFINED_ELEMENT, WRT_TRAP_UNINITIALIZED_ELEMENT,
        WRT_TRAP_UNREACHABLE,
    };
}

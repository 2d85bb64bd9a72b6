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

mod config;
mod engine;
mod error;
mod linker;
mod module_info;
mod owned;
mod store;
mod val;
mod wasi;

pub use config::{Config, Scalar, Setting, SettingInput, SettingKind, SettingValue};
pub use engine::{is_binary, wat2wasm, Engine, Module};
pub use error::{trap_name, version, Error, ErrorKind, Result, TRAP_CODES};
pub use linker::{Caller, HostFn, Linker};
pub use module_info::{ExportType, ExternType, FuncType, ImportType, ModuleInfo};
pub use store::{MemoryProfile, Store};
pub use val::{Extern, ExternKind, ExternRef, Func, Global, Instance, Memory, Table, Val, ValKind};
pub use wasi::{Preopen, WasiConfig, WasiInput, WasiOutput};
/// The list of engine settings, for bindings that declare a class per setting (see `Config`).
pub use wrt::wrt_config_settings;

/// The C API's error and trap codes (`WRT_ERROR_*`, `WRT_TRAP_*`), for bindings that expose them.
pub mod consts {
    macro_rules! error_codes {
        ($(
            $(#[doc = $doc:literal])* $name:ident = $code:literal, $kind:ident
                $(, core $core:ident)?;
        )*) => {
            pub use wrt::{$($name),*};
        };
    }
    macro_rules! trap_codes {
        ($( $(#[doc = $doc:literal])* $name:ident = $code:literal $(, core $core:ident)?; )*) => {
            pub use wrt::{$($name),*};
        };
    }
    wrt::wrt_error_codes!(error_codes);
    wrt::wrt_trap_codes!(trap_codes);
}

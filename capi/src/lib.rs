//! The C API of wrt: `libwrt.a`, `libwrt.so` and `include/wrt.h`.
//!
//! Every function is `extern "C"`, prefixed `wrt_`, and documented in the header that cbindgen
//! generates from this crate (see `build.rs`). The rules every function follows (ownership,
//! NULL handling, errors, threads) are in the header's preamble, `cbindgen.toml`.
//!
//! The engine settings (`wrt_config_*`) and the error and trap codes (`WRT_ERROR_*`,
//! `WRT_TRAP_*`) are declared once, in `vocabulary.rs`: `build.rs` writes the C setters and
//! constants from those lists, and the bindings (`bindings/`) derive their settings, codes and
//! type stubs from the same lists.
//!
//! Rust users should use the `wrt` crate (`core/`) directly; this crate's `rlib` exists so the
//! tests can link it.
#![allow(non_camel_case_types)]
// The pointer rules of every function are stated once, in the header's preamble.
#![allow(clippy::missing_safety_doc)]

// Every entry point turns a panic into an error object with `catch_unwind`, which needs
// unwinding: with `panic = "abort"` a bug would abort the embedding program instead.
#[cfg(panic = "abort")]
compile_error!("the wrt C API must be built with panic = \"unwind\"");

// The settings and codes every layer shares (macros only, for the modules below and build.rs).
mod vocabulary;

// cbindgen lists the functions in this order.
mod error;

mod config;

mod module;

mod module_types;

mod store;

mod linker;

mod objects;

mod resources;

mod val;

#[cfg(feature = "wasi")]
mod wasi;

pub use config::*;
pub use error::*;
pub use linker::*;
pub use module::*;
pub use module_types::{wrt_extern_type_t, wrt_module_exports, wrt_module_imports};
pub use objects::*;
pub use resources::*;
pub use store::{
    wrt_caller_context, wrt_caller_t, wrt_context_t, wrt_context_user_data, wrt_finalizer_t,
    wrt_store_context, wrt_store_delete, wrt_store_new, wrt_store_t,
};
pub use val::{
    wrt_extern_kind_t, wrt_extern_t, wrt_extern_union_t, wrt_externref_t, wrt_func_t, wrt_global_t,
    wrt_instance_t, wrt_memory_t, wrt_table_t, wrt_val_t, wrt_valkind_t, wrt_valunion_t,
    WRT_EXTERN_FUNC, WRT_EXTERN_GLOBAL, WRT_EXTERN_MEMORY, WRT_EXTERN_TABLE, WRT_VAL_EXTERNREF,
    WRT_VAL_F32, WRT_VAL_F64, WRT_VAL_FUNCREF, WRT_VAL_I32, WRT_VAL_I64,
};
#[cfg(feature = "wasi")]
pub use wasi::*;

/// The version of the library, as a static NUL-terminated string ("MAJOR.MINOR.PATCH"). Compare
/// it with `WRT_VERSION` (from the header) to check that the header and the library match.
#[no_mangle]
pub extern "C" fn wrt_version() -> *const std::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

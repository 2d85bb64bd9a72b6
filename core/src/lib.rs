//! wrt: an embeddable, bounded and deterministic WebAssembly runtime.
//!
//! The crate decodes and validates modules with `wasmparser`, translates each function once into
//! a compact slot-based IR (on its first call by default, see [`Config::lazy_translation`]), and
//! runs it in an interpreter whose wasm calls live on an explicit frame stack. It is `#![no_std]` with `alloc`; the `std` feature adds conveniences only.
//!
//! ```
//! # #[cfg(feature = "wat")] {
//! use wrt::{Engine, Linker, Module, Store, Val};
//! let engine = Engine::default();
//! let module = Module::from_wat(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let add = instance.get_func(&store, "add").unwrap();
//! let mut out = [Val::I32(0)];
//! add.call(&mut store, &[Val::I32(2), Val::I32(3)], &mut out).unwrap();
//! assert_eq!(out[0], Val::I32(5));
//! # }
//! ```
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "component-model")]
compile_error!(
    "wrt does not implement the WebAssembly component model yet: it runs core modules. \
     Build without the `component-model` feature (`wrtd --component` says the same at run time)."
);

mod config;
mod engine;
mod error;
mod module;
mod platform;
mod resources;
mod runtime;
mod types;
mod value;

/// The bounded arena allocator of bare-metal builds (the `wrt-arena` crate), for a program's
/// `#[global_allocator]`: `static HEAP: wrt::arena::Arena<{ 96 * 1024 }> = wrt::arena::Arena::new();`
#[cfg(feature = "runtime-nostd")]
pub use wrt_arena as arena;

pub use config::{Config, Engine};
pub use error::{Error, ErrorKind, HostError, Proposal, Result, Trap, TrapCode};
#[cfg(feature = "wat")]
pub use module::wat2wasm;
pub use module::Module;
pub use resources::{MemoryCategory, MemoryProfile, Usage};
pub use runtime::{
    AsContext, AsContextMut, Caller, Extern, ExternRef, Func, Global, Instance, IntoFunc, Linker,
    Memory, Store, StoreMut, StoreRef, Table, WasmResults, WasmTy, WithCaller,
};
pub use types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, MemoryType, Mutability, RefType,
    TableType, ValType,
};
pub use value::Val;

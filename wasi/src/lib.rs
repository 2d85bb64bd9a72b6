//! WASI preview 1 (`wasi_snapshot_preview1`): all 46 functions, capability-based.
//!
//! A guest gets exactly what the embedder grants in [`WasiCapabilities`]: preopened directories
//! (optionally read-only, optionally under another name), environment variables, arguments, and
//! permission to exit. Everything else does not exist for it.
//!
//! ```no_run
//! # #[cfg(feature = "std")]
//! # fn main() -> Result<(), wrt::Error> {
//! use wrt_wasi::{WasiCapabilities, WasiCtx};
//! use wrt::{Engine, Linker, Module, Store};
//!
//! let mut capabilities = WasiCapabilities::default();
//! capabilities.filesystem.add_allowed_path("/safe/directory");
//! capabilities.environment.add_allowed_var("HOME");
//! capabilities.environment.args_access = true;
//! capabilities.environment.environ_access = true;
//! capabilities.process.exit_allowed = true;
//!
//! let ctx = WasiCtx::builder()
//!     .capabilities(capabilities)
//!     .args(["app.wasm", "input.txt"])
//!     .inherit_stdio()
//!     .build()?;
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, &std::fs::read("app.wasm").unwrap_or_default())?;
//! let mut linker = Linker::new(&engine);
//! wrt_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
//! let mut store = Store::new(&engine, ctx);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_func(&store, "_start").ok_or_else(|| wrt::Error::host("no _start"))?;
//! match start.call(&mut store, &[], &mut []) {
//!     Ok(()) => {}
//!     Err(e) => match e.exit_status() {
//!         Some(code) => std::process::exit(code),
//!         None => return Err(e),
//!     },
//! }
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "std"))]
//! # fn main() {}
//! ```
//!
//! Without `std` the same API works with a platform the embedder supplies ([`WasiPlatform`] for
//! clocks and entropy, [`WasiStream`] for standard output); filesystem functions then answer
//! `ENOTCAPABLE`. With `std` on Unix, files are reached through cap-std, which resolves every
//! path beneath its preopened directory (see `backend/capstd.rs` for how escapes are prevented).
//!
//! Layout: `preview1/` holds the functions, one file per area (args/env, clocks, fd, path, poll,
//! proc, random, sock) and the one typed list they are registered from; `backend/` holds the
//! interface to host files and sockets with its two implementations (cap-std, and none); the
//! capability checks, descriptor table and guest memory access are shared by both.
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod backend;
mod capabilities;
mod ctx;
mod memory;
mod platform;
mod preview1;
#[cfg(feature = "std")]
mod std_platform;
mod trace;
pub mod types;

#[cfg(test)]
mod tests;

pub use capabilities::{
    EnvVar, EnvironmentCapabilities, FilesystemCapabilities, PreopenDir, ProcessCapabilities,
    WasiCapabilities,
};
pub use ctx::{WasiCtx, WasiCtxBuilder, DEFAULT_MAX_OPEN_FDS};
pub use memory::{GuestMemory, IoVec};
#[cfg(feature = "std")]
pub use platform::MemoryOutput;
pub use platform::{BytesInput, CallbackOutput, NoPlatform, NullStream, WasiPlatform, WasiStream};
pub use preview1::{add_to_linker, function_names, MODULE};
#[cfg(feature = "std")]
pub use std_platform::{StdPlatform, Stderr, Stdin, Stdout};
pub use types::{ClockId, Errno, Filetype, WasiResult};

//! Configurations, engines and modules.

use std::sync::Arc;

use wrt::{wrt_config_t, wrt_engine_t, wrt_module_t};

use crate::config::Config;
use crate::error::{check, Error, ErrorKind, Result};
use crate::module_info::ModuleInfo;
use crate::owned::{bytes_from, Owned};

/// `config` as a `wrt_config_t` of the C API, for the time it takes to create an engine.
fn to_raw(config: &Config) -> Result<Owned<wrt_config_t>> {
    // SAFETY: the constructor of configurations.
    let raw = unsafe { Owned::new(|out| wrt::wrt_config_new(out)) }?;
    // SAFETY: the configuration was just created, and only this thread uses it.
    unsafe { config.apply(raw.as_ptr()) }?;
    Ok(raw)
}

struct EngineInner {
    raw: Owned<wrt_engine_t>,
    config: Config,
}

// SAFETY: the C API makes engines immutable and thread-safe ("share them freely").
unsafe impl Send for EngineInner {}
// SAFETY: as above.
unsafe impl Sync for EngineInner {}

/// An engine (`wrt_engine_t`). Cheap to clone; thread-safe.
#[derive(Clone)]
pub struct Engine(Arc<EngineInner>);

impl Engine {
    /// Creates an engine with `config`.
    pub fn new(config: &Config) -> Result<Engine> {
        let raw_config = to_raw(config)?;
        // SAFETY: the constructor of engines; the configuration is live (borrowed, copied by
        // the call). Modules, stores and linkers keep what they need of the engine.
        let raw = unsafe { Owned::new(|out| wrt::wrt_engine_new(raw_config.as_ptr(), out)) }?;
        Ok(Engine(Arc::new(EngineInner {
            raw,
            config: config.clone(),
        })))
    }

    /// The settings the engine was created with.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub(crate) fn raw(&self) -> *const wrt_engine_t {
        self.0.raw.as_ptr()
    }

    /// Whether two handles name the same engine.
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Converts the WebAssembly text format to a binary module (`wrt_wat2wasm`).
pub fn wat2wasm(text: &str) -> Result<Vec<u8>> {
    // SAFETY: `wrt_wat2wasm` hands out bytes; `text` is readable for its length during the call.
    unsafe { bytes_from(|out| wrt::wrt_wat2wasm(text.as_ptr(), text.len(), out)) }
}

/// Whether `bytes` are a binary module (they start with `\0asm`) rather than text.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}

struct ModuleInner {
    raw: Owned<wrt_module_t>,
    engine: Engine,
    info: ModuleInfo,
}

// SAFETY: the C API makes modules immutable and thread-safe.
unsafe impl Send for ModuleInner {}
// SAFETY: as above.
unsafe impl Sync for ModuleInner {}

/// A compiled module (`wrt_module_t`). Cheap to clone; thread-safe.
#[derive(Clone)]
pub struct Module(Arc<ModuleInner>);

impl Module {
    /// Compiles a module: binary bytes, or text (anything not starting with `\0asm`).
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let text;
        let binary = if is_binary(bytes) {
            bytes
        } else {
            let source = std::str::from_utf8(bytes).map_err(|_| {
                Error::new(
                    ErrorKind::Malformed,
                    "not a WebAssembly module: the bytes neither start with \\0asm nor are UTF-8 text",
                )
            })?;
            text = wat2wasm(source)?;
            &text
        };
        // SAFETY: the constructor of modules; `engine` is live and `binary` readable for its
        // length during the call. Instances keep what they need of the module.
        let raw = unsafe {
            Owned::new(|out| wrt::wrt_module_new(engine.raw(), binary.as_ptr(), binary.len(), out))
        }?;
        // SAFETY: `raw` is the live module just created (released if this fails).
        let info = unsafe { ModuleInfo::read(raw.as_ptr()) }?;
        let inner = ModuleInner {
            raw,
            engine: engine.clone(),
            info,
        };
        Ok(Module(Arc::new(inner)))
    }

    /// Checks that `bytes` (binary or text) are a valid module, keeping nothing.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result {
        let text;
        let binary = if is_binary(bytes) {
            bytes
        } else {
            let source = std::str::from_utf8(bytes)
                .map_err(|_| Error::new(ErrorKind::Malformed, "not a WebAssembly module"))?;
            text = wat2wasm(source)?;
            &text
        };
        // SAFETY: `engine` is live; `binary` is readable for its length during the call.
        unsafe {
            check(wrt::wrt_module_validate(
                engine.raw(),
                binary.as_ptr(),
                binary.len(),
            ))
        }
    }

    /// The engine the module was compiled with.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    /// The module's imports and exports.
    pub fn info(&self) -> &ModuleInfo {
        &self.0.info
    }

    pub(crate) fn raw(&self) -> *const wrt_module_t {
        self.0.raw.as_ptr()
    }
}

//! Configurations, engines and modules.

use std::ptr::{self, NonNull};
use std::sync::Arc;

use wrt::{wrt_bytes_t, wrt_config_t, wrt_engine_t, wrt_module_t};

use crate::error::{check, Error, ErrorKind, Result};
use crate::module_info::ModuleInfo;

/// The settings of an engine. Plain data: `Engine::new` hands them to the C API
/// (`wrt_config_*`); `None` keeps the C API's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `wrt_config_consume_fuel`.
    pub consume_fuel: bool,
    /// `wrt_config_deterministic`.
    pub deterministic: bool,
    /// `wrt_config_memory_budget` (None: no budget).
    pub memory_budget: Option<u64>,
    /// `wrt_config_max_call_depth`.
    pub max_call_depth: Option<usize>,
    /// `wrt_config_max_value_stack`.
    pub max_value_stack: Option<usize>,
    /// `wrt_config_max_instances`.
    pub max_instances: Option<usize>,
    /// `wrt_config_max_memories`.
    pub max_memories: Option<usize>,
    /// `wrt_config_max_tables`.
    pub max_tables: Option<usize>,
    /// `wrt_config_max_table_elements`.
    pub max_table_elements: Option<u64>,
    /// `wrt_config_lazy_translation` (None: lazy, the default).
    pub lazy_translation: Option<bool>,
    /// `wrt_config_platform_optimizations` (None: on, the default).
    pub platform_optimizations: Option<bool>,
    /// `wrt_config_parallel_compilation` (None: on, the default).
    pub parallel_compilation: Option<bool>,
}

/// Owns a `wrt_config_t` for the time it takes to create an engine.
struct RawConfig(*mut wrt_config_t);

impl Drop for RawConfig {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `wrt_config_new` and is released once, here.
        unsafe { wrt::wrt_config_delete(self.0) };
    }
}

impl Config {
    fn to_raw(&self) -> Result<RawConfig> {
        let mut raw = ptr::null_mut();
        // SAFETY: `raw` is a valid out-pointer.
        unsafe { check(wrt::wrt_config_new(&mut raw)) }?;
        let raw = RawConfig(raw);
        let c = raw.0;
        // SAFETY: every call below gets `c`, the live configuration created above, which only
        // this thread uses.
        unsafe {
            check(wrt::wrt_config_consume_fuel(c, self.consume_fuel))?;
            check(wrt::wrt_config_deterministic(c, self.deterministic))?;
            if let Some(bytes) = self.memory_budget {
                check(wrt::wrt_config_memory_budget(c, bytes))?;
            }
            if let Some(n) = self.max_call_depth {
                check(wrt::wrt_config_max_call_depth(c, n))?;
            }
            if let Some(n) = self.max_value_stack {
                check(wrt::wrt_config_max_value_stack(c, n))?;
            }
            if let Some(n) = self.max_instances {
                check(wrt::wrt_config_max_instances(c, n))?;
            }
            if let Some(n) = self.max_memories {
                check(wrt::wrt_config_max_memories(c, n))?;
            }
            if let Some(n) = self.max_tables {
                check(wrt::wrt_config_max_tables(c, n))?;
            }
            if let Some(n) = self.max_table_elements {
                check(wrt::wrt_config_max_table_elements(c, n))?;
            }
            if let Some(on) = self.lazy_translation {
                check(wrt::wrt_config_lazy_translation(c, on))?;
            }
            if let Some(on) = self.platform_optimizations {
                check(wrt::wrt_config_platform_optimizations(c, on))?;
            }
            if let Some(on) = self.parallel_compilation {
                check(wrt::wrt_config_parallel_compilation(c, on))?;
            }
        }
        Ok(raw)
    }
}

struct EngineInner {
    raw: NonNull<wrt_engine_t>,
    config: Config,
}

// SAFETY: the C API makes engines immutable and thread-safe ("share them freely").
unsafe impl Send for EngineInner {}
// SAFETY: as above.
unsafe impl Sync for EngineInner {}

impl Drop for EngineInner {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `wrt_engine_new` and is released once, here; modules,
        // stores and linkers keep what they need of it.
        unsafe { wrt::wrt_engine_delete(self.raw.as_ptr()) };
    }
}

/// An engine (`wrt_engine_t`). Cheap to clone; thread-safe.
#[derive(Clone)]
pub struct Engine(Arc<EngineInner>);

impl Engine {
    /// Creates an engine with `config`.
    pub fn new(config: &Config) -> Result<Engine> {
        let raw_config = config.to_raw()?;
        let mut raw = ptr::null_mut();
        // SAFETY: the configuration is live (borrowed, copied by the call) and `raw` is a
        // valid out-pointer.
        unsafe { check(wrt::wrt_engine_new(raw_config.0, &mut raw)) }?;
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::new(ErrorKind::Internal, "wrt_engine_new returned NULL"))?;
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
    let mut out = wrt_bytes_t {
        data: ptr::null_mut(),
        len: 0,
    };
    // SAFETY: `text` is readable for its length during the call; `out` is a valid out-pointer.
    unsafe { check(wrt::wrt_wat2wasm(text.as_ptr(), text.len(), &mut out)) }?;
    let bytes = if out.data.is_null() || out.len == 0 {
        Vec::new()
    } else {
        // SAFETY: on success `out` holds `len` initialised bytes owned by us until
        // `wrt_bytes_delete`; they are copied before that.
        unsafe { std::slice::from_raw_parts(out.data, out.len) }.to_vec()
    };
    // SAFETY: `out` was filled by `wrt_wat2wasm` and is released once.
    unsafe { wrt::wrt_bytes_delete(&mut out) };
    Ok(bytes)
}

/// Whether `bytes` are a binary module (they start with `\0asm`) rather than text.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}

struct ModuleInner {
    raw: NonNull<wrt_module_t>,
    engine: Engine,
    info: ModuleInfo,
}

// SAFETY: the C API makes modules immutable and thread-safe.
unsafe impl Send for ModuleInner {}
// SAFETY: as above.
unsafe impl Sync for ModuleInner {}

impl Drop for ModuleInner {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `wrt_module_new` and is released once, here;
        // instances keep what they need of it.
        unsafe { wrt::wrt_module_delete(self.raw.as_ptr()) };
    }
}

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
        let mut raw = ptr::null_mut();
        // SAFETY: `engine` is live; `binary` is readable for its length during the call; `raw`
        // is a valid out-pointer.
        unsafe {
            check(wrt::wrt_module_new(
                engine.raw(),
                binary.as_ptr(),
                binary.len(),
                &mut raw,
            ))
        }?;
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::new(ErrorKind::Internal, "wrt_module_new returned NULL"))?;
        // `inner` releases the module if reading its imports fails.
        let mut inner = ModuleInner {
            raw,
            engine: engine.clone(),
            info: ModuleInfo::default(),
        };
        // SAFETY: `raw` is the live module just created.
        inner.info = unsafe { ModuleInfo::read(raw.as_ptr()) }?;
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

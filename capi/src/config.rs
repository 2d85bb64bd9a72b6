//! Configuration and engines.

use wrt_core::{Config, Engine};

use crate::error::{guard, guard_value, need_out, null_arg, write_out, wrt_error_t, CResult};

/// Settings for an engine: limits that apply to every store created from it.
///
/// Owned by the caller of `wrt_config_new`; release with `wrt_config_delete`. A configuration is
/// plain data: use it from one thread at a time.
pub struct wrt_config_t {
    pub(crate) config: Config,
}

/// The engine: shared, immutable configuration for modules and stores.
///
/// Owned by the caller of `wrt_engine_new`; release with `wrt_engine_delete`. Modules, stores
/// and linkers keep what they need of the engine, so it may be deleted before them. Thread-safe:
/// one engine may be used from any number of threads at once.
pub struct wrt_engine_t {
    pub(crate) engine: Engine,
}

/// Creates a configuration with the default limits (in a library built with the `safety-critical`
/// feature: the safety-critical defaults, i.e. eager translation, no compilation threads and
/// canonical NaNs). The caller owns `*out` and releases it with `wrt_config_delete`. On error
/// `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_new(out: *mut *mut wrt_config_t) -> *mut wrt_error_t {
    guard(|| {
        need_out(out, "out")?;
        let config = Box::new(wrt_config_t {
            config: default_config(),
        });
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, Box::into_raw(config)) };
        Ok(())
    })
}

/// What `wrt_config_new` starts from: `Config::safety_critical()` with the `safety-critical`
/// feature, `Config::default()` without.
fn default_config() -> Config {
    if cfg!(feature = "safety-critical") {
        Config::safety_critical()
    } else {
        Config::default()
    }
}

/// Releases a configuration. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_delete(config: *mut wrt_config_t) {
    if !config.is_null() {
        guard_value((), || {
            // SAFETY: `config` came from `wrt_config_new` and is released once (API contract).
            drop(unsafe { Box::from_raw(config) });
        });
    }
}

/// # Safety
/// `config` must be NULL or a live configuration not used elsewhere during the call.
unsafe fn config_mut<'a>(config: *mut wrt_config_t) -> CResult<&'a mut Config> {
    // SAFETY: NULL or live and unaliased (caller's contract).
    match unsafe { config.as_mut() } {
        Some(c) => Ok(&mut c.config),
        None => Err(null_arg("config")),
    }
}

/// Sets the deepest nesting of wasm calls; deeper calls trap with
/// `WRT_TRAP_CALL_STACK_EXHAUSTED`. Values below 1 are raised to 1. Default: 16384.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_call_depth(
    config: *mut wrt_config_t,
    depth: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_call_depth(depth);
        Ok(())
    })
}

/// Sets the largest value stack, in 64-bit slots; a call that needs more traps with
/// `WRT_TRAP_CALL_STACK_EXHAUSTED`. Values below 16 are raised to 16. Default: 1048576.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_value_stack(
    config: *mut wrt_config_t,
    slots: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_value_stack(slots);
        Ok(())
    })
}

/// Sets one memory budget, in bytes, for everything a store allocates: linear memories, tables,
/// globals, stacks, translated code, runtime bookkeeping and host allocations reported with
/// `wrt_context_charge_host`. Every allocation is checked before it happens: `memory.grow` in
/// wasm returns -1, and other allocations fail with `WRT_ERROR_LIMIT`. Default: no budget.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_memory_budget(
    config: *mut wrt_config_t,
    bytes: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.memory_budget(bytes);
        Ok(())
    })
}

/// Removes the memory budget (the default).
#[no_mangle]
pub unsafe extern "C" fn wrt_config_unlimited_memory(
    config: *mut wrt_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.unlimited_memory();
        Ok(())
    })
}

/// Whether wasm code consumes fuel. When enabled, stores start with zero fuel: give them some
/// with `wrt_context_fuel_set` / `wrt_context_fuel_add`; running out traps with
/// `WRT_TRAP_OUT_OF_FUEL` at the same instruction on every run. Default: false.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_consume_fuel(
    config: *mut wrt_config_t,
    enable: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.consume_fuel(enable);
        Ok(())
    })
}

/// Whether every NaN produced by a float instruction is canonicalised, so results are
/// bit-identical on every host. Default: false.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_deterministic(
    config: *mut wrt_config_t,
    enable: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.deterministic(enable);
        Ok(())
    })
}

/// Whether to use platform-specific speed-ups where the library was built with them (feature
/// `platform-optimizations`, on by default) and the platform has them. Today that is linear
/// memory on 64-bit Unix: each memory reserves the address range it may grow to up front
/// (mmap), so `memory.grow` never copies and the base address of the memory's bytes never
/// moves. Disabled, or where that is unavailable, memories live in an ordinary heap buffer that
/// is copied when it grows (and may move), so code must still follow the rules of
/// `wrt_memory_data` about pointers after a grow. Results, traps, fuel and the memory budget and
/// profile are the same either way. Default: true.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_platform_optimizations(
    config: *mut wrt_config_t,
    enable: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.platform_optimizations(enable);
        Ok(())
    })
}

/// Whether each function is translated on its first call (the default: true) rather than by
/// `wrt_module_new`. `wrt_module_new` validates every function either way and rejects anything the
/// engine cannot run; lazy translation makes it much faster on large modules, at the price of a
/// one-time translation when a function is first called. Real-time embedders that want no
/// first-call latency pass false. With a memory budget, an eagerly translated module's code is
/// charged to a store at instantiation; a lazily translated function's code is charged to a store
/// on its first call there (the call fails with `WRT_ERROR_LIMIT` if it does not fit). That call
/// translates before it knows the size, so the code (kept by the module) is allocated before the
/// budget is checked; pass false where every allocation must be checked first.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_lazy_translation(
    config: *mut wrt_config_t,
    enable: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.lazy_translation(enable);
        Ok(())
    })
}

/// Whether `wrt_module_new` may check (and, translating eagerly, translate) function bodies on
/// several threads when the machine has several cores and the module is large (the default:
/// true). The result is the same either way, including which error a module with several bad
/// bodies gets. Embedders that must not have the runtime start threads pass false.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_parallel_compilation(
    config: *mut wrt_config_t,
    enable: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.parallel_compilation(enable);
        Ok(())
    })
}

/// Sets how many instances one store may hold (more fail with `WRT_ERROR_LIMIT`). Default: 10000.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_instances(
    config: *mut wrt_config_t,
    count: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_instances(count);
        Ok(())
    })
}

/// Sets how many linear memories one store may hold. Default: 10000.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_memories(
    config: *mut wrt_config_t,
    count: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_memories(count);
        Ok(())
    })
}

/// Sets how many tables one store may hold. Default: 10000.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_tables(
    config: *mut wrt_config_t,
    count: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_tables(count);
        Ok(())
    })
}

/// Sets how many elements one table may hold. Default: 10000000.
#[no_mangle]
pub unsafe extern "C" fn wrt_config_max_table_elements(
    config: *mut wrt_config_t,
    count: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.max_table_elements(count);
        Ok(())
    })
}

/// Creates an engine. `config` is borrowed (copied): it may be NULL for the defaults (those of
/// `wrt_config_new`), and the caller still owns and deletes it. The caller owns `*out` and
/// releases it with `wrt_engine_delete`. On error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_engine_new(
    config: *const wrt_config_t,
    out: *mut *mut wrt_engine_t,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(out, "out")?;
        // SAFETY: `config` is NULL or a live configuration (API contract).
        let engine = match unsafe { config.as_ref() } {
            Some(c) => Engine::new(&c.config),
            None => Engine::new(&default_config()),
        };
        let engine = Box::new(wrt_engine_t { engine });
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, Box::into_raw(engine)) };
        Ok(())
    })
}

/// Releases an engine. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn wrt_engine_delete(engine: *mut wrt_engine_t) {
    if !engine.is_null() {
        guard_value((), || {
            // SAFETY: `engine` came from `wrt_engine_new` and is released once (API contract).
            drop(unsafe { Box::from_raw(engine) });
        });
    }
}

/// # Safety
/// `engine` must be NULL or a live engine.
pub(crate) unsafe fn engine_ref<'a>(engine: *const wrt_engine_t) -> CResult<&'a Engine> {
    // SAFETY: NULL or live (caller's contract).
    match unsafe { engine.as_ref() } {
        Some(e) => Ok(&e.engine),
        None => Err(null_arg("engine")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `wrt_config_new` and `wrt_engine_new(NULL, ...)` start from the safety-critical defaults
    /// exactly when the library is built with the `safety-critical` feature.
    #[test]
    fn defaults_follow_the_safety_critical_feature() {
        let expected = if cfg!(feature = "safety-critical") {
            Config::safety_critical()
        } else {
            Config::default()
        };
        assert_ne!(Config::safety_critical(), Config::default());

        let mut config = core::ptr::null_mut();
        // SAFETY: `config` is a writable out-pointer.
        assert!(unsafe { wrt_config_new(&mut config) }.is_null());
        // SAFETY: `wrt_config_new` succeeded, so `config` is a live configuration.
        assert_eq!(unsafe { &(*config).config }, &expected);

        let mut engine = core::ptr::null_mut();
        // SAFETY: NULL asks for the defaults; `engine` is a writable out-pointer.
        assert!(unsafe { wrt_engine_new(core::ptr::null(), &mut engine) }.is_null());
        // SAFETY: `wrt_engine_new` succeeded, so `engine` is a live engine.
        assert_eq!(unsafe { (*engine).engine.config() }, &expected);

        // SAFETY: both came from their constructors and are released once.
        unsafe {
            wrt_engine_delete(engine);
            wrt_config_delete(config);
        }
    }
}

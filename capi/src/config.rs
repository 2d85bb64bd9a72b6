//! Configuration and engines.

use wrt_core::{Config, Engine};

use crate::error::{guard, new_object, null_arg, release, wrt_error_t, CResult};

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
    // SAFETY: `out` is NULL or writable (API contract).
    unsafe {
        new_object(out, || {
            Ok(wrt_config_t {
                config: default_config(),
            })
        })
    }
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
    // SAFETY: `config` came from `wrt_config_new` and is released once (API contract).
    unsafe { release(config) }
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

/// What every setter does: applies `change` to the configuration.
///
/// # Safety
/// `config` must be NULL or a live configuration not used elsewhere during the call.
unsafe fn set(config: *mut wrt_config_t, change: impl FnOnce(&mut Config)) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded contract on `config`.
        change(unsafe { config_mut(config) }?);
        Ok(())
    })
}

// `wrt_config_<setting>` for every setting of `wrt_config_settings!` (src/vocabulary.rs),
// written by build.rs: each calls the `Config` method of the same name.
include!(concat!(env!("OUT_DIR"), "/config_setters.rs"));

/// Creates an engine. `config` is borrowed (copied): it may be NULL for the defaults (those of
/// `wrt_config_new`), and the caller still owns and deletes it. The caller owns `*out` and
/// releases it with `wrt_engine_delete`. On error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_engine_new(
    config: *const wrt_config_t,
    out: *mut *mut wrt_engine_t,
) -> *mut wrt_error_t {
    // SAFETY: `out` is NULL or writable, `config` NULL or a live configuration (API contract).
    unsafe {
        new_object(out, || {
            let engine = match config.as_ref() {
                Some(c) => Engine::new(&c.config),
                None => Engine::new(&default_config()),
            };
            Ok(wrt_engine_t { engine })
        })
    }
}

/// Releases an engine. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn wrt_engine_delete(engine: *mut wrt_engine_t) {
    // SAFETY: `engine` came from `wrt_engine_new` and is released once (API contract).
    unsafe { release(engine) }
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

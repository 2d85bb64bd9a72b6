//! Modules, and the text-format helper.

use std::ptr;

use wrt_core::Module;

use crate::config::{engine_ref, wrt_engine_t};
use crate::error::{
    c_slice, guard, guard_value, need_out, null_arg, release, write_out, wrt_error_t, CResult,
};
use crate::module_types::ModuleTypes;

/// A compiled (decoded, validated and translated) WebAssembly module.
///
/// Owned by the caller of `wrt_module_new`; release with `wrt_module_delete`. Instances keep
/// what they need, so a module may be deleted while its instances live. Immutable and
/// thread-safe: one module may be instantiated from any number of threads at once.
pub struct wrt_module_t {
    pub(crate) module: Module,
    /// Its imports and exports as C data (`wrt_module_imports`, `wrt_module_exports`).
    pub(crate) types: ModuleTypes,
}

/// A byte buffer owned by the caller, from `wrt_wat2wasm` or `wrt_context_wasi_take_stdout` /
/// `wrt_context_wasi_take_stderr`. Release it with `wrt_bytes_delete`.
#[repr(C)]
pub struct wrt_bytes_t {
    /// The bytes (NULL when `len` is 0).
    pub data: *mut u8,
    /// The number of bytes.
    pub len: usize,
}

/// # Safety
/// `module` must be NULL or a live module.
pub(crate) unsafe fn module_ref<'a>(module: *const wrt_module_t) -> CResult<&'a Module> {
    // SAFETY: NULL or live (caller's contract).
    match unsafe { module.as_ref() } {
        Some(m) => Ok(&m.module),
        None => Err(null_arg("module")),
    }
}

/// Compiles a binary module. `bytes` (of `len` bytes) is borrowed for the call only. The caller
/// owns `*out` and releases it with `wrt_module_delete`. Malformed bytes give
/// `WRT_ERROR_MALFORMED`, invalid modules `WRT_ERROR_INVALID_MODULE`, and unsupported features
/// `WRT_ERROR_UNSUPPORTED`. On error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_module_new(
    engine: *const wrt_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wrt_module_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `engine`.
        let engine = unsafe { engine_ref(engine) }?;
        // SAFETY: `bytes` points to `len` readable bytes (API contract).
        let bytes = unsafe { c_slice(bytes, len, "bytes") }?;
        need_out(out, "out")?;
        let module = Module::new(engine, bytes)?;
        let types = ModuleTypes::new(&module)?;
        let module = Box::new(wrt_module_t { module, types });
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, Box::into_raw(module)) };
        Ok(())
    })
}

/// Checks that `bytes` (of `len` bytes, borrowed for the call) are a valid module for this
/// build, without keeping anything. Returns NULL if they are.
#[no_mangle]
pub unsafe extern "C" fn wrt_module_validate(
    engine: *const wrt_engine_t,
    bytes: *const u8,
    len: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `engine`.
        let engine = unsafe { engine_ref(engine) }?;
        // SAFETY: `bytes` points to `len` readable bytes (API contract).
        let bytes = unsafe { c_slice(bytes, len, "bytes") }?;
        Module::validate(engine, bytes)?;
        Ok(())
    })
}

/// Releases a module. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn wrt_module_delete(module: *mut wrt_module_t) {
    // SAFETY: `module` came from `wrt_module_new` and is released once (API contract).
    unsafe { release(module) }
}

/// Converts the WebAssembly text format (`text`, `len` bytes of UTF-8, borrowed for the call)
/// to a binary module in `*out`, which the caller owns and releases with `wrt_bytes_delete`.
/// Errors have code `WRT_ERROR_MALFORMED`; on error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_wat2wasm(
    text: *const u8,
    len: usize,
    out: *mut wrt_bytes_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `text` points to `len` readable bytes (API contract).
        let text = unsafe { c_slice(text, len, "text") }?;
        need_out(out, "out")?;
        let text = std::str::from_utf8(text)
            .map_err(|_| crate::error::invalid_arg("`text` is not valid UTF-8"))?;
        let wasm = wrt_core::wat2wasm(text)?;
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, bytes_from_vec(wasm)) };
        Ok(())
    })
}

/// Hands `bytes` to C as a `wrt_bytes_t` that `wrt_bytes_delete` releases.
pub(crate) fn bytes_from_vec(bytes: Vec<u8>) -> wrt_bytes_t {
    let bytes = bytes.into_boxed_slice();
    let len = bytes.len();
    let data = if len == 0 {
        ptr::null_mut()
    } else {
        Box::into_raw(bytes).cast::<u8>()
    };
    wrt_bytes_t { data, len }
}

/// Releases the bytes of a buffer filled by wrt (`wrt_wat2wasm`, `wrt_context_wasi_take_stdout`,
/// `wrt_context_wasi_take_stderr`) and sets it to `{NULL, 0}`. NULL, and
/// a buffer whose `data` is NULL, are ignored. Do not pass buffers allocated elsewhere.
#[no_mangle]
pub unsafe extern "C" fn wrt_bytes_delete(bytes: *mut wrt_bytes_t) {
    // SAFETY: `bytes` is NULL or a live, writable `wrt_bytes_t` (API contract).
    let Some(bytes) = (unsafe { bytes.as_mut() }) else {
        return;
    };
    if bytes.data.is_null() {
        return;
    }
    let slice = ptr::slice_from_raw_parts_mut(bytes.data, bytes.len);
    bytes.data = ptr::null_mut();
    bytes.len = 0;
    guard_value((), || {
        // SAFETY: `data`/`len` are what `bytes_from_vec` produced from a `Box<[u8]>` (API contract),
        // and they were cleared above so the buffer is released only once.
        drop(unsafe { Box::from_raw(slice) });
    });
}

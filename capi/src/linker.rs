//! Linkers, host functions and instantiation.

use std::ffi::{c_char, c_void};
use std::ptr::{addr_of, addr_of_mut};
#[cfg(feature = "wasi")]
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicUsize, Ordering};

use wrt_core::{Caller, FuncType, Linker, Val, ValType};

use crate::config::{engine_ref, wrt_engine_t};
use crate::error::{
    c_slice, c_str, fail, guard, need_out, null_arg, release, write_out, wrt_error_t, CResult,
    WRT_ERROR_BUSY,
};
use crate::module::{module_ref, wrt_module_t};
use crate::store::{
    caller_context, with_context, wrt_caller_t, wrt_context_t, wrt_finalizer_t, Finalized,
    StoreData,
};
use crate::val::{valtype_of, wrt_extern_t, wrt_instance_t, wrt_val_t, wrt_valkind_t};

/// Resolves module imports by (module, name): host functions and objects of a store.
///
/// Owned by the caller of `wrt_linker_new`; release with `wrt_linker_delete`. Stores keep the
/// host functions they used, so a linker may be deleted while they live. Define everything from
/// one thread; after that, `wrt_linker_instantiate` may run on several threads at once (into
/// different stores), and then the host callbacks must be thread-safe. While an instantiation
/// runs (for example from a host function called by a start function), defining in the linker
/// fails with `WRT_ERROR_BUSY` and deleting it is refused.
pub struct wrt_linker_t {
    /// Instantiations running with this linker; changing or deleting it meanwhile is refused.
    users: AtomicUsize,
    /// Set by `wrt_linker_define_wasi`.
    #[cfg(feature = "wasi")]
    pub(crate) defines_wasi: AtomicBool,
    linker: Linker<StoreData>,
}

/// Ends one use of a linker by an instantiation.
struct LinkerUse<'a>(&'a AtomicUsize);

impl Drop for LinkerUse<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Release);
    }
}

/// A host function.
///
/// - `env`: the pointer given at definition.
/// - `caller`: the calling store and instance; valid only until the callback returns. Use
///   `wrt_caller_context(caller)` for every store operation inside the callback (the store's own
///   context is busy and would give `WRT_ERROR_BUSY`).
/// - `args`: `nargs` arguments of the declared parameter kinds, borrowed for the call.
/// - `results`: `nresults` slots, set to zero values of the declared result kinds; the callback
///   writes the results there (keeping the kinds).
///
/// Returns NULL on success. To fail (the wasm caller traps), return an error object: a new one
/// from `wrt_error_new`, or one received from a wrt call made inside the callback, which then
/// propagates unchanged (a trap stays a trap). wrt takes ownership of the returned error.
/// The callback must not unwind (no C++ exception or `longjmp` may leave it).
pub type wrt_func_callback_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        caller: *mut wrt_caller_t,
        args: *const wrt_val_t,
        nargs: usize,
        results: *mut wrt_val_t,
        nresults: usize,
    ) -> *mut wrt_error_t,
>;

type Callback = unsafe extern "C" fn(
    *mut c_void,
    *mut wrt_caller_t,
    *const wrt_val_t,
    usize,
    *mut wrt_val_t,
    usize,
) -> *mut wrt_error_t;

struct HostFunc {
    callback: Callback,
    env: Finalized,
    results: Vec<ValType>,
}

impl HostFunc {
    fn call(
        &self,
        mut caller: Caller<'_, StoreData>,
        args: &[Val],
        results: &mut [Val],
    ) -> wrt_core::Result<()> {
        self.call_c(&mut caller, args, results)
            .map_err(|e| e.into_runtime_error())
    }

    fn call_c(
        &self,
        caller: &mut Caller<'_, StoreData>,
        args: &[Val],
        results: &mut [Val],
    ) -> CResult {
        let c_args = args
            .iter()
            .map(|v| wrt_val_t::from_core(v, caller.data_mut()))
            .collect::<CResult<Vec<_>>>()?;
        let mut c_results = self
            .results
            .iter()
            .map(|t| crate::val::zero_val(*t))
            .collect::<CResult<Vec<_>>>()?;
        let error = {
            let mut c_caller = caller_context(caller);
            // SAFETY: the callback and `env` were registered together by the embedder; the
            // argument and result arrays are live for the call with the lengths passed, and
            // `c_caller` outlives the call (it is dropped right after).
            unsafe {
                (self.callback)(
                    self.env.data,
                    &mut c_caller,
                    c_args.as_ptr(),
                    c_args.len(),
                    c_results.as_mut_ptr(),
                    c_results.len(),
                )
            }
        };
        if !error.is_null() {
            // SAFETY: a non-NULL return is an error object the callback hands to wrt (API
            // contract): it came from `Box::into_raw` in this library and is released once.
            return Err(unsafe { Box::from_raw(error) });
        }
        for (slot, c) in results.iter_mut().zip(&c_results) {
            *slot = c.to_core(caller.data_mut())?;
        }
        Ok(())
    }
}

/// # Safety
/// `linker` must be NULL or a live linker not used elsewhere during the call.
pub(crate) unsafe fn linker_mut<'a>(
    linker: *mut wrt_linker_t,
) -> CResult<&'a mut Linker<StoreData>> {
    if linker.is_null() {
        return Err(null_arg("linker"));
    }
    // SAFETY: `linker` is live (caller's contract); only the atomic counter is borrowed, shared.
    let users = unsafe { &*addr_of!((*linker).users) };
    if users.load(Ordering::Acquire) != 0 {
        return Err(fail(
            WRT_ERROR_BUSY,
            "the linker is in use by an instantiation and cannot be changed now",
        ));
    }
    // SAFETY: live, and no instantiation borrows it (checked above); the API contract rules
    // out concurrent use from other threads while it is being changed.
    Ok(unsafe { &mut *addr_of_mut!((*linker).linker) })
}

fn valtypes(kinds: &[wrt_valkind_t]) -> CResult<Vec<ValType>> {
    kinds.iter().map(|k| valtype_of(*k)).collect()
}

/// Creates an empty linker for stores of `engine` (borrowed). The caller owns `*out` and
/// releases it with `wrt_linker_delete`; on error `*out` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_new(
    engine: *const wrt_engine_t,
    out: *mut *mut wrt_linker_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `engine`.
        let engine = unsafe { engine_ref(engine) }?;
        need_out(out, "out")?;
        let linker = Box::new(wrt_linker_t {
            users: AtomicUsize::new(0),
            #[cfg(feature = "wasi")]
            defines_wasi: AtomicBool::new(false),
            linker: Linker::new(engine),
        });
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, Box::into_raw(linker)) };
        Ok(())
    })
}

/// Releases a linker. NULL is ignored. Host functions that stores still use stay alive until
/// those stores are deleted; each host function's finalizer runs when its last user is gone.
/// Deleting a linker while an instantiation uses it is refused: the linker is left alone.
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_delete(linker: *mut wrt_linker_t) {
    if linker.is_null() {
        return;
    }
    // SAFETY: `linker` is live (API contract); only the atomic counter is borrowed, shared.
    if unsafe { &*addr_of!((*linker).users) }.load(Ordering::Acquire) != 0 {
        return;
    }
    // SAFETY: `linker` came from `wrt_linker_new`, is released once (API contract), and no
    // instantiation uses it (checked above).
    unsafe { release(linker) }
}

/// Whether a later definition may replace an earlier one of the same name (default: false, and
/// redefining gives `WRT_ERROR_LINK`).
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_allow_shadowing(
    linker: *mut wrt_linker_t,
    allow: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `linker`.
        unsafe { linker_mut(linker) }?.allow_shadowing(allow);
        Ok(())
    })
}

/// Defines `module`.`name` (NUL-terminated UTF-8, copied) as a host function with parameter
/// kinds `params[0..nparams]` and result kinds `results[0..nresults]` (copied; either may be
/// NULL when its count is 0). `callback` must not be NULL.
///
/// Ownership of `env` passes to wrt in every case: `finalizer` (may be NULL) is called with
/// `env` once nothing uses the function any more (the linker and every store it was
/// instantiated into are deleted), or before this function returns if it fails.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn wrt_linker_define_func(
    linker: *mut wrt_linker_t,
    module: *const c_char,
    name: *const c_char,
    params: *const wrt_valkind_t,
    nparams: usize,
    results: *const wrt_valkind_t,
    nresults: usize,
    callback: wrt_func_callback_t,
    env: *mut c_void,
    finalizer: wrt_finalizer_t,
) -> *mut wrt_error_t {
    let env = Finalized::new(env, finalizer);
    guard(move || {
        // SAFETY: forwarded API contract on `linker`.
        let linker = unsafe { linker_mut(linker) }?;
        // SAFETY: NUL-terminated strings (API contract).
        let module = unsafe { c_str(module, "module") }?;
        // SAFETY: NUL-terminated strings (API contract).
        let name = unsafe { c_str(name, "name") }?;
        // SAFETY: `params` holds `nparams` kinds (API contract).
        let params = valtypes(unsafe { c_slice(params, nparams, "params") }?)?;
        // SAFETY: `results` holds `nresults` kinds (API contract).
        let results = valtypes(unsafe { c_slice(results, nresults, "results") }?)?;
        let callback = callback.ok_or_else(|| null_arg("callback"))?;
        let ty = FuncType::new(params, results.iter().copied());
        let host = HostFunc {
            callback,
            env,
            results,
        };
        linker.func_new(module, name, ty, move |caller, args, results| {
            host.call(caller, args, results)
        })?;
        Ok(())
    })
}

/// Defines `module`.`name` (NUL-terminated UTF-8, copied) as an object of the store behind
/// `context` (`item` is borrowed for the call). Only instances in that store can import it.
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_define(
    linker: *mut wrt_linker_t,
    context: *mut wrt_context_t,
    module: *const c_char,
    name: *const c_char,
    item: *const wrt_extern_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `linker`.
        let linker = unsafe { linker_mut(linker) }?;
        // SAFETY: NUL-terminated strings (API contract).
        let module = unsafe { c_str(module, "module") }?;
        // SAFETY: NUL-terminated strings (API contract).
        let name = unsafe { c_str(name, "name") }?;
        // SAFETY: `item` is NULL or a live extern (API contract).
        let item = unsafe { item.as_ref() }.ok_or_else(|| null_arg("item"))?;
        // SAFETY: forwarded API contract on `context`.
        let ext = unsafe { with_context(context, |cx| item.to_core(cx.data())) }?;
        linker.define(module, name, ext)?;
        Ok(())
    })
}

/// Defines every export of `instance` (of the store behind `context`) under the module name
/// `module` (NUL-terminated UTF-8, copied).
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_define_instance(
    linker: *mut wrt_linker_t,
    context: *mut wrt_context_t,
    module: *const c_char,
    instance: wrt_instance_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `linker`.
        let linker = unsafe { linker_mut(linker) }?;
        // SAFETY: NUL-terminated strings (API contract).
        let module = unsafe { c_str(module, "module") }?;
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_context(context, |cx| {
                let instance = cx.data().import(instance)?;
                linker.instance(cx.store(), module, instance)?;
                Ok(())
            })
        }
    })
}

/// Instantiates `module` (borrowed) in the store behind `context`: resolves its imports with
/// `linker` (borrowed), initialises it and runs its start function. Stores the instance handle
/// in `*out`. A trap in the start function gives `WRT_ERROR_TRAP`; a missing or mismatched
/// import `WRT_ERROR_LINK`. On error `*out` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_instantiate(
    linker: *const wrt_linker_t,
    context: *mut wrt_context_t,
    module: *const wrt_module_t,
    out: *mut wrt_instance_t,
) -> *mut wrt_error_t {
    guard(|| {
        if linker.is_null() {
            return Err(null_arg("linker"));
        }
        // SAFETY: `linker` is live (API contract); only the atomic counter is borrowed, shared.
        let users = unsafe { &*addr_of!((*linker).users) };
        users.fetch_add(1, Ordering::AcqRel);
        let _use = LinkerUse(users);
        // SAFETY: live (API contract); only the atomic flag is borrowed, shared.
        #[cfg(feature = "wasi")]
        let defines_wasi = unsafe { &*addr_of!((*linker).defines_wasi) }.load(Ordering::Acquire);
        // SAFETY: live; while `users` is non-zero nothing changes or frees the definitions, so a
        // shared borrow of them is sound for the whole instantiation.
        let linker = unsafe { &*addr_of!((*linker).linker) };
        // A clone (a reference count), so deleting the module from a host function called by
        // the start function cannot pull it away from under the instantiation.
        // SAFETY: forwarded API contract on `module`.
        let module = unsafe { module_ref(module) }?.clone();
        need_out(out, "out")?;
        // SAFETY: forwarded API contract on `context`.
        let instance = unsafe {
            with_context(context, |cx| {
                #[cfg(feature = "wasi")]
                crate::wasi::check_wasi_configured(defines_wasi, &module, cx.data())?;
                let instance = linker.instantiate(cx.store(), &module)?;
                cx.data().export(instance)
            })
        }?;
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, instance) };
        Ok(())
    })
}

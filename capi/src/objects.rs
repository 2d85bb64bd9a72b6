//! Store objects: instances, functions, memories, globals, tables and external references.

use std::ffi::{c_char, c_void};

use wrt_core::{ExternRef, Mutability};

use crate::error::{
    c_slice, c_str, fail, guard, invalid_arg, returning, write_out, wrt_error_t, CResult,
    WRT_ERROR_NOT_FOUND, WRT_ERROR_TYPE,
};
use crate::store::wrt_finalizer_t;
use crate::store::{
    with_caller, with_context, with_object, wrt_caller_t, wrt_context_t, Finalized,
};
use crate::val::{
    kind_of, wrt_extern_t, wrt_externref_t, wrt_func_t, wrt_global_t, wrt_instance_t, wrt_memory_t,
    wrt_table_t, wrt_val_t, wrt_valkind_t, WRT_EXTERN_FUNC, WRT_EXTERN_GLOBAL, WRT_EXTERN_MEMORY,
    WRT_EXTERN_TABLE,
};

// ---------------------------------------------------------------------------
// Exports.

fn kind_name(kind: u8) -> &'static str {
    match kind {
        WRT_EXTERN_FUNC => "function",
        WRT_EXTERN_MEMORY => "memory",
        WRT_EXTERN_GLOBAL => "global",
        _ => "table",
    }
}

/// Looks up an export of an instance, as a C extern.
///
/// # Safety
/// `context` and `name` as for the public functions.
unsafe fn instance_export(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
) -> CResult<wrt_extern_t> {
    // SAFETY: NUL-terminated string (caller's contract).
    let name = unsafe { c_str(name, "name") }?;
    // SAFETY: forwarded contract on `context`.
    unsafe {
        with_object(context, instance, |store, instance| {
            let ext = instance.get_export(&*store, name).ok_or_else(|| {
                fail(
                    WRT_ERROR_NOT_FOUND,
                    format_args!("the instance has no export `{name}`"),
                )
            })?;
            wrt_extern_t::from_core(ext, store.data_mut())
        })
    }
}

/// The export `name` of `instance`, which must be of `kind`, as the handle `member` reads from
/// it: the body of `wrt_instance_export_<kind>`.
///
/// # Safety
/// As for the public functions; `member` must read the union member of `kind`.
unsafe fn typed_export<T>(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut T,
    kind: u8,
    member: unsafe fn(&wrt_extern_t) -> T,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract.
    unsafe {
        returning(out, "out", || {
            let ext = instance_export(context, instance, name)?;
            expect_kind(&ext, kind)?;
            // `kind` was checked to be the kind of the member `member` reads (`from_core` set it).
            Ok(member(&ext))
        })
    }
}

fn expect_kind(ext: &wrt_extern_t, kind: u8) -> CResult {
    if ext.kind == kind {
        Ok(())
    } else {
        Err(fail(
            WRT_ERROR_TYPE,
            format_args!(
                "the export is a {}, not a {}",
                kind_name(ext.kind),
                kind_name(kind)
            ),
        ))
    }
}

/// Stores in `*out` the export `name` (NUL-terminated UTF-8, borrowed) of `instance`, whatever
/// its kind. A missing export gives `WRT_ERROR_NOT_FOUND`; on error `*out` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_instance_export(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut wrt_extern_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract.
    unsafe { returning(out, "out", || instance_export(context, instance, name)) }
}

/// Stores in `*out` the exported function `name` (NUL-terminated UTF-8, borrowed) of `instance`.
/// Missing: `WRT_ERROR_NOT_FOUND`; of another kind: `WRT_ERROR_TYPE`. On error `*out` is
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_instance_export_func(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut wrt_func_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract; the member read is that of `WRT_EXTERN_FUNC`.
    unsafe { typed_export(context, instance, name, out, WRT_EXTERN_FUNC, |e| e.of.func) }
}

/// Stores in `*out` the exported memory `name` (NUL-terminated UTF-8, borrowed) of `instance`.
/// Missing: `WRT_ERROR_NOT_FOUND`; of another kind: `WRT_ERROR_TYPE`. On error `*out` is
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_instance_export_memory(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut wrt_memory_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract; the member read is that of `WRT_EXTERN_MEMORY`.
    unsafe {
        typed_export(context, instance, name, out, WRT_EXTERN_MEMORY, |e| {
            e.of.memory
        })
    }
}

/// Stores in `*out` the exported global `name` (NUL-terminated UTF-8, borrowed) of `instance`.
/// Missing: `WRT_ERROR_NOT_FOUND`; of another kind: `WRT_ERROR_TYPE`. On error `*out` is
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_instance_export_global(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut wrt_global_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract; the member read is that of `WRT_EXTERN_GLOBAL`.
    unsafe {
        typed_export(context, instance, name, out, WRT_EXTERN_GLOBAL, |e| {
            e.of.global
        })
    }
}

/// Stores in `*out` the exported table `name` (NUL-terminated UTF-8, borrowed) of `instance`.
/// Missing: `WRT_ERROR_NOT_FOUND`; of another kind: `WRT_ERROR_TYPE`. On error `*out` is
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_instance_export_table(
    context: *mut wrt_context_t,
    instance: wrt_instance_t,
    name: *const c_char,
    out: *mut wrt_table_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract; the member read is that of `WRT_EXTERN_TABLE`.
    unsafe {
        typed_export(context, instance, name, out, WRT_EXTERN_TABLE, |e| {
            e.of.table
        })
    }
}

/// Stores in `*out` the export `name` (NUL-terminated UTF-8, borrowed) of the instance that
/// called the host function. Missing (or called from the embedder rather than from wasm):
/// `WRT_ERROR_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn wrt_caller_export(
    caller: *mut wrt_caller_t,
    name: *const c_char,
    out: *mut wrt_extern_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out`, `name` and `caller`.
    unsafe {
        returning(out, "out", || {
            let name = c_str(name, "name")?;
            with_caller(caller, |c| {
                let ext = c.get_export(name).ok_or_else(|| {
                    fail(
                        WRT_ERROR_NOT_FOUND,
                        format_args!("the calling instance has no export `{name}`"),
                    )
                })?;
                wrt_extern_t::from_core(ext, c.data_mut())
            })
        })
    }
}

/// Stores in `*out` the calling instance's memory: its export named "memory". Missing or not a
/// memory: `WRT_ERROR_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn wrt_caller_memory(
    caller: *mut wrt_caller_t,
    out: *mut wrt_memory_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out` and `caller`.
    unsafe {
        returning(out, "out", || {
            with_caller(caller, |c| {
                let memory = c.memory().ok_or_else(|| {
                    fail(
                        WRT_ERROR_NOT_FOUND,
                        "the calling instance exports no memory named `memory`",
                    )
                })?;
                c.data_mut().export(memory)
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Functions.

/// Calls `func` with `args[0..nargs]` (borrowed) and writes its results to
/// `results[0..nresults]` (which may be uninitialised). Either array may be NULL when its count
/// is 0. The counts and kinds must match the function's type (`WRT_ERROR_TYPE` otherwise). A
/// trap gives `WRT_ERROR_TRAP` with its trap code; a host function's error propagates with its
/// own code. On error the results are unspecified.
#[no_mangle]
pub unsafe extern "C" fn wrt_func_call(
    context: *mut wrt_context_t,
    func: wrt_func_t,
    args: *const wrt_val_t,
    nargs: usize,
    results: *mut wrt_val_t,
    nresults: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `args` holds `nargs` initialised values (API contract).
        let args = unsafe { c_slice(args, nargs, "args") }?;
        if nresults > 0 && results.is_null() {
            return Err(crate::error::null_arg("results"));
        }
        // SAFETY: forwarded API contract on `context`.
        let out = unsafe {
            with_object(context, func, |store, func| {
                let args = args
                    .iter()
                    .map(|a| a.to_core(store.data_mut()))
                    .collect::<CResult<Vec<_>>>()?;
                let mut out = vec![wrt_core::Val::I32(0); nresults];
                func.call(&mut *store, &args, &mut out)?;
                out.iter()
                    .map(|v| wrt_val_t::from_core(v, store.data_mut()))
                    .collect::<CResult<Vec<_>>>()
            })
        }?;
        for (i, v) in out.into_iter().enumerate() {
            // SAFETY: `results` is not NULL (checked, since `nresults > 0` here) and has room
            // for `nresults` values (API contract); `i < nresults` as `out` has that length.
            unsafe { results.add(i).write(v) };
        }
        Ok(())
    })
}

/// Stores the number of parameters and results of `func` in `*nparams` and `*nresults`
/// (either may be NULL if not wanted).
#[no_mangle]
pub unsafe extern "C" fn wrt_func_arity(
    context: *mut wrt_context_t,
    func: wrt_func_t,
    nparams: *mut usize,
    nresults: *mut usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        let ty = unsafe { with_object(context, func, |store, func| func.ty(&*store)) }?;
        // SAFETY: NULL or writable (API contract).
        unsafe {
            write_out(nparams, ty.params().len());
            write_out(nresults, ty.results().len());
        }
        Ok(())
    })
}

/// Writes the parameter kinds of `func` to `params[0..nparams]` and its result kinds to
/// `results[0..nresults]`. The counts must equal the function's (see `wrt_func_arity`);
/// otherwise `WRT_ERROR_INVALID_ARGUMENT` and nothing is written.
#[no_mangle]
pub unsafe extern "C" fn wrt_func_type(
    context: *mut wrt_context_t,
    func: wrt_func_t,
    params: *mut wrt_valkind_t,
    nparams: usize,
    results: *mut wrt_valkind_t,
    nresults: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        let ty = unsafe { with_object(context, func, |store, func| func.ty(&*store)) }?;
        if ty.params().len() != nparams || ty.results().len() != nresults {
            return Err(invalid_arg(format_args!(
                "the function has {} parameters and {} results, not {nparams} and {nresults}",
                ty.params().len(),
                ty.results().len()
            )));
        }
        for (array, types, name) in [
            (params, ty.params(), "params"),
            (results, ty.results(), "results"),
        ] {
            if !types.is_empty() && array.is_null() {
                return Err(crate::error::null_arg(name));
            }
        }
        for (array, types) in [(params, ty.params()), (results, ty.results())] {
            for (i, t) in types.iter().enumerate() {
                let kind = kind_of(*t)?;
                // SAFETY: `array` is not NULL (checked above when `types` is not empty) and has
                // room for `types.len()` kinds (API contract, counts checked above).
                unsafe { array.add(i).write(kind) };
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Memories.

/// Stores in `*data` a pointer to the bytes of `memory` and in `*len` their number (either may
/// be NULL if not wanted). The bytes belong to the store: the pointer is valid until the memory
/// grows, wasm code runs in the store (it may grow it), or the store is deleted. `*data` may be
/// NULL when the memory is empty.
#[no_mangle]
pub unsafe extern "C" fn wrt_memory_data(
    context: *mut wrt_context_t,
    memory: wrt_memory_t,
    data: *mut *mut u8,
    len: *mut usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        let (ptr, n) = unsafe {
            with_object(context, memory, |store, memory| {
                let bytes = memory.data_mut(store)?;
                let n = bytes.len();
                let ptr = if n == 0 {
                    std::ptr::null_mut()
                } else {
                    bytes.as_mut_ptr()
                };
                CResult::Ok((ptr, n))
            })
        }?;
        // SAFETY: NULL or writable (API contract).
        unsafe {
            write_out(data, ptr);
            write_out(len, n);
        }
        Ok(())
    })
}

/// Stores the size of `memory`, in 64 KiB pages, in `*pages`.
#[no_mangle]
pub unsafe extern "C" fn wrt_memory_size(
    context: *mut wrt_context_t,
    memory: wrt_memory_t,
    pages: *mut u64,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `pages` and `context`.
    unsafe {
        returning(pages, "pages", || {
            with_object(context, memory, |store, memory| memory.size(&*store))
        })
    }
}

/// Grows `memory` by `delta` pages (new bytes are zero) and stores the previous size in pages
/// in `*previous` (may be NULL). Growing past the memory's maximum gives `WRT_ERROR_LIMIT`.
/// Pointers from `wrt_memory_data` become invalid.
#[no_mangle]
pub unsafe extern "C" fn wrt_memory_grow(
    context: *mut wrt_context_t,
    memory: wrt_memory_t,
    delta: u64,
    previous: *mut u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        let old =
            unsafe { with_object(context, memory, |store, memory| memory.grow(store, delta)) }?;
        // SAFETY: NULL or writable (API contract).
        unsafe { write_out(previous, old) };
        Ok(())
    })
}

/// Copies `len` bytes at `offset` of `memory` into `buffer`. If any byte is out of bounds,
/// nothing is copied and the error is a trap with `WRT_TRAP_MEMORY_OUT_OF_BOUNDS`.
#[no_mangle]
pub unsafe extern "C" fn wrt_memory_read(
    context: *mut wrt_context_t,
    memory: wrt_memory_t,
    offset: usize,
    buffer: *mut u8,
    len: usize,
) -> *mut wrt_error_t {
    guard(|| {
        if len > 0 && buffer.is_null() {
            return Err(crate::error::null_arg("buffer"));
        }
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_object(context, memory, |store, memory| {
                let buf: &mut [u8] = if len == 0 {
                    &mut []
                } else {
                    // SAFETY: `buffer` is not NULL (checked) and writable for `len` bytes
                    // (API contract). Bytes may be uninitialised; `u8` tolerates any value
                    // once written and they are only written here.
                    std::slice::from_raw_parts_mut(buffer, len)
                };
                memory.read(&*store, offset, buf)
            })
        }
    })
}

/// Copies `len` bytes from `buffer` to `offset` of `memory`. If any byte is out of bounds,
/// nothing is written and the error is a trap with `WRT_TRAP_MEMORY_OUT_OF_BOUNDS`.
#[no_mangle]
pub unsafe extern "C" fn wrt_memory_write(
    context: *mut wrt_context_t,
    memory: wrt_memory_t,
    offset: usize,
    buffer: *const u8,
    len: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `buffer` holds `len` readable bytes (API contract).
        let bytes = unsafe { c_slice(buffer, len, "buffer") }?;
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_object(context, memory, |store, memory| {
                memory.write(store, offset, bytes)
            })
        }
    })
}

// ---------------------------------------------------------------------------
// Globals.

/// Stores the current value of `global` in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wrt_global_get(
    context: *mut wrt_context_t,
    global: wrt_global_t,
    out: *mut wrt_val_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out` and `context`.
    unsafe {
        returning(out, "out", || {
            with_object(context, global, |store, global| {
                let val = global.get(&*store)?;
                wrt_val_t::from_core(&val, store.data_mut())
            })
        })
    }
}

/// Sets `global` to `*value` (borrowed). An immutable global, or a value of another kind, gives
/// `WRT_ERROR_TYPE`.
#[no_mangle]
pub unsafe extern "C" fn wrt_global_set(
    context: *mut wrt_context_t,
    global: wrt_global_t,
    value: *const wrt_val_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `value` is NULL or a live value (API contract).
        let value = unsafe { value.as_ref() }.ok_or_else(|| crate::error::null_arg("value"))?;
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_object(context, global, |store, global| {
                let val = value.to_core(store.data_mut())?;
                CResult::Ok(global.set(store, val)?)
            })
        }
    })
}

/// Stores the value kind of `global` in `*kind` and whether it is mutable in `*is_mutable`
/// (either may be NULL if not wanted).
#[no_mangle]
pub unsafe extern "C" fn wrt_global_type(
    context: *mut wrt_context_t,
    global: wrt_global_t,
    kind: *mut wrt_valkind_t,
    is_mutable: *mut bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        let ty = unsafe { with_object(context, global, |store, global| global.ty(&*store)) }?;
        let k = kind_of(ty.content())?;
        // SAFETY: NULL or writable (API contract).
        unsafe {
            write_out(kind, k);
            write_out(is_mutable, ty.mutability() == Mutability::Var);
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Tables.

/// Stores the number of elements of `table` in `*size`.
#[no_mangle]
pub unsafe extern "C" fn wrt_table_size(
    context: *mut wrt_context_t,
    table: wrt_table_t,
    size: *mut u64,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `size` and `context`.
    unsafe {
        returning(size, "size", || {
            with_object(context, table, |store, table| table.size(&*store))
        })
    }
}

/// Stores the element kind of `table` (`WRT_VAL_FUNCREF` or `WRT_VAL_EXTERNREF`) in `*kind`.
#[no_mangle]
pub unsafe extern "C" fn wrt_table_type(
    context: *mut wrt_context_t,
    table: wrt_table_t,
    kind: *mut wrt_valkind_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `kind` and `context`.
    unsafe {
        returning(kind, "kind", || {
            let ty = with_object(context, table, |store, table| table.ty(&*store))?;
            kind_of(ty.element().into())
        })
    }
}

/// Stores element `index` of `table` in `*out`. An index past the end is a trap with
/// `WRT_TRAP_TABLE_OUT_OF_BOUNDS`.
#[no_mangle]
pub unsafe extern "C" fn wrt_table_get(
    context: *mut wrt_context_t,
    table: wrt_table_t,
    index: u64,
    out: *mut wrt_val_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out` and `context`.
    unsafe {
        returning(out, "out", || {
            with_object(context, table, |store, table| {
                let val = table.get(&*store, index)?;
                wrt_val_t::from_core(&val, store.data_mut())
            })
        })
    }
}

/// Sets element `index` of `table` to `*value` (borrowed). An index past the end is a trap with
/// `WRT_TRAP_TABLE_OUT_OF_BOUNDS`; a value of the wrong kind gives `WRT_ERROR_TYPE`.
#[no_mangle]
pub unsafe extern "C" fn wrt_table_set(
    context: *mut wrt_context_t,
    table: wrt_table_t,
    index: u64,
    value: *const wrt_val_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `value` is NULL or a live value (API contract).
        let value = unsafe { value.as_ref() }.ok_or_else(|| crate::error::null_arg("value"))?;
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_object(context, table, |store, table| {
                let val = value.to_core(store.data_mut())?;
                CResult::Ok(table.set(store, index, val)?)
            })
        }
    })
}

/// Grows `table` by `delta` elements set to `*init` (borrowed) and stores the previous size in
/// `*previous` (may be NULL). Growing past the table's maximum gives `WRT_ERROR_LIMIT`.
#[no_mangle]
pub unsafe extern "C" fn wrt_table_grow(
    context: *mut wrt_context_t,
    table: wrt_table_t,
    delta: u64,
    init: *const wrt_val_t,
    previous: *mut u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: `init` is NULL or a live value (API contract).
        let init = unsafe { init.as_ref() }.ok_or_else(|| crate::error::null_arg("init"))?;
        // SAFETY: forwarded API contract on `context`.
        let old = unsafe {
            with_object(context, table, |store, table| {
                let val = init.to_core(store.data_mut())?;
                CResult::Ok(table.grow(store, delta, val)?)
            })
        }?;
        // SAFETY: NULL or writable (API contract).
        unsafe { write_out(previous, old) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// External references.

/// Creates an external reference to the embedder's `data` in the store behind `context`, for
/// passing to wasm as an `externref` value. The store owns it: `finalizer` (may be NULL) is
/// called with `data` when the store is deleted, or before this function returns if it fails.
/// There is no per-reference release; a store's references live as long as the store.
#[no_mangle]
pub unsafe extern "C" fn wrt_externref_create(
    context: *mut wrt_context_t,
    data: *mut c_void,
    finalizer: wrt_finalizer_t,
    out: *mut wrt_externref_t,
) -> *mut wrt_error_t {
    let value = Finalized::new(data, finalizer);
    // SAFETY: forwarded API contract on `out` and `context`.
    unsafe {
        returning(out, "out", move || {
            with_context(context, move |cx| {
                let r = ExternRef::new(cx.store(), value)?;
                cx.data().export(r)
            })
        })
    }
}

/// Stores in `*out` the `data` pointer that `externref` was created with. A null reference gives
/// `WRT_ERROR_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn wrt_externref_data(
    context: *mut wrt_context_t,
    externref: wrt_externref_t,
    out: *mut *mut c_void,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out` and `context`.
    unsafe {
        returning(out, "out", || {
            with_object(context, externref, |store, r| {
                r.data(&*store)?
                    .downcast_ref::<Finalized>()
                    .map(|f| f.data)
                    .ok_or_else(|| invalid_arg("the reference was not created by the C API"))
            })
        })
    }
}

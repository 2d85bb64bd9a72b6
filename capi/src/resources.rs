//! Fuel, the memory budget and memory-profile statistics of a store.

use std::ffi::c_char;

use wrt_core::{MemoryCategory, MemoryProfile, Store, Usage};

use crate::error::{
    fail, guard, invalid_arg, need_out, write_out, wrt_error_t, CResult, WRT_ERROR_UNSUPPORTED,
};
use crate::store::{with_context, wrt_context_t, Cx, StoreData};

/// A category of memory use (one of the `WRT_MEMORY_*` constants).
pub type wrt_memory_category_t = u32;
/// Linear memories.
pub const WRT_MEMORY_LINEAR_MEMORY: wrt_memory_category_t = 0;
/// Table elements.
pub const WRT_MEMORY_TABLES: wrt_memory_category_t = 1;
/// Global variables.
pub const WRT_MEMORY_GLOBALS: wrt_memory_category_t = 2;
/// The interpreter's value stack and call-frame stack.
pub const WRT_MEMORY_STACKS: wrt_memory_category_t = 3;
/// Translated function bodies and module metadata of instantiated modules.
pub const WRT_MEMORY_CODE: wrt_memory_category_t = 4;
/// Runtime bookkeeping: instances, function entries, segments, exports.
pub const WRT_MEMORY_RUNTIME: wrt_memory_category_t = 5;
/// Allocations host code reported with `wrt_context_charge_host`.
pub const WRT_MEMORY_HOST: wrt_memory_category_t = 6;
/// The number of categories (one more than the largest `WRT_MEMORY_*` value).
pub const WRT_MEMORY_CATEGORY_COUNT: wrt_memory_category_t = 7;

/// Current and peak bytes of one category, or of the total.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_usage_t {
    pub current: u64,
    pub peak: u64,
}

/// A snapshot of a store's memory use. Byte counts are exact capacities of the buffers the
/// runtime owns, not estimates. Plain data, owned by the caller.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_memory_profile_t {
    /// Whether a memory budget is set (`wrt_config_memory_budget`).
    pub has_budget: bool,
    /// The budget in bytes (0 when `has_budget` is false).
    pub budget: u64,
    /// All categories together; the peak is the highest simultaneous use.
    pub total: wrt_usage_t,
    /// Successful `memory.grow` operations (from wasm or `wrt_memory_grow`).
    pub memory_grows: u64,
    /// `memory.grow` operations refused (limit, maximum or budget).
    pub memory_grow_failures: u64,
    /// Successful `table.grow` operations.
    pub table_grows: u64,
    /// Allocations refused because they would exceed the budget.
    pub budget_refusals: u64,
}

fn category(c: wrt_memory_category_t) -> Option<MemoryCategory> {
    Some(match c {
        WRT_MEMORY_LINEAR_MEMORY => MemoryCategory::LinearMemory,
        WRT_MEMORY_TABLES => MemoryCategory::Tables,
        WRT_MEMORY_GLOBALS => MemoryCategory::Globals,
        WRT_MEMORY_STACKS => MemoryCategory::Stacks,
        WRT_MEMORY_CODE => MemoryCategory::Code,
        WRT_MEMORY_RUNTIME => MemoryCategory::Runtime,
        WRT_MEMORY_HOST => MemoryCategory::Host,
        _ => return None,
    })
}

fn usage(u: Usage) -> wrt_usage_t {
    wrt_usage_t {
        current: u.current,
        peak: u.peak,
    }
}

/// Runs `f` on the store behind a store context. Caller contexts do not offer these operations
/// yet (the core's `Caller` has no fuel setters or profile).
///
/// # Safety
/// `context` must be NULL or a live context.
unsafe fn with_store<R>(
    context: *mut wrt_context_t,
    what: &str,
    f: impl FnOnce(&mut Store<StoreData>) -> CResult<R>,
) -> CResult<R> {
    // SAFETY: forwarded contract on `context`.
    unsafe {
        with_context(context, |cx| match cx {
            Cx::Store(s) => f(s),
            Cx::Caller(_) => Err(fail(
                WRT_ERROR_UNSUPPORTED,
                format_args!(
                    "{what} is not available inside a host function; use the store's context"
                ),
            )),
        })
    }
}

/// Sets the fuel of the context's store. Fails with `WRT_ERROR_TYPE` unless the engine consumes
/// fuel (`wrt_config_consume_fuel`). Store contexts only (`WRT_ERROR_UNSUPPORTED` for callers).
#[no_mangle]
pub unsafe extern "C" fn wrt_context_fuel_set(
    context: *mut wrt_context_t,
    fuel: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        unsafe { with_store(context, "setting fuel", |s| Ok(s.set_fuel(fuel)?)) }
    })
}

/// Adds fuel to the context's store (saturating), for example to resume after
/// `WRT_TRAP_OUT_OF_FUEL`. Same conditions as `wrt_context_fuel_set`.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_fuel_add(
    context: *mut wrt_context_t,
    fuel: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        unsafe { with_store(context, "adding fuel", |s| Ok(s.add_fuel(fuel)?)) }
    })
}

/// Stores the remaining fuel of the context's store in `*fuel`. Works in store and caller
/// contexts; `WRT_ERROR_TYPE` unless the engine consumes fuel.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_fuel_get(
    context: *mut wrt_context_t,
    fuel: *mut u64,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(fuel, "fuel")?;
        // SAFETY: forwarded API contract on `context`.
        let left = unsafe { with_context(context, |cx| Ok(cx.store().get_fuel()?)) }?;
        // SAFETY: `fuel` is not NULL (checked) and writable (API contract).
        unsafe { write_out(fuel, left) };
        Ok(())
    })
}

/// Stores the fuel consumed since the store was created in `*consumed` (0 when fuel is not
/// enabled). Store contexts only.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_fuel_consumed(
    context: *mut wrt_context_t,
    consumed: *mut u64,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(consumed, "consumed")?;
        // SAFETY: forwarded API contract on `context`.
        let n = unsafe { with_store(context, "fuel statistics", |s| Ok(s.fuel_consumed())) }?;
        // SAFETY: `consumed` is not NULL (checked) and writable (API contract).
        unsafe { write_out(consumed, n) };
        Ok(())
    })
}

/// Stores a snapshot of the store's memory use in `*out`. Store contexts only.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_memory_profile(
    context: *mut wrt_context_t,
    out: *mut wrt_memory_profile_t,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(out, "out")?;
        // SAFETY: forwarded API contract on `context`.
        let p: MemoryProfile =
            unsafe { with_store(context, "the memory profile", |s| Ok(s.memory_profile())) }?;
        let profile = wrt_memory_profile_t {
            has_budget: p.budget.is_some(),
            budget: p.budget.unwrap_or(0),
            total: usage(p.total),
            memory_grows: p.memory_grows,
            memory_grow_failures: p.memory_grow_failures,
            table_grows: p.table_grows,
            budget_refusals: p.budget_refusals,
        };
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, profile) };
        Ok(())
    })
}

/// Stores the current and peak bytes of one category (`WRT_MEMORY_*`) in `*out`. An unknown
/// category gives `WRT_ERROR_INVALID_ARGUMENT`. Store contexts only.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_memory_category(
    context: *mut wrt_context_t,
    category_id: wrt_memory_category_t,
    out: *mut wrt_usage_t,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(out, "out")?;
        let c = category(category_id)
            .ok_or_else(|| invalid_arg(format_args!("unknown memory category {category_id}")))?;
        // SAFETY: forwarded API contract on `context`.
        let u = unsafe {
            with_store(context, "the memory profile", |s| {
                Ok(s.memory_profile().category(c))
            })
        }?;
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, usage(u)) };
        Ok(())
    })
}

/// The name of a memory category ("linear_memory", "tables", "globals", "stacks", "code",
/// "runtime", "host"), as a static string; NULL for an unknown category.
#[no_mangle]
pub extern "C" fn wrt_memory_category_name(category_id: wrt_memory_category_t) -> *const c_char {
    match category_id {
        WRT_MEMORY_LINEAR_MEMORY => c"linear_memory".as_ptr(),
        WRT_MEMORY_TABLES => c"tables".as_ptr(),
        WRT_MEMORY_GLOBALS => c"globals".as_ptr(),
        WRT_MEMORY_STACKS => c"stacks".as_ptr(),
        WRT_MEMORY_CODE => c"code".as_ptr(),
        WRT_MEMORY_RUNTIME => c"runtime".as_ptr(),
        WRT_MEMORY_HOST => c"host".as_ptr(),
        _ => std::ptr::null(),
    }
}

/// Reports `bytes` that host code allocates on the guest's behalf, so they count against the
/// memory budget (category `WRT_MEMORY_HOST`). Fails with `WRT_ERROR_LIMIT`, charging nothing,
/// if that would exceed the budget. Works in store and caller contexts.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_charge_host(
    context: *mut wrt_context_t,
    bytes: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        unsafe { with_context(context, |cx| Ok(cx.store().charge_host(bytes)?)) }
    })
}

/// Returns `bytes` reported with `wrt_context_charge_host`. Works in store and caller contexts.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_release_host(
    context: *mut wrt_context_t,
    bytes: u64,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_context(context, |cx| {
                cx.store().release_host(bytes);
                Ok(())
            })
        }
    })
}

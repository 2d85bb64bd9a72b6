//! Stores, the context each operation runs in, and every operation on store objects.

use std::any::Any;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, ThreadId};

use wrt::{wrt_context_t, wrt_memory_profile_t, wrt_store_t, wrt_usage_t, wrt_val_t};

use crate::engine::Engine;
use crate::error::{c_name, c_string, check, Error, ErrorKind, Result};
use crate::val::{Extern, ExternRef, Func, Global, Instance, Memory, Table, Val, ValKind};

/// A context pointer that may sit in the shared state. It is only ever used by the thread
/// recorded next to it (see `ExecState::callers`).
#[derive(Clone, Copy)]
struct ContextPtr(*mut wrt_context_t);

// SAFETY: the pointer is only stored in, and read from, the store's state; it is dereferenced
// (by the C API) only on the thread recorded with it, while the host call that created it runs.
unsafe impl Send for ContextPtr {}

/// What runs in a store right now; kept so memory views stay valid (see `Store::view_begin`).
#[derive(Default)]
struct ExecState {
    /// The caller contexts of the host calls that run, innermost last, with their threads.
    callers: Vec<(ThreadId, ContextPtr)>,
    /// The thread running wasm code in the store, and how many calls deep.
    owner: Option<ThreadId>,
    depth: usize,
    /// Open memory views. While any is open, no wasm code runs in the store and no memory
    /// grows, so the bytes they show stay where they are.
    views: usize,
}

pub(crate) struct StoreInner {
    raw: AtomicPtr<wrt_store_t>,
    engine: Engine,
    state: Mutex<ExecState>,
}

// SAFETY: `raw` is only passed to the C API, which detects concurrent use of a store and
// refuses it (`WRT_ERROR_BUSY`) instead of racing; everything else is behind the mutex, and
// caller contexts are used only by their own thread (see `ContextPtr`).
unsafe impl Send for StoreInner {}
// SAFETY: as above.
unsafe impl Sync for StoreInner {}

impl Drop for StoreInner {
    fn drop(&mut self) {
        let raw = self.raw.load(Ordering::Acquire);
        if !raw.is_null() {
            // SAFETY: `raw` came from `wrt_store_new` and is released once, here. No call can
            // run in it: every call holds a `Store`, so this is the last user.
            unsafe { wrt::wrt_store_delete(raw) };
        }
    }
}

/// Leaves the execution state as it was when dropped (after a call, even a failed one).
pub(crate) struct ExecGuard<'a> {
    store: &'a StoreInner,
}

impl Drop for ExecGuard<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.store.state);
        state.depth = state.depth.saturating_sub(1);
        if state.depth == 0 {
            state.owner = None;
        }
    }
}

fn lock(state: &Mutex<ExecState>) -> MutexGuard<'_, ExecState> {
    // The state is left consistent at every point a panic could happen, so a poisoned lock
    // is still usable.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn view_open_error() -> Error {
    Error::new(
        ErrorKind::Busy,
        "a memory view of this store is open: release it before running wasm code or growing \
         a memory",
    )
}

fn other_thread_error() -> Error {
    Error::new(
        ErrorKind::Busy,
        "the store is in use by a call on another thread",
    )
}

/// A snapshot of a store's memory use (`wrt_context_memory_profile` and
/// `wrt_context_memory_category`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryProfile {
    /// The memory budget in bytes, if one is set.
    pub budget: Option<u64>,
    /// Bytes held now, all categories together.
    pub current: u64,
    /// The most bytes held at once.
    pub peak: u64,
    pub memory_grows: u64,
    pub memory_grow_failures: u64,
    pub table_grows: u64,
    pub budget_refusals: u64,
    /// (name, current, peak) of every category, in the C API's order.
    pub categories: Vec<(String, u64, u64)>,
}

/// A store (`wrt_store_t`). Cheap to clone: clones name the same store, which lives as long
/// as any clone (including those held by objects of the bindings).
#[derive(Clone)]
pub struct Store(pub(crate) Arc<StoreInner>);

/// Data of an external reference, as the store keeps it.
type ExternData = Box<dyn Any + Send + Sync>;

unsafe extern "C" fn drop_extern_data(data: *mut c_void) {
    if !data.is_null() {
        // Dropping embedder data must not unwind into the C API.
        let _ = std::panic::catch_unwind(|| {
            // SAFETY: `data` came from `Box::into_raw` in `externref_new`; the C API calls
            // the finalizer exactly once.
            drop(unsafe { Box::from_raw(data.cast::<ExternData>()) });
        });
    }
}

impl Store {
    /// Creates a store for `engine`.
    pub fn new(engine: &Engine) -> Result<Store> {
        let inner = Arc::new(StoreInner {
            raw: AtomicPtr::new(ptr::null_mut()),
            engine: engine.clone(),
            state: Mutex::new(ExecState::default()),
        });
        let mut raw = ptr::null_mut();
        // The store's data is the address of `inner`, which owns the C store and so outlives
        // every host call into it; no finalizer is needed.
        let data = Arc::as_ptr(&inner).cast_mut().cast::<c_void>();
        // SAFETY: `engine` is live; `raw` is a valid out-pointer.
        unsafe { check(wrt::wrt_store_new(engine.raw(), data, None, &mut raw)) }?;
        inner.raw.store(raw, Ordering::Release);
        Ok(Store(inner))
    }

    /// The store whose data pointer is `data` (from `wrt_context_user_data`).
    ///
    /// # Safety
    /// `data` must be the data pointer of a store created by `Store::new` that is still alive.
    pub(crate) unsafe fn from_user_data(data: *mut c_void) -> Store {
        let ptr = data.cast_const().cast::<StoreInner>();
        // SAFETY: `ptr` came from `Arc::as_ptr` of a live `Arc<StoreInner>` (caller's
        // contract), so taking one more strong reference is sound.
        unsafe {
            Arc::increment_strong_count(ptr);
            Store(Arc::from_raw(ptr))
        }
    }

    /// The engine the store was created with.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    /// Whether two handles name the same store.
    pub fn same(&self, other: &Store) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The context operations of this thread run in: the caller context of the innermost host
    /// call running on this thread, otherwise the store's own.
    pub(crate) fn context(&self) -> *mut wrt_context_t {
        let me = thread::current().id();
        let state = lock(&self.0.state);
        if let Some((_, ctx)) = state.callers.iter().rev().find(|(t, _)| *t == me) {
            return ctx.0;
        }
        drop(state);
        // SAFETY: the store is live (we hold it); `wrt_store_context` only computes a pointer.
        unsafe { wrt::wrt_store_context(self.0.raw.load(Ordering::Acquire)) }
    }

    /// Records a host call's caller context for this thread until the returned guard drops.
    pub(crate) fn push_caller(&self, ctx: *mut wrt_context_t) -> CallerGuard<'_> {
        let mut state = lock(&self.0.state);
        state
            .callers
            .push((thread::current().id(), ContextPtr(ctx)));
        let views = state.views;
        CallerGuard {
            store: &self.0,
            views,
        }
    }

    /// Marks wasm code as running in the store on this thread, for the guard's lifetime.
    pub(crate) fn begin_exec(&self) -> Result<ExecGuard<'_>> {
        let me = thread::current().id();
        let mut state = lock(&self.0.state);
        if state.views > 0 {
            return Err(view_open_error());
        }
        match state.owner {
            Some(owner) if owner != me => return Err(other_thread_error()),
            _ => {}
        }
        state.owner = Some(me);
        state.depth += 1;
        Ok(ExecGuard { store: &self.0 })
    }

    // -----------------------------------------------------------------------------------
    // Functions.

    /// The parameter and result kinds of `func`.
    pub fn func_type(&self, func: Func) -> Result<(Vec<ValKind>, Vec<ValKind>)> {
        let ctx = self.context();
        let (mut np, mut nr) = (0usize, 0usize);
        // SAFETY: `ctx` is a live context of this store; the out-pointers are valid.
        unsafe { check(wrt::wrt_func_arity(ctx, func.0, &mut np, &mut nr)) }?;
        let mut params = vec![0u8; np];
        let mut results = vec![0u8; nr];
        // SAFETY: the buffers have exactly the counts the C API reported.
        unsafe {
            check(wrt::wrt_func_type(
                ctx,
                func.0,
                params.as_mut_ptr(),
                np,
                results.as_mut_ptr(),
                nr,
            ))
        }?;
        let kinds = |v: Vec<u8>| v.into_iter().map(ValKind::from_raw).collect::<Result<_>>();
        Ok((kinds(params)?, kinds(results)?))
    }

    /// Calls `func` with `args` and returns its results.
    pub fn call(&self, func: Func, args: &[Val]) -> Result<Vec<Val>> {
        let ctx = self.context();
        let mut nresults = 0usize;
        // SAFETY: `ctx` is a live context of this store; the out-pointer is valid.
        unsafe {
            check(wrt::wrt_func_arity(
                ctx,
                func.0,
                ptr::null_mut(),
                &mut nresults,
            ))
        }?;
        let raw_args: Vec<wrt_val_t> = args.iter().map(|v| v.to_raw()).collect();
        let mut raw_results: Vec<wrt_val_t> = vec![Val::I32(0).to_raw(); nresults];
        let _exec = self.begin_exec()?;
        // SAFETY: `ctx` is live; `raw_args` and `raw_results` are valid for their lengths
        // during the call.
        unsafe {
            check(wrt::wrt_func_call(
                ctx,
                func.0,
                raw_args.as_ptr(),
                raw_args.len(),
                raw_results.as_mut_ptr(),
                raw_results.len(),
            ))
        }?;
        raw_results.iter().map(Val::from_raw).collect()
    }

    // -----------------------------------------------------------------------------------
    // Instances.

    /// The export `name` of `instance`.
    pub fn instance_export(&self, instance: Instance, name: &str) -> Result<Extern> {
        let name = c_name(name, "export name")?;
        let mut out = Extern::Func(Func(Default::default())).to_raw();
        // SAFETY: the context is live, `name` is NUL-terminated, `out` is a valid out-pointer.
        unsafe {
            check(wrt::wrt_instance_export(
                self.context(),
                instance.0,
                name.as_ptr(),
                &mut out,
            ))
        }?;
        Extern::from_raw(&out)
    }

    // -----------------------------------------------------------------------------------
    // Memories.

    /// The size of `memory` in bytes.
    pub fn memory_data_size(&self, memory: Memory) -> Result<usize> {
        let mut len = 0usize;
        // SAFETY: the context is live; NULL is allowed for the data pointer; `len` is valid.
        unsafe {
            check(wrt::wrt_memory_data(
                self.context(),
                memory.0,
                ptr::null_mut(),
                &mut len,
            ))
        }?;
        Ok(len)
    }

    /// The size of `memory` in 64 KiB pages.
    pub fn memory_size(&self, memory: Memory) -> Result<u64> {
        let mut pages = 0u64;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_memory_size(self.context(), memory.0, &mut pages)) }?;
        Ok(pages)
    }

    /// Grows `memory` by `delta` pages; returns the previous size in pages.
    pub fn memory_grow(&self, memory: Memory, delta: u64) -> Result<u64> {
        if lock(&self.0.state).views > 0 {
            return Err(view_open_error());
        }
        let mut previous = 0u64;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe {
            check(wrt::wrt_memory_grow(
                self.context(),
                memory.0,
                delta,
                &mut previous,
            ))
        }?;
        Ok(previous)
    }

    /// Copies `len` bytes at `offset` out of `memory`.
    pub fn memory_read(&self, memory: Memory, offset: usize, len: usize) -> Result<Vec<u8>> {
        let mut buffer = vec![0u8; len];
        // SAFETY: the context is live; `buffer` is writable for `len` bytes.
        unsafe {
            check(wrt::wrt_memory_read(
                self.context(),
                memory.0,
                offset,
                buffer.as_mut_ptr(),
                len,
            ))
        }?;
        Ok(buffer)
    }

    /// Copies `data` into `memory` at `offset`.
    pub fn memory_write(&self, memory: Memory, offset: usize, data: &[u8]) -> Result {
        // SAFETY: the context is live; `data` is readable for its length.
        unsafe {
            check(wrt::wrt_memory_write(
                self.context(),
                memory.0,
                offset,
                data.as_ptr(),
                data.len(),
            ))
        }
    }

    /// Opens a view of the bytes of `memory`: returns their address and length, which stay
    /// valid until the matching [`Store::view_end`]. Meanwhile no wasm code runs in the store
    /// and no memory of it grows (those fail with `WRT_ERROR_BUSY`), and the store is not
    /// deleted as long as this handle lives. A host function must end the views it began
    /// before it returns (otherwise its call fails).
    pub fn view_begin(&self, memory: Memory) -> Result<(*mut u8, usize)> {
        {
            let me = thread::current().id();
            let mut state = lock(&self.0.state);
            match state.owner {
                Some(owner) if owner != me => return Err(other_thread_error()),
                _ => {}
            }
            state.views += 1;
        }
        let mut data = ptr::null_mut();
        let mut len = 0usize;
        // SAFETY: the context is live; the out-pointers are valid.
        let result = unsafe {
            check(wrt::wrt_memory_data(
                self.context(),
                memory.0,
                &mut data,
                &mut len,
            ))
        };
        match result {
            Ok(()) => Ok((data, len)),
            Err(e) => {
                self.view_end();
                Err(e)
            }
        }
    }

    /// Ends a view begun with [`Store::view_begin`].
    pub fn view_end(&self) {
        let mut state = lock(&self.0.state);
        state.views = state.views.saturating_sub(1);
    }

    // -----------------------------------------------------------------------------------
    // Globals and tables.

    /// The value of `global`.
    pub fn global_get(&self, global: Global) -> Result<Val> {
        let mut out = Val::I32(0).to_raw();
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_global_get(self.context(), global.0, &mut out)) }?;
        Val::from_raw(&out)
    }

    /// Sets `global` to `value`.
    pub fn global_set(&self, global: Global, value: Val) -> Result {
        let raw = value.to_raw();
        // SAFETY: the context is live; `raw` is borrowed for the call.
        unsafe { check(wrt::wrt_global_set(self.context(), global.0, &raw)) }
    }

    /// The value kind of `global` and whether it is mutable.
    pub fn global_type(&self, global: Global) -> Result<(ValKind, bool)> {
        let (mut kind, mut mutable) = (0u8, false);
        // SAFETY: the context is live; the out-pointers are valid.
        unsafe {
            check(wrt::wrt_global_type(
                self.context(),
                global.0,
                &mut kind,
                &mut mutable,
            ))
        }?;
        Ok((ValKind::from_raw(kind)?, mutable))
    }

    /// The number of elements of `table`.
    pub fn table_size(&self, table: Table) -> Result<u64> {
        let mut size = 0u64;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_table_size(self.context(), table.0, &mut size)) }?;
        Ok(size)
    }

    /// The element kind of `table`.
    pub fn table_type(&self, table: Table) -> Result<ValKind> {
        let mut kind = 0u8;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_table_type(self.context(), table.0, &mut kind)) }?;
        ValKind::from_raw(kind)
    }

    /// Element `index` of `table`.
    pub fn table_get(&self, table: Table, index: u64) -> Result<Val> {
        let mut out = Val::FuncRef(None).to_raw();
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_table_get(self.context(), table.0, index, &mut out)) }?;
        Val::from_raw(&out)
    }

    /// Sets element `index` of `table`.
    pub fn table_set(&self, table: Table, index: u64, value: Val) -> Result {
        let raw = value.to_raw();
        // SAFETY: the context is live; `raw` is borrowed for the call.
        unsafe { check(wrt::wrt_table_set(self.context(), table.0, index, &raw)) }
    }

    /// Grows `table` by `delta` elements set to `init`; returns the previous size.
    pub fn table_grow(&self, table: Table, delta: u64, init: Val) -> Result<u64> {
        let raw = init.to_raw();
        let mut previous = 0u64;
        // SAFETY: the context is live; `raw` is borrowed; the out-pointer is valid.
        unsafe {
            check(wrt::wrt_table_grow(
                self.context(),
                table.0,
                delta,
                &raw,
                &mut previous,
            ))
        }?;
        Ok(previous)
    }

    // -----------------------------------------------------------------------------------
    // External references.

    /// Creates an external reference to `data`, which the store keeps until it is deleted.
    pub fn externref_new(&self, data: ExternData) -> Result<ExternRef> {
        let data = Box::into_raw(Box::new(data)).cast::<c_void>();
        let mut out = Default::default();
        // SAFETY: the context is live; ownership of `data` passes to the C API, which calls
        // `drop_extern_data` exactly once (also on failure); the out-pointer is valid.
        unsafe {
            check(wrt::wrt_externref_create(
                self.context(),
                data,
                Some(drop_extern_data),
                &mut out,
            ))
        }?;
        Ok(ExternRef(out))
    }

    /// The data an external reference was created with.
    pub fn externref_data(&self, r: ExternRef) -> Result<&(dyn Any + Send + Sync)> {
        let mut data = ptr::null_mut();
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_externref_data(self.context(), r.0, &mut data)) }?;
        if data.is_null() {
            return Err(Error::new(
                ErrorKind::Handle,
                "the reference has no data of these bindings",
            ));
        }
        // SAFETY: every external reference of stores made here was created by
        // `externref_new`, whose data is a `Box<ExternData>`; the store keeps it until it is
        // deleted, and `self` keeps the store alive for the returned borrow.
        Ok(unsafe { &**data.cast::<ExternData>() })
    }

    // -----------------------------------------------------------------------------------
    // Fuel, memory profile, host charges.

    /// Sets the store's fuel (store context only).
    pub fn fuel_set(&self, fuel: u64) -> Result {
        // SAFETY: the context is live.
        unsafe { check(wrt::wrt_context_fuel_set(self.context(), fuel)) }
    }

    /// Adds fuel (store context only).
    pub fn fuel_add(&self, fuel: u64) -> Result {
        // SAFETY: the context is live.
        unsafe { check(wrt::wrt_context_fuel_add(self.context(), fuel)) }
    }

    /// The remaining fuel.
    pub fn fuel_get(&self) -> Result<u64> {
        let mut fuel = 0u64;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_context_fuel_get(self.context(), &mut fuel)) }?;
        Ok(fuel)
    }

    /// The fuel consumed since the store was created (store context only).
    pub fn fuel_consumed(&self) -> Result<u64> {
        let mut fuel = 0u64;
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_context_fuel_consumed(self.context(), &mut fuel)) }?;
        Ok(fuel)
    }

    /// A snapshot of the store's memory use (store context only).
    pub fn memory_profile(&self) -> Result<MemoryProfile> {
        let ctx = self.context();
        let mut p = wrt_memory_profile_t::default();
        // SAFETY: the context is live; the out-pointer is valid.
        unsafe { check(wrt::wrt_context_memory_profile(ctx, &mut p)) }?;
        let mut categories = Vec::new();
        for id in 0..wrt::WRT_MEMORY_CATEGORY_COUNT {
            let mut usage = wrt_usage_t::default();
            // SAFETY: the context is live; the out-pointer is valid.
            unsafe { check(wrt::wrt_context_memory_category(ctx, id, &mut usage)) }?;
            // SAFETY: the name is a static string (or NULL).
            let name = unsafe { c_string(wrt::wrt_memory_category_name(id)) };
            categories.push((name, usage.current, usage.peak));
        }
        Ok(MemoryProfile {
            budget: p.has_budget.then_some(p.budget),
            current: p.total.current,
            peak: p.total.peak,
            memory_grows: p.memory_grows,
            memory_grow_failures: p.memory_grow_failures,
            table_grows: p.table_grows,
            budget_refusals: p.budget_refusals,
            categories,
        })
    }

    /// Charges host allocations to the memory budget.
    pub fn charge_host(&self, bytes: u64) -> Result {
        // SAFETY: the context is live.
        unsafe { check(wrt::wrt_context_charge_host(self.context(), bytes)) }
    }

    /// Returns host allocations charged with [`Store::charge_host`].
    pub fn release_host(&self, bytes: u64) -> Result {
        // SAFETY: the context is live.
        unsafe { check(wrt::wrt_context_release_host(self.context(), bytes)) }
    }
}

/// Removes a caller context pushed by `Store::push_caller` when dropped.
pub(crate) struct CallerGuard<'a> {
    store: &'a StoreInner,
    /// Views open when the host call began.
    views: usize,
}

impl CallerGuard<'_> {
    /// Whether the host call left views open that it began.
    pub(crate) fn views_left_open(&self) -> bool {
        lock(&self.store.state).views > self.views
    }
}

impl Drop for CallerGuard<'_> {
    fn drop(&mut self) {
        let me = thread::current().id();
        let mut state = lock(&self.store.state);
        if let Some(pos) = state.callers.iter().rposition(|(t, _)| *t == me) {
            state.callers.remove(pos);
        }
    }
}

//! Stores, contexts (a store, or a caller inside a host function) and user data.

use std::ffi::c_void;
use std::ptr::{self, addr_of, addr_of_mut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use wrt_core::{AsContextMut, Caller, Store};

use crate::config::{engine_ref, wrt_engine_t};
use crate::error::{
    fail, guard, need_out, null_arg, release, returning, write_out, wrt_error_t, CResult, Fail,
    WRT_ERROR_BUSY, WRT_ERROR_INTERNAL,
};
use crate::val::{CHandle, Handles};
#[cfg(feature = "wasi")]
use crate::wasi::WasiState;

/// A finalizer: called once with the pointer it was registered with, when wrt no longer needs
/// that pointer. It must not call back into wrt.
pub type wrt_finalizer_t = Option<unsafe extern "C" fn(data: *mut c_void)>;

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A pointer handed over by C, with the finalizer that releases it.
pub(crate) struct Finalized {
    pub(crate) data: *mut c_void,
    finalizer: wrt_finalizer_t,
}

// SAFETY: wrt never reads or writes through `data`; it only hands the pointer back to C code
// (host callbacks, `wrt_*_user_data`, the finalizer). Whether the pointee may be used from
// another thread is the embedder's responsibility, as the header's thread-safety rules say.
unsafe impl Send for Finalized {}
// SAFETY: as for `Send`: shared access in Rust never touches the pointee.
unsafe impl Sync for Finalized {}

impl Finalized {
    pub(crate) fn new(data: *mut c_void, finalizer: wrt_finalizer_t) -> Self {
        Finalized { data, finalizer }
    }
}

impl Drop for Finalized {
    fn drop(&mut self) {
        if let Some(finalize) = self.finalizer {
            // SAFETY: the embedder registered `finalize` for `data` and it runs exactly once,
            // here, when wrt drops its last use of the pointer.
            unsafe { finalize(self.data) };
        }
    }
}

/// The host data of every store created through the C API.
pub(crate) struct StoreData {
    /// Names the store in C handles; never 0 (0 is the null reference).
    pub(crate) id: u64,
    pub(crate) handles: Handles,
    /// Set when an internal error (a caught panic) interrupted an operation on the store, from
    /// its own context or from a caller context of one of its host calls.
    poisoned: Arc<AtomicBool>,
    /// The WASI state its guests see (an empty, unconfigured one until `wrt_context_set_wasi`).
    #[cfg(feature = "wasi")]
    pub(crate) wasi: WasiState,
    /// Dropped last, so the embedder's finalizer runs after everything else of the store.
    user: Finalized,
}

impl StoreData {
    pub(crate) fn user_data(&self) -> *mut c_void {
        self.user.data
    }
}

enum ContextKind {
    Store(Box<Store<StoreData>>),
    /// The caller of the running host function; it lives on the stack of the host call.
    Caller(*mut Caller<'static, StoreData>),
}

/// Where an operation on store objects runs: a store (`wrt_store_context`) or, inside a host
/// function, the caller (`wrt_caller_context`).
///
/// Borrowed from the store or caller it came from; never released on its own. A context can be
/// used by one call at a time: a second use while the first runs (from a host function, or
/// from another thread) fails with `WRT_ERROR_BUSY` instead of corrupting the store.
pub struct wrt_context_t {
    busy: AtomicBool,
    /// Shared by the store's context and every caller context of it.
    poisoned: Arc<AtomicBool>,
    kind: ContextKind,
}

/// A store: owner of instances, functions, memories, tables and globals, of the WASI state its
/// guests use (`wrt_context_set_wasi`), plus a `void *` of embedder data.
///
/// Owned by the caller of `wrt_store_new`; release with `wrt_store_delete`, which releases
/// every object in it (and closes the files of its WASI state). Single-threaded: use a store (and every handle of it) from one thread
/// at a time; it may move between threads between calls. Concurrent use is detected
/// (`WRT_ERROR_BUSY`), not relied on.
pub struct wrt_store_t {
    ctx: wrt_context_t,
}

/// The view a host function has of its caller: the store and the calling instance. Borrowed,
/// valid only until the host callback returns; never released.
pub struct wrt_caller_t {
    ctx: wrt_context_t,
}

/// An exclusive borrow of a store, through a store or a caller.
pub(crate) enum Cx<'a> {
    Store(&'a mut Store<StoreData>),
    Caller(&'a mut Caller<'a, StoreData>),
}

impl Cx<'_> {
    pub(crate) fn data(&mut self) -> &mut StoreData {
        self.store().data_mut()
    }

    /// The store, borrowed through the store or the caller.
    pub(crate) fn store(&mut self) -> &mut Store<StoreData> {
        match self {
            Cx::Store(s) => s,
            Cx::Caller(c) => c.as_store_mut(),
        }
    }
}

/// Clears the busy flag when an operation ends, and poisons the context if it ends in a panic.
struct Busy<'a> {
    busy: &'a AtomicBool,
    poisoned: &'a AtomicBool,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.poisoned.store(true, Ordering::Release);
        }
        self.busy.store(false, Ordering::Release);
    }
}

/// Runs `f` with exclusive access to the store behind a context.
///
/// # Safety
/// `ctx` must be NULL or point to a live `wrt_context_t` (from `wrt_store_context` or
/// `wrt_caller_context`).
pub(crate) unsafe fn with_context<R>(
    ctx: *mut wrt_context_t,
    f: impl FnOnce(&mut Cx<'_>) -> CResult<R>,
) -> CResult<R> {
    if ctx.is_null() {
        return Err(null_arg("context"));
    }
    // SAFETY: `ctx` is live (caller's contract). Only the atomic fields are borrowed here, and
    // only shared, so this is sound even while another operation holds `kind`.
    let (busy, poisoned) = unsafe { (&*addr_of!((*ctx).busy), &**addr_of!((*ctx).poisoned)) };
    if busy
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        return Err(fail(
            WRT_ERROR_BUSY,
            "the store is in use: inside a host function use the caller's context; \
             a store must not be used from two threads at once",
        ));
    }
    let _busy = Busy { busy, poisoned };
    if poisoned.load(Ordering::Acquire) {
        return Err(fail(
            WRT_ERROR_INTERNAL,
            "the store is unusable after an earlier internal error",
        ));
    }
    // SAFETY: winning the `busy` flag gives this call exclusive access to `kind` until `_busy`
    // is dropped; no other reference to `kind` exists meanwhile.
    let kind = unsafe { &mut *addr_of_mut!((*ctx).kind) };
    let mut cx = match kind {
        ContextKind::Store(store) => Cx::Store(store),
        ContextKind::Caller(caller) => {
            let caller = caller.cast::<Caller<'_, StoreData>>();
            // SAFETY: a caller context exists only while its host call runs (the
            // `wrt_caller_t` lives on that call's stack), so the `Caller` it points to is live,
            // and the busy flag makes this the only borrow of it.
            Cx::Caller(unsafe { &mut *caller })
        }
    };
    f(&mut cx)
}

/// Runs `op` on the store behind `context` and the object `handle` names in it: the skeleton of
/// the functions on one object of a store. A handle of another store fails with
/// `WRT_ERROR_HANDLE`.
///
/// # Safety
/// As for [`with_context`].
pub(crate) unsafe fn with_object<H: CHandle, R, E>(
    context: *mut wrt_context_t,
    handle: H,
    op: impl FnOnce(&mut Store<StoreData>, H::Core) -> Result<R, E>,
) -> CResult<R>
where
    Fail: From<E>,
{
    // SAFETY: forwarded contract on `context`.
    unsafe {
        with_context(context, |cx| {
            let object = cx.data().import(handle)?;
            Ok(op(cx.store(), object)?)
        })
    }
}

/// Creates the context of a host call, around the core's `Caller`.
pub(crate) fn caller_context(caller: &mut Caller<'_, StoreData>) -> wrt_caller_t {
    let poisoned = Arc::clone(&caller.data().poisoned);
    let caller: *mut Caller<'_, StoreData> = caller;
    wrt_caller_t {
        ctx: wrt_context_t {
            busy: AtomicBool::new(false),
            poisoned,
            kind: ContextKind::Caller(caller.cast()),
        },
    }
}

/// Creates a store. `data` is the embedder's pointer, returned by `wrt_context_user_data`;
/// wrt never dereferences it. `finalizer` (may be NULL) is called with `data` when the store is
/// deleted, after every other object of the store is gone; on error it is called before this
/// function returns, so ownership of `data` always passes to wrt. `engine` is borrowed. The
/// caller owns `*out` and releases it with `wrt_store_delete`; on error `*out` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_store_new(
    engine: *const wrt_engine_t,
    data: *mut c_void,
    finalizer: wrt_finalizer_t,
    out: *mut *mut wrt_store_t,
) -> *mut wrt_error_t {
    let user = Finalized::new(data, finalizer);
    guard(move || {
        // SAFETY: forwarded API contract on `engine`.
        let engine = unsafe { engine_ref(engine) }?;
        need_out(out, "out")?;
        let poisoned = Arc::new(AtomicBool::new(false));
        let data = StoreData {
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
            handles: Handles::default(),
            poisoned: Arc::clone(&poisoned),
            #[cfg(feature = "wasi")]
            wasi: WasiState::unconfigured()?,
            user,
        };
        let store = Box::new(wrt_store_t {
            ctx: wrt_context_t {
                busy: AtomicBool::new(false),
                poisoned,
                kind: ContextKind::Store(Box::new(Store::new(engine, data))),
            },
        });
        // SAFETY: `out` is not NULL (checked) and writable (API contract).
        unsafe { write_out(out, Box::into_raw(store)) };
        Ok(())
    })
}

/// Releases a store and everything in it, then calls the store's finalizer. NULL is ignored.
/// Deleting a store while a call on it runs (from inside a host function) is refused: the
/// store is left alone.
#[no_mangle]
pub unsafe extern "C" fn wrt_store_delete(store: *mut wrt_store_t) {
    if store.is_null() {
        return;
    }
    // SAFETY: `store` is live (API contract); only its atomic flag is borrowed, shared.
    let busy = unsafe { &*addr_of!((*store).ctx.busy) };
    if busy.swap(true, Ordering::Acquire) {
        return;
    }
    // SAFETY: `store` came from `wrt_store_new`, is released once (API contract), and no
    // operation runs on it (the busy flag was free and is now held for good).
    unsafe { release(store) }
}

/// The context of a store, for the functions that take a `wrt_context_t *`. Borrowed from the
/// store: valid until the store is deleted. NULL if `store` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wrt_store_context(store: *mut wrt_store_t) -> *mut wrt_context_t {
    if store.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `store` is live (API contract); this computes a field address without reading.
    unsafe { addr_of_mut!((*store).ctx) }
}

/// The context of a host function's caller: use it (not the store's) for everything done inside
/// the host function. Valid until the host callback returns. NULL if `caller` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wrt_caller_context(caller: *mut wrt_caller_t) -> *mut wrt_context_t {
    if caller.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `caller` is live (API contract); this computes a field address without reading.
    unsafe { addr_of_mut!((*caller).ctx) }
}

/// Stores in `*out` the `data` pointer given to `wrt_store_new` for the context's store.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_user_data(
    context: *mut wrt_context_t,
    out: *mut *mut c_void,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `out` and `context`.
    unsafe {
        returning(out, "out", || {
            with_context(context, |cx| Ok(cx.data().user_data()))
        })
    }
}

/// Runs `f` on the context of a caller.
///
/// # Safety
/// `caller` must be NULL or a live caller (inside its host callback).
pub(crate) unsafe fn with_caller<R>(
    caller: *mut wrt_caller_t,
    f: impl FnOnce(&mut Caller<'_, StoreData>) -> CResult<R>,
) -> CResult<R> {
    if caller.is_null() {
        return Err(null_arg("caller"));
    }
    // SAFETY: `caller` is live (caller's contract), so its context is.
    unsafe {
        with_context(wrt_caller_context(caller), |cx| match cx {
            Cx::Caller(c) => f(c),
            Cx::Store(_) => Err(null_arg("caller")),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::config::{wrt_engine_delete, wrt_engine_new};
    use crate::error::{wrt_error_code, wrt_error_delete, WRT_ERROR_INTERNAL};

    #[test]
    fn a_panic_poisons_the_store_and_busy_is_released() {
        // SAFETY: the pointers come from the API functions just above their use and are
        // released once at the end.
        unsafe {
            let mut engine = ptr::null_mut();
            assert!(wrt_engine_new(ptr::null(), &mut engine).is_null());
            let mut store = ptr::null_mut();
            assert!(wrt_store_new(engine, ptr::null_mut(), None, &mut store).is_null());
            let cx = wrt_store_context(store);

            let err = guard(|| with_context(cx, |_| -> CResult { panic!("bug") }));
            assert_eq!(wrt_error_code(err), WRT_ERROR_INTERNAL);
            wrt_error_delete(err);

            // Not busy any more, but poisoned.
            let mut data = ptr::null_mut();
            let err = wrt_context_user_data(cx, &mut data);
            assert_eq!(wrt_error_code(err), WRT_ERROR_INTERNAL);
            wrt_error_delete(err);

            wrt_store_delete(store);
            wrt_engine_delete(engine);
        }
    }
}

//! Linkers, host functions and their callers.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::{Arc, Mutex};

use wrt::{wrt_caller_t, wrt_error_t, wrt_linker_t, wrt_val_t};

use crate::engine::{Engine, Module};
use crate::error::{c_name, check, Error, ErrorKind, Result};
use crate::module_info::FuncType;
use crate::owned::Owned;
use crate::store::Store;
use crate::val::{Extern, Instance, Memory, Val, ValKind};

/// A host function: gets the caller, the arguments (of the declared kinds) and result slots
/// (set to zeros of the declared kinds), and fills the slots or fails with a message (the wasm
/// caller then traps and the embedder gets a `WRT_ERROR_HOST` error with that message).
pub type HostFn =
    dyn Fn(&Caller, &[Val], &mut [Val]) -> std::result::Result<(), String> + Send + Sync;

struct HostFunc {
    func: Box<HostFn>,
}

/// The raw caller of a running host call.
#[derive(Clone, Copy)]
struct CallerPtr(*mut wrt_caller_t);

// SAFETY: the pointer is only used while the host call runs (`Caller` clears it, under its
// mutex, before the call returns), and the C API detects concurrent use of the caller's context.
unsafe impl Send for CallerPtr {}

/// The view a host function has of its caller (`wrt_caller_t`). Cheap to clone; usable while
/// the host call runs, after which every method fails with `WRT_ERROR_HANDLE`.
#[derive(Clone)]
pub struct Caller {
    store: Store,
    raw: Arc<Mutex<Option<CallerPtr>>>,
}

impl Caller {
    /// The store of the call. Operations on it from this thread run in the caller's context
    /// while the host function runs.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether the host call is still running.
    pub fn is_valid(&self) -> bool {
        self.raw.lock().map(|raw| raw.is_some()).unwrap_or(false)
    }

    fn with_raw<R>(&self, f: impl FnOnce(*mut wrt_caller_t) -> Result<R>) -> Result<R> {
        let raw = self
            .raw
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match *raw {
            Some(p) => f(p.0),
            None => Err(Error::new(
                ErrorKind::Handle,
                "the caller is usable only while its host function runs",
            )),
        }
    }

    fn invalidate(&self) {
        *self
            .raw
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }

    /// The export `name` of the calling instance.
    pub fn export(&self, name: &str) -> Result<Extern> {
        let name = c_name(name, "export name")?;
        let mut out = Extern::Func(Default::default()).to_raw();
        self.with_raw(|raw| {
            // SAFETY: `raw` is the live caller of the running host call (checked under the
            // lock that `invalidate` takes); `name` is NUL-terminated; `out` is valid.
            unsafe { check(wrt::wrt_caller_export(raw, name.as_ptr(), &mut out)) }
        })?;
        Extern::from_raw(&out)
    }

    /// The calling instance's memory (its export "memory").
    pub fn memory(&self) -> Result<Memory> {
        let mut out = Default::default();
        self.with_raw(|raw| {
            // SAFETY: `raw` is the live caller of the running host call; `out` is valid.
            unsafe { check(wrt::wrt_caller_memory(raw, &mut out)) }
        })?;
        Ok(Memory(out))
    }
}

struct InvalidateOnDrop<'a>(&'a Caller);

impl Drop for InvalidateOnDrop<'_> {
    fn drop(&mut self) {
        self.0.invalidate();
    }
}

unsafe extern "C" fn drop_host_func(env: *mut c_void) {
    if !env.is_null() {
        // Dropping the embedder's closure must not unwind into the C API.
        let _ = catch_unwind(|| {
            // SAFETY: `env` came from `Box::into_raw` in `define_func`; the C API calls the
            // finalizer exactly once.
            drop(unsafe { Box::from_raw(env.cast::<HostFunc>()) });
        });
    }
}

fn host_error(message: &str) -> *mut wrt_error_t {
    let text = std::ffi::CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    // SAFETY: `text` is NUL-terminated and copied by the call; the returned error's ownership
    // passes to the C API when the trampoline returns it.
    unsafe { wrt::wrt_error_new(text.as_ptr()) }
}

/// The C callback of every host function defined through this crate.
unsafe extern "C" fn trampoline(
    env: *mut c_void,
    caller: *mut wrt_caller_t,
    args: *const wrt_val_t,
    nargs: usize,
    results: *mut wrt_val_t,
    nresults: usize,
) -> *mut wrt_error_t {
    let body = AssertUnwindSafe(|| -> std::result::Result<(), String> {
        // SAFETY: `env` is the `HostFunc` given at definition, alive while the function is
        // defined or used (the C API runs the finalizer only after that).
        let host = unsafe { &*env.cast::<HostFunc>() };
        // SAFETY: `caller` is live for this call (C API contract).
        let ctx = unsafe { wrt::wrt_caller_context(caller) };
        let mut data = ptr::null_mut();
        // SAFETY: `ctx` is live; `data` is a valid out-pointer.
        unsafe { check(wrt::wrt_context_user_data(ctx, &mut data)) }.map_err(|e| e.to_string())?;
        // SAFETY: every store this crate creates has its `StoreInner` as data, and the store
        // is alive while its host functions run.
        let store = unsafe { Store::from_user_data(data) };
        let caller_guard = store.push_caller(ctx);
        let args = if nargs == 0 {
            &[][..]
        } else {
            // SAFETY: `args` points to `nargs` values for the duration of the call.
            unsafe { std::slice::from_raw_parts(args, nargs) }
        };
        let results = if nresults == 0 {
            &mut [][..]
        } else {
            // SAFETY: `results` points to `nresults` writable values for the call.
            unsafe { std::slice::from_raw_parts_mut(results, nresults) }
        };
        let args: Vec<Val> = args
            .iter()
            .map(Val::from_raw)
            .collect::<Result<_>>()
            .map_err(|e| e.to_string())?;
        let mut out: Vec<Val> = results
            .iter()
            .map(Val::from_raw)
            .collect::<Result<_>>()
            .map_err(|e| e.to_string())?;
        let kinds: Vec<ValKind> = out.iter().map(Val::kind).collect();
        let c = Caller {
            store: store.clone(),
            raw: Arc::new(Mutex::new(Some(CallerPtr(caller)))),
        };
        let outcome = {
            // Ends the caller's validity when the host function returns, or unwinds.
            let _valid = InvalidateOnDrop(&c);
            (host.func)(&c, &args, &mut out)
        };
        if caller_guard.views_left_open() {
            return Err(
                "the host function returned with a memory view still open; release \
                        views before returning"
                    .into(),
            );
        }
        outcome?;
        for (i, (slot, value)) in results.iter_mut().zip(&out).enumerate() {
            if value.kind() != kinds[i] {
                return Err(format!(
                    "host function result {i} is {}, but {} was declared",
                    value.kind().name(),
                    kinds[i].name()
                ));
            }
            *slot = value.to_raw();
        }
        Ok(())
    });
    match catch_unwind(body) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(message)) => host_error(&message),
        Err(_) => host_error("internal error: a host function of the bindings panicked"),
    }
}

struct LinkerInner {
    raw: Owned<wrt_linker_t>,
    engine: Engine,
    /// Definitions come from one thread at a time, as the C API requires.
    define: Mutex<()>,
}

// SAFETY: definitions are serialised by `define`; instantiation from several threads at once
// is allowed by the C API, which refuses (`WRT_ERROR_BUSY`) definitions during one.
unsafe impl Send for LinkerInner {}
// SAFETY: as above.
unsafe impl Sync for LinkerInner {}

/// A linker (`wrt_linker_t`). Cheap to clone; clones name the same linker.
#[derive(Clone)]
pub struct Linker(Arc<LinkerInner>);

impl Linker {
    /// Creates an empty linker for stores of `engine`.
    pub fn new(engine: &Engine) -> Result<Linker> {
        // SAFETY: the constructor of linkers; `engine` is live. Stores keep the host functions
        // they use.
        let raw = unsafe { Owned::new(|out| wrt::wrt_linker_new(engine.raw(), out)) }?;
        Ok(Linker(Arc::new(LinkerInner {
            raw,
            engine: engine.clone(),
            define: Mutex::new(()),
        })))
    }

    /// The engine of the linker.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    pub(crate) fn raw(&self) -> *mut wrt_linker_t {
        self.0.raw.as_ptr()
    }

    /// Runs a definition with the definition lock held.
    pub(crate) fn defining<R>(&self, f: impl FnOnce(*mut wrt_linker_t) -> R) -> R {
        let _lock = self
            .0
            .define
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(self.raw())
    }

    /// Whether later definitions may replace earlier ones of the same name.
    pub fn allow_shadowing(&self, allow: bool) -> Result {
        // SAFETY: the linker is live and definitions are serialised.
        self.defining(|raw| unsafe { check(wrt::wrt_linker_allow_shadowing(raw, allow)) })
    }

    /// Defines `module`.`name` as a host function of type `ty`.
    pub fn define_func(
        &self,
        module: &str,
        name: &str,
        ty: &FuncType,
        func: Box<HostFn>,
    ) -> Result {
        let module = c_name(module, "module name")?;
        let name = c_name(name, "name")?;
        let params: Vec<u8> = ty.params.iter().map(|k| k.to_raw()).collect();
        let results: Vec<u8> = ty.results.iter().map(|k| k.to_raw()).collect();
        let env = Box::into_raw(Box::new(HostFunc { func })).cast::<c_void>();
        self.defining(|raw| {
            // SAFETY: the linker is live; the strings and kind arrays are valid for the call;
            // ownership of `env` passes to the C API, which calls `drop_host_func` exactly once
            // (also on failure).
            unsafe {
                check(wrt::wrt_linker_define_func(
                    raw,
                    module.as_ptr(),
                    name.as_ptr(),
                    params.as_ptr(),
                    params.len(),
                    results.as_ptr(),
                    results.len(),
                    Some(trampoline),
                    env,
                    Some(drop_host_func),
                ))
            }
        })
    }

    /// Defines `module`.`name` as an object of `store`.
    pub fn define(&self, store: &Store, module: &str, name: &str, item: Extern) -> Result {
        let module = c_name(module, "module name")?;
        let name = c_name(name, "name")?;
        let raw_item = item.to_raw();
        self.defining(|raw| {
            // SAFETY: the linker and the store's context are live; the strings and the item
            // are borrowed for the call.
            unsafe {
                check(wrt::wrt_linker_define(
                    raw,
                    store.context(),
                    module.as_ptr(),
                    name.as_ptr(),
                    &raw_item,
                ))
            }
        })
    }

    /// Defines every export of `instance` (of `store`) under `module`.
    pub fn define_instance(&self, store: &Store, module: &str, instance: Instance) -> Result {
        let module = c_name(module, "module name")?;
        self.defining(|raw| {
            // SAFETY: the linker and the store's context are live; the string is borrowed.
            unsafe {
                check(wrt::wrt_linker_define_instance(
                    raw,
                    store.context(),
                    module.as_ptr(),
                    instance.0,
                ))
            }
        })
    }

    /// Instantiates `module` in `store`, resolving its imports here.
    pub fn instantiate(&self, store: &Store, module: &Module) -> Result<Instance> {
        let mut out = Default::default();
        let ctx = store.context();
        let _exec = store.begin_exec()?;
        // SAFETY: the linker, the context and the module are live; `out` is a valid
        // out-pointer.
        unsafe {
            check(wrt::wrt_linker_instantiate(
                self.raw(),
                ctx,
                module.raw(),
                &mut out,
            ))
        }?;
        Ok(Instance(out))
    }
}

//! Error objects, their stable codes, and the guard that keeps panics inside the library.

use std::any::Any;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use wrt_core::{Error, ErrorKind, TrapCode};

/// A stable numeric error code (one of the `WRT_ERROR_*` constants). The numbers never change
/// meaning; new codes may be added, so treat unknown values like `WRT_ERROR_OTHER`.
pub type wrt_error_code_t = u32;

/// A required pointer argument was NULL.
pub const WRT_ERROR_NULL_ARGUMENT: wrt_error_code_t = 1;
/// An argument was not NULL but unusable: a string that is not UTF-8, an unknown value kind, a
/// handle of the wrong kind, a length that does not fit.
pub const WRT_ERROR_INVALID_ARGUMENT: wrt_error_code_t = 2;
/// An internal error (a bug in wrt): an invariant the runtime found broken, or a panic caught at
/// the API boundary. After a panic the object it happened in (store or caller context) is
/// poisoned: later calls on it fail with this code.
pub const WRT_ERROR_INTERNAL: wrt_error_code_t = 3;
/// The store (or caller context) is already in use: by a call that is running (use the
/// `wrt_caller_t` context inside host functions instead), or from another thread.
pub const WRT_ERROR_BUSY: wrt_error_code_t = 4;
/// An export or definition of that name does not exist.
pub const WRT_ERROR_NOT_FOUND: wrt_error_code_t = 5;
/// The bytes are not a well-formed WebAssembly binary (or text, for `wrt_wat2wasm`).
pub const WRT_ERROR_MALFORMED: wrt_error_code_t = 10;
/// The module is well formed but fails validation.
pub const WRT_ERROR_INVALID_MODULE: wrt_error_code_t = 11;
/// The module uses a feature this build does not implement.
pub const WRT_ERROR_UNSUPPORTED: wrt_error_code_t = 12;
/// WebAssembly execution trapped; `wrt_error_trap_code` says why.
pub const WRT_ERROR_TRAP: wrt_error_code_t = 13;
/// An import could not be resolved, was of the wrong type, or a name was defined twice.
pub const WRT_ERROR_LINK: wrt_error_code_t = 14;
/// Instantiation failed for a reason other than a trap.
pub const WRT_ERROR_INSTANTIATION: wrt_error_code_t = 15;
/// A host function returned an error (see `wrt_error_new`).
pub const WRT_ERROR_HOST: wrt_error_code_t = 16;
/// A value of the wrong type or count was passed (arguments, results, global or table values,
/// writing an immutable global).
pub const WRT_ERROR_TYPE: wrt_error_code_t = 17;
/// A configured or structural limit was exceeded (for example a memory that cannot grow).
pub const WRT_ERROR_LIMIT: wrt_error_code_t = 18;
/// A handle was used with a store it does not belong to, or is otherwise unknown.
pub const WRT_ERROR_HANDLE: wrt_error_code_t = 19;
/// The guest asked to exit (WASI `proc_exit`); `wrt_error_exit_status` gives the status.
pub const WRT_ERROR_EXIT: wrt_error_code_t = 20;
/// An error this version of the header has no code for.
pub const WRT_ERROR_OTHER: wrt_error_code_t = 99;

/// A stable numeric trap code (one of the `WRT_TRAP_*` constants).
pub type wrt_trap_code_t = u32;

/// The error is not a trap.
pub const WRT_TRAP_NONE: wrt_trap_code_t = 0;
/// `unreachable` was executed.
pub const WRT_TRAP_UNREACHABLE: wrt_trap_code_t = 1;
/// A memory access was out of bounds (also reported by `wrt_memory_read`/`wrt_memory_write`).
pub const WRT_TRAP_MEMORY_OUT_OF_BOUNDS: wrt_trap_code_t = 2;
/// A table access was out of bounds (also reported by `wrt_table_get`/`wrt_table_set`).
pub const WRT_TRAP_TABLE_OUT_OF_BOUNDS: wrt_trap_code_t = 3;
/// `call_indirect` used an index past the end of the table.
pub const WRT_TRAP_UNDEFINED_ELEMENT: wrt_trap_code_t = 4;
/// `call_indirect` found a null reference.
pub const WRT_TRAP_UNINITIALIZED_ELEMENT: wrt_trap_code_t = 5;
/// `call_indirect` found a function of another type.
pub const WRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH: wrt_trap_code_t = 6;
/// Signed division overflow.
pub const WRT_TRAP_INTEGER_OVERFLOW: wrt_trap_code_t = 7;
/// Integer division or remainder by zero.
pub const WRT_TRAP_INTEGER_DIVIDE_BY_ZERO: wrt_trap_code_t = 8;
/// Float-to-integer conversion of NaN or of an out-of-range value.
pub const WRT_TRAP_INVALID_CONVERSION_TO_INTEGER: wrt_trap_code_t = 9;
/// The call-depth or value-stack limit of the configuration was reached.
pub const WRT_TRAP_CALL_STACK_EXHAUSTED: wrt_trap_code_t = 10;
/// A null reference was dereferenced.
pub const WRT_TRAP_NULL_REFERENCE: wrt_trap_code_t = 11;
/// The store ran out of fuel.
pub const WRT_TRAP_OUT_OF_FUEL: wrt_trap_code_t = 12;
/// A host function reported a failure as a trap.
pub const WRT_TRAP_HOST_ERROR: wrt_trap_code_t = 13;
/// A trap this version of the header has no code for.
pub const WRT_TRAP_OTHER: wrt_trap_code_t = 99;

/// An error or a trap: a stable code, a message, and for traps a trap code.
///
/// Owned by whoever receives it (from any function returning `wrt_error_t *`, or from
/// `wrt_error_new`); release it with `wrt_error_delete`. Error objects are independent of every
/// other object and may be moved to, read from and deleted on any thread.
pub struct wrt_error_t {
    code: wrt_error_code_t,
    trap: wrt_trap_code_t,
    exit_status: Option<i32>,
    message: CString,
    /// The runtime error it came from, kept so a host function can pass it on unchanged.
    source: Option<Error>,
}

/// What the internal functions return on failure.
pub(crate) type Fail = Box<wrt_error_t>;
pub(crate) type CResult<T = ()> = Result<T, Fail>;

fn c_message(message: &str) -> CString {
    CString::new(message.replace('\0', "\\0")).unwrap_or_default()
}

pub(crate) fn fail(code: wrt_error_code_t, message: impl std::fmt::Display) -> Fail {
    Box::new(wrt_error_t {
        code,
        trap: WRT_TRAP_NONE,
        exit_status: None,
        message: c_message(&message.to_string()),
        source: None,
    })
}

/// A NULL required argument.
pub(crate) fn null_arg(name: &str) -> Fail {
    fail(WRT_ERROR_NULL_ARGUMENT, format_args!("`{name}` is NULL"))
}

pub(crate) fn invalid_arg(message: impl std::fmt::Display) -> Fail {
    fail(WRT_ERROR_INVALID_ARGUMENT, message)
}

fn trap_code(code: TrapCode) -> wrt_trap_code_t {
    match code {
        TrapCode::Unreachable => WRT_TRAP_UNREACHABLE,
        TrapCode::MemoryOutOfBounds => WRT_TRAP_MEMORY_OUT_OF_BOUNDS,
        TrapCode::TableOutOfBounds => WRT_TRAP_TABLE_OUT_OF_BOUNDS,
        TrapCode::UndefinedElement => WRT_TRAP_UNDEFINED_ELEMENT,
        TrapCode::UninitializedElement => WRT_TRAP_UNINITIALIZED_ELEMENT,
        TrapCode::IndirectCallTypeMismatch => WRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
        TrapCode::IntegerOverflow => WRT_TRAP_INTEGER_OVERFLOW,
        TrapCode::IntegerDivideByZero => WRT_TRAP_INTEGER_DIVIDE_BY_ZERO,
        TrapCode::InvalidConversionToInteger => WRT_TRAP_INVALID_CONVERSION_TO_INTEGER,
        TrapCode::CallStackExhausted => WRT_TRAP_CALL_STACK_EXHAUSTED,
        TrapCode::NullReference => WRT_TRAP_NULL_REFERENCE,
        TrapCode::OutOfFuel => WRT_TRAP_OUT_OF_FUEL,
        TrapCode::HostError => WRT_TRAP_HOST_ERROR,
        _ => WRT_TRAP_OTHER,
    }
}

fn error_code(error: &Error) -> wrt_error_code_t {
    match error.kind() {
        ErrorKind::Malformed { .. } => WRT_ERROR_MALFORMED,
        ErrorKind::Invalid { .. } => WRT_ERROR_INVALID_MODULE,
        ErrorKind::Unsupported { .. } => WRT_ERROR_UNSUPPORTED,
        ErrorKind::Trap(_) => WRT_ERROR_TRAP,
        ErrorKind::Link { .. } => WRT_ERROR_LINK,
        ErrorKind::Instantiation { .. } => WRT_ERROR_INSTANTIATION,
        ErrorKind::Host(_) => WRT_ERROR_HOST,
        ErrorKind::Type { .. } => WRT_ERROR_TYPE,
        ErrorKind::Limit { .. } => WRT_ERROR_LIMIT,
        ErrorKind::Handle { .. } => WRT_ERROR_HANDLE,
        ErrorKind::Exit(_) => WRT_ERROR_EXIT,
        ErrorKind::Internal { .. } => WRT_ERROR_INTERNAL,
        _ => WRT_ERROR_OTHER,
    }
}

impl From<Error> for Fail {
    fn from(error: Error) -> Fail {
        Box::new(wrt_error_t {
            code: error_code(&error),
            trap: error.trap_code().map_or(WRT_TRAP_NONE, trap_code),
            exit_status: error.exit_status(),
            message: c_message(&error.to_string()),
            source: Some(error),
        })
    }
}

impl wrt_error_t {
    /// The runtime error to hand back to the engine when a host function returns this object:
    /// the original error if it came from the runtime, otherwise a host error with its message.
    pub(crate) fn into_runtime_error(self) -> Error {
        match self.source {
            Some(error) => error,
            None => Error::host(self.message.to_string_lossy().into_owned()),
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic"
    }
}

/// Runs the body of an API function: a failure becomes an owned error object, a panic becomes
/// a `WRT_ERROR_INTERNAL` error object, success becomes NULL. No panic leaves this function.
pub(crate) fn guard(body: impl FnOnce() -> CResult) -> *mut wrt_error_t {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(error)) => Box::into_raw(error),
        Err(payload) => {
            let error = fail(
                WRT_ERROR_INTERNAL,
                format_args!("internal error in wrt: {}", panic_message(payload.as_ref())),
            );
            // Dropping a panic payload can itself panic; keep that inside too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            Box::into_raw(error)
        }
    }
}

/// Runs a function that cannot report errors (deleters, accessors), returning `fallback` if it
/// panics.
pub(crate) fn guard_value<R>(fallback: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, name: &str) -> CResult<&'a str> {
    if ptr.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: `ptr` is not NULL and the caller guarantees a live NUL-terminated string.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str()
        .map_err(|_| invalid_arg(format_args!("`{name}` is not valid UTF-8")))
}

/// Borrows `len` elements at `ptr`; `ptr` may be NULL when `len` is 0.
///
/// # Safety
/// When `len > 0`, `ptr` must be NULL or point to `len` initialised elements that stay valid and
/// unmodified during the call.
pub(crate) unsafe fn c_slice<'a, T>(ptr: *const T, len: usize, name: &str) -> CResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: `ptr` is not NULL and the caller guarantees `len` initialised elements.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Writes an out-parameter.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T` (it may be uninitialised).
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: `out` is not NULL and the caller guarantees it is writable.
        unsafe { out.write(value) };
    }
}

/// Fails if an out-parameter is NULL, so the work is not done for nothing.
pub(crate) fn need_out<T>(out: *mut T, name: &str) -> CResult {
    if out.is_null() {
        Err(null_arg(name))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The error API.

/// Creates an error for a host function to return (its code is `WRT_ERROR_HOST`). `message` is
/// copied; it may be NULL (an empty message is used). The caller owns the result: either return
/// it from a host callback (which hands it to wrt) or release it with `wrt_error_delete`.
/// Returns NULL only if memory is exhausted.
///
/// Inside wasm a returned error stops execution like a trap; the embedder that called into wasm
/// gets back an error with code `WRT_ERROR_HOST` and this message.
#[no_mangle]
pub unsafe extern "C" fn wrt_error_new(message: *const c_char) -> *mut wrt_error_t {
    guard_value(ptr::null_mut(), || {
        let text = if message.is_null() {
            String::new()
        } else {
            // SAFETY: not NULL; the caller passes a NUL-terminated string.
            unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned()
        };
        Box::into_raw(fail(WRT_ERROR_HOST, text))
    })
}

/// Releases an error. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn wrt_error_delete(error: *mut wrt_error_t) {
    if !error.is_null() {
        guard_value((), || {
            // SAFETY: `error` came from `Box::into_raw` in this library and is released once.
            drop(unsafe { Box::from_raw(error) });
        });
    }
}

/// The error's code (`WRT_ERROR_*`); `WRT_ERROR_NULL_ARGUMENT` if `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wrt_error_code(error: *const wrt_error_t) -> wrt_error_code_t {
    // SAFETY: `error` is NULL or a live error object (API contract).
    match unsafe { error.as_ref() } {
        Some(e) => e.code,
        None => WRT_ERROR_NULL_ARGUMENT,
    }
}

/// The error's message, NUL-terminated UTF-8. Borrowed from the error: valid until
/// `wrt_error_delete`. Never NULL (an empty string if `error` is NULL).
#[no_mangle]
pub unsafe extern "C" fn wrt_error_message(error: *const wrt_error_t) -> *const c_char {
    // SAFETY: `error` is NULL or a live error object (API contract).
    match unsafe { error.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// The trap code (`WRT_TRAP_*`) when the error is a trap, `WRT_TRAP_NONE` otherwise (and for
/// NULL).
#[no_mangle]
pub unsafe extern "C" fn wrt_error_trap_code(error: *const wrt_error_t) -> wrt_trap_code_t {
    // SAFETY: `error` is NULL or a live error object (API contract).
    match unsafe { error.as_ref() } {
        Some(e) => e.trap,
        None => WRT_TRAP_NONE,
    }
}

/// When the error is a guest exit (`WRT_ERROR_EXIT`), stores the exit status in `*status`
/// (if `status` is not NULL) and returns true; returns false otherwise.
#[no_mangle]
pub unsafe extern "C" fn wrt_error_exit_status(
    error: *const wrt_error_t,
    status: *mut i32,
) -> bool {
    // SAFETY: `error` is NULL or a live error object (API contract).
    match unsafe { error.as_ref() }.and_then(|e| e.exit_status) {
        Some(s) => {
            // SAFETY: `status` is NULL or writable (API contract).
            unsafe { write_out(status, s) };
            true
        }
        None => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)]
    fn a_panic_becomes_an_internal_error() {
        let err = guard(|| panic!("boom"));
        assert!(!err.is_null());
        // SAFETY: `err` is a live error object returned just above.
        unsafe {
            assert_eq!(wrt_error_code(err), WRT_ERROR_INTERNAL);
            let msg = CStr::from_ptr(wrt_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom"), "{msg}");
            wrt_error_delete(err);
        }
    }

    #[test]
    fn runtime_errors_keep_their_codes() {
        let e: Fail = Error::exit(3).into();
        assert_eq!(e.code, WRT_ERROR_EXIT);
        assert_eq!(e.exit_status, Some(3));
        let e: Fail = Error::host("x").into();
        assert_eq!(e.code, WRT_ERROR_HOST);
        assert_eq!(e.trap, WRT_TRAP_NONE);
    }
}

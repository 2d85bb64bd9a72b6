//! Error objects, their stable codes, and the guard that keeps panics inside the library.

use std::any::Any;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use wrt_core::{Error, ErrorKind, TrapCode};

/// A stable numeric error code (one of the `WRT_ERROR_*` constants). The numbers never change
/// meaning; new codes may be added, so treat unknown values like `WRT_ERROR_OTHER`.
pub type wrt_error_code_t = u32;

// `WRT_ERROR_*`, from `wrt_error_codes!` (src/vocabulary.rs), written by build.rs.
include!(concat!(env!("OUT_DIR"), "/error_codes.rs"));

/// A stable numeric trap code (one of the `WRT_TRAP_*` constants).
pub type wrt_trap_code_t = u32;

// `WRT_TRAP_*`, from `wrt_trap_codes!` (src/vocabulary.rs), written by build.rs.
include!(concat!(env!("OUT_DIR"), "/trap_codes.rs"));

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

/// The `WRT_TRAP_*` code of a trap.
fn trap_code(code: TrapCode) -> wrt_trap_code_t {
    macro_rules! of_core {
        ($( $(#[doc = $doc:literal])* $name:ident = $code:literal $(, core $core:ident)?; )*) => {
            match code {
                $($( TrapCode::$core => $code, )?)*
                _ => WRT_TRAP_OTHER,
            }
        };
    }
    crate::wrt_trap_codes!(of_core)
}

/// The `WRT_ERROR_*` code of an error.
fn error_code(error: &Error) -> wrt_error_code_t {
    macro_rules! of_core {
        ($(
            $(#[doc = $doc:literal])* $name:ident = $code:literal, $kind:ident
                $(, core $core:ident)?;
        )*) => {
            match error.kind() {
                $($( ErrorKind::$core { .. } => $code, )?)*
                _ => WRT_ERROR_OTHER,
            }
        };
    }
    crate::wrt_error_codes!(of_core)
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

/// The skeleton of the functions that answer through one required out-parameter: fails if
/// `out` is NULL (so the work is not done for nothing), otherwise writes what `value` gives to
/// `out`, which is left unchanged on error.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T` (it may be uninitialised).
pub(crate) unsafe fn returning<T>(
    out: *mut T,
    name: &str,
    value: impl FnOnce() -> CResult<T>,
) -> *mut wrt_error_t {
    guard(|| {
        need_out(out, name)?;
        let value = value()?;
        // SAFETY: `out` is not NULL (checked) and writable (caller's contract).
        unsafe { write_out(out, value) };
        Ok(())
    })
}

/// Hands a new object to the caller (the skeleton of `wrt_*_new`): writes it to `out`, for the
/// caller to own and release with [`release`].
///
/// # Safety
/// `out` must be NULL or valid for a write of a pointer.
pub(crate) unsafe fn new_object<T>(
    out: *mut *mut T,
    make: impl FnOnce() -> CResult<T>,
) -> *mut wrt_error_t {
    // SAFETY: forwarded contract on `out`.
    unsafe { returning(out, "out", || Ok(Box::into_raw(Box::new(make()?)))) }
}

/// Releases an object the caller owned (the body of `wrt_*_delete`). NULL is ignored.
///
/// # Safety
/// `object` must be NULL or an object this library handed out (`Box::into_raw`) that is released
/// once.
pub(crate) unsafe fn release<T>(object: *mut T) {
    if !object.is_null() {
        guard_value((), || {
            // SAFETY: handed out with `Box::into_raw` and released once (caller's contract).
            drop(unsafe { Box::from_raw(object) });
        });
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
    // SAFETY: `error` came from this library and is released once (API contract).
    unsafe { release(error) }
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

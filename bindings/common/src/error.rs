//! Errors: the C API's error objects, read into plain Rust values.

use std::ffi::{c_char, CStr};
use std::fmt;

use wrt::wrt_error_t;

/// The kind of an error, one per `WRT_ERROR_*` code of the C API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NullArgument,
    InvalidArgument,
    Internal,
    Busy,
    NotFound,
    Malformed,
    InvalidModule,
    Unsupported,
    Trap,
    Link,
    Instantiation,
    Host,
    Type,
    Limit,
    Handle,
    Exit,
    Other,
}

impl ErrorKind {
    /// The kind of a `WRT_ERROR_*` code; unknown codes are `Other`.
    pub fn from_code(code: u32) -> ErrorKind {
        match code {
            wrt::WRT_ERROR_NULL_ARGUMENT => ErrorKind::NullArgument,
            wrt::WRT_ERROR_INVALID_ARGUMENT => ErrorKind::InvalidArgument,
            wrt::WRT_ERROR_INTERNAL => ErrorKind::Internal,
            wrt::WRT_ERROR_BUSY => ErrorKind::Busy,
            wrt::WRT_ERROR_NOT_FOUND => ErrorKind::NotFound,
            wrt::WRT_ERROR_MALFORMED => ErrorKind::Malformed,
            wrt::WRT_ERROR_INVALID_MODULE => ErrorKind::InvalidModule,
            wrt::WRT_ERROR_UNSUPPORTED => ErrorKind::Unsupported,
            wrt::WRT_ERROR_TRAP => ErrorKind::Trap,
            wrt::WRT_ERROR_LINK => ErrorKind::Link,
            wrt::WRT_ERROR_INSTANTIATION => ErrorKind::Instantiation,
            wrt::WRT_ERROR_HOST => ErrorKind::Host,
            wrt::WRT_ERROR_TYPE => ErrorKind::Type,
            wrt::WRT_ERROR_LIMIT => ErrorKind::Limit,
            wrt::WRT_ERROR_HANDLE => ErrorKind::Handle,
            wrt::WRT_ERROR_EXIT => ErrorKind::Exit,
            _ => ErrorKind::Other,
        }
    }

    /// The `WRT_ERROR_*` code of this kind.
    pub fn code(self) -> u32 {
        match self {
            ErrorKind::NullArgument => wrt::WRT_ERROR_NULL_ARGUMENT,
            ErrorKind::InvalidArgument => wrt::WRT_ERROR_INVALID_ARGUMENT,
            ErrorKind::Internal => wrt::WRT_ERROR_INTERNAL,
            ErrorKind::Busy => wrt::WRT_ERROR_BUSY,
            ErrorKind::NotFound => wrt::WRT_ERROR_NOT_FOUND,
            ErrorKind::Malformed => wrt::WRT_ERROR_MALFORMED,
            ErrorKind::InvalidModule => wrt::WRT_ERROR_INVALID_MODULE,
            ErrorKind::Unsupported => wrt::WRT_ERROR_UNSUPPORTED,
            ErrorKind::Trap => wrt::WRT_ERROR_TRAP,
            ErrorKind::Link => wrt::WRT_ERROR_LINK,
            ErrorKind::Instantiation => wrt::WRT_ERROR_INSTANTIATION,
            ErrorKind::Host => wrt::WRT_ERROR_HOST,
            ErrorKind::Type => wrt::WRT_ERROR_TYPE,
            ErrorKind::Limit => wrt::WRT_ERROR_LIMIT,
            ErrorKind::Handle => wrt::WRT_ERROR_HANDLE,
            ErrorKind::Exit => wrt::WRT_ERROR_EXIT,
            ErrorKind::Other => wrt::WRT_ERROR_OTHER,
        }
    }
}

/// The name of a `WRT_TRAP_*` code, as the bindings show it ("unreachable", "out_of_fuel", ...).
pub fn trap_name(code: u32) -> &'static str {
    match code {
        wrt::WRT_TRAP_NONE => "none",
        wrt::WRT_TRAP_UNREACHABLE => "unreachable",
        wrt::WRT_TRAP_MEMORY_OUT_OF_BOUNDS => "memory_out_of_bounds",
        wrt::WRT_TRAP_TABLE_OUT_OF_BOUNDS => "table_out_of_bounds",
        wrt::WRT_TRAP_UNDEFINED_ELEMENT => "undefined_element",
        wrt::WRT_TRAP_UNINITIALIZED_ELEMENT => "uninitialized_element",
        wrt::WRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH => "indirect_call_type_mismatch",
        wrt::WRT_TRAP_INTEGER_OVERFLOW => "integer_overflow",
        wrt::WRT_TRAP_INTEGER_DIVIDE_BY_ZERO => "integer_divide_by_zero",
        wrt::WRT_TRAP_INVALID_CONVERSION_TO_INTEGER => "invalid_conversion_to_integer",
        wrt::WRT_TRAP_CALL_STACK_EXHAUSTED => "call_stack_exhausted",
        wrt::WRT_TRAP_NULL_REFERENCE => "null_reference",
        wrt::WRT_TRAP_OUT_OF_FUEL => "out_of_fuel",
        wrt::WRT_TRAP_HOST_ERROR => "host_error",
        _ => "other",
    }
}

/// An error from the C API (or one this layer raises with the same codes): a stable code, a
/// message, and for traps a trap code, for guest exits an exit status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: u32,
    trap_code: u32,
    exit_status: Option<i32>,
    message: String,
}

/// The result of every fallible operation of this crate.
pub type Result<T = ()> = std::result::Result<T, Error>;

impl Error {
    /// An error made by the bindings themselves, with one of the C API's codes.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            code: kind.code(),
            trap_code: wrt::WRT_TRAP_NONE,
            exit_status: None,
            message: message.into(),
        }
    }

    /// Reads and releases an error object of the C API.
    ///
    /// # Safety
    /// `raw` must be a live error object that the caller owns (it is released here).
    pub(crate) unsafe fn take(raw: *mut wrt_error_t) -> Error {
        // SAFETY: `raw` is a live error object (caller's contract); the message pointer is
        // valid until `wrt_error_delete`, and it is copied before that.
        let error = unsafe {
            let mut status = 0i32;
            let exit_status = wrt::wrt_error_exit_status(raw, &mut status).then_some(status);
            Error {
                code: wrt::wrt_error_code(raw),
                trap_code: wrt::wrt_error_trap_code(raw),
                exit_status,
                message: c_string(wrt::wrt_error_message(raw)),
            }
        };
        // SAFETY: the caller owns `raw` and it is not used after this.
        unsafe { wrt::wrt_error_delete(raw) };
        error
    }

    /// The `WRT_ERROR_*` code.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The kind of the code.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_code(self.code)
    }

    /// The `WRT_TRAP_*` code (`WRT_TRAP_NONE` unless the error is a trap).
    pub fn trap_code(&self) -> u32 {
        self.trap_code
    }

    /// The guest's exit status, for `WRT_ERROR_EXIT`.
    pub fn exit_status(&self) -> Option<i32> {
        self.exit_status
    }

    /// The message, as the C API gives it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this is a trap because the store ran out of fuel.
    pub fn is_out_of_fuel(&self) -> bool {
        self.kind() == ErrorKind::Trap && self.trap_code == wrt::WRT_TRAP_OUT_OF_FUEL
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Turns the return value of a C API function into a `Result`.
///
/// # Safety
/// `raw` must be NULL or a live error object the caller owns.
pub(crate) unsafe fn check(raw: *mut wrt_error_t) -> Result {
    if raw.is_null() {
        Ok(())
    } else {
        // SAFETY: not NULL, owned by the caller (forwarded contract).
        Err(unsafe { Error::take(raw) })
    }
}

/// Copies a NUL-terminated string of the C API (NULL gives "").
///
/// # Safety
/// `ptr` must be NULL or a live NUL-terminated string.
pub(crate) unsafe fn c_string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: not NULL and NUL-terminated (caller's contract).
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// A C string for a name argument: names with NUL bytes cannot be passed to the C API.
pub(crate) fn c_name(name: &str, what: &str) -> Result<std::ffi::CString> {
    std::ffi::CString::new(name).map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{what} `{}` contains a NUL character", name.escape_debug()),
        )
    })
}

/// The version of the C library ("MAJOR.MINOR.PATCH").
pub fn version() -> String {
    // SAFETY: `wrt_version` returns a static NUL-terminated string.
    unsafe { c_string(wrt::wrt_version()) }
}

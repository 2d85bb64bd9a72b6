//! Errors: the C API's error objects, read into plain Rust values.

use std::ffi::{c_char, CStr};
use std::fmt;

use wrt::wrt_error_t;

/// `ErrorKind` and the code tables, from the C API's list of codes.
macro_rules! error_kinds {
    ($(
        $(#[doc = $doc:literal])* $name:ident = $code:literal, $kind:ident $(, core $core:ident)?;
    )*) => {
        /// The kind of an error, one per `WRT_ERROR_*` code of the C API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $( $(#[doc = $doc])* $kind, )*
        }

        impl ErrorKind {
            /// Every kind, in the order of their codes.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind),*];

            /// The kind of a `WRT_ERROR_*` code; unknown codes are `Other`.
            pub fn from_code(code: u32) -> ErrorKind {
                match code {
                    $( wrt::$name => ErrorKind::$kind, )*
                    _ => ErrorKind::Other,
                }
            }

            /// The `WRT_ERROR_*` code of this kind.
            pub fn code(self) -> u32 {
                match self {
                    $( ErrorKind::$kind => wrt::$name, )*
                }
            }

            /// The name of the code without the C API's `WRT_` prefix: "ERROR_TRAP", ...
            pub fn code_name(self) -> &'static str {
                match self {
                    $( ErrorKind::$kind => unprefixed(stringify!($name)), )*
                }
            }
        }
    };
}
wrt::wrt_error_codes!(error_kinds);

/// The trap codes of the C API: the name without the `WRT_` prefix ("TRAP_OUT_OF_FUEL") and
/// the code.
macro_rules! trap_codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal $(, core $core:ident)?; )*) => {
        /// The C API's trap codes: each `WRT_TRAP_*` name without its `WRT_` prefix
        /// ("TRAP_OUT_OF_FUEL"), and its code.
        pub const TRAP_CODES: &[(&str, u32)] = &[$( (unprefixed(stringify!($name)), wrt::$name), )*];
    };
}
wrt::wrt_trap_codes!(trap_codes);

/// `name` without the C API's `WRT_` prefix.
const fn unprefixed(name: &'static str) -> &'static str {
    match name.as_bytes() {
        [b'W', b'R', b'T', b'_', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(rest) => rest,
            Err(_) => name,
        },
        _ => name,
    }
}

/// The name of a `WRT_TRAP_*` code, as the bindings show it ("unreachable", "out_of_fuel", ...;
/// "other" for a code this version does not know).
pub fn trap_name(code: u32) -> String {
    let name = TRAP_CODES
        .iter()
        .find(|(_, c)| *c == code)
        .map_or("TRAP_OTHER", |(name, _)| name);
    name.trim_start_matches("TRAP_").to_ascii_lowercase()
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

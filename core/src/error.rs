//! Typed errors. Every failure a module, a guest or an embedder can cause comes back as an
//! [`Error`], never as a panic.
//!
//! An [`Error`] is one pointer wide (its [`ErrorKind`] lives in a box), so `Result<T>` costs the
//! success path almost nothing. Match on [`Error::kind`] to tell the kinds apart; the accessors
//! ([`Error::trap_code`], [`Error::exit_status`], [`Error::proposal`], [`Error::downcast_ref`])
//! answer the common questions directly.
//!
//! ```
//! use wrt::{Error, ErrorKind};
//!
//! #[derive(Debug)]
//! struct OutOfPaper;
//! impl core::fmt::Display for OutOfPaper {
//!     fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
//!         f.write_str("the printer is out of paper")
//!     }
//! }
//! impl core::error::Error for OutOfPaper {}
//!
//! // A host function fails with its own error type...
//! let err = Error::host(OutOfPaper);
//! // ...and whoever called into wasm gets it back.
//! assert!(matches!(err.kind(), ErrorKind::Host(_)));
//! assert!(err.downcast_ref::<OutOfPaper>().is_some());
//! assert_eq!(err.to_string(), "host error: the printer is out of paper");
//! // A message is enough when there is no type to keep.
//! assert_eq!(Error::host("no such file").to_string(), "host error: no such file");
//! ```

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// Why execution stopped abnormally. The `Display` text is the WebAssembly specification's wording,
/// so spec scripts and users see the familiar messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk-memory operation touched bytes outside the linear memory.
    MemoryOutOfBounds,
    /// A table access or bulk-table operation was outside the table.
    TableOutOfBounds,
    /// `call_indirect` used an index past the end of the table.
    UndefinedElement,
    /// `call_indirect` found a null reference in the table.
    UninitializedElement,
    /// `call_indirect` found a function of another type.
    IndirectCallTypeMismatch,
    /// Signed division overflow (`INT_MIN / -1`).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// A float-to-int truncation of NaN or of a value out of range.
    InvalidConversionToInteger,
    /// The call depth or value-stack limit was reached.
    CallStackExhausted,
    /// A null reference was dereferenced.
    NullReference,
    /// The fuel given to the store ran out.
    OutOfFuel,
    /// A host function reported a failure.
    HostError,
}

impl TrapCode {
    /// The message the specification uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::NullReference => "null reference",
            TrapCode::OutOfFuel => "out of fuel",
            TrapCode::HostError => "host function error",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap: execution of WebAssembly code stopped at a point where the specification says it must.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
}

impl Trap {
    pub(crate) fn new(code: TrapCode) -> Self {
        Trap { code }
    }

    /// What kind of trap this is.
    pub fn code(&self) -> TrapCode {
        self.code
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)
    }
}

/// A WebAssembly proposal (a feature beyond the WebAssembly 2.0 core that wrt implements, or a
/// part of 2.0 it does not implement yet), named by [`Error::proposal`] when a module needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Proposal {
    /// Fixed-width SIMD (`v128`), part of WebAssembly 2.0.
    Simd,
    /// Relaxed SIMD.
    RelaxedSimd,
    /// Exception handling (`try_table`, `throw`, tags).
    ExceptionHandling,
    /// The legacy exception-handling instructions (`try`, `catch`, `delegate`, `rethrow`).
    LegacyExceptionHandling,
    /// Threads: shared memories and atomic instructions.
    Threads,
    /// Shared-everything threads (shared globals, tables and types).
    SharedEverythingThreads,
    /// 64-bit memories and tables.
    Memory64,
    /// More than one memory.
    MultiMemory,
    /// Typed function references (`call_ref`, non-nullable and concrete reference types).
    FunctionReferences,
    /// Garbage collection: structs, arrays, `i31`, recursive type groups and subtyping.
    Gc,
    /// Custom page sizes.
    CustomPageSizes,
    /// Wide arithmetic (`i64.add128` and friends).
    WideArithmetic,
    /// Stack switching (continuations).
    StackSwitching,
    /// `memory.discard`.
    MemoryControl,
    /// The component model (components rather than core modules).
    ComponentModel,
}

impl Proposal {
    /// The proposal's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Proposal::Simd => "SIMD",
            Proposal::RelaxedSimd => "relaxed SIMD",
            Proposal::ExceptionHandling => "exception handling",
            Proposal::LegacyExceptionHandling => "legacy exception handling",
            Proposal::Threads => "threads",
            Proposal::SharedEverythingThreads => "shared-everything threads",
            Proposal::Memory64 => "memory64",
            Proposal::MultiMemory => "multi-memory",
            Proposal::FunctionReferences => "typed function references",
            Proposal::Gc => "garbage collection (GC)",
            Proposal::CustomPageSizes => "custom page sizes",
            Proposal::WideArithmetic => "wide arithmetic",
            Proposal::StackSwitching => "stack switching",
            Proposal::MemoryControl => "memory control",
            Proposal::ComponentModel => "component model",
        }
    }
}

impl fmt::Display for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error a host function returned, with its type kept (see [`Error::host`]).
pub type HostError = Box<dyn core::error::Error + Send + Sync + 'static>;

/// What went wrong. Read it with [`Error::kind`]; build errors with the constructors of
/// [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a well-formed WebAssembly binary (or text).
    #[non_exhaustive]
    Malformed {
        /// What is wrong.
        message: String,
        /// Where in the binary, when known.
        offset: Option<usize>,
    },
    /// The module is well formed but fails validation.
    #[non_exhaustive]
    Invalid {
        /// Which rule the module breaks.
        message: String,
        /// Where in the binary, when known.
        offset: Option<usize>,
        /// The proposal under which the module would be valid, when wrt knows one (WebAssembly
        /// 2.0 rejects two memories; the multi-memory proposal allows them).
        proposal: Option<Proposal>,
    },
    /// The module uses a feature this build does not implement.
    #[non_exhaustive]
    Unsupported {
        /// What is not supported.
        message: String,
        /// Where in the binary, when known.
        offset: Option<usize>,
        /// The proposal the feature belongs to, when it belongs to one.
        proposal: Option<Proposal>,
    },
    /// An import could not be resolved, or resolved to something of the wrong type.
    #[non_exhaustive]
    Link {
        /// What could not be linked.
        message: String,
    },
    /// Instantiation failed for a reason other than a trap, a link error or a limit (the host
    /// could not allocate a memory, or the module comes from an engine of other settings).
    #[non_exhaustive]
    Instantiation {
        /// Why.
        message: String,
    },
    /// Execution trapped.
    Trap(Trap),
    /// A value of the wrong type or count was passed through the embedding API, or the API was
    /// used in a way the engine's settings do not allow.
    #[non_exhaustive]
    Type {
        /// What was wrong.
        message: String,
    },
    /// A handle was used with a store it does not belong to, or is otherwise unusable.
    #[non_exhaustive]
    Handle {
        /// What was wrong.
        message: String,
    },
    /// A configured or structural limit was exceeded.
    #[non_exhaustive]
    Limit {
        /// Which limit.
        message: String,
    },
    /// The guest asked to exit with this status (WASI `proc_exit`).
    Exit(i32),
    /// A host function failed; [`Error::downcast_ref`] gives its own error back.
    Host(HostError),
    /// A state the runtime's invariants rule out was reached: a bug in wrt. Nothing was done
    /// with a made-up value instead; please report it.
    #[non_exhaustive]
    Internal {
        /// What was found broken.
        message: String,
    },
}

/// Every error the runtime reports. One pointer wide; see [`ErrorKind`] for the kinds.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// A message, built only when an error is.
fn text(message: impl fmt::Display) -> String {
    alloc::format!("{message}")
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The trap code, when this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match &*self.kind {
            ErrorKind::Trap(trap) => Some(trap.code()),
            _ => None,
        }
    }

    /// The exit status, when the guest asked to exit (WASI `proc_exit`).
    pub fn exit_status(&self) -> Option<i32> {
        match *self.kind {
            ErrorKind::Exit(status) => Some(status),
            _ => None,
        }
    }

    /// The proposal a rejected module needs, when wrt knows it.
    pub fn proposal(&self) -> Option<Proposal> {
        match *self.kind {
            ErrorKind::Unsupported { proposal, .. } | ErrorKind::Invalid { proposal, .. } => {
                proposal
            }
            _ => None,
        }
    }

    /// Where in the module's binary the problem is, when known.
    pub fn offset(&self) -> Option<usize> {
        match *self.kind {
            ErrorKind::Malformed { offset, .. }
            | ErrorKind::Invalid { offset, .. }
            | ErrorKind::Unsupported { offset, .. } => offset,
            _ => None,
        }
    }

    /// The host function's own error, if this is a host error of type `E`.
    pub fn downcast_ref<E: core::error::Error + 'static>(&self) -> Option<&E> {
        match &*self.kind {
            ErrorKind::Host(error) => error.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// Takes the host function's own error out, if this is a host error of type `E`; gives the
    /// error back otherwise.
    pub fn downcast<E: core::error::Error + 'static>(self) -> core::result::Result<E, Error> {
        match *self.kind {
            ErrorKind::Host(error) => match error.downcast::<E>() {
                Ok(e) => Ok(*e),
                Err(error) => Err(Error::from(ErrorKind::Host(error))),
            },
            kind => Err(Error::from(kind)),
        }
    }

    /// A failure reported by a host function: its own error type (any
    /// `core::error::Error + Send + Sync + 'static`, kept so that the embedder can get it back
    /// with [`Error::downcast_ref`]), or simply a message (`&str` or `String`). Inside wasm it
    /// stops execution; the embedder that called into wasm gets this error back.
    pub fn host(error: impl Into<HostError>) -> Self {
        ErrorKind::Host(error.into()).into()
    }

    /// The guest's request to exit with `status` (WASI `proc_exit`).
    pub fn exit(status: i32) -> Self {
        ErrorKind::Exit(status).into()
    }

    /// A broken invariant (see [`ErrorKind::Internal`]): the answer to a case that cannot
    /// happen, instead of a made-up value. Inside wrt the `internal!` macro also stops debug
    /// builds there, so that tests find it.
    pub fn internal(message: impl fmt::Display) -> Self {
        ErrorKind::Internal {
            message: text(message),
        }
        .into()
    }

    /// An import that cannot be linked.
    pub fn link(message: impl fmt::Display) -> Self {
        ErrorKind::Link {
            message: text(message),
        }
        .into()
    }

    /// A value of the wrong type or count passed through the embedding API.
    pub fn ty(message: impl fmt::Display) -> Self {
        ErrorKind::Type {
            message: text(message),
        }
        .into()
    }

    /// A limit that was exceeded.
    pub fn limit(message: impl fmt::Display) -> Self {
        ErrorKind::Limit {
            message: text(message),
        }
        .into()
    }

    pub(crate) fn trap(code: TrapCode) -> Self {
        ErrorKind::Trap(Trap::new(code)).into()
    }

    pub(crate) fn handle(message: impl fmt::Display) -> Self {
        ErrorKind::Handle {
            message: text(message),
        }
        .into()
    }

    pub(crate) fn instantiation(message: impl fmt::Display) -> Self {
        ErrorKind::Instantiation {
            message: text(message),
        }
        .into()
    }

    pub(crate) fn malformed(message: impl fmt::Display, offset: Option<usize>) -> Self {
        ErrorKind::Malformed {
            message: text(message),
            offset,
        }
        .into()
    }

    pub(crate) fn invalid(
        message: impl fmt::Display,
        offset: Option<usize>,
        proposal: Option<Proposal>,
    ) -> Self {
        ErrorKind::Invalid {
            message: text(message),
            offset,
            proposal,
        }
        .into()
    }

    /// A feature this build does not implement.
    pub(crate) fn unsupported(message: impl fmt::Display) -> Self {
        Error::unsupported_at(message, None, None)
    }

    pub(crate) fn unsupported_at(
        message: impl fmt::Display,
        offset: Option<usize>,
        proposal: Option<Proposal>,
    ) -> Self {
        ErrorKind::Unsupported {
            message: text(message),
            offset,
            proposal,
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error {
            kind: Box::new(kind),
        }
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        ErrorKind::Trap(trap).into()
    }
}

/// `message`, then ` (at offset 0x..)` when the offset is known.
fn with_offset(f: &mut fmt::Formatter<'_>, message: &str, offset: Option<usize>) -> fmt::Result {
    f.write_str(message)?;
    match offset {
        Some(offset) => write!(f, " (at offset {offset:#x})"),
        None => Ok(()),
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Malformed { message, offset } => {
                f.write_str("malformed module: ")?;
                with_offset(f, message, *offset)
            }
            ErrorKind::Invalid {
                message, offset, ..
            } => {
                f.write_str("invalid module: ")?;
                with_offset(f, message, *offset)
            }
            ErrorKind::Unsupported {
                message, offset, ..
            } => {
                f.write_str("unsupported: ")?;
                with_offset(f, message, *offset)
            }
            ErrorKind::Link { message } => write!(f, "link error: {message}"),
            ErrorKind::Instantiation { message } => write!(f, "instantiation failed: {message}"),
            ErrorKind::Trap(trap) => write!(f, "trap: {trap}"),
            ErrorKind::Type { message } => write!(f, "type error: {message}"),
            ErrorKind::Handle { message } => write!(f, "invalid handle: {message}"),
            ErrorKind::Limit { message } => write!(f, "limit exceeded: {message}"),
            ErrorKind::Exit(status) => write!(f, "exited with status {status}"),
            ErrorKind::Host(error) => write!(f, "host error: {error}"),
            ErrorKind::Internal { message } => {
                write!(f, "internal error: {message} (this is a bug in wrt)")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind, f)
    }
}

/// The message includes a host error's own message, so `source` does not repeat it; get the
/// host error itself with [`Error::downcast_ref`].
impl core::error::Error for Error {}

/// An [`Error::internal`] for a case the runtime's invariants rule out, with a debug assertion:
/// debug builds (and so the tests) stop where it happens, release builds report it.
macro_rules! internal {
    ($($arg:tt)*) => {{
        debug_assert!(false, "internal error in wrt: {}", alloc::format!($($arg)*));
        $crate::error::Error::internal(alloc::format!($($arg)*))
    }};
}
pub(crate) use internal;

/// The result type of the runtime.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn an_error_is_one_pointer_wide() {
        assert_eq!(core::mem::size_of::<Error>(), core::mem::size_of::<usize>());
        assert_eq!(
            core::mem::size_of::<Result<()>>(),
            core::mem::size_of::<usize>()
        );
    }

    #[derive(Debug, PartialEq)]
    struct Mine(u32);
    impl fmt::Display for Mine {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "mine {}", self.0)
        }
    }
    impl core::error::Error for Mine {}

    #[test]
    fn host_errors_keep_their_type() {
        let err = Error::host(Mine(7));
        assert_eq!(err.downcast_ref::<Mine>(), Some(&Mine(7)));
        assert_eq!(err.to_string(), "host error: mine 7");
        assert_eq!(err.downcast::<Mine>().ok(), Some(Mine(7)));
        // Another type, or another kind, gives the error back unchanged.
        let err = Error::host("just a message");
        assert!(err.downcast_ref::<Mine>().is_none());
        let err = err.downcast::<Mine>().unwrap_err();
        assert_eq!(err.to_string(), "host error: just a message");
        let err = Error::exit(3).downcast::<Mine>().unwrap_err();
        assert_eq!(err.exit_status(), Some(3));
    }

    #[test]
    fn messages_are_those_of_the_kinds() {
        assert_eq!(
            Error::malformed("unexpected end", Some(0x1a)).to_string(),
            "malformed module: unexpected end (at offset 0x1a)"
        );
        assert_eq!(
            Error::trap(TrapCode::Unreachable).to_string(),
            "trap: unreachable"
        );
        assert_eq!(Error::exit(2).to_string(), "exited with status 2");
        let unsupported = Error::unsupported_at("SIMD", Some(8), Some(Proposal::Simd));
        assert_eq!(unsupported.proposal(), Some(Proposal::Simd));
        assert_eq!(unsupported.offset(), Some(8));
        assert_eq!(
            Error::trap(TrapCode::OutOfFuel).trap_code(),
            Some(TrapCode::OutOfFuel)
        );
        assert_eq!(Error::link("x").trap_code(), None);
    }
}

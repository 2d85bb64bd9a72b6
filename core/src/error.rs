//! Typed errors. Every failure a module, a guest or an embedder can cause comes back as one of
//! these, never as a panic.

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
    /// Extra context (for host errors: the host's message).
    detail: Option<String>,
}

impl Trap {
    pub(crate) fn new(code: TrapCode) -> Self {
        Trap { code, detail: None }
    }

    /// What kind of trap this is.
    pub fn code(&self) -> TrapCode {
        self.code
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(detail) => write!(f, "{}: {}", self.code, detail),
            None => write!(f, "{}", self.code),
        }
    }
}

/// Every error the runtime reports. Each `message` field is the text after the variant's prefix.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a well-formed WebAssembly binary.
    #[error("malformed module: {message}")]
    Malformed { message: String },
    /// The module is well formed but fails validation.
    #[error("invalid module: {message}")]
    Invalid { message: String },
    /// The module uses a feature this build does not implement.
    #[error("unsupported: {message}")]
    Unsupported { message: String },
    /// Execution trapped.
    #[error("trap: {0}")]
    Trap(Trap),
    /// An import could not be resolved, or resolved to something of the wrong type.
    #[error("link error: {message}")]
    Link { message: String },
    /// Instantiation failed for a reason other than a trap (for example a limit).
    #[error("instantiation failed: {message}")]
    Instantiation { message: String },
    /// A host function failed.
    #[error("host error: {message}")]
    Host { message: String },
    /// A value of the wrong type or count was passed through the embedding API.
    #[error("type error: {message}")]
    Type { message: String },
    /// A configured limit was exceeded.
    #[error("limit exceeded: {message}")]
    Limit { message: String },
    /// A handle was used with a store it does not belong to, or is otherwise unusable.
    #[error("invalid handle: {message}")]
    Handle { message: String },
    /// The guest asked to exit with this status (WASI `proc_exit`).
    #[error("exited with status {0}")]
    Exit(i32),
}

impl Error {
    /// The trap code, when this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match self {
            Error::Trap(trap) => Some(trap.code()),
            _ => None,
        }
    }

    /// A failure reported by a host function. Inside wasm it becomes a trap the embedder sees.
    pub fn host(message: impl fmt::Display) -> Self {
        Error::Host {
            message: alloc::format!("{message}"),
        }
    }

    pub(crate) fn trap(code: TrapCode) -> Self {
        Error::Trap(Trap::new(code))
    }

    pub(crate) fn link(message: impl fmt::Display) -> Self {
        Error::Link {
            message: alloc::format!("{message}"),
        }
    }

    pub(crate) fn ty(message: impl fmt::Display) -> Self {
        Error::Type {
            message: alloc::format!("{message}"),
        }
    }

    pub(crate) fn handle(message: impl fmt::Display) -> Self {
        Error::Handle {
            message: alloc::format!("{message}"),
        }
    }

    pub(crate) fn limit(message: impl fmt::Display) -> Self {
        Error::Limit {
            message: alloc::format!("{message}"),
        }
    }

    pub(crate) fn unsupported(message: impl fmt::Display) -> Self {
        Error::Unsupported {
            message: alloc::format!("{message}"),
        }
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        Error::Trap(trap)
    }
}

/// The result type of the runtime.
pub type Result<T, E = Error> = core::result::Result<T, E>;

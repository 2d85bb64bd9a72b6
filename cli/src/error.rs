//! Failures of `wrtd`, their exit codes, and the panic hook.
//!
//! Every failure is reported as exactly one line on stderr that starts with
//! `error: `, followed by a process exit with one of the codes in [`exit`].

use std::any::Any;
use std::fmt;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Process exit codes. Documented in `--help` (`cli::EXIT_CODES_HELP`) and docs/cli.md.
pub mod exit {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Load, validation, link or usage-of-module errors, and failed `wast` assertions.
    pub const FAILURE: i32 = 1;
    /// Command-line syntax error (also what clap itself uses).
    pub const USAGE: i32 = 2;
    /// The WebAssembly code trapped.
    pub const TRAP: i32 = 3;
    /// A bug in wrtd: a panic was caught (`EX_SOFTWARE` from sysexits.h).
    pub const INTERNAL: i32 = 70;
}

/// Why `wrtd` stops without success.
#[derive(Debug)]
pub struct CliError {
    code: i32,
    /// `None` when the guest asked to exit: then nothing is printed.
    message: Option<String>,
}

impl CliError {
    /// A general failure (exit code 1).
    pub fn failure(message: impl fmt::Display) -> Self {
        Self::with_code(exit::FAILURE, message)
    }

    /// A command-line syntax error that clap cannot detect (exit code 2).
    pub fn usage(message: impl fmt::Display) -> Self {
        Self::with_code(exit::USAGE, message)
    }

    /// An error that already carries its exit code; nothing is printed.
    pub fn silent(code: i32) -> Self {
        Self {
            code,
            message: None,
        }
    }

    fn with_code(code: i32, message: impl fmt::Display) -> Self {
        Self {
            code,
            message: Some(message.to_string()),
        }
    }

    /// Classifies an error from the runtime: traps get their own exit code, a
    /// guest's request to exit is honoured, a bug in wrt is an internal error,
    /// everything else is a failure. `context` says what was being done, e.g.
    /// the module path.
    pub fn from_wasm(context: impl fmt::Display, error: &wrt::Error) -> Self {
        let code = match error.kind() {
            wrt::ErrorKind::Exit(status) => return Self::silent(*status),
            wrt::ErrorKind::Trap(_) => exit::TRAP,
            wrt::ErrorKind::Internal { .. } => {
                return Self::with_code(
                    exit::INTERNAL,
                    format!("{context}: {error}; please report it"),
                )
            }
            _ => exit::FAILURE,
        };
        Self::with_code(code, format!("{context}: {error}"))
    }

    /// Adds ` (note)` to the message; a silent error stays silent.
    pub fn with_note(mut self, note: impl fmt::Display) -> Self {
        if let Some(message) = &mut self.message {
            message.push_str(&format!(" ({note})"));
        }
        self
    }

    /// Keeps this error's exit code and adds `other`'s message, so a second
    /// problem (e.g. the profile could not be written after a trap) is not lost.
    pub fn also(mut self, other: CliError) -> Self {
        if let Some(extra) = other.message {
            self.message = Some(match self.message {
                Some(message) => format!("{message}; also: {extra}"),
                None => extra,
            });
        }
        self
    }

    /// An error while reading a file.
    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        Self::failure(format!("cannot read `{}`: {error}", path.display()))
    }

    #[cfg(test)]
    pub fn code(&self) -> i32 {
        self.code
    }

    #[cfg(test)]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

/// Folds a possibly multi-line message (e.g. a text-format parse error with a
/// source snippet) into one line.
pub fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for part in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Prints the error (if any) and ends the process with the matching exit code.
pub fn exit_with(result: Result<(), CliError>) -> ! {
    // Flush what the command printed before its outcome; a closed stdout is
    // not worth a second error message.
    let _ = std::io::stdout().flush();
    match result {
        Ok(()) => std::process::exit(exit::SUCCESS),
        Err(err) => {
            if let Some(message) = &err.message {
                let _ = writeln!(std::io::stderr().lock(), "error: {}", one_line(message));
            }
            std::process::exit(err.code)
        }
    }
}

/// The message of the latest panic, recorded by the hook for [`catch_panics`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces Rust's panic output (message plus backtrace hint) with nothing:
/// the hook only records the message. A panic that reaches [`catch_panics`]
/// becomes one `error: internal error: ...` line and exit code 70; one that
/// the library catches itself (the `wast` runner reports panics per
/// directive) stays quiet.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = format!("{}{place}", payload_text(info.payload()));
        *LAST_PANIC.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
    }));
}

/// Runs `command`, turning a panic into an internal error (exit code 70).
pub fn catch_panics(command: impl FnOnce() -> Result<(), CliError>) -> Result<(), CliError> {
    std::panic::catch_unwind(AssertUnwindSafe(command)).unwrap_or_else(|payload| {
        let message = LAST_PANIC
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_else(|| payload_text(&*payload).to_string());
        Err(CliError::with_code(
            exit::INTERNAL,
            format!("internal error: {message} (this is a bug in wrt; please report it)"),
        ))
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown cause")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("a\n  --> x:1:2\n   |\n b  "), "a --> x:1:2 | b");
        assert_eq!(one_line("single"), "single");
    }

    #[test]
    fn panics_become_internal_errors() {
        install_panic_hook();
        let caught = catch_panics(|| panic!("boom"));
        // Give the test harness its own panic output back.
        drop(std::panic::take_hook());
        let Err(err) = caught else {
            panic!("the panic was not caught");
        };
        assert_eq!(err.code(), exit::INTERNAL);
        let message = err.message().unwrap_or_default();
        assert!(message.starts_with("internal error: boom at "), "{message}");
        assert!(catch_panics(|| Ok(())).is_ok());
    }

    #[test]
    fn notes_and_second_errors_keep_the_exit_code() {
        let err = CliError::with_code(exit::TRAP, "trap: out of fuel").with_note("consumed 7 fuel");
        assert_eq!(err.message(), Some("trap: out of fuel (consumed 7 fuel)"));
        let err = err.also(CliError::failure("cannot write"));
        assert_eq!(err.code(), exit::TRAP);
        assert_eq!(
            err.message(),
            Some("trap: out of fuel (consumed 7 fuel); also: cannot write")
        );
        let err = CliError::silent(4).with_note("ignored");
        assert_eq!(err.message(), None);
        let err = err.also(CliError::failure("cannot write"));
        assert_eq!((err.code(), err.message()), (4, Some("cannot write")));
    }

    #[test]
    fn exit_request_is_silent() {
        let err = CliError::from_wasm("m", &wrt::Error::exit(7));
        assert_eq!(err.code(), 7);
        assert_eq!(err.message(), None);
    }
}

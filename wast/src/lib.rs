//! The `.wast` spec-script runner.
//!
//! [`run_script`] executes every directive of a WebAssembly spec script (the format of the official
//! testsuite) against this runtime and returns a [`WastReport`]: how many directives passed, which
//! failed and why, and which could not be run and why. Nothing is skipped silently: a directive the
//! runtime cannot execute (a component, a thread, a `v128` value, a feature the engine reports as
//! [`ErrorKind::Unsupported`]) is listed under [`WastReport::not_run`] with its reason.
//!
//! How assertions are judged:
//!
//! * `assert_return`: the results must match exactly, bit for bit for floats, except for the
//!   `nan:canonical` / `nan:arithmetic` patterns. `ref.extern N` arguments are host references
//!   whose data is the `u32` `N`; an expected `ref.extern N` matches a non-null externref whose
//!   data downcasts to that `u32`.
//! * `assert_trap`, `assert_exhaustion`: the call (or the instantiation, for a module) must fail
//!   with a trap whose `Display` contains the expected message. The reference interpreter appends
//!   details to some messages (`"uninitialized element 2"`); such an expectation is also met by a
//!   trap whose own message is a prefix of it (`"uninitialized element"`).
//! * `assert_unlinkable`: instantiation must fail with an error that is not a trap and whose
//!   `Display` contains the expected message (`"unknown import"`, `"incompatible import type"`).
//! * `assert_invalid`, `assert_malformed`: the module must be rejected by the text parser or by
//!   [`Module::new`], with [`ErrorKind::Invalid`] or [`ErrorKind::Malformed`] respectively (any
//!   class for quoted text, whose text-format rules the text parser may not all enforce); the
//!   wording is not compared, as engines word these freely. A rejection with
//!   [`ErrorKind::Unsupported`] counts as "not run", since it says nothing about the expected
//!   rejection.
//!
//! Panics inside the runtime are caught per directive and reported as failures, so one bug does
//! not hide the rest of a script.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod spectest;
mod values;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::format;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use ::wast::lexer::Lexer;
use ::wast::parser::{self, ParseBuffer};
use ::wast::token::{Id, Span};
use ::wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use wrt::{Config, Engine, Error, ErrorKind, Instance, Linker, Module, Store, Val};

/// One directive that failed or was not run, with where it is in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WastIssue {
    /// The directive's kind, as written in the script (`assert_return`, `module`, ...).
    pub kind: &'static str,
    /// 1-based line of the directive.
    pub line: usize,
    /// 1-based column of the directive.
    pub column: usize,
    /// What went wrong, or why the directive was not run.
    pub message: String,
}

impl fmt::Display for WastIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.kind, self.message
        )
    }
}

/// The outcome of running one script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WastReport {
    /// The name the script was run under.
    pub file_name: String,
    /// Directives that ran and behaved as the script expects.
    pub passed: usize,
    /// Directives that ran and did not behave as expected (or a script that did not parse).
    pub failures: Vec<WastIssue>,
    /// Directives that could not be run, each with the reason.
    pub not_run: Vec<WastIssue>,
}

impl WastReport {
    fn new(file_name: &str) -> Self {
        WastReport {
            file_name: file_name.to_string(),
            ..WastReport::default()
        }
    }

    /// How many directives failed.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    /// How many directives were not run.
    pub fn not_run_count(&self) -> usize {
        self.not_run.len()
    }

    /// Every directive: passed, failed and not run.
    pub fn total(&self) -> usize {
        self.passed + self.failed() + self.not_run_count()
    }

    /// True when nothing failed (directives that were not run are not failures).
    pub fn is_success(&self) -> bool {
        self.failures.is_empty()
    }

    /// True when every directive ran and passed.
    pub fn is_complete_pass(&self) -> bool {
        self.failures.is_empty() && self.not_run.is_empty()
    }

    fn record(&mut self, kind: &'static str, (line, column): (usize, usize), outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(message) => self.failures.push(WastIssue {
                kind,
                line,
                column,
                message,
            }),
            Outcome::NotRun(message) => self.not_run.push(WastIssue {
                kind,
                line,
                column,
                message,
            }),
        }
    }
}

impl fmt::Display for WastReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} passed, {} failed, {} not run",
            self.file_name,
            self.passed,
            self.failed(),
            self.not_run_count()
        )?;
        for issue in &self.failures {
            write!(f, "\n  FAILED {}:{issue}", self.file_name)?;
        }
        for issue in &self.not_run {
            write!(f, "\n  not run {}:{issue}", self.file_name)?;
        }
        Ok(())
    }
}

/// Runs every directive of the spec script `source` and reports the results. `file_name` is used
/// in the report only. Never panics: a script that does not parse is reported as one failure.
pub fn run_script(config: &Config, file_name: &str, source: &str) -> WastReport {
    let mut report = WastReport::new(file_name);
    let parsed = catch_unwind(|| run_parsed(config, file_name, source));
    match parsed {
        Ok(Ok(inner)) => report = inner,
        Ok(Err(issue)) => report.failures.push(issue),
        Err(payload) => report.failures.push(WastIssue {
            kind: "script",
            line: 1,
            column: 1,
            message: format!("panicked: {}", panic_message(&*payload)),
        }),
    }
    report
}

/// Reads a spec script from `path` and runs it like [`run_script`]. A file that cannot be read is
/// reported as one failure.
pub fn run_file(config: &Config, path: &Path) -> WastReport {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => run_script(config, &name, &source),
        Err(err) => {
            let mut report = WastReport::new(&name);
            report.failures.push(WastIssue {
                kind: "script",
                line: 1,
                column: 1,
                message: format!("cannot read the script: {err}"),
            });
            report
        }
    }
}

fn run_parsed(config: &Config, file_name: &str, source: &str) -> Result<WastReport, WastIssue> {
    let script_error = |mut err: ::wast::Error| {
        let (line, column) = err.span().linecol_in(source);
        err.set_text(source);
        WastIssue {
            kind: "script",
            line: line + 1,
            column: column + 1,
            message: format!("the script does not parse: {}", err.message()),
        }
    };
    let mut lexer = Lexer::new(source);
    lexer.allow_confusing_unicode(true);
    let buffer = ParseBuffer::new_with_lexer(lexer).map_err(script_error)?;
    let script = parser::parse::<Wast<'_>>(&buffer).map_err(script_error)?;

    let mut report = WastReport::new(file_name);
    let mut runner = Runner::new(config, source).map_err(|err| WastIssue {
        kind: "script",
        line: 1,
        column: 1,
        message: format!("cannot set up the `spectest` host module: {err}"),
    })?;
    for directive in script.directives {
        let kind = directive_kind(&directive);
        let at = runner.position(directive.span());
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|payload| {
                Outcome::Fail(format!(
                    "the runtime panicked: {}",
                    panic_message(&*payload)
                ))
            });
        report.record(kind, at, outcome);
    }
    Ok(report)
}

fn panic_message(payload: &(dyn core::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_string()
    }
}

fn directive_kind(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => "assert_trap (module)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// What one directive did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail(String),
    NotRun(String),
}

/// A module (or instance) that could not be made: later directives that need it inherit this.
#[derive(Debug, Clone)]
struct Broken {
    line: usize,
    column: usize,
    /// True when the cause was "not run" (unsupported) rather than a failure.
    not_run: bool,
    reason: String,
}

impl Broken {
    fn outcome(&self, what: &str) -> Outcome {
        let message = format!(
            "{what} at {}:{} is unavailable: {}",
            self.line, self.column, self.reason
        );
        if self.not_run {
            Outcome::NotRun(message)
        } else {
            Outcome::Fail(message)
        }
    }

    fn into_outcome(self) -> Outcome {
        if self.not_run {
            Outcome::NotRun(self.reason)
        } else {
            Outcome::Fail(self.reason)
        }
    }
}

/// Why a module could not be compiled or instantiated.
struct Problem {
    not_run: bool,
    reason: String,
}

impl Problem {
    fn fail(reason: String) -> Self {
        Problem {
            not_run: false,
            reason,
        }
    }

    fn not_run(reason: String) -> Self {
        Problem {
            not_run: true,
            reason,
        }
    }

    fn into_outcome(self) -> Outcome {
        if self.not_run {
            Outcome::NotRun(self.reason)
        } else {
            Outcome::Fail(self.reason)
        }
    }

    fn into_broken(self, (line, column): (usize, usize)) -> Broken {
        Broken {
            line,
            column,
            not_run: self.not_run,
            reason: self.reason,
        }
    }
}

/// The class of error an `assert_invalid` or `assert_malformed` expects.
#[derive(Clone, Copy)]
enum Rejection {
    Invalid,
    Malformed,
}

impl Rejection {
    fn matches(self, err: &Error) -> bool {
        matches!(
            (self, err.kind()),
            (Rejection::Invalid, ErrorKind::Invalid { .. })
                | (Rejection::Malformed, ErrorKind::Malformed { .. })
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Rejection::Invalid => "an invalid-module error",
            Rejection::Malformed => "a malformed-module error",
        }
    }
}

const COMPONENTS_NOT_RUN: &str = "the component model is not implemented";

/// What directives made (or failed to make): by `$name`, and the most recent one, which
/// directives that name none refer to.
struct Made<T> {
    named: HashMap<String, Result<T, Broken>>,
    last: Option<Result<T, Broken>>,
}

impl<T: Clone> Made<T> {
    fn new() -> Self {
        Made {
            named: HashMap::new(),
            last: None,
        }
    }

    /// Records `result` as the most recent, and under `name` if it has one; returns the outcome
    /// of the directive that made it (a broken one says why, `as_what` naming what it is).
    fn record(
        &mut self,
        name: Option<&str>,
        result: Result<T, Broken>,
        as_what: Option<&str>,
    ) -> Outcome {
        let outcome = match (&result, as_what) {
            (Ok(_), _) => Outcome::Pass,
            (Err(broken), None) => broken.clone().into_outcome(),
            (Err(broken), Some(what)) => broken.outcome(what),
        };
        if let Some(name) = name {
            self.named.insert(name.to_string(), result.clone());
        }
        self.last = Some(result);
        outcome
    }

    /// The one named `name`, or the most recent; `None` if there is none such.
    fn get(&self, name: Option<&str>) -> Option<Result<T, Broken>> {
        match name {
            Some(name) => self.named.get(name).cloned(),
            None => self.last.clone(),
        }
    }
}

struct Runner<'s> {
    source: &'s str,
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// Module instances; the most recent is the target of unnamed `invoke`, `get` and
    /// `register`.
    instances: Made<Instance>,
    /// `(module definition $name ...)` modules, compiled but not instantiated.
    definitions: Made<Module>,
    /// Names given to `register` for instances that could not be made.
    broken_registrations: HashMap<String, Broken>,
}

impl<'s> Runner<'s> {
    fn new(config: &Config, source: &'s str) -> Result<Self, Error> {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        spectest::define(&mut store, &mut linker)?;
        Ok(Runner {
            source,
            engine,
            store,
            linker,
            instances: Made::new(),
            definitions: Made::new(),
            broken_registrations: HashMap::new(),
        })
    }

    fn position(&self, span: Span) -> (usize, usize) {
        let (line, column) = span.linecol_in(self.source);
        (line + 1, column + 1)
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        let at = self.position(directive.span());
        match directive {
            WastDirective::Module(mut quote) => {
                let name = quote.name().map(|id| id.name());
                let result = self
                    .compile_quote(&mut quote)
                    .and_then(|module| self.instantiate(&module))
                    .map_err(|problem| problem.into_broken(at));
                self.instances.record(name, result, None)
            }
            WastDirective::ModuleDefinition(mut quote) => {
                let name = quote.name().map(|id| id.name());
                let result = self
                    .compile_quote(&mut quote)
                    .map_err(|problem| problem.into_broken(at));
                self.definitions.record(name, result, None)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.module_instance(at, instance, module),
            WastDirective::Register { name, module, .. } => self.register(name, module),
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(err)) => unsupported_or(err, |err| format!("the call failed: {err}")),
                Err(outcome) => outcome,
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(result) => expect_trap(result, message, &self.store),
                Err(outcome) => outcome,
            },
            WastDirective::AssertInvalid { module, .. } => {
                self.assert_rejected(module, Rejection::Invalid)
            }
            WastDirective::AssertMalformed { module, .. } => {
                self.assert_rejected(module, Rejection::Malformed)
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => self.assert_unlinkable(&mut module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => Outcome::NotRun(
                "custom-section annotations (`@custom`) are not interpreted".to_string(),
            ),
            WastDirective::AssertException { .. } => {
                Outcome::NotRun("exception handling is not implemented".to_string())
            }
            WastDirective::AssertSuspension { .. } => {
                Outcome::NotRun("stack switching is not implemented".to_string())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Outcome::NotRun(
                "threads (and the spec script's `thread`/`wait`) are not implemented".to_string(),
            ),
        }
    }

    /// Encodes a module of the script to binary and compiles it.
    fn compile_quote(&mut self, quote: &mut QuoteWat<'_>) -> Result<Module, Problem> {
        if matches!(
            quote,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(Problem::not_run(COMPONENTS_NOT_RUN.to_string()));
        }
        let bytes = quote
            .encode()
            .map_err(|err| Problem::fail(format!("the module text does not parse: {err}")))?;
        self.compile(&bytes)
    }

    fn compile_wat(&mut self, wat: &mut Wat<'_>) -> Result<Module, Problem> {
        if matches!(wat, Wat::Component(_)) {
            return Err(Problem::not_run(COMPONENTS_NOT_RUN.to_string()));
        }
        let bytes = wat
            .encode()
            .map_err(|err| Problem::fail(format!("the module text does not parse: {err}")))?;
        self.compile(&bytes)
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<Module, Problem> {
        Module::new(&self.engine, bytes).map_err(|err| {
            if is_unsupported(&err) {
                Problem::not_run(err.to_string())
            } else {
                Problem::fail(format!("the module was rejected: {err}"))
            }
        })
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Problem> {
        self.linker
            .instantiate(&mut self.store, module)
            .map_err(|err| self.instantiation_problem(module, err))
    }

    /// Classifies an instantiation error: an unsupported feature, a failure inherited from a
    /// registered module that could not be made, or a failure of this module.
    fn instantiation_problem(&self, module: &Module, err: Error) -> Problem {
        if is_unsupported(&err) {
            return Problem::not_run(err.to_string());
        }
        if err.trap_code().is_none() {
            for import in module.imports() {
                if let Some(broken) = self.broken_registrations.get(import.module()) {
                    let reason = format!(
                        "imports from \"{}\", registered from the module at {}:{} that is \
                         unavailable ({}); instantiation said: {err}",
                        import.module(),
                        broken.line,
                        broken.column,
                        broken.reason
                    );
                    return Problem {
                        not_run: broken.not_run,
                        reason,
                    };
                }
            }
        }
        Problem::fail(format!("instantiation failed: {err}"))
    }

    fn module_instance(
        &mut self,
        at: (usize, usize),
        instance: Option<Id<'_>>,
        module: Option<Id<'_>>,
    ) -> Outcome {
        let definition = self.definitions.get(module.map(|id| id.name()));
        let result = match definition {
            None => Err(Broken {
                line: at.0,
                column: at.1,
                not_run: false,
                reason: format!(
                    "no module definition {}",
                    module.map(|id| id.name()).unwrap_or("(unnamed)")
                ),
            }),
            Some(Err(broken)) => Err(broken),
            Some(Ok(module)) => self
                .instantiate(&module)
                .map_err(|problem| problem.into_broken(at)),
        };
        let name = instance.map(|id| id.name());
        self.instances
            .record(name, result, Some("the module definition"))
    }

    fn instance(&self, module: Option<Id<'_>>) -> Result<Instance, Outcome> {
        let slot =
            match module {
                Some(id) => self.instances.named.get(id.name()).ok_or_else(|| {
                    Outcome::Fail(format!("no module named ${} in the script", id.name()))
                })?,
                None => self.instances.last.as_ref().ok_or_else(|| {
                    Outcome::Fail("no module has been instantiated yet".to_string())
                })?,
            };
        slot.clone().map_err(|broken| broken.outcome("the module"))
    }

    fn register(&mut self, name: &str, module: Option<Id<'_>>) -> Outcome {
        let slot = self.instances.get(module.map(|id| id.name()));
        match slot {
            None => Outcome::Fail(match module {
                Some(id) => format!("no module named ${} in the script", id.name()),
                None => "no module has been instantiated yet".to_string(),
            }),
            Some(Err(broken)) => {
                let outcome = broken.outcome("the module");
                self.broken_registrations.insert(name.to_string(), broken);
                outcome
            }
            Some(Ok(instance)) => {
                self.broken_registrations.remove(name);
                match self.linker.instance(&mut self.store, name, instance) {
                    Ok(_) => Outcome::Pass,
                    Err(err) => Outcome::Fail(format!("registering as \"{name}\" failed: {err}")),
                }
            }
        }
    }

    /// Calls an export. The outer error means the call could not be made (its outcome); the inner
    /// result is the call's own.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Error>, Outcome> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| Outcome::Fail(format!("no exported function \"{}\"", invoke.name)))?;
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            args.push(values::arg(&mut self.store, arg)?);
        }
        let ty = func
            .ty(&self.store)
            .map_err(|e| Outcome::Fail(format!("the function's type: {e}")))?;
        let mut results = Vec::with_capacity(ty.results().len());
        for &result_ty in ty.results() {
            results.push(values::placeholder(result_ty)?);
        }
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    fn get(&mut self, module: Option<Id<'_>>, global: &str) -> Result<Val, Outcome> {
        let instance = self.instance(module)?;
        let global_handle = instance
            .get_global(&self.store, global)
            .ok_or_else(|| Outcome::Fail(format!("no exported global \"{global}\"")))?;
        global_handle
            .get(&self.store)
            .map_err(|e| Outcome::Fail(format!("the global's value: {e}")))
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[::wast::WastRet<'_>],
    ) -> Outcome {
        let got = match exec {
            WastExecute::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Ok(values)) => values,
                Ok(Err(err)) => {
                    return unsupported_or(err, |err| {
                        format!(
                            "expected {}, got the error: {err}",
                            values::describe_rets(expected)
                        )
                    })
                }
                Err(outcome) => return outcome,
            },
            WastExecute::Get { module, global, .. } => match self.get(module, global) {
                Ok(value) => std::vec![value],
                Err(outcome) => return outcome,
            },
            WastExecute::Wat(mut wat) => {
                match self
                    .compile_wat(&mut wat)
                    .and_then(|module| self.instantiate(&module))
                {
                    Ok(_) => Vec::new(),
                    Err(problem) => return problem.into_outcome(),
                }
            }
        };
        values::check_results(&self.store, &got, expected)
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Outcome {
        match exec {
            WastExecute::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(result) => expect_trap(result, message, &self.store),
                Err(outcome) => outcome,
            },
            WastExecute::Get { global, .. } => Outcome::Fail(format!(
                "`get \"{global}\"` cannot trap; the script expects \"{message}\""
            )),
            WastExecute::Wat(mut wat) => {
                let instantiated =
                    format!("the module instantiated; expected the trap \"{message}\"");
                let (module, err) = match self.failed_instantiation(&mut wat, instantiated) {
                    Ok(failed) => failed,
                    Err(outcome) => return outcome,
                };
                if err.trap_code().is_some() {
                    return check_trap_message(&err, message);
                }
                let problem = self.instantiation_problem(&module, err);
                if problem.not_run {
                    Outcome::NotRun(problem.reason)
                } else {
                    Outcome::Fail(format!(
                        "expected the trap \"{message}\", got: {}",
                        problem.reason
                    ))
                }
            }
        }
    }

    fn assert_rejected(&mut self, mut module: QuoteWat<'_>, expected: Rejection) -> Outcome {
        if matches!(
            module,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Outcome::NotRun(COMPONENTS_NOT_RUN.to_string());
        }
        // Quoted text is malformed by rules of the text format, which the text parser used
        // here may not all enforce; whatever the binary it produces is then rejected for says
        // nothing about the class of the error.
        let quoted = matches!(module, QuoteWat::QuoteModule(..));
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            // Rejected by the text parser: that is the expected outcome.
            Err(_) => return Outcome::Pass,
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Outcome::Fail("the module was accepted; expected it to be rejected".into()),
            Err(err) if is_unsupported(&err) => Outcome::NotRun(format!(
                "rejected as unsupported ({err}), which does not show the expected rejection"
            )),
            Err(err) if quoted || expected.matches(&err) => Outcome::Pass,
            Err(err) => Outcome::Fail(format!("expected {}, got: {err}", expected.describe())),
        }
    }

    fn assert_unlinkable(&mut self, wat: &mut Wat<'_>, message: &str) -> Outcome {
        let linked = format!("the module linked; expected the link error \"{message}\"");
        let err = match self.failed_instantiation(wat, linked) {
            Ok((_, err)) => err,
            Err(outcome) => return outcome,
        };
        if err.trap_code().is_some() {
            Outcome::Fail(format!(
                "expected the link error \"{message}\", got a trap: {err}"
            ))
        } else if err.to_string().contains(message) {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("expected the link error \"{message}\", got: {err}"))
        }
    }

    /// Compiles and instantiates `wat` for a directive that expects instantiation to fail: the
    /// module and the error to check, or the outcome when it did not come to that (the module
    /// did not compile, failed for want of an unsupported feature, or instantiated: then
    /// `instantiated` is the failure).
    fn failed_instantiation(
        &mut self,
        wat: &mut Wat<'_>,
        instantiated: String,
    ) -> Result<(Module, Error), Outcome> {
        let module = self.compile_wat(wat).map_err(Problem::into_outcome)?;
        match self.linker.instantiate(&mut self.store, &module) {
            Ok(_) => Err(Outcome::Fail(instantiated)),
            Err(err) if is_unsupported(&err) => Err(Outcome::NotRun(err.to_string())),
            Err(err) => Ok((module, err)),
        }
    }
}

/// A call that should have trapped with `message`.
fn expect_trap(result: Result<Vec<Val>, Error>, message: &str, store: &Store<()>) -> Outcome {
    match result {
        Ok(values) => Outcome::Fail(format!(
            "expected the trap \"{message}\", the call returned {}",
            values::describe_vals(store, &values)
        )),
        Err(err) if is_unsupported(&err) => Outcome::NotRun(err.to_string()),
        Err(err) if err.trap_code().is_some() => check_trap_message(&err, message),
        Err(err) => Outcome::Fail(format!(
            "expected the trap \"{message}\", got a non-trap error: {err}"
        )),
    }
}

/// Compares a trap with the expected message: the trap's `Display` must contain it, or the trap
/// code's own message must be a prefix of it (the reference interpreter appends details, such as
/// the element index in "uninitialized element 2", that a trap code does not carry).
fn check_trap_message(err: &Error, expected: &str) -> Outcome {
    let text = err.to_string();
    if text.contains(expected) {
        return Outcome::Pass;
    }
    if let Some(code) = err.trap_code() {
        let code_message = code.to_string();
        if !code_message.is_empty() && expected.starts_with(code_message.as_str()) {
            return Outcome::Pass;
        }
    }
    Outcome::Fail(format!("expected the trap \"{expected}\", got: {text}"))
}

/// `ErrorKind::Unsupported` becomes "not run"; anything else a failure described by `describe`.
fn unsupported_or(err: Error, describe: impl FnOnce(Error) -> String) -> Outcome {
    if is_unsupported(&err) {
        Outcome::NotRun(err.to_string())
    } else {
        Outcome::Fail(describe(err))
    }
}

/// Whether an error says the engine does not implement something (a proposal this build does
/// not enable), rather than that the module or the call is wrong.
fn is_unsupported(err: &Error) -> bool {
    matches!(err.kind(), ErrorKind::Unsupported { .. })
}

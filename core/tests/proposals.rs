//! Modules that use a proposal wrt does not implement are rejected as unsupported, naming the
//! proposal, whichever part of the module uses it (an instruction, a type, a section, a limit),
//! and the same way whether functions are translated lazily or eagerly.

use wrt::{Config, Engine, Error, ErrorKind, Module, Proposal};

fn reject(wat: &str) -> Error {
    let bytes = wat::parse_str(wat).expect("test module parses");
    let compile =
        |lazy| match Module::new(&Engine::new(Config::new().lazy_translation(lazy)), &bytes) {
            Ok(_) => panic!("accepted: {wat}"),
            Err(e) => e,
        };
    let (lazy, eager) = (compile(true), compile(false));
    assert_eq!(lazy.to_string(), eager.to_string(), "{wat}");
    lazy
}

/// The module is unsupported, for `proposal`, and the message names it.
fn unsupported(wat: &str, proposal: Proposal, name: &str) {
    let err = reject(wat);
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { .. }),
        "{wat}: {err}"
    );
    assert_eq!(err.proposal(), Some(proposal), "{wat}: {err}");
    let message = err.to_string();
    assert!(message.contains(name), "{wat}: {message}");
    assert!(message.contains("wrt does not implement"), "{message}");
    assert!(err.offset().is_some(), "{wat}: {err}");
}

#[test]
fn simd() {
    // An instruction alone, a value type, a constant expression, a local.
    unsupported(
        "(module (func (drop (i32x4.splat (i32.const 0)))))",
        Proposal::Simd,
        "SIMD",
    );
    unsupported("(module (func (param v128)))", Proposal::Simd, "SIMD");
    unsupported(
        "(module (global v128 (v128.const i64x2 0 0)))",
        Proposal::Simd,
        "SIMD",
    );
    unsupported("(module (func (local v128)))", Proposal::Simd, "SIMD");
}

#[test]
fn exception_handling() {
    unsupported(
        "(module (tag $e) (func (throw $e)))",
        Proposal::ExceptionHandling,
        "exception handling",
    );
    unsupported(
        "(module (func (block (try_table))))",
        Proposal::ExceptionHandling,
        "exception handling",
    );
    // The legacy instructions toolchains still emit (CPython, MicroPython): once reported as a
    // malformed module ("operators remaining after end of function").
    unsupported(
        "(module (func (result i32) (i32.const 1))
                 (func try (call 0) drop catch_all end)
                 (func (result i32) (i32.const 2)))",
        Proposal::LegacyExceptionHandling,
        "exception handling",
    );
}

#[test]
fn memory64() {
    unsupported("(module (memory i64 1))", Proposal::Memory64, "memory64");
    unsupported(
        "(module (table i64 1 funcref))",
        Proposal::Memory64,
        "memory64",
    );
}

#[test]
fn threads() {
    unsupported("(module (memory 1 1 shared))", Proposal::Threads, "threads");
}

#[test]
fn gc() {
    unsupported("(module (type (struct)))", Proposal::Gc, "GC");
    unsupported("(module (func (param anyref)))", Proposal::Gc, "GC");
    unsupported(
        "(module (func (drop (ref.i31 (i32.const 0)))))",
        Proposal::Gc,
        "GC",
    );
}

#[test]
fn typed_function_references() {
    unsupported(
        "(module (type $t (func)) (func (param (ref $t))))",
        Proposal::FunctionReferences,
        "function references",
    );
    unsupported(
        "(module (type $t (func)) (func (param funcref) (drop (ref.as_non_null (local.get 0)))))",
        Proposal::FunctionReferences,
        "function references",
    );
}

#[test]
fn components() {
    let err = Module::new(&Engine::default(), b"\0asm\x0d\0\x01\0").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    assert_eq!(err.proposal(), Some(Proposal::ComponentModel));
}

/// WebAssembly 2.0 itself says a second memory makes a module invalid (its testsuite checks
/// it), so that stays invalid; the message names the proposal that allows it.
#[test]
fn multi_memory() {
    for wat in [
        "(module (memory 1) (memory 1))",
        r#"(module (import "m" "a" (memory 1)) (import "m" "b" (memory 1)))"#,
        r#"(module (import "m" "a" (memory 1)) (memory 1))"#,
    ] {
        let err = reject(wat);
        assert!(
            matches!(err.kind(), ErrorKind::Invalid { .. }),
            "{wat}: {err}"
        );
        assert_eq!(err.proposal(), Some(Proposal::MultiMemory), "{err}");
        assert!(err.to_string().contains("multi-memory"), "{err}");
    }
}

/// A construct of an unimplemented proposal after an invalid function does not hide it: the
/// first error in the binary is the module's.
#[test]
fn an_earlier_validation_error_stands() {
    let err = reject(
        "(module (func (result i32) (i64.const 0))
                 (func (drop (i32x4.splat (i32.const 0)))))",
    );
    assert!(matches!(err.kind(), ErrorKind::Invalid { .. }), "{err}");
    assert_eq!(err.proposal(), None);
}

//! Tests of the runner itself: it must count what passes, fail what is wrong, and say what it
//! could not run.

use std::string::ToString;

use ::wast::core::NanPattern;
use ::wast::token::{F32, F64};

use super::values::{f32_matches, f64_matches};
use super::{run_script, WastReport};
use wrt::Config;

fn run(source: &str) -> WastReport {
    run_script(&Config::default(), "test.wast", source)
}

/// How many directives passed, and the lines of those that failed.
fn passed_and_failed_lines(report: &WastReport) -> (usize, Vec<usize>) {
    let lines = report.failures.iter().map(|f| f.line).collect();
    (report.passed, lines)
}

/// Runs `directive` after a module (lines 2 to 4) exporting `add`: the directive is on line 5.
fn run_after_add(directive: &str) -> WastReport {
    const ADD: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
"#;
    run(&[ADD, directive].concat())
}

#[test]
fn a_correct_assert_return_passes() {
    let report = run_after_add(
        r#"(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))"#,
    );
    assert_eq!(report.passed, 2, "{report}");
    assert!(report.is_complete_pass(), "{report}");
}

#[test]
fn a_wrong_assert_return_is_a_failure_with_its_position() {
    let report = run_after_add(
        "(assert_return (invoke \"add\" (i32.const 1) (i32.const 2)) (i32.const 4))\n",
    );
    assert_eq!(passed_and_failed_lines(&report), (1, vec![5]), "{report}");
    let failure = &report.failures[0];
    assert_eq!(failure.kind, "assert_return");
    // Positions are those of the directive's keyword, just inside its parenthesis.
    assert_eq!(failure.column, 2, "{failure}");
    assert!(failure.message.contains("(i32.const 4)"), "{failure}");
    assert!(failure.message.contains("(i32.const 3)"), "{failure}");
    assert!(!report.is_success());
}

#[test]
fn a_wrong_result_count_is_a_failure() {
    let report = run_after_add(r#"(assert_return (invoke "add" (i32.const 1) (i32.const 2)))"#);
    assert_eq!(report.failed(), 1, "{report}");
}

#[test]
fn nan_patterns() {
    let canonical_f32 = NanPattern::<F32>::CanonicalNan;
    let arithmetic_f32 = NanPattern::<F32>::ArithmeticNan;
    assert!(f32_matches(0x7fc0_0000, &canonical_f32));
    assert!(f32_matches(0xffc0_0000, &canonical_f32));
    assert!(!f32_matches(0x7fc0_0001, &canonical_f32));
    assert!(!f32_matches(0x7f80_0000, &canonical_f32)); // infinity
    assert!(f32_matches(0x7fc0_0001, &arithmetic_f32));
    assert!(f32_matches(0xffe0_0000, &arithmetic_f32));
    assert!(!f32_matches(0x7fa0_0000, &arithmetic_f32)); // signalling NaN
    assert!(!f32_matches(0x3f80_0000, &arithmetic_f32)); // 1.0
    assert!(f32_matches(
        0x7fa0_0000,
        &NanPattern::Value(F32 { bits: 0x7fa0_0000 })
    ));
    assert!(!f32_matches(
        0x8000_0000,
        &NanPattern::Value(F32 { bits: 0 })
    )); // -0 is not +0

    let canonical_f64 = NanPattern::<F64>::CanonicalNan;
    let arithmetic_f64 = NanPattern::<F64>::ArithmeticNan;
    assert!(f64_matches(0x7ff8_0000_0000_0000, &canonical_f64));
    assert!(f64_matches(0xfff8_0000_0000_0000, &canonical_f64));
    assert!(!f64_matches(0x7ff8_0000_0000_0001, &canonical_f64));
    assert!(f64_matches(0x7ff8_0000_0000_0001, &arithmetic_f64));
    assert!(!f64_matches(0x7ff4_0000_0000_0000, &arithmetic_f64));
    assert!(!f64_matches(0x7ff0_0000_0000_0000, &arithmetic_f64)); // infinity
}

#[test]
fn nan_patterns_in_a_script() {
    let report = run(r#"
(module
  (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "id") (param f64) (result f64) (local.get 0)))
(assert_return (invoke "div" (f32.const 0) (f32.const 0)) (f32.const nan:canonical))
(assert_return (invoke "div" (f32.const 0) (f32.const 0)) (f32.const nan:arithmetic))
(assert_return (invoke "id" (f64.const nan:0x4000000000000)) (f64.const nan:0x4000000000000))
(assert_return (invoke "id" (f64.const -nan:0xc000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "div" (f32.const 1) (f32.const 1)) (f32.const nan:canonical))
"#);
    assert_eq!(passed_and_failed_lines(&report), (5, vec![9]), "{report}");
}

#[test]
fn directives_that_cannot_run_are_reported_not_skipped() {
    let report = run(r#"
(module
  (func (export "f") (param i32)))
(invoke "f" (v128.const i32x4 0 0 0 0))
(assert_return (invoke "f" (i32.const 0)) (v128.const i32x4 0 0 0 0))
(assert_exception (invoke "f" (i32.const 0)))
(component)
(thread $t (invoke "f" (i32.const 0)))
"#);
    assert_eq!(report.passed, 1, "{report}");
    assert_eq!(
        report.failed(),
        1,
        "a result count mismatch is a failure: {report}"
    );
    assert_eq!(report.not_run_count(), 4, "{report}");
    assert_eq!(report.total(), 6, "{report}");
    assert!(report.not_run[0].message.contains("v128"), "{report}");
    assert!(report.not_run[1].message.contains("exception"), "{report}");
    assert!(report.not_run[2].message.contains("component"), "{report}");
    assert!(report.not_run[3].message.contains("thread"), "{report}");
    assert!(!report.is_complete_pass());
}

#[test]
fn an_unsupported_result_type_is_not_run() {
    let report = run(r#"
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (v128.const i32x4 0 0 0 0))
"#);
    assert_eq!(report.not_run_count(), 1, "{report}");
    assert!(report.is_success(), "{report}");
}

#[test]
fn a_script_that_does_not_parse_is_one_failure() {
    let report = run("(module (func (export \"f\")))\n(assert_return (invoke \"f\"");
    assert_eq!(report.failed(), 1, "{report}");
    assert_eq!(report.failures[0].kind, "script");
    assert_eq!(report.passed, 0);
}

#[test]
fn traps_are_compared_by_message() {
    let report = run(r#"
(module
  (func (export "boom") unreachable)
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "fine")))
(assert_trap (invoke "boom") "unreachable")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")
(assert_trap (invoke "fine") "unreachable")
(assert_trap (module (func $start unreachable) (start $start)) "unreachable")
"#);
    assert_eq!(
        passed_and_failed_lines(&report),
        (4, vec![8, 9]),
        "{report}"
    );
}

#[test]
fn a_trap_message_with_details_matches_the_trap_code() {
    let report = run(r#"
(module
  (table 3 funcref)
  (func (export "call") (param i32) (call_indirect (local.get 0))))
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element 2")
(assert_trap (invoke "call" (i32.const 7)) "undefined element")
"#);
    assert!(report.is_complete_pass(), "{report}");
}

#[test]
fn exhaustion_is_a_trap() {
    let report = run(r#"
(module (func $f (export "f") (call $f)))
(assert_exhaustion (invoke "f") "call stack exhausted")
"#);
    assert!(report.is_complete_pass(), "{report}");
}

#[test]
fn rejected_modules() {
    let report = run(r#"
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func (i32.foo))") "unknown operator")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_invalid (module (func)) "this module is valid")
"#);
    assert_eq!(passed_and_failed_lines(&report), (3, vec![5]), "{report}");
}

#[test]
fn spectest_register_and_linking() {
    let report = run(r#"
(module $host
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "print" (func))
  (import "spectest" "print_i64" (func (param i64)))
  (import "spectest" "print_f32" (func (param f32)))
  (import "spectest" "print_f64" (func (param f64)))
  (import "spectest" "print_i32_f32" (func (param i32 f32)))
  (import "spectest" "print_f64_f64" (func (param f64 f64)))
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "global_i64" (global i64))
  (import "spectest" "global_f32" (global f32))
  (import "spectest" "global_f64" (global f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2))
  (global (export "g") i32 (global.get $g))
  (func (export "get") (result i32) (call $print (i32.const 1)) (global.get $g)))
(register "host" $host)
(module
  (import "host" "get" (func $get (result i32)))
  (func (export "twice") (result i32) (i32.add (call $get) (call $get))))
(assert_return (invoke "twice") (i32.const 1332))
(assert_return (get $host "g") (i32.const 666))
(assert_return (invoke $host "get") (i32.const 666))
(assert_unlinkable (module (import "host" "missing" (func))) "unknown import")
(assert_unlinkable (module (import "host" "get" (func (param i32)))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "global_f32" (global f64))) "incompatible import type")
"#);
    assert!(report.is_complete_pass(), "{report}");
    assert_eq!(report.passed, 9, "{report}");
}

#[test]
fn externref_values_are_compared_by_their_number() {
    let report = run(r#"
(module
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "null") (result funcref) (ref.null func)))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null") (ref.null func))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
(assert_return (invoke "id" (ref.null extern)) (ref.extern 2))
(assert_return (invoke "null") (ref.null extern))
"#);
    assert_eq!(
        passed_and_failed_lines(&report),
        (5, vec![9, 10, 11]),
        "{report}"
    );
}

#[test]
fn either_accepts_any_alternative() {
    let report = run(r#"
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (either (i32.const 0) (i32.const 1)))
(assert_return (invoke "one") (either (i32.const 0) (i32.const 2)))
"#);
    assert_eq!(passed_and_failed_lines(&report), (2, vec![4]), "{report}");
}

#[test]
fn a_failed_module_fails_the_directives_that_use_it() {
    let report = run(r#"
(module (func (export "f") (result i32) (i32.const 1)))
(module (import "nowhere" "f" (func)) (func (export "f") (result i32) (i32.const 2)))
(assert_return (invoke "f") (i32.const 2))
"#);
    assert_eq!(
        passed_and_failed_lines(&report),
        (1, vec![3, 4]),
        "{report}"
    );
    assert!(
        report.failures[1].message.contains("3:2"),
        "the later failure points at the module: {report}"
    );
}

#[test]
fn an_unknown_export_is_a_failure() {
    let report = run(r#"
(module)
(invoke "nothing")
"#);
    assert_eq!(report.failed(), 1, "{report}");
    assert!(report.failures[0].message.contains("nothing"), "{report}");
}

#[test]
fn module_definitions_and_instances() {
    let report = run(r#"
(module definition $M (func (export "f") (result i32) (i32.const 7)))
(module instance $a $M)
(module instance $b $M)
(assert_return (invoke $a "f") (i32.const 7))
(assert_return (invoke "f") (i32.const 7))
"#);
    assert!(report.is_complete_pass(), "{report}");
    assert_eq!(report.passed, 5, "{report}");
}

#[test]
fn report_display_lists_issues() {
    let text =
        run_after_add("(assert_return (invoke \"add\" (i32.const 1) (i32.const 2)) (i32.const 4))")
            .to_string();
    assert!(
        text.starts_with("test.wast: 1 passed, 1 failed, 0 not run"),
        "{text}"
    );
    assert!(
        text.contains("FAILED test.wast:5:2: assert_return"),
        "{text}"
    );
}

#[test]
fn garbage_scripts_are_failures_not_panics() {
    for source in [
        "(",
        ")",
        "(module",
        "\u{0}",
        "(assert_return)",
        "(invoke \"f\")",
        "(register \"x\")",
    ] {
        let report = run(source);
        assert!(report.failed() >= 1, "{source:?}: {report}");
    }
}

//! End-to-end tests of the `wrtd` binary: output, exit codes, and error lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

mod common;

use common::{
    assert_contains_all, data, example, help, stderr, stdout, wrtd, FAILURE, TRAP, USAGE,
};

/// Runs wrtd and expects success with exactly `expected` on stdout.
fn expect_output(args: &[&str], expected: &str) {
    let out = wrtd(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "wrtd {args:?} failed: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), expected, "wrtd {args:?}");
    assert_eq!(stderr(&out), "", "wrtd {args:?}");
}

/// Runs wrtd and expects exit `code` with one `error: ` line on stderr
/// containing every one of `needles`. Returns that line.
fn expect_error(args: &[&str], code: i32, needles: &[&str]) -> String {
    let out = wrtd(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "wrtd {args:?}: {err}");
    assert_eq!(stdout(&out), "", "wrtd {args:?} printed results");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "wrtd {args:?}: not one line: {err:?}");
    assert!(lines[0].starts_with("error: "), "wrtd {args:?}: {err:?}");
    assert_contains_all(&format!("wrtd {args:?}"), &err, needles);
    lines[0].to_string()
}

// ---- running functions and printing results ----

#[test]
fn quick_start_example_prints_fib_20() {
    expect_output(&[&example("fib.wat"), "--function", "fib", "20"], "6765\n");
}

#[test]
fn binary_example_runs_both_fibs() {
    expect_output(&[&example("fib.wasm"), "--function", "fib", "10"], "55\n");
    expect_output(
        &[&example("fib.wasm"), "--function", "fib_iter", "90"],
        "2880067194370816120\n",
    );
}

/// examples/wasm/build.sh makes each `.wasm` there from its `.wat`: the shipped ones are current.
#[test]
fn every_shipped_wasm_matches_its_text() {
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(example("")).unwrap() {
        let wat = entry.unwrap().path();
        if wat.extension() != Some("wat".as_ref()) {
            continue;
        }
        let wasm = wat.with_extension("wasm");
        let name = wasm.file_name().unwrap().to_string_lossy().into_owned();
        let built = wrt::wat2wasm(&std::fs::read_to_string(&wat).unwrap()).unwrap();
        let shipped = std::fs::read(&wasm).unwrap();
        assert!(
            built == shipped,
            "examples/wasm/{name} is stale: run examples/wasm/build.sh"
        );
        checked.push(name);
    }
    checked.sort();
    assert_eq!(checked, ["echo.wasm", "fib.wasm", "grow.wasm"]);
}

#[test]
fn calls_start_before_main() {
    expect_output(&[&data("start.wat")], "7\n");
}

#[test]
fn falls_back_to_main() {
    expect_output(&[&data("main.wat")], "8\n");
}

#[test]
fn function_flag_picks_another_export() {
    expect_output(&[&data("main.wat"), "--function", "helper"], "1\n");
}

#[test]
fn i32_arguments() {
    let m = data("values.wat");
    expect_output(&[&m, "--function", "add_i32", "2", "3"], "5\n");
    expect_output(&[&m, "--function", "add_i32", "-7", "3"], "-4\n");
    expect_output(
        &[&m, "--function", "id_i32", "-2147483648"],
        "-2147483648\n",
    );
    // The unsigned reading of the same bits is accepted; results print signed.
    expect_output(&[&m, "--function", "id_i32", "4294967295"], "-1\n");
    expect_output(&[&m, "--function", "add_i32", "4294967295", "1"], "0\n");
}

#[test]
fn i64_arguments() {
    let m = data("values.wat");
    expect_output(
        &[&m, "--function", "id_i64", "-9223372036854775808"],
        "-9223372036854775808\n",
    );
    expect_output(
        &[&m, "--function", "id_i64", "18446744073709551615"],
        "-1\n",
    );
    expect_output(
        &[&m, "--function", "add_i64", "4294967296", "-1"],
        "4294967295\n",
    );
}

#[test]
fn f32_arguments() {
    let m = data("values.wat");
    expect_output(&[&m, "--function", "add_f32", "1.5", "2.25"], "3.75\n");
    expect_output(&[&m, "--function", "id_f32", "inf"], "inf\n");
    expect_output(&[&m, "--function", "id_f32", "-inf"], "-inf\n");
    expect_output(&[&m, "--function", "id_f32", "nan"], "NaN\n");
    expect_output(&[&m, "--function", "id_f32", "-0.5"], "-0.5\n");
}

#[test]
fn f64_arguments() {
    let m = data("values.wat");
    expect_output(&[&m, "--function", "add_f64", "0.5", "0.25"], "0.75\n");
    expect_output(&[&m, "--function", "id_f64", "-inf"], "-inf\n");
    expect_output(&[&m, "--function", "id_f64", "nan"], "NaN\n");
    expect_output(
        &[&m, "--function", "id_f64", "1e300"],
        &format!("{}\n", 1e300f64),
    );
}

#[test]
fn mixed_arguments() {
    expect_output(
        &[
            &data("values.wat"),
            "--function",
            "mixed",
            "1",
            "-2",
            "0.5",
            "10",
        ],
        "9.5\n",
    );
}

#[test]
fn each_result_on_its_own_line() {
    expect_output(
        &[&data("values.wat"), "--function", "swap", "1", "2"],
        "2\n1\n",
    );
}

#[test]
fn no_results_print_nothing() {
    expect_output(&[&data("values.wat"), "--function", "nothing"], "");
}

#[test]
fn null_reference_result() {
    expect_output(&[&data("values.wat"), "--function", "null_ref"], "null\n");
}

/// With the `safety-critical` feature every run starts from `Config::safety_critical()`, whose
/// NaN results are canonical; without it an addition keeps a quiet NaN's payload (x86 and Arm
/// hardware both propagate it).
#[test]
fn safety_critical_feature_picks_the_safety_critical_defaults() {
    // 0x7ff8_0000_0000_0001: a quiet NaN with payload 1; the canonical NaN is 0x7ff8_0000_0000_0000.
    let expected = if cfg!(feature = "safety-critical") {
        "9221120237041090560\n"
    } else {
        "9221120237041090561\n"
    };
    expect_output(
        &[
            &data("nan_payload.wat"),
            "--function",
            "add",
            "9221120237041090561",
        ],
        expected,
    );
}

/// A wrtd built without its `wasi` feature refuses `--wasi`, saying so.
#[test]
#[cfg(not(feature = "wasi"))]
fn wasi_is_refused_without_the_wasi_feature() {
    expect_error(
        &[&example("fib.wat"), "--wasi"],
        FAILURE,
        &["--wasi: this wrtd was built without WASI"],
    );
}

// ---- usage errors ----

#[test]
fn no_entry_point_lists_exports() {
    expect_error(
        &[&example("fib.wat")],
        FAILURE,
        &["--function", "fib, fib_iter"],
    );
}

#[test]
fn wrong_argument_count_names_signature() {
    let m = data("values.wat");
    expect_error(
        &[&m, "--function", "add_i32", "1"],
        FAILURE,
        &["add_i32(i32, i32) -> i32", "2 arguments"],
    );
    expect_error(&[&m, "--function", "nothing", "1"], FAILURE, &["nothing()"]);
}

#[test]
fn wrong_argument_type_names_signature() {
    let m = data("values.wat");
    let signature = "add_i32(i32, i32) -> i32";
    for (call, needles) in [
        (
            &["add_i32", "1", "x"][..],
            &["argument 2", "`x` is not a valid i32", signature][..],
        ),
        (&["id_i32", "4294967296"], &["out of range for i32"]),
        (
            &["id_i64", "18446744073709551616"],
            &["out of range for i64"],
        ),
        (&["id_i32", "1.5"], &["not a valid i32"]),
        (
            &["id_f64", "one"],
            &["not a valid f64", "id_f64(f64) -> f64"],
        ),
    ] {
        let mut args = vec![m.as_str(), "--function"];
        args.extend_from_slice(call);
        expect_error(&args, FAILURE, needles);
    }
}

#[test]
fn option_after_arguments_is_a_usage_error() {
    expect_error(
        &[&data("values.wat"), "1", "--function", "id_i32"],
        USAGE,
        &["--function"],
    );
}

#[test]
fn unknown_export() {
    expect_error(
        &[&data("values.wat"), "--function", "nope"],
        FAILURE,
        &["`nope` is not exported", "add_i32"],
    );
}

#[test]
fn export_that_is_not_a_function() {
    expect_error(
        &[&data("values.wat"), "--function", "mem"],
        FAILURE,
        &["`mem` is not a function"],
    );
}

// ---- load and link errors ----

#[test]
fn missing_file() {
    expect_error(
        &[&data("does-not-exist.wasm")],
        FAILURE,
        &["cannot read", "does-not-exist.wasm"],
    );
}

#[test]
fn malformed_text() {
    expect_error(&[&data("malformed.wat")], FAILURE, &["malformed.wat"]);
}

#[test]
fn malformed_binary() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wrtd-bad-version.wasm");
    std::fs::write(&path, b"\0asm\x02\0\0\0").unwrap();
    expect_error(
        &[path.to_str().unwrap()],
        FAILURE,
        &["wrtd-bad-version.wasm", "malformed"],
    );
}

#[test]
fn neither_binary_nor_text() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wrtd-garbage.bin");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    expect_error(
        &[path.to_str().unwrap()],
        FAILURE,
        &["not a WebAssembly module"],
    );
}

#[test]
fn invalid_module() {
    expect_error(&[&data("invalid.wat")], FAILURE, &["invalid module"]);
}

#[test]
fn missing_import() {
    expect_error(&[&data("import.wat")], FAILURE, &["log"]);
}

// ---- traps ----

#[test]
fn unreachable_traps() {
    expect_error(
        &[&data("values.wat"), "--function", "boom"],
        TRAP,
        &["unreachable"],
    );
}

#[test]
fn divide_by_zero_traps() {
    expect_error(
        &[&data("values.wat"), "--function", "div", "1", "0"],
        TRAP,
        &["integer divide by zero"],
    );
}

#[test]
fn endless_recursion_traps() {
    expect_error(
        &[&data("values.wat"), "--function", "forever"],
        TRAP,
        &["call stack exhausted"],
    );
}

#[test]
fn trap_in_start_function() {
    expect_error(&[&data("start_traps.wat")], TRAP, &["unreachable"]);
}

// ---- command-line syntax ----

#[test]
fn no_module_is_a_syntax_error() {
    let out = wrtd(&[]);
    assert_eq!(out.status.code(), Some(USAGE));
    assert!(stderr(&out).starts_with("error: "));
}

#[test]
fn unknown_option_is_a_syntax_error() {
    let out = wrtd(&["--bogus", &data("main.wat")]);
    assert_eq!(out.status.code(), Some(USAGE));
    assert!(stderr(&out).starts_with("error: "));
}

#[test]
fn help_documents_exit_codes() {
    assert_contains_all(
        "--help",
        &help(),
        &[
            "Exit codes",
            "3   the WebAssembly code trapped",
            "70",
            "wast",
            "validate",
        ],
    );
}

// ---- validate ----

#[test]
fn validate_accepts_valid_modules() {
    expect_output(&["validate", &example("fib.wat")], "valid\n");
    expect_output(&["validate", &example("fib.wasm")], "valid\n");
    // Validation does not link or run: imports and traps are fine.
    expect_output(&["validate", &data("import.wat")], "valid\n");
    expect_output(&["validate", &data("start_traps.wat")], "valid\n");
}

#[test]
fn validate_rejects_bad_modules() {
    expect_error(
        &["validate", &data("invalid.wat")],
        FAILURE,
        &["invalid module"],
    );
    expect_error(
        &["validate", &data("malformed.wat")],
        FAILURE,
        &["malformed.wat"],
    );
    expect_error(&["validate", &data("nope.wasm")], FAILURE, &["cannot read"]);
}

// ---- wast ----

#[test]
fn wast_passing_script() {
    let script = data("pass.wast");
    let out = wrtd(&["wast", &script]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains(&format!("{script}: 5 passed, 0 failed")),
        "{text}"
    );
    assert!(text.ends_with("total: 5 passed, 0 failed\n"), "{text}");
    assert_eq!(stderr(&out), "");
}

#[test]
fn wast_failing_script() {
    let pass = data("pass.wast");
    let fail = data("fail.wast");
    let out = wrtd(&["wast", &pass, &fail]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(FAILURE), "{text}");
    assert!(
        text.contains(&format!("{fail}: 2 passed, 1 failed")),
        "{text}"
    );
    assert!(text.ends_with("total: 7 passed, 1 failed\n"), "{text}");
    let err = stderr(&out);
    assert_eq!(err, "error: 1 of 8 script directives failed\n");
}

#[test]
fn wast_missing_file_fails() {
    let out = wrtd(&["wast", &data("missing.wast")]);
    assert_eq!(out.status.code(), Some(FAILURE));
    assert!(stdout(&out).contains("cannot read"));
    assert!(stderr(&out).starts_with("error: "));
}

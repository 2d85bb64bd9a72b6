//! End-to-end tests of `wrtd --no-platform-opt`: the portable linear-memory
//! backend gives the same output, fuel and memory profile as the default, and
//! the flag combines with the other run options.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

mod common;

use common::{assert_contains_all, example, help, json_path, stderr, stdout, wrtd};

/// The product description's command line, as written: a module with a
/// `_start` and the flag alone.
#[test]
fn module_then_no_platform_opt() {
    let start = format!("{}/tests/data/start.wat", env!("CARGO_MANIFEST_DIR"));
    let out = wrtd(&[&start, "--no-platform-opt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "7\n");
}

#[test]
fn no_platform_opt_runs_the_grow_example() {
    for module in ["grow.wasm", "grow.wat"] {
        let out = wrtd(&[
            &example(module),
            "--no-platform-opt",
            "--function",
            "grow",
            "7",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "8\n");
        assert_eq!(stderr(&out), "");
    }
}

/// The `--memory-profile` example of docs/cli.md, with and without the flag: the
/// same result, the same report (fuel and every byte count) and the same JSON.
#[test]
fn the_profile_and_fuel_are_the_same_with_and_without_the_flag() {
    let run = |flag: Option<&str>, json: &PathBuf| {
        let json = json.to_str().unwrap();
        let mut args = vec![
            example("grow.wasm"),
            "--fuel".into(),
            "100000".into(),
            "--memory".into(),
            "1048576".into(),
            "--memory-profile".into(),
            "--profile-json".into(),
            json.into(),
        ];
        args.extend(flag.map(String::from));
        args.extend(["--function".into(), "grow".into(), "7".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wrtd(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json = std::fs::read_to_string(json).expect("the profile was written");
        (stdout(&out), stderr(&out), json)
    };
    let default = run(None, &json_path("platform-default"));
    let portable = run(Some("--no-platform-opt"), &json_path("platform-portable"));
    assert_eq!(default.0, "8\n");
    assert_contains_all(
        "the report",
        &default.1,
        &[
            "Peak memory: 529030 bytes",
            "linear_memory: current 524288 bytes, peak 524288 bytes",
            "runtime:       current 1566 bytes, peak 1566 bytes",
            "memory.grow: 1 succeeded, 0 failed",
            "Fuel consumed: 7284",
        ],
    );
    assert_eq!(portable, default);
}

#[test]
fn memory_grow_past_the_budget_returns_minus_one_with_the_flag_too() {
    for flag in [None, Some("--no-platform-opt")] {
        let mut args = vec![example("grow.wasm")];
        args.extend(flag.map(String::from));
        args.extend(
            [
                "--memory",
                "1048576",
                "--memory-profile",
                "--function",
                "grow",
                "15",
            ]
            .map(String::from),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wrtd(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert_eq!(stdout(&out), "-1\n");
        assert!(err.contains("memory.grow: 0 succeeded, 1 failed"), "{err}");
        assert!(
            err.contains("linear_memory: current 65536 bytes, peak 65536 bytes"),
            "{err}"
        );
    }
}

#[test]
#[cfg(feature = "wasi")]
fn no_platform_opt_combines_with_wasi_and_no_std() {
    for extra in [&["--wasi"][..], &["--no-std", "--wasi"][..]] {
        let mut args = vec![example("echo.wasm").clone()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["--no-platform-opt", "--", "Hello,", "WASI!"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wrtd(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "Hello, WASI!\n");
    }
}

/// grow.wat's memory has no maximum, so the default reserves 4 GiB of
/// address space for it. With the address space capped at 1 GiB that
/// reservation fails, and the memory falls back to the heap: the run still
/// succeeds (without the fallback, instantiation would fail).
#[cfg(unix)]
#[test]
fn a_failed_reservation_falls_back_to_the_heap() {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_wrtd"))
        .args([&example("grow.wasm"), "--function", "grow", "7"])
        .output()
        .expect("sh starts");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "8\n");
}

#[test]
fn help_documents_the_flag() {
    assert_contains_all(
        "--help",
        &help(),
        &[
            "--no-platform-opt",
            "Use the portable code instead of platform-specific",
        ],
    );
}

//! Helpers shared by wrtd's end-to-end tests (each test file uses a part of them).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Exit codes documented in `wrtd --help` and the README.
pub const FAILURE: i32 = 1;
pub const USAGE: i32 = 2;
pub const TRAP: i32 = 3;

/// A module of `cli/tests/data/`.
pub fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A module of `examples/wasm/`.
pub fn example(name: &str) -> String {
    format!("{}/../examples/wasm/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh path for a JSON profile written by test `test`.
pub fn json_path(test: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("wrtd-profile-{test}.json"))
}

/// Runs wrtd to completion; fails the test if it panicked.
pub fn wrtd(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_wrtd"))
        .args(args)
        .output()
        .expect("wrtd starts");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "wrtd {args:?} panicked: {err}"
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// What `wrtd --help` prints; the test fails unless it exits with 0.
pub fn help() -> String {
    let out = wrtd(&["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Fails the test, naming `what` was checked, unless `text` contains every one of `needles`.
pub fn assert_contains_all(what: &str, text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{what} lacks {needle:?}:\n{text}");
    }
}

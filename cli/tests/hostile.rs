//! Hostile guests: modules that try to exhaust the host, run through `wrtd` with a memory
//! budget and fuel. Each must end with its result or a clear error, an exit code below 128
//! (never a crash or an abort), and a process whose peak resident memory stays near the
//! budget: its size with a trivial module, plus the module file it reads, plus the budget,
//! plus a fixed allowance.
//! The outcomes are written to tests/hostile-results.md.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The core tests' writer of binary modules, with the hostile shapes they load under a budget.
#[path = "../../core/tests/support/binary.rs"]
mod binary;

use binary::{data_segments, elements, functions, globals, run_of, types};

const BUDGET: u64 = 16 << 20;
const FUEL: u64 = 100_000_000;
/// What wrtd may hold above its size with a trivial module and the budget: allocator slack and
/// the pages of thread stacks and buffers that are not charged to the budget.
const ALLOWANCE_KIB: i64 = 8 * 1024;

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap()
}

/// A case: its name and what builds its module, as text or binary. Modules are built one at a
/// time, just before they run, so the test process stays small (see `run`).
type Case = (&'static str, fn() -> Vec<u8>);

const CASES: &[Case] = &[
    ("memory minimum of 4 GiB", || {
        wat("(module (memory 65536) (func (export \"main\")))")
    }),
    ("table minimum of 100 million", || {
        wat("(module (table 100000000 funcref) (func (export \"main\")))")
    }),
    ("memory.grow until refused", || {
        wat(r#"(module (memory 1) (func (export "main") (result i32)
             (block (loop (br_if 1 (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br 0)))
             (memory.size)))"#)
    }),
    ("table.grow until refused", || {
        wat(
            r#"(module (table 1 funcref) (func (export "main") (result i32)
             (block (loop
               (br_if 1 (i32.eq (table.grow (ref.null func) (i32.const 1000)) (i32.const -1)))
               (br 0)))
             (table.size)))"#,
        )
    }),
    ("unbounded recursion", || {
        wat(r#"(module (func $f (export "main") (result i32) (i32.add (call $f) (i32.const 1))))"#)
    }),
    ("recursion with 10,000 locals a frame", || {
        wat(&format!(
            "(module (func $f (export \"main\") (result i64) (local{}) (call $f)))",
            " i64".repeat(10_000)
        ))
    }),
    ("endless loop", || {
        wat("(module (func (export \"main\") (loop (br 0))))")
    }),
    ("memory.fill of 4 GiB", || {
        wat(r#"(module (memory 1) (func (export "main")
             (memory.fill (i32.const 0) (i32.const 7) (i32.const -1))))"#)
    }),
    ("50,000 nested blocks", || {
        let blocks = 50_000;
        wat(&format!(
            "(module (func (export \"main\") (result i32) {} (i32.const 7) {}))",
            "(block (result i32) ".repeat(blocks),
            ")".repeat(blocks)
        ))
    }),
    ("a type section claiming 4 billion types", || {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        m
    }),
    ("a million types", || types(1_000_000)),
    ("a million functions", || functions(1_000_000)),
    ("a million globals", || globals(1_000_000)),
    ("a million element segments", || elements(1_000_000)),
    ("a data segment of 32 MiB", || {
        data_segments(1, &run_of(&[1], 32 << 20, 0xaa))
    }),
];

/// Runs wrtd on `wasm` and returns its exit code (or `None` if a signal ended it), the first
/// line of its output, and its peak resident memory in KiB (from the kernel's accounting of
/// this child alone).
///
/// Linux records in a child's peak the peak of the process it was forked from, as it was when
/// forked; so the module is freed before wrtd starts, and the child is started by `fork` (a
/// `pre_exec` hook makes std fork rather than `vfork`, which would record this process's
/// lifetime peak), so its count starts from this process's current size, the same in every
/// run including the baseline.
fn run(dir: &Path, name: &str, wasm: Vec<u8>) -> (Option<i32>, String, i64) {
    let file = format!("{}.wasm", name.replace([' ', ','], "_"));
    std::fs::write(dir.join(&file), &wasm).unwrap();
    drop(wasm);
    let mut command = Command::new(env!("CARGO_BIN_EXE_wrtd"));
    // SAFETY: the hook does nothing, so it is async-signal-safe.
    unsafe { command.pre_exec(|| Ok(())) };
    // Reaped below with wait4 (which also gives its resource use), not with `wait`.
    #[allow(clippy::zombie_processes)]
    let mut child = command
        .current_dir(dir)
        .arg(&file)
        .args(["--memory", &BUDGET.to_string(), "--fuel", &FUEL.to_string()])
        .args(["--function", "main"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not waited for yet (`child.wait` is never called), and
    // both out-pointers are valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let first = out.lines().next().unwrap_or("").to_string();
    (code, first, usage.ru_maxrss)
}

#[test]
fn hostile_guests_end_with_an_answer_within_the_budget() {
    let dir = std::env::temp_dir().join(format!("wrt-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, baseline) = run(&dir, "trivial", wat("(module (func (export \"main\")))"));
    assert_eq!(code, Some(0));
    let bound = baseline + (BUDGET / 1024) as i64 + ALLOWANCE_KIB;
    let mut table = format!(
        "# Hostile guests\n\nWritten by `cargo test -p wrtd --test hostile` (cli/tests/hostile.rs); do not edit by hand. \
         Each module runs as `wrtd MODULE --memory {BUDGET} --fuel {FUEL} --function main`. It must end with its \
         result or an error line and an exit code below 128, and wrtd's peak resident memory must stay within \
         its size with a trivial module ({} MiB in this run), plus the module file it reads, plus the budget, \
         plus {} MiB.\n\n\
         | module | exit code | first line of output | peak resident memory |\n|---|---:|---|---:|\n",
        baseline / 1024,
        ALLOWANCE_KIB / 1024
    );
    let mut failures = Vec::new();
    for &(name, build) in CASES {
        let wasm = build();
        // wrtd holds the module's bytes while it loads them: the input, not the runtime's.
        let bound = bound + (wasm.len() / 1024) as i64;
        let (code, first, peak) = run(&dir, name, wasm);
        table.push_str(&format!(
            "| {name} | {} | {} | {} MiB |\n",
            code.map_or("signal".to_string(), |c| c.to_string()),
            first.replace('|', "\\|"),
            (peak + 1023) / 1024
        ));
        if code.is_none_or(|c| c >= 128) {
            failures.push(format!("{name}: exit {code:?}: {first}"));
        }
        if peak > bound {
            failures.push(format!(
                "{name}: peak {peak} KiB above the bound of {bound} KiB"
            ));
        }
        if first.is_empty() {
            failures.push(format!("{name}: no result and no error line"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let results = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile-results.md");
    std::fs::write(results, &table).unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

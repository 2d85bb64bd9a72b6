//! End-to-end tests of `wrtd --wasi` (and `--no-std`, `--component`) with the
//! real C and Rust WASI programs committed in `tests/wasi/` and small `.wat`
//! modules: exact stdout, stderr, exit codes and the files left behind.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::{data, example, FAILURE, TRAP, USAGE};

/// A program of `tests/wasi/`, e.g. `c/hello.wasm`.
fn program(rel: &str) -> String {
    format!("{}/../tests/wasi/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// How to start wrtd: arguments, standard input, environment changes.
struct Run<'a> {
    args: Vec<String>,
    stdin: &'a str,
    env: Vec<(&'a str, &'a str)>,
    env_remove: Vec<&'a str>,
}

fn run<S: AsRef<str>>(args: &[S]) -> Run<'static> {
    Run {
        args: args.iter().map(|a| a.as_ref().to_string()).collect(),
        stdin: "",
        env: Vec::new(),
        env_remove: Vec::new(),
    }
}

impl<'a> Run<'a> {
    fn stdin(mut self, text: &'a str) -> Self {
        self.stdin = text;
        self
    }

    fn env(mut self, name: &'a str, value: &'a str) -> Self {
        self.env.push((name, value));
        self
    }

    fn env_remove(mut self, name: &'a str) -> Self {
        self.env_remove.push(name);
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wrtd"));
        cmd.args(&self.args);
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        for name in &self.env_remove {
            cmd.env_remove(name);
        }
        cmd
    }

    fn output(&self) -> Done {
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wrtd starts");
        let mut stdin = child.stdin.take().unwrap();
        // The program may exit without reading: a broken pipe is fine.
        let _ = stdin.write_all(self.stdin.as_bytes());
        drop(stdin);
        Done::new(&self.args, child.wait_with_output().unwrap())
    }
}

/// What wrtd did.
struct Done {
    args: Vec<String>,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Done {
    fn new(args: &[String], out: Output) -> Self {
        let done = Done {
            args: args.to_vec(),
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        // A guest's Rust panic prints "panicked at rust/..."; wrtd's own
        // code must never panic.
        for needle in ["panicked at cli/", "panicked at core/", "internal error"] {
            assert!(
                !done.stderr.contains(needle),
                "wrtd {:?} panicked: {}",
                done.args,
                done.stderr
            );
        }
        done
    }

    /// Exit `code`, exactly `stdout` and exactly `stderr`.
    fn expect(&self, code: i32, stdout: &str, stderr: &str) {
        assert_eq!(
            self.code,
            Some(code),
            "wrtd {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.stdout,
            self.stderr
        );
        assert_eq!(self.stdout, stdout, "stdout of wrtd {:?}", self.args);
        assert_eq!(self.stderr, stderr, "stderr of wrtd {:?}", self.args);
    }

    /// Exit `code`, nothing on stdout, and exactly one line `error: {line}`.
    fn expect_error(&self, code: i32, line: &str) {
        self.expect(code, "", &format!("error: {line}\n"));
    }
}

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "wrtd-wasi-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn str(&self) -> &str {
        self.0.to_str().unwrap()
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `c/hello.wasm` prints for `args` and the variables HOME and GREETING
/// (SECRET is never granted).
fn c_hello_stdout(args: &[&str], home: Option<&str>, greeting: Option<&str>) -> String {
    let mut out = format!("Hello from WASI!\nargc={}\n", args.len());
    for (i, arg) in args.iter().enumerate() {
        out.push_str(&format!("arg {i}: {arg}\n"));
    }
    let count = usize::from(home.is_some()) + usize::from(greeting.is_some());
    out.push_str(&format!("environ count={count}\n"));
    out.push_str(&format!("env HOME={}\n", home.unwrap_or("(unset)")));
    out.push_str(&format!("env GREETING={}\n", greeting.unwrap_or("(unset)")));
    out.push_str("env SECRET=(unset)\n");
    out
}

const C_HELLO_STDERR: &str = "this line goes to stderr\n";
const RUST_HELLO_STDERR: &str = "a line on stderr\n";

// ----------------------------------------------------------------- programs

#[test]
fn c_hello_with_args_and_environment() {
    let hello = program("c/hello.wasm");
    run(&[
        &hello,
        "--wasi",
        "--wasi-env",
        "GREETING=hi there",
        "--wasi-env",
        "HOME",
        "--wasi-arg",
        "first",
        "--wasi-arg",
        "--looks-like-an-option",
        "--",
        "two words",
        "ünïcode",
        "--verbose",
    ])
    .env("HOME", "/home/wrt-test")
    .env("SECRET", "must not leak")
    .output()
    .expect(
        0,
        &c_hello_stdout(
            &[
                "hello.wasm",
                "first",
                "--looks-like-an-option",
                "two words",
                "ünïcode",
                "--verbose",
            ],
            Some("/home/wrt-test"),
            Some("hi there"),
        ),
        C_HELLO_STDERR,
    );
}

#[test]
fn c_hello_gets_nothing_not_granted() {
    // SECRET is set in wrtd's environment but not granted; HOME is granted but
    // wrtd has no value for it, so the program does not see it either.
    run(&[&program("c/hello.wasm"), "--wasi", "--wasi-env", "HOME"])
        .env("SECRET", "must not leak")
        .env_remove("HOME")
        .output()
        .expect(
            0,
            &c_hello_stdout(&["hello.wasm"], None, None),
            C_HELLO_STDERR,
        );
}

#[test]
fn later_env_setting_wins() {
    run(&[
        &program("c/hello.wasm"),
        "--wasi",
        "--wasi-env",
        "GREETING=first",
        "--wasi-env",
        "GREETING=second",
    ])
    .output()
    .expect(
        0,
        &c_hello_stdout(&["hello.wasm"], None, Some("second")),
        C_HELLO_STDERR,
    );
}

#[test]
fn stdin_is_inherited() {
    let hello = program("c/hello.wasm");
    let mut expected = c_hello_stdout(&["hello.wasm", "cat"], None, None);
    expected.push_str("SHOUT THIS\nAND THIS\n");
    run(&[&hello, "--wasi", "--", "cat"])
        .stdin("shout this\nand this\n")
        .output()
        .expect(0, &expected, C_HELLO_STDERR);
}

#[test]
fn proc_exit_sets_the_exit_code() {
    let hello = program("c/hello.wasm");
    for code in ["0", "1", "3", "42", "255"] {
        let n: i32 = code.parse().unwrap();
        run(&[&hello, "--wasi", "--", "exit", code])
            .output()
            .expect(
                n,
                &c_hello_stdout(&["hello.wasm", "exit", code], None, None),
                C_HELLO_STDERR,
            );
    }
    run(&[
        &program("rust/hello.wasm"),
        "--wasi",
        "--wasi-arg",
        "exit",
        "--",
        "7",
    ])
    .output()
    .expect(
        7,
        "Hello from WASI!\nArg: hello.wasm\nArg: exit\nArg: 7\n",
        RUST_HELLO_STDERR,
    );
}

#[test]
fn memory_profile_appears_before_the_exit() {
    let out = run(&[
        &program("c/hello.wasm"),
        "--wasi",
        "--memory-profile",
        "--",
        "exit",
        "42",
    ])
    .output();
    assert_eq!(out.code, Some(42), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        c_hello_stdout(&["hello.wasm", "exit", "42"], None, None)
    );
    let profile = out.stderr.strip_prefix(C_HELLO_STDERR).unwrap();
    assert!(
        profile.starts_with(
            "✗ Execution exited with status 42\n  Modules executed: 1\n  Peak memory: "
        ),
        "{profile}"
    );
    // The C program's linear memory: 2 pages.
    assert!(
        profile.contains("      linear_memory: current 131072 bytes, peak 131072 bytes\n"),
        "{profile}"
    );
    assert!(!profile.contains("error:"), "{profile}");
}

#[test]
fn rust_panic_is_a_trap() {
    let out = run(&[&program("rust/hello.wasm"), "--wasi", "--", "panic"]).output();
    assert_eq!(out.code, Some(TRAP), "{}", out.stderr);
    assert!(out.stderr.contains("asked to panic"), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("\nerror: calling `_start`: trap: unreachable\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn c_files_in_a_preopened_temp_dir() {
    let dir = TempDir::new("c-files");
    let spec = format!("{}::/sandbox", dir.str());
    let out = run(&[
        &program("c/files.wasm"),
        "--wasi",
        "--wasi-fs",
        &spec,
        "--",
        "/sandbox",
    ])
    .output();
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("failures: 0\n"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
    // What the program left behind.
    assert_eq!(dir.entries(), ["out.txt", "work"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        "written by files.c\n"
    );
    let renamed = std::fs::read(dir.path().join("work/renamed.txt")).unwrap();
    assert_eq!(renamed.len(), 103);
    assert!(renamed.starts_with(b"hello") && renamed.ends_with(b"END"));
}

#[test]
fn rust_fs_under_the_same_path_and_no_escape() {
    let root = TempDir::new("rust-fs");
    // The program checks that "../outside.txt", next to its directory, is unreachable.
    std::fs::write(root.path().join("outside.txt"), "x").unwrap();
    let inner = root.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let inner = inner.to_str().unwrap();
    let out = run(&[
        &program("rust/fs.wasm"),
        "--wasi",
        "--wasi-fs",
        inner,
        "--",
        inner,
    ])
    .output();
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("done\n"), "{}", out.stdout);
    assert_eq!(
        std::fs::read_to_string(Path::new(inner).join("rust-out/summary.txt")).unwrap(),
        "rust fs test passed\n"
    );
}

#[test]
fn without_wasi_fs_there_are_no_files() {
    // wasi-libc finds no preopened directory and fails with ENOTCAPABLE.
    let out = run(&[&program("c/files.wasm"), "--wasi", "--", "/sandbox"]).output();
    assert!(
        out.stdout
            .starts_with("FAIL mkdir work (errno 76: Capabilities insufficient)\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("ok   mkdir"), "{}", out.stdout);
    assert!(out.code.unwrap() > 10, "{:?}", out.code);
}

#[test]
fn raw_path_calls_with_and_without_a_preopen() {
    let m = data("nofs.wat");
    let dir = TempDir::new("raw");
    let call = |extra: &[&str], f: &str, fd: &str| {
        let mut args = vec![m.as_str(), "--wasi"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--function", f, fd]);
        run(&args).output()
    };
    // With a preopen, descriptor 3 is the directory.
    let fs = ["--wasi-fs", dir.str()];
    call(&fs, "prestat", "3").expect(0, "0\n", "");
    call(&fs, "open_dot", "3").expect(0, "0\n", "");
    call(&fs, "mkdir_dot", "3").expect(0, "20\n", ""); // EEXIST
    call(&fs, "prestat", "4").expect(0, "8\n", ""); // EBADF
                                                    // Without one, descriptor 3 is not open (EBADF) and the standard streams
                                                    // are not directories (ENOTDIR).
    call(&[], "prestat", "3").expect(0, "8\n", "");
    call(&[], "open_dot", "3").expect(0, "8\n", "");
    call(&[], "mkdir_dot", "3").expect(0, "8\n", "");
    call(&[], "open_dot", "1").expect(0, "54\n", "");
}

#[test]
fn wasi_trace_prints_each_call_on_stderr() {
    // The program's own output is unchanged; stderr gets one line per call.
    let echo = example("echo.wasm");
    run(&[&echo, "--wasi", "--wasi-trace", "--", "hi", "there"])
        .output()
        .expect(
            0,
            "hi there\n",
            "wasi: granted: 3 arguments [\"echo.wasm\", \"hi\", \"there\"], 0 environment \
             variables, no directories, proc_exit allowed\n\
             wasi: args_sizes_get() = 0 (argc=3, argv_buf_size=19)\n\
             wasi: args_get(argv=0x400, argv_buf=0x40c) = 0\n\
             wasi: fd_write(fd=1, iovs=0x10, iovs_len=1) = 0 (nwritten=2)\n\
             wasi: fd_write(fd=1, iovs=0x10, iovs_len=1) = 0 (nwritten=1)\n\
             wasi: fd_write(fd=1, iovs=0x10, iovs_len=1) = 0 (nwritten=5)\n\
             wasi: fd_write(fd=1, iovs=0x10, iovs_len=1) = 0 (nwritten=1)\n",
        );
    // Without it, only the program's output.
    run(&[&echo, "--wasi", "--", "hi"])
        .output()
        .expect(0, "hi\n", "");
    // A call refused for want of a grant names the errno, and the first line says what was
    // granted (variables by name only).
    let m = data("nofs.wat");
    let dir = TempDir::new("trace");
    let out = run(&[
        &m,
        "--wasi",
        "--wasi-trace",
        "--wasi-env",
        "TOKEN=secret",
        "--function",
        "open_dot",
        "4",
    ])
    .output();
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, "8\n");
    assert_eq!(
        out.stderr,
        "wasi: granted: 1 argument [\"nofs.wat\"], 1 environment variable [TOKEN], no \
         directories, proc_exit allowed\n\
         wasi: path_open(fd=4, dirflags=0x0, path=\".\", oflags=0x2, \
         fs_rights_base=0xffffffffffffffbf, fs_rights_inheriting=0xffffffffffffffff, \
         fdflags=0x0) = 8 EBADF (Bad file descriptor)\n"
    );
    let fs = format!("{}::/data", dir.str());
    let out = run(&[
        &m,
        "--wasi",
        "--wasi-trace",
        "--wasi-fs",
        &fs,
        "--function",
        "open_dot",
        "3",
    ])
    .output();
    assert_eq!(out.stdout, "0\n");
    assert!(
        out.stderr.starts_with(&format!(
            "wasi: granted: 1 argument [\"nofs.wat\"], 0 environment variables, directories \
             [3 \"/data\" (host {}, read-write)], proc_exit allowed\n",
            dir.str()
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with("fdflags=0x0) = 0 (opened_fd=4)\n"),
        "{}",
        out.stderr
    );
    // A line the program leaves open on stderr is closed before the next trace line.
    let open_line = dir.path().join("open_line.wat");
    std::fs::write(
        &open_line,
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write"
            (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "\08\00\00\00\04\00\00\00oops")
          (func (export "_start")
            (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))))"#,
    )
    .unwrap();
    let out = run(&[open_line.to_str().unwrap(), "--wasi", "--wasi-trace"]).output();
    assert_eq!(out.code, Some(0));
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "oops",
            "wasi: fd_write(fd=2, iovs=0x0, iovs_len=1) = 0 (nwritten=4)"
        ]
    );
    // It is a WASI option.
    let out = run(&[&m, "--wasi-trace", "--function", "open_dot", "3"]).output();
    assert_eq!(out.code, Some(USAGE));
}

#[test]
fn clocks_poll_and_random() {
    let out = run(&[&program("c/clocks.wasm"), "--wasi"])
        .stdin("ping\n")
        .output();
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert!(out.stdout.ends_with("failures: 0\n"), "{}", out.stdout);
}

#[test]
fn rust_time_random_stdin_and_exit() {
    // The program exits with the number of words on stdin: 3, which is also
    // wrtd's trap code, so check that there is no error line.
    run(&[&program("rust/misc.wasm"), "--wasi"])
        .stdin("one two three")
        .output()
        .expect(
            3,
            "slept at least 30ms\nhash map works: 1\nstdin had 3 words\n",
            "",
        );
}

#[test]
fn tcp_listener_for_sock_accept() {
    // A port that was free a moment ago.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let client = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut s = loop {
                match TcpStream::connect(&addr) {
                    Ok(s) => break s,
                    Err(_) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(e) => panic!("cannot connect to wrtd: {e}"),
                }
            };
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            s.write_all(b"hello socket").unwrap();
            let mut reply = String::new();
            s.read_to_string(&mut reply).unwrap();
            reply
        })
    };
    let out = run(&[
        &program("c/sockets.wasm"),
        "--wasi",
        "--wasi-tcplisten",
        &addr,
        "--",
        "3",
    ])
    .output();
    assert_eq!(client.join().unwrap(), "HELLO SOCKET");
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("accepted fd 4\n"), "{}", out.stdout);
    assert!(out.stdout.contains("received 12 bytes: hello socket\n"));
    assert!(out.stdout.ends_with("done\n"), "{}", out.stdout);
}

#[test]
fn tcp_listener_errors() {
    run(&[
        &program("c/sockets.wasm"),
        "--wasi",
        "--wasi-tcplisten",
        "not-an-address",
    ])
    .output()
    .expect_error(
        FAILURE,
        "--wasi-tcplisten not-an-address: cannot listen: invalid socket address",
    );
}

// ----------------------------------------------------------------- reactors

#[test]
fn reactor_is_initialized_before_the_function() {
    let m = data("reactor.wat");
    run(&[&m, "--wasi", "--function", "add", "2", "3"])
        .output()
        .expect(0, "initialized\n5\n", "");
    // `_initialize` runs exactly once.
    run(&[&m, "--wasi", "--function", "init_count"])
        .output()
        .expect(0, "initialized\n1\n", "");
    run(&[&m, "--wasi", "--function", "_initialize"])
        .output()
        .expect(0, "initialized\n", "");
    run(&[&m, "--wasi", "--function", "greet"]).output().expect(
        0,
        "initialized\nhello from a reactor\n",
        "",
    );
}

#[test]
fn reactor_without_function_lists_exports() {
    let m = data("reactor.wat");
    run(&[&m, "--wasi"]).output().expect_error(
        FAILURE,
        &format!(
            "{m}: no `_start` or `main` function to run; pass --function NAME \
             (exported functions: _initialize, add, init_count, greet)"
        ),
    );
}

// ----------------------------------------------------------------- errors

#[test]
fn missing_wasi_names_the_import() {
    let hello = program("c/hello.wasm");
    run(&[&hello]).output().expect_error(
        FAILURE,
        &format!(
            "{hello}: the module imports `wasi_snapshot_preview1::args_get` and 9 other \
             WASI functions; add --wasi to run it with WASI"
        ),
    );
    let m = data("reactor.wat");
    run(&[&m, "--function", "add", "1", "2"])
        .output()
        .expect_error(
            FAILURE,
            &format!(
                "{m}: the module imports `wasi_snapshot_preview1::fd_write`; \
                 add --wasi to run it with WASI"
            ),
        );
}

#[test]
fn wasi_version_preview2_is_refused() {
    let line = "WASI preview 2 needs the component model, which is not supported yet";
    // Before the module is even read.
    run(&["wasi_program.wasm", "--wasi", "--wasi-version", "preview2"])
        .output()
        .expect_error(FAILURE, line);
    run(&[
        &program("c/hello.wasm"),
        "--wasi",
        "--wasi-version",
        "preview2",
    ])
    .output()
    .expect_error(FAILURE, line);
    run(&[
        &program("c/hello.wasm"),
        "--wasi",
        "--wasi-version",
        "preview1",
    ])
    .output()
    .expect(
        0,
        &c_hello_stdout(&["hello.wasm"], None, None),
        C_HELLO_STDERR,
    );
}

#[test]
fn component_model_options_are_refused() {
    let component = "--component: the component model is not supported yet \
                     (wrtd runs core WebAssembly modules)";
    run(&["component.wasm", "--component"])
        .output()
        .expect_error(FAILURE, component);
    run(&[
        "component.wasm",
        "--component",
        "--interface",
        "wasi:filesystem",
        "--interface",
        "custom:api",
    ])
    .output()
    .expect_error(FAILURE, component);
    run(&["component.wasm", "--component", "--interface", "wasi:cli"])
        .output()
        .expect_error(FAILURE, component);
    // Even on a real module, and --interface alone.
    run(&[
        &program("c/hello.wasm"),
        "--wasi",
        "--interface",
        "wasi:cli",
    ])
    .output()
    .expect_error(
        FAILURE,
        "--interface wasi:cli: the component model is not supported yet \
             (wrtd runs core WebAssembly modules)",
    );
}

#[test]
fn product_complete_example_fails_clearly() {
    run(&[
        "my_app.wasm",
        "--wasi",
        "--wasi-version",
        "preview2",
        "--wasi-fs",
        "/app/data",
        "--wasi-env",
        "HOME",
        "--wasi-env",
        "USER",
        "--wasi-arg",
        "--config",
        "--wasi-arg",
        "/app/config.toml",
        "--component",
        "--interface",
        "wasi:filesystem",
        "--interface",
        "wasi:cli",
        "--memory-profile",
        "--fuel",
        "1000000",
        "--memory",
        "16777216",
    ])
    .output()
    .expect_error(
        FAILURE,
        "--component: the component model is not supported yet \
         (wrtd runs core WebAssembly modules)",
    );
}

#[test]
fn wasi_fs_errors() {
    let hello = program("c/hello.wasm");
    let root = TempDir::new("fs-errors");
    let missing = root.path().join("missing");
    let missing = missing.to_str().unwrap();
    run(&[&hello, "--wasi", "--wasi-fs", missing])
        .output()
        .expect_error(
            FAILURE,
            &format!(
                "--wasi-fs: cannot use directory `{missing}`: \
                 No such file or directory (os error 2)"
            ),
        );
    let spec = format!("{missing}::/data");
    run(&[&hello, "--wasi", "--wasi-fs", &spec])
        .output()
        .expect_error(
            FAILURE,
            &format!(
                "--wasi-fs: cannot use directory `{missing}`: \
                 No such file or directory (os error 2)"
            ),
        );
    let file = root.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let file = file.to_str().unwrap();
    run(&[&hello, "--wasi", "--wasi-fs", file])
        .output()
        .expect_error(FAILURE, &format!("--wasi-fs: `{file}` is not a directory"));
    run(&[&hello, "--wasi", "--wasi-fs", "::/data"])
        .output()
        .expect_error(
            USAGE,
            "--wasi-fs ::/data: expected DIR or HOST::GUEST with both parts non-empty",
        );
}

#[test]
fn wasi_options_need_wasi() {
    let hello = program("c/hello.wasm");
    for args in [
        vec!["--wasi-arg", "x"],
        vec!["--wasi-env", "HOME"],
        vec!["--wasi-fs", "/tmp"],
        vec!["--wasi-version", "preview1"],
        vec!["--wasi-tcplisten", "127.0.0.1:0"],
    ] {
        let mut all = vec![hello.as_str()];
        all.extend(args);
        let out = run(&all).output();
        assert_eq!(out.code, Some(USAGE), "{all:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
        assert!(out.stderr.contains("--wasi"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    run(&[&hello, "--", "x"]).output().expect_error(
        USAGE,
        "`x`: arguments after `--` are a WASI program's arguments; add --wasi \
         (function arguments go before `--`)",
    );
    let values = data("values.wat");
    run(&[&values, "--function", "add_i32", "1", "2", "--", "x"])
        .output()
        .expect_error(
            USAGE,
            "`x`: arguments after `--` are a WASI program's arguments; add --wasi \
             (function arguments go before `--`)",
        );
}

#[test]
fn start_takes_program_arguments_after_the_separator() {
    run(&[&program("c/hello.wasm"), "--wasi", "a", "b"])
        .output()
        .expect_error(
            FAILURE,
            "`_start` takes no arguments but 2 were given: pass the program's arguments \
             after `--` (wrtd MODULE --wasi -- ARGS...) or with --wasi-arg",
        );
}

#[test]
fn function_arguments_and_program_arguments_together() {
    // Function arguments before `--`, the program's after it.
    run(&[
        &data("reactor.wat"),
        "--wasi",
        "--function",
        "add",
        "40",
        "2",
        "--",
        "ignored",
    ])
    .output()
    .expect(0, "initialized\n42\n", "");
}

// ----------------------------------------------------------------- --no-std

#[test]
fn no_std_runs_a_wasi_hello() {
    let hello = program("c/hello.wasm");
    let expected = c_hello_stdout(&["hello.wasm", "cat"], None, Some("hey"));
    // Standard input is empty under --no-std: nothing is copied.
    run(&[
        &hello,
        "--no-std",
        "--wasi",
        "--wasi-env",
        "GREETING=hey",
        "--",
        "cat",
    ])
    .stdin("not read\n")
    .output()
    .expect(0, &expected, C_HELLO_STDERR);
    // The same run without --no-std does copy it.
    run(&[&hello, "--wasi", "--wasi-env", "GREETING=hey", "--", "cat"])
        .stdin("not read\n")
        .output()
        .expect(0, &format!("{expected}NOT READ\n"), C_HELLO_STDERR);
    // proc_exit works.
    run(&[&hello, "--no-std", "--wasi", "--", "exit", "9"])
        .output()
        .expect(
            9,
            &c_hello_stdout(&["hello.wasm", "exit", "9"], None, None),
            C_HELLO_STDERR,
        );
}

#[test]
fn no_std_has_a_one_mib_budget() {
    let out = run(&[
        &program("c/hello.wasm"),
        "--no-std",
        "--wasi",
        "--memory-profile",
    ])
    .output();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("\n    Budget: 1048576 bytes (1.0 MiB)\n"),
        "{}",
        out.stderr
    );
    // The Rust program's 17 pages (1114112 bytes) do not fit ...
    let rust = program("rust/hello.wasm");
    // (What is already in use, translated code mostly, depends on the engine.)
    let out = run(&[&rust, "--no-std", "--wasi"]).output();
    assert_eq!((out.code, out.stdout.as_str()), (Some(FAILURE), ""));
    let line = out.stderr.strip_suffix(" in use\n").unwrap_or_default();
    let in_use = line
        .strip_prefix(&format!(
            "error: instantiating {rust}: limit exceeded: memory budget of 1048576 bytes \
             exceeded: linear_memory needs 1114112 more bytes, "
        ))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(in_use.parse::<u64>().is_ok(), "{}", out.stderr);
    // ... unless --memory gives more.
    run(&[
        &rust,
        "--no-std",
        "--wasi",
        "--memory",
        "4194304",
        "--wasi-arg",
        "world",
    ])
    .output()
    .expect(
        0,
        "Hello from WASI!\nArg: hello.wasm\nArg: world\n",
        RUST_HELLO_STDERR,
    );
}

#[test]
fn no_std_call_depth_limit() {
    let m = data("recurse.wat");
    // depth(n) uses n + 1 frames; --no-std allows 1024.
    run(&[&m, "--no-std", "--function", "depth", "1023"])
        .output()
        .expect(0, "1023\n", "");
    run(&[&m, "--no-std", "--function", "depth", "1024"])
        .output()
        .expect_error(TRAP, "calling `depth`: trap: call stack exhausted");
    run(&[&m, "--function", "depth", "5000"])
        .output()
        .expect(0, "5000\n", "");
}

#[test]
fn no_std_refuses_files_and_sockets() {
    let hello = program("c/hello.wasm");
    let dir = TempDir::new("nostd");
    run(&[&hello, "--no-std", "--wasi", "--wasi-fs", dir.str()])
        .output()
        .expect_error(
            USAGE,
            &format!(
                "--wasi-fs {}: --no-std has no filesystem (a no_std build offers only args, \
                 environment, clocks, random, stdout/stderr and proc_exit)",
                dir.str()
            ),
        );
    run(&[
        &hello,
        "--no-std",
        "--wasi",
        "--wasi-tcplisten",
        "127.0.0.1:0",
    ])
    .output()
    .expect_error(
        USAGE,
        "--wasi-tcplisten 127.0.0.1:0: --no-std has no sockets (a no_std build offers \
         only args, environment, clocks, random, stdout/stderr and proc_exit)",
    );
    assert!(dir.entries().is_empty());
}

#[test]
fn no_std_filesystem_calls_fail() {
    let m = data("nofs.wat");
    let call = |f: &str, fd: &str| run(&[&m, "--no-std", "--wasi", "--function", f, fd]).output();
    call("prestat", "3").expect(0, "8\n", ""); // EBADF: no preopened directory
    call("open_dot", "3").expect(0, "8\n", "");
    call("mkdir_dot", "3").expect(0, "8\n", "");
    // ENOTCAPABLE, as in a no_std build of the library, where the hosted build says ENOTDIR.
    call("open_dot", "1").expect(0, "76\n", "");
    call("mkdir_dot", "0").expect(0, "76\n", "");
    let out = run(&[
        &program("c/files.wasm"),
        "--no-std",
        "--wasi",
        "--",
        "/data",
    ])
    .output();
    assert!(
        out.stdout
            .starts_with("FAIL mkdir work (errno 76: Capabilities insufficient)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn no_std_clocks_and_random_but_no_sleep_or_cpu_clocks() {
    let out = run(&[&program("c/clocks.wasm"), "--no-std", "--wasi"])
        .stdin("ping\n")
        .output();
    for line in [
        "ok   realtime is after 2020",
        "ok   monotonic resolution",
        "ok   monotonic",
        "FAIL nanosleep 20ms (errno 58)", // ENOTSUP
        "FAIL process cpu time (errno 58)",
        "FAIL thread cpu time (errno 58)",
        "FAIL read stdin (errno 58)", // stdin is empty
        "FAIL poll with only a timeout (errno 58)",
        "ok   stdout is writable",
        "ok   getentropy",
        "ok   random bytes differ",
        "failures: 7",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{}",
            out.stdout
        );
    }
    assert_eq!(out.code, Some(7), "{}", out.stderr);
}

#[test]
fn no_std_without_wasi_runs_plain_modules() {
    // PRODUCT.md: `wrtd module.wasm --no-std`
    run(&[&data("start.wat"), "--no-std"])
        .output()
        .expect(0, "7\n", "");
}

// ----------------------------------------------------------------- PRODUCT.md and docs/cli.md

#[test]
fn product_wasi_command_lines() {
    let hello = program("c/hello.wasm");
    // wrtd wasi_program.wasm --wasi
    run(&[&hello, "--wasi"]).output().expect(
        0,
        &c_hello_stdout(&["hello.wasm"], None, None),
        C_HELLO_STDERR,
    );

    // wrtd wasi_program.wasm --wasi --wasi-fs /tmp --wasi-fs /home/user
    let tmp = TempDir::new("product-tmp");
    let user = TempDir::new("product-user");
    let out = run(&[
        &program("c/files.wasm"),
        "--wasi",
        "--wasi-fs",
        tmp.str(),
        "--wasi-fs",
        user.str(),
        "--",
        user.str(),
    ])
    .output();
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert!(out.stdout.ends_with("failures: 0\n"));
    assert_eq!(user.entries(), ["out.txt", "work"]);
    assert!(tmp.entries().is_empty());

    // wrtd wasi_program.wasm --wasi --wasi-env HOME --wasi-env PATH
    run(&[
        &program("rust/hello.wasm"),
        "--wasi",
        "--wasi-env",
        "HOME",
        "--wasi-env",
        "PATH",
    ])
    .env("HOME", "/home/user")
    .env("PATH", "/usr/local/bin:/usr/bin")
    .env("SECRET", "no")
    .output()
    .expect(
        0,
        "Hello from WASI!\nArg: hello.wasm\nEnv: HOME=/home/user\n\
         Env: PATH=/usr/local/bin:/usr/bin\n",
        RUST_HELLO_STDERR,
    );

    // wrtd wasi_program.wasm --wasi --wasi-arg "--verbose" --wasi-arg "input.txt"
    run(&[
        &program("rust/hello.wasm"),
        "--wasi",
        "--wasi-arg",
        "--verbose",
        "--wasi-arg",
        "input.txt",
    ])
    .output()
    .expect(
        0,
        "Hello from WASI!\nArg: hello.wasm\nArg: --verbose\nArg: input.txt\n",
        RUST_HELLO_STDERR,
    );

    // wrtd hello.wasm --wasi --wasi-arg "world" (the basic WASI program of docs/cli.md)
    run(&[&program("rust/hello.wasm"), "--wasi", "--wasi-arg", "world"])
        .output()
        .expect(
            0,
            "Hello from WASI!\nArg: hello.wasm\nArg: world\n",
            RUST_HELLO_STDERR,
        );

    // wrtd module.wasm --wasi --wasi-fs /path/to/directory
    let dir = TempDir::new("product-dir");
    run(&[&hello, "--wasi", "--wasi-fs", dir.str()])
        .output()
        .expect(
            0,
            &c_hello_stdout(&["hello.wasm"], None, None),
            C_HELLO_STDERR,
        );
}

#[test]
fn echo_example() {
    run(&[&example("echo.wasm"), "--wasi", "--", "Hello,", "WASI!"])
        .output()
        .expect(0, "Hello, WASI!\n", "");
    run(&[
        &example("echo.wat"),
        "--wasi",
        "--wasi-arg",
        "-n",
        "--",
        "a  b",
    ])
    .output()
    .expect(0, "-n a  b\n", "");
    run(&[&example("echo.wasm"), "--wasi"])
        .output()
        .expect(0, "\n", "");
    // Too much for its one page: proc_exit(1).
    let long = "x".repeat(70_000);
    run(&[&example("echo.wasm"), "--wasi", "--", &long])
        .output()
        .expect(1, "", "");
}

#[test]
fn shipped_echo_wasm_matches_its_text() {
    let text = std::fs::read_to_string(example("echo.wat")).unwrap();
    let built = wrt::wat2wasm(&text).unwrap();
    let shipped = std::fs::read(example("echo.wasm")).unwrap();
    assert!(
        built == shipped,
        "examples/wasm/echo.wasm is stale: run examples/wasm/build.sh"
    );
}

#[test]
fn help_documents_the_new_options() {
    let out = run(&["--help"]).output();
    assert_eq!(out.code, Some(0));
    for needle in [
        "[-- <PROGRAM_ARGS>...]",
        "--wasi\n",
        "--wasi-version <VERSION>",
        "--wasi-fs <DIR|HOST::GUEST>",
        "--wasi-env <NAME[=VALUE]>",
        "--wasi-arg <ARG>",
        "--wasi-tcplisten <ADDR>",
        "--wasi-trace\n",
        "--no-std\n",
        "`wrtd validate` checks a module without running it",
        "--component\n",
        "--interface <NAME>",
        "N   with --wasi: the program called proc_exit(N)",
    ] {
        assert!(
            out.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            out.stdout
        );
    }
}

//! WASI preview 1 with real programs: C (wasi-libc) and Rust (wasm32-wasip1) programs from
//! `tests/wasi/`, run through the library with temporary directories preopened. Each test checks
//! stdout, stderr, the exit status and the files left behind. `tests/wasi/build.sh` rebuilds the
//! committed `.wasm` files from their sources.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use wrt::{Engine, Error, Linker, Module, Store};
use wrt_wasi::{self as wasi, BytesInput, MemoryOutput, WasiCtx, WasiCtxBuilder};

fn program(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("wasi").join(rel)
}

/// What a program did.
struct Outcome {
    stdout: String,
    stderr: String,
    /// `Ok(None)`: `_start` returned; `Ok(Some(n))`: `proc_exit(n)`; `Err`: a trap or other error.
    status: Result<Option<i32>, Error>,
}

impl Outcome {
    /// The exit code a command-line runner would report (0 when `_start` returns).
    fn code(&self) -> i32 {
        match &self.status {
            Ok(None) => 0,
            Ok(Some(n)) => *n,
            Err(e) => panic!(
                "program failed: {e}\nstdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            ),
        }
    }
}

/// Runs `_start` of a program with a context configured by `configure`.
fn run(rel: &str, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Outcome {
    let bytes = std::fs::read(program(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).unwrap();
    let stdout = MemoryOutput::new();
    let stderr = MemoryOutput::new();
    let mut builder = WasiCtx::builder();
    builder.stdout(stdout.clone()).stderr(stderr.clone());
    configure(&mut builder);
    let ctx = builder.build().unwrap();
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance.get_func(&store, "_start").unwrap();
    let status = match start.call(&mut store, &[], &mut []) {
        Ok(()) => Ok(None),
        Err(e) => match e.exit_status() {
            Some(n) => Ok(Some(n)),
            None => Err(e),
        },
    };
    Outcome {
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
        status,
    }
}

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "wrt-wasi-test-{tag}-{}-{}",
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
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn grant_all(b: &mut WasiCtxBuilder) {
    let caps = b.capabilities_mut();
    caps.environment.args_access = true;
    caps.environment.environ_access = true;
    caps.process.exit_allowed = true;
}

// ----------------------------------------------------------------------------- C programs

#[test]
fn c_hello_prints_args_and_granted_environment() {
    let out = run("c/hello.wasm", |b| {
        grant_all(b);
        b.capabilities_mut()
            .environment
            .set_var("GREETING", "hi there");
        b.args(["hello.wasm", "two words", "ünïcode"]);
    });
    assert_eq!(out.code(), 0);
    assert_eq!(
        out.stdout,
        "Hello from WASI!\nargc=3\narg 0: hello.wasm\narg 1: two words\narg 2: ünïcode\n\
         environ count=1\nenv HOME=(unset)\nenv GREETING=hi there\nenv SECRET=(unset)\n"
    );
    assert_eq!(out.stderr, "this line goes to stderr\n");
}

#[test]
fn c_hello_sees_nothing_without_capabilities() {
    let out = run("c/hello.wasm", |b| {
        b.args(["hello.wasm", "hidden"]);
        b.capabilities_mut().environment.set_var("SECRET", "x");
    });
    assert_eq!(out.code(), 0);
    assert!(out.stdout.contains("argc=0\n"), "{}", out.stdout);
    assert!(out.stdout.contains("environ count=0\n"));
    assert!(out.stdout.contains("env SECRET=(unset)\n"));
}

#[test]
fn c_exit_codes() {
    let out = run("c/hello.wasm", |b| {
        grant_all(b);
        b.args(["hello", "exit", "42"]);
    });
    assert_eq!(out.code(), 42);
    assert!(out.stdout.starts_with("Hello from WASI!\n"));
    // Without the exit capability proc_exit is a trap the embedder sees.
    let out = run("c/hello.wasm", |b| {
        b.capabilities_mut().environment.args_access = true;
        b.args(["hello", "exit", "3"]);
    });
    let err = out.status.unwrap_err();
    assert!(err.to_string().contains("proc_exit(3)"), "{err}");
    assert!(err.to_string().contains("exit_allowed"), "{err}");
}

#[test]
fn c_stdin_to_stdout() {
    let out = run("c/hello.wasm", |b| {
        grant_all(b);
        b.args(["hello", "cat"]);
        b.stdin(BytesInput::new("shout this\nand this\n"));
    });
    assert_eq!(out.code(), 0);
    assert!(
        out.stdout.ends_with("SHOUT THIS\nAND THIS\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn c_files_and_directories() {
    let dir = TempDir::new("c-files");
    let out = run("c/files.wasm", |b| {
        grant_all(b);
        b.capabilities_mut()
            .filesystem
            .add_allowed_path_as(dir.str(), "/sandbox");
        b.args(["files", "/sandbox"]);
    });
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert_eq!(out.code(), 0, "{}", out.stdout);
    assert!(out.stdout.ends_with("failures: 0\n"));
    assert!(out.stdout.lines().count() > 60);
    // What the program left behind.
    let d = dir.path();
    let renamed = std::fs::read(d.join("work/renamed.txt")).unwrap();
    assert_eq!(renamed.len(), 103);
    assert!(renamed.starts_with(b"hello"));
    assert!(renamed.ends_with(b"END"));
    assert_eq!(
        std::fs::read_link(d.join("work/symlink")).unwrap(),
        Path::new("renamed.txt")
    );
    assert_eq!(
        std::fs::read_to_string(d.join("out.txt")).unwrap(),
        "written by files.c\n"
    );
    let mut names: Vec<String> = std::fs::read_dir(d.join("work"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["renamed.txt", "symlink"]);
    assert!(!d.join("many").exists());
}

#[test]
fn c_files_under_a_root_preopen() {
    // The same program with the directory mapped as the guest's "/".
    let dir = TempDir::new("c-files-root");
    let out = run("c/files.wasm", |b| {
        grant_all(b);
        b.capabilities_mut()
            .filesystem
            .add_allowed_path_as(dir.str(), "/");
        b.args(["files", ""]);
    });
    assert_eq!(out.code(), 0, "{}", out.stdout);
    assert!(dir.path().join("out.txt").exists());
}

#[test]
fn c_files_in_a_read_only_directory_fail_cleanly() {
    let dir = TempDir::new("c-files-ro");
    let out = run("c/files.wasm", |b| {
        grant_all(b);
        b.capabilities_mut()
            .filesystem
            .add_read_only_path_as(dir.str(), "/sandbox");
        b.args(["files", "/sandbox"]);
    });
    // Every write-side check fails (with ENOTCAPABLE), none crashes the runtime.
    assert!(out.code() > 10, "{}", out.stdout);
    assert!(
        out.stdout.contains("FAIL mkdir work (errno 76"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn c_clocks_poll_random() {
    let out = run("c/clocks.wasm", |b| {
        grant_all(b);
        b.stdin(BytesInput::new("ping\n"));
    });
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert_eq!(out.code(), 0);
    assert!(out.stdout.ends_with("failures: 0\n"));
}

/// Lays out the escape battery's directories: DIR/sandbox (preopened as /sandbox), DIR/ro
/// (read-only /ro), DIR/outside with the secret.
fn escape_layout(root: &Path) -> PathBuf {
    let sandbox = root.join("sandbox");
    let outside = root.join("outside");
    std::fs::create_dir_all(sandbox.join("real")).unwrap();
    std::fs::create_dir_all(root.join("ro/ro_sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "TOPSECRET\n").unwrap();
    std::fs::write(sandbox.join("real/secret.txt"), "decoy\n").unwrap();
    std::fs::write(root.join("ro/ro_file.txt"), "read me\n").unwrap();
    std::os::unix::fs::symlink("../outside", sandbox.join("link_out")).unwrap();
    std::os::unix::fs::symlink(&outside, sandbox.join("abs_link")).unwrap();
    std::os::unix::fs::symlink("loop", sandbox.join("loop")).unwrap();
    std::os::unix::fs::symlink("real", sandbox.join("swap")).unwrap();
    outside
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[test]
fn c_sandbox_escape_battery_finds_zero_escapes() {
    let root = TempDir::new("escape");
    let outside = escape_layout(root.path());
    let sandbox = root.path().join("sandbox");
    let before_outside = listing(&outside);
    let before_ro = listing(&root.path().join("ro"));

    // Flip sandbox/swap between "real" (inside) and the outside directory while the guest runs.
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let sandbox = sandbox.clone();
        let outside = outside.clone();
        std::thread::spawn(move || {
            let mut flips = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let tmp = sandbox.join("swap.tmp");
                let _ = std::fs::remove_file(&tmp);
                let target: &Path = if flips.is_multiple_of(2) {
                    &outside
                } else {
                    Path::new("real")
                };
                if std::os::unix::fs::symlink(target, &tmp).is_ok() {
                    let _ = std::fs::rename(&tmp, sandbox.join("swap"));
                }
                flips += 1;
            }
            flips
        })
    };
    let out = run("c/escape.wasm", |b| {
        grant_all(b);
        let fs = &mut b.capabilities_mut().filesystem;
        fs.add_allowed_path_as(sandbox.to_str().unwrap(), "/sandbox");
        fs.add_read_only_path_as(root.path().join("ro").to_str().unwrap(), "/ro");
        b.args(["escape", outside.to_str().unwrap()]);
    });
    stop.store(true, Ordering::Relaxed);
    let flips = swapper.join().unwrap();
    // The full report is visible with `cargo test --test wasi -- --nocapture`.
    print!("{}", out.stdout);

    assert!(!out.stdout.contains("ESCAPE"), "{}", out.stdout);
    assert!(!out.stdout.contains("RO VIOLATION"), "{}", out.stdout);
    assert!(out.stdout.ends_with("escapes: 0\n"), "{}", out.stdout);
    assert_eq!(out.code(), 0, "{}", out.stdout);
    let attempts: usize = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("attempts: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(attempts > 3000, "{attempts}");
    assert!(flips > 10, "the swapping thread barely ran ({flips} flips)");
    // Nothing outside or below the read-only preopen changed.
    assert_eq!(listing(&outside), before_outside);
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "TOPSECRET\n"
    );
    assert_eq!(listing(&root.path().join("ro")), before_ro);
    assert_eq!(
        std::fs::read_to_string(root.path().join("ro/ro_file.txt")).unwrap(),
        "read me\n"
    );
    // No copy of the secret anywhere in the sandbox.
    for entry in std::fs::read_dir(&sandbox).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() && std::fs::symlink_metadata(&p).unwrap().is_file() {
            let data = std::fs::read(&p).unwrap();
            assert!(!data.starts_with(b"TOPSECRET"), "{}", p.display());
        }
    }
}

#[test]
fn c_socket_echo_on_loopback() {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        s.write_all(b"hello socket").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    });
    let out = run("c/sockets.wasm", |b| {
        grant_all(b);
        b.preopen_tcp_listener(listener);
        b.args(["sockets", "3"]);
    });
    assert_eq!(out.code(), 0, "{}", out.stdout);
    assert_eq!(client.join().unwrap(), "HELLO SOCKET");
    assert!(out.stdout.contains("accepted fd 4\n"), "{}", out.stdout);
    assert!(out.stdout.contains("received 12 bytes: hello socket\n"));
    assert!(out.stdout.ends_with("done\n"));
}

// ----------------------------------------------------------------------------- Rust programs

#[test]
fn rust_hello() {
    let out = run("rust/hello.wasm", |b| {
        grant_all(b);
        b.capabilities_mut().environment.set_var("USER", "wasi");
        b.args(["hello.wasm", "world"]);
    });
    assert_eq!(out.code(), 0);
    assert_eq!(
        out.stdout,
        "Hello from WASI!\nArg: hello.wasm\nArg: world\nEnv: USER=wasi\n"
    );
    assert_eq!(out.stderr, "a line on stderr\n");
}

#[test]
fn rust_exit_code_and_panic() {
    let out = run("rust/hello.wasm", |b| {
        grant_all(b);
        b.args(["hello.wasm", "exit", "7"]);
    });
    assert_eq!(out.code(), 7);
    let out = run("rust/hello.wasm", |b| {
        grant_all(b);
        b.args(["hello.wasm", "panic"]);
    });
    assert!(out.stderr.contains("asked to panic"), "{}", out.stderr);
    // A Rust panic aborts: the wasm `unreachable` instruction traps.
    let err = out.status.unwrap_err();
    assert_eq!(err.trap_code(), Some(wrt::TrapCode::Unreachable), "{err}");
}

#[test]
fn rust_std_fs() {
    let root = TempDir::new("rust-fs");
    // The program checks that it cannot read "../outside.txt", which exists next to its directory.
    std::fs::write(root.path().join("outside.txt"), "x").unwrap();
    let inner = root.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let inner_str = inner.to_str().unwrap();
    let out = run("rust/fs.wasm", |b| {
        grant_all(b);
        b.capabilities_mut().filesystem.add_allowed_path(inner_str);
        b.args(["fs.wasm", inner_str]);
    });
    assert_eq!(
        out.code(),
        0,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stdout.ends_with("done\n"));
    let d = inner.join("rust-out");
    assert_eq!(
        std::fs::read_to_string(d.join("summary.txt")).unwrap(),
        "rust fs test passed\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("nested/b.txt")).unwrap(),
        "alpha"
    );
    assert_eq!(std::fs::read_to_string(d.join("link")).unwrap(), "alpha");
    assert!(!d.join("c.txt").exists());
    assert!(!d.join("nested/deeper").exists());
}

#[test]
fn rust_time_random_stdin_exit() {
    let out = run("rust/misc.wasm", |b| {
        grant_all(b);
        b.stdin(BytesInput::new("one two three"));
    });
    assert_eq!(out.code(), 3, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("slept at least 30ms\n"));
    assert!(out.stdout.contains("stdin had 3 words\n"));
}

// ----------------------------------------------------------------------------- coverage

#[test]
fn the_programs_import_all_46_functions() {
    let programs = [
        "c/hello.wasm",
        "c/files.wasm",
        "c/clocks.wasm",
        "c/escape.wasm",
        "c/sockets.wasm",
        "rust/hello.wasm",
        "rust/fs.wasm",
        "rust/misc.wasm",
    ];
    let engine = Engine::default();
    let mut imported = BTreeSet::new();
    for p in programs {
        let module = Module::new(&engine, &std::fs::read(program(p)).unwrap()).unwrap();
        for import in module.imports() {
            assert_eq!(import.module(), wasi::MODULE, "{p}");
            imported.insert(import.name().to_string());
        }
    }
    let all: BTreeSet<String> = wasi::function_names().map(String::from).collect();
    assert_eq!(all.len(), 46);
    let missing: Vec<_> = all.difference(&imported).collect();
    assert!(missing.is_empty(), "never imported: {missing:?}");
}

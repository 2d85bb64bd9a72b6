//! Unit tests of the WASI functions, called directly on a context and a byte buffer standing in
//! for linear memory (the integration tests in `tests/wasi.rs` run real programs).

use alloc::vec;
use alloc::vec::Vec;

use super::ctx::WasiCtx;
use super::memory::GuestMemory;
use super::types::{layout, rights, Errno, WasiResult};
use super::WasiCapabilities;
use crate::preview1::args;

/// Calls the WASI function `name` through the `wasi_snapshot_preview1` table, as a guest would.
macro_rules! wasi {
    ($c:expr, $m:expr, $name:ident($($arg:expr),* $(,)?)) => {
        crate::preview1::call_by_name($c, $m, stringify!($name), &[$($arg as u64),*])
    };
}

const MEM: usize = 65536;
/// Where tests put strings, iovecs and outputs.
const STR: u32 = 1024;
#[cfg(all(feature = "std", unix))]
const STR2: u32 = 2048;
const IOV: u32 = 256;
const OUT: u32 = 512;
const BUF: u32 = 4096;

struct Guest {
    ctx: WasiCtx,
    mem: Vec<u8>,
}

impl Guest {
    fn new(ctx: WasiCtx) -> Self {
        Guest {
            ctx,
            mem: vec![0; MEM],
        }
    }

    fn put(&mut self, at: u32, bytes: &[u8]) {
        self.mem[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    }

    fn u32_at(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.mem[at as usize..at as usize + 4].try_into().unwrap())
    }

    fn u64_at(&self, at: u32) -> u64 {
        u64::from_le_bytes(self.mem[at as usize..at as usize + 8].try_into().unwrap())
    }

    fn bytes(&self, at: u32, len: u32) -> &[u8] {
        &self.mem[at as usize..(at + len) as usize]
    }

    /// Calls `f` with the context and a view of the memory.
    fn call<R>(&mut self, f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> R) -> R {
        let mut m = GuestMemory::new(&mut self.mem);
        f(&mut self.ctx, &mut m)
    }

    /// Writes one iovec at IOV pointing at `buf`/`len`.
    fn iov(&mut self, buf: u32, len: u32) {
        self.put(IOV, &buf.to_le_bytes());
        self.put(IOV + 4, &len.to_le_bytes());
    }

    fn write(&mut self, fd: u32, data: &[u8]) -> Result<u32, Errno> {
        self.put(BUF, data);
        self.iov(BUF, data.len() as u32);
        self.call(|c, m| wasi!(c, m, fd_write(fd, IOV, 1, OUT)))?;
        Ok(self.u32_at(OUT))
    }

    #[cfg(feature = "std")]
    fn read(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        self.iov(BUF, len);
        self.call(|c, m| wasi!(c, m, fd_read(fd, IOV, 1, OUT)))?;
        let n = self.u32_at(OUT);
        Ok(self.bytes(BUF, n).to_vec())
    }
}

fn ctx_with(caps: WasiCapabilities) -> WasiCtx {
    WasiCtx::builder().capabilities(caps).build().unwrap()
}

#[test]
fn args_and_environment() {
    let mut caps = WasiCapabilities::default();
    caps.environment.args_access = true;
    caps.environment.environ_access = true;
    caps.environment.set_var("A", "1");
    caps.environment.set_var("B", "two words");
    caps.environment.set_var("A", "3");
    let ctx = WasiCtx::builder()
        .capabilities(caps)
        .args(["prog", "x y", ""])
        .build()
        .unwrap();
    let mut g = Guest::new(ctx);
    g.call(|c, m| wasi!(c, m, args_sizes_get(OUT, OUT + 4)))
        .unwrap();
    assert_eq!(g.u32_at(OUT), 3);
    assert_eq!(g.u32_at(OUT + 4), 5 + 4 + 1);
    g.call(|c, m| wasi!(c, m, args_get(STR, BUF))).unwrap();
    assert_eq!(g.u32_at(STR), BUF);
    assert_eq!(g.u32_at(STR + 4), BUF + 5);
    assert_eq!(g.u32_at(STR + 8), BUF + 9);
    assert_eq!(g.bytes(BUF, 10), b"prog\0x y\0\0");

    g.call(|c, m| wasi!(c, m, environ_sizes_get(OUT, OUT + 4)))
        .unwrap();
    assert_eq!(g.u32_at(OUT), 2);
    g.call(|c, m| wasi!(c, m, environ_get(STR, BUF))).unwrap();
    let total = g.u32_at(OUT + 4);
    assert_eq!(g.bytes(BUF, total), b"B=two words\0A=3\0");

    // Bad pointers are EFAULT, not a panic.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, args_get(u32::MAX - 2, BUF))),
        Err(Errno::Fault)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, args_get(STR, MEM as u32 - 3))),
        Err(Errno::Fault)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, environ_sizes_get(MEM as u32, 0))),
        Err(Errno::Fault)
    );
}

#[test]
fn nothing_is_granted_by_default() {
    let mut caps = WasiCapabilities::default();
    caps.environment.set_var("SECRET", "x");
    let ctx = WasiCtx::builder()
        .capabilities(caps)
        .args(["prog", "arg"])
        .build()
        .unwrap();
    let mut g = Guest::new(ctx);
    g.call(|c, m| wasi!(c, m, args_sizes_get(OUT, OUT + 4)))
        .unwrap();
    assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (0, 0));
    g.call(|c, m| wasi!(c, m, environ_sizes_get(OUT, OUT + 4)))
        .unwrap();
    assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (0, 0));
    // No preopens: fd 3 does not exist.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_prestat_get(3, OUT))),
        Err(Errno::Badf)
    );
    // Exit is a trap.
    let err = g.ctx.proc_exit(args::proc_exit { code: 3 });
    assert!(matches!(err.kind(), wrt::ErrorKind::Host(_)), "{err:?}");
    assert!(alloc::format!("{err}").contains("exit"));
}

#[test]
fn invalid_env_names_are_rejected() {
    let mut caps = WasiCapabilities::default();
    caps.environment.environ_access = true;
    caps.environment.set_var("A=B", "1");
    assert!(WasiCtx::builder().capabilities(caps).build().is_err());
}

#[cfg(feature = "std")]
#[test]
fn inherited_variables_take_the_host_value() {
    let mut caps = WasiCapabilities::default();
    caps.environment.environ_access = true;
    caps.environment.add_allowed_var("PATH");
    caps.environment
        .add_allowed_var("WRT_SURELY_NOT_SET_ANYWHERE");
    let ctx = ctx_with(caps);
    let expected = alloc::format!("PATH={}", std::env::var("PATH").unwrap_or_default());
    if std::env::var("PATH").is_ok() {
        assert_eq!(ctx.env(), [expected]);
    } else {
        assert!(ctx.env().is_empty());
    }
}

#[cfg(feature = "std")]
#[test]
fn stdout_writes_and_stream_errors() {
    let out = super::MemoryOutput::new();
    let err = super::MemoryOutput::new();
    let ctx = WasiCtx::builder()
        .stdin(super::BytesInput::new(&b"input!"[..]))
        .stdout(out.clone())
        .stderr(err.clone())
        .build()
        .unwrap();
    let mut g = Guest::new(ctx);
    assert_eq!(g.write(1, b"hello "), Ok(6));
    // Two iovecs in one call.
    g.put(BUF, b"world\n");
    g.put(IOV, &BUF.to_le_bytes());
    g.put(IOV + 4, &3u32.to_le_bytes());
    g.put(IOV + 8, &(BUF + 3).to_le_bytes());
    g.put(IOV + 12, &3u32.to_le_bytes());
    g.call(|c, m| wasi!(c, m, fd_write(1, IOV, 2, OUT)))
        .unwrap();
    assert_eq!(g.u32_at(OUT), 6);
    assert_eq!(g.write(2, b"oops"), Ok(4));
    assert_eq!(out.contents(), b"hello world\n");
    assert_eq!(err.contents(), b"oops");

    assert_eq!(g.read(0, 4).unwrap(), b"inpu");
    assert_eq!(g.read(0, 100).unwrap(), b"t!");
    assert_eq!(g.read(0, 100).unwrap(), b"");

    // Writing stdin / reading stdout: no right.
    assert_eq!(g.write(0, b"x"), Err(Errno::Notcapable));
    assert_eq!(g.read(1, 1), Err(Errno::Notcapable));
    // Unknown descriptor.
    assert_eq!(g.write(77, b"x"), Err(Errno::Badf));
    // An iovec pointing outside memory.
    g.iov(MEM as u32 - 2, 4);
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_write(1, IOV, 1, OUT))),
        Err(Errno::Fault)
    );
    // The iovec array itself outside memory.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_write(1, u32::MAX, 1, OUT))),
        Err(Errno::Fault)
    );
    // Seeking a stream.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_seek(1, 0, 0, OUT))),
        Err(Errno::Spipe)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_tell(1, OUT))),
        Err(Errno::Spipe)
    );
    assert_eq!(out.contents(), b"hello world\n");
}

#[test]
fn fdstat_layout_and_rights() {
    let mut g = Guest::new(ctx_with(WasiCapabilities::default()));
    g.mem[OUT as usize..OUT as usize + 24].fill(0xAA);
    g.call(|c, m| wasi!(c, m, fd_fdstat_get(1, OUT))).unwrap();
    let base = g.u64_at(OUT + layout::FDSTAT_RIGHTS_BASE);
    assert_eq!(base & rights::FD_WRITE, rights::FD_WRITE);
    assert_eq!(base & rights::FD_SEEK, 0);
    assert_eq!(g.u64_at(OUT + layout::FDSTAT_RIGHTS_INHERITING), 0);
    assert_eq!(g.mem[OUT as usize + 1], 0, "padding is zeroed");
    // Dropping rights works; regaining does not.
    g.call(|c, m| wasi!(c, m, fd_fdstat_set_rights(1, rights::FD_FILESTAT_GET, 0)))
        .unwrap();
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_rights(1, rights::FD_WRITE, 0))),
        Err(Errno::Notcapable)
    );
    assert_eq!(g.write(1, b"x"), Err(Errno::Notcapable));
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(1, 0))),
        Err(Errno::Notcapable)
    );
    // Flags on a stream.
    g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(2, 4)))
        .unwrap(); // NONBLOCK
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(2, 0x20))),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(2, 16))),
        Err(Errno::Notsup)
    );
    g.call(|c, m| wasi!(c, m, fd_fdstat_get(2, OUT))).unwrap();
    assert_eq!(g.mem[OUT as usize + 2], 4);
}

#[test]
fn close_renumber_and_descriptor_limits() {
    let mut g = Guest::new(ctx_with(WasiCapabilities::default()));
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_renumber(2, 9))),
        Err(Errno::Badf)
    );
    g.call(|c, m| wasi!(c, m, fd_renumber(2, 1))).unwrap();
    assert_eq!(g.call(|c, m| wasi!(c, m, fd_close(2))), Err(Errno::Badf));
    g.call(|c, m| wasi!(c, m, fd_close(1))).unwrap();
    assert_eq!(g.call(|c, m| wasi!(c, m, fd_close(1))), Err(Errno::Badf));
    g.call(|c, m| wasi!(c, m, fd_renumber(0, 0))).unwrap();
    let mut ctx = WasiCtx::builder().max_open_fds(4).build().unwrap();
    ctx.push_stream(alloc::boxed::Box::new(super::NullStream), true, true)
        .unwrap();
    assert!(ctx
        .push_stream(alloc::boxed::Box::new(super::NullStream), true, true)
        .is_err());
}

#[cfg(feature = "std")]
#[test]
fn clocks_random_yield() {
    let mut g = Guest::new(ctx_with(WasiCapabilities::default()));
    g.call(|c, m| wasi!(c, m, clock_time_get(1, 0, OUT)))
        .unwrap();
    let t1 = g.u64_at(OUT);
    g.call(|c, m| wasi!(c, m, clock_time_get(1, 0, OUT)))
        .unwrap();
    assert!(g.u64_at(OUT) >= t1);
    g.call(|c, m| wasi!(c, m, clock_time_get(0, 0, OUT)))
        .unwrap();
    // After 2020-01-01.
    assert!(g.u64_at(OUT) > 1_577_836_800_000_000_000);
    for id in 0..4 {
        g.call(|c, m| wasi!(c, m, clock_res_get(id, OUT))).unwrap();
        assert!(g.u64_at(OUT) > 0);
    }
    assert_eq!(
        g.call(|c, m| wasi!(c, m, clock_res_get(4, OUT))),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, clock_time_get(9, 0, OUT))),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, clock_time_get(0, 0, MEM as u32 - 4))),
        Err(Errno::Fault)
    );
    g.call(|c, m| wasi!(c, m, random_get(BUF, 64))).unwrap();
    let a = g.bytes(BUF, 64).to_vec();
    g.call(|c, m| wasi!(c, m, random_get(BUF, 64))).unwrap();
    assert_ne!(a, g.bytes(BUF, 64));
    assert_eq!(
        g.call(|c, m| wasi!(c, m, random_get(MEM as u32, 1))),
        Err(Errno::Fault)
    );
    g.call(|c, m| wasi!(c, m, sched_yield())).unwrap();
}

#[test]
fn platform_without_clocks() {
    let mut g = Guest::new(
        WasiCtx::builder()
            .platform(super::NoPlatform)
            .build()
            .unwrap(),
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, clock_time_get(0, 0, OUT))),
        Err(Errno::Notsup)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, random_get(BUF, 1))),
        Err(Errno::Notsup)
    );
}

#[test]
fn proc_exit_and_raise() {
    let mut caps = WasiCapabilities::default();
    caps.process.exit_allowed = true;
    let mut ctx = ctx_with(caps);
    assert_eq!(
        ctx.proc_exit(args::proc_exit { code: 7 }).exit_status(),
        Some(7)
    );
    assert_eq!(
        ctx.proc_raise(args::proc_raise { sig: 0 }).unwrap(),
        Errno::Success
    );
    assert_eq!(
        ctx.proc_raise(args::proc_raise { sig: 16 }).unwrap(),
        Errno::Success
    ); // SIGCHLD is ignored
    assert_eq!(
        ctx.proc_raise(args::proc_raise { sig: 99 }).unwrap(),
        Errno::Inval
    );
    let err = ctx.proc_raise(args::proc_raise { sig: 6 }).unwrap_err();
    assert!(alloc::format!("{err}").contains("SIGABRT"));
}

#[cfg(feature = "std")]
fn put_sub_clock(g: &mut Guest, at: u32, userdata: u64, id: u32, timeout: u64, flags: u16) {
    let mut s = [0u8; 48];
    s[0..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = 0;
    s[16..20].copy_from_slice(&id.to_le_bytes());
    s[24..32].copy_from_slice(&timeout.to_le_bytes());
    s[40..42].copy_from_slice(&flags.to_le_bytes());
    g.put(at, &s);
}

#[cfg(feature = "std")]
fn put_sub_fd(g: &mut Guest, at: u32, userdata: u64, read: bool, fd: u32) {
    let mut s = [0u8; 48];
    s[0..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = if read { 1 } else { 2 };
    s[16..20].copy_from_slice(&fd.to_le_bytes());
    g.put(at, &s);
}

#[cfg(feature = "std")]
#[test]
fn poll_clock_and_streams() {
    let out = super::MemoryOutput::new();
    let mut g = Guest::new(
        WasiCtx::builder()
            .stdin(super::BytesInput::new(&b"abc"[..]))
            .stdout(out)
            .build()
            .unwrap(),
    );
    // A 5 ms relative timeout.
    put_sub_clock(&mut g, STR, 42, 1, 5_000_000, 0);
    let start = std::time::Instant::now();
    g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 1, OUT)))
        .unwrap();
    assert!(start.elapsed() >= std::time::Duration::from_millis(5));
    assert_eq!(g.u32_at(OUT), 1);
    assert_eq!(g.u64_at(BUF), 42);
    assert_eq!(g.mem[BUF as usize + 8], 0);
    assert_eq!(g.mem[BUF as usize + 10], 0);
    // An absolute deadline in the past fires at once.
    put_sub_clock(&mut g, STR, 1, 0, 1, 1);
    g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 1, OUT)))
        .unwrap();
    assert_eq!(g.u32_at(OUT), 1);
    // A long clock and a ready stdin: only the fd event comes back.
    put_sub_clock(&mut g, STR, 1, 1, 10_000_000_000, 0);
    put_sub_fd(&mut g, STR + 48, 2, true, 0);
    put_sub_fd(&mut g, STR + 96, 3, false, 1);
    put_sub_fd(&mut g, STR + 144, 4, true, 99);
    g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 4, OUT)))
        .unwrap();
    assert_eq!(g.u32_at(OUT), 3);
    let ev = |g: &Guest, i: u32| {
        let at = BUF + i * 32;
        (
            g.u64_at(at),
            u16::from_le_bytes([g.mem[at as usize + 8], g.mem[at as usize + 9]]),
            g.mem[at as usize + 10],
            g.u64_at(at + 16),
        )
    };
    assert_eq!(ev(&g, 0), (2, 0, 1, 3));
    assert_eq!(ev(&g, 1), (3, 0, 2, 0));
    assert_eq!(ev(&g, 2), (4, Errno::Badf as u16, 1, 0));
    // Bad clock id: an event with EINVAL, not a failure of the call.
    put_sub_clock(&mut g, STR, 5, 77, 0, 0);
    g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 1, OUT)))
        .unwrap();
    assert_eq!(ev(&g, 0).1, Errno::Inval as u16);
    // Zero subscriptions, bad pointers.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 0, OUT))),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, poll_oneoff(MEM as u32 - 40, BUF, 1, OUT))),
        Err(Errno::Fault)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, MEM as u32 - 8, 1, OUT))),
        Err(Errno::Fault)
    );
}

/// Runs `_start` of a module (text) with `ctx`; returns the call's result.
#[cfg(feature = "std")]
fn run_module(wat: &str, ctx: WasiCtx) -> Result<(), wrt::Error> {
    use wrt::{Engine, Linker, Module, Store};
    let engine = Engine::default();
    let bytes = wat::parse_str(wat).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut linker = Linker::new(&engine);
    super::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_func(&store, "_start").unwrap();
    start.call(&mut store, &[], &mut [])
}

#[cfg(feature = "std")]
#[test]
fn trace_shows_grants_calls_errnos_and_results() {
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_open"
          (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "etc/passwd")
        (func (export "_start")
          (drop (call $sizes (i32.const 0) (i32.const 4)))
          (drop (call $open (i32.const 1) (i32.const 0) (i32.const 100) (i32.const 10)
            (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8)))
          (call $exit (i32.const 3))))"#;
    let trace = super::MemoryOutput::new();
    let mut caps = WasiCapabilities::default();
    caps.environment.args_access = true;
    caps.environment.environ_access = true;
    caps.environment.set_var("HOME", "/home/ada");
    caps.process.exit_allowed = true;
    let ctx = WasiCtx::builder()
        .capabilities(caps)
        .args(["app.wasm", "x"])
        .trace(trace.clone())
        .build()
        .unwrap();
    assert_eq!(
        run_module(wat, ctx).err().and_then(|e| e.exit_status()),
        Some(3)
    );
    let text = alloc::string::String::from_utf8(trace.contents()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "wasi: granted: 2 arguments [\"app.wasm\", \"x\"], 1 environment variable [HOME], \
             no directories, proc_exit allowed",
            "wasi: args_sizes_get() = 0 (argc=2, argv_buf_size=11)",
            "wasi: path_open(fd=1, dirflags=0x0, path=\"etc/passwd\", oflags=0x0, \
             fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0x0) = 54 ENOTDIR (Not a \
             directory or a symbolic link to a directory)",
            "wasi: proc_exit(rval=3) -> exited with status 3",
        ]
    );
    // Without a trace stream nothing is traced (and nothing else changes).
    let ctx = WasiCtx::builder().build().unwrap();
    assert!(!ctx.tracing());
}

/// What every path call answers without a filesystem: `ENOTCAPABLE` on an open descriptor (the
/// standard streams included), `EBADF` on one that is not open.
fn assert_no_filesystem(g: &mut Guest) {
    g.put(STR, b"file");
    g.put(STR2_ANY, b"other");
    for (fd, errno) in [
        (0, Errno::Notcapable),
        (1, Errno::Notcapable),
        (5, Errno::Badf),
    ] {
        let calls: [(&str, WasiResult<()>); 10] = [
            (
                "path_open",
                g.call(|c, m| wasi!(c, m, path_open(fd, 0, STR, 4, 0, 0, 0, 0, OUT))),
            ),
            (
                "path_open O_CREAT",
                g.call(|c, m| wasi!(c, m, path_open(fd, 0, STR, 4, 1, 0, 0, 0, OUT))),
            ),
            (
                "path_create_directory",
                g.call(|c, m| wasi!(c, m, path_create_directory(fd, STR, 4))),
            ),
            (
                "path_filestat_get",
                g.call(|c, m| wasi!(c, m, path_filestat_get(fd, 0, STR, 4, OUT))),
            ),
            (
                "path_filestat_set_times",
                g.call(|c, m| wasi!(c, m, path_filestat_set_times(fd, 0, STR, 4, 0, 0, 2))),
            ),
            (
                "path_readlink",
                g.call(|c, m| wasi!(c, m, path_readlink(fd, STR, 4, BUF, 16, OUT))),
            ),
            (
                "path_remove_directory",
                g.call(|c, m| wasi!(c, m, path_remove_directory(fd, STR, 4))),
            ),
            (
                "path_unlink_file",
                g.call(|c, m| wasi!(c, m, path_unlink_file(fd, STR, 4))),
            ),
            (
                "path_symlink",
                g.call(|c, m| wasi!(c, m, path_symlink(STR, 4, fd, STR2_ANY, 5))),
            ),
            (
                "path_rename",
                g.call(|c, m| wasi!(c, m, path_rename(fd, STR, 4, fd, STR2_ANY, 5))),
            ),
        ];
        for (name, result) in calls {
            assert_eq!(result, Err(errno), "{name} on fd {fd}");
        }
        assert_eq!(
            g.call(|c, m| wasi!(c, m, path_link(fd, 0, STR, 4, fd, STR2_ANY, 5))),
            Err(errno),
            "path_link on fd {fd}"
        );
    }
    // The second descriptor of a two-path call is checked first.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, path_rename(1, STR, 4, 7, STR2_ANY, 5))),
        Err(Errno::Badf)
    );
    assert_eq!(
        g.call(|c, m| wasi!(c, m, path_link(1, 0, STR, 4, 7, STR2_ANY, 5))),
        Err(Errno::Badf)
    );
    // fd_prestat_get finds no directory: the preopen loop of wasi-libc and Rust's std ends at 3.
    assert_eq!(
        g.call(|c, m| wasi!(c, m, fd_prestat_get(3, OUT))),
        Err(Errno::Badf)
    );
}

/// A second string buffer, in every build.
const STR2_ANY: u32 = 3072;

#[cfg(not(all(feature = "std", unix)))]
#[test]
fn no_filesystem_without_host_support() {
    let mut caps = WasiCapabilities::default();
    caps.filesystem.add_allowed_path("/tmp");
    assert!(WasiCtx::builder().capabilities(caps).build().is_err());
    assert_no_filesystem(&mut Guest::new(ctx_with(WasiCapabilities::default())));
}

/// `host_filesystem(false)` makes a hosted build answer exactly as one without host support.
#[test]
fn a_context_without_host_filesystem() {
    let mut caps = WasiCapabilities::default();
    caps.filesystem.add_allowed_path("/tmp");
    let refused = WasiCtx::builder()
        .capabilities(caps)
        .host_filesystem(false)
        .build();
    assert!(
        refused.is_err_and(|e| alloc::format!("{e}").contains("cannot grant access to /tmp")),
        "a directory cannot be granted"
    );
    let ctx = WasiCtx::builder().host_filesystem(false).build().unwrap();
    assert_no_filesystem(&mut Guest::new(ctx));
}

#[cfg(all(feature = "std", unix))]
mod host {
    //! Files, directories, sandbox escapes and sockets on the real host.

    use super::*;
    use alloc::string::String;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            let p = std::env::temp_dir().join(alloc::format!(
                "wrt-wasi-{tag}-{}-{}-{nanos}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A sandbox `root/sandbox` preopened as `/sandbox` (fd 3), with `root/outside/secret`
    /// next to it.
    fn sandbox(read_only: bool) -> (TempDir, Guest) {
        let t = TempDir::new("sb");
        let sb = t.path().join("sandbox");
        std::fs::create_dir_all(sb.join("sub")).unwrap();
        std::fs::create_dir_all(t.path().join("outside")).unwrap();
        std::fs::write(t.path().join("outside/secret"), b"secret").unwrap();
        std::fs::write(sb.join("hello.txt"), b"hello, sandbox").unwrap();
        std::os::unix::fs::symlink("../outside", sb.join("link_out")).unwrap();
        std::os::unix::fs::symlink("/etc", sb.join("abs_link")).unwrap();
        std::os::unix::fs::symlink("hello.txt", sb.join("link_in")).unwrap();
        let mut caps = WasiCapabilities::default();
        let host = sb.to_str().unwrap();
        if read_only {
            caps.filesystem.add_read_only_path_as(host, "/sandbox");
        } else {
            caps.filesystem.add_allowed_path_as(host, "/sandbox");
        }
        (t, Guest::new(ctx_with(caps)))
    }

    impl Guest {
        fn open(&mut self, path: &str, oflags: u32, base: u64, fdflags: u32) -> Result<u32, Errno> {
            self.open_at(3, path, 1, oflags, base, fdflags)
        }

        fn open_at(
            &mut self,
            dir: u32,
            path: &str,
            lookup: u32,
            oflags: u32,
            base: u64,
            fdflags: u32,
        ) -> Result<u32, Errno> {
            self.put(STR, path.as_bytes());
            let len = path.len() as u32;
            self.call(|c, m| {
                wasi!(
                    c,
                    m,
                    path_open(
                        dir,
                        lookup,
                        STR,
                        len,
                        oflags,
                        base,
                        rights::ALL,
                        fdflags,
                        OUT,
                    )
                )
            })?;
            Ok(self.u32_at(OUT))
        }

        fn path_op(
            &mut self,
            path: &str,
            f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>, u32, u32) -> Result<(), Errno>,
        ) -> Result<(), Errno> {
            self.put(STR, path.as_bytes());
            let len = path.len() as u32;
            self.call(|c, m| f(c, m, STR, len))
        }

        fn two_paths(
            &mut self,
            a: &str,
            b: &str,
            f: impl FnOnce(
                &mut WasiCtx,
                &mut GuestMemory<'_>,
                (u32, u32),
                (u32, u32),
            ) -> Result<(), Errno>,
        ) -> Result<(), Errno> {
            self.put(STR, a.as_bytes());
            self.put(STR2, b.as_bytes());
            let (la, lb) = (a.len() as u32, b.len() as u32);
            self.call(|c, m| f(c, m, (STR, la), (STR2, lb)))
        }

        fn filestat(&mut self, path: &str, follow: bool) -> Result<(u8, u64, u64), Errno> {
            self.path_op(path, |c, m, p, l| {
                wasi!(c, m, path_filestat_get(3, u32::from(follow), p, l, OUT))
            })?;
            Ok((
                self.mem[(OUT + 16) as usize],
                self.u64_at(OUT + 32),
                self.u64_at(OUT + 48),
            ))
        }
    }

    const READ: u64 = rights::FD_READ | rights::FD_SEEK | rights::FD_TELL | rights::FD_FILESTAT_GET;
    const RW: u64 = rights::FILE;

    #[test]
    fn preopen_is_described() {
        let (_t, mut g) = sandbox(false);
        g.call(|c, m| wasi!(c, m, fd_prestat_get(3, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 0);
        assert_eq!(g.u32_at(OUT + 4), 8);
        g.call(|c, m| wasi!(c, m, fd_prestat_dir_name(3, BUF, 8)))
            .unwrap();
        assert_eq!(g.bytes(BUF, 8), b"/sandbox");
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_prestat_dir_name(3, BUF, 7))),
            Err(Errno::Nametoolong)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_prestat_get(4, OUT))),
            Err(Errno::Badf)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_prestat_get(1, OUT))),
            Err(Errno::Badf)
        );
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(3, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 3, "directory");
    }

    #[test]
    fn missing_preopen_is_an_error() {
        let mut caps = WasiCapabilities::default();
        caps.filesystem
            .add_allowed_path("/definitely/not/a/directory/wrt");
        let err = WasiCtx::builder().capabilities(caps).build().unwrap_err();
        assert!(alloc::format!("{err}").contains("/definitely/not"));
    }

    #[test]
    fn escapes_are_refused() {
        let (t, mut g) = sandbox(false);
        let attempts = [
            "../outside/secret",
            "sub/../../outside/secret",
            "/etc/passwd",
            "/",
            "link_out/secret",
            "abs_link/passwd",
            "abs_link",
            "sub/../link_out/secret",
            "..",
            "../sandbox/../outside/secret",
        ];
        for path in attempts {
            let r = g.open(path, 0, READ, 0);
            assert!(r.is_err(), "opening {path} must fail, got {r:?}");
            let r = g.filestat(path, true);
            assert!(r.is_err(), "stat of {path} must fail");
        }
        // Creating through an escape.
        for path in ["../outside/new", "link_out/new", "/tmp/wrt-escape"] {
            assert!(g.open(path, 1, RW, 0).is_err(), "{path}");
            assert!(g
                .path_op(path, |c, m, p, l| wasi!(
                    c,
                    m,
                    path_create_directory(3, p, l)
                ))
                .is_err());
        }
        // Hard link to an outside file.
        let r = g.two_paths("../outside/secret", "stolen", |c, m, a, b| {
            wasi!(c, m, path_link(3, 0, a.0, a.1, 3, b.0, b.1))
        });
        assert!(r.is_err());
        let r = g.two_paths("link_out/secret", "stolen", |c, m, a, b| {
            wasi!(c, m, path_link(3, 0, a.0, a.1, 3, b.0, b.1))
        });
        assert!(r.is_err());
        // Renaming something out, or in.
        let r = g.two_paths("hello.txt", "../outside/moved", |c, m, a, b| {
            wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
        });
        assert!(r.is_err());
        let r = g.two_paths("../outside/secret", "here", |c, m, a, b| {
            wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
        });
        assert!(r.is_err());
        // Absolute symlink targets are refused.
        let r = g.two_paths("/etc/passwd", "abs2", |c, m, a, b| {
            wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
        });
        assert_eq!(r, Err(Errno::Notcapable));
        // A relative symlink pointing out can be created but not followed.
        g.two_paths("../outside/secret", "rel_out", |c, m, a, b| {
            wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
        })
        .unwrap();
        assert!(g.open("rel_out", 0, READ, 0).is_err());
        // Unlinking or removing outside.
        assert!(g
            .path_op("../outside/secret", |c, m, p, l| wasi!(
                c,
                m,
                path_unlink_file(3, p, l)
            ))
            .is_err());
        assert!(g
            .path_op("link_out/secret", |c, m, p, l| wasi!(
                c,
                m,
                path_unlink_file(3, p, l)
            ))
            .is_err());
        assert!(g
            .path_op("../outside", |c, m, p, l| wasi!(
                c,
                m,
                path_remove_directory(3, p, l)
            ))
            .is_err());
        // Nothing outside changed.
        assert_eq!(
            std::fs::read(t.path().join("outside/secret")).unwrap(),
            b"secret"
        );
        let outside: Vec<_> = std::fs::read_dir(t.path().join("outside"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(outside.len(), 1);
        assert!(!t.path().join("sandbox/stolen").exists());
        // Paths that stay inside work.
        let fd = g.open("sub/../hello.txt", 0, READ, 0).unwrap();
        assert_eq!(g.read(fd, 100).unwrap(), b"hello, sandbox");
        let fd = g.open("link_in", 0, READ, 0).unwrap();
        assert_eq!(g.read(fd, 5).unwrap(), b"hello");
        assert!(g.open(".", 2, rights::FD_READDIR, 0).is_ok());
    }

    #[test]
    fn symlink_following_is_controlled_by_lookupflags() {
        let (_t, mut g) = sandbox(false);
        // Without SYMLINK_FOLLOW the final symlink is not followed.
        assert_eq!(g.open_at(3, "link_in", 0, 0, READ, 0), Err(Errno::Loop));
        assert_eq!(g.filestat("link_in", false).unwrap().0, 7);
        assert_eq!(g.filestat("link_in", true).unwrap().0, 4);
        g.path_op("link_in", |c, m, p, l| {
            wasi!(c, m, path_readlink(3, p, l, BUF, 64, OUT))
        })
        .unwrap();
        assert_eq!(g.u32_at(OUT), 9);
        assert_eq!(g.bytes(BUF, 9), b"hello.txt");
        // Truncated to the buffer.
        g.path_op("link_in", |c, m, p, l| {
            wasi!(c, m, path_readlink(3, p, l, BUF, 4, OUT))
        })
        .unwrap();
        assert_eq!(g.u32_at(OUT), 4);
        assert_eq!(
            g.path_op("hello.txt", |c, m, p, l| wasi!(
                c,
                m,
                path_readlink(3, p, l, BUF, 64, OUT)
            )),
            Err(Errno::Inval)
        );
    }

    #[test]
    fn file_lifecycle() {
        let (t, mut g) = sandbox(false);
        let fd = g.open("new.txt", 1 | 4, RW, 0).unwrap(); // CREAT | EXCL
        assert_eq!(g.open("new.txt", 1 | 4, RW, 0), Err(Errno::Exist));
        assert_eq!(g.write(fd, b"0123456789"), Ok(10));
        // tell / seek
        g.call(|c, m| wasi!(c, m, fd_tell(fd, OUT))).unwrap();
        assert_eq!(g.u64_at(OUT), 10);
        g.call(|c, m| wasi!(c, m, fd_seek(fd, -4i64, 1, OUT)))
            .unwrap();
        assert_eq!(g.u64_at(OUT), 6);
        assert_eq!(g.read(fd, 100).unwrap(), b"6789");
        g.call(|c, m| wasi!(c, m, fd_seek(fd, 2, 0, OUT))).unwrap();
        assert_eq!(g.read(fd, 3).unwrap(), b"234");
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_seek(fd, -1i64, 0, OUT))),
            Err(Errno::Inval)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_seek(fd, 0, 3, OUT))),
            Err(Errno::Inval)
        );
        g.call(|c, m| wasi!(c, m, fd_seek(fd, -1i64, 2, OUT)))
            .unwrap();
        assert_eq!(g.u64_at(OUT), 9);
        // pread / pwrite do not move the position.
        g.put(BUF + 100, b"AB");
        g.iov(BUF + 100, 2);
        g.call(|c, m| wasi!(c, m, fd_pwrite(fd, IOV, 1, 4, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 2);
        g.iov(BUF, 6);
        g.call(|c, m| wasi!(c, m, fd_pread(fd, IOV, 1, 2, OUT)))
            .unwrap();
        assert_eq!(g.bytes(BUF, g.u32_at(OUT)), b"23AB67");
        g.call(|c, m| wasi!(c, m, fd_tell(fd, OUT))).unwrap();
        assert_eq!(g.u64_at(OUT), 9);
        // filestat, set_size, allocate
        g.call(|c, m| wasi!(c, m, fd_filestat_get(fd, OUT)))
            .unwrap();
        assert_eq!(g.mem[(OUT + 16) as usize], 4);
        assert_eq!(g.u64_at(OUT + 32), 10);
        assert!(g.u64_at(OUT + 8) != 0, "inode");
        assert_eq!(g.u64_at(OUT + 24), 1, "nlink");
        g.call(|c, m| wasi!(c, m, fd_filestat_set_size(fd, 4)))
            .unwrap();
        g.call(|c, m| wasi!(c, m, fd_allocate(fd, 0, 100))).unwrap();
        g.call(|c, m| wasi!(c, m, fd_allocate(fd, 10, 10))).unwrap();
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_allocate(fd, 0, 0))),
            Err(Errno::Inval)
        );
        assert_eq!(
            std::fs::metadata(t.path().join("sandbox/new.txt"))
                .unwrap()
                .len(),
            100
        );
        // times
        g.call(|c, m| {
            wasi!(
                c,
                m,
                fd_filestat_set_times(fd, 1_000_000_000_123, 2_000_000_000_000, 1 | 4)
            )
        })
        .unwrap();
        g.call(|c, m| wasi!(c, m, fd_filestat_get(fd, OUT)))
            .unwrap();
        assert_eq!(g.u64_at(OUT + 40), 1_000_000_000_123);
        assert_eq!(g.u64_at(OUT + 48), 2_000_000_000_000);
        g.path_op("new.txt", |c, m, p, l| {
            wasi!(
                c,
                m,
                path_filestat_set_times(3, 1, p, l, 0, 5_000_000_000, 4)
            )
        })
        .unwrap();
        assert_eq!(g.filestat("new.txt", true).unwrap().2, 5_000_000_000);
        g.path_op("new.txt", |c, m, p, l| {
            wasi!(c, m, path_filestat_set_times(3, 1, p, l, 0, 0, 2 | 8))
        })
        .unwrap();
        assert!(g.filestat("new.txt", true).unwrap().2 > 5_000_000_000);
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_filestat_set_times(fd, 0, 0, 1 | 2))),
            Err(Errno::Inval)
        );
        // advise, sync
        g.call(|c, m| wasi!(c, m, fd_advise(fd, 0, 0, 1))).unwrap();
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_advise(fd, 0, 0, 6))),
            Err(Errno::Inval)
        );
        g.call(|c, m| wasi!(c, m, fd_sync(fd))).unwrap();
        g.call(|c, m| wasi!(c, m, fd_datasync(fd))).unwrap();
        g.call(|c, m| wasi!(c, m, fd_sync(3))).unwrap();
        // append mode via set_flags
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(fd, 1)))
            .unwrap();
        g.call(|c, m| wasi!(c, m, fd_seek(fd, 0, 0, OUT))).unwrap();
        g.write(fd, b"END").unwrap();
        let data = std::fs::read(t.path().join("sandbox/new.txt")).unwrap();
        assert_eq!(data.len(), 103);
        assert!(data.ends_with(b"END"));
        g.call(|c, m| wasi!(c, m, fd_close(fd))).unwrap();
        // Truncating open.
        let fd = g.open("new.txt", 8, RW, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_filestat_get(fd, OUT)))
            .unwrap();
        assert_eq!(g.u64_at(OUT + 32), 0);
        // Append open.
        let fd = g.open("app.txt", 1, RW, 1).unwrap();
        g.write(fd, b"a").unwrap();
        g.call(|c, m| wasi!(c, m, fd_seek(fd, 0, 0, OUT))).unwrap();
        g.write(fd, b"b").unwrap();
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(fd, OUT))).unwrap();
        assert_eq!(g.mem[(OUT + 2) as usize], 1);
        assert_eq!(
            std::fs::read(t.path().join("sandbox/app.txt")).unwrap(),
            b"ab"
        );
        // A file opened without write rights.
        let fd = g.open("hello.txt", 0, READ, 0).unwrap();
        assert_eq!(g.write(fd, b"x"), Err(Errno::Notcapable));
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_filestat_set_size(fd, 0))),
            Err(Errno::Notcapable)
        );
        // Rights only shrink.
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_rights(fd, rights::FD_READ, 0)))
            .unwrap();
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_seek(fd, 1, 0, OUT))),
            Err(Errno::Notcapable)
        );
        assert_eq!(g.read(fd, 5).unwrap(), b"hello");
    }

    #[test]
    fn creating_a_file_needs_no_write_right() {
        // POSIX's O_CREAT | O_RDONLY: PATH_CREATE_FILE on the directory is what creating takes.
        let (t, mut g) = sandbox(false);
        let sb = t.path().join("sandbox");
        let fd = g.open("none.txt", 1, 0, 0).unwrap();
        assert!(sb.join("none.txt").is_file());
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(fd, OUT))).unwrap();
        assert_eq!(g.u64_at(OUT + 8), 0, "no rights asked, none given");
        assert_eq!(g.write(fd, b"x"), Err(Errno::Notcapable));
        let fd = g.open("read.txt", 1, READ, 0).unwrap();
        assert_eq!(g.read(fd, 10).unwrap(), b"");
        assert_eq!(g.write(fd, b"x"), Err(Errno::Notcapable));
        // An existing file: O_CREAT opens it as it is.
        let fd = g.open("hello.txt", 1, READ, 0).unwrap();
        assert_eq!(g.read(fd, 5).unwrap(), b"hello");
        // ... also when the host would not let us write it.
        let locked = sb.join("locked.txt");
        std::fs::write(&locked, b"locked").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
        let fd = g.open("locked.txt", 1, READ, 0).unwrap();
        assert_eq!(g.read(fd, 6).unwrap(), b"locked");
        // O_EXCL still refuses an existing file, rights or not.
        assert_eq!(g.open("none.txt", 1 | 4, 0, 0), Err(Errno::Exist));
        // Creating still needs the directory's PATH_CREATE_FILE right.
        let without_create = rights::DIRECTORY & !rights::PATH_CREATE_FILE;
        let inheriting = rights::DIRECTORY | rights::FILE;
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_rights(3, without_create, inheriting)))
            .unwrap();
        assert_eq!(g.open("other.txt", 1, 0, 0), Err(Errno::Notcapable));
        assert!(!sb.join("other.txt").exists());
        assert_eq!(std::fs::read(&locked).unwrap(), b"locked");
    }

    #[test]
    fn append_mode_with_truncation() {
        // open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND), as C programs ask for a log.
        let (t, mut g) = sandbox(false);
        let log = t.path().join("sandbox/log.txt");
        std::fs::write(&log, b"old contents").unwrap();
        let write_only = rights::FD_WRITE | rights::FD_SEEK | rights::FD_TELL;
        let fd = g.open("log.txt", 1 | 8, write_only, 1).unwrap();
        assert_eq!(std::fs::read(&log).unwrap(), b"", "truncated");
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(fd, OUT))).unwrap();
        assert_eq!(g.mem[(OUT + 2) as usize], 1, "fdflags say APPEND");
        assert_eq!(g.write(fd, b"ab"), Ok(2));
        g.call(|c, m| wasi!(c, m, fd_seek(fd, 0, 0, OUT))).unwrap();
        assert_eq!(g.write(fd, b"cd"), Ok(2));
        g.call(|c, m| wasi!(c, m, fd_tell(fd, OUT))).unwrap();
        assert_eq!(g.u64_at(OUT), 4, "each write went to the end");
        assert_eq!(std::fs::read(&log).unwrap(), b"abcd");
        // pwrite leaves the position alone (where it writes in append mode is the OS's call:
        // at the offset for POSIX, at the end on Linux).
        g.put(BUF + 100, b"xyz");
        g.iov(BUF + 100, 3);
        g.call(|c, m| wasi!(c, m, fd_pwrite(fd, IOV, 1, 0, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 3);
        g.call(|c, m| wasi!(c, m, fd_tell(fd, OUT))).unwrap();
        assert_eq!(g.u64_at(OUT), 4);
        // Append mode without truncation keeps what is there.
        let fd = g.open("log.txt", 0, write_only, 1).unwrap();
        let before = std::fs::read(&log).unwrap().len();
        assert_eq!(g.write(fd, b"!"), Ok(1));
        let after = std::fs::read(&log).unwrap();
        assert_eq!(after.len(), before + 1);
        assert!(after.starts_with(b"ab") && after.ends_with(b"!"));
    }

    /// `result` is an error among `expected` (POSIX lets some calls answer one of several).
    fn assert_errno_in(result: Result<(), Errno>, expected: &[Errno], what: &str) {
        match result {
            Err(e) if expected.contains(&e) => {}
            other => panic!("{what}: {other:?}, expected one of {expected:?}"),
        }
    }

    #[test]
    fn trailing_slashes_name_directories_only() {
        // What wasi-testsuite checks (unlink_file_, remove_directory_, path_symlink_trailing_
        // slashes, interesting_paths), with the errnos it accepts on Unix.
        let (t, mut g) = sandbox(false);
        let sb = t.path().join("sandbox");
        let unlink = |g: &mut Guest, p: &str| {
            g.path_op(p, |c, m, a, l| wasi!(c, m, path_unlink_file(3, a, l)))
        };
        let rmdir = |g: &mut Guest, p: &str| {
            g.path_op(p, |c, m, a, l| wasi!(c, m, path_remove_directory(3, a, l)))
        };
        let symlink = |g: &mut Guest, p: &str| {
            g.two_paths("source", p, |c, m, a, b| {
                wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
            })
        };
        // A file named with a trailing slash is not there as a directory.
        assert_errno_in(
            unlink(&mut g, "hello.txt/"),
            &[Errno::Notdir],
            "unlink file/",
        );
        assert_errno_in(rmdir(&mut g, "hello.txt/"), &[Errno::Notdir], "rmdir file/");
        assert_errno_in(rmdir(&mut g, "hello.txt"), &[Errno::Notdir], "rmdir file");
        assert!(g.open("hello.txt/", 0, READ, 0).is_err());
        assert!(g.open("hello.txt///", 0, READ, 0).is_err());
        assert_errno_in(
            symlink(&mut g, "hello.txt/"),
            &[Errno::Notdir, Errno::Exist],
            "symlink onto file/",
        );
        assert!(sb.join("hello.txt").is_file());
        // A directory: unlink refuses it with or without the slash; opening and removing it
        // with trailing slashes works.
        assert_errno_in(
            unlink(&mut g, "sub"),
            &[Errno::Isdir, Errno::Perm],
            "unlink dir",
        );
        assert_errno_in(
            unlink(&mut g, "sub/"),
            &[Errno::Isdir, Errno::Perm],
            "unlink dir/",
        );
        assert_errno_in(
            symlink(&mut g, "sub/"),
            &[Errno::Exist],
            "symlink onto dir/",
        );
        let fd = g.open("sub///", 0, READ, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_close(fd))).unwrap();
        rmdir(&mut g, "sub/").unwrap();
        assert!(!sb.join("sub").exists());
        g.path_op("made//", |c, m, a, l| {
            wasi!(c, m, path_create_directory(3, a, l))
        })
        .unwrap();
        g.two_paths("made/", "moved/", |c, m, a, b| {
            wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
        })
        .unwrap();
        assert!(sb.join("moved").is_dir());
        // A new name with a trailing slash cannot be a symbolic link.
        assert_errno_in(
            symlink(&mut g, "target/"),
            &[Errno::Noent],
            "symlink to new/",
        );
        symlink(&mut g, "target").unwrap();
        unlink(&mut g, "target").unwrap();
        // `.` and `..` inside the sandbox are fine; a trailing NUL is not a path.
        let fd = g.open("./sub2/../hello.txt", 0, READ, 0);
        assert_errno_in(fd.map(|_| ()), &[Errno::Noent], "missing middle component");
        std::fs::create_dir(sb.join("d")).unwrap();
        let fd = g.open("d/.//../d/./../hello.txt", 0, READ, 0).unwrap();
        assert_eq!(g.read(fd, 5).unwrap(), b"hello");
        assert_errno_in(
            g.open("hello.txt\0", 0, READ, 0).map(|_| ()),
            &[Errno::Inval, Errno::Ilseq, Errno::Noent],
            "trailing NUL",
        );
    }

    #[test]
    fn symbolic_links_without_following() {
        // wasi-testsuite nofollow_errors, symlink_create, path_link, readlink, dangling_fd.
        let (t, mut g) = sandbox(false);
        let sb = t.path().join("sandbox");
        let symlink = |g: &mut Guest, target: &str, name: &str| {
            g.two_paths(target, name, |c, m, a, b| {
                wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
            })
        };
        let link = |g: &mut Guest, flags: u32, old: &str, new: &str| {
            g.two_paths(old, new, |c, m, a, b| {
                wasi!(c, m, path_link(3, flags, a.0, a.1, 3, b.0, b.1))
            })
        };
        // A link to a directory: not followed, it is neither a directory nor a file to open.
        symlink(&mut g, "sub", "to_dir").unwrap();
        assert_errno_in(
            g.open_at(3, "to_dir", 0, 2, 0, 0).map(|_| ()),
            &[Errno::Loop, Errno::Notdir],
            "O_DIRECTORY | O_NOFOLLOW on a link",
        );
        assert_errno_in(
            g.open_at(3, "to_dir", 0, 0, 0, 0).map(|_| ()),
            &[Errno::Loop, Errno::Acces],
            "O_NOFOLLOW on a link",
        );
        let fd = g.open_at(3, "to_dir", 1, 2, 0, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_close(fd))).unwrap();
        // A link to a file, followed as a directory, is not one.
        assert_errno_in(
            g.open_at(3, "link_in", 1, 2, 0, 0).map(|_| ()),
            &[Errno::Notdir],
            "a file through a link, as a directory",
        );
        // readlink fills at most the buffer and says how much.
        g.mem[BUF as usize..BUF as usize + 16].fill(0xAA);
        g.path_op("link_in", |c, m, p, l| {
            wasi!(c, m, path_readlink(3, p, l, BUF, 4, OUT))
        })
        .unwrap();
        assert_eq!(g.u32_at(OUT), 4);
        assert_eq!(g.bytes(BUF, 5), b"hell\xAA");
        // Hard links: to a dangling link and to a link loop (the links themselves), never onto
        // an existing name, never to a directory, never with a trailing slash.
        symlink(&mut g, "nowhere", "dangling").unwrap();
        link(&mut g, 0, "dangling", "hard").unwrap();
        assert_eq!(
            std::fs::read_link(sb.join("hard")).unwrap(),
            Path::new("nowhere")
        );
        symlink(&mut g, "loop", "loop").unwrap();
        link(&mut g, 0, "loop", "hard_loop").unwrap();
        let refused: [(u32, &str, &str, &[Errno], &str); 6] = [
            (
                0,
                "hello.txt",
                "dangling",
                &[Errno::Exist][..],
                "onto a link",
            ),
            (0, "hello.txt", "hello.txt", &[Errno::Exist][..], "itself"),
            (0, "hello.txt", "sub", &[Errno::Exist][..], "onto a dir"),
            (
                0,
                "sub",
                "dir_link",
                &[Errno::Perm, Errno::Acces][..],
                "a directory",
            ),
            (0, "hello.txt", "new/", &[Errno::Noent][..], "new/"),
            (
                1,
                "dangling",
                "followed",
                &[Errno::Inval, Errno::Noent][..],
                "SYMLINK_FOLLOW",
            ),
        ];
        for (flags, old, new, errnos, what) in refused {
            assert_errno_in(link(&mut g, flags, old, new), errnos, what);
        }
        // An absolute link target is refused.
        assert_errno_in(
            symlink(&mut g, "/", "to_root"),
            &[Errno::Notcapable, Errno::Perm],
            "absolute target",
        );
        // A name opened, unlinked and created again is a new file; the old descriptor works.
        let old = g.open("again.txt", 1, RW, 0).unwrap();
        g.path_op("again.txt", |c, m, p, l| {
            wasi!(c, m, path_unlink_file(3, p, l))
        })
        .unwrap();
        let new = g.open("again.txt", 1, RW, 0).unwrap();
        assert_eq!(g.write(old, b"old"), Ok(3));
        assert_eq!(g.read(new, 10).unwrap(), b"");
    }

    #[test]
    fn a_directory_is_never_opened_for_writing() {
        // POSIX: opening a directory O_WRONLY or O_RDWR is EISDIR; FD_WRITE is that request.
        let (_t, mut g) = sandbox(false);
        let read_write = rights::FD_READ | rights::FD_WRITE;
        assert_eq!(g.open(".", 2, read_write, 0), Err(Errno::Isdir));
        assert_eq!(g.open("sub", 2, rights::FD_WRITE, 0), Err(Errno::Isdir));
        assert_eq!(g.open("sub", 0, read_write, 0), Err(Errno::Isdir));
        assert_eq!(g.open("sub", 0, READ, 1), Err(Errno::Isdir), "append");
        // Reading, or no rights at all, is fine.
        for base in [0, rights::FD_READ, rights::FD_READDIR, rights::DIRECTORY] {
            let fd = g.open(".", 2, base, 0).unwrap();
            g.call(|c, m| wasi!(c, m, fd_fdstat_get(fd, OUT))).unwrap();
            assert_eq!(g.mem[OUT as usize], 3, "a directory");
            g.call(|c, m| wasi!(c, m, fd_close(fd))).unwrap();
        }
        let fd = g.open("sub", 0, READ, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(fd, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 3, "a directory without O_DIRECTORY");
    }

    #[test]
    fn directories_and_readdir_cookies() {
        let (t, mut g) = sandbox(false);
        g.path_op("d", |c, m, p, l| {
            wasi!(c, m, path_create_directory(3, p, l))
        })
        .unwrap();
        assert_eq!(
            g.path_op("d", |c, m, p, l| wasi!(
                c,
                m,
                path_create_directory(3, p, l)
            )),
            Err(Errno::Exist)
        );
        for name in ["d/one", "d/two", "d/three"] {
            let fd = g.open(name, 1, RW, 0).unwrap();
            g.call(|c, m| wasi!(c, m, fd_close(fd))).unwrap();
        }
        let dfd = g.open("d", 2, rights::DIRECTORY, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(dfd, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 3);
        // Read with a small buffer, resuming at each entry's d_next.
        let mut names = Vec::new();
        let mut cookie = 0u64;
        loop {
            g.call(|c, m| wasi!(c, m, fd_readdir(dfd, BUF, 40, cookie, OUT)))
                .unwrap();
            let used = g.u32_at(OUT);
            if used < 24 {
                break;
            }
            let next = g.u64_at(BUF);
            let namlen = g.u32_at(BUF + 16);
            if 24 + namlen > used {
                // Truncated: a real reader would retry with a bigger buffer.
                g.call(|c, m| wasi!(c, m, fd_readdir(dfd, BUF, 1000, cookie, OUT)))
                    .unwrap();
            }
            names.push(String::from_utf8(g.bytes(BUF + 24, namlen).to_vec()).unwrap());
            cookie = next;
        }
        assert_eq!(names, [".", "..", "one", "three", "two"]);
        // A large buffer gets everything; bufused < buf_len means end of directory.
        g.call(|c, m| wasi!(c, m, fd_readdir(dfd, BUF, 4096, 0, OUT)))
            .unwrap();
        let used = g.u32_at(OUT);
        assert_eq!(used, 5 * 24 + 1 + 2 + 3 + 5 + 3);
        // Past the end.
        g.call(|c, m| wasi!(c, m, fd_readdir(dfd, BUF, 4096, 5, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 0);
        // A file is not a directory.
        let ffd = g
            .open("hello.txt", 0, READ | rights::FD_READDIR, 0)
            .unwrap();
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_readdir(ffd, BUF, 100, 0, OUT))),
            Err(Errno::Notdir)
        );
        // Path operations relative to the opened directory.
        g.put(STR, b"one");
        g.call(|c, m| wasi!(c, m, path_filestat_get(dfd, 0, STR, 3, OUT)))
            .unwrap();
        assert_eq!(
            g.path_op("d", |c, m, p, l| wasi!(
                c,
                m,
                path_remove_directory(3, p, l)
            )),
            Err(Errno::Notempty)
        );
        assert_eq!(
            g.path_op("d", |c, m, p, l| wasi!(c, m, path_unlink_file(3, p, l))),
            Err(Errno::Isdir)
        );
        assert_eq!(
            g.path_op("d/one", |c, m, p, l| wasi!(
                c,
                m,
                path_remove_directory(3, p, l)
            )),
            Err(Errno::Notdir)
        );
        for name in ["d/one", "d/two", "d/three"] {
            g.path_op(name, |c, m, p, l| wasi!(c, m, path_unlink_file(3, p, l)))
                .unwrap();
        }
        g.path_op("d", |c, m, p, l| {
            wasi!(c, m, path_remove_directory(3, p, l))
        })
        .unwrap();
        assert!(!t.path().join("sandbox/d").exists());
        // ENOENT and ENOTDIR.
        assert_eq!(g.open("nope", 0, READ, 0), Err(Errno::Noent));
        assert_eq!(g.open("hello.txt/x", 0, READ, 0), Err(Errno::Notdir));
        assert_eq!(g.open("hello.txt", 2, READ, 0), Err(Errno::Notdir));
        assert_eq!(g.open("", 0, READ, 0), Err(Errno::Noent));
        assert_eq!(g.open("sub", 0, RW, 0), Err(Errno::Isdir));
        // Opening a directory without O_DIRECTORY gives a directory descriptor.
        let sfd = g.open("sub", 0, rights::FD_READDIR, 0).unwrap();
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(sfd, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 3);
        // path ops need a directory descriptor
        assert_eq!(g.open_at(1, "x", 0, 0, READ, 0), Err(Errno::Notdir));
        assert_eq!(g.open_at(99, "x", 0, 0, READ, 0), Err(Errno::Badf));
    }

    #[test]
    fn rename_link_symlink() {
        let (t, mut g) = sandbox(false);
        let sb = t.path().join("sandbox");
        g.two_paths("hello.txt", "sub/moved.txt", |c, m, a, b| {
            wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
        })
        .unwrap();
        assert!(sb.join("sub/moved.txt").exists());
        g.two_paths("sub/moved.txt", "linked.txt", |c, m, a, b| {
            wasi!(c, m, path_link(3, 0, a.0, a.1, 3, b.0, b.1))
        })
        .unwrap();
        assert_eq!(
            std::fs::read(sb.join("linked.txt")).unwrap(),
            b"hello, sandbox"
        );
        let (_, _, _) = g.filestat("linked.txt", false).unwrap();
        assert_eq!(g.u64_at(OUT + 24), 2, "two links");
        g.two_paths("linked.txt", "sym", |c, m, a, b| {
            wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
        })
        .unwrap();
        assert_eq!(
            std::fs::read_link(sb.join("sym")).unwrap(),
            Path::new("linked.txt")
        );
        assert_eq!(
            g.two_paths("linked.txt", "sym", |c, m, a, b| {
                wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
            }),
            Err(Errno::Exist)
        );
        // Unlinking a symlink removes the link, not the target.
        g.path_op("sym", |c, m, p, l| wasi!(c, m, path_unlink_file(3, p, l)))
            .unwrap();
        assert!(sb.join("linked.txt").exists());
        // Rename onto a non-empty directory fails.
        assert!(g
            .two_paths("linked.txt", "sub", |c, m, a, b| {
                wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
            })
            .is_err());
        assert_eq!(
            g.two_paths("linked.txt", "other", |c, m, a, b| {
                wasi!(c, m, path_link(3, 1, a.0, a.1, 3, b.0, b.1))
            }),
            Err(Errno::Inval)
        );
    }

    #[test]
    fn read_only_preopen_refuses_every_change() {
        let (t, mut g) = sandbox(true);
        let sb = t.path().join("sandbox");
        let fd = g.open("hello.txt", 0, READ, 0).unwrap();
        assert_eq!(g.read(fd, 5).unwrap(), b"hello");
        assert_eq!(g.write(fd, b"x"), Err(Errno::Notcapable));
        assert_eq!(g.open("hello.txt", 0, RW, 0), Err(Errno::Notcapable));
        assert_eq!(g.open("hello.txt", 0, READ, 1), Err(Errno::Notcapable));
        assert_eq!(g.open("hello.txt", 8, READ, 0), Err(Errno::Notcapable));
        assert_eq!(g.open("new.txt", 1, READ, 0), Err(Errno::Notcapable));
        assert_eq!(
            g.path_op("newdir", |c, m, p, l| wasi!(
                c,
                m,
                path_create_directory(3, p, l)
            )),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.path_op("hello.txt", |c, m, p, l| wasi!(
                c,
                m,
                path_unlink_file(3, p, l)
            )),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.path_op("sub", |c, m, p, l| wasi!(
                c,
                m,
                path_remove_directory(3, p, l)
            )),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.path_op("hello.txt", |c, m, p, l| {
                wasi!(c, m, path_filestat_set_times(3, 1, p, l, 0, 0, 2))
            }),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.two_paths("hello.txt", "x", |c, m, a, b| {
                wasi!(c, m, path_rename(3, a.0, a.1, 3, b.0, b.1))
            }),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.two_paths("hello.txt", "x", |c, m, a, b| {
                wasi!(c, m, path_link(3, 0, a.0, a.1, 3, b.0, b.1))
            }),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.two_paths("hello.txt", "x", |c, m, a, b| {
                wasi!(c, m, path_symlink(a.0, a.1, 3, b.0, b.1))
            }),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_filestat_set_times(3, 0, 0, 2))),
            Err(Errno::Notcapable)
        );
        // A subdirectory opened from it is read-only too.
        assert_eq!(g.open("sub", 2, rights::ALL, 0), Err(Errno::Notcapable));
        let sub = g.open("sub", 2, rights::DIRECTORY, 0).unwrap();
        assert_eq!(g.open_at(sub, "f", 1, 1, READ, 0), Err(Errno::Notcapable));
        g.put(STR, b"x");
        assert_eq!(
            g.call(|c, m| wasi!(c, m, path_create_directory(sub, STR, 1))),
            Err(Errno::Notcapable)
        );
        // And the guest cannot get rights back.
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_fdstat_set_rights(sub, rights::ALL, rights::ALL))),
            Err(Errno::Notcapable)
        );
        assert_eq!(
            std::fs::read(sb.join("hello.txt")).unwrap(),
            b"hello, sandbox"
        );
        assert_eq!(std::fs::read_dir(&sb).unwrap().count(), 5);
    }

    /// A stream backed by a Unix socket, which `poll_oneoff` waits on through its host fd.
    struct PipeIn(std::os::unix::net::UnixStream);

    impl super::super::WasiStream for PipeIn {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
            use std::io::Read;
            self.0.read(buf).map_err(|_| Errno::Io)
        }

        fn read_ready(&mut self) -> Result<Option<u64>, Errno> {
            Ok(None)
        }

        fn host_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
            use std::os::fd::AsFd;
            Some(self.0.as_fd())
        }
    }

    #[test]
    fn poll_waits_on_host_streams() {
        use std::io::Write;
        let (mut tx, rx) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut g = Guest::new(WasiCtx::builder().stdin(PipeIn(rx)).build().unwrap());
        // Nothing to read yet: the 10 ms clock fires first.
        super::put_sub_fd(&mut g, STR, 1, true, 0);
        super::put_sub_clock(&mut g, STR + 48, 2, 1, 10_000_000, 0);
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 2, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF), 2);
        // Data arrives from another thread while the guest waits.
        let writer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            tx.write_all(b"data").unwrap();
            tx
        });
        super::put_sub_clock(&mut g, STR + 48, 2, 1, 10_000_000_000, 0);
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 2, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF), 1);
        assert_eq!(g.read(0, 10).unwrap(), b"data");
        // The writer hangs up: poll reports the descriptor (a read then sees end of stream)
        // instead of spinning.
        drop(writer.join().unwrap());
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 2, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF), 1);
        assert_eq!(g.read(0, 10).unwrap(), b"");
    }

    #[test]
    fn sockets_on_loopback() {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let ctx = WasiCtx::builder()
            .preopen_tcp_listener(listener)
            .build()
            .unwrap();
        let mut g = Guest::new(ctx);
        // The listener is fd 3 (no preopened directories), and is not a preopen.
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_prestat_get(3, OUT))),
            Err(Errno::Badf)
        );
        g.call(|c, m| wasi!(c, m, fd_fdstat_get(3, OUT))).unwrap();
        assert_eq!(g.mem[OUT as usize], 6);
        // Non-blocking accept with nobody connecting.
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(3, 4)))
            .unwrap();
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_accept(3, 0, OUT))),
            Err(Errno::Again)
        );
        g.call(|c, m| wasi!(c, m, fd_fdstat_set_flags(3, 0)))
            .unwrap();
        let client = std::thread::spawn(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"ping").unwrap();
            let mut buf = [0u8; 4];
            s.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"pong");
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).unwrap();
            rest
        });
        // Wait with poll_oneoff for the connection.
        super::put_sub_fd(&mut g, STR, 9, true, 3);
        g.call(|c, m| wasi!(c, m, poll_oneoff(STR, BUF, 1, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF), 9);
        g.call(|c, m| wasi!(c, m, sock_accept(3, 0, OUT))).unwrap();
        let conn = g.u32_at(OUT);
        assert_eq!(conn, 4);
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_accept(3, 2, OUT))),
            Err(Errno::Inval)
        );
        // Peek, then receive.
        g.iov(BUF, 4);
        g.call(|c, m| wasi!(c, m, sock_recv(conn, IOV, 1, 1 | 2, OUT, OUT + 4)))
            .unwrap_or(());
        g.call(|c, m| wasi!(c, m, sock_recv(conn, IOV, 1, 2, OUT, OUT + 4)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 4);
        assert_eq!(g.bytes(BUF, 4), b"ping");
        g.put(BUF, b"pong");
        g.iov(BUF, 4);
        g.call(|c, m| wasi!(c, m, sock_send(conn, IOV, 1, 0, OUT)))
            .unwrap();
        assert_eq!(g.u32_at(OUT), 4);
        assert_eq!(g.write(conn, b"!bye"), Ok(4));
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_shutdown(conn, 0))),
            Err(Errno::Inval)
        );
        g.call(|c, m| wasi!(c, m, sock_shutdown(conn, 2))).unwrap();
        assert_eq!(client.join().unwrap(), b"!bye");
        // Socket calls on things that are not sockets.
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_shutdown(1, 3))),
            Err(Errno::Notsock)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_accept(1, 0, OUT))),
            Err(Errno::Notsock)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_shutdown(3, 3))),
            Err(Errno::Notsock)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, sock_accept(conn, 0, OUT))),
            Err(Errno::Inval)
        );
        assert_eq!(
            g.call(|c, m| wasi!(c, m, fd_seek(conn, 0, 0, OUT))),
            Err(Errno::Notcapable)
        );
        g.call(|c, m| wasi!(c, m, fd_close(conn))).unwrap();
    }
}

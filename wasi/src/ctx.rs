//! The WASI state of one guest: its arguments, environment, file descriptor table and platform.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::backend::{Active, Backend, HostObject, Object};
use crate::capabilities::{EnvVar, PreopenDir, WasiCapabilities};
#[cfg(not(feature = "std"))]
use crate::platform::NoPlatform;
use crate::platform::{NullStream, WasiPlatform, WasiStream};
use crate::types::{rights, Errno, Filetype, WasiResult};
use wrt::Error;

/// What a guest file descriptor refers to.
#[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
pub(crate) enum Kind {
    /// A byte stream (standard input/output/error or one the embedder added).
    Stream(Box<dyn WasiStream>),
    /// A file, directory or socket of the host (an empty type in builds without host support).
    Host(Object),
}

/// One open file descriptor.
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
    pub(crate) flags: u16,
    /// For preopened directories: the name the guest sees.
    pub(crate) preopen: Option<String>,
    /// For directories: nothing below may be changed, whatever rights the descriptor claims
    /// (a read-only preopen, and every directory opened beneath it).
    pub(crate) read_only: bool,
}

/// `ENOTCAPABLE` unless `held` includes every right in `required`.
pub(crate) fn require(held: u64, required: u64) -> WasiResult<()> {
    if held & required == required {
        Ok(())
    } else {
        Err(Errno::Notcapable)
    }
}

impl Entry {
    pub(crate) fn new(kind: Kind, rights_base: u64, rights_inheriting: u64) -> Self {
        Entry {
            kind,
            rights_base,
            rights_inheriting,
            flags: 0,
            preopen: None,
            read_only: false,
        }
    }

    /// `ENOTCAPABLE` unless every right in `required` is held.
    pub(crate) fn require(&self, required: u64) -> WasiResult<()> {
        require(self.rights_base, required)
    }

    pub(crate) fn filetype(&self) -> Filetype {
        match &self.kind {
            Kind::Stream(s) => s.filetype(),
            Kind::Host(h) => h.filetype(),
        }
    }
}

/// The default limit on open file descriptors per guest.
pub const DEFAULT_MAX_OPEN_FDS: usize = 1024;

/// The WASI state of one guest. Build it with [`WasiCtx::builder`], put it in the store's data,
/// and add the functions with [`add_to_linker`](crate::add_to_linker).
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<String>,
    pub(crate) table: BTreeMap<u32, Entry>,
    pub(crate) platform: Box<dyn WasiPlatform>,
    pub(crate) exit_allowed: bool,
    pub(crate) max_open_fds: usize,
    /// Where each call is traced ([`WasiCtxBuilder::trace`]), if anywhere.
    pub(crate) trace: Option<Box<dyn WasiStream>>,
    /// The guest's last write to standard error did not end its line.
    pub(crate) trace_line_open: bool,
    /// False: path calls answer as in a build without host filesystem support
    /// ([`WasiCtxBuilder::host_filesystem`]).
    pub(crate) host_filesystem: bool,
}

impl core::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args)
            .field("env", &self.env)
            .field("open_fds", &self.table.keys().collect::<Vec<_>>())
            .field("exit_allowed", &self.exit_allowed)
            .finish_non_exhaustive()
    }
}

impl WasiCtx {
    /// A builder with no capabilities and standard streams that read nothing and discard
    /// output.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The arguments the guest sees (empty unless `args_access` was granted).
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The environment the guest sees, as `NAME=VALUE` strings.
    pub fn env(&self) -> &[String] {
        &self.env
    }

    /// Whether `proc_exit` may end the program.
    pub fn exit_allowed(&self) -> bool {
        self.exit_allowed
    }

    /// Adds `stream` as a new file descriptor with read and/or write rights and returns the
    /// descriptor number.
    pub fn push_stream(
        &mut self,
        stream: Box<dyn WasiStream>,
        readable: bool,
        writable: bool,
    ) -> Result<u32, Error> {
        let mut base = rights::FD_FDSTAT_SET_FLAGS | rights::FD_FILESTAT_GET;
        base |= rights::POLL_FD_READWRITE;
        if readable {
            base |= rights::FD_READ;
        }
        if writable {
            base |= rights::FD_WRITE;
        }
        self.insert(Entry::new(Kind::Stream(stream), base, 0))
            .map_err(|e| Error::host(format!("cannot add a stream: {e}")))
    }

    /// Whether calls are traced.
    pub(crate) fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Writes one line of the trace (a failing trace stream is not the guest's problem), on a
    /// line of its own when the guest left a line open on standard error.
    pub(crate) fn trace(&mut self, line: &str) {
        let line_break = core::mem::take(&mut self.trace_line_open);
        if let Some(out) = &mut self.trace {
            if line_break {
                let _ = out.write(b"\n");
            }
            let mut rest = line.as_bytes();
            while !rest.is_empty() {
                match out.write(rest) {
                    Ok(n) if n > 0 => rest = rest.get(n..).unwrap_or_default(),
                    _ => break,
                }
            }
            let _ = out.flush();
        }
    }

    /// Flushes every stream (standard output and error included).
    pub fn flush(&mut self) {
        for entry in self.table.values_mut() {
            if let Kind::Stream(s) = &mut entry.kind {
                let _ = s.flush();
            }
        }
    }

    pub(crate) fn entry(&self, fd: u32) -> WasiResult<&Entry> {
        self.table.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn entry_mut(&mut self, fd: u32) -> WasiResult<&mut Entry> {
        self.table.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// Puts `entry` at the lowest free descriptor number.
    pub(crate) fn insert(&mut self, entry: Entry) -> WasiResult<u32> {
        if self.table.len() >= self.max_open_fds {
            return Err(Errno::Mfile);
        }
        let mut fd = 0u32;
        for &used in self.table.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.table.insert(fd, entry);
        Ok(fd)
    }
}

/// Builds a [`WasiCtx`]: capabilities, arguments, standard streams, platform and sockets.
///
/// ```no_run
/// # #[cfg(feature = "std")] {
/// use wrt_wasi::{WasiCapabilities, WasiCtx};
///
/// let mut capabilities = WasiCapabilities::default();
/// capabilities.filesystem.add_allowed_path_as("/tmp/work", "/");
/// capabilities.environment.args_access = true;
/// capabilities.process.exit_allowed = true;
/// let ctx = WasiCtx::builder()
///     .capabilities(capabilities)
///     .args(["app.wasm", "--verbose"])
///     .inherit_stdio()
///     .build()
///     .unwrap();
/// # }
/// ```
pub struct WasiCtxBuilder {
    /// What the guest may use.
    pub capabilities: WasiCapabilities,
    args: Vec<String>,
    stdin: Option<Box<dyn WasiStream>>,
    stdout: Option<Box<dyn WasiStream>>,
    stderr: Option<Box<dyn WasiStream>>,
    platform: Option<Box<dyn WasiPlatform>>,
    max_open_fds: usize,
    trace: Option<Box<dyn WasiStream>>,
    host_filesystem: bool,
    #[cfg(all(feature = "std", unix))]
    listeners: Vec<std::net::TcpListener>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for WasiCtxBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasiCtxBuilder")
            .field("capabilities", &self.capabilities)
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

/// The builder's setters of the standard streams, each a field of the same name.
macro_rules! stream_setters {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&mut self, stream: impl WasiStream + 'static) -> &mut Self {
                self.$name = Some(Box::new(stream));
                self
            }
        )*
    };
}

impl WasiCtxBuilder {
    /// No capabilities, null standard streams, and the default platform (the host's clocks and
    /// entropy with `std`, none without).
    pub fn new() -> Self {
        WasiCtxBuilder {
            capabilities: WasiCapabilities::default(),
            args: Vec::new(),
            stdin: None,
            stdout: None,
            stderr: None,
            platform: None,
            max_open_fds: DEFAULT_MAX_OPEN_FDS,
            trace: None,
            host_filesystem: Active::FILESYSTEM,
            #[cfg(all(feature = "std", unix))]
            listeners: Vec::new(),
        }
    }

    /// Replaces the capabilities.
    pub fn capabilities(&mut self, capabilities: WasiCapabilities) -> &mut Self {
        self.capabilities = capabilities;
        self
    }

    /// The capabilities, to change in place.
    pub fn capabilities_mut(&mut self) -> &mut WasiCapabilities {
        &mut self.capabilities
    }

    /// Appends one argument (the first is the program name, `argv[0]`). The guest sees
    /// arguments only when `capabilities.environment.args_access` is true.
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    stream_setters! {
        /// Standard input (descriptor 0).
        stdin;
        /// Standard output (descriptor 1).
        stdout;
        /// Standard error (descriptor 2).
        stderr;
    }

    /// Clocks, entropy and sleeping.
    pub fn platform(&mut self, platform: impl WasiPlatform + 'static) -> &mut Self {
        self.platform = Some(Box::new(platform));
        self
    }

    /// The most descriptors the guest may have open at once (`EMFILE` beyond).
    pub fn max_open_fds(&mut self, max: usize) -> &mut Self {
        self.max_open_fds = max;
        self
    }

    /// Traces the guest's WASI calls to `stream`, one line each, like `strace`: the function,
    /// its arguments (strings as the guest passed them), the errno, and on success the values
    /// it wrote back. Every line starts with `wasi: `; the first one, written by
    /// [`build`](Self::build), lists what the guest was granted.
    ///
    /// ```text
    /// wasi: granted: 1 argument ["app.wasm"], 0 environment variables, directories [3 "/data" (host /srv/data, read-only)], proc_exit allowed
    /// wasi: path_open(fd=3, dirflags=0x1, path="out.txt", oflags=0x1, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0x0) = 76 ENOTCAPABLE (Extension: capabilities insufficient)
    /// ```
    pub fn trace(&mut self, stream: impl WasiStream + 'static) -> &mut Self {
        self.trace = Some(Box::new(stream));
        self
    }

    /// With `false`, the guest gets no filesystem at all, exactly as in a build of wrt-wasi
    /// without host filesystem support (no `std`, or not Unix): granting a directory makes
    /// [`build`](Self::build) fail, and every path call answers `ENOTCAPABLE` (`EBADF` for a
    /// descriptor that is not open), the standard streams included. This is how an embedder
    /// (or `wrtd --no-std`) reproduces a bare-metal build on a host. The default is `true` in
    /// builds with host support; in the others there is no filesystem either way.
    pub fn host_filesystem(&mut self, enabled: bool) -> &mut Self {
        self.host_filesystem = enabled && Active::FILESYSTEM;
        self
    }

    /// The standard input, output and error of this process.
    #[cfg(feature = "std")]
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// This process's standard input.
    #[cfg(feature = "std")]
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin(crate::std_platform::Stdin::new())
    }

    /// This process's standard output.
    #[cfg(feature = "std")]
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout(crate::std_platform::Stdout)
    }

    /// This process's standard error.
    #[cfg(feature = "std")]
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr(crate::std_platform::Stderr)
    }

    /// Grants the guest a listening TCP socket: it gets the next descriptor after the
    /// preopened directories and can `sock_accept` connections on it.
    #[cfg(all(feature = "std", unix))]
    pub fn preopen_tcp_listener(&mut self, listener: std::net::TcpListener) -> &mut Self {
        self.listeners.push(listener);
        self
    }

    /// Opens the preopened directories and produces the context. Fails when a directory cannot
    /// be opened, or when directories are granted in a build without host filesystem support.
    ///
    /// The standard streams, the platform and the sockets move into the context; building
    /// again from the same builder gives null streams, the default platform and no sockets.
    pub fn build(&mut self) -> Result<WasiCtx, Error> {
        let caps = &self.capabilities;
        let args = if caps.environment.args_access {
            self.args.clone()
        } else {
            Vec::new()
        };
        let mut env: Vec<(String, String)> = Vec::new();
        if caps.environment.environ_access {
            for var in caps.environment.vars() {
                let (name, value) = match var {
                    EnvVar::Value(name, value) => (name.clone(), value.clone()),
                    EnvVar::Inherit(name) => match host_var(name) {
                        Some(value) => (name.clone(), value),
                        None => continue,
                    },
                };
                if name.is_empty() || name.contains('=') || name.contains('\0') {
                    return Err(Error::host(format!(
                        "invalid environment variable name {name:?}"
                    )));
                }
                if value.contains('\0') {
                    return Err(Error::host(format!(
                        "environment variable {name} contains a NUL byte"
                    )));
                }
                env.retain(|(n, _)| *n != name);
                env.push((name, value));
            }
        }
        if let Some(bad) = args.iter().find(|a| a.contains('\0')) {
            return Err(Error::host(format!("argument {bad:?} contains a NUL byte")));
        }

        let platform = match self.platform.take() {
            Some(p) => p,
            None => default_platform(),
        };
        let mut ctx = WasiCtx {
            args,
            env: env.into_iter().map(|(n, v)| format!("{n}={v}")).collect(),
            table: BTreeMap::new(),
            platform,
            exit_allowed: caps.process.exit_allowed,
            max_open_fds: self.max_open_fds.max(3),
            trace: self.trace.take(),
            trace_line_open: false,
            host_filesystem: self.host_filesystem,
        };
        let stdio = [
            (self.stdin.take(), true, false),
            (self.stdout.take(), false, true),
            (self.stderr.take(), false, true),
        ];
        for (stream, readable, writable) in stdio {
            let stream: Box<dyn WasiStream> = stream.unwrap_or_else(|| Box::new(NullStream));
            ctx.push_stream(stream, readable, writable)?;
        }

        for preopen in self.capabilities.filesystem.preopens() {
            let entry = preopen_entry(preopen, self.host_filesystem)?;
            ctx.insert(entry)
                .map_err(|e| Error::host(format!("too many preopened directories: {e}")))?;
        }
        // The descriptors of the granted sockets, for the trace.
        #[cfg_attr(not(all(feature = "std", unix)), allow(unused_mut))]
        let mut sockets: Vec<u32> = Vec::new();
        #[cfg(all(feature = "std", unix))]
        for listener in self.listeners.drain(..) {
            let socket = crate::backend::capstd::listener(listener)?;
            let entry = Entry::new(Kind::Host(socket), rights::LISTENER, rights::SOCKET);
            let fd = ctx
                .insert(entry)
                .map_err(|e| Error::host(format!("too many sockets: {e}")))?;
            sockets.push(fd);
        }
        if ctx.tracing() {
            let line = self.granted(&ctx, &sockets);
            ctx.trace(&line);
        }
        Ok(ctx)
    }

    /// The first trace line: what the guest may use, so that a missing grant shows.
    fn granted(&self, ctx: &WasiCtx, sockets: &[u32]) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "{}granted: {} {:?}, {}",
            crate::trace::PREFIX,
            plural(ctx.args.len(), "argument", "arguments"),
            ctx.args,
            plural(
                ctx.env.len(),
                "environment variable",
                "environment variables"
            ),
        );
        let names: Vec<&str> = ctx
            .env
            .iter()
            .map(|v| v.split_once('=').map_or(v.as_str(), |(n, _)| n))
            .collect();
        if !names.is_empty() {
            line.push_str(&format!(" [{}]", names.join(", ")));
        }
        let preopens = self.capabilities.filesystem.preopens();
        let dirs: Vec<String> = ctx
            .table
            .iter()
            .filter_map(|(fd, e)| e.preopen.as_ref().map(|name| (fd, name)))
            .zip(preopens)
            .map(|((fd, name), p)| {
                let access = if p.read_only {
                    "read-only"
                } else {
                    "read-write"
                };
                format!("{fd} {name:?} (host {}, {access})", p.host_path)
            })
            .collect();
        if dirs.is_empty() {
            line.push_str(", no directories");
        } else {
            line.push_str(&format!(", directories [{}]", dirs.join(", ")));
        }
        if !sockets.is_empty() {
            let fds: Vec<String> = sockets.iter().map(|fd| format!("{fd}")).collect();
            line.push_str(&format!(", listening sockets [{}]", fds.join(", ")));
        }
        line.push_str(if ctx.exit_allowed {
            ", proc_exit allowed\n"
        } else {
            ", proc_exit not allowed\n"
        });
        line
    }
}

/// Opens a preopened directory for the guest, with the rights its grant gives. `filesystem`:
/// the context has host filesystem access ([`WasiCtxBuilder::host_filesystem`]).
fn preopen_entry(p: &PreopenDir, filesystem: bool) -> Result<Entry, Error> {
    if !Active::FILESYSTEM {
        return Err(Error::host(format!(
            "cannot grant access to {}: this build of wrt has no host filesystem support \
             (WASI filesystem access needs the `std` feature on a Unix host)",
            p.host_path
        )));
    }
    if !filesystem {
        return Err(Error::host(format!(
            "cannot grant access to {}: this WASI context has no host filesystem \
             (host_filesystem(false))",
            p.host_path
        )));
    }
    if p.guest_path.is_empty() || p.guest_path.contains('\0') {
        return Err(Error::host(format!(
            "invalid guest path {:?} for directory {}",
            p.guest_path, p.host_path
        )));
    }
    let dir = Active::open_dir(&p.host_path)?;
    let (base, inheriting) = if p.read_only {
        (
            rights::DIRECTORY & !rights::DIRECTORY_WRITE,
            (rights::DIRECTORY | rights::FILE) & !(rights::DIRECTORY_WRITE | rights::FILE_WRITE),
        )
    } else {
        (rights::DIRECTORY, rights::DIRECTORY | rights::FILE)
    };
    let mut entry = Entry::new(Kind::Host(dir), base, inheriting);
    entry.preopen = Some(String::from(p.guest_path.as_str()));
    entry.read_only = p.read_only;
    Ok(entry)
}

#[cfg(feature = "std")]
fn host_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(not(feature = "std"))]
fn host_var(_name: &str) -> Option<String> {
    None
}

#[cfg(feature = "std")]
fn default_platform() -> Box<dyn WasiPlatform> {
    Box::new(crate::std_platform::StdPlatform::new())
}

#[cfg(not(feature = "std"))]
fn default_platform() -> Box<dyn WasiPlatform> {
    Box::new(NoPlatform)
}

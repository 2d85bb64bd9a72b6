//! The 46 functions of `wasi_snapshot_preview1` and how they are added to a [`Linker`].
//!
//! Each function is a [`WasiCtx`] method in the file of its area (`args_env`, `clocks`, `fd`,
//! `path`, `poll`, `proc`, `random`, `sock`). It decodes its guest arguments, checks rights,
//! does the work (through the [backend](crate::backend) for files, directories and sockets) and
//! encodes results exactly as the witx lays them out. Errors are [`Errno`] values for the guest;
//! only `proc_exit` and `proc_raise` end the call with a host [`Error`].
//!
//! `preview1_functions!` (below) lists every function once, with its typed parameters; the wasm
//! signatures, the argument decoding and the linker definitions are derived from that list, and
//! the compiler checks each entry against its method.

mod args_env;
mod clocks;
mod fd;
mod path;
mod poll;
mod proc;
mod random;
mod sock;

use args_env::Strings;
use clocks::ClockReading;
use path::{PathChange, TwoPaths};

use alloc::format;

use crate::backend::Transfer;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::trace;
use crate::types::{fstflags, layout, rights, Errno, Filestat, TimeSpec, WasiResult};
use wrt::{Caller, Error, FuncType, Linker, Val, ValType, WasmTy};

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A Rust type a WASI function takes for one wasm parameter: `u32` for every `i32` (pointers,
/// lengths, descriptors, flags), `u64` for unsigned `i64`s (offsets, timestamps, rights), `i64`
/// for `$filedelta`. Values are decoded as for typed host functions ([`WasmTy`]); `TYPE` is the
/// wasm type as a constant, for the table.
trait Param: WasmTy {
    const TYPE: ValType;
}

impl Param for u32 {
    const TYPE: ValType = ValType::I32;
}

impl Param for u64 {
    const TYPE: ValType = ValType::I64;
}

impl Param for i64 {
    const TYPE: ValType = ValType::I64;
}

/// The next argument of the function `name`, as a `P`.
fn param<P: Param>(args: &mut core::slice::Iter<'_, Val>, name: &str) -> Result<P, Error> {
    args.next()
        .and_then(P::from_val)
        .ok_or_else(|| wrong_arguments(name))
}

/// What a WASI function's handler returns, and what the guest gets from it.
trait Outcome {
    /// The wasm results: the errno, or nothing for a function that never returns.
    const RESULTS: &'static [ValType];
    /// The errno to return to the guest, or the error that ends the call.
    fn finish(self) -> Result<Option<Errno>, Error>;
}

/// Most functions: success or an errno.
impl Outcome for WasiResult<()> {
    const RESULTS: &'static [ValType] = &[ValType::I32];
    fn finish(self) -> Result<Option<Errno>, Error> {
        Ok(Some(match self {
            Ok(()) => Errno::Success,
            Err(e) => e,
        }))
    }
}

/// `proc_raise`: an errno, or a signal that ends the call.
impl Outcome for Result<Errno, Error> {
    const RESULTS: &'static [ValType] = &[ValType::I32];
    fn finish(self) -> Result<Option<Errno>, Error> {
        self.map(Some)
    }
}

/// `proc_exit`: never returns to the guest.
impl Outcome for Error {
    const RESULTS: &'static [ValType] = &[];
    fn finish(self) -> Result<Option<Errno>, Error> {
        Err(self)
    }
}

type Handler = fn(&mut WasiCtx, &mut GuestMemory<'_>, &[Val]) -> Result<Option<Errno>, Error>;

/// One function of the table.
struct Def {
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    call: Handler,
}

/// Declares the functions of `wasi_snapshot_preview1`, each once: its name, `[mem]` when the
/// method takes the guest memory, its parameters with their Rust types, when it is not
/// `WasiResult<()>` what the method returns, and, when the function shares its `WasiCtx` method
/// with others, `=> method(arguments)` (otherwise the method has the function's name and takes
/// the parameters as they are). Builds `FUNCTIONS`, from which the linker definitions and their
/// types come.
macro_rules! preview1_functions {
    ($($name:ident $([$mem:ident])? ($($arg:ident: $ty:ty),*) $(-> $ret:ty)?
        $(=> $method:ident($($shared:expr),*))?;)*) => {
        /// The parameters of each function that has a method of its own, as the guest passed
        /// them (a struct named after the function).
        pub(crate) mod args {
            $(preview1_functions!(@args $name($($arg: $ty),*) $(=> $method)?);)*
        }

        const FUNCTIONS: &[Def] = &[$(
            Def {
                name: stringify!($name),
                params: &[$(<$ty as Param>::TYPE),*],
                results: <preview1_functions!(@ret $($ret)?) as Outcome>::RESULTS,
                call: |cx, mem, args| {
                    let mut vals = args.iter();
                    $(let $arg: $ty = param(&mut vals, stringify!($name))?;)*
                    if vals.next().is_some() {
                        return Err(wrong_arguments(stringify!($name)));
                    }
                    let out: preview1_functions!(@ret $($ret)?) = preview1_functions!(
                        @call cx mem [$($mem)?] $name($($arg),*) $(=> $method($($shared),*))?
                    );
                    out.finish()
                },
            },
        )*];
    };
    (@ret) => { WasiResult<()> };
    (@ret $ret:ty) => { $ret };
    (@args $name:ident($($arg:ident: $ty:ty),*)) => {
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name {
            $(pub(crate) $arg: $ty,)*
        }
    };
    (@args $name:ident($($arg:ident: $ty:ty),*) => $method:ident) => {};
    (@call $cx:ident $m:ident [$($mem:ident)?] $name:ident($($arg:ident),*)) => {
        preview1_functions!(@invoke $cx $m [$($mem)?] $name(args::$name { $($arg),* }))
    };
    (@call $cx:ident $m:ident [$($mem:ident)?] $name:ident($($arg:ident),*)
        => $method:ident($($e:expr),*)) => {
        preview1_functions!(@invoke $cx $m [$($mem)?] $method($($e),*))
    };
    (@invoke $cx:ident $m:ident [] $method:ident($($e:expr),*)) => {{
        let _ = $m;
        $cx.$method($($e),*)
    }};
    (@invoke $cx:ident $m:ident [$mem:ident] $method:ident($($e:expr),*)) => {
        $cx.$method($m, $($e),*)
    };
}

// Every function, in witx order.
preview1_functions! {
    args_get[mem](argv: u32, buf: u32) => strings_get(Strings::Args, argv, buf);
    args_sizes_get[mem](argc: u32, size: u32) => strings_sizes_get(Strings::Args, argc, size);
    environ_get[mem](environ: u32, buf: u32) => strings_get(Strings::Env, environ, buf);
    environ_sizes_get[mem](count: u32, size: u32)
        => strings_sizes_get(Strings::Env, count, size);
    clock_res_get[mem](id: u32, out: u32) => clock_get(ClockReading::Resolution, id, out);
    clock_time_get[mem](id: u32, _precision: u64, out: u32)
        => clock_get(ClockReading::Time, id, out);
    fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
    fd_allocate(fd: u32, offset: u64, len: u64);
    fd_close(fd: u32);
    fd_datasync(fd: u32) => sync(fd, rights::FD_DATASYNC, true);
    fd_fdstat_get[mem](fd: u32, out: u32);
    fd_fdstat_set_flags(fd: u32, flags: u32);
    fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
    fd_filestat_get[mem](fd: u32, out: u32);
    fd_filestat_set_size(fd: u32, size: u64);
    fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32);
    fd_pread[mem](fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32)
        => transfer(Transfer::Read, fd, iovs, iovs_len, Some(offset), nread);
    fd_prestat_get[mem](fd: u32, out: u32);
    fd_prestat_dir_name[mem](fd: u32, path: u32, len: u32);
    fd_pwrite[mem](fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32)
        => transfer(Transfer::Write, fd, iovs, iovs_len, Some(offset), nwritten);
    fd_read[mem](fd: u32, iovs: u32, iovs_len: u32, nread: u32)
        => transfer(Transfer::Read, fd, iovs, iovs_len, None, nread);
    fd_readdir[mem](fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
    fd_renumber(from: u32, to: u32);
    fd_seek[mem](fd: u32, offset: i64, whence: u32, out: u32);
    fd_sync(fd: u32) => sync(fd, rights::FD_SYNC, false);
    fd_tell[mem](fd: u32, out: u32);
    fd_write[mem](fd: u32, iovs: u32, iovs_len: u32, nwritten: u32)
        => transfer(Transfer::Write, fd, iovs, iovs_len, None, nwritten);
    path_create_directory[mem](fd: u32, path: u32, len: u32)
        => path_change(fd, path, len, PathChange::CreateDirectory);
    path_filestat_get[mem](fd: u32, flags: u32, path: u32, len: u32, out: u32);
    path_filestat_set_times[mem](
        fd: u32, flags: u32, path: u32, len: u32, atim: u64, mtim: u64, fst: u32
    );
    path_link[mem](
        old_fd: u32, old_flags: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32,
        new_len: u32
    ) => path_link_or_rename(
        TwoPaths::Link { old_flags }, old_fd, old_path, old_len, new_fd, new_path, new_len
    );
    path_open[mem](
        fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64,
        fdflags: u32, out: u32
    );
    path_readlink[mem](fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, bufused: u32);
    path_remove_directory[mem](fd: u32, path: u32, len: u32)
        => path_change(fd, path, len, PathChange::RemoveDirectory);
    path_rename[mem](
        fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32
    ) => path_link_or_rename(TwoPaths::Rename, fd, old_path, old_len, new_fd, new_path, new_len);
    path_symlink[mem](old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
    path_unlink_file[mem](fd: u32, path: u32, len: u32)
        => path_change(fd, path, len, PathChange::UnlinkFile);
    poll_oneoff[mem](input: u32, output: u32, n: u32, nevents: u32);
    proc_exit(code: u32) -> Error;
    proc_raise(sig: u32) -> Result<Errno, Error>;
    sched_yield();
    random_get[mem](buf: u32, len: u32);
    sock_accept[mem](fd: u32, flags: u32, out: u32);
    sock_recv[mem](
        fd: u32, iovs: u32, iovs_len: u32, ri_flags: u32, datalen: u32, roflags: u32
    );
    sock_send[mem](fd: u32, iovs: u32, iovs_len: u32, si_flags: u32, datalen: u32);
    sock_shutdown(fd: u32, how: u32);
}

/// The engine checks arguments against the function type before a host function runs, so this
/// is an internal error, not something a guest can cause.
fn wrong_arguments(name: &str) -> Error {
    Error::host(format!(
        "internal error: {MODULE}::{name} received arguments that do not match its type"
    ))
}

/// The names of every function [`add_to_linker`] defines, in witx order.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|d| d.name)
}

fn func_type(d: &Def) -> FuncType {
    FuncType::new(d.params.iter().copied(), d.results.iter().copied())
}

/// The number of wasm parameters of every function, for checks elsewhere.
#[cfg(test)]
pub(crate) fn function_arities() -> impl Iterator<Item = (&'static str, usize)> {
    FUNCTIONS.iter().map(|d| (d.name, d.params.len()))
}

/// Runs the function `name` of the table with `args` (each the bits of its wasm value), as
/// `dispatch` does, for unit tests that call functions the table shares a method between.
#[cfg(test)]
pub(crate) fn call_by_name(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    name: &str,
    args: &[u64],
) -> WasiResult<()> {
    let d = FUNCTIONS.iter().find(|d| d.name == name).unwrap();
    let vals: alloc::vec::Vec<Val> = d
        .params
        .iter()
        .zip(args)
        .map(|(t, &a)| match t {
            ValType::I64 => Val::I64(a as i64),
            _ => Val::I32(a as u32 as i32),
        })
        .collect();
    assert_eq!(vals.len(), args.len(), "{name}: wrong number of arguments");
    match (d.call)(cx, mem, &vals).unwrap() {
        Some(Errno::Success) => Ok(()),
        Some(errno) => Err(errno),
        None => panic!("{name} does not return"),
    }
}

/// Runs one WASI function for a call from wasm (and traces it when the context asks).
fn dispatch<T>(
    d: &Def,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx,
    mut caller: Caller<'_, T>,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Error> {
    let memory = caller.memory();
    let (bytes, data): (&mut [u8], &mut T) = match memory {
        Some(m) => m.data_and_store_mut(&mut caller)?,
        None => (&mut [], caller.data_mut()),
    };
    let ctx = get_cx(data);
    let mut mem = GuestMemory::new(bytes);
    let traced = ctx
        .tracing()
        .then(|| trace::Call::start(d.name, params, &mem));
    let outcome = (d.call)(ctx, &mut mem, params);
    if let Some(call) = traced {
        let line = match &outcome {
            Ok(errno) => {
                let errno = errno.unwrap_or(Errno::Success);
                if errno == Errno::Success {
                    if let Some(open) = trace::stderr_left_open(d.name, params, &mem) {
                        ctx.trace_line_open = open;
                    }
                }
                call.finish(errno, &mem)
            }
            Err(e) => call.ended(e),
        };
        ctx.trace(&line);
    }
    if let Some(errno) = outcome? {
        if let Some(slot) = results.first_mut() {
            *slot = Val::I32(i32::from(errno.raw()));
        }
    }
    Ok(())
}

/// Defines every `wasi_snapshot_preview1` function in `linker`. `get_cx` finds the [`WasiCtx`]
/// in the store's data (`|data| data` when the data is the context itself, `|s| &mut s.wasi`
/// for a field).
///
/// Guest pointers are read from the calling instance's export named `memory`; a module without
/// one gets `EFAULT` from every function that takes a pointer.
///
/// `proc_exit(n)` ends the call with an error of kind
/// [`ErrorKind::Exit(n)`](wrt::ErrorKind::Exit) when the context allows it and with a trap
/// otherwise.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<(), Error> {
    for d in FUNCTIONS {
        linker.func_new(
            MODULE,
            d.name,
            func_type(d),
            move |caller, params, results| dispatch(d, get_cx, caller, params, results),
        )?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------ shared helpers

/// Decodes `$fstflags` and the two timestamps; both `X` and `X_NOW` is `EINVAL`.
pub(crate) fn time_specs(atim: u64, mtim: u64, flags: u16) -> WasiResult<(TimeSpec, TimeSpec)> {
    if flags & !fstflags::ALL != 0 {
        return Err(Errno::Inval);
    }
    let one = |set: u16, now: u16, value: u64| -> WasiResult<TimeSpec> {
        match (flags & set != 0, flags & now != 0) {
            (true, true) => Err(Errno::Inval),
            (true, false) => Ok(TimeSpec::At(value)),
            (false, true) => Ok(TimeSpec::Now),
            (false, false) => Ok(TimeSpec::Keep),
        }
    };
    Ok((
        one(fstflags::ATIM, fstflags::ATIM_NOW, atim)?,
        one(fstflags::MTIM, fstflags::MTIM_NOW, mtim)?,
    ))
}

/// Stores one field of a guest structure being laid out in `buf`: its little-endian `bytes` at
/// offset `at` (a `layout` constant).
fn put(buf: &mut [u8], at: u32, bytes: &[u8]) {
    let at = at as usize;
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

/// Writes a `$filestat` at `ptr`.
fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Filestat) -> WasiResult<()> {
    let mut buf = [0u8; layout::FILESTAT_SIZE as usize];
    put(&mut buf, layout::FILESTAT_DEV, &st.dev.to_le_bytes());
    put(&mut buf, layout::FILESTAT_INO, &st.ino.to_le_bytes());
    put(&mut buf, layout::FILESTAT_FILETYPE, &[st.filetype as u8]);
    put(&mut buf, layout::FILESTAT_NLINK, &st.nlink.to_le_bytes());
    put(
        &mut buf,
        layout::FILESTAT_SIZE_FIELD,
        &st.size.to_le_bytes(),
    );
    put(&mut buf, layout::FILESTAT_ATIM, &st.atim.to_le_bytes());
    put(&mut buf, layout::FILESTAT_MTIM, &st.mtim.to_le_bytes());
    put(&mut buf, layout::FILESTAT_CTIM, &st.ctim.to_le_bytes());
    mem.write_bytes(ptr, &buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn forty_six_distinct_functions() {
        let mut names: Vec<&str> = function_names().collect();
        assert_eq!(names.len(), 46);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 46);
    }

    #[test]
    fn signatures_match_witx() {
        let sig = |name: &str| {
            let d = FUNCTIONS.iter().find(|d| d.name == name).unwrap();
            func_type(d)
        };
        use ValType::{I32, I64};
        assert_eq!(
            sig("path_open").params(),
            &[I32, I32, I32, I32, I32, I64, I64, I32, I32]
        );
        assert_eq!(sig("path_open").results(), &[I32]);
        assert_eq!(sig("fd_seek").params(), &[I32, I64, I32, I32]);
        assert_eq!(sig("clock_time_get").params(), &[I32, I64, I32]);
        assert_eq!(sig("fd_pread").params(), &[I32, I32, I32, I64, I32]);
        assert_eq!(sig("fd_readdir").params(), &[I32, I32, I32, I64, I32]);
        assert_eq!(
            sig("path_filestat_set_times").params(),
            &[I32, I32, I32, I32, I64, I64, I32]
        );
        assert_eq!(sig("fd_filestat_set_times").params(), &[I32, I64, I64, I32]);
        assert_eq!(sig("fd_advise").params(), &[I32, I64, I64, I32]);
        assert_eq!(sig("proc_exit").params(), &[I32]);
        assert!(sig("proc_exit").results().is_empty());
        assert!(sig("sched_yield").params().is_empty());
        assert_eq!(sig("sock_recv").params().len(), 6);
    }

    #[test]
    fn time_flags() {
        assert_eq!(time_specs(1, 2, 0), Ok((TimeSpec::Keep, TimeSpec::Keep)));
        assert_eq!(
            time_specs(1, 2, 1 | 8),
            Ok((TimeSpec::At(1), TimeSpec::Now))
        );
        assert_eq!(time_specs(1, 2, 1 | 2), Err(Errno::Inval));
        assert_eq!(time_specs(1, 2, 4 | 8), Err(Errno::Inval));
        assert_eq!(time_specs(1, 2, 16), Err(Errno::Inval));
    }

    #[test]
    fn arguments_of_the_wrong_type_are_an_error_not_a_default() {
        let d = FUNCTIONS.iter().find(|d| d.name == "fd_close").unwrap();
        let mut ctx = WasiCtx::builder().build().unwrap();
        let mut bytes = [0u8; 0];
        let mut mem = GuestMemory::new(&mut bytes);
        assert!((d.call)(&mut ctx, &mut mem, &[Val::I64(1)]).is_err());
        assert!((d.call)(&mut ctx, &mut mem, &[]).is_err());
        assert_eq!(
            (d.call)(&mut ctx, &mut mem, &[Val::I32(1)]).unwrap(),
            Some(Errno::Success)
        );
    }
}

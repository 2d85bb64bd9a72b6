//! Adds the 46 `wasi_snapshot_preview1` functions to a [`Linker`].

use alloc::vec::Vec;

use super::ctx::WasiCtx;
use super::memory::GuestMemory;
use super::trace;
use super::types::{Errno, WasiResult};
use wrt::{Caller, Error, FuncType, Linker, Val, ValType};

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// The guest's arguments of one call, already type-checked by the engine.
struct Args<'a>(&'a [Val]);

impl Args<'_> {
    /// An `i32` argument, as the unsigned value WASI means by it.
    fn u(&self, i: usize) -> u32 {
        self.0.get(i).and_then(Val::i32).unwrap_or(0) as u32
    }

    /// An `i64` argument as unsigned.
    fn w(&self, i: usize) -> u64 {
        self.0.get(i).and_then(Val::i64).unwrap_or(0) as u64
    }

    /// An `i64` argument as signed.
    fn s(&self, i: usize) -> i64 {
        self.0.get(i).and_then(Val::i64).unwrap_or(0)
    }
}

type Handler = fn(&mut WasiCtx, &mut GuestMemory<'_>, &Args<'_>) -> Result<Errno, Error>;

struct Def {
    name: &'static str,
    /// One letter per parameter: `i` for i32, `I` for i64.
    params: &'static str,
    /// Every function returns an errno (i32) except `proc_exit`.
    returns_errno: bool,
    call: Handler,
}

fn ok(r: WasiResult<()>) -> Result<Errno, Error> {
    Ok(match r {
        Ok(()) => Errno::Success,
        Err(e) => e,
    })
}

const fn def(name: &'static str, params: &'static str, call: Handler) -> Def {
    Def {
        name,
        params,
        returns_errno: true,
        call,
    }
}

/// Every function of `wasi_snapshot_preview1`, in witx order.
const FUNCTIONS: [Def; 46] = [
    def("args_get", "ii", |c, m, a| {
        ok(c.args_get(m, a.u(0), a.u(1)))
    }),
    def("args_sizes_get", "ii", |c, m, a| {
        ok(c.args_sizes_get(m, a.u(0), a.u(1)))
    }),
    def("environ_get", "ii", |c, m, a| {
        ok(c.environ_get(m, a.u(0), a.u(1)))
    }),
    def("environ_sizes_get", "ii", |c, m, a| {
        ok(c.environ_sizes_get(m, a.u(0), a.u(1)))
    }),
    def("clock_res_get", "ii", |c, m, a| {
        ok(c.clock_res_get(m, a.u(0), a.u(1)))
    }),
    def("clock_time_get", "iIi", |c, m, a| {
        ok(c.clock_time_get(m, a.u(0), a.w(1), a.u(2)))
    }),
    def("fd_advise", "iIIi", |c, _, a| {
        ok(c.fd_advise(a.u(0), a.w(1), a.w(2), a.u(3)))
    }),
    def("fd_allocate", "iII", |c, _, a| {
        ok(c.fd_allocate(a.u(0), a.w(1), a.w(2)))
    }),
    def("fd_close", "i", |c, _, a| ok(c.fd_close(a.u(0)))),
    def("fd_datasync", "i", |c, _, a| ok(c.fd_datasync(a.u(0)))),
    def("fd_fdstat_get", "ii", |c, m, a| {
        ok(c.fd_fdstat_get(m, a.u(0), a.u(1)))
    }),
    def("fd_fdstat_set_flags", "ii", |c, _, a| {
        ok(c.fd_fdstat_set_flags(a.u(0), a.u(1)))
    }),
    def("fd_fdstat_set_rights", "iII", |c, _, a| {
        ok(c.fd_fdstat_set_rights(a.u(0), a.w(1), a.w(2)))
    }),
    def("fd_filestat_get", "ii", |c, m, a| {
        ok(c.fd_filestat_get(m, a.u(0), a.u(1)))
    }),
    def("fd_filestat_set_size", "iI", |c, _, a| {
        ok(c.fd_filestat_set_size(a.u(0), a.w(1)))
    }),
    def("fd_filestat_set_times", "iIIi", |c, _, a| {
        ok(c.fd_filestat_set_times(a.u(0), a.w(1), a.w(2), a.u(3)))
    }),
    def("fd_pread", "iiiIi", |c, m, a| {
        ok(c.fd_pread(m, a.u(0), a.u(1), a.u(2), a.w(3), a.u(4)))
    }),
    def("fd_prestat_get", "ii", |c, m, a| {
        ok(c.fd_prestat_get(m, a.u(0), a.u(1)))
    }),
    def("fd_prestat_dir_name", "iii", |c, m, a| {
        ok(c.fd_prestat_dir_name(m, a.u(0), a.u(1), a.u(2)))
    }),
    def("fd_pwrite", "iiiIi", |c, m, a| {
        ok(c.fd_pwrite(m, a.u(0), a.u(1), a.u(2), a.w(3), a.u(4)))
    }),
    def("fd_read", "iiii", |c, m, a| {
        ok(c.fd_read(m, a.u(0), a.u(1), a.u(2), a.u(3)))
    }),
    def("fd_readdir", "iiiIi", |c, m, a| {
        ok(c.fd_readdir(m, a.u(0), a.u(1), a.u(2), a.w(3), a.u(4)))
    }),
    def("fd_renumber", "ii", |c, _, a| {
        ok(c.fd_renumber(a.u(0), a.u(1)))
    }),
    def("fd_seek", "iIii", |c, m, a| {
        ok(c.fd_seek(m, a.u(0), a.s(1), a.u(2), a.u(3)))
    }),
    def("fd_sync", "i", |c, _, a| ok(c.fd_sync(a.u(0)))),
    def("fd_tell", "ii", |c, m, a| ok(c.fd_tell(m, a.u(0), a.u(1)))),
    def("fd_write", "iiii", |c, m, a| {
        ok(c.fd_write(m, a.u(0), a.u(1), a.u(2), a.u(3)))
    }),
    def("path_create_directory", "iii", |c, m, a| {
        ok(c.path_create_directory(m, a.u(0), a.u(1), a.u(2)))
    }),
    def("path_filestat_get", "iiiii", |c, m, a| {
        ok(c.path_filestat_get(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4)))
    }),
    def("path_filestat_set_times", "iiiiIIi", |c, m, a| {
        ok(c.path_filestat_set_times(m, a.u(0), a.u(1), a.u(2), a.u(3), a.w(4), a.w(5), a.u(6)))
    }),
    def("path_link", "iiiiiii", |c, m, a| {
        ok(c.path_link(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4), a.u(5), a.u(6)))
    }),
    def("path_open", "iiiiiIIii", |c, m, a| {
        ok(c.path_open(
            m,
            a.u(0),
            a.u(1),
            a.u(2),
            a.u(3),
            a.u(4),
            a.w(5),
            a.w(6),
            a.u(7),
            a.u(8),
        ))
    }),
    def("path_readlink", "iiiiii", |c, m, a| {
        ok(c.path_readlink(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4), a.u(5)))
    }),
    def("path_remove_directory", "iii", |c, m, a| {
        ok(c.path_remove_directory(m, a.u(0), a.u(1), a.u(2)))
    }),
    def("path_rename", "iiiiii", |c, m, a| {
        ok(c.path_rename(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4), a.u(5)))
    }),
    def("path_symlink", "iiiii", |c, m, a| {
        ok(c.path_symlink(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4)))
    }),
    def("path_unlink_file", "iii", |c, m, a| {
        ok(c.path_unlink_file(m, a.u(0), a.u(1), a.u(2)))
    }),
    def("poll_oneoff", "iiii", |c, m, a| {
        ok(c.poll_oneoff(m, a.u(0), a.u(1), a.u(2), a.u(3)))
    }),
    Def {
        name: "proc_exit",
        params: "i",
        returns_errno: false,
        call: |c, _, a| Err(c.proc_exit(a.u(0))),
    },
    def("proc_raise", "i", |c, _, a| c.proc_raise(a.u(0))),
    def("sched_yield", "", |c, _, _| ok(c.sched_yield())),
    def("random_get", "ii", |c, m, a| {
        ok(c.random_get(m, a.u(0), a.u(1)))
    }),
    def("sock_accept", "iii", |c, m, a| {
        ok(c.sock_accept(m, a.u(0), a.u(1), a.u(2)))
    }),
    def("sock_recv", "iiiiii", |c, m, a| {
        ok(c.sock_recv(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4), a.u(5)))
    }),
    def("sock_send", "iiiii", |c, m, a| {
        ok(c.sock_send(m, a.u(0), a.u(1), a.u(2), a.u(3), a.u(4)))
    }),
    def("sock_shutdown", "ii", |c, _, a| {
        ok(c.sock_shutdown(a.u(0), a.u(1)))
    }),
];

/// The names of every function [`add_to_linker`] defines, in witx order.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|d| d.name)
}

fn func_type(d: &Def) -> FuncType {
    let params: Vec<ValType> = d
        .params
        .bytes()
        .map(|c| {
            if c == b'I' {
                ValType::I64
            } else {
                ValType::I32
            }
        })
        .collect();
    let results: &[ValType] = if d.returns_errno {
        &[ValType::I32]
    } else {
        &[]
    };
    FuncType::new(params, results.iter().copied())
}

/// The number of wasm parameters of every function, for checks elsewhere.
#[cfg(test)]
pub(crate) fn function_arities() -> impl Iterator<Item = (&'static str, usize)> {
    FUNCTIONS.iter().map(|d| (d.name, d.params.len()))
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
        Some(m) => m.data_and_store_mut(&mut caller),
        None => (&mut [], caller.data_mut()),
    };
    let ctx = get_cx(data);
    let mut mem = GuestMemory::new(bytes);
    let traced = ctx
        .tracing()
        .then(|| trace::Call::start(d.name, params, &mem));
    let outcome = (d.call)(ctx, &mut mem, &Args(params));
    if let Some(call) = traced {
        let line = match &outcome {
            Ok(errno) => {
                if *errno == Errno::Success {
                    if let Some(open) = trace::stderr_left_open(d.name, params, &mem) {
                        ctx.trace_line_open = open;
                    }
                }
                call.finish(*errno, &mem)
            }
            Err(e) => call.ended(e),
        };
        ctx.trace(&line);
    }
    let errno = outcome?;
    if let Some(slot) = results.first_mut() {
        *slot = Val::I32(i32::from(errno.raw()));
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
/// `proc_exit(n)` ends the call with [`Error::Exit(n)`](Error::Exit) when the context allows it
/// and with a trap otherwise.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<(), Error> {
    for d in FUNCTIONS.iter() {
        linker.func_new(
            MODULE,
            d.name,
            func_type(d),
            move |caller, params, results| dispatch(d, get_cx, caller, params, results),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! The WASI call trace ([`WasiCtxBuilder::trace`](super::WasiCtxBuilder::trace)): one line per
//! call with its arguments, its errno and what it returned, like `strace`:
//!
//! ```text
//! wasi: path_open(fd=3, dirflags=0x1, path="data/in.txt", oflags=0x0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0x0) = 0 (opened_fd=4)
//! wasi: path_open(fd=3, dirflags=0x1, path="../etc/passwd", oflags=0x0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0x0) = 76 ENOTCAPABLE (Extension: capabilities insufficient)
//! ```
//!
//! Strings are shown as the guest passed them; pointers as addresses. Values the function writes
//! back through a pointer (a new descriptor, a count, an offset) follow a successful result.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::memory::GuestMemory;
use crate::types::Errno;
use wrt::Val;

/// What every trace line starts with.
pub const PREFIX: &str = "wasi: ";

/// The longest string argument shown, in bytes; longer ones are cut with `...`.
const MAX_STRING: usize = 200;

/// The parameters of each function as `name:kind`, in order. Kinds: `d` a number, `i` a signed
/// number, `x` flags or rights (hex), `p` a pointer, `s` a string the guest passes (pointer and
/// length: two parameters), `S` a string the function writes (pointer and length, shown after
/// success), `o4`/`o8` a pointer to a `u32`/`u64` result (shown after success).
pub(crate) fn parameters(function: &str) -> Option<&'static str> {
    Some(match function {
        "args_get" => "argv:p argv_buf:p",
        "args_sizes_get" => "argc:o4 argv_buf_size:o4",
        "environ_get" => "environ:p environ_buf:p",
        "environ_sizes_get" => "environc:o4 environ_buf_size:o4",
        "clock_res_get" => "id:d resolution:o8",
        "clock_time_get" => "id:d precision:d time:o8",
        "fd_advise" => "fd:d offset:d len:d advice:d",
        "fd_allocate" => "fd:d offset:d len:d",
        "fd_close" | "fd_datasync" | "fd_sync" => "fd:d",
        "fd_fdstat_get" => "fd:d stat:p",
        "fd_fdstat_set_flags" => "fd:d flags:x",
        "fd_fdstat_set_rights" => "fd:d fs_rights_base:x fs_rights_inheriting:x",
        "fd_filestat_get" | "fd_prestat_get" => "fd:d buf:p",
        "fd_filestat_set_size" => "fd:d size:d",
        "fd_filestat_set_times" => "fd:d atim:d mtim:d fst_flags:x",
        "fd_pread" => "fd:d iovs:p iovs_len:d offset:d nread:o4",
        "fd_prestat_dir_name" => "fd:d path:S",
        "fd_pwrite" => "fd:d iovs:p iovs_len:d offset:d nwritten:o4",
        "fd_read" => "fd:d iovs:p iovs_len:d nread:o4",
        "fd_readdir" => "fd:d buf:p buf_len:d cookie:d bufused:o4",
        "fd_renumber" => "fd:d to:d",
        "fd_seek" => "fd:d offset:i whence:d newoffset:o8",
        "fd_tell" => "fd:d offset:o8",
        "fd_write" => "fd:d iovs:p iovs_len:d nwritten:o4",
        "path_create_directory" | "path_remove_directory" | "path_unlink_file" => "fd:d path:s",
        "path_filestat_get" => "fd:d flags:x path:s buf:p",
        "path_filestat_set_times" => "fd:d flags:x path:s atim:d mtim:d fst_flags:x",
        "path_link" => "old_fd:d old_flags:x old_path:s new_fd:d new_path:s",
        "path_open" => {
            "fd:d dirflags:x path:s oflags:x fs_rights_base:x fs_rights_inheriting:x \
             fdflags:x opened_fd:o4"
        }
        "path_readlink" => "fd:d path:s buf:p buf_len:d bufused:o4",
        "path_rename" => "fd:d old_path:s new_fd:d new_path:s",
        "path_symlink" => "old_path:s fd:d new_path:s",
        "poll_oneoff" => "in:p out:p nsubscriptions:d nevents:o4",
        "proc_exit" => "rval:d",
        "proc_raise" => "sig:d",
        "sched_yield" => "",
        "random_get" => "buf:p buf_len:d",
        "sock_accept" => "fd:d flags:x accepted_fd:o4",
        "sock_recv" => "fd:d ri_data:p ri_data_len:d ri_flags:x ro_datalen:o4 ro_flags:p",
        "sock_send" => "fd:d si_data:p si_data_len:d si_flags:x so_datalen:o4",
        "sock_shutdown" => "fd:d how:x",
        _ => return None,
    })
}

/// One call being traced: the arguments, formatted before the call, and where its results go.
pub(crate) struct Call {
    line: String,
    /// Values to show after success: (name, kind, pointer, length).
    outputs: Vec<(&'static str, &'static str, u32, u32)>,
}

impl Call {
    /// Formats `function(arguments)` with the arguments of a call from wasm.
    pub(crate) fn start(function: &str, params: &[Val], mem: &GuestMemory<'_>) -> Call {
        let mut call = Call {
            line: format!("{PREFIX}{function}("),
            outputs: Vec::new(),
        };
        let description = parameters(function).unwrap_or("");
        let mut values = params.iter().map(|v| match v {
            Val::I32(x) => i64::from(*x as u32),
            Val::I64(x) => *x,
            _ => 0,
        });
        let mut shown = 0;
        for param in description.split_whitespace() {
            let (name, kind) = param.split_once(':').unwrap_or((param, "d"));
            let value = values.next().unwrap_or(0);
            let separator = if shown == 0 { "" } else { ", " };
            let text = match kind {
                "d" => format!("{}", value as u64),
                "i" => format!("{value}"),
                "x" => format!("{:#x}", value as u64),
                "p" => format!("{:#x}", value as u64),
                "s" => {
                    let len = values.next().unwrap_or(0);
                    guest_string(mem, value as u32, len as u32)
                }
                _ => {
                    // Written by the function: shown after success.
                    let len = if kind == "S" {
                        values.next().unwrap_or(0)
                    } else {
                        0
                    };
                    call.outputs.push((name, kind, value as u32, len as u32));
                    continue;
                }
            };
            let _ = write!(call.line, "{separator}{name}={text}");
            shown += 1;
        }
        call.line.push(')');
        call
    }

    /// The whole line, with the result of the call: its errno, and on success the values it
    /// wrote back.
    pub(crate) fn finish(mut self, errno: Errno, mem: &GuestMemory<'_>) -> String {
        if errno == Errno::Success {
            self.line.push_str(" = 0");
            let mut shown = Vec::new();
            for (name, kind, ptr, len) in &self.outputs {
                let value = match *kind {
                    "o4" => mem.read_u32(*ptr).map(|v| format!("{v}")),
                    "o8" => mem.read_u64(*ptr).map(|v| format!("{v}")),
                    _ => Ok(guest_string(mem, *ptr, *len)),
                };
                if let Ok(value) = value {
                    shown.push(format!("{name}={value}"));
                }
            }
            if !shown.is_empty() {
                let _ = write!(self.line, " ({})", shown.join(", "));
            }
        } else {
            let _ = write!(self.line, " = {} {errno}", errno.raw());
        }
        self.line.push('\n');
        self.line
    }

    /// The whole line for a call that did not return to the guest (`proc_exit`, or a trap).
    pub(crate) fn ended(mut self, why: &dyn core::fmt::Display) -> String {
        let _ = writeln!(self.line, " -> {why}");
        self.line
    }
}

/// After a successful `fd_write` to standard error (descriptor 2), whether what the guest wrote
/// left the line open (its last byte is not a newline): the next trace line, which shares the
/// stream, then starts on a line of its own. `None` for every other call.
pub(crate) fn stderr_left_open(
    function: &str,
    params: &[Val],
    mem: &GuestMemory<'_>,
) -> Option<bool> {
    let arg = |i: usize| params.get(i).and_then(Val::i32).map(|v| v as u32);
    if function != "fd_write" || arg(0)? != 2 {
        return None;
    }
    let written = mem.read_u32(arg(3)?).ok()?;
    let mut skip = written.checked_sub(1)?;
    for iov in mem.read_iovecs(arg(1)?, arg(2)?).ok()? {
        if skip < iov.len {
            let last = mem.slice(iov.ptr.checked_add(skip)?, 1).ok()?;
            return Some(last != b"\n");
        }
        skip -= iov.len;
    }
    None
}

/// A guest string, quoted and escaped, cut after [`MAX_STRING`] bytes; `<EFAULT>` when it does
/// not lie inside the memory.
fn guest_string(mem: &GuestMemory<'_>, ptr: u32, len: u32) -> String {
    let shown = len.min(MAX_STRING as u32);
    match mem.slice(ptr, shown) {
        Ok(bytes) if mem.slice(ptr, len).is_ok() => {
            let text = String::from_utf8_lossy(bytes);
            if shown < len {
                format!("{text:?}...")
            } else {
                format!("{text:?}")
            }
        }
        _ => "<EFAULT>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many wasm parameters a parameter description stands for.
    fn wasm_arity(description: &str) -> usize {
        description
            .split_whitespace()
            .map(|p| match p.rsplit(':').next() {
                Some("s" | "S") => 2,
                _ => 1,
            })
            .sum()
    }

    #[test]
    fn every_function_is_described_with_its_arity() {
        for (name, arity) in crate::preview1::function_arities() {
            let description =
                parameters(name).unwrap_or_else(|| panic!("{name} has no trace description"));
            assert_eq!(wasm_arity(description), arity, "{name}");
        }
    }

    #[test]
    fn a_guest_line_left_open_on_stderr_is_seen() {
        let mut bytes = alloc::vec![0u8; 256];
        bytes[100..106].copy_from_slice(b"ab\ncd\n");
        // Two iovecs: "ab\n" and "cd\n"; nwritten at 64.
        for (i, (ptr, len)) in [(100u32, 3u32), (103, 3)].iter().enumerate() {
            let at = 16 + i * 8;
            bytes[at..at + 4].copy_from_slice(&ptr.to_le_bytes());
            bytes[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        }
        let mut check = |fd: i32, written: u32| {
            bytes[64..68].copy_from_slice(&written.to_le_bytes());
            let mem = GuestMemory::new(&mut bytes);
            let params = [Val::I32(fd), Val::I32(16), Val::I32(2), Val::I32(64)];
            stderr_left_open("fd_write", &params, &mem)
        };
        assert_eq!(check(2, 6), Some(false), "ends with a newline");
        assert_eq!(
            check(2, 5),
            Some(true),
            "a short write stopped after \"cd\""
        );
        assert_eq!(check(2, 3), Some(false));
        assert_eq!(check(2, 2), Some(true));
        assert_eq!(check(2, 0), None, "nothing written: the line is as it was");
        assert_eq!(check(1, 5), None, "standard output is another stream");
    }

    #[test]
    fn lines_show_strings_flags_results_and_errors() {
        let mut bytes = alloc::vec![0u8; 256];
        bytes[16..24].copy_from_slice(b"dir/file");
        bytes[64..68].copy_from_slice(&7u32.to_le_bytes());
        let mem = GuestMemory::new(&mut bytes);
        let params = [
            Val::I32(3),
            Val::I32(1),
            Val::I32(16),
            Val::I32(8),
            Val::I32(9),
            Val::I64(0x42),
            Val::I64(-1),
            Val::I32(0),
            Val::I32(64),
        ];
        let ok = Call::start("path_open", &params, &mem).finish(Errno::Success, &mem);
        assert_eq!(
            ok,
            "wasi: path_open(fd=3, dirflags=0x1, path=\"dir/file\", oflags=0x9, \
             fs_rights_base=0x42, fs_rights_inheriting=0xffffffffffffffff, fdflags=0x0) = 0 \
             (opened_fd=7)\n"
        );
        let failed = Call::start("path_open", &params, &mem).finish(Errno::Notcapable, &mem);
        assert!(
            failed.ends_with(") = 76 ENOTCAPABLE (Extension: capabilities insufficient)\n"),
            "{failed}"
        );
        // A string outside the memory, and a long one.
        let bad = [Val::I32(3), Val::I32(250), Val::I32(100)];
        let line = Call::start("path_unlink_file", &bad, &mem).finish(Errno::Fault, &mem);
        assert!(line.starts_with("wasi: path_unlink_file(fd=3, path=<EFAULT>) = 21 EFAULT"));
        let long = [Val::I32(3), Val::I32(0), Val::I32(250)];
        let line = Call::start("path_unlink_file", &long, &mem).finish(Errno::Noent, &mem);
        assert!(line.contains("...) = 44 ENOENT"), "{line}");
        // Negative offsets stay signed; a call that does not return says why.
        let seek = [Val::I32(4), Val::I64(-5), Val::I32(1), Val::I32(64)];
        let line = Call::start("fd_seek", &seek, &mem).finish(Errno::Success, &mem);
        assert_eq!(
            line,
            "wasi: fd_seek(fd=4, offset=-5, whence=1) = 0 (newoffset=7)\n"
        );
        let exit = Call::start("proc_exit", &[Val::I32(2)], &mem).ended(&"exited with status 2");
        assert_eq!(exit, "wasi: proc_exit(rval=2) -> exited with status 2\n");
    }
}

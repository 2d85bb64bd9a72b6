//! The cap-std backend: host files, directories and sockets (`std` on Unix).
//!
//! Every path a guest names is resolved by [cap-std](https://docs.rs/cap-std) relative to an
//! open directory handle: on Linux through `openat2(RESOLVE_BENEATH)`, elsewhere (and for the
//! operations `openat2` does not cover) component by component with `O_NOFOLLOW`, following
//! symbolic links by hand and refusing any step that would leave the directory. So `..`,
//! absolute paths, symbolic links that point out (even one swapped in while a path is being
//! resolved) and hard links cannot reach anything outside a preopened directory. The guest
//! cannot create absolute symbolic links, so it cannot plant a link for host programs either.

use alloc::format;
use alloc::vec::Vec;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt,
    SystemTimeSpec,
};
use cap_std::fs::{Dir, File, FileExt, FileType, FileTypeExt, Metadata, MetadataExt, OpenOptions};
use rustix::fs::DirEntryExt;

use super::{Backend, HostDir, HostObject, OpenRequest, RelPath, Transfer};
use crate::ctx::{Kind, WasiCtx};
use crate::memory::{read_full, write_iovecs, GuestMemory, IoVec};
use crate::types::{
    fdflags, riflags, sdflags, whence, DirEntryInfo, Errno, Filestat, Filetype, Readiness,
    TimeSpec, WasiResult, Woken,
};
use wrt::Error;

/// Host files and directories through cap-std, and TCP sockets.
pub(crate) struct CapStd;

// ------------------------------------------------------------------------------ errno mapping

/// Maps an OS error number to the WASI one.
pub(crate) fn errno_from_rustix(e: rustix::io::Errno) -> Errno {
    use rustix::io::Errno as E;
    match e {
        E::TOOBIG => Errno::TooBig,
        E::ACCESS => Errno::Acces,
        E::ADDRINUSE => Errno::Addrinuse,
        E::ADDRNOTAVAIL => Errno::Addrnotavail,
        E::AFNOSUPPORT => Errno::Afnosupport,
        E::AGAIN => Errno::Again,
        E::ALREADY => Errno::Already,
        E::BADF => Errno::Badf,
        E::BADMSG => Errno::Badmsg,
        E::BUSY => Errno::Busy,
        E::CANCELED => Errno::Canceled,
        E::CHILD => Errno::Child,
        E::CONNABORTED => Errno::Connaborted,
        E::CONNREFUSED => Errno::Connrefused,
        E::CONNRESET => Errno::Connreset,
        E::DEADLK => Errno::Deadlk,
        E::DESTADDRREQ => Errno::Destaddrreq,
        E::DOM => Errno::Dom,
        E::DQUOT => Errno::Dquot,
        E::EXIST => Errno::Exist,
        E::FAULT => Errno::Fault,
        E::FBIG => Errno::Fbig,
        E::HOSTUNREACH => Errno::Hostunreach,
        E::IDRM => Errno::Idrm,
        E::ILSEQ => Errno::Ilseq,
        E::INPROGRESS => Errno::Inprogress,
        E::INTR => Errno::Intr,
        E::INVAL => Errno::Inval,
        E::IO => Errno::Io,
        E::ISCONN => Errno::Isconn,
        E::ISDIR => Errno::Isdir,
        E::LOOP => Errno::Loop,
        E::MFILE => Errno::Mfile,
        E::MLINK => Errno::Mlink,
        E::MSGSIZE => Errno::Msgsize,
        E::MULTIHOP => Errno::Multihop,
        E::NAMETOOLONG => Errno::Nametoolong,
        E::NETDOWN => Errno::Netdown,
        E::NETRESET => Errno::Netreset,
        E::NETUNREACH => Errno::Netunreach,
        E::NFILE => Errno::Nfile,
        E::NOBUFS => Errno::Nobufs,
        E::NODEV => Errno::Nodev,
        E::NOENT => Errno::Noent,
        E::NOEXEC => Errno::Noexec,
        E::NOLCK => Errno::Nolck,
        E::NOLINK => Errno::Nolink,
        E::NOMEM => Errno::Nomem,
        E::NOMSG => Errno::Nomsg,
        E::NOPROTOOPT => Errno::Noprotoopt,
        E::NOSPC => Errno::Nospc,
        E::NOSYS => Errno::Nosys,
        E::NOTCONN => Errno::Notconn,
        E::NOTDIR => Errno::Notdir,
        E::NOTEMPTY => Errno::Notempty,
        E::NOTRECOVERABLE => Errno::Notrecoverable,
        E::NOTSOCK => Errno::Notsock,
        E::NOTSUP => Errno::Notsup,
        E::NOTTY => Errno::Notty,
        E::NXIO => Errno::Nxio,
        E::OVERFLOW => Errno::Overflow,
        E::OWNERDEAD => Errno::Ownerdead,
        E::PERM => Errno::Perm,
        E::PIPE => Errno::Pipe,
        E::PROTO => Errno::Proto,
        E::PROTONOSUPPORT => Errno::Protonosupport,
        E::PROTOTYPE => Errno::Prototype,
        E::RANGE => Errno::Range,
        E::ROFS => Errno::Rofs,
        E::SPIPE => Errno::Spipe,
        E::SRCH => Errno::Srch,
        E::STALE => Errno::Stale,
        E::TIMEDOUT => Errno::Timedout,
        E::TXTBSY => Errno::Txtbsy,
        E::XDEV => Errno::Xdev,
        _ => Errno::Io,
    }
}

/// Maps a host I/O error to the WASI errno. Errors without an OS number come from cap-std's own
/// checks; `PermissionDenied` among them means "this path would leave the sandbox", which WASI
/// calls `ENOTCAPABLE`.
pub(crate) fn errno_from_io(e: &std::io::Error) -> Errno {
    use std::io::ErrorKind as K;
    if e.raw_os_error().is_some() {
        if let Some(errno) = rustix::io::Errno::from_io_error(e) {
            return errno_from_rustix(errno);
        }
    }
    match e.kind() {
        K::NotFound => Errno::Noent,
        K::PermissionDenied => Errno::Notcapable,
        K::AlreadyExists => Errno::Exist,
        K::WouldBlock => Errno::Again,
        K::InvalidInput => Errno::Inval,
        K::InvalidData => Errno::Ilseq,
        K::TimedOut => Errno::Timedout,
        K::Interrupted => Errno::Intr,
        K::Unsupported => Errno::Notsup,
        K::OutOfMemory => Errno::Nomem,
        K::BrokenPipe => Errno::Pipe,
        K::ConnectionRefused => Errno::Connrefused,
        K::ConnectionReset => Errno::Connreset,
        K::ConnectionAborted => Errno::Connaborted,
        K::NotConnected => Errno::Notconn,
        K::AddrInUse => Errno::Addrinuse,
        K::AddrNotAvailable => Errno::Addrnotavail,
        _ => Errno::Io,
    }
}

fn io(e: std::io::Error) -> Errno {
    errno_from_io(&e)
}

// ------------------------------------------------------------------------------ descriptors

/// A host object behind a guest descriptor.
pub(crate) enum HostKind {
    File(HostFile),
    Dir(CapDir),
    Listener(TcpListener),
    Socket(TcpStream),
}

pub(crate) struct HostFile {
    file: File,
    filetype: Filetype,
}

/// A directory handle; every path beneath it is resolved by cap-std.
pub(crate) struct CapDir {
    dir: Dir,
    /// The entries `fd_readdir` walks through; refreshed when a guest starts at cookie 0.
    entries: Vec<DirEntryInfo>,
}

impl CapDir {
    fn new(dir: Dir) -> Self {
        CapDir {
            dir,
            entries: Vec::new(),
        }
    }

    fn refresh(&mut self) -> WasiResult<()> {
        let me = self.dir.dir_metadata().map_err(io)?;
        // ".." gets this directory's own inode number: looking at the parent of a preopened
        // directory would mean looking outside the sandbox.
        let mut list = alloc::vec![
            DirEntryInfo {
                name: b".".to_vec(),
                ino: me.ino(),
                filetype: Filetype::Directory,
            },
            DirEntryInfo {
                name: b"..".to_vec(),
                ino: me.ino(),
                filetype: Filetype::Directory,
            },
        ];
        let mut rest = Vec::new();
        for ent in self.dir.entries().map_err(io)? {
            let Ok(ent) = ent else { continue };
            // An entry removed while we read is simply not listed.
            let Ok(ft) = ent.file_type() else { continue };
            rest.push(DirEntryInfo {
                name: ent.file_name().as_bytes().to_vec(),
                ino: ent.ino(),
                filetype: filetype_of(ft),
            });
        }
        rest.sort_by(|a, b| a.name.cmp(&b.name));
        list.extend(rest);
        self.entries = list;
        Ok(())
    }
}

fn filetype_of(ft: FileType) -> Filetype {
    if ft.is_dir() {
        Filetype::Directory
    } else if ft.is_file() {
        Filetype::RegularFile
    } else if ft.is_symlink() {
        Filetype::SymbolicLink
    } else if ft.is_block_device() {
        Filetype::BlockDevice
    } else if ft.is_char_device() {
        Filetype::CharacterDevice
    } else if ft.is_socket() {
        Filetype::SocketStream
    } else {
        Filetype::Unknown
    }
}

fn timestamp(secs: i64, nsecs: i64) -> u64 {
    let secs = u64::try_from(secs).unwrap_or(0);
    let nsecs = u64::try_from(nsecs).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nsecs)
}

fn filestat_of(m: &Metadata) -> Filestat {
    Filestat {
        dev: m.dev(),
        ino: m.ino(),
        filetype: filetype_of(m.file_type()),
        nlink: m.nlink(),
        size: m.len(),
        atim: timestamp(m.atime(), m.atime_nsec()),
        mtim: timestamp(m.mtime(), m.mtime_nsec()),
        ctim: timestamp(m.ctime(), m.ctime_nsec()),
    }
}

fn rustix_timespec(t: TimeSpec) -> rustix::fs::Timespec {
    match t {
        TimeSpec::Keep => rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_OMIT,
        },
        TimeSpec::Now => rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_NOW,
        },
        TimeSpec::At(ns) => rustix::fs::Timespec {
            tv_sec: (ns / 1_000_000_000) as _,
            tv_nsec: (ns % 1_000_000_000) as _,
        },
    }
}

fn cap_timespec(t: TimeSpec) -> Option<SystemTimeSpec> {
    match t {
        TimeSpec::Keep => None,
        TimeSpec::Now => Some(SystemTimeSpec::SymbolicNow),
        TimeSpec::At(ns) => Some(SystemTimeSpec::Absolute(
            cap_std::time::SystemTime::from_std(
                std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
            ),
        )),
    }
}

fn retry<T>(mut f: impl FnMut() -> std::io::Result<T>) -> WasiResult<T> {
    loop {
        match f() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r.map_err(io),
        }
    }
}

impl HostKind {
    /// The host descriptor `poll_oneoff` waits on (sockets only).
    pub(crate) fn pollable_fd(&self) -> Option<BorrowedFd<'_>> {
        match self {
            HostKind::Listener(l) => Some(l.as_fd()),
            HostKind::Socket(s) => Some(s.as_fd()),
            HostKind::File(_) | HostKind::Dir(_) => None,
        }
    }
}

impl HostObject for HostKind {
    type Dir = CapDir;

    fn as_dir(&self) -> Option<&CapDir> {
        match self {
            HostKind::Dir(d) => Some(d),
            _ => None,
        }
    }

    fn filetype(&self) -> Filetype {
        match self {
            HostKind::File(f) => f.filetype,
            HostKind::Dir(_) => Filetype::Directory,
            HostKind::Listener(_) | HostKind::Socket(_) => Filetype::SocketStream,
        }
    }

    fn is_listener(&self) -> bool {
        matches!(self, HostKind::Listener(_))
    }

    fn is_socket(&self) -> bool {
        matches!(self, HostKind::Socket(_))
    }

    fn set_flags(&mut self, flags: u16) -> WasiResult<()> {
        let nonblocking = flags & fdflags::NONBLOCK != 0;
        match self {
            HostKind::File(f) => {
                let mut os = rustix::fs::fcntl_getfl(&f.file).map_err(errno_from_rustix)?;
                os.set(rustix::fs::OFlags::APPEND, flags & fdflags::APPEND != 0);
                rustix::fs::fcntl_setfl(&f.file, os).map_err(errno_from_rustix)
            }
            HostKind::Dir(_) => Ok(()),
            HostKind::Listener(l) => l.set_nonblocking(nonblocking).map_err(io),
            HostKind::Socket(s) => s.set_nonblocking(nonblocking).map_err(io),
        }
    }

    fn filestat(&mut self) -> WasiResult<Filestat> {
        match self {
            HostKind::File(f) => Ok(filestat_of(&f.file.metadata().map_err(io)?)),
            HostKind::Dir(d) => Ok(filestat_of(&d.dir.dir_metadata().map_err(io)?)),
            HostKind::Listener(_) | HostKind::Socket(_) => Ok(Filestat {
                filetype: Filetype::SocketStream,
                ..Filestat::default()
            }),
        }
    }

    fn set_size(&mut self, size: u64) -> WasiResult<()> {
        match self {
            HostKind::File(f) => f.file.set_len(size).map_err(io),
            HostKind::Dir(_) => Err(Errno::Isdir),
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Inval),
        }
    }

    fn set_times(&mut self, atim: TimeSpec, mtim: TimeSpec) -> WasiResult<()> {
        let times = rustix::fs::Timestamps {
            last_access: rustix_timespec(atim),
            last_modification: rustix_timespec(mtim),
        };
        match self {
            HostKind::File(f) => rustix::fs::futimens(&f.file, &times).map_err(errno_from_rustix),
            HostKind::Dir(d) => {
                // The directory handle may be an `O_PATH` descriptor, which futimens refuses.
                d.dir
                    .set_times(".", cap_timespec(atim), cap_timespec(mtim))
                    .map_err(io)
            }
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Inval),
        }
    }

    fn advise(&mut self, offset: u64, len: u64, advice: u8) -> WasiResult<()> {
        match self {
            HostKind::File(f) => {
                #[cfg(any(target_os = "linux", target_os = "android"))]
                {
                    use crate::types::advice as a;
                    use rustix::fs::Advice;
                    let advice = match advice {
                        a::NORMAL => Advice::Normal,
                        a::SEQUENTIAL => Advice::Sequential,
                        a::RANDOM => Advice::Random,
                        a::WILLNEED => Advice::WillNeed,
                        a::DONTNEED => Advice::DontNeed,
                        _ => Advice::NoReuse,
                    };
                    rustix::fs::fadvise(&f.file, offset, core::num::NonZeroU64::new(len), advice)
                        .map_err(errno_from_rustix)
                }
                #[cfg(not(any(target_os = "linux", target_os = "android")))]
                {
                    // Advice is only a hint; platforms without posix_fadvise ignore it.
                    let _ = (f, offset, len, advice);
                    Ok(())
                }
            }
            HostKind::Dir(_) => Err(Errno::Badf),
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Spipe),
        }
    }

    fn allocate(&mut self, end: u64) -> WasiResult<()> {
        match self {
            HostKind::File(f) => {
                let len = f.file.metadata().map_err(io)?.len();
                if end > len {
                    f.file.set_len(end).map_err(io)?;
                }
                Ok(())
            }
            HostKind::Dir(_) => Err(Errno::Isdir),
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Spipe),
        }
    }

    fn sync(&mut self, data_only: bool) -> WasiResult<()> {
        match self {
            HostKind::File(f) if data_only => f.file.sync_data().map_err(io),
            HostKind::File(f) => f.file.sync_all().map_err(io),
            HostKind::Dir(d) => {
                // The directory handle may be an `O_PATH` descriptor; sync through a readable one.
                let mut opts = OpenOptions::new();
                opts.read(true).maybe_dir(true);
                let f = d.dir.open_with(".", &opts).map_err(io)?;
                f.sync_all().map_err(io)
            }
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Inval),
        }
    }

    fn transfer(
        &mut self,
        way: Transfer,
        mem: &mut GuestMemory<'_>,
        iovs: &[IoVec],
        offset: Option<u64>,
    ) -> WasiResult<u32> {
        match (self, way) {
            (HostKind::File(f), Transfer::Read) => {
                let mut total: u64 = 0;
                for v in iovs.iter().filter(|v| v.len > 0) {
                    let buf = mem.slice_mut(v.ptr, v.len)?;
                    let n = match offset {
                        None => read_full(buf, |b| retry(|| (&f.file).read(b)))?,
                        Some(base) => {
                            let mut at = base.checked_add(total).ok_or(Errno::Inval)?;
                            read_full(buf, |b| {
                                let n = retry(|| f.file.read_at(b, at))?;
                                at = at.saturating_add(n as u64);
                                Ok(n)
                            })?
                        }
                    };
                    total = total.saturating_add(n as u64);
                    if n < v.len as usize {
                        break;
                    }
                }
                Ok(u32::try_from(total).unwrap_or(u32::MAX))
            }
            (HostKind::File(f), Transfer::Write) => match offset {
                None => write_iovecs(mem, iovs, |d| retry(|| (&f.file).write(d))),
                Some(base) => {
                    let mut at = base;
                    write_iovecs(mem, iovs, |d| {
                        let n = retry(|| f.file.write_at(d, at))?;
                        at = at.saturating_add(n as u64);
                        Ok(n)
                    })
                }
            },
            (HostKind::Dir(_), _) => Err(Errno::Isdir),
            (HostKind::Listener(_), _) => Err(Errno::Notconn),
            (HostKind::Socket(_), _) if offset.is_some() => Err(Errno::Spipe),
            (HostKind::Socket(s), Transfer::Read) => match iovs.iter().find(|v| v.len > 0) {
                Some(v) => {
                    let buf = mem.slice_mut(v.ptr, v.len)?;
                    Ok(retry(|| s.read(buf))? as u32)
                }
                None => Ok(0),
            },
            (HostKind::Socket(s), Transfer::Write) => {
                write_iovecs(mem, iovs, |d| retry(|| s.write(d)))
            }
        }
    }

    fn seek(&mut self, offset: i64, how: u8) -> WasiResult<u64> {
        let pos = match how {
            whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
            whence::CUR => SeekFrom::Current(offset),
            whence::END => SeekFrom::End(offset),
            _ => return Err(Errno::Inval),
        };
        match self {
            HostKind::File(f) => (&f.file).seek(pos).map_err(io),
            HostKind::Dir(_) => Err(Errno::Badf),
            HostKind::Listener(_) | HostKind::Socket(_) => Err(Errno::Spipe),
        }
    }

    fn readdir(&mut self, cookie: u64) -> WasiResult<&[DirEntryInfo]> {
        match self {
            HostKind::Dir(d) => {
                if cookie == 0 || d.entries.is_empty() {
                    d.refresh()?;
                }
                Ok(&d.entries)
            }
            _ => Err(Errno::Notdir),
        }
    }

    fn readiness(&mut self, read: bool) -> Readiness {
        match self {
            HostKind::File(f) => {
                let mut nbytes = 0;
                if read {
                    if let (Ok(m), Ok(pos)) = (f.file.metadata(), (&f.file).stream_position()) {
                        nbytes = m.len().saturating_sub(pos);
                    }
                }
                Readiness::Ready {
                    nbytes,
                    hangup: false,
                }
            }
            HostKind::Dir(_) => Readiness::Failed(Errno::Badf),
            HostKind::Listener(_) | HostKind::Socket(_) => {
                let Some(fd) = self.pollable_fd() else {
                    return Readiness::Failed(Errno::Badf);
                };
                use rustix::event::{PollFd, PollFlags};
                let want = if read { PollFlags::IN } else { PollFlags::OUT };
                let mut fds = [PollFd::from_borrowed_fd(fd, want)];
                let zero = rustix::event::Timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                match rustix::event::poll(&mut fds, Some(&zero)) {
                    Ok(0) => Readiness::Pending,
                    Ok(_) => {
                        let got = fds[0].revents();
                        let hangup = got.contains(PollFlags::HUP);
                        let nbytes = if read {
                            rustix::io::ioctl_fionread(fd).unwrap_or(0)
                        } else {
                            0
                        };
                        Readiness::Ready { nbytes, hangup }
                    }
                    Err(rustix::io::Errno::INTR) => Readiness::Pending,
                    Err(e) => Readiness::Failed(errno_from_rustix(e)),
                }
            }
        }
    }

    fn accept(&mut self, nonblocking: bool, flags: u16) -> WasiResult<HostKind> {
        let HostKind::Listener(l) = self else {
            return Err(Errno::Notsock);
        };
        l.set_nonblocking(nonblocking).map_err(io)?;
        let (stream, _peer) = retry(|| l.accept())?;
        stream
            .set_nonblocking(flags & fdflags::NONBLOCK != 0)
            .map_err(io)?;
        Ok(HostKind::Socket(stream))
    }

    fn recv(&mut self, mem: &mut GuestMemory<'_>, iovs: &[IoVec], flags: u16) -> WasiResult<u32> {
        let HostKind::Socket(s) = self else {
            return Err(Errno::Notsock);
        };
        let Some(v) = iovs.iter().find(|v| v.len > 0).copied() else {
            return Ok(0);
        };
        let buf = mem.slice_mut(v.ptr, v.len)?;
        if flags & riflags::RECV_PEEK != 0 {
            return Ok(retry(|| s.peek(buf))? as u32);
        }
        if flags & riflags::RECV_WAITALL != 0 {
            let mut total: u64 = 0;
            for v in iovs.iter().filter(|v| v.len > 0) {
                let buf = mem.slice_mut(v.ptr, v.len)?;
                let n = read_full(buf, |b| retry(|| s.read(b)))?;
                total = total.saturating_add(n as u64);
                if n < v.len as usize {
                    break;
                }
            }
            return Ok(u32::try_from(total).unwrap_or(u32::MAX));
        }
        Ok(retry(|| s.read(buf))? as u32)
    }

    fn shutdown(&mut self, how: u8) -> WasiResult<()> {
        let HostKind::Socket(s) = self else {
            return Err(Errno::Notsock);
        };
        let how = match how {
            sdflags::RD => Shutdown::Read,
            sdflags::WR => Shutdown::Write,
            h if h == sdflags::RD | sdflags::WR => Shutdown::Both,
            _ => return Err(Errno::Inval),
        };
        s.shutdown(how).map_err(io)
    }
}

// ------------------------------------------------------------------------------ set-up

/// A listening socket the embedder grants.
pub(crate) fn listener(listener: TcpListener) -> Result<HostKind, Error> {
    listener
        .set_nonblocking(false)
        .map_err(|e| Error::host(format!("cannot use the listening socket: {e}")))?;
    Ok(HostKind::Listener(listener))
}

impl Backend for CapStd {
    type Object = HostKind;

    const FILESYSTEM: bool = true;

    fn open_dir(host_path: &str) -> Result<HostKind, Error> {
        let dir = Dir::open_ambient_dir(host_path, cap_std::ambient_authority()).map_err(|e| {
            Error::host(format!(
                "cannot open directory {host_path} for the guest: {e}"
            ))
        })?;
        Ok(HostKind::Dir(CapDir::new(dir)))
    }

    fn poll_wait(
        ctx: &mut WasiCtx,
        pending: &[(u32, bool)],
        timeout: Option<u64>,
    ) -> WasiResult<(Vec<Woken>, u64)> {
        use rustix::event::{PollFd, PollFlags};
        let mut fds = Vec::new();
        let mut which = Vec::new();
        for &(fd, read) in pending {
            let Some(e) = ctx.table.get(&fd) else {
                continue;
            };
            let host = match &e.kind {
                Kind::Stream(s) => s.host_fd(),
                Kind::Host(h) => h.pollable_fd(),
            };
            if let Some(b) = host {
                let want = if read { PollFlags::IN } else { PollFlags::OUT };
                fds.push(PollFd::from_borrowed_fd(b, want));
                which.push((fd, read));
            }
        }
        if fds.is_empty() {
            let Some(t) = timeout else {
                return Err(Errno::Inval);
            };
            drop(fds);
            ctx.platform.sleep(t)?;
            return Ok((Vec::new(), t));
        }
        let ts = timeout.map(|ns| rustix::event::Timespec {
            tv_sec: (ns / 1_000_000_000) as _,
            tv_nsec: (ns % 1_000_000_000) as _,
        });
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(0) => Ok((Vec::new(), timeout.unwrap_or(0))),
            Ok(_) => {
                let ready = fds
                    .iter()
                    .zip(which)
                    .filter(|(p, _)| !p.revents().is_empty())
                    .map(|(p, (fd, read))| (fd, read, p.revents().contains(PollFlags::HUP)))
                    .collect();
                Ok((ready, 0))
            }
            Err(rustix::io::Errno::INTR) => Ok((Vec::new(), 0)),
            Err(e) => Err(errno_from_rustix(e)),
        }
    }
}

// ------------------------------------------------------------------------------ paths

/// Opens (with `create`, creates) a file below `dir` as `how` asks.
fn open_file(dir: &Dir, p: &Path, how: &OpenRequest) -> WasiResult<File> {
    let options = |create: bool, write: bool| {
        let mut opts = OpenOptions::new();
        // A descriptor needs some access mode: read when the guest asks for nothing else.
        opts.read(how.read || !write)
            .write(write)
            .truncate(how.truncate);
        if create {
            if how.exclusive {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        opts.follow(if how.follow {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        opts.maybe_dir(true);
        opts.dsync(how.dsync).sync(how.sync).rsync(how.rsync);
        opts
    };
    // POSIX creates files for read-only descriptors too (`O_CREAT | O_RDONLY`); std's
    // OpenOptions creates only for writable ones, so the host descriptor of a file being
    // created is writable whatever the guest asked. The guest still writes only with FD_WRITE.
    match dir.open_with(p, &options(how.create, how.write || how.create)) {
        // An existing file the host does not let us write (mode 0444, say) opens for reading
        // without O_CREAT: the write access was never the guest's request.
        Err(e) if how.create && !how.write && !how.exclusive && access_denied(&e) => {
            dir.open_with(p, &options(false, false)).map_err(|_| io(e))
        }
        opened => opened.map_err(io),
    }
}

/// Whether the OS refused `e` for lack of permission.
fn access_denied(e: &std::io::Error) -> bool {
    matches!(
        rustix::io::Errno::from_io_error(e),
        Some(rustix::io::Errno::ACCESS | rustix::io::Errno::PERM)
    )
}

/// A checked guest path without its trailing slashes (a relative path keeps its first
/// component).
fn without_trailing_slashes(path: RelPath<'_>) -> &Path {
    Path::new(path.as_str().trim_end_matches('/'))
}

/// A checked guest path as a host path relative to a directory handle.
fn host_path(path: RelPath<'_>) -> &Path {
    Path::new(path.as_str())
}

impl HostDir for CapDir {
    type Object = HostKind;

    fn create_directory_at(&self, path: RelPath<'_>) -> WasiResult<()> {
        self.dir.create_dir(host_path(path)).map_err(io)
    }

    fn filestat_at(&self, path: RelPath<'_>, follow: bool) -> WasiResult<Filestat> {
        let p = host_path(path);
        let m = if follow {
            self.dir.metadata(p)
        } else {
            self.dir.symlink_metadata(p)
        }
        .map_err(io)?;
        Ok(filestat_of(&m))
    }

    fn set_times_at(
        &self,
        path: RelPath<'_>,
        follow: bool,
        atim: TimeSpec,
        mtim: TimeSpec,
    ) -> WasiResult<()> {
        let p = host_path(path);
        if follow {
            self.dir
                .set_times(p, cap_timespec(atim), cap_timespec(mtim))
        } else {
            self.dir
                .set_symlink_times(p, cap_timespec(atim), cap_timespec(mtim))
        }
        .map_err(io)
    }

    fn link_at(&self, old: RelPath<'_>, to: &CapDir, new: RelPath<'_>) -> WasiResult<()> {
        self.dir
            .hard_link(host_path(old), &to.dir, host_path(new))
            .map_err(io)
    }

    fn open_at(&self, path: RelPath<'_>, how: &OpenRequest) -> WasiResult<HostKind> {
        let p = host_path(path);
        if how.directory {
            let dir = if how.follow {
                self.dir.open_dir(p)
            } else {
                self.dir.open_dir_nofollow(p)
            }
            .map_err(io)?;
            return Ok(HostKind::Dir(CapDir::new(dir)));
        }
        let file = open_file(&self.dir, p, how)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            Ok(HostKind::Dir(CapDir::new(Dir::from_std_file(
                file.into_std(),
            ))))
        } else {
            let mut kind = HostKind::File(HostFile {
                file,
                filetype: filetype_of(meta.file_type()),
            });
            if how.append {
                // Set once the file is open: the OS takes O_APPEND with O_TRUNC, std's
                // OpenOptions refuses the pair.
                kind.set_flags(fdflags::APPEND)?;
            }
            Ok(kind)
        }
    }

    fn readlink_at(&self, path: RelPath<'_>) -> WasiResult<Vec<u8>> {
        let target = self.dir.read_link_contents(host_path(path)).map_err(io)?;
        Ok(target.as_os_str().as_bytes().to_vec())
    }

    fn remove_directory_at(&self, path: RelPath<'_>) -> WasiResult<()> {
        // `dir/` names the directory `dir` (POSIX rmdir): cap-std would see the last
        // component as `.` and answer EINVAL. A file named `file/` is still ENOTDIR.
        self.dir
            .remove_dir(without_trailing_slashes(path))
            .map_err(io)
    }

    fn rename_at(&self, old: RelPath<'_>, to: &CapDir, new: RelPath<'_>) -> WasiResult<()> {
        self.dir
            .rename(host_path(old), &to.dir, host_path(new))
            .map_err(io)
    }

    fn symlink_at(&self, target: RelPath<'_>, new: RelPath<'_>) -> WasiResult<()> {
        self.dir
            .symlink(host_path(target), host_path(new))
            .map_err(io)
    }

    fn unlink_file_at(&self, path: RelPath<'_>) -> WasiResult<()> {
        self.dir.remove_file(host_path(path)).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_map_to_wasi_errnos() {
        use rustix::io::Errno as Os;
        for (os, errno) in [
            (Os::NOENT, Errno::Noent),
            (Os::ACCESS, Errno::Acces),
            (Os::PERM, Errno::Perm),
            (Os::EXIST, Errno::Exist),
            (Os::NOTDIR, Errno::Notdir),
            (Os::ISDIR, Errno::Isdir),
            (Os::NOTEMPTY, Errno::Notempty),
            (Os::LOOP, Errno::Loop),
            (Os::XDEV, Errno::Xdev),
            (Os::AGAIN, Errno::Again),
            (Os::NOTSUP, Errno::Notsup),
            (Os::NAMETOOLONG, Errno::Nametoolong),
        ] {
            let error = std::io::Error::from_raw_os_error(os.raw_os_error());
            assert_eq!(errno_from_io(&error), errno, "{os:?}");
        }
        assert_eq!(
            errno_from_rustix(rustix::io::Errno::CONNRESET),
            Errno::Connreset
        );
        // cap-std's "a path led outside of the filesystem" has no OS number.
        let escape = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "a path led outside of the filesystem",
        );
        assert_eq!(errno_from_io(&escape), Errno::Notcapable);
        let other = std::io::Error::other("something else");
        assert_eq!(errno_from_io(&other), Errno::Io);
        assert_eq!(
            errno_from_io(&std::io::ErrorKind::NotFound.into()),
            Errno::Noent
        );
    }

    #[test]
    fn the_context_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<WasiCtx>();
    }
}

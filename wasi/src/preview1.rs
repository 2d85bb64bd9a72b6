//! The 46 functions of `wasi_snapshot_preview1`, on a [`WasiCtx`] and a [`GuestMemory`].
//!
//! Each function decodes its guest arguments, checks rights, does the work (through the host
//! backend for files, directories and sockets) and encodes results exactly as the witx lays them
//! out. Errors are [`Errno`] values for the guest; only `proc_exit` and `proc_raise` end the call
//! with a host [`Error`].

use alloc::format;
use alloc::vec::Vec;

use super::ctx::{Kind, WasiCtx};
use super::memory::{GuestMemory, IoVec};
use super::types::{
    eventrwflags, eventtype, fdflags, fstflags, layout, preopentype, rights, signal, subclockflags,
    whence, ClockId, Errno, Filetype, WasiResult,
};
use wrt::Error;

/// `$filestat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// One directory entry for `fd_readdir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirEntryInfo {
    pub name: Vec<u8>,
    pub ino: u64,
    pub filetype: Filetype,
}

/// A new access or modification time (`fd_filestat_set_times` / `path_filestat_set_times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSpec {
    Keep,
    Now,
    At(u64),
}

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

/// A descriptor the host reported ready while `poll_oneoff` waited: (fd, read, hangup).
pub(crate) type Woken = (u32, bool, bool);

/// Readiness of one descriptor for `poll_oneoff`.
#[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    Ready { nbytes: u64, hangup: bool },
    Pending,
    Failed(Errno),
}

fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Filestat) -> WasiResult<()> {
    let mut buf = [0u8; layout::FILESTAT_SIZE as usize];
    let mut put = |at: u32, bytes: &[u8]| {
        let at = at as usize;
        buf[at..at + bytes.len()].copy_from_slice(bytes);
    };
    put(layout::FILESTAT_DEV, &st.dev.to_le_bytes());
    put(layout::FILESTAT_INO, &st.ino.to_le_bytes());
    put(layout::FILESTAT_FILETYPE, &[st.filetype]);
    put(layout::FILESTAT_NLINK, &st.nlink.to_le_bytes());
    put(layout::FILESTAT_SIZE_FIELD, &st.size.to_le_bytes());
    put(layout::FILESTAT_ATIM, &st.atim.to_le_bytes());
    put(layout::FILESTAT_MTIM, &st.mtim.to_le_bytes());
    put(layout::FILESTAT_CTIM, &st.ctim.to_le_bytes());
    mem.write_bytes(ptr, &buf)
}

/// Serializes directory entries starting at index `cookie` into a buffer of `buf_len` bytes, the
/// last one truncated if it does not fit (the guest then retries with a larger buffer).
pub(crate) fn encode_dirents(entries: &[DirEntryInfo], cookie: u64, buf_len: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let cap = buf_len as usize;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in entries.iter().enumerate().skip(start) {
        if out.len() >= cap {
            break;
        }
        let mut d = [0u8; layout::DIRENT_SIZE as usize];
        let next = (i as u64).saturating_add(1);
        d[layout::DIRENT_NEXT..layout::DIRENT_NEXT + 8].copy_from_slice(&next.to_le_bytes());
        d[layout::DIRENT_INO..layout::DIRENT_INO + 8].copy_from_slice(&e.ino.to_le_bytes());
        let namlen = u32::try_from(e.name.len()).unwrap_or(u32::MAX);
        d[layout::DIRENT_NAMLEN..layout::DIRENT_NAMLEN + 4].copy_from_slice(&namlen.to_le_bytes());
        d[layout::DIRENT_TYPE] = e.filetype as u8;
        let room = cap - out.len();
        let header = d.len().min(room);
        out.extend_from_slice(&d[..header]);
        let room = cap - out.len();
        let name = e.name.len().min(room);
        out.extend_from_slice(&e.name[..name]);
    }
    out
}

/// Reads `len` bytes or up to end of file with a reader that may return short counts.
#[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
pub(crate) fn read_full(
    buf: &mut [u8],
    mut read: impl FnMut(&mut [u8]) -> WasiResult<usize>,
) -> WasiResult<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Writes a list of iovecs through `write`, stopping at the first short write. Errors after
/// some bytes were written are reported as the partial count.
pub(crate) fn write_iovecs(
    mem: &GuestMemory<'_>,
    iovs: &[IoVec],
    mut write: impl FnMut(&[u8]) -> WasiResult<usize>,
) -> WasiResult<u32> {
    let mut total: u32 = 0;
    for iov in iovs {
        let data = mem.slice(iov.ptr, iov.len)?;
        let mut done = 0;
        while done < data.len() {
            match write(&data[done..]) {
                Ok(0) => return Ok(total),
                Ok(n) => {
                    done += n;
                    total = total.saturating_add(n as u32);
                }
                Err(e) if total == 0 => return Err(e),
                Err(_) => return Ok(total),
            }
        }
    }
    Ok(total)
}

fn stream_read(
    s: &mut dyn super::platform::WasiStream,
    mem: &mut GuestMemory<'_>,
    iovs: &[IoVec],
) -> WasiResult<u32> {
    match iovs.iter().find(|v| v.len > 0) {
        Some(v) => {
            let buf = mem.slice_mut(v.ptr, v.len)?;
            let n = s.read(buf)?;
            Ok(n.min(buf.len()) as u32)
        }
        None => Ok(0),
    }
}

/// `ENOTCAPABLE` unless `held` includes every right in `required`.
fn require(held: u64, required: u64) -> WasiResult<()> {
    if held & required == required {
        Ok(())
    } else {
        Err(Errno::Notcapable)
    }
}

struct Subscription {
    userdata: u64,
    what: SubKind,
}

enum SubKind {
    /// Fires when `remaining` nanoseconds have passed since the call started.
    Clock {
        remaining: u64,
    },
    /// A clock subscription that failed while being decoded.
    ClockError(Errno),
    Fd {
        fd: u32,
        read: bool,
    },
}

struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    flags: u16,
}

impl WasiCtx {
    // ---------------------------------------------------------------- args and environment

    fn put_strings(
        list: &[alloc::string::String],
        mem: &mut GuestMemory<'_>,
        ptrs: u32,
        buf: u32,
    ) -> WasiResult<()> {
        let mut at = buf;
        for (i, s) in list.iter().enumerate() {
            let slot = ptrs
                .checked_add((i as u32).checked_mul(4).ok_or(Errno::Fault)?)
                .ok_or(Errno::Fault)?;
            mem.write_u32(slot, at)?;
            mem.write_bytes(at, s.as_bytes())?;
            let end = at.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
            mem.write_u8(end, 0)?;
            at = end.checked_add(1).ok_or(Errno::Fault)?;
        }
        Ok(())
    }

    fn sizes(list: &[alloc::string::String]) -> WasiResult<(u32, u32)> {
        let count = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
        let bytes = list.iter().map(|s| s.len() + 1).sum::<usize>();
        let bytes = u32::try_from(bytes).map_err(|_| Errno::Overflow)?;
        Ok((count, bytes))
    }

    pub(crate) fn args_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argv: u32,
        buf: u32,
    ) -> WasiResult<()> {
        Self::put_strings(&self.args, mem, argv, buf)
    }

    pub(crate) fn args_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argc: u32,
        size: u32,
    ) -> WasiResult<()> {
        let (n, bytes) = Self::sizes(&self.args)?;
        mem.write_u32(argc, n)?;
        mem.write_u32(size, bytes)
    }

    pub(crate) fn environ_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        environ: u32,
        buf: u32,
    ) -> WasiResult<()> {
        Self::put_strings(&self.env, mem, environ, buf)
    }

    pub(crate) fn environ_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        count: u32,
        size: u32,
    ) -> WasiResult<()> {
        let (n, bytes) = Self::sizes(&self.env)?;
        mem.write_u32(count, n)?;
        mem.write_u32(size, bytes)
    }

    // ---------------------------------------------------------------- clocks and random

    pub(crate) fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        out: u32,
    ) -> WasiResult<()> {
        let clock = ClockId::from_raw(id)?;
        let res = self.platform.clock_resolution(clock)?;
        mem.write_u64(out, res)
    }

    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        out: u32,
    ) -> WasiResult<()> {
        let clock = ClockId::from_raw(id)?;
        let now = self.platform.clock_time(clock)?;
        mem.write_u64(out, now)
    }

    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        buf: u32,
        len: u32,
    ) -> WasiResult<()> {
        let out = mem.slice_mut(buf, len)?;
        self.platform.random(out)
    }

    pub(crate) fn sched_yield(&mut self) -> WasiResult<()> {
        self.platform.yield_now();
        Ok(())
    }

    // ---------------------------------------------------------------- process

    /// `proc_exit`: `Error::Exit(code)` when exit is allowed, otherwise a trap.
    pub(crate) fn proc_exit(&mut self, code: u32) -> Error {
        self.flush();
        if self.exit_allowed {
            Error::Exit(code as i32)
        } else {
            Error::host(format!(
                "the guest called proc_exit({code}), but exiting is not allowed \
                 (grant capabilities.process.exit_allowed)"
            ))
        }
    }

    /// `proc_raise`: signals whose default action is to ignore them are ignored; the others
    /// would terminate the process, which ends the call with a trap naming the signal.
    pub(crate) fn proc_raise(&mut self, sig: u32) -> Result<Errno, Error> {
        let Ok(sig) = u8::try_from(sig) else {
            return Ok(Errno::Inval);
        };
        match sig {
            signal::NONE | signal::CHLD | signal::CONT | signal::URG | signal::WINCH => {
                Ok(Errno::Success)
            }
            signal::STOP | signal::TSTP | signal::TTIN | signal::TTOU => Ok(Errno::Notsup),
            1..=signal::SYS => {
                self.flush();
                Err(Error::host(format!(
                    "the guest raised {} and terminated",
                    signal::name(sig)
                )))
            }
            _ => Ok(Errno::Inval),
        }
    }

    // ---------------------------------------------------------------- descriptors

    pub(crate) fn fd_close(&mut self, fd: u32) -> WasiResult<()> {
        let mut entry = self.table.remove(&fd).ok_or(Errno::Badf)?;
        if let Kind::Stream(s) = &mut entry.kind {
            let _ = s.flush();
        }
        Ok(())
    }

    pub(crate) fn fd_renumber(&mut self, from: u32, to: u32) -> WasiResult<()> {
        if !self.table.contains_key(&from) || !self.table.contains_key(&to) {
            return Err(Errno::Badf);
        }
        if from == to {
            return Ok(());
        }
        let entry = self.table.remove(&from).ok_or(Errno::Badf)?;
        self.table.insert(to, entry);
        Ok(())
    }

    pub(crate) fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult<()> {
        let e = self.entry(fd)?;
        let mut buf = [0u8; layout::FDSTAT_SIZE as usize];
        buf[layout::FDSTAT_FILETYPE as usize] = e.filetype() as u8;
        let f = layout::FDSTAT_FLAGS as usize;
        buf[f..f + 2].copy_from_slice(&e.flags.to_le_bytes());
        let b = layout::FDSTAT_RIGHTS_BASE as usize;
        buf[b..b + 8].copy_from_slice(&e.rights_base.to_le_bytes());
        let i = layout::FDSTAT_RIGHTS_INHERITING as usize;
        buf[i..i + 8].copy_from_slice(&e.rights_inheriting.to_le_bytes());
        mem.write_bytes(out, &buf)
    }

    pub(crate) fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_FDSTAT_SET_FLAGS)?;
        let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
        if flags & !fdflags::ALL != 0 {
            return Err(Errno::Inval);
        }
        let sync = fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC;
        if (flags ^ e.flags) & sync != 0 {
            // Synchronous-I/O modes are fixed when a file is opened.
            return Err(Errno::Notsup);
        }
        match &mut e.kind {
            Kind::Stream(_) => {}
            Kind::Host(h) => h.set_flags(flags)?,
        }
        e.flags = flags;
        Ok(())
    }

    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        if base & !e.rights_base != 0 || inheriting & !e.rights_inheriting != 0 {
            return Err(Errno::Notcapable);
        }
        e.rights_base = base;
        e.rights_inheriting = inheriting;
        Ok(())
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult<()> {
        let e = self.entry(fd)?;
        let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
        let len = u32::try_from(name.len()).map_err(|_| Errno::Overflow)?;
        let mut buf = [0u8; layout::PRESTAT_SIZE as usize];
        buf[0] = preopentype::DIR;
        let n = layout::PRESTAT_NAME_LEN as usize;
        buf[n..n + 4].copy_from_slice(&len.to_le_bytes());
        mem.write_bytes(out, &buf)
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let e = self.entry(fd)?;
        let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
        if (len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        mem.write_bytes(path, name.as_bytes())
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_FILESTAT_GET)?;
        let st = match &mut e.kind {
            Kind::Stream(s) => Filestat {
                filetype: s.filetype() as u8,
                ..Filestat::default()
            },
            Kind::Host(h) => h.filestat()?,
        };
        write_filestat(mem, out, &st)
    }

    pub(crate) fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_FILESTAT_SET_SIZE)?;
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Inval),
            Kind::Host(h) => h.set_size(size),
        }
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_FILESTAT_SET_TIMES)?;
        let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
        let (a, m) = time_specs(atim, mtim, flags)?;
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Inval),
            Kind::Host(h) => h.set_times(a, m),
        }
    }

    pub(crate) fn fd_advise(
        &mut self,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        if let Kind::Stream(_) = e.kind {
            return Err(Errno::Spipe);
        }
        e.require(rights::FD_ADVISE)?;
        let advice = u8::try_from(advice).map_err(|_| Errno::Inval)?;
        if advice > super::types::advice::NOREUSE {
            return Err(Errno::Inval);
        }
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Spipe),
            Kind::Host(h) => h.advise(offset, len, advice),
        }
    }

    pub(crate) fn fd_allocate(&mut self, fd: u32, offset: u64, len: u64) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_ALLOCATE)?;
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        if len == 0 {
            return Err(Errno::Inval);
        }
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Spipe),
            Kind::Host(h) => h.allocate(end),
        }
    }

    pub(crate) fn fd_datasync(&mut self, fd: u32) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_DATASYNC)?;
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Inval),
            Kind::Host(h) => h.sync(true),
        }
    }

    pub(crate) fn fd_sync(&mut self, fd: u32) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_SYNC)?;
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Inval),
            Kind::Host(h) => h.sync(false),
        }
    }

    // ---------------------------------------------------------------- reading and writing

    pub(crate) fn fd_read(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_READ)?;
        let n = match &mut e.kind {
            Kind::Stream(s) => stream_read(s.as_mut(), mem, &iovs)?,
            Kind::Host(h) => h.read(mem, &iovs, None)?,
        };
        mem.write_u32(nread, n)
    }

    pub(crate) fn fd_pread(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let e = self.entry_mut(fd)?;
        // Streams cannot be positioned: ESPIPE before any rights check.
        let rights_ok = e.require(rights::FD_READ | rights::FD_SEEK);
        let Kind::Host(h) = &mut e.kind else {
            return Err(Errno::Spipe);
        };
        rights_ok?;
        let n = h.read(mem, &iovs, Some(offset))?;
        mem.write_u32(nread, n)
    }

    pub(crate) fn fd_write(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let e = self.entry_mut(fd)?;
        e.require(rights::FD_WRITE)?;
        let n = match &mut e.kind {
            Kind::Stream(s) => write_iovecs(mem, &iovs, |d| s.write(d))?,
            Kind::Host(h) => h.write(mem, &iovs, None)?,
        };
        mem.write_u32(nwritten, n)
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let e = self.entry_mut(fd)?;
        // Streams cannot be positioned: ESPIPE before any rights check.
        let rights_ok = e.require(rights::FD_WRITE | rights::FD_SEEK);
        let Kind::Host(h) = &mut e.kind else {
            return Err(Errno::Spipe);
        };
        rights_ok?;
        let n = h.write(mem, &iovs, Some(offset))?;
        mem.write_u32(nwritten, n)
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: i64,
        whence: u32,
        out: u32,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        if let Kind::Stream(_) = e.kind {
            return Err(Errno::Spipe);
        }
        let whence = u8::try_from(whence).map_err(|_| Errno::Inval)?;
        if whence == whence::CUR && offset == 0 {
            // Asking where we are needs only `fd_tell` (this is how `ftell` is implemented).
            if e.rights_base & (rights::FD_SEEK | rights::FD_TELL) == 0 {
                return Err(Errno::Notcapable);
            }
        } else {
            e.require(rights::FD_SEEK)?;
        }
        if whence > whence::END {
            return Err(Errno::Inval);
        }
        let pos = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Spipe),
            Kind::Host(h) => h.seek(offset, whence)?,
        };
        mem.write_u64(out, pos)
    }

    pub(crate) fn fd_tell(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        if let Kind::Stream(_) = e.kind {
            return Err(Errno::Spipe);
        }
        e.require(rights::FD_TELL)?;
        let pos = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Spipe),
            Kind::Host(h) => h.seek(0, whence::CUR)?,
        };
        mem.write_u64(out, pos)
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> WasiResult<()> {
        // Check the output buffer before touching the directory.
        mem.slice(buf, buf_len)?;
        let e = self.entry_mut(fd)?;
        if e.filetype() != Filetype::Directory {
            return Err(Errno::Notdir);
        }
        e.require(rights::FD_READDIR)?;
        let bytes = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Notdir),
            Kind::Host(h) => encode_dirents(h.readdir(cookie)?, cookie, buf_len),
        };
        mem.write_bytes(buf, &bytes)?;
        mem.write_u32(bufused, bytes.len() as u32)
    }

    // ---------------------------------------------------------------- paths

    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        self.fs_create_directory(fd, path)
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        out: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let st = self.fs_filestat_get(fd, flags, path)?;
        write_filestat(mem, out, &st)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        atim: u64,
        mtim: u64,
        fst: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let fst = u16::try_from(fst).map_err(|_| Errno::Inval)?;
        let (a, m) = time_specs(atim, mtim, fst)?;
        self.fs_set_times(fd, flags, path, a, m)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_link(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult<()> {
        let old = mem.read_str(old_path, old_len)?;
        let new = mem.read_str(new_path, new_len)?;
        self.fs_link(old_fd, old_flags, old, new_fd, new)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        dirflags: u32,
        path: u32,
        len: u32,
        oflags: u32,
        base: u64,
        inheriting: u64,
        fdflags: u32,
        out: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let oflags = u16::try_from(oflags).map_err(|_| Errno::Inval)?;
        let fdflags = u16::try_from(fdflags).map_err(|_| Errno::Inval)?;
        let new_fd = self.fs_open(fd, dirflags, path, oflags, base, inheriting, fdflags)?;
        if let Err(e) = mem.write_u32(out, new_fd) {
            let _ = self.fd_close(new_fd);
            return Err(e);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let target = self.fs_readlink(fd, path)?;
        let n = target.len().min(buf_len as usize);
        mem.write_bytes(buf, &target[..n])?;
        mem.write_u32(bufused, n as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        self.fs_remove_directory(fd, path)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult<()> {
        let old = mem.read_str(old_path, old_len)?;
        let new = mem.read_str(new_path, new_len)?;
        self.fs_rename(fd, old, new_fd, new)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_path: u32,
        old_len: u32,
        fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult<()> {
        let old = mem.read_str(old_path, old_len)?;
        let new = mem.read_str(new_path, new_len)?;
        self.fs_symlink(old, fd, new)
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        self.fs_unlink_file(fd, path)
    }

    // ---------------------------------------------------------------- sockets

    pub(crate) fn sock_accept(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        out: u32,
    ) -> WasiResult<()> {
        let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::Inval);
        }
        let e = self.entry_mut(fd)?;
        let held = e.rights_base;
        let nonblocking = e.flags & fdflags::NONBLOCK != 0;
        let entry = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Notsock),
            Kind::Host(h) => {
                if !h.is_listener() {
                    return Err(if h.is_socket() {
                        Errno::Inval
                    } else {
                        Errno::Notsock
                    });
                }
                require(held, rights::SOCK_ACCEPT)?;
                h.accept(nonblocking, flags)?
            }
        };
        let new_fd = self.insert(entry)?;
        if let Err(err) = mem.write_u32(out, new_fd) {
            let _ = self.fd_close(new_fd);
            return Err(err);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sock_recv(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        ri_flags: u32,
        datalen: u32,
        roflags: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let flags = u16::try_from(ri_flags).map_err(|_| Errno::Inval)?;
        let all = super::types::riflags::RECV_PEEK | super::types::riflags::RECV_WAITALL;
        if flags & !all != 0 {
            return Err(Errno::Inval);
        }
        let e = self.entry_mut(fd)?;
        let held = e.rights_base;
        let n = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Notsock),
            Kind::Host(h) => {
                if !h.is_socket() {
                    return Err(Errno::Notsock);
                }
                require(held, rights::FD_READ)?;
                h.recv(mem, &iovs, flags)?
            }
        };
        mem.write_u32(datalen, n)?;
        mem.write_u16(roflags, 0)
    }

    pub(crate) fn sock_send(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        si_flags: u32,
        datalen: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        if si_flags != 0 {
            return Err(Errno::Inval);
        }
        let e = self.entry_mut(fd)?;
        let held = e.rights_base;
        let n = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Notsock),
            Kind::Host(h) => {
                if !h.is_socket() {
                    return Err(Errno::Notsock);
                }
                require(held, rights::FD_WRITE)?;
                h.write(mem, &iovs, None)?
            }
        };
        mem.write_u32(datalen, n)
    }

    pub(crate) fn sock_shutdown(&mut self, fd: u32, how: u32) -> WasiResult<()> {
        let e = self.entry_mut(fd)?;
        let held = e.rights_base;
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Notsock),
            Kind::Host(h) => {
                if !h.is_socket() {
                    return Err(Errno::Notsock);
                }
                require(held, rights::SOCK_SHUTDOWN)?;
                let how = u8::try_from(how).map_err(|_| Errno::Inval)?;
                h.shutdown(how)
            }
        }
    }

    // ---------------------------------------------------------------- poll

    fn readiness(&mut self, fd: u32, read: bool) -> Readiness {
        let e = match self.entry_mut(fd) {
            Ok(e) => e,
            Err(err) => return Readiness::Failed(err),
        };
        if let Err(err) = e.require(rights::POLL_FD_READWRITE) {
            return Readiness::Failed(err);
        }
        match &mut e.kind {
            Kind::Stream(s) => {
                if !read {
                    return Readiness::Ready {
                        nbytes: 0,
                        hangup: false,
                    };
                }
                match s.read_ready() {
                    Ok(Some(nbytes)) => Readiness::Ready {
                        nbytes,
                        hangup: false,
                    },
                    Ok(None) => {
                        #[cfg(all(feature = "std", unix))]
                        if s.host_fd().is_some() {
                            return Readiness::Pending;
                        }
                        Readiness::Ready {
                            nbytes: 0,
                            hangup: false,
                        }
                    }
                    Err(err) => Readiness::Failed(err),
                }
            }
            Kind::Host(h) => h.readiness(read),
        }
    }

    fn read_subscriptions(
        &mut self,
        mem: &GuestMemory<'_>,
        ptr: u32,
        n: u32,
    ) -> WasiResult<Vec<Subscription>> {
        let total = n
            .checked_mul(layout::SUBSCRIPTION_SIZE)
            .ok_or(Errno::Fault)?;
        mem.slice(ptr, total)?;
        let mut subs = Vec::with_capacity(n as usize);
        for i in 0..n {
            let at = ptr + i * layout::SUBSCRIPTION_SIZE;
            let userdata = mem.read_u64(at + layout::SUBSCRIPTION_USERDATA)?;
            let tag = mem.read_u8(at + layout::SUBSCRIPTION_TAG)?;
            let what = match tag {
                eventtype::CLOCK => {
                    let id = mem.read_u32(at + layout::SUBSCRIPTION_CLOCK_ID)?;
                    let timeout = mem.read_u64(at + layout::SUBSCRIPTION_CLOCK_TIMEOUT)?;
                    let flags = mem.read_u16(at + layout::SUBSCRIPTION_CLOCK_FLAGS)?;
                    self.clock_subscription(id, timeout, flags)
                }
                eventtype::FD_READ | eventtype::FD_WRITE => SubKind::Fd {
                    fd: mem.read_u32(at + layout::SUBSCRIPTION_FD)?,
                    read: tag == eventtype::FD_READ,
                },
                _ => return Err(Errno::Inval),
            };
            subs.push(Subscription { userdata, what });
        }
        Ok(subs)
    }

    fn clock_subscription(&mut self, id: u32, timeout: u64, flags: u16) -> SubKind {
        let clock = match ClockId::from_raw(id) {
            Ok(c) => c,
            Err(e) => return SubKind::ClockError(e),
        };
        if flags & !subclockflags::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
            return SubKind::ClockError(Errno::Inval);
        }
        if matches!(clock, ClockId::ProcessCputime | ClockId::ThreadCputime) {
            // Waiting does not consume CPU time; such a wait could never end.
            return SubKind::ClockError(Errno::Notsup);
        }
        if flags & subclockflags::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
            match self.platform.clock_time(clock) {
                Ok(now) => SubKind::Clock {
                    remaining: timeout.saturating_sub(now),
                },
                Err(e) => SubKind::ClockError(e),
            }
        } else {
            SubKind::Clock { remaining: timeout }
        }
    }

    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        input: u32,
        output: u32,
        n: u32,
        nevents: u32,
    ) -> WasiResult<()> {
        if n == 0 {
            return Err(Errno::Inval);
        }
        let subs = self.read_subscriptions(mem, input, n)?;
        mem.slice(
            output,
            n.checked_mul(layout::EVENT_SIZE).ok_or(Errno::Fault)?,
        )?;
        mem.slice(nevents, 4)?;

        let start = self.platform.clock_time(ClockId::Monotonic).ok();
        let mut slept: u64 = 0;
        // Descriptors the last host poll reported ready (or hung up), as (fd, read, hangup).
        let mut woke: Vec<Woken> = Vec::new();
        let events = loop {
            let mut events = Vec::new();
            let mut pending: Vec<(u32, bool)> = Vec::new();
            for sub in &subs {
                match sub.what {
                    SubKind::ClockError(err) => events.push(Event {
                        userdata: sub.userdata,
                        error: err,
                        ty: eventtype::CLOCK,
                        nbytes: 0,
                        flags: 0,
                    }),
                    SubKind::Clock { .. } => {}
                    SubKind::Fd { fd, read } => {
                        let ty = if read {
                            eventtype::FD_READ
                        } else {
                            eventtype::FD_WRITE
                        };
                        let state = match woke.iter().find(|w| w.0 == fd && w.1 == read) {
                            Some(&(_, _, hangup)) => Readiness::Ready { nbytes: 0, hangup },
                            None => self.readiness(fd, read),
                        };
                        match state {
                            Readiness::Ready { nbytes, hangup } => events.push(Event {
                                userdata: sub.userdata,
                                error: Errno::Success,
                                ty,
                                nbytes,
                                flags: if hangup {
                                    eventrwflags::FD_READWRITE_HANGUP
                                } else {
                                    0
                                },
                            }),
                            Readiness::Failed(err) => events.push(Event {
                                userdata: sub.userdata,
                                error: err,
                                ty,
                                nbytes: 0,
                                flags: 0,
                            }),
                            Readiness::Pending => pending.push((fd, read)),
                        }
                    }
                }
            }
            let elapsed = match (start, self.platform.clock_time(ClockId::Monotonic).ok()) {
                (Some(s), Some(now)) => now.saturating_sub(s),
                _ => slept,
            };
            let mut next_deadline: Option<u64> = None;
            for sub in &subs {
                if let SubKind::Clock { remaining } = sub.what {
                    if remaining <= elapsed {
                        events.push(Event {
                            userdata: sub.userdata,
                            error: Errno::Success,
                            ty: eventtype::CLOCK,
                            nbytes: 0,
                            flags: 0,
                        });
                    } else {
                        let left = remaining - elapsed;
                        next_deadline = Some(next_deadline.map_or(left, |d| d.min(left)));
                    }
                }
            }
            if !events.is_empty() {
                break events;
            }
            if pending.is_empty() && next_deadline.is_none() {
                // Nothing can ever become ready.
                break events;
            }
            let (ready, waited) = self.poll_wait(&pending, next_deadline)?;
            woke = ready;
            slept = slept.saturating_add(waited);
        };

        for (i, ev) in events.iter().enumerate() {
            let mut buf = [0u8; layout::EVENT_SIZE as usize];
            buf[0..8].copy_from_slice(&ev.userdata.to_le_bytes());
            let e = layout::EVENT_ERROR as usize;
            buf[e..e + 2].copy_from_slice(&ev.error.raw().to_le_bytes());
            buf[layout::EVENT_TYPE as usize] = ev.ty;
            if ev.ty != eventtype::CLOCK {
                let nb = layout::EVENT_NBYTES as usize;
                buf[nb..nb + 8].copy_from_slice(&ev.nbytes.to_le_bytes());
                let fl = layout::EVENT_FLAGS as usize;
                buf[fl..fl + 2].copy_from_slice(&ev.flags.to_le_bytes());
            }
            mem.write_bytes(output + (i as u32) * layout::EVENT_SIZE, &buf)?;
        }
        mem.write_u32(nevents, events.len() as u32)
    }

    /// Blocks until one of `pending` may be ready or `timeout` nanoseconds passed. Returns the
    /// descriptors that became ready as (fd, read, hangup), and the nanoseconds slept when known
    /// (used only when there is no monotonic clock).
    #[cfg(not(all(feature = "std", unix)))]
    fn poll_wait(
        &mut self,
        _pending: &[(u32, bool)],
        timeout: Option<u64>,
    ) -> WasiResult<(Vec<Woken>, u64)> {
        match timeout {
            Some(t) => {
                self.platform.sleep(t)?;
                Ok((Vec::new(), t))
            }
            None => Err(Errno::Inval),
        }
    }
}

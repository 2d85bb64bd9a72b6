//! Descriptors: the `fd_*` functions (closing, renumbering, status and rights, preopens,
//! metadata, reading, writing, seeking and listing directories), on streams and host objects.

use super::args;
use alloc::vec::Vec;

use super::{put, time_specs, write_filestat};
use crate::backend::{HostObject, Object, Transfer};
use crate::ctx::{require, Entry, Kind, WasiCtx};
use crate::memory::{write_iovecs, GuestMemory, IoVec};
use crate::platform::WasiStream;
use crate::types::{
    advice, fdflags, layout, preopentype, rights, whence, DirEntryInfo, Errno, Filestat, Filetype,
    WasiResult,
};

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

fn stream_read(
    s: &mut dyn WasiStream,
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

impl WasiCtx {
    pub(crate) fn fd_close(&mut self, a: args::fd_close) -> WasiResult<()> {
        let mut entry = self.table.remove(&a.fd).ok_or(Errno::Badf)?;
        if let Kind::Stream(s) = &mut entry.kind {
            let _ = s.flush();
        }
        Ok(())
    }

    /// The host object behind `fd` and the rights it holds; a stream there is `stream`.
    pub(super) fn host(&mut self, fd: u32, stream: Errno) -> WasiResult<(&mut Object, u64)> {
        let e = self.entry_mut(fd)?;
        let held = e.rights_base;
        match &mut e.kind {
            Kind::Stream(_) => Err(stream),
            Kind::Host(h) => Ok((h, held)),
        }
    }

    /// The host object behind `fd` after checking it holds `right`; a stream there is
    /// `stream`.
    fn host_with(&mut self, fd: u32, right: u64, stream: Errno) -> WasiResult<&mut Object> {
        let e = self.entry_mut(fd)?;
        e.require(right)?;
        match &mut e.kind {
            Kind::Stream(_) => Err(stream),
            Kind::Host(h) => Ok(h),
        }
    }

    /// Opens `entry` as a new descriptor and stores its number at `out`; if that store
    /// faults, the descriptor is closed again.
    pub(super) fn install(
        &mut self,
        mem: &mut GuestMemory<'_>,
        entry: Entry,
        out: u32,
    ) -> WasiResult<()> {
        let new_fd = self.insert(entry)?;
        if let Err(e) = mem.write_u32(out, new_fd) {
            let _ = self.fd_close(args::fd_close { fd: new_fd });
            return Err(e);
        }
        Ok(())
    }

    pub(crate) fn fd_renumber(&mut self, a: args::fd_renumber) -> WasiResult<()> {
        if !self.table.contains_key(&a.from) || !self.table.contains_key(&a.to) {
            return Err(Errno::Badf);
        }
        if a.from == a.to {
            return Ok(());
        }
        let entry = self.table.remove(&a.from).ok_or(Errno::Badf)?;
        self.table.insert(a.to, entry);
        Ok(())
    }

    pub(crate) fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_fdstat_get,
    ) -> WasiResult<()> {
        let e = self.entry(a.fd)?;
        let mut buf = [0u8; layout::FDSTAT_SIZE as usize];
        put(&mut buf, layout::FDSTAT_FILETYPE, &[e.filetype() as u8]);
        put(&mut buf, layout::FDSTAT_FLAGS, &e.flags.to_le_bytes());
        put(
            &mut buf,
            layout::FDSTAT_RIGHTS_BASE,
            &e.rights_base.to_le_bytes(),
        );
        put(
            &mut buf,
            layout::FDSTAT_RIGHTS_INHERITING,
            &e.rights_inheriting.to_le_bytes(),
        );
        mem.write_bytes(a.out, &buf)
    }

    pub(crate) fn fd_fdstat_set_flags(&mut self, a: args::fd_fdstat_set_flags) -> WasiResult<()> {
        let e = self.entry_mut(a.fd)?;
        e.require(rights::FD_FDSTAT_SET_FLAGS)?;
        let flags = u16::try_from(a.flags).map_err(|_| Errno::Inval)?;
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

    pub(crate) fn fd_fdstat_set_rights(&mut self, a: args::fd_fdstat_set_rights) -> WasiResult<()> {
        let e = self.entry_mut(a.fd)?;
        if a.base & !e.rights_base != 0 || a.inheriting & !e.rights_inheriting != 0 {
            return Err(Errno::Notcapable);
        }
        e.rights_base = a.base;
        e.rights_inheriting = a.inheriting;
        Ok(())
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_prestat_get,
    ) -> WasiResult<()> {
        let e = self.entry(a.fd)?;
        let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
        let len = u32::try_from(name.len()).map_err(|_| Errno::Overflow)?;
        let mut buf = [0u8; layout::PRESTAT_SIZE as usize];
        buf[0] = preopentype::DIR;
        put(&mut buf, layout::PRESTAT_NAME_LEN, &len.to_le_bytes());
        mem.write_bytes(a.out, &buf)
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_prestat_dir_name,
    ) -> WasiResult<()> {
        let e = self.entry(a.fd)?;
        let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
        if (a.len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        mem.write_bytes(a.path, name.as_bytes())
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_filestat_get,
    ) -> WasiResult<()> {
        let e = self.entry_mut(a.fd)?;
        e.require(rights::FD_FILESTAT_GET)?;
        let st = match &mut e.kind {
            Kind::Stream(s) => Filestat {
                filetype: s.filetype(),
                ..Filestat::default()
            },
            Kind::Host(h) => h.filestat()?,
        };
        write_filestat(mem, a.out, &st)
    }

    pub(crate) fn fd_filestat_set_size(&mut self, a: args::fd_filestat_set_size) -> WasiResult<()> {
        self.host_with(a.fd, rights::FD_FILESTAT_SET_SIZE, Errno::Inval)?
            .set_size(a.size)
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        a: args::fd_filestat_set_times,
    ) -> WasiResult<()> {
        let e = self.entry_mut(a.fd)?;
        e.require(rights::FD_FILESTAT_SET_TIMES)?;
        let flags = u16::try_from(a.flags).map_err(|_| Errno::Inval)?;
        let (atim, mtim) = time_specs(a.atim, a.mtim, flags)?;
        if e.read_only {
            return Err(Errno::Notcapable);
        }
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Inval),
            Kind::Host(h) => h.set_times(atim, mtim),
        }
    }

    pub(crate) fn fd_advise(&mut self, a: args::fd_advise) -> WasiResult<()> {
        let (h, held) = self.host(a.fd, Errno::Spipe)?;
        require(held, rights::FD_ADVISE)?;
        let advice = u8::try_from(a.advice).map_err(|_| Errno::Inval)?;
        if advice > advice::NOREUSE {
            return Err(Errno::Inval);
        }
        h.advise(a.offset, a.len, advice)
    }

    pub(crate) fn fd_allocate(&mut self, a: args::fd_allocate) -> WasiResult<()> {
        let e = self.entry_mut(a.fd)?;
        e.require(rights::FD_ALLOCATE)?;
        let end = a.offset.checked_add(a.len).ok_or(Errno::Fbig)?;
        if a.len == 0 {
            return Err(Errno::Inval);
        }
        match &mut e.kind {
            Kind::Stream(_) => Err(Errno::Spipe),
            Kind::Host(h) => h.allocate(end),
        }
    }

    /// `fd_datasync` (`data_only`, with the right `right`) and `fd_sync`.
    pub(super) fn sync(&mut self, fd: u32, right: u64, data_only: bool) -> WasiResult<()> {
        self.host_with(fd, right, Errno::Inval)?.sync(data_only)
    }

    /// Moves bytes between `fd` and the guest buffers listed by the iovecs at `iovs`: at the
    /// current position, or at `offset` (which streams cannot do) without moving it. Stores the
    /// byte count at `out`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn transfer(
        &mut self,
        mem: &mut GuestMemory<'_>,
        way: Transfer,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: Option<u64>,
        out: u32,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(iovs, iovs_len)?;
        let right = match way {
            Transfer::Read => rights::FD_READ,
            Transfer::Write => rights::FD_WRITE,
        };
        let n = match offset {
            None => {
                let e = self.entry_mut(fd)?;
                e.require(right)?;
                match (&mut e.kind, way) {
                    (Kind::Stream(s), Transfer::Read) => stream_read(s.as_mut(), mem, &iovs)?,
                    (Kind::Stream(s), Transfer::Write) => write_iovecs(mem, &iovs, |d| s.write(d))?,
                    (Kind::Host(h), way) => h.transfer(way, mem, &iovs, None)?,
                }
            }
            Some(offset) => {
                // Streams cannot be positioned: ESPIPE before any rights check.
                let (h, held) = self.host(fd, Errno::Spipe)?;
                require(held, right | rights::FD_SEEK)?;
                h.transfer(way, mem, &iovs, Some(offset))?
            }
        };
        mem.write_u32(out, n)
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_seek,
    ) -> WasiResult<()> {
        let (h, held) = self.host(a.fd, Errno::Spipe)?;
        let whence = u8::try_from(a.whence).map_err(|_| Errno::Inval)?;
        if whence == whence::CUR && a.offset == 0 {
            // Asking where we are needs only `fd_tell` (this is how `ftell` is implemented).
            if held & (rights::FD_SEEK | rights::FD_TELL) == 0 {
                return Err(Errno::Notcapable);
            }
        } else {
            require(held, rights::FD_SEEK)?;
        }
        if whence > whence::END {
            return Err(Errno::Inval);
        }
        mem.write_u64(a.out, h.seek(a.offset, whence)?)
    }

    pub(crate) fn fd_tell(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_tell,
    ) -> WasiResult<()> {
        let (h, held) = self.host(a.fd, Errno::Spipe)?;
        require(held, rights::FD_TELL)?;
        mem.write_u64(a.out, h.seek(0, whence::CUR)?)
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::fd_readdir,
    ) -> WasiResult<()> {
        // Check the output buffer before touching the directory.
        mem.slice(a.buf, a.buf_len)?;
        if self.entry(a.fd)?.filetype() != Filetype::Directory {
            return Err(Errno::Notdir);
        }
        let h = self.host_with(a.fd, rights::FD_READDIR, Errno::Notdir)?;
        let bytes = encode_dirents(h.readdir(a.cookie)?, a.cookie, a.buf_len);
        mem.write_bytes(a.buf, &bytes)?;
        mem.write_u32(a.bufused, bytes.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirent_encoding_truncates_the_last_entry() {
        let entries = [
            DirEntryInfo {
                name: b"a".to_vec(),
                ino: 7,
                filetype: Filetype::RegularFile,
            },
            DirEntryInfo {
                name: b"long-name".to_vec(),
                ino: 8,
                filetype: Filetype::Directory,
            },
        ];
        let all = encode_dirents(&entries, 0, 1000);
        assert_eq!(all.len(), 24 + 1 + 24 + 9);
        assert_eq!(u64::from_le_bytes(all[0..8].try_into().unwrap()), 1);
        assert_eq!(u64::from_le_bytes(all[8..16].try_into().unwrap()), 7);
        assert_eq!(u32::from_le_bytes(all[16..20].try_into().unwrap()), 1);
        assert_eq!(all[20], 4);
        assert_eq!(&all[24..25], b"a");
        assert_eq!(u64::from_le_bytes(all[25..33].try_into().unwrap()), 2);
        let part = encode_dirents(&entries, 0, 30);
        assert_eq!(part.len(), 30);
        let second = encode_dirents(&entries, 1, 1000);
        assert_eq!(&second[24..], b"long-name");
        assert!(encode_dirents(&entries, 2, 1000).is_empty());
        assert!(encode_dirents(&entries, u64::MAX, 1000).is_empty());
    }
}

//! Paths: the `path_*` functions, each on a directory descriptor and a path beneath it. The
//! capability checks happen here (descriptor rights, read-only directories, relative paths); the
//! backend's directory then does the operation.

use super::{time_specs, write_filestat};
use crate::backend::{Active, Backend, Dir, HostDir, HostObject, OpenRequest, RelPath};
use crate::ctx::{Entry, Kind, WasiCtx};
use crate::memory::GuestMemory;
use crate::types::{fdflags, lookupflags, oflags, rights, Errno, WasiResult};

impl WasiCtx {
    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let d = self.dir(fd, rights::PATH_CREATE_DIRECTORY)?;
        d.create_directory_at(RelPath::new(path)?)
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
        let d = self.dir(fd, rights::PATH_FILESTAT_GET)?;
        let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
        let st = d.filestat_at(RelPath::new(path)?, follow)?;
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
        let d = self.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
        d.set_times_at(RelPath::new(path)?, follow, a, m)
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
        let (from, to) = self.dirs(
            (old_fd, rights::PATH_LINK_SOURCE),
            (new_fd, rights::PATH_LINK_TARGET),
        )?;
        if old_flags & lookupflags::SYMLINK_FOLLOW != 0 {
            // Linking the target of a symbolic link would need resolving it outside the backend.
            return Err(Errno::Inval);
        }
        from.link_at(RelPath::new(old)?, to, RelPath::new(new)?)
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
        self.without_filesystem(&[fd])?;
        if oflags & !oflags::ALL != 0 || fdflags & !fdflags::ALL != 0 {
            return Err(Errno::Inval);
        }
        let mut required = rights::PATH_OPEN;
        if oflags & oflags::CREAT != 0 {
            required |= rights::PATH_CREATE_FILE;
        }
        if oflags & oflags::TRUNC != 0 {
            required |= rights::PATH_FILESTAT_SET_SIZE;
        }
        let e = self.entry(fd)?;
        let d = self.dir(fd, required)?;
        // FD_WRITE asks for a writable descriptor, as O_WRONLY and O_RDWR do: for a directory
        // (O_DIRECTORY, or a path that turns out to be one) that is EISDIR, as in POSIX.
        let wants_write = base & rights::FD_WRITE != 0
            || fdflags & fdflags::APPEND != 0
            || oflags & oflags::TRUNC != 0;
        if wants_write && (e.read_only || e.rights_inheriting & rights::FD_WRITE == 0) {
            return Err(Errno::Notcapable);
        }
        let wants_read = base & (rights::FD_READ | rights::FD_READDIR) != 0 || !wants_write;
        let base = base & e.rights_inheriting;
        let inheriting = inheriting & e.rights_inheriting;
        let read_only = e.read_only;
        let p = RelPath::new(path)?;
        let directory = oflags & oflags::DIRECTORY != 0;
        if directory {
            if oflags & (oflags::CREAT | oflags::TRUNC) != 0 {
                return Err(Errno::Inval);
            }
            if wants_write {
                return Err(Errno::Isdir);
            }
        }
        let how = OpenRequest {
            follow: dirflags & lookupflags::SYMLINK_FOLLOW != 0,
            directory,
            create: oflags & oflags::CREAT != 0,
            exclusive: oflags & oflags::EXCL != 0,
            truncate: oflags & oflags::TRUNC != 0,
            read: wants_read,
            write: wants_write,
            append: fdflags & fdflags::APPEND != 0,
            dsync: fdflags & fdflags::DSYNC != 0,
            sync: fdflags & fdflags::SYNC != 0,
            rsync: fdflags & fdflags::RSYNC != 0,
        };
        let opened = d.open_at(p, &how)?;
        let is_dir = opened.as_dir().is_some();
        if is_dir && wants_write {
            return Err(Errno::Isdir);
        }
        let base = base
            & if is_dir {
                rights::DIRECTORY
            } else {
                rights::FILE
            };
        let mut entry = Entry::new(Kind::Host(opened), base, inheriting);
        entry.flags = fdflags;
        entry.read_only = read_only && is_dir;
        let new_fd = self.insert(entry)?;
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
        let d = self.dir(fd, rights::PATH_READLINK)?;
        let target = d.readlink_at(RelPath::new(path)?)?;
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
        let d = self.dir(fd, rights::PATH_REMOVE_DIRECTORY)?;
        d.remove_directory_at(RelPath::new(path)?)
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
        let (from, to) = self.dirs(
            (fd, rights::PATH_RENAME_SOURCE),
            (new_fd, rights::PATH_RENAME_TARGET),
        )?;
        from.rename_at(RelPath::new(old)?, to, RelPath::new(new)?)
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
        let d = self.dir(fd, rights::PATH_SYMLINK)?;
        // Link contents are not resolved here, but an absolute target would point host programs
        // that follow the link outside the sandbox: refuse it.
        d.symlink_at(RelPath::new(old)?, RelPath::new(new)?)
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let d = self.dir(fd, rights::PATH_UNLINK_FILE)?;
        d.unlink_file_at(RelPath::new(path)?)
    }

    /// Without a filesystem (the no-host backend, or a context built with
    /// `host_filesystem(false)`) a path operation fails before anything else:
    /// `EBADF` when one of `fds` is not open, `ENOTCAPABLE` otherwise.
    fn without_filesystem(&self, fds: &[u32]) -> WasiResult<()> {
        if Active::FILESYSTEM && self.host_filesystem {
            return Ok(());
        }
        for &fd in fds {
            self.entry(fd)?;
        }
        Err(Errno::Notcapable)
    }

    /// The directory behind `fd`, after checking that there is a filesystem, that `fd` holds
    /// the `required` rights and, for changes, that the directory is not read-only.
    fn dir(&self, fd: u32, required: u64) -> WasiResult<&Dir> {
        self.without_filesystem(&[fd])?;
        let e = self.entry(fd)?;
        let dir = match &e.kind {
            Kind::Host(h) => h.as_dir().ok_or(Errno::Notdir)?,
            Kind::Stream(_) => return Err(Errno::Notdir),
        };
        e.require(required)?;
        if e.read_only && required & (rights::DIRECTORY_WRITE | rights::FILE_WRITE) != 0 {
            return Err(Errno::Notcapable);
        }
        Ok(dir)
    }

    /// The source and target directories of a link or rename, each `(fd, required rights)`.
    fn dirs(&self, from: (u32, u64), to: (u32, u64)) -> WasiResult<(&Dir, &Dir)> {
        self.without_filesystem(&[from.0, to.0])?;
        Ok((self.dir(from.0, from.1)?, self.dir(to.0, to.1)?))
    }
}

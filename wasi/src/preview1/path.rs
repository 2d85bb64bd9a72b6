//! Paths: the `path_*` functions, each on a directory descriptor and a path beneath it. The
//! capability checks happen here (descriptor rights, read-only directories, relative paths); the
//! backend's directory then does the operation.

use super::args;
use super::{time_specs, write_filestat};
use crate::backend::{Active, Backend, Dir, HostDir, HostObject, OpenRequest, RelPath};
use crate::ctx::{Entry, Kind, WasiCtx};
use crate::memory::GuestMemory;
use crate::types::{fdflags, lookupflags, oflags, rights, Errno, WasiResult};

/// The path functions that change one path and return nothing.
#[derive(Debug, Clone, Copy)]
pub(super) enum PathChange {
    CreateDirectory,
    RemoveDirectory,
    UnlinkFile,
}

impl PathChange {
    /// The right the directory descriptor needs.
    fn right(self) -> u64 {
        match self {
            Self::CreateDirectory => rights::PATH_CREATE_DIRECTORY,
            Self::RemoveDirectory => rights::PATH_REMOVE_DIRECTORY,
            Self::UnlinkFile => rights::PATH_UNLINK_FILE,
        }
    }
}

/// A directory and a path beneath it, as read from the guest.
type DirPath<'d, 'm> = (&'d Dir, &'m str);

impl WasiCtx {
    /// `path_create_directory`, `path_remove_directory`, `path_unlink_file`: one change to the
    /// path at `path` beneath `fd`.
    pub(super) fn path_change(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        change: PathChange,
    ) -> WasiResult<()> {
        let path = mem.read_str(path, len)?;
        let d = self.dir(fd, change.right())?;
        let path = RelPath::new(path)?;
        match change {
            PathChange::CreateDirectory => d.create_directory_at(path),
            PathChange::RemoveDirectory => d.remove_directory_at(path),
            PathChange::UnlinkFile => d.unlink_file_at(path),
        }
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_filestat_get,
    ) -> WasiResult<()> {
        let args::path_filestat_get {
            fd,
            flags,
            path,
            len,
            out,
        } = a;
        let path = mem.read_str(path, len)?;
        let d = self.dir(fd, rights::PATH_FILESTAT_GET)?;
        let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
        let st = d.filestat_at(RelPath::new(path)?, follow)?;
        write_filestat(mem, out, &st)
    }

    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_filestat_set_times,
    ) -> WasiResult<()> {
        let args::path_filestat_set_times {
            fd,
            flags,
            path,
            len,
            atim,
            mtim,
            fst,
        } = a;
        let path = mem.read_str(path, len)?;
        let fst = u16::try_from(fst).map_err(|_| Errno::Inval)?;
        let (a, m) = time_specs(atim, mtim, fst)?;
        let d = self.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
        d.set_times_at(RelPath::new(path)?, follow, a, m)
    }

    pub(crate) fn path_link(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_link,
    ) -> WasiResult<()> {
        let args::path_link {
            old_fd,
            old_flags,
            old_path,
            old_len,
            new_fd,
            new_path,
            new_len,
        } = a;
        let ((from, old), (to, new)) = self.two_paths(
            mem,
            (old_fd, rights::PATH_LINK_SOURCE, old_path, old_len),
            (new_fd, rights::PATH_LINK_TARGET, new_path, new_len),
        )?;
        if old_flags & lookupflags::SYMLINK_FOLLOW != 0 {
            // Linking the target of a symbolic link would need resolving it outside the backend.
            return Err(Errno::Inval);
        }
        from.link_at(RelPath::new(old)?, to, RelPath::new(new)?)
    }

    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_open,
    ) -> WasiResult<()> {
        let args::path_open {
            fd,
            dirflags,
            path,
            len,
            oflags,
            base,
            inheriting,
            fdflags,
            out,
        } = a;
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
        self.install(mem, entry, out)
    }

    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_readlink,
    ) -> WasiResult<()> {
        let args::path_readlink {
            fd,
            path,
            len,
            buf,
            buf_len,
            bufused,
        } = a;
        let path = mem.read_str(path, len)?;
        let d = self.dir(fd, rights::PATH_READLINK)?;
        let target = d.readlink_at(RelPath::new(path)?)?;
        let n = target.len().min(buf_len as usize);
        mem.write_bytes(buf, &target[..n])?;
        mem.write_u32(bufused, n as u32)
    }

    pub(crate) fn path_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_rename,
    ) -> WasiResult<()> {
        let args::path_rename {
            fd,
            old_path,
            old_len,
            new_fd,
            new_path,
            new_len,
        } = a;
        let ((from, old), (to, new)) = self.two_paths(
            mem,
            (fd, rights::PATH_RENAME_SOURCE, old_path, old_len),
            (new_fd, rights::PATH_RENAME_TARGET, new_path, new_len),
        )?;
        from.rename_at(RelPath::new(old)?, to, RelPath::new(new)?)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_symlink,
    ) -> WasiResult<()> {
        let args::path_symlink {
            old_path,
            old_len,
            fd,
            new_path,
            new_len,
        } = a;
        let old = mem.read_str(old_path, old_len)?;
        let new = mem.read_str(new_path, new_len)?;
        let d = self.dir(fd, rights::PATH_SYMLINK)?;
        // Link contents are not resolved here, but an absolute target would point host programs
        // that follow the link outside the sandbox: refuse it.
        d.symlink_at(RelPath::new(old)?, RelPath::new(new)?)
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

    /// The source and target of a link or rename, each given as `(fd, required rights, path
    /// pointer, path length)`: both paths are read first, then both directories checked.
    fn two_paths<'m>(
        &self,
        mem: &'m GuestMemory<'_>,
        from: (u32, u64, u32, u32),
        to: (u32, u64, u32, u32),
    ) -> WasiResult<(DirPath<'_, 'm>, DirPath<'_, 'm>)> {
        let old = mem.read_str(from.2, from.3)?;
        let new = mem.read_str(to.2, to.3)?;
        self.without_filesystem(&[from.0, to.0])?;
        let (from_dir, to_dir) = (self.dir(from.0, from.1)?, self.dir(to.0, to.1)?);
        Ok(((from_dir, old), (to_dir, new)))
    }
}

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

/// The path functions on two paths.
#[derive(Debug, Clone, Copy)]
pub(super) enum TwoPaths {
    /// `path_link`, with its lookup flags for the old path.
    Link {
        old_flags: u32,
    },
    Rename,
}

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
        let path = mem.read_str(a.path, a.len)?;
        let d = self.dir(a.fd, rights::PATH_FILESTAT_GET)?;
        let follow = a.flags & lookupflags::SYMLINK_FOLLOW != 0;
        let st = d.filestat_at(RelPath::new(path)?, follow)?;
        write_filestat(mem, a.out, &st)
    }

    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_filestat_set_times,
    ) -> WasiResult<()> {
        let path = mem.read_str(a.path, a.len)?;
        let fst = u16::try_from(a.fst).map_err(|_| Errno::Inval)?;
        let (atim, mtim) = time_specs(a.atim, a.mtim, fst)?;
        let d = self.dir(a.fd, rights::PATH_FILESTAT_SET_TIMES)?;
        let follow = a.flags & lookupflags::SYMLINK_FOLLOW != 0;
        d.set_times_at(RelPath::new(path)?, follow, atim, mtim)
    }

    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_open,
    ) -> WasiResult<()> {
        let path = mem.read_str(a.path, a.len)?;
        let oflags = u16::try_from(a.oflags).map_err(|_| Errno::Inval)?;
        let fdflags = u16::try_from(a.fdflags).map_err(|_| Errno::Inval)?;
        self.without_filesystem(&[a.fd])?;
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
        let e = self.entry(a.fd)?;
        let d = self.dir(a.fd, required)?;
        // FD_WRITE asks for a writable descriptor, as O_WRONLY and O_RDWR do: for a directory
        // (O_DIRECTORY, or a path that turns a.out to be one) that is EISDIR, as in POSIX.
        let wants_write = a.base & rights::FD_WRITE != 0
            || fdflags & fdflags::APPEND != 0
            || oflags & oflags::TRUNC != 0;
        if wants_write && (e.read_only || e.rights_inheriting & rights::FD_WRITE == 0) {
            return Err(Errno::Notcapable);
        }
        let wants_read = a.base & (rights::FD_READ | rights::FD_READDIR) != 0 || !wants_write;
        let base = a.base & e.rights_inheriting;
        let inheriting = a.inheriting & e.rights_inheriting;
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
            follow: a.dirflags & lookupflags::SYMLINK_FOLLOW != 0,
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
        self.install(mem, entry, a.out)
    }

    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_readlink,
    ) -> WasiResult<()> {
        let path = mem.read_str(a.path, a.len)?;
        let d = self.dir(a.fd, rights::PATH_READLINK)?;
        let target = d.readlink_at(RelPath::new(path)?)?;
        let n = target.len().min(a.buf_len as usize);
        mem.write_bytes(a.buf, &target[..n])?;
        mem.write_u32(a.bufused, n as u32)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::path_symlink,
    ) -> WasiResult<()> {
        let old = mem.read_str(a.old_path, a.old_len)?;
        let new = mem.read_str(a.new_path, a.new_len)?;
        let d = self.dir(a.fd, rights::PATH_SYMLINK)?;
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

    /// `path_link` and `path_rename`: `old` (beneath `fd`) and `new` (beneath `new_fd`). Both
    /// paths are read first, then both directories checked.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn path_link_or_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        change: TwoPaths,
        fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult<()> {
        let old = mem.read_str(old_path, old_len)?;
        let new = mem.read_str(new_path, new_len)?;
        let (source, target) = match change {
            TwoPaths::Link { .. } => (rights::PATH_LINK_SOURCE, rights::PATH_LINK_TARGET),
            TwoPaths::Rename => (rights::PATH_RENAME_SOURCE, rights::PATH_RENAME_TARGET),
        };
        self.without_filesystem(&[fd, new_fd])?;
        let (from, to) = (self.dir(fd, source)?, self.dir(new_fd, target)?);
        match change {
            TwoPaths::Link { old_flags } => {
                if old_flags & lookupflags::SYMLINK_FOLLOW != 0 {
                    // Linking the target of a symbolic link would need resolving it outside the
                    // backend.
                    return Err(Errno::Inval);
                }
                from.link_at(RelPath::new(old)?, to, RelPath::new(new)?)
            }
            TwoPaths::Rename => from.rename_at(RelPath::new(old)?, to, RelPath::new(new)?),
        }
    }
}

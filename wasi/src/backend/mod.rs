//! The host side of WASI behind one interface: the objects a guest descriptor can refer to
//! (files, directories, sockets) and what can be done with them.
//!
//! Two backends implement it:
//!
//! * [`capstd`] (`std` on Unix): host files and directories reached through cap-std, which
//!   resolves every path beneath its directory handle, and TCP sockets the embedder grants.
//! * [`nohost`] (every build): no host objects at all. Without a filesystem a guest gets
//!   `ENOTCAPABLE` from every path operation, and granting a directory fails when the context is
//!   built.
//!
//! The build picks one as [`Active`]. The WASI functions see only the traits, so the compiler
//! checks that both backends offer the same operations.
//!
//! The capability layer stays with the WASI functions (preview 1 today, preview 2 later): they
//! check descriptor rights and read-only directories, validate guest paths ([`RelPath`]) and
//! decide which errno the guest sees. A backend only does what it is asked on an object the guest
//! was granted. The operations follow preview 2's `descriptor`: a directory acts on paths
//! relative to itself (`*_at`), files read and write at a position or at an offset, and reads and
//! writes go straight to guest memory (the canonical ABI lowers preview 2's byte lists into
//! linear memory too).

use alloc::vec::Vec;

use wrt::Error;

use crate::ctx::WasiCtx;
use crate::memory::{GuestMemory, IoVec};
use crate::types::{
    DirEntryInfo, Errno, Filestat, Filetype, Readiness, TimeSpec, WasiResult, Woken,
};

#[cfg(all(feature = "std", unix))]
pub(crate) mod capstd;
// Compiled in every build so that it is always checked against the traits; used where the
// cap-std backend is not.
#[cfg_attr(all(feature = "std", unix), allow(dead_code))]
pub(crate) mod nohost;

/// The backend of this build.
#[cfg(all(feature = "std", unix))]
pub(crate) type Active = capstd::CapStd;
/// The backend of this build.
#[cfg(not(all(feature = "std", unix)))]
pub(crate) type Active = nohost::NoHost;

/// A host object of this build's backend.
pub(crate) type Object = <Active as Backend>::Object;
/// A host directory of this build's backend.
pub(crate) type Dir = <Object as HostObject>::Dir;

/// A way to reach host objects.
pub(crate) trait Backend {
    /// What a guest descriptor can refer to.
    type Object: HostObject;

    /// Whether guests can reach host files at all. When false, every path operation on an open
    /// descriptor is `ENOTCAPABLE`, checked before anything else.
    const FILESYSTEM: bool;

    /// Opens the host directory `host_path` to preopen it for a guest.
    fn open_dir(host_path: &str) -> Result<Self::Object, Error>;

    /// Blocks until one of `pending` (descriptor, wants to read) may be ready or `timeout`
    /// nanoseconds passed (`None`: no limit). Returns the descriptors the host reported ready as
    /// (fd, read, hangup), and the nanoseconds slept when only a timeout was waited for.
    fn poll_wait(
        ctx: &mut WasiCtx,
        pending: &[(u32, bool)],
        timeout: Option<u64>,
    ) -> WasiResult<(Vec<Woken>, u64)>;
}

/// Which way `fd_read`/`fd_write`, their positioned forms and `sock_send` move bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Transfer {
    Read,
    Write,
}

/// A file, directory or socket of the host, behind a guest descriptor. Operations that do not
/// apply to the kind of object fail with the errno a POSIX host gives (`EISDIR`, `ESPIPE`...).
pub(crate) trait HostObject: Sized + Send {
    /// The directory behind an object that is one.
    type Dir: HostDir<Object = Self>;

    /// This object as a directory, when it is one.
    fn as_dir(&self) -> Option<&Self::Dir>;

    /// What `fd_fdstat_get` reports.
    fn filetype(&self) -> Filetype;

    /// A socket that accepts connections.
    fn is_listener(&self) -> bool;

    /// A connected socket.
    fn is_socket(&self) -> bool;

    /// Applies the `$fdflags` that can change after opening (append, non-blocking).
    fn set_flags(&mut self, flags: u16) -> WasiResult<()>;

    fn filestat(&mut self) -> WasiResult<Filestat>;

    fn set_size(&mut self, size: u64) -> WasiResult<()>;

    fn set_times(&mut self, atim: TimeSpec, mtim: TimeSpec) -> WasiResult<()>;

    /// `advice` is a checked `$advice` value.
    fn advise(&mut self, offset: u64, len: u64, advice: u8) -> WasiResult<()>;

    /// Makes the file at least `end` bytes long.
    fn allocate(&mut self, end: u64) -> WasiResult<()>;

    fn sync(&mut self, data_only: bool) -> WasiResult<()>;

    /// Reads into (or writes, as `way` says) the guest buffers `iovs` (already checked to lie in
    /// `mem`) at the current position, or at `offset` without moving it. Returns the bytes moved.
    fn transfer(
        &mut self,
        way: Transfer,
        mem: &mut GuestMemory<'_>,
        iovs: &[IoVec],
        offset: Option<u64>,
    ) -> WasiResult<u32>;

    /// Moves the position (`how` is a `$whence`) and returns the new one.
    fn seek(&mut self, offset: i64, how: u8) -> WasiResult<u64>;

    /// The entries of a directory, listed again when `cookie` is 0.
    fn readdir(&mut self, cookie: u64) -> WasiResult<&[DirEntryInfo]>;

    /// Whether a read (or a write) would not block now.
    fn readiness(&mut self, read: bool) -> Readiness;

    /// Accepts a connection on a listener; the new socket is non-blocking when `flags` says so.
    fn accept(&mut self, nonblocking: bool, flags: u16) -> WasiResult<Self>;

    /// Receives into `iovs` with `$riflags` `flags`.
    fn recv(&mut self, mem: &mut GuestMemory<'_>, iovs: &[IoVec], flags: u16) -> WasiResult<u32>;

    /// Shuts down one or both directions (`how` is `$sdflags`).
    fn shutdown(&mut self, how: u8) -> WasiResult<()>;
}

/// A directory of the host: operations on paths beneath it. Every path is relative and checked
/// ([`RelPath`]); the backend must not let it reach anything outside the directory.
pub(crate) trait HostDir {
    /// What opening a path gives.
    type Object;

    fn create_directory_at(&self, path: RelPath<'_>) -> WasiResult<()>;

    /// Metadata of `path`, or of the target of a symbolic link there when `follow`.
    fn filestat_at(&self, path: RelPath<'_>, follow: bool) -> WasiResult<Filestat>;

    fn set_times_at(
        &self,
        path: RelPath<'_>,
        follow: bool,
        atim: TimeSpec,
        mtim: TimeSpec,
    ) -> WasiResult<()>;

    /// A hard link `new` (beneath `to`) to `old` (beneath this directory).
    fn link_at(&self, old: RelPath<'_>, to: &Self, new: RelPath<'_>) -> WasiResult<()>;

    fn open_at(&self, path: RelPath<'_>, how: &OpenRequest) -> WasiResult<Self::Object>;

    /// The contents of the symbolic link at `path`.
    fn readlink_at(&self, path: RelPath<'_>) -> WasiResult<Vec<u8>>;

    fn remove_directory_at(&self, path: RelPath<'_>) -> WasiResult<()>;

    /// Moves `old` (beneath this directory) to `new` (beneath `to`).
    fn rename_at(&self, old: RelPath<'_>, to: &Self, new: RelPath<'_>) -> WasiResult<()>;

    /// A symbolic link at `new` whose contents are `target`.
    fn symlink_at(&self, target: RelPath<'_>, new: RelPath<'_>) -> WasiResult<()>;

    fn unlink_file_at(&self, path: RelPath<'_>) -> WasiResult<()>;
}

/// How to open a path, decided by the WASI functions from the guest's flags and rights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OpenRequest {
    /// Follow a symbolic link in the last component.
    pub follow: bool,
    /// Open a directory (fail on anything else).
    pub directory: bool,
    pub create: bool,
    /// With `create`: fail if the file exists.
    pub exclusive: bool,
    pub truncate: bool,
    pub read: bool,
    pub write: bool,
    pub append: bool,
    pub dsync: bool,
    pub sync: bool,
    pub rsync: bool,
}

/// A guest path checked to name something beneath a directory: not empty, no NUL byte, not
/// absolute (absolute paths name nothing a guest may reach). `..` components are left for the
/// backend, which must resolve them without leaving the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RelPath<'a>(&'a str);

impl<'a> RelPath<'a> {
    pub(crate) fn new(path: &'a str) -> WasiResult<Self> {
        if path.is_empty() {
            return Err(Errno::Noent);
        }
        if path.contains('\0') {
            return Err(Errno::Inval);
        }
        if path.starts_with('/') {
            return Err(Errno::Notcapable);
        }
        Ok(RelPath(path))
    }

    #[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
    pub(crate) fn as_str(&self) -> &'a str {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_paths() {
        assert_eq!(RelPath::new(""), Err(Errno::Noent));
        assert_eq!(RelPath::new("/etc"), Err(Errno::Notcapable));
        assert_eq!(RelPath::new("a\0b"), Err(Errno::Inval));
        assert_eq!(RelPath::new("a/../b").map(|p| p.as_str()), Ok("a/../b"));
    }
}

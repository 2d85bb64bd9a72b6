//! The backend of builds without a host filesystem (no `std`, or not Unix): there are no
//! directories to open and no sockets, so a guest has only the streams the embedder gives it.
//! Every path operation is refused with `ENOTCAPABLE` (or `EBADF` for a descriptor that is not
//! open), and granting a directory fails when the context is built.

use alloc::vec::Vec;

use wrt::Error;

use super::{Backend, HostDir, HostObject, OpenRequest, RelPath, Transfer};
use crate::ctx::WasiCtx;
use crate::memory::{GuestMemory, IoVec};
use crate::types::{
    DirEntryInfo, Errno, Filestat, Filetype, Readiness, TimeSpec, WasiResult, Woken,
};

/// No host objects.
pub(crate) struct NoHost;

/// There are no host objects in this backend: the type has no values, so every method below
/// is unreachable and the compiler knows it.
pub(crate) enum Nothing {}

impl Backend for NoHost {
    type Object = Nothing;

    const FILESYSTEM: bool = false;

    /// Never reached: with `FILESYSTEM` false the context refuses a granted directory first.
    fn open_dir(host_path: &str) -> Result<Nothing, Error> {
        Err(Error::host(alloc::format!(
            "cannot open directory {host_path}: this build has no host filesystem"
        )))
    }

    /// Nothing to wait on but time: sleeps through the platform until `timeout`.
    fn poll_wait(
        ctx: &mut WasiCtx,
        _pending: &[(u32, bool)],
        timeout: Option<u64>,
    ) -> WasiResult<(Vec<Woken>, u64)> {
        match timeout {
            Some(t) => {
                ctx.platform.sleep(t)?;
                Ok((Vec::new(), t))
            }
            None => Err(Errno::Inval),
        }
    }
}

/// Writes each method of a trait for [`Nothing`]: none can be called, as there is no value to
/// call it on.
macro_rules! uncallable {
    () => {};
    (fn $name:ident(&mut $s:ident $(, $a:ident: $t:ty)*) -> $r:ty; $($rest:tt)*) => {
        fn $name(&mut $s $(, $a: $t)*) -> $r {
            match *$s {}
        }
        uncallable!($($rest)*);
    };
    (fn $name:ident(&$s:ident $(, $a:ident: $t:ty)*) -> $r:ty; $($rest:tt)*) => {
        fn $name(&$s $(, $a: $t)*) -> $r {
            match *$s {}
        }
        uncallable!($($rest)*);
    };
}

impl HostObject for Nothing {
    type Dir = Nothing;

    uncallable! {
        fn as_dir(&self) -> Option<&Nothing>;
        fn filetype(&self) -> Filetype;
        fn is_listener(&self) -> bool;
        fn is_socket(&self) -> bool;
        fn set_flags(&mut self, _flags: u16) -> WasiResult<()>;
        fn filestat(&mut self) -> WasiResult<Filestat>;
        fn set_size(&mut self, _size: u64) -> WasiResult<()>;
        fn set_times(&mut self, _atim: TimeSpec, _mtim: TimeSpec) -> WasiResult<()>;
        fn advise(&mut self, _offset: u64, _len: u64, _advice: u8) -> WasiResult<()>;
        fn allocate(&mut self, _end: u64) -> WasiResult<()>;
        fn sync(&mut self, _data_only: bool) -> WasiResult<()>;
        fn transfer(
            &mut self, _way: Transfer, _mem: &mut GuestMemory<'_>, _iovs: &[IoVec],
            _offset: Option<u64>
        ) -> WasiResult<u32>;
        fn seek(&mut self, _offset: i64, _how: u8) -> WasiResult<u64>;
        fn readdir(&mut self, _cookie: u64) -> WasiResult<&[DirEntryInfo]>;
        fn readiness(&mut self, _read: bool) -> Readiness;
        fn accept(&mut self, _nonblocking: bool, _flags: u16) -> WasiResult<Nothing>;
        fn recv(&mut self, _mem: &mut GuestMemory<'_>, _iovs: &[IoVec], _flags: u16)
            -> WasiResult<u32>;
        fn shutdown(&mut self, _how: u8) -> WasiResult<()>;
    }
}

impl HostDir for Nothing {
    type Object = Nothing;

    uncallable! {
        fn create_directory_at(&self, _path: RelPath<'_>) -> WasiResult<()>;
        fn filestat_at(&self, _path: RelPath<'_>, _follow: bool) -> WasiResult<Filestat>;
        fn set_times_at(&self, _path: RelPath<'_>, _follow: bool, _atim: TimeSpec, _mtim: TimeSpec)
            -> WasiResult<()>;
        fn link_at(&self, _old: RelPath<'_>, _to: &Nothing, _new: RelPath<'_>) -> WasiResult<()>;
        fn open_at(&self, _path: RelPath<'_>, _how: &OpenRequest) -> WasiResult<Nothing>;
        fn readlink_at(&self, _path: RelPath<'_>) -> WasiResult<Vec<u8>>;
        fn remove_directory_at(&self, _path: RelPath<'_>) -> WasiResult<()>;
        fn rename_at(&self, _old: RelPath<'_>, _to: &Nothing, _new: RelPath<'_>) -> WasiResult<()>;
        fn symlink_at(&self, _target: RelPath<'_>, _new: RelPath<'_>) -> WasiResult<()>;
        fn unlink_file_at(&self, _path: RelPath<'_>) -> WasiResult<()>;
    }
}

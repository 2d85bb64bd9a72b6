//! Builds without a host filesystem (no `std`, or not Unix): there are no directories to open,
//! so every path operation is refused with `ENOTCAPABLE` (or `EBADF` for a descriptor that is
//! not open).

use super::ctx::{Entry, WasiCtx};
use super::memory::{GuestMemory, IoVec};
use super::preview1::{DirEntryInfo, Filestat, Readiness, TimeSpec};
use super::types::{Errno, Filetype, WasiResult};
use alloc::vec::Vec;

/// There are no host objects in this build: the type has no values, so every method below is
/// unreachable and the compiler knows it.
pub(crate) enum HostKind {}

#[allow(clippy::unused_self)]
impl HostKind {
    pub(crate) fn filetype(&self) -> Filetype {
        match *self {}
    }
    pub(crate) fn is_listener(&self) -> bool {
        match *self {}
    }
    pub(crate) fn is_socket(&self) -> bool {
        match *self {}
    }
    pub(crate) fn set_flags(&mut self, _flags: u16) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn filestat(&mut self) -> WasiResult<Filestat> {
        match *self {}
    }
    pub(crate) fn set_size(&mut self, _size: u64) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn set_times(&mut self, _atim: TimeSpec, _mtim: TimeSpec) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn advise(&mut self, _offset: u64, _len: u64, _advice: u8) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn allocate(&mut self, _end: u64) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn sync(&mut self, _data_only: bool) -> WasiResult<()> {
        match *self {}
    }
    pub(crate) fn read(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        _iovs: &[IoVec],
        _offset: Option<u64>,
    ) -> WasiResult<u32> {
        match *self {}
    }
    pub(crate) fn write(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        _iovs: &[IoVec],
        _offset: Option<u64>,
    ) -> WasiResult<u32> {
        match *self {}
    }
    pub(crate) fn seek(&mut self, _offset: i64, _how: u8) -> WasiResult<u64> {
        match *self {}
    }
    pub(crate) fn readdir(&mut self, _cookie: u64) -> WasiResult<&[DirEntryInfo]> {
        match *self {}
    }
    pub(crate) fn readiness(&mut self, _read: bool) -> Readiness {
        match *self {}
    }
    pub(crate) fn accept(&mut self, _nonblocking: bool, _flags: u16) -> WasiResult<Entry> {
        match *self {}
    }
    pub(crate) fn recv(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        _iovs: &[IoVec],
        _flags: u16,
    ) -> WasiResult<u32> {
        match *self {}
    }
    pub(crate) fn shutdown(&mut self, _how: u8) -> WasiResult<()> {
        match *self {}
    }
}

impl WasiCtx {
    fn no_filesystem<T>(&self, fd: u32) -> WasiResult<T> {
        self.entry(fd)?;
        Err(Errno::Notcapable)
    }

    pub(crate) fn fs_create_directory(&mut self, fd: u32, _path: &str) -> WasiResult<()> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_filestat_get(
        &mut self,
        fd: u32,
        _flags: u32,
        _path: &str,
    ) -> WasiResult<Filestat> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_set_times(
        &mut self,
        fd: u32,
        _flags: u32,
        _path: &str,
        _atim: TimeSpec,
        _mtim: TimeSpec,
    ) -> WasiResult<()> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_link(
        &mut self,
        old_fd: u32,
        _old_flags: u32,
        _old: &str,
        new_fd: u32,
        _new: &str,
    ) -> WasiResult<()> {
        self.entry(new_fd)?;
        self.no_filesystem(old_fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fs_open(
        &mut self,
        fd: u32,
        _dirflags: u32,
        _path: &str,
        _oflags: u16,
        _base: u64,
        _inheriting: u64,
        _fdflags: u16,
    ) -> WasiResult<u32> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_readlink(&mut self, fd: u32, _path: &str) -> WasiResult<Vec<u8>> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_remove_directory(&mut self, fd: u32, _path: &str) -> WasiResult<()> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_rename(
        &mut self,
        fd: u32,
        _old: &str,
        new_fd: u32,
        _new: &str,
    ) -> WasiResult<()> {
        self.entry(new_fd)?;
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_symlink(&mut self, _old: &str, fd: u32, _new: &str) -> WasiResult<()> {
        self.no_filesystem(fd)
    }

    pub(crate) fn fs_unlink_file(&mut self, fd: u32, _path: &str) -> WasiResult<()> {
        self.no_filesystem(fd)
    }
}

//! Arguments and environment: `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`.
//! The guest sees only what the embedder granted (`WasiCapabilities::environment`).

use alloc::string::String;

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::{Errno, WasiResult};

/// Which list of strings `args_*`/`environ_*` read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Strings {
    Args,
    Env,
}

impl WasiCtx {
    fn strings(&self, which: Strings) -> &[String] {
        match which {
            Strings::Args => &self.args,
            Strings::Env => &self.env,
        }
    }

    /// `args_get`, `environ_get`: the pointers to the strings at `ptrs`, the strings (each
    /// NUL-terminated) at `buf`.
    pub(super) fn strings_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        which: Strings,
        ptrs: u32,
        buf: u32,
    ) -> WasiResult<()> {
        let mut at = buf;
        for (i, s) in self.strings(which).iter().enumerate() {
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

    /// `args_sizes_get`, `environ_sizes_get`: the number of strings at `count`, the bytes they
    /// take with their NULs at `size`.
    pub(super) fn strings_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        which: Strings,
        count: u32,
        size: u32,
    ) -> WasiResult<()> {
        let list = self.strings(which);
        let n = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
        let bytes = list.iter().map(|s| s.len() + 1).sum::<usize>();
        let bytes = u32::try_from(bytes).map_err(|_| Errno::Overflow)?;
        mem.write_u32(count, n)?;
        mem.write_u32(size, bytes)
    }
}

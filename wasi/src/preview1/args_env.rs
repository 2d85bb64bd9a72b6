//! Arguments and environment: `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`.
//! The guest sees only what the embedder granted (`WasiCapabilities::environment`).

use alloc::string::String;

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::{Errno, WasiResult};

impl WasiCtx {
    fn put_strings(
        list: &[String],
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
}

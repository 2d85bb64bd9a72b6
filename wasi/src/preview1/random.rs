//! Randomness: `random_get`, through the platform (`WasiPlatform::random`).

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::WasiResult;

impl WasiCtx {
    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        buf: u32,
        len: u32,
    ) -> WasiResult<()> {
        let out = mem.slice_mut(buf, len)?;
        self.platform.random(out)
    }
}

//! Randomness: `random_get`, through the platform (`WasiPlatform::random`).

use super::args;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::WasiResult;

impl WasiCtx {
    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::random_get,
    ) -> WasiResult<()> {
        let out = mem.slice_mut(a.buf, a.len)?;
        self.platform.random(out)
    }
}

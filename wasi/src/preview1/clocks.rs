//! Clocks: `clock_res_get`, `clock_time_get`, through the platform (`WasiPlatform`).

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::{ClockId, WasiResult};

impl WasiCtx {
    pub(crate) fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        out: u32,
    ) -> WasiResult<()> {
        let clock = ClockId::from_raw(id)?;
        let res = self.platform.clock_resolution(clock)?;
        mem.write_u64(out, res)
    }

    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        out: u32,
    ) -> WasiResult<()> {
        let clock = ClockId::from_raw(id)?;
        let now = self.platform.clock_time(clock)?;
        mem.write_u64(out, now)
    }
}

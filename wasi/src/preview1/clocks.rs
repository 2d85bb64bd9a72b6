//! Clocks: `clock_res_get`, `clock_time_get`, through the platform (`WasiPlatform`).

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::{ClockId, WasiResult};

/// What `clock_res_get`/`clock_time_get` read from a clock.
#[derive(Debug, Clone, Copy)]
pub(super) enum ClockReading {
    Resolution,
    Time,
}

impl WasiCtx {
    /// Stores the `reading` of clock `id` at `out`.
    pub(super) fn clock_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        reading: ClockReading,
        id: u32,
        out: u32,
    ) -> WasiResult<()> {
        let clock = ClockId::from_raw(id)?;
        let value = match reading {
            ClockReading::Resolution => self.platform.clock_resolution(clock)?,
            ClockReading::Time => self.platform.clock_time(clock)?,
        };
        mem.write_u64(out, value)
    }
}

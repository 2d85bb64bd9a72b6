//! `--no-std`: run a module the way a no_std build of wrt runs it on a small
//! embedded target.
//!
//! wrtd itself is a std program, so this is an emulation of the *configuration*
//! and of the *host services* a bare-metal embedder has, not a different build
//! of the library:
//!
//! - the engine gets the bounded configuration below ([`configure`]): a memory
//!   budget of [`BUDGET`] bytes unless `--memory` gives another, and the
//!   call-depth, value-stack, instance, memory and table limits of a small
//!   embedded configuration, and no platform optimizations (linear memory on
//!   the heap, as `--no-platform-opt` gives);
//! - with `--wasi` the guest gets only what needs no operating system: its
//!   arguments and environment (values fixed when the run starts), the
//!   realtime and monotonic clocks and random bytes ([`BarePlatform`]; a
//!   board would use its timer and RNG), standard output and error as plain
//!   byte sinks ([`Console`], like a UART), and `proc_exit`. Standard input is
//!   empty (end of input at once), sleeping is `ENOTSUP` (so are `poll_oneoff`
//!   clock waits and the CPU-time clocks), and there are no directories or
//!   sockets: `--wasi-fs` and `--wasi-tcplisten` are refused on the command
//!   line, and the context is built with `host_filesystem(false)`, so path
//!   calls answer exactly as in the bare-metal build of the library:
//!   `ENOTCAPABLE` on an open descriptor (the standard streams 0-2), `EBADF`
//!   on descriptors 3 and up (what wasi-libc and Rust's std see, and why they
//!   report "no such file" or "operation not permitted").

#[cfg(feature = "wasi")]
use std::io::Write;

use wrt::Config;
#[cfg(feature = "wasi")]
use wrt_wasi::{ClockId, Errno, StdPlatform, WasiPlatform, WasiResult, WasiStream};

/// The memory budget, in bytes, when `--memory` is not given: 1 MiB.
pub const BUDGET: u64 = 1024 * 1024;

/// The deepest nesting of wasm calls (the hosted default is 16384).
pub const MAX_CALL_DEPTH: usize = 1024;

/// The largest value stack in 64-bit slots: 16384 slots, 128 KiB (the hosted
/// default is 1 Mi slots, 8 MiB). It also counts against the budget.
pub const MAX_VALUE_STACK: usize = 16 * 1024;

/// Instances, linear memories and tables a store may hold: wrtd runs one
/// module with (at most) one memory and one table.
pub const MAX_INSTANCES: usize = 1;
pub const MAX_MEMORIES: usize = 1;
pub const MAX_TABLES: usize = 1;

/// Elements one table may hold (the hosted default is 10 million).
pub const MAX_TABLE_ELEMENTS: u64 = 4096;

/// Applies the bounded configuration; `budget` is what `--memory` gave.
/// Platform optimizations are off, as a bare-metal target has none: linear
/// memory is the portable heap buffer.
pub fn configure(config: &mut Config, budget: Option<u64>) {
    config
        .platform_optimizations(false)
        // A bare-metal target has no threads to check function bodies on.
        .parallel_compilation(false)
        .memory_budget(budget.unwrap_or(BUDGET))
        .max_call_depth(MAX_CALL_DEPTH)
        .max_value_stack(MAX_VALUE_STACK)
        .max_instances(MAX_INSTANCES)
        .max_memories(MAX_MEMORIES)
        .max_tables(MAX_TABLES)
        .max_table_elements(MAX_TABLE_ELEMENTS);
}

#[cfg(feature = "wasi")]
/// Standard output or error as a bare-metal embedder provides them: a byte
/// sink, not a terminal (`fd_fdstat_get` reports an unknown file type).
#[derive(Debug, Clone, Copy)]
pub enum Console {
    Stdout,
    Stderr,
}

#[cfg(feature = "wasi")]
impl WasiStream for Console {
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        let written = match self {
            Console::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(data).and_then(|()| out.flush())
            }
            Console::Stderr => std::io::stderr().lock().write_all(data),
        };
        match written {
            Ok(()) => Ok(data.len()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Errno::Pipe),
            Err(_) => Err(Errno::Io),
        }
    }
}

#[cfg(feature = "wasi")]
/// Clocks and entropy as a board has them: a realtime and a monotonic clock
/// and a random number generator (taken from the host here), but no CPU-time
/// clocks and no way to sleep.
#[derive(Debug, Clone, Copy, Default)]
pub struct BarePlatform {
    host: StdPlatform,
}

#[cfg(feature = "wasi")]
impl BarePlatform {
    fn supported(clock: ClockId) -> WasiResult<ClockId> {
        match clock {
            ClockId::Realtime | ClockId::Monotonic => Ok(clock),
            ClockId::ProcessCputime | ClockId::ThreadCputime => Err(Errno::Notsup),
        }
    }
}

#[cfg(feature = "wasi")]
impl WasiPlatform for BarePlatform {
    fn clock_time(&mut self, clock: ClockId) -> WasiResult<u64> {
        self.host.clock_time(Self::supported(clock)?)
    }

    fn clock_resolution(&mut self, clock: ClockId) -> WasiResult<u64> {
        self.host.clock_resolution(Self::supported(clock)?)
    }

    fn random(&mut self, buf: &mut [u8]) -> WasiResult<()> {
        self.host.random(buf)
    }

    fn sleep(&mut self, _nanos: u64) -> WasiResult<()> {
        Err(Errno::Notsup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_configuration() {
        let mut config = Config::default();
        assert!(config.platform_optimizations_enabled());
        configure(&mut config, None);
        assert_eq!(config.get_memory_budget(), Some(BUDGET));
        assert!(!config.platform_optimizations_enabled());
        configure(&mut config, Some(4096));
        assert_eq!(config.get_memory_budget(), Some(4096));
    }

    #[cfg(feature = "wasi")]
    #[test]
    fn platform_has_clocks_and_random_but_no_sleep() {
        let mut p = BarePlatform::default();
        assert!(p.clock_time(ClockId::Realtime).is_ok_and(|t| t > 0));
        assert!(p.clock_time(ClockId::Monotonic).is_ok());
        assert_eq!(p.clock_time(ClockId::ProcessCputime), Err(Errno::Notsup));
        assert_eq!(
            p.clock_resolution(ClockId::ThreadCputime),
            Err(Errno::Notsup)
        );
        let mut buf = [0u8; 32];
        assert_eq!(p.random(&mut buf), Ok(()));
        assert_ne!(buf, [0u8; 32]);
        assert_eq!(p.sleep(1), Err(Errno::Notsup));
    }
}

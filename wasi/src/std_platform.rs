//! The platform and standard streams of a hosted (`std`) build.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::platform::{WasiPlatform, WasiStream};
use super::types::{ClockId, Errno, Filetype, WasiResult};

/// Clocks, entropy and sleeping from the host operating system.
#[derive(Debug, Clone, Copy)]
pub struct StdPlatform {
    origin: Instant,
}

impl Default for StdPlatform {
    fn default() -> Self {
        Self::new()
    }
}

impl StdPlatform {
    pub fn new() -> Self {
        StdPlatform {
            origin: Instant::now(),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn duration_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn os_clock(clock: ClockId) -> rustix::time::ClockId {
    match clock {
        ClockId::Realtime => rustix::time::ClockId::Realtime,
        ClockId::Monotonic => rustix::time::ClockId::Monotonic,
        ClockId::ProcessCputime => rustix::time::ClockId::ProcessCPUTime,
        ClockId::ThreadCputime => rustix::time::ClockId::ThreadCPUTime,
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn timespec_ns(ts: rustix::time::Timespec) -> WasiResult<u64> {
    let secs = u64::try_from(ts.tv_sec).map_err(|_| Errno::Overflow)?;
    let nanos = u64::try_from(ts.tv_nsec).map_err(|_| Errno::Overflow)?;
    secs.checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(nanos))
        .ok_or(Errno::Overflow)
}

impl WasiPlatform for StdPlatform {
    fn clock_time(&mut self, clock: ClockId) -> WasiResult<u64> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let _ = self.origin;
            timespec_ns(rustix::time::clock_gettime(os_clock(clock)))
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        match clock {
            ClockId::Realtime => realtime_now(),
            ClockId::Monotonic => Ok(duration_ns(self.origin.elapsed())),
            ClockId::ProcessCputime | ClockId::ThreadCputime => Err(Errno::Notsup),
        }
    }

    fn clock_resolution(&mut self, clock: ClockId) -> WasiResult<u64> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            timespec_ns(rustix::time::clock_getres(os_clock(clock))).map(|n| n.max(1))
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        match clock {
            ClockId::Realtime | ClockId::Monotonic => Ok(1_000),
            ClockId::ProcessCputime | ClockId::ThreadCputime => Err(Errno::Notsup),
        }
    }

    fn random(&mut self, buf: &mut [u8]) -> WasiResult<()> {
        fill_random(buf)
    }

    fn sleep(&mut self, nanos: u64) -> WasiResult<()> {
        std::thread::sleep(Duration::from_nanos(nanos));
        Ok(())
    }

    fn yield_now(&mut self) {
        std::thread::yield_now();
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn realtime_now() -> WasiResult<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(duration_ns)
        .map_err(|_| Errno::Overflow)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn fill_random(mut buf: &mut [u8]) -> WasiResult<()> {
    while !buf.is_empty() {
        match rustix::rand::getrandom(&mut *buf, rustix::rand::GetRandomFlags::empty()) {
            Ok(0) => return Err(Errno::Io),
            Ok(n) => buf = &mut buf[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(crate::backend::capstd::errno_from_rustix(e)),
        }
    }
    Ok(())
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn fill_random(buf: &mut [u8]) -> WasiResult<()> {
    use std::io::Read;
    let mut f = std::fs::File::open("/dev/urandom").map_err(|_| Errno::Io)?;
    f.read_exact(buf).map_err(|_| Errno::Io)
}

#[cfg(not(unix))]
fn fill_random(_buf: &mut [u8]) -> WasiResult<()> {
    Err(Errno::Nosys)
}

fn write_to(mut out: impl Write, data: &[u8]) -> WasiResult<usize> {
    match out.write_all(data).and_then(|()| out.flush()) {
        Ok(()) => Ok(data.len()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Errno::Pipe),
        Err(_) => Err(Errno::Io),
    }
}

fn terminal_type(is_terminal: bool) -> Filetype {
    if is_terminal {
        Filetype::CharacterDevice
    } else {
        Filetype::Unknown
    }
}

/// This process's standard input, read without buffering so `poll_oneoff` sees what is left.
#[derive(Debug)]
pub struct Stdin {
    handle: std::io::Stdin,
}

impl Default for Stdin {
    fn default() -> Self {
        Self::new()
    }
}

impl Stdin {
    pub fn new() -> Self {
        Stdin {
            handle: std::io::stdin(),
        }
    }
}

impl WasiStream for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> WasiResult<usize> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            loop {
                match rustix::io::read(self.handle.as_fd(), &mut *buf) {
                    Ok(n) => return Ok(n),
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(crate::backend::capstd::errno_from_rustix(e)),
                }
            }
        }
        #[cfg(not(unix))]
        {
            use std::io::Read;
            self.handle.read(buf).map_err(|_| Errno::Io)
        }
    }

    fn filetype(&self) -> Filetype {
        terminal_type(self.handle.is_terminal())
    }

    fn read_ready(&mut self) -> WasiResult<Option<u64>> {
        #[cfg(unix)]
        {
            Ok(None)
        }
        #[cfg(not(unix))]
        {
            Ok(Some(0))
        }
    }

    #[cfg(unix)]
    fn host_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        use std::os::fd::AsFd;
        Some(self.handle.as_fd())
    }
}

/// This process's standard output (flushed after every write).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

impl WasiStream for Stdout {
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        write_to(std::io::stdout().lock(), data)
    }

    fn flush(&mut self) -> WasiResult<()> {
        std::io::stdout().flush().map_err(|_| Errno::Io)
    }

    fn filetype(&self) -> Filetype {
        terminal_type(std::io::stdout().is_terminal())
    }
}

/// This process's standard error.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stderr;

impl WasiStream for Stderr {
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        write_to(std::io::stderr().lock(), data)
    }

    fn filetype(&self) -> Filetype {
        terminal_type(std::io::stderr().is_terminal())
    }
}

//! What WASI needs from the machine it runs on, as two small traits, so that arguments, the
//! environment, clocks, randomness, standard streams and `proc_exit` work without `std`.
//!
//! A bare-metal embedder implements [`WasiPlatform`] (clocks, entropy, sleeping) and
//! [`WasiStream`] (a UART, a log buffer...) and hands them to
//! [`WasiCtxBuilder`](super::WasiCtxBuilder). With the `std` feature, [`StdPlatform`](super::StdPlatform)
//! and the standard streams of the process are ready-made.

#[cfg(feature = "std")]
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::types::{ClockId, Errno, Filetype, WasiResult};

/// Clocks, entropy and scheduling for WASI.
pub trait WasiPlatform: Send {
    /// The current time of `clock` in nanoseconds. Unsupported clocks give `ENOTSUP`.
    fn clock_time(&mut self, clock: ClockId) -> WasiResult<u64>;

    /// The resolution of `clock` in nanoseconds.
    fn clock_resolution(&mut self, clock: ClockId) -> WasiResult<u64>;

    /// Fills `buf` with random bytes. The bytes should be unpredictable (`random_get` is what
    /// guests seed their hash maps and key generators from).
    fn random(&mut self, buf: &mut [u8]) -> WasiResult<()>;

    /// Blocks the calling thread for `nanos` nanoseconds (used by `poll_oneoff` clock
    /// subscriptions). A platform that cannot sleep returns `ENOTSUP`.
    fn sleep(&mut self, nanos: u64) -> WasiResult<()>;

    /// Gives up the processor (`sched_yield`).
    fn yield_now(&mut self) {}
}

/// A platform with no clocks, no entropy and no sleeping: every call is `ENOTSUP`. The default
/// without `std`; embedders replace it with their own.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPlatform;

impl WasiPlatform for NoPlatform {
    fn clock_time(&mut self, _clock: ClockId) -> WasiResult<u64> {
        Err(Errno::Notsup)
    }

    fn clock_resolution(&mut self, _clock: ClockId) -> WasiResult<u64> {
        Err(Errno::Notsup)
    }

    fn random(&mut self, _buf: &mut [u8]) -> WasiResult<()> {
        Err(Errno::Notsup)
    }

    fn sleep(&mut self, _nanos: u64) -> WasiResult<()> {
        Err(Errno::Notsup)
    }
}

/// A byte stream a guest sees as a file descriptor: standard input, output and error, or any
/// stream the embedder adds.
pub trait WasiStream: Send {
    /// Reads into `buf`; `Ok(0)` is end of stream. The default refuses (`EBADF`).
    fn read(&mut self, buf: &mut [u8]) -> WasiResult<usize> {
        let _ = buf;
        Err(Errno::Badf)
    }

    /// Writes some of `data` and says how much. The default refuses (`EBADF`).
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        let _ = data;
        Err(Errno::Badf)
    }

    /// Pushes out anything buffered.
    fn flush(&mut self) -> WasiResult<()> {
        Ok(())
    }

    /// What `fd_fdstat_get` and `fd_filestat_get` report. A terminal is `CharacterDevice`
    /// (C programs take that, without seek rights, as "is a tty").
    fn filetype(&self) -> Filetype {
        Filetype::Unknown
    }

    /// Whether a read would not block, and how many bytes are known to be available
    /// (`poll_oneoff`). The default says "ready" with an unknown count.
    fn read_ready(&mut self) -> WasiResult<Option<u64>> {
        Ok(Some(0))
    }

    /// The host file descriptor to wait on in `poll_oneoff`, if there is one.
    #[cfg(all(feature = "std", unix))]
    fn host_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        None
    }
}

/// A stream that is always at end of input and discards output (like `/dev/null`).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullStream;

impl WasiStream for NullStream {
    fn read(&mut self, _buf: &mut [u8]) -> WasiResult<usize> {
        Ok(0)
    }

    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        Ok(data.len())
    }
}

/// Input from a fixed byte string (for tests and embedders that feed a guest's stdin).
#[derive(Debug, Default, Clone)]
pub struct BytesInput {
    data: Vec<u8>,
    pos: usize,
}

impl BytesInput {
    /// A stream that reads `data` and then reports end of input.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        BytesInput {
            data: data.into(),
            pos: 0,
        }
    }
}

impl WasiStream for BytesInput {
    fn read(&mut self, buf: &mut [u8]) -> WasiResult<usize> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }

    fn read_ready(&mut self) -> WasiResult<Option<u64>> {
        Ok(Some(self.data.len().saturating_sub(self.pos) as u64))
    }
}

/// A sink any closure can be: `CallbackOutput::new(|bytes| uart.send(bytes))`.
pub struct CallbackOutput<F: FnMut(&[u8]) + Send> {
    f: F,
}

impl<F: FnMut(&[u8]) + Send> CallbackOutput<F> {
    /// Passes every write to `f`.
    pub fn new(f: F) -> Self {
        CallbackOutput { f }
    }
}

impl<F: FnMut(&[u8]) + Send> WasiStream for CallbackOutput<F> {
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        (self.f)(data);
        Ok(data.len())
    }
}

/// Output captured in memory, shared with the embedder (who keeps a clone and reads
/// [`contents`](Self::contents) after the guest ran).
#[cfg(feature = "std")]
#[derive(Clone, Default)]
pub struct MemoryOutput {
    inner: Arc<std::sync::Mutex<Vec<u8>>>,
}

#[cfg(feature = "std")]
impl MemoryOutput {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.with(|d| d.clone())
    }

    /// Takes everything written so far, leaving the buffer empty.
    pub fn take(&self) -> Vec<u8> {
        self.with(core::mem::take)
    }
}

#[cfg(feature = "std")]
impl core::fmt::Debug for MemoryOutput {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryOutput").finish_non_exhaustive()
    }
}

#[cfg(feature = "std")]
impl WasiStream for MemoryOutput {
    fn write(&mut self, data: &[u8]) -> WasiResult<usize> {
        self.with(|d| d.extend_from_slice(data));
        Ok(data.len())
    }
}

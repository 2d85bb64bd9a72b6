//! Bounds-checked access to guest linear memory.
//!
//! Every guest pointer goes through [`GuestMemory`]: a range that does not lie entirely inside the
//! memory is `EFAULT` for the guest, never a panic in the host. Values are little-endian, as the
//! WebAssembly ABI of WASI says. Alignment is not enforced (the reads are byte copies).

use alloc::vec::Vec;

use super::types::{layout, Errno, WasiResult};

/// One `iovec`/`ciovec` from guest memory, already checked to lie inside the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoVec {
    /// Guest address of the buffer.
    pub ptr: u32,
    /// Length of the buffer in bytes.
    pub len: u32,
}

/// A view of a guest's linear memory for the duration of one host call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    /// Wraps the bytes of a linear memory.
    pub fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    /// Size of the memory in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when the memory has no bytes (or the module exports no memory).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<core::ops::Range<usize>> {
        let start = usize::try_from(ptr).map_err(|_| Errno::Fault)?;
        let len = usize::try_from(len).map_err(|_| Errno::Fault)?;
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// The `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        self.bytes.get(r).ok_or(Errno::Fault)
    }

    /// The `len` bytes at `ptr`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        self.bytes.get_mut(r).ok_or(Errno::Fault)
    }

    /// Copies `data` to `ptr`.
    pub fn write_bytes(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    fn read_array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    pub fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.read_array::<1>(ptr)?[0])
    }

    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult<()> {
        self.write_bytes(ptr, &[v])
    }

    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult<()> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult<()> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult<()> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    /// Reads `count` iovecs at `ptr`. Every iovec's buffer is checked to lie inside the memory,
    /// so later [`slice`](Self::slice)/[`slice_mut`](Self::slice_mut) calls on them cannot fail.
    pub fn read_iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<IoVec>> {
        let total = count.checked_mul(layout::IOVEC_SIZE).ok_or(Errno::Fault)?;
        // Checks the whole array first, which also bounds `count` by the memory size.
        self.slice(ptr, total)?;
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = ptr + i * layout::IOVEC_SIZE;
            let buf = self.read_u32(at)?;
            let len = self.read_u32(at + 4)?;
            self.range(buf, len)?;
            out.push(IoVec { ptr: buf, len });
        }
        Ok(out)
    }

    /// The guest string at `ptr`, which must be UTF-8 (`EILSEQ` otherwise).
    pub fn read_str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        core::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }
}

/// Reads `len` bytes or up to end of file with a reader that may return short counts.
#[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
pub(crate) fn read_full(
    buf: &mut [u8],
    mut read: impl FnMut(&mut [u8]) -> WasiResult<usize>,
) -> WasiResult<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Writes a list of iovecs through `write`, stopping at the first short write. Errors after
/// some bytes were written are reported as the partial count.
pub(crate) fn write_iovecs(
    mem: &GuestMemory<'_>,
    iovs: &[IoVec],
    mut write: impl FnMut(&[u8]) -> WasiResult<usize>,
) -> WasiResult<u32> {
    let mut total: u32 = 0;
    for iov in iovs {
        let data = mem.slice(iov.ptr, iov.len)?;
        let mut done = 0;
        while done < data.len() {
            match write(&data[done..]) {
                Ok(0) => return Ok(total),
                Ok(n) => {
                    done += n;
                    total = total.saturating_add(n as u32);
                }
                Err(e) if total == 0 => return Err(e),
                Err(_) => return Ok(total),
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_endian_round_trip() {
        let mut buf = [0u8; 32];
        let mut m = GuestMemory::new(&mut buf);
        m.write_u64(8, 0x0102_0304_0506_0708).unwrap();
        assert_eq!(m.read_u8(8).unwrap(), 0x08);
        assert_eq!(m.read_u16(8).unwrap(), 0x0708);
        assert_eq!(m.read_u32(8).unwrap(), 0x0506_0708);
        assert_eq!(m.read_u64(8).unwrap(), 0x0102_0304_0506_0708);
        m.write_u16(1, 0xbeef).unwrap();
        assert_eq!(m.slice(1, 2).unwrap(), &[0xef, 0xbe]);
    }

    #[test]
    fn out_of_bounds_is_efault() {
        let mut buf = [0u8; 16];
        let mut m = GuestMemory::new(&mut buf);
        assert_eq!(m.read_u32(13), Err(Errno::Fault));
        assert_eq!(m.read_u64(u32::MAX), Err(Errno::Fault));
        assert_eq!(m.write_u32(16, 1), Err(Errno::Fault));
        assert_eq!(m.slice(0, 17).err(), Some(Errno::Fault));
        assert_eq!(m.slice(u32::MAX, u32::MAX).err(), Some(Errno::Fault));
        assert!(m.slice(16, 0).is_ok());
        assert_eq!(m.slice(17, 0).err(), Some(Errno::Fault));
        let mut empty: [u8; 0] = [];
        let e = GuestMemory::new(&mut empty);
        assert_eq!(e.read_u8(0), Err(Errno::Fault));
    }

    #[test]
    fn iovecs_are_checked() {
        let mut buf = [0u8; 64];
        let mut m = GuestMemory::new(&mut buf);
        m.write_u32(0, 32).unwrap();
        m.write_u32(4, 8).unwrap();
        m.write_u32(8, 40).unwrap();
        m.write_u32(12, 24).unwrap();
        let v = m.read_iovecs(0, 2).unwrap();
        assert_eq!(v, [IoVec { ptr: 32, len: 8 }, IoVec { ptr: 40, len: 24 }]);
        // Second buffer runs past the end.
        m.write_u32(12, 25).unwrap();
        assert_eq!(m.read_iovecs(0, 2), Err(Errno::Fault));
        // Huge count overflows.
        assert_eq!(m.read_iovecs(0, u32::MAX), Err(Errno::Fault));
        assert_eq!(m.read_iovecs(60, 1), Err(Errno::Fault));
    }

    #[test]
    fn strings() {
        let mut buf = *b"hello\xff";
        let m = GuestMemory::new(&mut buf);
        assert_eq!(m.read_str(0, 5).unwrap(), "hello");
        assert_eq!(m.read_str(0, 6), Err(Errno::Ilseq));
        assert_eq!(m.read_str(4, 3), Err(Errno::Fault));
    }
}

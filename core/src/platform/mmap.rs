//! The mmap linear-memory backend (feature `platform-optimizations`, 64-bit Unix).
//!
//! One anonymous private mapping per memory covers every byte the memory may ever have: its
//! declared maximum, or 4 GiB (65536 pages) without one. It starts inaccessible (`PROT_NONE`,
//! which reserves address space without committing memory); the first `pages` pages are then
//! made readable and writable. `grow_to` makes the following pages accessible with `mprotect`,
//! so growing never copies and the base address never changes; the kernel supplies the new
//! pages zeroed. Dropping the memory unmaps the whole range.
//!
//! The system calls go through `rustix` (feature `mm`): it is already the core's way to the
//! operating system for WASI, it returns typed errors instead of `-1` and `errno`, and on Linux
//! it makes the calls directly.
//!
//! Accesses are bounds-checked against the committed length by the interpreter as with the heap
//! backend; the inaccessible rest of the reservation is never touched, it only keeps the address
//! range free for growth.

use core::ffi::c_void;
use core::ptr::NonNull;

use rustix::mm::{mmap_anonymous, mprotect, munmap, MapFlags, MprotectFlags, ProtFlags};

use crate::runtime::{MAX_PAGES, PAGE_SIZE};

/// Linear-memory bytes in a reserved address range. Page counts are kept as `u32` (at most
/// 65536 each) so the whole value, with the enum around it, stays the size of a `Vec<u8>`.
pub(super) struct MmapMemory {
    /// Start of the reservation; page-aligned, never moves.
    base: NonNull<u8>,
    /// Readable and writable pages at `base`, all initialised (zero unless written).
    committed: u32,
    /// Pages reserved at `base` (at least 1, at most 65536); the ones past `committed` are
    /// inaccessible.
    reserved: u32,
}

// SAFETY: `MmapMemory` owns its mapping exclusively, as a `Box<[u8]>` owns its allocation: the
// pointer is never shared with another value, reads go through `&self` and writes through
// `&mut self`, so moving it to another thread, or sharing `&MmapMemory` between threads, is as
// safe as it is for `Vec<u8>`. Mappings are per process, not per thread.
unsafe impl Send for MmapMemory {}
// SAFETY: see `Send` above; `&MmapMemory` only hands out `&[u8]`.
unsafe impl Sync for MmapMemory {}

/// Bytes of `pages` WebAssembly pages; `pages` is at most 65536, so this is at most 4 GiB, which
/// fits a 64-bit `usize` (this module is compiled for 64-bit targets only).
fn page_bytes(pages: u32) -> usize {
    pages as usize * PAGE_SIZE
}

impl MmapMemory {
    /// Reserves `max_pages` pages and commits the first `pages`. `None` when the platform
    /// refuses (the caller then uses the heap backend): not enough address space or commit
    /// limit, or a memory that can never hold a byte.
    pub(super) fn new(pages: u64, max_pages: u64) -> Option<Self> {
        let reserved = u32::try_from(max_pages.min(MAX_PAGES)).ok()?;
        let committed = u32::try_from(pages).ok()?;
        // A memory whose maximum is 0 pages holds nothing: the heap backend does that without
        // any allocation, and `mmap` refuses an empty range anyway.
        if reserved == 0 || committed > reserved {
            return None;
        }
        let len = page_bytes(reserved);
        // SAFETY: a null address lets the kernel choose where to place a fresh mapping, so no
        // existing memory is affected; the result is checked below.
        let base = unsafe {
            mmap_anonymous(
                core::ptr::null_mut(),
                len,
                ProtFlags::empty(),
                MapFlags::PRIVATE,
            )
        }
        .ok()?;
        let base = NonNull::new(base.cast::<u8>())?;
        let mut memory = MmapMemory {
            base,
            committed: 0,
            reserved,
        };
        // On failure `memory` is dropped here, which unmaps the reservation.
        memory.grow_to(u64::from(committed)).then_some(memory)
    }

    pub(super) fn grow_to(&mut self, pages: u64) -> bool {
        let Ok(pages) = u32::try_from(pages) else {
            return false;
        };
        if pages < self.committed || pages > self.reserved {
            return false;
        }
        if pages == self.committed {
            return true;
        }
        // The range starts at `base`, not at the first new page: `base` is aligned to the
        // system page size whatever it is (`mprotect` needs that), while a 64 KiB boundary
        // might not be on a system with larger pages. The committed pages are already readable
        // and writable, and the kernel skips ranges whose protection does not change.
        let len = page_bytes(pages);
        // SAFETY: `len <= page_bytes(self.reserved)` (checked above), so the range lies inside
        // the reservation this value owns, and `base` is the page-aligned start of it. The
        // committed pages keep their protection and the others were inaccessible; `&mut self`
        // means no reference into the range is alive.
        let result = unsafe {
            mprotect(
                self.base.as_ptr().cast::<c_void>(),
                len,
                MprotectFlags::READ | MprotectFlags::WRITE,
            )
        };
        if result.is_err() {
            // E.g. ENOMEM under strict overcommit: the pages stay inaccessible.
            return false;
        }
        self.committed = pages;
        true
    }

    #[inline]
    pub(super) fn bytes(&self) -> &[u8] {
        // SAFETY: the first `committed` pages at `base` are mapped readable and writable and
        // initialised (zeroed by the kernel, then written only through `bytes_mut` or pointers
        // derived from it); they stay mapped while `self` lives, and the length is at most
        // 4 GiB < `isize::MAX`. `base` is non-null and page-aligned, which also covers an empty
        // slice.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), page_bytes(self.committed)) }
    }

    #[inline]
    pub(super) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` makes this the only reference to the bytes.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), page_bytes(self.committed)) }
    }
}

impl Drop for MmapMemory {
    fn drop(&mut self) {
        // SAFETY: `base` and the reserved length are exactly the mapping `new` created, which
        // this value owns; `&mut self` in `drop` means no slice of it is still borrowed.
        let result = unsafe {
            munmap(
                self.base.as_ptr().cast::<c_void>(),
                page_bytes(self.reserved),
            )
        };
        // munmap of a whole mapping we own cannot fail in practice; if it did, the address
        // range would leak, which is harmless to correctness and nothing can be done here.
        let _ = result;
    }
}

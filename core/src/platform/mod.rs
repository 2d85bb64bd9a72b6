//! Platform-specific speed-ups, each with a portable fallback.
//!
//! Today this is the storage of a linear memory's bytes, [`LinearMemory`]. It has two backends:
//!
//! - [`heap`], the portable one: a `Vec<u8>` that is reserved fallibly, zero-filled, and copied
//!   to a new place when `memory.grow` needs more capacity. It works everywhere `alloc` does.
//! - [`mmap`] (feature `platform-optimizations`, 64-bit Unix only): the whole address range the
//!   memory can ever use (its declared maximum, or 4 GiB without one) is reserved up front as
//!   inaccessible pages, and the committed part is made readable and writable. Growing makes
//!   more pages accessible in place: nothing is copied, the base address never moves, and the
//!   new pages are zero because the kernel hands out zeroed pages.
//!
//! Which backend a memory gets is decided when it is created: the mmap one when the feature is
//! compiled in, the platform has it and `Config::platform_optimizations` is on (the default);
//! the heap one otherwise, and also when reserving the address range fails (address-space
//! or commit limits), so a missing optimization never fails an instantiation.
//!
//! Both backends hold exactly the committed bytes the memory budget was charged for; address
//! space that is reserved but inaccessible is not memory and is not charged. Both are three
//! machine words, the size of the `Vec<u8>` they replace, so the runtime's own bookkeeping (and
//! with it every memory profile) is the same whichever backend is compiled in or chosen.

mod heap;
#[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
mod mmap;

use core::ops::{Deref, DerefMut};

use heap::HeapMemory;
#[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
use mmap::MmapMemory;

/// Which backend holds a linear memory's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Backend {
    /// The portable heap buffer.
    Heap,
    /// An address-space reservation made with `mmap`.
    Mmap,
}

/// The bytes of a linear memory: always whole WebAssembly pages, all initialised, zero unless
/// written. Dereferences to the bytes as a slice.
pub(crate) struct LinearMemory {
    repr: Repr,
}

enum Repr {
    Heap(HeapMemory),
    #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
    Mmap(MmapMemory),
}

impl LinearMemory {
    /// Allocates `pages` zeroed pages of a memory that may grow to `max_pages` (at most 65536).
    /// With `platform` set, tries the platform backend first. Returns `None` when the bytes
    /// cannot be allocated; nothing is held then.
    ///
    /// The caller charges the memory budget for `pages` before calling.
    pub(crate) fn new(pages: u64, max_pages: u64, platform: bool) -> Option<Self> {
        #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
        if platform {
            if let Some(m) = MmapMemory::new(pages, max_pages) {
                return Some(LinearMemory {
                    repr: Repr::Mmap(m),
                });
            }
            // Fall through: the portable backend needs no address-space reservation.
        }
        let _ = (max_pages, platform);
        HeapMemory::new(pages).map(|m| LinearMemory {
            repr: Repr::Heap(m),
        })
    }

    /// Grows to `pages` pages, the new ones zeroed; returns `false`, with nothing changed, when
    /// the bytes cannot be allocated. `pages` must not be below the current size nor above the
    /// maximum given to [`LinearMemory::new`].
    ///
    /// The caller charges the memory budget for the new pages before calling.
    pub(crate) fn grow_to(&mut self, pages: u64) -> bool {
        match &mut self.repr {
            Repr::Heap(m) => m.grow_to(pages),
            #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
            Repr::Mmap(m) => m.grow_to(pages),
        }
    }

    /// The backend holding the bytes.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn backend(&self) -> Backend {
        match &self.repr {
            Repr::Heap(_) => Backend::Heap,
            #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
            Repr::Mmap(_) => Backend::Mmap,
        }
    }
}

impl Deref for LinearMemory {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.repr {
            Repr::Heap(m) => m.bytes(),
            #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
            Repr::Mmap(m) => m.bytes(),
        }
    }
}

impl DerefMut for LinearMemory {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        match &mut self.repr {
            Repr::Heap(m) => m.bytes_mut(),
            #[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
            Repr::Mmap(m) => m.bytes_mut(),
        }
    }
}

#[cfg(test)]
mod tests;

//! The portable linear-memory backend: a heap buffer.

use alloc::vec::Vec;

use crate::runtime::PAGE_SIZE;

/// Linear-memory bytes in a `Vec<u8>` whose length is the memory's size. Reservations are
/// fallible and exact, so an allocation failure is an answer (`None`, `false`) rather than an
/// abort, and the capacity is the committed size the budget was charged for. Growing may move
/// the bytes (the allocator copies them when it cannot extend in place).
pub(super) struct HeapMemory {
    bytes: Vec<u8>,
}

impl HeapMemory {
    pub(super) fn new(pages: u64) -> Option<Self> {
        let mut m = HeapMemory { bytes: Vec::new() };
        m.grow_to(pages).then_some(m)
    }

    pub(super) fn grow_to(&mut self, pages: u64) -> bool {
        let Some(len) = usize::try_from(pages)
            .ok()
            .and_then(|p| p.checked_mul(PAGE_SIZE))
        else {
            return false;
        };
        let Some(extra) = len.checked_sub(self.bytes.len()) else {
            return false;
        };
        if self.bytes.try_reserve_exact(extra).is_err() {
            return false;
        }
        self.bytes.resize(len, 0);
        true
    }

    #[inline]
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    #[inline]
    pub(super) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

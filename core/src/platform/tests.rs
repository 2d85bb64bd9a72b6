use alloc::vec::Vec;

use super::{Backend, LinearMemory};
use crate::runtime::PAGE_SIZE;

/// Whether this build has the mmap backend.
const HAS_PLATFORM_MEMORY: bool = cfg!(all(
    feature = "platform-optimizations",
    unix,
    target_pointer_width = "64"
));

fn expected_backend(platform: bool) -> Backend {
    if platform && HAS_PLATFORM_MEMORY {
        Backend::Mmap
    } else {
        Backend::Heap
    }
}

#[test]
fn the_storage_is_the_size_of_the_vec_it_replaced() {
    // The store's bookkeeping charges `size_of::<MemoryEntity>()` per memory to the budget; an
    // extra word here would change every recorded memory profile.
    assert_eq!(
        core::mem::size_of::<LinearMemory>(),
        core::mem::size_of::<Vec<u8>>()
    );
}

#[test]
fn the_backend_follows_the_switch_and_the_build() {
    for platform in [false, true] {
        let m = LinearMemory::new(1, 10, platform).unwrap();
        assert_eq!(
            m.backend(),
            expected_backend(platform),
            "platform {platform}"
        );
        assert_eq!(m.len(), PAGE_SIZE);
    }
    // No maximum: 4 GiB of address space, one page of memory.
    let m = LinearMemory::new(1, 65536, true).unwrap();
    assert_eq!(m.backend(), expected_backend(true));
    assert_eq!(m.len(), PAGE_SIZE);
}

#[test]
fn a_memory_that_can_hold_nothing_is_an_empty_heap_buffer() {
    for platform in [false, true] {
        let m = LinearMemory::new(0, 0, platform).unwrap();
        assert_eq!(m.backend(), Backend::Heap);
        assert!(m.is_empty());
    }
}

#[test]
fn growing_keeps_the_bytes_and_zeroes_the_new_pages() {
    for platform in [false, true] {
        let mut m = LinearMemory::new(1, 8, platform).unwrap();
        assert!(m.iter().all(|&b| b == 0));
        m[0] = 1;
        m[PAGE_SIZE - 1] = 2;
        let base = m.as_ptr();
        assert!(m.grow_to(3));
        assert_eq!(m.len(), 3 * PAGE_SIZE);
        assert_eq!((m[0], m[PAGE_SIZE - 1]), (1, 2));
        assert!(m[PAGE_SIZE..].iter().all(|&b| b == 0));
        m[3 * PAGE_SIZE - 1] = 3;
        // Growing by nothing succeeds and changes nothing.
        assert!(m.grow_to(3));
        assert_eq!(m[3 * PAGE_SIZE - 1], 3);
        assert!(m.grow_to(8));
        if m.backend() == Backend::Mmap {
            assert_eq!(m.as_ptr(), base, "the mmap backend never moves");
            // Nothing past the reservation (the caller checks the maximum for both backends).
            assert!(!m.grow_to(9));
        }
        assert_eq!(m.len(), 8 * PAGE_SIZE);
        assert_eq!((m[0], m[3 * PAGE_SIZE - 1]), (1, 3));
        // Shrinking is not growing; a refused grow changes nothing.
        assert!(!m.grow_to(2));
        assert_eq!(m.len(), 8 * PAGE_SIZE);
    }
}

#[test]
fn the_whole_reservation_is_usable() {
    // A 4 GiB reservation commits only what is asked for; touch the last committed byte after
    // growing well past the start.
    let mut m = LinearMemory::new(0, 65536, true).unwrap();
    assert!(m.is_empty());
    assert!(m.grow_to(64));
    let last = m.len() - 1;
    m[last] = 9;
    assert_eq!(m[last], 9);
    assert_eq!(m[last - 1], 0);
}

#[test]
fn memories_can_move_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LinearMemory>();
}

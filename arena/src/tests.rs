//! Host tests of the arena: layout rules, exhaustion, coalescing, `realloc`, the interrupted-call
//! paths, a randomised comparison against a model, and threads hammering one arena.

extern crate std;

mod xorshift;

use super::*;
use std::vec::Vec;
use xorshift::Rng;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

fn alloc<const N: usize>(arena: &Arena<N>, size: usize, align: usize) -> *mut u8 {
    // SAFETY: a valid, non-zero layout.
    unsafe { arena.alloc(layout(size, align)) }
}

fn free<const N: usize>(arena: &Arena<N>, ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: tests pass blocks they allocated with this layout and have not freed.
    unsafe { arena.dealloc(ptr, layout(size, align)) }
}

fn offset<const N: usize>(arena: &Arena<N>, ptr: *mut u8) -> usize {
    ptr as usize - arena.storage.get() as usize
}

#[test]
fn a_fresh_arena_is_one_free_block() {
    let arena = Arena::<1000>::new();
    assert_eq!(arena.capacity(), 1000);
    assert_eq!(Arena::<1003>::CAPACITY, 1000);
    assert_eq!(arena.largest_free_block(), Some(1000));
    assert_eq!(
        arena.stats(),
        ArenaStats {
            capacity: 1000,
            ..ArenaStats::default()
        }
    );
}

#[test]
fn blocks_are_rounded_to_granules_and_counted() {
    let arena = Arena::<256>::new();
    let a = alloc(&arena, 1, 1);
    let b = alloc(&arena, 9, 1);
    let c = alloc(&arena, 16, 8);
    assert!(!a.is_null() && !b.is_null() && !c.is_null());
    assert_eq!(offset(&arena, a), 0);
    assert_eq!(offset(&arena, b), 8);
    assert_eq!(offset(&arena, c), 24);
    assert_eq!(arena.current(), 8 + 16 + 16);
    free(&arena, b, 9, 1);
    assert_eq!(arena.current(), 24);
    assert_eq!(arena.peak(), 40);
    // The hole left by `b` is reused first (first fit).
    let d = alloc(&arena, 16, 4);
    assert_eq!(offset(&arena, d), 8);
    let s = arena.stats();
    assert_eq!(s.allocations, 4);
    assert_eq!(s.failures, 0);
    assert_eq!(s.free(), 256 - 40);
}

#[test]
fn every_alignment_is_honoured_and_padding_is_reused() {
    let arena = Arena::<{ 64 * 1024 }>::new();
    let mut live = Vec::new();
    for shift in 0..=12 {
        let align = 1usize << shift;
        let p = alloc(&arena, 24, align);
        assert!(!p.is_null(), "align {align}");
        assert_eq!(p as usize % align, 0, "align {align}");
        live.push((p, 24, align));
    }
    // Small blocks fit into the padding the large alignments left behind.
    let before = arena.largest_free_block().unwrap();
    for _ in 0..8 {
        let p = alloc(&arena, 8, 8);
        assert!(!p.is_null());
        live.push((p, 8, 8));
    }
    assert_eq!(arena.largest_free_block().unwrap(), before);
    check_disjoint(&arena, &live);
    for (p, size, align) in live {
        free(&arena, p, size, align);
    }
    assert_eq!(arena.current(), 0);
    assert_eq!(arena.largest_free_block(), Some(64 * 1024));
}

#[test]
fn exhaustion_returns_null_and_freeing_everything_coalesces() {
    let arena = Arena::<4096>::new();
    let mut live = Vec::new();
    loop {
        let p = alloc(&arena, 40, 8);
        if p.is_null() {
            break;
        }
        live.push(p);
    }
    assert_eq!(live.len(), 4096 / 40);
    assert_eq!(arena.stats().failures, 1);
    assert!(arena.current() <= 4096);
    // Free in an interleaved order to exercise merging with either neighbour.
    let (even, odd): (Vec<_>, Vec<_>) = live.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    for (_, &p) in odd.iter().rev() {
        free(&arena, p, 40, 8);
    }
    for (_, &p) in even.iter() {
        free(&arena, p, 40, 8);
    }
    assert_eq!(arena.current(), 0);
    assert_eq!(arena.largest_free_block(), Some(4096));
    let all = alloc(&arena, 4096, 8);
    assert_eq!(offset(&arena, all), 0);
    assert!(alloc(&arena, 1, 1).is_null());
    assert_eq!(arena.peak(), 4096);
}

#[test]
fn impossible_requests_fail_without_panicking() {
    let arena = Arena::<1024>::new();
    assert!(alloc(&arena, 1025, 1).is_null());
    assert!(
        alloc(&arena, 8, 1 << 20).is_null()
            || (arena.storage.get() as usize).is_multiple_of(1 << 20)
    );
    assert!(alloc(&arena, isize::MAX as usize - 4096, 4096).is_null());
    // SAFETY: zero-sized layouts are outside GlobalAlloc's contract; the arena still gives them
    // a granule rather than misbehaving.
    let z = unsafe { arena.alloc(layout(0, 1)) };
    assert!(!z.is_null());
    free(&arena, z, 0, 1);
    assert_eq!(arena.current(), 0);

    let empty = Arena::<0>::new();
    assert!(alloc(&empty, 1, 1).is_null());
    assert_eq!(empty.largest_free_block(), Some(0));
    let tiny = Arena::<7>::new();
    assert_eq!(tiny.capacity(), 0);
    assert!(alloc(&tiny, 1, 1).is_null());
    let one = Arena::<8>::new();
    assert!(!alloc(&one, 8, 8).is_null());
    assert!(alloc(&one, 1, 1).is_null());
}

#[test]
fn foreign_pointers_and_double_frees_are_ignored() {
    let arena = Arena::<512>::new();
    let a = alloc(&arena, 64, 8);
    let b = alloc(&arena, 64, 8);
    let mut outside = [0u64; 8];
    free(&arena, outside.as_mut_ptr() as *mut u8, 64, 8);
    free(&arena, a, 64, 8);
    // A second free of `a` overlaps the free block `a` became: it must not corrupt the list.
    free(&arena, a, 64, 8);
    assert_eq!(arena.largest_free_block(), Some(512 - 128));
    free(&arena, b, 64, 8);
    assert_eq!(arena.largest_free_block(), Some(512));
}

#[test]
fn realloc_shrinks_and_grows_in_place_and_moves_when_it_must() {
    let arena = Arena::<1024>::new();
    let a = alloc(&arena, 32, 8);
    // SAFETY: (this test) every pointer passed back is live with the stated layout.
    unsafe {
        for i in 0..32 {
            a.add(i).write(i as u8);
        }
        // Grows into the free space right after it.
        let a2 = arena.realloc(a, layout(32, 8), 100);
        assert_eq!(a2, a);
        assert_eq!(arena.current(), 104);
        // Shrinks in place, giving the tail back.
        let a3 = arena.realloc(a2, layout(100, 8), 16);
        assert_eq!(a3, a);
        assert_eq!(arena.current(), 16);
        let b = alloc(&arena, 8, 8);
        assert_eq!(offset(&arena, b), 16);
        // Now blocked by `b`: growing moves the block and keeps its bytes.
        let a4 = arena.realloc(a3, layout(16, 8), 64);
        assert_ne!(a4, a);
        for i in 0..16 {
            assert_eq!(a4.add(i).read(), i as u8);
        }
        assert_eq!(arena.current(), 64 + 8);
        // The old place is free again and coalesced.
        assert_eq!(arena.largest_free_block(), Some(1024 - 24 - 64));
        // Same rounded size: nothing changes.
        assert_eq!(arena.realloc(a4, layout(64, 8), 60), a4);
        // Too big: fails and leaves the block as it was.
        assert!(arena.realloc(a4, layout(64, 8), 4096).is_null());
        assert_eq!(a4.read(), 0);
        assert_eq!(arena.current(), 72);
        free(&arena, a4, 64, 8);
        free(&arena, b, 8, 8);
    }
    assert_eq!(arena.current(), 0);
    assert_eq!(arena.largest_free_block(), Some(1024));
}

#[test]
fn realloc_keeps_a_large_alignment_when_it_moves() {
    let arena = Arena::<8192>::new();
    let a = alloc(&arena, 64, 256);
    let blocker = alloc(&arena, 8, 8);
    // SAFETY: `a` is live with this layout.
    let moved = unsafe { arena.realloc(a, layout(64, 256), 512) };
    assert!(!moved.is_null());
    assert_eq!(moved as usize % 256, 0);
    free(&arena, moved, 512, 256);
    free(&arena, blocker, 8, 8);
    assert_eq!(arena.largest_free_block(), Some(8192));
}

#[test]
fn alloc_zeroed_zeroes() {
    let arena = Arena::<256>::new();
    let a = alloc(&arena, 64, 8);
    // SAFETY: `a` is live for 64 bytes.
    unsafe { a.write_bytes(0xAA, 64) };
    free(&arena, a, 64, 8);
    // SAFETY: a valid layout.
    let z = unsafe { arena.alloc_zeroed(layout(64, 8)) };
    assert_eq!(z, a);
    // SAFETY: `z` is live for 64 bytes.
    assert!(unsafe { core::slice::from_raw_parts(z, 64) }
        .iter()
        .all(|&b| b == 0));
}

/// Holds the lock as an interrupted allocator call would, runs `f`, and releases it.
fn while_interrupted<const N: usize>(arena: &Arena<N>, f: impl FnOnce()) {
    let guard = arena.lock().expect("lock free");
    f();
    drop(guard);
}

#[test]
fn an_interrupted_arena_refuses_allocations_and_defers_frees() {
    let arena = Arena::<1024>::new();
    let a = alloc(&arena, 100, 8);
    let b = alloc(&arena, 100, 8);
    while_interrupted(&arena, || {
        // What an interrupt handler would see.
        assert!(alloc(&arena, 8, 8).is_null());
        // SAFETY: `a` is live with this layout.
        assert!(unsafe { arena.realloc(a, layout(100, 8), 200) }.is_null());
        assert_eq!(arena.largest_free_block(), None);
        free(&arena, b, 100, 8);
        free(&arena, a, 100, 8);
        assert_ne!(arena.deferred.load(Ordering::Relaxed), 0);
        // Not merged yet.
        assert_eq!(arena.current(), 208);
    });
    // Releasing the lock merged the deferred frees.
    assert_eq!(arena.deferred.load(Ordering::Relaxed), 0);
    assert_eq!(arena.current(), 0);
    assert_eq!(arena.largest_free_block(), Some(1024));
    assert_eq!(arena.stats().failures, 2);
}

#[test]
fn deferred_frees_are_merged_by_the_next_lock_holder() {
    let arena = Arena::<1024>::new();
    let a = alloc(&arena, 64, 8);
    // Queue a free directly, as if the merge on release had itself been interrupted.
    arena.defer_free(offset(&arena, a), 64);
    assert_eq!(arena.current(), 64);
    let b = alloc(&arena, 1024, 8);
    assert_eq!(offset(&arena, b), 0);
    assert_eq!(arena.current(), 1024);
}

#[test]
fn reset_peak_starts_from_current_use() {
    let arena = Arena::<1024>::new();
    let a = alloc(&arena, 512, 8);
    let b = alloc(&arena, 8, 8);
    free(&arena, a, 512, 8);
    assert_eq!(arena.peak(), 520);
    arena.reset_peak();
    assert_eq!(arena.peak(), 8);
    free(&arena, b, 8, 8);
}

/// A fixed sequence of requests with a hole and in-place growth, as a runtime makes them;
/// returns whether every request was served.
fn replay<const N: usize>(arena: &Arena<N>) -> bool {
    let a = alloc(arena, 100, 8); // [0, 104)
    let b = alloc(arena, 40, 8); // [104, 144)
    free(arena, a, 100, 8); // hole [0, 104)
    let c = alloc(arena, 200, 8); // too big for the hole: [144, 344)
    let d = alloc(arena, 64, 4); // into the hole: [0, 64)
    let grown = if c.is_null() {
        c
    } else {
        // SAFETY: `c` is live with this layout.
        unsafe { arena.realloc(c, layout(200, 8), 700) } // in place: [144, 848)
    };
    let ok = !b.is_null() && !d.is_null() && !grown.is_null();
    let c = if grown.is_null() { c } else { grown };
    let c_size = if grown.is_null() { 200 } else { 700 };
    for (p, size, align) in [(b, 40, 8), (c, c_size, 8), (d, 64, 4)] {
        if !p.is_null() {
            free(arena, p, size, align);
        }
    }
    ok
}

#[test]
fn the_high_water_mark_is_the_smallest_arena_that_works() {
    let big = Arena::<4096>::new();
    assert!(replay(&big));
    let stats = big.stats();
    assert_eq!(stats.high_water, 848);
    // Fragmentation: more than was ever held at once (40 + 704 + 64).
    assert_eq!(stats.peak, 808);
    assert_eq!(stats.current, 0);
    assert!(replay(&Arena::<848>::new()));
    assert!(!replay(&Arena::<840>::new()));
}

#[test]
fn a_static_arena_works_through_global_alloc() {
    static ARENA: Arena<4096> = Arena::new();
    let p = alloc(&ARENA, 128, 16);
    assert!(!p.is_null());
    free(&ARENA, p, 128, 16);
    assert_eq!(ARENA.stats().current, 0);
}

/// Live blocks must lie inside the storage and never overlap.
fn check_disjoint<const N: usize>(arena: &Arena<N>, live: &[(*mut u8, usize, usize)]) {
    let mut ranges: Vec<(usize, usize)> = live
        .iter()
        .map(|&(p, size, _)| {
            let start = offset(arena, p);
            (start, start + round_up(size).unwrap())
        })
        .collect();
    ranges.sort();
    for pair in ranges.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlap: {pair:?}");
    }
    if let Some(last) = ranges.last() {
        assert!(last.1 <= arena.capacity());
    }
}

#[test]
fn random_operations_match_a_model() {
    const CAP: usize = 32 * 1024;
    for seed in 1..=8u64 {
        let arena = Arena::<CAP>::new();
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // (pointer, size, align, fill byte)
        let mut live: Vec<(*mut u8, usize, usize, u8)> = Vec::new();
        let mut expected = 0usize;
        for step in 0..4000 {
            let op = rng.below(10);
            if op < 5 || live.is_empty() {
                let max = if rng.below(8) == 0 { 3000 } else { 200 };
                let size = 1 + rng.below(max);
                let align = 1usize << rng.below(7);
                let p = alloc(&arena, size, align);
                if p.is_null() {
                    continue;
                }
                assert_eq!(p as usize % align, 0);
                let fill = step as u8;
                // SAFETY: `p` is a fresh block of `size` bytes.
                unsafe { p.write_bytes(fill, size) };
                live.push((p, size, align, fill));
                expected += round_up(size).unwrap();
            } else {
                let i = rng.below(live.len());
                let (p, size, align, fill) = live[i];
                // SAFETY: `p` is live for `size` bytes.
                let bytes = unsafe { core::slice::from_raw_parts(p, size) };
                assert!(bytes.iter().all(|&b| b == fill), "seed {seed} step {step}");
                if op < 8 {
                    free(&arena, p, size, align);
                    live.swap_remove(i);
                    expected -= round_up(size).unwrap();
                } else {
                    let new_size = 1 + rng.below(400);
                    // SAFETY: `p` is live with this layout.
                    let q = unsafe { arena.realloc(p, layout(size, align), new_size) };
                    if q.is_null() {
                        continue;
                    }
                    assert_eq!(q as usize % align, 0);
                    let kept = size.min(new_size);
                    // SAFETY: `q` is live for `new_size >= kept` bytes.
                    let bytes = unsafe { core::slice::from_raw_parts(q, kept) };
                    assert!(bytes.iter().all(|&b| b == fill), "seed {seed} step {step}");
                    let fill = fill.wrapping_add(1);
                    // SAFETY: as above.
                    unsafe { q.write_bytes(fill, new_size) };
                    live[i] = (q, new_size, align, fill);
                    expected = expected - round_up(size).unwrap() + round_up(new_size).unwrap();
                }
            }
            assert_eq!(arena.current(), expected, "seed {seed} step {step}");
            assert!(arena.peak() >= expected && arena.peak() <= CAP);
            if step % 256 == 0 {
                let blocks: Vec<_> = live.iter().map(|&(p, s, a, _)| (p, s, a)).collect();
                check_disjoint(&arena, &blocks);
            }
        }
        for (p, size, align, _) in live.drain(..) {
            free(&arena, p, size, align);
        }
        assert_eq!(arena.current(), 0);
        assert_eq!(arena.largest_free_block(), Some(CAP), "seed {seed}");
    }
}

#[test]
fn threads_contending_for_one_arena_never_corrupt_it() {
    static ARENA: Arena<{ 256 * 1024 }> = Arena::new();
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                let mut rng = Rng(t + 11);
                let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
                for step in 0..20_000u32 {
                    if rng.below(2) == 0 || live.is_empty() {
                        let size = 1 + rng.below(256);
                        let p = alloc(&ARENA, size, 8);
                        // Under contention an allocation may fail; that is allowed.
                        if !p.is_null() {
                            let fill = (step as u8) ^ (t as u8);
                            // SAFETY: a fresh block of `size` bytes.
                            unsafe { p.write_bytes(fill, size) };
                            live.push((p, size, fill));
                        }
                    } else {
                        let (p, size, fill) = live.swap_remove(rng.below(live.len()));
                        // SAFETY: `p` is live for `size` bytes.
                        let bytes = unsafe { core::slice::from_raw_parts(p, size) };
                        assert!(bytes.iter().all(|&b| b == fill));
                        free(&ARENA, p, size, 8);
                    }
                }
                for (p, size, _) in live {
                    free(&ARENA, p, size, 8);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Every free arrived (directly or deferred) and the blocks all merged back.
    assert_eq!(ARENA.largest_free_block(), Some(256 * 1024));
    assert_eq!(ARENA.current(), 0);
}

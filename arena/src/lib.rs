//! A bounded allocator over a fixed arena whose size is chosen at compile time: the allocator of
//! wrt's `runtime-nostd` build (wrt re-exports this crate as `wrt::arena` with that feature).
//!
//! [`Arena<N>`] owns `N` bytes (rounded down to 8) inside itself and hands them out through
//! [`GlobalAlloc`], so a bare-metal program can make it the global allocator and the whole runtime
//! (translation, validation, stores, linear memories) then allocates only from it:
//!
//! ```ignore
//! #[global_allocator]
//! static HEAP: wrt_arena::Arena<{ 96 * 1024 }> = wrt_arena::Arena::new();
//! ```
//!
//! It can also be placed in any `static` and used directly through the `GlobalAlloc` methods.
//! [`Arena::stats`] reports the bytes in use now, the peak, and the count of refused requests.
//!
//! # Design
//!
//! * Memory is handed out in 8-byte granules. A live block carries no header: `dealloc` and
//!   `realloc` receive the block's layout, which gives its size.
//! * Free blocks form one list sorted by address; each free block stores its own size and the
//!   offset of the next free block in its first 8 bytes. Allocation is first fit (with alignment
//!   padding left behind as a free block); freeing coalesces with both neighbours, so freeing every
//!   allocation always gives back one block of the whole capacity. `realloc` grows in place into
//!   a free neighbour and shrinks in place before it falls back to allocate, copy and free.
//! * All of that happens under a lock that is only ever *tried*, never waited for. On one core the
//!   only way to find it taken is an interrupt (or exception) handler that preempted an allocator
//!   call; waiting there would never end. So an allocation that finds the lock taken fails
//!   (returns null) instead of deadlocking, and a free that finds it taken is pushed onto a
//!   lock-free list of deferred frees, which the next lock holder merges back. No memory is lost
//!   and no path blocks. On several cores the arena stays memory-safe, but an allocation may fail
//!   spuriously under contention: it is meant for one core.
//! * The arena starts all zero (it lives in `.bss`, costing no flash) and sets up its free list
//!   on first use.
//!
//! Nothing here panics: bad sizes and alignments, exhaustion and contention all return null.
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

#[cfg(test)]
mod tests;

/// Allocation unit and the alignment of every block, in bytes.
const GRANULE: usize = 8;
/// "No block" in a free-list link.
const NIL: u32 = u32::MAX;
/// The largest arena: offsets and sizes are kept in `u32`, with `NIL` left free.
pub const MAX_ARENA_BYTES: usize = (u32::MAX as usize - GRANULE + 1) & !(GRANULE - 1);

/// A snapshot of an arena's use, in bytes (every block counts its size rounded up to 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArenaStats {
    /// Bytes the arena can hand out in total.
    pub capacity: usize,
    /// Bytes held by live allocations now.
    pub current: usize,
    /// The most bytes held at once since the arena started or [`Arena::reset_peak`].
    pub peak: usize,
    /// The end of the highest block ever handed out, as an offset from the arena's start. The
    /// allocator is first fit, so an arena of this size (at the same alignment) would have served
    /// the same requests the same way: for a deterministic program it is the smallest arena that
    /// works, which `peak` (bytes held at once) does not show because of fragmentation.
    pub high_water: usize,
    /// Successful allocations (including `realloc`s that moved).
    pub allocations: usize,
    /// Requests refused: no free block large enough, an impossible layout, or the arena busy in
    /// an interrupted allocator call.
    pub failures: usize,
}

impl ArenaStats {
    /// Bytes not held by live allocations (they may be fragmented).
    pub fn free(&self) -> usize {
        self.capacity.saturating_sub(self.current)
    }
}

/// The first 8 bytes of a free block.
#[derive(Clone, Copy)]
#[repr(C)]
struct FreeNode {
    /// Size of this free block in bytes (a multiple of [`GRANULE`], never zero).
    size: u32,
    /// Offset of the next free block (at a higher address), or [`NIL`].
    next: u32,
}

/// The arena's bytes, aligned so that every granule offset is a valid place for a [`FreeNode`].
#[repr(C, align(8))]
struct Storage<const N: usize>([MaybeUninit<u8>; N]);

/// State that only the lock holder reads or writes.
struct Inner {
    /// Whether the free list has been set up.
    ready: bool,
    /// Offset of the lowest free block, or [`NIL`]. Meaningless until `ready`.
    head: u32,
}

/// A bounded allocator owning `N` bytes. See the [module documentation](self).
pub struct Arena<const N: usize> {
    /// Taken while `inner` or the free blocks in `storage` are read or changed.
    busy: AtomicBool,
    inner: UnsafeCell<Inner>,
    /// Blocks freed while `busy` was taken: a lock-free stack of `offset + 1` (0 = empty), linked
    /// through the blocks' own [`FreeNode`]s.
    deferred: AtomicU32,
    current: AtomicUsize,
    peak: AtomicUsize,
    high_water: AtomicUsize,
    allocations: AtomicUsize,
    failures: AtomicUsize,
    storage: UnsafeCell<Storage<N>>,
}

// SAFETY: `inner` and the bytes of free blocks in `storage` are only touched by the holder of
// `busy`, which is taken with a (sequentially consistent) compare-exchange and released with a
// (sequentially consistent) store,
// so no two threads or handlers ever access them at once. Bytes of live blocks belong to whoever
// allocated them. The deferred stack and the counters are atomics.
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Default for Arena<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Arena<N> {
    /// Bytes this arena hands out: `N` rounded down to a multiple of 8.
    pub const CAPACITY: usize = {
        assert!(
            N <= MAX_ARENA_BYTES,
            "an arena holds at most MAX_ARENA_BYTES bytes"
        );
        N & !(GRANULE - 1)
    };

    /// An empty arena. `const`, so it can initialise a `static` (which then sits in `.bss`).
    pub const fn new() -> Self {
        // Evaluated at compile time: rejects an `N` beyond `MAX_ARENA_BYTES`.
        let _capacity = Self::CAPACITY;
        Arena {
            busy: AtomicBool::new(false),
            inner: UnsafeCell::new(Inner {
                ready: false,
                head: 0,
            }),
            deferred: AtomicU32::new(0),
            current: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            high_water: AtomicUsize::new(0),
            allocations: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
            storage: UnsafeCell::new(Storage([MaybeUninit::uninit(); N])),
        }
    }

    /// Bytes this arena hands out in total.
    pub const fn capacity(&self) -> usize {
        Self::CAPACITY
    }

    /// Current and peak use, and request counts.
    pub fn stats(&self) -> ArenaStats {
        ArenaStats {
            capacity: Self::CAPACITY,
            current: self.current.load(Ordering::Relaxed),
            peak: self.peak.load(Ordering::Relaxed),
            high_water: self.high_water.load(Ordering::Relaxed),
            allocations: self.allocations.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }

    /// Bytes held by live allocations now.
    pub fn current(&self) -> usize {
        self.current.load(Ordering::Relaxed)
    }

    /// The most bytes held at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts a new peak measurement from the current use (for example after start-up).
    pub fn reset_peak(&self) {
        self.peak
            .store(self.current.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// The largest single block that could be allocated now (with alignment 8), or `None` if
    /// the arena is busy in an interrupted allocator call.
    pub fn largest_free_block(&self) -> Option<usize> {
        let guard = self.lock()?;
        let mut largest = 0;
        let mut at = guard.head();
        while let Some(node) = guard.node(at) {
            largest = largest.max(node.size as usize);
            at = node.next;
        }
        Some(largest)
    }

    /// Allocates a block for `layout`, or `None` if no free block fits, the layout is
    /// impossible, or the arena is busy. The block's bytes are uninitialised.
    pub fn allocate(&self, layout: Layout) -> Option<NonNull<u8>> {
        let result = self.lock().and_then(|mut guard| {
            let size = round_up(layout.size())?;
            let offset = guard.take(size, layout.align())?;
            self.charge(size);
            self.reach(offset + size);
            Some(guard.ptr(offset))
        });
        match result {
            Some(ptr) => {
                self.allocations.fetch_add(1, Ordering::Relaxed);
                Some(ptr)
            }
            None => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Returns a block to the arena. If the arena is busy (this call interrupted another
    /// allocator call), the block is queued and merged back by the next call that gets the lock.
    /// Pointers that do not lie in this arena are ignored.
    ///
    /// # Safety
    /// `ptr` must have been returned by this arena for `layout` (by [`Arena::allocate`],
    /// `alloc`, `alloc_zeroed` or `realloc`) and not freed since.
    pub unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        let Some(size) = round_up(layout.size()) else {
            return;
        };
        let Some(offset) = self.offset_of(ptr, size) else {
            return;
        };
        match self.lock() {
            Some(mut guard) => {
                guard.give_back(offset, size);
                self.uncharge(size);
            }
            None => {
                self.defer_free(offset, size);
                // If the holder finished meanwhile (possible only on another core), merge now;
                // otherwise the holder merges the queue when it releases the lock.
                drop(self.lock());
            }
        }
    }

    /// Resizes a block, in place when it shrinks or when the block after it is free, otherwise
    /// by allocating, copying and freeing. Returns `None` (the old block untouched) if that fails.
    ///
    /// # Safety
    /// As for [`Arena::deallocate`]; `new_size` must not overflow `isize` when rounded up to
    /// `layout.align()`.
    pub unsafe fn reallocate(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let result = self.lock().and_then(|mut guard| {
            let old = round_up(layout.size())?;
            let new = round_up(new_size)?;
            let offset = self.offset_of(ptr, old)?;
            if new <= old {
                if new < old {
                    guard.give_back(offset + new, old - new);
                    self.uncharge(old - new);
                }
                return Some(ptr);
            }
            if guard.extend(offset, old, new - old) {
                self.charge(new - old);
                self.reach(offset + new);
                return Some(ptr);
            }
            let moved = guard.take(new, layout.align())?;
            let to = guard.ptr(moved);
            // SAFETY: `ptr` is live for `layout.size()` bytes (the caller's contract) and `to` is
            // a fresh block of at least `new > old >= layout.size()` bytes, so both ranges are
            // valid and, as distinct blocks of the arena, do not overlap.
            unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), to.as_ptr(), layout.size()) };
            guard.give_back(offset, old);
            self.charge(new);
            self.reach(moved + new);
            self.uncharge(old);
            Some(to)
        });
        match result {
            Some(p) => {
                if p != ptr {
                    self.allocations.fetch_add(1, Ordering::Relaxed);
                }
                Some(p)
            }
            None => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    // The counters below change only under the lock (plain load-then-store is enough); readers
    // outside it just see a slightly older value.

    fn charge(&self, bytes: usize) {
        let now = self.current.load(Ordering::Relaxed).saturating_add(bytes);
        self.current.store(now, Ordering::Relaxed);
        if now > self.peak.load(Ordering::Relaxed) {
            self.peak.store(now, Ordering::Relaxed);
        }
    }

    /// Records that a block now ends at offset `end`.
    fn reach(&self, end: usize) {
        if end > self.high_water.load(Ordering::Relaxed) {
            self.high_water.store(end, Ordering::Relaxed);
        }
    }

    fn uncharge(&self, bytes: usize) {
        let now = self.current.load(Ordering::Relaxed).saturating_sub(bytes);
        self.current.store(now, Ordering::Relaxed);
    }

    /// The offset of `ptr` in the storage, if `[ptr, ptr + size)` is a granule-aligned range
    /// inside it.
    fn offset_of(&self, ptr: NonNull<u8>, size: usize) -> Option<usize> {
        let base = self.storage.get() as *mut u8;
        let offset = ptr.as_ptr().addr().checked_sub(base.addr())?;
        let end = offset.checked_add(size)?;
        (offset % GRANULE == 0 && end <= Self::CAPACITY).then_some(offset)
    }

    /// Queues a block freed while the arena was busy.
    fn defer_free(&self, offset: usize, size: usize) {
        let (Ok(offset32), Ok(size32)) = (u32::try_from(offset), u32::try_from(size)) else {
            return;
        };
        let base = self.storage.get() as *mut u8;
        // SAFETY: `offset_of` checked that the block lies in the storage and is granule aligned
        // (so it holds at least one suitably aligned `FreeNode`), and the caller of `deallocate`
        // gave the block up, so nobody else reads or writes it.
        let node = unsafe { base.add(offset) } as *mut FreeNode;
        let mut head = self.deferred.load(Ordering::Relaxed);
        loop {
            // SAFETY: as above; the block is not yet visible to anyone else.
            unsafe {
                node.write(FreeNode {
                    size: size32,
                    next: head,
                })
            };
            // SeqCst (at least Release): the node's bytes are visible to whoever takes the stack,
            // and this push is ordered with the lock holder's release-then-check in `Guard::drop`.
            match self.deferred.compare_exchange_weak(
                head,
                offset32 + 1,
                Ordering::SeqCst,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(seen) => head = seen,
            }
        }
    }

    /// Tries to take the lock (never waits); sets up the free list on first use and merges
    /// deferred frees.
    fn lock(&self) -> Option<Guard<'_, N>> {
        self.busy
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::Relaxed)
            .ok()?;
        let mut guard = Guard { arena: self };
        if !guard.inner().ready {
            guard.set_up();
        }
        guard.merge_deferred();
        Some(guard)
    }
}

// SAFETY: `alloc` returns null or a block of at least `layout.size()` bytes aligned to
// `layout.align()` that no other live block overlaps (the free list only ever holds bytes no live
// block holds); `dealloc` and `realloc` rely on the caller's GlobalAlloc contract, which is the
// contract of `deallocate` and `reallocate`. Nothing here unwinds.
unsafe impl<const N: usize> GlobalAlloc for Arena<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.allocate(layout)
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: GlobalAlloc::dealloc's contract is `deallocate`'s.
            unsafe { self.deallocate(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(ptr) = NonNull::new(ptr) else {
            return ptr::null_mut();
        };
        // SAFETY: GlobalAlloc::realloc's contract is `reallocate`'s.
        unsafe { self.reallocate(ptr, layout, new_size) }.map_or(ptr::null_mut(), NonNull::as_ptr)
    }
}

/// `size` rounded up to whole granules (at least one), if that fits the arena's `u32` sizes.
fn round_up(size: usize) -> Option<usize> {
    let rounded = size.max(1).checked_add(GRANULE - 1)? & !(GRANULE - 1);
    (rounded <= MAX_ARENA_BYTES).then_some(rounded)
}

/// Proof that the lock is held; releases it (and merges late deferred frees) on drop.
struct Guard<'a, const N: usize> {
    arena: &'a Arena<N>,
}

impl<const N: usize> Drop for Guard<'_, N> {
    fn drop(&mut self) {
        // SeqCst on the lock and the queue: a free deferred because we held the lock is either
        // seen by the check below or its own retry finds the lock free.
        self.arena.busy.store(false, Ordering::SeqCst);
        // A handler that interrupted us may have deferred a free after our last merge: take the
        // lock once more to merge it, unless someone else already holds it (they will).
        while self.arena.deferred.load(Ordering::SeqCst) != 0 {
            if self
                .arena
                .busy
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::Relaxed)
                .is_err()
            {
                return;
            }
            self.merge_deferred();
            self.arena.busy.store(false, Ordering::SeqCst);
        }
    }
}

impl<const N: usize> Guard<'_, N> {
    fn base(&self) -> *mut u8 {
        self.arena.storage.get() as *mut u8
    }

    fn inner(&mut self) -> &mut Inner {
        // SAFETY: a `Guard` exists only while `busy` is held, which gives exclusive access to
        // `inner`; the returned borrow is tied to `&mut self`, so it cannot be duplicated.
        unsafe { &mut *self.arena.inner.get() }
    }

    fn head(&self) -> u32 {
        // SAFETY: as in `inner`; this is a plain read by the only party allowed to access it.
        unsafe { (*self.arena.inner.get()).head }
    }

    fn set_head(&mut self, head: u32) {
        self.inner().head = head;
    }

    fn ptr(&self, offset: usize) -> NonNull<u8> {
        // SAFETY: callers pass offsets of blocks inside the storage (`offset < CAPACITY <= N`),
        // so the pointer stays in bounds of the storage allocation, which is never null.
        unsafe { NonNull::new_unchecked(self.base().add(offset)) }
    }

    /// The free-list node at `at`, or `None` for `NIL`. A node that does not describe a block
    /// inside the storage (which only a caller breaking the deallocation contract could cause)
    /// also reads as `None`, ending the list there, so every offset and size the list yields is
    /// within the capacity and no arithmetic on them can overflow.
    fn node(&self, at: u32) -> Option<FreeNode> {
        let at = at as usize;
        if at == NIL as usize
            || !at.is_multiple_of(GRANULE)
            || at.checked_add(GRANULE)? > Arena::<N>::CAPACITY
        {
            return None;
        }
        // SAFETY: `at` is a granule-aligned offset with a whole node inside the storage, and the
        // lock holder alone reads free blocks; the bytes were written as a `FreeNode` when the
        // block joined the free list.
        let node = unsafe { (self.base().add(at) as *const FreeNode).read() };
        let size = node.size as usize;
        let fits = size >= GRANULE
            && size.is_multiple_of(GRANULE)
            && at
                .checked_add(size)
                .is_some_and(|end| end <= Arena::<N>::CAPACITY);
        fits.then_some(node)
    }

    fn write_node(&mut self, at: usize, node: FreeNode) {
        if !at.is_multiple_of(GRANULE) || at.saturating_add(GRANULE) > Arena::<N>::CAPACITY {
            return;
        }
        // SAFETY: as in `node`: in bounds, aligned, and the block is free, so only the lock
        // holder may touch it.
        unsafe { (self.base().add(at) as *mut FreeNode).write(node) }
    }

    /// Points the link that leads to a free block (the list head, or the `next` of the free block
    /// at `prev`) at `to`.
    fn relink(&mut self, prev: Option<usize>, to: u32) {
        match prev {
            None => self.set_head(to),
            Some(p) => {
                if let Some(mut node) = self.node(p as u32) {
                    node.next = to;
                    self.write_node(p, node);
                }
            }
        }
    }

    fn set_up(&mut self) {
        let capacity = Arena::<N>::CAPACITY;
        if capacity >= GRANULE {
            self.write_node(
                0,
                FreeNode {
                    size: capacity as u32,
                    next: NIL,
                },
            );
            self.set_head(0);
        } else {
            self.set_head(NIL);
        }
        self.inner().ready = true;
    }

    fn merge_deferred(&mut self) {
        // SeqCst (at least Acquire): pairs with the push in `defer_free`, so the queued nodes'
        // bytes are visible.
        let mut at = self.arena.deferred.swap(0, Ordering::SeqCst);
        while at != 0 {
            let offset = at as usize - 1;
            let Some(node) = self.node(offset as u32) else {
                return;
            };
            self.give_back(offset, node.size as usize);
            self.arena.uncharge(node.size as usize);
            at = node.next;
        }
    }

    /// First fit: carves `size` bytes aligned to `align` out of a free block and returns their
    /// offset. `size` is a whole number of granules.
    fn take(&mut self, size: usize, align: usize) -> Option<usize> {
        let align = align.max(GRANULE);
        let base = self.base().addr();
        let mut prev: Option<usize> = None;
        let mut at = self.head();
        while let Some(node) = self.node(at) {
            let start = at as usize;
            let block = node.size as usize;
            // Padding up to the alignment: a multiple of GRANULE, as base and offsets are.
            let pad = base
                .checked_add(start)
                .and_then(|addr| addr.checked_next_multiple_of(align))
                .map(|aligned| aligned - base - start);
            if let Some(pad) = pad {
                if pad.checked_add(size).is_some_and(|needed| needed <= block) {
                    let offset = start + pad;
                    let tail = block - pad - size;
                    let after = if tail > 0 {
                        let tail_at = offset + size;
                        self.write_node(
                            tail_at,
                            FreeNode {
                                size: tail as u32,
                                next: node.next,
                            },
                        );
                        tail_at as u32
                    } else {
                        node.next
                    };
                    if pad > 0 {
                        // The padding stays a free block, now followed by the tail.
                        self.write_node(
                            start,
                            FreeNode {
                                size: pad as u32,
                                next: after,
                            },
                        );
                    } else {
                        self.relink(prev, after);
                    }
                    return Some(offset);
                }
            }
            prev = Some(start);
            at = node.next;
        }
        None
    }

    /// Grows the live block `[offset, offset + size)` by `extra` bytes in place, if the free
    /// block right after it is large enough.
    fn extend(&mut self, offset: usize, size: usize, extra: usize) -> bool {
        let Some(end) = offset.checked_add(size) else {
            return false;
        };
        let mut prev: Option<usize> = None;
        let mut at = self.head();
        while let Some(node) = self.node(at) {
            let start = at as usize;
            if start > end {
                return false;
            }
            if start == end {
                let block = node.size as usize;
                if block < extra {
                    return false;
                }
                let after = if block > extra {
                    let rest_at = end + extra;
                    self.write_node(
                        rest_at,
                        FreeNode {
                            size: (block - extra) as u32,
                            next: node.next,
                        },
                    );
                    rest_at as u32
                } else {
                    node.next
                };
                self.relink(prev, after);
                return true;
            }
            prev = Some(start);
            at = node.next;
        }
        false
    }

    /// Puts `[offset, offset + size)` back on the free list, merged with free neighbours. A
    /// range that overlaps a free block (a double free) is dropped rather than corrupting the
    /// list.
    fn give_back(&mut self, offset: usize, size: usize) {
        let Some(end) = offset.checked_add(size) else {
            return;
        };
        if size == 0 || end > Arena::<N>::CAPACITY {
            return;
        }
        // Find the free blocks just before and just after the range.
        let mut prev: Option<(usize, FreeNode)> = None;
        let mut at = self.head();
        let mut next: Option<(usize, FreeNode)> = None;
        while let Some(node) = self.node(at) {
            let start = at as usize;
            if start >= offset {
                next = Some((start, node));
                break;
            }
            prev = Some((start, node));
            at = node.next;
        }
        if let Some((p, node)) = prev {
            if p + node.size as usize > offset {
                return;
            }
        }
        if let Some((n, _)) = next {
            if n < end {
                return;
            }
        }
        // Merge with the next block, then with the previous one.
        let (mut size, link) = match next {
            Some((n, node)) if n == end => (size + node.size as usize, node.next),
            Some((n, _)) => (size, n as u32),
            None => (size, NIL),
        };
        match prev {
            Some((p, node)) if p + node.size as usize == offset => {
                size += node.size as usize;
                self.write_node(
                    p,
                    FreeNode {
                        size: size as u32,
                        next: link,
                    },
                );
            }
            _ => {
                self.write_node(
                    offset,
                    FreeNode {
                        size: size as u32,
                        next: link,
                    },
                );
                self.relink(prev.map(|(p, _)| p), offset as u32);
            }
        }
    }
}

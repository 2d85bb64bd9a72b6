//! Calls and returns: frames live on an explicit stack (`Exec::frames`), so a wasm call is a
//! few stores and a jump, and guest recursion never grows the host stack.
//!
//! The hot paths (`call`, `ret`, `tail_call`) are inlined into their handlers; anything that
//! may allocate, call the host or fail goes through small out-of-line functions that take the
//! execution state and plain values (so handlers keep no locals in memory and can tail-call).

use super::dispatch::{Exec, Flow, Hot};
use super::{ensure_stack, init_frame_slots, internal, resolve_indirect, Frame};
use crate::engine::translate::CompiledFunc;
use crate::error::TrapCode;
use crate::resources::{push_accounted, MemoryCategory};
use crate::runtime::FuncEntity;
use core::ptr::NonNull;

/// Enters store function `callee` with its arguments at stack index `at` (results land there).
/// Returns false when execution must stop (the reason is recorded in `s.st`).
#[inline(always)]
pub(super) fn call(s: &mut Hot<'_>, callee: u32, at: usize) -> bool {
    let Some(target) = target(s.st, callee) else {
        return false;
    };
    match target {
        Target::Wasm(code, instance) => {
            let st = &mut *s.st;
            // SAFETY: `frames` is valid for the execution and not otherwise borrowed.
            let frames = unsafe { &mut *st.frames };
            if st.depth0 + frames.len() + 2 > st.max_depth {
                st.trap(TrapCode::CallStackExhausted);
                return false;
            }
            // SAFETY: `code` came from the function's entry: a translation owned by a module
            // the store keeps alive, never moved or freed while it lives (see `execute`).
            let callee_ref = unsafe { &*code };
            if !enter(st, at, callee_ref) {
                return false;
            }
            if frames.len() < frames.capacity() {
                // SAFETY: just checked.
                unsafe { push_within_capacity(frames, caller_frame(st, s.ip)) };
            } else if !push_frame(st, s.ip) {
                return false;
            }
            st.code = code;
            st.base = at;
            s.ip = callee_ref.instrs.as_ptr();
            switch_to(s, instance);
            true
        }
        Target::Host(host, _) => {
            if !host_call(s.st, host, at) {
                return false;
            }
            s.reload();
            true
        }
    }
}

/// The common call, decided without side effects: a translated function of the current
/// instance, room on both stacks, and no slots to initialise. Returns false, having changed
/// nothing, for everything else, which the caller hands to the general path ([`call`]). It makes
/// no calls, so the handlers that inline it keep to scratch registers and save none.
#[inline(always)]
pub(super) fn call_fast(s: &mut Hot<'_>, callee: u32, at: usize) -> bool {
    // SAFETY: `inner` is valid for the execution; this shared borrow ends here.
    let inner = unsafe { &*s.st.inner };
    let Some(&FuncEntity::Wasm {
        code: Some(code),
        instance,
        ..
    }) = inner.funcs.get(callee as usize)
    else {
        return false;
    };
    enter_fast(s, code, instance, at)
}

/// [`call_fast`] of a function whose translation and instance are known.
#[inline(always)]
fn enter_fast(s: &mut Hot<'_>, code: NonNull<CompiledFunc>, instance: u32, at: usize) -> bool {
    let st = &mut *s.st;
    // SAFETY: `frames` and `stack` are valid for the execution, distinct, and not otherwise
    // borrowed while a handler runs; these borrows end with this function.
    let (frames, stack) = unsafe { (&mut *st.frames, &mut *st.stack) };
    // SAFETY: as in `call`: translations stay valid and unmoved while the store lives.
    let callee_ref = unsafe { code.as_ref() };
    let len = frames.len();
    let fits = instance == st.instance
        && len < st.frame_limit
        && at + callee_ref.frame_size as usize <= stack.len()
        && callee_ref.bare;
    if !fits {
        return false;
    }
    // SAFETY: `len < capacity` (checked above).
    unsafe { push_within_capacity(frames, caller_frame(st, s.ip)) };
    st.code = code.as_ptr().cast_const();
    st.base = at;
    s.ip = callee_ref.instrs.as_ptr();
    // SAFETY: `at + frame_size <= stack.len()` (checked above).
    s.regs = unsafe { stack.as_mut_ptr().add(at) };
    true
}

/// `call_indirect` of table `table` at `index` with type `ty`, on the fast path: the element is
/// an initialised translated function of type `ty`, and [`call_fast`]'s conditions hold.
/// Returns false, having changed nothing, for everything else (the general path finds out which
/// trap or slower call it is).
#[inline(always)]
pub(super) fn call_indirect_fast(
    s: &mut Hot<'_>,
    table: u32,
    ty: u32,
    index: u32,
    at: usize,
) -> bool {
    let Some(func) = element(s.st, table, index) else {
        return false;
    };
    // SAFETY: `inner` is valid for the execution; this shared borrow ends here.
    let inner = unsafe { &*s.st.inner };
    let Some(&FuncEntity::Wasm {
        sig,
        code: Some(code),
        instance,
        ..
    }) = inner.funcs.get(func as usize)
    else {
        return false;
    };
    // SAFETY: validation bounds `ty` by the module's type count, and the current instance's
    // `sigs` (which `sigs` points at, see `Exec::refresh`) has one entry per type.
    if sig != unsafe { *s.st.sigs.add(ty as usize) } {
        return false;
    }
    enter_fast(s, code, instance, at)
}

/// The store function in element `index` of the current instance's table `table`, if that
/// element exists and is initialised. Table 0 is read through the cache `Exec::table0`.
#[inline(always)]
fn element(st: &Exec, table: u32, index: u32) -> Option<u32> {
    let cell = if table == 0 {
        if index as usize >= st.table0_len {
            return None;
        }
        // SAFETY: `table0` points at `table0_len` elements of table 0 (see `Exec::refresh`,
        // rerun after anything that may move them); `index` is below that.
        unsafe { *st.table0.add(index as usize) }
    } else {
        // SAFETY: `inner` is valid for the execution; this shared borrow ends here.
        let inner = unsafe { &*st.inner };
        let inst = inner.instances.get(st.instance as usize)?;
        let t = inst.tables.get(table as usize)?;
        *inner
            .tables
            .get(*t as usize)?
            .elements
            .get(index as usize)?
    };
    u32::try_from(cell.checked_sub(1)?).ok()
}

/// The function a `call_indirect` of table `table` at `index` reaches, if it is initialised
/// and of type `ty`; `None` (changing nothing) for anything else, which the general path
/// ([`resolve`]) turns into the right trap. Makes no calls, like [`call_fast`].
#[inline(always)]
pub(super) fn resolve_fast(st: &Exec, table: u32, ty: u32, index: u32) -> Option<u32> {
    let func = element(st, table, index)?;
    // SAFETY: as in `call_indirect_fast`.
    let expected = unsafe { *st.sigs.add(ty as usize) };
    // SAFETY: `inner` is valid for the execution; this shared borrow ends here.
    let inner = unsafe { &*st.inner };
    (inner.funcs.get(func as usize)?.sig() == expected).then_some(func)
}

/// What a call of store function `f` enters.
#[derive(Clone, Copy)]
enum Target {
    /// Translated code (valid as long as the store, see `FuncEntity::Wasm::code`) and the
    /// callee's instance.
    Wasm(*const CompiledFunc, u32),
    /// A host function and its signature id.
    Host(u32, u32),
}

/// The target of a call of store function `f`: read from the function's entry, or, on the
/// store's first call of a lazily translated function, translated and charged first
/// (`first_call`). `None` when that failed (recorded in `st`).
#[inline(always)]
fn target(st: &mut Exec, f: u32) -> Option<Target> {
    let read = |st: &Exec| {
        // SAFETY: `inner` is valid for the execution; the borrow ends in this closure.
        match unsafe { &*st.inner }.funcs.get(f as usize) {
            Some(&FuncEntity::Wasm {
                code: Some(code),
                instance,
                ..
            }) => Some(Target::Wasm(code.as_ptr().cast_const(), instance)),
            Some(&FuncEntity::Host { host, sig }) => Some(Target::Host(host, sig)),
            _ => None,
        }
    };
    match read(st) {
        Some(t) => Some(t),
        None => {
            if !first_call(st, f) {
                return None;
            }
            let t = read(st);
            if t.is_none() {
                unknown_function(st);
            }
            t
        }
    }
}

/// Translates (if no store has yet) and charges a function on this store's first call of it.
#[cold]
#[inline(never)]
fn first_call(st: &mut Exec, f: u32) -> bool {
    // SAFETY: `inner` is valid for the execution and not otherwise borrowed here.
    let r = unsafe { &mut *st.inner }.resolve_callee(f).map(|_| ());
    st.ok(r)
}

/// Returns from the current function with `count` results starting at slot `src`.
/// `Some` when execution stops: the outermost frame returned, or something failed.
#[inline(always)]
pub(super) fn ret(s: &mut Hot<'_>, src: u32, count: u32) -> Option<Flow> {
    match count {
        0 => {}
        // SAFETY: the translator keeps `src + count` within the frame; slot 0 is in it too.
        1 => unsafe { *s.regs = *s.regs.add(src as usize) },
        // SAFETY: as above; `copy` allows overlap.
        _ => unsafe { core::ptr::copy(s.regs.add(src as usize), s.regs, count as usize) },
    }
    return_to_caller(s)
}

/// The common return, decided without side effects: at most one result, to a caller in the
/// same instance. Returns false, having changed nothing, for everything else ([`ret`]). Makes
/// no calls, like [`call_fast`].
#[inline(always)]
pub(super) fn ret_fast(s: &mut Hot<'_>, src: u32, count: u32) -> bool {
    let st = &mut *s.st;
    // SAFETY: `frames` is valid for the execution and not otherwise borrowed.
    let frames = unsafe { &mut *st.frames };
    let Some(last) = frames.len().checked_sub(1) else {
        return false;
    };
    // SAFETY: `last < len`: the frame is initialised.
    let f = unsafe { &*frames.as_ptr().add(last) };
    if count > 1 || f.instance != st.instance {
        return false;
    }
    if count == 1 {
        // SAFETY: the translator keeps `src` within the frame; slot 0 is in it too.
        unsafe { *s.regs = *s.regs.add(src as usize) };
    }
    st.code = f.code;
    st.base = f.base;
    s.ip = f.ip;
    // SAFETY: the caller's frame at `f.base` is on the stack below the returning one.
    s.regs = unsafe { (*st.stack).as_mut_ptr().add(f.base) };
    // SAFETY: drops the (plain-data) last frame, read above.
    unsafe { frames.set_len(last) };
    true
}

/// Resumes the caller of the current frame, or reports that the outermost frame returned.
#[inline(always)]
fn return_to_caller(s: &mut Hot<'_>) -> Option<Flow> {
    let st = &mut *s.st;
    // SAFETY: `frames` is valid for the execution and not otherwise borrowed.
    let Some(f) = (unsafe { &mut *st.frames }).pop() else {
        return Some(Flow::Done);
    };
    st.code = f.code;
    st.base = f.base;
    s.ip = f.ip;
    switch_to(s, f.instance);
    None
}
/// Replaces the current frame with a call to store function `callee`, whose `count` arguments
/// are at slot `args`.
#[inline(always)]
pub(super) fn tail_call(s: &mut Hot<'_>, callee: u32, args: u32, count: u32) -> Option<Flow> {
    let Some(target) = target(s.st, callee) else {
        return Some(Flow::Error);
    };
    match target {
        Target::Wasm(code, instance) => {
            // SAFETY: the arguments are slots of the current frame; `copy` allows overlap.
            unsafe { core::ptr::copy(s.regs.add(args as usize), s.regs, count as usize) };
            let st = &mut *s.st;
            // SAFETY: as in `call`.
            let callee_ref = unsafe { &*code };
            if !enter(st, st.base, callee_ref) {
                return Some(Flow::Error);
            }
            st.code = code;
            s.ip = callee_ref.instrs.as_ptr();
            switch_to(s, instance);
            None
        }
        Target::Host(host, sig) => {
            let at = s.st.base + args as usize;
            if !host_call(s.st, host, at) {
                return Some(Flow::Error);
            }
            s.reload();
            // SAFETY: as in `call`.
            let Some(results) = unsafe { &*s.st.inner }
                .sigs
                .get(sig as usize)
                .map(|t| t.results().len())
            else {
                return Some(s.st.fail(super::internal("a tail-called host function has no type")));
            };
            // SAFETY: `host_call` made the stack hold `at + results` slots; `regs` is the
            // current frame's first slot, and `copy` allows overlap.
            unsafe { core::ptr::copy(s.regs.add(args as usize), s.regs, results) };
            return_to_caller(s)
        }
    }
}

/// Makes the current frame pointer and instance caches describe `instance`'s frame at
/// `st.base`. Within one instance only the stack may have moved.
#[inline(always)]
fn switch_to(s: &mut Hot<'_>, instance: u32) {
    let st = &mut *s.st;
    if instance != st.instance {
        st.instance = instance;
        st.refresh();
        s.reload();
    } else {
        // SAFETY: `enter` (or the caller's own frame) made the stack hold the frame at `base`.
        s.regs = unsafe { (*st.stack).as_mut_ptr().add(st.base) };
    }
}

/// Prepares a frame for `code` at stack index `base`: room for its slots, zeroed declared
/// locals and the constant pool.
#[inline(always)]
fn enter(st: &mut Exec, base: usize, code: &CompiledFunc) -> bool {
    let end = base + code.frame_size as usize;
    // SAFETY: `stack` is valid for the execution and not otherwise borrowed.
    if end > unsafe { (*st.stack).len() } && !grow_stack(st, end) {
        return false;
    }
    // Small functions often have neither: keep their calls free of the loops below.
    if !code.bare {
        init_frame(st, base, end, code);
    }
    true
}

#[inline(never)]
fn init_frame(st: &mut Exec, base: usize, end: usize, code: &CompiledFunc) {
    // SAFETY: `stack` is valid for the execution and not otherwise borrowed; `enter` made it
    // hold at least `end` slots.
    let stack = unsafe { &mut *st.stack };
    init_frame_slots(&mut stack[base..end], code);
}

#[inline(never)]
fn grow_stack(st: &mut Exec, len: usize) -> bool {
    // SAFETY: `inner` and `stack` are valid for the execution and distinct.
    let (inner, stack) = unsafe { (&mut *st.inner, &mut *st.stack) };
    let r = ensure_stack(&mut inner.budget, stack, len, st.max_stack);
    st.ok(r)
}

/// The current frame, suspended to resume at `ip`.
#[inline(always)]
fn caller_frame(st: &Exec, ip: *const crate::engine::ir::Instr) -> Frame {
    Frame {
        code: st.code,
        ip,
        base: st.base,
        instance: st.instance,
    }
}

/// The value of `Exec::frame_limit`: the frame count below which a call may push a frame
/// without growing `frames` or exceeding the call depth limit.
pub(super) fn frame_limit(st: &Exec) -> usize {
    // SAFETY: `frames` is valid for the execution.
    let capacity = unsafe { (*st.frames).capacity() };
    // `depth0 + len + 2 <= max_depth`, as `len < max_depth + 1 - depth0 - 2`.
    let depth = (st.max_depth + 1).saturating_sub(st.depth0 + 2);
    capacity.min(depth)
}

/// Appends `frame` without growing `frames`.
///
/// # Safety
/// `frames.len() < frames.capacity()`.
#[inline(always)]
unsafe fn push_within_capacity(frames: &mut alloc::vec::Vec<Frame>, frame: Frame) {
    let len = frames.len();
    // SAFETY: `len < capacity` (the caller's contract): the slot is allocated and unused.
    unsafe {
        frames.as_mut_ptr().add(len).write(frame);
        frames.set_len(len + 1);
    }
}

/// Pushes the current frame when the frame stack is full (charging its growth).
#[inline(never)]
fn push_frame(st: &mut Exec, ip: *const crate::engine::ir::Instr) -> bool {
    let frame = caller_frame(st, ip);
    // SAFETY: `inner` and `frames` are valid for the execution and distinct.
    let (inner, frames) = unsafe { (&mut *st.inner, &mut *st.frames) };
    match push_accounted(&mut inner.budget, MemoryCategory::Stacks, frames, frame) {
        Ok(()) => {
            st.frame_limit = frame_limit(st);
            true
        }
        Err(_) => {
            st.trap(TrapCode::CallStackExhausted);
            false
        }
    }
}

/// Calls host function `host` with arguments at stack index `at`; recomputes the caches.
#[inline(never)]
fn host_call(st: &mut Exec, host: u32, at: usize) -> bool {
    // SAFETY: `frames` is valid for the execution.
    let depth = st.depth0 + unsafe { (*st.frames).len() } + 1;
    // SAFETY: `store` is the erased `&mut Store<T>` of this execution and `host` its matching
    // caller; no reference into the store is live during the call (handlers hold raw pointers
    // only, and `refresh` recomputes them afterwards).
    let r = unsafe { (st.host)(st.store, &mut *st.stack, host, at, st.instance, depth) };
    st.refresh();
    st.ok(r)
}

/// Resolves a `call_indirect` target, or records the trap. The common case (an initialised
/// element of the expected type) is checked inline; anything else takes `resolve_slow`, which
/// finds out which trap it is.
#[inline(always)]
pub(super) fn resolve(st: &mut Exec, table: u32, ty: u32, index: u32) -> Option<u32> {
    match resolve_fast(st, table, ty, index) {
        Some(func) => Some(func),
        None => resolve_slow(st, table, ty, index),
    }
}

#[cold]
#[inline(never)]
fn resolve_slow(st: &mut Exec, table: u32, ty: u32, index: u32) -> Option<u32> {
    // SAFETY: `inner` is valid for the execution.
    let r = resolve_indirect(unsafe { &*st.inner }, st.instance, table, ty, index);
    match r {
        Ok(f) => Some(f),
        Err(e) => {
            st.fail(e);
            None
        }
    }
}

#[cold]
#[inline(never)]
fn unknown_function(st: &mut Exec) {
    st.fail(internal("unknown function"));
}

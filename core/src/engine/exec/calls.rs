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
    let st = &mut *s.st;
    // SAFETY: `inner`, `frames` and `stack` are valid for the execution, distinct, and not
    // otherwise borrowed while a handler runs; these borrows end with this function.
    let (inner, frames, stack) = unsafe { (&*st.inner, &mut *st.frames, &mut *st.stack) };
    let Some(&FuncEntity::Wasm {
        code: Some(code),
        instance,
        ..
    }) = inner.funcs.get(callee as usize)
    else {
        return false;
    };
    // SAFETY: as in `call`: translations stay valid and unmoved while the store lives.
    let callee_ref = unsafe { code.as_ref() };
    let len = frames.len();
    let fits = instance == st.instance
        && st.depth0 + len + 2 <= st.max_depth
        && len < frames.capacity()
        && at + callee_ref.frame_size as usize <= stack.len()
        && callee_ref.num_locals == callee_ref.num_params
        && callee_ref.consts.is_empty();
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

/// The function a `call_indirect` of table `table` at `index` reaches, if it is initialised
/// and of type `ty`; `None` (changing nothing) for anything else, which the general path
/// ([`resolve`]) turns into the right trap. Makes no calls, like [`call_fast`].
#[inline(always)]
pub(super) fn resolve_fast(st: &Exec, table: u32, ty: u32, index: u32) -> Option<u32> {
    // SAFETY: `inner` is valid for the execution; this shared borrow ends here.
    let inner = unsafe { &*st.inner };
    let inst = inner.instances.get(st.instance as usize)?;
    let t = inst.tables.get(table as usize)?;
    let cell = *inner
        .tables
        .get(*t as usize)?
        .elements
        .get(index as usize)?;
    let func = u32::try_from(cell.checked_sub(1)?).ok()?;
    let expected = *inst.sigs.get(ty as usize)?;
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
            let results = unsafe { &*s.st.inner }
                .sigs
                .get(sig as usize)
                .map_or(0, |t| t.results().len());
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
    if code.num_locals != code.num_params || !code.consts.is_empty() {
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
        Ok(()) => true,
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

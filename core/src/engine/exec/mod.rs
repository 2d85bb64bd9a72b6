//! The interpreter. Every IR instruction has its own handler function (`handlers.rs`); a handler
//! does its work and passes control to the next instruction's handler (`dispatch.rs`), by a tail
//! call where the build guarantees one, by returning to a loop otherwise. Wasm calls are kept on
//! an explicit frame stack (`calls.rs`), so guest recursion never recurses on the host stack.
//! Bulk memory and table instructions, which are rarely hot, live in `bulk.rs`.

mod bulk;
mod calls;
mod dispatch;
mod handlers;

use alloc::sync::Arc;
use alloc::vec::Vec;

use self::dispatch::{Exec, Flow, Regs};
use super::ir::Instr;
use super::translate::CompiledFunc;
use crate::error::{Error, Result, TrapCode};
use crate::resources::{vec_bytes, Budget, MemoryCategory};
use crate::runtime::{
    cell_to_val, check_values, val_to_cell, Callee, Caller, FuncEntity, Store, StoreInner,
};
use crate::value::{Cell, Val};

/// A suspended caller.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    /// Valid while the store lives (see `execute`).
    code: *const CompiledFunc,
    /// Where the caller resumes: an instruction of `code`.
    ip: *const Instr,
    base: usize,
    instance: u32,
}

fn trap(code: TrapCode) -> Error {
    Error::trap(code)
}

fn internal(what: &str) -> Error {
    crate::error::internal!("{what}")
}

/// Calls store function `func` with typed arguments.
pub(crate) fn call<T>(
    store: &mut Store<T>,
    func: u32,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    let ty = store
        .inner
        .func_ty(func)
        .cloned()
        .ok_or_else(|| Error::handle("unknown function"))?;
    check_values(store.inner.id, ty.params(), params, "arguments")?;
    if results.len() != ty.results().len() {
        return Err(Error::ty(alloc::format!(
            "expected room for {} results, got {}",
            ty.results().len(),
            results.len()
        )));
    }
    if let Some(FuncEntity::Host { host, .. }) = store.inner.funcs.get(func as usize) {
        let f = store
            .hosts
            .get(*host as usize)
            .map(|h| Arc::clone(&h.f))
            .ok_or_else(|| internal("unknown host function"))?;
        f(
            Caller {
                store,
                instance: None,
            },
            params,
            results,
        )?;
        return check_values(store.inner.id, ty.results(), results, "host results");
    }

    // Reuse the store's stacks; a call from inside a host function gets fresh ones.
    let mut stack = core::mem::take(&mut store.inner.stack);
    let mut frames = core::mem::take(&mut store.inner.frames);
    let max_stack = store.inner.engine.config().max_value_stack;
    let needed = params.len().max(results.len());
    let depth = store.inner.depth;
    let mut outcome = ensure_stack(&mut store.inner.budget, &mut stack, needed, max_stack);
    if outcome.is_ok() {
        for (cell, val) in stack.iter_mut().zip(params) {
            *cell = val_to_cell(val);
        }
        outcome = execute(store, &mut stack, &mut frames, func);
    }
    store.inner.depth = depth;
    // Frames hold code references: drop them now (the vector's capacity stays).
    frames.clear();
    if outcome.is_ok() {
        for ((out, ty), cell) in results.iter_mut().zip(ty.results()).zip(stack.iter()) {
            *out = cell_to_val(store.inner.id, *ty, *cell);
        }
    }
    give_back(&mut store.inner, stack, frames);
    outcome
}

/// Returns stacks to the store, or frees them (and their budget) if the store has its own.
fn give_back(inner: &mut StoreInner, stack: Vec<Cell>, frames: Vec<Frame>) {
    /// Puts `used` back in `slot` if the store has none there, else frees it and its budget.
    fn back<T>(slot: &mut Vec<T>, used: Vec<T>, budget: &mut crate::resources::Budget) {
        if slot.capacity() == 0 {
            *slot = used;
        } else {
            budget.release(MemoryCategory::Stacks, vec_bytes(&used));
        }
    }
    back(&mut inner.stack, stack, &mut inner.budget);
    back(&mut inner.frames, frames, &mut inner.budget);
}

/// Makes the value stack at least `len` slots long, within the configured limit and the budget.
#[inline(never)]
fn ensure_stack(budget: &mut Budget, stack: &mut Vec<Cell>, len: usize, max: usize) -> Result<()> {
    if len <= stack.len() {
        return Ok(());
    }
    if len > max {
        return Err(trap(TrapCode::CallStackExhausted));
    }
    let target = len
        .max(stack.len().saturating_mul(2))
        .clamp(256, max.max(len));
    let extra = target.saturating_sub(stack.capacity());
    let bytes = (extra * core::mem::size_of::<Cell>()) as u64;
    budget
        .charge(MemoryCategory::Stacks, bytes)
        .map_err(|_| trap(TrapCode::CallStackExhausted))?;
    if stack.try_reserve_exact(extra).is_err() {
        budget.release(MemoryCategory::Stacks, bytes);
        return Err(trap(TrapCode::CallStackExhausted));
    }
    stack.resize(target, 0);
    Ok(())
}

/// Prepares a frame for `code` at `base`: room for its slots, zeroed declared locals and the
/// constant pool.
#[inline(always)]
fn enter_frame(
    budget: &mut Budget,
    stack: &mut Vec<Cell>,
    base: usize,
    code: &CompiledFunc,
    max: usize,
) -> Result<()> {
    let end = base + code.frame_size as usize;
    if end > stack.len() {
        ensure_stack(budget, stack, end, max)?;
    }
    init_frame_slots(&mut stack[base..end], code);
    Ok(())
}

/// Zeroes a new frame's declared locals and copies in its constant pool (the parameters are
/// already in place).
fn init_frame_slots(frame: &mut [Cell], code: &CompiledFunc) {
    let (params, locals) = (code.num_params as usize, code.num_locals as usize);
    frame[params..locals].fill(0);
    for (slot, value) in frame[locals..].iter_mut().zip(code.consts.iter()) {
        *slot = *value;
    }
}

/// Fuel for touching `bytes` bytes: one unit per 64 bytes, rounded up.
#[inline]
pub(super) fn bulk_fuel(bytes: u64) -> u64 {
    bytes.div_ceil(64)
}

/// Host calls with at most this many parameters and results use buffers on the host stack.
const INLINE_VALUES: usize = 16;

/// Calls host function `host` with arguments read from `stack[at..]`, writing results there.
/// A [`HostCaller`]: `store` is the `Store<T>`, type-erased so the handlers need not be generic.
///
/// # Safety
/// `store` is a `*mut Store<T>` valid for the call, with no other reference into it live.
unsafe fn call_host<T>(
    store: *mut (),
    stack: &mut Vec<Cell>,
    host: u32,
    at: usize,
    instance: u32,
    depth: usize,
) -> Result<()> {
    // SAFETY: the caller's contract.
    let store = unsafe { &mut *(store as *mut Store<T>) };
    let (ty, f) = match store.hosts.get(host as usize) {
        Some(h) => (h.ty.clone(), Arc::clone(&h.f)),
        None => return Err(internal("unknown host function")),
    };
    let id = store.inner.id;
    let max = store.inner.engine.config().max_value_stack;
    let (n_params, n_results) = (ty.params().len(), ty.results().len());
    ensure_stack(
        &mut store.inner.budget,
        stack,
        at + n_params.max(n_results),
        max,
    )?;
    let mut args: heapless::Vec<Val, INLINE_VALUES> = heapless::Vec::new();
    let mut results: heapless::Vec<Val, INLINE_VALUES> = heapless::Vec::new();
    let mut big_args: Vec<Val> = Vec::new();
    let mut big_results: Vec<Val> = Vec::new();
    // Large signatures spill to the heap, charged to the budget as host memory.
    let spill = if n_params > INLINE_VALUES || n_results > INLINE_VALUES {
        ((n_params + n_results) * core::mem::size_of::<Val>()) as u64
    } else {
        0
    };
    store.charge_host(spill)?;
    let params = ty
        .params()
        .iter()
        .zip(&stack[at..])
        .map(|(t, c)| cell_to_val(id, *t, *c));
    let defaults = ty.results().iter().map(|t| {
        // Every type a wasm function can return has a default (v128 does not exist here).
        Val::default_for(*t).ok_or_else(|| internal("a host function result without a default"))
    });
    let (args, results): (&[Val], &mut [Val]) = if spill == 0 {
        args.extend(params);
        for default in defaults {
            // `spill == 0`: at most `INLINE_VALUES` results.
            if results.push(default?).is_err() {
                return Err(internal("more host results than the inline buffer holds"));
            }
        }
        (&args, &mut results)
    } else {
        big_args.extend(params);
        for default in defaults {
            big_results.push(default?);
        }
        (&big_args, &mut big_results)
    };
    let saved = store.inner.depth;
    store.inner.depth = depth;
    let outcome = f(
        Caller {
            store: &mut *store,
            instance: Some(instance),
        },
        args,
        results,
    );
    store.inner.depth = saved;
    store.release_host(spill);
    outcome?;
    check_values(id, ty.results(), results, "host function results")?;
    for (cell, val) in stack[at..].iter_mut().zip(results.iter()) {
        *cell = val_to_cell(val);
    }
    Ok(())
}

/// Resolves the target of `call_indirect`: checks bounds, null and signature.
fn resolve_indirect(
    inner: &StoreInner,
    instance: u32,
    table: u32,
    ty: u32,
    index: u32,
) -> Result<u32> {
    let inst = inner
        .instances
        .get(instance as usize)
        .ok_or_else(|| internal("unknown instance"))?;
    let table = inst
        .tables
        .get(table as usize)
        .and_then(|&t| inner.tables.get(t as usize))
        .ok_or_else(|| internal("unknown table"))?;
    let cell = *table
        .elements
        .get(index as usize)
        .ok_or_else(|| trap(TrapCode::UndefinedElement))?;
    let func = cell
        .checked_sub(1)
        .ok_or_else(|| trap(TrapCode::UninitializedElement))? as u32;
    let expected = inst.sigs.get(ty as usize).copied();
    let actual = inner.funcs.get(func as usize).map(|f| f.sig());
    if expected.is_none() || expected != actual {
        return Err(trap(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(func)
}

/// Checks `[addr, addr + len)` against a memory of `size` bytes.
#[inline]
fn range(addr: u64, len: u64, size: usize) -> Result<core::ops::Range<usize>> {
    match addr.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(addr as usize..end as usize),
        _ => Err(trap(TrapCode::MemoryOutOfBounds)),
    }
}

fn table_range(start: u64, len: u64, size: usize) -> Result<core::ops::Range<usize>> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(trap(TrapCode::TableOutOfBounds)),
    }
}

/// The store index of table `table` of `instance`, checked to be a table of the store, so the
/// callers may index `inner.tables` with it.
fn table_of(inner: &StoreInner, instance: u32, table: u32) -> Result<usize> {
    inner
        .instances
        .get(instance as usize)
        .and_then(|i| i.tables.get(table as usize))
        .map(|&t| t as usize)
        .filter(|&t| t < inner.tables.len())
        .ok_or_else(|| internal("unknown table"))
}

/// Calls a host function of one store type; `store` is that `Store<T>`, type-erased so the
/// handlers need not be generic.
pub(super) type HostCaller = unsafe fn(
    store: *mut (),
    stack: &mut Vec<Cell>,
    host: u32,
    at: usize,
    instance: u32,
    depth: usize,
) -> Result<()>;

/// Runs wasm function `func` (store index) with its arguments at the start of `stack`.
fn execute<T>(
    store: &mut Store<T>,
    stack: &mut Vec<Cell>,
    frames: &mut Vec<Frame>,
    func: u32,
) -> Result<()> {
    let max_stack = store.inner.engine.config().max_value_stack;
    let max_depth = store.inner.engine.config().max_call_depth;
    let depth0 = store.inner.depth;
    // Resolved here, out of line: on the store's first call of a lazily translated function
    // this translates and charges it.
    let (code, instance): (*const CompiledFunc, u32) = match store.inner.resolve_callee(func)? {
        Callee::Wasm { code, instance } => (code.as_ptr().cast_const(), instance),
        Callee::Host => return Err(internal("not a wasm function")),
    };
    if depth0 + 1 > max_depth {
        return Err(trap(TrapCode::CallStackExhausted));
    }
    // SAFETY: `code`, like every callee's in `calls.rs`, comes from a function entry of this
    // store: a translation owned by a module the store keeps alive, which never moves or frees a
    // translation while it lives (see `FuncEntity::Wasm::code`); so it stays valid for this call.
    let code_ref = unsafe { &*code };
    enter_frame(&mut store.inner.budget, stack, 0, code_ref, max_stack)?;
    let instrs = code_ref.instrs.as_ptr();
    // From here on the store is reached only through these raw pointers (handlers never hold a
    // reference into it across a host call, which gets the whole store back).
    let store: *mut Store<T> = store;
    let mut st = Exec {
        // SAFETY: `store` is valid (it came from a `&mut`); this only computes a field address.
        inner: unsafe { core::ptr::addr_of_mut!((*store).inner) },
        store: store as *mut (),
        host: call_host::<T>,
        stack,
        frames,
        code,
        base: 0,
        instance,
        mem: usize::MAX,
        mem_limits: [0; 4],
        funcs: core::ptr::null(),
        globals: core::ptr::null(),
        table0: core::ptr::null(),
        table0_len: 0,
        sigs: core::ptr::null(),
        frame_limit: 0,
        global_cells: core::ptr::null_mut(),
        own_globals: core::ptr::null_mut(),
        depth0,
        max_depth,
        max_stack,
        error: None,
        hot: Regs {
            ip: instrs,
            regs: core::ptr::null_mut(),
            mem: core::ptr::NonNull::dangling().as_ptr(),
        },
    };
    st.refresh();
    match dispatch::run(&mut st) {
        Flow::Done => Ok(()),
        Flow::Error => Err(st
            .error
            .take()
            .unwrap_or_else(|| internal("execution stopped without a reason"))),
        Flow::Continue => Err(internal("dispatch stopped early")),
    }
}

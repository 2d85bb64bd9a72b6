//! The interpreter: one loop over the IR, with wasm calls kept on an explicit frame stack so guest
//! recursion never recurses on the host stack.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::ir::Instr;
use super::num;
use super::translate::CompiledFunc;
use crate::error::{Error, Result, Trap, TrapCode};
use crate::resources::{push_accounted, vec_bytes, Budget, MemoryCategory};
use crate::runtime::{
    cell_to_val, check_values, val_to_cell, Callee, Caller, FuncEntity, Store, StoreInner,
    PAGE_SIZE,
};
use crate::value::{Cell, Val};

/// A suspended caller.
pub(crate) struct Frame {
    /// Valid while the store lives (see `execute`).
    code: *const CompiledFunc,
    pc: usize,
    base: usize,
    instance: u32,
}

fn trap(code: TrapCode) -> Error {
    Error::Trap(Trap::new(code))
}

fn internal(what: &str) -> Error {
    Error::Instantiation {
        message: alloc::format!("internal engine error: {what}"),
    }
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
        // The callee's code is resolved here, outside `execute`: inlined at its entry, the
        // resolution costs the interpreter's loop registers.
        outcome = match store.inner.resolve_callee(func) {
            Ok(Callee::Wasm { code, instance }) => {
                execute(store, &mut stack, &mut frames, code.as_ptr(), instance)
            }
            Ok(Callee::Host { .. }) => Err(internal("not a wasm function")),
            Err(e) => Err(e),
        };
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
    if inner.stack.capacity() == 0 {
        inner.stack = stack;
    } else {
        inner
            .budget
            .release(MemoryCategory::Stacks, vec_bytes(&stack));
    }
    if inner.frames.capacity() == 0 {
        inner.frames = frames;
    } else {
        inner
            .budget
            .release(MemoryCategory::Stacks, vec_bytes(&frames));
    }
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
    let frame = &mut stack[base..end];
    let (params, locals) = (code.num_params as usize, code.num_locals as usize);
    // Few locals and constants are typical: plain loops beat calls to memset/memcpy.
    for slot in &mut frame[params..locals] {
        *slot = 0;
    }
    for (slot, value) in frame[locals..].iter_mut().zip(code.consts.iter()) {
        *slot = *value;
    }
    Ok(())
}

/// Charges fuel for work proportional to an operand (bulk memory, grow), before doing it.
#[inline]
fn charge_fuel(inner: &mut StoreInner, units: u64) -> Result<()> {
    if !inner.fuel_enabled {
        return Ok(());
    }
    if inner.fuel < units {
        return Err(trap(TrapCode::OutOfFuel));
    }
    inner.fuel -= units;
    inner.fuel_consumed += units;
    Ok(())
}

/// Fuel for touching `bytes` bytes: one unit per 64 bytes, rounded up.
#[inline]
fn bulk_fuel(bytes: u64) -> u64 {
    bytes.div_ceil(64)
}

fn memory_of(inner: &StoreInner, instance: u32) -> usize {
    inner
        .instances
        .get(instance as usize)
        .and_then(|i| i.memories.first())
        .map_or(usize::MAX, |&m| m as usize)
}

/// Host calls with at most this many parameters and results use buffers on the host stack.
const INLINE_VALUES: usize = 16;

/// Calls host function `host` with arguments read from `stack[at..]`, writing results there.
fn call_host<T>(
    store: &mut Store<T>,
    stack: &mut Vec<Cell>,
    host: u32,
    at: usize,
    instance: u32,
    depth: usize,
) -> Result<()> {
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
    let defaults = ty
        .results()
        .iter()
        .map(|t| Val::default_for(*t).unwrap_or(Val::I64(0)));
    let (args, results): (&[Val], &mut [Val]) = if spill == 0 {
        args.extend(params);
        results.extend(defaults);
        (&args, &mut results)
    } else {
        big_args.extend(params);
        big_results.extend(defaults);
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

/// Where the interpreter's cached views of the current instance point. Refreshed whenever
/// something may have moved them: a call, a return, a host call, `memory.grow`.
struct Cache {
    /// The current frame's first slot.
    regs: *mut Cell,
    /// Memory 0 of the current instance (dangling with length 0 when there is none).
    mem_base: *mut u8,
    mem_len: usize,
    /// The current instance's function and global index tables.
    funcs: *const u32,
    globals: *const u32,
    /// The store's globals.
    global_cells: *mut crate::runtime::GlobalEntity,
}

impl Cache {
    fn new() -> Self {
        Cache {
            regs: core::ptr::null_mut(),
            mem_base: core::ptr::NonNull::dangling().as_ptr(),
            mem_len: 0,
            funcs: core::ptr::null(),
            globals: core::ptr::null(),
            global_cells: core::ptr::null_mut(),
        }
    }

    /// Computes the views for the frame at `base` of `instance`. Returned by value so the
    /// interpreter can keep each pointer in a local (and so in a register).
    fn compute(inner: &mut StoreInner, stack: &mut [Cell], base: usize, instance: u32) -> Self {
        let mut c = Cache::new();
        c.refresh(inner, stack, base, instance);
        c
    }

    fn refresh(&mut self, inner: &mut StoreInner, stack: &mut [Cell], base: usize, instance: u32) {
        self.regs = stack[base..].as_mut_ptr();
        self.global_cells = inner.globals.as_mut_ptr();
        let inst = &inner.instances[instance as usize];
        self.funcs = inst.funcs.as_ptr();
        self.globals = inst.globals.as_ptr();
        match inst.memories.first().map(|&m| m as usize) {
            Some(m) => {
                let data = &mut inner.memories[m].data;
                self.mem_len = data.len();
                self.mem_base = data.as_mut_ptr();
            }
            None => {
                self.mem_len = 0;
                self.mem_base = core::ptr::NonNull::dangling().as_ptr();
            }
        }
    }
}

// `!(a < b)` on floats is intended: the `Not` branches must also jump on NaN.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn execute<T>(
    store: &mut Store<T>,
    stack: &mut Vec<Cell>,
    frames: &mut Vec<Frame>,
    mut code: *const CompiledFunc,
    mut instance: u32,
) -> Result<()> {
    let max_stack = store.inner.engine.config().max_value_stack;
    let max_depth = store.inner.engine.config().max_call_depth;
    let depth0 = store.inner.depth;
    if depth0 + 1 > max_depth {
        return Err(trap(TrapCode::CallStackExhausted));
    }
    let mut base = 0usize;
    // SAFETY: `code`, like every callee's below, comes from `StoreInner::resolve_callee` or
    // `StoreInner::callee`, which return pointers to translations owned by modules the store
    // keeps alive; a module never frees or moves a translation while it lives (see
    // `FuncEntity::Wasm::code`), so every such pointer stays valid for this call.
    enter_frame(
        &mut store.inner.budget,
        stack,
        base,
        unsafe { &*code },
        max_stack,
    )?;
    let mut mem = memory_of(&store.inner, instance);
    let Cache {
        mut regs,
        mut mem_base,
        mut mem_len,
        mut funcs,
        mut globals,
        mut global_cells,
    } = Cache::compute(&mut store.inner, stack, base, instance);
    // SAFETY: as above; `instrs` is non-empty (every body ends in a terminator).
    let mut instrs: *const Instr = unsafe { (*code).instrs.as_ptr() };
    let mut ip: *const Instr = instrs;

    // Register access. SAFETY: `regs` points at the current frame, which `enter_frame`
    // made `frame_size` slots long, and the translator only emits slot operands below
    // `frame_size`. The pointer is refreshed after anything that can reallocate the stack.
    macro_rules! r {
        ($slot:expr) => {
            (*{
                // The translator's slot check, verified again in debug builds (tests).
                debug_assert!(($slot as usize) < unsafe { (*code).frame_size } as usize);
                unsafe { &mut *regs.add($slot as usize) }
            })
        };
    }
    // The operand word following the current instruction.
    // SAFETY: instructions documented to carry an `Aux` are always followed by one.
    macro_rules! aux {
        () => {{
            let a = match unsafe { *ip } {
                Instr::Aux { a, b } => (a, b),
                _ => (0, 0),
            };
            a
        }};
    }
    macro_rules! pc {
        () => {
            // SAFETY: `ip` and `instrs` point into the same instruction array.
            unsafe { ip.offset_from(instrs) as usize }
        };
    }
    macro_rules! jump {
        ($target:expr) => {
            // SAFETY: branch targets are indices into the current function's instructions.
            ip = unsafe { instrs.add($target as usize) }
        };
    }
    macro_rules! refresh {
        () => {{
            let c = Cache::compute(&mut store.inner, stack, base, instance);
            regs = c.regs;
            mem_base = c.mem_base;
            mem_len = c.mem_len;
            funcs = c.funcs;
            globals = c.globals;
            global_cells = c.global_cells;
        }};
    }
    // After a call or return within the same instance: only the stack may have moved.
    macro_rules! regs_only {
        () => {
            regs = stack[base..].as_mut_ptr()
        };
    }
    macro_rules! un {
        ($dst:expr, $src:expr, |$x:ident| $e:expr) => {{
            let $x = r!($src);
            r!($dst) = $e;
        }};
    }
    macro_rules! bin {
        ($dst:expr, $l:expr, $r:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = r!($l);
            let $b = r!($r);
            r!($dst) = $e;
        }};
    }
    macro_rules! memory {
        () => {
            match store.inner.memories.get_mut(mem) {
                Some(m) => &mut m.data,
                None => return Err(trap(TrapCode::MemoryOutOfBounds)),
            }
        };
    }
    // Effective address of an access of `$n` bytes, or a trap.
    macro_rules! ea {
        ($addr:expr, $offset:expr, $n:literal) => {{
            let ea = u64::from(r!($addr) as u32) + u64::from($offset);
            if ea + $n > mem_len as u64 {
                return Err(trap(TrapCode::MemoryOutOfBounds));
            }
            ea as usize
        }};
    }
    macro_rules! load {
        ($dst:expr, $addr:expr, $offset:expr, $n:literal, |$b:ident| $e:expr) => {{
            let ea = ea!($addr, $offset, $n);
            // SAFETY: `ea + n <= mem_len`, and `mem_base`/`mem_len` describe the current
            // instance's memory (refreshed after every grow, call and host call).
            let $b: [u8; $n] =
                unsafe { core::ptr::read_unaligned(mem_base.add(ea) as *const [u8; $n]) };
            r!($dst) = $e;
        }};
    }
    macro_rules! store_mem {
        ($addr:expr, $src:expr, $offset:expr, $n:literal, $bytes:expr) => {{
            let ea = ea!($addr, $offset, $n);
            let bytes: [u8; $n] = $bytes(r!($src));
            // SAFETY: as for loads.
            unsafe { core::ptr::write_unaligned(mem_base.add(ea) as *mut [u8; $n], bytes) };
        }};
    }
    macro_rules! return_to_caller {
        () => {
            match frames.pop() {
                None => return Ok(()),
                Some(f) => {
                    code = f.code;
                    // SAFETY: see `code` above.
                    instrs = unsafe { (*code).instrs.as_ptr() };
                    jump!(f.pc);
                    base = f.base;
                    if f.instance != instance {
                        instance = f.instance;
                        mem = memory_of(&store.inner, instance);
                        refresh!();
                    } else {
                        // The cache always describes the current instance (grows and host
                        // calls refresh it when they happen); only the stack may have moved.
                        regs_only!();
                    }
                }
            }
        };
    }
    // Enters function `$callee` (store index) with arguments at absolute slot `$at`.
    macro_rules! do_call {
        ($callee:expr, $at:expr) => {{
            let callee = $callee;
            let at = $at;
            match store.inner.callee(callee)? {
                Callee::Wasm {
                    code: callee_code,
                    instance: callee_instance,
                } => {
                    if depth0 + frames.len() + 2 > max_depth {
                        return Err(trap(TrapCode::CallStackExhausted));
                    }
                    let callee_code = callee_code.as_ptr().cast_const();
                    // SAFETY: see `code` above.
                    let callee_ref = unsafe { &*callee_code };
                    enter_frame(&mut store.inner.budget, stack, at, callee_ref, max_stack)?;
                    let frame = Frame {
                        code,
                        pc: pc!(),
                        base,
                        instance,
                    };
                    if frames.len() < frames.capacity() {
                        frames.push(frame);
                    } else {
                        push_accounted(
                            &mut store.inner.budget,
                            MemoryCategory::Stacks,
                            frames,
                            frame,
                        )
                        .map_err(|_| trap(TrapCode::CallStackExhausted))?;
                    }
                    code = callee_code;
                    instrs = callee_ref.instrs.as_ptr();
                    ip = instrs;
                    base = at;
                    if callee_instance != instance {
                        instance = callee_instance;
                        mem = memory_of(&store.inner, instance);
                        refresh!();
                    } else {
                        regs_only!();
                    }
                }
                Callee::Host { host, .. } => {
                    call_host(store, stack, host, at, instance, depth0 + frames.len() + 1)?;
                    refresh!();
                }
            }
        }};
    }
    // Replaces the current frame with a call to `$callee`; `$count` arguments at `$args`.
    macro_rules! do_tail_call {
        ($callee:expr, $args:expr, $count:expr) => {{
            let callee = $callee;
            let args = base + $args as usize;
            match store.inner.callee(callee)? {
                Callee::Wasm {
                    code: callee_code,
                    instance: callee_instance,
                } => {
                    let callee_code = callee_code.as_ptr().cast_const();
                    stack.copy_within(args..args + $count as usize, base);
                    // SAFETY: see `code` above.
                    let callee_ref = unsafe { &*callee_code };
                    enter_frame(&mut store.inner.budget, stack, base, callee_ref, max_stack)?;
                    code = callee_code;
                    instrs = callee_ref.instrs.as_ptr();
                    ip = instrs;
                    if callee_instance != instance {
                        instance = callee_instance;
                        mem = memory_of(&store.inner, instance);
                        refresh!();
                    } else {
                        regs_only!();
                    }
                }
                Callee::Host { host, sig } => {
                    let results = store
                        .inner
                        .sigs
                        .get(sig as usize)
                        .map_or(0, |t| t.results().len());
                    call_host(
                        store,
                        stack,
                        host,
                        args,
                        instance,
                        depth0 + frames.len() + 1,
                    )?;
                    stack.copy_within(args..args + results, base);
                    return_to_caller!();
                }
            }
        }};
    }

    loop {
        // SAFETY: `ip` stays inside the current function's instructions: it starts at the
        // first, advances by one per instruction, and jumps only to translated targets; every
        // body ends in an instruction that leaves it (return, branch, trap).
        let instr = unsafe { *ip };
        ip = unsafe { ip.add(1) };
        match instr {
            Instr::Unreachable => return Err(trap(TrapCode::Unreachable)),
            Instr::ConsumeFuel { amount } => {
                let inner = &mut store.inner;
                let amount = u64::from(amount);
                if inner.fuel < amount {
                    return Err(trap(TrapCode::OutOfFuel));
                }
                inner.fuel -= amount;
                inner.fuel_consumed += amount;
            }
            Instr::CanonF32 { slot } => {
                if num::f32(r!(slot)).is_nan() {
                    r!(slot) = u64::from(0x7fc0_0000u32);
                }
            }
            Instr::CanonF64 { slot } => {
                if num::f64(r!(slot)).is_nan() {
                    r!(slot) = 0x7ff8_0000_0000_0000;
                }
            }
            Instr::Aux { .. } => {}
            Instr::Br { target } => jump!(target),
            Instr::BrIfNez { cond, target } => {
                if r!(cond) as u32 != 0 {
                    jump!(target);
                }
            }
            Instr::BrIfEqz { cond, target } => {
                if r!(cond) as u32 == 0 {
                    jump!(target);
                }
            }
            Instr::BrTable { index, len } => {
                let i = (r!(index) as u32).min(len - 1);
                // SAFETY: `len` `Br` entries follow the `BrTable`; `i < len`.
                ip = unsafe { ip.add(i as usize) };
            }
            Instr::Return { src, count } => {
                match count {
                    0 => {}
                    1 => r!(0) = r!(src),
                    _ => {
                        let src = base + src as usize;
                        stack.copy_within(src..src + count as usize, base);
                    }
                }
                return_to_caller!();
            }
            Instr::Call { func, base: args } => {
                // SAFETY: validation bounds `func` by the instance's function count.
                let callee = unsafe { *funcs.add(func as usize) };
                do_call!(callee, base + args as usize);
            }
            Instr::CallIndirect {
                ty,
                index,
                base: args,
            } => {
                let table = aux!();
                ip = unsafe { ip.add(1) };
                let callee =
                    resolve_indirect(&store.inner, instance, table.0, ty, r!(index) as u32)?;
                do_call!(callee, base + args as usize);
            }
            Instr::ReturnCall {
                func,
                base: args,
                count,
            } => {
                // SAFETY: validation bounds `func` by the instance's function count.
                let callee = unsafe { *funcs.add(func as usize) };
                do_tail_call!(callee, args, count);
            }
            Instr::ReturnCallIndirect {
                ty,
                index,
                base: args,
            } => {
                let (table, count) = aux!();
                let callee = resolve_indirect(&store.inner, instance, table, ty, r!(index) as u32)?;
                do_tail_call!(callee, args, count);
            }

            Instr::Copy { dst, src } => r!(dst) = r!(src),
            Instr::Const { dst, val } => r!(dst) = val,
            Instr::Select { dst, a, b } => {
                let (cond, _) = aux!();
                ip = unsafe { ip.add(1) };
                r!(dst) = if r!(cond) as u32 != 0 { r!(a) } else { r!(b) };
            }
            Instr::GlobalGet { dst, global } => {
                // SAFETY: validation bounds `global`; the store's globals are refreshed in the
                // cache after host calls (the only place new globals can be created).
                r!(dst) =
                    unsafe { (*global_cells.add(*globals.add(global as usize) as usize)).value };
            }
            Instr::GlobalSet { src, global } => {
                let v = r!(src);
                // SAFETY: as for `GlobalGet`.
                unsafe {
                    (*global_cells.add(*globals.add(global as usize) as usize)).value = v;
                }
            }

            Instr::Load32 { dst, addr, offset } => {
                load!(dst, addr, offset, 4, |b| u64::from(u32::from_le_bytes(b)))
            }
            Instr::Load64 { dst, addr, offset } => {
                load!(dst, addr, offset, 8, |b| u64::from_le_bytes(b))
            }
            Instr::Load8S { dst, addr, offset } => {
                load!(dst, addr, offset, 1, |b| b[0] as i8 as i64 as u64)
            }
            Instr::Load8U { dst, addr, offset } => load!(dst, addr, offset, 1, |b| u64::from(b[0])),
            Instr::Load16S { dst, addr, offset } => {
                load!(dst, addr, offset, 2, |b| i16::from_le_bytes(b) as i64
                    as u64)
            }
            Instr::Load16U { dst, addr, offset } => {
                load!(dst, addr, offset, 2, |b| u64::from(u16::from_le_bytes(b)))
            }
            Instr::Load32S { dst, addr, offset } => {
                load!(dst, addr, offset, 4, |b| i32::from_le_bytes(b) as i64
                    as u64)
            }
            Instr::Store8 { addr, src, offset } => {
                store_mem!(addr, src, offset, 1, |v: u64| [v as u8])
            }
            Instr::Store16 { addr, src, offset } => {
                store_mem!(addr, src, offset, 2, |v: u64| (v as u16).to_le_bytes())
            }
            Instr::Store32 { addr, src, offset } => {
                store_mem!(addr, src, offset, 4, |v: u64| (v as u32).to_le_bytes())
            }
            Instr::Store64 { addr, src, offset } => {
                store_mem!(addr, src, offset, 8, |v: u64| v.to_le_bytes())
            }
            Instr::MemorySize { dst } => {
                r!(dst) = (mem_len / PAGE_SIZE) as u64;
            }
            Instr::MemoryGrow { dst, delta } => {
                let delta = u64::from(r!(delta) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(delta * PAGE_SIZE as u64))?;
                let result = store
                    .inner
                    .grow_memory(mem, delta)
                    .map_or(u32::MAX, |old| old as u32);
                r!(dst) = u64::from(result);
                refresh!();
            }
            Instr::MemoryFill { dst, val, len } => {
                let (d, v, n) = (r!(dst) as u32, r!(val) as u8, r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n)))?;
                let data = memory!();
                let range = range(u64::from(d), u64::from(n), data.len())?;
                data[range].fill(v);
            }
            Instr::MemoryCopy { dst, src, len } => {
                let (d, s, n) = (r!(dst) as u32, r!(src) as u32, r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n)))?;
                let data = memory!();
                let src_range = range(u64::from(s), u64::from(n), data.len())?;
                let dst_range = range(u64::from(d), u64::from(n), data.len())?;
                data.copy_within(src_range, dst_range.start);
            }
            Instr::MemoryInit { dst, src, len } => {
                let (data_index, _) = aux!();
                ip = unsafe { ip.add(1) };
                let (d, s, n) = (r!(dst) as u32, r!(src) as u32, r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n)))?;
                let segment = store.inner.instances[instance as usize]
                    .datas
                    .get(data_index as usize)
                    .cloned()
                    .flatten();
                let bytes: &[u8] = segment.as_deref().unwrap_or(&[]);
                let src_range = range(u64::from(s), u64::from(n), bytes.len())?;
                let data = memory!();
                let dst_range = range(u64::from(d), u64::from(n), data.len())?;
                data[dst_range].copy_from_slice(&bytes[src_range]);
            }
            Instr::DataDrop { data } => {
                if let Some(seg) = store.inner.instances[instance as usize]
                    .datas
                    .get_mut(data as usize)
                {
                    *seg = None;
                }
            }

            Instr::TableGet { dst, index, table } => {
                let t = table_of(&store.inner, instance, table)?;
                let i = r!(index) as u32 as usize;
                r!(dst) = *store.inner.tables[t]
                    .elements
                    .get(i)
                    .ok_or_else(|| trap(TrapCode::TableOutOfBounds))?;
            }
            Instr::TableSet { index, val, table } => {
                let t = table_of(&store.inner, instance, table)?;
                let i = r!(index) as u32 as usize;
                let v = r!(val);
                *store.inner.tables[t]
                    .elements
                    .get_mut(i)
                    .ok_or_else(|| trap(TrapCode::TableOutOfBounds))? = v;
            }
            Instr::TableSize { dst, table } => {
                let t = table_of(&store.inner, instance, table)?;
                r!(dst) = store.inner.tables[t].elements.len() as u64;
            }
            Instr::TableGrow { dst, init, delta } => {
                let (table, _) = aux!();
                ip = unsafe { ip.add(1) };
                let t = table_of(&store.inner, instance, table)?;
                let (init, delta) = (r!(init), u64::from(r!(delta) as u32));
                charge_fuel(&mut store.inner, bulk_fuel(delta * 8))?;
                let result = store
                    .inner
                    .grow_table(t, delta, init)
                    .map_or(u32::MAX, |old| old as u32);
                r!(dst) = u64::from(result);
            }
            Instr::TableFill { dst, val, len } => {
                let (table, _) = aux!();
                ip = unsafe { ip.add(1) };
                let t = table_of(&store.inner, instance, table)?;
                let (d, v, n) = (r!(dst) as u32, r!(val), r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n) * 8))?;
                let elements = &mut store.inner.tables[t].elements;
                let range = table_range(u64::from(d), u64::from(n), elements.len())?;
                elements[range].fill(v);
            }
            Instr::TableCopy { dst, src, len } => {
                let (dst_table, src_table) = aux!();
                ip = unsafe { ip.add(1) };
                let dt = table_of(&store.inner, instance, dst_table)?;
                let st = table_of(&store.inner, instance, src_table)?;
                let (d, s, n) = (r!(dst) as u32, r!(src) as u32, r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n) * 8))?;
                let tables = &mut store.inner.tables;
                let src_range = table_range(u64::from(s), u64::from(n), tables[st].elements.len())?;
                let dst_range = table_range(u64::from(d), u64::from(n), tables[dt].elements.len())?;
                if dt == st {
                    tables[dt].elements.copy_within(src_range, dst_range.start);
                } else {
                    // Two distinct tables: borrow both without copying through a buffer.
                    let (low, high) = tables.split_at_mut(dt.max(st));
                    let (dst_t, src_t) = if dt < st {
                        (&mut low[dt], &high[0])
                    } else {
                        (&mut high[0], &low[st])
                    };
                    dst_t.elements[dst_range].copy_from_slice(&src_t.elements[src_range]);
                }
            }
            Instr::TableInit { dst, src, len } => {
                let (table, elem) = aux!();
                ip = unsafe { ip.add(1) };
                let t = table_of(&store.inner, instance, table)?;
                let (d, s, n) = (r!(dst) as u32, r!(src) as u32, r!(len) as u32);
                charge_fuel(&mut store.inner, bulk_fuel(u64::from(n) * 8))?;
                let StoreInner {
                    instances, tables, ..
                } = &mut store.inner;
                let items: &[Cell] = instances[instance as usize]
                    .elems
                    .get(elem as usize)
                    .map_or(&[], |v| v.as_slice());
                let src_range = table_range(u64::from(s), u64::from(n), items.len())?;
                let dst_range = table_range(u64::from(d), u64::from(n), tables[t].elements.len())?;
                tables[t].elements[dst_range].copy_from_slice(&items[src_range]);
            }
            Instr::ElemDrop { elem } => {
                if let Some(seg) = store.inner.instances[instance as usize]
                    .elems
                    .get_mut(elem as usize)
                {
                    *seg = Vec::new();
                }
            }
            Instr::RefFunc { dst, func } => {
                // SAFETY: validation bounds `func` by the instance's function count.
                let f = unsafe { *funcs.add(func as usize) };
                r!(dst) = u64::from(f) + 1;
            }

            // ---- immediates ----
            Instr::I32AddImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = u64::from((a as u32).wrapping_add(b as u32));
            }
            Instr::I32MulImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = u64::from((a as u32).wrapping_mul(b as u32));
            }
            Instr::I32AndImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a & u64::from(b as u32);
            }
            Instr::I32OrImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a | u64::from(b as u32);
            }
            Instr::I32XorImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a ^ u64::from(b as u32);
            }
            Instr::I32ShlImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = u64::from((a as u32).wrapping_shl(b as u32));
            }
            Instr::I32ShrSImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = u64::from((a as i32).wrapping_shr(b as u32) as u32);
            }
            Instr::I32ShrUImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = u64::from((a as u32).wrapping_shr(b as u32));
            }
            Instr::I32EqImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) == (imm as i64 as u32))
            }
            Instr::I32NeImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) != (imm as i64 as u32))
            }
            Instr::I32LtSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i32) < (imm as i64 as i32))
            }
            Instr::I32LtUImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) < (imm as i64 as u32))
            }
            Instr::I32GtSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i32) > (imm as i64 as i32))
            }
            Instr::I32GtUImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) > (imm as i64 as u32))
            }
            Instr::I32LeSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i32) <= (imm as i64 as i32))
            }
            Instr::I32LeUImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) <= (imm as i64 as u32))
            }
            Instr::I32GeSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i32) >= (imm as i64 as i32))
            }
            Instr::I32GeUImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as u32) >= (imm as i64 as u32))
            }
            Instr::I64AddImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a.wrapping_add(b as i64 as u64);
            }
            Instr::I64MulImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a.wrapping_mul(b as i64 as u64);
            }
            Instr::I64AndImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a & (b as i64 as u64);
            }
            Instr::I64OrImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a | (b as i64 as u64);
            }
            Instr::I64XorImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a ^ (b as i64 as u64);
            }
            Instr::I64ShlImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a.wrapping_shl(b as u32);
            }
            Instr::I64ShrSImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = (a as i64).wrapping_shr(b as u32) as u64;
            }
            Instr::I64ShrUImm { dst, lhs, imm } => {
                let a = r!(lhs);
                let b = imm;
                r!(dst) = a.wrapping_shr(b as u32);
            }
            Instr::I64EqImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) == (imm as i64 as u64))
            }
            Instr::I64NeImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) != (imm as i64 as u64))
            }
            Instr::I64LtSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i64) < i64::from(imm))
            }
            Instr::I64LtUImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) < (imm as i64 as u64))
            }
            Instr::I64GtSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i64) > i64::from(imm))
            }
            Instr::I64GtUImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) > (imm as i64 as u64))
            }
            Instr::I64LeSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i64) <= i64::from(imm))
            }
            Instr::I64LeUImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) <= (imm as i64 as u64))
            }
            Instr::I64GeSImm { dst, lhs, imm } => {
                r!(dst) = u64::from((r!(lhs) as i64) >= i64::from(imm))
            }
            Instr::I64GeUImm { dst, lhs, imm } => {
                r!(dst) = u64::from(r!(lhs) >= (imm as i64 as u64))
            }
            Instr::BrF32Eq { lhs, rhs, target } => {
                if num::f32(r!(lhs)) == num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotEq { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) == num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF32Ne { lhs, rhs, target } => {
                if num::f32(r!(lhs)) != num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotNe { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) != num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF32Lt { lhs, rhs, target } => {
                if num::f32(r!(lhs)) < num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotLt { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) < num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF32Gt { lhs, rhs, target } => {
                if num::f32(r!(lhs)) > num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotGt { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) > num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF32Le { lhs, rhs, target } => {
                if num::f32(r!(lhs)) <= num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotLe { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) <= num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF32Ge { lhs, rhs, target } => {
                if num::f32(r!(lhs)) >= num::f32(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF32NotGe { lhs, rhs, target } => {
                if !(num::f32(r!(lhs)) >= num::f32(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Eq { lhs, rhs, target } => {
                if num::f64(r!(lhs)) == num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotEq { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) == num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Ne { lhs, rhs, target } => {
                if num::f64(r!(lhs)) != num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotNe { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) != num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Lt { lhs, rhs, target } => {
                if num::f64(r!(lhs)) < num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotLt { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) < num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Gt { lhs, rhs, target } => {
                if num::f64(r!(lhs)) > num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotGt { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) > num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Le { lhs, rhs, target } => {
                if num::f64(r!(lhs)) <= num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotLe { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) <= num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            Instr::BrF64Ge { lhs, rhs, target } => {
                if num::f64(r!(lhs)) >= num::f64(r!(rhs)) {
                    jump!(target);
                }
            }
            Instr::BrF64NotGe { lhs, rhs, target } => {
                if !(num::f64(r!(lhs)) >= num::f64(r!(rhs))) {
                    jump!(target);
                }
            }
            // ---- compare-and-branch ----
            Instr::BrI32Eq { lhs, rhs, target } => {
                if (r!(lhs) as u32) == (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32EqImm { lhs, imm, target } => {
                if (r!(lhs) as u32) == (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32Ne { lhs, rhs, target } => {
                if (r!(lhs) as u32) != (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32NeImm { lhs, imm, target } => {
                if (r!(lhs) as u32) != (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32LtS { lhs, rhs, target } => {
                if (r!(lhs) as i32) < (r!(rhs) as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32LtSImm { lhs, imm, target } => {
                if (r!(lhs) as i32) < (imm as i64 as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32LtU { lhs, rhs, target } => {
                if (r!(lhs) as u32) < (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32LtUImm { lhs, imm, target } => {
                if (r!(lhs) as u32) < (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32GtS { lhs, rhs, target } => {
                if (r!(lhs) as i32) > (r!(rhs) as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32GtSImm { lhs, imm, target } => {
                if (r!(lhs) as i32) > (imm as i64 as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32GtU { lhs, rhs, target } => {
                if (r!(lhs) as u32) > (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32GtUImm { lhs, imm, target } => {
                if (r!(lhs) as u32) > (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32LeS { lhs, rhs, target } => {
                if (r!(lhs) as i32) <= (r!(rhs) as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32LeSImm { lhs, imm, target } => {
                if (r!(lhs) as i32) <= (imm as i64 as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32LeU { lhs, rhs, target } => {
                if (r!(lhs) as u32) <= (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32LeUImm { lhs, imm, target } => {
                if (r!(lhs) as u32) <= (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32GeS { lhs, rhs, target } => {
                if (r!(lhs) as i32) >= (r!(rhs) as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32GeSImm { lhs, imm, target } => {
                if (r!(lhs) as i32) >= (imm as i64 as i32) {
                    jump!(target);
                }
            }
            Instr::BrI32GeU { lhs, rhs, target } => {
                if (r!(lhs) as u32) >= (r!(rhs) as u32) {
                    jump!(target);
                }
            }
            Instr::BrI32GeUImm { lhs, imm, target } => {
                if (r!(lhs) as u32) >= (imm as i64 as u32) {
                    jump!(target);
                }
            }
            Instr::BrI64Eq { lhs, rhs, target } => {
                if r!(lhs) == r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64EqImm { lhs, imm, target } => {
                if r!(lhs) == (imm as i64 as u64) {
                    jump!(target);
                }
            }
            Instr::BrI64Ne { lhs, rhs, target } => {
                if r!(lhs) != r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64NeImm { lhs, imm, target } => {
                if r!(lhs) != (imm as i64 as u64) {
                    jump!(target);
                }
            }
            Instr::BrI64LtS { lhs, rhs, target } => {
                if (r!(lhs) as i64) < (r!(rhs) as i64) {
                    jump!(target);
                }
            }
            Instr::BrI64LtSImm { lhs, imm, target } => {
                if (r!(lhs) as i64) < i64::from(imm) {
                    jump!(target);
                }
            }
            Instr::BrI64LtU { lhs, rhs, target } => {
                if r!(lhs) < r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64LtUImm { lhs, imm, target } => {
                if r!(lhs) < (imm as i64 as u64) {
                    jump!(target);
                }
            }
            Instr::BrI64GtS { lhs, rhs, target } => {
                if (r!(lhs) as i64) > (r!(rhs) as i64) {
                    jump!(target);
                }
            }
            Instr::BrI64GtSImm { lhs, imm, target } => {
                if (r!(lhs) as i64) > i64::from(imm) {
                    jump!(target);
                }
            }
            Instr::BrI64GtU { lhs, rhs, target } => {
                if r!(lhs) > r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64GtUImm { lhs, imm, target } => {
                if r!(lhs) > (imm as i64 as u64) {
                    jump!(target);
                }
            }
            Instr::BrI64LeS { lhs, rhs, target } => {
                if (r!(lhs) as i64) <= (r!(rhs) as i64) {
                    jump!(target);
                }
            }
            Instr::BrI64LeSImm { lhs, imm, target } => {
                if (r!(lhs) as i64) <= i64::from(imm) {
                    jump!(target);
                }
            }
            Instr::BrI64LeU { lhs, rhs, target } => {
                if r!(lhs) <= r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64LeUImm { lhs, imm, target } => {
                if r!(lhs) <= (imm as i64 as u64) {
                    jump!(target);
                }
            }
            Instr::BrI64GeS { lhs, rhs, target } => {
                if (r!(lhs) as i64) >= (r!(rhs) as i64) {
                    jump!(target);
                }
            }
            Instr::BrI64GeSImm { lhs, imm, target } => {
                if (r!(lhs) as i64) >= i64::from(imm) {
                    jump!(target);
                }
            }
            Instr::BrI64GeU { lhs, rhs, target } => {
                if r!(lhs) >= r!(rhs) {
                    jump!(target);
                }
            }
            Instr::BrI64GeUImm { lhs, imm, target } => {
                if r!(lhs) >= (imm as i64 as u64) {
                    jump!(target);
                }
            }

            // ---- i32 ----
            Instr::I32Eqz { dst, src } => un!(dst, src, |x| u64::from(x as u32 == 0)),
            Instr::I32Eq { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as u32 == b as u32))
            }
            Instr::I32Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as u32 != b as u32))
            }
            Instr::I32LtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from((a as i32) < b as i32))
            }
            Instr::I32LtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from((a as u32) < b as u32))
            }
            Instr::I32GtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i32 > b as i32))
            }
            Instr::I32GtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as u32 > b as u32))
            }
            Instr::I32LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i32 <= b as i32))
            }
            Instr::I32LeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as u32 <= b as u32))
            }
            Instr::I32GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i32 >= b as i32))
            }
            Instr::I32GeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as u32 >= b as u32))
            }
            Instr::I32Clz { dst, src } => un!(dst, src, |x| u64::from((x as u32).leading_zeros())),
            Instr::I32Ctz { dst, src } => un!(dst, src, |x| u64::from((x as u32).trailing_zeros())),
            Instr::I32Popcnt { dst, src } => un!(dst, src, |x| u64::from((x as u32).count_ones())),
            Instr::I32Add { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).wrapping_add(b as u32)
                ))
            }
            Instr::I32Sub { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).wrapping_sub(b as u32)
                ))
            }
            Instr::I32Mul { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).wrapping_mul(b as u32)
                ))
            }
            Instr::I32DivS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    num::i32_div_s(a as i32, b as i32)? as u32
                ))
            }
            Instr::I32DivU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::i32_div_u(
                    a as u32, b as u32
                )?))
            }
            Instr::I32RemS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    num::i32_rem_s(a as i32, b as i32)? as u32
                ))
            }
            Instr::I32RemU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::i32_rem_u(
                    a as u32, b as u32
                )?))
            }
            Instr::I32And { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a & b),
            Instr::I32Or { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a | b),
            Instr::I32Xor { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a ^ b),
            Instr::I32Shl { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).wrapping_shl(b as u32)
                ))
            }
            Instr::I32ShrS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as i32).wrapping_shr(b as u32) as u32
                ))
            }
            Instr::I32ShrU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).wrapping_shr(b as u32)
                ))
            }
            Instr::I32Rotl { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).rotate_left(b as u32 % 32)
                ))
            }
            Instr::I32Rotr { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32).rotate_right(b as u32 % 32)
                ))
            }

            // ---- i64 ----
            Instr::I64Eqz { dst, src } => un!(dst, src, |x| u64::from(x == 0)),
            Instr::I64Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a == b)),
            Instr::I64Ne { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a != b)),
            Instr::I64LtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from((a as i64) < b as i64))
            }
            Instr::I64LtU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a < b)),
            Instr::I64GtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i64 > b as i64))
            }
            Instr::I64GtU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a > b)),
            Instr::I64LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i64 <= b as i64))
            }
            Instr::I64LeU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a <= b)),
            Instr::I64GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(a as i64 >= b as i64))
            }
            Instr::I64GeU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| u64::from(a >= b)),
            Instr::I64Clz { dst, src } => un!(dst, src, |x| u64::from(x.leading_zeros())),
            Instr::I64Ctz { dst, src } => un!(dst, src, |x| u64::from(x.trailing_zeros())),
            Instr::I64Popcnt { dst, src } => un!(dst, src, |x| u64::from(x.count_ones())),
            Instr::I64Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a.wrapping_add(b)),
            Instr::I64Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a.wrapping_sub(b)),
            Instr::I64Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a.wrapping_mul(b)),
            Instr::I64DivS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| num::i64_div_s(a as i64, b as i64)?
                    as u64)
            }
            Instr::I64DivU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::i64_div_u(a, b)?),
            Instr::I64RemS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| num::i64_rem_s(a as i64, b as i64)?
                    as u64)
            }
            Instr::I64RemU { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::i64_rem_u(a, b)?),
            Instr::I64And { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a & b),
            Instr::I64Or { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a | b),
            Instr::I64Xor { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a ^ b),
            Instr::I64Shl { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| a.wrapping_shl(b as u32)),
            Instr::I64ShrS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (a as i64).wrapping_shr(b as u32)
                    as u64)
            }
            Instr::I64ShrU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| a.wrapping_shr(b as u32))
            }
            Instr::I64Rotl { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| a.rotate_left((b % 64) as u32))
            }
            Instr::I64Rotr { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| a.rotate_right((b % 64) as u32))
            }

            // ---- f32 ----
            Instr::F32Eq { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) == num::f32(b)))
            }
            Instr::F32Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) != num::f32(b)))
            }
            Instr::F32Lt { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) < num::f32(b)))
            }
            Instr::F32Gt { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) > num::f32(b)))
            }
            Instr::F32Le { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) <= num::f32(b)))
            }
            Instr::F32Ge { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f32(a) >= num::f32(b)))
            }
            Instr::F32Abs { dst, src } => un!(dst, src, |x| u64::from(x as u32 & 0x7fff_ffff)),
            Instr::F32Neg { dst, src } => un!(dst, src, |x| u64::from(x as u32 ^ 0x8000_0000)),
            Instr::F32Ceil { dst, src } => un!(dst, src, |x| num::round_f32(x, libm::ceilf)),
            Instr::F32Floor { dst, src } => un!(dst, src, |x| num::round_f32(x, libm::floorf)),
            Instr::F32Trunc { dst, src } => un!(dst, src, |x| num::round_f32(x, libm::truncf)),
            Instr::F32Nearest { dst, src } => un!(dst, src, |x| num::round_f32(x, libm::rintf)),
            Instr::F32Sqrt { dst, src } => {
                un!(dst, src, |x| num::from_f32(libm::sqrtf(num::f32(x))))
            }
            Instr::F32Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32(a) + num::f32(b)
            )),
            Instr::F32Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32(a) - num::f32(b)
            )),
            Instr::F32Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32(a) * num::f32(b)
            )),
            Instr::F32Div { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32(a) / num::f32(b)
            )),
            Instr::F32Min { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32_min(num::f32(a), num::f32(b))
            )),
            Instr::F32Max { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| num::from_f32(
                num::f32_max(num::f32(a), num::f32(b))
            )),
            Instr::F32Copysign { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(
                    (a as u32 & 0x7fff_ffff) | (b as u32 & 0x8000_0000)
                ))
            }

            // ---- f64 ----
            Instr::F64Eq { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) == num::f64(b)))
            }
            Instr::F64Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) != num::f64(b)))
            }
            Instr::F64Lt { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) < num::f64(b)))
            }
            Instr::F64Gt { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) > num::f64(b)))
            }
            Instr::F64Le { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) <= num::f64(b)))
            }
            Instr::F64Ge { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| u64::from(num::f64(a) >= num::f64(b)))
            }
            Instr::F64Abs { dst, src } => un!(dst, src, |x| x & 0x7fff_ffff_ffff_ffff),
            Instr::F64Neg { dst, src } => un!(dst, src, |x| x ^ 0x8000_0000_0000_0000),
            Instr::F64Ceil { dst, src } => un!(dst, src, |x| num::round_f64(x, libm::ceil)),
            Instr::F64Floor { dst, src } => un!(dst, src, |x| num::round_f64(x, libm::floor)),
            Instr::F64Trunc { dst, src } => un!(dst, src, |x| num::round_f64(x, libm::trunc)),
            Instr::F64Nearest { dst, src } => un!(dst, src, |x| num::round_f64(x, libm::rint)),
            Instr::F64Sqrt { dst, src } => un!(dst, src, |x| libm::sqrt(num::f64(x)).to_bits()),
            Instr::F64Add { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (num::f64(a) + num::f64(b)).to_bits())
            }
            Instr::F64Sub { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (num::f64(a) - num::f64(b)).to_bits())
            }
            Instr::F64Mul { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (num::f64(a) * num::f64(b)).to_bits())
            }
            Instr::F64Div { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (num::f64(a) / num::f64(b)).to_bits())
            }
            Instr::F64Min { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| num::f64_min(num::f64(a), num::f64(b))
                    .to_bits())
            }
            Instr::F64Max { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| num::f64_max(num::f64(a), num::f64(b))
                    .to_bits())
            }
            Instr::F64Copysign { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| (a & 0x7fff_ffff_ffff_ffff)
                    | (b & 0x8000_0000_0000_0000))
            }

            // ---- conversions ----
            Instr::I64ExtendI32U { dst, src } => un!(dst, src, |x| u64::from(x as u32)),
            Instr::I32TruncF32S { dst, src } => {
                un!(dst, src, |x| u64::from(
                    num::trunc_i32(f64::from(num::f32(x)))? as u32
                ))
            }
            Instr::I32TruncF32U { dst, src } => {
                un!(dst, src, |x| u64::from(num::trunc_u32(f64::from(
                    num::f32(x)
                ))?))
            }
            Instr::I32TruncF64S { dst, src } => {
                un!(dst, src, |x| u64::from(num::trunc_i32(num::f64(x))? as u32))
            }
            Instr::I32TruncF64U { dst, src } => {
                un!(dst, src, |x| u64::from(num::trunc_u32(num::f64(x))?))
            }
            Instr::I64TruncF32S { dst, src } => {
                un!(dst, src, |x| num::trunc_i64(f64::from(num::f32(x)))? as u64)
            }
            Instr::I64TruncF32U { dst, src } => {
                un!(dst, src, |x| num::trunc_u64(f64::from(num::f32(x)))?)
            }
            Instr::I64TruncF64S { dst, src } => {
                un!(dst, src, |x| num::trunc_i64(num::f64(x))? as u64)
            }
            Instr::I64TruncF64U { dst, src } => un!(dst, src, |x| num::trunc_u64(num::f64(x))?),
            Instr::I32TruncSatF32S { dst, src } => {
                un!(dst, src, |x| u64::from(num::f32(x) as i32 as u32))
            }
            Instr::I32TruncSatF32U { dst, src } => un!(dst, src, |x| u64::from(num::f32(x) as u32)),
            Instr::I32TruncSatF64S { dst, src } => {
                un!(dst, src, |x| u64::from(num::f64(x) as i32 as u32))
            }
            Instr::I32TruncSatF64U { dst, src } => un!(dst, src, |x| u64::from(num::f64(x) as u32)),
            Instr::I64TruncSatF32S { dst, src } => un!(dst, src, |x| num::f32(x) as i64 as u64),
            Instr::I64TruncSatF32U { dst, src } => un!(dst, src, |x| num::f32(x) as u64),
            Instr::I64TruncSatF64S { dst, src } => un!(dst, src, |x| num::f64(x) as i64 as u64),
            Instr::I64TruncSatF64U { dst, src } => un!(dst, src, |x| num::f64(x) as u64),
            Instr::F32ConvertI32S { dst, src } => un!(dst, src, |x| num::from_f32(x as i32 as f32)),
            Instr::F32ConvertI32U { dst, src } => un!(dst, src, |x| num::from_f32(x as u32 as f32)),
            Instr::F32ConvertI64S { dst, src } => un!(dst, src, |x| num::from_f32(x as i64 as f32)),
            Instr::F32ConvertI64U { dst, src } => un!(dst, src, |x| num::from_f32(x as f32)),
            Instr::F64ConvertI32S { dst, src } => un!(dst, src, |x| f64::from(x as i32).to_bits()),
            Instr::F64ConvertI32U { dst, src } => un!(dst, src, |x| f64::from(x as u32).to_bits()),
            Instr::F64ConvertI64S { dst, src } => un!(dst, src, |x| (x as i64 as f64).to_bits()),
            Instr::F64ConvertI64U { dst, src } => un!(dst, src, |x| (x as f64).to_bits()),
            Instr::F32DemoteF64 { dst, src } => {
                un!(dst, src, |x| num::from_f32(num::f64(x) as f32))
            }
            Instr::F64PromoteF32 { dst, src } => {
                un!(dst, src, |x| f64::from(num::f32(x)).to_bits())
            }
            Instr::Extend8S { dst, src } => un!(dst, src, |x| x as i8 as i64 as u64),
            Instr::Extend16S { dst, src } => un!(dst, src, |x| x as i16 as i64 as u64),
            Instr::Extend32S { dst, src } => un!(dst, src, |x| x as i32 as i64 as u64),
        }
    }
}

fn table_of(inner: &StoreInner, instance: u32, table: u32) -> Result<usize> {
    inner
        .instances
        .get(instance as usize)
        .and_then(|i| i.tables.get(table as usize))
        .map(|&t| t as usize)
        .ok_or_else(|| internal("unknown table"))
}

//! One handler per IR instruction. Each is written as `Name { operands } => { body }`; the
//! `handlers!` macro turns it into a function that decodes the operands, runs the body with the
//! handler state `s` ([`Hot`]) and passes control to the next instruction. A body leaves early
//! with `return Flow::...` (the outermost return, or an error recorded in `s.st`).

// `!(a < b)` on floats is intended: the `Not` branches must also jump on NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::dispatch::{free, next, tag, Exec, Flow, Free, Handler, Hot};
use super::{bulk, calls};
use crate::engine::ir::Instr;
use crate::engine::num;
use crate::error::TrapCode;
use crate::runtime::PAGE_SIZE;
use crate::value::Cell;

/// The register (frame slot) `$slot`, as a place.
macro_rules! r {
    ($s:ident, $slot:expr) => {
        (*{
            // The translator's slot check, verified again in debug builds (tests).
            // SAFETY (of the read): `code` is the current function while a handler runs.
            debug_assert!(($slot as usize) < unsafe { (*$s.st.code).frame_size } as usize);
            // SAFETY: `regs` points at the current frame, which `calls::enter` made
            // `frame_size` slots long, and the translator only emits slot operands below
            // `frame_size`. `regs` is recomputed after anything that can move the stack.
            unsafe { &mut *$s.regs.add($slot as usize) }
        })
    };
}

/// The operands in the `Aux` word following the current instruction (`s.ip` points at it).
macro_rules! aux {
    ($s:ident) => {
        // SAFETY: instructions documented to carry an `Aux` are always followed by one (the
        // translator emits the two together), so the read is in bounds and the second arm is
        // never taken; checking the tag would cost every such instruction a compare and a branch.
        match unsafe { *$s.ip } {
            Instr::Aux { a, b } => (a, b),
            _ => unsafe { core::hint::unreachable_unchecked() },
        }
    };
}

/// Steps over the `Aux` word.
macro_rules! skip_aux {
    ($s:ident) => {
        // SAFETY: as for `aux!`: the `Aux` word is inside the function's instructions.
        $s.ip = unsafe { $s.ip.add(1) }
    };
}

/// Jumps by `$target`, a branch's distance in bytes from itself (see `ir`), when `s.ip` points
/// at the instruction after the branch.
macro_rules! jump {
    ($s:ident, $target:expr) => {
        // SAFETY: the branch is the instruction before `s.ip`, and the translator computed the
        // distance from it to an instruction of the same function.
        $s.ip = unsafe { opaque($s.ip.sub(1)).byte_offset($target as i32 as isize) }
    };
}

/// Returns `p`, hiding from the compiler that it is the instruction pointer plus an offset.
/// Without this, LLVM rewrites a conditional branch's `ip + (taken ? offset : 16)` into one
/// shared address computation, which costs the not-taken path three instructions.
#[inline(always)]
fn opaque(p: *const Instr) -> *const Instr {
    #[cfg(wrt_tail_dispatch)]
    {
        let mut p = p;
        // SAFETY: the assembly is empty: it reads and writes nothing, and `p` keeps its value.
        unsafe {
            core::arch::asm!("/* {0} */", inout(reg) p, options(pure, nomem, nostack, preserves_flags))
        };
        p
    }
    #[cfg(not(wrt_tail_dispatch))]
    p
}

/// Takes entry `$i` of the `$len` `Br` entries that follow (the last one for any larger `$i`).
macro_rules! br_table {
    ($s:ident, $i:expr, $len:expr) => {{
        let i = ($i).min($len - 1);
        // SAFETY: `len` `Br` entries follow the table instruction; `i < len`.
        let entry = unsafe { $s.ip.add(i as usize) };
        // Take the entry's branch here rather than dispatching it (one dispatch, not two).
        // SAFETY: as above; every entry is a `Br` (`translate_br_table` emits nothing else
        // there), so the `else` is never taken.
        let Instr::Br { target } = (unsafe { *entry }) else {
            unsafe { core::hint::unreachable_unchecked() }
        };
        // SAFETY: the translator computed the distance from the entry to an instruction of the
        // same function.
        $s.ip = unsafe { entry.byte_offset(target as i32 as isize) };
    }};
}

/// Jumps to `$target` when `$cond` holds.
///
/// Written so the compiler emits a conditional branch, not a conditional move of `ip`: with a
/// move, every instruction after a branch would wait for the comparison to resolve, where a
/// predicted branch lets the processor run ahead (this doubled the time of tight loops). Which
/// side is marked cold matters little, since the processor predicts the direction from history.
macro_rules! branch_if {
    ($s:ident, $cond:expr, $target:expr) => {
        if $cond {
            jump!($s, $target);
        } else {
            core::hint::cold_path();
        }
    };
}

/// The value of a trapping operation, or the trap.
macro_rules! tri {
    ($s:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return $s.st.trap(code),
        }
    };
}

macro_rules! un {
    ($s:ident, $dst:expr, $src:expr, |$x:ident| $e:expr) => {{
        let $x = r!($s, $src);
        r!($s, $dst) = $e;
    }};
}

macro_rules! bin {
    ($s:ident, $dst:expr, $l:expr, $r:expr, |$a:ident, $b:ident| $e:expr) => {{
        let $a = r!($s, $l);
        let $b = r!($s, $r);
        r!($s, $dst) = $e;
    }};
}

/// Effective address of an access of `$n` bytes, or a trap.
macro_rules! ea {
    ($s:ident, $addr:expr, $offset:expr, $n:literal) => {{
        let ea = u64::from(r!($s, $addr) as u32) + u64::from($offset);
        if ea >= $s.st.limit($n) {
            return $s.st.trap(TrapCode::MemoryOutOfBounds);
        }
        ea as usize
    }};
}

macro_rules! load {
    ($s:ident, $dst:expr, $addr:expr, $offset:expr, $n:literal, |$b:ident| $e:expr) => {{
        let ea = u64::from(r!($s, $addr) as u32) + u64::from($offset);
        load_ea!($s, $dst, ea, $n, |$b| $e);
    }};
}

/// Loads `$n` bytes at effective address `$ea` (a `u64`), or traps.
macro_rules! load_ea {
    ($s:ident, $dst:expr, $ea:expr, $n:literal, |$b:ident| $e:expr) => {{
        let ea: u64 = $ea;
        if ea >= $s.st.limit($n) {
            return $s.st.trap(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: `ea < limit(n)`, so `ea + n <= len`; `mem` and the limits describe the current
        // instance's memory (recomputed after every grow, call into another instance and host
        // call).
        let $b: [u8; $n] =
            unsafe { core::ptr::read_unaligned($s.mem.add(ea as usize) as *const [u8; $n]) };
        r!($s, $dst) = $e;
    }};
}

/// A load from the 32-bit wrapping sum `base + imm` (the fused `i32.add; load offset=0`).
macro_rules! load_add_imm {
    ($s:ident, $dst:expr, $base:expr, $imm:expr, $n:literal, |$b:ident| $e:expr) => {{
        let ea = u64::from((r!($s, $base) as u32).wrapping_add($imm as u32));
        load_ea!($s, $dst, ea, $n, |$b| $e);
    }};
}

macro_rules! store_mem {
    ($s:ident, $addr:expr, $src:expr, $offset:expr, $n:literal, $bytes:expr) => {{
        let ea = ea!($s, $addr, $offset, $n);
        let bytes: [u8; $n] = $bytes(r!($s, $src));
        // SAFETY: as for loads.
        unsafe { core::ptr::write_unaligned($s.mem.add(ea) as *mut [u8; $n], bytes) };
    }};
}

/// `(x << shift) + imm` in 32 bits, wrapping (`I32ShlAddImm`).
#[inline(always)]
fn shl_add(x: Cell, shift: u8, imm: i32) -> u32 {
    (x as u32)
        .wrapping_shl(u32::from(shift))
        .wrapping_add(imm as u32)
}

/// A store to the 32-bit wrapping sum `base + imm` (the fused `i32.add; store offset=0`).
macro_rules! store_add_imm {
    ($s:ident, $base:expr, $src:expr, $imm:expr, $n:literal, $bytes:expr) => {{
        let ea = u64::from((r!($s, $base) as u32).wrapping_add($imm as u32));
        if ea >= $s.st.limit($n) {
            return $s.st.trap(TrapCode::MemoryOutOfBounds);
        }
        let bytes: [u8; $n] = $bytes(r!($s, $src));
        // SAFETY: as for loads.
        unsafe { core::ptr::write_unaligned($s.mem.add(ea as usize) as *mut [u8; $n], bytes) };
    }};
}

/// Defines a handler per instruction, the table `dispatch` indexes by tag, and a function whose
/// exhaustive `match` fails to compile if an instruction has no handler.
macro_rules! handlers {
    ($s:ident; $( $name:ident { $($field:ident),* $(,)? } => $body:block )*) => {
        $(
            handler_fn! {
                #[allow(non_snake_case, unused_variables, unused_mut, clippy::unnecessary_cast)]
                #[allow(unreachable_code)] // bodies that always leave (e.g. `Unreachable`)
                $name: $s; $name { $($field),* } => $body
            }
        )*

        /// Handlers indexed by instruction tag.
        pub(super) static HANDLERS: [Handler; COUNT] = {
            let mut table: [Handler; COUNT] = [invalid; COUNT];
            $(
                table[tag(&Instr::$name { $($field: zero()),* }) as usize] = $name;
            )*
            table
        };

        #[allow(dead_code)]
        fn exhaustive(i: Instr) {
            match i {
                $( Instr::$name { .. } => {} )*
            }
        }

        /// Every instruction, with zero operands (tests check the table against it).
        #[cfg(test)]
        const ALL: &[Instr] = &[ $( Instr::$name { $($field: zero()),* } ),* ];
    };
}

/// A function with a handler's signature, running `$body` for instruction `$name` at `ip`
/// with the handler state `$s`, then passing control on.
macro_rules! handler_fn {
    ($(#[$attr:meta])* $fn:ident: $s:ident; $name:ident { $($field:ident),* } => $body:block) => {
        $(#[$attr])*
        unsafe fn $fn(
            ip: *const Instr,
            regs: *mut Cell,
            _: Free,
            _: Free,
            mem: *mut u8,
            st: &mut Exec,
        ) -> Flow {
            // SAFETY: only this instruction's handler runs this (`dispatch` picks the handler
            // by tag; a general path is entered from its handler, with the same arguments).
            let Instr::$name { $($field),* } = (unsafe { *ip }) else {
                // SAFETY: as above; other variants never reach this function.
                unsafe { core::hint::unreachable_unchecked() }
            };
            // SAFETY: every body ends in an instruction that leaves it, so the next
            // instruction exists whenever this one falls through.
            let mut $s = Hot { ip: unsafe { ip.add(1) }, regs, mem, st };
            $body
            next!($s)
        }
    };
}

/// The general paths of `Call`, `CallIndirect` and `Return`: host functions, first calls of
/// lazily translated functions, calls and returns across instances, stack growth, slot
/// initialisation, several results, the outermost return and traps. The handlers enter them
/// by a tail call with their own arguments, so the handlers' fast paths (`calls::call_fast`,
/// `calls::ret_fast`) make no call and save no registers.
macro_rules! general_paths {
    ($s:ident; $( $fn:ident: $name:ident { $($field:ident),* } => $body:block )*) => {
        $(
            handler_fn! {
                #[inline(never)]
                #[allow(unused_variables)]
                $fn: $s; $name { $($field),* } => $body
            }
        )*
    };
}

general_paths! { s;
    return_general: Return { src, count } => {
        if let Some(flow) = calls::ret(&mut s, src, count) {
            return flow;
        }
    }
    call_general: Call { func, base } => {
        // SAFETY: validation bounds `func` by the instance's function count.
        let callee = unsafe { *s.st.funcs.add(func as usize) };
        let at = s.st.base + base as usize;
        if !calls::call(&mut s, callee, at) {
            return Flow::Error;
        }
    }
    call_indirect_general: CallIndirect { ty, index, base } => {
        let (table, _) = aux!(s);
        skip_aux!(s);
        let Some(callee) = calls::resolve(s.st, table, ty, r!(s, index) as u32) else {
            return Flow::Error;
        };
        let at = s.st.base + base as usize;
        if !calls::call(&mut s, callee, at) {
            return Flow::Error;
        }
    }
}

/// Number of instruction tags (`Instr` has fewer than this many variants; checked in tests).
const COUNT: usize = 304;

/// An all-zero operand, for building one instruction of each kind at compile time.
const fn zero<T: Copy>() -> T {
    // SAFETY: only instantiated with the integer operand types of `Instr`.
    unsafe { core::mem::zeroed() }
}

/// Fills table entries no instruction uses; never reached.
unsafe fn invalid(
    _: *const Instr,
    _: *mut Cell,
    _: Free,
    _: Free,
    _: *mut u8,
    st: &mut Exec,
) -> Flow {
    st.fail(super::internal("instruction without a handler"))
}

handlers! { s;
    Unreachable {} => {
        return s.st.trap(TrapCode::Unreachable);
    }
    ConsumeFuel { amount } => {
        // SAFETY: `inner` is valid for the execution and not otherwise borrowed here.
        let inner = unsafe { &mut *s.st.inner };
        let amount = u64::from(amount);
        if inner.fuel < amount {
            return s.st.trap(TrapCode::OutOfFuel);
        }
        inner.fuel -= amount;
    }
    Aux { a, b } => {
        // Operands of the preceding instruction, which steps over them; never dispatched.
    }
    BrTable { index, len } => {
        br_table!(s, r!(s, index) as u32, len);
    }
    BrTableAddImm { index, len, imm } => {
        br_table!(s, (r!(s, index) as u32).wrapping_add(imm as u32), len);
    }
    Return { src, count } => {
        if !calls::ret_fast(&mut s, src, count) {
            // SAFETY: as in `Call`.
            return unsafe { return_general(s.ip.sub(1), s.regs, free(), free(), s.mem, s.st) };
        }
    }
    Call { func, base } => {
        // SAFETY: validation bounds `func` by the instance's function count.
        let callee = unsafe { *s.st.funcs.add(func as usize) };
        let at = s.st.base + base as usize;
        if !calls::call_fast(&mut s, callee, at) {
            // SAFETY: this handler's own arguments (`s.ip` is one past the `Call`), which
            // `call_fast` left unchanged.
            return unsafe { call_general(s.ip.sub(1), s.regs, free(), free(), s.mem, s.st) };
        }
    }
    CallIndirect { ty, index, base } => {
        let (table, _) = aux!(s);
        skip_aux!(s);
        let at = s.st.base + base as usize;
        let i = r!(s, index) as u32;
        if !calls::call_indirect_fast(&mut s, table, ty, i, at) {
            // SAFETY: as in `Call`; `s.ip` is past the instruction and its `Aux`.
            return unsafe { call_indirect_general(s.ip.sub(2), s.regs, free(), free(), s.mem, s.st) };
        }
    }
    ReturnCall { func, base, count } => {
        // SAFETY: validation bounds `func` by the instance's function count.
        let callee = unsafe { *s.st.funcs.add(func as usize) };
        if let Some(flow) = calls::tail_call(&mut s, callee, base, count) {
            return flow;
        }
    }
    ReturnCallIndirect { ty, index, base } => {
        let (table, count) = aux!(s);
        let Some(callee) = calls::resolve(s.st, table, ty, r!(s, index) as u32) else {
            return Flow::Error;
        };
        if let Some(flow) = calls::tail_call(&mut s, callee, base, count) {
            return flow;
        }
    }
    Select { dst, a, b } => {
        let (cond, _) = aux!(s);
        skip_aux!(s);
        r!(s, dst) = if r!(s, cond) as u32 != 0 { r!(s, a) } else { r!(s, b) };
    }
    GlobalGet { dst, global } => {
        // SAFETY: validation bounds `global`; the store's globals are recomputed after host
        // calls (the only place new globals can be created).
        r!(s, dst) = unsafe { (*s.st.global_cells.add(*s.st.globals.add(global as usize) as usize)).value };
    }
    GlobalSet { src, global } => {
        let v = r!(s, src);
        // SAFETY: as for `GlobalGet`.
        unsafe { (*s.st.global_cells.add(*s.st.globals.add(global as usize) as usize)).value = v };
    }
    GlobalGetOwn { dst, offset } => {
        // SAFETY: the translator emits `offset` only as `i * GLOBAL_STRIDE` for a defined global
        // `i` of the current function's module (validation bounds `i`), and the current
        // instance is an instance of that module, whose defined globals instantiation placed
        // contiguously from `own_globals` (checked there). So the address is that of entity
        // `i`, in bounds and aligned. `own_globals` is recomputed with `global_cells`, after
        // anything that may move the store's globals or change the current instance.
        r!(s, dst) = unsafe { (*s.st.own_globals.byte_add(offset as usize)).value };
    }
    GlobalSetOwn { src, offset } => {
        let v = r!(s, src);
        // SAFETY: as for `GlobalGetOwn`.
        unsafe { (*s.st.own_globals.byte_add(offset as usize)).value = v };
    }
    GlobalCopyOwn { dst, src } => {
        // SAFETY: as for `GlobalGetOwn`, for both offsets.
        unsafe {
            let v = (*s.st.own_globals.byte_add(src as usize)).value;
            (*s.st.own_globals.byte_add(dst as usize)).value = v;
        }
    }
    GlobalAddImm32Own { dst, offset, imm } => {
        // SAFETY: as for `GlobalGetOwn`.
        let g = unsafe { &mut (*s.st.own_globals.byte_add(offset as usize)).value };
        let v = u64::from((*g as u32).wrapping_add(imm as u32));
        *g = v;
        r!(s, dst) = v;
    }
    GlobalAddImm64Own { dst, offset, imm } => {
        // SAFETY: as for `GlobalGetOwn`.
        let g = unsafe { &mut (*s.st.own_globals.byte_add(offset as usize)).value };
        let v = g.wrapping_add(imm as i64 as u64);
        *g = v;
        r!(s, dst) = v;
    }
    RefFunc { dst, func } => {
        // SAFETY: validation bounds `func` by the instance's function count.
        let f = unsafe { *s.st.funcs.add(func as usize) };
        r!(s, dst) = u64::from(f) + 1;
    }
    MemorySize { dst } => {
        r!(s, dst) = s.st.mem_len() / PAGE_SIZE as u64;
    }
    MemoryGrow { dst, delta } => {
        let Some(old) = bulk::memory_grow(s.st, r!(s, delta) as u32) else {
            return Flow::Error;
        };
        s.reload();
        r!(s, dst) = old;
    }
    MemoryFill { dst, val, len } => {
        if !bulk::memory_fill(s.st, r!(s, dst) as u32, r!(s, val) as u8, r!(s, len) as u32) {
            return Flow::Error;
        }
    }
    MemoryCopy { dst, src, len } => {
        if !bulk::memory_copy(s.st, r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32) {
            return Flow::Error;
        }
    }
    MemoryInit { dst, src, len } => {
        let (data, _) = aux!(s);
        skip_aux!(s);
        let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
        if !bulk::memory_init(s.st, data, d, sr, n) {
            return Flow::Error;
        }
    }
    DataDrop { data } => {
        bulk::data_drop(s.st, data);
    }
    TableGet { dst, index, table } => {
        let Some(v) = bulk::table_get(s.st, table, r!(s, index) as u32) else {
            return Flow::Error;
        };
        r!(s, dst) = v;
    }
    TableSet { index, val, table } => {
        if !bulk::table_set(s.st, table, r!(s, index) as u32, r!(s, val)) {
            return Flow::Error;
        }
    }
    TableSize { dst, table } => {
        let Some(v) = bulk::table_size(s.st, table) else {
            return Flow::Error;
        };
        r!(s, dst) = v;
    }
    TableGrow { dst, init, delta } => {
        let (table, _) = aux!(s);
        skip_aux!(s);
        let Some(v) = bulk::table_grow(s.st, table, r!(s, init), r!(s, delta) as u32) else {
            return Flow::Error;
        };
        r!(s, dst) = v;
    }
    TableFill { dst, val, len } => {
        let (table, _) = aux!(s);
        skip_aux!(s);
        let (d, v, n) = (r!(s, dst) as u32, r!(s, val), r!(s, len) as u32);
        if !bulk::table_fill(s.st, table, d, v, n) {
            return Flow::Error;
        }
    }
    TableCopy { dst, src, len } => {
        let (dst_table, src_table) = aux!(s);
        skip_aux!(s);
        let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
        if !bulk::table_copy(s.st, dst_table, src_table, d, sr, n) {
            return Flow::Error;
        }
    }
    TableInit { dst, src, len } => {
        let (table, elem) = aux!(s);
        skip_aux!(s);
        let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
        if !bulk::table_init(s.st, table, elem, d, sr, n) {
            return Flow::Error;
        }
    }
    ElemDrop { elem } => {
        bulk::elem_drop(s.st, elem);
    }

    CanonF32 { slot } => {
        if num::f32(r!(s, slot)).is_nan() {
            r!(s, slot) = u64::from(0x7fc0_0000u32);
        }
    }
    CanonF64 { slot } => {
        if num::f64(r!(s, slot)).is_nan() {
            r!(s, slot) = 0x7ff8_0000_0000_0000;
        }
    }
    Br { target } => {
        jump!(s, target);
    }
    BrIfNez { cond, target } => {
        branch_if!(s, r!(s, cond) as u32 != 0, target);
    }
    BrIfEqz { cond, target } => {
        branch_if!(s, r!(s, cond) as u32 == 0, target);
    }
    Copy { dst, src } => {
        r!(s, dst) = r!(s, src);
    }
    Const { dst, val } => {
        r!(s, dst) = val;
    }
    Load32 { dst, addr, offset } => {
        load!(s, dst, addr, offset, 4, |b| u64::from(u32::from_le_bytes(b)));
    }
    Load64 { dst, addr, offset } => {
        load!(s, dst, addr, offset, 8, |b| u64::from_le_bytes(b));
    }
    Load8S { dst, addr, offset } => {
        load!(s, dst, addr, offset, 1, |b| b[0] as i8 as i64 as u64);
    }
    Load8U { dst, addr, offset } => {
        load!(s, dst, addr, offset, 1, |b| u64::from(b[0]));
    }
    Load16S { dst, addr, offset } => {
        load!(s, dst, addr, offset, 2, |b| i16::from_le_bytes(b) as i64
            as u64);
    }
    Load16U { dst, addr, offset } => {
        load!(s, dst, addr, offset, 2, |b| u64::from(u16::from_le_bytes(b)));
    }
    Load32S { dst, addr, offset } => {
        load!(s, dst, addr, offset, 4, |b| i32::from_le_bytes(b) as i64
            as u64);
    }
    Load32AddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 4, |b| u64::from(u32::from_le_bytes(b)));
    }
    Load64AddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 8, |b| u64::from_le_bytes(b));
    }
    Load8SAddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 1, |b| b[0] as i8 as i64 as u64);
    }
    Load8UAddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 1, |b| u64::from(b[0]));
    }
    Load16SAddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 2, |b| i16::from_le_bytes(b) as i64 as u64);
    }
    Load16UAddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 2, |b| u64::from(u16::from_le_bytes(b)));
    }
    Load32SAddImm { dst, base, imm } => {
        load_add_imm!(s, dst, base, imm, 4, |b| i32::from_le_bytes(b) as i64 as u64);
    }
    Load32Add { dst, lhs, rhs } => {
        let ea = u64::from((r!(s, lhs) as u32).wrapping_add(r!(s, rhs) as u32));
        load_ea!(s, dst, ea, 4, |b| u64::from(u32::from_le_bytes(b)));
    }
    Load64Add { dst, lhs, rhs } => {
        let ea = u64::from((r!(s, lhs) as u32).wrapping_add(r!(s, rhs) as u32));
        load_ea!(s, dst, ea, 8, |b| u64::from_le_bytes(b));
    }
    Load32ShlAddImm { shift, dst, base, imm } => {
        let ea = u64::from(shl_add(r!(s, base), shift, imm));
        load_ea!(s, dst, ea, 4, |b| u64::from(u32::from_le_bytes(b)));
    }
    Load64ShlAddImm { shift, dst, base, imm } => {
        let ea = u64::from(shl_add(r!(s, base), shift, imm));
        load_ea!(s, dst, ea, 8, |b| u64::from_le_bytes(b));
    }
    Store8 { addr, src, offset } => {
        store_mem!(s, addr, src, offset, 1, |v: u64| [v as u8]);
    }
    Store16 { addr, src, offset } => {
        store_mem!(s, addr, src, offset, 2, |v: u64| (v as u16).to_le_bytes());
    }
    Store32 { addr, src, offset } => {
        store_mem!(s, addr, src, offset, 4, |v: u64| (v as u32).to_le_bytes());
    }
    Store8AddImm { base, src, imm } => {
        store_add_imm!(s, base, src, imm, 1, |v: u64| [v as u8]);
    }
    Store16AddImm { base, src, imm } => {
        store_add_imm!(s, base, src, imm, 2, |v: u64| (v as u16).to_le_bytes());
    }
    Store32AddImm { base, src, imm } => {
        store_add_imm!(s, base, src, imm, 4, |v: u64| (v as u32).to_le_bytes());
    }
    Store64AddImm { base, src, imm } => {
        store_add_imm!(s, base, src, imm, 8, |v: u64| v.to_le_bytes());
    }
    Store64 { addr, src, offset } => {
        store_mem!(s, addr, src, offset, 8, |v: u64| v.to_le_bytes());
    }
    // ---- immediates ----
    I32ShlAddImm { shift, dst, lhs, imm } => {
        r!(s, dst) = u64::from(shl_add(r!(s, lhs), shift, imm));
    }
    I32AddImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = u64::from((a as u32).wrapping_add(b as u32));
    }
    I32MulImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = u64::from((a as u32).wrapping_mul(b as u32));
    }
    I32AndImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a & u64::from(b as u32);
    }
    I32OrImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a | u64::from(b as u32);
    }
    I32XorImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a ^ u64::from(b as u32);
    }
    I32ShlImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = u64::from((a as u32).wrapping_shl(b as u32));
    }
    I32ShrSImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = u64::from((a as i32).wrapping_shr(b as u32) as u32);
    }
    I32ShrUImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = u64::from((a as u32).wrapping_shr(b as u32));
    }
    I32EqImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) == (imm as i64 as u32));
    }
    I32NeImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) != (imm as i64 as u32));
    }
    I32LtSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i32) < (imm as i64 as i32));
    }
    I32LtUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) < (imm as i64 as u32));
    }
    I32GtSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i32) > (imm as i64 as i32));
    }
    I32GtUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) > (imm as i64 as u32));
    }
    I32LeSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i32) <= (imm as i64 as i32));
    }
    I32LeUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) <= (imm as i64 as u32));
    }
    I32GeSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i32) >= (imm as i64 as i32));
    }
    I32GeUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as u32) >= (imm as i64 as u32));
    }
    I64AddImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a.wrapping_add(b as i64 as u64);
    }
    I64MulImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a.wrapping_mul(b as i64 as u64);
    }
    I64AndImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a & (b as i64 as u64);
    }
    I64OrImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a | (b as i64 as u64);
    }
    I64XorImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a ^ (b as i64 as u64);
    }
    I64ShlImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a.wrapping_shl(b as u32);
    }
    I64ShrSImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = (a as i64).wrapping_shr(b as u32) as u64;
    }
    I64ShrUImm { dst, lhs, imm } => {
        let a = r!(s, lhs);
        let b = imm;
        r!(s, dst) = a.wrapping_shr(b as u32);
    }
    I64EqImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) == (imm as i64 as u64));
    }
    I64NeImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) != (imm as i64 as u64));
    }
    I64LtSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i64) < i64::from(imm));
    }
    I64LtUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) < (imm as i64 as u64));
    }
    I64GtSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i64) > i64::from(imm));
    }
    I64GtUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) > (imm as i64 as u64));
    }
    I64LeSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i64) <= i64::from(imm));
    }
    I64LeUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) <= (imm as i64 as u64));
    }
    I64GeSImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from((r!(s, lhs) as i64) >= i64::from(imm));
    }
    I64GeUImm { dst, lhs, imm } => {
        r!(s, dst) = u64::from(r!(s, lhs) >= (imm as i64 as u64));
    }
    BrF32Eq { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) == num::f32(r!(s, rhs)), target);
    }
    BrF32NotEq { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) == num::f32(r!(s, rhs))), target);
    }
    BrF32Ne { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) != num::f32(r!(s, rhs)), target);
    }
    BrF32NotNe { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) != num::f32(r!(s, rhs))), target);
    }
    BrF32Lt { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) < num::f32(r!(s, rhs)), target);
    }
    BrF32NotLt { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) < num::f32(r!(s, rhs))), target);
    }
    BrF32Gt { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) > num::f32(r!(s, rhs)), target);
    }
    BrF32NotGt { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) > num::f32(r!(s, rhs))), target);
    }
    BrF32Le { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) <= num::f32(r!(s, rhs)), target);
    }
    BrF32NotLe { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) <= num::f32(r!(s, rhs))), target);
    }
    BrF32Ge { lhs, rhs, target } => {
        branch_if!(s, num::f32(r!(s, lhs)) >= num::f32(r!(s, rhs)), target);
    }
    BrF32NotGe { lhs, rhs, target } => {
        branch_if!(s, !(num::f32(r!(s, lhs)) >= num::f32(r!(s, rhs))), target);
    }
    BrF64Eq { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) == num::f64(r!(s, rhs)), target);
    }
    BrF64NotEq { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) == num::f64(r!(s, rhs))), target);
    }
    BrF64Ne { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) != num::f64(r!(s, rhs)), target);
    }
    BrF64NotNe { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) != num::f64(r!(s, rhs))), target);
    }
    BrF64Lt { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) < num::f64(r!(s, rhs)), target);
    }
    BrF64NotLt { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) < num::f64(r!(s, rhs))), target);
    }
    BrF64Gt { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) > num::f64(r!(s, rhs)), target);
    }
    BrF64NotGt { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) > num::f64(r!(s, rhs))), target);
    }
    BrF64Le { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) <= num::f64(r!(s, rhs)), target);
    }
    BrF64NotLe { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) <= num::f64(r!(s, rhs))), target);
    }
    BrF64Ge { lhs, rhs, target } => {
        branch_if!(s, num::f64(r!(s, lhs)) >= num::f64(r!(s, rhs)), target);
    }
    BrF64NotGe { lhs, rhs, target } => {
        branch_if!(s, !(num::f64(r!(s, lhs)) >= num::f64(r!(s, rhs))), target);
    }
    // ---- compare-and-branch ----
    BrI32Eq { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) == (r!(s, rhs) as u32), target);
    }
    BrI32EqImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) == (imm as i64 as u32), target);
    }
    BrI32Ne { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) != (r!(s, rhs) as u32), target);
    }
    BrI32NeImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) != (imm as i64 as u32), target);
    }
    BrI32LtS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i32) < (r!(s, rhs) as i32), target);
    }
    BrI32LtSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i32) < (imm as i64 as i32), target);
    }
    BrI32LtU { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) < (r!(s, rhs) as u32), target);
    }
    BrI32LtUImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) < (imm as i64 as u32), target);
    }
    BrI32GtS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i32) > (r!(s, rhs) as i32), target);
    }
    BrI32GtSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i32) > (imm as i64 as i32), target);
    }
    BrI32GtU { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) > (r!(s, rhs) as u32), target);
    }
    BrI32GtUImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) > (imm as i64 as u32), target);
    }
    BrI32LeS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i32) <= (r!(s, rhs) as i32), target);
    }
    BrI32LeSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i32) <= (imm as i64 as i32), target);
    }
    BrI32LeU { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) <= (r!(s, rhs) as u32), target);
    }
    BrI32LeUImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) <= (imm as i64 as u32), target);
    }
    BrI32GeS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i32) >= (r!(s, rhs) as i32), target);
    }
    BrI32GeSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i32) >= (imm as i64 as i32), target);
    }
    BrI32GeU { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as u32) >= (r!(s, rhs) as u32), target);
    }
    BrI32GeUImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as u32) >= (imm as i64 as u32), target);
    }
    BrI64Eq { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) == r!(s, rhs), target);
    }
    BrI64EqImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) == (imm as i64 as u64), target);
    }
    BrI64Ne { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) != r!(s, rhs), target);
    }
    BrI64NeImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) != (imm as i64 as u64), target);
    }
    BrI64LtS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i64) < (r!(s, rhs) as i64), target);
    }
    BrI64LtSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i64) < i64::from(imm), target);
    }
    BrI64LtU { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) < r!(s, rhs), target);
    }
    BrI64LtUImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) < (imm as i64 as u64), target);
    }
    BrI64GtS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i64) > (r!(s, rhs) as i64), target);
    }
    BrI64GtSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i64) > i64::from(imm), target);
    }
    BrI64GtU { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) > r!(s, rhs), target);
    }
    BrI64GtUImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) > (imm as i64 as u64), target);
    }
    BrI64LeS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i64) <= (r!(s, rhs) as i64), target);
    }
    BrI64LeSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i64) <= i64::from(imm), target);
    }
    BrI64LeU { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) <= r!(s, rhs), target);
    }
    BrI64LeUImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) <= (imm as i64 as u64), target);
    }
    BrI64GeS { lhs, rhs, target } => {
        branch_if!(s, (r!(s, lhs) as i64) >= (r!(s, rhs) as i64), target);
    }
    BrI64GeSImm { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) as i64) >= i64::from(imm), target);
    }
    BrI64GeU { lhs, rhs, target } => {
        branch_if!(s, r!(s, lhs) >= r!(s, rhs), target);
    }
    BrI64GeUImm { lhs, imm, target } => {
        branch_if!(s, r!(s, lhs) >= (imm as i64 as u64), target);
    }
    BrI32AndImmEqz { lhs, imm, target } => {
        branch_if!(s, ((r!(s, lhs) as u32) & (imm as u32)) == 0, target);
    }
    BrI32AndImmNez { lhs, imm, target } => {
        branch_if!(s, ((r!(s, lhs) as u32) & (imm as u32)) != 0, target);
    }
    BrI64AndImmEqz { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) & (imm as i64 as u64)) == 0, target);
    }
    BrI64AndImmNez { lhs, imm, target } => {
        branch_if!(s, (r!(s, lhs) & (imm as i64 as u64)) != 0, target);
    }
    // ---- i32 ----
    I32Eqz { dst, src } => {
        un!(s, dst, src, |x| u64::from(x as u32 == 0));
    }
    I32Eq { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 == b as u32));
    }
    I32Ne { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 != b as u32));
    }
    I32LtS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from((a as i32) < b as i32));
    }
    I32LtU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from((a as u32) < b as u32));
    }
    I32GtS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 > b as i32));
    }
    I32GtU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 > b as u32));
    }
    I32LeS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 <= b as i32));
    }
    I32LeU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 <= b as u32));
    }
    I32GeS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 >= b as i32));
    }
    I32GeU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 >= b as u32));
    }
    I32Clz { dst, src } => {
        un!(s, dst, src, |x| u64::from((x as u32).leading_zeros()));
    }
    I32Ctz { dst, src } => {
        un!(s, dst, src, |x| u64::from((x as u32).trailing_zeros()));
    }
    I32Popcnt { dst, src } => {
        un!(s, dst, src, |x| u64::from((x as u32).count_ones()));
    }
    I32Add { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).wrapping_add(b as u32)
        ));
    }
    I32Sub { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).wrapping_sub(b as u32)
        ));
    }
    I32Mul { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).wrapping_mul(b as u32)
        ));
    }
    I32DivS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            tri!(s, num::i32_div_s(a as i32, b as i32)) as u32
        ));
    }
    I32DivU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(tri!(s, num::i32_div_u(
            a as u32, b as u32
        ))));
    }
    I32RemS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            tri!(s, num::i32_rem_s(a as i32, b as i32)) as u32
        ));
    }
    I32RemU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(tri!(s, num::i32_rem_u(
            a as u32, b as u32
        ))));
    }
    I32And { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a & b);
    }
    I32Or { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a | b);
    }
    I32Xor { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a ^ b);
    }
    I32Shl { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).wrapping_shl(b as u32)
        ));
    }
    I32ShrS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as i32).wrapping_shr(b as u32) as u32
        ));
    }
    I32ShrU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).wrapping_shr(b as u32)
        ));
    }
    I32Rotl { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).rotate_left(b as u32 % 32)
        ));
    }
    I32Rotr { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32).rotate_right(b as u32 % 32)
        ));
    }
    // ---- i64 ----
    I64Eqz { dst, src } => {
        un!(s, dst, src, |x| u64::from(x == 0));
    }
    I64Eq { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a == b));
    }
    I64Ne { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a != b));
    }
    I64LtS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from((a as i64) < b as i64));
    }
    I64LtU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a < b));
    }
    I64GtS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 > b as i64));
    }
    I64GtU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a > b));
    }
    I64LeS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 <= b as i64));
    }
    I64LeU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a <= b));
    }
    I64GeS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 >= b as i64));
    }
    I64GeU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(a >= b));
    }
    I64Clz { dst, src } => {
        un!(s, dst, src, |x| u64::from(x.leading_zeros()));
    }
    I64Ctz { dst, src } => {
        un!(s, dst, src, |x| u64::from(x.trailing_zeros()));
    }
    I64Popcnt { dst, src } => {
        un!(s, dst, src, |x| u64::from(x.count_ones()));
    }
    I64Add { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.wrapping_add(b));
    }
    I64Sub { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.wrapping_sub(b));
    }
    I64Mul { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.wrapping_mul(b));
    }
    I64DivS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_div_s(a as i64, b as i64))
            as u64);
    }
    I64DivU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_div_u(a, b)));
    }
    I64RemS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_rem_s(a as i64, b as i64))
            as u64);
    }
    I64RemU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_rem_u(a, b)));
    }
    I64And { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a & b);
    }
    I64Or { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a | b);
    }
    I64Xor { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a ^ b);
    }
    I64Shl { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.wrapping_shl(b as u32));
    }
    I64ShrS { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (a as i64).wrapping_shr(b as u32)
            as u64);
    }
    I64ShrU { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.wrapping_shr(b as u32));
    }
    I64Rotl { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.rotate_left((b % 64) as u32));
    }
    I64Rotr { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| a.rotate_right((b % 64) as u32));
    }
    // ---- f32 ----
    F32Eq { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) == num::f32(b)));
    }
    F32Ne { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) != num::f32(b)));
    }
    F32Lt { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) < num::f32(b)));
    }
    F32Gt { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) > num::f32(b)));
    }
    F32Le { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) <= num::f32(b)));
    }
    F32Ge { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f32(a) >= num::f32(b)));
    }
    F32Abs { dst, src } => {
        un!(s, dst, src, |x| u64::from(x as u32 & 0x7fff_ffff));
    }
    F32Neg { dst, src } => {
        un!(s, dst, src, |x| u64::from(x as u32 ^ 0x8000_0000));
    }
    F32Ceil { dst, src } => {
        un!(s, dst, src, |x| num::round_f32(x, libm::ceilf));
    }
    F32Floor { dst, src } => {
        un!(s, dst, src, |x| num::round_f32(x, libm::floorf));
    }
    F32Trunc { dst, src } => {
        un!(s, dst, src, |x| num::round_f32(x, libm::truncf));
    }
    F32Nearest { dst, src } => {
        un!(s, dst, src, |x| num::round_f32(x, libm::rintf));
    }
    F32Sqrt { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(libm::sqrtf(num::f32(x))));
    }
    F32Add { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) + num::f32(b)
    ));
    }
    F32Sub { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) - num::f32(b)
    ));
    }
    F32Mul { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) * num::f32(b)
    ));
    }
    F32Div { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) / num::f32(b)
    ));
    }
    F32Min { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32_min(num::f32(a), num::f32(b))
    ));
    }
    F32Max { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32_max(num::f32(a), num::f32(b))
    ));
    }
    F32Copysign { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(
            (a as u32 & 0x7fff_ffff) | (b as u32 & 0x8000_0000)
        ));
    }
    // ---- f64 ----
    F64Eq { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) == num::f64(b)));
    }
    F64Ne { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) != num::f64(b)));
    }
    F64Lt { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) < num::f64(b)));
    }
    F64Gt { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) > num::f64(b)));
    }
    F64Le { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) <= num::f64(b)));
    }
    F64Ge { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| u64::from(num::f64(a) >= num::f64(b)));
    }
    F64Abs { dst, src } => {
        un!(s, dst, src, |x| x & 0x7fff_ffff_ffff_ffff);
    }
    F64Neg { dst, src } => {
        un!(s, dst, src, |x| x ^ 0x8000_0000_0000_0000);
    }
    F64Ceil { dst, src } => {
        un!(s, dst, src, |x| num::round_f64(x, libm::ceil));
    }
    F64Floor { dst, src } => {
        un!(s, dst, src, |x| num::round_f64(x, libm::floor));
    }
    F64Trunc { dst, src } => {
        un!(s, dst, src, |x| num::round_f64(x, libm::trunc));
    }
    F64Nearest { dst, src } => {
        un!(s, dst, src, |x| num::round_f64(x, libm::rint));
    }
    F64Sqrt { dst, src } => {
        un!(s, dst, src, |x| libm::sqrt(num::f64(x)).to_bits());
    }
    F64Add { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) + num::f64(b)).to_bits());
    }
    F64Sub { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) - num::f64(b)).to_bits());
    }
    F64Mul { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) * num::f64(b)).to_bits());
    }
    F64Div { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) / num::f64(b)).to_bits());
    }
    F64Min { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::f64_min(num::f64(a), num::f64(b))
            .to_bits());
    }
    F64Max { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| num::f64_max(num::f64(a), num::f64(b))
            .to_bits());
    }
    F64Copysign { dst, lhs, rhs } => {
        bin!(s, dst, lhs, rhs, |a, b| (a & 0x7fff_ffff_ffff_ffff)
            | (b & 0x8000_0000_0000_0000));
    }
    // ---- conversions ----
    I64ExtendI32U { dst, src } => {
        un!(s, dst, src, |x| u64::from(x as u32));
    }
    I32TruncF32S { dst, src } => {
        un!(s, dst, src, |x| u64::from(
            tri!(s, num::trunc_i32(f64::from(num::f32(x)))) as u32
        ));
    }
    I32TruncF32U { dst, src } => {
        un!(s, dst, src, |x| u64::from(tri!(s, num::trunc_u32(f64::from(
            num::f32(x)
        )))));
    }
    I32TruncF64S { dst, src } => {
        un!(s, dst, src, |x| u64::from(tri!(s, num::trunc_i32(num::f64(x))) as u32));
    }
    I32TruncF64U { dst, src } => {
        un!(s, dst, src, |x| u64::from(tri!(s, num::trunc_u32(num::f64(x)))));
    }
    I64TruncF32S { dst, src } => {
        un!(s, dst, src, |x| tri!(s, num::trunc_i64(f64::from(num::f32(x)))) as u64);
    }
    I64TruncF32U { dst, src } => {
        un!(s, dst, src, |x| tri!(s, num::trunc_u64(f64::from(num::f32(x)))));
    }
    I64TruncF64S { dst, src } => {
        un!(s, dst, src, |x| tri!(s, num::trunc_i64(num::f64(x))) as u64);
    }
    I64TruncF64U { dst, src } => {
        un!(s, dst, src, |x| tri!(s, num::trunc_u64(num::f64(x))));
    }
    I32TruncSatF32S { dst, src } => {
        un!(s, dst, src, |x| u64::from(num::f32(x) as i32 as u32));
    }
    I32TruncSatF32U { dst, src } => {
        un!(s, dst, src, |x| u64::from(num::f32(x) as u32));
    }
    I32TruncSatF64S { dst, src } => {
        un!(s, dst, src, |x| u64::from(num::f64(x) as i32 as u32));
    }
    I32TruncSatF64U { dst, src } => {
        un!(s, dst, src, |x| u64::from(num::f64(x) as u32));
    }
    I64TruncSatF32S { dst, src } => {
        un!(s, dst, src, |x| num::f32(x) as i64 as u64);
    }
    I64TruncSatF32U { dst, src } => {
        un!(s, dst, src, |x| num::f32(x) as u64);
    }
    I64TruncSatF64S { dst, src } => {
        un!(s, dst, src, |x| num::f64(x) as i64 as u64);
    }
    I64TruncSatF64U { dst, src } => {
        un!(s, dst, src, |x| num::f64(x) as u64);
    }
    F32ConvertI32S { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(x as i32 as f32));
    }
    F32ConvertI32U { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(x as u32 as f32));
    }
    F32ConvertI64S { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(x as i64 as f32));
    }
    F32ConvertI64U { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(x as f32));
    }
    F64ConvertI32S { dst, src } => {
        un!(s, dst, src, |x| f64::from(x as i32).to_bits());
    }
    F64ConvertI32U { dst, src } => {
        un!(s, dst, src, |x| f64::from(x as u32).to_bits());
    }
    F64ConvertI64S { dst, src } => {
        un!(s, dst, src, |x| (x as i64 as f64).to_bits());
    }
    F64ConvertI64U { dst, src } => {
        un!(s, dst, src, |x| (x as f64).to_bits());
    }
    F32DemoteF64 { dst, src } => {
        un!(s, dst, src, |x| num::from_f32(num::f64(x) as f32));
    }
    F64PromoteF32 { dst, src } => {
        un!(s, dst, src, |x| f64::from(num::f32(x)).to_bits());
    }
    Extend8S { dst, src } => {
        un!(s, dst, src, |x| x as i8 as i64 as u64);
    }
    Extend16S { dst, src } => {
        un!(s, dst, src, |x| x as i16 as i64 as u64);
    }
    Extend32S { dst, src } => {
        un!(s, dst, src, |x| x as i32 as i64 as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_has_a_handler() {
        assert!(ALL.len() <= COUNT);
        let mut seen = [false; COUNT];
        for i in ALL {
            let t = tag(i) as usize;
            assert!(t < COUNT, "tag {t} of {i:?} outside the table");
            assert!(!seen[t], "two instructions share tag {t}");
            seen[t] = true;
            assert!(
                HANDLERS[t] as *const () != invalid as *const (),
                "{i:?} has no handler"
            );
        }
    }
}

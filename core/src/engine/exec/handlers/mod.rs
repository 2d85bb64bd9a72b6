//! One handler per IR instruction, grouped by category in this folder's files and written with
//! [`handler!`]; the handler table is built here from the instruction list (`ir::for_each_instr`).

// `!(a < b)` on floats is intended: the `Not` branches must also jump on NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::dispatch::{free, next, Exec, Flow, Free, Handler, Hot};
use super::{bulk, calls};
use crate::engine::ir::{
    aux, for_each_float_compare, for_each_instr, for_each_int_binary_imm, for_each_int_compare,
    for_each_load, for_each_store, Instr, COUNT,
};
use crate::engine::num;
use crate::error::TrapCode;
use crate::runtime::PAGE_SIZE;
use crate::value::Cell;

/// The register (frame slot) `$slot`, as a place.
macro_rules! r {
    ($s:ident, $slot:expr) => {
        (*{
            // The translator's slot check, verified again in debug builds (tests).
            #[cfg(debug_assertions)]
            {
                // SAFETY: `code` is the current function while a handler runs.
                let frame_size = unsafe { (*$s.st.code).frame_size };
                debug_assert!(($slot.index() as usize) < frame_size as usize);
            }
            // SAFETY: `regs` points at the current frame, which `calls::enter` made
            // `frame_size` slots long, and the translator only emits slot operands below
            // `frame_size`. `regs` is recomputed after anything that can move the stack.
            unsafe { &mut *$s.regs.add($slot.index() as usize) }
        })
    };
}

/// The fields of the `Aux` word following the current instruction `$name` (`s.ip` points at it).
macro_rules! aux {
    ($s:ident, $name:ident) => {
        // SAFETY: instructions documented to carry an `Aux` are always followed by one (the
        // translator emits the two together), so the read is in bounds and the second arm is
        // never taken; checking the tag would cost every such instruction a compare and a branch.
        match unsafe { *$s.ip } {
            Instr::Aux { a, b } => aux::$name::from_words(a, b),
            // SAFETY: as above.
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
        $s.ip = unsafe { opaque($s.ip.sub(1)).byte_offset($target.bytes()) }
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
            // SAFETY: as above.
            unsafe { core::hint::unreachable_unchecked() }
        };
        // SAFETY: the translator computed the distance from the entry to an instruction of the
        // same function.
        $s.ip = unsafe { entry.byte_offset(target.bytes()) };
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
        let $b: [u8; $n] =
            // SAFETY: `ea < limit(n)`, so `ea + n <= len`; `mem` and the limits describe the
            // current instance's memory (recomputed after every grow, call into another
            // instance and host call).
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

/// Defines the handler of one instruction, written as a closure over the handler state and the
/// instruction's operands: `handler!(|s, I32Add { dst, lhs, rhs }| ...)`. The body runs with
/// the handler state `s` ([`Hot`]), whose `ip` already points past the instruction, and then
/// control passes to the next instruction; a body leaves early with `return Flow::...` (the
/// outermost return, or an error recorded in `s.st`). Written as a closure so rustfmt formats
/// the bodies; the function it defines carries the instruction's name, which is how the handler
/// table (below) finds it.
macro_rules! handler {
    (|$s:ident, $name:ident { $($field:ident),* $(,)? }| $body:expr) => {
        handler_fn! {
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::unnecessary_cast)]
            #[allow(unreachable_code)] // bodies that always leave (e.g. `Unreachable`)
            pub(super) $name: $s; $name { $($field),* } => $body
        }
    };
}

/// A function with a handler's signature, running `$body` for instruction `$name` at `ip`
/// with the handler state `$s`, then passing control on.
macro_rules! handler_fn {
    ($(#[$attr:meta])* $vis:vis $fn:ident: $s:ident; $name:ident { $($field:ident),* } => $body:expr) => {
        $(#[$attr])*
        $vis unsafe fn $fn(
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
            $body;
            next!($s)
        }
    };
}

/// The general paths of `Call`, `CallIndirect` and `Return`: host functions, first calls of
/// lazily translated functions, calls and returns across instances, stack growth, slot
/// initialisation, several results, the outermost return and traps. The handlers enter them
/// by a tail call with their own arguments, so the handlers' fast paths (`calls::call_fast`,
/// `calls::ret_fast`) make no call and save no registers.
macro_rules! general_path {
    ($fn:ident, |$s:ident, $name:ident { $($field:ident),* $(,)? }| $body:expr) => {
        handler_fn! {
            #[inline(never)]
            #[allow(unused_variables)]
            $fn: $s; $name { $($field),* } => $body
        }
    };
}

general_path!(return_general, |s, Return { src, count }| {
    if let Some(flow) = calls::ret(&mut s, src.index(), count) {
        return flow;
    }
});

general_path!(call_general, |s, Call { func, base }| {
    // SAFETY: validation bounds `func` by the instance's function count.
    let callee = unsafe { *s.st.funcs.add(func as usize) };
    let at = s.st.base + base.index() as usize;
    if !calls::call(&mut s, callee, at) {
        return Flow::Error;
    }
});

general_path!(
    call_indirect_general,
    |s, CallIndirect { ty, index, base }| {
        let aux::CallIndirect { table } = aux!(s, CallIndirect);
        skip_aux!(s);
        let Some(callee) = calls::resolve(s.st, table, ty, r!(s, index) as u32) else {
            return Flow::Error;
        };
        let at = s.st.base + base.index() as usize;
        if !calls::call(&mut s, callee, at) {
            return Flow::Error;
        }
    }
);

/// One handler per line for binary operations with only a slot form:
/// `binary_handlers! { s; I32Sub: |a, b| expr; ... }` (`s` names the handler state the
/// expressions may use, e.g. to trap).
macro_rules! binary_handlers {
    ($s:ident; $($name:ident: |$a:ident, $b:ident| $e:expr;)*) => {$(
        handler!(|$s, $name { dst, lhs, rhs }| {
            bin!($s, dst, lhs, rhs, |$a, $b| $e);
        });
    )*};
}

/// One handler per line for unary operations: `unary_handlers! { s; I32Clz: |x| expr; ... }`.
macro_rules! unary_handlers {
    ($s:ident; $($name:ident: |$x:ident| $e:expr;)*) => {$(
        handler!(|$s, $name { dst, src }| {
            un!($s, dst, src, |$x| $e);
        });
    )*};
}

// The handlers, by category. Each file defines one handler per instruction of its category.
mod compare;
mod control;
mod convert;
mod data;
mod float;
mod int;
mod memory;
mod table;

/// Builds the handler table from the instruction list: entry `tag` is the handler named after
/// the instruction with that tag, so an instruction without a handler fails to compile.
macro_rules! handler_table {
    ($( $(#[$attr:meta])* $name:ident { $($operands:tt)* } $(aux { $($aux:tt)* })? ;)*) => {
        /// Handlers indexed by instruction tag.
        pub(super) static HANDLERS: [Handler; COUNT] = [$(handler_of::$name),*];
    };
}

/// Every handler by its instruction's name, apart from the names of `Instr`'s variants.
mod handler_of {
    pub(super) use super::compare::*;
    pub(super) use super::control::*;
    pub(super) use super::convert::*;
    pub(super) use super::data::*;
    pub(super) use super::float::*;
    pub(super) use super::int::*;
    pub(super) use super::memory::*;
    pub(super) use super::table::*;
}

for_each_instr!(handler_table);

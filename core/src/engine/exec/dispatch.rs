//! How control passes from one instruction's handler to the next.
//!
//! Each handler receives the hot state as arguments (instruction pointer, frame pointer, memory
//! base and length: they stay in machine registers) and everything else through [`Exec`].
//! With `wrt_tail_dispatch` (set by build.rs for optimised x86_64/aarch64 builds, where LLVM turns
//! a call in tail position with an identical signature into a jump) a handler ends by calling the
//! next handler directly: every handler has its own indirect jump, which branch predictors learn
//! far better than the single jump of a `match` loop. Without it (debug builds, other targets)
//! handlers return to [`run`]'s loop, so the host stack never grows with the instruction count.
//! `tests/check-tail-dispatch.py` checks the optimised binary: no handler may *call* another.

use alloc::vec::Vec;

use super::Frame;
use crate::engine::ir::Instr;
use crate::engine::translate::CompiledFunc;
use crate::error::{Error, Result, TrapCode};
use crate::runtime::{GlobalEntity, StoreInner};
use crate::value::Cell;

/// What a handler reports when it does not pass control on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Flow {
    /// Loop dispatch only: `Exec::hot` holds the next instruction.
    #[cfg_attr(wrt_tail_dispatch, allow(dead_code))]
    Continue,
    /// The outermost frame returned; results are at the start of the stack.
    Done,
    /// Execution stopped; the reason is in `Exec::error`.
    Error,
}

/// The state handlers keep in registers.
#[derive(Clone, Copy)]
pub(super) struct Regs {
    pub(super) ip: *const Instr,
    pub(super) regs: *mut Cell,
    pub(super) mem: *mut u8,
}

/// The slower-changing state of one execution. Handlers reach it through one pointer.
pub(super) struct Exec {
    /// The store's internals; no reference to them is held across a host call.
    pub(super) inner: *mut StoreInner,
    /// The whole `Store<T>`, type-erased, for host calls (see `host`).
    pub(super) store: *mut (),
    /// Calls a host function of this store's type (`super::call_host::<T>`).
    pub(super) host: super::HostCaller,
    pub(super) stack: *mut Vec<Cell>,
    pub(super) frames: *mut Vec<Frame>,
    /// The current function.
    pub(super) code: *const CompiledFunc,
    /// The current frame's first slot, as a stack index.
    pub(super) base: usize,
    pub(super) instance: u32,
    /// Store index of the current instance's memory 0 (`usize::MAX`: none).
    pub(super) mem: usize,
    /// Bounds of that memory (`hot.mem` points at its start): entry `k` is the number of
    /// addresses at which an access of `2^k` bytes fits, `len - (2^k - 1)` or 0, so an access
    /// checks `ea < limit` in one comparison (see [`Exec::limit`]); entry 0 is the length.
    /// Handlers compare against these in memory rather than keep the length in a register (see
    /// [`Handler`]).
    pub(super) mem_limits: [u64; 4],
    /// The current instance's function and global index tables, and the store's globals.
    pub(super) funcs: *const u32,
    pub(super) globals: *const u32,
    pub(super) global_cells: *mut GlobalEntity,
    /// The current instance's first defined global in the store's globals; its defined globals
    /// follow it contiguously (`InstanceEntity::own_globals`).
    pub(super) own_globals: *mut GlobalEntity,
    /// The current instance's table 0: its elements and their number (null and 0 without
    /// one), for `call_indirect`'s fast path. Recomputed with the other caches, and after
    /// `table.grow` (the only way a table's elements move during execution besides host calls).
    pub(super) table0: *const Cell,
    pub(super) table0_len: usize,
    /// The current instance's signature ids, one per type of its module (`InstanceEntity::sigs`).
    pub(super) sigs: *const u32,
    /// `calls::frame_limit`: fewer frames than this leave room for one more, both in `frames`'
    /// capacity and under the call depth limit. Recomputed with the other caches and when
    /// `frames` grows.
    pub(super) frame_limit: usize,
    /// Call depth of the host frames below this execution.
    pub(super) depth0: usize,
    pub(super) max_depth: usize,
    pub(super) max_stack: usize,
    /// Why execution stopped, when a handler returns `Flow::Error`.
    pub(super) error: Option<Error>,
    /// Where the hot state is parked: between loop iterations, and by slow paths that move it.
    pub(super) hot: Regs,
}

impl Exec {
    /// Recomputes the cached views of the current frame and instance into `self.hot` (keeping
    /// `hot.ip`): after a call or return into another instance, a host call, a memory grow or a
    /// table grow.
    #[inline(never)]
    pub(super) fn refresh(&mut self) {
        // SAFETY: `inner` and `stack` are valid for the whole execution (see `execute`), and no
        // other reference to them is live while a handler runs this.
        let (inner, stack) = unsafe { (&mut *self.inner, &mut *self.stack) };
        self.hot.regs = stack[self.base..].as_mut_ptr();
        self.global_cells = inner.globals.as_mut_ptr();
        self.own_globals = self.global_cells;
        (self.table0, self.table0_len) = (core::ptr::null(), 0);
        self.frame_limit = super::calls::frame_limit(self);
        let Some(inst) = inner.instances.get(self.instance as usize) else {
            return;
        };
        self.funcs = inst.funcs.as_ptr();
        self.globals = inst.globals.as_ptr();
        self.sigs = inst.sigs.as_ptr();
        let table0 = inst
            .tables
            .first()
            .and_then(|&t| inner.tables.get(t as usize));
        (self.table0, self.table0_len) = match table0 {
            Some(t) => (t.elements.as_ptr(), t.elements.len()),
            None => (core::ptr::null(), 0),
        };
        if let Some(own) = inner.globals.get_mut(inst.own_globals as usize..) {
            self.own_globals = own.as_mut_ptr();
        }
        self.mem = inst.memories.first().map_or(usize::MAX, |&m| m as usize);
        let len = match inner.memories.get_mut(self.mem) {
            Some(m) => {
                self.hot.mem = m.data.as_mut_ptr();
                m.data.len()
            }
            None => {
                self.hot.mem = core::ptr::NonNull::dangling().as_ptr();
                0
            }
        };
        for (k, limit) in self.mem_limits.iter_mut().enumerate() {
            *limit = (len as u64).saturating_sub((1 << k) - 1);
        }
    }

    /// Accesses of `n` bytes (1, 2, 4 or 8) at addresses below this lie inside memory 0.
    #[inline(always)]
    pub(super) fn limit(&self, n: u64) -> u64 {
        self.mem_limits[n.trailing_zeros() as usize & 3]
    }

    /// The length in bytes of memory 0.
    #[inline(always)]
    pub(super) fn mem_len(&self) -> u64 {
        self.mem_limits[0]
    }

    /// Records why execution stops.
    #[cold]
    #[inline(never)]
    pub(super) fn fail(&mut self, error: Error) -> Flow {
        self.error = Some(error);
        Flow::Error
    }

    /// Records a trap. Takes only the code so the hot path never holds an `Error`.
    #[cold]
    #[inline(never)]
    pub(super) fn trap(&mut self, code: TrapCode) -> Flow {
        self.fail(Error::trap(code))
    }

    /// Stores a slow path's failure and reports whether it succeeded.
    #[inline(always)]
    pub(super) fn ok(&mut self, r: Result<()>) -> bool {
        match r {
            Ok(()) => true,
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }
}

/// An instruction handler.
///
/// Every argument stays live in a register through every handler, since each passes it on; so
/// the arguments are only what nearly every handler needs. The memory length lives in
/// [`Exec::mem_limits`] rather than in an argument: with one register fewer, many handlers
/// saved and restored a callee-saved one (the comparisons' `setcc` needs a zeroed register).
///
/// The two [`Free`] arguments are never defined: on x86-64 they hold the places of `rdx` and
/// `rcx`, which division (`rdx:rax`) and variable shifts (`cl`) must use, so no handler moves a
/// live value out of the way and back. Elsewhere they are empty and take no register.
pub(super) type Handler = unsafe fn(
    ip: *const Instr,
    regs: *mut Cell,
    free_dx: Free,
    free_cx: Free,
    mem: *mut u8,
    st: &mut Exec,
) -> Flow;

/// An argument of [`Handler`] that only reserves its register (see there).
#[cfg(target_arch = "x86_64")]
pub(super) type Free = core::mem::MaybeUninit<usize>;
/// Elsewhere an empty value, which takes no register.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy)]
pub(super) struct Free;

/// The (undefined) value of a [`Free`] argument.
#[inline(always)]
pub(super) const fn free() -> Free {
    #[cfg(target_arch = "x86_64")]
    return core::mem::MaybeUninit::uninit();
    #[cfg(not(target_arch = "x86_64"))]
    return Free;
}

/// The handler state inside one handler: the hot registers plus the execution.
pub(super) struct Hot<'a> {
    pub(super) ip: *const Instr,
    pub(super) regs: *mut Cell,
    pub(super) mem: *mut u8,
    pub(super) st: &'a mut Exec,
}

impl Hot<'_> {
    /// Takes the cached views `Exec::refresh` computed.
    #[inline(always)]
    pub(super) fn reload(&mut self) {
        self.regs = self.st.hot.regs;
        self.mem = self.st.hot.mem;
    }
}

/// The instruction's tag: `Instr` is `repr(u16)`, so the tag is its first two bytes.
#[inline(always)]
pub(super) const fn tag(instr: &Instr) -> u16 {
    // SAFETY: a `repr(u16)` enum starts with its `u16` discriminant (RFC 2195).
    unsafe { *(instr as *const Instr as *const u16) }
}

/// Runs the handler of the instruction at `ip`.
///
/// # Safety
/// `ip` points at an instruction of the current function (`st.code`), `regs` at the current
/// frame, `mem` points at the current instance's memory 0 (`st.mem_len()` bytes).
#[inline(always)]
pub(super) unsafe fn dispatch(
    ip: *const Instr,
    regs: *mut Cell,
    mem: *mut u8,
    st: &mut Exec,
) -> Flow {
    // SAFETY: `ip` points at an instruction (caller's contract).
    let tag = tag(unsafe { &*ip });
    // SAFETY: `HANDLERS` has an entry for every tag (built from the exhaustive list of
    // instructions in handlers.rs, checked by `handlers::every_instruction_has_a_handler`).
    let handler = unsafe { *super::handlers::HANDLERS.get_unchecked(tag as usize) };
    // SAFETY: the handler for `tag` expects exactly this instruction; the rest is the caller's.
    unsafe { handler(ip, regs, free(), free(), mem, st) }
}

/// Runs from `st.hot` until the outermost frame returns or something stops execution.
pub(super) fn run(st: &mut Exec) -> Flow {
    #[cfg(wrt_tail_dispatch)]
    {
        let h = st.hot;
        // SAFETY: `execute` set `st.hot` up for the entry function (see `dispatch`).
        unsafe { dispatch(h.ip, h.regs, h.mem, st) }
    }
    #[cfg(not(wrt_tail_dispatch))]
    loop {
        let h = st.hot;
        // SAFETY: as above; handlers park the next state in `st.hot` before `Continue`.
        match unsafe { dispatch(h.ip, h.regs, h.mem, st) } {
            Flow::Continue => {}
            other => return other,
        }
    }
}

/// Passes control to the next instruction (`$s.ip`).
#[cfg(wrt_tail_dispatch)]
macro_rules! next {
    ($s:ident) => {
        // SAFETY: handlers keep `Hot` valid for the next instruction (see `dispatch`).
        return unsafe { $crate::engine::exec::dispatch::dispatch($s.ip, $s.regs, $s.mem, $s.st) }
    };
}
#[cfg(not(wrt_tail_dispatch))]
macro_rules! next {
    ($s:ident) => {{
        $s.st.hot = $crate::engine::exec::dispatch::Regs {
            ip: $s.ip,
            regs: $s.regs,
            mem: $s.mem,
        };
        return $crate::engine::exec::dispatch::Flow::Continue;
    }};
}
pub(super) use next;

//! Translation of validated wasm function bodies into the slot-based IR.
//!
//! The translator mirrors wasm's operand stack at compile time. Each stack entry is either a value
//! already in its *canonical* slot (`num_locals + position`), or a deferred `local.get` or
//! constant that is read from where it already lives. Deferring lets `local.get a; local.get b;
//! i32.add; local.set c` become a single `I32Add { dst: c, lhs: a, rhs: b }`.
//!
//! Invariants that keep this correct:
//! - before a local is written, every deferred read of it on the stack is materialised;
//! - at block entry every deferred local read is materialised, so all paths into a merge point
//!   agree on where each value lives; block parameters and results always sit in canonical slots;
//! - branch values are copied in ascending order into slots at or below their sources.

use alloc::vec::Vec;

use wasmparser::{
    BlockType, FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    ValidatorResources,
};

use super::fuse::{self, Cmp, Compare, Rhs};
use super::ir::{Instr, Slot, GLOBAL_STRIDE};
use crate::error::{internal, Error, Result};
use crate::module::{invalid, locals_error, operator_error, operator_read_error, ModuleInner};

/// A translated function body, ready to run.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    pub(crate) instrs: alloc::boxed::Box<[Instr]>,
    pub(crate) num_params: u32,
    /// Parameters plus declared locals.
    pub(crate) num_locals: u32,
    /// Constants the body reads; copied into the slots right after the locals on entry.
    pub(crate) consts: alloc::boxed::Box<[u64]>,
    /// Slots the frame needs: locals plus the deepest operand stack.
    pub(crate) frame_size: u32,
    /// Entering needs no slot initialisation: no declared locals and no constants (one test
    /// for the call fast path).
    pub(crate) bare: bool,
}

impl CompiledFunc {
    /// Heap bytes the translated function occupies (its box and its two arrays): what a store's
    /// budget is charged for it, in the `code` category.
    pub(crate) fn heap_bytes(&self) -> u64 {
        use core::mem::size_of;
        (size_of::<CompiledFunc>()
            + self.instrs.len() * size_of::<Instr>()
            + self.consts.len() * size_of::<u64>()) as u64
    }
}

/// Buffers reused across the functions of a module.
#[derive(Default)]
pub(crate) struct FuncTranslatorAllocs {
    instrs: Vec<Instr>,
    stack: Vec<Operand>,
    ctrls: Vec<Ctrl>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    /// In its canonical slot.
    Temp,
    /// The current value of a local (deferred `local.get`).
    Local(u32),
    /// A constant (deferred `*.const`).
    Const(u64),
}

/// See `Translator::last_global_set`.
#[derive(Debug, Clone, Copy)]
struct GlobalSetMemo {
    /// The `global.set` instruction.
    at: usize,
    global: u32,
    value: Operand,
    /// Stack height after the pop: a `Temp` value is still in `canonical(height)`.
    height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CtrlKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    /// Operand stack height below the block's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// Loop header (branch target of a loop).
    start: u32,
    /// Branches to the end of this block, patched when the end is reached.
    fixups: Vec<u32>,
    /// For `if`: the conditional branch to the else arm (or the end).
    else_fixup: Option<u32>,
}

fn malformed(e: wasmparser::BinaryReaderError) -> Error {
    crate::module::reader_error(e)
}

/// Validates a function body without translating it, for lazy translation: `Module::new` calls
/// this for every body so that an invalid module is still rejected there, and
/// [`translate_function`] runs later, without a validator, on the first call.
///
/// Nothing that translation can reject may be left for that first call. These are the errors
/// `translate_function` (and the `translate` it drives) can return, and why none can occur for a
/// body this function accepted:
/// - decoding errors (malformed) and validation errors: the same bytes were decoded and validated
///   here, with the same features;
/// - "function has no type", "unknown type" of a block: validation checks every type index;
/// - an unsupported operator (the last arm of `Translator::translate`): every operator wasmparser
///   accepts under [`crate::module::features`] has an arm there (the MVP, sign extension,
///   saturating float-to-int, bulk memory, reference types and tail calls; `TypedSelectMulti` is
///   never valid). A proposal added to `features()` must add its operators to `translate`, and
///   the spec testsuite, run both lazily and eagerly, checks it did;
/// - "multiple memories" and "64-bit memory offsets" (`mem_offset`): without multi-memory the
///   reader gives every access memory 0, and without memory64 the validator rejects offsets
///   above `u32::MAX`;
/// - "function frame too large", an implementation limit: checked here, see
///   [`check_frame_bound`];
/// - "a translated slot lies outside its frame": the translator's check of its own output, never
///   true for any input; were a bug to make it fire, the first call reports it as an error.
pub(crate) fn validate_function(
    to_validate: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    allocs: &mut FuncValidatorAllocations,
) -> Result<()> {
    let ty = to_validate.ty;
    let features = to_validate.features;
    // Fast path: wasmparser's own loop, which decodes operators straight into the validator, and
    // the frame bound from the body's size, which holds for every body of realistic size.
    let mut validator = to_validate.into_validator(core::mem::take(allocs));
    let fast = validator.validate(body);
    let range = body.range();
    let max_height = (range.len() as u64).saturating_mul(MAX_PUSHED_PER_OPERATOR);
    let verdict = if fast.is_ok() && check_frame_bound(validator.len_locals(), max_height).is_ok() {
        Ok(())
    } else {
        // Slow path, for an invalid body or a huge one: operator by operator, as eager
        // translation does, which tells malformed bytes from invalid code and measures the
        // operand stack. Its verdict is the one eager translation would give, so it decides.
        let retry = FuncToValidate {
            resources: validator.resources(),
            index: validator.index(),
            ty,
            features,
        };
        validate_operators(&mut retry.into_validator(Default::default()), body)
    };
    *allocs = validator.into_allocations();
    verdict
}

/// Validates a body operator by operator and checks the frame bound with the highest operand
/// stack the validator reached.
fn validate_operators<R: wasmparser::WasmModuleResources>(
    validator: &mut FuncValidator<R>,
    body: &FunctionBody<'_>,
) -> Result<()> {
    let mut reader = body.get_binary_reader();
    validator
        .read_locals(&mut reader)
        .map_err(|e| locals_error(e, body))?;
    reader.set_features(*validator.features());
    let mut max_height = 0;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader
            .read_operator()
            .map_err(|e| operator_read_error(e, body, offset))?;
        validator
            .op(offset, &op)
            .map_err(|e| operator_error(e, &op, offset))?;
        max_height = max_height.max(validator.operand_stack_height());
    }
    validator
        .finish(reader.original_position())
        .map_err(invalid)?;
    check_frame_bound(validator.len_locals(), u64::from(max_height))
}

/// The most one operator can raise the validator's operand stack: wasmparser rejects function
/// types with more than 1000 parameters or results (its `MAX_WASM_FUNCTION_PARAMS` and
/// `_RETURNS`), a call pushes its callee's results, a block's `else` and `end` reset the stack to
/// the block's height plus its parameters or results, and every other operator pushes at most
/// one value. Each operator takes at least one byte, so a body of `n` bytes never has more than
/// `1000 * n` operands.
const MAX_PUSHED_PER_OPERATOR: u64 = 1000;

/// Rejects a function whose frame could exceed the translator's slot space, from what validation
/// knows: `num_locals` (parameters included) and the highest operand stack the validator can
/// reach (`max_height`, measured or bounded).
///
/// The translator's frame is its locals, its constant pool (at most `MAX_POOLED_CONSTS`) and its
/// own operand stack, which never holds more than the validator's: in reachable code it mirrors
/// wasm's stack entry for entry, and in unreachable code it stays at the enclosing block's
/// height (where the validator's stack is cut back to, too) while the validator may push more.
/// The eager path applies this check with the measured height, and the lazy path accepts a body
/// on the bound only when the bound passes, so both accept the same modules.
fn check_frame_bound(num_locals: u32, max_height: u64) -> Result<()> {
    let bound = u64::from(num_locals)
        .saturating_add(MAX_POOLED_CONSTS as u64)
        .saturating_add(max_height);
    if bound < u64::from(TEMP_TAG) {
        Ok(())
    } else {
        Err(Error::limit("function frame too large"))
    }
}

/// Removes the fuel charges of runs that charge nothing (a label right before `end`, `return`
/// or another label opens a run of free instructions), which would cost a dispatch and charge
/// nothing. Branch targets, still instruction indices here, move with the instructions; a
/// branch to a removed charge lands on what followed it.
fn drop_empty_fuel_charges(instrs: &mut Vec<Instr>) {
    let empty = |i: &Instr| matches!(i, Instr::ConsumeFuel { amount: 0 });
    if !instrs.iter().any(empty) {
        return;
    }
    // `kept_before[i]`: how many instructions before `i` stay, i.e. `i`'s new index (or, for a
    // removed one, the new index of the next that stays).
    let mut kept_before = Vec::with_capacity(instrs.len() + 1);
    let mut kept = 0u32;
    for instr in instrs.iter() {
        kept_before.push(kept);
        kept += u32::from(!empty(instr));
    }
    kept_before.push(kept);
    instrs.retain(|i| !empty(i));
    for instr in instrs.iter_mut() {
        if let Some(target) = instr.branch_target_mut() {
            *target = kept_before.get(*target as usize).copied().unwrap_or(kept);
        }
    }
}

/// Counts a body's locals, parameters included, leaving `reader` at its first operator. For
/// bodies already validated (lazy translation), where the validator is not there to count.
fn count_locals(reader: &mut wasmparser::BinaryReader<'_>, num_params: u32) -> Result<u32> {
    let mut count = num_params;
    for _ in 0..reader.read_var_u32().map_err(malformed)? {
        let n = reader.read_var_u32().map_err(malformed)?;
        reader.read::<wasmparser::ValType>().map_err(malformed)?;
        count = count
            .checked_add(n)
            .ok_or_else(|| Error::limit("too many locals"))?;
    }
    Ok(count)
}

/// Translates one function body. With a validator (eager translation) it validates the body in
/// the same pass; without one (lazy translation) the body must have passed
/// [`validate_function`] already, which guarantees this cannot fail (see there).
pub(crate) fn translate_function(
    module: &ModuleInner,
    func_index: u32,
    mut validator: Option<&mut FuncValidator<ValidatorResources>>,
    body: &FunctionBody<'_>,
    allocs: &mut FuncTranslatorAllocs,
) -> Result<CompiledFunc> {
    let ty = module
        .func_type(func_index)
        .ok_or_else(|| internal!("function {func_index} has no type"))?
        .clone();
    let num_params = ty.params().len() as u32;
    let num_results = ty.results().len() as u32;
    let mut reader = body.get_binary_reader();
    let num_locals = match validator.as_deref_mut() {
        Some(validator) => {
            validator
                .read_locals(&mut reader)
                .map_err(|e| locals_error(e, body))?;
            validator.len_locals()
        }
        None => count_locals(&mut reader, num_params)?,
    };
    reader.set_features(crate::module::features());

    let mut t = Translator {
        module,
        instrs: core::mem::take(&mut allocs.instrs),
        stack: core::mem::take(&mut allocs.stack),
        ctrls: core::mem::take(&mut allocs.ctrls),
        num_locals,
        max_height: 0,
        reachable: true,
        dead_depth: 0,
        last_result: None,
        prev_result: None,
        last_global_set: None,
        fuel: module.fuel,
        deterministic: module.deterministic,
        fuel_at: None,
        consts: Vec::new(),
    };
    t.instrs.clear();
    t.stack.clear();
    t.ctrls.clear();
    t.ctrls.push(Ctrl {
        kind: CtrlKind::Function,
        height: 0,
        params: 0,
        results: num_results,
        start: 0,
        fixups: Vec::new(),
        else_fixup: None,
    });
    t.begin_fuel_block();

    let mut max_height = 0;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader
            .read_operator()
            .map_err(|e| operator_read_error(e, body, offset))?;
        if let Some(validator) = validator.as_deref_mut() {
            validator
                .op(offset, &op)
                .map_err(|e| operator_error(e, &op, offset))?;
            max_height = max_height.max(validator.operand_stack_height());
        }
        t.translate(op)?;
    }
    if let Some(validator) = validator {
        validator
            .finish(reader.original_position())
            .map_err(invalid)?;
        check_frame_bound(num_locals, u64::from(max_height))?;
    }

    if t.fuel {
        drop_empty_fuel_charges(&mut t.instrs);
    }

    // Frame layout: locals, then the constant pool, then the operand stack.
    let num_consts = t.consts.len() as u32;
    let temps_start = num_locals + num_consts;
    let frame_size = temps_start
        .checked_add(t.max_height)
        .filter(|&size| size < TEMP_TAG)
        .ok_or_else(|| Error::limit("function frame too large"))?;
    // Resolve placeholders, and check every slot is inside the frame: the interpreter's
    // unchecked register access relies on it.
    let resolve = |slot: &mut Slot| {
        if *slot & TEMP_TAG != 0 {
            *slot = temps_start + (*slot & !TEMP_TAG);
        } else if *slot & CONST_TAG != 0 {
            *slot = num_locals + (*slot & !CONST_TAG);
        }
    };
    let mut out_of_frame = false;
    let mut after_select = false;
    for (at, instr) in t.instrs.iter_mut().enumerate() {
        if let Some(target) = instr.branch_target_mut() {
            *target = relative_target(at, *target)
                .ok_or_else(|| Error::limit("function body too large"))?;
        }
        match instr {
            // The condition of a select travels in the Aux that follows it.
            Instr::Aux { a, .. } if after_select => {
                resolve(a);
                out_of_frame |= *a >= frame_size;
            }
            // Slots that start a range (call arguments, returned values) may sit at the
            // frame's end when the range is empty; the callee's frame is checked on entry.
            Instr::Call { .. }
            | Instr::ReturnCall { .. }
            | Instr::CallIndirect { .. }
            | Instr::ReturnCallIndirect { .. } => {
                instr.for_each_slot_mut(resolve);
                match *instr {
                    Instr::Call { base, .. } | Instr::ReturnCall { base, .. } => {
                        out_of_frame |= base > frame_size;
                    }
                    Instr::CallIndirect { base, index, .. }
                    | Instr::ReturnCallIndirect { base, index, .. } => {
                        out_of_frame |= base > frame_size || index >= frame_size;
                    }
                    _ => {}
                }
            }
            Instr::Return { src, count } => {
                resolve(src);
                out_of_frame |= u64::from(*src) + u64::from(*count) > u64::from(frame_size);
            }
            _ => instr.for_each_slot_mut(|slot| {
                resolve(slot);
                out_of_frame |= *slot >= frame_size;
            }),
        }
        after_select = matches!(instr, Instr::Select { .. });
    }
    if out_of_frame {
        return Err(internal!("a translated slot lies outside its frame"));
    }
    let compiled = CompiledFunc {
        instrs: t.instrs.as_slice().into(),
        bare: num_locals == num_params && t.consts.is_empty(),
        consts: t.consts.as_slice().into(),
        num_params,
        num_locals,
        frame_size,
    };
    allocs.instrs = t.instrs;
    allocs.stack = t.stack;
    allocs.ctrls = t.ctrls;
    Ok(compiled)
}

/// The operands of `instr` if it is an `and` with an immediate (`i64` when `wide`) into `dst`.
fn and_imm(instr: &Instr, dst: Slot, wide: bool) -> Option<(Slot, i32)> {
    match *instr {
        Instr::I32AndImm { dst: d, lhs, imm } if !wide && d == dst => Some((lhs, imm)),
        Instr::I64AndImm { dst: d, lhs, imm } if wide && d == dst => Some((lhs, imm)),
        _ => None,
    }
}

/// The branch target of the instruction at index `at`, given as an instruction index, as the
/// interpreter takes it: the signed distance in bytes from the branch to its target, two's
/// complement in a `u32` (`None` if it does not fit an `i32`).
fn relative_target(at: usize, target: u32) -> Option<u32> {
    let at = i64::try_from(at).ok()?;
    let bytes = (i64::from(target) - at).checked_mul(core::mem::size_of::<Instr>() as i64)?;
    i32::try_from(bytes).ok().map(|d| d as u32)
}

struct Translator<'m> {
    module: &'m ModuleInner,
    instrs: Vec<Instr>,
    stack: Vec<Operand>,
    ctrls: Vec<Ctrl>,
    num_locals: u32,
    max_height: u32,
    reachable: bool,
    /// Nesting depth of blocks opened inside unreachable code (skipped entirely).
    dead_depth: u32,
    /// The last emitted instruction, when its only effect is writing the top temp.
    last_result: Option<usize>,
    /// The value instruction `last_result` was emitted right after, if any (for fusing
    /// `eqz(compare)` into one branch).
    prev_result: Option<usize>,
    /// The last emitted instruction when it is a `global.set`: what it stored and the stack
    /// height it was popped at, so a `global.get` of that global right after (the same
    /// straight-line run, nothing emitted since) takes the stored operand instead.
    last_global_set: Option<GlobalSetMemo>,
    /// Charge fuel (see `fuel_cost`).
    fuel: bool,
    /// Canonicalise NaN results of float instructions.
    deterministic: bool,
    /// The `ConsumeFuel` of the current straight-line run.
    fuel_at: Option<usize>,
    /// The constant pool.
    consts: Vec<u64>,
}

/// Placeholder tags of slots whose final index is known only at the end of a function.
const TEMP_TAG: Slot = 1 << 31;
const CONST_TAG: Slot = 1 << 30;
/// Constants beyond this many are written by instructions instead (the pool is copied on
/// every call, and is searched linearly while translating).
const MAX_POOLED_CONSTS: usize = 64;

/// Fuel cost of one wasm instruction, charged when the straight-line run containing it starts.
/// Structure markers are free; calls pay for frame setup; everything else costs 1. Bulk memory,
/// table and grow operations add a charge proportional to their size when they execute.
pub(crate) fn fuel_cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Block { .. } | Operator::Loop { .. } | Operator::End | Operator::Else => 0,
        Operator::Call { .. }
        | Operator::CallIndirect { .. }
        | Operator::ReturnCall { .. }
        | Operator::ReturnCallIndirect { .. } => CALL_FUEL,
        _ => 1,
    }
}

/// Fuel of a call instruction.
pub(crate) const CALL_FUEL: u32 = 5;

impl Translator<'_> {
    // ---------- helpers ----------

    /// The slot of operand-stack position `pos`. Until the function is finished this is a
    /// tagged placeholder (see `TEMP_TAG`), resolved once the constant pool's size is known.
    fn canonical(&self, pos: u32) -> Slot {
        TEMP_TAG | pos
    }

    /// The pool slot holding constant `val` (a tagged placeholder until the end).
    fn const_slot(&mut self, val: u64) -> Slot {
        let k = match self.consts.iter().position(|&c| c == val) {
            Some(k) => k,
            None => {
                self.consts.push(val);
                self.consts.len() - 1
            }
        };
        CONST_TAG | k as u32
    }

    /// For a global the module defines (not imports), its offset from the first of them (see
    /// `Instr::GlobalGetOwn`).
    fn own_global(&self, global: u32) -> Option<u32> {
        global
            .checked_sub(self.module.num_imported_globals)?
            .checked_mul(GLOBAL_STRIDE)
    }

    /// The operand `global.set global` just stored, when it was the last instruction emitted,
    /// nothing can branch in between (`forget_results` runs at every label) and the operand is
    /// still where it was: a `Temp` in the canonical slot of the current height, which nothing
    /// has written since; a `Local`, which would need an emitted instruction to change.
    fn just_stored(&self, global: u32) -> Option<Operand> {
        let memo = self.last_global_set?;
        (memo.global == global
            && memo.at + 1 == self.instrs.len()
            && memo.height == self.height()
            && matches!(
                self.instrs[memo.at],
                Instr::GlobalSet { .. }
                    | Instr::GlobalSetOwn { .. }
                    | Instr::GlobalAddImm32Own { .. }
                    | Instr::GlobalAddImm64Own { .. }
            ))
        .then_some(memo.value)
    }

    fn global_set(&mut self, global: u32) {
        let (operand, pos) = self.pop();
        let own = self.own_global(global);
        // `global.set $a (global.get $b)` of two defined globals: one copy.
        if let (Operand::Temp, Some(dst)) = (operand, own) {
            let slot = self.canonical(pos);
            if let Some(idx) = self.adjacent_result(slot) {
                if let Instr::GlobalGetOwn { dst: read, offset } = self.instrs[idx] {
                    if read == slot {
                        self.instrs.pop();
                        self.emit(Instr::GlobalCopyOwn { dst, src: offset });
                        return;
                    }
                }
            }
        }
        if let (Operand::Temp, Some(offset)) = (operand, own) {
            if let Some(at) = self.take_global_add_imm(self.canonical(pos), offset) {
                self.last_global_set = Some(GlobalSetMemo {
                    at,
                    global,
                    value: operand,
                    height: pos,
                });
                return;
            }
        }
        let src = self.slot_of(operand, pos);
        let at = self.emit(match own {
            Some(offset) => Instr::GlobalSetOwn { src, offset },
            None => Instr::GlobalSet { src, global },
        }) as usize;
        self.last_global_set = Some(GlobalSetMemo {
            at,
            global,
            value: operand,
            height: pos,
        });
    }

    /// `global.set $g (i32.add (global.get $g) (i32.const C))` (also `i64`, and `sub`, which
    /// arrives as an add of `-C`) of a defined global, just emitted as a read into `slot`, an add
    /// in place and the store: replaces the read and the add with one instruction that adds to
    /// the global and also leaves the sum in `slot`. Returns where that instruction is.
    fn take_global_add_imm(&mut self, slot: Slot, offset: u32) -> Option<usize> {
        let add = self.adjacent_result(slot)?;
        let read = self.prev_result.filter(|&p| p + 1 == add)?;
        let (dst, lhs, imm, wide) = match self.instrs[add] {
            Instr::I32AddImm { dst, lhs, imm } => (dst, lhs, imm, false),
            Instr::I64AddImm { dst, lhs, imm } => (dst, lhs, imm, true),
            _ => return None,
        };
        let Instr::GlobalGetOwn {
            dst: got,
            offset: read_at,
        } = self.instrs[read]
        else {
            return None;
        };
        if dst != slot || lhs != slot || got != slot || read_at != offset {
            return None;
        }
        self.instrs.truncate(read);
        self.forget_results();
        let fused = if wide {
            Instr::GlobalAddImm64Own { dst, offset, imm }
        } else {
            Instr::GlobalAddImm32Own { dst, offset, imm }
        };
        Some(self.emit(fused) as usize)
    }

    fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    fn pc(&self) -> u32 {
        self.instrs.len() as u32
    }

    fn emit(&mut self, instr: Instr) -> u32 {
        self.forget_results();
        self.instrs.push(instr);
        self.pc() - 1
    }

    fn emit_result(&mut self, instr: Instr) {
        self.prev_result = self.last_result.filter(|&idx| idx + 1 == self.instrs.len());
        self.instrs.push(instr);
        self.last_result = Some(self.instrs.len() - 1);
    }

    /// Forgets the value instructions just emitted: the next instruction may be reached
    /// other than from them, or reads their results from somewhere else.
    fn forget_results(&mut self) {
        self.last_result = None;
        self.prev_result = None;
        self.last_global_set = None;
    }

    fn push(&mut self, operand: Operand) {
        self.stack.push(operand);
        self.max_height = self.max_height.max(self.height());
    }

    /// Pushes a value produced into its canonical slot and returns that slot.
    fn push_temp(&mut self) -> Slot {
        let slot = self.canonical(self.height());
        self.push(Operand::Temp);
        slot
    }

    fn pop(&mut self) -> (Operand, u32) {
        let operand = self.stack.pop().unwrap_or(Operand::Temp);
        (operand, self.height())
    }

    /// Pops an operand and returns a slot holding its value (materialising constants).
    fn pop_slot(&mut self) -> Slot {
        let (operand, pos) = self.pop();
        self.slot_of(operand, pos)
    }

    fn slot_of(&mut self, operand: Operand, pos: u32) -> Slot {
        match operand {
            Operand::Temp => self.canonical(pos),
            Operand::Local(i) => i,
            Operand::Const(val) => {
                if self.consts.len() < MAX_POOLED_CONSTS {
                    return self.const_slot(val);
                }
                let dst = self.canonical(pos);
                self.emit(Instr::Const { dst, val });
                dst
            }
        }
    }

    /// Moves the operand at `pos` into its canonical slot.
    fn materialize_at(&mut self, pos: u32) {
        let Some(&operand) = self.stack.get(pos as usize) else {
            return;
        };
        let dst = self.canonical(pos);
        match operand {
            Operand::Temp => return,
            Operand::Local(src) => self.emit(Instr::Copy { dst, src }),
            Operand::Const(val) => self.emit(Instr::Const { dst, val }),
        };
        self.stack[pos as usize] = Operand::Temp;
    }

    /// Materialises the top `n` operands.
    fn materialize_top(&mut self, n: u32) {
        let h = self.height();
        for pos in h.saturating_sub(n)..h {
            self.materialize_at(pos);
        }
    }

    /// Materialises every deferred read of local `local` (or of any local if `None`).
    fn materialize_locals(&mut self, local: Option<u32>) {
        for pos in 0..self.height() {
            if let Operand::Local(i) = self.stack[pos as usize] {
                if local.is_none_or(|l| l == i) {
                    self.materialize_at(pos);
                }
            }
        }
    }

    /// Emits the copies that put the top `n` operands into the `n` slots starting at `dst`,
    /// without changing the compile-time stack (the copies may sit on a conditional path).
    fn emit_copies(&mut self, dst: Slot, n: u32) {
        let h = self.height();
        for k in 0..n {
            let pos = h - n + k;
            let target = dst + k;
            match self.stack[pos as usize] {
                Operand::Temp => {
                    let src = self.canonical(pos);
                    if src != target {
                        self.emit(Instr::Copy { dst: target, src });
                    }
                }
                Operand::Local(src) => {
                    self.emit(Instr::Copy { dst: target, src });
                }
                Operand::Const(val) => {
                    self.emit(Instr::Const { dst: target, val });
                }
            }
        }
    }

    fn copies_needed(&self, dst: Slot, n: u32) -> bool {
        let h = self.height();
        (0..n).any(|k| {
            let pos = h - n + k;
            self.stack[pos as usize] != Operand::Temp || self.canonical(pos) != dst + k
        })
    }

    fn block_arity(&self, ty: BlockType) -> Result<(u32, u32)> {
        Ok(match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(idx) => {
                let ty = self
                    .module
                    .types
                    .get(idx as usize)
                    .ok_or_else(|| internal!("unknown type {idx}"))?;
                (ty.params().len() as u32, ty.results().len() as u32)
            }
        })
    }

    fn func_arity(&self, func: u32) -> (u32, u32) {
        self.module
            .func_type(func)
            .map(|t| (t.params().len() as u32, t.results().len() as u32))
            .unwrap_or((0, 0))
    }

    fn type_arity(&self, ty: u32) -> (u32, u32) {
        self.module
            .types
            .get(ty as usize)
            .map(|t| (t.params().len() as u32, t.results().len() as u32))
            .unwrap_or((0, 0))
    }

    fn patch(&mut self, at: u32, target: u32) {
        if let Some(t) = self
            .instrs
            .get_mut(at as usize)
            .and_then(Instr::branch_target_mut)
        {
            *t = target;
        }
    }

    /// The value instruction just emitted, when the temporary `slot` (no local) may hold its
    /// result: the one case where a consumer may take that instruction back and fuse it.
    fn adjacent_result(&self, slot: Slot) -> Option<usize> {
        let idx = self.last_result?;
        (idx + 1 == self.instrs.len() && slot >= self.num_locals).then_some(idx)
    }

    /// Takes back the comparison just emitted into `cond`, so the branch consuming it can
    /// compare and jump in one instruction.
    fn take_compare(&mut self, cond: Slot) -> Option<Compare> {
        let idx = self.adjacent_result(cond)?;
        let Some((dst, compare)) = fuse::compare_of(&self.instrs[idx]) else {
            // `br_if (i32.and x C)`: test the bits.
            let (lhs, mask) = and_imm(&self.instrs[idx], cond, false)?;
            self.instrs.pop();
            self.forget_results();
            return Some(Compare::Test {
                wide: false,
                lhs,
                mask,
                zero: false,
            });
        };
        if dst != cond {
            return None;
        }
        let prev = self.prev_result;
        self.instrs.pop();
        self.forget_results();
        // `eqz` of a comparison whose result nothing else reads (a temporary, not a local):
        // branch on the comparison itself, negated.
        if let Compare::Int {
            cmp: Cmp::Eq,
            wide: false,
            lhs: inner_dst,
            rhs: Rhs::Imm(0),
        } = compare
        {
            let inner = prev
                .filter(|&p| p + 1 == self.instrs.len() && inner_dst >= self.num_locals)
                .and_then(|p| fuse::compare_of(&self.instrs[p]))
                .filter(|&(dst, _)| dst == inner_dst);
            if let Some((_, inner)) = inner {
                self.instrs.pop();
                return Some(inner.negate());
            }
        }
        // `(x & C) == 0` or `!= 0` of an `and` whose result nothing else reads: test the bits.
        if let Compare::Int {
            cmp: cmp @ (Cmp::Eq | Cmp::Ne),
            wide,
            lhs: masked,
            rhs: Rhs::Imm(0),
        } = compare
        {
            let and = prev
                .filter(|&p| p + 1 == self.instrs.len() && masked >= self.num_locals)
                .and_then(|p| and_imm(&self.instrs[p], masked, wide));
            if let Some((lhs, mask)) = and {
                self.instrs.pop();
                return Some(Compare::Test {
                    wide,
                    lhs,
                    mask,
                    zero: cmp == Cmp::Eq,
                });
            }
        }
        Some(compare)
    }

    /// Emits a branch to `target` taken when `cond` (or the fused comparison) is `when`.
    fn emit_cond_branch(
        &mut self,
        cond: Slot,
        fused: Option<Compare>,
        when: bool,
        target: u32,
    ) -> u32 {
        match fused {
            Some(c) => {
                let c = if when { c } else { c.negate() };
                self.emit(fuse::branch_on(c, target))
            }
            None if when => self.emit(Instr::BrIfNez { cond, target }),
            None => self.emit(Instr::BrIfEqz { cond, target }),
        }
    }

    /// Starts a new straight-line run: code here can be reached other than by falling through.
    /// Returns where the run starts, which is where branches to it must land.
    fn begin_fuel_block(&mut self) -> u32 {
        if !self.fuel {
            return self.pc();
        }
        if let Some(at) = self.fuel_at {
            // An empty run that nothing was emitted after serves as the new one.
            if at + 1 == self.instrs.len()
                && matches!(self.instrs[at], Instr::ConsumeFuel { amount: 0 })
            {
                return at as u32;
            }
        }
        self.instrs.push(Instr::ConsumeFuel { amount: 0 });
        self.fuel_at = Some(self.instrs.len() - 1);
        self.forget_results();
        self.pc() - 1
    }

    fn charge_fuel(&mut self, cost: u32) {
        if let Some(Instr::ConsumeFuel { amount }) =
            self.fuel_at.and_then(|at| self.instrs.get_mut(at))
        {
            *amount = amount.saturating_add(cost);
        }
    }

    fn mark_unreachable(&mut self) {
        self.reachable = false;
        let height = self.ctrls.last().map_or(0, |c| c.height);
        self.stack.truncate(height as usize);
    }

    // ---------- control flow ----------

    fn enter_block(&mut self, kind: CtrlKind, ty: BlockType) -> Result<()> {
        let (params, results) = self.block_arity(ty)?;
        self.materialize_locals(None);
        self.materialize_top(params);
        self.forget_results();
        let height = self.height() - params;
        self.ctrls.push(Ctrl {
            kind,
            height,
            params,
            results,
            start: self.pc(),
            fixups: Vec::new(),
            else_fixup: None,
        });
        Ok(())
    }

    /// Emits the return of the top `n` values (callers mark the code after it unreachable).
    fn emit_return(&mut self) {
        let n = self.ctrls.first().map_or(0, |c| c.results);
        if n == 1 {
            let (operand, pos) = self.pop();
            let src = self.slot_of(operand, pos);
            self.push(operand);
            self.emit(Instr::Return { src, count: 1 });
            return;
        }
        let src = self.canonical(self.height() - n);
        self.emit_copies(src, n);
        self.emit(Instr::Return { src, count: n });
    }

    /// Emits an unconditional branch to the label `depth` levels out, copying its values.
    fn emit_branch(&mut self, depth: u32) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        if self.ctrls[idx].kind == CtrlKind::Function {
            self.emit_return();
            return;
        }
        let label = &self.ctrls[idx];
        let (arity, is_loop) = match label.kind {
            CtrlKind::Loop => (label.params, true),
            _ => (label.results, false),
        };
        let dst = self.canonical(label.height);
        let start = label.start;
        self.emit_copies(dst, arity);
        if is_loop {
            self.emit(Instr::Br { target: start });
        } else {
            let at = self.emit(Instr::Br { target: 0 });
            self.ctrls[idx].fixups.push(at);
        }
    }

    fn label_needs_copies(&self, depth: u32) -> bool {
        let label = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        match label.kind {
            CtrlKind::Function => true,
            CtrlKind::Loop => self.copies_needed(self.canonical(label.height), label.params),
            _ => self.copies_needed(self.canonical(label.height), label.results),
        }
    }

    fn translate_br_if(&mut self, depth: u32) {
        let cond = self.pop_slot();
        let fused = self.take_compare(cond);
        let idx = self.ctrls.len() - 1 - depth as usize;
        if !self.label_needs_copies(depth) {
            let label = &self.ctrls[idx];
            if label.kind == CtrlKind::Loop {
                let target = label.start;
                self.emit_cond_branch(cond, fused, true, target);
            } else {
                let at = self.emit_cond_branch(cond, fused, true, 0);
                self.ctrls[idx].fixups.push(at);
            }
            self.begin_fuel_block();
            return;
        }
        let skip = self.emit_cond_branch(cond, fused, false, 0);
        self.emit_branch(depth);
        let here = self.pc();
        self.patch(skip, here);
        self.begin_fuel_block();
    }

    fn translate_br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<()> {
        let index = self.pop_slot();
        let fused_add = self.take_add_imm(index);
        let mut depths: Vec<u32> = Vec::with_capacity(targets.len() as usize + 1);
        for depth in targets.targets() {
            depths.push(depth.map_err(malformed)?);
        }
        depths.push(targets.default());
        let len = depths.len() as u32;
        self.emit(match fused_add {
            Some((index, imm)) => Instr::BrTableAddImm { index, len, imm },
            None => Instr::BrTable { index, len },
        });
        let table_start = self.pc();
        for _ in 0..len {
            self.emit(Instr::Br { target: 0 });
        }
        // Targets that need value copies get one trampoline per distinct depth.
        let mut trampolines: Vec<(u32, u32)> = Vec::new();
        for (i, &depth) in depths.iter().enumerate() {
            let entry = table_start + i as u32;
            let ctrl_idx = self.ctrls.len() - 1 - depth as usize;
            if !self.label_needs_copies(depth) {
                let label = &self.ctrls[ctrl_idx];
                if label.kind == CtrlKind::Loop {
                    let start = label.start;
                    self.patch(entry, start);
                } else {
                    self.ctrls[ctrl_idx].fixups.push(entry);
                }
                continue;
            }
            let tramp = match trampolines.iter().find(|(d, _)| *d == depth) {
                Some(&(_, at)) => at,
                None => {
                    let at = self.pc();
                    self.emit_branch(depth);
                    trampolines.push((depth, at));
                    at
                }
            };
            self.patch(entry, tramp);
        }
        Ok(())
    }

    fn translate_else(&mut self) {
        let Some(ctrl) = self.ctrls.last() else {
            return;
        };
        let (height, params, results) = (ctrl.height, ctrl.params, ctrl.results);
        if self.reachable {
            self.materialize_top(results);
            let at = self.emit(Instr::Br { target: 0 });
            if let Some(c) = self.ctrls.last_mut() {
                c.fixups.push(at);
            }
        }
        let here = self.begin_fuel_block();
        if let Some(c) = self.ctrls.last_mut() {
            c.kind = CtrlKind::Else;
            if let Some(at) = c.else_fixup.take() {
                self.patch(at, here);
            }
        }
        self.stack.truncate(height as usize);
        for _ in 0..params {
            self.push(Operand::Temp);
        }
        self.reachable = true;
        self.forget_results();
    }

    fn translate_end(&mut self) {
        if self.ctrls.len() == 1 {
            // The function body's end: return with the function's results.
            if self.reachable {
                self.emit_return();
            }
            self.ctrls.clear();
            self.reachable = false;
            return;
        }
        let Some(ctrl) = self.ctrls.pop() else {
            return;
        };
        if self.reachable {
            self.materialize_top(ctrl.results);
        }
        let reachable = self.reachable || !ctrl.fixups.is_empty() || ctrl.else_fixup.is_some();
        // Branches land on the new run's fuel charge.
        let here = if reachable {
            self.begin_fuel_block()
        } else {
            self.pc()
        };
        if let Some(at) = ctrl.else_fixup {
            self.patch(at, here);
        }
        for &at in &ctrl.fixups {
            self.patch(at, here);
        }
        self.stack.truncate(ctrl.height as usize);
        for _ in 0..ctrl.results {
            self.push(Operand::Temp);
        }
        self.reachable = reachable;
        self.forget_results();
    }

    // ---------- operators ----------

    /// In deterministic mode, canonicalises a NaN just written to the top of the stack.
    fn canonicalize(&mut self, wide: bool) {
        if !self.deterministic {
            return;
        }
        let slot = self.canonical(self.height() - 1);
        self.emit(if wide {
            Instr::CanonF64 { slot }
        } else {
            Instr::CanonF32 { slot }
        });
    }

    fn unary(&mut self, make: fn(Slot, Slot) -> Instr) {
        let src = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(make(dst, src));
    }

    fn binary(&mut self, make: fn(Slot, Slot, Slot) -> Instr) {
        let probe = make(0, 0, 0);
        let n = self.stack.len();
        if n >= 2 {
            // A constant right operand becomes an immediate.
            if let Operand::Const(v) = self.stack[n - 1] {
                if fuse::imm_form(&probe, v, 0, 0).is_some() {
                    self.stack.pop();
                    let lhs = self.pop_slot();
                    let dst = self.push_temp();
                    if let Some(instr) = fuse::imm_form(&probe, v, dst, lhs) {
                        self.emit_imm(instr);
                    }
                    return;
                }
            } else if let Operand::Const(v) = self.stack[n - 2] {
                // So does a constant left operand of a commutative operation.
                if fuse::is_commutative(&probe) && fuse::imm_form(&probe, v, 0, 0).is_some() {
                    let (operand, pos) = self.pop();
                    let lhs = self.slot_of(operand, pos);
                    self.stack.pop();
                    let dst = self.push_temp();
                    if let Some(instr) = fuse::imm_form(&probe, v, dst, lhs) {
                        self.emit_imm(instr);
                    }
                    return;
                }
            }
        }
        let rhs = self.pop_slot();
        let lhs = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(make(dst, lhs, rhs));
    }

    /// Emits `instr`, an operation with an immediate operand. An `i32.add C` of an `i32.shl x, K`
    /// just emitted into a temporary becomes one `I32ShlAddImm`.
    fn emit_imm(&mut self, instr: Instr) {
        if let Instr::I32AddImm { dst, lhs, imm } = instr {
            if let Some(idx) = self.adjacent_result(lhs) {
                if let Instr::I32ShlImm {
                    dst: shifted,
                    lhs: x,
                    imm: k,
                } = self.instrs[idx]
                {
                    if shifted == lhs {
                        self.instrs.pop();
                        self.forget_results();
                        self.emit_result(Instr::I32ShlAddImm {
                            shift: (k & 31) as u8,
                            dst,
                            lhs: x,
                            imm,
                        });
                        return;
                    }
                }
            }
        }
        self.emit_result(instr);
    }

    /// Takes back an `i32.shl K; i32.add C` (`I32ShlAddImm`) or an `i32.add` of two slots just
    /// emitted into the temporary `addr`, when the load using it as its address (`probe`,
    /// offset 0) has a form that computes that address itself. Returns that load's maker.
    fn take_address(&mut self, probe: &Instr, addr: Slot) -> Option<impl Fn(Slot) -> Instr> {
        let idx = self.adjacent_result(addr)?;
        let wide = match probe {
            Instr::Load32 { .. } => false,
            Instr::Load64 { .. } => true,
            _ => return None,
        };
        let instr = self.instrs[idx];
        match instr {
            Instr::I32ShlAddImm { dst, .. } | Instr::I32Add { dst, .. } if dst == addr => {}
            _ => return None,
        }
        self.instrs.pop();
        self.forget_results();
        Some(move |dst| match instr {
            Instr::I32ShlAddImm {
                shift,
                lhs: base,
                imm,
                ..
            } if wide => Instr::Load64ShlAddImm {
                shift,
                dst,
                base,
                imm,
            },
            Instr::I32ShlAddImm {
                shift,
                lhs: base,
                imm,
                ..
            } => Instr::Load32ShlAddImm {
                shift,
                dst,
                base,
                imm,
            },
            Instr::I32Add { lhs, rhs, .. } if wide => Instr::Load64Add { dst, lhs, rhs },
            Instr::I32Add { lhs, rhs, .. } => Instr::Load32Add { dst, lhs, rhs },
            // Checked above: `instr` is one of the two.
            other => other,
        })
    }

    fn load(
        &mut self,
        memarg: wasmparser::MemArg,
        make: fn(Slot, Slot, u32) -> Instr,
    ) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let addr = self.pop_slot();
        if offset == 0 {
            if let Some(fused) = self.take_address(&make(0, 0, 0), addr) {
                let dst = self.push_temp();
                self.emit_result(fused(dst));
                return Ok(());
            }
        }
        if offset == 0 && fuse::load_add_imm(&make(0, 0, 0), 0, 0, 0).is_some() {
            if let Some((base, imm)) = self.take_add_imm(addr) {
                let dst = self.push_temp();
                if let Some(instr) = fuse::load_add_imm(&make(0, 0, 0), dst, base, imm) {
                    self.emit_result(instr);
                }
                return Ok(());
            }
        }
        let dst = self.push_temp();
        self.emit_result(make(dst, addr, offset));
        Ok(())
    }

    /// Takes back an `i32.add x, C` just emitted into the temporary `addr`, so the load using
    /// it as its address can add and load in one instruction.
    fn take_add_imm(&mut self, addr: Slot) -> Option<(Slot, i32)> {
        let idx = self.adjacent_result(addr)?;
        match self.instrs[idx] {
            Instr::I32AddImm { dst, lhs, imm } if dst == addr => {
                self.instrs.pop();
                self.forget_results();
                Some((lhs, imm))
            }
            _ => None,
        }
    }

    fn store(
        &mut self,
        memarg: wasmparser::MemArg,
        make: fn(Slot, Slot, u32) -> Instr,
    ) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let src = self.pop_slot();
        let addr = self.pop_slot();
        let probe = make(0, 0, 0);
        if offset == 0 && fuse::store_add_imm(&probe, 0, 0, 0).is_some() {
            // The address's add is the last instruction only if the value took none.
            if let Some((base, imm)) = self.take_add_imm(addr) {
                if let Some(instr) = fuse::store_add_imm(&probe, base, src, imm) {
                    self.emit(instr);
                }
                return Ok(());
            }
        }
        self.emit(make(addr, src, offset));
        Ok(())
    }

    /// Pops three operands (deepest first in the result).
    fn pop3(&mut self) -> (Slot, Slot, Slot) {
        let c = self.pop_slot();
        let b = self.pop_slot();
        let a = self.pop_slot();
        (a, b, c)
    }

    /// Prepares the top `n` operands as call arguments; returns the slot of the first.
    fn call_args(&mut self, n: u32) -> Slot {
        self.materialize_top(n);
        let base = self.canonical(self.height() - n);
        let new_len = self.stack.len() - n as usize;
        self.stack.truncate(new_len);
        base
    }

    fn push_results(&mut self, n: u32) {
        for _ in 0..n {
            self.push(Operand::Temp);
        }
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let (operand, pos) = self.pop();
        let aliased = self.stack.contains(&Operand::Local(local));
        if aliased {
            self.materialize_locals(Some(local));
        }
        match operand {
            Operand::Temp => {
                let src = self.canonical(pos);
                let retarget = match self.last_result {
                    Some(idx) if !aliased && idx + 1 == self.instrs.len() => self.instrs[idx]
                        .result_slot_mut()
                        .filter(|dst| **dst == src)
                        .map(|dst| *dst = local)
                        .is_some(),
                    // A select, followed by its `Aux`.
                    Some(idx) if !aliased && idx + 2 == self.instrs.len() => {
                        match &mut self.instrs[idx] {
                            Instr::Select { dst, .. } if *dst == src => {
                                *dst = local;
                                true
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                };
                if !retarget {
                    self.emit(Instr::Copy { dst: local, src });
                }
            }
            Operand::Local(src) => {
                if src != local {
                    self.emit(Instr::Copy { dst: local, src });
                }
            }
            Operand::Const(val) => {
                self.emit(Instr::Const { dst: local, val });
            }
        }
        self.forget_results();
        if tee {
            self.push(match operand {
                Operand::Const(val) => Operand::Const(val),
                _ => Operand::Local(local),
            });
        }
    }

    fn translate(&mut self, op: Operator<'_>) -> Result<()> {
        use Instr as I;
        if self.reachable {
            self.charge_fuel(fuel_cost(&op));
        }
        if !self.reachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.dead_depth += 1;
                }
                Operator::Else if self.dead_depth == 0 => self.translate_else(),
                Operator::End => {
                    if self.dead_depth > 0 {
                        self.dead_depth -= 1;
                    } else {
                        self.translate_end();
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match op {
            Operator::Unreachable => {
                self.emit(I::Unreachable);
                self.mark_unreachable();
            }
            Operator::Nop => {}
            Operator::Block { blockty } => self.enter_block(CtrlKind::Block, blockty)?,
            Operator::Loop { blockty } => {
                self.enter_block(CtrlKind::Loop, blockty)?;
                let start = self.begin_fuel_block();
                if let Some(c) = self.ctrls.last_mut() {
                    c.start = start;
                }
            }
            Operator::If { blockty } => {
                let cond = self.pop_slot();
                let fused = self.take_compare(cond);
                self.enter_block(CtrlKind::If, blockty)?;
                let at = self.emit_cond_branch(cond, fused, false, 0);
                if let Some(c) = self.ctrls.last_mut() {
                    c.else_fixup = Some(at);
                }
                self.begin_fuel_block();
            }
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            Operator::Br { relative_depth } => {
                self.emit_branch(relative_depth);
                self.mark_unreachable();
            }
            Operator::BrIf { relative_depth } => self.translate_br_if(relative_depth),
            Operator::BrTable { targets } => {
                self.translate_br_table(&targets)?;
                self.mark_unreachable();
            }
            Operator::Return => {
                self.emit_return();
                self.mark_unreachable();
            }
            Operator::Call { function_index } => {
                let (params, results) = self.func_arity(function_index);
                let base = self.call_args(params);
                self.emit(I::Call {
                    func: function_index,
                    base,
                });
                self.push_results(results);
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let (params, results) = self.type_arity(type_index);
                let index = self.pop_slot();
                let base = self.call_args(params);
                self.emit(I::CallIndirect {
                    ty: type_index,
                    index,
                    base,
                });
                self.emit(I::Aux {
                    a: table_index,
                    b: 0,
                });
                self.push_results(results);
            }
            Operator::ReturnCall { function_index } => {
                let (params, _) = self.func_arity(function_index);
                let base = self.call_args(params);
                self.emit(I::ReturnCall {
                    func: function_index,
                    base,
                    count: params,
                });
                self.mark_unreachable();
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let (params, _) = self.type_arity(type_index);
                let index = self.pop_slot();
                let base = self.call_args(params);
                self.emit(I::ReturnCallIndirect {
                    ty: type_index,
                    index,
                    base,
                });
                self.emit(I::Aux {
                    a: table_index,
                    b: params,
                });
                self.mark_unreachable();
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop_slot();
                let b = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_temp();
                self.forget_results();
                self.emit_result(I::Select { dst, a, b });
                // Not `emit`: a `local.set` right after may still retarget the select's result.
                self.instrs.push(I::Aux { a: cond, b: 0 });
            }
            Operator::LocalGet { local_index } => self.push(Operand::Local(local_index)),
            Operator::LocalSet { local_index } => self.local_set(local_index, false),
            Operator::LocalTee { local_index } => self.local_set(local_index, true),
            Operator::GlobalGet { global_index } => {
                if let Some(value) = self.just_stored(global_index) {
                    // The global holds what the instruction before stored: reuse that value.
                    self.push(value);
                    return Ok(());
                }
                let dst = self.push_temp();
                self.emit_result(match self.own_global(global_index) {
                    Some(offset) => I::GlobalGetOwn { dst, offset },
                    None => I::GlobalGet {
                        dst,
                        global: global_index,
                    },
                });
            }
            Operator::GlobalSet { global_index } => self.global_set(global_index),

            Operator::I32Load { memarg } | Operator::F32Load { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load32 { dst, addr, offset })?
            }
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load64 { dst, addr, offset })?
            }
            Operator::I32Load8S { memarg } | Operator::I64Load8S { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load8S { dst, addr, offset })?
            }
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load8U { dst, addr, offset })?
            }
            Operator::I32Load16S { memarg } | Operator::I64Load16S { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load16S { dst, addr, offset })?
            }
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load16U { dst, addr, offset })?
            }
            Operator::I64Load32S { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load32S { dst, addr, offset })?
            }
            Operator::I64Load32U { memarg } => {
                self.load(memarg, |dst, addr, offset| I::Load32 { dst, addr, offset })?
            }
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                self.store(memarg, |addr, src, offset| I::Store8 { addr, src, offset })?
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                self.store(memarg, |addr, src, offset| I::Store16 { addr, src, offset })?
            }
            Operator::I32Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::I64Store32 { memarg } => {
                self.store(memarg, |addr, src, offset| I::Store32 { addr, src, offset })?
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                self.store(memarg, |addr, src, offset| I::Store64 { addr, src, offset })?
            }
            Operator::MemorySize { .. } => {
                let dst = self.push_temp();
                self.emit(I::MemorySize { dst });
            }
            Operator::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit(I::MemoryGrow { dst, delta });
            }
            Operator::MemoryFill { .. } => {
                let (dst, val, len) = self.pop3();
                self.emit(I::MemoryFill { dst, val, len });
            }
            Operator::MemoryCopy { .. } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::MemoryCopy { dst, src, len });
            }
            Operator::MemoryInit { data_index, .. } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::MemoryInit { dst, src, len });
                self.emit(I::Aux {
                    a: data_index,
                    b: 0,
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(I::DataDrop { data: data_index });
            }

            Operator::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit(I::TableGet { dst, index, table });
            }
            Operator::TableSet { table } => {
                let val = self.pop_slot();
                let index = self.pop_slot();
                self.emit(I::TableSet { index, val, table });
            }
            Operator::TableSize { table } => {
                let dst = self.push_temp();
                self.emit(I::TableSize { dst, table });
            }
            Operator::TableGrow { table } => {
                let delta = self.pop_slot();
                let init = self.pop_slot();
                let dst = self.push_temp();
                self.emit(I::TableGrow { dst, init, delta });
                self.emit(I::Aux { a: table, b: 0 });
            }
            Operator::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                self.emit(I::TableFill { dst, val, len });
                self.emit(I::Aux { a: table, b: 0 });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::TableCopy { dst, src, len });
                self.emit(I::Aux {
                    a: dst_table,
                    b: src_table,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::TableInit { dst, src, len });
                self.emit(I::Aux {
                    a: table,
                    b: elem_index,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(I::ElemDrop { elem: elem_index });
            }
            Operator::RefNull { .. } => self.push(Operand::Const(0)),
            Operator::RefIsNull => self.unary(|dst, src| I::I64Eqz { dst, src }),
            Operator::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit_result(I::RefFunc {
                    dst,
                    func: function_index,
                });
            }

            Operator::I32Const { value } => self.push(Operand::Const(u64::from(value as u32))),
            Operator::I64Const { value } => self.push(Operand::Const(value as u64)),
            Operator::F32Const { value } => self.push(Operand::Const(u64::from(value.bits()))),
            Operator::F64Const { value } => self.push(Operand::Const(value.bits())),

            // Representation-preserving conversions: the cell already holds the result.
            Operator::I32WrapI64
            | Operator::I32ReinterpretF32
            | Operator::I64ReinterpretF64
            | Operator::F32ReinterpretI32
            | Operator::F64ReinterpretI64 => {}

            op => self.translate_numeric(op)?,
        }
        Ok(())
    }

    fn translate_numeric(&mut self, op: Operator<'_>) -> Result<()> {
        use Instr as I;
        macro_rules! un {
            ($v:ident) => {
                self.unary(|dst, src| I::$v { dst, src })
            };
        }
        macro_rules! bin {
            ($v:ident) => {
                self.binary(|dst, lhs, rhs| I::$v { dst, lhs, rhs })
            };
        }
        // Float results that may be NaN: canonicalised in deterministic mode.
        macro_rules! fun32 {
            ($v:ident) => {{
                un!($v);
                self.canonicalize(false);
            }};
        }
        macro_rules! fbin32 {
            ($v:ident) => {{
                bin!($v);
                self.canonicalize(false);
            }};
        }
        macro_rules! fun64 {
            ($v:ident) => {{
                un!($v);
                self.canonicalize(true);
            }};
        }
        macro_rules! fbin64 {
            ($v:ident) => {{
                bin!($v);
                self.canonicalize(true);
            }};
        }
        match op {
            Operator::I32Eqz => un!(I32Eqz),
            Operator::I32Eq => bin!(I32Eq),
            Operator::I32Ne => bin!(I32Ne),
            Operator::I32LtS => bin!(I32LtS),
            Operator::I32LtU => bin!(I32LtU),
            Operator::I32GtS => bin!(I32GtS),
            Operator::I32GtU => bin!(I32GtU),
            Operator::I32LeS => bin!(I32LeS),
            Operator::I32LeU => bin!(I32LeU),
            Operator::I32GeS => bin!(I32GeS),
            Operator::I32GeU => bin!(I32GeU),
            Operator::I32Clz => un!(I32Clz),
            Operator::I32Ctz => un!(I32Ctz),
            Operator::I32Popcnt => un!(I32Popcnt),
            Operator::I32Add => bin!(I32Add),
            Operator::I32Sub => bin!(I32Sub),
            Operator::I32Mul => bin!(I32Mul),
            Operator::I32DivS => bin!(I32DivS),
            Operator::I32DivU => bin!(I32DivU),
            Operator::I32RemS => bin!(I32RemS),
            Operator::I32RemU => bin!(I32RemU),
            Operator::I32And => bin!(I32And),
            Operator::I32Or => bin!(I32Or),
            Operator::I32Xor => bin!(I32Xor),
            Operator::I32Shl => bin!(I32Shl),
            Operator::I32ShrS => bin!(I32ShrS),
            Operator::I32ShrU => bin!(I32ShrU),
            Operator::I32Rotl => bin!(I32Rotl),
            Operator::I32Rotr => bin!(I32Rotr),

            Operator::I64Eqz => un!(I64Eqz),
            Operator::I64Eq => bin!(I64Eq),
            Operator::I64Ne => bin!(I64Ne),
            Operator::I64LtS => bin!(I64LtS),
            Operator::I64LtU => bin!(I64LtU),
            Operator::I64GtS => bin!(I64GtS),
            Operator::I64GtU => bin!(I64GtU),
            Operator::I64LeS => bin!(I64LeS),
            Operator::I64LeU => bin!(I64LeU),
            Operator::I64GeS => bin!(I64GeS),
            Operator::I64GeU => bin!(I64GeU),
            Operator::I64Clz => un!(I64Clz),
            Operator::I64Ctz => un!(I64Ctz),
            Operator::I64Popcnt => un!(I64Popcnt),
            Operator::I64Add => bin!(I64Add),
            Operator::I64Sub => bin!(I64Sub),
            Operator::I64Mul => bin!(I64Mul),
            Operator::I64DivS => bin!(I64DivS),
            Operator::I64DivU => bin!(I64DivU),
            Operator::I64RemS => bin!(I64RemS),
            Operator::I64RemU => bin!(I64RemU),
            Operator::I64And => bin!(I64And),
            Operator::I64Or => bin!(I64Or),
            Operator::I64Xor => bin!(I64Xor),
            Operator::I64Shl => bin!(I64Shl),
            Operator::I64ShrS => bin!(I64ShrS),
            Operator::I64ShrU => bin!(I64ShrU),
            Operator::I64Rotl => bin!(I64Rotl),
            Operator::I64Rotr => bin!(I64Rotr),

            Operator::F32Eq => bin!(F32Eq),
            Operator::F32Ne => bin!(F32Ne),
            Operator::F32Lt => bin!(F32Lt),
            Operator::F32Gt => bin!(F32Gt),
            Operator::F32Le => bin!(F32Le),
            Operator::F32Ge => bin!(F32Ge),
            Operator::F32Abs => un!(F32Abs),
            Operator::F32Neg => un!(F32Neg),
            Operator::F32Ceil => fun32!(F32Ceil),
            Operator::F32Floor => fun32!(F32Floor),
            Operator::F32Trunc => fun32!(F32Trunc),
            Operator::F32Nearest => fun32!(F32Nearest),
            Operator::F32Sqrt => fun32!(F32Sqrt),
            Operator::F32Add => fbin32!(F32Add),
            Operator::F32Sub => fbin32!(F32Sub),
            Operator::F32Mul => fbin32!(F32Mul),
            Operator::F32Div => fbin32!(F32Div),
            Operator::F32Min => fbin32!(F32Min),
            Operator::F32Max => fbin32!(F32Max),
            Operator::F32Copysign => bin!(F32Copysign),

            Operator::F64Eq => bin!(F64Eq),
            Operator::F64Ne => bin!(F64Ne),
            Operator::F64Lt => bin!(F64Lt),
            Operator::F64Gt => bin!(F64Gt),
            Operator::F64Le => bin!(F64Le),
            Operator::F64Ge => bin!(F64Ge),
            Operator::F64Abs => un!(F64Abs),
            Operator::F64Neg => un!(F64Neg),
            Operator::F64Ceil => fun64!(F64Ceil),
            Operator::F64Floor => fun64!(F64Floor),
            Operator::F64Trunc => fun64!(F64Trunc),
            Operator::F64Nearest => fun64!(F64Nearest),
            Operator::F64Sqrt => fun64!(F64Sqrt),
            Operator::F64Add => fbin64!(F64Add),
            Operator::F64Sub => fbin64!(F64Sub),
            Operator::F64Mul => fbin64!(F64Mul),
            Operator::F64Div => fbin64!(F64Div),
            Operator::F64Min => fbin64!(F64Min),
            Operator::F64Max => fbin64!(F64Max),
            Operator::F64Copysign => bin!(F64Copysign),

            Operator::I64ExtendI32S => un!(Extend32S),
            Operator::I64ExtendI32U => un!(I64ExtendI32U),
            Operator::I32TruncF32S => un!(I32TruncF32S),
            Operator::I32TruncF32U => un!(I32TruncF32U),
            Operator::I32TruncF64S => un!(I32TruncF64S),
            Operator::I32TruncF64U => un!(I32TruncF64U),
            Operator::I64TruncF32S => un!(I64TruncF32S),
            Operator::I64TruncF32U => un!(I64TruncF32U),
            Operator::I64TruncF64S => un!(I64TruncF64S),
            Operator::I64TruncF64U => un!(I64TruncF64U),
            Operator::I32TruncSatF32S => un!(I32TruncSatF32S),
            Operator::I32TruncSatF32U => un!(I32TruncSatF32U),
            Operator::I32TruncSatF64S => un!(I32TruncSatF64S),
            Operator::I32TruncSatF64U => un!(I32TruncSatF64U),
            Operator::I64TruncSatF32S => un!(I64TruncSatF32S),
            Operator::I64TruncSatF32U => un!(I64TruncSatF32U),
            Operator::I64TruncSatF64S => un!(I64TruncSatF64S),
            Operator::I64TruncSatF64U => un!(I64TruncSatF64U),
            Operator::F32ConvertI32S => un!(F32ConvertI32S),
            Operator::F32ConvertI32U => un!(F32ConvertI32U),
            Operator::F32ConvertI64S => un!(F32ConvertI64S),
            Operator::F32ConvertI64U => un!(F32ConvertI64U),
            Operator::F64ConvertI32S => un!(F64ConvertI32S),
            Operator::F64ConvertI32U => un!(F64ConvertI32U),
            Operator::F64ConvertI64S => un!(F64ConvertI64S),
            Operator::F64ConvertI64U => un!(F64ConvertI64U),
            Operator::F32DemoteF64 => fun32!(F32DemoteF64),
            Operator::F64PromoteF32 => fun64!(F64PromoteF32),
            Operator::I32Extend8S | Operator::I64Extend8S => un!(Extend8S),
            Operator::I32Extend16S | Operator::I64Extend16S => un!(Extend16S),
            Operator::I64Extend32S => un!(Extend32S),
            other => {
                return Err(Error::unsupported(alloc::format!(
                    "operator {other:?} is not implemented"
                )))
            }
        }
        Ok(())
    }
}

fn mem_offset(memarg: wasmparser::MemArg) -> Result<u32> {
    if memarg.memory != 0 {
        return Err(Error::unsupported("multiple memories"));
    }
    u32::try_from(memarg.offset).map_err(|_| Error::unsupported("64-bit memory offsets"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_bound_is_the_translators_slot_limit() {
        let locals = 50_000;
        let fits = u64::from(TEMP_TAG) - 1 - u64::from(locals) - MAX_POOLED_CONSTS as u64;
        assert!(check_frame_bound(locals, fits).is_ok());
        assert!(matches!(
            check_frame_bound(locals, fits + 1),
            Err(e) if matches!(e.kind(), crate::ErrorKind::Limit { .. })
        ));
        assert!(check_frame_bound(u32::MAX, u64::MAX).is_err());
        // Bodies of up to about 2 MiB are accepted on their size alone.
        assert!(check_frame_bound(locals, 2_000_000 * MAX_PUSHED_PER_OPERATOR).is_ok());
    }

    #[test]
    fn branch_targets_become_byte_distances_from_the_branch() {
        let size = core::mem::size_of::<Instr>() as i32;
        assert_eq!(relative_target(3, 5), Some((2 * size) as u32));
        assert_eq!(relative_target(7, 7), Some(0));
        assert_eq!(relative_target(9, 1), Some((-8 * size) as u32));
        let far = (i32::MAX / size) as u32 + 1;
        assert_eq!(relative_target(0, far), None);
        assert_eq!(relative_target(far as usize + 1, 0), None);
    }
}

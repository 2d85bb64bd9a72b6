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

use super::ir::{aux, Instr, OperandMut, Slot, Target, GLOBAL_STRIDE};

use crate::error::{internal, Error, Result};

use crate::module::{invalid, locals_error, operator_error, operator_read_error, ModuleInner};

mod control;
mod fuel;
mod globals;
mod memory;
mod numeric;
mod operators;
mod stack;

use fuel::drop_empty_fuel_charges;
use fuel::fuel_cost;

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
        validate_again(&validator, ty, features, body)
    };
    *allocs = validator.into_allocations();
    verdict
}

/// Validates `body` again from its start, operator by operator, against the module resources of
/// `validator` (whose own pass stopped part-way or took the fast path): the verdict eager
/// translation gives. `ty` and `features` are those the body was to be validated with.
pub(crate) fn validate_again(
    validator: &FuncValidator<ValidatorResources>,
    ty: u32,
    features: wasmparser::WasmFeatures,
    body: &FunctionBody<'_>,
) -> Result<()> {
    let retry = FuncToValidate {
        resources: validator.resources(),
        index: validator.index(),
        ty,
        features,
    };
    validate_operators(&mut retry.into_validator(Default::default()), body)
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
        let (offset, op) = read_op(&mut reader, body)?;
        validate_op(validator, offset, &op, &mut max_height)?;
    }
    finish_validation(validator, reader.original_position(), max_height)
}

/// Reads a body's next operator (its locals read), with its offset.
fn read_op<'a>(
    reader: &mut wasmparser::BinaryReader<'a>,
    body: &FunctionBody<'_>,
) -> Result<(usize, Operator<'a>)> {
    let offset = reader.original_position();
    let op = reader
        .read_operator()
        .map_err(|e| operator_read_error(e, body, offset))?;
    Ok((offset, op))
}

/// Validates one operator and raises `max_height` to the validator's operand stack.
fn validate_op<R: wasmparser::WasmModuleResources>(
    validator: &mut FuncValidator<R>,
    offset: usize,
    op: &Operator<'_>,
    max_height: &mut u32,
) -> Result<()> {
    validator
        .op(offset, op)
        .map_err(|e| operator_error(e, op, offset))?;
    *max_height = (*max_height).max(validator.operand_stack_height());
    Ok(())
}

/// The end of a body's validation: the validator's last checks, then the frame bound with the
/// highest operand stack it reached.
fn finish_validation<R: wasmparser::WasmModuleResources>(
    validator: &mut FuncValidator<R>,
    end: usize,
    max_height: u32,
) -> Result<()> {
    validator.finish(end).map_err(invalid)?;
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
///
/// The code may take at most `max_code_bytes`: `Ok(None)` when it would need more, found
/// before more than that is allocated (the body's validation, if any, then stopped part-way).
pub(crate) fn translate_function(
    module: &ModuleInner,
    func_index: u32,
    mut validator: Option<&mut FuncValidator<ValidatorResources>>,
    body: &FunctionBody<'_>,
    allocs: &mut FuncTranslatorAllocs,
    max_code_bytes: u64,
) -> Result<Option<CompiledFunc>> {
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

    // Fresh buffers (lazy translation) become the function's code; reused ones are copied.
    let fresh = allocs.instrs.capacity() == 0;
    let mut t = Translator {
        module,
        max_instrs: max_instrs(max_code_bytes),
        num_results,
        over_limit: false,
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
        let (offset, op) = read_op(&mut reader, body)?;
        if let Some(validator) = validator.as_deref_mut() {
            validate_op(validator, offset, &op, &mut max_height)?;
        }
        t.translate(op)?;
        if t.over_limit {
            return Ok(None);
        }
    }
    if let Some(validator) = validator {
        finish_validation(validator, reader.original_position(), max_height)?;
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
    // Resolve placeholder slots and branch targets, and check every slot is inside the frame:
    // the interpreter's unchecked register access relies on it. Each instruction's operands
    // are visited by role, with those of the `Aux` word that follows it.
    let resolve = |slot: &mut Slot| {
        let s = slot.index();
        if s & TEMP_TAG != 0 {
            *slot = Slot::new(temps_start + (s & !TEMP_TAG));
        } else if s & CONST_TAG != 0 {
            *slot = Slot::new(num_locals + (s & !CONST_TAG));
        }
    };
    let mut out_of_frame = false;
    let mut too_far = false;
    let mut at = 0;
    while at < t.instrs.len() {
        let (head, tail) = t.instrs.split_at_mut(at + 1);
        let instr = &mut head[at];
        let aux = match (instr.has_aux(), tail.first_mut()) {
            (false, _) => None,
            (true, Some(aux @ Instr::Aux { .. })) => Some(aux),
            (true, _) => return Err(Error::limit("internal: an instruction lacks its Aux word")),
        };
        let step = 1 + usize::from(aux.is_some());
        instr.for_each_operand_mut(aux, |operand| match operand {
            OperandMut::Def(slot)
            | OperandMut::Out(slot)
            | OperandMut::Read(slot)
            | OperandMut::Update(slot) => {
                resolve(slot);
                out_of_frame |= slot.index() >= frame_size;
            }
            // A range of call arguments may sit at the frame's end when it is empty; the
            // callee's frame is checked when it is entered.
            OperandMut::Args(slot) => {
                resolve(slot);
                out_of_frame |= slot.index() > frame_size;
            }
            OperandMut::Results(slot, count) => {
                resolve(slot);
                out_of_frame |= u64::from(slot.index()) + u64::from(count) > u64::from(frame_size);
            }
            OperandMut::Target(target) => match relative_target(at, *target) {
                Some(relative) => *target = relative,
                None => too_far = true,
            },
        });
        at += step;
    }
    if too_far {
        return Err(Error::limit("function body too large"));
    }
    if out_of_frame {
        return Err(internal!("a translated slot lies outside its frame"));
    }
    let instrs = if fresh {
        core::mem::take(&mut t.instrs).into_boxed_slice()
    } else {
        t.instrs.as_slice().into()
    };
    let compiled = CompiledFunc {
        instrs,
        bare: num_locals == num_params && t.consts.is_empty(),
        consts: t.consts.as_slice().into(),
        num_params,
        num_locals,
        frame_size,
    };
    allocs.instrs = t.instrs;
    allocs.stack = t.stack;
    allocs.ctrls = t.ctrls;
    if compiled.heap_bytes() > max_code_bytes {
        return Ok(None);
    }
    Ok(Some(compiled))
}

/// The most instructions a function whose code may take `max_code_bytes` can hold.
fn max_instrs(max_code_bytes: u64) -> usize {
    let bytes = max_code_bytes.saturating_sub(core::mem::size_of::<CompiledFunc>() as u64);
    usize::try_from(bytes / core::mem::size_of::<Instr>() as u64).unwrap_or(usize::MAX)
}

/// The branch target of the instruction at index `at`, given as an instruction index, as the
/// interpreter takes it: the signed distance in bytes from the branch to its target, two's
/// complement in a `u32` (`None` if it does not fit an `i32`).
fn relative_target(at: usize, target: Target) -> Option<Target> {
    let at = i64::try_from(at).ok()?;
    let bytes =
        (i64::from(target.index()) - at).checked_mul(core::mem::size_of::<Instr>() as i64)?;
    i32::try_from(bytes).ok().map(Target::distance)
}

struct Translator<'m> {
    module: &'m ModuleInner,
    /// The most instructions the function's code may hold (the budget left for it).
    max_instrs: usize,
    /// The function's results, which a return moves to the frame's first slots.
    num_results: u32,
    /// An instruction did not fit under `max_instrs`: the translation fails after the operator.
    over_limit: bool,
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
const TEMP_TAG: u32 = 1 << 31;
const CONST_TAG: u32 = 1 << 30;

/// Constants beyond this many are written by instructions instead (the pool is copied on
/// every call, and is searched linearly while translating).
const MAX_POOLED_CONSTS: usize = 64;

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
        let at = Target::at;
        assert_eq!(relative_target(3, at(5)), Some(Target::distance(2 * size)));
        assert_eq!(relative_target(7, at(7)), Some(Target::distance(0)));
        assert_eq!(relative_target(9, at(1)), Some(Target::distance(-8 * size)));
        let far = (i32::MAX / size) as u32 + 1;
        assert_eq!(relative_target(0, at(far)), None);
        assert_eq!(relative_target(far as usize + 1, at(0)), None);
    }
}

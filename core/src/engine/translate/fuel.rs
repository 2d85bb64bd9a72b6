//! Fuel: each straight-line run of instructions is charged once, when it starts.

use super::*;

/// Removes the fuel charges of runs that charge nothing (a label right before `end`, `return`
/// or another label opens a run of free instructions), which would cost a dispatch and charge
/// nothing. Branch targets, still instruction indices here, move with the instructions; a
/// branch to a removed charge lands on what followed it.
pub(super) fn drop_empty_fuel_charges(instrs: &mut Vec<Instr>) {
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
            *target = Target::at(
                kept_before
                    .get(target.index() as usize)
                    .copied()
                    .unwrap_or(kept),
            );
        }
    }
}

/// Fuel cost of one wasm instruction, charged when the straight-line run containing it starts.
/// Structure markers are free; calls pay for frame setup; everything else costs 1. Bulk memory,
/// table and grow operations add a charge proportional to their size when they succeed (see
/// `exec/bulk.rs`: a failing one costs only this base price).
pub(super) fn fuel_cost(op: &Operator<'_>) -> u32 {
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
const CALL_FUEL: u32 = 5;

impl Translator<'_> {
    /// Starts a new straight-line run: code here can be reached other than by falling through.
    /// Returns where the run starts, which is where branches to it must land.
    pub(super) fn begin_fuel_block(&mut self) -> u32 {
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
        self.push_instr(Instr::ConsumeFuel { amount: 0 });
        self.fuel_at = self.instrs.len().checked_sub(1);
        self.forget_results();
        self.pc().saturating_sub(1)
    }

    pub(super) fn charge_fuel(&mut self, cost: u32) {
        if let Some(Instr::ConsumeFuel { amount }) =
            self.fuel_at.and_then(|at| self.instrs.get_mut(at))
        {
            *amount = amount.saturating_add(cost);
        }
    }
}

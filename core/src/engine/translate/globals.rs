//! Globals: `global.get`/`global.set`, defined globals by offset, and the fused forms
//! (`global.set` of `global.get`, add-immediate in place).

use super::*;

impl Translator<'_> {
    /// For a global the module defines (not imports), its offset from the first of them (see
    /// `Instr::GlobalGetOwn`).
    pub(super) fn own_global(&self, global: u32) -> Option<u32> {
        global
            .checked_sub(self.module.num_imported_globals)?
            .checked_mul(GLOBAL_STRIDE)
    }

    /// The operand `global.set global` just stored, when it was the last instruction emitted,
    /// nothing can branch in between (`forget_results` runs at every label) and the operand is
    /// still where it was: a `Temp` in the canonical slot of the current height, which nothing
    /// has written since; a `Local`, which would need an emitted instruction to change.
    pub(super) fn just_stored(&self, global: u32) -> Option<Operand> {
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

    pub(super) fn global_set(&mut self, global: u32) {
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
    pub(super) fn take_global_add_imm(&mut self, slot: Slot, offset: u32) -> Option<usize> {
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
}

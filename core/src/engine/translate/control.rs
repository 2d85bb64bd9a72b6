//! Control flow: blocks, loops, `if`/`else`, branches (with compare-and-branch fusion),
//! `br_table`, returns, and the arities of block and function types.

use super::*;

/// The operands of `instr` if it is an `and` with an immediate (`i64` when `wide`) into `dst`.
pub(super) fn and_imm(instr: &Instr, dst: Slot, wide: bool) -> Option<(Slot, i32)> {
    match *instr {
        Instr::I32AndImm { dst: d, lhs, imm } if !wide && d == dst => Some((lhs, imm)),
        Instr::I64AndImm { dst: d, lhs, imm } if wide && d == dst => Some((lhs, imm)),
        _ => None,
    }
}

impl Translator<'_> {
    pub(super) fn block_arity(&self, ty: BlockType) -> Result<(u32, u32)> {
        Ok(match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(idx) => {
                let ty = self
                    .module
                    .types
                    .get(idx as usize)
                    .ok_or_else(|| crate::error::internal!("unknown type {idx}"))?;
                (ty.params().len() as u32, ty.results().len() as u32)
            }
        })
    }

    /// Parameters and results of function `func` (validation makes it exist).
    pub(super) fn func_arity(&self, func: u32) -> Result<(u32, u32)> {
        self.module
            .func_type(func)
            .map(|t| (t.params().len() as u32, t.results().len() as u32))
            .ok_or_else(|| crate::error::internal!("unknown function {func}"))
    }

    /// Parameters and results of type `ty` (validation makes it exist).
    pub(super) fn type_arity(&self, ty: u32) -> Result<(u32, u32)> {
        self.module
            .types
            .get(ty as usize)
            .map(|t| (t.params().len() as u32, t.results().len() as u32))
            .ok_or_else(|| crate::error::internal!("unknown type {ty}"))
    }

    pub(super) fn patch(&mut self, at: u32, target: u32) {
        if let Some(t) = self
            .instrs
            .get_mut(at as usize)
            .and_then(Instr::branch_target_mut)
        {
            *t = Target::at(target);
        }
    }

    /// The value instruction just emitted, when the temporary `slot` (no local) may hold its
    /// result: the one case where a consumer may take that instruction back and fuse it.
    pub(super) fn adjacent_result(&self, slot: Slot) -> Option<usize> {
        let idx = self.last_result?;
        (idx + 1 == self.instrs.len() && slot.index() >= self.num_locals).then_some(idx)
    }

    /// Takes back the comparison just emitted into `cond`, so the branch consuming it can
    /// compare and jump in one instruction.
    pub(super) fn take_compare(&mut self, cond: Slot) -> Option<Compare> {
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
                .filter(|&p| p + 1 == self.instrs.len() && inner_dst.index() >= self.num_locals)
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
                .filter(|&p| p + 1 == self.instrs.len() && masked.index() >= self.num_locals)
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
    pub(super) fn emit_cond_branch(
        &mut self,
        cond: Slot,
        fused: Option<Compare>,
        when: bool,
        target: u32,
    ) -> u32 {
        let target = Target::at(target);
        match fused {
            Some(c) => {
                let c = if when { c } else { c.negate() };
                self.emit(fuse::branch_on(c, target))
            }
            None if when => self.emit(Instr::BrIfNez { cond, target }),
            None => self.emit(Instr::BrIfEqz { cond, target }),
        }
    }

    pub(super) fn mark_unreachable(&mut self) {
        self.reachable = false;
        // After the function's final `end` there is no block left, and no operand either.
        let height = self.ctrls.last().map_or(0, |c| c.height);
        self.stack.truncate(height as usize);
    }

    pub(super) fn enter_block(&mut self, kind: CtrlKind, ty: BlockType) -> Result<()> {
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
    pub(super) fn emit_return(&mut self) {
        let n = self.num_results;
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
    pub(super) fn emit_branch(&mut self, depth: u32) {
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
            self.emit(Instr::Br {
                target: Target::at(start),
            });
        } else {
            let at = self.emit(Instr::Br {
                target: Target::at(0),
            });
            self.ctrls[idx].fixups.push(at);
        }
    }

    pub(super) fn label_needs_copies(&self, depth: u32) -> bool {
        let label = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        match label.kind {
            CtrlKind::Function => true,
            CtrlKind::Loop => self.copies_needed(self.canonical(label.height), label.params),
            _ => self.copies_needed(self.canonical(label.height), label.results),
        }
    }

    pub(super) fn translate_br_if(&mut self, depth: u32) {
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

    pub(super) fn translate_br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<()> {
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
            self.emit(Instr::Br {
                target: Target::at(0),
            });
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

    pub(super) fn translate_else(&mut self) {
        let Some(ctrl) = self.ctrls.last() else {
            return;
        };
        let (height, params, results) = (ctrl.height, ctrl.params, ctrl.results);
        if self.reachable {
            self.materialize_top(results);
            let at = self.emit(Instr::Br {
                target: Target::at(0),
            });
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

    pub(super) fn translate_end(&mut self) {
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
}

//! The operand stack and locals: where each wasm value lives while a body is translated
//! (see the invariants in the parent module), and `local.set`/`local.tee`.

use super::*;

impl Translator<'_> {
    /// The slot of operand-stack position `pos`. Until the function is finished this is a
    /// tagged placeholder (see `TEMP_TAG`), resolved once the constant pool's size is known.
    pub(super) fn canonical(&self, pos: u32) -> Slot {
        Slot::new(TEMP_TAG | pos)
    }

    /// The pool slot holding constant `val` (a tagged placeholder until the end).
    pub(super) fn const_slot(&mut self, val: u64) -> Slot {
        let k = match self.consts.iter().position(|&c| c == val) {
            Some(k) => k,
            None => {
                self.consts.push(val);
                self.consts.len() - 1
            }
        };
        Slot::new(CONST_TAG | k as u32)
    }

    pub(super) fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    pub(super) fn pc(&self) -> u32 {
        self.instrs.len() as u32
    }

    pub(super) fn emit(&mut self, instr: Instr) -> u32 {
        self.forget_results();
        self.push_instr(instr);
        self.pc().saturating_sub(1)
    }

    pub(super) fn emit_result(&mut self, instr: Instr) {
        self.prev_result = self.last_result.filter(|&idx| idx + 1 == self.instrs.len());
        self.push_instr(instr);
        self.last_result = self.instrs.len().checked_sub(1);
    }

    /// Appends an instruction. The buffer grows by half its size at a time, never past
    /// `max_instrs`, so translating never allocates more code than the budget has left; an
    /// instruction that does not fit sets `over_limit` and the translation fails after the
    /// current operator (until then indices may point at the wrong instruction, harmlessly).
    pub(super) fn push_instr(&mut self, instr: Instr) {
        let len = self.instrs.len();
        if len == self.instrs.capacity() {
            let room = self.max_instrs.saturating_sub(len);
            let grow = (len / 2).max(16).min(room);
            if grow == 0 || self.instrs.try_reserve_exact(grow).is_err() {
                self.over_limit = true;
                return;
            }
        }
        self.instrs.push(instr);
    }

    /// Forgets the value instructions just emitted: the next instruction may be reached
    /// other than from them, or reads their results from somewhere else.
    pub(super) fn forget_results(&mut self) {
        self.last_result = None;
        self.prev_result = None;
        self.last_global_set = None;
    }

    pub(super) fn push(&mut self, operand: Operand) {
        self.stack.push(operand);
        self.max_height = self.max_height.max(self.height());
    }

    /// Pushes a value produced into its canonical slot and returns that slot.
    pub(super) fn push_temp(&mut self) -> Slot {
        let slot = self.canonical(self.height());
        self.push(Operand::Temp);
        slot
    }

    pub(super) fn pop(&mut self) -> (Operand, u32) {
        let operand = self.stack.pop().unwrap_or(Operand::Temp);
        (operand, self.height())
    }

    /// Pops an operand and returns a slot holding its value (materialising constants).
    pub(super) fn pop_slot(&mut self) -> Slot {
        let (operand, pos) = self.pop();
        self.slot_of(operand, pos)
    }

    pub(super) fn slot_of(&mut self, operand: Operand, pos: u32) -> Slot {
        match operand {
            Operand::Temp => self.canonical(pos),
            Operand::Local(i) => Slot::new(i),
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
    pub(super) fn materialize_at(&mut self, pos: u32) {
        let Some(&operand) = self.stack.get(pos as usize) else {
            return;
        };
        let dst = self.canonical(pos);
        match operand {
            Operand::Temp => return,
            Operand::Local(src) => self.emit(Instr::Copy {
                dst,
                src: Slot::new(src),
            }),
            Operand::Const(val) => self.emit(Instr::Const { dst, val }),
        };
        self.stack[pos as usize] = Operand::Temp;
    }

    /// Materialises the top `n` operands.
    pub(super) fn materialize_top(&mut self, n: u32) {
        let h = self.height();
        for pos in h.saturating_sub(n)..h {
            self.materialize_at(pos);
        }
    }

    /// Materialises every deferred read of local `local` (or of any local if `None`).
    pub(super) fn materialize_locals(&mut self, local: Option<u32>) {
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
    pub(super) fn emit_copies(&mut self, dst: Slot, n: u32) {
        let h = self.height();
        for k in 0..n {
            let pos = h - n + k;
            let target = dst.plus(k);
            match self.stack[pos as usize] {
                Operand::Temp => {
                    let src = self.canonical(pos);
                    if src != target {
                        self.emit(Instr::Copy { dst: target, src });
                    }
                }
                Operand::Local(src) => {
                    self.emit(Instr::Copy {
                        dst: target,
                        src: Slot::new(src),
                    });
                }
                Operand::Const(val) => {
                    self.emit(Instr::Const { dst: target, val });
                }
            }
        }
    }

    pub(super) fn copies_needed(&self, dst: Slot, n: u32) -> bool {
        let h = self.height();
        (0..n).any(|k| {
            let pos = h - n + k;
            self.stack[pos as usize] != Operand::Temp || self.canonical(pos) != dst.plus(k)
        })
    }

    /// Pops three operands (deepest first in the result).
    pub(super) fn pop3(&mut self) -> (Slot, Slot, Slot) {
        let c = self.pop_slot();
        let b = self.pop_slot();
        let a = self.pop_slot();
        (a, b, c)
    }

    /// Prepares the top `n` operands as call arguments; returns the slot of the first.
    pub(super) fn call_args(&mut self, n: u32) -> Slot {
        self.materialize_top(n);
        let base = self.canonical(self.height() - n);
        let new_len = self.stack.len() - n as usize;
        self.stack.truncate(new_len);
        base
    }

    pub(super) fn push_results(&mut self, n: u32) {
        for _ in 0..n {
            self.push(Operand::Temp);
        }
    }

    pub(super) fn local_set(&mut self, local: u32, tee: bool) {
        let local_slot = Slot::new(local);
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
                        .map(|dst| *dst = local_slot)
                        .is_some(),
                    // A select, followed by its `Aux`.
                    Some(idx) if !aliased && idx + 2 == self.instrs.len() => {
                        match &mut self.instrs[idx] {
                            Instr::Select { dst, .. } if *dst == src => {
                                *dst = local_slot;
                                true
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                };
                if !retarget {
                    self.emit(Instr::Copy {
                        dst: local_slot,
                        src,
                    });
                }
            }
            Operand::Local(src) => {
                if src != local {
                    self.emit(Instr::Copy {
                        dst: local_slot,
                        src: Slot::new(src),
                    });
                }
            }
            Operand::Const(val) => {
                self.emit(Instr::Const {
                    dst: local_slot,
                    val,
                });
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
}

//! Linear memory access: loads and stores with their fused address forms.

use super::*;

pub(super) fn mem_offset(memarg: wasmparser::MemArg) -> Result<u32> {
    if memarg.memory != 0 {
        return Err(Error::unsupported("multiple memories"));
    }
    u32::try_from(memarg.offset).map_err(|_| Error::unsupported("64-bit memory offsets"))
}

impl Translator<'_> {
    /// Takes back an `i32.shl K; i32.add C` (`I32ShlAddImm`) or an `i32.add` of two slots just
    /// emitted into the temporary `addr`, when the load using it as its address (`probe`,
    /// offset 0) has a form that computes that address itself. Returns that load's maker.
    pub(super) fn take_address(
        &mut self,
        probe: &Instr,
        addr: Slot,
    ) -> Option<impl Fn(Slot) -> Instr> {
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

    pub(super) fn load(
        &mut self,
        memarg: wasmparser::MemArg,
        make: fn(Slot, Slot, u32) -> Instr,
    ) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let addr = self.pop_slot();
        if offset == 0 {
            if let Some(fused) = self.take_address(&make(Slot::ZERO, Slot::ZERO, 0), addr) {
                let dst = self.push_temp();
                self.emit_result(fused(dst));
                return Ok(());
            }
        }
        if offset == 0
            && fuse::load_add_imm(&make(Slot::ZERO, Slot::ZERO, 0), Slot::ZERO, Slot::ZERO, 0)
                .is_some()
        {
            if let Some((base, imm)) = self.take_add_imm(addr) {
                let dst = self.push_temp();
                if let Some(instr) =
                    fuse::load_add_imm(&make(Slot::ZERO, Slot::ZERO, 0), dst, base, imm)
                {
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
    pub(super) fn take_add_imm(&mut self, addr: Slot) -> Option<(Slot, i32)> {
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

    pub(super) fn store(
        &mut self,
        memarg: wasmparser::MemArg,
        make: fn(Slot, Slot, u32) -> Instr,
    ) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let src = self.pop_slot();
        let addr = self.pop_slot();
        let probe = make(Slot::ZERO, Slot::ZERO, 0);
        if offset == 0 && fuse::store_add_imm(&probe, Slot::ZERO, Slot::ZERO, 0).is_some() {
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
}

//! Numeric operators: unary and binary forms, immediate right operands, NaN
//! canonicalisation in deterministic mode.

use super::*;

impl Translator<'_> {
    /// In deterministic mode, canonicalises a NaN just written to the top of the stack.
    pub(super) fn canonicalize(&mut self, wide: bool) {
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

    pub(super) fn unary(&mut self, make: fn(Slot, Slot) -> Instr) {
        let src = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(make(dst, src));
    }

    pub(super) fn binary(&mut self, make: fn(Slot, Slot, Slot) -> Instr) {
        let probe = make(Slot::ZERO, Slot::ZERO, Slot::ZERO);
        let n = self.stack.len();
        if n >= 2 {
            // A constant right operand becomes an immediate.
            if let Operand::Const(v) = self.stack[n - 1] {
                if fuse::imm_form(&probe, v, Slot::ZERO, Slot::ZERO).is_some() {
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
                if fuse::is_commutative(&probe)
                    && fuse::imm_form(&probe, v, Slot::ZERO, Slot::ZERO).is_some()
                {
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
    pub(super) fn emit_imm(&mut self, instr: Instr) {
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

    pub(super) fn translate_numeric(&mut self, op: Operator<'_>) -> Result<()> {
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

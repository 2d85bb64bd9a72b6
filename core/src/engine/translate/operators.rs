//! The operator dispatcher: one arm per wasm operator, handing each to its concern.

use super::*;

impl Translator<'_> {
    pub(super) fn translate(&mut self, op: Operator<'_>) -> Result<()> {
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
                self.emit(I::Unreachable {});
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
                let (params, results) = self.func_arity(function_index)?;
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
                let (params, results) = self.type_arity(type_index)?;
                let index = self.pop_slot();
                let base = self.call_args(params);
                self.emit(I::CallIndirect {
                    ty: type_index,
                    index,
                    base,
                });
                self.emit(aux::CallIndirect { table: table_index }.word());
                self.push_results(results);
            }
            Operator::ReturnCall { function_index } => {
                let (params, _) = self.func_arity(function_index)?;
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
                let (params, _) = self.type_arity(type_index)?;
                let index = self.pop_slot();
                let base = self.call_args(params);
                self.emit(I::ReturnCallIndirect {
                    ty: type_index,
                    index,
                    base,
                });
                self.emit(
                    aux::ReturnCallIndirect {
                        table: table_index,
                        count: params,
                    }
                    .word(),
                );
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
                self.push_instr(aux::Select { cond }.word());
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
                self.emit(aux::MemoryInit { data: data_index }.word());
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
                self.emit(aux::TableGrow { table }.word());
            }
            Operator::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                self.emit(I::TableFill { dst, val, len });
                self.emit(aux::TableFill { table }.word());
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::TableCopy { dst, src, len });
                self.emit(
                    aux::TableCopy {
                        dst_table,
                        src_table,
                    }
                    .word(),
                );
            }
            Operator::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                self.emit(I::TableInit { dst, src, len });
                self.emit(
                    aux::TableInit {
                        table,
                        elem: elem_index,
                    }
                    .word(),
                );
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
}

//! Constant expressions (global initialisers, segment offsets, element items).

use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::value::Cell;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstOp {
    Const(Cell),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression, kept as a short operator list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstExpr {
    ops: Vec<ConstOp>,
}

impl ConstExpr {
    pub(crate) fn from_ops(ops: Vec<ConstOp>) -> Self {
        ConstExpr { ops }
    }

    /// Reads a constant expression that the validator has already accepted.
    pub(crate) fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<Self> {
        use wasmparser::Operator as Op;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        loop {
            let op = reader.read().map_err(|e| Error::Malformed {
                message: alloc::format!("{e}"),
            })?;
            ops.push(match op {
                Op::End => break,
                Op::I32Const { value } => ConstOp::Const(u64::from(value as u32)),
                Op::I64Const { value } => ConstOp::Const(value as u64),
                Op::F32Const { value } => ConstOp::Const(u64::from(value.bits())),
                Op::F64Const { value } => ConstOp::Const(value.bits()),
                Op::RefNull { .. } => ConstOp::Const(0),
                Op::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                Op::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                Op::I32Add => ConstOp::I32Add,
                Op::I32Sub => ConstOp::I32Sub,
                Op::I32Mul => ConstOp::I32Mul,
                Op::I64Add => ConstOp::I64Add,
                Op::I64Sub => ConstOp::I64Sub,
                Op::I64Mul => ConstOp::I64Mul,
                other => {
                    return Err(Error::unsupported(alloc::format!(
                        "constant expression operator {other:?}"
                    )))
                }
            });
        }
        Ok(ConstExpr { ops })
    }

    /// Evaluates the expression. `global` reads a global of the instance, `func` turns a
    /// function index into a reference cell.
    pub(crate) fn eval(&self, global: impl Fn(u32) -> Cell, func: impl Fn(u32) -> Cell) -> Cell {
        let mut stack: Vec<Cell> = Vec::with_capacity(2);
        for op in &self.ops {
            let value = match *op {
                ConstOp::Const(v) => v,
                ConstOp::RefFunc(f) => func(f),
                ConstOp::GlobalGet(g) => global(g),
                bin => {
                    // Validation guarantees two operands; default to 0 rather than panic.
                    let b = stack.pop().unwrap_or(0);
                    let a = stack.pop().unwrap_or(0);
                    match bin {
                        ConstOp::I32Add => u64::from((a as u32).wrapping_add(b as u32)),
                        ConstOp::I32Sub => u64::from((a as u32).wrapping_sub(b as u32)),
                        ConstOp::I32Mul => u64::from((a as u32).wrapping_mul(b as u32)),
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
            };
            stack.push(value);
        }
        stack.pop().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_const_arithmetic() {
        let e = ConstExpr::from_ops(alloc::vec![
            ConstOp::GlobalGet(0),
            ConstOp::Const(3),
            ConstOp::I32Mul,
            ConstOp::Const(u64::from(1u32)),
            ConstOp::I32Sub,
        ]);
        assert_eq!(e.eval(|_| 5, |_| 0), 14);
        let wrap = ConstExpr::from_ops(alloc::vec![
            ConstOp::Const(u64::from(u32::MAX)),
            ConstOp::Const(2),
            ConstOp::I32Add
        ]);
        assert_eq!(wrap.eval(|_| 0, |_| 0), 1);
    }
}

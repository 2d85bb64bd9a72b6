//! Constant expressions (global initialisers, segment offsets, element items).

use alloc::vec::Vec;

use crate::error::{internal, Error, Result};
use crate::value::Cell;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstOp {
    Const(Cell),
    RefFunc(u32),
    GlobalGet(u32),
    Binary(BinaryOp),
}

/// The arithmetic of extended constant expressions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BinaryOp {
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
            let op = reader.read().map_err(super::reader_error)?;
            ops.push(match op {
                Op::End => break,
                Op::I32Const { value } => ConstOp::Const(u64::from(value as u32)),
                Op::I64Const { value } => ConstOp::Const(value as u64),
                Op::F32Const { value } => ConstOp::Const(u64::from(value.bits())),
                Op::F64Const { value } => ConstOp::Const(value.bits()),
                Op::RefNull { .. } => ConstOp::Const(0),
                Op::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                Op::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                Op::I32Add => ConstOp::Binary(BinaryOp::I32Add),
                Op::I32Sub => ConstOp::Binary(BinaryOp::I32Sub),
                Op::I32Mul => ConstOp::Binary(BinaryOp::I32Mul),
                Op::I64Add => ConstOp::Binary(BinaryOp::I64Add),
                Op::I64Sub => ConstOp::Binary(BinaryOp::I64Sub),
                Op::I64Mul => ConstOp::Binary(BinaryOp::I64Mul),
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
    pub(crate) fn eval(
        &self,
        global: impl Fn(u32) -> Result<Cell>,
        func: impl Fn(u32) -> Result<Cell>,
    ) -> Result<Cell> {
        // Validation gives every operator its operands and leaves one value.
        let missing = || internal!("a constant expression lacks an operand");
        let mut stack: Vec<Cell> = Vec::with_capacity(2);
        for op in &self.ops {
            let value = match *op {
                ConstOp::Const(v) => v,
                ConstOp::RefFunc(f) => func(f)?,
                ConstOp::GlobalGet(g) => global(g)?,
                ConstOp::Binary(op) => {
                    let b = stack.pop().ok_or_else(missing)?;
                    let a = stack.pop().ok_or_else(missing)?;
                    op.apply(a, b)
                }
            };
            stack.push(value);
        }
        stack.pop().ok_or_else(missing)
    }
}

impl BinaryOp {
    fn apply(self, a: Cell, b: Cell) -> Cell {
        let (x, y) = (a as u32, b as u32);
        match self {
            BinaryOp::I32Add => u64::from(x.wrapping_add(y)),
            BinaryOp::I32Sub => u64::from(x.wrapping_sub(y)),
            BinaryOp::I32Mul => u64::from(x.wrapping_mul(y)),
            BinaryOp::I64Add => a.wrapping_add(b),
            BinaryOp::I64Sub => a.wrapping_sub(b),
            BinaryOp::I64Mul => a.wrapping_mul(b),
        }
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
            ConstOp::Binary(BinaryOp::I32Mul),
            ConstOp::Const(u64::from(1u32)),
            ConstOp::Binary(BinaryOp::I32Sub),
        ]);
        assert_eq!(e.eval(|_| Ok(5), |_| Ok(0)).unwrap(), 14);
        let wrap = ConstExpr::from_ops(alloc::vec![
            ConstOp::Const(u64::from(u32::MAX)),
            ConstOp::Const(2),
            ConstOp::Binary(BinaryOp::I32Add)
        ]);
        assert_eq!(wrap.eval(|_| Ok(0), |_| Ok(0)).unwrap(), 1);
    }
}

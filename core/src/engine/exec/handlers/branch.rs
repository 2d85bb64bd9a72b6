//! Compare-and-branch: one instruction compares two operands (or an operand and an immediate)
//! and jumps when the comparison holds (the float `Not` forms when it does not, NaN included).

#[allow(unused_imports)]
use super::*;

handler!(|s, BrF32Eq { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) == num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotEq { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) == num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF32Ne { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) != num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotNe { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) != num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF32Lt { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) < num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotLt { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) < num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF32Gt { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) > num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotGt { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) > num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF32Le { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) <= num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotLe { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) <= num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF32Ge { lhs, rhs, target }| {
    branch_if!(s, num::f32(r!(s, lhs)) >= num::f32(r!(s, rhs)), target);
});

handler!(|s, BrF32NotGe { lhs, rhs, target }| {
    branch_if!(s, !(num::f32(r!(s, lhs)) >= num::f32(r!(s, rhs))), target);
});

handler!(|s, BrF64Eq { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) == num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotEq { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) == num::f64(r!(s, rhs))), target);
});

handler!(|s, BrF64Ne { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) != num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotNe { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) != num::f64(r!(s, rhs))), target);
});

handler!(|s, BrF64Lt { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) < num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotLt { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) < num::f64(r!(s, rhs))), target);
});

handler!(|s, BrF64Gt { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) > num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotGt { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) > num::f64(r!(s, rhs))), target);
});

handler!(|s, BrF64Le { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) <= num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotLe { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) <= num::f64(r!(s, rhs))), target);
});

handler!(|s, BrF64Ge { lhs, rhs, target }| {
    branch_if!(s, num::f64(r!(s, lhs)) >= num::f64(r!(s, rhs)), target);
});

handler!(|s, BrF64NotGe { lhs, rhs, target }| {
    branch_if!(s, !(num::f64(r!(s, lhs)) >= num::f64(r!(s, rhs))), target);
});

// ---- compare-and-branch ----
handler!(|s, BrI32Eq { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) == (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32EqImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) == (imm as i64 as u32), target);
});

handler!(|s, BrI32Ne { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) != (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32NeImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) != (imm as i64 as u32), target);
});

handler!(|s, BrI32LtS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i32) < (r!(s, rhs) as i32), target);
});

handler!(|s, BrI32LtSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i32) < (imm as i64 as i32), target);
});

handler!(|s, BrI32LtU { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) < (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32LtUImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) < (imm as i64 as u32), target);
});

handler!(|s, BrI32GtS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i32) > (r!(s, rhs) as i32), target);
});

handler!(|s, BrI32GtSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i32) > (imm as i64 as i32), target);
});

handler!(|s, BrI32GtU { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) > (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32GtUImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) > (imm as i64 as u32), target);
});

handler!(|s, BrI32LeS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i32) <= (r!(s, rhs) as i32), target);
});

handler!(|s, BrI32LeSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i32) <= (imm as i64 as i32), target);
});

handler!(|s, BrI32LeU { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) <= (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32LeUImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) <= (imm as i64 as u32), target);
});

handler!(|s, BrI32GeS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i32) >= (r!(s, rhs) as i32), target);
});

handler!(|s, BrI32GeSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i32) >= (imm as i64 as i32), target);
});

handler!(|s, BrI32GeU { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as u32) >= (r!(s, rhs) as u32), target);
});

handler!(|s, BrI32GeUImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as u32) >= (imm as i64 as u32), target);
});

handler!(|s, BrI64Eq { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) == r!(s, rhs), target);
});

handler!(|s, BrI64EqImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) == (imm as i64 as u64), target);
});

handler!(|s, BrI64Ne { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) != r!(s, rhs), target);
});

handler!(|s, BrI64NeImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) != (imm as i64 as u64), target);
});

handler!(|s, BrI64LtS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i64) < (r!(s, rhs) as i64), target);
});

handler!(|s, BrI64LtSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i64) < i64::from(imm), target);
});

handler!(|s, BrI64LtU { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) < r!(s, rhs), target);
});

handler!(|s, BrI64LtUImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) < (imm as i64 as u64), target);
});

handler!(|s, BrI64GtS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i64) > (r!(s, rhs) as i64), target);
});

handler!(|s, BrI64GtSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i64) > i64::from(imm), target);
});

handler!(|s, BrI64GtU { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) > r!(s, rhs), target);
});

handler!(|s, BrI64GtUImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) > (imm as i64 as u64), target);
});

handler!(|s, BrI64LeS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i64) <= (r!(s, rhs) as i64), target);
});

handler!(|s, BrI64LeSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i64) <= i64::from(imm), target);
});

handler!(|s, BrI64LeU { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) <= r!(s, rhs), target);
});

handler!(|s, BrI64LeUImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) <= (imm as i64 as u64), target);
});

handler!(|s, BrI64GeS { lhs, rhs, target }| {
    branch_if!(s, (r!(s, lhs) as i64) >= (r!(s, rhs) as i64), target);
});

handler!(|s, BrI64GeSImm { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) as i64) >= i64::from(imm), target);
});

handler!(|s, BrI64GeU { lhs, rhs, target }| {
    branch_if!(s, r!(s, lhs) >= r!(s, rhs), target);
});

handler!(|s, BrI64GeUImm { lhs, imm, target }| {
    branch_if!(s, r!(s, lhs) >= (imm as i64 as u64), target);
});

handler!(|s, BrI32AndImmEqz { lhs, imm, target }| {
    branch_if!(s, ((r!(s, lhs) as u32) & (imm as u32)) == 0, target);
});

handler!(|s, BrI32AndImmNez { lhs, imm, target }| {
    branch_if!(s, ((r!(s, lhs) as u32) & (imm as u32)) != 0, target);
});

handler!(|s, BrI64AndImmEqz { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) & (imm as i64 as u64)) == 0, target);
});

handler!(|s, BrI64AndImmNez { lhs, imm, target }| {
    branch_if!(s, (r!(s, lhs) & (imm as i64 as u64)) != 0, target);
});

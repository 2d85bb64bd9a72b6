//! 32- and 64-bit integer arithmetic, comparisons and bit operations, with slot or immediate
//! right operands.

#[allow(unused_imports)]
use super::*;

// ---- immediates ----
handler!(|s,
          I32ShlAddImm {
              shift,
              dst,
              lhs,
              imm,
          }| {
    r!(s, dst) = u64::from(shl_add(r!(s, lhs), shift, imm));
});

handler!(|s, I32AddImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = u64::from((a as u32).wrapping_add(b as u32));
});

handler!(|s, I32MulImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = u64::from((a as u32).wrapping_mul(b as u32));
});

handler!(|s, I32AndImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a & u64::from(b as u32);
});

handler!(|s, I32OrImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a | u64::from(b as u32);
});

handler!(|s, I32XorImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a ^ u64::from(b as u32);
});

handler!(|s, I32ShlImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = u64::from((a as u32).wrapping_shl(b as u32));
});

handler!(|s, I32ShrSImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = u64::from((a as i32).wrapping_shr(b as u32) as u32);
});

handler!(|s, I32ShrUImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = u64::from((a as u32).wrapping_shr(b as u32));
});

handler!(|s, I32EqImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) == (imm as i64 as u32));
});

handler!(|s, I32NeImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) != (imm as i64 as u32));
});

handler!(|s, I32LtSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i32) < (imm as i64 as i32));
});

handler!(|s, I32LtUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) < (imm as i64 as u32));
});

handler!(|s, I32GtSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i32) > (imm as i64 as i32));
});

handler!(|s, I32GtUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) > (imm as i64 as u32));
});

handler!(|s, I32LeSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i32) <= (imm as i64 as i32));
});

handler!(|s, I32LeUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) <= (imm as i64 as u32));
});

handler!(|s, I32GeSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i32) >= (imm as i64 as i32));
});

handler!(|s, I32GeUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as u32) >= (imm as i64 as u32));
});

handler!(|s, I64AddImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a.wrapping_add(b as i64 as u64);
});

handler!(|s, I64MulImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a.wrapping_mul(b as i64 as u64);
});

handler!(|s, I64AndImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a & (b as i64 as u64);
});

handler!(|s, I64OrImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a | (b as i64 as u64);
});

handler!(|s, I64XorImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a ^ (b as i64 as u64);
});

handler!(|s, I64ShlImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a.wrapping_shl(b as u32);
});

handler!(|s, I64ShrSImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = (a as i64).wrapping_shr(b as u32) as u64;
});

handler!(|s, I64ShrUImm { dst, lhs, imm }| {
    let a = r!(s, lhs);
    let b = imm;
    r!(s, dst) = a.wrapping_shr(b as u32);
});

handler!(|s, I64EqImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) == (imm as i64 as u64));
});

handler!(|s, I64NeImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) != (imm as i64 as u64));
});

handler!(|s, I64LtSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i64) < i64::from(imm));
});

handler!(|s, I64LtUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) < (imm as i64 as u64));
});

handler!(|s, I64GtSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i64) > i64::from(imm));
});

handler!(|s, I64GtUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) > (imm as i64 as u64));
});

handler!(|s, I64LeSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i64) <= i64::from(imm));
});

handler!(|s, I64LeUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) <= (imm as i64 as u64));
});

handler!(|s, I64GeSImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from((r!(s, lhs) as i64) >= i64::from(imm));
});

handler!(|s, I64GeUImm { dst, lhs, imm }| {
    r!(s, dst) = u64::from(r!(s, lhs) >= (imm as i64 as u64));
});

// ---- i32 ----
handler!(|s, I32Eqz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x as u32 == 0));
});

handler!(|s, I32Eq { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 == b as u32));
});

handler!(|s, I32Ne { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 != b as u32));
});

handler!(|s, I32LtS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from((a as i32) < b as i32));
});

handler!(|s, I32LtU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from((a as u32) < b as u32));
});

handler!(|s, I32GtS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 > b as i32));
});

handler!(|s, I32GtU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 > b as u32));
});

handler!(|s, I32LeS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 <= b as i32));
});

handler!(|s, I32LeU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 <= b as u32));
});

handler!(|s, I32GeS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i32 >= b as i32));
});

handler!(|s, I32GeU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as u32 >= b as u32));
});

handler!(|s, I32Clz { dst, src }| {
    un!(s, dst, src, |x| u64::from((x as u32).leading_zeros()));
});

handler!(|s, I32Ctz { dst, src }| {
    un!(s, dst, src, |x| u64::from((x as u32).trailing_zeros()));
});

handler!(|s, I32Popcnt { dst, src }| {
    un!(s, dst, src, |x| u64::from((x as u32).count_ones()));
});

handler!(|s, I32Add { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_add(b as u32)
    ));
});

handler!(|s, I32Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_sub(b as u32)
    ));
});

handler!(|s, I32Mul { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_mul(b as u32)
    ));
});

handler!(|s, I32DivS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        tri!(s, num::i32_div_s(a as i32, b as i32)) as u32
    ));
});

handler!(|s, I32DivU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(tri!(
        s,
        num::i32_div_u(a as u32, b as u32)
    )));
});

handler!(|s, I32RemS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        tri!(s, num::i32_rem_s(a as i32, b as i32)) as u32
    ));
});

handler!(|s, I32RemU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(tri!(
        s,
        num::i32_rem_u(a as u32, b as u32)
    )));
});

handler!(|s, I32And { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a & b);
});

handler!(|s, I32Or { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a | b);
});

handler!(|s, I32Xor { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a ^ b);
});

handler!(|s, I32Shl { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_shl(b as u32)
    ));
});

handler!(|s, I32ShrS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as i32).wrapping_shr(b as u32) as u32
    ));
});

handler!(|s, I32ShrU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_shr(b as u32)
    ));
});

handler!(|s, I32Rotl { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).rotate_left(b as u32 % 32)
    ));
});

handler!(|s, I32Rotr { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).rotate_right(b as u32 % 32)
    ));
});

// ---- i64 ----
handler!(|s, I64Eqz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x == 0));
});

handler!(|s, I64Eq { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a == b));
});

handler!(|s, I64Ne { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a != b));
});

handler!(|s, I64LtS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from((a as i64) < b as i64));
});

handler!(|s, I64LtU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a < b));
});

handler!(|s, I64GtS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 > b as i64));
});

handler!(|s, I64GtU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a > b));
});

handler!(|s, I64LeS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 <= b as i64));
});

handler!(|s, I64LeU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a <= b));
});

handler!(|s, I64GeS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a as i64 >= b as i64));
});

handler!(|s, I64GeU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(a >= b));
});

handler!(|s, I64Clz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.leading_zeros()));
});

handler!(|s, I64Ctz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.trailing_zeros()));
});

handler!(|s, I64Popcnt { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.count_ones()));
});

handler!(|s, I64Add { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_add(b));
});

handler!(|s, I64Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_sub(b));
});

handler!(|s, I64Mul { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_mul(b));
});

handler!(|s, I64DivS { dst, lhs, rhs }| {
    bin!(
        s,
        dst,
        lhs,
        rhs,
        |a, b| tri!(s, num::i64_div_s(a as i64, b as i64)) as u64
    );
});

handler!(|s, I64DivU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_div_u(a, b)));
});

handler!(|s, I64RemS { dst, lhs, rhs }| {
    bin!(
        s,
        dst,
        lhs,
        rhs,
        |a, b| tri!(s, num::i64_rem_s(a as i64, b as i64)) as u64
    );
});

handler!(|s, I64RemU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| tri!(s, num::i64_rem_u(a, b)));
});

handler!(|s, I64And { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a & b);
});

handler!(|s, I64Or { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a | b);
});

handler!(|s, I64Xor { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a ^ b);
});

handler!(|s, I64Shl { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_shl(b as u32));
});

handler!(|s, I64ShrS { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (a as i64).wrapping_shr(b as u32)
        as u64);
});

handler!(|s, I64ShrU { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_shr(b as u32));
});

handler!(|s, I64Rotl { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.rotate_left((b % 64) as u32));
});

handler!(|s, I64Rotr { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.rotate_right((b % 64) as u32));
});

//! 32- and 64-bit integer arithmetic, comparisons and bit operations, with slot or immediate
//! right operands.

#[allow(unused_imports)]
use super::*;

/// The slot and immediate forms of each operation of `ir::for_each_int_binary_imm`.
macro_rules! binary_imm_handlers {
    ($($wide:literal, |$a:ident, $b:ident| $e:expr => $slot:ident, $imm:ident;)*) => {$(
        handler!(|s, $slot { dst, lhs, rhs }| {
            bin!(s, dst, lhs, rhs, |$a, $b| $e);
        });
        handler!(|s, $imm { dst, lhs, imm }| {
            let $a = r!(s, lhs);
            let $b = imm as i64 as u64;
            r!(s, dst) = $e;
        });
    )*};
}
for_each_int_binary_imm!(binary_imm_handlers);

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

// ---- i32 ----
handler!(|s, I32Eqz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x as u32 == 0));
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

handler!(|s, I32Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32).wrapping_sub(b as u32)
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

handler!(|s, I64Clz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.leading_zeros()));
});

handler!(|s, I64Ctz { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.trailing_zeros()));
});

handler!(|s, I64Popcnt { dst, src }| {
    un!(s, dst, src, |x| u64::from(x.count_ones()));
});

handler!(|s, I64Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.wrapping_sub(b));
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

handler!(|s, I64Rotl { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.rotate_left((b % 64) as u32));
});

handler!(|s, I64Rotr { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| a.rotate_right((b % 64) as u32));
});

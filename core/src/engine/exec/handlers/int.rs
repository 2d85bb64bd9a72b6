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

handler!(|s,
          I32ShlAddImm {
              shift,
              dst,
              lhs,
              imm,
          }| {
    r!(s, dst) = u64::from(shl_add(r!(s, lhs), shift, imm));
});

// Binary operations with only a slot form: `dst = f(lhs, rhs)`.
binary_handlers! { s;
    I64DivS: |a, b| tri!(s, num::i64_div_s(a as i64, b as i64)) as u64;
    I64RemS: |a, b| tri!(s, num::i64_rem_s(a as i64, b as i64)) as u64;
    I32Sub: |a, b| u64::from((a as u32).wrapping_sub(b as u32));
    I32DivS: |a, b| u64::from(tri!(s, num::i32_div_s(a as i32, b as i32)) as u32);
    I32DivU: |a, b| u64::from(tri!(s, num::i32_div_u(a as u32, b as u32)));
    I32RemS: |a, b| u64::from(tri!(s, num::i32_rem_s(a as i32, b as i32)) as u32);
    I32RemU: |a, b| u64::from(tri!(s, num::i32_rem_u(a as u32, b as u32)));
    I32Rotl: |a, b| u64::from((a as u32).rotate_left(b as u32 % 32));
    I32Rotr: |a, b| u64::from((a as u32).rotate_right(b as u32 % 32));
    I64Sub: |a, b| a.wrapping_sub(b);
    I64DivU: |a, b| tri!(s, num::i64_div_u(a, b));
    I64RemU: |a, b| tri!(s, num::i64_rem_u(a, b));
    I64Rotl: |a, b| a.rotate_left((b % 64) as u32);
    I64Rotr: |a, b| a.rotate_right((b % 64) as u32);
}

// Unary operations: `dst = f(src)`.
unary_handlers! { s;
    I32Eqz: |x| u64::from(x as u32 == 0);
    I32Clz: |x| u64::from((x as u32).leading_zeros());
    I32Ctz: |x| u64::from((x as u32).trailing_zeros());
    I32Popcnt: |x| u64::from((x as u32).count_ones());
    I64Eqz: |x| u64::from(x == 0);
    I64Clz: |x| u64::from(x.leading_zeros());
    I64Ctz: |x| u64::from(x.trailing_zeros());
    I64Popcnt: |x| u64::from(x.count_ones());
}

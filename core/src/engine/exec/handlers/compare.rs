//! Comparisons, into a slot or fused with the branch that consumes them (jumping when the
//! comparison holds; the float `Not` forms when it does not, NaN included). The integer and
//! float families are generated from their lists in `ir`.

#[allow(unused_imports)]
use super::*;

/// The four handlers of each integer comparison (`ir::for_each_int_compare`).
macro_rules! int_compare_handlers {
    ($($cmp:ident, $wide:tt, $t:ty, $op:tt: $slot:ident, $imm:ident, $br:ident, $br_imm:ident;)*) => {$(
        handler!(|s, $slot { dst, lhs, rhs }| {
            bin!(s, dst, lhs, rhs, |a, b| u64::from((a as $t) $op (b as $t)));
        });
        handler!(|s, $imm { dst, lhs, imm }| {
            r!(s, dst) = u64::from((r!(s, lhs) as $t) $op (imm as i64 as $t));
        });
        handler!(|s, $br { lhs, rhs, target }| {
            branch_if!(s, (r!(s, lhs) as $t) $op (r!(s, rhs) as $t), target);
        });
        handler!(|s, $br_imm { lhs, imm, target }| {
            branch_if!(s, (r!(s, lhs) as $t) $op (imm as i64 as $t), target);
        });
    )*};
}
for_each_int_compare!(int_compare_handlers);

/// The three handlers of each float comparison (`ir::for_each_float_compare`).
macro_rules! float_compare_handlers {
    ($($cmp:ident, $wide:tt, $op:tt: $slot:ident, $br:ident, $br_not:ident;)*) => {$(
        handler!(|s, $slot { dst, lhs, rhs }| {
            bin!(s, dst, lhs, rhs, |a, b| u64::from(float!($wide, a) $op float!($wide, b)));
        });
        handler!(|s, $br { lhs, rhs, target }| {
            branch_if!(s, float!($wide, r!(s, lhs)) $op float!($wide, r!(s, rhs)), target);
        });
        handler!(|s, $br_not { lhs, rhs, target }| {
            branch_if!(s, !(float!($wide, r!(s, lhs)) $op float!($wide, r!(s, rhs))), target);
        });
    )*};
}
for_each_float_compare!(float_compare_handlers);

/// A cell as an `f64` when `$wide`, else as an `f32`.
macro_rules! float {
    (false, $x:expr) => {
        num::f32($x)
    };
    (true, $x:expr) => {
        num::f64($x)
    };
}
use float;

// ---- bit tests ----
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

//! Peephole forms: immediate operands and compare-and-branch fusion.
//!
//! A comparison whose only use is the branch right after it becomes one instruction that
//! compares and jumps; a constant right operand becomes an immediate instead of a slot.

use super::ir::{
    for_each_float_compare, for_each_int_binary_imm, for_each_int_compare, for_each_load,
    for_each_store, Instr, Slot, Target,
};

/// A comparison of two integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

/// The right operand of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rhs {
    Slot(Slot),
    Imm(i32),
}

/// A comparison that can be folded into the branch consuming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    Int {
        cmp: Cmp,
        wide: bool,
        lhs: Slot,
        rhs: Rhs,
    },
    /// `(lhs & mask) == 0` (`zero`) or `!= 0`, `mask` sign-extended when `wide`: a bit test.
    Test {
        wide: bool,
        lhs: Slot,
        mask: i32,
        zero: bool,
    },
    /// A float comparison; `negated` means "jump when it is false" (not the inverse
    /// comparison, which differs for NaN).
    Float {
        cmp: FloatCmp,
        wide: bool,
        negated: bool,
        lhs: Slot,
        rhs: Slot,
    },
}

/// A comparison of two floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl Compare {
    /// The comparison that holds exactly when this one does not.
    pub(crate) fn negate(mut self) -> Compare {
        match &mut self {
            Compare::Int { cmp, .. } => *cmp = cmp.negate(),
            Compare::Test { zero, .. } => *zero = !*zero,
            // Not the inverse comparison, which differs for NaN: the same one, jumping when
            // it is false.
            Compare::Float { negated, .. } => *negated = !*negated,
        }
        self
    }
}

impl Cmp {
    /// The comparison that holds exactly when this one does not.
    pub(crate) fn negate(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::LtS => Cmp::GeS,
            Cmp::LtU => Cmp::GeU,
            Cmp::GtS => Cmp::LeS,
            Cmp::GtU => Cmp::LeU,
            Cmp::LeS => Cmp::GtS,
            Cmp::LeU => Cmp::GtU,
            Cmp::GeS => Cmp::LtS,
            Cmp::GeU => Cmp::LtU,
        }
    }
}

/// The comparison an instruction computes into `dst`, if it is one.
pub(crate) fn compare_of(instr: &Instr) -> Option<(Slot, Compare)> {
    match *instr {
        Instr::I32Eqz { dst, src } => Some((dst, Compare::int(Cmp::Eq, false, src, Rhs::Imm(0)))),
        Instr::I64Eqz { dst, src } => Some((dst, Compare::int(Cmp::Eq, true, src, Rhs::Imm(0)))),
        _ => int_compare_of(instr).or_else(|| float_compare_of(instr)),
    }
}

impl Compare {
    fn int(cmp: Cmp, wide: bool, lhs: Slot, rhs: Rhs) -> Self {
        Compare::Int {
            cmp,
            wide,
            lhs,
            rhs,
        }
    }
}

/// The instruction that jumps to `target` when `c` holds.
pub(crate) fn branch_on(c: Compare, target: Target) -> Instr {
    match c {
        Compare::Int {
            cmp,
            wide,
            lhs,
            rhs,
        } => int_branch(cmp, wide, lhs, rhs, target),
        Compare::Float {
            cmp,
            wide,
            negated,
            lhs,
            rhs,
        } => float_branch(cmp, wide, negated, lhs, rhs, target),
        Compare::Test {
            wide,
            lhs,
            mask: imm,
            zero,
        } => match (wide, zero) {
            (false, true) => Instr::BrI32AndImmEqz { lhs, imm, target },
            (false, false) => Instr::BrI32AndImmNez { lhs, imm, target },
            (true, true) => Instr::BrI64AndImmEqz { lhs, imm, target },
            (true, false) => Instr::BrI64AndImmNez { lhs, imm, target },
        },
    }
}

/// The integer comparison tables, from `ir::for_each_int_compare`: which comparison an
/// instruction computes, the branch for a comparison (an exhaustive match: a comparison missing
/// from the list fails to compile), and the immediate form of a comparison into a slot.
macro_rules! int_compare_tables {
    ($($cmp:ident, $wide:literal, $t:ty, $op:tt: $slot:ident, $imm:ident, $br:ident, $br_imm:ident;)*) => {
        fn int_compare_of(instr: &Instr) -> Option<(Slot, Compare)> {
            let (dst, cmp, wide, lhs, rhs) = match *instr {
                $(
                    Instr::$slot { dst, lhs, rhs } => (dst, Cmp::$cmp, $wide, lhs, Rhs::Slot(rhs)),
                    Instr::$imm { dst, lhs, imm } => (dst, Cmp::$cmp, $wide, lhs, Rhs::Imm(imm)),
                )*
                _ => return None,
            };
            Some((dst, Compare::int(cmp, wide, lhs, rhs)))
        }

        fn int_branch(cmp: Cmp, wide: bool, lhs: Slot, rhs: Rhs, target: Target) -> Instr {
            match (cmp, wide, rhs) {
                $(
                    (Cmp::$cmp, $wide, Rhs::Slot(rhs)) => Instr::$br { lhs, rhs, target },
                    (Cmp::$cmp, $wide, Rhs::Imm(imm)) => Instr::$br_imm { lhs, imm, target },
                )*
            }
        }

        fn int_compare_imm_form(instr: &Instr, imm: Imm, dst: Slot, lhs: Slot) -> Option<Instr> {
            Some(match *instr {
                $( Instr::$slot { .. } => Instr::$imm { dst, lhs, imm: imm.get($wide)? }, )*
                _ => return None,
            })
        }
    };
}
for_each_int_compare!(int_compare_tables);

/// The float comparison tables, from `ir::for_each_float_compare`, as for integers.
macro_rules! float_compare_tables {
    ($($cmp:ident, $wide:literal, $op:tt: $slot:ident, $br:ident, $br_not:ident;)*) => {
        fn float_compare_of(instr: &Instr) -> Option<(Slot, Compare)> {
            let (dst, cmp, wide, lhs, rhs) = match *instr {
                $( Instr::$slot { dst, lhs, rhs } => (dst, FloatCmp::$cmp, $wide, lhs, rhs), )*
                _ => return None,
            };
            let negated = false;
            Some((dst, Compare::Float { cmp, wide, negated, lhs, rhs }))
        }

        fn float_branch(
            cmp: FloatCmp,
            wide: bool,
            negated: bool,
            lhs: Slot,
            rhs: Slot,
            target: Target,
        ) -> Instr {
            match (cmp, wide, negated) {
                $(
                    (FloatCmp::$cmp, $wide, false) => Instr::$br { lhs, rhs, target },
                    (FloatCmp::$cmp, $wide, true) => Instr::$br_not { lhs, rhs, target },
                )*
            }
        }
    };
}
for_each_float_compare!(float_compare_tables);

/// A constant right operand, as the immediate of a 32-bit or a 64-bit operation.
#[derive(Clone, Copy)]
struct Imm(u64);

impl Imm {
    /// The immediate: for 32-bit operations the low 32 bits; for 64-bit ones the value if it
    /// fits in 32 bits sign-extended.
    fn get(self, wide: bool) -> Option<i32> {
        if wide {
            i32::try_from(self.0 as i64).ok()
        } else {
            Some(self.0 as u32 as i32)
        }
    }
}

/// The immediate form of a binary operation whose right operand is the constant `value`
/// (a cell), if it has one and the constant fits in 32 bits (sign-extended for i64).
pub(crate) fn imm_form(instr: &Instr, value: u64, dst: Slot, lhs: Slot) -> Option<Instr> {
    let imm = Imm(value);
    match *instr {
        // `x - C` is `x + (-C)`.
        Instr::I32Sub { .. } => Some(Instr::I32AddImm {
            dst,
            lhs,
            imm: (value as u32 as i32).wrapping_neg(),
        }),
        Instr::I64Sub { .. } => Some(Instr::I64AddImm {
            dst,
            lhs,
            imm: i32::try_from((value as i64).checked_neg()?).ok()?,
        }),
        _ => binary_imm_form(instr, imm, dst, lhs)
            .or_else(|| int_compare_imm_form(instr, imm, dst, lhs)),
    }
}

/// The immediate forms of `ir::for_each_int_binary_imm`.
macro_rules! binary_imm_table {
    ($($wide:literal, |$a:ident, $b:ident| $e:expr => $slot:ident, $imm:ident;)*) => {
        fn binary_imm_form(instr: &Instr, imm: Imm, dst: Slot, lhs: Slot) -> Option<Instr> {
            Some(match *instr {
                $( Instr::$slot { .. } => Instr::$imm { dst, lhs, imm: imm.get($wide)? }, )*
                _ => return None,
            })
        }
    };
}
for_each_int_binary_imm!(binary_imm_table);

/// Whether the operands of a binary operation may be swapped.
pub(crate) fn is_commutative(instr: &Instr) -> bool {
    use Instr::*;
    matches!(
        instr,
        I32Add { .. }
            | I32Mul { .. }
            | I32And { .. }
            | I32Or { .. }
            | I32Xor { .. }
            | I32Eq { .. }
            | I32Ne { .. }
            | I64Add { .. }
            | I64Mul { .. }
            | I64And { .. }
            | I64Or { .. }
            | I64Xor { .. }
            | I64Eq { .. }
            | I64Ne { .. }
    )
}

/// The fused `base + imm` forms of loads and stores with offset 0, from `ir::for_each_load`
/// and `ir::for_each_store` (`probe` is the load or store, with any operands).
macro_rules! add_imm_tables {
    (load: $($n:literal, |$b:ident| $e:expr => $load:ident, $load_add_imm:ident;)*) => {
        pub(crate) fn load_add_imm(probe: &Instr, dst: Slot, base: Slot, imm: i32) -> Option<Instr> {
            Some(match probe {
                $( Instr::$load { .. } => Instr::$load_add_imm { dst, base, imm }, )*
                _ => return None,
            })
        }
    };
    (store: $($n:literal, |$v:ident| $e:expr => $store:ident, $store_add_imm:ident;)*) => {
        pub(crate) fn store_add_imm(probe: &Instr, base: Slot, src: Slot, imm: i32) -> Option<Instr> {
            Some(match probe {
                $( Instr::$store { .. } => Instr::$store_add_imm { base, src, imm }, )*
                _ => return None,
            })
        }
    };
}
macro_rules! load_add_imm_table {
    ($($t:tt)*) => { add_imm_tables!(load: $($t)*); };
}
macro_rules! store_add_imm_table {
    ($($t:tt)*) => { add_imm_tables!(store: $($t)*); };
}
for_each_load!(load_add_imm_table);
for_each_store!(store_add_imm_table);

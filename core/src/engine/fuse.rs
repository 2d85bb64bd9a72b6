//! Peephole forms: immediate operands and compare-and-branch fusion.
//!
//! A comparison whose only use is the branch right after it becomes one instruction that
//! compares and jumps; a constant right operand becomes an immediate instead of a slot.

use super::ir::{Instr, Slot, Target};

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
    pub(crate) fn negate(self) -> Compare {
        match self {
            Compare::Int {
                cmp,
                wide,
                lhs,
                rhs,
            } => Compare::Int {
                cmp: cmp.negate(),
                wide,
                lhs,
                rhs,
            },
            Compare::Test {
                wide,
                lhs,
                mask,
                zero,
            } => Compare::Test {
                wide,
                lhs,
                mask,
                zero: !zero,
            },
            Compare::Float {
                cmp,
                wide,
                negated,
                lhs,
                rhs,
            } => Compare::Float {
                cmp,
                wide,
                negated: !negated,
                lhs,
                rhs,
            },
        }
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
    use Instr::*;
    let float = |dst: Slot, cmp: FloatCmp, wide: bool, lhs: Slot, rhs: Slot| {
        Some((
            dst,
            Compare::Float {
                cmp,
                wide,
                negated: false,
                lhs,
                rhs,
            },
        ))
    };
    let (dst, cmp, wide, lhs, rhs) = match *instr {
        F32Eq { dst, lhs, rhs } => return float(dst, FloatCmp::Eq, false, lhs, rhs),
        F32Ne { dst, lhs, rhs } => return float(dst, FloatCmp::Ne, false, lhs, rhs),
        F32Lt { dst, lhs, rhs } => return float(dst, FloatCmp::Lt, false, lhs, rhs),
        F32Gt { dst, lhs, rhs } => return float(dst, FloatCmp::Gt, false, lhs, rhs),
        F32Le { dst, lhs, rhs } => return float(dst, FloatCmp::Le, false, lhs, rhs),
        F32Ge { dst, lhs, rhs } => return float(dst, FloatCmp::Ge, false, lhs, rhs),
        F64Eq { dst, lhs, rhs } => return float(dst, FloatCmp::Eq, true, lhs, rhs),
        F64Ne { dst, lhs, rhs } => return float(dst, FloatCmp::Ne, true, lhs, rhs),
        F64Lt { dst, lhs, rhs } => return float(dst, FloatCmp::Lt, true, lhs, rhs),
        F64Gt { dst, lhs, rhs } => return float(dst, FloatCmp::Gt, true, lhs, rhs),
        F64Le { dst, lhs, rhs } => return float(dst, FloatCmp::Le, true, lhs, rhs),
        F64Ge { dst, lhs, rhs } => return float(dst, FloatCmp::Ge, true, lhs, rhs),

        I32Eqz { dst, src } => (dst, Cmp::Eq, false, src, Rhs::Imm(0)),
        I64Eqz { dst, src } => (dst, Cmp::Eq, true, src, Rhs::Imm(0)),
        I32Eq { dst, lhs, rhs } => (dst, Cmp::Eq, false, lhs, Rhs::Slot(rhs)),
        I32EqImm { dst, lhs, imm } => (dst, Cmp::Eq, false, lhs, Rhs::Imm(imm)),
        I32Ne { dst, lhs, rhs } => (dst, Cmp::Ne, false, lhs, Rhs::Slot(rhs)),
        I32NeImm { dst, lhs, imm } => (dst, Cmp::Ne, false, lhs, Rhs::Imm(imm)),
        I32LtS { dst, lhs, rhs } => (dst, Cmp::LtS, false, lhs, Rhs::Slot(rhs)),
        I32LtSImm { dst, lhs, imm } => (dst, Cmp::LtS, false, lhs, Rhs::Imm(imm)),
        I32LtU { dst, lhs, rhs } => (dst, Cmp::LtU, false, lhs, Rhs::Slot(rhs)),
        I32LtUImm { dst, lhs, imm } => (dst, Cmp::LtU, false, lhs, Rhs::Imm(imm)),
        I32GtS { dst, lhs, rhs } => (dst, Cmp::GtS, false, lhs, Rhs::Slot(rhs)),
        I32GtSImm { dst, lhs, imm } => (dst, Cmp::GtS, false, lhs, Rhs::Imm(imm)),
        I32GtU { dst, lhs, rhs } => (dst, Cmp::GtU, false, lhs, Rhs::Slot(rhs)),
        I32GtUImm { dst, lhs, imm } => (dst, Cmp::GtU, false, lhs, Rhs::Imm(imm)),
        I32LeS { dst, lhs, rhs } => (dst, Cmp::LeS, false, lhs, Rhs::Slot(rhs)),
        I32LeSImm { dst, lhs, imm } => (dst, Cmp::LeS, false, lhs, Rhs::Imm(imm)),
        I32LeU { dst, lhs, rhs } => (dst, Cmp::LeU, false, lhs, Rhs::Slot(rhs)),
        I32LeUImm { dst, lhs, imm } => (dst, Cmp::LeU, false, lhs, Rhs::Imm(imm)),
        I32GeS { dst, lhs, rhs } => (dst, Cmp::GeS, false, lhs, Rhs::Slot(rhs)),
        I32GeSImm { dst, lhs, imm } => (dst, Cmp::GeS, false, lhs, Rhs::Imm(imm)),
        I32GeU { dst, lhs, rhs } => (dst, Cmp::GeU, false, lhs, Rhs::Slot(rhs)),
        I32GeUImm { dst, lhs, imm } => (dst, Cmp::GeU, false, lhs, Rhs::Imm(imm)),
        I64Eq { dst, lhs, rhs } => (dst, Cmp::Eq, true, lhs, Rhs::Slot(rhs)),
        I64EqImm { dst, lhs, imm } => (dst, Cmp::Eq, true, lhs, Rhs::Imm(imm)),
        I64Ne { dst, lhs, rhs } => (dst, Cmp::Ne, true, lhs, Rhs::Slot(rhs)),
        I64NeImm { dst, lhs, imm } => (dst, Cmp::Ne, true, lhs, Rhs::Imm(imm)),
        I64LtS { dst, lhs, rhs } => (dst, Cmp::LtS, true, lhs, Rhs::Slot(rhs)),
        I64LtSImm { dst, lhs, imm } => (dst, Cmp::LtS, true, lhs, Rhs::Imm(imm)),
        I64LtU { dst, lhs, rhs } => (dst, Cmp::LtU, true, lhs, Rhs::Slot(rhs)),
        I64LtUImm { dst, lhs, imm } => (dst, Cmp::LtU, true, lhs, Rhs::Imm(imm)),
        I64GtS { dst, lhs, rhs } => (dst, Cmp::GtS, true, lhs, Rhs::Slot(rhs)),
        I64GtSImm { dst, lhs, imm } => (dst, Cmp::GtS, true, lhs, Rhs::Imm(imm)),
        I64GtU { dst, lhs, rhs } => (dst, Cmp::GtU, true, lhs, Rhs::Slot(rhs)),
        I64GtUImm { dst, lhs, imm } => (dst, Cmp::GtU, true, lhs, Rhs::Imm(imm)),
        I64LeS { dst, lhs, rhs } => (dst, Cmp::LeS, true, lhs, Rhs::Slot(rhs)),
        I64LeSImm { dst, lhs, imm } => (dst, Cmp::LeS, true, lhs, Rhs::Imm(imm)),
        I64LeU { dst, lhs, rhs } => (dst, Cmp::LeU, true, lhs, Rhs::Slot(rhs)),
        I64LeUImm { dst, lhs, imm } => (dst, Cmp::LeU, true, lhs, Rhs::Imm(imm)),
        I64GeS { dst, lhs, rhs } => (dst, Cmp::GeS, true, lhs, Rhs::Slot(rhs)),
        I64GeSImm { dst, lhs, imm } => (dst, Cmp::GeS, true, lhs, Rhs::Imm(imm)),
        I64GeU { dst, lhs, rhs } => (dst, Cmp::GeU, true, lhs, Rhs::Slot(rhs)),
        I64GeUImm { dst, lhs, imm } => (dst, Cmp::GeU, true, lhs, Rhs::Imm(imm)),
        _ => return None,
    };
    Some((
        dst,
        Compare::Int {
            cmp,
            wide,
            lhs,
            rhs,
        },
    ))
}

/// The instruction that jumps to `target` when `c` holds.
pub(crate) fn branch_on(c: Compare, target: Target) -> Instr {
    use Instr::*;
    let (cmp, wide, lhs, rhs) = match c {
        Compare::Int {
            cmp,
            wide,
            lhs,
            rhs,
        } => (cmp, wide, lhs, rhs),
        Compare::Float {
            cmp,
            wide,
            negated,
            lhs,
            rhs,
        } => return float_branch(cmp, wide, negated, lhs, rhs, target),
        Compare::Test {
            wide,
            lhs,
            mask: imm,
            zero,
        } => {
            return match (wide, zero) {
                (false, true) => BrI32AndImmEqz { lhs, imm, target },
                (false, false) => BrI32AndImmNez { lhs, imm, target },
                (true, true) => BrI64AndImmEqz { lhs, imm, target },
                (true, false) => BrI64AndImmNez { lhs, imm, target },
            }
        }
    };
    match (wide, rhs) {
        (false, Rhs::Slot(rhs)) => match cmp {
            Cmp::Eq => BrI32Eq { lhs, rhs, target },
            Cmp::Ne => BrI32Ne { lhs, rhs, target },
            Cmp::LtS => BrI32LtS { lhs, rhs, target },
            Cmp::LtU => BrI32LtU { lhs, rhs, target },
            Cmp::GtS => BrI32GtS { lhs, rhs, target },
            Cmp::GtU => BrI32GtU { lhs, rhs, target },
            Cmp::LeS => BrI32LeS { lhs, rhs, target },
            Cmp::LeU => BrI32LeU { lhs, rhs, target },
            Cmp::GeS => BrI32GeS { lhs, rhs, target },
            Cmp::GeU => BrI32GeU { lhs, rhs, target },
        },
        (false, Rhs::Imm(imm)) => match cmp {
            Cmp::Eq => BrI32EqImm { lhs, imm, target },
            Cmp::Ne => BrI32NeImm { lhs, imm, target },
            Cmp::LtS => BrI32LtSImm { lhs, imm, target },
            Cmp::LtU => BrI32LtUImm { lhs, imm, target },
            Cmp::GtS => BrI32GtSImm { lhs, imm, target },
            Cmp::GtU => BrI32GtUImm { lhs, imm, target },
            Cmp::LeS => BrI32LeSImm { lhs, imm, target },
            Cmp::LeU => BrI32LeUImm { lhs, imm, target },
            Cmp::GeS => BrI32GeSImm { lhs, imm, target },
            Cmp::GeU => BrI32GeUImm { lhs, imm, target },
        },
        (true, Rhs::Slot(rhs)) => match cmp {
            Cmp::Eq => BrI64Eq { lhs, rhs, target },
            Cmp::Ne => BrI64Ne { lhs, rhs, target },
            Cmp::LtS => BrI64LtS { lhs, rhs, target },
            Cmp::LtU => BrI64LtU { lhs, rhs, target },
            Cmp::GtS => BrI64GtS { lhs, rhs, target },
            Cmp::GtU => BrI64GtU { lhs, rhs, target },
            Cmp::LeS => BrI64LeS { lhs, rhs, target },
            Cmp::LeU => BrI64LeU { lhs, rhs, target },
            Cmp::GeS => BrI64GeS { lhs, rhs, target },
            Cmp::GeU => BrI64GeU { lhs, rhs, target },
        },
        (true, Rhs::Imm(imm)) => match cmp {
            Cmp::Eq => BrI64EqImm { lhs, imm, target },
            Cmp::Ne => BrI64NeImm { lhs, imm, target },
            Cmp::LtS => BrI64LtSImm { lhs, imm, target },
            Cmp::LtU => BrI64LtUImm { lhs, imm, target },
            Cmp::GtS => BrI64GtSImm { lhs, imm, target },
            Cmp::GtU => BrI64GtUImm { lhs, imm, target },
            Cmp::LeS => BrI64LeSImm { lhs, imm, target },
            Cmp::LeU => BrI64LeUImm { lhs, imm, target },
            Cmp::GeS => BrI64GeSImm { lhs, imm, target },
            Cmp::GeU => BrI64GeUImm { lhs, imm, target },
        },
    }
}

fn float_branch(
    cmp: FloatCmp,
    wide: bool,
    negated: bool,
    lhs: Slot,
    rhs: Slot,
    target: Target,
) -> Instr {
    use Instr::*;
    match (wide, negated, cmp) {
        (false, false, FloatCmp::Eq) => BrF32Eq { lhs, rhs, target },
        (false, false, FloatCmp::Ne) => BrF32Ne { lhs, rhs, target },
        (false, false, FloatCmp::Lt) => BrF32Lt { lhs, rhs, target },
        (false, false, FloatCmp::Gt) => BrF32Gt { lhs, rhs, target },
        (false, false, FloatCmp::Le) => BrF32Le { lhs, rhs, target },
        (false, false, FloatCmp::Ge) => BrF32Ge { lhs, rhs, target },
        (false, true, FloatCmp::Eq) => BrF32NotEq { lhs, rhs, target },
        (false, true, FloatCmp::Ne) => BrF32NotNe { lhs, rhs, target },
        (false, true, FloatCmp::Lt) => BrF32NotLt { lhs, rhs, target },
        (false, true, FloatCmp::Gt) => BrF32NotGt { lhs, rhs, target },
        (false, true, FloatCmp::Le) => BrF32NotLe { lhs, rhs, target },
        (false, true, FloatCmp::Ge) => BrF32NotGe { lhs, rhs, target },
        (true, false, FloatCmp::Eq) => BrF64Eq { lhs, rhs, target },
        (true, false, FloatCmp::Ne) => BrF64Ne { lhs, rhs, target },
        (true, false, FloatCmp::Lt) => BrF64Lt { lhs, rhs, target },
        (true, false, FloatCmp::Gt) => BrF64Gt { lhs, rhs, target },
        (true, false, FloatCmp::Le) => BrF64Le { lhs, rhs, target },
        (true, false, FloatCmp::Ge) => BrF64Ge { lhs, rhs, target },
        (true, true, FloatCmp::Eq) => BrF64NotEq { lhs, rhs, target },
        (true, true, FloatCmp::Ne) => BrF64NotNe { lhs, rhs, target },
        (true, true, FloatCmp::Lt) => BrF64NotLt { lhs, rhs, target },
        (true, true, FloatCmp::Gt) => BrF64NotGt { lhs, rhs, target },
        (true, true, FloatCmp::Le) => BrF64NotLe { lhs, rhs, target },
        (true, true, FloatCmp::Ge) => BrF64NotGe { lhs, rhs, target },
    }
}

/// The immediate form of a binary operation whose right operand is the constant `value`
/// (a cell), if it has one and the constant fits in 32 bits (sign-extended for i64).
pub(crate) fn imm_form(instr: &Instr, value: u64, dst: Slot, lhs: Slot) -> Option<Instr> {
    use Instr::*;
    let narrow = value as u32 as i32;
    let wide = i32::try_from(value as i64).ok();
    Some(match *instr {
        I32Sub { .. } => I32AddImm {
            dst,
            lhs,
            imm: narrow.wrapping_neg(),
        },
        I64Sub { .. } => I64AddImm {
            dst,
            lhs,
            imm: i32::try_from((value as i64).checked_neg()?).ok()?,
        },
        I32Add { .. } => I32AddImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Add { .. } => I64AddImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Mul { .. } => I32MulImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Mul { .. } => I64MulImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32And { .. } => I32AndImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64And { .. } => I64AndImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Or { .. } => I32OrImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Or { .. } => I64OrImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Xor { .. } => I32XorImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Xor { .. } => I64XorImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Shl { .. } => I32ShlImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Shl { .. } => I64ShlImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32ShrS { .. } => I32ShrSImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64ShrS { .. } => I64ShrSImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32ShrU { .. } => I32ShrUImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64ShrU { .. } => I64ShrUImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Eq { .. } => I32EqImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Eq { .. } => I64EqImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32Ne { .. } => I32NeImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64Ne { .. } => I64NeImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32LtS { .. } => I32LtSImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64LtS { .. } => I64LtSImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32LtU { .. } => I32LtUImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64LtU { .. } => I64LtUImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32GtS { .. } => I32GtSImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64GtS { .. } => I64GtSImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32GtU { .. } => I32GtUImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64GtU { .. } => I64GtUImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32LeS { .. } => I32LeSImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64LeS { .. } => I64LeSImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32LeU { .. } => I32LeUImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64LeU { .. } => I64LeUImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32GeS { .. } => I32GeSImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64GeS { .. } => I64GeSImm {
            dst,
            lhs,
            imm: wide?,
        },
        I32GeU { .. } => I32GeUImm {
            dst,
            lhs,
            imm: narrow,
        },
        I64GeU { .. } => I64GeUImm {
            dst,
            lhs,
            imm: wide?,
        },
        _ => return None,
    })
}

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

/// The fused `load(base + imm)` form of a load with offset 0 (`probe` is the load, any operands).
pub(crate) fn load_add_imm(probe: &Instr, dst: Slot, base: Slot, imm: i32) -> Option<Instr> {
    use Instr::*;
    Some(match probe {
        Load32 { .. } => Load32AddImm { dst, base, imm },
        Load64 { .. } => Load64AddImm { dst, base, imm },
        Load8S { .. } => Load8SAddImm { dst, base, imm },
        Load8U { .. } => Load8UAddImm { dst, base, imm },
        Load16S { .. } => Load16SAddImm { dst, base, imm },
        Load16U { .. } => Load16UAddImm { dst, base, imm },
        Load32S { .. } => Load32SAddImm { dst, base, imm },
        _ => return None,
    })
}

/// The fused `store(base + imm)` form of a store with offset 0 (`probe` is the store, any
/// operands).
pub(crate) fn store_add_imm(probe: &Instr, base: Slot, src: Slot, imm: i32) -> Option<Instr> {
    use Instr::*;
    Some(match probe {
        Store8 { .. } => Store8AddImm { base, src, imm },
        Store16 { .. } => Store16AddImm { base, src, imm },
        Store32 { .. } => Store32AddImm { base, src, imm },
        Store64 { .. } => Store64AddImm { base, src, imm },
        _ => return None,
    })
}

//! Numeric semantics that Rust's operators do not give directly: trapping division and
//! truncation, and IEEE 754-2019 min/max with wasm's NaN and signed-zero rules.

use crate::error::TrapCode;
use crate::value::Cell;

/// A value, or the trap that replaces it (a plain code, so the interpreter's hot paths never
/// build an `Error`).
pub(crate) type Trapping<T> = core::result::Result<T, TrapCode>;

#[inline]
pub(crate) fn f32(c: Cell) -> f32 {
    f32::from_bits(c as u32)
}

#[inline]
pub(crate) fn f64(c: Cell) -> f64 {
    f64::from_bits(c)
}

#[inline]
pub(crate) fn from_f32(v: f32) -> Cell {
    u64::from(v.to_bits())
}

/// Applies a rounding function; NaN inputs come back quieted (libm returns them unchanged, but
/// wasm requires an arithmetic NaN).
#[inline]
pub(crate) fn round_f32(x: Cell, f: fn(f32) -> f32) -> Cell {
    let v = f32(x);
    if v.is_nan() {
        return u64::from(v.to_bits() | 0x0040_0000);
    }
    from_f32(f(v))
}

#[inline]
pub(crate) fn round_f64(x: Cell, f: fn(f64) -> f64) -> Cell {
    let v = f64(x);
    if v.is_nan() {
        return v.to_bits() | 0x0008_0000_0000_0000;
    }
    f(v).to_bits()
}

pub(crate) fn i32_div_s(a: i32, b: i32) -> Trapping<i32> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

pub(crate) fn i32_div_u(a: u32, b: u32) -> Trapping<u32> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivideByZero)
}

pub(crate) fn i32_rem_s(a: i32, b: i32) -> Trapping<i32> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}

pub(crate) fn i32_rem_u(a: u32, b: u32) -> Trapping<u32> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivideByZero)
}

pub(crate) fn i64_div_s(a: i64, b: i64) -> Trapping<i64> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

pub(crate) fn i64_div_u(a: u64, b: u64) -> Trapping<u64> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivideByZero)
}

pub(crate) fn i64_rem_s(a: i64, b: i64) -> Trapping<i64> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}

pub(crate) fn i64_rem_u(a: u64, b: u64) -> Trapping<u64> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivideByZero)
}

/// Truncates toward zero, trapping on NaN and on results outside `(lo, hi)` (exclusive bounds
/// given as the nearest values that are out of range). Every f32 converts to f64 exactly, so one
/// f64 routine serves both widths.
fn trunc_checked(x: f64, lo: f64, hi: f64) -> Trapping<f64> {
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    let t = libm::trunc(x);
    if t <= lo || t >= hi {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(t)
}

pub(crate) fn trunc_i32(x: f64) -> Trapping<i32> {
    Ok(trunc_checked(x, -2147483649.0, 2147483648.0)? as i32)
}

pub(crate) fn trunc_u32(x: f64) -> Trapping<u32> {
    Ok(trunc_checked(x, -1.0, 4294967296.0)? as u32)
}

pub(crate) fn trunc_i64(x: f64) -> Trapping<i64> {
    // -2^63 is representable and in range; the next lower f64 is out of range.
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    let t = libm::trunc(x);
    if !(-9223372036854775808.0..9223372036854775808.0).contains(&t) {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(t as i64)
}

pub(crate) fn trunc_u64(x: f64) -> Trapping<u64> {
    Ok(trunc_checked(x, -1.0, 18446744073709551616.0)? as u64)
}

pub(crate) fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        // -0 and +0 compare equal; the minimum is -0 if either is.
        return f32::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b {
        a
    } else {
        b
    }
}

pub(crate) fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f32::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b {
        a
    } else {
        b
    }
}

pub(crate) fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b {
        a
    } else {
        b
    }
}

pub(crate) fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_bounds() {
        assert_eq!(trunc_i32(-2147483648.9).ok(), Some(i32::MIN));
        assert!(trunc_i32(-2147483649.0).is_err());
        assert!(trunc_i32(2147483648.0).is_err());
        assert_eq!(trunc_u32(-0.9).ok(), Some(0));
        assert!(trunc_u32(-1.0).is_err());
        assert_eq!(trunc_i64(-9223372036854775808.0).ok(), Some(i64::MIN));
        assert!(trunc_i64(9223372036854775808.0).is_err());
        assert_eq!(
            trunc_i32(f64::NAN).err(),
            Some(TrapCode::InvalidConversionToInteger)
        );
    }

    #[test]
    fn min_max_signed_zero() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f32_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_min(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn division_traps() {
        assert_eq!(
            i32_div_s(i32::MIN, -1).err(),
            Some(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_rem_s(i32::MIN, -1).ok(), Some(0));
        assert_eq!(i64_rem_u(1, 0).err(), Some(TrapCode::IntegerDivideByZero));
    }
}

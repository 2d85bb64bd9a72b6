//! 32- and 64-bit float arithmetic and comparisons.

#[allow(unused_imports)]
use super::*;

// Binary operations with only a slot form: `dst = f(lhs, rhs)`.
binary_handlers! { s;
    F32Add: |a, b| num::from_f32(num::f32(a) + num::f32(b));
    F32Sub: |a, b| num::from_f32(num::f32(a) - num::f32(b));
    F32Mul: |a, b| num::from_f32(num::f32(a) * num::f32(b));
    F32Div: |a, b| num::from_f32(num::f32(a) / num::f32(b));
    F32Min: |a, b| num::from_f32(num::f32_min(num::f32(a), num::f32(b)));
    F32Max: |a, b| num::from_f32(num::f32_max(num::f32(a), num::f32(b)));
    F32Copysign: |a, b| u64::from((a as u32 & 0x7fff_ffff) | (b as u32 & 0x8000_0000));
    F64Add: |a, b| (num::f64(a) + num::f64(b)).to_bits();
    F64Sub: |a, b| (num::f64(a) - num::f64(b)).to_bits();
    F64Mul: |a, b| (num::f64(a) * num::f64(b)).to_bits();
    F64Div: |a, b| (num::f64(a) / num::f64(b)).to_bits();
    F64Min: |a, b| num::f64_min(num::f64(a), num::f64(b)).to_bits();
    F64Max: |a, b| num::f64_max(num::f64(a), num::f64(b)).to_bits();
    F64Copysign: |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000);
}

// Unary operations: `dst = f(src)`.
unary_handlers! { s;
    F32Abs: |x| u64::from(x as u32 & 0x7fff_ffff);
    F32Neg: |x| u64::from(x as u32 ^ 0x8000_0000);
    F32Ceil: |x| num::round_f32(x, libm::ceilf);
    F32Floor: |x| num::round_f32(x, libm::floorf);
    F32Trunc: |x| num::round_f32(x, libm::truncf);
    F32Nearest: |x| num::round_f32(x, libm::rintf);
    F32Sqrt: |x| num::from_f32(libm::sqrtf(num::f32(x)));
    F64Abs: |x| x & 0x7fff_ffff_ffff_ffff;
    F64Neg: |x| x ^ 0x8000_0000_0000_0000;
    F64Ceil: |x| num::round_f64(x, libm::ceil);
    F64Floor: |x| num::round_f64(x, libm::floor);
    F64Trunc: |x| num::round_f64(x, libm::trunc);
    F64Nearest: |x| num::round_f64(x, libm::rint);
    F64Sqrt: |x| libm::sqrt(num::f64(x)).to_bits();
}

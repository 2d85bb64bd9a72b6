//! 32- and 64-bit float arithmetic and comparisons.

#[allow(unused_imports)]
use super::*;

// ---- f32 ----
handler!(|s, F32Abs { dst, src }| {
    un!(s, dst, src, |x| u64::from(x as u32 & 0x7fff_ffff));
});

handler!(|s, F32Neg { dst, src }| {
    un!(s, dst, src, |x| u64::from(x as u32 ^ 0x8000_0000));
});

handler!(|s, F32Ceil { dst, src }| {
    un!(s, dst, src, |x| num::round_f32(x, libm::ceilf));
});

handler!(|s, F32Floor { dst, src }| {
    un!(s, dst, src, |x| num::round_f32(x, libm::floorf));
});

handler!(|s, F32Trunc { dst, src }| {
    un!(s, dst, src, |x| num::round_f32(x, libm::truncf));
});

handler!(|s, F32Nearest { dst, src }| {
    un!(s, dst, src, |x| num::round_f32(x, libm::rintf));
});

handler!(|s, F32Sqrt { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(libm::sqrtf(num::f32(x))));
});

handler!(|s, F32Add { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) + num::f32(b)
    ));
});

handler!(|s, F32Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) - num::f32(b)
    ));
});

handler!(|s, F32Mul { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) * num::f32(b)
    ));
});

handler!(|s, F32Div { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(
        num::f32(a) / num::f32(b)
    ));
});

handler!(|s, F32Min { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(num::f32_min(
        num::f32(a),
        num::f32(b)
    )));
});

handler!(|s, F32Max { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::from_f32(num::f32_max(
        num::f32(a),
        num::f32(b)
    )));
});

handler!(|s, F32Copysign { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| u64::from(
        (a as u32 & 0x7fff_ffff) | (b as u32 & 0x8000_0000)
    ));
});

// ---- f64 ----
handler!(|s, F64Abs { dst, src }| {
    un!(s, dst, src, |x| x & 0x7fff_ffff_ffff_ffff);
});

handler!(|s, F64Neg { dst, src }| {
    un!(s, dst, src, |x| x ^ 0x8000_0000_0000_0000);
});

handler!(|s, F64Ceil { dst, src }| {
    un!(s, dst, src, |x| num::round_f64(x, libm::ceil));
});

handler!(|s, F64Floor { dst, src }| {
    un!(s, dst, src, |x| num::round_f64(x, libm::floor));
});

handler!(|s, F64Trunc { dst, src }| {
    un!(s, dst, src, |x| num::round_f64(x, libm::trunc));
});

handler!(|s, F64Nearest { dst, src }| {
    un!(s, dst, src, |x| num::round_f64(x, libm::rint));
});

handler!(|s, F64Sqrt { dst, src }| {
    un!(s, dst, src, |x| libm::sqrt(num::f64(x)).to_bits());
});

handler!(|s, F64Add { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) + num::f64(b))
        .to_bits());
});

handler!(|s, F64Sub { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) - num::f64(b))
        .to_bits());
});

handler!(|s, F64Mul { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) * num::f64(b))
        .to_bits());
});

handler!(|s, F64Div { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (num::f64(a) / num::f64(b))
        .to_bits());
});

handler!(|s, F64Min { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::f64_min(
        num::f64(a),
        num::f64(b)
    )
    .to_bits());
});

handler!(|s, F64Max { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| num::f64_max(
        num::f64(a),
        num::f64(b)
    )
    .to_bits());
});

handler!(|s, F64Copysign { dst, lhs, rhs }| {
    bin!(s, dst, lhs, rhs, |a, b| (a & 0x7fff_ffff_ffff_ffff)
        | (b & 0x8000_0000_0000_0000));
});

//! Conversions between numeric types, and sign extension.

#[allow(unused_imports)]
use super::*;

// ---- conversions ----
handler!(|s, I64ExtendI32U { dst, src }| {
    un!(s, dst, src, |x| u64::from(x as u32));
});

handler!(|s, I32TruncF32S { dst, src }| {
    un!(s, dst, src, |x| u64::from(
        tri!(s, num::trunc_i32(f64::from(num::f32(x)))) as u32
    ));
});

handler!(|s, I32TruncF32U { dst, src }| {
    un!(s, dst, src, |x| u64::from(tri!(
        s,
        num::trunc_u32(f64::from(num::f32(x)))
    )));
});

handler!(|s, I32TruncF64S { dst, src }| {
    un!(s, dst, src, |x| u64::from(
        tri!(s, num::trunc_i32(num::f64(x))) as u32
    ));
});

handler!(|s, I32TruncF64U { dst, src }| {
    un!(s, dst, src, |x| u64::from(tri!(
        s,
        num::trunc_u32(num::f64(x))
    )));
});

handler!(|s, I64TruncF32S { dst, src }| {
    un!(
        s,
        dst,
        src,
        |x| tri!(s, num::trunc_i64(f64::from(num::f32(x)))) as u64
    );
});

handler!(|s, I64TruncF32U { dst, src }| {
    un!(s, dst, src, |x| tri!(
        s,
        num::trunc_u64(f64::from(num::f32(x)))
    ));
});

handler!(|s, I64TruncF64S { dst, src }| {
    un!(s, dst, src, |x| tri!(s, num::trunc_i64(num::f64(x))) as u64);
});

handler!(|s, I64TruncF64U { dst, src }| {
    un!(s, dst, src, |x| tri!(s, num::trunc_u64(num::f64(x))));
});

handler!(|s, I32TruncSatF32S { dst, src }| {
    un!(s, dst, src, |x| u64::from(num::f32(x) as i32 as u32));
});

handler!(|s, I32TruncSatF32U { dst, src }| {
    un!(s, dst, src, |x| u64::from(num::f32(x) as u32));
});

handler!(|s, I32TruncSatF64S { dst, src }| {
    un!(s, dst, src, |x| u64::from(num::f64(x) as i32 as u32));
});

handler!(|s, I32TruncSatF64U { dst, src }| {
    un!(s, dst, src, |x| u64::from(num::f64(x) as u32));
});

handler!(|s, I64TruncSatF32S { dst, src }| {
    un!(s, dst, src, |x| num::f32(x) as i64 as u64);
});

handler!(|s, I64TruncSatF32U { dst, src }| {
    un!(s, dst, src, |x| num::f32(x) as u64);
});

handler!(|s, I64TruncSatF64S { dst, src }| {
    un!(s, dst, src, |x| num::f64(x) as i64 as u64);
});

handler!(|s, I64TruncSatF64U { dst, src }| {
    un!(s, dst, src, |x| num::f64(x) as u64);
});

handler!(|s, F32ConvertI32S { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(x as i32 as f32));
});

handler!(|s, F32ConvertI32U { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(x as u32 as f32));
});

handler!(|s, F32ConvertI64S { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(x as i64 as f32));
});

handler!(|s, F32ConvertI64U { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(x as f32));
});

handler!(|s, F64ConvertI32S { dst, src }| {
    un!(s, dst, src, |x| f64::from(x as i32).to_bits());
});

handler!(|s, F64ConvertI32U { dst, src }| {
    un!(s, dst, src, |x| f64::from(x as u32).to_bits());
});

handler!(|s, F64ConvertI64S { dst, src }| {
    un!(s, dst, src, |x| (x as i64 as f64).to_bits());
});

handler!(|s, F64ConvertI64U { dst, src }| {
    un!(s, dst, src, |x| (x as f64).to_bits());
});

handler!(|s, F32DemoteF64 { dst, src }| {
    un!(s, dst, src, |x| num::from_f32(num::f64(x) as f32));
});

handler!(|s, F64PromoteF32 { dst, src }| {
    un!(s, dst, src, |x| f64::from(num::f32(x)).to_bits());
});

handler!(|s, Extend8S { dst, src }| {
    un!(s, dst, src, |x| x as i8 as i64 as u64);
});

handler!(|s, Extend16S { dst, src }| {
    un!(s, dst, src, |x| x as i16 as i64 as u64);
});

handler!(|s, Extend32S { dst, src }| {
    un!(s, dst, src, |x| x as i32 as i64 as u64);
});

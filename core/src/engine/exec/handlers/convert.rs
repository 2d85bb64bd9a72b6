//! Conversions between numeric types, and sign extension.

#[allow(unused_imports)]
use super::*;

// Unary operations: `dst = f(src)`.
unary_handlers! { s;
    I64TruncF32S: |x| tri!(s, num::trunc_i64(f64::from(num::f32(x)))) as u64;
    I64ExtendI32U: |x| u64::from(x as u32);
    I32TruncF32S: |x| u64::from(tri!(s, num::trunc_i32(f64::from(num::f32(x)))) as u32);
    I32TruncF32U: |x| u64::from(tri!(s, num::trunc_u32(f64::from(num::f32(x)))));
    I32TruncF64S: |x| u64::from(tri!(s, num::trunc_i32(num::f64(x))) as u32);
    I32TruncF64U: |x| u64::from(tri!(s, num::trunc_u32(num::f64(x))));
    I64TruncF32U: |x| tri!(s, num::trunc_u64(f64::from(num::f32(x))));
    I64TruncF64S: |x| tri!(s, num::trunc_i64(num::f64(x))) as u64;
    I64TruncF64U: |x| tri!(s, num::trunc_u64(num::f64(x)));
    I32TruncSatF32S: |x| u64::from(num::f32(x) as i32 as u32);
    I32TruncSatF32U: |x| u64::from(num::f32(x) as u32);
    I32TruncSatF64S: |x| u64::from(num::f64(x) as i32 as u32);
    I32TruncSatF64U: |x| u64::from(num::f64(x) as u32);
    I64TruncSatF32S: |x| num::f32(x) as i64 as u64;
    I64TruncSatF32U: |x| num::f32(x) as u64;
    I64TruncSatF64S: |x| num::f64(x) as i64 as u64;
    I64TruncSatF64U: |x| num::f64(x) as u64;
    F32ConvertI32S: |x| num::from_f32(x as i32 as f32);
    F32ConvertI32U: |x| num::from_f32(x as u32 as f32);
    F32ConvertI64S: |x| num::from_f32(x as i64 as f32);
    F32ConvertI64U: |x| num::from_f32(x as f32);
    F64ConvertI32S: |x| f64::from(x as i32).to_bits();
    F64ConvertI32U: |x| f64::from(x as u32).to_bits();
    F64ConvertI64S: |x| (x as i64 as f64).to_bits();
    F64ConvertI64U: |x| (x as f64).to_bits();
    F32DemoteF64: |x| num::from_f32(num::f64(x) as f32);
    F64PromoteF32: |x| f64::from(num::f32(x)).to_bits();
    Extend8S: |x| x as i8 as i64 as u64;
    Extend16S: |x| x as i16 as i64 as u64;
    Extend32S: |x| x as i32 as i64 as u64;
}

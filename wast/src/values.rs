//! Script values: turning `invoke` arguments into [`Val`]s and checking results against
//! `assert_return` expectations.

use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use ::wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use ::wast::token::{Index, F32, F64};
use ::wast::{WastArg, WastRet};

use super::Outcome;
use wrt::{ExternRef, Store, Val, ValType};

const V128_NOT_RUN: &str = "v128 values are not supported (SIMD is not implemented)";

/// The value an `invoke` argument stands for. `ref.extern N` becomes a new host reference whose
/// data is the `u32` `N`.
pub(super) fn arg(store: &mut Store<()>, arg: &WastArg<'_>) -> Result<Val, Outcome> {
    let core = match arg {
        WastArg::Core(core) => core,
        _ => {
            return Err(Outcome::NotRun(
                "component-model values are not supported".to_string(),
            ))
        }
    };
    Ok(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(_) => return Err(Outcome::NotRun(V128_NOT_RUN.to_string())),
        WastArgCore::RefNull(heap) => match null_kind(heap) {
            Some(NullKind::Func) => Val::FuncRef(None),
            Some(NullKind::Extern) => Val::ExternRef(None),
            None => {
                return Err(Outcome::NotRun(format!(
                    "ref.null {} is not supported (only func and extern references)",
                    heap_name(heap)
                )))
            }
        },
        WastArgCore::RefExtern(n) => {
            Val::ExternRef(Some(ExternRef::new(&mut *store, *n).map_err(|e| {
                Outcome::Fail(format!("cannot create ref.extern {n}: {e}"))
            })?))
        }
        WastArgCore::RefHost(_) => {
            return Err(Outcome::NotRun(
                "ref.host values (GC) are not supported".to_string(),
            ))
        }
    })
}

/// A value of type `ty` to fill a results buffer with before a call.
pub(super) fn placeholder(ty: ValType) -> Result<Val, Outcome> {
    Val::default_for(ty)
        .ok_or_else(|| Outcome::NotRun(format!("results of type {ty} are not supported")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NullKind {
    Func,
    Extern,
}

fn null_kind(heap: &HeapType<'_>) -> Option<NullKind> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
        } => Some(NullKind::Func),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
        } => Some(NullKind::Extern),
        _ => None,
    }
}

fn heap_name(heap: &HeapType<'_>) -> String {
    match heap {
        HeapType::Abstract { shared, ty } => {
            let name = match ty {
                AbstractHeapType::Func => "func",
                AbstractHeapType::Extern => "extern",
                AbstractHeapType::Exn => "exn",
                AbstractHeapType::Cont => "cont",
                AbstractHeapType::Any => "any",
                AbstractHeapType::Eq => "eq",
                AbstractHeapType::Struct => "struct",
                AbstractHeapType::Array => "array",
                AbstractHeapType::I31 => "i31",
                AbstractHeapType::NoFunc => "nofunc",
                AbstractHeapType::NoExtern => "noextern",
                AbstractHeapType::None => "none",
                AbstractHeapType::NoExn => "noexn",
                AbstractHeapType::NoCont => "nocont",
            };
            if *shared {
                format!("(shared {name})")
            } else {
                name.to_string()
            }
        }
        HeapType::Concrete(index) => index_name(index),
        HeapType::Exact(index) => format!("(exact {})", index_name(index)),
    }
}

fn index_name(index: &Index<'_>) -> String {
    match index {
        Index::Num(n, _) => n.to_string(),
        Index::Id(id) => format!("${}", id.name()),
    }
}

/// Checks the results of a call against an `assert_return`'s expectations.
pub(super) fn check_results(store: &Store<()>, got: &[Val], expected: &[WastRet<'_>]) -> Outcome {
    if got.len() != expected.len() {
        return Outcome::Fail(format!(
            "expected {} result(s) {}, got {} result(s) {}",
            expected.len(),
            describe_rets(expected),
            got.len(),
            describe_vals(store, got)
        ));
    }
    let mut not_run = None;
    for (index, (value, expectation)) in got.iter().zip(expected).enumerate() {
        let core = match expectation {
            WastRet::Core(core) => core,
            _ => return Outcome::NotRun("component-model values are not supported".to_string()),
        };
        match matches(store, value, core) {
            Ok(true) => {}
            Ok(false) => {
                return Outcome::Fail(format!(
                    "result {index}: expected {}, got {} (all results: expected {}, got {})",
                    describe_ret(core),
                    describe_val(store, value),
                    describe_rets(expected),
                    describe_vals(store, got)
                ))
            }
            Err(reason) => not_run = not_run.or(Some(reason)),
        }
    }
    match not_run {
        Some(reason) => Outcome::NotRun(reason),
        None => Outcome::Pass,
    }
}

/// Whether `value` meets `expected`. `Err` gives the reason an expectation cannot be checked.
fn matches(store: &Store<()>, value: &Val, expected: &WastRetCore<'_>) -> Result<bool, String> {
    Ok(match expected {
        WastRetCore::I32(want) => *value == Val::I32(*want),
        WastRetCore::I64(want) => *value == Val::I64(*want),
        WastRetCore::F32(pattern) => match value {
            Val::F32(bits) => f32_matches(*bits, pattern),
            _ => false,
        },
        WastRetCore::F64(pattern) => match value {
            Val::F64(bits) => f64_matches(*bits, pattern),
            _ => false,
        },
        WastRetCore::V128(_) => return Err(V128_NOT_RUN.to_string()),
        WastRetCore::RefNull(None) => {
            matches!(value, Val::FuncRef(None) | Val::ExternRef(None))
        }
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(NullKind::Func) => matches!(value, Val::FuncRef(None)),
            Some(NullKind::Extern) => matches!(value, Val::ExternRef(None)),
            None => {
                return Err(format!(
                    "ref.null {} is not supported (only func and extern references)",
                    heap_name(heap)
                ))
            }
        },
        WastRetCore::RefExtern(want) => match value {
            Val::ExternRef(Some(reference)) => match want {
                None => true,
                Some(want) => reference
                    .data(store)
                    .is_ok_and(|data| data.downcast_ref::<u32>() == Some(want)),
            },
            _ => false,
        },
        WastRetCore::RefFunc(None) => matches!(value, Val::FuncRef(Some(_))),
        WastRetCore::RefFunc(Some(index)) => {
            if !matches!(value, Val::FuncRef(Some(_))) {
                return Ok(false);
            }
            return Err(format!(
                "ref.func {} names a function index, which the embedding API cannot compare",
                index_name(index)
            ));
        }
        WastRetCore::RefHost(_)
        | WastRetCore::RefAny
        | WastRetCore::RefEq
        | WastRetCore::RefArray
        | WastRetCore::RefStruct
        | WastRetCore::RefI31
        | WastRetCore::RefI31Shared => {
            return Err(format!(
                "{} expectations (GC) are not supported",
                describe_ret(expected)
            ))
        }
        WastRetCore::Either(alternatives) => {
            let mut reason = None;
            for alternative in alternatives {
                match matches(store, value, alternative) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(why) => reason = reason.or(Some(why)),
                }
            }
            match reason {
                Some(why) => return Err(why),
                None => false,
            }
        }
    })
}

/// Whether the bits of an `f32` meet a pattern: `nan:canonical` is a NaN with only the quiet bit
/// in its payload (either sign), `nan:arithmetic` any NaN with the quiet bit set, and a literal
/// must match bit for bit.
pub(super) fn f32_matches(bits: u32, pattern: &NanPattern<F32>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(want) => bits == want.bits,
    }
}

/// [`f32_matches`] for `f64`.
pub(super) fn f64_matches(bits: u64, pattern: &NanPattern<F64>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(want) => bits == want.bits,
    }
}

fn describe_f32(bits: u32) -> String {
    format!("(f32.const {} [0x{bits:08x}])", f32::from_bits(bits))
}

fn describe_f64(bits: u64) -> String {
    format!("(f64.const {} [0x{bits:016x}])", f64::from_bits(bits))
}

fn describe_ret(expected: &WastRetCore<'_>) -> String {
    match expected {
        WastRetCore::I32(v) => format!("(i32.const {v})"),
        WastRetCore::I64(v) => format!("(i64.const {v})"),
        WastRetCore::F32(NanPattern::CanonicalNan) => "(f32.const nan:canonical)".to_string(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "(f32.const nan:arithmetic)".to_string(),
        WastRetCore::F32(NanPattern::Value(v)) => describe_f32(v.bits),
        WastRetCore::F64(NanPattern::CanonicalNan) => "(f64.const nan:canonical)".to_string(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "(f64.const nan:arithmetic)".to_string(),
        WastRetCore::F64(NanPattern::Value(v)) => describe_f64(v.bits),
        WastRetCore::V128(_) => "(v128.const ...)".to_string(),
        WastRetCore::RefNull(None) => "(ref.null)".to_string(),
        WastRetCore::RefNull(Some(heap)) => format!("(ref.null {})", heap_name(heap)),
        WastRetCore::RefExtern(None) => "(ref.extern)".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefHost(n) => format!("(ref.host {n})"),
        WastRetCore::RefFunc(None) => "(ref.func)".to_string(),
        WastRetCore::RefFunc(Some(index)) => format!("(ref.func {})", index_name(index)),
        WastRetCore::RefAny => "(ref.any)".to_string(),
        WastRetCore::RefEq => "(ref.eq)".to_string(),
        WastRetCore::RefArray => "(ref.array)".to_string(),
        WastRetCore::RefStruct => "(ref.struct)".to_string(),
        WastRetCore::RefI31 => "(ref.i31)".to_string(),
        WastRetCore::RefI31Shared => "(ref.i31_shared)".to_string(),
        WastRetCore::Either(alternatives) => {
            let parts: Vec<String> = alternatives.iter().map(describe_ret).collect();
            format!("(either {})", parts.join(" "))
        }
    }
}

/// The expectations of an `assert_return`, as text.
pub(super) fn describe_rets(expected: &[WastRet<'_>]) -> String {
    let parts: Vec<String> = expected
        .iter()
        .map(|ret| match ret {
            WastRet::Core(core) => describe_ret(core),
            _ => "(component value)".to_string(),
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

fn describe_val(store: &Store<()>, value: &Val) -> String {
    match value {
        Val::I32(v) => format!("(i32.const {v})"),
        Val::I64(v) => format!("(i64.const {v})"),
        Val::F32(bits) => describe_f32(*bits),
        Val::F64(bits) => describe_f64(*bits),
        Val::FuncRef(None) => "(ref.null func)".to_string(),
        Val::FuncRef(Some(_)) => "(ref.func)".to_string(),
        Val::ExternRef(None) => "(ref.null extern)".to_string(),
        Val::ExternRef(Some(reference)) => match reference
            .data(store)
            .ok()
            .and_then(|data| data.downcast_ref::<u32>())
        {
            Some(n) => format!("(ref.extern {n})"),
            None => "(ref.extern <host data>)".to_string(),
        },
        #[allow(unreachable_patterns)]
        _ => format!("{value:?}"),
    }
}

/// Values returned by a call, as text.
pub(super) fn describe_vals(store: &Store<()>, values: &[Val]) -> String {
    let parts: Vec<String> = values.iter().map(|v| describe_val(store, v)).collect();
    format!("[{}]", parts.join(" "))
}

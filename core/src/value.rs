//! Values as the embedding API sees them, and their untyped 64-bit form inside the engine.

use crate::runtime::{ExternRef, Func};
use crate::types::{RefType, ValType};

/// A WebAssembly value. Floats are carried as raw bits so NaN payloads survive unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// Raw bits of an `f32`.
    F32(u32),
    /// Raw bits of an `f64`.
    F64(u64),
    /// A function reference, or null.
    FuncRef(Option<Func>),
    /// A host reference, or null.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references). `None` for `v128`.
    pub fn default_for(ty: ValType) -> Option<Val> {
        Some(match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => return None,
        })
    }

    /// A null reference of the given type.
    pub fn null(ty: RefType) -> Val {
        match ty {
            RefType::FuncRef => Val::FuncRef(None),
            RefType::ExternRef => Val::ExternRef(None),
        }
    }

    /// A null function reference.
    pub fn null_funcref() -> Val {
        Val::FuncRef(None)
    }

    /// A null host reference.
    pub fn null_externref() -> Val {
        Val::ExternRef(None)
    }

    /// The value, if it is an `i32`.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The value, if it is an `i64`.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The value, if it is an `f32`.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The value, if it is an `f64`.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }

    /// The reference, if this is a function reference.
    pub fn funcref(&self) -> Option<Option<Func>> {
        match self {
            Val::FuncRef(v) => Some(*v),
            _ => None,
        }
    }

    /// The reference, if this is a host reference.
    pub fn externref(&self) -> Option<Option<ExternRef>> {
        match self {
            Val::ExternRef(v) => Some(*v),
            _ => None,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<Func> for Val {
    fn from(v: Func) -> Val {
        Val::FuncRef(Some(v))
    }
}
impl core::fmt::Display for Val {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}"),
            Val::I64(v) => write!(f, "{v}"),
            Val::F32(v) => write!(f, "{}", f32::from_bits(*v)),
            Val::F64(v) => write!(f, "{}", f64::from_bits(*v)),
            Val::FuncRef(None) | Val::ExternRef(None) => f.write_str("null"),
            Val::FuncRef(Some(func)) => write!(f, "funcref:{}", func.index()),
            Val::ExternRef(Some(r)) => write!(f, "externref:{}", r.index()),
        }
    }
}

/// Untyped value cell of the engine: every value occupies one 64-bit slot.
/// i32/f32 live in the low 32 bits; references are `index + 1` with 0 meaning null.
pub(crate) type Cell = u64;

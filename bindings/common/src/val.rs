//! Values and handles, converted to and from the C API's tagged unions.

use wrt::{
    wrt_extern_t, wrt_extern_union_t, wrt_externref_t, wrt_func_t, wrt_global_t, wrt_instance_t,
    wrt_memory_t, wrt_table_t, wrt_val_t, wrt_valunion_t,
};

use crate::error::{Error, ErrorKind, Result};

/// The type of a WebAssembly value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValKind {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
}

impl ValKind {
    /// The kind of a `WRT_VAL_*` constant.
    pub fn from_raw(kind: u8) -> Result<ValKind> {
        Ok(match kind {
            wrt::WRT_VAL_I32 => ValKind::I32,
            wrt::WRT_VAL_I64 => ValKind::I64,
            wrt::WRT_VAL_F32 => ValKind::F32,
            wrt::WRT_VAL_F64 => ValKind::F64,
            wrt::WRT_VAL_FUNCREF => ValKind::FuncRef,
            wrt::WRT_VAL_EXTERNREF => ValKind::ExternRef,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("unknown value kind {other}"),
                ))
            }
        })
    }

    /// The `WRT_VAL_*` constant of this kind.
    pub fn to_raw(self) -> u8 {
        match self {
            ValKind::I32 => wrt::WRT_VAL_I32,
            ValKind::I64 => wrt::WRT_VAL_I64,
            ValKind::F32 => wrt::WRT_VAL_F32,
            ValKind::F64 => wrt::WRT_VAL_F64,
            ValKind::FuncRef => wrt::WRT_VAL_FUNCREF,
            ValKind::ExternRef => wrt::WRT_VAL_EXTERNREF,
        }
    }

    /// The name used in the text format: "i32", "i64", "f32", "f64", "funcref", "externref".
    pub fn name(self) -> &'static str {
        match self {
            ValKind::I32 => "i32",
            ValKind::I64 => "i64",
            ValKind::F32 => "f32",
            ValKind::F64 => "f64",
            ValKind::FuncRef => "funcref",
            ValKind::ExternRef => "externref",
        }
    }

    /// Parses a text-format name (see [`ValKind::name`]).
    pub fn parse(name: &str) -> Result<ValKind> {
        Ok(match name {
            "i32" => ValKind::I32,
            "i64" => ValKind::I64,
            "f32" => ValKind::F32,
            "f64" => ValKind::F64,
            "funcref" => ValKind::FuncRef,
            "externref" => ValKind::ExternRef,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "unknown value type `{}` (expected i32, i64, f32, f64, funcref or \
                         externref)",
                        other.escape_debug()
                    ),
                ))
            }
        })
    }
}

/// A function handle of a store. Plain data, like the C handle it wraps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Func(pub(crate) wrt_func_t);
/// A memory handle of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory(pub(crate) wrt_memory_t);
/// A global handle of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global(pub(crate) wrt_global_t);
/// A table handle of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table(pub(crate) wrt_table_t);
/// An instance handle of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance(pub(crate) wrt_instance_t);
/// An external reference of a store (see `Store::externref_new`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExternRef(pub(crate) wrt_externref_t);

/// A WebAssembly value. Float values keep their bits (NaN payloads included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The kind of the value.
    pub fn kind(&self) -> ValKind {
        match self {
            Val::I32(_) => ValKind::I32,
            Val::I64(_) => ValKind::I64,
            Val::F32(_) => ValKind::F32,
            Val::F64(_) => ValKind::F64,
            Val::FuncRef(_) => ValKind::FuncRef,
            Val::ExternRef(_) => ValKind::ExternRef,
        }
    }

    /// The zero value of a kind (0, 0.0 or the null reference).
    pub fn zero(kind: ValKind) -> Val {
        match kind {
            ValKind::I32 => Val::I32(0),
            ValKind::I64 => Val::I64(0),
            ValKind::F32 => Val::F32(0.0),
            ValKind::F64 => Val::F64(0.0),
            ValKind::FuncRef => Val::FuncRef(None),
            ValKind::ExternRef => Val::ExternRef(None),
        }
    }

    pub(crate) fn to_raw(self) -> wrt_val_t {
        let (kind, of) = match self {
            Val::I32(v) => (wrt::WRT_VAL_I32, wrt_valunion_t { i32: v }),
            Val::I64(v) => (wrt::WRT_VAL_I64, wrt_valunion_t { i64: v }),
            Val::F32(v) => (wrt::WRT_VAL_F32, wrt_valunion_t { f32: v }),
            Val::F64(v) => (wrt::WRT_VAL_F64, wrt_valunion_t { f64: v }),
            Val::FuncRef(f) => (
                wrt::WRT_VAL_FUNCREF,
                wrt_valunion_t {
                    funcref: f.map_or_else(wrt_func_t::default, |f| f.0),
                },
            ),
            Val::ExternRef(r) => (
                wrt::WRT_VAL_EXTERNREF,
                wrt_valunion_t {
                    externref: r.map_or_else(wrt_externref_t::default, |r| r.0),
                },
            ),
        };
        wrt_val_t { kind, of }
    }

    pub(crate) fn from_raw(raw: &wrt_val_t) -> Result<Val> {
        // SAFETY (for each union read below): the C API sets `kind` to say which member of
        // `of` is initialised, and every member is plain data valid for any bit pattern.
        Ok(match ValKind::from_raw(raw.kind)? {
            // SAFETY: see above.
            ValKind::I32 => Val::I32(unsafe { raw.of.i32 }),
            // SAFETY: see above.
            ValKind::I64 => Val::I64(unsafe { raw.of.i64 }),
            // SAFETY: see above.
            ValKind::F32 => Val::F32(unsafe { raw.of.f32 }),
            // SAFETY: see above.
            ValKind::F64 => Val::F64(unsafe { raw.of.f64 }),
            ValKind::FuncRef => {
                // SAFETY: see above.
                let f = unsafe { raw.of.funcref };
                Val::FuncRef((f.store_id != 0).then_some(Func(f)))
            }
            ValKind::ExternRef => {
                // SAFETY: see above.
                let r = unsafe { raw.of.externref };
                Val::ExternRef((r.store_id != 0).then_some(ExternRef(r)))
            }
        })
    }
}

/// The kind of an export or import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternKind {
    Func,
    Memory,
    Global,
    Table,
    /// A kind this layer does not know (for example a tag of the exception proposal).
    Other,
}

impl ExternKind {
    /// "func", "memory", "global", "table" or "other".
    pub fn name(self) -> &'static str {
        match self {
            ExternKind::Func => "func",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Table => "table",
            ExternKind::Other => "other",
        }
    }
}

/// Anything an instance exports or a linker defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Memory(Memory),
    Global(Global),
    Table(Table),
}

impl Extern {
    /// The kind of the item.
    pub fn kind(&self) -> ExternKind {
        match self {
            Extern::Func(_) => ExternKind::Func,
            Extern::Memory(_) => ExternKind::Memory,
            Extern::Global(_) => ExternKind::Global,
            Extern::Table(_) => ExternKind::Table,
        }
    }

    pub(crate) fn to_raw(self) -> wrt_extern_t {
        let (kind, of) = match self {
            Extern::Func(f) => (wrt::WRT_EXTERN_FUNC, wrt_extern_union_t { func: f.0 }),
            Extern::Memory(m) => (wrt::WRT_EXTERN_MEMORY, wrt_extern_union_t { memory: m.0 }),
            Extern::Global(g) => (wrt::WRT_EXTERN_GLOBAL, wrt_extern_union_t { global: g.0 }),
            Extern::Table(t) => (wrt::WRT_EXTERN_TABLE, wrt_extern_union_t { table: t.0 }),
        };
        wrt_extern_t { kind, of }
    }

    pub(crate) fn from_raw(raw: &wrt_extern_t) -> Result<Extern> {
        // SAFETY (for each union read below): the C API sets `kind` to say which member of
        // `of` is initialised; every member is a plain-data handle.
        Ok(match raw.kind {
            // SAFETY: see above.
            wrt::WRT_EXTERN_FUNC => Extern::Func(Func(unsafe { raw.of.func })),
            // SAFETY: see above.
            wrt::WRT_EXTERN_MEMORY => Extern::Memory(Memory(unsafe { raw.of.memory })),
            // SAFETY: see above.
            wrt::WRT_EXTERN_GLOBAL => Extern::Global(Global(unsafe { raw.of.global })),
            // SAFETY: see above.
            wrt::WRT_EXTERN_TABLE => Extern::Table(Table(unsafe { raw.of.table })),
            other => {
                return Err(Error::new(
                    ErrorKind::Other,
                    format!("unknown extern kind {other}"),
                ))
            }
        })
    }
}

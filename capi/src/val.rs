//! Values, handles to store objects, and their conversions.

use std::collections::HashMap;
use std::hash::Hash;

use wrt_core::{Extern, ExternRef, Func, Global, Instance, Memory, Table, Val, ValType};

use crate::error::{fail, invalid_arg, CResult, WRT_ERROR_HANDLE, WRT_ERROR_LIMIT};
use crate::store::StoreData;

/// A function of a store (a wasm function of an instance, or a host function).
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_func_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// A linear memory of a store.
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_memory_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// A global variable of a store.
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_global_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// A table of a store.
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_table_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// An instance of a module in a store.
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_instance_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// A host value that wasm code holds as an `externref` (see `wrt_externref_create`).
///
/// A handle is plain data: copy it freely. It names an object owned by a store and is usable
/// while that store lives, with that store's context (or a caller context of it); with another
/// store it gives `WRT_ERROR_HANDLE`. Its fields are wrt's business: do not make them up,
/// except that `store_id == 0` is the null reference.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wrt_externref_t {
    /// The store the object belongs to; 0 for the null reference.
    pub store_id: u64,
    /// Private to wrt.
    pub index: u32,
}

/// The kind of a value (one of the `WRT_VAL_*` constants).
pub type wrt_valkind_t = u8;
/// A 32-bit integer (`of.i32`).
pub const WRT_VAL_I32: wrt_valkind_t = 0;
/// A 64-bit integer (`of.i64`).
pub const WRT_VAL_I64: wrt_valkind_t = 1;
/// A 32-bit float (`of.f32`); NaN payloads are kept bit for bit.
pub const WRT_VAL_F32: wrt_valkind_t = 2;
/// A 64-bit float (`of.f64`); NaN payloads are kept bit for bit.
pub const WRT_VAL_F64: wrt_valkind_t = 3;
/// A function reference (`of.funcref`, `store_id == 0` for null).
pub const WRT_VAL_FUNCREF: wrt_valkind_t = 4;
/// An external reference (`of.externref`, `store_id == 0` for null).
pub const WRT_VAL_EXTERNREF: wrt_valkind_t = 5;

/// The payload of a `wrt_val_t`; `kind` says which member is meant.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wrt_valunion_t {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub funcref: wrt_func_t,
    pub externref: wrt_externref_t,
}

/// A WebAssembly value: a kind and the matching member of `of`. Plain data, owned by whoever
/// holds it; references in it are handles (see `wrt_func_t`), which need no release.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wrt_val_t {
    pub kind: wrt_valkind_t,
    pub of: wrt_valunion_t,
}

/// The kind of an export or import (one of the `WRT_EXTERN_*` constants).
pub type wrt_extern_kind_t = u8;
/// A function (`of.func`).
pub const WRT_EXTERN_FUNC: wrt_extern_kind_t = 0;
/// A memory (`of.memory`).
pub const WRT_EXTERN_MEMORY: wrt_extern_kind_t = 1;
/// A global (`of.global`).
pub const WRT_EXTERN_GLOBAL: wrt_extern_kind_t = 2;
/// A table (`of.table`).
pub const WRT_EXTERN_TABLE: wrt_extern_kind_t = 3;

/// The payload of a `wrt_extern_t`; `kind` says which member is meant.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wrt_extern_union_t {
    pub func: wrt_func_t,
    pub memory: wrt_memory_t,
    pub global: wrt_global_t,
    pub table: wrt_table_t,
}

/// Anything an instance exports or a linker defines: a kind and the matching handle. Plain
/// data, like the handles in it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wrt_extern_t {
    pub kind: wrt_extern_kind_t,
    pub of: wrt_extern_union_t,
}

// ---------------------------------------------------------------------------
// Handle tables: a store's objects as the C side numbers them.

/// Interned core handles of one kind. Each distinct object gets one slot, so the table grows
/// only with the number of objects in the store.
pub(crate) struct Slots<H> {
    items: Vec<H>,
    ids: HashMap<H, u32>,
}

impl<H> Default for Slots<H> {
    fn default() -> Self {
        Slots {
            items: Vec::new(),
            ids: HashMap::new(),
        }
    }
}

impl<H: Copy + Eq + Hash> Slots<H> {
    fn intern(&mut self, h: H) -> CResult<u32> {
        if let Some(&i) = self.ids.get(&h) {
            return Ok(i);
        }
        let i = u32::try_from(self.items.len())
            .map_err(|_| fail(WRT_ERROR_LIMIT, "too many objects in the store"))?;
        self.items.push(h);
        self.ids.insert(h, i);
        Ok(i)
    }

    fn get(&self, i: u32) -> Option<H> {
        self.items.get(i as usize).copied()
    }
}

#[derive(Default)]
pub(crate) struct Handles {
    funcs: Slots<Func>,
    memories: Slots<Memory>,
    globals: Slots<Global>,
    tables: Slots<Table>,
    instances: Slots<Instance>,
    externrefs: Slots<ExternRef>,
}

/// A C handle type and the core handle it stands for.
pub(crate) trait CHandle: Copy {
    type Core: Copy + Eq + Hash;
    const WHAT: &'static str;
    fn parts(self) -> (u64, u32);
    fn from_parts(store_id: u64, index: u32) -> Self;
    fn slots(h: &mut Handles) -> &mut Slots<Self::Core>;
}

macro_rules! c_handle {
    ($c:ident, $core:ty, $field:ident, $what:literal) => {
        impl CHandle for $c {
            type Core = $core;
            const WHAT: &'static str = $what;
            fn parts(self) -> (u64, u32) {
                (self.store_id, self.index)
            }
            fn from_parts(store_id: u64, index: u32) -> Self {
                $c { store_id, index }
            }
            fn slots(h: &mut Handles) -> &mut Slots<$core> {
                &mut h.$field
            }
        }
    };
}
c_handle!(wrt_func_t, Func, funcs, "function");
c_handle!(wrt_memory_t, Memory, memories, "memory");
c_handle!(wrt_global_t, Global, globals, "global");
c_handle!(wrt_table_t, Table, tables, "table");
c_handle!(wrt_instance_t, Instance, instances, "instance");
c_handle!(wrt_externref_t, ExternRef, externrefs, "externref");

impl StoreData {
    /// The C handle for a core object of this store.
    pub(crate) fn export<H: CHandle>(&mut self, core: H::Core) -> CResult<H> {
        let index = H::slots(&mut self.handles).intern(core)?;
        Ok(H::from_parts(self.id, index))
    }

    /// The core object a C handle names, checking that it belongs to this store.
    pub(crate) fn import<H: CHandle>(&mut self, handle: H) -> CResult<H::Core> {
        let (store_id, index) = handle.parts();
        if store_id == 0 {
            return Err(fail(
                WRT_ERROR_HANDLE,
                format_args!("null {} handle", H::WHAT),
            ));
        }
        if store_id != self.id {
            return Err(fail(
                WRT_ERROR_HANDLE,
                format_args!("{} handle belongs to a different store", H::WHAT),
            ));
        }
        H::slots(&mut self.handles)
            .get(index)
            .ok_or_else(|| fail(WRT_ERROR_HANDLE, format_args!("unknown {} handle", H::WHAT)))
    }

    /// Like `import`, with `store_id == 0` meaning a null reference.
    fn import_ref<H: CHandle>(&mut self, handle: H) -> CResult<Option<H::Core>> {
        if handle.parts().0 == 0 {
            Ok(None)
        } else {
            self.import(handle).map(Some)
        }
    }

    fn export_ref<H: CHandle + Default>(&mut self, core: Option<H::Core>) -> CResult<H> {
        match core {
            Some(c) => self.export(c),
            None => Ok(H::default()),
        }
    }
}

// ---------------------------------------------------------------------------
// Conversions.

pub(crate) fn kind_of(ty: ValType) -> CResult<wrt_valkind_t> {
    Ok(match ty {
        ValType::I32 => WRT_VAL_I32,
        ValType::I64 => WRT_VAL_I64,
        ValType::F32 => WRT_VAL_F32,
        ValType::F64 => WRT_VAL_F64,
        ValType::FuncRef => WRT_VAL_FUNCREF,
        ValType::ExternRef => WRT_VAL_EXTERNREF,
        ValType::V128 => {
            return Err(fail(
                crate::error::WRT_ERROR_UNSUPPORTED,
                "v128 values are not supported by the C API",
            ))
        }
    })
}

pub(crate) fn valtype_of(kind: wrt_valkind_t) -> CResult<ValType> {
    Ok(match kind {
        WRT_VAL_I32 => ValType::I32,
        WRT_VAL_I64 => ValType::I64,
        WRT_VAL_F32 => ValType::F32,
        WRT_VAL_F64 => ValType::F64,
        WRT_VAL_FUNCREF => ValType::FuncRef,
        WRT_VAL_EXTERNREF => ValType::ExternRef,
        other => return Err(invalid_arg(format_args!("unknown value kind {other}"))),
    })
}

/// A zero value (null for references) of a type, as the C side sees it.
pub(crate) fn zero_val(ty: ValType) -> CResult<wrt_val_t> {
    Ok(wrt_val_t {
        kind: kind_of(ty)?,
        of: wrt_valunion_t { i64: 0 },
    })
}

impl wrt_val_t {
    /// The runtime value this C value stands for, in the store `data` belongs to.
    pub(crate) fn to_core(self, data: &mut StoreData) -> CResult<Val> {
        // For each union read below: `kind` says which member the C side initialised (API
        // contract), and every member is plain old data valid for any initialised bits.
        Ok(match self.kind {
            // SAFETY: see above.
            WRT_VAL_I32 => Val::I32(unsafe { self.of.i32 }),
            // SAFETY: see above.
            WRT_VAL_I64 => Val::I64(unsafe { self.of.i64 }),
            // SAFETY: see above.
            WRT_VAL_F32 => Val::F32(unsafe { self.of.f32 }.to_bits()),
            // SAFETY: see above.
            WRT_VAL_F64 => Val::F64(unsafe { self.of.f64 }.to_bits()),
            // SAFETY: see above.
            WRT_VAL_FUNCREF => Val::FuncRef(data.import_ref(unsafe { self.of.funcref })?),
            // SAFETY: see above.
            WRT_VAL_EXTERNREF => Val::ExternRef(data.import_ref(unsafe { self.of.externref })?),
            other => return Err(invalid_arg(format_args!("unknown value kind {other}"))),
        })
    }

    /// The C form of a runtime value of the store `data` belongs to.
    pub(crate) fn from_core(val: &Val, data: &mut StoreData) -> CResult<wrt_val_t> {
        let (kind, of) = match *val {
            Val::I32(v) => (WRT_VAL_I32, wrt_valunion_t { i32: v }),
            Val::I64(v) => (WRT_VAL_I64, wrt_valunion_t { i64: v }),
            Val::F32(bits) => (
                WRT_VAL_F32,
                wrt_valunion_t {
                    f32: f32::from_bits(bits),
                },
            ),
            Val::F64(bits) => (
                WRT_VAL_F64,
                wrt_valunion_t {
                    f64: f64::from_bits(bits),
                },
            ),
            Val::FuncRef(f) => (
                WRT_VAL_FUNCREF,
                wrt_valunion_t {
                    funcref: data.export_ref(f)?,
                },
            ),
            Val::ExternRef(r) => (
                WRT_VAL_EXTERNREF,
                wrt_valunion_t {
                    externref: data.export_ref(r)?,
                },
            ),
        };
        Ok(wrt_val_t { kind, of })
    }
}

impl wrt_extern_t {
    pub(crate) fn to_core(self, data: &mut StoreData) -> CResult<Extern> {
        // For each union read below: `kind` says which member the C side initialised (API
        // contract); all members are the same plain-old-data layout.
        Ok(match self.kind {
            // SAFETY: see above.
            WRT_EXTERN_FUNC => Extern::Func(data.import(unsafe { self.of.func })?),
            // SAFETY: see above.
            WRT_EXTERN_MEMORY => Extern::Memory(data.import(unsafe { self.of.memory })?),
            // SAFETY: see above.
            WRT_EXTERN_GLOBAL => Extern::Global(data.import(unsafe { self.of.global })?),
            // SAFETY: see above.
            WRT_EXTERN_TABLE => Extern::Table(data.import(unsafe { self.of.table })?),
            other => return Err(invalid_arg(format_args!("unknown extern kind {other}"))),
        })
    }

    pub(crate) fn from_core(ext: Extern, data: &mut StoreData) -> CResult<wrt_extern_t> {
        Ok(match ext {
            Extern::Func(f) => wrt_extern_t {
                kind: WRT_EXTERN_FUNC,
                of: wrt_extern_union_t {
                    func: data.export(f)?,
                },
            },
            Extern::Memory(m) => wrt_extern_t {
                kind: WRT_EXTERN_MEMORY,
                of: wrt_extern_union_t {
                    memory: data.export(m)?,
                },
            },
            Extern::Global(g) => wrt_extern_t {
                kind: WRT_EXTERN_GLOBAL,
                of: wrt_extern_union_t {
                    global: data.export(g)?,
                },
            },
            Extern::Table(t) => wrt_extern_t {
                kind: WRT_EXTERN_TABLE,
                of: wrt_extern_union_t {
                    table: data.export(t)?,
                },
            },
        })
    }
}

//! Runtime objects and the handles that name them.

mod entities;
mod func;
mod instance;
mod linker;
mod store;

use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;

pub use func::{Func, IntoFunc, WasmResults, WasmTy, WithCaller};
pub use instance::Instance;
pub use linker::Linker;
pub use store::{AsContext, AsContextMut, Caller, Store};

#[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
pub(crate) use entities::MAX_PAGES;
pub(crate) use entities::{FuncEntity, GlobalEntity, InstanceEntity, PAGE_SIZE};
pub(crate) use func::check_values;
pub(crate) use store::{Callee, StoreInner};

use crate::error::{Error, Result};
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, TableType};
use crate::value::{Cell, Val};
use entities::{MemoryEntity, TableEntity};

/// Anything an instance can import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A linear memory.
    Memory(Memory),
    /// A table.
    Table(Table),
}

impl Extern {
    /// The object's type; an error if it is not of this store.
    pub fn ty(&self, ctx: impl AsContext) -> Result<ExternType> {
        Ok(match self {
            Extern::Func(f) => ExternType::Func(f.ty(&ctx)?),
            Extern::Global(g) => ExternType::Global(g.ty(&ctx)?),
            Extern::Memory(m) => ExternType::Memory(m.ty(&ctx)?),
            Extern::Table(t) => ExternType::Table(t.ty(&ctx)?),
        })
    }

    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn store_id(&self) -> u32 {
        match self {
            Extern::Func(f) => f.store,
            Extern::Global(g) => g.store,
            Extern::Memory(m) => m.store,
            Extern::Table(t) => t.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}

// ---------------------------------------------------------------------------
// Conversions between `Val` and engine cells.

pub(crate) fn val_to_cell(val: &Val) -> Cell {
    match *val {
        Val::I32(v) => u64::from(v as u32),
        Val::I64(v) => v as u64,
        Val::F32(v) => u64::from(v),
        Val::F64(v) => v,
        Val::FuncRef(f) => f.map_or(0, |f| u64::from(f.index) + 1),
        Val::ExternRef(r) => r.map_or(0, |r| u64::from(r.index) + 1),
    }
}

pub(crate) fn cell_to_val(store: u32, ty: crate::types::ValType, cell: Cell) -> Val {
    use crate::types::ValType;
    match ty {
        ValType::I32 => Val::I32(cell as u32 as i32),
        ValType::I64 => Val::I64(cell as i64),
        ValType::F32 => Val::F32(cell as u32),
        ValType::F64 | ValType::V128 => Val::F64(cell),
        ValType::FuncRef => Val::FuncRef(cell.checked_sub(1).map(|i| Func {
            store,
            index: i as u32,
        })),
        ValType::ExternRef => Val::ExternRef(cell.checked_sub(1).map(|i| ExternRef {
            store,
            index: i as u32,
        })),
    }
}

// ---------------------------------------------------------------------------

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Global {
    /// A new global of type `ty` holding `val`, owned by the store (charged to its budget).
    pub fn new<C: AsContextMut>(mut ctx: C, ty: GlobalType, val: Val) -> Result<Global> {
        let store = ctx.as_store_mut();
        check_values(store.inner.id, &[ty.content()], &[val], "global value")?;
        let index = store.inner.push_global(GlobalEntity {
            ty,
            value: val_to_cell(&val),
        })?;
        Ok(Global {
            store: store.inner.id,
            index,
        })
    }

    fn entity<'s>(&self, inner: &'s StoreInner) -> Result<&'s GlobalEntity> {
        inner.check_store(self.store, "global")?;
        inner
            .globals
            .get(self.index as usize)
            .ok_or_else(|| Error::handle("unknown global"))
    }

    /// The global's type; an error if it is not of this store.
    pub fn ty(&self, ctx: impl AsContext) -> Result<GlobalType> {
        self.entity(&ctx.as_store().inner).map(|g| g.ty)
    }

    /// The current value; an error if the global is not of this store.
    pub fn get(&self, ctx: impl AsContext) -> Result<Val> {
        let store = ctx.as_store();
        let g = self.entity(&store.inner)?;
        Ok(cell_to_val(store.inner.id, g.ty.content(), g.value))
    }

    /// Sets the value of a mutable global.
    pub fn set<C: AsContextMut>(&self, mut ctx: C, val: Val) -> Result<()> {
        let store = ctx.as_store_mut();
        let ty = self.entity(&store.inner)?.ty;
        if ty.mutability() != Mutability::Var {
            return Err(Error::ty("cannot set an immutable global"));
        }
        check_values(store.inner.id, &[ty.content()], &[val], "global value")?;
        let g = store
            .inner
            .globals
            .get_mut(self.index as usize)
            .ok_or_else(|| Error::handle("unknown global"))?;
        g.value = val_to_cell(&val);
        Ok(())
    }
}

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Memory {
    /// A new linear memory of type `ty`, owned by the store (charged to its budget).
    pub fn new<C: AsContextMut>(mut ctx: C, ty: MemoryType) -> Result<Memory> {
        let store = ctx.as_store_mut();
        let index = store.inner.new_memory(ty)?;
        Ok(Memory {
            store: store.inner.id,
            index,
        })
    }

    fn entity<'s>(&self, inner: &'s StoreInner) -> Result<&'s MemoryEntity> {
        inner.check_store(self.store, "memory")?;
        inner
            .memories
            .get(self.index as usize)
            .ok_or_else(|| Error::handle("unknown memory"))
    }

    fn entity_mut<'s>(&self, inner: &'s mut StoreInner) -> Result<&'s mut MemoryEntity> {
        inner.check_store(self.store, "memory")?;
        inner
            .memories
            .get_mut(self.index as usize)
            .ok_or_else(|| Error::handle("unknown memory"))
    }

    /// The memory's type (its minimum is its current size in pages); an error if it is not of
    /// this store. The getters below fail the same way.
    pub fn ty(&self, ctx: impl AsContext) -> Result<MemoryType> {
        self.entity(&ctx.as_store().inner).map(|m| m.ty)
    }

    /// Current size in pages.
    pub fn size(&self, ctx: impl AsContext) -> Result<u64> {
        self.entity(&ctx.as_store().inner).map(|m| m.pages())
    }

    /// Current size in bytes.
    pub fn data_size(&self, ctx: impl AsContext) -> Result<usize> {
        self.entity(&ctx.as_store().inner).map(|m| m.data.len())
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, ctx: impl Into<StoreRef<'a, T>>) -> Result<&'a [u8]> {
        let store = ctx.into().0;
        self.entity(&store.inner).map(|m| &*m.data)
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a, T: 'a>(&self, ctx: impl Into<StoreMut<'a, T>>) -> Result<&'a mut [u8]> {
        let store = ctx.into().0;
        self.entity_mut(&mut store.inner).map(|m| &mut *m.data)
    }

    /// The memory's bytes and the store's host data, borrowed together.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        ctx: impl Into<StoreMut<'a, T>>,
    ) -> Result<(&'a mut [u8], &'a mut T)> {
        let store = ctx.into().0;
        let Store { inner, data, .. } = store;
        let m = self.entity_mut(inner)?;
        Ok((&mut m.data, data))
    }

    /// Grows by `delta` pages and returns the previous size in pages.
    pub fn grow<C: AsContextMut>(&self, mut ctx: C, delta: u64) -> Result<u64> {
        let store = ctx.as_store_mut();
        self.entity(&store.inner)?;
        store
            .inner
            .grow_memory(self.index as usize, delta, None)?
            .ok_or_else(|| Error::limit(alloc::format!("memory cannot grow by {delta} pages")))
    }

    /// Copies bytes out of the memory; fails if the range is out of bounds.
    pub fn read(&self, ctx: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let m = self.entity(&ctx.as_store().inner)?;
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| m.data.get(offset..end))
            .ok_or_else(|| Error::trap(crate::TrapCode::MemoryOutOfBounds))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies bytes into the memory; fails if the range is out of bounds.
    pub fn write<C: AsContextMut>(&self, mut ctx: C, offset: usize, bytes: &[u8]) -> Result<()> {
        let m = self.entity_mut(&mut ctx.as_store_mut().inner)?;
        let dst = offset
            .checked_add(bytes.len())
            .and_then(|end| m.data.get_mut(offset..end))
            .ok_or_else(|| Error::trap(crate::TrapCode::MemoryOutOfBounds))?;
        dst.copy_from_slice(bytes);
        Ok(())
    }
}

/// A shared borrow of a store, from `&Store`, `&Caller` and the like.
pub struct StoreRef<'a, T>(&'a Store<T>);
/// An exclusive borrow of a store, from `&mut Store`, `&mut Caller` and the like.
pub struct StoreMut<'a, T>(&'a mut Store<T>);

impl<'a, T> From<&'a Store<T>> for StoreRef<'a, T> {
    fn from(s: &'a Store<T>) -> Self {
        StoreRef(s)
    }
}
impl<'a, T> From<&'a mut Store<T>> for StoreRef<'a, T> {
    fn from(s: &'a mut Store<T>) -> Self {
        StoreRef(s)
    }
}
impl<'a, 'b, T> From<&'a Caller<'b, T>> for StoreRef<'a, T> {
    fn from(c: &'a Caller<'b, T>) -> Self {
        StoreRef(c.store)
    }
}
impl<'a, 'b, T> From<&'a mut Caller<'b, T>> for StoreRef<'a, T> {
    fn from(c: &'a mut Caller<'b, T>) -> Self {
        StoreRef(c.store)
    }
}
impl<'a, T> From<&'a mut Store<T>> for StoreMut<'a, T> {
    fn from(s: &'a mut Store<T>) -> Self {
        StoreMut(s)
    }
}
impl<'a, 'b, T> From<&'a mut Caller<'b, T>> for StoreMut<'a, T> {
    fn from(c: &'a mut Caller<'b, T>) -> Self {
        StoreMut(c.store)
    }
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of type `ty` with every element `init`, owned by the store (charged to its budget).
    pub fn new<C: AsContextMut>(mut ctx: C, ty: TableType, init: Val) -> Result<Table> {
        let store = ctx.as_store_mut();
        check_values(
            store.inner.id,
            &[ty.element().into()],
            &[init],
            "table init value",
        )?;
        let index = store.inner.new_table(ty, val_to_cell(&init))?;
        Ok(Table {
            store: store.inner.id,
            index,
        })
    }

    fn entity<'s>(&self, inner: &'s StoreInner) -> Result<&'s TableEntity> {
        inner.check_store(self.store, "table")?;
        inner
            .tables
            .get(self.index as usize)
            .ok_or_else(|| Error::handle("unknown table"))
    }

    fn entity_mut<'s>(&self, inner: &'s mut StoreInner) -> Result<&'s mut TableEntity> {
        inner.check_store(self.store, "table")?;
        inner
            .tables
            .get_mut(self.index as usize)
            .ok_or_else(|| Error::handle("unknown table"))
    }

    /// The table's type (its minimum is its current size); an error if it is not of this
    /// store. The getters below fail the same way.
    pub fn ty(&self, ctx: impl AsContext) -> Result<TableType> {
        self.entity(&ctx.as_store().inner).map(|t| t.ty)
    }

    /// Current size in elements.
    pub fn size(&self, ctx: impl AsContext) -> Result<u64> {
        self.entity(&ctx.as_store().inner)
            .map(|t| t.elements.len() as u64)
    }

    /// The element at `index`; an out-of-bounds trap past the end.
    pub fn get(&self, ctx: impl AsContext, index: u64) -> Result<Val> {
        let store = ctx.as_store();
        let t = self.entity(&store.inner)?;
        let cell = usize::try_from(index)
            .ok()
            .and_then(|i| t.elements.get(i))
            .ok_or_else(|| Error::trap(crate::TrapCode::TableOutOfBounds))?;
        Ok(cell_to_val(store.inner.id, t.ty.element().into(), *cell))
    }

    /// Sets element `index`.
    pub fn set<C: AsContextMut>(&self, mut ctx: C, index: u64, val: Val) -> Result<()> {
        let store = ctx.as_store_mut();
        let id = store.inner.id;
        let t = self.entity_mut(&mut store.inner)?;
        check_values(id, &[t.ty.element().into()], &[val], "table value")?;
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| t.elements.get_mut(i))
            .ok_or_else(|| Error::trap(crate::TrapCode::TableOutOfBounds))?;
        *slot = val_to_cell(&val);
        Ok(())
    }

    /// Grows the table by `delta` elements set to `init`; returns the previous size.
    pub fn grow<C: AsContextMut>(&self, mut ctx: C, delta: u64, init: Val) -> Result<u64> {
        let store = ctx.as_store_mut();
        let id = store.inner.id;
        let element = self.entity(&store.inner)?.ty.element();
        check_values(id, &[element.into()], &[init], "table init value")?;
        store
            .inner
            .grow_table(self.index as usize, delta, val_to_cell(&init), None)?
            .ok_or_else(|| Error::limit(alloc::format!("table cannot grow by {delta}")))
    }
}

/// An opaque host value passed to wasm as an `externref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Wraps a host value; its size is charged to the store's budget as host memory.
    pub fn new<C: AsContextMut>(mut ctx: C, value: impl Any + Send + Sync) -> Result<ExternRef> {
        let store = ctx.as_store_mut();
        let bytes = core::mem::size_of_val(&value) as u64;
        store.charge_host(bytes)?;
        let index = match store.inner.push_extern(alloc::boxed::Box::new(value)) {
            Ok(index) => index,
            Err(e) => {
                store.release_host(bytes);
                return Err(e);
            }
        };
        Ok(ExternRef {
            store: store.inner.id,
            index,
        })
    }

    /// The host value; an error if the reference is not of this store.
    pub fn data<'a, T: 'a>(
        &self,
        ctx: impl Into<StoreRef<'a, T>>,
    ) -> Result<&'a (dyn Any + Send + Sync)> {
        let store = ctx.into().0;
        store.inner.check_store(self.store, "externref")?;
        store
            .inner
            .externs
            .get(self.index as usize)
            .map(|b| b.as_ref())
            .ok_or_else(|| Error::handle("unknown externref"))
    }

    /// The host reference's index, as given when it was created.
    pub fn index(&self) -> u32 {
        self.index
    }
}

/// Names of an instance's exports, for listing.
pub(crate) fn export_list(inner: &StoreInner, instance: u32) -> Vec<(String, Extern)> {
    inner
        .instances
        .get(instance as usize)
        .map(|i| {
            i.exports
                .iter()
                .map(|(n, e)| (String::from(&**n), *e))
                .collect()
        })
        .unwrap_or_default()
}

//! The objects a store owns. Each allocation is charged to the store's budget before it happens.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ptr::NonNull;

use super::Extern;
use crate::engine::CompiledFunc;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::platform::LinearMemory;
use crate::resources::{Budget, MemoryCategory};
use crate::types::{GlobalType, MemoryType, TableType};
use crate::value::Cell;

/// Size of a WebAssembly page.
pub(crate) const PAGE_SIZE: usize = 65536;
/// Pages addressable by a 32-bit memory.
pub(crate) const MAX_PAGES: u64 = 65536;
const CELL_BYTES: u64 = core::mem::size_of::<Cell>() as u64;

pub(crate) enum FuncEntity {
    Wasm {
        sig: u32,
        instance: u32,
        /// Index of the function among its module's defined functions.
        index: u32,
        /// The function's translation, once this store has charged it to its budget: set at
        /// instantiation for an eagerly translated module, by `StoreInner::callee` on the first
        /// call otherwise. It points into the module (`FuncCode::compiled`), which the store
        /// keeps alive (`InstanceEntity::module`) and which never moves or frees a translation
        /// while it lives; so the pointer is valid as long as the store.
        code: Option<NonNull<CompiledFunc>>,
    },
    Host {
        sig: u32,
        host: u32,
    },
}

impl FuncEntity {
    pub(crate) fn sig(&self) -> u32 {
        match self {
            FuncEntity::Wasm { sig, .. } | FuncEntity::Host { sig, .. } => *sig,
        }
    }
}

pub(crate) struct MemoryEntity {
    pub(crate) ty: MemoryType,
    /// The bytes, in the backend chosen at creation (see [`crate::platform`]).
    pub(crate) data: LinearMemory,
}

/// Bytes of `pages` pages (at most 65536), as `u64`: 4 GiB does not overflow on 32-bit targets.
fn pages_to_bytes(pages: u64) -> u64 {
    pages * PAGE_SIZE as u64
}

impl MemoryEntity {
    /// Creates a memory of the type's minimum size, charging it to `budget` first. With
    /// `platform_optimizations` the platform backend is tried first (see [`crate::platform`]);
    /// the budget is charged the same either way.
    pub(crate) fn new(
        ty: MemoryType,
        budget: &mut Budget,
        platform_optimizations: bool,
    ) -> Result<Self> {
        if ty.minimum() > MAX_PAGES || ty.maximum().is_some_and(|m| m > MAX_PAGES) {
            return Err(Error::instantiation(
                "memory size must be at most 65536 pages (4GiB)",
            ));
        }
        let bytes = pages_to_bytes(ty.minimum());
        budget.charge(MemoryCategory::LinearMemory, bytes)?;
        let max = ty.maximum().unwrap_or(MAX_PAGES);
        match LinearMemory::new(ty.minimum(), max, platform_optimizations) {
            Some(data) => Ok(MemoryEntity { ty, data }),
            None => {
                budget.release(MemoryCategory::LinearMemory, bytes);
                Err(Error::instantiation(alloc::format!(
                    "cannot allocate {bytes} bytes of linear memory"
                )))
            }
        }
    }

    pub(crate) fn pages(&self) -> u64 {
        (self.data.len() / PAGE_SIZE) as u64
    }

    /// Bytes the memory holds, as charged to the budget.
    pub(crate) fn committed_bytes(&self) -> u64 {
        self.data.len() as u64
    }

    /// Grows by `delta` pages; returns the old size, or `None` if the memory cannot grow
    /// (its maximum, 4 GiB, or the budget).
    /// Grows by `delta` pages: the old size, or `None` when the memory cannot grow (its
    /// limits or the budget refuse). `pay` is called with the new bytes once the grow is known
    /// to be allowed and before memory is allocated; its error (out of fuel) ends the grow
    /// with nothing changed.
    pub(crate) fn grow(
        &mut self,
        delta: u64,
        budget: &mut Budget,
        pay: impl FnOnce(u64) -> Result<()>,
    ) -> Result<Option<u64>> {
        let grown = self.try_grow(delta, budget, pay)?;
        match grown {
            Some(_) => budget.memory_grows += 1,
            None => budget.memory_grow_failures += 1,
        }
        Ok(grown)
    }

    fn try_grow(
        &mut self,
        delta: u64,
        budget: &mut Budget,
        pay: impl FnOnce(u64) -> Result<()>,
    ) -> Result<Option<u64>> {
        let old = self.pages();
        let max = self.ty.maximum().unwrap_or(MAX_PAGES).min(MAX_PAGES);
        let Some(new) = old.checked_add(delta).filter(|&new| new <= max) else {
            return Ok(None);
        };
        let extra = pages_to_bytes(delta);
        if budget.charge(MemoryCategory::LinearMemory, extra).is_err() {
            return Ok(None);
        }
        if let Err(e) = pay(extra) {
            budget.release(MemoryCategory::LinearMemory, extra);
            return Err(e);
        }
        if !self.data.grow_to(new) {
            budget.release(MemoryCategory::LinearMemory, extra);
            return Ok(None);
        }
        self.ty = MemoryType::new(new, self.ty.maximum());
        Ok(Some(old))
    }
}

pub(crate) struct TableEntity {
    pub(crate) ty: TableType,
    pub(crate) elements: Vec<Cell>,
}

impl TableEntity {
    /// Creates a table of the type's minimum size, charging it to `budget` first.
    pub(crate) fn new(
        ty: TableType,
        init: Cell,
        max_elements: u64,
        budget: &mut Budget,
    ) -> Result<Self> {
        if ty.minimum() > max_elements {
            return Err(Error::limit(alloc::format!(
                "table of {} elements exceeds the limit of {max_elements}",
                ty.minimum()
            )));
        }
        let len = ty.minimum() as usize;
        budget.charge(MemoryCategory::Tables, len as u64 * CELL_BYTES)?;
        let mut elements = Vec::new();
        if elements.try_reserve_exact(len).is_err() {
            budget.release(MemoryCategory::Tables, len as u64 * CELL_BYTES);
            return Err(Error::instantiation(alloc::format!(
                "cannot allocate a table of {len} elements"
            )));
        }
        elements.resize(len, init);
        Ok(TableEntity { ty, elements })
    }

    /// Grows by `delta` elements set to `init`; returns the old size or `None`.
    /// Grows by `delta` elements set to `init`: the old size, or `None` when the table cannot
    /// grow (its limits, `max_elements` or the budget refuse). `pay` is called with the bytes of
    /// the new elements once the grow is known to be allowed and before anything is
    /// allocated; its error (out of fuel) ends the grow with nothing changed.
    pub(crate) fn grow(
        &mut self,
        delta: u64,
        init: Cell,
        max_elements: u64,
        budget: &mut Budget,
        pay: impl FnOnce(u64) -> Result<()>,
    ) -> Result<Option<u64>> {
        let old = self.elements.len() as u64;
        let max = self
            .ty
            .maximum()
            .unwrap_or(u64::from(u32::MAX))
            .min(max_elements);
        let Some(new) = old.checked_add(delta).filter(|&new| new <= max) else {
            return Ok(None);
        };
        let extra = (new as usize).saturating_sub(self.elements.capacity());
        let extra_bytes = extra as u64 * CELL_BYTES;
        if budget.charge(MemoryCategory::Tables, extra_bytes).is_err() {
            return Ok(None);
        }
        if let Err(e) = pay(delta * CELL_BYTES) {
            budget.release(MemoryCategory::Tables, extra_bytes);
            return Err(e);
        }
        if self.elements.try_reserve_exact(extra).is_err() {
            budget.release(MemoryCategory::Tables, extra_bytes);
            return Ok(None);
        }
        self.elements.resize(new as usize, init);
        self.ty = TableType::new(self.ty.element(), new, self.ty.maximum());
        budget.table_grows += 1;
        Ok(Some(old))
    }
}

pub(crate) struct GlobalEntity {
    pub(crate) ty: GlobalType,
    pub(crate) value: Cell,
}

pub(crate) struct InstanceEntity {
    pub(crate) module: Module,
    /// Where the store keeps what it charged for `module` (`StoreInner::charged_modules`).
    pub(crate) charged: u32,
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    /// Store index of the instance's first defined (not imported) global. Instantiation pushes
    /// the defined globals one after another, so defined global `i` is at `own_globals + i`
    /// (the interpreter's `GlobalGetOwn` relies on this).
    pub(crate) own_globals: u32,
    /// Element segments (emptied when dropped).
    pub(crate) elems: Vec<Vec<Cell>>,
    /// Data segments (`None` when dropped).
    pub(crate) datas: Vec<Option<Arc<[u8]>>>,
    /// Store-level signature of each module type.
    pub(crate) sigs: Vec<u32>,
    /// Sorted by name.
    pub(crate) exports: Vec<(Box<str>, Extern)>,
}

impl InstanceEntity {
    pub(crate) fn export(&self, name: &str) -> Option<Extern> {
        self.exports
            .binary_search_by(|(n, _)| (**n).cmp(name))
            .ok()
            .map(|i| self.exports[i].1)
    }

    /// Heap bytes the instance's own tables of indices, segments and exports will occupy.
    pub(crate) fn heap_bytes_for(module: &Module) -> u64 {
        use core::mem::size_of;
        let m = &module.inner;
        let indices = m.funcs.len() + m.tables.len() + m.memories.len() + m.globals.len();
        let elems: usize = m.elems.iter().map(|e| e.items.len()).sum();
        let names: usize = m.exports.iter().map(|(n, _)| n.len()).sum();
        (indices * size_of::<u32>()
            + m.types.len() * size_of::<u32>()
            + m.elems.len() * size_of::<Vec<Cell>>()
            + elems * size_of::<Cell>()
            + m.datas.len() * size_of::<Option<Arc<[u8]>>>()
            + m.exports.len() * size_of::<(Box<str>, Extern)>()
            + names) as u64
    }
}

//! The store: owner of every runtime object. Handles index into it.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};

use super::entities::{FuncEntity, GlobalEntity, InstanceEntity, MemoryEntity, TableEntity};
use super::func::{HostFn, HostFuncEntity};
use super::Extern;
use crate::config::Engine;
use crate::engine::CompiledFunc;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::resources::{push_accounted, vec_bytes, Budget, MemoryCategory, MemoryProfile};
use crate::types::{FuncType, MemoryType, TableType};
use crate::value::Cell;

static NEXT_STORE_ID: AtomicU32 = AtomicU32::new(1);

/// A module whose code a store has charged to its budget.
pub(crate) struct ChargedModule {
    module: Module,
    /// For a lazily translated module, one bit per defined function: set once the store has
    /// charged that function's translated code. Empty for an eagerly translated module, whose
    /// code is all charged at once.
    funcs: Vec<u64>,
}

/// What a call to a store function enters (see `StoreInner::resolve_callee`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Callee {
    /// A wasm function: its translated code (valid as long as the store, see
    /// `FuncEntity::Wasm::code`) and the store index of its instance.
    Wasm {
        code: NonNull<CompiledFunc>,
        instance: u32,
    },
    /// A host function.
    Host,
}

fn internal(what: &str) -> Error {
    crate::error::internal!("{what}")
}

/// The part of a store that does not depend on the host data type.
pub(crate) struct StoreInner {
    pub(crate) id: u32,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) sigs: Vec<FuncType>,
    /// `(type, id)` sorted by type, to intern signatures.
    sig_ids: Vec<(FuncType, u32)>,
    pub(crate) instances: Vec<InstanceEntity>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Value stack kept between calls so calls do not allocate.
    pub(crate) stack: Vec<Cell>,
    /// Call-frame stack kept between calls.
    pub(crate) frames: Vec<crate::engine::Frame>,
    /// Wasm frames active in calls that are suspended in host functions.
    pub(crate) depth: usize,
    pub(crate) budget: Budget,
    /// Modules whose code is charged to this store's budget, and which of their lazily
    /// translated functions are.
    charged_modules: Vec<ChargedModule>,
    pub(crate) fuel_enabled: bool,
    /// Fuel remaining: the only fuel state code running wasm touches.
    pub(crate) fuel: u64,
    /// All fuel ever made available, so that consumption is `fuel_issued - fuel` and charging
    /// fuel is one subtraction (wide enough never to overflow).
    fuel_issued: u128,
}

impl StoreInner {
    /// Interns a function type, returning its store-wide signature id.
    pub(crate) fn intern_sig(&mut self, ty: &FuncType) -> Result<u32> {
        let pos = match self.sig_ids.binary_search_by(|(t, _)| t.cmp(ty)) {
            Ok(i) => return Ok(self.sig_ids[i].1),
            Err(pos) => pos,
        };
        let id = self.sigs.len() as u32;
        push_accounted(
            &mut self.budget,
            MemoryCategory::Runtime,
            &mut self.sigs,
            ty.clone(),
        )?;
        push_accounted(
            &mut self.budget,
            MemoryCategory::Runtime,
            &mut self.sig_ids,
            (ty.clone(), id),
        )?;
        self.sig_ids[pos..].rotate_right(1);
        Ok(id)
    }

    /// Charges a module's metadata and kept bodies, and its translated code if it was translated
    /// eagerly, once per store. Returns where the store keeps the charge (for
    /// `InstanceEntity::charged`).
    pub(crate) fn charge_module(&mut self, module: &Module) -> Result<u32> {
        if let Some(i) = self
            .charged_modules
            .iter()
            .position(|c| Arc::ptr_eq(&c.module.inner, &module.inner))
        {
            return Ok(i as u32);
        }
        let words = if module.inner.lazy {
            module.inner.code.len().div_ceil(64)
        } else {
            0
        };
        let code_bytes = module.inner.heap_bytes;
        let bits_bytes = (words * core::mem::size_of::<u64>()) as u64;
        self.budget.charge(MemoryCategory::Code, code_bytes)?;
        let mut funcs = Vec::new();
        let bits = match self.budget.charge(MemoryCategory::Runtime, bits_bytes) {
            Ok(()) if funcs.try_reserve_exact(words).is_ok() => Ok(()),
            Ok(()) => {
                self.budget.release(MemoryCategory::Runtime, bits_bytes);
                Err(Error::limit("out of host memory"))
            }
            Err(e) => Err(e),
        };
        let pushed = bits.and_then(|()| {
            funcs.resize(words, 0);
            push_accounted(
                &mut self.budget,
                MemoryCategory::Runtime,
                &mut self.charged_modules,
                ChargedModule {
                    module: module.clone(),
                    funcs,
                },
            )
            .inspect_err(|_| self.budget.release(MemoryCategory::Runtime, bits_bytes))
        });
        if let Err(e) = pushed {
            self.budget.release(MemoryCategory::Code, code_bytes);
            return Err(e);
        }
        Ok(self.charged_modules.len() as u32 - 1)
    }

    /// What calling store function `func` enters, as an out-of-line call: the interpreter reads
    /// a resolved entry itself (engine/exec/calls.rs) and calls this only for an unresolved
    /// one, and before entering its loop.
    ///
    /// For a wasm function not called in this store before, this first translates it (unless
    /// some store already did: the translation lives in the shared module) and charges its code
    /// to this store's budget, once per store and module function however many instances share
    /// it, then caches the code in the function's entry. If the code does not fit in the budget
    /// the call fails with the budget's `Error::Limit` and nothing changes.
    #[inline(never)]
    pub(crate) fn resolve_callee(&mut self, func: u32) -> Result<Callee> {
        let (instance, index) = match self.funcs.get(func as usize) {
            Some(&FuncEntity::Wasm {
                code: Some(code),
                instance,
                ..
            }) => return Ok(Callee::Wasm { code, instance }),
            Some(&FuncEntity::Wasm {
                code: None,
                instance,
                index,
                ..
            }) => (instance, index),
            Some(FuncEntity::Host { .. }) => return Ok(Callee::Host),
            None => return Err(internal("unknown function")),
        };
        let slot = self
            .instances
            .get(instance as usize)
            .ok_or_else(|| internal("unknown instance"))?
            .charged as usize;
        let charged = self
            .charged_modules
            .get_mut(slot)
            .ok_or_else(|| internal("module not charged"))?;
        // Translated (if no store has yet) into at most the code this store's budget has room
        // for, so nothing is allocated before the budget allows it.
        let available = self.budget.available();
        let Some(compiled) = charged.module.inner.compiled(index, available)? else {
            return Err(self
                .budget
                .refusal(MemoryCategory::Code, available.saturating_add(1)));
        };
        let bytes = compiled.heap_bytes();
        let code = NonNull::from(compiled);
        // Eager modules were charged in full at instantiation; they have no bits.
        let (word, bit) = (index as usize / 64, 1u64 << (index % 64));
        if let Some(bits) = charged.funcs.get_mut(word) {
            if *bits & bit == 0 {
                self.budget.charge(MemoryCategory::Code, bytes)?;
                *bits |= bit;
            }
        }
        if let Some(FuncEntity::Wasm { code: slot, .. }) = self.funcs.get_mut(func as usize) {
            *slot = Some(code);
        }
        Ok(Callee::Wasm { code, instance })
    }

    pub(crate) fn push_func(&mut self, func: FuncEntity) -> Result<u32> {
        push_accounted(
            &mut self.budget,
            MemoryCategory::Runtime,
            &mut self.funcs,
            func,
        )?;
        Ok(self.funcs.len() as u32 - 1)
    }

    pub(crate) fn push_global(&mut self, global: GlobalEntity) -> Result<u32> {
        push_accounted(
            &mut self.budget,
            MemoryCategory::Globals,
            &mut self.globals,
            global,
        )?;
        Ok(self.globals.len() as u32 - 1)
    }

    pub(crate) fn push_extern(&mut self, value: Box<dyn Any + Send + Sync>) -> Result<u32> {
        push_accounted(
            &mut self.budget,
            MemoryCategory::Runtime,
            &mut self.externs,
            value,
        )?;
        Ok(self.externs.len() as u32 - 1)
    }

    pub(crate) fn new_memory(&mut self, ty: MemoryType) -> Result<u32> {
        let max = self.engine.config().max_memories;
        if self.memories.len() >= max {
            return Err(Error::limit(alloc::format!(
                "a store may hold at most {max} memories"
            )));
        }
        let platform = self.engine.config().platform_optimizations;
        let entity = MemoryEntity::new(ty, &mut self.budget, platform)?;
        let bytes = entity.committed_bytes();
        let budget = &mut self.budget;
        push_entity(
            budget,
            &mut self.memories,
            entity,
            MemoryCategory::LinearMemory,
            bytes,
        )
    }

    pub(crate) fn new_table(&mut self, ty: TableType, init: Cell) -> Result<u32> {
        let (max_tables, max_elements) = {
            let c = self.engine.config();
            (c.max_tables, c.max_table_elements)
        };
        if self.tables.len() >= max_tables {
            return Err(Error::limit(alloc::format!(
                "a store may hold at most {max_tables} tables"
            )));
        }
        let entity = TableEntity::new(ty, init, max_elements, &mut self.budget)?;
        let bytes = vec_bytes(&entity.elements);
        push_entity(
            &mut self.budget,
            &mut self.tables,
            entity,
            MemoryCategory::Tables,
            bytes,
        )
    }

    /// Grows memory `memory` by `delta` pages: the old size, or `None` when it cannot grow
    /// (the wasm -1). `fuel_for` is the fuel a grow made by wasm code costs for its new bytes:
    /// it is charged after the checks that decide whether the grow succeeds and before memory
    /// is allocated, so a failing grow costs only its instruction and fuel never changes the
    /// answer; running out of it is a trap. The host's grows (`None`) are free.
    pub(crate) fn grow_memory(
        &mut self,
        memory: usize,
        delta: u64,
        fuel_for: Option<fn(u64) -> u64>,
    ) -> Result<Option<u64>> {
        let StoreInner {
            memories,
            budget,
            fuel,
            fuel_enabled,
            ..
        } = self;
        let m = memories
            .get_mut(memory)
            .ok_or_else(|| internal("grow of a memory the store does not have"))?;
        m.grow(delta, budget, payer(fuel, *fuel_enabled, fuel_for))
    }

    /// Grows table `table` by `delta` elements, as [`StoreInner::grow_memory`] grows a memory.
    pub(crate) fn grow_table(
        &mut self,
        table: usize,
        delta: u64,
        init: Cell,
        fuel_for: Option<fn(u64) -> u64>,
    ) -> Result<Option<u64>> {
        let max = self.engine.config().max_table_elements;
        let StoreInner {
            tables,
            budget,
            fuel,
            fuel_enabled,
            ..
        } = self;
        let t = tables
            .get_mut(table)
            .ok_or_else(|| internal("grow of a table the store does not have"))?;
        t.grow(
            delta,
            init,
            max,
            budget,
            payer(fuel, *fuel_enabled, fuel_for),
        )
    }

    /// Charges `units` of fuel when fuel is metered: out of fuel is a trap.
    pub(crate) fn consume_fuel(&mut self, units: u64) -> Result<()> {
        if self.fuel_enabled {
            consume_fuel(&mut self.fuel, units)
        } else {
            Ok(())
        }
    }

    pub(crate) fn check_store(&self, store: u32, what: &str) -> Result<()> {
        if store == self.id {
            Ok(())
        } else {
            Err(Error::handle(alloc::format!(
                "{what} belongs to a different store"
            )))
        }
    }

    pub(crate) fn func_ty(&self, func: u32) -> Option<&FuncType> {
        let sig = self.funcs.get(func as usize)?.sig();
        self.sigs.get(sig as usize)
    }
}

/// All runtime state: functions, memories, tables, globals and instances, plus the host's data.
/// Objects live as long as their store; handles (`Func`, `Memory`, ...) index into it.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<HostFuncEntity<T>>,
    /// `(address, func)` sorted by address: host functions from linkers, allocated once per
    /// store. `hosts` keeps each definition alive, so an address cannot be reused.
    pub(crate) host_ids: Vec<(usize, u32)>,
    pub(crate) data: T,
}

impl<T> Store<T> {
    /// A store for instances of `engine`'s modules, carrying the embedder's `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        let config = engine.config();
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                sigs: Vec::new(),
                sig_ids: Vec::new(),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                externs: Vec::new(),
                stack: Vec::new(),
                frames: Vec::new(),
                depth: 0,
                budget: Budget::new(config.memory_budget),
                charged_modules: Vec::new(),
                fuel_enabled: config.consume_fuel,
                fuel: 0,
                fuel_issued: 0,
            },
            hosts: Vec::new(),
            host_ids: Vec::new(),
            data,
        }
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store and returns the embedder's data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the fuel available to wasm code. Fails unless the engine consumes fuel.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.check_fuel()?;
        self.inner.fuel_issued = u128::from(self.fuel_consumed()) + u128::from(fuel);
        self.inner.fuel = fuel;
        Ok(())
    }

    /// Adds fuel (saturating), for example to resume after "out of fuel".
    pub fn add_fuel(&mut self, fuel: u64) -> Result<()> {
        self.check_fuel()?;
        let fuel = self.inner.fuel.saturating_add(fuel);
        self.inner.fuel_issued += u128::from(fuel - self.inner.fuel);
        self.inner.fuel = fuel;
        Ok(())
    }

    /// Fuel remaining.
    pub fn get_fuel(&self) -> Result<u64> {
        self.check_fuel()?;
        Ok(self.inner.fuel)
    }

    /// Fuel consumed since the store was created.
    pub fn fuel_consumed(&self) -> u64 {
        let consumed = self.inner.fuel_issued - u128::from(self.inner.fuel);
        u64::try_from(consumed).unwrap_or(u64::MAX)
    }

    fn check_fuel(&self) -> Result<()> {
        if self.inner.fuel_enabled {
            Ok(())
        } else {
            Err(Error::ty(
                "fuel is not enabled: use Config::consume_fuel(true)",
            ))
        }
    }

    /// Current and peak memory use by category, and grow counts.
    pub fn memory_profile(&self) -> MemoryProfile {
        self.inner.budget.profile()
    }

    /// The budget in bytes, if one is set.
    pub fn memory_budget(&self) -> Option<u64> {
        self.inner.budget.limit()
    }

    /// Reports `bytes` a host function allocates on the guest's behalf; fails, allocating
    /// nothing, if that would exceed the budget.
    pub fn charge_host(&mut self, bytes: u64) -> Result<()> {
        self.inner.budget.charge(MemoryCategory::Host, bytes)
    }

    /// Returns host bytes reported by [`Store::charge_host`].
    pub fn release_host(&mut self, bytes: u64) {
        self.inner.budget.release(MemoryCategory::Host, bytes)
    }

    /// Adds a host function and returns its store-level function index.
    pub(crate) fn alloc_host_func(&mut self, ty: &FuncType, f: HostFn<T>) -> Result<u32> {
        let sig = self.inner.intern_sig(ty)?;
        let host = self.hosts.len() as u32;
        push_accounted(
            &mut self.inner.budget,
            MemoryCategory::Runtime,
            &mut self.hosts,
            HostFuncEntity { ty: ty.clone(), f },
        )?;
        self.inner.push_func(FuncEntity::Host { sig, host })
    }

    /// Like `alloc_host_func`, but allocates each shared definition once per store.
    pub(crate) fn host_func_for(&mut self, ty: &FuncType, f: &HostFn<T>) -> Result<u32> {
        let key = Arc::as_ptr(f) as *const () as usize;
        let pos = match self.host_ids.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => return Ok(self.host_ids[i].1),
            Err(pos) => pos,
        };
        let func = self.alloc_host_func(ty, Arc::clone(f))?;
        push_accounted(
            &mut self.inner.budget,
            MemoryCategory::Runtime,
            &mut self.host_ids,
            (key, func),
        )?;
        self.host_ids[pos..].rotate_right(1);
        Ok(func)
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id)
            .field("funcs", &self.inner.funcs.len())
            .field("instances", &self.inner.instances.len())
            .field("data", &self.data)
            .finish()
    }
}

/// Read access to a store, through a `Store`, a reference to one, or a `Caller`.
pub trait AsContext {
    /// The embedder's data type of the store.
    type Data;
    #[doc(hidden)]
    fn as_store(&self) -> &Store<Self::Data>;
}

/// Write access to a store.
pub trait AsContextMut: AsContext {
    #[doc(hidden)]
    fn as_store_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_store(&self) -> &Store<T> {
        self
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_store_mut(&mut self) -> &mut Store<T> {
        self
    }
}
impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_store(&self) -> &Store<C::Data> {
        (**self).as_store()
    }
}
impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_store(&self) -> &Store<C::Data> {
        (**self).as_store()
    }
}
impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_store_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_store_mut()
    }
}

/// The view a host function has of the store while wasm calls it.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    /// The calling instance, when called from wasm.
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    /// The embedder's data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// An export of the calling instance.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let instance = self.instance?;
        self.store
            .inner
            .instances
            .get(instance as usize)?
            .export(name)
    }

    /// See [`Store::charge_host`].
    pub fn charge_host(&mut self, bytes: u64) -> Result<()> {
        self.store.charge_host(bytes)
    }

    /// See [`Store::release_host`].
    pub fn release_host(&mut self, bytes: u64) {
        self.store.release_host(bytes)
    }

    /// See [`Store::get_fuel`].
    pub fn get_fuel(&self) -> Result<u64> {
        self.store.get_fuel()
    }

    /// The calling instance's export named "memory", if it is a memory.
    pub fn memory(&self) -> Option<super::Memory> {
        match self.get_export("memory")? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_store(&self) -> &Store<T> {
        self.store
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_store_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

/// Adds a memory or table to the store's list (its slot charged as runtime data) and returns
/// its index; if the slot does not fit, gives back the `bytes` of `category` the entity was
/// charged when made.
fn push_entity<E>(
    budget: &mut Budget,
    list: &mut Vec<E>,
    entity: E,
    category: MemoryCategory,
    bytes: u64,
) -> Result<u32> {
    if let Err(e) = push_accounted(budget, MemoryCategory::Runtime, list, entity) {
        budget.release(category, bytes);
        return Err(e);
    }
    Ok(list.len() as u32 - 1)
}

/// What a grow pays for its new bytes: `fuel_for(bytes)` units of `fuel` when fuel is metered
/// and the grow is wasm's, nothing otherwise.
fn payer(
    fuel: &mut u64,
    enabled: bool,
    fuel_for: Option<fn(u64) -> u64>,
) -> impl FnOnce(u64) -> Result<()> + '_ {
    move |bytes| match fuel_for.filter(|_| enabled) {
        Some(units) => consume_fuel(fuel, units(bytes)),
        None => Ok(()),
    }
}

/// Takes `units` from `fuel`, or traps with "out of fuel" leaving it unchanged.
fn consume_fuel(fuel: &mut u64, units: u64) -> Result<()> {
    match fuel.checked_sub(units) {
        Some(left) => {
            *fuel = left;
            Ok(())
        }
        None => Err(Error::trap(crate::error::TrapCode::OutOfFuel)),
    }
}

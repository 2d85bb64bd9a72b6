//! The store: owner of every runtime object. Handles index into it.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::{AtomicU32, Ordering};

use super::func::{HostFn, HostFuncEntity};
use super::Extern;
use crate::config::Engine;
use crate::engine::CompiledFunc;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::{FuncType, GlobalType, MemoryType, TableType};
use crate::value::Cell;

/// Size of a WebAssembly page.
pub(crate) const PAGE_SIZE: usize = 65536;
/// Pages addressable by a 32-bit memory.
pub(crate) const MAX_PAGES: u64 = 65536;
/// Largest table this engine creates, in elements.
pub(crate) const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

static NEXT_STORE_ID: AtomicU32 = AtomicU32::new(1);

pub(crate) enum FuncEntity {
    Wasm {
        sig: u32,
        instance: u32,
        code: Arc<CompiledFunc>,
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
    pub(crate) data: Vec<u8>,
}

impl MemoryEntity {
    pub(crate) fn new(ty: MemoryType) -> Result<Self> {
        if ty.minimum() > MAX_PAGES || ty.maximum().is_some_and(|m| m > MAX_PAGES) {
            return Err(Error::Instantiation {
                message: "memory size must be at most 65536 pages (4GiB)".into(),
            });
        }
        let bytes = ty.minimum() as usize * PAGE_SIZE;
        let mut data = Vec::new();
        data.try_reserve_exact(bytes)
            .map_err(|_| Error::Instantiation {
                message: alloc::format!("cannot allocate {bytes} bytes of linear memory"),
            })?;
        data.resize(bytes, 0);
        Ok(MemoryEntity { ty, data })
    }

    pub(crate) fn pages(&self) -> u64 {
        (self.data.len() / PAGE_SIZE) as u64
    }

    /// Grows by `delta` pages; returns the old size, or `None` if the memory cannot grow.
    pub(crate) fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let max = self.ty.maximum().unwrap_or(MAX_PAGES).min(MAX_PAGES);
        if new > max {
            return None;
        }
        let new_len = new as usize * PAGE_SIZE;
        self.data
            .try_reserve_exact(new_len - self.data.len())
            .ok()?;
        self.data.resize(new_len, 0);
        self.ty = MemoryType::new(new, self.ty.maximum());
        Some(old)
    }
}

pub(crate) struct TableEntity {
    pub(crate) ty: TableType,
    pub(crate) elements: Vec<Cell>,
}

impl TableEntity {
    pub(crate) fn new(ty: TableType, init: Cell) -> Result<Self> {
        if ty.minimum() > MAX_TABLE_ELEMENTS {
            return Err(Error::Instantiation {
                message: alloc::format!(
                    "table of {} elements exceeds the limit of {MAX_TABLE_ELEMENTS}",
                    ty.minimum()
                ),
            });
        }
        let len = ty.minimum() as usize;
        let mut elements = Vec::new();
        elements
            .try_reserve_exact(len)
            .map_err(|_| Error::Instantiation {
                message: alloc::format!("cannot allocate a table of {len} elements"),
            })?;
        elements.resize(len, init);
        Ok(TableEntity { ty, elements })
    }

    /// Grows by `delta` elements set to `init`; returns the old size or `None`.
    pub(crate) fn grow(&mut self, delta: u64, init: Cell) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        let max = self
            .ty
            .maximum()
            .unwrap_or(u64::from(u32::MAX))
            .min(MAX_TABLE_ELEMENTS);
        if new > max {
            return None;
        }
        self.elements.try_reserve_exact(delta as usize).ok()?;
        self.elements.resize(new as usize, init);
        self.ty = TableType::new(self.ty.element(), new, self.ty.maximum());
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    pub(crate) ty: GlobalType,
    pub(crate) value: Cell,
}

pub(crate) struct InstanceEntity {
    pub(crate) module: Module,
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    /// Element segments (emptied when dropped).
    pub(crate) elems: Vec<Vec<Cell>>,
    /// Data segments (`None` when dropped).
    pub(crate) datas: Vec<Option<Arc<[u8]>>>,
    /// Store-level signature of each module type.
    pub(crate) sigs: Vec<u32>,
    pub(crate) exports: BTreeMap<alloc::string::String, Extern>,
}

/// The part of a store that does not depend on the host data type.
pub(crate) struct StoreInner {
    pub(crate) id: u32,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) sigs: Vec<FuncType>,
    sig_ids: BTreeMap<FuncType, u32>,
    pub(crate) instances: Vec<InstanceEntity>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Value stack kept between calls so calls do not allocate.
    pub(crate) stack: Vec<Cell>,
    /// Wasm frames active in calls that are suspended in host functions.
    pub(crate) depth: usize,
}

impl StoreInner {
    /// Interns a function type, returning its store-wide signature id.
    pub(crate) fn intern_sig(&mut self, ty: &FuncType) -> u32 {
        if let Some(id) = self.sig_ids.get(ty) {
            return *id;
        }
        let id = self.sigs.len() as u32;
        self.sigs.push(ty.clone());
        self.sig_ids.insert(ty.clone(), id);
        id
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
    /// Host functions from linkers, keyed by the address of their shared definition (which
    /// `hosts` keeps alive, so the address cannot be reused).
    pub(crate) host_ids: BTreeMap<usize, u32>,
    pub(crate) data: T,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                sigs: Vec::new(),
                sig_ids: BTreeMap::new(),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                externs: Vec::new(),
                stack: Vec::new(),
                depth: 0,
            },
            hosts: Vec::new(),
            host_ids: BTreeMap::new(),
            data,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    /// Adds a host function and returns its store-level function index.
    pub(crate) fn alloc_host_func(&mut self, ty: &FuncType, f: HostFn<T>) -> u32 {
        let sig = self.inner.intern_sig(ty);
        let host = self.hosts.len() as u32;
        self.hosts.push(HostFuncEntity { ty: ty.clone(), f });
        self.inner.funcs.push(FuncEntity::Host { sig, host });
        self.inner.funcs.len() as u32 - 1
    }

    /// Like `alloc_host_func`, but allocates each shared definition once per store.
    pub(crate) fn host_func_for(&mut self, ty: &FuncType, f: &HostFn<T>) -> u32 {
        let key = Arc::as_ptr(f) as *const () as usize;
        if let Some(&func) = self.host_ids.get(&key) {
            return func;
        }
        let func = self.alloc_host_func(ty, Arc::clone(f));
        self.host_ids.insert(key, func);
        func
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
    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

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
            .exports
            .get(name)
            .copied()
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

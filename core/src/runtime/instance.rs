//! Instances and instantiation.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ptr::NonNull;

use super::entities::InstanceEntity;
use super::store::{AsContext, Store};
use super::{export_list, Extern, Func, FuncEntity, Global, GlobalEntity, Memory, Table};
use crate::error::{Error, Result, TrapCode};
use crate::module::{ExternIndex, Module, SegmentMode};
use crate::resources::{push_accounted, MemoryCategory};
use crate::types::ExternType;
use crate::value::Cell;

/// An instantiated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Instance {
    /// The export called `name`.
    pub fn get_export(&self, ctx: impl AsContext, name: &str) -> Option<Extern> {
        let store = ctx.as_store();
        if store.inner.id != self.store {
            return None;
        }
        store.inner.instances.get(self.index as usize)?.export(name)
    }

    /// The exported function `name`, if there is one.
    pub fn get_func(&self, ctx: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(ctx, name)?.into_func()
    }
    /// The exported memory `name`, if there is one.
    pub fn get_memory(&self, ctx: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(ctx, name)?.into_memory()
    }
    /// The exported global `name`, if there is one.
    pub fn get_global(&self, ctx: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(ctx, name)?.into_global()
    }
    /// The exported table `name`, if there is one.
    pub fn get_table(&self, ctx: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(ctx, name)?.into_table()
    }

    /// All exports, by name.
    pub fn exports(&self, ctx: impl AsContext) -> Vec<(String, Extern)> {
        let store = ctx.as_store();
        if store.inner.id != self.store {
            return Vec::new();
        }
        export_list(&store.inner, self.index)
    }

    /// The module this is an instance of.
    pub fn module(&self, ctx: impl AsContext) -> Option<Module> {
        let store = ctx.as_store();
        if store.inner.id != self.store {
            return None;
        }
        Some(
            store
                .inner
                .instances
                .get(self.index as usize)?
                .module
                .clone(),
        )
    }
}

fn incompatible(module: &str, name: &str, want: &ExternType, have: &ExternType) -> Error {
    Error::link(alloc::format!(
        "incompatible import type for `{module}::{name}`: expected {want}, found {have}"
    ))
}

/// Checks that `have` may satisfy an import of type `want`.
fn import_matches(want: &ExternType, have: &ExternType) -> bool {
    match (want, have) {
        (ExternType::Func(w), ExternType::Func(h)) => w == h,
        (ExternType::Global(w), ExternType::Global(h)) => w == h,
        (ExternType::Memory(w), ExternType::Memory(h)) => h.limits().matches(w.limits()),
        (ExternType::Table(w), ExternType::Table(h)) => {
            w.element() == h.element() && h.limits().matches(w.limits())
        }
        _ => false,
    }
}

pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    let m = &module.inner;
    let store_id = store.inner.id;
    let instance_index = store.inner.instances.len() as u32;
    let config = store.inner.engine.config();
    if store.inner.instances.len() >= config.max_instances {
        return Err(Error::limit(alloc::format!(
            "a store may hold at most {} instances",
            config.max_instances
        )));
    }
    if m.fuel != config.consume_fuel || m.deterministic != config.deterministic {
        return Err(Error::Instantiation {
            message: "the module was compiled by an engine with a different fuel or \
                      deterministic setting"
                .into(),
        });
    }

    // 0. The module's code (all of it if translated eagerly; a lazily translated function is
    //    charged on its first call), once per store, and this instance's own bookkeeping,
    //    before any of it is allocated.
    let charged = store.inner.charge_module(module)?;
    store.inner.budget.charge(
        MemoryCategory::Runtime,
        InstanceEntity::heap_bytes_for(module),
    )?;

    let mut funcs = Vec::with_capacity(m.funcs.len());
    let mut tables = Vec::with_capacity(m.tables.len());
    let mut memories = Vec::with_capacity(m.memories.len());
    let mut globals = Vec::with_capacity(m.globals.len());

    // 1. Imports, checked against their declared types.
    for (import, ext) in m.imports.iter().zip(imports) {
        if ext.store_id() != store_id {
            return Err(Error::link(alloc::format!(
                "import `{}::{}` comes from a different store",
                import.module,
                import.name
            )));
        }
        let want = m
            .extern_type(import.index)
            .ok_or_else(|| Error::link("import of an unknown type"))?;
        let have = ext.ty(&*store);
        if !import_matches(&want, &have) {
            return Err(incompatible(&import.module, &import.name, &want, &have));
        }
        match *ext {
            Extern::Func(f) => funcs.push(f.index),
            Extern::Table(t) => tables.push(t.index),
            Extern::Memory(mem) => memories.push(mem.index),
            Extern::Global(g) => globals.push(g.index),
        }
    }

    // 2. Signatures and defined functions.
    let mut sigs = Vec::with_capacity(m.types.len());
    for ty in &m.types {
        sigs.push(store.inner.intern_sig(ty)?);
    }
    for i in 0..m.code.len() as u32 {
        let func_index = m.num_imported_funcs + i;
        let ty = m.funcs.get(func_index as usize).copied().unwrap_or(0);
        let sig = sigs.get(ty as usize).copied().unwrap_or(0);
        // Eagerly translated code is charged (above) and can be used at once.
        let code = if m.lazy {
            None
        } else {
            Some(NonNull::from(m.compiled(i, u64::MAX)?.ok_or_else(
                || Error::Instantiation {
                    message:
                        "internal engine error: an eagerly translated function has no code".into(),
                },
            )?))
        };
        funcs.push(store.inner.push_func(FuncEntity::Wasm {
            sig,
            instance: instance_index,
            index: i,
            code,
        })?);
    }
    let func_ref = |f: u32| funcs.get(f as usize).map_or(0, |&s| u64::from(s) + 1);

    // 3. Globals, in order (an initialiser may read earlier globals). They must land one after
    //    another in the store (see `InstanceEntity::own_globals`): nothing else pushes a global
    //    here (initialisers are constant expressions, which run no code), and this checks it.
    let own_globals = store.inner.globals.len() as u32;
    for (i, init) in m.global_inits.iter().enumerate() {
        let ty = m.globals[m.num_imported_globals as usize + i];
        let inner = &store.inner;
        let value = init.eval(
            |g| {
                globals
                    .get(g as usize)
                    .and_then(|&s| inner.globals.get(s as usize))
                    .map_or(0, |e| e.value)
            },
            func_ref,
        );
        let index = store.inner.push_global(GlobalEntity { ty, value })?;
        if u64::from(index) != u64::from(own_globals) + i as u64 {
            return Err(Error::Instantiation {
                message: "internal error: an instance's globals are not contiguous".into(),
            });
        }
        globals.push(index);
    }
    let read_global = |inner: &super::StoreInner, g: u32| {
        globals
            .get(g as usize)
            .and_then(|&s| inner.globals.get(s as usize))
            .map_or(0, |e| e.value)
    };

    // 4. Tables and memories.
    for (i, init) in m.table_inits.iter().enumerate() {
        let ty = m.tables[m.num_imported_tables as usize + i];
        let init: Cell = init
            .as_ref()
            .map_or(0, |e| e.eval(|g| read_global(&store.inner, g), func_ref));
        tables.push(store.inner.new_table(ty, init)?);
    }
    for ty in &m.memories[m.num_imported_memories as usize..] {
        memories.push(store.inner.new_memory(*ty)?);
    }

    // 5. Segments.
    let mut elems: Vec<Vec<Cell>> = Vec::with_capacity(m.elems.len());
    for seg in &m.elems {
        let mut items = Vec::with_capacity(seg.items.len());
        for e in &seg.items {
            items.push(e.eval(|g| read_global(&store.inner, g), func_ref));
        }
        elems.push(items);
    }
    let datas = m.datas.iter().map(|d| Some(d.bytes.clone())).collect();

    // 6. Exports, sorted by name for lookup.
    let mut exports: Vec<(Box<str>, Extern)> = Vec::with_capacity(m.exports.len());
    for (name, index) in &m.exports {
        let ext = match *index {
            ExternIndex::Func(i) => Extern::Func(Func {
                store: store_id,
                index: funcs.get(i as usize).copied().unwrap_or(0),
            }),
            ExternIndex::Table(i) => Extern::Table(Table {
                store: store_id,
                index: tables.get(i as usize).copied().unwrap_or(0),
            }),
            ExternIndex::Memory(i) => Extern::Memory(Memory {
                store: store_id,
                index: memories.get(i as usize).copied().unwrap_or(0),
            }),
            ExternIndex::Global(i) => Extern::Global(Global {
                store: store_id,
                index: globals.get(i as usize).copied().unwrap_or(0),
            }),
        };
        exports.push((name.as_str().into(), ext));
    }
    exports.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let entity = InstanceEntity {
        module: module.clone(),
        charged,
        funcs,
        tables,
        memories,
        globals,
        own_globals,
        elems,
        datas,
        sigs,
        exports,
    };
    push_accounted(
        &mut store.inner.budget,
        MemoryCategory::Runtime,
        &mut store.inner.instances,
        entity,
    )?;
    let instance = Instance {
        store: store_id,
        index: instance_index,
    };

    // 7. Active segments, in order; a failing segment traps, keeping earlier writes.
    init_segments(store, instance_index)?;

    // 8. Start function.
    if let Some(start) = m.start {
        let func = store.inner.instances[instance_index as usize]
            .funcs
            .get(start as usize)
            .copied()
            .ok_or_else(|| Error::link("unknown start function"))?;
        crate::engine::call(store, func, &[], &mut [])?;
    }
    Ok(instance)
}

fn init_segments<T>(store: &mut Store<T>, instance: u32) -> Result<()> {
    let inner = &mut store.inner;
    let inst = &inner.instances[instance as usize];
    let module = inst.module.clone();
    let m = &module.inner;
    let read_global = |inner: &super::StoreInner, g: u32| {
        inner.instances[instance as usize]
            .globals
            .get(g as usize)
            .and_then(|&s| inner.globals.get(s as usize))
            .map_or(0, |e| e.value)
    };
    for (i, seg) in m.elems.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let offset = offset.eval(|g| read_global(inner, g), |_| 0) as u32 as usize;
                let inst = &inner.instances[instance as usize];
                let items = inst.elems.get(i).cloned().unwrap_or_default();
                let table = inst.tables.get(*index as usize).copied().unwrap_or(0);
                let t = inner
                    .tables
                    .get_mut(table as usize)
                    .ok_or_else(|| Error::link("unknown table"))?;
                let end = offset
                    .checked_add(items.len())
                    .filter(|&e| e <= t.elements.len())
                    .ok_or_else(|| Error::trap(TrapCode::TableOutOfBounds))?;
                t.elements[offset..end].copy_from_slice(&items);
                inner.instances[instance as usize].elems[i].clear();
            }
            SegmentMode::Declared => inner.instances[instance as usize].elems[i].clear(),
            SegmentMode::Passive => {}
        }
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let offset = offset.eval(|g| read_global(inner, g), |_| 0) as u32 as usize;
            let memory = inner.instances[instance as usize]
                .memories
                .get(*index as usize)
                .copied()
                .unwrap_or(0);
            let mem = inner
                .memories
                .get_mut(memory as usize)
                .ok_or_else(|| Error::link("unknown memory"))?;
            let end = offset
                .checked_add(seg.bytes.len())
                .filter(|&e| e <= mem.data.len())
                .ok_or_else(|| Error::trap(TrapCode::MemoryOutOfBounds))?;
            mem.data[offset..end].copy_from_slice(&seg.bytes);
            inner.instances[instance as usize].datas[i] = None;
        }
    }
    Ok(())
}

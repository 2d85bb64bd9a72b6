//! Instances and instantiation.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::store::{AsContext, InstanceEntity, Store};
use super::{
    export_list, Extern, Func, FuncEntity, Global, GlobalEntity, Memory, MemoryEntity, Table,
    TableEntity,
};
use crate::error::{Error, Result, TrapCode};
use crate::module::{ExternIndex, Module, SegmentMode};
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
        store
            .inner
            .instances
            .get(self.index as usize)?
            .exports
            .get(name)
            .copied()
    }

    pub fn get_func(&self, ctx: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(ctx, name)?.into_func()
    }
    pub fn get_memory(&self, ctx: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(ctx, name)?.into_memory()
    }
    pub fn get_global(&self, ctx: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(ctx, name)?.into_global()
    }
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
    let sigs: Vec<u32> = m.types.iter().map(|t| store.inner.intern_sig(t)).collect();
    for (i, code) in m.code.iter().enumerate() {
        let func_index = m.num_imported_funcs as usize + i;
        let ty = m.funcs.get(func_index).copied().unwrap_or(0);
        let sig = sigs.get(ty as usize).copied().unwrap_or(0);
        store.inner.funcs.push(FuncEntity::Wasm {
            sig,
            instance: instance_index,
            code: code.clone(),
        });
        funcs.push(store.inner.funcs.len() as u32 - 1);
    }
    let func_ref = |f: u32| funcs.get(f as usize).map_or(0, |&s| u64::from(s) + 1);

    // 3. Globals, in order (an initialiser may read earlier globals).
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
        store.inner.globals.push(GlobalEntity { ty, value });
        globals.push(store.inner.globals.len() as u32 - 1);
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
        store.inner.tables.push(TableEntity::new(ty, init)?);
        tables.push(store.inner.tables.len() as u32 - 1);
    }
    for ty in &m.memories[m.num_imported_memories as usize..] {
        store.inner.memories.push(MemoryEntity::new(*ty)?);
        memories.push(store.inner.memories.len() as u32 - 1);
    }

    // 5. Segments.
    let elems: Vec<Vec<Cell>> = m
        .elems
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| e.eval(|g| read_global(&store.inner, g), func_ref))
                .collect()
        })
        .collect();
    let datas = m.datas.iter().map(|d| Some(d.bytes.clone())).collect();

    // 6. Exports.
    let mut exports = BTreeMap::new();
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
        exports.insert(name.clone(), ext);
    }

    store.inner.instances.push(InstanceEntity {
        module: module.clone(),
        funcs,
        tables,
        memories,
        globals,
        elems,
        datas,
        sigs,
        exports,
    });
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

//! Instances and instantiation.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ptr::NonNull;

use super::entities::InstanceEntity;
use super::store::{AsContext, Store};
use super::{export_list, Extern, Func, FuncEntity, Global, GlobalEntity, Memory, Table};
use crate::error::{internal, Error, Result, TrapCode};
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
        return Err(Error::instantiation(
            "the module was compiled by an engine with a different fuel or deterministic setting",
        ));
    }
    if imports.len() != m.imports.len() {
        return Err(internal!(
            "{} imports given for {} declared",
            imports.len(),
            m.imports.len()
        ));
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
        let have = ext.ty(&*store)?;
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
        let sig = m
            .funcs
            .get(func_index as usize)
            .and_then(|&ty| sigs.get(ty as usize))
            .copied()
            .ok_or_else(|| internal!("function {func_index} has no signature"))?;
        // Eagerly translated code is charged (above) and can be used at once.
        let code = if m.lazy {
            None
        } else {
            Some(NonNull::from(m.compiled(i, u64::MAX)?.ok_or_else(
                || internal!("an eagerly translated function has no code"),
            )?))
        };
        funcs.push(store.inner.push_func(FuncEntity::Wasm {
            sig,
            instance: instance_index,
            index: i,
            code,
        })?);
    }
    let func_ref = |f: u32| {
        funcs
            .get(f as usize)
            .map(|&s| u64::from(s) + 1)
            .ok_or_else(|| internal!("reference to unknown function {f}"))
    };

    // 3. Globals, in order (an initialiser may read earlier globals). They must land one after
    //    another in the store (see `InstanceEntity::own_globals`): nothing else pushes a global
    //    here (initialisers are constant expressions, which run no code), and this checks it.
    let own_globals = store.inner.globals.len() as u32;
    let defined_globals = m.globals.get(m.num_imported_globals as usize..);
    for (i, init) in m.global_inits.iter().enumerate() {
        let ty = *defined_globals
            .and_then(|g| g.get(i))
            .ok_or_else(|| internal!("defined global {i} has no type"))?;
        let value = init.eval(|g| read_global(&store.inner, &globals, g), func_ref)?;
        let index = store.inner.push_global(GlobalEntity { ty, value })?;
        if u64::from(index) != u64::from(own_globals) + i as u64 {
            return Err(internal!("an instance's globals are not contiguous"));
        }
        globals.push(index);
    }

    // 4. Tables and memories.
    let defined_tables = m.tables.get(m.num_imported_tables as usize..);
    for (i, init) in m.table_inits.iter().enumerate() {
        let ty = *defined_tables
            .and_then(|t| t.get(i))
            .ok_or_else(|| internal!("defined table {i} has no type"))?;
        let init: Cell = match init {
            Some(e) => e.eval(|g| read_global(&store.inner, &globals, g), func_ref)?,
            None => 0,
        };
        tables.push(store.inner.new_table(ty, init)?);
    }
    let defined_memories = m
        .memories
        .get(m.num_imported_memories as usize..)
        .ok_or_else(|| internal!("more imported memories than memories"))?;
    for ty in defined_memories {
        memories.push(store.inner.new_memory(*ty)?);
    }

    // 5. Segments.
    let mut elems: Vec<Vec<Cell>> = Vec::with_capacity(m.elems.len());
    for seg in &m.elems {
        let mut items = Vec::with_capacity(seg.items.len());
        for e in &seg.items {
            items.push(e.eval(|g| read_global(&store.inner, &globals, g), func_ref)?);
        }
        elems.push(items);
    }
    let datas = m.datas.iter().map(|d| Some(d.bytes.clone())).collect();

    // 6. Exports, sorted by name for lookup.
    let mut exports: Vec<(Box<str>, Extern)> = Vec::with_capacity(m.exports.len());
    for (name, index) in &m.exports {
        let entity = |indices: &[u32], i: u32| {
            indices
                .get(i as usize)
                .copied()
                .ok_or_else(|| internal!("export `{name}` of an unknown {index:?}"))
        };
        let ext = match *index {
            ExternIndex::Func(i) => Extern::Func(Func {
                store: store_id,
                index: entity(&funcs, i)?,
            }),
            ExternIndex::Table(i) => Extern::Table(Table {
                store: store_id,
                index: entity(&tables, i)?,
            }),
            ExternIndex::Memory(i) => Extern::Memory(Memory {
                store: store_id,
                index: entity(&memories, i)?,
            }),
            ExternIndex::Global(i) => Extern::Global(Global {
                store: store_id,
                index: entity(&globals, i)?,
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
        let func = instance_entity(&store.inner, instance_index)?
            .funcs
            .get(start as usize)
            .copied()
            .ok_or_else(|| internal!("unknown start function {start}"))?;
        crate::engine::call(store, func, &[], &mut [])?;
    }
    Ok(instance)
}

fn instance_entity(inner: &super::StoreInner, instance: u32) -> Result<&InstanceEntity> {
    inner
        .instances
        .get(instance as usize)
        .ok_or_else(|| internal!("unknown instance {instance}"))
}

/// The value of global `g` of an instance whose globals are at `globals` in the store.
fn read_global(inner: &super::StoreInner, globals: &[u32], g: u32) -> Result<Cell> {
    globals
        .get(g as usize)
        .and_then(|&s| inner.globals.get(s as usize))
        .map(|e| e.value)
        .ok_or_else(|| internal!("unknown global {g}"))
}

fn init_segments<T>(store: &mut Store<T>, instance: u32) -> Result<()> {
    let inner = &mut store.inner;
    let inst = instance_entity(inner, instance)?;
    let module = inst.module.clone();
    let globals = inst.globals.clone();
    let m = &module.inner;
    let no_refs = |f: u32| Err(internal!("an offset refers to function {f}"));
    // An active or declared segment is dropped once applied; a failing one traps, keeping the
    // writes of those before it.
    for (i, seg) in m.elems.iter().enumerate() {
        let offset = match &seg.mode {
            SegmentMode::Active { offset, .. } => {
                Some(offset.eval(|g| read_global(inner, &globals, g), no_refs)? as u32 as usize)
            }
            SegmentMode::Declared | SegmentMode::Passive => None,
        };
        let inst = instance_mut(&mut inner.instances, instance)?;
        let items = inst
            .elems
            .get_mut(i)
            .ok_or_else(|| internal!("unknown element segment {i}"))?;
        match (&seg.mode, offset) {
            (SegmentMode::Active { index, .. }, Some(offset)) => {
                let t = inst
                    .tables
                    .get(*index as usize)
                    .and_then(|&t| inner.tables.get_mut(t as usize))
                    .ok_or_else(|| internal!("unknown table {index}"))?;
                let dst = offset
                    .checked_add(items.len())
                    .and_then(|end| t.elements.get_mut(offset..end))
                    .ok_or_else(|| Error::trap(TrapCode::TableOutOfBounds))?;
                dst.copy_from_slice(items);
                items.clear();
            }
            (SegmentMode::Declared, _) => items.clear(),
            _ => {}
        }
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let offset = offset.eval(|g| read_global(inner, &globals, g), no_refs)? as u32 as usize;
            let inst = instance_mut(&mut inner.instances, instance)?;
            let mem = inst
                .memories
                .get(*index as usize)
                .and_then(|&mem| inner.memories.get_mut(mem as usize))
                .ok_or_else(|| internal!("unknown memory {index}"))?;
            let dst = offset
                .checked_add(seg.bytes.len())
                .and_then(|end| mem.data.get_mut(offset..end))
                .ok_or_else(|| Error::trap(TrapCode::MemoryOutOfBounds))?;
            dst.copy_from_slice(&seg.bytes);
            *inst
                .datas
                .get_mut(i)
                .ok_or_else(|| internal!("unknown data segment {i}"))? = None;
        }
    }
    Ok(())
}

fn instance_mut(instances: &mut [InstanceEntity], instance: u32) -> Result<&mut InstanceEntity> {
    instances
        .get_mut(instance as usize)
        .ok_or_else(|| internal!("unknown instance {instance}"))
}

//! Memory growth and the bulk memory and table instructions: out of line, because they are
//! rarely hot and their bookkeeping (fuel per byte, the budget, segment lookups) is not small.
//! Each takes the execution state and plain operands, and records its failure in `st`.
//!
//! Fuel is charged only for work that happens: each operation first makes the checks that
//! decide its outcome (bounds, limits, the budget), then charges the fuel proportional to its
//! size, then does the work. An operation that fails deterministically (a trap, or -1 from a
//! grow) costs only its instruction's base price, so metering fuel never changes an answer.

use alloc::vec::Vec;

use super::dispatch::Exec;
use super::{bulk_fuel, range, table_of, table_range};
use crate::error::Result;
use alloc::sync::Arc;

use crate::runtime::{InstanceEntity, StoreInner};
use crate::value::Cell;

/// Runs `f` on the store and the current instance, recording an error.
#[inline(always)]
fn with<R>(st: &mut Exec, f: impl FnOnce(&mut StoreInner, u32, usize) -> Result<R>) -> Option<R> {
    // SAFETY: `inner` is valid for the execution and not otherwise borrowed while a handler
    // runs one of these functions.
    let r = f(unsafe { &mut *st.inner }, st.instance, st.mem);
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            st.fail(e);
            None
        }
    }
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (as the wasm `-1`) if it cannot grow.
/// Recomputes the memory caches into `st.hot`.
#[inline(never)]
pub(super) fn memory_grow(st: &mut Exec, delta: u32) -> Option<u64> {
    let delta = u64::from(delta);
    let old = with(st, |inner, _, mem| {
        let old = inner.grow_memory(mem, delta, Some(bulk_fuel))?;
        Ok(old.map_or(u32::MAX, |old| old as u32))
    })?;
    st.refresh();
    Some(u64::from(old))
}

/// The current instance (validation and instantiation make it exist).
fn instance(inner: &mut StoreInner, index: u32) -> Result<&mut InstanceEntity> {
    inner
        .instances
        .get_mut(index as usize)
        .ok_or_else(|| super::internal("the current instance is not in the store"))
}

/// Data segment `index` of the current instance: `None` once dropped.
fn data_segment(
    inner: &mut StoreInner,
    instance_index: u32,
    index: u32,
) -> Result<&mut Option<Arc<[u8]>>> {
    instance(inner, instance_index)?
        .datas
        .get_mut(index as usize)
        .ok_or_else(|| super::internal("a data segment validation let through is missing"))
}

/// Element segment `index` of the current instance (empty once dropped).
fn elem_segment(inner: &mut StoreInner, instance_index: u32, index: u32) -> Result<&mut Vec<Cell>> {
    instance(inner, instance_index)?
        .elems
        .get_mut(index as usize)
        .ok_or_else(|| super::internal("an element segment validation let through is missing"))
}

fn memory(inner: &mut StoreInner, mem: usize) -> Result<&mut [u8]> {
    match inner.memories.get_mut(mem) {
        Some(m) => Ok(&mut m.data),
        None => Err(super::trap(crate::error::TrapCode::MemoryOutOfBounds)),
    }
}

#[inline(never)]
pub(super) fn memory_fill(st: &mut Exec, d: u32, v: u8, n: u32) -> bool {
    with(st, |inner, _, mem| {
        let len = memory(inner, mem)?.len();
        let range = range(u64::from(d), u64::from(n), len)?;
        inner.consume_fuel(bulk_fuel(u64::from(n)))?;
        memory(inner, mem)?[range].fill(v);
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn memory_copy(st: &mut Exec, d: u32, s: u32, n: u32) -> bool {
    with(st, |inner, _, mem| {
        let len = memory(inner, mem)?.len();
        let src_range = range(u64::from(s), u64::from(n), len)?;
        let dst_range = range(u64::from(d), u64::from(n), len)?;
        inner.consume_fuel(bulk_fuel(u64::from(n)))?;
        memory(inner, mem)?.copy_within(src_range, dst_range.start);
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn memory_init(st: &mut Exec, data_index: u32, d: u32, s: u32, n: u32) -> bool {
    with(st, |inner, instance, mem| {
        // A dropped segment is empty.
        let segment = data_segment(inner, instance, data_index)?.clone();
        let bytes: &[u8] = segment.as_deref().unwrap_or(&[]);
        let src_range = range(u64::from(s), u64::from(n), bytes.len())?;
        let dst_range = range(u64::from(d), u64::from(n), memory(inner, mem)?.len())?;
        inner.consume_fuel(bulk_fuel(u64::from(n)))?;
        memory(inner, mem)?[dst_range].copy_from_slice(&bytes[src_range]);
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn data_drop(st: &mut Exec, data: u32) {
    with(st, |inner, instance, _| {
        *data_segment(inner, instance, data)? = None;
        Ok(())
    });
}

#[inline(never)]
pub(super) fn table_get(st: &mut Exec, table: u32, i: u32) -> Option<u64> {
    with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        inner.tables[t]
            .elements
            .get(i as usize)
            .copied()
            .ok_or_else(|| super::trap(crate::error::TrapCode::TableOutOfBounds))
    })
}

#[inline(never)]
pub(super) fn table_set(st: &mut Exec, table: u32, i: u32, v: Cell) -> bool {
    with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        *inner.tables[t]
            .elements
            .get_mut(i as usize)
            .ok_or_else(|| super::trap(crate::error::TrapCode::TableOutOfBounds))? = v;
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn table_size(st: &mut Exec, table: u32) -> Option<u64> {
    with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        Ok(inner.tables[t].elements.len() as u64)
    })
}

/// `table.grow`: the old size, or `u32::MAX` (as the wasm `-1`) if it cannot grow.
#[inline(never)]
/// Recomputes the caches (the grown table's elements may have moved: `Exec::table0`).
pub(super) fn table_grow(st: &mut Exec, table: u32, init: Cell, delta: u32) -> Option<u64> {
    let old = with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        let old = inner.grow_table(t, u64::from(delta), init, Some(bulk_fuel))?;
        Ok(u64::from(old.map_or(u32::MAX, |old| old as u32)))
    })?;
    st.refresh();
    Some(old)
}

#[inline(never)]
pub(super) fn table_fill(st: &mut Exec, table: u32, d: u32, v: Cell, n: u32) -> bool {
    with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        let range = table_range(u64::from(d), u64::from(n), inner.tables[t].elements.len())?;
        inner.consume_fuel(bulk_fuel(u64::from(n) * 8))?;
        inner.tables[t].elements[range].fill(v);
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn table_copy(st: &mut Exec, dst: u32, src: u32, d: u32, s: u32, n: u32) -> bool {
    with(st, |inner, instance, _| {
        let dt = table_of(inner, instance, dst)?;
        let st = table_of(inner, instance, src)?;
        let src_range = table_range(u64::from(s), u64::from(n), inner.tables[st].elements.len())?;
        let dst_range = table_range(u64::from(d), u64::from(n), inner.tables[dt].elements.len())?;
        inner.consume_fuel(bulk_fuel(u64::from(n) * 8))?;
        let tables = &mut inner.tables;
        if dt == st {
            tables[dt].elements.copy_within(src_range, dst_range.start);
        } else {
            // Two distinct tables: borrow both without copying through a buffer.
            let (low, high) = tables.split_at_mut(dt.max(st));
            let (dst_t, src_t) = if dt < st {
                (&mut low[dt], &high[0])
            } else {
                (&mut high[0], &low[st])
            };
            dst_t.elements[dst_range].copy_from_slice(&src_t.elements[src_range]);
        }
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn table_init(st: &mut Exec, table: u32, elem: u32, d: u32, s: u32, n: u32) -> bool {
    with(st, |inner, instance, _| {
        let t = table_of(inner, instance, table)?;
        let items = elem_segment(inner, instance, elem)?.len();
        let src_range = table_range(u64::from(s), u64::from(n), items)?;
        let dst_range = table_range(u64::from(d), u64::from(n), inner.tables[t].elements.len())?;
        inner.consume_fuel(bulk_fuel(u64::from(n) * 8))?;
        // The segment and the table are both parts of the store: borrow them apart.
        let StoreInner {
            instances, tables, ..
        } = inner;
        let items = instances
            .get(instance as usize)
            .and_then(|i| i.elems.get(elem as usize))
            .ok_or_else(|| {
                super::internal("an element segment validation let through is missing")
            })?;
        let table = tables
            .get_mut(t)
            .ok_or_else(|| super::internal("a table the instance has is missing"))?;
        // Both ranges were checked against these lengths above.
        table.elements[dst_range].copy_from_slice(&items[src_range]);
        Ok(())
    })
    .is_some()
}

#[inline(never)]
pub(super) fn elem_drop(st: &mut Exec, elem: u32) {
    with(st, |inner, instance, _| {
        *elem_segment(inner, instance, elem)? = Vec::new();
        Ok(())
    });
}

//! Reading a module within the engine's memory budget, checked before allocating.
//!
//! `Module::new` allocates as it reads: wasmparser's validator records every type, function,
//! global, import and export it sees, and wrt keeps its own record of them. Both grow with the
//! counts a module declares, and a 3 MB module can declare a million types. So before each
//! section is validated or read, what its items may cost is reserved against the budget: a
//! fixed upper bound per item (wrt's record and the validator's, including the slack of the
//! vectors that hold them) plus a bound per byte of the section for what grows with the items'
//! contents (names, parameter lists, data bytes, element lists, the lazily translated code
//! section). A section that cannot fit is refused before anything of it is allocated.
//!
//! The bounds are measured, not guessed: core/tests/load_budget.rs holds the peak heap of
//! `Module::new`, on every thread, within the budget plus a constant for every kind of item,
//! up to the most that fit. Translated code is not reserved here: eager translation takes its
//! code from what the reservations left (`compile::CodeBudget`), stopping a translation before
//! it allocates past that, and lazy translation does the same against a store's budget on a
//! function's first call.

use wasmparser::Payload;

use crate::error::{Error, Result};

/// What one item of a section may cost while the module is read.
#[derive(Clone, Copy)]
struct Cost {
    /// Bytes per item, whatever its size.
    per_item: u64,
    /// Bytes per byte of the section.
    per_byte: u64,
}

impl Cost {
    const fn new(per_item: u64, per_byte: u64) -> Self {
        Cost { per_item, per_byte }
    }
}

// Bytes per item and per byte of the section, by section.
const TYPES: Cost = Cost::new(256, 16);
const IMPORTS: Cost = Cost::new(384, 16);
const FUNCTIONS: Cost = Cost::new(32, 0);
const TABLES_AND_MEMORIES: Cost = Cost::new(128, 8);
const GLOBALS: Cost = Cost::new(128, 8);
const EXPORTS: Cost = Cost::new(192, 16);
const ELEMENTS: Cost = Cost::new(192, 64);
const DATAS: Cost = Cost::new(96, 4);
/// A function body: its entry, the validator's record of it while it waits to be checked, and
/// (lazily) the copy of the code section it is translated from later.
const BODIES: Cost = Cost::new(256, 2);

/// The reservations made so far for one `Module::new`, against `limit` bytes.
pub(super) struct LoadBudget {
    limit: Option<u64>,
    reserved: u64,
}

impl LoadBudget {
    pub(super) fn new(limit: Option<u64>) -> Self {
        LoadBudget { limit, reserved: 0 }
    }

    /// What is left of the budget after the reservations (`None`: no budget).
    pub(super) fn remaining(&self) -> Option<u64> {
        self.limit.map(|limit| limit.saturating_sub(self.reserved))
    }

    /// Reserves what the items of the section `payload` starts may cost, before they are
    /// validated or read; refuses a section that does not fit.
    pub(super) fn reserve(&mut self, payload: &Payload<'_>) -> Result<()> {
        let (what, count, bytes, cost) = match payload {
            Payload::TypeSection(r) => ("types", r.count(), r.range().len(), TYPES),
            Payload::ImportSection(r) => ("imports", r.count(), r.range().len(), IMPORTS),
            Payload::FunctionSection(r) => ("functions", r.count(), r.range().len(), FUNCTIONS),
            Payload::TableSection(r) => ("tables", r.count(), r.range().len(), TABLES_AND_MEMORIES),
            Payload::MemorySection(r) => {
                ("memories", r.count(), r.range().len(), TABLES_AND_MEMORIES)
            }
            Payload::GlobalSection(r) => ("globals", r.count(), r.range().len(), GLOBALS),
            Payload::ExportSection(r) => ("exports", r.count(), r.range().len(), EXPORTS),
            Payload::ElementSection(r) => {
                ("element segments", r.count(), r.range().len(), ELEMENTS)
            }
            Payload::DataSection(r) => ("data segments", r.count(), r.range().len(), DATAS),
            Payload::CodeSectionStart { count, range, .. } => {
                ("function bodies", *count, range.len(), BODIES)
            }
            _ => return Ok(()),
        };
        // Every item takes at least a byte, so a count beyond the section's size is a lie the
        // reader will find (the module is malformed); only the items that can be there count.
        let items = u64::from(count).min(bytes as u64);
        let need = items
            .saturating_mul(cost.per_item)
            .saturating_add((bytes as u64).saturating_mul(cost.per_byte));
        self.reserved = self.reserved.saturating_add(need);
        match self.limit {
            Some(limit) if self.reserved > limit => Err(Error::limit(alloc::format!(
                "loading the module needs more than the memory budget of {limit} bytes: its \
                 {count} {what} alone may take {need} bytes"
            ))),
            _ => Ok(()),
        }
    }
}

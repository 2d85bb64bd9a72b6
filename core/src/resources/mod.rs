//! Resource accounting: the memory budget every store allocation is checked against before it
//! happens, and the profile of what was used (current and peak bytes per category).
//!
//! Byte counts are exact capacities of the buffers the runtime owns (linear memories, table
//! elements, value and frame stacks, translated code, runtime metadata, host allocations reported
//! by host code), not estimates. Allocator bookkeeping outside those buffers is not counted.

use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, Result};

/// What a block of memory is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemoryCategory {
    /// Linear memories.
    LinearMemory,
    /// Table elements.
    Tables,
    /// Global variables.
    Globals,
    /// The interpreter's value stack and call-frame stack.
    Stacks,
    /// Translated function bodies and module metadata of instantiated modules.
    Code,
    /// Runtime bookkeeping: instances, function entries, segments, exports.
    Runtime,
    /// Allocations host functions made on the guest's behalf and reported to the store.
    Host,
}

impl MemoryCategory {
    /// Every category, in report order.
    pub const ALL: [MemoryCategory; 7] = [
        MemoryCategory::LinearMemory,
        MemoryCategory::Tables,
        MemoryCategory::Globals,
        MemoryCategory::Stacks,
        MemoryCategory::Code,
        MemoryCategory::Runtime,
        MemoryCategory::Host,
    ];

    /// A short machine-friendly name.
    pub fn name(self) -> &'static str {
        match self {
            MemoryCategory::LinearMemory => "linear_memory",
            MemoryCategory::Tables => "tables",
            MemoryCategory::Globals => "globals",
            MemoryCategory::Stacks => "stacks",
            MemoryCategory::Code => "code",
            MemoryCategory::Runtime => "runtime",
            MemoryCategory::Host => "host",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for MemoryCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Current and peak bytes of one category (or of the total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Bytes held now.
    pub current: u64,
    /// The most bytes held at once.
    pub peak: u64,
}

/// A snapshot of a store's memory use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryProfile {
    /// The budget in bytes, if one is set.
    pub budget: Option<u64>,
    /// All categories together. The total's peak is the highest simultaneous use, not the sum of
    /// the categories' peaks.
    pub total: Usage,
    /// Per category, in [`MemoryCategory::ALL`] order.
    pub categories: [(MemoryCategory, Usage); 7],
    /// Successful `memory.grow` operations (from wasm or the embedder).
    pub memory_grows: u64,
    /// `memory.grow` operations refused (limit, maximum or budget).
    pub memory_grow_failures: u64,
    /// Successful `table.grow` operations.
    pub table_grows: u64,
    /// Allocations refused because they would exceed the budget.
    pub budget_refusals: u64,
}

impl MemoryProfile {
    /// Usage of one category.
    pub fn category(&self, category: MemoryCategory) -> Usage {
        self.categories[category.index()].1
    }
}

/// The memory budget of a store, and its running profile.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    limit: Option<u64>,
    total: Usage,
    categories: [Usage; 7],
    pub(crate) memory_grows: u64,
    pub(crate) memory_grow_failures: u64,
    pub(crate) table_grows: u64,
    budget_refusals: u64,
}

impl Budget {
    pub(crate) fn new(limit: Option<u64>) -> Self {
        Budget {
            limit,
            total: Usage::default(),
            categories: [Usage::default(); 7],
            memory_grows: 0,
            memory_grow_failures: 0,
            table_grows: 0,
            budget_refusals: 0,
        }
    }

    /// Reserves `bytes` for `category`, or fails without changing anything.
    pub(crate) fn charge(&mut self, category: MemoryCategory, bytes: u64) -> Result<()> {
        let new_total = self.total.current.checked_add(bytes);
        match (new_total, self.limit) {
            (Some(total), Some(limit)) if total <= limit => {}
            (Some(_), None) => {}
            _ => {
                self.budget_refusals += 1;
                return Err(Error::limit(alloc::format!(
                    "memory budget of {} bytes exceeded: {} needs {bytes} more bytes, {} in use",
                    self.limit.unwrap_or(u64::MAX),
                    category,
                    self.total.current
                )));
            }
        }
        let total = new_total.unwrap_or(u64::MAX);
        self.total.current = total;
        self.total.peak = self.total.peak.max(total);
        let usage = &mut self.categories[category.index()];
        usage.current += bytes;
        usage.peak = usage.peak.max(usage.current);
        Ok(())
    }

    /// The bytes that can still be charged (`u64::MAX` without a limit).
    pub(crate) fn available(&self) -> u64 {
        self.limit
            .map_or(u64::MAX, |limit| limit.saturating_sub(self.total.current))
    }

    /// Counts a refusal of `bytes` for `category` found without charging (the amount is a
    /// lower bound of what was needed) and returns its error.
    pub(crate) fn refusal(&mut self, category: MemoryCategory, bytes: u64) -> Error {
        self.budget_refusals += 1;
        Error::limit(alloc::format!(
            "memory budget of {} bytes exceeded: {category} needs at least {bytes} more bytes, {} in use",
            self.limit.unwrap_or(u64::MAX),
            self.total.current
        ))
    }

    /// Returns `bytes` of `category` to the budget.
    pub(crate) fn release(&mut self, category: MemoryCategory, bytes: u64) {
        let usage = &mut self.categories[category.index()];
        let bytes = bytes.min(usage.current);
        usage.current -= bytes;
        self.total.current = self.total.current.saturating_sub(bytes);
    }

    pub(crate) fn limit(&self) -> Option<u64> {
        self.limit
    }

    pub(crate) fn profile(&self) -> MemoryProfile {
        let mut categories = [(MemoryCategory::LinearMemory, Usage::default()); 7];
        for (slot, category) in categories.iter_mut().zip(MemoryCategory::ALL) {
            *slot = (category, self.categories[category.index()]);
        }
        MemoryProfile {
            budget: self.limit,
            total: self.total,
            categories,
            memory_grows: self.memory_grows,
            memory_grow_failures: self.memory_grow_failures,
            table_grows: self.table_grows,
            budget_refusals: self.budget_refusals,
        }
    }
}

/// Bytes held by a vector's buffer.
pub(crate) fn vec_bytes<T>(v: &Vec<T>) -> u64 {
    (v.capacity() * core::mem::size_of::<T>()) as u64
}

/// Pushes onto a store-owned vector, charging any capacity growth to the budget first.
pub(crate) fn push_accounted<T>(
    budget: &mut Budget,
    category: MemoryCategory,
    v: &mut Vec<T>,
    item: T,
) -> Result<()> {
    if v.len() == v.capacity() {
        let grow = v.capacity().max(4);
        budget.charge(category, (grow * core::mem::size_of::<T>()) as u64)?;
        if v.try_reserve_exact(grow).is_err() {
            budget.release(category, (grow * core::mem::size_of::<T>()) as u64);
            return Err(Error::limit("out of host memory"));
        }
    }
    v.push(item);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_checked_before_they_happen() {
        let mut b = Budget::new(Some(100));
        b.charge(MemoryCategory::Tables, 60).unwrap();
        assert!(b.charge(MemoryCategory::LinearMemory, 41).is_err());
        b.charge(MemoryCategory::LinearMemory, 40).unwrap();
        b.release(MemoryCategory::Tables, 60);
        let p = b.profile();
        assert_eq!(
            p.total,
            Usage {
                current: 40,
                peak: 100
            }
        );
        assert_eq!(
            p.category(MemoryCategory::Tables),
            Usage {
                current: 0,
                peak: 60
            }
        );
        assert_eq!(p.budget_refusals, 1);
    }

    #[test]
    fn accounted_pushes_charge_capacity() {
        let mut b = Budget::new(Some(64));
        let mut v: Vec<u64> = Vec::new();
        for i in 0..8 {
            push_accounted(&mut b, MemoryCategory::Runtime, &mut v, i).unwrap();
        }
        assert_eq!(vec_bytes(&v), 64);
        assert_eq!(b.profile().total.current, 64);
        assert!(push_accounted(&mut b, MemoryCategory::Runtime, &mut v, 9).is_err());
        assert_eq!(v.len(), 8);
    }
}

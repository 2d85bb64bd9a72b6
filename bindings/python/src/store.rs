//! Stores and their memory profiles.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::engine::{default_engine, Engine};
use crate::IntoPy;

/// A store: the runtime state of instances, with its fuel and memory accounting. Objects taken
/// from a store (functions, memories, ...) keep it alive.
///
/// A store is used by one thread at a time; wasm code runs without the GIL, and a second
/// thread using the store meanwhile gets `wrt.BusyError`.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Store {
    pub(crate) inner: common::Store,
}

#[pymethods]
impl Store {
    #[new]
    #[pyo3(signature = (engine=None, *, fuel=None))]
    fn new(
        py: Python<'_>,
        engine: Option<PyRef<'_, Engine>>,
        fuel: Option<u64>,
    ) -> PyResult<Store> {
        let engine = match engine {
            Some(e) => e.inner.clone(),
            None => default_engine(py)?,
        };
        let inner = common::Store::new(&engine).py(py)?;
        if let Some(fuel) = fuel {
            inner.fuel_set(fuel).py(py)?;
        }
        Ok(Store { inner })
    }

    /// The engine of the store.
    #[getter]
    fn engine(&self) -> Engine {
        Engine {
            inner: self.inner.engine().clone(),
        }
    }

    /// Sets the remaining fuel (the engine must consume fuel).
    fn set_fuel(&self, py: Python<'_>, fuel: u64) -> PyResult<()> {
        self.inner.fuel_set(fuel).py(py)
    }

    /// Adds fuel, for example to go on after `wrt.OutOfFuel`.
    fn add_fuel(&self, py: Python<'_>, fuel: u64) -> PyResult<()> {
        self.inner.fuel_add(fuel).py(py)
    }

    /// The remaining fuel.
    fn get_fuel(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.fuel_get().py(py)
    }

    /// The fuel consumed since the store was created (0 without fuel).
    fn fuel_consumed(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.fuel_consumed().py(py)
    }

    /// A snapshot of the store's memory use: exact byte counts, not estimates.
    fn memory_profile(&self, py: Python<'_>) -> PyResult<MemoryProfile> {
        let p = self.inner.memory_profile().py(py)?;
        Ok(MemoryProfile::new(p))
    }

    /// Charges `nbytes` that host code allocates for the guest to the memory budget; raises
    /// `wrt.LimitError` (charging nothing) if they do not fit.
    fn charge_host(&self, py: Python<'_>, nbytes: u64) -> PyResult<()> {
        self.inner.charge_host(nbytes).py(py)
    }

    /// Returns bytes charged with `charge_host`.
    fn release_host(&self, py: Python<'_>, nbytes: u64) -> PyResult<()> {
        self.inner.release_host(nbytes).py(py)
    }

    /// Gives the store's guests the WASI configuration `wasi` (a `wrt.WasiConfig`): opens its
    /// directories now. Call it before instantiating a module that imports WASI.
    fn set_wasi(&self, py: Python<'_>, wasi: PyRef<'_, crate::wasi::WasiConfig>) -> PyResult<()> {
        crate::wasi::set_wasi(py, &self.inner, &wasi)
    }

    /// What WASI guests wrote to stdout since the last call, when the configuration captures
    /// it (`stdout="capture"`).
    fn take_stdout(&self, py: Python<'_>) -> PyResult<Py<PyBytes>> {
        crate::wasi::take_output(py, &self.inner, false)
    }

    /// What WASI guests wrote to stderr since the last call (`stderr="capture"`).
    fn take_stderr(&self, py: Python<'_>) -> PyResult<Py<PyBytes>> {
        crate::wasi::take_output(py, &self.inner, true)
    }
}

/// `MemoryProfile`, with one attribute per number of the profile (and `to_dict` listing them).
macro_rules! memory_profile {
    ($( $(#[doc = $doc:literal])* $field:ident: $ty:ty, )*) => {
        /// A snapshot of a store's memory use. `categories` maps each category ("linear_memory",
        /// "tables", "globals", "stacks", "code", "runtime", "host") to `(current, peak)` bytes.
        #[pyclass(module = "wrt", frozen)]
        pub(crate) struct MemoryProfile {
            $( $(#[doc = $doc])* #[pyo3(get)] $field: $ty, )*
            categories: Vec<(String, u64, u64)>,
        }

        impl MemoryProfile {
            pub(crate) fn new(p: common::MemoryProfile) -> MemoryProfile {
                MemoryProfile { $( $field: p.$field, )* categories: p.categories }
            }

            /// Sets the numbers in `d`.
            fn numbers_into(&self, d: &Bound<'_, PyDict>) -> PyResult<()> {
                $( d.set_item(stringify!($field), self.$field)?; )*
                Ok(())
            }
        }
    };
}

memory_profile! {
    /// The memory budget in bytes, or `None`.
    budget: Option<u64>,
    /// Bytes held now.
    current: u64,
    /// The most bytes held at once.
    peak: u64,
    /// Successful `memory.grow` operations.
    memory_grows: u64,
    /// Refused `memory.grow` operations (limit, maximum or budget).
    memory_grow_failures: u64,
    /// Successful `table.grow` operations.
    table_grows: u64,
    /// Allocations the budget refused.
    budget_refusals: u64,
}

#[pymethods]
impl MemoryProfile {
    /// `{category: (current, peak)}`.
    #[getter]
    fn categories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, current, peak) in &self.categories {
            d.set_item(name, (current, peak))?;
        }
        Ok(d)
    }
    /// Everything as a plain dict (for JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        self.numbers_into(&d)?;
        let cats = PyDict::new(py);
        for (name, current, peak) in &self.categories {
            let c = PyDict::new(py);
            c.set_item("current", current)?;
            c.set_item("peak", peak)?;
            cats.set_item(name, c)?;
        }
        d.set_item("categories", cats)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "wrt.MemoryProfile(current={}, peak={}, budget={:?})",
            self.current, self.peak, self.budget
        )
    }
}

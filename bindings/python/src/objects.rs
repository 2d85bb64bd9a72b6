//! Config, Engine, Module, Store and the objects of a store.

use std::ffi::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::OnceLock;

use common::{Extern, ValKind};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PySlice, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::convert::{bytes_like, from_val, kinds, results_to_py, to_val};
use crate::IntoPy;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Config>()?;
    m.add_class::<Engine>()?;
    m.add_class::<FuncType>()?;
    m.add_class::<ImportType>()?;
    m.add_class::<ExportType>()?;
    m.add_class::<GlobalType>()?;
    m.add_class::<MemoryType>()?;
    m.add_class::<TableType>()?;
    m.add_class::<Module>()?;
    m.add_class::<Store>()?;
    m.add_class::<MemoryProfile>()?;
    m.add_class::<Func>()?;
    m.add_class::<Memory>()?;
    m.add_class::<MemoryBuffer>()?;
    m.add_class::<Global>()?;
    m.add_class::<Table>()?;
    m.add_class::<Instance>()?;
    m.add_class::<Exports>()?;
    m.add_class::<Caller>()?;
    Ok(())
}

fn kind_names(kinds: &[ValKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.name()).collect()
}

// ---------------------------------------------------------------------------------------------
// Config and Engine.

/// Settings for an engine: fuel, memory budget, limits and determinism. Every setting is also a
/// keyword argument of the constructor; `None` keeps wrt's default.
#[pyclass(module = "wrt")]
pub(crate) struct Config {
    pub(crate) inner: common::Config,
}

#[pymethods]
impl Config {
    #[new]
    #[pyo3(signature = (*, consume_fuel=false, deterministic=false, memory_budget=None,
        max_call_depth=None, max_value_stack=None, max_instances=None, max_memories=None,
        max_tables=None, max_table_elements=None, lazy_translation=None,
        platform_optimizations=None, parallel_compilation=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        consume_fuel: bool,
        deterministic: bool,
        memory_budget: Option<u64>,
        max_call_depth: Option<usize>,
        max_value_stack: Option<usize>,
        max_instances: Option<usize>,
        max_memories: Option<usize>,
        max_tables: Option<usize>,
        max_table_elements: Option<u64>,
        lazy_translation: Option<bool>,
        platform_optimizations: Option<bool>,
        parallel_compilation: Option<bool>,
    ) -> Config {
        Config {
            inner: common::Config {
                consume_fuel,
                deterministic,
                memory_budget,
                max_call_depth,
                max_value_stack,
                max_instances,
                max_memories,
                max_tables,
                max_table_elements,
                lazy_translation,
                platform_optimizations,
                parallel_compilation,
            },
        }
    }

    /// Whether wasm code consumes fuel; stores then start with none (see `Store.set_fuel`).
    #[getter]
    fn get_consume_fuel(&self) -> bool {
        self.inner.consume_fuel
    }
    #[setter]
    fn set_consume_fuel(&mut self, value: bool) {
        self.inner.consume_fuel = value;
    }

    /// Whether NaN results are canonicalised so floats are bit-identical on every host.
    #[getter]
    fn get_deterministic(&self) -> bool {
        self.inner.deterministic
    }
    #[setter]
    fn set_deterministic(&mut self, value: bool) {
        self.inner.deterministic = value;
    }

    /// One budget in bytes for everything a store allocates (`None`: no budget).
    #[getter]
    fn get_memory_budget(&self) -> Option<u64> {
        self.inner.memory_budget
    }
    #[setter]
    fn set_memory_budget(&mut self, value: Option<u64>) {
        self.inner.memory_budget = value;
    }

    /// The deepest nesting of wasm calls (`None`: wrt's default).
    #[getter]
    fn get_max_call_depth(&self) -> Option<usize> {
        self.inner.max_call_depth
    }
    #[setter]
    fn set_max_call_depth(&mut self, value: Option<usize>) {
        self.inner.max_call_depth = value;
    }

    /// The largest value stack, in 64-bit slots.
    #[getter]
    fn get_max_value_stack(&self) -> Option<usize> {
        self.inner.max_value_stack
    }
    #[setter]
    fn set_max_value_stack(&mut self, value: Option<usize>) {
        self.inner.max_value_stack = value;
    }

    /// How many instances one store may hold.
    #[getter]
    fn get_max_instances(&self) -> Option<usize> {
        self.inner.max_instances
    }
    #[setter]
    fn set_max_instances(&mut self, value: Option<usize>) {
        self.inner.max_instances = value;
    }

    /// How many linear memories one store may hold.
    #[getter]
    fn get_max_memories(&self) -> Option<usize> {
        self.inner.max_memories
    }
    #[setter]
    fn set_max_memories(&mut self, value: Option<usize>) {
        self.inner.max_memories = value;
    }

    /// How many tables one store may hold.
    #[getter]
    fn get_max_tables(&self) -> Option<usize> {
        self.inner.max_tables
    }
    #[setter]
    fn set_max_tables(&mut self, value: Option<usize>) {
        self.inner.max_tables = value;
    }

    /// How many elements one table may hold.
    #[getter]
    fn get_max_table_elements(&self) -> Option<u64> {
        self.inner.max_table_elements
    }
    #[setter]
    fn set_max_table_elements(&mut self, value: Option<u64>) {
        self.inner.max_table_elements = value;
    }

    /// Whether functions are translated on their first call (`None`: yes, wrt's default)
    /// rather than when the module is compiled; either way compiling validates everything.
    #[getter]
    fn get_lazy_translation(&self) -> Option<bool> {
        self.inner.lazy_translation
    }
    #[setter]
    fn set_lazy_translation(&mut self, value: Option<bool>) {
        self.inner.lazy_translation = value;
    }

    /// Whether platform-specific speed-ups such as mmap-reserved linear memory are used
    /// (`None`: yes, wrt's default). Results are the same either way.
    #[getter]
    fn get_platform_optimizations(&self) -> Option<bool> {
        self.inner.platform_optimizations
    }
    #[setter]
    fn set_platform_optimizations(&mut self, value: Option<bool>) {
        self.inner.platform_optimizations = value;
    }

    /// Whether compiling a large module may check its functions on several threads (`None`:
    /// yes, wrt's default). Results, including errors, are the same either way.
    #[getter]
    fn get_parallel_compilation(&self) -> Option<bool> {
        self.inner.parallel_compilation
    }
    #[setter]
    fn set_parallel_compilation(&mut self, value: Option<bool>) {
        self.inner.parallel_compilation = value;
    }

    fn __repr__(&self) -> String {
        format!("wrt.Config({:?})", self.inner)
    }
}

/// Shared, immutable configuration for modules and stores. Thread-safe.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Engine {
    pub(crate) inner: common::Engine,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(py: Python<'_>, config: Option<PyRef<'_, Config>>) -> PyResult<Engine> {
        let config = config.map(|c| c.inner.clone()).unwrap_or_default();
        Ok(Engine {
            inner: common::Engine::new(&config).py(py)?,
        })
    }

    /// Whether stores of this engine consume fuel.
    #[getter]
    fn consume_fuel(&self) -> bool {
        self.inner.config().consume_fuel
    }

    /// The memory budget of stores of this engine, in bytes, if any.
    #[getter]
    fn memory_budget(&self) -> Option<u64> {
        self.inner.config().memory_budget
    }
}

pub(crate) fn default_engine(py: Python<'_>) -> PyResult<common::Engine> {
    common::Engine::new(&common::Config::default()).py(py)
}

// ---------------------------------------------------------------------------------------------
// Types and modules.

/// The parameter and result types of a function, as names: "i32", "i64", "f32", "f64",
/// "funcref", "externref".
#[pyclass(module = "wrt", frozen)]
#[derive(Clone)]
pub(crate) struct FuncType {
    pub(crate) inner: common::FuncType,
}

#[pymethods]
impl FuncType {
    #[new]
    #[pyo3(signature = (params=None, results=None))]
    fn new(
        py: Python<'_>,
        params: Option<&Bound<'_, PyAny>>,
        results: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<FuncType> {
        let list = |obj: Option<&Bound<'_, PyAny>>| match obj {
            Some(o) => kinds(py, o),
            None => Ok(Vec::new()),
        };
        Ok(FuncType {
            inner: common::FuncType {
                params: list(params)?,
                results: list(results)?,
            },
        })
    }

    /// The parameter types.
    #[getter]
    fn params(&self) -> Vec<&'static str> {
        kind_names(&self.inner.params)
    }

    /// The result types.
    #[getter]
    fn results(&self) -> Vec<&'static str> {
        kind_names(&self.inner.results)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<FuncType>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("wrt.FuncType({:?}, {:?})", self.params(), self.results())
    }
}

/// One import of a module: `module`, `name`, `kind` ("func", "memory", "global", "table") and
/// `type`: a `FuncType`, `GlobalType`, `MemoryType` or `TableType`.
#[pyclass(module = "wrt", frozen, get_all)]
pub(crate) struct ImportType {
    module: String,
    name: String,
    kind: &'static str,
    r#type: Option<Py<PyAny>>,
}

#[pymethods]
impl ImportType {
    fn __repr__(&self) -> String {
        format!(
            "wrt.ImportType(module={:?}, name={:?}, kind={:?})",
            self.module, self.name, self.kind
        )
    }
}

/// One export of a module: `name`, `kind` and `type` (as for imports).
#[pyclass(module = "wrt", frozen, get_all)]
pub(crate) struct ExportType {
    name: String,
    kind: &'static str,
    r#type: Option<Py<PyAny>>,
}

#[pymethods]
impl ExportType {
    fn __repr__(&self) -> String {
        format!("wrt.ExportType(name={:?}, kind={:?})", self.name, self.kind)
    }
}

/// The type of a global: `content` (a value type name) and `mutable`.
#[pyclass(module = "wrt", frozen, get_all)]
pub(crate) struct GlobalType {
    content: &'static str,
    mutable: bool,
}

#[pymethods]
impl GlobalType {
    fn __repr__(&self) -> String {
        format!(
            "wrt.GlobalType(content={:?}, mutable={})",
            self.content,
            if self.mutable { "True" } else { "False" }
        )
    }
}

/// The type of a memory: `minimum` and `maximum` (None: none) in 64 KiB pages.
#[pyclass(module = "wrt", frozen, get_all)]
pub(crate) struct MemoryType {
    minimum: u64,
    maximum: Option<u64>,
}

#[pymethods]
impl MemoryType {
    fn __repr__(&self) -> String {
        format!(
            "wrt.MemoryType(minimum={}, maximum={:?})",
            self.minimum, self.maximum
        )
    }
}

/// The type of a table: `element` ("funcref" or "externref"), `minimum` and `maximum` (None:
/// none) in elements.
#[pyclass(module = "wrt", frozen, get_all)]
pub(crate) struct TableType {
    element: &'static str,
    minimum: u64,
    maximum: Option<u64>,
}

#[pymethods]
impl TableType {
    fn __repr__(&self) -> String {
        format!(
            "wrt.TableType(element={:?}, minimum={}, maximum={:?})",
            self.element, self.minimum, self.maximum
        )
    }
}

/// The Python object for an import's or export's type.
fn extern_type_obj(py: Python<'_>, ty: &common::ExternType) -> PyResult<Option<Py<PyAny>>> {
    use common::ExternType as T;
    Ok(Some(match *ty {
        T::Func(ref f) => Py::new(py, FuncType { inner: f.clone() })?.into_any(),
        T::Global { content, mutable } => Py::new(
            py,
            GlobalType {
                content: content.name(),
                mutable,
            },
        )?
        .into_any(),
        T::Memory { min, max } => Py::new(
            py,
            MemoryType {
                minimum: min,
                maximum: max,
            },
        )?
        .into_any(),
        T::Table { element, min, max } => Py::new(
            py,
            TableType {
                element: element.name(),
                minimum: min,
                maximum: max,
            },
        )?
        .into_any(),
        T::Other => return Ok(None),
    }))
}

/// A compiled WebAssembly module: from binary bytes, or from text (a `str`, or bytes that do
/// not start with `\0asm`). Immutable and thread-safe.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Module {
    pub(crate) inner: common::Module,
}

fn module_bytes(py: Python<'_>, wasm: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(text) = wasm.extract::<String>() {
        return Ok(text.into_bytes());
    }
    bytes_like(py, wasm)
}

#[pymethods]
impl Module {
    #[new]
    fn new(py: Python<'_>, engine: PyRef<'_, Engine>, wasm: &Bound<'_, PyAny>) -> PyResult<Module> {
        let bytes = module_bytes(py, wasm)?;
        let engine = engine.inner.clone();
        let inner = py
            .detach(move || common::Module::new(&engine, &bytes))
            .py(py)?;
        Ok(Module { inner })
    }

    /// Compiles the module in the file at `path` (binary or text).
    #[staticmethod]
    fn from_file(
        py: Python<'_>,
        engine: PyRef<'_, Engine>,
        path: std::path::PathBuf,
    ) -> PyResult<Module> {
        let bytes = std::fs::read(&path)?;
        let engine = engine.inner.clone();
        let inner = py
            .detach(move || common::Module::new(&engine, &bytes))
            .py(py)?;
        Ok(Module { inner })
    }

    /// Raises `wrt.CompileError` unless `wasm` is a valid module for this build.
    #[staticmethod]
    fn validate(
        py: Python<'_>,
        engine: PyRef<'_, Engine>,
        wasm: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let bytes = module_bytes(py, wasm)?;
        common::Module::validate(&engine.inner, &bytes).py(py)
    }

    /// The module's imports, in order.
    #[getter]
    fn imports(&self, py: Python<'_>) -> PyResult<Vec<ImportType>> {
        self.inner
            .info()
            .imports
            .iter()
            .map(|i| {
                Ok(ImportType {
                    module: i.module.clone(),
                    name: i.name.clone(),
                    kind: i.ty.kind().name(),
                    r#type: extern_type_obj(py, &i.ty)?,
                })
            })
            .collect()
    }

    /// The module's exports, in order.
    #[getter]
    fn exports(&self, py: Python<'_>) -> PyResult<Vec<ExportType>> {
        self.inner
            .info()
            .exports
            .iter()
            .map(|e| {
                Ok(ExportType {
                    name: e.name.clone(),
                    kind: e.ty.kind().name(),
                    r#type: extern_type_obj(py, &e.ty)?,
                })
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Stores.

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
        Ok(MemoryProfile { inner: p })
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

/// A snapshot of a store's memory use. `categories` maps each category ("linear_memory",
/// "tables", "globals", "stacks", "code", "runtime", "host") to `(current, peak)` bytes.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct MemoryProfile {
    inner: common::MemoryProfile,
}

#[pymethods]
impl MemoryProfile {
    /// The memory budget in bytes, or `None`.
    #[getter]
    fn budget(&self) -> Option<u64> {
        self.inner.budget
    }
    /// Bytes held now.
    #[getter]
    fn current(&self) -> u64 {
        self.inner.current
    }
    /// The most bytes held at once.
    #[getter]
    fn peak(&self) -> u64 {
        self.inner.peak
    }
    /// Successful `memory.grow` operations.
    #[getter]
    fn memory_grows(&self) -> u64 {
        self.inner.memory_grows
    }
    /// Refused `memory.grow` operations (limit, maximum or budget).
    #[getter]
    fn memory_grow_failures(&self) -> u64 {
        self.inner.memory_grow_failures
    }
    /// Successful `table.grow` operations.
    #[getter]
    fn table_grows(&self) -> u64 {
        self.inner.table_grows
    }
    /// Allocations the budget refused.
    #[getter]
    fn budget_refusals(&self) -> u64 {
        self.inner.budget_refusals
    }
    /// `{category: (current, peak)}`.
    #[getter]
    fn categories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, current, peak) in &self.inner.categories {
            d.set_item(name, (current, peak))?;
        }
        Ok(d)
    }
    /// Everything as a plain dict (for JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("budget", self.inner.budget)?;
        d.set_item("current", self.inner.current)?;
        d.set_item("peak", self.inner.peak)?;
        d.set_item("memory_grows", self.inner.memory_grows)?;
        d.set_item("memory_grow_failures", self.inner.memory_grow_failures)?;
        d.set_item("table_grows", self.inner.table_grows)?;
        d.set_item("budget_refusals", self.inner.budget_refusals)?;
        let cats = PyDict::new(py);
        for (name, current, peak) in &self.inner.categories {
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
            self.inner.current, self.inner.peak, self.inner.budget
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Store objects.

/// A function of a store: call it like a Python function. Arguments are converted to the
/// parameter types; the result is `None`, one value, or a tuple.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Func {
    pub(crate) store: common::Store,
    pub(crate) func: common::Func,
    ty: OnceLock<(Vec<ValKind>, Vec<ValKind>)>,
}

impl Func {
    pub(crate) fn new(store: common::Store, func: common::Func) -> Func {
        Func {
            store,
            func,
            ty: OnceLock::new(),
        }
    }

    fn kinds(&self, py: Python<'_>) -> PyResult<&(Vec<ValKind>, Vec<ValKind>)> {
        if let Some(t) = self.ty.get() {
            return Ok(t);
        }
        let t = self.store.func_type(self.func).py(py)?;
        Ok(self.ty.get_or_init(|| t))
    }
}

#[pymethods]
impl Func {
    #[pyo3(signature = (*args))]
    fn __call__(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let (params, _) = self.kinds(py)?;
        if args.len() != params.len() {
            return Err(PyTypeError::new_err(format!(
                "the function takes {} argument(s) ({}), {} given",
                params.len(),
                kind_names(params).join(", "),
                args.len()
            )));
        }
        let vals = params
            .iter()
            .zip(args.iter())
            .map(|(k, a)| to_val(py, &self.store, *k, &a))
            .collect::<PyResult<Vec<_>>>()?;
        let store = self.store.clone();
        let func = self.func;
        let results = py.detach(move || store.call(func, &vals)).py(py)?;
        results_to_py(py, &self.store, results)
    }

    /// The function's type.
    #[getter]
    fn r#type(&self, py: Python<'_>) -> PyResult<FuncType> {
        let (params, results) = self.kinds(py)?;
        Ok(FuncType {
            inner: common::FuncType {
                params: params.clone(),
                results: results.clone(),
            },
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.kinds(py) {
            Ok((p, r)) => format!("wrt.Func({:?} -> {:?})", kind_names(p), kind_names(r)),
            Err(_) => "wrt.Func(?)".into(),
        }
    }
}

/// A linear memory: a buffer of bytes that wasm code reads and writes.
///
/// `read`/`write` and indexing (`mem[0:4]`, `mem[8] = 1`, `mem[0:3] = b"abc"`) copy. `view()`
/// gives a zero-copy, writable `memoryview`; while it is open (until `release()` or the end of
/// its `with` block) no wasm code runs in the store and no memory grows (they raise
/// `wrt.BusyError`), so the view can never point at freed memory.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Memory {
    pub(crate) store: common::Store,
    pub(crate) memory: common::Memory,
}

#[pymethods]
impl Memory {
    /// The size in 64 KiB pages.
    fn size(&self, py: Python<'_>) -> PyResult<u64> {
        self.store.memory_size(self.memory).py(py)
    }

    /// The size in bytes.
    fn data_len(&self, py: Python<'_>) -> PyResult<usize> {
        self.store.memory_data_size(self.memory).py(py)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.data_len(py)
    }

    /// Grows the memory by `delta` pages; returns the previous size in pages. Raises
    /// `wrt.LimitError` past the maximum or the memory budget.
    fn grow(&self, py: Python<'_>, delta: u64) -> PyResult<u64> {
        self.store.memory_grow(self.memory, delta).py(py)
    }

    /// Copies `length` bytes at `offset`; raises `wrt.Trap` (memory_out_of_bounds) if any is
    /// out of bounds.
    fn read(&self, py: Python<'_>, offset: usize, length: usize) -> PyResult<Py<PyBytes>> {
        let bytes = self.store.memory_read(self.memory, offset, length).py(py)?;
        Ok(PyBytes::new(py, &bytes).unbind())
    }

    /// Copies the bytes-like `data` to `offset`.
    fn write(&self, py: Python<'_>, offset: usize, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = bytes_like(py, data)?;
        self.store.memory_write(self.memory, offset, &bytes).py(py)
    }

    /// Reads a NUL-free UTF-8 string of `length` bytes at `offset`.
    fn read_str(&self, py: Python<'_>, offset: usize, length: usize) -> PyResult<String> {
        let bytes = self.store.memory_read(self.memory, offset, length).py(py)?;
        String::from_utf8(bytes).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let len = self.data_len(py)?;
        if let Ok(slice) = key.cast::<PySlice>() {
            let (start, stop) = contiguous(slice, len)?;
            let bytes = self
                .store
                .memory_read(self.memory, start, stop - start)
                .py(py)?;
            return PyBytes::new(py, &bytes).into_py_any(py);
        }
        let index = byte_index(key, len)?;
        let bytes = self.store.memory_read(self.memory, index, 1).py(py)?;
        bytes[0].into_py_any(py)
    }

    fn __setitem__(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let len = self.data_len(py)?;
        if let Ok(slice) = key.cast::<PySlice>() {
            let (start, stop) = contiguous(slice, len)?;
            let bytes = bytes_like(py, value)?;
            if bytes.len() != stop - start {
                return Err(PyValueError::new_err(format!(
                    "the slice has {} bytes but the value has {}",
                    stop - start,
                    bytes.len()
                )));
            }
            return self.store.memory_write(self.memory, start, &bytes).py(py);
        }
        let index = byte_index(key, len)?;
        let byte: u8 = value.extract()?;
        self.store.memory_write(self.memory, index, &[byte]).py(py)
    }

    /// A zero-copy, writable `memoryview` of the whole memory (see the class docs).
    fn view<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let buffer = Py::new(
            py,
            MemoryBuffer {
                store: self.store.clone(),
                memory: self.memory,
            },
        )?;
        // SAFETY: `buffer` is a live object implementing the buffer protocol; the call returns
        // a new reference or NULL with an exception set, which `from_owned_ptr_or_err` handles.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyMemoryView_FromObject(buffer.as_ptr())) }
    }
}

fn contiguous(slice: &Bound<'_, PySlice>, len: usize) -> PyResult<(usize, usize)> {
    let len = isize::try_from(len).map_err(|_| PyIndexError::new_err("memory too large"))?;
    let i = slice.indices(len)?;
    if i.step != 1 {
        return Err(PyValueError::new_err("memory slices must have step 1"));
    }
    let start = usize::try_from(i.start).unwrap_or(0);
    Ok((start, start + i.slicelength))
}

fn byte_index(key: &Bound<'_, PyAny>, len: usize) -> PyResult<usize> {
    let index: i64 = key
        .extract()
        .map_err(|_| PyTypeError::new_err("memory indices are ints or slices"))?;
    let len = len as i64;
    let index = if index < 0 { index + len } else { index };
    if !(0..len).contains(&index) {
        return Err(PyIndexError::new_err("memory index out of range"));
    }
    Ok(index as usize)
}

/// The object behind `Memory.view()`: exports the memory's bytes through the buffer protocol.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct MemoryBuffer {
    store: common::Store,
    memory: common::Memory,
}

#[pymethods]
impl MemoryBuffer {
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let py = slf.py();
        let this = slf.get();
        let (data, len) = this.store.view_begin(this.memory).py(py)?;
        // An empty memory has no address; the buffer protocol wants one anyway.
        let data = if data.is_null() {
            NonNull::<u8>::dangling().as_ptr()
        } else {
            data
        };
        let Ok(len) = isize::try_from(len) else {
            this.store.view_end();
            return Err(PyValueError::new_err("memory too large for a memoryview"));
        };
        // SAFETY: `view` is the buffer the interpreter asks us to fill; `data` points to `len`
        // bytes that stay valid until `__releasebuffer__` ends the view (no wasm code runs and
        // no memory grows meanwhile, and the view's reference to `slf` keeps the store alive).
        let rc = unsafe {
            ffi::PyBuffer_FillInfo(view, slf.as_ptr(), data.cast::<c_void>(), len, 0, flags)
        };
        if rc != 0 {
            this.store.view_end();
            return Err(PyErr::fetch(py));
        }
        Ok(())
    }

    unsafe fn __releasebuffer__(&self, _view: *mut ffi::Py_buffer) {
        self.store.view_end();
    }
}

/// A global variable: `value` reads and writes it.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Global {
    pub(crate) store: common::Store,
    pub(crate) global: common::Global,
}

#[pymethods]
impl Global {
    /// The current value.
    #[getter]
    fn get_value(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = self.store.global_get(self.global).py(py)?;
        from_val(py, &self.store, v)
    }

    #[setter]
    fn set_value(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let (kind, _) = self.store.global_type(self.global).py(py)?;
        let v = to_val(py, &self.store, kind, value)?;
        self.store.global_set(self.global, v).py(py)
    }

    /// The value type ("i32", ...).
    #[getter]
    fn content(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.store.global_type(self.global).py(py)?.0.name())
    }

    /// Whether the global is mutable.
    #[getter]
    fn mutable(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.store.global_type(self.global).py(py)?.1)
    }
}

/// A table of references.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Table {
    pub(crate) store: common::Store,
    pub(crate) table: common::Table,
}

#[pymethods]
impl Table {
    /// The number of elements.
    fn size(&self, py: Python<'_>) -> PyResult<u64> {
        self.store.table_size(self.table).py(py)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.size(py)? as usize)
    }

    /// The element kind ("funcref" or "externref").
    #[getter]
    fn element(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.store.table_type(self.table).py(py)?.name())
    }

    /// Element `index`.
    fn get(&self, py: Python<'_>, index: u64) -> PyResult<Py<PyAny>> {
        let v = self.store.table_get(self.table, index).py(py)?;
        from_val(py, &self.store, v)
    }

    /// Sets element `index`.
    fn set(&self, py: Python<'_>, index: u64, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let kind = self.store.table_type(self.table).py(py)?;
        let v = to_val(py, &self.store, kind, value)?;
        self.store.table_set(self.table, index, v).py(py)
    }

    /// Grows the table by `delta` elements set to `init`; returns the previous size.
    #[pyo3(signature = (delta, init=None))]
    fn grow(&self, py: Python<'_>, delta: u64, init: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
        let kind = self.store.table_type(self.table).py(py)?;
        let v = match init {
            Some(obj) => to_val(py, &self.store, kind, obj)?,
            None => common::Val::zero(kind),
        };
        self.store.table_grow(self.table, delta, v).py(py)
    }
}

pub(crate) fn extern_to_py(
    py: Python<'_>,
    store: &common::Store,
    e: Extern,
) -> PyResult<Py<PyAny>> {
    let store = store.clone();
    match e {
        Extern::Func(func) => Func::new(store, func).into_py_any(py),
        Extern::Memory(memory) => Memory { store, memory }.into_py_any(py),
        Extern::Global(global) => Global { store, global }.into_py_any(py),
        Extern::Table(table) => Table { store, table }.into_py_any(py),
    }
}

/// The store handle and item behind a Python store object, if it is one.
pub(crate) fn py_to_extern(obj: &Bound<'_, PyAny>) -> Option<(common::Store, Extern)> {
    if let Ok(f) = obj.cast::<Func>() {
        let f = f.get();
        return Some((f.store.clone(), Extern::Func(f.func)));
    }
    if let Ok(m) = obj.cast::<Memory>() {
        let m = m.get();
        return Some((m.store.clone(), Extern::Memory(m.memory)));
    }
    if let Ok(g) = obj.cast::<Global>() {
        let g = g.get();
        return Some((g.store.clone(), Extern::Global(g.global)));
    }
    if let Ok(t) = obj.cast::<Table>() {
        let t = t.get();
        return Some((t.store.clone(), Extern::Table(t.table)));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Instances.

/// An instance of a module in a store. `exports` maps export names to `Func`, `Memory`,
/// `Global` and `Table` objects.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Instance {
    pub(crate) store: common::Store,
    pub(crate) instance: common::Instance,
    pub(crate) module: common::Module,
}

#[pymethods]
impl Instance {
    /// Instantiates `module` in `store` with `imports`, given in the order of
    /// `module.imports`: Python callables (for function imports) or objects of the same store.
    /// For named imports, use a `wrt.Linker`.
    #[new]
    #[pyo3(signature = (store, module, imports=None))]
    fn new(
        py: Python<'_>,
        store: PyRef<'_, Store>,
        module: PyRef<'_, Module>,
        imports: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Instance> {
        let linker = common::Linker::new(store.inner.engine()).py(py)?;
        let wanted = &module.inner.info().imports;
        let given: Vec<Bound<'_, PyAny>> = match imports {
            Some(seq) => seq.try_iter()?.collect::<PyResult<_>>()?,
            None => Vec::new(),
        };
        if given.len() != wanted.len() {
            return Err(PyTypeError::new_err(format!(
                "the module has {} import(s), {} given",
                wanted.len(),
                given.len()
            )));
        }
        for (import, item) in wanted.iter().zip(&given) {
            if let Some((item_store, e)) = py_to_extern(item) {
                if !item_store.same(&store.inner) {
                    return Err(PyValueError::new_err(format!(
                        "import `{}::{}` comes from another store",
                        import.module, import.name
                    )));
                }
                linker
                    .define(&store.inner, &import.module, &import.name, e)
                    .py(py)?;
            } else if let (true, Some(ty)) = (item.is_callable(), import.ty.func()) {
                crate::linker::define_callable(
                    py,
                    &linker,
                    &import.module,
                    &import.name,
                    ty.clone(),
                    item.clone().unbind(),
                    false,
                )?;
            } else {
                return Err(PyTypeError::new_err(format!(
                    "import `{}::{}` ({}) cannot be given a {}",
                    import.module,
                    import.name,
                    import.ty.kind().name(),
                    item.get_type().name()?
                )));
            }
        }
        let s = store.inner.clone();
        let m = module.inner.clone();
        let instance = py.detach(move || linker.instantiate(&s, &m)).py(py)?;
        Ok(Instance {
            store: store.inner.clone(),
            instance,
            module: module.inner.clone(),
        })
    }

    /// The exports, by name.
    #[getter]
    fn exports(&self) -> Exports {
        Exports {
            store: self.store.clone(),
            instance: self.instance,
            module: self.module.clone(),
        }
    }
}

/// The exports of an instance: a read-only mapping from names to store objects; also
/// reachable as attributes (`instance.exports.add(1, 2)`).
#[pyclass(module = "wrt", frozen, mapping)]
pub(crate) struct Exports {
    store: common::Store,
    instance: common::Instance,
    module: common::Module,
}

impl Exports {
    fn lookup(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        let e = self.store.instance_export(self.instance, name).py(py)?;
        extern_to_py(py, &self.store, e)
    }
}

#[pymethods]
impl Exports {
    fn __getitem__(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        self.lookup(py, name)
    }

    fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        if !self.__contains__(name) {
            return Err(pyo3::exceptions::PyAttributeError::new_err(format!(
                "no export named {name:?}"
            )));
        }
        self.lookup(py, name)
    }

    fn __contains__(&self, name: &str) -> bool {
        self.module.info().exports.iter().any(|e| e.name == name)
    }

    fn __len__(&self) -> usize {
        self.module.info().exports.len()
    }

    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let names = self.keys();
        names
            .into_pyobject(py)?
            .try_iter()
            .map(|i| i.into_any().unbind())
    }

    /// The export names, in order.
    fn keys(&self) -> Vec<String> {
        self.module
            .info()
            .exports
            .iter()
            .map(|e| e.name.clone())
            .collect()
    }

    /// `(name, object)` pairs.
    fn items(&self, py: Python<'_>) -> PyResult<Vec<(String, Py<PyAny>)>> {
        self.keys()
            .into_iter()
            .map(|n| {
                let v = self.lookup(py, &n)?;
                Ok((n, v))
            })
            .collect()
    }

    /// The export `name`, or `default`.
    #[pyo3(signature = (name, default=None))]
    fn get(&self, py: Python<'_>, name: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        if !self.__contains__(name) {
            return Ok(default.unwrap_or_else(|| py.None()));
        }
        self.lookup(py, name)
    }
}

// ---------------------------------------------------------------------------------------------
// Callers.

/// What a host function defined with `access_caller=True` gets as its first argument: the
/// calling instance's exports and store. Usable only while the host function runs.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Caller {
    pub(crate) inner: common::Caller,
}

#[pymethods]
impl Caller {
    /// The calling instance's memory (its export "memory").
    fn memory(&self, py: Python<'_>) -> PyResult<Memory> {
        let memory = self.inner.memory().py(py)?;
        Ok(Memory {
            store: self.inner.store().clone(),
            memory,
        })
    }

    /// The calling instance's export `name`, or `default`.
    #[pyo3(signature = (name, default=None))]
    fn get(&self, py: Python<'_>, name: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        match self.inner.export(name) {
            Ok(e) => extern_to_py(py, self.inner.store(), e),
            Err(e) if e.kind() == common::ErrorKind::NotFound => {
                Ok(default.unwrap_or_else(|| py.None()))
            }
            Err(e) => Err(crate::to_py_err(py, e)),
        }
    }

    fn __getitem__(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        let e = self.inner.export(name).py(py)?;
        extern_to_py(py, self.inner.store(), e)
    }

    /// The store of the call.
    #[getter]
    fn store(&self) -> Store {
        Store {
            inner: self.inner.store().clone(),
        }
    }

    /// The remaining fuel.
    fn get_fuel(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.store().fuel_get().py(py)
    }

    /// Whether the host call is still running (the caller is usable).
    #[getter]
    fn valid(&self) -> bool {
        self.inner.is_valid()
    }
}

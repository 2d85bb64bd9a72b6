//! The objects of a store (functions, globals, tables) and instances with their exports.

use std::sync::OnceLock;

use common::{Extern, ValKind};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;

use crate::convert::{from_val, kind_names, results_to_py, to_val};
use crate::engine::Module;
use crate::memory::Memory;
use crate::module_info::FuncType;
use crate::store::Store;
use crate::IntoPy;

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

/// An instance of a module in a store. `exports` maps export names to `Func`, `Memory`,
/// `Global` and `Table` objects.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Instance {
    pub(crate) store: common::Store,
    pub(crate) instance: common::Instance,
    pub(crate) module: common::Module,
}

impl Instance {
    /// Instantiates `module` in `store` with `linker`, without the GIL.
    pub(crate) fn instantiate(
        py: Python<'_>,
        linker: common::Linker,
        store: &Store,
        module: &Module,
    ) -> PyResult<Instance> {
        let s = store.inner.clone();
        let m = module.inner.clone();
        let instance = py.detach(move || linker.instantiate(&s, &m)).py(py)?;
        Ok(Instance {
            store: store.inner.clone(),
            instance,
            module: module.inner.clone(),
        })
    }
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
        Instance::instantiate(py, linker, &store, &module)
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

//! Linkers and Python callables as host functions.

use common::{FuncType as CFuncType, Val};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{from_val, to_val};
use crate::engine::{Engine, Module};
use crate::memory::Memory;
use crate::module_info::FuncType;
use crate::store::Store;
use crate::val::{extern_to_py, py_to_extern, Instance};
use crate::IntoPy;

/// Runs a Python callable as a host function: converts the arguments, calls it (with a
/// `wrt.Caller` first when `access_caller`), and converts what it returns to the declared
/// results. A Python exception stops the wasm code; the call that started it re-raises it.
fn host_call(
    callable: &Py<PyAny>,
    access_caller: bool,
    caller: &common::Caller,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), String> {
    Python::attach(|py| {
        let mut run = || -> PyResult<()> {
            let store = caller.store();
            let mut py_args = Vec::with_capacity(args.len() + 1);
            if access_caller {
                let c = Py::new(
                    py,
                    Caller {
                        inner: caller.clone(),
                    },
                )?;
                py_args.push(c.into_any());
            }
            for a in args {
                py_args.push(from_val(py, store, *a)?);
            }
            let returned = callable.bind(py).call1(PyTuple::new(py, py_args)?)?;
            match results.len() {
                0 => {
                    if !returned.is_none() {
                        return Err(PyTypeError::new_err(
                            "the host function has no results but returned a value",
                        ));
                    }
                }
                1 => results[0] = to_val(py, store, results[0].kind(), &returned)?,
                n => {
                    let items: Vec<Bound<'_, PyAny>> = returned
                        .try_iter()
                        .map_err(|_| {
                            PyTypeError::new_err(format!(
                                "the host function has {n} results: return a tuple"
                            ))
                        })?
                        .collect::<PyResult<_>>()?;
                    if items.len() != n {
                        return Err(PyTypeError::new_err(format!(
                            "the host function has {n} results but returned {}",
                            items.len()
                        )));
                    }
                    for (slot, item) in results.iter_mut().zip(&items) {
                        *slot = to_val(py, store, slot.kind(), item)?;
                    }
                }
            }
            Ok(())
        };
        run().map_err(|err| {
            let message = err.to_string();
            crate::set_pending(err);
            message
        })
    })
}

pub(crate) fn define_callable(
    py: Python<'_>,
    linker: &common::Linker,
    module: &str,
    name: &str,
    ty: CFuncType,
    callable: Py<PyAny>,
    access_caller: bool,
) -> PyResult<()> {
    linker
        .define_func(
            module,
            name,
            &ty,
            Box::new(move |caller, args, results| {
                host_call(&callable, access_caller, caller, args, results)
            }),
        )
        .py(py)
}

/// Resolves imports by `(module, name)`: Python callables as host functions, and objects of
/// stores. One linker can instantiate modules into many stores of its engine.
#[pyclass(module = "wrt", frozen)]
pub(crate) struct Linker {
    pub(crate) inner: common::Linker,
}

#[pymethods]
impl Linker {
    #[new]
    fn new(py: Python<'_>, engine: PyRef<'_, Engine>) -> PyResult<Linker> {
        Ok(Linker {
            inner: common::Linker::new(&engine.inner).py(py)?,
        })
    }

    /// Whether a later definition may replace an earlier one of the same name.
    #[setter]
    fn set_allow_shadowing(&self, py: Python<'_>, allow: bool) -> PyResult<()> {
        self.inner.allow_shadowing(allow).py(py)
    }

    /// Defines `module`.`name` as the host function `func` of type `ty` (a `wrt.FuncType`, or a
    /// `(params, results)` pair of type-name lists). With `access_caller=True`, `func` gets a
    /// `wrt.Caller` before the wasm arguments.
    #[pyo3(signature = (module, name, ty, func, *, access_caller=false))]
    fn define_func(
        &self,
        py: Python<'_>,
        module: &str,
        name: &str,
        ty: &Bound<'_, PyAny>,
        func: Py<PyAny>,
        access_caller: bool,
    ) -> PyResult<()> {
        if !func.bind(py).is_callable() {
            return Err(PyTypeError::new_err("`func` must be callable"));
        }
        let ty = func_type_arg(py, ty)?;
        define_callable(py, &self.inner, module, name, ty, func, access_caller)
    }

    /// Defines the 46 functions of WASI preview 1 (`wasi_snapshot_preview1`). Each store that
    /// instantiates a module importing them needs `Store.set_wasi` first.
    fn define_wasi(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.define_wasi().py(py)
    }

    /// Defines `module`.`name` as `item`, a `Func`, `Memory`, `Global` or `Table` of `store`.
    fn define(
        &self,
        py: Python<'_>,
        store: PyRef<'_, Store>,
        module: &str,
        name: &str,
        item: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let Some((_, e)) = py_to_extern(item) else {
            return Err(PyTypeError::new_err(
                "`item` must be a wrt.Func, wrt.Memory, wrt.Global or wrt.Table",
            ));
        };
        self.inner.define(&store.inner, module, name, e).py(py)
    }

    /// Defines every export of `instance` (of `store`) under the module name `module`.
    fn define_instance(
        &self,
        py: Python<'_>,
        store: PyRef<'_, Store>,
        module: &str,
        instance: PyRef<'_, Instance>,
    ) -> PyResult<()> {
        self.inner
            .define_instance(&store.inner, module, instance.instance)
            .py(py)
    }

    /// Instantiates `module` in `store`, resolving its imports here, and runs its start
    /// function.
    fn instantiate(
        &self,
        py: Python<'_>,
        store: PyRef<'_, Store>,
        module: PyRef<'_, Module>,
    ) -> PyResult<Instance> {
        Instance::instantiate(py, self.inner.clone(), &store, &module)
    }
}

fn func_type_arg(py: Python<'_>, ty: &Bound<'_, PyAny>) -> PyResult<CFuncType> {
    if let Ok(t) = ty.cast::<FuncType>() {
        return Ok(t.get().inner.clone());
    }
    let parts: Vec<Bound<'_, PyAny>> = ty
        .try_iter()
        .map_err(|_| PyTypeError::new_err("`ty` must be a wrt.FuncType or (params, results)"))?
        .collect::<PyResult<_>>()?;
    if parts.len() != 2 {
        return Err(PyTypeError::new_err(
            "`ty` must be a wrt.FuncType or (params, results)",
        ));
    }
    Ok(CFuncType {
        params: crate::convert::kinds(py, &parts[0])?,
        results: crate::convert::kinds(py, &parts[1])?,
    })
}

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

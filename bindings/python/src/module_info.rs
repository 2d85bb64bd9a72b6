//! The types of modules, functions, globals, memories and tables, and of imports and exports.

use pyo3::prelude::*;

use crate::convert::{kind_names, kinds};

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
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) r#type: Option<Py<PyAny>>,
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
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) r#type: Option<Py<PyAny>>,
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
pub(crate) fn extern_type_obj(
    py: Python<'_>,
    ty: &common::ExternType,
) -> PyResult<Option<Py<PyAny>>> {
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

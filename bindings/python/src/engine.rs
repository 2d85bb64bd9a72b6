//! Config, Engine and Module.

use pyo3::prelude::*;

use crate::convert::bytes_like;
use crate::module_info::{extern_type_obj, ExportType, ImportType};
use crate::IntoPy;

/// `Config`, with one attribute and one keyword argument per setting of wrt's list of engine
/// settings (`wrt_config_settings!`).
macro_rules! config_class {
    ($( $cfn:ident => $name:ident: $field:ty = $default:tt, $when:ident, $doc:literal; )*) => {
        /// Settings for an engine: fuel, memory budget, limits and determinism. Every setting is
        /// also a keyword argument of the constructor; `None` keeps wrt's default.
        #[pyclass(module = "wrt")]
        pub(crate) struct Config {
            $(
                #[doc = $doc]
                #[pyo3(get, set)]
                $name: $field,
            )*
        }

        #[pymethods]
        impl Config {
            #[new]
            #[pyo3(signature = (*, $($name = $default),*))]
            #[allow(clippy::too_many_arguments)]
            fn new($($name: $field),*) -> Config {
                Config { $($name),* }
            }

            fn __repr__(&self) -> String {
                format!("wrt.Config({:?})", self.settings())
            }
        }

        impl Config {
            /// The settings, for the common layer.
            pub(crate) fn settings(&self) -> common::Config {
                common::Config { $($name: self.$name),* }
            }
        }
    };
}
common::wrt_config_settings!(bindings => config_class);

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
        let config = config.map(|c| c.settings()).unwrap_or_default();
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

impl Module {
    /// Compiles `bytes` without the GIL.
    fn compile(py: Python<'_>, engine: &Engine, bytes: Vec<u8>) -> PyResult<Module> {
        let engine = engine.inner.clone();
        let inner = py
            .detach(move || common::Module::new(&engine, &bytes))
            .py(py)?;
        Ok(Module { inner })
    }
}

#[pymethods]
impl Module {
    #[new]
    fn new(py: Python<'_>, engine: PyRef<'_, Engine>, wasm: &Bound<'_, PyAny>) -> PyResult<Module> {
        Module::compile(py, &engine, module_bytes(py, wasm)?)
    }

    /// Compiles the module in the file at `path` (binary or text).
    #[staticmethod]
    fn from_file(
        py: Python<'_>,
        engine: PyRef<'_, Engine>,
        path: std::path::PathBuf,
    ) -> PyResult<Module> {
        Module::compile(py, &engine, std::fs::read(&path)?)
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

//! `wrt._wrt`: the Python extension of wrt. It wraps wrt's C API (through the
//! `wrt-bindings-common` layer, which calls the `extern "C"` functions of the `wrt-capi` crate),
//! so Python sees the same behaviour and error codes as C. The package `wrt` (python/wrt)
//! re-exports it with the exception classes and type stubs.
//!
//! No Rust panic reaches Python: the C API catches its own, host functions run behind
//! `catch_unwind` in the common layer, and this crate does not panic (clippy denies `unwrap`,
//! `expect` and `panic`).

use std::cell::RefCell;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

mod convert;
mod engine;
mod linker;
mod memory;
mod module_info;
mod store;
mod val;
mod wasi;

thread_local! {
    /// The Python exception a host function raised, kept while the error travels through wasm
    /// code, so the call that started it can raise the same exception object.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

pub(crate) fn set_pending(err: PyErr) {
    PENDING.with(|p| *p.borrow_mut() = Some(err));
}

fn take_pending() -> Option<PyErr> {
    PENDING.with(|p| p.borrow_mut().take())
}

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn error_class_name(e: &common::Error) -> &'static str {
    use common::ErrorKind as K;
    match e.kind() {
        K::NullArgument | K::InvalidArgument => "InvalidArgumentError",
        K::Internal => "InternalError",
        K::Busy => "BusyError",
        K::NotFound => "NotFoundError",
        K::Malformed | K::InvalidModule | K::Unsupported => "CompileError",
        K::Trap if e.is_out_of_fuel() => "OutOfFuel",
        K::Trap => "Trap",
        K::Link => "LinkError",
        K::Instantiation => "InstantiationError",
        K::Host => "HostError",
        K::Type => "WasmTypeError",
        K::Limit => "LimitError",
        K::Handle => "HandleError",
        K::Exit => "ExitError",
        K::Other => "Error",
    }
}

fn build_error(py: Python<'_>, e: &common::Error) -> PyResult<PyErr> {
    let module = ERRORS.get_or_try_init(py, || py.import("wrt._errors").map(Bound::unbind))?;
    let class = module.bind(py).getattr(error_class_name(e))?;
    let value = class.call1((e.message(), e.code()))?;
    if e.kind() == common::ErrorKind::Trap {
        value.setattr("trap_code", e.trap_code())?;
        value.setattr("trap", common::trap_name(e.trap_code()))?;
    }
    if let Some(status) = e.exit_status() {
        value.setattr("status", status)?;
    }
    Ok(PyErr::from_value(value))
}

/// Converts an error of the C API into the matching `wrt.Error` subclass. A host function's
/// Python exception that caused it is raised instead, as itself.
pub(crate) fn to_py_err(py: Python<'_>, e: common::Error) -> PyErr {
    let pending = take_pending();
    if e.kind() == common::ErrorKind::Host {
        if let Some(original) = pending {
            return original;
        }
    }
    build_error(py, &e).unwrap_or_else(|import_error| import_error)
}

/// `Result<T, common::Error>` to `PyResult<T>`.
pub(crate) trait IntoPy<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for common::Result<T> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}

/// Converts the WebAssembly text format to a binary module.
#[pyfunction]
fn wat2wasm(py: Python<'_>, text: &str) -> PyResult<Py<pyo3::types::PyBytes>> {
    let bytes = common::wat2wasm(text).py(py)?;
    Ok(pyo3::types::PyBytes::new(py, &bytes).unbind())
}

#[pymodule]
fn _wrt(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", common::version())?;
    m.add_function(wrap_pyfunction!(wat2wasm, m)?)?;
    // The classes, by the file that defines them.
    m.add_class::<engine::Config>()?;
    m.add_class::<engine::Engine>()?;
    m.add_class::<engine::Module>()?;
    m.add_class::<module_info::FuncType>()?;
    m.add_class::<module_info::ImportType>()?;
    m.add_class::<module_info::ExportType>()?;
    m.add_class::<module_info::GlobalType>()?;
    m.add_class::<module_info::MemoryType>()?;
    m.add_class::<module_info::TableType>()?;
    m.add_class::<store::Store>()?;
    m.add_class::<store::MemoryProfile>()?;
    m.add_class::<val::Func>()?;
    m.add_class::<val::Global>()?;
    m.add_class::<val::Table>()?;
    m.add_class::<val::Instance>()?;
    m.add_class::<val::Exports>()?;
    m.add_class::<memory::Memory>()?;
    m.add_class::<memory::MemoryBuffer>()?;
    m.add_class::<linker::Linker>()?;
    m.add_class::<linker::Caller>()?;
    m.add_class::<wasi::WasiConfig>()?;
    // The C API's codes, named without its `WRT_` prefix: ERROR_TRAP, TRAP_OUT_OF_FUEL, ...
    for kind in common::ErrorKind::ALL {
        m.add(kind.code_name(), kind.code())?;
    }
    for (name, code) in common::TRAP_CODES {
        m.add(*name, *code)?;
    }
    Ok(())
}

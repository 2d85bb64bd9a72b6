//! Python values to WebAssembly values and back.

use common::{Store, Val, ValKind};
use pyo3::buffer::PyBuffer;
use pyo3::conversion::FromPyObjectOwned;
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::IntoPyObjectExt;

use crate::val::Func;
use crate::IntoPy;

/// Converts a Python value to a value of `kind`: `int` for i32/i64 (signed, or unsigned bits up
/// to 2**32-1 / 2**64-1), `float` (or `int`) for f32/f64, a `Func` or `None` for funcref, any
/// object or `None` for externref.
pub(crate) fn to_val(
    py: Python<'_>,
    store: &Store,
    kind: ValKind,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Val> {
    Ok(match kind {
        ValKind::I32 => {
            let v: i64 = int_arg(obj, "i32")?;
            if !(-(1i64 << 31)..(1i64 << 32)).contains(&v) {
                return Err(PyOverflowError::new_err(format!(
                    "{v} does not fit in an i32"
                )));
            }
            Val::I32(v as u32 as i32)
        }
        ValKind::I64 => {
            let v: i128 = int_arg(obj, "i64")?;
            if !(-(1i128 << 63)..(1i128 << 64)).contains(&v) {
                return Err(PyOverflowError::new_err(format!(
                    "{v} does not fit in an i64"
                )));
            }
            Val::I64(v as u64 as i64)
        }
        ValKind::F32 => Val::F32(float_arg(obj, "f32")? as f32),
        ValKind::F64 => Val::F64(float_arg(obj, "f64")?),
        ValKind::FuncRef => {
            if obj.is_none() {
                Val::FuncRef(None)
            } else if let Ok(f) = obj.cast::<Func>() {
                let f = f.get();
                if !f.store.same(store) {
                    return Err(crate::to_py_err(
                        py,
                        common::Error::new(
                            common::ErrorKind::Handle,
                            "the function belongs to another store",
                        ),
                    ));
                }
                Val::FuncRef(Some(f.func))
            } else {
                return Err(PyTypeError::new_err(format!(
                    "expected a wrt.Func or None for a funcref, got {}",
                    type_name(obj)
                )));
            }
        }
        ValKind::ExternRef => {
            if obj.is_none() {
                Val::ExternRef(None)
            } else {
                let data: Py<PyAny> = obj.clone().unbind();
                Val::ExternRef(Some(store.externref_new(Box::new(data)).py(py)?))
            }
        }
    })
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn int_arg<'py, T: FromPyObjectOwned<'py>>(obj: &Bound<'py, PyAny>, kind: &str) -> PyResult<T> {
    if obj.is_instance_of::<pyo3::types::PyInt>() {
        obj.extract::<T>()
            .map_err(|_| PyOverflowError::new_err(format!("{obj} does not fit in an {kind}")))
    } else {
        Err(PyTypeError::new_err(format!(
            "expected an int for an {kind}, got {}",
            type_name(obj)
        )))
    }
}

fn float_arg(obj: &Bound<'_, PyAny>, kind: &str) -> PyResult<f64> {
    if obj.is_instance_of::<pyo3::types::PyFloat>() || obj.is_instance_of::<pyo3::types::PyInt>() {
        obj.extract::<f64>()
    } else {
        Err(PyTypeError::new_err(format!(
            "expected a float for an {kind}, got {}",
            type_name(obj)
        )))
    }
}

/// Converts a WebAssembly value to Python: `int`, `float`, `wrt.Func` or `None`, or the object
/// an externref was made from.
pub(crate) fn from_val(py: Python<'_>, store: &Store, val: Val) -> PyResult<Py<PyAny>> {
    match val {
        Val::I32(v) => v.into_py_any(py),
        Val::I64(v) => v.into_py_any(py),
        Val::F32(v) => f64::from(v).into_py_any(py),
        Val::F64(v) => v.into_py_any(py),
        Val::FuncRef(None) | Val::ExternRef(None) => Ok(py.None()),
        Val::FuncRef(Some(f)) => Func::new(store.clone(), f).into_py_any(py),
        Val::ExternRef(Some(r)) => {
            let data = store.externref_data(r).py(py)?;
            match data.downcast_ref::<Py<PyAny>>() {
                Some(obj) => Ok(obj.clone_ref(py)),
                None => Err(PyTypeError::new_err(
                    "the externref was not made by the Python bindings",
                )),
            }
        }
    }
}

/// Converts the results of a call: `None`, the single value, or a tuple.
pub(crate) fn results_to_py(py: Python<'_>, store: &Store, vals: Vec<Val>) -> PyResult<Py<PyAny>> {
    match vals.len() {
        0 => Ok(py.None()),
        1 => from_val(py, store, vals[0]),
        _ => {
            let items = vals
                .into_iter()
                .map(|v| from_val(py, store, v))
                .collect::<PyResult<Vec<_>>>()?;
            pyo3::types::PyTuple::new(py, items)?.into_py_any(py)
        }
    }
}

/// The bytes of a bytes-like object (`bytes`, `bytearray`, `memoryview`, ...).
pub(crate) fn bytes_like(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.extract::<PyBackedBytes>() {
        return Ok(b.to_vec());
    }
    match PyBuffer::<u8>::get(obj) {
        Ok(buffer) => buffer.to_vec(py),
        Err(_) => Err(PyTypeError::new_err(format!(
            "expected a bytes-like object, got {}",
            type_name(obj)
        ))),
    }
}

/// A list of value types: each a name ("i32", "i64", "f32", "f64", "funcref", "externref").
pub(crate) fn kinds(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<ValKind>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let name: String = item.extract().map_err(|_| {
            PyTypeError::new_err(
                "value types are strings: 'i32', 'i64', 'f32', 'f64', 'funcref', 'externref'",
            )
        })?;
        out.push(ValKind::parse(&name).py(py)?);
    }
    Ok(out)
}

/// The names of value kinds ("i32", ...).
pub(crate) fn kind_names(kinds: &[ValKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.name()).collect()
}

//! Linear memories and the zero-copy views of them.

use std::ffi::{c_int, c_void};
use std::ptr::NonNull;

use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PySlice};
use pyo3::IntoPyObjectExt;

use crate::convert::bytes_like;
use crate::IntoPy;

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

//! The objects of the C API this layer creates and owns: each is made by its `wrt_*_new` and
//! released once by its `wrt_*_delete` when its owner is dropped.

use std::ptr::{self, NonNull};

use wrt::{wrt_bytes_t, wrt_error_t};

use crate::error::{check, Error, ErrorKind, Result};

/// A type of object of the C API, with the name of its constructor and its destructor.
pub(crate) trait CObject {
    /// The constructor's name, for the error if it gives no object.
    const NEW: &'static str;

    /// Releases the object.
    ///
    /// # Safety
    /// `raw` must be an object of this type that the C API handed out and that is released once.
    unsafe fn delete(raw: *mut Self);
}

macro_rules! c_objects {
    ($($ty:ident: $new:ident, $delete:ident;)*) => {
        $(
            impl CObject for wrt::$ty {
                const NEW: &'static str = stringify!($new);
                unsafe fn delete(raw: *mut Self) {
                    // SAFETY: forwarded contract.
                    unsafe { wrt::$delete(raw) }
                }
            }
        )*
    };
}

c_objects! {
    wrt_config_t: wrt_config_new, wrt_config_delete;
    wrt_engine_t: wrt_engine_new, wrt_engine_delete;
    wrt_module_t: wrt_module_new, wrt_module_delete;
    wrt_linker_t: wrt_linker_new, wrt_linker_delete;
    wrt_wasi_config_t: wrt_wasi_config_new, wrt_wasi_config_delete;
}

/// An object of the C API that this layer owns, released when dropped.
pub(crate) struct Owned<T: CObject>(NonNull<T>);

impl<T: CObject> Owned<T> {
    /// Calls a constructor of the C API (`new` gets the out-pointer) and takes the object it
    /// makes.
    ///
    /// # Safety
    /// `new` must call the constructor of `T`, which on success hands the caller an object.
    pub(crate) unsafe fn new(new: impl FnOnce(*mut *mut T) -> *mut wrt_error_t) -> Result<Self> {
        let mut raw = ptr::null_mut();
        // SAFETY: `new` returns NULL or an error object the caller owns (forwarded contract).
        unsafe { check(new(&mut raw)) }?;
        NonNull::new(raw)
            .map(Owned)
            .ok_or_else(|| Error::new(ErrorKind::Internal, format!("{} returned NULL", T::NEW)))
    }

    pub(crate) fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }
}

impl<T: CObject> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: the C API handed the object out (`new`) and only this owner releases it.
        unsafe { T::delete(self.0.as_ptr()) };
    }
}

/// Calls a function of the C API that hands out bytes (`call` gets the out-parameter), and
/// copies them.
///
/// # Safety
/// `call` must call such a function, which on success fills the `wrt_bytes_t` with bytes the
/// caller owns.
pub(crate) unsafe fn bytes_from(
    call: impl FnOnce(*mut wrt_bytes_t) -> *mut wrt_error_t,
) -> Result<Vec<u8>> {
    let mut out = wrt_bytes_t {
        data: ptr::null_mut(),
        len: 0,
    };
    // SAFETY: `call` returns NULL or an error object the caller owns (forwarded contract).
    unsafe { check(call(&mut out)) }?;
    let bytes = if out.data.is_null() || out.len == 0 {
        Vec::new()
    } else {
        // SAFETY: on success `out` holds `len` initialised bytes owned by us until
        // `wrt_bytes_delete`; they are copied before that.
        unsafe { std::slice::from_raw_parts(out.data, out.len) }.to_vec()
    };
    // SAFETY: `out` was filled by the C API and is released once.
    unsafe { wrt::wrt_bytes_delete(&mut out) };
    Ok(bytes)
}

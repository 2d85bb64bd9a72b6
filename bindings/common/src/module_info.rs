//! The names, kinds and function types of a module's imports and exports, as the C API lists
//! them (`wrt_module_imports`, `wrt_module_exports`). JavaScript-style
//! `instantiate(bytes, imports)` needs them to wrap host functions given without types, and
//! `instance.exports` lists every export.

use std::slice;

use wrt::{wrt_extern_type_t, wrt_module_t};

use crate::error::{check, Error, ErrorKind, Result};
use crate::val::{ExternKind, ValKind};

/// The parameter and result types of a function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncType {
    pub params: Vec<ValKind>,
    pub results: Vec<ValKind>,
}

/// What an import or export is, with its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Global {
        content: ValKind,
        mutable: bool,
    },
    /// Sizes in 64 KiB pages.
    Memory {
        min: u64,
        max: Option<u64>,
    },
    /// Sizes in elements.
    Table {
        element: ValKind,
        min: u64,
        max: Option<u64>,
    },
    /// A kind this layer does not know.
    Other,
}

impl ExternType {
    pub fn kind(&self) -> ExternKind {
        match self {
            ExternType::Func(_) => ExternKind::Func,
            ExternType::Global { .. } => ExternKind::Global,
            ExternType::Memory { .. } => ExternKind::Memory,
            ExternType::Table { .. } => ExternKind::Table,
            ExternType::Other => ExternKind::Other,
        }
    }

    /// The function type, for functions.
    pub fn func(&self) -> Option<&FuncType> {
        match self {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// One import of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportType {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// One export of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportType {
    pub name: String,
    pub ty: ExternType,
}

/// The imports and exports of a module, in the module's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    pub imports: Vec<ImportType>,
    pub exports: Vec<ExportType>,
}

/// Reads `len` bytes of a name the C API lends.
///
/// # Safety
/// `ptr` points to `len` readable bytes when `len` is not 0.
unsafe fn name(ptr: *const std::os::raw::c_char, len: usize) -> Result<String> {
    if len == 0 {
        return Ok(String::new());
    }
    // SAFETY: `len` readable bytes (caller's contract).
    let bytes = unsafe { slice::from_raw_parts(ptr.cast::<u8>(), len) };
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            "the C API gave a name that is not UTF-8",
        )
    })
}

/// Reads `n` value kinds the C API lends.
///
/// # Safety
/// `ptr` points to `n` readable kinds when `n` is not 0.
unsafe fn kinds(ptr: *const u8, n: usize) -> Result<Vec<ValKind>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: `n` readable kinds (caller's contract).
    unsafe { slice::from_raw_parts(ptr, n) }
        .iter()
        .map(|&k| ValKind::from_raw(k))
        .collect()
}

/// One description (an export's has an empty module name).
///
/// # Safety
/// `d` came from `wrt_module_imports` or `wrt_module_exports` of a module still alive.
unsafe fn read(d: &wrt_extern_type_t) -> Result<ImportType> {
    let limits = |d: &wrt_extern_type_t| (d.min, d.has_max.then_some(d.max));
    let ty = match d.kind {
        wrt::WRT_EXTERN_FUNC => {
            // SAFETY: the C API's descriptions of functions point to their kinds.
            let (params, results) =
                unsafe { (kinds(d.params, d.nparams)?, kinds(d.results, d.nresults)?) };
            ExternType::Func(FuncType { params, results })
        }
        wrt::WRT_EXTERN_GLOBAL => ExternType::Global {
            content: ValKind::from_raw(d.valkind)?,
            mutable: d.is_mutable,
        },
        wrt::WRT_EXTERN_MEMORY => {
            let (min, max) = limits(d);
            ExternType::Memory { min, max }
        }
        wrt::WRT_EXTERN_TABLE => {
            let (min, max) = limits(d);
            ExternType::Table {
                element: ValKind::from_raw(d.valkind)?,
                min,
                max,
            }
        }
        _ => ExternType::Other,
    };
    // SAFETY: the C API's names are `*_len` readable bytes, alive with the module.
    let (module, name) = unsafe { (name(d.module, d.module_len)?, name(d.name, d.name_len)?) };
    Ok(ImportType { module, name, ty })
}

/// The descriptions one of the two listing functions gives.
///
/// # Safety
/// `module` is a live module.
unsafe fn list(
    module: *const wrt_module_t,
    f: unsafe extern "C" fn(
        *const wrt_module_t,
        *mut *const wrt_extern_type_t,
        *mut usize,
    ) -> *mut wrt::wrt_error_t,
) -> Result<Vec<ImportType>> {
    let mut ptr = std::ptr::null();
    let mut count = 0;
    // SAFETY: `module` is live (caller's contract); the out-pointers are valid.
    unsafe { check(f(module, &mut ptr, &mut count)) }?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: the C API gives `count` descriptions at `ptr`, owned by the live module.
    let all = unsafe { slice::from_raw_parts(ptr, count) };
    // SAFETY: each description comes from the live module.
    all.iter().map(|d| unsafe { read(d) }).collect()
}

impl ModuleInfo {
    /// Reads the imports and exports of a compiled module.
    ///
    /// # Safety
    /// `module` is a live module.
    pub(crate) unsafe fn read(module: *const wrt_module_t) -> Result<ModuleInfo> {
        // SAFETY: `module` is live (caller's contract).
        let (imports, exports) = unsafe {
            (
                list(module, wrt::wrt_module_imports)?,
                list(module, wrt::wrt_module_exports)?,
            )
        };
        Ok(ModuleInfo {
            imports,
            exports: exports
                .into_iter()
                .map(|e| ExportType {
                    name: e.name,
                    ty: e.ty,
                })
                .collect(),
        })
    }
}

//! The imports and exports a module declares, with their types, as plain C data.

use std::os::raw::c_char;
use std::ptr;

use wrt_core::{ExternType, Module, Mutability};

use crate::error::{need_out, write_out, wrt_error_t, CResult};
use crate::module::{module_ref, wrt_module_t};
use crate::val::{
    kind_of, wrt_extern_kind_t, wrt_valkind_t, WRT_EXTERN_FUNC, WRT_EXTERN_GLOBAL,
    WRT_EXTERN_MEMORY, WRT_EXTERN_TABLE,
};

/// One import or export of a module and its type. Plain data that borrows from the module: the
/// pointers in it stay valid until the module is deleted.
///
/// Names are UTF-8 of the given length, not NUL-terminated (a WebAssembly name may contain a
/// NUL); a pointer with length 0 must not be read.
#[repr(C)]
pub struct wrt_extern_type_t {
    /// The module name of an import; length 0 for an export.
    pub module: *const c_char,
    pub module_len: usize,
    /// The import's or export's name.
    pub name: *const c_char,
    pub name_len: usize,
    /// What it is (`WRT_EXTERN_*`); says which fields below are meant.
    pub kind: wrt_extern_kind_t,
    /// Functions: the parameter and result kinds (`WRT_VAL_*`).
    pub params: *const wrt_valkind_t,
    pub nparams: usize,
    pub results: *const wrt_valkind_t,
    pub nresults: usize,
    /// Globals: the value kind. Tables: the element kind (`WRT_VAL_FUNCREF` or
    /// `WRT_VAL_EXTERNREF`).
    pub valkind: wrt_valkind_t,
    /// Globals: whether the global is mutable.
    pub is_mutable: bool,
    /// Memories (in 64 KiB pages) and tables (in elements): the initial size and, when
    /// `has_max`, the largest size.
    pub min: u64,
    pub max: u64,
    pub has_max: bool,
}

/// The descriptions `wrt_module_imports` and `wrt_module_exports` hand out, made once per
/// module. The pointers in them point into the module's names (kept alive by `module`, an
/// immutable shared module) and into `kinds`, whose boxes never move.
pub(crate) struct ModuleTypes {
    imports: Vec<wrt_extern_type_t>,
    exports: Vec<wrt_extern_type_t>,
    #[allow(dead_code)] // Owns what `imports` and `exports` point into.
    kinds: Vec<Box<[wrt_valkind_t]>>,
}

// SAFETY: the raw pointers only point into data that `ModuleTypes` (through `kinds`) or the
// module it belongs to owns, and nothing writes through them: the whole is immutable.
unsafe impl Send for ModuleTypes {}
// SAFETY: as above.
unsafe impl Sync for ModuleTypes {}

fn describe(
    module: &str,
    name: &str,
    ty: &ExternType,
    kinds: &mut Vec<Box<[wrt_valkind_t]>>,
) -> CResult<wrt_extern_type_t> {
    let mut d = wrt_extern_type_t {
        module: module.as_ptr().cast(),
        module_len: module.len(),
        name: name.as_ptr().cast(),
        name_len: name.len(),
        kind: WRT_EXTERN_FUNC,
        params: ptr::null(),
        nparams: 0,
        results: ptr::null(),
        nresults: 0,
        valkind: 0,
        is_mutable: false,
        min: 0,
        max: 0,
        has_max: false,
    };
    let limits = |d: &mut wrt_extern_type_t, min: u64, max: Option<u64>| {
        d.min = min;
        d.max = max.unwrap_or(0);
        d.has_max = max.is_some();
    };
    match ty {
        ExternType::Func(f) => {
            let mut list = |types: &[wrt_core::ValType]| -> CResult<(*const wrt_valkind_t, usize)> {
                let boxed: Box<[wrt_valkind_t]> =
                    types.iter().map(|t| kind_of(*t)).collect::<CResult<_>>()?;
                let pair = (boxed.as_ptr(), boxed.len());
                kinds.push(boxed);
                Ok(pair)
            };
            (d.params, d.nparams) = list(f.params())?;
            (d.results, d.nresults) = list(f.results())?;
        }
        ExternType::Global(g) => {
            d.kind = WRT_EXTERN_GLOBAL;
            d.valkind = kind_of(g.content())?;
            d.is_mutable = g.mutability() == Mutability::Var;
        }
        ExternType::Memory(m) => {
            d.kind = WRT_EXTERN_MEMORY;
            limits(&mut d, m.minimum(), m.maximum());
        }
        ExternType::Table(t) => {
            d.kind = WRT_EXTERN_TABLE;
            d.valkind = kind_of(t.element().into())?;
            limits(&mut d, t.minimum(), t.maximum());
        }
    }
    Ok(d)
}

impl ModuleTypes {
    pub(crate) fn new(module: &Module) -> CResult<ModuleTypes> {
        let mut kinds = Vec::new();
        let imports = module
            .imports()
            .map(|i| describe(i.module(), i.name(), &i.ty(), &mut kinds))
            .collect::<CResult<Vec<_>>>()?;
        let exports = module
            .exports()
            .map(|e| describe("", e.name(), &e.ty(), &mut kinds))
            .collect::<CResult<Vec<_>>>()?;
        Ok(ModuleTypes {
            imports,
            exports,
            kinds,
        })
    }
}

fn list(
    module: *const wrt_module_t,
    pick: fn(&ModuleTypes) -> &[wrt_extern_type_t],
    out: *mut *const wrt_extern_type_t,
    count: *mut usize,
) -> *mut wrt_error_t {
    crate::error::guard(|| {
        // SAFETY: NULL or a live module (the caller's contract, forwarded).
        unsafe { module_ref(module) }?;
        need_out(out, "out")?;
        need_out(count, "count")?;
        // SAFETY: checked non-NULL above; live by the caller's contract.
        let types = pick(&unsafe { &*module }.types);
        // SAFETY: `out` and `count` are not NULL (checked) and writable (API contract).
        unsafe {
            write_out(out, types.as_ptr());
            write_out(count, types.len());
        }
        Ok(())
    })
}

/// The module's imports in the module's order: `*out` points to `*count` descriptions, which
/// belong to the module and stay valid until it is deleted.
#[no_mangle]
pub unsafe extern "C" fn wrt_module_imports(
    module: *const wrt_module_t,
    out: *mut *const wrt_extern_type_t,
    count: *mut usize,
) -> *mut wrt_error_t {
    list(module, |t| &t.imports, out, count)
}

/// The module's exports in the module's order (`module_len` is 0 in each): `*out` points to
/// `*count` descriptions, which belong to the module and stay valid until it is deleted.
#[no_mangle]
pub unsafe extern "C" fn wrt_module_exports(
    module: *const wrt_module_t,
    out: *mut *const wrt_extern_type_t,
    count: *mut usize,
) -> *mut wrt_error_t {
    list(module, |t| &t.exports, out, count)
}

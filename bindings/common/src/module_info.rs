//! The names, kinds and function types of a module's imports and exports.
//!
//! The C API has no function to list a module's imports or an instance's exports yet, and the
//! bindings need them: JavaScript-style `instantiate(bytes, imports)` takes host functions without
//! declared types, and `instance.exports` lists every export. Until the C API offers such a
//! listing, this reads the import, type, function and export sections with wasmparser. It is
//! only run on bytes that `wrt_module_new` accepted, and it decides nothing about behaviour:
//! every check, link and call still goes through the C API.

use wasmparser::{CompositeInnerType, ExternalKind, Parser, Payload, TypeRef, ValType};

use crate::error::{Error, ErrorKind, Result};
use crate::val::{ExternKind, ValKind};

/// The parameter and result types of a function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncType {
    pub params: Vec<ValKind>,
    pub results: Vec<ValKind>,
}

/// One import of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportType {
    pub module: String,
    pub name: String,
    pub kind: ExternKind,
    /// For functions whose types the bindings can express.
    pub func: Option<FuncType>,
}

/// One export of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportType {
    pub name: String,
    pub kind: ExternKind,
    /// For functions whose types the bindings can express.
    pub func: Option<FuncType>,
}

/// The imports and exports of a module, in the module's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    pub imports: Vec<ImportType>,
    pub exports: Vec<ExportType>,
}

fn val_kind(ty: &ValType) -> Option<ValKind> {
    match *ty {
        ValType::I32 => Some(ValKind::I32),
        ValType::I64 => Some(ValKind::I64),
        ValType::F32 => Some(ValKind::F32),
        ValType::F64 => Some(ValKind::F64),
        ValType::FUNCREF => Some(ValKind::FuncRef),
        ValType::EXTERNREF => Some(ValKind::ExternRef),
        _ => None,
    }
}

fn malformed(e: wasmparser::BinaryReaderError) -> Error {
    Error::new(ErrorKind::Malformed, e.to_string())
}

impl ModuleInfo {
    /// Reads the imports and exports of a binary module.
    pub fn parse(bytes: &[u8]) -> Result<ModuleInfo> {
        // Function types by type index (None for types the bindings cannot express).
        let mut types: Vec<Option<FuncType>> = Vec::new();
        // The type index of every function, imported ones first.
        let mut funcs: Vec<u32> = Vec::new();
        let mut info = ModuleInfo::default();
        let mut exports = Vec::new();
        let func_type = |types: &[Option<FuncType>], index: u32| -> Option<FuncType> {
            types.get(index as usize).cloned().flatten()
        };
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(malformed)? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub in group.map_err(malformed)?.types() {
                            types.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => {
                                    let params: Option<Vec<_>> =
                                        f.params().iter().map(val_kind).collect();
                                    let results: Option<Vec<_>> =
                                        f.results().iter().map(val_kind).collect();
                                    params
                                        .zip(results)
                                        .map(|(params, results)| FuncType { params, results })
                                }
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_iter() {
                        let import = import.map_err(malformed)?;
                        let (kind, func) = match import.ty {
                            TypeRef::Func(t) => {
                                funcs.push(t);
                                (ExternKind::Func, func_type(&types, t))
                            }
                            TypeRef::Memory(_) => (ExternKind::Memory, None),
                            TypeRef::Global(_) => (ExternKind::Global, None),
                            TypeRef::Table(_) => (ExternKind::Table, None),
                            TypeRef::Tag(_) => (ExternKind::Other, None),
                        };
                        info.imports.push(ImportType {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                            kind,
                            func,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        funcs.push(t.map_err(malformed)?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(malformed)?;
                        exports.push((export.name.to_owned(), export.kind, export.index));
                    }
                }
                _ => {}
            }
        }
        // The export section comes after the function section, but resolve at the end anyway.
        for (name, kind, index) in exports {
            let (kind, func) = match kind {
                ExternalKind::Func => (
                    ExternKind::Func,
                    funcs
                        .get(index as usize)
                        .and_then(|&t| func_type(&types, t)),
                ),
                ExternalKind::Memory => (ExternKind::Memory, None),
                ExternalKind::Global => (ExternKind::Global, None),
                ExternalKind::Table => (ExternKind::Table, None),
                ExternalKind::Tag => (ExternKind::Other, None),
            };
            info.exports.push(ExportType { name, kind, func });
        }
        Ok(info)
    }
}
